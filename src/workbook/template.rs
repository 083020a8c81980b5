//! Writing the self-assessment workbook an agency fills in (SPEC section 4, `posture
//! template`): an Instructions sheet, a Profile sheet and an Assessment sheet, bilingual
//! where the framework has Khmer texts, with a dropdown on every `level` cell and sheet
//! protection that leaves only the answer cells editable.
//!
//! The same writer can pre-fill answers, so the sample data and the tests produce
//! workbooks that look exactly like what agencies send back. Output bytes depend only on
//! the inputs: the document creation time is pinned, and the zip entries carry a fixed
//! date.

pub mod verification;

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use super::{Answer, AnswerRow, Profile};
use crate::framework::{Framework, Question};
use crate::registry::Agency;

/// Sheet names; ingestion matches them case-insensitively.
pub const INSTRUCTIONS_SHEET: &str = "Instructions";
pub const PROFILE_SHEET: &str = "Profile";
pub const ASSESSMENT_SHEET: &str = "Assessment";

/// The Profile fields in SPEC order (kept here too for callers of the template API).
pub use super::PROFILE_FIELDS;

/// The text the dropdown offers for a not-applicable answer.
pub const NA_CHOICE: &str = "N/A";

/// Zero-based row of the Assessment header (row 2 in Excel); row 1 holds Khmer column
/// names, which must stay above the header so ingestion never reads them as answers.
pub const ASSESSMENT_HEADER_ROW: u32 = 1;

/// Assessment columns (zero-based). The answer columns sit right after the question so
/// that a focal point sees question and answer together; guidance per level follows.
const COL_ID: u16 = 0;
const COL_DOMAIN: u16 = 1;
const COL_CATEGORY: u16 = 2;
const COL_QUESTION: u16 = 3;
const COL_LEVEL: u16 = 4;
const COL_EVIDENCE: u16 = 5;
const COL_COMMENT: u16 = 6;
const COL_GUIDANCE: u16 = 7;

/// Width of each per-level guidance column.
const GUIDANCE_WIDTH: f64 = 32.0;

/// Excel refuses a literal validation list longer than this many characters.
const MAX_LIST_CHARS: usize = 255;

/// Creation date written into docProps/core.xml, fixed so identical inputs give identical
/// bytes (rust_xlsxwriter would otherwise stamp the current time).
pub(crate) const CREATION_DATE: (u16, u8, u8) = (2025, 1, 1);

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("failed to build workbook ({0})")]
    Xlsx(#[from] XlsxError),
    #[error("failed to write {} ({source})", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "failed to fill workbook ({found} answer rows given, framework {framework} has {expected} questions)"
    )]
    AnswerCount {
        framework: String,
        found: usize,
        expected: usize,
    },
    #[error(
        "failed to build workbook (layout of framework {layout} used for framework {framework})"
    )]
    LayoutMismatch { layout: String, framework: String },
}

/// What a `level` cell holds, as an agency might type it. Pre-filled answers normally use
/// [`LevelCell::from_answer`] (the dropdown's text); tests and the sample generator use the
/// other forms to write numbers, free text and mistakes.
#[derive(Clone, Debug, PartialEq)]
pub enum LevelCell {
    Blank,
    Number(f64),
    Text(String),
}

impl LevelCell {
    /// The cell the dropdown would produce for `answer`: `3 - Defined`, `N/A` or nothing.
    pub fn from_answer(framework: &Framework, answer: Answer) -> LevelCell {
        match answer {
            Answer::Level(l) => LevelCell::Text(framework.level_choice(l)),
            Answer::NotApplicable => LevelCell::Text(NA_CHOICE.to_string()),
            Answer::Unanswered => LevelCell::Blank,
        }
    }
}

/// One filled Assessment row, aligned with the framework's questions.
#[derive(Clone, Debug, PartialEq)]
pub struct FilledRow {
    pub level: LevelCell,
    pub evidence: Option<String>,
    pub comment: Option<String>,
}

impl FilledRow {
    pub fn from_answer_row(framework: &Framework, row: &AnswerRow) -> FilledRow {
        FilledRow {
            level: LevelCell::from_answer(framework, row.answer),
            evidence: row.evidence.clone(),
            comment: row.comment.clone(),
        }
    }
}

/// A workbook to write: the framework, the Profile values, and optionally filled rows.
#[derive(Clone, Debug)]
pub struct Template<'a> {
    pub framework: &'a Framework,
    pub profile: Profile,
    /// Empty for a blank template, else one row per framework question, in order.
    pub rows: Vec<FilledRow>,
    /// Name of the Assessment sheet; only the sample generator changes it, to reproduce
    /// an agency renaming the sheet.
    pub assessment_sheet: String,
    /// A precomputed [`Layout`] for this framework; computed on the fly when absent.
    layout: Option<&'a Layout>,
}

impl<'a> Template<'a> {
    pub fn new(framework: &'a Framework, profile: Profile) -> Self {
        Template {
            framework,
            profile,
            rows: Vec::new(),
            assessment_sheet: ASSESSMENT_SHEET.to_string(),
            layout: None,
        }
    }

    /// Reuse a layout built once with [`Layout::new`] for this same framework.
    pub fn with_layout(mut self, layout: &'a Layout) -> Result<Self, TemplateError> {
        if !layout.fits(self.framework) {
            return Err(TemplateError::LayoutMismatch {
                layout: layout.framework_id.clone(),
                framework: self.framework.id.clone(),
            });
        }
        self.layout = Some(layout);
        Ok(self)
    }

    /// Pre-fill with validated answers, written as the dropdown writes them.
    pub fn with_answers(self, answers: &[AnswerRow]) -> Result<Self, TemplateError> {
        let rows = answers
            .iter()
            .map(|a| FilledRow::from_answer_row(self.framework, a))
            .collect();
        self.with_rows(rows)
    }

    /// Pre-fill with raw cells (one per framework question).
    pub fn with_rows(mut self, rows: Vec<FilledRow>) -> Result<Self, TemplateError> {
        if rows.len() != self.framework.questions.len() {
            return Err(TemplateError::AnswerCount {
                framework: self.framework.id.clone(),
                found: rows.len(),
                expected: self.framework.questions.len(),
            });
        }
        self.rows = rows;
        Ok(self)
    }

    /// The xlsx bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, TemplateError> {
        let mut workbook = self.build()?;
        Ok(workbook.save_to_buffer()?)
    }

    /// Write the workbook to `path` atomically.
    pub fn write(&self, path: &Path) -> Result<(), TemplateError> {
        write_atomic(path, &self.to_bytes()?)
    }

    fn build(&self) -> Result<Workbook, TemplateError> {
        let f = self.framework;
        let mut workbook = Workbook::new();
        let created = ExcelDateTime::from_ymd(CREATION_DATE.0, CREATION_DATE.1, CREATION_DATE.2)?;
        let title = format!("{} {} — self-assessment", f.title.en(), f.version);
        workbook.set_properties(
            &DocProperties::new()
                .set_title(title)
                .set_author("posture")
                .set_company("GDICT / CamCERT")
                .set_creation_datetime(&created),
        );
        let styles = Styles::new();
        write_instructions(workbook.add_worksheet(), f, &styles)?;
        write_profile(workbook.add_worksheet(), &self.profile, &styles)?;
        let computed;
        let layout = match self.layout {
            Some(layout) => layout,
            None => {
                computed = Layout::new(f);
                &computed
            }
        };
        write_assessment(
            workbook.add_worksheet(),
            f,
            layout,
            &self.rows,
            &self.assessment_sheet,
            &styles,
        )?;
        Ok(workbook)
    }
}

/// The Profile a template starts with: the framework always, the agency's registry entry
/// when one is named, and the cycle when given (left empty for the agency otherwise).
pub fn template_profile(
    framework: &Framework,
    agency: Option<&Agency>,
    cycle: Option<&str>,
) -> Profile {
    Profile {
        agency_id: agency.map(|a| a.agency_id.clone()),
        agency_name: agency.map(|a| a.name_en.clone()),
        sector: agency.map(|a| a.sector.clone()),
        cycle: cycle.map(str::to_string),
        framework_id: Some(framework.id.clone()),
        framework_version: Some(framework.version.clone()),
        submitted_by: None,
        submitted_on: None,
    }
}

/// The workbook for `profile`, pre-filled with `answers` (one per framework question) when
/// given.
pub fn template_bytes(
    framework: &Framework,
    profile: &Profile,
    answers: Option<&[AnswerRow]>,
) -> Result<Vec<u8>, TemplateError> {
    let mut t = Template::new(framework, profile.clone());
    if let Some(answers) = answers {
        t = t.with_answers(answers)?;
    }
    t.to_bytes()
}

/// [`template_bytes`], written atomically to `path`.
pub fn write_template(
    framework: &Framework,
    profile: &Profile,
    answers: Option<&[AnswerRow]>,
    path: &Path,
) -> Result<(), TemplateError> {
    write_atomic(path, &template_bytes(framework, profile, answers)?)
}

/// Write `bytes` to `path` atomically (see [`crate::atomic_file`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), TemplateError> {
    crate::atomic_file::write(path, bytes).map_err(|source| TemplateError::Io {
        path: path.to_path_buf(),
        source,
    })
}

pub(crate) struct Styles {
    pub(crate) title: Format,
    pub(crate) heading: Format,
    pub(crate) text: Format,
    pub(crate) note: Format,
    pub(crate) step: Format,
    pub(crate) header: Format,
    pub(crate) header_km: Format,
    pub(crate) cell: Format,
    pub(crate) id: Format,
    pub(crate) guidance: Format,
    pub(crate) answer: Format,
    pub(crate) level: Format,
    pub(crate) field: Format,
    pub(crate) value_locked: Format,
    /// Centred numbers (levels, ranks) and two-decimal ones (priorities): action plans.
    pub(crate) number: Format,
    pub(crate) priority: Format,
    /// An answer cell holding a date (`yyyy-mm-dd`): the plan's `due`.
    pub(crate) date: Format,
}

impl Styles {
    pub(crate) fn new() -> Self {
        let border = Color::RGB(0xBFBFBF);
        let cell = Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_border_color(border);
        Styles {
            title: Format::new().set_bold().set_font_size(16),
            heading: Format::new()
                .set_bold()
                .set_font_size(12)
                .set_font_color(Color::RGB(0x1F4E79)),
            text: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            note: Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_font_color(Color::RGB(0x595959)),
            step: Format::new()
                .set_bold()
                .set_align(FormatAlign::Top)
                .set_align(FormatAlign::Center),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border(FormatBorder::Thin)
                .set_border_color(border),
            header_km: Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_font_color(Color::RGB(0x595959))
                .set_background_color(Color::RGB(0xF2F2F2))
                .set_border(FormatBorder::Thin)
                .set_border_color(border),
            id: cell.clone().set_bold(),
            guidance: cell.clone().set_font_color(Color::RGB(0x404040)),
            answer: cell
                .clone()
                .set_unlocked()
                .set_background_color(Color::RGB(0xFFF2CC)),
            level: cell
                .clone()
                .set_unlocked()
                .set_background_color(Color::RGB(0xFFF2CC))
                .set_align(FormatAlign::Left),
            field: cell.clone().set_bold(),
            value_locked: cell.clone().set_background_color(Color::RGB(0xF2F2F2)),
            number: cell.clone().set_align(FormatAlign::Center),
            priority: cell.clone().set_num_format("0.00"),
            date: cell
                .clone()
                .set_unlocked()
                .set_background_color(Color::RGB(0xFFF2CC))
                .set_num_format("yyyy-mm-dd"),
            cell,
        }
    }
}

/// English with the Khmer translation below it, when there is one.
pub(crate) fn bilingual(en: &str, km: Option<&str>) -> String {
    match km {
        Some(km) if !km.trim().is_empty() && km != en => format!("{en}\n{km}"),
        _ => en.to_string(),
    }
}

pub(crate) fn text_both(t: &crate::framework::Text) -> String {
    bilingual(t.en(), t.has("km").then(|| t.get("km")))
}

/// Khmer digits for level numbers in Khmer text.
pub(crate) fn khmer_digits(n: u8) -> String {
    n.to_string()
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0x17E0 + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// Estimated height in points of `text` wrapped in a column `width` characters wide.
///
/// Neither Excel nor LibreOffice fits row heights to wrapped text when opening a generated
/// file, so without this every question would show as one clipped line. Widths are
/// approximate: Latin letters are a little narrower than the `0` that defines a column
/// unit, Khmer base letters wider, and Khmer subscripts and vowel signs take no width of
/// their own. Khmer lines are also taller.
fn text_height(text: &str, width: f64) -> f64 {
    text.split('\n')
        .map(|para| {
            let khmer = para.chars().any(is_khmer);
            let line = if khmer { 24.0 } else { 15.0 };
            wrapped_lines(para, width) as f64 * line
        })
        .sum::<f64>()
        + 4.0
}

fn is_khmer(c: char) -> bool {
    ('\u{1780}'..='\u{17FF}').contains(&c)
}

fn char_width(c: char, after_coeng: bool) -> f64 {
    // Calibrated by rendering generated workbooks with LibreOffice (Carlito, metric
    // compatible with Excel's Calibri): Latin text averages about 0.8 column units per
    // character, a Khmer base letter about 1.05; a little margin is added so rows err on
    // the tall side rather than clip.
    match c {
        _ if after_coeng => 0.0,
        '\u{1780}'..='\u{17B3}' => 1.1,
        '\u{17B6}' | '\u{17C1}'..='\u{17C5}' | '\u{17C7}' | '\u{17C8}' => 0.6,
        '\u{17B4}'..='\u{17D3}' => 0.0,
        '\u{17D4}'..='\u{17DD}' => 0.9,
        '\u{17E0}'..='\u{17E9}' => 1.1,
        _ => 0.84,
    }
}

const SPACE: f64 = 0.84;

fn word_width(word: &str) -> f64 {
    let mut after_coeng = false;
    let mut w = 0.0;
    for c in word.chars() {
        w += char_width(c, after_coeng);
        after_coeng = c == '\u{17D2}';
    }
    w
}

/// Lines taken by one paragraph, wrapping greedily at spaces (and mid-word when a word is
/// longer than a line, as both spreadsheet programs do).
fn wrapped_lines(para: &str, width: f64) -> usize {
    let capacity = (width - 0.5).max(1.0);
    let mut lines = 1usize;
    let mut used = 0.0f64;
    for word in para.split(' ').filter(|w| !w.is_empty()) {
        let w = word_width(word);
        if used > 0.0 && used + SPACE + w <= capacity {
            used += SPACE + w;
            continue;
        }
        if used > 0.0 {
            lines += 1;
        }
        used = w;
        while used > capacity {
            lines += 1;
            used -= capacity;
        }
    }
    lines
}

/// The height that fits the tallest of some `(text, column width)` cells.
pub(crate) fn row_height<'t>(cells: impl Iterator<Item = (&'t str, f64)>) -> f64 {
    cells
        .map(|(text, width)| text_height(text, width))
        .fold(15.0f64, f64::max)
        .min(409.0)
}

/// Set a row's height to fit the tallest of its `(text, column width)` cells.
fn fit_row(ws: &mut Worksheet, row: u32, cells: &[(&str, f64)]) -> Result<(), XlsxError> {
    ws.set_row_height(row, row_height(cells.iter().copied()))?;
    Ok(())
}

/// A protected sheet: structure and texts locked, answer cells (formatted unlocked)
/// editable. Columns and rows may be resized, so long answers stay readable. No password:
/// protection prevents accidents, not determined edits.
pub(crate) fn protect(ws: &mut Worksheet) {
    let options = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::new()
    };
    ws.protect_with_options(&options);
}

fn write_instructions(ws: &mut Worksheet, f: &Framework, s: &Styles) -> Result<(), XlsxError> {
    ws.set_name(INSTRUCTIONS_SHEET)?;
    ws.set_column_width(0, 6)?;
    ws.set_column_width(1, 110)?;
    ws.set_screen_gridlines(false);
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    let mut row = 0u32;
    let mut put = |ws: &mut Worksheet, a: &str, b: &str, fa: &Format, fb: &Format| {
        let r = row;
        row += 1;
        if !a.is_empty() {
            ws.write_string_with_format(r, 0, a, fa)?;
        }
        ws.write_string_with_format(r, 1, b, fb)?;
        if b.contains('\n') || b.chars().count() > 100 {
            fit_row(ws, r, &[(b, 110.0)])?;
        }
        Ok::<(), XlsxError>(())
    };

    put(ws, "", &text_both(&f.title), &s.text, &s.title)?;
    put(
        ws,
        "",
        &format!(
            "Self-assessment workbook · framework {} version {}\nសៀវភៅវាយតម្លៃដោយខ្លួនឯង · ក្របខ័ណ្ឌ {} កំណែ {}",
            f.id, f.version, f.id, f.version
        ),
        &s.text,
        &s.note,
    )?;
    if let Some(d) = &f.description {
        put(ws, "", &text_both(d), &s.text, &s.text)?;
    }
    put(ws, "", "", &s.text, &s.text)?;

    put(
        ws,
        "",
        "How to fill in this workbook · របៀបបំពេញឯកសារវាយតម្លៃនេះ",
        &s.text,
        &s.heading,
    )?;
    let max = f.max_level();
    let steps = [
        (
            "Profile sheet: check the agency details that are already filled in. Fill in the cycle if it is empty, your name, position, e-mail and phone (submitted_by) and the date (submitted_on). Do not change framework_id or framework_version.".to_string(),
            "សន្លឹក Profile៖ សូមពិនិត្យព័ត៌មានស្ថាប័នដែលបានបំពេញរួចជាស្រេច។ សូមបំពេញវដ្តវាយតម្លៃ (cycle) ប្រសិនបើនៅទទេ ឈ្មោះ តួនាទី អ៊ីមែល និងលេខទូរស័ព្ទរបស់អ្នក (submitted_by) និងកាលបរិច្ឆេទ (submitted_on)។ សូមកុំកែប្រែ framework_id ឬ framework_version។".to_string(),
        ),
        (
            format!("Assessment sheet: for every question, choose a level from 0 to {max} in the dropdown of the yellow “level” column. Read the guidance columns on the right and choose the highest level whose description is fully true for your whole organisation today."),
            format!("សន្លឹក Assessment៖ សម្រាប់សំណួរនីមួយៗ សូមជ្រើសរើសកម្រិតពី ០ ដល់ {} ក្នុងបញ្ជីជម្រើសនៃជួរឈរពណ៌លឿង “level”។ សូមអានការណែនាំនៅជួរឈរខាងស្ដាំ ហើយជ្រើសរើសកម្រិតខ្ពស់បំផុត ដែលការពិពណ៌នារបស់វាពិតទាំងស្រុងសម្រាប់ស្ថាប័នទាំងមូលរបស់អ្នកនាពេលបច្ចុប្បន្ន។", khmer_digits(max)),
        ),
        (
            "Evidence: in the “evidence” column, name what shows that the level is real (a document title and date, a policy number, a report). Use “comment” for anything else you want the assessors to know.".to_string(),
            "ភស្តុតាង៖ នៅក្នុងជួរឈរ “evidence” សូមបញ្ជាក់អ្វីដែលបង្ហាញថាកម្រិតនោះពិតប្រាកដ (ចំណងជើង និងកាលបរិច្ឆេទឯកសារ លេខគោលនយោបាយ ឬរបាយការណ៍)។ សូមប្រើជួរឈរ “comment” សម្រាប់ព័ត៌មានផ្សេងទៀតដែលអ្នកចង់ឱ្យអ្នកវាយតម្លៃដឹង។".to_string(),
        ),
        (
            "Only the yellow cells can be changed. Do not rename the sheets, delete rows or change the question_id column: the workbook is read by software.".to_string(),
            "មានតែក្រឡាពណ៌លឿងប៉ុណ្ណោះដែលអាចកែប្រែបាន។ សូមកុំប្ដូរឈ្មោះសន្លឹក លុបជួរដេក ឬកែប្រែជួរឈរ question_id ព្រោះឯកសារនេះត្រូវបានអានដោយកម្មវិធីកុំព្យូទ័រ។".to_string(),
        ),
        (
            "A question left empty is unanswered: it counts as level 0 (no evidence, no credit). A workbook with no answers at all is rejected.".to_string(),
            "សំណួរដែលទុកនៅទទេ ត្រូវចាត់ទុកថាមិនទាន់ឆ្លើយ ហើយត្រូវរាប់ជាកម្រិត ០ (គ្មានភស្តុតាង គ្មានពិន្ទុ)។ ឯកសារដែលគ្មានចម្លើយសោះ នឹងត្រូវបដិសេធ។".to_string(),
        ),
    ];
    for (i, (en, km)) in steps.iter().enumerate() {
        put(
            ws,
            &(i + 1).to_string(),
            &bilingual(en, Some(km)),
            &s.step,
            &s.text,
        )?;
    }
    put(ws, "", "", &s.text, &s.text)?;

    put(
        ws,
        "",
        "Maturity scale · មាត្រដ្ឋានភាពចាស់ទុំ",
        &s.text,
        &s.heading,
    )?;
    for level in &f.scale {
        let mut block = level.label.en().to_string();
        if level.label.has("km") {
            block.push_str(&format!(" · {}", level.label.get("km")));
        }
        if let Some(d) = &level.description {
            block.push('\n');
            block.push_str(&text_both(d));
        }
        put(ws, &level.level.to_string(), &block, &s.step, &s.text)?;
    }
    put(ws, "", "", &s.text, &s.text)?;

    put(
        ws,
        "",
        "N/A (not applicable) · N/A (មិនពាក់ព័ន្ធ)",
        &s.text,
        &s.heading,
    )?;
    let na: Vec<&Question> = f.questions.iter().filter(|q| q.allow_na).collect();
    if na.is_empty() {
        put(
            ws,
            "",
            &bilingual(
                "No question of this framework may be answered N/A: every question applies to every agency.",
                Some("គ្មានសំណួរណាមួយក្នុងក្របខ័ណ្ឌនេះ អាចឆ្លើយ N/A បានទេ៖ សំណួរទាំងអស់ពាក់ព័ន្ធនឹងគ្រប់ស្ថាប័ន។"),
            ),
            &s.text,
            &s.text,
        )?;
    } else {
        put(
            ws,
            "",
            &bilingual(
                "N/A is offered only for the questions listed below, and only when the practice cannot apply to your organisation (for example, you operate no industrial control systems). If you do it partly or not at all, choose a level (0 when it is not performed), not N/A.",
                Some("N/A អាចជ្រើសរើសបានតែសម្រាប់សំណួរដែលមានរាយខាងក្រោមប៉ុណ្ណោះ ហើយតែនៅពេលដែលការអនុវត្តនោះមិនពាក់ព័ន្ធនឹងស្ថាប័នរបស់អ្នក (ឧទាហរណ៍ ស្ថាប័នមិនមានប្រព័ន្ធត្រួតពិនិត្យឧស្សាហកម្ម)។ ប្រសិនបើអ្នកអនុវត្តតែផ្នែកខ្លះ ឬមិនទាន់អនុវត្តសោះ សូមជ្រើសរើសកម្រិត (០ ប្រសិនបើមិនទាន់អនុវត្ត) មិនមែន N/A ទេ។"),
            ),
            &s.text,
            &s.text,
        )?;
        for q in na {
            put(
                ws,
                "",
                &format!("{}  {}", q.id, q.text.en()),
                &s.text,
                &s.note,
            )?;
        }
    }
    put(ws, "", "", &s.text, &s.text)?;

    put(
        ws,
        "",
        "Check before sending · ពិនិត្យមុនពេលផ្ញើ",
        &s.text,
        &s.heading,
    )?;
    put(
        ws,
        "",
        &bilingual(
            "Check the workbook with the posture tool:  posture validate <your-file>.xlsx\nIt lists every mistake with its sheet and cell (for example Assessment!E17: found \"2.5\"). If you do not have the tool, the assessment team runs the same check and sends you the list.",
            Some("សូមពិនិត្យឯកសារដោយប្រើកម្មវិធី posture៖  posture validate <ឯកសាររបស់អ្នក>.xlsx\nកម្មវិធីនេះរាយកំហុសនីមួយៗ ជាមួយឈ្មោះសន្លឹក និងក្រឡា (ឧទាហរណ៍ Assessment!E17)។ ប្រសិនបើអ្នកមិនមានកម្មវិធីនេះទេ ក្រុមវាយតម្លៃនឹងពិនិត្យដូចគ្នា ហើយផ្ញើបញ្ជីកំហុសមកអ្នកវិញ។"),
        ),
        &s.text,
        &s.text,
    )?;
    put(ws, "", "", &s.text, &s.text)?;

    put(ws, "", "Send it · ការផ្ញើ", &s.text, &s.heading)?;
    put(
        ws,
        "",
        &bilingual(
            "Send the completed workbook, still as .xlsx, to the GDICT / CamCERT assessment team at the address and by the date given in the letter that came with it. Send one workbook per agency and cycle; if you correct it, send the whole corrected workbook again.",
            Some("សូមផ្ញើឯកសារដែលបានបំពេញរួច (រក្សាទម្រង់ .xlsx) ទៅក្រុមវាយតម្លៃរបស់ GDICT / CamCERT តាមអាសយដ្ឋាន និងកាលបរិច្ឆេទកំណត់ ដែលមានចែងក្នុងលិខិតអមជាមួយឯកសារនេះ។ ស្ថាប័នមួយផ្ញើឯកសារតែមួយក្នុងមួយវដ្ត។ ប្រសិនបើអ្នកកែតម្រូវ សូមផ្ញើឯកសារដែលបានកែតម្រូវទាំងមូលម្ដងទៀត។"),
        ),
        &s.text,
        &s.text,
    )?;
    protect(ws);
    Ok(())
}

/// Bilingual help for a Profile field (column C).
fn profile_hint(field: &str) -> &'static str {
    match field {
        "agency_id" => "Agency code in the national registry, as given by GDICT. Do not change it.\nលេខកូដស្ថាប័នក្នុងបញ្ជីជាតិ ដែល GDICT បានផ្ដល់ជូន។ សូមកុំកែប្រែ។",
        "agency_name" => "Full name of the agency (English or Khmer).\nឈ្មោះពេញរបស់ស្ថាប័ន (ភាសាអង់គ្លេស ឬខ្មែរ)។",
        "sector" => "Sector id from the registry (for example ministry, province, energy). The registry's sector sets your target level.\nលេខសម្គាល់វិស័យតាមបញ្ជីជាតិ (ឧទាហរណ៍ ministry, province, energy)។ វិស័យក្នុងបញ្ជីជាតិកំណត់កម្រិតគោលដៅរបស់អ្នក។",
        "cycle" => "Assessment cycle, usually the year, for example 2026.\nវដ្តវាយតម្លៃ ជាធម្មតាជាឆ្នាំ ឧទាហរណ៍ 2026។",
        "framework_id" | "framework_version" => "Filled in by the tool. Do not change it.\nបំពេញដោយកម្មវិធី។ សូមកុំកែប្រែ។",
        "submitted_by" => "Name, position, e-mail and phone of the person who filled in this workbook.\nឈ្មោះ តួនាទី អ៊ីមែល និងលេខទូរស័ព្ទរបស់អ្នកបំពេញឯកសារនេះ។",
        "submitted_on" => "Date of submission, as YYYY-MM-DD.\nកាលបរិច្ឆេទដាក់ស្នើ តាមទម្រង់ YYYY-MM-DD។",
        _ => "",
    }
}

fn write_profile(ws: &mut Worksheet, p: &Profile, s: &Styles) -> Result<(), XlsxError> {
    ws.set_name(PROFILE_SHEET)?;
    ws.set_column_width(0, 20)?;
    ws.set_column_width(1, 45)?;
    ws.set_column_width(2, 80)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.write_string_with_format(0, 0, "field", &s.header)?;
    // Khmer in bold renders poorly in some fallback fonts, so the Khmer half of each
    // header is regular weight.
    let bold = Format::new().set_bold();
    let plain = Format::new();
    for (col, en, km) in [(1, "value", " · តម្លៃ"), (2, "help", " · ជំនួយ")] {
        ws.write_rich_string_with_format(0, col, &[(&bold, en), (&plain, km)], &s.header)?;
    }
    fit_row(ws, 0, &[("ជំនួយ", 80.0)])?;
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
    for (i, (field, value)) in PROFILE_FIELDS.iter().zip(values).enumerate() {
        let row = i as u32 + 1;
        ws.write_string_with_format(row, 0, *field, &s.field)?;
        // The framework fields are the tool's, not the agency's: locked so that a stray
        // edit cannot make the workbook unscorable.
        let fixed = matches!(*field, "framework_id" | "framework_version");
        let format = if fixed { &s.value_locked } else { &s.answer };
        match value {
            Some(v) => ws.write_string_with_format(row, 1, v, format)?,
            None => ws.write_blank(row, 1, format)?,
        };
        ws.write_string_with_format(row, 2, profile_hint(field), &s.note)?;
        fit_row(
            ws,
            row,
            &[
                (profile_hint(field), 80.0),
                (value.as_deref().unwrap_or(""), 45.0),
            ],
        )?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_selection(1, 1, 1, 1)?;
    protect(ws);
    Ok(())
}

/// Assessment column widths; guidance columns use [`GUIDANCE_WIDTH`].
const WIDTHS: [(u16, f64); 7] = [
    (COL_ID, 12.0),
    (COL_DOMAIN, 14.0),
    (COL_CATEGORY, 20.0),
    (COL_QUESTION, 55.0),
    (COL_LEVEL, 18.0),
    (COL_EVIDENCE, 36.0),
    (COL_COMMENT, 28.0),
];

fn col_width(col: u16) -> f64 {
    WIDTHS
        .iter()
        .find(|(c, _)| *c == col)
        .map(|(_, w)| *w)
        .unwrap_or(GUIDANCE_WIDTH)
}

/// The framework-only part of the Assessment sheet: every question's texts and the row
/// height they need. It is most of the work of building a workbook, so a caller writing
/// many workbooks for one framework builds it once and shares it
/// ([`Template::with_layout`]).
#[derive(Clone, Debug)]
pub struct Layout {
    framework_id: String,
    framework_sha256: String,
    rows: Vec<LayoutRow>,
}

#[derive(Clone, Debug)]
struct LayoutRow {
    cells: Vec<(u16, String, CellKind)>,
    height: f64,
}

#[derive(Clone, Copy, Debug)]
enum CellKind {
    Id,
    Plain,
    Guidance,
}

impl Layout {
    pub fn new(f: &Framework) -> Layout {
        let rows = f
            .questions
            .iter()
            .map(|q| {
                let category = &f.categories[q.category_index];
                let domain = &f.domains[q.domain_index];
                let mut question = text_both(&q.text);
                if q.allow_na {
                    question.push_str("\n[N/A allowed · អាចឆ្លើយ N/A]");
                }
                let mut cells = vec![
                    (COL_ID, q.id.clone(), CellKind::Id),
                    (COL_DOMAIN, text_both(&domain.name), CellKind::Plain),
                    (COL_CATEGORY, text_both(&category.name), CellKind::Plain),
                    (COL_QUESTION, question, CellKind::Plain),
                ];
                for level in &f.scale {
                    let at = |lang: &str| {
                        q.guidance
                            .get(lang)
                            .and_then(|g| g.get(level.level as usize))
                            .map(String::as_str)
                    };
                    let text = match at("en") {
                        Some(en) => bilingual(en, at("km")),
                        // No question-specific guidance: the scale's general description
                        // still tells the agency what the level means.
                        None => level
                            .description
                            .as_ref()
                            .map(text_both)
                            .unwrap_or_default(),
                    };
                    cells.push((COL_GUIDANCE + level.level as u16, text, CellKind::Guidance));
                }
                let height = row_height(cells.iter().map(|(c, t, _)| (t.as_str(), col_width(*c))));
                LayoutRow { cells, height }
            })
            .collect();
        Layout {
            framework_id: f.id.clone(),
            framework_sha256: f.sha256.clone(),
            rows,
        }
    }

    fn fits(&self, f: &Framework) -> bool {
        self.framework_id == f.id
            && self.framework_sha256 == f.sha256
            && self.rows.len() == f.questions.len()
    }
}

fn write_assessment(
    ws: &mut Worksheet,
    f: &Framework,
    layout: &Layout,
    rows: &[FilledRow],
    sheet_name: &str,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(sheet_name)?;
    for (col, width) in WIDTHS {
        ws.set_column_width(col, width)?;
    }
    let header: [(&str, &str); 7] = [
        ("question_id", "លេខសំណួរ"),
        ("domain", "ផ្នែក"),
        ("category", "ប្រភេទ"),
        ("question", "សំណួរ"),
        ("level", "កម្រិត (ជ្រើសរើស)"),
        ("evidence", "ភស្តុតាង"),
        ("comment", "មតិយោបល់"),
    ];
    let hr = ASSESSMENT_HEADER_ROW;
    for (col, (en, km)) in header.iter().enumerate() {
        ws.write_string_with_format(hr - 1, col as u16, *km, &s.header_km)?;
        ws.write_string_with_format(hr, col as u16, *en, &s.header)?;
    }
    for level in &f.scale {
        let col = COL_GUIDANCE + level.level as u16;
        ws.set_column_width(col, GUIDANCE_WIDTH)?;
        let km = if level.label.has("km") {
            format!(
                "{} - {} (ការណែនាំ)",
                khmer_digits(level.level),
                level.label.get("km")
            )
        } else {
            "ការណែនាំ".to_string()
        };
        ws.write_string_with_format(hr - 1, col, &km, &s.header_km)?;
        ws.write_string_with_format(
            hr,
            col,
            format!("{} (guidance)", f.level_choice(level.level)),
            &s.header,
        )?;
    }
    fit_row(
        ws,
        hr - 1,
        &header
            .iter()
            .enumerate()
            .map(|(c, (_, km))| (*km, col_width(c as u16)))
            .collect::<Vec<_>>(),
    )?;

    for (i, fixed) in layout.rows.iter().enumerate() {
        let row = hr + 1 + i as u32;
        for (col, text, kind) in &fixed.cells {
            let format = match kind {
                CellKind::Id => &s.id,
                CellKind::Plain => &s.cell,
                CellKind::Guidance => &s.guidance,
            };
            ws.write_string_with_format(row, *col, text, format)?;
        }
        let filled = rows.get(i);
        let mut answers: Vec<(&str, f64)> = Vec::new();
        match filled.map(|r| &r.level) {
            Some(LevelCell::Number(n)) => {
                ws.write_number_with_format(row, COL_LEVEL, *n, &s.level)?;
            }
            Some(LevelCell::Text(t)) => {
                ws.write_string_with_format(row, COL_LEVEL, t, &s.level)?;
                answers.push((t, col_width(COL_LEVEL)));
            }
            Some(LevelCell::Blank) | None => {
                ws.write_blank(row, COL_LEVEL, &s.level)?;
            }
        }
        for (col, value) in [
            (COL_EVIDENCE, filled.and_then(|r| r.evidence.as_deref())),
            (COL_COMMENT, filled.and_then(|r| r.comment.as_deref())),
        ] {
            match value {
                Some(v) => {
                    ws.write_string_with_format(row, col, v, &s.answer)?;
                    answers.push((v, col_width(col)));
                }
                None => {
                    ws.write_blank(row, col, &s.answer)?;
                }
            }
        }
        let height = row_height(answers.into_iter()).max(fixed.height);
        ws.set_row_height(row, height)?;
    }

    add_level_validations(ws, f)?;
    ws.set_freeze_panes(hr + 1, COL_QUESTION)?;
    ws.set_selection(hr + 1, COL_LEVEL, hr + 1, COL_LEVEL)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, hr)?;
    protect(ws);
    Ok(())
}

/// Dropdowns on the `level` column: the scale's choices, plus `N/A` on the rows whose
/// question allows it. Consecutive rows with the same list share one validation.
fn add_level_validations(ws: &mut Worksheet, f: &Framework) -> Result<(), XlsxError> {
    let choices: Vec<String> = f.scale.iter().map(|l| f.level_choice(l.level)).collect();
    let mut with_na = choices.clone();
    with_na.push(NA_CHOICE.to_string());
    let first = ASSESSMENT_HEADER_ROW + 1;
    let mut start = 0usize;
    while start < f.questions.len() {
        let na = f.questions[start].allow_na;
        let mut end = start;
        while end + 1 < f.questions.len() && f.questions[end + 1].allow_na == na {
            end += 1;
        }
        let list = if na { &with_na } else { &choices };
        let validation = level_validation(list, na, f.max_level())?;
        ws.add_data_validation(
            first + start as u32,
            COL_LEVEL,
            first + end as u32,
            COL_LEVEL,
            &validation,
        )?;
        start = end + 1;
    }
    Ok(())
}

fn level_validation(list: &[String], na: bool, max: u8) -> Result<DataValidation, XlsxError> {
    let joined: usize = list.iter().map(|c| c.chars().count() + 1).sum();
    // Excel limits a literal list to 255 characters; a framework with long level labels
    // falls back to the bare numbers, which ingestion reads just the same.
    let validation = if joined <= MAX_LIST_CHARS {
        DataValidation::new().allow_list_strings(list)?
    } else {
        let mut numbers: Vec<String> = (0..=max).map(|l| l.to_string()).collect();
        if na {
            numbers.push(NA_CHOICE.to_string());
        }
        DataValidation::new().allow_list_strings(&numbers)?
    };
    let range = if na {
        format!("0-{max} or N/A")
    } else {
        format!("0-{max}")
    };
    Ok(validation
        .set_input_title("Level · កម្រិត")?
        .set_input_message(format!("Choose {range} from the list.\nជ្រើសរើសពីបញ្ជី។"))?
        .set_error_title("Not a level · មិនមែនជាកម្រិត")?
        .set_error_message(format!(
            "Choose {range} from the dropdown list.\nសូមជ្រើសរើសកម្រិតពីបញ្ជីជម្រើស។"
        ))?
        .set_error_style(DataValidationErrorStyle::Stop))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::builtin;

    fn kh() -> Framework {
        builtin("kh-ncmf").expect("built-in").expect("loads")
    }

    #[test]
    fn same_inputs_give_same_bytes() {
        let f = kh();
        let p = template_profile(&f, None, Some("2026"));
        let a = template_bytes(&f, &p, None).unwrap();
        let b = template_bytes(&f, &p, None).unwrap();
        assert_eq!(a, b);
        let mut other = p.clone();
        other.cycle = Some("2027".into());
        assert_ne!(a, template_bytes(&f, &other, None).unwrap());
    }

    #[test]
    fn a_shared_layout_gives_the_same_bytes() {
        let f = kh();
        let p = template_profile(&f, None, Some("2026"));
        let layout = Layout::new(&f);
        let shared = Template::new(&f, p.clone())
            .with_layout(&layout)
            .unwrap()
            .to_bytes()
            .unwrap();
        assert_eq!(shared, template_bytes(&f, &p, None).unwrap());

        let csf = builtin("nist-csf-2.0").expect("built-in").expect("loads");
        let err = Template::new(&csf, p).with_layout(&layout).unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to build workbook (layout of framework kh-ncmf used for framework nist-csf-2.0)"
        );
    }

    #[test]
    fn answer_rows_must_match_the_questions() {
        let f = kh();
        let p = template_profile(&f, None, None);
        let err = template_bytes(&f, &p, Some(&[AnswerRow::default()])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to fill workbook (1 answer rows given, framework kh-ncmf has 87 questions)"
        );
    }

    #[test]
    fn dropdown_text_parses_back_as_its_level() {
        let f = kh();
        assert_eq!(
            LevelCell::from_answer(&f, Answer::Level(3)),
            LevelCell::Text("3 - Defined".into())
        );
        assert_eq!(
            LevelCell::from_answer(&f, Answer::NotApplicable),
            LevelCell::Text("N/A".into())
        );
        assert_eq!(
            LevelCell::from_answer(&f, Answer::Unanswered),
            LevelCell::Blank
        );
    }

    #[test]
    fn long_level_labels_fall_back_to_numbers() {
        let long: Vec<String> = (0..6)
            .map(|l| format!("{l} - {}", "x".repeat(60)))
            .collect();
        // Building must succeed (rust_xlsxwriter refuses lists over 255 characters).
        assert!(level_validation(&long, true, 5).is_ok());
        assert!(DataValidation::new().allow_list_strings(&long).is_err());
    }

    #[test]
    fn khmer_digits_for_levels() {
        assert_eq!(khmer_digits(5), "៥");
        assert_eq!(khmer_digits(10), "១០");
    }
}
