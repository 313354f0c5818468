//! What the server shares with the rest of `folio serve`: the site it answers from and the
//! live-reload hub.

use std::sync::{Arc, PoisonError, RwLock};

use super::events::Events;
use super::snapshot::Snapshot;

/// What the server shares with the rest of `folio serve`: the site it answers from and the
/// live-reload hub.
#[derive(Default)]
pub struct Shared {
    /// The last good build. Requests clone the `Arc` and answer from it, so a swap never
    /// shows anyone half a site.
    pub site: RwLock<Arc<Snapshot>>,
    /// Reload messages for the browsers.
    pub events: Events,
}

impl Shared {
    /// Shared state serving `site`.
    pub fn new(site: Snapshot) -> Self {
        Shared {
            site: RwLock::new(Arc::new(site)),
            events: Events::new(),
        }
    }

    /// Replaces the site at once: requests already running finish with the old one.
    pub fn swap(&self, site: Snapshot) {
        let site = Arc::new(site);
        *self.site.write().unwrap_or_else(PoisonError::into_inner) = site;
    }

    /// The site as it is now.
    pub fn current(&self) -> Arc<Snapshot> {
        Arc::clone(&self.site.read().unwrap_or_else(PoisonError::into_inner))
    }
}
