//! Model → pages: builds the template contexts (see `context`) and renders every page of
//! the site through the theme, in parallel. Pure: pages are handed to a sink, never written.

pub mod builtin;
pub mod context;
mod diff;
pub mod feeds;
mod template_errors;
pub mod theme;
mod unclosed;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;
use tera::Context;

use crate::diagnostics::{self, Diagnostic};
use crate::markdown::Rendered;
use crate::related::Pick;
use crate::site::{Article, RelatedRef, Site};
use context::*;
pub use theme::Theme;

/// Where rendered pages go: output path and bytes (the staging folder, or nowhere for `check`).
pub type PageSink<'a> = dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

/// One page to render, and where it goes in the output.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageJob {
    Index(usize),
    Article(usize),
    Author(String),
    Tags,
    Tag(String, usize),
    NotFound,
}

/// Everything the templates draw from, computed once per build.
pub struct Model<'a> {
    pub site: &'a Site,
    pub bodies: &'a [Arc<Rendered>],
    pub picks: &'a [Vec<Pick>],
    summaries: Vec<ArticleSummary>,
    authors: BTreeMap<String, AuthorContext>,
    brand: crate::brand::BrandContext,
    base_path: String,
    /// `site` and `assets`, serialized once; every page's context shares them.
    globals: [tera::Value; 2],
}

impl<'a> Model<'a> {
    /// `assets` maps static files to their URLs (see `docs/themes.md`).
    pub fn new(
        site: &'a Site,
        bodies: &'a [Arc<Rendered>],
        picks: &'a [Vec<Pick>],
        assets: &BTreeMap<String, String>,
    ) -> Model<'a> {
        let base_path = site.config.base_path();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for a in &site.articles {
            *counts.entry(a.author.as_str()).or_default() += 1;
        }
        let authors: BTreeMap<String, AuthorContext> = site
            .authors
            .values()
            .map(|a| {
                let path = format!("authors/{}/", a.id);
                let (photo, links) =
                    crate::brand::author_extras(&site.config, a.id.as_str(), assets);
                let ctx = AuthorContext {
                    id: a.id.to_string(),
                    name: a.name.clone(),
                    role: a.role.clone(),
                    bio: a.bio.clone(),
                    url: format!("{base_path}{path}"),
                    permalink: format!("{}{path}", site.config.base_url),
                    article_count: counts.get(a.id.as_str()).copied().unwrap_or(0),
                    photo,
                    links,
                };
                (a.id.to_string(), ctx)
            })
            .collect();
        let summaries = site
            .articles
            .iter()
            .zip(bodies)
            .map(|(a, body)| summary_of(site, a, body, &authors, &base_path))
            .collect();
        let mut model = Model {
            site,
            bodies,
            picks,
            summaries,
            authors,
            brand: crate::brand::context(&site.config, assets),
            base_path,
            globals: [tera::Value::none(), tera::Value::from_serializable(assets)],
        };
        model.globals[0] = tera::Value::from_serializable(&model.site_context());
        model
    }

    /// The `site` variable.
    pub fn site_context(&self) -> SiteContext<'_> {
        let c = &self.site.config;
        SiteContext {
            title: &c.title,
            description: &c.description,
            language: &c.language,
            base_url: &c.base_url,
            base_path: &self.base_path,
            authors: self.authors.values().cloned().collect(),
            services: &c.services,
            offices: &c.offices,
            cta: c.cta.as_ref(),
            brand: &self.brand,
            extra: &c.extra,
        }
    }

    /// Every page of the site, in a fixed order.
    pub fn jobs(&self) -> Vec<PageJob> {
        let per_page = self.site.config.paginate;
        let mut jobs: Vec<PageJob> = (1..=pages(self.site.articles.len(), per_page))
            .map(PageJob::Index)
            .collect();
        jobs.extend((0..self.site.articles.len()).map(PageJob::Article));
        jobs.extend(self.authors.keys().cloned().map(PageJob::Author));
        jobs.push(PageJob::Tags);
        for (slug, tag) in &self.site.tags {
            jobs.extend(
                (1..=pages(tag.articles.len(), per_page))
                    .map(|n| PageJob::Tag(slug.to_string(), n)),
            );
        }
        jobs.push(PageJob::NotFound);
        jobs
    }

    /// Output path of a page, relative to the output folder.
    pub fn output_path(&self, job: &PageJob) -> String {
        let paged = |prefix: String, n: usize| match n {
            1 => format!("{prefix}index.html"),
            n => format!("{prefix}page/{n}/index.html"),
        };
        match job {
            PageJob::Index(n) => paged(String::new(), *n),
            PageJob::Article(i) => format!("articles/{}/index.html", self.site.articles[*i].slug),
            PageJob::Author(id) => format!("authors/{id}/index.html"),
            PageJob::Tags => "tags/index.html".into(),
            PageJob::Tag(slug, n) => paged(format!("tags/{slug}/"), *n),
            PageJob::NotFound => "404.html".into(),
        }
    }

    /// Render one page: its template and its context.
    pub fn render(&self, theme: &Theme, job: &PageJob) -> Result<String, Diagnostic> {
        let c = &self.site.config;
        let mut ctx = Context::new();
        ctx.insert_value("site", self.globals[0].clone());
        ctx.insert_value("assets", self.globals[1].clone());
        let url_of = |path: &str| {
            (
                format!("{}{path}", self.base_path),
                format!("{}{path}", c.base_url),
            )
        };
        let page = |kind, title: &str, description: &str, path: &str| {
            let (url, permalink) = url_of(path);
            PageContext {
                kind,
                title: title.into(),
                description: description.into(),
                url,
                permalink,
            }
        };
        let per_page = c.paginate;
        let template = match job {
            PageJob::Index(n) => {
                let total = pages(self.summaries.len(), per_page);
                let path = context::page_url("", *n);
                ctx.insert("page", &page("index", &c.title, &c.description, &path));
                ctx.insert("articles", page_slice(&self.summaries, *n, per_page));
                ctx.insert("paginator", &Paginator::new(&self.base_path, *n, total));
                "index.html"
            }
            PageJob::Article(i) => {
                let summary = &self.summaries[*i];
                let body = &self.bodies[*i];
                let article = ArticleContext {
                    summary,
                    content: &body.html,
                    toc: &body.toc,
                    word_count: body.word_count,
                    more: self.more_entries(*i),
                    extra: self.site.articles[*i].source.front_matter.extra.as_ref(),
                    json_ld: feeds::json_ld(self, summary),
                };
                let path = format!("articles/{}/", summary.slug);
                ctx.insert(
                    "page",
                    &page("article", &summary.title, &summary.summary, &path),
                );
                ctx.insert("article", &article);
                "article.html"
            }
            PageJob::Author(id) => {
                let author = &self.authors[id];
                let list = self.author_list(id);
                let description = format!("Articles by {}, {}", author.name, author.role);
                ctx.insert(
                    "page",
                    &page(
                        "author",
                        &author.name,
                        &description,
                        &format!("authors/{id}/"),
                    ),
                );
                ctx.insert("author", author);
                ctx.insert("articles", &list);
                "author.html"
            }
            PageJob::Tags => {
                let tags = self.tag_contexts();
                ctx.insert(
                    "page",
                    &page(
                        "tags",
                        "Tags",
                        &format!("Every topic on {}", c.title),
                        "tags/",
                    ),
                );
                ctx.insert("tags", &tags);
                "tags.html"
            }
            PageJob::Tag(slug, n) => {
                let tag = &self.site.tags[slug.as_str()];
                let tag_ctx = self.tag_context(tag);
                let list = self.tag_list(tag);
                let first = format!("tags/{slug}/");
                let description = format!("Articles tagged “{}” on {}", tag.name, c.title);
                ctx.insert(
                    "page",
                    &page(
                        "tag",
                        &tag.name,
                        &description,
                        &context::page_url(&first, *n),
                    ),
                );
                ctx.insert("articles", page_slice(&list, *n, per_page));
                ctx.insert(
                    "paginator",
                    &Paginator::new(&tag_ctx.url, *n, pages(list.len(), per_page)),
                );
                ctx.insert("tag", &tag_ctx);
                "tag.html"
            }
            PageJob::NotFound => {
                ctx.insert(
                    "page",
                    &page("404", "Page not found", &c.description, "404.html"),
                );
                "404.html"
            }
        };
        theme.render(template, &ctx)
    }

    fn author_list(&self, id: &str) -> Vec<&ArticleSummary> {
        self.summaries
            .iter()
            .filter(|s| s.author.id == id)
            .collect()
    }

    fn tag_list(&self, tag: &crate::site::Tag) -> Vec<&ArticleSummary> {
        tag.articles.iter().map(|&i| &self.summaries[i]).collect()
    }

    fn tag_contexts(&self) -> Vec<TagContext> {
        self.site
            .tags
            .values()
            .map(|t| self.tag_context(t))
            .collect()
    }

    /// The list entry of article `i`.
    pub fn summary(&self, i: usize) -> &ArticleSummary {
        &self.summaries[i]
    }

    /// The files besides pages: feed, sitemap, robots.txt and the search index.
    pub fn extra_files(&self) -> Result<Vec<(&'static str, Vec<u8>)>, Diagnostic> {
        let xml_err = |e: std::io::Error| Diagnostic::error(format!("cannot write XML: {e}"));
        Ok(vec![
            ("atom.xml", feeds::atom(self).map_err(xml_err)?),
            ("sitemap.xml", feeds::sitemap(self).map_err(xml_err)?),
            ("robots.txt", feeds::robots(self)),
            (
                "search.json",
                feeds::search_index(self)
                    .map_err(|e| Diagnostic::error(format!("cannot write search.json: {e}")))?,
            ),
        ])
    }

    fn tag_context(&self, tag: &crate::site::Tag) -> TagContext {
        tag_context_of(tag, &self.base_path)
    }

    fn more_entries(&self, i: usize) -> Vec<MoreEntry> {
        self.picks
            .get(i)
            .into_iter()
            .flatten()
            .map(|p| match &p.target {
                RelatedRef::Article(j) => {
                    let s = &self.summaries[*j];
                    MoreEntry {
                        title: s.title.clone(),
                        url: s.url.clone(),
                        summary: s.summary.clone(),
                        external: false,
                    }
                }
                RelatedRef::External {
                    title,
                    url,
                    summary,
                } => MoreEntry {
                    title: title.clone(),
                    url: url.clone(),
                    summary: summary.clone(),
                    external: true,
                },
            })
            .collect()
    }

    /// Render every job in parallel, handing each page to `sink`. Returns the number of
    /// pages, or every distinct error (a broken template fails every page the same way).
    pub fn render_all(&self, theme: &Theme, sink: &PageSink) -> Result<usize, Vec<Diagnostic>> {
        let jobs = self.jobs();
        let errors: Vec<Diagnostic> = jobs
            .par_iter()
            .filter_map(|job| {
                self.render(theme, job)
                    .and_then(|html| sink(&self.output_path(job), html.as_bytes()))
                    .err()
            })
            .collect();
        if errors.is_empty() {
            return Ok(jobs.len());
        }
        let mut seen = HashSet::new();
        let mut unique: Vec<Diagnostic> = errors
            .into_iter()
            .filter(|d| seen.insert(d.render_plain()))
            .collect();
        diagnostics::sort(&mut unique);
        Err(unique)
    }
}

fn tag_context_of(tag: &crate::site::Tag, base_path: &str) -> TagContext {
    TagContext {
        name: tag.name.clone(),
        slug: tag.slug.to_string(),
        url: format!("{base_path}tags/{}/", tag.slug),
        count: tag.articles.len(),
    }
}

fn summary_of(
    site: &Site,
    a: &Article,
    body: &Rendered,
    authors: &BTreeMap<String, AuthorContext>,
    base_path: &str,
) -> ArticleSummary {
    let fm = &a.source.front_matter;
    let path = format!("articles/{}/", a.slug);
    ArticleSummary {
        title: fm.title.clone(),
        slug: a.slug.to_string(),
        url: format!("{base_path}{path}"),
        permalink: format!("{}{path}", site.config.base_url),
        date: fm.date.iso_day(),
        date_display: fm.date.display(),
        updated: fm.updated.map(|u| u.iso_day()),
        updated_display: fm.updated.map(|u| u.display()),
        author: authors[a.author.as_str()].clone(),
        summary: fm.summary.clone(),
        tags: a
            .tags
            .iter()
            .map(|t| tag_context_of(&site.tags[t], base_path))
            .collect(),
        reading_time: body.reading_time,
    }
}

/// Number of pages for `items` at `per_page` (at least one, so an empty site has a home).
fn pages(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page.max(1)).max(1)
}

fn page_slice<T>(items: &[T], n: usize, per_page: usize) -> &[T] {
    let start = ((n - 1) * per_page).min(items.len());
    &items[start..(start + per_page).min(items.len())]
}
