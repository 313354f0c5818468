//! What a message shows of a file: the one offending line, cut around the place it points
//! at, with control characters escaped, whatever the file holds.

use crate::support::Site;

const A: &str = "content/articles/timeouts.md";

#[test]
fn control_characters_in_a_slug_reach_the_terminal_escaped() {
    let site = Site::fixture("basic");
    site.edit(A, |t| {
        t.replace(
            "tags: [reliability, apis]\n",
            "tags: [reliability, apis]\nslug: \"a\\e[2Jb\\u009b2J\"\n",
        )
    });
    let out = site.build();
    out.failure(1)
        .stderr_contains("`a\\u{1b}[2Jb\\u{9b}2J` is not a valid slug");
    assert!(
        !out.stderr.contains(['\u{1b}', '\u{9b}']),
        "a control character reached stderr: {:?}",
        out.stderr
    );
}

#[test]
fn a_file_name_with_control_characters_is_printed_escaped() {
    let site = Site::fixture("basic");
    site.write("content/articles/bad\u{1b}[2Jname.md", "no front matter\n");
    let out = site.build();
    out.failure(1).stderr_contains("bad\\u{1b}[2Jname.md");
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
}

#[test]
fn a_missing_front_matter_shows_only_the_start_of_the_first_line() {
    let site = Site::fixture("basic");
    let long_line = format!("{}END-OF-LINE-ONE", "word ".repeat(2000));
    site.write(A, &format!("{long_line}\nLINE-TWO\nLINE-THREE\n"));
    let out = site.build();
    out.failure(1)
        .stderr_contains("missing front matter")
        .stderr_contains("content/articles/timeouts.md:1:1")
        .stderr_lacks("END-OF-LINE-ONE")
        .stderr_lacks("LINE-TWO")
        .output_untouched();
    assert!(
        out.stderr.len() < 2_000,
        "{} bytes of messages",
        out.stderr.len()
    );
}

#[test]
fn a_utf8_error_shows_only_its_line() {
    let site = Site::fixture("basic");
    let mut bytes =
        b"---\ntitle: x\nLINE-BEFORE: 1\nsummary: \xff here\nLINE-AFTER: 2\n---\n".to_vec();
    bytes.extend(b"BODY-TEXT\n".repeat(50));
    site.write_bytes(A, &bytes);
    let out = site.build();
    out.failure(1)
        .stderr_contains("file is not valid UTF-8")
        .stderr_contains("content/articles/timeouts.md:4:")
        .stderr_lacks("LINE-BEFORE")
        .stderr_lacks("LINE-AFTER")
        .stderr_lacks("BODY-TEXT");
}

#[test]
fn a_template_error_shows_only_its_line() {
    let site = Site::fixture("basic");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block content %}\nLINE-BEFORE\n{{ nothing_here }}\nLINE-AFTER\n{% endblock content %}\n",
    );
    let out = site.build();
    out.failure(1)
        .stderr_contains("templates/404.html:4:")
        .stderr_lacks("LINE-BEFORE")
        .stderr_lacks("LINE-AFTER");
}
