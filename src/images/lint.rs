//! `folio check`'s advice on images in article bodies: alt text that is missing or only a
//! file name (`IMG_1234.png`, `screenshot`), and images still heavy after processing.
//! Warnings only; reads the sizes of the files a build copies.

use std::path::Path;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{ArticleImages, planned};
use crate::config::{ImagesConfig, MarkdownConfig};
use crate::diagnostics::Diagnostic;
use crate::disk_cache::DiskCache;
use crate::engine::model::Article;

/// Words that say nothing about what an image shows.
const PLACEHOLDERS: &[&str] = &[
    "image",
    "img",
    "screenshot",
    "screen shot",
    "photo",
    "picture",
    "pic",
    "diagram",
    "figure",
    "untitled",
    "alt",
];

/// Whether `alt` reads like a file name or a placeholder rather than a description.
pub fn is_file_name_like(alt: &str) -> bool {
    let lower = alt.trim().to_ascii_lowercase();
    let extensions = [".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif"];
    if extensions.iter().any(|e| lower.ends_with(e)) || PLACEHOLDERS.contains(&lower.as_str()) {
        return true;
    }
    // Camera and screenshot names: `IMG_1234`, `DSC01234`, `Screenshot 2024-03-01 at 10.22`.
    let camera = ["img_", "img-", "dsc", "pxl_", "screenshot"];
    let has_digit = lower.chars().any(|c| c.is_ascii_digit());
    has_digit && camera.iter().any(|p| lower.starts_with(p))
        || has_digit
            && !lower.contains(' ')
            && lower.contains(['_', '-'])
            && lower.len() > 4
            && lower.chars().filter(|c| c.is_ascii_digit()).count() * 3 >= lower.len()
}

/// Warnings for the images of every article of `site` (`plans` as `site.articles`), whose
/// variants are in the cache under `cache_dir`.
pub fn lint_site(
    root: &Path,
    site: &crate::engine::model::Site,
    plans: &[std::sync::Arc<crate::key::Keyed<ArticleImages>>],
    cache_dir: &Path,
) -> Vec<Diagnostic> {
    let cache = DiskCache::new(cache_dir, "images");
    let config = &site.config;
    site.articles
        .iter()
        .zip(plans)
        .flat_map(|(a, p)| lint(root, a, p, &cache, &config.images, &config.markdown))
        .collect()
}

/// Warnings for the images of `article`: alt text, and weight after processing.
pub fn lint(
    root: &Path,
    article: &Article,
    plans: &ArticleImages,
    cache: &DiskCache,
    config: &ImagesConfig,
    markdown: &MarkdownConfig,
) -> Vec<Diagnostic> {
    let src = &article.source;
    let body = article.body();
    let options = crate::markdown::parser_options(markdown);
    let mut out = Vec::new();
    let mut open: Option<(String, std::ops::Range<usize>, String)> = None;
    for (event, span) in Parser::new_ext(body, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                open = Some((dest_url.to_string(), span, String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, alt)) = &mut open {
                    alt.push_str(&t);
                }
            }
            Event::End(TagEnd::Image) => {
                let Some((dest, span, alt)) = open.take() else {
                    continue;
                };
                let at = src.body.start + span.start..src.body.start + span.end;
                let here = |d: Diagnostic| d.in_file(&src.path).at(src.text(), at.clone());
                if alt.trim().is_empty() {
                    out.push(here(Diagnostic::warning("image without alt text"))
                        .label("readers who cannot see it get nothing")
                        .help("say in a few words what the image shows: `![Latency before and after the fix](latency.png)`"));
                } else if is_file_name_like(&alt) {
                    out.push(
                        here(Diagnostic::warning(format!(
                            "alt text `{}` is a file name, not a description",
                            alt.trim()
                        )))
                        .label("screen readers read this out")
                        .help("say in a few words what the image shows"),
                    );
                }
                let plan = planned(plans, &dest, &src.path);
                if let Some((url, bytes)) =
                    plan.and_then(|p| heaviest(root, p, cache, config.quality))
                {
                    let kb = bytes.div_ceil(1024);
                    if kb > config.max_kb {
                        out.push(here(Diagnostic::warning(format!(
                            "image is {kb} KB after processing (`{url}`); keep it under {} KB",
                            config.max_kb
                        )))
                        .label("readers on a phone download this")
                        .help("use a smaller or simpler source image, JPEG for photos, or a lower `quality` under `[images]`; the limit is `max_kb`"));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The biggest file a browser may load for `plan`: its URL and size in bytes. Variants not
/// in the cache yet are encoded in memory to be weighed.
fn heaviest(
    root: &Path,
    plan: &super::ImagePlan,
    cache: &DiskCache,
    quality: u8,
) -> Option<(String, u64)> {
    let mut sizes = Vec::new();
    let mut missing = Vec::new();
    for v in plan.fallback.iter().chain(&plan.modern) {
        let path = match &v.cache_name {
            Some(name) => cache.path(name),
            None => root.join(&plan.source),
        };
        match std::fs::metadata(path) {
            Ok(m) => sizes.push((v.url.clone(), m.len())),
            Err(_) => missing.push(v),
        }
    }
    missing.sort_by_key(|v| std::cmp::Reverse(v.width));
    if !missing.is_empty()
        && let Ok(encoded) = super::encoded_sizes(root, plan, &missing, quality)
    {
        sizes.extend(missing.iter().map(|v| v.url.clone()).zip(encoded));
    }
    sizes.into_iter().max_by_key(|(_, len)| *len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_placeholders_are_not_descriptions() {
        for alt in [
            "IMG_1234.png",
            "screenshot.png",
            "Screenshot",
            "IMG_1234",
            "DSC01234",
            "Screenshot 2024-03-01 at 10.22.13",
            "2024-03-01_1022",
            "diagram.svg",
        ] {
            assert!(is_file_name_like(alt), "{alt}");
        }
        for alt in [
            "Latency before and after the fix",
            "p99 latency, 2024",
            "Query plan",
            "A screenshot of the dashboard",
        ] {
            assert!(!is_file_name_like(alt), "{alt}");
        }
    }
}
