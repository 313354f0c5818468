//! The site fence: articles, templates and static files are read from inside the site
//! folder only. A symbolic link whose target resolves outside the site, or into one of its
//! hidden folders (`.git` holds CI credentials), is refused and never followed, so content
//! cannot publish the build machine's files. Messages name the link, never its target.

use std::path::{Component, Path, PathBuf};

use walkdir::{DirEntry, WalkDir};

use crate::content::{is_ignored_name, relative};
use crate::diagnostics::Diagnostic;

/// The site folder, resolved once, that every file read must stay inside.
#[derive(Debug, Clone)]
pub struct Fence {
    /// The root as given, for messages relative to it.
    root: PathBuf,
    /// The root with every link resolved.
    real_root: PathBuf,
}

impl Fence {
    pub fn new(root: &Path) -> Fence {
        let real_root = std::fs::canonicalize(root)
            .or_else(|_| std::path::absolute(root))
            .unwrap_or_else(|_| root.to_path_buf());
        Fence {
            root: root.to_path_buf(),
            real_root,
        }
    }

    /// `Ok` when `path` (a path under the root, as given), once every link on it is
    /// resolved, is inside the site and not in a hidden folder. A path that does not
    /// resolve (a dangling link, a file that vanished) is `Ok`: reading it fails on its own.
    pub fn check(&self, path: &Path) -> Result<(), Diagnostic> {
        let Ok(real) = std::fs::canonicalize(path) else {
            return Ok(());
        };
        let inside = real.strip_prefix(&self.real_root).is_ok_and(|rel| {
            rel.components().all(|c| match c {
                Component::Normal(name) => !name.to_string_lossy().starts_with('.'),
                _ => false,
            })
        });
        if inside {
            return Ok(());
        }
        // The target is not named: it may be a secret's path, and the CI log is public.
        Err(Diagnostic::error(
            "symbolic link to a file or folder outside the site: folio does not follow it",
        )
        .in_file(relative(&self.root, path))
        .help(
            "copy the file into the site instead; links may only point to files inside the site folder, and not into hidden folders like `.git`",
        ))
    }

    fn check_if(&self, needed: bool, path: &Path) -> Result<(), Diagnostic> {
        match needed {
            true => self.check(path),
            false => Ok(()),
        }
    }

    /// Every entry under `dir`, sorted by name, following links that stay inside the site.
    /// A link leading outside is an error item, and a linked folder outside is not entered.
    pub fn walk(&self, dir: &Path) -> Walk<'_> {
        Walk {
            fence: self,
            inner: WalkDir::new(dir)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter(),
            skip_ignored: false,
            keep_folder: None,
        }
    }
}

/// A walk of one folder inside the fence (see `Fence::walk`).
pub struct Walk<'a> {
    fence: &'a Fence,
    inner: walkdir::IntoIter,
    skip_ignored: bool,
    /// Folders with an ignored name that are walked all the same (`.well-known` in `static/`).
    keep_folder: Option<&'a dyn Fn(&Path) -> bool>,
}

impl<'a> Walk<'a> {
    /// Leave out editors' and systems' leftovers (`is_ignored_name`), files and folders alike.
    pub fn skip_ignored(mut self) -> Self {
        self.skip_ignored = true;
        self
    }

    /// With `skip_ignored`, walk the folders for which `keep` holds all the same.
    pub fn keeping_folders(mut self, keep: &'a dyn Fn(&Path) -> bool) -> Self {
        self.keep_folder = Some(keep);
        self
    }
}

impl Iterator for Walk<'_> {
    type Item = Result<DirEntry, Diagnostic>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let entry = match self.inner.next()? {
                Ok(entry) => entry,
                // A dangling link an editor left (Emacs's `.#x.md` lock) is no source.
                Err(err)
                    if self.skip_ignored
                        && err
                            .path()
                            .and_then(Path::file_name)
                            .is_some_and(|n| is_ignored_name(&n.to_string_lossy())) =>
                {
                    continue;
                }
                Err(err) => return Some(Err(walk_error(&self.fence.root, &err))),
            };
            let is_dir = entry.file_type().is_dir();
            let kept = is_dir && self.keep_folder.is_some_and(|keep| keep(entry.path()));
            if self.skip_ignored
                && entry.depth() > 0
                && is_ignored_name(&entry.file_name().to_string_lossy())
                && !kept
            {
                if is_dir {
                    self.inner.skip_current_dir();
                }
                continue;
            }
            // The walk's own folder may sit behind a link anywhere above it; below it, only
            // an entry that is itself a link can lead elsewhere.
            let may_lead_out = entry.depth() == 0 || entry.path_is_symlink();
            if let Err(refused) = self.fence.check_if(may_lead_out, entry.path()) {
                if is_dir {
                    self.inner.skip_current_dir();
                }
                return Some(Err(refused));
            }
            return Some(Ok(entry));
        }
    }
}

/// A walk error (unreadable folder, link loop, dangling link) as a diagnostic on its path.
fn walk_error(root: &Path, err: &walkdir::Error) -> Diagnostic {
    let path = err.path().map(|p| relative(root, p)).unwrap_or_default();
    if let Some(ancestor) = err.loop_ancestor() {
        return Diagnostic::error(format!(
            "symbolic link loop: this folder links back to `{}`",
            relative(root, ancestor).display()
        ))
        .in_file(path)
        .help("remove or fix the link; folio does not follow loops");
    }
    let message = match err.io_error() {
        Some(io) if io.kind() == std::io::ErrorKind::NotFound => {
            "broken symbolic link: what it points to does not exist".to_string()
        }
        Some(io) => format!("cannot read: {io}"),
        None => err.to_string(),
    };
    Diagnostic::error(message).in_file(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::symlink;

    fn site() -> (tempfile::TempDir, tempfile::TempDir) {
        let site = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        fs::create_dir_all(site.path().join("content/a")).unwrap();
        fs::write(site.path().join("content/a/index.md"), "x").unwrap();
        fs::write(outside.path().join("secret"), "s3cret").unwrap();
        (site, outside)
    }

    fn walked(fence: &Fence, dir: &Path) -> (Vec<String>, Vec<Diagnostic>) {
        let (mut ok, mut refused) = (Vec::new(), Vec::new());
        for entry in fence.walk(dir).skip_ignored() {
            match entry {
                Ok(e) => ok.push(relative(dir, e.path()).display().to_string()),
                Err(d) => refused.push(d),
            }
        }
        (ok, refused)
    }

    #[test]
    fn links_inside_the_site_are_followed() {
        let (site, _outside) = site();
        let root = site.path();
        symlink("a/index.md", root.join("content/b.md")).unwrap();
        symlink("a", root.join("content/c")).unwrap();
        let (ok, refused) = walked(&Fence::new(root), &root.join("content"));
        assert!(refused.is_empty(), "{refused:?}");
        assert!(ok.contains(&"b.md".to_string()) && ok.contains(&"c/index.md".to_string()));
    }

    #[test]
    fn links_outside_are_refused_naming_the_link_only() {
        let (site, outside) = site();
        let root = site.path();
        symlink(outside.path().join("secret"), root.join("content/a/d.svg")).unwrap();
        symlink(outside.path(), root.join("content/keys")).unwrap();
        symlink("/proc/self/environ", root.join("content/env.md")).unwrap();
        let (ok, refused) = walked(&Fence::new(root), &root.join("content"));
        assert!(
            ok.iter().all(|p| !p.contains("keys/") && p != "a/d.svg"),
            "{ok:?}"
        );
        let files: Vec<String> = refused
            .iter()
            .map(|d| d.file.clone().unwrap().display().to_string())
            .collect();
        assert_eq!(files, ["content/a/d.svg", "content/env.md", "content/keys"]);
        let shown = refused[0].render_plain();
        assert!(
            !shown.contains(&*outside.path().to_string_lossy()),
            "{shown}"
        );
    }

    #[test]
    fn links_into_hidden_folders_of_the_site_are_refused() {
        let (site, _outside) = site();
        let root = site.path();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::write(root.join(".git/config"), "token").unwrap();
        symlink("../../.git/config", root.join("content/a/config.txt")).unwrap();
        let (_, refused) = walked(&Fence::new(root), &root.join("content"));
        assert_eq!(refused.len(), 1);
    }

    #[test]
    fn a_linked_walk_root_outside_is_refused() {
        let (site, outside) = site();
        let root = site.path();
        symlink(outside.path(), root.join("static")).unwrap();
        let (ok, refused) = walked(&Fence::new(root), &root.join("static"));
        assert!(ok.is_empty());
        assert_eq!(refused.len(), 1);
        assert!(Fence::new(root).check(&root.join("static/secret")).is_err());
    }
}
