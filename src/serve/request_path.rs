//! Turning a raw request target into a path of the snapshot, strictly. Anything ambiguous
//! (dot segments, encoded separators, backslashes, drive letters, bad escapes, control
//! characters) is refused rather than guessed at: a dev server has no reason to accept it.

use thiserror::Error;

/// Longest request target accepted; longer ones get 414.
pub const MAX_TARGET_LEN: usize = 8 * 1024;

/// A request target that passed every check.
#[derive(Debug, PartialEq, Eq)]
pub struct RequestPath<'a> {
    /// The decoded path without its leading `/`; empty for the site root.
    pub decoded: String,
    /// The path exactly as sent (still percent-encoded), leading `/` included.
    pub raw: &'a str,
    /// The query string as sent, without `?`; only ever echoed back in a redirect.
    pub query: Option<&'a str>,
}

impl RequestPath<'_> {
    /// True when the path ends in `/` (or is the root), i.e. names a directory.
    pub fn is_directory(&self) -> bool {
        self.decoded.is_empty() || self.decoded.ends_with('/')
    }
}

/// Why a request target was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum BadPath {
    #[error("request target is longer than {MAX_TARGET_LEN} bytes")]
    TooLong,
    #[error("request target must be a path starting with a single `/`")]
    NotOriginForm,
    #[error("request target contains a character that is not allowed")]
    ForbiddenCharacter,
    #[error("invalid percent-encoding")]
    BadEscape,
    #[error("percent-encoding of a separator, `%`, or a control character")]
    ForbiddenEscape,
    #[error("path is not valid UTF-8")]
    NotUtf8,
    #[error("path contains an empty, `.` or `..` segment")]
    DotOrEmptySegment,
    #[error("path contains `:` (drive letters and streams are not served)")]
    Colon,
}

/// Checks and decodes `target` (the request line's second word). Percent-escapes are decoded
/// exactly once; an escape that decodes to `/`, `\`, `%` or a control character is refused,
/// so no later reading of the path could decode it into something else.
pub fn parse_target(target: &str) -> Result<RequestPath<'_>, BadPath> {
    if target.len() > MAX_TARGET_LEN {
        return Err(BadPath::TooLong);
    }
    // Only visible ASCII: tiny_http splits the request line on spaces but lets a lone LF, tab
    // or other control byte through, and none of them belongs in a URL.
    if !target.bytes().all(|b| b.is_ascii_graphic()) || target.contains(['\\', '#']) {
        return Err(BadPath::ForbiddenCharacter);
    }
    // Origin form only: absolute form (`http://host/...`), authority form and `*` are for
    // proxies and OPTIONS; `//x` would turn into a protocol-relative URL in a redirect.
    if !target.starts_with('/') || target.starts_with("//") {
        return Err(BadPath::NotOriginForm);
    }
    let (raw, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    let decoded = String::from_utf8(percent_decode(&raw[1..])?).map_err(|_| BadPath::NotUtf8)?;
    if decoded.chars().any(|c| c.is_control() || c == '\\') {
        return Err(BadPath::ForbiddenCharacter);
    }
    let segments = decoded.strip_suffix('/').unwrap_or(&decoded);
    if !decoded.is_empty() && segments.split('/').any(|s| matches!(s, "" | "." | "..")) {
        return Err(BadPath::DotOrEmptySegment);
    }
    if decoded.contains(':') {
        return Err(BadPath::Colon);
    }
    Ok(RequestPath {
        decoded,
        raw,
        query,
    })
}

/// Decodes `%XX` escapes once. A strict decoder of a dozen lines instead of the
/// `percent-encoding` crate, because that crate passes malformed escapes through as text and
/// we must refuse them, and refuse escapes of separators, in the same pass.
fn percent_decode(input: &str) -> Result<Vec<u8>, BadPath> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let high = bytes.get(i + 1).and_then(|b| hex_value(*b));
        let low = bytes.get(i + 2).and_then(|b| hex_value(*b));
        let (Some(high), Some(low)) = (high, low) else {
            return Err(BadPath::BadEscape);
        };
        let byte = high * 16 + low;
        if matches!(byte, b'/' | b'\\' | b'%') || byte.is_ascii_control() {
            return Err(BadPath::ForbiddenEscape);
        }
        out.push(byte);
        i += 3;
    }
    Ok(out)
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(target: &str) -> Result<String, BadPath> {
        parse_target(target).map(|p| p.decoded)
    }

    #[test]
    fn ordinary_paths_decode() {
        assert_eq!(decoded("/"), Ok(String::new()));
        assert_eq!(decoded("/articles/x/"), Ok("articles/x/".into()));
        assert_eq!(decoded("/caf%C3%A9.html"), Ok("café.html".into()));
        assert_eq!(decoded("/a%20b.css?v=1"), Ok("a b.css".into()));
        let path = parse_target("/a?x=1&y=..").ok();
        assert_eq!(path.and_then(|p| p.query), Some("x=1&y=.."));
    }

    #[test]
    fn dot_segments_are_refused_however_spelled() {
        for target in [
            "/..",
            "/a/../b",
            "/%2e%2e/x",
            "/.%2e/x",
            "/%2E%2e/",
            "/a/./b",
            "/./",
        ] {
            assert_eq!(decoded(target), Err(BadPath::DotOrEmptySegment), "{target}");
        }
    }

    #[test]
    fn encoded_separators_and_double_encoding_are_refused() {
        for target in [
            "/a%2fb",
            "/a%5cb",
            "/a%00",
            "/%252e%252e/",
            "/a%0d%0a",
            "/a%7f",
        ] {
            assert_eq!(decoded(target), Err(BadPath::ForbiddenEscape), "{target}");
        }
    }

    #[test]
    fn malformed_input_is_refused() {
        assert_eq!(decoded("/a%2"), Err(BadPath::BadEscape));
        assert_eq!(decoded("/a%zz"), Err(BadPath::BadEscape));
        assert_eq!(decoded("/%c0%ae%c0%ae/"), Err(BadPath::NotUtf8));
        assert_eq!(decoded("/a\\b"), Err(BadPath::ForbiddenCharacter));
        assert_eq!(decoded("/a\nb"), Err(BadPath::ForbiddenCharacter));
        assert_eq!(decoded("/%c2%85"), Err(BadPath::ForbiddenCharacter));
        assert_eq!(decoded("/C:/Windows/win.ini"), Err(BadPath::Colon));
        assert_eq!(decoded("//etc/passwd"), Err(BadPath::NotOriginForm));
        assert_eq!(decoded("http://x/../etc"), Err(BadPath::NotOriginForm));
        assert_eq!(decoded("*"), Err(BadPath::NotOriginForm));
        assert_eq!(decoded("/a//b"), Err(BadPath::DotOrEmptySegment));
        assert_eq!(
            decoded(&format!("/{}", "a".repeat(MAX_TARGET_LEN))),
            Err(BadPath::TooLong)
        );
    }
}
