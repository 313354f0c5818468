//! The folders a build makes beside the output (the staging folder, the old output moved
//! aside), and removing those that killed builds left behind, before anything else happens.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use super::{ownership, place};

/// Staging folders are named `.<output name>.folio-staging-<pid>` beside the output.
pub(super) const STAGING_MARK: &str = ".folio-staging-";
/// An output moved aside during a swap: `.<output name>.folio-old-<pid>`.
pub(super) const OLD_MARK: &str = ".folio-old-";

/// Remove what killed builds left beside `target` (or beside the folder it links to),
/// before anything else happens.
pub fn clean_leftovers(target: &Path) {
    let target = place::resolve(target).unwrap_or_else(|_| target.to_path_buf());
    if let Some(name) = target.file_name() {
        remove_leftovers(&parent_of(&target), &name.to_string_lossy());
    }
}

/// The folder holding `target` (`.` for a bare name).
pub(super) fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Remove staging and old-output folders of `name` left by killed builds, except ones that
/// belong to a build still running (its pid is alive).
pub(super) fn remove_leftovers(parent: &Path, name: &str) {
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
            ownership::rescue(&entry.path(), &parent.join(name));
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
