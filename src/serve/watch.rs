//! Watching the site's sources: file-system events become batches of changed paths,
//! debounced (`debounce`) so that an editor's save (temp file, rename, several events) is one
//! rebuild. Decides nothing about what to rebuild: the engine's inputs do.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use notify::{self, Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::content::is_ignored_name;
use crate::diagnostics::Diagnostic;
use crate::engine::inputs::SOURCE_DIRS;

/// How long a burst of events must be quiet before it is handed on. An editor's save is a
/// few events within a millisecond or two; every millisecond here is a millisecond the
/// browser waits.
const QUIET: Duration = Duration::from_millis(8);

/// The longest a batch gathers events before it is handed on anyway.
const LONGEST: Duration = Duration::from_millis(250);

/// A running watch: batches of changed paths arrive on `changes`.
pub struct SourceWatcher {
    watcher: RecommendedWatcher,
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
    let (raw_tx, raw) = channel();
    // Raw events, not a debouncer's merged ones: merging a rename with a save of its new
    // path that follows at once drops the old path, and the article would be served on.
    let sources: Vec<PathBuf> = SOURCE_DIRS
        .iter()
        .chain(&["config.toml"])
        .map(|d| root.join(d))
        .collect();
    let handler = move |result: notify::Result<Event>| {
        let Ok(event) = result else { return };
        // The kernel's queue overflowed and events were lost: read every source again.
        if event.need_rescan() {
            let _ = raw_tx.send(sources.clone());
            return;
        }
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        let paths: Vec<PathBuf> = event
            .paths
            .into_iter()
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| is_ignored_name(&n.to_string_lossy()))
            })
            .collect();
        if !paths.is_empty() {
            let _ = raw_tx.send(paths);
        }
    };
    let mut inner = notify::recommended_watcher(handler).map_err(fail)?;
    inner
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(fail)?;
    let (tx, rx) = channel();
    super::debounce::spawn(raw, tx, QUIET, LONGEST);
    let mut watcher = SourceWatcher {
        watcher: inner,
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
                    let _ = self.watcher.unwatch(&path);
                    self.watched.remove(dir);
                }
                continue;
            }
            if path.is_dir() {
                self.watcher
                    .watch(&path, RecursiveMode::Recursive)
                    .map_err(fail)?;
                self.watched.insert(dir);
                added.push(path);
            }
        }
        Ok(added)
    }
}

fn fail(e: notify::Error) -> Diagnostic {
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
    fn a_rename_then_a_save_of_the_new_name_reports_the_old_name_too() {
        let tmp = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(tmp.path()).unwrap();
        let dir = root.join("content/articles");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.md"), "old").unwrap();
        let watcher = watch(&root).unwrap();
        // `git mv a.md b.md` and an editor's save of b.md straight after.
        std::fs::rename(dir.join("a.md"), dir.join("b.md")).unwrap();
        std::fs::write(dir.join(".b.md.tmp"), "new").unwrap();
        std::fs::rename(dir.join(".b.md.tmp"), dir.join("b.md")).unwrap();
        let mut seen = Vec::new();
        while let Ok(batch) = watcher.changes.recv_timeout(Duration::from_millis(500)) {
            seen.extend(batch);
        }
        assert!(seen.contains(&dir.join("a.md")), "{seen:?}");
        assert!(seen.contains(&dir.join("b.md")), "{seen:?}");
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
