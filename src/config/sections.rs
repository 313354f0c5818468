//! The sections of `config.toml` below the top level (`[brand]`, `[images]`, `[search]`...),
//! each with its defaults. Checking them against each other is `Config`'s (`config/mod.rs`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorConfig {
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub bio: Option<String>,
    /// An image file in the site (path from the site root), shown with the author.
    #[serde(default)]
    pub photo: Option<String>,
    #[serde(default)]
    pub links: AuthorLinks,
}

/// `[authors.<id>.links]`: the author elsewhere; each an http(s) URL.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthorLinks {
    pub website: Option<String>,
    pub linkedin: Option<String>,
    pub github: Option<String>,
    pub mastodon: Option<String>,
}

impl AuthorLinks {
    /// (key, what to call it, URL) of each link given, in a fixed order.
    pub fn list(&self) -> Vec<(&'static str, &'static str, &str)> {
        [
            ("website", "Website", &self.website),
            ("linkedin", "LinkedIn", &self.linkedin),
            ("github", "GitHub", &self.github),
            ("mastodon", "Mastodon", &self.mastodon),
        ]
        .into_iter()
        .filter_map(|(key, label, url)| url.as_deref().map(|u| (key, label, u)))
        .collect()
    }
}

/// `[brand]`: the firm's look in the theme, without changing the theme. Paths are files in
/// the site (from its root), copied into the output.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct BrandConfig {
    /// An SVG or PNG, shown in the header.
    pub logo: Option<String>,
    /// An SVG, PNG or ICO.
    pub favicon: Option<String>,
    /// A CSS hex colour (`#0b5d6b`) for links, buttons and highlights.
    pub accent: Option<String>,
    /// A CSS font stack for the text, e.g. `"Inter", system-ui, sans-serif`.
    pub font: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Office {
    pub city: String,
    #[serde(default)]
    pub address: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cta {
    pub heading: String,
    #[serde(default)]
    pub text: String,
    pub link_text: String,
    pub link: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MoreArticles {
    #[serde(default = "default_more_count")]
    pub count: usize,
}

impl Default for MoreArticles {
    fn default() -> Self {
        MoreArticles {
            count: default_more_count(),
        }
    }
}

/// `[feed]`: the Atom feed at `/atom.xml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedConfig {
    /// How many of the newest articles the feed carries.
    pub limit: usize,
    /// Whole articles in the feed, instead of their summaries only.
    pub full_content: bool,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig {
            limit: 20,
            full_content: false,
        }
    }
}

/// `[series.<id>]`: a series of articles, named here rather than in each part.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesConfig {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// `[redirects]`: how old addresses (`aliases:`) are redirected besides their pages.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedirectsConfig {
    /// Also write `_redirects` (read by Netlify and Cloudflare Pages): real 301s.
    pub netlify: bool,
}

/// `[limits]`: bounds that keep one article or template from taking a build's time, memory
/// or disk.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Most tags one article may have (its tag pages grow with the square of it).
    pub tags_per_article: usize,
    /// Longest one page may take to render before it is taken for an endless loop.
    pub page_render_seconds: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            tags_per_article: 20,
            page_render_seconds: 5.0,
        }
    }
}

impl Limits {
    pub fn page_time(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(self.page_render_seconds)
    }
}

/// `[images]`: what folio makes of the images beside folder articles.
#[derive(Debug, Clone, Deserialize, Serialize, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// Make resized variants and modern formats. Off, images are copied as they are (and
    /// still get their width and height).
    pub process: bool,
    /// Widths of the resized variants, in pixels; never wider than the image itself.
    pub widths: Vec<u32>,
    /// Modern formats offered beside the original: `webp`.
    pub formats: Vec<ModernFormat>,
    /// Quality of lossy variants (JPEG, and WebP made from a JPEG), 1–100.
    pub quality: u8,
    /// The `sizes` attribute: how wide the image shows at each viewport width.
    pub sizes: String,
    /// `folio check` warns about an image whose heaviest variant is bigger than this.
    pub max_kb: u64,
}

/// A format offered in a `<source>` beside the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ModernFormat {
    Webp,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            process: true,
            widths: vec![480, 960, 1600],
            formats: vec![ModernFormat::Webp],
            quality: 80,
            sizes: "(min-width: 46rem) 42rem, calc(100vw - 2.5rem)".into(),
            max_kb: 400,
        }
    }
}

/// `[cards]`: the picture a shared link shows (`og:image`), drawn for every article.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CardsConfig {
    /// Draw a card for every article (with `[brand]`'s accent and logo).
    pub enabled: bool,
}

impl Default for CardsConfig {
    fn default() -> Self {
        CardsConfig { enabled: true }
    }
}

/// `[search]`: the full-text search index and the `/search/` page.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// Build the index (and the search page, when the theme has `search.html`).
    pub enabled: bool,
    /// How many words of an article a result's excerpt shows.
    pub excerpt_words: usize,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enabled: true,
            excerpt_words: 30,
        }
    }
}

/// `[markdown]`: how article bodies are rendered.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    pub smart_punctuation: bool,
    pub external_links_new_tab: bool,
    pub raw_html: bool,
    pub highlight_code: bool,
    pub highlight: HighlightConfig,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            smart_punctuation: true,
            external_links_new_tab: false,
            raw_html: false,
            highlight_code: true,
            highlight: HighlightConfig::default(),
        }
    }
}

/// `[markdown.highlight]`: the syntax themes for light and dark colour schemes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct HighlightConfig {
    pub light: String,
    pub dark: String,
}

impl Default for HighlightConfig {
    fn default() -> Self {
        HighlightConfig {
            light: "InspiredGitHub".into(),
            dark: "Monokai Extended".into(),
        }
    }
}

fn default_more_count() -> usize {
    4
}
