//! An image's kind (from its file name) and displayed size (from its header): PNG, JPEG and
//! WebP through `image`'s decoders (header only, EXIF orientation applied), GIF from its
//! header, SVG from `width`/`height`/`viewBox` through usvg. Decodes no pixels.

use std::io::Cursor;
use std::path::Path;

use image::{ImageDecoder, ImageFormat, ImageReader, metadata::Orientation};

/// What a source image is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Png,
    Jpeg,
    Webp,
    Gif,
    Svg,
}

impl Kind {
    /// The kind a file name says (case-insensitive extension); `None` for other files.
    pub fn from_path(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "png" => Kind::Png,
            "jpg" | "jpeg" => Kind::Jpeg,
            "webp" => Kind::Webp,
            "gif" => Kind::Gif,
            "svg" => Kind::Svg,
            _ => return None,
        })
    }

    /// Whether folio makes resized variants of it (GIF and SVG pass through as they are).
    pub fn resizable(self) -> bool {
        matches!(self, Kind::Png | Kind::Jpeg | Kind::Webp)
    }

    fn image_format(self) -> Option<ImageFormat> {
        match self {
            Kind::Png => Some(ImageFormat::Png),
            Kind::Jpeg => Some(ImageFormat::Jpeg),
            Kind::Webp => Some(ImageFormat::WebP),
            Kind::Gif | Kind::Svg => None,
        }
    }
}

/// Width and height in pixels as the image is displayed; an error says what is wrong.
pub fn probe(kind: Kind, bytes: &[u8]) -> Result<(u32, u32), String> {
    let (w, h) = match kind {
        Kind::Gif => gif_size(bytes)?,
        Kind::Svg => svg_size(bytes)?,
        _ => raster_size(kind, bytes)?,
    };
    if w == 0 || h == 0 {
        return Err(format!("it is {w}×{h} pixels"));
    }
    Ok((w, h))
}

fn raster_size(kind: Kind, bytes: &[u8]) -> Result<(u32, u32), String> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let expected = kind.image_format();
    if reader.format() != expected {
        let found = match reader.format() {
            Some(f) => format!("{f:?}").to_uppercase(),
            None => "not an image format folio knows".into(),
        };
        let wanted = expected.map_or(String::new(), |f| format!("{f:?}").to_uppercase());
        return Err(format!("its name says {wanted} but its content is {found}"));
    }
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let (w, h) = decoder.dimensions();
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    Ok(match orientation {
        Orientation::Rotate90
        | Orientation::Rotate270
        | Orientation::Rotate90FlipH
        | Orientation::Rotate270FlipH => (h, w),
        _ => (w, h),
    })
}

fn gif_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    if bytes.len() < 10 || !(bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a")) {
        return Err("its content is not a GIF".into());
    }
    let w = u16::from_le_bytes([bytes[6], bytes[7]]);
    let h = u16::from_le_bytes([bytes[8], bytes[9]]);
    Ok((w.into(), h.into()))
}

fn svg_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    let mut options = resvg::usvg::Options::default();
    // Only the size is wanted: never follow a reference to another file.
    options.image_href_resolver.resolve_string = Box::new(|_, _| None);
    let tree = resvg::usvg::Tree::from_data(bytes, &options).map_err(|e| e.to_string())?;
    let size = tree.size();
    Ok((size.width().ceil() as u32, size.height().ceil() as u32))
}
