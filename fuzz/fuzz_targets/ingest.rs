//! Feed arbitrary bytes to the workbook reader: it must never panic, hang or blow up
//! memory, whatever the bytes (libFuzzer's -rss_limit_mb and -timeout catch the last two).
//!
//! The modules are compiled from posture's sources by path, so that the instrumented
//! build skips the rest of the crate (polars above all); `crate::framework`,
//! `crate::registry` and `crate::workbook` resolve here exactly as in posture.
#![no_main]
#![allow(dead_code, unused_imports)]

#[path = "../../src/atomic_file.rs"]
mod atomic_file;
#[path = "../../src/framework/mod.rs"]
mod framework;
#[path = "../../src/registry.rs"]
mod registry;
#[path = "../../src/workbook/mod.rs"]
mod workbook;

use std::sync::OnceLock;

use framework::Framework;
use libfuzzer_sys::fuzz_target;
use workbook::ingest::{read_submission_bytes, IngestOptions};
use workbook::Limits;

fn kh_ncmf() -> &'static Framework {
    static F: OnceLock<Framework> = OnceLock::new();
    F.get_or_init(|| {
        framework::builtin("kh-ncmf")
            .expect("kh-ncmf is built in")
            .expect("kh-ncmf loads")
    })
}

fuzz_target!(|data: &[u8]| {
    // libfuzzer-sys aborts on any panic, even one posture catches. posture turns a parser
    // panic into a rejection (calamine has some, e.g. indexing in its .xlsb reader), so the property
    // fuzzed is "no panic escapes read_submission_bytes": a panic that escapes still
    // aborts, through libfuzzer-sys's own catch_unwind around this closure.
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let opts = IngestOptions {
        framework: kh_ncmf(),
        registry: None,
        // Small limits keep each run fast; the guard logic is the same at any size.
        limits: Limits {
            max_file_bytes: 1 << 20,
            max_member_bytes: 4 << 20,
            max_total_inflated_bytes: 8 << 20,
            max_assessment_rows: 2000,
        },
    };
    let _ = read_submission_bytes("fuzz.xlsx", data, &opts);
});
