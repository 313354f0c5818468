//! The HTTP side of `folio serve`: a pool of workers answering GET and HEAD from the current
//! snapshot. It knows URLs, headers and status codes, and nothing about how pages are made.

use std::io::{self, Cursor};
use std::net::{SocketAddr, TcpListener};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, LazyLock, PoisonError, RwLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use super::events::Events;
use super::livereload::{self, CLIENT_SCRIPT, EVENTS_PATH, SCRIPT_PATH};
use super::request_path::{BadPath, RequestPath, parse_target};
use super::snapshot::{ServedFile, Snapshot};
use super::sse::{self, Streams};

/// Most header bytes (names, values and separators) accepted; more get 431.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// Most header fields accepted; more get 431.
pub const MAX_HEADERS: usize = 100;
/// Most live-reload streams open at once; more get 503, so tabs cannot exhaust threads.
pub const MAX_EVENT_STREAMS: usize = 64;
/// Largest request body tiny_http may discard; a larger one gets 413 and is never read.
pub const MAX_BODY: usize = 1024 * 1024;

/// What the server shares with the rest of `folio serve`: the site it answers from and the
/// live-reload hub.
#[derive(Default)]
pub struct Shared {
    /// The last good build. Requests clone the `Arc` and answer from it, so a swap never
    /// shows anyone half a site.
    pub site: RwLock<Arc<Snapshot>>,
    /// Reload messages for the browsers.
    pub events: Events,
}

impl Shared {
    /// Shared state serving `site`.
    pub fn new(site: Snapshot) -> Self {
        Shared {
            site: RwLock::new(Arc::new(site)),
            events: Events::new(),
        }
    }

    /// Replaces the site at once: requests already running finish with the old one.
    pub fn swap(&self, site: Snapshot) {
        let site = Arc::new(site);
        *self.site.write().unwrap_or_else(PoisonError::into_inner) = site;
    }

    /// The site as it is now.
    pub fn current(&self) -> Arc<Snapshot> {
        Arc::clone(&self.site.read().unwrap_or_else(PoisonError::into_inner))
    }
}

/// A running server. Dropping it without `shutdown` leaves it running for the process's life.
pub struct ServerHandle {
    /// Where the server listens (the real port when 0 was asked for).
    pub addr: SocketAddr,
    server: Arc<Server>,
    workers: Vec<JoinHandle<()>>,
    streams: Arc<Streams>,
}

impl ServerHandle {
    /// Stops accepting, ends the live-reload streams, and waits for the workers to finish
    /// the requests they hold.
    pub fn shutdown(self) {
        self.streams.stop(Duration::from_secs(2));
        for _ in &self.workers {
            self.server.unblock();
        }
        for worker in self.workers {
            let _ = worker.join();
        }
        // Requests read but never picked up get an honest answer instead of tiny_http's 500.
        while let Ok(Some(request)) = self.server.try_recv() {
            Reply::text(503, "Server shutting down\n").send(request);
        }
        // Dropping the last `Server` closes the listening socket.
    }
}

/// Starts serving `shared` on `bind` with `threads` workers (at least one) and returns once
/// the socket listens. Port 0 picks a free port; see `ServerHandle::addr`.
pub fn start(bind: SocketAddr, shared: Arc<Shared>, threads: usize) -> io::Result<ServerHandle> {
    let listener = listen(bind)?;
    let addr = listener.local_addr()?;
    let server = Arc::new(Server::from_listener(listener, None).map_err(io::Error::other)?);
    let mut handle = ServerHandle {
        addr,
        server,
        workers: Vec::new(),
        streams: Arc::new(Streams::new(server_id())),
    };
    for n in 0..threads.max(1) {
        let (server, shared) = (Arc::clone(&handle.server), Arc::clone(&shared));
        let streams = Arc::clone(&handle.streams);
        let spawned = thread::Builder::new()
            .name(format!("folio-http-{n}"))
            .spawn(move || work(&server, &shared, &streams));
        match spawned {
            Ok(worker) => handle.workers.push(worker),
            Err(error) => {
                handle.shutdown();
                return Err(error);
            }
        }
    }
    Ok(handle)
}

/// A listening socket with `TCP_NODELAY`, which accepted connections inherit. tiny_http
/// writes the response head and the body separately; with Nagle's algorithm on, the body then
/// waits for the client's delayed ACK, about 40 ms per keep-alive response on loopback.
fn listen(bind: SocketAddr) -> io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(bind), Type::STREAM, Some(Protocol::TCP))?;
    // What std's `TcpListener::bind` does too: rebind at once after a restart. Not on
    // Windows, where the option would let another process share the port.
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.bind(&bind.into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}

/// Tells browsers apart this server from an earlier one on the same port, so pages reload
/// after a restart. Only ever sent on the event stream, never written into a page.
fn server_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}-{nanos:x}", std::process::id())
}

fn work(server: &Server, shared: &Arc<Shared>, streams: &Arc<Streams>) {
    loop {
        match server.recv() {
            Ok(request) if request.body_length().is_some_and(|n| n > 0) => {
                answer_with_body(request, shared, streams);
            }
            Ok(request) => {
                // A bug in one answer must not take a worker down; the dropped request
                // gets a 500 from tiny_http.
                let _ = catch_unwind(AssertUnwindSafe(|| answer(request, shared, streams)));
            }
            Err(_) if streams.stopping() => return,
            // The only other error is the listener failing once; keep serving what is queued.
            Err(_) => continue,
        }
    }
}

/// Answers a request that declares a body (only ever refused: the server is GET/HEAD only).
///
/// tiny_http 0.12 discards an unread body when the request is dropped, first allocating a
/// buffer of the whole *declared* remaining length, so `Content-Length: 99999999999999` would
/// abort the process (upstream tiny-http PR #290). Up to `MAX_BODY` that is harmless; the
/// answer runs on its own thread because discarding waits for the client to send the body.
/// Beyond it, the request must never be dropped: the only way to answer while keeping its
/// body reader is `upgrade`, whose stream is then leaked. That costs one idle thread and
/// socket per such request; the server itself keeps running.
fn answer_with_body(request: Request, shared: &Arc<Shared>, streams: &Arc<Streams>) {
    if request.body_length().is_some_and(|n| n > MAX_BODY) {
        std::mem::forget(request.upgrade("none", Response::empty(413)));
        return;
    }
    let (shared, streams) = (Arc::clone(shared), Arc::clone(streams));
    // Without a thread the request went with the closure and tiny_http answered 500.
    let _ = thread::Builder::new()
        .name("folio-http-body".into())
        .spawn(move || answer(request, &shared, &streams));
}

fn answer(request: Request, shared: &Shared, streams: &Arc<Streams>) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let reply = Reply::text(405, "Only GET and HEAD are supported\n");
        return reply.with_header("Allow", "GET, HEAD").send(request);
    }
    if headers_too_large(&request) {
        return Reply::text(431, "Request headers too large\n").send(request);
    }
    let path = match parse_target(request.url()) {
        Ok(path) => path,
        Err(BadPath::TooLong) => return Reply::text(414, "URI too long\n").send(request),
        Err(why) => return Reply::text(400, &format!("Bad request: {why}\n")).send(request),
    };
    let reply = match format!("/{}", path.decoded).as_str() {
        EVENTS_PATH => return sse::serve(request, shared, streams),
        SCRIPT_PATH => file_reply(&request, &CLIENT),
        _ => site_reply(&request, &path, &shared.current()),
    };
    reply.send(request);
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

fn is_html(file: &ServedFile) -> bool {
    file.content_type.starts_with("text/html")
}

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

/// A response before it is sent: status, headers and the body from a snapshot or a message.
pub(crate) struct Reply {
    status: u16,
    headers: Vec<Header>,
    body: Arc<[u8]>,
    /// `Content-Length`; differs from the body only for 304, which names the full length.
    length: usize,
}

impl Reply {
    fn new(status: u16, content_type: &str, body: Arc<[u8]>) -> Self {
        let length = body.len();
        Reply {
            status,
            headers: Vec::new(),
            body,
            length,
        }
        .with_header("Content-Type", content_type)
        .with_header("Cache-Control", "no-cache")
        .with_header("X-Content-Type-Options", "nosniff")
    }

    pub(crate) fn text(status: u16, text: &str) -> Self {
        Reply::new(status, "text/plain; charset=utf-8", text.as_bytes().into())
    }

    fn file(status: u16, file: &ServedFile, etag: Option<String>) -> Self {
        let body = if is_html(file) {
            livereload::inject_script(&file.bytes).into()
        } else {
            Arc::clone(&file.bytes)
        };
        let reply = Reply::new(status, &file.content_type, body);
        match etag {
            Some(etag) => reply.with_header("ETag", &etag),
            None => reply,
        }
    }

    /// 304 carries no body; its `Content-Length` is that of the 200 it stands for.
    fn not_modified(etag: &str, length: usize) -> Self {
        Reply {
            status: 304,
            headers: Vec::new(),
            body: Arc::from(&[][..]),
            length,
        }
        .with_header("ETag", etag)
        .with_header("Cache-Control", "no-cache")
    }

    pub(crate) fn with_header(mut self, name: &str, value: &str) -> Self {
        // Every value here is ours or was checked to be visible ASCII, so this always works.
        if let Ok(header) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            self.headers.push(header);
        }
        self
    }

    /// Sends the reply; a client that has gone away is not an error worth reporting.
    pub(crate) fn send(self, request: Request) {
        let response = Response::new(
            StatusCode(self.status),
            self.headers,
            Cursor::new(self.body),
            Some(self.length),
            None,
        )
        // Always a Content-Length, never chunked: every body is already whole in memory.
        .with_chunked_threshold(usize::MAX);
        let _ = request.respond(response);
    }
}
