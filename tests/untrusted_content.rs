//! Articles come from many writers and are untrusted: whatever markdown they write, no page
//! gets script from it. A site full of known XSS vectors is built with the real binary and
//! every page is parsed: inside the article body (the theme's own markup is trusted) no
//! element has an event handler or a `style`, and no `href`/`src` runs script or embeds a
//! document. `related` URLs with such schemes fail the build in every mode.

mod support;

use scraper::{ElementRef, Html, Selector};
use support::Site;

/// One vector per line; each carries its own link text, so what survives can be seen.
const ATTACKS: &str = r#"---
title: Attack surface
author: ana
date: 2025-03-01
summary: Every way markdown could carry script.
tags: [security]
---

## Focus me {#x autofocus onfocus=alert(1)}

## Styled {.note style=position:fixed;inset:0 onclick=alert(2) data-hx-get=/steal}

[plain js](javascript:alert(3))

[mixed case](JaVaScRiPt:alert(4) "title")

[entity scheme](jav&#x61;script:alert(5))

[numeric entity](&#106;avascript:alert(6))

[colon entity](javascript&#58;alert(7))

[leading control](&#1;javascript:alert(8))

[tab inside](<java&#9;script:alert(9)>)

<javascript:alert(10)>

<VBScript:msgbox(11)>

[vb](vbscript:msgbox(12))

[data page](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMyk8L3NjcmlwdD4=)

![svg data](data:image/svg+xml,%3Csvg%20onload%3Dalert(14)%3E)

![js image](javascript:alert(15))

[by reference][evil] and ![image by reference][evil-img]

[evil]: javascript:alert(16)
[evil-img]: data:text/html,x

| table | cell |
|:---|---:|
| [in a table](javascript:alert(17)) | ![x](vbscript:18) |

- [ ] task with [a link](javascript:alert(19))

Footnote[^n].

[^n]: with [a link](javascript:alert(20)).

<img src=x onerror=alert(21)> <script>alert(22)</script>

<a href="javascript:alert(23)" style="color:red">raw anchor</a>

```js onload=alert(24)
alert(25)
```

![fine raster](data:image/png;base64,iVBORw0KGgo=) [fine](https://example.com/) [mail](mailto:a@example.com)
"#;

/// `[markdown]` settings appended to the fixture's config.
fn with_markdown(site: &Site, settings: &str) {
    site.edit("config.toml", |c| format!("{c}\n[markdown]\n{settings}\n"));
}

fn attack_site(settings: &str) -> Site {
    let site = Site::fixture("basic");
    with_markdown(&site, settings);
    site.write("content/articles/attack.md", ATTACKS);
    site
}

/// Every problem found inside `scope` of every page: event handlers, `style`, and URLs
/// whose scheme runs script or embeds a document (a raster image excepted).
fn script_in(html: &str, scope: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let scope = Selector::parse(scope).expect("a valid selector");
    let mut found = Vec::new();
    for container in doc.select(&scope) {
        for el in container.descendants().filter_map(ElementRef::wrap) {
            let name = el.value().name();
            if matches!(name, "script" | "iframe" | "object" | "embed" | "style") {
                found.push(format!("<{name}>"));
            }
            for (attr, value) in el.value().attrs() {
                let attr = attr.to_ascii_lowercase();
                // pulldown-cmark's column alignment (`:---:`) is the one style markdown
                // writes, with a fixed value.
                let alignment = matches!(name, "th" | "td")
                    && ["left", "center", "right"]
                        .iter()
                        .any(|a| value == format!("text-align: {a}"));
                if attr.starts_with("on") || (attr == "style" && !alignment) {
                    found.push(format!("<{name} {attr}={value:?}>"));
                }
                if matches!(attr.as_str(), "href" | "src" | "action" | "formaction") {
                    let url: String = value
                        .trim_start_matches(|c: char| c <= ' ')
                        .chars()
                        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                        .collect::<String>()
                        .to_ascii_lowercase();
                    let raster = name == "img"
                        && ["png", "gif", "jpeg", "webp"]
                            .iter()
                            .any(|t| url.starts_with(&format!("data:image/{t};")));
                    let bad = ["javascript:", "vbscript:", "data:"]
                        .iter()
                        .any(|s| url.starts_with(s));
                    if bad && !raster {
                        found.push(format!("<{name} {attr}={value:?}>"));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn attack_markdown_never_reaches_a_page_as_script() {
    let site = attack_site("raw_html = false\nexternal_links_new_tab = true");
    let out = site.build();
    out.success();
    let pages = out.html_files();
    assert!(pages.contains(&"articles/attack/index.html".to_string()));
    for rel in &pages {
        let html = String::from_utf8(out.file(rel)).expect("UTF-8");
        let found = script_in(&html, ".prose, nav.toc");
        assert!(found.is_empty(), "{rel}: {found:#?}");
    }
    // The check can fail: the same scan finds the theme's own inline scripts and styles.
    let page = String::from_utf8(out.file("articles/attack/index.html")).expect("UTF-8");
    assert!(!script_in(&page, "head").is_empty());

    // What was refused is still there as text, and the safe links are links.
    let page = out.page("articles/attack/index.html");
    let prose = page.text(".prose");
    assert!(
        !prose.contains("<a>"),
        "a refused link shows markup: {prose}"
    );
    for text in [
        "plain js",
        "entity scheme",
        "javascript:alert(10)",
        "by reference",
    ] {
        assert!(prose.contains(text), "{text:?} missing from {prose}");
    }
    let hrefs = page.root().nodes(".prose")[0].attrs("a", "href");
    assert!(
        hrefs.contains(&"https://example.com/".to_string()),
        "{hrefs:?}"
    );
    assert!(
        hrefs.contains(&"mailto:a@example.com".to_string()),
        "{hrefs:?}"
    );
    let srcs = page.root().nodes(".prose")[0].attrs("img", "src");
    assert!(srcs.contains(&"data:image/png;base64,iVBORw0KGgo=".to_string()));
    assert_eq!(page.attr("h2#x", "id"), "x", "the heading keeps its id");
    assert_eq!(page.attr("h2.note", "class"), "note", "and its class");

    // Each refusal is a warning at its line.
    for (message, line) in [
        ("heading attribute `onfocus` removed", 9),
        ("heading attribute `style` removed", 11),
        ("heading attribute `data-hx-get` removed", 11),
        ("unsafe link `javascript:alert(3)` removed", 13),
        ("unsafe link `javascript:alert(5)` removed", 17),
        ("unsafe link `javascript:alert(10)` removed", 27),
        ("unsafe link `VBScript:msgbox(11)` removed", 29),
        ("unsafe image `data:image/svg+xml,", 35),
        ("unsafe link `javascript:alert(16)` removed", 39),
        ("unsafe image `data:text/html,x` removed", 39),
        ("unsafe link `javascript:alert(20)` removed", 52),
    ] {
        out.stderr_contains(message)
            .stderr_contains(&format!("content/articles/attack.md:{line}:"));
    }
}

#[test]
fn raw_html_on_is_cleaned_of_script_too() {
    let site = attack_site("raw_html = true\nexternal_links_new_tab = true");
    let out = site.build();
    out.success()
        .stderr_contains("unsafe link `javascript:alert(3)` removed");
    // The attack holds raw `<script>`, `<img onerror>` and `<a href="javascript:">`: with
    // raw HTML kept, it is cleaned to what markdown could write, so none reaches a page.
    for rel in &out.html_files() {
        let html = String::from_utf8(out.file(rel)).expect("UTF-8");
        let found = script_in(&html, ".prose, nav.toc");
        assert!(found.is_empty(), "{rel}: {found:#?}");
    }
    let page = out.page("articles/attack/index.html");
    let prose = page.root().nodes(".prose")[0];
    for text in ["plain js", "mixed case", "entity scheme", "vb", "data page"] {
        let href = prose.link_to(text);
        assert!(href.is_none(), "{text:?} is a link to {href:?}");
    }
    assert_eq!(
        prose.link_to("fine").as_deref(),
        Some("https://example.com/")
    );
    assert!(page.nodes("h2[onfocus], h2[style]").is_empty());
}

#[test]
fn related_urls_must_be_http_or_site_paths_in_every_mode() {
    for raw_html in ["true", "false"] {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,x",
            "other-page/",
        ] {
            let site = Site::fixture("basic");
            with_markdown(&site, &format!("raw_html = {raw_html}"));
            site.build().success();
            site.edit("content/articles/timeouts.md", |t| {
                t.replacen(
                    "tags: [reliability, apis]\n",
                    &format!(
                        "tags: [reliability, apis]\nrelated:\n  - title: Click\n    url: \"{url}\"\n"
                    ),
                    1,
                )
            });
            site.build()
                .fails_pointing_at(
                    "content/articles/timeouts.md",
                    9,
                    &format!("    url: \"{url}\""),
                )
                .stderr_contains(&format!("`related` url `{url}` is not allowed"))
                .output_untouched();
        }
    }
    let site = Site::fixture("basic");
    site.edit("content/articles/timeouts.md", |t| {
        t.replacen(
            "tags: [reliability, apis]\n",
            "tags: [reliability, apis]\nrelated:\n  - title: Ours\n    url: /about/\n  - title: Theirs\n    url: HTTPS://example.org/x\n",
            1,
        )
    });
    let out = site.build();
    out.success();
    let links = out.page("articles/timeouts/index.html").links();
    assert!(links.contains(&"/about/".to_string()), "{links:?}");
    assert!(
        links.contains(&"HTTPS://example.org/x".to_string()),
        "{links:?}"
    );
}

#[test]
fn check_reports_every_refusal() {
    let site = attack_site("raw_html = false");
    let root = site.root().to_str().expect("UTF-8 path").to_string();
    let out = site.run(&["check", "--root", &root]);
    out.success()
        .stderr_contains("unsafe link `javascript:alert(3)` removed")
        .stderr_contains("heading attribute `onfocus` removed")
        .stderr_contains("content/articles/attack.md:13:");
    let refusals = out.stderr.matches("removed").count();
    assert!(refusals >= 20, "{refusals} refusals:\n{}", out.stderr);
}
