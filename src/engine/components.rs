//! The markdown components' templates (`markdown/*.html` of the theme, the site's
//! `templates/markdown/` over them), compiled apart from the page templates and kept while
//! their texts are the same. Their key is part of every rendered body's key.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::inputs::Inputs;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, display_path};
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
    let theme_templates = Path::new("themes").join(&config.theme).join("templates");
    let mut files = BTreeMap::new();
    for dir in [theme_templates.as_path(), Path::new("templates")] {
        let dir = dir.join("markdown");
        for (path, rel, file) in inputs.files_under(&dir) {
            let file = file.as_ref().map_err(Clone::clone)?;
            let text = file.text.clone().unwrap_or_default();
            let name = format!("markdown/{}", display_path(rel));
            files.insert(name, (path.to_path_buf(), text, file.key));
        }
    }
    let page_time = config.limits.page_time();
    let key = Key::of(
        "components",
        &(
            page_time,
            files
                .iter()
                .map(|(n, (p, _, k))| (n, p, k))
                .collect::<Vec<_>>(),
        ),
    );
    if let Some((k, components)) = memo
        && *k == key
    {
        return Ok((components.clone(), key));
    }
    let sources = files
        .into_iter()
        .map(|(n, (p, text, _))| (n, (p, text)))
        .collect();
    let components = Arc::new(TemplateComponents::new(sources, page_time)?);
    *memo = Some((key, components.clone()));
    Ok((components, key))
}
