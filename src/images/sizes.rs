//! The sizes of the images the last build probed, kept in the disk cache (one small file),
//! so a build whose images did not change reads none of them: an image's size is kept under
//! its content's key and its kind, and the whole table under the versions of folio and of
//! the crates that decode images (an update probes every image again).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Kind;
use crate::disk_cache::{DiskCache, ENCODER_VERSIONS};
use crate::key::Key;

/// The entry's name in its cache folder (bincode, `disk_cache::encode`).
const ENTRY: &str = "sizes.bin";

/// Sizes by image: (content key, kind) → (width, height).
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sizes {
    versions: String,
    sizes: BTreeMap<(Key, u8), (u32, u32)>,
}

impl Sizes {
    /// The table kept in `cache`; empty when there is none, it is damaged or it was made by
    /// other versions.
    pub fn load(cache: &DiskCache) -> Sizes {
        cache
            .get(ENTRY)
            .and_then(|bytes| crate::disk_cache::decode::<Sizes>(&bytes))
            .filter(|s| s.versions == *ENCODER_VERSIONS)
            .unwrap_or_default()
    }

    /// A table of `sizes`, to keep.
    pub fn new(sizes: impl IntoIterator<Item = (Key, Kind, (u32, u32))>) -> Sizes {
        Sizes {
            versions: ENCODER_VERSIONS.clone(),
            sizes: sizes
                .into_iter()
                .map(|(key, kind, size)| ((key, kind as u8), size))
                .collect(),
        }
    }

    /// The size of the image whose content has `key`, read as `kind`, if kept.
    pub fn get(&self, key: Key, kind: Kind) -> Option<(u32, u32)> {
        self.sizes.get(&(key, kind as u8)).copied()
    }

    /// Keep this table in `cache`, replacing the last (a failed write only costs time).
    pub fn store(&self, cache: &DiskCache) {
        if let Some(bytes) = crate::disk_cache::encode(self) {
            let _ = cache.put(ENTRY, &bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_back_by_content_and_kind_and_nothing_else_does() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(tmp.path(), "probes");
        assert_eq!(Sizes::load(&cache), Sizes::default());
        let png = Key::of_bytes(b"png bytes");
        let sizes = Sizes::new([(png, Kind::Png, (1600, 900))]);
        sizes.store(&cache);
        let kept = Sizes::load(&cache);
        assert_eq!(kept, sizes);
        assert_eq!(kept.get(png, Kind::Png), Some((1600, 900)));
        assert_eq!(
            kept.get(png, Kind::Jpeg),
            None,
            "another kind is probed again"
        );
        assert_eq!(kept.get(Key::of_bytes(b"other"), Kind::Png), None);
        // Made by another folio or image crate: nothing kept.
        let mut other = Sizes::new([(png, Kind::Png, (1, 1))]);
        other.versions = "folio 0.0.0".into();
        other.store(&cache);
        assert_eq!(Sizes::load(&cache), Sizes::default());
        cache.put(ENTRY, b"\xff\xff not a table").unwrap();
        assert_eq!(Sizes::load(&cache), Sizes::default());
    }
}
