//! The engine behind `build`, `check` and `serve`: sources in (`inputs`), the site out to a
//! `Sink`. Every derived value — config, theme, rendered bodies, filled links, ranking,
//! cards, pages — is kept under a key that hashes all of its inputs (`memo`), so a rebuild
//! after an edit redoes exactly what the edit touched and gives the same bytes as a build
//! from scratch, by construction. The three commands differ only in their sink.

pub mod aliases;
pub mod bodies;
mod cache;
mod components;
mod extras;
pub mod files;
pub mod inputs;
pub mod links;
pub mod media;
mod memo;
pub mod model;
mod packed;
pub mod pages;
pub mod rank;
pub mod search;
pub mod series;
mod setup;
mod stat_keys;
mod templates;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::diagnostics::{self, Diagnostic};
use crate::images::ArticleImages;
use crate::key::{Key, Keyed};
use crate::markdown::{Body, Rendered};
use crate::output::Sink;
use crate::render::{Card, Globals, Model, Theme};
use files::{Copied, Generated};
use inputs::Inputs;
use media::{CardKit, Made, MediaMemo};
use model::{BuildOptions, Site, Sources};
use rank::{Pick, RankMemo};
use stat_keys::StatKeys;

/// How to build, besides the sources: a `base_url` override and which articles go in.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Replaces `base_url` from config.toml (`--base-url`, and `serve`'s own address).
    pub base_url: Option<String>,
    pub options: BuildOptions,
    /// Where made files are kept between builds (rendered bodies, image variants, cards);
    /// `None`: `cache_dir` from config.toml, else the site's `.folio-cache/`.
    pub cache_dir: Option<PathBuf>,
    pub cache: CacheUse,
}

/// How a build uses the cache folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CacheUse {
    /// Read what earlier builds made, keep what this one makes.
    #[default]
    ReadWrite,
    /// Read, never write (`folio check` writes nothing).
    ReadOnly,
    /// Neither (`--no-cache`): pictures are made in a temporary folder.
    Off,
}

/// The site, modelled and rendered up to its pages: what `check` and `related` inspect and
/// what `write` turns into files.
pub struct Prepared {
    pub site: Arc<Site>,
    pub theme: Arc<Theme>,
    pub theme_key: Key,
    pub globals: Arc<Keyed<Globals>>,
    /// Each folder article's images, planned (by article index).
    pub images: Vec<Arc<Keyed<ArticleImages>>>,
    /// What drawing social cards needs, when the site draws them.
    pub cards_kit: Option<CardKit>,
    /// By article index.
    pub rendered: Vec<Arc<Keyed<Rendered>>>,
    /// By article index.
    pub bodies: Vec<Arc<Keyed<Body>>>,
    /// By article index.
    pub cards: Vec<Arc<Keyed<Card>>>,
    pub picks: Arc<Vec<Vec<Pick>>>,
    /// Static files and files beside articles, by output path.
    pub copied: BTreeMap<String, Copied>,
    /// Generated files (the highlighting stylesheet), by output path.
    pub generated: BTreeMap<String, Generated>,
    /// The full-text search index, unless `[search]` is off.
    pub search: Option<search::SearchIndex>,
    pub warnings: Vec<Diagnostic>,
}

impl Prepared {
    /// The render model over this site.
    pub fn model(&self) -> Model<'_> {
        Model {
            site: &self.site,
            globals: &self.globals,
            cards: &self.cards,
            bodies: &self.bodies,
            picks: &self.picks,
        }
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct Built {
    pub articles: usize,
    pub pages: usize,
    /// Pages rendered by this build (the others the sink already held).
    pub rendered: usize,
    /// Every output path and the key it was made from.
    pub files: BTreeMap<String, Key>,
    /// Image variants encoded and cards drawn (what the cache did not hold).
    pub made: Made,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
}

/// The engine: the sources as last read and every value derived from them.
pub struct Engine {
    inputs: Inputs,
    settings: Settings,
    memo: Memos,
    /// With `--no-cache`: where pictures are made, removed with the engine.
    scratch: Option<tempfile::TempDir>,
    /// `StatKeys::digest` of the table of keys and parses by file status the last run kept.
    stat_digest: Key,
}

/// Values kept between builds, each by the key of its inputs.
#[derive(Default)]
struct Memos {
    config: Option<(Key, Arc<Config>)>,
    theme: Option<(Key, Arc<Theme>)>,
    components: components::ComponentsMemo,
    rendered: bodies::RenderedMemo,
    bodies: links::BodyMemo,
    rank: RankMemo,
    cards: pages::CardMemo,
    media: MediaMemo,
    search: search::SearchMemo,
}

impl Engine {
    /// Read the site at `root`.
    pub fn new(root: &Path, settings: Settings) -> Result<Engine, Diagnostic> {
        let scratch =
            match settings.cache == CacheUse::Off {
                true => Some(tempfile::tempdir().map_err(|e| {
                    Diagnostic::error(format!("cannot make a temporary folder: {e}"))
                })?),
                false => None,
            };
        // The keys of unchanged static files and images, from the cache the build will use
        // (config.toml may name it: read for that one key before the sources are).
        let kept = match cache::early_dir(root, &settings) {
            None => StatKeys::default(),
            Some(dir) => StatKeys::load(&crate::disk_cache::DiskCache::new(&dir, "inputs")),
        };
        let inputs = Inputs::read_with(root, &kept)?;
        let stat_digest = kept.digest();
        Ok(Engine {
            inputs,
            settings,
            memo: Memos::default(),
            scratch,
            stat_digest,
        })
    }

    /// The sources as last read.
    pub fn inputs(&self) -> &Inputs {
        &self.inputs
    }

    /// Take note of `paths` that changed on disk; whether any source changed.
    pub fn refresh(&mut self, paths: &[PathBuf]) -> bool {
        self.inputs.refresh(paths)
    }

    /// Forget every derived value (after a panic, nothing kept may be trusted).
    pub fn forget(&mut self) {
        self.memo = Memos::default();
    }

    /// Build the site into `sink`.
    pub fn build(&mut self, sink: &dyn Sink) -> Result<Built, Vec<Diagnostic>> {
        let started = Instant::now();
        let prepared = self.prepare()?;
        let mut built = self.write(&prepared, sink)?;
        self.untorn()?;
        built.elapsed = started.elapsed();
        Ok(built)
    }

    /// An error for each article that changed while the build read it (`Inputs::torn`): its
    /// text no longer matched the parse taken from its earlier status. Nothing made from it
    /// may be published; the next build reads it afresh.
    fn untorn(&self) -> Result<(), Vec<Diagnostic>> {
        let torn = self.inputs.torn();
        if torn.is_empty() {
            return Ok(());
        }
        Err(torn
            .into_iter()
            .map(|path| {
                Diagnostic::error("the file changed while the build was reading it")
                    .in_file(path)
                    .help("build again: the next build reads it afresh")
            })
            .collect())
    }

    /// Render and hand to `sink` every page and file of `prepared`: the pages and the
    /// pictures side by side (no path comes from both: `media::clashes`).
    pub fn write(&self, prepared: &Prepared, sink: &dyn Sink) -> Result<Built, Vec<Diagnostic>> {
        let mut phase = phase_timer();
        let cache_dir = self.cache_dir();
        let (built, pictures) = rayon::join(
            || self.write_pages(prepared, sink),
            || {
                media::write(
                    &prepared.site,
                    &prepared.images,
                    &prepared.theme,
                    prepared.cards_kit.as_ref(),
                    (self.inputs.root(), &cache_dir),
                    sink,
                )
            },
        );
        phase("pages and pictures");
        let mut built = built?;
        let (pictures, made) = pictures?;
        built.files.extend(pictures);
        built.made = made;
        Ok(built)
    }

    /// `write` without the pictures (image variants, cards), which need encoding and
    /// drawing: what `check` looks at, at no cost and writing nothing, not even the cache.
    pub fn write_pages(
        &self,
        prepared: &Prepared,
        sink: &dyn Sink,
    ) -> Result<Built, Vec<Diagnostic>> {
        let started = Instant::now();
        let mut phase = phase_timer();
        let written = pages::write(
            &prepared.model(),
            (&prepared.theme, prepared.theme_key),
            pages::Others {
                copied: &prepared.copied,
                generated: &prepared.generated,
                search: prepared.search.as_ref(),
                root: self.inputs.root(),
            },
            sink,
        )?;
        phase("render and write");
        self.untorn()?;
        Ok(Built {
            articles: prepared.site.articles.len(),
            pages: written.pages,
            rendered: written.rendered,
            files: written.files,
            made: Made::default(),
            elapsed: started.elapsed(),
            warnings: prepared.warnings.clone(),
        })
    }

    /// Model the site and render everything but its pages, reporting every content error
    /// at once.
    pub fn prepare(&mut self) -> Result<Prepared, Vec<Diagnostic>> {
        let mut phase = phase_timer();
        let (config, config_key) = self.config()?;
        let theme = self.theme(&config);
        let mut diags: Vec<Diagnostic> = self.inputs.walk_errors().cloned().collect();
        let (theme, theme_key) = match theme {
            Ok(t) => t,
            Err(d) => {
                // A theme folder refused (a link out of the site) is reported as that alone.
                let theme_dir = Path::new("themes").join(&config.theme);
                if !diags
                    .iter()
                    .any(|w| w.file.as_ref().is_some_and(|f| f.starts_with(&theme_dir)))
                {
                    diags.push(d);
                }
                return Err(sorted(diags));
            }
        };
        let mut articles = Vec::new();
        let mut content_files = Vec::new();
        for (_, article) in self.inputs.articles() {
            match article {
                Ok(a) => articles.push(a.clone()),
                Err(d) => diags.push(d.clone()),
            }
        }
        for (path, _, _) in self.inputs.files_under(Path::new("content")) {
            content_files.push(path);
        }
        if !self.inputs.has_folder("content") {
            diags.push(
                Diagnostic::error(
                    "no `content/` folder: articles go in `content/articles/<slug>.md`",
                )
                .in_file("content"),
            );
        }
        let sources = Sources {
            config: config.clone(),
            articles,
            problems: diags,
            content_files: &content_files,
        };
        let (site, mut warnings) =
            model::build_site(sources, &self.settings.options).map_err(sorted)?;
        if !site.series.is_empty() && !theme.has(crate::render::series::TEMPLATE) {
            let dir = Path::new("themes").join(&config.theme).join("templates");
            return Err(vec![
                Diagnostic::error(format!(
                    "theme `{}` has no template `series.html`, and the site has a series",
                    config.theme
                ))
                .in_file(dir)
                .help("add `templates/series.html` to the theme or to the site"),
            ]);
        }
        phase("model");
        let probes = self.disk_cache("probes");
        let (images, problems) =
            media::plan_images(&site, &self.inputs, &mut self.memo.media, probes.as_ref());
        if !problems.is_empty() {
            return Err(sorted(problems));
        }
        phase("plan images");
        let components = components::load(&self.inputs, &config, &mut self.memo.components)
            .map_err(|d| vec![d])?;
        let cache = self.disk_cache("bodies");
        let rendered = bodies::render_all(
            &site,
            &images,
            (&mut self.memo.rendered, cache.as_ref()),
            &components,
        );
        let mut diags = bodies::problems(&site, &rendered);
        phase("markdown");
        let bodies = links::fill_all(&site, &rendered, &mut self.memo.bodies, &mut diags);
        phase("links");
        let (errors, warns): (Vec<_>, Vec<_>) = diags.into_iter().partition(Diagnostic::is_error);
        warnings.extend(warns);
        if !errors.is_empty() {
            return Err(sorted(errors));
        }
        let ranking = self.disk_cache("ranking");
        let picks = rank::rank_all_stored(&site, &mut self.memo.rank, ranking.as_ref());
        phase("more articles");
        let mut problems = Vec::new();
        let mut copied = files::statics(&self.inputs, &config.theme, &mut problems);
        copied.extend(files::article_assets(&site, &self.inputs));
        let (brand, brand_warnings) = files::brand(&config, &self.inputs).map_err(sorted)?;
        copied.extend(brand);
        warnings.extend(brand_warnings);
        let has_code = rendered.iter().any(|b| b.has_code);
        let mut generated = files::generated(&site, has_code).map_err(|d| vec![d])?;
        if !self
            .inputs
            .has_dir(&Path::new("themes").join(&config.theme))
        {
            // The built-in theme's static files, under the site's own.
            for (path, generated_file) in files::built_in_statics() {
                if !copied.contains_key(&path) {
                    generated.insert(path, generated_file);
                }
            }
        }
        if !problems.is_empty() {
            return Err(sorted(problems));
        }
        let base_path = config.base_path();
        let assets = files::asset_urls(
            &base_path,
            &copied,
            &generated,
            self.settings.options.cache_bust,
        );
        let authors = pages::authors(&site, &base_path, &assets);
        let search_page = theme.has(crate::render::SEARCH_TEMPLATE);
        let globals = Arc::new(Globals::new(
            config.clone(),
            config_key,
            authors,
            &assets,
            search_page,
        ));
        let cards_kit =
            media::card_kit(&site, &self.inputs, &theme, theme_key, &mut self.memo.media)
                .map_err(sorted)?;
        let (social, mut problems) = media::social_images(&site, &images, cards_kit.is_some());
        problems.extend(media::clashes(&site, &images, cards_kit.is_some(), &copied));
        if !problems.is_empty() {
            return Err(sorted(problems));
        }
        let cards = pages::cards(
            &site,
            (&rendered, &social),
            &globals,
            config_key,
            &mut self.memo.cards,
        );
        phase("cards");
        let search_cache = self.disk_cache("search");
        let search = search::index(&site, &cards, &mut self.memo.search, search_cache);
        diagnostics::sort(&mut warnings);
        Ok(Prepared {
            site: Arc::new(site),
            theme,
            theme_key,
            globals,
            images,
            cards_kit,
            rendered,
            bodies,
            cards,
            picks,
            copied,
            generated,
            search,
            warnings,
        })
    }
}

fn sorted(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics::sort(&mut diags);
    diags
}

/// With `FOLIO_TIMINGS` set, print `note` (a detail of the phase that follows) to stderr.
pub fn note_timing(note: &str) {
    if std::env::var_os("FOLIO_TIMINGS").is_some() {
        // Timings are never worth failing a build for (a closed stderr).
        let _ = writeln!(std::io::stderr(), "{:>18}  ({note})", "");
    }
}

/// With `FOLIO_TIMINGS` set, a function that prints how long each phase took to stderr.
pub fn phase_timer() -> impl FnMut(&str) {
    let on = std::env::var_os("FOLIO_TIMINGS").is_some();
    let mut last = Instant::now();
    move |name| {
        if on {
            let _ = writeln!(
                std::io::stderr(),
                "{name:>18}: {:>6.1} ms",
                last.elapsed().as_secs_f64() * 1000.0
            );
            last = Instant::now();
        }
    }
}
