//! Running `folio` as the unprivileged user `nobody`, for the tests that need permission
//! bits to hold (a mode-000 file, a read-only folder) when the tests run as root, for whom
//! they do not. `setpriv` (util-linux) drops to `nobody`'s ids; the site is handed to
//! `nobody` first, so that it can read the site and write the output as its owner would.

use std::ffi::OsStr;
use std::fs;
use std::path::Path;
use std::process::Command;

/// Where util-linux installs `setpriv`.
pub const SETPRIV: &str = "/usr/bin/setpriv";

/// The user `nobody`, as this root process can become it.
pub struct Nobody {
    uid: u32,
    gid: u32,
}

impl Nobody {
    /// `Some` when this process runs as root, so that permission bits do not stop it and the
    /// test must run `folio` as `nobody`; `None` otherwise. Panics when root cannot become
    /// `nobody` here (no `setpriv`, no `nobody` in /etc/passwd): the test cannot run.
    pub fn if_root() -> Option<Nobody> {
        if !is_root() {
            return None;
        }
        assert!(
            Path::new(SETPRIV).exists(),
            "running as root, this test runs folio as `nobody` with {SETPRIV}, which is \
             missing (apt-get install util-linux)"
        );
        let passwd = fs::read_to_string("/etc/passwd").expect("read /etc/passwd");
        let ids = passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            match fields.as_slice() {
                ["nobody", _, uid, gid, ..] => Some((uid.parse().ok()?, gid.parse().ok()?)),
                _ => None,
            }
        });
        let (uid, gid) = ids.expect("running as root, this test needs a user `nobody`");
        Some(Nobody { uid, gid })
    }

    /// Make `nobody` the owner of `dir` and everything in it (links themselves, not what
    /// they point to).
    pub fn own(&self, dir: &Path) {
        for entry in walkdir::WalkDir::new(dir) {
            let entry = entry.expect("walk the site");
            std::os::unix::fs::lchown(entry.path(), Some(self.uid), Some(self.gid))
                .unwrap_or_else(|e| panic!("chown {}: {e}", entry.path().display()));
        }
    }

    /// A command running `program` as `nobody`, with no supplementary groups.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new(SETPRIV);
        command
            .arg(format!("--reuid={}", self.uid))
            .arg(format!("--regid={}", self.gid))
            .arg("--clear-groups")
            .arg("--")
            .arg(program);
        command
    }
}

/// Whether this process runs as root (effective user id 0).
pub fn is_root() -> bool {
    fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1))
            == Some("0")
    })
}
