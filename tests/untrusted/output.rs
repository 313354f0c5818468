//! The output folder: folio replaces only a folder it wrote (marked with `.folio-output`),
//! keeps the dot files it did not write (a gh-pages worktree's `.git`), never takes a git
//! repository's folder, and updates a linked output at its target.

use std::fs;
use std::os::unix::fs::symlink;

use crate::support::{Site, normalise, read_tree};

/// A message as one line: miette wraps long ones in its gutter (`│`).
fn flat(stderr: &str) -> String {
    normalise(&stderr.replace('│', " "))
}

#[test]
fn a_folder_folio_did_not_write_is_refused_and_keeps_its_files() {
    let site = Site::fixture("basic");
    site.write("important/thesis.tex", "years of work\n");
    site.write("important/data/results.csv", "1,2,3\n");
    let before = read_tree(&site.path("important"));
    let out = site.build_into("important", &[]);
    out.failure(1).no_staging_leftovers();
    let message = flat(&out.stderr);
    assert!(message.contains("refusing to replace"), "{message}");
    assert!(
        message.contains("folio did not write this folder"),
        "{message}"
    );
    assert!(
        message.contains("`--force` replaces its files"),
        "{message}"
    );
    assert_eq!(read_tree(&site.path("important")), before);
}

#[test]
fn force_takes_a_folder_over_keeping_its_dot_files() {
    let site = Site::fixture("basic");
    site.write("out/old.html", "old\n");
    site.write("out/.git/HEAD", "ref: refs/heads/gh-pages\n");
    let out = site.build_into("out", &["--force"]);
    out.success();
    assert!(!out.exists("old.html"));
    assert!(out.exists("index.html") && out.exists(".folio-output"));
    assert_eq!(site.read("out/.git/HEAD"), "ref: refs/heads/gh-pages\n");
    // From now on the folder is folio's: no `--force` needed.
    site.build_into("out", &[]).success();
}

#[test]
fn a_git_repository_folder_is_refused_even_with_force() {
    let site = Site::fixture("basic");
    site.write(".git/HEAD", "ref: refs/heads/main\n");
    site.write(".git/objects/ab/cdef", "object\n");
    site.write(".git/refs/heads/main", "abc\n");
    let before = read_tree(&site.path(".git"));
    for flags in [&[][..], &["--force"][..]] {
        let out = site.build_into(".git", flags);
        out.failure(1);
        assert!(
            flat(&out.stderr).contains("it is a git repository's own folder"),
            "{}",
            out.stderr
        );
    }
    assert_eq!(read_tree(&site.path(".git")), before);
}

#[test]
fn dot_files_in_the_output_survive_every_rebuild() {
    let site = Site::fixture("basic");
    site.build().success();
    site.write("public/.git/HEAD", "ref: refs/heads/gh-pages\n");
    site.write("public/.nojekyll", "");
    site.write(
        "static/.well-known/security.txt",
        "Contact: mailto:sec@notes.example\n",
    );
    for _ in 0..2 {
        let out = site.build();
        out.success();
        assert_eq!(site.read("public/.git/HEAD"), "ref: refs/heads/gh-pages\n");
        assert!(out.exists(".nojekyll"));
        assert!(out.exists(".well-known/security.txt"));
        assert!(
            site.read("public/.folio-output")
                .contains("\n.well-known\n")
        );
    }
    // A dot folder folio wrote is folio's: gone once its source is.
    site.remove("static/.well-known");
    let out = site.build();
    out.success();
    assert!(!out.exists(".well-known/security.txt"));
    assert!(out.exists(".git/HEAD") && out.exists(".nojekyll"));
}

#[test]
fn a_linked_output_is_updated_at_its_target_and_stays_a_link() {
    let site = Site::fixture("basic");
    let srv = tempfile::tempdir().expect("a temp folder");
    let target = srv.path().join("site");
    symlink(&target, site.path("public")).expect("symlink");
    site.build().success();
    assert!(
        fs::symlink_metadata(site.path("public"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(target.join("index.html").is_file());
    site.edit("content/articles/timeouts.md", |t| {
        t.replace("Timeouts that hold", "Timeouts that held")
    });
    site.build().success();
    let page = fs::read_to_string(target.join("articles/timeouts/index.html")).unwrap();
    assert!(page.contains("Timeouts that held"));
    assert!(
        fs::symlink_metadata(site.path("public"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let beside: Vec<String> = fs::read_dir(srv.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        beside,
        ["site"],
        "the staging folder was left beside the target"
    );
}
