//! The site's configuration and theme as the engine reads them: `config.toml` parsed, and
//! the theme's templates (the site's own on top) compiled, each kept while its files are
//! the same.

use std::path::Path;
use std::sync::Arc;

use super::Engine;
use super::inputs::Inputs;
use super::templates;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::key::Key;
use crate::render::{Theme, builtin};

impl Engine {
    /// The parsed config (kept while its text and the `base_url` override are the same).
    pub(super) fn config(&mut self) -> Result<(Arc<Config>, Key), Vec<Diagnostic>> {
        let text = self.inputs.config().map_err(|d| vec![d.clone()])?;
        let key = Key::of("config", &(text.key(), &self.settings.base_url));
        if let Some((k, config)) = &self.memo.config
            && *k == key
        {
            return Ok((config.clone(), key));
        }
        let mut config = Config::parse(text, Path::new("config.toml")).map_err(|d| vec![d])?;
        if let Some(url) = &self.settings.base_url {
            config
                .set_base_url(url)
                .map_err(|e| vec![Diagnostic::error(e)])?;
        }
        let config = Arc::new(config);
        self.memo.config = Some((key, config.clone()));
        Ok((config, key))
    }

    /// The theme: `themes/<name>/templates/` with the site's `templates/` on top (kept while
    /// every template's text is the same).
    pub(super) fn theme(&mut self, config: &Config) -> Result<(Arc<Theme>, Key), Diagnostic> {
        let name = &config.theme;
        let theme_dir = Path::new("themes").join(name);
        let built_in = !self.inputs.has_dir(&theme_dir) && name == builtin::NAME;
        if !self.inputs.has_dir(&theme_dir) && !built_in {
            return Err(theme_not_found(&self.inputs, config));
        }
        let templates_dir = theme_dir.join("templates");
        let mut files = templates::Files::new();
        if built_in {
            // The default theme in the binary: its files are part of the binary's identity.
            let shown = Path::new(builtin::SHOWN_AS).join("templates");
            for (name, text) in builtin::TEMPLATES {
                let key = Key::of("built-in template", &(name, text));
                files.insert(name.to_string(), (shown.join(name), Arc::from(*text), key));
            }
        }
        templates::gather(&self.inputs, name, None, &mut files)?;
        let key = Key::of(
            "theme",
            &(name, config.limits.page_time(), templates::identity(&files)),
        );
        if let Some((k, theme)) = &self.memo.theme
            && *k == key
        {
            return Ok((theme.clone(), key));
        }
        let page_time = config.limits.page_time();
        let theme = Theme::from_sources(name, templates::sources(files), &templates_dir, page_time)
            .map_err(|d| {
                if d.file.is_none() {
                    config.point_at(d, "theme")
                } else {
                    d
                }
            })?;
        let theme = Arc::new(theme);
        self.memo.theme = Some((key, theme.clone()));
        Ok((theme, key))
    }
}

fn theme_not_found(inputs: &Inputs, config: &Config) -> Diagnostic {
    let mut available: Vec<String> = inputs
        .files_under(Path::new("themes"))
        .filter_map(|(_, rel, _)| rel.components().next())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    available.dedup();
    if !available.iter().any(|n| n == builtin::NAME) {
        available.push(format!("{} (built in)", builtin::NAME));
    }
    let d = Diagnostic::error(format!("theme `{}` not found in `themes/`", config.theme)).help(
        format!(
            "themes available: {}; a theme is a folder `themes/<name>/templates/`",
            available.join(", ")
        ),
    );
    config.point_at(d, "theme")
}
