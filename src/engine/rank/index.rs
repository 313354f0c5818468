//! The ranking index: tags weighted by rarity, each article's keywords (its terms that best
//! tell it apart, by tf-idf) and, per keyword, the articles carrying it. Scoring an article
//! walks only its own tags' and keywords' lists, never all pairs.
//!
//! The index can also follow an edit: when only the words of some articles changed, it
//! updates document frequencies, re-selects the keywords of exactly the articles whose terms'
//! frequencies moved, and names the articles whose picks can differ. Property tests check
//! that this gives what a fresh index gives.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{Pick, Terms};
use crate::engine::model::{RelatedRef, Site};

/// Shared tags count this much more than a shared keyword of the same rarity.
const TAG_WEIGHT: f64 = 2.0;
/// Keywords kept per article: the terms that best tell it apart from the rest.
const KEYWORDS_PER_ARTICLE: usize = 16;
/// While an edit moves the frequency of no more eligible words than this, and the table of
/// which article holds which word has not been made, the articles are searched for them.
const FEW_WATCHED: usize = 64;

/// An article's keywords as (keyword id, weight), best first.
type Keywords = Vec<(u32, f64)>;

pub(super) struct Index {
    /// Number of articles, as a float for idf.
    n: f64,
    /// Words in more articles than this tell nothing apart (and would make long lists).
    max_df: u32,
    /// Tag slug index → (idf, articles).
    tags: Vec<(f64, Vec<u32>)>,
    tag_ids: HashMap<String, usize>,
    /// In how many articles each word appears.
    df: FxHashMap<u64, u32>,
    /// Keyword id → articles carrying it, with their weight.
    postings: Vec<Vec<(u32, f64)>>,
    /// Keyword id → its word key, and back.
    keys: Vec<u64>,
    word_ids: FxHashMap<u64, u32>,
    /// By article.
    keywords: Vec<Keywords>,
    /// Word → the articles containing it (sorted); made on the first update that moves the
    /// frequency of more than `FEW_WATCHED` eligible words, then kept up to date.
    containing: Option<FxHashMap<u64, Vec<u32>>>,
}

impl Index {
    pub(super) fn new(site: &Site, terms: &[Arc<Terms>]) -> Index {
        let n = site.articles.len().max(1) as f64;
        let mut tag_ids = HashMap::new();
        let mut tags = Vec::new();
        for (slug, tag) in &site.tags {
            tag_ids.insert(slug.to_string(), tags.len());
            let idf = (n / tag.articles.len() as f64).ln() + 1.0;
            tags.push((idf, tag.articles.iter().map(|&i| i as u32).collect()));
        }
        let mut df: FxHashMap<u64, u32> = FxHashMap::default();
        for t in terms {
            for (word, _) in t.iter() {
                *df.entry(*word).or_default() += 1;
            }
        }
        let mut index = Index {
            n,
            max_df: (n.sqrt() * 4.0).max(20.0) as u32,
            tags,
            tag_ids,
            df,
            postings: Vec::new(),
            keys: Vec::new(),
            word_ids: FxHashMap::default(),
            keywords: Vec::with_capacity(terms.len()),
            containing: None,
        };
        for (i, t) in terms.iter().enumerate() {
            let chosen = index.select(t);
            let keywords = index.enter(i as u32, &chosen);
            index.keywords.push(keywords);
        }
        index
    }

    /// The best keywords among `terms`, as (word key, weight), best first.
    fn select(&self, terms: &Terms) -> Vec<(u64, f64)> {
        let mut scored: Vec<(u64, f64)> = terms
            .iter()
            .filter_map(|(word, tf)| {
                let d = self.df.get(word).copied().unwrap_or(0);
                self.eligible(d)
                    .then(|| (*word, tf.ln_1p() * (self.n / d as f64).ln()))
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.truncate(KEYWORDS_PER_ARTICLE);
        scored
    }

    fn eligible(&self, df: u32) -> bool {
        df >= 2 && df <= self.max_df
    }

    /// Add article `i` to the lists of its keywords `chosen`; its keywords by id.
    fn enter(&mut self, i: u32, chosen: &[(u64, f64)]) -> Keywords {
        chosen
            .iter()
            .map(|&(word, weight)| {
                let id = match self.word_ids.get(&word) {
                    Some(&id) => id,
                    None => {
                        self.keys.push(word);
                        self.postings.push(Vec::new());
                        let id = (self.keys.len() - 1) as u32;
                        self.word_ids.insert(word, id);
                        id
                    }
                };
                self.postings[id as usize].push((i, weight));
                (id, weight)
            })
            .collect()
    }

    /// Follow an edit in which the words of the articles `changed` went from `before` to
    /// `after` (every article's terms), and nothing else changed. Returns the articles whose
    /// picks may differ now.
    pub(super) fn update(
        &mut self,
        changed: &[usize],
        before: &[Arc<Terms>],
        after: &[Arc<Terms>],
    ) -> Vec<usize> {
        // Document frequencies, before and after, of every word whose frequency moved.
        let mut moved: FxHashMap<u64, (u32, u32)> = FxHashMap::default();
        for &e in changed {
            let (old, new) = (&before[e], &after[e]);
            for word in only_in(old, new) {
                let d = self.df.entry(word).or_default();
                moved.entry(word).or_insert((*d, *d)).1 = d.saturating_sub(1);
                *d = d.saturating_sub(1);
            }
            for word in only_in(new, old) {
                let d = self.df.entry(word).or_default();
                moved.entry(word).or_insert((*d, *d)).1 = *d + 1;
                *d += 1;
            }
        }
        // Whose keywords may change: the edited articles, and every article holding a word
        // whose frequency moved while it was (or became) eligible as a keyword.
        // (Articles that held a word before the edit but not after are in `changed`.)
        let watched: Vec<u64> = moved
            .iter()
            .filter(|(_, (old, new))| self.eligible(*old) || self.eligible(*new))
            .map(|(word, _)| *word)
            .collect();
        // Each way of finding the holders checks the other in debug builds (and so in tests).
        let holders = if self.containing.is_none() && watched.len() <= FEW_WATCHED {
            let found = holders_by_search(after, &watched);
            debug_assert_eq!(
                found,
                holders_by_table(&mut table_of(before), changed, before, after, &watched)
            );
            found
        } else {
            let table = self.containing.get_or_insert_with(|| table_of(before));
            let found = holders_by_table(table, changed, before, after, &watched);
            debug_assert_eq!(found, holders_by_search(after, &watched));
            found
        };
        let mut reselect: FxHashSet<usize> = changed.iter().copied().collect();
        reselect.extend(holders);
        let mut reselect: Vec<usize> = reselect.into_iter().collect();
        reselect.sort_unstable();
        let mut affected: FxHashSet<usize> = changed.iter().copied().collect();
        for a in reselect {
            let chosen = self.select(&after[a]);
            let current: Vec<(u64, f64)> = self.keywords[a]
                .iter()
                .map(|&(id, w)| (self.keys[id as usize], w))
                .collect();
            if chosen == current {
                continue;
            }
            // Everyone sharing an old or a new keyword of `a` scores `a` differently now.
            for &(id, _) in &self.keywords[a] {
                let list = &mut self.postings[id as usize];
                list.retain(|&(j, _)| j as usize != a);
                affected.extend(list.iter().map(|&(j, _)| j as usize));
            }
            let keywords = self.enter(a as u32, &chosen);
            for &(id, _) in &keywords {
                affected.extend(self.postings[id as usize].iter().map(|&(j, _)| j as usize));
            }
            self.keywords[a] = keywords;
            affected.insert(a);
        }
        let mut affected: Vec<usize> = affected.into_iter().collect();
        affected.sort_unstable();
        affected
    }

    /// Article `me`'s "More articles": its pinned `related` entries, then the best scored
    /// others, then (if still short) the newest others. `scores` is scratch space of one
    /// zero per article, left as zeros.
    pub(super) fn picks(
        &self,
        site: &Site,
        me: usize,
        count: usize,
        scores: &mut [f64],
    ) -> Vec<Pick> {
        let article = &site.articles[me];
        let mut picks: Vec<Pick> = article
            .related
            .iter()
            .take(count)
            .map(|r| Pick {
                target: r.clone(),
                score: 0.0,
                pinned: true,
                in_series: false,
                shared_tags: vec![],
                shared_words: vec![],
            })
            .collect();
        // The other parts of its series come next, in part order.
        for &j in &article.series_others {
            let pinned = picks
                .iter()
                .any(|p| matches!(p.target, RelatedRef::Article(k) if k == j));
            if picks.len() < count && !pinned {
                picks.push(Pick {
                    target: RelatedRef::Article(j),
                    score: 0.0,
                    pinned: false,
                    in_series: true,
                    shared_tags: vec![],
                    shared_words: vec![],
                });
            }
        }
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
        for &(word, weight) in &self.keywords[me] {
            for &(j, w) in &self.postings[word as usize] {
                add(scores, j, weight * w / 10.0);
            }
        }
        let taken = |j: usize| {
            j == me
                || article.series_others.contains(&j)
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
            picks.push(Pick {
                target: RelatedRef::Article(j),
                score,
                pinned: false,
                in_series: false,
                shared_tags: Vec::new(),
                shared_words: Vec::new(),
            });
        }
        picks
    }

    /// Word keys of the keywords two articles share.
    pub(super) fn shared_keys(&self, me: usize, other: usize) -> impl Iterator<Item = u64> + '_ {
        let theirs = &self.keywords[other];
        self.keywords[me]
            .iter()
            .filter(|k| theirs.iter().any(|t| t.0 == k.0))
            .map(|k| self.keys[k.0 as usize])
    }
}

/// Which article holds which word (articles ascending), from every article's words.
fn table_of(terms: &[Arc<Terms>]) -> FxHashMap<u64, Vec<u32>> {
    let mut table: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    for (i, t) in terms.iter().enumerate() {
        for (word, _) in t.iter() {
            table.entry(*word).or_default().push(i as u32);
        }
    }
    table
}

/// The articles holding any of `watched` after an edit, ascending: from the `table` made
/// before it, which this brings up to date with the articles `changed`.
fn holders_by_table(
    table: &mut FxHashMap<u64, Vec<u32>>,
    changed: &[usize],
    before: &[Arc<Terms>],
    after: &[Arc<Terms>],
    watched: &[u64],
) -> Vec<usize> {
    for &e in changed {
        let (old, new) = (&before[e], &after[e]);
        for word in only_in(old, new) {
            if let Some(list) = table.get_mut(&word)
                && let Ok(at) = list.binary_search(&(e as u32))
            {
                list.remove(at);
            }
        }
        for word in only_in(new, old) {
            let list = table.entry(word).or_default();
            if let Err(at) = list.binary_search(&(e as u32)) {
                list.insert(at, e as u32);
            }
        }
    }
    let mut found: Vec<usize> = watched
        .iter()
        .filter_map(|word| table.get(word))
        .flatten()
        .map(|&a| a as usize)
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// The articles holding any of `watched` in `after`, ascending, found by looking in each.
fn holders_by_search(after: &[Arc<Terms>], watched: &[u64]) -> Vec<usize> {
    (0..after.len())
        .into_par_iter()
        .filter(|&a| {
            let terms = &after[a];
            watched
                .iter()
                .any(|w| terms.binary_search_by_key(w, |(k, _)| *k).is_ok())
        })
        .collect()
}

/// The words of `a` that `b` lacks (both sorted by word).
fn only_in<'a>(a: &'a Terms, b: &'a Terms) -> impl Iterator<Item = u64> + 'a {
    a.iter()
        .map(|(w, _)| *w)
        .filter(|w| b.binary_search_by_key(w, |(k, _)| *k).is_err())
}
