//! Files made from the whole site besides its pages: the feeds (the site's Atom and JSON
//! feeds, each tag's and each author's Atom feed) and the redirects from old addresses
//! (a page at each alias, and `_redirects` when configured). Each is an `Extra` whose key
//! covers exactly what its function is given.

use std::collections::HashMap;

use super::aliases;
use super::pages::Extra;
use crate::content::front_matter::Alias;
use crate::content::slug::Slug;
use crate::diagnostics::Diagnostic;
use crate::key::Key;
use crate::markdown::Body;
use crate::render::feeds::{self, FeedInfo};
use crate::render::{Card, Model, Page, PageData, json_feed, redirects};

/// A feed's entries (the newest `feed.limit` of `articles`, indexes newest first), with the
/// keys they are made from.
type Entries<'a> = (Vec<(&'a Card, Option<&'a Body>)>, Vec<(Key, Option<Key>)>);

fn entries<'a>(model: &Model<'a>, articles: impl Iterator<Item = usize>) -> Entries<'a> {
    let c = &model.globals.config;
    let full = c.feed.full_content;
    articles
        .take(c.feed.limit)
        .map(|i| {
            let (card, body) = (&model.cards[i], &model.bodies[i]);
            (
                (&***card, full.then_some(&***body)),
                (card.key(), full.then(|| body.key())),
            )
        })
        .unzip()
}

fn atom<'a>(model: &Model<'a>, info: FeedInfo, articles: impl Iterator<Item = usize>) -> Extra<'a> {
    let globals = model.globals;
    let (newest, keys) = entries(model, articles);
    Extra::new(
        vec![info.path.clone()],
        Key::of("atom feed", &(globals, &info, &keys)),
        move || {
            let bytes = feeds::atom(globals, &info, &newest)
                .map_err(|e| Diagnostic::error(format!("cannot write XML: {e}")))?;
            Ok(vec![(info.path, bytes)])
        },
    )
}

/// `/atom.xml`, `/feed.json`, and an Atom feed beside every tag's and author's page.
pub(super) fn feeds<'a>(model: &Model<'a>) -> Vec<Extra<'a>> {
    let (site, globals) = (model.site, model.globals);
    let c = &globals.config;
    let mut extras = vec![atom(model, FeedInfo::site(c), 0..site.articles.len())];
    let (newest, keys) = entries(model, 0..site.articles.len());
    extras.push(Extra::new(
        vec!["feed.json".into()],
        Key::of("feed.json", &(globals, &keys)),
        move || {
            let bytes = json_feed::json_feed(globals, &newest)
                .map_err(|e| Diagnostic::error(format!("cannot write feed.json: {e}")))?;
            Ok(vec![("feed.json".into(), bytes)])
        },
    ));
    for tag in site.tags.values() {
        let path = format!("tags/{}/", tag.slug);
        let info = FeedInfo {
            title: format!("Articles tagged “{}” — {}", tag.name, c.title),
            subtitle: String::new(),
            path: format!("{path}atom.xml"),
            home: format!("{}{path}", c.base_url),
        };
        extras.push(atom(model, info, tag.articles.iter().copied()));
    }
    for (id, author) in &globals.authors {
        let path = format!("authors/{id}/");
        let info = FeedInfo {
            title: format!("Articles by {} — {}", author.name, c.title),
            subtitle: author.bio.clone().unwrap_or_default(),
            path: format!("{path}atom.xml"),
            home: author.permalink.clone(),
        };
        let written = (0..site.articles.len())
            .filter(move |&i| site.articles[i].authors.iter().any(|a| a.as_str() == id));
        extras.push(atom(model, info, written));
    }
    extras
}

/// A redirect page at every alias, and `_redirects` with `[redirects] netlify = true`.
pub(super) fn redirects<'a>(model: &Model<'a>) -> Vec<Extra<'a>> {
    let (site, globals) = (model.site, model.globals);
    let mut extras = Vec::new();
    let mut lines = Vec::new();
    for (path, &i) in &site.redirects {
        let s = &model.cards[i].summary;
        let file = file_of(path);
        let bytes = redirects::page(&globals.config.language, &s.title, &s.permalink);
        extras.push(Extra::new(
            vec![file.clone()],
            Key::of_bytes(&bytes),
            move || Ok(vec![(file, bytes)]),
        ));
        lines.push((path.clone(), format!("articles/{}/", s.slug)));
    }
    if globals.config.redirects.netlify {
        let bytes = redirects::netlify_file(&globals.base_path, &lines);
        extras.push(Extra::new(
            vec!["_redirects".into()],
            Key::of_bytes(&bytes),
            move || Ok(vec![("_redirects".into(), bytes)]),
        ));
    }
    extras
}

/// Aliases whose redirect page would land on a page or file the site makes (`pages`, and
/// `extras` but the redirects themselves).
pub(super) fn alias_clashes(model: &Model, pages: &[Page], extras: &[Extra]) -> Vec<Diagnostic> {
    let site = model.site;
    if site.redirects.is_empty() {
        return Vec::new();
    }
    // What is at each path, described only when an alias lands on it.
    let mut taken: HashMap<&str, Option<&Page>> = HashMap::new();
    taken.extend(pages.iter().map(|p| (p.path.as_str(), Some(p))));
    taken.extend(
        extras
            .iter()
            .flat_map(|e| &e.files)
            .map(|(p, _)| (p.as_str(), None)),
    );
    let describe = |path: &str, page: Option<&Page>| {
        let Some(page) = page else {
            return format!("folio's `/{path}`");
        };
        let article = match &page.data {
            PageData::Article { card, .. } => Slug::parse(&card.summary.slug)
                .ok()
                .and_then(|slug| site.by_slug.get(&slug)),
            _ => None,
        };
        match article {
            Some(&i) => format!(
                "the article `{}`",
                crate::diagnostics::display_path(&site.articles[i].source.path)
            ),
            None => format!("the page “{}” ({})", page.meta.title, page.meta.url),
        }
    };
    aliases::clashes(site, &|file| {
        taken.get(file).map(|page| describe(file, *page))
    })
}

/// The file an alias's redirect page is written to.
fn file_of(alias: &str) -> String {
    Alias {
        path: alias.to_string(),
    }
    .file()
}
