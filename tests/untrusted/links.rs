//! Symbolic links under content/, static/, templates/ and themes/: one leading outside the
//! site (or into `.git`) is refused by `build`, `check` and `serve`, naming the link, and
//! what it leads to reaches no output file and no message. Links inside the site work.

use std::fs;
use std::os::unix::fs::symlink;
use std::time::Duration;

use crate::server::Server;
use crate::support::{Output, Site, read_tree};

const ARTICLE: &str = "---\ntitle: Diagram\nauthor: ana\ndate: 2025-03-01\nsummary: Has a picture.\ntags: [apis]\n---\n\n![Plan](diagram.svg)\n";

/// A secret no file of the site holds: in the child's environment, or in a file outside.
fn secret() -> String {
    format!("folio-secret-{}-{}", std::process::id(), line!())
}

fn assert_nowhere(secret: &str, out: &Output, site: &Site) {
    assert!(
        !out.stderr.contains(secret),
        "the secret is in stderr:\n{}",
        out.stderr
    );
    assert!(!out.stdout.contains(secret), "the secret is in stdout");
    for (path, bytes) in read_tree(&site.public()).unwrap_or_default() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(secret), "the secret is in public/{path}");
    }
}

/// A file outside the site holding `secret`; kept alive by the returned folder.
fn outside_file(secret: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("a temp folder");
    fs::create_dir_all(dir.path().join("private")).expect("create private/");
    let file = dir.path().join("private/id_ed25519");
    fs::write(&file, format!("{secret}\n")).expect("write the secret");
    (dir, file)
}

#[test]
fn an_image_linked_to_proc_environ_is_refused_and_the_environment_published_nowhere() {
    let site = Site::fixture("basic");
    site.build().success();
    site.write("content/articles/diagram/index.md", ARTICLE);
    symlink(
        "/proc/self/environ",
        site.path("content/articles/diagram/diagram.svg"),
    )
    .expect("symlink");
    let secret = secret();
    let env = [("FOLIO_DEPLOY_TOKEN", secret.as_str())];
    let built = site.run_with_env(
        &["build", "--root", ".", "--output", "public"],
        &env,
        Duration::from_secs(60),
    );
    built
        .failure(1)
        .stderr_contains("symbolic link to a file or folder outside the site")
        .stderr_contains("--> content/articles/diagram/diagram.svg")
        .stderr_lacks("/proc")
        .output_untouched();
    assert_nowhere(&secret, &built, &site);
    let checked = site.run_with_env(&["check", "--root", "."], &env, Duration::from_secs(60));
    checked
        .failure(1)
        .stderr_contains("--> content/articles/diagram/diagram.svg");
    assert_nowhere(&secret, &checked, &site);
}

#[test]
fn a_linked_folder_outside_is_not_copied() {
    let site = Site::fixture("basic");
    let secret = secret();
    let (outside, _) = outside_file(&secret);
    site.write("content/articles/diagram/index.md", ARTICLE);
    site.write("content/articles/diagram/diagram.svg", "<svg/>");
    symlink(
        outside.path().join("private"),
        site.path("content/articles/diagram/keys"),
    )
    .expect("symlink");
    let out = site.build();
    out.failure(1)
        .stderr_contains("--> content/articles/diagram/keys")
        .stderr_lacks(&outside.path().to_string_lossy());
    assert_nowhere(&secret, &out, &site);
}

#[test]
fn an_article_linked_outside_never_prints_its_text() {
    let site = Site::fixture("basic");
    let secret = secret();
    let (_outside, file) = outside_file(&secret);
    symlink(&file, site.path("content/articles/notes.md")).expect("symlink");
    let out = site.build();
    out.failure(1)
        .stderr_contains("--> content/articles/notes.md")
        .stderr_lacks("missing front matter");
    assert_nowhere(&secret, &out, &site);
}

#[test]
fn static_files_and_templates_linked_outside_are_refused() {
    let secret = secret();
    let (_outside, file) = outside_file(&secret);
    for link in ["static/robots-extra.txt", "templates/partials/card.html"] {
        let site = Site::fixture("basic");
        fs::create_dir_all(site.path(link).parent().expect("a parent")).expect("create");
        symlink(&file, site.path(link)).expect("symlink");
        let out = site.build();
        out.failure(1).stderr_contains(&format!("--> {link}"));
        assert_nowhere(&secret, &out, &site);
    }
}

#[test]
fn a_linked_theme_folder_outside_is_refused() {
    let site = Site::fixture("basic");
    let elsewhere = tempfile::tempdir().expect("a temp folder");
    fs::rename(
        site.path("themes/default"),
        elsewhere.path().join("default"),
    )
    .expect("move the theme out of the site");
    symlink(
        elsewhere.path().join("default"),
        site.path("themes/default"),
    )
    .expect("symlink");
    site.build()
        .failure(1)
        .stderr_contains("--> themes/default")
        .stderr_lacks("not found");
}

#[test]
fn a_link_into_the_sites_git_folder_is_refused() {
    let site = Site::fixture("basic");
    let secret = secret();
    site.write(
        ".git/config",
        &format!("[http]\n\textraheader = AUTHORIZATION: basic {secret}\n"),
    );
    site.write("content/articles/diagram/index.md", ARTICLE);
    symlink(
        "../../../.git/config",
        site.path("content/articles/diagram/diagram.svg"),
    )
    .expect("symlink");
    let out = site.build();
    out.failure(1)
        .stderr_contains("--> content/articles/diagram/diagram.svg");
    assert_nowhere(&secret, &out, &site);
}

#[test]
fn links_inside_the_site_are_followed() {
    let site = Site::fixture("basic");
    site.write("shared/diagram.svg", "<svg>shared</svg>");
    site.write("content/articles/diagram/index.md", ARTICLE);
    symlink(
        "../../../shared/diagram.svg",
        site.path("content/articles/diagram/diagram.svg"),
    )
    .expect("symlink");
    symlink(
        "timeouts.md",
        site.path("content/articles/timeouts-again.md"),
    )
    .expect("symlink");
    let out = site.build();
    out.success();
    assert_eq!(
        out.file("articles/diagram/diagram.svg"),
        b"<svg>shared</svg>"
    );
    assert!(out.exists("articles/timeouts-again/index.html"));
}

#[test]
fn serve_refuses_the_link_and_never_serves_the_secret() {
    let site = Site::fixture("basic");
    let secret = secret();
    let (_outside, file) = outside_file(&secret);
    site.write("content/articles/diagram/index.md", ARTICLE);
    site.write("content/articles/diagram/diagram.svg", "<svg/>");
    let mut server = Server::start_with_env(site.root(), &[("FOLIO_DEPLOY_TOKEN", &secret)]);
    assert_eq!(server.get("/articles/diagram/diagram.svg").status, 200);
    // Swapped for a link to a secret while the server watches.
    fs::remove_file(site.path("content/articles/diagram/diagram.svg")).expect("remove");
    symlink(&file, site.path("content/articles/diagram/diagram.svg")).expect("symlink");
    server.wait_until(
        "the link to be refused",
        Duration::from_secs(30),
        |s| match s.log().contains("--> content/articles/diagram/diagram.svg") {
            true => Ok(()),
            false => Err("no error yet".into()),
        },
    );
    let reply = server.get("/articles/diagram/diagram.svg");
    assert!(!reply.text().contains(&secret), "the secret was served");
    assert!(!server.log().contains(&secret), "the secret was printed");
    server.assert_healthy();
}
