//! A site's "More articles" picks kept in the disk cache between runs, under a key of every
//! input of the ranking (`rank_all_stored`), a record of which ranking was made last (so the
//! next run can update it), and each article's weighted words under the key of its title,
//! summary and body. Scores and weights are kept as their bits, so what is read back is
//! exactly what was made.

use serde::{Deserialize, Serialize};

use super::{Pick, Terms};
use crate::disk_cache::{DiskCache, frame, unframe};
use crate::engine::model::RelatedRef;
use crate::key::Key;

/// What the entry starts with; anything else is no ranking (and is made again).
const MAGIC: &str = "folio ranking 1";

#[derive(Serialize, Deserialize)]
struct Stored {
    target: RelatedRef,
    score: u64,
    pinned: bool,
    in_series: bool,
}

/// The ranking of `articles` articles kept as `name`, if it is there and whole.
pub fn load(cache: &DiskCache, name: &str, articles: usize) -> Option<Vec<Vec<Pick>>> {
    let (magic, stored): (String, Vec<Vec<Stored>>) = cache.get_json(name)?;
    if magic != MAGIC || stored.len() != articles {
        return None;
    }
    let valid = |t: &RelatedRef| !matches!(t, RelatedRef::Article(i) if *i >= articles);
    stored
        .into_iter()
        .map(|picks| {
            picks
                .into_iter()
                .map(|p| {
                    valid(&p.target).then(|| Pick {
                        target: p.target,
                        score: f64::from_bits(p.score),
                        pinned: p.pinned,
                        in_series: p.in_series,
                        shared_tags: Vec::new(),
                        shared_words: Vec::new(),
                    })
                })
                .collect()
        })
        .collect()
}

/// Keep `picks` as `name`; a failed write only costs the next run time.
pub fn store(cache: &DiskCache, name: &str, picks: &[Vec<Pick>]) {
    let stored: Vec<Vec<Stored>> = picks
        .iter()
        .map(|picks| {
            picks
                .iter()
                .map(|p| Stored {
                    target: p.target.clone(),
                    score: p.score.to_bits(),
                    pinned: p.pinned,
                    in_series: p.in_series,
                })
                .collect()
        })
        .collect();
    cache.put_json(name, &(MAGIC, stored));
}

/// What the record of the last ranking made starts with.
const LAST_MAGIC: &[u8] = b"folio last ranking 1\n";

/// The entry recording which ranking was made last (one per cache folder and folio).
pub fn last_entry() -> String {
    Key::of("last ranking", &*crate::disk_cache::FOLIO_VERSION).hex()
}

/// Record that the last ranking made was of the site with `frame` and words `keys`: the
/// frame's key and the number of articles as the metadata, then the words' keys.
pub fn store_last(cache: &DiskCache, frame_key: Key, keys: &[Key]) {
    let mut meta = frame_key.0.to_vec();
    meta.extend_from_slice(&(keys.len() as u64).to_le_bytes());
    let packed: Vec<u8> = keys.iter().flat_map(|k| k.0).collect();
    let _ = cache.put(&last_entry(), &frame(LAST_MAGIC, &meta, &[&packed]));
}

/// The frame and words' keys of the last ranking made, if recorded whole.
pub fn load_last(cache: &DiskCache) -> Option<(Key, Vec<Key>)> {
    let bytes = cache.get(&last_entry())?;
    let (meta, packed) = unframe(&bytes, LAST_MAGIC)?;
    let (frame_key, count) = meta.split_at_checked(16)?;
    let count = usize::try_from(u64::from_le_bytes(count.try_into().ok()?)).ok()?;
    if Some(packed.len()) != count.checked_mul(16) {
        return None;
    }
    let frame_key = Key(frame_key.try_into().ok()?);
    let keys = packed
        .chunks_exact(16)
        .map(|c| Key(c.try_into().unwrap_or_default()))
        .collect();
    Some((frame_key, keys))
}

/// What an article's words entry starts with.
const TERMS_MAGIC: &[u8] = b"folio ranking terms 1\n";

/// An article's words as an entry: their count (the metadata), then per word its key and
/// its weight's bits, little-endian.
pub fn terms_to_bytes(terms: &Terms) -> Vec<u8> {
    let packed: Vec<u8> = terms
        .iter()
        .flat_map(|(key, weight)| {
            let mut both = [0u8; 16];
            both[..8].copy_from_slice(&key.to_le_bytes());
            both[8..].copy_from_slice(&weight.to_bits().to_le_bytes());
            both
        })
        .collect();
    frame(TERMS_MAGIC, terms.len().to_string().as_bytes(), &[&packed])
}

/// An article's words from an entry made by [`terms_to_bytes`], if it is whole: as many
/// as it says, keys in strictly increasing order, weights finite and positive.
pub fn terms_from_bytes(bytes: &[u8]) -> Option<Terms> {
    let (meta, packed) = unframe(bytes, TERMS_MAGIC)?;
    let count: usize = std::str::from_utf8(meta).ok()?.parse().ok()?;
    if Some(packed.len()) != count.checked_mul(16) {
        return None;
    }
    let terms: Terms = packed
        .chunks_exact(16)
        .map(|c| {
            let key = u64::from_le_bytes(c[..8].try_into().unwrap_or_default());
            let weight = f64::from_bits(u64::from_le_bytes(c[8..].try_into().unwrap_or_default()));
            (key, weight)
        })
        .collect();
    let sorted = terms.windows(2).all(|w| w[0].0 < w[1].0);
    let weighed = terms.iter().all(|(_, w)| w.is_finite() && *w > 0.0);
    (sorted && weighed).then_some(terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ranking_reads_back_exactly_and_garbage_reads_as_none() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(tmp.path(), "ranking");
        let pick = |target, score| Pick {
            target,
            score,
            pinned: false,
            in_series: false,
            shared_tags: Vec::new(),
            shared_words: Vec::new(),
        };
        let picks = vec![
            vec![pick(RelatedRef::Article(1), 0.1 + 0.2)],
            vec![
                pick(RelatedRef::Article(0), 1.0 / 3.0),
                pick(
                    RelatedRef::External {
                        title: "T".into(),
                        url: "https://example.com/".into(),
                        summary: String::new(),
                    },
                    0.0,
                ),
            ],
        ];
        store(&cache, "k", &picks);
        assert_eq!(load(&cache, "k", 2), Some(picks));
        assert_eq!(load(&cache, "k", 3), None, "another site's count");
        assert_eq!(load(&cache, "k", 1), None);
        cache.put("bad", b"{not json").unwrap();
        assert_eq!(load(&cache, "bad", 2), None);
    }

    #[test]
    fn the_last_ranking_reads_back_and_a_cut_record_is_none() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(tmp.path(), "ranking");
        assert_eq!(load_last(&cache), None);
        let keys = vec![Key::of("t", &1), Key::of("t", &2)];
        store_last(&cache, Key::of("frame", &0), &keys);
        assert_eq!(load_last(&cache), Some((Key::of("frame", &0), keys)));
        let path = cache.path(&last_entry());
        let bytes = std::fs::read(&path).unwrap();
        for cut in [bytes.len() - 1, bytes.len() - 16, 30, 3] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            assert_eq!(load_last(&cache), None, "cut at {cut}");
        }
    }

    #[test]
    fn words_read_back_exactly_and_damaged_ones_are_none() {
        let terms: Terms = vec![(3, 1.0), (17, 0.1 + 0.2), (u64::MAX, 6.0)];
        let bytes = terms_to_bytes(&terms);
        assert_eq!(terms_from_bytes(&bytes), Some(terms.clone()));
        assert_eq!(
            terms_from_bytes(&terms_to_bytes(&Vec::new())),
            Some(Vec::new())
        );
        for cut in 0..bytes.len() {
            assert_eq!(terms_from_bytes(&bytes[..cut]), None, "cut at {cut}");
        }
        let unsorted: Terms = vec![(17, 1.0), (3, 1.0)];
        assert_eq!(terms_from_bytes(&terms_to_bytes(&unsorted)), None);
        let repeated: Terms = vec![(3, 1.0), (3, 2.0)];
        assert_eq!(terms_from_bytes(&terms_to_bytes(&repeated)), None);
        for weight in [f64::NAN, f64::INFINITY, 0.0, -1.0] {
            assert_eq!(terms_from_bytes(&terms_to_bytes(&vec![(1, weight)])), None);
        }
        assert_eq!(terms_from_bytes(b"folio body 1\n"), None);
    }
}
