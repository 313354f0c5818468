//! The model of a small site that edits change: its config and its articles as plain values,
//! and the files they are written as. Everything else on disk (templates, static files, the
//! theme) is changed directly by the edits. The starting site: four articles (one a folder
//! with an image, one a draft), two authors, `[markdown]` keys, the default theme.

use std::fs;
use std::path::Path;

use super::disk::Disk;

/// Names articles are created and renamed with.
pub const NAMES: &[&str] = &["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];
/// Values for `slug:`: free ones, ones other articles' file names give, and a bad one.
pub const SLUGS: &[&str] = &["moved", "bravo", "renamed-post", "alpha", "Bad Slug!"];
/// Dates around "now" (2026-11-20): past, the same day twice (ties sort by slug), future,
/// and one that is no date.
pub const DATES: &[&str] = &[
    "2024-01-10",
    "2025-06-01",
    "2026-03-03",
    "2026-03-03",
    "2026-11-19",
    "2026-12-01",
    "2030-01-01",
    "2025-02-30",
];
pub const UPDATED: &[&str] = &["2026-01-01", "2026-11-19", "2026-13-01", "2030-06-01"];
/// Series ids: a good one, another, and one that is no slug.
pub const SERIES: &[&str] = &["pg", "apis", "Bad Id"];
/// Old addresses: free ones, a page of the site, and an article's own address.
pub const ALIASES: &[&str] = &[
    "old-one",
    "/articles/old-two/",
    "/2024/x.html",
    "/tags/",
    "bravo",
];
/// `canonical:` values: good, and relative (an error).
pub const CANONICAL: &[&str] = &["https://elsewhere.example/a/", "/relative/"];
pub const AUTHORS: &[&str] = &["ana", "ben", "zed"];
pub const TAGS: &[&str] = &["postgres", "reliability", "apis", "Go Lang"];
const TITLES: &[&str] = &[
    "Retry budgets",
    "Timeouts that hold",
    "Queues & back-pressure",
    "\"Exactly once\", revisited",
    "Indexes: a field guide",
];
/// Headings a body may have, with the ids folio gives them.
pub const HEADINGS: &[(&str, &str)] = &[
    ("Why it matters", "why-it-matters"),
    ("The fix", "the-fix"),
    ("Numbers", "numbers"),
    ("Further reading", "further-reading"),
];
/// A tiny valid PNG stands in for a photo; `shade` tells versions of it apart.
pub fn png(shade: u8) -> Vec<u8> {
    let pixels = image::RgbImage::from_pixel(2, 2, image::Rgb([shade, 128, 64]));
    let mut bytes = Vec::new();
    pixels
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("encode a PNG in memory");
    bytes
}

/// `config.toml` as values.
#[derive(Debug, Clone)]
pub struct ConfigSpec {
    pub title: u8,
    /// 0 is an error.
    pub paginate: usize,
    pub more: usize,
    pub smart_punctuation: bool,
    pub raw_html: bool,
    pub external_links_new_tab: bool,
    pub highlight_code: bool,
    /// A misspelt key (an error until the next config edit).
    pub broken: bool,
    /// `[series.pg] title`.
    pub series_title: Option<u8>,
    pub netlify_redirects: bool,
}

/// One article as values; `links` are written paths relative to `content/articles/`
/// (`bravo.md`, `charlie/index.md`), with an anchor.
#[derive(Debug, Clone)]
pub struct ArticleSpec {
    pub name: String,
    pub folder: bool,
    pub title: u8,
    pub author: &'static str,
    pub date: &'static str,
    pub tags: Vec<&'static str>,
    pub related: Vec<String>,
    pub slug: Option<&'static str>,
    pub draft: bool,
    pub updated: Option<&'static str>,
    /// Co-authors (`authors:`), replacing `author:`.
    pub authors: Option<Vec<&'static str>>,
    pub series: Option<(&'static str, u32)>,
    pub aliases: Vec<&'static str>,
    pub canonical: Option<&'static str>,
    pub originally_published: bool,
    pub body: u8,
    pub links: Vec<(String, Option<String>)>,
}

#[derive(Debug, Clone)]
pub struct SiteModel {
    pub config: ConfigSpec,
    pub articles: Vec<ArticleSpec>,
}

impl ArticleSpec {
    pub fn new(name: &str, folder: bool, seed: u8) -> ArticleSpec {
        ArticleSpec {
            name: name.to_string(),
            folder,
            title: seed,
            author: AUTHORS[usize::from(seed) % 2],
            date: DATES[usize::from(seed) % 5],
            tags: vec![TAGS[usize::from(seed) % TAGS.len()]],
            related: Vec::new(),
            slug: None,
            draft: false,
            updated: None,
            authors: None,
            series: None,
            aliases: Vec::new(),
            canonical: None,
            originally_published: false,
            body: seed,
            links: Vec::new(),
        }
    }

    /// The article file, relative to `content/articles/`.
    pub fn file(&self) -> String {
        match self.folder {
            true => format!("{}/index.md", self.name),
            false => format!("{}.md", self.name),
        }
    }

    /// The article file, relative to the site root.
    pub fn path(&self) -> String {
        format!("content/articles/{}", self.file())
    }

    /// The folder of a folder article, relative to the site root.
    pub fn folder_path(&self) -> String {
        format!("content/articles/{}", self.name)
    }

    pub fn effective_slug(&self) -> &str {
        self.slug.unwrap_or(&self.name)
    }

    /// The ids of the body's headings.
    pub fn heading_ids(&self) -> Vec<&'static str> {
        headings(self.body).map(|(_, id)| id).collect()
    }

    /// A link to `target` (a path relative to `content/articles/`) as written in this file.
    fn link_href(&self, target: &str, anchor: &Option<String>) -> String {
        let up = if self.folder { "../" } else { "" };
        match anchor {
            Some(a) => format!("{up}{target}#{a}"),
            None => format!("{up}{target}"),
        }
    }

    pub fn text(&self) -> String {
        let byline = match &self.authors {
            Some(list) => format!("authors: [{}]", list.join(", ")),
            None => format!("author: {}", self.author),
        };
        let mut fm = format!(
            "---\ntitle: '{}'\n{byline}\ndate: {}\nsummary: What {} is about, take {}.\n",
            TITLES[usize::from(self.title) % TITLES.len()].replace('\'', "''"),
            self.date,
            self.name,
            self.title,
        );
        if !self.tags.is_empty() {
            fm.push_str(&format!("tags: [{}]\n", self.tags.join(", ")));
        }
        if !self.related.is_empty() {
            fm.push_str(&format!("related: [{}]\n", self.related.join(", ")));
        }
        if let Some(slug) = self.slug {
            fm.push_str(&format!("slug: '{slug}'\n"));
        }
        if self.draft {
            fm.push_str("draft: true\n");
        }
        if let Some(updated) = self.updated {
            fm.push_str(&format!("updated: {updated}\n"));
        }
        if let Some((id, part)) = self.series {
            fm.push_str(&format!("series: {{id: {id}, part: {part}}}\n"));
        }
        if !self.aliases.is_empty() {
            fm.push_str(&format!("aliases: [{}]\n", self.aliases.join(", ")));
        }
        if let Some(url) = self.canonical {
            fm.push_str(&format!("canonical: {url}\n"));
        }
        if self.originally_published {
            fm.push_str(
                "originally_published: {name: The Review, url: https://review.example/a/}\n",
            );
        }
        fm.push_str("---\n");
        fm.push_str(&body(self.body, self.folder));
        for (target, anchor) in &self.links {
            fm.push_str(&format!(
                "\nSee [more on this]({}).\n",
                self.link_href(target, anchor)
            ));
        }
        fm
    }
}

fn headings(seed: u8) -> impl Iterator<Item = (&'static str, &'static str)> {
    HEADINGS
        .iter()
        .enumerate()
        .filter(move |(i, _)| (seed >> 3) & (1 << i) != 0)
        .map(|(_, h)| *h)
}

/// A body made from `seed`: headings, smart-punctuation bait, and by bits raw HTML, an
/// external link, a code block, and components (an alert, a video; a folder article's
/// photo then has a caption); a folder article shows its photo.
fn body(seed: u8, folder: bool) -> String {
    let mut text = format!(
        "Take {seed}: \"quoted\" words -- a dash... and it's done.\n\nA second paragraph about budgets and queues.\n"
    );
    let components = seed & 128 != 0;
    match (folder, components) {
        (true, true) => {
            text.push_str("\n![A photo of the whiteboard](photo.png \"The whiteboard\")\n")
        }
        (true, false) => text.push_str("\n![A photo of the whiteboard](photo.png)\n"),
        _ => {}
    }
    if components {
        text.push_str("\n> [!WARNING]\n> Budgets run out.\n\nhttps://youtu.be/dQw4w9WgXcQ\n");
    }
    for (heading, _) in headings(seed) {
        text.push_str(&format!("\n## {heading}\n\nText under {heading}.\n"));
    }
    if seed & 1 != 0 {
        text.push_str("\n<aside class=\"note\">Raw <em>HTML</em> here.</aside>\n");
    }
    if seed & 2 != 0 {
        text.push_str("\nRead [the docs](https://docs.example.com/retry).\n");
    }
    if seed & 4 != 0 {
        text.push_str("\n```rust\nfn main() {\n    println!(\"retry\");\n}\n```\n");
    }
    text
}

impl ConfigSpec {
    pub fn text(&self) -> String {
        let broken = if self.broken { "paginat = 2\n" } else { "" };
        let series = match self.series_title {
            Some(t) => format!("\n[series.pg]\ntitle = \"Postgres, take {t}\"\n"),
            None => String::new(),
        };
        format!(
            r#"title = "Model Site {title}"
base_url = "https://model.example/"
description = "A site that tests/model_based.rs edits at random."
paginate = {paginate}
{broken}
[authors.ana]
name = "Ana Pereira"
role = "Principal Engineer"
bio = "Ana keeps databases boring."

[authors.ben]
name = "Ben Okafor"
role = "Staff Engineer"

[more_articles]
count = {more}

[markdown]
smart_punctuation = {smart}
raw_html = {raw}
external_links_new_tab = {tab}
highlight_code = {code}

[redirects]
netlify = {netlify}
{series}"#,
            title = self.title,
            paginate = self.paginate,
            more = self.more,
            smart = self.smart_punctuation,
            raw = self.raw_html,
            tab = self.external_links_new_tab,
            code = self.highlight_code,
            netlify = self.netlify_redirects,
        )
    }
}

impl SiteModel {
    pub fn initial() -> SiteModel {
        let mut alpha = ArticleSpec::new("alpha", false, 0b1010_0110);
        alpha
            .links
            .push(("bravo.md".into(), Some("the-fix".into())));
        alpha.related.push("charlie".into());
        let mut bravo = ArticleSpec::new("bravo", false, 0b0111_0101);
        bravo.tags.push("postgres");
        bravo.links.push(("delta.md".into(), None));
        let mut charlie = ArticleSpec::new("charlie", true, 0b0001_1000);
        charlie.links.push(("alpha.md".into(), None));
        let mut delta = ArticleSpec::new("delta", false, 0b0000_0011);
        delta.draft = true;
        SiteModel {
            config: ConfigSpec {
                title: 0,
                paginate: 2,
                more: 2,
                smart_punctuation: true,
                raw_html: true,
                external_links_new_tab: false,
                highlight_code: true,
                broken: false,
                series_title: None,
                netlify_redirects: false,
            },
            articles: vec![alpha, bravo, charlie, delta],
        }
    }

    /// Write the whole site into the empty folder `root`, with the default theme.
    pub fn create(&self, root: &Path) {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&repo.join("themes/default"), &root.join("themes/default"));
        let mut disk = Disk::new(root, super::disk::Style::InPlace);
        disk.write("config.toml", self.config.text().as_bytes());
        for article in &self.articles {
            disk.write(&article.path(), article.text().as_bytes());
            if article.folder {
                disk.write(&format!("{}/photo.png", article.folder_path()), &png(0));
            }
        }
    }

    pub fn by_name(&self, name: &str) -> Option<&ArticleSpec> {
        self.articles.iter().find(|a| a.name == name)
    }

    /// The article whose file is `file` (relative to `content/articles/`).
    pub fn by_file(&self, file: &str) -> Option<&ArticleSpec> {
        self.articles.iter().find(|a| a.file() == file)
    }
}

/// The default theme's template `rel` (under `templates/`) as the repository has it.
pub fn original_template(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("themes/default/templates")
        .join(rel);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk the theme");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("create folder");
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}
