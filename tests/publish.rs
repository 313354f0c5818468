//! What folio publishes for machines and for sharing: the Atom feed, the sitemap, robots.txt,
//! the search index, every page's head (title, description, canonical, Open Graph, JSON-LD),
//! and properties of the output as a whole: links under a sub-path, cache busting, no
//! machine paths, determinism. Everything is parsed — HTML with scraper, XML with roxmltree,
//! JSON with serde_json — never matched as text.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::Path;

use roxmltree::{Document, Node as XmlNode};
use scraper::Html;
use serde_json::Value;
use support::{Node, Output, Page, Site, assert_trees_equal, normalise};

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// `base_url` of the `publish` fixture.
const BASE: &str = "https://publish.example/";
/// `base_url` of the example site at the repository root.
const EXAMPLE_BASE: &str = "https://blog.larchmere.example/";

/// The published articles of the `publish` fixture, newest first: slug and title.
const PUBLISHED: [(&str, &str); 4] = [
    ("retry-budgets", "Retry budgets"),
    ("load-shedding", "Load shedding"),
    ("lock-queues", "Lock queues"),
    ("pool-sizing", "Pool sizing"),
];
/// The draft and the future article of the `publish` fixture, and the tag only each has.
const HIDDEN: [(&str, &str, &str); 2] = [
    ("secret-plan", "Secret plan", "classified"),
    ("from-the-future", "From the future", "someday"),
];

// --- Atom feed --------------------------------------------------------------------------

#[test]
fn atom_feed_has_the_rfc_4287_essentials() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();
    let text = file_text(&out, "atom.xml");
    let doc = parse_xml(&text, "atom.xml");
    let feed = doc.root_element();

    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some(ATOM_NS));
    assert_eq!(child_text(feed, "title"), "Publish Notes");
    assert_eq!(child_text(feed, "id"), BASE);
    assert_eq!(link_href(feed, "self"), format!("{BASE}atom.xml"));
    assert_eq!(link_href(feed, "alternate"), BASE);
    let updated = child_text(feed, "updated");
    assert!(is_rfc3339(&updated), "feed updated {updated:?}");
    assert_eq!(
        instant(&updated),
        instant("2025-06-01T00:00:00Z"),
        "the feed changed last when `Pool sizing` was updated"
    );
}

#[test]
fn atom_entries_link_the_canonical_url_with_author_and_summary() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();
    let text = file_text(&out, "atom.xml");
    let entries = atom_entries(&parse_xml(&text, "atom.xml"));
    assert_eq!(entries.len(), PUBLISHED.len());

    for entry in &entries {
        let file = file_of_url(&entry.link, BASE)
            .unwrap_or_else(|| panic!("{} is not a URL of the site", entry.link));
        let page = out.page(&file);
        let canonical = page.attr("link[rel=canonical]", "href");
        assert!(entry.link.starts_with("https://"), "{}", entry.link);
        assert_eq!(entry.link, canonical, "entry {:?}", entry.title);
        assert!(!entry.id.is_empty(), "entry {:?} has an id", entry.title);
        assert_eq!(entry.title, page.text("h1"));
        assert!(is_rfc3339(&entry.updated), "{:?}", entry.updated);
        assert_eq!(entry.author, page.text("a[rel=author]"));
        assert_eq!(
            entry.summary,
            page.attr("meta[name=description]", "content")
        );
    }
    let updated: BTreeMap<&str, i64> = entries
        .iter()
        .map(|e| (e.title.as_str(), instant(&e.updated)))
        .collect();
    assert_eq!(
        updated["Pool sizing"],
        instant("2025-06-01T00:00:00Z"),
        "`updated` from the front matter"
    );
    assert_eq!(
        updated["Lock queues"],
        instant("2025-03-01T09:30:00+01:00"),
        "no `updated`: the date, with its time and offset"
    );
}

#[test]
fn atom_entries_are_newest_first() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();
    let text = file_text(&out, "atom.xml");
    let entries = atom_entries(&parse_xml(&text, "atom.xml"));

    let titles: Vec<&str> = entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, PUBLISHED.map(|(_, title)| title));
    let published: Vec<i64> = entries.iter().map(|e| instant(&e.published)).collect();
    assert!(published.windows(2).all(|w| w[0] >= w[1]), "{published:?}");
}

#[test]
fn feed_limit_keeps_only_the_newest_entries() {
    let site = Site::fixture("publish");
    site.edit("config.toml", |c| format!("{c}\n[feed]\nlimit = 2\n"));
    let out = site.build();
    out.success();
    let text = file_text(&out, "atom.xml");
    let entries = atom_entries(&parse_xml(&text, "atom.xml"));

    let titles: Vec<&str> = entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Retry budgets", "Load shedding"]);
}

#[test]
fn feed_carries_summaries_only_by_default() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();
    let text = file_text(&out, "atom.xml");
    let entries = atom_entries(&parse_xml(&text, "atom.xml"));

    assert!(entries.iter().all(|e| e.content.is_none()));
}

#[test]
fn full_content_puts_each_article_body_in_the_feed_as_html() {
    let site = Site::fixture("publish");
    site.edit("config.toml", |c| {
        format!("{c}\n[feed]\nfull_content = true\n")
    });
    let out = site.build();
    out.success();
    let text = file_text(&out, "atom.xml");
    let entries = atom_entries(&parse_xml(&text, "atom.xml"));
    assert_eq!(entries.len(), PUBLISHED.len());

    for (entry, (slug, _)) in entries.iter().zip(PUBLISHED) {
        let (kind, html) = entry
            .content
            .as_ref()
            .unwrap_or_else(|| panic!("entry {:?} has no content", entry.title));
        assert_eq!(kind, "html");
        let body = Html::parse_fragment(html);
        let page = out.page(&format!("articles/{slug}/index.html"));
        assert_eq!(
            Node(body.root_element()).own_text(),
            page.nodes(".prose")[0].own_text(),
            "entry {:?} carries the whole body",
            entry.title
        );
    }
    let retry = Html::parse_fragment(&entries[0].content.as_ref().expect("content").1);
    let retry = Node(retry.root_element());
    assert_eq!(retry.attrs("h2", "id"), ["why-budgets"]);
    assert_eq!(
        retry.attr("img", "alt"),
        "How a retry budget caps load",
        "the body's markup is HTML once unescaped, not text"
    );
}

#[test]
fn full_content_links_and_images_lead_where_they_do_on_the_page() {
    let site = Site::fixture("publish");
    site.edit("config.toml", |c| {
        format!("{c}\n[feed]\nfull_content = true\n")
    });
    let out = site.build();
    out.success();
    let text = file_text(&out, "atom.xml");
    let doc = parse_xml(&text, "atom.xml");

    let mut broken = Vec::new();
    for content in doc.descendants().filter(|n| is_atom(*n, "content")) {
        // RFC 4287 §2: relative references in content resolve against xml:base in scope.
        let base = xml_base_in_scope(content, &format!("{BASE}atom.xml"));
        let body = Html::parse_fragment(content.text().unwrap_or(""));
        let body = Node(body.root_element());
        let mut urls = body.attrs("a[href]", "href");
        urls.extend(body.attrs("img[src]", "src"));
        for url in urls {
            let absolute = resolve_url(&base, &url);
            if !leads_to_output(&out, &absolute, BASE) {
                broken.push(format!("{url} → {absolute}"));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "feed content links lead nowhere:\n{}",
        broken.join("\n")
    );
}

#[test]
fn feed_and_search_index_keep_markup_in_titles_as_text() {
    let title = r#"Use <b> & "quotes" ]]> too"#;
    let summary = "Ampersands & <angle> brackets stay text.";
    let (_site, out) = build_with_tricky_article(title, summary);

    let text = file_text(&out, "atom.xml");
    let entries = atom_entries(&parse_xml(&text, "atom.xml"));
    let entry = entries
        .iter()
        .find(|e| e.link == format!("{BASE}articles/tricky/"))
        .expect("the tricky article is in the feed");
    assert_eq!(entry.title, title);
    assert_eq!(entry.summary, summary);
    let index = search_index(&out);
    let found = index
        .iter()
        .find(|e| str_field(e, "url") == "/articles/tricky/")
        .expect("the tricky article is in the search index");
    assert_eq!(str_field(found, "title"), title);
    assert_eq!(str_field(found, "summary"), summary);
}

#[test]
fn a_control_character_in_a_title_never_yields_an_ill_formed_feed() {
    let site = Site::fixture("publish");
    site.write(
        "content/articles/tricky.md",
        "---\ntitle: \"Form\\ffeed\"\nauthor: ana\ndate: 2025-02-02\nsummary: Plain.\n---\n\nBody.\n",
    );
    let out = site.build();
    if out.code == Some(0) {
        let text = file_text(&out, "atom.xml");
        if let Err(e) = Document::parse(&text) {
            panic!("the build succeeded but atom.xml is not well-formed XML: {e}");
        }
    } else {
        // Refusing the title is fine too, if the writer is told where it is.
        out.failure(1).stderr_contains("content/articles/tricky.md");
    }
}

// --- Sitemap and robots.txt -------------------------------------------------------------

#[test]
fn sitemap_lists_every_page_by_its_absolute_url() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();
    let text = file_text(&out, "sitemap.xml");
    let doc = parse_xml(&text, "sitemap.xml");
    let urlset = doc.root_element();
    assert_eq!(urlset.tag_name().name(), "urlset");
    assert_eq!(urlset.tag_name().namespace(), Some(SITEMAP_NS));

    let locs = sitemap_entries(&doc).into_keys().collect::<Vec<_>>();
    let unique: BTreeSet<&String> = locs.iter().collect();
    assert_eq!(unique.len(), locs.len(), "no page twice: {locs:?}");
    let expected: BTreeSet<String> = out
        .html_files()
        .into_iter()
        // Not pages to find from a search engine: not found, and search results.
        .filter(|rel| rel != "404.html" && rel != "search/index.html")
        .map(|rel| url_of_file(BASE, &rel))
        .collect();
    assert_eq!(unique, expected.iter().collect());
}

#[test]
fn sitemap_dates_each_article_by_its_last_change() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();
    let text = file_text(&out, "sitemap.xml");
    let entries = sitemap_entries(&parse_xml(&text, "sitemap.xml"));

    for (loc, lastmod) in &entries {
        if let Some(l) = lastmod {
            assert!(is_w3c_date(l), "{loc}: lastmod {l:?}");
        }
    }
    let lastmod_day = |slug: &str| {
        let loc = format!("{BASE}articles/{slug}/");
        let lastmod = entries[&loc]
            .clone()
            .unwrap_or_else(|| panic!("{loc} lacks lastmod"));
        lastmod[..10].to_string()
    };
    assert_eq!(lastmod_day("pool-sizing"), "2025-06-01", "its `updated`");
    assert_eq!(lastmod_day("retry-budgets"), "2025-05-01", "its date");
    assert_eq!(lastmod_day("load-shedding"), "2025-04-01");
    assert_eq!(
        lastmod_day("lock-queues"),
        "2025-03-01",
        "the day as written, before its +01:00 offset"
    );
}

#[test]
fn robots_txt_names_the_absolute_sitemap_url() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();
    assert_eq!(robots_sitemaps(&out), [format!("{BASE}sitemap.xml")]);
}

// --- Every page's head ------------------------------------------------------------------

#[test]
fn every_page_head_has_title_description_canonical_and_share_tags() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();

    for rel in out.html_files() {
        let page = out.page(&rel);
        let head = Head::of(&page);
        assert!(!head.title.is_empty(), "{rel}: <title>");
        assert!(!head.description.is_empty(), "{rel}: meta description");
        assert_eq!(head.canonical, url_of_file(BASE, &rel), "{rel}: canonical");
        assert_eq!(head.og_url, head.canonical, "{rel}: og:url");
        assert!(!head.og_title.is_empty(), "{rel}: og:title");
        assert_eq!(
            head.og_description, head.description,
            "{rel}: og:description"
        );
        let expected_type = if rel.starts_with("articles/") {
            "article"
        } else {
            "website"
        };
        assert_eq!(head.og_type, expected_type, "{rel}: og:type");
        assert!(!head.twitter_card.is_empty(), "{rel}: twitter:card");
    }
}

#[test]
fn article_head_describes_the_article() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();
    let head = Head::of(&out.page("articles/pool-sizing/index.html"));

    assert_eq!(head.title, "Pool sizing — Publish Notes");
    assert_eq!(
        head.description,
        "Fewer connections get you more throughput."
    );
    assert_eq!(head.og_title, "Pool sizing");
    assert_eq!(head.og_type, "article");
    assert_eq!(head.canonical, format!("{BASE}articles/pool-sizing/"));
}

#[test]
fn article_json_ld_is_a_blog_posting() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();

    let updated = json_ld(&out.page("articles/pool-sizing/index.html"));
    assert_eq!(updated["@context"], "https://schema.org");
    assert_eq!(updated["@type"], "BlogPosting");
    assert_eq!(updated["headline"], "Pool sizing");
    assert_eq!(
        updated["description"],
        "Fewer connections get you more throughput."
    );
    assert_eq!(updated["author"]["@type"], "Person");
    assert_eq!(updated["author"]["name"], "Ana Pereira");
    assert_eq!(updated["author"]["jobTitle"], "Principal Engineer");
    assert_eq!(updated["datePublished"], "2025-01-10");
    assert_eq!(updated["dateModified"], "2025-06-01");
    assert_eq!(updated["publisher"]["@type"], "Organization");
    assert_eq!(updated["publisher"]["name"], "Publish Notes");

    let never_updated = json_ld(&out.page("articles/load-shedding/index.html"));
    assert_eq!(never_updated["datePublished"], "2025-04-01");
    assert_eq!(never_updated["dateModified"], "2025-04-01");
    assert_eq!(
        never_updated["author"]["jobTitle"],
        "Staff Engineer, Reliability"
    );
}

#[test]
fn only_article_pages_carry_json_ld() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();

    for rel in out.html_files() {
        let expected = usize::from(rel.starts_with("articles/"));
        assert_eq!(
            out.page(&rel).count("script[type='application/ld+json']"),
            expected,
            "{rel}"
        );
    }
}

#[test]
fn json_ld_survives_a_title_with_a_script_end_tag_and_quotes() {
    let title = r#"Why "</script>" ends <b>scripts</b> & 'quotes' don't"#;
    let summary = r#"A summary with </SCRIPT> and "double" quotes."#;
    let (_site, out) = build_with_tricky_article(title, summary);
    let page = out.page("articles/tricky/index.html");

    let data = json_ld(&page);
    assert_eq!(data["headline"], title);
    assert_eq!(data["description"], summary);
    assert_eq!(
        page.text("h1"),
        title,
        "the page after the script is intact"
    );
    assert_eq!(
        page.count("form.site-search input[name=q]"),
        1,
        "the search form after the JSON-LD is still an element"
    );
}

#[test]
fn json_ld_survives_a_title_with_a_comment_opener() {
    let title = "Comments like <!--<script> confuse parsers";
    let (_site, out) = build_with_tricky_article(title, "Plain summary.");
    let page = out.page("articles/tricky/index.html");

    assert_eq!(
        page.text("h1"),
        title,
        "the page after the script is intact"
    );
    let data = json_ld(&page);
    assert_eq!(data["headline"], title);
    assert_eq!(
        page.count("form.site-search input[name=q]"),
        1,
        "the search form after the JSON-LD is still an element"
    );
}

// --- Tags and authors -------------------------------------------------------------------

#[test]
fn tags_index_lists_every_tag_with_its_count() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();
    let listed = tag_index(&out);

    let expected: BTreeMap<String, usize> = [
        ("API design", 1),
        ("performance", 1),
        ("postgres", 2),
        ("reliability", 3),
    ]
    .into_iter()
    .map(|(name, count)| (name.to_string(), count))
    .collect();
    assert_eq!(
        listed
            .iter()
            .map(|(name, (count, _))| (name.clone(), *count))
            .collect::<BTreeMap<_, _>>(),
        expected
    );
    for (name, (count, href)) in &listed {
        let target = support::resolve("tags/index.html", href, "/")
            .unwrap_or_else(|| panic!("tag {name}: {href} leaves the site"));
        let (titles, _) = out.titles_across_pages(&target, ".card-title");
        assert_eq!(titles.len(), *count, "tag {name}: page lists {titles:?}");
    }
}

#[test]
fn article_pages_link_their_tags_and_their_author() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();

    let retry = out.page("articles/retry-budgets/index.html");
    assert_eq!(retry.all_text("a[rel=tag]"), ["reliability", "API design"]);
    assert_eq!(retry.text("a[rel=author]"), "Ben Okafor");

    for (slug, title) in PUBLISHED {
        let rel = format!("articles/{slug}/index.html");
        let page = out.page(&rel);
        for href in page.attrs("a[rel=tag]", "href") {
            let target = support::resolve(&rel, &href, "/")
                .unwrap_or_else(|| panic!("{rel}: tag link {href} leaves the site"));
            let (titles, _) = out.titles_across_pages(&target, ".card-title");
            assert!(titles.iter().any(|t| t == title), "{href} lacks {title}");
        }
        let author = page.attr("a[rel=author]", "href");
        let target = support::resolve(&rel, &author, "/")
            .unwrap_or_else(|| panic!("{rel}: author link {author} leaves the site"));
        let author_page = out.page(&target);
        assert_eq!(author_page.text("h1"), page.text("a[rel=author]"));
        assert!(
            author_page
                .all_text(".card-title")
                .contains(&title.to_string())
        );
    }
}

// --- Search -----------------------------------------------------------------------------

#[test]
fn search_index_has_one_entry_per_published_article() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();
    let index = search_index(&out);

    let titles: Vec<&str> = index.iter().map(|e| str_field(e, "title")).collect();
    assert_eq!(titles, PUBLISHED.map(|(_, title)| title));
    for entry in &index {
        let title = str_field(entry, "title");
        let url = str_field(entry, "url");
        let target = support::resolve("index.html", url, "/")
            .unwrap_or_else(|| panic!("{title}: url {url} leaves the site"));
        let page = out.page(&target);
        assert_eq!(page.text("h1"), title);
        assert_eq!(
            str_field(entry, "summary"),
            page.attr("meta[name=description]", "content")
        );
        assert_eq!(
            str_field(entry, "date"),
            page.attr(".post-meta time", "datetime")
        );
        assert_eq!(
            entry["authors"],
            serde_json::json!([page.text(".post-meta .byline a")]),
            "{title}: author"
        );
        let tags: Vec<&str> = entry["tags"]
            .as_array()
            .unwrap_or_else(|| panic!("{title}: tags is a list"))
            .iter()
            .map(|t| t.as_str().expect("a tag is a string"))
            .collect();
        assert_eq!(tags, page.all_text("a[rel=tag]"), "{title}: tags");
    }
}

#[test]
fn every_page_has_a_search_form_that_opens_the_search_page_without_javascript() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();

    for rel in out.html_files() {
        let page = out.page(&rel);
        let scripts: Vec<String> = page
            .attrs("script[src]", "src")
            .iter()
            .filter_map(|src| support::resolve(&rel, src, "/"))
            .collect();
        if rel == "search/index.html" {
            assert_eq!(page.count(".site-search"), 0, "one search form is enough");
            assert_eq!(scripts, ["js/search.js"], "{rel}");
            continue;
        }
        assert!(scripts.is_empty(), "{rel} loads {scripts:?}");
        assert_eq!(page.attr("form.site-search", "method"), "get", "{rel}");
        let action = page.attr("form.site-search", "action");
        assert_eq!(
            support::resolve(&rel, &action, "/").as_deref(),
            Some("search/index.html"),
            "{rel}: the form opens the search page"
        );
        let input = page.attr("form.site-search input[type=search]", "id");
        assert_eq!(
            page.attr("form.site-search input[type=search]", "name"),
            "q"
        );
        assert_eq!(
            page.count(&format!("label[for={input}]")),
            1,
            "{rel}: a label"
        );
    }
    assert!(out.exists("js/search.js"));
}

#[test]
fn the_search_page_is_a_labelled_form_with_a_live_status_and_a_note_without_javascript() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();
    let page = out.page("search/index.html");
    assert_eq!(page.text("h1"), "Search");
    assert_eq!(
        page.attr("head meta[name=robots]", "content"),
        "noindex",
        "search results are not for crawlers"
    );
    let form = "form.search-form";
    assert_eq!(page.attr(form, "action"), "/search/");
    assert_eq!(
        page.attr(&format!("{form} input[type=search]"), "name"),
        "q"
    );
    for id in ["search-input", "search-tag", "search-author"] {
        assert_eq!(
            page.count(&format!("label[for={id}]")),
            1,
            "a label for #{id}"
        );
    }
    assert_eq!(page.count(".search-status[role=status]"), 1);
    assert!(
        page.text("noscript").contains("needs JavaScript"),
        "{}",
        page.text("noscript")
    );
    assert_eq!(page.attr(".search-page", "data-index"), "/search-index/");
    assert!(out.exists("search-index/meta.json"));
    let sitemap = file_text(&out, "sitemap.xml");
    assert!(
        !sitemap_entries(&parse_xml(&sitemap, "sitemap.xml"))
            .contains_key(&format!("{BASE}search/")),
        "the search page is not in the sitemap"
    );
}

#[test]
fn search_turned_off_writes_no_index_page_or_form() {
    let site = Site::fixture("publish");
    site.edit("config.toml", |c| {
        format!("{c}\n[search]\nenabled = false\n")
    });
    let out = site.build();
    out.success();
    assert!(!out.exists("search-index/meta.json"));
    assert!(!out.exists("search/index.html"));
    assert_eq!(out.page("index.html").count("form.site-search"), 0);
}

#[test]
fn a_theme_without_a_search_template_builds_without_the_search_page() {
    let site = Site::fixture("publish");
    site.remove("themes/default/templates/search.html");
    let out = site.build();
    out.success();
    assert!(!out.exists("search/index.html"));
    assert_eq!(out.page("index.html").count("form.site-search"), 0);
    assert!(
        out.exists("search-index/meta.json"),
        "the index is there for the theme"
    );
}

// --- Drafts and future articles ---------------------------------------------------------

#[test]
fn drafts_and_future_articles_appear_nowhere() {
    let site = Site::fixture("publish");
    let out = site.build();
    out.success();

    let published = everything_published(&out);
    for (slug, title, tag) in HIDDEN {
        let url = format!("{BASE}articles/{slug}/");
        assert!(!out.exists(&format!("articles/{slug}/index.html")));
        assert!(!out.exists(&format!("tags/{tag}/index.html")));
        assert!(!published.page_urls.contains(&url), "a page links {url}");
        assert!(
            !published.page_texts.iter().any(|t| t.contains(title)),
            "a page names {title:?}"
        );
        assert!(!published.feed_ids.contains(&url), "atom has {slug}");
        assert!(!published.sitemap.contains(&url), "sitemap has {slug}");
        assert!(
            !published.search.contains(&url),
            "the search index has {slug}"
        );
        assert!(!published.tags.contains(tag), "tags index has {tag}");
    }
}

#[test]
fn drafts_and_future_articles_appear_everywhere_with_drafts_and_future() {
    let site = Site::fixture("publish");
    let out = site.build_with(&["--drafts", "--future"]);
    out.success();

    let published = everything_published(&out);
    for (slug, title, tag) in HIDDEN {
        let url = format!("{BASE}articles/{slug}/");
        assert_eq!(
            out.page(&format!("articles/{slug}/index.html")).text("h1"),
            title
        );
        assert!(out.exists(&format!("tags/{tag}/index.html")));
        assert!(published.page_urls.contains(&url), "no page links {url}");
        assert!(published.feed_ids.contains(&url), "atom lacks {slug}");
        assert!(published.sitemap.contains(&url), "sitemap lacks {slug}");
        assert!(
            published.search.contains(&url),
            "the search index lacks {slug}"
        );
        assert!(published.tags.contains(tag), "tags index lacks {tag}");
    }
    let (titles, _) = out.titles_across_pages("index.html", ".card-title");
    assert_eq!(titles.len(), PUBLISHED.len() + HIDDEN.len(), "{titles:?}");
}

// --- Links and URLs under a sub-path ----------------------------------------------------

#[test]
fn every_internal_link_resolves_when_served_from_the_root() {
    let site = example_site();
    let out = site.build();
    out.success();
    assert_links_stay_inside(&out, EXAMPLE_BASE);
}

#[test]
fn every_internal_link_resolves_when_served_from_a_sub_path() {
    let site = example_site();
    let base = "https://example.com/blog/";
    let out = site.build_with(&["--base-url", base]);
    out.success();
    assert_links_stay_inside(&out, base);
}

// --- The output as a whole --------------------------------------------------------------

#[test]
fn stylesheet_hash_changes_only_when_the_css_changes() {
    let site = Site::fixture("publish");
    let first = stylesheet_hash(&site, "public");
    let unchanged = stylesheet_hash(&site, "public");
    assert_eq!(first, unchanged, "same CSS, same URL");

    site.edit("themes/default/static/css/style.css", |css| {
        format!("{css}\n.changed {{ color: red; }}\n")
    });
    let changed = stylesheet_hash(&site, "public");
    assert_ne!(first, changed, "new CSS, new URL");
}

#[test]
fn output_never_contains_machine_paths() {
    let example = example_site();
    let publish = Site::fixture("publish");
    let repo = env!("CARGO_MANIFEST_DIR");
    for (site, flags) in [
        (&example, &[][..]),
        (&publish, &["--drafts", "--future"][..]),
    ] {
        let out = site.build_with(flags);
        out.success();
        let root = site
            .root()
            .to_str()
            .expect("temp path is UTF-8")
            .to_string();
        for (rel, bytes) in out.tree() {
            for path in [root.as_str(), repo] {
                assert!(
                    !contains(&bytes, path.as_bytes()),
                    "{rel} contains the machine path {path}"
                );
            }
        }
    }
}

#[test]
fn two_builds_of_the_example_site_are_byte_identical() {
    let site = example_site();
    let first = site.build_into("out-a", &[]);
    let second = site.build_into("out-b", &[]);
    first.success();
    second.success();

    let (a, b) = (first.tree(), second.tree());
    assert!(
        a.len() > 30,
        "the whole example site was built: {:?}",
        a.keys()
    );
    assert_trees_equal(&a, &b);
}

#[test]
fn two_copies_of_the_example_site_build_byte_identical_output() {
    let (one, two) = (example_site(), example_site());
    let (a, b) = (one.build(), two.build());
    a.success();
    b.success();
    assert_trees_equal(&a.tree(), &b.tree());
}

// --- Helpers: sites ---------------------------------------------------------------------

/// The example site of the repository (config.toml, content/, themes/, static/) in a temp folder.
fn example_site() -> Site {
    let site = Site::fixture("basic");
    site.remove("config.toml")
        .remove("content")
        .remove("themes");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::copy(repo.join("config.toml"), site.path("config.toml")).expect("copy config.toml");
    for dir in ["content", "themes", "static"] {
        for entry in walkdir::WalkDir::new(repo.join(dir)) {
            let entry = entry.expect("walk the example site");
            let rel = entry.path().strip_prefix(repo).expect("inside the repo");
            if entry.file_type().is_dir() {
                fs::create_dir_all(site.path(&rel.to_string_lossy())).expect("create folder");
            } else {
                fs::copy(entry.path(), site.path(&rel.to_string_lossy())).expect("copy file");
            }
        }
    }
    site
}

/// The `publish` fixture with one more article, `tricky`, titled and summarised as given,
/// built. The site is returned too: its output lives only as long as it does.
fn build_with_tricky_article(title: &str, summary: &str) -> (Site, Output) {
    let site = Site::fixture("publish");
    let quote = |s: &str| serde_json::to_string(s).expect("a string serializes");
    site.write(
        "content/articles/tricky.md",
        &format!(
            "---\ntitle: {}\nauthor: ana\ndate: 2025-02-02\nsummary: {}\n---\n\nBody.\n",
            quote(title),
            quote(summary)
        ),
    );
    let out = site.build();
    out.success();
    (site, out)
}

/// The `h` query of the stylesheet link on the home page, after a fresh build.
fn stylesheet_hash(site: &Site, output: &str) -> String {
    let out = site.build_into(output, &[]);
    out.success();
    let page = out.page("index.html");
    let href = page
        .attrs("link[rel=stylesheet]", "href")
        .into_iter()
        .find(|h| h.split('?').next() == Some("/css/style.css"))
        .unwrap_or_else(|| panic!("no style.css link on the home page"));
    let (_, query) = href
        .split_once('?')
        .unwrap_or_else(|| panic!("{href} has no query"));
    let hash = query
        .strip_prefix("h=")
        .unwrap_or_else(|| panic!("{href} has no ?h= hash"));
    assert!(
        !hash.is_empty() && hash.chars().all(|c| c.is_ascii_alphanumeric()),
        "{href}"
    );
    assert_eq!(
        out.file("css/style.css"),
        fs::read(site.path("themes/default/static/css/style.css")).expect("read the CSS"),
        "the linked file is the current CSS"
    );
    hash.to_string()
}

// --- Helpers: what the output says --------------------------------------------------------

fn file_text(out: &Output, rel: &str) -> String {
    String::from_utf8(out.file(rel)).unwrap_or_else(|_| panic!("{rel} is not UTF-8"))
}

fn parse_xml<'i>(text: &'i str, rel: &str) -> Document<'i> {
    Document::parse(text).unwrap_or_else(|e| panic!("{rel} is not well-formed XML: {e}\n{text}"))
}

fn is_atom(node: XmlNode, name: &str) -> bool {
    node.is_element()
        && node.tag_name().name() == name
        && node.tag_name().namespace() == Some(ATOM_NS)
}

fn atom_child<'a, 'i>(node: XmlNode<'a, 'i>, name: &str) -> Option<XmlNode<'a, 'i>> {
    node.children().find(|c| is_atom(*c, name))
}

fn child_text(node: XmlNode, name: &str) -> String {
    atom_child(node, name)
        .map(|c| c.text().unwrap_or("").to_string())
        .unwrap_or_else(|| panic!("<{}> lacks <{name}>", node.tag_name().name()))
}

/// `href` of the `<link>` with this `rel` (a link without `rel` is `alternate`, RFC 4287).
fn link_href(node: XmlNode, rel: &str) -> String {
    node.children()
        .filter(|c| is_atom(*c, "link"))
        .find(|l| l.attribute("rel").unwrap_or("alternate") == rel)
        .and_then(|l| l.attribute("href"))
        .unwrap_or_else(|| panic!("<{}> lacks <link rel={rel}>", node.tag_name().name()))
        .to_string()
}

/// One `<entry>` of the feed, with every field RFC 4287 asks of it.
struct Entry {
    id: String,
    title: String,
    updated: String,
    published: String,
    link: String,
    author: String,
    summary: String,
    /// `type` and text of `<content>`, if any.
    content: Option<(String, String)>,
}

fn atom_entries(doc: &Document) -> Vec<Entry> {
    doc.root_element()
        .children()
        .filter(|c| is_atom(*c, "entry"))
        .map(|e| {
            let author = atom_child(e, "author").expect("entry has an author");
            Entry {
                id: child_text(e, "id"),
                title: child_text(e, "title"),
                updated: child_text(e, "updated"),
                published: child_text(e, "published"),
                link: link_href(e, "alternate"),
                author: child_text(author, "name"),
                summary: child_text(e, "summary"),
                content: atom_child(e, "content").map(|c| {
                    (
                        c.attribute("type").unwrap_or("text").to_string(),
                        c.text().unwrap_or("").to_string(),
                    )
                }),
            }
        })
        .collect()
}

/// The base URL in scope at `node`: every `xml:base` from the root down, over `document`.
fn xml_base_in_scope(node: XmlNode, document: &str) -> String {
    let mut bases: Vec<&str> = node
        .ancestors()
        .filter_map(|n| n.attribute((XML_NS, "base")))
        .collect();
    bases.reverse();
    bases
        .into_iter()
        .fold(document.to_string(), |base, b| resolve_url(&base, b))
}

/// `loc` → `lastmod` of every `<url>` of the sitemap.
fn sitemap_entries(doc: &Document) -> BTreeMap<String, Option<String>> {
    let in_ns = |n: &XmlNode, name: &str| {
        n.is_element()
            && n.tag_name().name() == name
            && n.tag_name().namespace() == Some(SITEMAP_NS)
    };
    doc.root_element()
        .children()
        .filter(|n| in_ns(n, "url"))
        .map(|url| {
            let text = |name: &str| {
                url.children()
                    .find(|c| in_ns(c, name))
                    .map(|c| c.text().unwrap_or("").trim().to_string())
            };
            (
                text("loc").expect("every <url> has a <loc>"),
                text("lastmod"),
            )
        })
        .collect()
}

/// Every `Sitemap:` URL that robots.txt announces.
fn robots_sitemaps(out: &Output) -> Vec<String> {
    file_text(out, "robots.txt")
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(key, _)| key.trim().eq_ignore_ascii_case("sitemap"))
        .map(|(_, url)| url.trim().to_string())
        .collect()
}

/// Every article's record in the search index, in order: `search-index/doc/N.bin` holds
/// `docs_per_file` of them, each `varint length` + its JSON, raw-deflated.
fn search_index(out: &Output) -> Vec<Value> {
    let text = file_text(out, "search-index/meta.json");
    let meta: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("meta.json: {e}\n{text}"));
    let docs = meta["docs"]
        .as_u64()
        .expect("meta.json counts the articles") as usize;
    let per_file = meta["docs_per_file"].as_u64().expect("docs_per_file") as usize;
    let mut records = Vec::new();
    for n in 0..docs.div_ceil(per_file) {
        let path = format!("search-index/doc/{n}.bin");
        let file = out.file(&path);
        let mut at = 0;
        while at < file.len() {
            let (mut len, mut shift) = (0usize, 0);
            loop {
                let b = file[at];
                at += 1;
                len |= usize::from(b & 0x7f) << shift;
                if b < 0x80 {
                    break;
                }
                shift += 7;
            }
            let mut json = String::new();
            flate2::read::DeflateDecoder::new(&file[at..at + len])
                .read_to_string(&mut json)
                .unwrap_or_else(|e| panic!("{path}: a record that does not inflate: {e}"));
            at += len;
            records.push(
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{path}: {e}\n{json}")),
            );
        }
    }
    assert_eq!(records.len(), docs, "one record per article");
    records
}

fn str_field<'v>(entry: &'v Value, name: &str) -> &'v str {
    entry[name]
        .as_str()
        .unwrap_or_else(|| panic!("search entry lacks string `{name}`: {entry}"))
}

/// The JSON-LD of a page, parsed (exactly one such script).
fn json_ld(page: &Page) -> Value {
    let scripts = page.nodes("script[type='application/ld+json']");
    assert_eq!(scripts.len(), 1, "{}: JSON-LD scripts", page.path);
    let text: String = scripts[0].0.text().collect();
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{}: JSON-LD does not parse: {e}\n{text}", page.path))
}

/// Name → (count, href) of every entry of the tags index.
fn tag_index(out: &Output) -> BTreeMap<String, (usize, String)> {
    let page = out.page("tags/index.html");
    page.nodes(".tag-index a")
        .into_iter()
        .map(|a| {
            let name = a.0.text().next().map(normalise).unwrap_or_default();
            let count = a.text(".count");
            let count = count
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("tag {name}: count {count:?}"));
            let href = a.0.value().attr("href").expect("a tag link").to_string();
            (name, (count, href))
        })
        .collect()
}

/// The meta data of a page's head.
struct Head {
    title: String,
    description: String,
    canonical: String,
    og_title: String,
    og_description: String,
    og_url: String,
    og_type: String,
    twitter_card: String,
}

impl Head {
    fn of(page: &Page) -> Head {
        let meta = |selector: &str| {
            page.first_attr(&format!("head meta[{selector}]"), "content")
                .unwrap_or_else(|| panic!("{}: no meta[{selector}]", page.path))
        };
        Head {
            title: page.text("head title"),
            description: meta("name=description"),
            canonical: page.attr("head link[rel=canonical]", "href"),
            og_title: meta("property='og:title'"),
            og_description: meta("property='og:description'"),
            og_url: meta("property='og:url'"),
            og_type: meta("property='og:type'"),
            twitter_card: meta("name='twitter:card'"),
        }
    }
}

/// Where every published place of a build points: absolute article URLs and names.
struct Published {
    /// Every link of every HTML page, as an absolute URL of the site.
    page_urls: BTreeSet<String>,
    page_texts: Vec<String>,
    feed_ids: BTreeSet<String>,
    sitemap: BTreeSet<String>,
    search: BTreeSet<String>,
    tags: BTreeSet<String>,
}

fn everything_published(out: &Output) -> Published {
    let mut page_urls = BTreeSet::new();
    let mut page_texts = Vec::new();
    for rel in out.html_files() {
        let page = out.page(&rel);
        let page_url = url_of_file(BASE, &rel);
        for href in page.attrs("a[href], link[href]", "href") {
            let url = resolve_url(&page_url, &href);
            page_urls.insert(url.split(['#', '?']).next().unwrap_or("").to_string());
        }
        page_texts.push(page.root().own_text());
    }
    let atom = file_text(out, "atom.xml");
    let feed_ids = atom_entries(&parse_xml(&atom, "atom.xml"))
        .into_iter()
        .flat_map(|e| [e.id, e.link])
        .collect();
    let sitemap = file_text(out, "sitemap.xml");
    let sitemap = sitemap_entries(&parse_xml(&sitemap, "sitemap.xml"))
        .into_keys()
        .collect();
    let search = search_index(out)
        .iter()
        .map(|e| resolve_url(BASE, str_field(e, "url")))
        .collect();
    let tags = tag_index(out)
        .into_values()
        .map(|(_, href)| {
            let url = resolve_url(&format!("{BASE}tags/"), &href);
            url.trim_start_matches(&format!("{BASE}tags/"))
                .trim_end_matches('/')
                .to_string()
        })
        .collect();
    Published {
        page_urls,
        page_texts,
        feed_ids,
        sitemap,
        search,
        tags,
    }
}

// --- Helpers: links and URLs -------------------------------------------------------------

/// Every internal `href`/`src` of every page leads to a file of the output; every absolute
/// URL of the site (pages, JSON-LD, feed, sitemap, robots.txt, search index) starts with
/// `base`.
fn assert_links_stay_inside(out: &Output, base: &str) {
    let own_hosts = [host_of(base), host_of(EXAMPLE_BASE)];
    let mut problems = Vec::new();
    let outside = |place: &str, url: &str| {
        (own_hosts.contains(&host_of(url)) && !url.starts_with(base))
            .then(|| format!("{place}: {url} is outside {base}"))
    };

    let mut links = 0;
    for rel in out.html_files() {
        let page = out.page(&rel);
        let page_url = url_of_file(base, &rel);
        let mut urls = page.attrs("a[href], link[href]", "href");
        urls.extend(page.attrs("img[src], script[src], source[src]", "src"));
        urls.extend(page.attrs("form[action]", "action"));
        let indexes = page.attrs("[data-index]", "data-index");
        urls.extend(
            indexes
                .into_iter()
                .map(|folder| format!("{folder}meta.json")),
        );
        urls.extend(page.attrs("meta[property='og:url']", "content"));
        for url in urls {
            if url.starts_with('#') || (has_scheme(&url) && !is_http(&url)) {
                continue;
            }
            let absolute = resolve_url(&page_url, &url);
            if !own_hosts.contains(&host_of(&absolute)) {
                continue;
            }
            problems.extend(outside(&rel, &absolute));
            links += 1;
            if !leads_to_output(out, &absolute, base) {
                problems.push(format!("{rel}: {url} leads to no file"));
            }
        }
        for script in page.nodes("script[type='application/ld+json']") {
            let text: String = script.0.text().collect();
            let data: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{rel}: JSON-LD does not parse: {e}"));
            for url in json_urls(&data) {
                problems.extend(outside(&format!("{rel} JSON-LD"), &url));
            }
        }
    }
    assert!(
        links > 100,
        "the example site has many links, found {links}"
    );

    let atom = file_text(out, "atom.xml");
    let doc = parse_xml(&atom, "atom.xml");
    for node in doc.descendants().filter(|n| n.is_element()) {
        for attr in node.attributes() {
            if is_http(attr.value()) {
                problems.extend(outside("atom.xml", attr.value()));
            }
        }
        if ["id", "uri"].contains(&node.tag_name().name()) {
            let url = node.text().unwrap_or("");
            problems.extend(outside("atom.xml", url));
            assert!(
                url.starts_with(base),
                "atom.xml: <{:?}> {url}",
                node.tag_name()
            );
        }
    }
    let sitemap = file_text(out, "sitemap.xml");
    for loc in sitemap_entries(&parse_xml(&sitemap, "sitemap.xml")).into_keys() {
        assert!(loc.starts_with(base), "sitemap.xml: {loc}");
        if !leads_to_output(out, &loc, base) {
            problems.push(format!("sitemap.xml: {loc} leads to no file"));
        }
    }
    assert_eq!(robots_sitemaps(out), [format!("{base}sitemap.xml")]);
    for entry in search_index(out) {
        let url = resolve_url(base, str_field(&entry, "url"));
        if !url.starts_with(base) || !leads_to_output(out, &url, base) {
            problems.push(format!("search index: {} leads to no file", entry["url"]));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every string of a JSON value that is an http(s) URL.
fn json_urls(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) if is_http(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(json_urls).collect(),
        Value::Object(map) => map.values().flat_map(json_urls).collect(),
        _ => Vec::new(),
    }
}

/// Whether an absolute URL of the site under `base` leads to a file of the output, and, with
/// a `#fragment`, to an element with that id.
fn leads_to_output(out: &Output, url: &str, base: &str) -> bool {
    let (without_fragment, fragment) = match url.split_once('#') {
        Some((u, f)) => (u, Some(f)),
        None => (url, None),
    };
    let Some(file) = file_of_url(without_fragment, base) else {
        return false;
    };
    if !out.exists(&file) {
        return false;
    }
    match fragment {
        Some(id) if !id.is_empty() && file.ends_with(".html") => {
            out.page(&file).count(&format!("[id='{id}']")) > 0
        }
        _ => true,
    }
}

/// The output file an absolute URL under `base` names: folders mean their `index.html`.
fn file_of_url(url: &str, base: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let rest = path.strip_prefix(base)?;
    Some(if rest.is_empty() || rest.ends_with('/') {
        format!("{rest}index.html")
    } else {
        rest.to_string()
    })
}

/// The absolute URL of an output file: folders for `index.html`.
fn url_of_file(base: &str, rel: &str) -> String {
    format!("{base}{}", rel.strip_suffix("index.html").unwrap_or(rel))
}

fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or("", |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or("")
}

fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

fn is_http(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// Resolve `reference` against the absolute URL `base` (RFC 3986 §5.2, enough for a site).
fn resolve_url(base: &str, reference: &str) -> String {
    if has_scheme(reference) {
        return reference.to_string();
    }
    let (scheme, rest) = base.split_once("://").expect("base is absolute");
    if let Some(r) = reference.strip_prefix("//") {
        return format!("{scheme}://{r}");
    }
    let host = host_of(base);
    let base_path = rest[host.len()..].split(['?', '#']).next().unwrap_or("");
    let base_path = if base_path.is_empty() { "/" } else { base_path };
    let split = reference.find(['?', '#']).unwrap_or(reference.len());
    let (path, suffix) = reference.split_at(split);
    let joined = if path.is_empty() {
        base_path.to_string()
    } else if path.starts_with('/') {
        path.to_string()
    } else {
        let dir = &base_path[..=base_path.rfind('/').unwrap_or(0)];
        format!("{dir}{path}")
    };
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = joined.split('/').skip(1).collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        match *part {
            "." => {}
            ".." => {
                segments.pop();
            }
            p => segments.push(p),
        }
        if last && (*part == "." || *part == "..") {
            segments.push("");
        }
    }
    format!("{scheme}://{host}/{}{suffix}", segments.join("/"))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// --- Helpers: dates ---------------------------------------------------------------------

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, RFC 3339 §5.6.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |from: usize, to: usize| {
        b.get(from..to)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let shape = b.len() >= 20
        && digits(0, 4)
        && b[4] == b'-'
        && digits(5, 7)
        && b[7] == b'-'
        && digits(8, 10)
        && matches!(b[10], b'T' | b't')
        && digits(11, 13)
        && b[13] == b':'
        && digits(14, 16)
        && b[16] == b':'
        && digits(17, 19);
    if !shape {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    let r = rest.as_bytes();
    let offset = r.len() == 6
        && matches!(r[0], b'+' | b'-')
        && r[1..3].iter().all(u8::is_ascii_digit)
        && r[3] == b':'
        && r[4..6].iter().all(u8::is_ascii_digit);
    rest.eq_ignore_ascii_case("z") || offset
}

/// W3C Datetime as sitemaps use it: a day `YYYY-MM-DD` or an RFC 3339 time.
fn is_w3c_date(s: &str) -> bool {
    let day = s.len() == 10
        && s.bytes().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    day || is_rfc3339(s)
}

/// Seconds since 1970 of an RFC 3339 time, to compare instants written with any offset.
fn instant(s: &str) -> i64 {
    assert!(is_rfc3339(s), "not RFC 3339: {s:?}");
    let n = |from: usize, to: usize| s[from..to].parse::<i64>().expect("digits");
    let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let tail = s[19..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match tail.as_bytes()[0] {
        b'+' | b'-' => {
            let sign = if tail.starts_with('-') { -1 } else { 1 };
            sign * (tail[1..3].parse::<i64>().expect("hours") * 3600
                + tail[4..6].parse::<i64>().expect("minutes") * 60)
        }
        _ => 0,
    };
    days * 86_400 + n(11, 13) * 3600 + n(14, 16) * 60 + n(17, 19) - offset
}
