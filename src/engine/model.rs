//! The model: `Site` with its config, authors, articles (newest first, slugs unique,
//! references resolved) and tags. Plain data built from parsed sources; no I/O.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;

pub use super::series::Series;
use crate::config::{AuthorConfig, Config};
use crate::content::front_matter::Related;
use crate::content::slug::{Slug, TagSlugs};
use crate::content::{SourceFile, nfc_path};
use crate::diagnostics::{Diagnostic, nearest};

/// What goes into the build besides the files.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Include articles with `draft: true`.
    pub drafts: bool,
    /// Include articles dated after `now`.
    pub future: bool,
    /// The moment the build runs, for leaving out future articles.
    pub now: Timestamp,
    /// Add content hashes to asset URLs (off in `serve`, where nothing is cached).
    pub cache_bust: bool,
}

impl BuildOptions {
    /// Whether an article with this front matter goes into the build.
    pub fn includes(&self, fm: &crate::content::front_matter::FrontMatter) -> bool {
        (self.drafts || !fm.draft) && (self.future || !fm.date.is_after(self.now))
    }
}

/// An author from `[authors.<id>]`.
#[derive(Debug, Clone)]
pub struct Author {
    pub id: Slug,
    pub name: String,
    pub role: String,
    pub bio: Option<String>,
}

/// A tag and the articles carrying it (indexes into `Site::articles`, newest first).
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub slug: Slug,
    pub articles: Vec<usize>,
}

/// A resolved `related` entry.
#[derive(Debug, Clone, PartialEq, Hash, serde::Serialize, serde::Deserialize)]
pub enum RelatedRef {
    Article(usize),
    External {
        title: String,
        url: String,
        summary: String,
    },
}

/// An article in the site: its source, and its references checked against the rest.
#[derive(Debug, Clone)]
pub struct Article {
    pub slug: Slug,
    pub source: Arc<SourceFile>,
    /// Files beside a folder article's `index.md` (relative to the site root), copied next
    /// to its page.
    pub assets: Arc<[PathBuf]>,
    /// Key into `Site::authors`: the first of `authors`.
    pub author: Slug,
    /// Every author, keys into `Site::authors`, in the order written.
    pub authors: Vec<Slug>,
    /// The series it is part of (a key into `Site::series`) and its part number.
    pub series: Option<(Slug, u32)>,
    /// The other parts of its series, in part order (indexes into `Site::articles`).
    pub series_others: Vec<usize>,
    /// Tag slugs, in the order written.
    pub tags: Vec<Slug>,
    pub related: Vec<RelatedRef>,
}

impl Article {
    pub fn title(&self) -> &str {
        &self.source.front_matter.title
    }
    pub fn body(&self) -> &str {
        self.source.body()
    }
}

/// An article file left out of this build, and why (a link to it is no error).
#[derive(Debug, Clone)]
pub struct LeftOut {
    pub slug: Slug,
    /// E.g. "a draft (build with --drafts to include it)".
    pub why: &'static str,
}

/// The whole site, ready to render.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Arc<Config>,
    pub authors: BTreeMap<Slug, Author>,
    /// Newest first; ties broken by slug.
    pub articles: Vec<Article>,
    pub tags: BTreeMap<Slug, Tag>,
    pub series: BTreeMap<Slug, Series>,
    /// Old addresses (`aliases:`), by output path, and the article each leads to.
    pub redirects: BTreeMap<String, usize>,
    pub by_slug: HashMap<Slug, usize>,
    /// Article file (in normal form C, see `content::nfc_path`) → its index in `articles`.
    pub by_path: HashMap<PathBuf, usize>,
    /// Article files left out of this build (drafts, future articles), in normal form C.
    pub left_out: HashMap<PathBuf, LeftOut>,
}

/// What the model is built from: the parsed config, every article file that parsed, the
/// problems of those that did not, and the other files under `content/` (sorted).
pub struct Sources<'a> {
    pub config: Arc<Config>,
    pub articles: Vec<Arc<SourceFile>>,
    pub problems: Vec<Diagnostic>,
    pub content_files: &'a [&'a Path],
}

/// Build the model, collecting every error rather than stopping at the first.
pub fn build_site(
    sources: Sources,
    opts: &BuildOptions,
) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    let Sources {
        config,
        articles: files,
        problems: mut diags,
        content_files,
    } = sources;
    let authors = authors_from(&config, &mut diags);
    diags.extend(super::series::check_numbers(&files));
    let mut kept: Vec<(Slug, Arc<SourceFile>)> = Vec::new();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    let mut left_out: HashMap<String, &'static str> = HashMap::new();
    let mut left_out_files: HashMap<PathBuf, LeftOut> = HashMap::new();
    // Files that failed to load are already reported; references to them are not errors too.
    for d in &diags {
        if let Some(slug) = d.file.as_deref().and_then(slug_of_path) {
            left_out.insert(slug, "");
        }
    }
    let mut tag_slugs = TagSlugs::default();
    for file in files {
        diags.extend(crate::limits::check_tags(&file, &config.limits, &mut tag_slugs).err());
        let slug = match article_slug(&file) {
            Ok(s) => s,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let collision_key = slug.collision_key();
        if let Some(&i) = first_seen.get(&collision_key) {
            diags.push(duplicate_slug(&slug, &file, &kept[i].1));
            continue;
        }
        let fm = &file.front_matter;
        let why = if fm.draft && !opts.drafts {
            Some("a draft (build with --drafts to include it)")
        } else if fm.date.is_after(opts.now) && !opts.future {
            Some("dated in the future (build with --future to include it)")
        } else {
            None
        };
        if let Some(why) = why {
            left_out.insert(slug.to_string(), why);
            left_out_files.insert(nfc_path(&file.path), LeftOut { slug, why });
            continue;
        }
        first_seen.insert(collision_key, kept.len());
        kept.push((slug, file));
    }
    kept.sort_by(|(sa, a), (sb, b)| {
        (b.front_matter
            .date
            .instant
            .cmp(&a.front_matter.date.instant))
        .then_with(|| sa.cmp(sb))
    });
    let by_slug: HashMap<Slug, usize> = kept
        .iter()
        .enumerate()
        .map(|(i, (s, _))| (s.clone(), i))
        .collect();
    let mut articles = Vec::with_capacity(kept.len());
    let mut tags: BTreeMap<Slug, Tag> = BTreeMap::new();
    for (index, (slug, file)) in kept.into_iter().enumerate() {
        let fm = &file.front_matter;
        let article_authors: Vec<Slug> = fm
            .authors
            .iter()
            .map(|id| match Slug::parse(&id.value) {
                Ok(slug) if authors.contains_key(&slug) => slug,
                // The build fails; keep the article so later indexes stay aligned.
                _ => {
                    diags.push(unknown_author(&file, id, &authors));
                    Slug::from_text(&id.value, "unknown")
                }
            })
            .collect();
        let author = article_authors[0].clone();
        let related = resolve_related(&file, &slug, &by_slug, &left_out, &mut diags);
        let mut article_tags = Vec::new();
        for name in &fm.tags {
            let tag_slug = tag_slugs.of(name);
            let tag = tags.entry(tag_slug.clone()).or_insert_with(|| Tag {
                name: name.clone(),
                slug: tag_slug.clone(),
                articles: Vec::new(),
            });
            if !article_tags.contains(&tag_slug) {
                tag.articles.push(index);
                article_tags.push(tag_slug);
            }
        }
        let assets = assets_of(&file.path, content_files);
        articles.push(Article {
            slug,
            author,
            authors: article_authors,
            series: None,
            series_others: Vec::new(),
            tags: article_tags,
            related,
            assets,
            source: file,
        });
    }
    let series = super::series::collect(&config, &mut articles);
    let redirects = super::aliases::collect(&articles, &mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    let by_path = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (nfc_path(&a.source.path), i))
        .collect();
    Ok((
        Site {
            config,
            authors,
            articles,
            tags,
            series,
            redirects,
            by_slug,
            by_path,
            left_out: left_out_files,
        },
        diags,
    ))
}

/// The files beside a folder article (`x/index.md`): everything else under `x/`.
fn assets_of(article: &Path, content_files: &[&Path]) -> Arc<[PathBuf]> {
    if article.file_name().is_none_or(|n| n != "index.md") {
        return Arc::from([]);
    }
    let dir = article.parent().unwrap_or(Path::new(""));
    let start = content_files.partition_point(|p| *p < dir);
    content_files[start..]
        .iter()
        .take_while(|p| p.starts_with(dir))
        .map(|p| p.to_path_buf())
        .collect()
}

fn authors_from(config: &Config, diags: &mut Vec<Diagnostic>) -> BTreeMap<Slug, Author> {
    let mut authors = BTreeMap::new();
    for (
        id,
        AuthorConfig {
            name, role, bio, ..
        },
    ) in &config.authors
    {
        match Slug::parse(id) {
            Ok(slug) => {
                authors.insert(
                    slug.clone(),
                    Author {
                        id: slug,
                        name: name.clone(),
                        role: role.clone(),
                        bio: bio.clone(),
                    },
                );
            }
            Err(e) => diags.push(
                Diagnostic::error(format!("invalid author id `{id}` in `[authors.{id}]`: {e}"))
                    .in_file("config.toml"),
            ),
        }
    }
    authors
}

/// The slug a file name gives (`x.md` → `x`, `x/index.md` → `x`).
fn slug_of_path(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_string_lossy();
    if stem == "index" {
        Some(path.parent()?.file_name()?.to_string_lossy().into_owned())
    } else {
        Some(stem.into_owned())
    }
}

/// `slug:` from front matter, else the file name, else (for `x/index.md`) the folder name.
fn article_slug(file: &SourceFile) -> Result<Slug, Diagnostic> {
    if let Some(s) = &file.front_matter.slug {
        return Slug::parse(&s.value).map_err(|e| {
            Diagnostic::error("invalid `slug`")
                .in_file(&file.path)
                .at(file.text(), s.span.clone())
                .label(e)
        });
    }
    let name = slug_of_path(&file.path).unwrap_or_default();
    Slug::parse(&name).map_err(|e| {
        Diagnostic::error(format!("the file name `{name}` cannot be used as a URL"))
            .in_file(&file.path)
            .help(format!(
                "{e}; rename the file or set `slug:` in the front matter"
            ))
    })
}

/// Two files claim one slug: point at whichever sets it with `slug:` (the line to change),
/// naming the other file.
fn duplicate_slug(slug: &Slug, file: &SourceFile, first: &SourceFile) -> Diagnostic {
    let (here, other) = match (&file.front_matter.slug, &first.front_matter.slug) {
        (None, Some(_)) => (first, file),
        _ => (file, first),
    };
    let d = Diagnostic::error(format!(
        "duplicate slug `{slug}`: `{}` already uses it",
        crate::diagnostics::display_path(&other.path)
    ))
    .in_file(&here.path)
    .help("every article needs its own slug; rename one file or set `slug:` in its front matter");
    match &here.front_matter.slug {
        Some(s) => d
            .at(here.text(), s.span.clone())
            .label("this slug is taken"),
        None => d,
    }
}

fn unknown_author(
    file: &SourceFile,
    id: &crate::content::front_matter::Spanned<String>,
    authors: &BTreeMap<Slug, Author>,
) -> Diagnostic {
    let known: Vec<&str> = authors.keys().map(Slug::as_str).collect();
    let label = match nearest(&id.value, known.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "not defined in config.toml".into(),
    };
    Diagnostic::error(format!("unknown author `{}`", id.value))
        .in_file(&file.path)
        .at(file.text(), id.span.clone())
        .label(label)
        .help(format!(
            "authors are defined as `[authors.<id>]` in config.toml; known ids: {}",
            if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            }
        ))
}

fn resolve_related(
    file: &SourceFile,
    own: &Slug,
    by_slug: &HashMap<Slug, usize>,
    left_out: &HashMap<String, &'static str>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<RelatedRef> {
    let mut out = Vec::new();
    for entry in &file.front_matter.related {
        match entry {
            Related::Article(s) => {
                let found = Slug::parse(&s.value)
                    .ok()
                    .and_then(|slug| by_slug.get(&slug).map(|i| (slug, *i)));
                let here = |msg: String| {
                    Diagnostic::error(msg)
                        .in_file(&file.path)
                        .at(file.text(), s.span.clone())
                };
                match found {
                    Some((slug, _)) if &slug == own => {
                        diags.push(here("an article cannot be related to itself".into()))
                    }
                    Some((_, i))
                        if !out
                            .iter()
                            .any(|r| matches!(r, RelatedRef::Article(j) if *j == i)) =>
                    {
                        out.push(RelatedRef::Article(i))
                    }
                    Some(_) => {}
                    None => match left_out.get(&s.value) {
                        Some(&"") => {}
                        Some(why) => diags.push(
                            Diagnostic::warning(format!(
                                "related article `{}` is {why}; left out",
                                s.value
                            ))
                            .in_file(&file.path)
                            .at(file.text(), s.span.clone()),
                        ),
                        None => {
                            let others = by_slug
                                .keys()
                                .map(Slug::as_str)
                                .filter(|k| *k != own.as_str());
                            let label = match nearest(&s.value, others) {
                                Some(n) => format!("did you mean `{n}`?"),
                                None => "no article has this slug".into(),
                            };
                            diags.push(
                                here(format!("related article `{}` not found", s.value))
                                    .label(label)
                                    .help("a related entry is another article's slug (its file name without `.md`), or a mapping with `title` and `url`"),
                            )
                        }
                    },
                }
            }
            Related::External {
                title,
                url,
                summary,
            } => out.push(RelatedRef::External {
                title: title.clone(),
                url: url.clone(),
                summary: summary.clone(),
            }),
        }
    }
    out
}
