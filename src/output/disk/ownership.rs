//! Which output folders a build may replace, and what it keeps of them. Every output folio
//! writes holds a mark file, `.folio-output`; a folder with other files and no mark is not
//! folio's, and is replaced only with `--force`. Top-level entries whose names start with a
//! dot and that folio did not write (a gh-pages worktree's `.git`, `.nojekyll`, a host's
//! `.well-known`) are carried into each new build, so they survive it.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::Path;

use crate::diagnostics::{Diagnostic, display_path};

/// The file that marks a folder as folio's output.
pub const MARK: &str = ".folio-output";

/// The mark's text; the names of the dot entries the build wrote follow, one a line.
const MARK_TEXT: &str = "\
This folder is written by `folio build`: each build replaces everything in it, except
entries at this level whose names start with a dot and that folio did not write (such as
`.git`). The dot entries folio wrote, replaced by each build, are:
";

/// Refuse to replace `target` unless folio wrote it (it holds the mark), it holds nothing
/// but dot entries (which are kept), it does not exist yet, or `force`. Messages name it
/// as `shown` (as given on the command line).
pub fn check_owned(target: &Path, shown: &Path, force: bool) -> Result<(), Diagnostic> {
    if force || target.join(MARK).is_file() {
        return Ok(());
    }
    let Ok(entries) = fs::read_dir(target) else {
        return Ok(());
    };
    let foreign = entries
        .flatten()
        .filter(|e| !is_dot_name(&e.file_name()))
        .count();
    if foreign == 0 {
        return Ok(());
    }
    Err(Diagnostic::error(format!(
        "refusing to replace `{}`: folio did not write this folder (it has no `{MARK}` file), and a build replaces all {foreign} file(s) and folder(s) in it",
        display_path(shown)
    ))
    .help("choose another `--output`, or empty the folder; `--force` replaces its files (names starting with a dot at its top level, like `.git`, are kept). An output built by a folio older than this mark needs `--force` once"))
}

/// Mark `staging` as folio's output, listing the dot entries the build wrote at its top.
#[cfg(test)]
pub fn write_mark(staging: &Path) -> io::Result<()> {
    super::durable::write(&staging.join(MARK), mark_text(staging)?.as_bytes())
}

/// The mark of `staging`: what it says, and the dot entries the build wrote at its top.
pub fn mark_text(staging: &Path) -> io::Result<String> {
    let mut text = MARK_TEXT.to_string();
    for name in dot_entries(staging)? {
        if name != MARK {
            text.push_str(&name.to_string_lossy());
            text.push('\n');
        }
    }
    Ok(text)
}

/// Move the entries of `target` that survive a build into `staging` (which replaces it):
/// dot entries folio did not write and the new build does not have. Returns their names,
/// for `give_back` if the swap fails. On failure nothing stays moved.
pub fn carry(target: &Path, staging: &Path) -> io::Result<Vec<OsString>> {
    let written = written_by_folio(target);
    let mut moved = Vec::new();
    for name in dot_entries(target)? {
        if name == MARK || written.contains(&name) || staging.join(&name).exists() {
            continue;
        }
        if let Err(e) = fs::rename(target.join(&name), staging.join(&name)) {
            give_back(staging, target, &moved);
            return Err(e);
        }
        moved.push(name);
    }
    Ok(moved)
}

/// Move `names` back from `staging` into `target`. True when all went back.
pub fn give_back(staging: &Path, target: &Path, names: &[OsString]) -> bool {
    names
        .iter()
        .filter(|name| fs::rename(staging.join(name), target.join(name)).is_err())
        .count()
        == 0
}

/// Before a build killed mid-swap has its leftover folder removed: put back into `target`
/// the kept entries the folder may hold (carried into it just before the swap).
pub fn rescue(leftover: &Path, target: &Path) {
    if !leftover.join(MARK).is_file() || !target.is_dir() {
        return;
    }
    let written = written_by_folio(leftover);
    for name in dot_entries(leftover).unwrap_or_default() {
        if name != MARK && !written.contains(&name) && !target.join(&name).exists() {
            let _ = fs::rename(leftover.join(&name), target.join(&name));
        }
    }
}

/// Names of the dot entries the build that wrote `dir` listed in its mark.
fn written_by_folio(dir: &Path) -> BTreeSet<OsString> {
    let text = fs::read_to_string(dir.join(MARK)).unwrap_or_default();
    text.lines()
        .filter(|l| l.starts_with('.'))
        .map(OsString::from)
        .collect()
}

/// Names at the top of `dir` that start with a dot, sorted.
fn dot_entries(dir: &Path) -> io::Result<Vec<OsString>> {
    let mut names: Vec<OsString> = fs::read_dir(dir)?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<io::Result<_>>()?;
    names.retain(|n| is_dot_name(n));
    names.sort();
    Ok(names)
}

fn is_dot_name(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_marked_empty_or_dot_only_folders_are_taken_without_force() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        assert!(check_owned(&out, &out, false).is_ok(), "a missing folder");
        fs::create_dir_all(out.join(".git")).unwrap();
        assert!(check_owned(&out, &out, false).is_ok(), "only dot entries");
        fs::write(out.join("notes.txt"), "mine").unwrap();
        let err = check_owned(&out, &out, false).unwrap_err();
        assert!(
            err.message.contains("folio did not write"),
            "{}",
            err.message
        );
        assert!(check_owned(&out, &out, true).is_ok());
        fs::write(out.join(MARK), MARK_TEXT).unwrap();
        assert!(check_owned(&out, &out, false).is_ok());
    }

    #[test]
    fn dot_entries_folio_did_not_write_are_carried_over() {
        let tmp = tempfile::tempdir().unwrap();
        let (target, staging) = (tmp.path().join("public"), tmp.path().join("staging"));
        for dir in [".git", ".well-known", ".folio-built"] {
            fs::create_dir_all(target.join(dir)).unwrap();
        }
        fs::write(target.join(MARK), format!("{MARK_TEXT}.folio-built\n")).unwrap();
        fs::create_dir_all(staging.join(".well-known")).unwrap();
        write_mark(&staging).unwrap();
        assert!(
            fs::read_to_string(staging.join(MARK))
                .unwrap()
                .ends_with("\n.well-known\n")
        );
        let moved = carry(&target, &staging).unwrap();
        assert_eq!(moved, [OsString::from(".git")]);
        assert!(staging.join(".git").is_dir() && !target.join(".git").exists());
        assert!(give_back(&staging, &target, &moved));
        assert!(target.join(".git").is_dir());
    }

    #[test]
    fn rescue_puts_carried_entries_back() {
        let tmp = tempfile::tempdir().unwrap();
        let (target, leftover) = (tmp.path().join("public"), tmp.path().join("left"));
        fs::create_dir_all(&target).unwrap();
        fs::create_dir_all(leftover.join(".git")).unwrap();
        fs::create_dir_all(leftover.join(".own")).unwrap();
        fs::write(leftover.join(MARK), format!("{MARK_TEXT}.own\n")).unwrap();
        rescue(&leftover, &target);
        assert!(target.join(".git").is_dir() && !target.join(".own").exists());
    }
}
