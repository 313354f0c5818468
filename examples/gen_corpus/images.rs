//! Images for folder articles (`--images`): screenshot-like PNGs (a window with a title bar,
//! a sidebar, lines of "text", a bar chart and a code panel: large flat areas and sharp
//! edges, as real screenshots have) and photo-like JPEGs (gradients and grain). Drawn pixel
//! by pixel from a seed, so the same seed gives the same bytes.

use image::{ImageEncoder, Rgb, RgbImage};

use super::Rng;

/// Width and height of the generated images: a laptop screenshot at 1x.
pub const WIDTH: u32 = 1600;
pub const HEIGHT: u32 = 900;

/// A screenshot-like PNG, encoded.
pub fn screenshot_png(seed: u64) -> Vec<u8> {
    let img = screenshot(seed);
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), WIDTH, HEIGHT, image::ExtendedColorType::Rgb8)
        .expect("encoding to memory cannot fail");
    out
}

/// A photo-like JPEG (quality 85), encoded.
pub fn photo_jpeg(seed: u64) -> Vec<u8> {
    let img = photo(seed);
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .write_image(img.as_raw(), WIDTH, HEIGHT, image::ExtendedColorType::Rgb8)
        .expect("encoding to memory cannot fail");
    out
}

const ACCENTS: [[u8; 3]; 5] = [
    [37, 99, 235],
    [22, 163, 74],
    [234, 88, 12],
    [147, 51, 234],
    [220, 38, 38],
];

fn fill(img: &mut RgbImage, x: u32, y: u32, w: u32, h: u32, c: [u8; 3]) {
    for yy in y..(y + h).min(HEIGHT) {
        for xx in x..(x + w).min(WIDTH) {
            img.put_pixel(xx, yy, Rgb(c));
        }
    }
}

/// Width of a glyph cell of the made-up font, in pixels.
const GLYPH_W: u32 = 7;
const GLYPH_H: u32 = 11;

/// A made-up font: 32 glyphs of anti-aliased coverage (0–255 per pixel), drawn once per
/// image from its seed. Words repeat glyphs, as real text repeats letters, so the PNG
/// compresses like a real screenshot rather than like noise or flat boxes.
fn glyphs(rng: &mut Rng) -> Vec<[u8; (GLYPH_W * GLYPH_H) as usize]> {
    (0..32)
        .map(|_| {
            let mut g = [0u8; (GLYPH_W * GLYPH_H) as usize];
            for (i, px) in g.iter_mut().enumerate() {
                let column = i as u32 % GLYPH_W;
                *px = match (column, rng.below(5)) {
                    (6, _) => 0,
                    (_, 0 | 1) => 0,
                    (_, 2) => 255,
                    _ => rng.below(256) as u8,
                };
            }
            g
        })
        .collect()
}

/// A word of `len` pixels at (x, y) in the made-up font, blended over the background.
fn word(img: &mut RgbImage, font: &Font, rng: &mut Rng, x: u32, y: u32, len: u32, ink: [u8; 3]) {
    let mut gx = x;
    while gx + GLYPH_W <= (x + len).min(WIDTH) {
        let glyph = &font[rng.below(font.len())];
        for (i, &coverage) in glyph.iter().enumerate() {
            let (px, py) = (gx + i as u32 % GLYPH_W, y + i as u32 / GLYPH_W);
            if py >= HEIGHT {
                continue;
            }
            let bg = img.get_pixel(px, py).0;
            let c = coverage as u32;
            let mix = |k: usize| ((ink[k] as u32 * c + bg[k] as u32 * (255 - c)) / 255) as u8;
            img.put_pixel(px, py, Rgb([mix(0), mix(1), mix(2)]));
        }
        gx += GLYPH_W;
    }
}

type Font = Vec<[u8; (GLYPH_W * GLYPH_H) as usize]>;

/// Lines of "text": words of glyph noise with gaps.
fn text_lines(
    img: &mut RgbImage,
    font: &Font,
    rng: &mut Rng,
    (x, y, w): (u32, u32, u32),
    lines: u32,
    c: [u8; 3],
) {
    for line in 0..lines {
        let mut cx = x;
        let end = x + w - rng.range(0, (w / 3) as usize) as u32;
        while cx < end {
            let len = rng.range(18, 70) as u32;
            word(img, font, rng, cx, y + line * 22, len.min(end - cx), c);
            cx += len + 8;
        }
    }
}

fn screenshot(seed: u64) -> RgbImage {
    let mut rng = Rng::new(seed);
    let font = glyphs(&mut rng);
    let mut img = RgbImage::from_pixel(WIDTH, HEIGHT, Rgb([248, 249, 251]));
    let accent = rng.pick(&ACCENTS);
    fill(&mut img, 0, 0, WIDTH, 48, [31, 41, 55]);
    for (i, c) in [[239, 68, 68], [245, 158, 11], [34, 197, 94]]
        .iter()
        .enumerate()
    {
        fill(&mut img, 16 + i as u32 * 22, 18, 12, 12, *c);
    }
    fill(&mut img, 0, 48, 280, HEIGHT - 48, [241, 243, 246]);
    for i in 0..rng.range(8, 14) as u32 {
        let c = if i == 2 { accent } else { [107, 114, 128] };
        let len = rng.range(90, 200) as u32;
        word(&mut img, &font, &mut rng, 24, 80 + i * 36, len, c);
    }
    text_lines(&mut img, &font, &mut rng, (320, 80, 1200), 3, [17, 24, 39]);
    // A bar chart.
    let bars = rng.range(6, 12) as u32;
    for b in 0..bars {
        let h = rng.range(60, 300) as u32;
        let shade = if b % 3 == 0 { accent } else { [156, 163, 175] };
        fill(&mut img, 340 + b * 56, 480 - h, 36, h, shade);
    }
    fill(&mut img, 320, 480, 700, 2, [209, 213, 219]);
    // A code panel with coloured tokens.
    fill(&mut img, 1060, 160, 500, 520, [30, 30, 46]);
    for line in 0..20u32 {
        let mut cx = 1080 + rng.range(0, 3) as u32 * 24;
        for _ in 0..rng.range(1, 5) {
            let w = rng.range(20, 90) as u32;
            let c = [
                [137, 180, 250],
                [166, 227, 161],
                [249, 226, 175],
                [205, 214, 244],
            ][rng.below(4)];
            if cx + w > 1540 {
                break;
            }
            word(&mut img, &font, &mut rng, cx, 180 + line * 24, w, c);
            cx += w + 10;
        }
    }
    text_lines(&mut img, &font, &mut rng, (320, 540, 700), 14, [55, 65, 81]);
    img
}

fn photo(seed: u64) -> RgbImage {
    let mut rng = Rng::new(seed);
    let sky = [rng.range(90, 150), rng.range(140, 190), rng.range(200, 250)];
    let ground = [rng.range(60, 120), rng.range(80, 130), rng.range(40, 80)];
    let horizon = rng.range(350, 550) as f32;
    let hills: Vec<(f32, f32)> = (0..5)
        .map(|_| (rng.range(0, 1600) as f32, rng.range(40, 160) as f32))
        .collect();
    let mut grain = Rng::new(seed ^ 0x5EED);
    RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let (xf, yf) = (x as f32, y as f32);
        let hill: f32 = hills
            .iter()
            .map(|(cx, h)| h * (-(xf - cx).powi(2) / 90_000.0).exp())
            .sum();
        let edge = horizon - hill;
        let noise = grain.below(17) as f32 - 8.0;
        let px = |c: usize, t: f32| (c as f32 * t + noise).clamp(0.0, 255.0) as u8;
        if yf < edge {
            let t = 0.75 + 0.25 * yf / edge;
            Rgb([px(sky[0], t), px(sky[1], t), px(sky[2], t)])
        } else {
            let t = 1.0 - 0.4 * (yf - edge) / (HEIGHT as f32 - edge).max(1.0);
            Rgb([px(ground[0], t), px(ground[1], t), px(ground[2], t)])
        }
    })
}
