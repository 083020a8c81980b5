//! Workbooks written by programs other than posture, the way agencies' files arrive, each
//! with the verdict it must get. They hold the submission of `libreoffice::source_book()`.
//! `tests/fixtures/writers/README.md` says how each was made; they are committed, so these
//! tests need none of those programs.

use posture::framework;
use posture::workbook::ingest::{read_submission, IngestOptions, InputFile};
use posture::workbook::{Limits, Status, Submission};

use super::util::root;

const DIR: &str = "tests/fixtures/writers";

/// What a fixture must come out as.
enum Verdict {
    /// Scored, with the source's three answers and profile.
    Scored,
    /// Rejected with exactly this one error, at this location.
    Rejected(&'static str, &'static str),
}

const FIXTURES: &[(&str, Verdict)] = &[
    // openpyxl writes values as given.
    ("openpyxl.xlsx", Verdict::Scored),
    // openpyxl never calculates: a formula gets `<f>1+2</f><v/>`. That must not read as an
    // unanswered question (the agency would lose credit without a word).
    (
        "openpyxl-formula.xlsx",
        Verdict::Rejected(
            "Assessment!B4",
            "found a formula with no cached value (=1+2); expected a whole level 0–3",
        ),
    ),
    // xlsxwriter (Python) writes the formula with the result it is given.
    ("xlsxwriter.xlsx", Verdict::Scored),
    // A hand-written package: no styles, no shared strings, the workbook part at the root.
    ("minimal.xlsx", Verdict::Scored),
    // The same with every element prefixed (`<x:worksheet xmlns:x=...>`).
    ("prefixed.xlsx", Verdict::Scored),
    // Encoded by tests/it/xlsb.rs (nothing on Debian writes .xlsb).
    ("encoded.xlsb", Verdict::Scored),
    // Gnumeric's Excel 97-2003 (BIFF8) writer.
    ("gnumeric-biff8.xls", Verdict::Scored),
    // Gnumeric's Excel 5.0/95 (BIFF5) writer: a `Book` stream, code-page strings.
    ("gnumeric-biff5.xls", Verdict::Scored),
    // A real spreadsheet that is not a submission: said so, not called corrupt.
    (
        "not-a-submission.xlsx",
        Verdict::Rejected(
            "",
            "not a posture workbook: it has sheets Budget, Notes; expected Profile and Assessment",
        ),
    ),
];

fn read(name: &str) -> Submission {
    let f = framework::load_file(&root().join(super::books::FRAMEWORK)).unwrap();
    let opts = IngestOptions {
        framework: &f,
        registry: None,
        limits: Limits::default(),
    };
    let input = InputFile {
        path: root().join(DIR).join(name),
        display: name.to_string(),
    };
    read_submission(&input, &opts)
}

#[test]
fn workbooks_from_other_writers_get_their_verdicts() {
    let dir = root().join(DIR);
    let encoded = super::xlsb::source_xlsb(super::xlsb::Cell::Formula(
        3.0,
        vec![0x1E, 1, 0, 0x1E, 2, 0, 0x03],
    ));
    if std::env::var_os("POSTURE_REGENERATE_FIXTURES").is_some() {
        std::fs::write(dir.join("encoded.xlsb"), &encoded).unwrap();
    }
    assert_eq!(
        std::fs::read(dir.join("encoded.xlsb")).unwrap(),
        encoded,
        "encoded.xlsb is stale: rerun with POSTURE_REGENERATE_FIXTURES=1"
    );
    for (name, verdict) in FIXTURES {
        let s = read(name);
        match verdict {
            Verdict::Scored => super::libreoffice::assert_scored_as_source(name, &s),
            Verdict::Rejected(location, start) => {
                assert_eq!(s.status, Status::Rejected, "{name}");
                assert_eq!(s.errors.len(), 1, "{name}: {:#?}", s.errors);
                assert_eq!(s.errors[0].location(), *location, "{name}");
                assert!(
                    s.errors[0].message().starts_with(start),
                    "{name}: {}",
                    s.errors[0].message()
                );
            }
        }
    }
    // Every file in the folder has its verdict here.
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".py") && !n.ends_with(".md"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|(n, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn unicode_names_survive_every_unicode_writer() {
    // BIFF5 stores code-page text, so only the Unicode formats are held to this.
    for name in [
        "openpyxl.xlsx",
        "xlsxwriter.xlsx",
        "minimal.xlsx",
        "encoded.xlsb",
        "gnumeric-biff8.xls",
    ] {
        assert_eq!(
            read(name).profile.agency_name.as_deref(),
            Some("ក្រសួងសុខាភិបាល"),
            "{name}"
        );
    }
}
