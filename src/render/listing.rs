//! Paginated lists of articles (an author's, a tag's, the home page): which articles each
//! page shows, and its paginator.

use super::context::{Paginator, page_url};
use super::{Card, Model, Page, PageData, alternates};
use crate::key::Keyed;

/// A paginated list of articles: an author's or a tag's.
pub(super) struct Listing<'s> {
    pub kind: &'static str,
    pub template: &'static str,
    pub title: &'s str,
    pub description: String,
    /// The first page's path, e.g. `tags/x/`.
    pub first: String,
    pub feed_title: String,
}

impl<'a> Model<'a> {
    /// The pages of `listing`, `paginate` articles of `list` each, with the Atom feed beside
    /// its first page announced in their heads.
    pub(super) fn paged(
        &self,
        pages: &mut Vec<Page<'a>>,
        listing: &Listing,
        list: &[&'a Keyed<Card>],
        data: impl Fn(Vec<&'a Keyed<Card>>, Paginator) -> PageData<'a>,
    ) {
        let per_page = self.globals.config.paginate.max(1);
        let total = page_count(list.len(), per_page);
        let (url, _) = self.globals.urls(&listing.first);
        for n in 1..=total {
            let path = page_url(&listing.first, n);
            let mut meta = self.meta(listing.kind, listing.title, &listing.description, &path);
            meta.feeds
                .push(alternates::atom(listing.feed_title.clone(), &url));
            pages.push(Page {
                path: paged_file(&listing.first, n),
                template: listing.template,
                meta,
                data: data(
                    page_slice(list, n, per_page).to_vec(),
                    Paginator::new(&url, n, total),
                ),
            });
        }
    }
}

/// Number of pages for `items` at `per_page` (at least one, so an empty site has a home).
pub(super) fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page.max(1)).max(1)
}

/// Output file of page `n` of a list whose first page is at `first` (`tags/x/`).
pub(super) fn paged_file(first: &str, n: usize) -> String {
    format!("{}index.html", page_url(first, n))
}

pub(super) fn page_slice<T>(items: &[T], n: usize, per_page: usize) -> &[T] {
    let start = ((n - 1) * per_page).min(items.len());
    &items[start..(start + per_page).min(items.len())]
}
