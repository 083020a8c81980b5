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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::score_submission;
    use crate::score::tests::{golden, submission};
    use crate::workbook::Answer::{Level as L, NotApplicable as NA};

    fn item(question_id: &str, current: u8, status: ItemStatus) -> PlanItem {
        PlanItem {
            rank: 1,
            question_id: question_id.into(),
            question: String::new(),
            current: Some(current),
            target: 3,
            next_step: String::new(),
            priority: 1.0,
            owner: None,
            due: None,
            status: Some(status),
            note: None,
        }
    }

    /// docs/methodology.md section 8: three rows at 1, 0 and 2 (target 3) marked done, done
    /// and planned; the next cycle answers 2, 0 and 3.
    #[test]
    fn the_methodology_example() {
        let fw = golden();
        let plan = Plan {
            agency_id: "AG".into(),
            agency_name: String::new(),
            sector: "energy".into(),
            cycle: "2025".into(),
            framework_id: fw.id.clone(),
            framework_version: fw.version.clone(),
            items: vec![
                item("D1.A-01", 1, ItemStatus::Done),
                item("D1.B-02", 0, ItemStatus::Done),
                item("D2.C-01", 2, ItemStatus::Planned),
            ],
        };
        // Answers in framework order: D1.A-01, D1.A-02, D1.B-01, D1.B-02, D2.C-01, D2.C-02.
        let now = submission("AG", "energy", "2026", &[L(2), L(3), L(3), L(0), L(3), NA]);
        let now = score_submission(&fw, &now, None).unwrap();
        assert_eq!(
            plan_progress(&fw, &plan, &now),
            PlanProgress {
                items: 3,
                done: 2,
                improved: 2,
                done_not_improved: vec!["D1.B-02".into()],
            }
        );
    }

    #[test]
    fn improved_is_a_level_up_or_the_target() {
        let row = item("Q", 1, ItemStatus::Done);
        assert!(!improved(&row, L(1)));
        assert!(improved(&row, L(2)));
        assert!(improved(&row, L(3)));
        assert!(!improved(&row, Answer::Unanswered));
        assert!(!improved(&row, NA), "N/A now is not an improvement");
        let unanswered_then = PlanItem {
            current: None,
            ..item("Q", 0, ItemStatus::Done)
        };
        assert!(improved(&unanswered_then, L(1)));
        assert!(!improved(&unanswered_then, L(0)));
        // Already at target when planned (a target raised since): staying there counts.
        let at_target = PlanItem {
            target: 2,
            ..item("Q", 2, ItemStatus::Done)
        };
        assert!(improved(&at_target, L(2)));
    }
}
