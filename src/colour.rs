//! sRGB colours as CSS writes them (`#rgb`, `#rrggbb`), WCAG 2.1 contrast between two of them,
//! and the nearest shade of a colour that reaches a contrast. Pure arithmetic; used for the
//! brand accent and for syntax-highlighting colours.

use std::fmt;

/// WCAG 2.1 AA: the contrast normal text needs with its background.
pub const AA: f64 = 4.5;

/// An opaque sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

pub const WHITE: Rgb = Rgb(255, 255, 255);
pub const BLACK: Rgb = Rgb(0, 0, 0);

impl Rgb {
    /// `#rgb` or `#rrggbb` (any case); `None` for anything else.
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.trim().strip_prefix('#')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |s: &str| u8::from_str_radix(s, 16).ok();
        match hex.len() {
            3 => {
                let c: Vec<u8> = hex
                    .chars()
                    .filter_map(|c| channel(&c.to_string()))
                    .map(|v| v * 17)
                    .collect();
                Some(Rgb(c[0], c[1], c[2]))
            }
            6 => Some(Rgb(
                channel(&hex[0..2])?,
                channel(&hex[2..4])?,
                channel(&hex[4..6])?,
            )),
            _ => None,
        }
    }

    /// WCAG relative luminance, 0 (black) to 1 (white).
    pub fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    /// `self` moved `t` (0 to 1) of the way towards `other`, channel by channel.
    pub fn mix(self, other: Rgb, t: f64) -> Rgb {
        let m = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        Rgb(m(self.0, other.0), m(self.1, other.1), m(self.2, other.2))
    }

    /// `self` drawn with opacity `alpha` (0 to 255) over `under`.
    pub fn over(self, under: Rgb, alpha: u8) -> Rgb {
        under.mix(self, f64::from(alpha) / 255.0)
    }
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// WCAG 2.1 contrast ratio, 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The smallest contrast `colour` has with any of `backgrounds`.
pub fn worst_contrast(colour: Rgb, backgrounds: &[Rgb]) -> f64 {
    backgrounds
        .iter()
        .map(|&b| contrast(colour, b))
        .fold(f64::INFINITY, f64::min)
}

/// `colour` itself when it has at least `ratio` with every background; else the shade nearest
/// to it (mixed towards black or white, whichever the backgrounds leave room for) that has.
/// `None` when no shade can (backgrounds both very light and very dark).
pub fn reach_contrast(colour: Rgb, backgrounds: &[Rgb], ratio: f64) -> Option<Rgb> {
    if worst_contrast(colour, backgrounds) >= ratio {
        return Some(colour);
    }
    let mut found: Option<(f64, Rgb)> = None;
    for target in [BLACK, WHITE] {
        if worst_contrast(target, backgrounds) < ratio {
            continue;
        }
        // The least mixing that passes: contrast grows with t along this path, as long as
        // the backgrounds all lie on the other side.
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..24 {
            let mid = (lo + hi) / 2.0;
            if worst_contrast(colour.mix(target, mid), backgrounds) >= ratio {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        // Rounding to 8-bit channels may lose a little: step on until it passes.
        let mut t = hi;
        let mut shade = colour.mix(target, t);
        while worst_contrast(shade, backgrounds) < ratio && t < 1.0 {
            t = (t + 1.0 / 512.0).min(1.0);
            shade = colour.mix(target, t);
        }
        if worst_contrast(shade, backgrounds) >= ratio && found.is_none_or(|(best, _)| t < best) {
            found = Some((t, shade));
        }
    }
    found.map(|(_, shade)| shade)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_css_hex_and_prints_it_back() {
        assert_eq!(Rgb::parse("#0B5D6B"), Some(Rgb(11, 93, 107)));
        assert_eq!(Rgb::parse("#fff"), Some(WHITE));
        assert_eq!(Rgb::parse("0b5d6b"), None);
        assert_eq!(Rgb::parse("#12345"), None);
        assert_eq!(Rgb::parse("#ggg"), None);
        assert_eq!(Rgb(11, 93, 107).to_string(), "#0b5d6b");
    }

    #[test]
    fn contrast_matches_wcag_examples() {
        assert!((contrast(BLACK, WHITE) - 21.0).abs() < 1e-9);
        assert!((contrast(WHITE, WHITE) - 1.0).abs() < 1e-9);
        // #767676 on white is the classic just-passing grey (4.54:1).
        let grey = Rgb::parse("#767676").unwrap();
        assert!((contrast(grey, WHITE) - 4.54).abs() < 0.01);
    }

    #[test]
    fn reach_contrast_keeps_passing_colours_and_darkens_or_lightens_failing_ones() {
        let teal = Rgb::parse("#0b5d6b").unwrap();
        assert_eq!(reach_contrast(teal, &[WHITE], AA), Some(teal));
        let yellow = Rgb::parse("#f0c000").unwrap();
        let dark = reach_contrast(yellow, &[WHITE], AA).unwrap();
        assert!(contrast(dark, WHITE) >= AA && dark.luminance() < yellow.luminance());
        let navy = Rgb::parse("#1a2a6c").unwrap();
        let bg = Rgb::parse("#222222").unwrap();
        let light = reach_contrast(navy, &[bg], AA).unwrap();
        assert!(contrast(light, bg) >= AA && light.luminance() > navy.luminance());
        // Only just enough: one step less mixing would fail.
        assert!(
            contrast(dark, WHITE) < AA + 0.2,
            "{}",
            contrast(dark, WHITE)
        );
    }
}
