//! Names, dates and links are neither mangled nor merged: tags that differ get pages of their
//! own, any script names a page, characters XML forbids never break the feed or sitemap, a
//! date shows the writer's own day whatever way its offset is written, and links to headings
//! with non-ASCII ids are found however they are written.

mod support;

use support::Site;

fn article(title: &str, date: &str, tags: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\nauthor: ana\ndate: {date}\nsummary: About {title}.\ntags: {tags}\n---\n\n{body}\n"
    )
}

#[test]
fn c_c_sharp_and_c_plus_plus_are_three_tags() {
    let site = Site::fixture("basic");
    site.write(
        "content/articles/c.md",
        &article("C", "2025-01-01", "[C]", "Pointers."),
    )
    .write(
        "content/articles/c-sharp.md",
        &article("C sharp", "2025-01-02", "[\"C#\"]", "Delegates."),
    )
    .write(
        "content/articles/cpp.md",
        &article("C plus plus", "2025-01-03", "[C++, c++]", "Templates."),
    );
    let out = site.build();
    out.success();
    for (slug, name, title) in [
        ("c", "C", "C"),
        ("c-sharp", "C#", "C sharp"),
        ("c-plus-plus", "C++", "C plus plus"),
    ] {
        let page = out.page(&format!("tags/{slug}/index.html"));
        assert_eq!(page.text("h1"), format!("Tagged “{name}”"));
        assert_eq!(page.all_text(".card-title"), [title], "tags/{slug}/");
    }
}

#[test]
fn indic_turkish_and_decomposed_names_build_whole() {
    let site = Site::fixture("basic");
    site.write(
        "content/articles/हिन्दी.md",
        &article(
            "हिन्दी भाषा",
            "2025-01-01",
            "[हिन्दी, தமிழ், İstanbul]",
            "नमस्ते",
        ),
    )
    // Saved decomposed, as macOS may write it: `e` and a combining acute accent.
    .write(
        "content/articles/cafe\u{301}.md",
        &article("Café", "2025-01-02", "[\"Cafe\u{301}\"]", "Espresso."),
    )
    // Linked composed, as a writer types it.
    .write(
        "content/articles/menu.md",
        &article(
            "Menu",
            "2025-01-03",
            "[food]",
            "See [the café](caf\u{e9}.md).",
        ),
    );
    let out = site.build();
    out.success();
    let menu = out.page("articles/menu/index.html");
    assert_eq!(menu.attr(".prose a", "href"), "/articles/caf%C3%A9/");
    for page in [
        "articles/हिन्दी/index.html",
        "articles/caf\u{e9}/index.html",
        "tags/हिन्दी/index.html",
        "tags/தமிழ்/index.html",
        "tags/istanbul/index.html",
        "tags/caf\u{e9}/index.html",
    ] {
        assert!(out.exists(page), "no {page}: {:?}", out.html_files());
    }
}

#[test]
fn control_characters_never_make_the_feed_or_sitemap_ill_formed() {
    let site = Site::fixture("basic");
    site.edit("config.toml", |c| {
        c.replacen("name = \"Ana Pereira\"", "name = \"Ana\\u0001 Pereira\\u001b\"", 1)
    })
    .write(
        "content/articles/bell.md",
        "---\ntitle: \"Bell\\a title\\x0b\"\nauthor: ana\ndate: 2025-05-01\nsummary: \"Ring\\x01 it\\x1f\"\ntags: [\"tab\\x08\", \"null\\x0c tag\"]\n---\n\nBody.\n",
    );
    let out = site.build();
    out.success();
    for file in ["atom.xml", "sitemap.xml"] {
        let text = String::from_utf8(out.file(file)).expect("UTF-8");
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{file} is not well-formed XML: {e}\n{text}"));
        if file == "atom.xml" {
            let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
            assert!(texts.contains(&"Bell title"), "{texts:?}");
            assert!(texts.contains(&"Ring it"), "{texts:?}");
            assert!(texts.contains(&"Ana Pereira"), "{texts:?}");
            let labels: Vec<&str> = doc
                .descendants()
                .filter_map(|n| n.attribute("label"))
                .collect();
            assert!(labels.contains(&"tab"), "{labels:?}");
            assert!(labels.contains(&"null tag"), "{labels:?}");
        }
    }
}

#[test]
fn every_way_of_writing_an_offset_shows_the_writers_day() {
    for date in [
        "2025-03-01T23:30:00-02:00",
        "2025-03-01T23:30:00-0200",
        "2025-03-01T23:30:00-02",
        "2025-03-01T23:30:00-02:00[America/Noronha]",
    ] {
        let site = Site::fixture("basic");
        site.write(
            "content/articles/late.md",
            &article("Late", date, "[time]", "Written late in the evening."),
        );
        let out = site.build();
        out.success();
        let page = out.page("articles/late/index.html");
        assert_eq!(page.text("article.post time"), "1 March 2025", "{date}");
        assert_eq!(
            page.attr("article.post time", "datetime"),
            "2025-03-01",
            "{date}"
        );
        let feed = String::from_utf8(out.file("atom.xml")).expect("UTF-8");
        let doc = roxmltree::Document::parse(&feed).expect("well-formed feed");
        let published: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("published"))
            .filter_map(|n| n.text())
            .collect();
        assert!(
            published.contains(&"2025-03-02T01:30:00Z"),
            "{date}: {published:?}"
        );
    }
}

#[test]
fn links_to_non_ascii_headings_are_found_however_written() {
    let site = Site::fixture("basic");
    site.write(
        "content/articles/menu.md",
        &article(
            "Menu",
            "2025-01-01",
            "[food]",
            "## Café\n\n## Q&A {#q&a}\n\n[self](#caf%C3%A9) [again](#café) [qa](#q&a)",
        ),
    )
    .write(
        "content/articles/visit.md",
        &article(
            "Visit",
            "2025-01-02",
            "[food]",
            "[the café](menu.md#caf%C3%A9) and [questions](menu.md#q&a)",
        ),
    );
    site.build().success();
    let root = site.root().to_str().expect("UTF-8 path").to_string();
    let out = site.run(&["check", "--root", &root]);
    out.success()
        .stdout_contains("0 errors")
        .stderr_lacks("missing heading");
    // And a heading that is not there is still reported.
    site.edit("content/articles/visit.md", |t| {
        t.replace("menu.md#caf%C3%A9", "menu.md#th%C3%A9")
    });
    site.build()
        .failure(1)
        .stderr_contains("link to a missing heading `#thé` in `menu`");
}
