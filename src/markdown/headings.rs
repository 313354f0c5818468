//! Heading ids (readable, unique within a page, `{#custom}` honoured) and the nested table
//! of contents built from them.

use std::collections::HashSet;

use serde::Serialize;

use crate::content::slug::slugify;

/// One entry of `article.toc`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// Hands out heading ids, never the same twice in one page.
#[derive(Debug, Default)]
pub struct HeadingIds {
    used: HashSet<String>,
}

impl HeadingIds {
    /// An explicit id is kept as written when free; otherwise the slug of the text, with
    /// `-1`, `-2`... appended until it is unique.
    pub fn assign(&mut self, explicit: Option<&str>, text: &str) -> String {
        let base = match explicit {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => {
                let s = slugify(text);
                if s.is_empty() {
                    "section".to_string()
                } else {
                    s
                }
            }
        };
        let mut id = base.clone();
        let mut n = 1;
        while !self.used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    pub fn contains(&self, id: &str) -> bool {
        self.used.contains(id)
    }

    pub fn into_set(self) -> HashSet<String> {
        self.used
    }
}

/// Nest a flat list of headings: each heading becomes a child of the nearest earlier
/// heading of a smaller level.
pub fn nest(flat: Vec<TocEntry>) -> Vec<TocEntry> {
    let mut root: Vec<TocEntry> = Vec::new();
    for entry in flat {
        insert(&mut root, entry);
    }
    root
}

fn insert(siblings: &mut Vec<TocEntry>, entry: TocEntry) {
    match siblings.last_mut() {
        Some(last) if last.level < entry.level => insert(&mut last.children, entry),
        _ => siblings.push(entry),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(level: u8, id: &str) -> TocEntry {
        TocEntry {
            level,
            id: id.into(),
            title: id.into(),
            children: vec![],
        }
    }

    #[test]
    fn ids_are_unique_with_numbered_suffixes() {
        let mut ids = HeadingIds::default();
        assert_eq!(ids.assign(None, "Setup"), "setup");
        assert_eq!(ids.assign(None, "Setup"), "setup-1");
        assert_eq!(ids.assign(None, "Setup!"), "setup-2");
        assert_eq!(ids.assign(Some("custom"), "Whatever"), "custom");
        assert_eq!(ids.assign(None, "???"), "section");
    }

    #[test]
    fn toc_nests_by_level() {
        let toc = nest(vec![
            entry(2, "a"),
            entry(3, "a1"),
            entry(3, "a2"),
            entry(2, "b"),
            entry(4, "b1"),
        ]);
        assert_eq!(toc.len(), 2);
        assert_eq!(toc[0].children.len(), 2);
        assert_eq!(toc[1].children[0].id, "b1");
    }
}
