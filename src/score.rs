//! Per-agency scoring (SPEC section 5): category, domain and overall scores, index, tier,
//! completeness, target, gaps and the prioritised gap list. Pure arithmetic on f64.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::workbook::AnswerRow;

/// One question below target, for the agency's gap list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuestionGap {
    pub question_id: String,
    /// The answered level; `None` when unanswered (counted as 0).
    pub level: Option<u8>,
    /// max(0, target - level)
    pub gap: u8,
    /// gap x w_q x w_c x w_d; the gap list is ordered by it, descending, ties by id.
    pub priority: f64,
}

/// The scores of one agency in one cycle.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AgencyScore {
    pub agency_id: String,
    pub agency_name: String,
    /// The authoritative sector: the registry's when given, else the Profile's.
    pub sector: String,
    pub cycle: String,
    /// The submission file this score came from.
    pub file: String,
    pub overall: Option<f64>,
    pub index: Option<f64>,
    pub tier: Option<u8>,
    pub completeness: Option<f64>,
    pub target: u8,
    /// Domain id -> score; `None` when not applicable.
    pub domains: BTreeMap<String, Option<f64>>,
    /// Category id -> score; `None` when not applicable.
    pub categories: BTreeMap<String, Option<f64>>,
    /// One entry per framework question, in framework order.
    pub answers: Vec<AnswerRow>,
    /// Questions below target, highest priority first.
    pub gaps: Vec<QuestionGap>,
}
