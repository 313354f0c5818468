//! Every kind of page of the example site passes axe-core (WCAG 2.1 A and AA, and axe's best
//! practices) in headless Chromium: at phone and desktop widths, in the light and the dark
//! colour scheme, as `folio build` writes it and a static host serves it. Uses the browser
//! tests' harness; needs axe-core too (`.ci/run` installs it with npm into target/axe/, or
//! set FOLIO_AXE), and is ignored where the build script found either missing. A test binary
//! of its own, so its browser work never slows the live-reload tests' waits.

#[allow(dead_code)]
#[path = "browser/harness.rs"]
mod harness;

use harness::{Browser, Site, StaticServer, axe_script};

/// One kind of page of the example site, and where it is.
const PAGE_KINDS: &[(&str, &str)] = &[
    ("index", "/"),
    (
        "article with code in eight languages",
        "/articles/deadlines-in-every-layer/",
    ),
    (
        "article with callouts, a figure, a video and a series",
        "/articles/reading-explain-analyze/",
    ),
    ("series page", "/series/postgres-in-production/"),
    ("author page", "/authors/ines/"),
    ("tag list", "/tags/"),
    ("tag page", "/tags/reliability/"),
    ("page 2", "/page/2/"),
    ("404 page", "/no-such-page/"),
];

/// Runs axe-core on the open page; returns its violations as readable lines (rule, impact,
/// what to fix, and each node with its HTML and axe's summary).
fn axe_violations(browser: &Browser, axe: &str) -> Vec<String> {
    let script = format!(
        "{axe}\n;var done = arguments[arguments.length - 1];
         axe.run(document, {{ resultTypes: ['violations'] }}).then(function (r) {{
           done(r.violations.map(function (v) {{
             return {{ id: v.id, impact: v.impact, help: v.help,
                       nodes: v.nodes.map(function (n) {{
                         return {{ target: n.target.join(' '), html: n.html, summary: n.failureSummary }};
                       }}) }};
           }}));
         }}, function (e) {{ done({{ error: String(e) }}); }});"
    );
    let result = browser
        .eval_async(&script)
        .unwrap_or_else(|e| panic!("running axe failed: {e}"));
    if let Some(error) = result.get("error") {
        panic!("axe failed on the page: {error}");
    }
    let mut lines = Vec::new();
    for v in result.as_array().cloned().unwrap_or_default() {
        let nodes = v["nodes"].as_array().cloned().unwrap_or_default();
        lines.push(format!(
            "{} ({}, {} node(s)): {}",
            v["id"].as_str().unwrap_or("?"),
            v["impact"].as_str().unwrap_or("?"),
            nodes.len(),
            v["help"].as_str().unwrap_or("")
        ));
        for n in nodes {
            let summary = n["summary"].as_str().unwrap_or("").replace('\n', " ");
            lines.push(format!(
                "      {}  {}\n        {summary}",
                n["target"].as_str().unwrap_or("?"),
                n["html"]
                    .as_str()
                    .unwrap_or("")
                    .chars()
                    .take(160)
                    .collect::<String>()
            ));
        }
    }
    lines
}

#[test]
#[cfg_attr(
    not(all(folio_has_chromium, folio_has_axe)),
    ignore = "needs chromium, chromedriver and axe-core (see the README's Development section)"
)]
fn every_page_kind_passes_axe_in_light_and_dark_at_phone_and_desktop_widths() {
    let axe = axe_script();
    let site = Site::example();
    // The built site as a static host serves it: this checks the theme, not `folio serve`.
    let server = StaticServer::build_and_serve(&site);
    let browser = Browser::new();
    // First prove the check can fail: an image without a text alternative is reported.
    browser.goto(&server.page("/"));
    browser.eval("document.body.insertAdjacentHTML('beforeend', '<img src=\\'data:,\\'>') || true");
    let planted = axe_violations(&browser, &axe);
    assert!(
        planted.iter().any(|l| l.starts_with("image-alt ")),
        "axe did not report an <img> without alt: {planted:?}"
    );
    let mut report = Vec::new();
    let mut checked = 0;
    for width in [360, 1280] {
        for dark in [false, true] {
            browser.emulate(width, dark);
            for (kind, path) in PAGE_KINDS {
                browser.goto(&server.page(path));
                let scheme = if dark { "dark" } else { "light" };
                assert_eq!(
                    browser.eval("matchMedia('(prefers-color-scheme: dark)').matches"),
                    dark,
                    "the {scheme} scheme is not in effect"
                );
                assert_eq!(browser.eval("window.innerWidth"), width);
                checked += 1;
                let found = axe_violations(&browser, &axe);
                if !found.is_empty() {
                    report.push(format!("{kind} {path} at {width} px, {scheme}:"));
                    report.extend(found.into_iter().map(|l| format!("  {l}")));
                }
            }
        }
    }
    assert_eq!(checked, PAGE_KINDS.len() * 4);
    assert!(
        report.is_empty(),
        "axe-core found accessibility violations:\n{}",
        report.join("\n")
    );
}

/// FOLIO_BROWSER_TESTS=1 (CI) requires the check above to run: compiled as ignored, it could
/// not, and that fails here.
#[cfg(not(all(folio_has_chromium, folio_has_axe)))]
#[test]
fn folio_browser_tests_1_fails_when_the_accessibility_check_is_ignored() {
    assert!(
        !harness::browser_tests_required(),
        "FOLIO_BROWSER_TESTS=1, but chromium, chromedriver or axe-core was missing when this \
         test was compiled, so the accessibility check is ignored; install them (README, \
         Development) and build the tests again"
    );
}
