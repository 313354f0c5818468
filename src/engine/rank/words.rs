//! Words for ranking: an article's terms (title words count 3, summary 2, body 1), hashed
//! case-insensitively without copying, and the stop words that never count.

use std::hash::Hasher;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

/// Weighted counts of an article's words by `word_key`, with the word as first written.
pub type TermCounts<'a> = FxHashMap<u64, (f64, &'a str)>;

/// Weighted term counts: title words count 3, summary 2, body 1. Words are hashed, not
/// copied, so tokenizing 10,000 articles allocates almost nothing.
pub fn term_counts<'a>(
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
pub fn word_key(word: &str) -> u64 {
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

pub fn stop_words() -> FxHashSet<u64> {
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
