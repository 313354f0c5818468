//! `folio build` as the four steps: load → model → render → write. Also the in-memory part
//! (`prepare`) that `check` and `serve` reuse.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content;
use crate::diagnostics::{self, Diagnostic};
use crate::markdown::{self, LinkTargets, Rendered, highlight};
use crate::output::{self, Staging};
use crate::related::{self, Pick};
use crate::render::{Model, Theme};
use crate::site::{self, BuildOptions, Site};

/// What to build, from where, to where.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    pub root: PathBuf,
    pub output: PathBuf,
    /// Overrides `base_url` from the config (preview deploys, `serve`).
    pub base_url: Option<String>,
    pub options: BuildOptions,
}

/// The site loaded, modelled and its articles rendered: everything but the pages.
pub struct Prepared {
    pub site: Site,
    pub theme: Theme,
    pub bodies: Vec<Rendered>,
    pub picks: Vec<Vec<Pick>>,
    /// Static files: output path → source file.
    pub statics: BTreeMap<String, PathBuf>,
    /// Generated files (e.g. the highlighting stylesheet): output path → bytes.
    pub generated: BTreeMap<String, Vec<u8>>,
    pub warnings: Vec<Diagnostic>,
}

/// What a successful build did.
#[derive(Debug)]
pub struct Built {
    pub articles: usize,
    pub pages: usize,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
}

/// Build the site into `request.output`; on any error the previous output is untouched.
pub fn build(request: &BuildRequest) -> Result<Built, Vec<Diagnostic>> {
    let started = Instant::now();
    let prepared = prepare(&request.root, request.base_url.as_deref(), &request.options)?;
    let staging = Staging::create(&request.output).map_err(|d| vec![d])?;
    match write_all(&prepared, &request.root, &staging) {
        Ok(pages) => {
            staging.commit().map_err(|d| vec![d])?;
            Ok(Built {
                articles: prepared.site.articles.len(),
                pages,
                elapsed: started.elapsed(),
                warnings: prepared.warnings,
            })
        }
        Err(errors) => {
            staging.discard();
            Err(errors)
        }
    }
}

/// Load, model and render article bodies, reporting every content error at once.
pub fn prepare(
    root: &Path,
    base_url: Option<&str>,
    options: &BuildOptions,
) -> Result<Prepared, Vec<Diagnostic>> {
    let config_path = root.join("config.toml");
    let config_text = std::fs::read_to_string(&config_path).map_err(|e| {
        vec![Diagnostic::io(
            Path::new("config.toml"),
            "read the site config",
            &e,
        )]
    })?;
    let mut config = Config::parse(&config_text, Path::new("config.toml")).map_err(|d| vec![d])?;
    if let Some(url) = base_url {
        config.set_base_url(url);
    }
    let (theme, loaded) = rayon::join(|| Theme::load(root, &config.theme), || content::load(root));
    let (site, mut warnings) = site::build_site(config, loaded, options).map_err(sorted)?;
    let theme = theme.map_err(|d| vec![d])?;
    let bodies = render_bodies(&site, &mut warnings)?;
    let picks = related::rank_all(&site);
    let mut generated = BTreeMap::new();
    if bodies.iter().any(|b| b.has_code) {
        let h = &site.config.markdown.highlight;
        let css = highlight::stylesheet(&h.light, &h.dark).map_err(|e| {
            vec![
                Diagnostic::error(format!("bad `[markdown.highlight]` theme: {e}"))
                    .in_file("config.toml"),
            ]
        })?;
        generated.insert("css/highlight.css".to_string(), css.into_bytes());
    }
    let statics = static_files(root, &theme)?;
    let mut prepared = Prepared {
        site,
        theme,
        bodies,
        picks,
        statics,
        generated,
        warnings,
    };
    let assets = asset_urls(&prepared);
    let site_value = {
        let model = Model::new(&prepared.site, &[], &[]);
        tera::Value::from_serializable(&model.site_context())
    };
    let globals = prepared.theme.tera.global_context();
    globals.insert_value("site", site_value);
    globals.insert("assets", &assets);
    diagnostics::sort(&mut prepared.warnings);
    Ok(prepared)
}

fn sorted(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics::sort(&mut diags);
    diags
}

/// Markdown of every article, in parallel; then links to headings of other articles.
fn render_bodies(
    site: &Site,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<Rendered>, Vec<Diagnostic>> {
    let files: HashMap<PathBuf, usize> = site
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.source.path.clone(), i))
        .collect();
    let base_path = site.config.base_path();
    let urls: Vec<String> = site
        .articles
        .iter()
        .map(|a| format!("{base_path}articles/{}/", a.slug))
        .collect();
    let targets = LinkTargets {
        files: &files,
        urls: &urls,
    };
    let md = &site.config.markdown;
    let bodies: Vec<Rendered> = site
        .articles
        .par_iter()
        .map(|a| markdown::render(a.body(), &a.source.path, &a.source.assets, md, &targets))
        .collect();
    let mut diags = Vec::new();
    for (article, body) in site.articles.iter().zip(&bodies) {
        let src = &article.source;
        let at =
            |span: &std::ops::Range<usize>| src.body.start + span.start..src.body.start + span.end;
        for p in &body.problems {
            let d = if p.is_error {
                Diagnostic::error(&p.message)
            } else {
                Diagnostic::warning(&p.message)
            };
            diags.push(
                d.in_file(&src.path)
                    .at(&src.text, at(&p.span))
                    .label(&p.label),
            );
        }
        for link in &body.anchor_links {
            if !bodies[link.article].heading_ids.contains(&link.anchor) {
                let target = &site.articles[link.article];
                diags.push(
                    Diagnostic::error(format!(
                        "link to a missing heading `#{}` in `{}`",
                        link.anchor, target.slug
                    ))
                    .in_file(&src.path)
                    .at(&src.text, at(&link.span))
                    .label("no heading has this id")
                    .help(format!(
                        "headings of `{}`: {}",
                        target.slug,
                        sorted_ids(&bodies[link.article])
                    )),
                );
            }
        }
    }
    let (errors, warns): (Vec<_>, Vec<_>) = diags.into_iter().partition(Diagnostic::is_error);
    warnings.extend(warns);
    if errors.is_empty() {
        Ok(bodies)
    } else {
        Err(sorted(errors))
    }
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

/// The theme's `static/`, then the site's `static/` on top.
fn static_files(root: &Path, theme: &Theme) -> Result<BTreeMap<String, PathBuf>, Vec<Diagnostic>> {
    let mut files = BTreeMap::new();
    for dir in theme
        .static_dir
        .iter()
        .cloned()
        .chain(Some(root.join("static")))
    {
        if !dir.is_dir() {
            continue;
        }
        let list = output::files_under(&dir).map_err(|e| {
            vec![
                Diagnostic::error(format!("cannot read static files: {e}"))
                    .in_file(content::relative(root, &dir)),
            ]
        })?;
        files.extend(list.into_iter().map(|(path, rel)| (rel, path)));
    }
    Ok(files)
}

/// Static file path → its URL with a content hash, so CDNs never serve a stale copy.
fn asset_urls(p: &Prepared) -> BTreeMap<String, String> {
    let base = p.site.config.base_path();
    let mut urls = BTreeMap::new();
    for (rel, path) in &p.statics {
        if let Ok(bytes) = std::fs::read(path) {
            urls.insert(rel.clone(), format!("{base}{rel}?h={}", short_hash(&bytes)));
        }
    }
    for (rel, bytes) in &p.generated {
        urls.insert(rel.clone(), format!("{base}{rel}?h={}", short_hash(bytes)));
    }
    urls
}

/// A short content hash for cache busting (not for security).
fn short_hash(bytes: &[u8]) -> String {
    let mut h = std::hash::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("{:08x}", h.finish() as u32)
}

/// Render and write every page, static file and article asset into `staging`.
fn write_all(p: &Prepared, root: &Path, staging: &Staging) -> Result<usize, Vec<Diagnostic>> {
    let model = Model::new(&p.site, &p.bodies, &p.picks);
    let pages = model.render_all(&p.theme, &|rel, bytes| staging.write(rel, bytes))?;
    let mut errors = Vec::new();
    for (rel, bytes) in model.extra_files().map_err(|d| vec![d])? {
        errors.extend(staging.write(rel, &bytes).err());
    }
    for (rel, path) in &p.statics {
        errors.extend(staging.copy(path, rel).err());
    }
    for (rel, bytes) in &p.generated {
        errors.extend(staging.write(rel, bytes).err());
    }
    for article in &p.site.articles {
        let dir = article.source.path.parent().unwrap_or(Path::new(""));
        for asset in &article.source.assets {
            let inside = asset
                .strip_prefix(dir)
                .unwrap_or(asset)
                .to_string_lossy()
                .replace('\\', "/");
            errors.extend(
                staging
                    .copy(
                        &root.join(asset),
                        &format!("articles/{}/{inside}", article.slug),
                    )
                    .err(),
            );
        }
    }
    if errors.is_empty() {
        Ok(pages)
    } else {
        Err(errors)
    }
}
