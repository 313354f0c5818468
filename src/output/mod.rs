//! Where a build goes: a `Sink` takes each output file. `disk` writes a staging folder and
//! swaps it in (`folio build`); `memory` keeps the site in RAM (`folio serve`); `check` keeps
//! only what it checks. The engine is the same for all three.

pub mod disk;
pub mod memory;

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::key::Key;

/// What an output file holds.
pub enum Contents<'a> {
    /// Bytes made by the build (a page, a feed).
    Bytes(Vec<u8>),
    /// A source file copied as it is (absolute path).
    Copy(&'a Path),
    /// A file of folio's cache, which never changes once written (absolute path): a sink
    /// on the same disk may link it rather than copy it.
    Link(&'a Path),
}

/// Takes the files of a build. Called from many threads at once.
pub trait Sink: Sync {
    /// Whether the sink keeps the `path` it already holds, made from `key`, so the engine
    /// need not make it again. A sink that cannot tell says no.
    fn keep(&self, _path: &str, _key: Key) -> bool {
        false
    }

    /// Take the file at `path` (a `/`-separated path inside the output), made from `key`.
    fn put(&self, path: &str, key: Key, contents: Contents) -> Result<(), Diagnostic>;
}

/// Takes nothing: for measuring or when only the build's errors matter.
pub struct Nowhere;

impl Sink for Nowhere {
    fn put(&self, _: &str, _: Key, _: Contents) -> Result<(), Diagnostic> {
        Ok(())
    }
}
