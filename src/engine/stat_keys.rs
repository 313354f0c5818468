//! The keys of the files copied as they are (images beside articles, static files) and what
//! parsing each article gave (`content::Parsed`), kept in the disk cache with each file's
//! status when it was read: a file whose size, modification and change times, inode and
//! device are those recorded is not read again to learn its key (150 MB of images at 1,000
//! articles), and an article is not read or parsed again (its text is read only if a step
//! that needs it runs: see `SourceFile::text`). Only files whose change time was at least
//! `SETTLED` old when they were read are recorded, so a write landing in the same clock tick
//! as the read is never mistaken for no change (as git does for its index). The change time
//! cannot be set by hand, unlike the modification time.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::content::Parsed;
use crate::disk_cache::{DiskCache, FOLIO_VERSION};
use crate::key::Key;

/// The entry's name in its cache folder.
const ENTRY: &str = "stat-keys";
/// Where folios before this one kept the table as JSON (removed when the table is stored).
const OLD_ENTRY: &str = "stat-keys.json";
/// What the entry starts with; anything else is no table.
const MAGIC: &[u8] = b"folio stat keys 2\n";
/// How old a file's last change must be for its status to be recorded.
const SETTLED: Duration = Duration::from_secs(2);

/// A file's status as the file system reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    /// Seconds and nanoseconds.
    modified: (i64, i64),
    changed: (i64, i64),
    inode: u64,
    device: u64,
}

impl Stamp {
    /// The status of a file from its metadata (none where the system gives no change time).
    #[cfg(unix)]
    pub fn of(m: &std::fs::Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        Some(Stamp {
            len: m.len(),
            modified: (m.mtime(), m.mtime_nsec()),
            changed: (m.ctime(), m.ctime_nsec()),
            inode: m.ino(),
            device: m.dev(),
        })
    }

    #[cfg(not(unix))]
    pub fn of(_: &std::fs::Metadata) -> Option<Stamp> {
        None
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether this status, taken before a read that gave `len` bytes, may be kept for
    /// them: the same length, and no change in the last moments (`settled`).
    pub fn describes_read(&self, len: u64) -> bool {
        self.len == len && self.settled()
    }

    /// Whether the file last changed at least `SETTLED` before now.
    pub fn settled(&self) -> bool {
        let since_epoch = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        let now = i128::try_from(since_epoch.as_nanos()).unwrap_or(i128::MAX);
        let changed = i128::from(self.changed.0) * 1_000_000_000 + i128::from(self.changed.1);
        now - changed >= SETTLED.as_nanos() as i128
    }
}

/// Files' keys and articles' parses by path, with the status each had when read.
#[derive(Debug, Default, PartialEq)]
pub struct StatKeys {
    version: String,
    files: BTreeMap<String, (Stamp, Key)>,
    articles: BTreeMap<String, (Stamp, Parsed)>,
}

impl StatKeys {
    /// The table kept in `cache`: empty when there is none, it is damaged or another folio
    /// wrote it.
    pub fn load(cache: &DiskCache) -> StatKeys {
        cache
            .get(ENTRY)
            .and_then(|bytes| StatKeys::from_stored(&bytes))
            .unwrap_or_default()
    }

    /// The table an entry made by `to_stored` holds, if it is whole and this folio's.
    fn from_stored(bytes: &[u8]) -> Option<StatKeys> {
        let (version, rest) = crate::disk_cache::unframe(bytes, MAGIC)?;
        if version != FOLIO_VERSION.as_bytes() {
            return None;
        }
        let (files, articles) = crate::disk_cache::decode(rest)?;
        Some(StatKeys {
            version: FOLIO_VERSION.clone(),
            files,
            articles,
        })
    }

    /// The bytes of the entry: the version, then the table in binary (a JSON table of
    /// 10,000 articles took 60 ms to read and more to write).
    fn to_stored(&self) -> Vec<u8> {
        // Strings, numbers and parses into a Vec: cannot fail.
        let table = crate::disk_cache::encode(&(&self.files, &self.articles)).unwrap_or_default();
        crate::disk_cache::frame(MAGIC, self.version.as_bytes(), &[&table])
    }

    /// A table of `files` (path from the site root, status when read, key) and `articles`
    /// (path, status when read, what parsing gave).
    pub fn new<'a>(
        files: impl IntoIterator<Item = (&'a Path, Stamp, Key)>,
        articles: impl IntoIterator<Item = (&'a Path, Stamp, Parsed)>,
    ) -> StatKeys {
        StatKeys {
            version: FOLIO_VERSION.clone(),
            files: files
                .into_iter()
                .map(|(path, stamp, key)| (slashed(path), (stamp, key)))
                .collect(),
            articles: articles
                .into_iter()
                .map(|(path, stamp, parsed)| (slashed(path), (stamp, parsed)))
                .collect(),
        }
    }

    /// A digest of what the table records: every path with its status (and a file's key).
    /// An article's parse is left out: a parse is kept only under the status it was read
    /// with, so two tables with the same statuses hold the same parses.
    pub fn digest(&self) -> Key {
        let files = self
            .files
            .iter()
            .map(|(path, (stamp, key))| (path.clone(), *stamp, Some(*key)));
        let articles = self
            .articles
            .iter()
            .map(|(path, (stamp, _))| (path.clone(), *stamp, None));
        digest(files.chain(articles))
    }

    /// What parsing the article at `path` gave, if its status is `stamp`.
    pub fn article(&self, path: &Path, stamp: Stamp) -> Option<&Parsed> {
        let (kept, parsed) = self.articles.get(&slashed(path))?;
        (*kept == stamp).then_some(parsed)
    }

    /// The key of the file at `path` (from the site root), if its status is `stamp`.
    pub fn get(&self, path: &Path, stamp: Stamp) -> Option<Key> {
        let (kept, key) = self.files.get(&slashed(path))?;
        (*kept == stamp).then_some(*key)
    }

    /// Keep this table in `cache` (a failed write only costs the next run time).
    pub fn store(&self, cache: &DiskCache) {
        if cache.put(ENTRY, &self.to_stored()).is_ok() {
            cache.remove(OLD_ENTRY);
        }
    }
}

/// `StatKeys::digest` of a table of `entries` (path from the site root, status, the key of
/// a file or none for an article), without making the table.
pub fn digest(entries: impl Iterator<Item = (String, Stamp, Option<Key>)>) -> Key {
    let mut entries: Vec<_> = entries.collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Key::of("statuses", &(&*FOLIO_VERSION, entries))
}

/// `path` with `/` between its parts on every system, as the table names files.
pub(super) fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp_of(path: &Path) -> Stamp {
        Stamp::of(&std::fs::metadata(path).unwrap()).unwrap()
    }

    #[test]
    fn a_key_is_found_only_while_the_file_is_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a.png");
        std::fs::write(&file, b"pixels").unwrap();
        let stamp = stamp_of(&file);
        assert_eq!(stamp.len(), 6);
        assert!(!stamp.settled(), "just written");
        let key = Key::of_bytes(b"pixels");
        let rel = Path::new("content/a/a.png");
        let cache = DiskCache::new(tmp.path(), "inputs");
        StatKeys::new([(rel, stamp, key)], []).store(&cache);
        let kept = StatKeys::load(&cache);
        assert_eq!(kept.get(rel, stamp), Some(key));
        assert_eq!(kept.get(Path::new("content/a/b.png"), stamp), None);
        // Rewritten with other bytes of the same length: its change time moved.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&file, b"PIXELS").unwrap();
        assert_eq!(kept.get(rel, stamp_of(&file)), None);
        // Its modification time set back by hand: the change time still tells.
        let old = std::fs::File::options().write(true).open(&file).unwrap();
        old.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1))
            .unwrap();
        assert_ne!(stamp_of(&file), stamp);
        // Replaced by another file: another inode.
        let other = tmp.path().join("other.png");
        std::fs::write(&other, b"pixels").unwrap();
        std::fs::rename(&other, &file).unwrap();
        assert_eq!(kept.get(rel, stamp_of(&file)), None);
    }

    #[test]
    fn an_article_parse_is_kept_by_status_and_the_digest_follows_statuses() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a.md");
        // `extra` holds values of every kind: the binary table keeps it as JSON text.
        let text = "---\ntitle: T\nauthor: a\ndate: 2025-01-01\nsummary: S\nextra:\n  team: platform\n  \
                    weight: 2.5\n  on: true\n  list: [1, null, {a: b}]\n---\nBody\n";
        std::fs::write(&file, text).unwrap();
        let stamp = stamp_of(&file);
        let rel = Path::new("content/articles/a.md");
        let parsed = crate::content::parse_article(rel, text.as_bytes().to_vec())
            .unwrap()
            .parsed();
        let cache = DiskCache::new(tmp.path(), "inputs");
        assert!(parsed.front_matter.extra.is_some());
        let table = StatKeys::new([], [(rel, stamp, parsed.clone())]);
        // A JSON table an older folio left is removed once the binary one is written.
        cache.put(OLD_ENTRY, b"{}").unwrap();
        table.store(&cache);
        assert!(!cache.has(OLD_ENTRY));
        let kept = StatKeys::load(&cache);
        assert_eq!(
            kept, table,
            "front matter, spans and keys survive the round trip"
        );
        assert_eq!(kept.article(rel, stamp), Some(&parsed));
        assert_eq!(kept.get(rel, stamp), None, "an article is no copied file");
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&file, text).unwrap();
        assert_eq!(kept.article(rel, stamp_of(&file)), None, "written again");

        let entry = |stamp| (slashed(rel), stamp, None);
        assert_eq!(kept.digest(), digest([entry(stamp)].into_iter()));
        assert_ne!(kept.digest(), digest([entry(stamp_of(&file))].into_iter()));
        assert_ne!(kept.digest(), StatKeys::default().digest());
    }

    #[test]
    fn a_damaged_or_foreign_table_is_empty() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(tmp.path(), "inputs");
        assert_eq!(StatKeys::load(&cache), StatKeys::default());
        cache.put(ENTRY, b"{\"version\": ").unwrap();
        assert_eq!(StatKeys::load(&cache), StatKeys::default());
        // Cut short, or with a byte too many: no table.
        let stamp = Stamp {
            len: 1,
            modified: (1, 2),
            changed: (3, 4),
            inode: 5,
            device: 6,
        };
        let whole = StatKeys::new([(Path::new("a.png"), stamp, Key::of_bytes(b"a"))], []);
        whole.store(&cache);
        assert_eq!(StatKeys::load(&cache), whole);
        let bytes = whole.to_stored();
        for damaged in [&bytes[..bytes.len() - 1], &[&bytes[..], b"x"].concat()] {
            cache.put(ENTRY, damaged).unwrap();
            assert_eq!(StatKeys::load(&cache), StatKeys::default());
        }
        let mut other = StatKeys::new([], []);
        other.version = "folio 0.0.1".into();
        other.store(&cache);
        assert_eq!(StatKeys::load(&cache), StatKeys::default());
    }

    #[test]
    fn a_file_changed_long_ago_is_settled() {
        let mut stamp = Stamp {
            len: 1,
            modified: (0, 0),
            changed: (0, 0),
            inode: 1,
            device: 1,
        };
        assert!(stamp.settled());
        stamp.changed.0 = i64::MAX / 2;
        assert!(!stamp.settled(), "a change time in the future");
    }
}
