//! The output before last, recycled as the next build's staging folder. Removing an old
//! tree of 10,000 article folders costs seconds of disk work (every folder freed is a
//! discard on many systems), and making the new one as many folders again; yet from one
//! build to the next almost every file is the same. So the tree the swap moves out is not
//! removed but kept in the cache folder beside the output's manifest, and the next build
//! starts from it: a file that is already the very file of the current output (same inode)
//! stays, any other is replaced, and whatever the build does not make is removed before the
//! swap. Folders stay where they are.
//!
//! The recycled tree is treated as untrusted: it was an output a person could have changed.
//! Links and special files in it are removed before anything is written, a file is never
//! written through (it is unlinked first), and only a tree carrying folio's mark is taken.
//! Names that are not UTF-8 and folders nested deeper than folio nests any go too.
//!
//! The tree is walked once, before the build writes, each folder opened from the one it is
//! in (a warm build's walk of 1,600 folders cost as much in the kernel's path lookups as in
//! reading the folders).

use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use rustc_hash::{FxHashMap, FxHashSet};

use super::folders::{self, Record};
use super::ownership::MARK;

/// A previous output taken as the staging folder: what it held, and what the build touched.
pub struct Recycled {
    /// Every file it held (`/`-separated relative paths), and whether the build put or
    /// kept it. A flag per file rather than a locked set of touched paths: the build's
    /// threads touch thousands of files at once, and each touch is then one lookup with no
    /// lock and no copy of the path.
    existing: FxHashMap<Box<str>, AtomicBool>,
    /// Folders (relative) that held no file or folder once its links were removed: gone
    /// unless the build puts something in them.
    loose: Vec<PathBuf>,
    /// The folders right under the root the record of the tree vouched for (each with all
    /// that is in it), so they were not read (`folders`), and the record: the stamps of
    /// their folders the build does not change are still true, so the record of the new
    /// tree takes them without a look.
    vouched_tops: FxHashSet<Box<str>>,
    record: Option<Record>,
    /// The folders the build changed something in (`changed`).
    changed: Mutex<FxHashSet<Box<str>>>,
}

/// Where the output before last is kept, beside the manifest file of the output.
pub fn generation_of(manifest_file: &Path) -> PathBuf {
    manifest_file.with_extension("previous")
}

/// Move the kept generation to `staging` (an empty folder, replaced) and clean it of
/// anything but files and folders. `None` when there is none, it is not folio's, or it
/// cannot be moved (another file system): `staging` is then an empty folder as before.
/// `expected`: about how many files it holds (the table of them is made that large).
pub fn take(generation: &Path, staging: &Path, expected: usize) -> Option<Recycled> {
    if !generation.join(MARK).is_file() {
        if generation.exists() {
            let _ = fs::remove_dir_all(generation);
        }
        return None;
    }
    fs::remove_dir(staging).ok()?;
    if fs::rename(generation, staging).is_err() {
        let _ = fs::create_dir(staging);
        return None;
    }
    let mut found = Listing {
        root: staging,
        existing: FxHashMap::with_capacity_and_hasher(expected, Default::default()),
        loose: Vec::new(),
        record: Record::load(&folders::file_of(generation)),
        vouched_tops: FxHashSet::default(),
    };
    if found.list().is_err() {
        // Unreadable: start from an empty folder, as without a recycled tree.
        let _ = fs::remove_dir_all(staging);
        let _ = fs::create_dir(staging);
        return None;
    }
    let Listing {
        existing,
        loose,
        vouched_tops,
        record,
        ..
    } = found;
    Some(Recycled {
        existing,
        loose,
        vouched_tops,
        record,
        changed: Mutex::new(FxHashSet::default()),
    })
}

/// What the walk of a recycled tree found: its files, and its folders that hold nothing.
struct Listing<'a> {
    root: &'a Path,
    existing: FxHashMap<Box<str>, AtomicBool>,
    loose: Vec<PathBuf>,
    /// What the build that made the tree recorded of its folders, if it is this tree's.
    record: Option<Record>,
    /// The folders right under the root taken on the record's word, not read.
    vouched_tops: FxHashSet<Box<str>>,
}

/// How deep a recycled tree is walked: a folder deeper than this (folio makes none) is
/// removed whole.
const DEEPEST: usize = 64;

/// How a folder of the tree is opened: for reading its names, never through a link.
#[cfg(unix)]
const FOLDER: rustix::fs::OFlags = rustix::fs::OFlags::DIRECTORY
    .union(rustix::fs::OFlags::RDONLY)
    .union(rustix::fs::OFlags::CLOEXEC)
    .union(rustix::fs::OFlags::NOFOLLOW);

#[cfg(unix)]
impl Listing<'_> {
    /// Walk the tree at the root. Each folder is opened from the one it is in, never by its
    /// whole path: for a tree of 1,600 folders, the kernel walking each path one name at a
    /// time cost as much as reading the folders.
    fn list(&mut self) -> io::Result<()> {
        let fd = rustix::fs::open(self.root, FOLDER, rustix::fs::Mode::empty())?;
        let root = rustix::fs::fstat(&fd)?.st_ino as u64;
        self.record = self.record.take().filter(|r| r.is_of(root));
        self.folder(fd, &mut String::new(), 0).map(|_| ())
    }

    /// Note what the folder open at `fd` holds (`rel`: its path from the root followed by
    /// `/`, or nothing for the root); whether it holds a file or a folder. Links, special
    /// files and names that are not UTF-8 are removed (folio made none of these), and so
    /// is a folder that cannot be read or is too deep.
    fn folder(
        &mut self,
        fd: rustix::fd::OwnedFd,
        rel: &mut String,
        depth: usize,
    ) -> io::Result<bool> {
        use rustix::fs::{AtFlags, Dir, FileType, Mode};
        let mut entries = Dir::new(fd)?;
        let mut holds = false;
        while let Some(entry) = entries.read() {
            let entry = entry?;
            let name = entry.file_name();
            if name == c"." || name == c".." {
                continue;
            }
            let dir = entries.fd()?;
            let kind = match entry.file_type() {
                FileType::Unknown => rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)
                    .map(|st| FileType::from_raw_mode(st.st_mode))?,
                kind => kind,
            };
            let utf8 = name.to_str().ok();
            match (kind, utf8) {
                (FileType::RegularFile, Some(name)) => {
                    self.existing.insert(
                        format!("{rel}{name}").into_boxed_str(),
                        AtomicBool::new(false),
                    );
                    holds = true;
                }
                (FileType::Directory, Some(name)) if depth == 0 && self.vouch(&dir, name) => {
                    holds = true;
                }
                (FileType::Directory, Some(name)) if depth < DEEPEST => {
                    let len = rel.len();
                    rel.push_str(name);
                    rel.push('/');
                    let listed = rustix::fs::openat(dir, name, FOLDER, Mode::empty())
                        .map_err(io::Error::from)
                        .and_then(|child| self.folder(child, rel, depth + 1));
                    let folder = Path::new(&rel[..rel.len() - 1]);
                    match listed {
                        Ok(true) => holds = true,
                        Ok(false) => {
                            self.loose.push(folder.to_path_buf());
                            holds = true;
                        }
                        // Unreadable: what it holds is unknown, so it goes.
                        Err(_) => {
                            let _ = fs::remove_dir_all(self.root.join(folder));
                        }
                    }
                    rel.truncate(len);
                }
                (FileType::Directory, _) => {
                    use std::os::unix::ffi::OsStrExt;
                    let name = std::ffi::OsStr::from_bytes(name.to_bytes());
                    let _ = fs::remove_dir_all(self.root.join(&*rel).join(name));
                }
                _ => {
                    let _ = rustix::fs::unlinkat(dir, name, AtFlags::empty());
                }
            }
        }
        Ok(holds)
    }
}

#[cfg(unix)]
impl Listing<'_> {
    /// Note the files of the folder `name` right under the root (open at `root`) from the
    /// record, if it vouches for that folder and all in it; whether it did.
    fn vouch(&mut self, root: &rustix::fd::BorrowedFd<'_>, name: &str) -> bool {
        let Some(files) = self.record.as_ref().and_then(|r| r.vouch(root, name)) else {
            return false;
        };
        for file in files {
            self.existing.insert(file.clone(), AtomicBool::new(false));
        }
        self.vouched_tops.insert(Box::from(name));
        true
    }
}

#[cfg(not(unix))]
impl Listing<'_> {
    /// Walk the tree at the root (links are never followed, and removed).
    fn list(&mut self) -> io::Result<()> {
        let root = self.root;
        // The folders the walk is in, outermost first, each with whether a file or folder
        // is in it: the walk gives a folder, then all that is in it.
        let mut open: Vec<(PathBuf, bool)> = Vec::new();
        let close = |open: &mut Vec<(PathBuf, bool)>, loose: &mut Vec<PathBuf>, depth: usize| {
            while open.len() >= depth {
                if let Some((dir, false)) = open.pop() {
                    loose.push(dir);
                }
            }
        };
        for entry in walkdir::WalkDir::new(root).min_depth(1).max_depth(DEEPEST) {
            let entry = entry?;
            let Ok(rel) = entry.path().strip_prefix(root) else {
                continue;
            };
            close(&mut open, &mut self.loose, entry.depth());
            let kind = entry.file_type();
            if kind.is_dir() {
                open.push((rel.to_path_buf(), false));
            } else if kind.is_file()
                && let Some(name) = rel.to_str()
            {
                let name = name
                    .replace(std::path::MAIN_SEPARATOR, "/")
                    .into_boxed_str();
                self.existing.insert(name, AtomicBool::new(false));
            } else {
                let _ = fs::remove_file(entry.path());
                self.loose.extend(rel.parent().map(Path::to_path_buf));
                continue;
            }
            let at = open.len() - usize::from(kind.is_dir());
            if let Some(parent) = at.checked_sub(1).and_then(|i| open.get_mut(i)) {
                parent.1 = true;
            }
        }
        close(&mut open, &mut self.loose, 1);
        Ok(())
    }
}

impl Recycled {
    /// How many folders right under the root were taken on the record's word, not read.
    pub fn vouched(&self) -> usize {
        self.vouched_tops.len()
    }

    /// Note that the build changes `rel` (a file it writes or removes): every folder it is
    /// in changes (or may: a folder made for it changes its parent).
    pub fn changed(&self, rel: &str) {
        let mut changed = self.changed.lock().unwrap_or_else(PoisonError::into_inner);
        let mut at = rel.len();
        while let Some(slash) = rel[..at].rfind('/') {
            if !changed.insert(Box::from(&rel[..slash])) {
                // Its folders are in already.
                break;
            }
            at = slash;
        }
    }

    /// The stamps the tree's record gave its folders that still hold: those in the folders
    /// the record vouched for that the build changed nothing in. Asked once the build is
    /// done (the set of changed folders is locked once, not for every folder).
    pub fn unchanged(&self) -> impl Fn(&str) -> Option<folders::Stamp> + Sync + '_ {
        let changed = self.changed.lock().unwrap_or_else(PoisonError::into_inner);
        move |rel| {
            let top = rel.split('/').next()?;
            if !self.vouched_tops.contains(top) || changed.contains(rel) {
                return None;
            }
            self.record.as_ref()?.stamp(rel)
        }
    }

    /// Whether the tree held a file at `rel` when it was taken.
    pub fn holds(&self, rel: &str) -> bool {
        self.existing.contains_key(rel)
    }

    /// Note that the build puts or keeps `rel` (only a file the tree held needs noting:
    /// `prune` removes those not noted).
    pub fn touch(&self, rel: &str) {
        if let Some(touched) = self.existing.get(rel) {
            touched.store(true, Ordering::Relaxed);
        }
    }

    /// Remove every file the build did not touch, then every folder left empty: only those
    /// that held such a file or nothing, and their parents (walking the whole tree again
    /// would cost as much as the rest of a build with nothing changed).
    pub fn prune(&self, staging: &Path) -> io::Result<()> {
        let mut dirs: BTreeSet<(Reverse<usize>, PathBuf)> = BTreeSet::new();
        let note = |dirs: &mut BTreeSet<_>, dir: Option<&Path>| {
            if let Some(dir) = dir.filter(|d| !d.as_os_str().is_empty()) {
                dirs.insert((Reverse(dir.components().count()), dir.to_path_buf()));
            }
        };
        // The flags are read after every thread of the build is done (`commit`).
        let untouched = self
            .existing
            .iter()
            .filter(|(_, touched)| !touched.load(Ordering::Relaxed));
        for (rel, _) in untouched {
            match fs::remove_file(staging.join(&**rel)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => note(&mut dirs, Path::new(&**rel).parent()),
            }
        }
        for dir in &self.loose {
            note(&mut dirs, Some(dir));
        }
        // Deepest first, so a folder is tried after every folder in it.
        while let Some((_, dir)) = dirs.pop_first() {
            // Something in it was removed, or it is removed itself (then its parent changes).
            if let Some(dir) = dir.to_str() {
                self.changed(&format!("{dir}/"));
            }
            // Fails when not empty, as it should.
            if fs::remove_dir(staging.join(&dir)).is_ok() {
                note(&mut dirs, dir.parent());
            }
        }
        Ok(())
    }
}

/// Make way in `staging` for a file at `path`: a folder in its place is removed, and so is
/// a file where one of its folders goes; then its folder is made.
pub fn clear_way(staging: &Path, path: &Path) -> io::Result<()> {
    if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        fs::remove_dir_all(path)?;
    }
    let Some(parent) = path.parent() else {
        return Ok(());
    };
    if fs::create_dir_all(parent).is_ok() {
        return Ok(());
    }
    let mut at = staging.to_path_buf();
    for part in parent.strip_prefix(staging).unwrap_or(parent).components() {
        at.push(part);
        if fs::symlink_metadata(&at).is_ok_and(|m| !m.is_dir()) {
            fs::remove_file(&at)?;
        }
    }
    fs::create_dir_all(parent)
}

/// Keep the output the swap moved out (`previous`) as the next build's starting point.
/// Whether it was kept (else the caller removes it).
pub fn keep_aside(previous: &Path, generation: &Path) -> bool {
    if generation.exists() && fs::remove_dir_all(generation).is_err() {
        return false;
    }
    generation
        .parent()
        .is_some_and(|parent| fs::create_dir_all(parent).is_ok())
        && fs::rename(previous, generation).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(root: &Path) -> Vec<String> {
        let mut out: Vec<String> = walkdir::WalkDir::new(root)
            .min_depth(1)
            .into_iter()
            .flatten()
            .map(|e| {
                let rel = e.path().strip_prefix(root).unwrap().display().to_string();
                if e.file_type().is_dir() {
                    rel + "/"
                } else {
                    rel
                }
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_taken_generation_loses_links_and_what_the_build_did_not_touch() {
        let tmp = tempfile::tempdir().unwrap();
        let generation = tmp.path().join("cache/outputs/k.previous");
        let staging = tmp.path().join("staging");
        let outside = tmp.path().join("outside");
        fs::create_dir_all(generation.join("a/b")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::create_dir_all(&staging).unwrap();
        fs::write(generation.join(MARK), "").unwrap();
        fs::write(generation.join("a/b/index.html"), "old").unwrap();
        fs::write(generation.join("a/gone.html"), "old").unwrap();
        std::os::unix::fs::symlink(&outside, generation.join("a/link")).unwrap();
        // Folders the build puts nothing in go, however deep: empty, emptied of untouched
        // files, or holding only a link.
        fs::create_dir_all(generation.join("e/f")).unwrap();
        fs::create_dir_all(generation.join("g/h")).unwrap();
        fs::write(generation.join("g/h/x.html"), "old").unwrap();
        fs::create_dir_all(generation.join("l")).unwrap();
        std::os::unix::fs::symlink(&outside, generation.join("l/link")).unwrap();
        // Empty folders beside and below a kept one go; the kept one and its parent stay.
        for dir in ["m/n", "m/o", "m/q/r", "m/s"] {
            fs::create_dir_all(generation.join(dir)).unwrap();
        }
        fs::write(generation.join("m/n/keep.html"), "old").unwrap();

        let recycled = take(&generation, &staging, 0).expect("taken");
        assert!(!generation.exists());
        assert_eq!(
            tree(&staging),
            [
                ".folio-output",
                "a/",
                "a/b/",
                "a/b/index.html",
                "a/gone.html",
                "e/",
                "e/f/",
                "g/",
                "g/h/",
                "g/h/x.html",
                "l/",
                "m/",
                "m/n/",
                "m/n/keep.html",
                "m/o/",
                "m/q/",
                "m/q/r/",
                "m/s/",
            ]
        );
        recycled.touch(MARK);
        recycled.touch("a/b/index.html");
        recycled.touch("m/n/keep.html");
        recycled.prune(&staging).unwrap();
        assert_eq!(
            tree(&staging),
            [
                ".folio-output",
                "a/",
                "a/b/",
                "a/b/index.html",
                "m/",
                "m/n/",
                "m/n/keep.html"
            ]
        );
        assert!(outside.is_dir(), "a link is removed, never followed");
    }

    /// What folio never makes goes before the build starts: names that are not UTF-8 (a
    /// file and a folder) and folders nested deeper than any output, with what they hold.
    #[cfg(unix)]
    #[test]
    fn a_taken_generation_loses_odd_names_and_too_deep_folders() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let tmp = tempfile::tempdir().unwrap();
        let generation = tmp.path().join("k.previous");
        let staging = tmp.path().join("staging");
        fs::create_dir_all(generation.join("a")).unwrap();
        fs::create_dir_all(&staging).unwrap();
        fs::write(generation.join(MARK), "").unwrap();
        fs::write(generation.join("a/index.html"), "old").unwrap();
        let odd = OsStr::from_bytes(b"caf\xe9");
        fs::write(generation.join("a").join(odd), "odd file").unwrap();
        fs::create_dir_all(generation.join(odd).join("inside")).unwrap();
        fs::write(generation.join(odd).join("inside/x.html"), "odd folder").unwrap();
        let deep: PathBuf = std::iter::repeat_n("d", DEEPEST + 6).collect();
        fs::create_dir_all(generation.join(&deep)).unwrap();
        fs::write(generation.join(&deep).join("bottom.html"), "deep").unwrap();

        let recycled = take(&generation, &staging, 0).expect("taken");
        let found = tree(&staging);
        assert!(
            found
                .iter()
                .all(|p| !p.contains("caf") && !p.ends_with("bottom.html"))
        );
        assert!(
            found.len() < DEEPEST + 4,
            "the deep chain was cut: {found:?}"
        );
        recycled.touch(MARK);
        recycled.touch("a/index.html");
        recycled.prune(&staging).unwrap();
        assert_eq!(tree(&staging), [".folio-output", "a/", "a/index.html"]);
    }

    #[test]
    fn a_generation_without_the_mark_is_removed_not_taken() {
        let tmp = tempfile::tempdir().unwrap();
        let generation = tmp.path().join("k.previous");
        let staging = tmp.path().join("staging");
        fs::create_dir_all(&generation).unwrap();
        fs::create_dir_all(&staging).unwrap();
        fs::write(generation.join("x.html"), "x").unwrap();
        assert!(take(&generation, &staging, 0).is_none());
        assert!(!generation.exists());
        assert!(staging.is_dir());
    }

    #[test]
    fn clear_way_replaces_folders_and_files_in_the_way() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = tmp.path();
        fs::create_dir_all(staging.join("x/index.html/deep")).unwrap();
        fs::write(staging.join("y"), "file where a folder goes").unwrap();
        clear_way(staging, &staging.join("x/index.html")).unwrap();
        assert!(!staging.join("x/index.html").exists());
        clear_way(staging, &staging.join("y/z/index.html")).unwrap();
        assert!(staging.join("y/z").is_dir());
    }
}
