//! The machine-readable outputs: Atom feed, sitemap and robots.txt (each article's JSON-LD
//! is `json_ld`'s). Built from the same model as the pages; XML is written by quick-xml, so
//! escaping is never done by hand.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use std::collections::BTreeMap;
use std::sync::Arc;

use super::context::ArticleSummary;
use super::{Card, Globals, Page, PageData};
use crate::config::Config;
use crate::key::Keyed;
use crate::markdown::Body;

/// Which feed: the site's own, or a tag's or an author's.
#[derive(Debug, Clone, Hash)]
pub struct FeedInfo {
    pub title: String,
    pub subtitle: String,
    /// The feed's output path: `atom.xml`, `tags/<slug>/atom.xml`, …
    pub path: String,
    /// The absolute URL of the page the feed follows (the home page, the tag's page, …);
    /// also the feed's id.
    pub home: String,
}

impl FeedInfo {
    /// The site's feed, `/atom.xml`.
    pub fn site(config: &Config) -> FeedInfo {
        FeedInfo {
            title: config.title.clone(),
            subtitle: config.description.clone(),
            path: "atom.xml".into(),
            home: config.base_url.clone(),
        }
    }
}

/// Atom (RFC 4287) feed of `entries` (the newest `feed.limit` articles, each with its body
/// when `feed.full_content` is set).
pub fn atom(
    globals: &Globals,
    info: &FeedInfo,
    entries: &[(&Card, Option<&Body>)],
) -> io::Result<Vec<u8>> {
    let c = &globals.config;
    // The feed changes when its newest entry does; never the clock, so builds are repeatable.
    let updated = entries
        .iter()
        .map(|(card, _)| card.changed.as_str())
        .max()
        .unwrap_or("1970-01-01T00:00:00Z");
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.create_element("feed")
        .with_attributes([
            ("xmlns", "http://www.w3.org/2005/Atom"),
            ("xml:base", c.base_url.as_str()),
            ("xml:lang", c.language.as_str()),
        ])
        .write_inner_content(|w| {
            text(w, "title", &info.title)?;
            if !info.subtitle.is_empty() {
                text(w, "subtitle", &info.subtitle)?;
            }
            w.create_element("link")
                .with_attributes([
                    ("rel", "self"),
                    ("type", "application/atom+xml"),
                    ("href", format!("{}{}", c.base_url, info.path).as_str()),
                ])
                .write_empty()?;
            w.create_element("link")
                .with_attributes([
                    ("rel", "alternate"),
                    ("type", "text/html"),
                    ("href", info.home.as_str()),
                ])
                .write_empty()?;
            text(w, "id", &info.home)?;
            text(w, "updated", updated)?;
            w.create_element("generator")
                .write_text_content(BytesText::new("folio"))?;
            for (card, body) in entries {
                entry(w, card, *body)?;
            }
            Ok(())
        })?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

fn entry(w: &mut Writer<Vec<u8>>, card: &Card, body: Option<&Body>) -> io::Result<()> {
    let s = &card.summary;
    // Relative links in the body (images, `#anchors`) resolve against the article's own URL.
    w.create_element("entry")
        .with_attribute(("xml:base", s.permalink.as_str()))
        .write_inner_content(|w| {
            text(w, "title", &s.title)?;
            w.create_element("link")
                .with_attributes([
                    ("rel", "alternate"),
                    ("type", "text/html"),
                    ("href", s.permalink.as_str()),
                ])
                .write_empty()?;
            text(w, "id", &s.permalink)?;
            text(w, "published", &card.published)?;
            text(w, "updated", &card.changed)?;
            for author in &s.authors {
                w.create_element("author").write_inner_content(|w| {
                    text(w, "name", &author.name)?;
                    text(w, "uri", &author.permalink)?;
                    Ok(())
                })?;
            }
            for tag in &s.tags {
                w.create_element("category")
                    .with_attributes([
                        ("term", tag.slug.as_str()),
                        ("label", &xml_chars(&tag.name)),
                    ])
                    .write_empty()?;
            }
            text(w, "summary", &s.summary)?;
            if let Some(body) = body {
                w.create_element("content")
                    .with_attribute(("type", "html"))
                    .write_text_content(BytesText::new(&xml_chars(&body.html())))?;
            }
            Ok(())
        })?;
    Ok(())
}

fn text(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_chars(value)))?;
    Ok(())
}

/// `text` without the characters XML 1.0 forbids (control characters other than tab and
/// line breaks), which no escaping can carry and which would make the feed unreadable.
pub fn xml_chars(text: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| {
        (!c.is_control() || matches!(c, '\t' | '\n' | '\r'))
            && !matches!(c, '\u{fffe}' | '\u{ffff}')
    };
    if text.chars().all(allowed) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().filter(|&c| allowed(c)).collect())
    }
}

/// Most URLs one sitemap file may list (sitemaps.org); a larger site gets an index.
pub const SITEMAP_LIMIT: usize = 50_000;

/// A page's address and the day it last changed.
type SitemapUrl = (String, Option<String>);

/// The sitemap files of a site with `urls` addresses: `sitemap.xml` alone, or above
/// `SITEMAP_LIMIT` an index `sitemap.xml` and `sitemap-1.xml`, `sitemap-2.xml`, ...
pub fn sitemap_paths(urls: usize) -> Vec<String> {
    let mut paths = vec!["sitemap.xml".to_string()];
    if urls > SITEMAP_LIMIT {
        paths.extend((1..=urls.div_ceil(SITEMAP_LIMIT)).map(|n| format!("sitemap-{n}.xml")));
    }
    paths
}

/// The sitemap files (`sitemap_paths`): every page (`pages`, but the 404 page) with the date
/// it last changed, from the `cards` of the articles it shows.
pub fn sitemaps(
    globals: &Globals,
    pages: &[Page],
    cards: &[Arc<Keyed<Card>>],
) -> io::Result<Vec<(String, Vec<u8>)>> {
    let base = &globals.config.base_url;
    // A list page changes when any article it lists does.
    let newest = cards.iter().map(|c| last_day(&c.summary)).max();
    let mut tag_days: BTreeMap<&str, &str> = BTreeMap::new();
    for card in cards {
        let day = last_day(&card.summary);
        for tag in &card.summary.tags {
            let latest = tag_days.entry(tag.slug.as_str()).or_insert(day);
            *latest = (*latest).max(day);
        }
    }
    let mut urls: Vec<SitemapUrl> = Vec::new();
    for page in pages {
        if matches!(page.data, PageData::NotFound | PageData::Search { .. }) {
            continue;
        }
        let loc = format!("{base}{}", page.path.trim_end_matches("index.html"));
        let lastmod = match &page.data {
            // Published elsewhere first: that page is the one to index.
            PageData::Article { card, .. } if card.summary.canonical.is_some() => continue,
            PageData::Article { card, .. } => Some(last_day(&card.summary)),
            PageData::Author { articles, .. } | PageData::Series { articles, .. } => {
                articles.iter().map(|c| last_day(&c.summary)).max()
            }
            PageData::Tag { tag, .. } => tag_days.get(tag.slug.as_str()).copied(),
            _ => newest,
        };
        urls.push((loc, lastmod.map(str::to_string)));
    }
    sitemap_files(base, &urls, SITEMAP_LIMIT)
}

/// The day an article last changed: `updated`, else `date` (`YYYY-MM-DD`).
fn last_day(s: &ArticleSummary) -> &str {
    s.updated.as_deref().unwrap_or(&s.date)
}

/// The sitemap files for `urls`: one `sitemap.xml` when they fit in `limit`, else an index
/// and as many files of at most `limit` URLs as it takes.
fn sitemap_files(
    base: &str,
    urls: &[SitemapUrl],
    limit: usize,
) -> io::Result<Vec<(String, Vec<u8>)>> {
    if urls.len() <= limit {
        return Ok(vec![("sitemap.xml".into(), urlset(urls)?)]);
    }
    let mut files = Vec::new();
    let mut parts: Vec<SitemapUrl> = Vec::new();
    for (n, chunk) in urls.chunks(limit.max(1)).enumerate() {
        let name = format!("sitemap-{}.xml", n + 1);
        let lastmod = chunk.iter().filter_map(|(_, l)| l.clone()).max();
        parts.push((format!("{base}{name}"), lastmod));
        files.push((name, urlset(chunk)?));
    }
    let index = xml_document("sitemapindex", &parts, "sitemap")?;
    files.insert(0, ("sitemap.xml".into(), index));
    Ok(files)
}

fn urlset(urls: &[SitemapUrl]) -> io::Result<Vec<u8>> {
    xml_document("urlset", urls, "url")
}

/// A sitemaps.org document: `root` holding one `item` (`loc`, `lastmod`) per entry.
fn xml_document(root: &str, entries: &[SitemapUrl], item: &str) -> io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.create_element(root)
        .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
        .write_inner_content(|w| {
            for (loc, lastmod) in entries {
                w.create_element(item).write_inner_content(|w| {
                    text(w, "loc", loc)?;
                    if let Some(l) = lastmod {
                        text(w, "lastmod", l)?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

/// `robots.txt`: everything may be crawled; the sitemap is announced.
pub fn robots(globals: &Globals) -> Vec<u8> {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        globals.config.base_url
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(n: usize) -> Vec<SitemapUrl> {
        (0..n)
            .map(|i| {
                let day = format!("2025-01-{:02}", i % 28 + 1);
                (format!("https://x.com/blog/p{i}/"), Some(day))
            })
            .collect()
    }

    fn locs(xml: &[u8], root: &str) -> Vec<String> {
        let text = std::str::from_utf8(xml).unwrap();
        let doc = roxmltree::Document::parse(text).unwrap();
        assert_eq!(doc.root_element().tag_name().name(), root);
        assert_eq!(
            doc.root_element().tag_name().namespace(),
            Some("http://www.sitemaps.org/schemas/sitemap/0.9")
        );
        doc.descendants()
            .filter(|n| n.has_tag_name("loc"))
            .filter_map(|n| n.text().map(str::to_string))
            .collect()
    }

    #[test]
    fn a_site_within_the_limit_has_one_sitemap() {
        let files = sitemap_files("https://x.com/blog/", &urls(3), 3).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].0, "sitemap.xml");
        assert_eq!(locs(&files[0].1, "urlset").len(), 3);
    }

    #[test]
    fn a_site_over_the_limit_gets_a_sitemap_index() {
        let all = urls(7);
        let files = sitemap_files("https://x.com/blog/", &all, 3).unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap.xml",
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml"
            ]
        );
        assert_eq!(
            locs(&files[0].1, "sitemapindex"),
            [
                "https://x.com/blog/sitemap-1.xml",
                "https://x.com/blog/sitemap-2.xml",
                "https://x.com/blog/sitemap-3.xml"
            ]
        );
        let listed: Vec<String> = files[1..]
            .iter()
            .flat_map(|(_, xml)| {
                let l = locs(xml, "urlset");
                assert!(l.len() <= 3);
                l
            })
            .collect();
        let expected: Vec<String> = all.into_iter().map(|(loc, _)| loc).collect();
        assert_eq!(listed, expected, "every page once, in order");
    }

    #[test]
    fn characters_xml_forbids_are_left_out() {
        assert_eq!(xml_chars("a\u{1}b\u{1b}c\td"), "abc\td");
        assert_eq!(xml_chars("\u{fffe}ok"), "ok");
    }
}
