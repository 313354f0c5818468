//! What templates see: the serializable structs that are the contract with theme authors.
//! Every field here is documented in docs/themes.md, and a test keeps the two in step.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::brand::{AuthorLink, BrandContext};
mod publishing;
pub use publishing::*;

use crate::config::{Cta, Office, Service};
use crate::markdown::headings::TocEntry;

/// `site`: the configuration, as templates need it.
#[derive(Debug, Clone, Serialize)]
pub struct SiteContext<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub authors: Vec<AuthorContext>,
    pub services: &'a [Service],
    pub offices: &'a [Office],
    pub cta: Option<&'a Cta>,
    /// `[brand]`: logo and favicon URLs, font, the accent's shades.
    pub brand: &'a BrandContext,
    /// URL of the `/search/` page, when the site has one.
    pub search_url: Option<&'a str>,
    pub extra: &'a BTreeMap<String, toml::Value>,
}

/// `page`: what every page says about itself (for the head).
#[derive(Debug, Clone, Hash, Serialize)]
pub struct PageContext {
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub url: String,
    pub permalink: String,
    /// The canonical URL: `permalink`, or an article's `canonical:` when it was published
    /// elsewhere first.
    pub canonical: String,
    /// The feeds of this page (the site's, and a tag's or an author's own).
    pub feeds: Vec<FeedLink>,
}

/// An author, wherever one appears.
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct AuthorContext {
    pub id: String,
    pub name: String,
    pub role: String,
    pub bio: Option<String>,
    pub url: String,
    pub permalink: String,
    pub article_count: usize,
    /// URL of the author's photo, or none.
    pub photo: Option<String>,
    /// The author elsewhere (website, LinkedIn, GitHub, Mastodon), in that order.
    pub links: Vec<AuthorLink>,
}

/// A tag, wherever one appears.
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct TagContext {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub count: usize,
}

/// An article in a list (index, author and tag pages).
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct ArticleSummary {
    pub title: String,
    pub slug: String,
    pub url: String,
    pub permalink: String,
    pub date: String,
    pub date_display: String,
    pub updated: Option<String>,
    pub updated_display: Option<String>,
    /// The first of `authors`.
    pub author: AuthorContext,
    /// Every author, in the order the front matter names them.
    pub authors: Vec<AuthorContext>,
    pub summary: String,
    pub tags: Vec<TagContext>,
    pub reading_time: usize,
    pub series: Option<SeriesRef>,
    /// `canonical:` from the front matter: where the article was published first.
    pub canonical: Option<String>,
    pub originally_published: Option<FirstPublished>,
    /// The picture a shared link shows (`og:image`); none when there is none.
    pub image: Option<SocialImage>,
}

/// `article.image`: the article's social card, or the `image:` of its front matter.
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct SocialImage {
    /// Site-relative URL (absolute when `image:` is an outside URL).
    pub url: String,
    /// Absolute URL, for `og:image` and `twitter:image`.
    pub permalink: String,
    /// Size in pixels, when known.
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// `article` on an article page: the summary fields plus the body and its extras.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleContext<'a> {
    #[serde(flatten)]
    pub summary: &'a ArticleSummary,
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    pub word_count: usize,
    pub more: Vec<MoreEntry>,
    pub extra: Option<&'a serde_json::Value>,
    /// JSON-LD `BlogPosting`, ready for a `<script type="application/ld+json">`.
    pub json_ld: String,
    pub series_nav: Option<&'a SeriesNav>,
    /// The body has a video embed (the page needs `js/embed.js`).
    pub has_embed: bool,
}

/// An entry of "More articles".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MoreEntry {
    pub title: String,
    pub url: String,
    pub summary: String,
    pub external: bool,
}

/// `search` on the search page.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct SearchContext {
    /// URL of the folder of the search index files, e.g. `/blog/search-index/`.
    pub index_url: String,
}

/// `paginator` on index and tag pages.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Paginator {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageLink>,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// Pages were left out between the previous link and this one.
    pub gap: bool,
}

/// Pages listed on each side of the current one (besides the first and the last): listing
/// all of them would make 1,000 index pages of 1,000 links each.
const PAGE_WINDOW: usize = 2;

impl Paginator {
    /// Page `current` of `total`; page 1 lives at `first_url`, page N at `first_url/page/N/`.
    pub fn new(first_url: &str, current: usize, total: usize) -> Paginator {
        let url = |n: usize| page_url(first_url, n);
        Paginator {
            current,
            total,
            prev: (current > 1).then(|| url(current - 1)),
            next: (current < total).then(|| url(current + 1)),
            pages: (1..=total)
                .filter(|&n| n == 1 || n == total || n.abs_diff(current) <= PAGE_WINDOW)
                .scan(0, |last, n| {
                    let gap = n > *last + 1 && *last > 0;
                    *last = n;
                    Some(PageLink {
                        number: n,
                        url: url(n),
                        current: n == current,
                        gap,
                    })
                })
                .collect(),
        }
    }
}

/// URL of page `n` of a paginated list whose first page is `first_url`.
pub fn page_url(first_url: &str, n: usize) -> String {
    if n == 1 {
        first_url.to_string()
    } else {
        format!("{first_url}page/{n}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paginator_links_neighbours() {
        let p = Paginator::new("/blog/", 2, 3);
        assert_eq!(p.prev.as_deref(), Some("/blog/"));
        assert_eq!(p.next.as_deref(), Some("/blog/page/3/"));
        assert!(p.pages[1].current);
        let many = Paginator::new("/", 50, 100);
        let numbers: Vec<usize> = many.pages.iter().map(|p| p.number).collect();
        assert_eq!(numbers, [1, 48, 49, 50, 51, 52, 100]);
        assert!(many.pages[1].gap && many.pages[6].gap && !many.pages[2].gap);
        let first = Paginator::new("/", 1, 1);
        assert!(first.prev.is_none() && first.next.is_none());
    }

    /// The theme guide documents every field templates get: compare it with what the
    /// structs actually serialize.
    #[test]
    fn theme_guide_documents_every_field() {
        let guide = include_str!("../../docs/themes.md");
        let summary = ArticleSummary {
            title: String::new(),
            slug: String::new(),
            url: String::new(),
            permalink: String::new(),
            date: String::new(),
            date_display: String::new(),
            updated: None,
            updated_display: None,
            author: AuthorContext {
                id: String::new(),
                name: String::new(),
                role: String::new(),
                bio: None,
                url: String::new(),
                permalink: String::new(),
                article_count: 0,
                photo: None,
                links: vec![],
            },
            authors: vec![],
            summary: String::new(),
            tags: vec![],
            reading_time: 0,
            image: None,
            series: None,
            canonical: None,
            originally_published: None,
        };
        let article = ArticleContext {
            summary: &summary,
            content: "",
            toc: &[],
            word_count: 0,
            more: vec![],
            extra: None,
            json_ld: String::new(),
            series_nav: None,
            has_embed: false,
        };
        let more = MoreEntry {
            title: String::new(),
            url: String::new(),
            summary: String::new(),
            external: false,
        };
        let page = PageContext {
            kind: "",
            title: String::new(),
            description: String::new(),
            url: String::new(),
            permalink: String::new(),
            canonical: String::new(),
            feeds: vec![],
        };
        let tag = TagContext {
            name: String::new(),
            slug: String::new(),
            url: String::new(),
            count: 0,
        };
        let image = SocialImage {
            url: String::new(),
            permalink: String::new(),
            width: None,
            height: None,
        };
        let brand = crate::brand::BrandContext {
            accent: Some(crate::brand::palette(crate::colour::WHITE)),
            ..Default::default()
        };
        let link = AuthorLink {
            kind: "github",
            label: "GitHub",
            url: String::new(),
        };
        let shades = serde_json::to_value(brand.accent.as_ref().unwrap().light.clone()).unwrap();
        let values = [
            serde_json::to_value(&image).unwrap(),
            serde_json::to_value(&article).unwrap(),
            serde_json::to_value(&summary.author).unwrap(),
            serde_json::to_value(&brand).unwrap(),
            serde_json::to_value(brand.accent.as_ref().unwrap()).unwrap(),
            shades,
            serde_json::to_value(&link).unwrap(),
            serde_json::to_value(&more).unwrap(),
            serde_json::to_value(&page).unwrap(),
            serde_json::to_value(&tag).unwrap(),
            serde_json::to_value(Paginator::new("/", 1, 1)).unwrap(),
            serde_json::to_value(SearchContext {
                index_url: String::new(),
            })
            .unwrap(),
        ];
        for value in values {
            for key in value.as_object().unwrap().keys() {
                assert!(
                    guide.contains(&format!("`{key}`")) || guide.contains(&format!(".{key}`")),
                    "docs/themes.md does not document `{key}`"
                );
            }
        }
    }
}
