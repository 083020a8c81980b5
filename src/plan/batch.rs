//! The returned plans of one run (`--plans DIR`, SPEC section 11): every file read and
//! judged, listed as `plan_files`, and the `plan_progress` of each agency scored in the
//! report's cycle whose plan from its previous cycle came back accepted.
//!
//! The plans posture expects are regenerated from the scores ([`expected_plans`]), so
//! nothing but the inputs is needed: the plan an agency returns in 2026 must be the plan
//! `posture report` wrote for it from its 2025 workbook.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{plan_for, plan_progress, read_plan_bytes, Plan, PlanProgress};
use crate::cycle::Cycle;
use crate::framework::{sha256_hex, Framework};
use crate::score::AgencyScore;
use crate::workbook::ingest::{duplicate_rule, read_input_bytes, Duplicate, InputFile};
use crate::workbook::{Diagnostic, FileStatus, Kind, Limits, Returned};

/// One entry of `plan_files`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanFile {
    pub file: String,
    pub sha256: String,
    pub status: FileStatus,
    pub agency_id: Option<String>,
    pub cycle: Option<String>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// Every returned plan of a run, judged against one report cycle.
#[derive(Clone, Debug, Default)]
pub struct Plans {
    /// The cycle whose scores judge the plans (the report's cycle).
    pub cycle: Cycle,
    /// Every file read, sorted by file.
    pub files: Vec<PlanFile>,
    /// Agency id -> the previous cycle whose plan it could return: every agency scored in
    /// `cycle` that was scored before.
    pub expected_from: BTreeMap<String, Cycle>,
    /// Agency id -> its accepted plan and that plan's progress.
    pub counted: BTreeMap<String, Counted>,
}

/// An accepted plan, as the agency returned it, and how far it was carried out.
#[derive(Clone, Debug, PartialEq)]
pub struct Counted {
    pub plan: Plan,
    pub progress: PlanProgress,
}

/// `national.<cycle>.plan_progress`: the agencies' progress summed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NationalPlanProgress {
    /// The number of plans counted.
    pub agencies: usize,
    #[serde(flatten)]
    pub total: PlanProgress,
}

impl Plans {
    pub fn rejected(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.status == FileStatus::Rejected)
            .count()
    }

    /// The national sum; `None` when no plan was counted.
    pub fn national(&self) -> Option<NationalPlanProgress> {
        if self.counted.is_empty() {
            return None;
        }
        let (agencies, total) = PlanProgress::sum(self.counted.values().map(|c| &c.progress));
        Some(NationalPlanProgress { agencies, total })
    }
}

/// The plans posture wrote for the previous cycle (SPEC section 5: the latest earlier
/// cycle in which the agency was scored) of every agency scored in `cycle`, by agency id.
pub fn expected_plans(
    framework: &Framework,
    scores: &[AgencyScore],
    cycle: &Cycle,
) -> BTreeMap<String, Plan> {
    let mut previous: BTreeMap<&str, &AgencyScore> = BTreeMap::new();
    for s in scores.iter().filter(|s| &s.cycle < cycle) {
        let entry = previous.entry(&s.agency_id).or_insert(s);
        if s.cycle > entry.cycle {
            *entry = s;
        }
    }
    scores
        .iter()
        .filter(|s| &s.cycle == cycle)
        .filter_map(|now| previous.get(now.agency_id.as_str()))
        .map(|before| (before.agency_id.clone(), plan_for(framework, before)))
        .collect()
}

/// Read every file of `files` (sorted by display path, as [`discover`] gives them) and
/// judge it against the plans expected for `cycle`. Never panics; a bad file is a
/// rejected entry, and no file stops the others.
///
/// [`discover`]: crate::workbook::ingest::discover
pub fn read_plans(
    framework: &Framework,
    scores: &[AgencyScore],
    cycle: &Cycle,
    files: &[InputFile],
    limits: &Limits,
) -> Plans {
    let expected = expected_plans(framework, scores, cycle);
    let mut entries: Vec<(PlanFile, Option<Plan>)> = files
        .iter()
        .map(|f| match read_input_bytes(&f.path, limits.max_file_bytes) {
            Ok(bytes) => {
                let returned = read_plan_bytes(&f.display, &bytes, limits, &expected);
                let accepted = returned.accepted();
                let entry = PlanFile {
                    file: f.display.clone(),
                    sha256: sha256_hex(&bytes),
                    status: if accepted {
                        FileStatus::Used
                    } else {
                        FileStatus::Rejected
                    },
                    agency_id: returned.agency_id,
                    cycle: returned.cycle,
                    errors: returned.errors,
                    warnings: returned.warnings,
                };
                (entry, returned.plan.filter(|_| accepted))
            }
            Err(kind) => (
                PlanFile {
                    file: f.display.clone(),
                    sha256: String::new(),
                    status: FileStatus::Rejected,
                    agency_id: None,
                    cycle: None,
                    errors: vec![Diagnostic::error(kind)],
                    warnings: Vec::new(),
                },
                None,
            ),
        })
        .collect();
    entries.sort_by(|a, b| a.0.file.cmp(&b.0.file));
    apply_duplicate_rules(&mut entries);

    let now: BTreeMap<&str, &AgencyScore> = scores
        .iter()
        .filter(|s| &s.cycle == cycle)
        .map(|s| (s.agency_id.as_str(), s))
        .collect();
    let mut counted = BTreeMap::new();
    let mut files = Vec::with_capacity(entries.len());
    for (entry, plan) in entries {
        if let (FileStatus::Used, Some(plan)) = (entry.status, plan) {
            // Every expected plan belongs to an agency scored in `cycle`.
            if let Some(score) = now.get(plan.agency_id.as_str()) {
                let progress = plan_progress(framework, &plan, score);
                counted.insert(plan.agency_id.clone(), Counted { plan, progress });
            }
        }
        files.push(entry);
    }
    Plans {
        cycle: cycle.clone(),
        expected_from: expected
            .iter()
            .map(|(id, plan)| (id.clone(), Cycle::from(plan.cycle.as_str())))
            .collect(),
        files,
        counted,
    }
}

/// SPEC section 4's duplicate rule ([`duplicate_rule`]), for plans: an agency has one plan
/// to return, so accepted files of one agency form a group.
fn apply_duplicate_rules(entries: &mut [(PlanFile, Option<Plan>)]) {
    let accepted = entries.iter().enumerate().filter_map(|(i, (entry, _))| {
        let agency = entry.agency_id.clone()?;
        (entry.status == FileStatus::Used).then(|| (i, agency, entry.sha256.clone()))
    });
    for (i, verdict) in duplicate_rule(accepted.collect()) {
        match verdict {
            Duplicate::Copy { kept } => {
                let kept = entries[kept].0.file.clone();
                let entry = &mut entries[i].0;
                entry.status = FileStatus::Duplicate;
                entry
                    .warnings
                    .push(Diagnostic::warning(Kind::DuplicateSubmission { kept }));
            }
            Duplicate::Conflict { others } => {
                let others = others.iter().map(|&j| entries[j].0.file.clone()).collect();
                let (entry, plan) = &mut entries[i];
                entry
                    .errors
                    .push(Diagnostic::error(Kind::ConflictingSubmissions {
                        what: Returned::ActionPlan,
                        agency: entry.agency_id.clone().unwrap_or_default(),
                        cycle: entry.cycle.clone().unwrap_or_default(),
                        file: entry.file.clone(),
                        others,
                    }));
                entry.status = FileStatus::Rejected;
                *plan = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{plan_bytes, ItemStatus};
    use crate::score::score_submission;
    use crate::score::tests::{golden, submission};
    use crate::workbook::Answer::{Level as L, NotApplicable as NA, Unanswered as U};

    fn score(agency: &str, cycle: &str, answers: &[crate::workbook::Answer]) -> AgencyScore {
        let fw = golden();
        score_submission(&fw, &submission(agency, "energy", cycle, answers), None).unwrap()
    }

    /// AG in 2024, 2025 and 2026; NEW only in 2026; OLD only in 2025.
    fn scores() -> Vec<AgencyScore> {
        vec![
            score("AG", "2026", &[L(3), L(1), L(3), L(0), L(2), NA]),
            score("AG", "2024", &[L(0), U, L(1), L(0), L(0), NA]),
            score("AG", "2025", &[L(1), U, L(3), L(0), L(2), NA]),
            score("NEW", "2026", &[L(1), L(1), L(1), L(1), L(1), NA]),
            score("OLD", "2025", &[L(1), L(1), L(1), L(1), L(1), NA]),
        ]
    }

    fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> InputFile {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        InputFile {
            path,
            display: format!("plans/{name}"),
        }
    }

    /// AG's 2025 plan with every row marked done.
    fn filled_plan(note: &str) -> Vec<u8> {
        let fw = golden();
        let mut plan = plan_for(&fw, &scores()[2]);
        for item in &mut plan.items {
            item.status = Some(ItemStatus::Done);
            item.note = Some(note.into());
        }
        plan_bytes(&plan).unwrap()
    }

    #[test]
    fn the_expected_plan_is_from_the_agencys_latest_earlier_cycle() {
        let fw = golden();
        let scores = scores();
        let expected = expected_plans(&fw, &scores, &Cycle::from("2026"));
        assert_eq!(expected.keys().collect::<Vec<_>>(), ["AG"]);
        assert_eq!(expected["AG"].cycle, "2025");
        assert_eq!(expected["AG"], plan_for(&fw, &scores[2]));
        // Judged by 2025, AG's plan is 2024's; OLD has no earlier cycle.
        let expected = expected_plans(&fw, &scores, &Cycle::from("2025"));
        assert_eq!(expected.keys().collect::<Vec<_>>(), ["AG"]);
        assert_eq!(expected["AG"].cycle, "2024");
    }

    #[test]
    fn an_accepted_plan_counts_and_sums_nationally() {
        let dir = tempfile::tempdir().unwrap();
        let fw = golden();
        let files = [write(dir.path(), "AG.xlsx", &filled_plan("n"))];
        let plans = read_plans(
            &fw,
            &scores(),
            &Cycle::from("2026"),
            &files,
            &Limits::default(),
        );
        assert_eq!(plans.files.len(), 1);
        let file = &plans.files[0];
        assert_eq!(file.status, FileStatus::Used, "{:?}", file.errors);
        assert_eq!(file.sha256, sha256_hex(&filled_plan("n")));
        assert_eq!(plans.expected_from["AG"], Cycle::from("2025"));
        let counted = &plans.counted["AG"];
        // 2025 → 2026, target 3: D1.A-02 unanswered → 1 and D1.A-01 1 → 3 improved;
        // D1.B-02 0 → 0 and D2.C-01 2 → 2, both marked done, did not.
        let p = &counted.progress;
        assert_eq!(
            p,
            &PlanProgress {
                items: 4,
                done: 4,
                improved: 2,
                done_not_improved: vec!["D1.B-02".into(), "D2.C-01".into()],
            }
        );
        assert_eq!(p, &plan_progress(&fw, &counted.plan, &scores()[0]));
        let national = plans.national().unwrap();
        assert_eq!(national.agencies, 1);
        assert_eq!(&national.total, p);
        assert_eq!(plans.rejected(), 0);
    }

    #[test]
    fn identical_copies_count_once_and_different_ones_reject_both() {
        let dir = tempfile::tempdir().unwrap();
        let fw = golden();
        let (a, b) = (filled_plan("first"), filled_plan("second"));
        let cycle = Cycle::from("2026");
        let same = [
            write(dir.path(), "AG.xlsx", &a),
            write(dir.path(), "AG_again.xlsx", &a),
        ];
        let plans = read_plans(&fw, &scores(), &cycle, &same, &Limits::default());
        let status: Vec<_> = plans.files.iter().map(|f| f.status).collect();
        assert_eq!(status, [FileStatus::Used, FileStatus::Duplicate]);
        assert!(matches!(
            &plans.files[1].warnings[0].kind,
            Kind::DuplicateSubmission { kept } if kept == "plans/AG.xlsx"
        ));
        assert_eq!(plans.counted.len(), 1);

        let different = [
            write(dir.path(), "AG.xlsx", &a),
            write(dir.path(), "AG_again.xlsx", &b),
        ];
        let plans = read_plans(&fw, &scores(), &cycle, &different, &Limits::default());
        for f in &plans.files {
            assert_eq!(f.status, FileStatus::Rejected);
            assert!(matches!(
                &f.errors[0].kind,
                Kind::ConflictingSubmissions { agency, .. } if agency == "AG"
            ));
        }
        assert!(plans.counted.is_empty());
        assert_eq!(plans.national(), None);
        assert_eq!(plans.rejected(), 2);
    }

    #[test]
    fn a_bad_file_is_a_rejected_entry_and_never_stops_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let fw = golden();
        let files = [
            write(dir.path(), "AG.xlsx", &filled_plan("n")),
            write(dir.path(), "broken.xlsx", b"PK\x03\x04 not really a zip"),
            write(dir.path(), "huge.xlsx", &vec![0u8; 2048]),
            InputFile {
                path: dir.path().join("gone.xlsx"),
                display: "plans/gone.xlsx".into(),
            },
        ];
        let limits = Limits {
            max_file_bytes: 1024 * 1024,
            ..Limits::default()
        };
        let mut small = limits;
        small.max_file_bytes = 1024;
        let plans = read_plans(&fw, &scores(), &Cycle::from("2026"), &files, &limits);
        let by_file: BTreeMap<&str, &PlanFile> =
            plans.files.iter().map(|f| (f.file.as_str(), f)).collect();
        assert_eq!(by_file["plans/AG.xlsx"].status, FileStatus::Used);
        for bad in ["plans/broken.xlsx", "plans/huge.xlsx", "plans/gone.xlsx"] {
            assert_eq!(by_file[bad].status, FileStatus::Rejected, "{bad}");
            assert!(!by_file[bad].errors.is_empty(), "{bad}");
        }
        assert!(matches!(
            by_file["plans/gone.xlsx"].errors[0].kind,
            Kind::UnreadableFile { .. }
        ));
        // Past the size limit, the file is refused before it is parsed.
        let plans = read_plans(&fw, &scores(), &Cycle::from("2026"), &files[2..3], &small);
        assert!(matches!(
            plans.files[0].errors[0].kind,
            Kind::FileTooLarge { .. }
        ));
        assert_eq!(plans.counted.len(), 0);
    }

    #[test]
    fn a_plan_of_another_cycle_is_rejected_at_its_cell() {
        let dir = tempfile::tempdir().unwrap();
        let fw = golden();
        // AG's 2025 plan, judged by 2025: the plan expected back is 2024's.
        let files = [write(dir.path(), "AG.xlsx", &filled_plan("n"))];
        let plans = read_plans(
            &fw,
            &scores(),
            &Cycle::from("2025"),
            &files,
            &Limits::default(),
        );
        let f = &plans.files[0];
        assert_eq!(f.status, FileStatus::Rejected);
        assert!(matches!(f.errors[0].kind, Kind::PlanWrongCycle));
        assert_eq!(f.errors[0].sheet.as_deref(), Some("Profile"));
        assert_eq!(f.errors[0].expected.as_deref(), Some("2024"));
    }
}
