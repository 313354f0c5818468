//! folio: markdown articles with YAML front matter → a static consultancy blog.
//!
//! One engine (`engine`: sources in, every derived value keyed by its inputs) serves the
//! three ways out (`output`): a folder on disk (`folio build`), memory (`folio serve`) and
//! nowhere but the report (`folio check`). Markdown is rendered by `markdown`, pages by
//! `render`; the command line lives in `cli`, the dev server in `serve`.

// A `Diagnostic` carries file, text and span (~150 bytes); it only travels on the error path,
// where its size costs nothing measurable, so boxing it everywhere would only add noise.
#![allow(clippy::result_large_err)]

pub mod brand;
pub mod cards;
pub mod check;
pub mod cli;
pub mod colour;
pub mod config;
pub mod content;
pub mod crash;
pub mod diagnostics;
pub mod disk_cache;
pub mod engine;
pub mod fence;
pub mod images;
pub mod key;
pub mod limits;
pub mod markdown;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
