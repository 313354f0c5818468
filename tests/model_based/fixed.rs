//! Fixed sequences, one per kind of edit, so each is tried on every run whatever the seed;
//! then the failures the random sequences found, shrunk, one test each.

use super::disk::Style;
use super::edits::{Anchor, ConfigChange, Edit, FrontMatter, Leftover, Step, Target};
use super::{Flags, run};

const SERVE: Flags = Flags {
    cache_bust: false,
    drafts: false,
    future: false,
};

fn step(edit: Edit) -> Step {
    Step {
        edit,
        style: Style::Atomic,
    }
}

/// Run `edits`; the site must build after each step where `builds` says so, and fail
/// after the others (so the sequence does what its test's name says).
fn check(flags: Flags, edits: Vec<Edit>, builds: &[bool]) {
    let steps: Vec<Step> = edits.into_iter().map(step).collect();
    match run(flags, &steps) {
        Ok(outcomes) => assert_eq!(outcomes, builds, "which steps build"),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn editor_leftovers_change_nothing_anywhere() {
    let mut edits = Vec::new();
    for kind in [
        Leftover::VimSwap,
        Leftover::VimProbe,
        Leftover::EmacsLock,
        Leftover::Backup,
    ] {
        for dir in 0..3 {
            edits.push(Edit::Leftover { kind, dir });
        }
    }
    check(SERVE, edits, &[true; 12]);
}

#[test]
fn folder_articles_renamed_flattened_and_moved_back() {
    check(
        SERVE,
        vec![
            // alpha lists charlie as related; charlie is about to move.
            Edit::FrontMatter {
                which: 0,
                change: FrontMatter::Related(vec![]),
            },
            // charlie/ becomes echo/, gets a diagram, then becomes charlie.md.
            Edit::RenameArticle {
                which: 2,
                name: 1,
                folder: true,
            },
            Edit::Asset {
                which: 0,
                action: 0,
            },
            Edit::RenameArticle {
                which: 2,
                name: 0,
                folder: false,
            },
            // alpha.md becomes foxtrot/index.md: charlie's link to alpha.md breaks.
            Edit::RenameArticle {
                which: 0,
                name: 2,
                folder: true,
            },
            Edit::Repair,
            Edit::DeleteArticle { which: 0 },
        ],
        &[true, true, true, true, false, true, true],
    );
}

#[test]
fn broken_config_and_templates_fail_alike_and_recover() {
    check(
        SERVE,
        vec![
            Edit::Config(ConfigChange::Break),
            Edit::Template {
                which: 0,
                change: 3,
            },
            Edit::Config(ConfigChange::Paginate(1)),
            Edit::Template {
                which: 2,
                change: 4,
            },
            Edit::Repair,
            Edit::Config(ConfigChange::Paginate(0)),
            Edit::Repair,
            Edit::Template {
                which: 1,
                change: 0,
            },
        ],
        &[false, false, false, false, true, false, true, true],
    );
}

#[test]
fn links_to_headings_drafts_and_missing_articles() {
    check(
        SERVE,
        vec![
            Edit::AddLink {
                from: 2,
                to: Target::Article(1),
                anchor: Anchor::Heading(1),
            },
            // delta is a draft: a warning, and plain text.
            Edit::AddLink {
                from: 0,
                to: Target::Article(3),
                anchor: Anchor::None,
            },
            // bravo loses the headings alpha and charlie link to.
            Edit::Body { which: 1, seed: 0 },
            Edit::AddLink {
                from: 1,
                to: Target::Missing,
                anchor: Anchor::Missing,
            },
            Edit::Repair,
            Edit::FrontMatter {
                which: 3,
                change: FrontMatter::Draft(false),
            },
        ],
        &[true, true, false, false, true, true],
    );
}

#[test]
fn static_files_and_a_templates_folder_made_later_with_hashed_urls() {
    let flags = Flags {
        cache_bust: true,
        drafts: true,
        future: true,
    };
    check(
        flags,
        vec![
            Edit::Static {
                which: 2,
                remove: false,
                seed: 1,
            },
            Edit::Static {
                which: 4,
                remove: false,
                seed: 2,
            },
            Edit::Static {
                which: 2,
                remove: true,
                seed: 0,
            },
            Edit::TemplatesFolder { action: 1 },
            Edit::TemplatesFolder { action: 2 },
            Edit::Config(ConfigChange::HighlightCode(false)),
            Edit::TemplatesFolder { action: 0 },
        ],
        &[true; 7],
    );
}

#[test]
fn co_authors_series_aliases_cross_posts_and_component_templates() {
    let fm = |which, change| Edit::FrontMatter { which, change };
    // `alpha`'s body has an alert and a video; TEMPLATES[6] is `markdown/alert.html`.
    let alert = |change| Edit::Template { which: 6, change };
    check(
        SERVE,
        vec![
            fm(0, FrontMatter::CoAuthors(Some(vec![0, 1]))),
            fm(0, FrontMatter::Series(Some((0, 1)))),
            fm(1, FrontMatter::Series(Some((0, 2)))),
            Edit::Config(ConfigChange::SeriesTitle(Some(7))),
            fm(1, FrontMatter::Aliases(vec![0, 2])),
            // An edit of the alert's template renders alpha's body again.
            alert(1),
            alert(4),
            alert(5),
            fm(2, FrontMatter::Canonical(Some(0))),
            fm(2, FrontMatter::OriginallyPublished(true)),
            Edit::Config(ConfigChange::NetlifyRedirects(true)),
            // `/tags/` is a page of the site.
            fm(0, FrontMatter::Aliases(vec![3])),
            // bravo becomes part 1 as well.
            Edit::Repair,
            fm(0, FrontMatter::Series(Some((0, 1)))),
            fm(1, FrontMatter::Series(Some((0, 1)))),
            fm(1, FrontMatter::Series(Some((0, 2)))),
        ],
        &[
            true, true, true, true, true, true, false, true, true, true, true, false, true, true,
            false, true,
        ],
    );
}

// ---------------------------------------------------------------------------------------
// Shrunk failures, one test each.

/// `static/robots.txt` replaces the generated robots.txt; the next rebuild put the generated
/// one back (it no longer matched the served key) and skipped the static one (it did).
#[test]
fn a_static_robots_txt_stays_served_after_the_next_edit() {
    check(
        SERVE,
        vec![
            Edit::Static {
                which: 0,
                remove: false,
                seed: 0,
            },
            Edit::RemoveLinks { from: 0 },
        ],
        &[true, true],
    );
}
