//! Per-article values that a build needs for every article (the words ranking and search
//! read), kept between runs: in the process by `Memo`, and on disk in one pack per kind
//! (`disk_cache::pack`), with single entries beside it for the few values made since the
//! pack was last written. A new process that needs them all reads one file, not 10,000; an
//! edit writes one small entry, not the whole pack again.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

use rayon::prelude::*;

use super::memo::Memo;
use crate::disk_cache::DiskCache;
use crate::disk_cache::pack::Pack;
use crate::key::Key;

/// While the memo lacks no more values than this, they are looked for as single entries
/// and the pack is not read (a watched site's edit).
pub const FEW: usize = 64;

/// Whether a pack read for `total` values, of which `outside` were not in it, should be
/// written again with them all: once the single entries beside it are more than a few.
pub fn repack(outside: usize, total: usize) -> bool {
    outside > FEW.max(total / 32)
}

/// One kind of per-article value in a cache folder: its pack and its single entries, both
/// named by the key of what made each value (`stored` keys).
pub struct Packed<'a> {
    cache: &'a DiskCache,
    name: String,
    pack: OnceLock<Pack>,
}

/// How a kind of value is written to and read from bytes; `decode` gets the value's key
/// too, and answers none for anything that is not a whole value.
pub struct Codec<V> {
    pub encode: fn(&V) -> Vec<u8>,
    pub decode: fn(Key, &[u8]) -> Option<V>,
}

impl<'a> Packed<'a> {
    /// The pack of `kind` (e.g. "ranking terms") in `cache`.
    pub fn new(cache: &'a DiskCache, kind: &str) -> Packed<'a> {
        Packed {
            cache,
            name: pack_key(kind).hex(),
            pack: OnceLock::new(),
        }
    }

    fn pack(&self) -> &Pack {
        self.pack.get_or_init(|| Pack::load(self.cache, &self.name))
    }

    /// The value with `key`, stored under `stored`: in the pack, else as a single entry.
    pub fn get<V>(&self, key: Key, stored: Key, codec: &Codec<V>) -> Option<V> {
        self.packed(key, stored, codec)
            .or_else(|| self.single(key, stored, codec))
    }

    fn packed<V>(&self, key: Key, stored: Key, codec: &Codec<V>) -> Option<V> {
        let bytes = self.pack().get(&stored)?;
        (codec.decode)(key, bytes)
    }

    /// The cache folder the pack and entries are in.
    pub fn cache(&self) -> &DiskCache {
        self.cache
    }

    fn single<V>(&self, key: Key, stored: Key, codec: &Codec<V>) -> Option<V> {
        let bytes = self.cache.get(&stored.hex())?;
        (codec.decode)(key, &bytes)
    }
}

/// The key naming the pack of `kind` (each folio keeps its own).
pub fn pack_key(kind: &str) -> Key {
    Key::of("pack", &(kind, &*crate::disk_cache::FOLIO_VERSION))
}

/// Where values are kept on disk: the pack, and the key each value is stored under.
pub type Store<'a> = Option<(&'a Packed<'a>, &'a [Key])>;

/// How one kind of per-article value is kept on disk: what `take_all_kept` asks of it.
pub trait Keeping<V>: Sync {
    /// The kind's pack and single entries.
    fn packed(&self) -> &Packed<'_>;
    /// The key value `i` is stored under.
    fn stored(&self, i: usize) -> Key;
    /// Value `i` from its bytes in the pack; none for anything that is not a whole value.
    fn unpack(&self, i: usize, bytes: &[u8]) -> Option<V>;
    /// Value `i` from its single entry.
    fn read(&self, i: usize) -> Option<V>;
    /// The bytes of `value` in the pack; none leaves it out.
    fn pack_bytes(&self, value: &V) -> Option<Vec<u8>>;
    /// Keep value `i`, just made, as a single entry; `repacked` says it is in a new pack
    /// too. A failed write only costs the next run time.
    fn keep(&self, i: usize, value: &V, repacked: bool);
}

/// The keeping of values that are their bytes alone (`codec`): value `i` has `keys[i]`
/// and is stored under `stored[i]`; a value in the pack needs no single entry.
struct Coded<'a, V> {
    packed: &'a Packed<'a>,
    keys: &'a [Key],
    stored: &'a [Key],
    codec: &'a Codec<V>,
}

impl<V> Keeping<V> for Coded<'_, V> {
    fn packed(&self) -> &Packed<'_> {
        self.packed
    }
    fn stored(&self, i: usize) -> Key {
        self.stored[i]
    }
    fn unpack(&self, i: usize, bytes: &[u8]) -> Option<V> {
        (self.codec.decode)(self.keys[i], bytes)
    }
    fn read(&self, i: usize) -> Option<V> {
        self.packed.single(self.keys[i], self.stored[i], self.codec)
    }
    fn pack_bytes(&self, value: &V) -> Option<Vec<u8>> {
        Some((self.codec.encode)(value))
    }
    fn keep(&self, i: usize, value: &V, repacked: bool) {
        if !repacked {
            let _ = self
                .packed
                .cache
                .put(&self.stored[i].hex(), &(self.codec.encode)(value));
        }
    }
}

/// Where a value of `take_all_kept` came from.
const KEPT: u8 = 0;
const PACKED: u8 = 1;
const SINGLE: u8 = 2;
const MADE: u8 = 3;

/// The values for `keys`, in order: kept in `memo`, else read from `store` (a value with
/// `keys[i]` is stored under its `i`-th key) by `codec`, else made by `make(scratch, i)` in
/// parallel. See `take_all_kept`.
pub fn take_all<V: Clone + Send + Sync, S>(
    memo: &mut Memo<V>,
    keys: &[Key],
    store: Store,
    codec: &Codec<V>,
    scratch: impl Fn() -> S + Sync + Send,
    make: impl Fn(&mut S, usize) -> V + Sync,
) -> Vec<V> {
    let coded = store.map(|(packed, stored)| Coded {
        packed,
        keys,
        stored,
        codec,
    });
    take_all_kept(memo, keys, coded.as_ref(), scratch, make)
}

/// The values for `keys`, in order: kept in `memo`, else read as `keeping` keeps them (from
/// the pack when the memo lacks many, else from single entries), else made by
/// `make(scratch, i)` in parallel. What was made is kept: as single entries while they are
/// few, else in a new pack of every value this build used (which then holds them all again).
pub fn take_all_kept<V: Clone + Send + Sync, S>(
    memo: &mut Memo<V>,
    keys: &[Key],
    keeping: Option<&impl Keeping<V>>,
    scratch: impl Fn() -> S + Sync + Send,
    make: impl Fn(&mut S, usize) -> V + Sync,
) -> Vec<V> {
    let lacking = memo.lacks(keys);
    let use_pack = lacking > FEW;
    let source: Vec<AtomicU8> = keys.iter().map(|_| AtomicU8::new(KEPT)).collect();
    let (values, _) = memo.take_all_with(keys, scratch, |s, i| {
        if let Some(keeping) = keeping {
            let packed = use_pack
                .then(|| keeping.packed().pack().get(&keeping.stored(i)))
                .flatten()
                .and_then(|bytes| keeping.unpack(i, bytes));
            if let Some(v) = packed {
                source[i].store(PACKED, Ordering::Relaxed);
                return v;
            }
            if let Some(v) = keeping.read(i) {
                source[i].store(SINGLE, Ordering::Relaxed);
                return v;
            }
        }
        source[i].store(MADE, Ordering::Relaxed);
        make(s, i)
    });
    let Some(keeping) = keeping else {
        return values;
    };
    let from = |i: usize| source[i].load(Ordering::Relaxed);
    let outside_pack = (0..keys.len())
        .filter(|&i| matches!(from(i), SINGLE | MADE))
        .count();
    let repacked = use_pack && repack(outside_pack, keys.len());
    if repacked {
        let entries: Vec<(Key, Vec<u8>)> = values
            .par_iter()
            .enumerate()
            .filter_map(|(i, v)| Some((keeping.stored(i), keeping.pack_bytes(v)?)))
            .collect();
        let packed = keeping.packed();
        Pack::store(packed.cache, &packed.name, &entries);
    }
    (0..keys.len())
        .into_par_iter()
        .filter(|&i| from(i) == MADE)
        .for_each(|i| keeping.keep(i, &values[i], repacked));
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODEC: Codec<u64> = Codec {
        encode: |v| v.to_le_bytes().to_vec(),
        decode: |_, b| Some(u64::from_le_bytes(b.try_into().ok()?)),
    };

    fn keys(nums: &[u64]) -> Vec<Key> {
        nums.iter().map(|n| Key::of("test", n)).collect()
    }

    /// Values (ten times each number) for `nums` from a fresh memo, as a new process would
    /// take them: how many were made.
    fn run(cache: &DiskCache, nums: &[u64]) -> usize {
        let store = Packed::new(cache, "test");
        let made = std::sync::atomic::AtomicUsize::new(0);
        let keys = keys(nums);
        let values = take_all(
            &mut Memo::default(),
            &keys,
            Some((&store, &keys)),
            &CODEC,
            || (),
            |_, i| {
                made.fetch_add(1, Ordering::Relaxed);
                nums[i] * 10
            },
        );
        assert_eq!(values, nums.iter().map(|n| n * 10).collect::<Vec<_>>());
        made.into_inner()
    }

    fn files(dir: &std::path::Path) -> usize {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .filter(|e| e.as_ref().is_ok_and(|e| e.file_type().is_file()))
            .count()
    }

    #[test]
    fn many_made_go_to_a_pack_and_a_few_to_single_entries() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(tmp.path(), "test");
        let all: Vec<u64> = (0..1000).collect();
        assert_eq!(run(&cache, &all), 1000);
        assert_eq!(files(tmp.path()), 1, "one pack, no single entries");
        assert_eq!(run(&cache, &all), 0, "all read back from the pack");
        // One value changed: made once, kept beside the pack.
        let mut edited = all.clone();
        edited[5] = 1_000_000;
        assert_eq!(run(&cache, &edited), 1);
        assert_eq!(files(tmp.path()), 2);
        assert_eq!(run(&cache, &edited), 0, "the single entry is read");
        // Many changed: a new pack holding them all.
        let other: Vec<u64> = (500..1500).collect();
        assert_eq!(run(&cache, &other), 500);
        assert_eq!(run(&cache, &other), 0);
        let store = Packed::new(&cache, "test");
        assert_eq!(store.pack().len(), 1000);
        let last = keys(&[1499])[0];
        assert_eq!(store.get(last, last, &CODEC), Some(14990));
    }

    #[test]
    fn a_kept_memo_reads_nothing_and_a_damaged_pack_is_made_again() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(tmp.path(), "test");
        let nums: Vec<u64> = (0..200).collect();
        let all = keys(&nums);
        let store = Packed::new(&cache, "test");
        let mut memo = Memo::default();
        let take = |memo: &mut Memo<u64>| {
            take_all(
                memo,
                &all,
                Some((&store, &all)),
                &CODEC,
                || (),
                |_, i| nums[i] * 10,
            )
        };
        take(&mut memo);
        std::fs::remove_dir_all(tmp.path()).unwrap();
        assert_eq!(take(&mut memo)[7], 70, "from the memo, with the cache gone");
        assert_eq!(files(tmp.path()), 0);
        // A pack cut short counts as none: every value is made again.
        take(&mut Memo::default());
        let path = cache.path(&pack_key("test").hex());
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert_eq!(run(&cache, &nums), 200);
    }
}
