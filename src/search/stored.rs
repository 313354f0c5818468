//! An article's words ([`DocTerms`]) as the disk cache keeps them between runs. An entry is
//! read back only when whole and well formed (the packed words are walked once): a damaged
//! or foreign file is no entry, and the words are counted again.

use serde::{Deserialize, Serialize};

use super::{DocTerms, FIELDS, Label};

/// What an entry starts with; anything else is no entry.
const MAGIC: &[u8] = b"folio search terms 2\n";

/// Everything but the packed words and the record, which follow it as they are.
#[derive(Serialize, Deserialize)]
struct Meta {
    len: usize,
    // A path, not `FIELDS`: serde's derive has a `FIELDS` of its own.
    lengths: [u32; crate::search::FIELDS],
    tags: Vec<Label>,
    authors: Vec<Label>,
    /// Bytes of packed words; the record is the rest.
    words: usize,
}

impl DocTerms {
    /// The bytes of a disk cache entry (`disk_cache::frame`).
    pub fn to_stored(&self) -> Vec<u8> {
        let meta = Meta {
            len: self.len,
            lengths: self.lengths,
            tags: self.tags.clone(),
            authors: self.authors.clone(),
            words: self.words.len(),
        };
        // Serializing strings and numbers into a Vec cannot fail.
        let meta = crate::disk_cache::encode(&meta).unwrap_or_default();
        crate::disk_cache::frame(MAGIC, &meta, &[&self.words, &self.record])
    }

    /// The words an entry made by [`DocTerms::to_stored`] holds; none for anything else.
    pub fn from_stored(bytes: &[u8]) -> Option<DocTerms> {
        let (meta, rest) = crate::disk_cache::unframe(bytes, MAGIC)?;
        let meta: Meta = crate::disk_cache::decode(meta)?;
        let words = rest.get(..meta.words)?;
        (count_packed(words)? == meta.len).then(|| DocTerms {
            words: words.into(),
            len: meta.len,
            lengths: meta.lengths,
            tags: meta.tags,
            authors: meta.authors,
            record: rest[meta.words..].into(),
        })
    }
}

/// How many words `packed` holds, if it is as `doc_terms` packs them: each word non-empty
/// UTF-8 and after the one before in byte order, then a byte of fields (at least one, of
/// `FIELDS`), then a non-zero count per field; nothing left over.
fn count_packed(mut rest: &[u8]) -> Option<usize> {
    let mut count = 0;
    let mut last: &[u8] = &[];
    while let Some((&len, after)) = rest.split_first() {
        let word = after.get(..usize::from(len))?;
        std::str::from_utf8(word).ok()?;
        if word.is_empty() || (count > 0 && word <= last) {
            return None;
        }
        let (&fields, after) = after[word.len()..].split_first()?;
        if fields == 0 || fields >> FIELDS != 0 {
            return None;
        }
        let n = fields.count_ones() as usize;
        let counts = after.get(..n)?;
        if counts.contains(&0) {
            return None;
        }
        (last, rest, count) = (word, &after[n..], count + 1);
    }
    Some(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Scratch, SearchDoc, doc_terms};

    fn terms() -> DocTerms {
        let label = |k: &str| Label {
            key: k.into(),
            name: k.to_uppercase(),
        };
        let doc = SearchDoc {
            url: "/articles/x/".into(),
            title: "Retry budgets".into(),
            summary: "How many retries are too many".into(),
            tags: vec![label("sre"), label("http")],
            authors: vec![label("ada")],
            date: "2025-01-21".into(),
            date_display: "21 January 2025".into(),
            body_text: "Größe matters: budgets, retries and 東京 retries again.".into(),
        };
        doc_terms(&doc, &mut Scratch::default())
    }

    #[test]
    fn words_read_back_exactly() {
        let t = terms();
        assert!(t.len() > 5);
        assert_eq!(DocTerms::from_stored(&t.to_stored()), Some(t));
        let empty = doc_terms(
            &SearchDoc {
                url: "/".into(),
                title: String::new(),
                summary: String::new(),
                tags: vec![],
                authors: vec![],
                date: String::new(),
                date_display: String::new(),
                body_text: String::new(),
            },
            &mut Scratch::default(),
        );
        assert_eq!(DocTerms::from_stored(&empty.to_stored()), Some(empty));
    }

    #[test]
    fn a_cut_or_damaged_entry_is_no_entry() {
        let t = terms();
        let bytes = t.to_stored();
        let (meta, _) = crate::disk_cache::unframe(&bytes, MAGIC).unwrap();
        let words_at = bytes.len() - t.record.len() - t.words.len();
        assert_eq!(words_at, MAGIC.len() + 8 + meta.len());
        // Cut anywhere before the record ends its words: never an entry.
        for cut in 0..words_at + t.words.len() {
            assert_eq!(DocTerms::from_stored(&bytes[..cut]), None, "cut at {cut}");
        }
        // Any byte of the packed words changed: no entry, or one that is still well formed
        // (a changed letter or count), never one that would panic when read.
        for at in words_at..words_at + t.words.len() {
            for value in [0u8, 1, 0x1f, 0x20, 0x80, 0xff] {
                let mut damaged = bytes.clone();
                damaged[at] = value;
                if let Some(d) = DocTerms::from_stored(&damaged) {
                    assert_eq!(d.words().count(), d.len());
                }
            }
        }
        assert_eq!(DocTerms::from_stored(b"folio body 1\n"), None);
    }

    #[test]
    fn words_out_of_order_are_refused() {
        assert_eq!(count_packed(&[2, b'a', b'b', 1, 3]), Some(1));
        assert_eq!(
            count_packed(&[2, b'a', b'b', 1, 3, 2, b'a', b'c', 16, 1]),
            Some(2)
        );
        assert_eq!(
            count_packed(&[2, b'a', b'c', 1, 3, 2, b'a', b'b', 1, 1]),
            None
        );
        assert_eq!(
            count_packed(&[2, b'a', b'b', 1, 3, 2, b'a', b'b', 1, 1]),
            None
        );
        assert_eq!(count_packed(&[2, b'a', b'b', 0]), None, "in no field");
        assert_eq!(count_packed(&[2, b'a', b'b', 32, 1]), None, "a sixth field");
        assert_eq!(
            count_packed(&[2, b'a', b'b', 1, 0]),
            None,
            "counted zero times"
        );
        assert_eq!(count_packed(&[2, 0xff, 0xfe, 1, 1]), None, "not UTF-8");
    }
}
