//! The fonts cards are drawn with, and drawing: usvg parses the card's SVG (shaping its text
//! with those fonts only, never the system's, so every machine draws the same card), resvg
//! rasterises it, and `image` writes the PNG.

use std::path::Path;
use std::sync::Arc;

use resvg::tiny_skia;
use resvg::usvg::{self, fontdb};

use super::{HEIGHT, Measure, WIDTH};
use crate::diagnostics::Diagnostic;
use crate::disk_cache::KeyHasher;

/// Inter (SIL Open Font License, `themes/default/fonts/OFL.txt`), for themes without fonts.
const BUNDLED: &[(&str, &[u8])] = &[
    (
        "Inter-Bold.otf",
        include_bytes!("../../themes/default/fonts/Inter-Bold.otf"),
    ),
    (
        "Inter-Regular.otf",
        include_bytes!("../../themes/default/fonts/Inter-Regular.otf"),
    ),
];

/// The fonts of a theme's `fonts/` folder (`.otf`, `.ttf`, `.ttc`), or Inter when it has
/// none.
pub struct Fonts {
    db: Arc<fontdb::Database>,
    /// The boldest face, which titles are measured with: (font file, face index).
    title: (Arc<Vec<u8>>, u32),
    /// Its family name, the default for text without `font-family`.
    family: String,
    key: String,
}

impl Fonts {
    /// Load the fonts of `fonts_dir` (site-root relative paths in messages via `root`).
    pub fn load(root: &Path, fonts_dir: &Path) -> Result<Fonts, Diagnostic> {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        if let Ok(entries) = std::fs::read_dir(fonts_dir) {
            let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            paths.sort();
            for path in paths {
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                if !matches!(ext.to_ascii_lowercase().as_str(), "otf" | "ttf" | "ttc") {
                    continue;
                }
                let rel = crate::content::relative(root, &path);
                let bytes =
                    std::fs::read(&path).map_err(|e| Diagnostic::io(&rel, "read font", &e))?;
                files.push((crate::diagnostics::display_path(&rel), bytes));
            }
        }
        if files.is_empty() {
            files = BUNDLED
                .iter()
                .map(|(n, b)| (n.to_string(), b.to_vec()))
                .collect();
        }
        Fonts::from_files(files)
    }

    fn from_files(files: Vec<(String, Vec<u8>)>) -> Result<Fonts, Diagnostic> {
        let mut db = fontdb::Database::new();
        let mut key = KeyHasher::new();
        let mut title: Option<(Arc<Vec<u8>>, u32, u16, String)> = None;
        for (name, bytes) in files {
            key.field(&bytes);
            let data = Arc::new(bytes);
            let ids = db.load_font_source(fontdb::Source::Binary(data.clone()));
            if ids.is_empty() || Measure::new(&data, 0).is_none() {
                return Err(
                    Diagnostic::error(format!("`{name}` is not a font folio can read"))
                        .help("use OpenType (.otf) or TrueType (.ttf) files"),
                );
            }
            for face in ids.iter().filter_map(|id| db.face(*id)) {
                let family = face
                    .families
                    .first()
                    .map(|f| f.0.clone())
                    .unwrap_or_default();
                if title.as_ref().is_none_or(|t| face.weight.0 > t.2) {
                    title = Some((data.clone(), face.index, face.weight.0, family));
                }
            }
        }
        let (data, index, _, family) =
            title.ok_or_else(|| Diagnostic::error("no fonts for social cards"))?;
        Ok(Fonts {
            db: Arc::new(db),
            title: (data, index),
            family,
            key: key.finish(),
        })
    }

    /// Measures text in the face titles are set in.
    pub fn title_measure(&self) -> Option<Measure<'_>> {
        Measure::new(&self.title.0, self.title.1)
    }

    /// A hash of every font file, for cache keys.
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// Draw `svg` as a `WIDTH`×`HEIGHT` PNG (scaled to fit when the SVG has another size).
pub fn rasterise(svg: &str, fonts: &Fonts) -> Result<Vec<u8>, String> {
    let mut options = usvg::Options {
        fontdb: fonts.db.clone(),
        font_family: fonts.family.clone(),
        ..usvg::Options::default()
    };
    // Pictures come in as data: URLs; a card never reads other files.
    options.image_href_resolver.resolve_string = Box::new(|_, _| None);
    let tree = usvg::Tree::from_str(svg, &options)
        .map_err(|e| format!("the card template made an invalid SVG: {e}"))?;
    let mut pixmap =
        tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or("cannot allocate the card's pixels")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let size = tree.size();
    let scale = (WIDTH as f32 / size.width()).min(HEIGHT as f32 / size.height());
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    // tiny-skia's own encoder: compiled (and optimised) in tiny-skia, where `image`'s
    // generic encoder would be compiled unoptimised into debug builds and tests.
    pixmap.encode_png().map_err(|e| e.to_string())
}
