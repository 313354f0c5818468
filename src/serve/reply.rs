//! A response before it is sent, and what the connection does after it. Shared by the
//! request handler (`http`) and the live-reload streams (`sse`).

use std::io::{self, Cursor};
use std::sync::Arc;

use tiny_http::{Header, Request, Response, StatusCode};

use super::livereload;
use super::snapshot::ServedFile;

/// What the connection does once a request is answered.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum After {
    /// Read its next request.
    KeepOpen,
    /// Close it: the answer could not be sent whole, or the request's body was left unread.
    Close,
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
    pub(crate) fn new(status: u16, content_type: &str, body: Arc<[u8]>) -> Self {
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

    pub(crate) fn file(status: u16, file: &ServedFile, etag: Option<String>) -> Self {
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
    pub(crate) fn not_modified(etag: &str, length: usize) -> Self {
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

    /// Sends the reply. A client that has gone away is no error (the connection's next read
    /// ends it); a write that timed out is.
    pub(crate) fn send(self, request: Request) -> io::Result<()> {
        let response = Response::new(
            StatusCode(self.status),
            self.headers,
            Cursor::new(self.body),
            Some(self.length),
            None,
        )
        // Always a Content-Length, never chunked: every body is already whole in memory.
        .with_chunked_threshold(usize::MAX);
        request.respond(response)
    }
}

/// Whether `file` is a page (which gets the live-reload script).
pub(crate) fn is_html(file: &ServedFile) -> bool {
    file.content_type.starts_with("text/html")
}
