//! The feeds a page announces in its head (`page.feeds`): the site's Atom and JSON feeds on
//! every page, and a tag's or an author's own Atom feed on their pages.

use super::Globals;
use super::context::FeedLink;

pub const ATOM: &str = "application/atom+xml";
pub const JSON_FEED: &str = "application/feed+json";

/// The site's feeds: `/atom.xml` and `/feed.json`.
pub fn site(globals: &Globals) -> Vec<FeedLink> {
    let (title, base) = (&globals.config.title, &globals.base_path);
    vec![
        FeedLink {
            title: title.clone(),
            url: format!("{base}atom.xml"),
            media_type: ATOM,
        },
        FeedLink {
            title: format!("{title} (JSON Feed)"),
            url: format!("{base}feed.json"),
            media_type: JSON_FEED,
        },
    ]
}

/// The Atom feed beside the page at `page_url` (a tag's or an author's page).
pub fn atom(title: String, page_url: &str) -> FeedLink {
    FeedLink {
        title,
        url: format!("{page_url}atom.xml"),
        media_type: ATOM,
    }
}
