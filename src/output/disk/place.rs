//! Where the output really is. An output that is a symbolic link (`public -> /srv/site`) is
//! built at the link's target: the staging folder goes beside the target and is swapped in
//! there, so the link stays and whatever serves the target sees the new site.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Links followed before giving up (as the kernel does, `ELOOP`).
const MAX_LINKS: usize = 40;

/// `target`, absolute, with the links on it (and on the output itself) resolved. A link
/// whose target does not exist yet resolves to that target, which the build creates.
pub fn resolve(target: &Path) -> io::Result<PathBuf> {
    let mut path = std::path::absolute(target)?;
    for _ in 0..MAX_LINKS {
        let is_link = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            return resolve_existing_part(&path);
        }
        let link = fs::read_link(&path)?;
        let parent = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        path = std::path::absolute(parent.join(link))?;
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// `path` with its longest existing ancestor's links resolved.
fn resolve_existing_part(path: &Path) -> io::Result<PathBuf> {
    let mut existing = path;
    let mut rest = Vec::new();
    while fs::symlink_metadata(existing).is_err() {
        rest.push(existing.file_name().unwrap_or_default().to_owned());
        existing = existing.parent().unwrap_or(Path::new("/"));
    }
    let mut out = fs::canonicalize(existing)?;
    out.extend(rest.iter().rev());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_linked_output_resolves_to_its_target_existing_or_not() {
        let tmp = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(tmp.path()).unwrap();
        fs::create_dir_all(real.join("srv/site")).unwrap();
        symlink("srv/site", real.join("public")).unwrap();
        assert_eq!(
            resolve(&real.join("public")).unwrap(),
            real.join("srv/site")
        );
        symlink(real.join("srv/new"), real.join("fresh")).unwrap();
        assert_eq!(resolve(&real.join("fresh")).unwrap(), real.join("srv/new"));
        assert_eq!(resolve(&real.join("a/b")).unwrap(), real.join("a/b"));
        symlink("loop", real.join("loop")).unwrap();
        assert!(resolve(&real.join("loop")).is_err());
    }
}
