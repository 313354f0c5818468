//! Watching the site's sources: file-system events become batches of changed paths,
//! debounced so that an editor's save (temp file, rename, several events) is one rebuild.
//! Decides nothing about what to rebuild: `Session::apply` does.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::content::is_ignored_name;
use crate::diagnostics::Diagnostic;

/// How long a burst of events must be quiet before it is handed on.
const QUIET: Duration = Duration::from_millis(30);

/// The folders under the site root whose changes matter (watched recursively).
pub const WATCHED: &[&str] = &["content", "templates", "themes", "static"];

/// A running watch: batches of changed paths arrive on `changes`.
pub struct SourceWatcher {
    _debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    pub changes: Receiver<Vec<PathBuf>>,
}

/// Start watching `root`: its source folders recursively, and the root itself (for
/// `config.toml` and folders created later) without descending into `public/` or `target/`.
pub fn watch(root: &Path) -> Result<SourceWatcher, Diagnostic> {
    let (tx, rx) = channel();
    let handler = move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let mut paths: Vec<PathBuf> = events
            .into_iter()
            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
            .flat_map(|e| e.event.paths)
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| is_ignored_name(&n.to_string_lossy()))
            })
            .collect();
        paths.sort();
        paths.dedup();
        if !paths.is_empty() {
            let _ = tx.send(paths);
        }
    };
    let fail = |e: notify_debouncer_full::notify::Error| {
        Diagnostic::error(format!("cannot watch the site for changes: {e}"))
            .help("on Linux, raise the inotify limit: sysctl fs.inotify.max_user_watches=524288")
    };
    let mut debouncer = new_debouncer(QUIET, Some(QUIET / 3), handler).map_err(fail)?;
    debouncer
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(fail)?;
    for dir in WATCHED {
        let path = root.join(dir);
        if path.is_dir() {
            debouncer
                .watch(&path, RecursiveMode::Recursive)
                .map_err(fail)?;
        }
    }
    Ok(SourceWatcher {
        _debouncer: debouncer,
        changes: rx,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_save_by_rename_arrives_as_one_batch_without_temp_files() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("content/articles")).unwrap();
        let watcher = watch(tmp.path()).unwrap();
        let target = tmp.path().join("content/articles/a.md");
        let temp = tmp.path().join("content/articles/.a.md.swp");
        std::fs::write(&temp, "draft").unwrap();
        std::fs::rename(&temp, &target).unwrap();
        let batch = watcher
            .changes
            .recv_timeout(Duration::from_secs(10))
            .unwrap();
        assert!(batch.iter().any(|p| p.ends_with("a.md")), "{batch:?}");
        assert!(!batch.iter().any(|p| p.ends_with(".a.md.swp")), "{batch:?}");
    }
}
