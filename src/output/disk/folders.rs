//! A record of an output tree's folders as the build that made it left them, so that the
//! next build but one, which recycles that tree (`recycle`), need not read every folder
//! again. At 10,000 articles that walk (open, read and close 10,000 folders) cost 230 ms
//! of CPU, more than reading the sources beside it; on a machine that had dropped the
//! folders from its cache, seconds of disk reads.
//!
//! A folder's change time moves whenever a name in it is added, removed or renamed, and no
//! one can set it back (only the clock can). So a folder whose inode, change time and link
//! count (two plus its subfolders) are still what the record says holds exactly what it
//! held then: the files and folders the record lists in it, and nothing else. One look at
//! each folder (`statat`, with no folder opened or read) proves that; a folder that fails
//! it is walked as before, with everything in it. The tree's root is always read: the
//! swaps rename it, which moves its change time.
//!
//! A record is made only where the link count says what it should (not on file systems
//! where a folder's count is always 1), and is bound to its tree by the root's inode. The
//! record lives in the cache folder, which CI may restore from elsewhere: a record made on
//! another disk, or written by hand, matches no folder here (inodes and change times are
//! this disk's, given when each folder was made or changed), so at worst the tree is walked.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

#[cfg(unix)]
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// What a record file starts with; anything else is no record.
const MAGIC: &[u8] = b"folio output folders 1\n";

/// What tells a folder apart, and that nothing in it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    inode: u64,
    changed: i64,
    changed_nanos: u64,
    links: u64,
}

/// The folders and files of one output tree.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The inode of the tree's root folder: a record applies to that tree alone.
    root: u64,
    /// Every folder but the root (`/`-separated, relative), in byte order: a folder comes
    /// before those in it.
    folders: Vec<(Box<str>, Stamp)>,
    /// Every file in a folder below the root (relative), in byte order.
    files: Vec<Box<str>>,
}

/// Where the record of the tree at `tree` (the output's manifest file, or its recycled
/// generation) is kept: beside it.
pub fn file_of(tree: &Path) -> PathBuf {
    let mut name = tree.as_os_str().to_owned();
    name.push(".folders");
    PathBuf::from(name)
}

/// After a commit: the record of the output before (`<manifest>.folders`) goes with its
/// tree when the swap moved that tree aside as the recycled generation (`moved_aside`:
/// whether there was one, and whether it was kept), and `record` (of the new output, if
/// one was made) takes its place.
pub fn carry_over(
    manifest: &Path,
    generation: &Path,
    moved_aside: Option<bool>,
    record: Option<Record>,
) {
    let (current, kept) = (file_of(manifest), file_of(generation));
    match moved_aside {
        Some(true) if fs::rename(&current, &kept).is_ok() => {}
        Some(_) => {
            let _ = fs::remove_file(&kept);
        }
        None => {}
    }
    match record {
        Some(record) => {
            let _ = record.save(&current);
        }
        None => {
            let _ = fs::remove_file(&current);
        }
    }
}

impl Record {
    /// The record of the tree at `root`, which holds exactly `files` (relative paths): every
    /// folder they are in, looked at now unless `known` gives its stamp (a folder the build
    /// changed nothing in, from the record of the tree it started from). None when a folder
    /// cannot be looked at or its link count does not tell its subfolders (then the next
    /// take walks the tree).
    #[cfg(unix)]
    pub fn make<'a>(
        root: &Path,
        files: impl Iterator<Item = &'a str>,
        known: impl Fn(&str) -> Option<Stamp> + Sync,
    ) -> Option<Record> {
        use rustix::fs::{AtFlags, Mode, OFlags, statat};
        // The root's own files are never taken from a record (the root is always read).
        let mut files: Vec<Box<str>> = files.filter(|f| f.contains('/')).map(Box::from).collect();
        files.sort_unstable();
        files.dedup();
        // Every folder a file is in; the files come sorted, so a folder's files together.
        let mut names: Vec<&str> = Vec::new();
        let mut last = None;
        for file in &files {
            let parent = file.rsplit_once('/').map(|(p, _)| p);
            if parent == last {
                continue;
            }
            last = parent;
            let mut at = 0;
            while let Some(slash) = file[at..].find('/') {
                names.push(&file[..at + slash]);
                at += slash + 1;
            }
        }
        names.sort_unstable();
        names.dedup();
        // How many subfolders each holds.
        let mut children = vec![0u64; names.len()];
        for name in &names {
            if let Some((parent, _)) = name.rsplit_once('/')
                && let Ok(at) = names.binary_search(&parent)
            {
                children[at] += 1;
            }
        }
        let fd = rustix::fs::open(root, OFlags::DIRECTORY | OFlags::RDONLY, Mode::empty()).ok()?;
        let root = rustix::fs::fstat(&fd).ok()?.st_ino as u64;
        // A look each, on every core (the build is done; the disk flushes meanwhile).
        let folders = names
            .par_iter()
            .zip(&children)
            .map(|(name, &children)| {
                let stamp = match known(name) {
                    Some(stamp) => stamp,
                    None => stamp_of(&statat(&fd, *name, AtFlags::SYMLINK_NOFOLLOW).ok()?)?,
                };
                (stamp.links == 2 + children).then(|| (Box::from(*name), stamp))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Record {
            root,
            folders,
            files,
        })
    }

    #[cfg(not(unix))]
    pub fn make<'a>(
        _: &Path,
        _: impl Iterator<Item = &'a str>,
        _: impl Fn(&str) -> Option<Stamp> + Sync,
    ) -> Option<Record> {
        None
    }

    /// The stamp it gives the folder `rel`.
    pub fn stamp(&self, rel: &str) -> Option<Stamp> {
        let at = self
            .folders
            .binary_search_by(|(n, _)| (**n).cmp(rel))
            .ok()?;
        Some(self.folders[at].1)
    }

    /// The record kept in `file`, if it is whole and folio's.
    pub fn load(file: &Path) -> Option<Record> {
        let bytes = fs::read(file).ok()?;
        crate::disk_cache::decode(bytes.strip_prefix(MAGIC)?)
    }

    /// Keep it in `file`, replaced whole.
    pub fn save(&self, file: &Path) -> io::Result<()> {
        let body = crate::disk_cache::encode(self)
            .ok_or_else(|| io::Error::other("the record cannot be encoded"))?;
        super::manifest::write_whole(file, MAGIC, &body)
    }

    /// Whether it is the record of the tree whose root folder has inode `root`.
    pub fn is_of(&self, root: u64) -> bool {
        self.root == root
    }

    /// The files in the folder `top` (a name right under the root), when the record vouches
    /// for it and everything in it: each of its folders, looked at from the root `dir`, is
    /// still as recorded. None otherwise (the caller walks it).
    #[cfg(unix)]
    pub fn vouch(&self, dir: impl rustix::fd::AsFd, top: &str) -> Option<&[Box<str>]> {
        use rustix::fs::{AtFlags, statat};
        let prefix = format!("{top}/");
        let inside = under(&self.folders, &prefix, |(n, _)| n);
        let top = (top, self.stamp(top)?);
        for (name, stamp) in std::iter::once(top).chain(inside.iter().map(|(n, s)| (&**n, *s))) {
            let st = statat(&dir, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
            if stamp_of(&st)? != stamp {
                return None;
            }
        }
        Some(under(&self.files, &prefix, |f| f))
    }
}

/// The items of `sorted` (in byte order of `name`) whose name starts with `prefix`: all
/// together in that order.
fn under<'a, T, S: AsRef<str> + ?Sized>(
    sorted: &'a [T],
    prefix: &str,
    name: impl Fn(&T) -> &S,
) -> &'a [T] {
    let start = sorted.partition_point(|t| name(t).as_ref() < prefix);
    let len = sorted[start..].partition_point(|t| name(t).as_ref().starts_with(prefix));
    &sorted[start..start + len]
}

/// A folder's stamp; none for anything but a folder.
#[cfg(unix)]
#[allow(clippy::unnecessary_cast)]
fn stamp_of(st: &rustix::fs::Stat) -> Option<Stamp> {
    let kind = rustix::fs::FileType::from_raw_mode(st.st_mode as _);
    (kind == rustix::fs::FileType::Directory).then_some(Stamp {
        inode: st.st_ino as u64,
        changed: st.st_ctime as i64,
        changed_nanos: st.st_ctime_nsec as u64,
        links: st.st_nlink as u64,
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A tree holding `files`, with its record.
    fn tree(root: &Path, files: &[&str]) -> Option<Record> {
        for file in files {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "x").unwrap();
        }
        Record::make(root, files.iter().copied(), |_| None)
    }

    fn open(root: &Path) -> rustix::fd::OwnedFd {
        use rustix::fs::{Mode, OFlags};
        rustix::fs::open(root, OFlags::DIRECTORY | OFlags::RDONLY, Mode::empty()).unwrap()
    }

    const FILES: [&str; 6] = [
        "index.html",
        "a/b/index.html",
        "a/b/c/d.png",
        "a/e.html",
        "a-z/f.html",
        "t/g.html",
    ];

    #[test]
    fn a_record_vouches_for_each_unchanged_folder_with_its_files() {
        let tmp = tempfile::tempdir().unwrap();
        let record = tree(tmp.path(), &FILES).expect("a record");
        let fd = open(tmp.path());
        let files = |top| {
            record
                .vouch(&fd, top)
                .map(|f| f.iter().map(|f| f.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(
            files("a").unwrap(),
            ["a/b/c/d.png", "a/b/index.html", "a/e.html"]
        );
        assert_eq!(files("a-z").unwrap(), ["a-z/f.html"]);
        assert_eq!(files("nope"), None, "a folder it does not know");
        let root = rustix::fs::fstat(&fd).unwrap().st_ino as u64;
        assert!(record.is_of(root) && !record.is_of(root + 1));

        // A name added deep inside: that top folder is no longer vouched for, others are.
        fs::write(tmp.path().join("a/b/c/new.png"), "y").unwrap();
        assert_eq!(files("a"), None);
        assert!(files("t").is_some() && files("a-z").is_some());
        // A file removed, a folder replaced by a link: the same.
        fs::remove_file(tmp.path().join("t/g.html")).unwrap();
        assert_eq!(files("t"), None);
        fs::remove_dir_all(tmp.path().join("a-z")).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("t"), tmp.path().join("a-z")).unwrap();
        assert_eq!(files("a-z"), None);
    }

    #[test]
    fn a_renamed_folder_is_not_vouched_for_under_its_new_name() {
        let tmp = tempfile::tempdir().unwrap();
        let record = tree(tmp.path(), &FILES).unwrap();
        // `t` moved away and `a-z` moved to `t`: the name now leads to another folder.
        fs::rename(tmp.path().join("t"), tmp.path().join("old-t")).unwrap();
        fs::rename(tmp.path().join("a-z"), tmp.path().join("t")).unwrap();
        assert_eq!(record.vouch(open(tmp.path()), "t"), None);
    }

    #[test]
    fn no_record_is_made_of_a_tree_holding_a_folder_it_was_not_told_of() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("a/empty")).unwrap();
        assert_eq!(tree(tmp.path(), &FILES), None);
        fs::remove_dir(tmp.path().join("a/empty")).unwrap();
        assert!(tree(tmp.path(), &FILES).is_some());
        // A file listed that is not there.
        assert_eq!(
            Record::make(tmp.path(), ["gone/x.html"].into_iter(), |_| None),
            None
        );
    }

    #[test]
    fn a_record_reads_back_whole_and_nothing_else_is_one() {
        let tmp = tempfile::tempdir().unwrap();
        let record = tree(&tmp.path().join("out"), &FILES).unwrap();
        let file = file_of(&tmp.path().join("k"));
        assert_eq!(file, tmp.path().join("k.folders"));
        record.save(&file).unwrap();
        assert_eq!(Record::load(&file), Some(record));
        let bytes = fs::read(&file).unwrap();
        fs::write(&file, &bytes[..bytes.len() - 1]).unwrap();
        assert_eq!(Record::load(&file), None, "cut short");
        fs::write(&file, [&bytes[..], b"x"].concat()).unwrap();
        assert_eq!(Record::load(&file), None, "a byte too many");
        fs::write(&file, &bytes[1..]).unwrap();
        assert_eq!(Record::load(&file), None, "another header");
    }
}
