//! Every source file of the site, as last read: `config.toml`, articles (front matter parsed
//! once), templates (text), and the files copied as they are (static files, images beside
//! articles), each with the key of its contents. Read in full once, then kept up to date
//! from the paths a watcher reports (`refresh`). The only module of the engine that reads
//! the site's disk.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::content::{self, SourceFile, is_ignored_name};
use crate::diagnostics::{Diagnostic, display_path};
use crate::fence::Fence;
use crate::key::{Key, Keyed};

use super::stat_keys::{Stamp, StatKeys};

mod refresh;

/// The folders under the site root that hold sources.
pub const SOURCE_DIRS: &[&str] = &["content", "templates", "static", "themes"];

/// A file copied or read as it is (a template, a static file, an image beside an article).
#[derive(Debug, Clone)]
pub struct FileInput {
    pub key: Key,
    pub len: u64,
    /// The text, for templates (files under a `templates/` folder).
    pub text: Option<Arc<str>>,
    /// Its status when read, if it had not changed for a while (see `stat_keys`).
    stamp: Option<Stamp>,
}

/// What a source kept by its status holds: a file's key, or an article's parse.
enum Kept<'a> {
    File(Key),
    Article(&'a SourceFile),
}

/// What one read of a path gave.
#[derive(Debug, Clone)]
enum Entry {
    /// An article, with its status when read if it had not changed for a while.
    Article(Result<Arc<SourceFile>, Diagnostic>, Option<Stamp>),
    File(Result<FileInput, Diagnostic>),
}

/// The site's sources. Paths are relative to the root, `/`-separated on every system.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The site folder, absolute with symbolic links resolved, so it compares equal to the
    /// paths file-system events carry.
    root: PathBuf,
    config: Result<Keyed<Arc<str>>, Diagnostic>,
    entries: BTreeMap<PathBuf, Entry>,
    /// The key of every file of `entries` read whole (not an article), by path: a build
    /// looks up every image and asset beside an article, and a search of `entries`
    /// compares paths a component at a time.
    file_keys: FxHashMap<PathBuf, Key>,
    /// Problems walking folders (unreadable folders, links leading out of the site, loops),
    /// by the path they concern.
    walk_errors: BTreeMap<PathBuf, Diagnostic>,
    /// Which of `SOURCE_DIRS` exist (even empty).
    folders: BTreeSet<String>,
}

impl Inputs {
    /// Read every source of the site at `root`.
    pub fn read(root: &Path) -> Result<Inputs, Diagnostic> {
        Inputs::read_with(root, &StatKeys::default())
    }

    /// Read every source of the site at `root`, taking the key of a file copied as it is
    /// from `kept` when its status there is its status now.
    pub fn read_with(root: &Path, kept: &StatKeys) -> Result<Inputs, Diagnostic> {
        let root = std::fs::canonicalize(root).map_err(|e| {
            Diagnostic::error(format!(
                "cannot open the site folder `{}`: {e}",
                display_path(root)
            ))
            .help("run folio inside the site's folder, or pass it with --root")
        })?;
        let mut inputs = Inputs {
            config: read_config(&root),
            root,
            entries: BTreeMap::new(),
            file_keys: FxHashMap::default(),
            walk_errors: BTreeMap::new(),
            folders: BTreeSet::new(),
        };
        for dir in SOURCE_DIRS {
            inputs.note_folder(dir);
        }
        let found: Vec<PathBuf> = SOURCE_DIRS
            .iter()
            .flat_map(|dir| inputs.walk(Path::new(dir)))
            .collect();
        inputs.read_files(found, kept);
        Ok(inputs)
    }

    /// The keys of the files copied as they are and the parses of the articles, with their
    /// status when read, to keep for the next run (`StatKeys::load`).
    pub fn stat_keys(&self) -> StatKeys {
        let (mut files, mut articles) = (Vec::new(), Vec::new());
        for (path, stamp, kept) in self.kept_by_status() {
            match kept {
                Kept::File(key) => files.push((path, stamp, key)),
                Kept::Article(a) => articles.push((path, stamp, a.parsed())),
            }
        }
        StatKeys::new(files, articles)
    }

    /// `StatKeys::digest` of `stat_keys()`, without making it: whether the table to keep
    /// differs from the one read.
    pub fn stat_digest(&self) -> Key {
        super::stat_keys::digest(self.kept_by_status().map(|(path, stamp, kept)| {
            let key = match kept {
                Kept::File(key) => Some(key),
                Kept::Article(_) => None,
            };
            (super::stat_keys::slashed(path), stamp, key)
        }))
    }

    /// Every source read with a status worth keeping (see `stat_keys`); torn articles are
    /// left out, so the next run reads them afresh.
    fn kept_by_status(&self) -> impl Iterator<Item = (&Path, Stamp, Kept<'_>)> {
        self.entries.iter().filter_map(|(path, entry)| match entry {
            Entry::File(Ok(FileInput {
                key,
                stamp: Some(stamp),
                ..
            })) => Some((path.as_path(), *stamp, Kept::File(*key))),
            Entry::Article(Ok(a), Some(stamp)) if !a.is_torn() => {
                Some((path.as_path(), *stamp, Kept::Article(a)))
            }
            _ => None,
        })
    }

    /// Articles whose text, read again after their kept parse was taken, was no longer the
    /// text of that parse (they changed during the build): what the build made of them
    /// cannot be trusted.
    pub fn torn(&self) -> Vec<&Path> {
        self.articles()
            .filter(|(_, a)| a.as_ref().is_ok_and(|a| a.is_torn()))
            .map(|(path, _)| path)
            .collect()
    }

    /// The site folder (absolute, links resolved).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The text of `config.toml` with its key, or why it could not be read.
    pub fn config(&self) -> Result<&Keyed<Arc<str>>, &Diagnostic> {
        self.config.as_ref()
    }

    /// Every article file under `content/` (good or not), by path.
    pub fn articles(&self) -> impl Iterator<Item = (&Path, &Result<Arc<SourceFile>, Diagnostic>)> {
        self.entries.iter().filter_map(|(p, e)| match e {
            Entry::Article(a, _) => Some((p.as_path(), a)),
            Entry::File(_) => None,
        })
    }

    /// Every other file under `dir` (e.g. `static` or `themes/default/templates`), with its
    /// path relative to `dir`, sorted.
    pub fn files_under<'a>(
        &'a self,
        dir: &'a Path,
    ) -> impl Iterator<Item = (&'a Path, &'a Path, &'a Result<FileInput, Diagnostic>)> + 'a {
        self.entries
            .range(dir.to_path_buf()..)
            .take_while(move |(p, _)| p.starts_with(dir))
            .filter_map(move |(p, e)| match e {
                Entry::File(f) => Some((p.as_path(), p.strip_prefix(dir).unwrap_or(p), f)),
                Entry::Article(..) => None,
            })
    }

    /// The file at `rel` (not an article), if it is a source: what `file_key` is checked
    /// against in tests.
    #[cfg(test)]
    pub fn file(&self, rel: &Path) -> Option<&Result<FileInput, Diagnostic>> {
        match self.entries.get(rel)? {
            Entry::File(f) => Some(f),
            Entry::Article(..) => None,
        }
    }

    /// The key of the file at `rel` (not an article), if it is a source read whole:
    /// `file(rel)`'s key, looked up by hash.
    pub fn file_key(&self, rel: &Path) -> Option<Key> {
        self.file_keys.get(rel).copied()
    }

    /// The bytes of the source file at `rel` (an image to plan, a picture to embed), read
    /// again: only keys are kept. A link leading out of the site is refused.
    pub fn bytes(&self, rel: &Path) -> io::Result<Vec<u8>> {
        let abs = self.root.join(rel);
        if Fence::new(&self.root).check(&abs).is_err() {
            return Err(io::Error::other("a link leading outside the site"));
        }
        std::fs::read(abs)
    }

    /// Whether `dir` (relative to the root) is a folder holding at least one source.
    pub fn has_dir(&self, dir: &Path) -> bool {
        self.entries
            .range(dir.to_path_buf()..)
            .next()
            .is_some_and(|(p, _)| p.starts_with(dir) && p != dir)
    }

    /// Problems met walking the source folders, sorted by path.
    pub fn walk_errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.walk_errors.values()
    }

    /// Record whether the source folder `dir` exists; whether that changed.
    fn note_folder(&mut self, dir: &str) -> bool {
        if !SOURCE_DIRS.contains(&dir) {
            return false;
        }
        match self.root.join(dir).is_dir() {
            true => self.folders.insert(dir.to_string()),
            false => self.folders.remove(dir),
        }
    }

    /// Whether the source folder `dir` (one of `SOURCE_DIRS`) exists, even empty.
    pub fn has_folder(&self, dir: &str) -> bool {
        self.folders.contains(dir)
    }

    /// Every file under the folder `rel` that is a source, recording problems on the way
    /// (a link leading out of the site is refused, never followed).
    fn walk(&mut self, rel: &Path) -> Vec<PathBuf> {
        let start = self.root.join(rel);
        if !start.is_dir() {
            return Vec::new();
        }
        let mut found = Vec::new();
        let root = self.root.clone();
        let keep = |dir: &Path| is_static(&content::relative(&root, dir));
        let fence = Fence::new(&self.root);
        for entry in fence.walk(&start).skip_ignored().keeping_folders(&keep) {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    found.push(content::relative(&self.root, e.path()))
                }
                Ok(_) => {}
                Err(d) => {
                    let at = d.file.clone().unwrap_or_else(|| rel.to_path_buf());
                    self.walk_errors.insert(at, d);
                }
            }
        }
        found
    }

    /// Read and parse `files` (in parallel) into the entries.
    fn read_files(&mut self, files: Vec<PathBuf>, kept: &StatKeys) {
        let root = &self.root;
        let read: Vec<(PathBuf, Entry)> = files
            .into_par_iter()
            .map(|rel| {
                let entry = read_entry(root, &rel, kept);
                (rel, entry)
            })
            .collect();
        self.file_keys.reserve(read.len());
        for (rel, entry) in &read {
            match entry {
                Entry::File(Ok(file)) => self.file_keys.insert(rel.clone(), file.key),
                _ => self.file_keys.remove(rel),
            };
        }
        if self.entries.is_empty() {
            // All at once: sorted (the walk's order is nearly sorted already) and built in
            // one pass, not inserted one by one with a `Path` comparison, a component at a
            // time, at every level of the tree. A later duplicate wins either way.
            self.entries = read.into_iter().collect();
        } else {
            self.entries.extend(read);
        }
    }
}

/// Whether `rel` (relative to the root) names an editor's or system's leftover: its file
/// name is an ignored one, or a folder on the way is, but for dot folders of static files
/// (`static/.well-known/security.txt` is published).
fn is_ignored_path(rel: &Path) -> bool {
    let names: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let Some((file, folders)) = names.split_last() else {
        return false;
    };
    is_ignored_name(file)
        || folders.iter().enumerate().any(|(i, name)| {
            let dot_folder_of_statics =
                name.starts_with('.') && is_static(&names[..=i].iter().collect::<PathBuf>());
            is_ignored_name(name) && !dot_folder_of_statics
        })
}

/// Whether `rel` lies in a folder of static files: `static/` or `themes/<name>/static/`.
fn is_static(rel: &Path) -> bool {
    let mut parts = rel.components().map(|c| c.as_os_str());
    match parts.next().and_then(|p| p.to_str()) {
        Some("static") => parts.next().is_some(),
        Some("themes") => {
            parts.next().is_some()
                && parts.next().is_some_and(|p| p == "static")
                && parts.next().is_some()
        }
        _ => false,
    }
}

fn read_config(root: &Path) -> Result<Keyed<Arc<str>>, Diagnostic> {
    let path = Path::new("config.toml");
    let text = std::fs::read_to_string(root.join(path)).map_err(|e| {
        let d = Diagnostic::io(path, "read the site config", &e);
        if e.kind() == io::ErrorKind::NotFound {
            d.help("a site folder holds config.toml and content/: run folio there, pass --root, or create a site with `folio init`")
        } else {
            d
        }
    })?;
    let key = Key::of("config.toml", text.as_str());
    Ok(Keyed::new(key, Arc::from(text)))
}

fn read_entry(root: &Path, rel: &Path, kept: &StatKeys) -> Entry {
    let is_article = rel.starts_with("content") && rel.extension().is_some_and(|e| e == "md");
    let is_template = rel.components().any(|c| c.as_os_str() == "templates");
    // An article or a file copied as it is: its status first, to skip reading it when it is
    // as it was.
    let stamp = match is_template {
        true => None,
        false => std::fs::metadata(root.join(rel))
            .ok()
            .and_then(|m| Stamp::of(&m)),
    };
    if let Some(stamp) = stamp {
        if is_article && let Some(parsed) = kept.article(rel, stamp) {
            let article = SourceFile::from_parsed(rel, root.join(rel), parsed.clone());
            return Entry::Article(Ok(Arc::new(article)), Some(stamp));
        }
        if !is_article && let Some(key) = kept.get(rel, stamp) {
            return Entry::File(Ok(FileInput {
                key,
                len: stamp.len(),
                text: None,
                stamp: Some(stamp),
            }));
        }
    }
    let bytes = std::fs::read(root.join(rel)).map_err(|e| Diagnostic::io(rel, "read", &e));
    if is_article {
        let len = bytes.as_ref().map_or(0, |b| b.len() as u64);
        let stamp = stamp.filter(|s| s.describes_read(len));
        let article = bytes.and_then(|b| content::parse_article(rel, b).map(Arc::new));
        return Entry::Article(article, stamp);
    }
    Entry::File(bytes.and_then(|bytes| {
        let key = Key::of_bytes(&bytes);
        let len = bytes.len() as u64;
        let text = match is_template {
            true => Some(Arc::from(String::from_utf8(bytes).map_err(|_| {
                Diagnostic::error("template is not valid UTF-8")
                    .in_file(rel)
                    .help("save the file as UTF-8 in your editor")
            })?)),
            false => None,
        };
        let stamp = stamp.filter(|s| s.describes_read(len));
        Ok(FileInput {
            key,
            len,
            text,
            stamp,
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_folders_of_static_files_are_sources_and_editor_files_are_not() {
        let ignored = |p: &str| is_ignored_path(Path::new(p));
        assert!(!ignored("static/.well-known/security.txt"));
        assert!(!ignored("themes/default/static/.well-known/x.txt"));
        assert!(ignored("static/.well-known/.x.swp"));
        assert!(ignored("content/.drafts/a.md"));
        assert!(ignored("content/articles/.#a.md"));
        assert!(ignored("themes/default/templates/.git/x.html"));
        assert!(!ignored("content/articles/a.md"));
    }
}
