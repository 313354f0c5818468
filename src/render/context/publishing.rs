//! What templates see of series, feeds and cross-posted articles. Part of the contract with
//! theme authors (`render::context`): every field is documented in docs/themes.md, and a
//! test below keeps the two in step.

use serde::Serialize;

pub use crate::content::front_matter::FirstPublished;

/// An article's series, as lists show it (`article.series`).
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct SeriesRef {
    pub id: String,
    pub title: String,
    pub url: String,
    pub part: u32,
}

/// `article.series_nav`: the article's place among the parts of its series.
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct SeriesNav {
    pub title: String,
    pub url: String,
    pub part: u32,
    /// The highest part number in this build.
    pub total: u32,
    pub prev: Option<SeriesPart>,
    pub next: Option<SeriesPart>,
    /// Every part in this build, in order, this one included.
    pub parts: Vec<SeriesPart>,
}

/// One part of a series.
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct SeriesPart {
    pub part: u32,
    pub title: String,
    pub url: String,
    pub current: bool,
}

/// `series` on `series.html`.
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct SeriesContext {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub url: String,
    pub permalink: String,
    pub count: usize,
}

/// A feed of a page, for `<link rel="alternate">` in its head (`page.feeds`).
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct FeedLink {
    pub title: String,
    /// Site-relative URL (with the base path).
    pub url: String,
    /// `application/atom+xml` or `application/feed+json`.
    #[serde(rename = "type")]
    pub media_type: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_guide_documents_every_field() {
        let guide = include_str!("../../../docs/themes.md");
        let part = SeriesPart {
            part: 1,
            title: String::new(),
            url: String::new(),
            current: true,
        };
        let values = [
            serde_json::to_value(SeriesRef {
                id: String::new(),
                title: String::new(),
                url: String::new(),
                part: 1,
            }),
            serde_json::to_value(SeriesNav {
                title: String::new(),
                url: String::new(),
                part: 1,
                total: 1,
                prev: None,
                next: None,
                parts: vec![part.clone()],
            }),
            serde_json::to_value(part),
            serde_json::to_value(SeriesContext {
                id: String::new(),
                title: String::new(),
                description: None,
                url: String::new(),
                permalink: String::new(),
                count: 0,
            }),
            serde_json::to_value(FeedLink {
                title: String::new(),
                url: String::new(),
                media_type: "",
            }),
            serde_json::to_value(FirstPublished {
                name: String::new(),
                url: String::new(),
            }),
        ];
        for value in values {
            for key in value.unwrap().as_object().unwrap().keys() {
                assert!(
                    guide.contains(&format!("`{key}`")) || guide.contains(&format!(".{key}`")),
                    "docs/themes.md does not document `{key}`"
                );
            }
        }
    }
}
