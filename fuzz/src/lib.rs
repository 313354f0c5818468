//! What each fuzz target checks on one input. `tests/fuzz_replay.rs` includes this file too
//! and replays the saved corpora through the same functions on the stable toolchain, so a
//! crash found by fuzzing stays a failing `cargo test` until it is fixed. A check panics on a
//! bug and returns quietly otherwise.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use folio::config::MarkdownConfig;
use folio::content::front_matter;
use folio::diagnostics::Diagnostic;
use folio::key::{Key, Keyed};
use folio::markdown::{self, Body, LinkTarget};
use folio::render::components::TemplateComponents;
use folio::serve::{ServerHandle, Shared, Snapshot, start};

const ARTICLE: &str = "content/articles/fuzz.md";

/// `split` then `parse` of the front matter it finds, and `parse` of the whole text as if it
/// were all front matter: no panic, ranges inside the text, errors that can be drawn.
pub fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source: Arc<str> = Arc::from(text);
    let path = Path::new(ARTICLE);
    match front_matter::split(&source, path) {
        Ok(split) => {
            assert_inside(&split.yaml, text, "split yaml");
            assert_inside(&split.body, text, "split body");
            if let Err(err) = front_matter::parse(&source, split.yaml, path) {
                check_diagnostic(&err, text);
            }
        }
        Err(err) => check_diagnostic(&err, text),
    }
    if let Err(err) = front_matter::parse(&source, 0..text.len(), path) {
        check_diagnostic(&err, text);
    }
}

/// `body` rendered as the article `ARTICLE`, alone in its site, with `config`.
fn render(body: &str, config: &MarkdownConfig) -> markdown::Rendered {
    markdown::render(
        body,
        Path::new(ARTICLE),
        &[],
        config,
        &Default::default(),
        components(),
    )
}

/// A markdown body rendered with the default `[markdown]` settings and no other articles:
/// no panic, and every problem points at whole characters of the body.
pub fn markdown(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let config = MarkdownConfig::default();
    let rendered = render(body, &config);
    for problem in &rendered.problems {
        assert_inside(&problem.span, body, &problem.message);
        assert!(
            body.is_char_boundary(problem.span.start) && body.is_char_boundary(problem.span.end),
            "{}: span {:?} cuts a character",
            problem.message,
            problem.span
        );
    }
}

/// folio's own component templates (alerts, figures, embeds), compiled once.
fn components() -> &'static TemplateComponents {
    static COMPONENTS: OnceLock<TemplateComponents> = OnceLock::new();
    COMPONENTS.get_or_init(|| TemplateComponents::defaults().expect("folio's templates compile"))
}

/// Elements a markdown body can hold when `raw_html = false`: those pulldown-cmark writes for
/// the enabled extensions, and folio's code blocks and heading anchors.
const MARKDOWN_ELEMENTS: [&str; 32] = [
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "div",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// A markdown body rendered with `raw_html = false` and parsed as a browser would parse it:
/// only elements markdown makes, no event handler (`on*`) or `style` attribute (but a table
/// column's fixed `text-align`, see `is_column_alignment`), and no
/// `href` or `src` whose scheme runs script or carries a document (`javascript:`,
/// `vbscript:`, `data:`), except a raster `data:` image. Odd first bytes also turn on
/// `external_links_new_tab`, whose links folio writes itself.
pub fn sanitized_markdown(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let config = MarkdownConfig {
        raw_html: false,
        external_links_new_tab: data.first().is_some_and(|b| b & 1 == 1),
        ..MarkdownConfig::default()
    };
    let rendered = render(body, &config);
    // Links to other articles' files keep their destination, as when no article matches.
    let targets: Vec<LinkTarget> = rendered
        .links
        .iter()
        .map(|l| LinkTarget::Href(l.written.clone()))
        .collect();
    let filled = Body::fill(Arc::new(Keyed::new(Key::default(), rendered)), &targets);
    let html = filled.html().into_owned();
    let page = scraper::Html::parse_fragment(&html);
    for element in page
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let name = element.value().name();
        if element.id() == page.root_element().id() {
            continue;
        }
        assert!(
            MARKDOWN_ELEMENTS.contains(&name),
            "<{name}> from {body:?}:\n{}",
            html
        );
        for (attr, value) in element.value().attrs() {
            let attr = attr.to_ascii_lowercase();
            assert!(
                !attr.starts_with("on") && (attr != "style" || is_column_alignment(name, value)),
                "<{name} {attr}> from {body:?}:\n{}",
                html
            );
            if attr == "href" || attr == "src" {
                let raster = name == "img" && attr == "src" && is_raster_data(value);
                let scheme = url_scheme(value);
                assert!(
                    raster
                        || !matches!(scheme.as_deref(), Some("javascript" | "vbscript" | "data")),
                    "<{name} {attr}={value:?}> from {body:?}:\n{}",
                    html
                );
            }
        }
    }
}

/// The one `style` markdown writes, and not from the writer's text: pulldown-cmark aligns a
/// table column written `:---:` with `style="text-align: center"` on its cells.
fn is_column_alignment(element: &str, style: &str) -> bool {
    matches!(element, "th" | "td")
        && matches!(
            style,
            "text-align: left" | "text-align: center" | "text-align: right"
        )
}

/// The scheme a browser finds in a URL attribute (after the HTML parser decoded entities):
/// it skips leading control characters and spaces and ignores tabs and line breaks.
fn url_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then(|| scheme.to_ascii_lowercase())
}

fn is_raster_data(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["png", "gif", "jpeg", "webp"].iter().any(|t| {
        let prefix = format!("data:image/{t}");
        lower
            .strip_prefix(&prefix)
            .is_some_and(|rest| rest.starts_with([';', ',']))
    })
}

/// Statuses `folio serve` may answer a GET with: the file, a redirect to the folder, refused,
/// not found, too long, and 503 when the live-reload streams are all taken.
const EXPECTED_STATUSES: [u16; 6] = [200, 301, 400, 404, 414, 503];

/// The input as the target of a GET sent to a running `folio serve` over loopback: an
/// expected status (never 500, which a panicking handler gives), no hang, and a redirect
/// only ever to a path on the same server. Spaces and CRs are left out: they end the target
/// in the request line before folio sees it.
pub fn request_path(data: &[u8]) {
    if data.len() > 10_000 || data.contains(&b' ') || data.contains(&b'\r') {
        return;
    }
    let addr = server();
    let mut request = b"GET ".to_vec();
    request.extend_from_slice(data);
    let rest = format!(" HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    request.extend_from_slice(rest.as_bytes());
    let response = exchange(addr, &request);
    if response.is_empty() && !data.is_ascii() {
        // tiny_http closes the connection unanswered when the request line is not ASCII
        // (browsers percent-encode): such a target never reaches folio.
        return;
    }
    let head_end = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete response head for {data:?}: {response:?}"));
    let head = String::from_utf8_lossy(&response[..head_end]);
    let status: u16 = head
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line for {data:?}: {head}"));
    assert!(
        EXPECTED_STATUSES.contains(&status),
        "status {status} for {data:?}:\n{head}"
    );
    if status == 301 {
        let location = head
            .lines()
            .find_map(|l| l.strip_prefix("Location: "))
            .unwrap_or_else(|| panic!("301 without Location for {data:?}"));
        assert!(
            location.starts_with('/') && !location.starts_with("//"),
            "redirect off the site to {location:?} for {data:?}"
        );
    }
}

/// Sends `request` on a new connection and reads the answer until the server closes it, or
/// only its head for a live-reload stream, which stays open.
fn exchange(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).expect("connect to the test server");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set a read timeout");
    // The server may answer and close before reading it all (e.g. a too-long target).
    let _ = stream.write_all(request);
    let mut response = Vec::new();
    let mut buf = [0; 16 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => response.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == ErrorKind::ConnectionReset && !response.is_empty() => break,
            Err(e) => panic!("reading the response failed after {response:?}: {e}"),
        }
        if is_event_stream(&response) {
            break;
        }
    }
    response
}

fn is_event_stream(response: &[u8]) -> bool {
    let Some(end) = response.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    String::from_utf8_lossy(&response[..end])
        .to_ascii_lowercase()
        .contains("content-type: text/event-stream")
}

/// One server for the whole process, on a free loopback port, serving a small site.
fn server() -> SocketAddr {
    // Held in a static rather than forgotten, so leak checkers see it is still reachable.
    static SERVER: OnceLock<ServerHandle> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            let mut site = Snapshot::new();
            for (path, text) in [
                ("index.html", "<html><body>home</body></html>"),
                ("articles/retry-budgets/index.html", "<p>retry</p>"),
                ("café/index.html", "<p>café</p>"),
                ("a b/index.html", "<p>space</p>"),
                ("style.css", "body { margin: 0 }"),
                ("feed.xml", "<feed/>"),
                ("404.html", "<p>not found</p>"),
            ] {
                site.insert(path, text.as_bytes().to_vec());
            }
            let bind = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
            start(bind, Arc::new(Shared::new(site))).expect("start the test server")
        })
        .addr
}

fn assert_inside(span: &Range<usize>, text: &str, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what}: span {span:?} outside the text ({} bytes)",
        text.len()
    );
}

fn check_diagnostic(err: &Diagnostic, text: &str) {
    if let Some(span) = &err.span {
        assert_inside(span, text, &err.message);
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "{}: span {span:?} cuts a character",
            err.message
        );
    }
    let _ = err.line_col();
    assert!(!err.render_plain().is_empty());
}
