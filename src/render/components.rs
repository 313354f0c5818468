//! The markdown components (alerts, figures, embeds) made by the theme's templates under
//! `markdown/` (`alert.html`, `figure.html`, `embed.html`), a site's `templates/markdown/`
//! overriding them and folio's own defaults filling in for a theme that has none. They are
//! compiled apart from the page templates, so a body depends on exactly these texts: an
//! edit of `article.html` never renders a body again, an edit of `markdown/alert.html` does.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tera::Context;

use super::Theme;
use crate::diagnostics::Diagnostic;
use crate::markdown::components::{AlertKind, Components, Figure, Video};

/// Each component's template, and folio's default for a theme without one.
pub const TEMPLATES: [(&str, &str); 3] = [
    (
        "markdown/alert.html",
        include_str!("../../themes/default/templates/markdown/alert.html"),
    ),
    (
        "markdown/figure.html",
        include_str!("../../themes/default/templates/markdown/figure.html"),
    ),
    (
        "markdown/embed.html",
        include_str!("../../themes/default/templates/markdown/embed.html"),
    ),
];

/// What an alert's template gets as `inner_html` while it is split into its two halves.
const CONTENT: &str = "FOLIO_ALERT_CONTENT_7c1d";

/// The components, rendered by Tera templates.
pub struct TemplateComponents {
    templates: Theme,
}

impl TemplateComponents {
    /// The templates `files` (name → file and text, e.g. `markdown/alert.html`), with
    /// folio's defaults for those missing.
    pub fn new(
        mut files: BTreeMap<String, (PathBuf, Arc<str>)>,
        page_time_limit: Duration,
    ) -> Result<TemplateComponents, Diagnostic> {
        for (name, text) in TEMPLATES {
            files
                .entry(name.to_string())
                .or_insert_with(|| (PathBuf::from(format!("<folio>/{name}")), Arc::from(text)));
        }
        Ok(TemplateComponents {
            templates: Theme::compile(files, page_time_limit)?,
        })
    }

    /// folio's own templates alone.
    pub fn defaults() -> Result<TemplateComponents, Diagnostic> {
        TemplateComponents::new(BTreeMap::new(), Duration::from_secs(5))
    }

    fn render(&self, name: &str, values: &impl Serialize) -> Result<String, Diagnostic> {
        let context = Context::from_serialize(values)
            .map_err(|e| Diagnostic::error(format!("cannot pass values to `{name}`: {e}")))?;
        let html = self.templates.render(name, &context)?;
        // A block of its own, however the template ends.
        Ok(format!("{}\n", html.trim()))
    }
}

#[derive(Serialize)]
struct AlertValues {
    kind: &'static str,
    title: &'static str,
    inner_html: &'static str,
}

#[derive(Serialize)]
struct EmbedValues<'a> {
    provider: &'static str,
    provider_name: &'static str,
    id: &'a str,
    url: String,
    embed_url: String,
    title: String,
}

impl Components for TemplateComponents {
    fn alert(&self, kind: AlertKind) -> Option<Result<(String, String), Diagnostic>> {
        let name = "markdown/alert.html";
        let values = AlertValues {
            kind: kind.name(),
            title: kind.title(),
            inner_html: CONTENT,
        };
        Some(
            self.render(name, &values)
                .and_then(|html| match html.split_once(CONTENT) {
                    Some((open, close)) if !close.contains(CONTENT) => Ok((
                        format!("{}\n", open.trim_end()),
                        close.trim_start().to_string(),
                    )),
                    _ => {
                        let d = Diagnostic::error(format!(
                            "template `{name}` must show `inner_html` exactly once"
                        ))
                        .help("write `{{ inner_html | safe }}` once where the alert's text goes");
                        Err(match self.templates.file_of(name) {
                            Some(path) => d.in_file(path),
                            None => d,
                        })
                    }
                }),
        )
    }

    fn figure(&self, figure: &Figure) -> Option<Result<String, Diagnostic>> {
        #[derive(Serialize)]
        struct Values<'a> {
            src: &'a str,
            alt: &'a str,
            caption: &'a str,
            picture: Option<&'a str>,
        }
        let values = Values {
            src: &figure.src,
            alt: &figure.alt,
            caption: &figure.caption,
            picture: figure.picture.as_deref(),
        };
        Some(self.render("markdown/figure.html", &values))
    }

    fn embed(&self, video: &Video) -> Option<Result<String, Diagnostic>> {
        let values = EmbedValues {
            provider: video.provider_id(),
            provider_name: video.provider_name(),
            id: video.id(),
            url: video.watch_url(),
            embed_url: video.embed_url(),
            title: format!("{} video", video.provider_name()),
        };
        Some(self.render("markdown/embed.html", &values))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MarkdownConfig;
    use crate::markdown;
    use std::path::Path;

    fn render(body: &str, raw_html: bool) -> markdown::Rendered {
        let config = MarkdownConfig {
            raw_html,
            ..MarkdownConfig::default()
        };
        let components = TemplateComponents::defaults().unwrap();
        markdown::render(
            body,
            Path::new("content/articles/x.md"),
            &[],
            &config,
            &Default::default(),
            &components,
        )
    }

    #[test]
    fn what_a_writer_puts_in_a_figure_is_escaped() {
        let out = render(
            "![a\"><script>x</script>](https://x.org/a.png \"<img src=x onerror=alert(1)>\")\n",
            true,
        );
        assert!(!out.html.contains("<script"), "{}", out.html);
        assert!(!out.html.contains("<img src=x"), "{}", out.html);
        assert!(
            out.html
                .contains("<figcaption>&lt;img src=x onerror=alert(1)&gt;</figcaption>")
        );
    }

    #[test]
    fn an_unsafe_figure_source_is_removed_with_a_warning() {
        let out = render("![plan](javascript:alert(1) \"Caption\")\n", true);
        assert!(out.html.contains("<img src=\"\""), "{}", out.html);
        assert!(
            out.problems
                .iter()
                .any(|p| p.message.starts_with("unsafe image"))
        );
    }

    #[test]
    fn alert_content_keeps_the_body_rules() {
        let out = render(
            "> [!WARNING]\n> <script>alert(1)</script>\n>\n> See [x](javascript:y).\n",
            false,
        );
        assert!(out.html.contains("callout-warning"));
        assert!(!out.html.contains("<script"), "{}", out.html);
        assert!(out.html.contains("&lt;script&gt;"));
        assert!(out.html.contains("<p>See <a>x</a>.</p>"), "{}", out.html);
    }

    #[test]
    fn nested_alerts_close_in_order() {
        let out = render("> [!NOTE]\n> outer\n>\n> > [!TIP]\n> > inner\n", true);
        let note = out.html.find("callout-note").unwrap();
        let tip = out.html.find("callout-tip").unwrap();
        assert!(note < tip);
        assert_eq!(
            out.html.matches("<div").count(),
            out.html.matches("</div>").count()
        );
    }

    #[test]
    fn an_alert_template_without_its_content_is_an_error_and_the_quote_stays() {
        let files = BTreeMap::from([(
            "markdown/alert.html".to_string(),
            (
                PathBuf::from("templates/markdown/alert.html"),
                Arc::from("<p>{{ title }}</p>"),
            ),
        )]);
        let components = TemplateComponents::new(files, Duration::from_secs(5)).unwrap();
        let out = markdown::render(
            "> [!NOTE]\n> text\n",
            Path::new("content/articles/x.md"),
            &[],
            &MarkdownConfig::default(),
            &Default::default(),
            &components,
        );
        assert_eq!(out.template_errors.len(), 1);
        assert_eq!(
            out.template_errors[0].file.as_deref(),
            Some(Path::new("templates/markdown/alert.html"))
        );
        assert!(out.html.contains("<blockquote"), "{}", out.html);
    }
}
