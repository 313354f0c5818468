//! The front-matter keys about who wrote an article and where it lives: `author` or
//! `authors`, `series`, `aliases` (its old addresses), `canonical` and
//! `originally_published` (for articles published elsewhere first). Each value is checked
//! here, so a mistake points at its own line; what needs the rest of the site (unknown
//! authors, series numbering, aliases that collide) is checked by the model.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use unicode_normalization::UnicodeNormalization;

use super::{Spanned, find_token, value_span};
use crate::content::slug::MAX_SLUG_BYTES;
use crate::diagnostics::{Diagnostic, nearest};

/// `series: {id, part}`: which series the article belongs to, and its place in it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SeriesRef {
    pub id: String,
    /// 1-based.
    pub part: u32,
    /// The `series:` line, where numbering problems point.
    pub span: Range<usize>,
}

/// `originally_published: {name, url}`: where the article first appeared.
#[derive(Debug, Clone, PartialEq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FirstPublished {
    pub name: String,
    pub url: String,
}

/// An old address of the article (`aliases:`), as the output path of its redirect page.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Alias {
    /// Relative to the site root: a folder ending in `/` (`articles/old-slug/`), whose page
    /// is its `index.html`, or a file (`2019/old-post.html`).
    pub path: String,
}

impl Alias {
    /// The file the redirect page is written to.
    pub fn file(&self) -> String {
        match self.path.ends_with('/') {
            true => format!("{}index.html", self.path),
            false => self.path.clone(),
        }
    }
}

/// The keys as serde read them.
pub(super) struct Raw {
    pub author: Option<String>,
    pub authors: Option<Vec<String>>,
    pub series: Option<serde_yaml::Value>,
    pub aliases: Vec<String>,
    pub canonical: Option<String>,
    pub originally_published: Option<serde_yaml::Value>,
}

/// The keys, checked.
pub(super) struct Publishing {
    /// Every author id, in the order written (at least one).
    pub authors: Vec<Spanned<String>>,
    pub series: Option<SeriesRef>,
    pub aliases: Vec<Spanned<Alias>>,
    pub canonical: Option<String>,
    pub originally_published: Option<FirstPublished>,
}

pub(super) fn parse(
    raw: Raw,
    source: &Arc<str>,
    yaml: Range<usize>,
    path: &Path,
) -> Result<Publishing, Diagnostic> {
    let at = |key: &str| value_span(source, yaml.clone(), key);
    let error = |msg: String, key: &str| Diagnostic::error(msg).in_file(path).at(source, at(key));
    let authors = match (raw.author, raw.authors) {
        (Some(_), Some(_)) => {
            let second = ["author", "authors"]
                .into_iter()
                .max_by_key(|k| at(k).start)
                .unwrap_or("authors");
            return Err(error(
                "use either `author` or `authors`, not both".into(),
                second,
            )
            .label("the article's authors are given twice")
            .help("one author: `author: ana`; several: `authors: [ana, ben]`, the first named first in the byline"));
        }
        (None, None) => {
            // `author:` with nothing after it reads as no value at all.
            if let Some(key) = ["author", "authors"]
                .into_iter()
                .find(|k| !at(k).is_empty())
            {
                return Err(error(format!("`{key}` is empty"), key).help(
                    "name the author by their id from config.toml: `author: ana`, or `authors: [ana, ben]`",
                ));
            }
            return Err(
                Diagnostic::error("missing required front-matter key `author`")
                    .in_file(path)
                    .at(source, 0..3)
                    .label("in this front matter")
                    .help("add a line `author: ...`, or `authors: [a, b]` for several"),
            );
        }
        (Some(one), None) => {
            let one = one.trim().to_string();
            if one.is_empty() {
                return Err(error("`author` is empty".into(), "author"));
            }
            vec![Spanned {
                span: at("author"),
                value: one,
            }]
        }
        (None, Some(list)) => spanned_list(source, yaml.clone(), "authors", list, path)?,
    };
    let series = match raw.series {
        Some(value) => Some(series(&value).map_err(|e| {
            error(e, "series").help("write it like `series: {id: postgres-at-scale, part: 2}`")
        })?),
        None => None,
    }
    .map(|(id, part)| SeriesRef {
        id,
        part,
        span: at("series"),
    });
    let aliases = spanned_list(source, yaml.clone(), "aliases", raw.aliases, path)?
        .into_iter()
        .map(|s| match alias(&s.value) {
            Ok(alias) => Ok(Spanned {
                value: alias,
                span: s.span,
            }),
            Err(why) => Err(Diagnostic::error(format!("invalid alias `{}`: {why}", s.value))
                .in_file(path)
                .at(source, s.span)
                .label("expected a path on this site")
                .help("an alias is an old address of this article: `/articles/old-slug/`, `/2019/03/old-post.html`, or just the old slug")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let canonical = match raw.canonical.map(|c| c.trim().to_string()) {
        Some(url) if !is_absolute_http(&url) => {
            return Err(error(
                format!("`canonical` must be an absolute http(s) URL, found `{url}`"),
                "canonical",
            )
            .label("expected e.g. `https://example.org/blog/original-post/`")
            .help("`canonical` is the address where the article was first published; search engines credit that page"));
        }
        other => other,
    };
    let originally_published = match raw.originally_published {
        Some(value) => Some(first_published(&value).map_err(|e| {
            error(e, "originally_published").help(
                "write it like `originally_published: {name: The Morning Paper, url: https://example.org/post/}`",
            )
        })?),
        None => None,
    };
    Ok(Publishing {
        authors,
        series,
        aliases,
        canonical,
        originally_published,
    })
}

/// A list of strings under `key`, each with the span where it is written (found in order,
/// each after the one before); a repeated or empty entry is an error.
fn spanned_list(
    source: &Arc<str>,
    yaml: Range<usize>,
    key: &str,
    list: Vec<String>,
    path: &Path,
) -> Result<Vec<Spanned<String>>, Diagnostic> {
    let mut cursor = value_span(source, yaml.clone(), key).start;
    let mut out: Vec<Spanned<String>> = Vec::with_capacity(list.len());
    for value in list {
        let value = value.trim().to_string();
        let span = match value.is_empty() {
            true => cursor..cursor,
            false => find_token(source, cursor..yaml.end, &value).unwrap_or(cursor..cursor),
        };
        cursor = span.end;
        let here = |msg: String| {
            Diagnostic::error(msg)
                .in_file(path)
                .at(source, span.clone())
        };
        if value.is_empty() {
            return Err(here(format!("an entry of `{key}` is empty")));
        }
        if out.iter().any(|o| o.value == value) {
            return Err(here(format!("`{value}` is listed twice in `{key}`")));
        }
        out.push(Spanned { value, span });
    }
    if key == "authors" && out.is_empty() {
        return Err(Diagnostic::error("`authors` is empty")
            .in_file(path)
            .at(source, value_span(source, yaml, key))
            .help("name at least one author: `authors: [ana, ben]`"));
    }
    Ok(out)
}

/// `{id, part}` out of a `series:` value.
fn series(value: &serde_yaml::Value) -> Result<(String, u32), String> {
    let serde_yaml::Value::Mapping(map) = value else {
        return Err("`series` must be a mapping with `id` and `part`".into());
    };
    let (mut id, mut part) = (None, None);
    for (key, value) in map {
        match key.as_str().unwrap_or_default() {
            "id" => match value {
                serde_yaml::Value::String(s) if !s.trim().is_empty() => {
                    id = Some(s.trim().to_string())
                }
                _ => {
                    return Err(
                        "the `id` of a `series` must be a name, like `postgres-at-scale`".into(),
                    );
                }
            },
            "part" => match value.as_u64() {
                Some(n @ 1..=10_000) => part = Some(n as u32),
                _ => return Err("the `part` of a `series` must be a whole number from 1".into()),
            },
            other => {
                let hint = nearest(other, ["id", "part"].into_iter())
                    .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
                return Err(format!("unknown key `{other}` in `series`{hint}"));
            }
        }
    }
    match (id, part) {
        (Some(id), Some(part)) => Ok((id, part)),
        (None, _) => Err("a `series` needs an `id`".into()),
        (_, None) => Err("a `series` needs a `part` number".into()),
    }
}

/// `{name, url}` out of an `originally_published:` value.
fn first_published(value: &serde_yaml::Value) -> Result<FirstPublished, String> {
    let serde_yaml::Value::Mapping(map) = value else {
        return Err("`originally_published` must be a mapping with `name` and `url`".into());
    };
    let (mut name, mut url) = (None, None);
    for (key, value) in map {
        let key = key.as_str().unwrap_or_default();
        let text = || match value {
            serde_yaml::Value::String(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
            _ => Err(format!("`{key}` of `originally_published` must be text")),
        };
        match key {
            "name" => name = Some(text()?),
            "url" => url = Some(text()?),
            other => {
                let hint = nearest(other, ["name", "url"].into_iter())
                    .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
                return Err(format!(
                    "unknown key `{other}` in `originally_published`{hint}"
                ));
            }
        }
    }
    match (name, url) {
        (_, Some(url)) if !is_absolute_http(&url) => Err(format!(
            "the `url` of `originally_published` must be an absolute http(s) URL, found `{url}`"
        )),
        (Some(name), Some(url)) => Ok(FirstPublished { name, url }),
        (None, _) => Err("`originally_published` needs a `name`".into()),
        (_, None) => Err("`originally_published` needs a `url`".into()),
    }
}

/// `http://` or `https://` with a host, and nothing a browser would read differently.
pub fn is_absolute_http(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The output path of an alias as written: `old-slug` (an article's old slug),
/// `/articles/old-slug/` or `articles/old-slug` (a folder), `/2019/old-post.html` (a file).
pub fn alias(written: &str) -> Result<Alias, String> {
    let text: String = written.trim().nfc().collect();
    if text.contains("://") || text.starts_with("//") {
        return Err("a path on this site is expected, not a whole URL".into());
    }
    if let Some(c) = text.chars().find(|c| {
        matches!(c, '?' | '#' | '\\' | '%' | '"' | '<' | '>') || c.is_whitespace() || c.is_control()
    }) {
        return Err(format!("`{}` is not allowed in an alias", c.escape_debug()));
    }
    let trailing = text.ends_with('/');
    let inner = text.trim_start_matches('/').trim_end_matches('/');
    if inner.is_empty() {
        return Err("the home page cannot be an alias".into());
    }
    let segments: Vec<&str> = inner.split('/').collect();
    for s in &segments {
        if s.is_empty() || *s == "." || *s == ".." {
            return Err("empty, `.` and `..` parts are not allowed".into());
        }
        if s.len() > MAX_SLUG_BYTES {
            return Err(format!(
                "a part is {} bytes long, at most {MAX_SLUG_BYTES}",
                s.len()
            ));
        }
        if s.starts_with('.') {
            return Err("a part starting with `.` would be a hidden file".into());
        }
    }
    let path = if !text.contains('/') {
        format!("articles/{inner}/")
    } else if !trailing && segments.last().is_some_and(|s| s.contains('.')) {
        inner.to_string()
    } else {
        format!("{inner}/")
    };
    Ok(Alias { path })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_become_output_paths() {
        let path = |w: &str| alias(w).map(|a| a.path);
        assert_eq!(path("old-slug").unwrap(), "articles/old-slug/");
        assert_eq!(path("/articles/old-slug/").unwrap(), "articles/old-slug/");
        assert_eq!(path("articles/old-slug").unwrap(), "articles/old-slug/");
        assert_eq!(path("/2019/03/old.html").unwrap(), "2019/03/old.html");
        assert_eq!(path("/blog/v1.2/").unwrap(), "blog/v1.2/");
        assert_eq!(alias("/x/y.html").unwrap().file(), "x/y.html");
        assert_eq!(alias("/x/").unwrap().file(), "x/index.html");
        for bad in [
            "https://example.com/x/",
            "//example.com/x",
            "/",
            "",
            "/a/../b/",
            "/a//b/",
            "/x?y=1",
            "/x#top",
            "/a b/",
            "/.git/config",
            "/a\\b",
        ] {
            assert!(alias(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn canonical_urls_are_absolute_http() {
        assert!(is_absolute_http("https://example.org/a/"));
        assert!(is_absolute_http("HTTP://example.org"));
        for bad in [
            "/articles/x/",
            "example.org/x",
            "javascript:alert(1)",
            "https://",
            "https:///x",
            "https://a b/",
        ] {
            assert!(!is_absolute_http(bad), "{bad}");
        }
    }
}
