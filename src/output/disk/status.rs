//! A file's status as a manifest entry compares it (kind, size, modification time, inode),
//! looked up inside an open folder. A warm build looks at every output file once to see it
//! is still the file its entry describes (5,000 files at 1,000 articles with images); most
//! of such a look is the kernel walking the path one name at a time, so the staging folder
//! is opened once and each look starts there (`articles/<slug>/index.html`), not at `/`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// What a manifest entry compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Status {
    /// A regular file (not a link, not a folder).
    pub is_file: bool,
    pub size: u64,
    /// Modification time in nanoseconds since 1970 (0 before it).
    pub modified: u128,
    pub inode: u64,
}

impl Status {
    pub fn of(meta: &fs::Metadata) -> Status {
        Status {
            is_file: meta.is_file(),
            size: meta.len(),
            modified: meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos()),
            inode: inode(meta),
        }
    }

    /// The status of `path`, not followed through a link.
    pub fn of_path(path: &Path) -> io::Result<Status> {
        fs::symlink_metadata(path).map(|m| Status::of(&m))
    }

    // The fields' types differ between targets (`c_long`, `i64`, `u32`...).
    #[cfg(unix)]
    #[allow(clippy::unnecessary_cast)]
    fn of_stat(st: &rustix::fs::Stat) -> Status {
        let seconds = st.st_mtime as i64;
        Status {
            is_file: rustix::fs::FileType::from_raw_mode(st.st_mode as _)
                == rustix::fs::FileType::RegularFile,
            size: st.st_size as u64,
            modified: match u128::try_from(seconds) {
                Ok(s) => s * 1_000_000_000 + st.st_mtime_nsec as u128,
                Err(_) => 0,
            },
            inode: st.st_ino as u64,
        }
    }
}

#[cfg(unix)]
fn inode(meta: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_: &fs::Metadata) -> u64 {
    0
}

/// A folder, open for looking up the status of what is in it.
pub struct Folder {
    path: PathBuf,
    #[cfg(unix)]
    fd: Option<rustix::fd::OwnedFd>,
}

impl Folder {
    /// `path`, opened now: the folder found there now is the one looked in, even if it is
    /// later renamed (where it cannot be opened, each look goes through `path`).
    pub fn open(path: &Path) -> Folder {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC;
            Folder {
                path: path.to_path_buf(),
                fd: rustix::fs::open(path, flags, Mode::empty()).ok(),
            }
        }
        #[cfg(not(unix))]
        Folder {
            path: path.to_path_buf(),
        }
    }

    /// The status of `rel` (a relative `/`-separated path with no `..`) in the folder, not
    /// followed through a link.
    pub fn status(&self, rel: &str) -> io::Result<Status> {
        #[cfg(unix)]
        if let Some(fd) = &self.fd {
            use rustix::fs::{AtFlags, statat};
            return statat(fd, rel, AtFlags::SYMLINK_NOFOLLOW)
                .map(|st| Status::of_stat(&st))
                .map_err(io::Error::from);
        }
        Status::of_path(&self.path.join(rel))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A look through the open folder gives what the standard library gives for the path.
    #[test]
    fn a_look_in_the_folder_sees_what_the_path_shows() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("staging");
        fs::create_dir_all(root.join("a/b")).unwrap();
        fs::write(root.join("a/b/index.html"), "twelve bytes").unwrap();
        let folder = Folder::open(&root);
        let seen = folder.status("a/b/index.html").unwrap();
        assert_eq!(seen, Status::of_path(&root.join("a/b/index.html")).unwrap());
        assert!(seen.is_file && seen.size == 12 && seen.modified > 0);
        assert!(!folder.status("a/b").unwrap().is_file);
        assert!(folder.status("a/gone.html").is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("b/index.html", root.join("a/link")).unwrap();
            assert!(!folder.status("a/link").unwrap().is_file);
            // The folder opened, not its name: renamed, it is still the one looked in.
            fs::rename(&root, tmp.path().join("moved")).unwrap();
            assert_eq!(folder.status("a/b/index.html").unwrap(), seen);
        }
    }
}
