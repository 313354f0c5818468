//! Callouts, figures and video embeds, made from markdown writers already know: a GitHub
//! alert (`> [!NOTE]`), an image with a title alone in its paragraph, a YouTube or Vimeo
//! address alone in its paragraph. This module finds them in the event stream; what they
//! look like is decided by a `Components` (the theme's templates, in `render::components`),
//! so markdown rendering stays pure. Whatever a component is given comes through the same
//! checks as the rest of the body: image sources are sanitized, and an embed is only ever
//! made from a video id parsed here, never from the address as written.

use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{BlockQuoteKind, Event, LinkType, Tag, TagEnd};

pub use super::video::{Provider, Video};
use super::{Problem, is_missing_image, sanitize};
use crate::diagnostics::Diagnostic;
use crate::images::{self, ArticleImages};

/// Which alert: `> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]` or `[!CAUTION]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertKind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

impl AlertKind {
    fn from_markdown(kind: BlockQuoteKind) -> AlertKind {
        match kind {
            BlockQuoteKind::Note => AlertKind::Note,
            BlockQuoteKind::Tip => AlertKind::Tip,
            BlockQuoteKind::Important => AlertKind::Important,
            BlockQuoteKind::Warning => AlertKind::Warning,
            BlockQuoteKind::Caution => AlertKind::Caution,
        }
    }

    /// `note`, `tip`, … (for class names).
    pub fn name(self) -> &'static str {
        match self {
            AlertKind::Note => "note",
            AlertKind::Tip => "tip",
            AlertKind::Important => "important",
            AlertKind::Warning => "warning",
            AlertKind::Caution => "caution",
        }
    }

    /// `Note`, `Tip`, … (the title readers see).
    pub fn title(self) -> &'static str {
        match self {
            AlertKind::Note => "Note",
            AlertKind::Tip => "Tip",
            AlertKind::Important => "Important",
            AlertKind::Warning => "Warning",
            AlertKind::Caution => "Caution",
        }
    }
}

/// An image with a caption: `![alt](src "Caption")` alone in its paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Sanitized: empty when the source was refused.
    pub src: String,
    pub alt: String,
    pub caption: String,
    /// The image as responsive markup (`<picture>` with sizes and variants), when it is an
    /// image beside the article that folio planned (`crate::images`).
    pub picture: Option<String>,
}

/// How a site shows alerts, figures and embeds. `None` leaves the markdown as pulldown-cmark
/// renders it; an error is reported once per build and the element is left as markdown.
pub trait Components: Sync {
    /// The HTML before and after an alert's content.
    fn alert(&self, kind: AlertKind) -> Option<Result<(String, String), Diagnostic>>;
    fn figure(&self, figure: &Figure) -> Option<Result<String, Diagnostic>>;
    fn embed(&self, video: &Video) -> Option<Result<String, Diagnostic>>;
}

/// No components: everything renders as pulldown-cmark alone renders it.
pub struct Plain;

impl Components for Plain {
    fn alert(&self, _: AlertKind) -> Option<Result<(String, String), Diagnostic>> {
        None
    }
    fn figure(&self, _: &Figure) -> Option<Result<String, Diagnostic>> {
        None
    }
    fn embed(&self, _: &Video) -> Option<Result<String, Diagnostic>> {
        None
    }
}

/// The components of one body as the event loop meets them.
pub(super) struct Found<'c> {
    components: &'c dyn Components,
    /// Each alert kind's halves, asked for once.
    alerts: Vec<(AlertKind, Option<(String, String)>)>,
    /// Paragraphs replaced whole: (first event, last event, HTML).
    blocks: Vec<(usize, usize, String)>,
    pub errors: Vec<Diagnostic>,
    pub has_embed: bool,
}

impl<'c> Found<'c> {
    /// Find the figures and embeds among `events` (checking their images as the event loop
    /// would: sanitized, and present beside the article).
    pub fn new(
        components: &'c dyn Components,
        events: &[(Event, Range<usize>)],
        (path, assets, images): (&Path, &[PathBuf], &ArticleImages),
        problems: &mut Vec<Problem>,
    ) -> Found<'c> {
        let mut found = Found {
            components,
            alerts: Vec::new(),
            blocks: Vec::new(),
            errors: Vec::new(),
            has_embed: false,
        };
        for (i, (event, _)) in events.iter().enumerate() {
            if !matches!(event, Event::Start(Tag::Paragraph)) {
                continue;
            }
            let Some(end) = events[i..]
                .iter()
                .position(|(e, _)| matches!(e, Event::End(TagEnd::Paragraph)))
                .map(|n| i + n)
            else {
                continue;
            };
            let inside = &events[i + 1..end];
            let html = if let Some(video) = lone_video(inside) {
                let html = found.keep(components.embed(&video));
                found.has_embed |= html.is_some();
                html
            } else if let Some((figure, span)) = lone_titled_image(inside) {
                let mut figure = figure;
                if is_missing_image(&figure.src, path, assets) {
                    problems.push(Problem {
                        message: format!("missing image `{}`", figure.src),
                        label: "no such file beside this article".into(),
                        span: span.clone(),
                        is_error: true,
                    });
                }
                figure.src = sanitize::image(figure.src.into(), &span, problems).to_string();
                let first = !events[..i]
                    .iter()
                    .any(|(e, _)| matches!(e, Event::Start(Tag::Image { .. })));
                figure.picture = images::planned(images, &figure.src, path)
                    .map(|plan| images::markup(plan, &figure.alt, "", first));
                found.keep(components.figure(&figure))
            } else {
                None
            };
            if let Some(html) = html {
                found.blocks.push((i, end, html));
            }
        }
        found
    }

    fn keep(&mut self, made: Option<Result<String, Diagnostic>>) -> Option<String> {
        match made? {
            Ok(html) => Some(html),
            Err(d) => {
                self.errors.push(d);
                None
            }
        }
    }

    /// What event `i` becomes: `Some(None)` when it is inside a replaced paragraph (left
    /// out), `Some(Some(html))` at the paragraph's start, `None` when it is no component.
    pub fn replace(&self, i: usize) -> Option<Option<&str>> {
        let at = self.blocks.partition_point(|b| b.1 < i);
        let (start, _, html) = self.blocks.get(at).filter(|b| b.0 <= i)?;
        Some((*start == i).then_some(html.as_str()))
    }

    /// The HTML an alert's start or end becomes, if the components make alerts.
    pub fn alert(&mut self, event: &Event) -> Option<String> {
        let (kind, opens) = match event {
            Event::Start(Tag::BlockQuote(Some(k))) => (AlertKind::from_markdown(*k), true),
            Event::End(TagEnd::BlockQuote(Some(k))) => (AlertKind::from_markdown(*k), false),
            _ => return None,
        };
        let halves = match self.alerts.iter().find(|(k, _)| *k == kind) {
            Some((_, halves)) => halves.clone(),
            None => {
                let made = match self.components.alert(kind) {
                    Some(Ok(halves)) => Some(halves),
                    Some(Err(d)) => {
                        self.errors.push(d);
                        None
                    }
                    None => None,
                };
                self.alerts.push((kind, made.clone()));
                made
            }
        }?;
        Some(if opens { halves.0 } else { halves.1 })
    }
}

/// `Video` when a paragraph's events are only a video address: bare text, or an autolink.
fn lone_video(inside: &[(Event, Range<usize>)]) -> Option<Video> {
    match inside {
        [
            (
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    ..
                }),
                _,
            ),
            rest @ ..,
        ] if matches!(link_type, LinkType::Autolink)
            && matches!(rest.last(), Some((Event::End(TagEnd::Link), _))) =>
        {
            Video::parse(dest_url)
        }
        _ => {
            let mut text = String::new();
            for (e, _) in inside {
                match e {
                    Event::Text(t) => text.push_str(t),
                    _ => return None,
                }
            }
            Video::parse(&text).filter(|_| !text.trim().contains(char::is_whitespace))
        }
    }
}

/// `Figure` (its source not yet checked) and the image's span when a paragraph is one
/// image with a title.
fn lone_titled_image(inside: &[(Event, Range<usize>)]) -> Option<(Figure, Range<usize>)> {
    let [
        (
            Event::Start(Tag::Image {
                dest_url, title, ..
            }),
            span,
        ),
        alt @ ..,
        (Event::End(TagEnd::Image), _),
    ] = inside
    else {
        return None;
    };
    if title.trim().is_empty() {
        return None;
    }
    // Nested images close inside the alt text; only one image may make up the paragraph.
    if alt
        .iter()
        .any(|(e, _)| matches!(e, Event::Start(Tag::Image { .. })))
    {
        return None;
    }
    let alt: String = alt
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            Event::SoftBreak | Event::HardBreak => Some(" "),
            _ => None,
        })
        .collect();
    Some((
        Figure {
            src: dest_url.to_string(),
            alt,
            caption: title.to_string(),
            picture: None,
        },
        span.clone(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MarkdownConfig;

    /// Components that say what they were asked for.
    struct Marks;

    impl Components for Marks {
        fn alert(&self, kind: AlertKind) -> Option<Result<(String, String), Diagnostic>> {
            let k = kind.name();
            Some(Ok((format!("[{k}]\n"), format!("[/{k}]\n"))))
        }
        fn figure(&self, f: &Figure) -> Option<Result<String, Diagnostic>> {
            Some(Ok(format!(
                "[figure {} | {} | {}]\n",
                f.src, f.alt, f.caption
            )))
        }
        fn embed(&self, video: &Video) -> Option<Result<String, Diagnostic>> {
            Some(Ok(format!("[embed {}]\n", video.watch_url())))
        }
    }

    fn html(body: &str) -> String {
        let path = Path::new("content/articles/x.md");
        super::super::render(
            body,
            path,
            &[],
            &MarkdownConfig::default(),
            &Default::default(),
            &Marks,
        )
        .html
        .to_string()
    }

    #[test]
    fn only_a_lone_titled_image_is_a_figure() {
        assert_eq!(
            html("![A *plan*](https://x.org/p.png \"Caption\")\n"),
            "[figure https://x.org/p.png | A plan | Caption]\n"
        );
        assert!(html("![A plan](https://x.org/p.png)\n").contains("<img"));
        assert!(html("See ![A](https://x.org/p.png \"C\") here\n").contains("<img"));
    }

    #[test]
    fn only_a_lone_video_address_is_an_embed() {
        let embed = "[embed https://www.youtube.com/watch?v=dQw4w9WgXcQ]\n";
        assert_eq!(html("https://youtu.be/dQw4w9WgXcQ\n"), embed);
        assert_eq!(html("<https://youtu.be/dQw4w9WgXcQ>\n"), embed);
        // A link with text of its own, or an address among other words, stays as written.
        assert!(html("[talk](https://youtu.be/dQw4w9WgXcQ)\n").contains("<a href"));
        assert!(html("Watch https://youtu.be/dQw4w9WgXcQ now\n").starts_with("<p>Watch"));
    }

    #[test]
    fn alerts_wrap_their_content_and_plain_quotes_stay_quotes() {
        assert_eq!(
            html("> [!CAUTION]\n> Mind the gap.\n"),
            "[caution]\n<p>Mind the gap.</p>\n[/caution]\n"
        );
        assert!(html("> Just a quote.\n").starts_with("<blockquote>"));
    }
}
