//! Links between articles: each `other.md#anchor` in a body is resolved against the site by
//! file and heading id (never by position in a list), then filled into the body's holes. A
//! filled body's key is its rendered body's key plus what every link resolved to, so it
//! changes exactly when one of its targets moves, appears or goes.

use std::sync::Arc;

use super::memo::Memo;
use super::model::Site;
use crate::diagnostics::Diagnostic;
use crate::key::{Key, Keyed};
use crate::markdown::{ArticleLink, Body, LinkTarget, Rendered};

/// Filled bodies, kept between builds.
pub type BodyMemo = Memo<Arc<Keyed<Body>>>;

/// Resolve every article's links and fill them in (reusing `memo`). Problems (missing
/// articles or headings: errors; links to left-out articles: warnings) go to `diags`.
pub fn fill_all(
    site: &Site,
    rendered: &[Arc<Keyed<Rendered>>],
    memo: &mut BodyMemo,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Arc<Keyed<Body>>> {
    let base_path = site.config.base_path();
    let mut all_targets = Vec::with_capacity(rendered.len());
    for (i, body) in rendered.iter().enumerate() {
        let targets: Vec<LinkTarget> = body
            .links
            .iter()
            .map(|link| resolve(site, rendered, i, link, &base_path, diags))
            .collect();
        all_targets.push(targets);
    }
    let keys: Vec<Key> = rendered
        .iter()
        .zip(&all_targets)
        .map(|(r, targets)| Key::of("filled body", &(r.key(), targets)))
        .collect();
    memo.take_all(&keys, |i| {
        Arc::new(Keyed::new(
            keys[i],
            Body::fill(rendered[i].clone(), &all_targets[i]),
        ))
    })
    .0
}

/// Where link `link` of article `from` goes.
fn resolve(
    site: &Site,
    rendered: &[Arc<Keyed<Rendered>>],
    from: usize,
    link: &ArticleLink,
    base_path: &str,
    diags: &mut Vec<Diagnostic>,
) -> LinkTarget {
    let src = &site.articles[from].source;
    let at = src.body.start + link.span.start..src.body.start + link.span.end;
    let here = |d: Diagnostic| d.in_file(&src.path).at(&src.text, at.clone());
    let file = link.file.as_ref();
    if let Some(&to) = file.and_then(|f| site.by_path.get(f)) {
        let target = &site.articles[to];
        let url = format!("{base_path}articles/{}/", target.slug);
        let Some(anchor) = &link.anchor else {
            return LinkTarget::Href(url);
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
