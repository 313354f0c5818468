//! Sequences of edits saved while the real server runs: after each, the server must settle
//! on exactly what a build from scratch makes, or report exactly its errors while still
//! serving the last good site.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use folio::engine::Settings;
use folio::engine::model::BuildOptions;
use folio::output::memory::Snapshot;
use folio::serve::livereload::inject_script;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::client::{self, KeepAlive};
use crate::disk::{Disk, Style};
use crate::edits::{self, Edit, Leftover, Step};
use crate::events::{Event, subscribe};
use crate::new_site;
use crate::scratch;
use crate::server::Server;
use crate::site::SiteModel;

/// How long the server may take to settle after a save (a debug build on a loaded machine).
pub const SETTLES_WITHIN: Duration = Duration::from_secs(20);

/// The site `serve` should show for the files now on disk: built from scratch through the
/// library with `serve`'s settings, or the errors such a build gives.
pub fn reference(root: &Path, url: &str) -> Result<Snapshot, String> {
    let settings = Settings {
        base_url: Some(url.to_string()),
        options: BuildOptions {
            drafts: false,
            future: false,
            now: jiff::Timestamp::now(),
            cache_bust: false,
        },
        cache_dir: None,
        cache: Default::default(),
    };
    scratch::build(root, settings).map(|(site, _)| site)
}

/// How what the server answers differs from `expected` (pages with the live-reload script
/// put in, as the server does), and which `gone` paths it still serves.
pub fn served_differences(
    server: &Server,
    expected: &Snapshot,
    gone: &BTreeSet<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut http = KeepAlive::new(server.addr);
    for path in expected.paths() {
        let Some(file) = expected.get(path) else {
            continue;
        };
        let want: Vec<u8> = match file.content_type.starts_with("text/html") {
            true => inject_script(&file.bytes),
            false => file.bytes.to_vec(),
        };
        match http.get(&format!("/{path}")) {
            Ok(reply) if reply.status == 200 && reply.body == want => {}
            Ok(reply) => problems.push(format!(
                "{path}: status {}, {}",
                reply.status,
                first_difference(&reply.body, &want)
            )),
            Err(e) => {
                problems.push(format!("{path}: {e}"));
                http = KeepAlive::new(server.addr);
            }
        }
    }
    for path in gone.iter().filter(|p| expected.get(p).is_none()) {
        let status = client::get(server.addr, &format!("/{path}")).status;
        if status != 404 {
            problems.push(format!("{path}: status {status} for a file that is gone"));
        }
    }
    problems
}

/// Where two bodies part, with a little of each.
fn first_difference(served: &[u8], want: &[u8]) -> String {
    let at = served.iter().zip(want).take_while(|(a, b)| a == b).count();
    let show = |b: &[u8]| {
        String::from_utf8_lossy(&b[at.saturating_sub(40)..(at + 80).min(b.len())]).into_owned()
    };
    format!(
        "differs at byte {at}:\n    served:   {:?}\n    expected: {:?}",
        show(served),
        show(want)
    )
}

/// Wait for an `error` event carrying exactly `errors`; the last events seen if none comes.
fn wait_for_error(events: &Receiver<Event>, errors: &str) -> Result<(), String> {
    let deadline = Instant::now() + SETTLES_WITHIN;
    let mut seen = Vec::new();
    while let Ok(event) = events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        if event.0 == "error" && event.1 == errors {
            return Ok(());
        }
        seen.push(event);
    }
    Err(format!(
        "no error event with the expected errors; events seen: {seen:#?}"
    ))
}

/// A server under test, with what the test knows so far.
struct Session {
    server: Server,
    url: String,
    events: Receiver<Event>,
    /// The steps so far, for failure reports.
    log: String,
    /// Every path any good build has had (a path gone from the site must be a 404).
    ever: BTreeSet<String>,
    last_good: Snapshot,
    /// The last step's errors, if it failed.
    failing: Option<String>,
}

impl Session {
    fn fail(&self, why: &str) -> ! {
        panic!(
            "{why}\n\nsteps:\n{}\nserver log:\n{}",
            self.log,
            self.server.log()
        )
    }

    /// Wait until the server serves `site`.
    fn settle_on(&mut self, n: usize, site: Snapshot) {
        let what = format!(
            "after step {n}, serving a build from scratch\n\nsteps:\n{}",
            self.log
        );
        let ever = &self.ever;
        self.server.wait_until(&what, SETTLES_WITHIN, |server| {
            let problems = served_differences(server, &site, ever);
            match problems.is_empty() {
                true => Ok(()),
                false => Err(problems.join("\n")),
            }
        });
        self.ever.extend(site.paths().map(String::from));
        self.last_good = site;
        self.failing = None;
    }

    /// Wait until the server reports `errors`, and check it still serves the last good site.
    fn fails_with(&mut self, n: usize, errors: String) {
        // A file saved again unchanged changes nothing, and nothing is reported again.
        if self.failing.as_ref() != Some(&errors)
            && let Err(why) = wait_for_error(&self.events, &errors)
        {
            self.fail(&format!(
                "after step {n} the build should fail with:\n{errors}\n{why}"
            ));
        }
        let problems = served_differences(&self.server, &self.last_good, &self.ever);
        if !problems.is_empty() {
            self.fail(&format!(
                "after the failed step {n} the last good site is not served:\n{}",
                problems.join("\n")
            ));
        }
        self.failing = Some(errors);
    }
}

/// Run `steps` against `folio serve --watch` started inside a fresh site with no `--root`.
pub fn run(steps: &[Step]) {
    let (_tmp, root) = new_site();
    let server = Server::start_in(&root, &[] as &[&str]);
    let url = format!("http://{}/", server.addr);
    let last_good = reference(&root, &url).expect("the starting site builds");
    let mut session = Session {
        events: subscribe(server.addr),
        server,
        url,
        log: String::new(),
        ever: last_good.paths().map(String::from).collect(),
        last_good,
        failing: None,
    };
    let mut model = SiteModel::initial();
    for (n, step) in steps.iter().enumerate() {
        // A step that failed as the one before it did was not waited for (no new error to
        // see): let its rebuild finish, so it is not taken for this step's.
        std::thread::sleep(Duration::from_millis(150));
        // Events of earlier steps are not what this step waits for.
        while session.events.try_recv().is_ok() {}
        let rebuilds_before = rebuilds(&session.server);
        let mut disk = Disk::new(&root, step.style);
        let applied = crate::apply::apply(&mut model, &mut disk, step);
        let (what, touched) = (&applied.what, disk.touched());
        let _ = writeln!(session.log, "{n:>2}. {what} [{:?}] {touched:?}", step.style);
        match reference(&root, &session.url) {
            Ok(site) => session.settle_on(n, site),
            Err(errors) => session.fails_with(n, errors),
        }
        if applied.leftover_only {
            std::thread::sleep(Duration::from_millis(300));
            if rebuilds(&session.server) != rebuilds_before {
                session.fail(&format!(
                    "an editor leftover made the server rebuild (step {n})"
                ));
            }
        }
    }
    // Nothing arrives late: a moment on, the site is the same.
    std::thread::sleep(Duration::from_millis(500));
    let problems = served_differences(&session.server, &session.last_good, &session.ever);
    if !problems.is_empty() {
        session.fail(&format!(
            "the served site changed after settling:\n{}",
            problems.join("\n")
        ));
    }
    let expected = match &session.failing {
        Some(errors) => Err(errors.clone()),
        None => Ok(&session.last_good),
    };
    compare_with_folio_build(&root, &session.url, expected);
}

/// How many rebuilds the server has reported, good or failed.
fn rebuilds(server: &Server) -> usize {
    let log = server.log();
    log.matches("Changed ").count() + log.matches("Build failed").count()
}

/// `folio build --base-url URL`, run inside the site, writes the served site except for the
/// `?h=` content hashes `build` adds to asset URLs; or fails like the served site.
fn compare_with_folio_build(root: &Path, url: &str, expected: Result<&Snapshot, String>) {
    let out = tempfile::tempdir().expect("output folder");
    let output = assert_cmd::Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["build", "--base-url", url, "--output"])
        .arg(out.path().join("public"))
        .current_dir(root)
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run folio build");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected = match expected {
        Ok(site) => site,
        Err(_) => {
            assert_eq!(
                output.status.code(),
                Some(1),
                "folio build should fail too:\n{stderr}"
            );
            return;
        }
    };
    assert!(output.status.success(), "folio build failed:\n{stderr}");
    let mut built = BTreeSet::new();
    for entry in walkdir::WalkDir::new(out.path().join("public")) {
        let entry = entry.expect("walk the output");
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(out.path().join("public"))
            .expect("inside")
            .to_string_lossy()
            .replace('\\', "/");
        // The mark that makes the folder folio's output is no page of the site.
        if rel == folio::output::disk::MARK {
            continue;
        }
        let bytes = std::fs::read(entry.path()).expect("read output");
        let served = expected.get(&rel).map(|f| f.bytes.to_vec());
        assert_eq!(
            served.map(|b| without_hashes(&b)),
            Some(without_hashes(&bytes)),
            "{rel}: folio build and folio serve disagree"
        );
        built.insert(rel);
    }
    let served: BTreeSet<String> = expected.paths().map(String::from).collect();
    assert_eq!(
        built, served,
        "folio build and folio serve write different files"
    );
}

/// `bytes` with every `?h=` followed by 8 hex digits removed (the cache-busting hash).
fn without_hashes(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hash = bytes[i..].starts_with(b"?h=")
            && bytes.len() >= i + 11
            && bytes[i + 3..i + 11].iter().all(u8::is_ascii_hexdigit);
        if hash {
            i += 11;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// `len` steps drawn from the model-based test's strategy with a fixed seed.
pub fn seeded(seed: u8, len: usize) -> Vec<Step> {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    edits::steps(len)
        .new_tree(&mut runner)
        .expect("a sequence")
        .current()
}

/// One of each way of saving, on the kinds of files a writer touches most.
pub fn by_hand() -> Vec<Step> {
    let step = |edit, style| Step { edit, style };
    vec![
        step(Edit::Body { which: 0, seed: 9 }, Style::Vim),
        step(
            Edit::Leftover {
                kind: Leftover::VimSwap,
                dir: 0,
            },
            Style::Vim,
        ),
        step(
            Edit::AddArticle {
                name: 4,
                folder: true,
                seed: 3,
            },
            Style::Atomic,
        ),
        step(
            Edit::Config(edits::ConfigChange::SmartPunctuation(false)),
            Style::InPlace,
        ),
        step(
            Edit::Template {
                which: 1,
                change: 3,
            },
            Style::Atomic,
        ),
        step(
            Edit::Template {
                which: 1,
                change: 0,
            },
            Style::Vim,
        ),
        step(
            Edit::Static {
                which: 4,
                remove: false,
                seed: 7,
            },
            Style::Atomic,
        ),
        step(
            Edit::Leftover {
                kind: Leftover::EmacsLock,
                dir: 0,
            },
            Style::InPlace,
        ),
        step(
            Edit::RenameArticle {
                which: 2,
                name: 5,
                folder: true,
            },
            Style::InPlace,
        ),
        step(Edit::TemplatesFolder { action: 1 }, Style::Atomic),
    ]
}
