//! Ranking "More articles": pinned `related` entries first, then the most relevant other
//! articles by shared tags (weighted by rarity) and shared keywords of title, summary and
//! body. Uses inverted indexes, never all pairs, so it stays fast at 10,000 articles.

use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use rayon::prelude::*;

use super::memo::Memo;
use super::model::{RelatedRef, Site};
use crate::key::Key;

/// Shared tags count this much more than a shared keyword of the same rarity.
const TAG_WEIGHT: f64 = 2.0;
/// Keywords kept per article: the terms that best tell it apart from the rest.
const KEYWORDS_PER_ARTICLE: usize = 16;

/// One entry of an article's "More articles", with why it was picked.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub target: RelatedRef,
    /// 0 for pinned entries.
    pub score: f64,
    pub pinned: bool,
    pub shared_tags: Vec<String>,
    pub shared_words: Vec<String>,
}

/// An article's features for ranking: tag slugs and weighted keywords.
struct Features {
    keywords: Vec<(u32, f64)>,
}

/// An article's words as (`word_key`, weight), sorted by key.
type Terms = Vec<(u64, f64)>;

/// What ranking keeps between builds: each article's weighted words (by the key of its
/// title, summary and body) and the last picks (by the key of everything they depend on).
#[derive(Default)]
pub struct RankMemo {
    terms: Memo<Arc<Terms>>,
    picks: Memo<Arc<Vec<Vec<Pick>>>>,
}

impl RankMemo {
    /// Forget everything.
    pub fn clear(&mut self) {
        self.terms.clear();
        self.picks.clear();
    }
}

/// Every article's words, reusing `memo`; and their keys.
fn all_terms(site: &Site, memo: &mut Memo<Arc<Terms>>) -> (Vec<Arc<Terms>>, Vec<Key>) {
    let keys: Vec<Key> = site
        .articles
        .iter()
        .map(|a| {
            let fm = &a.source.front_matter;
            Key::of("terms", &(&fm.title, &fm.summary, a.source.body_key))
        })
        .collect();
    let stop = stop_words();
    let (terms, _) = memo.take_all(&keys, |i| {
        let a = &site.articles[i];
        let counts = term_counts(a.title(), &a.source.front_matter.summary, a.body(), &stop);
        let mut terms: Terms = counts.into_iter().map(|(k, (w, _))| (k, w)).collect();
        terms.sort_unstable_by_key(|t| t.0);
        Arc::new(terms)
    });
    (terms, keys)
}

/// "More articles" for every article of the site, in `site.articles` order.
pub fn rank_all(site: &Site) -> Vec<Vec<Pick>> {
    rank_all_cached(site, &mut RankMemo::default()).to_vec()
}

/// `rank_all`, reusing what `memo` kept: the words of unchanged articles, and the picks
/// themselves when nothing they depend on changed.
pub fn rank_all_cached(site: &Site, memo: &mut RankMemo) -> Arc<Vec<Vec<Pick>>> {
    let count = site.config.more_articles.count;
    let (terms, term_keys) = all_terms(site, &mut memo.terms);
    let inputs: Vec<_> = site
        .articles
        .iter()
        .zip(&term_keys)
        .map(|(a, k)| (k, &a.tags, &a.related))
        .collect();
    let key = Key::of("picks", &(count, inputs));
    memo.picks.take_one(key, || {
        let index = Index::new(site, &terms);
        Arc::new(
            (0..site.articles.len())
                .into_par_iter()
                .map_init(
                    || vec![0.0f64; site.articles.len()],
                    |scores, i| index.picks(site, i, count, scores),
                )
                .collect(),
        )
    })
}

/// "More articles" for one article, with the words it shares with each pick (for
/// `folio related`; `rank_all` leaves `shared_words` empty, templates do not show them).
pub fn rank_one(site: &Site, article: usize) -> Vec<Pick> {
    let (terms, _) = all_terms(site, &mut Memo::default());
    let index = Index::new(site, &terms);
    let mut scores = vec![0.0; site.articles.len()];
    let mut picks = index.picks(site, article, site.config.more_articles.count, &mut scores);
    let a = &site.articles[article];
    let words: FxHashMap<u64, String> = term_counts(
        a.title(),
        &a.source.front_matter.summary,
        a.body(),
        &stop_words(),
    )
    .into_iter()
    .map(|(key, (_, word))| (key, word.to_lowercase()))
    .collect();
    for pick in &mut picks {
        if let RelatedRef::Article(other) = pick.target {
            pick.shared_words = index
                .shared_keys(article, other)
                .filter_map(|k| words.get(&k).cloned())
                .collect();
        }
    }
    picks
}

struct Index {
    /// Tag slug index → (idf, articles).
    tags: Vec<(f64, Vec<u32>)>,
    tag_ids: HashMap<String, usize>,
    /// Keyword id → articles carrying it, with their weight.
    postings: Vec<Vec<(u32, f64)>>,
    /// Keyword id → its `word_key`.
    keys: Vec<u64>,
    features: Vec<Features>,
}

impl Index {
    fn new(site: &Site, counts: &[Arc<Terms>]) -> Index {
        let n = site.articles.len().max(1) as f64;
        let mut tag_ids = HashMap::new();
        let mut tags = Vec::new();
        for (slug, tag) in &site.tags {
            tag_ids.insert(slug.to_string(), tags.len());
            let idf = (n / tag.articles.len() as f64).ln() + 1.0;
            tags.push((idf, tag.articles.iter().map(|&i| i as u32).collect()));
        }
        let mut df: FxHashMap<u64, u32> = FxHashMap::default();
        for c in counts {
            for (term, _) in c.iter() {
                *df.entry(*term).or_default() += 1;
            }
        }
        // Words in most articles tell nothing apart; dropping them also bounds postings lists.
        let max_df = (n.sqrt() * 4.0).max(20.0) as u32;
        let mut word_ids: FxHashMap<u64, u32> = FxHashMap::default();
        let mut keys = Vec::new();
        let mut postings: Vec<Vec<(u32, f64)>> = Vec::new();
        let mut features = Vec::with_capacity(counts.len());
        for (i, c) in counts.iter().enumerate() {
            let mut scored: Vec<(u64, f64)> = c
                .iter()
                .filter_map(|(key, tf)| {
                    let d = df[key];
                    (d >= 2 && d <= max_df).then(|| (*key, tf.ln_1p() * (n / d as f64).ln()))
                })
                .collect();
            scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            scored.truncate(KEYWORDS_PER_ARTICLE);
            let mut keywords = Vec::with_capacity(scored.len());
            for (key, weight) in scored {
                let id = *word_ids.entry(key).or_insert_with(|| {
                    keys.push(key);
                    postings.push(Vec::new());
                    (keys.len() - 1) as u32
                });
                postings[id as usize].push((i as u32, weight));
                keywords.push((id, weight));
            }
            features.push(Features { keywords });
        }
        Index {
            tags,
            tag_ids,
            postings,
            keys,
            features,
        }
    }

    fn picks(&self, site: &Site, me: usize, count: usize, scores: &mut [f64]) -> Vec<Pick> {
        let article = &site.articles[me];
        let mut picks: Vec<Pick> = article
            .related
            .iter()
            .take(count)
            .map(|r| Pick {
                target: r.clone(),
                score: 0.0,
                pinned: true,
                shared_tags: vec![],
                shared_words: vec![],
            })
            .collect();
        if picks.len() >= count {
            return picks;
        }
        let mut touched: Vec<u32> = Vec::new();
        // A weight of 0 (a word in every article) would leave the score at 0 and let the same
        // article be listed as touched twice: it adds nothing, so it is skipped.
        let mut add = |scores: &mut [f64], j: u32, w: f64| {
            if w <= 0.0 {
                return;
            }
            if scores[j as usize] == 0.0 {
                touched.push(j);
            }
            scores[j as usize] += w;
        };
        for tag in &article.tags {
            let (idf, list) = &self.tags[self.tag_ids[tag.as_str()]];
            for &j in list {
                add(scores, j, TAG_WEIGHT * idf);
            }
        }
        for &(word, weight) in &self.features[me].keywords {
            for &(j, w) in &self.postings[word as usize] {
                add(scores, j, weight * w / 10.0);
            }
        }
        let taken = |j: usize| {
            j == me
                || article
                    .related
                    .iter()
                    .any(|r| matches!(r, RelatedRef::Article(k) if *k == j))
        };
        let mut candidates: Vec<(f64, usize)> = touched
            .iter()
            .map(|&j| (scores[j as usize], j as usize))
            .filter(|&(_, j)| !taken(j))
            .collect();
        for &j in &touched {
            scores[j as usize] = 0.0;
        }
        // Articles are newest first, so a lower index breaks ties by date, then slug. Only the
        // best `need` are wanted: select them, then sort just those.
        let need = count - picks.len();
        let best_first =
            |a: &(f64, usize), b: &(f64, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if candidates.len() > need && need > 0 {
            candidates.select_nth_unstable_by(need - 1, best_first);
            candidates.truncate(need);
        }
        candidates.sort_by(best_first);
        let mut chosen: Vec<usize> = candidates.iter().take(need).map(|c| c.1).collect();
        // Too few related articles: fill with the newest others, so the block is never short.
        if chosen.len() < need {
            for j in 0..site.articles.len() {
                if chosen.len() >= need {
                    break;
                }
                if !taken(j) && !chosen.contains(&j) {
                    chosen.push(j);
                }
            }
        }
        for j in chosen {
            let score = candidates.iter().find(|c| c.1 == j).map_or(0.0, |c| c.0);
            picks.push(self.explain(site, me, j, score));
        }
        picks
    }

    fn explain(&self, site: &Site, me: usize, other: usize, score: f64) -> Pick {
        let (a, b) = (&site.articles[me], &site.articles[other]);
        let shared_tags = a
            .tags
            .iter()
            .filter(|t| b.tags.contains(t))
            .map(|t| site.tags[t].name.clone())
            .collect();
        Pick {
            target: RelatedRef::Article(other),
            score,
            pinned: false,
            shared_tags,
            shared_words: Vec::new(),
        }
    }

    /// `word_key`s of the keywords two articles share.
    fn shared_keys(&self, me: usize, other: usize) -> impl Iterator<Item = u64> + '_ {
        let theirs = &self.features[other].keywords;
        self.features[me]
            .keywords
            .iter()
            .filter(|k| theirs.iter().any(|t| t.0 == k.0))
            .map(|k| self.keys[k.0 as usize])
    }
}

/// Weighted counts of an article's words by `word_key`, with the word as first written.
type TermCounts<'a> = FxHashMap<u64, (f64, &'a str)>;

/// Weighted term counts: title words count 3, summary 2, body 1. Words are hashed, not
/// copied, so tokenizing 10,000 articles allocates almost nothing.
fn term_counts<'a>(
    title: &'a str,
    summary: &'a str,
    body: &'a str,
    stop: &FxHashSet<u64>,
) -> TermCounts<'a> {
    let mut counts = TermCounts::default();
    for (text, weight) in [(title, 3.0), (summary, 2.0), (body, 1.0)] {
        for word in words(text) {
            let key = word_key(word);
            if !stop.contains(&key) {
                counts.entry(key).or_insert((0.0, word)).0 += weight;
            }
        }
    }
    counts
}

/// Words of three letters or more that are not just digits, as they appear in the text.
fn words(text: &str) -> impl Iterator<Item = &str> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().nth(2).is_some() && !w.bytes().all(|b| b.is_ascii_digit()))
}

/// A word's identity, case-insensitive: the hash of its lowercase form, computed without
/// building that string. (FxHash has no random seed, so the ranking is the same every run.)
fn word_key(word: &str) -> u64 {
    let mut h = FxHasher::default();
    if word.is_ascii() {
        // The same values as below, without decoding UTF-8 and case tables.
        for b in word.bytes() {
            h.write_u32(b.to_ascii_lowercase() as u32);
        }
    } else {
        for c in word.chars().flat_map(char::to_lowercase) {
            h.write_u32(c as u32);
        }
    }
    h.finish()
}

fn stop_words() -> FxHashSet<u64> {
    STOP_WORDS.iter().map(|w| word_key(w)).collect()
}

const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was",
    "one", "our", "out", "has", "have", "with", "this", "that", "from", "they", "will", "would",
    "there", "their", "what", "about", "which", "when", "your", "into", "than", "then", "them",
    "these", "those", "some", "more", "most", "other", "only", "also", "just", "like", "been",
    "were", "does", "each", "how", "its", "it's", "who", "why", "use", "used", "using", "very",
    "over", "such", "here", "where", "while", "because", "should", "could", "we're",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_drop_short_common_and_numeric_ones() {
        let stop = stop_words();
        let c = term_counts("", "", "The Retry budget, and 2025 retries: a loop!", &stop);
        let mut kept: Vec<&str> = c.values().map(|(_, w)| *w).collect();
        kept.sort();
        assert_eq!(kept, ["Retry", "budget", "loop", "retries"]);
    }

    #[test]
    fn title_words_weigh_more_than_body_words_whatever_the_case() {
        let c = term_counts("Postgres locks", "", "postgres vacuum", &stop_words());
        assert_eq!(c[&word_key("postgres")].0, 4.0);
        assert_eq!(c[&word_key("VACUUM")].0, 1.0);
    }
}
