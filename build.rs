//! Embeds the default theme (`themes/default/`) in the binary, so a site of only
//! `config.toml` and `content/` builds. Writes `$OUT_DIR/default_theme.rs`: every file of the
//! theme, sorted by path, as `include_str!` (templates) or `include_bytes!` (static files).
//!
//! A build script rather than a crate (`include_dir`, `rust-embed`): no dependency, and the
//! `rerun-if-changed` on the folder makes Cargo rebuild when any file in it is added, edited or
//! removed, so a binary never carries a stale theme.
//!
//! It also finds the tools some tests need (`build/test_tools.rs`).

use std::path::{Path, PathBuf};
use std::{env, fs, io};

#[path = "src/content/ignored.rs"]
mod ignored;
#[path = "build/test_tools.rs"]
mod test_tools;

use ignored::is_ignored_name;

const THEME: &str = "themes/default";

fn main() -> io::Result<()> {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-changed={THEME}");
    println!("cargo:rerun-if-changed=src");
    fingerprint_sources()?;
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    test_tools::detect(&manifest);
    let theme = manifest.join(THEME);
    let mut files = Vec::new();
    list_files(&theme, &theme, &mut files)?;
    files.sort();
    let mut templates = String::new();
    let mut statics = String::new();
    let mut others = String::new();
    for rel in &files {
        // `concat!(env!(...))` keeps the machine's path out of the generated source.
        let entry = |key: &str, mac: &str| {
            format!(
                "    ({key:?}, {mac}!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{THEME}/\", {rel:?}))),\n"
            )
        };
        if let Some(name) = rel.strip_prefix("templates/") {
            templates.push_str(&entry(name, "include_str"));
        } else if rel.starts_with("static/") {
            statics.push_str(&entry(rel, "include_bytes"));
        } else {
            others.push_str(&entry(rel, "include_bytes"));
        }
    }
    let code = format!(
        "/// Templates of the built-in theme: name (path under `templates/`) and text.\n\
         pub static TEMPLATES: &[(&str, &str)] = &[\n{templates}];\n\n\
         /// Static files of the built-in theme: path under the theme folder (`static/...`) and bytes.\n\
         pub static STATIC: &[(&str, &[u8])] = &[\n{statics}];\n\n\
         /// Other files of the built-in theme (its fonts): path under the theme folder and bytes.\n\
         pub static OTHER: &[(&str, &[u8])] = &[\n{others}];\n"
    );
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default()).join("default_theme.rs");
    fs::write(out, code)
}

/// A digest of every file under `src/` as `FOLIO_SOURCE_FINGERPRINT`: part of the keys of
/// the disk cache (`disk_cache::crate_versions`), so a binary built from other code (a
/// developer's build between two releases) never reuses what another one made.
fn fingerprint_sources() -> io::Result<()> {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let src = manifest.join("src");
    let mut files = Vec::new();
    list_files(&src, &src, &mut files)?;
    files.sort();
    // `DefaultHasher::new()` has fixed keys: the same sources give the same digest.
    let mut hasher = DefaultHasher::new();
    for rel in &files {
        rel.hash(&mut hasher);
        fs::read(src.join(rel))?.hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=FOLIO_SOURCE_FINGERPRINT={:016x}",
        hasher.finish()
    );
    Ok(())
}

/// Every file under `dir` as a `/`-separated path relative to `base`, skipping the files
/// editors leave behind (`content::is_ignored_name`, the same function).
fn list_files(base: &Path, dir: &Path, out: &mut Vec<String>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_ignored_name(&name) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            list_files(base, &path, out)?;
        } else {
            let rel = path.strip_prefix(base).unwrap_or(&path);
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
    Ok(())
}
