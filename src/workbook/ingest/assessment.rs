//! The Assessment sheet (SPEC section 4): find the header row, map the columns by name,
//! and turn each row into an answer aligned with the framework's questions.

use super::level::parse_level;
use super::sheet::{header_row, question_rows, Grid, HeaderColumns};
use crate::framework::Framework;
use crate::workbook::{Answer, AnswerCells, AnswerRow, Diagnostic, Kind, Submission};

pub const SHEET: &str = "Assessment";
/// The header row is looked for in rows 1 to 20.
pub const HEADER_ROWS: u32 = 20;

/// The columns [`parse`] reads; the sheet reader copies no other cell below the header.
/// `wanted` sees a header cell as [`header`] does (trimmed), and matches it the same way.
pub const COLUMNS: HeaderColumns = HeaderColumns {
    search_rows: HEADER_ROWS,
    is_key: is_question_id_header,
    wanted: |text| {
        ["question_id", "level", "evidence", "comment"].contains(&text.to_lowercase().as_str())
    },
};

fn is_question_id_header(text: &str) -> bool {
    text.trim().eq_ignore_ascii_case("question_id")
}

struct Columns {
    question_id: u32,
    level: u32,
    evidence: Option<u32>,
    comment: Option<u32>,
}

/// Find the header row and its columns; errors go to `diags`.
fn header(grid: &Grid, diags: &mut Vec<Diagnostic>) -> Option<(u32, Columns)> {
    let (row, by_name) = header_row(grid, HEADER_ROWS, &["level"], diags)?;
    Some((
        row,
        Columns {
            question_id: by_name.get("question_id").copied().unwrap_or(0),
            level: by_name["level"],
            evidence: by_name.get("evidence").copied(),
            comment: by_name.get("comment").copied(),
        },
    ))
}

/// The warning for the framework questions that have no row among `rows` (the sheet's
/// question rows, from [`question_rows`]); `None` when every question has one.
pub(crate) fn missing_question_rows(
    framework: &Framework,
    rows: &[(u32, usize)],
    sheet: &str,
) -> Option<Diagnostic> {
    let mut found = vec![false; framework.questions.len()];
    for &(_, q) in rows {
        found[q] = true;
    }
    let missing: Vec<String> = framework
        .questions
        .iter()
        .zip(found)
        .filter(|(_, found)| !found)
        .map(|(q, _)| q.id.clone())
        .collect();
    (!missing.is_empty()).then(|| {
        Diagnostic::warning(Kind::MissingQuestionRows {
            missing,
            total: framework.questions.len(),
        })
        .in_sheet(sheet)
    })
}

/// Read the answers, one per framework question (in framework order).
pub fn parse(grid: &Grid, framework: &Framework, diags: &mut Vec<Diagnostic>) -> Vec<AnswerRow> {
    parse_located(grid, framework, diags).0
}

/// [`parse`], and where each answer was found.
pub fn parse_located(
    grid: &Grid,
    framework: &Framework,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<AnswerRow>, AnswerCells) {
    let sheet = grid.name.as_str();
    let mut answers = vec![AnswerRow::default(); framework.questions.len()];
    let mut cells = AnswerCells {
        sheet: sheet.to_string(),
        rows: vec![None; framework.questions.len()],
        ..AnswerCells::default()
    };
    let Some((header_row, cols)) = header(grid, diags) else {
        return (answers, cells);
    };
    cells.level_col = cols.level;
    cells.evidence_col = cols.evidence;
    let mut level_errors = 0usize;
    let max = framework.max_level();
    let rows = question_rows(
        grid,
        header_row,
        cols.question_id,
        &[],
        |id| framework.question_index(id),
        || Kind::UnknownQuestion {
            framework: framework.id.clone(),
            version: framework.version.clone(),
        },
        diags,
    );
    for &(row, q) in &rows {
        cells.rows[q] = Some(row);
        let question = &framework.questions[q];
        let answer = match parse_level(grid.get(row, cols.level), max, question.allow_na) {
            Ok(a) => a,
            Err(e) => {
                level_errors += 1;
                diags.push((*e).in_sheet(sheet).at(row, cols.level));
                Answer::Unanswered
            }
        };
        let text = |col: Option<u32>| col.and_then(|c| grid.get(row, c).as_text());
        answers[q] = AnswerRow {
            answer,
            evidence: text(cols.evidence),
            comment: text(cols.comment),
        };
    }
    diags.extend(missing_question_rows(framework, &rows, sheet));
    if Submission::count_answered(&answers) == 0 && level_errors == 0 {
        diags.push(Diagnostic::error(Kind::NoAnswers).in_sheet(sheet));
    }
    (answers, cells)
}
