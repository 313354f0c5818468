//! Untrusted content, safe output (issue #13): what an article folder may hold cannot reach
//! outside the site, print more than one line of a file, drive the terminal, replace a
//! folder folio did not write, or take unbounded time, memory or disk. Every test runs the
//! real `folio` binary and asserts the absence: the secret in no file and no message, the
//! folder still holding its files. docs/reliability.md ("Security") describes them.

mod support;

#[path = "untrusted/bounds.rs"]
mod bounds;
#[allow(dead_code)] // shared with tests/serve_http.rs, which uses all of it
#[path = "serve_http/client.rs"]
mod client;
#[path = "untrusted/links.rs"]
mod links;
#[path = "untrusted/messages.rs"]
mod messages;
#[path = "untrusted/output.rs"]
mod output;
#[path = "faults/server.rs"]
mod server;
