//! Slugs: the URL-safe names of articles, tags and heading ids. A `Slug` can only be built
//! valid, so nothing downstream checks again.

use std::fmt;

use serde::Serialize;

/// Longest slug, in bytes. A slug is a folder name in the output (`articles/<slug>/`) and a
/// file name in `content/` (`<slug>.md`), and file systems allow 255 bytes per name: this
/// leaves room for what folio and editors add (`.md`, `.<slug>.md.swp`).
pub const MAX_SLUG_BYTES: usize = 200;

/// A non-empty string of lowercase letters, digits, `-` and `_`, at most `MAX_SLUG_BYTES`
/// long: safe as one URL segment and one file name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Accept `text` as it is, or say why it cannot be a slug.
    pub fn parse(text: &str) -> Result<Slug, String> {
        if text.is_empty() {
            return Err("a slug cannot be empty".into());
        }
        match text.chars().find(|c| !is_slug_char(*c)) {
            Some(c) => Err(format!(
                "`{text}` is not a valid slug: `{c}` is not allowed (use lowercase letters, digits, `-` and `_`; e.g. `{}`)",
                slugify(text)
            )),
            None if text.len() > MAX_SLUG_BYTES => Err(too_long(text)),
            None => Ok(Slug(text.to_string())),
        }
    }

    /// A slug made from any text (a title, a tag, a heading); `fallback` when nothing is left.
    pub fn from_text(text: &str, fallback: &str) -> Slug {
        let s = slugify(text);
        Slug(if s.is_empty() { fallback.into() } else { s })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a slug of more than `MAX_SLUG_BYTES` cannot be used.
pub fn too_long(slug: &str) -> String {
    let start: String = slug.chars().take(20).collect();
    format!(
        "`{start}…` is too long for a file name: {} bytes, at most {MAX_SLUG_BYTES}",
        slug.len()
    )
}

impl std::borrow::Borrow<str> for Slug {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_slug_char(c: char) -> bool {
    (c.is_alphanumeric() && !c.is_uppercase()) || c == '-' || c == '_'
}

/// Lowercase, every run of other characters becomes one `-`, no `-` at either end.
/// Letters outside ASCII are kept (`café` → `café`), so non-English titles stay readable.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        // A capital without a lowercase form (e.g. `ℚ`) cannot be in a slug: it separates.
        if (c.is_alphanumeric() && !c.is_uppercase()) || c == '_' {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else {
            pending_dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_makes_readable_ids() {
        assert_eq!(
            slugify("Retry budgets, not loops!"),
            "retry-budgets-not-loops"
        );
        assert_eq!(slugify("  --Hello--World--  "), "hello-world");
        assert_eq!(slugify("Café au lait"), "café-au-lait");
        assert_eq!(slugify("C++ & Rust"), "c-rust");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn parse_rejects_what_is_not_url_safe() {
        assert!(Slug::parse("good-slug_2").is_ok());
        assert!(Slug::parse("").is_err());
        assert!(Slug::parse("Upper").is_err());
        assert!(Slug::parse("a/b").is_err());
        assert!(Slug::parse("a b").unwrap_err().contains("`a-b`"));
        assert!(Slug::parse(&"a".repeat(MAX_SLUG_BYTES)).is_ok());
        let err = Slug::parse(&"a".repeat(300)).unwrap_err();
        assert!(err.contains("300 bytes, at most 200"), "{err}");
    }

    #[test]
    fn from_text_falls_back_when_nothing_is_left() {
        assert_eq!(Slug::from_text("???", "section").as_str(), "section");
    }
}
