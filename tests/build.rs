//! `folio build` on small fixture sites: what each page shows, which pages exist, where
//! their links lead, and how the build behaves as a whole (determinism, atomic output).

mod support;

use std::collections::{BTreeMap, BTreeSet};

use support::{Site, assert_trees_equal};

// --- Article page anatomy ---------------------------------------------------------------

#[test]
fn article_page_shows_title_byline_date_and_body() {
    let site = Site::fixture("basic");
    let out = site.build();
    let page = out.success().page("articles/retry-budgets/index.html");

    assert_eq!(page.text("h1"), "Retry budgets");
    assert_eq!(page.text(".byline"), "by Ana Pereira, Principal Engineer");
    assert_eq!(page.attr("main time", "datetime"), "2025-03-14");
    assert_eq!(page.text("main time"), "14 March 2025");
    let body = page
        .nodes("main article")
        .first()
        .copied()
        .expect("the article");
    assert!(
        body.all_text("p")
            .contains(&"Every retry is extra load on a server that is already struggling.".into())
    );
    // Headings get an id (and a self-link drawn as `#`).
    assert_eq!(body.attrs("h2", "id"), ["why-budgets"]);
    assert!(body.text("h2").starts_with("Why budgets"));
}

#[test]
fn byline_links_to_the_author_page() {
    let site = Site::fixture("basic");
    let out = site.build();
    let page = out.success().page("articles/timeouts/index.html");

    assert_eq!(
        page.text(".byline"),
        "by Ben Okafor, Staff Engineer, Reliability"
    );
    assert_eq!(page.attr(".byline a", "href"), "/authors/ben/");
    assert!(out.exists("authors/ben/index.html"));
}

#[test]
fn article_page_ends_with_the_call_to_action_and_every_service() {
    let site = Site::fixture("basic");
    let out = site.build();
    let page = out.success().page("articles/retry-budgets/index.html");

    let cta = page.section_titled("Is your backend keeping you up at night?");
    let text = cta.own_text();
    assert!(
        text.contains("Tell us what is slow. A senior engineer replies within two days."),
        "{text}"
    );
    for (name, description) in [
        (
            "API design reviews",
            "We review your APIs before your clients find the gaps.",
        ),
        (
            "Database performance",
            "We find the queries that slow your Postgres down.",
        ),
    ] {
        assert!(
            text.contains(name),
            "service {name:?} missing from the CTA: {text}"
        );
        assert!(
            text.contains(description),
            "service description {description:?} missing: {text}"
        );
    }
    assert_eq!(
        cta.link_to("Talk to an engineer").as_deref(),
        Some("mailto:hello@notes.example")
    );
}

#[test]
fn article_page_lists_every_office_with_its_address() {
    let site = Site::fixture("basic");
    let out = site.build();
    let page = out.success().page("articles/retry-budgets/index.html");

    let text = page.root().own_text();
    for city in ["Lisbon", "Leeds"] {
        assert!(text.contains(city), "office {city} missing");
    }
    let lines = page.root().text_pieces("address");
    for line in [
        "Rua das Janelas Verdes 61",
        "1200-690 Lisboa",
        "Unit 7, Round Foundry Mews",
        "LS11 5QB Leeds",
    ] {
        assert!(
            lines.contains(&line.to_string()),
            "address line {line:?} missing from {lines:?}"
        );
    }
}

#[test]
fn more_articles_entries_have_title_summary_and_read_more_link() {
    let site = Site::fixture("basic");
    let out = site.build();
    let page = out.success().page("articles/retry-budgets/index.html");

    let more = page.section_titled("More articles");
    let entries = more.nodes("article");
    assert_eq!(entries.len(), 1, "the only other article");
    let entry = entries[0];
    assert_eq!(entry.text("h3"), "Timeouts that hold");
    assert_eq!(entry.attr("h3 a", "href"), "/articles/timeouts/");
    assert!(
        entry
            .all_text("p")
            .contains(&"A timeout is a promise about how long you will wait.".into())
    );
    assert_eq!(
        entry.link_to("Read more").as_deref(),
        Some("/articles/timeouts/")
    );
}

// --- More articles ----------------------------------------------------------------------

/// The link targets of an article page's "More articles", in order.
fn more_links(out: &support::Output, slug: &str) -> Vec<String> {
    let page = out.page(&format!("articles/{slug}/index.html"));
    let more = page.section_titled("More articles");
    more.nodes("article")
        .iter()
        .map(|e| e.attr("h3 a", "href"))
        .collect()
}

#[test]
fn pinned_related_articles_come_first_in_written_order() {
    let site = Site::fixture("related");
    let out = site.build();
    out.success();

    let links = more_links(&out, "retry-budgets");
    assert_eq!(
        links[..2],
        [
            "/articles/postgres-vacuum/",
            "https://sre.google/sre-book/handling-overload/"
        ]
    );
    let page = out.page("articles/retry-budgets/index.html");
    let external = page.section_titled("More articles").nodes("article")[1];
    assert!(external.text("h3 a").starts_with("Handling Overload"));
    assert!(
        external
            .all_text("p")
            .contains(&"How Google sheds load before it sheds users.".into())
    );
    assert_eq!(
        external.link_to("Read more").as_deref(),
        Some("https://sre.google/sre-book/handling-overload/")
    );
}

#[test]
fn remaining_more_articles_places_are_filled_automatically() {
    let site = Site::fixture("related");
    let out = site.build();
    out.success();

    // count = 4: two pinned entries, two picked by folio.
    assert_eq!(more_links(&out, "retry-budgets").len(), 4);
    // An article with nothing pinned still gets a full list.
    assert_eq!(more_links(&out, "office-move").len(), 4);
}

#[test]
fn more_articles_never_lists_the_article_itself_a_draft_or_a_duplicate() {
    let site = Site::fixture("related");
    let out = site.build();
    out.success();

    let slugs = [
        "retry-budgets",
        "postgres-vacuum",
        "retry-storms",
        "jitter",
        "load-shedding",
        "office-move",
        "hiring",
        "welcome",
    ];
    for slug in slugs {
        let links = more_links(&out, slug);
        assert_eq!(links.len(), 4, "{slug}: {links:?}");
        assert!(
            !links.contains(&format!("/articles/{slug}/")),
            "{slug} lists itself: {links:?}"
        );
        assert!(
            !links.iter().any(|l| l.contains("retry-draft")),
            "{slug} lists the draft: {links:?}"
        );
        let unique: BTreeSet<&String> = links.iter().collect();
        assert_eq!(
            unique.len(),
            links.len(),
            "{slug} lists a duplicate: {links:?}"
        );
    }
    // jitter pins retry-storms, which would also rank high on its own: listed once, first.
    assert_eq!(more_links(&out, "jitter")[0], "/articles/retry-storms/");
}

#[test]
fn more_articles_count_from_config_is_respected() {
    let site = Site::fixture("related");
    site.edit("config.toml", |c| c.replace("count = 4", "count = 1"));
    let out = site.build();
    out.success();

    assert_eq!(
        more_links(&out, "retry-budgets"),
        ["/articles/postgres-vacuum/"],
        "the first pinned entry only"
    );
    assert_eq!(more_links(&out, "jitter"), ["/articles/retry-storms/"]);
    assert_eq!(more_links(&out, "hiring").len(), 1);
}

#[test]
fn articles_sharing_rare_tags_rank_above_unrelated_ones() {
    let site = Site::fixture("related");
    let out = site.build();
    out.success();

    // The two auto-filled places go to the articles sharing the rare `retries` tag, not to
    // the newest articles (office-move, welcome, hiring) that share nothing.
    let auto: BTreeSet<String> = more_links(&out, "retry-budgets")[2..]
        .iter()
        .cloned()
        .collect();
    assert_eq!(
        auto,
        BTreeSet::from([
            "/articles/jitter/".to_string(),
            "/articles/retry-storms/".to_string()
        ])
    );
}

/// `folio related` output as (header line, detail lines) per pick.
fn related_entries(stdout: &str) -> Vec<(String, Vec<String>)> {
    let mut entries: Vec<(String, Vec<String>)> = Vec::new();
    for line in stdout.lines().skip(1) {
        let trimmed = line.trim_start();
        let numbered = trimmed
            .split_once(". ")
            .is_some_and(|(n, _)| n.parse::<usize>().is_ok());
        match entries.last_mut() {
            Some(last) if !numbered => last.1.push(trimmed.to_string()),
            _ => entries.push((trimmed.to_string(), Vec::new())),
        }
    }
    entries
}

#[test]
fn related_command_lists_pinned_entries_first_then_scores_and_shared_tags() {
    let site = Site::fixture("related");
    let out = site.related("retry-budgets");
    out.success();

    let entries = related_entries(&out.stdout);
    assert_eq!(entries.len(), 4, "{}", out.stdout);
    assert!(
        entries[0].0.contains("[postgres-vacuum]"),
        "{:?}",
        entries[0]
    );
    assert!(
        entries[1]
            .0
            .contains("https://sre.google/sre-book/handling-overload/"),
        "{:?}",
        entries[1]
    );
    for (header, details) in &entries[..2] {
        assert!(
            details.iter().any(|d| d.contains("pinned")),
            "{header} should say pinned: {details:?}"
        );
    }
    for (header, details) in &entries[2..] {
        assert!(
            details.iter().any(|d| d.starts_with("score ")),
            "{header} has no score: {details:?}"
        );
        let tags = details
            .iter()
            .find_map(|d| d.strip_prefix("shared tags: "))
            .unwrap_or_default();
        assert!(
            tags.split(", ").any(|t| t == "retries"),
            "{header} should share `retries`: {details:?}"
        );
    }
    assert!(
        !out.stdout.contains("retry-draft"),
        "the draft is never a pick:\n{}",
        out.stdout
    );
}

// --- Index and pagination -------------------------------------------------------------

const NEWEST_FIRST: [&str; 5] = [
    "Echo: idempotency keys",
    "Delta: versioning APIs",
    "Charlie: error budgets",
    "Bravo: connection pools",
    "Alpha: indexes first",
];

#[test]
fn index_lists_articles_newest_first_with_byline_date_and_summary() {
    let site = Site::fixture("blog");
    let out = site.build();
    out.success();

    let (titles, _) = out.titles_across_pages("index.html", ".card-title");
    assert_eq!(titles, NEWEST_FIRST);

    let page = out.page("index.html");
    let first = page.nodes(".card")[0];
    assert_eq!(first.text(".card-title"), "Echo: idempotency keys");
    assert_eq!(first.attr(".card-title a", "href"), "/articles/echo/");
    assert_eq!(first.text(".byline"), "by Ana Pereira, Principal Engineer");
    assert_eq!(first.attr("time", "datetime"), "2025-05-01");
    assert_eq!(
        first.text(".card-summary"),
        "Make retries safe to send twice."
    );
}

#[test]
fn index_is_paginated_by_the_paginate_setting() {
    let site = Site::fixture("blog");
    let out = site.build();
    out.success();

    // paginate = 2 and five articles: three pages.
    assert!(out.exists("index.html"));
    assert!(out.exists("page/2/index.html"));
    assert!(out.exists("page/3/index.html"));
    assert!(!out.exists("page/4/index.html"));
    assert!(
        !out.exists("page/1/index.html"),
        "page 1 is the home page itself"
    );
    assert_eq!(out.page("index.html").count(".card"), 2);
    assert_eq!(out.page("page/3/index.html").count(".card"), 1);
}

#[test]
fn paginator_next_and_prev_links_lead_to_existing_pages() {
    let site = Site::fixture("blog");
    let out = site.build();
    out.success();

    let (_, visited) = out.titles_across_pages("index.html", ".card-title");
    assert_eq!(
        visited,
        ["index.html", "page/2/index.html", "page/3/index.html"]
    );
    assert_eq!(out.page("index.html").count("a[rel=prev]"), 0);
    assert_eq!(out.page("page/3/index.html").count("a[rel=next]"), 0);
    for (page, prev) in [
        ("page/2/index.html", "/"),
        ("page/3/index.html", "/page/2/"),
    ] {
        assert_eq!(out.page(page).attr("a[rel=prev]", "href"), prev);
    }
}

// --- Authors and tags -----------------------------------------------------------------

#[test]
fn author_page_shows_name_role_bio_and_only_their_articles() {
    let site = Site::fixture("blog");
    let out = site.build();
    out.success();

    let ana = out.page("authors/ana/index.html");
    assert_eq!(ana.text("h1"), "Ana Pereira");
    let text = ana.text("main");
    assert!(text.contains("Principal Engineer"), "{text}");
    assert!(text.contains("Ana keeps databases boring."), "{text}");
    // Paginated like tag pages (`paginate = 2`): three articles take two pages.
    let (titles, pages) = out.titles_across_pages("authors/ana/index.html", ".card-title");
    assert_eq!(
        titles,
        [
            "Echo: idempotency keys",
            "Charlie: error budgets",
            "Alpha: indexes first"
        ]
    );
    assert_eq!(
        pages,
        ["authors/ana/index.html", "authors/ana/page/2/index.html"]
    );

    let ben = out.page("authors/ben/index.html");
    assert_eq!(ben.text("h1"), "Ben Okafor");
    assert_eq!(
        ben.all_text(".card-title"),
        ["Delta: versioning APIs", "Bravo: connection pools"]
    );

    let cleo = out.page("authors/cleo/index.html");
    assert_eq!(cleo.text("h1"), "Cleo Martin");
    assert_eq!(cleo.count(".card"), 0);
}

#[test]
fn tags_index_lists_every_tag_with_its_count() {
    let site = Site::fixture("blog");
    let out = site.build();
    out.success();

    let page = out.page("tags/index.html");
    let tags: BTreeMap<String, String> = page
        .nodes("main a[href^='/tags/']")
        .iter()
        .map(|a| {
            (
                a.0.value().attr("href").unwrap_or_default().to_string(),
                a.own_text(),
            )
        })
        .collect();
    let expected = BTreeMap::from([
        (
            "/tags/api-design/".to_string(),
            "API design 2 articles".to_string(),
        ),
        (
            "/tags/postgres/".to_string(),
            "postgres 2 articles".to_string(),
        ),
        (
            "/tags/reliability/".to_string(),
            "reliability 3 articles".to_string(),
        ),
    ]);
    assert_eq!(tags, expected);
}

#[test]
fn tag_pages_list_exactly_the_tagged_articles() {
    let site = Site::fixture("blog");
    let out = site.build();
    out.success();

    let (reliability, pages) =
        out.titles_across_pages("tags/reliability/index.html", ".card-title");
    assert_eq!(
        reliability,
        [
            "Echo: idempotency keys",
            "Charlie: error budgets",
            "Bravo: connection pools"
        ]
    );
    assert_eq!(pages.len(), 2, "three articles at two per page");
    let (api, _) = out.titles_across_pages("tags/api-design/index.html", ".card-title");
    assert_eq!(api, ["Echo: idempotency keys", "Delta: versioning APIs"]);
    let (postgres, _) = out.titles_across_pages("tags/postgres/index.html", ".card-title");
    assert_eq!(
        postgres,
        ["Bravo: connection pools", "Alpha: indexes first"]
    );
}

// --- Drafts and future articles --------------------------------------------------------

#[test]
fn drafts_and_future_articles_are_left_out_by_default() {
    let site = Site::fixture("drafts");
    let out = site.build();
    out.success().stdout_contains("Built 2 articles,");

    assert!(out.exists("articles/published-one/index.html"));
    assert!(!out.exists("articles/secret-plan/index.html"));
    assert!(!out.exists("articles/from-the-future/index.html"));
    assert_eq!(
        out.page("index.html").all_text(".card-title"),
        ["Published two", "Published one"]
    );
}

#[test]
fn drafts_and_future_articles_are_not_linked_from_any_page() {
    let site = Site::fixture("drafts");
    let out = site.build();
    out.success();

    for rel in out.html_files() {
        let page = out.page(&rel);
        for href in page.links() {
            assert!(
                !href.contains("secret-plan") && !href.contains("from-the-future"),
                "{rel} links to {href}"
            );
        }
        let text = page.root().own_text();
        assert!(
            !text.contains("Secret plan") && !text.contains("From the future"),
            "{rel} mentions a hidden article"
        );
    }
    // The tag and the author count only what is published.
    assert_eq!(
        out.page("tags/ops/index.html").all_text(".card-title"),
        ["Published two", "Published one"]
    );
    assert_eq!(out.page("authors/ana/index.html").count(".card"), 2);
}

#[test]
fn drafts_flag_includes_drafts() {
    let site = Site::fixture("drafts");
    let out = site.build_with(&["--drafts"]);
    out.success().stdout_contains("Built 3 articles,");

    assert_eq!(
        out.page("articles/secret-plan/index.html").text("h1"),
        "Secret plan"
    );
    assert!(
        out.page("index.html")
            .links()
            .contains(&"/articles/secret-plan/".to_string())
    );
    assert_eq!(
        more_links(&out, "published-two")[0],
        "/articles/secret-plan/",
        "the pinned draft now shows"
    );
    assert!(
        !out.exists("articles/from-the-future/index.html"),
        "--drafts does not imply --future"
    );
}

#[test]
fn future_flag_includes_future_articles() {
    let site = Site::fixture("drafts");
    let out = site.build_with(&["--future"]);
    out.success().stdout_contains("Built 3 articles,");

    assert_eq!(
        out.page("articles/from-the-future/index.html").text("h1"),
        "From the future"
    );
    assert_eq!(
        out.page("index.html").all_text(".card-title")[0],
        "From the future"
    );
    assert!(
        !out.exists("articles/secret-plan/index.html"),
        "--future does not imply --drafts"
    );
}

#[test]
fn titles_and_summaries_are_escaped_not_interpreted() {
    let site = Site::fixture("basic");
    site.write(
        "content/articles/markup.md",
        "---\ntitle: \"Use <b> & co\"\nauthor: ana\ndate: 2025-03-14\nsummary: 'Quotes \" and <tags>'\n---\n\nBody.\n",
    );
    let out = site.build();
    out.success();

    let page = out.page("articles/markup/index.html");
    assert_eq!(page.text("h1"), "Use <b> & co");
    assert_eq!(
        page.count("h1 b"),
        0,
        "the title's markup is text, not an element"
    );
    assert_eq!(
        page.attr("meta[name=description]", "content"),
        "Quotes \" and <tags>"
    );
    assert!(
        out.page("index.html")
            .all_text(".card-title")
            .contains(&"Use <b> & co".to_string())
    );
}

#[test]
fn site_without_articles_still_builds() {
    let site = Site::fixture("basic");
    site.remove("content/articles/retry-budgets.md")
        .remove("content/articles/timeouts.md");
    let out = site.build();
    out.success();
    assert!(
        out.stdout.starts_with("Built 0 articles,"),
        "{}",
        out.stdout
    );
    for page in [
        "index.html",
        "tags/index.html",
        "404.html",
        "authors/ana/index.html",
    ] {
        assert!(out.exists(page), "{page} missing");
    }
    assert_eq!(out.page("index.html").count(".card"), 0);
}

// --- Templates, static files and assets ------------------------------------------------

#[test]
fn site_template_overrides_the_theme_template() {
    let site = Site::fixture("custom");
    let out = site.build();
    out.success();

    let page = out.page("404.html");
    assert_eq!(page.text("h1"), "Lost in the fixture");
    assert_eq!(
        page.text(".custom-404"),
        "This page comes from the site's own templates folder."
    );
    assert!(
        !page.text("main").contains("couldn’t find the page"),
        "the theme's 404 text is gone"
    );
    // The override extends the theme's base.html, which still frames the page.
    assert_eq!(page.text(".site-title"), "Custom Notes");
}

#[test]
fn theme_static_files_are_copied() {
    let site = Site::fixture("basic");
    let out = site.build();
    out.success();

    assert_eq!(
        out.file("css/style.css"),
        std::fs::read(site.path("themes/default/static/css/style.css")).unwrap()
    );
}

#[test]
fn site_static_files_are_copied_and_override_the_theme() {
    let site = Site::fixture("custom");
    let out = site.build();
    out.success();

    assert_eq!(
        out.file("css/style.css"),
        site.read("static/css/style.css").into_bytes()
    );
    assert_eq!(
        out.file("files/brochure.txt"),
        site.read("static/files/brochure.txt").into_bytes()
    );
}

#[test]
fn folder_article_assets_are_copied_beside_the_page() {
    let site = Site::fixture("custom");
    let out = site.build();
    out.success();

    assert_eq!(
        out.file("articles/diagrams/diagram.svg"),
        site.read("content/articles/diagrams/diagram.svg")
            .into_bytes()
    );
    let page = out.page("articles/diagrams/index.html");
    let src = page.attr("main img", "src");
    assert_eq!(
        support::resolve("articles/diagrams/index.html", &src, "/").as_deref(),
        Some("articles/diagrams/diagram.svg")
    );
    assert!(
        !out.exists("articles/diagrams/index.md"),
        "the source is not published"
    );
}

#[test]
fn highlight_stylesheet_is_written_only_when_code_exists() {
    let with_code = Site::fixture("related");
    let out = with_code.build();
    out.success();
    assert!(out.exists("css/highlight.css"));
    let page = out.page("articles/retry-budgets/index.html");
    assert!(
        page.attrs("link[rel=stylesheet]", "href")
            .iter()
            .any(|h| h.starts_with("/css/highlight.css"))
    );

    let without = Site::fixture("basic");
    let out = without.build();
    out.success();
    assert!(!out.exists("css/highlight.css"));
}

// --- Links and URLs -------------------------------------------------------------------

#[test]
fn every_internal_link_resolves_to_a_file_of_the_output() {
    for fixture in ["basic", "related", "blog", "drafts", "custom"] {
        let site = Site::fixture(fixture);
        let out = site.build();
        out.success();
        let broken = out.broken_links("/");
        assert!(
            broken.is_empty(),
            "{fixture}: broken links:\n{}",
            broken.join("\n")
        );
    }
}

#[test]
fn base_url_flag_prefixes_links_and_permalinks() {
    let site = Site::fixture("basic");
    let out = site.build_with(&["--base-url", "https://example.com/sub/"]);
    out.success();

    for rel in out.html_files() {
        for href in out.page(&rel).local_links() {
            assert!(
                href.starts_with("/sub/") || !href.starts_with('/'),
                "{rel}: {href} misses the base path"
            );
        }
    }
    let broken = out.broken_links("/sub/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));

    let article = out.page("articles/retry-budgets/index.html");
    assert_eq!(
        article.attr("link[rel=canonical]", "href"),
        "https://example.com/sub/articles/retry-budgets/"
    );
    assert_eq!(
        article.attr("meta[property='og:url']", "content"),
        "https://example.com/sub/articles/retry-budgets/"
    );
    assert_eq!(article.attr(".byline a", "href"), "/sub/authors/ana/");
    assert_eq!(
        out.page("index.html").attr("link[rel=canonical]", "href"),
        "https://example.com/sub/"
    );
}

// --- The build as a whole ---------------------------------------------------------------

#[test]
fn builds_are_byte_identical() {
    let site = Site::fixture("related");
    let first = site.build_into("out-a", &[]);
    let second = site.build_into("out-b", &[]);
    first.success();
    second.success();

    let (a, b) = (first.tree(), second.tree());
    assert!(a.len() > 10, "a real site was built: {:?}", a.keys());
    assert_trees_equal(&a, &b);
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let site = Site::fixture("basic");
    site.build().success().no_staging_leftovers();
    site.write("content/articles/broken.md", "---\ntitle: Broken\n");
    site.build().failure(1).output_untouched();
}

#[test]
fn successful_build_replaces_previous_output() {
    let site = Site::fixture("basic");
    site.build().success();
    site.remove("content/articles/timeouts.md");
    let out = site.build();
    out.success().no_staging_leftovers();
    assert!(
        !out.exists("articles/timeouts/index.html"),
        "pages of removed articles are gone"
    );
}

#[test]
fn build_prints_a_summary_line() {
    let site = Site::fixture("basic");
    let out = site.build();
    out.success();
    assert!(
        out.stdout.starts_with("Built 2 articles,"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(" ms → "), "{}", out.stdout);
    assert!(
        out.stdout.trim_end().ends_with("public/"),
        "names the output folder: {}",
        out.stdout
    );
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let site = Site::fixture("basic");
    site.run(&["build", "--no-such-flag"])
        .failure(2)
        .stderr_contains("--no-such-flag")
        .output_untouched();
    site.run(&[]).failure(2);
}

/// `folio build 2>&1 | head -1`: stdout and stderr closed before folio writes anything, with
/// the phase timings on (written in the middle of the build). The build still succeeds and
/// publishes; what it could not say is lost, nothing else. The same for `check` and `new`.
#[test]
fn closed_stdout_and_stderr_do_not_fail_the_build() {
    let site = Site::fixture("basic");
    let run_closed = |args: &[&str]| {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(args)
            .current_dir(site.root())
            .env("FOLIO_TIMINGS", "1")
            .env("NO_COLOR", "1")
            .stdout(writer.try_clone().expect("a second end"))
            .stderr(writer)
            .status()
            .expect("run folio")
    };
    let status = run_closed(&["build"]);
    assert!(status.success(), "build: {status}");
    assert!(
        site.path("public/articles/retry-budgets/index.html")
            .is_file()
    );
    let status = run_closed(&["check"]);
    assert!(status.success(), "check: {status}");
    let status = run_closed(&["new", "Piped titles", "--author", "ana"]);
    assert!(status.success(), "new: {status}");
    assert!(site.path("content/articles/piped-titles.md").is_file());
}
