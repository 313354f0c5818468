//! Tera's errors as diagnostics that point into the template file (`templates/x.html:3`)
//! rather than at a template name, whatever form Tera reports them in.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use tera::ErrorKind;

use crate::diagnostics::Diagnostic;

/// Template name → (file relative to the site root, its text).
pub type TemplateFiles = BTreeMap<String, (PathBuf, Arc<str>)>;

/// `original` maps a byte range of a template as compiled to the file as written.
pub fn diagnostic(
    files: &TemplateFiles,
    err: &tera::Error,
    original: &dyn Fn(&str, Range<usize>) -> Range<usize>,
) -> Diagnostic {
    match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let kind = match err.kind() {
                ErrorKind::SyntaxError(_) => "template syntax error",
                _ => "template error",
            };
            if let Some(d) = unclosed_block(files, report.filename(), report.message()) {
                return d;
            }
            let d = Diagnostic::error(format!("{kind}: {}", report.message()));
            match files.get(report.filename()) {
                Some((path, text)) => {
                    let range = original(report.filename(), report.span().range.clone());
                    d.in_file(path).at(text, range)
                }
                None => d.help(format!("in template `{}`", report.filename())),
            }
        }
        ErrorKind::MissingParent { current, parent } => at_text(
            files,
            current,
            "extends",
            format!("template `{current}` extends `{parent}`, which does not exist"),
        ),
        ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => at_text(
            files,
            tpl,
            "extends",
            format!(
                "templates extend each other in a circle: {}",
                inheritance_chain.join(" → ")
            ),
        ),
        ErrorKind::CircularInclude { tpl, include_chain } => {
            // The include that closes the circle: in the template just before `tpl` comes back.
            let closer = include_chain.iter().rev().nth(1).unwrap_or(tpl);
            at_text(
                files,
                closer,
                &format!("\"{tpl}\""),
                format!(
                    "templates include each other in a circle: {}",
                    include_chain.join(" → ")
                ),
            )
        }
        ErrorKind::Msg(text) if text.starts_with("error: ") => from_report_text(files, text),
        other => Diagnostic::error(format!("template error: {other}")),
    }
}

/// Tera's "Unknown tag" (at the closing tag of an outer block) or "Unexpected end of input"
/// for a block left open, told as what it is: which block, opened on which line.
fn unclosed_block(files: &TemplateFiles, name: &str, message: &str) -> Option<Diagnostic> {
    if message != "Unknown tag" && !message.starts_with("Unexpected end of input") {
        return None;
    }
    let (path, source) = files.get(name)?;
    let open = super::unclosed::find(source)?;
    let line_of = |at: usize| source[..at].matches('\n').count() + 1;
    let opened = line_of(open.span.start);
    let (keyword, closer) = (&open.keyword, open.closer);
    let help = match &open.met {
        Some((tag, span)) => format!(
            "add `{{% {closer} %}}` where its body ends, before `{{% {tag} %}}` on line {}",
            line_of(span.start)
        ),
        None => format!("add `{{% {closer} %}}` where its body ends"),
    };
    Some(
        Diagnostic::error(format!(
            "template syntax error: `{{% {keyword} %}}` opened on line {opened} is never closed"
        ))
        .in_file(path)
        .at(source, open.span)
        .label(format!("this `{keyword}` needs a `{{% {closer} %}}`"))
        .help(help),
    )
}

/// Tera sometimes hands over its own drawn report as text (`error: msg`, `--> name:3:17`):
/// read the message and place back out of it and point into the real file.
fn from_report_text(files: &TemplateFiles, text: &str) -> Diagnostic {
    let first = text.split("\n\n").next().unwrap_or(text);
    let message = first
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ");
    let place = first
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "));
    let d = Diagnostic::error(format!("template error: {message}"));
    let Some(place) = place else { return d };
    let mut parts = place.rsplitn(3, ':');
    let (col, line, name) = (parts.next(), parts.next(), parts.next());
    let (Some(name), Some(line)) = (name, line.and_then(|l| l.parse::<usize>().ok())) else {
        return d;
    };
    let col = col.and_then(|c| c.parse::<usize>().ok());
    let more = text.matches("\n\nerror: ").count();
    let d = if more > 0 {
        d.help(format!(
            "and {more} more problem(s) like it in the templates"
        ))
    } else {
        d
    };
    match files.get(name) {
        Some((path, source)) => d.in_file(path).at_line(source, line, col),
        None => d.help(format!("in template `{name}`")),
    }
}

/// A diagnostic on the first line of template `name` that contains `needle`.
fn at_text(files: &TemplateFiles, name: &str, needle: &str, message: String) -> Diagnostic {
    let d = Diagnostic::error(message);
    match files.get(name) {
        Some((path, source)) => {
            let start = source.find(needle).unwrap_or(0);
            let line = source[..start].matches('\n').count() + 1;
            d.in_file(path).at_line(source, line, None)
        }
        None => d.help(format!("in template `{name}`")),
    }
}
