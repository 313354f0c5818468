//! `folio build` as the four steps: load → model → render → write. Also the in-memory part
//! (`prepare`) that `check` and `serve` reuse.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content;
use crate::diagnostics::{self, Diagnostic, display_path};
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
    pub theme: Arc<Theme>,
    /// Article bodies, in `site.articles` order.
    pub bodies: Vec<Arc<Rendered>>,
    pub picks: Vec<Vec<Pick>>,
    /// Static files: output path → source file.
    pub statics: BTreeMap<String, PathBuf>,
    /// Files beside folder articles: output path (next to the page) → source file.
    pub article_assets: BTreeMap<String, PathBuf>,
    /// Generated files (e.g. the highlighting stylesheet): output path → bytes.
    pub generated: BTreeMap<String, Vec<u8>>,
    /// Static and generated file → URL for templates (with a content hash when busting caches).
    pub assets: BTreeMap<String, String>,
    pub warnings: Vec<Diagnostic>,
}

impl Prepared {
    /// Every file copied as it is: static files, then article assets.
    pub fn copied_files(&self) -> impl Iterator<Item = (&String, &PathBuf)> {
        self.statics.iter().chain(&self.article_assets)
    }

    /// The render model over this site.
    pub fn model(&self) -> Model<'_> {
        Model::new(&self.site, &self.bodies, &self.picks, &self.assets)
    }
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
    output::check_target(&request.root, &request.output).map_err(|d| vec![d])?;
    output::clean_leftovers(&request.output);
    let mut phase = phase_timer();
    let prepared = prepare(&request.root, request.base_url.as_deref(), &request.options)?;
    phase("prepare");
    let staging = Staging::create(&request.output).map_err(|d| vec![d])?;
    match write_all(&prepared, &staging) {
        Ok(pages) => {
            phase("render and write");
            staging.commit().map_err(|d| vec![d])?;
            phase("swap in");
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
    let config = load_config(root, base_url)?;
    let mut phase = phase_timer();
    let (theme, loaded) = rayon::join(|| Theme::load(root, &config.theme), || content::load(root));
    phase("load");
    let theme = Arc::new(theme.map_err(|d| vec![locate_theme_error(&config, d)])?);
    let mut terms = related::TermCache::default();
    assemble(
        root,
        config,
        theme,
        loaded,
        options,
        &BodyCache::default(),
        &mut terms,
    )
}

/// With `FOLIO_TIMINGS` set, a function that prints how long each phase took to stderr.
pub(crate) fn phase_timer() -> impl FnMut(&str) {
    let on = std::env::var_os("FOLIO_TIMINGS").is_some();
    let mut last = Instant::now();
    move |name| {
        if on {
            eprintln!(
                "{name:>18}: {:>6.1} ms",
                last.elapsed().as_secs_f64() * 1000.0
            );
            last = Instant::now();
        }
    }
}

/// A theme problem that concerns config.toml points at its `theme` line.
pub fn locate_theme_error(config: &Config, d: Diagnostic) -> Diagnostic {
    let in_config = d.file.as_deref() == Some(Path::new("config.toml"));
    if in_config && d.span.is_none() {
        config.point_at(d, "theme")
    } else {
        d
    }
}

/// Read and parse `config.toml`, applying a `base_url` override.
pub fn load_config(root: &Path, base_url: Option<&str>) -> Result<Config, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(root.join("config.toml")).map_err(|e| {
        vec![Diagnostic::io(
            Path::new("config.toml"),
            "read the site config",
            &e,
        )]
    })?;
    let mut config = Config::parse(&text, Path::new("config.toml")).map_err(|d| vec![d])?;
    if let Some(url) = base_url {
        config
            .set_base_url(url)
            .map_err(|e| vec![Diagnostic::error(e)])?;
    }
    Ok(config)
}

/// Rendered bodies from an earlier build, reused for files whose text is unchanged.
#[derive(Default)]
pub struct BodyCache {
    bodies: HashMap<PathBuf, (Arc<str>, Arc<Rendered>)>,
}

impl BodyCache {
    /// Remember the bodies of `prepared`.
    pub fn from_prepared(prepared: &Prepared) -> BodyCache {
        let bodies = prepared
            .site
            .articles
            .iter()
            .zip(&prepared.bodies)
            .map(|(a, b)| (a.source.path.clone(), (a.source.text.clone(), b.clone())))
            .collect();
        BodyCache { bodies }
    }

    fn get(&self, path: &Path, text: &Arc<str>) -> Option<Arc<Rendered>> {
        let (old, body) = self.bodies.get(path)?;
        (Arc::ptr_eq(old, text) || **old == **text).then(|| body.clone())
    }
}

/// Model the loaded content, render bodies (reusing `cache`), rank More articles, and
/// collect static and generated files. Pure but for listing static files.
pub fn assemble(
    root: &Path,
    config: Config,
    theme: Arc<Theme>,
    loaded: content::Content,
    options: &BuildOptions,
    cache: &BodyCache,
    terms: &mut related::TermCache,
) -> Result<Prepared, Vec<Diagnostic>> {
    let mut phase = phase_timer();
    let (site, mut warnings) = site::build_site(config, loaded, options).map_err(sorted)?;
    phase("model");
    let bodies = render_bodies(&site, cache, &mut warnings)?;
    phase("markdown");
    let picks = related::rank_all_cached(&site, terms);
    phase("more articles");
    let mut generated = BTreeMap::new();
    let h = &site.config.markdown.highlight;
    // Checked on every build, so a typo shows before the first code block is written.
    for (key, name) in [("light", &h.light), ("dark", &h.dark)] {
        highlight::check_theme_name(name).map_err(|e| {
            let d = Diagnostic::error(format!("bad `[markdown.highlight]` theme: {e}"));
            vec![site.config.point_at(d, key)]
        })?;
    }
    if bodies.iter().any(|b| b.has_code) {
        let css = highlight::stylesheet(&h.light, &h.dark)
            .map_err(|e| vec![Diagnostic::error(e).in_file("config.toml")])?;
        generated.insert("css/highlight.css".to_string(), css.into_bytes());
    }
    let (mut statics, built_in) =
        crate::render::theme::split_static(theme.static_files(root).map_err(|d| vec![d])?);
    generated.extend(built_in);
    let (brand_files, brand_warnings) = crate::brand::load(root, &site.config)?;
    statics.extend(brand_files);
    warnings.extend(brand_warnings);
    let article_assets = site
        .articles
        .iter()
        .flat_map(|article| {
            let dir = article.source.path.parent().unwrap_or(Path::new(""));
            article.source.assets.iter().map(move |asset| {
                let inside = display_path(asset.strip_prefix(dir).unwrap_or(asset));
                (
                    format!("articles/{}/{inside}", article.slug),
                    root.join(asset),
                )
            })
        })
        .collect();
    let assets = asset_urls(
        &site.config.base_path(),
        &statics,
        &generated,
        options.cache_bust,
    );
    diagnostics::sort(&mut warnings);
    Ok(Prepared {
        site,
        theme,
        bodies,
        picks,
        statics,
        article_assets,
        generated,
        assets,
        warnings,
    })
}

fn sorted(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics::sort(&mut diags);
    diags
}

/// Markdown of every article, in parallel; then links to headings of other articles.
fn render_bodies(
    site: &Site,
    cache: &BodyCache,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<Arc<Rendered>>, Vec<Diagnostic>> {
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
    let bodies: Vec<Arc<Rendered>> = site
        .articles
        .par_iter()
        .map(|a| {
            cache
                .get(&a.source.path, &a.source.text)
                .unwrap_or_else(|| {
                    Arc::new(markdown::render(
                        a.body(),
                        &a.source.path,
                        &a.source.assets,
                        md,
                        &targets,
                    ))
                })
        })
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

/// Static file path → its URL, with a content hash when `cache_bust` so CDNs never serve a
/// stale copy.
fn asset_urls(
    base: &str,
    statics: &BTreeMap<String, PathBuf>,
    generated: &BTreeMap<String, Vec<u8>>,
    cache_bust: bool,
) -> BTreeMap<String, String> {
    let url = |rel: &str, bytes: &[u8]| match cache_bust {
        true => format!("{base}{rel}?h={}", short_hash(bytes)),
        false => format!("{base}{rel}"),
    };
    let mut urls = BTreeMap::new();
    for (rel, path) in statics {
        let bytes = if cache_bust {
            std::fs::read(path).unwrap_or_default()
        } else {
            Vec::new()
        };
        urls.insert(rel.clone(), url(rel, &bytes));
    }
    for (rel, bytes) in generated {
        urls.insert(rel.clone(), url(rel, bytes));
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
fn write_all(p: &Prepared, staging: &Staging) -> Result<usize, Vec<Diagnostic>> {
    let model = p.model();
    let pages = model.render_all(&p.theme, &|rel, bytes| staging.write(rel, bytes))?;
    let mut errors = Vec::new();
    for (rel, bytes) in model.extra_files().map_err(|d| vec![d])? {
        errors.extend(staging.write(rel, &bytes).err());
    }
    for (rel, path) in p.copied_files() {
        errors.extend(staging.copy(path, rel).err());
    }
    for (rel, bytes) in &p.generated {
        errors.extend(staging.write(rel, bytes).err());
    }
    if errors.is_empty() {
        Ok(pages)
    } else {
        Err(errors)
    }
}
