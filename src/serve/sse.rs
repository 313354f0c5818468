//! The live-reload stream: one Server-Sent Events response per browser tab, written from its
//! connection's thread, with a cap on how many are open.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tiny_http::{HTTPVersion, Method, Request};

use super::events::{Next, Reload, Subscription, sse_frame};
use super::reply::{After, Reply};
use super::shared::Shared;

/// Most live-reload streams open at once; more get 503, so tabs cannot take every connection.
pub const MAX_EVENT_STREAMS: usize = 64;

/// A comment line this often lets a dead connection show up as a failed write.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// How often an idle stream checks whether the server is shutting down.
const POLL: Duration = Duration::from_millis(250);

/// How long the browser waits before reconnecting after the stream ends.
const RETRY_MS: u32 = 1000;

/// The streams of one server: their count, the cap, and the shutdown signal.
pub(crate) struct Streams {
    open: Mutex<usize>,
    closed: Condvar,
    stopping: AtomicBool,
    server_id: String,
}

impl Streams {
    pub(crate) fn new(server_id: String) -> Self {
        Streams {
            open: Mutex::new(0),
            closed: Condvar::new(),
            stopping: AtomicBool::new(false),
            server_id,
        }
    }

    pub(crate) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Tells every stream to end, then waits up to `timeout` for them to finish. A stream
    /// stuck writing to a client that stopped reading ends when its write times out.
    pub(crate) fn stop(&self, timeout: Duration) {
        self.stopping.store(true, Ordering::SeqCst);
        let open = self.lock();
        let _ = self
            .closed
            .wait_timeout_while(open, timeout, |open| *open > 0);
    }

    fn try_open(self: &Arc<Self>) -> Option<Slot> {
        let mut open = self.lock();
        if *open >= MAX_EVENT_STREAMS || self.stopping() {
            return None;
        }
        *open += 1;
        Some(Slot(Arc::clone(self)))
    }

    fn lock(&self) -> MutexGuard<'_, usize> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One place among the open streams, given back when dropped.
struct Slot(Arc<Streams>);

impl Drop for Slot {
    fn drop(&mut self) {
        *self.0.lock() -= 1;
        self.0.closed.notify_all();
    }
}

/// Answers a request for the event stream: 503 when the cap is reached, otherwise streams on
/// the connection's own thread until the client leaves or the server stops.
pub(crate) fn serve(request: Request, shared: &Shared, streams: &Arc<Streams>) -> After {
    let Some(slot) = streams.try_open() else {
        let reply =
            Reply::text(503, "Too many live-reload connections\n").with_header("Retry-After", "5");
        return match reply.send(request) {
            Ok(()) => After::KeepOpen,
            Err(_) => After::Close,
        };
    };
    let subscription = shared.events.subscribe();
    match stream(request, &subscription, &slot) {
        // A chunked stream ended cleanly: the connection may carry another request.
        Ok(()) => After::KeepOpen,
        // The client went away or stopped reading.
        Err(_) => After::Close,
    }
}

fn stream(request: Request, subscription: &Subscription, slot: &Slot) -> io::Result<()> {
    let streams = &slot.0;
    // HTTP/1.1 keep-alive needs a framed body so the browser sees the stream end and
    // reconnects; otherwise the body simply ends when the connection closes.
    let keeps_alive = *request.http_version() == HTTPVersion(1, 1)
        && !request.headers().iter().any(|h| {
            h.field.equiv("Connection") && h.value.as_str().to_ascii_lowercase().contains("close")
        });
    let head_only = *request.method() == Method::Head;
    let mut out = SseWriter {
        writer: request.into_writer(),
        chunked: keeps_alive,
    };
    out.head()?;
    if head_only {
        return Ok(());
    }
    let hello = format!(
        "retry: {RETRY_MS}\n{}",
        sse_frame("hello", &streams.server_id)
    );
    out.send(&hello)?;
    let mut last_write = Instant::now();
    while !streams.stopping() {
        match subscription.recv_timeout(POLL) {
            Next::Message(reload) => out.send(&reload.to_sse())?,
            // It missed messages, so whatever it shows is stale: reload, then reconnect.
            Next::Lagged => {
                out.send(&Reload::Page.to_sse())?;
                break;
            }
            Next::Closed => break,
            Next::Timeout if last_write.elapsed() >= HEARTBEAT => out.send(": ping\n\n")?,
            Next::Timeout => continue,
        }
        last_write = Instant::now();
    }
    out.finish()
}

/// Writes the response by hand, flushing each frame: tiny_http's own streaming responses
/// buffer 8 KiB chunks, which would hold events back.
struct SseWriter {
    writer: Box<dyn Write + Send>,
    chunked: bool,
}

impl SseWriter {
    fn head(&mut self) -> io::Result<()> {
        let framing = if self.chunked {
            "Transfer-Encoding: chunked"
        } else {
            "Connection: close"
        };
        write!(
            self.writer,
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\
             X-Content-Type-Options: nosniff\r\n{framing}\r\n\r\n"
        )?;
        self.writer.flush()
    }

    fn send(&mut self, frame: &str) -> io::Result<()> {
        if self.chunked {
            write!(self.writer, "{:x}\r\n{frame}\r\n", frame.len())?;
        } else {
            self.writer.write_all(frame.as_bytes())?;
        }
        self.writer.flush()
    }

    fn finish(mut self) -> io::Result<()> {
        if self.chunked {
            self.writer.write_all(b"0\r\n\r\n")?;
        }
        self.writer.flush()
    }
}
