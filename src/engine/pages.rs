//! Pages and the other outputs: each article's card (kept by the key of what it is made
//! from), the globals every page shares, and writing a build to a sink. Each page is keyed
//! by its template set, the globals and what it shows (`render::Page`); a page the sink
//! already holds under that key is neither rendered nor written again.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::files::{Copied, Generated};
use super::memo::Memo;
use super::model::Site;
use crate::diagnostics::{self, Diagnostic};
use crate::key::{Key, Keyed};
use crate::markdown::Rendered;
use crate::output::{Contents, Sink};
use crate::render::context::{ArticleSummary, AuthorContext};
use crate::render::{Card, Globals, Model, Theme, feeds, render_page, tag_context};

/// Cards, kept between builds.
pub type CardMemo = Memo<Arc<Keyed<Card>>>;

/// Every author as templates see them, with their article counts.
pub fn authors(site: &Site, base_path: &str) -> BTreeMap<String, AuthorContext> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &site.articles {
        *counts.entry(a.author.as_str()).or_default() += 1;
    }
    site.authors
        .values()
        .map(|a| {
            let path = format!("authors/{}/", a.id);
            let ctx = AuthorContext {
                id: a.id.to_string(),
                name: a.name.clone(),
                role: a.role.clone(),
                bio: a.bio.clone(),
                url: format!("{base_path}{path}"),
                permalink: format!("{}{path}", site.config.base_url),
                article_count: counts.get(a.id.as_str()).copied().unwrap_or(0),
            };
            (a.id.to_string(), ctx)
        })
        .collect()
}

/// Every article's card, reusing `memo`. A card is made from the front matter, the slug,
/// the reading time, the author and tags as shown, and the config (`config_key`).
pub fn cards(
    site: &Site,
    rendered: &[Arc<Keyed<Rendered>>],
    globals: &Globals,
    config_key: Key,
    memo: &mut CardMemo,
) -> Vec<Arc<Keyed<Card>>> {
    let base_path = &globals.base_path;
    let keys: Vec<Key> = site
        .articles
        .iter()
        .zip(rendered)
        .map(|(a, body)| {
            let tags: Vec<_> = a
                .tags
                .iter()
                .map(|t| tag_context(&site.tags[t], base_path))
                .collect();
            Key::of(
                "card inputs",
                &(
                    a.source.front_matter_key,
                    &a.slug,
                    body.reading_time,
                    globals.authors.get(a.author.as_str()),
                    tags,
                    config_key,
                ),
            )
        })
        .collect();
    memo.take_all(&keys, |i| {
        let summary = summary_of(site, i, &rendered[i], globals);
        let json_ld = feeds::json_ld(&globals.config, &summary);
        let extra = site.articles[i].source.front_matter.extra.clone();
        Arc::new(Card::new(summary, json_ld, extra))
    })
    .0
}

fn summary_of(site: &Site, i: usize, body: &Rendered, globals: &Globals) -> ArticleSummary {
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
        summary: fm.summary.clone(),
        tags: a
            .tags
            .iter()
            .map(|t| tag_context(&site.tags[t], base_path))
            .collect(),
        reading_time: body.reading_time,
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
    let keyed: Vec<(&str, Key)> = pages
        .iter()
        .map(|p| (p.path.as_str(), p.key(theme.1, model.globals)))
        .collect();
    let results: Vec<Result<bool, Diagnostic>> = pages
        .par_iter()
        .zip(&keyed)
        .map(|(page, &(path, key))| {
            if sink.holds(path, key) {
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
    let extras = extra_files(model)?;
    for (path, bytes) in extras.into_iter().filter(|(p, _)| !shadowed(p)) {
        let key = Key::of_bytes(&bytes);
        files.insert(path.to_string(), key);
        if !sink.holds(path, key) {
            errors.extend(sink.put(path, key, Contents::Bytes(bytes)).err());
        }
    }
    for (path, g) in others.generated.iter().filter(|(p, _)| !shadowed(p)) {
        files.insert(path.clone(), g.key);
        if !sink.holds(path, g.key) {
            errors.extend(
                sink.put(path, g.key, Contents::Bytes(g.bytes.clone()))
                    .err(),
            );
        }
    }
    let copied: Vec<Diagnostic> = others
        .copied
        .par_iter()
        .filter(|(path, c)| !sink.holds(path, c.key))
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

/// The feed, sitemap, robots.txt and search index.
fn extra_files(model: &Model) -> Result<Vec<(&'static str, Vec<u8>)>, Vec<Diagnostic>> {
    let xml_err = |e: std::io::Error| vec![Diagnostic::error(format!("cannot write XML: {e}"))];
    Ok(vec![
        ("atom.xml", feeds::atom(model).map_err(xml_err)?),
        ("sitemap.xml", feeds::sitemap(model).map_err(xml_err)?),
        ("robots.txt", feeds::robots(model)),
        (
            "search.json",
            feeds::search_index(model)
                .map_err(|e| vec![Diagnostic::error(format!("cannot write search.json: {e}"))])?,
        ),
    ])
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
