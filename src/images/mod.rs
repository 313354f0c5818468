//! Images beside folder articles: probe each one's size, plan its variants (narrower copies,
//! WebP beside the original), encode the missing variants into the disk cache, and write the
//! `<picture>`/`<img>` markup. Planning is cheap (a header and a hash) and pure given the
//! bytes; encoding is the separate step a build runs in parallel. Reads no markdown.

mod encode;
pub mod lint;
mod markup;
mod probe;
mod sizes;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{ImagesConfig, ModernFormat};
use crate::disk_cache::{self, KeyHasher};
pub use encode::{encode_missing, encoded_sizes};
pub use markup::markup;
pub use probe::{Kind, probe};
pub use sizes::Sizes;

/// The file format of a variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
    /// Lossless for screenshots and diagrams (PNG sources), lossy for photos.
    Webp {
        lossless: bool,
    },
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::Webp { .. } => "webp",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::Webp { .. } => "image/webp",
        }
    }
}

/// One file of an image's `srcset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// URL relative to the article's page, e.g. `photo-480w.webp`.
    pub url: String,
    /// Its entry in the image cache; `None` for the source file itself (copied as it is).
    pub cache_name: Option<String>,
}

/// What folio will make of one image: all that the markup needs, without any encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImagePlan {
    /// The source file, relative to the site root.
    pub source: PathBuf,
    /// The source's URL relative to the article's page (its path inside the article folder).
    pub url: String,
    pub kind: Kind,
    /// Displayed size of the source (after its EXIF orientation).
    pub width: u32,
    pub height: u32,
    /// In the source's own format, narrowest first: the `<img srcset>`. The last is `src`.
    pub fallback: Vec<Variant>,
    /// In a modern format, narrowest first: the `<source srcset>`; empty when none.
    pub modern: Vec<Variant>,
    /// The `sizes` attribute.
    pub sizes: String,
}

impl ImagePlan {
    /// Every variant that is encoded into the cache (not the source itself).
    pub fn encoded(&self) -> impl Iterator<Item = &Variant> {
        self.fallback
            .iter()
            .chain(&self.modern)
            .filter(|v| v.cache_name.is_some())
    }

    /// The image `src` and its size: the widest fallback variant.
    pub fn src(&self) -> Option<&Variant> {
        self.fallback.last()
    }
}

/// An article's images by source path (relative to the site root).
pub type ArticleImages = BTreeMap<PathBuf, ImagePlan>;

/// Plan one image from its bytes. `source` is its path from the site root, `url` its path
/// inside the article folder. `Ok(None)` for a file that is not an image.
pub fn plan(
    source: &Path,
    url: &str,
    bytes: &[u8],
    config: &ImagesConfig,
) -> Result<Option<ImagePlan>, String> {
    let Some(kind) = Kind::from_path(source) else {
        return Ok(None);
    };
    let size = probe(kind, bytes)?;
    let at = Located { source, url, kind };
    Ok(Some(plan_sized(
        at,
        size,
        crate::key::Key::of_bytes(bytes),
        config,
    )))
}

/// An image file: where it is and what its name says it is.
#[derive(Clone, Copy)]
pub struct Located<'a> {
    pub source: &'a Path,
    pub url: &'a str,
    pub kind: Kind,
}

/// Plan an image of `size` (as [`probe`] gives it) whose bytes have the key `content`,
/// without its bytes (`Sizes` keeps the sizes of the images a build probed).
pub fn plan_sized(
    at: Located<'_>,
    (width, height): (u32, u32),
    content: crate::key::Key,
    config: &ImagesConfig,
) -> ImagePlan {
    let Located { source, url, kind } = at;
    let original = Variant {
        width,
        height,
        format: match kind {
            Kind::Jpeg => Format::Jpeg,
            Kind::Webp => Format::Webp { lossless: false },
            _ => Format::Png,
        },
        url: url.to_string(),
        cache_name: None,
    };
    let mut plan = ImagePlan {
        source: source.to_path_buf(),
        url: url.to_string(),
        kind,
        width,
        height,
        fallback: vec![original.clone()],
        modern: Vec::new(),
        sizes: config.sizes.clone(),
    };
    if !config.process || !kind.resizable() {
        return plan;
    }
    // What every variant's cache name starts from, hashed once per image (a warm build
    // plans thousands of variants again).
    let mut common = KeyHasher::new();
    common
        .field(content.hex().as_bytes())
        .field(disk_cache::ENCODER_VERSIONS.as_bytes());
    let mut widths: Vec<u32> = config
        .widths
        .iter()
        .copied()
        .filter(|w| *w < width)
        .collect();
    widths.sort_unstable();
    widths.dedup();
    // The source itself is offered unless it is wider than every configured width (then
    // the widest variant stands in for it).
    let keep_original = config.widths.is_empty() || config.widths.iter().any(|w| *w >= width);
    let stem = url.rsplit_once('.').map_or(url, |(s, _)| s);
    let variant = |w: u32, format: Format| {
        let h = ((height as u64 * w as u64 + width as u64 / 2) / width as u64).max(1) as u32;
        let quality = match format {
            Format::Jpeg | Format::Webp { lossless: false } => config.quality,
            _ => 0,
        };
        let name = common
            .clone()
            .field(&w.to_le_bytes())
            .field(format.extension().as_bytes())
            .field(&[
                quality,
                matches!(format, Format::Webp { lossless: true }) as u8,
            ])
            .finish();
        Variant {
            width: w,
            height: h,
            format,
            url: format!("{stem}-{w}w.{}", format.extension()),
            cache_name: Some(format!("{name}.{}", format.extension())),
        }
    };
    plan.fallback = widths
        .iter()
        .map(|&w| variant(w, original.format))
        .collect();
    if keep_original {
        plan.fallback.push(original);
    }
    if config.formats.contains(&ModernFormat::Webp) && kind != Kind::Webp {
        let webp = Format::Webp {
            lossless: kind == Kind::Png,
        };
        plan.modern = widths.iter().map(|&w| variant(w, webp)).collect();
        if keep_original {
            plan.modern.push(variant(width, webp));
        }
    }
    plan
}

/// The plan for an image reference `dest` in the article at `path`, if it is one of `plans`.
pub fn planned<'a>(plans: &'a ArticleImages, dest: &str, path: &Path) -> Option<&'a ImagePlan> {
    if plans.is_empty() || crate::markdown::links::is_external(dest) || dest.starts_with('/') {
        return None;
    }
    let file = dest.split(['?', '#']).next().unwrap_or(dest);
    plans.get(&crate::markdown::links::resolve(path, file)?)
}

#[cfg(test)]
mod tests;
