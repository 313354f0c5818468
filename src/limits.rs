//! Bounds one article may not pass, whatever its front matter says: at most
//! `[limits] tags_per_article` tags (every tag is a page listing its articles, so an
//! article's tags cost pages × cards × tags: 4,000 tags made 971 MB), and no tag whose URL
//! name is too long to be a file name.

use std::ops::Range;

use crate::config::Limits;
use crate::content::SourceFile;
use crate::content::slug::{MAX_SLUG_BYTES, TagSlugs, too_long};
use crate::diagnostics::Diagnostic;

/// The article's tags within the limits, or an error at its `tags:` line. `slugs` gives each
/// tag's slug (as its page's folder is named).
pub fn check_tags(
    file: &SourceFile,
    limits: &Limits,
    slugs: &mut TagSlugs,
) -> Result<(), Diagnostic> {
    let tags = &file.front_matter.tags;
    // Only where there is something to point at: reading the text may read the file.
    let front = || &file.text()[..file.body.start];
    let here = |d: Diagnostic, span: Range<usize>| d.in_file(&file.path).at(file.text(), span);
    if tags.len() > limits.tags_per_article {
        return Err(here(
            Diagnostic::error(format!(
                "too many tags: {}, at most {}",
                tags.len(),
                limits.tags_per_article
            )),
            key_line(front(), "tags"),
        )
        .label("the limit is `tags_per_article` under `[limits]` in config.toml")
        .help("keep the few tags a reader would browse by: each tag is a page listing its articles, and each listed article shows its tags"));
    }
    for tag in tags {
        let slug = slugs.of(tag);
        if slug.as_str().len() > MAX_SLUG_BYTES {
            let front = front();
            let at = key_line(front, "tags").start;
            let span = front[at..]
                .find(tag.as_str())
                .map_or_else(|| key_line(front, "tags"), |i| at + i..at + i + tag.len());
            return Err(here(
                Diagnostic::error(format!("tag {}", too_long(slug.as_str()))),
                span,
            )
            .help("a tag names a page (`/tags/<tag>/`): a word or two is enough"));
        }
    }
    Ok(())
}

/// The first front-matter line `key: ...`; the opening `---` when there is none.
fn key_line(front: &str, key: &str) -> Range<usize> {
    let mut offset = 0;
    for line in front.split_inclusive('\n') {
        if line.strip_prefix(key).is_some_and(|r| r.starts_with(':')) {
            return offset..offset + line.trim_end().len();
        }
        offset += line.len();
    }
    0..3
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn file(tags: &str) -> SourceFile {
        let text = format!(
            "---\ntitle: T\nauthor: a\ndate: 2025-01-01\nsummary: S\ntags: {tags}\n---\nBody\n"
        );
        let path = Path::new("content/articles/t.md");
        crate::content::parse_article(path, text.into_bytes()).unwrap()
    }

    #[test]
    fn more_tags_than_the_limit_is_an_error_at_the_tags_line() {
        let limits = Limits::default();
        let tags: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        let err = check_tags(
            &file(&format!("[{}]", tags.join(", "))),
            &limits,
            &mut TagSlugs::default(),
        )
        .unwrap_err();
        assert_eq!(err.message, "too many tags: 21, at most 20");
        assert_eq!(err.line_col(), Some((6, 1)));
        assert!(check_tags(&file("[a, b]"), &limits, &mut TagSlugs::default()).is_ok());
    }

    #[test]
    fn a_tag_too_long_for_a_file_name_is_an_error_at_the_tag() {
        let long = "x".repeat(300);
        let err = check_tags(
            &file(&format!("[a, {long}]")),
            &Limits::default(),
            &mut TagSlugs::default(),
        )
        .unwrap_err();
        assert!(
            err.message.contains("300 bytes, at most 200"),
            "{}",
            err.message
        );
        assert_eq!(err.line_col(), Some((6, 11)));
    }

    #[test]
    fn a_tag_is_measured_by_its_page_name_with_symbols_spelled_out() {
        // 60 bytes as written, `c-plus-plus-…` (over 200) as its page's folder.
        let name = format!("c{}", "+".repeat(59));
        let err = check_tags(
            &file(&format!("[\"{name}\"]")),
            &Limits::default(),
            &mut TagSlugs::default(),
        )
        .unwrap_err();
        assert!(err.message.contains("at most 200"), "{}", err.message);
    }
}
