//! The machine-readable outputs: Atom feed, sitemap, robots.txt, the search index and each
//! article's JSON-LD. Built from the same model as the pages; XML is written by quick-xml,
//! JSON by serde_json, so escaping is never done by hand.

use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde::Serialize;

use super::Model;
use super::context::ArticleSummary;

/// Atom (RFC 4287) feed of the newest `feed.limit` articles.
pub fn atom(model: &Model) -> io::Result<Vec<u8>> {
    let site = model.site;
    let c = &site.config;
    let limit = c.feed.limit;
    let entries: Vec<usize> = (0..site.articles.len()).take(limit).collect();
    // The feed changes when its newest entry does; never the clock, so builds are repeatable.
    let updated = entries
        .iter()
        .map(|&i| last_change(model, i))
        .max()
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.create_element("feed")
        .with_attributes([
            ("xmlns", "http://www.w3.org/2005/Atom"),
            ("xml:base", c.base_url.as_str()),
            ("xml:lang", c.language.as_str()),
        ])
        .write_inner_content(|w| {
            text(w, "title", &c.title)?;
            if !c.description.is_empty() {
                text(w, "subtitle", &c.description)?;
            }
            w.create_element("link")
                .with_attributes([
                    ("rel", "self"),
                    ("type", "application/atom+xml"),
                    ("href", format!("{}atom.xml", c.base_url).as_str()),
                ])
                .write_empty()?;
            w.create_element("link")
                .with_attributes([
                    ("rel", "alternate"),
                    ("type", "text/html"),
                    ("href", c.base_url.as_str()),
                ])
                .write_empty()?;
            text(w, "id", &c.base_url)?;
            text(w, "updated", &updated)?;
            w.create_element("generator")
                .write_text_content(BytesText::new("folio"))?;
            for &i in &entries {
                entry(w, model, i)?;
            }
            Ok(())
        })?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

fn entry(w: &mut Writer<Vec<u8>>, model: &Model, i: usize) -> io::Result<()> {
    let s = model.summary(i);
    let full = model.site.config.feed.full_content;
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
            text(
                w,
                "published",
                &model.site.articles[i].source.front_matter.date.rfc3339(),
            )?;
            text(w, "updated", &last_change(model, i))?;
            w.create_element("author").write_inner_content(|w| {
                text(w, "name", &s.author.name)?;
                text(w, "uri", &s.author.permalink)?;
                Ok(())
            })?;
            for tag in &s.tags {
                w.create_element("category")
                    .with_attributes([("term", tag.slug.as_str()), ("label", tag.name.as_str())])
                    .write_empty()?;
            }
            text(w, "summary", &s.summary)?;
            if full {
                w.create_element("content")
                    .with_attribute(("type", "html"))
                    .write_text_content(BytesText::new(&xml_chars(&model.bodies[i].html)))?;
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
fn xml_chars(text: &str) -> std::borrow::Cow<'_, str> {
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

/// RFC 3339 time of the article's last change: `updated`, else `date`.
fn last_change(model: &Model, i: usize) -> String {
    let fm = &model.site.articles[i].source.front_matter;
    fm.updated.unwrap_or(fm.date).rfc3339()
}

/// `sitemap.xml`: every page with the date it last changed.
pub fn sitemap(model: &Model) -> io::Result<Vec<u8>> {
    let base = &model.site.config.base_url;
    // A list page changes when any article it lists does.
    let latest = |articles: &mut dyn Iterator<Item = usize>| {
        articles.map(|i| day_of_last_change(model, i)).max()
    };
    let newest = latest(&mut (0..model.site.articles.len()));
    let mut urls: Vec<(String, Option<String>)> = Vec::new();
    for job in model.jobs() {
        let path = model.output_path(&job);
        if path == "404.html" {
            continue;
        }
        let loc = format!("{base}{}", path.trim_end_matches("index.html"));
        let lastmod = match job {
            super::PageJob::Article(i) => Some(day_of_last_change(model, i)),
            super::PageJob::Author(ref id) => latest(
                &mut (0..model.site.articles.len())
                    .filter(|&i| model.site.articles[i].author.as_str() == id),
            ),
            super::PageJob::Tag(ref slug, _) => match model.site.tags.get(slug.as_str()) {
                Some(tag) => latest(&mut tag.articles.iter().copied()),
                None => None,
            },
            _ => newest.clone(),
        };
        urls.push((loc, lastmod));
    }
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.create_element("urlset")
        .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
        .write_inner_content(|w| {
            for (loc, lastmod) in &urls {
                w.create_element("url").write_inner_content(|w| {
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

fn day_of_last_change(model: &Model, i: usize) -> String {
    let fm = &model.site.articles[i].source.front_matter;
    fm.updated.unwrap_or(fm.date).iso_day()
}

/// `robots.txt`: everything may be crawled; the sitemap is announced.
pub fn robots(model: &Model) -> Vec<u8> {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        model.site.config.base_url
    )
    .into_bytes()
}

#[derive(Serialize)]
struct SearchEntry<'a> {
    title: &'a str,
    url: &'a str,
    summary: &'a str,
    tags: Vec<&'a str>,
    date: &'a str,
}

/// `search.json`: what the search box filters, one entry per article.
pub fn search_index(model: &Model) -> serde_json::Result<Vec<u8>> {
    let entries: Vec<SearchEntry> = (0..model.site.articles.len())
        .map(|i| {
            let s = model.summary(i);
            SearchEntry {
                title: &s.title,
                url: &s.url,
                summary: &s.summary,
                tags: s.tags.iter().map(|t| t.name.as_str()).collect(),
                date: &s.date,
            }
        })
        .collect();
    let mut out = serde_json::to_vec(&entries)?;
    out.write_all(b"\n").ok();
    Ok(out)
}

/// JSON-LD `BlogPosting` for an article page, safe to put inside a `<script>` element.
pub fn json_ld(model: &Model, s: &ArticleSummary) -> String {
    let c = &model.site.config;
    let mut author = serde_json::json!({
        "@type": "Person",
        "name": s.author.name,
        "jobTitle": s.author.role,
        "url": s.author.permalink,
    });
    let same_as: Vec<&str> = s.author.links.iter().map(|l| l.url.as_str()).collect();
    if !same_as.is_empty() {
        author["sameAs"] = serde_json::json!(same_as);
    }
    if let Some(photo) = crate::brand::photo_path(c, &s.author.id) {
        author["image"] = serde_json::json!(format!("{}{photo}", c.base_url));
    }
    let value = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": s.title,
        "description": s.summary,
        "url": s.permalink,
        "mainEntityOfPage": s.permalink,
        "datePublished": s.date,
        "dateModified": s.updated.as_deref().unwrap_or(&s.date),
        "keywords": s.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        "inLanguage": c.language,
        "author": author,
        "publisher": {
            "@type": "Organization",
            "name": c.title,
            "url": c.base_url,
        },
    });
    // `</script>` inside a string would end the element early; `<\/` means the same in JSON.
    // Inside <script>, `</script>` or `<!--` would end or derail the element: JSON may write
    // `<`, `>` and `&` as escapes that mean the same.
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}
