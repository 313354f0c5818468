//! The served site's builds: the engine, kept between saves, building into memory on top of
//! the snapshot served now. A panic inside a build is caught and reported like any error;
//! the engine is then dropped, so the next save starts from a clean read of the site.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::crash;
use crate::diagnostics::Diagnostic;
use crate::engine::{Engine, Settings};
use crate::output::memory::{Delta, MemorySink, Snapshot};

/// A good build: the site to serve and what it changed.
pub struct Rebuilt {
    pub snapshot: Snapshot,
    pub delta: Delta,
    pub articles: usize,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
}

/// What a rebuild gave.
pub enum Outcome {
    /// No source changed: nothing to do.
    Unchanged,
    Built(Box<Rebuilt>),
    Failed(Vec<Diagnostic>),
}

/// The engine of `folio serve`, and what it needs to start again.
pub struct Rebuilder {
    root: PathBuf,
    settings: Settings,
    engine: Option<Engine>,
}

impl Rebuilder {
    pub fn new(root: &Path, settings: Settings) -> Rebuilder {
        Rebuilder {
            root: root.to_path_buf(),
            settings,
            engine: None,
        }
    }

    /// Build after `changed` paths changed on disk (all of the site when the engine is new),
    /// on top of `current`, the snapshot served now.
    pub fn rebuild(&mut self, changed: &[PathBuf], current: Arc<Snapshot>) -> Outcome {
        let started = Instant::now();
        match crash::catch(|| self.build(changed, current)) {
            Ok(Ok(Some(mut rebuilt))) => {
                rebuilt.elapsed = started.elapsed();
                Outcome::Built(rebuilt)
            }
            Ok(Ok(None)) => Outcome::Unchanged,
            Ok(Err(diags)) => Outcome::Failed(diags),
            Err(crash) => {
                // Nothing the engine kept can be trusted now: read everything again next time.
                self.engine = None;
                Outcome::Failed(vec![crash.diagnostic(
                    "the last good site is still served, and the next save builds everything again",
                )])
            }
        }
    }

    fn build(
        &mut self,
        changed: &[PathBuf],
        current: Arc<Snapshot>,
    ) -> Result<Option<Box<Rebuilt>>, Vec<Diagnostic>> {
        let engine = match &mut self.engine {
            Some(engine) => {
                if !engine.refresh(changed) {
                    return Ok(None);
                }
                engine
            }
            None => self
                .engine
                .insert(Engine::new(&self.root, self.settings.clone()).map_err(|d| vec![d])?),
        };
        let sink = MemorySink::new(current);
        let built = engine.build(&sink)?;
        let (snapshot, delta) = sink.finish(built.files.keys().map(String::as_str));
        Ok(Some(Box::new(Rebuilt {
            snapshot,
            delta,
            articles: built.articles,
            elapsed: built.elapsed,
            warnings: built.warnings,
        })))
    }
}
