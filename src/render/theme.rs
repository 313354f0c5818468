//! A theme's Tera templates, compiled once (site `templates/` overriding the theme's, put
//! together by the engine), and rendering them within a deadline, with template errors
//! turned into diagnostics naming file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tera::{Context, Tera};

use super::deadline::{self, Guarded, PAGE_SIZE_LIMIT, Stopped};
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
    /// Compile the templates `files` (name → file relative to the site root, and text) of
    /// the theme `name`; `dir` is the theme's template folder, for messages. A page may take
    /// `page_time_limit` before it is stopped as an endless loop.
    pub fn from_sources(
        name: &str,
        files: BTreeMap<String, (PathBuf, Arc<str>)>,
        dir: &Path,
        page_time_limit: Duration,
    ) -> Result<Theme, Diagnostic> {
        for required in REQUIRED {
            if !files.contains_key(*required) {
                return Err(Diagnostic::error(format!(
                    "theme `{name}` has no template `{required}`"
                ))
                .in_file(dir)
                .help(format!(
                    "add `templates/{required}` to the theme or to the site"
                )));
            }
        }
        Theme::compile(files, page_time_limit)
    }

    /// Compile `files` as they are, whatever they hold (e.g. the markdown components alone).
    pub fn compile(
        files: BTreeMap<String, (PathBuf, Arc<str>)>,
        page_time_limit: Duration,
    ) -> Result<Theme, Diagnostic> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml", ".svg"]);
        let compiled = deadline::compile(&tera, &files);
        let mut theme = Theme {
            tera,
            files,
            guarded: Guarded::default(),
            page_time_limit,
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

    /// Whether the theme (or the site) has the template `name`.
    pub fn has(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// The file (relative to the site root) of the template `name`.
    pub fn file_of(&self, name: &str) -> Option<&Path> {
        self.files.get(name).map(|(path, _)| path.as_path())
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
