//! Hostile and broken requests, sent byte for byte: none may reach anything outside the
//! snapshot, none may crash the server, and the server keeps answering afterwards.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

use crate::client::{Reply, connect, get, parse, send_raw, send_raw_waiting};
use crate::{HOME, site, start};

/// Targets that try to leave the site or confuse path handling: all refused with 400.
const TRAVERSALS: &[&str] = &[
    "/../../etc/passwd",
    "/articles/../../etc/passwd",
    "/..%2f..%2fetc%2fpasswd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E/%2e%2E/etc/passwd",
    "/.%2e/.%2e/etc/passwd",
    "/%2e./%2e./etc/passwd",
    "/articles/x/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/%252e%252e/%252e%252e/etc/passwd",
    "/%252e%252e%252fetc%252fpasswd",
    "/%25%32%65%25%32%65/etc/passwd",
    "/..\\..\\etc\\passwd",
    "/%5c..%5c..%5cetc%5cpasswd",
    "/..%5c..%5cetc/passwd",
    "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "/%c0%af..%c0%afetc",
    "/%e0%80%ae%e0%80%ae/etc/passwd",
    "/%u002e%u002e/etc/passwd",
    "/index.html%00.css",
    "/%00/etc/passwd",
    "/C:/Windows/win.ini",
    "/c:%5cwindows%5cwin.ini",
    "/C%3a/Windows/win.ini",
    "/index.html::$DATA",
    "//etc/passwd",
    "///etc/passwd",
    "/.//..//etc/passwd",
    "/....//....//etc/passwd",
    "http://x/../../etc/passwd",
    "http://localhost/index.html",
    "file:///etc/passwd",
    "\\..\\..\\etc\\passwd",
    "*",
    "/articles/./x/",
    "/articles//x/",
    "/%",
    "/%2",
    "/%zz",
    "/a%0d%0aSet-Cookie:%20x=1",
    "/%7f",
    "/%c2%85",
    "/index.html#fragment",
];

/// Odd but harmless paths: they name files the snapshot does not have.
const MISSING: &[&str] = &["/etc/passwd", "/.../etc/passwd", "/index.html/", "/%2e%2e."];

/// The answer has status `expected` (`None`: the connection closed unanswered) and nothing
/// from outside the snapshot.
fn assert_answer(reply: Option<Reply>, expected: Option<u16>, what: &str) {
    assert_eq!(reply.as_ref().map(|r| r.status), expected, "{what}");
    if let Some(reply) = reply {
        assert!(!reply.text().contains("root:"), "{what}");
    }
}

fn get_line(addr: SocketAddr, target: &str, version: &str) -> String {
    format!("GET {target} {version}\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
}

fn assert_still_serving(addr: SocketAddr) {
    let home = get(addr, "/");
    assert_eq!(home.status, 200);
    assert!(
        home.text()
            .starts_with(&HOME[..HOME.len() - "</body></html>".len()])
    );
}

#[test]
fn path_traversal_attempts_never_leave_the_snapshot() {
    let (server, _) = start(site());
    assert!(TRAVERSALS.len() >= 30);
    let long = format!("/{}", "../".repeat(4000));
    let expected = TRAVERSALS
        .iter()
        .map(|t| (*t, 400))
        .chain(MISSING.iter().map(|t| (*t, 404)));
    for (target, status) in expected.chain([(long.as_str(), 414)]) {
        for version in ["HTTP/1.1", "HTTP/1.0"] {
            let reply = send_raw(
                server.addr,
                get_line(server.addr, target, version).as_bytes(),
            );
            assert_answer(reply, Some(status), target);
        }
    }
    // The same through one keep-alive connection: refusals must not break its framing.
    let mut stream = connect(server.addr);
    for target in TRAVERSALS {
        let line = format!("HEAD {target} HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr);
        stream.write_all(line.as_bytes()).expect("send");
    }
    let last = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.addr
    );
    stream.write_all(last.as_bytes()).expect("send");
    let mut all = String::new();
    let _ = stream.read_to_string(&mut all);
    assert_eq!(all.matches(" 200 OK").count(), 1, "{all}");
    assert!(all.ends_with(&crate::with_script(HOME)), "{all}");
    assert_still_serving(server.addr);
    server.shutdown();
}

#[test]
fn raw_bytes_in_the_request_line_are_refused_or_dropped() {
    let (server, _) = start(site());
    let lines: &[&[u8]] = &[
        b"GET /a\x00b HTTP/1.1\r\n\r\n",
        b"GET /a\tb HTTP/1.1\r\n\r\n",
        b"GET /a\nb HTTP/1.1\r\n\r\n",
        b"GET /a\rb HTTP/1.1\r\n\r\n",
        b"GET /\x1b[2J HTTP/1.1\r\n\r\n",
        b"GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n",
        b"GET /\xc0\xae\xc0\xae/etc/passwd HTTP/1.1\r\n\r\n",
        b"GET /\x7f HTTP/1.1\r\n\r\n",
    ];
    for line in lines {
        let what = String::from_utf8_lossy(line);
        // tiny_http drops the connection when the request line is not ASCII.
        let expected = line.is_ascii().then_some(400);
        assert_answer(send_raw(server.addr, line), expected, &what);
    }
    assert_still_serving(server.addr);
    server.shutdown();
}

#[test]
fn malformed_requests_get_400_or_a_closed_connection() {
    let (server, _) = start(site());
    let requests: &[&[u8]] = &[
        b"\r\n\r\n",
        b"GARBAGE\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET / FOO/1.1\r\n\r\n",
        b"GET /a b HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
        b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nX-Caf\xc3\xa9: 1\r\n\r\n",
        b"GET / HTTP/1.1\r\nExpect: teapot\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
        b"GET / HTTP/1.1\r\nHost: x",
    ];
    for bytes in requests {
        let reply = send_raw(server.addr, bytes);
        if let Some(reply) = reply {
            assert!(
                (400..500).contains(&reply.status),
                "{bytes:?}: {}",
                reply.status
            );
        }
    }
    // tiny_http answers HTTP/2.0 and 3.0 request lines itself, with 505, or (when its
    // writers deadlock) not at all; either way the server carries on.
    for version in ["HTTP/2.0", "HTTP/3.0"] {
        let line = format!("GET / {version}\r\nConnection: close\r\n\r\n");
        let reply = send_raw_waiting(server.addr, line.as_bytes(), Duration::from_secs(2));
        let status = reply.map(|r| r.status);
        assert!(matches!(status, None | Some(505)), "{version}: {status:?}");
    }
    assert_still_serving(server.addr);
    server.shutdown();
}

#[test]
fn oversized_request_line_and_headers_get_4xx() {
    let (server, _) = start(site());
    let path = format!("/{}", "a".repeat(100_000));
    let line = get_line(server.addr, &path, "HTTP/1.1");
    assert_eq!(
        send_raw(server.addr, line.as_bytes()).map(|r| r.status),
        Some(414)
    );
    let big = format!("X-Big: {}", "b".repeat(64 * 1024));
    let one_big = crate::request(server.addr, "GET", "/", &[&big]);
    assert_eq!(one_big.status, 431);
    let many: Vec<String> = (0..200).map(|i| format!("X-H{i}: {i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(crate::request(server.addr, "GET", "/", &many).status, 431);
    assert_still_serving(server.addr);
    server.shutdown();
}

#[test]
fn oversized_bodies_get_413_and_the_connection_closes() {
    let (server, _) = start(site());
    let host = server.addr;
    for length in ["99999999999999", "18446744073709551615", "2000000"] {
        let head =
            format!("POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: {length}\r\n\r\nabc");
        assert_eq!(
            answer_then_close(host, head.as_bytes()),
            (Some(413), true),
            "{length}"
        );
    }
    let with_expect = format!(
        "GET / HTTP/1.1\r\nHost: {host}\r\nExpect: 100-continue\r\n\
         Content-Length: 99999999999\r\n\r\n"
    );
    assert_eq!(
        answer_then_close(host, with_expect.as_bytes()),
        (Some(413), true)
    );
    // A chunked body is never read either: answered (POST gets 405), then closed.
    let chunked = format!(
        "POST / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n\
         zz\r\nnot a chunk\r\n"
    );
    assert_eq!(
        answer_then_close(host, chunked.as_bytes()),
        (Some(405), true)
    );
    assert_still_serving(host);
    server.shutdown();
}

#[test]
fn a_small_body_is_read_and_the_connection_kept() {
    let (server, _) = start(site());
    let mut stream = connect(server.addr);
    let mut bytes = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nContent-Length: 2000\r\n\r\n",
        server.addr
    )
    .into_bytes();
    bytes.extend(std::iter::repeat_n(b'z', 2000));
    let last = format!(
        "HEAD /style.css HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.addr
    );
    bytes.extend_from_slice(last.as_bytes());
    stream.write_all(&bytes).expect("send");
    let mut all = String::new();
    let _ = stream.read_to_string(&mut all);
    // Both answered on the one connection: the body did not end it or pass for a request.
    assert_eq!(all.matches("HTTP/1.1 ").count(), 2, "{all}");
    assert_eq!(all.matches("HTTP/1.1 200 OK\r\n").count(), 2, "{all}");
    assert!(
        all.ends_with("\r\n\r\n"),
        "the HEAD answer comes last: {all}"
    );
    server.shutdown();
}

/// Sends `bytes` without ending the sending side, and returns the status of the answer and
/// whether the server then closed the connection (within `HANG`).
fn answer_then_close(addr: SocketAddr, bytes: &[u8]) -> (Option<u16>, bool) {
    let mut stream = connect(addr);
    if stream.write_all(bytes).is_err() {
        return (None, false);
    }
    let mut seen = Vec::new();
    let mut buffer = [0; 1024];
    let closed = loop {
        match stream.read(&mut buffer) {
            Ok(0) => break true,
            Ok(n) => seen.extend_from_slice(&buffer[..n]),
            // A reset after the answer closes the connection too.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
            Err(_) => break false,
        }
    };
    (parse(&seen).map(|reply| reply.status), closed)
}
