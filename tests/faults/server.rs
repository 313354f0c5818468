//! The real `folio serve --watch --port 0` as a child process, for tests that drive it over
//! HTTP while they change its files. It is killed on drop.

#![allow(dead_code)] // faults.rs, serve_load.rs and serve_watch.rs each use a different part

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::client::{self, Reply};

/// How long the first build of a debug binary may take before the server counts as stuck.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// `folio serve --watch` on a free loopback port.
pub struct Server {
    child: Child,
    /// Where it listens, from its `Serving http://127.0.0.1:PORT/` line.
    pub addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Serves `root`; returns once the server listens and watches, so that every change
    /// made from now on is seen.
    pub fn start(root: &Path) -> Server {
        Server::start_with_env(root, &[])
    }

    /// `start`, with these environment variables set for the server.
    pub fn start_with_env(root: &Path, env: &[(&str, &str)]) -> Server {
        Server::spawn(
            Path::new("."),
            &[OsStr::new("--root"), root.as_os_str()],
            env,
        )
    }

    /// `folio serve --watch --port 0 ARGS…` started in the folder `cwd`, as a user starts
    /// it there (`--root` relative to it, or none); returns once it listens and watches.
    pub fn start_in<S: AsRef<OsStr>>(cwd: &Path, args: &[S]) -> Server {
        Server::spawn(cwd, args, &[])
    }

    fn spawn<S: AsRef<OsStr>>(cwd: &Path, args: &[S], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(["serve", "--watch", "--port", "0"])
            .args(args)
            .current_dir(cwd)
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start folio serve");
        let log = Arc::new(Mutex::new(String::new()));
        let (lines, ready) = mpsc::channel();
        forward_lines(
            child.stdout.take().expect("piped stdout"),
            &log,
            Some(lines),
        );
        forward_lines(child.stderr.take().expect("piped stderr"), &log, None);
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            log,
        };
        let url = server.wait_for_line(&ready, "Serving ", |line| {
            Some(
                line.strip_prefix("Serving ")?
                    .split_whitespace()
                    .next()?
                    .to_owned(),
            )
        });
        server.addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .unwrap_or_else(|e| panic!("no address in {url}: {e}"));
        server.wait_for_line(&ready, "Watching ", |line| {
            line.starts_with("Watching ").then_some(())
        });
        server
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the server printed so far, stdout and stderr interleaved.
    pub fn log(&self) -> String {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Resident memory of the server process in KiB (`VmRSS` of /proc/PID/status).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("read /proc/PID/status of the server");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("a VmRSS line")
    }

    /// GET `path` on a fresh connection (`Connection: close`).
    pub fn get(&self, path: &str) -> Reply {
        client::get(self.addr, path)
    }

    /// Polls `check` until it returns `Ok`, for at most `limit`; panics with the last
    /// reason and the server's log otherwise. Also fails if the server has exited.
    pub fn wait_until(
        &mut self,
        what: &str,
        limit: Duration,
        mut check: impl FnMut(&Server) -> Result<(), String>,
    ) {
        let deadline = Instant::now() + limit;
        loop {
            let why = match check(self) {
                Ok(()) => return,
                Err(why) => why,
            };
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{what}: the server exited ({status})\n{}", self.log());
            }
            if Instant::now() > deadline {
                panic!(
                    "{what}: not within {limit:?}; last: {why}\n--- folio serve printed ---\n{}",
                    self.log()
                );
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// Fails if the server has exited or printed a panic.
    pub fn assert_healthy(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("the server exited ({status})\n{}", self.log());
        }
        let log = self.log();
        assert!(!log.contains("panicked"), "the server panicked:\n{log}");
    }

    fn wait_for_line<T>(
        &mut self,
        lines: &Receiver<String>,
        what: &str,
        pick: impl Fn(&str) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(found) = pick(&line) {
                        return found;
                    }
                }
                Err(_) => {
                    let status = self.child.try_wait().ok().flatten();
                    panic!(
                        "folio serve never printed a `{what}` line (exit status: {status:?}):\n{}",
                        self.log()
                    );
                }
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies each line of `stream` into `log` (and to `lines`, if given) on its own thread.
fn forward_lines(
    stream: impl Read + Send + 'static,
    log: &Arc<Mutex<String>>,
    lines: Option<mpsc::Sender<String>>,
) {
    let log = Arc::clone(log);
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            {
                let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
                log.push_str(&line);
                log.push('\n');
            }
            if let Some(lines) = &lines {
                let _ = lines.send(line);
            }
        }
    });
}
