//! A content-addressed store of generated files (image variants, social cards) under the
//! cache folder: an entry's name is a hash of everything that made it, so an entry is
//! never stale, only unused. Writes are atomic (a temporary file renamed into place), so a
//! build killed halfway never leaves a half-written entry behind.

use std::hash::Hasher;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use siphasher::sip128::{Hasher128, SipHasher13};

/// The cache folder of a site when none is given: `<root>/.folio-cache`.
pub fn default_dir(root: &Path) -> PathBuf {
    root.join(".folio-cache")
}

/// A stable 128-bit content hash, as 32 hex digits. SipHash-1-3 with fixed keys: the same
/// bytes give the same name on every machine and every run (not for security).
#[derive(Default)]
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
    let lock = include_str!("../Cargo.lock");
    let mut out = format!("folio {}", env!("CARGO_PKG_VERSION"));
    for name in [
        "image",
        "image-webp",
        "png",
        "zune-jpeg",
        "libwebp-sys",
        "resvg",
    ] {
        let needle = format!("name = \"{name}\"\nversion = \"");
        if let Some(at) = lock.find(&needle) {
            let rest = &lock[at + needle.len()..];
            let version = rest.split('"').next().unwrap_or("");
            out.push_str(&format!("; {name} {version}"));
        }
    }
    out
});

/// One kind of entry (`images/`, `cards/`) in the cache folder.
#[derive(Debug, Clone)]
pub struct DiskCache {
    dir: PathBuf,
}

impl DiskCache {
    /// The store in `<cache_dir>/<kind>`; nothing is created until the first write.
    pub fn new(cache_dir: &Path, kind: &str) -> DiskCache {
        DiskCache {
            dir: cache_dir.join(kind),
        }
    }

    /// Where the entry `name` (a key with its extension) lives, whether or not it exists.
    /// Entries are spread over 256 folders by their first two hex digits.
    pub fn path(&self, name: &str) -> PathBuf {
        let shard = name.get(..2).unwrap_or("00");
        self.dir.join(shard).join(name)
    }

    /// Whether the entry exists (complete: entries only ever appear whole).
    pub fn has(&self, name: &str) -> bool {
        self.path(name).is_file()
    }

    /// Store `bytes` as the entry `name`: written to a temporary file in the same folder,
    /// then renamed over, so readers see the whole entry or none.
    pub fn put(&self, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
        let path = self.path(name);
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
