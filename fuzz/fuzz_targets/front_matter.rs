//! Front matter `split` and `parse` on any UTF-8 text; see `folio_fuzz::front_matter`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| folio_fuzz::front_matter(data));
