//! Images and social cards, end to end: the real binary builds a site whose folder article
//! has PNG and JPEG images, and the tests parse its pages and decode the files it wrote.

mod support;

use std::io::Cursor;
use std::path::Path;

use image::{ImageFormat, RgbImage};
use support::{Output, Site};

const CHARTS: &str = "content/articles/charts/index.md";
const PAGE: &str = "articles/charts/index.html";

/// An image with some detail (so encoders have work), `w`×`h`, encoded as `format`.
fn picture(w: u32, h: u32, format: ImageFormat) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 7 % 251) as u8,
            (y * 3 % 241) as u8,
            ((x ^ y) % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format)
        .expect("encode in memory");
    out
}

/// The basic fixture plus a folder article `charts` with a screenshot (1600×900 PNG), a
/// photo wider than every variant (2000×1000 JPEG) and a small PNG (300×200).
fn site_with_images() -> Site {
    let site = Site::fixture("basic");
    site.write(
        CHARTS,
        "---\ntitle: Charts from the incident\nauthor: ana\ndate: 2025-02-01\nsummary: What the graphs showed.\ntags: [reliability]\n---\n\n\
         ![p99 latency during the incident](latency.png)\n\n\
         Some text between the pictures.\n\n\
         ![The on-call room at 3 a.m.](room.jpg \"Rotterdam office\")\n\n\
         ![Error budget burn, a small chart](small.png)\n",
    );
    site.write_bytes(
        "content/articles/charts/latency.png",
        &picture(1600, 900, ImageFormat::Png),
    );
    site.write_bytes(
        "content/articles/charts/room.jpg",
        &picture(2000, 1000, ImageFormat::Jpeg),
    );
    site.write_bytes(
        "content/articles/charts/small.png",
        &picture(300, 200, ImageFormat::Png),
    );
    site
}

/// Width and height of an output image file, decoded.
fn decoded_size(out: &Output, rel: &str) -> (u32, u32) {
    let img = image::load_from_memory(&out.file(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    (img.width(), img.height())
}

/// Attribute `name` of the element `node` itself.
fn attr(node: &support::Node, name: &str) -> String {
    node.0.value().attr(name).unwrap_or_default().to_string()
}

/// `srcset` as (URL, width) pairs.
fn srcset(value: &str) -> Vec<(String, u32)> {
    value
        .split(", ")
        .map(|entry| {
            let (url, w) = entry.rsplit_once(' ').expect("url and width");
            let w = w.strip_suffix('w').expect("a width descriptor");
            (url.to_string(), w.parse().expect("a number"))
        })
        .collect()
}

/// Every `srcset` entry of `value` leads to an output file of the width it claims.
fn assert_srcset_files(out: &Output, value: &str) {
    for (url, width) in srcset(value) {
        let rel = support::resolve(PAGE, &url, "/").expect("resolves inside the site");
        assert_eq!(decoded_size(out, &rel).0, width, "{rel}");
    }
}

#[test]
fn images_get_their_size_a_srcset_and_a_webp_source() {
    let site = site_with_images();
    let out = site.build();
    out.success();
    let page = out.page(PAGE);
    let imgs = page.nodes("main picture > img");
    assert_eq!(imgs.len(), 3, "every raster image is in a <picture>");

    let shot = imgs[0];
    assert_eq!(attr(&shot, "src"), "latency.png");
    assert_eq!(attr(&shot, "width"), "1600");
    assert_eq!(attr(&shot, "height"), "900");
    let sizes = attr(&shot, "sizes");
    assert!(sizes.contains("vw"), "{sizes}");
    let set = srcset(&attr(&shot, "srcset"));
    let widths: Vec<u32> = set.iter().map(|(_, w)| *w).collect();
    assert_eq!(widths, [480, 960, 1600]);
    assert_srcset_files(&out, &attr(&shot, "srcset"));

    let sources = page.nodes("main picture > source");
    assert_eq!(sources.len(), 3);
    for source in &sources {
        assert_eq!(attr(source, "type"), "image/webp");
        assert_srcset_files(&out, &attr(source, "srcset"));
        for (url, _) in srcset(&attr(source, "srcset")) {
            let rel = support::resolve(PAGE, &url, "/").unwrap();
            assert_eq!(
                image::guess_format(&out.file(&rel)).unwrap(),
                ImageFormat::WebP
            );
        }
    }

    // Wider than every variant: the original is not sent, the 1600 px copy stands in.
    let photo = imgs[1];
    assert_eq!(attr(&photo, "src"), "room-1600w.jpg");
    assert_eq!(
        (attr(&photo, "width"), attr(&photo, "height")),
        ("1600".into(), "800".into())
    );
    // A titled image alone in its paragraph is a figure: the title is its caption.
    assert_eq!(page.text("main figure figcaption"), "Rotterdam office");
    assert_eq!(page.nodes("main figure picture > img").len(), 1);
    assert_eq!(attr(&photo, "alt"), "The on-call room at 3 a.m.");
    assert_srcset_files(&out, &attr(&photo, "srcset"));

    // Never upscaled: a 300 px image has no wider copies.
    let small = imgs[2];
    assert_eq!(small.0.value().attr("srcset"), None);
    assert_eq!(
        srcset(&attr(&sources[2], "srcset")),
        [("small-300w.webp".to_string(), 300)]
    );
}

#[test]
fn only_the_first_image_loads_eagerly() {
    let site = site_with_images();
    let out = site.build();
    out.success();
    let page = out.page(PAGE);
    let loading = page.attrs("main img", "loading");
    assert_eq!(loading, ["eager", "lazy", "lazy"]);
    assert_eq!(page.attrs("main img", "fetchpriority"), ["high"]);
    assert_eq!(page.attrs("main img", "decoding"), ["async", "async"]);
}

#[test]
fn a_rebuild_encodes_no_image_and_writes_the_same_bytes() {
    let site = site_with_images();
    let first = site.build();
    first
        .success()
        .stderr_contains("Encoded 12 image variants and drew 3 social cards");
    let before = first.tree();
    let second = site.build();
    second.success().stderr_lacks("Encoded");
    support::assert_trees_equal(&before, &second.tree());
    // A changed image gets new variants; nothing else is redone.
    site.write_bytes(
        "content/articles/charts/small.png",
        &picture(320, 200, ImageFormat::Png),
    );
    let third = site.build();
    third
        .success()
        .stderr_contains("Encoded 1 image variant and drew 0 social cards");
    // Its size is probed again, not taken from the sizes kept for the old bytes.
    let page = third.page(PAGE);
    let small = page.nodes("main picture > img")[2];
    assert_eq!(
        (attr(&small, "width"), attr(&small, "height")),
        ("320".to_string(), "200".to_string())
    );
    // The sizes kept in the cache, damaged: probed again, the same site.
    let before = third.tree();
    let sizes = site.path(".folio-cache/probes/si/sizes.bin");
    assert!(sizes.is_file(), "the sizes are kept");
    std::fs::write(&sizes, b"\x05\x00\x00 cut short").unwrap();
    let fourth = site.build();
    fourth.success().stderr_lacks("Encoded");
    support::assert_trees_equal(&before, &fourth.tree());
}

#[test]
#[cfg_attr(
    not(folio_has_strace),
    ignore = "needs strace (apt-get install strace), allowed to trace"
)]
fn unchanged_images_and_articles_are_not_read_again_and_a_rewritten_file_is() {
    let site = site_with_images();
    site.write("static/notes.txt", "aaaa");
    // folio keeps the status of a file only once it has not changed for 2 s (a write in
    // the same clock tick as its read could go unnoticed): let these settle.
    std::thread::sleep(std::time::Duration::from_millis(2200));
    site.build().success();
    let trace = site.path("openat.log");
    let status = std::process::Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=open,openat", "-o"])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_folio"))
        .arg("build")
        .current_dir(site.root())
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run strace");
    assert!(status.success(), "the traced build failed");
    let log = std::fs::read_to_string(&trace).unwrap();
    assert!(
        log.contains("config.toml") && log.contains("templates/article.html"),
        "the trace saw the build read its sources:\n{log}"
    );
    // Neither the images nor the articles (their parses and rendered bodies are kept).
    for file in ["latency.png", "room.jpg", "small.png", "index.md"] {
        let source = format!("content/articles/charts/{file}");
        assert!(!log.contains(&source), "{source} was read again");
    }
    assert!(!log.contains(".md\""), "an article was read again:\n{log}");
    // Each rendered body's metadata read once, its HTML not at all: no page is rendered.
    let bodies: Vec<&str> = log
        .lines()
        .filter_map(|line| line.split('"').nth(1))
        .filter(|path| path.contains(".folio-cache/bodies/"))
        .collect();
    let distinct: std::collections::BTreeSet<&str> = bodies.iter().copied().collect();
    assert!(!bodies.is_empty(), "bodies came from the cache:\n{log}");
    assert_eq!(
        bodies.len(),
        distinct.len(),
        "a body's HTML was read: {bodies:?}"
    );
    // Rewritten with other bytes of the same length: read again, published as it is now.
    site.write("static/notes.txt", "bbbb");
    site.build().success();
    let published = std::fs::read_to_string(site.public().join("notes.txt")).unwrap();
    assert_eq!(published, "bbbb");
}

#[test]
fn a_file_where_a_variant_or_a_card_goes_is_an_error_and_the_output_stays() {
    let site = site_with_images();
    let before = site.build().success().tree();
    // An older export beside the image, named as folio names its 480-pixel variant.
    site.write_bytes(
        "content/articles/charts/latency-480w.png",
        &picture(480, 270, ImageFormat::Png),
    );
    site.build()
        .failure(1)
        .stderr_contains("content/articles/charts/latency-480w.png")
        .stderr_contains("the name folio gives the 480 pixels wide variant of `latency.png`");
    let after = support::read_tree(&site.path("public")).expect("the previous output");
    support::assert_trees_equal(&before, &after);
    std::fs::remove_file(site.path("content/articles/charts/latency-480w.png")).unwrap();
    // A static file where an article's card is drawn.
    site.write_bytes(
        "static/cards/charts.png",
        &picture(10, 10, ImageFormat::Png),
    );
    site.build()
        .failure(1)
        .stderr_contains("static/cards/charts.png")
        .stderr_contains("where folio draws the social card of `content/articles/charts/index.md`");
    std::fs::remove_file(site.path("static/cards/charts.png")).unwrap();
    site.build().success();
}

#[test]
fn every_article_has_a_card_with_an_absolute_url_under_a_sub_path() {
    let site = site_with_images();
    let out = site.build_with(&["--base-url", "https://example.com/blog/"]);
    out.success();
    let articles: Vec<String> = out
        .html_files()
        .into_iter()
        .filter(|p| p.starts_with("articles/"))
        .collect();
    assert_eq!(articles.len(), 3);
    for rel in &articles {
        let page = out.page(rel);
        let og = page.attr("meta[property='og:image']", "content");
        let slug = rel.split('/').nth(1).unwrap();
        assert_eq!(og, format!("https://example.com/blog/cards/{slug}.png"));
        assert_eq!(page.attr("meta[name='twitter:image']", "content"), og);
        assert_eq!(
            page.attr("meta[name='twitter:card']", "content"),
            "summary_large_image"
        );
        assert_eq!(
            page.attr("meta[property='og:image:width']", "content"),
            "1200"
        );
        assert_eq!(
            decoded_size(&out, &format!("cards/{slug}.png")),
            (1200, 630)
        );
    }
    assert_eq!(out.broken_links("/blog/"), Vec::<String>::new());
    // Image URLs are relative to the page, so they survive the sub-path too.
    let page = out.page(PAGE);
    assert_eq!(page.attr("main img", "src"), "latency.png");
}

#[test]
fn pages_without_an_article_have_no_card() {
    let site = site_with_images();
    let out = site.build();
    out.success();
    let home = out.page("index.html");
    assert_eq!(
        home.first_attr("meta[property='og:image']", "content"),
        None
    );
    assert_eq!(home.attr("meta[name='twitter:card']", "content"), "summary");
}

#[test]
fn front_matter_image_replaces_the_card() {
    let site = site_with_images();
    site.edit(CHARTS, |t| {
        t.replace(
            "tags: [reliability]",
            "tags: [reliability]\nimage: latency.png",
        )
    });
    site.edit("content/articles/timeouts.md", |t| {
        t.replacen(
            "title:",
            "image: https://cdn.example.org/timeouts.png\ntitle:",
            1,
        )
    });
    let out = site.build();
    out.success();
    let charts = out.page(PAGE);
    assert_eq!(
        charts.attr("meta[property='og:image']", "content"),
        "https://notes.example/articles/charts/latency.png"
    );
    assert_eq!(
        charts.attr("meta[property='og:image:height']", "content"),
        "900"
    );
    assert!(!out.exists("cards/charts.png"));
    let timeouts = out.page("articles/timeouts/index.html");
    assert_eq!(
        timeouts.attr("meta[property='og:image']", "content"),
        "https://cdn.example.org/timeouts.png"
    );
    assert_eq!(
        timeouts.first_attr("meta[property='og:image:width']", "content"),
        None
    );
    assert!(out.exists("cards/retry-budgets.png"));
}

#[test]
fn processing_off_copies_images_as_they_are_with_their_size() {
    let site = site_with_images();
    site.edit("config.toml", |t| {
        format!("{t}\n[images]\nprocess = false\n")
    });
    let out = site.build();
    out.success().stderr_contains("Encoded 0 image variants");
    let page = out.page(PAGE);
    assert_eq!(page.count("main picture"), 0);
    assert_eq!(page.attrs("main img", "width"), ["1600", "2000", "300"]);
    assert_eq!(
        page.attrs("main img", "src"),
        ["latency.png", "room.jpg", "small.png"]
    );
    assert!(!out.tree().keys().any(|k| k.contains("-480w")));
}

#[test]
fn svg_images_keep_their_size_from_the_view_box() {
    let site = Site::fixture("custom");
    site.write(
        "content/articles/diagrams/diagram.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360"><rect width="9" height="9"/></svg>"#,
    );
    let out = site.build();
    out.success();
    let page = out.page("articles/diagrams/index.html");
    assert_eq!(page.attr("main img", "src"), "diagram.svg");
    assert_eq!(
        (
            page.attr("main img", "width"),
            page.attr("main img", "height")
        ),
        ("640".to_string(), "360".to_string())
    );
    assert_eq!(page.count("main picture"), 0, "an SVG is used as it is");
}

/// The repository's own example site, copied to a temp folder (its cache stays there).
fn example_site() -> tempfile::TempDir {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(manifest.join("config.toml"), dir.path().join("config.toml")).unwrap();
    for folder in ["content", "themes", "static"] {
        for entry in walkdir::WalkDir::new(manifest.join(folder)) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(manifest).unwrap();
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(dir.path().join(rel)).unwrap();
            } else {
                std::fs::copy(entry.path(), dir.path().join(rel)).unwrap();
            }
        }
    }
    dir
}

#[test]
fn the_example_site_shows_srcset_sizes_and_cards_under_a_sub_path() {
    let dir = example_site();
    let root = dir.path().to_str().unwrap();
    let public = dir.path().join("public");
    let output = assert_cmd::Command::cargo_bin("folio")
        .unwrap()
        .args([
            "build",
            "--root",
            root,
            "--output",
            public.to_str().unwrap(),
        ])
        .args(["--base-url", "https://example.com/notes/"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let read = |rel: &str| std::fs::read_to_string(public.join(rel)).unwrap();
    let html = scraper::Html::parse_document(&read("articles/reading-explain-analyze/index.html"));
    let select = |s: &str| scraper::Selector::parse(s).unwrap();
    let img = html
        .select(&select("main picture > img"))
        .next()
        .expect("the example's PNG chart is a <picture>");
    let attr = |n: &str| img.value().attr(n).unwrap_or_default();
    assert_eq!(attr("src"), "plan-timings.png");
    assert_eq!((attr("width"), attr("height")), ("1200", "630"));
    assert!(
        attr("srcset").contains("plan-timings-480w.png 480w"),
        "{}",
        attr("srcset")
    );
    assert!(!attr("sizes").is_empty());
    let svg = html
        .select(&select("main img[src='diagram.svg']"))
        .next()
        .expect("the diagram");
    assert!(svg.value().attr("width").is_some() && svg.value().attr("height").is_some());
    let mut pages = 0;
    for entry in std::fs::read_dir(public.join("articles")).unwrap() {
        let slug = entry.unwrap().file_name().to_string_lossy().into_owned();
        pages += 1;
        let page = scraper::Html::parse_document(&read(&format!("articles/{slug}/index.html")));
        // An old address (`aliases:`) is a redirect page, not an article.
        if page
            .select(&select("meta[http-equiv='refresh']"))
            .next()
            .is_some()
        {
            continue;
        }
        let og = page
            .select(&select("meta[property='og:image']"))
            .next()
            .and_then(|m| m.value().attr("content").map(str::to_string))
            .unwrap_or_else(|| panic!("{slug} has no og:image"));
        assert_eq!(og, format!("https://example.com/notes/cards/{slug}.png"));
        assert!(public.join(format!("cards/{slug}.png")).is_file());
    }
    assert!(pages >= 10, "{pages} article pages");
}
