//! The built site held in memory (`folio serve`): every output file by its path, with its
//! content type and ETag worked out once. The server answers only from a `Snapshot`; it never
//! reads the disk. `MemorySink` makes the next snapshot from the last one, taking only the
//! files whose keys changed, so an edit costs what it changed, not the whole site.

use std::collections::BTreeMap;
use std::hash::Hasher;
use std::sync::{Arc, Mutex, PoisonError};

use super::{Contents, Sink};
use crate::diagnostics::Diagnostic;
use crate::key::Key;

/// One file of the built site, ready to send.
#[derive(Debug)]
pub struct ServedFile {
    /// Exactly the bytes `folio build` writes for this file.
    pub bytes: Arc<[u8]>,
    /// A strong ETag (quotes included) derived from the bytes alone.
    pub etag: String,
    /// The `Content-Type` header value, with `charset=utf-8` on text types.
    pub content_type: String,
    /// What the build made the file from (see `engine`); none for files made by hand.
    pub key: Option<Key>,
}

impl ServedFile {
    /// The file `bytes`, typed by the extension of `path`.
    pub fn new(path: &str, bytes: Vec<u8>) -> Self {
        ServedFile {
            etag: etag_for(&bytes),
            content_type: content_type_for(path),
            bytes: bytes.into(),
            key: None,
        }
    }
}

/// The whole built site: paths like `articles/x/index.html` (no leading slash, `/` between
/// segments) to their files. Cloning is cheap: files are shared, not copied.
#[derive(Clone, Default, Debug)]
pub struct Snapshot {
    files: BTreeMap<String, Arc<ServedFile>>,
}

impl Snapshot {
    /// An empty site.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces the file at `path`. A leading `/` is ignored, so `/index.html` and
    /// `index.html` name the same file.
    pub fn insert(&mut self, path: &str, bytes: Vec<u8>) {
        let key = normalise_key(path);
        self.files
            .insert(key.to_owned(), Arc::new(ServedFile::new(key, bytes)));
    }

    /// Removes the file at `path`, if there is one.
    pub fn remove(&mut self, path: &str) {
        self.files.remove(normalise_key(path));
    }

    /// The file at `path`, if there is one.
    pub fn get(&self, path: &str) -> Option<&Arc<ServedFile>> {
        self.files.get(normalise_key(path))
    }

    /// How many files the site has.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when the site has no files at all.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Every path, in sorted order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

fn normalise_key(path: &str) -> &str {
    path.trim_start_matches('/')
}

/// A strong validator from the content alone, so an unchanged file keeps its ETag across
/// rebuilds and browsers revalidate with a cheap 304. SipHash (std's `DefaultHasher`, fixed
/// keys) is plenty to tell two versions of one file apart; the length is mixed in as well.
fn etag_for(bytes: &[u8]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(bytes);
    format!("\"{:016x}-{:x}\"", hasher.finish(), bytes.len())
}

/// Makes the next `Snapshot` from the current one: files the engine finds unchanged (same
/// path, same key) are kept as they are, shared, never copied.
pub struct MemorySink {
    base: Arc<Snapshot>,
    new: Mutex<Vec<(String, Arc<ServedFile>)>>,
}

/// What a build changed in the served site.
#[derive(Debug, Default)]
pub struct Delta {
    /// Files added or replaced.
    pub changed: Vec<String>,
    /// Files gone.
    pub removed: Vec<String>,
}

impl Delta {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty()
    }

    /// Only stylesheets changed: browsers can swap them without reloading.
    pub fn css_only(&self) -> bool {
        !self.changed.is_empty()
            && self.removed.is_empty()
            && self.changed.iter().all(|p| p.ends_with(".css"))
    }
}

impl MemorySink {
    /// A sink that builds on `base` (the snapshot served now).
    pub fn new(base: Arc<Snapshot>) -> MemorySink {
        MemorySink {
            base,
            new: Mutex::new(Vec::new()),
        }
    }

    /// The new snapshot, holding exactly the files in `live` (every path of the build), and
    /// what changed since `base`.
    pub fn finish<'a>(self, live: impl Iterator<Item = &'a str>) -> (Snapshot, Delta) {
        let new = self
            .new
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let mut files = BTreeMap::new();
        for path in live {
            if let Some(file) = self.base.files.get(path) {
                files.insert(path.to_string(), file.clone());
            }
        }
        let mut delta = Delta::default();
        for (path, file) in new {
            delta.changed.push(path.clone());
            files.insert(path, file);
        }
        delta.removed = self
            .base
            .files
            .keys()
            .filter(|p| !files.contains_key(*p))
            .cloned()
            .collect();
        delta.changed.sort();
        (Snapshot { files }, delta)
    }
}

impl Sink for MemorySink {
    fn keep(&self, path: &str, key: Key) -> bool {
        self.base.get(path).is_some_and(|f| f.key == Some(key))
    }

    fn put(&self, path: &str, key: Key, contents: Contents) -> Result<(), Diagnostic> {
        let bytes = match contents {
            Contents::Bytes(bytes) => bytes,
            Contents::Copy(from) | Contents::Link(from) => std::fs::read(from).map_err(|e| {
                Diagnostic::io(std::path::Path::new(path), "read (to serve it)", &e)
            })?,
        };
        let mut file = ServedFile::new(path, bytes);
        file.key = Some(key);
        self.new
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((normalise_key(path).to_string(), Arc::new(file)));
        Ok(())
    }
}

/// The content type from the file extension; text types get an explicit UTF-8 charset
/// because folio writes every text file as UTF-8.
fn content_type_for(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let is_text = mime.type_() == mime_guess::mime::TEXT
        || matches!(mime.subtype().as_str(), "javascript" | "json" | "xml")
        || matches!(mime.suffix().map(|s| s.as_str()), Some("xml" | "json"));
    if is_text {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_css_and_feeds_are_utf8_text() {
        assert_eq!(content_type_for("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type_for("style.css"), "text/css; charset=utf-8");
        assert!(content_type_for("app.js").ends_with("javascript; charset=utf-8"));
        assert!(content_type_for("feed.xml").ends_with("xml; charset=utf-8"));
        assert_eq!(
            content_type_for("search.json"),
            "application/json; charset=utf-8"
        );
        assert_eq!(content_type_for("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type_for("logo.svg"), "image/svg+xml; charset=utf-8");
    }

    #[test]
    fn binary_types_carry_no_charset() {
        assert_eq!(content_type_for("photo.png"), "image/png");
        assert_eq!(content_type_for("font.woff2"), "font/woff2");
        assert_eq!(content_type_for("CNAME"), "application/octet-stream");
    }

    #[test]
    fn etag_follows_content_only() {
        let mut site = Snapshot::new();
        site.insert("a.html", b"one".to_vec());
        site.insert("/b.html", b"one".to_vec());
        let (a, b) = (site.get("a.html").cloned(), site.get("b.html").cloned());
        assert_eq!(a.map(|f| f.etag.clone()), b.map(|f| f.etag.clone()));
        let before = site.get("a.html").map(|f| f.etag.clone());
        site.insert("a.html", b"two".to_vec());
        assert_ne!(site.get("a.html").map(|f| f.etag.clone()), before);
    }

    #[test]
    fn remove_and_paths() {
        let mut site = Snapshot::new();
        site.insert("b.css", vec![]);
        site.insert("a/index.html", vec![]);
        assert_eq!(site.paths().collect::<Vec<_>>(), ["a/index.html", "b.css"]);
        site.remove("/b.css");
        assert_eq!(site.len(), 1);
        assert!(!site.is_empty());
    }
}
