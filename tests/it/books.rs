//! Submission workbooks built for the tests with rust_xlsxwriter, following SPEC section 4
//! directly (not through posture's own template writer, so the two check each other).
//! They use the small test framework `tests/frameworks/small-valid.toml` (scale 0–3;
//! `A.1-02` allows N/A).

use std::io::{Cursor, Read, Write};

use rust_xlsxwriter::{Format, Formula, Workbook};

pub const FRAMEWORK: &str = "tests/frameworks/small-valid.toml";

/// One cell as written.
#[derive(Clone, Debug)]
pub enum V {
    S(&'static str),
    N(f64),
    B(bool),
    /// A number shown with a date format.
    Date(f64),
    /// A formula and its cached result.
    F(&'static str, &'static str),
    Blank,
}

/// A workbook description that tests change one thing at a time.
#[derive(Clone, Debug)]
pub struct Book {
    pub profile_sheet: String,
    pub profile: Vec<(&'static str, V)>,
    pub assessment_sheet: String,
    /// Zero-based row and column of the header's first cell.
    pub header_at: (u32, u16),
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<V>>,
}

impl Book {
    /// A valid workbook for agency `MOH`, cycle 2026: A.1-01 = 2, A.1-02 = N/A, B.1-01 = 3.
    pub fn valid() -> Book {
        Book {
            profile_sheet: "Profile".into(),
            profile: vec![
                ("agency_id", V::S("MOH")),
                ("agency_name", V::S("Ministry of Health")),
                ("sector", V::S("ministry")),
                ("cycle", V::N(2026.0)),
                ("framework_id", V::S("small")),
                ("framework_version", V::S("0.1.0")),
                ("submitted_by", V::S("focal.point@moh.gov.kh")),
            ],
            assessment_sheet: "Assessment".into(),
            header_at: (0, 0),
            header: vec!["question_id", "level", "evidence", "comment"],
            rows: vec![
                vec![V::S("A.1-01"), V::N(2.0), V::S("policy.pdf"), V::Blank],
                vec![
                    V::S("A.1-02"),
                    V::S("N/A"),
                    V::Blank,
                    V::S("no such system"),
                ],
                vec![V::S("B.1-01"), V::S("3 - All"), V::Blank, V::Blank],
            ],
        }
    }

    /// Set the level cell of data row `i` (zero-based, in `rows`).
    pub fn level(mut self, i: usize, v: V) -> Book {
        let col = self.header.iter().position(|h| *h == "level").unwrap();
        self.rows[i][col] = v;
        self
    }

    pub fn profile_field(mut self, name: &'static str, v: V) -> Book {
        match self.profile.iter_mut().find(|(n, _)| *n == name) {
            Some(field) => field.1 = v,
            None => self.profile.push((name, v)),
        }
        self
    }

    pub fn xlsx(&self) -> Vec<u8> {
        let mut wb = Workbook::new();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let write = |ws: &mut rust_xlsxwriter::Worksheet, r: u32, c: u16, v: &V| {
            match v {
                V::S(s) => ws.write_string(r, c, *s).map(|_| ()),
                V::N(n) => ws.write_number(r, c, *n).map(|_| ()),
                V::B(b) => ws.write_boolean(r, c, *b).map(|_| ()),
                V::Date(n) => ws.write_number_with_format(r, c, *n, &date).map(|_| ()),
                V::F(f, res) => ws
                    .write_formula(r, c, Formula::new(*f).set_result(*res))
                    .map(|_| ()),
                V::Blank => Ok(()),
            }
            .unwrap()
        };
        let ws = wb.add_worksheet();
        ws.set_name(&self.profile_sheet).unwrap();
        for (r, (name, v)) in self.profile.iter().enumerate() {
            ws.write_string(r as u32 + 1, 0, *name).unwrap();
            write(ws, r as u32 + 1, 1, v);
        }
        ws.write_string(0, 0, "Self-assessment profile").unwrap();
        let ws = wb.add_worksheet();
        ws.set_name(&self.assessment_sheet).unwrap();
        let (hr, hc) = self.header_at;
        for (c, h) in self.header.iter().enumerate() {
            ws.write_string(hr, hc + c as u16, *h).unwrap();
        }
        for (i, row) in self.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                write(ws, hr + 1 + i as u32, hc + c as u16, v);
            }
        }
        wb.save_to_buffer().unwrap()
    }
}

/// Rewrite one member of a zip (an xlsx) through `edit`, keeping the others as they are.
pub fn edit_member(xlsx: &[u8], member: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
    edit_member_bytes(xlsx, member, |data| {
        edit(String::from_utf8(data).unwrap()).into_bytes()
    })
}

/// [`edit_member`] for a binary member (an `.xlsb` part).
pub fn edit_member_bytes(zip: &[u8], member: &str, edit: impl Fn(Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    let mut out = Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == member {
            data = edit(data);
        }
        w.start_file(name, opts).unwrap();
        w.write_all(&data).unwrap();
    }
    w.finish().unwrap();
    out.into_inner()
}
