//! Starting points for writers: `folio init` creates a site that builds at once (config and
//! an example article; the default theme is built into the binary), `folio new` creates an
//! article with its front matter filled in, `folio theme eject` copies the built-in theme
//! into the site for full customisation. Never overwrites a file.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::config::Config;
use crate::content::slug::{Slug, slugify};
use crate::diagnostics::{Diagnostic, display_path, nearest};
use crate::render::builtin;

/// The summary `folio new` writes; `folio check` warns while it is still there.
pub const PLACEHOLDER_SUMMARY: &str = "TODO one line about this article";

const CONFIG: &str = include_str!("scaffold/config.toml");
const WELCOME: &str = include_str!("scaffold/welcome.md");
const GITIGNORE: &str =
    "# What `folio build` writes, and what it keeps between builds.\n/public/\n/.folio-cache/\n";

/// A site `folio init` created.
#[derive(Debug)]
pub struct NewSite {
    pub dir: PathBuf,
}

impl fmt::Display for NewSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dir = display_path(&self.dir);
        writeln!(f, "Created a new site in {dir}/:")?;
        writeln!(
            f,
            "  config.toml                   the site's name, address, authors, services and offices"
        )?;
        writeln!(f, "  content/articles/welcome.md   an example article")?;
        writeln!(
            f,
            "  (the default theme is built in; `folio theme eject` copies it out to change it)"
        )?;
        writeln!(f, "Next steps:")?;
        match self.dir == Path::new(".") {
            true => writeln!(f, "  folio build")?,
            false => writeln!(f, "  cd {dir} && folio build")?,
        }
        writeln!(f, "  folio new \"Your first article\"")
    }
}

/// Create a new site in `dir` (created if missing; it must be empty). `today` dates the
/// example article. On failure nothing is left behind.
pub fn init(dir: &Path, today: Date) -> Result<NewSite, Vec<Diagnostic>> {
    let existed = dir.exists();
    if existed {
        let mut entries =
            fs::read_dir(dir).map_err(|e| vec![Diagnostic::io(dir, "read the folder", &e)])?;
        if entries.next().is_some() {
            return Err(vec![
                Diagnostic::error(format!(
                    "`{}` is not empty: folio init only creates a site in an empty folder",
                    display_path(dir)
                ))
                .help("choose a new folder name (it will be created), or empty this one"),
            ]);
        }
    }
    let mut files: Vec<(PathBuf, &[u8])> = vec![
        ("config.toml".into(), CONFIG.as_bytes()),
        (".gitignore".into(), GITIGNORE.as_bytes()),
    ];
    let welcome = WELCOME.replace("{{date}}", &today.to_string());
    files.push(("content/articles/welcome.md".into(), welcome.as_bytes()));
    let written = files.iter().try_for_each(|(rel, bytes)| {
        let path = dir.join(rel);
        let parent = path.parent().unwrap_or(dir);
        fs::create_dir_all(parent)
            .and_then(|()| fs::write(&path, bytes))
            .map_err(|e| Diagnostic::io(&path, "write", &e))
    });
    if let Err(d) = written {
        // The folder was empty (or absent): everything in it is ours to take back.
        if existed {
            for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
                let _ = fs::remove_dir_all(entry.path()).or_else(|_| fs::remove_file(entry.path()));
            }
        } else {
            let _ = fs::remove_dir_all(dir);
        }
        return Err(vec![d]);
    }
    Ok(NewSite {
        dir: dir.to_path_buf(),
    })
}

/// The built-in theme `folio theme eject` wrote.
#[derive(Debug)]
pub struct EjectedTheme {
    /// `themes/default`, as a path from the current folder.
    pub dir: PathBuf,
    pub files: usize,
}

impl fmt::Display for EjectedTheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dir = display_path(&self.dir);
        writeln!(
            f,
            "Copied the built-in theme to {dir}/ ({} files).",
            self.files
        )?;
        writeln!(
            f,
            "The site now uses these files: change them freely. Delete {dir}/ to go back to the built-in theme."
        )
    }
}

/// Copy the built-in theme into `root/themes/default/`, which from then on replaces it. Refuses
/// when that folder exists; on failure nothing is left behind.
pub fn eject_theme(root: &Path) -> Result<EjectedTheme, Vec<Diagnostic>> {
    let rel = Path::new("themes").join(builtin::NAME);
    let dir = root.join(&rel);
    if !root.join("config.toml").is_file() {
        return Err(vec![
            Diagnostic::error(format!(
                "`{}` is not a folio site: it has no config.toml",
                display_path(root)
            ))
            .help("run `folio theme eject` in the site's folder, or give it with `--root DIR`"),
        ]);
    }
    if dir.exists() {
        return Err(vec![
            Diagnostic::error(format!(
                "`{}` already exists; nothing was changed",
                display_path(&rel)
            ))
            .help("the site already has its own copy of the theme: rename or delete it to eject the built-in one again"),
        ]);
    }
    let files = builtin::files();
    let written = files.iter().try_for_each(|(path, bytes)| {
        let target = dir.join(path);
        let parent = target.parent().unwrap_or(&dir);
        fs::create_dir_all(parent)
            .and_then(|()| fs::write(&target, bytes))
            .map_err(|e| Diagnostic::io(&rel.join(path), "write", &e))
    });
    if let Err(d) = written {
        let _ = fs::remove_dir_all(&dir);
        return Err(vec![d]);
    }
    Ok(EjectedTheme {
        dir: dir.strip_prefix(".").unwrap_or(&dir).to_path_buf(),
        files: files.len(),
    })
}

/// What `folio new` is asked for.
#[derive(Debug, Clone)]
pub struct ArticleRequest {
    pub title: String,
    /// An author id of config.toml; the first one there when `None`.
    pub author: Option<String>,
    pub tags: Vec<String>,
    /// The file name; made from the title when `None`.
    pub slug: Option<String>,
    pub today: Date,
}

/// An article `folio new` created.
#[derive(Debug)]
pub struct NewArticle {
    /// The file, as a path from the current folder.
    pub path: PathBuf,
}

impl fmt::Display for NewArticle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Created {}", display_path(&self.path))?;
        writeln!(
            f,
            "It is a draft: see it with `folio build --drafts`; write its summary, then set `draft: false` to publish."
        )
    }
}

/// The site's config.toml, read and parsed.
fn read_config(root: &Path) -> Result<crate::config::Config, Vec<Diagnostic>> {
    let path = Path::new("config.toml");
    let text = fs::read_to_string(root.join(path))
        .map_err(|e| vec![Diagnostic::io(path, "read the site config", &e)])?;
    crate::config::Config::parse(&text, path).map_err(|d| vec![d])
}

/// Create `content/articles/<slug>.md` in the site at `root`, as a draft dated `today`.
pub fn new_article(root: &Path, request: &ArticleRequest) -> Result<NewArticle, Vec<Diagnostic>> {
    let config = read_config(root)?;
    let author = choose_author(&config, request.author.as_deref()).map_err(|d| vec![d])?;
    let title = one_line(&request.title);
    let slug = match &request.slug {
        Some(s) => {
            Slug::parse(s).map_err(|e| vec![Diagnostic::error(format!("bad --slug: {e}"))])?
        }
        None => Slug::parse(&slugify(&title)).map_err(|_| {
            vec![
                Diagnostic::error(format!("cannot make a file name from the title `{title}`"))
                    .help("give one with `--slug my-article`"),
            ]
        })?,
    };
    let rel = PathBuf::from(format!("content/articles/{slug}.md"));
    let folder = PathBuf::from(format!("content/articles/{slug}/index.md"));
    let taken = |p: &Path| {
        Diagnostic::error(format!(
            "`{}` already exists; nothing was changed",
            display_path(p)
        ))
        .help("pick another title, or name the file with `--slug`")
    };
    if root.join(&folder).exists() {
        return Err(vec![taken(&folder)]);
    }
    let text = article_text(&title, &author, request.today, &request.tags);
    let path = root.join(&rel);
    let created = fs::create_dir_all(root.join("content/articles")).and_then(|()| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        file.write_all(text.as_bytes())
    });
    match created {
        Ok(()) => Ok(NewArticle {
            path: path.strip_prefix(".").unwrap_or(&path).to_path_buf(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(vec![taken(&rel)]),
        Err(e) => Err(vec![Diagnostic::io(&rel, "create", &e)]),
    }
}

/// The requested author, checked against config.toml; else the first one written there.
fn choose_author(config: &Config, requested: Option<&str>) -> Result<Slug, Diagnostic> {
    let ids = authors_in_file_order(config);
    let known = || match ids.is_empty() {
        true => "none".to_string(),
        false => ids.join(", "),
    };
    let Some(id) = requested else {
        return ids
            .first()
            .and_then(|id| Slug::parse(id).ok())
            .ok_or_else(|| {
                config
                    .point_at(Diagnostic::error("config.toml defines no authors"), "title")
                    .help("add one: `[authors.sam]` with `name = \"...\"` and `role = \"...\"`")
            });
    };
    match Slug::parse(id) {
        Ok(slug) if config.authors.contains_key(id) => Ok(slug),
        _ => {
            let suggestion = nearest(id, ids.iter().map(String::as_str))
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            Err(
                Diagnostic::error(format!("unknown author `{id}`")).help(format!(
                    "{suggestion}authors defined in config.toml: {}",
                    known()
                )),
            )
        }
    }
}

/// Author ids in the order config.toml lists them (the parsed config keeps them sorted).
fn authors_in_file_order(config: &Config) -> Vec<String> {
    let mut ids: Vec<(usize, String)> = config
        .authors
        .keys()
        .map(|k| (usize::MAX, k.clone()))
        .collect();
    if let Ok(doc) = toml::de::DeTable::parse(&config.source) {
        let authors = doc.get_ref().iter().find(|(k, _)| k.get_ref() == "authors");
        if let Some((_, value)) = authors
            && let toml::de::DeValue::Table(table) = value.get_ref()
        {
            for (key, _) in table.iter() {
                if let Some(entry) = ids.iter_mut().find(|(_, id)| id == key.get_ref()) {
                    entry.0 = key.span().start;
                }
            }
        }
    }
    ids.sort();
    ids.into_iter().map(|(_, id)| id).collect()
}

/// The title on one line, without control characters (a title is never multi-line).
fn one_line(title: &str) -> String {
    title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect()
}

/// The new article's file: front matter, then a short body to replace.
fn article_text(title: &str, author: &Slug, today: Date, tags: &[String]) -> String {
    let tags: Vec<String> = tags
        .iter()
        .map(|t| one_line(t))
        .filter(|t| !t.is_empty())
        .map(|t| yaml_string(&t))
        .collect();
    format!(
        "---\ntitle: {}\nauthor: {author}\ndate: {today}\nsummary: {PLACEHOLDER_SUMMARY}\ntags: [{}]\ndraft: true\n---\n\n\
         Start with the problem your reader has, in a sentence or two.\n\n\
         ## A first heading\n\n\
         Write the article in markdown. When it is ready, replace the summary above and set\n\
         `draft: false`.\n",
        yaml_string(title),
        tags.join(", ")
    )
}

/// A YAML double-quoted string: safe for any text with `"`, `:`, `#` or a leading `-`.
fn yaml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::content::front_matter;

    fn parse(text: &str) -> front_matter::FrontMatter {
        let source: Arc<str> = Arc::from(text);
        let split = front_matter::split(&source, Path::new("a.md")).unwrap();
        front_matter::parse(&source, split.yaml, Path::new("a.md")).unwrap()
    }

    #[test]
    fn new_article_front_matter_keeps_quotes_colons_and_backslashes() {
        let title = one_line("Retries: \"why\" \\ how\n # not a comment");
        let text = article_text(
            &title,
            &Slug::parse("ana").unwrap(),
            Date::constant(2025, 3, 14),
            &["a: b".into(), "\"c\"".into(), " ".into()],
        );
        let fm = parse(&text);
        assert_eq!(fm.title, "Retries: \"why\" \\ how # not a comment");
        assert_eq!(fm.tags, ["a: b", "\"c\""]);
        assert_eq!(fm.date.iso_day(), "2025-03-14");
        assert_eq!(fm.summary, PLACEHOLDER_SUMMARY);
        assert!(fm.draft);
    }

    #[test]
    fn welcome_article_parses() {
        let fm = parse(&WELCOME.replace("{{date}}", "2025-01-02"));
        assert_eq!(fm.author.value, "sam");
        assert!(!fm.tags.is_empty());
    }

    #[test]
    fn first_author_is_the_first_written() {
        let text = "title = \"t\"\nbase_url = \"https://e.com/\"\n[authors.zoe]\nname = \"Z\"\nrole = \"r\"\n[authors.ana]\nname = \"A\"\nrole = \"r\"\n";
        let config = Config::parse(text, Path::new("config.toml")).unwrap();
        assert_eq!(authors_in_file_order(&config), ["zoe", "ana"]);
        assert_eq!(choose_author(&config, None).unwrap().as_str(), "zoe");
        let err = choose_author(&config, Some("anna")).unwrap_err();
        assert!(err.help.unwrap().contains("zoe, ana"));
    }
}
