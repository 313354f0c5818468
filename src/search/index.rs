//! Every article's words → one posting list per stem, each posting weighted by BM25F at
//! build time, so the browser only multiplies by the stem's rarity. Each distinct word of
//! the site is stemmed once. No tokenising here: the words come counted in `DocTerms`.

use std::borrow::Cow;

use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet};

use super::shards::{self, Postings};
use super::{DocTerms, FIELDS, SiteSearchConfig};

/// How much a word counts in each field (title, summary, tags, authors, body): a word of
/// the title says more about the article than one of the body.
pub const FIELD_WEIGHTS: [f32; FIELDS] = [5.0, 3.0, 3.0, 2.0, 1.0];
/// BM25's length normalisation per field: a long body dilutes its words, tags do not.
const FIELD_B: [f32; FIELDS] = [0.5, 0.5, 0.0, 0.0, 0.75];
/// BM25's saturation: the tenth `retry` in a body adds less than the second.
const K1: f32 = 1.2;

/// The index files (path under the output folder, bytes), sorted by path. The same
/// articles in the same order give the same bytes.
pub fn build_index(docs: &[&DocTerms], config: &SiteSearchConfig) -> Vec<(String, Vec<u8>)> {
    let vocabulary = vocabulary(docs);
    let stemmer = stemmer_for(&config.language);
    let stems: Vec<Cow<'_, str>> = vocabulary
        .par_iter()
        .map(|w| match &stemmer {
            Some(s) => s.stem(w),
            None => Cow::Borrowed(*w),
        })
        .collect();
    let (stem_of_word, stem_names) = number_stems(&stems);
    let word_ids: FxHashMap<&str, u32> = vocabulary
        .iter()
        .enumerate()
        .map(|(i, w)| (*w, i as u32))
        .collect();
    let postings = postings(docs, &word_ids, &stem_of_word, stem_names.len());
    shards::write(
        &vocabulary,
        &stem_of_word,
        &stem_names,
        &postings,
        docs,
        config,
    )
}

/// The snowball stemmer for the primary subtag of `language` (`en-GB` → English), if any.
pub fn stemmer_for(language: &str) -> Option<Stemmer> {
    let primary = language
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let algorithm = match primary.as_str() {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "en" => Algorithm::English,
        "es" => Algorithm::Spanish,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "nl" => Algorithm::Dutch,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

/// Every distinct word of the site, in byte order (which is code point order).
fn vocabulary<'a>(docs: &[&'a DocTerms]) -> Vec<&'a str> {
    let set = docs
        .par_iter()
        .fold(FxHashSet::default, |mut set, doc| {
            set.extend(doc.words().map(|(w, _)| w));
            set
        })
        .reduce(FxHashSet::default, |mut a, mut b| {
            if a.len() < b.len() {
                std::mem::swap(&mut a, &mut b);
            }
            a.extend(b);
            a
        });
    let mut words: Vec<&str> = set.into_iter().collect();
    words.par_sort_unstable();
    words
}

/// Numbers the distinct stems in byte order: each word's stem number, and the stems.
fn number_stems<'a>(stems: &'a [Cow<'a, str>]) -> (Vec<u32>, Vec<&'a str>) {
    let mut order: Vec<u32> = (0..stems.len() as u32).collect();
    order.par_sort_unstable_by(|&a, &b| stems[a as usize].cmp(&stems[b as usize]));
    let mut stem_of_word = vec![0u32; stems.len()];
    let mut names: Vec<&str> = Vec::new();
    for &word in &order {
        let stem = stems[word as usize].as_ref();
        if names.last() != Some(&stem) {
            names.push(stem);
        }
        stem_of_word[word as usize] = names.len() as u32 - 1;
    }
    (stem_of_word, names)
}

/// Each stem's postings: the articles that have it (ascending), each with its weight.
fn postings(
    docs: &[&DocTerms],
    word_ids: &FxHashMap<&str, u32>,
    stem_of_word: &[u32],
    stem_count: usize,
) -> Postings {
    let average = average_lengths(docs);
    let mut postings = Postings::new(stem_count);
    // A few hundred articles at a time: all of them at once would hold ~30 MB of weights
    // at 10,000 articles.
    for (chunk, docs) in docs.chunks(512).enumerate() {
        let weighted: Vec<Vec<(u32, u8)>> = docs
            .par_iter()
            .map(|doc| weigh(doc, word_ids, stem_of_word, &average))
            .collect();
        for (i, stems) in weighted.iter().enumerate() {
            let doc = (chunk * 512 + i) as u32;
            for &(stem, weight) in stems {
                postings.push(stem, doc, weight);
            }
        }
    }
    postings
}

/// One article's stems, each with its weight.
fn weigh(
    doc: &DocTerms,
    word_ids: &FxHashMap<&str, u32>,
    stem_of_word: &[u32],
    average: &[f32; FIELDS],
) -> Vec<(u32, u8)> {
    let mut stems: Vec<(u32, [u8; FIELDS])> = doc
        .words()
        .map(|(w, counts)| (stem_of_word[word_ids[w] as usize], counts))
        .collect();
    stems.sort_unstable_by_key(|&(s, _)| s);
    let mut weighted: Vec<(u32, u8)> = Vec::with_capacity(stems.len());
    let mut i = 0;
    while i < stems.len() {
        // Forms of one stem (`retry`, `retries`) add up.
        let stem = stems[i].0;
        let mut counts = [0u32; FIELDS];
        while i < stems.len() && stems[i].0 == stem {
            for (sum, &c) in counts.iter_mut().zip(&stems[i].1) {
                *sum += u32::from(c);
            }
            i += 1;
        }
        weighted.push((stem, weight(&counts, &doc.lengths, average)));
    }
    weighted
}

fn average_lengths(docs: &[&DocTerms]) -> [f32; FIELDS] {
    let mut sums = [0f64; FIELDS];
    for doc in docs {
        for (sum, &len) in sums.iter_mut().zip(&doc.lengths) {
            *sum += f64::from(len);
        }
    }
    sums.map(|s| (s / docs.len().max(1) as f64) as f32)
}

/// BM25F: the word counts of each field, weighted and normalised by the field's length,
/// added up, then saturated into (0, 1) and stored as 1..=255. The browser multiplies it
/// by the stem's inverse document frequency, the one part that needs the whole site.
pub fn weight(counts: &[u32; FIELDS], lengths: &[u32; FIELDS], average: &[f32; FIELDS]) -> u8 {
    let mut tf = 0f32;
    for f in 0..FIELDS {
        if counts[f] == 0 {
            continue;
        }
        let relative = if average[f] > 0.0 {
            lengths[f] as f32 / average[f]
        } else {
            1.0
        };
        tf += FIELD_WEIGHTS[f] * counts[f] as f32 / (1.0 - FIELD_B[f] + FIELD_B[f] * relative);
    }
    let saturated = tf / (K1 + tf);
    (saturated * 255.0).round().clamp(1.0, 255.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Field;

    fn counts(field: Field, n: u32) -> [u32; FIELDS] {
        let mut c = [0; FIELDS];
        c[field as usize] = n;
        c
    }

    const LENGTHS: [u32; FIELDS] = [6, 20, 3, 2, 1000];
    const AVERAGE: [f32; FIELDS] = [6.0, 20.0, 3.0, 2.0, 1000.0];

    #[test]
    fn title_and_summary_weigh_more_than_the_body() {
        let title = weight(&counts(Field::Title, 1), &LENGTHS, &AVERAGE);
        let summary = weight(&counts(Field::Summary, 1), &LENGTHS, &AVERAGE);
        let body = weight(&counts(Field::Body, 1), &LENGTHS, &AVERAGE);
        assert!(
            title > summary && summary > body,
            "{title} {summary} {body}"
        );
    }

    #[test]
    fn more_occurrences_weigh_more_but_saturate() {
        let w = |n| weight(&counts(Field::Body, n), &LENGTHS, &AVERAGE);
        assert!(w(1) < w(2) && w(2) < w(5));
        assert!(w(2) - w(1) > w(20) - w(19));
        assert!(w(200) > w(20) && w(1) >= 1);
    }

    #[test]
    fn a_longer_body_dilutes_its_words() {
        let long = [6, 20, 3, 2, 4000];
        let short = [6, 20, 3, 2, 250];
        let c = counts(Field::Body, 2);
        assert!(weight(&c, &short, &AVERAGE) > weight(&c, &long, &AVERAGE));
    }

    #[test]
    fn stemmer_follows_the_language_subtag() {
        let stem = |lang: &str, w: &str| stemmer_for(lang).map(|s| s.stem(w).into_owned());
        assert_eq!(stem("en", "retries").as_deref(), Some("retri"));
        assert_eq!(stem("en-GB", "retrying").as_deref(), Some("retri"));
        assert_eq!(stem("de-AT", "häuser").as_deref(), Some("haus"));
        assert_eq!(stem("ja", "retries"), None);
        assert_eq!(stem("", "retries"), None);
    }

    #[test]
    fn stems_are_numbered_in_order_and_shared_by_their_forms() {
        let stems: Vec<Cow<str>> = ["retri", "budget", "retri", "zone", "budget"]
            .into_iter()
            .map(Cow::Borrowed)
            .collect();
        let (of_word, names) = number_stems(&stems);
        assert_eq!(of_word, [1, 0, 1, 2, 0]);
        assert_eq!(names, ["budget", "retri", "zone"]);
        assert_eq!(number_stems(&[]), (vec![], vec![]));
    }
}
