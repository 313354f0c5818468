//! Answering one request of `folio serve`: GET and HEAD from the current snapshot, the `Host`
//! rule, the limits on requests. It knows URLs, headers and status codes; nothing about
//! sockets (see `server`) or about how pages are made.

use std::sync::{Arc, LazyLock};

use tiny_http::{HTTPVersion, Method, Request};

use super::host::HostRule;
use super::livereload::{self, CLIENT_SCRIPT, EVENTS_PATH, SCRIPT_PATH};
use super::reply::{After, Reply, is_html};
use super::request_path::{BadPath, RequestPath, parse_target};
pub use super::shared::Shared;
use super::snapshot::{ServedFile, Snapshot};
pub use super::sse::MAX_EVENT_STREAMS;
use super::sse::{self, Streams};

/// Most header bytes (names, values and separators) accepted; more get 431.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// Most header fields accepted; more get 431.
pub const MAX_HEADERS: usize = 100;
/// Largest request body read (and discarded) to keep the connection; a larger declared one
/// gets 413 and the connection is closed without reading it.
pub const MAX_BODY: usize = 1024 * 1024;

/// What answering a request needs besides the request: the site, the live-reload streams and
/// the `Host` rule.
pub(crate) struct Context {
    pub(crate) shared: Arc<Shared>,
    pub(crate) streams: Arc<Streams>,
    pub(crate) hosts: HostRule,
}

/// True when `request` declares a body that is not read: longer than `MAX_BODY`, chunked, or
/// with a `Content-Length` tiny_http could not parse. What follows it on the connection is then
/// not a request, so the connection closes after the answer.
pub(crate) fn leaves_body_unread(request: &Request) -> bool {
    match request.body_length() {
        Some(length) => length > MAX_BODY,
        None => request
            .headers()
            .iter()
            .any(|h| h.field.equiv("Transfer-Encoding") || h.field.equiv("Content-Length")),
    }
}

/// Answers `request`. With `closing` the answer says `Connection: close`, and the caller
/// closes the connection after it.
pub(crate) fn answer(request: Request, context: &Context, closing: bool) -> After {
    let reply = match route(&request, context) {
        Answer::Reply(reply) => reply,
        Answer::EventStream => return sse::serve(request, &context.shared, &context.streams),
    };
    let reply = match closing {
        true => reply.with_header("Connection", "close"),
        false => reply,
    };
    match reply.send(request) {
        Ok(()) if !closing => After::KeepOpen,
        // A write that timed out left half an answer on the connection.
        _ => After::Close,
    }
}

enum Answer {
    Reply(Reply),
    /// The live-reload stream, which writes its own answer.
    EventStream,
}

fn route(request: &Request, context: &Context) -> Answer {
    if request.body_length().is_some_and(|n| n > MAX_BODY) {
        return Answer::Reply(Reply::text(413, "Request body too large\n"));
    }
    let mut hosts = request.headers().iter().filter(|h| h.field.equiv("Host"));
    match (hosts.next(), hosts.next()) {
        (Some(_), Some(_)) => {
            return Answer::Reply(Reply::text(400, "Bad request: more than one Host header\n"));
        }
        (Some(host), None) if !context.hosts.allows(host.value.as_str()) => {
            return Answer::Reply(Reply::text(403, &context.hosts.refusal()));
        }
        // Only HTTP/1.0 may leave Host out. No browser does, so a rebinding page cannot.
        (None, _) if *request.http_version() != HTTPVersion(1, 0) => {
            return Answer::Reply(Reply::text(400, "Bad request: no Host header\n"));
        }
        _ => {}
    }
    if !matches!(request.method(), Method::Get | Method::Head) {
        let reply = Reply::text(405, "Only GET and HEAD are supported\n");
        return Answer::Reply(reply.with_header("Allow", "GET, HEAD"));
    }
    if headers_too_large(request) {
        return Answer::Reply(Reply::text(431, "Request headers too large\n"));
    }
    let path = match parse_target(request.url()) {
        Ok(path) => path,
        Err(BadPath::TooLong) => return Answer::Reply(Reply::text(414, "URI too long\n")),
        Err(why) => return Answer::Reply(Reply::text(400, &format!("Bad request: {why}\n"))),
    };
    Answer::Reply(match format!("/{}", path.decoded).as_str() {
        EVENTS_PATH => return Answer::EventStream,
        SCRIPT_PATH => file_reply(request, &CLIENT),
        _ => site_reply(request, &path, &context.shared.current()),
    })
}

fn headers_too_large(request: &Request) -> bool {
    let headers = request.headers();
    let bytes: usize = headers
        .iter()
        .map(|h| h.field.as_str().as_str().len() + h.value.as_str().len() + 4)
        .sum();
    headers.len() > MAX_HEADERS || bytes > MAX_HEADER_BYTES
}

/// Pretty URLs: `/a/` is `a/index.html`, `/a` is the file `a` or else a redirect to `/a/`.
fn site_reply(request: &Request, path: &RequestPath<'_>, site: &Snapshot) -> Reply {
    if path.is_directory() {
        if let Some(file) = site.get(&format!("{}index.html", path.decoded)) {
            return file_reply(request, file);
        }
    } else if let Some(file) = site.get(&path.decoded) {
        return file_reply(request, file);
    } else if site.get(&format!("{}/index.html", path.decoded)).is_some() {
        let location = match path.query {
            Some(query) => format!("{}/?{query}", path.raw),
            None => format!("{}/", path.raw),
        };
        return Reply::text(301, &format!("Moved to {location}\n"))
            .with_header("Location", &location);
    }
    match site.get("404.html") {
        Some(page) => Reply::file(404, page, None),
        None => Reply::text(404, "Not found\n"),
    }
}

/// A file with live reload injected into HTML, or 304 if the browser's copy is current.
fn file_reply(request: &Request, file: &ServedFile) -> Reply {
    let etag = etag_served(file);
    if matches_if_none_match(request, &etag) {
        return Reply::not_modified(&etag, served_len(file));
    }
    Reply::file(200, file, Some(etag))
}

/// The client script, typed and tagged once: it is part of the binary and never changes.
static CLIENT: LazyLock<ServedFile> =
    LazyLock::new(|| ServedFile::new("livereload.js", CLIENT_SCRIPT.as_bytes().to_vec()));

/// The length of the body `Reply::file` sends for `file`.
fn served_len(file: &ServedFile) -> usize {
    let injected = if is_html(file) {
        livereload::SCRIPT_TAG.len()
    } else {
        0
    };
    file.bytes.len() + injected
}

fn etag_served(file: &ServedFile) -> String {
    if is_html(file) {
        livereload::injected_etag(&file.etag)
    } else {
        file.etag.clone()
    }
}

fn matches_if_none_match(request: &Request, etag: &str) -> bool {
    let bare = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    request
        .headers()
        .iter()
        .filter(|h| h.field.equiv("If-None-Match"))
        .flat_map(|h| h.value.as_str().split(','))
        .any(|tag| tag.trim() == "*" || bare(tag) == bare(etag))
}
