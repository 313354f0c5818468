//! A front matter's free-form `extra` serialized as JSON text rather than as a JSON value.
//! The parse of an article is kept between runs in a binary table (`engine::stat_keys`),
//! and a binary form cannot read back a value that describes its own shape
//! (`deserialize_any`); text it can. Templates never see this form: they get `extra` as a
//! value through the page's context.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

pub fn serialize<S: Serializer>(extra: &Option<Value>, to: S) -> Result<S::Ok, S::Error> {
    extra.as_ref().map(Value::to_string).serialize(to)
}

pub fn deserialize<'de, D: Deserializer<'de>>(from: D) -> Result<Option<Value>, D::Error> {
    Option::<String>::deserialize(from)?
        .map(|text| serde_json::from_str(&text).map_err(D::Error::custom))
        .transpose()
}
