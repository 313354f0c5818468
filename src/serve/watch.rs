//! Watching the site's sources: file-system events become batches of changed paths,
//! debounced so that an editor's save (temp file, rename, several events) is one rebuild.
//! Decides nothing about what to rebuild: the engine's inputs do.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::content::is_ignored_name;
use crate::diagnostics::Diagnostic;
use crate::engine::inputs::SOURCE_DIRS;

/// How long a burst of events must be quiet before it is handed on. An editor's save is a
/// few events within a millisecond or two; every millisecond here is a millisecond the
/// browser waits.
const QUIET: Duration = Duration::from_millis(8);

/// A running watch: batches of changed paths arrive on `changes`.
pub struct SourceWatcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    /// The site folder, absolute with links resolved (events carry paths under it).
    root: PathBuf,
    /// Source folders watched recursively so far.
    watched: BTreeSet<&'static str>,
    pub changes: Receiver<Vec<PathBuf>>,
}

/// Start watching `root` (absolute, links resolved): its source folders recursively, and the
/// root itself (for `config.toml` and source folders created later) without descending into
/// `public/` or `target/`.
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
    let mut debouncer = new_debouncer(QUIET, Some(QUIET / 4), handler).map_err(fail)?;
    debouncer
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(fail)?;
    let mut watcher = SourceWatcher {
        debouncer,
        root: root.to_path_buf(),
        watched: BTreeSet::new(),
        changes: rx,
    };
    watcher.watch_new_folders()?;
    Ok(watcher)
}

impl SourceWatcher {
    /// Watch every source folder that exists and is not watched yet (one created since the
    /// last call); returns the folders newly watched, which the caller should read again in
    /// full, since files written before the watch began sent no events.
    pub fn watch_new_folders(&mut self) -> Result<Vec<PathBuf>, Diagnostic> {
        let mut added = Vec::new();
        for dir in SOURCE_DIRS {
            let path = self.root.join(dir);
            if self.watched.contains(dir) {
                if !path.is_dir() {
                    // Deleted: inotify dropped the watch; watch again once it is back.
                    let _ = self.debouncer.unwatch(&path);
                    self.watched.remove(dir);
                }
                continue;
            }
            if path.is_dir() {
                self.debouncer
                    .watch(&path, RecursiveMode::Recursive)
                    .map_err(fail)?;
                self.watched.insert(dir);
                added.push(path);
            }
        }
        Ok(added)
    }
}

fn fail(e: notify_debouncer_full::notify::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot watch the site for changes: {e}"))
        .help("on Linux, raise the inotify limit: sysctl fs.inotify.max_user_watches=524288")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_save_by_rename_arrives_as_one_batch_without_temp_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(tmp.path()).unwrap();
        std::fs::create_dir_all(root.join("content/articles")).unwrap();
        let watcher = watch(&root).unwrap();
        let target = root.join("content/articles/a.md");
        let temp = root.join("content/articles/.a.md.swp");
        std::fs::write(&temp, "draft").unwrap();
        std::fs::rename(&temp, &target).unwrap();
        let batch = watcher
            .changes
            .recv_timeout(Duration::from_secs(10))
            .unwrap();
        assert!(batch.iter().any(|p| p.ends_with("a.md")), "{batch:?}");
        assert!(!batch.iter().any(|p| p.ends_with(".a.md.swp")), "{batch:?}");
    }

    #[test]
    fn a_source_folder_created_later_is_watched() {
        let tmp = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(tmp.path()).unwrap();
        let mut watcher = watch(&root).unwrap();
        std::fs::create_dir_all(root.join("templates")).unwrap();
        let first = watcher
            .changes
            .recv_timeout(Duration::from_secs(10))
            .unwrap();
        assert!(first.iter().any(|p| p.ends_with("templates")), "{first:?}");
        assert_eq!(
            watcher.watch_new_folders().unwrap(),
            [root.join("templates")]
        );
        std::fs::write(root.join("templates/base.html"), "x").unwrap();
        let batch = watcher
            .changes
            .recv_timeout(Duration::from_secs(10))
            .unwrap();
        assert!(batch.iter().any(|p| p.ends_with("base.html")), "{batch:?}");
    }
}
