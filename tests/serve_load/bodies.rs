//! Request bodies too large to read: each used to cost the server a thread and two file
//! handles for good (about 500 of them exhausted the listener). Now the connection closes, and
//! after 2,000 of them the server holds as many threads and file handles as before.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use crate::client;
use crate::server::Server;
use crate::small_site;

const REQUESTS: usize = 2000;
const SENDERS: usize = 4;
/// Bytes a "browser" sends of a body that it means to send whole.
const SENT_BODY: usize = 2 * 1024 * 1024;
/// Longest the server may take to answer and close one connection.
const CLOSE_WITHIN: Duration = Duration::from_secs(10);

/// Threads and open file handles of process `pid`, from /proc/PID/task and /proc/PID/fd.
fn threads_and_files(pid: u32) -> (usize, usize) {
    let count = |what: &str| {
        std::fs::read_dir(format!("/proc/{pid}/{what}"))
            .map(|entries| entries.count())
            .unwrap_or_else(|e| panic!("read /proc/{pid}/{what}: {e}"))
    };
    (count("task"), count("fd"))
}

/// Polls until the counts are at most `target` (or, without one, the same twice in a row
/// 200 ms apart), for at most `limit`; returns the last counts.
fn settled(pid: u32, target: Option<(usize, usize)>, limit: Duration) -> (usize, usize) {
    let deadline = Instant::now() + limit;
    let mut last = threads_and_files(pid);
    loop {
        thread::sleep(Duration::from_millis(200));
        let now = threads_and_files(pid);
        let done = match target {
            Some((threads, files)) => now.0 <= threads && now.1 <= files,
            None => now == last,
        };
        if done || Instant::now() > deadline {
            return now;
        }
        last = now;
    }
}

/// One request declaring a body of `length` bytes, of which `send` are sent (as fast as the
/// server takes them). Ok with the status (if one could be read) once the server closed
/// the connection.
fn oversized(addr: SocketAddr, length: u64, send: usize) -> Result<Option<u16>, String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    stream
        .set_read_timeout(Some(CLOSE_WITHIN))
        .and_then(|()| stream.set_write_timeout(Some(CLOSE_WITHIN)))
        .map_err(|e| e.to_string())?;
    let head = format!(
        "POST /form HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/plain\r\n\
         Content-Length: {length}\r\n\r\nabc"
    );
    stream
        .write_all(head.as_bytes())
        .map_err(|e| format!("send: {e}"))?;
    // The server may close before taking it all: that ends the sending, not the test.
    let chunk = vec![b'z'; 64 * 1024];
    let mut sent = 0;
    while sent < send && stream.write_all(&chunk).is_ok() {
        sent += chunk.len();
    }
    let mut answer = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
            // A reset closes it too (the server did not read what was sent).
            Err(e) if e.kind() == ErrorKind::ConnectionReset => break,
            Err(e) => return Err(format!("not closed: {e} after {answer:?}")),
        }
    }
    Ok(client::parse(&answer).map(|reply| reply.status))
}

#[test]
fn two_thousand_oversized_bodies_leave_no_thread_or_file_handle_behind() {
    let site = small_site();
    let mut server = Server::start(site.root());
    let (addr, pid) = (server.addr, server.pid());
    assert_eq!(client::get(addr, "/").status, 200);
    let before = settled(pid, None, Duration::from_secs(5));
    let started = Instant::now();
    let senders: Vec<_> = (0..SENDERS)
        .map(|sender| {
            thread::spawn(move || {
                let mut problems = Vec::new();
                for n in (sender..REQUESTS).step_by(SENDERS) {
                    // Most declare a huge body and send 3 bytes of it; every eighth sends
                    // 2 MB of a 2 MB body, as a browser's form post would. Its 413 may be
                    // lost: closing on a body not read resets the connection.
                    let (result, any_status) = match n % 8 {
                        0 => (oversized(addr, SENT_BODY as u64, SENT_BODY), true),
                        1 => (oversized(addr, u64::MAX, 0), false),
                        _ => (oversized(addr, 99_999_999_999, 0), false),
                    };
                    match result {
                        Ok(Some(413)) => {}
                        Ok(_) if any_status => {}
                        Ok(status) => problems.push(format!("request {n}: status {status:?}")),
                        Err(e) => problems.push(format!("request {n}: {e}")),
                    }
                }
                problems
            })
        })
        .collect();
    let problems: Vec<String> = senders
        .into_iter()
        .flat_map(|s| s.join().expect("a sender thread"))
        .collect();
    let took = started.elapsed();
    let after = settled(pid, Some(before), Duration::from_secs(10));
    eprintln!(
        "{REQUESTS} oversized bodies in {:.1} s: server threads {} before, {} after; \
         file handles {} before, {} after",
        took.as_secs_f64(),
        before.0,
        after.0,
        before.1,
        after.1
    );
    assert!(
        problems.is_empty(),
        "{} failed, the first:\n{}",
        problems.len(),
        problems[..problems.len().min(10)].join("\n")
    );
    assert_eq!(after, before, "(threads, file handles) before and after");
    assert_eq!(client::get(addr, "/").status, 200);
    server.assert_healthy();
}
