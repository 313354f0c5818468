//! Tests only: reads the index files and answers a query the way the search page's script
//! does (whole words, every word required, BM25 scores), so ranking is tested through the
//! bytes the browser gets.

use std::collections::BTreeMap;

use super::tokens::words;

pub struct Index {
    files: BTreeMap<String, Vec<u8>>,
    pub meta: serde_json::Value,
}

/// A shard read back: each stem's postings, and each word's and each stem's number.
struct Shard {
    stems: Vec<Vec<(u32, u8)>>,
    stem_names: BTreeMap<String, usize>,
    words: BTreeMap<String, usize>,
}

fn read_str(bytes: &[u8], at: &mut usize) -> String {
    let len = read_varint(bytes, at) as usize;
    let text = std::str::from_utf8(&bytes[*at..*at + len])
        .unwrap()
        .to_string();
    *at += len;
    text
}

/// A LEB128 number at `at`, which moves past it.
pub fn read_varint(bytes: &[u8], at: &mut usize) -> u32 {
    let mut n = 0u32;
    let mut shift = 0;
    loop {
        let b = bytes[*at];
        *at += 1;
        n |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            return n;
        }
        shift += 7;
    }
}

impl Index {
    pub fn new(files: Vec<(String, Vec<u8>)>) -> Index {
        let files: BTreeMap<String, Vec<u8>> = files.into_iter().collect();
        let meta = serde_json::from_slice(&files["search-index/meta.json"]).unwrap();
        Index { files, meta }
    }

    pub fn file(&self, path: &str) -> &[u8] {
        &self.files[&format!("search-index/{path}")]
    }

    fn shard_for(&self, word: &str) -> usize {
        let bounds = self.meta["shards"].as_array().unwrap();
        bounds
            .iter()
            .rposition(|b| b.as_str().unwrap() <= word)
            .unwrap()
    }

    fn shard(&self, n: usize) -> Shard {
        let bytes = self.file(&format!("shard/{n}.bin"));
        let mut at = 0;
        let stem_count = read_varint(bytes, &mut at);
        let mut stems = Vec::new();
        let mut stem_names = BTreeMap::new();
        for n in 0..stem_count {
            stem_names.insert(read_str(bytes, &mut at), n as usize);
            let count = read_varint(bytes, &mut at);
            let mut doc = 0;
            let mut list = Vec::new();
            for i in 0..count {
                let delta = read_varint(bytes, &mut at);
                doc = if i == 0 { delta } else { doc + delta };
                list.push((doc, bytes[at]));
                at += 1;
            }
            stems.push(list);
        }
        let word_count = read_varint(bytes, &mut at);
        let mut words = BTreeMap::new();
        for _ in 0..word_count {
            let word = read_str(bytes, &mut at);
            words.insert(word, read_varint(bytes, &mut at) as usize);
        }
        assert_eq!(at, bytes.len(), "shard {n} has trailing bytes");
        Shard {
            stems,
            stem_names,
            words,
        }
    }

    /// The postings for a word of a query: those of its stem if the site has the word;
    /// else of the longest start of it (at least 3 characters and 60% of it) that is a word
    /// or a stem of the site, so `retrying` finds `retry` where no article says `retrying`.
    fn lookup(&self, word: &str) -> Option<Vec<(u32, u8)>> {
        let ends: Vec<usize> = word.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
        let n = ends.len();
        let shortest = (n * 3).div_ceil(5).max(3).min(n);
        for len in (shortest..=n).rev() {
            let start = &word[..ends[len - 1]];
            let shard = self.shard(self.shard_for(start));
            let exact = shard.words.get(start);
            if let Some(&stem) = exact.or_else(|| shard.stem_names.get(start)) {
                return Some(shard.stems[stem].clone());
            }
        }
        None
    }

    /// Every word of the index, from every shard.
    pub fn all_words(&self) -> Vec<String> {
        let shards = self.meta["shards"].as_array().unwrap().len();
        (0..shards)
            .flat_map(|n| self.shard(n).words.into_keys())
            .collect()
    }

    /// Articles having every word of `query`, best first (ties: lower number, i.e. newer).
    pub fn search(&self, query: &str) -> Vec<u32> {
        let n = self.meta["docs"].as_f64().unwrap();
        let mut scores: Option<BTreeMap<u32, f64>> = None;
        for word in words(query) {
            let Some(postings) = self.lookup(&word) else {
                return Vec::new();
            };
            let df = postings.len() as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let found: BTreeMap<u32, f64> = postings
                .iter()
                .map(|&(doc, w)| (doc, idf * f64::from(w)))
                .collect();
            scores = Some(match scores {
                None => found,
                Some(before) => before
                    .into_iter()
                    .filter_map(|(doc, s)| found.get(&doc).map(|t| (doc, s + t)))
                    .collect(),
            });
        }
        let mut ranked: Vec<(u32, f64)> = scores.unwrap_or_default().into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.into_iter().map(|(doc, _)| doc).collect()
    }

    /// The articles of tag (or author) number `n` of `meta.json`.
    pub fn members(&self, kind: &str, n: usize) -> Vec<u32> {
        let bytes = self.file(&format!("{kind}/{n}.bin"));
        let mut at = 0;
        let count = read_varint(bytes, &mut at);
        let mut doc = 0;
        (0..count)
            .map(|i| {
                let delta = read_varint(bytes, &mut at);
                doc = if i == 0 { delta } else { doc + delta };
                doc
            })
            .collect()
    }
}
