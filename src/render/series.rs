//! Series on pages: each series' own page (`/series/<id>/`, its parts in order) and, on
//! each part, where it stands among the others ("Part 2 of 4", the previous and next part).

use super::context::{SeriesContext, SeriesNav, SeriesPart, SeriesRef};
use super::{Card, Model, Page, PageData};
use crate::config::Config;
use crate::engine::model::Series;
use crate::key::Keyed;

/// The template of series pages; themes without it cannot build a site with a series.
pub const TEMPLATE: &str = "series.html";

/// How lists show an article's series (`article.series`), from its own front matter and
/// the config alone.
pub fn series_ref(config: &Config, base_path: &str, id: &str, part: u32) -> SeriesRef {
    SeriesRef {
        id: id.to_string(),
        title: crate::engine::series::title_of(config, id),
        url: format!("{base_path}series/{id}/"),
        part,
    }
}

fn context(series: &Series, base_path: &str, base_url: &str) -> SeriesContext {
    let path = format!("series/{}/", series.id);
    SeriesContext {
        id: series.id.to_string(),
        title: series.title.clone(),
        description: series.description.clone(),
        url: format!("{base_path}{path}"),
        permalink: format!("{base_url}{path}"),
        count: series.parts.len(),
    }
}

impl<'a> Model<'a> {
    /// Every series' page.
    pub(super) fn series_pages(&self, all: &[&'a Keyed<Card>], pages: &mut Vec<Page<'a>>) {
        let c = &self.globals.config;
        for series in self.site.series.values() {
            let ctx = context(series, &self.globals.base_path, &c.base_url);
            let description = series.description.clone().unwrap_or_else(|| {
                format!("A series of {} articles on {}", series.parts.len(), c.title)
            });
            let path = format!("series/{}/", series.id);
            pages.push(Page {
                path: format!("{path}index.html"),
                template: TEMPLATE,
                meta: self.meta("series", &series.title, &description, &path),
                data: PageData::Series {
                    series: ctx,
                    articles: series.parts.iter().map(|&(_, i)| all[i]).collect(),
                },
            });
        }
    }

    /// Article `i`'s place in its series, if it is part of one.
    pub(super) fn series_nav(&self, i: usize) -> Option<SeriesNav> {
        let (id, part) = self.site.articles[i].series.as_ref()?;
        let series = self.site.series.get(id)?;
        let parts: Vec<SeriesPart> = series
            .parts
            .iter()
            .map(|&(n, j)| SeriesPart {
                part: n,
                title: self.cards[j].summary.title.clone(),
                url: self.cards[j].summary.url.clone(),
                current: j == i,
            })
            .collect();
        let at = parts.iter().position(|p| p.current)?;
        Some(SeriesNav {
            title: series.title.clone(),
            url: format!("{}series/{id}/", self.globals.base_path),
            part: *part,
            total: series.parts.last().map_or(*part, |p| p.0),
            prev: at.checked_sub(1).map(|p| parts[p].clone()),
            next: parts.get(at + 1).cloned(),
            parts,
        })
    }
}
