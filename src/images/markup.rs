//! The HTML of a planned image: `<img>` with its size (no layout shift), `srcset` and
//! `sizes`, inside a `<picture>` with a `<source>` per modern format. Every image but the
//! first of a page loads lazily; the first is fetched at once, with high priority, since it
//! is most likely the largest thing the reader sees first.

use pulldown_cmark_escape::{escape_href, escape_html};

use super::{ImagePlan, Variant};

/// The markup of `plan` with its alt text and title (both as written, unescaped).
pub fn markup(plan: &ImagePlan, alt: &str, title: &str, is_first: bool) -> String {
    let mut html = String::with_capacity(512);
    let picture = !plan.modern.is_empty();
    if picture {
        html.push_str("<picture>");
        if let Some(format) = plan.modern.first().map(|v| v.format) {
            html.push_str("<source type=\"");
            html.push_str(format.mime());
            html.push_str("\" srcset=\"");
            push_srcset(&mut html, &plan.modern);
            html.push_str("\" sizes=\"");
            let _ = escape_html(&mut html, &plan.sizes);
            html.push_str("\">");
        }
    }
    let (src, width, height) = match plan.src() {
        Some(v) => (v.url.as_str(), v.width, v.height),
        None => (plan.url.as_str(), plan.width, plan.height),
    };
    html.push_str("<img src=\"");
    let _ = escape_href(&mut html, src);
    html.push_str("\" alt=\"");
    let _ = escape_html(&mut html, alt);
    html.push('"');
    if !title.is_empty() {
        html.push_str(" title=\"");
        let _ = escape_html(&mut html, title);
        html.push('"');
    }
    html.push_str(&format!(" width=\"{width}\" height=\"{height}\""));
    if plan.fallback.len() > 1 {
        html.push_str(" srcset=\"");
        push_srcset(&mut html, &plan.fallback);
        html.push_str("\" sizes=\"");
        let _ = escape_html(&mut html, &plan.sizes);
        html.push('"');
    }
    if is_first {
        html.push_str(" loading=\"eager\" fetchpriority=\"high\"");
    } else {
        html.push_str(" loading=\"lazy\" decoding=\"async\"");
    }
    html.push('>');
    if picture {
        html.push_str("</picture>");
    }
    html
}

/// `a-480w.webp 480w, a-960w.webp 960w`: URLs escaped, commas in them percent-encoded
/// (a comma would split the list).
fn push_srcset(html: &mut String, variants: &[Variant]) {
    for (i, v) in variants.iter().enumerate() {
        if i > 0 {
            html.push_str(", ");
        }
        let _ = escape_href(&mut *html, &v.url.replace(',', "%2C"));
        html.push_str(&format!(" {}w", v.width));
    }
}
