//! Criterion benchmarks of code highlighting per language, and of the grammars a language
//! could use where the grammar set has several (`javascript`: JavaScript or JavaScript
//! (Babel)). Samples are hand-written, typical code of a consultancy blog (`benches/code/`),
//! repeated to 16 KiB. Run: `cargo bench --bench highlight` (throughput in KiB/s).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use folio::markdown::highlight::{self, CodeInfo, Themes};

/// (info-string language, sample).
const SAMPLES: &[(&str, &str)] = &[
    ("js", include_str!("code/js.js")),
    ("ts", include_str!("code/ts.ts")),
    ("jsx", include_str!("code/jsx.jsx")),
    ("tsx", include_str!("code/tsx.tsx")),
    ("python", include_str!("code/python.py")),
    ("rust", include_str!("code/rust.rs")),
    ("go", include_str!("code/go.go")),
    ("java", include_str!("code/java.java")),
    ("csharp", include_str!("code/cs.cs")),
    ("sql", include_str!("code/sql.sql")),
    ("bash", include_str!("code/bash.sh")),
    ("yaml", include_str!("code/yaml.yaml")),
    ("json", include_str!("code/json.json")),
    ("toml", include_str!("code/toml.toml")),
    ("html", include_str!("code/html.html")),
    ("css", include_str!("code/css.css")),
    ("dockerfile", include_str!("code/dockerfile.dockerfile")),
    ("hcl", include_str!("code/terraform.tf")),
    ("kotlin", include_str!("code/kotlin.kt")),
];

/// Other grammars of the set that could serve a language, by grammar name.
const ALTERNATIVES: &[(&str, &[&str])] = &[
    ("js", &["JavaScript", "JavaScript (Babel)", "TypeScript"]),
    ("jsx", &["JavaScript (Babel)", "TypeScriptReact"]),
    ("ts", &["TypeScript", "TypeScriptReact"]),
    ("tsx", &["TypeScriptReact"]),
];

fn sample(lang: &str) -> String {
    let one = SAMPLES
        .iter()
        .find(|(l, _)| *l == lang)
        .map(|(_, s)| *s)
        .expect("a sample for every language");
    one.repeat(16 * 1024 / one.len() + 1)
}

fn info(lang: &str) -> CodeInfo {
    CodeInfo {
        lang: Some(lang.to_string()),
        ..CodeInfo::default()
    }
}

fn themes() -> Themes {
    Themes::named("InspiredGitHub", "Monokai Extended").expect("the default themes")
}

/// Each language as an info string names it, with the grammar folio maps it to.
fn per_language(c: &mut Criterion) {
    let themes = themes();
    let mut group = c.benchmark_group("highlight_language");
    for (lang, _) in SAMPLES {
        let code = sample(lang);
        let info = info(lang);
        let first = highlight::render_code_block(&code, &info, Some(&themes));
        assert!(first.unknown_language.is_none(), "{lang} is known");
        let grammar = highlight::find_syntax(lang).map_or("?", |s| s.name.as_str());
        group.throughput(Throughput::Bytes(code.len() as u64));
        group.bench_function(format!("{lang} ({grammar})"), |b| {
            b.iter(|| highlight::render_code_block(black_box(&code), &info, Some(&themes)))
        });
    }
    group.finish();
}

/// The same sample through each grammar that could serve its language.
fn per_grammar(c: &mut Criterion) {
    let themes = themes();
    let mut group = c.benchmark_group("highlight_grammar");
    for (lang, grammars) in ALTERNATIVES {
        let code = sample(lang);
        for grammar in *grammars {
            highlight::highlight_as(&code, grammar, &themes).expect("a grammar of the set");
            group.throughput(Throughput::Bytes(code.len() as u64));
            group.bench_function(format!("{lang} as {grammar}"), |b| {
                b.iter(|| highlight::highlight_as(black_box(&code), grammar, &themes))
            });
        }
    }
    group.finish();
}

fn config() -> Criterion {
    // Small samples: 25 benchmarks should take a few minutes on 2 cores.
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = highlighting;
    config = config();
    targets = per_language, per_grammar
}
criterion_main!(highlighting);
