//! Article bodies from markdown: the costly step (parsing, highlighting), done once per
//! distinct input, kept in memory between builds and in the disk cache between runs. A
//! body's key covers everything `markdown::render` reads: the body text, the article's path
//! (relative links and images resolve from it), the files beside it, the `[markdown]`
//! config, the templates of the markdown components, and the versions of folio and of the
//! crates that render. Links to other articles stay holes here (see `links`), so an edit
//! elsewhere in the site never renders this body again.

use std::sync::Arc;

use rayon::prelude::*;

use super::memo::Memo;
use super::model::{Article, Site};
use super::packed::{self, Keeping, Packed};
use crate::config::MarkdownConfig;
use crate::diagnostics::Diagnostic;
use crate::disk_cache::DiskCache;
use crate::images::ArticleImages;
use crate::key::{Key, Keyed};
use crate::markdown::{self, Html, Rendered};
use crate::render::components::TemplateComponents;

/// Rendered bodies, kept between builds.
pub type RenderedMemo = Memo<Arc<Keyed<Rendered>>>;

/// The key of an article's rendered body: its text, path and files beside it, its images
/// as planned, and `markdown` (the key of the `[markdown]` config and of the components'
/// templates).
pub fn key(article: &Article, markdown: Key, images: &Keyed<ArticleImages>) -> Key {
    Key::of(
        "rendered body",
        &(
            article.source.body_key,
            &article.source.path,
            &*article.assets,
            markdown,
            images,
            &*crate::disk_cache::RENDERER_VERSIONS,
        ),
    )
}

/// The key of the `[markdown]` config.
pub fn markdown_key(config: &MarkdownConfig) -> Key {
    // Serialized, so a key added to the config can never be left out of the key.
    Key::of(
        "markdown config",
        &serde_json::to_string(config).unwrap_or_default(),
    )
}

/// Every article's body, rendered (reusing `memo`, else from `cache`), by article index.
pub fn render_all(
    site: &Site,
    images: &[Arc<Keyed<ArticleImages>>],
    (memo, cache): (&mut RenderedMemo, Option<&DiskCache>),
    (components, components_key): &(Arc<TemplateComponents>, Key),
) -> Vec<Arc<Keyed<Rendered>>> {
    let md = &site.config.markdown;
    let md_key = Key::of("markdown inputs", &(markdown_key(md), components_key));
    let keys: Vec<Key> = site
        .articles
        .par_iter()
        .zip(images)
        .map(|(a, img)| key(a, md_key, img))
        .collect();
    let renderer = Renderer {
        site,
        images,
        md: Arc::new(md.clone()),
        components,
        keys: &keys,
    };
    let pack = cache.map(|c| Packed::new(c, META_PACK));
    let keeping = pack.as_ref().map(|packed| Bodies {
        packed,
        renderer: &renderer,
    });
    packed::take_all_kept(
        memo,
        &keys,
        keeping.as_ref(),
        || (),
        |_, i| Arc::new(Keyed::new(keys[i], renderer.render(i)())),
    )
}

/// What rendering a body reads.
struct Renderer<'a> {
    site: &'a Site,
    images: &'a [Arc<Keyed<ArticleImages>>],
    md: Arc<MarkdownConfig>,
    components: &'a Arc<TemplateComponents>,
    keys: &'a [Key],
}

impl Renderer<'_> {
    /// What renders article `i`'s body, holding what it reads (a cached body's HTML, if its
    /// entry has gone by the time a page asks for it, is made again).
    fn render(&self, i: usize) -> impl Fn() -> Rendered + Send + Sync + Clone + 'static {
        let (a, md) = (&self.site.articles[i], self.md.clone());
        let (source, assets) = (a.source.clone(), a.assets.clone());
        let (images, components) = (self.images[i].clone(), self.components.clone());
        move || {
            crate::crash::panic_if_asked(source.body());
            markdown::render(
                source.body(),
                &source.path,
                &assets,
                &md,
                &images,
                &*components,
            )
        }
    }
}

/// How bodies are kept: the metadata of many in one pack, each body (metadata and HTML) in
/// its own entry, which a body always has: the pack holds no HTML.
struct Bodies<'a> {
    packed: &'a Packed<'a>,
    renderer: &'a Renderer<'a>,
}

impl Keeping<Arc<Keyed<Rendered>>> for Bodies<'_> {
    fn packed(&self) -> &Packed<'_> {
        self.packed
    }
    fn stored(&self, i: usize) -> Key {
        self.renderer.keys[i]
    }
    fn unpack(&self, i: usize, meta: &[u8]) -> Option<Arc<Keyed<Rendered>>> {
        let key = self.renderer.keys[i];
        let body = with_meta(self.packed.cache(), key, meta, self.renderer.render(i))?;
        Some(Arc::new(Keyed::new(key, body)))
    }
    fn read(&self, i: usize) -> Option<Arc<Keyed<Rendered>>> {
        let key = self.renderer.keys[i];
        let body = load(self.packed.cache(), key, self.renderer.render(i))?;
        Some(Arc::new(Keyed::new(key, body)))
    }
    /// A body whose templates failed is not kept.
    fn pack_bytes(&self, body: &Arc<Keyed<Rendered>>) -> Option<Vec<u8>> {
        body.template_errors
            .is_empty()
            .then(|| crate::disk_cache::encode::<Rendered>(body))
            .flatten()
    }
    fn keep(&self, i: usize, body: &Arc<Keyed<Rendered>>, _: bool) {
        store(self.packed.cache(), self.renderer.keys[i], body);
    }
}

/// What a cached body's file starts with; a file without it is no body (and is re-made).
const MAGIC: &[u8] = b"folio body 2\n";

/// The cache entry of the body with `key`.
pub fn entry_name(key: Key) -> String {
    key.hex()
}

/// The kind of the pack of bodies' metadata.
const META_PACK: &str = "body metadata";

/// The cache entry of the pack of bodies' metadata (kept by pruning too).
pub fn meta_pack_name() -> String {
    packed::pack_key(META_PACK).hex()
}

/// Keep `body` in the disk cache (`disk_cache::frame`: its metadata, then the HTML as it
/// is). A body whose templates failed is not kept; a failed write only costs the next run
/// time.
fn store(cache: &DiskCache, key: Key, body: &Rendered) {
    if !body.template_errors.is_empty() {
        return;
    }
    let Some(meta) = crate::disk_cache::encode(body) else {
        return;
    };
    let bytes = crate::disk_cache::frame(MAGIC, &meta, &[body.html.as_bytes()]);
    let _ = cache.put(&entry_name(key), &bytes);
}

/// The body with `key` from the disk cache, when an entry is there and whole: its metadata
/// now, its HTML when first asked for.
fn load(
    cache: &DiskCache,
    key: Key,
    render: impl Fn() -> Rendered + Send + Sync + 'static,
) -> Option<Rendered> {
    let meta = cache.get_meta(&entry_name(key), MAGIC)?;
    with_meta(cache, key, &meta, render)
}

/// The body with `key` whose metadata is `meta`: its HTML read when first asked for
/// (`markdown::Html`) from the body's entry, or made by `render` if the entry has gone
/// meanwhile (another build pruned it).
fn with_meta(
    cache: &DiskCache,
    key: Key,
    meta: &[u8],
    render: impl Fn() -> Rendered + Send + Sync + 'static,
) -> Option<Rendered> {
    let mut body: Rendered = crate::disk_cache::decode(meta)?;
    let cache = cache.clone();
    body.html =
        Html::lazy(move || load_html(&cache, key).unwrap_or_else(|| render().html.to_string()));
    Some(body)
}

/// The HTML of the body with `key` in the disk cache.
fn load_html(cache: &DiskCache, key: Key) -> Option<String> {
    let bytes = cache.get(&entry_name(key))?;
    let (_, html) = crate::disk_cache::unframe(&bytes, MAGIC)?;
    String::from_utf8(html.to_vec()).ok()
}

/// The problems markdown rendering found in each body, located in their files.
pub fn problems(site: &Site, rendered: &[Arc<Keyed<Rendered>>]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // A broken component template fails every body that uses it the same way: once.
    let mut seen = std::collections::HashSet::new();
    for (article, body) in site.articles.iter().zip(rendered) {
        for d in &body.template_errors {
            if seen.insert(d.render_plain()) {
                diags.push(d.clone());
            }
        }
        let src = &article.source;
        for p in &body.problems {
            let d = if p.is_error {
                Diagnostic::error(&p.message)
            } else {
                Diagnostic::warning(&p.message)
            };
            let at = src.body.start + p.span.start..src.body.start + p.span.end;
            diags.push(d.in_file(&src.path).at(src.text(), at).label(&p.label));
        }
    }
    diags
}
