//! The live-reload client: the script browsers load, and its injection into HTML responses.
//! Injection happens per response; the snapshot keeps exactly what `folio build` writes.

/// Where the client script is served.
pub const SCRIPT_PATH: &str = "/__folio/livereload.js";

/// Where the client listens for Server-Sent Events.
pub const EVENTS_PATH: &str = "/__folio/events";

/// The client script itself.
pub const CLIENT_SCRIPT: &str = include_str!("livereload.js");

/// The tag inserted into every HTML page served.
pub const SCRIPT_TAG: &str = "<script src=\"/__folio/livereload.js\" defer></script>";

/// `html` with [`SCRIPT_TAG`] inserted just before the last `</body>` (any case), or at the
/// end when there is none.
pub fn inject_script(html: &[u8]) -> Vec<u8> {
    let at = last_body_close(html).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + SCRIPT_TAG.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(SCRIPT_TAG.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn last_body_close(html: &[u8]) -> Option<usize> {
    const NEEDLE: &[u8] = b"</body";
    html.windows(NEEDLE.len())
        .rposition(|window| window.eq_ignore_ascii_case(NEEDLE))
}

/// The ETag of an injected page: the snapshot file's ETag with a suffix, so it differs from
/// the plain file's (the bytes differ) yet still follows the content.
pub fn injected_etag(etag: &str) -> String {
    match etag.strip_suffix('"') {
        Some(open) => format!("{open}-lr\""),
        None => format!("{etag}-lr"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_closing_body() {
        let html = b"<body><pre></body></pre></BODY>\n</html>";
        let out = String::from_utf8(inject_script(html)).unwrap_or_default();
        assert_eq!(
            out,
            format!("<body><pre></body></pre>{SCRIPT_TAG}</BODY>\n</html>")
        );
    }

    #[test]
    fn script_goes_at_the_end_without_a_body_tag() {
        let out = inject_script(b"<p>fragment");
        assert!(out.ends_with(SCRIPT_TAG.as_bytes()));
    }

    #[test]
    fn injected_etag_stays_quoted() {
        assert_eq!(injected_etag("\"abc\""), "\"abc-lr\"");
    }
}
