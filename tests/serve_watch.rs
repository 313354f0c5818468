//! `folio serve --watch` run the way users run it: the real binary, started from inside the
//! site (or with `--root` in its usual spellings), while the site's files are saved the way
//! editors save them. After each save, once the server has settled, every file it serves
//! must be what a build from scratch makes (pages carry the live-reload script, nothing
//! else differs); a save that breaks the build must be reported with exactly the errors a
//! build from scratch gives, while the last good site is still served.
//!
//! The reference is built through the library with `serve`'s own settings (its address as
//! `base_url`, no `?h=` cache busting), so pages compare byte for byte with no normalising.
//! At the end of each sequence, the real `folio build --base-url` must write that same site
//! but for the `?h=` hashes on asset URLs, which only `build` adds.

#[path = "model_based/apply.rs"]
mod apply;
#[allow(dead_code)] // shared with tests/serve_http.rs, which uses all of it
#[path = "serve_http/client.rs"]
mod client;
#[path = "serve_watch/crash.rs"]
mod crash;
#[path = "model_based/disk.rs"]
mod disk;
#[path = "model_based/edits.rs"]
mod edits;
#[path = "serve_watch/events.rs"]
mod events;
#[path = "model_based/scratch.rs"]
mod scratch;
#[path = "serve_watch/sequences.rs"]
mod sequences;
#[path = "faults/server.rs"]
mod server;
#[path = "model_based/site.rs"]
mod site;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use disk::{Disk, Style};
use scraper::{Html, Selector};
use server::Server;
use site::SiteModel;

/// How long an edit may take to show in the served page.
const SHOWS_WITHIN: Duration = Duration::from_secs(10);

/// A fresh site in `<tmp>/my-blog`, so that tests can start `serve` from its parent.
fn new_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::Builder::new()
        .prefix("folio-serve-")
        .tempdir()
        .expect("temp folder");
    let root = tmp.path().join("my-blog");
    fs::create_dir(&root).expect("site folder");
    SiteModel::initial().create(&root);
    (tmp, root)
}

/// The text of the article body served at `/articles/alpha/`.
fn alpha_body(server: &Server) -> Result<String, String> {
    let reply = server.get("/articles/alpha/");
    if reply.status != 200 {
        return Err(format!("status {}", reply.status));
    }
    let html = Html::parse_document(&reply.text());
    let prose = Selector::parse(".prose").expect("selector");
    html.select(&prose)
        .next()
        .map(|e| e.text().collect::<String>())
        .ok_or_else(|| "no .prose on the page".to_string())
}

/// Start the server with `args` in `cwd`, save a new sentence into alpha.md as an editor
/// does, and wait for the page to show it.
fn an_edit_shows(cwd: &Path, root: &Path, args: &[&str]) {
    let mut server = Server::start_in(cwd, args);
    let before = alpha_body(&server).unwrap_or_else(|e| panic!("{e}\n{}", server.log()));
    assert!(before.contains("quoted"), "{before}");
    let article = "content/articles/alpha.md";
    let text = fs::read_to_string(root.join(article)).expect("read alpha.md");
    let mut disk = Disk::new(root, Style::Atomic);
    disk.write(
        article,
        format!("{text}\nA sentence saved while serving.\n").as_bytes(),
    );
    let what = format!(
        "serve {args:?} from {}: the page shows the edit",
        cwd.display()
    );
    server.wait_until(&what, SHOWS_WITHIN, |server| {
        alpha_body(server)?
            .contains("A sentence saved while serving.")
            .then_some(())
            .ok_or_else(|| "the page does not show the edit".to_string())
    });
}

#[test]
fn serve_started_inside_the_site_without_root_shows_edits() {
    let (_tmp, root) = new_site();
    an_edit_shows(&root, &root, &[]);
}

#[test]
fn serve_with_root_dot_shows_edits() {
    let (_tmp, root) = new_site();
    an_edit_shows(&root, &root, &["--root", "."]);
}

#[test]
fn serve_with_a_relative_root_from_the_parent_folder_shows_edits() {
    let (tmp, root) = new_site();
    an_edit_shows(tmp.path(), &root, &["--root", "my-blog"]);
}

#[test]
fn serve_with_an_absolute_root_shows_edits() {
    let (_tmp, root) = new_site();
    let absolute = root.to_str().expect("UTF-8 temp path");
    // From a folder that has nothing to do with the site.
    an_edit_shows(&std::env::temp_dir(), &root, &["--root", absolute]);
}

#[cfg(unix)]
#[test]
fn serve_through_a_symlink_to_the_site_shows_edits() {
    let (tmp, root) = new_site();
    let link = tmp.path().join("blog-link");
    std::os::unix::fs::symlink(&root, &link).expect("symlink to the site");
    // The edit is saved through the link too, as an editor opened there would.
    an_edit_shows(tmp.path(), &link, &["--root", "blog-link"]);
}

#[cfg(unix)]
#[test]
fn serve_started_inside_a_symlinked_site_shows_edits() {
    let (tmp, root) = new_site();
    let link = tmp.path().join("blog-link");
    std::os::unix::fs::symlink(&root, &link).expect("symlink to the site");
    an_edit_shows(&link, &root, &[]);
}

#[test]
fn edits_saved_by_hand_are_served_exactly_as_built() {
    sequences::run(&sequences::by_hand());
}

#[test]
fn seeded_edit_sequence_1_is_served_exactly_as_built() {
    sequences::run(&sequences::seeded(1, 10));
}

#[test]
fn seeded_edit_sequence_2_is_served_exactly_as_built() {
    sequences::run(&sequences::seeded(2, 10));
}

#[test]
fn seeded_edit_sequence_3_is_served_exactly_as_built() {
    sequences::run(&sequences::seeded(3, 10));
}

/// Shrunk from a seeded sequence: the article moved into a new folder and saved there at
/// once (one debounce window) stayed served at its old address, since the watcher merged
/// the rename with the save and lost the old path.
#[test]
fn an_article_moved_into_a_folder_and_saved_at_once_leaves_its_old_address() {
    use edits::{Edit, Step};
    sequences::run(&[Step {
        edit: Edit::RenameArticle {
            which: 3,
            name: 1,
            folder: true,
        },
        style: Style::Atomic,
    }]);
}
