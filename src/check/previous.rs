//! `check --previous SITEMAP`: every address the last published site listed in its sitemap
//! (a file, or an http(s) URL; a sitemap index is followed one level) must still lead to a
//! page or file of this build, or to a redirect from `aliases:`. A page that moved without
//! an alias breaks every link and bookmark to it: that is an error.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::diagnostics::Diagnostic;

/// Largest sitemap read (the protocol allows 50 MB).
const MAX_SITEMAP_BYTES: u64 = 64 * 1024 * 1024;

/// Addresses and where each is written.
type Locs = Vec<(String, Range<usize>)>;

/// One sitemap as read: where from (for messages), its text, and its `<loc>`s with spans.
struct Sitemap {
    from: PathBuf,
    text: Arc<str>,
    /// `urlset` or `sitemapindex`.
    root: String,
    locs: Locs,
}

/// Errors for every address of the previous sitemap at `source` that this build's `files`
/// (output paths) no longer have. `base_url` is the site's address now.
pub fn check(
    source: &str,
    base_url: &str,
    files: &HashSet<String>,
    timeout: Duration,
) -> Vec<Diagnostic> {
    let first = match read(source, timeout) {
        Ok(s) => s,
        Err(d) => return vec![d],
    };
    let mut sitemaps = Vec::new();
    let mut diags = Vec::new();
    if first.root == "sitemapindex" {
        for (loc, span) in &first.locs {
            let child = child_source(source, loc);
            match read(&child, timeout) {
                Ok(s) if s.root == "urlset" => sitemaps.push(s),
                Ok(s) => diags.push(not_a_urlset(&first, span, &s.root)),
                Err(d) => diags.push(d),
            }
        }
    } else {
        sitemaps.push(first);
    }
    let base_path = path_of(base_url);
    for sitemap in &sitemaps {
        for (loc, span) in &sitemap.locs {
            let here = || {
                Diagnostic::error(format!("`{loc}` of the last published site is gone"))
                    .in_file(&sitemap.from)
                    .at(&sitemap.text, span.clone())
            };
            let Some(rel) = path_of(loc).strip_prefix(&base_path).map(decode) else {
                diags.push(
                    Diagnostic::warning(format!(
                        "`{loc}` is outside the site's address `{base_url}`: not checked"
                    ))
                    .in_file(&sitemap.from)
                    .at(&sitemap.text, span.clone()),
                );
                continue;
            };
            if !candidates(&rel).iter().any(|f| files.contains(f)) {
                diags.push(
                    here()
                        .label("no page or redirect at this address in this build")
                        .help(format!(
                            "if the page moved, add its old address to the front matter of its new page: `aliases: [/{rel}]`"
                        )),
                );
            }
        }
    }
    diags
}

/// The output files that serve the site path `rel`.
fn candidates(rel: &str) -> Vec<String> {
    if rel.is_empty() || rel.ends_with('/') {
        vec![format!("{rel}index.html")]
    } else {
        vec![rel.to_string(), format!("{rel}/index.html")]
    }
}

/// The path of an absolute URL (`https://x.com/blog/a/` → `/blog/a/`), without query or
/// fragment.
fn path_of(url: &str) -> String {
    let after = url.split_once("://").map_or(url, |(_, r)| r);
    let path = after.find('/').map_or("/", |i| &after[i..]);
    path.split(['?', '#']).next().unwrap_or("/").to_string()
}

/// `%C3%A9` and friends, as output file names are written.
fn decode(rel: &str) -> String {
    crate::markdown::links::decode_anchor(rel)
}

/// Where a child sitemap of the index at `index` is: fetched as named when the index was
/// fetched; beside the index file, by its file name, when the index is a file.
fn child_source(index: &str, loc: &str) -> String {
    if is_url(index) {
        return loc.to_string();
    }
    let name = path_of(loc)
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let dir = Path::new(index).parent().unwrap_or(Path::new(""));
    dir.join(name).to_string_lossy().into_owned()
}

fn is_url(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn not_a_urlset(index: &Sitemap, span: &Range<usize>, root: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "a sitemap listed by the index is a `<{root}>`, not a `<urlset>`"
    ))
    .in_file(&index.from)
    .at(&index.text, span.clone())
}

/// The sitemap at `source` (a file path or an http(s) URL), parsed.
fn read(source: &str, timeout: Duration) -> Result<Sitemap, Diagnostic> {
    let from = PathBuf::from(source);
    let text = match is_url(source) {
        true => fetch(source, timeout),
        false => std::fs::read_to_string(source).map_err(|e| e.to_string()),
    }
    .map_err(|why| {
        Diagnostic::error(format!("cannot read the previous sitemap `{source}`: {why}"))
            .help("--previous takes the last published sitemap: a file (e.g. a copy of public/sitemap.xml) or its URL")
    })?;
    let text: Arc<str> = Arc::from(text);
    let (root, locs) = parse(&text).map_err(|(why, at)| {
        Diagnostic::error(format!(
            "the previous sitemap `{source}` is not a sitemap: {why}"
        ))
        .in_file(&from)
        .at(&text, at..at)
    })?;
    Ok(Sitemap {
        from,
        text,
        root,
        locs,
    })
}

fn fetch(url: &str, timeout: Duration) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .user_agent(concat!("folio-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut answer = agent.get(url).call().map_err(|e| e.to_string())?;
    answer
        .body_mut()
        .with_config()
        .limit(MAX_SITEMAP_BYTES)
        .read_to_string()
        .map_err(|e| e.to_string())
}

/// The root element's name and every `<loc>` (text and span), or what is wrong and where.
fn parse(text: &str) -> Result<(String, Locs), (String, usize)> {
    let mut reader = Reader::from_str(text);
    let mut root = None;
    let mut locs = Vec::new();
    // Inside a `<loc>`: where it started, and its text as written (entities unresolved).
    let mut open: Option<(usize, String)> = None;
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| (e.to_string(), reader.error_position() as usize))?;
        match event {
            Event::Start(e) | Event::Empty(e) if root.is_none() => {
                let name = e.local_name().as_ref().to_string();
                if name != "urlset" && name != "sitemapindex" {
                    return Err((
                        format!("its root is `<{name}>`, not `<urlset>` or `<sitemapindex>`"),
                        at,
                    ));
                }
                root = Some(name);
            }
            Event::Start(e) if e.local_name().as_ref() == "loc" => {
                open = Some((reader.buffer_position() as usize, String::new()))
            }
            Event::Text(t) => {
                if let Some((_, raw)) = &mut open {
                    raw.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, raw)) = &mut open {
                    raw.push('&');
                    raw.push_str(&r.xml10_content());
                    raw.push(';');
                }
            }
            Event::End(e) if e.local_name().as_ref() == "loc" => {
                if let Some((start, raw)) = open.take() {
                    let loc = quick_xml::escape::unescape(&raw)
                        .map_err(|e| (e.to_string(), start))?
                        .trim()
                        .to_string();
                    locs.push((loc, start..at));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    match root {
        Some(root) => Ok((root, locs)),
        None => Err(("it has no root element".into(), 0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_locs_with_entities_and_spans() {
        let xml = "<?xml version=\"1.0\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n<url><loc>https://x.com/a/?q=1&amp;b=2</loc></url>\n<url><loc> https://x.com/b/ </loc></url>\n</urlset>\n";
        let (root, locs) = parse(xml).unwrap();
        assert_eq!(root, "urlset");
        assert_eq!(locs[0].0, "https://x.com/a/?q=1&b=2");
        assert_eq!(&xml[locs[1].1.clone()], " https://x.com/b/ ");
        assert!(parse("<html><loc>x</loc></html>").is_err());
        assert!(parse("<urlset><loc>x</urlset>").is_err());
    }

    #[test]
    fn a_folder_address_is_its_index_page() {
        assert_eq!(path_of("https://x.com/blog/a/?x#y"), "/blog/a/");
        assert_eq!(path_of("https://x.com"), "/");
        assert_eq!(candidates(""), ["index.html"]);
        assert_eq!(candidates("a/"), ["a/index.html"]);
        assert_eq!(candidates("a.html"), ["a.html", "a.html/index.html"]);
    }
}
