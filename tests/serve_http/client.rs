//! A raw HTTP/1.1 client over `TcpStream`: it sends exactly the bytes a test writes, so
//! malformed and hostile requests reach the server unaltered.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Generous: only here to turn a hang into a failure.
pub const HANG: Duration = Duration::from_secs(30);

/// A parsed response.
#[derive(Debug, Default)]
pub struct Reply {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect to the test server");
    stream
        .set_read_timeout(Some(HANG))
        .expect("set read timeout");
    stream
        .set_write_timeout(Some(HANG))
        .expect("set write timeout");
    stream
}

/// Sends `request` as is on a new connection and reads until the server closes it. `None`
/// when the server closed without answering.
pub fn send_raw(addr: SocketAddr, request: &[u8]) -> Option<Reply> {
    send_raw_waiting(addr, request, HANG)
}

/// `send_raw`, giving up on an answer after `wait` (for requests that may get none).
pub fn send_raw_waiting(addr: SocketAddr, request: &[u8], wait: Duration) -> Option<Reply> {
    let mut stream = connect(addr);
    stream
        .set_read_timeout(Some(wait))
        .expect("set read timeout");
    // A server may answer and close before reading everything; that is fine. Half-closing
    // tells it no more is coming, so an incomplete request ends instead of hanging.
    let _ = stream.write_all(request);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    parse(&bytes)
}

/// `METHOD target` with `Connection: close` and extra header lines; `Host` names the server
/// as a browser would (`127.0.0.1:PORT`).
pub fn request(addr: SocketAddr, method: &str, target: &str, headers: &[&str]) -> Reply {
    let host = format!("Host: {addr}");
    let all: Vec<&str> = std::iter::once(host.as_str())
        .chain(headers.iter().copied())
        .collect();
    request_as(addr, method, target, "HTTP/1.1", &all)
}

/// `METHOD target VERSION` with `Connection: close` and exactly the header lines given.
pub fn request_as(
    addr: SocketAddr,
    method: &str,
    target: &str,
    version: &str,
    headers: &[&str],
) -> Reply {
    let mut text = format!("{method} {target} {version}\r\nConnection: close\r\n");
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    send_raw(addr, text.as_bytes()).expect("the server answered")
}

pub fn get(addr: SocketAddr, target: &str) -> Reply {
    request(addr, "GET", target, &[])
}

/// Parses a whole response read to the end of the connection (no chunked bodies).
pub fn parse(bytes: &[u8]) -> Option<Reply> {
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&bytes[..split]);
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let body = bytes[split + 4..].to_vec();
    Some(Reply {
        status,
        headers,
        body,
    })
}

/// One keep-alive connection sending GETs one after another.
pub struct KeepAlive {
    reader: BufReader<TcpStream>,
    addr: SocketAddr,
}

impl KeepAlive {
    pub fn new(addr: SocketAddr) -> Self {
        KeepAlive {
            reader: BufReader::new(connect(addr)),
            addr,
        }
    }

    pub fn get(&mut self, target: &str) -> std::io::Result<Reply> {
        let request = format!("GET {target} HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr);
        self.reader.get_mut().write_all(request.as_bytes())?;
        let mut reply = Reply::default();
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        reply.status = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let Some((name, value)) = line.trim_end().split_once(':') else {
                break;
            };
            reply
                .headers
                .insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
        let length: usize = reply
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| std::io::Error::other("no Content-Length"))?;
        reply.body = vec![0; length];
        self.reader.read_exact(&mut reply.body)?;
        Ok(reply)
    }
}
