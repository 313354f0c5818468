//! `folio check`: everything a build reports, plus what a build lets through (links to
//! pages, files and headings the site will not have; summaries too long to show; articles
//! without tags; with `--external`, dead links to other sites). The site is built in
//! memory, exactly as `build` would build it, and nothing is written to disk.

mod external;
mod links;
mod previous;
mod publishing;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::content::SourceFile;
use crate::content::front_matter::Related;
use crate::diagnostics::{self, Diagnostic};
use crate::engine::model::{BuildOptions, Site};
use crate::engine::{CacheUse, Engine, Settings};
use crate::key::Key;
use crate::output::{Contents, Sink};
pub use external::ExternalOptions;
use external::Place;

/// Longest summary, in characters, that lists and search results show in full.
pub const SUMMARY_LIMIT: usize = 200;

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Which articles the build would include (drafts, future articles).
    pub build: BuildOptions,
    /// Check as if the site were served here, like `build --base-url`.
    pub base_url: Option<String>,
    /// Also fetch every external http(s) link, when set.
    pub external: Option<ExternalOptions>,
    /// The last published sitemap (a file or an http(s) URL): each of its addresses must
    /// still lead somewhere.
    pub previous: Option<String>,
    /// Where earlier builds kept what they made (read, never written); `None`: the default.
    pub cache_dir: Option<PathBuf>,
    /// `Off` with `--no-cache`; anything else reads the cache without writing it.
    pub cache: CacheUse,
}

/// What a check found.
#[derive(Debug)]
pub struct Report {
    /// Articles checked (those the build would include).
    pub articles: usize,
    /// Every problem, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// False when the build failed before the pages existed, so links could not be checked.
    pub links_checked: bool,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Check the site at `root`.
pub fn check(root: &Path, options: &CheckOptions) -> Report {
    let settings = Settings {
        base_url: options.base_url.clone(),
        options: options.build.clone(),
        cache_dir: options.cache_dir.clone(),
        cache: match options.cache {
            CacheUse::Off => CacheUse::Off,
            _ => CacheUse::ReadOnly,
        },
    };
    let mut engine = match Engine::new(root, settings) {
        Ok(e) => e,
        Err(d) => {
            return Report {
                articles: 0,
                diagnostics: vec![d],
                links_checked: false,
            };
        }
    };
    let prepared = match engine.prepare() {
        Ok(p) => p,
        Err(errors) => return check_unbuildable(&engine, &options.build, errors),
    };
    let site = &prepared.site;
    let mut diags = prepared.warnings.clone();
    let found = links::find(site);
    let local: Vec<links::Local> = found.iter().map(|l| links::resolve(site, l)).collect();
    let wanted_ids: HashSet<String> = local
        .iter()
        .filter_map(|l| match l {
            links::Local::At {
                files,
                anchor: Some(_),
            } => Some(files.iter().cloned()),
            _ => None,
        })
        .flatten()
        .collect();
    let sink = CheckSink {
        wanted_ids,
        ids: Mutex::new(HashMap::new()),
    };
    let written = engine.write_pages(&prepared, &sink);
    let built = written.is_ok();
    let outputs = match written {
        Ok(built) => links::Outputs {
            files: built.files.into_keys().collect(),
            ids: sink
                .ids
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner),
        },
        Err(errors) => {
            diags.extend(errors);
            links::Outputs::default()
        }
    };
    let page_of: HashMap<String, usize> = (0..site.articles.len())
        .map(|i| (links::article_page(site, i), i))
        .collect();
    let headings = |page: &str| {
        let body = &prepared.rendered[*page_of.get(page)?];
        Some(body.heading_ids.iter().cloned().collect())
    };
    for (link, to) in found.iter().zip(&local) {
        diags.extend(links::check_local(site, link, to, &outputs, &headings));
    }
    diags.extend(site.articles.iter().flat_map(|a| lint(&a.source)));
    diags.extend(publishing::robots_outside_root(
        &site.config,
        options.base_url.is_some(),
    ));
    diags.extend(crate::images::lint::lint_site(
        engine.inputs().root(),
        site,
        &prepared.images,
        &engine.cache_dir(),
    ));
    if let (Some(previous), true) = (&options.previous, built) {
        let timeout = options
            .external
            .as_ref()
            .map_or(std::time::Duration::from_secs(30), |e| e.timeout);
        let base_url = &site.config.base_url;
        diags.extend(previous::check(previous, base_url, &outputs.files, timeout));
    }
    if let Some(ext) = &options.external {
        diags.extend(external::check(&external_links(site, &found), ext));
    }
    diagnostics::sort(&mut diags);
    Report {
        articles: site.articles.len(),
        diagnostics: diags,
        links_checked: true,
    }
}

/// The build failed, so there are no pages to check links against: report its errors with
/// the advice on the front matter of every article the build would include.
fn check_unbuildable(engine: &Engine, options: &BuildOptions, errors: Vec<Diagnostic>) -> Report {
    let included: Vec<&SourceFile> = engine
        .inputs()
        .articles()
        .filter_map(|(_, a)| a.as_ref().ok())
        .map(|a| &**a)
        .filter(|f| options.includes(&f.front_matter))
        .collect();
    let mut diags = errors;
    diags.extend(included.iter().flat_map(|f| lint(f)));
    diagnostics::sort(&mut diags);
    Report {
        articles: included.len(),
        diagnostics: diags,
        links_checked: false,
    }
}

/// Keeps nothing of the build but the `id`s of the pages links point into.
struct CheckSink {
    wanted_ids: HashSet<String>,
    ids: Mutex<HashMap<String, HashSet<String>>>,
}

impl Sink for CheckSink {
    fn put(&self, path: &str, _: Key, contents: Contents) -> Result<(), Diagnostic> {
        if let Contents::Bytes(html) = contents
            && self.wanted_ids.contains(path)
        {
            let found = links::html_ids(&html);
            self.ids
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(path.to_string(), found);
        }
        Ok(())
    }
}

/// Advice on an article's front matter: warnings, never errors.
fn lint(file: &SourceFile) -> Vec<Diagnostic> {
    let fm = &file.front_matter;
    let front = &file.text()[..file.body.start];
    let here = |d: Diagnostic, span: Range<usize>| d.in_file(&file.path).at(file.text(), span);
    let mut out = Vec::new();
    let length = fm.summary.chars().count();
    if length > SUMMARY_LIMIT {
        out.push(
            here(
                Diagnostic::warning(format!(
                    "summary is {length} characters long; keep it under {SUMMARY_LIMIT}"
                )),
                key_span(front, "summary"),
            )
            .label("shown in lists, in \"More articles\" and as the page's description")
            .help("search results cut descriptions at about 160 characters: say in one sentence what the reader will get"),
        );
    }
    if fm.summary == crate::scaffold::PLACEHOLDER_SUMMARY {
        out.push(
            here(
                Diagnostic::warning("summary is still the placeholder from `folio new`"),
                key_span(front, "summary"),
            )
            .label("write one line about this article"),
        );
    }
    if fm.tags.is_empty() {
        out.push(
            here(Diagnostic::warning("article has no tags"), 0..3)
                .label("this front matter has no `tags:`")
                .help("add a line like `tags: [reliability, postgres]`: tags list the article on tag pages and help choose its \"More articles\""),
        );
    }
    out
}

/// The key of the front-matter line `key: ...`; the opening `---` when there is none.
fn key_span(front: &str, key: &str) -> Range<usize> {
    let mut offset = 0;
    for line in front.split_inclusive('\n') {
        if line.strip_prefix(key).is_some_and(|r| r.starts_with(':')) {
            return offset..offset + key.len();
        }
        offset += line.len();
    }
    0..3
}

/// Every external http(s) link of the site, once each, with every place it appears.
fn external_links(site: &Site, found: &[links::BodyLink]) -> BTreeMap<String, Vec<Place>> {
    let mut urls: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    let mut add = |url: &str, file: &SourceFile, span: Range<usize>| {
        if url.starts_with("http://") || url.starts_with("https://") {
            urls.entry(url.to_string()).or_default().push(Place {
                file: file.path.clone(),
                text: file.text().clone(),
                span,
            });
        }
    };
    for link in found {
        add(
            &link.dest,
            &site.articles[link.article].source,
            link.span.clone(),
        );
    }
    for article in &site.articles {
        let file = &article.source;
        let front = &file.text()[..file.body.start];
        for entry in &file.front_matter.related {
            if let Related::External { url, .. } = entry {
                let span = front.find(url.as_str()).map_or(0..3, |i| i..i + url.len());
                add(url, file, span);
            }
        }
        let fm = &file.front_matter;
        let first = fm.originally_published.as_ref().map(|o| &o.url);
        for url in fm.canonical.iter().chain(first) {
            let span = front.find(url.as_str()).map_or(0..3, |i| i..i + url.len());
            add(url, file, span);
        }
    }
    urls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_span_finds_the_key_at_the_start_of_a_line() {
        let front = "---\ntitle: A summary: no\nsummary: Short\n---\n";
        let span = key_span(front, "summary");
        assert_eq!(&front[span.clone()], "summary");
        assert_eq!(span.start, front.find("\nsummary").unwrap() + 1);
        assert_eq!(key_span(front, "tags"), 0..3);
    }
}
