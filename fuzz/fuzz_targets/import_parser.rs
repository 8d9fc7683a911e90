//! A registration file from outside: reading (CSV in any encoding, XLSX) and
//! parsing its rows answers rows or a refusal, never a panic.
#![no_main]

use std::path::Path;

use liangxin::import::{self, Encoding};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for enc in [Encoding::Auto, Encoding::Utf8, Encoding::Gb18030] {
        if let Ok(sheet) = import::read_bytes(Path::new("fuzz.csv"), data.to_vec(), enc) {
            let (good, bad) = import::parse_rows(&sheet);
            assert_eq!(good.len() + bad.len(), sheet.rows.len());
        }
    }
});
