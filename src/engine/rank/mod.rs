//! Ranking "More articles": pinned `related` entries first, then the most relevant other
//! articles by shared tags (weighted by rarity) and shared keywords of title, summary and
//! body. Uses inverted indexes (`index`), never all pairs, so it stays fast at 10,000
//! articles; and when an edit changes only the words of some articles, it updates the index
//! and ranks again only the articles whose picks can change: in `serve --watch` from the
//! ranking it holds, in a new process from the last run's, read from the disk cache.

mod index;
mod stored;
mod words;

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::memo::Memo;
use super::model::{RelatedRef, Site};
use super::packed::{self, Codec, Packed, Store};
use crate::disk_cache::DiskCache;
use crate::key::Key;
use index::Index;
use words::{stop_words, term_counts};

/// One entry of an article's "More articles", with why it was picked.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub target: RelatedRef,
    /// 0 for pinned entries and parts of the article's series.
    pub score: f64,
    pub pinned: bool,
    /// Another part of the article's series (they come right after the pinned entries).
    pub in_series: bool,
    /// Filled in by `rank_one` only (templates do not show it).
    pub shared_tags: Vec<String>,
    /// Filled in by `rank_one` only.
    pub shared_words: Vec<String>,
}

/// An article's words as (`word_key`, weight), sorted by key.
type Terms = Vec<(u64, f64)>;

/// What ranking keeps between builds: each article's weighted words (by the key of its
/// title, summary and body), and the index and picks of the last build.
#[derive(Default)]
pub struct RankMemo {
    terms: Memo<Arc<Terms>>,
    last: Option<Ranked>,
    /// The disk cache entry the last ranking was read from or written to.
    stored: Option<String>,
    /// The keys the last build's articles' words are stored under (`terms_entry`), when it
    /// kept its ranking in the disk cache.
    used_terms: Option<Vec<Key>>,
    /// How the last build's ranking was come by.
    way: Way,
}

/// How a build's ranking was come by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Way {
    /// Every article ranked (nothing to start from).
    #[default]
    Made,
    /// This process's last ranking, unchanged.
    Kept,
    /// Read whole from the disk cache.
    Loaded,
    /// The last ranking (this process's, or the last run's from the disk cache) updated
    /// after an edit of words, with this many articles ranked again.
    Updated(usize),
}

impl RankMemo {
    /// How the last ranking was come by.
    pub fn way(&self) -> Way {
        self.way
    }
}

/// A finished ranking, and what it was made from.
struct Ranked {
    /// The key of everything but the words: the number of picks, and each article's file,
    /// tags and `related`, in order. While it holds, an edit of words updates the index.
    frame: Key,
    term_keys: Vec<Key>,
    terms: Vec<Arc<Terms>>,
    index: Index,
    picks: Arc<Vec<Vec<Pick>>>,
}

/// The key of each article's words: its title, summary and body.
fn term_keys(site: &Site) -> Vec<Key> {
    site.articles
        .iter()
        .map(|a| {
            let fm = &a.source.front_matter;
            Key::of("terms", &(&fm.title, &fm.summary, a.source.body_key))
        })
        .collect()
}

/// The key of everything but the words: the number of picks, and each article's file, tags
/// and `related`, in order.
fn frame_key(site: &Site) -> Key {
    let layout: Vec<_> = site
        .articles
        .iter()
        .map(|a| (&a.source.path, &a.tags, &a.related, &a.series_others))
        .collect();
    Key::of("ranking frame", &(site.config.more_articles.count, layout))
}

/// The kind of the pack of articles' words.
const TERMS_PACK: &str = "ranking terms";

/// How an article's words are kept on disk.
const TERMS: Codec<Arc<Terms>> = Codec {
    encode: |terms| stored::terms_to_bytes(terms),
    decode: |_, bytes| stored::terms_from_bytes(bytes).map(Arc::new),
};

/// Every article's words, reusing `memo`, else reading them from `store` (kept there when
/// counted); and their keys.
fn all_terms(
    site: &Site,
    memo: &mut Memo<Arc<Terms>>,
    keys: Vec<Key>,
    store: Store,
) -> (Vec<Arc<Terms>>, Vec<Key>) {
    let stop = stop_words();
    let terms = packed::take_all(
        memo,
        &keys,
        store,
        &TERMS,
        || (),
        |_, i| {
            let a = &site.articles[i];
            let counts = term_counts(a.title(), &a.source.front_matter.summary, a.body(), &stop);
            let mut terms: Terms = counts.into_iter().map(|(k, (w, _))| (k, w)).collect();
            terms.sort_unstable_by_key(|t| t.0);
            Arc::new(terms)
        },
    );
    (terms, keys)
}

/// The key the words with `key` are stored under (counted by this folio).
fn terms_entry(key: Key) -> Key {
    Key::of("ranking terms", &(key, &*crate::disk_cache::FOLIO_VERSION))
}

/// The disk cache entry of the ranking of the site with `frame` and words `keys`.
fn ranking_entry(frame: Key, keys: &[Key]) -> String {
    Key::of(
        "ranking",
        &(frame, keys, &*crate::disk_cache::FOLIO_VERSION),
    )
    .hex()
}

/// "More articles" for every article of the site, in `site.articles` order.
pub fn rank_all(site: &Site) -> Vec<Vec<Pick>> {
    rank_all_cached(site, &mut RankMemo::default()).to_vec()
}

/// `rank_all`, reusing what `memo` kept: the words of unchanged articles; the picks as they
/// were when nothing changed; and when only words changed, the index, updated, with only
/// the articles whose picks can differ ranked again.
pub fn rank_all_cached(site: &Site, memo: &mut RankMemo) -> Arc<Vec<Vec<Pick>>> {
    rank_all_kept(site, memo, term_keys(site), None)
}

/// `rank_all_cached` for words with `keys` (`term_keys`), the words of articles `memo`
/// lacks read from (and kept in) `cache`.
fn rank_all_kept(
    site: &Site,
    memo: &mut RankMemo,
    keys: Vec<Key>,
    store: Store,
) -> Arc<Vec<Vec<Pick>>> {
    let count = site.config.more_articles.count;
    let (terms, term_keys) = all_terms(site, &mut memo.terms, keys, store);
    let frame = frame_key(site);
    if let Some(last) = memo.last.as_mut().filter(|l| l.frame == frame) {
        let changed: Vec<usize> = (0..term_keys.len())
            .filter(|&i| last.term_keys[i] != term_keys[i])
            .collect();
        memo.way = Way::Kept;
        if !changed.is_empty() {
            let affected = last.index.update(&changed, &last.terms, &terms);
            memo.way = Way::Updated(affected.len());
            let index = &last.index;
            let fresh: Vec<(usize, Vec<Pick>)> = affected
                .into_par_iter()
                .map_init(
                    || vec![0.0f64; site.articles.len()],
                    |scores, i| (i, index.picks(site, i, count, scores)),
                )
                .collect();
            let picks = Arc::make_mut(&mut last.picks);
            for (i, p) in fresh {
                picks[i] = p;
            }
            last.terms = terms;
            last.term_keys = term_keys;
        }
        return last.picks.clone();
    }
    let index = Index::new(site, &terms);
    let picks: Vec<Vec<Pick>> = (0..site.articles.len())
        .into_par_iter()
        .map_init(
            || vec![0.0f64; site.articles.len()],
            |scores, i| index.picks(site, i, count, scores),
        )
        .collect();
    let picks = Arc::new(picks);
    memo.way = Way::Made;
    memo.last = Some(Ranked {
        frame,
        term_keys,
        terms,
        index,
        picks: picks.clone(),
    });
    picks
}

/// `rank_all_cached`, first looking in the disk cache when this process has ranked nothing
/// yet: a build with no article's words, tags or order changed since the last run ranks
/// nothing; one where only words changed updates the last run's ranking (`resume`). A
/// ranking made here is kept there for the next run.
pub fn rank_all_stored(
    site: &Site,
    memo: &mut RankMemo,
    cache: Option<&DiskCache>,
) -> Arc<Vec<Vec<Pick>>> {
    let keys = term_keys(site);
    let pack = cache.map(|c| Packed::new(c, TERMS_PACK));
    let used: Vec<Key> = match cache {
        Some(_) => keys.iter().copied().map(terms_entry).collect(),
        None => Vec::new(),
    };
    let store = pack.as_ref().map(|p| (p, &used[..]));
    let picks = match (cache.filter(|_| memo.last.is_none()), store) {
        (Some(cache), Some(store)) => rank_all_resumed(site, memo, keys, cache, store),
        _ => rank_all_kept(site, memo, keys, store),
    };
    memo.used_terms = cache.is_some().then_some(used);
    picks
}

/// `rank_all_stored` in a process that has ranked nothing yet.
fn rank_all_resumed(
    site: &Site,
    memo: &mut RankMemo,
    keys: Vec<Key>,
    cache: &DiskCache,
    store: (&Packed, &[Key]),
) -> Arc<Vec<Vec<Pick>>> {
    let frame = frame_key(site);
    let name = ranking_entry(frame, &keys);
    memo.stored = Some(name.clone());
    if let Some(picks) = stored::load(cache, &name, site.articles.len()) {
        memo.way = Way::Loaded;
        return Arc::new(picks);
    }
    memo.last = resume(site, cache, store, frame, &mut memo.terms);
    let picks = rank_all_kept(site, memo, keys, Some(store));
    stored::store(cache, &name, &picks);
    if let Some(last) = &memo.last {
        stored::store_last(cache, last.frame, &last.term_keys);
    }
    picks
}

/// The last run's ranking, as this process would have kept it, when it was made with this
/// build's `frame` (so only words can differ): `rank_all_kept` then updates it and ranks
/// again only the articles whose picks can change. Its words go into `terms`, where those
/// of the articles that did not change are found again.
fn resume(
    site: &Site,
    cache: &DiskCache,
    (pack, _): (&Packed, &[Key]),
    frame: Key,
    terms: &mut Memo<Arc<Terms>>,
) -> Option<Ranked> {
    let (last_frame, term_keys) = stored::load_last(cache)?;
    if last_frame != frame || term_keys.len() != site.articles.len() {
        return None;
    }
    let picks = stored::load(
        cache,
        &ranking_entry(frame, &term_keys),
        site.articles.len(),
    )?;
    let before: Option<Vec<Arc<Terms>>> = term_keys
        .par_iter()
        .map(|k| pack.get(*k, terms_entry(*k), &TERMS))
        .collect();
    let before = before?;
    terms.take_all(&term_keys, |i| before[i].clone());
    Some(Ranked {
        frame,
        index: Index::new(site, &before),
        term_keys,
        terms: before,
        picks: Arc::new(picks),
    })
}

/// The disk cache entries the last build used: its ranking, if any, and every article's
/// words (kept when the cache is pruned).
pub fn stored_entries(memo: &RankMemo) -> impl Iterator<Item = String> + '_ {
    let kept = memo.used_terms.as_ref().map(|used| {
        [packed::pack_key(TERMS_PACK).hex(), stored::last_entry()]
            .into_iter()
            .chain(used.iter().map(Key::hex))
    });
    memo.stored
        .iter()
        .cloned()
        .chain(kept.into_iter().flatten())
}

/// "More articles" for one article, with the tags and words it shares with each pick (for
/// `folio related`).
pub fn rank_one(site: &Site, article: usize) -> Vec<Pick> {
    let (terms, _) = all_terms(site, &mut Memo::default(), term_keys(site), None);
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
        if let (RelatedRef::Article(other), false) = (&pick.target, pick.pinned) {
            let b = &site.articles[*other];
            pick.shared_tags = a
                .tags
                .iter()
                .filter(|t| b.tags.contains(t))
                .map(|t| site.tags[t].name.clone())
                .collect();
            pick.shared_words = index
                .shared_keys(article, *other)
                .filter_map(|k| words.get(&k).cloned())
                .collect();
        }
    }
    picks
}
