//! Request targets sent to `folio serve` over loopback; see `folio_fuzz::request_path`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| folio_fuzz::request_path(data));
