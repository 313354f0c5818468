//! Markdown → HTML with pulldown-cmark. folio's additions (heading ids and anchors, code
//! highlighting, links between articles, image checks) work on the event stream, so every
//! other construct renders exactly as pulldown-cmark alone renders it. Pure: no disk access.

pub mod components;
pub mod headings;
pub mod highlight;
pub mod lazy;
pub mod links;
pub mod raw_html;
pub mod sanitize;
pub mod video;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd, html};

use crate::config::MarkdownConfig;
use crate::images::{self, ArticleImages, ImagePlan};
use crate::key::Keyed;
use components::Components;
use headings::{HeadingIds, TocEntry};
pub use lazy::Html;
use links::LinkKind;

/// Words a reader reads per minute, for `reading_time`.
const WORDS_PER_MINUTE: usize = 220;

/// The pulldown-cmark options folio uses: the same set for rendering and for tests that
/// compare against pulldown-cmark alone.
pub fn parser_options(config: &MarkdownConfig) -> Options {
    let mut o = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        // GitHub's alerts (`> [!NOTE]`); nothing else.
        | Options::ENABLE_GFM;
    if config.smart_punctuation {
        o |= Options::ENABLE_SMART_PUNCTUATION;
    }
    o
}

/// Marks where a link to another article opens and closes in `Rendered::html`. The link's
/// URL depends on the rest of the site, so it is filled in later (`engine::links`): the
/// expensive rendering stays reusable while other articles change. pulldown-cmark never
/// outputs NUL (CommonMark replaces it in the input), so the mark cannot occur otherwise.
pub const LINK_HOLE: char = '\0';

/// A link to another article's file (`other.md#anchor`), resolved once every article is known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ArticleLink {
    /// The article file it points to, relative to the site root (`None` when the path climbs
    /// above the root).
    pub file: Option<PathBuf>,
    /// The destination as written (path and anchor).
    pub written: String,
    /// The anchor after `#`, percent-decoded, if any.
    pub anchor: Option<String>,
    /// The link's `title`, written into the tag when it is filled in.
    pub title: String,
    /// Byte range in the body.
    pub span: Range<usize>,
}

/// What a link to another article becomes once the site is known.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkTarget {
    /// A link to this URL (with its `#anchor`).
    Href(String),
    /// Its text alone, no link (the article is left out of this build, e.g. a draft).
    Text,
}

/// An article body with the links to other articles resolved: what its page shows. The
/// filled HTML is made when a page asks for it, so the site's bodies are held once, not twice.
#[derive(Debug)]
pub struct Body {
    pub rendered: Arc<Keyed<Rendered>>,
    /// What each of `rendered.links` became.
    targets: Vec<LinkTarget>,
    /// The filled HTML, cleaned, when the body holds raw HTML.
    cleaned: Option<String>,
}

impl Body {
    /// `rendered`, whose link `i` goes to `targets[i]`.
    pub fn fill(rendered: Arc<Keyed<Rendered>>, targets: &[LinkTarget]) -> Body {
        let mut body = Body {
            rendered,
            targets: targets.to_vec(),
            cleaned: None,
        };
        // Raw HTML is cleaned once, here, and the result kept (few articles have any).
        if body.rendered.raw_html {
            body.cleaned = Some(raw_html::clean(&body.fill_holes()));
        }
        body
    }

    /// The HTML with every hole filled.
    pub fn html(&self) -> std::borrow::Cow<'_, str> {
        match &self.cleaned {
            Some(html) => std::borrow::Cow::Borrowed(html),
            None => self.fill_holes(),
        }
    }

    fn fill_holes(&self) -> std::borrow::Cow<'_, str> {
        let rendered = &self.rendered;
        if rendered.links.is_empty() {
            return std::borrow::Cow::Borrowed(&rendered.html);
        }
        let mut html = String::with_capacity(rendered.html.len() + 64 * self.targets.len());
        let mut pieces = rendered.html.split(LINK_HOLE);
        html.push_str(pieces.next().unwrap_or_default());
        for (hole, piece) in pieces.enumerate() {
            let (link, opens) = (hole / 2, hole % 2 == 0);
            match (self.targets.get(link), rendered.links.get(link)) {
                (Some(LinkTarget::Href(href)), Some(l)) if opens => {
                    html.push_str(&open_anchor(href, &l.title, ""))
                }
                (Some(LinkTarget::Href(_)), _) => html.push_str("</a>"),
                _ => {}
            }
            html.push_str(piece);
        }
        std::borrow::Cow::Owned(html)
    }
}

/// A problem in the body, located by byte range in the body.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub message: String,
    pub label: String,
    pub span: Range<usize>,
    pub is_error: bool,
}

/// An article body, rendered, with holes where links to other articles go. Kept in the
/// disk cache between builds (`engine::bodies`): the HTML is stored apart from the rest.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    #[serde(skip)]
    pub html: Html,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
    pub reading_time: usize,
    pub heading_ids: std::collections::HashSet<String>,
    /// The key of `heading_ids`: what links from other articles into this one depend on.
    pub heading_key: crate::key::Key,
    /// Links to other articles, in the order of their holes in `html` (two holes each: where
    /// the `<a>` opens and where it closes).
    pub links: Vec<ArticleLink>,
    pub problems: Vec<Problem>,
    /// Whether the body holds raw HTML (`raw_html = true`), so its HTML must be cleaned.
    pub raw_html: bool,
    /// Whether the body has a fenced code block (the page needs the highlighting stylesheet).
    pub has_code: bool,
    /// Whether the body has a video embed (the page needs its script).
    pub has_embed: bool,
    /// Errors of the component templates (`components::Components`), placed in them (a body
    /// with any is never cached).
    #[serde(skip)]
    pub template_errors: Vec<crate::diagnostics::Diagnostic>,
}

/// Render `body` of the article at `path` (site-root relative). `assets` are the files that
/// sit beside a folder article and will be copied next to its page; `images` are their
/// plans (responsive markup); `components` makes alerts, figures and embeds.
pub fn render(
    body: &str,
    path: &Path,
    assets: &[PathBuf],
    config: &MarkdownConfig,
    images: &ArticleImages,
    components: &dyn Components,
) -> Rendered {
    // NUL marks link holes in the output: one written by the writer never gets there.
    let has_nul = body.contains(LINK_HOLE);
    let mut out = Rendered::default();
    let mut ids = HeadingIds::default();
    let mut flat_toc = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    // Buffered heading: its start tag and the events inside it.
    let mut heading: Option<(Tag, Vec<Event>)> = None;
    let mut code: Option<(String, String, Range<usize>)> = None;
    // For each open link: how its end is written (a hole, a new-tab `</a>`, or as usual).
    let mut open_links: Vec<LinkEnd> = Vec::new();
    let mut words = 0;
    // A planned image being read: its plan, title and alt text so far.
    let mut image: Option<(&ImagePlan, String, String)> = None;
    let mut first_image = true;
    let parsed: Vec<(Event, Range<usize>)> = Parser::new_ext(body, parser_options(config))
        .into_offset_iter()
        .map(|(event, span)| match has_nul {
            true => (without_nul(event), span),
            false => (event, span),
        })
        .collect();
    let mut found = components::Found::new(
        components,
        &parsed,
        (path, assets, images),
        &mut out.problems,
    );

    for (i, (event, span)) in parsed.into_iter().enumerate() {
        if let Some(replaced) = found.replace(i) {
            events.extend(replaced.map(|html| Event::Html(html.to_string().into())));
            continue;
        }
        if let Some(html) = found.alert(&event) {
            events.push(Event::Html(html.into()));
            continue;
        }
        if let Some((plan, title, alt)) = &mut image {
            match event {
                Event::End(TagEnd::Image) => {
                    let html = images::markup(plan, alt, title, first_image);
                    first_image = false;
                    image = None;
                    events.push(Event::Html(html.into()));
                }
                Event::Text(t) | Event::Code(t) => {
                    words += t.split_whitespace().count();
                    alt.push_str(&t);
                }
                Event::SoftBreak | Event::HardBreak => alt.push(' '),
                _ => {}
            }
            continue;
        }
        if let Event::Start(Tag::Image {
            dest_url, title, ..
        }) = &event
            && let Some(plan) = images::planned(images, dest_url, path)
        {
            image = Some((plan, title.to_string(), String::new()));
            continue;
        }
        if let Some((_, text, _)) = &mut code {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (info, text, at) = code.take().unwrap_or_default();
                    events.push(Event::Html(
                        code_block(&info, &text, at, config, &mut out.problems).into(),
                    ));
                }
                _ => {}
            }
            continue;
        }
        if let Event::Start(Tag::Image { dest_url, .. }) = &event
            && is_missing_image(dest_url, path, assets)
        {
            out.problems.push(Problem {
                message: format!("missing image `{dest_url}`"),
                label: "no such file beside this article".into(),
                span: span.clone(),
                is_error: true,
            });
        }
        let event = sanitize::event(event, &span, &mut out.problems);
        let event = match event {
            Event::Text(t) => {
                words += t.split_whitespace().count();
                Event::Text(t)
            }
            Event::Html(h) | Event::InlineHtml(h) if !config.raw_html => Event::Text(h),
            html @ (Event::Html(_) | Event::InlineHtml(_)) => {
                out.raw_html = true;
                html
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                out.has_code = true;
                // Problems with a block point at its opening fence line.
                let fence_end = body[span.start..]
                    .find('\n')
                    .map_or(span.end, |i| span.start + i);
                code = Some((info.to_string(), String::new(), span.start..fence_end));
                continue;
            }
            Event::Start(Tag::Link { dest_url, .. })
                if sanitize::link_refused(&dest_url, &span, &mut out.problems) =>
            {
                open_links.push(LinkEnd::ByHand);
                Event::Html("<a>".into())
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let LinkKind::Article { path: file, anchor } = links::classify(&dest_url) {
                    out.links.push(ArticleLink {
                        file: links::resolve(path, file),
                        written: dest_url.to_string(),
                        anchor: anchor.filter(|a| !a.is_empty()).map(links::decode_anchor),
                        title: title.to_string(),
                        span: span.clone(),
                    });
                    open_links.push(LinkEnd::Hole);
                    Event::Html(LINK_HOLE.to_string().into())
                } else if config.external_links_new_tab && links::is_external(&dest_url) {
                    open_links.push(LinkEnd::ByHand);
                    Event::Html(open_anchor(&dest_url, &title, NEW_TAB).into())
                } else {
                    open_links.push(LinkEnd::Plain);
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
            }
            Event::End(TagEnd::Link) => match open_links.pop() {
                Some(LinkEnd::Hole) => Event::Html(LINK_HOLE.to_string().into()),
                Some(LinkEnd::ByHand) => Event::Html("</a>".into()),
                _ => Event::End(TagEnd::Link),
            },
            other => other,
        };
        match (&mut heading, event) {
            (None, Event::Start(tag @ Tag::Heading { .. })) => heading = Some((tag, Vec::new())),
            (Some(_), Event::End(TagEnd::Heading(level))) => {
                let (tag, inner) = heading.take().unwrap_or((Tag::Paragraph, Vec::new()));
                let Tag::Heading {
                    id, classes, attrs, ..
                } = tag
                else {
                    continue;
                };
                let title = plain_text(&inner);
                let id = ids.assign(id.as_deref(), &title);
                flat_toc.push(TocEntry {
                    level: level as u8,
                    id: id.clone(),
                    title,
                    children: vec![],
                });
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(id.clone().into()),
                    classes,
                    attrs,
                }));
                events.extend(inner);
                events.push(Event::Html(anchor_link(&id).into()));
                events.push(Event::End(TagEnd::Heading(level)));
            }
            (Some((_, inner)), e) => inner.push(e),
            (None, e) => events.push(e),
        }
    }
    let mut html_out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut html_out, events.into_iter());
    html_out.shrink_to_fit();
    out.html = Html::new(html_out);
    out.toc = headings::nest(flat_toc);
    out.heading_ids = ids.into_set();
    let mut sorted: Vec<&String> = out.heading_ids.iter().collect();
    sorted.sort();
    out.heading_key = crate::key::Key::of("heading ids", &sorted);
    out.has_embed = found.has_embed;
    out.template_errors = found.errors;
    out.word_count = words;
    out.reading_time = words.div_ceil(WORDS_PER_MINUTE).max(1);
    out
}

/// The copy-me link after a heading; `id` may be anything a writer put in `{#...}`. A pointer
/// convenience only: hidden from assistive technology (it would add "#" to every heading's
/// name) and so, to keep `aria-hidden` honest, out of the tab order too (`tabindex="-1"`);
/// keyboard and screen-reader users reach sections through the page's contents list.
fn anchor_link(id: &str) -> String {
    let mut html = String::from("<a class=\"anchor\" href=\"#");
    let _ = pulldown_cmark_escape::escape_html(&mut html, id);
    html.push_str("\" aria-hidden=\"true\" tabindex=\"-1\">#</a>");
    html
}

/// The text of a heading's inline events, for its id and its toc entry.
fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s
}

fn code_block(
    info: &str,
    text: &str,
    fence: Range<usize>,
    config: &MarkdownConfig,
    problems: &mut Vec<Problem>,
) -> String {
    let mut problem = |message: String, label: &str, is_error: bool| {
        problems.push(Problem {
            message,
            label: label.into(),
            span: fence.clone(),
            is_error,
        });
    };
    let parsed = highlight::parse_info(info).unwrap_or_else(|e| {
        problem(
            format!("bad code block options: {e}"),
            "in this info string",
            true,
        );
        highlight::CodeInfo::default()
    });
    for word in &parsed.unknown {
        problem(
            format!("unknown code block option `{word}`: ignored"),
            "expected a language, `linenos` or `hl_lines=...`",
            false,
        );
    }
    // A bad theme name fails the build where the stylesheet is made (`engine::files`).
    let themes = config
        .highlight_code
        .then(|| highlight::Themes::named(&config.highlight.light, &config.highlight.dark).ok())
        .flatten();
    let block = highlight::render_code_block(text, &parsed, themes.as_ref());
    if let Some(lang) = &block.unknown_language {
        problem(
            format!("unknown code language `{lang}`: rendered as plain text"),
            "no syntax for this language",
            false,
        );
    }
    if let Some(err) = &block.highlight_error {
        problem(
            format!("could not highlight this block ({err}): rendered as plain text"),
            "here",
            false,
        );
    }
    block.html
}

/// `event` with every NUL in its text replaced by U+FFFD, as CommonMark asks.
fn without_nul(event: Event<'_>) -> Event<'_> {
    fn fix(s: pulldown_cmark::CowStr<'_>) -> pulldown_cmark::CowStr<'_> {
        match s.contains(LINK_HOLE) {
            true => s.replace(LINK_HOLE, "\u{FFFD}").into(),
            false => s,
        }
    }
    match event {
        Event::Text(t) => Event::Text(fix(t)),
        Event::Code(t) => Event::Code(fix(t)),
        Event::Html(t) => Event::Html(fix(t)),
        Event::InlineHtml(t) => Event::InlineHtml(fix(t)),
        Event::InlineMath(t) => Event::InlineMath(fix(t)),
        Event::DisplayMath(t) => Event::DisplayMath(fix(t)),
        Event::FootnoteReference(t) => Event::FootnoteReference(fix(t)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: fix(dest_url),
            title: fix(title),
            id: fix(id),
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: fix(dest_url),
            title: fix(title),
            id: fix(id),
        }),
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(fix(info))))
        }
        other => other,
    }
}

/// What makes an external link open in a new tab, safely.
const NEW_TAB: &str = " target=\"_blank\" rel=\"noopener\"";

/// How a link's end tag is written.
enum LinkEnd {
    /// A link to another article: a hole, filled in with its URL later.
    Hole,
    /// Opened by hand (a new-tab link, a refused one without `href`): so is its end.
    ByHand,
    Plain,
}

/// An `<a>` opening tag as pulldown-cmark writes one, with `extra` attributes after the
/// title (e.g. ` target="_blank"`).
pub fn open_anchor(href: &str, title: &str, extra: &str) -> String {
    let mut s = String::from("<a href=\"");
    let _ = pulldown_cmark_escape::escape_href(&mut s, href);
    s.push('"');
    if !title.is_empty() {
        s.push_str(" title=\"");
        let _ = pulldown_cmark_escape::escape_html(&mut s, title);
        s.push('"');
    }
    s.push_str(extra);
    s.push('>');
    s
}

/// A relative image that is not among the files beside the article.
fn is_missing_image(dest: &str, path: &Path, assets: &[PathBuf]) -> bool {
    if links::is_external(dest)
        || dest.starts_with('/')
        || dest.starts_with('#')
        || dest.starts_with("data:")
    {
        return false;
    }
    let file = dest.split(['?', '#']).next().unwrap_or(dest);
    match links::resolve(path, file) {
        Some(p) => !assets.contains(&p),
        None => true,
    }
}
