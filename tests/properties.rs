//! Property tests of folio's pure parts: front matter, slugs, heading ids, links, code block
//! info strings, highlighting and "More articles". Each property runs a moderate number of
//! generated cases, so the whole file stays well under a minute in a debug build on 2 cores.
//! The bugs they found have a regression test each at the end, with the smallest input.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use folio::config::{Config, MarkdownConfig};
use folio::content::front_matter::{self, Related};
use folio::content::slug::{Slug, slugify};
use folio::content::{self, SourceFile};
use folio::diagnostics::Diagnostic;
use folio::disk_cache::DiskCache;
use folio::engine::model::{BuildOptions, RelatedRef, Site, Sources, build_site};
use folio::engine::rank::{self as related, Pick, RankMemo, Way};
use folio::key::{Key, Keyed};
use folio::markdown::headings::{HeadingIds, TocEntry, nest};
use folio::markdown::highlight::{CodeInfo, Themes, parse_info, render_code_block};
use folio::markdown::links::{LinkKind, classify, resolve};
use folio::markdown::{self, Body, LinkTarget};
use folio::render::components::TemplateComponents;
use proptest::collection::{btree_set, vec};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use scraper::{Html, Selector};

const ARTICLE: &str = "content/articles/x.md";

/// `cases` generated inputs, and no regression files written beside the tests.
fn cases(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Characters that have tripped slug and id code elsewhere: case mappings that change length
/// or have no lowercase, combining marks, joiners, non-Latin digits, separators.
const TRICKY_CHARS: &[char] = &[
    'A', 'Z', 'a', 'z', '0', '9', '-', '_', ' ', '!', '.', '/', '#', '%', '\t', 'é', 'É', 'ß', 'ẞ',
    'İ', 'ı', 'ǅ', 'Σ', 'ς', 'Ⅻ', '٣', '\u{301}', '\u{200D}', '😀', '漢', 'Ⓐ', 'ꭰ', 'Ꭰ', 'ℝ', '𝐀',
    'ϒ',
];

/// Text made of tricky characters and arbitrary ones.
fn tricky_text() -> impl Strategy<Value = String> {
    prop_oneof![
        vec(select(TRICKY_CHARS), 0..24).prop_map(|cs| cs.into_iter().collect()),
        any::<String>(),
    ]
}

fn check_span(span: &Range<usize>, text: &str, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what}: span {span:?} outside the text ({} bytes)",
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {span:?} cuts a character of {text:?}"
    );
    Ok(())
}

fn check_diagnostic(err: &Diagnostic, text: &str) -> Result<(), TestCaseError> {
    if let Some(span) = &err.span {
        check_span(span, text, &err.message)?;
        prop_assert_eq!(err.file_text.as_deref(), Some(text));
    }
    // Errors are shown to writers; drawing one must not fail either.
    prop_assert!(!err.render_plain().is_empty());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Front matter

/// A line that looks like YAML front matter, good or bad, never containing a line break.
fn yaml_line() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        select(vec![
            "title", "author", "date", "summary", "tags", "related", "slug", "draft", "updated",
            "extra", "sumary", "titel", "é",
        ])
        .prop_map(String::from),
        "[a-z_]{1,8}",
        "'[^'\\n\\r]{0,6}'",
    ];
    (key, yaml_value(), 0..4usize).prop_map(|(key, value, form)| match form {
        0 => format!("{key}: {value}"),
        1 => format!("  - {value}"),
        2 => format!("  {key}: {value}"),
        _ => value,
    })
}

fn yaml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![
            "",
            "Retry budgets",
            "ana",
            "2025-03-14",
            "2025-03-14T09:30:00+01:00",
            "2025-13-40",
            "[a, b]",
            "[é, 漢字]",
            "{",
            "}",
            "- x",
            "true",
            "5",
            "'é'",
            "\"a\\u00e9\"",
            "\"\\t\"",
            "|",
            ">-",
            "&anchor x",
            "*anchor",
            "!!binary aGk=",
            "~",
            "#comment",
            "é: x",
        ])
        .prop_map(String::from),
        "\\PC{0,12}",
    ]
}

/// Front matter text (without the `---` lines): the required keys, each maybe left out or
/// given an odd value, then arbitrary lines.
fn yaml_block() -> impl Strategy<Value = String> {
    let required = |key: &'static str, good: &'static str| {
        prop_oneof![
            4 => Just(Some(format!("{key}: {good}"))),
            1 => Just(None),
            1 => yaml_value().prop_map(move |v| Some(format!("{key}: {v}"))),
        ]
    };
    (
        required("title", "A title"),
        required("author", "ana"),
        required("date", "2025-03-14"),
        required("summary", "One line"),
        vec(yaml_line(), 0..6),
        select(vec!["\n", "\r\n"]),
    )
        .prop_map(|(t, a, d, s, extra, eol)| {
            let mut lines: Vec<String> = [t, a, d, s].into_iter().flatten().collect();
            lines.extend(extra);
            lines
                .into_iter()
                .filter(|l| l.trim_end() != "---")
                .map(|l| l + eol)
                .collect()
        })
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn split_never_panics_and_ranges_lie_in_the_text(text in any::<String>()) {
        let source: Arc<str> = Arc::from(text.as_str());
        match front_matter::split(&source, Path::new(ARTICLE)) {
            Ok(split) => {
                check_span(&split.yaml, &text, "yaml")?;
                check_span(&split.body, &text, "body")?;
                prop_assert!(split.yaml.end <= split.body.start);
            }
            Err(err) => check_diagnostic(&err, &text)?,
        }
    }

    #[test]
    fn parse_never_panics_and_error_spans_lie_in_the_text(text in any::<String>()) {
        let source: Arc<str> = Arc::from(text.as_str());
        if let Err(err) = front_matter::parse(&source, 0..text.len(), Path::new(ARTICLE)) {
            check_diagnostic(&err, &text)?;
        }
    }
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn split_gives_back_exactly_the_yaml_and_the_body(
        yaml in yaml_block(),
        body in any::<String>(),
        eol in select(vec!["\n", "\r\n"]),
    ) {
        let text = format!("---{eol}{yaml}---{eol}{body}");
        let source: Arc<str> = Arc::from(text.as_str());
        let split = front_matter::split(&source, Path::new(ARTICLE));
        prop_assert!(split.is_ok(), "{:?}", split.err().map(|e| e.message));
        let split = split.unwrap_or_else(|_| unreachable!());
        prop_assert_eq!(&text[split.yaml], yaml.as_str());
        prop_assert_eq!(&text[split.body], body.as_str());
    }

    #[test]
    fn parse_of_yaml_ish_front_matter_points_inside_the_text(
        yaml in yaml_block(),
        body in "\\PC{0,20}",
    ) {
        let text = format!("---\n{yaml}---\n{body}");
        let source: Arc<str> = Arc::from(text.as_str());
        let split = front_matter::split(&source, Path::new(ARTICLE))
            .map_err(|e| TestCaseError::fail(e.message))?;
        match front_matter::parse(&source, split.yaml, Path::new(ARTICLE)) {
            Ok(fm) => {
                check_span(&fm.author.span, &text, "author")?;
                if let Some(slug) = &fm.slug {
                    check_span(&slug.span, &text, "slug")?;
                }
                for r in &fm.related {
                    if let Related::Article(s) = r {
                        check_span(&s.span, &text, "related")?;
                    }
                }
            }
            Err(err) => check_diagnostic(&err, &text)?,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Slugs

proptest! {
    #![proptest_config(cases(1024))]

    #[test]
    fn slugify_gives_a_valid_slug_or_nothing(text in tricky_text()) {
        let slug = slugify(&text);
        prop_assert!(slug.is_empty() || Slug::parse(&slug).is_ok(), "{slug:?}");
    }

    #[test]
    fn slugify_is_idempotent(text in tricky_text()) {
        let once = slugify(&text);
        prop_assert_eq!(slugify(&once), once.clone());
    }

    #[test]
    fn slugify_never_doubles_or_dangles_dashes(text in tricky_text()) {
        let slug = slugify(&text);
        prop_assert!(!slug.contains("--"), "{slug:?}");
        prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'), "{slug:?}");
    }

    #[test]
    fn slug_from_text_is_never_empty(text in tricky_text()) {
        let slug = Slug::from_text(&text, "fallback");
        prop_assert!(Slug::parse(slug.as_str()).is_ok(), "{slug:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Heading ids

/// A heading: maybe an explicit `{#id}`, and its text.
fn heading() -> impl Strategy<Value = (Option<String>, String)> {
    let explicit = prop_oneof![
        3 => Just(None),
        1 => "[a-z0-9_-]{0,6}".prop_map(Some),
        1 => select(vec!["setup", "setup-1", "section", "a"]).prop_map(|s| Some(s.to_string())),
    ];
    let text = prop_oneof![
        select(vec![
            "Setup", "Setup!", "setup 1", "Section", "???", "", "A", "a-1"
        ])
        .prop_map(String::from),
        tricky_text(),
    ];
    (explicit, text)
}

/// Depth-first order of `toc`, checking that each child is deeper than its parent.
fn flatten(toc: &[TocEntry], parent: u8, out: &mut Vec<TocEntry>) -> Result<(), TestCaseError> {
    for entry in toc {
        prop_assert!(entry.level > parent, "level {} under {parent}", entry.level);
        out.push(TocEntry {
            children: Vec::new(),
            ..entry.clone()
        });
        flatten(&entry.children, entry.level, out)?;
    }
    Ok(())
}

fn assign_all(headings: &[(Option<String>, String)]) -> Vec<String> {
    let mut ids = HeadingIds::default();
    headings
        .iter()
        .map(|(explicit, text)| ids.assign(explicit.as_deref(), text))
        .collect()
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn heading_ids_are_unique_nonempty_and_valid(headings in vec(heading(), 0..30)) {
        let ids = assign_all(&headings);
        let distinct: HashSet<&String> = ids.iter().collect();
        prop_assert_eq!(distinct.len(), ids.len(), "{:?}", ids);
        for ((explicit, _), id) in headings.iter().zip(&ids) {
            prop_assert!(!id.is_empty());
            match explicit.as_deref().filter(|e| !e.is_empty()) {
                // Kept as written when free, else numbered after it.
                Some(e) => prop_assert!(
                    id == e || id.strip_prefix(e).and_then(|r| r.strip_prefix('-'))
                        .is_some_and(|n| n.parse::<usize>().is_ok()),
                    "{id:?} from explicit {e:?}"
                ),
                None => prop_assert!(Slug::parse(id).is_ok(), "{id:?}"),
            }
        }
    }

    #[test]
    fn toc_nesting_keeps_order_and_puts_children_deeper(levels in vec(1u8..=6, 0..24)) {
        let flat: Vec<TocEntry> = levels
            .iter()
            .enumerate()
            .map(|(i, &level)| TocEntry {
                level,
                id: format!("h{i}"),
                title: format!("Heading {i}"),
                children: Vec::new(),
            })
            .collect();
        let toc = nest(flat.clone());
        let mut back = Vec::new();
        flatten(&toc, 0, &mut back)?;
        prop_assert_eq!(back, flat);
    }

    #[test]
    fn heading_ids_are_deterministic(headings in vec(heading(), 0..30)) {
        prop_assert_eq!(assign_all(&headings), assign_all(&headings));
    }

    #[test]
    fn rendered_headings_have_unique_ids_and_matching_anchors(
        headings in vec(("[1-6]", "[a-zA-Z !?é]{0,10}", prop::option::of("[a-z0-9_-]{1,6}")), 1..12),
    ) {
        let body: String = headings
            .iter()
            .map(|(level, text, id)| {
                let hashes = "#".repeat(level.parse().unwrap_or(1));
                match id {
                    Some(id) => format!("{hashes} {text} {{#{id}}}\n\n"),
                    None => format!("{hashes} {text}\n\n"),
                }
            })
            .collect();
        let html = render(&body, &MarkdownConfig::default(), &no_targets());
        let doc = Html::parse_fragment(&html);
        let h = Selector::parse("h1, h2, h3, h4, h5, h6").unwrap_or_else(|_| unreachable!());
        let anchor = Selector::parse("a.anchor").unwrap_or_else(|_| unreachable!());
        let mut seen = HashSet::new();
        for heading in doc.select(&h) {
            let id = heading.value().id().unwrap_or_default().to_string();
            prop_assert!(!id.is_empty() && seen.insert(id.clone()), "{id:?} in {html}");
            let href = heading.select(&anchor).next().and_then(|a| a.value().attr("href"));
            let expected = format!("#{id}");
            prop_assert_eq!(href, Some(expected.as_str()));
        }
        prop_assert_eq!(seen.len(), headings.len(), "{}", html);
    }
}

// ---------------------------------------------------------------------------------------
// Links

/// Four articles a markdown body can link to.
struct Targets {
    files: HashMap<PathBuf, usize>,
    urls: Vec<String>,
}

impl Targets {
    fn site() -> Targets {
        let files = ["a.md", "b.md", "nested/index.md"]
            .iter()
            .map(|f| PathBuf::from(format!("content/articles/{f}")))
            .chain([PathBuf::from("content/other/c.md")])
            .enumerate()
            .map(|(i, p)| (p, i))
            .collect();
        let urls = ["/articles/a/", "/articles/b/", "/articles/nested/", "/c/"]
            .map(String::from)
            .to_vec();
        Targets { files, urls }
    }

    /// What each article link of `rendered` becomes: the article's URL, or as written.
    fn fill(&self, rendered: &markdown::Rendered) -> Vec<LinkTarget> {
        rendered
            .links
            .iter()
            .map(|l| match l.file.as_ref().and_then(|f| self.files.get(f)) {
                Some(&i) => LinkTarget::Href(match &l.anchor {
                    Some(a) => format!("{}#{a}", self.urls[i]),
                    None => self.urls[i].clone(),
                }),
                None => LinkTarget::Href(l.written.clone()),
            })
            .collect()
    }
}

fn no_targets() -> Targets {
    Targets {
        files: HashMap::new(),
        urls: Vec::new(),
    }
}

/// folio's own component templates, compiled once.
fn components() -> &'static TemplateComponents {
    static COMPONENTS: std::sync::OnceLock<TemplateComponents> = std::sync::OnceLock::new();
    COMPONENTS.get_or_init(|| TemplateComponents::defaults().expect("folio's templates compile"))
}

fn render(body: &str, config: &MarkdownConfig, targets: &Targets) -> String {
    let rendered = markdown::render(
        body,
        Path::new(ARTICLE),
        &[],
        config,
        &Default::default(),
        components(),
    );
    let fill = targets.fill(&rendered);
    let body = Body::fill(Arc::new(Keyed::new(Key::default(), rendered)), &fill);
    body.html().to_string()
}

fn link_dest() -> impl Strategy<Value = String> {
    let file = prop_oneof![
        select(vec![
            "a.md",
            "b.md",
            "./a.md",
            "nested/index.md",
            "nested/../b.md",
            "../articles/b.md",
            "../other/c.md",
            "%61.md",
            "missing.md",
            "../../../x.md",
            "../../../../a.md",
            ".md",
        ])
        .prop_map(String::from),
        "[a-z./%0-9]{0,10}\\.md",
    ];
    let anchor = prop_oneof![Just(String::new()), Just("#".to_string()), "#[a-z-]{1,6}"];
    (file, anchor).prop_map(|(f, a)| f + &a)
}

/// Markdown around links: text, headings, lists, quotes, emphasis, tables, code.
fn link_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => link_dest().prop_map(|d| format!("[link]({d})")),
        1 => link_dest().prop_map(|d| format!("[link]({d} \"title\")")),
        1 => link_dest().prop_map(|d| format!("[ref]\n\n[ref]: {d}\n")),
        1 => link_dest().prop_map(|d| format!("<{d}>")),
        1 => link_dest().prop_map(|d| format!("![img]({d})")),
        2 => select(vec![
            " text ", "\n\n", "\n", "## ", "* ", "1. ", "> ", "*", "**", "_", "`", "```\n",
            "| a | b |\n|---|---|\n| ", " | ", "[", "]", "(", ")", "\\",
        ]).prop_map(String::from),
    ];
    vec(piece, 0..16).prop_map(|ps| ps.concat())
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn resolve_never_climbs_out_or_starts_at_the_root(
        from in prop_oneof![
            Just("content/articles/x.md".to_string()),
            "(content/)?([a-z]{1,3}/){0,3}[a-z]{1,4}\\.md",
        ],
        dest in vec(
            prop_oneof![
                select(vec!["..", ".", "a", "b.md", "%2e%2e", "%2E.", "%2F", "", "...", "a..b"])
                    .prop_map(String::from),
                "[^/]{0,4}",
            ],
            0..8,
        ).prop_map(|segments| segments.join("/")),
    ) {
        if let Some(path) = resolve(Path::new(&from), &dest) {
            for c in path.components() {
                prop_assert!(
                    matches!(c, Component::Normal(_)),
                    "{from:?} + {dest:?} gave {path:?} with {c:?}"
                );
            }
        }
    }

    #[test]
    fn anything_with_an_https_scheme_is_external(rest in any::<String>()) {
        for scheme in ["https://", "HTTPS://"] {
            let dest = format!("{scheme}{rest}");
            prop_assert_eq!(classify(&dest), LinkKind::External);
        }
    }
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn links_to_existing_articles_never_keep_their_md_path(
        body in link_soup(),
        new_tab in any::<bool>(),
    ) {
        let targets = Targets::site();
        let config = MarkdownConfig {
            external_links_new_tab: new_tab,
            ..MarkdownConfig::default()
        };
        let html = render(&body, &config, &targets);
        let doc = Html::parse_fragment(&html);
        let a = Selector::parse("a[href]").unwrap_or_else(|_| unreachable!());
        for link in doc.select(&a) {
            let href = link.value().attr("href").unwrap_or_default();
            if !href.contains(".md") {
                continue;
            }
            if let LinkKind::Article { path, .. } = classify(href) {
                let found = resolve(Path::new(ARTICLE), path)
                    .and_then(|p| targets.files.get(&p).copied());
                prop_assert!(found.is_none(), "{href:?} names article {found:?} in {html}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Code block info strings and highlighting

/// `set` written as `hl_lines` ranges: consecutive runs as `a-b` (or split into smaller runs
/// and single numbers), separated by commas or spaces.
fn format_ranges(set: &BTreeSet<usize>, split_runs: &[bool], commas: &[bool]) -> Vec<String> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (i, &n) in set.iter().enumerate() {
        match runs.last_mut() {
            Some(run) if run.1 + 1 == n && !split_runs[i % split_runs.len()] => run.1 = n,
            _ => runs.push((n, n)),
        }
    }
    let mut words = Vec::new();
    for (i, (a, b)) in runs.into_iter().enumerate() {
        let range = if a == b {
            a.to_string()
        } else {
            format!("{a}-{b}")
        };
        match words.last_mut() {
            Some(last) if commas[i % commas.len()] => *last = format!("{last},{range}"),
            _ => words.push(range),
        }
    }
    words
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn parse_info_never_panics(
        info in prop_oneof![
            any::<String>(),
            vec(
                prop_oneof![
                    select(vec![
                        "rust", "linenos", "hl_lines=", "hl_lines=1-3", "hl_lines=\"2", "4\"",
                        "1", "2-4", "4-2", "0", "-", "1-", "99999999999999999999", ",", " ",
                        "\t", "=", "'", "\"",
                    ]).prop_map(String::from),
                    "\\PC{0,4}",
                ],
                0..8,
            ).prop_map(|w| w.concat()),
        ],
    ) {
        let _ = parse_info(&info);
    }

    #[test]
    fn hl_lines_round_trip(
        set in btree_set(1usize..=200, 1..20),
        split_runs in vec(any::<bool>(), 1..8),
        commas in vec(any::<bool>(), 1..8),
        quoted in any::<bool>(),
        lang in prop::option::of(select(vec!["rust", "py", "text", "zzz"])),
        linenos in any::<bool>(),
    ) {
        let ranges = format_ranges(&set, &split_runs, &commas).join(" ");
        let value = if quoted { format!("\"{ranges}\"") } else { ranges };
        let lang_word = lang.map(|l| format!("{l} ")).unwrap_or_default();
        let linenos_word = if linenos { " linenos" } else { "" };
        let info = format!("{lang_word}hl_lines={value}{linenos_word}");
        let parsed = parse_info(&info).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&parsed.hl_lines, &set, "{}", info);
        prop_assert_eq!(parsed.lang.as_deref(), lang);
        prop_assert_eq!(parsed.linenos, linenos);
        prop_assert!(parsed.unknown.is_empty(), "{:?}", parsed.unknown);
    }
}

/// Code text with the characters that break escaping and line handling. NUL is left out: an
/// HTML parser drops it from text by specification, and markdown never passes it (CommonMark
/// replaces it with U+FFFD first).
fn code_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        select(vec![
            "<",
            ">",
            "&",
            "&amp;",
            "&#13;",
            "\"",
            "'",
            "\r",
            "\n",
            "\r\n",
            "\t",
            " ",
            "é",
            "e\u{301}",
            "漢字",
            "😀",
            "\u{200D}",
            "\u{FEFF}",
            "<?php",
            "</code></pre>",
            "<!--",
            "*/",
            "/*",
            "\"unclosed",
            "fn main() {",
            "}",
            "#",
            "$x",
            "{{",
            "\\",
        ])
        .prop_map(String::from),
        "[a-z ]{1,6}",
        any::<char>()
            .prop_filter("no NUL", |c| *c != '\0')
            .prop_map(String::from),
    ];
    vec(piece, 0..24).prop_map(|ps| ps.concat())
}

proptest! {
    #![proptest_config(cases(128))]

    #[test]
    fn highlighted_code_reads_back_as_the_source_text(
        code in code_text(),
        lang in prop::option::of(select(vec![
            "rust", "html", "php", "python", "bash", "yaml", "json", "text", "nosuchlang",
        ])),
        highlight in any::<bool>(),
        linenos in any::<bool>(),
        hl_lines in btree_set(1usize..=8, 0..4),
    ) {
        let info = CodeInfo {
            lang: lang.map(String::from),
            linenos,
            hl_lines,
            unknown: Vec::new(),
        };
        let themes = Themes::named("InspiredGitHub", "Monokai Extended").ok();
        let block = render_code_block(&code, &info, themes.as_ref().filter(|_| highlight));
        prop_assert_eq!(block.highlight_error, None);
        let doc = Html::parse_fragment(&block.html);
        let pre = Selector::parse("pre").unwrap_or_else(|_| unreachable!());
        let blocks: Vec<_> = doc.select(&pre).collect();
        prop_assert_eq!(blocks.len(), 1, "{}", block.html);
        let text: String = blocks[0].text().collect();
        prop_assert_eq!(text, code, "{}", block.html);
    }
}

// ---------------------------------------------------------------------------------------
// "More articles"

const WORDS: &[&str] = &[
    "retry", "budget", "postgres", "vacuum", "latency", "queue", "kafka", "rust", "cache", "deploy",
];
const TAGS: &[&str] = &["Rust", "rust", "Go", "ops", "Data Eng", "data-eng"];
const DATES: &[&str] = &[
    "2025-01-01",
    "2025-02-01",
    "2025-02-01T10:00:00Z",
    "2024-12-31",
];

/// One generated article, by the indexes of what it uses.
#[derive(Debug, Clone)]
struct ArticleSpec {
    title: Vec<&'static str>,
    summary: Vec<&'static str>,
    body: Vec<&'static str>,
    tags: Vec<&'static str>,
    /// Indexes of other articles (the article's own index is dropped).
    related: Vec<usize>,
    external: bool,
    date: &'static str,
}

fn article_spec(n: usize) -> impl Strategy<Value = ArticleSpec> {
    (
        vec(select(WORDS), 1..4),
        vec(select(WORDS), 0..5),
        vec(select(WORDS), 0..30),
        vec(select(TAGS), 0..3),
        vec(0..n, 0..4),
        any::<bool>(),
        select(DATES),
    )
        .prop_map(
            |(title, summary, body, tags, related, external, date)| ArticleSpec {
                title,
                summary,
                body,
                tags,
                related,
                external,
                date,
            },
        )
}

fn article_text(i: usize, spec: &ArticleSpec) -> String {
    let mut text = format!(
        "---\ntitle: {}\nauthor: ana\ndate: {}\nsummary: {}\n",
        spec.title.join(" "),
        spec.date,
        if spec.summary.is_empty() {
            // The same in every article without summary words: a word that tells nothing apart.
            "Nothing".to_string()
        } else {
            spec.summary.join(" ")
        },
    );
    text.push_str("tags:\n");
    for t in &spec.tags {
        text.push_str(&format!("  - \"{t}\"\n"));
    }
    text.push_str("related:\n");
    for j in spec.related.iter().filter(|&&j| j != i) {
        text.push_str(&format!("  - a{j}\n"));
    }
    if spec.external {
        text.push_str(&format!(
            "  - title: Elsewhere\n    url: https://example.org/{i}\n"
        ));
    }
    text.push_str(&format!("---\n{}\n", spec.body.join(" ")));
    text
}

fn source_file(i: usize, text: String) -> Result<Arc<SourceFile>, TestCaseError> {
    let path = PathBuf::from(format!("content/articles/a{i}.md"));
    content::parse_article(&path, text.into_bytes())
        .map(Arc::new)
        .map_err(|e| TestCaseError::fail(e.message))
}

fn site_of(specs: &[ArticleSpec], count: usize) -> Result<Site, TestCaseError> {
    let config_text = format!(
        "title = \"T\"\nbase_url = \"https://example.com/\"\n\n[more_articles]\ncount = {count}\n\n\
         [authors.ana]\nname = \"Ana\"\nrole = \"Writer\"\n"
    );
    let config = Config::parse(&config_text, Path::new("config.toml"))
        .map_err(|e| TestCaseError::fail(e.message))?;
    let files = specs
        .iter()
        .enumerate()
        .map(|(i, s)| source_file(i, article_text(i, s)))
        .collect::<Result<Vec<_>, _>>()?;
    let sources = Sources {
        config: Arc::new(config),
        articles: files,
        problems: Vec::new(),
        content_files: &[],
    };
    let opts = BuildOptions {
        drafts: true,
        future: true,
        now: "2030-01-01T00:00:00Z"
            .parse()
            .map_err(|e| TestCaseError::fail(format!("{e}")))?,
        cache_bust: false,
    };
    let (site, _) = build_site(sources, &opts).map_err(|d| {
        TestCaseError::fail(format!(
            "{:?}",
            d.iter().map(|d| &d.message).collect::<Vec<_>>()
        ))
    })?;
    Ok(site)
}

fn check_picks(site: &Site, me: usize, picks: &[Pick]) -> Result<(), TestCaseError> {
    let count = site.config.more_articles.count;
    let article = &site.articles[me];
    prop_assert!(picks.len() <= count, "{} picks, count {count}", picks.len());
    prop_assert!(
        !picks.iter().any(|p| p.target == RelatedRef::Article(me)),
        "article {me} picks itself: {picks:?}"
    );
    let mut seen = Vec::new();
    for p in picks {
        prop_assert!(
            !seen.contains(&&p.target),
            "{:?} picked twice: {picks:?}",
            p.target
        );
        seen.push(&p.target);
    }
    // Pinned entries first, in the order written.
    let pinned: Vec<&RelatedRef> = article.related.iter().take(count).collect();
    let first: Vec<&RelatedRef> = picks.iter().take(pinned.len()).map(|p| &p.target).collect();
    prop_assert_eq!(&first, &pinned);
    prop_assert!(picks[..pinned.len()].iter().all(|p| p.pinned));
    prop_assert!(picks[pinned.len()..].iter().all(|p| !p.pinned));
    // Never short: other articles fill the block when too few are related.
    let pinned_articles = article
        .related
        .iter()
        .filter(|r| matches!(r, RelatedRef::Article(_)))
        .count();
    let others = site.articles.len() - 1 - pinned_articles;
    let expected = pinned.len() + (count - pinned.len()).min(others);
    prop_assert_eq!(picks.len(), expected, "{:?}", picks);
    Ok(())
}

/// Generated sites: 1 to 10 articles, and the "More articles" count.
fn sites() -> impl Strategy<Value = (Vec<ArticleSpec>, usize)> {
    (1usize..=10).prop_flat_map(|n| (vec(article_spec(n), n), 0usize..=6))
}

fn check_ranking(specs: &[ArticleSpec], count: usize) -> Result<(), TestCaseError> {
    let site = site_of(specs, count)?;
    let all = related::rank_all(&site);
    prop_assert_eq!(all.len(), site.articles.len());
    for (me, picks) in all.iter().enumerate() {
        check_picks(&site, me, picks)?;
        // `rank_one` also names the shared words, which `rank_all` leaves out.
        let mut one = related::rank_one(&site, me);
        for p in &mut one {
            p.shared_words.clear();
            p.shared_tags.clear();
        }
        prop_assert_eq!(&one, picks);
    }
    prop_assert_eq!(&related::rank_all(&site), &all);
    // A warm word cache (as in `serve --watch`) changes nothing either.
    let mut cache = RankMemo::default();
    prop_assert_eq!(&*related::rank_all_cached(&site, &mut cache), &all);
    prop_assert_eq!(&*related::rank_all_cached(&site, &mut cache), &all);
    Ok(())
}

proptest! {
    #![proptest_config(cases(128))]

    #[test]
    fn more_articles_are_valid_and_deterministic((specs, count) in sites()) {
        check_ranking(&specs, count)?;
    }
}

/// A larger vocabulary, so that some words are rare keywords and others too common to be.
const MANY_WORDS: &[&str] = &[
    "anchor", "beacon", "cipher", "delta", "ember", "falcon", "glacier", "harbor", "island",
    "jasper", "kernel", "lantern", "meadow", "nectar", "orbit", "prism", "quartz", "raven",
    "saddle", "timber", "umbra", "velvet", "willow", "xenon", "yonder", "zephyr", "amber",
    "bramble", "cobalt", "dune", "echo", "fern", "granite", "hollow", "ivory", "juniper",
    "kestrel", "lumen", "marble", "nimbus", "onyx", "pebble", "quill", "ripple", "sable",
    "thistle", "upland", "vortex", "wander", "yarrow", "zenith", "acorn", "birch", "cedar",
    "drift", "elm", "flint", "grove", "heath", "iris",
];

/// One edit of words: article `at` (modulo the count) gets a new title, summary or body.
#[derive(Debug, Clone)]
struct WordEdit {
    at: usize,
    part: u8,
    words: Vec<&'static str>,
}

/// Make the edits of one step.
fn apply(specs: &mut [ArticleSpec], step: &[WordEdit]) {
    for edit in step {
        let at = edit.at % specs.len();
        let spec = &mut specs[at];
        match edit.part {
            0 if !edit.words.is_empty() => spec.title = edit.words.clone(),
            1 => spec.summary = edit.words.clone(),
            _ => spec.body = edit.words.clone(),
        }
    }
}

fn word_edits() -> impl Strategy<Value = Vec<Vec<WordEdit>>> {
    let edit = (0usize..100, 0u8..3, vec(select(MANY_WORDS), 0..40))
        .prop_map(|(at, part, words)| WordEdit { at, part, words });
    vec(vec(edit, 1..4), 1..6)
}

fn many_word_sites() -> impl Strategy<Value = Vec<ArticleSpec>> {
    (20usize..=60).prop_flat_map(|n| {
        vec(
            (
                vec(select(MANY_WORDS), 1..4),
                vec(select(MANY_WORDS), 5..60),
                article_spec(n),
            ),
            n,
        )
        .prop_map(|specs| {
            specs
                .into_iter()
                .map(|(title, body, spec)| ArticleSpec {
                    title,
                    body,
                    ..spec
                })
                .collect()
        })
    })
}

proptest! {
    #![proptest_config(cases(48))]

    /// `serve --watch` updates the ranking index after an edit of words instead of making it
    /// again: after every edit, the picks equal those of a ranking made from scratch.
    #[test]
    fn ranking_updated_after_edits_of_words_equals_ranking_from_scratch(
        mut specs in many_word_sites(),
        steps in word_edits(),
        count in 1usize..=6,
    ) {
        let mut memo = RankMemo::default();
        let site = site_of(&specs, count)?;
        prop_assert_eq!(&*related::rank_all_cached(&site, &mut memo), &related::rank_all(&site));
        for (n, step) in steps.iter().enumerate() {
            apply(&mut specs, step);
            let site = site_of(&specs, count)?;
            let updated = related::rank_all_cached(&site, &mut memo);
            let fresh = related::rank_all(&site);
            prop_assert_eq!(&*updated, &fresh, "after step {}: {:?}", n, step);
        }
    }
}

proptest! {
    #![proptest_config(cases(32))]

    /// `folio build` after an edit of words starts from the last run's ranking kept in the
    /// disk cache (each build a new process: a new memo): after every edit, the picks equal
    /// those of a ranking made from scratch, and they were updated or read, never all made.
    #[test]
    fn ranking_resumed_from_the_disk_cache_equals_ranking_from_scratch(
        mut specs in many_word_sites(),
        steps in word_edits(),
        count in 1usize..=6,
    ) {
        let tmp = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let cache = DiskCache::new(tmp.path(), "ranking");
        let site = site_of(&specs, count)?;
        let mut memo = RankMemo::default();
        prop_assert_eq!(
            &*related::rank_all_stored(&site, &mut memo, Some(&cache)),
            &related::rank_all(&site)
        );
        prop_assert_eq!(memo.way(), Way::Made);
        for (n, step) in steps.iter().enumerate() {
            apply(&mut specs, step);
            let site = site_of(&specs, count)?;
            let mut memo = RankMemo::default();
            let resumed = related::rank_all_stored(&site, &mut memo, Some(&cache));
            prop_assert_eq!(&*resumed, &related::rank_all(&site), "after step {}: {:?}", n, step);
            prop_assert!(
                matches!(memo.way(), Way::Updated(_) | Way::Loaded),
                "step {} was {:?}", n, memo.way()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Regression tests: the smallest inputs of the bugs these properties found (fixed in src/)

#[test]
fn slugify_output_of_caseless_capital_is_a_valid_slug() {
    for text in ["ℝ", "𝐀", "ϒ", "Rust on ℝ"] {
        let slug = slugify(text);
        assert!(
            slug.is_empty() || Slug::parse(&slug).is_ok(),
            "{text:?} → {slug:?}"
        );
    }
}

#[test]
fn unknown_quoted_key_is_pointed_at_whole() {
    let text = "---\n'é': x\n---\n";
    let source: Arc<str> = Arc::from(text);
    let err = front_matter::parse(&source, 4..text.len() - 4, Path::new(ARTICLE))
        .expect_err("unknown key");
    let span = err.span.expect("a span");
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{span:?} cuts a character of {text:?}"
    );
    assert_eq!(&text[span], "'é'");
}

#[test]
fn explicit_heading_id_is_escaped_in_its_anchor() {
    let html = render("# x {#a\"b}\n", &MarkdownConfig::default(), &no_targets());
    let doc = Html::parse_fragment(&html);
    let heading = Selector::parse("h1").expect("selector");
    let anchor = Selector::parse("h1 a.anchor").expect("selector");
    let id = doc.select(&heading).next().and_then(|h| h.value().id());
    let href = doc
        .select(&anchor)
        .next()
        .and_then(|a| a.value().attr("href"));
    assert_eq!(id, Some("a\"b"), "{html}");
    assert_eq!(href, Some("#a\"b"), "{html}");
}

#[test]
fn more_articles_never_pick_an_article_twice() {
    let spec = ArticleSpec {
        title: vec!["retry"],
        summary: vec!["budget"],
        body: Vec::new(),
        tags: Vec::new(),
        related: Vec::new(),
        external: false,
        date: "2025-01-01",
    };
    let site = site_of(&[spec.clone(), spec], 2).expect("site builds");
    let targets: Vec<RelatedRef> = related::rank_one(&site, 0)
        .into_iter()
        .map(|p| p.target)
        .collect();
    assert_eq!(targets, [RelatedRef::Article(1)]);
}
