//! `folio serve`: build in memory, serve it, and with `--watch` rebuild what each save
//! touches and tell the browser. Glue only: `rebuild` builds, `http` serves, `watch` watches.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::rebuild::{Outcome, Rebuilder, Rebuilt};
use super::watch::SourceWatcher;
use super::{Reload, Shared, Snapshot, start, watch};
use crate::diagnostics::{Diagnostic, display_path};
use crate::engine::model::BuildOptions;
use crate::engine::{CacheUse, Settings};

/// Everything `folio serve` was asked for.
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub watch: bool,
    pub open: bool,
    pub build: BuildOptions,
    /// Where made files are kept between builds; `None`: the default.
    pub cache_dir: Option<PathBuf>,
    pub cache: CacheUse,
}

/// Where `run` reports to (the terminal in `main`, a buffer in tests).
pub trait Reporter: Sync {
    fn line(&self, text: &str);
    fn diagnostics(&self, diags: &[Diagnostic]);
}

/// Serve until `stop` is set. Fails only if the server cannot start, or if the first build
/// fails without `--watch` (with `--watch`, fixing the files recovers).
pub fn run(
    opts: ServeOptions,
    stop: &AtomicBool,
    report: &dyn Reporter,
) -> Result<(), Vec<Diagnostic>> {
    // Events carry absolute paths with links resolved: so must the root they are compared to.
    let root = std::fs::canonicalize(&opts.root).map_err(|e| {
        vec![
            Diagnostic::error(format!(
                "cannot open the site folder `{}`: {e}",
                display_path(&opts.root)
            ))
            .help("run `folio serve` inside the site's folder, or pass it with --root"),
        ]
    })?;
    // Until the first build succeeds every request gets a page that waits for it (and shows
    // the build's error), so a browser that is already open never gets stuck on a bare 404.
    let shared = Arc::new(Shared::new(waiting_snapshot()));
    let server = start(SocketAddr::new(opts.bind, opts.port), shared.clone()).map_err(|e| {
        vec![
            Diagnostic::error(format!("cannot listen on {}:{}: {e}", opts.bind, opts.port))
                .help("is another server using this port? choose another with --port"),
        ]
    })?;
    let host = if opts.bind.is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        url_host(opts.bind)
    };
    let url = format!("http://{host}:{}/", server.addr.port());
    if !opts.bind.is_loopback() {
        report.line(&format!(
            "warning: serving on {} makes the preview reachable from other machines",
            opts.bind
        ));
    }
    // The watch starts before the first build, so a save made while it runs is not lost.
    let watcher = match opts.watch {
        true => Some(watch::watch(&root).map_err(|d| vec![d])?),
        false => None,
    };
    let settings = Settings {
        base_url: Some(url.clone()),
        options: BuildOptions {
            cache_bust: false,
            ..opts.build.clone()
        },
        cache_dir: opts.cache_dir.clone(),
        cache: opts.cache,
    };
    let mut live = Live {
        rebuilder: Rebuilder::new(&root, settings),
        root,
        shared: &shared,
        report,
        failed: false,
    };
    let first = live.rebuilder.rebuild(&[], shared.current());
    match first {
        Outcome::Failed(diags) if !opts.watch => {
            server.shutdown();
            return Err(diags);
        }
        outcome => live.publish(outcome, &[]),
    }
    report.line(&format!("Serving {url} (Ctrl-C to stop)"));
    if opts.open {
        open_browser(&url, report);
    }
    let result = match watcher {
        Some(watcher) => live.watch(watcher, stop),
        None => {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
            }
            Ok(())
        }
    };
    server.shutdown();
    report.line("Stopped.");
    result
}

/// The served site and how it is kept up to date.
struct Live<'a> {
    rebuilder: Rebuilder,
    root: PathBuf,
    shared: &'a Shared,
    report: &'a dyn Reporter,
    /// The last build failed (so the next good one says it is fixed).
    failed: bool,
}

impl Live<'_> {
    fn watch(
        &mut self,
        mut watcher: SourceWatcher,
        stop: &AtomicBool,
    ) -> Result<(), Vec<Diagnostic>> {
        self.report
            .line("Watching content/, templates/, themes/, static/ and config.toml for changes");
        while !stop.load(Ordering::Relaxed) {
            let Ok(mut paths) = watcher.changes.recv_timeout(Duration::from_millis(100)) else {
                continue;
            };
            // Several batches may be waiting (a tool writing many files): take them in one go.
            while let Ok(more) = watcher.changes.try_recv() {
                paths.extend(more);
            }
            // A source folder made since the start: watch it, and read it whole.
            paths.extend(watcher.watch_new_folders().map_err(|d| vec![d])?);
            let outcome = self.rebuilder.rebuild(&paths, self.shared.current());
            self.publish(outcome, &paths);
        }
        Ok(())
    }

    /// Serve a good build and reload the browsers, or show a failed one's errors.
    fn publish(&mut self, outcome: Outcome, paths: &[PathBuf]) {
        match outcome {
            Outcome::Unchanged => {}
            Outcome::Built(rebuilt) => {
                let first = self.shared.current().get("index.html").is_none();
                let Rebuilt {
                    snapshot,
                    delta,
                    articles,
                    elapsed,
                    warnings,
                } = *rebuilt;
                let files = snapshot.len();
                self.shared.swap(snapshot);
                self.report.diagnostics(&warnings);
                if self.failed {
                    self.failed = false;
                    self.report.line("Fixed: the site builds again");
                }
                if first || paths.is_empty() {
                    self.shared.events.publish(Reload::Page);
                    self.report.line(&format!(
                        "Built {articles} articles, {files} files in {} ms",
                        elapsed.as_millis()
                    ));
                    return;
                }
                if delta.is_empty() {
                    // Nothing served changed; a browser showing an error overlay still needs
                    // to hear that the site builds.
                    if self.shared.events.last_error().is_some() {
                        self.shared.events.publish(Reload::Page);
                    }
                } else {
                    self.shared.events.publish(match delta.css_only() {
                        true => Reload::Css,
                        false => Reload::Page,
                    });
                }
                self.report.line(&rebuild_line(
                    &self.root,
                    paths,
                    delta.changed.len(),
                    delta.removed.len(),
                    elapsed,
                ));
            }
            Outcome::Failed(diags) => {
                self.failed = true;
                publish_failure(self.shared, &diags, self.report);
            }
        }
    }
}

fn publish_failure(shared: &Shared, diags: &[Diagnostic], report: &dyn Reporter) {
    report.diagnostics(diags);
    let text: Vec<String> = diags.iter().map(Diagnostic::render_plain).collect();
    shared.events.publish(Reload::Error(text.join("\n")));
    if shared.current().get("index.html").is_some() {
        report.line("Build failed: still serving the last good site");
    } else {
        report.line("Build failed: fix the file and save; the browser will reload");
    }
}

/// What is served before the first good build: a page that the live-reload script turns
/// into the site (on `reload`) or into the error overlay (on `error`).
fn waiting_snapshot() -> Snapshot {
    let mut snapshot = Snapshot::new();
    snapshot.insert(
        "404.html",
        b"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Building\xe2\x80\xa6</title></head>\n<body><p>folio is building the site; this page reloads when it is ready.</p></body></html>\n".to_vec(),
    );
    snapshot
}

/// One line per rebuild: what changed, how many files were written, how long it took.
fn rebuild_line(
    root: &Path,
    paths: &[PathBuf],
    changed: usize,
    removed: usize,
    elapsed: Duration,
) -> String {
    let first = paths
        .first()
        .map(|p| display_path(p.strip_prefix(root).unwrap_or(p)))
        .unwrap_or_default();
    let what = match paths.len() {
        1 => first,
        n => format!("{first} and {} more", n - 1),
    };
    format!(
        "Changed {what}: {changed} file{} written{} in {} ms",
        if changed == 1 { "" } else { "s" },
        if removed == 0 {
            String::new()
        } else {
            format!(", {removed} removed")
        },
        elapsed.as_millis()
    )
}

fn url_host(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

fn open_browser(url: &str, report: &dyn Reporter) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        report.line(&format!(
            "could not start a browser ({opener}); open {url} yourself"
        ));
    }
}
