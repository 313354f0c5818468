//! The test harness: take a fixture site, change a file, run the real `folio` binary, then
//! assert on the exit code, the messages, or a page parsed as HTML. Each test gets its own
//! temporary copy of the site, so tests run in parallel and never touch `tests/fixtures/`.

#![allow(dead_code)] // each test binary uses a different part of the harness

pub mod nobody;
pub mod process;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use scraper::{ElementRef, Html, Selector};
use tempfile::TempDir;

use nobody::Nobody;

/// Longest a single `folio` run may take before the test fails as hung. Generous: the
/// full-disk fault test's debug build of 400 articles took 44 s alone and over 60 s beside
/// the other tests on a slow day's 2 cores, and a hang is still caught.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(180);

/// Every file under a folder: `/`-separated relative path → bytes.
pub type Tree = BTreeMap<String, Vec<u8>>;

/// A site in a fresh temporary folder, built from a fixture under `tests/fixtures/`.
pub struct Site {
    dir: TempDir,
}

impl Site {
    /// Copy `tests/fixtures/<name>` into a fresh temp folder. The real default theme is
    /// copied in as `themes/default` unless the fixture brings its own `themes/`.
    pub fn fixture(name: &str) -> Site {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let source = manifest.join("tests/fixtures").join(name);
        assert!(
            source.is_dir(),
            "no fixture `{name}` at {}",
            source.display()
        );
        let dir = tempfile::Builder::new()
            .prefix("folio-test-")
            .tempdir()
            .expect("create a temp folder");
        copy_dir(&source, dir.path());
        if !dir.path().join("themes").exists() {
            copy_dir(
                &manifest.join("themes/default"),
                &dir.path().join("themes/default"),
            );
        }
        Site { dir }
    }

    /// The site's root folder (holding config.toml, content/, themes/).
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the site.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Where `build` writes the site: `<root>/public`.
    pub fn public(&self) -> PathBuf {
        self.path("public")
    }

    /// Add or overwrite a file (parent folders are created).
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        self.write_bytes(rel, text.as_bytes())
    }

    /// Add or overwrite a file with exact bytes (for encodings, BOMs, line endings).
    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().expect("a file has a parent"))
            .expect("create parent folder");
        fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {rel}: {e}"));
        self
    }

    /// Change a file's text; panics when the edit changes nothing, so a stale pattern in a
    /// test cannot pass silently.
    pub fn edit(&self, rel: &str, change: impl FnOnce(&str) -> String) -> &Self {
        let before = self.read(rel);
        let after = change(&before);
        assert_ne!(before, after, "editing {rel} changed nothing");
        self.write(rel, &after)
    }

    /// Read a file of the site.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Delete a file or folder of the site.
    pub fn remove(&self, rel: &str) -> &Self {
        let path = self.path(rel);
        let result = if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        result.unwrap_or_else(|e| panic!("remove {rel}: {e}"));
        self
    }

    /// `folio build` into `<root>/public`.
    pub fn build(&self) -> Output {
        self.build_with(&[])
    }

    /// `folio build` into `<root>/public` with extra flags (`--drafts`, `--base-url URL`…).
    pub fn build_with(&self, flags: &[&str]) -> Output {
        self.build_into("public", flags)
    }

    /// `folio build` into `<root>/<output>` with extra flags.
    pub fn build_into(&self, output: &str, flags: &[&str]) -> Output {
        self.build_into_within(output, flags, DEFAULT_TIMEOUT)
    }

    /// `folio build` that must finish within `limit` (for inputs that could make it hang).
    pub fn build_within(&self, limit: Duration) -> Output {
        self.build_into_within("public", &[], limit)
    }

    /// `build_into`, run as `nobody` when the tests run as root (see `nobody`), for an
    /// output that permission bits must protect. The site is `nobody`'s from then on.
    pub fn build_into_unprivileged(&self, output: &str) -> Output {
        let nobody = Nobody::if_root();
        if let Some(nobody) = &nobody {
            nobody.own(self.root());
        }
        let (root, out_dir) = (self.root(), self.path(output));
        let args = [
            "build",
            "--root",
            root.to_str().expect("temp path is UTF-8"),
            "--output",
            out_dir.to_str().expect("temp path is UTF-8"),
        ];
        self.run_as(
            nobody.as_ref(),
            &args,
            out_dir.clone(),
            DEFAULT_TIMEOUT,
            &[],
        )
    }

    fn build_into_within(&self, output: &str, flags: &[&str], limit: Duration) -> Output {
        let out_dir = self.path(output);
        let root = self
            .root()
            .to_str()
            .expect("temp path is UTF-8")
            .to_string();
        let out_arg = out_dir.to_str().expect("temp path is UTF-8").to_string();
        let mut args = vec!["build", "--root", &root, "--output", &out_arg];
        args.extend_from_slice(flags);
        self.run_in(&args, out_dir, limit)
    }

    /// `folio related <slug>` for this site.
    pub fn related(&self, slug: &str) -> Output {
        let root = self
            .root()
            .to_str()
            .expect("temp path is UTF-8")
            .to_string();
        self.run(&["related", slug, "--root", &root])
    }

    /// Run `folio` with exactly these arguments, from the site's root folder.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_in(args, self.public(), DEFAULT_TIMEOUT)
    }

    /// `run` with these environment variables set, within `limit`.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Output {
        self.run_in_env(args, self.public(), limit, env)
    }

    fn run_in(&self, args: &[&str], public: PathBuf, limit: Duration) -> Output {
        self.run_in_env(args, public, limit, &[])
    }

    fn run_in_env(
        &self,
        args: &[&str],
        public: PathBuf,
        limit: Duration,
        env: &[(&str, &str)],
    ) -> Output {
        self.run_as(None, args, public, limit, env)
    }

    /// Run `folio` (as `user`, or as this process) from the site's folder.
    fn run_as(
        &self,
        user: Option<&Nobody>,
        args: &[&str],
        public: PathBuf,
        limit: Duration,
        env: &[(&str, &str)],
    ) -> Output {
        let before = read_tree(&public);
        let folio = env!("CARGO_BIN_EXE_folio");
        let command = match user {
            Some(user) => user.command(folio),
            None => std::process::Command::new(folio),
        };
        let output = Command::from_std(command)
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .env_remove("RUST_BACKTRACE")
            .envs(env.iter().copied())
            .timeout(limit)
            .output()
            .expect("run folio");
        Output {
            args: args.iter().map(|a| a.to_string()).collect(),
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            public,
            before,
        }
    }
}

/// What one run of `folio` did: exit code, messages, and the output folder.
pub struct Output {
    args: Vec<String>,
    /// `None` when the process was killed (e.g. by the timeout).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The output folder of this run.
    pub public: PathBuf,
    /// The output folder as it was before the run (`None` if it did not exist).
    before: Option<Tree>,
}

impl Output {
    fn describe(&self) -> String {
        format!(
            "folio {}\nexit code: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }

    /// Exit code 0, and no panic.
    pub fn success(&self) -> &Self {
        assert_eq!(self.code, Some(0), "expected success\n{}", self.describe());
        self.no_panic()
    }

    /// Exit code `code`, and no panic.
    pub fn failure(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}\n{}",
            self.describe()
        );
        self.no_panic()
    }

    fn no_panic(&self) -> &Self {
        assert!(
            !self.stderr.contains("panicked"),
            "folio panicked\n{}",
            self.describe()
        );
        self
    }

    pub fn stdout_contains(&self, text: &str) -> &Self {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}\n{}",
            self.describe()
        );
        self
    }

    pub fn stderr_contains(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}\n{}",
            self.describe()
        );
        self
    }

    pub fn stderr_lacks(&self, text: &str) -> &Self {
        assert!(
            !self.stderr.contains(text),
            "stderr has {text:?}\n{}",
            self.describe()
        );
        self
    }

    /// The diagnostic shows this source line (as miette draws it: `N │ text`).
    pub fn stderr_shows_line(&self, number: usize, text: &str) -> &Self {
        let shown = self.stderr.lines().any(|l| {
            l.split_once('│').is_some_and(|(n, rest)| {
                n.trim() == number.to_string() && rest.trim_end() == format!(" {text}").trim_end()
            })
        });
        assert!(
            shown,
            "stderr does not show line {number} `{text}`\n{}",
            self.describe()
        );
        self
    }

    /// A failed build (exit 1) whose report points at `file:line` and shows that line, and
    /// which left the output untouched.
    pub fn fails_pointing_at(&self, file: &str, line: usize, text: &str) -> &Self {
        self.failure(1)
            .stderr_contains(&format!("{file}:{line}:"))
            .stderr_shows_line(line, text)
            .output_untouched()
    }

    /// The output folder is exactly as it was before this run (or still absent), and no
    /// staging folder was left beside it.
    pub fn output_untouched(&self) -> &Self {
        let after = read_tree(&self.public);
        match (&self.before, &after) {
            (None, None) => {}
            (None, Some(_)) => panic!(
                "the failed run created {}\n{}",
                self.public.display(),
                self.describe()
            ),
            (Some(_), None) => panic!(
                "the failed run removed {}\n{}",
                self.public.display(),
                self.describe()
            ),
            (Some(b), Some(a)) => assert_trees_equal(b, a),
        }
        self.no_staging_leftovers()
    }

    /// Nothing named like a staging or old-output folder beside the output.
    pub fn no_staging_leftovers(&self) -> &Self {
        let parent = self.public.parent().expect("output has a parent");
        let leftovers: Vec<String> = fs::read_dir(parent)
            .expect("read output's parent")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("folio-staging") || n.contains("folio-old"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "left beside the output: {leftovers:?}"
        );
        self
    }

    /// Whether the output has this file.
    pub fn exists(&self, rel: &str) -> bool {
        self.public.join(rel).is_file()
    }

    /// Bytes of an output file.
    pub fn file(&self, rel: &str) -> Vec<u8> {
        fs::read(self.public.join(rel))
            .unwrap_or_else(|e| panic!("read output {rel}: {e}\n{}", self.describe()))
    }

    /// An output HTML file, parsed.
    pub fn page(&self, rel: &str) -> Page {
        let bytes = self.file(rel);
        let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("{rel} is not UTF-8"));
        Page {
            path: rel.to_string(),
            html: Html::parse_document(&text),
        }
    }

    /// Every file of the output.
    pub fn tree(&self) -> Tree {
        read_tree(&self.public).unwrap_or_else(|| panic!("no output at {}", self.public.display()))
    }

    /// Every `.html` file of the output, by relative path.
    pub fn html_files(&self) -> Vec<String> {
        self.tree()
            .into_keys()
            .filter(|p| p.ends_with(".html"))
            .collect()
    }

    /// Every local `href`/`src` (links, stylesheets, images) of every page that does not
    /// lead to a file of the output, as `page: target`. `base_path` is the path part of the
    /// site's base URL (`/` or e.g. `/sub/`).
    pub fn broken_links(&self, base_path: &str) -> Vec<String> {
        let mut broken = Vec::new();
        for rel in self.html_files() {
            let page = self.page(&rel);
            for href in page.local_links() {
                match resolve(&rel, &href, base_path) {
                    Some(target) if self.exists(&target) => {}
                    _ => broken.push(format!("{rel}: {href}")),
                }
            }
        }
        broken
    }

    /// Titles of a paginated list, following `rel="next"` links from `first` (an output
    /// path) to the last page. Returns the titles and the pages visited.
    pub fn titles_across_pages(
        &self,
        first: &str,
        title_selector: &str,
    ) -> (Vec<String>, Vec<String>) {
        self.titles_across_pages_under(first, title_selector, "/")
    }

    /// `titles_across_pages` for a site whose base URL has the path `base_path` (`/blog/`).
    pub fn titles_across_pages_under(
        &self,
        first: &str,
        title_selector: &str,
        base_path: &str,
    ) -> (Vec<String>, Vec<String>) {
        let mut titles = Vec::new();
        let mut visited = Vec::new();
        let mut current = Some(first.to_string());
        while let Some(rel) = current.take() {
            assert!(!visited.contains(&rel), "pagination loops back to {rel}");
            let page = self.page(&rel);
            titles.extend(page.all_text(title_selector));
            current = page.first_attr("a[rel=next]", "href").map(|href| {
                resolve(&rel, &href, base_path)
                    .unwrap_or_else(|| panic!("{rel}: next link {href} leads nowhere"))
            });
            visited.push(rel);
        }
        (titles, visited)
    }
}

/// An HTML page of the output, parsed.
pub struct Page {
    pub path: String,
    html: Html,
}

impl Page {
    /// The whole document as a node.
    pub fn root(&self) -> Node<'_> {
        Node(self.html.root_element())
    }

    /// Text of the first element matching `selector`, whitespace-normalised.
    pub fn text(&self, selector: &str) -> String {
        self.root().text(selector)
    }

    /// Texts of every element matching `selector`, whitespace-normalised.
    pub fn all_text(&self, selector: &str) -> Vec<String> {
        self.root().all_text(selector)
    }

    /// Attribute `name` of the first element matching `selector` (panics if none).
    pub fn attr(&self, selector: &str, name: &str) -> String {
        self.root().attr(selector, name)
    }

    /// Attribute `name` of the first element matching `selector`, if any.
    pub fn first_attr(&self, selector: &str, name: &str) -> Option<String> {
        self.root().first_attr(selector, name)
    }

    /// Attribute `name` of every element matching `selector` that has it.
    pub fn attrs(&self, selector: &str, name: &str) -> Vec<String> {
        self.root().attrs(selector, name)
    }

    pub fn count(&self, selector: &str) -> usize {
        self.root().count(selector)
    }

    pub fn nodes(&self, selector: &str) -> Vec<Node<'_>> {
        self.root().nodes(selector)
    }

    /// The `<section>` whose `<h2>` reads `heading`.
    pub fn section_titled(&self, heading: &str) -> Node<'_> {
        let sections = self.nodes("section");
        let found = sections
            .into_iter()
            .find(|s| s.all_text("h2").first().is_some_and(|h| h == heading));
        found.unwrap_or_else(|| panic!("{}: no <section> with <h2> {heading:?}", self.path))
    }

    /// `href` of every `<a>` on the page.
    pub fn links(&self) -> Vec<String> {
        self.attrs("a", "href")
    }

    /// Every `href`/`src` that points into the site (no scheme, not a bare `#anchor`).
    pub fn local_links(&self) -> Vec<String> {
        let mut out = self.attrs("a[href], link[href]", "href");
        out.extend(self.attrs("img[src], script[src]", "src"));
        out.retain(|h| {
            !h.is_empty() && !h.starts_with('#') && !h.starts_with("//") && !has_scheme(h)
        });
        out
    }
}

/// An element of a page, to look inside.
#[derive(Clone, Copy)]
pub struct Node<'a>(pub ElementRef<'a>);

impl<'a> Node<'a> {
    /// All text inside this element, whitespace-normalised.
    pub fn own_text(&self) -> String {
        normalise(&self.0.text().collect::<String>())
    }

    /// The text nodes inside elements matching `selector`, each trimmed (e.g. the lines of
    /// an `<address>` separated by `<br>`).
    pub fn text_pieces(&self, selector: &str) -> Vec<String> {
        self.matches(selector)
            .flat_map(|e| {
                e.text()
                    .map(normalise)
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    pub fn text(&self, selector: &str) -> String {
        self.matches(selector)
            .next()
            .map(|e| Node(e).own_text())
            .unwrap_or_else(|| panic!("no element matches {selector:?} in:\n{}", self.0.html()))
    }

    pub fn all_text(&self, selector: &str) -> Vec<String> {
        self.matches(selector).map(|e| Node(e).own_text()).collect()
    }

    pub fn attr(&self, selector: &str, name: &str) -> String {
        self.first_attr(selector, name).unwrap_or_else(|| {
            panic!(
                "no element matching {selector:?} with attribute {name:?} in:\n{}",
                self.0.html()
            )
        })
    }

    pub fn first_attr(&self, selector: &str, name: &str) -> Option<String> {
        self.matches(selector)
            .find_map(|e| e.value().attr(name))
            .map(str::to_string)
    }

    pub fn attrs(&self, selector: &str, name: &str) -> Vec<String> {
        self.matches(selector)
            .filter_map(|e| e.value().attr(name))
            .map(str::to_string)
            .collect()
    }

    pub fn count(&self, selector: &str) -> usize {
        self.matches(selector).count()
    }

    pub fn nodes(&self, selector: &str) -> Vec<Node<'a>> {
        self.matches(selector).map(Node).collect()
    }

    /// `href` of the first link whose text is exactly `text`.
    pub fn link_to(&self, text: &str) -> Option<String> {
        self.matches("a[href]")
            .find(|a| Node(*a).own_text() == text)
            .and_then(|a| a.value().attr("href"))
            .map(str::to_string)
    }

    fn matches(&self, selector: &str) -> impl Iterator<Item = ElementRef<'a>> + use<'a> {
        let parsed = Selector::parse(selector)
            .unwrap_or_else(|e| panic!("bad selector {selector:?}: {e:?}"));
        self.0.select(&parsed).collect::<Vec<_>>().into_iter()
    }
}

/// Collapse runs of whitespace to one space and trim.
pub fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn has_scheme(href: &str) -> bool {
    href.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// The output file a local link on page `from` (an output path) leads to: absolute links
/// must start with `base_path`; folders mean their `index.html`. `None` when it leaves the site.
pub fn resolve(from: &str, href: &str, base_path: &str) -> Option<String> {
    let href = href.split(['#', '?']).next().unwrap_or("");
    let joined = match href.strip_prefix('/') {
        Some(_) => href.strip_prefix(base_path)?.to_string(),
        None => {
            let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
            if href.is_empty() {
                from.to_string()
            } else {
                format!("{dir}/{href}")
            }
        }
    };
    let mut parts: Vec<&str> = Vec::new();
    for c in Path::new(&joined).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_str()?),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    let mut target = parts.join("/");
    if joined.is_empty() || joined.ends_with('/') {
        target = if target.is_empty() {
            "index.html".into()
        } else {
            format!("{target}/index.html")
        };
    }
    Some(target)
}

/// Every file under `dir` (`None` when `dir` does not exist).
pub fn read_tree(dir: &Path) -> Option<Tree> {
    if !dir.exists() {
        return None;
    }
    let mut tree = Tree::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("read {}: {e}", d.display()))
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .expect("inside dir")
                    .to_string_lossy()
                    .replace('\\', "/");
                tree.insert(
                    rel,
                    fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display())),
                );
            }
        }
    }
    Some(tree)
}

/// Same file list and same bytes in every file, with a readable message when not.
pub fn assert_trees_equal(expected: &Tree, actual: &Tree) {
    let mut problems = String::new();
    for path in expected.keys().filter(|p| !actual.contains_key(*p)) {
        writeln!(problems, "missing: {path}").unwrap();
    }
    for path in actual.keys().filter(|p| !expected.contains_key(*p)) {
        writeln!(problems, "extra: {path}").unwrap();
    }
    for (path, bytes) in expected {
        if actual.get(path).is_some_and(|b| b != bytes) {
            writeln!(problems, "differs: {path}").unwrap();
        }
    }
    assert!(problems.is_empty(), "output trees differ:\n{problems}");
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for entry in fs::read_dir(from)
        .unwrap_or_else(|e| panic!("read {}: {e}", from.display()))
        .flatten()
    {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}
