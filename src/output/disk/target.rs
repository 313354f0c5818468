//! Which output folders a build may replace: never the site, its sources, a git repository's
//! own folder or a file; a folder folio did not write only with `--force` (`ownership`).

use std::fs;
use std::path::Path;

use super::{ownership, place};
use crate::diagnostics::Diagnostic;

/// Refuse an output that would destroy what folio did not write: the site folder itself, a
/// folder that contains it or the current folder, one of its source folders, a git
/// repository's own folder, an existing file, or (unless `force`) a folder with files that
/// folio did not write (`ownership`). A linked output is judged by the folder it leads to.
pub fn check_target(root: &Path, target: &Path, force: bool) -> Result<(), Diagnostic> {
    let refuse = |why: &str| {
        Err(Diagnostic::error(format!(
            "refusing to write the site into `{}`: {why}",
            crate::diagnostics::display_path(target)
        ))
        .help("choose an output folder of its own, like `--output public`"))
    };
    if target.is_file() {
        return refuse("it is a file, not a folder");
    }
    let (Ok(root), Ok(out)) = (fs::canonicalize(root), place::resolve(target)) else {
        return Ok(());
    };
    if out == root || root.starts_with(&out) {
        return refuse("it holds the site's own files, which a build replaces");
    }
    if std::env::current_dir().is_ok_and(|cwd| cwd.starts_with(&out)) {
        return refuse("it holds the current folder, which a build would replace");
    }
    for source in ["content", "templates", "themes", "static", "config.toml"] {
        if out.starts_with(root.join(source)) {
            return refuse(&format!("it is inside the site's `{source}`"));
        }
    }
    if out.components().any(|c| c.as_os_str() == ".git") || is_git_folder(&out) {
        return refuse("it is a git repository's own folder");
    }
    ownership::check_owned(&out, target, force)
}

/// Whether `dir` looks like a git repository's own folder (`HEAD`, `objects/`, `refs/`).
fn is_git_folder(dir: &Path) -> bool {
    dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir()
}
