//! Articles as read from disk: one file's bytes → its text, its parsed front matter and where
//! the body is. Walking the site is the engine's job (`engine::inputs`), and nothing here
//! interprets markdown. The one read here: an article whose parse was kept from an earlier
//! run (`Parsed`, by the file's status) reads its text again when first asked for it.

pub mod date;
pub mod front_matter;
mod ignored;
pub mod slug;

pub use ignored::is_ignored_name;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::diagnostics::Diagnostic;
use crate::key::Key;
use front_matter::FrontMatter;

/// One article file: its text, its parsed front matter and where the body is.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, e.g. `content/articles/x.md`.
    pub path: PathBuf,
    /// The file's text, without a UTF-8 byte-order mark (see `text`).
    text: OnceLock<Text>,
    /// Where the text is read from when it was not read with the front matter: the file's
    /// absolute path, and the text's length in bytes.
    origin: Option<(PathBuf, usize)>,
    pub front_matter: FrontMatter,
    pub body: Range<usize>,
    /// The key of the front matter's text alone.
    pub front_matter_key: Key,
    /// The key of the body text alone: a front-matter edit leaves it, and the rendered
    /// body, as they were.
    pub body_key: Key,
}

/// An article's text, and whether it is a stand-in: read again, the file no longer held the
/// text its kept parse was made from (see `SourceFile::text`).
#[derive(Debug, Clone)]
struct Text {
    text: Arc<str>,
    torn: bool,
}

/// What parsing an article gave, without its text: kept between runs by the file's status
/// (`engine::stat_keys`), so an unchanged article is neither read nor parsed again.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Parsed {
    pub front_matter: FrontMatter,
    pub body: Range<usize>,
    pub front_matter_key: Key,
    pub body_key: Key,
    /// The text's length in bytes.
    pub len: usize,
}

impl SourceFile {
    /// The file's text. For an article made `from_parsed`, read now (once): when the file
    /// no longer holds the text the parse was made from (it changed after its status was
    /// taken), the text is a stand-in of spaces as long as the old one, so every span stays
    /// in bounds, and `is_torn` says so: the build must not use it.
    pub fn text(&self) -> &Arc<str> {
        &self.text.get_or_init(|| self.read_again()).text
    }

    /// Whether the text read again was not the text of the kept parse (see `text`).
    pub fn is_torn(&self) -> bool {
        self.text.get().is_some_and(|t| t.torn)
    }

    /// The markdown after the front matter.
    pub fn body(&self) -> &str {
        &self.text()[self.body.clone()]
    }

    /// What parsing gave, to keep for the next run.
    pub fn parsed(&self) -> Parsed {
        Parsed {
            front_matter: self.front_matter.clone(),
            body: self.body.clone(),
            front_matter_key: self.front_matter_key,
            body_key: self.body_key,
            len: self
                .origin
                .as_ref()
                .map_or_else(|| self.text().len(), |(_, len)| *len),
        }
    }

    /// The article at `rel` (absolute: `abs`) from a kept parse; its text is read when first
    /// asked for.
    pub fn from_parsed(rel: &Path, abs: PathBuf, parsed: Parsed) -> SourceFile {
        SourceFile {
            path: rel.to_path_buf(),
            text: OnceLock::new(),
            origin: Some((abs, parsed.len)),
            front_matter: parsed.front_matter,
            body: parsed.body,
            front_matter_key: parsed.front_matter_key,
            body_key: parsed.body_key,
        }
    }

    fn read_again(&self) -> Text {
        let Some((abs, len)) = &self.origin else {
            // Every other article is made with its text.
            return Text {
                text: Arc::from(""),
                torn: true,
            };
        };
        let read = std::fs::read(abs)
            .ok()
            .and_then(|bytes| decode(bytes, &self.path).ok())
            .filter(|text| self.is_text_of(text));
        match read {
            Some(text) => Text { text, torn: false },
            None => Text {
                text: Arc::from(" ".repeat(*len)),
                torn: true,
            },
        }
    }

    /// Whether `text` is the text this article was parsed from: same front matter and body,
    /// at the same places.
    fn is_text_of(&self, text: &Arc<str>) -> bool {
        front_matter::split(text, &self.path).is_ok_and(|split| {
            split.body == self.body
                && Key::of("front matter", &text[split.yaml.clone()]) == self.front_matter_key
                && Key::of("body text", &text[split.body]) == self.body_key
        })
    }
}

/// `path` relative to `root` when it lies inside it, so messages and output never carry the
/// build machine's absolute paths.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// `path` in Unicode normal form C, so a file saved with a decomposed name (`cafe\u{301}.md`,
/// as macOS may) and a link written composed (`café.md`) name the same article.
pub fn nfc_path(path: &Path) -> PathBuf {
    use unicode_normalization::UnicodeNormalization;
    match path.to_str() {
        Some(s) if !s.is_ascii() && !unicode_normalization::is_nfc(s) => {
            PathBuf::from(s.nfc().collect::<String>())
        }
        _ => path.to_path_buf(),
    }
}

/// Parse one article file (`rel` is its path relative to the site root, for messages).
pub fn parse_article(rel: &Path, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    let text = decode(bytes, rel)?;
    let split = front_matter::split(&text, rel)?;
    let front_matter_key = Key::of("front matter", &text[split.yaml.clone()]);
    let fm = front_matter::parse(&text, split.yaml, rel)?;
    let body_key = Key::of("body text", &text[split.body.clone()]);
    Ok(SourceFile {
        path: rel.to_path_buf(),
        text: OnceLock::from(Text { text, torn: false }),
        origin: None,
        front_matter: fm,
        body: split.body,
        front_matter_key,
        body_key,
    })
}

/// UTF-8 text without a byte-order mark; an error pointing at the first bad byte otherwise.
fn decode(bytes: Vec<u8>, rel: &Path) -> Result<Arc<str>, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(Arc::from(s.strip_prefix('\u{feff}').unwrap_or(&s))),
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let lossy: Arc<str> = Arc::from(String::from_utf8_lossy(err.as_bytes()).as_ref());
            let line = err.as_bytes()[..valid]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            Err(Diagnostic::error("file is not valid UTF-8")
                .in_file(rel)
                .at_line(&lossy, line, None)
                .label(format!("invalid byte at offset {valid}"))
                .help("save the file as UTF-8 in your editor"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str =
        "---\ntitle: T\nauthor: a\ndate: 2025-01-01\nsummary: S\n---\nThe body.\n";

    #[test]
    fn a_kept_parse_reads_its_text_when_asked_and_a_changed_file_is_torn() {
        let tmp = tempfile::tempdir().unwrap();
        let abs = tmp.path().join("a.md");
        std::fs::write(&abs, format!("\u{feff}{ARTICLE}")).unwrap();
        let rel = Path::new("content/a.md");
        let parsed = parse_article(rel, std::fs::read(&abs).unwrap())
            .unwrap()
            .parsed();
        assert_eq!(parsed.len, ARTICLE.len(), "the byte-order mark is not text");

        let kept = SourceFile::from_parsed(rel, abs.clone(), parsed.clone());
        assert_eq!(kept.body(), "The body.\n");
        assert_eq!(&**kept.text(), ARTICLE);
        assert!(!kept.is_torn());
        assert_eq!(kept.parsed(), parsed);

        // Changed after the parse was kept (same length, so only the keys can tell).
        std::fs::write(&abs, ARTICLE.replace("The body.", "The bodY.")).unwrap();
        let kept = SourceFile::from_parsed(rel, abs.clone(), parsed.clone());
        assert_eq!(kept.body(), " ".repeat("The body.\n".len()));
        assert!(kept.is_torn());
        // Gone altogether.
        std::fs::remove_file(&abs).unwrap();
        let kept = SourceFile::from_parsed(rel, abs, parsed);
        assert_eq!(kept.text().len(), ARTICLE.len());
        assert!(kept.is_torn());
    }

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [
            ".x.md.swp",
            "#x.md#",
            "x.md~",
            ".hidden.md",
            "4913",
            "x.tmp",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("retry-budgets.md"));
    }

    #[test]
    fn non_utf8_names_the_line() {
        let err = decode(b"---\ntitle: a\n\xff\n".to_vec(), Path::new("a.md")).unwrap_err();
        assert_eq!(err.line_col().map(|l| l.0), Some(3));
    }

    #[test]
    fn bom_is_stripped() {
        let text = decode("\u{feff}---\n".as_bytes().to_vec(), Path::new("a.md")).unwrap();
        assert_eq!(&*text, "---\n");
    }
}
