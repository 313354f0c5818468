//! One file cannot take unbounded time, memory or disk: each of these inputs fails with a
//! clear error (file and line) or builds correctly, well within bounds the unbounded
//! versions could not meet. The binary is a debug build, so the bounds are generous.

use std::time::{Duration, Instant};

use crate::server::Server;
use crate::support::Site;
use crate::support::process::cpu_ticks;

const A: &str = "content/articles/timeouts.md";
const TAGS: &str = "tags: [reliability, apis]\n";

#[test]
fn aliases_of_a_large_string_fail_fast_at_its_line() {
    let site = Site::fixture("basic");
    let big = "x".repeat(1024 * 1024);
    let aliases = vec!["*s"; 3000].join(", ");
    site.edit(A, |t| {
        t.replace(
            TAGS,
            &format!("{TAGS}extra:\n  big: &s {big}\n  copies: [{aliases}]\n"),
        )
    });
    let started = Instant::now();
    site.build_within(Duration::from_secs(60))
        .failure(1)
        .stderr_contains("front matter too large once its aliases are expanded")
        .stderr_contains("content/articles/timeouts.md:8:")
        .output_untouched();
    // Expanded, this is 3 GB of copies: tens of seconds even in a release build.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn twenty_thousand_equal_headings_build_in_linear_time() {
    let site = Site::fixture("basic");
    site.edit(A, |t| {
        format!("{t}\n{}", "## Same\n\nText.\n\n".repeat(20_000))
    });
    let started = Instant::now();
    let out = site.build_within(Duration::from_secs(120));
    out.success();
    // Quadratic, the ids alone took 21 s in a release build (200 million tries).
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let page = out.page("articles/timeouts/index.html");
    let ids = page.attrs("h2[id^=\"same\"]", "id");
    assert_eq!(ids.len(), 20_000);
    assert_eq!(ids[0], "same");
    assert_eq!(ids[1], "same-1");
    assert_eq!(ids[19_999], "same-19999");
}

/// A site whose article template loops 10 billion times without writing, with a 1 s limit.
fn looping_site() -> Site {
    let site = Site::fixture("basic");
    site.edit("config.toml", |t| {
        format!("{t}\n[limits]\npage_render_seconds = 1\n")
    });
    site.write("templates/article.html", LOOPING);
    site
}

const LOOPING: &str = "{% extends \"base.html\" %}\n{% block content %}\n{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}\n{% endblock content %}\n";

#[test]
fn a_template_loop_writing_nothing_fails_within_the_deadline() {
    let site = looping_site();
    let started = Instant::now();
    site.build_within(Duration::from_secs(60))
        .failure(1)
        .stderr_contains("template `article.html` did not finish within 1 s")
        .stderr_contains("templates/article.html:3:")
        .stderr_contains("page_render_seconds");
    // One page's time, not one per article (the others stop at once).
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn serve_stops_a_looping_template_and_recovers_once_it_is_fixed() {
    let site = Site::fixture("basic");
    site.edit("config.toml", |t| {
        format!("{t}\n[limits]\npage_render_seconds = 1\n")
    });
    let mut server = Server::start(site.root());
    site.write("templates/article.html", LOOPING);
    server.wait_until(
        "the loop to be reported",
        Duration::from_secs(60),
        |s| match s.log().contains("did not finish within 1 s") {
            true => Ok(()),
            false => Err("no report yet".into()),
        },
    );
    // Nothing keeps spinning: the server is idle again.
    std::thread::sleep(Duration::from_millis(500));
    let before = cpu_ticks(server.pid());
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu_ticks(server.pid()) - before;
    assert!(
        used < 50,
        "the server used {used} ticks of CPU in 2 s while idle"
    );
    site.remove("templates/article.html");
    server.wait_until(
        "the article to be served again",
        Duration::from_secs(60),
        |s| {
            let reply = s.get("/articles/timeouts/");
            match reply.status == 200 && reply.text().contains("Set every timeout") {
                true => Ok(()),
                false => Err(format!("status {}", reply.status)),
            }
        },
    );
    server.assert_healthy();
}

#[test]
fn four_thousand_tags_are_refused_at_the_tags_line() {
    let site = Site::fixture("basic");
    let tags: Vec<String> = (0..4000).map(|i| format!("tag{i}")).collect();
    site.edit(A, |t| {
        t.replace(TAGS, &format!("tags: [{}]\n", tags.join(", ")))
    });
    site.build()
        .failure(1)
        .stderr_contains("too many tags: 4000, at most 20")
        .stderr_contains("content/articles/timeouts.md:6:1")
        .output_untouched();
}

#[test]
fn the_tag_limit_is_a_config_key() {
    let site = Site::fixture("basic");
    let tags: Vec<String> = (0..30).map(|i| format!("tag{i}")).collect();
    site.edit(A, |t| {
        t.replace(TAGS, &format!("tags: [{}]\n", tags.join(", ")))
    });
    site.edit("config.toml", |t| {
        format!("{t}\n[limits]\ntags_per_article = 30\n")
    });
    let out = site.build();
    out.success();
    assert!(out.exists("tags/tag29/index.html"));
}

#[test]
fn a_slug_too_long_for_a_file_name_fails_check_and_build_at_its_line() {
    let site = Site::fixture("basic");
    site.edit(A, |t| {
        t.replace(TAGS, &format!("{TAGS}slug: {}\n", "a".repeat(300)))
    });
    for command in ["check", "build"] {
        let out = match command {
            "check" => site.run(&["check", "--root", "."]),
            _ => site.build(),
        };
        out.failure(1)
            .stderr_contains("is too long for a file name: 300 bytes, at most 200")
            .stderr_contains("content/articles/timeouts.md:7:")
            .stderr_lacks("File name too long");
    }
}
