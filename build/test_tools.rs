//! Which tools and rights the tests that need them will find, decided when the tests are
//! compiled: each one found becomes a `cfg` (`folio_has_chromium`, `folio_has_axe`,
//! `folio_has_strace`, `folio_can_mount`), and a test needing a missing one is compiled as
//! `#[ignore = "needs …"]`, so `cargo test` lists it as ignored instead of passing it
//! unrun. `cargo test -- --include-ignored` (CI) runs them all; there a missing tool fails.
//!
//! Cargo runs this script again when what it looked at changes: a tool found is watched as a
//! file, a tool missing through the folder it would be installed into (`/usr/bin`), so an
//! `apt-get install` is noticed. Running it again recompiles the crate, hence no watch on
//! the fast-changing `target/` or on environment variables the tests set.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where Debian's `chromium` and `chromium-driver` packages put them, unless
/// `FOLIO_CHROMIUM` or `FOLIO_CHROMEDRIVER` name others when the tests are compiled (say
/// `/nonexistent`, to see the browser tests ignored). The browser tests' harness gets the
/// paths looked at under the same names, at compile time.
const CHROMIUM: (&str, &str) = ("FOLIO_CHROMIUM", "/usr/bin/chromium");
const CHROMEDRIVER: (&str, &str) = ("FOLIO_CHROMEDRIVER", "/usr/bin/chromedriver");
/// Where `.ci/run` installs axe-core, under the crate root (or `FOLIO_AXE` names it).
const AXE: &str = "target/axe/node_modules/axe-core/axe.min.js";
/// Where a package manager installs a missing tool: watched while one is missing.
const INSTALL_DIR: &str = "/usr/bin";

/// Every `cfg` this script may set, for `rustc --check-cfg`.
const FLAGS: [&str; 4] = [
    "folio_has_chromium",
    "folio_has_axe",
    "folio_has_strace",
    "folio_can_mount",
];

/// Detect the tools and print the `cfg`s and the watches for Cargo.
pub fn detect(manifest: &Path) {
    for flag in FLAGS {
        println!("cargo::rustc-check-cfg=cfg({flag})");
    }
    // Set by hand (`RUSTFLAGS="--cfg folio_search_figures"`) for the search measurement.
    println!("cargo::rustc-check-cfg=cfg(folio_search_figures)");
    let mut missing = false;
    let chromium = [CHROMIUM, CHROMEDRIVER].map(|(name, default)| {
        println!("cargo::rerun-if-env-changed={name}");
        let path = env::var_os(name).map_or_else(|| PathBuf::from(default), PathBuf::from);
        println!("cargo::rustc-env={name}={}", path.display());
        path
    });
    missing |= !found(&chromium, "folio_has_chromium");
    println!("cargo::rerun-if-env-changed=FOLIO_AXE");
    let axe = env::var_os("FOLIO_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join(AXE));
    // No watch while missing: the path is under `target/`, and a missing watched path
    // would run this script (and recompile the crate) on every build.
    if axe.is_file() {
        println!("cargo::rerun-if-changed={}", axe.display());
        println!("cargo::rustc-cfg=folio_has_axe");
    }
    match on_path("strace").filter(|s| strace_works(s)) {
        Some(strace) => {
            println!("cargo::rerun-if-changed={}", strace.display());
            println!("cargo::rustc-cfg=folio_has_strace");
        }
        None => missing = true,
    }
    if can_mount() {
        println!("cargo::rustc-cfg=folio_can_mount");
    }
    if missing && Path::new(INSTALL_DIR).is_dir() {
        println!("cargo::rerun-if-changed={INSTALL_DIR}");
    }
}

/// Whether every one of `files` exists; if so sets `flag` and watches them.
fn found(files: &[PathBuf], flag: &str) -> bool {
    if !files.iter().all(|f| f.is_file()) {
        return false;
    }
    for f in files {
        println!("cargo::rerun-if-changed={}", f.display());
    }
    println!("cargo::rustc-cfg={flag}");
    true
}

/// The first `name` in a folder of `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Whether `strace` can trace here (a container may forbid `ptrace`).
fn strace_works(strace: &Path) -> bool {
    let Some(true_bin) = on_path("true") else {
        return false;
    };
    Command::new(strace)
        .args(["-f", "-qq", "-o", "/dev/null", "-e", "trace=execve"])
        .arg(true_bin)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether this process may mount a file system: root with `CAP_SYS_ADMIN` in its effective
/// set (a container's root usually lacks it).
fn can_mount() -> bool {
    const CAP_SYS_ADMIN: u32 = 21;
    let Ok(status) = fs::read_to_string("/proc/self/status") else {
        return false;
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .map(str::to_owned)
    };
    let root = field("Uid:").and_then(|ids| ids.split_whitespace().nth(1).map(|e| e == "0"));
    let caps = field("CapEff:").and_then(|hex| u64::from_str_radix(&hex, 16).ok());
    root == Some(true) && caps.is_some_and(|c| c & (1 << CAP_SYS_ADMIN) != 0)
}
