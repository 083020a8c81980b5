//! Excel binary workbooks (`.xlsb`), encoded here by hand: nothing on Debian writes the
//! format. The encoder follows [MS-XLSB] for the few records a submission needs, so the
//! file is what Excel would save for the same cells, minus styles and shared strings
//! (both optional in the format). `posture` must read it like the `.xlsx` it mirrors.

use std::io::{Cursor, Write};

use posture::framework;
use posture::workbook::ingest::{read_submission_bytes, IngestOptions};
use posture::workbook::{Answer, Limits, Status, Submission};

use super::util::root;

/// One cell as an `.xlsb` stores it.
#[derive(Clone, Debug)]
pub enum Cell {
    /// BrtCellSt: an inline string.
    Text(&'static str),
    /// BrtCellReal: an IEEE double.
    Number(f64),
    /// BrtFmlaNum: a formula with its cached number, `rgce` its parsed tokens.
    Formula(f64, Vec<u8>),
}

/// A sheet's rows: zero-based row index, then (zero-based column, cell) pairs.
pub type Rows = Vec<(u32, Vec<(u32, Cell)>)>;

/// A record: its type and length as variable-length integers (7 bits a byte), then data.
fn record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if typ < 0x80 {
        out.push(typ as u8);
    } else {
        out.push((typ & 0x7F) as u8 | 0x80);
        out.push((typ >> 7) as u8);
    }
    let mut len = data.len();
    loop {
        let byte = (len & 0x7F) as u8;
        len >>= 7;
        if len == 0 {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    }
    out.extend_from_slice(data);
    out
}

/// XLWideString: a u32 count of UTF-16 code units, then the units.
fn wide(s: &str) -> Vec<u8> {
    let units: Vec<u16> = s.encode_utf16().collect();
    let mut out = (units.len() as u32).to_le_bytes().to_vec();
    out.extend(units.iter().flat_map(|u| u.to_le_bytes()));
    out
}

/// A worksheet part: BrtBeginSheet, BrtWsDim, BrtBeginSheetData, rows and cells, ends.
fn sheet(rows: &Rows) -> Vec<u8> {
    let last_row = rows.iter().map(|(r, _)| *r).max().unwrap_or(0);
    let last_col = rows
        .iter()
        .flat_map(|(_, cells)| cells.iter().map(|(c, _)| *c))
        .max()
        .unwrap_or(0);
    let mut out = record(0x0081, &[]);
    let dims = [0u32, last_row, 0, last_col];
    out.extend(record(
        0x0094,
        &dims
            .iter()
            .flat_map(|d| d.to_le_bytes())
            .collect::<Vec<u8>>(),
    ));
    out.extend(record(0x0091, &[]));
    for (row, cells) in rows {
        // BrtRowHdr: row, style, height, flags, column spans (none listed).
        let mut hdr = row.to_le_bytes().to_vec();
        hdr.extend_from_slice(&[0; 13]);
        out.extend(record(0x0000, &hdr));
        for (col, cell) in cells {
            // Every cell starts with its column and a 4-byte style and flags field.
            let mut data = col.to_le_bytes().to_vec();
            data.extend_from_slice(&[0; 4]);
            let typ = match cell {
                Cell::Text(s) => {
                    data.extend(wide(s));
                    0x0006
                }
                Cell::Number(n) => {
                    data.extend_from_slice(&n.to_le_bytes());
                    0x0005
                }
                Cell::Formula(value, rgce) => {
                    data.extend_from_slice(&value.to_le_bytes());
                    data.extend_from_slice(&0u16.to_le_bytes());
                    data.extend_from_slice(&(rgce.len() as u32).to_le_bytes());
                    data.extend_from_slice(rgce);
                    data.extend_from_slice(&0u32.to_le_bytes());
                    0x0009
                }
            };
            out.extend(record(typ, &data));
        }
    }
    out.extend(record(0x0092, &[]));
    out.extend(record(0x0082, &[]));
    out
}

/// A whole `.xlsb` package holding the named sheets, in order.
pub fn xlsb(sheets: &[(&str, Rows)]) -> Vec<u8> {
    let mut book = record(0x0083, &[]);
    book.extend(record(0x008F, &[]));
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    let mut overrides = String::new();
    for (i, (name, _)) in sheets.iter().enumerate() {
        let id = format!("rId{}", i + 1);
        // BrtBundleSh: visible, tab id, relationship id, name.
        let mut data = 0u32.to_le_bytes().to_vec();
        data.extend_from_slice(&(i as u32 + 1).to_le_bytes());
        data.extend(wide(&id));
        data.extend(wide(name));
        book.extend(record(0x009C, &data));
        rels.push_str(&format!(
            r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{}.bin"/>"#,
            i + 1
        ));
        overrides.push_str(&format!(
            r#"<Override PartName="/xl/worksheets/sheet{}.bin" ContentType="application/vnd.ms-excel.worksheet"/>"#,
            i + 1
        ));
    }
    rels.push_str("</Relationships>");
    book.extend(record(0x0090, &[]));
    book.extend(record(0x0084, &[]));
    let content_types = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>{overrides}</Types>"#
    );
    let package_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>"#;

    let mut out = Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut put = |name: &str, data: &[u8]| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(data).unwrap();
    };
    put("[Content_Types].xml", content_types.as_bytes());
    put("_rels/.rels", package_rels.as_bytes());
    put("xl/workbook.bin", &book);
    put("xl/_rels/workbook.bin.rels", rels.as_bytes());
    for (i, (_, rows)) in sheets.iter().enumerate() {
        put(&format!("xl/worksheets/sheet{}.bin", i + 1), &sheet(rows));
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// `1+2` as parsed formula tokens: PtgInt 1, PtgInt 2, PtgAdd.
fn one_plus_two() -> Vec<u8> {
    vec![0x1E, 1, 0, 0x1E, 2, 0, 0x03]
}

/// The submission of `libreoffice::source_book()` (minus the date cell, which would need
/// a styles part), as an `.xlsb`.
pub fn source_xlsb(b101: Cell) -> Vec<u8> {
    let t = Cell::Text;
    let profile = vec![
        (0, vec![(0, t("Self-assessment profile"))]),
        (1, vec![(0, t("agency_id")), (1, t("MOH"))]),
        (2, vec![(0, t("agency_name")), (1, t("ក្រសួងសុខាភិបាល"))]),
        (3, vec![(0, t("sector")), (1, t("ministry"))]),
        (4, vec![(0, t("cycle")), (1, Cell::Number(2026.0))]),
        (5, vec![(0, t("framework_id")), (1, t("small"))]),
        (6, vec![(0, t("framework_version")), (1, t("0.1.0"))]),
    ];
    let assessment = vec![
        (
            0,
            vec![
                (0, t("question_id")),
                (1, t("level")),
                (2, t("evidence")),
                (3, t("comment")),
            ],
        ),
        (
            1,
            vec![(0, t("A.1-01")), (1, t("2 – Most")), (2, t("policy.pdf"))],
        ),
        (
            2,
            vec![(0, t("A.1-02")), (1, t("n/a")), (3, t("no such system"))],
        ),
        (3, vec![(0, t("B.1-01")), (1, b101)]),
    ];
    xlsb(&[("Profile", profile), ("Assessment", assessment)])
}

fn read(bytes: &[u8]) -> Submission {
    let f = framework::load_file(&root().join(super::books::FRAMEWORK)).unwrap();
    let opts = IngestOptions {
        framework: &f,
        registry: None,
        limits: Limits::default(),
    };
    read_submission_bytes("source.xlsb", bytes, &opts)
}

#[test]
fn an_xlsb_workbook_is_read_like_its_xlsx() {
    let s = read(&source_xlsb(Cell::Formula(3.0, one_plus_two())));
    assert_eq!(s.status, Status::Scored, "{:#?}", s.errors);
    assert!(s.warnings.is_empty(), "{:#?}", s.warnings);
    let levels: Vec<Answer> = s.answers.iter().map(|a| a.answer).collect();
    assert_eq!(
        levels,
        [Answer::Level(2), Answer::NotApplicable, Answer::Level(3)]
    );
    assert_eq!(s.answers[0].evidence.as_deref(), Some("policy.pdf"));
    assert_eq!(s.answers[1].comment.as_deref(), Some("no such system"));
    assert_eq!(s.profile.agency_name.as_deref(), Some("ក្រសួងសុខាភិបាល"));
    assert_eq!(s.profile.cycle.as_deref(), Some("2026"));
}

#[test]
fn xlsb_faults_are_located_like_xlsx_ones() {
    let s = read(&source_xlsb(Cell::Number(2.5)));
    assert_eq!(s.status, Status::Rejected);
    assert_eq!(s.errors.len(), 1, "{:#?}", s.errors);
    assert_eq!(s.errors[0].location(), "Assessment!B4");
    assert!(
        s.errors[0].message().starts_with("found \"2.5\""),
        "{}",
        s.errors[0].message()
    );
}

#[test]
fn an_xlsb_sheet_declaring_a_huge_extent_is_refused() {
    let mut bytes = source_xlsb(Cell::Number(3.0));
    // Rewrite sheet 2's BrtWsDim to claim every row and column of the format.
    bytes = super::books::edit_member_bytes(&bytes, "xl/worksheets/sheet2.bin", |mut data| {
        // BrtBeginSheet (a 2-byte type and a 1-byte length), then BrtWsDim's own 3 bytes.
        let at = 3 + 3;
        data[at..at + 16].copy_from_slice(
            &[0u32, 1_048_575, 0, 16_383]
                .iter()
                .flat_map(|d| d.to_le_bytes())
                .collect::<Vec<u8>>(),
        );
        data
    });
    let s = read(&bytes);
    assert_eq!(s.status, Status::Rejected);
    assert_eq!(s.errors.len(), 1, "{:#?}", s.errors);
    assert_eq!(
        s.errors[0].kind,
        posture::workbook::ingest::guard::too_large_sheet(Some("Assessment"), 1_048_576, 16_384)
    );
}
