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

use super::{Problem, is_missing_image, sanitize};
use crate::diagnostics::Diagnostic;

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
}

/// Where a video lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    YouTube,
    Vimeo,
}

/// A video to embed: only ever made by `Video::parse`, so its id is known safe.
#[derive(Debug, Clone, PartialEq)]
pub struct Video {
    pub provider: Provider,
    /// YouTube: 11 characters of `A-Z a-z 0-9 _ -`; Vimeo: digits.
    id: String,
}

impl Video {
    /// The video at `url`: `youtube.com/watch?v=ID`, `youtu.be/ID`, `youtube.com/embed/ID`,
    /// `/shorts/ID` or `/live/ID`, `vimeo.com/ID`, `player.vimeo.com/video/ID`.
    pub fn parse(url: &str) -> Option<Video> {
        let lower = url.trim().to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))?;
        let start = url.trim().len() - rest.len();
        let rest = &url.trim()[start..];
        let (host, path_query) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (path, query) = match path_query.split_once('?') {
            Some((p, q)) => (p, q.split('#').next().unwrap_or_default()),
            None => (path_query.split('#').next().unwrap_or_default(), ""),
        };
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let youtube = |id: &str| {
            let ok = id.len() == 11
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            ok.then(|| Video {
                provider: Provider::YouTube,
                id: id.to_string(),
            })
        };
        let vimeo = |id: &str| {
            let ok = (1..=12).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit());
            ok.then(|| Video {
                provider: Provider::Vimeo,
                id: id.to_string(),
            })
        };
        match (host.to_ascii_lowercase().as_str(), parts.as_slice()) {
            ("youtube.com" | "www.youtube.com" | "m.youtube.com", ["watch"]) => query
                .split('&')
                .find_map(|pair| pair.strip_prefix("v="))
                .and_then(youtube),
            (
                "youtube.com"
                | "www.youtube.com"
                | "m.youtube.com"
                | "www.youtube-nocookie.com"
                | "youtube-nocookie.com",
                ["embed" | "shorts" | "live", id],
            ) => youtube(id),
            ("youtu.be", [id]) => youtube(id),
            ("vimeo.com" | "www.vimeo.com", [id]) => vimeo(id),
            ("player.vimeo.com", ["video", id]) => vimeo(id),
            _ => None,
        }
    }

    /// `youtube` or `vimeo`.
    pub fn provider_id(&self) -> &'static str {
        match self.provider {
            Provider::YouTube => "youtube",
            Provider::Vimeo => "vimeo",
        }
    }

    /// `YouTube` or `Vimeo`.
    pub fn provider_name(&self) -> &'static str {
        match self.provider {
            Provider::YouTube => "YouTube",
            Provider::Vimeo => "Vimeo",
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The video's own page: where a reader without JavaScript goes.
    pub fn watch_url(&self) -> String {
        match self.provider {
            Provider::YouTube => format!("https://www.youtube.com/watch?v={}", self.id),
            Provider::Vimeo => format!("https://vimeo.com/{}", self.id),
        }
    }

    /// The player, loaded only once the reader asks for it (YouTube's no-cookie host; Vimeo
    /// told not to track).
    pub fn embed_url(&self) -> String {
        match self.provider {
            Provider::YouTube => format!(
                "https://www.youtube-nocookie.com/embed/{}?autoplay=1",
                self.id
            ),
            Provider::Vimeo => format!(
                "https://player.vimeo.com/video/{}?dnt=1&autoplay=1",
                self.id
            ),
        }
    }
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
        path: &Path,
        assets: &[PathBuf],
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
        },
        span.clone(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_addresses_give_their_id_and_nothing_else_does() {
        let yt = |u: &str| Video::parse(u).map(|v| (v.provider, v.id));
        let id = "dQw4w9WgXcQ".to_string();
        for url in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=30",
            "https://youtu.be/dQw4w9WgXcQ",
            "http://m.youtube.com/watch?v=dQw4w9WgXcQ#x",
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
            "HTTPS://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ",
        ] {
            assert_eq!(yt(url), Some((Provider::YouTube, id.clone())), "{url}");
        }
        for url in [
            "https://vimeo.com/76979871",
            "https://player.vimeo.com/video/76979871",
        ] {
            assert_eq!(yt(url), Some((Provider::Vimeo, "76979871".into())), "{url}");
        }
        for url in [
            "https://www.youtube.com/watch?v=dQw4w9WgXc",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ\"><script>",
            "https://youtu.be/dQw4w9WgXcQ/extra",
            "https://evil.example/watch?v=dQw4w9WgXcQ",
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
            "javascript:alert(1)//youtu.be/dQw4w9WgXcQ",
            "https://vimeo.com/channels/staffpicks/1",
            "https://vimeo.com/12a",
            "youtu.be/dQw4w9WgXcQ",
        ] {
            assert_eq!(yt(url), None, "{url}");
        }
    }

    #[test]
    fn player_addresses_are_built_from_the_id() {
        let v = Video::parse("https://youtu.be/dQw4w9WgXcQ?si=tracking").unwrap();
        assert_eq!(
            v.embed_url(),
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
        );
        assert_eq!(v.watch_url(), "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
    }
}
