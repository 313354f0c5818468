//! Full-text search without a server: the index the browser downloads piece by piece.
//!
//! Two stages, both pure (no disk, no clock), so a build can cache the first per article:
//! 1. [`doc_terms`]: one article ([`SearchDoc`]) → its words with their counts per field and
//!    the record a result shows ([`DocTerms`]). Independent of the rest of the site.
//! 2. [`build_index`]: every article's `DocTerms` → the index files (a merge: nothing is
//!    tokenised again). Each distinct word of the site is stemmed once, here.
//!
//! The files, under `search-index/` (the format is in docs/themes.md, "Search index"):
//! `meta.json` (loaded first: shard boundaries, tags, authors), `shard/N.bin` (words in
//! one alphabetical range and the postings of their stems), `doc/N.bin` (what a result
//! shows, a few articles to a gzipped file), `tag/N.bin` and `author/N.bin` (the articles
//! of each, for filters).

use serde::{Deserialize, Serialize};

mod index;
mod records;
mod shards;
mod stored;
mod text;
mod tokens;

#[cfg(test)]
mod query;

pub use index::build_index;
pub use records::Scratch;
pub use text::plain_text;
pub use tokens::{DocTerms, doc_terms};

/// The folder of the output the index files go to (the search page fetches from here).
pub const INDEX_DIR: &str = "search-index/";

/// A tag or an author: what a filter shows and the key its file is named by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Label {
    /// The tag's slug or the author's id: safe in a file name.
    pub key: String,
    /// What readers see.
    pub name: String,
}

/// One article, as search sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchDoc {
    /// Site-relative URL including the base path, e.g. `/blog/articles/x/`.
    pub url: String,
    pub title: String,
    pub summary: String,
    pub tags: Vec<Label>,
    pub authors: Vec<Label>,
    /// `YYYY-MM-DD`
    pub date: String,
    /// The date as pages show it, e.g. `21 January 2025`.
    pub date_display: String,
    /// The body as plain text (see [`plain_text`]).
    pub body_text: String,
}

/// What the index depends on besides the articles.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SiteSearchConfig {
    /// The site's `language` (`en`, `de-AT`, ...): picks the stemmer; none for a language
    /// without one, and then words are matched as they are.
    pub language: String,
    /// How many words of an article a result's excerpt shows.
    pub excerpt_words: usize,
}

/// The parts of an article that are searched, each with its own weight in the ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title = 0,
    Summary = 1,
    Tags = 2,
    Authors = 3,
    Body = 4,
}

/// How many [`Field`]s there are.
pub const FIELDS: usize = 5;

#[cfg(test)]
mod tests {
    use super::query::Index;
    use super::*;

    fn label(key: &str) -> Label {
        Label {
            key: key.into(),
            name: key.to_uppercase(),
        }
    }

    fn doc(title: &str, summary: &str, tags: &[&str], body: &str) -> SearchDoc {
        SearchDoc {
            url: format!("/articles/{}/", title.to_lowercase().replace(' ', "-")),
            title: title.into(),
            summary: summary.into(),
            tags: tags.iter().map(|t| label(t)).collect(),
            authors: vec![label("ana")],
            date: "2025-01-21".into(),
            date_display: "21 January 2025".into(),
            body_text: body.into(),
        }
    }

    fn index_with(docs: &[SearchDoc], language: &str) -> Index {
        let mut scratch = Scratch::default();
        let terms: Vec<DocTerms> = docs.iter().map(|d| doc_terms(d, &mut scratch)).collect();
        let config = SiteSearchConfig {
            language: language.into(),
            excerpt_words: 30,
        };
        Index::new(build_index(&terms.iter().collect::<Vec<_>>(), &config))
    }

    fn index(docs: &[SearchDoc]) -> Index {
        index_with(docs, "en")
    }

    const FILLER: &str = "Queues buffer work between services so that bursts do not \
                          overwhelm the consumers downstream of them.";

    #[test]
    fn a_word_only_in_one_body_finds_that_article_alone() {
        let idx = index(&[
            doc("Queues", "On queues.", &["queues"], FILLER),
            doc(
                "Budgets",
                "On budgets.",
                &["http"],
                &format!("{FILLER} The zeppelin waits."),
            ),
            doc("Timeouts", "On timeouts.", &["http"], FILLER),
        ]);
        assert_eq!(idx.search("Zeppelin"), [1]);
        assert_eq!(idx.search("xylophone"), Vec::<u32>::new());
    }

    #[test]
    fn title_beats_summary_beats_body() {
        let idx = index(&[
            doc(
                "Queues",
                "On queues.",
                &[],
                &format!("{FILLER} Backoff matters."),
            ),
            doc("Backoff done right", "On waiting.", &[], FILLER),
            doc("Waiting", "Backoff, explained.", &[], FILLER),
        ]);
        assert_eq!(idx.search("backoff"), [1, 2, 0]);
    }

    #[test]
    fn forms_of_a_word_find_each_other_through_the_stem() {
        let idx = index(&[
            doc("One", "First.", &[], "Clients retried twice."),
            doc("Two", "Second.", &[], "Nothing here."),
            doc("Three", "Third.", &[], "A retry budget caps retries."),
        ]);
        assert_eq!(idx.search("retrying"), [2, 0]);
        assert_eq!(idx.search("RETRIES"), [2, 0]);
    }

    #[test]
    fn without_a_stemmer_words_match_as_written() {
        let docs = [
            doc("One", "First.", &[], "Clients retried twice."),
            doc("Two", "Second.", &[], "A retry budget."),
        ];
        let idx = index_with(&docs, "ja");
        assert_eq!(idx.search("retried"), [0]);
        assert_eq!(idx.search("retry"), [1]);
        assert_eq!(idx.search("retries"), Vec::<u32>::new());
    }

    #[test]
    fn a_form_no_article_has_finds_the_longest_start_that_is_a_word_or_stem() {
        let idx = index(&[
            doc("One", "First.", &[], "One retry per request."),
            doc("Two", "Second.", &[], "A policy for the cat."),
        ]);
        assert_eq!(idx.search("retrying"), [0], "retry");
        assert_eq!(idx.search("policies"), [1], "the stem polici");
        assert_eq!(
            idx.search("cattle"),
            Vec::<u32>::new(),
            "cat is too short a start"
        );
        assert_eq!(idx.search("cats"), [1]);
    }

    #[test]
    fn every_word_of_the_query_is_required() {
        let idx = index(&[
            doc("One", "First.", &[], "jitter and backoff"),
            doc("Two", "Second.", &[], "jitter only here"),
            doc("Three", "Third.", &[], "backoff only"),
        ]);
        assert_eq!(idx.search("jitter backoff"), [0]);
        assert_eq!(idx.search("jitter"), [0, 1]);
    }

    #[test]
    fn a_rare_word_counts_more_than_a_common_one() {
        let mut docs: Vec<SearchDoc> = (0..20)
            .map(|i| doc(&format!("Filler {i}"), "Filler.", &[], "latency latency"))
            .collect();
        docs.push(doc("A", "A.", &[], "latency latency latency quorum"));
        docs.push(doc("B", "B.", &[], "latency quorum quorum quorum"));
        let idx = index(&docs);
        assert_eq!(idx.search("latency quorum"), [21, 20]);
    }

    #[test]
    fn ties_go_to_the_newer_article() {
        let idx = index(&[
            doc("One", "Same.", &[], "identical body"),
            doc("Two", "Same.", &[], "identical body"),
        ]);
        assert_eq!(idx.search("identical"), [0, 1]);
    }

    #[test]
    fn tags_and_authors_are_searchable_and_filterable() {
        let idx = index(&[
            doc("One", "First.", &["kafka", "queues"], FILLER),
            doc("Two", "Second.", &["http"], FILLER),
            doc("Three", "Third.", &["queues"], FILLER),
        ]);
        assert_eq!(idx.search("kafka"), [0]);
        assert_eq!(idx.search("ana"), [0, 1, 2]);
        let tags: Vec<(&str, u64)> = idx.meta["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["key"].as_str().unwrap(), t["count"].as_u64().unwrap()))
            .collect();
        assert_eq!(tags, [("http", 1), ("kafka", 1), ("queues", 2)]);
        assert_eq!(idx.members("tag", 2), [0, 2]);
        assert_eq!(idx.members("author", 0), [0, 1, 2]);
        assert_eq!(idx.meta["authors"][0]["name"], "ANA");
    }

    #[test]
    fn many_words_spread_over_shards_and_each_is_found_in_its_own() {
        let docs: Vec<SearchDoc> = (0..400)
            .map(|d| {
                let body: Vec<String> = (0..40).map(|w| format!("w{d}x{w}")).collect();
                doc("Document", "Shared summary.", &[], &body.join(" "))
            })
            .collect();
        let idx = index(&docs);
        let shards = idx.meta["shards"].as_array().unwrap().len();
        assert!(shards > 3, "{shards} shards");
        let all = idx.all_words();
        assert_eq!(
            all.len(),
            400 * 40 + 4,
            "w..x.., document, shared, summary, ana"
        );
        for d in (0..400).step_by(37) {
            assert_eq!(idx.search(&format!("w{d}x39")), [d]);
        }
        assert_eq!(idx.search("shared").len(), 400);
    }

    #[test]
    fn the_same_articles_give_the_same_bytes() {
        let docs = [
            doc("One", "First.", &["b", "a"], "alpha beta gamma"),
            doc("Two", "Second.", &["a"], "gamma delta"),
        ];
        let config = SiteSearchConfig {
            language: "en".into(),
            excerpt_words: 30,
        };
        let terms = || {
            let mut scratch = Scratch::default();
            docs.iter()
                .map(|d| doc_terms(d, &mut scratch))
                .collect::<Vec<_>>()
        };
        let build = || build_index(&terms().iter().collect::<Vec<_>>(), &config);
        let first = build();
        assert_eq!(first, build());
        let paths: Vec<&str> = first.iter().map(|(p, _)| p.as_str()).collect();
        let mut sorted = paths.clone();
        sorted.sort_unstable();
        assert_eq!(paths, sorted);
        assert!(paths.contains(&"search-index/meta.json"));
        assert!(paths.contains(&"search-index/doc/0.bin"));
    }

    #[test]
    fn an_empty_site_has_an_index_that_finds_nothing() {
        let idx = index(&[]);
        assert_eq!(idx.meta["docs"], 0);
        assert_eq!(idx.search("anything"), Vec::<u32>::new());
    }
}
