//! Fitting a title into the card's title box: measure words with the font's own advance
//! widths (skrifa), wrap greedily into lines, and shrink the size until the lines fit the
//! box; at the smallest size, the last line that fits ends in an ellipsis. Pure.

use serde::Serialize;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// Largest and smallest title size, in pixels, and the step between tries.
const MAX_SIZE: f32 = 72.0;
const MIN_SIZE: f32 = 44.0;
const STEP: f32 = 4.0;
/// Line height as a multiple of the size.
const LEADING: f32 = 1.15;

/// The title as the template draws it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TitleLayout {
    pub lines: Vec<String>,
    /// Font size in pixels.
    pub size: f32,
    /// Distance between baselines in pixels.
    pub line_height: f32,
}

/// Advance widths of a font at one size.
pub struct Measure<'a> {
    font: FontRef<'a>,
}

impl<'a> Measure<'a> {
    /// The face `index` of the font file `data`; `None` when it is not a font.
    pub fn new(data: &'a [u8], index: u32) -> Option<Measure<'a>> {
        FontRef::from_index(data, index)
            .ok()
            .map(|font| Measure { font })
    }

    /// Width of `text` in pixels at `size` (kerning left out: it only ever narrows Latin
    /// text, so a line measured without it fits with it).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let charmap = self.font.charmap();
        let metrics = self
            .font
            .glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                let glyph = charmap.map(c).unwrap_or_default();
                metrics.advance_width(glyph).unwrap_or(size * 0.6)
            })
            .sum()
    }
}

/// Fit `title` into a box `width` × `height` pixels.
pub fn fit_title(title: &str, measure: &Measure, width: f32, height: f32) -> TitleLayout {
    let words: Vec<&str> = title.split_whitespace().collect();
    let mut size = MAX_SIZE;
    loop {
        let line_height = (size * LEADING).round();
        let max_lines = ((height - size) / line_height).floor() as usize + 1;
        let last_try = size - STEP < MIN_SIZE;
        if let Some(lines) = wrap(&words, measure, size, width, !last_try) {
            if lines.len() <= max_lines {
                return TitleLayout {
                    lines,
                    size,
                    line_height,
                };
            }
            if last_try {
                return TitleLayout {
                    lines: truncate(lines, max_lines.max(1), measure, size, width),
                    size,
                    line_height,
                };
            }
        }
        size -= STEP;
    }
}

/// Greedy wrapping: each line takes words while they fit. A word wider than the line fails
/// the size (`None`), unless `strict` is off: then it is cut into pieces that fit.
fn wrap(words: &[&str], m: &Measure, size: f32, width: f32, strict: bool) -> Option<Vec<String>> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in words {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if m.width(&candidate, size) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if m.width(word, size) <= width {
            line = word.to_string();
        } else if strict {
            return None;
        } else {
            for c in word.chars() {
                if !line.is_empty() && m.width(&format!("{line}{c}"), size) > width {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    Some(lines)
}

/// The first `keep` lines, the last ending in `…` and still fitting.
fn truncate(
    mut lines: Vec<String>,
    keep: usize,
    m: &Measure,
    size: f32,
    width: f32,
) -> Vec<String> {
    if lines.len() <= keep {
        return lines;
    }
    lines.truncate(keep);
    if let Some(last) = lines.last_mut() {
        let mut words: Vec<&str> = last.split(' ').collect();
        loop {
            let text = format!("{}…", words.join(" "));
            if m.width(&text, size) <= width || words.len() <= 1 {
                *last = text;
                break;
            }
            words.pop();
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOLD: &[u8] = include_bytes!("../../themes/default/fonts/Inter-Bold.otf");

    fn fit(title: &str) -> TitleLayout {
        let m = Measure::new(BOLD, 0).unwrap();
        fit_title(title, &m, 1056.0, 300.0)
    }

    #[test]
    fn a_short_title_stays_large_on_one_line() {
        let t = fit("Retry budgets");
        assert_eq!(t.lines, ["Retry budgets"]);
        assert_eq!(t.size, MAX_SIZE);
    }

    #[test]
    fn long_titles_wrap_and_shrink_and_every_line_fits() {
        let m = Measure::new(BOLD, 0).unwrap();
        let medium = fit("Zero-downtime Postgres migrations: expand, migrate, contract");
        assert!(medium.lines.len() >= 2, "{medium:?}");
        let long = fit(
            "Why our retry budgets, circuit breakers, load shedding and queue back-pressure \
             all failed together on the busiest night of the year, and what we changed",
        );
        assert!(long.size < medium.size, "{long:?} vs {medium:?}");
        for t in [&medium, &long] {
            let height = t.size + t.line_height * (t.lines.len() - 1) as f32;
            assert!(height <= 300.0, "{t:?}");
            for line in &t.lines {
                assert!(m.width(line, t.size) <= 1056.0, "{line}");
            }
        }
        let words = |s: &str| s.split_whitespace().count();
        assert_eq!(
            long.lines.iter().map(|l| words(l)).sum::<usize>(),
            25,
            "no word is lost while it fits"
        );
    }

    #[test]
    fn a_title_too_long_for_the_box_ends_in_an_ellipsis() {
        let t = fit(&"Observability ".repeat(40));
        assert_eq!(t.size, MIN_SIZE);
        assert!(t.lines.last().unwrap().ends_with('…'), "{t:?}");
        let unbroken = fit(&"x".repeat(300));
        assert!(unbroken.lines.len() > 1);
    }

    #[test]
    fn wider_text_measures_wider() {
        let m = Measure::new(BOLD, 0).unwrap();
        assert!(m.width("WWW", 40.0) > m.width("iii", 40.0));
        assert!((m.width("ab", 80.0) - 2.0 * m.width("ab", 40.0)).abs() < 0.01);
    }
}
