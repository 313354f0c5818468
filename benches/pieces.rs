//! Criterion benchmarks of the per-article pieces: front matter, markdown, highlighting.
//! Inputs come from the benchmark corpus generator (`examples/gen_corpus/`), so they look
//! like the articles the whole-build benchmark uses. Run: `cargo bench --bench pieces`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use folio::config::MarkdownConfig;
use folio::content::front_matter;
use folio::markdown::components::Plain;
use folio::markdown::{self, highlight};

// Only the corpus-building half of the generator is used here; its `main` is not.
#[allow(dead_code, unused_imports)]
#[path = "../examples/gen_corpus/main.rs"]
mod gen_corpus;
use gen_corpus::{Corpus, Rng, TOPICS};

const SEED: u64 = 1;

fn front_matter_split_and_parse(c: &mut Criterion) {
    let corpus = Corpus::plan(500, SEED);
    // A file with every common key, `related` included.
    let i = (0..corpus.slugs.len())
        .find(|&i| corpus.article(i).contains("\nrelated:\n"))
        .expect("some generated article has related entries");
    let text: Arc<str> = corpus.article(i).into();
    let path = Path::new("content/articles/bench.md");
    let mut group = c.benchmark_group("front_matter");
    group.bench_function("split_and_parse", |b| {
        b.iter(|| {
            let split = front_matter::split(black_box(&text), path).expect("splits");
            front_matter::parse(&text, split.yaml, path).expect("parses")
        })
    });
    group.finish();
}

fn markdown_render(c: &mut Criterion) {
    let corpus = Corpus::plan(500, SEED);
    let i = corpus
        .find_plain_article(6 * 1024)
        .expect("a ~6 KB article without code");
    let text: Arc<str> = corpus.article(i).into();
    let path = PathBuf::from(format!("content/articles/{}.md", corpus.slugs[i]));
    let split = front_matter::split(&text, &path).expect("splits");
    let body = &text[split.body];
    let config = MarkdownConfig::default();
    let rendered = markdown::render(body, &path, &[], &config, &Default::default(), &Plain);
    assert!(rendered.problems.is_empty(), "{:?}", rendered.problems);

    let mut group = c.benchmark_group("markdown");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function(format!("render_{}_bytes_no_code", body.len()), |b| {
        b.iter(|| {
            markdown::render(
                black_box(body),
                &path,
                &[],
                &config,
                &Default::default(),
                &Plain,
            )
        })
    });
    group.finish();
}

/// At least `bytes` of generated `lang` code, as several functions.
fn code_sample(lang: &str, bytes: usize) -> String {
    let mut rng = Rng::new(SEED);
    let mut code = String::new();
    while code.len() < bytes {
        gen_corpus::code_lines(&mut rng, TOPICS[0].words, lang, 30, &mut code);
    }
    code
}

fn highlight_code(c: &mut Criterion) {
    let mut group = c.benchmark_group("highlight");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(2));
    let themes = highlight::Themes::named("InspiredGitHub", "Monokai Extended").expect("themes");
    // Every language of the corpus's code blocks; rust and python are the headline figures.
    for lang in gen_corpus::LANGUAGES {
        let code = code_sample(lang, 4 * 1024);
        let info = highlight::parse_info(lang).expect("a plain language info string");
        let first = highlight::render_code_block(&code, &info, Some(&themes));
        assert!(
            first.unknown_language.is_none(),
            "{lang} is a known language"
        );
        group.throughput(Throughput::Bytes(code.len() as u64));
        group.bench_function(format!("{lang}_{}_bytes", code.len()), |b| {
            b.iter(|| highlight::render_code_block(black_box(&code), &info, Some(&themes)))
        });
    }
    group.finish();
}

fn config() -> Criterion {
    // Small samples: the whole `cargo bench` should finish in a few minutes on 2 cores.
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = pieces;
    config = config();
    targets = front_matter_split_and_parse, markdown_render, highlight_code
}
criterion_main!(pieces);
