//! `folio serve --watch` under load, as a whole binary: many concurrent clients while an
//! article is rewritten every 200 ms (no failed request, no torn page, memory steady), and
//! idle, slowloris and non-reading connections that must not starve normal clients, bursts of
//! keep-alive connections, oversized request bodies that must leave nothing behind, and the
//! `Host` rule of the real binary.
//! docs/reliability.md ("Dev server under load") has the figures of a full run.
//!
//! `FOLIO_LOAD_SECS` sets how long the load runs (default 30).

mod support;

#[path = "serve_load/bodies.rs"]
mod bodies;
#[allow(dead_code)] // shared with tests/serve_http.rs, which uses all of it
#[path = "serve_http/client.rs"]
mod client;
#[path = "serve_load/connections.rs"]
mod connections;
#[path = "faults/corpus.rs"]
mod corpus;
#[path = "serve_load/host.rs"]
mod host;
#[path = "faults/server.rs"]
mod server;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use client::{KeepAlive, Reply};
use server::Server;
use support::Site;

const CLIENTS: usize = 50;
/// Longest any request may wait for its answer: far beyond any normal latency, it only
/// tells a slow answer from a client left waiting.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);
const EDIT_EVERY: Duration = Duration::from_millis(200);
/// The article rewritten during the load, dated so that it heads every list.
const TARGET: &str = "content/articles/load-target.md";
const TARGET_URL: &str = "/articles/load-target/";
/// Pages the clients ask for in turn: the rewritten article, pages listing it, and pages
/// that may show it under "More articles".
const URLS: &[&str] = &[
    TARGET_URL,
    "/",
    "/tags/reliability/",
    "/authors/ana/",
    "/articles/gen-0003/",
    "/articles/retry-budgets/",
];
/// Written into the rewritten article's summary and body, followed by its version.
const MARKER: &str = "folio-load-v";

/// How long the load runs: `FOLIO_LOAD_SECS`, default 30.
fn load_duration() -> Duration {
    let secs = std::env::var("FOLIO_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    Duration::from_secs(secs)
}

/// Version `version` of the rewritten article: the marker in the summary and at the top and
/// bottom of the body.
fn target_article(version: u64) -> String {
    let mark = format!("{MARKER}{version}");
    let mut text = format!(
        "---\ntitle: The article under load\nauthor: ana\ndate: 2025-12-01\n\
         summary: Rewritten every 200 ms, now at {mark}.\ntags: [reliability, load]\n---\n\n\
         Version {mark} begins here.\n\n"
    );
    for n in 0..30 {
        text.push_str(&format!(
            "Paragraph {n}: the server answers from the last good build while the next one \
             is made, so every page is whole.\n\n"
        ));
    }
    text.push_str(&format!("Version {mark} ends here.\n"));
    text
}

/// The versions of the rewritten article that a page shows.
fn versions_in(text: &str) -> BTreeSet<u64> {
    text.match_indices(MARKER)
        .filter_map(|(at, _)| {
            let digits: String = text[at + MARKER.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect()
}

/// Checks one answer: 200, a whole page, one version at most; returns that version.
fn check(path: &str, reply: &Reply) -> Result<Option<u64>, String> {
    if reply.status != 200 {
        return Err(format!("{path}: status {}", reply.status));
    }
    let length = reply.header("content-length").and_then(|v| v.parse().ok());
    if length != Some(reply.body.len()) {
        return Err(format!(
            "{path}: Content-Length {length:?}, body {}",
            reply.body.len()
        ));
    }
    let text = reply.text();
    if !text.trim_end().ends_with("</html>") {
        return Err(format!("{path}: the page does not end with </html>"));
    }
    let versions = versions_in(&text);
    match (versions.len(), path == TARGET_URL) {
        (0, true) => Err(format!("{path}: no version marker")),
        (0 | 1, _) => Ok(versions.first().copied()),
        _ => Err(format!("{path}: torn page, versions {versions:?}")),
    }
}

/// What one client saw.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    failures: Vec<String>,
    versions: BTreeSet<u64>,
}

/// When the clients start and stop.
struct Signals {
    /// Each client sends once it is connected and has had its first answer.
    ready: mpsc::Sender<()>,
    go: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

/// One client: a keep-alive connection asking for `URLS` in turn from `go` until `stop`.
fn run_client(n: usize, server: SocketAddr, signals: Signals) -> Tally {
    let mut tally = Tally::default();
    let mut connection = KeepAlive::new(server);
    let first = match connection.get("/") {
        Ok(reply) => check("/", &reply).map(|_| ()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(e) = first {
        tally.failures.push(format!("first request: {e}"));
    }
    let _ = signals.ready.send(());
    while !signals.go.load(Ordering::Relaxed) {
        thread::sleep(Duration::from_millis(1));
    }
    let mut newest = 0;
    let mut turn = n;
    while !signals.stop.load(Ordering::Relaxed) {
        let path = URLS[turn % URLS.len()];
        turn += 1;
        let started = Instant::now();
        let answer = connection.get(path);
        let took = started.elapsed();
        tally.latencies.push(took);
        if took > ANSWER_WITHIN {
            tally
                .failures
                .push(format!("{path}: answered after {took:?}"));
        }
        let reply = match answer {
            Ok(reply) => reply,
            Err(e) => {
                tally.failures.push(format!("{path}: {e}"));
                connection = KeepAlive::new(server);
                continue;
            }
        };
        match check(path, &reply) {
            Ok(Some(version)) if version < newest => tally.failures.push(format!(
                "{path}: version {version} after {newest}: an older site came back"
            )),
            Ok(Some(version)) => {
                newest = version;
                tally.versions.insert(version);
            }
            Ok(None) => {}
            Err(e) => tally.failures.push(e),
        }
    }
    tally
}

/// The `p`-th percentile (0–100) of sorted `values`.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[test]
fn fifty_clients_while_an_article_is_rewritten_get_whole_pages_and_memory_stays_flat() {
    let _alone = alone();
    let site = corpus::site_with_articles(40, 4);
    site.write(TARGET, &target_article(0));
    let mut server = Server::start(site.root());
    let rss_idle = server.rss_kib();
    let duration = load_duration();
    let stop = Arc::new(AtomicBool::new(false));

    let writer = {
        let (path, stop) = (site.path(TARGET), Arc::clone(&stop));
        thread::spawn(move || {
            let mut version = 0;
            while !stop.load(Ordering::Relaxed) {
                thread::sleep(EDIT_EVERY);
                version += 1;
                corpus::save_by_rename(&path, &target_article(version));
            }
            version
        })
    };
    // All clients connect at once, as browsers do; the load starts once each has had its
    // first answer.
    let go = Arc::new(AtomicBool::new(false));
    let (ready, connected) = mpsc::channel();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|n| {
            let signals = Signals {
                ready: ready.clone(),
                go: Arc::clone(&go),
                stop: Arc::clone(&stop),
            };
            let addr = server.addr;
            thread::spawn(move || run_client(n, addr, signals))
        })
        .collect();
    for n in 0..CLIENTS {
        if connected.recv_timeout(ANSWER_WITHIN).is_err() {
            panic!(
                "{} of {CLIENTS} clients got no first answer\n{}",
                CLIENTS - n,
                server.log()
            );
        }
    }
    go.store(true, Ordering::Relaxed);
    let started = Instant::now();
    // Memory once every client is connected and busy, then every half second.
    let mut rss = Vec::new();
    while started.elapsed() < duration {
        thread::sleep(Duration::from_millis(500));
        rss.push(server.rss_kib());
    }
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed();
    let last_version = writer.join().expect("the writer thread");
    let mut all = Tally::default();
    for (n, handle) in clients.into_iter().enumerate() {
        match handle.join() {
            Ok(tally) => {
                all.latencies.extend(tally.latencies);
                all.failures.extend(tally.failures);
                all.versions.extend(tally.versions);
            }
            Err(_) => all.failures.push(format!("client {n} panicked")),
        }
    }
    let rss_end = server.rss_kib();
    let rss_start = rss.first().copied().unwrap_or(rss_idle);
    let rss_max = rss.iter().copied().max().unwrap_or(rss_end);

    all.latencies.sort();
    let requests = all.latencies.len();
    eprintln!(
        "serve load: {CLIENTS} clients for {:.1} s: {requests} requests, {:.0} requests/s, \
         latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} failed; \
         article rewritten {last_version} times, {} versions seen; \
         RSS idle {rss_idle} KiB, start {rss_start} KiB, end {rss_end} KiB, max {rss_max} KiB",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        millis(percentile(&all.latencies, 50.0)),
        millis(percentile(&all.latencies, 99.0)),
        millis(percentile(&all.latencies, 100.0)),
        all.failures.len(),
        all.versions.len(),
    );
    assert!(
        all.failures.is_empty(),
        "{} failed requests, the first:\n{}\n--- folio serve printed ---\n{}",
        all.failures.len(),
        all.failures[..all.failures.len().min(20)].join("\n"),
        server.log()
    );
    assert!(
        all.versions.len() > 1,
        "the clients saw no rewrite: {:?}",
        all.versions
    );
    assert!(
        rss_end <= rss_start * 3,
        "memory grew from {rss_start} KiB to {rss_end} KiB"
    );
    // The watcher kept up: the last save is what is served.
    let last = format!("{MARKER}{last_version} ");
    server.wait_until(
        "the last rewrite to be served",
        Duration::from_secs(30),
        |s| {
            let page = s.get(TARGET_URL);
            match page.text().contains(&last) {
                true => Ok(()),
                false => Err(format!("served versions {:?}", versions_in(&page.text()))),
            }
        },
    );
    server.assert_healthy();
}

/// Held by the load test and by the tests that hold latency to a bound: on two cores, each
/// would otherwise measure the others' load rather than the server.
fn alone() -> MutexGuard<'static, ()> {
    static ALONE: Mutex<()> = Mutex::new(());
    ALONE.lock().unwrap_or_else(|e| e.into_inner())
}

/// A site with a few pages for the slow-client tests.
fn small_site() -> Site {
    corpus::site_with_articles(10, 4)
}
