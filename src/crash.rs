//! A panic inside a build, caught and reported like any other error: "folio crashed while
//! building: <message>", saying where in folio's code it happened. A panic is a bug in
//! folio; this keeps it from ending `folio serve`, from leaving a half-built output, and from
//! greeting a writer with a Rust backtrace. Nothing here knows what a build is.
//!
//! It also holds the test hook `FOLIO_TEST_PANIC`, which makes a build panic on purpose.

use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::diagnostics::Diagnostic;

/// A caught panic.
#[derive(Debug, Clone)]
pub struct Crash {
    /// What the panic said.
    pub message: String,
    /// Where in folio's source it happened (`src/engine/bodies.rs:72:13`), when known.
    pub location: Option<String>,
}

impl Crash {
    /// The crash as an error; `next` says what happens now (the previous output is kept,
    /// the last good site is still served…).
    pub fn diagnostic(&self, next: &str) -> Diagnostic {
        let at = match &self.location {
            Some(location) => format!(" (it happened at {location})"),
            None => String::new(),
        };
        Diagnostic::error(format!("folio crashed while building: {}", self.message)).help(format!(
            "{next}. This is a bug in folio: please report it with the file you changed last{at}"
        ))
    }
}

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Run `f`; a panic inside it, on this thread or one it waits for (rayon's), is returned as
/// a `Crash`. While `f` runs, a panic prints nothing (the caller reports it), unless
/// `RUST_BACKTRACE` is set: then the standard report with its backtrace is printed too.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Crash> {
    let first: Arc<Mutex<Option<String>>> = Arc::default();
    let previous: Arc<Hook> = Arc::new(panic::take_hook());
    let backtrace = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
    {
        let first = Arc::clone(&first);
        let previous = Arc::clone(&previous);
        panic::set_hook(Box::new(move |info| {
            let mut first = first.lock().unwrap_or_else(PoisonError::into_inner);
            if first.is_none() {
                *first = info.location().map(|l| l.to_string());
            }
            if backtrace {
                previous(info);
            }
        }));
    }
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    // Dropping our hook leaves `previous` with one owner again, so it goes back as it was.
    drop(panic::take_hook());
    match Arc::try_unwrap(previous) {
        Ok(hook) => panic::set_hook(hook),
        Err(shared) => panic::set_hook(Box::new(move |info| shared(info))),
    }
    result.map_err(|payload| Crash {
        message: payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("unknown panic")
            .to_string(),
        location: first.lock().unwrap_or_else(PoisonError::into_inner).take(),
    })
}

/// The test hook `FOLIO_TEST_PANIC=WORD`: while that variable is set to a word, rendering
/// an article body that contains the word panics, so the tests can prove that a panic inside
/// a build is reported like any error (docs/errors.md, "A bug in folio"). Unset (or empty),
/// as everywhere but in the tests, it does nothing. Read once per process.
pub fn panic_if_asked(body: &str) {
    static WORD: OnceLock<Option<String>> = OnceLock::new();
    let word = WORD.get_or_init(|| {
        std::env::var("FOLIO_TEST_PANIC")
            .ok()
            .filter(|w| !w.is_empty())
    });
    if let Some(word) = word
        && body.contains(word.as_str())
    {
        panic!("FOLIO_TEST_PANIC: a body contains `{word}`");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The panic hook is one per process: these tests take turns.
    static HOOK: Mutex<()> = Mutex::new(());

    #[test]
    fn a_panic_becomes_a_crash_with_its_message_and_place() {
        let _turn = HOOK.lock().unwrap_or_else(PoisonError::into_inner);
        let crash = catch(|| -> u32 { panic!("the {} went wrong", "ranking") })
            .expect_err("the panic is caught");
        assert_eq!(crash.message, "the ranking went wrong");
        let location = crash.location.as_deref().unwrap_or_default();
        assert!(location.starts_with("src/crash.rs:"), "{location}");
        let text = crash
            .diagnostic("the previous output is kept")
            .render_plain();
        assert!(
            text.contains("folio crashed while building: the ranking went wrong"),
            "{text}"
        );
        assert!(
            text.contains("the previous output is kept. This is a bug"),
            "{text}"
        );
        assert!(text.contains("src/crash.rs:"), "{text}");
    }

    #[test]
    fn a_panic_on_a_worker_thread_is_caught_too() {
        use rayon::prelude::*;
        let _turn = HOOK.lock().unwrap_or_else(PoisonError::into_inner);
        let crash = catch(|| {
            (0..64)
                .into_par_iter()
                .map(|i| if i == 37 { panic!("item {i}") } else { i })
                .sum::<i32>()
        })
        .expect_err("the panic is caught");
        assert_eq!(crash.message, "item 37");
        assert!(
            crash
                .location
                .is_some_and(|l| l.starts_with("src/crash.rs:"))
        );
    }

    #[test]
    fn without_a_panic_the_value_comes_back() {
        let _turn = HOOK.lock().unwrap_or_else(PoisonError::into_inner);
        assert_eq!(catch(|| 41 + 1).ok(), Some(42));
    }
}
