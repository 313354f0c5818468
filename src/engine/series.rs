//! Series: articles that belong together (`series: {id, part}`), read in order. Checks that
//! every series is numbered 1, 2, 3… with no part missing or given twice (over every
//! article file, drafts too, so a numbering mistake shows before it is published), and
//! links each part to the others. Plain data; no I/O.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::model::Article;
use crate::config::Config;
use crate::content::SourceFile;
use crate::content::slug::Slug;
use crate::diagnostics::{Diagnostic, display_path};

/// A series and its parts in this build.
#[derive(Debug, Clone)]
pub struct Series {
    pub id: Slug,
    /// From `[series.<id>] title`, else made from the id (`postgres-at-scale` → "Postgres at
    /// scale").
    pub title: String,
    pub description: Option<String>,
    /// (part number, index into `Site::articles`), in part order.
    pub parts: Vec<(u32, usize)>,
}

/// The title of series `id`: as configured, else the id with its first letter capitalised
/// and `-`/`_` as spaces.
pub fn title_of(config: &Config, id: &str) -> String {
    if let Some(s) = config.series.get(id) {
        return s.title.clone();
    }
    let words = id.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

/// Errors in the numbering of every series, over all article files (`files`, in path
/// order): an id that is no slug, a part given twice, a part missing.
pub fn check_numbers(files: &[Arc<SourceFile>]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut by_id: BTreeMap<Slug, Vec<(u32, &SourceFile)>> = BTreeMap::new();
    for file in files {
        let Some(s) = &file.front_matter.series else {
            continue;
        };
        match Slug::parse(&s.id) {
            Ok(id) => by_id.entry(id).or_default().push((s.part, file)),
            Err(e) => diags.push(at_series(file, format!("invalid series id `{}`", s.id)).label(e)),
        }
    }
    for (id, mut parts) in by_id {
        parts.sort_by_key(|(part, _)| *part);
        let mut expected = 1;
        for (i, &(part, file)) in parts.iter().enumerate() {
            let before = i.checked_sub(1).map(|j| parts[j]);
            match before {
                Some((p, other)) if p == part => diags.push(
                    at_series(
                        file,
                        format!(
                            "part {part} of series `{id}` is given twice: `{}` is part {part} too",
                            display_path(&other.path)
                        ),
                    )
                    .label("this part number is taken")
                    .help("number the parts of a series 1, 2, 3… with each number once"),
                ),
                _ if part != expected => {
                    let message = match before {
                        Some((p, other)) => format!(
                            "series `{id}` has no part {expected}: `{}` is part {p}, this is part {part}",
                            display_path(&other.path)
                        ),
                        None => format!(
                            "series `{id}` has no part {expected}: this is its first part, numbered {part}"
                        ),
                    };
                    diags.push(
                        at_series(file, message)
                            .label("a part is missing before this one")
                            .help("number the parts of a series 1, 2, 3… with no gaps (drafts count too)"),
                    );
                }
                _ => {}
            }
            expected = part + 1;
        }
    }
    diags
}

fn at_series(file: &SourceFile, message: String) -> Diagnostic {
    let d = Diagnostic::error(message).in_file(&file.path);
    match &file.front_matter.series {
        Some(s) => d.at(file.text(), s.span.clone()),
        None => d,
    }
}

/// The series of this build's `articles`, each article told its series and the other parts.
pub fn collect(config: &Config, articles: &mut [Article]) -> BTreeMap<Slug, Series> {
    let mut series: BTreeMap<Slug, Series> = BTreeMap::new();
    for (i, a) in articles.iter_mut().enumerate() {
        let Some(s) = &a.source.front_matter.series else {
            continue;
        };
        // A bad id is reported by `check_numbers`.
        let Ok(id) = Slug::parse(&s.id) else {
            continue;
        };
        a.series = Some((id.clone(), s.part));
        let entry = series.entry(id.clone()).or_insert_with(|| Series {
            title: title_of(config, id.as_str()),
            description: config
                .series
                .get(id.as_str())
                .and_then(|c| c.description.clone()),
            id,
            parts: Vec::new(),
        });
        entry.parts.push((s.part, i));
    }
    for s in series.values_mut() {
        s.parts.sort();
        for &(_, i) in &s.parts {
            articles[i].series_others = s.parts.iter().map(|p| p.1).filter(|&j| j != i).collect();
        }
    }
    series
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn titles_come_from_the_config_or_the_id() {
        let config = Config::parse(
            "title = \"T\"\nbase_url = \"https://x.com/\"\n[series.pg]\ntitle = \"Postgres at scale\"\n",
            Path::new("config.toml"),
        )
        .unwrap();
        assert_eq!(title_of(&config, "pg"), "Postgres at scale");
        assert_eq!(
            title_of(&config, "zero-downtime_moves"),
            "Zero downtime moves"
        );
    }
}
