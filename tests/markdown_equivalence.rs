//! folio's markdown additions (heading ids and anchors, highlighting, link rewriting) must
//! not change anything else: every CommonMark spec example renders through folio exactly as
//! through pulldown-cmark alone with the same options, once folio's own additions are taken
//! out of the comparison and the URLs folio refuses as unsafe are refused on both sides.

use std::path::Path;
use std::sync::Arc;

use folio::config::MarkdownConfig;
use folio::key::{Key, Keyed};
use folio::markdown::sanitize::{UrlUse, is_safe_url};
use folio::markdown::{self, Body, LinkTarget};
use pulldown_cmark::{Event, Parser, Tag, html};
use serde::Deserialize;

#[derive(Deserialize)]
struct Example {
    number: usize,
    markdown: String,
}

fn examples() -> Vec<Example> {
    let text = include_str!("data/commonmark-spec-0.31.2.json");
    let mut examples: Vec<Example> = serde_json::from_str(text).expect("spec data parses");
    // The spec writes tabs as `→`.
    for e in &mut examples {
        e.markdown = e.markdown.replace('→', "\t");
    }
    examples
}

fn pulldown_alone(md: &str, config: &MarkdownConfig) -> String {
    let mut out = String::new();
    html::push_html(
        &mut out,
        Parser::new_ext(md, markdown::parser_options(config)).map(without_unsafe_urls),
    );
    out
}

/// What folio refuses on purpose (`markdown::sanitize`), taken out of pulldown-cmark's
/// events the same way: a link to a scheme outside the allowlist keeps its text in an `<a>`
/// without `href`, an image gets an empty `src`. In the spec only autolinks with made-up
/// schemes meet it (`<a+b+c:d>`, `<made-up-scheme://foo,bar>`, `<localhost:5001/foo>`).
fn without_unsafe_urls(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Start(Tag::Link { dest_url, .. }) if !is_safe_url(&dest_url, UrlUse::Link) => {
            Event::Html("<a>".into())
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if !is_safe_url(&dest_url, UrlUse::Image) => Event::Start(Tag::Image {
            link_type,
            dest_url: "".into(),
            title,
            id,
        }),
        other => other,
    }
}

/// Rendered by folio as in a site with no other articles: links to `.md` files stay as
/// written, as they were before the site was known.
fn through_folio(md: &str, config: &MarkdownConfig) -> String {
    let mut rendered = markdown::render(
        md,
        Path::new("content/articles/x.md"),
        &[],
        config,
        &Default::default(),
        &markdown::components::Plain,
    );
    // Raw HTML as written: cleaning it is a step of its own (markdown/raw_html.rs, tested
    // there and in tests/untrusted_content.rs), which the spec does not know.
    rendered.raw_html = false;
    let targets: Vec<LinkTarget> = rendered
        .links
        .iter()
        .map(|l| LinkTarget::Href(l.written.clone()))
        .collect();
    let body = Body::fill(Arc::new(Keyed::new(Key::default(), rendered)), &targets);
    body.html().to_string()
}

/// Remove what folio adds on purpose to headings: the `id` attribute and the anchor link.
fn without_heading_additions(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<h") {
        let (before, tag) = rest.split_at(i);
        out.push_str(before);
        let is_heading = tag
            .as_bytes()
            .get(2)
            .is_some_and(|b| (b'1'..=b'6').contains(b));
        if is_heading && tag[3..].starts_with(" id=\"") {
            let end = tag[8..].find('"').map_or(0, |e| 8 + e + 1);
            out.push_str(&tag[..3]);
            rest = &tag[end..];
        } else {
            out.push_str(&tag[..2]);
            rest = &tag[2..];
        }
    }
    out.push_str(rest);
    let mut cleaned = String::new();
    let mut rest = out.as_str();
    while let Some(i) = rest.find("<a class=\"anchor\"") {
        cleaned.push_str(&rest[..i]);
        let end = rest[i..].find("</a>").map_or(rest.len(), |e| i + e + 4);
        rest = &rest[end..];
    }
    cleaned.push_str(rest);
    cleaned
}

fn has_fenced_code(md: &str) -> bool {
    let mut parser = Parser::new(md);
    parser.any(|e| {
        matches!(
            e,
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::CodeBlock(
                pulldown_cmark::CodeBlockKind::Fenced(_)
            ))
        )
    })
}

fn compare_all(config: &MarkdownConfig) -> (usize, usize) {
    let (mut compared, mut skipped) = (0, 0);
    for e in examples() {
        if has_fenced_code(&e.markdown) {
            skipped += 1;
            continue;
        }
        let expected = pulldown_alone(&e.markdown, config);
        let actual = without_heading_additions(&through_folio(&e.markdown, config));
        assert_eq!(
            actual, expected,
            "spec example {} differs:\n{}",
            e.number, e.markdown
        );
        compared += 1;
    }
    (compared, skipped)
}

/// The spec's raw HTML examples are compared as HTML: `raw_html` on.
fn with_raw_html() -> MarkdownConfig {
    MarkdownConfig {
        raw_html: true,
        ..MarkdownConfig::default()
    }
}

#[test]
fn spec_examples_render_as_pulldown_cmark_alone() {
    let (compared, skipped) = compare_all(&with_raw_html());
    assert!(compared > 500, "only {compared} examples compared");
    assert!(skipped < 150, "{skipped} examples skipped");
}

#[test]
fn spec_examples_match_with_every_option_flipped() {
    let config = MarkdownConfig {
        smart_punctuation: false,
        external_links_new_tab: false,
        highlight_code: false,
        ..with_raw_html()
    };
    compare_all(&config);
}

#[test]
fn all_spec_examples_in_one_document_match() {
    let config = with_raw_html();
    let doc: String = examples()
        .into_iter()
        .filter(|e| !has_fenced_code(&e.markdown))
        .map(|e| e.markdown + "\n\n")
        .collect();
    let expected = pulldown_alone(&doc, &config);
    assert_eq!(
        without_heading_additions(&through_folio(&doc, &config)),
        expected
    );
}

#[test]
fn only_autolinks_with_made_up_schemes_are_refused_in_the_spec() {
    let mut refused: Vec<usize> = examples()
        .into_iter()
        .filter(|e| {
            Parser::new(&e.markdown).any(|ev| match ev {
                Event::Start(Tag::Link { dest_url, .. }) => !is_safe_url(&dest_url, UrlUse::Link),
                Event::Start(Tag::Image { dest_url, .. }) => !is_safe_url(&dest_url, UrlUse::Image),
                _ => false,
            })
        })
        .map(|e| e.number)
        .collect();
    refused.sort();
    assert_eq!(
        refused,
        [598, 599, 601],
        "spec examples whose URL folio refuses"
    );
}

#[test]
fn normaliser_really_removes_only_heading_additions() {
    let config = with_raw_html();
    let ours = through_folio("## Setup\n\ntext <h2>raw</h2>\n", &config);
    assert!(ours.contains("id=\"setup\""), "{ours}");
    assert_eq!(
        without_heading_additions(&ours),
        pulldown_alone("## Setup\n\ntext <h2>raw</h2>\n", &config)
    );
}
