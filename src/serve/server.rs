//! The running server: our own accept loop, and one thread per connection that reads the
//! connection's requests in order with tiny_http and answers each before reading the next.
//! Every connection gets its read and write timeouts before tiny_http sees it, their number
//! is capped, and one whose request body is left unread is closed. Nothing here knows URLs
//! or pages (see `http`).

use std::collections::BTreeMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, mpsc};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tiny_http::ClientConnection;

use super::host::HostRule;
use super::http::{Context, answer, leaves_body_unread};
use super::reply::After;
use super::shared::Shared;
use super::sse::Streams;

/// How long `shutdown` waits for each of its steps: streams to end, the accept loop to stop,
/// connections to finish their answers.
const GRACE: Duration = Duration::from_secs(2);

/// How long the accept loop waits after a failed `accept` (out of file handles, say) before
/// trying again, so that it neither spins nor gives up.
const ACCEPT_RETRY: Duration = Duration::from_millis(50);

/// The server's timeouts and caps.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Longest a read may wait: a keep-alive connection idle this long, or a client that
    /// stops sending mid-request this long, is closed.
    pub read_timeout: Duration,
    /// Longest a write may wait for a client that does not read; the connection is then
    /// closed.
    pub write_timeout: Duration,
    /// Most connections open at once, live-reload streams included. Further ones wait in the
    /// listen backlog until one closes.
    pub max_connections: usize,
}

impl Default for Limits {
    /// What `folio serve` uses: 10 s to read, 10 s to write, 256 connections.
    fn default() -> Self {
        Limits {
            read_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            max_connections: 256,
        }
    }
}

/// A running server. Dropping it without `shutdown` leaves it running for the process's life.
pub struct ServerHandle {
    /// Where the server listens (the real port when 0 was asked for).
    pub addr: SocketAddr,
    context: Arc<Context>,
    connections: Arc<Connections>,
    /// Disconnected when the accept loop has ended and the listening socket is closed. (In a
    /// `Mutex` only so that the handle can be shared between threads.)
    accept_ended: Mutex<mpsc::Receiver<()>>,
}

impl ServerHandle {
    /// Ends the live-reload streams, stops listening, then lets every connection finish the
    /// answer it is writing and closes it; each step waits at most two seconds.
    pub fn shutdown(self) {
        self.context.streams.stop(GRACE);
        self.connections.stop();
        wake_accept(self.addr);
        let ended = self.accept_ended.lock();
        let _ = ended.map(|ended| ended.recv_timeout(GRACE));
        self.connections.close_all(GRACE);
    }
}

/// Starts serving `shared` on `bind` with the default `Limits` and returns once the socket
/// listens. Port 0 picks a free port; see `ServerHandle::addr`.
pub fn start(bind: SocketAddr, shared: Arc<Shared>) -> io::Result<ServerHandle> {
    start_with_limits(bind, shared, Limits::default())
}

/// `start` with other timeouts and caps. A zero timeout is refused (`InvalidInput`): the
/// sockets would take it for "never".
pub fn start_with_limits(
    bind: SocketAddr,
    shared: Arc<Shared>,
    limits: Limits,
) -> io::Result<ServerHandle> {
    if limits.read_timeout.is_zero() || limits.write_timeout.is_zero() {
        let why = "the server's read and write timeouts must be longer than zero";
        return Err(io::Error::new(io::ErrorKind::InvalidInput, why));
    }
    let listener = listen(bind)?;
    let addr = listener.local_addr()?;
    let context = Arc::new(Context {
        shared,
        streams: Arc::new(Streams::new(server_id())),
        hosts: HostRule::for_listener(addr),
    });
    let connections = Arc::new(Connections::new(limits.max_connections));
    let (ended, accept_ended) = mpsc::channel::<()>();
    let (accept_context, accept_connections) = (Arc::clone(&context), Arc::clone(&connections));
    thread::Builder::new()
        .name("folio-http-accept".into())
        .spawn(move || {
            accept_loop(&listener, &accept_context, &accept_connections, limits);
            drop((listener, ended));
        })?;
    Ok(ServerHandle {
        addr,
        context,
        connections,
        accept_ended: Mutex::new(accept_ended),
    })
}

/// A listening socket that can be bound again at once after a restart (what std's
/// `TcpListener::bind` does too; not on Windows, where it would let another process share
/// the port), with a long backlog for connections waiting while the cap is reached.
fn listen(bind: SocketAddr) -> io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(bind), Type::STREAM, Some(Protocol::TCP))?;
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
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

fn accept_loop(
    listener: &TcpListener,
    context: &Arc<Context>,
    connections: &Arc<Connections>,
    limits: Limits,
) {
    while connections.wait_for_room() {
        match listener.accept() {
            Ok(_) if connections.stopping() => return,
            Ok((stream, _)) => open(stream, context, connections, limits),
            // The listener itself is fine (tiny_http's own loop gave up here for good, leaving
            // a process that said "Serving" and refused everything).
            Err(_) => thread::sleep(ACCEPT_RETRY),
        }
    }
}

/// Sets up an accepted connection and gives it a thread; on any failure it is just closed.
fn open(stream: TcpStream, context: &Arc<Context>, connections: &Arc<Connections>, limits: Limits) {
    // Set before tiny_http reads anything: it has no timeouts of its own. `TCP_NODELAY`
    // because tiny_http writes the head and the body of a response separately; with Nagle's
    // algorithm on, the body would wait for the client's delayed ACK (~40 ms on loopback).
    let ready = stream
        .set_read_timeout(Some(limits.read_timeout))
        .and_then(|()| stream.set_write_timeout(Some(limits.write_timeout)))
        .and_then(|()| stream.set_nodelay(true))
        .and_then(|()| stream.try_clone());
    let Ok(control) = ready else { return };
    let slot = connections.add(control);
    let context = Arc::clone(context);
    // Without a thread the stream and the slot are dropped with the closure, which closes
    // the connection.
    let _ = thread::Builder::new()
        .name("folio-http".into())
        .spawn(move || serve_connection(stream, &context, &slot));
}

/// Answers the requests of one connection in order until it closes, fails or must close.
fn serve_connection(stream: TcpStream, context: &Context, slot: &Slot) {
    for request in ClientConnection::from_tcp_stream(stream) {
        let unread_body = leaves_body_unread(&request);
        if unread_body {
            // Reads now end with what has already arrived, so the body tiny_http discards
            // when the request is dropped is never waited for.
            let _ = slot.socket.shutdown(Shutdown::Read);
        }
        let closing = unread_body || slot.connections.stopping();
        // A bug in one answer must not take the thread down; the request, dropped while
        // unwinding, gets tiny_http's 500.
        let next = catch_unwind(AssertUnwindSafe(|| answer(request, context, closing)));
        if closing || !matches!(next, Ok(After::KeepOpen)) {
            break;
        }
    }
    let _ = slot.socket.shutdown(Shutdown::Both);
}

/// Connects to the listener once, so that a blocked `accept` returns and sees the server is
/// stopping.
fn wake_accept(addr: SocketAddr) {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let _ = TcpStream::connect_timeout(&SocketAddr::new(ip, addr.port()), GRACE);
}

/// The open connections: a handle on each socket (to shut it down), the cap, and the stop
/// signal.
struct Connections {
    open: Mutex<Open>,
    changed: Condvar,
    max: usize,
}

#[derive(Default)]
struct Open {
    next_id: u64,
    sockets: BTreeMap<u64, Arc<TcpStream>>,
    stopping: bool,
}

impl Connections {
    fn new(max: usize) -> Self {
        Connections {
            open: Mutex::new(Open::default()),
            changed: Condvar::new(),
            max: max.max(1),
        }
    }

    /// Waits while the cap is reached; false once the server is stopping.
    fn wait_for_room(&self) -> bool {
        let open = self
            .changed
            .wait_while(self.lock(), |open| {
                !open.stopping && open.sockets.len() >= self.max
            })
            .unwrap_or_else(PoisonError::into_inner);
        !open.stopping
    }

    fn add(self: &Arc<Self>, socket: TcpStream) -> Slot {
        let socket = Arc::new(socket);
        let mut open = self.lock();
        let id = open.next_id;
        open.next_id += 1;
        open.sockets.insert(id, Arc::clone(&socket));
        Slot {
            connections: Arc::clone(self),
            id,
            socket,
        }
    }

    fn stopping(&self) -> bool {
        self.lock().stopping
    }

    fn stop(&self) {
        self.lock().stopping = true;
        self.changed.notify_all();
    }

    /// Ends every connection's reading, so each closes once its current answer is written,
    /// and waits up to `timeout` for all of them to close.
    fn close_all(&self, timeout: Duration) {
        let open = self.lock();
        for socket in open.sockets.values() {
            let _ = socket.shutdown(Shutdown::Read);
        }
        let _ = self
            .changed
            .wait_timeout_while(open, timeout, |open| !open.sockets.is_empty());
    }

    fn lock(&self) -> MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One open connection's place, given back when its thread ends.
struct Slot {
    connections: Arc<Connections>,
    id: u64,
    /// A second handle on the connection's socket; tiny_http holds the others.
    socket: Arc<TcpStream>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.connections.lock().sockets.remove(&self.id);
        self.connections.changed.notify_all();
    }
}
