//! The firm's brand and its authors' faces: `[brand]` (logo, favicon, accent colour, font) and
//! authors' `photo` and `links`. Checks them (config errors and warnings with the config.toml
//! line), maps their files to fixed output paths, and turns the accent into the shades a
//! theme needs for light and dark mode, each at WCAG AA contrast where it carries text.
//! Reads the disk only to see that the files exist.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::colour::{self, AA, BLACK, Rgb, WHITE};
use crate::config::Config;
use crate::diagnostics::Diagnostic;

/// The default theme's colours that the accent meets (`themes/default/static/css/style.css`;
/// a test keeps the two in step). Text on the accent is `ON_ACCENT_*`.
pub const LIGHT_BG: Rgb = Rgb(0xfb, 0xfa, 0xf7);
pub const LIGHT_SURFACE: Rgb = WHITE;
pub const LIGHT_ON_ACCENT: Rgb = WHITE;
pub const DARK_BG: Rgb = Rgb(0x14, 0x17, 0x1a);
pub const DARK_SURFACE: Rgb = Rgb(0x1b, 0x1f, 0x23);
pub const DARK_ON_ACCENT: Rgb = DARK_BG;

const LOGO_TYPES: &[&str] = &["svg", "png"];
const FAVICON_TYPES: &[&str] = &["svg", "png", "ico"];
const PHOTO_TYPES: &[&str] = &["jpg", "jpeg", "png", "webp", "avif", "gif", "svg"];

/// `site.brand`: what templates get of `[brand]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BrandContext {
    /// URL of the logo (with a content hash), or none.
    pub logo: Option<String>,
    pub favicon: Option<String>,
    /// `image/svg+xml`, `image/png` or `image/x-icon`.
    pub favicon_type: Option<&'static str>,
    /// The font stack as written, or none.
    pub font: Option<String>,
    /// The accent's shades for light and dark mode, or none.
    pub accent: Option<Palette>,
}

/// The accent in both colour schemes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Palette {
    pub light: Shades,
    pub dark: Shades,
}

/// The shades of the accent for one colour scheme, as `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shades {
    /// Links, buttons, borders.
    pub accent: String,
    /// Hover, and text on `accent_soft`.
    pub accent_strong: String,
    /// A light (dark mode: deep) tint for backgrounds.
    pub accent_soft: String,
    /// Text written on `accent`.
    pub on_accent: String,
}

/// A link of an author elsewhere.
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct AuthorLink {
    /// `website`, `linkedin`, `github` or `mastodon`.
    pub kind: &'static str,
    /// `Website`, `LinkedIn`, `GitHub` or `Mastodon`.
    pub label: &'static str,
    pub url: String,
}

/// Output path of the logo: `brand/logo.<ext>`.
pub fn logo_path(config: &Config) -> Option<String> {
    output_path("brand/logo", config.brand.logo.as_deref()?)
}

/// Output path of the favicon: `brand/favicon.<ext>`.
pub fn favicon_path(config: &Config) -> Option<String> {
    output_path("brand/favicon", config.brand.favicon.as_deref()?)
}

/// Output path of an author's photo: `authors/<id>/photo.<ext>`.
pub fn photo_path(config: &Config, id: &str) -> Option<String> {
    let photo = config.authors.get(id)?.photo.as_deref()?;
    output_path(&format!("authors/{id}/photo"), photo)
}

fn output_path(stem: &str, file: &str) -> Option<String> {
    Some(format!("{stem}.{}", extension(file)?))
}

fn extension(file: &str) -> Option<String> {
    Path::new(file)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
}

/// Config errors of `[brand]` and authors' `photo` and `links`, pointing at their line.
pub fn check_config(config: &Config) -> Result<(), Diagnostic> {
    let b = &config.brand;
    let in_brand = |d: Diagnostic, key: &str| point_in_table(config, d, "[brand]", key);
    if let Some(accent) = &b.accent
        && Rgb::parse(accent).is_none()
    {
        let d = Diagnostic::error(format!(
            "`accent` must be a hex colour like \"#0b5d6b\", found `{accent}`"
        ));
        return Err(in_brand(d, "accent"));
    }
    if let Some(font) = &b.font
        && (font.trim().is_empty() || font.contains([';', '{', '}', '<', '>', '\\', '\n']))
    {
        let d = Diagnostic::error(format!("`font` must be a CSS font stack, found `{font}`"))
            .help("write font names separated by commas, like `font = '\"Inter\", system-ui, sans-serif'`");
        return Err(in_brand(d, "font"));
    }
    for (key, file, types) in [
        ("logo", &b.logo, LOGO_TYPES),
        ("favicon", &b.favicon, FAVICON_TYPES),
    ] {
        if let Some(file) = file {
            check_file_name(key, file, types).map_err(|d| in_brand(d, key))?;
        }
    }
    for (id, author) in &config.authors {
        let table = format!("[authors.{id}]");
        if let Some(photo) = &author.photo {
            check_file_name("photo", photo, PHOTO_TYPES)
                .map_err(|d| point_in_table(config, d, &table, "photo"))?;
        }
        for (key, _, url) in author.links.list() {
            if crate::config::check_base_url(url).is_err() {
                let d = Diagnostic::error(format!(
                    "`{key}` of author `{id}` must be an http(s) URL, found `{url}`"
                ));
                let links = format!("[authors.{id}.links]");
                let d = match config.source.contains(&links) {
                    true => point_in_table(config, d, &links, key),
                    false => point_in_table(config, d, &table, "links"),
                };
                return Err(d);
            }
        }
    }
    Ok(())
}

fn check_file_name(key: &str, file: &str, types: &[&str]) -> Result<(), Diagnostic> {
    let path = Path::new(file);
    if file.trim().is_empty()
        || path.is_absolute()
        || path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(Diagnostic::error(format!(
            "`{key}` must be a file in the site, as a path from its root (like `static/brand/{key}.svg`), found `{file}`"
        )));
    }
    match extension(file) {
        Some(ext) if types.contains(&ext.as_str()) => Ok(()),
        _ => Err(Diagnostic::error(format!(
            "`{key}` must be a {} file, found `{file}`",
            types.join(", ")
        ))),
    }
}

/// Point `d` at the line of `key` inside the config table headed `table` (e.g. `[brand]`).
fn point_in_table(config: &Config, d: Diagnostic, table: &str, key: &str) -> Diagnostic {
    let mut in_table = false;
    let mut found = None;
    let mut offset = 0;
    for line in config.source.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with('[') {
            in_table = t == table;
        } else if in_table
            && found.is_none()
            && t.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        {
            let start = offset + (line.len() - line.trim_start().len());
            found = Some(start..offset + line.trim_end().len());
        }
        offset += line.len();
    }
    match found {
        Some(span) => d.in_file("config.toml").at(&config.source, span),
        None => config.point_at(d, key),
    }
}

/// Files to copy into the output: output path → file (from the site root).
pub type Files = BTreeMap<String, PathBuf>;

/// The brand's and the authors' files, after checking they are sources of the site
/// (`exists`), and the brand's warnings (an accent below AA contrast).
pub fn load(
    config: &Config,
    exists: impl Fn(&Path) -> bool,
) -> Result<(Files, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut files = BTreeMap::new();
    let mut errors = Vec::new();
    let b = &config.brand;
    let mut wanted: Vec<(Option<String>, &str, String, String)> = vec![
        (
            logo_path(config),
            "logo",
            "[brand]".into(),
            b.logo.clone().unwrap_or_default(),
        ),
        (
            favicon_path(config),
            "favicon",
            "[brand]".into(),
            b.favicon.clone().unwrap_or_default(),
        ),
    ];
    for (id, author) in &config.authors {
        wanted.push((
            photo_path(config, id),
            "photo",
            format!("[authors.{id}]"),
            author.photo.clone().unwrap_or_default(),
        ));
    }
    for (output, key, table, file) in wanted {
        let Some(output) = output else { continue };
        let path = PathBuf::from(&file);
        if exists(&path) {
            files.insert(output, path);
        } else {
            let d = Diagnostic::error(format!("`{key}` file `{file}` not found in the site"))
                .help("give the path from the site's root, e.g. `static/brand/logo.svg`");
            errors.push(point_in_table(config, d, &table, key));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let warnings = accent_warning(config).into_iter().collect();
    Ok((files, warnings))
}

/// A warning when text on the accent (or the accent as link text on the page) falls below
/// AA contrast in light mode; dark mode's shade is derived to pass.
fn accent_warning(config: &Config) -> Option<Diagnostic> {
    let accent = Rgb::parse(config.brand.accent.as_deref()?)?;
    let on_accent = colour::contrast(accent, LIGHT_ON_ACCENT);
    let as_text = colour::worst_contrast(accent, &[LIGHT_BG, LIGHT_SURFACE]);
    let worst = on_accent.min(as_text);
    if worst >= AA {
        return None;
    }
    let passing = colour::reach_contrast(accent, &[LIGHT_ON_ACCENT, LIGHT_BG, LIGHT_SURFACE], AA);
    let d = Diagnostic::warning(format!(
        "brand accent `{accent}` has a contrast of {worst:.1}:1 with the white text written on it and the page around it; WCAG AA needs 4.5:1"
    ))
    .label("too light for text")
    .help(match passing {
        Some(shade) => format!("a darker shade of it passes: `accent = \"{shade}\"`"),
        None => "choose a darker colour".to_string(),
    });
    Some(point_in_table(config, d, "[brand]", "accent"))
}

/// What templates get as `site.brand`; `assets` maps output paths to URLs.
pub fn context(config: &Config, assets: &BTreeMap<String, String>) -> BrandContext {
    let b = &config.brand;
    let url = |path: Option<String>| path.and_then(|p| assets.get(&p).cloned());
    BrandContext {
        logo: url(logo_path(config)),
        favicon: url(favicon_path(config)),
        favicon_type: b
            .favicon
            .as_deref()
            .and_then(extension)
            .map(|e| match e.as_str() {
                "svg" => "image/svg+xml",
                "png" => "image/png",
                _ => "image/x-icon",
            }),
        font: b.font.clone(),
        accent: b.accent.as_deref().and_then(Rgb::parse).map(palette),
    }
}

/// An author's photo URL and links, for templates.
pub fn author_extras(
    config: &Config,
    id: &str,
    assets: &BTreeMap<String, String>,
) -> (Option<String>, Vec<AuthorLink>) {
    let photo = photo_path(config, id).and_then(|p| assets.get(&p).cloned());
    let links = config
        .authors
        .get(id)
        .map(|a| {
            a.links
                .list()
                .into_iter()
                .map(|(kind, label, url)| AuthorLink {
                    kind,
                    label,
                    url: url.to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    (photo, links)
}

/// The accent's shades. Light mode keeps the accent as given (a warning says when it is too
/// light); dark mode lightens it until it reads on the dark page. Shades carrying text are
/// moved to AA against what they meet.
pub fn palette(accent: Rgb) -> Palette {
    let reach = |c: Rgb, on: &[Rgb]| colour::reach_contrast(c, on, AA).unwrap_or(c);
    let soft = accent.mix(WHITE, 0.88);
    let light = Shades {
        accent: accent.to_string(),
        accent_strong: reach(accent.mix(BLACK, 0.25), &[soft, WHITE]).to_string(),
        accent_soft: soft.to_string(),
        on_accent: LIGHT_ON_ACCENT.to_string(),
    };
    let dark_accent = reach(accent, &[DARK_BG, DARK_SURFACE]);
    let dark_soft = dark_accent.mix(DARK_BG, 0.82);
    let dark_accent = reach(dark_accent, &[DARK_BG, DARK_SURFACE, dark_soft]);
    let dark = Shades {
        accent: dark_accent.to_string(),
        accent_strong: reach(dark_accent.mix(WHITE, 0.3), &[dark_soft, DARK_BG]).to_string(),
        accent_soft: dark_soft.to_string(),
        on_accent: DARK_ON_ACCENT.to_string(),
    };
    Palette { light, dark }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(extra: &str) -> Result<Config, Diagnostic> {
        let text = format!(
            "title = \"T\"\nbase_url = \"https://e.com/\"\n[authors.ana]\nname = \"A\"\nrole = \"R\"\n{extra}"
        );
        Config::parse(&text, Path::new("config.toml"))
    }

    fn rgb(hex: &str) -> Rgb {
        Rgb::parse(hex).unwrap()
    }

    #[test]
    fn every_shade_that_carries_text_passes_aa_in_both_schemes() {
        for accent in [
            "#0b5d6b", "#6a1b9a", "#c2185b", "#1a2a6c", "#00695c", "#222222",
        ] {
            let p = palette(rgb(accent));
            let light = &p.light;
            let ok = |fg: &str, bg: &str| colour::contrast(rgb(fg), rgb(bg)) >= AA;
            assert!(ok(&light.accent_strong, &light.accent_soft), "{accent}");
            let d = &p.dark;
            for bg in [
                DARK_BG.to_string(),
                DARK_SURFACE.to_string(),
                d.accent_soft.clone(),
            ] {
                assert!(ok(&d.accent, &bg), "{accent} dark on {bg}");
            }
            assert!(ok(&d.on_accent, &d.accent), "{accent}: text on dark accent");
            assert!(ok(&d.accent_strong, &d.accent_soft), "{accent}: dark tags");
        }
    }

    #[test]
    fn a_light_accent_warns_at_its_line_with_a_passing_shade() {
        let c = config("[brand]\naccent = \"#f0a500\"\n").unwrap();
        let w = accent_warning(&c).expect("a warning");
        assert_eq!(w.line_col().map(|l| l.0), Some(7));
        assert!(w.message.contains("WCAG AA needs 4.5:1"), "{}", w.message);
        let shade = w.help.unwrap();
        let hex = shade.split('"').nth(1).unwrap();
        assert!(colour::contrast(rgb(hex), WHITE) >= AA);
        assert!(accent_warning(&config("[brand]\naccent = \"#0b5d6b\"\n").unwrap()).is_none());
    }

    #[test]
    fn bad_brand_and_author_values_are_errors_at_their_line() {
        let e = config("[brand]\naccent = \"teal\"\n").unwrap_err();
        assert!(e.message.contains("hex colour"), "{}", e.message);
        assert_eq!(e.line_col().map(|l| l.0), Some(7));
        let e = config("[brand]\nlogo = \"logo.gif\"\n").unwrap_err();
        assert!(e.message.contains("svg, png"), "{}", e.message);
        let e = config("photo = \"../me.jpg\"\n").unwrap_err();
        assert_eq!(e.line_col().map(|l| l.0), Some(6));
        let e = config("[authors.ana.links]\ngithub = \"github.com/ana\"\n").unwrap_err();
        assert!(
            e.message.contains("`github` of author `ana`"),
            "{}",
            e.message
        );
        assert_eq!(e.line_col().map(|l| l.0), Some(7));
        let e = config("[brand]\nfont = \"x; } body { display: none\"\n").unwrap_err();
        assert!(e.message.contains("font stack"), "{}", e.message);
    }

    /// The constants above are the default theme's: its stylesheet says so.
    #[test]
    fn theme_colours_match_the_default_stylesheet() {
        let css = include_str!("../themes/default/static/css/style.css");
        let (light, dark) = css.split_once("prefers-color-scheme: dark").unwrap();
        let value = |part: &str, var: &str| {
            let at = part
                .find(&format!("{var}:"))
                .unwrap_or_else(|| panic!("no {var}"));
            rgb(part[at + var.len() + 1..].split(';').next().unwrap().trim())
        };
        assert_eq!(value(light, "--bg"), LIGHT_BG);
        assert_eq!(value(light, "--surface"), LIGHT_SURFACE);
        assert_eq!(value(light, "--on-accent"), LIGHT_ON_ACCENT);
        assert_eq!(value(dark, "--bg"), DARK_BG);
        assert_eq!(value(dark, "--surface"), DARK_SURFACE);
        assert_eq!(value(dark, "--on-accent"), DARK_ON_ACCENT);
    }
}
