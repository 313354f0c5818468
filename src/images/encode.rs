//! Making the variants that plans list and the cache lacks: each source is decoded once
//! (EXIF orientation applied), resized step by step from the widest variant down (each from
//! the one before, with a Catmull-Rom filter), encoded and stored in the disk cache. Images
//! are independent, so they are encoded in parallel.

use std::io::Cursor;
use std::path::Path;

use image::imageops::FilterType;
use image::{DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, ImageReader};
use rayon::prelude::*;

use super::{Format, ImagePlan, Variant};
use crate::diagnostics::Diagnostic;
use crate::disk_cache::DiskCache;

/// Encode every variant of `plans` that `cache` does not hold yet. Returns how many were
/// encoded, and an error for each image that could not be.
pub fn encode_missing(
    root: &Path,
    plans: &[&ImagePlan],
    cache: &DiskCache,
    quality: u8,
) -> (usize, Vec<Diagnostic>) {
    let results: Vec<Result<usize, Diagnostic>> = plans
        .par_iter()
        .map(|plan| {
            let mut missing: Vec<&Variant> = plan
                .encoded()
                .filter(|v| v.cache_name.as_deref().is_some_and(|n| !cache.has(n)))
                .collect();
            if missing.is_empty() {
                return Ok(0);
            }
            missing.sort_by_key(|v| std::cmp::Reverse(v.width));
            let store = |variant: &Variant, bytes: Vec<u8>| {
                let name = variant.cache_name.as_deref().unwrap_or_default();
                cache
                    .put(name, &bytes)
                    .map(|_| ())
                    .map_err(|e| format!("cannot write the image cache: {e}"))
            };
            encode_plan(root, plan, &missing, quality, store)
                .map(|()| missing.len())
                .map_err(|e| {
                    Diagnostic::error(format!("cannot make the image's variants: {e}"))
                        .in_file(&plan.source)
                })
        })
        .collect();
    let mut encoded = 0;
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(n) => encoded += n,
            Err(d) => errors.push(d),
        }
    }
    (encoded, errors)
}

/// The size in bytes of each of `variants` of `plan` (widest first), encoded in memory and
/// thrown away: `folio check` weighs images without writing anything.
pub fn encoded_sizes(
    root: &Path,
    plan: &ImagePlan,
    variants: &[&Variant],
    quality: u8,
) -> Result<Vec<u64>, String> {
    let mut sizes = Vec::new();
    encode_plan(root, plan, variants, quality, |_, bytes| {
        sizes.push(bytes.len() as u64);
        Ok(())
    })?;
    Ok(sizes)
}

/// Decode `plan`'s source, make `missing` (widest first) and hand each to `sink`.
fn encode_plan(
    root: &Path,
    plan: &ImagePlan,
    missing: &[&Variant],
    quality: u8,
    mut sink: impl FnMut(&Variant, Vec<u8>) -> Result<(), String>,
) -> Result<(), String> {
    let bytes = std::fs::read(root.join(&plan.source)).map_err(|e| e.to_string())?;
    let mut current = decode(&bytes)?;
    for variant in missing {
        if current.width() != variant.width || current.height() != variant.height {
            current = current.resize_exact(variant.width, variant.height, FilterType::CatmullRom);
        }
        sink(variant, encode(&current, variant.format, quality)?)?;
    }
    Ok(())
}

/// The source's pixels, upright, as 8-bit RGB or RGBA.
fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    img.apply_orientation(orientation);
    Ok(if img.color().has_alpha() {
        DynamicImage::ImageRgba8(img.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(img.into_rgb8())
    })
}

/// `img` in `format`: PNG and lossless WebP through `image`, JPEG through `image` at
/// `quality`, lossy WebP through libwebp at `quality`.
fn encode(img: &DynamicImage, format: Format, quality: u8) -> Result<Vec<u8>, String> {
    let (w, h) = (img.width(), img.height());
    let (pixels, color) = match img {
        DynamicImage::ImageRgba8(i) if format != Format::Jpeg => {
            (i.as_raw().as_slice(), ExtendedColorType::Rgba8)
        }
        DynamicImage::ImageRgb8(i) => (i.as_raw().as_slice(), ExtendedColorType::Rgb8),
        _ => {
            // JPEG has no alpha: flatten onto white.
            let rgb = flatten(img);
            return encode(&rgb, format, quality);
        }
    };
    let mut out = Vec::new();
    let result = match format {
        Format::Png => {
            image::codecs::png::PngEncoder::new(&mut out).write_image(pixels, w, h, color)
        }
        Format::Jpeg => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
            .write_image(pixels, w, h, color),
        Format::Webp { lossless: true } => image::codecs::webp::WebPEncoder::new_lossless(&mut out)
            .write_image(pixels, w, h, color),
        Format::Webp { lossless: false } => {
            let encoder = match color {
                ExtendedColorType::Rgba8 => webp::Encoder::from_rgba(pixels, w, h),
                _ => webp::Encoder::from_rgb(pixels, w, h),
            };
            return encoder
                .encode_simple(false, quality as f32)
                .map(|m| m.to_vec())
                .map_err(|e| format!("WebP encoding failed: {e:?}"));
        }
    };
    result.map_err(|e| e.to_string())?;
    Ok(out)
}

/// An RGBA image over a white background, as RGB.
fn flatten(img: &DynamicImage) -> DynamicImage {
    let rgba = img.to_rgba8();
    let rgb = image::RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = p[3] as u32;
        let mix = |c: u8| ((c as u32 * a + 255 * (255 - a)) / 255) as u8;
        image::Rgb([mix(p[0]), mix(p[1]), mix(p[2])])
    });
    DynamicImage::ImageRgb8(rgb)
}
