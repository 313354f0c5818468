//! Changing a site's files the way people and editors do — in place, by writing a temporary
//! file and renaming it over, or as Vim does (probe file `4913`, backup `x~`) — while noting
//! every path a file watcher would report: for a folder created or deleted, the folder.

use std::fs;
use std::path::{Path, PathBuf};

/// How an editor saves a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Truncate and write the file itself (`echo … > file`, many simple editors).
    InPlace,
    /// Write `.name.tmp` beside it, then rename it over (VS Code, Sublime, JetBrains).
    Atomic,
    /// Vim's default: create and delete a `4913` probe, rename the file to `name~`, write a
    /// new file, delete the backup.
    Vim,
}

/// The site's folder and the paths changed so far (relative to the root).
pub struct Disk<'a> {
    root: &'a Path,
    style: Style,
    touched: Vec<PathBuf>,
}

impl<'a> Disk<'a> {
    pub fn new(root: &'a Path, style: Style) -> Disk<'a> {
        Disk {
            root,
            style,
            touched: Vec::new(),
        }
    }

    /// Every path touched so far, relative to the root, in the order touched.
    pub fn touched(&self) -> &[PathBuf] {
        &self.touched
    }

    /// The text of the file at `rel`, if it is there.
    pub fn read(&self, rel: &str) -> Option<String> {
        fs::read_to_string(self.root.join(rel)).ok()
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.root.join(rel).symlink_metadata().is_ok()
    }

    pub fn is_dir(&self, rel: &str) -> bool {
        self.root.join(rel).is_dir()
    }

    fn touch(&mut self, rel: impl Into<PathBuf>) {
        self.touched.push(rel.into());
    }

    /// Create the folders above `rel` that are missing; the topmost one created, if any.
    fn make_parents(&mut self, rel: &str) -> Option<PathBuf> {
        let parent = Path::new(rel).parent()?;
        let mut created = None;
        for ancestor in parent.ancestors().filter(|a| !a.as_os_str().is_empty()) {
            if !self.root.join(ancestor).is_dir() {
                created = Some(ancestor.to_path_buf());
            }
        }
        fs::create_dir_all(self.root.join(parent)).expect("create folders");
        created
    }

    /// Save `bytes` at `rel` in the editor's style. In a folder that did not exist, the
    /// watcher reports the new folder (and the file is written plainly).
    pub fn write(&mut self, rel: &str, bytes: &[u8]) {
        let path = self.root.join(rel);
        if let Some(folder) = self.make_parents(rel) {
            fs::write(&path, bytes).expect("write file");
            self.touch(folder);
            return;
        }
        let name = file_name(rel);
        let sibling = |n: &str| Path::new(rel).with_file_name(n);
        match self.style {
            Style::InPlace => fs::write(&path, bytes).expect("write in place"),
            Style::Atomic => {
                let temp = sibling(&format!(".{name}.tmp"));
                fs::write(self.root.join(&temp), bytes).expect("write temp file");
                fs::rename(self.root.join(&temp), &path).expect("rename temp file over");
                self.touch(temp);
            }
            Style::Vim => {
                let probe = sibling("4913");
                fs::write(self.root.join(&probe), b"").expect("write probe");
                fs::remove_file(self.root.join(&probe)).expect("remove probe");
                self.touch(probe);
                let backup = sibling(&format!("{name}~"));
                let existed = path.exists();
                if existed {
                    fs::rename(&path, self.root.join(&backup)).expect("rename to backup");
                    self.touch(backup.clone());
                }
                fs::write(&path, bytes).expect("write new file");
                if existed {
                    fs::remove_file(self.root.join(&backup)).expect("remove backup");
                }
            }
        }
        self.touch(rel);
    }

    /// A new folder `rel` holding `files` (paths inside it, bytes): the watcher reports the
    /// folder.
    pub fn new_folder(&mut self, rel: &str, files: &[(&str, &[u8])]) {
        let created = self.make_parents(&format!("{rel}/x"));
        for (name, bytes) in files {
            let path = self.root.join(rel).join(name);
            fs::create_dir_all(path.parent().expect("a file has a folder")).expect("create folder");
            fs::write(path, bytes).expect("write file in new folder");
        }
        self.touch(created.unwrap_or_else(|| rel.into()));
    }

    pub fn remove_file(&mut self, rel: &str) {
        fs::remove_file(self.root.join(rel)).expect("remove file");
        self.touch(rel);
    }

    pub fn remove_folder(&mut self, rel: &str) {
        fs::remove_dir_all(self.root.join(rel)).expect("remove folder");
        self.touch(rel);
    }

    /// Rename a file or folder (its new parent must exist): both paths are reported.
    pub fn rename(&mut self, from: &str, to: &str) {
        fs::rename(self.root.join(from), self.root.join(to)).expect("rename");
        self.touch(from);
        self.touch(to);
    }

    /// Move the file `from` into the new folder holding `to`: the old file and the new
    /// folder are reported.
    pub fn move_into_new_folder(&mut self, from: &str, to: &str) {
        let folder = self.make_parents(to).unwrap_or_else(|| parent(to));
        fs::rename(self.root.join(from), self.root.join(to)).expect("move into folder");
        self.touch(from);
        self.touch(folder);
    }

    /// An editor's leftover that is no source: written plainly, reported like any file.
    pub fn leftover(&mut self, rel: &str, bytes: &[u8]) {
        fs::write(self.root.join(rel), bytes).expect("write leftover");
        self.touch(rel);
    }

    /// Vim's probe: created and deleted at once.
    pub fn probe(&mut self, rel: &str) {
        fs::write(self.root.join(rel), b"").expect("write probe");
        fs::remove_file(self.root.join(rel)).expect("remove probe");
        self.touch(rel);
    }

    /// Emacs's lock file: a symbolic link to a place that does not exist.
    #[cfg(unix)]
    pub fn dangling_link(&mut self, rel: &str) {
        let path = self.root.join(rel);
        if path.symlink_metadata().is_err() {
            std::os::unix::fs::symlink("ana@host.4242:1700000000", &path).expect("symlink");
        }
        self.touch(rel);
    }

    /// Elsewhere, a file of the same name stands in for the link.
    #[cfg(not(unix))]
    pub fn dangling_link(&mut self, rel: &str) {
        self.leftover(rel, b"ana@host.4242:1700000000");
    }
}

fn file_name(rel: &str) -> String {
    Path::new(rel)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn parent(rel: &str) -> PathBuf {
    Path::new(rel)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}
