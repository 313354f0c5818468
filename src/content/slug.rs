//! Slugs: the URL-safe names of articles, tags and heading ids. A `Slug` can only be built
//! valid, so nothing downstream checks again. Text is taken in Unicode normal form C, and
//! combining marks stay with their letter, so `हिन्दी` and `தமிழ்` keep their vowel signs and
//! viramas, and a file name saved decomposed (NFD, as macOS may) names the same slug.

use std::fmt;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Longest slug, in bytes. A slug is a folder name in the output (`articles/<slug>/`) and a
/// file name in `content/` (`<slug>.md`), and file systems allow 255 bytes per name: this
/// leaves room for what folio and editors add (`.md`, `.<slug>.md.swp`).
pub const MAX_SLUG_BYTES: usize = 200;

/// A non-empty string of lowercase letters (with their combining marks), digits, `-` and
/// `_`, in normal form C, at most `MAX_SLUG_BYTES` long: safe as one URL segment and as one
/// file name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Accept `text` as it is (in normal form C), or say why it cannot be a slug.
    pub fn parse(text: &str) -> Result<Slug, String> {
        // Most slugs are ASCII: in normal form C already, with no marks, and a byte is a
        // letter as `is_slug_letter` sees it when it is a lowercase letter or a digit
        // (10,000 articles parse their slugs and their related articles' on every build).
        if !text.is_empty()
            && text.len() <= MAX_SLUG_BYTES
            && text
                .bytes()
                .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_'))
        {
            return Ok(Slug(text.to_string()));
        }
        Slug::parse_any(text)
    }

    /// `parse` for any text, with no shortcut for ASCII.
    fn parse_any(text: &str) -> Result<Slug, String> {
        if text.is_empty() {
            return Err("a slug cannot be empty".into());
        }
        let nfc: String = text.nfc().collect();
        let mut in_word = false;
        let bad = nfc.chars().find(|&c| {
            let ok = match c {
                '-' | '_' => true,
                // A mark belongs to the letter before it, never to `-` or the start.
                c if is_mark(c) => in_word,
                c => is_slug_letter(c),
            };
            in_word = ok && c != '-' && c != '_';
            !ok
        });
        match bad {
            Some(c) => Err(format!(
                "`{text}` is not a valid slug: `{c}` is not allowed (use lowercase letters, digits, `-` and `_`; e.g. `{}`)",
                slugify(text)
            )),
            None if nfc.len() > MAX_SLUG_BYTES => Err(too_long(&nfc)),
            None => Ok(Slug(nfc)),
        }
    }

    /// A slug made from any text (a title, a heading); `fallback` when nothing is left.
    pub fn from_text(text: &str, fallback: &str) -> Slug {
        let s = slugify(text);
        Slug(if s.is_empty() { fallback.into() } else { s })
    }

    /// The slug of a tag: like `from_text`, but `+`, `#` and `&` that belong to the name are
    /// spelled out, so `C`, `C++` and `C#` get pages of their own (`c`, `c-plus-plus`,
    /// `c-sharp`). Names that differ only in case, spacing or punctuation (`Rust`, `rust`)
    /// are one tag.
    pub fn for_tag(name: &str) -> Slug {
        Slug::from_text(&spell_symbols(name), "tag")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What two slugs must not share: file systems that ignore case or normalisation (macOS,
    /// Windows) would write both pages to one folder.
    pub fn collision_key(&self) -> String {
        // A slug in ASCII is lowercase already (`parse`), and ASCII is in every normal form.
        if self.0.is_ascii() {
            return self.0.clone();
        }
        self.collision_key_any()
    }

    /// `collision_key` with no shortcut for ASCII.
    fn collision_key_any(&self) -> String {
        self.0.nfc().flat_map(char::to_lowercase).nfc().collect()
    }
}

/// Tag slugs by tag name, each worked out once (`Slug::for_tag`): a site's articles name the
/// same few dozen tags over and over.
#[derive(Debug, Default)]
pub struct TagSlugs(std::collections::HashMap<String, Slug>);

impl TagSlugs {
    /// The slug of the tag `name`.
    pub fn of(&mut self, name: &str) -> Slug {
        if let Some(slug) = self.0.get(name) {
            return slug.clone();
        }
        let slug = Slug::for_tag(name);
        self.0.insert(name.to_string(), slug.clone());
        slug
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

/// A letter or digit that is its own lowercase form.
fn is_slug_letter(c: char) -> bool {
    c.is_alphanumeric() && !c.is_uppercase() && c.to_lowercase().eq([c])
}

/// What belongs to the letter before it: combining marks (vowel signs, viramas, accents)
/// and the joiners that shape Indic and Arabic letters.
fn is_mark(c: char) -> bool {
    is_combining_mark(c) || matches!(c, '\u{200c}' | '\u{200d}')
}

/// Lowercase, every run of other characters becomes one `-`, no `-` at either end.
/// Letters outside ASCII are kept (`café` → `café`), so non-English titles stay readable;
/// combining marks stay with the letter they follow, so a grapheme cluster of letters and
/// marks (`हि`, `न्दी`, `மி`) is never cut.
pub fn slugify(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    let mut pending_dash = false;
    let mut in_word = false;
    // The letter the marks that follow belong to.
    let mut base = ' ';
    // Lowercased as a whole, so a final `Σ` becomes `ς` as in a word written in lowercase.
    for c in nfc.to_lowercase().chars() {
        if is_mark(c) {
            // The Turkish capital `İ` lowercases to `i` and a combining dot above (which
            // normalisation may move behind other marks), and no reader types that in a
            // URL: it becomes a plain `i`.
            if in_word && !(c == '\u{307}' && base == 'i') {
                out.push(c);
            } else if !in_word {
                pending_dash = true;
            }
        } else if is_slug_letter(c) || c == '_' {
            // A capital without a lowercase form (e.g. `ℚ`) is no slug letter: it separates.
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            in_word = c != '_';
            base = c;
            out.push(c);
        } else {
            pending_dash = true;
            in_word = false;
        }
    }
    // Lowercasing can leave a sequence that composes further; the slug is stored composed.
    out.nfc().collect()
}

/// Spell out `+` and `#` after a letter or digit (`C++`, `C#`, `F#`) and `&` between words
/// (`R&D`), which `slugify` would otherwise drop.
fn spell_symbols(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    let mut prev: Option<char> = None;
    for (i, c) in name.char_indices() {
        let after_word = prev.is_some_and(|p| p.is_alphanumeric());
        let word = match c {
            '+' if after_word || prev == Some('+') => Some(" plus "),
            '#' | '♯' if after_word => Some(" sharp "),
            '&' if out.chars().any(char::is_alphanumeric)
                && name[i + 1..].chars().any(char::is_alphanumeric) =>
            {
                Some(" and ")
            }
            _ => None,
        };
        match word {
            Some(w) => out.push_str(w),
            None => out.push(c),
        }
        prev = Some(c);
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
    fn slugify_keeps_scripts_whole() {
        assert_eq!(slugify("İstanbul"), "istanbul");
        assert_eq!(slugify("i\u{307}stanbul"), "istanbul");
        assert_eq!(slugify("\u{93f}x"), "x", "a vowel sign without its letter");
        assert_eq!(slugify("हिन्दी भाषा"), "हिन्दी-भाषा");
        assert_eq!(slugify("தமிழ் மொழி"), "தமிழ்-மொழி");
        assert_eq!(
            slugify("cafe\u{301}"),
            "café",
            "NFD input gives the NFC slug"
        );
        assert_eq!(slugify("ΣΟΦΙΑ"), "σοφια");
        assert_eq!(slugify("ΟΔΌΣ"), slugify("οδός"));
        assert_eq!(slugify("ℚ numbers"), "numbers");
    }

    #[test]
    fn tags_with_symbols_get_pages_of_their_own() {
        let slug = |t: &str| Slug::for_tag(t).to_string();
        assert_eq!(slug("C"), "c");
        assert_eq!(slug("C++"), "c-plus-plus");
        assert_eq!(slug("C#"), "c-sharp");
        assert_eq!(slug("F♯"), "f-sharp");
        assert_eq!(slug("R&D"), "r-and-d");
        assert_eq!(slug("Q & A"), "q-and-a");
        assert_eq!(slug("#rust"), "rust");
        assert_eq!(slug("Rust"), slug("rust"));
        assert_eq!(slug("+"), "tag");
    }

    #[test]
    fn parse_rejects_what_is_not_url_safe() {
        assert!(Slug::parse("good-slug_2").is_ok());
        assert!(Slug::parse("").is_err());
        assert!(Slug::parse("Upper").is_err());
        assert!(Slug::parse("a/b").is_err());
        assert!(Slug::parse("a b").unwrap_err().contains("`a-b`"));
        assert!(Slug::parse("ǅ").is_err(), "titlecase has a lowercase form");
        assert!(Slug::parse("-\u{301}").is_err(), "a mark needs a letter");
    }

    #[test]
    fn parse_accepts_indic_and_decomposed_names_in_nfc() {
        assert_eq!(Slug::parse("हिन्दी").unwrap().as_str(), "हिन्दी");
        assert_eq!(Slug::parse("தமிழ்").unwrap().as_str(), "தமிழ்");
        assert_eq!(Slug::parse("cafe\u{301}").unwrap().as_str(), "caf\u{e9}");
    }

    #[test]
    fn the_ascii_shortcuts_agree_with_the_general_rules() {
        let mut texts: Vec<String> = Vec::new();
        for a in 0..128u8 {
            texts.push((a as char).to_string());
            for b in 0..128u8 {
                texts.push(format!("{}{}", a as char, b as char));
            }
        }
        for len in [199, 200, 201] {
            texts.push("a".repeat(len));
            texts.push(format!("{}Z", "a".repeat(len - 1)));
        }
        texts
            .extend(["ab-c_d", "a--b", "-", "_x", "9", "a b", "a/b", "a.b", "A"].map(String::from));
        for text in &texts {
            let parsed = Slug::parse(text);
            assert_eq!(parsed, Slug::parse_any(text), "{text:?}");
            if let Ok(slug) = parsed {
                assert_eq!(slug.collision_key(), slug.collision_key_any(), "{text:?}");
            }
        }
    }

    #[test]
    fn collision_key_ignores_case_and_normalisation() {
        let key = |s: &str| Slug::parse(s).unwrap().collision_key();
        assert_eq!(key("café"), key("cafe\u{301}"));
        assert_ne!(key("cafe"), key("café"));
        assert_eq!(
            Slug("ǅ".into()).collision_key(),
            Slug("ǆ".into()).collision_key()
        );
    }

    #[test]
    fn parse_refuses_slugs_too_long_for_a_file_name() {
        assert!(Slug::parse(&"a".repeat(MAX_SLUG_BYTES)).is_ok());
        let err = Slug::parse(&"a".repeat(300)).unwrap_err();
        assert!(err.contains("300 bytes, at most 200"), "{err}");
    }

    #[test]
    fn from_text_falls_back_when_nothing_is_left() {
        assert_eq!(Slug::from_text("???", "section").as_str(), "section");
    }
}
