//! Planning and markup, on images made in memory.

use std::path::Path;

use image::{ImageEncoder, RgbImage};
use scraper::{Html, Selector};

use super::*;
use crate::disk_cache::DiskCache;

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut out)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

fn plan_of(name: &str, bytes: &[u8], config: &ImagesConfig) -> ImagePlan {
    let source = Path::new("content/articles/a").join(name);
    plan(&source, name, bytes, config).unwrap().unwrap()
}

fn widths(variants: &[Variant]) -> Vec<u32> {
    variants.iter().map(|v| v.width).collect()
}

#[test]
fn a_screenshot_gets_narrower_copies_and_lossless_webp() {
    let p = plan_of("shot.png", &png(1600, 900), &ImagesConfig::default());
    assert_eq!((p.width, p.height), (1600, 900));
    assert_eq!(widths(&p.fallback), [480, 960, 1600]);
    assert_eq!(p.fallback[0].url, "shot-480w.png");
    assert_eq!(p.fallback[0].height, 270);
    // The widest fallback is the source itself, copied as it is.
    assert_eq!(p.src().unwrap().url, "shot.png");
    assert!(p.src().unwrap().cache_name.is_none());
    assert_eq!(widths(&p.modern), [480, 960, 1600]);
    assert!(
        p.modern
            .iter()
            .all(|v| v.format == Format::Webp { lossless: true })
    );
    assert_eq!(p.encoded().count(), 5);
}

#[test]
fn images_are_never_upscaled_and_wide_sources_are_not_sent() {
    let small = plan_of("small.jpg", &jpeg(300, 200), &ImagesConfig::default());
    assert_eq!(widths(&small.fallback), [300]);
    assert_eq!(widths(&small.modern), [300]);
    let wide = plan_of("wide.jpg", &jpeg(2400, 1200), &ImagesConfig::default());
    assert_eq!(widths(&wide.fallback), [480, 960, 1600]);
    assert_eq!(wide.src().unwrap().url, "wide-1600w.jpg");
    assert_eq!(wide.src().unwrap().height, 800);
    assert!(
        wide.modern
            .iter()
            .all(|v| v.format == Format::Webp { lossless: false })
    );
}

#[test]
fn processing_off_keeps_only_the_original() {
    let config = ImagesConfig {
        process: false,
        ..ImagesConfig::default()
    };
    let p = plan_of("shot.png", &png(1600, 900), &config);
    assert_eq!(widths(&p.fallback), [1600]);
    assert!(p.modern.is_empty());
}

#[test]
fn cache_names_change_with_the_source_and_the_settings() {
    let config = ImagesConfig::default();
    let a = plan_of("a.jpg", &jpeg(1000, 500), &config);
    let b = plan_of("a.jpg", &jpeg(1000, 501), &config);
    let c = plan_of(
        "a.jpg",
        &jpeg(1000, 500),
        &ImagesConfig {
            quality: 60,
            ..config.clone()
        },
    );
    let again = plan_of("a.jpg", &jpeg(1000, 500), &config);
    let name = |p: &ImagePlan| p.fallback[0].cache_name.clone().unwrap();
    assert_ne!(name(&a), name(&b));
    assert_ne!(name(&a), name(&c));
    assert_eq!(name(&a), name(&again));
}

#[test]
fn svg_and_gif_pass_through_with_their_size() {
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360"><rect width="10" height="10"/></svg>"#;
    let p = plan_of("d.svg", svg, &ImagesConfig::default());
    assert_eq!((p.width, p.height), (640, 360));
    assert!(p.modern.is_empty() && p.encoded().count() == 0);
    let sized = br#"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120"></svg>"#;
    assert_eq!(probe(Kind::Svg, sized), Ok((300, 120)));
    let gif = b"GIF89a\x40\x01\xc8\x00\x00\x00\x00;";
    assert_eq!(probe(Kind::Gif, gif), Ok((320, 200)));
}

#[test]
fn a_file_that_is_not_what_its_name_says_is_an_error() {
    let err = plan(
        Path::new("a/x.png"),
        "x.png",
        &jpeg(10, 10),
        &ImagesConfig::default(),
    )
    .unwrap_err();
    assert!(err.contains("PNG") && err.contains("JPEG"), "{err}");
    assert!(probe(Kind::Png, b"not an image").is_err());
    assert!(probe(Kind::Gif, b"GIF8").is_err());
    assert_eq!(
        plan(Path::new("a/x.txt"), "x.txt", b"", &ImagesConfig::default()),
        Ok(None)
    );
}

#[test]
fn markup_has_size_srcset_sizes_and_a_webp_source() {
    let p = plan_of("shot.png", &png(1600, 900), &ImagesConfig::default());
    let html = Html::parse_fragment(&markup(&p, "Latency & load", "", false));
    let img = html
        .select(&Selector::parse("picture > img").unwrap())
        .next()
        .unwrap();
    let attr = |n| img.value().attr(n).unwrap_or_default().to_string();
    assert_eq!(attr("src"), "shot.png");
    assert_eq!(attr("alt"), "Latency & load");
    assert_eq!(
        (attr("width"), attr("height")),
        ("1600".into(), "900".into())
    );
    assert_eq!(
        attr("srcset"),
        "shot-480w.png 480w, shot-960w.png 960w, shot.png 1600w"
    );
    assert_eq!(attr("sizes"), ImagesConfig::default().sizes);
    assert_eq!(
        (attr("loading"), attr("decoding")),
        ("lazy".into(), "async".into())
    );
    let source = html
        .select(&Selector::parse("picture > source").unwrap())
        .next()
        .unwrap();
    assert_eq!(source.value().attr("type"), Some("image/webp"));
    assert_eq!(
        source.value().attr("srcset"),
        Some("shot-480w.webp 480w, shot-960w.webp 960w, shot-1600w.webp 1600w")
    );
}

#[test]
fn the_first_image_loads_at_once() {
    let p = plan_of(
        "d.svg",
        br#"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"/>"#,
        &ImagesConfig::default(),
    );
    let html = Html::parse_fragment(&markup(&p, "A plan", "Title", true));
    let img = html
        .select(&Selector::parse("img").unwrap())
        .next()
        .unwrap();
    assert_eq!(img.value().attr("fetchpriority"), Some("high"));
    assert_eq!(img.value().attr("loading"), Some("eager"));
    assert_eq!(img.value().attr("title"), Some("Title"));
    assert_eq!(img.value().attr("srcset"), None);
    assert_eq!(html.select(&Selector::parse("picture").unwrap()).count(), 0);
}

#[test]
fn variants_are_encoded_once_into_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let rel = Path::new("content/articles/a/shot.png");
    std::fs::create_dir_all(root.join("content/articles/a")).unwrap();
    std::fs::write(root.join(rel), png(1000, 500)).unwrap();
    let config = ImagesConfig::default();
    let p = plan(
        rel,
        "shot.png",
        &std::fs::read(root.join(rel)).unwrap(),
        &config,
    )
    .unwrap()
    .unwrap();
    let cache = DiskCache::new(&root.join(".cache"), "images");
    let (first, errors) = encode_missing(root, &[&p], &cache, config.quality);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(first, p.encoded().count());
    let (second, _) = encode_missing(root, &[&p], &cache, config.quality);
    assert_eq!(second, 0);
    for v in p.encoded() {
        let bytes = std::fs::read(cache.path(v.cache_name.as_deref().unwrap())).unwrap();
        let img = image::load_from_memory(&bytes).unwrap();
        assert_eq!(
            (img.width(), img.height()),
            (v.width, v.height),
            "{}",
            v.url
        );
    }
}
