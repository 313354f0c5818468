//! A long-lived build for `serve --watch`: keeps config, theme, content and the rendered site
//! in memory and, when files change, redoes only what they touch. Editing one article's body
//! re-reads that file alone, re-renders its body, and re-renders just the pages whose
//! content differs (its page, the lists and More-articles blocks that show it).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::build::{self, BodyCache, Prepared};
use crate::config::Config;
use crate::content::{self, Content, SourceFile};
use crate::diagnostics::Diagnostic;
use crate::related::TermCache;
use crate::render::{PageJob, Theme};
use crate::site::BuildOptions;

/// The whole output as served: path → bytes.
pub type Files = BTreeMap<String, Arc<[u8]>>;

/// One output file: its path and bytes.
pub type OutFile = (String, Arc<[u8]>);

/// What a change did to the output.
#[derive(Debug, Default)]
pub struct Update {
    /// Files written or rewritten, with their new bytes.
    pub changed: Vec<OutFile>,
    /// Files that no longer exist.
    pub removed: Vec<String>,
    /// Only stylesheets changed: browsers can swap them without reloading.
    pub css_only: bool,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
}

/// Which part of the site a changed path belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Change {
    /// Config or templates: reload them and rebuild everything.
    Everything,
    /// Files under `content/` other than articles (images beside folder articles).
    ContentTree,
    /// One article file (created, edited or deleted).
    Article(PathBuf),
    /// A static file.
    Static,
}

struct State {
    config: Config,
    theme: Arc<Theme>,
    /// Every article file as last read (good or not), by path.
    files: BTreeMap<PathBuf, Result<SourceFile, Diagnostic>>,
    /// Problems of the content tree itself (unreadable folders, symlink loops).
    tree_errors: Vec<Diagnostic>,
}

/// The in-memory site and what it was built from.
pub struct Session {
    root: PathBuf,
    base_url: Option<String>,
    options: BuildOptions,
    state: Option<State>,
    /// The last good build.
    good: Option<Prepared>,
    output: Files,
    /// Static files and article assets as last read; read again only when they change.
    statics: Vec<OutFile>,
    /// The last reload of config or templates failed.
    retry_full: bool,
    /// Word counts of every article for ranking More articles, reused when unchanged.
    terms: TermCache,
}

impl Session {
    pub fn new(root: &Path, base_url: Option<String>, options: BuildOptions) -> Session {
        Session {
            root: root.to_path_buf(),
            base_url,
            options,
            state: None,
            good: None,
            output: Files::new(),
            statics: Vec::new(),
            retry_full: false,
            terms: TermCache::default(),
        }
    }

    /// The last good output.
    pub fn output(&self) -> &Files {
        &self.output
    }

    /// Articles in the last good build.
    pub fn article_count(&self) -> usize {
        self.good.as_ref().map_or(0, |p| p.site.articles.len())
    }

    /// Load everything and render the whole site.
    pub fn build_all(&mut self) -> Result<Update, Vec<Diagnostic>> {
        self.apply(&[self.root.join("config.toml")])
    }

    /// Rebuild after `paths` (absolute, or relative to the root) changed on disk.
    pub fn apply(&mut self, paths: &[PathBuf]) -> Result<Update, Vec<Diagnostic>> {
        let started = Instant::now();
        let mut changes: Vec<Change> = paths.iter().filter_map(|p| self.classify(p)).collect();
        changes.sort();
        changes.dedup();
        if changes.is_empty() {
            return Ok(Update {
                elapsed: started.elapsed(),
                ..Update::default()
            });
        }
        // New templates can change any page: then every page is rendered again.
        let full = self.state.is_none() || self.retry_full || changes.contains(&Change::Everything);
        if full {
            // Until config and templates load again, every change retries them.
            self.retry_full = true;
            self.reload_everything()?;
            self.retry_full = false;
        } else if changes.contains(&Change::ContentTree) {
            self.reload_content();
        } else {
            self.reread_articles(&changes);
        }
        let mut phase = build::phase_timer();
        phase("reread");
        let state = self.state.as_ref().ok_or_else(Vec::new)?;
        let loaded = Content {
            files: state
                .files
                .values()
                .filter_map(|f| f.as_ref().ok().cloned())
                .collect(),
            diagnostics: state
                .files
                .values()
                .filter_map(|f| f.as_ref().err().cloned())
                .chain(state.tree_errors.iter().cloned())
                .collect(),
        };
        let cache = self
            .good
            .as_ref()
            .map(BodyCache::from_prepared)
            .unwrap_or_default();
        let prepared = build::assemble(
            &self.root,
            state.config.clone(),
            state.theme.clone(),
            loaded,
            &self.options,
            &cache,
            &mut self.terms,
        )?;
        prepared.media.make(&self.root)?;
        let files_changed = changes.iter().any(|c| !matches!(c, Change::Article(_)));
        if files_changed || self.good.is_none() {
            self.statics = self.read_statics(&prepared)?;
        }
        phase("assemble");
        let mut update = self.render_changes(&prepared, full)?;
        phase("render changes");
        update.warnings = prepared.warnings.clone();
        update.elapsed = started.elapsed();
        for (path, bytes) in &update.changed {
            self.output.insert(path.clone(), bytes.clone());
        }
        for path in &update.removed {
            self.output.remove(path);
        }
        self.good = Some(prepared);
        Ok(update)
    }

    fn classify(&self, path: &Path) -> Option<Change> {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        let name = rel.file_name()?.to_string_lossy();
        if content::is_ignored_name(&name) {
            return None;
        }
        let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
        let first = parts.next()?;
        Some(match first.as_ref() {
            "config.toml" if rel.components().count() == 1 => Change::Everything,
            "templates" => Change::Everything,
            "themes" => match (parts.next(), parts.next().as_deref()) {
                (Some(_), Some("static")) => Change::Static,
                _ => Change::Everything,
            },
            "static" => Change::Static,
            "content" if rel.extension().is_some_and(|e| e == "md") => {
                Change::Article(rel.to_path_buf())
            }
            "content" => Change::ContentTree,
            _ => return None,
        })
    }

    fn reload_everything(&mut self) -> Result<(), Vec<Diagnostic>> {
        let config = build::load_config(&self.root, self.base_url.as_deref())?;
        let theme = Theme::load(&self.root, &config.theme)
            .map_err(|d| vec![build::locate_theme_error(&config, d)])?;
        self.state = Some(State {
            config,
            theme: Arc::new(theme),
            files: BTreeMap::new(),
            tree_errors: Vec::new(),
        });
        self.reload_content();
        Ok(())
    }

    fn reload_content(&mut self) {
        let Some(state) = self.state.as_mut() else {
            return;
        };
        let loaded = content::load(&self.root);
        let mut files: BTreeMap<PathBuf, Result<SourceFile, Diagnostic>> = BTreeMap::new();
        for f in loaded.files {
            files.insert(f.path.clone(), Ok(f));
        }
        let mut tree_errors = Vec::new();
        for d in loaded.diagnostics {
            match d
                .file
                .clone()
                .filter(|p| p.extension().is_some_and(|e| e == "md"))
            {
                Some(path) => {
                    files.insert(path, Err(d));
                }
                None => tree_errors.push(d),
            }
        }
        state.files = files;
        state.tree_errors = tree_errors;
    }

    /// Re-read only the article files that changed; a new or deleted file is added or dropped.
    fn reread_articles(&mut self, changes: &[Change]) {
        let root = self.root.clone();
        let Some(state) = self.state.as_mut() else {
            return;
        };
        for change in changes {
            let Change::Article(rel) = change else {
                continue;
            };
            if !root.join(rel).is_file() {
                state.files.remove(rel);
                continue;
            }
            let assets = match state.files.get(rel) {
                Some(Ok(f)) => f.assets.clone(),
                _ => Vec::new(),
            };
            state
                .files
                .insert(rel.clone(), content::read_one(&root, rel, assets));
        }
    }

    /// Render the pages whose content differs from the last good build, and the other files.
    fn render_changes(&self, new: &Prepared, full: bool) -> Result<Update, Vec<Diagnostic>> {
        let new_model = new.model();
        let old = self.good.as_ref();
        let old_model = old.map(Prepared::model);
        let everything = full
            || old_model
                .as_ref()
                .is_none_or(|m| !new_model.same_globals(m));
        let old_jobs: HashMap<String, PageJob> = old_model
            .as_ref()
            .map(|m| {
                m.jobs()
                    .into_iter()
                    .map(|j| (m.output_path(&j), j))
                    .collect()
            })
            .unwrap_or_default();
        let jobs = new_model.jobs();
        let dirty: Vec<(&PageJob, String)> = jobs
            .iter()
            .map(|j| (j, new_model.output_path(j)))
            .filter(|(job, path)| {
                everything
                    || match (old_jobs.get(path), &old_model) {
                        (Some(old_job), Some(old)) => !new_model.same_page(job, old, old_job),
                        _ => true,
                    }
            })
            .collect();
        let rendered: Vec<Result<OutFile, Diagnostic>> = dirty
            .par_iter()
            .map(|(job, path)| {
                new_model
                    .render(&new.theme, job)
                    .map(|html| (path.clone(), Arc::from(html.into_bytes())))
            })
            .collect();
        let mut files: Vec<OutFile> = Vec::new();
        let mut errors = Vec::new();
        for r in rendered {
            match r {
                Ok(f) => files.push(f),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            errors.dedup_by(|a, b| a.render_plain() == b.render_plain());
            return Err(errors);
        }
        for (path, bytes) in new_model.extra_files().map_err(|d| vec![d])? {
            files.push((path.to_string(), Arc::from(bytes)));
        }
        for (path, bytes) in &new.generated {
            files.push((path.clone(), Arc::from(bytes.as_slice())));
        }
        files.extend(self.statics.iter().cloned());
        // Keep only files whose bytes differ from what is served now.
        let mut update = Update::default();
        let mut live: std::collections::HashSet<String> =
            jobs.iter().map(|j| new_model.output_path(j)).collect();
        live.extend(files.iter().map(|(p, _)| p.clone()));
        for (path, bytes) in files {
            if self.output.get(&path) != Some(&bytes) {
                update.changed.push((path, bytes));
            }
        }
        update.removed = self
            .output
            .keys()
            .filter(|p| !live.contains(*p))
            .cloned()
            .collect();
        update.css_only = !update.changed.is_empty()
            && update.removed.is_empty()
            && update.changed.iter().all(|(p, _)| p.ends_with(".css"));
        Ok(update)
    }

    /// Static files and article assets, read from disk.
    fn read_statics(&self, p: &Prepared) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
        let mut out = Vec::new();
        let read = |path: &Path| -> Result<Arc<[u8]>, Vec<Diagnostic>> {
            std::fs::read(path).map(Arc::from).map_err(|e| {
                vec![Diagnostic::io(
                    &content::relative(&self.root, path),
                    "read",
                    &e,
                )]
            })
        };
        for (rel, path) in p.copied_files() {
            out.push((rel.clone(), read(path)?));
        }
        Ok(out)
    }
}
