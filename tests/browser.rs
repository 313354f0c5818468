//! What an author sees in the browser with `folio serve --watch`: saves show up in the open
//! page by themselves (at 127.0.0.1 and at localhost), build errors show as an overlay until
//! fixed, stylesheet changes apply without a reload, and an open page survives the server
//! restarting. A page under another name that resolves to 127.0.0.1 gets only a 403. As a
//! writer works (serve started inside the site, no `--root`): deleting an article another
//! links to shows the broken link's file and line, and a template that loops without writing
//! is stopped by the deadline; fixing either recovers. And what a reader sees of search
//! (`browser/search.rs`).
//!
//! Each test has its own copy of the example site, its own server on a free port and its own
//! headless Chromium. Where the build script found no /usr/bin/chromium and
//! /usr/bin/chromedriver (or the ones `FOLIO_CHROMIUM` and `FOLIO_CHROMEDRIVER` name) when
//! the tests were compiled, they are ignored (run anyway with `--include-ignored`, they fail
//! saying what to install); FOLIO_BROWSER_TESTS=1 (CI) makes that a failure too. tests/accessibility.rs uses the same harness to run axe-core on every
//! kind of page.

// Shared with tests/accessibility.rs, which uses parts of it this file does not.
#[allow(dead_code)]
#[path = "browser/harness.rs"]
mod harness;
#[path = "support/process.rs"]
mod process;
#[path = "browser/search.rs"]
mod search;
// The benchmark corpus generator, for the search download test; its `main` is not used.
#[allow(dead_code, unused_imports)]
#[path = "../examples/gen_corpus/main.rs"]
mod gen_corpus;

use std::fs;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use harness::{Browser, REBOUND_NAME, Server, Site, TIMEOUT};
use process::cpu_ticks;

const ARTICLE: &str = "content/articles/retry-budgets.md";
const ARTICLE_URL: &str = "/articles/retry-budgets/";
const STYLESHEET: &str = "themes/default/static/css/style.css";

/// Waits until `js` is truthy in the page, failing with what the server printed.
fn wait(browser: &Browser, server: &Server, js: &str, what: &str) {
    if let Err(e) = browser.wait_until(js, TIMEOUT) {
        panic!(
            "{what}: {e}\n--- the page ---\n{}\n--- folio serve printed ---\n{}",
            page_state(browser),
            server.log()
        );
    }
}

/// What the page looks like to the live-reload machinery, for failure messages.
fn page_state(browser: &Browser) -> String {
    let state = browser.try_eval(
        "JSON.stringify({
             url: location.href,
             marker: window.__folioMarker,
             streams: (window.__folioStreams || []).map(function (s) {
                 return s.url + ' readyState=' + s.readyState;
             }),
             overlay: !!document.getElementById('folio-error-overlay'),
         })",
    );
    match state {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(e) => format!("(could not look: {e})"),
    }
}

/// Opens `path` and waits until its live-reload stream is connected, so that every change
/// made from now on reaches the page.
fn open_live(browser: &Browser, server: &Server, path: &str) {
    open_live_at(browser, server, &server.page(path));
}

/// `open_live` for a whole URL.
fn open_live_at(browser: &Browser, server: &Server, url: &str) {
    browser.goto(url);
    if let Err(e) = browser.wait_until_live(TIMEOUT) {
        panic!(
            "the page never connected to /__folio/events: {e}\n--- folio serve printed ---\n{}",
            server.log()
        );
    }
}

/// A JavaScript string literal.
fn js_str(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

fn body_contains(text: &str) -> String {
    format!(
        "document.body && document.body.innerText.includes({})",
        js_str(text)
    )
}

#[test]
#[cfg_attr(
    not(folio_has_chromium),
    ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
)]
fn saved_markdown_shows_in_the_open_page_without_a_manual_reload() {
    let site = Site::example();
    let server = Server::start(site.root());
    let browser = Browser::new();
    open_live(&browser, &server, ARTICLE_URL);
    let sentence = format!(
        "Budget sentinel {}: the retry ratio held below ten percent all week.",
        std::process::id()
    );
    assert_eq!(browser.eval(&body_contains(&sentence)), false);

    site.append(ARTICLE, &format!("\n\n{sentence}\n"));

    wait(
        &browser,
        &server,
        &body_contains(&sentence),
        "the appended paragraph never showed in the open page",
    );
}

#[test]
#[cfg_attr(
    not(folio_has_chromium),
    ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
)]
fn broken_front_matter_shows_an_overlay_with_file_and_line_and_fixing_removes_it() {
    let site = Site::example();
    let original = site.read(ARTICLE);
    let line2 = original.lines().nth(1).unwrap_or_default();
    assert!(
        line2.starts_with("title:"),
        "line 2 of {ARTICLE} is `{line2}`"
    );
    let server = Server::start(site.root());
    let browser = Browser::new();
    open_live(&browser, &server, ARTICLE_URL);
    let title_shown = "Array.prototype.some.call(document.querySelectorAll('h1'), function (h) {
                           return h.textContent.includes('Retry budgets');
                       })";
    assert_eq!(
        browser.eval(title_shown),
        true,
        "the article's h1 before the test"
    );

    let broken = original.replacen("\ntitle:", "\ntitel:", 1);
    site.save(ARTICLE, &broken);

    let overlay = "document.getElementById('folio-error-overlay')";
    wait(
        &browser,
        &server,
        &format!(
            "{overlay} && {overlay}.innerText.includes('retry-budgets.md:2') \
             && {overlay}.innerText.includes('titel')"
        ),
        "no error overlay naming retry-budgets.md:2 and `titel`",
    );

    site.save(ARTICLE, &original);

    wait(
        &browser,
        &server,
        &format!("!{overlay} && ({title_shown})"),
        "after the fix, the overlay should be gone and the article shown",
    );
}

#[test]
#[cfg_attr(
    not(folio_has_chromium),
    ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
)]
fn stylesheet_change_applies_without_reloading_the_page() {
    let site = Site::example();
    let server = Server::start(site.root());
    let browser = Browser::new();
    open_live(&browser, &server, ARTICLE_URL);
    browser.eval("window.__folioMarker = 42");
    assert_eq!(
        browser.eval("getComputedStyle(document.body).outlineWidth === '7px'"),
        false
    );

    site.append(STYLESHEET, "\nbody { outline: 7px solid rgb(1, 2, 3) }\n");

    wait(
        &browser,
        &server,
        "getComputedStyle(document.body).outlineWidth === '7px'",
        "the new rule in style.css never applied to the open page",
    );
    assert_eq!(
        browser.eval("getComputedStyle(document.body).outlineColor"),
        "rgb(1, 2, 3)"
    );
    assert_eq!(
        browser.eval("window.__folioMarker === 42"),
        true,
        "the page reloaded for a stylesheet-only change"
    );
}

#[test]
#[cfg_attr(
    not(folio_has_chromium),
    ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
)]
fn page_reconnects_after_the_server_restarts() {
    let site = Site::example();
    let server = Server::start(site.root());
    let port = server.port;
    let browser = Browser::new();
    open_live(&browser, &server, ARTICLE_URL);
    browser.eval("window.__folioMarker = 7");

    drop(server);
    if let Err(e) = browser.wait_until(
        "!window.__folioStreams.some(function (s) { return s.readyState === 1; })",
        TIMEOUT,
    ) {
        panic!("the page never noticed the server went away: {e}");
    }
    // Saved while nothing serves: the restarted server builds it, and the page, seeing a
    // different server, reloads to show it.
    let offline = format!(
        "Offline edit {}: saved while the server was down.",
        std::process::id()
    );
    site.append(ARTICLE, &format!("\n\n{offline}\n"));

    let server = Server::start_on(site.root(), port);
    wait(
        &browser,
        &server,
        &body_contains(&offline),
        "after the restart, the open page never showed the edit made while it was down",
    );
    assert_eq!(
        browser.eval("window.__folioMarker === undefined"),
        true,
        "the page showed the edit without reloading?"
    );

    // And it is live again: the next save shows too.
    if let Err(e) = browser.wait_until_live(TIMEOUT) {
        panic!(
            "the page did not reconnect: {e}\n--- folio serve printed ---\n{}",
            server.log()
        );
    }
    let online = format!(
        "Online edit {}: saved after the restart.",
        std::process::id()
    );
    site.append(ARTICLE, &format!("\n\n{online}\n"));
    wait(
        &browser,
        &server,
        &body_contains(&online),
        "after the restart, a new save never showed in the open page",
    );
}

#[test]
#[cfg_attr(
    not(folio_has_chromium),
    ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
)]
fn site_broken_at_startup_shows_the_overlay_and_fixing_it_shows_the_page() {
    let site = Site::example();
    let original = site.read(ARTICLE);
    site.save(ARTICLE, &original.replacen("\ntitle:", "\ntitel:", 1));
    let server = Server::start(site.root());
    let browser = Browser::new();
    open_live(&browser, &server, ARTICLE_URL);

    let overlay = "document.getElementById('folio-error-overlay')";
    wait(
        &browser,
        &server,
        &format!("{overlay} && {overlay}.innerText.includes('retry-budgets.md:2')"),
        "a site broken at startup should show the error overlay",
    );

    site.save(ARTICLE, &original);

    wait(
        &browser,
        &server,
        &format!(
            "!{overlay} && Array.prototype.some.call(document.querySelectorAll('h1'), \
             function (h) {{ return h.textContent.includes('Retry budgets'); }})"
        ),
        "after the fix, the article should show without a manual reload",
    );
}

#[test]
#[cfg_attr(
    not(folio_has_chromium),
    ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
)]
fn a_page_opened_at_localhost_follows_saves_too() {
    let site = Site::example();
    let server = Server::start(site.root());
    let browser = Browser::new();
    open_live_at(&browser, &server, &server.page_at("localhost", ARTICLE_URL));
    let sentence = format!("Localhost sentinel {}.", std::process::id());
    site.append(ARTICLE, &format!("\n\n{sentence}\n"));
    wait(
        &browser,
        &server,
        &body_contains(&sentence),
        "the page at localhost never showed the saved paragraph",
    );
}

#[test]
#[cfg_attr(
    not(folio_has_chromium),
    ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
)]
fn a_page_under_a_rebound_name_gets_403_and_no_draft() {
    let site = Site::example();
    let server = Server::start(site.root());
    let browser = Browser::new();
    browser.goto(&server.page_at(REBOUND_NAME, ARTICLE_URL));
    wait(
        &browser,
        &server,
        &format!(
            "{} && !document.querySelector('h1')",
            body_contains("Forbidden: this preview answers only to")
        ),
        "a page under another name was not refused",
    );
}

#[test]
#[cfg_attr(
    not(folio_has_chromium),
    ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
)]
fn moving_through_many_pages_never_stalls_on_live_reload_streams() {
    let site = Site::example();
    let server = Server::start(site.root());
    let browser = Browser::new();
    // Chromium keeps left pages in its back/forward cache; had they kept their live-reload
    // streams open, the seventh page would wait for one of its six connections to the host.
    let pages = [
        "/",
        "/tags/",
        "/page/2/",
        "/authors/ines/",
        ARTICLE_URL,
        "/tags/http/",
    ];
    for (n, path) in pages.iter().cycle().take(14).enumerate() {
        let started = std::time::Instant::now();
        browser.goto(&server.page(path));
        let took = started.elapsed();
        assert!(
            took < TIMEOUT,
            "opening page {} ({path}) took {took:?}\n--- folio serve printed ---\n{}",
            n + 1,
            server.log()
        );
    }
}

/// Every resource the page fetched so far, as absolute URLs (Resource Timing).
const FETCHED: &str =
    "performance.getEntriesByType('resource').map(function (e) { return e.name; })";

#[test]
#[cfg_attr(
    not(folio_has_chromium),
    ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
)]
fn an_article_shows_callouts_a_figure_and_a_video_that_loads_only_when_clicked() {
    let site = Site::example();
    let server = Server::start(site.root());
    let browser = Browser::new();
    let article = "/articles/reading-explain-analyze/";
    browser.goto(&server.page(article));
    wait(
        &browser,
        &server,
        "document.readyState === 'complete'",
        "the article never loaded",
    );
    assert_eq!(
        browser.eval("document.querySelectorAll('.callout[role=note] .callout-title').length"),
        2
    );
    assert_eq!(
        browser.eval("!!document.querySelector('figure img') && !!document.querySelector('figure figcaption').textContent"),
        true
    );
    // Until the reader asks, nothing comes from the video's host: no frame, no request.
    assert_eq!(
        browser.eval("document.querySelectorAll('iframe').length"),
        0
    );
    let origin = browser.eval("location.origin");
    let fetched = browser.eval(FETCHED);
    for url in fetched.as_array().expect("a list") {
        let url = url.as_str().unwrap_or_default();
        assert!(
            url.starts_with(origin.as_str().unwrap_or("?")),
            "{url} was fetched before the click"
        );
    }

    browser.click(".embed .embed-play");

    wait(
        &browser,
        &server,
        "document.querySelector('.embed iframe') \
         && document.querySelector('.embed iframe').src.indexOf('https://www.youtube-nocookie.com/embed/') === 0",
        "clicking the video never put the player in its place",
    );
    assert_eq!(
        browser.eval("location.pathname"),
        article,
        "the click opened the player in the page, not the video's page"
    );
    assert_eq!(
        browser.eval("document.querySelector('.embed iframe').title"),
        "YouTube video"
    );
}

/// FOLIO_BROWSER_TESTS=1 (CI) requires the tests above to run: compiled as ignored, they
/// could not, and that fails here.
#[cfg(not(folio_has_chromium))]
#[test]
fn folio_browser_tests_1_fails_when_the_browser_tests_are_ignored() {
    assert!(
        !harness::browser_tests_required(),
        "FOLIO_BROWSER_TESTS=1, but chromium or chromedriver was missing when these tests were \
         compiled, so they are ignored; apt-get install chromium chromium-driver and build the \
         tests again"
    );
}

// --- Serving as writers start it, and recovering from what they break ---------------------

#[test]
#[cfg_attr(
    not(folio_has_chromium),
    ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
)]
fn serve_started_inside_the_site_without_root_follows_saves() {
    let site = Site::example();
    let server = Server::start_in(site.root(), &[]);
    let browser = Browser::new();
    open_live(&browser, &server, ARTICLE_URL);
    let sentence = format!(
        "Inside sentinel {}: saved while serving from inside the site folder.",
        std::process::id()
    );
    assert_eq!(browser.eval(&body_contains(&sentence)), false);

    site.save(ARTICLE, &format!("{}\n\n{sentence}\n", site.read(ARTICLE)));

    wait(
        &browser,
        &server,
        &body_contains(&sentence),
        "serving from inside the site with no --root, the save never showed in the open page",
    );
}

/// The error overlay, once it shows every one of `texts`.
fn overlay_with(texts: &[&str]) -> String {
    let overlay = "document.getElementById('folio-error-overlay')";
    let mut js = overlay.to_string();
    for text in texts {
        js += &format!(" && {overlay}.innerText.includes({})", js_str(text));
    }
    js
}

const NO_OVERLAY: &str = "!document.getElementById('folio-error-overlay')";

#[test]
#[cfg_attr(
    not(folio_has_chromium),
    ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
)]
fn deleting_a_linked_article_shows_the_missing_link_and_restoring_it_shows_the_link() {
    let site = Site::example();
    // Every article of the example that others link to is pinned in some "More articles"
    // list too, whose error would come first: so the linked article is one of the test's own.
    let note = "content/articles/browser-note.md";
    let note_text = "---\ntitle: A note for the browser test\nauthor: ines\ndate: 2024-01-02\n\
                     summary: Linked from the retry budgets article.\ntags: [testing]\n---\n\n\
                     A short note.\n";
    site.save(note, note_text);
    let linking = format!(
        "{}\n\nSee also [the browser note](browser-note.md).\n",
        site.read(ARTICLE)
    );
    site.save(ARTICLE, &linking);
    let line = 1 + linking
        .lines()
        .position(|l| l.contains("(browser-note.md)"))
        .expect("the link's line");
    let link_shown = "Array.prototype.some.call(document.querySelectorAll('a'), function (a) {
                          return a.getAttribute('href') === '/articles/browser-note/'
                              && a.textContent === 'the browser note';
                      })";
    let server = Server::start_in(site.root(), &[]);
    let browser = Browser::new();
    open_live(&browser, &server, ARTICLE_URL);
    assert_eq!(browser.eval(link_shown), true, "the link before the test");

    fs::remove_file(site.path(note)).expect("delete the linked article");

    wait(
        &browser,
        &server,
        &overlay_with(&[
            "link to a missing article `browser-note.md`",
            &format!("retry-budgets.md:{line}:"),
        ]),
        "no overlay naming the missing link's file and line",
    );

    site.save(note, note_text);

    wait(
        &browser,
        &server,
        &format!("{NO_OVERLAY} && ({link_shown})"),
        "after the article came back, the overlay should be gone and the link shown",
    );
}

/// Requests `path` every 100 ms on a thread of its own until `stop` is set; returns the
/// slowest answer and any failure.
fn keep_asking(url: String, stop: Arc<AtomicBool>) -> JoinHandle<(Duration, Vec<String>)> {
    thread::spawn(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .timeout_global(Some(TIMEOUT))
            .build()
            .into();
        let (mut slowest, mut failures) = (Duration::ZERO, Vec::new());
        while !stop.load(Ordering::Relaxed) {
            let started = Instant::now();
            match agent.get(&url).call() {
                Ok(reply) if reply.status() == 200 => {}
                Ok(reply) => failures.push(format!("{url}: status {}", reply.status())),
                Err(e) => failures.push(format!("{url}: {e}")),
            }
            slowest = slowest.max(started.elapsed());
            thread::sleep(Duration::from_millis(100));
        }
        (slowest, failures)
    })
}

#[test]
#[cfg_attr(
    not(folio_has_chromium),
    ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
)]
fn a_template_that_loops_for_ever_shows_the_overlay_and_deleting_it_recovers() {
    let site = Site::example();
    let config = site.read("config.toml");
    site.save(
        "config.toml",
        &config.replacen("page_render_seconds = 5", "page_render_seconds = 1", 1),
    );
    assert!(site.read("config.toml").contains("page_render_seconds = 1"));
    let server = Server::start_in(site.root(), &[]);
    let browser = Browser::new();
    open_live(&browser, &server, ARTICLE_URL);
    let stop = Arc::new(AtomicBool::new(false));
    let asking = keep_asking(server.page("/"), stop.clone());

    // A site override of the theme's article template, in a templates/ folder made now.
    site.save(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}\n\
         {% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}\n\
         {% endblock content %}\n",
    );

    wait(
        &browser,
        &server,
        &overlay_with(&[
            "template `article.html` did not finish within 1 s",
            "templates/article.html:3:",
        ]),
        "no overlay naming the looping template",
    );

    fs::remove_file(site.path("templates/article.html")).expect("delete the override");

    let title_shown = "Array.prototype.some.call(document.querySelectorAll('h1'), function (h) {
                           return h.textContent.includes('Retry budgets');
                       })";
    wait(
        &browser,
        &server,
        &format!("{NO_OVERLAY} && ({title_shown})"),
        "after the override was deleted, the overlay should be gone and the article shown",
    );
    stop.store(true, Ordering::Relaxed);
    let (slowest, failures) = asking.join().expect("the asking thread");
    assert!(
        failures.is_empty(),
        "requests failed meanwhile: {failures:?}"
    );
    assert!(
        slowest < Duration::from_secs(2),
        "a page took {slowest:?} while the template looped\n{}",
        server.log()
    );
    // Nothing keeps spinning: the server is idle again.
    thread::sleep(Duration::from_millis(500));
    let before = cpu_ticks(server.pid());
    thread::sleep(Duration::from_secs(2));
    let used = cpu_ticks(server.pid()) - before;
    assert!(
        used < 50,
        "the server used {used} ticks of CPU in 2 s while idle\n{}",
        server.log()
    );
}
