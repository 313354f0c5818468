//! Property tests of slugs across scripts and Unicode forms: a slug does not depend on how
//! its text was encoded (NFC or NFD), making one twice changes nothing, and a letter never
//! loses its marks (a Hindi or Tamil word is never cut inside a grapheme cluster).

use folio::content::slug::{Slug, slugify};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation;

fn cases(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Letters and marks of scripts whose words are made of clusters: Devanagari, Tamil,
/// Bengali, Thai, Latin with accents, Turkish, Greek, Hangul jamo, and joiners.
const SCRIPT_CHARS: &[char] = &[
    'क', 'न', 'द', 'ह', 'ि', 'ी', '्', 'ं', 'ः', 'த', 'ம', 'ழ', 'ி', '்', 'ொ', 'ব', 'া', 'ং', 'ก', 'ี',
    '่', 'e', 'E', '\u{301}', '\u{308}', '\u{327}', 'İ', 'ı', 'I', 'Σ', 'ς', 'ᄀ', 'ᅡ', 'ᆨ',
    '\u{200c}', '\u{200d}', '𑤿', 'ൎ', ' ', '-', '!', '_', '9', '٣',
];

/// Text in those scripts, in any normal form, or anything at all.
fn script_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => vec(select(SCRIPT_CHARS), 0..24).prop_map(|cs| cs.into_iter().collect()),
        1 => any::<String>(),
    ]
}

/// A word: letters, each followed by zero to two marks.
fn word() -> impl Strategy<Value = String> {
    let letter = select(vec![
        'क', 'न', 'द', 'ह', 'த', 'ம', 'ழ', 'ব', 'ก', 'a', 'z', '7',
    ]);
    let mark = select(vec![
        'ि', 'ी', '्', 'ं', 'ி', '்', 'ொ', 'া', 'ี', '่', '\u{301}', '\u{308}',
    ]);
    vec((letter, vec(mark, 0..3)), 1..6).prop_map(|parts| {
        parts
            .into_iter()
            .flat_map(|(l, ms)| std::iter::once(l).chain(ms))
            .collect()
    })
}

proptest! {
    #![proptest_config(cases(2048))]

    #[test]
    fn slugify_is_idempotent(text in script_text()) {
        let once = slugify(&text);
        prop_assert_eq!(slugify(&once), once.clone());
    }

    #[test]
    fn slugify_gives_the_same_slug_for_nfc_and_nfd(text in script_text()) {
        let nfc: String = text.nfc().collect();
        let nfd: String = text.nfd().collect();
        prop_assert_eq!(slugify(&nfc), slugify(&nfd));
    }

    #[test]
    fn slugify_gives_a_valid_nfc_slug_or_nothing(text in script_text()) {
        let slug = slugify(&text);
        prop_assert!(slug.is_empty() || Slug::parse(&slug).is_ok(), "{slug:?}");
        prop_assert_eq!(slug.nfc().collect::<String>(), slug.clone());
    }

    #[test]
    fn a_mark_never_starts_a_slug_or_follows_a_dash(text in script_text()) {
        let slug = slugify(&text);
        let mut prev: Option<char> = None;
        for c in slug.chars() {
            if is_combining_mark(c) {
                prop_assert!(
                    prev.is_some_and(|p| p != '-' && p != '_'),
                    "mark {c:?} cut from its letter in {slug:?}"
                );
            }
            prev = Some(c);
        }
    }

    #[test]
    fn words_of_letters_and_marks_are_kept_whole(words in vec(word(), 1..5)) {
        let text = words.join(" ");
        let expected: String = words.join("-").nfc().collect();
        prop_assert_eq!(slugify(&text), expected.clone());
        // And so every grapheme cluster of the text is in the slug, in one piece.
        let slug = slugify(&text);
        let nfc: String = text.nfc().collect();
        for cluster in nfc.graphemes(true).filter(|g| *g != " ") {
            prop_assert!(slug.contains(cluster), "{cluster:?} cut in {slug:?}");
        }
    }

    #[test]
    fn parse_accepts_nfd_spellings_of_valid_slugs(text in script_text()) {
        let slug = slugify(&text);
        prop_assume!(!slug.is_empty());
        let nfd: String = slug.nfd().collect();
        let parsed = Slug::parse(&nfd);
        prop_assert!(parsed.is_ok(), "{nfd:?}: {parsed:?}");
        prop_assert_eq!(parsed.unwrap().to_string(), slug);
    }

    #[test]
    fn tags_written_in_capitals_share_the_lowercase_tag(text in script_text()) {
        prop_assert_eq!(Slug::for_tag(&text), Slug::for_tag(&text.to_lowercase()));
    }
}
