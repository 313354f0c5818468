//! Many small entries of one kind kept as one file: a pack. A warm build of 10,000 articles
//! wants each article's words twice (ranking and search): 20,000 small files opened and read
//! took 0.2 s, one pack of each kind is one read. Each entry of a pack is still named by
//! the key of everything it was made from, so a pack is never stale, only holds entries no
//! build asks for any more; a pack cut short or damaged reads as empty.

use std::ops::Range;

use rustc_hash::FxHashMap;

use super::DiskCache;
use crate::key::Key;

/// What a pack starts with; anything else is no pack.
const MAGIC: &[u8] = b"folio pack 1\n";
/// Per entry in the table: its key and its length.
const ROW: usize = 16 + 8;

/// A pack read from the cache: its bytes, and where each entry's bytes are.
#[derive(Default)]
pub struct Pack {
    bytes: Vec<u8>,
    at: FxHashMap<Key, Range<usize>>,
}

impl Pack {
    /// The pack `name` of `cache`; empty when it is missing or not whole.
    pub fn load(cache: &DiskCache, name: &str) -> Pack {
        cache
            .get(name)
            .and_then(Pack::from_bytes)
            .unwrap_or_default()
    }

    /// The bytes of the entry with `key`, if the pack holds it.
    pub fn get(&self, key: &Key) -> Option<&[u8]> {
        self.at.get(key).map(|r| &self.bytes[r.clone()])
    }

    /// How many entries the pack holds.
    pub fn len(&self) -> usize {
        self.at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }

    /// Keep `entries` as the pack `name` of `cache`, replacing the one there (atomically,
    /// like any entry); a failed write only costs the next run time.
    pub fn store(cache: &DiskCache, name: &str, entries: &[(Key, Vec<u8>)]) {
        let _ = cache.put(name, &Pack::to_bytes(entries));
    }

    /// The magic, the number of entries, a table of (key, length) per entry, then their
    /// bytes one after the other.
    fn to_bytes(entries: &[(Key, Vec<u8>)]) -> Vec<u8> {
        let data: usize = entries.iter().map(|(_, b)| b.len()).sum();
        let mut out = Vec::with_capacity(MAGIC.len() + 8 + entries.len() * ROW + data);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(entries.len() as u64).to_le_bytes());
        for (key, bytes) in entries {
            out.extend_from_slice(&key.0);
            out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        }
        for (_, bytes) in entries {
            out.extend_from_slice(bytes);
        }
        out
    }

    /// A pack made by `to_bytes`, if it is exactly that: the lengths in its table add up to
    /// the bytes after it, no more, no less.
    fn from_bytes(bytes: Vec<u8>) -> Option<Pack> {
        let rest = bytes.strip_prefix(MAGIC)?;
        let count = usize::try_from(u64::from_le_bytes(rest.get(..8)?.try_into().ok()?)).ok()?;
        let table_start = MAGIC.len() + 8;
        let mut start = table_start.checked_add(count.checked_mul(ROW)?)?;
        let table = bytes.get(table_start..start)?;
        let mut at = FxHashMap::default();
        at.reserve(count);
        for row in table.chunks_exact(ROW) {
            let key = Key(row[..16].try_into().ok()?);
            let len = usize::try_from(u64::from_le_bytes(row[16..].try_into().ok()?)).ok()?;
            let end = start.checked_add(len)?;
            at.insert(key, start..end);
            start = end;
        }
        (start == bytes.len()).then_some(Pack { bytes, at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> Key {
        Key([n; 16])
    }

    #[test]
    fn a_pack_reads_back_every_entry_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(tmp.path(), "ranking");
        let entries = vec![
            (key(1), b"one".to_vec()),
            (key(2), Vec::new()),
            (key(3), vec![7u8; 10_000]),
        ];
        Pack::store(&cache, "p", &entries);
        let pack = Pack::load(&cache, "p");
        assert_eq!(pack.len(), 3);
        for (k, bytes) in &entries {
            assert_eq!(pack.get(k), Some(&bytes[..]));
        }
        assert_eq!(pack.get(&key(4)), None);
        assert!(Pack::load(&cache, "missing").is_empty());
    }

    #[test]
    fn a_cut_or_padded_pack_is_empty() {
        let bytes = Pack::to_bytes(&[(key(1), b"one".to_vec()), (key(2), b"two".to_vec())]);
        assert!(Pack::from_bytes(bytes.clone()).is_some());
        for cut in 0..bytes.len() {
            assert!(
                Pack::from_bytes(bytes[..cut].to_vec()).is_none(),
                "cut at {cut}"
            );
        }
        let mut padded = bytes.clone();
        padded.push(0);
        assert!(Pack::from_bytes(padded).is_none());
        let mut huge = MAGIC.to_vec();
        huge.extend_from_slice(&u64::MAX.to_le_bytes());
        assert!(Pack::from_bytes(huge).is_none());
        assert!(Pack::from_bytes(b"folio body 1\n".to_vec()).is_none());
    }
}
