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

    /// The key of raw bytes (file contents): the bytes alone, without folio's version, so
    /// the same file has the same key in every release. Its first digits are the `?h=`
    /// cache-bust value in asset URLs, which must not move (and make every visitor fetch
    /// the stylesheet again) when only folio changed. Safe wherever it names bytes as they
    /// are: what folio makes *from* them is keyed with its version (`Key::of`, the disk
    /// cache's version strings).
    pub fn of_bytes(bytes: &[u8]) -> Key {
        Key::lasting("bytes", bytes)
    }

    /// The key of `bytes` in `domain`, without folio's version and sources (which every
    /// other key has): for names that must stay the same from one release to the next.
    pub fn lasting(domain: &str, bytes: &[u8]) -> Key {
        let mut h = blake3::Hasher::new();
        h.update(domain.as_bytes());
        h.update(&[0]);
        h.update(bytes);
        Key::first_half(&h.finalize())
    }

    /// A key is the first 16 bytes of a BLAKE3 hash.
    fn first_half(hash: &blake3::Hash) -> Key {
        let mut out = [0u8; 16];
        out.copy_from_slice(&hash.as_bytes()[..16]);
        Key(out)
    }

    /// Lowercase hex, e.g. for file names in a cache folder.
    /// One formatting call, not one per byte: a manifest of 16,000 files writes and reads
    /// two keys a line.
    pub fn hex(&self) -> String {
        format!("{:032x}", u128::from_be_bytes(self.0))
    }

    /// The key written as `hex` writes it; `None` for anything else.
    pub fn from_hex(hex: &str) -> Option<Key> {
        // Digits only: `from_str_radix` would take a leading `+` too.
        if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(Key(u128::from_str_radix(hex, 16).ok()?.to_be_bytes()))
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
///
/// `Hash` writes a struct a field at a time, most of them a few bytes (a length, a number, a
/// short string): those are gathered in a buffer and handed to BLAKE3 a block at a time,
/// which takes a third of the time of one call per field. BLAKE3 gives the same hash however
/// its input is cut, so the keys are the same either way. Most keys fit the buffer whole:
/// those are hashed in one call at the end, and a hasher (nearly 2 KB of state, copied on
/// every move) is made only for a key whose input outgrows the buffer.
pub struct KeyHasher {
    hasher: Option<Box<blake3::Hasher>>,
    buffer: [u8; BUFFER],
    filled: usize,
}

/// Bytes gathered before BLAKE3 sees them: a few of its 64-byte blocks.
const BUFFER: usize = 512;

impl KeyHasher {
    pub fn new(domain: &str) -> KeyHasher {
        let mut h = KeyHasher {
            hasher: None,
            buffer: [0; BUFFER],
            filled: 0,
        };
        // Folio's version and a digest of its sources (build.rs) are in every key: another
        // release, or a build of other code, never reuses what this one kept on disk (the
        // cache folder, the output manifest).
        h.put(env!("CARGO_PKG_VERSION").as_bytes());
        h.put(&[0]);
        h.put(env!("FOLIO_SOURCE_FINGERPRINT").as_bytes());
        h.put(&[0]);
        h.put(domain.as_bytes());
        h.put(&[0]);
        h
    }

    /// Add anything hashable.
    pub fn add<T: Hash + ?Sized>(&mut self, value: &T) -> &mut Self {
        value.hash(self);
        self
    }

    pub fn key(&self) -> Key {
        let rest = &self.buffer[..self.filled];
        match &self.hasher {
            None => Key::first_half(&blake3::hash(rest)),
            Some(hasher) => {
                let mut hasher = (**hasher).clone();
                hasher.update(rest);
                Key::first_half(&hasher.finalize())
            }
        }
    }

    fn put(&mut self, bytes: &[u8]) {
        if self.filled + bytes.len() > BUFFER {
            let hasher = self.hasher.get_or_insert_with(Box::default);
            hasher.update(&self.buffer[..self.filled]);
            self.filled = 0;
            if bytes.len() > BUFFER {
                hasher.update(bytes);
                return;
            }
        }
        self.buffer[self.filled..self.filled + bytes.len()].copy_from_slice(bytes);
        self.filled += bytes.len();
    }
}

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.put(bytes);
    }
    fn write_u8(&mut self, n: u8) {
        self.put(&[n]);
    }
    fn write_u16(&mut self, n: u16) {
        self.put(&n.to_le_bytes());
    }
    fn write_u32(&mut self, n: u32) {
        self.put(&n.to_le_bytes());
    }
    fn write_u64(&mut self, n: u64) {
        self.put(&n.to_le_bytes());
    }
    fn write_usize(&mut self, n: usize) {
        self.put(&(n as u64).to_le_bytes());
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
        assert_eq!(Key::from_hex(&format!("+{}", "0".repeat(31))), None);
        // Byte by byte, first byte first, two lowercase digits each.
        let bytes: [u8; 16] = std::array::from_fn(|i| (i as u8).wrapping_mul(17).wrapping_add(1));
        let per_byte: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(Key(bytes).hex(), per_byte);
        assert_eq!(Key(bytes).short(), per_byte[..8]);
        assert_eq!(Key::from_hex(&per_byte.to_uppercase()), Some(Key(bytes)));
        assert_eq!(Key([0; 16]).hex(), "0".repeat(32));
    }

    /// A file's key is fixed by its bytes: a literal, so salting it with folio's version
    /// again (which changes with every edit of folio's sources) fails here.
    #[test]
    fn content_keys_are_the_same_in_every_release() {
        let css = Key::of_bytes(b"body { color: #123456 }\n");
        assert_eq!(css.hex(), "43c6ebe4f6222043c7fe9d86db2a0e3e");
        assert_ne!(css, Key::of_bytes(b"body { color: #123457 }\n"));
        assert_ne!(Key::of_bytes(b""), Key::lasting("other", b""));
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

    /// The buffer changes nothing: a key is BLAKE3 of the prefix and every byte written,
    /// however the writes are cut (small, across the buffer's end, bigger than it).
    #[test]
    fn buffered_writes_hash_as_one_stream() {
        // Short inputs (hashed from the buffer alone) and long ones (through a hasher).
        for len in [10u32, 300, 5000] {
            hashes_as_one_stream(len);
        }
    }

    fn hashes_as_one_stream(len: u32) {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 7 + i / 13) as u8).collect();
        let mut whole = blake3::Hasher::new();
        whole.update(env!("CARGO_PKG_VERSION").as_bytes());
        whole.update(&[0]);
        whole.update(env!("FOLIO_SOURCE_FINGERPRINT").as_bytes());
        whole.update(&[0]);
        whole.update(b"d\0");
        whole.update(&bytes);
        let finished = whole.finalize();
        let expected = &finished.as_bytes()[..16];
        for cuts in [
            vec![1],
            vec![3, 1, 8],
            vec![511, 1, 2],
            vec![BUFFER],
            vec![BUFFER + 1, 5],
            vec![2000, 1],
            vec![5000],
        ] {
            let mut h = KeyHasher::new("d");
            let mut at = 0;
            for len in cuts.iter().cycle() {
                if at == bytes.len() {
                    break;
                }
                let end = (at + len).min(bytes.len());
                h.write(&bytes[at..end]);
                at = end;
            }
            assert_eq!(&h.key().0[..], expected, "{len} bytes cut {cuts:?}");
            // Asking for the key leaves the hasher as it was.
            assert_eq!(h.key(), h.key());
        }
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
