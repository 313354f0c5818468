//! Old addresses (`aliases:`): each becomes a redirect page at that path. An alias must not
//! be the address of another alias, of its own article or of any page the site makes;
//! each clash is an error at the alias naming the other side. Plain data; no I/O.

use std::collections::BTreeMap;

use super::model::{Article, Site};
use crate::diagnostics::{Diagnostic, display_path};

/// Every alias of `articles` by output path, with its article; clashes between aliases and
/// with an article's own address go to `diags`.
pub fn collect(articles: &[Article], diags: &mut Vec<Diagnostic>) -> BTreeMap<String, usize> {
    let mut redirects: BTreeMap<String, usize> = BTreeMap::new();
    for (i, a) in articles.iter().enumerate() {
        let src = &a.source;
        for alias in &src.front_matter.aliases {
            let here = |message: String| {
                Diagnostic::error(message)
                    .in_file(&src.path)
                    .at(src.text(), alias.span.clone())
            };
            let path = &alias.value.path;
            if *path == format!("articles/{}/", a.slug) {
                diags.push(
                    here(format!("alias `/{path}` is this article's own address"))
                        .label("an alias is an old address, to redirect from")
                        .help("remove it: the article is already served here"),
                );
                continue;
            }
            match redirects.get(path) {
                Some(&j) => diags.push(
                    here(format!(
                        "alias `/{path}` is also an alias of `{}`",
                        display_path(&articles[j].source.path)
                    ))
                    .label("two articles claim this old address")
                    .help(
                        "an old address can redirect to one article only: keep it on one of them",
                    ),
                ),
                None => {
                    redirects.insert(path.clone(), i);
                }
            }
        }
    }
    redirects
}

/// An alias whose redirect page would be written at `taken`'s path: an error at the alias,
/// naming what the site already puts there (`taken` describes a file of the site, or says
/// `None`).
pub fn clashes(site: &Site, taken: &dyn Fn(&str) -> Option<String>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for a in &site.articles {
        let src = &a.source;
        for alias in &src.front_matter.aliases {
            if let Some(what) = taken(&alias.value.file()) {
                diags.push(
                    Diagnostic::error(format!(
                        "alias `/{}` is the address of {what}",
                        alias.value.path
                    ))
                    .in_file(&src.path)
                    .at(src.text(), alias.span.clone())
                    .label("the site already has a page here")
                    .help("an alias is an old address that no page uses any more: remove it, or move the other page"),
                );
            }
        }
    }
    diags
}
