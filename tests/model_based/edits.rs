//! The edits a writer makes to a site while `folio serve --watch` runs, as values proptest
//! can generate and shrink (`apply` carries them out). Indexes (`which`) pick among what
//! exists when the edit is applied, so every sequence means something.

use proptest::collection::{SizeRange, vec};
use proptest::prelude::*;
use proptest::sample::select;

use super::disk::Style;
use super::site::{ALIASES, CANONICAL, DATES, SERIES, SLUGS, TAGS, UPDATED};

/// One step: an edit, saved in an editor's style.
#[derive(Debug, Clone)]
pub struct Step {
    pub edit: Edit,
    pub style: Style,
}

#[derive(Debug, Clone)]
pub enum Edit {
    AddArticle {
        name: usize,
        folder: bool,
        seed: u8,
    },
    DeleteArticle {
        which: usize,
    },
    /// To another name, and to a folder article or back.
    RenameArticle {
        which: usize,
        name: usize,
        folder: bool,
    },
    Body {
        which: usize,
        seed: u8,
    },
    FrontMatter {
        which: usize,
        change: FrontMatter,
    },
    AddLink {
        from: usize,
        to: Target,
        anchor: Anchor,
    },
    RemoveLinks {
        from: usize,
    },
    /// A file beside a folder article: add `diagram.svg`, change the photo, remove it.
    Asset {
        which: usize,
        action: usize,
    },
    Config(ConfigChange),
    /// A theme template: 0–2 harmless edits, 3 a syntax error, 4 an unknown variable,
    /// 5 back as it was.
    Template {
        which: usize,
        change: usize,
    },
    /// A static file of the site or the theme: written, or removed when `remove`.
    Static {
        which: usize,
        remove: bool,
        seed: u8,
    },
    /// `templates/` at the site root: created with an override, edited, or removed.
    TemplatesFolder {
        action: usize,
    },
    /// A file an editor leaves that is no source; nothing may change.
    Leftover {
        kind: Leftover,
        dir: usize,
    },
    /// Put right everything that makes the build fail (as `git checkout` of the bad parts).
    Repair,
}

#[derive(Debug, Clone)]
pub enum FrontMatter {
    Title(u8),
    Slug(Option<usize>),
    Tags(Vec<usize>),
    /// Slugs of articles by index, or (`None`) one that does not exist.
    Related(Vec<Option<usize>>),
    Draft(bool),
    Date(usize),
    Updated(Option<usize>),
    Author(usize),
    /// `authors:` with these (by index into `AUTHORS`), or back to `author:`.
    CoAuthors(Option<Vec<usize>>),
    /// `series: {id, part}` (id by index into `SERIES`), or none.
    Series(Option<(usize, u32)>),
    Aliases(Vec<usize>),
    Canonical(Option<usize>),
    OriginallyPublished(bool),
}

#[derive(Debug, Clone)]
pub enum Target {
    Article(usize),
    Missing,
}

#[derive(Debug, Clone)]
pub enum Anchor {
    None,
    Heading(usize),
    Missing,
}

#[derive(Debug, Clone)]
pub enum ConfigChange {
    SmartPunctuation(bool),
    RawHtml(bool),
    NewTab(bool),
    HighlightCode(bool),
    Title(u8),
    Paginate(usize),
    MoreArticles(usize),
    /// `[series.pg]` with this title, or none.
    SeriesTitle(Option<u8>),
    NetlifyRedirects(bool),
    Break,
}

#[derive(Debug, Clone, Copy)]
pub enum Leftover {
    VimSwap,
    VimProbe,
    EmacsLock,
    Backup,
}

/// Sequences of steps, `len` long (a number or a range).
pub fn steps(len: impl Into<SizeRange>) -> impl Strategy<Value = Vec<Step>> {
    vec(step(), len)
}

pub fn step() -> impl Strategy<Value = Step> {
    let style = select(vec![Style::InPlace, Style::Atomic, Style::Vim]);
    (edit(), style).prop_map(|(edit, style)| Step { edit, style })
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = || 0..8usize;
    prop_oneof![
        3 => (i(), any::<bool>(), any::<u8>())
            .prop_map(|(name, folder, seed)| Edit::AddArticle { name, folder, seed }),
        2 => i().prop_map(|which| Edit::DeleteArticle { which }),
        2 => (i(), i(), any::<bool>())
            .prop_map(|(which, name, folder)| Edit::RenameArticle { which, name, folder }),
        4 => (i(), any::<u8>()).prop_map(|(which, seed)| Edit::Body { which, seed }),
        6 => (i(), front_matter())
            .prop_map(|(which, change)| Edit::FrontMatter { which, change }),
        3 => (i(), target(), anchor())
            .prop_map(|(from, to, anchor)| Edit::AddLink { from, to, anchor }),
        2 => i().prop_map(|from| Edit::RemoveLinks { from }),
        2 => (i(), 0..3usize).prop_map(|(which, action)| Edit::Asset { which, action }),
        4 => config_change().prop_map(Edit::Config),
        3 => (i(), prop_oneof![5 => select(vec![0, 1, 2, 5]), 1 => 3..5usize])
            .prop_map(|(which, change)| Edit::Template { which, change }),
        3 => (i(), any::<bool>(), any::<u8>())
            .prop_map(|(which, remove, seed)| Edit::Static { which, remove, seed }),
        2 => (0..3usize).prop_map(|action| Edit::TemplatesFolder { action }),
        3 => (leftover(), i()).prop_map(|(kind, dir)| Edit::Leftover { kind, dir }),
        6 => Just(Edit::Repair),
    ]
}

fn front_matter() -> impl Strategy<Value = FrontMatter> {
    prop_oneof![
        any::<u8>().prop_map(FrontMatter::Title),
        proptest::option::weighted(0.7, 0..SLUGS.len()).prop_map(FrontMatter::Slug),
        vec(0..TAGS.len(), 0..3).prop_map(FrontMatter::Tags),
        vec(proptest::option::weighted(0.85, 0..8usize), 0..3).prop_map(FrontMatter::Related),
        any::<bool>().prop_map(FrontMatter::Draft),
        (0..DATES.len()).prop_map(FrontMatter::Date),
        proptest::option::of(0..UPDATED.len()).prop_map(FrontMatter::Updated),
        prop_oneof![4 => 0..2usize, 1 => Just(2usize)].prop_map(FrontMatter::Author),
        proptest::option::of(vec(prop_oneof![6 => 0..2usize, 1 => Just(2usize)], 1..3))
            .prop_map(FrontMatter::CoAuthors),
        proptest::option::weighted(0.8, (0..SERIES.len(), 1..4u32)).prop_map(FrontMatter::Series),
        vec(0..ALIASES.len(), 0..3).prop_map(FrontMatter::Aliases),
        proptest::option::of(0..CANONICAL.len()).prop_map(FrontMatter::Canonical),
        any::<bool>().prop_map(FrontMatter::OriginallyPublished),
    ]
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![6 => (0..8usize).prop_map(Target::Article), 1 => Just(Target::Missing)]
}

fn anchor() -> impl Strategy<Value = Anchor> {
    prop_oneof![
        3 => Just(Anchor::None),
        4 => (0..4usize).prop_map(Anchor::Heading),
        1 => Just(Anchor::Missing),
    ]
}

fn config_change() -> impl Strategy<Value = ConfigChange> {
    prop_oneof![
        any::<bool>().prop_map(ConfigChange::SmartPunctuation),
        any::<bool>().prop_map(ConfigChange::RawHtml),
        any::<bool>().prop_map(ConfigChange::NewTab),
        any::<bool>().prop_map(ConfigChange::HighlightCode),
        any::<u8>().prop_map(ConfigChange::Title),
        prop_oneof![6 => 1..4usize, 1 => Just(0usize)].prop_map(ConfigChange::Paginate),
        (0..5usize).prop_map(ConfigChange::MoreArticles),
        proptest::option::of(any::<u8>()).prop_map(ConfigChange::SeriesTitle),
        any::<bool>().prop_map(ConfigChange::NetlifyRedirects),
        Just(ConfigChange::Break),
    ]
}

fn leftover() -> impl Strategy<Value = Leftover> {
    select(vec![
        Leftover::VimSwap,
        Leftover::VimProbe,
        Leftover::EmacsLock,
        Leftover::Backup,
    ])
}
