//! Feeds readers follow and addresses that keep working (issue #16), on the `features`
//! fixture, a site under `https://features.example/blog/`: an Atom feed per tag and per
//! author, linked from that page's head; a JSON Feed 1.1 beside `atom.xml`; every feed's
//! required fields and absolute URLs, parsed with an XML parser and serde_json. Redirect
//! pages at old addresses, `_redirects`, the sitemap, and `check --previous`.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use roxmltree::{Document, Node};
use serde_json::Value;
use support::{Output, Site};

const BASE: &str = "https://features.example/blog/";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

fn built() -> (Site, Output) {
    let site = Site::fixture("features");
    let out = site.build();
    out.success();
    (site, out)
}

fn text(out: &Output, rel: &str) -> String {
    String::from_utf8(out.file(rel)).unwrap_or_else(|_| panic!("{rel} is not UTF-8"))
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name((ATOM_NS, name)))
}

fn child_text(node: Node, name: &str) -> String {
    child(node, name)
        .and_then(|c| c.text())
        .unwrap_or_else(|| panic!("no <{name}> in <{}>", node.tag_name().name()))
        .to_string()
}

/// An Atom feed's RFC 4287 essentials: id, title, updated, a self link; each entry with an
/// id, a title, updated and at least one author. Returns the entries' author names.
fn valid_atom(xml: &str, self_url: &str) -> Vec<Vec<String>> {
    let doc = Document::parse(xml).expect("the feed is well-formed XML");
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM_NS, "feed")));
    for name in ["id", "title", "updated"] {
        assert!(!child_text(feed, name).is_empty(), "feed <{name}>");
    }
    let self_link = feed
        .children()
        .find(|c| c.has_tag_name((ATOM_NS, "link")) && c.attribute("rel") == Some("self"))
        .expect("a self link");
    assert_eq!(self_link.attribute("href"), Some(self_url));
    feed.children()
        .filter(|c| c.has_tag_name((ATOM_NS, "entry")))
        .map(|entry| {
            for name in ["id", "title", "updated"] {
                assert!(!child_text(entry, name).is_empty(), "entry <{name}>");
            }
            assert!(child_text(entry, "id").starts_with(BASE));
            let authors: Vec<String> = entry
                .children()
                .filter(|c| c.has_tag_name((ATOM_NS, "author")))
                .map(|a| child_text(a, "name"))
                .collect();
            assert!(!authors.is_empty(), "an entry without an author");
            authors
        })
        .collect()
}

#[test]
fn each_tag_and_author_has_an_atom_feed_linked_from_its_page() {
    let (_site, out) = built();
    for (page, feed, entries) in [
        ("tags/postgres/", "tags/postgres/atom.xml", 3),
        ("tags/teams/", "tags/teams/atom.xml", 2),
        ("authors/ben/", "authors/ben/atom.xml", 3),
        ("authors/cleo/", "authors/cleo/atom.xml", 2),
    ] {
        let authors = valid_atom(&text(&out, feed), &format!("{BASE}{feed}"));
        assert_eq!(authors.len(), entries, "{feed}");
        let head = out.page(&format!("{page}index.html"));
        let linked = head.attrs(
            "head link[rel=alternate][type='application/atom+xml']",
            "href",
        );
        assert!(
            linked.contains(&format!("/blog/{feed}")),
            "{page}: {linked:?}"
        );
    }
    // Only that page announces it.
    let home = out.page("index.html");
    let linked = home.attrs("head link[rel=alternate]", "href");
    assert_eq!(linked, ["/blog/atom.xml", "/blog/feed.json"]);
}

#[test]
fn feeds_list_every_author_of_an_entry() {
    let (_site, out) = built();
    let authors = valid_atom(
        &text(&out, "authors/cleo/atom.xml"),
        &format!("{BASE}authors/cleo/atom.xml"),
    );
    assert!(authors.contains(&vec![
        "Ana Pereira".to_string(),
        "Ben Okafor".to_string(),
        "Cleo Martin".to_string()
    ]));
    valid_atom(&text(&out, "atom.xml"), &format!("{BASE}atom.xml"));
}

#[test]
fn json_feed_has_what_version_1_1_requires_with_absolute_urls() {
    let (_site, out) = built();
    let feed: Value = serde_json::from_slice(&out.file("feed.json")).expect("feed.json parses");
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(feed["title"], "Features Notes");
    assert_eq!(feed["home_page_url"], BASE);
    assert_eq!(feed["feed_url"], format!("{BASE}feed.json"));
    let items = feed["items"].as_array().expect("items");
    assert_eq!(items.len(), 6);
    for item in items {
        let id = item["id"].as_str().expect("an id");
        assert!(id.starts_with(&format!("{BASE}articles/")), "{id}");
        assert!(item["url"].as_str().unwrap().starts_with(BASE));
        assert!(item["content_text"].is_string() || item["content_html"].is_string());
        let authors = item["authors"].as_array().expect("authors");
        assert!(!authors.is_empty());
        for a in authors {
            assert!(a["name"].is_string());
            assert!(
                a["url"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("{BASE}authors/"))
            );
        }
    }
    let two = items
        .iter()
        .find(|i| i["title"] == "Postgres at scale, part two: locks")
        .unwrap();
    assert_eq!(two["date_modified"], "2025-03-03T00:00:00Z");
    assert_eq!(two["authors"].as_array().unwrap().len(), 2);
    let cross = items
        .iter()
        .find(|i| i["title"] == "Postmortems, cross-posted")
        .unwrap();
    assert_eq!(
        cross["external_url"],
        "https://review.example/posts/postmortems/"
    );
}

#[test]
fn json_feed_carries_whole_articles_with_full_content() {
    let site = Site::fixture("features");
    site.edit("config.toml", |c| {
        format!("{c}\n[feed]\nfull_content = true\n")
    });
    let out = site.build();
    out.success();
    let feed: Value = serde_json::from_slice(&out.file("feed.json")).expect("feed.json parses");
    let one = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Postgres at scale, part one: connections")
        .unwrap();
    assert_eq!(
        one["content_html"],
        "<p>Connections are the first thing to run out.</p>\n"
    );
    assert!(one.get("content_text").is_none());
}

#[test]
fn updated_is_the_feeds_updated_and_the_sitemaps_lastmod() {
    let (_site, out) = built();
    let xml = text(&out, "tags/postgres/atom.xml");
    let doc = Document::parse(&xml).unwrap();
    let entry = doc
        .descendants()
        .filter(|n| n.has_tag_name((ATOM_NS, "entry")))
        .find(|e| child_text(*e, "id") == format!("{BASE}articles/pg-two/"))
        .expect("pg-two in the tag feed");
    assert_eq!(child_text(entry, "updated"), "2025-03-03T00:00:00Z");
    assert_eq!(child_text(entry, "published"), "2025-02-10T00:00:00Z");
    let sitemap = text(&out, "sitemap.xml");
    let doc = Document::parse(&sitemap).unwrap();
    let lastmod = doc
        .descendants()
        .filter(|n| n.has_tag_name("url"))
        .find(|u| {
            u.children()
                .any(|c| c.text() == Some(&format!("{BASE}articles/pg-two/")))
        })
        .and_then(|u| u.children().find(|c| c.has_tag_name("lastmod")))
        .and_then(|l| l.text());
    assert_eq!(lastmod, Some("2025-03-03"));
}

#[test]
fn the_sitemap_leaves_out_cross_posts_and_redirects_and_lists_series() {
    let (_site, out) = built();
    let sitemap = text(&out, "sitemap.xml");
    let doc = Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(locs.contains(&"https://features.example/blog/series/pg/"));
    assert!(!locs.iter().any(|l| l.contains("cross-post")), "{locs:?}");
    assert!(
        !locs
            .iter()
            .any(|l| l.contains("pg-2") || l.contains("old-pg-two"))
    );
}

// --- Redirects --------------------------------------------------------------------------

#[test]
fn every_alias_gets_a_redirect_page_that_search_engines_skip() {
    let (_site, out) = built();
    let target = format!("{BASE}articles/pg-two/");
    for old in [
        "articles/pg-2/index.html",
        "articles/old-pg-two/index.html",
        "2024/locks.html",
    ] {
        let page = out.page(old);
        assert_eq!(page.attr("link[rel=canonical]", "href"), target, "{old}");
        assert_eq!(page.attr("meta[name=robots]", "content"), "noindex");
        assert_eq!(
            page.attr("meta[http-equiv=refresh]", "content"),
            format!("0; url={target}")
        );
        assert_eq!(page.attr("body a", "href"), target);
    }
}

#[test]
fn netlify_redirects_list_every_alias_under_the_base_path() {
    let (site, out) = built();
    let file = text(&out, "_redirects");
    let rules: Vec<Vec<&str>> = file
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rules,
        [
            ["/blog/2024/locks.html", "/blog/articles/pg-two/", "301"],
            [
                "/blog/articles/old-pg-two/",
                "/blog/articles/pg-two/",
                "301"
            ],
            ["/blog/articles/pg-2/", "/blog/articles/pg-two/", "301"],
        ]
    );
    site.edit("config.toml", |c| {
        c.replace("netlify = true", "netlify = false")
    });
    let out = site.build();
    out.success();
    assert!(!out.exists("_redirects"));
    assert!(out.exists("articles/pg-2/index.html"), "the pages stay");
}

// --- check --previous -------------------------------------------------------------------

fn sitemap(urls: &[&str]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in urls {
        xml.push_str(&format!("  <url><loc>{url}</loc></url>\n"));
    }
    xml + "</urlset>\n"
}

fn check_previous(site: &Site, previous: &str) -> Output {
    let root = site.root().to_str().unwrap().to_string();
    site.run(&["check", "--root", &root, "--previous", previous])
}

#[test]
fn check_previous_passes_when_every_old_address_leads_somewhere() {
    let (site, out) = built();
    // The site's own sitemap, plus the old addresses its aliases cover.
    let mut old = text(&out, "sitemap.xml");
    old = old.replace(
        "</urlset>",
        &format!("  <url><loc>{BASE}articles/pg-2/</loc></url>\n  <url><loc>{BASE}2024/locks.html</loc></url>\n</urlset>"),
    );
    site.write("previous.xml", &old);
    check_previous(&site, "previous.xml").success();
}

#[test]
fn check_previous_fails_when_a_page_moved_without_an_alias() {
    let site = Site::fixture("features");
    site.write(
        "previous.xml",
        &sitemap(&[
            &format!("{BASE}articles/pg-one/"),
            &format!("{BASE}articles/pg-1/"),
        ]),
    );
    check_previous(&site, "previous.xml")
        .failure(1)
        .stderr_contains(&format!(
            "`{BASE}articles/pg-1/` of the last published site is gone"
        ))
        .stderr_contains("previous.xml:4:")
        .stderr_lacks("articles/pg-one/` of the last");
    // Giving the article its old address fixes it.
    site.edit("content/articles/pg-one.md", |t| {
        t.replace(
            "series: {id: pg, part: 1}",
            "series: {id: pg, part: 1}\naliases: [pg-1]",
        )
    });
    check_previous(&site, "previous.xml").success();
}

#[test]
fn check_previous_follows_a_sitemap_index() {
    let site = Site::fixture("features");
    site.write(
        "old/sitemap.xml",
        &format!(
            "<?xml version=\"1.0\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  <sitemap><loc>{BASE}sitemap-1.xml</loc></sitemap>\n  <sitemap><loc>{BASE}sitemap-2.xml</loc></sitemap>\n</sitemapindex>\n"
        ),
    );
    site.write(
        "old/sitemap-1.xml",
        &sitemap(&[&format!("{BASE}articles/pg-one/")]),
    );
    site.write(
        "old/sitemap-2.xml",
        &sitemap(&[&format!("{BASE}tags/gone/")]),
    );
    check_previous(&site, "old/sitemap.xml")
        .failure(1)
        .stderr_contains(&format!(
            "`{BASE}tags/gone/` of the last published site is gone"
        ))
        .stderr_contains("old/sitemap-2.xml:3:");
}

#[test]
fn check_previous_fetches_a_sitemap_by_url() {
    let site = Site::fixture("features");
    let body = sitemap(&[
        &format!("{BASE}articles/pg-one/"),
        &format!("{BASE}articles/nope/"),
    ]);
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("one request");
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        let mut first = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 2 {
            if first.is_empty() {
                first = line.clone();
            }
            line.clear();
        }
        let mut stream = stream;
        write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        first
    });
    let url = format!("http://127.0.0.1:{port}/blog/sitemap.xml");
    check_previous(&site, &url)
        .failure(1)
        .stderr_contains(&format!(
            "`{BASE}articles/nope/` of the last published site is gone"
        ));
    assert!(server.join().unwrap().starts_with("GET /blog/sitemap.xml "));
}
