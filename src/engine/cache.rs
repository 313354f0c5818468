//! Where the engine keeps what it made between runs (the cache folder), and keeping it
//! tidy: one rule for picking the folder, the stores the build steps read and write, the
//! input keys kept by file status, and pruning what no recent build used.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{CacheUse, Engine, Made, Settings, bodies, rank};
use crate::disk_cache::{DiskCache, default_dir};

/// The cache folder: `--cache-dir`, else `cache_dir` from config.toml (`named`, from the
/// site folder `root`), else `<root>/.folio-cache`.
pub(super) fn pick_dir(settings: &Settings, named: Option<&Path>, root: &Path) -> PathBuf {
    settings
        .cache_dir
        .clone()
        .or_else(|| named.map(|d| root.join(d)))
        .unwrap_or_else(|| default_dir(root))
}

/// `cache_dir` as config.toml names it, read on its own before the sources are; none when
/// the config cannot be read or parsed (the build then reports why).
pub(super) fn named_in_config(root: &Path) -> Option<PathBuf> {
    #[derive(serde::Deserialize)]
    struct CacheDirOnly {
        cache_dir: Option<PathBuf>,
    }
    let text = std::fs::read_to_string(root.join("config.toml")).ok()?;
    let only: CacheDirOnly = toml::from_str(&text).ok()?;
    only.cache_dir
}

/// The cache folder a build of the site at `root` will use, found before its sources are
/// read (config.toml read for `cache_dir` alone); none with `--no-cache`.
pub(super) fn early_dir(root: &Path, settings: &Settings) -> Option<PathBuf> {
    if settings.cache == CacheUse::Off {
        return None;
    }
    // As `Inputs` holds the root: absolute, links resolved.
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let named = named_in_config(&root);
    Some(pick_dir(settings, named.as_deref(), &root))
}

impl Engine {
    /// What `output_cache` will be once the sources are read, found before (to prepare the
    /// staging folder meanwhile); the caller compares the two.
    pub fn output_cache_before_reading(root: &Path, settings: &Settings) -> Option<PathBuf> {
        early_dir(root, settings).filter(|_| settings.cache == CacheUse::ReadWrite)
    }

    /// The engine at the end of a one-shot command: its temporary folder removed, the rest
    /// left for the process's exit to free at once.
    pub fn leave(mut self) {
        drop(self.scratch.take());
        std::mem::forget(self);
    }

    /// Where made files are kept between builds (`pick_dir`, with config.toml as parsed);
    /// with `--no-cache`, a temporary folder.
    pub fn cache_dir(&self) -> PathBuf {
        if let Some(scratch) = &self.scratch {
            return scratch.path().to_path_buf();
        }
        let named = self
            .memo
            .config
            .as_ref()
            .and_then(|(_, c)| c.cache_dir.as_deref())
            .map(Path::new);
        pick_dir(&self.settings, named, self.inputs.root())
    }

    /// Where a build's output manifest is kept (`output::disk::Staging::remember`): the
    /// cache folder, unless the build reads or writes no cache. Reads config.toml for its
    /// `cache_dir` (a config with errors fails the build that follows anyway).
    pub fn output_cache(&mut self) -> Option<PathBuf> {
        let _ = self.config();
        (self.settings.cache == CacheUse::ReadWrite).then(|| self.cache_dir())
    }

    /// The cache folder `folder` (`bodies`, `ranking`), unless building without a cache.
    pub(super) fn disk_cache(&self, folder: &str) -> Option<DiskCache> {
        let cache = DiskCache::new(&self.cache_dir(), folder);
        match self.settings.cache {
            CacheUse::ReadWrite => Some(cache),
            CacheUse::ReadOnly => Some(cache.read_only()),
            CacheUse::Off => None,
        }
    }

    /// Keep the keys of the files copied as they are and the articles' parses, by their
    /// status, for the next run (when they changed; a build that writes no cache keeps
    /// nothing).
    pub fn keep_stat_keys(&self) {
        if let Some(cache) = self.disk_cache("inputs")
            && self.inputs.stat_digest() != self.stat_digest
        {
            self.inputs.stat_keys().store(&cache);
        }
    }

    /// Remove from the cache folder what the last build did not use and nobody wrote for a
    /// week (another branch's builds may still want it), and what killed builds left half
    /// written; at most once every `PRUNE_EVERY` (the stamp file `PRUNE_STAMP`). Returns
    /// how many files were removed.
    /// `output_manifest` is the manifest of the output this build writes (`outputs/`), kept.
    pub fn prune_cache(&self, made: &Made, output_manifest: Option<&Path>) -> usize {
        let dir = self.cache_dir();
        if self.settings.cache != CacheUse::ReadWrite || !prune_due(&dir) {
            return 0;
        }
        let week = Duration::from_secs(7 * 24 * 3600);
        let bodies: HashSet<String> = self
            .memo
            .rendered
            .keys()
            .map(|k| bodies::entry_name(*k))
            .chain([bodies::meta_pack_name()])
            .collect();
        let ranking: HashSet<String> = rank::stored_entries(&self.memo.rank).collect();
        let search: HashSet<String> = self.memo.search.used_entries().collect();
        let removed = [
            ("bodies", &bodies),
            ("ranking", &ranking),
            ("images", &made.used_images),
            ("cards", &made.used_cards),
            ("search", &search),
        ]
        .into_iter()
        .map(|(folder, used)| DiskCache::new(&dir, folder).prune(used, week))
        .sum::<usize>()
            + crate::output::disk::prune_stale_outputs(&dir, week, output_manifest);
        // A failed write only means the next build prunes again.
        let _ = std::fs::write(dir.join(PRUNE_STAMP), b"");
        removed
    }
}

/// How often the cache folder is pruned. Pruning reads every entry's folder and the time of
/// every unused entry (0.2 s of CPU for a 10,000-article site with a few old versions of
/// each entry: a tenth of a warm build), while what a day of builds leaves unused only
/// costs disk space until the next prune.
const PRUNE_EVERY: Duration = Duration::from_secs(24 * 3600);

/// The file in the cache folder whose modification time is when it was last pruned.
const PRUNE_STAMP: &str = "pruned";

/// Whether the cache folder `dir` is due for pruning: never pruned, pruned over
/// `PRUNE_EVERY` ago, or its stamp is dated in the future (a clock set back).
fn prune_due(dir: &Path) -> bool {
    let pruned = std::fs::metadata(dir.join(PRUNE_STAMP)).and_then(|m| m.modified());
    match pruned.map(|t| t.elapsed()) {
        Ok(Ok(since)) => since >= PRUNE_EVERY,
        _ => true,
    }
}
