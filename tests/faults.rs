//! Faults a build and the dev server must survive: a build killed at any moment, an output
//! that cannot be written, files vanishing mid-build, and the watcher under editor saves,
//! thousands of new files and deletions. Every test runs the real `folio` binary.
//! docs/reliability.md ("Faults") says what each test showed.

mod support;

#[allow(dead_code)] // shared with tests/serve_http.rs, which uses all of it
#[path = "serve_http/client.rs"]
mod client;
#[path = "faults/corpus.rs"]
mod corpus;
#[path = "faults/killed.rs"]
mod killed;
#[path = "faults/output.rs"]
mod output;
#[path = "faults/server.rs"]
mod server;
#[path = "faults/vanishing.rs"]
mod vanishing;
#[path = "faults/watch.rs"]
mod watch;
