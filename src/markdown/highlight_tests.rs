use super::*;
use scraper::{Html, Selector};

/// Every language the docs promise, with the grammar it must resolve to.
const LANGS: &[(&str, &str)] = &[
    ("rust", "Rust"),
    ("rs", "Rust"),
    ("py", "Python"),
    ("python", "Python"),
    ("js", "JavaScript"),
    ("javascript", "JavaScript"),
    ("mjs", "JavaScript"),
    ("ts", "TypeScript"),
    ("typescript", "TypeScript"),
    ("sql", "SQL"),
    ("yaml", "YAML"),
    ("yml", "YAML"),
    ("toml", "TOML"),
    ("bash", "Bourne Again Shell (bash)"),
    ("sh", "Bourne Again Shell (bash)"),
    ("shell", "Bourne Again Shell (bash)"),
    ("zsh", "Bourne Again Shell (bash)"),
    ("console", "Bourne Again Shell (bash)"),
    ("json", "JSON"),
    ("go", "Go"),
    ("golang", "Go"),
    ("java", "Java"),
    ("dockerfile", "Dockerfile"),
    ("Dockerfile", "Dockerfile"),
    ("docker", "Dockerfile"),
    ("html", "HTML"),
    ("css", "CSS"),
    ("c", "C"),
    ("cpp", "C++"),
    ("c++", "C++"),
    ("diff", "Diff"),
    ("markdown", "Markdown"),
    ("md", "Markdown"),
    ("xml", "XML"),
    ("ruby", "Ruby"),
    ("rb", "Ruby"),
    ("php", "PHP"),
    ("kotlin", "Kotlin"),
    ("swift", "Swift"),
    ("csharp", "C#"),
    ("cs", "C#"),
    ("Rust", "Rust"),
    ("jsx", "JavaScript (Babel)"),
    ("tsx", "TypeScriptReact"),
    ("hcl", "Terraform"),
    ("terraform", "Terraform"),
    ("tf", "Terraform"),
    ("kt", "Kotlin"),
    ("text", "Plain Text"),
];

/// Characters that break naive escaping or line handling, in one block.
const TRICKY: &str = "a < b && c > d; s = \"q\" 'x' &amp; &#13; <!-- x -->\n\
\tindented\twith tabs\r\n\
windows line\r\n   \n\
\u{1F600} 漢字 e\u{301} ñ \u{200D}\n\
let s = \"never closed\n\
{{ var }} {% if x %}{%- endif -%} ${x} #{y}\n\
/* comment that never closes\n\
<script>alert(1)</script> ]]> </code></pre>\n\
\n\
last line without newline";

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// The default site's themes.
fn themes() -> Themes {
    Themes::named("InspiredGitHub", "Monokai Extended").unwrap()
}

/// A block coloured with the default themes, or not highlighted.
fn render(code: &str, info: &CodeInfo, highlight: bool) -> Highlighted {
    render_code_block(code, info, Some(&themes()).filter(|_| highlight))
}

fn info(s: &str) -> CodeInfo {
    parse_info(s).unwrap()
}

/// (text, marked) of every line span, which must be a direct child of `pre > code`.
fn lines(html: &str) -> Vec<(String, bool)> {
    lines_of(&Html::parse_fragment(html))
}

fn lines_of(doc: &Html) -> Vec<(String, bool)> {
    assert_eq!(
        doc.select(&sel("span.line span.line")).count(),
        0,
        "nested lines"
    );
    doc.select(&sel("pre.code > code > span.line"))
        .map(|l| (l.text().collect(), l.value().classes().any(|c| c == "hl")))
        .collect()
}

/// (class, text) of every style span, in order.
fn styled(html: &str) -> Vec<(String, String)> {
    let doc = Html::parse_fragment(html);
    doc.select(&sel("span.line span"))
        .map(|s| {
            (
                s.attr("class").unwrap_or("").to_string(),
                s.text().collect(),
            )
        })
        .collect()
}

/// Renders and checks the properties every block must have; returns the result.
fn check(code: &str, info: &CodeInfo, highlight: bool) -> Highlighted {
    let out = render(code, info, highlight);
    let doc = Html::parse_fragment(&out.html);
    let pre: Vec<_> = doc.select(&sel("pre.code")).collect();
    assert_eq!(pre.len(), 1, "{}", out.html);
    let text: String = pre[0].text().collect();
    assert!(
        text == code,
        "text differs for {:?}:\n{:?}\n{:?}",
        info.lang,
        text,
        code
    );
    let got: Vec<String> = lines_of(&doc).into_iter().map(|l| l.0).collect();
    assert_eq!(
        got,
        split_lines(code).map(|l| l.0).collect::<Vec<_>>(),
        "{}",
        out.html
    );
    assert_eq!(
        out.html.matches("<span").count(),
        out.html.matches("</span>").count()
    );
    let scope_spans = out
        .html
        .replace("<span class=\"line\"></span>", "")
        .replace("<span class=\"line hl\"></span>", "");
    assert!(
        !scope_spans.contains("\"></span>"),
        "empty scope span: {}",
        out.html
    );
    assert!(!out.html.contains('\r'), "raw CR would become LF");
    out
}

#[test]
fn languages_resolve_to_the_expected_grammar() {
    for (token, name) in LANGS {
        let found = find_syntax(token).map(|s| s.name.as_str());
        assert_eq!(found, Some(*name), "language `{token}`");
    }
    assert!(find_syntax("klingon").is_none());
}

#[test]
fn text_content_equals_source_in_every_language() {
    let snippets = [
        "fn main() {\n    let v: Vec<&str> = vec![\"a\"]; // <b>\n}\n",
        "def f(x):\n    return x < 3 and x > 1  # comment\n",
        "<div class=\"a\">&nbsp;<b>x</b></div>\n",
        "key = \"value\" # comment\n[table]\n",
        "SELECT * FROM t WHERE a < 1 AND b <> 'x';\n",
        "if [ \"$a\" -lt 3 ]; then echo \"<$a>\"; fi\n",
        "FROM rust:1.88 AS build\nRUN cargo build --release\n",
        "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n",
    ];
    for (token, _) in LANGS {
        let mut coloured = 0;
        for snippet in snippets {
            let code = format!("{snippet}{TRICKY}");
            let out = check(&code, &info(token), true);
            assert_eq!(out.unknown_language, None);
            assert_eq!(out.highlight_error, None, "{token}");
            coloured += usize::from(!styled(&out.html).is_empty());
        }
        // Some snippets are plain in some languages (TOML in a Dockerfile...); not all.
        assert!(
            (*token == "text") == (coloured == 0),
            "{token} not highlighted"
        );
        check(
            TRICKY,
            &info(&format!("{token} linenos hl_lines=1-3 9")),
            true,
        );
    }
}

#[test]
fn edge_cases_round_trip() {
    let long_line = "let x = [1, \"two\", 'c', a < b];".repeat(100_000 / 31 + 1);
    let cases = [
        "".to_string(),
        "\n".to_string(),
        "\n\n\n".to_string(),
        "no newline at all".to_string(),
        "\r\n\r\n".to_string(),
        "lone\rcarriage return\r".to_string(),
        " \t \n".to_string(),
        "\"unterminated string\nnext\n".to_string(),
        format!("{long_line}\nshort\n"),
    ];
    for (i, code) in cases.iter().enumerate() {
        // The 100k-character line costs ~1.5 s per grammar in a debug build: one is enough.
        let langs: &[&str] = if i == cases.len() - 1 {
            &["rust", "klingon"]
        } else {
            &["rust", "js", "html", "json", "python", "klingon", ""]
        };
        for lang in langs {
            check(code, &info(lang), true);
            check(code, &info(lang), false);
        }
    }
}

#[test]
fn lines_split_at_commonmark_line_endings() {
    let got: Vec<_> = split_lines("a\nb\r\nc\rd\r\re").collect();
    assert_eq!(
        got,
        [
            ("a", "\n"),
            ("b", "\r\n"),
            ("c", "\r"),
            ("d", "\r"),
            ("", "\r"),
            ("e", "")
        ]
    );
    assert_eq!(split_lines("").count(), 0);
    assert_eq!(split_lines("\n").collect::<Vec<_>>(), [("", "\n")]);
}

#[test]
fn hl_lines_marks_exactly_those_lines() {
    let code = "one\ntwo\nthree\nfour\nfive\nsix\nseven";
    for lang in ["rust", "klingon", ""] {
        for (highlight, spec) in [
            (true, "hl_lines=2-4 7"),
            (false, "hl_lines=2,3,4,7 linenos"),
        ] {
            let out = check(code, &info(&format!("{lang} {spec}")), highlight);
            let marked: Vec<usize> = lines(&out.html)
                .iter()
                .enumerate()
                .filter(|(_, l)| l.1)
                .map(|(i, _)| i + 1)
                .collect();
            assert_eq!(marked, [2, 3, 4, 7], "{}", out.html);
        }
    }
    // A marked line beyond the end of the block is simply not there.
    let out = check("a\nb\n", &info("hl_lines=2 9"), true);
    assert_eq!(lines(&out.html).iter().filter(|l| l.1).count(), 1);
}

#[test]
fn linenos_adds_a_class_and_no_text() {
    let code = "fn main() {\n    println!(\"hi\");\n}\n";
    let out = check(code, &info("rust linenos"), true);
    let doc = Html::parse_fragment(&out.html);
    assert_eq!(doc.select(&sel("pre.code.linenos")).count(), 1);
    let text: String = doc.root_element().text().collect();
    assert!(!text.chars().any(|c| c.is_ascii_digit()), "{}", out.html);
    let plain = check(code, &info("rust"), true);
    assert!(!plain.html.contains("linenos"));
}

#[test]
fn block_structure() {
    let out = render("x\n", &info("rust"), true);
    assert!(out.html.starts_with(
        "<pre class=\"code\" tabindex=\"0\" data-lang=\"rust\"><code class=\"language-rust\"><span class=\"line\">x</span>"
    ), "{}", out.html);
    assert!(
        out.html.ends_with("</span>\n</code></pre>\n"),
        "{}",
        out.html
    );
    assert_eq!(
        render("", &info(""), true).html,
        "<pre class=\"code\" tabindex=\"0\"><code></code></pre>\n"
    );
    assert_eq!(
        render("a<b\r\n", &info("text"), true).html,
        "<pre class=\"code\" tabindex=\"0\" data-lang=\"text\"><code class=\"language-text\"><span class=\"line\">a&lt;b</span>&#13;\n</code></pre>\n"
    );
    // A PHP snippet without `<?php` is highlighted as PHP, not as HTML text.
    let php = render("$x = 1;\n", &info("php"), true).html;
    assert!(styled(&php).iter().any(|(_, t)| t.contains("$x")), "{php}");
    // The language is attribute-escaped.
    let out = check("x", &info("a\"<b>"), true);
    assert!(
        out.html.contains("data-lang=\"a&quot;&lt;b&gt;\""),
        "{}",
        out.html
    );
}

#[test]
fn unknown_language_is_plain_with_a_warning() {
    let code = "let a = \"<b>\";\n";
    let out = check(code, &info("klingon linenos"), true);
    assert_eq!(out.unknown_language.as_deref(), Some("klingon"));
    assert_eq!(styled(&out.html), [], "{}", out.html);
    assert!(out.html.contains("class=\"language-klingon\""));
    // highlight = false never looks the language up, so never warns.
    let off = check(code, &info("rust"), false);
    assert_eq!(off.unknown_language, None);
    assert_eq!(styled(&off.html), [], "{}", off.html);
    assert!(off.html.contains("data-lang=\"rust\""));
    // No language: no warning, no attributes.
    let none = check(code, &info(""), true);
    assert_eq!((none.unknown_language, none.highlight_error), (None, None));
    assert!(
        none.html
            .starts_with("<pre class=\"code\" tabindex=\"0\"><code><span class=\"line\">")
    );
}

#[test]
fn concurrent_calls_agree_with_sequential_ones() {
    let jobs: Vec<(String, CodeInfo)> = LANGS
        .iter()
        .map(|(t, _)| (format!("{TRICKY}\n{t}"), info(&format!("{t} hl_lines=2"))))
        .collect();
    let expected: Vec<String> = jobs.iter().map(|(c, i)| render(c, i, true).html).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|k| {
                let jobs = &jobs;
                s.spawn(move || {
                    jobs.iter()
                        .skip(k)
                        .map(|(c, i)| render(c, i, true).html)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for (k, h) in handles.into_iter().enumerate() {
            assert_eq!(h.join().unwrap(), expected[k..]);
        }
    });
}

#[test]
fn info_strings() {
    let set = |v: &[usize]| v.iter().copied().collect::<BTreeSet<usize>>();
    let words = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    #[rustfmt::skip]
    // (info string, lang, linenos, hl_lines, unknown)
    type Row = (&'static str, Option<&'static str>, bool, &'static [usize], &'static [&'static str]);
    let ok: &[Row] = &[
        ("", None, false, &[], &[]),
        ("   ", None, false, &[], &[]),
        ("rust", Some("rust"), false, &[], &[]),
        ("py linenos", Some("py"), true, &[], &[]),
        ("ts hl_lines=2-4 7", Some("ts"), false, &[2, 3, 4, 7], &[]),
        ("linenos hl_lines=1,3", None, true, &[1, 3], &[]),
        ("hl_lines=5", None, false, &[5], &[]),
        (
            "rust hl_lines=1, 3 5-6 linenos",
            Some("rust"),
            true,
            &[1, 3, 5, 6],
            &[],
        ),
        (
            "rust hl_lines=\"2-3 8\"",
            Some("rust"),
            false,
            &[2, 3, 8],
            &[],
        ),
        ("rust hl_lines= 4", Some("rust"), false, &[4], &[]),
        (
            "rust hl_lines=2 hl_lines=2-3",
            Some("rust"),
            false,
            &[2, 3],
            &[],
        ),
        ("rust hl_lines=3-3", Some("rust"), false, &[3], &[]),
        ("rust,ignore", Some("rust"), false, &[], &["ignore"]),
        (
            "rust,linenos,hl_lines=1,3",
            Some("rust"),
            true,
            &[1, 3],
            &[],
        ),
        ("rust hl_lines=2, x", Some("rust"), false, &[2], &["x"]),
        (
            "rust hl_lines=2 x 3",
            Some("rust"),
            false,
            &[2],
            &["x", "3"],
        ),
        (
            "c++ title=main.cpp linenos extra",
            Some("c++"),
            true,
            &[],
            &["title=main.cpp", "extra"],
        ),
        ("\tjs\t linenos\t", Some("js"), true, &[], &[]),
        ("linenos rust", None, true, &[], &["rust"]),
        (
            "python {linenos}",
            Some("python"),
            false,
            &[],
            &["{linenos}"],
        ),
    ];
    for &(input, lang, linenos, hl, unknown) in ok {
        let expected = CodeInfo {
            lang: lang.map(str::to_string),
            linenos,
            hl_lines: set(hl),
            unknown: words(unknown),
        };
        assert_eq!(parse_info(input), Ok(expected), "info string {input:?}");
    }
    let bad: &[(&str, &str)] = &[
        ("rust hl_lines=4-2", "4 is after 2"),
        ("rust hl_lines=x", "expected a line number"),
        ("rust hl_lines=2,x", "expected a line number"),
        ("rust hl_lines=0", "numbered from 1"),
        ("rust hl_lines=1-", "expected a line number"),
        ("rust hl_lines=-3", "expected a line number"),
        ("rust hl_lines=2-3-4", "expected a line number"),
        ("rust hl_lines=1-999999999999", "unsupported"),
        ("rust hl_lines=99999999999999999999999", "unsupported"),
        ("rust hl_lines=", "needs line numbers"),
        ("rust hl_lines= linenos", "needs line numbers"),
        ("rust hl_lines=2 5-1", "5 is after 1"),
    ];
    for &(input, message) in bad {
        let err = parse_info(input).unwrap_err();
        assert!(err.contains(message), "{input:?} gave {err:?}");
        assert!(err.contains("hl_lines"), "{err}");
    }
}

#[test]
fn stylesheet_switches_on_dark_mode() {
    let css = stylesheet("InspiredGitHub", "Monokai Extended").unwrap();
    let dark = css
        .find("@media (prefers-color-scheme: dark) {")
        .expect("dark media query");
    let light = css
        .find("@media not all and (prefers-color-scheme: dark) {")
        .expect("light query");
    assert!(light < dark);
    assert!(
        css.contains("/* light theme: InspiredGitHub */\n@media not all"),
        "{css}"
    );
    assert!(
        css[light..dark].contains("background-color: #ffffff"),
        "light theme"
    );
    assert!(
        css.contains("/* dark theme: Monokai Extended */\n@media (prefers-color-scheme: dark)")
    );
    assert!(css.contains("pre.code {") && css.contains("pre.code .l1 {"));
    assert!(css.contains("pre.code .d1 {"));
    assert!(css.contains("counter(line)"));
    assert_eq!(css.matches('{').count(), css.matches('}').count());
    // Same theme twice: no media queries at all.
    let one = stylesheet("Nord", "Nord").unwrap();
    assert!(!one.contains("@media") && one.contains("pre.code {"));
    // Case-insensitive when unambiguous.
    assert!(
        stylesheet("github", "onehalfdark")
            .unwrap()
            .contains("/* dark theme: OneHalfDark */")
    );
}

#[test]
fn every_theme_gives_balanced_css_and_bad_names_list_valid_ones() {
    let names = theme_names();
    for expected in [
        "InspiredGitHub",
        "GitHub",
        "Monokai Extended",
        "OneHalfDark",
        "OneHalfLight",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
    for name in &names {
        let css = stylesheet(name, name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(css.matches('{').count(), css.matches('}').count(), "{name}");
    }
    let err = stylesheet("InspiredGitHub", "Nope").unwrap_err();
    assert!(
        err.contains("\"Nope\"") && err.contains("Monokai Extended") && err.contains("OneHalfDark"),
        "{err}"
    );
    assert!(
        stylesheet("ansi", "Nord").is_err(),
        "terminal themes are not CSS themes"
    );
}

#[test]
fn random_inputs_round_trip() {
    const PIECES: &[&str] = &[
        "a", "Z", "0", " ", "\t", "\n", "\r\n", "\r", "<", ">", "&", "\"", "'", "`", "{", "}", "%",
        "#", "/", "*", "\\", "$", "é", "😀", "<!--", "-->", "/*", "*/", "\"\"\"", "<?php", "?>",
        "fn", "let", "//", "${", "&amp;", "<<EOF", "]]>", "---",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed as usize
    };
    for lang in [
        "rust", "python", "js", "html", "php", "bash", "markdown", "yaml", "sql", "css",
    ] {
        for _ in 0..20 {
            let code: String = (0..next() % 80)
                .map(|_| PIECES[next() % PIECES.len()])
                .collect();
            check(&code, &info(&format!("{lang} linenos hl_lines=1-2")), true);
        }
    }
}

/// The rules of `css` by selector, e.g. `pre.code .l3` → `color: #aabbcc;`, per media block
/// (`""` outside any).
fn css_rules(css: &str) -> std::collections::BTreeMap<(String, String), String> {
    let mut rules = std::collections::BTreeMap::new();
    let mut media = String::new();
    for line in css.lines() {
        if let Some(query) = line.strip_prefix("@media ") {
            media = query.trim_end_matches(" {").to_string();
        } else if line == "}" {
            media.clear();
        } else if let Some((selector, body)) = line.split_once(" { ") {
            if body.trim_end_matches('}').trim().is_empty() {
                continue;
            }
            rules.insert((media.clone(), selector.to_string()), body.to_string());
        }
    }
    rules
}

/// Every class of every style span of `html`.
fn classes(html: &str) -> BTreeSet<String> {
    styled(html)
        .iter()
        .flat_map(|(c, _)| c.split(' ').map(str::to_string).collect::<Vec<_>>())
        .collect()
}

#[test]
fn every_class_used_has_a_rule_in_its_themes_stylesheet() {
    const NOT_DARK: &str = "not all and (prefers-color-scheme: dark)";
    const DARK: &str = "(prefers-color-scheme: dark)";
    for (light, dark) in [
        ("InspiredGitHub", "Monokai Extended"),
        ("GitHub", "OneHalfDark"),
        ("Solarized (light)", "Dracula"),
        ("Nord", "Nord"),
    ] {
        let themes = Themes::named(light, dark).unwrap();
        let rules = css_rules(&stylesheet(light, dark).unwrap());
        let mut used = BTreeSet::new();
        for (token, _) in LANGS {
            let out = render_code_block(TRICKY, &info(token), Some(&themes));
            used.extend(classes(&out.html));
        }
        assert!(used.len() > 5, "{light}/{dark}: only {used:?}");
        for class in &used {
            let media = match (class.as_bytes()[0], light == dark) {
                (b'l', true) => "",
                (b'l', false) => NOT_DARK,
                (b'd', false) => DARK,
                _ => panic!("{light}/{dark}: unexpected class {class}"),
            };
            let rule = (media.to_string(), format!("pre.code .{class}"));
            assert!(
                rules.contains_key(&rule),
                "{light}/{dark}: no rule for {rule:?}"
            );
        }
    }
}

#[test]
fn adjacent_tokens_of_one_style_share_a_span() {
    // syntect splits a comment into its `//` and its text; both are the comment colour.
    let out = check("// one two three\nlet x = 1;\n", &info("rust"), true);
    let spans = styled(&out.html);
    assert_eq!(spans[0].1, "// one two three", "{}", out.html);
    // Plain identifiers are in the default style of both themes: not wrapped.
    let plain = check("x\n", &info("rust"), true);
    assert_eq!(styled(&plain.html), [], "{}", plain.html);
    // No two neighbouring spans of a line have the same class, even with blanks between,
    // unless blanks show in that style (a background or an underline).
    let rules = css_rules(&stylesheet("InspiredGitHub", "Monokai Extended").unwrap());
    let shows_blanks = |class: &str| {
        class.split(' ').any(|c| {
            rules.iter().any(|((_, sel), body)| {
                *sel == format!("pre.code .{c}")
                    && (body.contains("background") || body.contains("underline"))
            })
        })
    };
    for (token, _) in LANGS {
        let out = check(TRICKY, &info(token), true);
        let doc = Html::parse_fragment(&out.html);
        for line in doc.select(&sel("span.line")) {
            let mut last: Option<String> = None;
            for node in line.children() {
                match scraper::ElementRef::wrap(node) {
                    Some(span) => {
                        let class = span.attr("class").unwrap_or("").to_string();
                        assert_ne!(last.as_ref(), Some(&class), "{token}: {}", out.html);
                        last = Some(class);
                    }
                    None => {
                        let text = node.value().as_text().map_or("", |t| &**t);
                        let blank = text.trim_matches([' ', '\t']).is_empty();
                        if !blank || last.as_deref().is_some_and(shows_blanks) {
                            last = None;
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn class_names_follow_the_themes_not_the_order_of_rendering() {
    let jobs: Vec<(String, CodeInfo)> = LANGS
        .iter()
        .map(|(t, _)| (format!("{TRICKY}\n{t} = \"x\" // y"), info(t)))
        .collect();
    let render_all = |order: Vec<usize>| {
        // A new thread starts with an empty memo of classes.
        std::thread::scope(|s| {
            s.spawn(|| {
                let mut out: Vec<(usize, String)> = order
                    .into_iter()
                    .map(|i| (i, render(&jobs[i].0, &jobs[i].1, true).html))
                    .collect();
                out.sort();
                out
            })
            .join()
            .unwrap()
        })
    };
    let forward = render_all((0..jobs.len()).collect());
    let backward = render_all((0..jobs.len()).rev().collect());
    assert_eq!(forward, backward);
    // The stylesheet is made from the themes alone, the same every time.
    assert_eq!(
        stylesheet("InspiredGitHub", "Monokai Extended"),
        stylesheet("InspiredGitHub", "Monokai Extended")
    );
    // The same class means the same style: a string is coloured alike in every language.
    let class_of_string = |lang: &str| {
        let out = render("x = \"abc\"\n", &info(lang), true);
        styled(&out.html)
            .into_iter()
            .find(|(_, t)| t.contains("abc"))
            .map(|(c, _)| c)
    };
    assert_eq!(class_of_string("python"), class_of_string("ruby"));
}

#[test]
fn the_same_theme_twice_gives_light_classes_only() {
    let themes = Themes::named("Nord", "nord").unwrap();
    let out = render_code_block(TRICKY, &info("rust"), Some(&themes));
    let used = classes(&out.html);
    assert!(!used.is_empty());
    assert!(used.iter().all(|c| c.starts_with('l')), "{used:?}");
    // Another dark theme changes the HTML: bodies depend on the theme names.
    let other = Themes::named("Nord", "Dracula").unwrap();
    assert_ne!(
        render_code_block(TRICKY, &info("rust"), Some(&other)).html,
        out.html
    );
}

#[test]
fn every_theme_has_a_bounded_list_of_styles() {
    for name in theme_names() {
        // Up to 213 (Monokai Extended Light); backgrounds multiplied in gave up to 2,590.
        let count = palette::palette(&name).unwrap().style_count();
        assert!((2..300).contains(&count), "{name}: {count} styles");
    }
    let css = stylesheet("InspiredGitHub", "Monokai Extended").unwrap();
    assert!(css.len() < 20_000, "{} bytes", css.len());
}

/// The languages of a consultancy blog, with a keyword, a string, a comment and a number of
/// their sample (`benches/code/`) that must each be coloured: what makes a grammar adequate.
const ADEQUATE: &[(&str, &str, [&str; 4])] = &[
    (
        "js",
        include_str!("../../benches/code/js.js"),
        [
            "const",
            "\"node:timers/promises\"",
            "// client errors are final",
            "0.2",
        ],
    ),
    (
        "ts",
        include_str!("../../benches/code/ts.ts"),
        [
            "interface",
            "\"pg\"",
            "// A typed event store with optimistic concurrency.",
            "0",
        ],
    ),
    (
        "jsx",
        include_str!("../../benches/code/jsx.jsx"),
        [
            "return",
            "\"react\"",
            "// An order list with filtering and optimistic updates.",
            "2",
        ],
    ),
    (
        "tsx",
        include_str!("../../benches/code/tsx.tsx"),
        [
            "interface",
            "\"react\"",
            "// A status badge and a table of services, typed.",
            "1000",
        ],
    ),
    (
        "python",
        include_str!("../../benches/code/python.py"),
        ["import", "\"rl\"", "# tokens per second", "5.0"],
    ),
    (
        "rust",
        include_str!("../../benches/code/rust.rs"),
        [
            "impl",
            "\"capacity must be positive\"",
            "/// A queue that makes producers wait when it holds `capacity` items.",
            "1_024",
        ],
    ),
    (
        "go",
        include_str!("../../benches/code/go.go"),
        [
            "func",
            "\"pool: closed\"",
            "// Get returns an idle connection, a new one, or waits until ctx is done.",
            "50",
        ],
    ),
    (
        "java",
        include_str!("../../benches/code/java.java"),
        ["public", "\"0.21\"", "// 0x1F entries max", "2"],
    ),
    (
        "csharp",
        include_str!("../../benches/code/cs.cs"),
        ["public", "\"circuit open since ", "/// <summary>", "30"],
    ),
    (
        "sql",
        include_str!("../../benches/code/sql.sql"),
        [
            "SELECT",
            "'cancelled'",
            "-- Monthly revenue per customer, with the share of the month's total.",
            "1000",
        ],
    ),
    (
        "bash",
        include_str!("../../benches/code/bash.sh"),
        [
            "readonly",
            "\"E123456789\"",
            "# Deploy the site: build, upload, purge the CDN, roll back on failure.",
            "1",
        ],
    ),
    (
        "yaml",
        include_str!("../../benches/code/yaml.yaml"),
        [
            "name",
            "\"1.88\"",
            "# CI: test, build and deploy on every push to main.",
            "20",
        ],
    ),
    (
        "json",
        include_str!("../../benches/code/json.json"),
        ["true", "\"orders-service\"", "null", "8080"],
    ),
    (
        "toml",
        include_str!("../../benches/code/toml.toml"),
        [
            "title",
            "\"Example Consulting\"",
            "# folio site configuration",
            "10",
        ],
    ),
    (
        "html",
        include_str!("../../benches/code/html.html"),
        [
            "html",
            "\"utf-8\"",
            "<!-- the header is the same on every page -->",
            "120",
        ],
    ),
    (
        "css",
        include_str!("../../benches/code/css.css"),
        [
            "@media",
            "\"Segoe UI\"",
            "/* Article layout and code blocks. */",
            "1.25",
        ],
    ),
    (
        "dockerfile",
        include_str!("../../benches/code/dockerfile.dockerfile"),
        [
            "FROM",
            "\"${VERSION}\"",
            "# syntax=docker/dockerfile:1.7",
            "EXPOSE",
        ],
    ),
    (
        "hcl",
        include_str!("../../benches/code/terraform.tf"),
        [
            "resource",
            "\"hashicorp/aws\"",
            "# Static site hosting: a private bucket behind a CDN.",
            "300",
        ],
    ),
    (
        "kotlin",
        include_str!("../../benches/code/kotlin.kt"),
        [
            "fun",
            "\"scheduler shut down\"",
            "/** Runs jobs at fixed rates, skipping a run when the previous one is still going. */",
            "0L",
        ],
    ),
];

#[test]
fn common_languages_colour_keywords_strings_comments_and_numbers() {
    let mut missing = Vec::new();
    for (lang, code, probes) in ADEQUATE {
        let out = check(code, &info(lang), true);
        // The block's text, each character with whether a style span holds it.
        let doc = Html::parse_fragment(&out.html);
        let mut text = String::new();
        let mut coloured = Vec::new();
        for node in doc.select(&sel("code")).next().unwrap().descendants() {
            let Some(t) = node.value().as_text() else {
                continue;
            };
            let in_style = node
                .parent()
                .and_then(scraper::ElementRef::wrap)
                .is_some_and(|p| !p.value().classes().any(|c| c == "line"));
            text.push_str(t);
            coloured.extend(std::iter::repeat_n(in_style, t.len()));
        }
        for probe in probes {
            let at = text
                .find(probe)
                .unwrap_or_else(|| panic!("{lang}: {probe:?} not in sample"));
            if !coloured[at..at + probe.len()].iter().all(|c| *c) {
                missing.push(format!("{lang}: {probe:?}"));
            }
        }
    }
    assert!(missing.is_empty(), "not coloured:\n{}", missing.join("\n"));
}
