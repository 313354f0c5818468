//! The breakages of docs/errors.md for issue #16's front-matter keys, config sections,
//! component templates and `check --previous`, by id (see `fixtures` for the site).

use super::fixtures::Edit::{self, *};
use super::fixtures::{A, B, C};

/// Rows run with `folio build`.
#[rustfmt::skip]
pub const BUILD: &[(&str, &[Edit])] = &[
    // Co-authors
    ("fm-author-and-authors", &[AddKey(A, "authors: [ana, ben]")]),
    ("fm-authors-empty", &[Replace(A, "author: ana", "authors: []")]),
    ("fm-authors-twice", &[Replace(A, "author: ana", "authors: [ana, ana]")]),
    ("fm-authors-type", &[Replace(A, "author: ana", "authors: ana")]),
    ("fm-coauthor-unknown", &[Replace(A, "author: ana", "authors: [ana, bob]")]),
    // Series
    ("fm-series-not-mapping", &[AddKey(A, "series: postgres")]),
    ("fm-series-no-part", &[AddKey(A, "series: {id: pg}")]),
    ("fm-series-part-zero", &[AddKey(A, "series: {id: pg, part: 0}")]),
    ("fm-series-unknown-key", &[AddKey(A, "series: {id: pg, prat: 1}")]),
    ("fm-series-bad-id", &[AddKey(A, "series: {id: Postgres Tips, part: 1}")]),
    ("fm-series-part-twice", &[AddKey(A, "series: {id: pg, part: 1}"), AddKey(B, "series: {id: pg, part: 1}")]),
    ("fm-series-part-missing", &[AddKey(A, "series: {id: pg, part: 1}"), AddKey(B, "series: {id: pg, part: 3}")]),
    ("fm-series-no-first-part", &[AddKey(A, "series: {id: pg, part: 2}")]),
    ("tpl-no-series-template", &[Remove("themes/default/templates/series.html"), AddKey(A, "series: {id: pg, part: 1}")]),
    // Aliases
    ("fm-alias-url", &[AddKey(A, "aliases: [https://example.com/old/]")]),
    ("fm-alias-climbs", &[AddKey(A, "aliases: [/a/../b/]")]),
    ("fm-alias-own-address", &[AddKey(A, "aliases: [alpha]")]),
    ("fm-alias-twice", &[AddKey(A, "aliases: [old]"), AddKey(B, "aliases: [old]")]),
    ("fm-alias-page", &[AddKey(A, "aliases: [/tags/]")]),
    ("fm-alias-article", &[AddKey(A, "aliases: [beta]")]),
    ("fm-alias-feed", &[AddKey(A, "aliases: [/atom.xml]")]),
    // Cross-posting
    ("fm-canonical-relative", &[AddKey(A, "canonical: /articles/alpha/")]),
    ("fm-canonical-script", &[AddKey(A, "canonical: javascript:alert(1)")]),
    ("fm-originally-published-text", &[AddKey(A, "originally_published: The Review")]),
    ("fm-originally-published-no-url", &[AddKey(A, "originally_published: {name: The Review}")]),
    ("fm-originally-published-bad-url", &[AddKey(A, "originally_published: {name: The Review, url: review.example/a}")]),
    ("fm-originally-published-unknown-key", &[AddKey(A, "originally_published: {name: The Review, link: https://review.example/a}")]),
    // Updated
    ("fm-updated-before-date", &[AddKey(A, "updated: 2025-01-01")]),
    // Config
    ("cfg-series-id", &[Append(C, "\n[series.\"Postgres Tips\"]\ntitle = \"Postgres tips\"\n")]),
    ("cfg-series-no-title", &[Append(C, "\n[series.pg]\ndescription = \"Tips\"\n")]),
    ("cfg-redirects-unknown-key", &[Append(C, "\n[redirects]\nnetlfy = true\n")]),
    // Component templates
    (
        "tpl-alert-no-content",
        &[Write("templates/markdown/alert.html", "<div class=\"callout\">{{ title }}</div>\n"),
          Append(A, "\n> [!NOTE]\n> Read this first.\n")],
    ),
    ("tpl-component-syntax-error", &[Write("templates/markdown/figure.html", "<figure>{{ oops</figure>\n")]),
    (
        "tpl-component-include",
        &[Write("templates/markdown/embed.html", "{% include \"partials/card.html\" %}\n"),
          Append(A, "\nhttps://youtu.be/dQw4w9WgXcQ\n")],
    ),
];

/// A sitemap published before: line 3 lists an article this site never had.
const PREVIOUS: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>
<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">
  <url><loc>https://example.com/articles/gamma/</loc></url>
  <url><loc>https://example.com/articles/alpha/</loc></url>
</urlset>
";

/// The same, as the index of a sitemap split in parts.
const PREVIOUS_INDEX: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>
<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">
  <sitemap><loc>https://example.com/sitemap-1.xml</loc></sitemap>
</sitemapindex>
";

const CHECK_PREVIOUS: &[&str] = &["check", "--root", "{root}", "--previous", "previous.xml"];

/// Rows run with these arguments, after these edits.
#[rustfmt::skip]
pub const COMMANDS: &[(&str, &[Edit], &[&str])] = &[
    ("chk-previous-gone", &[Write("previous.xml", PREVIOUS)], CHECK_PREVIOUS),
    (
        "chk-previous-index-gone",
        &[Write("previous.xml", PREVIOUS_INDEX), Write("sitemap-1.xml", PREVIOUS)],
        CHECK_PREVIOUS,
    ),
    ("chk-previous-missing", &[], &["check", "--root", "{root}", "--previous", "nothing.xml"]),
    ("chk-previous-not-sitemap", &[Write("previous.xml", "<html><body>Hi</body></html>\n")], CHECK_PREVIOUS),
    (
        "chk-previous-outside",
        &[Write("previous.xml", "<urlset>\n<url>\n<loc>https://example.com/x/</loc>\n</url>\n</urlset>\n")],
        &["check", "--root", "{root}", "--base-url", "https://example.com/blog/", "--previous", "previous.xml"],
    ),
];
