//! A build from scratch into memory — the reference every incremental or served site is
//! compared with — and diagnostics as the plain text a writer reads.

use std::path::Path;
use std::sync::Arc;

use folio::diagnostics::Diagnostic;
use folio::engine::{Engine, Settings};
use folio::output::memory::{MemorySink, Snapshot};

/// The site at `root` built from scratch with `settings`, and its warnings; or its errors.
pub fn build(root: &Path, settings: Settings) -> Result<(Snapshot, String), String> {
    let mut engine = Engine::new(root, settings).map_err(|d| d.render_plain())?;
    let sink = MemorySink::new(Arc::new(Snapshot::new()));
    let built = engine.build(&sink).map_err(|e| messages(&e))?;
    let (site, _) = sink.finish(built.files.keys().map(String::as_str));
    Ok((site, messages(&built.warnings)))
}

/// Diagnostics as `folio` prints them without colour, one after another.
pub fn messages(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(Diagnostic::render_plain)
        .collect::<Vec<_>>()
        .join("\n")
}
