//! Raw HTML in an article, when `raw_html = true`: the whole body is cleaned by ammonia (an
//! allowlist HTML sanitizer) down to what markdown itself could write — no script, no event
//! handler, no `style` (but a table column's alignment), no script or document URL. Content
//! is untrusted; no markup option lets script through.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use super::sanitize::{LINK_SCHEMES, UrlUse, is_safe_url};

/// Elements markdown writes that ammonia's defaults leave out.
const MORE_TAGS: &[&str] = &["input", "picture", "source", "section", "button"];

/// Attributes allowed on every element: folio's own markup uses them (highlighted code,
/// heading anchors, footnotes, callouts).
const GENERIC: &[&str] = &["class", "id", "role", "tabindex", "lang", "title", "dir"];

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(MORE_TAGS)
        .add_generic_attributes(GENERIC)
        .add_generic_attribute_prefixes(["aria-"])
        .add_tag_attributes("a", ["target", "rel"])
        .add_tag_attributes(
            "img",
            [
                "srcset",
                "sizes",
                "loading",
                "decoding",
                "fetchpriority",
                "width",
                "height",
            ],
        )
        .add_tag_attributes("source", ["srcset", "sizes", "type", "media"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("button", ["type"])
        // folio's own links say themselves whether they open a new tab.
        .link_rel(None)
        .url_schemes(
            LINK_SCHEMES
                .iter()
                .copied()
                .chain(["data"])
                .collect::<HashSet<_>>(),
        )
        .attribute_filter(keep_attribute);
    b
});

/// `html` (a rendered body, complete) with everything markdown could not have written
/// removed.
pub fn clean(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

/// ammonia's last word on each allowed attribute: URLs must pass folio's own policy (a
/// raster `data:` image only in `img src`), and `style` may only align a table column.
fn keep_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    let keep = match attribute {
        "href" | "cite" => is_safe_url(value, UrlUse::Link),
        "src" => is_safe_url(
            value,
            match element {
                "img" => UrlUse::Image,
                _ => UrlUse::Link,
            },
        ),
        "srcset" => value
            .split(',')
            .all(|candidate| is_safe_url(candidate.trim(), UrlUse::Link)),
        "style" => matches!(
            value,
            "text-align: left" | "text-align: center" | "text-align: right"
        ),
        "type" if element == "input" => value == "checkbox",
        _ => true,
    };
    keep.then_some(Cow::Borrowed(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_handlers_and_script_urls_are_removed() {
        let dirty = r#"<p onclick="x()">a<script>alert(1)</script></p><a href="javascript:alert(1)">b</a><img src="x.png" onerror="y()"><iframe src="https://evil"></iframe><div style="position:fixed">c</div>"#;
        let clean = clean(dirty);
        for bad in [
            "onclick",
            "script",
            "javascript",
            "onerror",
            "iframe",
            "position",
        ] {
            assert!(!clean.contains(bad), "{bad} in {clean}");
        }
        assert!(clean.contains(">a</p>") && clean.contains(">b</a>") && clean.contains(">c</div>"));
    }

    #[test]
    fn what_markdown_writes_survives() {
        let html = concat!(
            r##"<h2 id="setup">Setup<a class="anchor" href="#setup" aria-hidden="true">#</a></h2>"##,
            r#"<pre class="code" tabindex="0"><code><span class="k">fn</span></code></pre>"#,
            r#"<table><thead><tr><th style="text-align: center">x</th></tr></thead></table>"#,
            r#"<ul><li><input type="checkbox" checked="" disabled=""> done</li></ul>"#,
            r#"<p><a href="https://example.com/" target="_blank" rel="noopener">x</a>"#,
            r#"<img src="data:image/png;base64,AAAA" alt="dot" width="1" height="1"></p>"#,
        );
        assert_eq!(clean(html), html);
    }

    #[test]
    fn data_urls_are_for_raster_images_only() {
        let clean = clean(
            r#"<a href="data:text/html,x">a</a><img src="data:image/svg+xml,<svg/>"><img src="data:image/gif;base64,R0">"#,
        );
        assert!(
            !clean.contains("text/html") && !clean.contains("svg+xml"),
            "{clean}"
        );
        assert!(clean.contains("data:image/gif"), "{clean}");
    }
}
