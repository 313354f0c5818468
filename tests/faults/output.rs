//! Outputs that cannot be written: a path through a regular file, a full disk, a read-only
//! folder, a mount point. Each build fails with exit 1 and an error naming the path, and
//! leaves the previous output and no staging folder behind.
//!
//! Mounting a tmpfs needs root with `CAP_SYS_ADMIN`: without it (as the build script found
//! when the tests were compiled, `folio_can_mount`) those tests are ignored, and fail if run
//! anyway. A read-only folder stops no write by root: as root, that build runs as `nobody`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::corpus;
use crate::support::Site;

/// Why the tmpfs tests are ignored where they cannot mount.
const NEEDS_MOUNT: &str = "needs root with CAP_SYS_ADMIN: mounts a tmpfs";

/// A small tmpfs mounted at a folder; unmounted on drop.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. `2m`) at `dir`; fails the test, saying why, if it
    /// cannot.
    fn mount(dir: &Path, size: &str) -> Tmpfs {
        fs::create_dir_all(dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .unwrap_or_else(|e| panic!("cannot run mount: {e}"));
        assert!(
            out.status.success(),
            "cannot mount a tmpfs here ({NEEDS_MOUNT}): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        Tmpfs {
            dir: dir.to_path_buf(),
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

#[test]
fn output_below_a_regular_file_fails_naming_the_path() {
    let site = Site::fixture("basic");
    site.write("not-a-folder", "just a file\n");
    let out = site.build_into("not-a-folder/public", &[]);
    out.failure(1)
        .stderr_contains("not-a-folder")
        .stderr_lacks("panicked");
    assert_eq!(site.read("not-a-folder"), "just a file\n");
    assert!(!out.public.exists());
}

#[test]
#[cfg_attr(
    not(folio_can_mount),
    ignore = "needs root with CAP_SYS_ADMIN: mounts a tmpfs"
)]
fn a_full_disk_fails_naming_the_file_and_keeps_the_previous_output() {
    let site = Site::fixture("basic");
    let disk = Tmpfs::mount(&site.path("disk"), "2m");
    // The fixture fits in 2 MB; with 400 more articles the site is several times larger.
    site.build_into("disk/public", &[]).success();
    corpus::write_articles(&site.path("content/articles"), "gen", 400, 12);
    let out = site.build_into("disk/public", &[]);
    out.failure(1)
        .stderr_contains("No space left on device")
        .stderr_contains("disk/public/")
        .output_untouched();
    drop(disk);
}

#[test]
fn read_only_parent_fails_naming_the_path_and_keeps_the_previous_output() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::fixture("basic");
    site.build_into("locked/public", &[]).success();
    let locked = site.path("locked");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).expect("chmod 555");
    let out = site.build_into_unprivileged("locked/public");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).expect("chmod 755");
    out.failure(1)
        .stderr_contains("Permission denied")
        .stderr_contains("locked")
        .output_untouched();
}

#[test]
#[cfg_attr(
    not(folio_can_mount),
    ignore = "needs root with CAP_SYS_ADMIN: mounts a tmpfs"
)]
fn output_on_a_mount_point_fails_cleanly() {
    let site = Site::fixture("basic");
    let mounted = Tmpfs::mount(&site.public(), "8m");
    site.write("public/index.html", "the previous site\n");
    site.build()
        .failure(1)
        .stderr_contains("public")
        .output_untouched();
    drop(mounted);
}

#[test]
fn output_holding_the_sources_is_refused() {
    let site = Site::fixture("basic");
    let articles = site.read("content/articles/timeouts.md");
    let root = site.root().to_str().expect("UTF-8 temp path").to_owned();
    for output in [root.as_str(), "content"] {
        let out = site.run(&["build", "--root", &root, "--output", output]);
        assert!(
            matches!(out.code, Some(1 | 2)),
            "--output {output}: exit {:?}\n{}",
            out.code,
            out.stderr
        );
        assert_eq!(
            fs::read_to_string(site.path("content/articles/timeouts.md")).ok(),
            Some(articles.clone()),
            "--output {output} destroyed the articles"
        );
        assert!(site.path("config.toml").is_file(), "--output {output}");
    }
}

#[test]
fn output_that_is_a_regular_file_is_refused() {
    let site = Site::fixture("basic");
    site.write("notes.txt", "my notes\n");
    let root = site.root().to_str().expect("UTF-8 temp path").to_owned();
    let out = site.run(&["build", "--root", &root, "--output", "notes.txt"]);
    out.failure(1).stderr_contains("notes.txt");
    assert!(
        site.path("notes.txt").is_file(),
        "notes.txt is no longer a file"
    );
    assert_eq!(site.read("notes.txt"), "my notes\n");
    let hidden: Vec<_> = fs::read_dir(site.root())
        .expect("list the site")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("folio-"))
        .collect();
    assert!(hidden.is_empty(), "left beside: {hidden:?}");
}

#[test]
#[cfg_attr(
    not(folio_can_mount),
    ignore = "needs root with CAP_SYS_ADMIN: mounts a tmpfs"
)]
fn a_full_disk_while_copying_an_image_names_the_output_file() {
    let site = Site::fixture("basic");
    let disk = Tmpfs::mount(&site.path("disk"), "2m");
    let text = corpus::article("With a photo", "2025-01-01", "A big photo.", 1);
    site.write("content/articles/photo/index.md", &text);
    site.write_bytes("content/articles/photo/photo.bin", &vec![7; 3_000_000]);
    let out = site.build_into("disk/public", &[]);
    out.failure(1)
        .stderr_contains("No space left on device")
        .stderr_contains("disk/public/articles/photo/photo.bin");
    drop(disk);
}
