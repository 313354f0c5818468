//! Errors and warnings that a writer reads: file, line, column, the offending line, and what
//! was expected. Drawing them is left to `miette`; this module never hand-formats carets.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic};

mod window;

/// How serious a diagnostic is: errors fail the build, warnings are only printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the site, with everything needed to show where it is.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", self.render_plain())]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// The file, relative to the site root where possible.
    pub file: Option<PathBuf>,
    /// The whole text of `file`, when the problem points inside it.
    pub file_text: Option<Arc<str>>,
    /// Byte range of the offending text in `source`.
    pub span: Option<Range<usize>>,
    /// Short text drawn under the span.
    pub label: Option<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            file: None,
            file_text: None,
            span: None,
            label: None,
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// An I/O failure on a path.
    pub fn io(path: &Path, action: &str, err: &std::io::Error) -> Self {
        Diagnostic::error(format!("cannot {action}: {err}")).in_file(path)
    }

    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Point at `span` inside `source` (the whole file).
    pub fn at(mut self, source: &Arc<str>, span: Range<usize>) -> Self {
        let end = floor_char_boundary(source, span.end);
        let start = floor_char_boundary(source, span.start.min(end));
        self.file_text = Some(source.clone());
        self.span = Some(start..end);
        self
    }

    /// Point at a 1-based line (and optional 1-based column) of `source`.
    pub fn at_line(self, source: &Arc<str>, line: usize, column: Option<usize>) -> Self {
        let span = line_span(source, line, column);
        self.at(source, span)
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// 1-based line and column of the span's start, if the diagnostic points into a file.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let (source, span) = (self.file_text.as_ref()?, self.span.as_ref()?);
        let before = &source[..floor_char_boundary(source, span.start)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Some((line, before[line_start..].chars().count() + 1))
    }

    /// Sort key: file, then position, so reports read top to bottom.
    fn sort_key(&self) -> (Option<&Path>, usize, usize, Severity) {
        let (line, col) = self.line_col().unwrap_or((0, 0));
        (self.file.as_deref(), line, col, self.severity)
    }

    /// The diagnostic as text without colour, as printed to a log or shown in a browser.
    pub fn render_plain(&self) -> String {
        self.render(GraphicalTheme::unicode_nocolor())
    }

    /// The diagnostic for a terminal, coloured when `color` is set.
    pub fn render(&self, theme: GraphicalTheme) -> String {
        let mut diag = MietteDiagnostic::new(self.headline()).with_severity(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        });
        if let Some(help) = &self.help {
            diag = diag.with_help(help.clone());
        }
        let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
        let mut out = String::new();
        let result = match (&self.file, &self.file_text, &self.span) {
            (Some(file), Some(source), Some(span)) => {
                let (source, span) = window::windowed(display_path(file), source, span.clone());
                let labeled = LabeledSpan::new_primary_with_span(self.label.clone(), span);
                let report = miette::Report::new(diag.with_label(labeled)).with_source_code(source);
                handler.render_report(&mut out, report.as_ref())
            }
            _ => handler.render_report(&mut out, &diag),
        };
        if result.is_err() {
            out = self.headline();
        }
        out
    }

    /// The message, with the file appended when there is no source to point into.
    fn headline(&self) -> String {
        match (&self.file, &self.span) {
            (Some(file), None) => format!("{}\n  --> {}", self.message, display_path(file)),
            _ => self.message.clone(),
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Paths in messages always use `/`, whatever the platform.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Sort diagnostics by file and position, so a report reads top to bottom.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Byte range of a 1-based line of `source` (without its line ending), starting at `column`.
pub fn line_span(source: &str, line: usize, column: Option<usize>) -> Range<usize> {
    let mut start = 0;
    for _ in 1..line {
        match source[start..].find('\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    let end = source[start..]
        .find(['\n', '\r'])
        .map_or(source.len(), |i| start + i);
    let col_offset = column
        .and_then(|c| source[start..end].char_indices().nth(c.saturating_sub(1)))
        .map_or(0, |(i, _)| i);
    start + col_offset..end
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" messages: the unknown key and
/// the known key nearest to it, if one is near enough to be a likely typo.
pub fn unknown_field(message: &str) -> Option<(String, Option<String>)> {
    let rest = message.split("unknown field `").nth(1)?;
    let (field, expected) = rest.split_once('`')?;
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    Some((field.to_string(), nearest(field, known.iter().copied())))
}

/// The candidate nearest to `word`, when it is close enough to be a typo of it.
pub fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    candidates
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        // One edit for short words (`zed` is not a typo of `ben`), a third of the word for long ones.
        .filter(|(d, c)| *d > 0 && *d <= (word.chars().count().min(c.chars().count()) / 3).max(1))
        .min()
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_suggests_nearest_known_key() {
        let msg = "unknown field `sumary`, expected one of `title`, `summary`, `tags`";
        assert_eq!(
            unknown_field(msg),
            Some(("sumary".into(), Some("summary".into())))
        );
        let msg = "unknown field `colour`, expected one of `title`, `summary`";
        assert_eq!(unknown_field(msg), Some(("colour".into(), None)));
        assert_eq!(nearest("zed", ["ben", "ana"].into_iter()), None);
        assert_eq!(
            nearest("descripton", ["description"].into_iter()).as_deref(),
            Some("description")
        );
    }

    #[test]
    fn line_col_counts_from_one_and_in_characters() {
        let src: Arc<str> = Arc::from("a: 1\nbé: x\n");
        let d = Diagnostic::error("x")
            .in_file("f.md")
            .at_line(&src, 2, Some(5));
        assert_eq!(d.line_col(), Some((2, 5)));
        assert_eq!(&src[d.span.clone().unwrap()], "x");
    }

    #[test]
    fn rendered_error_names_file_line_and_shows_the_line() {
        let src: Arc<str> = Arc::from("---\nsumary: hi\n---\n");
        let text = Diagnostic::error("unknown front-matter key `sumary`")
            .in_file("content/articles/a.md")
            .at(&src, 4..10)
            .label("did you mean `summary`?")
            .render_plain();
        assert!(text.contains("content/articles/a.md:2:1"), "{text}");
        assert!(text.contains("sumary: hi"), "{text}");
        assert!(text.contains("did you mean `summary`?"), "{text}");
    }
}
