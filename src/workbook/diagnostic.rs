//! Diagnostics about a workbook as data: what went wrong ([`Kind`]), where (sheet, zero-based
//! row and column), the value as found and the value expected. Nothing here is a sentence.
//! Sentences are rendered per language, one module each ([`en`], [`km`]), and every output
//! renders through this module: [`Diagnostic::line`] for the terminal,
//! [`Diagnostic::json`] for the exports (SPEC section 6) and [`Diagnostic::message`] for the
//! report annex. A new language is one more module with one sentence per kind.

mod en;
mod km;

use serde::ser::SerializeMap;
use serde::Serialize;

use super::a1;
use crate::lang::Lang;

/// How bad a diagnostic is. Any error rejects the workbook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// What a refused `level` cell held, which decides how its value is quoted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CellKind {
    Empty,
    Number,
    Text,
    Boolean,
    /// A date- or time-formatted cell.
    Date,
    /// An error value such as `#REF!`.
    ErrorValue,
    /// A formula with no cached value; `found` is the formula.
    FormulaNoValue,
}

/// What a non-workbook zip or container turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Document {
    Word,
    PowerPoint,
    /// A zip archive with no workbook part inside.
    Zip,
}

/// One variant per distinct problem. File-level kinds carry their figures in the variant;
/// kinds about a cell put the cell's value in [`Diagnostic::found`] and the value it should
/// have had in [`Diagnostic::expected`], and carry only the rest here. Sizes are bytes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    // The file as a whole: no sheet, no cell (SPEC section 4, "bad files").
    /// The file could not be read from disk; `cause` is the system's error.
    UnreadableFile {
        cause: String,
    },
    EmptyFile,
    /// `size` is known when the whole file was read (it is not, when reading stopped at
    /// the limit).
    FileTooLarge {
        size: Option<u64>,
        limit: u64,
    },
    Encrypted,
    /// An Excel 2.x–4.x worksheet.
    OldExcelFormat,
    /// Neither a zip package nor a Compound File; `what` names the document when known.
    NotASpreadsheet {
        what: Option<Document>,
    },
    /// A Compound File (`.xls`) container without a workbook stream.
    NoWorkbookStream,
    TooManyZipMembers {
        members: usize,
        limit: usize,
    },
    /// One zip member declares more than the member limit when inflated.
    MemberDeclaresTooMuch {
        member: String,
        size: u64,
        limit: u64,
    },
    /// The members declare more than the total limit together.
    MembersDeclareTooMuch {
        size: u64,
        limit: u64,
    },
    /// A member inflated past the size it declares.
    MemberInflatesPastDeclared {
        member: String,
        declared: u64,
    },
    MemberInflatesPastLimit {
        member: String,
        limit: u64,
        declared: u64,
    },
    MembersInflatePastLimit {
        limit: u64,
        declared: u64,
    },
    /// `.ods` repeat attributes that would expand past `cells` in all.
    RepeatsTooLarge {
        cells: u64,
    },
    /// A sheet spans more than `max_cells` (`sheet` is unknown for `.xls` sheets measured
    /// before their names are read).
    SheetTooLarge {
        sheet: Option<String>,
        rows: u64,
        cols: u64,
        max_cells: u64,
    },
    /// The zip container is corrupt or truncated.
    CorruptZip {
        cause: String,
    },
    /// The `.xls` Compound File container is corrupt.
    CorruptXls {
        cause: String,
    },
    /// The `.xls` workbook stream could not be put into a fresh container.
    RepackageFailed {
        cause: String,
    },
    /// The spreadsheet parser refused the workbook; `format` is `xlsx`, `xlsb`, `xls`, `ods`.
    UnreadableWorkbook {
        format: &'static str,
        cause: String,
    },
    /// The spreadsheet parser failed on the workbook (a caught panic).
    ParserFailed,
    /// The parser could not read a sheet's cells.
    SheetReadFailed {
        cause: String,
    },
    /// A sheet could not be read; `cause` says why.
    UnreadableSheet {
        sheet: String,
        cause: Box<Kind>,
    },
    TooManyRows {
        sheet: String,
        limit: u32,
        row: u64,
    },
    /// A readable spreadsheet with neither of the two sheets `what` needs (Profile and
    /// Assessment for a submission).
    NotAPostureWorkbook {
        what: Returned,
        sheets: Vec<String>,
    },

    // A sheet (the diagnostic's sheet is the one missing).
    MissingSheet {
        present: Vec<String>,
    },

    // The Profile sheet.
    /// No row names the field (no cell).
    MissingProfileField {
        field: &'static str,
        rows: u32,
    },
    /// The field's row is there, its value cell is empty.
    EmptyProfileField {
        field: &'static str,
    },
    /// found: framework_id; expected: the framework being scored.
    FrameworkMismatch,
    /// found: framework_version; expected: the version being scored.
    FrameworkVersionMismatch {
        framework: String,
    },
    /// A warning: only the patch number differs. found, expected as above.
    FrameworkPatchDiffers {
        framework: String,
    },
    /// found: agency_id.
    UnknownAgency {
        registry_agencies: usize,
    },
    /// A warning. found: the Profile's sector; expected: the registry's.
    SectorDiffers {
        agency: String,
    },

    // The Assessment sheet.
    MissingHeaderRow {
        rows: u32,
    },
    /// found: the header, lower case; `first_col` is its first column in the same row.
    DuplicateColumn {
        first_col: u32,
    },
    /// At the `question_id` header cell: a column the sheet needs (`level` in a submission,
    /// `status` in a plan, `verified_level` in a verification workbook) is missing.
    MissingColumn {
        column: &'static str,
    },
    /// found: the question id.
    UnknownQuestion {
        framework: String,
        version: String,
    },
    /// found: the question id, at its second row.
    DuplicateQuestion {
        first_row: u32,
        first_col: u32,
    },
    /// found: the cell's value; expected: the levels accepted (`0–5`, `0–5, N/A`).
    BadLevel {
        value: CellKind,
        max: u8,
        allow_na: bool,
    },
    /// A warning: questions of the framework with no row.
    MissingQuestionRows {
        missing: Vec<String>,
        total: usize,
    },
    NoAnswers,

    // The batch (SPEC section 4, duplicates).
    /// A warning: identical bytes to `kept`, which is scored.
    DuplicateSubmission {
        kept: String,
    },
    /// Two accepted files of `what` for one agency (and cycle) with different contents.
    ConflictingSubmissions {
        what: Returned,
        agency: String,
        cycle: String,
        file: String,
        others: Vec<String>,
    },

    // Returned action plans (SPEC section 11).
    /// found: the Profile's agency_id; `agencies` is how many plans this report expects.
    PlanWrongAgency {
        agencies: usize,
    },
    /// found: the Profile's cycle; expected: the cycle of the agency's plan.
    PlanWrongCycle,
    /// found: the question id, not one of the plan's rows.
    PlanUnknownQuestion,
    /// found: the cell as returned; expected: what posture wrote there.
    PlanChangedCell {
        column: &'static str,
    },
    /// found: the `due` cell's value.
    PlanBadDue {
        value: CellKind,
    },
    /// found: the `status` cell's value; expected: the choices.
    PlanBadStatus,

    // Returned verification workbooks (SPEC section 10).
    /// found: the Profile's agency_id, which no scored submission of the inputs has;
    /// `agencies` is how many agencies were scored.
    VerificationUnknownAgency {
        agencies: usize,
    },
    /// found: the Profile's cycle; expected: the cycles in which `agency` was scored.
    VerificationWrongCycle {
        agency: String,
    },
    /// found: the `claimed_level` cell as returned; expected: the submission's answer as
    /// the dropdown writes it (empty for an unanswered question).
    ClaimChanged,
    /// A warning, at the `verified_level` header: no question has a verified level.
    NothingVerified,
}

/// The kind of workbook a file was sent back as: what a whole-file diagnostic names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Returned {
    /// A self-assessment (SPEC section 4).
    Submission,
    /// A returned action plan (SPEC section 11).
    ActionPlan,
    /// A returned verification workbook (SPEC section 10).
    Verification,
}

impl Returned {
    /// The two sheets a workbook of this kind has.
    pub fn sheets(self) -> [&'static str; 2] {
        match self {
            Returned::Submission => ["Profile", "Assessment"],
            Returned::ActionPlan => ["Profile", "Plan"],
            Returned::Verification => ["Profile", "Verification"],
        }
    }
}

impl Kind {
    /// The kind's stable name in the JSON exports (`bad_level`).
    pub fn code(&self) -> &'static str {
        match self {
            Kind::UnreadableFile { .. } => "unreadable_file",
            Kind::EmptyFile => "empty_file",
            Kind::FileTooLarge { .. } => "file_too_large",
            Kind::Encrypted => "encrypted",
            Kind::OldExcelFormat => "old_excel_format",
            Kind::NotASpreadsheet { .. } => "not_a_spreadsheet",
            Kind::NoWorkbookStream => "no_workbook_stream",
            Kind::TooManyZipMembers { .. } => "too_many_zip_members",
            Kind::MemberDeclaresTooMuch { .. } => "member_declares_too_much",
            Kind::MembersDeclareTooMuch { .. } => "members_declare_too_much",
            Kind::MemberInflatesPastDeclared { .. } => "member_inflates_past_declared",
            Kind::MemberInflatesPastLimit { .. } => "member_inflates_past_limit",
            Kind::MembersInflatePastLimit { .. } => "members_inflate_past_limit",
            Kind::RepeatsTooLarge { .. } => "repeats_too_large",
            Kind::SheetTooLarge { .. } => "sheet_too_large",
            Kind::CorruptZip { .. } => "corrupt_zip",
            Kind::CorruptXls { .. } => "corrupt_xls",
            Kind::RepackageFailed { .. } => "repackage_failed",
            Kind::UnreadableWorkbook { .. } => "unreadable_workbook",
            Kind::ParserFailed => "parser_failed",
            Kind::SheetReadFailed { .. } => "sheet_read_failed",
            Kind::UnreadableSheet { .. } => "unreadable_sheet",
            Kind::TooManyRows { .. } => "too_many_rows",
            Kind::NotAPostureWorkbook { .. } => "not_a_posture_workbook",
            Kind::MissingSheet { .. } => "missing_sheet",
            Kind::MissingProfileField { .. } => "missing_profile_field",
            Kind::EmptyProfileField { .. } => "empty_profile_field",
            Kind::FrameworkMismatch => "framework_mismatch",
            Kind::FrameworkVersionMismatch { .. } => "framework_version_mismatch",
            Kind::FrameworkPatchDiffers { .. } => "framework_patch_differs",
            Kind::UnknownAgency { .. } => "unknown_agency",
            Kind::SectorDiffers { .. } => "sector_differs",
            Kind::MissingHeaderRow { .. } => "missing_header_row",
            Kind::DuplicateColumn { .. } => "duplicate_column",
            Kind::MissingColumn { .. } => "missing_column",
            Kind::UnknownQuestion { .. } => "unknown_question",
            Kind::DuplicateQuestion { .. } => "duplicate_question",
            Kind::BadLevel { .. } => "bad_level",
            Kind::MissingQuestionRows { .. } => "missing_question_rows",
            Kind::NoAnswers => "no_answers",
            Kind::DuplicateSubmission { .. } => "duplicate_submission",
            Kind::ConflictingSubmissions { .. } => "conflicting_submissions",
            Kind::PlanWrongAgency { .. } => "plan_wrong_agency",
            Kind::PlanWrongCycle => "plan_wrong_cycle",
            Kind::PlanUnknownQuestion => "plan_unknown_question",
            Kind::PlanChangedCell { .. } => "plan_changed_cell",
            Kind::PlanBadDue { .. } => "plan_bad_due",
            Kind::PlanBadStatus => "plan_bad_status",
            Kind::VerificationUnknownAgency { .. } => "verification_unknown_agency",
            Kind::VerificationWrongCycle { .. } => "verification_wrong_cycle",
            Kind::ClaimChanged => "claim_changed",
            Kind::NothingVerified => "nothing_verified",
        }
    }
}

/// One located finding about a workbook.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub severity: Severity,
    pub kind: Kind,
    /// Sheet name as found in the workbook; `None` for whole-file problems.
    pub sheet: Option<String>,
    /// Zero-based row and column; `None` where the problem has no cell.
    pub row: Option<u32>,
    pub col: Option<u32>,
    /// The value as found, on one line and clipped (see [`Diagnostic::with_found`]).
    pub found: Option<String>,
    /// The value that was expected instead.
    pub expected: Option<String>,
}

/// A diagnostic in words: the one-line message, and the advice it ends with, if any
/// (the message includes it, so a one-line output loses nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub message: String,
    pub hint: Option<String>,
}

impl Rendered {
    fn plain(message: String) -> Self {
        Rendered {
            message,
            hint: None,
        }
    }
}

impl Diagnostic {
    pub fn error(kind: Kind) -> Self {
        Diagnostic::new(Severity::Error, kind)
    }

    pub fn warning(kind: Kind) -> Self {
        Diagnostic::new(Severity::Warning, kind)
    }

    fn new(severity: Severity, kind: Kind) -> Self {
        Diagnostic {
            severity,
            kind,
            sheet: None,
            row: None,
            col: None,
            found: None,
            expected: None,
        }
    }

    pub fn in_sheet(mut self, sheet: &str) -> Self {
        self.sheet = Some(sheet.to_string());
        self
    }

    /// At the zero-based cell (row, col).
    pub fn at(mut self, row: u32, col: u32) -> Self {
        self.row = Some(row);
        self.col = Some(col);
        self
    }

    /// The value as found: control characters become spaces and long text is clipped, so
    /// that one diagnostic stays one readable line.
    pub fn with_found(mut self, found: &str) -> Self {
        self.found = Some(clip(found));
        self
    }

    pub fn with_expected(mut self, expected: &str) -> Self {
        self.expected = Some(expected.to_string());
        self
    }

    /// The A1 reference (`D17`) of the cell, if there is one.
    pub fn cell(&self) -> Option<String> {
        Some(a1(self.row?, self.col?))
    }

    /// `Assessment!D17`, `Profile`, or empty for whole-file problems.
    pub fn location(&self) -> String {
        match (&self.sheet, self.cell()) {
            (Some(s), Some(c)) => format!("{s}!{c}"),
            (Some(s), None) => s.clone(),
            (None, Some(c)) => c,
            (None, None) => String::new(),
        }
    }

    /// The diagnostic in words, in `lang`.
    pub fn render(&self, lang: Lang) -> Rendered {
        match lang {
            Lang::En => en::render(self),
            Lang::Km => km::render(self),
        }
    }

    /// The English message (the JSON `message` of SPEC section 6).
    pub fn message(&self) -> String {
        self.render(Lang::En).message
    }

    /// The terminal line: `Assessment!D17: found "2.5"; expected ...`.
    pub fn line(&self, lang: Lang) -> String {
        let message = self.render(lang).message;
        match self.location().as_str() {
            "" => message,
            at => format!("{at}: {message}"),
        }
    }

    /// The JSON form (SPEC section 6): `sheet`, `cell`, `message`, then `kind`, and
    /// `found`, `expected`, `hint` when there are any.
    pub fn json(&self, lang: Lang) -> Json<'_> {
        Json(self, lang)
    }
}

/// A diagnostic as JSON in one language; see [`Diagnostic::json`].
pub struct Json<'a>(&'a Diagnostic, Lang);

impl Serialize for Json<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Json(d, lang) = *self;
        let Rendered { message, hint } = d.render(lang);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("sheet", &d.sheet)?;
        map.serialize_entry("cell", &d.cell())?;
        map.serialize_entry("message", &message)?;
        map.serialize_entry("kind", d.kind.code())?;
        for (key, value) in [
            ("found", &d.found),
            ("expected", &d.expected),
            ("hint", &hint),
        ] {
            if let Some(v) = value {
                map.serialize_entry(key, v)?;
            }
        }
        map.end()
    }
}

/// In English, for the exports.
impl Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json(Lang::En).serialize(serializer)
    }
}

/// One line of at most 60 characters (then `…`).
fn clip(s: &str) -> String {
    const MAX: usize = 60;
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= MAX {
        one_line
    } else {
        let head: String = one_line.chars().take(MAX).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// One diagnostic of every kind, located and valued as ingestion makes them.
    pub(crate) fn one_of_each() -> Vec<Diagnostic> {
        use Kind::*;
        let file = |k: Kind| Diagnostic::error(k);
        let mib = 1024 * 1024;
        vec![
            file(UnreadableFile {
                cause: "Permission denied (os error 13)".into(),
            }),
            file(EmptyFile),
            file(FileTooLarge {
                size: None,
                limit: 200 * mib,
            }),
            file(FileTooLarge {
                size: Some(250 * mib),
                limit: 200 * mib,
            }),
            file(Encrypted),
            file(OldExcelFormat),
            file(NotASpreadsheet { what: None }),
            file(NotASpreadsheet {
                what: Some(Document::Word),
            }),
            file(NotASpreadsheet {
                what: Some(Document::PowerPoint),
            }),
            file(NotASpreadsheet {
                what: Some(Document::Zip),
            }),
            file(NoWorkbookStream),
            file(TooManyZipMembers {
                members: 20_000,
                limit: 10_000,
            }),
            file(MemberDeclaresTooMuch {
                member: "xl/sharedStrings.xml".into(),
                size: 100 * mib,
                limit: 64 * mib,
            }),
            file(MembersDeclareTooMuch {
                size: 200 * mib,
                limit: 128 * mib,
            }),
            file(MemberInflatesPastDeclared {
                member: "xl/styles.xml".into(),
                declared: 2048,
            }),
            file(MemberInflatesPastLimit {
                member: "xl/styles.xml".into(),
                limit: 64 * mib,
                declared: 2048,
            }),
            file(MembersInflatePastLimit {
                limit: 128 * mib,
                declared: 4096,
            }),
            file(RepeatsTooLarge { cells: 6_400_000 }),
            file(SheetTooLarge {
                sheet: Some("Assessment".into()),
                rows: 65_536,
                cols: 256,
                max_cells: 1 << 20,
            }),
            file(SheetTooLarge {
                sheet: None,
                rows: 65_536,
                cols: 256,
                max_cells: 1 << 20,
            }),
            file(CorruptZip {
                cause: "invalid Zip archive: Could not find EOCD".into(),
            }),
            file(CorruptXls {
                cause: "truncated header".into(),
            }),
            file(RepackageFailed {
                cause: "disk full".into(),
            }),
            file(UnreadableWorkbook {
                format: "xlsx",
                cause: "Xml error".into(),
            }),
            file(ParserFailed),
            file(UnreadableSheet {
                sheet: "Assessment".into(),
                cause: Box::new(SheetReadFailed {
                    cause: "bad record".into(),
                }),
            }),
            file(SheetReadFailed {
                cause: "bad record".into(),
            }),
            file(TooManyRows {
                sheet: "Assessment".into(),
                limit: 100_000,
                row: 100_001,
            }),
            file(NotAPostureWorkbook {
                what: Returned::Submission,
                sheets: vec!["Sheet1".into()],
            }),
            Diagnostic::error(MissingSheet {
                present: vec!["Profile".into(), "Notes".into()],
            })
            .in_sheet("Assessment"),
            Diagnostic::error(MissingProfileField {
                field: "cycle",
                rows: 50,
            })
            .in_sheet("Profile"),
            Diagnostic::error(EmptyProfileField { field: "agency_id" })
                .in_sheet("Profile")
                .at(2, 1),
            Diagnostic::error(FrameworkMismatch)
                .in_sheet("Profile")
                .at(6, 1)
                .with_found("nist-csf-2.0")
                .with_expected("kh-ncmf"),
            Diagnostic::error(FrameworkVersionMismatch {
                framework: "kh-ncmf".into(),
            })
            .in_sheet("Profile")
            .at(7, 1)
            .with_found("2.0.0")
            .with_expected("1.0.1"),
            Diagnostic::warning(FrameworkPatchDiffers {
                framework: "kh-ncmf".into(),
            })
            .in_sheet("Profile")
            .at(7, 1)
            .with_found("1.0.0")
            .with_expected("1.0.1"),
            Diagnostic::error(UnknownAgency {
                registry_agencies: 12,
            })
            .in_sheet("Profile")
            .at(2, 1)
            .with_found("XYZ"),
            Diagnostic::warning(SectorDiffers {
                agency: "MOH".into(),
            })
            .in_sheet("Profile")
            .at(4, 1)
            .with_found("ministry")
            .with_expected("critical-infrastructure"),
            Diagnostic::error(MissingHeaderRow { rows: 20 }).in_sheet("Assessment"),
            Diagnostic::error(DuplicateColumn { first_col: 3 })
                .in_sheet("Assessment")
                .at(2, 5)
                .with_found("level"),
            Diagnostic::error(MissingColumn { column: "level" })
                .in_sheet("Assessment")
                .at(2, 0),
            Diagnostic::error(UnknownQuestion {
                framework: "kh-ncmf".into(),
                version: "1.0.1".into(),
            })
            .in_sheet("Assessment")
            .at(9, 0)
            .with_found("XX.YY-01"),
            Diagnostic::error(DuplicateQuestion {
                first_row: 3,
                first_col: 0,
            })
            .in_sheet("Assessment")
            .at(9, 0)
            .with_found("GOV.PO-01"),
            Diagnostic::error(BadLevel {
                value: CellKind::Number,
                max: 5,
                allow_na: false,
            })
            .in_sheet("Assessment")
            .at(16, 3)
            .with_found("2.5")
            .with_expected("0–5"),
            Diagnostic::warning(MissingQuestionRows {
                missing: vec!["GOV.PO-02".into(), "GOV.PO-03".into()],
                total: 60,
            })
            .in_sheet("Assessment"),
            Diagnostic::error(NoAnswers).in_sheet("Assessment"),
            Diagnostic::warning(DuplicateSubmission {
                kept: "a/moh.xlsx".into(),
            }),
            Diagnostic::error(ConflictingSubmissions {
                what: Returned::Submission,
                agency: "MOH".into(),
                cycle: "2026".into(),
                file: "a/moh.xlsx".into(),
                others: vec!["b/moh.xlsx".into()],
            }),
            file(NotAPostureWorkbook {
                what: Returned::Verification,
                sheets: vec!["Sheet1".into()],
            }),
            Diagnostic::error(VerificationUnknownAgency { agencies: 33 })
                .in_sheet("Profile")
                .at(1, 1)
                .with_found("XYZ"),
            Diagnostic::error(VerificationWrongCycle {
                agency: "MOH".into(),
            })
            .in_sheet("Profile")
            .at(4, 1)
            .with_found("2024")
            .with_expected("2025, 2026"),
            Diagnostic::error(ClaimChanged)
                .in_sheet("Verification")
                .at(6, 2)
                .with_found("4 - Managed")
                .with_expected("3 - Defined"),
            Diagnostic::error(ClaimChanged)
                .in_sheet("Verification")
                .at(7, 2)
                .with_found("2")
                .with_expected(""),
            Diagnostic::warning(NothingVerified)
                .in_sheet("Verification")
                .at(0, 4),
            Diagnostic::error(ConflictingSubmissions {
                what: Returned::Verification,
                agency: "MOH".into(),
                cycle: "2026".into(),
                file: "a/MOH-verify.xlsx".into(),
                others: vec!["b/MOH-verify.xlsx".into()],
            }),
            file(NotAPostureWorkbook {
                what: Returned::ActionPlan,
                sheets: vec!["Sheet1".into()],
            }),
            Diagnostic::error(ConflictingSubmissions {
                what: Returned::ActionPlan,
                agency: "MOH".into(),
                cycle: "2025".into(),
                file: "a/MOH.xlsx".into(),
                others: vec!["b/MOH.xlsx".into()],
            }),
            Diagnostic::error(PlanWrongAgency { agencies: 28 })
                .in_sheet("Profile")
                .at(1, 1)
                .with_found("XYZ"),
            Diagnostic::error(PlanWrongCycle)
                .in_sheet("Profile")
                .at(4, 1)
                .with_found("2024")
                .with_expected("2025"),
            Diagnostic::error(PlanUnknownQuestion)
                .in_sheet("Plan")
                .at(5, 1)
                .with_found("GOA.XX-99"),
            Diagnostic::error(PlanChangedCell { column: "target" })
                .in_sheet("Plan")
                .at(6, 4)
                .with_found("2")
                .with_expected("3"),
            Diagnostic::error(PlanBadDue {
                value: CellKind::Text,
            })
            .in_sheet("Plan")
            .at(4, 8)
            .with_found("end of June")
            .with_expected("YYYY-MM-DD"),
            Diagnostic::error(PlanBadStatus)
                .in_sheet("Plan")
                .at(3, 9)
                .with_found("finished")
                .with_expected("planned, in progress, done, not planned"),
        ]
    }

    /// Every kind's code, once; a new kind must be added here and to [`one_of_each`].
    const CODES: usize = 52;

    #[test]
    fn one_of_each_covers_every_kind() {
        let codes: std::collections::BTreeSet<&str> =
            one_of_each().iter().map(|d| d.kind.code()).collect();
        assert_eq!(codes.len(), CODES, "{codes:?}");
    }

    #[test]
    fn every_kind_has_a_sentence_in_every_language() {
        for lang in Lang::ALL {
            for d in one_of_each() {
                let Rendered { message, hint } = d.render(lang);
                assert!(!message.trim().is_empty(), "{lang:?} {:?}", d.kind);
                assert!(!message.contains('\n'), "{lang:?}: {message}");
                assert!(!message.contains('{'), "{lang:?}: {message}");
                if let Some(hint) = hint {
                    assert!(message.contains(&hint), "{lang:?}: {message} / {hint}");
                }
            }
        }
    }

    #[test]
    fn terminal_lines_carry_the_location() {
        let d = one_of_each();
        let line = |code: &str| {
            d.iter()
                .find(|d| d.kind.code() == code)
                .unwrap()
                .line(Lang::En)
        };
        assert_eq!(
            line("bad_level"),
            "Assessment!D17: found \"2.5\"; expected a whole level 0–5 or a label like \"3 - ...\" (this question does not allow N/A)"
        );
        assert_eq!(
            line("missing_header_row"),
            "Assessment: missing header row: none of the first 20 rows has a cell `question_id`"
        );
        assert_eq!(line("empty_file"), "empty file (0 bytes)");
    }

    #[test]
    fn json_keeps_the_spec_fields_first_and_adds_kind_and_values() {
        let d = Diagnostic::error(Kind::FrameworkMismatch)
            .in_sheet("Profile")
            .at(6, 1)
            .with_found("nist")
            .with_expected("kh-ncmf");
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            concat!(
                r#"{"sheet":"Profile","cell":"B7","#,
                r#""message":"found framework_id \"nist\"; expected \"kh-ncmf\" (the framework being scored; use --framework to choose another)","#,
                r#""kind":"framework_mismatch","found":"nist","expected":"kh-ncmf","#,
                r#""hint":"use --framework to choose another"}"#
            )
        );
        let whole = Diagnostic::error(Kind::EmptyFile);
        assert_eq!(
            serde_json::to_string(&whole).unwrap(),
            r#"{"sheet":null,"cell":null,"message":"empty file (0 bytes)","kind":"empty_file"}"#
        );
        for d in one_of_each() {
            let v = serde_json::to_value(&d).unwrap();
            assert_eq!(v["kind"], d.kind.code());
            assert_eq!(v["message"], d.message());
            assert_eq!(v["cell"].as_str().map(str::to_string), d.cell());
        }
    }

    /// Every kind's terminal line and JSON in every language, against
    /// `tests/ref/diagnostics/<lang>.txt`; POSTURE_UPDATE_REFS=1 rewrites them after an
    /// intended change, and the diff is the review.
    #[test]
    fn every_kind_renders_as_the_references_say() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ref/diagnostics");
        let update = std::env::var_os("POSTURE_UPDATE_REFS").is_some_and(|v| v == "1");
        for lang in Lang::ALL {
            let mut text = String::new();
            for d in one_of_each() {
                let json = serde_json::to_string(&d.json(lang)).unwrap();
                text.push_str(&format!(
                    "{}\n  {}\n  {json}\n",
                    d.kind.code(),
                    d.line(lang)
                ));
            }
            let path = dir.join(format!("{}.txt", lang.code()));
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &text).unwrap();
                continue;
            }
            let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
                panic!("missing {}; run with POSTURE_UPDATE_REFS=1", path.display())
            });
            for (i, (want, got)) in expected.lines().zip(text.lines()).enumerate() {
                assert_eq!(want, got, "{} line {}", path.display(), i + 1);
            }
            assert_eq!(
                expected.lines().count(),
                text.lines().count(),
                "{}",
                path.display()
            );
        }
    }

    #[test]
    fn found_is_one_clipped_line() {
        let long = format!("line one\nline two {}", "x".repeat(200));
        let d = Diagnostic::error(Kind::NoAnswers).with_found(&long);
        let found = d.found.unwrap();
        assert!(!found.contains('\n'));
        assert_eq!(found.chars().count(), 61);
        assert!(found.ends_with('…'));
    }
}
