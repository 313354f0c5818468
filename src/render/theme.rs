//! Loading a theme's Tera templates once (site `templates/` overriding the theme's) and
//! rendering them, with template errors turned into diagnostics naming file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tera::{Context, Tera};

use super::deadline::{self, Guarded, PAGE_SIZE_LIMIT, Stopped};
use crate::config::Config;
use crate::content::relative;
use crate::diagnostics::Diagnostic;

/// The templates every theme must provide.
pub const REQUIRED: &[&str] = &[
    "index.html",
    "article.html",
    "author.html",
    "tags.html",
    "tag.html",
    "404.html",
];

/// A loaded theme: its Tera instance and where each template came from.
pub struct Theme {
    pub tera: Tera,
    /// Template name → (file relative to the site root, its text).
    files: BTreeMap<String, (PathBuf, Arc<str>)>,
    /// `themes/<name>/static`, when it exists.
    pub static_dir: Option<PathBuf>,
    /// Loops guarded by the page deadline, and how to map positions back (`deadline`).
    guarded: Guarded,
    /// How long one page may take before it is taken for an endless loop.
    page_time_limit: Duration,
    /// The last page that overran, and when: pages started within the time limit after it
    /// fail at once with its error, so a broken template costs one page's time, not every
    /// page's.
    overran: Mutex<Option<(Instant, Diagnostic)>>,
}

impl Theme {
    /// Load `themes/<name>/templates/` (`name` from config's `theme`) and the site's own
    /// `templates/` on top.
    pub fn load(root: &Path, config: &Config) -> Result<Theme, Diagnostic> {
        let name = config.theme.as_str();
        let theme_dir = root.join("themes").join(name);
        if !theme_dir.is_dir() {
            let available = list_dirs(&root.join("themes"));
            return Err(
                Diagnostic::error(format!("theme `{name}` not found in `themes/`"))
                    .in_file("config.toml")
                    .help(match available.is_empty() {
                        true => {
                            "create `themes/<name>/templates/` or set `theme` to an existing one"
                                .to_string()
                        }
                        false => format!("themes available: {}", available.join(", ")),
                    }),
            );
        }
        let mut files = BTreeMap::new();
        for dir in [theme_dir.join("templates"), root.join("templates")] {
            read_templates(root, &dir, &mut files)?;
        }
        for required in REQUIRED {
            if !files.contains_key(*required) {
                return Err(Diagnostic::error(format!(
                    "theme `{name}` has no template `{required}`"
                ))
                .in_file(relative(root, &theme_dir.join("templates")))
                .help(format!(
                    "add `templates/{required}` to the theme or to the site"
                )));
            }
        }
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        let compiled = deadline::compile(&tera, &files);
        let static_dir = Some(theme_dir.join("static")).filter(|d| d.is_dir());
        let mut theme = Theme {
            tera,
            files,
            static_dir,
            guarded: Guarded::default(),
            page_time_limit: config.limits.page_time(),
            overran: Mutex::new(None),
        };
        match compiled {
            Ok((tera, guarded)) => {
                theme.tera = tera;
                theme.guarded = guarded;
                Ok(theme)
            }
            Err(e) => Err(theme.diagnostic(&e)),
        }
    }

    /// Render template `name`; an error points into the template's file. A page that takes
    /// longer than `[limits] page_render_seconds` (a template looping without end) is
    /// stopped with an error pointing at the loop that was running.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, Diagnostic> {
        let limit = self.page_time_limit;
        let overran = self
            .overran
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some((_, d)) = overran.filter(|(at, _)| at.elapsed() < limit) {
            return Err(d);
        }
        let stopped = match deadline::render(&self.tera, &self.guarded, name, context, limit) {
            Ok(bytes) => {
                return String::from_utf8(bytes).map_err(|_| {
                    Diagnostic::error(format!("template `{name}` produced invalid UTF-8"))
                });
            }
            Err(stopped) => stopped,
        };
        let (d, at) = match stopped {
            Stopped::Failed(e) => return Err(self.in_template(self.diagnostic(&e), name)),
            Stopped::TooLarge => (
                Diagnostic::error(format!(
                    "template `{name}` wrote over {} MB: does a loop never end?",
                    PAGE_SIZE_LIMIT / (1024 * 1024)
                )),
                None,
            ),
            Stopped::TooSlow { at } => (
                Diagnostic::error(format!(
                    "template `{name}` did not finish within {} s: does a loop never end?",
                    limit.as_secs_f64()
                ))
                .help("the time a page may take is `page_render_seconds` under `[limits]` in config.toml"),
                at,
            ),
        };
        let d = match at.and_then(|(file, at)| Some((self.files.get(&file)?, at))) {
            Some(((path, text), at)) => d
                .in_file(path)
                .at(text, at..at)
                .label("this loop was still running"),
            None => match self.files.get(name) {
                Some((path, _)) => d.in_file(path),
                None => d,
            },
        };
        *self.overran.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), d.clone()));
        Err(d)
    }

    /// An error without a place of its own is placed in the template being rendered.
    fn in_template(&self, d: Diagnostic, name: &str) -> Diagnostic {
        match (&d.file, self.files.get(name)) {
            (None, Some((path, _))) => d.in_file(path).help(format!("while rendering `{name}`")),
            _ => d,
        }
    }

    fn diagnostic(&self, err: &tera::Error) -> Diagnostic {
        super::template_errors::diagnostic(&self.files, err, &|name, range| {
            self.guarded.original_range(name, range)
        })
    }
}

fn read_templates(
    root: &Path,
    dir: &Path,
    files: &mut BTreeMap<String, (PathBuf, Arc<str>)>,
) -> Result<(), Diagnostic> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in crate::fence::Fence::new(root).walk(dir).skip_ignored() {
        let entry = entry?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = relative(root, entry.path());
        let text = std::fs::read_to_string(entry.path())
            .map_err(|e| Diagnostic::io(&rel, "read template", &e))?;
        let name = crate::diagnostics::display_path(&relative(dir, entry.path()));
        files.insert(name, (rel, Arc::from(text)));
    }
    Ok(())
}

fn list_dirs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
