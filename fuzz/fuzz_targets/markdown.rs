//! `folio::markdown::render` on any UTF-8 text; see `folio_fuzz::markdown`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| folio_fuzz::markdown(data));
