//! Incremental rebuilds (`serve --watch`): an edit re-renders only the pages it touches, and
//! the result is always byte-identical to building the edited site from scratch.

use std::fs;
use std::path::{Path, PathBuf};

use folio::session::Session;
use folio::site::BuildOptions;

fn options() -> BuildOptions {
    BuildOptions {
        drafts: false,
        future: false,
        now: "2026-11-20T00:00:00Z".parse().unwrap(),
        cache_bust: false,
    }
}

/// A copy of the repository's example site in a temp folder.
fn example_site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["content", "themes", "static"] {
        copy_dir(&repo.join(dir), &tmp.path().join(dir));
    }
    fs::copy(repo.join("config.toml"), tmp.path().join("config.toml")).unwrap();
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn from_scratch(root: &Path) -> folio::session::Files {
    let mut s = Session::new(root, None, options());
    s.build_all().unwrap();
    s.output().clone()
}

/// Equal trees, or a panic naming the paths that differ (not megabytes of bytes).
fn assert_same(actual: &folio::session::Files, expected: &folio::session::Files) {
    let differing: Vec<&String> = actual
        .keys()
        .chain(expected.keys())
        .filter(|k| actual.get(*k) != expected.get(*k))
        .collect();
    assert!(
        differing.is_empty(),
        "incremental output differs from a full build at {differing:?}"
    );
}

fn article(root: &Path, slug: &str) -> PathBuf {
    root.join("content/articles").join(format!("{slug}.md"))
}

fn append(path: &Path, text: &str) {
    let mut body = fs::read_to_string(path).unwrap();
    body.push_str(text);
    fs::write(path, body).unwrap();
}

fn changed_paths(update: &folio::session::Update) -> Vec<&str> {
    update.changed.iter().map(|(p, _)| p.as_str()).collect()
}

#[test]
fn body_edit_rerenders_only_the_pages_that_show_it() {
    let site = example_site();
    let mut session = Session::new(site.path(), None, options());
    let first = session.build_all().unwrap();
    assert!(
        first.changed.len() > 30,
        "the first build writes everything"
    );

    let path = article(site.path(), "retry-budgets");
    append(
        &path,
        "\nA closing paragraph added while the server runs.\n",
    );
    let update = session.apply(std::slice::from_ref(&path)).unwrap();
    let changed = changed_paths(&update);
    assert!(
        changed.contains(&"articles/retry-budgets/index.html"),
        "{changed:?}"
    );
    assert!(
        !changed.contains(&"articles/connection-pooling/index.html"),
        "{changed:?}"
    );
    assert!(!changed.contains(&"404.html"), "{changed:?}");
    assert!(changed.len() < 15, "only a few pages change: {changed:?}");
    assert!(!update.css_only);
    assert_same(session.output(), &from_scratch(site.path()));
}

#[test]
fn title_edit_updates_every_list_and_more_articles_block_that_shows_it() {
    let site = example_site();
    let mut session = Session::new(site.path(), None, options());
    session.build_all().unwrap();
    let path = article(site.path(), "queue-backpressure");
    let text = fs::read_to_string(&path).unwrap();
    let old_title = text
        .lines()
        .find(|l| l.starts_with("title:"))
        .unwrap()
        .to_string();
    fs::write(
        &path,
        text.replace(&old_title, "title: Back-pressure, renamed"),
    )
    .unwrap();
    let update = session.apply(&[path]).unwrap();
    let changed = changed_paths(&update);
    // retry-budgets pins queue-backpressure in its related list.
    assert!(
        changed.contains(&"articles/retry-budgets/index.html"),
        "{changed:?}"
    );
    assert!(changed.contains(&"search.json"), "{changed:?}");
    assert_same(session.output(), &from_scratch(site.path()));
}

#[test]
fn broken_edit_keeps_the_last_good_site_and_fixing_it_recovers() {
    let site = example_site();
    let mut session = Session::new(site.path(), None, options());
    session.build_all().unwrap();
    let before = session.output().clone();
    let path = article(site.path(), "retry-budgets");
    let good = fs::read_to_string(&path).unwrap();
    fs::write(&path, good.replacen("title:", "titel:", 1)).unwrap();
    let errors = session.apply(std::slice::from_ref(&path)).unwrap_err();
    assert!(errors[0].render_plain().contains("retry-budgets.md"));
    assert_eq!(session.output(), &before, "the last good site is kept");
    fs::write(&path, &good).unwrap();
    session.apply(&[path]).unwrap();
    assert_same(session.output(), &from_scratch(site.path()));
}

#[test]
fn new_and_deleted_articles_and_template_edits_match_a_full_build() {
    let site = example_site();
    let mut session = Session::new(site.path(), None, options());
    session.build_all().unwrap();
    let new = article(site.path(), "fresh-post");
    fs::write(&new, "---\ntitle: Fresh post\nauthor: ines\ndate: 2026-10-01\nsummary: Brand new.\ntags: [postgres]\n---\nHello.\n").unwrap();
    session.apply(std::slice::from_ref(&new)).unwrap();
    assert!(
        session
            .output()
            .contains_key("articles/fresh-post/index.html")
    );
    assert_same(session.output(), &from_scratch(site.path()));

    fs::remove_file(&new).unwrap();
    let update = session.apply(&[new]).unwrap();
    assert!(
        update
            .removed
            .contains(&"articles/fresh-post/index.html".to_string())
    );
    assert_same(session.output(), &from_scratch(site.path()));

    let template = site.path().join("themes/default/templates/404.html");
    let text = fs::read_to_string(&template).unwrap();
    fs::write(
        &template,
        text.replace("Page not found</h1>", "Nothing here</h1>"),
    )
    .unwrap();
    session.apply(&[template]).unwrap();
    assert_same(session.output(), &from_scratch(site.path()));
}

#[test]
fn stylesheet_edit_is_css_only() {
    let site = example_site();
    let mut session = Session::new(site.path(), None, options());
    session.build_all().unwrap();
    let css = site.path().join("themes/default/static/css/style.css");
    append(&css, "\n/* tweak */\n");
    let update = session.apply(&[css]).unwrap();
    assert_eq!(changed_paths(&update), ["css/style.css"]);
    assert!(update.css_only);
}

#[test]
fn editor_leftovers_and_unrelated_files_change_nothing() {
    let site = example_site();
    let mut session = Session::new(site.path(), None, options());
    session.build_all().unwrap();
    let swap = site.path().join("content/articles/.retry-budgets.md.swp");
    fs::write(&swap, "junk").unwrap();
    let update = session
        .apply(&[swap, site.path().join("public/index.html")])
        .unwrap();
    assert!(update.changed.is_empty() && update.removed.is_empty());
}
