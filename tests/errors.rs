//! Mistakes a writer makes, and files editors and operating systems leave behind. Every
//! error fails the build with exit code 1, names the file and line, shows the offending line,
//! never panics, and leaves the previous output exactly as it was. Odd but valid input
//! (byte-order marks, CRLF, non-ASCII text, editor leftovers) builds fine.

mod support;

use std::time::Duration;

use support::{Output, Site};

/// Build the basic fixture once (so there is an output to protect), then add or replace
/// `content/articles/<name>` and build again.
fn build_after_writing(name: &str, bytes: &[u8]) -> (Site, Output) {
    let site = Site::fixture("basic");
    site.build().success();
    site.write_bytes(&format!("content/articles/{name}"), bytes);
    let out = site.build();
    (site, out)
}

/// A valid article, to break one line of.
const GOOD: &str = "---
title: Broken on purpose
author: ana
date: 2025-03-14
summary: An article a test breaks.
---

Body text.
";

fn good_with(from: &str, to: &str) -> Vec<u8> {
    assert!(GOOD.contains(from), "GOOD has no {from:?}");
    GOOD.replacen(from, to, 1).into_bytes()
}

// --- Front matter --------------------------------------------------------------------

#[test]
fn missing_front_matter_names_file_and_line() {
    let (_site, out) = build_after_writing("a.md", b"Just text, no front matter.\n");
    out.fails_pointing_at("content/articles/a.md", 1, "Just text, no front matter.")
        .stderr_contains("missing front matter");
}

#[test]
fn unclosed_front_matter_names_file_and_line() {
    let (_site, out) = build_after_writing(
        "a.md",
        b"---\ntitle: Never closed\nauthor: ana\n\nBody text.\n",
    );
    out.fails_pointing_at("content/articles/a.md", 1, "---")
        .stderr_contains("unclosed front matter");
}

#[test]
fn invalid_yaml_names_file_and_line() {
    let (_site, out) = build_after_writing(
        "a.md",
        &good_with("summary: An article a test breaks.", "summary: a: b"),
    );
    out.fails_pointing_at("content/articles/a.md", 5, "summary: a: b")
        .stderr_contains("invalid front matter");
}

#[test]
fn wrong_type_names_file_and_line() {
    let (_site, out) = build_after_writing(
        "a.md",
        &good_with("title: Broken on purpose", "title: [1, 2]"),
    );
    out.fails_pointing_at("content/articles/a.md", 2, "title: [1, 2]")
        .stderr_contains("invalid type");
}

#[test]
fn missing_required_key_names_the_key() {
    let (_site, out) = build_after_writing(
        "a.md",
        &good_with("summary: An article a test breaks.\n", ""),
    );
    out.failure(1)
        .stderr_contains("content/articles/a.md:1:")
        .stderr_contains("missing required front-matter key `summary`")
        .output_untouched();
}

#[test]
fn unknown_key_suggests_the_nearest_known_key() {
    let (_site, out) = build_after_writing("a.md", &good_with("summary:", "sumary:"));
    out.fails_pointing_at(
        "content/articles/a.md",
        5,
        "sumary: An article a test breaks.",
    )
    .stderr_contains("unknown front-matter key `sumary`")
    .stderr_contains("did you mean `summary`?");
}

#[test]
fn bad_date_names_file_and_line() {
    let (_site, out) = build_after_writing("a.md", &good_with("2025-03-14", "2025-13-45"));
    out.fails_pointing_at("content/articles/a.md", 4, "date: 2025-13-45")
        .stderr_contains("bad date `2025-13-45`");
}

// --- References between files -----------------------------------------------------------

#[test]
fn unknown_author_names_file_and_line_and_suggests_a_close_id() {
    let (_site, out) = build_after_writing("a.md", &good_with("author: ana", "author: anna"));
    out.fails_pointing_at("content/articles/a.md", 3, "author: anna")
        .stderr_contains("unknown author `anna`")
        .stderr_contains("did you mean `ana`?");
}

#[test]
fn unknown_author_far_from_every_id_gets_no_suggestion() {
    let (_site, out) = build_after_writing("a.md", &good_with("author: ana", "author: zed"));
    out.fails_pointing_at("content/articles/a.md", 3, "author: zed")
        .stderr_contains("unknown author `zed`")
        .stderr_lacks("did you mean");
}

#[test]
fn unresolved_related_slug_names_file_and_line() {
    let text = good_with(
        "summary: An article a test breaks.\n",
        "summary: s\nrelated:\n  - no-such-article\n",
    );
    let (_site, out) = build_after_writing("a.md", &text);
    out.fails_pointing_at("content/articles/a.md", 7, "  - no-such-article")
        .stderr_contains("related article `no-such-article` not found");
}

#[test]

fn unresolved_related_slug_points_at_its_own_entry() {
    let text = good_with(
        "summary: An article a test breaks.\n",
        "summary: s\nrelated:\n  - timeouts\n  - time\n",
    );
    let (_site, out) = build_after_writing("a.md", &text);
    out.fails_pointing_at("content/articles/a.md", 8, "  - time")
        .stderr_contains("related article `time` not found");
}

#[test]
fn duplicate_slug_names_both_files_and_the_slug_line() {
    // zz-copy.md sorts after retry-budgets.md and claims its slug.
    let text = good_with(
        "summary: An article a test breaks.\n",
        "summary: s\nslug: retry-budgets\n",
    );
    let (_site, out) = build_after_writing("zz-copy.md", &text);
    out.fails_pointing_at("content/articles/zz-copy.md", 6, "slug: retry-budgets")
        .stderr_contains("duplicate slug `retry-budgets`")
        .stderr_contains("content/articles/retry-budgets.md");
}

#[test]

fn duplicate_slug_points_at_the_slug_line_whichever_file_sorts_first() {
    // a-copy.md sorts before timeouts.md and claims its slug.
    let text = good_with(
        "summary: An article a test breaks.\n",
        "summary: s\nslug: timeouts\n",
    );
    let (_site, out) = build_after_writing("a-copy.md", &text);
    out.fails_pointing_at("content/articles/a-copy.md", 6, "slug: timeouts")
        .stderr_contains("duplicate slug `timeouts`")
        .stderr_contains("content/articles/timeouts.md");
}

#[test]
fn missing_image_names_file_and_line() {
    let (_site, out) = build_after_writing(
        "a.md",
        &good_with("Body text.", "Body text.\n\n![A diagram](missing.svg)"),
    );
    out.fails_pointing_at("content/articles/a.md", 10, "![A diagram](missing.svg)")
        .stderr_contains("missing image `missing.svg`");
}

#[test]
fn link_to_a_missing_article_names_file_and_line() {
    let (_site, out) = build_after_writing(
        "a.md",
        &good_with("Body text.", "Body text.\n\nSee [the other one](other.md)."),
    );
    out.fails_pointing_at(
        "content/articles/a.md",
        10,
        "See [the other one](other.md).",
    )
    .stderr_contains("link to a missing article `other.md`");
}

#[test]
fn all_content_errors_of_one_build_are_reported_together() {
    let site = Site::fixture("basic");
    site.build().success();
    site.write("content/articles/a.md", "No front matter here.\n");
    site.write_bytes(
        "content/articles/b.md",
        &good_with("author: ana", "author: anna"),
    );
    let out = site.build();
    out.failure(1)
        .stderr_contains("content/articles/a.md:1:")
        .stderr_contains("content/articles/b.md:3:")
        .stderr_contains("2 errors")
        .output_untouched();
    let (a, b) = (
        out.stderr.find("a.md:1:").unwrap(),
        out.stderr.find("b.md:3:").unwrap(),
    );
    assert!(a < b, "sorted by file:\n{}", out.stderr);
}

// --- Encodings and odd files ------------------------------------------------------------

#[test]
fn empty_file_is_named() {
    let (_site, out) = build_after_writing("a.md", b"");
    out.failure(1)
        .stderr_contains("content/articles/a.md")
        .stderr_contains("empty file")
        .output_untouched();
}

#[test]
fn non_utf8_file_names_file_and_line() {
    let mut bytes = GOOD.as_bytes().to_vec();
    let at = GOOD.find("Body text.").unwrap() + "Body".len();
    bytes.splice(at..at, [0xff, 0xfe]);
    let (_site, out) = build_after_writing("a.md", &bytes);
    out.fails_pointing_at("content/articles/a.md", 8, "Body\u{fffd}\u{fffd} text.")
        .stderr_contains("not valid UTF-8");
}

#[test]
fn utf8_bom_file_builds_fine() {
    let bytes = [b"\xef\xbb\xbf".as_slice(), GOOD.as_bytes()].concat();
    let (_site, out) = build_after_writing("bom.md", &bytes);
    out.success();
    assert_eq!(
        out.page("articles/bom/index.html").text("h1"),
        "Broken on purpose"
    );
}

#[test]
fn crlf_line_endings_build_fine() {
    let text = "---\r\ntitle: Written on Windows\r\nauthor: ana\r\ndate: 2025-03-14\r\nsummary: Every line ends in CR LF.\r\ntags: [windows]\r\n---\r\n\r\nFirst paragraph.\r\n\r\n## A section\r\n\r\nSecond paragraph.\r\n";
    let (_site, out) = build_after_writing("crlf.md", text.as_bytes());
    out.success();
    let page = out.page("articles/crlf/index.html");
    assert_eq!(page.text("h1"), "Written on Windows");
    assert_eq!(
        page.attr("meta[name=description]", "content"),
        "Every line ends in CR LF."
    );
    assert_eq!(page.attrs("main article h2", "id"), ["a-section"]);
    let paragraphs = page.all_text(".prose p");
    assert_eq!(paragraphs, ["First paragraph.", "Second paragraph."]);
    assert!(out.exists("tags/windows/index.html"));
}

#[test]
fn non_ascii_title_builds_and_shows_in_the_heading() {
    let title = "Café — ünïcödé 日本";
    let (_site, out) = build_after_writing(
        "cafe.md",
        &good_with("title: Broken on purpose", &format!("title: \"{title}\"")),
    );
    out.success();
    let page = out.page("articles/cafe/index.html");
    assert_eq!(page.text("h1"), title);
    assert!(page.text("title").starts_with(title));
}

#[test]
fn editor_temp_and_hidden_files_are_ignored() {
    let site = Site::fixture("basic");
    for name in [".a.md.swp", "a.md~", "#a.md#", ".hidden.md"] {
        site.write(
            &format!("content/articles/{name}"),
            "not an article: this would fail the build\n",
        );
    }
    site.write("content/.obsidian/notes.md", "not an article either\n");
    let out = site.build();
    out.success();
    assert!(
        out.stdout.starts_with("Built 2 articles,"),
        "{}",
        out.stdout
    );
    assert!(
        !out.html_files().iter().any(|p| p.contains("hidden")),
        "{:?}",
        out.html_files()
    );
}

#[test]
fn symlink_loop_under_content_is_reported_without_hanging() {
    let site = Site::fixture("basic");
    site.build().success();
    std::os::unix::fs::symlink("..", site.path("content/articles/loop")).unwrap();
    let out = site.build_within(Duration::from_secs(20));
    assert!(out.code.is_some(), "folio did not finish within 20 s");
    out.failure(1)
        .stderr_contains("content/articles/loop")
        .stderr_contains("symbolic link loop")
        .output_untouched();
}

// --- Themes and templates ---------------------------------------------------------------

#[test]
fn missing_theme_is_named_with_the_available_ones() {
    let site = Site::fixture("basic");
    site.build().success();
    site.edit("config.toml", |c| format!("theme = \"nope\"\n{c}"));
    site.build()
        .failure(1)
        .stderr_contains("config.toml")
        .stderr_contains("theme `nope` not found")
        .stderr_contains("default")
        .output_untouched();
}

#[test]

fn missing_theme_points_at_the_theme_line() {
    let site = Site::fixture("basic");
    site.build().success();
    site.edit("config.toml", |c| format!("theme = \"nope\"\n{c}"));
    site.build()
        .fails_pointing_at("config.toml", 1, "theme = \"nope\"");
}

#[test]
fn missing_required_template_is_named() {
    let site = Site::fixture("basic");
    site.build().success();
    site.remove("themes/default/templates/tag.html");
    site.build()
        .failure(1)
        .stderr_contains("no template `tag.html`")
        .stderr_contains("themes/default/templates")
        .output_untouched();
}

#[test]
fn template_syntax_error_names_template_file_and_line() {
    let site = Site::fixture("basic");
    site.build().success();
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{% if %}\n{% endblock content %}\n",
    );
    site.build()
        .fails_pointing_at("templates/404.html", 3, "{% if %}")
        .stderr_contains("template syntax error");
}

#[test]
fn template_rendering_error_names_template_file_and_line() {
    let site = Site::fixture("basic");
    site.build().success();
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ page.nope.deeper }}</p>\n{% endblock content %}\n",
    );
    site.build()
        .fails_pointing_at("templates/404.html", 3, "<p>{{ page.nope.deeper }}</p>");
}

#[test]
fn endless_template_loop_is_stopped_with_an_error_naming_the_template() {
    let site = Site::fixture("basic");
    site.build().success();
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block content %}{% for i in range(end=100000) %}{% for j in range(end=100000) %}{{ i }}{% endfor %}{% endfor %}{% endblock content %}\n",
    );
    site.build()
        .failure(1)
        .stderr_contains("template `404.html` did not finish")
        .stderr_contains("templates/404.html")
        .output_untouched();
}

#[test]
fn recursive_component_is_an_error_not_a_crash() {
    let site = Site::fixture("basic");
    site.build().success();
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% component boom(n) %}{{ <boom n={n} /> }}{% endcomponent boom %}\n{% block content %}{{ <boom n={1} /> }}{% endblock content %}\n",
    );
    site.build()
        .failure(1)
        .stderr_contains("recursion depth")
        .stderr_contains("templates/404.html")
        .output_untouched();
}

// --- Config ----------------------------------------------------------------------------

#[test]
fn unknown_config_key_suggests_the_nearest_known_key() {
    let site = Site::fixture("basic");
    site.build().success();
    site.edit("config.toml", |c| format!("descripton = \"typo\"\n{c}"));
    site.build()
        .fails_pointing_at("config.toml", 1, "descripton = \"typo\"")
        .stderr_contains("unknown config key `descripton`")
        .stderr_contains("did you mean `description`?");
}

#[test]

fn relative_base_url_flag_is_rejected() {
    let site = Site::fixture("basic");
    site.build().success();
    let out = site.build_with(&["--base-url", "/sub/"]);
    assert_ne!(
        out.code,
        Some(0),
        "a relative --base-url was accepted\n{}",
        out.stdout
    );
    out.stderr_contains("absolute").output_untouched();
}

// --- Commands ----------------------------------------------------------------------------

#[test]
fn related_for_an_unknown_slug_suggests_the_nearest() {
    let site = Site::fixture("basic");
    site.related("retry-budget")
        .failure(1)
        .stderr_contains("did you mean `retry-budgets`?");
}
