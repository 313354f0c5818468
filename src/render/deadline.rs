//! The page deadline: a template that runs too long, even one looping without writing
//! anything, is stopped with an error naming the template and the loop.
//!
//! Tera has no hook into its loops, and a render cannot be stopped from outside (a thread
//! left spinning would keep a CPU busy for ever in `folio serve`). So each template is
//! compiled with a call to a clock check, `__folio_tick()`, as the first thing in every
//! `{% for %}` body; it fails the render once the deadline has passed. The inserted text
//! writes nothing and keeps the tag's whitespace control; error positions are mapped back
//! to the file as written (`SourceMap`). Output is watched too: a page bigger than
//! `PAGE_SIZE_LIMIT` is a template writing without end.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io;
use std::time::{Duration, Instant};

use tera::{Context, Kwargs, State, Tera};

use super::template_errors::TemplateFiles;

/// A page bigger than this is a template writing without end, not a page.
pub const PAGE_SIZE_LIMIT: usize = 256 * 1024 * 1024;

/// The clock check inserted into loops.
const TICK: &str = "__folio_tick";
/// Calls between two readings of the clock (one costs ~25 ns; a tick several times that).
const TICKS_PER_CLOCK: u32 = 64;

thread_local! {
    /// The deadline of the render running on this thread, if any.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    static TICKS: Cell<u32> = const { Cell::new(0) };
}

/// Where text was inserted into a template: (offset in the file as written, length).
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    inserts: Vec<(usize, usize)>,
}

impl SourceMap {
    /// The offset in the file as written of `offset` in the compiled text.
    pub fn to_original(&self, offset: usize) -> usize {
        let mut shift = 0;
        for &(at, len) in &self.inserts {
            if offset < at + shift {
                break;
            }
            if offset < at + shift + len {
                return at;
            }
            shift += len;
        }
        offset - shift
    }
}

/// Templates compiled with their loops guarded, and how to map positions back.
#[derive(Clone, Default)]
pub struct Guarded {
    maps: BTreeMap<String, SourceMap>,
}

impl Guarded {
    /// A byte range of template `name`'s compiled text, in the file as written.
    pub fn original_range(
        &self,
        name: &str,
        range: std::ops::Range<usize>,
    ) -> std::ops::Range<usize> {
        match self.maps.get(name) {
            Some(map) => map.to_original(range.start)..map.to_original(range.end),
            None => range,
        }
    }
}

/// Compile `files` into a copy of `base`, every loop guarded. A syntax error is reported
/// from the files as written; should only the guarded text fail to compile, the files are
/// compiled as written, with their loops unguarded (the page size limit still holds).
pub fn compile(base: &Tera, files: &TemplateFiles) -> Result<(Tera, Guarded), tera::Error> {
    let mut tera = base.clone();
    tera.register_function(TICK, tick);
    let guarded: Vec<(&str, String, SourceMap)> = files
        .iter()
        .map(|(name, (_, text))| {
            let (text, map) = guard_loops(text);
            (name.as_str(), text, map)
        })
        .collect();
    let compiled =
        tera.add_raw_templates(guarded.iter().map(|(name, text, _)| (*name, text.as_str())));
    if compiled.is_ok() {
        let maps = guarded
            .into_iter()
            .map(|(name, _, map)| (name.to_string(), map))
            .collect();
        return Ok((tera, Guarded { maps }));
    }
    let mut plain = base.clone();
    plain.add_raw_templates(
        files
            .iter()
            .map(|(n, (_, text))| (n.as_str(), text.as_ref())),
    )?;
    Ok((plain, Guarded::default()))
}

/// Why a render stopped.
pub enum Stopped {
    /// The deadline passed: in template `name` at this offset of the file as written (the
    /// loop), or while writing.
    TooSlow {
        at: Option<(String, usize)>,
    },
    TooLarge,
    Failed(tera::Error),
}

/// Render template `name` within `limit`.
pub fn render(
    tera: &Tera,
    guarded: &Guarded,
    name: &str,
    context: &Context,
    limit: Duration,
) -> Result<Vec<u8>, Stopped> {
    let deadline = Instant::now() + limit;
    let mut out = DeadlineWriter {
        bytes: Vec::with_capacity(16 * 1024),
        deadline,
        writes: 0,
    };
    let previous = DEADLINE.replace(Some(deadline));
    let result = tera.render_to(name, context, &mut out);
    DEADLINE.set(previous);
    match result {
        Ok(()) => Ok(out.bytes),
        Err(e) => Err(stopped(guarded, e)),
    }
}

fn stopped(guarded: &Guarded, e: tera::Error) -> Stopped {
    match e.kind() {
        tera::ErrorKind::Io(io::ErrorKind::TimedOut) => Stopped::TooSlow { at: None },
        tera::ErrorKind::Io(io::ErrorKind::FileTooLarge) => Stopped::TooLarge,
        tera::ErrorKind::RenderingError(report) if report.message().contains(TICK_EXPIRED) => {
            let name = report.filename().to_string();
            let at = guarded
                .original_range(&name, report.span().range.clone())
                .start;
            Stopped::TooSlow {
                at: Some((name, at)),
            }
        }
        _ => Stopped::Failed(e),
    }
}

const TICK_EXPIRED: &str = "folio page deadline passed";

/// The clock check in every loop: writes nothing, fails once the deadline has passed.
fn tick(_: Kwargs, _: &State) -> tera::TeraResult<&'static str> {
    let ticks = TICKS.get().wrapping_add(1);
    TICKS.set(ticks);
    if ticks.is_multiple_of(TICKS_PER_CLOCK) && DEADLINE.get().is_some_and(|d| Instant::now() > d) {
        return Err(tera::Error::message(TICK_EXPIRED));
    }
    Ok("")
}

/// Collects a page and fails the render once its deadline has passed or it grew too big.
struct DeadlineWriter {
    bytes: Vec<u8>,
    deadline: Instant,
    /// Writes since the clock was last read: reading it on every write costs ~4% of a build.
    writes: u32,
}

impl io::Write for DeadlineWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writes = self.writes.wrapping_add(1);
        if self.writes.is_multiple_of(256) && Instant::now() > self.deadline {
            return Err(io::Error::from(io::ErrorKind::TimedOut));
        }
        if self.bytes.len() + buf.len() > PAGE_SIZE_LIMIT {
            return Err(io::Error::from(io::ErrorKind::FileTooLarge));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `text` with `{{ __folio_tick() }}` right after every `{% for %}` tag, and where it went.
/// Scans as Tera's lexer does: comments, `{% raw %}` blocks and strings inside tags and
/// expressions are passed over.
fn guard_loops(text: &str) -> (String, SourceMap) {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 256);
    let mut map = SourceMap::default();
    let mut copied = 0;
    let mut i = 0;
    while let Some(found) = find_from(bytes, i, b"{") {
        i = found;
        match bytes.get(i + 1) {
            Some(b'#') => i = find_from(bytes, i + 2, b"#}").map_or(bytes.len(), |e| e + 2),
            Some(b'{') => i = tag_end(bytes, i + 2, b"}}").0,
            Some(b'%') => {
                if let Some(end) = raw_block_end(text, i) {
                    i = end;
                    continue;
                }
                let is_for = first_word(bytes, i + 2) == b"for";
                let (end, trims_after) = tag_end(bytes, i + 2, b"%}");
                if is_for && end <= bytes.len() {
                    out.push_str(&text[copied..end]);
                    let tick = match trims_after {
                        true => format!("{{{{ {TICK}() -}}}}"),
                        false => format!("{{{{ {TICK}() }}}}"),
                    };
                    map.inserts.push((end, tick.len()));
                    out.push_str(&tick);
                    copied = end;
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    out.push_str(&text[copied..]);
    (out, map)
}

fn find_from(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// The first word of a tag whose text starts at `i` (after `{%`, an optional `-`, spaces).
fn first_word(bytes: &[u8], mut i: usize) -> &[u8] {
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    let start = i;
    while bytes
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    {
        i += 1;
    }
    &bytes[start..i]
}

/// Where a tag or expression whose text starts at `i` ends (just past `end`), skipping
/// strings; and whether it ends with `-` (trimming the whitespace after it).
fn tag_end(bytes: &[u8], mut i: usize, end: &[u8]) -> (usize, bool) {
    while i < bytes.len() {
        match bytes[i] {
            b'-' if bytes[i + 1..].starts_with(end) => return (i + 1 + end.len(), true),
            _ if bytes[i..].starts_with(end) => return (i + end.len(), false),
            quote @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    (bytes.len() + 1, false)
}

/// For a `{% raw %}` tag at `i`: where its `{% endraw %}` ends.
fn raw_block_end(text: &str, i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if first_word(bytes, i + 2) != b"raw" {
        return None;
    }
    let (mut at, _) = tag_end(bytes, i + 2, b"%}");
    while let Some(open) = find_from(bytes, at, b"{%") {
        if first_word(bytes, open + 2) == b"endraw" {
            return Some(tag_end(bytes, open + 2, b"%}").0.min(bytes.len()));
        }
        at = open + 2;
    }
    Some(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(templates: &[(&str, &str)]) -> TemplateFiles {
        templates
            .iter()
            .map(|(n, t)| (n.to_string(), (n.into(), std::sync::Arc::from(*t))))
            .collect()
    }

    fn render_all(
        templates: &[(&str, &str)],
        name: &str,
        limit: Duration,
    ) -> Result<String, Stopped> {
        let (tera, guarded) =
            compile(&Tera::new(), &files(templates)).unwrap_or_else(|e| panic!("{e}"));
        let mut context = Context::new();
        context.insert("items", &["a", "b"]);
        render(&tera, &guarded, name, &context, limit).map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn guarded_templates_render_exactly_as_written() {
        // (template, loops in it)
        let cases = [
            ("{% for i in items %}[{{ i }}]{% endfor %}", 1),
            (
                "<ul>\n  {%- for i in items %}\n  <li>{{ i }}</li>\n  {%- endfor %}\n</ul>",
                1,
            ),
            ("{%- for i in items -%}\n   {{ i }}\n{%- endfor -%}|", 1),
            ("{% for i in items %} x {% else %}none{% endfor %}", 1),
            (
                "{# {% for i in items %} #}{% raw %}{% for x in y %}{% endraw %}",
                0,
            ),
            (
                "{{ \"{% for\" }}{% set s = '%}' %}{{ s }}{% for i in [] %}{% endfor %}",
                1,
            ),
            (
                "{% for i in items %}{% for j in items %}{{ i }}{{ j }},{% endfor %}{% endfor %}",
                2,
            ),
        ];
        let mut context = Context::new();
        context.insert("items", &["a", "b"]);
        for (case, loops) in cases {
            let expected = Tera::one_off(case, &context, false).unwrap();
            assert_eq!(guard_loops(case).1.inserts.len(), loops, "{case}");
            let got = render_all(&[("t", case)], "t", Duration::from_secs(10)).ok();
            assert_eq!(got, Some(expected), "{case}");
        }
    }

    #[test]
    fn a_loop_writing_nothing_is_stopped_at_the_loop() {
        let template = "<p>\n{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}\n</p>";
        let started = Instant::now();
        let result = render_all(
            &[("loop.html", template)],
            "loop.html",
            Duration::from_millis(300),
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        match result {
            Err(Stopped::TooSlow {
                at: Some((name, at)),
            }) => {
                assert_eq!(name, "loop.html");
                assert_eq!(&template[at..at + 2], "{%", "points into the loop line");
                assert_eq!(template[..at].matches('\n').count(), 1);
            }
            _ => panic!("the loop was not stopped"),
        }
    }

    #[test]
    fn error_positions_map_back_to_the_file_as_written() {
        let template = "{% for i in items %}{% for j in items %}{{ nope }}{% endfor %}{% endfor %}";
        let Err(Stopped::Failed(e)) = render_all(&[("t", template)], "t", Duration::from_secs(10))
        else {
            panic!("expected an error");
        };
        let tera::ErrorKind::RenderingError(report) = e.kind() else {
            panic!("{e}")
        };
        let (_, guarded) = compile(&Tera::new(), &files(&[("t", template)])).unwrap();
        let range = guarded.original_range("t", report.span().range.clone());
        assert_eq!(&template[range], "nope");
    }
}
