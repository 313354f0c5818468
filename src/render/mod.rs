//! Model → pages. `Model::pages` says what every page of the site shows, as a `Page` made of
//! already-keyed parts (cards, bodies, the shared globals); `render_page` turns one `Page`
//! into HTML through the theme, reading nothing but that `Page`. So a page's key, the hash
//! of its `Page`, covers everything the page is made from. Pure: no disk access.

mod alternates;
pub mod builtin;
pub mod components;
pub mod context;
mod deadline;
pub mod feeds;
pub mod json_feed;
pub mod json_ld;
mod listing;
pub mod redirects;
pub mod series;
mod template_errors;
pub mod theme;
mod unclosed;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use tera::Context;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::engine::model::{RelatedRef, Site, Tag};
use crate::engine::rank::Pick;
use crate::key::{Key, Keyed};
use crate::markdown::Body;
use context::*;
use listing::{Listing, page_count, page_slice, paged_file};
pub use series::series_ref;
pub use theme::Theme;

/// The template of the search page: a theme without it builds without that page.
pub const SEARCH_TEMPLATE: &str = "search.html";

/// What every page shares: the config and the `site` and `assets` variables, serialized once.
pub struct Globals {
    pub config: Arc<Config>,
    /// The path part of `base_url`: `/` or e.g. `/blog/`.
    pub base_path: String,
    /// Every author, by id.
    pub authors: BTreeMap<String, AuthorContext>,
    /// URL of the search page, when the site has one (`site.search_url`).
    pub search_url: Option<String>,
    site_value: tera::Value,
    assets_value: tera::Value,
}

impl Globals {
    /// The globals, keyed by what they are made from: the config (by `config_key`), the
    /// authors, the static files' URLs and whether the theme has a search page
    /// (`search_template`; there is one when `[search]` is on too).
    pub fn new(
        config: Arc<Config>,
        config_key: Key,
        authors: BTreeMap<String, AuthorContext>,
        assets: &BTreeMap<String, String>,
        search_template: bool,
    ) -> Keyed<Globals> {
        let base_path = config.base_path();
        let search_url =
            (search_template && config.search.enabled).then(|| format!("{base_path}search/"));
        let key = Key::of("globals", &(config_key, &authors, assets, &search_url));
        let c = &config;
        let site = SiteContext {
            title: &c.title,
            description: &c.description,
            language: &c.language,
            base_url: &c.base_url,
            base_path: &base_path,
            authors: authors.values().cloned().collect(),
            services: &c.services,
            offices: &c.offices,
            cta: c.cta.as_ref(),
            brand: &crate::brand::context(c, assets),
            search_url: search_url.as_deref(),
            extra: &c.extra,
        };
        let site_value = tera::Value::from_serializable(&site);
        let assets_value = tera::Value::from_serializable(assets);
        Keyed::new(
            key,
            Globals {
                base_path,
                authors,
                search_url,
                site_value,
                assets_value,
                config,
            },
        )
    }

    /// `site` path → its public URL under `base_url`.
    fn urls(&self, path: &str) -> (String, String) {
        (
            format!("{}{path}", self.base_path),
            format!("{}{path}", self.config.base_url),
        )
    }
}

/// An article as lists and its own page's head show it: its summary card and the front
/// matter's `extra`. Keyed by its contents, so a body edit that leaves the card as it was
/// re-renders no list page.
#[derive(Debug)]
pub struct Card {
    pub summary: ArticleSummary,
    pub extra: Option<serde_json::Value>,
    /// RFC 3339 time of `date`, for feeds.
    pub published: String,
    /// RFC 3339 time of `updated`, else `date`.
    pub changed: String,
    /// `summary` as a template value, made the first time a list shows it: an article is
    /// listed on several pages (an index page, each of its tags' pages, its author's), and
    /// a template value's map is shared between them, not made again.
    listed: OnceLock<tera::Value>,
}

impl Card {
    pub fn new(
        summary: ArticleSummary,
        extra: Option<serde_json::Value>,
        published: String,
        changed: String,
    ) -> Card {
        Card {
            summary,
            extra,
            published,
            changed,
            listed: OnceLock::new(),
        }
    }

    /// The summary as lists show it (`articles` on index, tag, author and series pages).
    fn listed(&self) -> tera::Value {
        self.listed
            .get_or_init(|| tera::Value::from_serializable(&self.summary))
            .clone()
    }

    /// The card, keyed by all of its contents.
    pub fn keyed(card: Card) -> Keyed<Card> {
        let extra = card.extra.as_ref().map(|e| e.to_string());
        let key = Key::of(
            "card",
            &(&card.summary, extra, &card.published, &card.changed),
        );
        Keyed::new(key, card)
    }
}

/// An entry of an article's More articles, by reference.
#[derive(Hash)]
pub enum MoreRef<'a> {
    Article(&'a Keyed<Card>),
    External {
        title: &'a str,
        url: &'a str,
        summary: &'a str,
    },
}

/// What one page shows, beyond the globals.
#[derive(Hash)]
pub enum PageData<'a> {
    Index {
        articles: Vec<&'a Keyed<Card>>,
        paginator: Paginator,
    },
    Article {
        card: &'a Keyed<Card>,
        body: &'a Keyed<Body>,
        more: Vec<MoreRef<'a>>,
        series: Option<SeriesNav>,
    },
    Author {
        author: &'a AuthorContext,
        articles: Vec<&'a Keyed<Card>>,
        paginator: Paginator,
    },
    Series {
        series: SeriesContext,
        /// In part order.
        articles: Vec<&'a Keyed<Card>>,
    },
    Tags {
        tags: Vec<TagContext>,
    },
    Tag {
        tag: TagContext,
        articles: Vec<&'a Keyed<Card>>,
        paginator: Paginator,
    },
    NotFound,
    Search {
        search: SearchContext,
    },
}

/// One page of the site: where it goes, its template, and everything it shows.
#[derive(Hash)]
pub struct Page<'a> {
    /// Output path, e.g. `articles/x/index.html`.
    pub path: String,
    pub template: &'static str,
    pub meta: PageContext,
    pub data: PageData<'a>,
}

impl Page<'_> {
    /// The page's key: its template set, the globals, and what it shows.
    pub fn key(&self, theme: Key, globals: &Keyed<Globals>) -> Key {
        Key::of("page", &(theme, globals, self))
    }
}

/// Everything the pages are made from, for one build.
pub struct Model<'a> {
    pub site: &'a Site,
    pub globals: &'a Keyed<Globals>,
    /// By article index.
    pub cards: &'a [Arc<Keyed<Card>>],
    /// By article index.
    pub bodies: &'a [Arc<Keyed<Body>>],
    /// By article index.
    pub picks: &'a [Vec<Pick>],
}

impl<'a> Model<'a> {
    /// Every page of the site, in a fixed order.
    pub fn pages(&self) -> Vec<Page<'a>> {
        let c = &self.globals.config;
        let per_page = c.paginate.max(1);
        let all: Vec<&'a Keyed<Card>> = self.cards.iter().map(|c| &**c).collect();
        let mut pages = Vec::new();
        let total = page_count(all.len(), per_page);
        for n in 1..=total {
            let path = page_url("", n);
            pages.push(Page {
                path: paged_file("", n),
                template: "index.html",
                meta: self.meta("index", &c.title, &c.description, &path),
                data: PageData::Index {
                    articles: page_slice(&all, n, per_page).to_vec(),
                    paginator: Paginator::new(&self.globals.base_path, n, total),
                },
            });
        }
        for (i, card) in all.iter().enumerate() {
            let s = &card.summary;
            let path = format!("articles/{}/", s.slug);
            let mut meta = self.meta("article", &s.title, &s.summary, &path);
            if let Some(url) = &s.canonical {
                meta.canonical = url.clone();
            }
            pages.push(Page {
                path: format!("{path}index.html"),
                template: "article.html",
                meta,
                data: PageData::Article {
                    card,
                    body: &self.bodies[i],
                    more: self.more(i),
                    series: self.series_nav(i),
                },
            });
        }
        for (id, author) in &self.globals.authors {
            let list: Vec<&'a Keyed<Card>> = all
                .iter()
                .filter(|c| c.summary.authors.iter().any(|a| a.id == *id))
                .copied()
                .collect();
            let listing = Listing {
                kind: "author",
                template: "author.html",
                title: &author.name,
                description: format!("Articles by {}, {}", author.name, author.role),
                first: format!("authors/{id}/"),
                feed_title: format!("Articles by {}", author.name),
            };
            self.paged(&mut pages, &listing, &list, |articles, paginator| {
                PageData::Author {
                    author,
                    articles,
                    paginator,
                }
            });
        }
        self.series_pages(&all, &mut pages);
        let tags: Vec<TagContext> = self.site.tags.values().map(|t| self.tag(t)).collect();
        let description = format!("Every topic on {}", c.title);
        pages.push(Page {
            path: "tags/index.html".into(),
            template: "tags.html",
            meta: self.meta("tags", "Tags", &description, "tags/"),
            data: PageData::Tags { tags },
        });
        for tag in self.site.tags.values() {
            let list: Vec<&'a Keyed<Card>> = tag.articles.iter().map(|&i| all[i]).collect();
            let ctx = self.tag(tag);
            let listing = Listing {
                kind: "tag",
                template: "tag.html",
                title: &tag.name,
                description: format!("Articles tagged “{}” on {}", tag.name, c.title),
                first: format!("tags/{}/", tag.slug),
                feed_title: format!("Articles tagged “{}”", tag.name),
            };
            self.paged(&mut pages, &listing, &list, |articles, paginator| {
                PageData::Tag {
                    tag: ctx.clone(),
                    articles,
                    paginator,
                }
            });
        }
        pages.push(Page {
            path: "404.html".into(),
            template: "404.html",
            meta: self.meta("404", "Page not found", &c.description, "404.html"),
            data: PageData::NotFound,
        });
        if self.globals.search_url.is_some() {
            let description = format!("Search the articles of {}", c.title);
            pages.push(Page {
                path: "search/index.html".into(),
                template: SEARCH_TEMPLATE,
                meta: self.meta("search", "Search", &description, "search/"),
                data: PageData::Search {
                    search: SearchContext {
                        index_url: format!(
                            "{}{}",
                            self.globals.base_path,
                            crate::search::INDEX_DIR
                        ),
                    },
                },
            });
        }
        pages
    }

    fn meta(&self, kind: &'static str, title: &str, description: &str, path: &str) -> PageContext {
        let (url, permalink) = self.globals.urls(path);
        PageContext {
            kind,
            title: title.into(),
            description: description.into(),
            canonical: permalink.clone(),
            url,
            permalink,
            feeds: alternates::site(self.globals),
        }
    }

    fn tag(&self, tag: &Tag) -> TagContext {
        tag_context(tag, &self.globals.base_path)
    }

    fn more(&self, i: usize) -> Vec<MoreRef<'a>> {
        self.picks
            .get(i)
            .into_iter()
            .flatten()
            .map(|p| match &p.target {
                RelatedRef::Article(j) => MoreRef::Article(&self.cards[*j]),
                RelatedRef::External {
                    title,
                    url,
                    summary,
                } => MoreRef::External {
                    title,
                    url,
                    summary,
                },
            })
            .collect()
    }
}

/// Render `page` through `theme`: its context is made from `globals` and `page` alone.
pub fn render_page(theme: &Theme, globals: &Globals, page: &Page) -> Result<String, Diagnostic> {
    let mut ctx = Context::new();
    ctx.insert_value("site", globals.site_value.clone());
    ctx.insert_value("assets", globals.assets_value.clone());
    ctx.insert("page", &page.meta);
    fn summaries(cards: &[&Keyed<Card>]) -> tera::Value {
        tera::Value::from(cards.iter().map(|c| c.listed()).collect::<Vec<_>>())
    }
    match &page.data {
        PageData::Index {
            articles,
            paginator,
        } => {
            ctx.insert_value("articles", summaries(articles));
            ctx.insert("paginator", paginator);
        }
        PageData::Article {
            card,
            body,
            more,
            series,
        } => {
            let rendered = &body.rendered;
            let html = body.html();
            let article = ArticleContext {
                summary: &card.summary,
                content: &html,
                toc: &rendered.toc,
                word_count: rendered.word_count,
                more: more.iter().map(more_entry).collect(),
                extra: card.extra.as_ref(),
                // Made here, for the one page that shows it, not with the card: the page's
                // key covers its inputs (the config by the globals, the summary by the card).
                json_ld: json_ld::json_ld(&globals.config, &card.summary),
                series_nav: series.as_ref(),
                has_embed: rendered.has_embed,
            };
            ctx.insert("article", &article);
        }
        PageData::Author {
            author,
            articles,
            paginator,
        } => {
            ctx.insert("author", author);
            ctx.insert_value("articles", summaries(articles));
            ctx.insert("paginator", paginator);
        }
        PageData::Series { series, articles } => {
            ctx.insert("series", series);
            ctx.insert_value("articles", summaries(articles));
        }
        PageData::Tags { tags } => ctx.insert("tags", tags),
        PageData::Tag {
            tag,
            articles,
            paginator,
        } => {
            ctx.insert_value("articles", summaries(articles));
            ctx.insert("paginator", paginator);
            ctx.insert("tag", tag);
        }
        PageData::NotFound => {}
        PageData::Search { search } => ctx.insert("search", search),
    }
    theme.render(page.template, &ctx)
}

fn more_entry(more: &MoreRef) -> MoreEntry {
    match more {
        MoreRef::Article(card) => {
            let s = &card.summary;
            MoreEntry {
                title: s.title.clone(),
                url: s.url.clone(),
                summary: s.summary.clone(),
                external: false,
            }
        }
        MoreRef::External {
            title,
            url,
            summary,
        } => MoreEntry {
            title: title.to_string(),
            url: url.to_string(),
            summary: summary.to_string(),
            external: true,
        },
    }
}

/// A tag as templates see it.
pub fn tag_context(tag: &Tag, base_path: &str) -> TagContext {
    TagContext {
        name: tag.name.clone(),
        slug: tag.slug.to_string(),
        url: format!("{base_path}tags/{}/", tag.slug),
        count: tag.articles.len(),
    }
}
