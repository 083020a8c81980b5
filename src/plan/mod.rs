//! Agency action plans (SPEC section 11): the workbook `posture report` writes for every
//! scored agency (`action-plans/<agency id>.xlsx`), one row per question gap in priority
//! order, and the reading of the plans agencies send back (`--plans DIR`), checked
//! against the plan posture wrote, with the `plan_progress` arithmetic of the next cycle.
//!
//! Everything here is pure: [`plan_for`] derives a plan from a score, [`write::plan_bytes`]
//! turns it into xlsx bytes, [`read::read_plan_bytes`] reads bytes back with located
//! diagnostics and [`progress::plan_progress`] compares a returned plan with the next
//! cycle's score.

pub mod batch;
pub mod progress;
pub mod read;
pub mod write;

use serde::Serialize;

use crate::framework::Framework;
use crate::score::AgencyScore;
use crate::workbook::template::{bilingual, khmer_digits};

pub use progress::{plan_progress, PlanProgress};
pub use read::{read_plan_bytes, ReturnedPlan};
pub use write::plan_bytes;

/// Sheet names; the reader matches them case-insensitively after trimming.
pub const PROFILE_SHEET: &str = "Profile";
pub const PLAN_SHEET: &str = "Plan";

/// The Plan sheet's header, exactly as SPEC section 11 gives it.
pub const HEADER: [&str; 11] = [
    "rank",
    "question_id",
    "question",
    "current",
    "target",
    "next_step",
    "priority",
    "owner",
    "due",
    "status",
    "note",
];

/// Zero-based columns of the Plan sheet, in [`HEADER`] order.
pub const COL_RANK: u16 = 0;
pub const COL_QUESTION_ID: u16 = 1;
pub const COL_QUESTION: u16 = 2;
pub const COL_CURRENT: u16 = 3;
pub const COL_TARGET: u16 = 4;
pub const COL_NEXT_STEP: u16 = 5;
pub const COL_PRIORITY: u16 = 6;
pub const COL_OWNER: u16 = 7;
pub const COL_DUE: u16 = 8;
pub const COL_STATUS: u16 = 9;
pub const COL_NOTE: u16 = 10;

/// The Profile fields of a plan (SPEC section 4's, without the submitter's).
pub const PLAN_PROFILE_FIELDS: [&str; 6] = [
    "agency_id",
    "agency_name",
    "sector",
    "cycle",
    "framework_id",
    "framework_version",
];

/// Where an item stands, as the agency says (the `status` dropdown).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum ItemStatus {
    #[serde(rename = "planned")]
    Planned,
    #[serde(rename = "in progress")]
    InProgress,
    #[serde(rename = "done")]
    Done,
    #[serde(rename = "not planned")]
    NotPlanned,
}

impl ItemStatus {
    pub const ALL: [ItemStatus; 4] = [
        ItemStatus::Planned,
        ItemStatus::InProgress,
        ItemStatus::Done,
        ItemStatus::NotPlanned,
    ];

    /// The dropdown's text.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Planned => "planned",
            ItemStatus::InProgress => "in progress",
            ItemStatus::Done => "done",
            ItemStatus::NotPlanned => "not planned",
        }
    }

    /// A status as typed: trimmed, case-insensitive, inner white space collapsed
    /// (`In  Progress` is `in progress`).
    pub fn parse(text: &str) -> Option<ItemStatus> {
        let norm = text.split_whitespace().collect::<Vec<_>>().join(" ");
        ItemStatus::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(&norm))
    }

    /// The dropdown's choices joined for a diagnostic's `expected`.
    pub fn choices() -> String {
        ItemStatus::ALL.map(ItemStatus::as_str).join(", ")
    }
}

/// One row of a plan: what posture fills in, and the four cells the agency fills in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanItem {
    /// 1-based, in the gap list's order (SPEC section 5).
    pub rank: u32,
    pub question_id: String,
    /// The question's text, bilingual.
    pub question: String,
    /// The level; `None` for an unanswered question.
    pub current: Option<u8>,
    pub target: u8,
    /// The next step, bilingual (see [`next_step`]).
    pub next_step: String,
    pub priority: f64,
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    pub status: Option<ItemStatus>,
    pub note: Option<String>,
}

/// An agency's plan for one cycle.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    pub agency_id: String,
    pub agency_name: String,
    pub sector: String,
    pub cycle: String,
    pub framework_id: String,
    pub framework_version: String,
    pub items: Vec<PlanItem>,
}

impl Plan {
    /// The Profile values in [`PLAN_PROFILE_FIELDS`] order.
    pub fn profile_values(&self) -> [&str; 6] {
        [
            &self.agency_id,
            &self.agency_name,
            &self.sector,
            &self.cycle,
            &self.framework_id,
            &self.framework_version,
        ]
    }
}

/// The plan posture writes for `score`: one item per question gap, in the gap list's
/// order, with nothing filled in for the agency.
pub fn plan_for(framework: &Framework, score: &AgencyScore) -> Plan {
    let items = score
        .gaps
        .iter()
        .enumerate()
        .map(|(i, gap)| {
            let question = framework.question(&gap.question_id);
            PlanItem {
                rank: i as u32 + 1,
                question_id: gap.question_id.clone(),
                question: question
                    .map(|q| crate::workbook::template::text_both(&q.text))
                    .unwrap_or_default(),
                current: gap.level,
                target: score.target,
                next_step: next_step(framework, &gap.question_id, gap.level.unwrap_or(0)),
                priority: gap.priority,
                owner: None,
                due: None,
                status: None,
                note: None,
            }
        })
        .collect();
    Plan {
        agency_id: score.agency_id.clone(),
        agency_name: score.agency_name.clone(),
        sector: score.sector.clone(),
        cycle: score.cycle.to_string(),
        framework_id: framework.id.clone(),
        framework_version: framework.version.clone(),
        items,
    }
}

/// The next step of a question at level `current` (SPEC section 11): the guidance of
/// level current + 1 with its label, or "reach level N – <label>" where the framework has
/// no guidance; English, then Khmer on the next line when the framework has it.
pub fn next_step(framework: &Framework, question_id: &str, current: u8) -> String {
    let next = current.saturating_add(1).min(framework.max_level());
    let label = |lang: &str| framework.level_label(next, lang);
    let km_label = framework
        .scale
        .get(next as usize)
        .filter(|s| s.label.has("km"))
        .map(|s| s.label.get("km"));
    let guidance = |lang: &str| {
        framework
            .question(question_id)
            .and_then(|q| q.guidance.get(lang))
            .and_then(|g| g.get(next as usize))
            .map(String::as_str)
            .filter(|g| !g.trim().is_empty())
    };
    match guidance("en") {
        Some(en) => {
            let en_text = format!("{next} – {}: {en}", label("en"));
            let km_text = guidance("km").map(|km| {
                format!(
                    "{} – {}: {km}",
                    khmer_digits(next),
                    km_label.unwrap_or(label("en"))
                )
            });
            bilingual(&en_text, km_text.as_deref())
        }
        None => {
            let en_text = format!("reach level {next} – {}", label("en"));
            let km_text = km_label.map(|km| format!("សម្រេចកម្រិត {} – {km}", khmer_digits(next)));
            bilingual(&en_text, km_text.as_deref())
        }
    }
}
