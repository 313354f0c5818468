//! One article's text: front matter, then sections of prose, lists, tables, quotes and at
//! most one code block, until the article reaches its drawn size.

use std::fmt::Write as _;

use super::code::code_lines;
use super::words::{
    ADJECTIVES, EXTERNAL_HOSTS, GENERAL_NOUNS, LANGUAGES, OPENERS, TAILS, TOPICS, Topic, VERBS,
};
use super::{AUTHORS, Corpus, FOCUS_TERMS, MAX_FOCUS_POOL, Rng};

/// The full text of article `i` of `corpus`: front matter and body.
pub(super) fn article(corpus: &Corpus, i: usize) -> String {
    let mut rng = Rng::new(corpus.seed ^ (i as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
    let topic = &TOPICS[corpus.topics[i]];
    let focus = (0..rng.range(3, 5))
        .map(|_| {
            FOCUS_TERMS[corpus.topics[i] * MAX_FOCUS_POOL + rng.below(corpus.focus_pool)].as_str()
        })
        .collect();
    let mut w = Writer {
        rng: &mut rng,
        topic,
        corpus,
        me: i,
        focus,
        out: String::with_capacity(10_000),
    };
    w.front_matter();
    let fm_len = w.out.len();
    let has_code = w.rng.chance(50);
    let target = w.rng.range(4000, 7600).saturating_sub(fm_len);
    w.body(target, has_code);
    w.out
}

/// Builds one article into `out`.
struct Writer<'a> {
    rng: &'a mut Rng,
    topic: &'static Topic,
    corpus: &'a Corpus,
    me: usize,
    /// A few rare terms this article is about, shared with a handful of others of its topic.
    focus: Vec<&'static str>,
    out: String,
}

impl Writer<'_> {
    fn front_matter(&mut self) {
        let title = self.title();
        let summary = self.summary();
        let author = self.rng.range(1, AUTHORS);
        let (y, m, d) = (
            self.rng.range(2017, 2025),
            self.rng.range(1, 12),
            self.rng.range(1, 28),
        );
        let mut tags: Vec<&str> = Vec::new();
        let count = self.rng.range(2, 3);
        while tags.len() < count {
            // Mostly the topic's own tags; now and then one from anywhere.
            let pool = if self.rng.chance(80) {
                self.topic.tags
            } else {
                TOPICS[self.rng.below(TOPICS.len())].tags
            };
            let t = self.rng.pick(pool);
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let _ = write!(
            self.out,
            "---\ntitle: \"{title}\"\nauthor: a{author:02}\ndate: {y}-{m:02}-{d:02}\nsummary: \"{summary}\"\ntags: [{}]\n",
            tags.join(", ")
        );
        let mut related: Vec<usize> = Vec::new();
        for _ in 0..self.rng.below(4) {
            let j = self.corpus.other(self.rng, self.me);
            if !related.contains(&j) {
                related.push(j);
            }
        }
        if !related.is_empty() {
            self.out.push_str("related:\n");
            for j in related {
                let _ = writeln!(self.out, "  - {}", self.corpus.slugs[j]);
            }
        }
        self.out.push_str("---\n");
    }

    fn title(&mut self) -> String {
        let (a, b) = (self.rng.pick(&self.focus), self.rng.pick(self.topic.words));
        let g = self.rng.pick(GENERAL_NOUNS);
        match self.rng.below(6) {
            0 => format!("{} {a}: what we learned from {b}", capitalize(g)),
            1 => format!("Why your {a} needs {} {b} {g}", an(b)),
            2 => format!(
                "{} {a} without breaking {b}",
                capitalize(self.rng.pick(VERBS).0)
            ),
            3 => format!("A field guide to {a} and {b}"),
            4 => format!("The {} {g} of {a}", self.rng.pick(ADJECTIVES)),
            _ => format!("{} {b} in production", capitalize(a)),
        }
    }

    /// One line under 160 characters.
    fn summary(&mut self) -> String {
        let mut s = self.sentence(false);
        while s.len() >= 160 {
            let cut = s[..150].rfind(' ').unwrap_or(100);
            s.truncate(cut);
            s.push('.');
        }
        s
    }

    fn body(&mut self, target: usize, has_code: bool) {
        let start = self.out.len();
        let code_after = target * self.rng.range(20, 70) / 100;
        let mut code_done = !has_code;
        let mut headings: Vec<String> = Vec::new();
        self.out.push('\n');
        self.paragraph();
        while self.out.len() - start < target {
            self.heading(2, &mut headings);
            self.paragraph();
            let mut in_sub = false;
            for _ in 0..self.rng.range(1, 4) {
                if !code_done && self.out.len() - start >= code_after {
                    self.code_block();
                    code_done = true;
                }
                match self.rng.below(20) {
                    0..=8 => self.paragraph(),
                    9..=11 => self.bullets(),
                    12..=13 => self.numbered(),
                    14..=16 if !in_sub => {
                        self.heading(3, &mut headings);
                        in_sub = true;
                        self.paragraph();
                    }
                    17 => self.table(),
                    18 => self.quote(),
                    _ => self.paragraph(),
                }
                if self.out.len() - start >= target {
                    break;
                }
            }
        }
        if !code_done {
            self.code_block();
        }
    }

    fn heading(&mut self, level: usize, used: &mut Vec<String>) {
        let t = self.topic;
        for attempt in 0.. {
            let (a, b) = (self.rng.pick(t.words), self.rng.pick(t.words));
            let mut text = match self.rng.below(6) {
                0 => format!("Why {a} {} {b}", self.rng.pick(VERBS).1),
                1 => format!("{} the {a}", capitalize(self.rng.pick(VERBS).0)),
                2 => format!("When the {a} {} the {b}", self.rng.pick(VERBS).1),
                3 => format!("{} {a} and {b}", capitalize(self.rng.pick(ADJECTIVES))),
                4 => format!("What {a} tells you about {b}"),
                _ => format!("{} before {b}", capitalize(a)),
            };
            if attempt >= 8 {
                let _ = write!(text, " ({})", used.len() + 1);
            }
            let id = text.to_lowercase();
            if !used.contains(&id) {
                used.push(id);
                let _ = writeln!(self.out, "{} {text}\n", "#".repeat(level));
                return;
            }
        }
    }

    /// A sentence; with `inline`, some words become code, emphasis or links.
    /// A noun: the article's focus terms, its topic's words, or everyday ones.
    fn noun(&mut self) -> &'static str {
        match self.rng.below(100) {
            0..=19 => self.rng.pick(&self.focus),
            20..=59 => self.rng.pick(self.topic.words),
            _ => self.rng.pick(GENERAL_NOUNS),
        }
    }

    fn sentence(&mut self, inline: bool) -> String {
        let mut s = String::with_capacity(160);
        let (a, b, c) = (self.noun(), self.noun(), self.noun());
        let v = self.rng.pick(VERBS);
        let adj = self.rng.pick(ADJECTIVES);
        let opener = match self.rng.pick(OPENERS) {
            "" => String::new(),
            o => format!("{o} "),
        };
        let tail = self.rng.pick(TAILS);
        match self.rng.below(7) {
            0 => {
                let _ = write!(s, "{opener}the {adj} {a} {} the {b} {tail}", v.1);
            }
            1 => {
                let _ = write!(s, "{opener}teams {} {b} before the {c} is {adj}", v.0);
            }
            2 => {
                let _ = write!(
                    s,
                    "{opener}{} {a} that {} every {b} costs more than it saves",
                    an(a),
                    v.1
                );
            }
            3 => {
                let _ = write!(s, "{opener}we {} the {a} and the {b} {tail}", v.0);
            }
            4 => {
                let _ = write!(s, "{opener}nobody {} the {a} until the {b} is {adj}", v.1);
            }
            5 => {
                let _ = write!(s, "{opener}the {a} and its {b} {} the {c} {tail}", v.0);
            }
            _ => {
                let _ = write!(s, "{opener}every {a} {} {} {adj} {b}", v.1, an(adj));
            }
        }
        let mut s = capitalize(&s);
        if inline {
            s = self.decorate(&s);
        }
        s.push('.');
        s
    }

    /// Turn one word of `s` into inline code, emphasis, strong emphasis or a link.
    fn decorate(&mut self, s: &str) -> String {
        let words: Vec<&str> = s.split(' ').collect();
        if words.len() < 4 || self.rng.chance(45) {
            return s.to_string();
        }
        let k = self.rng.range(1, words.len() - 1);
        let w = words[k];
        if !w.chars().all(|c| c.is_ascii_alphabetic()) {
            return s.to_string();
        }
        let new = match self.rng.below(10) {
            0..=1 => format!("`{w}_{}`", self.rng.pick(self.topic.words)),
            2..=3 => format!("*{w}*"),
            4 => format!("**{w}**"),
            5..=7 => {
                let j = self.corpus.other(self.rng, self.me);
                format!("[{w}]({})", self.corpus.link(self.me, j))
            }
            _ => format!(
                "[{w}](https://{}/{}/{w})",
                self.rng.pick(EXTERNAL_HOSTS),
                self.rng.pick(self.topic.words)
            ),
        };
        let mut out = String::with_capacity(s.len() + 40);
        for (n, word) in words.iter().enumerate() {
            if n > 0 {
                out.push(' ');
            }
            out.push_str(if n == k { &new } else { word });
        }
        out
    }

    fn paragraph(&mut self) {
        for n in 0..self.rng.range(3, 6) {
            if n > 0 {
                self.out.push(if self.rng.chance(30) { '\n' } else { ' ' });
            }
            let s = self.sentence(true);
            self.out.push_str(&s);
        }
        self.out.push_str("\n\n");
    }

    fn bullets(&mut self) {
        for _ in 0..self.rng.range(3, 6) {
            let s = self.sentence(true);
            let _ = writeln!(self.out, "- {s}");
        }
        self.out.push('\n');
    }

    fn numbered(&mut self) {
        for n in 1..=self.rng.range(3, 5) {
            let s = self.sentence(true);
            let _ = writeln!(self.out, "{n}. {s}");
        }
        self.out.push('\n');
    }

    fn quote(&mut self) {
        let s = self.sentence(false);
        let _ = writeln!(self.out, "> {s}\n");
    }

    fn table(&mut self) {
        let t = self.topic;
        let cols = [
            capitalize(self.rng.pick(t.words)),
            "p50 (ms)".to_string(),
            "p99 (ms)".to_string(),
            "Share".to_string(),
        ];
        let _ = writeln!(self.out, "| {} |\n|---|--:|--:|--:|", cols.join(" | "));
        for _ in 0..self.rng.range(3, 6) {
            let p50 = self.rng.range(1, 80);
            let _ = writeln!(
                self.out,
                "| `{}` | {p50} | {} | {}% |",
                self.rng.pick(t.words),
                p50 * self.rng.range(2, 30),
                self.rng.range(1, 99)
            );
        }
        self.out.push('\n');
    }

    fn code_block(&mut self) {
        let lang = self.rng.pick(LANGUAGES);
        let lines = self.rng.range(10, 40);
        let intro = self.sentence(false);
        let _ = writeln!(self.out, "{intro} In {lang}:\n\n```{lang}");
        let mut code = String::new();
        code_lines(self.rng, self.topic.words, lang, lines, &mut code);
        self.out.push_str(&code);
        self.out.push_str("```\n\n");
    }
}

/// The indefinite article for `word`, by its first letter (good enough for these words).
fn an(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
