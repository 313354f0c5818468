//! The default theme, built into the binary (by `build.rs`, from `themes/default/`): what a
//! site without a `themes/default/` folder is rendered with, and what `folio theme eject`
//! writes out. Data only; loading it is `theme.rs`'s job.

use std::sync::LazyLock;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// The theme name that needs no folder.
pub const NAME: &str = "default";

/// How error messages name a built-in template's file: it is not on disk.
pub const SHOWN_AS: &str = "(built-in theme)";

/// Every file of the theme: path inside the theme folder (`templates/base.html`,
/// `static/css/style.css`) and bytes, sorted by path.
pub fn files() -> Vec<(String, &'static [u8])> {
    let mut files: Vec<(String, &'static [u8])> = TEMPLATES
        .iter()
        .map(|(name, text)| (format!("templates/{name}"), text.as_bytes()))
        .chain(
            STATIC
                .iter()
                .chain(OTHER)
                .map(|(path, bytes)| (path.to_string(), *bytes)),
        )
        .collect();
    files.sort();
    files
}

/// A content hash of the whole built-in theme (paths and bytes): its identity, for caches
/// keyed on their inputs. The same bytes give the same value on every machine and release.
pub fn fingerprint() -> u64 {
    static PRINT: LazyLock<u64> = LazyLock::new(|| {
        let mut hash = Fnv::default();
        for (path, bytes) in files() {
            hash.write(path.as_bytes());
            hash.write(&(bytes.len() as u64).to_le_bytes());
            hash.write(bytes);
        }
        hash.0
    });
    *PRINT
}

/// FNV-1a, 64 bits: small, stable across Rust versions (unlike `DefaultHasher`).
pub struct Fnv(pub u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;

    /// Every file under `dir` but editors' leftovers, as (path, `/`-separated path
    /// relative to `dir`), sorted.
    fn files_under(dir: &Path) -> Vec<(std::path::PathBuf, String)> {
        crate::fence::Fence::new(dir)
            .walk(dir)
            .map(|entry| entry.expect("the default theme has no link leading out"))
            .filter(|e| e.file_type().is_file())
            .filter(|e| !crate::content::is_ignored_name(&e.file_name().to_string_lossy()))
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
                let rel = crate::diagnostics::display_path(rel);
                (e.path().to_path_buf(), rel)
            })
            .collect()
    }

    /// The binary carries `themes/default/` exactly: the same files, byte for byte.
    #[test]
    fn built_in_theme_equals_the_default_theme_folder_byte_for_byte() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let on_disk: BTreeMap<String, Vec<u8>> = files_under(&dir)
            .into_iter()
            .map(|(path, rel)| (rel, std::fs::read(path).unwrap()))
            .collect();
        let built_in: BTreeMap<String, Vec<u8>> = files()
            .into_iter()
            .map(|(rel, bytes)| (rel, bytes.to_vec()))
            .collect();
        assert_eq!(
            built_in.keys().collect::<Vec<_>>(),
            on_disk.keys().collect::<Vec<_>>()
        );
        for (rel, bytes) in &on_disk {
            assert!(
                built_in[rel] == *bytes,
                "{rel} differs from the built-in copy"
            );
        }
    }

    #[test]
    fn fingerprint_changes_with_any_byte() {
        let mut a = Fnv::default();
        a.write(b"templates/base.html");
        let mut b = Fnv::default();
        b.write(b"templates/base.htm!");
        assert_ne!(a.0, b.0);
        assert_eq!(fingerprint(), fingerprint());
    }
}
