//! Articles and images deleted while a build reads them: the build succeeds, or fails with
//! an error naming each missing file; it never panics or hangs, and a failed build leaves
//! the previous output as it was.

use std::fs;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::corpus;
use crate::support::{Site, assert_trees_equal, read_tree};

const ARTICLES: usize = 1000;
const PICTURES: usize = 60;
/// Longer than any build of the test site may take: only here to turn a hang into a failure.
const HANG: Duration = Duration::from_secs(120);

const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"/>\n";

fn picture_article(i: usize) -> String {
    let mut text = corpus::article(
        &format!("Picture {i}"),
        &corpus::date_of(i),
        "An article with a diagram.",
        2,
    );
    text.push_str("![The plan](diagram.svg)\n");
    text
}

/// Every `round`-th of the generated articles and pictures, relative to the site root.
fn victims(round: usize, rounds: usize) -> Vec<String> {
    let articles = (round..ARTICLES)
        .step_by(rounds)
        .map(|i| format!("content/articles/gen-{i:04}.md"));
    let pictures = (round..PICTURES)
        .step_by(rounds)
        .map(|i| format!("content/articles/pic-{i:02}/diagram.svg"));
    articles.chain(pictures).collect()
}

/// Puts every file of the site back as it was generated.
fn restore(site: &Site, files: &[String]) {
    for rel in files {
        let text = match rel.strip_prefix("content/articles/gen-") {
            Some(rest) => {
                let i: usize = rest.trim_end_matches(".md").parse().expect("a number");
                let title = format!("Generated article gen {i}");
                corpus::article(
                    &title,
                    &corpus::date_of(i),
                    &format!("Summary of {title}."),
                    4,
                )
            }
            None => SVG.to_owned(),
        };
        site.write(rel, &text);
    }
}

/// What one build printed and how it ended.
struct Run {
    code: Option<i32>,
    stderr: String,
}

/// `folio build` of `site` while another thread deletes `files` (after `delay`, one every
/// `gap`); panics if the build hangs.
fn build_while_deleting(site: &Site, files: &[String], delay: Duration, gap: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
        .arg("build")
        .arg("--root")
        .arg(site.root())
        .arg("--output")
        .arg(site.public())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start folio build");
    let mut stderr_pipe = child.stderr.take().expect("piped stderr");
    let reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr_pipe.read_to_string(&mut text);
        text
    });
    let paths: Vec<PathBuf> = files.iter().map(|rel| site.path(rel)).collect();
    let deleter = thread::spawn(move || {
        thread::sleep(delay);
        for path in paths {
            let _ = fs::remove_file(path);
            thread::sleep(gap);
        }
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll the build") {
            break status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("folio build hung while files were deleted");
        }
        thread::sleep(Duration::from_millis(10));
    };
    deleter.join().expect("the deleting thread");
    Run {
        code: status.code(),
        stderr: reader.join().expect("the stderr reader"),
    }
}

#[test]
fn files_deleted_during_a_build_get_per_file_errors_never_a_panic_or_hang() {
    let site = corpus::site_with_articles(ARTICLES, 4);
    for i in 0..PICTURES {
        site.write(
            &format!("content/articles/pic-{i:02}/index.md"),
            &picture_article(i),
        );
        site.write(&format!("content/articles/pic-{i:02}/diagram.svg"), SVG);
    }
    site.build().success();
    let public = site.public();
    // Deletions start at different moments of the build: while walking, reading, rendering.
    let plan = [(0, 100), (40, 300), (120, 300), (300, 200), (600, 100)];
    let mut outcomes = Vec::new();
    for (round, (delay, gap)) in plan.into_iter().enumerate() {
        let files = victims(round, plan.len());
        let before = read_tree(&public).expect("the previous output");
        let run = build_while_deleting(
            &site,
            &files,
            Duration::from_millis(delay),
            Duration::from_micros(gap),
        );
        let context = format!("round {round}: exit {:?}\n{}", run.code, run.stderr);
        assert!(
            !run.stderr.contains("panicked"),
            "folio panicked, {context}"
        );
        match run.code {
            Some(0) => outcomes.push(format!("round {round}: built")),
            Some(1) => {
                let lines: Vec<&str> = run.stderr.lines().collect();
                let errors: Vec<usize> = (0..lines.len())
                    .filter(|&n| lines[n].trim_start().starts_with('×'))
                    .collect();
                // Each error is drawn with the file it concerns on the next line (`-->`).
                let located = run.stderr.matches("-->").count();
                assert!(!errors.is_empty(), "no error shown, {context}");
                assert!(located >= errors.len(), "an error names no file, {context}");
                assert!(
                    run.stderr.contains("content/articles/"),
                    "no article named, {context}"
                );
                assert_trees_equal(&before, &read_tree(&public).expect("the output"));
                let last = *errors.last().expect("an error");
                outcomes.push(format!(
                    "round {round}: failed with {} errors, the last: {} {}",
                    errors.len(),
                    lines[last].trim(),
                    lines.get(last + 1).map_or("", |l| l.trim())
                ));
            }
            other => panic!("unexpected exit {other:?}, {context}"),
        }
        restore(&site, &files);
    }
    eprintln!("{}", outcomes.join("\n"));
    site.build().success().no_staging_leftovers();
}
