//! Markdown → HTML with pulldown-cmark. folio's additions (heading ids and anchors, code
//! highlighting, links between articles, image checks) work on the event stream, so every
//! other construct renders exactly as pulldown-cmark alone renders it. Pure: no disk access.

pub mod headings;
pub mod highlight;
pub mod links;

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd, html};

use crate::config::MarkdownConfig;
use headings::{HeadingIds, TocEntry};
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
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if config.smart_punctuation {
        o |= Options::ENABLE_SMART_PUNCTUATION;
    }
    o
}

/// What the renderer needs to know about the rest of the site to resolve links.
pub struct LinkTargets<'a> {
    /// Article file (site-root relative) → its index in the site.
    pub files: &'a HashMap<PathBuf, usize>,
    /// Site-relative URL of each article, by index.
    pub urls: &'a [String],
}

/// A link to a heading of another article, checked once every article is rendered.
#[derive(Debug, Clone)]
pub struct AnchorLink {
    pub article: usize,
    pub anchor: String,
    /// Byte range in the body.
    pub span: Range<usize>,
}

/// A problem in the body, located by byte range in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
    pub label: String,
    pub span: Range<usize>,
    pub is_error: bool,
}

/// An article body, rendered.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
    pub reading_time: usize,
    pub heading_ids: std::collections::HashSet<String>,
    pub anchor_links: Vec<AnchorLink>,
    pub problems: Vec<Problem>,
    /// Whether the body has a fenced code block (the page needs the highlighting stylesheet).
    pub has_code: bool,
}

/// Render `body` of the article at `path` (site-root relative). `assets` are the files that
/// sit beside a folder article and will be copied next to its page.
pub fn render(
    body: &str,
    path: &Path,
    assets: &[PathBuf],
    config: &MarkdownConfig,
    targets: &LinkTargets,
) -> Rendered {
    let mut out = Rendered::default();
    let mut ids = HeadingIds::default();
    let mut flat_toc = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    // Buffered heading: its start tag and the events inside it.
    let mut heading: Option<(Tag, Vec<Event>)> = None;
    let mut code: Option<(String, String, Range<usize>)> = None;
    let mut new_tab_links: Vec<bool> = Vec::new();
    let mut words = 0;

    for (event, span) in Parser::new_ext(body, parser_options(config)).into_offset_iter() {
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
        let event = match event {
            Event::Text(t) => {
                words += t.split_whitespace().count();
                Event::Text(t)
            }
            Event::Html(h) | Event::InlineHtml(h) if !config.raw_html => Event::Text(h),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                out.has_code = true;
                // Problems with a block point at its opening fence line.
                let fence_end = body[span.start..]
                    .find('\n')
                    .map_or(span.end, |i| span.start + i);
                code = Some((info.to_string(), String::new(), span.start..fence_end));
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = rewrite_link(&dest_url, path, targets, &span, &mut out);
                let new_tab = config.external_links_new_tab && links::is_external(&dest);
                new_tab_links.push(new_tab);
                if new_tab {
                    Event::Html(new_tab_anchor(&dest, &title).into())
                } else {
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url: dest,
                        title,
                        id,
                    })
                }
            }
            Event::End(TagEnd::Link) if new_tab_links.pop() == Some(true) => {
                Event::Html("</a>".into())
            }
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
    out.html = html_out;
    out.toc = headings::nest(flat_toc);
    out.heading_ids = ids.into_set();
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
    let block = highlight::render_code_block(text, &parsed, config.highlight_code);
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

/// Rewrite `x.md#a` to the article's URL, recording problems and anchors to check later.
fn rewrite_link<'a>(
    dest: &CowStr<'a>,
    path: &Path,
    targets: &LinkTargets,
    span: &Range<usize>,
    out: &mut Rendered,
) -> CowStr<'a> {
    let LinkKind::Article { path: file, anchor } = links::classify(dest) else {
        return dest.clone();
    };
    let found = links::resolve(path, file).and_then(|p| targets.files.get(&p).copied());
    match found {
        Some(index) => {
            let url = &targets.urls[index];
            if let Some(a) = anchor.filter(|a| !a.is_empty()) {
                out.anchor_links.push(AnchorLink {
                    article: index,
                    anchor: a.to_string(),
                    span: span.clone(),
                });
                format!("{url}#{a}").into()
            } else {
                url.clone().into()
            }
        }
        None => {
            out.problems.push(Problem {
                message: format!("link to a missing article `{file}`"),
                label: "no article at this path".into(),
                span: span.clone(),
                is_error: true,
            });
            dest.clone()
        }
    }
}

fn new_tab_anchor(dest: &str, title: &str) -> String {
    let mut s = String::from("<a href=\"");
    let _ = pulldown_cmark_escape::escape_href(&mut s, dest);
    s.push('"');
    if !title.is_empty() {
        s.push_str(" title=\"");
        let _ = pulldown_cmark_escape::escape_html(&mut s, title);
        s.push('"');
    }
    s.push_str(" target=\"_blank\" rel=\"noopener\">");
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
