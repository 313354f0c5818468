//! The markdown components' templates (`markdown/*.html` of the theme, the site's
//! `templates/markdown/` over them), compiled apart from the page templates and kept while
//! their texts are the same. Their key is part of every rendered body's key.

use std::sync::Arc;

use super::inputs::Inputs;
use super::templates;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::key::Key;
use crate::render::components::TemplateComponents;

/// The compiled components and their key, kept between builds.
pub type ComponentsMemo = Option<(Key, Arc<TemplateComponents>)>;

/// The components of the site in `inputs` for `config`'s theme (reusing `memo`).
pub fn load(
    inputs: &Inputs,
    config: &Config,
    memo: &mut ComponentsMemo,
) -> Result<(Arc<TemplateComponents>, Key), Diagnostic> {
    let mut files = templates::Files::new();
    templates::gather(inputs, &config.theme, Some("markdown"), &mut files)?;
    let page_time = config.limits.page_time();
    let key = Key::of("components", &(page_time, templates::identity(&files)));
    if let Some((k, components)) = memo
        && *k == key
    {
        return Ok((components.clone(), key));
    }
    let components = Arc::new(TemplateComponents::new(
        templates::sources(files),
        page_time,
    )?);
    *memo = Some((key, components.clone()));
    Ok((components, key))
}
