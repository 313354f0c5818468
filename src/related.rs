//! Ranking "More articles": pinned `related` entries first, then the most relevant other
//! articles by shared tags (weighted by rarity) and shared keywords of title, summary and
//! body. Uses inverted indexes, never all pairs, so it stays fast at 10,000 articles.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::content::slug::Slug;
use crate::diagnostics::{Diagnostic, nearest};
use crate::site::{RelatedRef, Site};

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

/// Shared tags count this much more than a shared keyword of the same rarity.
const TAG_WEIGHT: f64 = 2.0;
/// Keywords kept per article: the terms that best tell it apart from the rest.
const KEYWORDS_PER_ARTICLE: usize = 16;

/// One entry of an article's "More articles", with why it was picked.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub target: RelatedRef,
    /// 0 for pinned entries.
    pub score: f64,
    pub pinned: bool,
    pub shared_tags: Vec<String>,
    pub shared_words: Vec<String>,
}

/// An article's features for ranking: tag slugs and weighted keywords.
struct Features {
    keywords: Vec<(u32, f64)>,
}

/// "More articles" for every article of the site, in `site.articles` order.
pub fn rank_all(site: &Site) -> Vec<Vec<Pick>> {
    let count = site.config.more_articles.count;
    let index = Index::new(site);
    (0..site.articles.len())
        .into_par_iter()
        .map_init(
            || vec![0.0f64; site.articles.len()],
            |scores, i| index.picks(site, i, count, scores),
        )
        .collect()
}

/// "More articles" for one article (for `folio related`).
pub fn rank_one(site: &Site, article: usize) -> Vec<Pick> {
    let index = Index::new(site);
    let mut scores = vec![0.0; site.articles.len()];
    index.picks(site, article, site.config.more_articles.count, &mut scores)
}

struct Index {
    /// Tag slug index → (idf, articles).
    tags: Vec<(f64, Vec<u32>)>,
    tag_ids: HashMap<String, usize>,
    /// Keyword id → articles carrying it, with their weight.
    postings: Vec<Vec<(u32, f64)>>,
    words: Vec<String>,
    features: Vec<Features>,
}

impl Index {
    fn new(site: &Site) -> Index {
        let n = site.articles.len().max(1) as f64;
        let mut tag_ids = HashMap::new();
        let mut tags = Vec::new();
        for (slug, tag) in &site.tags {
            tag_ids.insert(slug.to_string(), tags.len());
            let idf = (n / tag.articles.len() as f64).ln() + 1.0;
            tags.push((idf, tag.articles.iter().map(|&i| i as u32).collect()));
        }
        let counts: Vec<HashMap<String, f64>> = site
            .articles
            .par_iter()
            .map(|a| term_counts(a.title(), &a.source.front_matter.summary, a.body()))
            .collect();
        let mut df: HashMap<&str, u32> = HashMap::new();
        for c in &counts {
            for term in c.keys() {
                *df.entry(term.as_str()).or_default() += 1;
            }
        }
        // Words in most articles tell nothing apart; dropping them also bounds postings lists.
        let max_df = (n.sqrt() * 4.0).max(20.0) as u32;
        let mut word_ids: HashMap<String, u32> = HashMap::new();
        let mut words = Vec::new();
        let mut postings: Vec<Vec<(u32, f64)>> = Vec::new();
        let mut features = Vec::with_capacity(counts.len());
        for (i, c) in counts.iter().enumerate() {
            let mut scored: Vec<(&str, f64)> = c
                .iter()
                .filter_map(|(t, tf)| {
                    let d = df[t.as_str()];
                    (d >= 2 && d <= max_df).then(|| (t.as_str(), tf.ln_1p() * (n / d as f64).ln()))
                })
                .collect();
            scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            scored.truncate(KEYWORDS_PER_ARTICLE);
            let mut keywords = Vec::with_capacity(scored.len());
            for (term, weight) in scored {
                let id = *word_ids.entry(term.to_string()).or_insert_with(|| {
                    words.push(term.to_string());
                    postings.push(Vec::new());
                    (words.len() - 1) as u32
                });
                postings[id as usize].push((i as u32, weight));
                keywords.push((id, weight));
            }
            features.push(Features { keywords });
        }
        Index {
            tags,
            tag_ids,
            postings,
            words,
            features,
        }
    }

    fn picks(&self, site: &Site, me: usize, count: usize, scores: &mut [f64]) -> Vec<Pick> {
        let article = &site.articles[me];
        let mut picks: Vec<Pick> = article
            .related
            .iter()
            .take(count)
            .map(|r| Pick {
                target: r.clone(),
                score: 0.0,
                pinned: true,
                shared_tags: vec![],
                shared_words: vec![],
            })
            .collect();
        if picks.len() >= count {
            return picks;
        }
        let mut touched: Vec<u32> = Vec::new();
        let mut add = |scores: &mut [f64], j: u32, w: f64| {
            if scores[j as usize] == 0.0 {
                touched.push(j);
            }
            scores[j as usize] += w;
        };
        for tag in &article.tags {
            let (idf, list) = &self.tags[self.tag_ids[tag.as_str()]];
            for &j in list {
                add(scores, j, TAG_WEIGHT * idf);
            }
        }
        for &(word, weight) in &self.features[me].keywords {
            for &(j, w) in &self.postings[word as usize] {
                add(scores, j, weight * w / 10.0);
            }
        }
        let taken = |j: usize| {
            j == me
                || article
                    .related
                    .iter()
                    .any(|r| matches!(r, RelatedRef::Article(k) if *k == j))
        };
        let mut candidates: Vec<(f64, usize)> = touched
            .iter()
            .map(|&j| (scores[j as usize], j as usize))
            .filter(|&(_, j)| !taken(j))
            .collect();
        for &j in &touched {
            scores[j as usize] = 0.0;
        }
        // Articles are newest first, so a lower index breaks ties by date, then slug.
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let need = count - picks.len();
        let mut chosen: Vec<usize> = candidates.iter().take(need).map(|c| c.1).collect();
        // Too few related articles: fill with the newest others, so the block is never short.
        if chosen.len() < need {
            for j in 0..site.articles.len() {
                if chosen.len() >= need {
                    break;
                }
                if !taken(j) && !chosen.contains(&j) {
                    chosen.push(j);
                }
            }
        }
        for j in chosen {
            let score = candidates.iter().find(|c| c.1 == j).map_or(0.0, |c| c.0);
            picks.push(self.explain(site, me, j, score));
        }
        picks
    }

    fn explain(&self, site: &Site, me: usize, other: usize, score: f64) -> Pick {
        let (a, b) = (&site.articles[me], &site.articles[other]);
        let shared_tags = a
            .tags
            .iter()
            .filter(|t| b.tags.contains(t))
            .map(|t| site.tags[t].name.clone())
            .collect();
        let theirs: Vec<u32> = self.features[other].keywords.iter().map(|k| k.0).collect();
        let shared_words = self.features[me]
            .keywords
            .iter()
            .filter(|k| theirs.contains(&k.0))
            .map(|k| self.words[k.0 as usize].clone())
            .collect();
        Pick {
            target: RelatedRef::Article(other),
            score,
            pinned: false,
            shared_tags,
            shared_words,
        }
    }
}

/// Weighted term counts: title words count 3, summary 2, body 1.
fn term_counts(title: &str, summary: &str, body: &str) -> HashMap<String, f64> {
    let mut counts = HashMap::new();
    for (text, weight) in [(title, 3.0), (summary, 2.0), (body, 1.0)] {
        for word in words(text) {
            *counts.entry(word).or_insert(0.0) += weight;
        }
    }
    counts
}

/// Lowercased words of three letters or more, without common English function words.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
}

const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was",
    "one", "our", "out", "has", "have", "with", "this", "that", "from", "they", "will", "would",
    "there", "their", "what", "about", "which", "when", "your", "into", "than", "then", "them",
    "these", "those", "some", "more", "most", "other", "only", "also", "just", "like", "been",
    "were", "does", "each", "how", "its", "it's", "who", "why", "use", "used", "using", "very",
    "over", "such", "here", "where", "while", "because", "should", "could", "we're",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_drop_short_and_common_ones() {
        let w: Vec<String> = words("The Retry budget, and 2025 retries: a loop!").collect();
        assert_eq!(w, ["retry", "budget", "retries", "loop"]);
    }

    #[test]
    fn title_words_weigh_more_than_body_words() {
        let c = term_counts("Postgres locks", "", "postgres vacuum");
        assert_eq!(c["postgres"], 4.0);
        assert_eq!(c["vacuum"], 1.0);
    }
}
