//! Writing that survives a power loss: each file is flushed to disk as it is written, and
//! every folder of the new output before it is swapped in, so the swap can never publish
//! a site whose files are still only in memory.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

/// Write `bytes` to a new file at `path` and flush it to disk.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_data()
}

/// Copy the file `from` to a new file at `to` and flush it to disk.
pub fn copy(from: &Path, to: &Path) -> io::Result<()> {
    let mut source = File::open(from)?;
    let mut file = File::create(to)?;
    io::copy(&mut source, &mut file)?;
    file.sync_data()
}

/// Flush `dir` itself (its list of entries: new files, renames) to disk.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Flush every folder under `dir`, and `dir`, to disk (the files are flushed as written).
pub fn sync_folders(dir: &Path) -> io::Result<()> {
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
    fn written_and_copied_files_hold_their_bytes() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        write(&a, b"bytes").unwrap();
        copy(&a, &tmp.path().join("b")).unwrap();
        assert_eq!(fs::read(tmp.path().join("b")).unwrap(), b"bytes");
        fs::create_dir_all(tmp.path().join("x/y")).unwrap();
        sync_folders(tmp.path()).unwrap();
        assert!(copy(&tmp.path().join("nope"), &a).is_err());
    }
}
