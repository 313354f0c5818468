//! The harness of the browser tests: a temporary copy of the example site, the real `folio`
//! binary serving it, and a headless Chromium driven over WebDriver (plain HTTP to a
//! chromedriver of our own, with ureq and serde_json). Every piece cleans up on drop.

use std::ffi::OsStr;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tempfile::TempDir;

/// The Chromium and chromedriver the build script looked for (`build/test_tools.rs`):
/// Debian's, unless `FOLIO_CHROMIUM` / `FOLIO_CHROMEDRIVER` named others at compile time.
pub const CHROMIUM: &str = env!("FOLIO_CHROMIUM");
pub const CHROMEDRIVER: &str = env!("FOLIO_CHROMEDRIVER");

/// How long anything the author would wait for may take: a rebuild showing, an overlay.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// How long starting a process may take (the first build of a debug binary is slow).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Whether `FOLIO_BROWSER_TESTS=1` (CI) asks that the browser tests run, never ignored.
pub fn browser_tests_required() -> bool {
    std::env::var("FOLIO_BROWSER_TESTS").is_ok_and(|v| v == "1")
}

/// Fails the test, saying what to install, unless Chromium and chromedriver are there. Where
/// the build script did not find them, the tests are compiled as ignored (`cfg
/// folio_has_chromium`); this is what they say when run anyway (`--include-ignored`).
fn require_browser() {
    assert!(
        Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists(),
        "this test needs {CHROMIUM} and {CHROMEDRIVER}: apt-get install chromium chromium-driver"
    );
}

/// Where `.ci/run` installs axe-core (`npm install --prefix target/axe axe-core@4`), unless
/// `FOLIO_AXE` names the `axe.min.js` to use.
pub const AXE_DEFAULT: &str = "target/axe/node_modules/axe-core/axe.min.js";

/// The source of axe-core's `axe.min.js`. Missing: fails the test, saying how to install
/// it (where the build script did not find it, the test is compiled as ignored).
pub fn axe_script() -> String {
    let path = std::env::var_os("FOLIO_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(AXE_DEFAULT));
    fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "this test needs axe-core at {} ({e}): install it with `npm install --no-save \
             --prefix target/axe axe-core@4.14.1`, or set FOLIO_AXE",
            path.display()
        )
    })
}

// --- The site ----------------------------------------------------------------------------

/// A copy of the example site (the repository root's config.toml, content/, themes/) in a
/// fresh temporary folder.
pub struct Site {
    dir: TempDir,
}

impl Site {
    pub fn example() -> Site {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::Builder::new()
            .prefix("folio-browser-")
            .tempdir()
            .unwrap();
        fs::copy(manifest.join("config.toml"), dir.path().join("config.toml")).unwrap();
        for folder in ["content", "themes", "static"] {
            let source = manifest.join(folder);
            for entry in walkdir::WalkDir::new(&source) {
                let entry = entry.unwrap();
                let target = dir
                    .path()
                    .join(folder)
                    .join(entry.path().strip_prefix(&source).unwrap());
                if entry.file_type().is_dir() {
                    fs::create_dir_all(&target).unwrap();
                } else {
                    fs::copy(entry.path(), &target).unwrap();
                }
            }
        }
        Site { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path(relative)).unwrap()
    }

    /// Appends in place, in one write, as `echo ... >> file` does.
    pub fn append(&self, relative: &str, text: &str) {
        let mut file = fs::OpenOptions::new()
            .append(true)
            .open(self.path(relative))
            .unwrap();
        file.write_all(text.as_bytes()).unwrap();
    }

    /// Saves the way most editors do: write a temporary file beside it, then rename it over
    /// (making its folder first if there is none).
    pub fn save(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let temp = path.with_file_name(format!(".{name}.tmp"));
        fs::write(&temp, text).unwrap();
        fs::rename(&temp, &path).unwrap();
    }
}

// --- The server --------------------------------------------------------------------------

/// `folio serve --watch` running on a copy of the site; killed on drop.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT/`, from the line the server prints.
    pub url: String,
    pub port: u16,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Serve `root` with `--watch` on a port the OS picks.
    pub fn start(root: &Path) -> Server {
        Server::start_on(root, 0)
    }

    /// Serve `root` with `--watch` on `port`; returns once the server is listening and
    /// watching, so that a change made from now on is seen.
    pub fn start_on(root: &Path, port: u16) -> Server {
        let root = root.as_os_str();
        Server::spawn(Path::new("."), &[OsStr::new("--root"), root], port)
    }

    /// `folio serve --watch ARGS…` started in the folder `cwd`, as a writer starts it there
    /// (`--root` relative to it, or none), on a port the OS picks.
    pub fn start_in(cwd: &Path, args: &[&str]) -> Server {
        Server::spawn(cwd, args, 0)
    }

    fn spawn<S: AsRef<OsStr>>(cwd: &Path, args: &[S], port: u16) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(["serve", "--watch", "--port", &port.to_string()])
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot start folio");
        let log = Arc::new(Mutex::new(String::new()));
        let (lines, ready) = mpsc::channel();
        forward_lines(child.stdout.take().unwrap(), &log, Some(lines));
        forward_lines(child.stderr.take().unwrap(), &log, None);
        let mut server = Server {
            child,
            url: String::new(),
            port: 0,
            log,
        };
        server.url = server.wait_for_line(&ready, "Serving ", |line| {
            let url = line.strip_prefix("Serving ")?.split_whitespace().next()?;
            Some(url.to_string())
        });
        server.port = server
            .url
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {}", server.url));
        server.wait_for_line(&ready, "Watching ", |line| {
            line.starts_with("Watching ").then_some(())
        });
        server
    }

    /// Everything the server printed so far, stdout and stderr interleaved.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn page(&self, path: &str) -> String {
        format!("{}{}", self.url, path.trim_start_matches('/'))
    }

    /// `path` on this server under another host name: `http://HOST:PORT/path`.
    pub fn page_at(&self, host: &str, path: &str) -> String {
        format!(
            "http://{host}:{}/{}",
            self.port,
            path.trim_start_matches('/')
        )
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
                        "folio serve never printed a `{what}` line (exit status: {status:?}); it printed:\n{}",
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
                let mut log = log.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
            if let Some(lines) = &lines {
                let _ = lines.send(line);
            }
        }
    });
}

// --- The browser -------------------------------------------------------------------------

/// Runs before any script of every page: keeps each `EventSource` the page opens in
/// `window.__folioStreams`, so a test can wait until the live-reload stream is connected
/// (the server subscribes a stream before it answers, so connected means nothing is missed).
const WATCH_STREAMS: &str = r#"
(function () {
  var Original = window.EventSource;
  if (!Original) return;
  window.__folioStreams = [];
  function Watched(url, init) {
    var source = new Original(url, init);
    window.__folioStreams.push(source);
    return source;
  }
  Watched.prototype = Original.prototype;
  Watched.CONNECTING = Original.CONNECTING;
  Watched.OPEN = Original.OPEN;
  Watched.CLOSED = Original.CLOSED;
  window.EventSource = Watched;
})();
"#;

/// A name that the browser resolves to 127.0.0.1 (see `Browser::new`).
pub const REBOUND_NAME: &str = "rebound.test";

/// A headless Chromium, through a chromedriver of its own; both end on drop.
pub struct Browser {
    agent: ureq::Agent,
    driver: Child,
    /// `http://127.0.0.1:PORT/session/ID`
    session: String,
    _profile: TempDir,
}

impl Browser {
    pub fn new() -> Browser {
        require_browser();
        let profile = tempfile::Builder::new()
            .prefix("folio-chromium-")
            .tempdir()
            .unwrap();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        // The free port may be taken again before chromedriver binds it: then try another.
        let mut attempts = 0;
        let (driver, base) = loop {
            attempts += 1;
            let port = free_port();
            let mut driver = Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                // Chromium keeps crash reports and caches under these: not in the real home.
                .env("XDG_CONFIG_HOME", profile.path().join("config"))
                .env("XDG_CACHE_HOME", profile.path().join("cache"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("cannot start chromedriver");
            let base = format!("http://127.0.0.1:{port}");
            if wait_ready(&agent, &base, &mut driver) {
                break (driver, base);
            }
            let _ = driver.kill();
            let _ = driver.wait();
            assert!(attempts < 3, "chromedriver did not start on a free port");
        };
        let user_data = format!("--user-data-dir={}", profile.path().join("user").display());
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", "--no-proxy-server",
                    // A name of the tests' own that resolves to loopback, as a page's name
                    // re-pointed by a DNS-rebinding attacker would. Only this name is mapped.
                    format!("--host-resolver-rules=MAP {REBOUND_NAME} 127.0.0.1"),
                    user_data,
                ],
            },
        }}});
        let mut browser = Browser {
            agent,
            driver,
            session: String::new(),
            _profile: profile,
        };
        let created = browser
            .command("POST", &format!("{base}/session"), Some(capabilities))
            .unwrap_or_else(|e| panic!("cannot start a Chromium session: {e}"));
        let id = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {created}"));
        browser.session = format!("{base}/session/{id}");
        browser.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": WATCH_STREAMS}),
        );
        browser
    }

    /// Opens `url` and waits for it to load.
    pub fn goto(&self, url: &str) {
        let session = &self.session;
        self.command("POST", &format!("{session}/url"), Some(json!({"url": url})))
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// The value of the JavaScript expression `js` in the page.
    pub fn eval(&self, js: &str) -> Value {
        self.try_eval(js)
            .unwrap_or_else(|e| panic!("evaluating `{js}` failed: {e}"))
    }

    /// Polls the expression `js` every 100 ms until it is truthy. Errors while polling (the
    /// page being mid-reload) count as "not yet". On timeout, says what it saw last.
    pub fn wait_until(&self, js: &str, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        let predicate = format!("!!({js})");
        loop {
            let last = match self.try_eval(&predicate) {
                Ok(Value::Bool(true)) => return Ok(()),
                Ok(other) => format!("it was {other}"),
                Err(e) => format!("the last try failed: {e}"),
            };
            if Instant::now() >= deadline {
                return Err(format!("`{js}` still not true after {timeout:?}: {last}"));
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the page's live-reload stream is connected to the server.
    pub fn wait_until_live(&self, timeout: Duration) -> Result<(), String> {
        self.wait_until(
            "window.__folioStreams && window.__folioStreams.some(function (s) {
                 return s.url.indexOf('/__folio/events') !== -1 && s.readyState === 1;
             })",
            timeout,
        )
    }

    /// Clicks the first element matching the CSS `selector` as a user would (WebDriver's
    /// element click: scrolled into view, a real pointer event).
    pub fn click(&self, selector: &str) {
        let id = self.find(selector);
        let session = &self.session;
        self.command(
            "POST",
            &format!("{session}/element/{id}/click"),
            Some(json!({})),
        )
        .unwrap_or_else(|e| panic!("cannot click {selector}: {e}"));
    }

    /// Types `text` into the element `css` selects, key by key, as a person would.
    pub fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        let session = &self.session;
        self.command(
            "POST",
            &format!("{session}/element/{element}/value"),
            Some(json!({"text": text})),
        )
        .unwrap_or_else(|e| panic!("cannot type into `{css}`: {e}"));
    }

    /// The WebDriver id of the first element `css` selects.
    fn find(&self, css: &str) -> String {
        let session = &self.session;
        let found = self
            .command(
                "POST",
                &format!("{session}/element"),
                Some(json!({"using": "css selector", "value": css})),
            )
            .unwrap_or_else(|e| panic!("no element `{css}`: {e}"));
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element id in {found}"))
            .to_string()
    }

    /// Like `eval`, but an error (say, the page is mid-navigation) is returned.
    pub fn try_eval(&self, js: &str) -> Result<Value, String> {
        let session = &self.session;
        self.command(
            "POST",
            &format!("{session}/execute/sync"),
            Some(json!({"script": format!("return ({js});"), "args": []})),
        )
    }

    /// Runs `js` as an asynchronous script: it ends by calling its last argument with the
    /// result (WebDriver's `execute/async`).
    pub fn eval_async(&self, js: &str) -> Result<Value, String> {
        let session = &self.session;
        self.command(
            "POST",
            &format!("{session}/execute/async"),
            Some(json!({"script": js, "args": []})),
        )
    }

    /// Render pages as a `width`-pixel-wide viewport that prefers the dark or light scheme.
    pub fn emulate(&self, width: u32, dark: bool) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 600}),
        );
        let scheme = if dark { "dark" } else { "light" };
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
    }

    /// A Chrome DevTools command, through chromedriver's HTTP endpoint for them.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        let session = &self.session;
        self.command(
            "POST",
            &format!("{session}/goog/cdp/execute"),
            Some(json!({"cmd": cmd, "params": params})),
        )
        .unwrap_or_else(|e| panic!("DevTools command {cmd} failed: {e}"))
    }

    /// One WebDriver command: its `value` on success, the driver's error otherwise.
    fn command(&self, method: &str, url: &str, body: Option<Value>) -> Result<Value, String> {
        let response = match (method, body) {
            ("POST", body) => self
                .agent
                .post(url)
                .header("Content-Type", "application/json; charset=utf-8")
                .send(body.unwrap_or_else(|| json!({})).to_string()),
            ("DELETE", _) => self.agent.delete(url).call(),
            (_, _) => self.agent.get(url).call(),
        };
        let mut response = response.map_err(|e| format!("{method} {url}: {e}"))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| format!("{method} {url}: reading the answer: {e}"))?;
        let answer: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{method} {url}: answer is not JSON ({e}): {text}"))?;
        let value = answer.get("value").cloned().unwrap_or(Value::Null);
        if status != 200 {
            return Err(format!(
                "{method} {url}: HTTP {status}: {} {}",
                value["error"].as_str().unwrap_or("?"),
                value["message"].as_str().unwrap_or(&text)
            ));
        }
        Ok(value)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.command("DELETE", &self.session.clone(), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until chromedriver answers `/status` as ready; false if it exited or never did.
fn wait_ready(agent: &ureq::Agent, base: &str, driver: &mut Child) -> bool {
    let deadline = Instant::now() + START_TIMEOUT;
    while Instant::now() < deadline {
        if driver.try_wait().ok().flatten().is_some() {
            return false;
        }
        if let Ok(mut response) = agent.get(format!("{base}/status")).call()
            && let Ok(text) = response.body_mut().read_to_string()
            && serde_json::from_str::<Value>(&text)
                .is_ok_and(|v| v["value"]["ready"] == Value::Bool(true))
        {
            return true;
        }
        thread::sleep(Duration::from_millis(100));
    }
    false
}

// --- A plain static server ---------------------------------------------------------------

/// A built site served as a static host serves it: files from a folder under a path prefix
/// (`/`, or `/blog/` as for `https://example.com/blog/`), the theme's 404.html for what is
/// not there, and a list of every path asked for.
pub struct StaticServer {
    /// `http://127.0.0.1:PORT/` and the prefix.
    pub url: String,
    /// Every request answered, in the order answered.
    requests: Arc<Mutex<Vec<Request>>>,
    _thread: thread::JoinHandle<()>,
}

impl StaticServer {
    /// Build `site` with the real binary into a folder of its own and serve that folder.
    pub fn build_and_serve(site: &Site) -> StaticServer {
        let public = site.path("public");
        let server = StaticServer::serve(&public, "/");
        build(site.root(), &public, &[]);
        server
    }

    /// Listen on a free port now (so a site can be built for its address) and serve
    /// `public` under `prefix`; `public` may be filled after this returns.
    pub fn serve(public: &Path, prefix: &'static str) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}{prefix}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (public, seen) = (public.to_path_buf(), Arc::clone(&requests));
        let thread = thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (public, seen) = (public.clone(), Arc::clone(&seen));
                thread::spawn(move || serve_one(stream, &public, prefix, &seen));
            }
        });
        StaticServer {
            url,
            requests,
            _thread: thread,
        }
    }

    pub fn page(&self, path: &str) -> String {
        format!("{}{}", self.url, path.trim_start_matches('/'))
    }

    /// Every request answered so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

/// One request a `StaticServer` answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The path asked for, without the query (`/blog/search-index/meta.json`).
    pub path: String,
    pub status: u16,
    /// Bytes of the body sent (the headers not counted).
    pub bytes: usize,
}

/// `folio build` of the site at `root` into `public`, with `args` besides; panics when it
/// fails.
pub fn build(root: &Path, public: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_folio"))
        .arg("build")
        .args(args)
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(public)
        .output()
        .expect("run folio build");
    assert!(
        out.status.success(),
        "folio build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Answers one GET from `public` under `prefix` (the theme's 404.html for what is not
/// there), then closes. What was asked for and sent goes into `seen` before the reply, so
/// that a page that has its reply finds it there.
fn serve_one(
    mut stream: std::net::TcpStream,
    public: &Path,
    prefix: &str,
    seen: &Mutex<Vec<Request>>,
) {
    let mut head = Vec::new();
    let mut byte = [0; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let target = head.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/").to_string();
    let inside = !path.split('/').any(|part| part == "..");
    let file = path.strip_prefix(prefix).map(|rest| {
        let file = public.join(rest);
        match rest.is_empty() || rest.ends_with('/') {
            true => file.join("index.html"),
            false => file,
        }
    });
    let (status, file) = match file {
        Some(file) if inside && file.is_file() => (200, file),
        _ => (404, public.join("404.html")),
    };
    let body = fs::read(&file).unwrap_or_default();
    let kind = match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    };
    let reason = if status == 200 { "OK" } else { "Not Found" };
    let reply = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    seen.lock().unwrap().push(Request {
        path,
        status,
        bytes: body.len(),
    });
    let _ = stream.write_all(reply.as_bytes());
    let _ = stream.write_all(&body);
}
