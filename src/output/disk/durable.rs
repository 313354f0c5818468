//! Writing that survives a power loss: before the new output is swapped in, all of it (its
//! files, its folders, the mark) is flushed to disk, and the swap itself after, so the swap
//! can never publish a site whose files are still only in memory.
//!
//! On Linux one `syncfs` of the staging folder's file system flushes everything at once:
//! measured on a 1,000-article site it takes 0.1–0.3 s, where an `fdatasync` per file and an
//! `fsync` per folder spent 5–7 s in those calls (docs/reliability.md). Elsewhere each file
//! is flushed as it is written and each folder before the swap.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

/// Whether the file system can be flushed in one call (else: file by file).
const WHOLE_FILE_SYSTEM: bool = cfg!(target_os = "linux");

/// Write `bytes` to a new file at `path` (flushed now, or by `flush_tree`).
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    flush_file(&file)
}

/// Copy the file `from` to a new file at `to` (flushed now, or by `flush_tree`).
pub fn copy(from: &Path, to: &Path) -> io::Result<()> {
    let mut source = File::open(from)?;
    let mut file = File::create(to)?;
    io::copy(&mut source, &mut file)?;
    flush_file(&file)
}

/// Write `bytes` over the file at `path` where it stands, when it is a regular file that no
/// other name links to: its inode and its blocks stay, rather than being freed and taken
/// again (on a file system mounted with `discard`, freeing a file's blocks waits for the
/// disk). Whether it did; a missing file, a link, a folder, a pipe or a file with more
/// than one name is left alone, for the caller to replace.
#[cfg(unix)]
pub fn overwrite_sole(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    use rustix::fs::OFlags;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    // Not through a link, and never waiting on a pipe nobody reads.
    let flags = OFlags::NOFOLLOW | OFlags::NONBLOCK;
    let Ok(mut file) = fs::OpenOptions::new()
        .write(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
    else {
        return Ok(false);
    };
    let meta = file.metadata()?;
    if !meta.is_file() || meta.nlink() != 1 {
        return Ok(false);
    }
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)?;
    flush_file(&file)?;
    Ok(true)
}

#[cfg(not(unix))]
pub fn overwrite_sole(_: &Path, _: &[u8]) -> io::Result<bool> {
    Ok(false)
}

fn flush_file(file: &File) -> io::Result<()> {
    if WHOLE_FILE_SYSTEM {
        return Ok(());
    }
    file.sync_data()
}

/// Flush everything written under `dir`, and `dir` itself, to disk.
pub fn flush_tree(dir: &Path) -> io::Result<()> {
    if WHOLE_FILE_SYSTEM {
        return sync_file_system(dir);
    }
    sync_folders(dir)
}

#[cfg(target_os = "linux")]
fn sync_file_system(dir: &Path) -> io::Result<()> {
    Ok(rustix::fs::syncfs(File::open(dir)?)?)
}

#[cfg(not(target_os = "linux"))]
fn sync_file_system(dir: &Path) -> io::Result<()> {
    sync_folders(dir)
}

/// Flush `dir` itself (its list of entries: new files, renames) to disk.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Flush every folder under `dir`, and `dir`, to disk (the files were flushed as written).
fn sync_folders(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            sync_folders(&entry.path())?;
        }
    }
    sync_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_and_copied_files_hold_their_bytes_and_flush() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        write(&a, b"bytes").unwrap();
        copy(&a, &tmp.path().join("b")).unwrap();
        assert_eq!(fs::read(tmp.path().join("b")).unwrap(), b"bytes");
        fs::create_dir_all(tmp.path().join("x/y")).unwrap();
        flush_tree(tmp.path()).unwrap();
        sync_folders(tmp.path()).unwrap();
        assert!(copy(&tmp.path().join("nope"), &a).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn only_a_regular_file_with_one_name_is_written_over_in_place() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let at = |name: &str| tmp.path().join(name);
        let inode = |name: &str| fs::symlink_metadata(at(name)).unwrap().ino();
        // Longer, then shorter: the file holds exactly the new bytes, under its inode.
        write(&at("sole"), b"first bytes").unwrap();
        let before = inode("sole");
        assert!(overwrite_sole(&at("sole"), b"second, longer bytes").unwrap());
        assert_eq!(fs::read(at("sole")).unwrap(), b"second, longer bytes");
        assert!(overwrite_sole(&at("sole"), b"third").unwrap());
        assert_eq!(fs::read(at("sole")).unwrap(), b"third");
        assert_eq!(inode("sole"), before);
        // A file with a second name (a link elsewhere) is not written through.
        write(&at("shared"), b"shared").unwrap();
        fs::hard_link(at("shared"), at("other name")).unwrap();
        assert!(!overwrite_sole(&at("shared"), b"changed").unwrap());
        assert_eq!(fs::read(at("other name")).unwrap(), b"shared");
        // Nor a symbolic link, nor a folder, nor a pipe (which must not block), nor nothing.
        std::os::unix::fs::symlink(at("sole"), at("link")).unwrap();
        assert!(!overwrite_sole(&at("link"), b"changed").unwrap());
        assert_eq!(fs::read(at("sole")).unwrap(), b"third");
        fs::create_dir(at("folder")).unwrap();
        assert!(!overwrite_sole(&at("folder"), b"changed").unwrap());
        rustix::fs::mknodat(
            rustix::fs::CWD,
            at("pipe"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        assert!(!overwrite_sole(&at("pipe"), b"changed").unwrap());
        assert!(!overwrite_sole(&at("missing"), b"changed").unwrap());
        assert!(!at("missing").exists());
    }
}
