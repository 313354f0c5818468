//! The command line: arguments (`args`), what each command does and its exit code (`run`),
//! and the text `folio related` prints (`explain`).

pub mod args;
pub mod explain;
pub mod run;

pub use args::*;
