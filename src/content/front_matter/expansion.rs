//! A bound on what a front matter expands to. A YAML alias (`*name`) repeats the node its
//! anchor (`&name`) names: a 1 MiB string used 3,000 times is 3 GB once deserialized, and
//! serde_yaml bounds only the number of aliases followed, not their size. So before the real
//! parse of a document with any `*`, one pass of the same parser over the same text visits
//! every node, aliases expanded, copying nothing, and stops as soon as the total passes the
//! budget.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

/// What every front matter may expand to besides its own size: 1 MiB.
pub const ALLOWANCE: usize = 1024 * 1024;

/// Budget units for a node beyond its text, so that a million empty lists count too.
const NODE_COST: usize = 8;

/// Words in the error, by which `front_matter::parse` recognises it.
pub const TOO_LARGE: &str = "front matter too large once its aliases are expanded";

/// Walk the YAML document in `text`, aliases expanded, within the budget: `ALLOWANCE` plus
/// `NODE_COST` per byte of `text`, which any document without aliases stays under.
pub fn check(text: &str) -> Result<(), serde_yaml::Error> {
    // Every alias starts with `*`: without one, nothing expands beyond the text itself, and
    // the second pass over most front matter (a third of its parse time) is saved.
    if !text.contains('*') {
        return Ok(());
    }
    let used = Cell::new(0);
    let counter = Counter {
        used: &used,
        limit: ALLOWANCE.saturating_add(text.len().saturating_mul(NODE_COST)),
    };
    counter.deserialize(serde_yaml::Deserializer::from_str(text))
}

#[derive(Clone, Copy)]
struct Counter<'a> {
    used: &'a Cell<usize>,
    limit: usize,
}

impl Counter<'_> {
    fn add<E: de::Error>(self, text_len: usize) -> Result<(), E> {
        let used = self.used.get().saturating_add(NODE_COST + text_len);
        self.used.set(used);
        if used > self.limit {
            return Err(E::custom(format!(
                "{TOO_LARGE} (over {} MB)",
                self.limit.div_ceil(1024 * 1024)
            )));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Counter<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Counter<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.add(0)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.add(0)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.add(0)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.add(0)
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        self.add(s.len())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.add(0)
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.add(0)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.add(0)?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.add(0)?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }

    /// A tagged value (`!tag value`).
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        use de::VariantAccess;
        let ((), variant) = data.variant_seed(self)?;
        variant.newtype_variant_seed(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_front_matter_passes() {
        let text = "title: A\ntags: [a, b]\nextra:\n  x: &x {a: [1, 2.5, true, null]}\n  y: *x\n  z: !tag v\n";
        check(text).unwrap();
        // Without aliases, any document passes, however dense.
        check(&format!("l: [{}]\n", "[],".repeat(200_000))).unwrap();
    }

    #[test]
    fn aliases_of_a_large_string_are_refused() {
        let big = "x".repeat(1024 * 1024);
        let aliases = "*s, ".repeat(3000);
        let text = format!("extra:\n  a: &s {big}\n  b: [{aliases}]\n");
        let err = check(&text).unwrap_err();
        assert!(err.to_string().contains(TOO_LARGE), "{err}");
        assert!(err.location().is_some());
    }

    #[test]
    fn nested_aliases_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text += &format!("a{i}: &a{i} [{refs}]\n");
        }
        let err = check(&text).unwrap_err();
        assert!(err.to_string().contains(TOO_LARGE), "{err}");
    }
}
