//! A site's "More articles" picks kept in the disk cache between runs, under a key of every
//! input of the ranking (`rank_all_stored`), a record of which ranking was made last (so the
//! next run can update it), and each article's weighted words under the key of its title,
//! summary and body. Scores and weights are kept as their bits, so what is read back is
//! exactly what was made.

use super::{Pick, Terms};
use crate::disk_cache::{DiskCache, frame, unframe};
use crate::engine::model::RelatedRef;
use crate::key::Key;

/// What the entry starts with; anything else is no ranking (and is made again).
const MAGIC: &[u8] = b"folio ranking 2\n";

/// Bytes of one pick: its target, its score's bits, its flags.
const PICK_BYTES: usize = 4 + 8 + 1;
/// The top bit of a target: an outside entry (its number in the metadata), not an article.
const OUTSIDE: u32 = 1 << 31;

/// The ranking of `articles` articles kept as `name`, if it is there and whole.
pub fn load(cache: &DiskCache, name: &str, articles: usize) -> Option<Vec<Vec<Pick>>> {
    let bytes = cache.get(name)?;
    let (meta, mut rest) = unframe(&bytes, MAGIC)?;
    let outside: Vec<RelatedRef> = serde_json::from_slice(meta).ok()?;
    let target = |n: u32| match n & OUTSIDE {
        0 => ((n as usize) < articles).then_some(RelatedRef::Article(n as usize)),
        _ => outside
            .get((n & !OUTSIDE) as usize)
            .filter(|t| !matches!(t, RelatedRef::Article(_)))
            .cloned(),
    };
    let mut all = Vec::with_capacity(articles);
    for _ in 0..articles {
        let (count, after) = rest.split_first_chunk::<4>()?;
        let count = usize::try_from(u32::from_le_bytes(*count)).ok()?;
        let (list, after) = after.split_at_checked(count.checked_mul(PICK_BYTES)?)?;
        rest = after;
        let picks = list
            .chunks_exact(PICK_BYTES)
            .map(|p| {
                let (n, p) = p.split_first_chunk::<4>()?;
                let (score, flags) = p.split_first_chunk::<8>()?;
                let flags = *flags.first()?;
                (flags <= 0b11).then_some(())?;
                Some(Pick {
                    target: target(u32::from_le_bytes(*n))?,
                    score: f64::from_bits(u64::from_le_bytes(*score)),
                    pinned: flags & 1 != 0,
                    in_series: flags & 2 != 0,
                    shared_tags: Vec::new(),
                    shared_words: Vec::new(),
                })
            })
            .collect::<Option<Vec<Pick>>>()?;
        all.push(picks);
    }
    rest.is_empty().then_some(all)
}

/// Keep `picks` as `name`; a failed write only costs the next run time. Binary, not JSON
/// (reading 3 MB of JSON picks took 11-17 ms of a warm build of 10,000 articles): per
/// article the number of picks, then each pick's target (the article's number, or
/// `OUTSIDE` and the number of an outside entry, which are the metadata as JSON), its
/// score's bits and its flags (pinned, in the series), little-endian.
pub fn store(cache: &DiskCache, name: &str, picks: &[Vec<Pick>]) {
    let mut outside: Vec<&RelatedRef> = Vec::new();
    let total: usize = picks.iter().map(Vec::len).sum();
    let mut packed = Vec::with_capacity(picks.len() * 4 + total * PICK_BYTES);
    for list in picks {
        packed.extend_from_slice(&(list.len() as u32).to_le_bytes());
        for p in list {
            let n = match &p.target {
                RelatedRef::Article(i) => match u32::try_from(*i) {
                    Ok(i) if i < OUTSIDE => i,
                    // Two billion articles: not kept, made again next time.
                    _ => return,
                },
                external => {
                    outside.push(external);
                    OUTSIDE | (outside.len() - 1) as u32
                }
            };
            packed.extend_from_slice(&n.to_le_bytes());
            packed.extend_from_slice(&p.score.to_bits().to_le_bytes());
            packed.push(u8::from(p.pinned) | u8::from(p.in_series) << 1);
        }
    }
    // Strings into a Vec: serde_json cannot fail here.
    let meta = serde_json::to_vec(&outside).unwrap_or_default();
    let _ = cache.put(name, &frame(MAGIC, &meta, &[&packed]));
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
        let mut picks = vec![
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
        picks[1][0].pinned = true;
        picks[1][1].in_series = true;
        store(&cache, "k", &picks);
        assert_eq!(load(&cache, "k", 2), Some(picks.clone()));
        assert_eq!(load(&cache, "k", 3), None, "another site's count");
        assert_eq!(load(&cache, "k", 1), None);
        cache.put("bad", b"{not json").unwrap();
        assert_eq!(load(&cache, "bad", 2), None);
        // Cut anywhere, or one byte more: no ranking.
        let bytes = std::fs::read(cache.path("k")).unwrap();
        for cut in 0..bytes.len() {
            cache.put("cut", &bytes[..cut]).unwrap();
            assert_eq!(load(&cache, "cut", 2), None, "cut at {cut}");
        }
        cache.put("long", &[&bytes[..], &[0]].concat()).unwrap();
        assert_eq!(load(&cache, "long", 2), None);
        // A target past the articles, an outside entry that is not there, unknown flags.
        let (meta, packed) = unframe(&bytes, MAGIC).unwrap();
        let first_target = 4;
        for (at, value) in [
            (first_target, 2u32.to_le_bytes()),
            (first_target, (OUTSIDE | 1).to_le_bytes()),
            (first_target + 12, [4, 0, 0, 0]),
        ] {
            let mut damaged = packed.to_vec();
            let end = if at == first_target + 12 {
                at + 1
            } else {
                at + 4
            };
            damaged[at..end].copy_from_slice(&value[..end - at]);
            cache
                .put("damaged", &frame(MAGIC, meta, &[&damaged]))
                .unwrap();
            assert_eq!(load(&cache, "damaged", 2), None, "{at}: {value:?}");
        }
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
