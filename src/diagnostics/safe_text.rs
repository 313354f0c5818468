//! Text from the writer's files made safe to print: control characters (which would drive
//! the terminal) escaped, messages bounded, and a file shown as its one offending line, cut
//! around the place a report points at, never more of it.

use std::ops::Range;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Characters of the offending line shown before the span, and in all.
const BEFORE_SPAN: usize = 40;
const LINE_WIDTH: usize = 120;
/// Longest span underlined; a longer one is cut.
const SPAN_WIDTH: usize = 80;

/// `text` with control characters (line breaks too: a CI log reads a line starting with
/// `::` as a command) and bidirectional overrides escaped (`\u{1b}`), tabs kept, cut to
/// `max_chars` with `…`.
pub fn printable(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars * 2));
    for (n, c) in text.chars().enumerate() {
        if n == max_chars {
            out.push('…');
            break;
        }
        push_printable(&mut out, c);
    }
    out
}

fn push_printable(out: &mut String, c: char) {
    let harmless = c == '\t' || !c.is_control() && !is_bidi_control(c);
    if harmless {
        out.push(c);
    } else {
        out.extend(c.escape_unicode());
    }
}

/// Characters that reorder how a line is displayed ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}')
}

/// The one line of a file a report shows, as miette source code: escaped, cut around the
/// span, and numbered as in the file.
#[derive(Debug)]
pub struct Excerpt {
    name: String,
    text: String,
    /// 0-based line and column (in characters) of the span's start in the file.
    line: usize,
    column: usize,
    /// The span inside `text`.
    pub span: Range<usize>,
}

impl Excerpt {
    /// The line of `source` holding `span.start`, with `span` clipped to that line.
    pub fn new(name: &str, source: &str, span: Range<usize>) -> Excerpt {
        let start = span.start.min(source.len());
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find(['\n', '\r'])
            .map_or(source.len(), |i| start + i);
        let end = span.end.clamp(start, line_end);
        let before: Vec<char> = source[line_start..start].chars().collect();
        let inside: Vec<char> = source[start..end].chars().collect();
        let mut text = String::new();
        let skipped = before.len().saturating_sub(BEFORE_SPAN);
        if skipped > 0 {
            text.push('…');
        }
        before[skipped..]
            .iter()
            .for_each(|c| push_printable(&mut text, *c));
        let span_start = text.len();
        inside
            .iter()
            .take(SPAN_WIDTH)
            .for_each(|c| push_printable(&mut text, *c));
        let span_end = text.len();
        let shown = before.len() - skipped + inside.len().min(SPAN_WIDTH);
        let room = LINE_WIDTH.saturating_sub(shown);
        let mut after = source[end..line_end].chars();
        after
            .by_ref()
            .take(if inside.len() > SPAN_WIDTH { 0 } else { room })
            .for_each(|c| push_printable(&mut text, c));
        if inside.len() > SPAN_WIDTH || after.next().is_some() {
            text.push('…');
        }
        Excerpt {
            name: printable(name, 300),
            text,
            line: source[..line_start].matches('\n').count(),
            column: before.len(),
            span: span_start..span_end,
        }
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        _span: &SourceSpan,
        _before: usize,
        _after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // Always the whole excerpt: it is the one line there is to show.
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            self.text.as_bytes(),
            (0, self.text.len()).into(),
            self.line,
            self.column,
            1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_once() {
        assert_eq!(printable("a\u{1b}[2Jb", 100), "a\\u{1b}[2Jb");
        assert_eq!(printable("a\nb\tc\r", 100), "a\\u{a}b\tc\\u{d}");
        assert_eq!(printable("x\u{202e}y\u{9b}", 100), "x\\u{202e}y\\u{9b}");
        assert_eq!(printable("abcdef", 3), "abc…");
    }

    #[test]
    fn an_excerpt_is_the_one_line_of_the_span() {
        let source = "first\nsecond line\nthird\n";
        let e = Excerpt::new("f.md", source, 6..12);
        assert_eq!(e.text, "second line");
        assert_eq!(&e.text[e.span.clone()], "second");
        assert_eq!((e.line, e.column), (1, 0));
        // A span running over several lines is cut at the end of its first.
        let e = Excerpt::new("f.md", source, 13..source.len());
        assert_eq!(&e.text[e.span.clone()], "line");
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let source = format!("{}TARGET{}", "a".repeat(5000), "b".repeat(5000));
        let e = Excerpt::new("f.md", &source, 5000..5006);
        assert_eq!(&e.text[e.span.clone()], "TARGET");
        assert!(e.text.starts_with('…') && e.text.ends_with('…'));
        assert!(e.text.chars().count() <= LINE_WIDTH + 2, "{}", e.text);
        assert_eq!(e.column, 5000);
        let huge = Excerpt::new("f.md", &source, 0..source.len());
        assert_eq!(huge.span.len(), SPAN_WIDTH);
    }

    #[test]
    fn escapes_in_the_line_keep_the_span_on_its_text() {
        let source = "slug: a\u{1b}[2Jb\n";
        let e = Excerpt::new("f\u{1b}.md", source, 6..source.len() - 1);
        assert_eq!(&e.text[e.span.clone()], "a\\u{1b}[2Jb");
        assert_eq!(e.name, "f\\u{1b}.md");
    }
}
