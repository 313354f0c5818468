//! Pictures, between the model and the pages: every image beside an article planned from its
//! bytes (kept by the key of the file and the `[images]` config), each article's `og:image`,
//! and the files pictures make — image variants encoded into the disk cache, and social
//! cards drawn from the theme's `social.svg` (`social_cards`). Each such file is keyed by
//! what makes it, so a sink that holds it keeps it, and nothing is encoded or drawn twice.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

mod social_cards;

pub use social_cards::{CardKit, card_kit};
use social_cards::{card_key, card_path, draw_card};

use super::files::Copied;
use super::inputs::Inputs;
use super::memo::Memo;
use super::model::{Article, Site};
use crate::cards::{self, Fonts};
use crate::diagnostics::{Diagnostic, display_path};
use crate::disk_cache::DiskCache;
use crate::images::{self, ArticleImages, ImagePlan, Kind};
use crate::key::{Key, Keyed};
use crate::output::{Contents, Sink};
use crate::render::Theme;
use crate::render::context::SocialImage;

/// One image planned, or why it could not be.
type Planned = Arc<Result<Option<ImagePlan>, String>>;

/// What pictures keep between builds.
#[derive(Default)]
pub struct MediaMemo {
    plans: Memo<Planned>,
    fonts: Option<(Key, Arc<Fonts>)>,
    pictures: Memo<Arc<Result<String, String>>>,
}

/// One image beside an article, to plan.
struct ImageJob {
    article: usize,
    asset: PathBuf,
    /// Its path inside the article folder.
    url: String,
    /// The key of its plan: its content, path, URL and the `[images]` config.
    key: Key,
    kind: Kind,
    /// The key of its bytes.
    content: Key,
}

/// Every folder article's images, planned (by article index), keyed by what they are
/// planned from; and the files that could not be read as the images they claim to be.
pub fn plan_images(
    site: &Site,
    inputs: &Inputs,
    memo: &mut MediaMemo,
    cache: Option<&DiskCache>,
) -> (Vec<Arc<Keyed<ArticleImages>>>, Vec<Diagnostic>) {
    let config = &site.config.images;
    // Each article's images, on every core (a warm build plans thousands again).
    let jobs: Vec<ImageJob> = site
        .articles
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, article)| {
            let dir = article.source.path.parent().unwrap_or(Path::new(""));
            article.assets.iter().filter_map(move |asset| {
                let kind = Kind::from_path(asset)?;
                let content = inputs.file_key(asset)?;
                let url = display_path(asset.strip_prefix(dir).unwrap_or(asset));
                let key = Key::of("image plan", &(content, asset, &url, config));
                Some(ImageJob {
                    article: i,
                    asset: asset.clone(),
                    url,
                    key,
                    kind,
                    content,
                })
            })
        })
        .collect();
    // The sizes the last run probed, so that no image unchanged since is read again.
    let kept = cache.map(images::Sizes::load).unwrap_or_default();
    let keys: Vec<Key> = jobs.iter().map(|j| j.key).collect();
    let (plans, probed) = memo.plans.take_all(&keys, |n| {
        let job = &jobs[n];
        let size = match kept.get(job.content, job.kind) {
            Some(size) => Ok(size),
            None => inputs
                .bytes(&job.asset)
                .map_err(|e| e.to_string())
                .and_then(|bytes| images::probe(job.kind, &bytes)),
        };
        let at = images::Located {
            source: &job.asset,
            url: &job.url,
            kind: job.kind,
        };
        Arc::new(size.map(|size| Some(images::plan_sized(at, size, job.content, config))))
    });
    if probed > 0
        && let Some(cache) = cache
    {
        let sizes = jobs.iter().zip(&plans).filter_map(|(job, planned)| {
            let plan = planned.as_ref().as_ref().ok()?.as_ref()?;
            Some((job.content, job.kind, (plan.width, plan.height)))
        });
        let sizes = images::Sizes::new(sizes);
        if sizes != kept {
            sizes.store(cache);
        }
    }
    let mut per_article: Vec<(ArticleImages, Vec<Key>)> =
        vec![(ArticleImages::new(), Vec::new()); site.articles.len()];
    let mut problems = Vec::new();
    for (job, planned) in jobs.iter().zip(plans) {
        let (i, asset, key) = (&job.article, &job.asset, &job.key);
        match &*planned {
            Ok(Some(plan)) => {
                per_article[*i].0.insert(asset.clone(), plan.clone());
                per_article[*i].1.push(*key);
            }
            Ok(None) => {}
            Err(e) => problems.push(
                Diagnostic::error(format!("cannot read the image: {e}"))
                    .in_file(asset)
                    .help("save it again as a PNG, JPEG, GIF, WebP or SVG file, or remove it"),
            ),
        }
    }
    let images = per_article
        .into_iter()
        .map(|(plans, keys)| Arc::new(Keyed::new(Key::of("article images", &keys), plans)))
        .collect();
    (images, problems)
}

/// Each article's `og:image` (by article index): its own `image:`, else its card when the
/// site draws cards; and the `image:` values that name no file.
pub fn social_images(
    site: &Site,
    images: &[Arc<Keyed<ArticleImages>>],
    with_cards: bool,
) -> (Vec<Option<SocialImage>>, Vec<Diagnostic>) {
    let base_path = site.config.base_path();
    let base_url = &site.config.base_url;
    let mut problems = Vec::new();
    let social = site
        .articles
        .iter()
        .zip(images)
        .map(
            |(article, plans)| match own_image(article, plans, &base_path, base_url) {
                Some(Ok(image)) => Some(image),
                Some(Err(d)) => {
                    problems.push(d);
                    None
                }
                None if with_cards => {
                    let rel = card_path(article);
                    Some(SocialImage {
                        url: format!("{base_path}{rel}"),
                        permalink: format!("{base_url}{rel}"),
                        width: Some(cards::WIDTH),
                        height: Some(cards::HEIGHT),
                    })
                }
                None => None,
            },
        )
        .collect();
    (social, problems)
}

/// The files copied as they are (`copied`, by output path) that sit where pictures go: an
/// image variant (`photo-480w.png` beside `photo.png`) or a card (`static/cards/<slug>.png`).
/// Pages and pictures are written side by side, so one path must never come from both.
pub fn clashes(
    site: &Site,
    images: &[Arc<Keyed<ArticleImages>>],
    with_cards: bool,
    copied: &BTreeMap<String, Copied>,
) -> Vec<Diagnostic> {
    // On every core: a warm build names thousands of variants again.
    site.articles
        .par_iter()
        .zip(images)
        .flat_map_iter(|(article, plans)| {
            let mut found = Vec::new();
            // One buffer for every variant's path (`variant_path`) of the article.
            let mut path = variant_path(article, "");
            let folder = path.len();
            for plan in plans.values() {
                for variant in plan.encoded() {
                    path.truncate(folder);
                    path.push_str(&variant.url);
                    let Some(file) = copied.get(&path) else {
                        continue;
                    };
                    found.push(
                        Diagnostic::error(format!(
                            "this file has the name folio gives the {} pixels wide variant of `{}`",
                            variant.width, plan.url
                        ))
                        .in_file(&file.source)
                        .help("rename it; if it is an older export of that image, remove it"),
                    );
                }
            }
            let card = with_cards && article.source.front_matter.image.is_none();
            if let Some(file) = copied.get(&card_path(article)).filter(|_| card) {
                found.push(
                    Diagnostic::error(format!(
                        "this file is where folio draws the social card of `{}`",
                        display_path(&article.source.path)
                    ))
                    .in_file(&file.source)
                    .help("move it elsewhere, or give the article its own `image:`"),
                );
            }
            found
        })
        .collect()
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
        .filter(|p| article.assets.contains(p) && !url.starts_with('/'));
    let Some(file) = file else {
        return Some(Err(Diagnostic::error(format!(
            "`image` `{url}` is not a file beside this article"
        ))
        .in_file(&src.path)
        .at(src.text(), value.span.clone())
        .label("no such file in the article's folder")
        .help("make the article a folder (`content/articles/<slug>/index.md`) with the picture beside it, or give an absolute `https://` URL")));
    };
    let dir = src.path.parent().unwrap_or(Path::new(""));
    let inside = display_path(file.strip_prefix(dir).unwrap_or(&file));
    let rel = format!("articles/{}/{inside}", article.slug);
    let size = plans.get(&file).map(|p| (p.width, p.height));
    Some(Ok(SocialImage {
        url: format!("{base_path}{rel}"),
        permalink: format!("{base_url}{rel}"),
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
    }))
}

/// Hand the sink every picture file of the build: image variants (encoded into the cache
/// first when missing) and cards (drawn when missing). Returns each file's path and key,
/// and how many variants were encoded and cards drawn.
pub fn write(
    site: &Site,
    images: &[Arc<Keyed<ArticleImages>>],
    theme: &Theme,
    kit: Option<&CardKit>,
    (root, cache): (&Path, &Path),
    sink: &dyn Sink,
) -> Result<(BTreeMap<String, Key>, Made), Vec<Diagnostic>> {
    let image_cache = DiskCache::new(cache, "images");
    let card_cache = DiskCache::new(cache, "cards");
    let mut files = BTreeMap::new();
    let mut used_images = std::collections::HashSet::new();
    // Every plan's variants (output path, key and cache entry), and whether the sink lacks
    // one of them: on every core, as each is a look at the disk.
    let looks: Vec<Look> = site
        .articles
        .par_iter()
        .zip(images)
        .flat_map_iter(|(article, plans)| {
            plans.values().map(move |plan| {
                let mut missing = false;
                let variants = plan
                    .encoded()
                    .filter_map(|variant| {
                        let name = variant.cache_name.as_ref()?;
                        let path = variant_path(article, &variant.url);
                        let key = variant_key(name);
                        missing |= !sink.keep(&path, key);
                        Some((path, key, name))
                    })
                    .collect();
                (plan, variants, missing)
            })
        })
        .collect();
    // The plans with a variant the sink lacks are encoded (what the cache lacks), then
    // their variants linked from the cache.
    let (lacking, complete): (Vec<Look>, Vec<Look>) = looks.into_iter().partition(|l| l.2);
    let wanted: Vec<&ImagePlan> = lacking.iter().map(|l| l.0).collect();
    let (encoded, mut errors) =
        images::encode_missing(root, &wanted, &image_cache, site.config.images.quality);
    if !errors.is_empty() {
        return Err(errors);
    }
    for (path, key, name) in lacking.iter().flat_map(|l| &l.1) {
        if !sink.keep(path, *key) {
            let from = image_cache.path(name);
            errors.extend(sink.put(path, *key, Contents::Link(&from)).err());
        }
    }
    used_images.reserve(lacking.iter().chain(&complete).map(|l| l.1.len()).sum());
    for (path, key, name) in lacking.into_iter().chain(complete).flat_map(|l| l.1) {
        used_images.insert(name.clone());
        files.insert(path, key);
    }
    let mut drawn = 0;
    let mut used_cards = std::collections::HashSet::with_capacity(site.articles.len());
    if let Some(kit) = kit {
        let host = site
            .config
            .base_url
            .split_once("://")
            .map_or("", |(_, rest)| rest.split('/').next().unwrap_or(""));
        let results: Vec<(String, Key, Result<bool, Diagnostic>)> =
            site.articles
                .par_iter()
                .filter(|a| a.source.front_matter.image.is_none())
                .map(|article| {
                    let path = card_path(article);
                    let key = card_key(site, article, kit);
                    if sink.keep(&path, key) {
                        return (path, key, Ok(false));
                    }
                    let made = draw_card(site, article, kit, host, theme, &card_cache, key)
                        .and_then(|(from, drew)| {
                            sink.put(&path, key, Contents::Link(&from))?;
                            Ok(drew)
                        });
                    (path, key, made)
                })
                .collect();
        for (path, key, made) in results {
            used_cards.insert(format!("{}.png", key.hex()));
            files.insert(path, key);
            match made {
                Ok(true) => drawn += 1,
                Ok(false) => {}
                Err(d) => errors.push(d),
            }
        }
    }
    errors.dedup_by(|a, b| a.render_plain() == b.render_plain());
    match errors.is_empty() {
        true => Ok((
            files,
            Made {
                encoded_images: encoded,
                drawn_cards: drawn,
                used_images,
                used_cards,
            },
        )),
        false => Err(errors),
    }
}

/// What pictures cost a build, and which cache entries it used.
#[derive(Debug, Default, Clone)]
pub struct Made {
    /// Image variants encoded (not found in the cache).
    pub encoded_images: usize,
    /// Cards drawn (not found in the cache).
    pub drawn_cards: usize,
    /// Names of the image cache's entries this build's pages show.
    pub used_images: std::collections::HashSet<String>,
    /// Names of the card cache's entries.
    pub used_cards: std::collections::HashSet<String>,
}

/// A plan, its variants (output path, key and cache entry), and whether the sink lacks one.
type Look<'a> = (&'a ImagePlan, Vec<(String, Key, &'a String)>, bool);

/// The key of a variant's output file: the digest its cache name starts with (a hash of
/// everything the variant is made from: the source's content, the width, the format, the
/// quality and the encoders' versions), not a second hash of that name: a warm build looks
/// at thousands of variants.
fn variant_key(cache_name: &str) -> Key {
    cache_name
        .split_once('.')
        .and_then(|(digest, _)| Key::from_hex(digest))
        .unwrap_or_else(|| Key::of("image variant", cache_name))
}

fn variant_path(article: &Article, url: &str) -> String {
    format!("articles/{}/{url}", article.slug)
}
