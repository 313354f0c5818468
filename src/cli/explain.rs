//! `folio related <slug>`: the text explaining an article's "More articles" picks.

use crate::content::slug::Slug;
use crate::diagnostics::{Diagnostic, nearest};
use crate::engine::model::{RelatedRef, Site};
use crate::engine::rank::rank_one;

/// `folio related <slug>`: the article's picks, each with its score and why it was chosen.
pub fn explain(site: &Site, slug: &str) -> Result<String, Diagnostic> {
    use std::fmt::Write;
    let Some(&index) = Slug::parse(slug).ok().and_then(|s| site.by_slug.get(&s)) else {
        let mut d = Diagnostic::error(format!("no article with slug `{slug}`"));
        if let Some(n) = nearest(slug, site.by_slug.keys().map(Slug::as_str)) {
            d = d.help(format!("did you mean `{n}`?"));
        }
        return Err(d);
    };
    let article = &site.articles[index];
    let mut out = format!(
        "More articles for `{}` ({}):\n",
        article.slug,
        article.title()
    );
    for (n, pick) in rank_one(site, index).iter().enumerate() {
        let (title, id) = match &pick.target {
            RelatedRef::Article(j) => (site.articles[*j].title(), site.articles[*j].slug.as_str()),
            RelatedRef::External { title, url, .. } => (title.as_str(), url.as_str()),
        };
        let _ = writeln!(out, "{:>2}. {title} [{id}]", n + 1);
        if pick.pinned {
            out.push_str("    pinned: listed under `related` in the front matter\n");
            continue;
        }
        if pick.in_series {
            let part = match &pick.target {
                RelatedRef::Article(j) => site.articles[*j].series.as_ref(),
                RelatedRef::External { .. } => None,
            };
            if let Some((id, n)) = part {
                let _ = writeln!(out, "    part {n} of the series `{id}`");
            }
            continue;
        }
        let _ = writeln!(out, "    score {:.2}", pick.score);
        if !pick.shared_tags.is_empty() {
            let _ = writeln!(out, "    shared tags: {}", pick.shared_tags.join(", "));
        }
        if !pick.shared_words.is_empty() {
            let _ = writeln!(out, "    shared words: {}", pick.shared_words.join(", "));
        }
        if pick.shared_tags.is_empty() && pick.shared_words.is_empty() {
            out.push_str("    nothing in common: filled in as one of the newest articles\n");
        }
    }
    Ok(out)
}
