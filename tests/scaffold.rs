//! `folio init` makes a site that builds at once; `folio new` starts a draft article with
//! its front matter filled in. Neither ever overwrites a file.

mod support;

use std::fs;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use scraper::{Html, Selector};
use support::{Site, read_tree};

/// The real binary, run in `dir`.
fn folio(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("folio")
        .expect("the folio binary is built")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run folio")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Text of the first element matching `selector` in an HTML file.
fn first_text(file: &Path, selector: &str) -> String {
    let html = Html::parse_document(&fs::read_to_string(file).expect("the page"));
    let selector = Selector::parse(selector).expect("a selector");
    let found = html.select(&selector).next();
    found
        .map(|e| e.text().collect::<String>().trim().to_string())
        .unwrap_or_else(|| panic!("nothing matches in {}", file.display()))
}

/// Today as `folio new` sees it; either side of the run, should it cross midnight.
fn today() -> String {
    jiff::ZonedDateTime::now().date().to_string()
}

// --- init -------------------------------------------------------------------------------

#[test]
fn init_creates_a_site_that_builds_at_once() {
    let tmp = tempfile::tempdir().unwrap();

    let out = folio(tmp.path(), &["init", "notes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("cd notes && folio build"),
        "{}",
        text(&out.stdout)
    );
    let site = tmp.path().join("notes");
    for file in ["config.toml", "content/articles/welcome.md"] {
        assert!(site.join(file).is_file(), "init did not create {file}");
    }
    assert!(
        !site.join("themes").exists(),
        "init copies no theme: the default one is built in"
    );

    let out = folio(&site, &["build"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = site.join("public/articles/welcome/index.html");
    assert_eq!(first_text(&page, "h1"), "Welcome to your new site");
    assert_eq!(
        first_text(&page, ".byline"),
        "by Sam Example, Principal Engineer"
    );
    assert!(first_text(&page, "pre").contains("[authors.sam]"));

    let out = folio(&site, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Checked 1 article: 0 errors, 0 warnings"));
}

#[test]
fn init_site_ejects_the_default_theme_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(folio(tmp.path(), &["init", "site"]).status.success());
    let site = tmp.path().join("site");
    let out = folio(&site, &["theme", "eject"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let repo_theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    let copied = read_tree(&site.join("themes/default")).unwrap();
    support::assert_trees_equal(&read_tree(&repo_theme).unwrap(), &copied);
}

#[test]
fn init_works_in_an_existing_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = folio(tmp.path(), &["init", "."]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(tmp.path().join("config.toml").is_file());
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("notes.txt"), "mine").unwrap();

    let out = folio(tmp.path(), &["init", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("is not empty"),
        "{}",
        text(&out.stderr)
    );
    let left: Vec<_> = fs::read_dir(tmp.path()).unwrap().flatten().collect();
    assert_eq!(left.len(), 1, "init wrote into a folder that was not empty");
}

// --- new --------------------------------------------------------------------------------

#[test]
fn new_creates_a_draft_dated_today_that_builds_with_drafts() {
    let site = Site::fixture("basic");
    let before = today();
    let out = site.run(&["new", "Pool sizing", "--tags", "postgres,performance"]);
    let after = today();

    out.success()
        .stdout_contains("Created content/articles/pool-sizing.md");
    let written = site.read("content/articles/pool-sizing.md");
    assert!(
        written.contains(&format!("date: {before}\n"))
            || written.contains(&format!("date: {after}\n")),
        "{written}"
    );
    assert!(written.contains("\ntitle: \"Pool sizing\"\n"), "{written}");
    // The first author of config.toml.
    assert!(written.contains("\nauthor: ana\n"), "{written}");
    assert!(
        written.contains("\ntags: [\"postgres\", \"performance\"]\n"),
        "{written}"
    );
    assert!(written.contains("\ndraft: true\n"), "{written}");

    let out = site.build();
    assert!(!out.success().exists("articles/pool-sizing/index.html"));
    let out = site.build_with(&["--drafts"]);
    let page = out.success().page("articles/pool-sizing/index.html");
    assert_eq!(page.text("h1"), "Pool sizing");
    assert_eq!(page.text(".byline"), "by Ana Pereira, Principal Engineer");
}

#[test]
fn new_uses_the_author_and_slug_given() {
    let site = Site::fixture("basic");
    site.run(&["new", "Anything", "--author", "ben", "--slug", "my-post"])
        .success()
        .stdout_contains("content/articles/my-post.md");
    assert!(
        site.read("content/articles/my-post.md")
            .contains("\nauthor: ben\n")
    );
}

#[test]
fn new_title_with_quotes_and_colons_stays_valid_yaml() {
    let site = Site::fixture("basic");
    let title = r#"Retries: "why" \ how # not a comment"#;
    site.run(&["new", title]).success();

    let out = site.build_with(&["--drafts"]);
    let page = out
        .success()
        .page("articles/retries-why-how-not-a-comment/index.html");
    assert_eq!(page.text("h1"), title);
}

#[test]
fn new_refuses_to_overwrite_an_article() {
    let site = Site::fixture("basic");
    let before = site.read("content/articles/retry-budgets.md");

    site.run(&["new", "Retry budgets"])
        .failure(1)
        .stderr_contains("`content/articles/retry-budgets.md` already exists");
    assert_eq!(site.read("content/articles/retry-budgets.md"), before);
}

#[test]
fn new_with_an_unknown_author_lists_the_known_ones() {
    let site = Site::fixture("basic");
    site.run(&["new", "Anything", "--author", "bob"])
        .failure(1)
        .stderr_contains("unknown author `bob`")
        .stderr_contains("authors defined in config.toml: ana, ben");
    assert!(!site.path("content/articles/anything.md").exists());
}
