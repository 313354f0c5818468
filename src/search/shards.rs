//! The index cut into files the browser fetches only as needed: the words in alphabetical
//! ranges (shards of about `SHARD_BYTES`), the articles' records a few to a file (see
//! `records`), one list per tag and per author, and `meta.json`, which says where
//! everything is. Formats: docs/themes.md.

use rustc_hash::FxHashSet;
use serde::Serialize;

use super::records;
use super::{DocTerms, INDEX_DIR, Label, SiteSearchConfig};

/// A shard is closed before it grows past this (unless one stem alone is bigger): small
/// enough for a phone, big enough that a site of 10,000 articles has a few hundred.
pub const SHARD_BYTES: usize = 24 * 1024;
/// Version of the file formats, in `meta.json`; the search page refuses others.
pub const FORMAT: u32 = 1;

/// Each stem's posting list, encoded: (varint article delta, weight byte) per article.
pub struct Postings {
    lists: Vec<Vec<u8>>,
    counts: Vec<u32>,
    last: Vec<u32>,
}

impl Postings {
    pub fn new(stems: usize) -> Postings {
        Postings {
            lists: vec![Vec::new(); stems],
            counts: vec![0; stems],
            last: vec![0; stems],
        }
    }

    /// Add article `doc` (ascending for each stem) with `weight` to `stem`'s list.
    pub fn push(&mut self, stem: u32, doc: u32, weight: u8) {
        let s = stem as usize;
        let delta = if self.counts[s] == 0 {
            doc
        } else {
            doc - self.last[s]
        };
        varint(&mut self.lists[s], delta);
        self.lists[s].push(weight);
        self.counts[s] += 1;
        self.last[s] = doc;
    }

    /// The lists of `parts` one after the other: part N + 1's stems are numbered on from
    /// part N's last.
    pub fn concat(parts: Vec<Postings>) -> Postings {
        let stems = parts.iter().map(|p| p.lists.len()).sum();
        let mut all = Postings {
            lists: Vec::with_capacity(stems),
            counts: Vec::with_capacity(stems),
            last: Vec::with_capacity(stems),
        };
        for part in parts {
            all.lists.extend(part.lists);
            all.counts.extend(part.counts);
            all.last.extend(part.last);
        }
        all
    }

    /// Bytes `stem`'s list takes in a shard, with its count.
    fn size(&self, stem: u32) -> usize {
        5 + self.lists[stem as usize].len()
    }

    fn write(&self, stem: u32, out: &mut Vec<u8>) {
        varint(out, self.counts[stem as usize]);
        out.extend_from_slice(&self.lists[stem as usize]);
    }
}

/// LEB128: seven bits a byte, low bits first, the high bit set on all but the last.
pub fn varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

#[derive(Serialize)]
struct Meta<'a> {
    format: u32,
    /// A hash of every other file: appended to their URLs so no cache mixes two builds.
    version: String,
    docs: usize,
    /// Records per `doc/N.bin`: article A is record `A % docs_per_file` of file
    /// `A / docs_per_file`.
    docs_per_file: usize,
    excerpt_words: usize,
    /// The first word (shortened) of each shard: shard N holds the words from `shards[N]`
    /// up to, not including, `shards[N + 1]`.
    shards: Vec<String>,
    tags: Vec<Filter<'a>>,
    authors: Vec<Filter<'a>>,
}

/// A tag or an author with its number of articles; its list is `tag/N.bin` or
/// `author/N.bin`, N being its place in `meta.json`.
#[derive(Serialize)]
struct Filter<'a> {
    key: &'a str,
    name: &'a str,
    count: usize,
}

fn rows<'a>(list: &[(&'a Label, Vec<u32>)]) -> Vec<Filter<'a>> {
    list.iter()
        .map(|(label, members)| Filter {
            key: &label.key,
            name: &label.name,
            count: members.len(),
        })
        .collect()
}

/// All the index files, sorted by path.
pub fn write(
    vocabulary: &[&str],
    stem_of_word: &[u32],
    stem_names: &[&str],
    postings: &Postings,
    docs: &[&DocTerms],
    config: &SiteSearchConfig,
) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::with_capacity(docs.len() / 4 + 512);
    let ranges = cut(vocabulary, stem_of_word, stem_names, postings);
    let mut bounds = Vec::with_capacity(ranges.len());
    for (n, range) in ranges.iter().enumerate() {
        let words = &vocabulary[range.clone()];
        bounds.push(match n {
            0 => String::new(),
            _ => shortest_bound(vocabulary[range.start - 1], words[0]).to_string(),
        });
        let bytes = shard(words, &stem_of_word[range.clone()], stem_names, postings);
        files.push((format!("{INDEX_DIR}shard/{n}.bin"), bytes));
    }
    let (docs_per_file, record_files) = records::files(docs);
    for (n, bytes) in record_files.into_iter().enumerate() {
        files.push((format!("{INDEX_DIR}doc/{n}.bin"), bytes));
    }
    let tags = filters(docs, |d| &d.tags);
    let authors = filters(docs, |d| &d.authors);
    for (kind, list) in [("tag", &tags), ("author", &authors)] {
        for (n, (_, members)) in list.iter().enumerate() {
            files.push((format!("{INDEX_DIR}{kind}/{n}.bin"), doc_list(members)));
        }
    }
    let meta = Meta {
        format: FORMAT,
        version: version(&files),
        docs: docs.len(),
        docs_per_file,
        excerpt_words: config.excerpt_words,
        shards: bounds,
        tags: rows(&tags),
        authors: rows(&authors),
    };
    let mut meta_bytes = serde_json::to_vec(&meta).unwrap_or_default();
    meta_bytes.push(b'\n');
    files.push((format!("{INDEX_DIR}meta.json"), meta_bytes));
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Cuts the sorted vocabulary into ranges whose words and postings take about
/// `SHARD_BYTES`. A stem whose forms fall in two ranges is written in both.
fn cut(
    vocabulary: &[&str],
    stem_of_word: &[u32],
    stem_names: &[&str],
    postings: &Postings,
) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut size = 0;
    let mut stems_in: FxHashSet<u32> = FxHashSet::default();
    for (i, (word, &stem)) in vocabulary.iter().zip(stem_of_word).enumerate() {
        let new_stem = !stems_in.contains(&stem);
        let stem_size = postings.size(stem) + stem_names[stem as usize].len() + 5;
        let added = word.len() + 10 + if new_stem { stem_size } else { 0 };
        if i > start && size + added > SHARD_BYTES {
            ranges.push(start..i);
            start = i;
            size = 0;
            stems_in.clear();
        }
        if stems_in.insert(stem) {
            size += stem_size;
        }
        size += word.len() + 10;
    }
    if start < vocabulary.len() || ranges.is_empty() {
        ranges.push(start..vocabulary.len());
    }
    ranges
}

/// The shortest prefix of `first` that sorts after `previous` (which sorts before `first`):
/// enough for the browser to tell which shard a word belongs to.
fn shortest_bound<'a>(previous: &str, first: &'a str) -> &'a str {
    let common = previous
        .chars()
        .zip(first.chars())
        .take_while(|(a, b)| a == b)
        .count();
    match first.char_indices().nth(common + 1) {
        Some((end, _)) => &first[..end],
        None => first,
    }
}

/// One shard: the stems its words have, each with its postings, then the words with their
/// stem (a number in this shard), all strings UTF-8 after their byte length:
///
/// `varint stems, { varint length, stem, varint count, { varint article delta, u8 weight }
///  × count } × stems, varint words, { varint length, word, varint stem } × words`
fn shard(words: &[&str], stems: &[u32], stem_names: &[&str], postings: &Postings) -> Vec<u8> {
    let mut local: Vec<u32> = stems.to_vec();
    local.sort_unstable();
    local.dedup();
    let mut out = Vec::new();
    varint(&mut out, local.len() as u32);
    for &stem in &local {
        let name = stem_names[stem as usize];
        varint(&mut out, name.len() as u32);
        out.extend_from_slice(name.as_bytes());
        postings.write(stem, &mut out);
    }
    varint(&mut out, words.len() as u32);
    for (word, stem) in words.iter().zip(stems) {
        varint(&mut out, word.len() as u32);
        out.extend_from_slice(word.as_bytes());
        // Found: `local` holds every stem of these words.
        varint(&mut out, local.binary_search(stem).unwrap_or(0) as u32);
    }
    out
}

/// Each tag (or author) of the site with the articles that have it, sorted by key.
fn filters<'a>(
    docs: &[&'a DocTerms],
    labels: impl Fn(&'a DocTerms) -> &'a Vec<Label>,
) -> Vec<(&'a Label, Vec<u32>)> {
    let mut by_key: std::collections::BTreeMap<&str, (&Label, Vec<u32>)> = Default::default();
    for (n, doc) in docs.iter().enumerate() {
        for label in labels(doc) {
            let entry = by_key.entry(&label.key).or_insert((label, Vec::new()));
            if entry.1.last() != Some(&(n as u32)) {
                entry.1.push(n as u32);
            }
        }
    }
    by_key.into_values().collect()
}

/// `varint count, { varint article delta } × count`
fn doc_list(members: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(members.len() + 4);
    varint(&mut out, members.len() as u32);
    let mut last = 0;
    for (i, &doc) in members.iter().enumerate() {
        varint(&mut out, if i == 0 { doc } else { doc - last });
        last = doc;
    }
    out
}

/// BLAKE3 over every path and its bytes, the first 8 bytes in hex: the same files give the
/// same version on any machine and with any Rust release. (BLAKE3 reads the 24 MB of a
/// 10,000-article index in a few milliseconds; a byte-at-a-time hash took ~30.)
fn version(files: &[(String, Vec<u8>)]) -> String {
    let mut hash = blake3::Hasher::new();
    for (path, bytes) in files {
        hash.update(path.as_bytes());
        hash.update(&[0]);
        hash.update(&(bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    }
    let first: [u8; 8] = hash.finalize().as_bytes()[..8]
        .try_into()
        .unwrap_or_default();
    format!("{:016x}", u64::from_be_bytes(first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_are_leb128() {
        let mut out = Vec::new();
        for n in [0, 1, 127, 128, 300, u32::MAX] {
            varint(&mut out, n);
        }
        assert_eq!(
            out,
            [0, 1, 127, 0x80, 1, 0xac, 2, 0xff, 0xff, 0xff, 0xff, 0x0f]
        );
    }

    #[test]
    fn bounds_are_the_shortest_prefix_after_the_previous_word() {
        assert_eq!(shortest_bound("apple", "apricot"), "apr");
        assert_eq!(shortest_bound("cath", "catharsis"), "catha");
        assert_eq!(shortest_bound("cat", "dog"), "d");
        assert_eq!(shortest_bound("über", "übrig"), "übr");
    }

    #[test]
    fn shards_stay_under_the_size_unless_one_stem_is_bigger() {
        let words: Vec<String> = (0..3000).map(|i| format!("w{i:05}")).collect();
        let vocabulary: Vec<&str> = words.iter().map(String::as_str).collect();
        let stem_of_word: Vec<u32> = (0..3000).collect();
        let mut postings = Postings::new(3000);
        for stem in 0..3000u32 {
            // Stem 1500 is in 20,000 articles: a shard of its own.
            let n = if stem == 1500 { 20_000 } else { 3 };
            for doc in 0..n {
                postings.push(stem, doc, 100);
            }
        }
        let ranges = cut(&vocabulary, &stem_of_word, &vocabulary, &postings);
        assert!(ranges.len() > 2);
        assert_eq!(ranges.first().unwrap().start, 0);
        assert_eq!(ranges.last().unwrap().end, 3000);
        for pair in ranges.windows(2) {
            assert_eq!(pair[0].end, pair[1].start, "ranges leave no gap");
        }
        let big = ranges.iter().find(|r| r.contains(&1500)).unwrap();
        assert_eq!(big.len(), 1, "the big stem is alone");
        for r in ranges.iter().filter(|r| !r.contains(&1500)) {
            let bytes = shard(
                &vocabulary[r.clone()],
                &stem_of_word[r.clone()],
                &vocabulary,
                &postings,
            );
            assert!(bytes.len() <= SHARD_BYTES, "{} bytes", bytes.len());
        }
    }

    #[test]
    fn the_version_follows_every_path_and_byte() {
        let files = |a: &str, b: &[u8]| vec![(a.to_string(), b.to_vec()), ("z".into(), vec![1])];
        let v = version(&files("a", b"xy"));
        assert_eq!(v.len(), 16);
        assert!(v.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(v, version(&files("a", b"xy")));
        assert_ne!(v, version(&files("a", b"xz")));
        assert_ne!(v, version(&files("b", b"xy")));
        // A byte moved from a file to its path is another set of files.
        assert_ne!(v, version(&files("ax", b"y")));
    }

    #[test]
    fn doc_lists_are_counted_deltas() {
        assert_eq!(doc_list(&[2, 3, 200]), [3, 2, 1, 197, 1]);
        assert_eq!(doc_list(&[]), [0]);
    }
}
