//! A site's "More articles" picks kept in the disk cache between runs, under a key of every
//! input of the ranking (`rank_all_stored`). Scores are kept as their bits, so a ranking
//! read back is exactly the one that was made.

use serde::{Deserialize, Serialize};

use super::Pick;
use crate::disk_cache::DiskCache;
use crate::engine::model::RelatedRef;

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
}
