//! Feed arbitrary bytes to the workbook reader: it must never panic, hang or blow up
//! memory, whatever the bytes (libFuzzer's -rss_limit_mb and -timeout catch the last two).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use posture::framework::Framework;
use posture::workbook::ingest::{read_submission_bytes, IngestOptions};
use posture::workbook::Limits;

fn framework() -> &'static Framework {
    static F: OnceLock<Framework> = OnceLock::new();
    F.get_or_init(|| {
        posture::framework::builtin("kh-ncmf")
            .expect("kh-ncmf is built in")
            .expect("kh-ncmf loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let opts = IngestOptions {
        framework: framework(),
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
