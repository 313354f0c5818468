//! Finding and reading articles under `content/`: walk the tree, read each file once, split
//! and parse its front matter. Reports every unreadable file; never interprets markdown.

pub mod date;
pub mod front_matter;
pub mod slug;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use front_matter::FrontMatter;

/// One article file as read from disk: its text, its parsed front matter and where the body is.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, e.g. `content/articles/x.md`.
    pub path: PathBuf,
    /// The file's text, without a UTF-8 byte-order mark.
    pub text: Arc<str>,
    pub front_matter: FrontMatter,
    pub body: Range<usize>,
    /// Files beside a folder article's `index.md` (relative to the site root), copied next to
    /// its page.
    pub assets: Vec<PathBuf>,
}

/// Everything `content/` holds: the parsed files, and the problems found reading them.
#[derive(Debug, Default)]
pub struct Content {
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Files editors and operating systems leave behind: never content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.starts_with("~$")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Walk `root/content` and load every article (`*.md`).
pub fn load(root: &Path) -> Content {
    let content_dir = root.join("content");
    let mut content = Content::default();
    if !content_dir.is_dir() {
        content.diagnostics.push(
            Diagnostic::error("no `content/` folder: articles go in `content/articles/<slug>.md`")
                .in_file("content"),
        );
        return content;
    }
    let mut markdown = Vec::new();
    let mut others = Vec::new();
    for entry in crate::fence::Fence::new(root)
        .walk(&content_dir)
        .skip_ignored()
    {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let rel = relative(root, e.path());
                if rel.extension().is_some_and(|x| x == "md") {
                    markdown.push(rel);
                } else {
                    others.push(rel);
                }
            }
            Ok(_) => {}
            Err(d) => content.diagnostics.push(d),
        }
    }
    let results: Vec<Result<SourceFile, Diagnostic>> = markdown
        .par_iter()
        .map(|rel| read_article(root, rel, &others))
        .collect();
    for r in results {
        match r {
            Ok(f) => content.files.push(f),
            Err(d) => content.diagnostics.push(d),
        }
    }
    content
}

/// `path` relative to `root` when it lies inside it, so messages and output never carry the
/// build machine's absolute paths.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn read_article(root: &Path, rel: &Path, others: &[PathBuf]) -> Result<SourceFile, Diagnostic> {
    let assets = if rel.file_name().is_some_and(|n| n == "index.md") {
        let dir = rel.parent().unwrap_or(Path::new(""));
        others
            .iter()
            .filter(|o| o.starts_with(dir))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    read_inside(root, rel, assets)
}

/// Read and parse one article file (`rel` is relative to `root`), with the asset files
/// that sit beside it; refused when a link leads it outside the site.
pub fn read_one(root: &Path, rel: &Path, assets: Vec<PathBuf>) -> Result<SourceFile, Diagnostic> {
    crate::fence::Fence::new(root).check(&root.join(rel))?;
    read_inside(root, rel, assets)
}

/// `read_one` for a file the fenced walk already found.
fn read_inside(root: &Path, rel: &Path, assets: Vec<PathBuf>) -> Result<SourceFile, Diagnostic> {
    let bytes = std::fs::read(root.join(rel)).map_err(|e| Diagnostic::io(rel, "read file", &e))?;
    let text = decode(bytes, rel)?;
    let split = front_matter::split(&text, rel)?;
    let fm = front_matter::parse(&text, split.yaml, rel)?;
    Ok(SourceFile {
        path: rel.to_path_buf(),
        text,
        front_matter: fm,
        body: split.body,
        assets,
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
