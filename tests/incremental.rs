//! Incremental rebuilds (`serve --watch`): the engine kept between saves re-renders only the
//! pages an edit touches, and the result is always byte-identical to building the edited
//! site from scratch (or fails with the same errors).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use folio::diagnostics::Diagnostic;
use folio::engine::model::BuildOptions;
use folio::engine::{Engine, Settings};
use folio::output::memory::{Delta, MemorySink, Snapshot};

fn settings() -> Settings {
    Settings {
        base_url: None,
        options: BuildOptions {
            drafts: false,
            future: false,
            now: "2026-11-20T00:00:00Z".parse().unwrap(),
            cache_bust: false,
        },
        cache_dir: None,
        cache: Default::default(),
    }
}

/// A copy of the repository's example site in a temp folder.
fn example_site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["content", "themes", "static"] {
        copy_dir(&repo.join(dir), &tmp.path().join(dir));
    }
    fs::copy(repo.join("config.toml"), tmp.path().join("config.toml")).unwrap();
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A site as `serve --watch` holds it: the engine and the snapshot it last built.
struct Served {
    engine: Engine,
    site: Arc<Snapshot>,
}

impl Served {
    fn start(root: &Path) -> (Served, Delta) {
        let mut served = Served {
            engine: Engine::new(root, settings()).unwrap(),
            site: Arc::new(Snapshot::new()),
        };
        let delta = served.build().unwrap();
        (served, delta)
    }

    /// Rebuild after `paths` changed; `Ok(None)` when no source changed.
    fn apply(&mut self, paths: &[PathBuf]) -> Result<Option<Delta>, Vec<Diagnostic>> {
        if !self.engine.refresh(paths) {
            return Ok(None);
        }
        self.build().map(Some)
    }

    fn build(&mut self) -> Result<Delta, Vec<Diagnostic>> {
        let sink = MemorySink::new(self.site.clone());
        let built = self.engine.build(&sink)?;
        let (site, delta) = sink.finish(built.files.keys().map(String::as_str));
        self.site = Arc::new(site);
        Ok(delta)
    }
}

fn from_scratch(root: &Path) -> Result<Arc<Snapshot>, Vec<Diagnostic>> {
    let mut served = Served {
        engine: Engine::new(root, settings()).unwrap(),
        site: Arc::new(Snapshot::new()),
    };
    served.build()?;
    Ok(served.site)
}

/// Equal trees, or a panic naming the paths that differ (not megabytes of bytes).
fn assert_same(actual: &Snapshot, expected: &Snapshot) {
    let paths: std::collections::BTreeSet<&str> = actual.paths().chain(expected.paths()).collect();
    let differing: Vec<&str> = paths
        .into_iter()
        .filter(|p| actual.get(p).map(|f| &f.bytes) != expected.get(p).map(|f| &f.bytes))
        .collect();
    assert!(
        differing.is_empty(),
        "incremental output differs from a full build at {differing:?}"
    );
}

fn assert_matches_scratch(served: &Served, root: &Path) {
    assert_same(&served.site, &from_scratch(root).unwrap());
}

fn article(root: &Path, slug: &str) -> PathBuf {
    root.join("content/articles").join(format!("{slug}.md"))
}

fn append(path: &Path, text: &str) {
    let mut body = fs::read_to_string(path).unwrap();
    body.push_str(text);
    fs::write(path, body).unwrap();
}

fn messages(errors: &[Diagnostic]) -> String {
    errors
        .iter()
        .map(Diagnostic::render_plain)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn body_edit_rerenders_only_the_pages_that_show_it() {
    let site = example_site();
    let (mut served, first) = Served::start(site.path());
    assert!(
        first.changed.len() > 30,
        "the first build writes everything"
    );

    let path = article(site.path(), "retry-budgets");
    append(
        &path,
        "\nA closing paragraph added while the server runs.\n",
    );
    let delta = served.apply(std::slice::from_ref(&path)).unwrap().unwrap();
    let changed: Vec<&str> = delta.changed.iter().map(String::as_str).collect();
    assert!(
        changed.contains(&"articles/retry-budgets/index.html"),
        "{changed:?}"
    );
    assert!(
        !changed.contains(&"articles/connection-pooling/index.html"),
        "{changed:?}"
    );
    assert!(!changed.contains(&"404.html"), "{changed:?}");
    assert!(changed.len() < 15, "only a few pages change: {changed:?}");
    assert!(!delta.css_only());
    assert_matches_scratch(&served, site.path());
}

#[test]
fn title_edit_updates_every_list_and_more_articles_block_that_shows_it() {
    let site = example_site();
    let (mut served, _) = Served::start(site.path());
    let path = article(site.path(), "queue-backpressure");
    let text = fs::read_to_string(&path).unwrap();
    let old_title = text
        .lines()
        .find(|l| l.starts_with("title:"))
        .unwrap()
        .to_string();
    fs::write(
        &path,
        text.replace(&old_title, "title: Back-pressure, renamed"),
    )
    .unwrap();
    let delta = served.apply(&[path]).unwrap().unwrap();
    // retry-budgets pins queue-backpressure in its related list.
    assert!(
        delta
            .changed
            .contains(&"articles/retry-budgets/index.html".into())
    );
    assert!(delta.changed.contains(&"search-index/meta.json".into()));
    assert_matches_scratch(&served, site.path());
}

#[test]
fn broken_edit_keeps_the_last_good_site_and_fixing_it_recovers() {
    let site = example_site();
    let (mut served, _) = Served::start(site.path());
    let before = served.site.clone();
    let path = article(site.path(), "retry-budgets");
    let good = fs::read_to_string(&path).unwrap();
    fs::write(&path, good.replacen("title:", "titel:", 1)).unwrap();
    let errors = served.apply(std::slice::from_ref(&path)).unwrap_err();
    assert!(messages(&errors).contains("retry-budgets.md"));
    assert!(
        Arc::ptr_eq(&served.site, &before),
        "the last good site is kept"
    );
    fs::write(&path, &good).unwrap();
    served.apply(&[path]).unwrap();
    assert_matches_scratch(&served, site.path());
}

#[test]
fn new_and_deleted_articles_and_template_edits_match_a_full_build() {
    let site = example_site();
    let (mut served, _) = Served::start(site.path());
    let new = article(site.path(), "fresh-post");
    fs::write(&new, "---\ntitle: Fresh post\nauthor: ines\ndate: 2026-10-01\nsummary: Brand new.\ntags: [postgres]\n---\nHello.\n").unwrap();
    served.apply(std::slice::from_ref(&new)).unwrap();
    assert!(served.site.get("articles/fresh-post/index.html").is_some());
    assert_matches_scratch(&served, site.path());

    fs::remove_file(&new).unwrap();
    let delta = served.apply(&[new]).unwrap().unwrap();
    assert!(
        delta
            .removed
            .contains(&"articles/fresh-post/index.html".to_string())
    );
    assert_matches_scratch(&served, site.path());

    let template = site.path().join("themes/default/templates/404.html");
    let text = fs::read_to_string(&template).unwrap();
    fs::write(
        &template,
        text.replace("Page not found</h1>", "Nothing here</h1>"),
    )
    .unwrap();
    served.apply(&[template]).unwrap();
    assert_matches_scratch(&served, site.path());
}

#[test]
fn stylesheet_edit_is_css_only() {
    let site = example_site();
    let (mut served, _) = Served::start(site.path());
    let css = site.path().join("themes/default/static/css/style.css");
    append(&css, "\n/* tweak */\n");
    let delta = served.apply(&[css]).unwrap().unwrap();
    assert_eq!(delta.changed, ["css/style.css"]);
    assert!(delta.css_only());
}

#[test]
fn editor_leftovers_and_unrelated_files_change_nothing() {
    let site = example_site();
    let (mut served, _) = Served::start(site.path());
    let swap = site.path().join("content/articles/.retry-budgets.md.swp");
    fs::write(&swap, "junk").unwrap();
    let probe = site.path().join("content/articles/4913");
    fs::write(&probe, "").unwrap();
    let outside = site.path().join("public/index.html");
    assert!(served.apply(&[swap, probe, outside]).unwrap().is_none());
}

#[cfg(unix)]
#[test]
fn an_emacs_lock_file_is_never_read() {
    let site = example_site();
    let lock = site.path().join("content/articles/.#retry-budgets.md");
    // Emacs's lock: a dangling link naming the user and process that hold the buffer.
    std::os::unix::fs::symlink("ana@host.1234:1700000000", &lock).unwrap();
    let (mut served, _) = Served::start(site.path());
    assert!(served.apply(&[lock]).unwrap().is_none());
    assert_matches_scratch(&served, site.path());
}

#[test]
fn deleting_an_article_while_another_links_to_a_heading_elsewhere_matches_a_full_build() {
    let site = example_site();
    let dir = site.path().join("content/articles");
    fs::write(
        dir.join("zz-target.md"),
        "---\ntitle: Target\nauthor: ines\ndate: 2020-01-01\nsummary: T.\n---\n## Deep\n\nText.\n",
    )
    .unwrap();
    fs::write(dir.join("aa-linker.md"), "---\ntitle: Linker\nauthor: ines\ndate: 2026-01-01\nsummary: L.\n---\nSee [deep](zz-target.md#deep).\n").unwrap();
    let victim = dir.join("mm-victim.md");
    fs::write(
        &victim,
        "---\ntitle: Victim\nauthor: ines\ndate: 2023-01-01\nsummary: V.\n---\nGone soon.\n",
    )
    .unwrap();
    let (mut served, _) = Served::start(site.path());
    fs::remove_file(&victim).unwrap();
    served.apply(&[victim]).unwrap();
    assert_matches_scratch(&served, site.path());
}

#[test]
fn adding_a_newer_article_keeps_links_to_headings_resolved() {
    let site = example_site();
    let dir = site.path().join("content/articles");
    fs::write(
        dir.join("b-target.md"),
        "---\ntitle: B\nauthor: ines\ndate: 2020-01-01\nsummary: B.\n---\n## Intro\n\nText.\n",
    )
    .unwrap();
    fs::write(dir.join("a-linker.md"), "---\ntitle: A\nauthor: ines\ndate: 2020-02-01\nsummary: A.\n---\nSee [intro](b-target.md#intro).\n").unwrap();
    let (mut served, _) = Served::start(site.path());
    let newer = dir.join("c-newest.md");
    fs::write(
        &newer,
        "---\ntitle: C\nauthor: ines\ndate: 2026-11-01\nsummary: C.\n---\nNew.\n",
    )
    .unwrap();
    served.apply(&[newer]).unwrap();
    assert_matches_scratch(&served, site.path());
}

#[test]
fn markdown_config_change_renders_bodies_again() {
    let site = example_site();
    let (mut served, _) = Served::start(site.path());
    let config = site.path().join("config.toml");
    let text = fs::read_to_string(&config).unwrap();
    let changed = match text.contains("[markdown]") {
        true => text.replacen("[markdown]", "[markdown]\nsmart_punctuation = false", 1),
        false => format!("{text}\n[markdown]\nsmart_punctuation = false\n"),
    };
    fs::write(&config, changed).unwrap();
    served.apply(&[config]).unwrap();
    assert_matches_scratch(&served, site.path());
}

#[test]
fn a_new_slug_moves_links_and_deleting_the_article_is_the_same_error_as_from_scratch() {
    let site = example_site();
    let dir = site.path().join("content/articles");
    fs::write(dir.join("linker.md"), "---\ntitle: Linker\nauthor: ines\ndate: 2026-01-01\nsummary: L.\n---\nSee [it](target.md).\n").unwrap();
    let target = dir.join("target.md");
    let text = "---\ntitle: Target\nauthor: ines\ndate: 2023-01-01\nsummary: T.\n---\nHere.\n";
    fs::write(&target, text).unwrap();
    let (mut served, _) = Served::start(site.path());
    // Links name files, so a new slug moves every link to the article's new URL.
    fs::write(
        &target,
        text.replace("title: Target", "title: Target\nslug: moved"),
    )
    .unwrap();
    served.apply(std::slice::from_ref(&target)).unwrap();
    let linker = String::from_utf8(
        served
            .site
            .get("articles/linker/index.html")
            .unwrap()
            .bytes
            .to_vec(),
    )
    .unwrap();
    assert!(linker.contains("href=\"/articles/moved/\""), "{linker}");
    assert_matches_scratch(&served, site.path());
    fs::remove_file(&target).unwrap();
    let errors = served.apply(&[target]).unwrap_err();
    let scratch = from_scratch(site.path()).unwrap_err();
    assert_eq!(messages(&errors), messages(&scratch));
    assert!(
        messages(&errors).contains("link to a missing article"),
        "{}",
        messages(&errors)
    );
}

#[test]
fn a_templates_folder_created_later_overrides_the_theme() {
    let site = example_site();
    let (mut served, _) = Served::start(site.path());
    let templates = site.path().join("templates");
    fs::create_dir_all(&templates).unwrap();
    let theme_404 =
        fs::read_to_string(site.path().join("themes/default/templates/404.html")).unwrap();
    fs::write(
        templates.join("404.html"),
        theme_404.replace("Page not found</h1>", "Lost</h1>"),
    )
    .unwrap();
    served.apply(&[templates]).unwrap();
    let page = String::from_utf8(served.site.get("404.html").unwrap().bytes.to_vec()).unwrap();
    assert!(page.contains("Lost</h1>"), "{page}");
    assert_matches_scratch(&served, site.path());
}

#[test]
fn highlight_theme_change_recolours_bodies_as_a_fresh_build_does() {
    let site = example_site();
    let (mut served, _) = Served::start(site.path());
    let page = "articles/retry-budgets/index.html";
    let before = served
        .site
        .get(page)
        .expect("an article with code")
        .bytes
        .clone();
    let config = site.path().join("config.toml");
    let text = fs::read_to_string(&config).unwrap();
    assert!(
        !text.contains("[markdown"),
        "the example sets no [markdown] table"
    );
    fs::write(
        &config,
        format!("{text}\n[markdown.highlight]\nlight = \"GitHub\"\ndark = \"Dracula\"\n"),
    )
    .unwrap();
    let delta = served.apply(&[config]).unwrap().expect("config changed");
    assert!(delta.changed.iter().any(|p| p == page), "{delta:?}");
    assert_ne!(served.site.get(page).unwrap().bytes, before);
    // The served engine (memory), a new one reading the disk cache both builds filled, and
    // one with no cache all agree.
    let fresh = |cache| {
        let mut s = settings();
        s.cache = cache;
        let mut built = Served {
            engine: Engine::new(site.path(), s).unwrap(),
            site: Arc::new(Snapshot::new()),
        };
        built.build().unwrap();
        built.site
    };
    let expected = fresh(folio::engine::CacheUse::Off);
    assert_same(&served.site, &expected);
    assert_same(&fresh(folio::engine::CacheUse::ReadWrite), &expected);
}

/// folio keeps a file's status (and an article's parse) only once the file has not changed
/// for 2 s: a write in the same clock tick as the read could go unnoticed.
fn let_files_settle() {
    std::thread::sleep(std::time::Duration::from_millis(2200));
}

/// What a build without any cache makes of the site at `root`.
fn without_cache(root: &Path) -> Arc<Snapshot> {
    let mut served = Served {
        engine: Engine::new(
            root,
            Settings {
                cache: folio::engine::CacheUse::Off,
                ..settings()
            },
        )
        .unwrap(),
        site: Arc::new(Snapshot::new()),
    };
    served.build().unwrap();
    served.site
}

#[test]
fn kept_parses_build_the_same_site_and_an_article_changed_meanwhile_fails_the_build() {
    let site = example_site();
    let root = site.path();
    // Free-form `extra` values of every kind: the kept parse holds them as JSON text.
    let with_extra = article(root, "cursor-pagination");
    let text = fs::read_to_string(&with_extra).unwrap();
    let extra = "extra:\n  team: platform\n  weights: [1, 2.5, null, true]\n  nested: {a: b}\n";
    fs::write(
        &with_extra,
        text.replacen("---\n", &format!("---\n{extra}"), 1),
    )
    .unwrap();
    let extra_of = |served: &Served| {
        let (_, parsed) = served
            .engine
            .inputs()
            .articles()
            .find(|(p, _)| root.join(p) == with_extra)
            .unwrap();
        parsed.as_ref().unwrap().front_matter.extra.clone()
    };
    let_files_settle();
    let (first, _) = Served::start(root);
    first.engine.keep_stat_keys();
    let parsed_extra = extra_of(&first);
    assert!(parsed_extra.is_some());
    drop(first);

    // A new run: every article's parse comes from its status, and no text is read.
    let (second, _) = Served::start(root);
    assert_same(&second.site, &without_cache(root));
    assert_eq!(extra_of(&second), parsed_extra);
    drop(second);

    // The article changes after the run took its status, and its body is no longer in the
    // cache: the build must read its text, which no longer matches the parse.
    let mut third = Served {
        engine: Engine::new(root, settings()).unwrap(),
        site: Arc::new(Snapshot::new()),
    };
    let slug = "connection-pooling";
    let path = article(root, slug);
    append(&path, "\nA line written during the build.\n");
    fs::remove_dir_all(root.join(".folio-cache/bodies")).unwrap();
    let errors = third.build().unwrap_err();
    let text = messages(&errors);
    assert!(
        text.contains("changed while the build was reading it") && text.contains(slug),
        "{text}"
    );
    assert_eq!(errors.len(), 1, "only the changed article: {text}");
    // Read afresh, as the watcher reports it: the build works and shows the new line.
    assert!(third.engine.refresh(&[path]));
    third.build().unwrap();
    assert_same(&third.site, &without_cache(root));
    let page = third
        .site
        .get(&format!("articles/{slug}/index.html"))
        .unwrap();
    assert!(String::from_utf8_lossy(&page.bytes).contains("A line written during the build."));
}

#[test]
fn bodies_whose_cache_entries_vanish_before_their_pages_render_are_rendered_again() {
    let site = example_site();
    let root = site.path();
    let (first, _) = Served::start(root);
    drop(first);
    // A new run reads each body's metadata from the cache, and its HTML only when a page
    // shows it; meanwhile another build pruned the entries.
    let mut engine = Engine::new(root, settings()).unwrap();
    let prepared = engine.prepare().unwrap();
    fs::remove_dir_all(root.join(".folio-cache/bodies")).unwrap();
    let sink = MemorySink::new(Arc::new(Snapshot::new()));
    let built = engine.write(&prepared, &sink).unwrap();
    let (snapshot, _) = sink.finish(built.files.keys().map(String::as_str));
    assert_same(&snapshot, &without_cache(root));
}
