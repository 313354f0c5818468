//! Syntax highlighting of fenced code blocks: info-string parsing, class-based HTML and theme CSS.
//!
//! syntect with two-face's grammars (TypeScript, TOML, Dockerfile...) parses the code; each run
//! of tokens whose style differs from the block's default gets one span whose class names
//! its style in the light theme and in the dark one (`<span class="l12 d40">`, see
//! `palette`); [`stylesheet`] colours those classes, the dark ones under
//! `@media (prefers-color-scheme: dark)`. Each source line is one `span.line`, its ending after:
//!
//! ```html
//! <pre class="code linenos" tabindex="0" data-lang="rust"><code class="language-rust"><span class="line">…</span>
//! <span class="line hl">…</span>
//! </code></pre>
//! ```
//!
//! The block's text is exactly the source (`\r` is written `&#13;`: HTML parsers turn a raw CR
//! into LF). Line numbers are CSS counters, not text, so copies hold only code; lines stay
//! inline (block-level ones make `innerText`, used by many copy buttons, double newlines).
//! The grammar and theme sets load lazily, once per process; all functions are thread-safe.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::LazyLock;

use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};

use palette::{ClassMemo, StackClasses, TokenClass};
pub use palette::{Themes, check_theme_name, theme_names};

/// Line numbers in `hl_lines` above this are rejected (keeps `hl_lines=1-999999999` cheap).
pub const MAX_HL_LINE: usize = 100_000;

/// ~1 MB dump of 220 grammars, loaded on first use (≈2 ms release, ≈0.1 s debug; each
/// grammar's contexts and regexes are then built lazily on its first block, ≈2-5 ms).
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(two_face::syntax::extra_newlines);

thread_local! {
    /// Scope stack → class, per theme pair: cached per thread, so parallel renders share no
    /// lock and a class is resolved once per distinct stack.
    static CLASSES: RefCell<ClassMemo> = RefCell::default();
}

/// What a fenced block's info string asks for, e.g. `ts linenos hl_lines=2-4 7`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeInfo {
    /// First word, unless it is an option (`linenos`, `key=value`); as written.
    pub lang: Option<String>,
    pub linenos: bool,
    /// 1-based line numbers to mark.
    pub hl_lines: BTreeSet<usize>,
    /// Words that are neither the language nor a known option (for the caller to warn about).
    pub unknown: Vec<String>,
}

/// Parses an info string. Words are separated by whitespace or commas (so `rust,ignore` and
/// `hl_lines=1,3` work). `hl_lines=` takes the rest of its word (comma-joined parts included)
/// plus every following word made of numbers and ranges: `hl_lines=2-4 7` is lines 2, 3, 4
/// and 7. Quotes around the value are allowed. A bad value (`4-2`, `x`, `0`) is an error
/// message without file/line.
pub fn parse_info(info: &str) -> Result<CodeInfo, String> {
    let mut out = CodeInfo::default();
    // (word, joined to the previous word by a comma)
    let mut words = info
        .split_whitespace()
        .flat_map(|w| w.split(',').enumerate().map(|(i, part)| (part, i > 0)))
        .filter(|(w, _)| !w.is_empty())
        .peekable();
    if let Some((first, _)) = words.next_if(|(w, _)| *w != "linenos" && !w.contains('=')) {
        out.lang = Some(first.to_string());
    }
    while let Some((word, _)) = words.next() {
        if word == "linenos" {
            out.linenos = true;
        } else if let Some(value) = word.strip_prefix("hl_lines=") {
            let value = unquote(value);
            let mut seen_any = !value.is_empty();
            add_lines(&mut out.hl_lines, value)?;
            while let Some((next, _)) =
                words.next_if(|(w, joined)| *joined || is_line_list(unquote(w)))
            {
                add_lines(&mut out.hl_lines, unquote(next))?;
                seen_any = true;
            }
            if !seen_any {
                return Err("hl_lines needs line numbers, e.g. `hl_lines=2-4 7`".to_string());
            }
        } else {
            out.unknown.push(word.to_string());
        }
    }
    Ok(out)
}

fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'')
}

fn is_line_list(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'-')
}

/// Adds `N` or `N-M` (an empty value adds nothing).
fn add_lines(set: &mut BTreeSet<usize>, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Ok(());
    }
    let error = |why: &str| format!("invalid hl_lines value `{value}`: {why}");
    let number = |s: &str| match s.parse::<usize>() {
        _ if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) => {
            Err(error("expected a line number or a range like `2-4`"))
        }
        Ok(0) => Err(error("lines are numbered from 1")),
        Ok(n) if n <= MAX_HL_LINE => Ok(n),
        _ => Err(error(&format!("lines above {MAX_HL_LINE} unsupported"))),
    };
    let (a, b) = value.split_once('-').unwrap_or((value, value));
    let (start, end) = (number(a)?, number(b)?);
    if start > end {
        return Err(error(&format!("{start} is after {end}")));
    }
    set.extend(start..=end);
    Ok(())
}

/// A rendered block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlighted {
    pub html: String,
    /// The language as written when no grammar knows it (the block is then plain text).
    pub unknown_language: Option<String>,
    /// Set when the highlighter failed on a known language and plain text was used instead.
    pub highlight_error: Option<String>,
}

/// Renders a fenced block, coloured with `themes`. No themes (highlighting off), no
/// language, an unknown language or a highlighter failure all give plain escaped code in the
/// same structure (line spans, `hl`, `linenos`), so only the colours differ.
pub fn render_code_block(code: &str, info: &CodeInfo, themes: Option<&Themes>) -> Highlighted {
    let mut out = Highlighted::default();
    let lang = info.lang.as_deref();
    let mut syntax = None;
    if let (Some(_), Some(lang)) = (themes, lang) {
        match find_syntax(lang) {
            Some(found) => syntax = Some(found).filter(|s| s.name != "Plain Text"),
            None => out.unknown_language = Some(lang.to_string()),
        }
    }

    // The PHP grammar starts in HTML mode: a snippet without `<?php` would stay uncoloured.
    if syntax.is_some_and(|s| s.name == "PHP") && !code.contains("<?") {
        syntax = SYNTAXES.find_syntax_by_name("PHP Source").or(syntax);
    }
    let mut html = String::with_capacity(code.len() * 2 + 100);
    let linenos = if info.linenos { " linenos" } else { "" };
    // Focusable, so a block wider than the page can be scrolled from the keyboard (WCAG 2.1.1).
    let _ = write!(html, "<pre class=\"code{linenos}\" tabindex=\"0\"");
    if let Some(lang) = lang {
        let mut attr = String::new();
        escape_into(&mut attr, lang);
        let _ = write!(
            html,
            " data-lang=\"{attr}\"><code class=\"language-{attr}\">"
        );
    } else {
        html.push_str("><code>");
    }
    let start = html.len();
    let mut done = false;
    if let (Some(syntax), Some(themes)) = (syntax, themes) {
        let result = catch_unwind(AssertUnwindSafe(|| {
            CLASSES.with_borrow_mut(|memo| {
                let classes = memo.entry(themes.ids()).or_default();
                highlight_lines(&mut html, code, syntax, &info.hl_lines, (themes, classes))
            })
        }));
        let error = match result {
            Ok(result) => result.err(),
            Err(_) => Some("the highlighter panicked".to_string()),
        };
        done = error.is_none();
        if let Some(e) = error {
            html.truncate(start);
            out.highlight_error = Some(format!("could not highlight as {}: {e}", syntax.name));
        }
    }
    if !done {
        for (i, (body, ending)) in split_lines(code).enumerate() {
            start_line(&mut html, i + 1, &info.hl_lines);
            escape_into(&mut html, body);
            html.push_str("</span>");
            escape_into(&mut html, ending);
        }
    }
    html.push_str("</code></pre>\n");
    out.html = html;
    out
}

/// The lines of `code` highlighted with the grammar named exactly `grammar` (whatever
/// language tokens map to), for benchmarks that compare the grammars a language could use.
pub fn highlight_as(code: &str, grammar: &str, themes: &Themes) -> Result<String, String> {
    let syntax = SYNTAXES
        .find_syntax_by_name(grammar)
        .ok_or_else(|| format!("no grammar named {grammar:?}"))?;
    let mut html = String::with_capacity(code.len() * 2);
    CLASSES.with_borrow_mut(|memo| {
        let classes = memo.entry(themes.ids()).or_default();
        highlight_lines(&mut html, code, syntax, &BTreeSet::new(), (themes, classes))
    })?;
    Ok(html)
}

/// Finds the grammar for an info-string language: aliases first, then syntect's lookup
/// (file extension, then case-insensitive name).
pub fn find_syntax(lang: &str) -> Option<&'static SyntaxReference> {
    let lower = lang.to_ascii_lowercase();
    let ss = &*SYNTAXES;
    let token = match lower.as_str() {
        "text" | "plain" | "plaintext" | "none" => "txt",
        // The older "JavaScript" grammar runs 1.5 times as fast as "JavaScript (Babel)" (the
        // `js` extension's) and colours the same kinds of token; JSX (`jsx`) needs Babel.
        "javascript" | "js" | "node" | "mjs" | "cjs" => {
            return ss.find_syntax_by_name("JavaScript");
        }
        "python3" => "py",
        "shell" | "console" | "shellsession" | "shell-session" | "bash" => "sh",
        "docker" | "containerfile" => "dockerfile",
        "golang" => "go",
        "csharp" => "cs",
        "fsharp" => "fsx",
        "objc" => "m",
        "jsonc" | "json5" => "json",
        "postgres" | "postgresql" | "psql" | "mysql" | "sqlite" | "plsql" => "sql",
        "pwsh" => "ps1",
        "batch" => "bat",
        "xsl" => "xml",
        "dotenv" | "env" => ".env",
        "mk" => "makefile",
        "jinja" | "jinja2" => "j2",
        "elisp" | "emacs-lisp" => "el",
        "scheme" => "scm",
        "fortran" => "f90",
        other => other,
    };
    ss.find_syntax_by_token(token)
        .or_else(|| ss.find_syntax_by_token(lang))
}

/// Splits code into (line, ending) pairs. Endings are CommonMark's (`\n`, `\r\n` or a lone
/// `\r`), or empty for a last line without one; an empty string has no lines.
fn split_lines(code: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = code;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (body, tail) = rest
            .find(['\n', '\r'])
            .map_or((rest, ""), |i| rest.split_at(i));
        let ending_len = if tail.starts_with("\r\n") {
            2
        } else {
            tail.len().min(1)
        };
        rest = &tail[ending_len..];
        Some((body, &tail[..ending_len]))
    })
}

fn start_line(html: &mut String, number: usize, hl_lines: &BTreeSet<usize>) {
    html.push_str(if hl_lines.contains(&number) {
        "<span class=\"line hl\">"
    } else {
        "<span class=\"line\">"
    });
}

/// Highlights line by line. Every `.line` span is self-contained: a style span open at the
/// end of a line is closed there. A span is opened only right before text whose class differs
/// from the open one (so none is empty and neighbours of one style share a span); blanks
/// that look alike in every style join whatever span is open.
fn highlight_lines(
    html: &mut String,
    code: &str,
    syntax: &SyntaxReference,
    hl_lines: &BTreeSet<usize>,
    (themes, classes): (&Themes, &mut StackClasses),
) -> Result<(), String> {
    let ss = &*SYNTAXES;
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut fed = String::new();
    for (i, (body, ending)) in split_lines(code).enumerate() {
        // syntect's "newlines" grammars want every line to end in exactly "\n"; the real
        // ending ("\r\n", "\r", "\n" or none on the last line) is written back verbatim.
        fed.clear();
        fed.push_str(body);
        fed.push('\n');
        let ops = state.parse_line(&fed, ss).map_err(|e| e.to_string())?;

        start_line(html, i + 1, hl_lines);
        let mut open: Option<Rc<TokenClass>> = None;
        let mut pos = 0;
        for (at, op) in &ops {
            let at = (*at).min(body.len());
            if at > pos {
                let class = palette::class_for(themes, classes, stack.as_slice());
                write_token(html, &mut open, class, &body[pos..at]);
                pos = at;
            }
            stack.apply(op).map_err(|e| format!("{e:?}"))?;
        }
        if pos < body.len() {
            let class = palette::class_for(themes, classes, stack.as_slice());
            write_token(html, &mut open, class, &body[pos..]);
        }
        if open.is_some() {
            html.push_str("</span>");
        }
        html.push_str("</span>");
        escape_into(html, ending);
    }
    Ok(())
}

/// Writes `text` of style `class`, in the open span when it has the same class (or when the
/// text is blanks that look the same in both), else in a new span (none for the default).
fn write_token(
    html: &mut String,
    open: &mut Option<Rc<TokenClass>>,
    class: Rc<TokenClass>,
    text: &str,
) {
    let same = open
        .as_ref()
        .map_or(class.name.is_empty(), |o| o.name == class.name);
    let blank = || {
        class.blank_like_default
            && open.as_ref().is_none_or(|o| o.blank_like_default)
            && text.bytes().all(|b| b == b' ' || b == b'\t')
    };
    if !same && !blank() {
        if open.take().is_some() {
            html.push_str("</span>");
        }
        if !class.name.is_empty() {
            html.push_str("<span class=\"");
            html.push_str(&class.name);
            html.push_str("\">");
            *open = Some(class);
        }
    }
    escape_into(html, text);
}

/// Escapes text or an attribute value. Same entities as pulldown-cmark's `escape_html` for
/// `& < > "`, plus `\r` → `&#13;`: a raw CR would be turned into LF by any HTML parser.
fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\r' => "&#13;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(entity);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

/// Layout rules shared by all themes (line numbers, marked lines).
const BASE_CSS: &str = "\
pre.code { overflow-x: auto; }
pre.code > code { background: none; color: inherit; padding: 0; }
pre.code .line.hl { display: inline-block; min-width: 100%; background-color: rgba(127, 127, 127, 0.2); }
pre.code .line.hl:empty::after { content: \" \"; }
pre.code.linenos { counter-reset: line; }
pre.code.linenos .line { counter-increment: line; }
pre.code.linenos .line::before {
 content: counter(line);
 content: counter(line) / \"\";
 display: inline-block; box-sizing: border-box; width: 4ch; padding-right: 1.5ch;
 text-align: right; opacity: 0.6; user-select: none; -webkit-user-select: none;
}
";

/// CSS for the code blocks: layout rules, then the themes' colours (see
/// [`Themes::stylesheet`]). Unknown name → message listing valid names.
pub fn stylesheet(light: &str, dark: &str) -> Result<String, String> {
    Ok(Themes::named(light, dark)?.stylesheet(BASE_CSS))
}

#[cfg(test)]
pub(crate) use palette::load_theme;

#[path = "contrast.rs"]
mod contrast;
#[path = "palette.rs"]
mod palette;

#[cfg(test)]
#[path = "highlight_tests.rs"]
mod tests;
