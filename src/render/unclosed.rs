//! Finding the block tag a template leaves open (`{% for %}` without `{% endfor %}`). Tera
//! reports that as "Unknown tag" at the next closing tag of an outer block, or as an
//! unexpected end of input; this scan of the template's text names the opener instead.
//! Text only: it knows the tags, not Tera's expressions.

use std::ops::Range;

/// Tags that open a body, and the tag that closes each.
const PAIRS: &[(&str, &str)] = &[
    ("for", "endfor"),
    ("if", "endif"),
    ("block", "endblock"),
    ("filter", "endfilter"),
    ("component", "endcomponent"),
    ("set", "endset"),
    ("set_global", "endset"),
];

/// A block tag left open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclosed {
    /// The opening keyword, e.g. `for`.
    pub keyword: String,
    /// The tag that would close it, e.g. `endfor`.
    pub closer: &'static str,
    /// Byte range of the opening tag (`{% ... %}`).
    pub span: Range<usize>,
    /// The closing tag of an outer block met while this one was open, and its byte range.
    pub met: Option<(String, Range<usize>)>,
}

/// One `{% ... %}` tag: its first word, its whole text inside the delimiters, and its span.
struct Tag<'a> {
    word: &'a str,
    inner: &'a str,
    span: Range<usize>,
}

/// The innermost block that `source` leaves open, if any: the one open when a closing tag of
/// another kind arrives, or the last one still open at the end.
pub fn find(source: &str) -> Option<Unclosed> {
    let mut open: Vec<(Tag, &'static str)> = Vec::new();
    for tag in tags(source) {
        if tag.word == "raw" {
            continue;
        }
        if let Some(&(_, closer)) = PAIRS.iter().find(|(opener, _)| *opener == tag.word) {
            // `{% set x = 1 %}` is a whole statement; only `{% set x %}` opens a body.
            let is_statement = tag.word.starts_with("set") && tag.inner.contains('=');
            if !is_statement {
                open.push((tag, closer));
            }
            continue;
        }
        if !tag.word.starts_with("end") {
            continue;
        }
        match open.last() {
            Some((_, closer)) if *closer == tag.word => {
                open.pop();
            }
            Some((opener, closer)) => {
                return Some(Unclosed {
                    keyword: opener.word.to_string(),
                    closer,
                    span: opener.span.clone(),
                    met: Some((tag.inner.trim().to_string(), tag.span)),
                });
            }
            None => {}
        }
    }
    open.pop().map(|(opener, closer)| Unclosed {
        keyword: opener.word.to_string(),
        closer,
        span: opener.span,
        met: None,
    })
}

/// Every block tag of `source`, in order, skipping comments, expressions and `raw` bodies.
fn tags(source: &str) -> impl Iterator<Item = Tag<'_>> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        loop {
            let start = pos + source[pos..].find('{')?;
            let rest = &source[start..];
            let close = match rest.as_bytes().get(1) {
                Some(b'#') => "#}",
                Some(b'{') => "}}",
                Some(b'%') => "%}",
                _ => {
                    pos = start + 1;
                    continue;
                }
            };
            let (body, end) = match rest[2..].find(close) {
                Some(i) => (&rest[2..2 + i], start + 2 + i + 2),
                None => (&rest[2..], source.len()),
            };
            pos = end;
            if close != "%}" {
                continue;
            }
            let inner = body.trim_start_matches('-').trim_end_matches('-');
            let word = inner.split_whitespace().next().unwrap_or("");
            if word == "raw" {
                // Everything up to `endraw` is text.
                if let Some(i) = source[pos..].find("endraw") {
                    pos += i + "endraw".len();
                }
            }
            return Some(Tag {
                word,
                inner,
                span: start..end,
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyword_and_line(source: &str) -> Option<(String, usize, Option<String>)> {
        find(source).map(|u| {
            let line = source[..u.span.start].matches('\n').count() + 1;
            (u.keyword, line, u.met.map(|m| m.0))
        })
    }

    #[test]
    fn for_left_open_inside_a_block_is_found_at_its_line() {
        let t = "{% extends \"base.html\" %}\n{% block content %}\n<p>x</p>\n{% for x in [1, 2] %}\n{{ x }}\n{% endblock content %}\n";
        assert_eq!(
            keyword_and_line(t),
            Some(("for".into(), 4, Some("endblock content".into())))
        );
    }

    #[test]
    fn if_left_open_at_the_end_is_found() {
        let t = "{% if a %}\n{% if b %}x{% endif %}\n<p>{{ \"{% endif %}\" }}</p>\n";
        assert_eq!(keyword_and_line(t), Some(("if".into(), 1, None)));
    }

    #[test]
    fn balanced_templates_comments_raw_and_set_statements_have_nothing_open() {
        let t = "{# {% for %} #}{% set a = 1 %}{% set b %}x{% endset %}\
                 {% raw %}{% if %}{% endraw %}{%- for x in y -%}{% if x %}{% elif z %}{% else %}{% endif %}{% endfor %}\
                 {% component c(a) %}{% endcomponent c %}";
        assert_eq!(find(t), None);
    }
}
