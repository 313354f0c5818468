//! Every article's words → one posting list per stem, each posting weighted by BM25F at
//! build time, so the browser only multiplies by the stem's rarity. Each distinct word of
//! the site is stemmed once. No tokenising here: the words come counted in `DocTerms`.

use std::borrow::Cow;

use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;

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
    let words = Words::of(docs);
    let stemmer = stemmer_for(&config.language);
    let stems: Vec<Cow<'_, str>> = words
        .vocabulary
        .par_iter()
        .map(|w| match &stemmer {
            Some(s) => s.stem(w),
            None => Cow::Borrowed(*w),
        })
        .collect();
    let (stem_of_word, stem_names) = number_stems(&stems);
    let postings = postings(docs, &words, &stem_of_word, stem_names.len());
    shards::write(
        &words.vocabulary,
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

/// Articles per chunk of the merge. Each chunk numbers its own words first: its table of
/// words stays small (in the cache) and its own, so chunks are numbered in parallel, and
/// only their distinct words, not every article's, are looked up in the site's table.
const CHUNK: usize = 512;

/// The site's words, and every article's words as numbers: all that `postings` needs to
/// read them, without looking up a string per article and word.
struct Words<'a> {
    /// Every distinct word of the site, in byte order (which is code point order); a word's
    /// number is its place here.
    vocabulary: Vec<&'a str>,
    /// The articles `CHUNK` at a time, in order.
    chunks: Vec<Chunk>,
}

/// The words of a few consecutive articles, numbered within the chunk.
struct Chunk {
    /// Each article's words in its order (byte order), as numbers of this chunk, one article
    /// after the other.
    local: Vec<u32>,
    /// Where each article's words end in `local`.
    ends: Vec<usize>,
    /// The site's number of each word of this chunk.
    site: Vec<u32>,
}

impl<'a> Words<'a> {
    /// The words of `docs`: each chunk's in parallel, then the chunks' distinct words
    /// together (a few times the site's vocabulary, not every article's words).
    fn of(docs: &[&'a DocTerms]) -> Words<'a> {
        // Each chunk, with its words in the order it met them (their site numbers to come).
        let chunks: Vec<(Chunk, Vec<&'a [u8]>)> = docs
            .par_chunks(CHUNK)
            .map(|docs| {
                let mut numbers: FxHashMap<&[u8], u32> = FxHashMap::default();
                let mut local = Vec::with_capacity(docs.iter().map(|d| d.len()).sum());
                let mut ends = Vec::with_capacity(docs.len());
                let mut words = Vec::new();
                for doc in docs {
                    for (word, _) in doc.word_bytes() {
                        let n = *numbers.entry(word).or_insert_with(|| {
                            words.push(word);
                            words.len() as u32 - 1
                        });
                        local.push(n);
                    }
                    ends.push(local.len());
                }
                let site = Vec::new();
                (Chunk { local, ends, site }, words)
            })
            .collect();
        // The site's distinct words, numbered as first met, then in byte order.
        let mut first_met: FxHashMap<&[u8], u32> = FxHashMap::default();
        let mut distinct: Vec<&[u8]> = Vec::new();
        for (_, words) in &chunks {
            for &word in words {
                first_met.entry(word).or_insert_with(|| {
                    distinct.push(word);
                    distinct.len() as u32 - 1
                });
            }
        }
        let mut order: Vec<u32> = (0..distinct.len() as u32).collect();
        order.par_sort_unstable_by_key(|&n| distinct[n as usize]);
        let mut place = vec![0u32; order.len()];
        for (at, &n) in order.iter().enumerate() {
            place[n as usize] = at as u32;
        }
        // Packed from `&str`s by `doc_terms`, so always UTF-8.
        let vocabulary = order
            .iter()
            .map(|&n| std::str::from_utf8(distinct[n as usize]).unwrap_or_default())
            .collect();
        let chunks = chunks
            .into_par_iter()
            .map(|(chunk, words)| Chunk {
                site: words.iter().map(|w| place[first_met[w] as usize]).collect(),
                ..chunk
            })
            .collect();
        Words { vocabulary, chunks }
    }
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
    words: &Words,
    stem_of_word: &[u32],
    stem_count: usize,
) -> Postings {
    let average = average_lengths(docs);
    // The stems cut into a few ranges per thread, each range's lists filled by one task: the
    // lists of one stem take the articles in order, and no two tasks touch one list.
    let parts = (rayon::current_num_threads() * 4).clamp(1, stem_count.max(1));
    let ranges: Vec<std::ops::Range<u32>> = (0..parts)
        .map(|p| (p * stem_count / parts) as u32..((p + 1) * stem_count / parts) as u32)
        .collect();
    let mut lists: Vec<Postings> = ranges.iter().map(|r| Postings::new(r.len())).collect();
    // A chunk at a time: all articles at once would hold ~30 MB of weights at 10,000.
    for (n, chunk) in words.chunks.iter().enumerate() {
        let first = n * CHUNK;
        let docs = &docs[first..first + chunk.ends.len()];
        let stem_of: Vec<u32> = chunk
            .site
            .iter()
            .map(|&w| stem_of_word[w as usize])
            .collect();
        let weighted: Vec<Vec<(u32, u8)>> = docs
            .par_iter()
            .enumerate()
            .map(|(i, doc)| {
                let start = if i == 0 { 0 } else { chunk.ends[i - 1] };
                let local = &chunk.local[start..chunk.ends[i]];
                weigh(doc, local, &stem_of, &average)
            })
            .collect();
        lists.par_iter_mut().zip(&ranges).for_each(|(part, range)| {
            for (i, stems) in weighted.iter().enumerate() {
                // Sorted by stem: this range's are together.
                let from = stems.partition_point(|&(s, _)| s < range.start);
                let to = stems.partition_point(|&(s, _)| s < range.end);
                for &(stem, weight) in &stems[from..to] {
                    part.push(stem - range.start, (first + i) as u32, weight);
                }
            }
        });
    }
    Postings::concat(lists)
}

/// One article's stems, each with its weight. `local` numbers its words (in `stem_of`).
fn weigh(
    doc: &DocTerms,
    local: &[u32],
    stem_of: &[u32],
    average: &[f32; FIELDS],
) -> Vec<(u32, u8)> {
    let mut stems: Vec<(u32, [u8; FIELDS])> = doc
        .word_bytes()
        .zip(local)
        .map(|((_, counts), &n)| (stem_of[n as usize], counts))
        .collect();
    stems.sort_unstable_by_key(|&(s, _)| s);
    let norms = norms(&doc.lengths, average);
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
        weighted.push((stem, weight(&counts, &norms)));
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

/// What BM25F divides each field's weighted count by: 1 for a field of average length,
/// more for a longer one (as `FIELD_B` says). The same for all of an article's stems, so
/// `weigh` works it out once per article.
fn norms(lengths: &[u32; FIELDS], average: &[f32; FIELDS]) -> [f32; FIELDS] {
    std::array::from_fn(|f| {
        let relative = if average[f] > 0.0 {
            lengths[f] as f32 / average[f]
        } else {
            1.0
        };
        1.0 - FIELD_B[f] + FIELD_B[f] * relative
    })
}

/// BM25F: the word counts of each field, weighted and normalised by the field's length
/// (`norms`), added up, then saturated into (0, 1) and stored as 1..=255. The browser
/// multiplies it by the stem's inverse document frequency, the one part that needs the
/// whole site.
fn weight(counts: &[u32; FIELDS], norms: &[f32; FIELDS]) -> u8 {
    let mut tf = 0f32;
    for f in 0..FIELDS {
        if counts[f] == 0 {
            continue;
        }
        tf += FIELD_WEIGHTS[f] * counts[f] as f32 / norms[f];
    }
    let saturated = tf / (K1 + tf);
    // Rounded half away from zero like `f32::round`, which is a call into libm here (the
    // baseline x86-64 has no rounding instruction): adding ½ then truncating gives the
    // same for every f32 of 0..=255 (all of them were checked; the test checks the halves).
    ((saturated * 255.0 + 0.5) as u32).clamp(1, 255) as u8
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

    fn weight(counts: &[u32; FIELDS], lengths: &[u32; FIELDS], average: &[f32; FIELDS]) -> u8 {
        super::weight(counts, &norms(lengths, average))
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
    fn weights_round_half_away_from_zero() {
        // The f32s nearest each half, where adding ½ then truncating could differ.
        for half in (0..=255).map(|n| n as f32 + 0.5) {
            for ulps in -64..=64i32 {
                let x = f32::from_bits(half.to_bits().wrapping_add_signed(ulps));
                let rounded = ((x + 0.5) as u32).clamp(1, 255) as u8;
                assert_eq!(rounded, x.round().clamp(1.0, 255.0) as u8, "{x}");
            }
        }
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
