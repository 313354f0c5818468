//! What markdown may put into a page, whoever wrote it: the URL schemes a link or image may
//! use, and the attributes a heading may carry. Articles come from many writers and are
//! untrusted; markdown syntax must never make a page run script. Pure policy: the event
//! loop in `markdown/mod.rs` calls it, and this module knows nothing of rendering.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag};

use super::Problem;

/// Schemes a link may use. Everything else (`javascript:`, `vbscript:`, `data:`, `file:`,
/// and schemes no one reviewed) is refused: an allowlist cannot miss a new dangerous one.
pub const LINK_SCHEMES: [&str; 11] = [
    "http", "https", "mailto", "tel", "ftp", "sftp", "ssh", "git", "irc", "ircs", "xmpp",
];

/// Media types an image may embed as a `data:` URL: raster formats only, which browsers
/// decode as pixels and never run. SVG is left out: it is a document that can hold script.
pub const DATA_IMAGE_TYPES: [&str; 4] = ["image/png", "image/gif", "image/jpeg", "image/webp"];

/// Where a URL is used: an image source may be a raster `data:` URL, a link may not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlUse {
    Link,
    Image,
}

/// The scheme of `url` as a browser reads it (lowercase), or `None` for a relative URL.
/// Browsers drop leading C0 controls and spaces, and tabs and line breaks anywhere, before
/// they look for the scheme; so does this, so `" java\tscript:"` is `javascript`.
pub fn scheme(url: &str) -> Option<String> {
    let url = url.trim_start_matches(|c: char| c <= ' ');
    let mut scheme = String::new();
    for c in url.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')) {
        match c {
            ':' if !scheme.is_empty() => return Some(scheme),
            'a'..='z' | 'A'..='Z' => scheme.push(c.to_ascii_lowercase()),
            '0'..='9' | '+' | '-' | '.' if !scheme.is_empty() => scheme.push(c),
            // `/`, `?`, `#` or anything else before a `:`: a relative URL.
            _ => return None,
        }
    }
    None
}

/// Whether `url` may appear as a link's `href` (`UrlUse::Link`) or an image's `src`.
pub fn is_safe_url(url: &str, used: UrlUse) -> bool {
    match scheme(url).as_deref() {
        None => true,
        Some("data") => used == UrlUse::Image && is_raster_data(url),
        Some(s) => LINK_SCHEMES.contains(&s),
    }
}

/// `data:image/png;base64,...` and the like, for the types in `DATA_IMAGE_TYPES`.
fn is_raster_data(url: &str) -> bool {
    let Some(colon) = url.find(':') else {
        return false;
    };
    let media = url[colon + 1..]
        .split([';', ','])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    DATA_IMAGE_TYPES.contains(&media.as_str())
}

/// Why a URL was refused, in the writer's words.
fn refusal(url: &str, used: UrlUse) -> (String, String) {
    let what = match used {
        UrlUse::Link => "link",
        UrlUse::Image => "image",
    };
    let scheme = scheme(url).unwrap_or_default();
    let label = match scheme.as_str() {
        "javascript" | "vbscript" => "this would run code in the reader's browser".to_string(),
        "data" if used == UrlUse::Image => {
            "only PNG, GIF, JPEG and WebP images may be embedded as `data:`".to_string()
        }
        "data" => "a `data:` link opens a page no one can see the address of".to_string(),
        _ => format!("`{scheme}:` is not a scheme folio allows"),
    };
    (
        format!("unsafe {what} `{url}` removed: the text is kept, without the {what}"),
        format!(
            "{label}; allowed: relative URLs and {}",
            LINK_SCHEMES.join(", ")
        ),
    )
}

/// `event` with what may not reach the page taken out, each removal a warning at `span`:
/// a heading's written attributes, an unsafe image's source. (Links are refused with
/// `link_refused`, where the renderer knows how to end them.)
pub fn event<'a>(event: Event<'a>, span: &Range<usize>, problems: &mut Vec<Problem>) -> Event<'a> {
    match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs: heading_attrs(attrs, span, problems),
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: image(dest_url, span, problems),
            title,
            id,
        }),
        other => other,
    }
}

/// Whether a link to `dest` must not be made; the refusal is a warning. The link's text is
/// kept, in an `<a>` without `href`, which is no link.
pub fn link_refused(dest: &str, span: &Range<usize>, problems: &mut Vec<Problem>) -> bool {
    checked(dest.into(), UrlUse::Link, span, problems).is_none()
}

/// An image's source: an unsafe one becomes empty (the image shows its alt text).
pub fn image<'a>(dest: CowStr<'a>, span: &Range<usize>, problems: &mut Vec<Problem>) -> CowStr<'a> {
    checked(dest, UrlUse::Image, span, problems).unwrap_or_else(|| "".into())
}

fn checked<'a>(
    dest: CowStr<'a>,
    used: UrlUse,
    span: &Range<usize>,
    problems: &mut Vec<Problem>,
) -> Option<CowStr<'a>> {
    if is_safe_url(&dest, used) {
        return Some(dest);
    }
    let (message, label) = refusal(&dest, used);
    problems.push(Problem {
        message,
        label,
        span: span.clone(),
        is_error: false,
    });
    None
}

/// The heading attributes written as `{key=value}` that may reach the page: none. A heading
/// keeps its `{#id}` and `{.class}` (which pulldown-cmark passes apart from these); every
/// other attribute is dropped with a warning: `on*` handlers run script, `style` can lay a
/// fake page over the real one, and even `data-*` is read by scripts that act on it
/// (htmx's `data-hx-*`, Bootstrap's `data-bs-*`). `id=` and `class=` are dropped too: they
/// would duplicate the attributes the heading already has.
pub fn heading_attrs<'a>(
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    span: &Range<usize>,
    problems: &mut Vec<Problem>,
) -> Vec<(CowStr<'a>, Option<CowStr<'a>>)> {
    for (key, _) in attrs {
        problems.push(Problem {
            message: format!("heading attribute `{key}` removed"),
            label: "headings keep only `{#id}` and `{.class}`".into(),
            span: span.clone(),
            is_error: false,
        });
    }
    Vec::new()
}

/// Whether a `related` URL in front matter is allowed: `http(s)://` with a host, or a path
/// on this site (`/...`). It is shown as a link on the article page.
pub fn is_related_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let host = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match host {
        Some(rest) => !rest.is_empty() && !rest.starts_with('/'),
        None => url.starts_with('/') && !url.starts_with("//"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_scheme_a_browser_would() {
        assert_eq!(scheme("https://example.com/").as_deref(), Some("https"));
        assert_eq!(scheme("JaVaScRiPt:alert(1)").as_deref(), Some("javascript"));
        assert_eq!(scheme(" \u{1}javascript:x").as_deref(), Some("javascript"));
        assert_eq!(scheme("java\tscr\nipt:x").as_deref(), Some("javascript"));
        assert_eq!(scheme("web+app:x").as_deref(), Some("web+app"));
        assert_eq!(scheme("/a:b"), None);
        assert_eq!(scheme("a/b:c"), None);
        assert_eq!(scheme("#x:y"), None);
        assert_eq!(scheme("?q=a:b"), None);
        assert_eq!(scheme("1abc:x"), None);
        assert_eq!(
            scheme("\u{a0}javascript:x"),
            None,
            "not stripped by browsers"
        );
        assert_eq!(scheme("other.md"), None);
        assert_eq!(scheme(""), None);
    }

    #[test]
    fn links_keep_only_reviewed_schemes() {
        for good in [
            "https://x.com/",
            "http://x.com",
            "mailto:a@b.c",
            "tel:+441234",
            "/tags/",
            "../x/",
            "#setup",
            "other.md#a",
            "//cdn.example.com/x",
            "",
        ] {
            assert!(is_safe_url(good, UrlUse::Link), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "\u{0}javascript:alert(1)",
            " javascript:alert(1)",
            "java\nscript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "data:image/png;base64,AAAA",
            "file:///etc/passwd",
            "livescript:x",
        ] {
            assert!(!is_safe_url(bad, UrlUse::Link), "{bad}");
        }
    }

    #[test]
    fn images_may_embed_raster_data_only() {
        assert!(is_safe_url("data:image/png;base64,AAAA", UrlUse::Image));
        assert!(is_safe_url("DATA:IMAGE/GIF,x", UrlUse::Image));
        assert!(is_safe_url("data:image/webp;base64,x", UrlUse::Image));
        assert!(!is_safe_url("data:image/svg+xml,<svg/>", UrlUse::Image));
        assert!(!is_safe_url("data:text/html,x", UrlUse::Image));
        assert!(!is_safe_url("data:image/pngx,x", UrlUse::Image));
        assert!(!is_safe_url("javascript:x", UrlUse::Image));
        assert!(is_safe_url("plan.svg", UrlUse::Image));
    }

    #[test]
    fn unsafe_link_is_dropped_with_a_warning() {
        let mut problems = Vec::new();
        assert!(link_refused("javascript:alert(1)", &(3..9), &mut problems));
        assert!(!link_refused("https://x.com/", &(0..1), &mut problems));
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].message,
            "unsafe link `javascript:alert(1)` removed: the text is kept, without the link"
        );
        assert!(!problems[0].is_error);
        assert_eq!(problems[0].span, 3..9);
        assert_eq!(
            &*image("data:text/html,x".into(), &(0..1), &mut problems),
            ""
        );
    }

    #[test]
    fn headings_keep_no_written_attributes() {
        let mut problems = Vec::new();
        let attrs = vec![
            ("onfocus".into(), Some("alert(1)".into())),
            ("autofocus".into(), None),
            ("style".into(), Some("position:fixed".into())),
            ("data-hx-get".into(), Some("/x".into())),
        ];
        assert!(heading_attrs(attrs, &(0..1), &mut problems).is_empty());
        let dropped: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            dropped,
            [
                "heading attribute `onfocus` removed",
                "heading attribute `autofocus` removed",
                "heading attribute `style` removed",
                "heading attribute `data-hx-get` removed",
            ]
        );
    }

    #[test]
    fn related_urls_are_http_or_site_paths() {
        assert!(is_related_url("https://example.org/a"));
        assert!(is_related_url("HTTP://example.org"));
        assert!(is_related_url("/articles/x/"));
        assert!(!is_related_url("javascript:alert(1)"));
        assert!(!is_related_url("data:text/html,x"));
        assert!(!is_related_url("//evil.example/"));
        assert!(!is_related_url("https://"));
        assert!(!is_related_url("other-article/"));
        assert!(!is_related_url("mailto:a@b.c"));
    }
}
