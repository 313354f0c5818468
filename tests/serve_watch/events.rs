//! The server's live-reload event stream (`/__folio/events`), read on a thread of its own:
//! each event arrives on a channel as its name and data (`data:` lines joined by `\n`).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc::{self, Receiver};
use std::thread;

/// An event: its name (`reload`, `css`, `error`, `hello`) and its data.
pub type Event = (String, String);

/// Subscribe to the events of the server at `addr`.
pub fn subscribe(addr: SocketAddr) -> Receiver<Event> {
    let (tx, rx) = mpsc::channel();
    let mut stream = TcpStream::connect(addr).expect("connect to the event stream");
    // The server answers only requests for its own address (see `serve::host`).
    let request = format!(
        "GET /__folio/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .expect("ask for events");
    thread::spawn(move || {
        let mut pending = Vec::new();
        let (mut name, mut data) = (String::new(), Vec::new());
        let mut buffer = [0; 4096];
        while let Ok(n @ 1..) = stream.read(&mut buffer) {
            pending.extend_from_slice(&buffer[..n]);
            while let Some(end) = pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = pending.drain(..=end).collect();
                let line = String::from_utf8_lossy(&line[..end]).into_owned();
                // Lines ending in CR are HTTP's: the head and the chunk framing. Each event
                // is one chunk, and its own lines end in a bare LF.
                if line.ends_with('\r') {
                    continue;
                }
                if line.is_empty() {
                    let event = (std::mem::take(&mut name), data.join("\n"));
                    data.clear();
                    if !event.0.is_empty() && tx.send(event).is_err() {
                        return;
                    }
                } else if let Some(v) = line.strip_prefix("event: ") {
                    name = v.to_string();
                } else if let Some(v) = line.strip_prefix("data: ") {
                    data.push(v.to_string());
                } else if line == "data:" {
                    data.push(String::new());
                }
            }
        }
    });
    rx
}
