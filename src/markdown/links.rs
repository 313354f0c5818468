//! Links and images inside an article: which ones point at other articles' files (to be
//! rewritten to their URLs), which are external, and where relative paths lead.

use std::path::{Component, Path, PathBuf};

/// What a link destination is, as far as folio cares.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkKind<'a> {
    /// `other.md` or `../x/index.md#section`: a file path relative to the article, and anchor.
    Article {
        path: &'a str,
        anchor: Option<&'a str>,
    },
    /// Has a scheme (`https:`, `mailto:`) or starts with `//`.
    External,
    /// Anything else: `#anchor`, `/absolute`, `image.png`.
    Local,
}

pub fn classify(dest: &str) -> LinkKind<'_> {
    if is_external(dest) {
        return LinkKind::External;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    if path.ends_with(".md") && !path.starts_with('/') {
        LinkKind::Article { path, anchor }
    } else {
        LinkKind::Local
    }
}

pub fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !scheme.contains('/')
        }
        None => false,
    }
}

/// Join a relative `dest` onto the folder of `from` (both site-root relative), resolving
/// `.` and `..` without touching the disk. `None` when it climbs above the root.
pub fn resolve(from: &Path, dest: &str) -> Option<PathBuf> {
    let decoded = percent_decode(dest);
    let mut out: Vec<Component> = Vec::new();
    let base = from.parent().unwrap_or(Path::new(""));
    for c in base.components().chain(Path::new(&decoded).components()) {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop()?;
            }
            Component::Normal(_) => out.push(c),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out.iter().collect())
}

/// The heading id an anchor names: `caf%C3%A9` is `café`, as a browser reads it. Left as it
/// is when the decoded bytes are not UTF-8 (a browser would not find such an id either).
pub fn decode_anchor(anchor: &str) -> String {
    match String::from_utf8(percent_decode_bytes(anchor)) {
        Ok(decoded) => decoded,
        Err(_) => anchor.to_string(),
    }
}

/// `%20` and friends, so `my%20file.md` finds `my file.md`.
fn percent_decode(s: &str) -> String {
    String::from_utf8_lossy(&percent_decode_bytes(s)).into_owned()
}

fn percent_decode_bytes(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && s.is_char_boundary(i + 3)
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_destinations() {
        assert_eq!(
            classify("other.md"),
            LinkKind::Article {
                path: "other.md",
                anchor: None
            }
        );
        assert_eq!(
            classify("../x/index.md#setup"),
            LinkKind::Article {
                path: "../x/index.md",
                anchor: Some("setup")
            }
        );
        assert_eq!(classify("https://example.com/a.md"), LinkKind::External);
        assert_eq!(classify("mailto:a@b.c"), LinkKind::External);
        assert_eq!(classify("//cdn.example.com/x"), LinkKind::External);
        assert_eq!(classify("#top"), LinkKind::Local);
        assert_eq!(classify("diagram.svg"), LinkKind::Local);
        assert_eq!(classify("/about/"), LinkKind::Local);
    }

    #[test]
    fn resolves_relative_to_the_article_folder() {
        let from = Path::new("content/articles/a.md");
        assert_eq!(
            resolve(from, "b.md"),
            Some(PathBuf::from("content/articles/b.md"))
        );
        assert_eq!(
            resolve(from, "./x/../b.md"),
            Some(PathBuf::from("content/articles/b.md"))
        );
        assert_eq!(
            resolve(from, "../other/c.md"),
            Some(PathBuf::from("content/other/c.md"))
        );
        assert_eq!(
            resolve(from, "my%20file.md"),
            Some(PathBuf::from("content/articles/my file.md"))
        );
        assert_eq!(resolve(from, "../../../../x.md"), None);
        assert_eq!(resolve(from, "/etc/passwd"), None);
    }

    #[test]
    fn anchors_are_percent_decoded() {
        assert_eq!(decode_anchor("caf%C3%A9"), "café");
        assert_eq!(decode_anchor("café"), "café");
        assert_eq!(decode_anchor("a%20b"), "a b");
        assert_eq!(decode_anchor("100%"), "100%");
        assert_eq!(decode_anchor("%zz"), "%zz");
        assert_eq!(decode_anchor("%FF"), "%FF", "not UTF-8: left as written");
    }
}
