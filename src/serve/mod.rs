//! `folio serve`'s HTTP layer: answers from an in-memory snapshot of the last good build and
//! tells browsers to reload. A thin layer: it never renders, parses content or reads config.
//!
//! Wiring: put the build output in a [`Snapshot`], wrap it in [`Shared`], [`start`] the
//! server; after each rebuild call [`Shared::swap`] then publish a [`Reload`] on
//! `shared.events`.

mod debounce;
pub mod events;
mod host;
pub mod http;
pub mod livereload;
mod rebuild;
mod reply;
mod request_path;
pub mod run;
pub mod server;
mod shared;
mod sse;
pub mod watch;

pub use crate::output::memory::{self as snapshot, ServedFile, Snapshot};
pub use events::{Events, Reload, Subscription};
pub use server::{Limits, ServerHandle, start, start_with_limits};
pub use shared::Shared;
