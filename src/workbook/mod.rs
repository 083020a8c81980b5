//! The submission workbook in both directions (SPEC section 4): the template agencies fill
//! in, and ingestion of what they send back. Ingestion turns every input file into a
//! [`Submission`] — scored later, or rejected with located diagnostics, or a duplicate —
//! so that nothing is ever lost.

pub mod diagnostic;
pub mod ingest;
pub mod template;

use std::path::PathBuf;

use serde::Serialize;

pub use diagnostic::{CellKind, Diagnostic, Document, Kind, Rendered, Returned, Severity};

/// A1 reference of a zero-based (row, column), e.g. (16, 3) -> `D17`.
pub fn a1(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    // u64 so that hostile coordinates near u32::MAX cannot overflow.
    let mut c = u64::from(col) + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.push(b'A' + rem as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        String::from_utf8(letters).expect("ASCII letters"),
        u64::from(row) + 1
    )
}

/// One question's answer after validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Answer {
    Level(u8),
    NotApplicable,
    Unanswered,
}

/// One Assessment row as the agency filled it in, aligned with the framework's questions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AnswerRow {
    pub answer: Answer,
    pub evidence: Option<String>,
    pub comment: Option<String>,
}

impl Default for AnswerRow {
    fn default() -> Self {
        AnswerRow {
            answer: Answer::Unanswered,
            evidence: None,
            comment: None,
        }
    }
}

/// Where one submission's answers sit in its workbook, so that assurance flags can point
/// at cells (`Assessment!B12`, SPEC section 9). It travels beside the [`Submission`]
/// (in [`ingest::Batch`]) rather than inside it: `Submission` and [`AnswerRow`] are built
/// field by field in report samples and benches, and a cells is only needed for flags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnswerCells {
    /// The Assessment sheet's name as found in the workbook.
    pub sheet: String,
    pub level_col: u32,
    pub evidence_col: Option<u32>,
    /// Per framework question: the zero-based row of its Assessment row, `None` without one.
    pub rows: Vec<Option<u32>>,
}

impl AnswerCells {
    /// The zero-based row of question `question`'s Assessment row, if it has one.
    pub fn row(&self, question: usize) -> Option<u32> {
        self.rows.get(question).copied().flatten()
    }

    /// `Assessment!B12`: the question's level cell, `None` when it has no row.
    pub fn level_cell(&self, question: usize) -> Option<String> {
        let row = self.row(question)?;
        Some(format!("{}!{}", self.sheet, a1(row, self.level_col)))
    }

    /// The question's evidence cell, `None` without a row or an evidence column.
    pub fn evidence_cell(&self, question: usize) -> Option<String> {
        let (row, col) = (self.row(question)?, self.evidence_col?);
        Some(format!("{}!{}", self.sheet, a1(row, col)))
    }
}

/// The Profile field names in SPEC order, as written in column A of the Profile sheet: the
/// template writes them and ingestion looks for them.
pub const PROFILE_FIELDS: [&str; 8] = [
    "agency_id",
    "agency_name",
    "sector",
    "cycle",
    "framework_id",
    "framework_version",
    "submitted_by",
    "submitted_on",
];

/// How many of [`PROFILE_FIELDS`], from the first, a workbook must fill in.
pub const PROFILE_REQUIRED: usize = 6;

/// The Profile sheet. Every field is optional here because a rejected workbook keeps
/// whatever could be read (the response rate counts agencies whose Profile was readable).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Profile {
    pub agency_id: Option<String>,
    pub agency_name: Option<String>,
    pub sector: Option<String>,
    pub cycle: Option<String>,
    pub framework_id: Option<String>,
    pub framework_version: Option<String>,
    pub submitted_by: Option<String>,
    pub submitted_on: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Scored,
    Rejected,
    Duplicate,
}

impl Status {
    /// As serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Scored => "scored",
            Status::Rejected => "rejected",
            Status::Duplicate => "duplicate",
        }
    }
}

/// What became of a returned action plan or verification workbook (`plan_files`,
/// `verification_files`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    /// Read without error: it counts.
    Used,
    /// Any error: nothing of it counts (the errors say why).
    Rejected,
    /// The same bytes as a file listed before it, which counts ([`ingest::duplicate_rule`]).
    Duplicate,
}

impl FileStatus {
    /// As serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Used => "used",
            FileStatus::Rejected => "rejected",
            FileStatus::Duplicate => "duplicate",
        }
    }
}

/// Everything known about one input file after ingestion.
#[derive(Clone, Debug, Serialize)]
pub struct Submission {
    /// The path as reached from the INPUTS argument (argument joined with the path inside it).
    pub file: String,
    #[serde(skip)]
    pub path: PathBuf,
    pub sha256: String,
    pub status: Status,
    pub profile: Profile,
    /// One entry per framework question, in framework order; empty when rejected before
    /// the Assessment sheet could be read.
    #[serde(skip)]
    pub answers: Vec<AnswerRow>,
    /// How many questions have a level or N/A. Set with `answers`, and kept when a batch
    /// read with [`ingest::Retain::Diagnostics`] drops them.
    #[serde(skip)]
    pub answered: usize,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl Submission {
    /// The number of answered rows in `answers`, for setting [`Submission::answered`].
    pub fn count_answered(answers: &[AnswerRow]) -> usize {
        answers
            .iter()
            .filter(|a| a.answer != Answer::Unanswered)
            .count()
    }

    pub fn agency_id(&self) -> Option<&str> {
        self.profile.agency_id.as_deref()
    }

    pub fn cycle(&self) -> Option<&str> {
        self.profile.cycle.as_deref()
    }
}

/// Resource limits for reading untrusted files (SPEC section 4), each overridable by a flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_member_bytes: u64,
    pub max_total_inflated_bytes: u64,
    pub max_assessment_rows: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 200 * 1024 * 1024,
            max_member_bytes: 64 * 1024 * 1024,
            max_total_inflated_bytes: 128 * 1024 * 1024,
            max_assessment_rows: 100_000,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_references() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(16, 3), "D17");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(9, 701), "ZZ10");
        assert_eq!(a1(0, 702), "AAA1");
        assert_eq!(a1(u32::MAX, u32::MAX), "MWLQKWV4294967296");
    }
}
