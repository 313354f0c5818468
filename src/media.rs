//! What a build makes of pictures, between the model and the pages: the variants of every
//! article image (`images`) and every article's social card (`cards`). `plan` decides them
//! (cheap: cache names, card SVGs, each article's `og:image`, the output files that copy
//! them); `make` encodes and draws what the disk cache lacks, in parallel. `check` plans
//! only, so it writes nothing.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::cards::{self, CardAuthor, CardContext, CardSite, Fonts};
use crate::diagnostics::Diagnostic;
use crate::disk_cache::DiskCache;
use crate::images::{self, ArticleImages};
use crate::render::Theme;
use crate::render::context::SocialImage;
use crate::site::{Article, Site};

/// The pictures of a build, planned: what to copy where, and what to make first.
#[derive(Default)]
pub struct Media {
    /// Each article's `og:image` (as `site.articles`); none without a card or `image:`.
    pub social: Vec<Option<SocialImage>>,
    /// Output path → file in the cache: image variants and cards.
    pub files: Vec<(String, PathBuf)>,
    /// Every article image, planned.
    plans: Vec<images::ImagePlan>,
    /// The cards: their SVG and cache entry.
    cards: Vec<CardJob>,
    fonts: Option<Fonts>,
    /// The file cards are drawn from, for messages.
    card_template: PathBuf,
    quality: u8,
    cache_dir: PathBuf,
}

/// A card to draw: its SVG, and its entry in the card cache.
struct CardJob {
    svg: String,
    name: String,
}

/// What `make` did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Made {
    /// Image variants encoded (not found in the cache).
    pub encoded_images: usize,
    /// Cards drawn (not found in the cache).
    pub drawn_cards: usize,
}

impl Media {
    /// Encode every image variant and draw every card that the cache lacks, in parallel.
    pub fn make(&self, root: &Path) -> Result<Made, Vec<Diagnostic>> {
        let image_cache = DiskCache::new(&self.cache_dir, "images");
        let card_cache = DiskCache::new(&self.cache_dir, "cards");
        let plans: Vec<&images::ImagePlan> = self.plans.iter().collect();
        let ((encoded_images, mut errors), cards) = rayon::join(
            || images::encode_missing(root, &plans, &image_cache, self.quality),
            || {
                self.cards
                    .par_iter()
                    .filter(|c| !card_cache.has(&c.name))
                    .map(|c| {
                        let fonts = self.fonts.as_ref().ok_or("no fonts")?;
                        let png = cards::rasterise(&c.svg, fonts)?;
                        card_cache
                            .put(&c.name, &png)
                            .map_err(|e| format!("cannot write the card cache: {e}"))
                    })
                    .collect::<Vec<Result<PathBuf, String>>>()
            },
        );
        let mut drawn_cards = 0;
        for result in cards {
            match result {
                Ok(_) => drawn_cards += 1,
                Err(e) => errors.push(
                    Diagnostic::error(format!("cannot draw the social cards: {e}"))
                        .in_file(&self.card_template),
                ),
            }
        }
        // A broken template fails every card the same way: say it once.
        errors.dedup_by(|a, b| a.render_plain() == b.render_plain());
        match errors.is_empty() {
            true => Ok(Made {
                encoded_images,
                drawn_cards,
            }),
            false => Err(errors),
        }
    }
}

/// Plan every image variant and card the site needs (cached under `cache_dir`), and each
/// article's `og:image`. `images` are the plans of `images::plan_site`, as `site.articles`.
pub fn plan(
    root: &Path,
    site: &Site,
    theme: &Theme,
    images: &[ArticleImages],
    cache_dir: &Path,
) -> Result<Media, Vec<Diagnostic>> {
    let image_cache = DiskCache::new(cache_dir, "images");
    let card_cache = DiskCache::new(cache_dir, "cards");
    let mut errors = Vec::new();
    let (fonts, cards) = match plan_cards(root, site, theme) {
        Ok((fonts, cards)) => (fonts, cards),
        Err(e) => {
            errors.extend(e);
            (None, Vec::new())
        }
    };
    let mut media = Media {
        plans: images.iter().flat_map(|m| m.values().cloned()).collect(),
        fonts,
        card_template: theme
            .template_file(cards::TEMPLATE)
            .unwrap_or(Path::new("templates/social.svg"))
            .to_path_buf(),
        quality: site.config.images.quality,
        cache_dir: cache_dir.to_path_buf(),
        ..Media::default()
    };
    for (article, plans) in site.articles.iter().zip(images) {
        media.files.extend(images::output_files(
            article.slug.as_str(),
            plans,
            &image_cache,
        ));
    }
    let base_path = site.config.base_path();
    for (i, article) in site.articles.iter().enumerate() {
        let own = own_image(article, &images[i], &base_path, &site.config.base_url);
        let card = cards.get(i).and_then(|c| c.as_ref());
        let social = match (own, card) {
            (Some(Err(d)), _) => {
                errors.push(d);
                None
            }
            (Some(Ok(image)), _) => Some(image),
            (None, Some(job)) => {
                let rel = format!("cards/{}.png", article.slug);
                media.files.push((rel.clone(), card_cache.path(&job.name)));
                Some(SocialImage {
                    url: format!("{base_path}{rel}"),
                    permalink: format!("{}{rel}", site.config.base_url),
                    width: Some(cards::WIDTH),
                    height: Some(cards::HEIGHT),
                })
            }
            (None, None) => None,
        };
        media.social.push(social);
    }
    media.cards = cards.into_iter().flatten().collect();
    if errors.is_empty() {
        Ok(media)
    } else {
        Err(errors)
    }
}

/// The article's `image:`: an absolute URL as it is, or a file beside the article.
fn own_image(
    article: &Article,
    plans: &ArticleImages,
    base_path: &str,
    base_url: &str,
) -> Option<Result<SocialImage, Diagnostic>> {
    let src = &article.source;
    let value = src.front_matter.image.as_ref()?;
    let url = value.value.as_str();
    if url.starts_with("https://") || url.starts_with("http://") {
        return Some(Ok(SocialImage {
            url: url.to_string(),
            permalink: url.to_string(),
            width: None,
            height: None,
        }));
    }
    let file = crate::markdown::links::resolve(&src.path, url)
        .filter(|p| src.assets.contains(p) && !url.starts_with('/'));
    let Some(file) = file else {
        return Some(Err(Diagnostic::error(format!(
            "`image` `{url}` is not a file beside this article"
        ))
        .in_file(&src.path)
        .at(&src.text, value.span.clone())
        .label("no such file in the article's folder")
        .help("make the article a folder (`content/articles/<slug>/index.md`) with the picture beside it, or give an absolute `https://` URL")));
    };
    let dir = src.path.parent().unwrap_or(Path::new(""));
    let inside = crate::diagnostics::display_path(file.strip_prefix(dir).unwrap_or(&file));
    let rel = format!("articles/{}/{inside}", article.slug);
    let size = plans.get(&file).map(|p| (p.width, p.height));
    Some(Ok(SocialImage {
        url: format!("{base_path}{rel}"),
        permalink: format!("{base_url}{rel}"),
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
    }))
}

/// Every article's card (as `site.articles`), its SVG rendered and its cache entry named,
/// with the fonts to draw it. `None` for articles with their own `image:`; no cards at all
/// when they are off or the theme has no `social.svg`.
#[allow(clippy::type_complexity)]
fn plan_cards(
    root: &Path,
    site: &Site,
    theme: &Theme,
) -> Result<(Option<Fonts>, Vec<Option<CardJob>>), Vec<Diagnostic>> {
    let config = &site.config;
    if !config.cards.enabled || !theme.has_template(cards::TEMPLATE) {
        return Ok((None, Vec::new()));
    }
    let fonts_dir = root.join("themes").join(&config.theme).join("fonts");
    let fonts = Fonts::load(root, &fonts_dir).map_err(|d| vec![d])?;
    let measure = fonts
        .title_measure()
        .ok_or_else(|| vec![Diagnostic::error("the card fonts cannot be measured")])?;
    let logo = match &config.cards.logo {
        Some(path) => Some(picture(root, path, config, "logo")?),
        None => None,
    };
    let mut photos = std::collections::BTreeMap::new();
    for (id, author) in &config.authors {
        if let Some(path) = &author.photo {
            photos.insert(id.as_str(), picture(root, path, config, "photo")?);
        }
    }
    let host = config
        .base_url
        .split_once("://")
        .map_or("", |(_, rest)| rest.split('/').next().unwrap_or(""));
    let results: Vec<Result<Option<CardJob>, Diagnostic>> = site
        .articles
        .par_iter()
        .map(|article| {
            let fm = &article.source.front_matter;
            if fm.image.is_some() {
                return Ok(None);
            }
            let author = &site.authors[&article.author];
            let card = CardContext {
                width: cards::WIDTH,
                height: cards::HEIGHT,
                title: cards::fit_title(
                    &fm.title,
                    &measure,
                    cards::TITLE_WIDTH,
                    cards::TITLE_HEIGHT,
                ),
                author: CardAuthor {
                    name: &author.name,
                    role: &author.role,
                    initials: cards::initials(&author.name),
                    photo: photos.get(author.id.as_str()).cloned(),
                },
                site: CardSite {
                    title: &config.title,
                    host,
                    logo: logo.clone(),
                },
                accent: config.cards.accent.trim(),
                date_display: &fm.date.display(),
                tags: fm.tags.iter().map(String::as_str).collect(),
            };
            let svg = cards::render_svg(theme, &card)?;
            let name = cards::card_name(&svg, &fonts);
            Ok(Some(CardJob { svg, name }))
        })
        .collect();
    let mut jobs = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(c) => jobs.push(c),
            Err(d) => errors.push(d),
        }
    }
    errors.dedup_by(|a, b| a.render_plain() == b.render_plain());
    if errors.is_empty() {
        Ok((Some(fonts), jobs))
    } else {
        Err(errors)
    }
}

/// A picture named in config.toml (`key = "path"`), as a `data:` URL.
fn picture(
    root: &Path,
    path: &str,
    config: &crate::config::Config,
    key: &str,
) -> Result<String, Vec<Diagnostic>> {
    let here = |d: Diagnostic| {
        config.point_at_line(d, |line| {
            line.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('=') && r.contains(path))
        })
    };
    let bytes = std::fs::read(root.join(path)).map_err(|e| {
        vec![
            here(Diagnostic::error(format!("cannot read `{path}`: {e}")))
                .help("the path is from the site's folder, like `static/team/ana.jpg`"),
        ]
    })?;
    cards::data_url(Path::new(path), &bytes).ok_or_else(|| {
        vec![here(Diagnostic::error(format!(
            "`{path}` is not a PNG, JPEG, WebP, GIF or SVG file"
        )))]
    })
}
