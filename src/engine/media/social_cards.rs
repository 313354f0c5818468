//! Social cards, the pictures a shared link shows: what drawing them needs once per build
//! (the theme's fonts, the logo and authors' photos as `data:` URLs), each card's key (all
//! that `draw_card` reads), and the drawing itself into the card cache.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::MediaMemo;
use crate::cards::{self, CardAuthor, CardContext, CardSite, Fonts};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::disk_cache::DiskCache;
use crate::engine::inputs::Inputs;
use crate::engine::model::{Article, Site};
use crate::key::Key;
use crate::render::Theme;

/// Where an article's card is published.
pub(super) fn card_path(article: &Article) -> String {
    format!("cards/{}.png", article.slug)
}

/// What drawing cards needs, once per build: the theme's fonts, and the pictures named in
/// config.toml (logo, author photos) as `data:` URLs, with the key of all of it.
pub struct CardKit {
    fonts: Arc<Fonts>,
    logo: Option<String>,
    photos: BTreeMap<String, String>,
    key: Key,
}

/// The card kit, when the site draws cards (`[cards] enabled` and a theme with
/// `social.svg`); `theme_key` is the key of the theme's templates.
pub fn card_kit(
    site: &Site,
    inputs: &Inputs,
    theme: &Theme,
    theme_key: Key,
    memo: &mut MediaMemo,
) -> Result<Option<CardKit>, Vec<Diagnostic>> {
    let config = &site.config;
    if !config.cards.enabled || !theme.has(cards::TEMPLATE) {
        return Ok(None);
    }
    let fonts_dir = Path::new("themes").join(&config.theme).join("fonts");
    let font_keys: Vec<(&Path, Key)> = inputs
        .files_under(&fonts_dir)
        .filter_map(|(p, _, f)| Some((p, f.as_ref().ok()?.key)))
        .collect();
    let fonts_key = Key::of("fonts", &font_keys);
    let fonts = match &memo.fonts {
        Some((k, fonts)) if *k == fonts_key => fonts.clone(),
        _ => {
            let fonts = Arc::new(
                Fonts::load(inputs.root(), &inputs.root().join(&fonts_dir)).map_err(|d| vec![d])?,
            );
            memo.fonts = Some((fonts_key, fonts.clone()));
            fonts
        }
    };
    let mut named: Vec<(&'static str, String, &str)> = Vec::new();
    if let Some(logo) = &config.brand.logo {
        named.push(("logo", String::new(), logo));
    }
    for (id, author) in &config.authors {
        if let Some(photo) = &author.photo {
            named.push(("photo", id.clone(), photo));
        }
    }
    let keys: Vec<Key> = named
        .iter()
        .map(|(_, _, path)| Key::of("picture", &(path, inputs.file_key(Path::new(path)))))
        .collect();
    let (pictures, _) = memo.pictures.take_all(&keys, |i| {
        let path = named[i].2;
        let picture = inputs
            .bytes(Path::new(path))
            .map_err(|e| format!("cannot read `{path}`: {e}"))
            .and_then(|bytes| {
                cards::data_url(Path::new(path), &bytes)
                    .ok_or_else(|| format!("`{path}` is not a PNG, JPEG, WebP, GIF or SVG file"))
            });
        Arc::new(picture)
    });
    let mut kit = CardKit {
        fonts,
        logo: None,
        photos: BTreeMap::new(),
        key: Key::of("card kit", &(fonts_key, &keys, theme_key)),
    };
    let mut errors = Vec::new();
    for ((what, id, path), picture) in named.iter().zip(pictures) {
        match (&*picture, *what) {
            (Ok(url), "logo") => kit.logo = Some(url.clone()),
            (Ok(url), _) => {
                kit.photos.insert(id.clone(), url.clone());
            }
            (Err(e), _) => errors.push(
                config.point_at_line(
                    Diagnostic::error(e.clone())
                        .help("the path is from the site's folder, like `static/team/ana.jpg`"),
                    |line| {
                        line.strip_prefix(what)
                            .is_some_and(|r| r.trim_start().starts_with('=') && r.contains(path))
                    },
                ),
            ),
        }
    }
    match errors.is_empty() {
        true => Ok(Some(kit)),
        false => Err(errors),
    }
}

/// The accent a card is drawn with: `[brand]`'s, else the default theme's.
pub(super) fn card_accent(config: &Config) -> &str {
    config.brand.accent.as_deref().map_or("#0b5d6b", str::trim)
}

/// The key of an article's card: everything `draw_card` reads.
pub(super) fn card_key(site: &Site, article: &Article, kit: &CardKit) -> Key {
    let c = &site.config;
    let author = &site.authors[&article.author];
    Key::of(
        "card",
        &(
            kit.key,
            article.source.front_matter_key,
            (&author.id, &author.name, &author.role),
            (&c.title, &c.base_url, card_accent(c)),
        ),
    )
}

/// The card of `article`, from the cache or drawn now: the cached file, and whether it was
/// drawn.
pub(super) fn draw_card(
    site: &Site,
    article: &Article,
    kit: &CardKit,
    host: &str,
    theme: &Theme,
    cache: &DiskCache,
    key: Key,
) -> Result<(PathBuf, bool), Diagnostic> {
    let name = format!("{}.png", key.hex());
    if cache.has(&name) {
        return Ok((cache.path(&name), false));
    }
    let c: &Config = &site.config;
    let fm = &article.source.front_matter;
    let author = &site.authors[&article.author];
    let measure = kit
        .fonts
        .title_measure()
        .ok_or_else(|| Diagnostic::error("the card fonts cannot be measured"))?;
    let date = fm.date.display();
    let card = CardContext {
        width: cards::WIDTH,
        height: cards::HEIGHT,
        title: cards::fit_title(&fm.title, &measure, cards::TITLE_WIDTH, cards::TITLE_HEIGHT),
        author: CardAuthor {
            name: &author.name,
            role: &author.role,
            initials: cards::initials(&author.name),
            photo: kit.photos.get(author.id.as_str()).cloned(),
        },
        site: CardSite {
            title: &c.title,
            host,
            logo: kit.logo.clone(),
        },
        accent: card_accent(c),
        date_display: &date,
        tags: fm.tags.iter().map(String::as_str).collect(),
    };
    // A control character in a title or tag is no XML: the SVG would not parse.
    let svg = cards::render_svg(theme, &card)?;
    let svg = crate::render::feeds::xml_chars(&svg);
    let template = theme
        .file_of(cards::TEMPLATE)
        .unwrap_or(Path::new("templates/social.svg"))
        .to_path_buf();
    let png = cards::rasterise(&svg, &kit.fonts).map_err(|e| {
        Diagnostic::error(format!("cannot draw the social cards: {e}")).in_file(&template)
    })?;
    let path = cache.put(&name, &png).map_err(|e| {
        Diagnostic::error(format!("cannot write the card cache: {e}")).in_file(&template)
    })?;
    Ok((path, true))
}
