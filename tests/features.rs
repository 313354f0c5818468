//! What issue #16 gives writers, on the `features` fixture (a site under `/blog/`): GitHub
//! alerts as callouts, titled images as figures, video addresses as click-to-load embeds;
//! co-authors in bylines, on author pages and in JSON-LD; series pages and navigation;
//! cross-posted articles' canonical URL; `updated` wherever a date of change is shown.
//! Every page is parsed as HTML.

mod support;

use serde_json::Value;
use support::{Output, Page, Site};

const ARTICLE: &str = "articles/components/index.html";

fn built() -> (Site, Output) {
    let site = Site::fixture("features");
    let out = site.build();
    out.success();
    (site, out)
}

fn json_ld(page: &Page) -> Value {
    let text = page.text("script[type='application/ld+json']");
    serde_json::from_str(&text).expect("JSON-LD parses")
}

// --- Callouts, figures, embeds ----------------------------------------------------------

#[test]
fn each_github_alert_is_a_callout_with_a_visible_title() {
    let (_site, out) = built();
    let page = out.page(ARTICLE);
    let callouts = page.nodes("[role=note].callout");
    let titles: Vec<String> = callouts.iter().map(|c| c.text(".callout-title")).collect();
    assert_eq!(titles, ["Note", "Tip", "Important", "Warning", "Caution"]);
    let classes = page.attrs("[role=note].callout", "class");
    assert!(classes[3].contains("callout-warning"), "{classes:?}");
    assert_eq!(
        callouts[2].text("p:not(.callout-title)"),
        "Something important."
    );
    // The `[!NOTE]` marker is no text of the page, and a plain quote stays a quote.
    assert!(!page.text("main").contains("[!NOTE]"));
    assert_eq!(page.text(".prose > blockquote"), "Just a quote.");
}

#[test]
fn a_link_to_another_article_inside_an_alert_is_filled_in() {
    let (_site, out) = built();
    let page = out.page(ARTICLE);
    let note = &page.nodes(".callout-note")[0];
    assert_eq!(
        note.link_to("part one").as_deref(),
        Some("/blog/articles/pg-one/")
    );
}

#[test]
fn a_titled_image_alone_is_a_figure_with_its_caption_and_an_untitled_one_stays_an_image() {
    let (_site, out) = built();
    let page = out.page(ARTICLE);
    assert_eq!(page.count("figure"), 1);
    assert_eq!(page.text("figure figcaption"), "The plan as a tree");
    assert_eq!(page.attr("figure img", "src"), "plan.svg");
    assert_eq!(page.attr("figure img", "alt"), "A plan drawn as a tree");
    assert_eq!(
        page.attr(".prose p > img", "alt"),
        "An image without a title"
    );
    assert!(out.exists("articles/components/plan.svg"));
}

#[test]
fn a_video_address_alone_is_a_link_to_the_video_and_nothing_loads_from_its_host() {
    let (_site, out) = built();
    let page = out.page(ARTICLE);
    let embeds = page.nodes(".embed");
    assert_eq!(embeds.len(), 2, "the YouTube and the Vimeo address");
    assert_eq!(
        page.attrs(".embed", "data-embed-src"),
        [
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
            "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"
        ]
    );
    assert_eq!(
        page.attrs(".embed a", "href"),
        [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://vimeo.com/76979871"
        ]
    );
    // Nothing on the page is fetched from another host: no frame, and every image,
    // script and stylesheet is the site's own.
    assert_eq!(page.count("iframe, embed, object, video"), 0);
    let mut fetched = page.attrs("img[src], script[src], iframe[src]", "src");
    fetched.extend(page.attrs("link[rel=stylesheet]", "href"));
    for url in fetched {
        assert!(!url.contains("://"), "{url} is loaded from another host");
    }
    // The page loads the script that swaps the link for the player on click.
    assert!(
        page.attrs("script[src]", "src")
            .iter()
            .any(|s| s.starts_with("/blog/js/embed.js"))
    );
    // Another address alone in its paragraph is left as text.
    assert!(
        page.text(".prose")
            .contains("https://example.org/not-a-video")
    );
}

#[test]
fn pages_without_a_video_do_not_load_the_embed_script() {
    let (_site, out) = built();
    let page = out.page("articles/pg-one/index.html");
    assert!(
        !page
            .attrs("script[src]", "src")
            .iter()
            .any(|s| s.contains("embed.js"))
    );
}

#[test]
fn components_render_with_raw_html_off() {
    let site = Site::fixture("features");
    site.edit("config.toml", |c| {
        format!("{c}\n[markdown]\nraw_html = false\n")
    });
    let out = site.build();
    out.success();
    let page = out.page(ARTICLE);
    assert_eq!(page.count(".callout"), 5);
    assert_eq!(page.count("figure"), 1);
    assert_eq!(page.count(".embed"), 2);
}

#[test]
fn a_site_template_overrides_a_component() {
    let site = Site::fixture("features");
    site.write(
        "templates/markdown/alert.html",
        "<aside class=\"house-alert house-{{ kind }}\"><strong>{{ title }}!</strong>{{ inner_html | safe }}</aside>\n",
    );
    let out = site.build();
    out.success();
    let page = out.page(ARTICLE);
    assert_eq!(page.count(".callout"), 0);
    assert_eq!(page.count("aside.house-alert"), 5);
    assert_eq!(page.text(".house-tip strong"), "Tip!");
    // The other components keep the theme's templates.
    assert_eq!(page.count("figure"), 1);
}

// --- Co-authors -------------------------------------------------------------------------

#[test]
fn bylines_name_every_author_with_their_role() {
    let (_site, out) = built();
    let two = out.page("articles/pg-two/index.html");
    assert_eq!(
        two.text(".post-meta .byline"),
        "by Ana Pereira, Principal Engineer and Ben Okafor, Staff Engineer"
    );
    assert_eq!(
        two.attrs(".post-meta .byline a", "href"),
        ["/blog/authors/ana/", "/blog/authors/ben/"]
    );
    let three = out.page("articles/three-authors/index.html");
    assert_eq!(
        three.text(".post-meta .byline"),
        "by Ana Pereira, Principal Engineer, Ben Okafor, Staff Engineer and Cleo Martin, Engagement Lead"
    );
    let one = out.page("articles/pg-one/index.html");
    assert_eq!(
        one.text(".post-meta .byline"),
        "by Ana Pereira, Principal Engineer"
    );
}

#[test]
fn a_coauthored_article_is_on_every_authors_page_and_in_their_count() {
    let (_site, out) = built();
    for (author, count) in [
        ("ana", "4 articles"),
        ("ben", "3 articles"),
        ("cleo", "2 articles"),
    ] {
        let first = format!("authors/{author}/index.html");
        let (titles, _) = out.titles_across_pages_under(&first, ".card-title", "/blog/");
        assert!(
            titles.contains(&"Three of us on one engagement".to_string()),
            "{author}: {titles:?}"
        );
        assert_eq!(out.page(&first).text(".count"), count);
    }
}

#[test]
fn author_pages_are_paginated_like_tag_pages() {
    let (_site, out) = built();
    let (titles, pages) =
        out.titles_across_pages_under("authors/ana/index.html", ".card-title", "/blog/");
    assert_eq!(
        pages,
        ["authors/ana/index.html", "authors/ana/page/2/index.html"]
    );
    assert_eq!(titles.len(), 4);
    assert_eq!(
        out.page("authors/ana/page/2/index.html")
            .attr("a[rel=prev]", "href"),
        "/blog/authors/ana/"
    );
}

#[test]
fn json_ld_lists_every_author_as_a_person() {
    let (_site, out) = built();
    let data = json_ld(&out.page("articles/pg-two/index.html"));
    let authors = data["author"].as_array().expect("a list of authors");
    let names: Vec<&str> = authors
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ana Pereira", "Ben Okafor"]);
    assert!(authors.iter().all(|a| a["@type"] == "Person"));
    assert_eq!(authors[1]["jobTitle"], "Staff Engineer");
    assert_eq!(
        authors[1]["url"],
        "https://features.example/blog/authors/ben/"
    );
}

// --- Series -----------------------------------------------------------------------------

#[test]
fn the_series_page_lists_its_parts_in_order() {
    let (_site, out) = built();
    let page = out.page("series/pg/index.html");
    assert_eq!(page.text("h1"), "Postgres at scale");
    assert_eq!(page.text(".lead"), "Three parts on Postgres under load.");
    assert_eq!(
        page.all_text(".card-title"),
        [
            "Postgres at scale, part one: connections",
            "Postgres at scale, part two: locks",
            "Postgres at scale, part three: plans"
        ]
    );
}

#[test]
fn each_part_says_where_it_stands_and_links_the_previous_and_next() {
    let (_site, out) = built();
    let two = out.page("articles/pg-two/index.html");
    assert_eq!(
        two.text(".series-position"),
        "Part 2 of 3 in the series Postgres at scale"
    );
    assert_eq!(two.attr(".series-position a", "href"), "/blog/series/pg/");
    assert_eq!(
        two.attr(".series-nav a[rel=prev]", "href"),
        "/blog/articles/pg-one/"
    );
    assert_eq!(
        two.attr(".series-nav a[rel=next]", "href"),
        "/blog/articles/pg-three/"
    );
    assert_eq!(
        two.text(".series-parts [aria-current=page]"),
        "Postgres at scale, part two: locks"
    );
    let one = out.page("articles/pg-one/index.html");
    assert_eq!(one.count(".series-nav a[rel=prev]"), 0);
    assert_eq!(
        out.page("articles/three-authors/index.html")
            .count(".series-nav"),
        0
    );
}

#[test]
fn other_parts_come_first_in_more_articles_after_pinned_ones() {
    let (_site, out) = built();
    let three = out.page("articles/pg-three/index.html");
    let more = three.section_titled("More articles").all_text("h3");
    assert_eq!(
        more[..3],
        [
            "Three of us on one engagement",
            "Postgres at scale, part one: connections",
            "Postgres at scale, part two: locks"
        ]
    );
}

#[test]
fn json_ld_says_which_series_an_article_is_part_of() {
    let (_site, out) = built();
    let data = json_ld(&out.page("articles/pg-three/index.html"));
    assert_eq!(data["isPartOf"]["@type"], "CreativeWorkSeries");
    assert_eq!(data["isPartOf"]["name"], "Postgres at scale");
    assert_eq!(
        data["isPartOf"]["url"],
        "https://features.example/blog/series/pg/"
    );
    assert_eq!(data["position"], 3);
}

// --- Cross-posting and updates ----------------------------------------------------------

#[test]
fn canonical_replaces_the_canonical_link_og_url_and_json_ld_url() {
    let (_site, out) = built();
    let page = out.page("articles/cross-post/index.html");
    let original = "https://review.example/posts/postmortems/";
    assert_eq!(page.attr("link[rel=canonical]", "href"), original);
    assert_eq!(page.attr("meta[property='og:url']", "content"), original);
    assert_eq!(json_ld(&page)["url"], original);
    // Other pages keep their own address.
    let own = out.page("articles/pg-one/index.html");
    assert_eq!(
        own.attr("link[rel=canonical]", "href"),
        "https://features.example/blog/articles/pg-one/"
    );
}

#[test]
fn originally_published_shows_under_the_byline() {
    let (_site, out) = built();
    let page = out.page("articles/cross-post/index.html");
    assert_eq!(
        page.text(".originally-published"),
        "Originally published in The Review."
    );
    assert_eq!(
        page.attr(".originally-published a", "href"),
        "https://review.example/posts/postmortems/"
    );
}

#[test]
fn updated_shows_on_the_page_and_in_json_ld() {
    let (_site, out) = built();
    let page = out.page("articles/pg-two/index.html");
    assert_eq!(page.text(".updated"), "Updated 3 March 2025");
    assert_eq!(page.attr(".updated time", "datetime"), "2025-03-03");
    let data = json_ld(&page);
    assert_eq!(data["datePublished"], "2025-02-10");
    assert_eq!(data["dateModified"], "2025-03-03");
}

#[test]
fn every_link_of_the_site_leads_to_a_file_of_the_output() {
    let (_site, out) = built();
    assert_eq!(out.broken_links("/blog/"), Vec::<String>::new());
}
