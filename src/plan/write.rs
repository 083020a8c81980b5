//! Writing an action-plan workbook (SPEC section 11) as bytes: a locked Profile sheet and
//! a Plan sheet whose only editable cells are `owner`, `due` (a date, validated),
//! `status` (a dropdown) and `note`. Bilingual like the submission template, printable on
//! A4 landscape one page wide with the header repeated, and byte-identical for identical
//! inputs (the creation date is pinned).

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime,
    Workbook, Worksheet, XlsxError,
};

use super::{
    ItemStatus, Plan, COL_DUE, COL_NOTE, COL_OWNER, COL_STATUS, HEADER, PLAN_PROFILE_FIELDS,
    PLAN_SHEET, PROFILE_SHEET,
};
use crate::workbook::template::{protect, row_height, Styles, TemplateError, CREATION_DATE};

/// Zero-based row of the Plan header; the Khmer column names sit in the row above.
pub const HEADER_ROW: u32 = 1;

/// Khmer names of the [`HEADER`] columns.
const HEADER_KM: [&str; 11] = [
    "លំដាប់",
    "លេខសំណួរ",
    "សំណួរ",
    "កម្រិតបច្ចុប្បន្ន",
    "កម្រិតគោលដៅ",
    "ជំហានបន្ទាប់",
    "អាទិភាព",
    "អ្នកទទួលខុសត្រូវ",
    "កាលកំណត់ (YYYY-MM-DD)",
    "ស្ថានភាព (ជ្រើសរើស)",
    "កំណត់សម្គាល់",
];

/// Column widths, in [`HEADER`] order.
const WIDTHS: [f64; 11] = [6.0, 12.0, 48.0, 9.0, 8.0, 48.0, 9.0, 18.0, 13.0, 14.0, 30.0];

/// The earliest and latest dates the `due` validation accepts.
const DUE_RANGE: ((u16, u8, u8), (u16, u8, u8)) = ((2000, 1, 1), (2100, 12, 31));

/// The xlsx bytes of `plan`. Items already filled in (`owner`, `due`, `status`, `note`)
/// are written too, so a test or a sample can produce a returned plan.
pub fn plan_bytes(plan: &Plan) -> Result<Vec<u8>, TemplateError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(CREATION_DATE.0, CREATION_DATE.1, CREATION_DATE.2)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "{} {} — action plan {}",
                plan.agency_id, plan.cycle, plan.framework_id
            ))
            .set_author("posture")
            .set_company("GDICT / CamCERT")
            .set_creation_datetime(&created),
    );
    let styles = Styles::new();
    write_profile(workbook.add_worksheet(), plan, &styles)?;
    write_plan(workbook.add_worksheet(), plan, &styles)?;
    Ok(workbook.save_to_buffer()?)
}

fn write_profile(ws: &mut Worksheet, plan: &Plan, s: &Styles) -> Result<(), XlsxError> {
    ws.set_name(PROFILE_SHEET)?;
    ws.set_column_width(0, 20)?;
    ws.set_column_width(1, 50)?;
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.write_string_with_format(0, 0, "field · វាល", &s.header)?;
    ws.write_string_with_format(0, 1, "value · តម្លៃ", &s.header)?;
    for (i, (field, value)) in PLAN_PROFILE_FIELDS
        .iter()
        .zip(plan.profile_values())
        .enumerate()
    {
        let row = i as u32 + 1;
        ws.write_string_with_format(row, 0, *field, &s.field)?;
        ws.write_string_with_format(row, 1, value, &s.value_locked)?;
    }
    let note = "This plan lists the questions below your target, highest priority first. Fill in the yellow cells (owner, due, status, note) and send it back with your next submission.\nផែនការនេះរាយសំណួរដែលនៅក្រោមកម្រិតគោលដៅ តាមលំដាប់អាទិភាព។ សូមបំពេញក្រឡាពណ៌លឿង (owner, due, status, note) ហើយផ្ញើមកវិញជាមួយការដាក់ស្នើលើកក្រោយ។";
    let row = PLAN_PROFILE_FIELDS.len() as u32 + 2;
    ws.merge_range(row, 0, row, 1, note, &s.cell)?;
    ws.set_row_height(row, row_height([(note, 70.0)].into_iter()))?;
    protect(ws);
    Ok(())
}

fn write_plan(ws: &mut Worksheet, plan: &Plan, s: &Styles) -> Result<(), XlsxError> {
    ws.set_name(PLAN_SHEET)?;
    for (col, width) in WIDTHS.iter().enumerate() {
        ws.set_column_width(col as u16, *width)?;
    }
    let hr = HEADER_ROW;
    for (col, (en, km)) in HEADER.iter().zip(HEADER_KM).enumerate() {
        ws.write_string_with_format(hr - 1, col as u16, km, &s.header_km)?;
        ws.write_string_with_format(hr, col as u16, *en, &s.header)?;
    }
    ws.set_row_height(
        hr - 1,
        row_height(HEADER_KM.iter().zip(WIDTHS).map(|(t, w)| (*t, w))),
    )?;
    for (i, item) in plan.items.iter().enumerate() {
        let row = hr + 1 + i as u32;
        ws.write_number_with_format(row, 0, f64::from(item.rank), &s.number)?;
        ws.write_string_with_format(row, 1, &item.question_id, &s.id)?;
        ws.write_string_with_format(row, 2, &item.question, &s.cell)?;
        match item.current {
            Some(l) => ws.write_number_with_format(row, 3, f64::from(l), &s.number)?,
            None => ws.write_blank(row, 3, &s.number)?,
        };
        ws.write_number_with_format(row, 4, f64::from(item.target), &s.number)?;
        ws.write_string_with_format(row, 5, &item.next_step, &s.cell)?;
        ws.write_number_with_format(row, 6, item.priority, &s.priority)?;
        let text_cell = |ws: &mut Worksheet, col: u16, v: Option<&str>| match v {
            Some(v) => ws
                .write_string_with_format(row, col, v, &s.answer)
                .map(|_| ()),
            None => ws.write_blank(row, col, &s.answer).map(|_| ()),
        };
        text_cell(ws, COL_OWNER, item.owner.as_deref())?;
        match item
            .due
            .as_deref()
            .map(|d| (d, ExcelDateTime::parse_from_str(d)))
        {
            Some((_, Ok(date))) => {
                ws.write_datetime_with_format(row, COL_DUE, &date, &s.date)?;
            }
            // Not a date (a test writing a mistake): written as the text it is.
            Some((d, Err(_))) => {
                ws.write_string_with_format(row, COL_DUE, d, &s.date)?;
            }
            None => {
                ws.write_blank(row, COL_DUE, &s.date)?;
            }
        }
        text_cell(ws, COL_STATUS, item.status.map(ItemStatus::as_str))?;
        text_cell(ws, COL_NOTE, item.note.as_deref())?;
        let cells = [
            (item.question.as_str(), WIDTHS[2]),
            (item.next_step.as_str(), WIDTHS[5]),
            (item.note.as_deref().unwrap_or(""), WIDTHS[10]),
        ];
        ws.set_row_height(row, row_height(cells.into_iter()))?;
    }
    if !plan.items.is_empty() {
        let last = hr + plan.items.len() as u32;
        ws.add_data_validation(hr + 1, COL_DUE, last, COL_DUE, &due_validation()?)?;
        ws.add_data_validation(hr + 1, COL_STATUS, last, COL_STATUS, &status_validation()?)?;
    }
    ws.set_freeze_panes(hr + 1, 2)?;
    ws.set_selection(hr + 1, COL_OWNER, hr + 1, COL_OWNER)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_margins(0.4, 0.4, 0.5, 0.5, 0.3, 0.3);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, hr)?;
    ws.set_header("&L&\"Calibri,Bold\"&A&R&D");
    ws.set_footer("&CPage &P of &N");
    protect(ws);
    Ok(())
}

fn due_validation() -> Result<DataValidation, XlsxError> {
    let ((y0, m0, d0), (y1, m1, d1)) = DUE_RANGE;
    let (from, to) = (
        ExcelDateTime::from_ymd(y0, m0, d0)?,
        ExcelDateTime::from_ymd(y1, m1, d1)?,
    );
    Ok(DataValidation::new()
        .allow_date(DataValidationRule::Between(from, to))
        .set_input_title("Due date · កាលកំណត់")?
        .set_input_message("A date, as YYYY-MM-DD.\nកាលបរិច្ឆេទ តាមទម្រង់ YYYY-MM-DD។")?
        .set_error_title("Not a date · មិនមែនជាកាលបរិច្ឆេទ")?
        .set_error_message(
            "Enter a date between 2000-01-01 and 2100-12-31, as YYYY-MM-DD.\nសូមបញ្ចូលកាលបរិច្ឆេទ តាមទម្រង់ YYYY-MM-DD។",
        )?
        .set_error_style(DataValidationErrorStyle::Stop))
}

fn status_validation() -> Result<DataValidation, XlsxError> {
    let choices = ItemStatus::ALL.map(ItemStatus::as_str);
    Ok(DataValidation::new()
        .allow_list_strings(&choices)?
        .set_input_title("Status · ស្ថានភាព")?
        .set_input_message("Choose from the list.\nជ្រើសរើសពីបញ្ជី។")?
        .set_error_title("Not a status · មិនមែនជាស្ថានភាព")?
        .set_error_message(format!(
            "Choose one of: {}.\nសូមជ្រើសរើសពីបញ្ជីជម្រើស។",
            ItemStatus::choices()
        ))?
        .set_error_style(DataValidationErrorStyle::Stop))
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use calamine::{Data, Reader, Xlsx};

    use super::*;
    use crate::framework::builtin;
    use crate::plan::plan_for;
    use crate::score::score_submission;
    use crate::score::tests::{golden, submission};
    use crate::workbook::Answer;

    fn sheet_xml(bytes: &[u8], n: usize) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name(&format!("xl/worksheets/sheet{n}.xml"))
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    #[test]
    fn plan_sheet_has_the_spec_header_and_one_row_per_gap_in_order() {
        let fw = golden();
        let s = submission(
            "AG",
            "energy",
            "2025",
            &[
                Answer::Level(1),
                Answer::Unanswered,
                Answer::Level(3),
                Answer::Level(0),
                Answer::Level(2),
                Answer::NotApplicable,
            ],
        );
        let score = score_submission(&fw, &s, None).unwrap();
        assert!(score.gaps.len() >= 3);
        let plan = plan_for(&fw, &score);
        let bytes = plan_bytes(&plan).unwrap();
        assert_eq!(bytes, plan_bytes(&plan).unwrap(), "deterministic bytes");

        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(book.sheet_names(), vec!["Profile", "Plan"]);
        let range = book.worksheet_range("Plan").unwrap();
        let header: Vec<String> = (0..11)
            .map(|c| range.get_value((HEADER_ROW, c)).unwrap().to_string())
            .collect();
        assert_eq!(header, HEADER.map(str::to_string).to_vec());
        for (i, gap) in score.gaps.iter().enumerate() {
            let row = HEADER_ROW + 1 + i as u32;
            assert_eq!(
                range.get_value((row, 0)),
                Some(&Data::Float(i as f64 + 1.0))
            );
            assert_eq!(
                range.get_value((row, 1)),
                Some(&Data::String(gap.question_id.clone()))
            );
            match gap.level {
                Some(l) => assert_eq!(range.get_value((row, 3)), Some(&Data::Float(f64::from(l)))),
                None => assert!(matches!(
                    range.get_value((row, 3)),
                    None | Some(Data::Empty)
                )),
            }
            assert_eq!(range.get_value((row, 4)), Some(&Data::Float(3.0)));
            let next = gap.level.unwrap_or(0) + 1;
            assert_eq!(
                range.get_value((row, 5)),
                Some(&Data::String(format!("reach level {next} – L{next}")))
            );
        }
        let profile = book.worksheet_range("Profile").unwrap();
        assert_eq!(
            profile.get_value((1, 0)),
            Some(&Data::String("agency_id".into()))
        );
        assert_eq!(profile.get_value((1, 1)), Some(&Data::String("AG".into())));
        assert_eq!(
            profile.get_value((4, 1)),
            Some(&Data::String("2025".into()))
        );

        // Locked except owner, due, status and note; a date rule and a dropdown.
        let xml = sheet_xml(&bytes, 2);
        assert!(xml.contains("<sheetProtection"));
        assert!(xml.contains(r#"type="date""#));
        assert!(xml.contains(r#"type="list""#));
        assert!(xml.contains("planned,in progress,done,not planned"));
        assert!(
            xml.contains(r#"sqref="I3:I"#),
            "date rule on the due column"
        );
        assert!(
            xml.contains(r#"sqref="J3:J"#),
            "dropdown on the status column"
        );
        assert!(xml.contains("<pageSetup"));
        assert!(sheet_xml(&bytes, 1).contains("<sheetProtection"));
    }

    #[test]
    fn next_step_is_the_guidance_of_the_next_level_in_both_languages() {
        let fw = builtin("kh-ncmf").unwrap().unwrap();
        let q = fw
            .questions
            .iter()
            .find(|q| q.guidance.contains_key("en") && q.guidance.contains_key("km"))
            .expect("a question with English and Khmer guidance");
        let step = crate::plan::next_step(&fw, &q.id, 1);
        let (en, km) = step.split_once('\n').expect("bilingual");
        assert_eq!(
            en,
            format!("2 – {}: {}", fw.level_label(2, "en"), q.guidance["en"][2])
        );
        assert!(km.starts_with("២ – "), "{km}");
        assert!(km.ends_with(&q.guidance["km"][2]));
        // Unanswered counts 0: the next step is level 1.
        assert!(crate::plan::next_step(&fw, &q.id, 0).starts_with("1 – "));
    }
}
