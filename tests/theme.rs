//! The default theme is built into folio: a site of only `config.toml` and `content/` builds
//! and checks with it, the site's `templates/` and `static/` still override single files, and
//! `folio theme eject` copies the whole theme out for full customisation.

mod support;

use std::path::Path;

use support::{Site, assert_trees_equal, read_tree};

fn repo_theme() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default")
}

/// A fixture without a `themes/` folder.
fn bare_site() -> Site {
    let site = Site::fixture("basic");
    site.remove("themes");
    site
}

#[test]
fn site_without_themes_folder_builds_and_checks_with_the_built_in_theme() {
    let site = bare_site();
    let out = site.build();
    out.success();
    let css = std::fs::read(repo_theme().join("static/css/style.css")).unwrap();
    assert!(
        out.file("css/style.css") == css,
        "css/style.css is not the built-in theme's"
    );
    assert!(out.exists("js/search.js"));
    let page = out.page("articles/retry-budgets/index.html");
    assert!(
        page.attr("link[rel=stylesheet]", "href")
            .starts_with("/css/style.css?h="),
        "the page links the built-in stylesheet"
    );
    assert_eq!(page.text("a.skip-link"), "Skip to content");
    for rel in ["index.html", "tags/index.html", "404.html"] {
        assert!(out.exists(rel), "no {rel}");
    }
    let root = site.root().to_str().unwrap().to_string();
    site.run(&["check", "--root", &root])
        .success()
        .stdout_contains("0 errors");
}

#[test]
fn site_templates_and_static_override_single_built_in_files() {
    let site = bare_site();
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Lost at sea</h1>{% endblock content %}\n",
    );
    site.write("static/css/style.css", "body { color: rebeccapurple }\n");
    let out = site.build();
    out.success();
    assert_eq!(out.page("404.html").text("h1"), "Lost at sea");
    assert_eq!(
        out.file("css/style.css"),
        b"body { color: rebeccapurple }\n"
    );
    // Everything not overridden still comes from the built-in theme.
    let page = out.page("articles/retry-budgets/index.html");
    assert_eq!(page.count("header.site-header"), 1);
    assert!(out.exists("js/search.js"));
}

#[test]
fn theme_eject_copies_the_built_in_theme_which_the_site_then_uses() {
    let site = bare_site();
    let root = site.root().to_str().unwrap().to_string();
    site.run(&["theme", "eject", "--root", &root])
        .success()
        .stdout_contains("Copied the built-in theme to");
    let ejected = read_tree(&site.path("themes/default")).expect("themes/default/ written");
    assert_trees_equal(&read_tree(&repo_theme()).unwrap(), &ejected);

    site.edit("themes/default/templates/404.html", |t| {
        t.replace("Page not found</h1>", "Nothing here</h1>")
    });
    let out = site.build();
    out.success();
    assert_eq!(out.page("404.html").text("h1"), "Nothing here");

    // A second eject never overwrites the site's copy.
    site.run(&["theme", "eject", "--root", &root])
        .failure(1)
        .stderr_contains("`themes/default` already exists; nothing was changed");
    assert!(
        site.read("themes/default/templates/404.html")
            .contains("Nothing here")
    );
}

#[test]
fn theme_eject_outside_a_site_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("folio")
        .unwrap()
        .args(["theme", "eject", "--root"])
        .arg(tmp.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("it has no config.toml"));
    assert!(!tmp.path().join("themes").exists());
}

#[test]
fn unknown_theme_lists_the_built_in_one() {
    let site = bare_site();
    site.edit("config.toml", |c| format!("theme = \"nope\"\n{c}"));
    site.build()
        .failure(1)
        .stderr_contains("theme `nope` not found in `themes/`")
        .stderr_contains("themes available: default (built in)");
}

#[test]
fn error_in_a_site_template_extending_the_built_in_base_names_the_site_file() {
    let site = bare_site();
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ nothing_here }}\n{% endblock content %}\n",
    );
    site.build()
        .fails_pointing_at("templates/404.html", 3, "{{ nothing_here }}")
        .stderr_contains("Variable `nothing_here` is not defined");
}
