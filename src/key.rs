//! Keys: 128-bit BLAKE3 digests naming a derived value by *all* of its inputs. Two values
//! with the same key are interchangeable, which is what lets every cache in the engine be
//! reused without a hand-kept list of what changed. Pure; no I/O.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// What a derived value was made from, as a digest.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub struct Key(pub [u8; 16]);

impl Key {
    /// The key of `value` in `domain` (a name per kind of value, so that two kinds built from
    /// the same inputs never share a key).
    pub fn of<T: Hash + ?Sized>(domain: &str, value: &T) -> Key {
        let mut h = KeyHasher::new(domain);
        value.hash(&mut h);
        h.key()
    }

    /// The key of raw bytes (file contents).
    pub fn of_bytes(bytes: &[u8]) -> Key {
        let mut h = KeyHasher::new("bytes");
        h.write(bytes);
        h.key()
    }

    /// Lowercase hex, e.g. for file names in a cache folder.
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The key written as `hex` writes it; `None` for anything else.
    pub fn from_hex(hex: &str) -> Option<Key> {
        if hex.len() != 32 || !hex.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 16];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Key(bytes))
    }

    /// The first 8 hex digits: enough to bust browser caches.
    pub fn short(&self) -> String {
        self.hex()[..8].to_string()
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({})", &self.hex()[..12])
    }
}

/// Feeds `Hash` implementations into BLAKE3. Integers go in as little-endian bytes, so a key
/// is the same on every machine of either byte order (the disk cache may travel between CI
/// runners).
pub struct KeyHasher(blake3::Hasher);

impl KeyHasher {
    pub fn new(domain: &str) -> KeyHasher {
        let mut h = blake3::Hasher::new();
        // Folio's version and a digest of its sources (build.rs) are in every key: another
        // release, or a build of other code, never reuses what this one kept on disk (the
        // cache folder, the output manifest).
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(&[0]);
        h.update(env!("FOLIO_SOURCE_FINGERPRINT").as_bytes());
        h.update(&[0]);
        h.update(domain.as_bytes());
        h.update(&[0]);
        KeyHasher(h)
    }

    /// Add anything hashable.
    pub fn add<T: Hash + ?Sized>(&mut self, value: &T) -> &mut Self {
        value.hash(self);
        self
    }

    pub fn key(&self) -> Key {
        let mut out = [0u8; 16];
        out.copy_from_slice(&self.0.finalize().as_bytes()[..16]);
        Key(out)
    }
}

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    fn write_u8(&mut self, n: u8) {
        self.0.update(&[n]);
    }
    fn write_u16(&mut self, n: u16) {
        self.0.update(&n.to_le_bytes());
    }
    fn write_u32(&mut self, n: u32) {
        self.0.update(&n.to_le_bytes());
    }
    fn write_u64(&mut self, n: u64) {
        self.0.update(&n.to_le_bytes());
    }
    fn write_usize(&mut self, n: usize) {
        self.0.update(&(n as u64).to_le_bytes());
    }
    fn finish(&self) -> u64 {
        let k = self.key().0;
        u64::from_le_bytes([k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]])
    }
}

/// A value with its key, computed once when the value was made. Hashing a `Keyed` hashes
/// only the key, so structures that contain large keyed values (bodies, summaries) get
/// their own key cheaply, without reading those values again.
#[derive(Debug, Clone)]
pub struct Keyed<T> {
    key: Key,
    value: T,
}

impl<T> Keyed<T> {
    pub fn new(key: Key, value: T) -> Keyed<T> {
        Keyed { key, value }
    }

    pub fn key(&self) -> Key {
        self.key
    }
}

impl<T> Deref for Keyed<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> Hash for Keyed<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl<T> PartialEq for Keyed<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<T> Eq for Keyed<T> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_reads_back() {
        let k = Key::of("a", "x");
        assert_eq!(Key::from_hex(&k.hex()), Some(k));
        assert_eq!(Key::from_hex("zz"), None);
        assert_eq!(Key::from_hex(&"g".repeat(32)), None);
        assert_eq!(Key::from_hex(&"é".repeat(16)), None);
    }

    #[test]
    fn domains_keep_equal_inputs_apart() {
        assert_ne!(Key::of("a", "x"), Key::of("b", "x"));
        assert_eq!(Key::of("a", "x"), Key::of("a", "x"));
    }

    #[test]
    fn a_keyed_value_hashes_as_its_key() {
        let big = Keyed::new(Key::of("k", &1), "a very large value".repeat(1000));
        let small = Keyed::new(Key::of("k", &1), String::new());
        assert_eq!(Key::of("page", &big), Key::of("page", &small));
    }

    #[test]
    fn keys_do_not_depend_on_the_platform_word_size() {
        let mut a = KeyHasher::new("n");
        a.write_usize(7);
        let mut b = KeyHasher::new("n");
        b.write_u64(7);
        assert_eq!(a.key(), b.key());
    }
}
