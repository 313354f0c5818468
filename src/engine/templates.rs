//! The template files a theme is compiled from, found the same way for its pages (`setup`)
//! and its markdown components (`components`): the theme's `templates/` with the site's
//! `templates/` on top, each file named by its path inside that folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::inputs::Inputs;
use crate::diagnostics::{Diagnostic, display_path};
use crate::key::Key;

/// Template name (`/`-separated) → the file's path, text and key.
pub type Files = BTreeMap<String, (PathBuf, Arc<str>, Key)>;

/// Add to `files` the templates of theme `theme` under `sub` (a folder inside the templates
/// folder, e.g. `markdown`, or all of them), then the site's own over them.
pub fn gather(
    inputs: &Inputs,
    theme: &str,
    sub: Option<&str>,
    files: &mut Files,
) -> Result<(), Diagnostic> {
    let theme_dir = Path::new("themes").join(theme).join("templates");
    for dir in [theme_dir.as_path(), Path::new("templates")] {
        let dir = sub.map_or_else(|| dir.to_path_buf(), |sub| dir.join(sub));
        for (path, rel, file) in inputs.files_under(&dir) {
            let file = file.as_ref().map_err(Clone::clone)?;
            let name = match sub {
                Some(sub) => format!("{sub}/{}", display_path(rel)),
                None => display_path(rel),
            };
            let text = file.text.clone().unwrap_or_default();
            files.insert(name, (path.to_path_buf(), text, file.key));
        }
    }
    Ok(())
}

/// What a compiled set of templates depends on: each one's name, path and key.
pub fn identity(files: &Files) -> Vec<(&String, &PathBuf, &Key)> {
    files.iter().map(|(n, (p, _, k))| (n, p, k)).collect()
}

/// The templates' names, paths and texts, to compile.
pub fn sources(files: Files) -> BTreeMap<String, (PathBuf, Arc<str>)> {
    files
        .into_iter()
        .map(|(n, (p, text, _))| (n, (p, text)))
        .collect()
}
