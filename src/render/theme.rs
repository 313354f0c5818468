//! Loading a theme's Tera templates once (site `templates/` overriding the theme's) and
//! rendering them, with template errors turned into diagnostics naming file and line.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tera::{Context, ErrorKind, Tera};
use walkdir::WalkDir;

use super::builtin;
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

/// Where a theme's templates and static files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Base {
    /// `themes/<name>/` in the site.
    Folder(PathBuf),
    /// The default theme built into the binary (`builtin.rs`).
    BuiltIn,
}

/// Where a static file's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaticSource {
    /// A file on disk (the theme folder's or the site's `static/`).
    Disk(PathBuf),
    /// A file of the built-in theme.
    Embedded(&'static [u8]),
}

/// One template as loaded: its name, the file it came from (as shown in messages) and text.
#[derive(Debug, Clone, Copy)]
pub struct TemplateSource<'a> {
    pub name: &'a str,
    /// Relative to the site root, or under `(built-in theme)/` for the built-in theme's.
    pub path: &'a Path,
    pub text: &'a str,
    /// From the built-in theme (its identity is `builtin::fingerprint()`).
    pub built_in: bool,
}

/// A loaded theme: its Tera instance and where each template came from.
pub struct Theme {
    pub tera: Tera,
    /// Template name → (file relative to the site root, its text).
    files: BTreeMap<String, (PathBuf, Arc<str>)>,
    base: Base,
}

impl Theme {
    /// Load `themes/<name>/templates/` (or, for `default` without that folder, the built-in
    /// theme) and the site's own `templates/` on top.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
        let theme_dir = root.join("themes").join(name);
        let base = if theme_dir.is_dir() {
            Base::Folder(theme_dir.clone())
        } else if name == builtin::NAME {
            Base::BuiltIn
        } else {
            let mut available = list_dirs(&root.join("themes"));
            if !available.iter().any(|n| n == builtin::NAME) {
                available.push(format!("{} (built in)", builtin::NAME));
            }
            return Err(
                Diagnostic::error(format!("theme `{name}` not found in `themes/`"))
                    .in_file("config.toml")
                    .help(format!(
                        "themes available: {}; a theme is a folder `themes/<name>/templates/`",
                        available.join(", ")
                    )),
            );
        };
        let mut files = BTreeMap::new();
        match &base {
            Base::Folder(dir) => read_templates(root, &dir.join("templates"), &mut files)?,
            Base::BuiltIn => {
                for (name, text) in builtin::TEMPLATES {
                    let shown = Path::new(builtin::SHOWN_AS).join("templates").join(name);
                    files.insert(name.to_string(), (shown, Arc::from(*text)));
                }
            }
        }
        read_templates(root, &root.join("templates"), &mut files)?;
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
        let result = tera.add_raw_templates(
            files
                .iter()
                .map(|(n, (_, text))| (n.as_str(), text.as_ref())),
        );
        let theme = Theme { tera, files, base };
        match result {
            Ok(()) => Ok(theme),
            Err(e) => Err(theme.diagnostic(&e)),
        }
    }

    /// Every template as loaded, by name: for hashing them and for messages.
    pub fn templates(&self) -> impl Iterator<Item = TemplateSource<'_>> {
        let built_in = Path::new(builtin::SHOWN_AS);
        self.files
            .iter()
            .map(move |(name, (path, text))| TemplateSource {
                name,
                path,
                text,
                built_in: path.starts_with(built_in),
            })
    }

    /// A content hash of every template (name, origin, text): changes when any does.
    pub fn fingerprint(&self) -> u64 {
        let mut hash = builtin::Fnv::default();
        for t in self.templates() {
            for part in [t.name, &crate::diagnostics::display_path(t.path), t.text] {
                hash.write(&(part.len() as u64).to_le_bytes());
                hash.write(part.as_bytes());
            }
        }
        hash.0
    }

    /// The static files of the output: output path (under the output root) → source, the
    /// theme's first, the site's `static/` on top (it wins on a clash), sorted by path.
    pub fn static_files(&self, root: &Path) -> Result<Vec<(String, StaticSource)>, Diagnostic> {
        let mut files = BTreeMap::new();
        match &self.base {
            Base::Folder(dir) => add_static_dir(root, &dir.join("static"), &mut files)?,
            Base::BuiltIn => {
                for (path, bytes) in builtin::STATIC {
                    let rel = path.strip_prefix("static/").unwrap_or(path);
                    files.insert(rel.to_string(), StaticSource::Embedded(bytes));
                }
            }
        }
        add_static_dir(root, &root.join("static"), &mut files)?;
        Ok(files.into_iter().collect())
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

/// Static files split the way the build pipeline copies them: files on disk (output path →
/// file) and built-in ones (output path → bytes, written like generated files).
pub fn split_static(
    files: Vec<(String, StaticSource)>,
) -> (BTreeMap<String, PathBuf>, BTreeMap<String, Vec<u8>>) {
    let mut disk = BTreeMap::new();
    let mut embedded = BTreeMap::new();
    for (rel, source) in files {
        match source {
            StaticSource::Disk(path) => {
                disk.insert(rel, path);
            }
            StaticSource::Embedded(bytes) => {
                embedded.insert(rel, bytes.to_vec());
            }
        }
    }
    (disk, embedded)
}

/// Every file under `dir` (when it exists) as a static file, over what `files` holds.
fn add_static_dir(
    root: &Path,
    dir: &Path,
    files: &mut BTreeMap<String, StaticSource>,
) -> Result<(), Diagnostic> {
    if !dir.is_dir() {
        return Ok(());
    }
    let list = crate::output::files_under(dir).map_err(|e| {
        Diagnostic::error(format!("cannot read static files: {e}")).in_file(relative(root, dir))
    })?;
    files.extend(
        list.into_iter()
            .map(|(path, rel)| (rel, StaticSource::Disk(path))),
    );
    Ok(())
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
