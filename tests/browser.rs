//! What an author sees in the browser with `folio serve --watch`: saves show up in the open
//! page by themselves (at 127.0.0.1 and at localhost), build errors show as an overlay until
//! fixed, stylesheet changes apply without a reload, and an open page survives the server
//! restarting. A page under another name that resolves to 127.0.0.1 gets only a 403. And
//! what a reader sees of search (`browser/search.rs`).
//!
//! Each test has its own copy of the example site, its own server on a free port and its own
//! headless Chromium. Without /usr/bin/chromium and /usr/bin/chromedriver the tests skip,
//! unless FOLIO_BROWSER_TESTS=1 (as on CI) makes that a failure. tests/accessibility.rs uses
//! the same harness to run axe-core on every kind of page.

// Shared with tests/accessibility.rs, which uses parts of it this file does not.
#[allow(dead_code)]
#[path = "browser/harness.rs"]
mod harness;
#[path = "browser/search.rs"]
mod search;
// The benchmark corpus generator, for the search download test; its `main` is not used.
#[allow(dead_code, unused_imports)]
#[path = "../examples/gen_corpus/main.rs"]
mod gen_corpus;

use harness::{Browser, REBOUND_NAME, Server, Site, TIMEOUT, browser_installed};

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
fn saved_markdown_shows_in_the_open_page_without_a_manual_reload() {
    if !browser_installed() {
        return;
    }
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
fn broken_front_matter_shows_an_overlay_with_file_and_line_and_fixing_removes_it() {
    if !browser_installed() {
        return;
    }
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
fn stylesheet_change_applies_without_reloading_the_page() {
    if !browser_installed() {
        return;
    }
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
fn page_reconnects_after_the_server_restarts() {
    if !browser_installed() {
        return;
    }
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
fn site_broken_at_startup_shows_the_overlay_and_fixing_it_shows_the_page() {
    if !browser_installed() {
        return;
    }
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
fn a_page_opened_at_localhost_follows_saves_too() {
    if !browser_installed() {
        return;
    }
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
fn a_page_under_a_rebound_name_gets_403_and_no_draft() {
    if !browser_installed() {
        return;
    }
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
fn moving_through_many_pages_never_stalls_on_live_reload_streams() {
    if !browser_installed() {
        return;
    }
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
fn an_article_shows_callouts_a_figure_and_a_video_that_loads_only_when_clicked() {
    if !browser_installed() {
        return;
    }
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
