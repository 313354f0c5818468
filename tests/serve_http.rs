//! `folio serve`'s HTTP layer over real loopback HTTP: URLs, headers, status codes, the
//! `Host` rule, hostile requests, timeouts and the connection cap, live reload and snapshot
//! swaps under load. Sites are built in memory here; the
//! server never sees the disk.

#[path = "serve_http/client.rs"]
mod client;
#[path = "serve_http/host.rs"]
mod host;
#[path = "serve_http/hostile.rs"]
mod hostile;
#[path = "serve_http/live.rs"]
mod live;
#[path = "serve_http/timeouts.rs"]
mod timeouts;

use std::net::SocketAddr;
use std::sync::Arc;

use client::{get, request, send_raw};
use folio::serve::livereload::SCRIPT_TAG;
use folio::serve::{self, ServerHandle, Shared, Snapshot};

pub const HOME: &str = "<!doctype html><html><body><h1>Home</h1></body></html>";
pub const ARTICLE: &str = "<!doctype html><html><body><p>Article X</p></body></html>";
pub const NOT_FOUND: &str = "<!doctype html><html><body><p>No such page</p></body></html>";
/// Mentions `</body>` on purpose: only HTML may get the script injected.
pub const CSS: &str = "body { color: #222 } /* </body> */";

/// A small site: pretty URLs, a stylesheet, a feed, an image and a 404 page.
pub fn site() -> Snapshot {
    let mut site = Snapshot::new();
    site.insert("index.html", HOME.into());
    site.insert("articles/x/index.html", ARTICLE.into());
    site.insert("404.html", NOT_FOUND.into());
    site.insert("style.css", CSS.into());
    site.insert("feed.xml", b"<?xml version=\"1.0\"?><feed/>".to_vec());
    site.insert("img/logo.png", vec![0x89, b'P', b'N', b'G', 0, 1, 2]);
    site
}

/// Serves `site` on an ephemeral loopback port.
pub fn start(site: Snapshot) -> (ServerHandle, Arc<Shared>) {
    let shared = Arc::new(Shared::new(site));
    let bind: SocketAddr = "127.0.0.1:0".parse().expect("loopback address");
    let server = serve::start(bind, Arc::clone(&shared)).expect("server starts");
    (server, shared)
}

fn with_script(html: &str) -> String {
    html.replace("</body>", &format!("{SCRIPT_TAG}</body>"))
}

#[test]
fn root_and_directory_urls_serve_their_index_html() {
    let (server, _) = start(site());
    let home = get(server.addr, "/");
    assert_eq!(home.status, 200);
    assert_eq!(home.text(), with_script(HOME));
    let article = get(server.addr, "/articles/x/");
    assert_eq!(article.status, 200);
    assert_eq!(article.text(), with_script(ARTICLE));
    assert_eq!(
        get(server.addr, "/articles/x/index.html").text(),
        with_script(ARTICLE)
    );
    assert_eq!(get(server.addr, "/?utm=1").status, 200);
    server.shutdown();
}

#[test]
fn directory_without_slash_redirects_and_keeps_the_query() {
    let (server, _) = start(site());
    let plain = get(server.addr, "/articles/x");
    assert_eq!(plain.status, 301);
    assert_eq!(plain.header("Location"), Some("/articles/x/"));
    let query = get(server.addr, "/articles/x?ref=feed&a=%20b");
    assert_eq!(query.status, 301);
    assert_eq!(
        query.header("Location"),
        Some("/articles/x/?ref=feed&a=%20b")
    );
    assert_eq!(get(server.addr, "/articles").status, 404);
    server.shutdown();
}

#[test]
fn content_types_come_from_the_file_names() {
    let (server, _) = start(site());
    let cases = [
        ("/", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/img/logo.png", "image/png"),
    ];
    for (target, content_type) in cases {
        assert_eq!(
            get(server.addr, target).header("Content-Type"),
            Some(content_type)
        );
    }
    let feed = get(server.addr, "/feed.xml");
    assert!(
        feed.header("Content-Type")
            .is_some_and(|t| t.ends_with("xml; charset=utf-8"))
    );
    assert_eq!(
        get(server.addr, "/img/logo.png").body,
        [0x89, b'P', b'N', b'G', 0, 1, 2]
    );
    server.shutdown();
}

#[test]
fn head_sends_the_headers_of_get_without_a_body() {
    let (server, _) = start(site());
    let get_reply = get(server.addr, "/style.css");
    let head = request(server.addr, "HEAD", "/style.css", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    for name in ["Content-Length", "Content-Type", "ETag", "Cache-Control"] {
        assert!(head.header(name).is_some(), "{name}");
        assert_eq!(head.header(name), get_reply.header(name), "{name}");
    }
    assert_eq!(
        head.header("Content-Length"),
        Some(CSS.len().to_string().as_str())
    );
    server.shutdown();
}

#[test]
fn matching_etag_gets_304_without_a_body() {
    let (server, shared) = start(site());
    for target in ["/style.css", "/"] {
        let first = get(server.addr, target);
        let etag = first
            .header("ETag")
            .expect("every file has an ETag")
            .to_owned();
        assert_eq!(first.header("Cache-Control"), Some("no-cache"));
        let again = request(
            server.addr,
            "GET",
            target,
            &[&format!("If-None-Match: {etag}")],
        );
        assert_eq!(again.status, 304, "{target}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("ETag"), Some(etag.as_str()));
        let list = format!("If-None-Match: \"other\", W/{etag}");
        assert_eq!(request(server.addr, "GET", target, &[&list]).status, 304);
    }
    let etag = get(server.addr, "/style.css")
        .header("ETag")
        .map(str::to_owned);
    let mut changed = site();
    changed.insert("style.css", b"body { color: red }".to_vec());
    shared.swap(changed);
    let header = format!("If-None-Match: {}", etag.unwrap_or_default());
    let fresh = request(server.addr, "GET", "/style.css", &[&header]);
    assert_eq!(fresh.status, 200);
    assert_eq!(fresh.text(), "body { color: red }");
    server.shutdown();
}

#[test]
fn missing_page_serves_404_html_with_status_404() {
    let (server, _) = start(site());
    let reply = get(server.addr, "/no/such/page/");
    assert_eq!(reply.status, 404);
    assert_eq!(reply.text(), with_script(NOT_FOUND));
    assert_eq!(get(server.addr, "/__folio/other").status, 404);
    server.shutdown();
}

#[test]
fn missing_page_without_404_html_gets_plain_text() {
    let (server, _) = start(Snapshot::new());
    let reply = get(server.addr, "/");
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.header("Content-Type"),
        Some("text/plain; charset=utf-8")
    );
    server.shutdown();
}

#[test]
fn methods_other_than_get_and_head_get_405_with_allow() {
    let (server, _) = start(site());
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"] {
        let reply = request(server.addr, method, "/", &[]);
        assert_eq!(reply.status, 405, "{method}");
        assert_eq!(reply.header("Allow"), Some("GET, HEAD"), "{method}");
    }
    let form = format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello",
        server.addr
    );
    let reply = send_raw(server.addr, form.as_bytes()).map(|r| r.status);
    assert_eq!(reply, Some(405));
    server.shutdown();
}

#[test]
fn livereload_is_injected_into_html_only_and_the_snapshot_stays_as_built() {
    let (server, shared) = start(site());
    let page = get(server.addr, "/").text();
    assert!(
        page.ends_with(&format!("{SCRIPT_TAG}</body></html>")),
        "{page}"
    );
    assert_eq!(page.matches(SCRIPT_TAG).count(), 1);
    assert_eq!(get(server.addr, "/style.css").text(), CSS);
    let stored = shared.current().get("index.html").map(|f| f.bytes.to_vec());
    assert_eq!(stored, Some(HOME.as_bytes().to_vec()));
    let script = get(server.addr, "/__folio/livereload.js");
    assert_eq!(script.status, 200);
    assert!(
        script
            .header("Content-Type")
            .is_some_and(|t| t.contains("javascript"))
    );
    let source = script.text();
    for needle in [
        "EventSource(\"/__folio/events\")",
        "folio-error-overlay",
        "Build failed",
    ] {
        assert!(source.contains(needle), "{needle}");
    }
    server.shutdown();
}
