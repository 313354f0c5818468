//! `config.toml`: the schema (unknown keys rejected, with a suggestion) and its defaults.
//! Parsing only; nothing here reads the disk.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{self, Diagnostic};

mod sections;

pub use sections::*;

/// The whole site configuration, as written in `config.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    pub base_url: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Articles per index page.
    #[serde(default = "default_paginate")]
    pub paginate: usize,
    #[serde(default)]
    pub authors: BTreeMap<String, AuthorConfig>,
    #[serde(default)]
    pub services: Vec<Service>,
    #[serde(default)]
    pub offices: Vec<Office>,
    #[serde(default)]
    pub cta: Option<Cta>,
    #[serde(default)]
    pub more_articles: MoreArticles,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    #[serde(default)]
    pub feed: FeedConfig,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub images: ImagesConfig,
    #[serde(default)]
    pub cards: CardsConfig,
    #[serde(default)]
    pub brand: BrandConfig,
    /// `[series.<id>]`: titles of article series.
    #[serde(default)]
    pub series: BTreeMap<String, SeriesConfig>,
    #[serde(default)]
    pub redirects: RedirectsConfig,
    /// Where folio keeps what it made between builds (rendered bodies, image variants,
    /// cards), from the site folder; default `.folio-cache`.
    #[serde(default)]
    pub cache_dir: Option<String>,
    #[serde(default)]
    pub search: SearchConfig,
    /// Free-form values for templates.
    #[serde(default)]
    pub extra: BTreeMap<String, toml::Value>,
    /// The text of config.toml, for pointing at a key in later messages.
    #[serde(skip)]
    pub source: Arc<str>,
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_paginate() -> usize {
    10
}

impl Config {
    /// Parse `config.toml`'s text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Diagnostic> {
        let source: Arc<str> = Arc::from(text);
        let mut config: Config = toml::from_str(text).map_err(|err| {
            let mut diag = Diagnostic::error(format!("invalid config: {}", err.message()))
                .in_file(path)
                .at(&source, err.span().unwrap_or(0..0));
            if let Some((key, suggestion)) = diagnostics::unknown_field(err.message()) {
                diag.message = format!("unknown config key `{key}`");
                diag = match suggestion {
                    Some(s) => diag.label(format!("did you mean `{s}`?")),
                    None => diag.label("not a known key"),
                };
            }
            diag
        })?;
        config.source = source;
        if let Err(e) = check_base_url(&config.base_url) {
            return Err(config
                .point_at(Diagnostic::error(e), "base_url")
                .help("write it like `base_url = \"https://example.com/\"`"));
        }
        if config.paginate == 0 {
            return Err(config.point_at(
                Diagnostic::error("`paginate` must be at least 1"),
                "paginate",
            ));
        }
        if config.limits.tags_per_article == 0 {
            return Err(config.point_at(
                Diagnostic::error("`tags_per_article` must be at least 1"),
                "tags_per_article",
            ));
        }
        let seconds = config.limits.page_render_seconds;
        if !(0.1..=3600.0).contains(&seconds) {
            return Err(config.point_at(
                Diagnostic::error(format!(
                    "`page_render_seconds` must be between 0.1 and 3600, found {seconds}"
                )),
                "page_render_seconds",
            ));
        }
        if config.search.excerpt_words == 0 {
            return Err(config.point_at(
                Diagnostic::error("`excerpt_words` must be at least 1"),
                "excerpt_words",
            ));
        }
        let theme = config.theme.as_str();
        if theme.trim().is_empty() {
            return Err(config
                .point_at(Diagnostic::error("`theme` is empty"), "theme")
                .help("the default theme is `theme = \"default\"`"));
        }
        if theme.contains(['/', '\\']) || theme == "." || theme == ".." {
            let d = Diagnostic::error(format!(
                "`theme` must be the name of a folder in `themes/`, found `{theme}`"
            ));
            return Err(config.point_at(d, "theme"));
        }
        config.check_ids("authors", config.authors.keys(), "an author id is what articles write after `author:`: lowercase letters, digits, `-` and `_`, like `[authors.ana-p]`")?;
        config.check_ids("series", config.series.keys(), "a series id is what articles write in `series: {id: ..., part: ...}`: lowercase letters, digits, `-` and `_`, like `[series.postgres-at-scale]`")?;
        config.check_media()?;
        crate::brand::check_config(&config)?;
        config.base_url = with_trailing_slash(config.base_url.trim());
        Ok(config)
    }

    /// `[images]` and `[cards]` values that parse but make no sense.
    fn check_media(&self) -> Result<(), Diagnostic> {
        let images = &self.images;
        if let Some(w) = images.widths.iter().find(|w| !(16..=8192).contains(*w)) {
            let d = Diagnostic::error(format!("image width {w} is out of range"))
                .help("widths are in pixels, from 16 to 8192, like `widths = [480, 960, 1600]`");
            return Err(self.point_at(d, "widths"));
        }
        if !(1..=100).contains(&images.quality) {
            let d = Diagnostic::error(format!(
                "image quality must be from 1 to 100, found {}",
                images.quality
            ));
            return Err(self.point_at(d, "quality"));
        }
        Ok(())
    }

    /// An error at the first `[<section>.<id>]` whose id is no slug (`help` says what is).
    fn check_ids<'a>(
        &self,
        section: &str,
        ids: impl Iterator<Item = &'a String>,
        help: &str,
    ) -> Result<(), Diagnostic> {
        let mut ids = ids;
        let Some(id) = ids.find(|id| crate::content::slug::Slug::parse(id).is_err()) else {
            return Ok(());
        };
        let what = match section {
            "authors" => "author",
            other => other,
        };
        let d = Diagnostic::error(format!("invalid {what} id `{id}`")).help(help);
        let table = format!("[{section}.");
        Err(self.point_at_line(d, |line| {
            line.starts_with(&table) && line.contains(id.as_str())
        }))
    }

    /// Point `diag` at the first line of config.toml for which `matches` holds (given the
    /// line without leading spaces).
    pub fn point_at_line(&self, diag: Diagnostic, matches: impl Fn(&str) -> bool) -> Diagnostic {
        let mut offset = 0;
        for line in self.source.split_inclusive('\n') {
            let trimmed = line.trim_start();
            if matches(trimmed) {
                let start = offset + (line.len() - trimmed.len());
                let end = offset + line.trim_end().len();
                return diag.in_file("config.toml").at(&self.source, start..end);
            }
            offset += line.len();
        }
        diag.in_file("config.toml")
    }

    /// Point `diag` at the line of `key` in config.toml (its first line that starts with it).
    pub fn point_at(&self, diag: Diagnostic, key: &str) -> Diagnostic {
        self.point_at_line(diag, |line| {
            line.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
    }

    /// The path part of `base_url`: `/` or e.g. `/blog/`. Every site link starts with it.
    pub fn base_path(&self) -> String {
        let after_scheme = self.base_url.split_once("://").map_or("", |(_, r)| r);
        match after_scheme.find('/') {
            Some(i) => with_trailing_slash(&after_scheme[i..]),
            None => "/".into(),
        }
    }

    /// Replace `base_url` (e.g. `--base-url` for preview deploys); it must be absolute.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        check_base_url(url)?;
        self.base_url = with_trailing_slash(url.trim());
        Ok(())
    }
}

/// A base URL must be absolute, so feeds, canonical links and sitemaps work anywhere.
pub fn check_base_url(url: &str) -> Result<(), String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = match rest {
        Some(host)
            if !host.is_empty() && !host.starts_with('/') && !url.contains(char::is_whitespace) =>
        {
            host
        }
        _ => {
            return Err(format!(
                "base URL must be an absolute http(s) URL like `https://example.com/`, found `{url}`"
            ));
        }
    };
    // Every page's address is the base URL with a path appended: after a `?` or `#` that
    // path would be a query or a fragment, and every link of the site would lead home.
    if url.contains(['?', '#']) {
        return Err(format!(
            "base URL cannot have a query or fragment (`?`, `#`): page paths are appended to it; found `{url}`"
        ));
    }
    let authority = host.split('/').next().unwrap_or(host);
    if authority.contains('@') {
        return Err(format!(
            "base URL cannot hold a user name or password (`user@`): it is printed in every page, feed and sitemap; found `{url}`"
        ));
    }
    Ok(())
}

fn with_trailing_slash(s: &str) -> String {
    if s.ends_with('/') {
        s.to_string()
    } else {
        format!("{s}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title = \"T\"\nbase_url = \"https://example.com/blog\"\n";

    #[test]
    fn defaults_fill_optional_keys() {
        let c = Config::parse(MINIMAL, Path::new("config.toml")).unwrap();
        assert_eq!(c.theme, "default");
        assert_eq!(c.more_articles.count, 4);
        assert_eq!(c.base_url, "https://example.com/blog/");
        assert_eq!(c.base_path(), "/blog/");
        assert!(c.markdown.smart_punctuation);
        assert!(c.search.enabled);
        assert_eq!(c.search.excerpt_words, 30);
    }

    #[test]
    fn unknown_key_is_named_with_suggestion_and_line() {
        let text = format!("{MINIMAL}descripton = \"x\"\n");
        let err = Config::parse(&text, Path::new("config.toml")).unwrap_err();
        assert_eq!(err.message, "unknown config key `descripton`");
        assert_eq!(err.label.as_deref(), Some("did you mean `description`?"));
        assert_eq!(err.line_col().unwrap().0, 3);
    }

    #[test]
    fn base_url_with_query_fragment_or_user_is_rejected() {
        for (url, why) in [
            ("https://x.com/blog/?ref=a", "query or fragment"),
            ("https://x.com/#top", "query or fragment"),
            ("https://user:secret@x.com/", "user name or password"),
            ("https://user@x.com/blog/", "user name or password"),
        ] {
            let err = check_base_url(url).unwrap_err();
            assert!(err.contains(why), "{url}: {err}");
        }
        assert!(check_base_url("https://x.com/blog/@team/").is_ok());
        assert!(check_base_url("http://localhost:1111/").is_ok());
    }

    #[test]
    fn relative_base_url_is_rejected() {
        let err = Config::parse("title = \"T\"\nbase_url = \"/x\"\n", Path::new("c")).unwrap_err();
        assert!(err.message.contains("absolute"));
        assert_eq!(err.line_col().unwrap().0, 2);
    }
}
