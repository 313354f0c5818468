//! Putting the site on disk: everything goes into a staging folder beside the output, which
//! replaces the output only once the whole build succeeded. A failed or killed build leaves
//! the previous output exactly as it was.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// Staging folders are named `.<output name>.folio-staging-<pid>` beside the output.
const STAGING_MARK: &str = ".folio-staging-";
const OLD_MARK: &str = ".folio-old-";

/// A build's output in progress.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
}

impl Staging {
    /// Create a fresh staging folder for `target`, first removing any left by builds that
    /// were killed.
    pub fn create(target: &Path) -> Result<Staging, Diagnostic> {
        let parent = parent_of(target);
        fs::create_dir_all(&parent)
            .map_err(|e| Diagnostic::io(&parent, "create the output's folder", &e))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        remove_leftovers(&parent, &name);
        let dir = parent.join(format!(".{name}{STAGING_MARK}{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)
                .map_err(|e| Diagnostic::io(&dir, "clear the staging folder", &e))?;
        }
        fs::create_dir(&dir).map_err(|e| Diagnostic::io(&dir, "create the staging folder", &e))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
        })
    }

    /// Write `bytes` at `rel` (a `/`-separated path inside the output).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.path_of(rel)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::io(Path::new(rel), "create folder for", &e))?;
        }
        fs::write(&path, bytes).map_err(|e| Diagnostic::io(&self.target.join(rel), "write", &e))
    }

    /// Copy the file `from` to `rel` inside the output.
    pub fn copy(&self, from: &Path, rel: &str) -> Result<(), Diagnostic> {
        let path = self.path_of(rel)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::io(Path::new(rel), "create folder for", &e))?;
        }
        fs::copy(from, &path).map(|_| ()).map_err(|e| {
            // A source that vanished is the writer's file to fix; otherwise the output failed.
            if from.exists() {
                Diagnostic::io(&self.target.join(rel), "write (copying a static file)", &e)
            } else {
                Diagnostic::io(&shown(from), "read (it vanished during the build)", &e)
            }
        })
    }

    /// Put the cache entry `from` at `rel` as a hard link: no bytes copied, and deleting the
    /// output later frees nothing but names. Cache entries never change once written (a new
    /// version is a new entry), so the link is as good as a copy. Copies where a link cannot
    /// be made (another file system).
    pub fn link(&self, from: &Path, rel: &str) -> Result<(), Diagnostic> {
        let path = self.path_of(rel)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::io(Path::new(rel), "create folder for", &e))?;
        }
        match fs::hard_link(from, &path) {
            Ok(()) => Ok(()),
            Err(_) => self.copy(from, rel),
        }
    }

    fn path_of(&self, rel: &str) -> Result<PathBuf, Diagnostic> {
        let p = Path::new(rel);
        if p.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(Diagnostic::error(format!(
                "refusing to write outside the output: `{rel}`"
            )));
        }
        Ok(self.dir.join(p))
    }

    /// Swap the staging folder in as the output, in one atomic step where the system allows
    /// (Linux `RENAME_EXCHANGE`): there is no moment without an output, even if the build is
    /// killed. Elsewhere the old output is moved aside first and put back if the swap fails.
    pub fn commit(self) -> Result<(), Diagnostic> {
        let result = self.swap();
        if result.is_err() {
            let _ = fs::remove_dir_all(&self.dir);
        }
        result
    }

    fn swap(&self) -> Result<(), Diagnostic> {
        let failed = |e: &io::Error| {
            let d = Diagnostic::io(&self.target, "move the new output into place", e);
            if e.kind() == io::ErrorKind::ResourceBusy {
                d.help("the output folder is a mount point, which cannot be replaced: build into a folder inside it")
            } else {
                d
            }
        };
        if !self.target.exists() {
            return fs::rename(&self.dir, &self.target).map_err(|e| failed(&e));
        }
        if exchange(&self.dir, &self.target).map_err(|e| failed(&e))? {
            // `self.dir` now holds the previous output.
            let _ = fs::remove_dir_all(&self.dir);
            return Ok(());
        }
        let parent = parent_of(&self.target);
        let name = self
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let old = parent.join(format!(".{name}{OLD_MARK}{}", std::process::id()));
        fs::rename(&self.target, &old).map_err(|e| failed(&e))?;
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            let _ = fs::rename(&old, &self.target);
            return Err(failed(&e));
        }
        let _ = fs::remove_dir_all(&old);
        Ok(())
    }

    /// Throw the staging folder away (the build failed).
    pub fn discard(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// `path` relative to the current folder when it lies inside it, for messages.
fn shown(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

/// Remove what killed builds left beside `target`, before anything else happens.
pub fn clean_leftovers(target: &Path) {
    if let Some(name) = target.file_name() {
        remove_leftovers(&parent_of(target), &name.to_string_lossy());
    }
}

fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Swap two folders atomically. `Ok(false)` where the system cannot (then the caller swaps
/// in two steps).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Refuse an output that would destroy the site: the site folder itself, a folder that
/// contains it, one of its source folders, or an existing file.
pub fn check_target(root: &Path, target: &Path) -> Result<(), Diagnostic> {
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
    let (Ok(root), Ok(out)) = (fs::canonicalize(root), absolute_resolved(target)) else {
        return Ok(());
    };
    if out == root || root.starts_with(&out) {
        return refuse("it holds the site's own files, which a build replaces");
    }
    for source in ["content", "templates", "themes", "static", "config.toml"] {
        if out.starts_with(root.join(source)) {
            return refuse(&format!("it is inside the site's `{source}`"));
        }
    }
    Ok(())
}

/// `path` made absolute, with its longest existing ancestor's symlinks resolved.
fn absolute_resolved(path: &Path) -> io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        rest.push(existing.file_name().unwrap_or_default().to_owned());
        existing = existing.parent().unwrap_or(Path::new("/"));
    }
    let mut out = fs::canonicalize(existing)?;
    out.extend(rest.iter().rev());
    Ok(out)
}

/// Remove staging and old-output folders of `name` left by killed builds, except ones that
/// belong to a build still running (its pid is alive).
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name: OsString = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let Some(rest) = file_name.strip_prefix(&format!(".{name}")) else {
            continue;
        };
        let pid = rest
            .strip_prefix(STAGING_MARK)
            .or_else(|| rest.strip_prefix(OLD_MARK));
        if let Some(pid) = pid.and_then(|p| p.parse::<u32>().ok())
            && (pid == std::process::id() || !process_alive(pid))
        {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether a build with this pid may still be running (a killed, unreaped zombie is not).
fn process_alive(pid: u32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command name in parentheses: `123 (folio) Z ...`.
        Ok(stat) => !matches!(
            stat.rsplit(')')
                .next()
                .map(str::trim_start)
                .and_then(|s| s.chars().next()),
            Some('Z' | 'X')
        ),
        Err(_) => !Path::new("/proc").is_dir(),
    }
}

/// Every file under `dir`, as (absolute path, `/`-separated path relative to `dir`), sorted.
pub fn files_under(dir: &Path) -> io::Result<Vec<(PathBuf, String)>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_file() {
            let name = entry.file_name().to_string_lossy();
            if crate::content::is_ignored_name(&name) {
                continue;
            }
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            out.push((
                entry.path().to_path_buf(),
                crate::diagnostics::display_path(rel),
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_previous_output_and_leaves_no_staging() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("old.html"), "old").unwrap();
        let staging = Staging::create(&target).unwrap();
        staging.write("a/index.html", b"new").unwrap();
        staging.commit().unwrap();
        assert_eq!(
            fs::read_to_string(target.join("a/index.html")).unwrap(),
            "new"
        );
        assert!(!target.join("old.html").exists());
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["public"]);
    }

    #[test]
    fn discard_keeps_previous_output() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("old.html"), "old").unwrap();
        let staging = Staging::create(&target).unwrap();
        staging.write("new.html", b"new").unwrap();
        staging.discard();
        assert_eq!(fs::read_to_string(target.join("old.html")).unwrap(), "old");
        assert!(!target.join("new.html").exists());
    }

    #[test]
    fn leftovers_of_dead_builds_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let stale = tmp.path().join(".public.folio-staging-999999999");
        fs::create_dir_all(&stale).unwrap();
        let staging = Staging::create(&tmp.path().join("public")).unwrap();
        assert!(!stale.exists());
        staging.discard();
    }

    #[test]
    fn paths_cannot_escape_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::create(&tmp.path().join("public")).unwrap();
        assert!(staging.write("../evil", b"x").is_err());
        assert!(staging.write("/etc/x", b"x").is_err());
        staging.discard();
    }
}
