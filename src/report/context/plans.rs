//! What the reports show of the action plans (SPEC section 11): in each agency's report,
//! the plan written for this cycle and how far the plan of its previous cycle went; in the
//! national report, the plans summed.

use serde::Serialize;

use super::{sector_label, Prepared, RejectRow};
use crate::plan::batch::Counted;
use crate::plan::ItemStatus;
use crate::score::AgencyScore;
use crate::workbook::Answer;
use crate::workbook::FileStatus;

/// An agency's plans in its report.
#[derive(Clone, Debug, Serialize)]
pub struct AgencyPlans {
    /// The plan written by this run (`action-plans/<stem>.xlsx`, relative to `--out`), and
    /// its number of rows (the agency's gaps).
    pub file: String,
    pub items: usize,
    /// Whether returned plans were read (`--plans`) at all.
    pub read: bool,
    /// The cycle whose plan was expected back, when the agency had one.
    pub expected_from: Option<String>,
    /// The returned plan of the previous cycle, when one was accepted.
    pub progress: Option<ProgressView>,
    /// Returned plan files of this agency that were rejected, with their errors, so the
    /// agency can correct and resend them.
    pub rejected: Vec<RejectRow>,
}

/// How far a returned plan was carried out.
#[derive(Clone, Debug, Serialize)]
pub struct ProgressView {
    /// The plan's cycle.
    pub from: String,
    pub items: usize,
    pub done: usize,
    pub improved: usize,
    pub done_not_improved: usize,
    /// The plan's rows, in plan order, at most [`super::AGENCY_GAP_LIMIT`].
    pub rows: Vec<ProgressRow>,
    pub rows_more: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct ProgressRow {
    pub id: String,
    pub text: String,
    /// The dropdown's value, as the template strings key it (`in progress` → `in_progress`);
    /// `None` when the agency left it empty.
    pub status: Option<&'static str>,
    pub owner: Option<String>,
    pub due: Option<String>,
    /// The level when the plan was written (`None`: unanswered) and its target.
    pub then: Option<u8>,
    pub target: u8,
    /// The level now: `None` for unanswered, and N/A flagged apart.
    pub now: Option<u8>,
    pub now_not_applicable: bool,
    pub improved: bool,
    /// Marked done, and not improved: what a reviewer should ask about.
    pub done_not_improved: bool,
}

/// The national "Action plans" section.
#[derive(Clone, Debug, Serialize)]
pub struct NationalPlans {
    /// Agencies scored this cycle that had a plan from their previous cycle to return.
    pub expected: usize,
    /// Plans counted.
    pub agencies: usize,
    pub items: usize,
    pub done: usize,
    pub improved: usize,
    pub done_not_improved: usize,
    pub rows: Vec<NationalPlanRow>,
    /// Returned plan files that were rejected (listed with their errors in the annex).
    pub rejected: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct NationalPlanRow {
    pub id: String,
    pub name: String,
    pub sector: String,
    pub from: String,
    pub items: usize,
    pub done: usize,
    pub improved: usize,
    pub done_not_improved: usize,
}

/// The key of a status in the template strings (`t.plan_status`).
pub fn status_key(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Planned => "planned",
        ItemStatus::InProgress => "in_progress",
        ItemStatus::Done => "done",
        ItemStatus::NotPlanned => "not_planned",
    }
}

impl Prepared<'_> {
    /// The agency's plans; `file` is where this run writes its plan.
    pub fn agency_plans(&self, s: &AgencyScore, file: String) -> AgencyPlans {
        let plans = self.input.plans;
        let counted = plans.and_then(|p| p.counted.get(&s.agency_id));
        AgencyPlans {
            file,
            items: s.gaps.len(),
            read: plans.is_some(),
            expected_from: plans
                .and_then(|p| p.expected_from.get(&s.agency_id))
                .map(|c| c.to_string()),
            progress: counted.map(|c| self.progress_view(c, s)),
            rejected: self
                .rejected_plans()
                .filter(|r| r.agency_id.as_deref() == Some(s.agency_id.as_str()))
                .collect(),
        }
    }

    fn progress_view(&self, counted: &Counted, now: &AgencyScore) -> ProgressView {
        let fw = self.input.framework;
        let lang = self.lang.code();
        let p = &counted.progress;
        let rows: Vec<ProgressRow> = counted
            .plan
            .items
            .iter()
            .map(|item| {
                let answer = fw
                    .question_index(&item.question_id)
                    .and_then(|qi| now.answers.get(qi))
                    .map_or(Answer::Unanswered, |a| a.answer);
                let done_not_improved = p.done_not_improved.contains(&item.question_id);
                ProgressRow {
                    id: item.question_id.clone(),
                    text: fw
                        .question(&item.question_id)
                        .map(|q| q.text.get(lang).to_string())
                        .unwrap_or_default(),
                    status: item.status.map(status_key),
                    owner: item.owner.clone(),
                    due: item.due.clone(),
                    then: item.current,
                    target: item.target,
                    now: match answer {
                        Answer::Level(l) => Some(l),
                        Answer::Unanswered | Answer::NotApplicable => None,
                    },
                    now_not_applicable: answer == Answer::NotApplicable,
                    improved: crate::plan::progress::improved(item, answer),
                    done_not_improved,
                }
            })
            .collect();
        let limit = super::AGENCY_GAP_LIMIT;
        ProgressView {
            from: counted.plan.cycle.clone(),
            items: p.items,
            done: p.done,
            improved: p.improved,
            done_not_improved: p.done_not_improved.len(),
            rows_more: rows.len().saturating_sub(limit),
            rows: rows.into_iter().take(limit).collect(),
        }
    }

    /// Every rejected plan file, with its errors in the report language.
    pub fn rejected_plans(&self) -> impl Iterator<Item = RejectRow> + '_ {
        let files = self.input.plans.map_or(&[][..], |p| &p.files);
        files
            .iter()
            .filter(|f| f.status == FileStatus::Rejected)
            .map(|f| RejectRow {
                file: f.file.clone(),
                agency_id: f.agency_id.clone(),
                cycle: f.cycle.clone(),
                errors: self.diagnostic_rows(&f.errors),
            })
    }

    /// The national section; `None` when no returned plans were read.
    pub fn national_plans(&self) -> Option<NationalPlans> {
        let plans = self.input.plans?;
        let total = plans.national().unwrap_or_default();
        let rows = plans
            .counted
            .iter()
            .map(|(id, c)| {
                let score = self.score_of(id);
                NationalPlanRow {
                    id: id.clone(),
                    name: self.agency_name(id, score.map_or("", |s| s.agency_name.as_str())),
                    sector: score.map_or_else(String::new, |s| sector_label(self, &s.sector)),
                    from: c.plan.cycle.clone(),
                    items: c.progress.items,
                    done: c.progress.done,
                    improved: c.progress.improved,
                    done_not_improved: c.progress.done_not_improved.len(),
                }
            })
            .collect();
        Some(NationalPlans {
            expected: plans.expected_from.len(),
            agencies: total.agencies,
            items: total.total.items,
            done: total.total.done,
            improved: total.total.improved,
            done_not_improved: total.total.done_not_improved.len(),
            rows,
            rejected: plans.rejected(),
        })
    }
}
