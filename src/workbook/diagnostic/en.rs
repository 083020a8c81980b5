//! Diagnostics in English: one sentence per [`Kind`], the wording the CLI has always printed.

use super::{CellKind, Diagnostic, Document, Kind, Rendered, Returned};
use crate::workbook::a1;
use crate::workbook::ingest::guard::mib;

/// `message` ends with `hint`, joined by `glue`.
fn hinted(message: String, glue: &str, hint: String) -> Rendered {
    Rendered {
        message: format!("{message}{glue}{hint}"),
        hint: Some(hint),
    }
}

fn list(items: &[String]) -> String {
    items.join(", ")
}

/// How a refused level cell is quoted: `"2.5"`, `TRUE (a boolean)`, ...
fn quoted(value: CellKind, found: &str) -> String {
    match value {
        CellKind::Empty => "an empty cell".to_string(),
        CellKind::Number | CellKind::Text => format!("\"{found}\""),
        CellKind::Boolean => format!("{found} (a boolean)"),
        CellKind::Date => format!("\"{found}\" (a date-formatted cell)"),
        CellKind::ErrorValue => format!("the error value {found}"),
        CellKind::FormulaNoValue => format!("a formula with no cached value ({found})"),
    }
}

/// What a level cell must hold, for a scale `0..=max` (SPEC section 4).
pub fn expected_level(max: u8, allow_na: bool) -> String {
    let example = max.min(3);
    if allow_na {
        format!("expected a whole level 0–{max}, a label like \"{example} - ...\", or N/A")
    } else {
        format!(
            "expected a whole level 0–{max} or a label like \"{example} - ...\" (this question does not allow N/A)"
        )
    }
}

pub fn render(d: &Diagnostic) -> Rendered {
    let found = d.found.as_deref().unwrap_or("");
    let expected = d.expected.as_deref().unwrap_or("");
    let plain = Rendered::plain;
    match &d.kind {
        Kind::UnreadableFile { cause } => plain(format!("failed to read file ({cause})")),
        Kind::EmptyFile => plain("empty file (0 bytes)".into()),
        Kind::FileTooLarge { size, limit } => {
            let hint = "see --max-file-mib".to_string();
            let message = match size {
                Some(size) => format!(
                    "file is too large ({}; limit {}, {hint})",
                    mib(*size),
                    mib(*limit)
                ),
                None => format!("file is too large (over {}, {hint})", mib(*limit)),
            };
            Rendered {
                message,
                hint: Some(hint),
            }
        }
        Kind::Encrypted => hinted(
            "encrypted (password-protected) workbook".into(),
            "; ",
            "save it without a password and send it again".into(),
        ),
        Kind::OldExcelFormat => hinted(
            "an Excel 2.x-4.x worksheet, an old format posture cannot read".into(),
            "; ",
            "open it in a spreadsheet application, save it as .xlsx and send it again".into(),
        ),
        Kind::NotASpreadsheet { what } => {
            let formats = "not an .xlsx, .xlsb, .xls or .ods workbook";
            plain(match what {
                None => format!("not a spreadsheet ({formats})"),
                Some(what) => {
                    let what = match what {
                        Document::Word => "a Word document",
                        Document::PowerPoint => "a PowerPoint presentation",
                        Document::Zip => "a zip archive without a workbook inside",
                    };
                    format!("not a spreadsheet ({what}, {formats})")
                }
            })
        }
        Kind::NoWorkbookStream => plain(
            "not an Excel workbook (the .xls container holds no workbook stream)".into(),
        ),
        Kind::TooManyZipMembers { members, limit } => plain(format!(
            "not a plausible workbook: the zip container has {members} members (limit {limit})"
        )),
        Kind::MemberDeclaresTooMuch {
            member,
            size,
            limit,
        } => Rendered {
            message: format!(
            "zip member `{member}` declares {} when inflated (limit {}, see --max-member-mib); possible compression bomb",
            mib(*size),
            mib(*limit)
        ),
            hint: Some("see --max-member-mib".into()),
        },
        Kind::MembersDeclareTooMuch { size, limit } => Rendered {
            message: format!(
            "zip members declare {} in all when inflated (limit {}, see --max-inflated-mib); possible compression bomb",
            mib(*size),
            mib(*limit)
        ),
            hint: Some("see --max-inflated-mib".into()),
        },
        Kind::MemberInflatesPastDeclared { member, declared } => plain(format!(
            "zip member `{member}` inflates past the {} it declares; compression bomb",
            mib(*declared)
        )),
        Kind::MemberInflatesPastLimit {
            member,
            limit,
            declared,
        } => Rendered {
            message: format!(
            "zip member `{member}` inflates past the limit of {} (see --max-member-mib) although it declares {}; compression bomb",
            mib(*limit),
            mib(*declared)
        ),
            hint: Some("see --max-member-mib".into()),
        },
        Kind::MembersInflatePastLimit { limit, declared } => Rendered {
            message: format!(
            "zip members inflate past the limit of {} in all (see --max-inflated-mib) although they declare {}; compression bomb",
            mib(*limit),
            mib(*declared)
        ),
            hint: Some("see --max-inflated-mib".into()),
        },
        Kind::RepeatsTooLarge { cells } => plain(format!(
            "sheet expands to more than {cells} cells through repeated rows or columns; refusing to expand it"
        )),
        Kind::SheetTooLarge {
            sheet,
            rows,
            cols,
            max_cells,
        } => {
            let which = sheet
                .as_deref()
                .map_or_else(|| "a sheet".to_string(), |s| format!("sheet `{s}`"));
            hinted(
                format!(
                    "{which} spans {rows} rows x {cols} columns, more than posture reads ({max_cells} cells)"
                ),
                "; ",
                "delete the cells far outside the table, save it and send it again".into(),
            )
        }
        Kind::CorruptZip { cause } => plain(format!(
            "corrupt or truncated workbook (failed to read the zip container: {cause})"
        )),
        Kind::CorruptXls { cause } => plain(format!("corrupt .xls workbook ({cause})")),
        Kind::RepackageFailed { cause } => {
            plain(format!("could not re-package the .xls workbook ({cause})"))
        }
        Kind::UnreadableWorkbook { format, cause } => plain(format!(
            "corrupt or unreadable .{format} workbook ({cause})"
        )),
        Kind::ParserFailed => plain("corrupt workbook (the spreadsheet parser failed on it)".into()),
        Kind::SheetReadFailed { cause } => plain(format!("failed to read sheet ({cause})")),
        Kind::UnreadableSheet { sheet, cause } => {
            let inner = render(&Diagnostic::error((**cause).clone()));
            Rendered {
                message: format!("sheet `{sheet}`: {}", inner.message),
                hint: inner.hint,
            }
        }
        Kind::TooManyRows { sheet, limit, row } => {
            let hint = "see --max-rows".to_string();
            Rendered {
                message: format!(
                    "sheet `{sheet}` has more than {limit} rows (a value at row {row}; {hint})"
                ),
                hint: Some(hint),
            }
        }
        Kind::NotAPostureWorkbook { what, sheets } => {
            let [first, second] = what.sheets();
            plain(format!(
                "not {}: it has {}; expected {first} and {second}",
                match what {
                    Returned::Submission => "a posture workbook",
                    Returned::ActionPlan => "an action plan",
                    Returned::Verification => "a verification workbook",
                },
                match sheets.as_slice() {
                    [] => "no sheets".to_string(),
                    [one] => format!("one sheet, {one}"),
                    many => format!("sheets {}", list(many)),
                }
            ))
        }
        Kind::MissingSheet { present } => plain(format!(
            "missing sheet `{}` (the workbook has: {})",
            d.sheet.as_deref().unwrap_or(""),
            if present.is_empty() {
                "no sheets".to_string()
            } else {
                list(present)
            }
        )),
        Kind::MissingProfileField { field, rows } => plain(format!(
            "missing required field `{field}` (expected a row with `{field}` in column A and its value in column B, within the first {rows} rows)"
        )),
        Kind::EmptyProfileField { field } => {
            plain(format!("required field `{field}` is empty"))
        }
        Kind::FrameworkMismatch => {
            let hint = "use --framework to choose another".to_string();
            Rendered {
                message: format!(
                    "found framework_id \"{found}\"; expected \"{expected}\" (the framework being scored; {hint})"
                ),
                hint: Some(hint),
            }
        }
        Kind::FrameworkVersionMismatch { framework } => {
            let hint = format!("fill in a template of version {expected}");
            Rendered {
                message: format!(
                    "found framework_version \"{found}\"; expected \"{expected}\" (a workbook made for another version of {framework} has other questions or weights; {hint})"
                ),
                hint: Some(hint),
            }
        }
        Kind::FrameworkPatchDiffers { framework } => plain(format!(
            "framework_version \"{found}\" differs from {framework} {expected} in the patch number only; scored against {expected}"
        )),
        Kind::UnknownAgency { registry_agencies } => plain(format!(
            "agency_id \"{found}\" is not in the registry ({registry_agencies} agencies); expected one of its agency ids"
        )),
        Kind::SectorDiffers { agency } => plain(format!(
            "sector \"{found}\" differs from the registry's \"{expected}\" for {agency}; the registry's sector is used (it sets the target)"
        )),
        Kind::MissingHeaderRow { rows } => plain(format!(
            "missing header row: none of the first {rows} rows has a cell `question_id`"
        )),
        Kind::DuplicateColumn { first_col } => plain(format!(
            "duplicate column `{found}` (also at {}); expected each header once",
            a1(d.row.unwrap_or(0), *first_col)
        )),
        Kind::MissingColumn { column } => plain(format!(
            "missing column `{column}` in the header row {}",
            u64::from(d.row.unwrap_or(0)) + 1
        )),
        Kind::UnknownQuestion { framework, version } => plain(format!(
            "found question id \"{found}\"; expected a question of {framework} {version} (it has no such question)"
        )),
        Kind::DuplicateQuestion {
            first_row,
            first_col,
        } => plain(format!(
            "question {found} appears twice (first at {}); expected one row per question",
            a1(*first_row, *first_col)
        )),
        Kind::BadLevel {
            value,
            max,
            allow_na,
        } => plain(format!(
            "found {}; {}",
            quoted(*value, found),
            expected_level(*max, *allow_na)
        )),
        Kind::MissingQuestionRows { missing, total } => plain(format!(
            "{} of {total} questions have no row and count as unanswered: {}",
            missing.len(),
            list(missing)
        )),
        Kind::NoAnswers => plain(
            "no answers: every question is unanswered (an empty template sent back by mistake?)"
                .into(),
        ),
        Kind::DuplicateSubmission { kept } => plain(format!(
            "duplicate of {kept} (identical bytes); counted once, as {kept}"
        )),
        Kind::ConflictingSubmissions {
            what,
            agency,
            cycle,
            file,
            others,
        } => {
            let (files, one) = match what {
                Returned::Submission => ("submissions", "send one workbook"),
                Returned::ActionPlan => ("action plans", "send one plan"),
                Returned::Verification => {
                    ("verification workbooks", "keep one verification workbook")
                }
            };
            hinted(
                format!(
                    "conflicting {files} for agency {agency}, cycle {cycle}: {file} and {} have different contents",
                    list(others)
                ),
                "; ",
                format!("{one} per agency and cycle"),
            )
        }
        Kind::PlanWrongAgency { agencies } => plain(format!(
            "found agency_id \"{found}\"; expected an agency with a plan from its previous cycle ({agencies} plans expected)"
        )),
        Kind::PlanWrongCycle => plain(format!(
            "found cycle \"{found}\"; expected \"{expected}\" (the cycle of this agency's plan)"
        )),
        Kind::PlanUnknownQuestion => plain(format!(
            "found question id \"{found}\"; expected a question of the plan (it has no such row)"
        )),
        Kind::PlanChangedCell { column } => plain(format!(
            "`{column}` changed: found \"{found}\"; expected \"{expected}\" as posture wrote it"
        )),
        Kind::PlanBadDue { value } => plain(format!(
            "due is {}; expected a date cell or YYYY-MM-DD text",
            quoted(*value, found)
        )),
        Kind::PlanBadStatus => plain(format!(
            "found status \"{found}\"; expected one of: {expected}"
        )),
        Kind::VerificationUnknownAgency { agencies } => plain(format!(
            "found agency_id \"{found}\"; expected an agency scored in the inputs ({agencies} scored), since a verification checks a scored submission"
        )),
        Kind::VerificationWrongCycle { agency } => plain(format!(
            "found cycle \"{found}\"; expected a cycle in which {agency} was scored ({expected})"
        )),
        Kind::ClaimChanged => {
            let expected = if expected.is_empty() {
                "an empty cell (the question is unanswered in the submission)".to_string()
            } else {
                format!("\"{expected}\" (the submission's answer)")
            };
            let found = if found.is_empty() {
                "an empty cell".to_string()
            } else {
                format!("\"{found}\"")
            };
            hinted(
                format!("claimed_level was edited: found {found}; expected {expected}"),
                "; ",
                "the claim is locked: send the workbook back with the claim as posture wrote it".into(),
            )
        }
        Kind::NothingVerified => plain(
            "no verified_level is filled in: the agency counts as verified with no pairs".into(),
        ),
    }
}
