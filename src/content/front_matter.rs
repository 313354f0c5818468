//! The YAML block at the top of an article: splitting it from the body and parsing it into
//! typed fields. Every use of `serde_yaml` (deprecated upstream) stays in this module (and
//! its `expansion`), so a maintained fork can replace it in one place. Works on text only;
//! no disk access.

mod expansion;
mod json_text;
mod publishing;

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::content::date::PublishDate;
use crate::diagnostics::{self, Diagnostic};
use crate::markdown::sanitize;
pub use publishing::{Alias, FirstPublished, SeriesRef, alias, is_absolute_http};

/// The parsed front matter, with the spans needed to point at its values later.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
pub struct FrontMatter {
    pub title: String,
    /// The first of `authors`.
    pub author: Spanned<String>,
    /// Every author (`author:`, or `authors:` in order), at least one.
    pub authors: Vec<Spanned<String>>,
    pub date: PublishDate,
    pub summary: String,
    pub tags: Vec<String>,
    pub related: Vec<Related>,
    pub slug: Option<Spanned<String>>,
    pub draft: bool,
    pub updated: Option<PublishDate>,
    /// The picture a shared link shows instead of the drawn card: a file beside the
    /// article, or an absolute URL.
    pub image: Option<Spanned<String>>,
    /// Stored as JSON text (see `json_text`).
    #[serde(with = "json_text")]
    pub extra: Option<serde_json::Value>,
    pub series: Option<SeriesRef>,
    /// Old addresses, each to get a redirect page.
    pub aliases: Vec<Spanned<Alias>>,
    /// Where the article was published first: replaces its own canonical URL.
    pub canonical: Option<String>,
    pub originally_published: Option<FirstPublished>,
}

/// A value and the byte range in the file it came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Range<usize>,
}

/// An entry of `related`: another article by slug, or an external link.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
pub enum Related {
    Article(Spanned<String>),
    External {
        title: String,
        url: String,
        summary: String,
    },
}

/// Where the parts of a file are: front matter text and body, as byte ranges of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub yaml: Range<usize>,
    pub body: Range<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    title: String,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    authors: Option<Vec<String>>,
    date: String,
    summary: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    related: Vec<RawRelated>,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    updated: Option<String>,
    #[serde(default)]
    image: Option<String>,
    #[serde(default)]
    extra: Option<serde_yaml::Mapping>,
    #[serde(default)]
    series: Option<serde_yaml::Value>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    canonical: Option<String>,
    #[serde(default)]
    originally_published: Option<serde_yaml::Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawRelated {
    Slug(String),
    /// Checked key by key in `external_link`, so a mistake names the key.
    External(serde_yaml::Mapping),
}

const OPENING_HELP: &str = "start the file with a line `---`, then `title:`, `author:`, `date:` and `summary:`, then a closing `---`";

/// Find the front matter between the first line `---` and the next line `---`.
pub fn split(source: &Arc<str>, path: &Path) -> Result<Split, Diagnostic> {
    let error = |msg: &str| Diagnostic::error(msg).in_file(path);
    if source.trim().is_empty() {
        return Err(error("empty file: expected front matter").help(OPENING_HELP));
    }
    let mut lines = line_ranges(source);
    let first = lines.next().unwrap_or(0..0);
    if source[first.clone()].trim_end() != "---" {
        return Err(error("missing front matter: the first line must be `---`")
            .at(source, first)
            .label("expected `---` here")
            .help(OPENING_HELP));
    }
    let yaml_start = first.end;
    for line in lines {
        if source[line.clone()].trim_end() == "---" {
            return Ok(Split {
                yaml: yaml_start..line.start,
                body: line.end..source.len(),
            });
        }
    }
    Err(error("unclosed front matter: no closing `---` line")
        .at(source, 0..3)
        .label("front matter opened here")
        .help("add a line `---` after the last front-matter key"))
}

/// Byte ranges of each line including its line ending.
fn line_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |i| start + i + 1);
        let range = start..end;
        start = end;
        Some(range)
    })
}

/// Parse the YAML block located by `split`. `source` is the whole file.
pub fn parse(
    source: &Arc<str>,
    yaml: Range<usize>,
    path: &Path,
) -> Result<FrontMatter, Diagnostic> {
    let text = &source[yaml.clone()];
    let error = |msg: String| Diagnostic::error(msg).in_file(path);
    if text.trim().is_empty() {
        return Err(error("empty front matter".into())
            .at(source, 0..3)
            .help("add `title:`, `author:`, `date:` and `summary:`"));
    }
    let raw: Raw = expansion::check(text).and_then(|()| serde_yaml::from_str(text)).map_err(|err| {
        let message = err.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message);
        let at = yaml.start + err.location().map_or(0, |l| l.index());
        let span = at..(at + source[at..].find(['\n', '\r']).unwrap_or(0)).max(at);
        if message.contains(expansion::TOO_LARGE) {
            let limit = message.rsplit_once('(').map_or("", |(_, l)| l.trim_end_matches(')'));
            return error(format!("{}: {limit}", expansion::TOO_LARGE))
                .at(source, span)
                .label("this value is repeated by aliases (`*name`) beyond the limit")
                .help("write the value out where it is needed, or shorten it: front matter is for a few short values");
        }
        if let Some((key, suggestion)) = diagnostics::unknown_field(message) {
            let d = error(format!("unknown front-matter key `{key}`"))
                .at(source, key_token(source, at, &key));
            return match suggestion {
                Some(s) => d.label(format!("did you mean `{s}`?")),
                None => d.label("not a front-matter key").help(
                    "known keys: title, author, authors, date, summary, tags, related, slug, draft, updated, image, series, aliases, canonical, originally_published, extra (put your own values under `extra:`)",
                ),
            };
        }
        if let Some(key) = message.strip_prefix("missing field `") {
            let key = key.trim_end_matches('`');
            return error(format!("missing required front-matter key `{key}`"))
                .at(source, 0..3)
                .label("in this front matter")
                .help(format!("add a line `{key}: ...`"));
        }
        if let Some(key) = message.strip_prefix("duplicate field `") {
            let key = key.trim_end_matches('`');
            let second = key_lines(source, yaml.clone(), key).nth(1).unwrap_or(span.clone());
            return error(format!("duplicate front-matter key `{key}`"))
                .at(source, second)
                .label("given a second time here")
                .help("keep one of the two lines");
        }
        if message.contains("did not match any variant of untagged enum RawRelated") {
            return error("invalid `related` entry".into())
                .at(source, span)
                .help("each entry is an article slug, or a mapping with `title`, `url` and optional `summary`");
        }
        if let Some(tab) = tab_at(source, at, message) {
            return tab_error(error(String::new()), source, tab);
        }
        error(format!("invalid front matter: {message}")).at(source, span)
    })?;
    let key_span = |key: &str| value_span(source, yaml.clone(), key);

    let date = PublishDate::parse(&raw.date).map_err(|e| {
        let label = crate::content::date::error_label(&e);
        error(e).at(source, key_span("date")).label(label)
    })?;
    let updated = match &raw.updated {
        Some(u) => Some(PublishDate::parse(u).map_err(|e| {
            let label = crate::content::date::error_label(&e);
            error(e).at(source, key_span("updated")).label(label)
        })?),
        None => None,
    };
    if let Some(u) = updated.filter(|u| u.day < date.day) {
        return Err(error(format!(
            "`updated` ({}) is before `date` ({})",
            u.iso_day(),
            date.iso_day()
        ))
        .at(source, key_span("updated"))
        .label("the last change cannot come before the first publication")
        .help("`updated` is the day of the last substantive change; `date` the day it was first published"));
    }
    let summary = raw.summary.trim().to_string();
    if summary.contains('\n') {
        return Err(error("`summary` must be one line".into())
            .at(source, key_span("summary"))
            .help("shorten it to one sentence; it is shown in lists and in the meta description"));
    }
    if raw.title.trim().is_empty() {
        return Err(error("`title` is empty".into()).at(source, key_span("title")));
    }
    let publishing = publishing::parse(
        publishing::Raw {
            author: raw.author,
            authors: raw.authors,
            series: raw.series,
            aliases: raw.aliases,
            canonical: raw.canonical,
            originally_published: raw.originally_published,
        },
        source,
        yaml.clone(),
        path,
    )?;
    // Entries are found in order, each after the previous one, as whole words.
    let mut cursor = value_span(source, yaml.clone(), "related").start;
    let mut related = Vec::with_capacity(raw.related.len());
    for entry in raw.related {
        match entry {
            RawRelated::Slug(slug) => {
                let span = find_token(source, cursor..yaml.end, &slug).unwrap_or(cursor..cursor);
                cursor = span.end;
                related.push(Related::Article(Spanned { span, value: slug }));
            }
            RawRelated::External(map) => {
                let at = |word: &str| {
                    find_token(source, cursor..yaml.end, word).unwrap_or(cursor..cursor)
                };
                let link = external_link(&map).map_err(|(message, word)| {
                    let d = error(message).at(source, at(&word));
                    match !d.message.starts_with("`related` url `") {
                        true => d.help("an external entry is a mapping with `title`, `url` and optional `summary`"),
                        false => d.label("a related link must start with `https://`, `http://` or `/`").help(
                            "scripts (`javascript:`), embedded pages (`data:`) and paths relative to the page are refused",
                        ),
                    }
                })?;
                cursor = at(&link.1).end;
                related.push(link.0);
            }
        }
    }
    let extra = match raw.extra {
        Some(map) => Some(serde_json::to_value(map).map_err(|e| {
            error(format!("`extra` cannot be passed to templates: {e}"))
                .at(source, key_span("extra"))
        })?),
        None => None,
    };
    Ok(FrontMatter {
        title: raw.title.trim().to_string(),
        author: publishing.authors[0].clone(),
        authors: publishing.authors,
        date,
        summary,
        tags: raw
            .tags
            .into_iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        related,
        slug: raw.slug.map(|s| Spanned {
            span: key_span("slug"),
            value: s,
        }),
        draft: raw.draft,
        updated,
        image: raw.image.map(|s| Spanned {
            span: key_span("image"),
            value: s.trim().to_string(),
        }),
        extra,
        series: publishing.series,
        aliases: publishing.aliases,
        canonical: publishing.canonical,
        originally_published: publishing.originally_published,
    })
}

/// A `related` mapping as an external link, with the URL to find it by; or what is wrong
/// and the word to point at.
fn external_link(map: &serde_yaml::Mapping) -> Result<(Related, String), (String, String)> {
    let mut fields = [("title", None), ("url", None), ("summary", None)];
    for (key, value) in map {
        let key = key.as_str().unwrap_or_default();
        let Some(field) = fields.iter_mut().find(|(name, _)| *name == key) else {
            let hint = diagnostics::nearest(key, ["title", "url", "summary"].into_iter())
                .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
            return Err((
                format!("unknown key `{key}` in a `related` entry{hint}"),
                key.to_string(),
            ));
        };
        let text = match value {
            serde_yaml::Value::String(s) => s.trim().to_string(),
            _ => {
                return Err((
                    format!("`{key}` of a `related` entry must be text"),
                    key.to_string(),
                ));
            }
        };
        field.1 = Some(text);
    }
    let [(_, title), (_, url), (_, summary)] = fields;
    match (title, url) {
        (_, Some(url)) if !url.is_empty() && !sanitize::is_related_url(&url) => {
            Err((format!("`related` url `{url}` is not allowed"), url))
        }
        (Some(title), Some(url)) if !title.is_empty() && !url.is_empty() => {
            let related = Related::External {
                title,
                url: url.clone(),
                summary: summary.unwrap_or_default(),
            };
            Ok((related, url))
        }
        (_, None) => Err(("a `related` link needs a `url`".into(), "title".into())),
        _ => Err(("a `related` link needs a `title`".into(), "url".into())),
    }
}

/// The byte offset of the tab that YAML could not read, when a tab is what it stopped at
/// (its error names "a character" and miette draws tabs as spaces, so the writer sees none).
fn tab_at(source: &str, at: usize, message: &str) -> Option<usize> {
    if !message.starts_with("found character that cannot start any token") {
        return None;
    }
    let line_end = source[at..].find('\n').map_or(source.len(), |i| at + i);
    let ahead = &source[at..line_end];
    let tab = ahead.find('\t')?;
    // Only a tab the parser stopped at (or in the indentation just before its token).
    ahead[..tab].chars().all(|c| c == ' ').then_some(at + tab)
}

/// The error for a tab in the front matter, pointing at the tab itself.
fn tab_error(d: Diagnostic, source: &Arc<str>, tab: usize) -> Diagnostic {
    let line_start = source[..tab].rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..tab].chars().count() + 1;
    let mut d = d.at(source, tab..tab + 1).label("a tab").help(
        "YAML indents with spaces only: replace the tab with spaces (your editor may show it as spaces)",
    );
    d.message = format!(
        "invalid front matter: a tab character at column {column}; YAML does not allow tabs here"
    );
    d
}

/// Byte ranges of every top-level `key:` line of the YAML block.
fn key_lines<'a>(
    source: &'a str,
    yaml: Range<usize>,
    key: &'a str,
) -> impl Iterator<Item = Range<usize>> + 'a {
    let start = yaml.start;
    source[yaml]
        .split_inclusive('\n')
        .scan(start, move |offset, line| {
            let here = *offset;
            *offset += line.len();
            Some((here, line))
        })
        .filter(move |(_, line)| line.strip_prefix(key).is_some_and(|r| r.starts_with(':')))
        .map(|(at, line)| at..at + line.trim_end().len())
}

/// The span of a mapping key as written at `at`: quoted keys with their quotes, up to the
/// `:` (the decoded `key` may differ in length from what is written).
fn key_token(source: &str, at: usize, key: &str) -> Range<usize> {
    let line_end = source[at..]
        .find(['\n', '\r'])
        .map_or(source.len(), |i| at + i);
    let line = &source[at..line_end];
    let end = match line.chars().next() {
        Some(q @ ('"' | '\'')) => line[1..].find(q).map_or(line.len(), |i| i + 2),
        _ => line.find(':').unwrap_or(key.len().min(line.len())),
    };
    at..at + line[..end].trim_end().len()
}

/// The first occurrence of `token` in `range` that stands alone (not inside a longer word).
fn find_token(source: &str, range: Range<usize>, token: &str) -> Option<Range<usize>> {
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    source[range.clone()]
        .match_indices(token)
        .map(|(i, _)| range.start + i)
        .find(|&start| {
            let end = start + token.len();
            !source[..start].chars().next_back().is_some_and(is_word)
                && !source[end..].chars().next().is_some_and(is_word)
        })
        .map(|start| start..start + token.len())
}

/// Byte range of the value of a top-level `key:` line in the YAML block (or of the key
/// itself when the value is on later lines).
fn value_span(source: &str, yaml: Range<usize>, key: &str) -> Range<usize> {
    let mut offset = yaml.start;
    for line in source[yaml.clone()].split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            let value = rest.trim();
            if value.is_empty() {
                return offset..offset + key.len();
            }
            let start = offset + key.len() + 1 + (rest.len() - rest.trim_start().len());
            return start..start + value.len();
        }
        offset += line.len();
    }
    yaml.start..yaml.start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<FrontMatter, Diagnostic> {
        let source: Arc<str> = Arc::from(text);
        let split = split(&source, Path::new("a.md"))?;
        parse(&source, split.yaml, Path::new("a.md"))
    }

    const GOOD: &str = "---\ntitle: Retry budgets\nauthor: ana\ndate: 2025-03-14\nsummary: Retries need a budget\ntags: [reliability, apis]\nrelated:\n  - other-post\n  - title: Docs\n    url: https://example.org/\n---\nBody\n";

    #[test]
    fn parses_all_keys() {
        let fm = parse_str(GOOD).unwrap();
        assert_eq!(fm.title, "Retry budgets");
        assert_eq!(fm.author.value, "ana");
        assert_eq!(fm.tags, ["reliability", "apis"]);
        assert!(
            matches!(&fm.related[0], Related::Article(s) if s.value == "other-post" && &GOOD[s.span.clone()] == "other-post")
        );
        assert!(
            matches!(&fm.related[1], Related::External { url, .. } if url == "https://example.org/")
        );
        assert_eq!(&GOOD[fm.author.span.clone()], "ana");
    }

    #[test]
    fn split_handles_crlf_and_finds_body() {
        let text = "---\r\ntitle: a\r\n---\r\nBody\r\n";
        let source: Arc<str> = Arc::from(text);
        let s = split(&source, Path::new("a.md")).unwrap();
        assert_eq!(&text[s.body.clone()], "Body\r\n");
        assert_eq!(&text[s.yaml], "title: a\r\n");
    }

    #[test]
    fn unknown_key_suggests_and_points_at_line() {
        let err = parse_str("---\ntitle: a\nsumary: b\n---\n").unwrap_err();
        assert_eq!(err.message, "unknown front-matter key `sumary`");
        assert_eq!(err.label.as_deref(), Some("did you mean `summary`?"));
        assert_eq!(err.line_col(), Some((3, 1)));
    }

    #[test]
    fn missing_and_unclosed_front_matter_are_errors() {
        assert!(
            parse_str("Just text\n")
                .unwrap_err()
                .message
                .contains("missing front matter")
        );
        assert!(
            parse_str("---\ntitle: a\n")
                .unwrap_err()
                .message
                .contains("unclosed")
        );
        assert!(parse_str("").unwrap_err().message.contains("empty file"));
        let err = parse_str("---\ntitle: a\nauthor: b\ndate: 2025-01-01\n---\n").unwrap_err();
        assert_eq!(err.message, "missing required front-matter key `summary`");
    }

    #[test]
    fn a_tab_is_named_and_pointed_at() {
        let text = GOOD.replace("tags: [reliability, apis]", "tags:\n  \t- a");
        let err = parse_str(&text).unwrap_err();
        assert!(
            err.message.contains("a tab character at column 3"),
            "{}",
            err.message
        );
        let span = err.span.clone().unwrap();
        assert_eq!(&text[span], "\t");
        assert_eq!(err.label.as_deref(), Some("a tab"));
    }

    #[test]
    fn bad_date_and_wrong_type_name_the_line() {
        let err = parse_str(&GOOD.replace("2025-03-14", "2025-13-40")).unwrap_err();
        assert_eq!(err.line_col().map(|l| l.0), Some(4));
        let err = parse_str(&GOOD.replace("[reliability, apis]", "5")).unwrap_err();
        assert!(err.message.contains("invalid type"), "{}", err.message);
        assert_eq!(err.line_col().map(|l| l.0), Some(6));
    }

    #[test]
    fn related_url_must_be_http_or_a_site_path() {
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "other/",
        ] {
            let text = GOOD.replace("https://example.org/", bad);
            let err = parse_str(&text).unwrap_err();
            assert_eq!(err.message, format!("`related` url `{bad}` is not allowed"));
            assert!(
                err.label
                    .as_deref()
                    .unwrap()
                    .contains("must start with `https://`")
            );
            assert_eq!(&text[err.span.clone().unwrap()], bad);
            assert_eq!(err.line_col().map(|l| l.0), Some(10));
        }
        assert!(parse_str(&GOOD.replace("https://example.org/", "/articles/x/")).is_ok());
    }
}
