//! Social cards: the 1200×630 PNG a shared link shows (`og:image`). The theme's
//! `templates/social.svg`, a Tera template, draws it from a `card` context whose title is
//! already wrapped and sized to fit (`layout`); resvg rasterises it with the theme's fonts
//! (`raster`). A card is cached under a hash of its SVG and the fonts, so an unchanged card
//! is never drawn twice. Knows nothing of pages or output folders.

pub mod layout;
mod raster;

use std::path::Path;

use base64::Engine as _;
use serde::Serialize;
use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::disk_cache::{self, DiskCache, KeyHasher};
use crate::render::Theme;
pub use layout::{Measure, TitleLayout, fit_title};
pub use raster::{Fonts, rasterise};

/// Size of a card in pixels (what LinkedIn, Slack, X and Facebook show large).
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// The template a theme draws cards with.
pub const TEMPLATE: &str = "social.svg";

/// The box the title is fitted into: `card.title` never needs more (pixels).
pub const TITLE_WIDTH: f32 = 1056.0;
pub const TITLE_HEIGHT: f32 = 280.0;

/// `card` in `social.svg`.
#[derive(Debug, Clone, Serialize)]
pub struct CardContext<'a> {
    pub width: u32,
    pub height: u32,
    pub title: TitleLayout,
    pub author: CardAuthor<'a>,
    pub site: CardSite<'a>,
    /// The accent colour, `#rrggbb` or `#rgb`.
    pub accent: &'a str,
    pub date_display: &'a str,
    pub tags: Vec<&'a str>,
}

/// `card.author`.
#[derive(Debug, Clone, Serialize)]
pub struct CardAuthor<'a> {
    pub name: &'a str,
    pub role: &'a str,
    /// One or two capital letters, for a monogram when there is no photo.
    pub initials: String,
    /// The portrait as a `data:` URL, ready for `<image href>`; none without a photo.
    pub photo: Option<String>,
}

/// `card.site`.
#[derive(Debug, Clone, Serialize)]
pub struct CardSite<'a> {
    pub title: &'a str,
    /// The host of `base_url`, e.g. `blog.example.com`.
    pub host: &'a str,
    /// The logo as a `data:` URL; none without one.
    pub logo: Option<String>,
}

/// The initials of a name: first letters of its first and last words.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let first = |w: &&str| w.chars().next().map(|c| c.to_uppercase().to_string());
    match (words.first(), words.last()) {
        (Some(a), Some(b)) if words.len() > 1 => {
            format!(
                "{}{}",
                first(a).unwrap_or_default(),
                first(b).unwrap_or_default()
            )
        }
        (Some(a), _) => first(a).unwrap_or_default(),
        _ => String::new(),
    }
}

/// A picture file as a `data:` URL (PNG, JPEG, WebP, GIF or SVG, by its extension).
pub fn data_url(path: &Path, bytes: &[u8]) -> Option<String> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    let mime = match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        _ => return None,
    };
    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
    Some(format!("data:{mime};base64,{data}"))
}

/// The card's SVG, from the theme's template.
pub fn render_svg(theme: &Theme, card: &CardContext) -> Result<String, Diagnostic> {
    let mut ctx = Context::new();
    ctx.insert("card", card);
    theme.render(TEMPLATE, &ctx)
}

/// The cache entry of the card drawn from `svg` with `fonts`: a hash of both and of the
/// drawing crates' versions.
pub fn card_name(svg: &str, fonts: &Fonts) -> String {
    format!(
        "{}.png",
        KeyHasher::new()
            .field(svg.as_bytes())
            .field(fonts.key().as_bytes())
            .field(disk_cache::ENCODER_VERSIONS.as_bytes())
            .finish()
    )
}

/// The card for `svg`, from the cache or drawn now. Returns its cache entry's name and
/// whether it was drawn.
pub fn ensure_card(svg: &str, fonts: &Fonts, cache: &DiskCache) -> Result<(String, bool), String> {
    let name = card_name(svg, fonts);
    if cache.has(&name) {
        return Ok((name, false));
    }
    let png = rasterise(svg, fonts)?;
    cache
        .put(&name, &png)
        .map_err(|e| format!("cannot write the card cache: {e}"))?;
    Ok((name, true))
}

#[cfg(test)]
mod tests;
