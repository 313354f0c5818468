//! The colours of highlighted code: each theme's possible token styles, numbered; the class a
//! token gets; and the stylesheet that colours those classes.
//!
//! A token's style is resolved as syntect resolves it (the theme's best-matching rule per
//! property). Every colour-and-font a theme can produce is a foreground colour of one of its
//! rules (or the default) with a font style of one of its rules (or none): that product,
//! sorted, is the theme's list of looks, and a token's class is its look's place in that
//! list, `l3` in the light theme and `d7` in the dark one. A background other than the
//! block's (rare: invalid code, diff lines) is a second class, `lb1`/`db1`, its place in the
//! sorted list of the theme's backgrounds; multiplied into the looks instead, it made up to
//! 2,590 rules per theme. So the class names and the stylesheet follow from the themes
//! alone: never from the site's code, the order of rendering or the thread. A token in the
//! block's default style in both themes gets no class (and no span).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::rc::Rc;
use std::sync::{LazyLock, OnceLock};

use syntect::highlighting::{Color, FontStyle, Highlighter, Style, Theme};
use syntect::parsing::Scope;
use two_face::theme::{EmbeddedLazyThemeSet, LazyThemeSet};

use super::contrast;

/// Themes of two-face meant for terminals (palette indices, not colours): useless as CSS.
const TERMINAL_THEMES: [&str; 3] = ["ansi", "base16", "base16-256"];
/// Class prefixes of the light theme's styles and of the dark theme's.
const LIGHT: &str = "l";
const DARK: &str = "d";

static THEMES: LazyLock<LazyThemeSet> = LazyLock::new(|| two_face::theme::extra().into());
/// Names accepted by [`stylesheet`], sorted case-insensitively.
static NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut names: Vec<String> = EmbeddedLazyThemeSet::theme_names()
        .iter()
        .map(|t| t.as_name())
        .filter(|n| !TERMINAL_THEMES.contains(n))
        .map(str::to_string)
        .collect();
    names.sort_by_key(|n| n.to_lowercase());
    names
});
/// One palette per name of [`NAMES`], made on first use.
static PALETTES: LazyLock<Vec<OnceLock<Palette>>> =
    LazyLock::new(|| NAMES.iter().map(|_| OnceLock::new()).collect());

/// A token's colour and font as CSS sees them: foreground RGBA and the font style's bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Look {
    fg: [u8; 4],
    font: u8,
}

impl From<Style> for Look {
    fn from(s: Style) -> Look {
        Look {
            fg: rgba(s.foreground),
            font: s.font_style.bits(),
        }
    }
}

/// Where a token's style sits in its theme's lists: `None` for the block's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    look: Option<usize>,
    background: Option<usize>,
    underline: bool,
}

/// One theme, made readable (see `contrast`), with every style it can give a token.
pub struct Palette {
    id: usize,
    name: &'static str,
    theme: &'static Theme,
    highlighter: Highlighter<'static>,
    default: Look,
    default_bg: [u8; 4],
    /// Sorted and distinct: a style's class is its index here.
    looks: Vec<Look>,
    /// Rule backgrounds other than the default, sorted and distinct.
    backgrounds: Vec<[u8; 4]>,
}

impl Palette {
    fn new(id: usize, name: &'static str, original: &Theme) -> Palette {
        // Made once per theme per process (at most one per name), so leaking is bounded.
        let theme: &'static Theme = Box::leak(Box::new(contrast::readable(original)));
        let highlighter = Highlighter::new(theme);
        let default = highlighter.get_default();
        let default_bg = rgba(default.background);
        let default = Look::from(default);
        let mut fgs = BTreeSet::from([default.fg]);
        let mut bgs = BTreeSet::new();
        let mut fonts = BTreeSet::from([FontStyle::empty().bits()]);
        for item in &theme.scopes {
            fgs.extend(item.style.foreground.map(rgba));
            bgs.extend(item.style.background.map(rgba));
            fonts.extend(item.style.font_style.map(|f| f.bits()));
        }
        bgs.remove(&default_bg);
        let looks = fgs
            .iter()
            .flat_map(|&fg| fonts.iter().map(move |&font| Look { fg, font }))
            .collect();
        Palette {
            id,
            name,
            theme,
            highlighter,
            default,
            default_bg,
            looks,
            backgrounds: bgs.into_iter().collect(),
        }
    }

    /// Where the style `stack` gets sits in the lists (nowhere for the default style).
    fn place_of(&self, stack: &[Scope]) -> Place {
        let style = self.highlighter.style_for_stack(stack);
        let look = Look::from(style);
        let bg = rgba(style.background);
        // Always found (the lists hold every combination); a miss just means no class.
        Place {
            look: Some(look)
                .filter(|l| *l != self.default)
                .and_then(|l| self.looks.binary_search(&l).ok()),
            background: Some(bg)
                .filter(|b| *b != self.default_bg)
                .and_then(|b| self.backgrounds.binary_search(&b).ok()),
            underline: style.font_style.contains(FontStyle::UNDERLINE),
        }
    }

    /// How many rules the theme's stylesheet has for tokens.
    #[cfg(test)]
    pub fn style_count(&self) -> usize {
        self.looks.len() - 1 + self.backgrounds.len()
    }

    /// CSS rules for the block and for every class `prefix<index>`.
    fn css(&self, prefix: &str) -> String {
        let s = &self.theme.settings;
        let mut css = String::new();
        let _ = writeln!(
            css,
            "pre.code {{ color: {}; background-color: {}; }}",
            hex(self.default.fg),
            hex(self.default_bg)
        );
        if let Some(c) = s.line_highlight.or(s.highlight) {
            let _ = writeln!(
                css,
                "pre.code .line.hl {{ background-color: {}; }}",
                hex(rgba(c))
            );
        }
        if let Some(c) = s.gutter_foreground {
            let _ = writeln!(
                css,
                "pre.code.linenos .line::before {{ color: {}; }}",
                hex(rgba(c))
            );
        }
        for (i, look) in self.looks.iter().enumerate() {
            if *look == self.default {
                continue;
            }
            let _ = write!(css, "pre.code .{prefix}{i} {{");
            if look.fg != self.default.fg {
                let _ = write!(css, " color: {};", hex(look.fg));
            }
            for (bit, rule) in [
                (FontStyle::BOLD, " font-weight: bold;"),
                (FontStyle::ITALIC, " font-style: italic;"),
                (FontStyle::UNDERLINE, " text-decoration: underline;"),
            ] {
                if look.font & bit.bits() != 0 {
                    css.push_str(rule);
                }
            }
            css.push_str(" }\n");
        }
        for (i, &bg) in self.backgrounds.iter().enumerate() {
            let _ = writeln!(
                css,
                "pre.code .{prefix}b{i} {{ background-color: {}; }}",
                hex(bg)
            );
        }
        css
    }
}

fn rgba(c: Color) -> [u8; 4] {
    [c.r, c.g, c.b, c.a]
}

fn hex([r, g, b, a]: [u8; 4]) -> String {
    match a {
        0xff => format!("#{r:02x}{g:02x}{b:02x}"),
        a => format!("#{r:02x}{g:02x}{b:02x}{a:02x}"),
    }
}

/// Names accepted by [`stylesheet`] (two-face's themes minus the terminal-only ones).
pub fn theme_names() -> Vec<String> {
    NAMES.clone()
}

/// Whether `name` is a theme `stylesheet` accepts (without loading any theme): the exact
/// name, else the only case-insensitive match.
pub fn check_theme_name(name: &str) -> Result<(), String> {
    find_name(name).map(|_| ())
}

fn find_name(name: &str) -> Result<usize, String> {
    let exact = NAMES.iter().position(|n| n == name);
    let folded = || {
        let mut ci = NAMES
            .iter()
            .enumerate()
            .filter(|(_, n)| n.eq_ignore_ascii_case(name));
        ci.next().filter(|_| ci.next().is_none()).map(|(i, _)| i)
    };
    exact.or_else(folded).ok_or_else(|| {
        format!(
            "unknown highlight theme \"{name}\"; valid themes: {}",
            NAMES.join(", ")
        )
    })
}

/// The palette of the theme called `name` (see [`check_theme_name`]), made once per process.
pub fn palette(name: &str) -> Result<&'static Palette, String> {
    let id = find_name(name)?;
    let name: &'static str = &NAMES[id];
    let slot = &PALETTES[id];
    if let Some(p) = slot.get() {
        return Ok(p);
    }
    let theme = THEMES
        .get(name)
        .ok_or_else(|| format!("highlight theme \"{name}\" could not be loaded"))?;
    Ok(slot.get_or_init(|| Palette::new(id, name, theme)))
}

/// A theme by name, as two-face has it (before its colours are made readable).
#[cfg(test)]
pub(crate) fn load_theme(name: &str) -> Result<&'static Theme, String> {
    let id = find_name(name)?;
    THEMES
        .get(&NAMES[id])
        .ok_or_else(|| format!("{name}: not loadable"))
}

/// The light and dark themes code blocks are coloured with. The same theme twice is one
/// theme, coloured without media queries (and one class per token).
#[derive(Clone, Copy)]
pub struct Themes {
    light: &'static Palette,
    dark: Option<&'static Palette>,
}

impl Themes {
    pub fn named(light: &str, dark: &str) -> Result<Themes, String> {
        let light = palette(light)?;
        let dark = palette(dark)?;
        Ok(Themes {
            light,
            dark: Some(dark).filter(|d| d.id != light.id),
        })
    }

    /// Identifies the pair, for per-thread memos of classes.
    pub(super) fn ids(&self) -> (usize, usize) {
        (self.light.id, self.dark.map_or(usize::MAX, |d| d.id))
    }

    /// The class of a token with `stack` (e.g. `l3 d7`, `d7`, or empty for the default style).
    pub(super) fn class_of(&self, stack: &[Scope]) -> TokenClass {
        let light = self.light.place_of(stack);
        let dark = self.dark.map(|d| d.place_of(stack));
        let mut name = String::new();
        for (prefix, place) in [(LIGHT, Some(light)), (DARK, dark)] {
            let Some(place) = place else { continue };
            let sep = |name: &String| if name.is_empty() { "" } else { " " };
            if let Some(i) = place.look {
                let _ = write!(name, "{}{prefix}{i}", sep(&name));
            }
            if let Some(i) = place.background {
                let _ = write!(name, "{}{prefix}b{i}", sep(&name));
            }
        }
        let blank = |p: &Place| p.background.is_none() && !p.underline;
        TokenClass {
            blank_like_default: blank(&light) && dark.as_ref().is_none_or(blank),
            name: name.into(),
        }
    }

    /// CSS for the code blocks: `base` (layout rules), then the light theme's colours, then
    /// the dark theme's inside `@media (prefers-color-scheme: dark)`. The light colours are
    /// scoped to "not dark" so that a rule only the light theme has never leaks into dark
    /// mode.
    pub fn stylesheet(&self, base: &str) -> String {
        let mut css = String::from(base);
        let Some(dark) = self.dark else {
            let _ = write!(
                css,
                "\n/* theme: {} */\n{}",
                self.light.name,
                self.light.css(LIGHT)
            );
            return css;
        };
        for (role, not, palette, prefix) in [
            ("light", "not all and ", self.light, LIGHT),
            ("dark", "", dark, DARK),
        ] {
            let _ = write!(
                css,
                "\n/* {role} theme: {} */\n@media {not}(prefers-color-scheme: dark) {{\n{}}}\n",
                palette.name,
                palette.css(prefix)
            );
        }
        css
    }
}

/// The class a token gets, shared between tokens of the same style.
#[derive(Debug, PartialEq, Eq)]
pub struct TokenClass {
    /// Empty for the block's default style.
    pub name: Box<str>,
    /// Blanks in this style look as in the default one (so they may join a neighbour's span).
    pub blank_like_default: bool,
}

/// Per-thread memo of a token's class by its scope stack (resolving a style matches the
/// stack against every rule of both themes: the memo makes that once per distinct stack).
pub type ClassMemo = rustc_hash::FxHashMap<(usize, usize), StackClasses>;
pub type StackClasses = rustc_hash::FxHashMap<Box<[Scope]>, Rc<TokenClass>>;

/// Distinct stacks kept per theme pair before the memo starts over (bounds its memory).
const MEMO_LIMIT: usize = 50_000;

/// The class of `stack` under `themes`, from `memo` when seen before.
pub(super) fn class_for(
    themes: &Themes,
    memo: &mut StackClasses,
    stack: &[Scope],
) -> Rc<TokenClass> {
    if let Some(c) = memo.get(stack) {
        return c.clone();
    }
    if memo.len() >= MEMO_LIMIT {
        memo.clear();
    }
    let class = Rc::new(themes.class_of(stack));
    memo.insert(stack.into(), class.clone());
    class
}
