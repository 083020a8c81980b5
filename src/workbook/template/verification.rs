//! The verification workbook of SPEC section 10, written by `posture verify plan`: sheet
//! Profile as in section 4 plus `verifier` and `verified_on` (filled in by the verifier, so
//! not locked), and sheet Verification with one row per framework question. Everything is
//! locked except `verified_level` (the submission template's level dropdown) and `note`.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::{
    fit_row, level_validation, protect, text_both, LevelCell, Styles, TemplateError, CREATION_DATE,
    NA_CHOICE, PROFILE_SHEET,
};
use crate::framework::Framework;
use crate::workbook::{Answer, AnswerRow, Profile, PROFILE_FIELDS};

pub const VERIFICATION_SHEET: &str = "Verification";

/// The Profile fields a verification workbook adds after [`PROFILE_FIELDS`].
pub const VERIFIER_FIELDS: [&str; 2] = ["verifier", "verified_on"];

/// The Verification header, English, with the Khmer below each in the second row.
pub const VERIFICATION_HEADER: [(&str, &str); 6] = [
    ("question_id", "លេខសំណួរ"),
    ("question", "សំណួរ"),
    ("claimed_level", "កម្រិតដែលបានប្រកាស"),
    ("evidence", "ភស្តុតាង"),
    ("verified_level", "កម្រិតដែលបានផ្ទៀងផ្ទាត់"),
    ("note", "កំណត់ចំណាំ"),
];

/// The zero-based row of the header; the Khmer header is the row below, and questions
/// start after it.
pub const VERIFICATION_HEADER_ROW: u32 = 0;
pub const VERIFICATION_FIRST_ROW: u32 = 2;
pub const COL_VERIFIED: u16 = 4;

const WIDTHS: [f64; 6] = [12.0, 55.0, 18.0, 36.0, 18.0, 36.0];

/// What a verifier fills in: the open Profile fields, and per framework question (in
/// framework order) the verified level and a note. The sample data and the tests write
/// returned workbooks with it; `verify plan` writes an empty one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VerifierInput {
    pub verifier: Option<String>,
    pub verified_on: Option<String>,
    /// `Answer::Unanswered` (or a missing entry) leaves the cell empty: not checked.
    pub levels: Vec<Answer>,
    pub notes: Vec<Option<String>>,
}

/// The verification workbook of one agency, from its scored submission: `profile` as the
/// agency sent it, `answers` aligned with the framework's questions.
pub fn verification_bytes(
    framework: &Framework,
    profile: &Profile,
    answers: &[AnswerRow],
) -> Result<Vec<u8>, TemplateError> {
    returned_verification_bytes(framework, profile, answers, &VerifierInput::default())
}

/// [`verification_bytes`] as a verifier sends it back, with `filled` written into the
/// open cells (the level as the dropdown writes it, `3 - Defined`).
pub fn returned_verification_bytes(
    framework: &Framework,
    profile: &Profile,
    answers: &[AnswerRow],
    filled: &VerifierInput,
) -> Result<Vec<u8>, TemplateError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(CREATION_DATE.0, CREATION_DATE.1, CREATION_DATE.2)
        .map_err(TemplateError::from)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "{} {} — verification",
                framework.title.en(),
                framework.version
            ))
            .set_author("posture")
            .set_company("GDICT / CamCERT")
            .set_creation_datetime(&created),
    );
    let styles = Styles::new();
    write_profile(workbook.add_worksheet(), profile, filled, &styles)?;
    write_rows(
        workbook.add_worksheet(),
        framework,
        answers,
        filled,
        &styles,
    )?;
    Ok(workbook.save_to_buffer()?)
}

fn write_profile(
    ws: &mut Worksheet,
    p: &Profile,
    filled: &VerifierInput,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(PROFILE_SHEET)?;
    ws.set_column_width(0, 20)?;
    ws.set_column_width(1, 45)?;
    ws.write_string_with_format(0, 0, "field", &s.header)?;
    let bold = Format::new().set_bold();
    let plain = Format::new();
    ws.write_rich_string_with_format(0, 1, &[(&bold, "value"), (&plain, " · តម្លៃ")], &s.header)?;
    let values = [
        &p.agency_id,
        &p.agency_name,
        &p.sector,
        &p.cycle,
        &p.framework_id,
        &p.framework_version,
        &p.submitted_by,
        &p.submitted_on,
    ];
    let rows = PROFILE_FIELDS
        .iter()
        .zip(values)
        .map(|(f, v)| (*f, v.as_deref(), false))
        .chain(
            VERIFIER_FIELDS
                .iter()
                .zip([&filled.verifier, &filled.verified_on])
                .map(|(f, v)| (*f, v.as_deref(), true)),
        );
    for (i, (field, value, open)) in rows.enumerate() {
        let row = i as u32 + 1;
        ws.write_string_with_format(row, 0, field, &s.field)?;
        // The agency's Profile is what the check is about: locked. The verifier's own
        // fields are open.
        let format = if open { &s.answer } else { &s.value_locked };
        match value {
            Some(v) => ws.write_string_with_format(row, 1, v, format)?,
            None => ws.write_blank(row, 1, format)?,
        };
    }
    ws.set_selection(9, 1, 9, 1)?;
    protect(ws);
    Ok(())
}

fn write_rows(
    ws: &mut Worksheet,
    f: &Framework,
    answers: &[AnswerRow],
    filled: &VerifierInput,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(VERIFICATION_SHEET)?;
    for (col, width) in WIDTHS.iter().enumerate() {
        ws.set_column_width(col as u16, *width)?;
    }
    for (col, (en, km)) in VERIFICATION_HEADER.iter().enumerate() {
        let col = col as u16;
        ws.write_string_with_format(VERIFICATION_HEADER_ROW, col, *en, &s.header)?;
        ws.write_string_with_format(VERIFICATION_HEADER_ROW + 1, col, *km, &s.header_km)?;
    }
    fit_row(
        ws,
        VERIFICATION_HEADER_ROW + 1,
        &[("កម្រិតដែលបានផ្ទៀងផ្ទាត់", 18.0)],
    )?;
    let choices: Vec<String> = f.scale.iter().map(|l| f.level_choice(l.level)).collect();
    let mut with_na = choices.clone();
    with_na.push(NA_CHOICE.to_string());
    for (qi, q) in f.questions.iter().enumerate() {
        let row = VERIFICATION_FIRST_ROW + qi as u32;
        let answer = answers.get(qi).cloned().unwrap_or_default();
        let text = text_both(&q.text);
        ws.write_string_with_format(row, 0, &q.id, &s.id)?;
        ws.write_string_with_format(row, 1, &text, &s.cell)?;
        match LevelCell::from_answer(f, answer.answer) {
            LevelCell::Text(t) => ws.write_string_with_format(row, 2, t, &s.value_locked)?,
            _ => ws.write_blank(row, 2, &s.value_locked)?,
        };
        match &answer.evidence {
            Some(e) => ws.write_string_with_format(row, 3, e, &s.value_locked)?,
            None => ws.write_blank(row, 3, &s.value_locked)?,
        };
        let verified = filled.levels.get(qi).copied().unwrap_or(Answer::Unanswered);
        match LevelCell::from_answer(f, verified) {
            LevelCell::Text(t) => ws.write_string_with_format(row, COL_VERIFIED, t, &s.level)?,
            _ => ws.write_blank(row, COL_VERIFIED, &s.level)?,
        };
        match filled.notes.get(qi).and_then(Option::as_deref) {
            Some(note) => ws.write_string_with_format(row, 5, note, &s.answer)?,
            None => ws.write_blank(row, 5, &s.answer)?,
        };
        let list = if q.allow_na { &with_na } else { &choices };
        let validation = level_validation(list, q.allow_na, f.max_level())?;
        ws.add_data_validation(row, COL_VERIFIED, row, COL_VERIFIED, &validation)?;
        let evidence = answer.evidence.as_deref().unwrap_or("");
        let note = filled
            .notes
            .get(qi)
            .and_then(Option::as_deref)
            .unwrap_or("");
        fit_row(
            ws,
            row,
            &[(text.as_str(), 55.0), (evidence, 36.0), (note, 36.0)],
        )?;
    }
    ws.set_freeze_panes(VERIFICATION_FIRST_ROW, 1)?;
    ws.set_selection(
        VERIFICATION_FIRST_ROW,
        COL_VERIFIED,
        VERIFICATION_FIRST_ROW,
        COL_VERIFIED,
    )?;
    protect(ws);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::tests::golden;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn one_row_per_question_with_the_claims_prefilled() {
        let fw = golden();
        let answers: Vec<AnswerRow> = [Answer::Level(3), Answer::NotApplicable]
            .iter()
            .map(|&answer| AnswerRow {
                answer,
                evidence: Some("policy.pdf".into()),
                comment: None,
            })
            .collect();
        let profile = Profile {
            agency_id: Some("AG".into()),
            cycle: Some("2026".into()),
            ..Default::default()
        };
        let bytes = verification_bytes(&fw, &profile, &answers).unwrap();
        assert_eq!(bytes, verification_bytes(&fw, &profile, &answers).unwrap());
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), [PROFILE_SHEET, VERIFICATION_SHEET]);
        let sheet = book.worksheet_range(VERIFICATION_SHEET).unwrap();
        let header: Vec<String> = (0..6)
            .map(|c| {
                sheet
                    .get_value((0, c))
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            })
            .collect();
        let expected: Vec<&str> = VERIFICATION_HEADER.iter().map(|(en, _)| *en).collect();
        assert_eq!(header, expected);
        assert_eq!(
            sheet.get_value((2, 0)),
            Some(&Data::String("D1.A-01".into()))
        );
        assert_eq!(
            sheet.get_value((2, 2)),
            Some(&Data::String(fw.level_choice(3)))
        );
        assert_eq!(sheet.get_value((3, 2)), Some(&Data::String("N/A".into())));
        assert_eq!(
            sheet.get_value((2, 3)),
            Some(&Data::String("policy.pdf".into()))
        );
        let rows = sheet.end().map_or(0, |(r, _)| r + 1);
        assert_eq!(
            rows as usize,
            VERIFICATION_FIRST_ROW as usize + fw.questions.len()
        );
        let profile = book.worksheet_range(PROFILE_SHEET).unwrap();
        assert_eq!(
            profile.get_value((9, 0)),
            Some(&Data::String("verifier".into()))
        );
        assert_eq!(
            profile.get_value((10, 0)),
            Some(&Data::String("verified_on".into()))
        );
    }
}
