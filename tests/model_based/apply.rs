//! Carrying out an edit on disk, the way a writer would, and keeping the model in step.

use super::disk::Disk;
use super::edits::{Anchor, ConfigChange, Edit, FrontMatter, Leftover, Step, Target};
use super::site::{
    ALIASES, AUTHORS, ArticleSpec, CANONICAL, DATES, NAMES, SERIES, SLUGS, SiteModel, TAGS,
    UPDATED, original_template, png,
};

/// Theme templates edits change, and a line each that an edit can follow.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", "</footer>"),
    ("404.html", "<h1>Page not found</h1>"),
    ("article.html", "<div class=\"prose\">"),
    ("index.html", "<header class=\"page-header\">"),
    ("partials/card.html", "<article class=\"card\">"),
    ("tag.html", "<header class=\"page-header\">"),
    ("markdown/alert.html", "<p class=\"callout-title\">"),
    ("markdown/embed.html", "<a class=\"embed-play\""),
    ("partials/series_nav.html", "<ol class=\"series-parts\">"),
];

/// Static files: the site's (some over the theme's) and the theme's.
const STATICS: &[&str] = &[
    "static/robots.txt",
    "static/img/logo.svg",
    "static/css/style.css",
    "themes/default/static/js/extra.js",
    "themes/default/static/css/style.css",
];

/// What applying an edit did.
pub struct Applied {
    /// What happened, for the failure report.
    pub what: String,
    /// Only editor leftovers were written: no source changed.
    pub leftover_only: bool,
}

/// Carry out `step` on the site at `disk`'s root, keeping `model` in step with the files.
pub fn apply(model: &mut SiteModel, disk: &mut Disk, step: &Step) -> Applied {
    let what = match &step.edit {
        Edit::Leftover { kind, dir } => {
            let what = leftover_file(disk, *kind, *dir);
            return Applied {
                what,
                leftover_only: true,
            };
        }
        Edit::Config(change) => change_config(model, disk, change),
        Edit::Template { which, change } => change_template(disk, *which, *change),
        Edit::Static {
            which,
            remove,
            seed,
        } => change_static(disk, *which, *remove, *seed),
        Edit::TemplatesFolder { action } => change_templates_folder(disk, *action),
        Edit::Repair => repair(model, disk),
        edit => change_articles(model, disk, edit),
    };
    Applied {
        what,
        leftover_only: false,
    }
}

fn change_articles(model: &mut SiteModel, disk: &mut Disk, edit: &Edit) -> String {
    let count = model.articles.len();
    match edit {
        Edit::AddArticle { name, folder, seed } => {
            let free: Vec<&str> = NAMES
                .iter()
                .copied()
                .filter(|n| model.by_name(n).is_none())
                .collect();
            if free.is_empty() {
                return "skipped: every name is taken".into();
            }
            let name = free[name % free.len()];
            let article = ArticleSpec::new(name, *folder, *seed);
            write_new(disk, &article);
            let what = format!("added {}", article.path());
            model.articles.push(article);
            what
        }
        _ if count == 0 => "skipped: no articles".into(),
        Edit::DeleteArticle { which } => {
            let article = model.articles.remove(which % count);
            match article.folder {
                true => disk.remove_folder(&article.folder_path()),
                false => disk.remove_file(&article.path()),
            }
            format!("deleted {}", article.path())
        }
        Edit::RenameArticle {
            which,
            name,
            folder,
        } => rename(model, disk, which % count, *name, *folder),
        Edit::Body { which, seed } => {
            let article = &mut model.articles[which % count];
            article.body = *seed;
            save(disk, article);
            format!("body of {} is take {seed}", article.path())
        }
        Edit::FrontMatter { which, change } => {
            let slugs: Vec<String> = model
                .articles
                .iter()
                .map(|a| a.effective_slug().to_string())
                .collect();
            let article = &mut model.articles[which % count];
            change_front_matter(article, change, &slugs);
            save(disk, article);
            format!("{}: {change:?}", article.path())
        }
        Edit::AddLink { from, to, anchor } => {
            let (target, ids) = match to {
                Target::Article(i) => {
                    let t = &model.articles[i % count];
                    (t.file(), t.heading_ids())
                }
                Target::Missing => ("nowhere.md".to_string(), Vec::new()),
            };
            let anchor = match anchor {
                Anchor::None => None,
                Anchor::Heading(i) if !ids.is_empty() => Some(ids[i % ids.len()].to_string()),
                Anchor::Heading(_) => None,
                Anchor::Missing => Some("no-such-heading".to_string()),
            };
            let article = &mut model.articles[from % count];
            if article.links.len() >= 3 {
                article.links.remove(0);
            }
            let what = format!("{}: link to {target}#{anchor:?}", article.path());
            article.links.push((target, anchor));
            save(disk, article);
            what
        }
        Edit::RemoveLinks { from } => {
            let article = &mut model.articles[from % count];
            article.links.clear();
            save(disk, article);
            format!("{}: links removed", article.path())
        }
        Edit::Asset { which, action } => {
            let folders: Vec<&ArticleSpec> = model.articles.iter().filter(|a| a.folder).collect();
            if folders.is_empty() {
                return "skipped: no folder articles".into();
            }
            let dir = folders[which % folders.len()].folder_path();
            let diagram = format!("{dir}/diagram.svg");
            match action {
                0 => disk.write(&diagram, svg(*which).as_bytes()),
                1 => disk.write(&format!("{dir}/photo.png"), &png(*which as u8)),
                _ if disk.exists(&diagram) => disk.remove_file(&diagram),
                _ => return format!("skipped: no {diagram}"),
            }
            format!("asset {action} in {dir}")
        }
        _ => unreachable!("not an article edit: {edit:?}"),
    }
}

fn svg(seed: usize) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"8\"/>\n",
        seed + 1
    )
}

fn change_front_matter(article: &mut ArticleSpec, change: &FrontMatter, slugs: &[String]) {
    match change {
        FrontMatter::Title(t) => article.title = *t,
        FrontMatter::Slug(s) => article.slug = s.map(|i| SLUGS[i]),
        FrontMatter::Tags(t) => article.tags = t.iter().map(|&i| TAGS[i]).collect(),
        FrontMatter::Related(r) => {
            article.related = r
                .iter()
                .map(|i| match i {
                    Some(i) => slugs[i % slugs.len()].clone(),
                    None => "no-such-article".into(),
                })
                .collect()
        }
        FrontMatter::Draft(d) => article.draft = *d,
        FrontMatter::Date(d) => article.date = DATES[*d],
        FrontMatter::Updated(u) => article.updated = u.map(|i| UPDATED[i]),
        FrontMatter::Author(a) => article.author = AUTHORS[*a],
        FrontMatter::CoAuthors(list) => {
            article.authors = list
                .as_ref()
                .map(|l| l.iter().map(|&i| AUTHORS[i]).collect())
        }
        FrontMatter::Series(s) => article.series = s.map(|(id, part)| (SERIES[id], part)),
        FrontMatter::Aliases(a) => article.aliases = a.iter().map(|&i| ALIASES[i]).collect(),
        FrontMatter::Canonical(c) => article.canonical = c.map(|i| CANONICAL[i]),
        FrontMatter::OriginallyPublished(o) => article.originally_published = *o,
    }
}

/// Write a new article: a flat file, or a folder holding `index.md` and a photo.
fn write_new(disk: &mut Disk, article: &ArticleSpec) {
    let text = article.text();
    match article.folder {
        true => disk.new_folder(
            &article.folder_path(),
            &[("index.md", text.as_bytes()), ("photo.png", &png(0))],
        ),
        false => disk.write(&article.path(), text.as_bytes()),
    }
}

fn save(disk: &mut Disk, article: &ArticleSpec) {
    disk.write(&article.path(), article.text().as_bytes());
}

/// Rename the article at `index` to a free name (picked by `name`), as a folder article or
/// a plain file; picked its own name, it changes form only. A folder article keeps its
/// files; made a plain file, its folder (and files) go; made a folder, it gets a photo.
fn rename(
    model: &mut SiteModel,
    disk: &mut Disk,
    index: usize,
    name: usize,
    folder: bool,
) -> String {
    let old = model.articles[index].clone();
    let names: Vec<&str> = NAMES
        .iter()
        .copied()
        .filter(|n| *n == old.name || model.by_name(n).is_none())
        .collect();
    let name = names[name % names.len()];
    let mut new = old.clone();
    new.name = name.to_string();
    new.folder = if name == old.name {
        !old.folder
    } else {
        folder
    };
    match (old.folder, new.folder) {
        (true, true) => disk.rename(&old.folder_path(), &new.folder_path()),
        (false, false) => disk.rename(&old.path(), &new.path()),
        (false, true) => {
            disk.move_into_new_folder(&old.path(), &new.path());
            disk.write(&format!("{}/photo.png", new.folder_path()), &png(0));
        }
        (true, false) => {
            disk.rename(&old.path(), &new.path());
            disk.remove_folder(&old.folder_path());
        }
    }
    // A folder article's body shows its photo, a plain one's does not: save it as such.
    if old.folder != new.folder {
        save(disk, &new);
    }
    let what = format!("renamed {} to {}", old.path(), new.path());
    model.articles[index] = new;
    what
}

fn change_config(model: &mut SiteModel, disk: &mut Disk, change: &ConfigChange) -> String {
    let c = &mut model.config;
    c.broken = false;
    match change {
        ConfigChange::SmartPunctuation(v) => c.smart_punctuation = *v,
        ConfigChange::RawHtml(v) => c.raw_html = *v,
        ConfigChange::NewTab(v) => c.external_links_new_tab = *v,
        ConfigChange::HighlightCode(v) => c.highlight_code = *v,
        ConfigChange::Title(v) => c.title = *v,
        ConfigChange::Paginate(v) => c.paginate = *v,
        ConfigChange::MoreArticles(v) => c.more = *v,
        ConfigChange::SeriesTitle(t) => c.series_title = *t,
        ConfigChange::NetlifyRedirects(v) => c.netlify_redirects = *v,
        ConfigChange::Break => c.broken = true,
    }
    disk.write("config.toml", c.text().as_bytes());
    format!("config.toml: {change:?}")
}

/// The theme template `which` with edit `change` (see `Edit::Template`).
fn change_template(disk: &mut Disk, which: usize, change: usize) -> String {
    let (name, line) = TEMPLATES[which % TEMPLATES.len()];
    let original = original_template(name);
    let insert = match change {
        0..=2 => format!("<!-- edit {change} -->"),
        3 => "{% if %}".to_string(),
        4 => "{{ no_such_variable.field }}".to_string(),
        _ => String::new(),
    };
    let text = original.replacen(line, &format!("{line}{insert}"), 1);
    assert!(insert.is_empty() || text != original, "{name} lacks {line}");
    disk.write(&format!("themes/default/templates/{name}"), text.as_bytes());
    format!("template {name}: change {change}")
}

fn change_static(disk: &mut Disk, which: usize, remove: bool, seed: u8) -> String {
    let rel = STATICS[which % STATICS.len()];
    // The theme's stylesheet is edited, never removed: its templates link it.
    if remove && !rel.ends_with("default/static/css/style.css") {
        if !disk.exists(rel) {
            return format!("skipped: no {rel}");
        }
        disk.remove_file(rel);
        return format!("removed {rel}");
    }
    let bytes = match rel.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => format!("body {{ margin: {seed}px }}\n"),
        Some("svg") => svg(usize::from(seed)),
        Some("js") => format!("console.log({seed});\n"),
        _ => format!("User-agent: *\nDisallow: /drafts/{seed}\n"),
    };
    disk.write(rel, bytes.as_bytes());
    format!("wrote {rel} ({seed})")
}

fn change_templates_folder(disk: &mut Disk, action: usize) -> String {
    let not_found = original_template("404.html").replace("Page not found</h1>", "Lost</h1>");
    if !disk.is_dir("templates") {
        let card = original_template("partials/card.html").replace("card-title", "card-title own");
        let mut files: Vec<(&str, &[u8])> = vec![("404.html", not_found.as_bytes())];
        if action > 0 {
            files.push(("partials/card.html", card.as_bytes()));
        }
        disk.new_folder("templates", &files);
        return format!("created templates/ ({action})");
    }
    match action {
        0 => {
            disk.remove_folder("templates");
            "removed templates/".into()
        }
        _ => {
            let text = not_found.replace("Lost</h1>", &format!("Lost {action}</h1>"));
            disk.write("templates/404.html", text.as_bytes());
            format!("edited templates/404.html ({action})")
        }
    }
}

/// An editor's leftover in an existing source folder, picked by `dir`.
fn leftover_file(disk: &mut Disk, kind: Leftover, dir: usize) -> String {
    let dirs: Vec<&str> = [
        "content/articles",
        "themes/default/templates",
        "themes/default/static/css",
        "templates",
        "static",
    ]
    .into_iter()
    .filter(|d| disk.is_dir(d))
    .collect();
    let dir = dirs[dir % dirs.len()];
    let rel = match kind {
        Leftover::VimSwap => format!("{dir}/.alpha.md.swp"),
        Leftover::VimProbe => format!("{dir}/4913"),
        Leftover::EmacsLock => format!("{dir}/.#alpha.md"),
        Leftover::Backup => format!("{dir}/alpha.md~"),
    };
    match kind {
        Leftover::VimProbe => disk.probe(&rel),
        Leftover::EmacsLock => disk.dangling_link(&rel),
        _ => disk.leftover(&rel, b"---\ntitle: [unclosed\n"),
    }
    format!("leftover {rel}")
}

/// Every fix at once: config, templates, and each article's bad values and dead links.
fn repair(model: &mut SiteModel, disk: &mut Disk) -> String {
    let config = &mut model.config;
    if config.broken || config.paginate == 0 {
        config.broken = false;
        config.paginate = config.paginate.max(1);
        disk.write("config.toml", config.text().as_bytes());
    }
    for (name, _) in TEMPLATES {
        let rel = format!("themes/default/templates/{name}");
        let original = original_template(name);
        if disk.read(&rel).as_deref() != Some(&original) {
            disk.write(&rel, original.as_bytes());
        }
    }
    let slugs: Vec<String> = model.articles.iter().map(|a| a.name.clone()).collect();
    let snapshot = model.clone();
    for article in &mut model.articles {
        let before = article.text();
        article.slug = None;
        if !AUTHORS[..2].contains(&article.author) {
            article.author = AUTHORS[0];
        }
        if article.date == "2025-02-30" {
            article.date = DATES[0];
        }
        if article
            .updated
            .is_some_and(|u| u == "2026-13-01" || u < article.date)
        {
            article.updated = None;
        }
        if let Some(list) = &mut article.authors {
            list.retain(|a| AUTHORS[..2].contains(a));
            list.dedup();
            if list.is_empty() {
                article.authors = None;
            }
        }
        // Series numbering, aliases and canonical URLs are put right by leaving them out.
        article.series = None;
        article.aliases.clear();
        if article.canonical == Some("/relative/") {
            article.canonical = None;
        }
        let own = article.name.clone();
        article.related.retain(|r| *r != own && slugs.contains(r));
        article.links.retain(|(file, anchor)| {
            snapshot.by_file(file).is_some_and(|t| match anchor {
                Some(a) => t.heading_ids().contains(&a.as_str()),
                None => true,
            })
        });
        if article.text() != before {
            save(disk, article);
        }
    }
    "repaired".into()
}
