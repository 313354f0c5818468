//! Which pages an edit changed: two models compared page by page by what each page shows
//! (cards, bodies, More articles, list contents), so a rebuild renders only those pages.

use std::sync::Arc;

use super::{Model, PageJob, page_slice, pages};
use crate::site::RelatedRef;

impl Model<'_> {
    /// Whether every page would get the same `site` and `assets` as in `old`.
    pub fn same_globals(&self, old: &Model) -> bool {
        self.globals == old.globals
    }

    /// Whether article `i`'s More articles shows what article `j`'s showed in `old`: the same
    /// entries with the same cards (compared in place, without building the entries).
    fn same_more(&self, i: usize, old: &Model, j: usize) -> bool {
        let (new_picks, old_picks) = (&self.picks[i], &old.picks[j]);
        new_picks.len() == old_picks.len()
            && new_picks
                .iter()
                .zip(old_picks)
                .all(|(a, b)| match (&a.target, &b.target) {
                    (RelatedRef::Article(x), RelatedRef::Article(y)) => {
                        self.summaries[*x] == old.summaries[*y]
                    }
                    (x, y) => x == y,
                })
    }

    /// Whether page `job` of this model shows exactly what `old_job` showed in `old`
    /// (both jobs have the same output path). Assumes `same_globals`.
    pub fn same_page(&self, job: &PageJob, old: &Model, old_job: &PageJob) -> bool {
        let per = self.site.config.paginate;
        let totals = |a: usize, b: usize| pages(a, per) == pages(b, per);
        match (job, old_job) {
            (PageJob::Article(i), PageJob::Article(j)) => {
                let (new_fm, old_fm) = (
                    &self.site.articles[*i].source.front_matter,
                    &old.site.articles[*j].source.front_matter,
                );
                self.summaries[*i] == old.summaries[*j]
                    && Arc::ptr_eq(&self.bodies[*i], &old.bodies[*j])
                    && self.same_more(*i, old, *j)
                    && new_fm.extra == old_fm.extra
            }
            (PageJob::Index(n), PageJob::Index(_)) => {
                page_slice(&self.summaries, *n, per) == page_slice(&old.summaries, *n, per)
                    && totals(self.summaries.len(), old.summaries.len())
            }
            (PageJob::Author(id), PageJob::Author(_)) => {
                self.authors.get(id) == old.authors.get(id)
                    && self.author_list(id) == old.author_list(id)
            }
            (PageJob::Tags, PageJob::Tags) => self.tag_contexts() == old.tag_contexts(),
            (PageJob::Tag(slug, n), PageJob::Tag(..)) => {
                let (Some(new_tag), Some(old_tag)) = (
                    self.site.tags.get(slug.as_str()),
                    old.site.tags.get(slug.as_str()),
                ) else {
                    return false;
                };
                let (new_list, old_list) = (self.tag_list(new_tag), old.tag_list(old_tag));
                self.tag_context(new_tag) == old.tag_context(old_tag)
                    && page_slice(&new_list, *n, per) == page_slice(&old_list, *n, per)
                    && totals(new_list.len(), old_list.len())
            }
            (PageJob::NotFound, PageJob::NotFound) => true,
            _ => false,
        }
    }
}
