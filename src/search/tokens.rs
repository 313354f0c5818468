//! Words: how text is cut into lowercase words (the search page cuts what the reader types
//! by the same rule), and one article's words counted per field ([`DocTerms`]).

use std::borrow::Cow;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::records::{Scratch, compress};
use super::{FIELDS, Field, Label, SearchDoc};

/// Words shorter than this (in characters) are not indexed: `a`, `I`, the `s` of `it's`.
pub const MIN_WORD_CHARS: usize = 2;
/// Words longer than this are not indexed: hashes, base64, URLs glued together.
pub const MAX_WORD_CHARS: usize = 32;
/// Bytes of body text kept in a result's record for its excerpt: a result's download stays
/// small even for a very long article (a match further in shows the summary instead).
pub const EXCERPT_SOURCE_BYTES: usize = 16 * 1024;

/// The words of `text`, lowercased: runs of letters and digits (`char::is_alphanumeric`,
/// which is `[\p{Alphabetic}\p{N}]` in JavaScript) of 2 to 32 characters. A word that is
/// already lowercase is borrowed, not copied. ASCII, most of any text, is read byte by byte.
pub fn words(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    let bytes = text.as_bytes();
    let mut at = 0;
    // The character at `at` (which is on a boundary), its length, and whether it is a letter
    // or digit.
    let next = move |at: usize| -> (usize, bool, bool) {
        let b = bytes[at];
        if b < 0x80 {
            (1, b.is_ascii_alphanumeric(), b.is_ascii_uppercase())
        } else {
            let c = text[at..].chars().next().unwrap_or(' ');
            (c.len_utf8(), c.is_alphanumeric(), true)
        }
    };
    std::iter::from_fn(move || {
        loop {
            while at < bytes.len() {
                let (len, word, _) = next(at);
                if word {
                    break;
                }
                at += len;
            }
            if at >= bytes.len() {
                return None;
            }
            let start = at;
            let (mut chars, mut changes) = (0, false);
            while at < bytes.len() {
                let (len, word, maybe_upper) = next(at);
                if !word {
                    break;
                }
                changes |= maybe_upper;
                chars += 1;
                at += len;
            }
            if (MIN_WORD_CHARS..=MAX_WORD_CHARS).contains(&chars) {
                let word = &text[start..at];
                return Some(if changes {
                    lowercase(word)
                } else {
                    Cow::Borrowed(word)
                });
            }
        }
    })
}

fn lowercase(word: &str) -> Cow<'_, str> {
    let lower = if word.is_ascii() {
        word.to_ascii_lowercase()
    } else {
        word.to_lowercase()
    };
    if lower == word {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(lower)
    }
}

/// One article's words and its record: all the index needs of it. Built by [`doc_terms`]
/// from the article alone, so a build can keep it while the article is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocTerms {
    /// The distinct words in byte order, packed (a site of 10,000 articles holds about four
    /// million): per word its byte length, its UTF-8, a byte with one bit per field it is
    /// in, then its count (at most 255) in each of those fields.
    pub(super) words: Box<[u8]>,
    /// How many distinct words.
    pub(super) len: usize,
    /// How many words each field has.
    pub(super) lengths: [u32; FIELDS],
    pub(super) tags: Vec<Label>,
    pub(super) authors: Vec<Label>,
    /// The JSON a result shows, compressed (see `records`).
    pub(super) record: Box<[u8]>,
}

impl DocTerms {
    /// The distinct words, in byte order, each with its count per field.
    pub fn words(&self) -> impl Iterator<Item = (&str, [u8; FIELDS])> + '_ {
        // Packed from `&str`s by `doc_terms`, so always UTF-8.
        self.word_bytes()
            .map(|(word, counts)| (std::str::from_utf8(word).unwrap_or_default(), counts))
    }

    /// [`DocTerms::words`] as bytes, not checked again as UTF-8: for the site-wide merge,
    /// which reads millions of words and needs the text only of the distinct ones.
    pub fn word_bytes(&self) -> impl Iterator<Item = (&[u8], [u8; FIELDS])> + '_ {
        let mut rest: &[u8] = &self.words;
        std::iter::from_fn(move || {
            let (&len, after) = rest.split_first()?;
            let (word, after) = after.split_at(usize::from(len));
            let (&fields, mut after) = after.split_first()?;
            let mut counts = [0u8; FIELDS];
            for (f, count) in counts.iter_mut().enumerate() {
                if fields & (1 << f) != 0 {
                    (*count, after) = (after[0], &after[1..]);
                }
            }
            rest = after;
            Some((word, counts))
        })
    }

    /// How many distinct words.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// What a result shows of an article (`doc/N.json`).
#[derive(Serialize)]
struct Record<'a> {
    url: &'a str,
    title: &'a str,
    date: &'a str,
    date_display: &'a str,
    authors: Vec<&'a str>,
    tags: Vec<&'a str>,
    summary: &'a str,
    /// The start of the body, for excerpts.
    body: &'a str,
}

/// Count the words of every field of `doc` and write its record. `scratch` is working
/// memory only (one per thread): the result depends on `doc` alone.
pub fn doc_terms(doc: &SearchDoc, scratch: &mut Scratch) -> DocTerms {
    let mut counts: FxHashMap<Cow<'_, str>, [u8; FIELDS]> = FxHashMap::default();
    let mut lengths = [0u32; FIELDS];
    let tag_names = names(&doc.tags);
    let author_names = names(&doc.authors);
    let fields: [(Field, &[&str]); FIELDS] = [
        (Field::Title, &[&doc.title]),
        (Field::Summary, &[&doc.summary]),
        (Field::Tags, &tag_names),
        (Field::Authors, &author_names),
        (Field::Body, &[&doc.body_text]),
    ];
    for (field, texts) in fields {
        for text in texts {
            for word in words(text) {
                let count = &mut counts.entry(word).or_default()[field as usize];
                *count = count.saturating_add(1);
                lengths[field as usize] += 1;
            }
        }
    }
    let mut sorted: Vec<(Cow<'_, str>, [u8; FIELDS])> = counts.into_iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let packed_len = |(w, counts): &(Cow<'_, str>, [u8; FIELDS])| {
        w.len() + 2 + counts.iter().filter(|&&c| c > 0).count()
    };
    let mut words = Vec::with_capacity(sorted.iter().map(packed_len).sum());
    for (word, counts) in &sorted {
        // At most 32 characters of at most 4 bytes: the length fits a byte.
        words.push(word.len() as u8);
        words.extend_from_slice(word.as_bytes());
        let fields = (0..FIELDS)
            .filter(|&f| counts[f] > 0)
            .fold(0u8, |m, f| m | 1 << f);
        words.push(fields);
        words.extend(counts.iter().filter(|&&c| c > 0));
    }
    let record = Record {
        url: &doc.url,
        title: &doc.title,
        date: &doc.date,
        date_display: &doc.date_display,
        authors: author_names.clone(),
        tags: tag_names.clone(),
        summary: &doc.summary,
        body: excerpt_source(&doc.body_text),
    };
    DocTerms {
        words: words.into_boxed_slice(),
        len: sorted.len(),
        lengths,
        tags: doc.tags.clone(),
        authors: doc.authors.clone(),
        // Serializing strings into a Vec cannot fail.
        record: compress(&serde_json::to_vec(&record).unwrap_or_default(), scratch),
    }
}

fn names(labels: &[Label]) -> Vec<&str> {
    labels.iter().map(|l| l.name.as_str()).collect()
}

/// The body, cut to at most `EXCERPT_SOURCE_BYTES` at a space (or a character boundary).
fn excerpt_source(body: &str) -> &str {
    if body.len() <= EXCERPT_SOURCE_BYTES {
        return body;
    }
    let mut end = EXCERPT_SOURCE_BYTES;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &body[..end];
    match cut.rfind(char::is_whitespace) {
        Some(space) if space > end / 2 => cut[..space].trim_end(),
        _ => cut,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        words(text).map(Cow::into_owned).collect()
    }

    #[test]
    fn words_are_lowercase_runs_of_letters_and_digits() {
        assert_eq!(
            all("Retry budgets: HTTP/2 & gRPC's 3 retries, e.g. x-y"),
            ["retry", "budgets", "http", "grpc", "retries"]
        );
    }

    #[test]
    fn one_letter_and_overlong_words_are_left_out() {
        assert_eq!(all("a I x9 C"), ["x9"]);
        let long = "b".repeat(MAX_WORD_CHARS + 1);
        let just = "c".repeat(MAX_WORD_CHARS);
        assert_eq!(all(&format!("{long} {just}")), [just]);
    }

    #[test]
    fn non_ascii_letters_are_words_and_lowercased() {
        assert_eq!(
            all("Größe ÉTÉ naïve 東京"),
            ["größe", "été", "naïve", "東京"]
        );
        // Lowercase words are borrowed from the text; others are copied.
        assert!(matches!(words("été").next(), Some(Cow::Borrowed(_))));
        assert!(matches!(words("Été").next(), Some(Cow::Owned(_))));
    }

    #[test]
    fn punctuation_and_symbols_split_words() {
        assert_eq!(
            all("snake_case, kebab-case; don’t (p99) ≥10ms"),
            ["snake", "case", "kebab", "case", "don", "p99", "10ms"]
        );
    }

    fn doc_terms_of(doc: &SearchDoc) -> DocTerms {
        doc_terms(doc, &mut Scratch::default())
    }

    fn doc(title: &str, body: &str) -> SearchDoc {
        SearchDoc {
            url: "/a/".into(),
            title: title.into(),
            summary: "Retries need budgets.".into(),
            tags: vec![Label {
                key: "reliability".into(),
                name: "Reliability".into(),
            }],
            authors: vec![Label {
                key: "ana".into(),
                name: "Ana Pereira".into(),
            }],
            date: "2025-01-21".into(),
            date_display: "21 January 2025".into(),
            body_text: body.into(),
        }
    }

    #[test]
    fn doc_terms_count_words_per_field_in_sorted_order() {
        let terms = doc_terms_of(&doc("Retry budgets", "A retry loop retries; retry!"));
        let got: Vec<(&str, [u8; FIELDS])> = terms.words().collect();
        assert_eq!(
            got,
            [
                ("ana", [0, 0, 0, 1, 0]),
                ("budgets", [1, 1, 0, 0, 0]),
                ("loop", [0, 0, 0, 0, 1]),
                ("need", [0, 1, 0, 0, 0]),
                ("pereira", [0, 0, 0, 1, 0]),
                ("reliability", [0, 0, 1, 0, 0]),
                ("retries", [0, 1, 0, 0, 1]),
                ("retry", [1, 0, 0, 0, 2]),
            ]
        );
        assert_eq!(terms.lengths, [2, 3, 1, 2, 4]);
    }

    #[test]
    fn record_is_json_with_what_a_result_shows() {
        let terms = doc_terms_of(&doc("<b>Retry</b> & \"budgets\"", "Body text."));
        let record: serde_json::Value = super::super::records::inflate(&terms.record);
        assert_eq!(record["title"], "<b>Retry</b> & \"budgets\"");
        assert_eq!(record["url"], "/a/");
        assert_eq!(record["authors"][0], "Ana Pereira");
        assert_eq!(record["tags"][0], "Reliability");
        assert_eq!(record["date_display"], "21 January 2025");
        assert_eq!(record["body"], "Body text.");
    }

    #[test]
    fn long_bodies_are_cut_at_a_space_for_the_record_but_indexed_whole() {
        let body = format!("{} needle", "word ".repeat(EXCERPT_SOURCE_BYTES / 5 + 10));
        let terms = doc_terms_of(&doc("T", &body));
        let record: serde_json::Value = super::super::records::inflate(&terms.record);
        let kept = record["body"].as_str().unwrap();
        assert!(kept.len() <= EXCERPT_SOURCE_BYTES && kept.ends_with("word"));
        assert!(terms.words().any(|(w, _)| w == "needle"));
        let wide = "é".repeat(EXCERPT_SOURCE_BYTES);
        assert!(excerpt_source(&wide).len() <= EXCERPT_SOURCE_BYTES);
    }
}
