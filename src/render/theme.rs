//! Loading a theme's Tera templates once (site `templates/` overriding the theme's) and
//! rendering them, with template errors turned into diagnostics naming file and line.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tera::{Context, ErrorKind, Tera};
use walkdir::WalkDir;

use crate::content::{is_ignored_name, relative};
use crate::diagnostics::Diagnostic;

/// How long one page may take to render before it is taken for an endless loop.
pub const PAGE_TIME_LIMIT: Duration = Duration::from_secs(20);

/// A page bigger than this is a template writing without end, not a page.
pub const PAGE_SIZE_LIMIT: usize = 256 * 1024 * 1024;

/// Collects a page and fails the render once its deadline has passed. Tera writes as it
/// renders, so a template stuck in a loop that prints anything is stopped here.
struct DeadlineWriter {
    bytes: Vec<u8>,
    deadline: Instant,
    /// Writes since the clock was last read: reading it on every write costs ~4% of a build.
    writes: u32,
}

impl io::Write for DeadlineWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writes = self.writes.wrapping_add(1);
        if self.writes.is_multiple_of(256) && Instant::now() > self.deadline {
            return Err(io::Error::from(io::ErrorKind::TimedOut));
        }
        if self.bytes.len() + buf.len() > PAGE_SIZE_LIMIT {
            return Err(io::Error::from(io::ErrorKind::FileTooLarge));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

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
}

impl Theme {
    /// Load `themes/<name>/templates/` and the site's own `templates/` on top.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
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
        tera.autoescape_on([".html", ".xml", ".svg"]);
        let result = tera.add_raw_templates(
            files
                .iter()
                .map(|(n, (_, text))| (n.as_str(), text.as_ref())),
        );
        let static_dir = Some(theme_dir.join("static")).filter(|d| d.is_dir());
        let theme = Theme {
            tera,
            files,
            static_dir,
        };
        match result {
            Ok(()) => Ok(theme),
            Err(e) => Err(theme.diagnostic(&e)),
        }
    }

    /// Render template `name`; an error points into the template's file. A page that takes
    /// longer than `PAGE_TIME_LIMIT` (a template looping without end) is stopped with an error.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, Diagnostic> {
        let mut out = DeadlineWriter {
            bytes: Vec::with_capacity(16 * 1024),
            deadline: Instant::now() + PAGE_TIME_LIMIT,
            writes: 0,
        };
        match self.tera.render_to(name, context, &mut out) {
            Ok(()) => String::from_utf8(out.bytes).map_err(|_| {
                Diagnostic::error(format!("template `{name}` produced invalid UTF-8"))
            }),
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::Io(io::ErrorKind::TimedOut | io::ErrorKind::FileTooLarge)
                ) =>
            {
                let d = Diagnostic::error(format!(
                    "template `{name}` did not finish within {} s or {} MB: does a loop never end?",
                    PAGE_TIME_LIMIT.as_secs(),
                    PAGE_SIZE_LIMIT / (1024 * 1024)
                ));
                Err(match self.files.get(name) {
                    Some((path, _)) => d.in_file(path),
                    None => d,
                })
            }
            Err(e) => Err(self.in_template(self.diagnostic(&e), name)),
        }
    }

    /// Whether the theme (or the site) has template `name`.
    pub fn has_template(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// The file template `name` was read from, relative to the site root.
    pub fn template_file(&self, name: &str) -> Option<&Path> {
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
        super::template_errors::diagnostic(&self.files, err)
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
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = entry.map_err(|e| {
            Diagnostic::error(format!("cannot read templates: {e}"))
                .in_file(relative(root, e.path().unwrap_or(dir)))
        })?;
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
