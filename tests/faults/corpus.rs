//! Generated articles for fault and load tests: many small, valid articles on top of the
//! `basic` fixture, written straight into the site (no need to build the corpus example).

#![allow(dead_code)] // faults.rs and serve_load.rs each use a different part

use std::fs;
use std::path::Path;

use crate::support::Site;

/// The text of a valid article by `ana` dated `date`, with `paragraphs` paragraphs of body.
pub fn article(title: &str, date: &str, summary: &str, paragraphs: usize) -> String {
    let mut text = format!(
        "---\ntitle: {title}\nauthor: ana\ndate: {date}\nsummary: {summary}\n\
         tags: [reliability, load]\n---\n\n## Why it matters\n\n"
    );
    for n in 0..paragraphs {
        text.push_str(&format!(
            "Paragraph {n} of {title}: retries, queues and timeouts hold a system up only \
             when each has a budget, and *every* budget is written down.\n\n"
        ));
    }
    text
}

/// A date in 2024 that varies with `n`, so listings have a stable, mixed order.
pub fn date_of(n: usize) -> String {
    format!("2024-{:02}-{:02}", n % 12 + 1, n % 28 + 1)
}

/// The `basic` fixture with `n` extra articles `content/articles/gen-NNNN.md`, each with
/// `paragraphs` paragraphs, and no social cards: drawing hundreds of them takes a minute in
/// a debug build, and these sites test faults and load, not pictures.
pub fn site_with_articles(n: usize, paragraphs: usize) -> Site {
    let site = site_with_articles_and_cards(n, paragraphs);
    without_cards(&site);
    site
}

/// Turn the site's social cards off (see `site_with_articles`).
pub fn without_cards(site: &Site) {
    site.edit("config.toml", |text| {
        format!("{text}\n[cards]\nenabled = false\n")
    });
}

/// `site_with_articles` with the social cards of the `basic` fixture.
pub fn site_with_articles_and_cards(n: usize, paragraphs: usize) -> Site {
    let site = Site::fixture("basic");
    write_articles(&site.path("content/articles"), "gen", n, paragraphs);
    site
}

/// Writes `n` articles `<prefix>-NNNN.md` into `dir` (created if missing).
pub fn write_articles(dir: &Path, prefix: &str, n: usize, paragraphs: usize) {
    fs::create_dir_all(dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    for i in 0..n {
        let title = format!("Generated article {prefix} {i}");
        let text = article(
            &title,
            &date_of(i),
            &format!("Summary of {title}."),
            paragraphs,
        );
        let path = dir.join(format!("{prefix}-{i:04}.md"));
        fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}

/// Saves the way most editors do: a temporary file beside `path`, renamed over it.
pub fn save_by_rename(path: &Path, text: &str) {
    let name = path
        .file_name()
        .expect("a file name")
        .to_string_lossy()
        .into_owned();
    let temp = path.with_file_name(format!(".{name}.tmp"));
    fs::write(&temp, text).unwrap_or_else(|e| panic!("write {}: {e}", temp.display()));
    fs::rename(&temp, path).unwrap_or_else(|e| panic!("rename over {}: {e}", path.display()));
}
