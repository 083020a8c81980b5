//! Workbooks that went through LibreOffice Calc: `source.xlsx` (written by the tests'
//! builder) converted to `.ods`, back to `.xlsx`, and to `.xls` with
//! `soffice --headless --convert-to`. The converted files are committed, so these tests
//! need no LibreOffice; `tests/fixtures/libreoffice/README.md` says how to remake them.

use posture::framework;
use posture::workbook::ingest::{read_submission, IngestOptions, InputFile};
use posture::workbook::{Answer, Limits, Status, Submission};

use super::books::{Book, V};
use super::util::root;

const DIR: &str = "tests/fixtures/libreoffice";

/// The workbook the fixtures were made from: Khmer text, a date, every level form.
pub fn source_book() -> Book {
    Book::valid()
        .profile_field("agency_name", V::S("ក្រសួងសុខាភិបាល"))
        .profile_field("submitted_on", V::Date(46_082.0))
        .level(0, V::S("2 – Most"))
        .level(1, V::S("n/a"))
        .level(2, V::F("=1+2", "3"))
}

/// `s`, read from the file `name`, is scored with exactly the answers of [`source_book`]:
/// what every converted or foreign-written copy of it must give.
#[track_caller]
pub fn assert_scored_as_source(name: &str, s: &Submission) {
    assert_eq!(s.status, Status::Scored, "{name}: {:#?}", s.errors);
    assert!(s.warnings.is_empty(), "{name}: {:#?}", s.warnings);
    let levels: Vec<Answer> = s.answers.iter().map(|a| a.answer).collect();
    assert_eq!(
        levels,
        [Answer::Level(2), Answer::NotApplicable, Answer::Level(3)],
        "{name}"
    );
    assert_eq!(
        s.answers[0].evidence.as_deref(),
        Some("policy.pdf"),
        "{name}"
    );
    assert_eq!(
        s.answers[1].comment.as_deref(),
        Some("no such system"),
        "{name}"
    );
    assert_eq!(s.profile.agency_id.as_deref(), Some("MOH"), "{name}");
    assert_eq!(s.profile.cycle.as_deref(), Some("2026"), "{name}");
}

#[test]
fn libreoffice_converted_workbooks_ingest_with_the_expected_answers() {
    let dir = root().join(DIR);
    if std::env::var_os("POSTURE_REGENERATE_FIXTURES").is_some() {
        std::fs::write(dir.join("source.xlsx"), source_book().xlsx()).unwrap();
    }
    let f = framework::load_file(&root().join(super::books::FRAMEWORK)).unwrap();
    let opts = IngestOptions {
        framework: &f,
        registry: None,
        limits: Limits::default(),
    };
    for name in [
        "source.xlsx",
        "roundtrip.ods",
        "roundtrip.xlsx",
        "roundtrip.xls",
    ] {
        let input = InputFile {
            path: dir.join(name),
            display: name.to_string(),
        };
        let s = read_submission(&input, &opts);
        assert_scored_as_source(name, &s);
        let p = &s.profile;
        assert_eq!(p.agency_id.as_deref(), Some("MOH"), "{name}");
        assert_eq!(p.agency_name.as_deref(), Some("ក្រសួងសុខាភិបាល"), "{name}");
        assert_eq!(p.cycle.as_deref(), Some("2026"), "{name}");
        assert_eq!(p.framework_version.as_deref(), Some("0.1.0"), "{name}");
        assert_eq!(p.submitted_on.as_deref(), Some("2026-03-01"), "{name}");
    }
}
