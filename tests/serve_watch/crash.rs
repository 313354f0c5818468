//! A panic inside a rebuild (made on purpose with the test hook `FOLIO_TEST_PANIC`) is
//! reported like any error: in the terminal and as an `error` event to the browsers, while
//! the last good site is still served; the next good save builds the whole site again, as a
//! build from scratch makes it.

use std::fs;
use std::sync::mpsc::Receiver;
use std::time::Instant;

use crate::disk::{Disk, Style};
use crate::events::{Event, subscribe};
use crate::new_site;
use crate::sequences::{SETTLES_WITHIN, reference, served_differences};
use crate::server::Server;

/// The word that makes folio panic while rendering a body holding it.
const WORD: &str = "zqxpanicword";
const ALPHA: &str = "content/articles/alpha.md";
const BRAVO: &str = "content/articles/bravo.md";

/// The data of the next `error` event; fails with the events seen if none comes in time.
fn next_error(events: &Receiver<Event>, server: &Server) -> String {
    let deadline = Instant::now() + SETTLES_WITHIN;
    let mut seen = Vec::new();
    while let Ok((name, data)) =
        events.recv_timeout(deadline.saturating_duration_since(Instant::now()))
    {
        if name == "error" {
            return data;
        }
        seen.push(name);
    }
    panic!(
        "no error event; events seen: {seen:?}\n--- folio serve printed ---\n{}",
        server.log()
    );
}

#[test]
fn a_panic_in_a_rebuild_is_reported_and_the_next_good_save_rebuilds_everything() {
    let (_tmp, root) = new_site();
    let env = [("FOLIO_TEST_PANIC", WORD), ("RUST_BACKTRACE", "0")];
    let mut server = Server::start_with_env(&root, &env);
    let url = format!("http://{}/", server.addr);
    let events = subscribe(server.addr);
    let last_good = reference(&root, &url).expect("the starting site builds");
    let ever = last_good.paths().map(String::from).collect();
    let alpha = fs::read_to_string(root.join(ALPHA)).expect("read alpha.md");
    let mut disk = Disk::new(&root, Style::Atomic);

    disk.write(ALPHA, format!("{alpha}\nThe {WORD}.\n").as_bytes());

    let error = next_error(&events, &server);
    assert!(
        error.contains("folio crashed while building: FOLIO_TEST_PANIC"),
        "{error}"
    );
    assert!(
        error.contains("the last good site is still served"),
        "{error}"
    );
    let problems = served_differences(&server, &last_good, &ever);
    assert!(
        problems.is_empty(),
        "after the panic the last good site is not served:\n{}",
        problems.join("\n")
    );
    // Saved while the site cannot build: only a rebuild of everything picks this up with
    // alpha's fix, since the crashed engine was thrown away.
    let bravo = fs::read_to_string(root.join(BRAVO)).expect("read bravo.md");
    disk.write(
        BRAVO,
        format!("{bravo}\nSaved while folio was crashing.\n").as_bytes(),
    );
    let again = next_error(&events, &server);
    assert!(again.contains("folio crashed while building"), "{again}");

    disk.write(ALPHA, format!("{alpha}\nThe fix.\n").as_bytes());

    let fixed = reference(&root, &url).expect("the fixed site builds");
    server.wait_until(
        "after the fix, serving a build from scratch",
        SETTLES_WITHIN,
        |server| {
            let problems = served_differences(server, &fixed, &ever);
            match problems.is_empty() {
                true => Ok(()),
                false => Err(problems.join("\n")),
            }
        },
    );
    server.wait_until(
        "the terminal to say it is fixed",
        SETTLES_WITHIN,
        |s| match s.log().contains("Fixed: the site builds again") {
            true => Ok(()),
            false => Err("no `Fixed:` line".into()),
        },
    );
    let log = server.log();
    assert_eq!(
        log.matches("folio crashed while building: FOLIO_TEST_PANIC")
            .count(),
        2,
        "{log}"
    );
    assert!(
        log.contains("Build failed: still serving the last good site"),
        "{log}"
    );
    server.assert_healthy();
    let served = crate::client::get(server.addr, "/articles/bravo/").text();
    assert!(
        served.contains("Saved while folio was crashing."),
        "{served}"
    );
}
