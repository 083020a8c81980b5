//! Reading returned workbooks (`.xlsx`, `.xlsb`, `.xls`, `.ods`) into [`Submission`]s, with bounded
//! time and memory on hostile files, located diagnostics, and the duplicate rules.
//!
//! Each file goes through the same steps, all inside one rayon task so that only the
//! files being read are held in memory: [`guard`] identifies the file by content and
//! checks the limits, [`sheet`] reads the Profile and Assessment sheets into sparse grids,
//! [`profile`] and [`assessment`] judge them. Then [`ingest`] applies the duplicate rules
//! across the batch. Every input comes out as a submission (scored, duplicate or
//! rejected); nothing panics, and a parser panic on a hostile file is caught and becomes
//! a rejection.

pub mod assessment;
pub mod discover;
pub mod guard;
pub mod level;
pub mod profile;
pub mod sheet;

use std::collections::BTreeMap;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};

use rayon::prelude::*;

pub use discover::{discover, DiscoverError, InputFile};

use super::{
    AnswerCells, Diagnostic, Kind, Limits, Profile, Returned, Severity, Status, Submission,
};
use crate::framework::Framework;
use crate::registry::Registry;
use sheet::{Book, SheetError};

/// What every file of a batch is read against.
#[derive(Clone, Copy, Debug)]
pub struct IngestOptions<'a> {
    pub framework: &'a Framework,
    pub registry: Option<&'a Registry>,
    pub limits: Limits,
}

fn rejected(display: &str, path: std::path::PathBuf, sha256: String, reason: Kind) -> Submission {
    Submission {
        file: display.to_string(),
        path,
        sha256,
        status: Status::Rejected,
        profile: Profile::default(),
        answers: Vec::new(),
        answered: 0,
        errors: vec![Diagnostic::error(reason)],
        warnings: Vec::new(),
    }
}

/// Read one workbook file. Never panics; every problem becomes a diagnostic.
pub fn read_submission(file: &InputFile, opts: &IngestOptions) -> Submission {
    read_located(file, opts).0
}

/// [`read_submission`], and where its answers sit (an empty cells when the Assessment
/// sheet could not be read).
pub fn read_located(file: &InputFile, opts: &IngestOptions) -> (Submission, AnswerCells) {
    let (mut sub, cells) = match read_input_bytes(&file.path, opts.limits.max_file_bytes) {
        Ok(bytes) => read_located_bytes(&file.display, &bytes, opts),
        Err(kind) => (
            rejected(&file.display, file.path.clone(), String::new(), kind),
            AnswerCells::default(),
        ),
    };
    sub.path = file.path.clone();
    (sub, cells)
}

/// The bytes of an input file, or why it cannot be read: at most one byte past `limit` is
/// ever read, so an enormous file costs no more memory than the limit. Every reader of
/// returned files (submissions, plans, verification workbooks) starts here.
pub fn read_input_bytes(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, Kind> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(|e| Kind::UnreadableFile {
            cause: e.to_string(),
        })?;
    if bytes.len() as u64 > limit {
        return Err(Kind::FileTooLarge { size: None, limit });
    }
    Ok(bytes)
}

thread_local! {
    static PARSING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f` with the panic message of a spreadsheet-parser failure silenced: the failure is
/// already reported as a rejected file, and a Rust backtrace note would only confuse the
/// person reading the diagnostics. Panics anywhere else still print as usual.
pub(crate) fn quietly<T>(f: impl FnOnce() -> T) -> T {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !PARSING.with(|p| p.get()) {
                default(info);
            }
        }));
    });
    PARSING.with(|p| p.set(true));
    let out = f();
    PARSING.with(|p| p.set(false));
    out
}

/// Read one workbook from memory (tests and fuzzing). Never panics.
pub fn read_submission_bytes(display: &str, bytes: &[u8], opts: &IngestOptions) -> Submission {
    read_located_bytes(display, bytes, opts).0
}

/// [`read_submission_bytes`], and where its answers sit.
pub fn read_located_bytes(
    display: &str,
    bytes: &[u8],
    opts: &IngestOptions,
) -> (Submission, AnswerCells) {
    let sha256 = crate::framework::sha256_hex(bytes);
    let path = std::path::PathBuf::from(display);
    let result = quietly(|| catch_unwind(AssertUnwindSafe(|| read_checked(bytes, opts))));
    let (profile, answers, cells, diags) = match result {
        Ok(Ok(parts)) => parts,
        Ok(Err(reason)) => {
            return (
                rejected(display, path, sha256, reason),
                AnswerCells::default(),
            )
        }
        Err(_) => {
            return (
                rejected(display, path, sha256, Kind::ParserFailed),
                AnswerCells::default(),
            );
        }
    };
    let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = diags
        .into_iter()
        .partition(|d| d.severity == Severity::Error);
    let submission = Submission {
        file: display.to_string(),
        path,
        sha256,
        status: if errors.is_empty() {
            Status::Scored
        } else {
            Status::Rejected
        },
        profile,
        answered: Submission::count_answered(&answers),
        answers,
        errors,
        warnings,
    };
    (submission, cells)
}

type Parts = (Profile, Vec<super::AnswerRow>, AnswerCells, Vec<Diagnostic>);

/// The whole-file reason on `Err`, otherwise what could be read with its diagnostics.
fn read_checked(bytes: &[u8], opts: &IngestOptions) -> Result<Parts, Kind> {
    let checked = guard::check(bytes, &opts.limits).map_err(|r| r.0)?;
    let mut book = Book::open(checked, bytes)?;
    // A readable spreadsheet with neither sheet is some other document, not a posture
    // workbook with two faults.
    if let (Err(SheetError::Missing(sheets)), Err(SheetError::Missing(_))) = (
        book.find_sheet(profile::SHEET),
        book.find_sheet(assessment::SHEET),
    ) {
        return Err(Kind::NotAPostureWorkbook {
            what: Returned::Submission,
            sheets,
        });
    }
    let mut diags = Vec::new();
    let missing = |name: &str, present: Vec<String>| {
        Diagnostic::error(Kind::MissingSheet { present }).in_sheet(name)
    };
    let profile = match book.find_sheet(profile::SHEET) {
        Ok(name) => match book.read(&name, profile::ROWS, true, None) {
            Ok(grid) => profile::parse(&grid, opts.framework, opts.registry, &mut diags),
            Err(e) => return Err(sheet_reason(&name, e, &opts.limits)),
        },
        Err(SheetError::Missing(sheets)) => {
            diags.push(missing(profile::SHEET, sheets));
            Profile::default()
        }
        Err(e) => return Err(sheet_reason(profile::SHEET, e, &opts.limits)),
    };
    let (answers, cells) = match book.find_sheet(assessment::SHEET) {
        Ok(name) => match book.read(
            &name,
            opts.limits.max_assessment_rows,
            false,
            Some(&assessment::COLUMNS),
        ) {
            Ok(grid) => assessment::parse_located(&grid, opts.framework, &mut diags),
            Err(e) => return Err(sheet_reason(&name, e, &opts.limits)),
        },
        Err(SheetError::Missing(sheets)) => {
            diags.push(missing(assessment::SHEET, sheets));
            (Vec::new(), AnswerCells::default())
        }
        Err(e) => return Err(sheet_reason(assessment::SHEET, e, &opts.limits)),
    };
    Ok((profile, answers, cells, diags))
}

/// The reason to refuse a workbook whose sheet `sheet` could not be read.
pub(crate) fn sheet_reason(sheet: &str, e: SheetError, limits: &Limits) -> Kind {
    let sheet = sheet.to_string();
    match e {
        // Not reached: a sheet that was found is not missing when read.
        SheetError::Missing(_) => Kind::UnreadableSheet {
            sheet,
            cause: Box::new(Kind::SheetReadFailed {
                cause: "no such sheet".into(),
            }),
        },
        SheetError::TooManyRows(row) => Kind::TooManyRows {
            sheet,
            limit: limits.max_assessment_rows,
            row,
        },
        SheetError::Unreadable(cause) => Kind::UnreadableSheet {
            sheet,
            cause: Box::new(cause),
        },
        SheetError::TooLarge(kind) => kind,
    }
}

/// What a batch read keeps of each workbook once it has been judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retain {
    /// Everything, answers included: for reports, which quote evidence and comments.
    Everything,
    /// Answers with their evidence but without comment text: for scoring, exports and the
    /// notes of `validate`, which carry levels and judge evidence (assurance, SPEC
    /// section 9: an empty evidence cell, the same evidence pasted on many questions).
    Levels,
    /// Status, profile and diagnostics, without the answer rows, so that memory does not
    /// grow with the number of workbooks (a few hundred bytes each instead of about
    /// 20 KB): for `validate`.
    Diagnostics,
}

/// Every submission of a batch, sorted by file, and beside each where its answers sit:
/// `cells[i]` belongs to `submissions[i]`.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    pub submissions: Vec<Submission>,
    pub cells: Vec<AnswerCells>,
}

/// Read every file in parallel, then apply the duplicate rules; sorted by file.
pub fn ingest(
    files: &[InputFile],
    opts: &IngestOptions,
    progress: bool,
    retain: Retain,
) -> Vec<Submission> {
    ingest_located(files, opts, progress, retain).submissions
}

/// [`ingest`], keeping where each workbook's answers sit (for assurance flags).
pub fn ingest_located(
    files: &[InputFile],
    opts: &IngestOptions,
    progress: bool,
    retain: Retain,
) -> Batch {
    let bar = if progress {
        let bar = indicatif::ProgressBar::new(files.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} reading workbooks {pos}/{len} [{bar:30}] {elapsed}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut read: Vec<(Submission, AnswerCells)> = files
        .par_iter()
        .map(|f| {
            let (mut s, mut cells) = read_located(f, opts);
            match retain {
                Retain::Everything => {}
                Retain::Levels => {
                    for row in &mut s.answers {
                        row.comment = None;
                    }
                }
                Retain::Diagnostics => {
                    s.answers = Vec::new();
                    cells = AnswerCells::default();
                }
            }
            bar.inc(1);
            (s, cells)
        })
        .collect();
    bar.finish_and_clear();
    read.sort_by(|a, b| a.0.file.cmp(&b.0.file));
    let (mut submissions, cells): (Vec<Submission>, Vec<AnswerCells>) = read.into_iter().unzip();
    apply_duplicate_rules(&mut submissions);
    Batch { submissions, cells }
}

/// SPEC section 4: among otherwise valid workbooks of the same agency and cycle,
/// identical bytes count once (the first in path order is scored, the others are
/// duplicates); different contents reject them all. Rejected workbooks take no part, so
/// they never displace a valid one. `subs` must be sorted by file.
pub fn apply_duplicate_rules(subs: &mut [Submission]) {
    let accepted = subs.iter().enumerate().filter_map(|(i, s)| {
        let key = (s.agency_id()?.to_string(), s.cycle()?.to_string());
        (s.status == Status::Scored).then(|| (i, key, s.sha256.clone()))
    });
    for (i, verdict) in duplicate_rule(accepted.collect()) {
        match verdict {
            Duplicate::Copy { kept } => {
                let kept = subs[kept].file.clone();
                subs[i].status = Status::Duplicate;
                subs[i]
                    .warnings
                    .push(Diagnostic::warning(Kind::DuplicateSubmission { kept }));
            }
            Duplicate::Conflict { others } => {
                let conflict = Kind::ConflictingSubmissions {
                    what: Returned::Submission,
                    agency: subs[i].agency_id().unwrap_or_default().to_string(),
                    cycle: subs[i].cycle().unwrap_or_default().to_string(),
                    file: subs[i].file.clone(),
                    others: others.iter().map(|&j| subs[j].file.clone()).collect(),
                };
                subs[i].errors.push(Diagnostic::error(conflict));
                subs[i].status = Status::Rejected;
            }
        }
    }
}

/// What SPEC section 4's duplicate rule makes of one file in a group of accepted files that
/// claim the same thing (an agency and cycle, an agency's plan).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Duplicate {
    /// Identical bytes to `kept`, the first of the group in file order: counted once, as it.
    Copy { kept: usize },
    /// The group's contents differ: rejected, naming the files whose bytes differ from this one.
    Conflict { others: Vec<usize> },
}

/// The one duplicate rule, for every kind of returned file. `accepted` holds (index, group
/// key, sha256) of the files that passed their own checks, in file order. Files alone in
/// their group get no verdict; in a group of identical bytes, every file after the first is
/// a [`Duplicate::Copy`]; in a group with different contents, every file is a
/// [`Duplicate::Conflict`], so no file is chosen silently.
pub fn duplicate_rule<K: Ord>(accepted: Vec<(usize, K, String)>) -> Vec<(usize, Duplicate)> {
    let mut groups: BTreeMap<K, Vec<(usize, String)>> = BTreeMap::new();
    for (i, key, sha) in accepted {
        groups.entry(key).or_default().push((i, sha));
    }
    let mut verdicts = Vec::new();
    for members in groups.into_values().filter(|m| m.len() > 1) {
        let (first, first_sha) = &members[0];
        if members.iter().all(|(_, sha)| sha == first_sha) {
            verdicts.extend(
                members[1..]
                    .iter()
                    .map(|(i, _)| (*i, Duplicate::Copy { kept: *first })),
            );
            continue;
        }
        for (i, sha) in &members {
            let others = members
                .iter()
                .filter(|(_, other)| other != sha)
                .map(|(j, _)| *j)
                .collect();
            verdicts.push((*i, Duplicate::Conflict { others }));
        }
    }
    verdicts.sort_by_key(|(i, _)| *i);
    verdicts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_duplicate_rule_keeps_the_first_copy_and_rejects_every_conflict() {
        let sha = |s: &str| s.to_string();
        // Alone in its group: no verdict.
        assert!(duplicate_rule(vec![(0, "a", sha("x")), (1, "b", sha("x"))]).is_empty());
        // Identical bytes: the first is kept.
        assert_eq!(
            duplicate_rule(vec![
                (3, "a", sha("x")),
                (5, "a", sha("x")),
                (7, "a", sha("x"))
            ]),
            [
                (5, Duplicate::Copy { kept: 3 }),
                (7, Duplicate::Copy { kept: 3 })
            ]
        );
        // Two equal and one different: all three rejected, each naming the files that differ.
        assert_eq!(
            duplicate_rule(vec![
                (0, "a", sha("x")),
                (1, "b", sha("y")),
                (2, "a", sha("x")),
                (4, "a", sha("z")),
            ]),
            [
                (0, Duplicate::Conflict { others: vec![4] }),
                (2, Duplicate::Conflict { others: vec![4] }),
                (4, Duplicate::Conflict { others: vec![0, 2] }),
            ]
        );
    }
    use crate::workbook::{AnswerRow, Profile};

    fn sub(file: &str, agency: &str, cycle: &str, sha: &str, status: Status) -> Submission {
        Submission {
            file: file.into(),
            path: file.into(),
            sha256: sha.into(),
            status,
            profile: Profile {
                agency_id: Some(agency.into()),
                cycle: Some(cycle.into()),
                ..Profile::default()
            },
            answers: vec![AnswerRow::default()],
            answered: 0,
            errors: if status == Status::Rejected {
                vec![Diagnostic::error(Kind::NoAnswers)]
            } else {
                Vec::new()
            },
            warnings: Vec::new(),
        }
    }

    #[test]
    fn identical_bytes_count_once() {
        let mut s = vec![
            sub("a.xlsx", "MOH", "2026", "x", Status::Scored),
            sub("b.xlsx", "MOH", "2026", "x", Status::Scored),
            sub("c.xlsx", "MOH", "2025", "x", Status::Scored),
        ];
        apply_duplicate_rules(&mut s);
        assert_eq!(s[0].status, Status::Scored);
        assert_eq!(s[1].status, Status::Duplicate);
        assert!(s[1].warnings[0].message().contains("duplicate of a.xlsx"));
        assert_eq!(
            s[2].status,
            Status::Scored,
            "another cycle is not a duplicate"
        );
    }

    #[test]
    fn different_contents_reject_both_naming_each_other() {
        let mut s = vec![
            sub("a.xlsx", "MOH", "2026", "x", Status::Scored),
            sub("b.xlsx", "MOH", "2026", "y", Status::Scored),
        ];
        apply_duplicate_rules(&mut s);
        for (i, other) in [(0, "b.xlsx"), (1, "a.xlsx")] {
            assert_eq!(s[i].status, Status::Rejected);
            let m = &s[i].errors[0].message();
            assert!(m.contains(&s[i].file) && m.contains(other), "{m}");
        }
    }

    #[test]
    fn a_rejected_workbook_never_displaces_a_valid_one() {
        let mut s = vec![
            sub("a.xlsx", "MOH", "2026", "x", Status::Rejected),
            sub("b.xlsx", "MOH", "2026", "y", Status::Scored),
            sub("c.xlsx", "MOH", "2026", "y", Status::Rejected),
        ];
        apply_duplicate_rules(&mut s);
        assert_eq!(s[1].status, Status::Scored);
        assert!(s[1].errors.is_empty() && s[1].warnings.is_empty());
        assert_eq!(s[0].errors.len(), 1);
    }

    #[test]
    fn limits_reject_large_files_before_reading_them_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.xlsx");
        std::fs::write(&path, vec![b'x'; 4096]).unwrap();
        let f = crate::framework::builtin("kh-ncmf").unwrap().unwrap();
        let opts = IngestOptions {
            framework: &f,
            registry: None,
            limits: Limits {
                max_file_bytes: 1024,
                ..Limits::default()
            },
        };
        let input = InputFile {
            path,
            display: "big.xlsx".into(),
        };
        let s = read_submission(&input, &opts);
        assert_eq!(s.status, Status::Rejected);
        assert_eq!(s.errors.len(), 1);
        assert_eq!(s.errors[0].cell(), None);
        assert!(
            s.errors[0]
                .message()
                .starts_with("file is too large (over 1024 bytes"),
            "{}",
            s.errors[0].message()
        );
    }
}
