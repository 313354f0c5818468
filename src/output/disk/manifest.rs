//! What the last build put in an output folder: each file's path, the key it was made from,
//! a digest of its bytes, and what tells that very file apart on disk (size, modification
//! time, inode). The next build links a file it would make again (same key, or same bytes)
//! from the previous output into the new one instead of writing it: the file is never
//! rewritten, and the page behind it is not even rendered (`Sink::keep`).
//!
//! The manifest lives in the cache folder (`outputs/<digest of the output's path>`), not in
//! the output, which stays byte-identical from one build to the next. It is only a hint: a
//! file whose size, time or inode no longer match (someone edited the output, or replaced
//! it) is made anew, and a missing or unreadable manifest only means everything is written.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use super::status::Status;
use crate::key::Key;

/// The first bytes of a manifest; a file without them is ignored (a manifest of an older
/// folio too: its output is written once again). The entries follow, sorted by path, in
/// bincode (`disk_cache::encode`): a warm build reads thousands back, and a text line per
/// file (two keys in hex, three numbers in decimal) took three times as long to parse.
const HEADER: &[u8] = b"folio output manifest 2\n";

/// One output file as the build that made it left it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// What the file was made from (`Sink::put`'s key).
    pub key: Key,
    /// The digest of its bytes, for files made in memory (`None` for copies and links).
    pub bytes: Option<Key>,
    /// The file as the build left it (always a regular file).
    pub status: Status,
}

impl Entry {
    /// The entry of a file whose status is `status`.
    pub fn of_status(key: Key, bytes: Option<Key>, status: Status) -> Entry {
        Entry { key, bytes, status }
    }

    /// Whether the file at `path` is still the one this entry describes.
    pub fn matches(&self, path: &Path) -> bool {
        Status::of_path(path).is_ok_and(|status| self.describes(&status))
    }

    /// Whether `status` (not followed through a link) is the file this entry describes.
    pub fn describes(&self, status: &Status) -> bool {
        status.is_file && *status == self.status
    }
}

/// The manifest of one output folder.
#[derive(Debug, Default)]
pub struct Manifest {
    /// By path: looked up once for every file of every build. FxHash is several times
    /// quicker than the default hasher on short keys; it does not resist keys chosen to
    /// collide, which here would take thousands of crafted article names, each in review.
    entries: FxHashMap<String, Entry>,
}

impl Manifest {
    /// The manifest kept in `file`; empty when there is none or it cannot be read whole.
    pub fn load(file: &Path) -> Manifest {
        let Ok(bytes) = fs::read(file) else {
            return Manifest::default();
        };
        let rows = bytes
            .strip_prefix(HEADER)
            .and_then(crate::disk_cache::decode::<Vec<(String, Entry)>>)
            .unwrap_or_default();
        // Sized first: growing a table of thousands of paths one doubling at a time cost a
        // fifth of the read.
        let mut entries = FxHashMap::with_capacity_and_hasher(rows.len(), Default::default());
        entries.extend(rows);
        Manifest { entries }
    }

    pub fn get(&self, path: &str) -> Option<&Entry> {
        self.entries.get(path)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether this manifest holds exactly `entries` (a build that changed nothing): then
    /// it need not be written again.
    pub fn holds_exactly(&self, entries: &[(String, Entry)]) -> bool {
        entries.len() == self.entries.len()
            && entries
                .iter()
                .all(|(path, entry)| self.entries.get(path) == Some(entry))
    }

    /// Keep `entries` in `file`, replacing it whole (`write_whole`).
    pub fn save(file: &Path, mut entries: Vec<(String, Entry)>) -> io::Result<()> {
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let body = crate::disk_cache::encode(&entries)
            .ok_or_else(|| io::Error::other("the manifest cannot be encoded"))?;
        write_whole(file, HEADER, &body)
    }
}

/// Put `header` then `body` in `file`, replacing it whole: a killed build leaves the old
/// file or the new one, never half of one. The part-written file's name starts `.tmp-`
/// (`prune_stale` removes one left by a killed build).
pub fn write_whole(file: &Path, header: &[u8], body: &[u8]) -> io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    io::Write::write_all(&mut tmp, header)?;
    io::Write::write_all(&mut tmp, body)?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// Where the manifest of the output folder `target` (as resolved) is kept in `cache_dir`.
/// Named by the folder alone, not by folio's version as every other key is: a new release
/// takes over its predecessor's manifest and recycled tree rather than leaving a copy of the
/// whole output beside them. Of that tree it reuses only files it knows to hold the same
/// bytes (`Key::of_bytes` names bytes alone, the same in every release); a page's key
/// carries folio's version, so no page is kept by its key alone.
pub fn file_for(cache_dir: &Path, target: &Path) -> PathBuf {
    let name = Key::lasting("folio output folder", target.as_os_str().as_encoded_bytes());
    cache_dir.join(OUTPUTS).join(name.hex())
}

/// The folder of `cache_dir` that holds the manifests and the recycled trees.
const OUTPUTS: &str = "outputs";

/// Remove the manifests of output folders no build has written to for `age`, each with its
/// recycled tree (a copy of a whole output), and recycled trees left without a manifest:
/// outputs built once into a temporary folder, or by an older folio that named manifests
/// by its version. `in_use` (the manifest of the build that prunes, which may not be dated
/// yet) stays. How many were removed.
pub fn prune_stale(cache_dir: &Path, age: std::time::Duration, in_use: Option<&Path>) -> usize {
    let old = |path: &Path| in_use != Some(path) && crate::disk_cache::older_than(path, age);
    let mut removed = 0;
    let dir = cache_dir.join(OUTPUTS);
    for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Only names folio gives: a manifest, a tree, a manifest being written.
        let gone = if Key::from_hex(&name).is_some() {
            let gone = old(&path) && fs::remove_file(&path).is_ok();
            if gone {
                let generation = super::recycle::generation_of(&path);
                let _ = fs::remove_dir_all(&generation);
                for record in [&path, &generation].map(|t| super::folders::file_of(t)) {
                    let _ = fs::remove_file(record);
                }
            }
            gone
        } else if let Some(owner) = owner_of(&name) {
            // A tree or a record with a manifest goes with it (above).
            let owner = dir.join(owner);
            !owner.exists()
                && in_use != Some(owner.as_path())
                && old(&path)
                && if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    fs::remove_dir_all(&path).is_ok()
                } else {
                    fs::remove_file(&path).is_ok()
                }
        } else {
            name.starts_with(".tmp-") && old(&path) && fs::remove_file(&path).is_ok()
        };
        removed += usize::from(gone);
    }
    removed
}

/// The manifest (its name) that a recycled tree (`<key>.previous`) or a folders record
/// (`<key>.folders`, `<key>.previous.folders`) of the outputs folder belongs to.
fn owner_of(name: &str) -> Option<&str> {
    let tree = name.strip_suffix(".folders").unwrap_or(name);
    let owner = tree.strip_suffix(".previous").unwrap_or(tree);
    (owner != name && Key::from_hex(owner).is_some()).then_some(owner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_manifests_go_with_their_trees_and_records_and_orphans_go_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let outputs = tmp.path().join(OUTPUTS);
        let week = std::time::Duration::from_secs(7 * 24 * 3600);
        let date = |name: &str| {
            let long_ago = std::time::SystemTime::now() - 2 * week;
            let file = fs::File::open(outputs.join(name)).unwrap();
            file.set_modified(long_ago).unwrap();
        };
        // Manifests are named by a key: `fresh`, `stale`, ... stand for one each.
        let [fresh, stale, orphan_old, orphan_new, stale_alone, building] =
            ["0e", "0f", "0a", "0b", "0c", "0d"].map(|k| k.repeat(16));
        let tree = |name: &str| format!("{name}.previous");
        for name in [&fresh, &stale, &orphan_old, &orphan_new] {
            let page = outputs.join(tree(name)).join("articles/a/index.html");
            fs::create_dir_all(page.parent().unwrap()).unwrap();
            fs::write(page, "x").unwrap();
        }
        for name in [&fresh, &stale, &stale_alone, &building] {
            fs::write(outputs.join(name), HEADER).unwrap();
        }
        // Records of trees' folders (`folders`) go as trees do.
        let record = |name: &str| format!("{name}.folders");
        for name in [
            record(&stale),
            record(&tree(&stale)),
            record(&fresh),
            record(&orphan_old),
            record(&tree(&orphan_new)),
        ] {
            fs::write(outputs.join(name), "r").unwrap();
        }
        date(&record(&fresh));
        date(&record(&orphan_old));
        // Not folio's names: never removed, however old.
        fs::write(outputs.join("notes.txt"), "mine").unwrap();
        fs::create_dir_all(outputs.join("mine.previous")).unwrap();
        fs::write(outputs.join(".tmp-x1"), "half").unwrap();
        for name in [&stale, &stale_alone, &tree(&orphan_old), &building] {
            date(name);
        }
        for name in ["notes.txt", "mine.previous", ".tmp-x1"] {
            date(name);
        }
        // A tree's own time does not matter while its manifest is in use.
        date(&tree(&fresh));

        // `building` is the manifest of the build that prunes: it stays, however old.
        let in_use = outputs.join(&building);
        assert_eq!(prune_stale(tmp.path(), week, Some(&in_use)), 5);
        let mut left: Vec<String> = fs::read_dir(&outputs)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut expected = vec![
            building.clone(),
            fresh.clone(),
            tree(&fresh),
            record(&fresh),
            tree(&orphan_new),
            record(&tree(&orphan_new)),
            "mine.previous".into(),
            "notes.txt".into(),
        ];
        expected.sort();
        assert_eq!(left, expected);
        assert_eq!(prune_stale(&tmp.path().join("none"), week, None), 0);
    }

    #[test]
    fn a_manifest_is_named_by_its_output_folder_alone() {
        let a = file_for(Path::new("/c"), Path::new("/site/public"));
        assert_eq!(a, file_for(Path::new("/c"), Path::new("/site/public")));
        assert_ne!(a, file_for(Path::new("/c"), Path::new("/site/out")));
        // Not salted by folio's version, as `Key::of` is.
        let name = Key::lasting("folio output folder", b"/site/public").hex();
        assert_eq!(a, Path::new("/c/outputs").join(name));
    }

    #[test]
    fn a_manifest_holds_exactly_the_entries_it_was_saved_with() {
        let tmp = tempfile::tempdir().unwrap();
        let page = tmp.path().join("page.html");
        fs::write(&page, "<p>hi</p>").unwrap();
        let status = Status::of_path(&page).unwrap();
        let entry = |k: &str| Entry::of_status(Key::of("t", k), None, status);
        let entries = vec![
            ("a.html".to_string(), entry("a")),
            ("b.html".into(), entry("b")),
        ];
        let file = tmp.path().join("m");
        Manifest::save(&file, entries.clone()).unwrap();
        let loaded = Manifest::load(&file);
        assert!(loaded.holds_exactly(&entries));
        let mut other = entries.clone();
        other[1].1 = entry("c");
        assert!(!loaded.holds_exactly(&other), "another key");
        assert!(!loaded.holds_exactly(&entries[..1]), "one fewer");
        other = entries.clone();
        other.push(("c.html".into(), entry("c")));
        assert!(!loaded.holds_exactly(&other), "one more");
    }

    #[test]
    fn saved_entries_load_back_and_describe_their_files() {
        let tmp = tempfile::tempdir().unwrap();
        let page = tmp.path().join("page.html");
        fs::write(&page, "<p>hi</p>").unwrap();
        let status = Status::of_path(&page).unwrap();
        let entry = Entry::of_status(Key::of("t", "a"), Some(Key::of_bytes(b"x")), status);
        let copy = Entry::of_status(Key::of("t", "b"), None, status);
        let file = tmp.path().join("cache/outputs/m");
        Manifest::save(
            &file,
            vec![
                ("a b/index.html".into(), entry.clone()),
                ("c.css".into(), copy.clone()),
                ("bad\nname".into(), copy.clone()),
            ],
        )
        .unwrap();
        let loaded = Manifest::load(&file);
        assert_eq!(loaded.len(), 3);
        assert_eq!(loaded.get("a b/index.html"), Some(&entry));
        assert_eq!(loaded.get("c.css"), Some(&copy));
        assert_eq!(
            loaded.get("bad\nname"),
            Some(&copy),
            "any name, line breaks too"
        );
        assert!(entry.matches(&page));
        // Edited in place: another time, or another size.
        let file = fs::File::options().write(true).open(&page).unwrap();
        file.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(7))
            .unwrap();
        assert!(!entry.matches(&page));
        fs::write(&page, "<p>hi!</p>").unwrap();
        assert!(!entry.matches(&page));
        assert!(!entry.matches(&tmp.path().join("gone.html")));
    }

    #[test]
    fn damaged_or_older_manifests_are_empty() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("m");
        assert!(Manifest::load(&file).is_empty(), "none");
        let page = tmp.path().join("page.html");
        fs::write(&page, "<p>hi</p>").unwrap();
        let status = Status::of_path(&page).unwrap();
        let entries: Vec<(String, Entry)> = (0..50)
            .map(|i| {
                let key = Key::of("t", &i);
                (format!("p{i}.html"), Entry::of_status(key, None, status))
            })
            .collect();
        Manifest::save(&file, entries.clone()).unwrap();
        assert!(Manifest::load(&file).holds_exactly(&entries));
        let whole = fs::read(&file).unwrap();
        let damaged = |bytes: &[u8]| {
            fs::write(&file, bytes).unwrap();
            Manifest::load(&file).is_empty()
        };
        assert!(damaged(b"not a manifest\n"));
        // What an older folio wrote: a line of text per file.
        let line = format!("{} - 3 4 5 ok.html", Key::of("t", "a").hex());
        assert!(damaged(
            format!("folio output manifest 1\n{line}\n").as_bytes()
        ));
        assert!(damaged(&whole[..whole.len() - 1]), "cut short");
        assert!(damaged(&[&whole[..], b"x"].concat()), "trailing bytes");
        let mut garbage = HEADER.to_vec();
        garbage.extend_from_slice(&[0xff; 64]);
        assert!(damaged(&garbage), "a length no file could hold");
    }
}
