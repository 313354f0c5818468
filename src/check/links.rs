//! Links in article bodies that the build passes through unchanged: to pages and files of
//! the site (`/tags/`, `../other/`), to headings (`#setup`) and to other sites. Finds them
//! with their place in the file, and checks the local ones against the files a build would
//! write. Links to `.md` files and relative images are the build's job, not this module's.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag};
use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, display_path, nearest};
use crate::engine::model::{Article, Site};
use crate::markdown::sanitize::UrlUse;
use crate::markdown::{self, links::LinkKind};

/// A link or image in an article body.
#[derive(Debug, Clone)]
pub struct BodyLink {
    /// Index into `Site::articles`.
    pub article: usize,
    pub dest: String,
    /// Byte range in the article's file: the destination itself when it is written there,
    /// else the whole link.
    pub span: Range<usize>,
    pub image: bool,
}

/// What the build would write: every output file, and the `id`s of the pages asked for.
#[derive(Debug, Default)]
pub struct Outputs {
    /// Output paths, `/`-separated, relative to the output folder.
    pub files: HashSet<String>,
    /// Output path of a page → every `id` on it.
    pub ids: HashMap<String, HashSet<String>>,
}

/// Where a local link leads.
#[derive(Debug, Clone, PartialEq)]
pub enum Local {
    /// Not for this module: external, an article file, or a relative image.
    Skip,
    /// A path on the same host but outside the site's base path.
    OutsideBase,
    /// `../` more times than there are folders above the page.
    AboveRoot,
    /// The output files that would answer the link (a file, or a folder's `index.html`) and
    /// the heading it names.
    At {
        files: Vec<String>,
        anchor: Option<String>,
    },
}

/// Every link and image of every article body.
pub fn find(site: &Site) -> Vec<BodyLink> {
    let options = markdown::parser_options(&site.config.markdown);
    site.articles
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, a)| links_in(i, a, options))
        .collect()
}

fn links_in(article: usize, a: &Article, options: Options) -> Vec<BodyLink> {
    let body = a.body();
    let offset = a.source.body.start;
    Parser::new_ext(body, options)
        .into_offset_iter()
        .filter_map(|(event, span)| {
            let (dest, image) = match event {
                Event::Start(Tag::Link { dest_url, .. }) => (dest_url, false),
                Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
                _ => return None,
            };
            // Point at the destination where it is written inside the link (not for
            // reference links, whose destination is defined elsewhere).
            let at = match body[span.clone()].find(dest.as_ref()) {
                Some(i) if !dest.is_empty() => span.start + i..span.start + i + dest.len(),
                _ => span,
            };
            Some(BodyLink {
                article,
                dest: dest.into_string(),
                span: offset + at.start..offset + at.end,
                image,
            })
        })
        .collect()
}

/// The output path of article `i`'s page.
pub fn article_page(site: &Site, i: usize) -> String {
    format!("articles/{}/index.html", site.articles[i].slug)
}

/// Where `link` leads among the site's output files.
pub fn resolve(site: &Site, link: &BodyLink) -> Local {
    let dest = link.dest.as_str();
    let used = match link.image {
        true => UrlUse::Image,
        false => UrlUse::Link,
    };
    // The build removed it, with a warning of its own.
    if !markdown::sanitize::is_safe_url(dest, used) {
        return Local::Skip;
    }
    match markdown::links::classify(dest) {
        LinkKind::External | LinkKind::Article { .. } => return Local::Skip,
        LinkKind::Local => {}
    }
    let (before, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    let path = before.split('?').next().unwrap_or("");
    if link.image && !path.starts_with('/') {
        return Local::Skip;
    }
    let base_path = site.config.base_path();
    // Resolve as a browser would, in the URL space of the host, then keep what falls
    // under the base path.
    let page = format!("{base_path}{}", article_page(site, link.article));
    let joined = match path.strip_prefix('/') {
        Some(absolute) => markdown::links::resolve(Path::new("index.html"), absolute),
        None => markdown::links::resolve(Path::new(page.trim_start_matches('/')), path),
    };
    let Some(joined) = joined else {
        return Local::AboveRoot;
    };
    let Ok(inside) = joined.strip_prefix(base_path.trim_matches('/')) else {
        return Local::OutsideBase;
    };
    let rel = display_path(inside);
    let index = if rel.is_empty() {
        "index.html".to_string()
    } else {
        format!("{rel}/index.html")
    };
    let last = path.rsplit('/').next().unwrap_or("");
    let is_folder = path.is_empty() || matches!(last, "" | "." | "..");
    Local::At {
        files: if is_folder {
            vec![index]
        } else {
            vec![rel, index]
        },
        anchor: anchor
            .filter(|a| !a.is_empty())
            .map(markdown::links::decode_anchor),
    }
}

/// A problem with a local link, if it has one. `headings` gives the heading ids of an
/// article's page, by output path, for the help text.
pub fn check_local(
    site: &Site,
    link: &BodyLink,
    local: &Local,
    outputs: &Outputs,
    headings: &dyn Fn(&str) -> Option<Vec<String>>,
) -> Option<Diagnostic> {
    let source = &site.articles[link.article].source;
    let here = |d: Diagnostic| d.in_file(&source.path).at(source.text(), link.span.clone());
    let what = if link.image { "image" } else { "link" };
    let (files, anchor) = match local {
        Local::Skip => return None,
        Local::AboveRoot => {
            return Some(
                here(Diagnostic::error(format!(
                    "broken {what} `{}`: it climbs above the site's root",
                    link.dest
                )))
                .label("too many `../`"),
            );
        }
        Local::OutsideBase => {
            let base = site.config.base_path();
            return Some(
                here(Diagnostic::warning(format!(
                    "{what} `{}` leads outside the site, whose pages start with `{base}`",
                    link.dest
                )))
                .label(format!("not under `{base}`"))
                .help(format!("write links to the site's pages as `{base}...`, and links to another site on this host as a full URL")),
            );
        }
        Local::At { files, anchor } => (files, anchor),
    };
    let Some(found) = files.iter().find(|f| outputs.files.contains(*f)) else {
        let d = here(Diagnostic::error(format!(
            "broken {what} `{}`: the site has no such page or file",
            link.dest
        )))
        .label(format!("nothing is built at `{}`", files[0]));
        let near = nearest(&files[0], outputs.files.iter().map(String::as_str));
        return Some(match near {
            Some(n) => d.help(format!("did you mean `{}`?", url_of(site, &n))),
            None => d,
        });
    };
    let anchor = anchor.as_ref()?;
    let ids = outputs.ids.get(found)?;
    if ids.contains(anchor) {
        return None;
    }
    let own = *found == article_page(site, link.article);
    let message = match own {
        true => format!("link to a missing heading `#{anchor}` in this article"),
        false => format!(
            "link to a missing heading `#{anchor}` on `{}`",
            url_of(site, found)
        ),
    };
    let d = here(Diagnostic::error(message)).label("no heading or footnote has this id");
    Some(match headings(found) {
        Some(mut known) => {
            known.sort();
            let list = match known.is_empty() {
                true => "none".to_string(),
                false => known.join(", "),
            };
            let whose = if own { "this article" } else { "that article" };
            d.help(format!("headings of {whose}: {list}"))
        }
        None => d,
    })
}

/// The URL a reader would use for an output path: folders without `index.html`.
fn url_of(site: &Site, output: &str) -> String {
    let path = output.strip_suffix("index.html").unwrap_or(output);
    format!("{}{path}", site.config.base_path())
}

/// Every `id` attribute value of an HTML page.
pub fn html_ids(html: &[u8]) -> HashSet<String> {
    let text = String::from_utf8_lossy(html);
    let mut ids = HashSet::new();
    let mut rest: &str = &text;
    while let Some(i) = rest.find("id=") {
        let attribute = rest[..i].ends_with(|c: char| c.is_ascii_whitespace());
        let after = &rest[i + 3..];
        if attribute
            && let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'')
            && let Some(end) = after[1..].find(quote)
        {
            ids.insert(decode_entities(&after[1..1 + end]));
        }
        rest = after;
    }
    ids
}

/// An attribute value as a browser reads it: `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;` and
/// numeric references decoded (what folio's and Tera's escaping write). Any other `&` stays.
fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            };
            c.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ids_of_attributes_only() {
        let html =
            br#"<h2 id="setup">Setup</h2><div data-id="no"><p id='fn'>x</p> id=&quot;text&quot;"#;
        let ids = html_ids(html);
        let mut ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        ids.sort();
        assert_eq!(ids, ["fn", "setup"]);
    }

    #[test]
    fn ids_are_read_with_entities_decoded() {
        let html = br#"<h2 id="a&amp;b">x</h2><h2 id="caf&#xe9;">y</h2><h2 id='it&#39;s'>z</h2><p id="&nope; &#xZZ;">"#;
        let mut ids: Vec<String> = html_ids(html).into_iter().collect();
        ids.sort();
        assert_eq!(ids, ["&nope; &#xZZ;", "a&b", "café", "it's"]);
    }
}
