//! TEMPORARY placeholder until the highlighting module lands (same API).
use std::collections::BTreeSet;
pub struct CodeInfo {
    pub lang: Option<String>,
    pub linenos: bool,
    pub hl_lines: BTreeSet<usize>,
    pub unknown: Vec<String>,
}
pub fn parse_info(info: &str) -> Result<CodeInfo, String> {
    Ok(CodeInfo {
        lang: info.split_whitespace().next().map(String::from),
        linenos: false,
        hl_lines: BTreeSet::new(),
        unknown: vec![],
    })
}
pub struct Highlighted {
    pub html: String,
    pub unknown_language: Option<String>,
}
pub fn render_code_block(code: &str, _info: &CodeInfo, _highlight: bool) -> Highlighted {
    let mut s = String::from("<pre class=\"code\"><code>");
    let _ = pulldown_cmark_escape::escape_html(&mut s, code);
    s.push_str("</code></pre>");
    Highlighted {
        html: s,
        unknown_language: None,
    }
}
pub fn stylesheet(_light: &str, _dark: &str) -> Result<String, String> {
    Ok(String::new())
}
