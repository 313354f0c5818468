//! `folio serve --watch` keeps up with what editors and tools do to the files: saves by
//! rename, thousands of files appearing at once, files and folders deleted.

use std::fs;
use std::time::Duration;

use crate::corpus;
use crate::server::Server;
use crate::support::Site;

/// How long a change may take to show. Generous: the binary is a debug build and the
/// machine may be busy with other tests.
const SHOWS: Duration = Duration::from_secs(30);
/// For rebuilds of a few thousand articles in a debug build.
const SHOWS_BIG: Duration = Duration::from_secs(120);

/// Article URLs in `/sitemap.xml`, which lists every article of the site.
fn listed_articles(server: &Server) -> Result<Vec<String>, String> {
    let reply = server.get("/sitemap.xml");
    if reply.status != 200 {
        return Err(format!("/sitemap.xml: status {}", reply.status));
    }
    let text = reply.text();
    let doc = roxmltree::Document::parse(&text).map_err(|e| format!("/sitemap.xml: {e}"))?;
    Ok(doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .filter(|url| url.contains("/articles/"))
        .map(str::to_owned)
        .collect())
}

/// The page at `path` has status `status` and contains `text`.
fn page_shows(server: &Server, path: &str, status: u16, text: &str) -> Result<(), String> {
    let reply = server.get(path);
    match (reply.status, reply.text().contains(text)) {
        (s, true) if s == status => Ok(()),
        (s, found) => Err(format!("{path}: status {s}, contains {text:?}: {found}")),
    }
}

#[test]
fn a_save_by_rename_shows_on_the_served_page() {
    let site = Site::fixture("basic");
    let mut server = Server::start(site.root());
    let sentence = "Sentinel sentence: the budget held at ten percent all week.";
    page_shows(&server, "/articles/timeouts/", 200, "Set every timeout")
        .expect("the article before the save");

    let text = site.read("content/articles/timeouts.md");
    corpus::save_by_rename(
        &site.path("content/articles/timeouts.md"),
        &format!("{text}\n{sentence}\n"),
    );

    server.wait_until("the saved sentence to show", SHOWS, |s| {
        page_shows(s, "/articles/timeouts/", 200, sentence)
    });
    server.assert_healthy();
}

#[test]
fn two_thousand_articles_appearing_at_once_are_all_served() {
    const BATCH: usize = 2000;
    let site = Site::fixture("basic");
    corpus::without_cards(&site);
    let mut server = Server::start(site.root());
    let before = listed_articles(&server).expect("the sitemap before").len();

    // Written outside the watched folders, then moved in with one rename.
    let outside = tempfile::Builder::new()
        .prefix("folio-batch-")
        .tempdir_in(site.root())
        .expect("a temp folder beside content/");
    corpus::write_articles(outside.path(), "batch", BATCH, 2);
    fs::rename(outside.path(), site.path("content/articles/batch"))
        .expect("move the batch into content/articles/");

    server.wait_until("every new article in the sitemap", SHOWS_BIG, |s| {
        let urls = listed_articles(s)?;
        let new = urls
            .iter()
            .filter(|u| u.contains("/articles/batch-"))
            .count();
        match (urls.len(), new) {
            (n, BATCH) if n == before + BATCH => Ok(()),
            (n, new) => Err(format!("{n} articles listed, {new} of the batch")),
        }
    });
    page_shows(
        &server,
        "/articles/batch-1999/",
        200,
        "Generated article batch 1999",
    )
    .expect("the last article of the batch");
    page_shows(&server, "/", 200, "Fixture Notes").expect("the home page");

    // Then 200 more written one by one straight into the watched folder.
    corpus::write_articles(&site.path("content/articles/more"), "more", 200, 2);
    server.wait_until("the 200 articles written in place", SHOWS_BIG, |s| {
        let n = listed_articles(s)?.len();
        match n == before + BATCH + 200 {
            true => Ok(()),
            false => Err(format!("{n} articles listed")),
        }
    });

    // And the whole batch folder removed at once.
    fs::remove_dir_all(site.path("content/articles/batch")).expect("remove the batch");
    server.wait_until("the removed batch gone from the sitemap", SHOWS_BIG, |s| {
        let n = listed_articles(s)?.len();
        match n == before + 200 {
            true => Ok(()),
            false => Err(format!("{n} articles listed")),
        }
    });
    page_shows(&server, "/articles/batch-0001/", 404, "").expect("a removed article");
    server.assert_healthy();
}

#[test]
fn a_deleted_article_becomes_404() {
    let site = Site::fixture("basic");
    let mut server = Server::start(site.root());
    page_shows(&server, "/articles/timeouts/", 200, "Set every timeout")
        .expect("the article before the delete");

    site.remove("content/articles/timeouts.md");

    server.wait_until("the deleted article to be 404", SHOWS, |s| {
        page_shows(s, "/articles/timeouts/", 404, "")
    });
    server.wait_until("the home page to drop it", SHOWS, |s| {
        let home = s.get("/");
        match (home.status, home.text().contains("Timeouts that hold")) {
            (200, false) => Ok(()),
            (status, listed) => Err(format!("/: status {status}, still listed: {listed}")),
        }
    });
    page_shows(&server, "/articles/retry-budgets/", 200, "Retry budgets")
        .expect("the other article");
    server.assert_healthy();
}
