//! Heading ids (readable, unique within a page, `{#custom}` honoured) and the nested table
//! of contents built from them.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::content::slug::slugify;

/// One entry of `article.toc`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// For each base taken, the first suffix not yet tried: suffixes below it are all
    /// taken, so 20,000 equal headings cost 20,000 steps, not 200 million.
    next_suffix: HashMap<String, usize>,
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
        if self.used.insert(base.clone()) {
            return base;
        }
        let mut n = self.next_suffix.get(&base).copied().unwrap_or(1);
        let id = loop {
            let id = format!("{base}-{n}");
            n += 1;
            if self.used.insert(id.clone()) {
                break id;
            }
        };
        self.next_suffix.insert(base, n);
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
    fn suffixes_skip_ids_taken_by_other_headings() {
        let mut ids = HeadingIds::default();
        assert_eq!(ids.assign(None, "Setup 1"), "setup-1");
        assert_eq!(ids.assign(None, "Setup"), "setup");
        assert_eq!(ids.assign(None, "Setup"), "setup-2");
        assert_eq!(ids.assign(Some("setup-3"), "x"), "setup-3");
        assert_eq!(ids.assign(None, "Setup"), "setup-4");
        assert_eq!(ids.assign(Some("setup"), "x"), "setup-5");
    }

    #[test]
    fn twenty_thousand_equal_headings_take_linear_time() {
        let mut ids = HeadingIds::default();
        let started = std::time::Instant::now();
        for _ in 0..20_000 {
            ids.assign(None, "Same");
        }
        assert_eq!(ids.assign(None, "Same"), "same-20000");
        // Quadratic, this is 200 million tries: minutes in a debug build.
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
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
