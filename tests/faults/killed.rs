//! `folio build` killed with SIGKILL at many moments: the output folder is always either the
//! previous build or the new one, complete, and the next build cleans up after the dead one.
//! Killing one inside its swap needs `strace`: without a working one when the tests were
//! compiled (`folio_has_strace`), that test is ignored, and fails if run anyway.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::corpus;
use crate::support::{Site, Tree, assert_trees_equal, read_tree};

/// The article whose title the second build changes.
const EDITED: &str = "content/articles/gen-0007.md";
/// The article the second build adds.
const ADDED: &str = "content/articles/added-late.md";

/// Longer than any build of the test sites may take: only here to turn a hang into a failure.
const HANG: Duration = Duration::from_secs(120);

/// When a build is killed.
#[derive(Debug, Clone, Copy)]
enum KillAt {
    /// This long after it started.
    Elapsed(Duration),
    /// This long after its staging folder appeared, i.e. while it renders and writes.
    Writing(Duration),
    /// As soon as its staging folder is gone again: swapped in, the previous output being
    /// deleted.
    Swapped,
}

/// What happened to one build that was to be killed.
struct Attempt {
    /// It had finished on its own before the kill was due.
    finished: bool,
    /// Its staging folder existed when it was killed.
    writing: bool,
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// `folio build` of `site` into its `public/`, without waiting for it.
fn spawn_build(site: &Site) -> Child {
    Command::new(env!("CARGO_BIN_EXE_folio"))
        .arg("build")
        .arg("--root")
        .arg(site.root())
        .arg("--output")
        .arg(site.public())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start folio build")
}

fn staging_of(site: &Site, pid: u32) -> PathBuf {
    site.path(&format!(".public.folio-staging-{pid}"))
}

/// Starts a build and SIGKILLs it at `at`, unless it finishes first.
fn build_and_kill(site: &Site, at: KillAt) -> Attempt {
    let mut child = spawn_build(site);
    let staging = staging_of(site, child.id());
    let started = Instant::now();
    let mut staging_seen: Option<Instant> = None;
    loop {
        if child.try_wait().expect("poll the build").is_some() {
            return Attempt {
                finished: true,
                writing: false,
            };
        }
        if staging_seen.is_none() && staging.exists() {
            staging_seen = Some(Instant::now());
        }
        let due = match at {
            KillAt::Elapsed(after) => started.elapsed() >= after,
            KillAt::Writing(after) => staging_seen.is_some_and(|seen| seen.elapsed() >= after),
            KillAt::Swapped => staging_seen.is_some() && !staging.exists(),
        };
        if due {
            let writing = staging.exists();
            // Killing a process that has just exited is harmless: it is not reaped yet.
            child.kill().expect("SIGKILL the build");
            child.wait().expect("reap the build");
            return Attempt {
                finished: false,
                writing,
            };
        }
        assert!(started.elapsed() < HANG, "folio build hung");
        thread::sleep(ms(1));
    }
}

/// Site changes that the killed builds would publish.
fn change(site: &Site) {
    site.edit(EDITED, |text| {
        text.replacen("title: Generated article", "title: Renamed article", 1)
    });
    site.write(
        ADDED,
        &corpus::article("Added late", "2025-06-01", "One more article.", 3),
    );
}

/// The output is exactly `old` or exactly `new`; says which.
fn which_output(public: &Path, old: &Tree, new: &Tree) -> &'static str {
    match read_tree(public) {
        None => panic!("the output folder {} is gone", public.display()),
        Some(tree) if tree == *old => "old",
        Some(tree) if tree == *new => "new",
        Some(tree) => {
            // Neither: show how it differs from the previous output, then fail.
            assert_trees_equal(old, &tree);
            unreachable!("the trees differ")
        }
    }
}

/// Where builds are killed: as soon as they write, a little later, then at growing times
/// from the start until one finishes before its kill.
fn kill_points() -> Vec<KillAt> {
    let mut points = vec![
        KillAt::Writing(ms(0)),
        KillAt::Writing(ms(30)),
        KillAt::Writing(ms(150)),
        KillAt::Swapped,
    ];
    let mut after = 0;
    while after < 40_000 {
        points.push(KillAt::Elapsed(ms(after)));
        after = (after * 3 / 2).max(after + 20);
    }
    points
}

#[test]
fn a_killed_build_leaves_the_previous_output_exactly_as_it_was() {
    let site = corpus::site_with_articles(400, 12);
    let original = site.read(EDITED);
    let public = site.public();
    site.build().success();
    let old = read_tree(&public).expect("the first build wrote the output");
    change(&site);
    let next = site.build_into("expected-next", &[]);
    let new = next.success().tree();
    fs::remove_dir_all(&next.public).expect("remove the expected output");
    assert_ne!(old, new, "the change must show in the output");

    let mut killed_while_writing = 0;
    let mut log = Vec::new();
    for at in kill_points() {
        if read_tree(&public).as_ref() != Some(&old) {
            // The last build got its output in: put the previous one back first.
            site.write(EDITED, &original).remove(ADDED);
            site.build().success();
            change(&site);
        }
        let attempt = build_and_kill(&site, at);
        let output = which_output(&public, &old, &new);
        log.push(format!(
            "{at:?}: {} → {output} output",
            if attempt.finished {
                "finished"
            } else if attempt.writing {
                "killed while writing"
            } else {
                "killed"
            }
        ));
        if attempt.writing && output == "old" {
            killed_while_writing += 1;
        }
        if attempt.finished || matches!(at, KillAt::Swapped) {
            assert_eq!(output, "new", "a swapped-in output must stay: {at:?}");
        }
        if attempt.finished && matches!(at, KillAt::Elapsed(_)) {
            break;
        }
    }
    eprintln!("{}", log.join("\n"));
    assert!(
        killed_while_writing > 0,
        "no build was killed while writing pages:\n{}",
        log.join("\n")
    );
    assert!(
        log.last().is_some_and(|l| l.contains("finished")),
        "no build finished before its kill:\n{}",
        log.join("\n")
    );

    // The next build cleans up after the killed ones.
    let last = site.build();
    last.success().no_staging_leftovers();
    assert_trees_equal(&new, &last.tree());
}

/// Starts `folio build` under strace, which holds the build's first `rename` (moving the
/// previous output aside) for up to a minute and logs to `trace`.
fn build_held_at_first_rename(site: &Site, trace: &Path) -> Child {
    Command::new("strace")
        .args(["-f", "-qq", "-o"])
        .arg(trace)
        .args([
            "-e",
            "trace=rename,renameat,renameat2",
            "-e",
            "inject=rename,renameat,renameat2:delay_exit=60000000:when=1",
            env!("CARGO_BIN_EXE_folio"),
            "build",
            "--root",
        ])
        .arg(site.root())
        .arg("--output")
        .arg(site.public())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run strace (apt-get install strace): {e}"))
}

/// The children of process `pid`.
fn children_of(pid: u32) -> Vec<u32> {
    let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .flatten()
        .filter_map(|task| fs::read_to_string(task.path().join("children")).ok())
        .flat_map(|list| {
            list.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect::<Vec<u32>>()
        })
        .collect()
}

#[test]
#[cfg_attr(
    not(folio_has_strace),
    ignore = "needs strace (apt-get install strace), allowed to trace"
)]
fn a_build_killed_during_the_swap_leaves_an_output() {
    let site = Site::fixture("basic");
    let public = site.public();
    site.build().success();
    let old = read_tree(&public).expect("the first build wrote the output");
    site.edit("content/articles/timeouts.md", |t| {
        t.replace("Timeouts that hold", "Timeouts, revised")
    });
    let next = site.build_into("expected-next", &[]);
    let new = next.success().tree();
    fs::remove_dir_all(&next.public).expect("remove the expected output");
    let trace = site.path("strace.log");
    let mut strace = build_held_at_first_rename(&site, &trace);
    // Wait until the build sits in its first rename, then kill it there.
    let started = Instant::now();
    let folio = loop {
        let held = fs::read_to_string(&trace).is_ok_and(|t| t.contains("DELAYED"));
        if let (true, [folio]) = (held, children_of(strace.id()).as_slice()) {
            break *folio;
        }
        if let Ok(Some(status)) = strace.try_wait() {
            panic!(
                "strace could not hold the build ({status}):\n{}",
                fs::read_to_string(&trace).unwrap_or_default()
            );
        }
        assert!(started.elapsed() < HANG, "the build never reached its swap");
        thread::sleep(ms(5));
    };
    let killed = Command::new("kill")
        .args(["-KILL", &folio.to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success(), "could not kill folio ({folio})");
    // strace would otherwise sit out the rest of the delay.
    let _ = strace.kill();
    strace.wait().expect("reap strace");

    let beside: Vec<_> = fs::read_dir(site.root())
        .expect("list the site")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    eprintln!("after the kill, the site folder holds {beside:?}");
    which_output(&public, &old, &new);
    // The next build fails: it must leave that output as it is.
    site.write("content/articles/broken.md", "---\ntitle: Broken\n---\n");
    site.build().failure(1).output_untouched();
}
