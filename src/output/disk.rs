//! Putting the site on disk: everything goes into a staging folder beside the output, which
//! replaces the output only once the whole build succeeded and is flushed to disk. A failed
//! or killed build leaves the previous output exactly as it was. Only a folder folio wrote
//! is replaced (`ownership`), and a linked output is replaced at its target (`place`).
//! Staging folders and old outputs that killed builds left beside it go first (`leftovers`).
//!
//! A file the previous output already holds as this build would make it (`manifest`) is
//! hard-linked into the staging folder rather than written: a warm build writes only what
//! changed. The tree the swap moves out is kept in the cache folder and becomes the next
//! build's staging folder (`recycle`), so folders are neither removed nor made again.

mod durable;
mod folders;
mod leftovers;
mod manifest;
mod ownership;
mod place;
mod recycle;
mod status;
mod target;

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use super::{Contents, Sink};
use crate::diagnostics::Diagnostic;
use crate::key::Key;
pub use leftovers::clean_leftovers;
use leftovers::{OLD_MARK, STAGING_MARK, parent_of, remove_leftovers};
pub use manifest::{Manifest, prune_stale as prune_stale_outputs};
pub use ownership::MARK;
pub use target::check_target;

/// A build's output in progress.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    /// Where the output's manifest is kept, and what it held (see `remember`).
    manifest: Option<(PathBuf, Manifest)>,
    /// Every file put in the staging folder, for the next build's manifest.
    made: Mutex<Vec<(String, manifest::Entry)>>,
    /// The output before last, when the staging folder started as it (`recycle`).
    recycled: Option<recycle::Recycled>,
    /// The staging folder, opened at the first look: files in it are looked at from there.
    folder: OnceLock<status::Folder>,
}

/// The previous output, moved aside by `commit`: removed while the build reports.
#[must_use = "the previous output stays on disk until removed"]
pub struct Previous(Option<PathBuf>);

impl Previous {
    /// Remove the previous output now.
    pub fn remove(self) {
        if let Some(dir) = self.0 {
            let _ = fs::remove_dir_all(dir);
        }
    }

    /// Remove it on another thread; join the handle before the process ends (a build
    /// killed meanwhile leaves it to the next build, which removes such leftovers first).
    pub fn remove_in_background(self) -> std::thread::JoinHandle<()> {
        std::thread::spawn(move || self.remove())
    }
}

impl Staging {
    /// Create a fresh staging folder for `target` (beside the folder a linked `target` leads
    /// to), first removing any left by builds that were killed.
    pub fn create(target: &Path) -> Result<Staging, Diagnostic> {
        let target = place::resolve(target)
            .map_err(|e| Diagnostic::io(target, "find the output folder", &e))?;
        let parent = parent_of(&target);
        fs::create_dir_all(&parent)
            .map_err(|e| Diagnostic::io(&parent, "create the output's folder", &e))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        remove_leftovers(&parent, &name);
        let dir = parent.join(format!(".{name}{STAGING_MARK}{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)
                .map_err(|e| Diagnostic::io(&dir, "clear the staging folder", &e))?;
        }
        fs::create_dir(&dir).map_err(|e| Diagnostic::io(&dir, "create the staging folder", &e))?;
        Ok(Staging {
            folder: OnceLock::new(),
            dir,
            target,
            manifest: None,
            made: Mutex::new(Vec::new()),
            recycled: None,
        })
    }

    /// Keep the output's manifest in `cache_dir`, and reuse the files of the previous output
    /// that it vouches for; start from the output before last, kept there by the build
    /// before (`recycle`).
    pub fn remember(self, cache_dir: &Path) -> Staging {
        let file = manifest::file_for(cache_dir, &self.target);
        let previous = Manifest::load(&file);
        // This build records about as many files as the last one did.
        self.made
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .reserve(previous.len());
        // The tree before last holds about as many files as the last manifest lists.
        let recycled = recycle::take(&recycle::generation_of(&file), &self.dir, previous.len());
        Staging {
            manifest: Some((file, previous)),
            recycled,
            ..self
        }
    }

    /// The staging folder, opened on first use: after `remember`, whose `take` may have put
    /// another folder at the staging folder's name.
    fn folder(&self) -> &status::Folder {
        self.folder.get_or_init(|| status::Folder::open(&self.dir))
    }

    /// How many folders right under the output's root the recycled tree's record vouched
    /// for, so they were not read (for `FOLIO_TIMINGS`).
    pub fn vouched(&self) -> usize {
        self.recycled.as_ref().map_or(0, recycle::Recycled::vouched)
    }

    /// The file of the output's manifest in the cache folder, if the build keeps one.
    pub fn manifest_file(&self) -> Option<&Path> {
        self.manifest.as_ref().map(|(file, _)| file.as_path())
    }

    /// Link the previous output's `rel` into the staging folder when `entry` (from the
    /// manifest, or `entry` with a new key) still describes it; whether it did.
    fn reuse(&self, rel: &str, entry: &manifest::Entry, key: Key) -> bool {
        if !inside(rel) {
            return false;
        }
        if let Some(recycled) = &self.recycled {
            recycled.touch(rel);
            // Already the very file the entry describes (same inode: a link to the current
            // output's file), unchanged since: one look, not two.
            if self.folder().status(rel).is_ok_and(|s| entry.describes(&s)) {
                self.record(
                    rel,
                    manifest::Entry {
                        key,
                        ..entry.clone()
                    },
                );
                return true;
            }
        }
        let (old, new) = (self.target.join(rel), self.dir.join(rel));
        if !entry.matches(&old) {
            return false;
        }
        if let Some(recycled) = &self.recycled {
            recycled.changed(rel);
            let _ = fs::remove_file(&new);
        }
        let linked = self.make_way(&new).is_ok() && fs::hard_link(&old, &new).is_ok();
        if linked {
            self.record(
                rel,
                manifest::Entry {
                    key,
                    ..entry.clone()
                },
            );
        }
        linked
    }

    fn previous(&self, rel: &str) -> Option<&manifest::Entry> {
        self.manifest.as_ref().and_then(|(_, m)| m.get(rel))
    }

    fn record(&self, rel: &str, entry: manifest::Entry) {
        if self.manifest.is_some() {
            self.made
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((rel.to_string(), entry));
        }
    }

    /// Record the file just put at `rel`.
    fn record_new(&self, rel: &str, key: Key, bytes: Option<Key>) {
        if self.manifest.is_some()
            && inside(rel)
            && let Ok(status) = self.folder().status(rel)
        {
            self.record(rel, manifest::Entry::of_status(key, bytes, status));
        }
    }

    /// A new file at `rel` in the staging folder, its folder made. Whatever was there is
    /// removed first: it may be a link to the previous output, which must never be written
    /// through.
    fn new_file(&self, rel: &str) -> Result<PathBuf, Diagnostic> {
        let path = self.path_of(rel)?;
        if let Some(recycled) = &self.recycled {
            recycled.touch(rel);
            recycled.changed(rel);
        }
        self.make_way(&path)
            .map_err(|e| Diagnostic::io(Path::new(rel), "create folder for", &e))?;
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(Diagnostic::io(&self.target.join(rel), "replace", &e))
            }
            _ => Ok(path),
        }
    }

    /// Make the folder of `path`; in a recycled staging folder, also clear what stands in
    /// its way.
    fn make_way(&self, path: &Path) -> io::Result<()> {
        match (&self.recycled, path.parent()) {
            (Some(_), _) => recycle::clear_way(&self.dir, path),
            (None, Some(parent)) => fs::create_dir_all(parent),
            (None, None) => Ok(()),
        }
    }

    /// Write `bytes` at `rel` (a `/`-separated path inside the output).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let failed = |e| Diagnostic::io(&self.target.join(rel), "write", &e);
        if self.overwrite(rel, bytes).map_err(failed)? {
            return Ok(());
        }
        let path = self.new_file(rel)?;
        durable::write(&path, bytes).map_err(failed)
    }

    /// Write `bytes` over the recycled tree's own file at `rel`, when it holds one that
    /// nothing else links to (not the previous output's, not the cache's): a page that
    /// changed keeps its inode and blocks instead of being removed and made again. Whether
    /// it did.
    fn overwrite(&self, rel: &str, bytes: &[u8]) -> io::Result<bool> {
        let Some(recycled) = self.recycled.as_ref().filter(|r| r.holds(rel)) else {
            return Ok(false);
        };
        recycled.touch(rel);
        recycled.changed(rel);
        durable::overwrite_sole(&self.dir.join(rel), bytes)
    }

    /// Copy the file `from` to `rel` inside the output.
    pub fn copy(&self, from: &Path, rel: &str) -> Result<(), Diagnostic> {
        let path = self.new_file(rel)?;
        durable::copy(from, &path).map_err(|e| {
            // A source that vanished is the writer's file to fix; otherwise the output failed.
            if from.exists() {
                Diagnostic::io(&self.target.join(rel), "write (copying a static file)", &e)
            } else {
                Diagnostic::io(&shown(from), "read (it vanished during the build)", &e)
            }
        })
    }

    /// Put the cache entry `from` at `rel` as a hard link: no bytes copied, and deleting the
    /// output later frees nothing but names. Cache entries never change once written (a new
    /// version is a new entry), so the link is as good as a copy. Copies where a link cannot
    /// be made (another file system).
    pub fn link(&self, from: &Path, rel: &str) -> Result<(), Diagnostic> {
        let path = self.new_file(rel)?;
        match fs::hard_link(from, &path) {
            Ok(()) => Ok(()),
            Err(_) => self.copy(from, rel),
        }
    }

    fn path_of(&self, rel: &str) -> Result<PathBuf, Diagnostic> {
        if !inside(rel) {
            return Err(Diagnostic::error(format!(
                "refusing to write outside the output: `{rel}`"
            )));
        }
        Ok(self.dir.join(rel))
    }

    /// Mark the staging folder as folio's, flush it to disk, and swap it in as the output,
    /// in one atomic step where the system allows (Linux `RENAME_EXCHANGE`): there is no
    /// moment without an output, even if the build is killed. Elsewhere the old output is
    /// moved aside first and put back if the swap fails. The old output's kept entries
    /// (`ownership`) move into the new one just before the swap. Then the manifest of the
    /// new output is kept. Returns the previous output, for the caller to remove.
    pub fn commit(self) -> Result<Previous, Diagnostic> {
        let mut record = None;
        // Through `put`, so a mark like the last one is linked, not written.
        let sealed = ownership::mark_text(&self.dir)
            .map_err(|e| Diagnostic::io(&self.target, "list the new output's dot files", &e))
            .and_then(|text| {
                let key = Key::of("output mark", &text);
                self.put(MARK, key, Contents::Bytes(text.into_bytes()))
            })
            .and_then(|()| match &self.recycled {
                Some(recycled) => recycled.prune(&self.dir).map_err(|e| {
                    Diagnostic::io(&self.target, "remove what the new output no longer has", &e)
                }),
                None => Ok(()),
            })
            .and_then(|()| {
                // The folders are looked at while the disk flushes: nothing changes them now.
                let (flushed, made) = std::thread::scope(|s| {
                    let made = s.spawn(|| self.record_folders());
                    (durable::flush_tree(&self.dir), made.join().ok().flatten())
                });
                record = made;
                flushed
                    .map_err(|e| Diagnostic::io(&self.target, "flush the new output to disk", &e))
            });
        let kept = match sealed.and_then(|()| self.carry_kept()) {
            Ok(kept) => kept,
            Err(d) => {
                let _ = fs::remove_dir_all(&self.dir);
                return Err(d);
            }
        };
        let result = self.swap();
        // A kept entry that could not go back stays in the staging folder, which the next
        // build then puts back (`ownership::rescue`) instead of deleting it.
        if result.is_err() && ownership::give_back(&self.dir, &self.target, &kept) {
            let _ = fs::remove_dir_all(&self.dir);
        }
        let mut previous = result?;
        if let Some((file, before)) = &self.manifest {
            let made =
                std::mem::take(&mut *self.made.lock().unwrap_or_else(PoisonError::into_inner));
            // Without it the next build only writes everything again. The same entries (a
            // build that changed nothing) are not written again, only dated: the time says
            // the manifest is in use (`prune_stale`).
            if !before.holds_exactly(&made) {
                let _ = Manifest::save(file, made);
            } else if let Ok(f) = fs::File::options().append(true).open(file) {
                let _ = f.set_modified(std::time::SystemTime::now());
            }
            let generation = recycle::generation_of(file);
            let moved_aside = match &previous {
                Previous(Some(dir)) => Some(recycle::keep_aside(dir, &generation)),
                Previous(None) => None,
            };
            if moved_aside == Some(true) {
                previous = Previous(None);
            }
            folders::carry_over(file, &generation, moved_aside, record);
        }
        Ok(previous)
    }

    /// The record of the staging folder's folders (see `folders`), made when it holds
    /// exactly the files recorded for the manifest.
    fn record_folders(&self) -> Option<folders::Record> {
        self.manifest.as_ref()?;
        let made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        let files = made.iter().map(|(rel, _)| rel.as_str());
        let unchanged = self.recycled.as_ref().map(|r| r.unchanged());
        folders::Record::make(&self.dir, files, |rel| unchanged.as_ref()?(rel))
    }

    fn carry_kept(&self) -> Result<Vec<OsString>, Diagnostic> {
        if !self.target.is_dir() {
            return Ok(Vec::new());
        }
        let kept = ownership::carry(&self.target, &self.dir).map_err(|e| {
            Diagnostic::io(
                &self.target,
                "keep the output's own dot files (like `.git`)",
                &e,
            )
        })?;
        if !kept.is_empty() {
            durable::sync_dir(&self.dir)
                .and_then(|()| durable::sync_dir(&self.target))
                .map_err(|e| Diagnostic::io(&self.target, "flush the new output to disk", &e))?;
        }
        Ok(kept)
    }

    fn swap(&self) -> Result<Previous, Diagnostic> {
        let failed = |e: &io::Error| {
            let d = Diagnostic::io(&self.target, "move the new output into place", e);
            if e.kind() == io::ErrorKind::ResourceBusy {
                d.help("the output folder is a mount point, which cannot be replaced: build into a folder inside it")
            } else {
                d
            }
        };
        let parent = parent_of(&self.target);
        // The swap itself is a change to the parent folder: flush it too.
        let flushed = |()| {
            durable::sync_dir(&parent)
                .map_err(|e| Diagnostic::io(&parent, "flush the new output to disk", &e))
        };
        if !self.target.exists() {
            return fs::rename(&self.dir, &self.target)
                .map_err(|e| failed(&e))
                .and_then(flushed)
                .map(|()| Previous(None));
        }
        if exchange(&self.dir, &self.target).map_err(|e| failed(&e))? {
            // `self.dir` now holds the previous output.
            return flushed(()).map(|()| Previous(Some(self.dir.clone())));
        }
        let name = self
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let old = parent.join(format!(".{name}{OLD_MARK}{}", std::process::id()));
        fs::rename(&self.target, &old).map_err(|e| failed(&e))?;
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            let _ = fs::rename(&old, &self.target);
            return Err(failed(&e));
        }
        flushed(()).map(|()| Previous(Some(old)))
    }

    /// Throw the staging folder away (the build failed).
    pub fn discard(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl Sink for Staging {
    /// Kept when the manifest says the previous output holds `path` made from `key`, and
    /// that file is still the one it describes: it is linked into the new output.
    fn keep(&self, path: &str, key: Key) -> bool {
        self.previous(path)
            .is_some_and(|e| e.key == key && self.reuse(path, e, key))
    }

    /// Bytes equal to the previous output's file are linked too, whatever their key.
    fn put(&self, path: &str, key: Key, contents: Contents) -> Result<(), Diagnostic> {
        match contents {
            Contents::Bytes(bytes) => {
                let digest = self.manifest.is_some().then(|| Key::of_bytes(&bytes));
                let same = self.previous(path).filter(|e| {
                    e.status.size == bytes.len() as u64 && e.bytes.is_some() && e.bytes == digest
                });
                if same.is_some_and(|e| self.reuse(path, e, key)) {
                    return Ok(());
                }
                self.write(path, &bytes)?;
                self.record_new(path, key, digest);
            }
            Contents::Copy(from) => {
                self.copy(from, path)?;
                self.record_new(path, key, None);
            }
            Contents::Link(from) => {
                self.link(from, path)?;
                self.record_new(path, key, None);
            }
        }
        Ok(())
    }
}

/// `path` relative to the current folder when it lies inside it, for messages.
fn shown(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

/// Whether `rel` names something inside the output: only plain names (no root, no `..`,
/// no `.`).
fn inside(rel: &str) -> bool {
    Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
}

/// Swap two folders atomically. `Ok(false)` where the system cannot (then the caller swaps
/// in two steps).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_previous_output_and_leaves_no_staging() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("old.html"), "old").unwrap();
        let staging = Staging::create(&target).unwrap();
        staging.write("a/index.html", b"new").unwrap();
        staging.commit().unwrap().remove();
        assert_eq!(
            fs::read_to_string(target.join("a/index.html")).unwrap(),
            "new"
        );
        assert!(!target.join("old.html").exists());
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["public"]);
    }

    #[test]
    fn discard_keeps_previous_output() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("old.html"), "old").unwrap();
        let staging = Staging::create(&target).unwrap();
        staging.write("new.html", b"new").unwrap();
        staging.discard();
        assert_eq!(fs::read_to_string(target.join("old.html")).unwrap(), "old");
        assert!(!target.join("new.html").exists());
    }

    #[test]
    fn leftovers_of_dead_builds_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let stale = tmp.path().join(".public.folio-staging-999999999");
        fs::create_dir_all(&stale).unwrap();
        let staging = Staging::create(&tmp.path().join("public")).unwrap();
        assert!(!stale.exists());
        staging.discard();
    }

    #[test]
    fn paths_cannot_escape_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::create(&tmp.path().join("public")).unwrap();
        assert!(staging.write("../evil", b"x").is_err());
        assert!(staging.write("/etc/x", b"x").is_err());
        staging.discard();
    }
}
