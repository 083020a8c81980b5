//! A generated corpus of malformed workbooks, one fault each, and of bad files: each must
//! come out with exactly the diagnostic (kind and cell) that names its fault.

use std::io::{Cursor, Write};

use posture::framework::{self, Framework};
use posture::workbook::ingest::level::CellValue;
use posture::workbook::ingest::{assessment, guard, read_submission_bytes, sheet, IngestOptions};
use posture::workbook::{Answer, Limits, Status, Submission};

use super::books::{edit_member, Book, V};
use super::util::root;

fn small() -> Framework {
    framework::load_file(&root().join(super::books::FRAMEWORK)).unwrap()
}

fn read_with(bytes: &[u8], limits: Limits) -> Submission {
    let f = small();
    let opts = IngestOptions {
        framework: &f,
        registry: None,
        limits,
    };
    read_submission_bytes("t.xlsx", bytes, &opts)
}

fn read(bytes: &[u8]) -> Submission {
    read_with(bytes, Limits::default())
}

fn levels(s: &Submission) -> Vec<Answer> {
    s.answers.iter().map(|a| a.answer).collect()
}

/// The workbook is rejected with exactly one error, at `location`, starting with `start`.
#[track_caller]
fn one_error(s: &Submission, location: &str, start: &str) {
    assert_eq!(s.status, Status::Rejected, "{s:#?}");
    assert_eq!(s.errors.len(), 1, "{:#?}", s.errors);
    let e = &s.errors[0];
    assert_eq!(e.location(), location, "{e:?}");
    assert!(
        e.message().starts_with(start),
        "expected `{start}` in {:?}",
        e.message()
    );
}

/// A bad file: rejected with one whole-file reason (no sheet, no cell), on one line.
#[track_caller]
fn bad_file(s: &Submission, start: &str) {
    one_error(s, "", start);
    assert!(!s.errors[0].message().contains('\n'));
}

#[test]
fn the_valid_book_scores_with_its_answers() {
    let s = read(&Book::valid().xlsx());
    assert_eq!(s.status, Status::Scored, "{:#?}", s.errors);
    assert!(s.warnings.is_empty(), "{:#?}", s.warnings);
    assert_eq!(
        levels(&s),
        [Answer::Level(2), Answer::NotApplicable, Answer::Level(3)]
    );
    assert_eq!(s.answers[0].evidence.as_deref(), Some("policy.pdf"));
    assert_eq!(s.answers[1].comment.as_deref(), Some("no such system"));
    assert_eq!(s.profile.cycle.as_deref(), Some("2026"));
    assert_eq!(s.profile.agency_id.as_deref(), Some("MOH"));
}

#[test]
fn layout_variations_are_accepted() {
    // Header at row 5 with extra columns before it, columns in another order, sheet names
    // in another case with spaces around them.
    let mut b = Book::valid();
    b.assessment_sheet = " assessment ".into();
    b.profile_sheet = "PROFILE".into();
    b.header_at = (4, 2);
    b.header = vec!["Domain", "comment", "Level", " QUESTION_ID ", "evidence"];
    b.rows = vec![
        vec![V::S("A"), V::Blank, V::N(1.0), V::S("A.1-01"), V::Blank],
        vec![
            V::S("A"),
            V::S("c"),
            V::S("n/a"),
            V::S(" A.1-02 "),
            V::Blank,
        ],
        vec![
            V::S("B"),
            V::Blank,
            V::F("=1+2", "3"),
            V::S("B.1-01"),
            V::S("e"),
        ],
        vec![V::S("B"), V::Blank, V::N(3.0), V::S("   "), V::Blank],
    ];
    let s = read(&b.xlsx());
    assert_eq!(s.status, Status::Scored, "{:#?}", s.errors);
    assert_eq!(
        levels(&s),
        [Answer::Level(1), Answer::NotApplicable, Answer::Level(3)]
    );
    assert_eq!(s.answers[2].evidence.as_deref(), Some("e"));
    assert_eq!(s.answers[1].comment.as_deref(), Some("c"));
}

#[test]
fn text_forms_of_a_level_are_accepted() {
    for (v, want) in [
        (V::S("3 - All"), 3),
        (V::S("2 – Most"), 2),
        (V::S("1 — Some"), 1),
        (V::S(" 2 "), 2),
        (V::S("2.0"), 2),
        (V::S("៣"), 3),
        (V::N(0.0), 0),
        (V::F("=B3", "3"), 3),
    ] {
        let s = read(&Book::valid().level(0, v.clone()).xlsx());
        assert_eq!(s.status, Status::Scored, "{v:?}: {:#?}", s.errors);
        assert_eq!(s.answers[0].answer, Answer::Level(want), "{v:?}");
    }
}

#[test]
fn each_bad_level_is_located_with_value_and_expectation() {
    let expected =
        "expected a whole level 0–3 or a label like \"3 - ...\" (this question does not allow N/A)";
    for (v, found) in [
        (V::N(2.5), "\"2.5\""),
        (V::N(7.0), "\"7\""),
        (V::N(-1.0), "\"-1\""),
        (V::S("2.5"), "\"2.5\""),
        (V::S("Defined"), "\"Defined\""),
        (V::B(true), "TRUE (a boolean)"),
        (V::Date(3.0), "\"1900-01-03\" (a date-formatted cell)"),
        (V::F("=1/0", "#DIV/0!"), "the error value #DIV/0!"),
        (V::F("=#REF!+1", "#REF!"), "the error value #REF!"),
        (V::S("N/A"), "\"N/A\""),
    ] {
        let s = read(&Book::valid().level(0, v.clone()).xlsx());
        one_error(&s, "Assessment!B2", &format!("found {found}; {expected}"));
    }
}

#[test]
fn a_formula_without_cached_value_is_an_error() {
    let xlsx = Book::valid().level(0, V::F("=1+1", "2")).xlsx();
    let stripped = edit_member(&xlsx, "xl/worksheets/sheet2.xml", |xml| {
        assert!(xml.contains("<f>1+1</f><v>2</v>"), "{xml}");
        xml.replace("<f>1+1</f><v>2</v>", "<f>1+1</f>")
    });
    one_error(
        &read(&stripped),
        "Assessment!B2",
        "found a formula with no cached value (=1+1)",
    );
}

#[test]
fn question_rows_and_header_faults_are_located() {
    let mut b = Book::valid();
    b.rows[2][0] = V::S("Z.9-99");
    let s = read(&b.xlsx());
    assert_eq!(s.errors.len(), 1);
    assert_eq!(s.errors[0].location(), "Assessment!A4");
    assert!(s.errors[0]
        .message()
        .starts_with("found question id \"Z.9-99\"; expected a question of small 0.1.0"));
    // B.1-01 then has no row: one warning lists it.
    assert_eq!(s.warnings.len(), 1);
    assert!(
        s.warnings[0]
            .message()
            .ends_with("count as unanswered: B.1-01"),
        "{:?}",
        s.warnings
    );

    let mut b = Book::valid();
    b.rows
        .push(vec![V::S("A.1-01"), V::N(1.0), V::Blank, V::Blank]);
    one_error(
        &read(&b.xlsx()),
        "Assessment!A5",
        "question A.1-01 appears twice (first at A2)",
    );

    let mut b = Book::valid();
    b.header = vec!["question_id", "level", "evidence", "Level"];
    one_error(
        &read(&b.xlsx()),
        "Assessment!D1",
        "duplicate column `level` (also at B1)",
    );

    let mut b = Book::valid();
    b.header = vec!["id", "level", "evidence", "comment"];
    one_error(&read(&b.xlsx()), "Assessment", "missing header row");

    let mut b = Book::valid();
    b.assessment_sheet = "Answers".into();
    one_error(
        &read(&b.xlsx()),
        "Assessment",
        "missing sheet `Assessment` (the workbook has: Profile, Answers)",
    );
}

#[test]
fn profile_faults_are_located() {
    let mut b = Book::valid();
    b.profile.retain(|(n, _)| *n != "cycle");
    let s = read(&b.xlsx());
    one_error(&s, "Profile", "missing required field `cycle`");
    assert_eq!(s.errors[0].cell(), None);

    // framework_id is the 5th field, written at row 6.
    let s = read(
        &Book::valid()
            .profile_field("framework_id", V::S("kh-ncmf"))
            .xlsx(),
    );
    one_error(
        &s,
        "Profile!B6",
        "found framework_id \"kh-ncmf\"; expected \"small\"",
    );

    let s = read(
        &Book::valid()
            .profile_field("framework_version", V::S("0.2.0"))
            .xlsx(),
    );
    one_error(
        &s,
        "Profile!B7",
        "found framework_version \"0.2.0\"; expected \"0.1.0\"",
    );

    let s = read(
        &Book::valid()
            .profile_field("framework_version", V::S("0.1.3"))
            .xlsx(),
    );
    assert_eq!(s.status, Status::Scored, "{:#?}", s.errors);
    assert_eq!(s.warnings.len(), 1);
    assert_eq!(s.warnings[0].location(), "Profile!B7");
    assert!(s.warnings[0].message().contains("patch number only"));
}

#[test]
fn an_empty_template_has_no_answers() {
    let mut b = Book::valid();
    for row in &mut b.rows {
        row[1] = V::Blank;
        row[2] = V::Blank;
        row[3] = V::Blank;
    }
    one_error(&read(&b.xlsx()), "Assessment", "no answers");
}

#[test]
fn bad_files_are_rejected_with_one_line_each() {
    bad_file(&read(b""), "empty file (0 bytes)");
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    bad_file(&read(&noise), "not a spreadsheet");
    let xlsx = Book::valid().xlsx();
    for cut in [10, xlsx.len() / 3, xlsx.len() - 30] {
        bad_file(&read(&xlsx[..cut]), "corrupt or truncated workbook");
    }
    bad_file(
        &read(&encrypted_cfb()),
        "encrypted (password-protected) workbook",
    );
}

/// A minimal but well-formed Compound File Binary container (what Office writes for a
/// password-protected .xlsx) holding the `EncryptionInfo` and `EncryptedPackage` streams:
/// a 512-byte header, one FAT sector and one directory sector of four entries.
fn encrypted_cfb() -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    header[24..26].copy_from_slice(&0x003Eu16.to_le_bytes()); // minor version
    header[26..28].copy_from_slice(&3u16.to_le_bytes()); // major version 3: 512-byte sectors
    header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes()); // little-endian
    header[30..32].copy_from_slice(&9u16.to_le_bytes()); // sector shift
    header[32..34].copy_from_slice(&6u16.to_le_bytes()); // mini sector shift
    header[44..48].copy_from_slice(&1u32.to_le_bytes()); // one FAT sector
    header[48..52].copy_from_slice(&1u32.to_le_bytes()); // directory starts at sector 1
    header[56..60].copy_from_slice(&4096u32.to_le_bytes()); // mini stream cutoff
    header[60..64].copy_from_slice(&END.to_le_bytes()); // no mini FAT
    header[68..72].copy_from_slice(&END.to_le_bytes()); // no DIFAT sectors
    header[76..80].copy_from_slice(&0u32.to_le_bytes()); // FAT is sector 0
    for i in 1..109 {
        header[76 + 4 * i..80 + 4 * i].copy_from_slice(&FREE.to_le_bytes());
    }
    let mut fat = vec![0u8; 512];
    fat[..4].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes()); // sector 0 is the FAT
    fat[4..8].copy_from_slice(&END.to_le_bytes()); // sector 1: directory, one sector
    for i in 2..128 {
        fat[4 * i..4 * i + 4].copy_from_slice(&FREE.to_le_bytes());
    }
    let entry = |name: &str, kind: u8, child: u32, right: u32| {
        let mut e = vec![0u8; 128];
        let utf16: Vec<u8> = name
            .encode_utf16()
            .chain([0])
            .flat_map(|u| u.to_le_bytes())
            .collect();
        e[..utf16.len()].copy_from_slice(&utf16);
        e[64..66].copy_from_slice(&(utf16.len() as u16).to_le_bytes());
        e[66] = kind;
        e[67] = 1; // black
        e[68..72].copy_from_slice(&FREE.to_le_bytes()); // left sibling
        e[72..76].copy_from_slice(&right.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&END.to_le_bytes()); // start sector
        e
    };
    let mut dir = Vec::new();
    dir.extend(entry("Root Entry", 5, 1, FREE));
    dir.extend(entry("EncryptionInfo", 2, FREE, 2));
    dir.extend(entry("EncryptedPackage", 2, FREE, FREE));
    dir.extend(vec![0u8; 128]);
    [header, fat, dir].concat()
}

fn deflated_zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap();
    out.into_inner()
}

/// Overwrite the declared uncompressed size of every zip member (local headers and the
/// central directory) with `size`, as a hostile file would.
fn lie_about_sizes(mut zip: Vec<u8>, size: u32) -> Vec<u8> {
    let mut i = 0;
    while i + 4 <= zip.len() {
        match &zip[i..i + 4] {
            b"PK\x03\x04" => zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes()),
            b"PK\x01\x02" => zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes()),
            _ => {}
        }
        i += 1;
    }
    zip
}

#[test]
fn compression_bombs_are_refused_before_or_while_inflating() {
    let limits = Limits {
        max_member_bytes: 1 << 20,
        max_total_inflated_bytes: 2 << 20,
        ..Limits::default()
    };
    let zeros = vec![0u8; 4 << 20];
    let honest = deflated_zip(&[
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/worksheets/sheet1.xml", &zeros),
    ]);
    assert!(
        honest.len() < 64 * 1024,
        "the bomb is small: {}",
        honest.len()
    );
    bad_file(
        &read_with(&honest, limits),
        "zip member `xl/worksheets/sheet1.xml` declares 4 MiB when inflated (limit 1 MiB",
    );
    // Declared sizes that lie: the member claims 100 bytes but inflates to 4 MiB. zip 9
    // stops at the declared size itself, so inflating never gets near the limit.
    let liar = lie_about_sizes(honest, 100);
    bad_file(
        &read_with(&liar, limits),
        "zip member `xl/worksheets/sheet1.xml` inflates past the 100 bytes it declares; compression bomb",
    );
    // Many members, each under the limit, too much in all.
    let part = vec![0u8; 900 << 10];
    let many = deflated_zip(&[
        ("xl/workbook.xml", b"<workbook/>"),
        ("a.xml", &part),
        ("b.xml", &part),
        ("c.xml", &part),
    ]);
    bad_file(
        &read_with(&many, limits),
        "zip members declare 2.6 MiB in all when inflated (limit 2 MiB",
    );
}

#[test]
fn an_enormous_assessment_sheet_is_refused() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Profile").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Assessment").unwrap();
    ws.write_string(0, 0, "question_id").unwrap();
    ws.write_string(0, 1, "level").unwrap();
    for r in 1..200_000u32 {
        ws.write_string(r, 0, "A.1-01").unwrap();
        ws.write_number(r, 1, 1.0).unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    bad_file(
        &read(&bytes),
        "sheet `Assessment` has more than 100000 rows (a value at row 100001; see --max-rows)",
    );
}

#[test]
fn a_value_far_down_costs_one_cell_not_a_million_rows() {
    let xlsx = Book::valid().xlsx();
    let far = edit_member(&xlsx, "xl/worksheets/sheet2.xml", |xml| {
        xml.replace(
            "</sheetData>",
            r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>"#,
        )
    });
    bad_file(
        &read(&far),
        "sheet `Assessment` has more than 100000 rows (a value at row 1048576",
    );
    let small = Limits {
        max_assessment_rows: 3,
        ..Limits::default()
    };
    bad_file(
        &read_with(&xlsx, small),
        "sheet `Assessment` has more than 3 rows (a value at row 4",
    );
}

/// Every input the fuzzer found that crashed `posture` or exhausted memory, with the
/// one-line reason it now gets. Each is a file in `tests/fixtures/fuzz/`.
///
/// Fed to calamine 0.38 alone (no guard; release build, 2 GB address-space limit), the five
/// container finds (`calamine-cfb-*` but the cyclic directory) now get an error from
/// calamine itself, and so does the SST find; `calamine-xls-dimensions-oom.xls`,
/// `calamine-xls-sparse-sheet-oom.xls` and `calamine-cfb-cyclic-directory.xls` still abort
/// the process. docs/workbook.md keeps that table.
const FUZZ_FINDS: &[(&str, &str)] = &[
    // Found by `cargo fuzz run ingest` in its first seconds: a mutated .xls on which
    // calamine 0.26.1 panics (slice index out of range in cfb.rs). The container check in
    // `guard` now refuses it first (and a parser panic would be caught in any case).
    (
        "calamine-cfb-slice-panic.xls",
        "corrupt .xls workbook (sector chain leaves the file)",
    ),
    // Found by fuzzing: a 7 KB mutated .xls whose root entry declares a stream of about
    // 4 GiB; calamine 0.26.1 would allocate it all. The container is checked first.
    (
        "calamine-cfb-huge-alloc.xls",
        "corrupt .xls workbook (a stream declares more bytes than the file holds)",
    ),
    // Found by fuzzing the final code: a mutated .xls whose sector chain holds a reserved
    // marker (0xFFFFFFFF) where calamine 0.26.1 expects only END, so it tried to read
    // "sector" 0xFFFFFFFF and allocate 2 TiB. The container check refuses it first.
    (
        "calamine-cfb-reserved-sector.xls",
        "corrupt .xls workbook (sector chain runs into a reserved marker)",
    ),
    // Found by the same fuzz run after the fix above: a FAT-sector list entry of 0xFFFFFFFB,
    // which calamine 0.26.1 reads as a sector (it only skips values from DIFSECT up).
    (
        "calamine-cfb-reserved-fat-sector.xls",
        "corrupt .xls workbook (FAT sector list holds a reserved marker)",
    ),
    // Found by the final fuzz run: an .xls whose DIMENSIONS record claims billions of rows;
    // calamine 0.26.1 reserves rows x columns cells up front and runs out of memory. The
    // guard walks the workbook stream's records and refuses the range first.
    (
        "calamine-xls-dimensions-oom.xls",
        "corrupt .xls workbook (a sheet declares a used range larger than the format allows)",
    ),
    // Found by the final fuzz run of the first session: an .xls whose container passed every
    // structural check, yet calamine 0.26.1 still followed a chain to a sector id far past the
    // file and resized its buffer to about 232 GB. calamine is now only ever given a container
    // rebuilt around the workbook stream. Its `Workbook` entry is not a well-formed stream
    // entry (calamine matched the name by scanning for a NUL), so the file is refused.
    (
        "calamine-cfb-get-stream-oom.xls",
        "not an Excel workbook (the .xls container holds no workbook stream)",
    ),
    // Found by fuzzing the rebuilt-container code: an .xls whose shared string table declares
    // about 117 million strings in a few hundred bytes; calamine 0.26.1 reserves a String for
    // each (2.8 GB) before reading one. The guard bounds the count by the bytes that hold it.
    // calamine 0.38 no longer reserves by the declared count, so the guard's check is gone;
    // the file is still refused, by calamine, as the broken workbook it is.
    (
        "calamine-xls-sst-count-oom.xls",
        "corrupt or unreadable .xls workbook (End of stream 'dbcs')",
    ),
    // Found by fuzzing after the fix above: an .xls with one cell near A1 and one far away
    // (column 16,000, past the format's 256). calamine 0.26.1 lays every .xls sheet out as a
    // dense grid and asked for 2.9 GB. The guard measures the span of each sheet's cells.
    (
        "calamine-xls-sparse-sheet-oom.xls",
        "a sheet spans 15361 rows x 16129 columns, more than posture reads (1048576 cells); delete the cells far outside the table, save it and send it again",
    ),
    // Not a fuzz find: made by hand from roundtrip.xls to test calamine 0.38, which is
    // still unsafe here. The directory's sector chain points back at itself; calamine
    // follows it for ever and aborts the process on a 2 GiB allocation. The guard walks
    // the container first.
    (
        "calamine-cfb-cyclic-directory.xls",
        "corrupt .xls workbook (cycle in a sector chain)",
    ),
];

#[test]
fn fuzz_finds_are_rejected_with_one_line_each() {
    for (file, reason) in FUZZ_FINDS {
        let bytes = std::fs::read(root().join("tests/fixtures/fuzz").join(file)).unwrap();
        let s = read(&bytes);
        assert_eq!(s.status, Status::Rejected, "{file}");
        assert_eq!(s.errors.len(), 1, "{file}: {:?}", s.errors);
        let e = &s.errors[0];
        assert_eq!(e.location(), "", "{file}: {e:?}");
        assert_eq!(e.message(), *reason, "{file}");
    }
    // No find is left out of the table.
    let on_disk = std::fs::read_dir(root().join("tests/fixtures/fuzz"))
        .unwrap()
        .count();
    assert_eq!(on_disk, FUZZ_FINDS.len());
}

/// The Assessment sheet as `read_submission_bytes` reads it (only the columns it uses
/// below the header) and as a reader of every cell sees it.
fn assessment_grids(bytes: &[u8]) -> (sheet::Grid, sheet::Grid) {
    let read = |columns| {
        let checked = guard::check(bytes, &Limits::default()).unwrap();
        let mut book = sheet::Book::open(checked, bytes).unwrap();
        let name = book.find_sheet(assessment::SHEET).unwrap();
        book.read(&name, 1000, false, columns).unwrap()
    };
    (read(Some(&assessment::COLUMNS)), read(None))
}

#[test]
fn reading_only_the_answer_columns_changes_no_answer() {
    let mut b = Book::valid();
    b.header_at = (4, 2);
    b.header = vec![
        "Domain",
        "comment",
        "guidance",
        " QUESTION_ID ",
        "Level",
        "evidence",
    ];
    b.rows = vec![
        vec![
            V::S("A"),
            V::Blank,
            V::S("long text"),
            V::S("A.1-01"),
            V::N(1.0),
            V::Blank,
        ],
        vec![
            V::S("A"),
            V::S("c"),
            V::S("more"),
            V::S("A.1-02"),
            V::S("n/a"),
            V::Blank,
        ],
        vec![
            V::S("B"),
            V::Blank,
            V::S("text"),
            V::S("B.1-01"),
            V::N(9.0),
            V::S("e"),
        ],
    ];
    let in_order = b.xlsx();
    // A hand-made file may list rows out of order; the header cannot be known while
    // streaming such a sheet, so it must be read whole.
    let out_of_order = edit_member(&in_order, "xl/worksheets/sheet2.xml", |xml| {
        let start = xml.find("<row r=\"7\"").unwrap();
        let end = start + xml[start..].find("</row>").unwrap() + "</row>".len();
        let row = xml[start..end].to_string();
        xml.replacen(&row, "", 1)
            .replace("</sheetData>", &format!("{row}</sheetData>"))
    });
    let fw = small();
    for (bytes, filtered) in [(in_order, true), (out_of_order, false)] {
        let (part, whole) = assessment_grids(&bytes);
        if filtered {
            assert!(part.cells.len() < whole.cells.len(), "nothing was left out");
            assert!(part
                .cells
                .values()
                .all(|v| !matches!(v, CellValue::Text(t) if t == "text")));
        } else {
            assert_eq!(part.cells, whole.cells);
        }
        let (mut d_part, mut d_whole) = (Vec::new(), Vec::new());
        let answers = assessment::parse(&part, &fw, &mut d_part);
        assert_eq!(answers, assessment::parse(&whole, &fw, &mut d_whole));
        assert_eq!(d_part, d_whole);
        assert_eq!(answers[1].comment.as_deref(), Some("c"));
        assert_eq!(d_part.len(), 1, "{d_part:?}");
        assert_eq!(d_part[0].location(), "Assessment!G8");
    }
}
