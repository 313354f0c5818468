//! `check --external`: ask every external http(s) link whether it still answers, a few at a
//! time, each URL once however often it is linked. A dead link is a warning, never an
//! error: other sites go down for a while, and that must not stop a deploy.

use std::collections::BTreeMap;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ureq::Agent;

use crate::diagnostics::Diagnostic;

/// How to check external links.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// Longest wait for one request, connecting included.
    pub timeout: Duration,
    /// Requests in flight at once.
    pub parallel: usize,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions {
            timeout: Duration::from_secs(10),
            parallel: 8,
        }
    }
}

/// Where a URL is written: a file and a byte range in it.
#[derive(Debug, Clone)]
pub struct Place {
    pub file: PathBuf,
    pub text: Arc<str>,
    pub span: Range<usize>,
}

/// What asking a URL gave.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Fine,
    /// A 4xx or 5xx status, and its reason phrase.
    Status(u16, &'static str),
    /// No answer: the reason.
    Failed(String),
    /// Never asked, or the checker itself failed while asking: the reason. Never "fine".
    NotChecked(String),
}

/// Fetch every URL (HEAD, then GET where HEAD is not allowed) and warn at every place of
/// each one that failed.
pub fn check(urls: &BTreeMap<String, Vec<Place>>, options: &ExternalOptions) -> Vec<Diagnostic> {
    let list: Vec<&String> = urls.keys().collect();
    let outcomes = fetch_all(&list, options);
    let mut diags = Vec::new();
    for (url, outcome) in list.iter().zip(outcomes) {
        let (message, label) = match outcome {
            Outcome::Fine => continue,
            Outcome::Status(code, reason) => (
                format!("external link answered {code}: {url}"),
                format!("{code} {reason}"),
            ),
            Outcome::Failed(why) => (format!("external link did not answer: {url}"), why),
            Outcome::NotChecked(why) => (format!("external link not checked: {url}"), why),
        };
        for place in &urls[url.as_str()] {
            diags.push(
                Diagnostic::warning(&message)
                    .in_file(&place.file)
                    .at(&place.text, place.span.clone())
                    .label(&label),
            );
        }
    }
    diags
}

/// The outcome of each URL, in order, with at most `options.parallel` requests at once.
fn fetch_all(urls: &[&String], options: &ExternalOptions) -> Vec<Outcome> {
    let agent: Agent = Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .user_agent(concat!("folio-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    run_workers(urls, options.parallel, &|url| {
        fetch(&agent, url, options.timeout)
    })
}

/// `fetch` for every URL on `parallel` threads. A URL whose fetch panicked, or that no
/// worker reached, is `NotChecked`: a failure of the checker must never read as fine.
fn run_workers(
    urls: &[&String],
    parallel: usize,
    fetch: &(dyn Fn(&str) -> Outcome + Sync),
) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let workers = parallel.clamp(1, urls.len().max(1));
    let mut outcomes =
        vec![Outcome::NotChecked("the link checker stopped before asking".into()); urls.len()];
    let done: Vec<Vec<(usize, Outcome)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(url) = urls.get(i) else { break };
                        // A panic in the HTTP client (a server it cannot cope with) costs
                        // this URL only; the worker goes on with the next.
                        let outcome =
                            catch_unwind(AssertUnwindSafe(|| fetch(url))).unwrap_or_else(|panic| {
                                Outcome::NotChecked(format!(
                                    "the link checker failed on this answer: {}",
                                    panic_message(&*panic)
                                ))
                            });
                        mine.push((i, outcome));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    for (i, outcome) in done.into_iter().flatten() {
        outcomes[i] = outcome;
    }
    outcomes
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    match (panic.downcast_ref::<&str>(), panic.downcast_ref::<String>()) {
        (Some(s), _) => s.to_string(),
        (_, Some(s)) => s.clone(),
        _ => "an internal error".into(),
    }
}

/// HEAD the URL; servers that do not allow HEAD get a GET instead.
fn fetch(agent: &Agent, url: &str, timeout: Duration) -> Outcome {
    let head = agent.head(url).call();
    let answer = match head {
        Ok(r) if matches!(r.status().as_u16(), 405 | 501) => agent.get(url).call(),
        other => other,
    };
    match answer {
        Ok(r) if r.status().as_u16() >= 400 => Outcome::Status(
            r.status().as_u16(),
            r.status().canonical_reason().unwrap_or("error"),
        ),
        // `101 Switching Protocols` (the only 1xx the client hands back) is no page at all.
        Ok(r) if r.status().is_informational() => Outcome::NotChecked(format!(
            "the server answered {} instead of a page",
            r.status()
        )),
        Ok(_) => Outcome::Fine,
        Err(ureq::Error::Timeout(_)) => {
            Outcome::Failed(format!("no answer within {} s", timeout.as_secs_f32()))
        }
        Err(ureq::Error::HostNotFound) => Outcome::Failed("host not found".into()),
        Err(ureq::Error::ConnectionFailed) => Outcome::Failed("connection failed".into()),
        Err(ureq::Error::Io(e)) => Outcome::Failed(format!("connection failed: {e}")),
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_fetch_leaves_its_url_not_checked_and_the_rest_checked() {
        let owned: Vec<String> = (0..6).map(|i| format!("https://x.test/{i}")).collect();
        let urls: Vec<&String> = owned.iter().collect();
        let outcomes = run_workers(&urls, 2, &|url| {
            if url.ends_with("/3") {
                panic!("server confused the client");
            }
            Outcome::Fine
        });
        for (i, outcome) in outcomes.iter().enumerate() {
            match i {
                3 => assert_eq!(
                    outcome,
                    &Outcome::NotChecked(
                        "the link checker failed on this answer: server confused the client".into()
                    )
                ),
                _ => assert_eq!(outcome, &Outcome::Fine, "url {i}"),
            }
        }
    }
}
