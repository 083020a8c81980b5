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
use crate::workbook::ingest::{read_input_bytes, InputFile};
use crate::workbook::{Diagnostic, Kind, Limits};

/// What became of a returned plan file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanFileStatus {
    /// Accepted, and counted in its agency's `plan_progress`.
    Used,
    /// An error: not counted (the errors say why).
    Rejected,
    /// Byte-identical to an accepted file listed before it: counted once, as that one.
    Duplicate,
}

impl PlanFileStatus {
    /// As serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanFileStatus::Used => "used",
            PlanFileStatus::Rejected => "rejected",
            PlanFileStatus::Duplicate => "duplicate",
        }
    }
}

/// One entry of `plan_files`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanFile {
    pub file: String,
    pub sha256: String,
    pub status: PlanFileStatus,
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
            .filter(|f| f.status == PlanFileStatus::Rejected)
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
                        PlanFileStatus::Used
                    } else {
                        PlanFileStatus::Rejected
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
                    status: PlanFileStatus::Rejected,
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
        if let (PlanFileStatus::Used, Some(plan)) = (entry.status, plan) {
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

/// SPEC section 4's rule, for plans: accepted files of one agency with identical bytes
/// count once (the first in file order; the others are `duplicate`), different contents
/// reject them all, so no plan is chosen silently.
fn apply_duplicate_rules(entries: &mut [(PlanFile, Option<Plan>)]) {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (entry, _)) in entries.iter().enumerate() {
        if entry.status == PlanFileStatus::Used {
            if let Some(agency) = &entry.agency_id {
                groups.entry(agency.clone()).or_default().push(i);
            }
        }
    }
    for (agency, members) in groups {
        let [first, rest @ ..] = members.as_slice() else {
            continue;
        };
        if rest.is_empty() {
            continue;
        }
        let sha = entries[*first].0.sha256.clone();
        if rest.iter().all(|&i| entries[i].0.sha256 == sha) {
            let kept = entries[*first].0.file.clone();
            for &i in rest {
                let entry = &mut entries[i].0;
                entry.status = PlanFileStatus::Duplicate;
                entry
                    .warnings
                    .push(Diagnostic::warning(Kind::DuplicateSubmission {
                        kept: kept.clone(),
                    }));
            }
            continue;
        }
        for &i in &members {
            let others = members
                .iter()
                .filter(|&&j| entries[j].0.sha256 != entries[i].0.sha256)
                .map(|&j| entries[j].0.file.clone())
                .collect();
            let entry = &mut entries[i];
            entry.0.errors.push(Diagnostic::error(Kind::ConflictingSubmissions {
                agency: agency.clone(),
                cycle: entry.0.cycle.clone().unwrap_or_default(),
                file: entry.0.file.clone(),
                others,
            }));
            entry.0.status = PlanFileStatus::Rejected;
            entry.1 = None;
        }
    }
}
