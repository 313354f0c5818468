//! Long lines in a report: a markdown paragraph is one line, so an error at column 887 of a
//! 900-character line would draw all of it and an underline hundreds of characters wide.
//! Lines longer than `MAX_CHARS` are cut to a window (around the error on its own line, the
//! start on others), marked `…`; the header still gives the real line and column.

use std::ops::Range;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Characters of a line shown at most.
const MAX_CHARS: usize = 120;
/// Characters kept before the error's column when its line is cut.
const BEFORE: usize = 40;
const CUT: &str = "…";

/// The file as miette draws it: long lines cut, and the span moved into the cut text.
pub struct Windowed {
    name: String,
    text: String,
    /// miette's column (bytes from the line start) of the span's start in the original file.
    column: usize,
}

impl SourceCode for Windowed {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let c = self.text.as_str().read_span(span, before, after)?;
        // The header's `file:line:col` comes from a read without context lines.
        let column = if before == 0 && after == 0 {
            self.column
        } else {
            c.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            *c.span(),
            c.line(),
            column,
            c.line_count(),
        )))
    }
}

/// One line of the file: its byte range, the part of it kept, and where that part starts in
/// the cut text.
struct Kept {
    line: Range<usize>,
    kept: Range<usize>,
    at: usize,
}

/// `source` named `name`, with its long lines cut, and `span` mapped into the cut text.
pub fn windowed(name: String, source: &str, span: Range<usize>) -> (Windowed, Range<usize>) {
    let line_start = source[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let column = span.start - line_start;
    let mut text = String::with_capacity(source.len().min(64 * 1024));
    let mut kept = Vec::new();
    let mut start = 0;
    for line in source.split_inclusive('\n') {
        let range = start..start + line.len();
        start = range.end;
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        let chars = body.chars().count();
        if chars <= MAX_CHARS {
            kept.push(Kept {
                kept: range.clone(),
                line: range,
                at: text.len(),
            });
            text.push_str(line);
            continue;
        }
        // Around the error on its own line, the line's start elsewhere.
        let first = if range.contains(&span.start) {
            let col = body[..span.start - range.start].chars().count();
            col.saturating_sub(BEFORE).min(chars - MAX_CHARS)
        } else {
            0
        };
        let byte = |n: usize| body.char_indices().nth(n).map_or(body.len(), |(i, _)| i);
        let (from, to) = (byte(first), byte(first + MAX_CHARS));
        if from > 0 {
            text.push_str(CUT);
        }
        kept.push(Kept {
            line: range.clone(),
            kept: range.start + from..range.start + to,
            at: text.len(),
        });
        text.push_str(&body[from..to]);
        if to < body.len() {
            text.push_str(CUT);
        }
        text.push_str(ending);
    }
    let map = |offset: usize| match kept.iter().find(|k| k.line.contains(&offset)) {
        Some(k) => k.at + offset.clamp(k.kept.start, k.kept.end) - k.kept.start,
        None => text.len(),
    };
    let (new_start, new_end) = (map(span.start), map(span.end));
    let file = Windowed { name, text, column };
    (file, new_start..new_end.max(new_start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_kept_as_they_are() {
        let src = "a: 1\nb: 2\n";
        let (w, span) = windowed("f".into(), src, 5..9);
        assert_eq!(w.text, src);
        assert_eq!(&w.text[span], "b: 2");
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let line = format!(
            "{}[broken](gone.md){}",
            "word ".repeat(170),
            " tail".repeat(3)
        );
        let src = format!("title\n{line}\nnext\n");
        let at = src.find("[broken]").unwrap();
        let (w, span) = windowed("f".into(), &src, at..at + "[broken](gone.md)".len());
        assert_eq!(&w.text[span.clone()], "[broken](gone.md)");
        let shown = w.text.lines().nth(1).unwrap();
        assert!(
            shown.starts_with('…') && shown.chars().count() <= MAX_CHARS + 2,
            "{shown}"
        );
        assert_eq!(w.column, at - "title\n".len());
        assert!(w.text.ends_with("\nnext\n"));
    }
}
