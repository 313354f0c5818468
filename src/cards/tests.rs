//! Cards drawn from the default theme's template, checked as SVG text and as pixels.

use std::path::Path;

use super::*;

fn default_theme() -> Theme {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    let mut files = std::collections::BTreeMap::new();
    for entry in walkdir::WalkDir::new(&dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let name = entry
                .path()
                .strip_prefix(&dir)
                .unwrap()
                .display()
                .to_string();
            let text = std::fs::read_to_string(entry.path()).unwrap();
            files.insert(name, (entry.path().to_path_buf(), text.into()));
        }
    }
    Theme::from_sources("default", files, &dir, std::time::Duration::from_secs(5))
        .expect("the default theme loads")
}

fn bundled_fonts() -> Fonts {
    Fonts::load(Path::new("/"), Path::new("/nonexistent")).expect("bundled fonts load")
}

fn card<'a>(title: TitleLayout, photo: Option<String>) -> CardContext<'a> {
    CardContext {
        width: WIDTH,
        height: HEIGHT,
        title,
        author: CardAuthor {
            name: "Inês Carvalho",
            role: "Principal Engineer, Databases",
            initials: initials("Inês Carvalho"),
            photo,
        },
        site: CardSite {
            title: "Larchmere <Engineering> & Notes",
            host: "blog.larchmere.example",
            logo: None,
        },
        accent: "#0b5d6b",
        date_display: "6 May 2025",
        tags: vec!["postgres"],
    }
}

#[test]
fn initials_take_the_first_and_last_names() {
    assert_eq!(initials("Inês Carvalho"), "IC");
    assert_eq!(initials("Amara Ngozi Okafor"), "AO");
    assert_eq!(initials("ana"), "A");
    assert_eq!(initials(""), "");
}

#[test]
fn the_svg_holds_the_wrapped_title_and_escapes_text() {
    let fonts = bundled_fonts();
    let measure = fonts.title_measure().unwrap();
    let title = fit_title(
        "Zero-downtime Postgres migrations: the locks are the whole story",
        &measure,
        TITLE_WIDTH,
        TITLE_HEIGHT,
    );
    let lines = title.lines.clone();
    let svg = render_svg(&default_theme(), &card(title, None)).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("the card is well-formed XML");
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect();
    for line in &lines {
        assert!(texts.contains(line), "{line:?} not in {texts:?}");
    }
    assert!(lines.len() >= 2);
    assert!(texts.contains(&"Larchmere <Engineering> & Notes".to_string()));
    assert!(
        texts.contains(&"IC".to_string()),
        "monogram without a photo"
    );
}

#[test]
fn a_card_is_a_1200_by_630_png_that_is_not_blank() {
    let fonts = bundled_fonts();
    let measure = fonts.title_measure().unwrap();
    let title = fit_title("Retry budgets", &measure, TITLE_WIDTH, TITLE_HEIGHT);
    let svg = render_svg(&default_theme(), &card(title, None)).unwrap();
    let png = rasterise(&svg, &fonts).unwrap();
    let img = image::load_from_memory(&png).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (WIDTH, HEIGHT));
    // The title is drawn in near-black over the light background: many dark pixels in the
    // title's band, none in the empty band below the site title.
    let dark = |y0: u32, y1: u32| {
        (y0..y1)
            .flat_map(|y| (72..1128).map(move |x| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0.iter().all(|&c| c < 60))
            .count()
    };
    assert!(dark(150, 240) > 5_000, "title pixels: {}", dark(150, 240));
    assert_eq!(dark(110, 140), 0);
}

#[test]
fn a_photo_replaces_the_monogram() {
    let fonts = bundled_fonts();
    let measure = fonts.title_measure().unwrap();
    let title = fit_title("Retry budgets", &measure, TITLE_WIDTH, TITLE_HEIGHT);
    let mut photo = Vec::new();
    let red = image::RgbImage::from_pixel(40, 40, image::Rgb([220, 30, 30]));
    image::DynamicImage::ImageRgb8(red)
        .write_to(
            &mut std::io::Cursor::new(&mut photo),
            image::ImageFormat::Png,
        )
        .unwrap();
    let url = data_url(Path::new("ana.png"), &photo).unwrap();
    let svg = render_svg(&default_theme(), &card(title, Some(url))).unwrap();
    assert!(!svg.contains(">IC<"));
    let png = rasterise(&svg, &fonts).unwrap();
    let img = image::load_from_memory(&png).unwrap().to_rgb8();
    assert_eq!(img.get_pixel(112, 545).0, [220, 30, 30]);
}

#[test]
fn a_cached_card_is_not_drawn_again() {
    let dir = tempfile::tempdir().unwrap();
    let cache = DiskCache::new(dir.path(), "cards");
    let fonts = bundled_fonts();
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"><rect width="10" height="10"/></svg>"#;
    let (name, drawn) = ensure_card(svg, &fonts, &cache).unwrap();
    assert!(drawn);
    assert_eq!(ensure_card(svg, &fonts, &cache).unwrap(), (name, false));
    assert!(ensure_card("<svg", &fonts, &cache).is_err());
}
