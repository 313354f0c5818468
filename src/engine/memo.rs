//! A memo of derived values by key. Each build asks for the values it needs by their keys:
//! those it had are reused, the others are made (in parallel), and whatever the build did not
//! ask for is dropped, so the memo never holds more than one build's worth.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::key::Key;

pub struct Memo<V> {
    values: FxHashMap<Key, V>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo {
            values: FxHashMap::default(),
        }
    }
}

impl<V: Clone + Send + Sync> Memo<V> {
    /// The value for each of `keys`, in order: kept ones reused, the others made by
    /// `make(i)` for the `i`-th key, in parallel. Returns the values and how many were made.
    pub fn take_all(&mut self, keys: &[Key], make: impl Fn(usize) -> V + Sync) -> (Vec<V>, usize) {
        self.take_all_with(keys, || (), |_, i| make(i))
    }

    /// `take_all`, with working memory for `make`: `scratch()` makes one per thread, reused
    /// from one value to the next (what it holds must never reach a value).
    pub fn take_all_with<S>(
        &mut self,
        keys: &[Key],
        scratch: impl Fn() -> S + Sync + Send,
        make: impl Fn(&mut S, usize) -> V + Sync,
    ) -> (Vec<V>, usize) {
        let found: Vec<Option<V>> = keys.iter().map(|k| self.values.get(k).cloned()).collect();
        let missing = found.iter().filter(|v| v.is_none()).count();
        let values: Vec<V> = found
            .into_par_iter()
            .enumerate()
            .map_init(scratch, |s, (i, v)| v.unwrap_or_else(|| make(s, i)))
            .collect();
        self.values = keys.iter().copied().zip(values.iter().cloned()).collect();
        (values, missing)
    }

    /// The one value for `key`: kept, or made by `make`. Everything else is dropped.
    pub fn take_one(&mut self, key: Key, make: impl FnOnce() -> V) -> V {
        let value = match self.values.remove(&key) {
            Some(v) => v,
            None => make(),
        };
        self.values.clear();
        self.values.insert(key, value.clone());
        value
    }

    /// How many of `keys` the memo lacks.
    pub fn lacks(&self, keys: &[Key]) -> usize {
        keys.iter().filter(|k| !self.values.contains_key(k)).count()
    }

    /// The keys of what the memo holds (the last build's).
    pub fn keys(&self) -> impl Iterator<Item = &Key> {
        self.values.keys()
    }

    /// Forget everything (after a panic, nothing made may be trusted).
    pub fn clear(&mut self) {
        self.values.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_what_it_has_and_drops_what_was_not_asked_for() {
        let mut memo: Memo<u32> = Memo::default();
        let (a, b, c) = (Key::of("t", &1), Key::of("t", &2), Key::of("t", &3));
        let (values, made) = memo.take_all(&[a, b], |i| i as u32 + 10);
        assert_eq!((values, made), (vec![10, 11], 2));
        let (values, made) = memo.take_all(&[b, c], |i| i as u32 + 20);
        assert_eq!((values, made), (vec![11, 21], 1));
        let (values, made) = memo.take_all(&[a], |_| 99);
        assert_eq!(
            (values, made),
            (vec![99], 1),
            "`a` was dropped by the build before"
        );
    }
}
