//! The site every row of docs/errors.md breaks, and each row's breakage, by id. The line
//! numbers in the catalogue count lines of `CONFIG` and `ALPHA` below.

use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

pub const CONFIG: &str = r#"title = "Table Site"
base_url = "https://example.com/"

[authors.ana]
name = "Ana Pereira"
role = "Principal Engineer"

[authors.ben]
name = "Ben Okafor"
role = "Staff Engineer"
"#;

pub const ALPHA: &str = "---
title: Alpha article
author: ana
date: 2025-03-14
summary: The first article.
tags: [reliability]
---

Alpha body.

## Setup

More text.
";

pub const BETA: &str = "---
title: Beta article
author: ben
date: 2025-02-01
summary: The second article.
tags: [reliability]
---

Beta body.
";

/// A small valid site in a fresh temporary folder, with the repository's default theme.
pub struct Site {
    dir: TempDir,
}

impl Site {
    pub fn new() -> Site {
        let dir = tempfile::Builder::new()
            .prefix("folio-error-table-")
            .tempdir()
            .expect("create a temp folder");
        let site = Site { dir };
        site.write(C, CONFIG);
        site.write(A, ALPHA);
        site.write(B, BETA);
        let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        copy_dir(&theme, &site.path("themes/default"));
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Add or overwrite a file (parent folders are created).
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().expect("a file has a parent")).expect("create folder");
        fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {rel}: {e}"));
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Replace the first `from` in a file; panics when it is not there, so a fixture that no
    /// longer matches the site cannot pass silently.
    pub fn replace(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no {from:?}");
        self.write(rel, text.replacen(from, to, 1));
    }

    pub fn append(&self, rel: &str, text: &str) {
        self.write(rel, self.read(rel) + text);
    }

    pub fn remove(&self, rel: &str) {
        let path = self.path(rel);
        let result = match path.is_dir() {
            true => fs::remove_dir_all(&path),
            false => fs::remove_file(&path),
        };
        result.unwrap_or_else(|e| panic!("remove {rel}: {e}"));
    }

    pub fn rename(&self, from: &str, to: &str) {
        fs::rename(self.path(from), self.path(to)).unwrap_or_else(|e| panic!("rename {from}: {e}"));
    }

    /// A symbolic link at `rel` to `target`.
    pub fn symlink(&self, target: &str, rel: &str) {
        std::os::unix::fs::symlink(target, self.path(rel))
            .unwrap_or_else(|e| panic!("symlink {rel}: {e}"));
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for entry in fs::read_dir(from).expect("read the theme").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy a theme file");
        }
    }
}

/// How a row runs folio after breaking the site.
pub enum Run {
    /// `folio build --root DIR --output DIR/public`
    Build,
    /// `folio check --root DIR`
    Check,
    /// These arguments, with `{root}` standing for the site folder.
    Args(&'static [&'static str]),
    /// `folio serve --root DIR --port N` while the test itself listens on port N.
    ServeOnBusyPort,
}

/// One change to the valid site.
pub enum Edit {
    Write(&'static str, &'static str),
    Replace(&'static str, &'static str, &'static str),
    /// Front-matter lines after `tags:` (line 7).
    AddKey(&'static str, &'static str),
    Append(&'static str, &'static str),
    /// A config.toml line after `title` (line 2).
    Setting(&'static str),
    Remove(&'static str),
    /// `templates/404.html` extending the theme's base, with this on line 3.
    Page404(&'static str),
    /// Mode 000: unreadable, except to a privileged process (root).
    Unreadable(&'static str),
    /// Anything else.
    With(fn(&Site)),
}

use Edit::*;

impl Edit {
    fn apply(&self, s: &Site) {
        match *self {
            Write(rel, text) => s.write(rel, text),
            Replace(rel, from, to) => s.replace(rel, from, to),
            AddKey(rel, lines) => s.replace(rel, TAGS, &format!("{TAGS}{lines}\n")),
            Append(rel, text) => s.append(rel, text),
            Setting(line) => s.replace(C, TITLE, &format!("{TITLE}{line}\n")),
            Remove(rel) => s.remove(rel),
            Page404(body) => s.write(
                "templates/404.html",
                format!("{EXTENDS}{{% block content %}}\n{body}\n{{% endblock content %}}\n"),
            ),
            Unreadable(rel) => set_mode(&s.path(rel), 0o000),
            With(f) => f(s),
        }
    }
}

const TAGS: &str = "tags: [reliability]\n";
const TITLE: &str = "title = \"Table Site\"\n";
const EXTENDS: &str = "{% extends \"base.html\" %}\n";

/// One row's breakage: what it does to the valid site, and how folio is run then.
pub struct Fixture {
    pub id: &'static str,
    pub edits: &'static [Edit],
    pub run: Run,
}

impl Fixture {
    pub fn apply(&self, site: &Site) {
        self.edits.iter().for_each(|e| e.apply(site));
    }

    /// Whether the row means anything only to a process that cannot read a mode-000 file.
    pub fn needs_unprivileged(&self) -> bool {
        self.edits.iter().any(|e| matches!(e, Unreadable(_)))
    }
}

/// Every breakage.
pub fn all() -> Vec<Fixture> {
    let fixture = |(id, edits, run)| Fixture { id, edits, run };
    let built = BUILD.iter().map(|&(id, edits)| (id, edits, Run::Build));
    let commands = COMMANDS
        .iter()
        .map(|&(id, args)| (id, &[][..], Run::Args(args)));
    let busy = [("cli-port-in-use", &[][..], Run::ServeOnBusyPort)];
    let checked = CHECK.iter().map(|&(id, edits)| (id, edits, Run::Check));
    built
        .chain(commands)
        .chain(busy)
        .chain(checked)
        .map(fixture)
        .collect()
}

const A: &str = "content/articles/alpha.md";
const B: &str = "content/articles/beta.md";
const C: &str = "config.toml";
const CODE: Edit = Append(A, "\n```rust\nfn main() {}\n```\n");
const BAD_LIGHT: Edit = Append(C, "\n[markdown.highlight]\nlight = \"Nope Theme\"\n");

/// Rows run with `folio build`.
#[rustfmt::skip]
const BUILD: &[(&str, &[Edit])] = &[
    // Front matter
    ("fm-missing", &[Write(A, "Just text, no front matter.\n")]),
    ("fm-unclosed", &[Write(A, "---\ntitle: Never closed\nauthor: ana\n\nBody.\n")]),
    ("fm-empty", &[Write(A, "---\n---\n\nBody.\n")]),
    ("fm-invalid-yaml", &[Replace(A, "summary: The first article.", "summary: a: b")]),
    ("fm-tab-indent", &[Replace(A, "title:", "\ttitle:")]),
    ("fm-tab-in-list", &[Replace(A, "tags: [reliability]", "tags:\n  \t- reliability")]),
    ("fm-not-a-mapping", &[Write(A, "---\nhello\n---\n\nBody.\n")]),
    ("fm-duplicate-key", &[AddKey(A, "summary: again")]),
    ("fm-title-type", &[Replace(A, "title: Alpha article", "title: [1, 2]")]),
    ("fm-author-type", &[Replace(A, "author: ana", "author: [ana]")]),
    ("fm-date-type", &[Replace(A, "date: 2025-03-14", "date: [2025]")]),
    ("fm-summary-type", &[Replace(A, "summary: The first article.", "summary: {a: 1}")]),
    ("fm-tags-type", &[Replace(A, "tags: [reliability]", "tags: 5")]),
    ("fm-related-type", &[AddKey(A, "related: 5")]),
    ("fm-slug-type", &[AddKey(A, "slug: [a]")]),
    ("fm-draft-type", &[AddKey(A, "draft: maybe")]),
    ("fm-updated-type", &[AddKey(A, "updated: [1]")]),
    ("fm-extra-type", &[AddKey(A, "extra: 5")]),
    ("fm-extra-key-type", &[AddKey(A, "extra:\n  [a, b]: c")]),
    ("fm-too-deep", &[With(nest_2000_deep)]),
    ("fm-unknown-key", &[Replace(A, "summary:", "sumary:")]),
    ("fm-unknown-key-far", &[AddKey(A, "colour: red")]),
    ("fm-missing-title", &[Replace(A, "title: Alpha article\n", "")]),
    ("fm-missing-author", &[Replace(A, "author: ana\n", "")]),
    ("fm-missing-date", &[Replace(A, "date: 2025-03-14\n", "")]),
    ("fm-missing-summary", &[Replace(A, "summary: The first article.\n", "")]),
    ("fm-bad-date", &[Replace(A, "2025-03-14", "14/03/2025")]),
    ("fm-impossible-date", &[Replace(A, "2025-03-14", "2025-02-30")]),
    ("fm-impossible-month", &[Replace(A, "2025-03-14", "2025-13-01")]),
    ("fm-date-no-offset", &[Replace(A, "2025-03-14", "2025-03-14T09:30:00")]),
    ("fm-date-out-of-range", &[Replace(A, "2025-03-14", "9999-12-31")]),
    ("fm-bad-updated", &[AddKey(A, "updated: 2025-04-31")]),
    ("fm-empty-title", &[Replace(A, "title: Alpha article", "title: \"\"")]),
    ("fm-empty-author", &[Replace(A, "author: ana", "author:")]),
    ("fm-multiline-summary", &[Replace(A, "The first article.", "|\n  Line one.\n  Line two.")]),
    ("fm-bad-slug", &[AddKey(A, "slug: Alpha Article")]),
    ("fm-empty-slug", &[AddKey(A, "slug: \"\"")]),
    ("fm-related-self", &[AddKey(A, "related:\n  - alpha")]),
    ("fm-related-unknown", &[AddKey(A, "related:\n  - betta")]),
    ("fm-related-unknown-far", &[AddKey(A, "related:\n  - no-such-article")]),
    ("fm-related-no-url", &[AddKey(A, "related:\n  - title: Docs")]),
    (
        "fm-related-unknown-field",
        &[AddKey(A, "related:\n  - title: Docs\n    url: https://example.org/\n    colour: red")],
    ),
    ("fm-related-number", &[AddKey(A, "related:\n  - 5")]),
    ("fm-related-list", &[AddKey(A, "related:\n  - [Some title, https://example.org/]")]),
    ("fm-related-draft", &[AddKey(B, "draft: true"), AddKey(A, "related:\n  - beta")]),
    (
        "fm-related-future",
        &[Replace(B, "2025-02-01", "2999-01-01"), AddKey(A, "related:\n  - beta")],
    ),
    ("fm-unknown-author", &[Replace(A, "author: ana", "author: anna")]),
    ("fm-unknown-author-far", &[Replace(A, "author: ana", "author: Ana Pereira")]),
    // Markdown
    ("md-link-missing-article", &[Append(A, "\nSee [gamma](gamma.md).\n")]),
    ("md-link-above-root", &[Append(A, "\nSee [x](../../../../x.md).\n")]),
    ("md-link-to-draft", &[AddKey(B, "draft: true"), Append(A, "\nSee [b](beta.md).\n")]),
    ("md-link-missing-heading", &[Append(A, "\nSee [setup](beta.md#setup).\n")]),
    ("md-link-long-line", &[With(long_paragraph_with_broken_link)]),
    ("md-missing-image", &[Append(A, "\n![Plan](plan.svg)\n")]),
    ("md-hl-lines-reversed", &[Append(A, "\n```rust hl_lines=4-2\nfn main() {}\n```\n")]),
    ("md-hl-lines-zero", &[Append(A, "\n```rust hl_lines=0\nfn main() {}\n```\n")]),
    ("md-hl-lines-word", &[Append(A, "\n```rust hl_lines=x\nfn main() {}\n```\n")]),
    ("md-hl-lines-empty", &[Append(A, "\n```rust hl_lines=\nfn main() {}\n```\n")]),
    ("md-hl-lines-huge", &[Append(A, "\n```rust hl_lines=200000\nfn main() {}\n```\n")]),
    ("md-unknown-language", &[Append(A, "\n```klingon\nqapla'\n```\n")]),
    ("md-unknown-code-option", &[Append(A, "\n```rust sparkle\nfn main() {}\n```\n")]),
    // Config
    ("cfg-missing", &[Remove(C)]),
    ("cfg-invalid-toml", &[Replace(C, "\"Table Site\"", "\"Table Site")]),
    ("cfg-duplicate-key", &[Setting("title = \"Again\"")]),
    ("cfg-unknown-key", &[Setting("descripton = \"x\"")]),
    ("cfg-unknown-key-far", &[Setting("colour = \"x\"")]),
    ("cfg-unknown-nested-key", &[Append(C, "\n[markdown]\nsmart_punctation = false\n")]),
    ("cfg-missing-title", &[Replace(C, TITLE, "")]),
    ("cfg-missing-base-url", &[Replace(C, "base_url = \"https://example.com/\"\n", "")]),
    ("cfg-title-type", &[Replace(C, "title = \"Table Site\"", "title = 5")]),
    ("cfg-paginate-type", &[Setting("paginate = \"ten\"")]),
    ("cfg-paginate-zero", &[Setting("paginate = 0")]),
    ("cfg-paginate-negative", &[Setting("paginate = -1")]),
    ("cfg-more-articles-type", &[Append(C, "\n[more_articles]\ncount = \"four\"\n")]),
    ("cfg-relative-base-url", &[Replace(C, "https://example.com/", "/blog/")]),
    ("cfg-base-url-no-scheme", &[Replace(C, "https://example.com/", "example.com")]),
    (
        "cfg-author-id-format",
        &[Append(C, "\n[authors.\"Ana P\"]\nname = \"Ana P\"\nrole = \"Editor\"\n")],
    ),
    ("cfg-author-missing-role", &[Append(C, "\n[authors.cid]\nname = \"C\"\n")]),
    ("cfg-cta-incomplete", &[Append(C, "\n[cta]\nheading = \"H\"\n")]),
    ("cfg-highlight-theme", &[BAD_LIGHT, CODE]),
    (
        "cfg-highlight-dark-theme",
        &[Append(C, "\n[markdown.highlight]\ndark = \"Nope Theme\"\n"), CODE],
    ),
    ("cfg-highlight-theme-no-code", &[BAD_LIGHT]),
    ("cfg-brand-accent", &[Append(C, "\n[brand]\naccent = \"teal\"\n")]),
    ("cfg-brand-accent-contrast", &[Append(C, "\n[brand]\naccent = \"#f0a500\"\n")]),
    ("cfg-brand-font", &[Append(C, "\n[brand]\nfont = \"x; } body { display: none\"\n")]),
    ("cfg-brand-logo-type", &[Append(C, "\n[brand]\nlogo = \"logo.gif\"\n")]),
    ("cfg-brand-logo-missing", &[Append(C, "\n[brand]\nlogo = \"static/logo.svg\"\n")]),
    ("cfg-author-photo-missing", &[Append(C, "photo = \"static/ben.jpg\"\n")]),
    ("cfg-author-photo-outside", &[Append(C, "photo = \"../ben.jpg\"\n")]),
    ("cfg-author-link-url", &[Append(C, "\n[authors.ben.links]\ngithub = \"github.com/ben\"\n")]),
    (
        "cfg-author-link-unknown",
        &[Append(C, "\n[authors.ben.links]\ntwitter = \"https://x.com/ben\"\n")],
    ),
    ("cfg-empty-theme", &[Setting("theme = \"\"")]),
    // Themes and templates
    ("tpl-missing-theme", &[Setting("theme = \"nope\"")]),
    ("tpl-no-themes-folder", &[Remove("themes"), Setting("theme = \"nope\"")]),
    ("tpl-missing-template", &[Remove("themes/default/templates/tag.html")]),
    ("tpl-syntax-error", &[Page404("{% if %}")]),
    ("tpl-unclosed-for", &[Page404("{% for x in [1, 2] %}{{ x }}")]),
    (
        "tpl-unclosed-if",
        &[Write("templates/partials/card.html", "<article>\n{% if a.title %}\n<h2>{{ a.title }}</h2>\n")],
    ),
    (
        "tpl-theme-syntax-error",
        &[Write("themes/default/templates/partials/card.html", "{{ oops\n")],
    ),
    ("tpl-undefined-variable", &[Page404("<p>{{ nothing_here }}</p>")]),
    (
        "tpl-undefined-field",
        &[Write("templates/article.html", concat!(
            "{% extends \"base.html\" %}\n{% block content %}\n",
            "{{ page.nope }}\n{% endblock content %}\n",
        ))],
    ),
    ("tpl-not-iterable", &[Page404("{% for x in 5 %}{{ x }}{% endfor %}")]),
    ("tpl-unknown-filter", &[Page404("{{ page.title | nopefilter }}")]),
    ("tpl-include-missing", &[Page404("{% include \"partials/nothing.html\" %}")]),
    ("tpl-extends-missing", &[Write("templates/404.html", "{% extends \"nothing.html\" %}\n")]),
    ("tpl-circular-extends", &[Write("templates/404.html", "{% extends \"404.html\" %}\n")]),
    (
        "tpl-circular-include",
        &[
            Write("templates/partials/a.html", "{% include \"partials/b.html\" %}\n"),
            Write("templates/partials/b.html", "{% include \"partials/a.html\" %}\n"),
            Page404("{% include \"partials/a.html\" %}"),
        ],
    ),
    ("tpl-not-utf8", &[With(|s| { s.write("templates/404.html", b"\xff\xfe{{ x }}\n") })]),
    // The content folder
    ("tree-no-content", &[Remove("content")]),
    ("tree-content-is-file", &[Remove("content"), Write("content", "not a folder\n")]),
    ("tree-empty-file", &[Write(A, "")]),
    ("tree-blank-file", &[Write(A, "\n\n  \n")]),
    ("tree-not-utf8", &[With(invalid_byte_in_title)]),
    ("tree-duplicate-slug", &[AddKey(A, "slug: beta")]),
    ("tree-duplicate-folder-slug", &[Write("content/articles/beta/index.md", BETA)]),
    ("tree-bad-file-name", &[With(|s| s.rename(A, "content/articles/Alpha Article.md"))]),
    ("tree-symlink-loop", &[With(|s| s.symlink("..", "content/articles/loop"))]),
    (
        "tree-dangling-symlink",
        &[With(|s| s.symlink("nowhere.md", "content/articles/dangling.md"))],
    ),
    ("tree-unreadable-file", &[Unreadable(A)]),
];

/// Rows that run folio with these arguments on the valid site (`{root}`: its folder).
#[rustfmt::skip]
const COMMANDS: &[(&str, &[&str])] = &[
    ("cli-unknown-flag", &["build", "--nope"]),
    ("cli-missing-argument", &["related"]),
    ("cli-unknown-subcommand", &["publish"]),
    ("cli-no-subcommand", &[]),
    ("cli-bad-port", &["serve", "--root", "{root}", "--port", "99999"]),
    ("cli-port-not-number", &["serve", "--root", "{root}", "--port", "abc"]),
    ("cli-bad-bind", &["serve", "--root", "{root}", "--bind", "localhost"]),
    ("cli-relative-base-url", &["build", "--root", "{root}", "--base-url", "/sub/"]),
    ("cli-check-relative-base-url", &["check", "--root", "{root}", "--base-url", "example.com"]),
    ("cli-timeout-without-external", &["check", "--root", "{root}", "--timeout", "5"]),
    ("cli-root-missing", &["build", "--root", "{root}/nowhere", "--output", "{root}/public"]),
    ("cli-related-unknown-slug", &["related", "alpa", "--root", "{root}"]),
    ("cli-init-not-empty", &["init", "."]),
    ("cli-new-unknown-author", &["new", "Hello", "--root", "{root}", "--author", "zed"]),
    ("cli-new-bad-slug", &["new", "Hello", "--root", "{root}", "--slug", "Bad Slug"]),
    ("cli-eject-exists", &["theme", "eject", "--root", "{root}"]),
    ("cli-new-exists", &["new", "Alpha article", "--root", "{root}", "--slug", "alpha"]),
];

/// Rows run with `folio check`.
#[rustfmt::skip]
const CHECK: &[(&str, &[Edit])] = &[
    ("chk-missing-anchor", &[Append(A, "\nSee [self](#nope).\n")]),
    ("chk-broken-link", &[Append(A, "\nSee [tags](/nowhere/).\n")]),
    ("chk-long-summary", &[With(|s| { s.replace(A, "The first article.", &"x".repeat(250)) })]),
    ("chk-no-tags", &[Replace(A, TAGS, "")]),
];

fn nest_2000_deep(s: &Site) {
    s.replace(
        A,
        TAGS,
        &format!("{TAGS}extra: {{a: {}}}\n", "[".repeat(2000)),
    );
}

/// A 901-character paragraph with a broken link at column 887.
fn long_paragraph_with_broken_link(s: &Site) {
    let words = "Lorem ipsum dolor sit amet. ".repeat(32);
    let line = format!("{}See [gone](gone.md)", &words[..882]);
    assert_eq!((line.find("[gone]"), line.len()), (Some(886), 901));
    s.append(A, &format!("\n{line}\n"));
}

fn invalid_byte_in_title(s: &Site) {
    let at = ALPHA.find("Alpha article").expect("a title") + "Alpha".len();
    let mut bytes = ALPHA.as_bytes().to_vec();
    bytes.insert(at, 0xff);
    s.write(A, bytes);
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Whether this process reads files whatever their mode (root, or a capability), which
/// makes a file with mode 000 readable and its row meaningless.
pub fn privileged() -> bool {
    let dir = tempfile::tempdir().expect("create a temp folder");
    let probe = dir.path().join("probe");
    fs::write(&probe, "x").expect("write a probe file");
    set_mode(&probe, 0o000);
    fs::read(&probe).is_ok()
}
