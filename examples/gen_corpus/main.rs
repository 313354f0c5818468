//! Generates a complete, buildable folio site of N synthetic articles for benchmarks:
//! `cargo run --release --example gen_corpus -- -n 10000 --seed 1 --out /tmp/corpus`.
//!
//! The same N and seed always give byte-identical files. Randomness comes from SplitMix64,
//! written out below (a few lines) rather than taken from `rand`, so the corpus cannot change
//! when a dependency changes its algorithms. Each article draws from its own generator seeded
//! by (seed, index), so articles are independent and are written in parallel.
//!
//! The benchmarks in `benches/` include this file as a module to build their inputs. Beside
//! it: `prose.rs` writes an article, `code.rs` its code block, `words.rs` the vocabulary.

mod code;
mod images;
mod prose;
mod words;

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Instant;

use rayon::prelude::*;

pub use code::code_lines;
use words::{FIRST_NAMES, LAST_NAMES, ROLES};
pub use words::{LANGUAGES, TOPICS};

/// The repository's default theme, copied into every generated site.
pub const DEFAULT_THEME_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default");

/// A file in the output folder that marks it as a generated corpus, safe to regenerate.
const MARKER: &str = ".folio-corpus";

const USAGE: &str = "usage: gen_corpus -n N [--seed S] --out DIR [--theme-dir DIR] [--images]

Writes DIR/config.toml, DIR/content/articles/<slug>.md x N and DIR/themes/default.
--images makes every fourth article a folder article (<slug>/index.md) with one or two
1600x900 images beside it: a screenshot-like PNG, and in half of them a photo-like JPEG.
A DIR this tool generated before is regenerated in place; any other non-empty DIR is refused.";

fn main() {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("gen_corpus: {e}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    let started = Instant::now();
    match write_site(&args.out, args.n, args.seed, &args.theme_dir, args.images) {
        Ok(bytes) => println!(
            "Generated {} articles ({:.1} MB, seed {}) in {} ms → {}",
            args.n,
            bytes as f64 / 1e6,
            args.seed,
            started.elapsed().as_millis(),
            args.out.display()
        ),
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            std::process::exit(1);
        }
    }
}

struct Args {
    n: usize,
    seed: u64,
    out: PathBuf,
    theme_dir: PathBuf,
    images: bool,
}

impl Args {
    fn parse(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
        let (mut n, mut seed, mut out) = (None, 1u64, None);
        let mut theme_dir = PathBuf::from(DEFAULT_THEME_DIR);
        let mut images = false;
        while let Some(flag) = it.next() {
            let mut value = || it.next().ok_or(format!("`{flag}` needs a value"));
            match flag.as_str() {
                "-n" => n = Some(value()?.parse().map_err(|e| format!("-n: {e}"))?),
                "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
                "--out" => out = Some(PathBuf::from(value()?)),
                "--theme-dir" => theme_dir = PathBuf::from(value()?),
                "--images" => images = true,
                "-h" | "--help" => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        let n: usize = n.ok_or("missing -n N")?;
        if n < 2 {
            return Err("-n must be at least 2 (articles link to each other)".into());
        }
        Ok(Args {
            n,
            seed,
            out: out.ok_or("missing --out DIR")?,
            theme_dir,
            images,
        })
    }
}

/// Write the whole site into `out`; returns the bytes of markdown written (and of images,
/// with `with_images`).
pub fn write_site(
    out: &Path,
    n: usize,
    seed: u64,
    theme_dir: &Path,
    with_images: bool,
) -> io::Result<u64> {
    prepare_out_dir(out)?;
    let mut corpus = Corpus::plan(n, seed);
    corpus.with_images = with_images;
    fs::write(out.join(MARKER), format!("n = {n}\nseed = {seed}\n"))?;
    fs::write(out.join("config.toml"), corpus.config_toml())?;
    copy_dir(theme_dir, &out.join("themes/default"))?;
    let articles = out.join("content/articles");
    fs::create_dir_all(&articles)?;
    (0..n)
        .into_par_iter()
        .map(|i| {
            let text = corpus.article(i);
            let slug = &corpus.slugs[i];
            if !corpus.is_folder(i) {
                fs::write(articles.join(format!("{slug}.md")), &text)?;
                return Ok(text.len() as u64);
            }
            let dir = articles.join(slug);
            fs::create_dir_all(&dir)?;
            let image_seed = seed ^ (i as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407);
            let shot = images::screenshot_png(image_seed);
            let mut body = format!(
                "{text}\n![The {} dashboard after the change, with the slow requests highlighted](screenshot.png)\n",
                slug.split('-').next().unwrap_or("service")
            );
            let mut bytes = shot.len();
            fs::write(dir.join("screenshot.png"), shot)?;
            if i % 8 == 0 {
                let photo = images::photo_jpeg(image_seed ^ 0x9E37);
                body.push_str("\n![The team at the whiteboard during the review](whiteboard.jpg)\n");
                bytes += photo.len();
                fs::write(dir.join("whiteboard.jpg"), photo)?;
            }
            fs::write(dir.join("index.md"), &body)?;
            Ok((body.len() + bytes) as u64)
        })
        .sum()
}

/// Empty or missing: fine. Generated by us before: clear what we write. Anything else: refuse.
fn prepare_out_dir(out: &Path) -> io::Result<()> {
    if out.join(MARKER).is_file() {
        for sub in ["content", "themes/default"] {
            if out.join(sub).exists() {
                fs::remove_dir_all(out.join(sub))?;
            }
        }
    } else if out.is_dir() && fs::read_dir(out)?.next().is_some() {
        return Err(io::Error::other(format!(
            "`{}` is not empty and was not made by gen_corpus; choose an empty folder",
            out.display()
        )));
    }
    fs::create_dir_all(out)
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    let mut entries: Vec<_> = fs::read_dir(from)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            fs::copy(e.path(), target)?;
        }
    }
    Ok(())
}

/// SplitMix64: tiny, fast, and fixed forever (unlike a library's default generator).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (the tiny modulo bias is irrelevant here).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// The shape of the site decided up front: each article's topic and slug.
pub struct Corpus {
    seed: u64,
    pub slugs: Vec<String>,
    topics: Vec<usize>,
    by_topic: Vec<Vec<usize>>,
    /// Focus terms per topic: grows with the corpus, so each term stays in ~15 articles.
    focus_pool: usize,
    /// Every fourth article is a folder article with images (`--images`).
    pub with_images: bool,
}

impl Corpus {
    pub fn plan(n: usize, seed: u64) -> Corpus {
        let mut rng = Rng::new(seed);
        let mut slugs = Vec::with_capacity(n);
        let mut topics = Vec::with_capacity(n);
        let mut by_topic = vec![Vec::new(); TOPICS.len()];
        for i in 0..n {
            let t = rng.below(TOPICS.len());
            let words = TOPICS[t].words;
            // The index keeps slugs unique; the words make them look like real ones.
            slugs.push(format!("{}-{}-{}", rng.pick(words), rng.pick(words), i + 1));
            topics.push(t);
            by_topic[t].push(i);
        }
        Corpus {
            seed,
            slugs,
            topics,
            by_topic,
            focus_pool: (n / 40).clamp(8, MAX_FOCUS_POOL),
            with_images: false,
        }
    }

    /// Whether article `i` is a folder article (`<slug>/index.md`) with images beside it.
    pub fn is_folder(&self, i: usize) -> bool {
        self.with_images && i.is_multiple_of(4)
    }

    /// The markdown link from article `from` to article `to`, as a relative file path.
    pub fn link(&self, from: usize, to: usize) -> String {
        let up = if self.is_folder(from) { "../" } else { "" };
        match self.is_folder(to) {
            true => format!("{up}{}/index.md", self.slugs[to]),
            false => format!("{up}{}.md", self.slugs[to]),
        }
    }

    /// Another article, most often of the same topic; never `me`.
    fn other(&self, rng: &mut Rng, me: usize) -> usize {
        let same = &self.by_topic[self.topics[me]];
        if same.len() > 1 && rng.chance(75) {
            loop {
                let j = same[rng.below(same.len())];
                if j != me {
                    return j;
                }
            }
        }
        let j = rng.below(self.slugs.len() - 1);
        if j >= me { j + 1 } else { j }
    }

    /// The site's `config.toml`.
    pub fn config_toml(&self) -> String {
        let mut s = String::from(CONFIG_HEAD);
        let mut rng = Rng::new(self.seed ^ 0xA17B_0C5E);
        for a in 1..=AUTHORS {
            let name = format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES));
            let topic = &TOPICS[a % TOPICS.len()];
            let _ = write!(
                s,
                "\n[authors.a{a:02}]\nname = \"{name}\"\nrole = \"{}, {}\"\nbio = \"{} has worked on {} and {} for {} years, mostly with teams that run their own production systems.\"\n",
                rng.pick(ROLES),
                topic.title,
                name.split(' ').next().unwrap_or("They"),
                rng.pick(topic.words),
                rng.pick(topic.words),
                rng.range(4, 20)
            );
        }
        s.push_str(CONFIG_TAIL);
        s
    }

    /// The full text of article `i`: front matter and body.
    pub fn article(&self, i: usize) -> String {
        prose::article(self, i)
    }

    /// Index of the first article without a code block whose file is close to `bytes` long.
    pub fn find_plain_article(&self, bytes: usize) -> Option<usize> {
        (0..self.slugs.len()).find(|&i| {
            let text = self.article(i);
            !text.contains("\n```") && text.len().abs_diff(bytes) < bytes / 10
        })
    }
}

const AUTHORS: usize = 40;
const MAX_FOCUS_POOL: usize = 2500;

/// Made-up six-letter terms (three consonant-vowel syllables), like the product and project
/// names real articles share with a few others. `MAX_FOCUS_POOL` for each topic.
static FOCUS_TERMS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let syllables: Vec<String> = "bdfgklmnprstvz"
        .chars()
        .flat_map(|c| "aeiou".chars().map(move |v| format!("{c}{v}")))
        .collect();
    let s = syllables.len();
    (0..TOPICS.len() * MAX_FOCUS_POOL)
        .map(|k| {
            // A multiplier coprime to s³ spreads neighbouring ids over unrelated words.
            let k = (k * 7919) % (s * s * s);
            format!(
                "{}{}{}",
                syllables[k / (s * s)],
                syllables[k / s % s],
                syllables[k % s]
            )
        })
        .collect()
});

const CONFIG_HEAD: &str = r#"# Generated by `cargo run --release --example gen_corpus`: a synthetic site for benchmarks.
title = "Synthetic Engineering Notes"
base_url = "https://bench.folio.example/"
description = "A generated corpus of consultancy articles for measuring folio's build speed."
language = "en"
theme = "default"
paginate = 10
"#;

const CONFIG_TAIL: &str = r#"
[[services]]
name = "API design reviews"
description = "We review your public and internal APIs for idempotency, pagination and versioning."

[[services]]
name = "Database performance"
description = "We find the queries, locks and connection patterns that slow your database down."

[[services]]
name = "Reliability engineering"
description = "We set SLOs you can defend and timeouts, retries and back-pressure that hold under load."

[[services]]
name = "Zero-downtime migrations"
description = "We plan and run schema and infrastructure migrations on live systems."

[[offices]]
city = "Lisbon"
address = ["Rua das Janelas Verdes 61", "1200-690 Lisboa"]

[[offices]]
city = "Rotterdam"
address = ["Keilestraat 9", "3029 BP Rotterdam"]

[cta]
heading = "Is something in your backend keeping you up at night?"
text = "Tell us what is slow, flaky or about to fall over; a senior engineer will reply within two working days."
link_text = "Talk to an engineer"
link = "mailto:hello@bench.folio.example"

[more_articles]
count = 4
"#;
