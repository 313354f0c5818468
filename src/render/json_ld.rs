//! An article's JSON-LD (`BlogPosting`), written straight from typed structs by serde_json:
//! no `serde_json::Value` tree and no pass over the text afterwards. Fields are declared in
//! byte order of their names, the order a `Value` object (a sorted map) writes them in, so
//! the bytes are what they always were. Every article page rendered makes one
//! (10,000 in a cold build), which is why this is not a `json!` literal.

use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter};

use super::context::{ArticleSummary, AuthorContext};
use crate::config::Config;

/// JSON-LD `BlogPosting` for an article page, safe to put inside a `<script>` element.
pub fn json_ld(c: &Config, s: &ArticleSummary) -> String {
    let author = match s.authors.as_slice() {
        [one] => Authors::One(person(c, one)),
        many => Authors::Many(many.iter().map(|a| person(c, a)).collect()),
    };
    let series_url = s
        .series
        .as_ref()
        .map(|series| format!("{}series/{}/", c.base_url, series.id));
    let posting = BlogPosting {
        context: "https://schema.org",
        kind: "BlogPosting",
        author,
        date_modified: s.updated.as_deref().unwrap_or(&s.date),
        date_published: &s.date,
        description: &s.summary,
        headline: &s.title,
        in_language: &c.language,
        is_part_of: s
            .series
            .as_ref()
            .zip(series_url.as_deref())
            .map(|(series, url)| Named {
                kind: "CreativeWorkSeries",
                name: &series.title,
                url,
            }),
        keywords: s.tags.iter().map(|t| t.name.as_str()).collect(),
        main_entity_of_page: &s.permalink,
        position: s.series.as_ref().map(|series| series.part),
        publisher: Named {
            kind: "Organization",
            name: &c.title,
            url: &c.base_url,
        },
        url: s.canonical.as_deref().unwrap_or(&s.permalink),
    };
    let mut out = Vec::with_capacity(1024);
    let mut writer = serde_json::Serializer::with_formatter(&mut out, ScriptSafe);
    // Strings, numbers and sequences into a `Vec`: serde_json has no way to fail here.
    if posting.serialize(&mut writer).is_err() {
        return String::new();
    }
    // serde_json writes UTF-8 only.
    String::from_utf8(out).unwrap_or_default()
}

fn person<'a>(c: &Config, a: &'a AuthorContext) -> Person<'a> {
    Person {
        kind: "Person",
        image: crate::brand::photo_path(c, &a.id).map(|photo| format!("{}{photo}", c.base_url)),
        job_title: &a.role,
        name: &a.name,
        same_as: a.links.iter().map(|l| l.url.as_str()).collect(),
        url: &a.permalink,
    }
}

#[derive(Serialize)]
struct BlogPosting<'a> {
    #[serde(rename = "@context")]
    context: &'a str,
    #[serde(rename = "@type")]
    kind: &'a str,
    author: Authors<'a>,
    #[serde(rename = "dateModified")]
    date_modified: &'a str,
    #[serde(rename = "datePublished")]
    date_published: &'a str,
    description: &'a str,
    headline: &'a str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "isPartOf", skip_serializing_if = "Option::is_none")]
    is_part_of: Option<Named<'a>>,
    keywords: Vec<&'a str>,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<u32>,
    publisher: Named<'a>,
    url: &'a str,
}

/// One author is an object, several (or none) a list.
#[derive(Serialize)]
#[serde(untagged)]
enum Authors<'a> {
    One(Person<'a>),
    Many(Vec<Person<'a>>),
}

#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(rename = "jobTitle")]
    job_title: &'a str,
    name: &'a str,
    #[serde(rename = "sameAs", skip_serializing_if = "Vec::is_empty")]
    same_as: Vec<&'a str>,
    url: &'a str,
}

/// The publisher and the series: a type, a name and a URL.
#[derive(Serialize)]
struct Named<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    name: &'a str,
    url: &'a str,
}

/// Compact JSON in which `<`, `>` and `&` inside strings are written as `\u003c`, `\u003e`
/// and `\u0026`: inside `<script>`, `</script>` or `<!--` would end or derail the element,
/// and the escapes mean the same to a JSON reader. (Outside strings JSON has none of them.)
struct ScriptSafe;

impl Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(['<', '>', '&']) {
            writer.write_all(&rest.as_bytes()[..at])?;
            writer.write_all(match rest.as_bytes()[at] {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                _ => b"\\u0026",
            })?;
            rest = &rest[at + 1..];
        }
        CompactFormatter.write_string_fragment(writer, rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brand::AuthorLink;
    use crate::render::context::{SeriesRef, TagContext};
    use std::path::Path;

    /// What `json_ld` wrote before it was typed: a `Value` tree, then the three escapes.
    fn reference(c: &Config, s: &ArticleSummary) -> String {
        let person = |a: &AuthorContext| {
            let mut person = serde_json::json!({
                "@type": "Person", "name": a.name, "jobTitle": a.role, "url": a.permalink,
            });
            let same_as: Vec<&str> = a.links.iter().map(|l| l.url.as_str()).collect();
            if !same_as.is_empty() {
                person["sameAs"] = serde_json::json!(same_as);
            }
            if let Some(photo) = crate::brand::photo_path(c, &a.id) {
                person["image"] = serde_json::json!(format!("{}{photo}", c.base_url));
            }
            person
        };
        let author = match s.authors.as_slice() {
            [one] => person(one),
            many => many.iter().map(person).collect(),
        };
        let mut value = serde_json::json!({
            "@context": "https://schema.org", "@type": "BlogPosting",
            "headline": s.title, "description": s.summary,
            "url": s.canonical.as_deref().unwrap_or(&s.permalink),
            "mainEntityOfPage": s.permalink, "datePublished": s.date,
            "dateModified": s.updated.as_deref().unwrap_or(&s.date),
            "keywords": s.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            "inLanguage": c.language, "author": author,
            "publisher": {"@type": "Organization", "name": c.title, "url": c.base_url},
        });
        if let (Some(series), Some(map)) = (&s.series, value.as_object_mut()) {
            map.insert(
                "isPartOf".into(),
                serde_json::json!({
                    "@type": "CreativeWorkSeries", "name": series.title,
                    "url": format!("{}series/{}/", c.base_url, series.id),
                }),
            );
            map.insert("position".into(), series.part.into());
        }
        value
            .to_string()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
    }

    fn author(id: &str, links: usize) -> AuthorContext {
        AuthorContext {
            id: id.into(),
            name: format!("<b>{id}</b> & co"),
            role: "Principal \"engineer\"".into(),
            bio: None,
            url: format!("/authors/{id}/"),
            permalink: format!("https://e.com/blog/authors/{id}/"),
            article_count: 3,
            photo: None,
            links: (0..links)
                .map(|n| AuthorLink {
                    kind: "github",
                    label: "GitHub",
                    url: format!("https://github.com/{id}{n}?a=1&b=<2>"),
                })
                .collect(),
        }
    }

    fn summary(authors: Vec<AuthorContext>) -> ArticleSummary {
        ArticleSummary {
            title: r#"Why "</script>" ends <!-- scripts & more"#.into(),
            slug: "why".into(),
            url: "/blog/articles/why/".into(),
            permalink: "https://e.com/blog/articles/why/".into(),
            date: "2025-03-04".into(),
            date_display: "4 March 2025".into(),
            updated: None,
            updated_display: None,
            author: authors.first().cloned().unwrap_or_else(|| author("x", 0)),
            authors,
            summary: "Ünïcödé, tabs\tand\nnew lines, \u{1} control".into(),
            tags: ["rust", "a&b"]
                .map(|t| TagContext {
                    name: t.into(),
                    slug: t.into(),
                    url: String::new(),
                    count: 1,
                })
                .into(),
            reading_time: 4,
            image: None,
            series: None,
            canonical: None,
            originally_published: None,
        }
    }

    #[test]
    fn typed_json_ld_writes_the_bytes_the_value_tree_wrote() {
        let config = Config::parse(
            "title = \"Firm <&>\"\nbase_url = \"https://e.com/blog/\"\nlanguage = \"en-GB\"\n\
             [authors.ana]\nname = \"A\"\nrole = \"R\"\nphoto = \"ana.JPG\"\n\
             [authors.bo]\nname = \"B\"\nrole = \"R\"\n",
            Path::new("config.toml"),
        )
        .unwrap();
        let mut cases = vec![
            summary(vec![author("ana", 0)]),
            summary(vec![author("bo", 2)]),
            summary(vec![author("ana", 1), author("bo", 0)]),
            summary(vec![]),
        ];
        let mut full = summary(vec![author("bo", 1)]);
        full.updated = Some("2025-06-01".into());
        full.canonical = Some("https://elsewhere.org/why?x=1&y=2".into());
        full.series = Some(SeriesRef {
            id: "deep-dive".into(),
            title: "Deep <dive>".into(),
            url: "/blog/series/deep-dive/".into(),
            part: 3,
        });
        full.tags.clear();
        cases.push(full);
        for s in &cases {
            let typed = json_ld(&config, s);
            assert_eq!(typed, reference(&config, s));
            assert!(!typed.contains(['<', '>', '&']), "{typed}");
        }
    }

    #[test]
    fn script_safe_strings_escape_what_could_end_a_script_element() {
        let mut out = Vec::new();
        let mut writer = serde_json::Serializer::with_formatter(&mut out, ScriptSafe);
        ["</script><!-- a & b >", "plain", "\"quoted\" \\ \n"]
            .serialize(&mut writer)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            r#"["\u003c/script\u003e\u003c!-- a \u0026 b \u003e","plain","\"quoted\" \\ \n"]"#
        );
        let back: Vec<String> = serde_json::from_str(&text).unwrap();
        assert_eq!(back[0], "</script><!-- a & b >");
    }
}
