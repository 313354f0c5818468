//! Pages and the other outputs: each article's card (kept by the key of what it is made
//! from), the globals every page shares, and writing a build to a sink. Each page is keyed
//! by its template set, the globals and what it shows (`render::Page`); a page the sink
//! already holds under that key is neither rendered nor written again.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::files::{Copied, Generated};
use super::memo::Memo;
use super::model::Site;
use super::search::SearchIndex;
use crate::diagnostics::{self, Diagnostic};
use crate::key::{Key, Keyed};
use crate::markdown::Rendered;
use crate::output::{Contents, Sink};
use crate::render::context::{ArticleSummary, AuthorContext, SocialImage, TagContext};
use crate::render::{
    Card, Globals, Model, Page, Theme, feeds, render_page, series_ref, tag_context,
};

/// Cards, kept between builds.
pub type CardMemo = Memo<Arc<Keyed<Card>>>;

/// Every author as templates see them, with their article counts.
pub fn authors(
    site: &Site,
    base_path: &str,
    assets: &BTreeMap<String, String>,
) -> BTreeMap<String, AuthorContext> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for id in site.articles.iter().flat_map(|a| &a.authors) {
        *counts.entry(id.as_str()).or_default() += 1;
    }
    site.authors
        .values()
        .map(|a| {
            let path = format!("authors/{}/", a.id);
            let (photo, links) = crate::brand::author_extras(&site.config, a.id.as_str(), assets);
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
        .collect()
}

/// Every article's card, reusing `memo`. A card is made from the front matter, the slug,
/// the reading time, the authors and tags as shown, and the config (`config_key`).
pub fn cards(
    site: &Site,
    (rendered, social): (&[Arc<Keyed<Rendered>>], &[Option<SocialImage>]),
    globals: &Globals,
    config_key: Key,
    memo: &mut CardMemo,
) -> Vec<Arc<Keyed<Card>>> {
    let base_path = &globals.base_path;
    // Each tag and author as shown, made and hashed once rather than once per article.
    let tags: HashMap<&str, TagContext> = site
        .tags
        .iter()
        .map(|(slug, t)| (slug.as_str(), tag_context(t, base_path)))
        .collect();
    let tag_keys: HashMap<&str, Key> = tags
        .iter()
        .map(|(slug, t)| (*slug, Key::of("tag", t)))
        .collect();
    let author_keys: HashMap<&str, Key> = globals
        .authors
        .iter()
        .map(|(id, a)| (id.as_str(), Key::of("author", a)))
        .collect();
    let keys: Vec<Key> = site
        .articles
        .par_iter()
        .zip(rendered)
        .enumerate()
        .map(|(i, (a, body))| {
            let tags: Vec<Option<&Key>> = a.tags.iter().map(|t| tag_keys.get(t.as_str())).collect();
            let authors: Vec<Option<&Key>> = a
                .authors
                .iter()
                .map(|id| author_keys.get(id.as_str()))
                .collect();
            Key::of(
                "card inputs",
                &(
                    a.source.front_matter_key,
                    &a.slug,
                    body.reading_time,
                    authors,
                    tags,
                    config_key,
                    social.get(i),
                ),
            )
        })
        .collect();
    memo.take_all(&keys, |i| {
        let image = social.get(i).cloned().flatten();
        let summary = summary_of(site, i, &rendered[i], (globals, &tags), image);
        let fm = &site.articles[i].source.front_matter;
        Arc::new(Card::keyed(Card::new(
            summary,
            fm.extra.clone(),
            fm.date.rfc3339(),
            fm.updated.unwrap_or(fm.date).rfc3339(),
        )))
    })
    .0
}

fn summary_of(
    site: &Site,
    i: usize,
    body: &Rendered,
    (globals, tags): (&Globals, &HashMap<&str, TagContext>),
    image: Option<SocialImage>,
) -> ArticleSummary {
    let a = &site.articles[i];
    let fm = &a.source.front_matter;
    let path = format!("articles/{}/", a.slug);
    let base_path = &globals.base_path;
    ArticleSummary {
        title: fm.title.clone(),
        slug: a.slug.to_string(),
        url: format!("{base_path}{path}"),
        permalink: format!("{}{path}", site.config.base_url),
        date: fm.date.iso_day(),
        date_display: fm.date.display(),
        updated: fm.updated.map(|u| u.iso_day()),
        updated_display: fm.updated.map(|u| u.display()),
        author: globals.authors[a.author.as_str()].clone(),
        authors: a
            .authors
            .iter()
            .map(|id| globals.authors[id.as_str()].clone())
            .collect(),
        summary: fm.summary.clone(),
        tags: a.tags.iter().map(|t| tags[t.as_str()].clone()).collect(),
        reading_time: body.reading_time,
        image,
        series: a
            .series
            .as_ref()
            .map(|(id, part)| series_ref(&site.config, base_path, id.as_str(), *part)),
        canonical: fm.canonical.clone(),
        originally_published: fm.originally_published.clone(),
    }
}

/// What writing a build did.
pub struct Written {
    /// Every output path and the key it was made from.
    pub files: BTreeMap<String, Key>,
    pub pages: usize,
    /// Pages rendered (not held by the sink already).
    pub rendered: usize,
}

/// Everything a build writes, besides its pages.
pub struct Others<'a> {
    pub copied: &'a BTreeMap<String, Copied>,
    pub generated: &'a BTreeMap<String, Generated>,
    pub search: Option<&'a SearchIndex>,
    pub root: &'a Path,
}

/// Render and hand every page, feed and file of the build to `sink`, skipping what it holds.
pub fn write(
    model: &Model,
    theme: (&Theme, Key),
    others: Others,
    sink: &dyn Sink,
) -> Result<Written, Vec<Diagnostic>> {
    // A static file at the path of a page or generated file replaces it (`static/robots.txt`):
    // decided here, once, so each path is put once, under the key of what is served.
    let shadowed = |path: &str| others.copied.contains_key(path);
    let mut pages = model.pages();
    pages.retain(|p| !shadowed(&p.path));
    let mut extras = extra_files(model, &pages, others.search);
    let clashes = super::extras::alias_clashes(model, &pages, &extras);
    if !clashes.is_empty() {
        return Err(unique(clashes));
    }
    extras.extend(super::extras::redirects(model));
    // Every page's key, on every build (most are then kept, not rendered): on every core.
    let keyed: Vec<(&str, Key)> = pages
        .par_iter()
        .map(|p| (p.path.as_str(), p.key(theme.1, model.globals)))
        .collect();
    let results: Vec<Result<bool, Diagnostic>> = pages
        .par_iter()
        .zip(&keyed)
        .map(|(page, &(path, key))| {
            if sink.keep(path, key) {
                return Ok(false);
            }
            let html = render_page(theme.0, model.globals, page)?;
            sink.put(path, key, Contents::Bytes(html.into_bytes()))?;
            Ok(true)
        })
        .collect();
    let mut errors = Vec::new();
    let mut rendered = 0;
    for r in results {
        match r {
            Ok(true) => rendered += 1,
            Ok(false) => {}
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(unique(errors));
    }
    let mut files: BTreeMap<String, Key> = keyed.iter().map(|(p, k)| (p.to_string(), *k)).collect();
    for extra in extras {
        let wanted = extra.files.iter().filter(|(p, _)| !shadowed(p));
        files.extend(wanted.clone().cloned());
        // Made only when the sink lacks one of them; then only those it lacks are sent.
        let missing: HashMap<&str, Key> = wanted
            .filter(|(p, k)| !sink.keep(p, *k))
            .map(|(p, k)| (p.as_str(), *k))
            .collect();
        if missing.is_empty() {
            continue;
        }
        for (path, bytes) in (extra.make)().map_err(|d| vec![d])? {
            if let Some(&key) = missing.get(path.as_str()) {
                errors.extend(sink.put(&path, key, Contents::Bytes(bytes)).err());
            }
        }
    }
    for (path, g) in others.generated.iter().filter(|(p, _)| !shadowed(p)) {
        files.insert(path.clone(), g.key);
        if !sink.keep(path, g.key) {
            errors.extend(
                sink.put(path, g.key, Contents::Bytes(g.bytes.clone()))
                    .err(),
            );
        }
    }
    let copied: Vec<Diagnostic> = others
        .copied
        .par_iter()
        .filter(|(path, c)| !sink.keep(path, c.key))
        .filter_map(|(path, c)| {
            let from = others.root.join(&c.source);
            sink.put(path, c.key, Contents::Copy(&from)).err()
        })
        .collect();
    errors.extend(copied);
    files.extend(others.copied.iter().map(|(p, c)| (p.clone(), c.key)));
    if !errors.is_empty() {
        return Err(unique(errors));
    }
    Ok(Written {
        files,
        pages: pages.len(),
        rendered,
    })
}

/// Output files: path and bytes.
pub(super) type Files = Vec<(String, Vec<u8>)>;

/// Files made from the whole site (a feed, the sitemap, the search index), keyed by what
/// they are made from and made only when the sink does not keep them already.
pub(super) struct Extra<'a> {
    /// Every file `make` makes (known before it runs), with its key.
    pub files: Vec<(String, Key)>,
    pub make: Box<dyn FnOnce() -> Result<Files, Diagnostic> + 'a>,
}

impl<'a> Extra<'a> {
    /// Files made together from what `key` covers: each is keyed by `key` and its path.
    pub fn new(
        paths: Vec<String>,
        key: Key,
        make: impl FnOnce() -> Result<Files, Diagnostic> + 'a,
    ) -> Extra<'a> {
        Extra {
            files: paths
                .into_iter()
                .map(|p| {
                    let file_key = Key::of("extra", &(key, &p));
                    (p, file_key)
                })
                .collect(),
            make: Box::new(make),
        }
    }
}

/// The feeds, sitemap(s), robots.txt and search index. Each key covers exactly the
/// arguments its function is given.
fn extra_files<'a>(
    model: &'a Model,
    pages: &'a [Page],
    search: Option<&'a SearchIndex>,
) -> Vec<Extra<'a>> {
    let globals = model.globals;
    let xml = |e: std::io::Error| Diagnostic::error(format!("cannot write XML: {e}"));
    let card_keys: Vec<Key> = model.cards.iter().map(|c| c.key()).collect();
    let paths: Vec<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    let urls = pages.iter().filter(|p| p.path != "404.html").count();
    let mut extras = super::extras::feeds(model);
    extras.extend([
        Extra::new(
            feeds::sitemap_paths(urls),
            Key::of("sitemap", &(globals, &card_keys, &paths)),
            move || feeds::sitemaps(globals, pages, model.cards).map_err(xml),
        ),
        Extra::new(
            vec!["robots.txt".into()],
            Key::of("robots.txt", globals),
            move || Ok(vec![("robots.txt".into(), feeds::robots(globals))]),
        ),
    ]);
    extras.extend(search.map(super::search::extra));
    extras
}

/// Every distinct error once (a broken template fails every page the same way), sorted.
fn unique(errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    let mut unique: Vec<Diagnostic> = errors
        .into_iter()
        .filter(|d| seen.insert(d.render_plain()))
        .collect();
    diagnostics::sort(&mut unique);
    unique
}
