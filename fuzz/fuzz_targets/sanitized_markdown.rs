//! Markdown rendered with `raw_html = false` never makes script; see
//! `folio_fuzz::sanitized_markdown`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| folio_fuzz::sanitized_markdown(data));
