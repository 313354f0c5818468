//! Article bodies from markdown: the costly step (parsing, highlighting), done once per
//! distinct input. A body's key covers everything `markdown::render` reads: the body text,
//! the article's path (relative links and images resolve from it), the files beside it, the
//! `[markdown]` config and the templates of the markdown components. Links to other articles stay holes here (see `links`), so an edit
//! elsewhere in the site never renders this body again.

use std::sync::Arc;

use super::memo::Memo;
use super::model::{Article, Site};
use crate::config::MarkdownConfig;
use crate::diagnostics::Diagnostic;
use crate::images::ArticleImages;
use crate::key::{Key, Keyed};
use crate::markdown::{self, Rendered};
use crate::render::components::TemplateComponents;

/// Rendered bodies, kept between builds.
pub type RenderedMemo = Memo<Arc<Keyed<Rendered>>>;

/// The key of an article's rendered body: its text, path and files beside it, its images
/// as planned, and `markdown` (the key of the `[markdown]` config and of the components'
/// templates).
pub fn key(article: &Article, markdown: Key, images: &Keyed<ArticleImages>) -> Key {
    Key::of(
        "rendered body",
        &(
            article.source.body_key,
            &article.source.path,
            &*article.assets,
            markdown,
            images,
        ),
    )
}

/// The key of the `[markdown]` config.
pub fn markdown_key(config: &MarkdownConfig) -> Key {
    // Serialized, so a key added to the config can never be left out of the key.
    Key::of(
        "markdown config",
        &serde_json::to_string(config).unwrap_or_default(),
    )
}

/// Every article's body, rendered (reusing `memo`), by article index; and how many were
/// rendered anew.
pub fn render_all(
    site: &Site,
    images: &[Arc<Keyed<ArticleImages>>],
    memo: &mut RenderedMemo,
    (components, components_key): &(Arc<TemplateComponents>, Key),
) -> (Vec<Arc<Keyed<Rendered>>>, usize) {
    let md = &site.config.markdown;
    let md_key = Key::of("markdown inputs", &(markdown_key(md), components_key));
    let keys: Vec<Key> = site
        .articles
        .iter()
        .zip(images)
        .map(|(a, img)| key(a, md_key, img))
        .collect();
    memo.take_all(&keys, |i| {
        let a = &site.articles[i];
        crate::crash::panic_if_asked(a.body());
        Arc::new(Keyed::new(
            keys[i],
            markdown::render(
                a.body(),
                &a.source.path,
                &a.assets,
                md,
                &images[i],
                &**components,
            ),
        ))
    })
}

/// The problems markdown rendering found in each body, located in their files.
pub fn problems(site: &Site, rendered: &[Arc<Keyed<Rendered>>]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // A broken component template fails every body that uses it the same way: once.
    let mut seen = std::collections::HashSet::new();
    for (article, body) in site.articles.iter().zip(rendered) {
        for d in &body.template_errors {
            if seen.insert(d.render_plain()) {
                diags.push(d.clone());
            }
        }
        let src = &article.source;
        for p in &body.problems {
            let d = if p.is_error {
                Diagnostic::error(&p.message)
            } else {
                Diagnostic::warning(&p.message)
            };
            let at = src.body.start + p.span.start..src.body.start + p.span.end;
            diags.push(d.in_file(&src.path).at(&src.text, at).label(&p.label));
        }
    }
    diags
}
