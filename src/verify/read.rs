//! Reading returned verification workbooks (`--verification DIR`, SPEC section 10) with the
//! rigour of SPEC section 4: a bad file is refused by the same guard as a submission, a
//! parser panic is caught, and every problem is a located [`Diagnostic`] naming the sheet
//! and cell. A workbook is checked against the scored submissions of the inputs: its agency
//! and cycle must be one of them, every `claimed_level` must still be the submission's
//! answer, and every `verified_level` must follow the grammar of `level` (SPEC section 4).
//!
//! Two usable workbooks for the same agency and cycle follow the duplicate rules of
//! submissions ([`apply_duplicate_rules`]): identical bytes count once, different
//! contents reject them all.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use rayon::prelude::*;
use serde::Serialize;

use super::Verification;
use crate::cycle::Cycle;
use crate::framework::Framework;
use crate::score::AgencyScore;
use crate::workbook::ingest::assessment::missing_question_rows;
use crate::workbook::ingest::level::parse_level;
use crate::workbook::ingest::sheet::{header_row, question_rows, Book, Grid, SheetError};
use crate::workbook::ingest::{
    duplicate_rule, guard, profile, quietly, read_input_bytes, sheet_reason, Duplicate, InputFile,
};
use crate::workbook::template::verification::{VERIFICATION_HEADER, VERIFICATION_SHEET};
use crate::workbook::template::LevelCell;
use crate::workbook::{Answer, Diagnostic, Kind, Limits, Returned, Severity};

/// The header row is the first of these rows with a `question_id` cell, as in a submission.
const HEADER_ROWS: u32 = 20;

/// The columns a returned verification must keep; `question`, `evidence` and `note` may go.
const REQUIRED: [&str; 3] = ["question_id", "claimed_level", "verified_level"];

pub use crate::workbook::FileStatus;

/// One returned verification workbook, judged. Serialised as an entry of
/// `verification_files`: file, sha256, status, agency_id, cycle, errors, warnings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VerificationFile {
    /// The path as reached from the `--verification` argument.
    pub file: String,
    pub sha256: String,
    pub status: FileStatus,
    pub agency_id: Option<String>,
    pub cycle: Option<String>,
    /// The verifier's levels; `None` unless the file is used.
    #[serde(skip)]
    pub verification: Option<Verification>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// What every verification workbook is read against.
#[derive(Clone, Copy, Debug)]
pub struct VerifyOptions<'a> {
    pub framework: &'a Framework,
    /// Every scored agency of the inputs (all cycles).
    pub scores: &'a [AgencyScore],
    pub limits: Limits,
}

/// Read every file in parallel, sorted by file, then apply the duplicate rules.
pub fn read_verifications(files: &[InputFile], opts: &VerifyOptions) -> Vec<VerificationFile> {
    let mut read: Vec<VerificationFile> = files
        .par_iter()
        .map(|f| read_verification(f, opts))
        .collect();
    read.sort_by(|a, b| a.file.cmp(&b.file));
    apply_duplicate_rules(&mut read);
    read
}

/// Read one file from disk, never more than the file-size limit. Never panics.
pub fn read_verification(file: &InputFile, opts: &VerifyOptions) -> VerificationFile {
    match read_input_bytes(&file.path, opts.limits.max_file_bytes) {
        Ok(bytes) => read_verification_bytes(&file.display, &bytes, opts),
        Err(reason) => VerificationFile {
            file: file.display.clone(),
            sha256: String::new(),
            status: FileStatus::Rejected,
            agency_id: None,
            cycle: None,
            verification: None,
            errors: vec![Diagnostic::error(reason)],
            warnings: Vec::new(),
        },
    }
}

/// Read one returned verification workbook from memory. Never panics.
pub fn read_verification_bytes(
    display: &str,
    bytes: &[u8],
    opts: &VerifyOptions,
) -> VerificationFile {
    let mut out = VerificationFile {
        file: display.to_string(),
        sha256: crate::framework::sha256_hex(bytes),
        status: FileStatus::Used,
        agency_id: None,
        cycle: None,
        verification: None,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let mut diags = Vec::new();
    let result = quietly(|| {
        catch_unwind(AssertUnwindSafe(|| {
            read_checked(bytes, opts, &mut out, &mut diags)
        }))
    });
    match result {
        Ok(Ok(())) => {}
        Ok(Err(kind)) => diags = vec![Diagnostic::error(kind)],
        Err(_) => diags = vec![Diagnostic::error(Kind::ParserFailed)],
    }
    for d in diags {
        match d.severity {
            Severity::Error => out.errors.push(d),
            Severity::Warning => out.warnings.push(d),
        }
    }
    if !out.errors.is_empty() || out.verification.is_none() {
        out.status = FileStatus::Rejected;
        out.verification = None;
    }
    out
}

/// The whole-file reason on `Err`; otherwise the located diagnostics go to `diags` and a
/// file without errors leaves its levels in `out.verification`.
fn read_checked(
    bytes: &[u8],
    opts: &VerifyOptions,
    out: &mut VerificationFile,
    diags: &mut Vec<Diagnostic>,
) -> Result<(), Kind> {
    let checked = guard::check(bytes, &opts.limits).map_err(|r| r.0)?;
    let mut book = Book::open(checked, bytes)?;
    let (profile_name, rows_name) = match (
        book.find_sheet(profile::SHEET),
        book.find_sheet(VERIFICATION_SHEET),
    ) {
        (Ok(p), Ok(v)) => (p, v),
        // Some other document, not a verification workbook with two faults.
        (Err(SheetError::Missing(sheets)), Err(SheetError::Missing(_))) => {
            return Err(Kind::NotAPostureWorkbook {
                what: Returned::Verification,
                sheets,
            })
        }
        (Err(SheetError::Missing(present)), _) => {
            diags.push(Diagnostic::error(Kind::MissingSheet { present }).in_sheet(profile::SHEET));
            return Ok(());
        }
        (_, Err(SheetError::Missing(present))) => {
            diags.push(
                Diagnostic::error(Kind::MissingSheet { present }).in_sheet(VERIFICATION_SHEET),
            );
            return Ok(());
        }
        (Err(e), _) => return Err(sheet_reason(profile::SHEET, e, &opts.limits)),
        (_, Err(e)) => return Err(sheet_reason(VERIFICATION_SHEET, e, &opts.limits)),
    };
    let grid = book
        .read(&profile_name, profile::ROWS, true, None)
        .map_err(|e| sheet_reason(&profile_name, e, &opts.limits))?;
    // The agency's Profile as in SPEC section 4 (framework id and version included); the
    // registry was applied when the submission was scored.
    let found = profile::parse(&grid, opts.framework, None, diags);
    out.agency_id = found.agency_id.clone();
    out.cycle = found.cycle.clone();
    let Some(score) = match_score(&grid, &found, opts.scores, diags) else {
        return Ok(());
    };
    let rows = book
        .read(&rows_name, opts.limits.max_assessment_rows, false, None)
        .map_err(|e| sheet_reason(&rows_name, e, &opts.limits))?;
    let verified = check_rows(&rows, opts.framework, score, diags);
    out.verification = verified.map(|verified| Verification {
        agency_id: score.agency_id.clone(),
        cycle: score.cycle.clone(),
        file: out.file.clone(),
        verified,
    });
    Ok(())
}

/// The zero-based row of a Profile field's name, for locating its value cell (column B).
fn field_row(grid: &Grid, name: &str) -> Option<u32> {
    (0..profile::ROWS).find(|&r| {
        grid.get(r, 0)
            .as_text()
            .is_some_and(|t| t.eq_ignore_ascii_case(name))
    })
}

/// The scored submission this workbook verifies: same agency, same cycle. An agency or a
/// cycle that is not among the scored inputs is an error at its Profile cell.
fn match_score<'s>(
    grid: &Grid,
    found: &crate::workbook::Profile,
    scores: &'s [AgencyScore],
    diags: &mut Vec<Diagnostic>,
) -> Option<&'s AgencyScore> {
    let sheet = grid.name.as_str();
    // A missing or empty agency_id or cycle is already reported by the Profile check.
    let (agency, cycle) = (found.agency_id.as_deref()?, found.cycle.as_deref()?);
    let at = |field: &str, d: Diagnostic| match field_row(grid, field) {
        Some(row) => d.in_sheet(sheet).at(row, 1),
        None => d.in_sheet(sheet),
    };
    let of_agency: Vec<&AgencyScore> = scores.iter().filter(|s| s.agency_id == agency).collect();
    if of_agency.is_empty() {
        let agencies = {
            let mut ids: Vec<&str> = scores.iter().map(|s| s.agency_id.as_str()).collect();
            ids.dedup();
            ids.len()
        };
        diags.push(at(
            "agency_id",
            Diagnostic::error(Kind::VerificationUnknownAgency { agencies }).with_found(agency),
        ));
        return None;
    }
    let cycle = Cycle::from(cycle);
    match of_agency.iter().find(|s| s.cycle == cycle) {
        Some(score) => Some(score),
        None => {
            let mut cycles: Vec<&Cycle> = of_agency.iter().map(|s| &s.cycle).collect();
            cycles.sort();
            cycles.dedup();
            let cycles: Vec<&str> = cycles.iter().map(|c| c.as_str()).collect();
            diags.push(at(
                "cycle",
                Diagnostic::error(Kind::VerificationWrongCycle {
                    agency: agency.to_string(),
                })
                .with_found(cycle.as_str())
                .with_expected(&cycles.join(", ")),
            ));
            None
        }
    }
}

/// The Verification sheet's header row and the columns found in it, by lower-case name.
fn header(grid: &Grid, diags: &mut Vec<Diagnostic>) -> Option<(u32, BTreeMap<String, u32>)> {
    header_row(grid, HEADER_ROWS, &REQUIRED, diags)
}

/// The verified level of every framework question (unanswered: not checked), with each row
/// checked against the submission's claim; `None` when the header is unusable.
fn check_rows(
    grid: &Grid,
    framework: &Framework,
    score: &AgencyScore,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<Answer>> {
    let sheet = grid.name.as_str();
    let (header_row, columns) = header(grid, diags)?;
    let (id_col, claimed_col, verified_col) = (
        columns["question_id"],
        columns["claimed_level"],
        columns["verified_level"],
    );
    let max = framework.max_level();
    let mut verified = vec![Answer::Unanswered; framework.questions.len()];
    // The Khmer header the writer puts under the English one is not a question.
    let rows = question_rows(
        grid,
        header_row,
        id_col,
        &[VERIFICATION_HEADER[0].1],
        |id| framework.question_index(id),
        || Kind::UnknownQuestion {
            framework: framework.id.clone(),
            version: framework.version.clone(),
        },
        diags,
    );
    for &(row, q) in &rows {
        let question = &framework.questions[q];
        // The claim must still be the submission's answer. It is read with the level
        // grammar, so `3`, `3 - Defined` and `3 – Defined` are the same claim.
        let claim_cell = grid.get(row, claimed_col);
        let submitted = score
            .answers
            .get(q)
            .map_or(Answer::Unanswered, |a| a.answer);
        if parse_level(claim_cell, max, true).ok() != Some(submitted) {
            let want = match LevelCell::from_answer(framework, submitted) {
                LevelCell::Text(t) => t,
                LevelCell::Number(n) => n.to_string(),
                LevelCell::Blank => String::new(),
            };
            diags.push(
                Diagnostic::error(Kind::ClaimChanged)
                    .in_sheet(sheet)
                    .at(row, claimed_col)
                    .with_found(&claim_cell.found().1)
                    .with_expected(&want),
            );
        }
        match parse_level(grid.get(row, verified_col), max, question.allow_na) {
            Ok(answer) => verified[q] = answer,
            Err(e) => diags.push((*e).in_sheet(sheet).at(row, verified_col)),
        }
    }
    diags.extend(missing_question_rows(framework, &rows, sheet));
    let errors = diags.iter().any(|d| d.severity == Severity::Error);
    if !errors && verified.iter().all(|a| *a == Answer::Unanswered) {
        diags.push(
            Diagnostic::warning(Kind::NothingVerified)
                .in_sheet(sheet)
                .at(header_row, verified_col),
        );
    }
    Some(verified)
}

/// SPEC section 4's duplicate rule ([`duplicate_rule`], as for submissions and plans), for
/// verification workbooks: among the usable workbooks of one agency and cycle, identical
/// bytes count once (the first in path order is used, the others are duplicates with a
/// warning naming it); different contents reject them all, each naming the others. Rejected
/// workbooks take no part. `files` must be sorted by file.
pub fn apply_duplicate_rules(files: &mut [VerificationFile]) {
    let accepted = files.iter().enumerate().filter_map(|(i, f)| {
        let v = f
            .verification
            .as_ref()
            .filter(|_| f.status == FileStatus::Used)?;
        Some((i, (v.agency_id.clone(), v.cycle.clone()), f.sha256.clone()))
    });
    for (i, verdict) in duplicate_rule(accepted.collect()) {
        match verdict {
            Duplicate::Copy { kept } => {
                let kept = files[kept].file.clone();
                files[i].status = FileStatus::Duplicate;
                files[i].verification = None;
                files[i]
                    .warnings
                    .push(Diagnostic::warning(Kind::DuplicateSubmission { kept }));
            }
            Duplicate::Conflict { others } => {
                let conflict = Kind::ConflictingSubmissions {
                    what: Returned::Verification,
                    agency: files[i].agency_id.clone().unwrap_or_default(),
                    cycle: files[i].cycle.clone().unwrap_or_default(),
                    file: files[i].file.clone(),
                    others: others.iter().map(|&j| files[j].file.clone()).collect(),
                };
                files[i].errors.push(Diagnostic::error(conflict));
                files[i].status = FileStatus::Rejected;
                files[i].verification = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_xlsxwriter::Workbook;

    use super::*;
    use crate::score::score_submission;
    use crate::score::tests::{golden, submission};
    use crate::verify::{agency, AgencyVerification};
    use crate::workbook::template::verification::{returned_verification_bytes, VerifierInput};
    use crate::workbook::Answer::{Level as L, NotApplicable as NA, Unanswered as U};

    /// The golden framework and agency AG's 2026 score (claims 4, 2, 1, –, 3, N/A).
    fn scored() -> (Framework, Vec<AgencyScore>) {
        let fw = golden();
        let s = submission("AG", "ministry", "2026", &[L(4), L(2), L(1), U, L(3), NA]);
        let score = score_submission(&fw, &s, None).unwrap();
        (fw, vec![score])
    }

    fn read(fw: &Framework, scores: &[AgencyScore], bytes: &[u8]) -> VerificationFile {
        let opts = VerifyOptions {
            framework: fw,
            scores,
            limits: Limits::default(),
        };
        read_verification_bytes("AG-verify.xlsx", bytes, &opts)
    }

    /// AG's workbook as `verify plan` writes it, returned with `levels`.
    fn returned(fw: &Framework, score: &AgencyScore, levels: &[Answer]) -> Vec<u8> {
        let s = submission("AG", "ministry", "2026", &[]);
        let filled = VerifierInput {
            verifier: Some("CamCERT team B".into()),
            verified_on: Some("2026-06-12".into()),
            levels: levels.to_vec(),
            notes: vec![Some("seen on site · បានឃើញ".into())],
        };
        returned_verification_bytes(fw, &s.profile, &score.answers, &filled).unwrap()
    }

    const PROFILE: [(&str, &str); 6] = [
        ("agency_id", "AG"),
        ("agency_name", "AG name"),
        ("sector", "ministry"),
        ("cycle", "2026"),
        ("framework_id", "golden"),
        ("framework_version", "1.0.0"),
    ];

    /// A verification workbook written cell by cell, for the edits the writer cannot make:
    /// `rows[0]` is the header.
    fn raw(profile: &[(&str, &str)], rows: &[Vec<&str>]) -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("Profile").unwrap();
        for (r, (k, v)) in profile.iter().enumerate() {
            ws.write_string(r as u32, 0, *k).unwrap();
            ws.write_string(r as u32, 1, *v).unwrap();
        }
        let ws = wb.add_worksheet().set_name("Verification").unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32, c as u16, *v).unwrap();
                }
            }
        }
        wb.save_to_buffer().unwrap()
    }

    const HEADER: [&str; 6] = [
        "question_id",
        "question",
        "claimed_level",
        "evidence",
        "verified_level",
        "note",
    ];

    /// AG's rows as `raw` writes them: id, text, claim, evidence, verified, note.
    fn rows(fw: &Framework, score: &AgencyScore) -> Vec<Vec<String>> {
        let mut out = vec![HEADER.iter().map(|h| h.to_string()).collect()];
        for (q, a) in fw.questions.iter().zip(&score.answers) {
            let claim = match LevelCell::from_answer(fw, a.answer) {
                LevelCell::Text(t) => t,
                _ => String::new(),
            };
            out.push(vec![
                q.id.clone(),
                "q".into(),
                claim,
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        out
    }

    fn raw_rows(rows: &[Vec<String>]) -> Vec<u8> {
        let rows: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        raw(&PROFILE, &rows)
    }

    fn only_error(f: &VerificationFile) -> &Diagnostic {
        assert_eq!(f.errors.len(), 1, "{:#?}", f.errors);
        assert_eq!(f.status, FileStatus::Rejected);
        assert!(f.verification.is_none());
        &f.errors[0]
    }

    #[test]
    fn a_returned_workbook_reads_back_as_filled_in() {
        let (fw, scores) = scored();
        let levels = [L(2), L(2), U, L(3), L(1), NA];
        let f = read(&fw, &scores, &returned(&fw, &scores[0], &levels));
        assert!(f.errors.is_empty(), "{:#?}", f.errors);
        assert!(f.warnings.is_empty(), "{:#?}", f.warnings);
        assert_eq!(f.status, FileStatus::Used);
        assert_eq!(
            (f.agency_id.as_deref(), f.cycle.as_deref()),
            (Some("AG"), Some("2026"))
        );
        let v = f.verification.as_ref().unwrap();
        assert_eq!(v.verified, levels);
        assert_eq!(v.cycle, Cycle::from("2026"));
        // The pairs of verify::tests::an_agency_by_hand: 3 pairs, verified overall 0.96875.
        let block = agency(&fw, &scores[0], v);
        assert_eq!(block.agreement.pairs, 3);
        assert_eq!(block.verified_overall, Some(0.96875));
        let json = serde_json::to_value(&f).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "file",
                "sha256",
                "status",
                "agency_id",
                "cycle",
                "errors",
                "warnings"
            ]
        );
        assert_eq!(json["status"], "used");
    }

    #[test]
    fn an_empty_verified_level_column_is_used_with_no_pairs() {
        let (fw, scores) = scored();
        let f = read(&fw, &scores, &returned(&fw, &scores[0], &[]));
        assert!(f.errors.is_empty(), "{:#?}", f.errors);
        assert_eq!(f.status, FileStatus::Used);
        assert_eq!(f.warnings.len(), 1);
        let w = &f.warnings[0];
        assert_eq!(w.kind, Kind::NothingVerified);
        assert_eq!(w.location(), "Verification!E1");
        let v = f.verification.as_ref().unwrap();
        assert_eq!(v.verified, vec![U; 6]);
        assert_eq!(agency(&fw, &scores[0], v), AgencyVerification::default());
    }

    #[test]
    fn a_tampered_claim_is_located_with_the_submissions_answer() {
        let (fw, scores) = scored();
        let mut rs = rows(&fw, &scores[0]);
        // D1.A-01 was claimed at 4; the claim is lowered to 3 by hand.
        rs[1][2] = "3 - L3".into();
        rs[1][4] = "3".into();
        let f = read(&fw, &scores, &raw_rows(&rs));
        let d = only_error(&f);
        assert_eq!(d.kind, Kind::ClaimChanged);
        assert_eq!(d.location(), "Verification!C2");
        assert_eq!(d.found.as_deref(), Some("3 - L3"));
        assert_eq!(d.expected.as_deref(), Some("4 - L4"));
        assert!(d.message().starts_with(
            "claimed_level was edited: found \"3 - L3\"; expected \"4 - L4\" (the submission's answer)"
        ));
        // A claim on an unanswered question, and a claim wiped out.
        let mut rs = rows(&fw, &scores[0]);
        rs[4][2] = "2".into();
        let d = only_error(&read(&fw, &scores, &raw_rows(&rs))).clone();
        assert_eq!(
            (d.location(), d.expected.as_deref()),
            ("Verification!C5".into(), Some(""))
        );
        assert!(d
            .message()
            .contains("an empty cell (the question is unanswered"));
        let mut rs = rows(&fw, &scores[0]);
        rs[6][2] = String::new();
        let d = only_error(&read(&fw, &scores, &raw_rows(&rs))).clone();
        assert_eq!(
            (d.location(), d.expected.as_deref()),
            ("Verification!C7".into(), Some("N/A"))
        );
        // The same claim written another way is no edit.
        let mut rs = rows(&fw, &scores[0]);
        rs[1][2] = " 4 ".into();
        rs[2][2] = "2 – L2".into();
        let f = read(&fw, &scores, &raw_rows(&rs));
        assert!(f.errors.is_empty(), "{:#?}", f.errors);
    }

    #[test]
    fn the_wrong_agency_or_cycle_is_located() {
        let (fw, scores) = scored();
        let mut profile = PROFILE;
        profile[0].1 = "OTHER";
        let f = read(&fw, &scores, &raw(&profile, &[HEADER.to_vec()]));
        let d = only_error(&f);
        assert_eq!(d.kind, Kind::VerificationUnknownAgency { agencies: 1 });
        assert_eq!(d.location(), "Profile!B1");
        assert_eq!(d.found.as_deref(), Some("OTHER"));
        assert_eq!(f.agency_id.as_deref(), Some("OTHER"));

        let mut profile = PROFILE;
        profile[3].1 = "2025";
        let f = read(&fw, &scores, &raw(&profile, &[HEADER.to_vec()]));
        let d = only_error(&f);
        assert_eq!(
            d.kind,
            Kind::VerificationWrongCycle {
                agency: "AG".into()
            }
        );
        assert_eq!(d.location(), "Profile!B4");
        assert_eq!(d.expected.as_deref(), Some("2026"));
        assert_eq!(
            d.message(),
            "found cycle \"2025\"; expected a cycle in which AG was scored (2026)"
        );
    }

    #[test]
    fn a_verified_level_outside_the_grammar_is_located() {
        let (fw, scores) = scored();
        let mut rs = rows(&fw, &scores[0]);
        rs[3][4] = "2.5".into();
        let f = read(&fw, &scores, &raw_rows(&rs));
        let d = only_error(&f);
        assert_eq!(d.kind.code(), "bad_level");
        assert_eq!(d.location(), "Verification!E4");
        assert_eq!(d.found.as_deref(), Some("2.5"));
        // N/A only where the question allows it (D1.A-01 does not).
        let mut rs = rows(&fw, &scores[0]);
        rs[1][4] = "N/A".into();
        let d = only_error(&read(&fw, &scores, &raw_rows(&rs))).clone();
        assert_eq!(d.location(), "Verification!E2");
        let mut rs = rows(&fw, &scores[0]);
        rs[1][4] = "7".into();
        assert_eq!(
            only_error(&read(&fw, &scores, &raw_rows(&rs))).location(),
            "Verification!E2"
        );
    }

    #[test]
    fn rows_and_headers_are_checked_like_a_submission() {
        let (fw, scores) = scored();
        let mut rs = rows(&fw, &scores[0]);
        rs[2][0] = "D9.Z-01".into();
        let f = read(&fw, &scores, &raw_rows(&rs));
        // The unknown id, and D1.A-02 now has no row (a warning).
        assert_eq!(only_error(&f).kind.code(), "unknown_question");
        assert_eq!(only_error(&f).location(), "Verification!A3");
        assert_eq!(f.warnings[0].kind.code(), "missing_question_rows");

        let mut rs = rows(&fw, &scores[0]);
        rs[2][0] = "D1.A-01".into();
        rs[2][2] = "4 - L4".into();
        let d = only_error(&read(&fw, &scores, &raw_rows(&rs))).clone();
        assert_eq!(
            (d.kind.code(), d.location().as_str()),
            ("duplicate_question", "Verification!A3")
        );

        let mut rs = rows(&fw, &scores[0]);
        rs[0][4] = "checked".into();
        let d = only_error(&read(&fw, &scores, &raw_rows(&rs))).clone();
        assert_eq!(
            d.kind,
            Kind::MissingColumn {
                column: "verified_level"
            }
        );
        assert_eq!(d.location(), "Verification!A1");

        let mut rs = rows(&fw, &scores[0]);
        rs[0][5] = "Claimed_Level".into();
        let d = only_error(&read(&fw, &scores, &raw_rows(&rs))).clone();
        assert_eq!(
            (d.kind.code(), d.location().as_str()),
            ("duplicate_column", "Verification!F1")
        );

        let f = read(&fw, &scores, &raw(&PROFILE, &[vec!["id", "level"]]));
        assert_eq!(only_error(&f).kind.code(), "missing_header_row");

        // The Profile is checked as a submission's (the framework, the required fields).
        let mut profile = PROFILE;
        profile[4].1 = "kh-ncmf";
        let f = read(&fw, &scores, &raw(&profile, &[HEADER.to_vec()]));
        assert_eq!(only_error(&f).location(), "Profile!B5");
        assert_eq!(only_error(&f).kind.code(), "framework_mismatch");
    }

    #[test]
    fn a_bad_file_is_refused_like_a_submission() {
        let (fw, scores) = scored();
        let code = |bytes: &[u8]| only_error(&read(&fw, &scores, bytes)).kind.code();
        assert_eq!(code(b""), "empty_file");
        assert_eq!(code(b"hello, not a workbook"), "not_a_spreadsheet");
        let good = returned(&fw, &scores[0], &[L(3)]);
        assert_eq!(code(&good[..good.len() / 2]), "corrupt_zip");
        let mut wb = Workbook::new();
        wb.add_worksheet().set_name("Notes").unwrap();
        let f = read(&fw, &scores, &wb.save_to_buffer().unwrap());
        let d = only_error(&f);
        assert_eq!(d.kind.code(), "not_a_posture_workbook");
        assert_eq!(
            d.message(),
            "not a verification workbook: it has one sheet, Notes; expected Profile and Verification"
        );
        assert_eq!(d.cell(), None);
        let mut wb = Workbook::new();
        wb.add_worksheet().set_name("Profile").unwrap();
        let f = read(&fw, &scores, &wb.save_to_buffer().unwrap());
        let d = only_error(&f);
        assert_eq!(
            (d.kind.code(), d.location().as_str()),
            ("missing_sheet", "Verification")
        );
        // A submission sent instead of a verification workbook.
        let mut wb = Workbook::new();
        wb.add_worksheet().set_name("Profile").unwrap();
        wb.add_worksheet().set_name("Assessment").unwrap();
        let f = read(&fw, &scores, &wb.save_to_buffer().unwrap());
        assert_eq!(only_error(&f).location(), "Verification");
        // Limits apply as to a submission.
        let opts = VerifyOptions {
            framework: &fw,
            scores: &scores,
            limits: Limits {
                max_member_bytes: 1024,
                ..Limits::default()
            },
        };
        let f = read_verification_bytes("AG-verify.xlsx", &good, &opts);
        assert_eq!(f.errors.len(), 1);
        assert_eq!(f.errors[0].kind.code(), "member_declares_too_much");
    }

    /// The files fuzzing found that once crashed or exhausted calamine (`.xls` containers
    /// and records declaring gigabytes): each a one-line rejection here too.
    #[test]
    fn hostile_files_are_rejected_without_a_panic() {
        let (fw, scores) = scored();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let f = read(&fw, &scores, &std::fs::read(&path).unwrap());
            assert_eq!(f.status, FileStatus::Rejected, "{}", path.display());
            assert_eq!(f.errors.len(), 1, "{}: {:#?}", path.display(), f.errors);
            assert_eq!(f.errors[0].cell(), None);
            seen += 1;
        }
        assert!(seen >= 5, "{seen} fixtures");
    }

    #[test]
    fn a_file_too_large_is_refused_before_it_is_read() {
        let (fw, scores) = scored();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.xlsx");
        std::fs::write(&path, vec![b'x'; 4096]).unwrap();
        let opts = VerifyOptions {
            framework: &fw,
            scores: &scores,
            limits: Limits {
                max_file_bytes: 1024,
                ..Limits::default()
            },
        };
        let input = InputFile {
            path,
            display: "v/big.xlsx".into(),
        };
        let f = read_verification(&input, &opts);
        assert_eq!(f.file, "v/big.xlsx");
        assert_eq!(only_error(&f).kind.code(), "file_too_large");
    }

    #[test]
    fn two_workbooks_for_one_agency_follow_the_duplicate_rules() {
        let (fw, scores) = scored();
        let opts = VerifyOptions {
            framework: &fw,
            scores: &scores,
            limits: Limits::default(),
        };
        let a = returned(&fw, &scores[0], &[L(3)]);
        let b = returned(&fw, &scores[0], &[L(2)]);
        let read_all = |files: &[(&str, &[u8])]| {
            let mut out: Vec<VerificationFile> = files
                .iter()
                .map(|(name, bytes)| read_verification_bytes(name, bytes, &opts))
                .collect();
            apply_duplicate_rules(&mut out);
            out
        };
        let same = read_all(&[("a.xlsx", &a), ("b.xlsx", &a)]);
        assert_eq!(same[0].status, FileStatus::Used);
        assert_eq!(same[1].status, FileStatus::Duplicate);
        assert!(same[1].verification.is_none());
        assert_eq!(
            same[1].warnings[0].message(),
            "duplicate of a.xlsx (identical bytes); counted once, as a.xlsx"
        );
        let differ = read_all(&[("a.xlsx", &a), ("b.xlsx", &b), ("c.xlsx", b"")]);
        for (i, other) in [(0, "b.xlsx"), (1, "a.xlsx")] {
            assert_eq!(differ[i].status, FileStatus::Rejected);
            let d = only_error(&differ[i]);
            assert_eq!(d.kind.code(), "conflicting_submissions");
            assert!(d.message().contains(other), "{}", d.message());
        }
        // A rejected file takes no part.
        assert_eq!(differ[2].errors.len(), 1);
        let one = read_all(&[("a.xlsx", &a), ("c.xlsx", b"")]);
        assert_eq!(one[0].status, FileStatus::Used);
    }
}
