//! The files that are not pages: static files (the theme's, then the site's on top), the
//! files beside folder articles, and generated ones (the highlighting stylesheet), with the
//! URLs templates use for them (carrying a content hash when caches are busted).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::inputs::Inputs;
use super::model::Site;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, display_path};
use crate::key::Key;
use crate::markdown::highlight;

/// A file copied as it is: its source (relative to the site root) and its key.
#[derive(Debug, Clone)]
pub struct Copied {
    pub source: PathBuf,
    pub key: Key,
}

/// A file made by the build, with its key.
#[derive(Debug, Clone)]
pub struct Generated {
    pub bytes: Vec<u8>,
    pub key: Key,
}

/// Static files by output path: `themes/<theme>/static/` and then `static/` on top.
pub fn statics(
    inputs: &Inputs,
    theme: &str,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Copied> {
    let theme_static = Path::new("themes").join(theme).join("static");
    let mut out = BTreeMap::new();
    for dir in [theme_static.as_path(), Path::new("static")] {
        for (path, rel, file) in inputs.files_under(dir) {
            match file {
                Ok(f) => {
                    out.insert(
                        display_path(rel),
                        Copied {
                            source: path.to_path_buf(),
                            key: f.key,
                        },
                    );
                }
                Err(d) => diags.push(d.clone()),
            }
        }
    }
    out
}

/// Files beside folder articles, by output path (next to the article's page).
pub fn article_assets(site: &Site, inputs: &Inputs) -> BTreeMap<String, Copied> {
    // On every core, then sorted once: a warm build looks up every asset again, and a
    // lookup compares paths a component at a time.
    let found: Vec<(String, Copied)> = site
        .articles
        .par_iter()
        .flat_map_iter(|article| {
            let dir = article.source.path.parent().unwrap_or(Path::new(""));
            article.assets.iter().filter_map(move |asset| {
                let key = inputs.file_key(asset)?;
                let inside = display_path(asset.strip_prefix(dir).unwrap_or(asset));
                let copied = Copied {
                    source: asset.clone(),
                    key,
                };
                Some((format!("articles/{}/{inside}", article.slug), copied))
            })
        })
        .collect();
    // As inserting them in order would: a later duplicate wins.
    found.into_iter().collect()
}

/// Files by output path, and warnings.
pub type BrandFiles = (BTreeMap<String, Copied>, Vec<Diagnostic>);

/// The brand's files (`[brand]` logo and favicon, authors' photos), by output path; and the
/// brand's warnings. A file named there must be a source of the site.
pub fn brand(config: &Config, inputs: &Inputs) -> Result<BrandFiles, Vec<Diagnostic>> {
    let key = |path: &Path| inputs.file_key(path);
    let (files, warnings) = crate::brand::load(config, |p| key(p).is_some())?;
    let copied = files
        .into_iter()
        .filter_map(|(output, source)| {
            let key = key(&source)?;
            Some((output, Copied { source, key }))
        })
        .collect();
    Ok((copied, warnings))
}

/// The built-in theme's static files (a site without `themes/<name>/`), by output path.
pub fn built_in_statics() -> Vec<(String, Generated)> {
    crate::render::builtin::STATIC
        .iter()
        .map(|(path, bytes)| {
            let rel = path.strip_prefix("static/").unwrap_or(path);
            (
                rel.to_string(),
                Generated {
                    bytes: bytes.to_vec(),
                    key: Key::of_bytes(bytes),
                },
            )
        })
        .collect()
}

/// The stylesheet for highlighted code, when a body has code.
pub fn generated(site: &Site, has_code: bool) -> Result<BTreeMap<String, Generated>, Diagnostic> {
    let h = &site.config.markdown.highlight;
    // Checked on every build, so a typo shows before the first code block is written.
    for (key, name) in [("light", &h.light), ("dark", &h.dark)] {
        highlight::check_theme_name(name).map_err(|e| {
            let d = Diagnostic::error(format!("bad `[markdown.highlight]` theme: {e}"));
            site.config.point_at(d, key)
        })?;
    }
    let mut out = BTreeMap::new();
    if has_code {
        let css = highlight::stylesheet(&h.light, &h.dark)
            .map_err(|e| Diagnostic::error(e).in_file("config.toml"))?;
        let key = Key::of_bytes(css.as_bytes());
        out.insert(
            "css/highlight.css".to_string(),
            Generated {
                bytes: css.into_bytes(),
                key,
            },
        );
    }
    Ok(out)
}

/// Static or generated file → its URL for templates; with `cache_bust`, a content hash is
/// appended so CDNs never serve a stale copy.
pub fn asset_urls(
    base: &str,
    statics: &BTreeMap<String, Copied>,
    generated: &BTreeMap<String, Generated>,
    cache_bust: bool,
) -> BTreeMap<String, String> {
    let url = |rel: &str, key: Key| match cache_bust {
        true => format!("{base}{rel}?h={}", key.short()),
        false => format!("{base}{rel}"),
    };
    statics
        .iter()
        .map(|(rel, c)| (rel.clone(), url(rel, c.key)))
        .chain(
            generated
                .iter()
                .map(|(rel, g)| (rel.clone(), url(rel, g.key))),
        )
        .collect()
}
