//! Connections that hold the server: idle ones, slowloris ones sending their request header
//! a byte a second, ones that ask for a large file and never read it, and many opened at
//! once and kept alive. Normal clients must still get pages in good time, and oversized
//! requests their 4xx.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::client::{self, KeepAlive};
use crate::server::Server;
use crate::{alone, small_site};

const IDLE: usize = 200;
const SLOWLORIS: usize = 20;
/// How long a normal page may take while the server is under these conditions.
const PROMPT: Duration = Duration::from_secs(10);
const PAGES: &[&str] = &[
    "/",
    "/articles/gen-0001/",
    "/tags/reliability/",
    "/atom.xml",
];

/// GETs `path` on a new connection; fails unless a 200 comes within `PROMPT`.
fn get_promptly(addr: SocketAddr, path: &str) -> Result<Duration, String> {
    let started = Instant::now();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let reply = client::send_raw_waiting(addr, request.as_bytes(), PROMPT);
    let took = started.elapsed();
    match reply {
        Some(reply) if reply.status == 200 && took < PROMPT => Ok(took),
        Some(reply) => Err(format!("{path}: status {} after {took:?}", reply.status)),
        None => Err(format!("{path}: no answer within {PROMPT:?}")),
    }
}

/// The server's thread count, from /proc.
fn threads_of(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Threads:"))
                .map(|n| n.trim().to_owned())
        })
        .unwrap_or_default()
}

/// Opens a connection and sends a request header one byte a second until `stop` or the
/// server closes it; counts the connections the server closed.
fn slowloris(addr: SocketAddr, n: usize, stop: &AtomicBool, closed: &AtomicUsize) {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        closed.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let header = format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX-Slow-{n}: ");
    let bytes = header.bytes().chain(std::iter::repeat(b'z'));
    for byte in bytes {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        if stream.write_all(&[byte]).is_err() {
            closed.fetch_add(1, Ordering::Relaxed);
            return;
        }
        thread::sleep(Duration::from_secs(1));
    }
}

#[test]
fn idle_and_slowloris_connections_do_not_starve_normal_clients() {
    let site = small_site();
    let mut server = Server::start(site.root());
    let addr = server.addr;
    let idle: Vec<TcpStream> = (0..IDLE)
        .map(|_| TcpStream::connect(addr).expect("open an idle connection"))
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let closed = Arc::new(AtomicUsize::new(0));
    let slow: Vec<_> = (0..SLOWLORIS)
        .map(|n| {
            let (stop, closed) = (Arc::clone(&stop), Arc::clone(&closed));
            thread::spawn(move || slowloris(addr, n, &stop, &closed))
        })
        .collect();
    // Let the slow ones get some way into their headers.
    thread::sleep(Duration::from_secs(3));

    let mut slowest = Duration::ZERO;
    let mut problems = Vec::new();
    for round in 0..5 {
        for path in PAGES {
            match get_promptly(addr, path) {
                Ok(took) => slowest = slowest.max(took),
                Err(e) => problems.push(format!("round {round}: {e}")),
            }
        }
    }
    // A keep-alive client too, as browsers do.
    let mut browser = KeepAlive::new(addr);
    for path in PAGES.iter().cycle().take(40) {
        let started = Instant::now();
        match browser.get(path) {
            Ok(reply) if reply.status == 200 => slowest = slowest.max(started.elapsed()),
            Ok(reply) => problems.push(format!("keep-alive {path}: status {}", reply.status)),
            Err(e) => problems.push(format!("keep-alive {path}: {e}")),
        }
    }
    // Oversized requests get their 4xx while all this is open.
    let long_line = format!(
        "GET /{} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n",
        "a".repeat(100_000)
    );
    let status = client::send_raw(addr, long_line.as_bytes()).map(|r| r.status);
    if !matches!(status, Some(400 | 414)) {
        problems.push(format!("100 KB request line: {status:?}"));
    }
    let big = format!("X-Big: {}", "b".repeat(64 * 1024));
    let status = client::request(addr, "GET", "/", &[&big]).status;
    if !matches!(status, 400 | 431) {
        problems.push(format!("64 KB header: {status}"));
    }
    let many: Vec<String> = (0..200).map(|i| format!("X-H{i}: {i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let status = client::request(addr, "GET", "/", &many).status;
    if !matches!(status, 400 | 431) {
        problems.push(format!("200 headers: {status}"));
    }
    eprintln!(
        "with {IDLE} idle and {SLOWLORIS} slowloris connections: slowest normal page {:.1} ms, \
         server threads {}, slowloris connections closed by the server {}",
        slowest.as_secs_f64() * 1000.0,
        threads_of(server.pid()),
        closed.load(Ordering::Relaxed)
    );

    stop.store(true, Ordering::Relaxed);
    for handle in slow {
        handle.join().expect("a slowloris thread");
    }
    drop(idle);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    get_promptly(addr, "/").expect("the home page afterwards");
    server.assert_healthy();
}

/// A connection whose receive window is tiny, so that the server can send it little before
/// its writes block.
fn connect_reading_nothing(addr: SocketAddr) -> TcpStream {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("a socket");
    socket
        .set_recv_buffer_size(4096)
        .expect("a small receive buffer");
    socket.connect(&addr.into()).expect("connect");
    socket.into()
}

/// Longest a normal page may take while fifty clients stall (the server answered none at all
/// when its workers were all blocked on such clients).
const PROMPT_DESPITE_STALLS: Duration = Duration::from_secs(1);

#[test]
fn clients_that_never_read_do_not_stall_the_server() {
    let _alone = alone();
    const NEVER_READ: usize = 25;
    const STALLED: usize = 25;
    let site = small_site();
    site.write_bytes("static/big.bin", &vec![b'x'; 8 * 1024 * 1024]);
    let mut server = Server::start(site.root());
    let addr = server.addr;
    let normal = |what: &str, problems: &mut Vec<String>| {
        let mut times = Vec::new();
        for path in PAGES.iter().cycle().take(20) {
            match get_promptly(addr, path) {
                Ok(took) if took <= PROMPT_DESPITE_STALLS => times.push(took),
                Ok(took) => problems.push(format!("{what}: {path} took {took:?}")),
                Err(e) => problems.push(format!("{what}: {e}")),
            }
        }
        times.sort();
        times
    };
    let mut problems = Vec::new();
    let before = normal("before", &mut problems);
    // All at once: 25 ask for 8 MB and never read, 25 stop halfway through their header.
    let never_read: Vec<TcpStream> = (0..NEVER_READ)
        .map(|_| {
            let mut stream = connect_reading_nothing(addr);
            let request = format!("GET /big.bin HTTP/1.1\r\nHost: {addr}\r\n\r\n");
            stream.write_all(request.as_bytes()).expect("send");
            stream
        })
        .collect();
    let stalled: Vec<TcpStream> = (0..STALLED)
        .map(|_| {
            let mut stream = client::connect(addr);
            let half = format!("GET / HTTP/1.1\r\nHost: {addr}\r\nAccept: te");
            stream.write_all(half.as_bytes()).expect("send");
            stream
        })
        .collect();
    thread::sleep(Duration::from_millis(500));
    let during = normal("while stalled", &mut problems);
    let threads = threads_of(server.pid());
    drop((never_read, stalled));
    let median = |t: &[Duration]| t.get(t.len() / 2).map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    eprintln!(
        "normal pages on new connections: median {:.1} ms before, {:.1} ms with {NEVER_READ} \
         clients that never read and {STALLED} stalled mid-request (slowest {:.1} ms); \
         server threads {threads}",
        median(&before),
        median(&during),
        during.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    server.assert_healthy();
}

#[test]
fn a_burst_of_keep_alive_connections_is_all_served() {
    let _alone = alone();
    const CONNECTIONS: usize = 8;
    const REQUESTS: usize = 20;
    /// The requirement: a browser opening a page and its assets gets them all this fast.
    const ALL_WITHIN: Duration = Duration::from_secs(1);
    let site = small_site();
    let mut server = Server::start(site.root());
    let addr = server.addr;
    // Warm the server's caches first: the burst measures connections, not first use.
    get_promptly(addr, "/").expect("the home page");
    let go = Arc::new(std::sync::Barrier::new(CONNECTIONS + 1));
    let browsers: Vec<_> = (0..CONNECTIONS)
        .map(|n| {
            let go = Arc::clone(&go);
            thread::spawn(move || {
                go.wait();
                let mut connection = KeepAlive::new(addr);
                let mut slowest = Duration::ZERO;
                for path in PAGES.iter().cycle().skip(n).take(REQUESTS) {
                    let started = Instant::now();
                    match connection.get(path) {
                        Ok(reply) if reply.status == 200 => {}
                        Ok(reply) => return Err(format!("{path}: status {}", reply.status)),
                        Err(e) => return Err(format!("{path}: {e}")),
                    }
                    slowest = slowest.max(started.elapsed());
                }
                Ok(slowest)
            })
        })
        .collect();
    go.wait();
    let started = Instant::now();
    let results: Vec<_> = browsers
        .into_iter()
        .map(|b| b.join().expect("a client thread"))
        .collect();
    let took = started.elapsed();
    let slowest = results.iter().flatten().max().copied().unwrap_or_default();
    eprintln!(
        "{CONNECTIONS} keep-alive connections opened at once, {REQUESTS} requests each: all \
         answered in {:.1} ms, slowest request {:.1} ms",
        took.as_secs_f64() * 1000.0,
        slowest.as_secs_f64() * 1000.0
    );
    let failed: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert!(
        took <= ALL_WITHIN,
        "took {took:?}, more than {ALL_WITHIN:?}"
    );
    server.assert_healthy();
}
