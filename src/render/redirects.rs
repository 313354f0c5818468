//! What an old address (`aliases:`) serves: a small page that sends the reader on at once
//! (`<meta http-equiv="refresh">`), names the new page as canonical and asks search engines
//! not to index it; and, for hosts that read one, a `_redirects` file of real 301s (the
//! format of Netlify and Cloudflare Pages).

use pulldown_cmark_escape::{escape_href, escape_html};

/// The redirect page sending readers to `target` (an absolute URL) of the article `title`.
pub fn page(language: &str, title: &str, target: &str) -> Vec<u8> {
    let (mut lang, mut name, mut href) = (String::new(), String::new(), String::new());
    let _ = escape_html(&mut lang, language);
    let _ = escape_html(&mut name, title);
    let _ = escape_href(&mut href, target);
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{name}</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{href}\">\n<meta http-equiv=\"refresh\" content=\"0; url={href}\">\n</head>\n<body>\n<p>This article has moved: <a href=\"{href}\">{name}</a>.</p>\n</body>\n</html>\n"
    )
    .into_bytes()
}

/// `_redirects`: one line `FROM TO 301` per old address, both paths from the host's root
/// (`base_path` included), non-ASCII percent-encoded.
pub fn netlify_file(base_path: &str, redirects: &[(String, String)]) -> Vec<u8> {
    let mut out = String::from("# Written by folio from `aliases:` in the front matter.\n");
    for (from, to) in redirects {
        let (mut a, mut b) = (String::new(), String::new());
        let _ = escape_href(&mut a, &format!("{base_path}{from}"));
        let _ = escape_href(&mut b, &format!("{base_path}{to}"));
        // `escape_href` writes `&` and `'` as HTML entities; `_redirects` is no HTML.
        let plain = |s: &str| s.replace("&amp;", "&").replace("&#x27;", "'");
        out.push_str(&format!("{} {} 301\n", plain(&a), plain(&b)));
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_page_escapes_what_it_is_given() {
        let page = String::from_utf8(page("en", "A <b> & \"c\"", "https://x.com/a\"b/")).unwrap();
        assert!(page.contains("<title>A &lt;b&gt; &amp; &quot;c&quot;</title>"));
        assert!(page.contains("href=\"https://x.com/a%22b/\""));
    }

    #[test]
    fn netlify_file_has_a_line_per_alias_under_the_base_path() {
        let file = netlify_file(
            "/blog/",
            &[
                ("articles/old/".into(), "articles/new/".into()),
                ("café/".into(), "articles/x/".into()),
            ],
        );
        let text = String::from_utf8(file).unwrap();
        let lines: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(
            lines,
            [
                "/blog/articles/old/ /blog/articles/new/ 301",
                "/blog/caf%C3%A9/ /blog/articles/x/ 301"
            ]
        );
    }
}
