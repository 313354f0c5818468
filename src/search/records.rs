//! The articles' records (what a result shows, with the text its excerpt comes from), each
//! compressed, a few consecutive articles to a file: one file per article would add
//! ~10,000 files to a 10,000-article site (slow to write, to delete and to upload), one big
//! file would be megabytes per query. The browser unzips them with `DecompressionStream`.

use flate2::{Compress, Compression, FlushCompress, Status};
use rayon::prelude::*;

use super::DocTerms;
use super::shards::varint;

/// About how many bytes (compressed) of records go into one file: ten results then cost at
/// most ten files of this size.
pub const FILE_BYTES: usize = 12 * 1024;
/// At most this many records to a file, however short they are.
pub const MAX_PER_FILE: usize = 16;
/// zlib's level 2: text shrinks ~2.5×, in a third of the default level's time.
const LEVEL: u32 = 2;

/// Working memory for compressing records, reused from one article to the next (a
/// compressor's tables are ~200 KB: one per article costs more than the compressing).
/// Nothing of one article's record reaches the next. Made on first use, so a scratch that
/// compresses nothing (every article's words were kept) costs nothing.
#[derive(Default)]
pub struct Scratch {
    deflate: Option<Compress>,
}

/// One record's JSON, compressed on its own (raw deflate, RFC 1951): an article keeps its
/// record small in memory, and the browser unzips only the record it shows.
pub fn compress(json: &[u8], scratch: &mut Scratch) -> Box<[u8]> {
    let deflate = scratch
        .deflate
        .get_or_insert_with(|| Compress::new(Compression::new(LEVEL), false));
    deflate.reset();
    let mut out = Vec::with_capacity(json.len() / 2 + 64);
    loop {
        let done = deflate.total_in() as usize;
        match deflate.compress_vec(&json[done..], &mut out, FlushCompress::Finish) {
            Ok(Status::StreamEnd) => break,
            Ok(_) => out.reserve(out.capacity().max(1024)),
            // Compressing bytes in memory has no way to fail; keep them as they are.
            Err(_) => return json.into(),
        }
    }
    out.into_boxed_slice()
}

/// A compressed record, read back (tests).
#[cfg(test)]
pub fn inflate(bytes: &[u8]) -> serde_json::Value {
    use std::io::Read;
    let mut json = String::new();
    flate2::read::DeflateDecoder::new(bytes)
        .read_to_string(&mut json)
        .expect("a compressed record");
    serde_json::from_str(&json).expect("a JSON record")
}

/// How many records go to a file, and the files: `{ varint length, compressed record }`
/// for each of (at most) that many consecutive articles.
pub fn files(docs: &[&DocTerms]) -> (usize, Vec<Vec<u8>>) {
    let total: usize = docs.iter().map(|d| d.record.len()).sum();
    let average = total / docs.len().max(1);
    let per_file = (FILE_BYTES / average.max(1)).clamp(1, MAX_PER_FILE);
    // In parallel: most of the time goes to the first touch of fresh memory.
    let files = docs
        .par_chunks(per_file)
        .map(|chunk| {
            let mut file = Vec::with_capacity(chunk.iter().map(|d| d.record.len() + 3).sum());
            for doc in chunk {
                varint(&mut file, doc.record.len() as u32);
                file.extend_from_slice(&doc.record);
            }
            file
        })
        .collect();
    (per_file, files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::read_varint;
    use crate::search::{Label, SearchDoc, doc_terms};

    fn doc(n: usize, body: &str) -> DocTerms {
        let mut scratch = Scratch::default();
        doc_terms(
            &SearchDoc {
                url: format!("/articles/a{n}/"),
                title: format!("Article {n}"),
                summary: "Summary.".into(),
                tags: vec![],
                authors: vec![Label {
                    key: "ana".into(),
                    name: "Ana".into(),
                }],
                date: "2025-01-01".into(),
                date_display: "1 January 2025".into(),
                body_text: body.into(),
            },
            &mut scratch,
        )
    }

    /// `words` words that repeat little, so they do not compress away.
    fn varied(n: usize, words: usize) -> String {
        let words: Vec<String> = (0..words).map(|i| format!("w{}", i * 7919 + n)).collect();
        words.join(" ")
    }

    /// Record `n` of a file: skip the ones before it, inflate it.
    fn record(file: &[u8], n: usize) -> serde_json::Value {
        let mut at = 0;
        for _ in 0..n {
            at += read_varint(file, &mut at) as usize;
        }
        let len = read_varint(file, &mut at) as usize;
        inflate(&file[at..at + len])
    }

    #[test]
    fn records_go_a_few_to_a_file_each_compressed_in_order() {
        let docs: Vec<DocTerms> = (0..10).map(|n| doc(n, &varied(n, 500))).collect();
        let (per_file, files) = files(&docs.iter().collect::<Vec<_>>());
        assert!((2..MAX_PER_FILE).contains(&per_file), "{per_file}");
        assert_eq!(files.len(), 10_usize.div_ceil(per_file));
        let last = 9 % per_file;
        assert_eq!(
            record(&files[1], 0)["url"],
            format!("/articles/a{per_file}/")
        );
        assert_eq!(
            record(&files[files.len() - 1], last)["url"],
            "/articles/a9/"
        );
        let plain = "word ".repeat(1000);
        assert!(doc(0, &plain).record.len() < plain.len() / 10, "compressed");
    }

    #[test]
    fn short_records_are_at_most_sixteen_to_a_file_and_long_ones_one() {
        let short: Vec<DocTerms> = (0..40).map(|n| doc(n, "Short.")).collect();
        assert_eq!(files(&short.iter().collect::<Vec<_>>()).0, MAX_PER_FILE);
        let long: Vec<DocTerms> = (0..3).map(|n| doc(n, &varied(n, 4000))).collect();
        let (per_file, list) = files(&long.iter().collect::<Vec<_>>());
        assert_eq!((per_file, list.len()), (1, 3));
        assert_eq!(files(&[]), (MAX_PER_FILE, vec![]));
    }
}
