//! Criterion benchmarks of whole-site steps on generated corpora: ranking "More articles"
//! for 10,000 articles, rendering one article page through the theme's Tera templates, and
//! what a warm build does instead of work: the fingerprint of every page, and reading
//! rendered bodies back from the disk cache. Run: `cargo bench --bench site`.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use folio::engine::model::{BuildOptions, Site};
use folio::engine::{Engine, Prepared, Settings};
use folio::render::{PageData, render_page};

// Only the corpus-building half of the generator is used here; its `main` is not.
#[allow(dead_code, unused_imports)]
#[path = "../examples/gen_corpus/main.rs"]
mod gen_corpus;

const SEED: u64 = 1;

fn options() -> BuildOptions {
    BuildOptions {
        drafts: false,
        future: false,
        now: jiff::Timestamp::now(),
        cache_bust: true,
    }
}

/// A generated site of `n` articles in a temporary folder (removed when dropped).
fn corpus(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    gen_corpus::write_site(
        dir.path(),
        n,
        SEED,
        Path::new(gen_corpus::DEFAULT_THEME_DIR),
        false,
    )
    .expect("the corpus is written");
    dir
}

/// Load, model and render a site's bodies in memory, as the build does before its pages.
fn prepare(root: &Path) -> Prepared {
    let settings = Settings {
        base_url: None,
        options: options(),
        cache_dir: None,
        cache: Default::default(),
    };
    let mut engine = Engine::new(root, settings).expect("the corpus reads");
    engine.prepare().expect("the corpus is valid")
}

fn rank_more_articles(c: &mut Criterion) {
    let dir = corpus(10_000);
    let prepared = prepare(dir.path());
    let site: &Site = &prepared.site;
    assert_eq!(site.articles.len(), 10_000);
    let mut group = c.benchmark_group("related");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("rank_all_10000_articles", |b| {
        b.iter(|| folio::engine::rank::rank_all(black_box(site)))
    });
    group.finish();
}

fn render_article_page(c: &mut Criterion) {
    let dir = corpus(200);
    let prepared = prepare(dir.path());
    let model = prepared.model();
    let pages = model.pages();
    // An article with a code block, so the page is a typical one with highlighted HTML.
    let page = pages
        .iter()
        .find(|p| matches!(&p.data, PageData::Article { body, .. } if body.rendered.has_code))
        .expect("an article with code");
    let html = render_page(&prepared.theme, &prepared.globals, page).expect("the page renders");
    let mut group = c.benchmark_group("render");
    group.bench_function(format!("article_page_{}_bytes", html.len()), |b| {
        b.iter(|| render_page(&prepared.theme, &prepared.globals, black_box(page)).ok())
    });
    group.finish();
}

fn config() -> Criterion {
    // Small samples: the whole `cargo bench` should finish in a few minutes on 2 cores.
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

/// The key of every page of a 1,000-article site (what decides whether a page is rendered).
fn page_fingerprints(c: &mut Criterion) {
    let dir = corpus(1_000);
    let prepared = prepare(dir.path());
    let model = prepared.model();
    let count = model.pages().len();
    let mut group = c.benchmark_group("warm");
    group.bench_function(format!("page_fingerprints_{count}_pages"), |b| {
        b.iter(|| {
            let pages = model.pages();
            pages
                .iter()
                .map(|p| p.key(prepared.theme_key, &prepared.globals))
                .fold(0u8, |acc, k| acc ^ k.hex().as_bytes()[0])
        })
    });
    group.finish();
}

/// Reading every rendered body of a 1,000-article site back from the disk cache, as a warm
/// run's first build does, and looking up each entry.
fn cache_lookup(c: &mut Criterion) {
    let dir = corpus(1_000);
    // The first prepare fills the cache folder (`.folio-cache/bodies`).
    prepare(dir.path());
    let cache = folio::disk_cache::DiskCache::new(&dir.path().join(".folio-cache"), "bodies");
    let names: Vec<String> = walkdir::WalkDir::new(dir.path().join(".folio-cache/bodies"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() >= 1_000, "bodies were cached: {}", names.len());
    let mut group = c.benchmark_group("warm");
    group.bench_function(format!("cache_has_{}_bodies", names.len()), |b| {
        b.iter(|| names.iter().filter(|n| cache.has(black_box(n))).count())
    });
    group.bench_function(format!("cache_read_{}_bodies", names.len()), |b| {
        b.iter(|| names.iter().filter_map(|n| cache.get(black_box(n))).count())
    });
    group.finish();
}

criterion_group! {
    name = site;
    config = config();
    targets = rank_more_articles, render_article_page, page_fingerprints, cache_lookup
}
criterion_main!(site);
