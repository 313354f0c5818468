//! Bringing the inputs up to date after files changed on disk (`folio serve --watch`): only
//! what is at or under each changed path is forgotten and read again, and a refresh says
//! whether any source really changed (an editor's save that left the bytes as they were
//! changes nothing).

use std::path::{Component, Path, PathBuf};

use super::{Entry, Inputs, SOURCE_DIRS, is_ignored_path, read_config};
use crate::engine::stat_keys::StatKeys;
use crate::fence::Fence;
use crate::key::{Key, KeyHasher};

impl Inputs {
    /// Bring the inputs up to date after `paths` changed on disk (absolute paths under the
    /// root, as a watcher reports them, or paths relative to the root). Returns whether any
    /// source changed; editor files and paths outside the source folders are ignored.
    pub fn refresh(&mut self, paths: &[PathBuf]) -> bool {
        let mut changed = false;
        let mut rels: Vec<PathBuf> = paths.iter().filter_map(|p| self.source_path(p)).collect();
        rels.sort();
        rels.dedup();
        for rel in rels {
            changed |= self.refresh_one(&rel);
            if let Some(top) = rel.components().next() {
                changed |= self.note_folder(&top.as_os_str().to_string_lossy());
            }
        }
        changed
    }

    /// `path` as a source path relative to the root, or `None` when it is no source.
    fn source_path(&self, path: &Path) -> Option<PathBuf> {
        let rel = if path.is_absolute() {
            path.strip_prefix(&self.root).ok()?
        } else {
            path
        };
        let rel: PathBuf = rel
            .components()
            .filter(|c| !matches!(c, Component::CurDir))
            .collect();
        let mut parts = rel.components();
        let first = parts.next()?.as_os_str().to_str()?;
        let is_source = match first {
            "config.toml" => parts.next().is_none(),
            dir => SOURCE_DIRS.contains(&dir),
        };
        (is_source && !is_ignored_path(&rel)).then_some(rel)
    }

    fn refresh_one(&mut self, rel: &Path) -> bool {
        if rel == Path::new("config.toml") {
            let config = read_config(&self.root);
            let changed = match (&config, &self.config) {
                (Ok(new), Ok(old)) => new.key() != old.key(),
                _ => true,
            };
            self.config = config;
            return changed;
        }
        let abs = self.root.join(rel);
        let before = self.fingerprint_under(rel);
        self.forget_under(rel);
        match std::fs::symlink_metadata(&abs) {
            Ok(meta) if meta.is_dir() || (meta.is_symlink() && abs.is_dir()) => {
                let found = self.walk(rel);
                self.read_files(found, &StatKeys::default());
            }
            Ok(_) => {
                if let Some(found) = self.admit(rel) {
                    self.read_files(vec![found], &StatKeys::default());
                }
            }
            // Gone: what was under it stays forgotten.
            Err(_) => {}
        }
        before != self.fingerprint_under(rel)
    }

    /// Keys of everything at or under `rel`, to tell whether a refresh changed anything.
    fn fingerprint_under(&self, rel: &Path) -> Key {
        let mut h = KeyHasher::new("refresh");
        for (path, entry) in self.under(rel) {
            h.add(path);
            match entry {
                Entry::Article(Ok(a), _) => {
                    h.add(&(0u8, a.front_matter_key, a.body.start, a.body_key))
                }
                Entry::File(Ok(f)) => h.add(&(1u8, f.key)),
                Entry::Article(Err(d), _) | Entry::File(Err(d)) => h.add(&(2u8, d.render_plain())),
            };
        }
        for (path, d) in self
            .walk_errors
            .range(rel.to_path_buf()..)
            .take_while(|(p, _)| p.starts_with(rel))
        {
            h.add(path).add(&d.render_plain());
        }
        h.key()
    }

    fn under<'a>(&'a self, rel: &'a Path) -> impl Iterator<Item = (&'a PathBuf, &'a Entry)> + 'a {
        self.entries
            .range(rel.to_path_buf()..)
            .take_while(move |(p, _)| p.starts_with(rel))
    }

    fn forget_under(&mut self, rel: &Path) {
        let doomed: Vec<PathBuf> = self.under(rel).map(|(p, _)| p.clone()).collect();
        for p in doomed {
            self.entries.remove(&p);
            self.file_keys.remove(&p);
        }
        let doomed: Vec<PathBuf> = self
            .walk_errors
            .range(rel.to_path_buf()..)
            .take_while(|(p, _)| p.starts_with(rel))
            .map(|(p, _)| p.clone())
            .collect();
        for p in doomed {
            self.walk_errors.remove(&p);
        }
    }

    /// `rel` if it is a file worth reading; a link leading out of the site is refused.
    fn admit(&mut self, rel: &Path) -> Option<PathBuf> {
        let abs = self.root.join(rel);
        // The file or any folder above it may be a link: the fence resolves the whole path.
        if let Err(d) = Fence::new(&self.root).check(&abs) {
            self.walk_errors.insert(rel.to_path_buf(), d);
            return None;
        }
        abs.is_file().then(|| rel.to_path_buf())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table of file keys follows every read: the first, a changed file, a removed
    /// folder; articles have none.
    #[test]
    fn file_keys_follow_the_entries() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        std::fs::write(root.join("config.toml"), "title = \"t\"\n").unwrap();
        std::fs::create_dir_all(root.join("content/a")).unwrap();
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::write(root.join("content/a/index.md"), "---\ntitle: A\n---\nx").unwrap();
        std::fs::write(root.join("content/a/p.png"), "one").unwrap();
        std::fs::write(root.join("static/x.css"), "b{}").unwrap();
        let mut inputs = Inputs::read(root).unwrap();
        let agree = |inputs: &Inputs, rel: &str| {
            let by_search = match inputs.file(Path::new(rel)) {
                Some(Ok(f)) => Some(f.key),
                _ => None,
            };
            assert_eq!(inputs.file_key(Path::new(rel)), by_search, "{rel}");
            by_search
        };
        assert_eq!(
            agree(&inputs, "content/a/p.png"),
            Some(Key::of_bytes(b"one"))
        );
        assert_eq!(agree(&inputs, "static/x.css"), Some(Key::of_bytes(b"b{}")));
        assert_eq!(agree(&inputs, "content/a/index.md"), None);
        std::fs::write(root.join("content/a/p.png"), "two").unwrap();
        assert!(inputs.refresh(&[root.join("content/a/p.png")]));
        assert_eq!(
            agree(&inputs, "content/a/p.png"),
            Some(Key::of_bytes(b"two"))
        );
        std::fs::remove_dir_all(root.join("content/a")).unwrap();
        assert!(inputs.refresh(&[PathBuf::from("content/a")]));
        assert_eq!(agree(&inputs, "content/a/p.png"), None);
        assert_eq!(agree(&inputs, "static/x.css"), Some(Key::of_bytes(b"b{}")));
    }
}
