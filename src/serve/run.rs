//! `folio serve`: build in memory, serve it, and with `--watch` rebuild what each save
//! touches and tell the browser. Glue only: `Session` builds, `http` serves, `watch` watches.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::{Reload, Shared, Snapshot, start, watch};
use crate::diagnostics::{Diagnostic, display_path};
use crate::session::{Session, Update};
use crate::site::BuildOptions;

/// Everything `folio serve` was asked for.
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub watch: bool,
    pub open: bool,
    pub build: BuildOptions,
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
    let build = BuildOptions {
        cache_bust: false,
        ..opts.build.clone()
    };
    let mut session = Session::new(&opts.root, Some(url.clone()), build);
    let first = session.build_all();
    let built = first.is_ok();
    match first {
        Ok(update) => {
            shared.swap(snapshot_of(&session));
            shared.events.publish(Reload::Page);
            report.diagnostics(&update.warnings);
            report.line(&format!(
                "Built {} articles, {} files in {} ms",
                session.article_count(),
                session.output().len(),
                update.elapsed.as_millis()
            ));
        }
        Err(diags) if opts.watch => publish_failure(&shared, &diags, report),
        Err(diags) => {
            server.shutdown();
            return Err(diags);
        }
    }
    report.line(&format!("Serving {url} (Ctrl-C to stop)"));
    if opts.open {
        open_browser(&url, report);
    }
    let result = if opts.watch {
        watch_loop(&opts.root, &mut session, built, &shared, stop, report)
    } else {
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(())
    };
    server.shutdown();
    report.line("Stopped.");
    result
}

fn watch_loop(
    root: &Path,
    session: &mut Session,
    mut built: bool,
    shared: &Shared,
    stop: &AtomicBool,
    report: &dyn Reporter,
) -> Result<(), Vec<Diagnostic>> {
    let watcher = watch::watch(root).map_err(|d| vec![d])?;
    report.line("Watching content/, templates/, themes/, static/ and config.toml for changes");
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut paths) = watcher.changes.recv_timeout(Duration::from_millis(100)) else {
            continue;
        };
        // Several batches may be waiting (a tool writing many files): take them in one go.
        while let Ok(more) = watcher.changes.try_recv() {
            paths.extend(more);
        }
        match session.apply(&paths) {
            Ok(update) if update.changed.is_empty() && update.removed.is_empty() => {
                if shared.events.last_error().is_some() {
                    shared.events.publish(Reload::Page);
                }
            }
            Ok(update) if !built => {
                // The first good build after a failed start: replace the waiting page.
                built = true;
                shared.swap(snapshot_of(session));
                shared.events.publish(Reload::Page);
                report.line(&rebuild_line(root, &paths, &update));
            }
            Ok(update) => {
                shared.swap(apply_update(&shared.current(), &update));
                shared.events.publish(if update.css_only {
                    Reload::Css
                } else {
                    Reload::Page
                });
                report.diagnostics(&update.warnings);
                report.line(&rebuild_line(root, &paths, &update));
            }
            Err(diags) => publish_failure(shared, &diags, report),
        }
    }
    Ok(())
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
fn rebuild_line(root: &Path, paths: &[PathBuf], update: &Update) -> String {
    let first = paths
        .first()
        .map(|p| display_path(p.strip_prefix(root).unwrap_or(p)))
        .unwrap_or_default();
    let what = match paths.len() {
        1 => first,
        n => format!("{first} and {} more", n - 1),
    };
    format!(
        "Changed {what}: {} file{} written{} in {} ms",
        update.changed.len(),
        if update.changed.len() == 1 { "" } else { "s" },
        if update.removed.is_empty() {
            String::new()
        } else {
            format!(", {} removed", update.removed.len())
        },
        update.elapsed.as_millis()
    )
}

fn snapshot_of(session: &Session) -> Snapshot {
    let mut snapshot = Snapshot::new();
    for (path, bytes) in session.output() {
        snapshot.insert(path, bytes.to_vec());
    }
    snapshot
}

fn apply_update(current: &Snapshot, update: &Update) -> Snapshot {
    let mut next = current.clone();
    for (path, bytes) in &update.changed {
        next.insert(path, bytes.to_vec());
    }
    for path in &update.removed {
        next.remove(path);
    }
    next
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
