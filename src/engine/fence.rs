//! The site's fence: a symbolic link may be followed only when it leads to a place inside the
//! site folder. Content is untrusted, and a link to `/proc/self/environ` or `~/.ssh` must
//! never be read into the output or into a message.

use std::path::Path;

use crate::content::relative;
use crate::diagnostics::{Diagnostic, display_path};

/// `Ok` when `link` (a path under `root`, which is absolute with its own links resolved)
/// resolves to a place inside `root`, or does not resolve at all (a broken link is reported
/// by whoever reads it). The message names the link, never where it leads.
pub fn check_link(root: &Path, link: &Path) -> Result<(), Diagnostic> {
    match std::fs::canonicalize(link) {
        Ok(target) if target.starts_with(root) => Ok(()),
        Ok(_) => Err(Diagnostic::error(
            "symbolic link leads outside the site folder: refused",
        )
        .in_file(relative(root, link))
        .help(format!(
            "folio reads nothing outside the site; copy the file into the site instead of linking `{}`",
            display_path(&relative(root, link))
        ))),
        Err(_) => Ok(()),
    }
}
