//! JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>) at `/feed.json`: the same articles as
//! the Atom feed, for readers that prefer JSON. Written by serde_json, so escaping is never
//! done by hand.

use serde::Serialize;

use super::{Card, Globals};
use crate::markdown::Body;

/// The version URL every JSON Feed 1.1 document starts with.
pub const VERSION: &str = "https://jsonfeed.org/version/1.1";

#[derive(Serialize)]
struct Feed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    language: &'a str,
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    id: &'a str,
    url: &'a str,
    /// Where a cross-posted article was published first.
    #[serde(skip_serializing_if = "Option::is_none")]
    external_url: Option<&'a str>,
    title: &'a str,
    /// The whole article (`feed.full_content`); relative links resolve against `url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<String>,
    /// The summary, when the feed carries no whole articles.
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<&'a str>,
    summary: &'a str,
    date_published: &'a str,
    date_modified: &'a str,
    authors: Vec<Person<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
}

#[derive(Serialize)]
struct Person<'a> {
    name: &'a str,
    url: &'a str,
}

/// `/feed.json` of `entries` (the newest `feed.limit` articles, each with its body when
/// `feed.full_content` is set).
pub fn json_feed(
    globals: &Globals,
    entries: &[(&Card, Option<&Body>)],
) -> serde_json::Result<Vec<u8>> {
    let c = &globals.config;
    let items = entries
        .iter()
        .map(|(card, body)| {
            let s = &card.summary;
            Item {
                id: &s.permalink,
                url: &s.permalink,
                external_url: s.canonical.as_deref(),
                title: &s.title,
                content_html: body.map(|b| b.html().into_owned()),
                content_text: body.is_none().then_some(s.summary.as_str()),
                summary: &s.summary,
                date_published: &card.published,
                date_modified: &card.changed,
                authors: s
                    .authors
                    .iter()
                    .map(|a| Person {
                        name: &a.name,
                        url: &a.permalink,
                    })
                    .collect(),
                tags: s.tags.iter().map(|t| t.name.as_str()).collect(),
            }
        })
        .collect();
    let feed = Feed {
        version: VERSION,
        title: &c.title,
        home_page_url: &c.base_url,
        feed_url: format!("{}feed.json", c.base_url),
        description: &c.description,
        language: &c.language,
        items,
    };
    let mut out = serde_json::to_vec_pretty(&feed)?;
    out.push(b'\n');
    Ok(out)
}
