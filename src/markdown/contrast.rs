//! Syntax-highlighting colours made readable: every token colour of a theme is moved, as
//! little as needed, to a WCAG AA contrast (4.5:1) with the code block's background, and with
//! that background tinted as a marked line (`hl_lines`) tints it. Themes such as
//! InspiredGitHub and Monokai Extended have token colours below that on their own background.

use syntect::highlighting::{Color, Theme};

use crate::colour::{self, AA, Rgb};

/// How much a marked line may tint the background towards mid grey (themes draw it with a
/// translucent colour; the default site theme with its accent at 12 to 16 %).
const MARKED_LINE_TINT: f64 = 0.2;

/// A copy of `theme` whose foreground colours all reach AA contrast on its background.
pub fn readable(theme: &Theme) -> Theme {
    let mut theme = theme.clone();
    let background = theme
        .settings
        .background
        .map_or(colour::WHITE, |c| opaque(c, colour::WHITE));
    let backgrounds = backgrounds_of(background);
    if let Some(fg) = theme.settings.foreground {
        theme.settings.foreground = Some(fix(fg, &backgrounds, background));
    }
    for item in &mut theme.scopes {
        let own = item.style.background.map(|c| opaque(c, background));
        let under = own.map_or(backgrounds.clone(), backgrounds_of);
        if let Some(fg) = item.style.foreground {
            item.style.foreground = Some(fix(fg, &under, own.unwrap_or(background)));
        }
    }
    theme
}

/// The background and its marked-line tint.
fn backgrounds_of(background: Rgb) -> Vec<Rgb> {
    vec![
        background,
        background.mix(Rgb(127, 127, 127), MARKED_LINE_TINT),
    ]
}

/// `c` drawn over `under` (syntect colours may be translucent).
fn opaque(c: Color, under: Rgb) -> Rgb {
    Rgb(c.r, c.g, c.b).over(under, c.a)
}

fn fix(fg: Color, backgrounds: &[Rgb], under: Rgb) -> Color {
    let rgb = opaque(fg, under);
    let shade = colour::reach_contrast(rgb, backgrounds, AA).unwrap_or(rgb);
    Color {
        r: shade.0,
        g: shade.1,
        b: shade.2,
        a: 0xff,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::highlight;

    fn rgb(c: Color) -> Rgb {
        Rgb(c.r, c.g, c.b)
    }

    /// Every token colour of every theme folio offers passes AA on the block's background
    /// and on a marked line, once made readable.
    #[test]
    fn every_scope_colour_of_every_theme_reaches_aa() {
        for name in highlight::theme_names() {
            let original = highlight::load_theme(&name).unwrap();
            let theme = readable(original);
            let bg = theme
                .settings
                .background
                .map_or(colour::WHITE, |c| opaque(c, colour::WHITE));
            let mut colours = vec![theme.settings.foreground];
            for item in &theme.scopes {
                if item.style.background.is_none() {
                    colours.push(item.style.foreground);
                }
            }
            for fg in colours.into_iter().flatten() {
                let ratio = colour::worst_contrast(rgb(fg), &backgrounds_of(bg));
                assert!(ratio >= AA, "{name}: {} on {bg} is {ratio:.2}:1", rgb(fg));
            }
        }
    }

    /// The defaults needed it (SQL keywords and table names failed axe before), and colours
    /// that passed stay exactly as the theme has them.
    #[test]
    fn only_failing_colours_change() {
        for name in ["InspiredGitHub", "Monokai Extended"] {
            let original = highlight::load_theme(name).unwrap();
            let theme = readable(original);
            let bg = theme
                .settings
                .background
                .map_or(colour::WHITE, |c| opaque(c, colour::WHITE));
            let mut changed = 0;
            for (before, after) in original.scopes.iter().zip(&theme.scopes) {
                let (Some(b), Some(a), None) = (
                    before.style.foreground,
                    after.style.foreground,
                    before.style.background,
                ) else {
                    continue;
                };
                let passed = colour::worst_contrast(opaque(b, bg), &backgrounds_of(bg)) >= AA;
                if passed {
                    assert_eq!(rgb(a), opaque(b, bg), "{name}: a passing colour changed");
                } else {
                    changed += 1;
                }
            }
            assert!(changed > 0, "{name} had no failing colour?");
        }
    }
}
