//! Model-based test of `serve --watch`'s incremental builds: random sequences of the edits a
//! writer makes (articles added, deleted, renamed, moved into folders; bodies, front matter,
//! links and anchors; config keys; templates, good and broken; static files; editor
//! leftovers) are applied to a small site on disk. After every step the engine kept between
//! steps is told exactly the paths the edit touched, as a watcher would, and its site must
//! equal a build from scratch byte for byte — every path, every byte, every warning — or
//! both must fail with the same errors.
//!
//! 64 sequences of 1–30 steps by default; more with `PROPTEST_CASES=1000 cargo test --test
//! model_based`. Failures are kept in `tests/model_based.regressions` (replayed first on the
//! next run) and each shrunk one is a named test in `model_based/fixed.rs`.

#[path = "model_based/apply.rs"]
mod apply;
#[path = "model_based/disk.rs"]
mod disk;
#[path = "model_based/edits.rs"]
mod edits;
#[path = "model_based/fixed.rs"]
mod fixed;
#[path = "model_based/scratch.rs"]
mod scratch;
#[path = "model_based/site.rs"]
mod site;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use folio::engine::model::BuildOptions;
use folio::engine::{CacheUse, Engine, Settings};
use folio::output::memory::{MemorySink, Snapshot};
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, TestCaseError};

use disk::Disk;
use edits::Step;
use site::SiteModel;

/// Which articles go in and whether asset URLs carry hashes: `serve` and `build` differ.
#[derive(Debug, Clone, Copy)]
struct Flags {
    cache_bust: bool,
    drafts: bool,
    future: bool,
}

/// The settings of a build; `cache` says whether it reads and writes the disk cache (the
/// served site does, as `serve` and `build` do; the reference build from scratch does not).
fn settings(flags: Flags, cache: CacheUse) -> Settings {
    Settings {
        base_url: None,
        options: BuildOptions {
            drafts: flags.drafts,
            future: flags.future,
            now: "2026-11-20T00:00:00Z".parse().expect("a timestamp"),
            cache_bust: flags.cache_bust,
        },
        cache_dir: None,
        cache,
    }
}

/// The result of the last build: the site and its warnings, or the errors.
type Outcome = Result<(Arc<Snapshot>, String), String>;

/// A site as `serve --watch` holds it: the engine, kept between edits, and the last result.
struct Served {
    engine: Engine,
    /// The last good site (kept through failed builds, as `serve` does).
    site: Arc<Snapshot>,
    /// The last build's warnings, or its errors.
    last: Result<String, String>,
}

impl Served {
    fn start(root: &Path, flags: Flags) -> Served {
        let mut served = Served {
            engine: Engine::new(root, settings(flags, CacheUse::ReadWrite))
                .expect("the site folder opens"),
            site: Arc::new(Snapshot::new()),
            last: Ok(String::new()),
        };
        served.build();
        served
    }

    fn build(&mut self) {
        let sink = MemorySink::new(self.site.clone());
        self.last = match self.engine.build(&sink) {
            Ok(built) => {
                let (site, _) = sink.finish(built.files.keys().map(String::as_str));
                self.site = Arc::new(site);
                Ok(scratch::messages(&built.warnings))
            }
            Err(errors) => Err(scratch::messages(&errors)),
        };
    }

    fn outcome(&self) -> Outcome {
        self.last
            .clone()
            .map(|warnings| (self.site.clone(), warnings))
    }
}

fn from_scratch(root: &Path, flags: Flags, cache: CacheUse) -> Outcome {
    scratch::build(root, settings(flags, cache)).map(|(site, warnings)| (Arc::new(site), warnings))
}

/// Apply `steps` to a fresh copy of the model site, checking the served site against a
/// build from scratch after each. Returns whether the site built after each step.
fn run(flags: Flags, steps: &[Step]) -> Result<Vec<bool>, TestCaseError> {
    let tmp = tempfile::Builder::new()
        .prefix("folio-model-")
        .tempdir()
        .expect("temp folder");
    // Watchers report paths with links resolved (macOS's /tmp is one).
    let root = std::fs::canonicalize(tmp.path()).expect("canonical temp path");
    let mut model = SiteModel::initial();
    model.create(&root);
    let mut served = Served::start(&root, flags);
    let mut log = format!("{flags:?}\n");
    let mut builds = Vec::new();
    for (n, step) in steps.iter().enumerate() {
        let mut disk = Disk::new(&root, step.style);
        let applied = catch_unwind(AssertUnwindSafe(|| {
            apply::apply(&mut model, &mut disk, step)
        }))
        .map_err(|_| TestCaseError::fail(format!("step {n} ({step:?}) failed\n{log}")))?;
        // Watchers report absolute paths; the engine also takes paths relative to the root.
        let paths: Vec<PathBuf> = disk
            .touched()
            .iter()
            .map(|rel| match n % 3 {
                2 => rel.clone(),
                _ => root.join(rel),
            })
            .collect();
        let _ = writeln!(
            log,
            "{n:>2}. {} [{:?}] {:?}",
            applied.what,
            step.style,
            disk.touched()
        );
        let changed = served.engine.refresh(&paths);
        if applied.leftover_only {
            prop_assert!(!changed, "an editor leftover changed the sources\n{log}");
        }
        if changed {
            served.build();
        }
        let expected = from_scratch(&root, flags, CacheUse::Off);
        if let Some(problem) = difference(&served.outcome(), &expected) {
            return Err(TestCaseError::fail(format!(
                "after step {n}, the served site differs from a build from scratch:\n{problem}\n\nsteps:\n{log}"
            )));
        }
        // A new process with the disk cache the served one keeps (as the next `folio build`
        // finds it), every other step to keep the test quick.
        if n % 2 == 1 {
            let warm = from_scratch(&root, flags, CacheUse::ReadWrite);
            if let Some(problem) = difference(&warm, &expected) {
                return Err(TestCaseError::fail(format!(
                    "after step {n}, a build with the disk cache differs from one without:\n{problem}\n\nsteps:\n{log}"
                )));
            }
        }
        builds.push(expected.is_ok());
    }
    Ok(builds)
}

/// How `served` differs from `expected`, readably: the differing paths and a short diff of
/// the first differing file, or the two sets of messages.
fn difference(served: &Outcome, expected: &Outcome) -> Option<String> {
    match (served, expected) {
        (Ok((site, warnings)), Ok((scratch, scratch_warnings))) => {
            let paths: BTreeSet<&str> = site.paths().chain(scratch.paths()).collect();
            let differing: Vec<&str> = paths
                .into_iter()
                .filter(|p| site.get(p).map(|f| &f.bytes) != scratch.get(p).map(|f| &f.bytes))
                .collect();
            if let Some(first) = differing.first() {
                let bytes = |s: &Snapshot| s.get(first).map(|f| f.bytes.to_vec());
                return Some(format!(
                    "differing paths: {differing:?}\n{}",
                    short_diff(first, bytes(site), bytes(scratch))
                ));
            }
            (warnings != scratch_warnings).then(|| {
                format!("warnings differ:\nserved:\n{warnings}\nfrom scratch:\n{scratch_warnings}")
            })
        }
        (Err(errors), Err(scratch_errors)) => (errors != scratch_errors)
            .then(|| format!("errors differ:\nserved:\n{errors}\nfrom scratch:\n{scratch_errors}")),
        (Ok(_), Err(errors)) => Some(format!(
            "the served site built, but from scratch fails:\n{errors}"
        )),
        (Err(errors), Ok(_)) => Some(format!(
            "the served site failed, but from scratch builds:\n{errors}"
        )),
    }
}

/// The first differing line of `path` with two lines around it, from both sides.
fn short_diff(path: &str, served: Option<Vec<u8>>, scratch: Option<Vec<u8>>) -> String {
    let (served, scratch) = match (served, scratch) {
        (None, _) => return format!("{path}: only from scratch"),
        (_, None) => return format!("{path}: only served"),
        (Some(a), Some(b)) => (a, b),
    };
    let (served, scratch) = (
        String::from_utf8_lossy(&served).into_owned(),
        String::from_utf8_lossy(&scratch).into_owned(),
    );
    let (a, b): (Vec<&str>, Vec<&str>) = (served.lines().collect(), scratch.lines().collect());
    let at = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let around = |lines: &[&str]| {
        lines[at.saturating_sub(2)..(at + 3).min(lines.len())]
            .iter()
            .map(|l| format!("    {}", truncate(l)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "{path}, from line {}:\n  served:\n{}\n  from scratch:\n{}",
        at + 1,
        around(&a),
        around(&b)
    )
}

fn truncate(line: &str) -> String {
    match line.char_indices().nth(160) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}

fn flags() -> impl Strategy<Value = Flags> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(cache_bust, drafts, future)| Flags {
        cache_bust,
        drafts,
        future,
    })
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        // Each shrinking step builds a site up to 60 times; stop after five minutes.
        max_shrink_time: 300_000,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn incremental_builds_equal_builds_from_scratch(flags in flags(), steps in edits::steps(1..=30)) {
        run(flags, &steps)?;
    }
}
