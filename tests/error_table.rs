//! docs/errors.md, the catalogue of bad input, checked row by row. For each row a small valid
//! site is built, the row's mistake is made in it, and the real `folio` runs again: it must
//! exit with the row's code, print the row's message at the row's place, never panic, and
//! leave the previous output exactly as it was (or, for a warning, still build). Rows marked
//! `bug:` are printed instead of failed on, and fail once they hold. A row about a file
//! folio cannot read runs folio as `nobody` when the tests run as root (who reads any file).

mod support;

#[path = "error_table/features.rs"]
mod features;
#[path = "error_table/fixtures.rs"]
mod fixtures;
#[path = "error_table/table.rs"]
mod table;

use std::io::Write as _;
use std::net::TcpListener;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use assert_cmd::Command;
use fixtures::{Fixture, Run, Site};
use support::nobody::Nobody;
use support::{Tree, read_tree};
use table::{Place, Row};

/// Longest one run of `folio` may take before the row fails as a hang.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Rows checked at once (each runs `folio` twice).
const WORKERS: usize = 2;

fn catalogue() -> Vec<Row> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md");
    let text = std::fs::read_to_string(&path).expect("read docs/errors.md");
    table::parse(&text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_row_has_a_fixture_and_every_fixture_a_row() {
    let rows = catalogue();
    let fixtures = fixtures::all();
    assert!(
        rows.len() >= 45,
        "only {} rows in docs/errors.md",
        rows.len()
    );
    let row_ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let fixture_ids: Vec<&str> = fixtures.iter().map(|f| f.id).collect();
    let twice = |ids: &[&str]| -> Vec<String> {
        let mut seen = std::collections::BTreeSet::new();
        ids.iter()
            .filter(|id| !seen.insert(**id))
            .map(|id| id.to_string())
            .collect()
    };
    let no_fixture: Vec<&&str> = row_ids
        .iter()
        .filter(|id| !fixture_ids.contains(id))
        .collect();
    let no_row: Vec<&&str> = fixture_ids
        .iter()
        .filter(|id| !row_ids.contains(id))
        .collect();
    assert!(
        no_fixture.is_empty() && no_row.is_empty(),
        "rows without a fixture in tests/error_table/fixtures.rs: {no_fixture:?}\n\
         fixtures without a row in docs/errors.md: {no_row:?}"
    );
    assert!(
        twice(&row_ids).is_empty(),
        "ids used twice in docs/errors.md: {:?}",
        twice(&row_ids)
    );
    assert!(
        twice(&fixture_ids).is_empty(),
        "fixture ids used twice: {:?}",
        twice(&fixture_ids)
    );
}

#[test]
fn every_bad_input_gets_the_answer_the_catalogue_documents() {
    let rows = catalogue();
    let fixtures = fixtures::all();
    let outcomes = check_all(&rows, &fixtures);
    let mut failures = Vec::new();
    let mut notes = String::new();
    for (row, outcome) in rows.iter().zip(outcomes) {
        match (outcome, &row.bug) {
            (Outcome::Holds, None) => {}
            (Outcome::Holds, Some(_)) => failures.push(format!(
                "{}: marked `bug:` but folio now does what the row says; remove the note",
                row.id
            )),
            (Outcome::Fails { problems, .. }, Some(note)) => {
                notes += &format!(
                    "known bug {}: {note}\n    {}\n",
                    row.id,
                    problems.join("\n    ")
                );
            }
            (
                Outcome::Fails {
                    problems,
                    transcript,
                },
                None,
            ) => {
                failures.push(format!(
                    "{}:\n    {}\n{transcript}",
                    row.id,
                    problems.join("\n    ")
                ));
            }
        }
    }
    // Straight to stderr, past the test harness's capture, so known bugs are always seen.
    let _ = std::io::stderr().write_all(notes.as_bytes());
    assert!(
        failures.is_empty(),
        "{} of {} rows of docs/errors.md do not hold:\n\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n\n")
    );
}

enum Outcome {
    Holds,
    Fails {
        problems: Vec<String>,
        transcript: String,
    },
}

impl Outcome {
    fn fails(problem: String) -> Outcome {
        Outcome::Fails {
            problems: vec![problem],
            transcript: String::new(),
        }
    }
}

/// Check every row, `WORKERS` at a time; outcomes in row order.
fn check_all(rows: &[Row], fixtures: &[Fixture]) -> Vec<Outcome> {
    // Root reads a mode-000 file: then such rows run folio as `nobody`.
    let privileged = fixtures::privileged();
    let next = AtomicUsize::new(0);
    let done = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(row) = rows.get(i) else { break };
                    let outcome = match fixtures.iter().find(|f| f.id == row.id) {
                        Some(fixture) => check_guarded(row, fixture, privileged),
                        None => Outcome::fails("no fixture with this id".into()),
                    };
                    done.lock().expect("no worker panics").push((i, outcome));
                }
            });
        }
    });
    let mut done = done.into_inner().expect("no worker panics");
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, outcome)| outcome).collect()
}

/// `check_row`, with a panic of the test's own code (a fixture that no longer fits the
/// site) reported as that row's failure.
fn check_guarded(row: &Row, fixture: &Fixture, privileged: bool) -> Outcome {
    catch_unwind(AssertUnwindSafe(|| check_row(row, fixture, privileged))).unwrap_or_else(|e| {
        let why = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Outcome::fails(format!("the test itself panicked: {why}"))
    })
}

fn check_row(row: &Row, fixture: &Fixture, privileged: bool) -> Outcome {
    let nobody = match fixture.needs_unprivileged() && privileged {
        true => match Nobody::if_root() {
            Some(nobody) => Some(nobody),
            None => {
                return Outcome::fails(
                    "this process reads files with mode 000 but is not root, so it cannot \
                     run folio as `nobody`"
                        .into(),
                );
            }
        },
        false => None,
    };
    let site = Site::new();
    let valid = folio(&site, &Run::Build, &[], None);
    if valid.code != Some(0) {
        return Outcome::Fails {
            problems: vec!["the valid site did not build".into()],
            transcript: valid.transcript(),
        };
    }
    let before = read_tree(&site.path("public"));
    if let Some(nobody) = &nobody {
        nobody.own(site.root());
    }
    fixture.apply(&site);
    let ran = folio(&site, &fixture.run, fixture.env, nobody.as_ref());
    let after = read_tree(&site.path("public"));
    let mut problems = answer_problems(row, &ran);
    problems.extend(output_problems(row, &fixture.run, &ran, &before, &after));
    problems.extend(leftovers(site.root()));
    match problems.is_empty() {
        true => Outcome::Holds,
        false => Outcome::Fails {
            problems,
            transcript: ran.transcript(),
        },
    }
}

/// Exit code, panics, message and place, against the row.
fn answer_problems(row: &Row, ran: &Ran) -> Vec<String> {
    let mut problems = Vec::new();
    match ran.code {
        None => problems.push(format!(
            "still running after {} s: a hang",
            TIMEOUT.as_secs()
        )),
        Some(code) if code != row.exit => {
            problems.push(format!("exit code {code}, the row says {}", row.exit))
        }
        Some(_) => {}
    }
    if ran.stderr.contains("panicked") {
        problems.push("folio panicked".into());
    }
    for message in &row.messages {
        if !ran.stderr.contains(message.as_str()) {
            problems.push(format!("stderr lacks {message:?}"));
        }
    }
    match &row.place {
        Place::Nowhere => {}
        Place::File(file) if !ran.stderr.contains(&format!("--> {file}")) => {
            problems.push(format!("stderr does not name `{file}` (as `--> {file}`)"))
        }
        Place::Line(file, line) if !ran.stderr.contains(&format!("{file}:{line}:")) => {
            problems.push(format!("no report drawn at `{file}:{line}`"))
        }
        _ => {}
    }
    problems
}

/// A failure leaves the previous output as it was; a warning still builds.
fn output_problems(
    row: &Row,
    run: &Run,
    ran: &Ran,
    before: &Option<Tree>,
    after: &Option<Tree>,
) -> Vec<String> {
    if row.exit != 0 {
        return match (before, after) {
            (Some(b), Some(a)) if b == a => vec![],
            (Some(b), Some(a)) => vec![format!("the previous output changed: {}", diff(b, a))],
            _ => vec!["the previous output is gone".into()],
        };
    }
    let built = match run {
        Run::Build => ran.stdout.starts_with("Built "),
        Run::Check => ran.stdout.contains(": 0 errors,"),
        Run::Args(_) | Run::ServeOnBusyPort => true,
    };
    match built {
        true => vec![],
        false => vec!["a warning, yet the build did not succeed".into()],
    }
}

fn diff(before: &Tree, after: &Tree) -> String {
    let mut changes: Vec<String> = before
        .iter()
        .filter(|(path, bytes)| after.get(*path) != Some(bytes))
        .map(|(path, _)| format!("{path} changed or removed"))
        .collect();
    changes.extend(
        after
            .keys()
            .filter(|p| !before.contains_key(*p))
            .map(|p| format!("{p} added")),
    );
    changes.join(", ")
}

/// Staging or old-output folders left beside the output.
fn leftovers(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("folio-staging") || n.contains("folio-old"))
        .map(|n| format!("left beside the output: {n}"))
        .collect()
}

/// What one run of `folio` did.
struct Ran {
    args: Vec<String>,
    /// `None` when the run was killed at `TIMEOUT`.
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn transcript(&self) -> String {
        format!(
            "    $ NO_COLOR=1 folio {}\n    exit code: {:?}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }
}

/// Run `folio` on `site` as `run` says, from the site's folder, without colours, with `env`
/// set, as `user` (or as this process).
fn folio(site: &Site, run: &Run, env: &[(&str, &str)], user: Option<&Nobody>) -> Ran {
    let root = site.root().to_str().expect("temp path is UTF-8");
    let mut busy = None;
    let args: Vec<String> = match run {
        Run::Build => vec![
            "build",
            "--root",
            root,
            "--output",
            &format!("{root}/public"),
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        Run::Check => vec!["check".into(), "--root".into(), root.into()],
        Run::Args(args) => args.iter().map(|a| a.replace("{root}", root)).collect(),
        Run::ServeOnBusyPort => {
            let listener = TcpListener::bind("127.0.0.1:0").expect("listen on a free port");
            let port = listener.local_addr().expect("a bound address").port();
            busy = Some(listener);
            ["serve", "--root", root, "--port", &port.to_string()]
                .map(String::from)
                .to_vec()
        }
    };
    let program = env!("CARGO_BIN_EXE_folio");
    let command = match user {
        Some(user) => user.command(program),
        None => std::process::Command::new(program),
    };
    let output = Command::from_std(command)
        .args(&args)
        .current_dir(site.root())
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .envs(env.iter().copied())
        .timeout(TIMEOUT)
        .output()
        .expect("run folio");
    drop(busy);
    Ran {
        args,
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
