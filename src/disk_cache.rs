//! A content-addressed store of generated files (image variants, social cards) under the
//! cache folder: an entry's name is a hash of everything that made it, so an entry is
//! never stale, only unused. Writes are atomic (a temporary file renamed into place), so a
//! build killed halfway never leaves a half-written entry behind.

use std::hash::Hasher;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use siphasher::sip128::{Hasher128, SipHasher13};

pub mod pack;

/// The cache folder of a site when none is given: `<root>/.folio-cache`.
pub fn default_dir(root: &Path) -> PathBuf {
    root.join(".folio-cache")
}

/// A stable 128-bit content hash, as 32 hex digits. SipHash-1-3 with fixed keys: the same
/// bytes give the same name on every machine and every run (not for security).
#[derive(Default, Clone)]
pub struct KeyHasher(SipHasher13);

impl KeyHasher {
    pub fn new() -> KeyHasher {
        KeyHasher::default()
    }

    /// Add a field; its length goes first, so `("ab", "c")` and `("a", "bc")` differ.
    pub fn field(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.write_u64(bytes.len() as u64);
        self.0.write(bytes);
        self
    }

    pub fn finish(&self) -> String {
        format!("{:032x}", self.0.finish128().as_u128())
    }
}

/// Hash of one byte string.
pub fn hash_bytes(bytes: &[u8]) -> String {
    KeyHasher::new().field(bytes).finish()
}

/// Versions of the crates that turn pixels into files (from Cargo.lock, at compile time),
/// and folio's own: part of every key, so an encoder update re-makes every entry.
pub static ENCODER_VERSIONS: LazyLock<String> = LazyLock::new(|| {
    crate_versions(&[
        "image",
        "image-webp",
        "png",
        "zune-jpeg",
        "libwebp-sys",
        "resvg",
    ])
});

/// Versions of the crates that turn markdown into HTML (parser, highlighter, grammars): part
/// of every cached body's key, so an update of any renders every body again.
pub static RENDERER_VERSIONS: LazyLock<String> =
    LazyLock::new(|| crate_versions(&["pulldown-cmark", "syntect", "two-face", "ammonia"]));

/// Versions of the crates that make the search index from an article (the markdown parser
/// that reads its text, the stemmer, the compressor): part of the keys of the words and of
/// the index kept in the cache.
pub static SEARCH_VERSIONS: LazyLock<String> =
    LazyLock::new(|| crate_versions(&["pulldown-cmark", "rust-stemmers", "flate2", "zlib-rs"]));

/// folio's version and the digest of its sources, alone: part of the key of anything kept
/// that folio's own code makes (the "More articles" ranking).
pub static FOLIO_VERSION: LazyLock<String> = LazyLock::new(|| crate_versions(&[]));

/// `folio <version> (<digest of its sources>); <crate> <version>; ...` for `names`, read
/// from Cargo.lock as it was when folio was compiled.
fn crate_versions(names: &[&str]) -> String {
    let lock = include_str!("../Cargo.lock");
    let mut out = format!(
        "folio {} ({})",
        env!("CARGO_PKG_VERSION"),
        env!("FOLIO_SOURCE_FINGERPRINT")
    );
    for name in names {
        let needle = format!("name = \"{name}\"\nversion = \"");
        if let Some(at) = lock.find(&needle) {
            let rest = &lock[at + needle.len()..];
            let version = rest.split('"').next().unwrap_or("");
            out.push_str(&format!("; {name} {version}"));
        }
    }
    out
}

/// How much of an entry `DiskCache::get_meta` reads at first.
const META_READ: usize = 8 * 1024;

/// One kind of entry (`images/`, `cards/`) in the cache folder.
#[derive(Debug, Clone)]
pub struct DiskCache {
    dir: PathBuf,
    /// Reads only: `put` keeps nothing (`folio check` writes nothing).
    read_only: bool,
}

impl DiskCache {
    /// The store in `<cache_dir>/<kind>`; nothing is created until the first write.
    pub fn new(cache_dir: &Path, kind: &str) -> DiskCache {
        DiskCache {
            dir: cache_dir.join(kind),
            read_only: false,
        }
    }

    /// Where the entry `name` (a key with its extension) lives, whether or not it exists.
    /// Entries are spread over 256 folders by their first two hex digits.
    pub fn path(&self, name: &str) -> PathBuf {
        let shard = name.get(..2).unwrap_or("00");
        self.dir.join(shard).join(name)
    }

    /// The same store, for reading only.
    pub fn read_only(self) -> DiskCache {
        DiskCache {
            read_only: true,
            ..self
        }
    }

    /// The entry's bytes, if it exists.
    pub fn get(&self, name: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(name)).ok()
    }

    /// The metadata of the entry `name` made by [`frame`] with `magic`, reading no more of
    /// the file than the header and the metadata; none when it is missing or no such entry.
    pub fn get_meta(&self, name: &str, magic: &[u8]) -> Option<Vec<u8>> {
        use std::io::Read;
        let mut file = std::fs::File::open(self.path(name)).ok()?;
        // A body's metadata is 2-5 KB: most fit in the first read; the rest is read after.
        let mut head = Vec::with_capacity(META_READ);
        (&mut file)
            .take(META_READ as u64)
            .read_to_end(&mut head)
            .ok()?;
        let start = magic.len() + 8;
        let len = head.strip_prefix(magic)?.get(..8)?;
        let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
        let end = start.checked_add(len)?;
        if head.len() < end {
            let more = u64::try_from(end - head.len()).ok()?;
            file.take(more).read_to_end(&mut head).ok()?;
        }
        let meta = head.get(start..end)?.to_vec();
        Some(meta)
    }

    /// Remove the entries not in `used` that have not been written for `age`, and temporary
    /// files of killed builds: the cache stays bounded by what recent builds need. Returns
    /// how many files were removed.
    pub fn prune(
        &self,
        used: &std::collections::HashSet<String>,
        age: std::time::Duration,
    ) -> usize {
        let mut removed = 0;
        for shard in std::fs::read_dir(&self.dir).into_iter().flatten().flatten() {
            for entry in std::fs::read_dir(shard.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let name = entry.file_name().to_string_lossy().into_owned();
                let path = entry.path();
                let stale = match name.starts_with(".tmp-") {
                    true => older_than(&path, std::time::Duration::from_secs(3600)),
                    false => !used.contains(&name) && older_than(&path, age),
                };
                if stale && std::fs::remove_file(&path).is_ok() {
                    removed += 1;
                }
            }
        }
        removed
    }

    /// The entry `name` read as JSON of a `T`; none when it is missing or is not one.
    pub fn get_json<T: serde::de::DeserializeOwned>(&self, name: &str) -> Option<T> {
        serde_json::from_slice(&self.get(name)?).ok()
    }

    /// Keep `value` as the JSON entry `name`; a failed write only costs the next run time.
    pub fn put_json<T: serde::Serialize>(&self, name: &str, value: &T) {
        if let Ok(bytes) = serde_json::to_vec(value) {
            let _ = self.put(name, &bytes);
        }
    }

    /// Remove the entry `name` (one this folio no longer reads), unless the store is for
    /// reading only.
    pub fn remove(&self, name: &str) {
        if !self.read_only {
            let _ = std::fs::remove_file(self.path(name));
        }
    }

    /// Whether the entry exists (complete: entries only ever appear whole).
    pub fn has(&self, name: &str) -> bool {
        self.path(name).is_file()
    }

    /// Store `bytes` as the entry `name`: written to a temporary file in the same folder,
    /// then renamed over, so readers see the whole entry or none.
    pub fn put(&self, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
        let path = self.path(name);
        if self.read_only {
            return Ok(path);
        }
        let dir = path.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
        tmp.write_all(bytes)?;
        // Entries are copied into the site as they are: readable by everyone, like any file
        // a build writes (temporary files start private).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))?;
        }
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(path)
    }
}

/// Whether `path` (a file or folder) was last modified more than `age` ago; not when it is
/// missing or its time is unknown or in the future.
pub fn older_than(path: &Path, age: std::time::Duration) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t.elapsed().is_ok_and(|d| d > age))
}

/// A value as entries' metadata keep it: bincode, a tenth of JSON's time to read back
/// (a warm build of 10,000 articles reads 10,000 bodies' and 10,000 articles' words').
pub fn encode<T: serde::Serialize>(value: &T) -> Option<Vec<u8>> {
    use bincode::Options as _;
    bincode::DefaultOptions::new().serialize(value).ok()
}

/// The value `encode` made `bytes` from; none for anything else. The limit keeps a damaged
/// length from asking for more memory than the bytes could hold.
pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    use bincode::Options as _;
    bincode::DefaultOptions::new()
        .with_limit(bytes.len() as u64)
        .deserialize(bytes)
        .ok()
}

/// An entry of its kind's `magic` header, metadata (its length first) and bytes kept as
/// they are (escaping megabytes of HTML or packed words would cost more than it saves).
pub fn frame(magic: &[u8], meta: &[u8], tail: &[&[u8]]) -> Vec<u8> {
    let tail_len: usize = tail.iter().map(|t| t.len()).sum();
    let mut bytes = Vec::with_capacity(magic.len() + 8 + meta.len() + tail_len);
    bytes.extend_from_slice(magic);
    bytes.extend_from_slice(&(meta.len() as u64).to_le_bytes());
    bytes.extend_from_slice(meta);
    for t in tail {
        bytes.extend_from_slice(t);
    }
    bytes
}

/// The metadata and the bytes after it of an entry made by [`frame`] with `magic`; none
/// for anything else (a half-written or foreign file is no entry).
pub fn unframe<'a>(bytes: &'a [u8], magic: &[u8]) -> Option<(&'a [u8], &'a [u8])> {
    let rest = bytes.strip_prefix(magic)?;
    let len = usize::try_from(u64::from_le_bytes(rest.get(..8)?.try_into().ok()?)).ok()?;
    let meta = rest.get(8..8usize.checked_add(len)?)?;
    Some((meta, &rest[8 + len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_separate_fields() {
        let a = KeyHasher::new().field(b"ab").field(b"c").finish();
        let b = KeyHasher::new().field(b"a").field(b"bc").finish();
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert_ne!(hash_bytes(b"folio"), hash_bytes(b"folio "));
        assert!(
            ENCODER_VERSIONS.contains("; image 0.25"),
            "{}",
            *ENCODER_VERSIONS
        );
    }

    #[test]
    fn the_metadata_of_a_framed_entry_is_read_alone_at_any_size() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(tmp.path(), "bodies");
        for len in [0, 5, META_READ - 21, META_READ - 20, META_READ, 40_000] {
            let meta = vec![b'm'; len];
            let name = format!("{len:032x}");
            cache
                .put(&name, &frame(b"kind 1\n", &meta, &[b"tail"]))
                .unwrap();
            assert_eq!(cache.get_meta(&name, b"kind 1\n"), Some(meta), "{len}");
            assert_eq!(cache.get_meta(&name, b"kind 2\n"), None);
            // Cut short: no entry.
            let whole = frame(b"kind 1\n", &vec![b'm'; len], &[]);
            cache.put(&name, &whole[..whole.len() - 1]).unwrap();
            assert_eq!(cache.get_meta(&name, b"kind 1\n"), None, "{len} cut");
        }
        assert_eq!(cache.get_meta("ff00", b"kind 1\n"), None, "missing");
    }

    #[test]
    fn a_framed_entry_reads_back_and_anything_else_is_none() {
        let bytes = frame(b"kind 1\n", b"{}", &[b"ab", b"c"]);
        assert_eq!(
            unframe(&bytes, b"kind 1\n"),
            Some((&b"{}"[..], &b"abc"[..]))
        );
        assert_eq!(unframe(&bytes, b"kind 2\n"), None);
        for cut in 0..bytes.len() - 3 {
            assert_eq!(unframe(&bytes[..cut], b"kind 1\n"), None, "cut at {cut}");
        }
        let mut huge = b"kind 1\n".to_vec();
        huge.extend_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(unframe(&huge, b"kind 1\n"), None);
    }

    #[test]
    fn put_is_whole_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path(), "images");
        assert!(!cache.has("ab12.png"));
        let path = cache.put("ab12.png", b"pixels").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"pixels");
        assert!(cache.has("ab12.png"));
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["ab12.png"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
    }
}
