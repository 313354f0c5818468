//! An article body's markdown → the plain text that is indexed and shown in excerpts:
//! paragraphs, headings, list items, table cells, link and image text, inline code and code
//! blocks, one block per line. Raw HTML is left out (its tags are not words).

use pulldown_cmark::{Event, Options, Parser, TagEnd};

/// The words a reader sees in `markdown`, parsed with the `options` the page is rendered
/// with (so `{#id}` after a heading and the `[!NOTE]` of a callout are not words), blocks
/// separated by line breaks.
pub fn plain_text(markdown: &str, options: Options) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition,
            ) => end_block(&mut out),
            _ => {}
        }
    }
    while out.ends_with(char::is_whitespace) {
        out.pop();
    }
    out
}

/// Ends the current block with one line break (blocks that end together add no blank lines).
fn end_block(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use crate::config::MarkdownConfig;

    fn plain_text(markdown: &str) -> String {
        super::plain_text(
            markdown,
            crate::markdown::parser_options(&MarkdownConfig::default()),
        )
    }

    #[test]
    fn blocks_become_lines_and_markup_goes() {
        let md = "# Retry *budgets*\n\nPer-request **limits** multiply,\nunder load.\n\n\
                  - one\n- two\n\n| a | b |\n|---|---|\n| c | d |\n";
        assert_eq!(
            plain_text(md),
            "Retry budgets\nPer-request limits multiply, under load.\none\ntwo\na\nb\nc\nd"
        );
    }

    #[test]
    fn code_links_and_images_keep_their_text_and_raw_html_goes() {
        let md = "Call `retry_after()` or see [the docs](https://x.example/) \
                  and ![a plan](plan.svg).\n\n<div class=\"note\">\n\n```rust\nlet budget = 10;\n```\n";
        assert_eq!(
            plain_text(md),
            "Call retry_after() or see the docs and a plan.\nlet budget = 10;"
        );
    }

    #[test]
    fn heading_ids_and_callout_markers_are_not_words() {
        let md = "## Budgets {#budgets}\n\n> [!WARNING]\n> Retries multiply.\n";
        assert_eq!(plain_text(md), "Budgets\nRetries multiply.");
    }

    #[test]
    fn empty_body_is_empty_text() {
        assert_eq!(plain_text(""), "");
        assert_eq!(plain_text("\n\n   \n"), "");
    }
}
