//! `plan_progress` (SPEC section 11): how far an agency's plan from its previous cycle was
//! carried out, judged by the report cycle's answers.
//!
//! Counted over every row of the plan: `items` (rows), `done` (status `done`),
//! `improved` (rows whose question now reaches the row's `target` or is at least one level
//! above the row's `current`, whatever the status) and `done_not_improved` (the ids of the
//! rows marked done that did not improve, in plan order). Unanswered counts 0, as in
//! scoring; a question now N/A has not improved.

use serde::Serialize;

use super::{ItemStatus, Plan, PlanItem};
use crate::framework::Framework;
use crate::score::AgencyScore;
use crate::workbook::Answer;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PlanProgress {
    pub items: usize,
    pub done: usize,
    pub improved: usize,
    pub done_not_improved: Vec<String>,
}

/// The progress of `plan` (as returned, from the previous cycle) given `now`, the
/// agency's score in the report's cycle.
pub fn plan_progress(framework: &Framework, plan: &Plan, now: &AgencyScore) -> PlanProgress {
    let mut p = PlanProgress::default();
    for item in &plan.items {
        p.items += 1;
        let answer = framework
            .question_index(&item.question_id)
            .and_then(|qi| now.answers.get(qi))
            .map_or(Answer::Unanswered, |a| a.answer);
        let improved = improved(item, answer);
        let done = item.status == Some(ItemStatus::Done);
        p.improved += usize::from(improved);
        p.done += usize::from(done);
        if done && !improved {
            p.done_not_improved.push(item.question_id.clone());
        }
    }
    p
}

/// Whether the row's question improved, given its answer now: it reaches the row's
/// `target`, or is at least one level above the row's `current`. Unanswered (then or now)
/// counts 0; a question now N/A has not improved.
pub fn improved(item: &PlanItem, now: Answer) -> bool {
    let level = match now {
        Answer::Level(l) => l,
        Answer::Unanswered => 0,
        Answer::NotApplicable => return false,
    };
    level >= item.target || level > item.current.unwrap_or(0)
}

impl PlanProgress {
    /// The national sum (`national.<cycle>.plan_progress`); `agencies` is `parts.len()`.
    pub fn sum<'a>(parts: impl IntoIterator<Item = &'a PlanProgress>) -> (usize, PlanProgress) {
        let mut total = PlanProgress::default();
        let mut agencies = 0;
        for p in parts {
            agencies += 1;
            total.items += p.items;
            total.done += p.done;
            total.improved += p.improved;
            total
                .done_not_improved
                .extend(p.done_not_improved.iter().cloned());
        }
        total.done_not_improved.sort();
        (agencies, total)
    }
}
