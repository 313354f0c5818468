//! folio: markdown articles with YAML front matter → a static consultancy blog.
//!
//! The pipeline is `content` (load) → `site` (model) → `markdown` + `render` (render) →
//! `output` (write), tied together by `build`. The command line lives in `main.rs`.

// A `Diagnostic` carries file, text and span (~150 bytes); it only travels on the error path,
// where its size costs nothing measurable, so boxing it everywhere would only add noise.
#![allow(clippy::result_large_err)]

pub mod brand;
pub mod build;
pub mod check;
pub mod cli;
pub mod colour;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod markdown;
pub mod output;
pub mod related;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod session;
pub mod site;
