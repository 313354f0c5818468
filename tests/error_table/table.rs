//! Reading the rows of docs/errors.md: every Markdown table whose header is `COLUMNS`.

/// The columns every table of the catalogue has, in order.
pub const COLUMNS: [&str; 7] = ["id", "area", "input", "exit", "where", "message", "note"];

/// What a row's message points at.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    /// `—`: no file is involved.
    Nowhere,
    /// A file (or folder) named without a line.
    File(String),
    /// A report drawn at this line of this file.
    Line(String, usize),
}

/// One bad input and what folio must answer.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub exit: i32,
    pub place: Place,
    /// Texts that must all appear in stderr.
    pub messages: Vec<String>,
    /// `Some(note)` when the row is marked `bug: note`.
    pub bug: Option<String>,
}

/// Every row of every catalogue table in `markdown`.
pub fn parse(markdown: &str) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    let mut in_table = false;
    for (n, line) in markdown.lines().enumerate() {
        let at = |e: String| format!("docs/errors.md:{}: {e}", n + 1);
        let line = line.trim();
        if !line.starts_with('|') {
            in_table = false;
            continue;
        }
        let cells = split_cells(line);
        if cells.first().map(String::as_str) == Some("id") {
            if cells != COLUMNS {
                return Err(at(format!("columns must be {COLUMNS:?}, found {cells:?}")));
            }
            in_table = true;
        } else if !in_table {
            return Err(at("a table row outside a catalogue table".into()));
        } else if !cells.iter().all(|c| c.chars().all(|ch| "-: ".contains(ch))) {
            rows.push(parse_row(&cells).map_err(at)?);
        }
    }
    Ok(rows)
}

fn parse_row(cells: &[String]) -> Result<Row, String> {
    let [id, _area, _input, exit, place, message, note] = cells else {
        return Err(format!(
            "expected {} cells, found {}",
            COLUMNS.len(),
            cells.len()
        ));
    };
    let exit = exit
        .parse()
        .ok()
        .filter(|e| [0, 1, 2].contains(e))
        .ok_or(format!("`{id}`: exit must be 0, 1 or 2, found `{exit}`"))?;
    let messages = code_spans(message);
    if messages.is_empty() || messages.iter().any(String::is_empty) {
        return Err(format!(
            "`{id}`: the message needs at least one quoted text"
        ));
    }
    let bug = match note.strip_prefix("bug:") {
        Some(why) => Some(why.trim().to_string()),
        None if note.is_empty() => None,
        None => return Err(format!("`{id}`: a note is empty or starts with `bug:`")),
    };
    Ok(Row {
        id: id.clone(),
        exit,
        place: parse_place(place).map_err(|e| format!("`{id}`: {e}"))?,
        messages,
        bug,
    })
}

fn parse_place(cell: &str) -> Result<Place, String> {
    if cell == "—" {
        return Ok(Place::Nowhere);
    }
    let spans = code_spans(cell);
    let [place] = spans.as_slice() else {
        return Err(format!("`where` is `—` or one quoted path, found `{cell}`"));
    };
    if let Some((file, line)) = place.rsplit_once(':')
        && let Ok(line) = line.parse()
    {
        return Ok(Place::Line(file.to_string(), line));
    }
    Ok(Place::File(place.clone()))
}

/// Cells of a table line, trimmed, with `\|` read as `|`.
fn split_cells(line: &str) -> Vec<String> {
    let inner = line.trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                cells.last_mut().into_iter().for_each(|s| s.push('|'));
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().into_iter().for_each(|s| s.push(c)),
        }
    }
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

/// The contents of the CommonMark code spans in `text` (`` `a` ``, ``` `` b `c` `` ```).
pub fn code_spans(text: &str) -> Vec<String> {
    let mut spans = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let ticks = rest[open..].len() - rest[open..].trim_start_matches('`').len();
        let after = &rest[open + ticks..];
        let Some(close) = find_run(after, ticks) else {
            break;
        };
        let content = &after[..close];
        let content = match content.strip_prefix(' ').and_then(|c| c.strip_suffix(' ')) {
            Some(inner) if !content.trim().is_empty() => inner,
            _ => content,
        };
        spans.push(content.to_string());
        rest = &after[close + ticks..];
    }
    spans
}

/// Byte offset of the first run of exactly `n` backticks in `text`.
fn find_run(text: &str, n: usize) -> Option<usize> {
    let mut i = 0;
    while let Some(start) = text[i..].find('`').map(|s| i + s) {
        let len = text[start..].len() - text[start..].trim_start_matches('`').len();
        if len == n {
            return Some(start);
        }
        i = start + len;
    }
    None
}

#[test]
fn code_spans_follow_commonmark() {
    assert_eq!(code_spans("`a`"), ["a"]);
    assert_eq!(
        code_spans("`` unknown key `x` `` and `` did you mean `y`? ``"),
        ["unknown key `x`", "did you mean `y`?"]
    );
    assert_eq!(code_spans("`` `title` is empty ``"), ["`title` is empty"]);
    assert_eq!(code_spans("no quotes"), Vec::<String>::new());
}

#[test]
fn rows_are_read_with_their_place_and_bug_note() {
    let md = "| id | area | input | exit | where | message | note |\n|---|---|---|---|---|---|---|\n\
              | a | x | `a \\| b` | 1 | `c.md:4` | `` m `k` `` | bug: wrong line |\n\
              | b | x | y | 2 | — | `n` | |\n";
    let rows = parse(md).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].place, Place::Line("c.md".into(), 4));
    assert_eq!(rows[0].messages, ["m `k`"]);
    assert_eq!(rows[0].bug.as_deref(), Some("wrong line"));
    assert_eq!(rows[1].place, Place::Nowhere);
    assert_eq!(rows[1].exit, 2);
}
