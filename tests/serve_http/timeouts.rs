//! Timeouts and the connection cap, with short limits so the tests run fast: idle and stalled
//! connections are closed after the read timeout, a client that stops reading after the write
//! timeout, connections over the cap wait for a free one, and shutdown closes idle ones.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use folio::serve::{self, Limits, ServerHandle, Shared, Snapshot};

use crate::client::{KeepAlive, connect, parse};
use crate::site;

const READ_TIMEOUT: Duration = Duration::from_millis(300);
const WRITE_TIMEOUT: Duration = Duration::from_millis(300);
/// How long past a timeout the server may take to close (a loaded machine is slow).
const SLACK: Duration = Duration::from_secs(5);
const BIG: usize = 8 * 1024 * 1024;

/// Short timeouts, room for 16 connections.
const SHORT: Limits = Limits {
    read_timeout: READ_TIMEOUT,
    write_timeout: WRITE_TIMEOUT,
    max_connections: 16,
};

fn start_limited(site: Snapshot, limits: Limits) -> ServerHandle {
    let bind: SocketAddr = "127.0.0.1:0".parse().expect("an address");
    serve::start_with_limits(bind, Arc::new(Shared::new(site)), limits).expect("server starts")
}

/// Reads until the server closes `stream`; returns the bytes and how long the close took,
/// or `None` if it stayed open `SLACK` past `after`.
fn read_until_closed(stream: &mut TcpStream, after: Duration) -> Option<(Vec<u8>, Duration)> {
    let started = Instant::now();
    stream
        .set_read_timeout(Some(after + SLACK))
        .expect("a read timeout");
    let mut bytes = Vec::new();
    let mut buffer = [0; 64 * 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return Some((bytes, started.elapsed())),
            Ok(n) => bytes.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                return Some((bytes, started.elapsed()));
            }
            Err(_) => return None,
        }
    }
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_read_timeout() {
    let server = start_limited(site(), SHORT);
    let mut stream = connect(server.addr);
    let request = format!("GET / HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr);
    stream.write_all(request.as_bytes()).expect("send");
    let (bytes, took) = read_until_closed(&mut stream, READ_TIMEOUT).expect("closed");
    assert_eq!(parse(&bytes).map(|r| r.status), Some(200));
    // The answer came at once; the close waited for the idle timeout.
    assert!(took >= READ_TIMEOUT - Duration::from_millis(50), "{took:?}");
    server.shutdown();
}

#[test]
fn a_client_stalled_mid_request_is_closed_after_the_read_timeout() {
    let server = start_limited(site(), SHORT);
    let mut stream = connect(server.addr);
    let half = format!("GET / HTTP/1.1\r\nHost: {}\r\nAccept: te", server.addr);
    stream.write_all(half.as_bytes()).expect("send");
    let (bytes, _) = read_until_closed(&mut stream, READ_TIMEOUT).expect("closed");
    assert!(parse(&bytes).is_none_or(|r| r.status != 200), "{bytes:?}");
    server.shutdown();
}

#[test]
fn a_client_that_stops_reading_is_closed_after_the_write_timeout() {
    let mut big = site();
    big.insert("big.bin", vec![b'x'; BIG]);
    let server = start_limited(big, SHORT);
    let mut stream = {
        use socket2::{Domain, Socket, Type};
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("a socket");
        socket.set_recv_buffer_size(4096).expect("a small window");
        socket.connect(&server.addr.into()).expect("connect");
        TcpStream::from(socket)
    };
    let request = format!("GET /big.bin HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr);
    stream.write_all(request.as_bytes()).expect("send");
    // Not reading for several write timeouts: the server gives up on the answer.
    thread::sleep(WRITE_TIMEOUT * 4);
    let (bytes, _) = read_until_closed(&mut stream, Duration::ZERO).expect("closed");
    assert!(
        bytes.len() < BIG,
        "{} bytes came: the server kept writing",
        bytes.len()
    );
    // Other clients were served all along.
    let mut other = KeepAlive::new(server.addr);
    assert_eq!(other.get("/").map(|r| r.status).ok(), Some(200));
    server.shutdown();
}

#[test]
fn connections_over_the_cap_wait_for_a_free_one() {
    // Timeouts far longer than the test, so that only a closed connection frees a place.
    let limits = Limits {
        max_connections: 2,
        ..Limits::default()
    };
    let server = start_limited(site(), limits);
    // Two connections take the two places (each answered, so each was accepted).
    let mut held: Vec<KeepAlive> = (0..2).map(|_| KeepAlive::new(server.addr)).collect();
    for connection in &mut held {
        assert_eq!(connection.get("/").map(|r| r.status).ok(), Some(200));
    }
    let waiting = thread::spawn({
        let addr = server.addr;
        move || {
            let started = Instant::now();
            let status = KeepAlive::new(addr).get("/").map(|r| r.status).ok();
            (status, started.elapsed())
        }
    });
    thread::sleep(Duration::from_millis(200));
    assert!(
        !waiting.is_finished(),
        "a third connection was served at once"
    );
    drop(held.pop());
    let (status, took) = waiting.join().expect("the waiting client");
    assert_eq!(status, Some(200));
    assert!(took < SLACK, "{took:?}");
    server.shutdown();
}

#[test]
fn shutdown_closes_idle_connections() {
    let (server, _) = crate::start(site());
    let mut stream = connect(server.addr);
    let request = format!("GET / HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr);
    stream.write_all(request.as_bytes()).expect("send");
    let mut head = [0; 12];
    stream.read_exact(&mut head).expect("an answer");
    assert_eq!(&head, b"HTTP/1.1 200");
    let started = Instant::now();
    server.shutdown();
    // The default read timeout is 10 s; shutdown does not wait for it.
    assert!(read_until_closed(&mut stream, Duration::ZERO).is_some());
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn zero_timeouts_are_refused() {
    let bind: SocketAddr = "127.0.0.1:0".parse().expect("an address");
    for limits in [
        Limits {
            read_timeout: Duration::ZERO,
            ..SHORT
        },
        Limits {
            write_timeout: Duration::ZERO,
            ..SHORT
        },
    ] {
        let started = serve::start_with_limits(bind, Arc::new(Shared::new(site())), limits);
        let error = started.err().map(|e| e.kind());
        assert_eq!(error, Some(ErrorKind::InvalidInput), "{limits:?}");
    }
}
