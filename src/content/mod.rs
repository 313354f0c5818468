//! Articles as read from disk: one file's bytes → its text, its parsed front matter and where
//! the body is. Walking the site is the engine's job (`engine::inputs`); nothing here reads
//! the disk, and nothing here interprets markdown.

pub mod date;
pub mod front_matter;
mod ignored;
pub mod slug;

pub use ignored::is_ignored_name;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::key::Key;
use front_matter::FrontMatter;

/// One article file: its text, its parsed front matter and where the body is.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, e.g. `content/articles/x.md`.
    pub path: PathBuf,
    /// The file's text, without a UTF-8 byte-order mark.
    pub text: Arc<str>,
    pub front_matter: FrontMatter,
    pub body: Range<usize>,
    /// The key of the front matter's text alone.
    pub front_matter_key: Key,
    /// The key of the body text alone: a front-matter edit leaves it, and the rendered
    /// body, as they were.
    pub body_key: Key,
}

impl SourceFile {
    /// The markdown after the front matter.
    pub fn body(&self) -> &str {
        &self.text[self.body.clone()]
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
        Some(s) if !unicode_normalization::is_nfc(s) => PathBuf::from(s.nfc().collect::<String>()),
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
        text,
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
