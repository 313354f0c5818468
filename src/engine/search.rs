//! The full-text search index as the engine makes it (the index itself is `crate::search`,
//! pure). Each article's words (`DocTerms`) are kept by the key of everything they are read
//! from, in memory and in the disk cache (one pack for all, `engine::packed`); the
//! site-wide merge (`build_index`) runs only when the key over all of them and the search
//! config changed, and the paths and keys of its files are kept under that key too. A run
//! whose merge is kept reads no article's words at all unless a sink lacks one of the
//! files. Each file goes to the sink under the key of its own bytes, so one that came out
//! the same is not sent again.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rayon::prelude::*;

use super::memo::Memo;
use super::model::Site;
use super::packed::{self, Codec, Packed};
use super::pages::{Extra, Files};
use crate::content::SourceFile;
use crate::disk_cache::DiskCache;
use crate::key::{Key, Keyed};
use crate::render::Card;
use crate::search::{self, DocTerms, Label, Scratch, SearchDoc, SiteSearchConfig};

/// What an index's file list starts with in the disk cache; anything else is none.
const FILES_MAGIC: &str = "folio search files 1";

/// Kept between builds: each article's words, what the last merge wrote, and the names of
/// the disk cache entries the last build used (kept when the cache is pruned).
#[derive(Default)]
pub struct SearchMemo {
    terms: Memo<Arc<Keyed<DocTerms>>>,
    files: Memo<Arc<Vec<(String, Key)>>>,
    used: Vec<Key>,
}

impl SearchMemo {
    /// The disk cache entries (`search/`) the last build used.
    pub fn used_entries(&self) -> impl Iterator<Item = String> + '_ {
        self.used.iter().map(Key::hex)
    }
}

/// A build's search index: its files (path, key of the bytes), in path order.
pub struct SearchIndex {
    pub files: Arc<Vec<(String, Key)>>,
    /// The bytes, when this build merged them (taken by the sink's writer, once).
    made: Mutex<Option<Files>>,
    /// Every article's words: made when the merge ran, else only if a sink asks for bytes.
    docs: OnceLock<Vec<Arc<Keyed<DocTerms>>>>,
    sources: DocSources,
    config: SiteSearchConfig,
}

impl SearchIndex {
    /// The files' bytes: as this build merged them, or merged again when the merge was
    /// skipped (its files were kept under the same key) and yet a sink lacks one.
    fn bytes(&self) -> Files {
        let made = self
            .made
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        made.unwrap_or_else(|| {
            let docs = self
                .docs
                .get_or_init(|| self.sources.terms(&mut Memo::default()));
            search::build_index(&terms_of(docs), &self.config)
        })
    }
}

/// What each article's words are read from, and where they are kept on disk.
struct DocSources {
    keys: Vec<Key>,
    cards: Vec<Arc<Keyed<Card>>>,
    sources: Vec<Arc<SourceFile>>,
    options: pulldown_cmark::Options,
    cache: Option<DiskCache>,
}

/// The kind of the pack of articles' words.
const TERMS_PACK: &str = "search terms";

/// How an article's words are kept on disk.
const DOC_TERMS: Codec<Arc<Keyed<DocTerms>>> = Codec {
    encode: |terms| terms.to_stored(),
    decode: |key, bytes| Some(Arc::new(Keyed::new(key, DocTerms::from_stored(bytes)?))),
};

impl DocSources {
    /// Every article's words: from `memo`, else from the disk cache, else counted (and kept
    /// there), in parallel.
    fn terms(&self, memo: &mut Memo<Arc<Keyed<DocTerms>>>) -> Vec<Arc<Keyed<DocTerms>>> {
        let store = self.cache.as_ref().map(|c| Packed::new(c, TERMS_PACK));
        let make = |scratch: &mut Scratch, i: usize| {
            let text = search::plain_text(self.sources[i].body(), self.options);
            let doc = search_doc(&self.cards[i], text);
            Arc::new(Keyed::new(self.keys[i], search::doc_terms(&doc, scratch)))
        };
        let keys = &self.keys;
        packed::take_all(
            memo,
            keys,
            store.as_ref().map(|s| (s, &keys[..])),
            &DOC_TERMS,
            Scratch::default,
            make,
        )
    }
}

/// The index of `site` (whose cards are `cards`), reusing `memo` and the disk cache `cache`
/// (`search/`); none when `[search]` is off.
pub fn index(
    site: &Site,
    cards: &[Arc<Keyed<Card>>],
    memo: &mut SearchMemo,
    cache: Option<DiskCache>,
) -> Option<SearchIndex> {
    let c = &site.config;
    if !c.search.enabled {
        *memo = SearchMemo::default();
        return None;
    }
    let mut phase = super::phase_timer();
    // The fields of the card that `doc_terms` reads, and the body by its key with the
    // markdown options: not the card's key, which changes with the site's title.
    let options = crate::markdown::parser_options(&c.markdown);
    // On every build, for every article: on every core.
    let keys: Vec<Key> = site
        .articles
        .par_iter()
        .zip(cards)
        .map(|(a, card)| {
            Key::of(
                "search terms",
                &(
                    search_doc(card, String::new()),
                    a.source.body_key,
                    options.bits(),
                    &*crate::disk_cache::SEARCH_VERSIONS,
                ),
            )
        })
        .collect();
    let config = SiteSearchConfig {
        language: c.language.clone(),
        excerpt_words: c.search.excerpt_words,
    };
    let key = Key::of("search index", &(&keys, &config));
    memo.used = keys
        .iter()
        .copied()
        .chain([key, packed::pack_key(TERMS_PACK)])
        .collect();
    let sources = DocSources {
        keys,
        cards: cards.to_vec(),
        sources: site.articles.iter().map(|a| a.source.clone()).collect(),
        options,
        cache,
    };
    let docs = OnceLock::new();
    let mut made = None;
    let SearchMemo { terms, files, .. } = memo;
    let files = files.take_one(key, || {
        if let Some(kept) = sources.cache.as_ref().and_then(|c| load_files(c, key)) {
            return Arc::new(kept);
        }
        let all = docs.get_or_init(|| sources.terms(terms));
        phase("search: words");
        let bytes = search::build_index(&terms_of(all), &config);
        // 24 MB at 10,000 articles: hashed on every core.
        let keyed: Vec<(String, Key)> = bytes
            .par_iter()
            .map(|(path, bytes)| (path.clone(), Key::of_bytes(bytes)))
            .collect();
        if let Some(cache) = &sources.cache {
            store_files(cache, key, &keyed);
        }
        made = Some(bytes);
        Arc::new(keyed)
    });
    phase("search: index");
    Some(SearchIndex {
        files,
        made: Mutex::new(made),
        docs,
        sources,
        config,
    })
}

/// The index files' paths and keys kept under `key`, if the entry is there and whole.
fn load_files(cache: &DiskCache, key: Key) -> Option<Vec<(String, Key)>> {
    let (magic, files): (String, Vec<(String, String)>) = cache.get_json(&key.hex())?;
    if magic != FILES_MAGIC {
        return None;
    }
    files
        .into_iter()
        .map(|(path, key)| Some((path, Key::from_hex(&key)?)))
        .collect()
}

/// Keep the index files' paths and keys under `key`; a failed write only costs time.
fn store_files(cache: &DiskCache, key: Key, files: &[(String, Key)]) {
    let files: Vec<(&str, String)> = files.iter().map(|(p, k)| (p.as_str(), k.hex())).collect();
    cache.put_json(&key.hex(), &(FILES_MAGIC, files));
}

/// The index files as one of the build's extras.
pub(super) fn extra(index: &SearchIndex) -> Extra<'_> {
    Extra {
        files: index.files.to_vec(),
        make: Box::new(|| Ok(index.bytes())),
    }
}

fn terms_of(kept: &[Arc<Keyed<DocTerms>>]) -> Vec<&DocTerms> {
    kept.iter().map(|d| &***d).collect()
}

/// An article as search sees it: what its card shows, and its body as plain text.
fn search_doc(card: &Card, body_text: String) -> SearchDoc {
    let s = &card.summary;
    SearchDoc {
        url: s.url.clone(),
        title: s.title.clone(),
        summary: s.summary.clone(),
        tags: s
            .tags
            .iter()
            .map(|t| Label {
                key: t.slug.clone(),
                name: t.name.clone(),
            })
            .collect(),
        authors: s
            .authors
            .iter()
            .map(|a| Label {
                key: a.id.clone(),
                name: a.name.clone(),
            })
            .collect(),
        date: s.date.clone(),
        date_display: s.date_display.clone(),
        body_text,
    }
}
