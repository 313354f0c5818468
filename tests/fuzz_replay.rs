//! Replays the fuzz corpora (`fuzz/corpus/<target>/`) and any saved crashes
//! (`fuzz/artifacts/<target>/`) through the very checks the fuzz targets run, on the stable
//! toolchain: every input fuzzing kept must go on passing in a plain `cargo test`.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

#[path = "../fuzz/src/lib.rs"]
mod checks;

/// The files directly in `dir`, sorted; none when it does not exist.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &str, check: fn(&[u8])) {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let corpus = files_in(&fuzz.join("corpus").join(target));
    assert!(!corpus.is_empty(), "no corpus for `{target}`");
    let artifacts = files_in(&fuzz.join("artifacts").join(target));
    let mut failed = Vec::new();
    for file in corpus.iter().chain(&artifacts) {
        let data = fs::read(file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
        if catch_unwind(AssertUnwindSafe(|| check(&data))).is_err() {
            failed.push(file.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "`{target}`: {} of {} inputs panicked:\n{}",
        failed.len(),
        corpus.len() + artifacts.len(),
        failed.join("\n")
    );
}

#[test]
fn front_matter_corpus_replays_without_panic() {
    replay("front_matter", checks::front_matter);
}

#[test]
fn markdown_corpus_replays_without_panic() {
    replay("markdown", checks::markdown);
}

#[test]
fn request_path_corpus_replays_without_panic() {
    replay("request_path", checks::request_path);
}

#[test]
fn sanitized_markdown_corpus_replays_without_script() {
    replay("sanitized_markdown", checks::sanitized_markdown);
}
