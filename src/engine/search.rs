//! The full-text search index as the engine makes it (the index itself is `crate::search`,
//! pure). Each article's words (`DocTerms`) are kept by the key of everything they are read
//! from; the site-wide merge (`build_index`) runs only when the key over all of them and the
//! search config changed, and remembers its files' paths and keys. Each file goes to the
//! sink under the key of its own bytes, so one that came out the same is not sent again.

use std::sync::{Arc, Mutex, PoisonError};

use super::memo::Memo;
use super::model::Site;
use super::pages::{Extra, Files};
use crate::key::{Key, Keyed};
use crate::render::Card;
use crate::search::{self, DocTerms, Label, Scratch, SearchDoc, SiteSearchConfig};

/// Kept between builds: each article's words, and what the last merge wrote.
#[derive(Default)]
pub struct SearchMemo {
    terms: Memo<Arc<Keyed<DocTerms>>>,
    files: Memo<Arc<Vec<(String, Key)>>>,
}

/// A build's search index: its files (path, key of the bytes), in path order.
pub struct SearchIndex {
    pub files: Arc<Vec<(String, Key)>>,
    /// The bytes, when this build merged them (taken by the sink's writer, once).
    made: Mutex<Option<Files>>,
    docs: Vec<Arc<Keyed<DocTerms>>>,
    config: SiteSearchConfig,
}

impl SearchIndex {
    /// The files' bytes: as this build merged them, or merged again when the merge was
    /// skipped (the last build's files had the same key) and yet a sink lacks one.
    fn bytes(&self) -> Files {
        let made = self
            .made
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        made.unwrap_or_else(|| search::build_index(&terms_of(&self.docs), &self.config))
    }
}

/// The index of `site` (whose cards are `cards`), reusing `memo`; none when `[search]` is
/// off.
pub fn index(
    site: &Site,
    cards: &[Arc<Keyed<Card>>],
    memo: &mut SearchMemo,
) -> Option<SearchIndex> {
    let c = &site.config;
    if !c.search.enabled {
        *memo = SearchMemo::default();
        return None;
    }
    let mut phase = super::phase_timer();
    // A card holds every field of the article that `doc_terms` reads but the body; the body
    // is read from the source, by its key, with the markdown options.
    let options = crate::markdown::parser_options(&c.markdown);
    let keys: Vec<Key> = site
        .articles
        .iter()
        .zip(cards)
        .map(|(a, card)| {
            Key::of(
                "search terms",
                &(card.key(), a.source.body_key, options.bits()),
            )
        })
        .collect();
    let (docs, _) = memo
        .terms
        .take_all_with(&keys, Scratch::default, |scratch, i| {
            let doc = search_doc(&cards[i], site.articles[i].body(), options);
            Arc::new(Keyed::new(keys[i], search::doc_terms(&doc, scratch)))
        });
    phase("search: words");
    let config = SiteSearchConfig {
        language: c.language.clone(),
        excerpt_words: c.search.excerpt_words,
    };
    let key = Key::of("search index", &(&keys, &config));
    let mut made = None;
    let files = memo.files.take_one(key, || {
        let files = search::build_index(&terms_of(&docs), &config);
        let keyed = files
            .iter()
            .map(|(path, bytes)| (path.clone(), Key::of_bytes(bytes)))
            .collect();
        made = Some(files);
        Arc::new(keyed)
    });
    phase("search: index");
    Some(SearchIndex {
        files,
        made: Mutex::new(made),
        docs,
        config,
    })
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
fn search_doc(card: &Card, body: &str, options: pulldown_cmark::Options) -> SearchDoc {
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
        body_text: search::plain_text(body, options),
    }
}
