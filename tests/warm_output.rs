//! A warm `folio build` (cache folder and previous output left from the build before) writes
//! only the files whose bytes change: every other file of the new output is the previous
//! one, hard-linked (same inode). Its output is still byte-identical to a `--no-cache` build
//! of the same sources, whatever happened to the output in between.

mod support;

#[path = "faults/corpus.rs"]
mod corpus;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use support::{Site, Tree, assert_trees_equal, read_tree};

/// Every file of the output folder: relative path → inode.
fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk the output"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            (rel, e.metadata().expect("stat an output file").ino())
        })
        .collect()
}

/// The files whose inode differs between two listings, or that only one has.
fn rewritten(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> Vec<String> {
    after
        .iter()
        .filter(|(path, ino)| before.get(*path) != Some(ino))
        .map(|(path, _)| path.clone())
        .collect()
}

/// What a build without any cache (and into an empty folder) makes of the site now.
fn from_scratch(site: &Site) -> Tree {
    let out = site.build_into("scratch-output", &["--no-cache"]);
    let tree = out.success().tree();
    fs::remove_dir_all(&out.public).expect("remove the scratch output");
    tree
}

/// With cards: they are linked from the cache into the output, and must be reused too.
fn site() -> Site {
    corpus::site_with_articles_and_cards(60, 3)
}

#[test]
fn a_build_with_nothing_changed_rewrites_no_file() {
    let site = site();
    site.build().success();
    let first = inodes(&site.public());
    assert!(first.len() > 60, "the site has pages: {}", first.len());
    let manifest = || {
        let outputs = site.path(".folio-cache/outputs");
        let files: Vec<_> = fs::read_dir(outputs)
            .unwrap()
            .map(|e| e.unwrap().path())
            // Not the record of the tree's folders (`<manifest>.folders`): it is new with
            // every tree.
            .filter(|p| p.is_file() && p.extension().is_none())
            .collect();
        assert_eq!(files.len(), 1, "one manifest: {files:?}");
        let meta = fs::metadata(&files[0]).unwrap();
        (
            meta.ino(),
            fs::read(&files[0]).unwrap(),
            meta.modified().unwrap(),
        )
    };
    let (inode, bytes, dated) = manifest();
    site.build().success().no_staging_leftovers();
    let (inode_after, bytes_after, dated_after) = manifest();
    assert_eq!(
        (inode_after, bytes_after),
        (inode, bytes),
        "the same manifest is not written again"
    );
    assert!(dated_after >= dated, "only dated: it is in use");
    let second = inodes(&site.public());
    assert_eq!(
        rewritten(&first, &second),
        Vec::<String>::new(),
        "a build with nothing changed wrote these files again"
    );
    assert_eq!(first.len(), second.len());
    assert_trees_equal(&from_scratch(&site), &read_tree(&site.public()).unwrap());
}

#[test]
fn an_edited_body_rewrites_its_page_and_what_lists_it_only() {
    let site = site();
    site.build().success();
    let before = inodes(&site.public());
    site.edit("content/articles/gen-0007.md", |text| {
        text.replacen("Paragraph 1 of", "Paragraph one, edited, of", 1)
    });
    site.build().success();
    let after = inodes(&site.public());
    let changed = rewritten(&before, &after);
    assert!(
        changed.iter().any(|p| p.contains("gen-0007")),
        "the edited article's page must be written again: {changed:?}"
    );
    // An untouched article's page is the previous file.
    let other = after
        .keys()
        .find(|p| p.contains("gen-0031") && p.ends_with(".html"))
        .expect("the page of gen-0031");
    assert!(!changed.contains(other), "{other} was written again");
    // Only a few files carry a body's words (its page, the search index shards...): far
    // fewer than the site has.
    assert!(
        changed.len() * 4 < after.len(),
        "{} of {} files written again: {changed:?}",
        changed.len(),
        after.len()
    );
    assert_trees_equal(&from_scratch(&site), &read_tree(&site.public()).unwrap());
}

#[test]
fn a_changed_title_in_config_rewrites_every_page_and_equals_a_fresh_build() {
    let site = site();
    site.build().success();
    retitle(&site, "A renamed firm");
    site.build().success();
    let tree = read_tree(&site.public()).unwrap();
    let index = String::from_utf8(tree["index.html"].clone()).unwrap();
    assert!(
        index.contains("A renamed firm"),
        "the new title is on the index"
    );
    assert_trees_equal(&from_scratch(&site), &tree);
}

/// Set config.toml's `title` (every page shows it).
fn retitle(site: &Site, title: &str) {
    site.edit("config.toml", |text| {
        let mut out = String::new();
        for line in text.lines() {
            if line.starts_with("title") {
                out.push_str(&format!("title = \"{title}\"\n"));
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    });
}

/// A page that changed is written over the recycled tree's own file (same inode, no file
/// removed and made again), but never over a file that has a second name: a hard-linked
/// copy of the output someone made (`cp -al public snapshot`) keeps its bytes.
#[test]
fn changed_pages_are_written_over_the_recycled_trees_own_files_never_a_shared_one() {
    let site = site();
    site.build().success();
    // A file is known by its inode and its birth time: a file system may give a new file
    // the inode number of one just removed, never its birth time.
    let files = |dir: &Path| -> BTreeMap<String, (u64, Option<std::time::SystemTime>)> {
        inodes(dir)
            .into_iter()
            .map(|(rel, ino)| {
                let born = fs::metadata(dir.join(&rel)).unwrap().created().ok();
                (rel, (ino, born))
            })
            .collect()
    };
    let first = files(&site.public());
    let snapshot = tempfile::tempdir().unwrap();
    // In byte order, as the listing below.
    let shared = ["articles/gen-0003/index.html", "index.html"];
    for (i, rel) in shared.iter().enumerate() {
        fs::hard_link(site.public().join(rel), snapshot.path().join(i.to_string())).unwrap();
    }
    let snapshotted: Vec<Vec<u8>> = (0..shared.len())
        .map(|i| fs::read(snapshot.path().join(i.to_string())).unwrap())
        .collect();
    // The first output moves aside; the build after starts from it.
    retitle(&site, "Once renamed");
    site.build().success();
    retitle(&site, "Twice renamed");
    site.build().success().no_staging_leftovers();
    let tree = read_tree(&site.public()).unwrap();
    let third = files(&site.public());
    let pages: Vec<&String> = third
        .keys()
        .filter(|p| p.ends_with(".html"))
        .filter(|p| String::from_utf8_lossy(&tree[p.as_str()]).contains("Twice renamed"))
        .collect();
    assert!(pages.len() > 60, "pages show the title: {}", pages.len());
    let (kept, new): (Vec<&String>, Vec<&String>) = pages
        .into_iter()
        .partition(|p| first.get(*p) == third.get(*p));
    assert_eq!(
        new,
        shared.iter().collect::<Vec<_>>(),
        "only the files with a second name were made again"
    );
    assert!(kept.len() > 60);
    for (i, bytes) in snapshotted.iter().enumerate() {
        assert_eq!(
            &fs::read(snapshot.path().join(i.to_string())).unwrap(),
            bytes,
            "the snapshot's copy of {} was written through",
            shared[i]
        );
    }
    assert_trees_equal(&from_scratch(&site), &tree);
}

#[test]
fn an_output_file_changed_by_hand_is_made_again() {
    let site = site();
    site.build().success();
    let page = site.public().join("index.html");
    let mut text = fs::read_to_string(&page).unwrap();
    text.push_str("<!-- edited by hand -->");
    fs::write(&page, text).unwrap();
    // Same size, other bytes: only the modification time and inode tell.
    let feed = site.public().join("atom.xml");
    let bytes = fs::read(&feed).unwrap();
    fs::write(
        &feed,
        bytes
            .iter()
            .map(|b| if *b == b'a' { b'b' } else { *b })
            .collect::<Vec<_>>(),
    )
    .unwrap();
    // A file removed from the output comes back.
    let css = inodes(&site.public())
        .into_keys()
        .find(|p| p.ends_with(".css"))
        .expect("a stylesheet");
    fs::remove_file(site.public().join(&css)).unwrap();
    // The search index's files are kept in the cache by key, and the words they are merged
    // from are then never read: a file gone from the output has them read and merged again.
    let meta = site.public().join("search-index/meta.json");
    assert!(meta.is_file(), "the site has a search index");
    fs::remove_file(meta).unwrap();
    site.build().success();
    assert_trees_equal(&from_scratch(&site), &read_tree(&site.public()).unwrap());
}

#[test]
fn cache_entries_holding_garbage_change_nothing() {
    let site = site();
    site.build().success();
    // The rendered bodies, the ranking, the search words and index files, and the output
    // manifest replaced by garbage (renamed over, as
    // folio itself writes entries), as a broken disk or a foreign tool might leave them.
    // (Image and card entries are linked into the output as they are; they are trusted to
    // be whole because folio only ever renames complete files into place.)
    let mut replaced = 0;
    for folder in ["bodies", "ranking", "search", "outputs"] {
        for entry in walkdir::WalkDir::new(site.path(".folio-cache").join(folder)) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let len = entry.metadata().unwrap().len();
                let tmp = entry.path().with_extension("garbage");
                fs::write(&tmp, vec![b'x'; (len / 2) as usize]).unwrap();
                fs::rename(&tmp, entry.path()).unwrap();
                replaced += 1;
            }
        }
    }
    assert!(
        replaced > 120,
        "bodies, search words and a manifest were cached: {replaced}"
    );
    site.edit("content/articles/gen-0003.md", |text| {
        text.replacen("Paragraph 0 of", "Paragraph zero of", 1)
    });
    site.build().success();
    assert_trees_equal(&from_scratch(&site), &read_tree(&site.public()).unwrap());
}

/// The cache files of `folder` (relative path → (size, inode)).
fn cache_files(site: &Site, folder: &str) -> BTreeMap<String, (u64, u64)> {
    let dir = site.path(".folio-cache").join(folder);
    walkdir::WalkDir::new(&dir)
        .into_iter()
        .map(|e| e.expect("walk the cache"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let meta = e.metadata().expect("stat a cache file");
            (rel, (meta.len(), meta.ino()))
        })
        .collect()
}

#[test]
fn articles_words_are_kept_in_one_pack_per_kind_and_an_edit_adds_one_entry() {
    // Over 64 articles: a new process then reads the pack rather than one file each.
    let site = corpus::site_with_articles_and_cards(100, 2);
    site.build().success();
    let folders = ["ranking", "search", "bodies"];
    let packs = |site: &Site| {
        folders.map(|folder| {
            let files = cache_files(site, folder);
            let pack = files
                .iter()
                .max_by_key(|(_, (len, _))| *len)
                .map(|(path, meta)| (path.clone(), *meta))
                .expect("a pack");
            (files.len(), pack)
        })
    };
    let before = packs(&site);
    let [(ranking, _), (search, _), (bodies, _)] = before;
    // The pack, the picks and the record of the last ranking; the pack and the index's
    // files; each body's entry (its HTML) and the pack of their metadata.
    assert!(ranking <= 3 && search <= 2, "{ranking} {search}");
    let articles = fs::read_dir(site.path("content/articles")).unwrap().count();
    assert_eq!(bodies, articles + 1, "{articles} articles");
    // An edit of one body: one entry of words of each kind and one body beside the packs,
    // which are neither rewritten nor needed whole again (the ranking is updated, not made
    // again).
    site.edit("content/articles/gen-0007.md", |text| {
        format!("{text}\nA paragraph about kubernetes budgets and retries.\n")
    });
    site.build().success();
    assert_trees_equal(&from_scratch(&site), &read_tree(&site.public()).unwrap());
    let after = packs(&site);
    assert_eq!(
        after.clone().map(|(_, pack)| pack),
        before.clone().map(|(_, pack)| pack)
    );
    assert_eq!(
        after.map(|(files, _)| files),
        [ranking + 2, search + 2, bodies + 1],
        "one entry of words each, a new ranking and a new index file list, a new body"
    );
    // Packs holding garbage are no packs: every article's words are counted again, and
    // every body's metadata read from its own entry.
    for (folder, (_, (path, (len, _)))) in folders.iter().zip(&before) {
        let pack = site.path(".folio-cache").join(folder).join(path);
        fs::write(&pack, vec![b'x'; *len as usize / 2]).unwrap();
    }
    site.edit("content/articles/gen-0011.md", |text| {
        text.replacen("Paragraph 0 of", "Paragraph zero of", 1)
    });
    site.build().success();
    assert_trees_equal(&from_scratch(&site), &read_tree(&site.public()).unwrap());
}

#[test]
fn builds_killed_at_any_moment_never_poison_the_cache_or_the_manifest() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let site = site();
    site.build().success();
    let mut after = Duration::ZERO;
    for round in 0..12 {
        // Each killed build has something new to write.
        site.edit("content/articles/gen-0011.md", |text| {
            format!("{text}\nRound {round}.\n")
        });
        let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
            .arg("build")
            .current_dir(site.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start folio build");
        let started = Instant::now();
        while started.elapsed() < after && child.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = child.kill();
        child.wait().unwrap();
        after += Duration::from_millis(25);
    }
    let last = site.build();
    last.success().no_staging_leftovers();
    assert_trees_equal(&from_scratch(&site), &last.tree());
}

/// A folder outside the site, with a file of its own, for links planted in the output.
fn outside() -> tempfile::TempDir {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("keep.txt"), "not folio's").unwrap();
    outside
}

/// That `outside()` still holds its file alone, as it was: nothing was written through a
/// link planted in the output.
fn untouched(outside: &tempfile::TempDir) {
    let names: Vec<_> = fs::read_dir(outside.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, ["keep.txt"], "nothing was written through the link");
    assert_eq!(
        fs::read_to_string(outside.path().join("keep.txt")).unwrap(),
        "not folio's"
    );
}

#[test]
fn the_output_before_last_is_recycled_and_a_link_planted_in_it_is_never_followed() {
    let site = site();
    let outside = outside();
    site.build().success();
    // Planted in the output; the next build moves this tree aside, the one after starts
    // from it.
    std::os::unix::fs::symlink(outside.path(), site.public().join("articles/planted")).unwrap();
    // And a folder folio writes into replaced by a link.
    fs::remove_dir_all(site.public().join("tags")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.public().join("tags")).unwrap();
    for round in 0..3 {
        site.edit("content/articles/gen-0005.md", |text| {
            format!("{text}\nRound {round}.\n")
        });
        let out = site.build();
        out.success().no_staging_leftovers();
        assert_trees_equal(&from_scratch(&site), &out.tree());
    }
    let kept: Vec<_> = fs::read_dir(site.path(".folio-cache/outputs"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".previous"))
        .collect();
    assert_eq!(
        kept.len(),
        1,
        "the output before last is kept in the cache folder"
    );
    untouched(&outside);
}

/// The number of top folders a build took from its recycled tree's record unread, from
/// its `FOLIO_TIMINGS` line `(N top folders as recorded)`.
fn vouched(site: &Site) -> usize {
    let out = site.run_with_env(
        &["build"],
        &[("FOLIO_TIMINGS", "1")],
        std::time::Duration::from_secs(120),
    );
    let out = out.success();
    let line = out
        .stderr
        .lines()
        .find(|l| l.contains("top folders as recorded"))
        .unwrap_or_else(|| panic!("no staging line in:\n{}", out.stderr));
    let open = line.rfind('(').expect("a count in parentheses");
    line[open + 1..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count in {line:?}"))
}

/// The folders of an output tree are recorded as the build leaves them; the build that
/// recycles the tree takes a folder on the record's word only while nothing in it (however
/// deep) changed, and reads the rest as before: a file or a link planted deep inside the
/// output is found and removed, and the output equals a fresh build.
#[test]
fn a_recycled_tree_is_read_only_where_it_changed_since_its_build() {
    let site = site();
    let outside = outside();
    site.build().success();
    site.build().success();
    // The third build recycles the first one's tree, which nobody touched.
    let clean = vouched(&site);
    assert!(clean >= 3, "the record vouched for {clean} top folders");
    // Planted deep in the live output (the fourth build's tree is the one after that).
    let page = inodes(&site.public())
        .into_keys()
        .find(|p| p.starts_with("articles/") && p.ends_with("/index.html"))
        .expect("an article page");
    let folder = site.public().join(Path::new(&page).parent().unwrap());
    fs::write(folder.join("stray.html"), "planted").unwrap();
    let tag = fs::read_dir(site.public().join("tags"))
        .unwrap()
        .flatten()
        .find(|e| e.file_type().unwrap().is_dir())
        .expect("a tag folder");
    std::os::unix::fs::symlink(outside.path(), tag.path().join("planted")).unwrap();
    assert_eq!(
        vouched(&site),
        clean,
        "the fourth build takes the second tree"
    );
    let fifth = vouched(&site);
    assert_eq!(fifth, clean - 2, "articles/ and tags/ were read again");
    let tree = read_tree(&site.public()).unwrap();
    assert_trees_equal(&from_scratch(&site), &tree);
    untouched(&outside);
    // The fifth build's own tree (recorded anew) is vouched for again two builds on.
    vouched(&site);
    assert_eq!(vouched(&site), clean);
}

/// Sets the modification time of `path` to `ago` before now.
fn age(path: &Path, ago: std::time::Duration) {
    let file = fs::File::options().write(true).open(path).unwrap();
    file.set_modified(std::time::SystemTime::now() - ago)
        .unwrap();
}

#[test]
fn the_cache_is_pruned_once_a_day_of_entries_unused_and_a_week_old() {
    const DAY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
    let site = corpus::site_with_articles(12, 2);
    site.build().success();
    let cache = site.path(".folio-cache");
    let stamp = cache.join("pruned");
    assert!(
        stamp.is_file(),
        "the first build prunes and leaves its stamp"
    );
    let bodies: Vec<_> = walkdir::WalkDir::new(cache.join("bodies"))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    assert!(bodies.len() >= 12, "a body per article: {bodies:?}");
    // A body this build uses, though written long ago; an entry of an edit long gone; one
    // no build used but written yesterday (another branch's build may want it).
    age(&bodies[0], 30 * DAY);
    let gone = cache.join("bodies/ab/ab00000000000000000000000000000000");
    let recent = cache.join("search/cd/cd00000000000000000000000000000000");
    for path in [&gone, &recent] {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, b"old").unwrap();
    }
    age(&gone, 8 * DAY);
    age(&recent, DAY);
    // The output manifest and recycled tree of an older folio (manifests were named by
    // folio's version) or of an output folder built once, long ago.
    let old_manifest = cache.join(format!("outputs/{}", "ab".repeat(16)));
    let old_tree = old_manifest.with_extension("previous");
    fs::create_dir_all(old_tree.join("articles/a")).unwrap();
    fs::write(old_tree.join("articles/a/index.html"), b"old").unwrap();
    fs::write(&old_manifest, b"folio output manifest 1\n").unwrap();
    let old_record = old_manifest.with_extension("previous.folders");
    fs::write(&old_record, b"folio output folders 1\n").unwrap();
    age(&old_manifest, 8 * DAY);

    // Pruned an hour ago: this build walks nothing.
    age(&stamp, std::time::Duration::from_secs(3600));
    site.build().success();
    assert!(gone.exists(), "not pruned twice in a day");

    // Pruned a day ago: due again.
    age(&stamp, DAY + std::time::Duration::from_secs(60));
    site.build().success();
    assert!(!gone.exists(), "an unused entry over a week old is removed");
    assert!(
        !old_manifest.exists() && !old_tree.exists() && !old_record.exists(),
        "an output manifest over a week old goes with its tree and its record"
    );
    let outputs: Vec<_> = fs::read_dir(cache.join("outputs")).unwrap().collect();
    let mut names: Vec<String> = outputs
        .iter()
        .map(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .map(|n| {
            n.split_once('.')
                .map_or("manifest", |(_, ext)| ext)
                .to_string()
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["folders", "manifest", "previous", "previous.folders"],
        "this output's manifest and tree stay, with the records of both trees' folders"
    );
    assert!(recent.exists(), "an unused entry of yesterday is kept");
    assert!(bodies.iter().all(|b| b.exists()), "used entries are kept");
    let since = fs::metadata(&stamp).unwrap().modified().unwrap().elapsed();
    assert!(
        since.unwrap() < std::time::Duration::from_secs(600),
        "stamp renewed"
    );

    // A stamp dated in the future (a clock set back) does not stop pruning forever.
    fs::write(&gone, b"old").unwrap();
    age(&gone, 8 * DAY);
    let file = fs::File::options().write(true).open(&stamp).unwrap();
    file.set_modified(std::time::SystemTime::now() + 30 * DAY)
        .unwrap();
    drop(file);
    site.build().success();
    assert!(!gone.exists(), "a stamp from the future counts as due");
}

#[test]
fn articles_kept_by_status_build_the_same_site_and_edits_to_them_still_show() {
    let site = corpus::site_with_articles(20, 2);
    // folio keeps an article's parse only once the file has not changed for 2 s.
    std::thread::sleep(std::time::Duration::from_millis(2200));
    site.build().success();
    // Every article's parse from its status; nothing read but the cache.
    site.build().success();
    assert_trees_equal(&from_scratch(&site), &read_tree(&site.public()).unwrap());
    // A front-matter edit, a body edit and a same-length edit, each seen.
    site.edit("content/articles/gen-0003.md", |text| {
        text.replacen("title: ", "title: Edited ", 1)
    });
    site.edit("content/articles/gen-0005.md", |text| {
        format!("{text}\nA new closing line.\n")
    });
    site.edit("content/articles/gen-0007.md", |text| {
        text.replacen("Paragraph 0 of", "Paragraph X of", 1)
    });
    site.build().success();
    let built = read_tree(&site.public()).unwrap();
    assert_trees_equal(&from_scratch(&site), &built);
    let page = site.read("public/articles/gen-0007/index.html");
    assert!(
        page.contains("Paragraph X of"),
        "the same-length edit shows"
    );
}
