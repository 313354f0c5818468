//! What writers put in articles, as readers get it: tables, footnotes, task lists, heading
//! ids and anchors, highlighted code with line numbers and marked lines, rewritten links,
//! copied images, and the markdown errors and warnings with their file and line.

mod support;

use support::Site;

const RICH: &str = r#"---
title: Everything markdown
author: ana
date: 2025-04-01
summary: A page that uses every construct writers use.
tags: [reliability]
---
Intro with a [link to timeouts](timeouts.md#why) and [outside](https://example.org/).

## Setup

| key | value |
|-----|-------|
| a   | 1     |

A claim.[^src]

- [x] done
- [ ] to do

## Setup

### Custom {#my-own-id}

```rust linenos hl_lines=2
fn main() {
    let x = 1 < 2 && true;
}
```

```
plain & simple
```

[^src]: The source.
"#;

fn rich_site() -> Site {
    let site = Site::fixture("basic");
    site.edit("content/articles/timeouts.md", |t| {
        format!("{t}\n## Why\n\nBecause.\n")
    });
    site.write("content/articles/rich.md", RICH);
    site
}

#[test]
fn tables_footnotes_and_task_lists_render() {
    let site = rich_site();
    let out = site.build();
    let page = out.success().page("articles/rich/index.html");
    assert_eq!(page.all_text(".prose table th"), ["key", "value"]);
    assert_eq!(page.all_text(".prose table td"), ["a", "1"]);
    assert_eq!(page.count(".prose .footnote-definition"), 1);
    assert_eq!(page.count(".prose sup.footnote-reference a"), 1);
    assert_eq!(page.count(".prose li input[type=checkbox][checked]"), 1);
    assert_eq!(page.count(".prose li input[type=checkbox]"), 2);
}

#[test]
fn headings_get_unique_ids_custom_ids_and_anchors() {
    let site = rich_site();
    let out = site.build();
    let page = out.success().page("articles/rich/index.html");
    assert_eq!(page.attrs(".prose h2", "id"), ["setup", "setup-1"]);
    assert_eq!(page.attrs(".prose h3", "id"), ["my-own-id"]);
    assert_eq!(
        page.attrs(".prose h2 a.anchor", "href"),
        ["#setup", "#setup-1"]
    );
    // The table of contents lists them, nested.
    assert_eq!(
        page.attrs("nav.toc a", "href"),
        ["#setup", "#setup-1", "#my-own-id"]
    );
}

#[test]
fn code_is_highlighted_with_classes_line_numbers_and_marked_lines() {
    let site = rich_site();
    let out = site.build();
    out.success();
    let page = out.page("articles/rich/index.html");
    assert_eq!(page.count("pre.code.linenos[data-lang=rust] span.line"), 3);
    assert_eq!(page.count("pre.code[data-lang=rust] span.line.hl"), 1);
    assert!(page.count("pre.code[data-lang=rust] .line span[class^=l]") > 3);
    assert_eq!(
        page.count("pre.code [style]"),
        0,
        "classes, not inline styles"
    );
    let code = page.text("pre.code[data-lang=rust] code");
    assert!(code.contains("let x = 1 < 2 && true;"), "{code}");
    assert!(
        !code
            .chars()
            .any(|c| c.is_ascii_digit() && code.starts_with(c))
    );
    // No language: plain, escaped, same structure.
    assert_eq!(
        page.text("pre.code:not([data-lang]) code"),
        "plain & simple"
    );
    assert!(out.exists("css/highlight.css"));
}

#[test]
fn links_to_articles_are_rewritten_and_external_ones_kept() {
    let site = rich_site();
    let out = site.build();
    let page = out.success().page("articles/rich/index.html");
    let hrefs = page.attrs(".prose p a", "href");
    assert!(
        hrefs.contains(&"/articles/timeouts/#why".to_string()),
        "{hrefs:?}"
    );
    assert!(
        hrefs.contains(&"https://example.org/".to_string()),
        "{hrefs:?}"
    );
    assert!(!hrefs.iter().any(|h| h.contains(".md")), "{hrefs:?}");
}

#[test]
fn external_links_open_in_a_new_tab_when_configured() {
    let site = rich_site();
    site.edit("config.toml", |c| {
        format!("{c}\n[markdown]\nexternal_links_new_tab = true\n")
    });
    let out = site.build();
    let page = out.success().page("articles/rich/index.html");
    assert_eq!(
        page.attr("a[href='https://example.org/']", "target"),
        "_blank"
    );
    assert_eq!(
        page.attr("a[href='https://example.org/']", "rel"),
        "noopener"
    );
}

#[test]
fn raw_html_is_text_by_default_and_kept_clean_when_turned_on() {
    let site = rich_site();
    site.edit("content/articles/rich.md", |t| {
        format!("{t}\n<aside class=\"note\" onmouseover=\"steal()\">Hi</aside>\n")
    });
    let out = site.build();
    let page = out.success().page("articles/rich/index.html");
    assert_eq!(page.count("aside.note"), 0);
    assert!(page.text(".prose").contains("<aside class=\"note\""));
    site.edit("config.toml", |c| {
        format!("{c}\n[markdown]\nraw_html = true\n")
    });
    let out = site.build();
    let page = out.success().page("articles/rich/index.html");
    assert_eq!(page.count("aside.note"), 1);
    assert_eq!(page.count("aside[onmouseover]"), 0);
}

#[test]
fn link_to_a_missing_heading_names_file_and_line() {
    let site = rich_site();
    site.build().success();
    site.edit("content/articles/rich.md", |t| {
        t.replace("timeouts.md#why", "timeouts.md#nope")
    });
    site.build()
        .fails_pointing_at(
            "content/articles/rich.md",
            8,
            "Intro with a [link to timeouts](timeouts.md#nope) and [outside](https://example.org/).",
        )
        .stderr_contains("link to a missing heading `#nope`");
}

#[test]
fn unknown_code_language_is_one_warning_with_file_and_line() {
    let site = rich_site();
    site.edit("content/articles/rich.md", |t| {
        t.replace("```\nplain", "```klingon\nplain")
    });
    let out = site.build();
    out.success()
        .stderr_contains("unknown code language `klingon`")
        .stderr_contains("content/articles/rich.md:31");
    assert_eq!(
        out.page("articles/rich/index.html")
            .text("pre[data-lang=klingon] code"),
        "plain & simple"
    );
}

#[test]
fn bad_hl_lines_is_an_error_with_file_and_line() {
    let site = rich_site();
    site.build().success();
    site.edit("content/articles/rich.md", |t| {
        t.replace("hl_lines=2", "hl_lines=4-2")
    });
    site.build()
        .fails_pointing_at(
            "content/articles/rich.md",
            25,
            "```rust linenos hl_lines=4-2",
        )
        .stderr_contains("bad code block options");
}
