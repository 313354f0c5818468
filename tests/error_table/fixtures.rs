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
#[derive(Clone, Copy)]
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
    /// Mode 000: unreadable, except to a privileged process (root: the row then runs folio
    /// as `nobody`).
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
#[derive(Clone, Copy)]
pub struct Fixture {
    pub id: &'static str,
    pub edits: &'static [Edit],
    pub run: Run,
    /// Environment variables set for the run that breaks (not for the valid build).
    pub env: &'static [(&'static str, &'static str)],
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
    let fixture = |(id, edits, run)| Fixture {
        id,
        edits,
        run,
        env: &[],
    };
    let built = BUILD.iter().map(|&(id, edits)| (id, edits, Run::Build));
    let commands = COMMANDS
        .iter()
        .map(|&(id, args)| (id, &[][..], Run::Args(args)));
    let busy = [("cli-port-in-use", &[][..], Run::ServeOnBusyPort)];
    let checked = CHECK.iter().map(|&(id, edits)| (id, edits, Run::Check));
    let edited = EDITED_COMMANDS
        .iter()
        .chain(super::features::COMMANDS)
        .map(|&(id, edits, args)| (id, edits, Run::Args(args)));
    let built = built.chain(
        super::features::BUILD
            .iter()
            .map(|&(id, edits)| (id, edits, Run::Build)),
    );
    built
        .chain(commands)
        .chain(edited)
        .chain(busy)
        .chain(checked)
        .map(fixture)
        .chain(WITH_ENV.iter().copied())
        .collect()
}

pub const A: &str = "content/articles/alpha.md";
pub const B: &str = "content/articles/beta.md";
pub const C: &str = "config.toml";
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
    ("fm-slug-too-long", &[With(slug_of_300_letters)]),
    ("fm-slug-control", &[AddKey(A, "slug: \"a\\e[2Jb\"")]),
    ("fm-too-many-tags", &[With(|s| s.replace(A, TAGS, &format!("tags: [{}]\n", numbered("t", 21))))]),
    ("fm-tag-too-long", &[With(|s| s.replace(A, TAGS, &format!("tags: [reliability, {}]\n", "x".repeat(300))))]),
    ("fm-alias-bomb", &[With(alias_bomb)]),
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
    (
        "fm-related-unsafe-url",
        &[AddKey(A, "related:\n  - title: Docs\n    url: javascript:alert(1)")],
    ),
    ("fm-related-relative-url", &[AddKey(A, "related:\n  - title: Docs\n    url: docs/")]),
    ("fm-date-zone-no-offset", &[Replace(A, "2025-03-14", "2025-03-14T09:30:00[Europe/Paris]")]),
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
    // Untrusted markup: what could run script is removed, with a warning
    ("md-unsafe-link", &[Append(A, "\nSee [x](javascript:alert(1)).\n")]),
    ("md-unsafe-link-encoded", &[Append(A, "\nSee [x](jav&#x61;script:alert(1)).\n")]),
    ("md-unsafe-autolink", &[Append(A, "\nSee <JavaScript:alert(1)>.\n")]),
    ("md-unsafe-reference-link", &[Append(A, "\nSee [x][r].\n\n[r]: vbscript:msgbox(1)\n")]),
    ("md-unsafe-data-link", &[Append(A, "\nSee [x](data:text/html,hi).\n")]),
    ("md-unsafe-image", &[Append(A, "\n![x](data:image/svg+xml,svg)\n")]),
    ("md-heading-attribute", &[Append(A, "\n## Hi {#hi autofocus onfocus=alert(1)}\n")]),
    ("img-not-an-image", &[With(|s| { alpha_folder(s); s.write(ALPHA_DIR_SHOT, "not a png") })]),
    ("img-wrong-extension", &[With(|s| { alpha_folder(s); s.write(ALPHA_DIR_SHOT, GIF_1X1) })]),
    ("img-social-missing", &[AddKey(A, "image: card.png")]),
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
    ("cfg-base-url-query", &[Replace(C, "https://example.com/", "https://example.com/?ref=feed")]),
    ("cfg-base-url-fragment", &[Replace(C, "https://example.com/", "https://example.com/#top")]),
    (
        "cfg-base-url-userinfo",
        &[Replace(C, "https://example.com/", "https://deploy:secret@example.com/")],
    ),
    ("cfg-tags-limit-zero", &[Append(C, "\n[limits]\ntags_per_article = 0\n")]),
    ("cfg-page-time-zero", &[Append(C, "\n[limits]\npage_render_seconds = 0\n")]),
    ("cfg-image-width", &[Append(C, "\n[images]\nwidths = [480, 0]\n")]),
    ("cfg-image-quality", &[Append(C, "\n[images]\nquality = 0\n")]),
    ("cfg-image-format", &[Append(C, "\n[images]\nformats = [\"avif\"]\n")]),
    (
        "cfg-search-excerpt-zero",
        &[Append(C, "\n[search]\nexcerpt_words = 0\n")],
    ),
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
    ("tpl-social-invalid-svg", &[Write("templates/social.svg", "<svg>{{ card.title.size }}")]),
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
    (
        "tpl-endless-loop",
        &[Append(C, "\n[limits]\npage_render_seconds = 1\n"), Write("templates/article.html", LOOPING)],
    ),
    (
        "tpl-symlink-outside",
        &[With(|s| { s.write("templates/partials/.keep", ""); s.symlink("/etc/passwd", "templates/partials/card.html") })],
    ),
    // The content folder
    ("tree-no-content", &[Remove("content")]),
    ("tree-content-is-file", &[Remove("content"), Write("content", "not a folder\n")]),
    ("tree-empty-file", &[Write(A, "")]),
    ("tree-blank-file", &[Write(A, "\n\n  \n")]),
    ("tree-not-utf8", &[With(invalid_byte_in_title)]),
    ("tree-duplicate-slug", &[AddKey(A, "slug: beta")]),
    ("tree-duplicate-folder-slug", &[Write("content/articles/beta/index.md", BETA)]),
    (
        "tree-duplicate-slug-normalisation",
        &[Write("content/articles/caf\u{e9}.md", BETA), Write("content/articles/cafe\u{301}.md", BETA)],
    ),
    ("tree-bad-file-name", &[With(|s| s.rename(A, "content/articles/Alpha Article.md"))]),
    ("tree-symlink-loop", &[With(|s| s.symlink("..", "content/articles/loop"))]),
    (
        "tree-dangling-symlink",
        &[With(|s| s.symlink("nowhere.md", "content/articles/dangling.md"))],
    ),
    ("tree-unreadable-file", &[Unreadable(A)]),
    ("tree-symlink-outside-file", &[With(|s| s.symlink("/etc/passwd", "content/articles/diagram.svg"))]),
    ("tree-symlink-outside-folder", &[With(|s| s.symlink("/etc", "content/articles/keys"))]),
    ("tree-symlink-outside-article", &[With(|s| s.symlink("/etc/passwd", "content/articles/gamma.md"))]),
    (
        "tree-symlink-into-git",
        &[Write(".git/config", "[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n"),
          With(|s| s.symlink("../../.git/config", "content/articles/config.txt"))],
    ),
    (
        "tree-static-symlink-outside",
        &[Write("static/.keep", ""), With(|s| s.symlink("/etc/passwd", "static/passwd.txt"))],
    ),
    ("tree-control-file-name", &[Write("content/articles/bad\u{1b}[2Jname.md", BETA)]),
];

/// Rows that change the valid site, then run folio with these arguments.
#[rustfmt::skip]
const EDITED_COMMANDS: &[(&str, &[Edit], &[&str])] = &[
    (
        "cli-output-not-folios",
        &[Write("notes/plan.txt", "mine\n")],
        &["build", "--root", "{root}", "--output", "notes"],
    ),
    (
        "cli-output-git",
        &[Write(".git/HEAD", "ref: refs/heads/main\n"), Write(".git/objects/.keep", ""),
          Write(".git/refs/heads/main", "0\n")],
        &["build", "--root", "{root}", "--output", ".git", "--force"],
    ),
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
    ("cli-base-url-query", &["build", "--root", "{root}", "--base-url", "https://x.com/?a=1"]),
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

/// The word that makes folio panic while rendering a body containing it (the test hook
/// `FOLIO_TEST_PANIC`, in `src/crash.rs`).
const PANIC: &[(&str, &str)] = &[("FOLIO_TEST_PANIC", "zqxpanicword")];

/// Rows run with environment variables set.
const WITH_ENV: &[Fixture] = &[
    Fixture {
        id: "engine-panic",
        edits: &[Append(A, "\nThe zqxpanicword.\n")],
        run: Run::Build,
        env: PANIC,
    },
    Fixture {
        id: "engine-panic-check",
        edits: &[Append(A, "\nThe zqxpanicword.\n")],
        run: Run::Check,
        env: PANIC,
    },
];

/// Rows run with `folio check`.
#[rustfmt::skip]
const CHECK: &[(&str, &[Edit])] = &[
    ("chk-missing-anchor", &[Append(A, "\nSee [self](#nope).\n")]),
    ("chk-broken-link", &[Append(A, "\nSee [tags](/nowhere/).\n")]),
    ("chk-long-summary", &[With(|s| { s.replace(A, "The first article.", &"x".repeat(250)) })]),
    ("chk-no-tags", &[Replace(A, TAGS, "")]),
    ("chk-unsafe-link", &[Append(A, "\nSee [x](javascript:alert(1)).\n")]),
    ("chk-related-unsafe-url", &[AddKey(A, "related:\n  - title: Docs\n    url: vbscript:x")]),
    ("chk-robots-under-sub-path", &[Replace(C, "https://example.com/", "https://example.com/blog/")]),
    ("chk-symlink-outside", &[With(|s| s.symlink("/etc/passwd", "content/articles/diagram.svg"))]),
    ("chk-slug-too-long", &[With(slug_of_300_letters)]),
    ("chk-image-no-alt", &[Append(A, "\n![](https://example.org/chart.png)\n")]),
    ("chk-image-alt-file-name", &[Append(A, "\n![IMG_1234.png](https://example.org/chart.png)\n")]),
    ("chk-image-heavy", &[Append(C, "\n[images]\nmax_kb = 1\n"), With(heavy_image)]),
];

/// A template that loops 10 billion times without writing anything.
const LOOPING: &str = concat!(
    "{% extends \"base.html\" %}\n{% block content %}\n",
    "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}\n",
    "{% endblock content %}\n",
);

fn slug_of_300_letters(s: &Site) {
    s.replace(A, TAGS, &format!("{TAGS}slug: {}\n", "a".repeat(300)));
}

/// `prefix0, prefix1, ...`: `n` names.
fn numbered(prefix: &str, n: usize) -> String {
    (0..n)
        .map(|i| format!("{prefix}{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A 1 MiB string and 3,000 aliases of it: 3 GB once expanded.
fn alias_bomb(s: &Site) {
    let big = "x".repeat(1024 * 1024);
    let aliases = vec!["*s"; 3000].join(", ");
    s.replace(
        A,
        TAGS,
        &format!("{TAGS}extra:\n  big: &s {big}\n  copies: [{aliases}]\n"),
    );
}

const ALPHA_DIR_SHOT: &str = "content/articles/alpha/shot.png";
/// A 1×1 GIF.
const GIF_1X1: &[u8] = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";

/// `alpha.md` becomes the folder article `alpha/index.md` (same lines), for images beside it.
fn alpha_folder(s: &Site) {
    let text = s.read(A);
    s.remove(A);
    s.write("content/articles/alpha/index.md", text);
}

/// A 64×64 PNG of noise (≈12 KB, more as WebP) in the folder article `alpha`, shown on
/// line 15.
fn heavy_image(s: &Site) {
    alpha_folder(s);
    let mut state = 7u32;
    let noise = image::RgbImage::from_fn(64, 64, |_, _| {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let b = (state >> 16) as u8;
        image::Rgb([b, b.wrapping_mul(3), b.wrapping_mul(7)])
    });
    let mut png = Vec::new();
    noise
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode a PNG in memory");
    s.write(ALPHA_DIR_SHOT, png);
    s.append(
        "content/articles/alpha/index.md",
        "\n![Noise on a screen](shot.png)\n",
    );
}

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
