//! Live reload over Server-Sent Events, and snapshot swaps under concurrent load.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use folio::serve::http::MAX_EVENT_STREAMS;
use folio::serve::livereload::SCRIPT_TAG;
use folio::serve::{Reload, Snapshot};

use crate::client::{HANG, KeepAlive, Reply, connect, get, request};
use crate::{site, start};

/// An open event stream, read as raw text. Chunk-size lines may sit between events, never
/// inside one: the server writes each event as one chunk.
struct EventStream {
    stream: TcpStream,
    unread: String,
}

impl EventStream {
    /// Connects and waits for the greeting; returns the stream and everything up to it.
    fn open(addr: SocketAddr) -> (Self, String) {
        let mut stream = connect(addr);
        let request = format!(
            "GET /__folio/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).expect("send");
        let mut events = EventStream {
            stream,
            unread: String::new(),
        };
        let head = events.wait_for("event: hello\ndata: ");
        (events, head)
    }

    /// Reads until `needle` arrives; returns the text up to and including it.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + HANG;
        loop {
            if let Some(at) = self.unread.find(needle) {
                return self.unread.drain(..at + needle.len()).collect();
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} in {:?}",
                self.unread
            );
            let mut buffer = [0; 4096];
            let n = self
                .stream
                .read(&mut buffer)
                .expect("event stream readable");
            assert!(n > 0, "stream ended before {needle:?}: {:?}", self.unread);
            self.unread.push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    }

    fn server_id(&mut self) -> String {
        self.wait_for("\n").trim_end().to_owned()
    }
}

#[test]
fn event_stream_sends_reload_css_and_multiline_errors() {
    let (server, shared) = start(site());
    let (mut events, head) = EventStream::open(server.addr);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.contains("Content-Type: text/event-stream\r\n"),
        "{head}"
    );
    assert!(head.contains("Cache-Control: no-cache\r\n"), "{head}");
    assert!(head.contains("retry: "), "{head}");
    shared.events.publish(Reload::Page);
    events.wait_for("event: reload\n");
    shared.events.publish(Reload::Css);
    events.wait_for("event: css\n");
    shared.events.publish(Reload::Error("line1\nline2".into()));
    events.wait_for("event: error\ndata: line1\ndata: line2\n\n");
    let head_only = request(server.addr, "HEAD", "/__folio/events", &[]);
    assert_eq!(head_only.header("Content-Type"), Some("text/event-stream"));
    assert!(head_only.body.is_empty());
    server.shutdown();
}

#[test]
fn new_stream_shows_the_current_error_at_once_until_a_good_build() {
    let (server, shared) = start(site());
    shared
        .events
        .publish(Reload::Error("error: bad date\n  --> a.md:3:7".into()));
    let (mut broken, _) = EventStream::open(server.addr);
    broken.wait_for("event: error\ndata: error: bad date\ndata:   --> a.md:3:7\n\n");
    shared.events.publish(Reload::Page);
    broken.wait_for("event: reload\n");
    let (mut fixed, _) = EventStream::open(server.addr);
    shared.events.publish(Reload::Css);
    assert!(!fixed.wait_for("event: css\n").contains("event: error"));
    server.shutdown();
}

#[test]
fn hello_id_changes_when_the_server_restarts() {
    let (first, shared) = start(site());
    let first_id = EventStream::open(first.addr).0.server_id();
    let (mut again, _) = EventStream::open(first.addr);
    assert_eq!(again.server_id(), first_id);
    first.shutdown();
    let (second, _) = start(site());
    drop(shared);
    let second_id = EventStream::open(second.addr).0.server_id();
    assert!(!first_id.is_empty());
    assert_ne!(first_id, second_id);
    second.shutdown();
}

#[test]
fn shutdown_ends_event_streams_and_stops_listening() {
    let (server, _) = start(site());
    let addr = server.addr;
    let (mut events, _) = EventStream::open(addr);
    server.shutdown();
    // The chunked body ends properly, so a browser reconnects (and reloads on a new id).
    events.wait_for("0\r\n\r\n");
    let deadline = Instant::now() + HANG;
    while TcpStream::connect(addr).is_ok() {
        assert!(Instant::now() < deadline, "still listening after shutdown");
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn event_streams_are_capped_and_pages_still_load() {
    let (server, _) = start(site());
    let open: Vec<EventStream> = (0..MAX_EVENT_STREAMS)
        .map(|_| EventStream::open(server.addr).0)
        .collect();
    let refused = request(server.addr, "GET", "/__folio/events", &[]);
    assert_eq!(refused.status, 503);
    assert_eq!(get(server.addr, "/").status, 200);
    drop(open);
    server.shutdown();
}

#[test]
fn publish_never_waits_for_stalled_subscribers() {
    let (server, shared) = start(site());
    // 60 browsers that connected and then stopped reading, and 40 in-process subscribers
    // that never read: 100 stalled subscribers in all.
    let mut stalled_browsers = Vec::new();
    for _ in 0..60 {
        let (events, _) = EventStream::open(server.addr);
        stalled_browsers.push(events);
    }
    let stalled_in_process: Vec<_> = (0..40).map(|_| shared.events.subscribe()).collect();
    assert!(shared.events.subscriber_count() >= 100);
    let (done, finished) = mpsc::channel();
    let publisher = Arc::clone(&shared);
    thread::spawn(move || {
        let text = "x".repeat(8 * 1024);
        for n in 0..400 {
            publisher
                .events
                .publish(Reload::Error(format!("build {n}\n{text}")));
        }
        let _ = done.send(());
    });
    finished
        .recv_timeout(HANG)
        .expect("publish returned despite stalled subscribers");
    // A subscriber that reads still gets what comes next.
    let (mut live, _) = EventStream::open(server.addr);
    live.wait_for("data: build 399\n");
    shared.events.publish(Reload::Page);
    live.wait_for("event: reload\n");
    drop((stalled_browsers, stalled_in_process));
    server.shutdown();
}

const PAGES: usize = 8;

/// Version `version` of a small site. Every page carries its version at the top and the
/// bottom, and pages of different versions differ in length.
fn versioned_site(version: usize) -> Snapshot {
    let mut site = Snapshot::new();
    for page in 0..PAGES {
        site.insert(
            &format!("p{page}/index.html"),
            page_text(version, page).into_bytes(),
        );
    }
    let rules = "a { color: red }\n".repeat(200 + version % 13 * 40);
    site.insert(
        "style.css",
        format!("/*v{version}*/\n{rules}/*v{version}*/\n").into_bytes(),
    );
    site
}

fn page_text(version: usize, page: usize) -> String {
    let filler = "<p>Retries need a budget, not a loop.</p>\n".repeat(100 + version % 11 * 30);
    format!(
        "<html><body>\n<!--v{version}-->\n<h1>{page}</h1>\n{filler}<!--v{version}-->\n</body></html>"
    )
}

/// Checks one response is exactly one version of the page; returns that version.
fn check_page(reply: &Reply, page: usize) -> Result<usize, String> {
    let body = reply.text();
    let marker = |at: Option<usize>| {
        let rest = &body[at? + "<!--v".len()..];
        rest[..rest.find("-->")?].parse::<usize>().ok()
    };
    let (top, bottom) = (marker(body.find("<!--v")), marker(body.rfind("<!--v")));
    match (reply.status, top, bottom) {
        (200, Some(top), Some(bottom)) if top == bottom => {
            let expected = page_text(top, page).replace("</body>", &format!("{SCRIPT_TAG}</body>"));
            if body == expected {
                Ok(top)
            } else {
                Err(format!("page {page} v{top} differs from the built page"))
            }
        }
        (status, top, bottom) => Err(format!(
            "page {page}: status {status}, v{top:?}/v{bottom:?}"
        )),
    }
}

#[test]
fn snapshot_swaps_under_load_never_mix_versions() {
    let (server, shared) = start(versioned_site(0));
    let stop = Arc::new(AtomicBool::new(false));
    let swapper = {
        let (shared, stop) = (Arc::clone(&shared), Arc::clone(&stop));
        thread::spawn(move || {
            let mut version = 0;
            while !stop.load(Ordering::SeqCst) {
                version += 1;
                shared.swap(versioned_site(version));
                thread::sleep(Duration::from_millis(2));
            }
            version
        })
    };
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = Arc::new(Mutex::new(std::collections::BTreeSet::new()));
    let clients: Vec<_> = (0..20)
        .map(|client| {
            let (errors, seen, addr) = (Arc::clone(&errors), Arc::clone(&seen), server.addr);
            thread::spawn(move || {
                let mut keep_alive = (client % 2 == 0).then(|| KeepAlive::new(addr));
                for n in 0..500 {
                    let page = (client + n) % PAGES;
                    let target = format!("/p{page}/");
                    let reply = match keep_alive.as_mut() {
                        Some(connection) => connection.get(&target).map_err(|e| e.to_string()),
                        None => Ok(get(addr, &target)),
                    };
                    match reply.and_then(|reply| check_page(&reply, page)) {
                        Ok(version) => {
                            seen.lock().map(|mut s| s.insert(version)).ok();
                        }
                        Err(error) => errors.lock().map(|mut e| e.push(error)).unwrap_or(()),
                    }
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("client thread finished");
    }
    stop.store(true, Ordering::SeqCst);
    let swaps = swapper.join().expect("swapper finished");
    let errors = errors.lock().map(|e| e.clone()).unwrap_or_default();
    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        errors.first()
    );
    let versions = seen.lock().map(|s| s.len()).unwrap_or_default();
    assert!(
        swaps > 1 && versions > 1,
        "{swaps} swaps, {versions} versions seen"
    );
    server.shutdown();
}
