//! The deploy guide's GitHub Pages workflow works: its `folio` steps run as written (same
//! shell, same arguments) on a copy of the example site, and the folder it uploads is the
//! one `folio build` writes. The guide shows the workflow file verbatim.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{Html, Selector};

const WORKFLOW: &str = "docs/examples/deploy-github-pages.yml";
/// What `steps.pages.outputs.base_url` is for a project site: no trailing slash.
const PAGES_BASE_URL: &str = "https://example-org.github.io/notes";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn workflow() -> String {
    fs::read_to_string(repo().join(WORKFLOW)).expect("the example workflow")
}

/// Every `run:` command of a workflow, one-line or block (`run: |`).
fn run_commands(yaml: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut lines = yaml.lines().peekable();
    while let Some(line) = lines.next() {
        let key = line.trim_start();
        let Some(rest) = key.strip_prefix("- ").unwrap_or(key).strip_prefix("run:") else {
            continue;
        };
        let rest = rest.trim();
        if rest != "|" {
            commands.push(rest.to_string());
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let mut block = Vec::new();
        while let Some(next) =
            lines.next_if(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > indent)
        {
            block.push(next.trim());
        }
        commands.push(block.join("\n").trim().to_string());
    }
    commands
}

/// The value of `key:` in the lines after the first line that mentions `action`.
fn action_input(yaml: &str, action: &str, key: &str) -> Option<String> {
    let start = yaml.find(action)?;
    yaml[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with("- "))
        .find_map(|l| l.trim().strip_prefix(&format!("{key}:")))
        .map(|v| v.trim().to_string())
}

/// A copy of the repository's example site (config, content, theme) in a temp folder.
fn example_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp folder");
    fs::copy(repo().join("config.toml"), dir.path().join("config.toml")).unwrap();
    for folder in ["content", "themes", "static", "templates"] {
        let from = repo().join(folder);
        if from.is_dir() {
            copy_dir(&from, &dir.path().join(folder));
        }
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A shell `PATH` that finds the `folio` under test first.
fn path_with_folio() -> String {
    let bin: PathBuf = PathBuf::from(env!("CARGO_BIN_EXE_folio"));
    let dir = bin.parent().expect("the binary's folder").to_path_buf();
    let mut paths = vec![dir];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths)
        .expect("a PATH")
        .into_string()
        .expect("a UTF-8 PATH")
}

#[test]
fn the_github_pages_workflow_checks_and_builds_the_example_site() {
    let yaml = workflow();
    let folio_steps: Vec<String> = run_commands(&yaml)
        .into_iter()
        .filter(|c| c.starts_with("folio "))
        .collect();
    assert!(
        folio_steps.iter().any(|c| c.starts_with("folio check")),
        "the workflow checks the site: {folio_steps:?}"
    );
    assert!(
        folio_steps.iter().any(|c| c.starts_with("folio build")),
        "the workflow builds the site: {folio_steps:?}"
    );

    let site = example_site();
    for step in &folio_steps {
        let command = step.replace("${{ steps.pages.outputs.base_url }}", PAGES_BASE_URL);
        assert!(
            !command.contains("${{"),
            "a step uses an expression this test does not know: {step}"
        );
        // GitHub runs `run:` steps with `bash -e`.
        let out = Command::new("bash")
            .args(["-e", "-c", &command])
            .current_dir(site.path())
            .env("PATH", path_with_folio())
            .env("NO_COLOR", "1")
            .output()
            .expect("run bash");
        assert!(
            out.status.success(),
            "workflow step failed: {command}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let uploaded = action_input(&yaml, "actions/upload-pages-artifact", "path")
        .expect("the workflow uploads a folder");
    let index = site.path().join(&uploaded).join("index.html");
    let html = Html::parse_document(&fs::read_to_string(&index).expect("index.html is built"));
    let attr = |selector: &str, name: &str| {
        let s = Selector::parse(selector).unwrap();
        html.select(&s)
            .next()
            .and_then(|e| e.value().attr(name))
            .unwrap_or_else(|| panic!("no {selector}[{name}] in {}", index.display()))
            .to_string()
    };
    // Built for the project site's address, not config.toml's.
    assert_eq!(
        attr("link[rel=canonical]", "href"),
        format!("{PAGES_BASE_URL}/")
    );
    assert!(
        attr("link[rel=stylesheet]", "href").starts_with("/notes/css/style.css?h="),
        "stylesheet under the project path"
    );
}

#[test]
fn the_deploy_guide_shows_the_workflow_file_verbatim() {
    let guide = fs::read_to_string(repo().join("docs/deploy.md")).expect("docs/deploy.md");
    let shown = guide
        .split("```yaml\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .find(|block| block.contains("actions/deploy-pages"))
        .expect("docs/deploy.md shows the workflow in a ```yaml block");
    assert_eq!(
        shown,
        workflow(),
        "docs/deploy.md and {WORKFLOW} differ: update one from the other"
    );
    assert!(guide.contains("(examples/deploy-github-pages.yml)"));
}

/// folio has no public package: the workflow builds it from the source the site's repository
/// carries as a submodule, with the README's own install command.
#[test]
fn the_workflow_installs_folio_from_the_checked_out_source() {
    let yaml = workflow();
    let installs: Vec<String> = run_commands(&yaml)
        .into_iter()
        .filter(|c| c.contains("cargo install"))
        .collect();
    assert_eq!(installs, ["cargo install --locked --path folio"]);
    assert_eq!(
        action_input(&yaml, "actions/checkout", "submodules").as_deref(),
        Some("true"),
        "the checkout must bring folio's source (the `folio` submodule)"
    );
    let readme = fs::read_to_string(repo().join("README.md")).expect("README.md");
    assert!(readme.contains("cargo install --locked --path ."));
    let guide = fs::read_to_string(repo().join("docs/deploy.md")).expect("docs/deploy.md");
    for text in [&yaml, &readme, &guide] {
        assert!(!text.contains("YOUR-ORG"), "a made-up address is left");
    }
}

#[test]
fn run_commands_reads_one_line_and_block_steps() {
    let yaml = "steps:\n  - run: echo one\n  - name: two\n    run: |\n      echo two\n      echo three\n  - uses: x\n";
    assert_eq!(run_commands(yaml), ["echo one", "echo two\necho three"]);
}
