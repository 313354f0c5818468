//! A firm's brand without forking the theme: `[brand]` puts the logo in the header, the
//! favicon in every head, the accent and font into the theme's colours, and authors' photos
//! and links show on author pages, next to bylines and in the JSON-LD.

mod support;

use support::Site;

const LOGO: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 8 8\"><rect width=\"8\" height=\"8\"/></svg>\n";

fn branded() -> Site {
    let site = Site::fixture("basic");
    site.write("static/brand/logo.svg", LOGO)
        .write("static/brand/icon.png", "not really a png\n")
        .write("static/people/ana.svg", LOGO)
        .edit("config.toml", |c| {
            let c = c.replace(
                "bio = \"Ana keeps databases boring.\"\n",
                "bio = \"Ana keeps databases boring.\"\nphoto = \"static/people/ana.svg\"\n\
                 links = { github = \"https://github.com/ana\", mastodon = \"https://social.example/@ana\" }\n",
            );
            format!(
                "{}\n[brand]\nlogo = \"static/brand/logo.svg\"\nfavicon = \"static/brand/icon.png\"\n\
                 accent = \"#6a1b9a\"\nfont = '\"Inter\", sans-serif'\n{}",
                &c[..c.find("[authors.ana]").unwrap()],
                &c[c.find("[authors.ana]").unwrap()..]
            )
        });
    site
}

#[test]
fn brand_logo_favicon_accent_and_font_reach_every_page() {
    let site = branded();
    let out = site.build();
    out.success();
    assert_eq!(out.file("brand/logo.svg"), LOGO.as_bytes());
    assert_eq!(out.file("brand/favicon.png"), b"not really a png\n");
    for page in [
        "index.html",
        "articles/retry-budgets/index.html",
        "404.html",
    ] {
        let p = out.page(page);
        let logo = p.attr("header .site-title img.site-logo", "src");
        assert!(logo.starts_with("/brand/logo.svg?h="), "{page}: {logo}");
        assert_eq!(p.attr("header .site-title img.site-logo", "alt"), "");
        assert!(
            p.attr("link[rel=icon]", "href")
                .starts_with("/brand/favicon.png?h=")
        );
        assert_eq!(p.attr("link[rel=icon]", "type"), "image/png");
        let style = p.text("head style");
        assert!(style.contains("--accent: #6a1b9a;"), "{page}: {style}");
        assert!(
            style.contains("--font-sans: \"Inter\", sans-serif;"),
            "{style}"
        );
        assert!(style.contains("prefers-color-scheme: dark"), "{style}");
    }
}

#[test]
fn site_without_brand_has_no_brand_markup() {
    let site = Site::fixture("basic");
    let out = site.build();
    out.success();
    let p = out.page("index.html");
    assert_eq!(p.count("img.site-logo"), 0);
    assert_eq!(p.count("link[rel=icon]"), 0);
    assert_eq!(p.count("head style"), 0);
}

#[test]
fn author_photo_and_links_show_on_author_page_bylines_and_json_ld() {
    let site = branded();
    let out = site.build();
    out.success();
    assert_eq!(out.file("authors/ana/photo.svg"), LOGO.as_bytes());

    let author = out.page("authors/ana/index.html");
    assert!(
        author
            .attr("img.author-photo", "src")
            .starts_with("/authors/ana/photo.svg?h=")
    );
    assert_eq!(
        author.attr("img.author-photo", "alt"),
        "Photo of Ana Pereira"
    );
    assert_eq!(
        author.attrs(".author-links a", "href"),
        ["https://github.com/ana", "https://social.example/@ana"]
    );
    assert_eq!(author.all_text(".author-links a"), ["GitHub", "Mastodon"]);
    assert_eq!(author.attr(".author-links a", "rel"), "me noopener");

    let index = out.page("index.html");
    let avatars = index.attrs(".card .byline img.avatar", "src");
    assert!(
        !avatars.is_empty(),
        "no photo next to a byline on the index"
    );
    assert!(
        avatars
            .iter()
            .all(|a| a.starts_with("/authors/ana/photo.svg"))
    );

    // Ben has no photo: his bylines have none, his JSON-LD no sameAs.
    let ld = |page: &str| -> serde_json::Value {
        let p = out.page(page);
        serde_json::from_str(&p.text("script[type=\"application/ld+json\"]")).unwrap()
    };
    for article in ["retry-budgets", "timeouts"] {
        let json = ld(&format!("articles/{article}/index.html"));
        let person = &json["author"];
        if person["name"] == "Ana Pereira" {
            assert_eq!(
                person["sameAs"],
                serde_json::json!(["https://github.com/ana", "https://social.example/@ana"])
            );
            assert_eq!(
                person["image"],
                "https://notes.example/authors/ana/photo.svg"
            );
        } else {
            assert!(person.get("sameAs").is_none(), "{person}");
            assert!(person.get("image").is_none(), "{person}");
        }
    }
}

#[test]
fn an_accent_too_light_for_white_text_warns_with_its_line_and_still_builds() {
    let site = Site::fixture("basic");
    site.edit("config.toml", |c| {
        format!("{}\n[brand]\naccent = \"#f0c000\"\n", c.trim_end())
    });
    let lines = site.read("config.toml").lines().count();
    let out = site.build();
    out.success()
        .stderr_contains("brand accent `#f0c000` has a contrast of")
        .stderr_contains(&format!("config.toml:{lines}:"))
        .stderr_contains("a darker shade of it passes");
}

#[test]
fn a_missing_photo_fails_the_build_at_its_line() {
    let site = Site::fixture("basic");
    site.edit("config.toml", |c| {
        c.replace(
            "bio = \"Ana keeps databases boring.\"\n",
            "bio = \"Ana keeps databases boring.\"\nphoto = \"static/nope.jpg\"\n",
        )
    });
    site.build()
        .fails_pointing_at("config.toml", 11, "photo = \"static/nope.jpg\"")
        .stderr_contains("`photo` file `static/nope.jpg` not found in the site");
}
