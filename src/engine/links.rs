//! Links between articles: each `other.md#anchor` in a body is resolved against the site by
//! file and heading id (never by position in a list), then filled into the body's holes. A
//! filled body's key is its rendered body's key plus what every link resolved to, so it
//! changes exactly when one of its targets moves, appears or goes.

use std::borrow::Cow;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::memo::Memo;
use super::model::Site;
use crate::content::nfc_path;
use crate::diagnostics::Diagnostic;
use crate::key::{Key, Keyed};
use crate::markdown::{ArticleLink, Body, LinkTarget, Rendered};

/// Filled bodies and the problems their links have, kept between builds.
pub type BodyMemo = Memo<(Arc<Keyed<Body>>, Arc<[Diagnostic]>)>;

/// Resolve every article's links and fill them in (reusing `memo`). Problems (missing
/// articles or headings: errors; links to left-out articles: warnings) go to `diags`.
///
/// What links resolve against — every article's file, slug and heading ids, and the files
/// left out of the build — has one key; a body whose own key and that one are unchanged is
/// reused without resolving anything.
pub fn fill_all(
    site: &Site,
    rendered: &[Arc<Keyed<Rendered>>],
    memo: &mut BodyMemo,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Arc<Keyed<Body>>> {
    let base_path = site.config.base_path();
    let mut left_out: Vec<_> = site
        .left_out
        .iter()
        .map(|(path, l)| (path, &l.slug, l.why))
        .collect();
    left_out.sort();
    let targets: Vec<_> = site
        .articles
        .iter()
        .zip(rendered)
        .map(|(a, r)| (&a.source.path, &a.slug, r.heading_key))
        .collect();
    let env = Key::of("link targets", &(&base_path, targets, left_out));
    let keys: Vec<Key> = site
        .articles
        .par_iter()
        .zip(rendered)
        .map(|(a, r)| Key::of("link inputs", &(r.key(), a.source.front_matter_key, env)))
        .collect();
    // Articles by their path as text: 50,000 links at 10,000 articles, and a `Path` is
    // hashed and compared a component at a time. A path missing here is looked up as a
    // `Path` too (`a//b.md` is `a/b.md`), so this only ever finds sooner.
    let by_text: FxHashMap<&str, usize> = site
        .by_path
        .iter()
        .filter_map(|(path, &i)| Some((path.to_str()?, i)))
        .collect();
    let at = Targets {
        site,
        rendered,
        by_text: &by_text,
        base_path: &base_path,
        urls: OnceLock::new(),
    };
    let (filled, _) = memo.take_all(&keys, |i| {
        let mut problems = Vec::new();
        let targets: Vec<LinkTarget> = rendered[i]
            .links
            .iter()
            .map(|link| resolve(&at, i, link, &mut problems))
            .collect();
        // Keyed by what it holds, so pages re-render only when a link of theirs changed.
        let key = Key::of("filled body", &(rendered[i].key(), &targets));
        let body = Body::fill(rendered[i].clone(), &targets);
        (Arc::new(Keyed::new(key, body)), Arc::from(problems))
    });
    filled
        .into_iter()
        .map(|(body, problems)| {
            diags.extend(problems.iter().cloned());
            body
        })
        .collect()
}

/// What links resolve against.
struct Targets<'a> {
    site: &'a Site,
    rendered: &'a [Arc<Keyed<Rendered>>],
    /// `site.by_path` with the paths as text.
    by_text: &'a FxHashMap<&'a str, usize>,
    base_path: &'a str,
    /// Each article's URL, by index: made once, when a link is first resolved, not once
    /// per link.
    urls: OnceLock<Vec<String>>,
}

impl Targets<'_> {
    /// The URL of article `i`.
    fn url(&self, i: usize) -> &str {
        &self.urls.get_or_init(|| {
            let base_path = self.base_path;
            self.site
                .articles
                .iter()
                .map(|a| format!("{base_path}articles/{}/", a.slug))
                .collect()
        })[i]
    }

    /// The article at `file` (in normal form C).
    fn article(&self, file: &Path) -> Option<usize> {
        file.to_str()
            .and_then(|text| self.by_text.get(text))
            .or_else(|| self.site.by_path.get(file))
            .copied()
    }
}

/// Where link `link` of article `from` goes.
fn resolve(
    targets: &Targets<'_>,
    from: usize,
    link: &ArticleLink,
    diags: &mut Vec<Diagnostic>,
) -> LinkTarget {
    let (site, rendered) = (targets.site, targets.rendered);
    let src = &site.articles[from].source;
    let at = src.body.start + link.span.start..src.body.start + link.span.end;
    let here = |d: Diagnostic| d.in_file(&src.path).at(src.text(), at.clone());
    // ASCII is in normal form C already.
    let file = link.file.as_deref().map(|f| match f.to_str() {
        Some(text) if text.is_ascii() => Cow::Borrowed(f),
        _ => Cow::Owned(nfc_path(f)),
    });
    let file = file.as_deref();
    if let Some(to) = file.and_then(|f| targets.article(f)) {
        let target = &site.articles[to];
        let url = targets.url(to);
        let Some(anchor) = &link.anchor else {
            return LinkTarget::Href(url.to_string());
        };
        if !rendered[to].heading_ids.contains(anchor) {
            diags.push(here(
                Diagnostic::error(format!(
                    "link to a missing heading `#{anchor}` in `{}`",
                    target.slug
                ))
                .label("no heading has this id")
                .help(format!(
                    "headings of `{}`: {}",
                    target.slug,
                    sorted_ids(&rendered[to])
                )),
            ));
        }
        return LinkTarget::Href(format!("{url}#{anchor}"));
    }
    if let Some(left) = file.and_then(|f| site.left_out.get(f)) {
        diags.push(here(
            Diagnostic::warning(format!(
                "link to `{}`, which is {}: shown as plain text",
                left.slug, left.why
            ))
            .label("not linked in this build"),
        ));
        return LinkTarget::Text;
    }
    diags.push(here(
        Diagnostic::error(format!(
            "link to a missing article `{}`",
            link.written.split('#').next().unwrap_or_default()
        ))
        .label("no article at this path"),
    ));
    LinkTarget::Href(link.written.clone())
}

fn sorted_ids(body: &Rendered) -> String {
    let mut ids: Vec<&str> = body.heading_ids.iter().map(String::as_str).collect();
    ids.sort();
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}
