//! `folio check`: every problem with its file and line, a summary, exit 1 only for errors,
//! and nothing written to disk. External links are checked against servers on loopback.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use support::{Site, assert_trees_equal, read_tree};

#[test]
fn check_reports_broken_links_anchors_and_advice_with_file_and_line() {
    let site = Site::fixture("check");
    let out = site.run(&["check"]);

    out.failure(1)
        .stdout_contains("Checked 2 articles: 2 errors, 2 warnings");
    // A root-relative link to a page the build does not make.
    out.stderr_contains("broken link `/articles/no-such-article/`")
        .stderr_contains("content/articles/links.md:13:")
        .stderr_shows_line(13, "See [the missing page](/articles/no-such-article/).");
    // A link to a heading this article does not have, with the headings it does have.
    out.stderr_contains("link to a missing heading `#nowhere` in this article")
        .stderr_contains("content/articles/links.md:15:")
        .stderr_shows_line(
            15,
            "Jump to [nowhere](#nowhere), or back to [setup](#setup).",
        )
        .stderr_contains("headings of this article: setup");
    // Advice on the front matter: warnings.
    out.stderr_contains("summary is 225 characters long; keep it under 200")
        .stderr_contains("content/articles/guide.md:5:1")
        .stderr_contains("article has no tags")
        .stderr_contains("content/articles/guide.md:1:1");
}

/// Every other link of the fixture resolves: to a folder with or without its `/`, a heading
/// of another article, a footnote, the home page, a generated feed, a static file.
#[test]
fn links_that_resolve_pass_and_warnings_alone_do_not_fail() {
    let site = Site::fixture("check");
    fix_links(&site);

    site.run(&["check"])
        .success()
        .stdout_contains("Checked 2 articles: 0 errors, 2 warnings")
        .stderr_contains("article has no tags");
}

/// The fixture with its two broken links mended: only warnings remain.
fn fix_links(site: &Site) {
    site.edit("content/articles/links.md", |t| {
        t.replace("/articles/no-such-article/", "/articles/guide/")
            .replace("(#nowhere)", "(#setup)")
    });
}

#[test]
fn root_relative_links_outside_the_base_path_are_warnings() {
    let site = Site::fixture("check");
    fix_links(&site);

    site.run(&["check", "--base-url", "https://example.github.io/notes/"])
        .success()
        .stderr_contains(
            "link `/articles/guide/#install` leads outside the site, whose pages start with `/notes/`",
        )
        .stderr_contains("content/articles/links.md:11:");
}

#[test]
fn check_writes_nothing() {
    let site = Site::fixture("check");
    let before = read_tree(site.root()).expect("the site");

    site.run(&["check"]).failure(1);

    assert!(!site.public().exists(), "check created public/");
    let after = read_tree(site.root()).expect("the site");
    assert_trees_equal(&before, &after);
}

#[test]
fn build_errors_are_reported_with_the_advice() {
    let site = Site::fixture("check");
    site.edit("content/articles/links.md", |t| {
        t.replace("tags: [links]", "tags: [links]\nrelated: [gide]")
    });

    site.run(&["check"])
        .failure(1)
        .stderr_contains("related article `gide` not found")
        .stderr_contains("content/articles/links.md:7:")
        .stderr_contains("summary is 225 characters long")
        .stdout_contains(
            "Checked 2 articles: 1 error, 2 warnings (links are checked once the errors are fixed)",
        );
}

#[test]
fn missing_images_are_errors() {
    let site = Site::fixture("check");
    fix_links(&site);
    site.edit("content/articles/links.md", |t| {
        format!("{t}\n![Plan](plan.svg)\n")
    });

    site.run(&["check"])
        .failure(1)
        .stderr_contains("missing image `plan.svg`")
        .stderr_contains("content/articles/links.md:21:");
}

#[test]
fn template_errors_name_the_template() {
    let site = Site::fixture("check");
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}{% block content %}{{ article.nope }}{% endblock %}\n",
    );

    site.run(&["check"])
        .failure(1)
        .stderr_contains("templates/article.html:1:")
        .stderr_contains("`nope` is not defined");
}

#[test]
fn drafts_are_checked_only_with_drafts() {
    let site = Site::fixture("check");
    fix_links(&site);
    site.write(
        "content/articles/draft.md",
        "---\ntitle: Draft\nauthor: ana\ndate: 2025-01-01\nsummary: Not yet.\ntags: [x]\ndraft: true\n---\n\n[Nowhere](/nowhere/)\n",
    );

    site.run(&["check"])
        .success()
        .stdout_contains("Checked 2 articles: 0 errors, 2 warnings");
    site.run(&["check", "--drafts"])
        .failure(1)
        .stdout_contains("Checked 3 articles: 1 error, 2 warnings")
        .stderr_contains("content/articles/draft.md:10:");
}

#[test]
fn timeout_needs_external() {
    let site = Site::fixture("check");
    site.run(&["check", "--timeout", "1"])
        .failure(2)
        .stderr_contains("--external");
}

// --- External links ---------------------------------------------------------------------

/// A tiny HTTP server on loopback: `/ok` answers 200, `/head-refused` 405 to HEAD and 200
/// to GET, `/switch` a `101 Switching Protocols`, anything else 404. It records every request, serves at most `limit` connections
/// and stops after 30 seconds whatever happens.
struct TestServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
}

impl TestServer {
    fn start(limit: usize) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(30);
            let mut served = 0;
            while served < limit && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        served += 1;
                        answer(stream, &log);
                    }
                    Err(_) => thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        TestServer { addr, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn answer(stream: std::net::TcpStream, log: &Mutex<Vec<String>>) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reader = BufReader::new(&stream);
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    // Skip the headers up to the blank line.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line.trim() != "" {
        line.clear();
    }
    let mut parts = first.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    log.lock().unwrap().push(format!("{method} {path}"));
    if path == "/switch" {
        // Not an answer to a link check: the client hands it back like a final status.
        let _ = write!(
            &stream,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n"
        );
        return;
    }
    let status = match (method, path) {
        (_, "/ok") => "200 OK",
        ("HEAD", "/head-refused") => "405 Method Not Allowed",
        (_, "/head-refused") => "200 OK",
        _ => "404 Not Found",
    };
    let _ = write!(
        &stream,
        "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

#[test]
fn external_links_that_fail_or_hang_are_warnings_with_file_and_line() {
    let server = TestServer::start(20);
    // Accepts connections (the system queues them) but never answers.
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let silent_url = format!("http://{}/slow", silent.local_addr().unwrap());
    let site = Site::fixture("check");
    fix_links(&site);
    site.write(
        "content/articles/outside.md",
        &format!(
            "---\ntitle: Outside\nauthor: ana\ndate: 2025-01-01\nsummary: Links to other sites.\ntags: [links]\nrelated:\n  - title: Gone\n    url: {gone}\n---\n\n[fine]({ok}) and [fine again]({ok}).\n\n[missing]({missing})\n\n[HEAD refused]({refused})\n\n[slow]({silent_url})\n",
            gone = server.url("/gone"),
            ok = server.url("/ok"),
            missing = server.url("/missing"),
            refused = server.url("/head-refused"),
        ),
    );

    let started = Instant::now();
    let out = site.run(&["check", "--external", "--timeout", "1"]);

    out.success()
        .stdout_contains("Checked 3 articles: 0 errors, 5 warnings")
        .stderr_contains(&format!(
            "external link answered 404: {}",
            server.url("/missing")
        ))
        .stderr_contains("content/articles/outside.md:14:")
        .stderr_contains("404 Not Found")
        .stderr_contains(&format!(
            "external link answered 404: {}",
            server.url("/gone")
        ))
        .stderr_contains("content/articles/outside.md:9:")
        .stderr_contains(&format!("external link did not answer: {silent_url}"))
        .stderr_contains("content/articles/outside.md:18:")
        .stderr_contains("no answer within 1 s")
        .stderr_lacks(&server.url("/ok"))
        .stderr_lacks("/head-refused");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    let requests = server.requests();
    let count = |r: &str| requests.iter().filter(|x| *x == r).count();
    assert_eq!(count("HEAD /ok"), 1, "each URL is asked once: {requests:?}");
    assert_eq!(count("HEAD /head-refused"), 1, "{requests:?}");
    assert_eq!(
        count("GET /head-refused"),
        1,
        "GET after a 405: {requests:?}"
    );
    drop(silent);
}

#[test]
fn external_links_are_not_fetched_without_external() {
    let server = TestServer::start(5);
    let site = Site::fixture("check");
    site.write(
        "content/articles/outside.md",
        &format!(
            "---\ntitle: Outside\nauthor: ana\ndate: 2025-01-01\nsummary: A link.\ntags: [x]\n---\n\n[missing]({})\n",
            server.url("/missing")
        ),
    );

    site.run(&["check"]).stderr_lacks("external link");
    assert!(server.requests().is_empty());
}

#[test]
fn an_external_link_that_answers_no_page_is_not_checked_never_fine() {
    let server = TestServer::start(5);
    let site = Site::fixture("check");
    fix_links(&site);
    site.write(
        "content/articles/outside.md",
        &format!(
            "---\ntitle: Outside\nauthor: ana\ndate: 2025-01-01\nsummary: Links.\ntags: [x]\n---\n\n[confusing]({confusing})\n\n[missing]({missing})\n",
            confusing = server.url("/switch"),
            missing = server.url("/missing"),
        ),
    );

    site.run(&["check", "--external", "--timeout", "5"])
        .success()
        .stdout_contains("Checked 3 articles: 0 errors, 4 warnings")
        .stderr_contains(&format!(
            "external link not checked: {}",
            server.url("/switch")
        ))
        .stderr_contains("content/articles/outside.md:9:")
        .stderr_contains("the server answered 101 Switching Protocols instead of a page")
        .stderr_contains(&format!(
            "external link answered 404: {}",
            server.url("/missing")
        ));
    assert!(
        server.requests().contains(&"HEAD /switch".to_string()),
        "{:?}",
        server.requests()
    );
}
