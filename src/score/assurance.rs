//! Assurance (SPEC section 9): what a reviewer should check in a self-assessment, and how
//! far each agency's numbers can be trusted. Nothing here changes a score.
//!
//! The flags of one workbook (unsupported claims, broken consistency rules, straight
//! lines, pasted evidence) are computed in the scoring pass itself, from the answers and
//! category scores that pass already holds ([`own`]); the flags that compare agencies
//! (a jump since the agency's previous cycle, identical answers within a cycle) follow
//! once the batch is sorted ([`across_batch`]). `docs/methodology.md` explains the method
//! with a worked example.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{cycle_cmp, AgencyScore, TIER_EPSILON};
use crate::framework::{Framework, Rule, RuleSubject};
use crate::workbook::{Answer, AnswerCells, AnswerRow};

/// `straight_line` and `identical_answers` need at least this many answered questions.
pub const MIN_ANSWERED: usize = 10;
/// `straight_line`: this share (in tenths) of the answered questions at one level.
pub const STRAIGHT_LINE_TENTHS: usize = 9;
/// `repeated_evidence`: one evidence text on at least this many questions.
pub const REPEATED_EVIDENCE: usize = 5;
/// `jump`: a rise of the overall score of at least this much since the previous cycle.
pub const JUMP_OVERALL: f64 = 1.0;
/// `jump`: a rise of a domain score of at least this much.
pub const JUMP_DOMAIN: f64 = 2.0;
/// Confidence is low above this unsupported share.
pub const LOW_SHARE: f64 = 0.5;
/// Confidence can be high up to this unsupported share.
pub const HIGH_SHARE: f64 = 0.1;
/// Confidence is low with at least this many `rule_violated` flags.
pub const LOW_RULES: usize = 3;

/// The kinds of flag, in the order of SPEC section 9's table (the order flags are listed in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    UnsupportedClaim,
    RuleViolated,
    StraightLine,
    RepeatedEvidence,
    Jump,
    IdenticalAnswers,
}

impl FlagKind {
    /// The exact string of SPEC section 9 (`unsupported_claim`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            FlagKind::UnsupportedClaim => "unsupported_claim",
            FlagKind::RuleViolated => "rule_violated",
            FlagKind::StraightLine => "straight_line",
            FlagKind::RepeatedEvidence => "repeated_evidence",
            FlagKind::Jump => "jump",
            FlagKind::IdenticalAnswers => "identical_answers",
        }
    }
}

/// One thing a reviewer should look at.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flag {
    pub kind: FlagKind,
    /// In English, for `validate` and the JSON; reports word flags from their own strings.
    pub message: String,
    /// `Assessment!E12`: only cells that exist (a question with no row adds none).
    pub cells: Vec<String>,
    /// The questions the flag is about; empty for `straight_line` and `jump`.
    pub questions: Vec<String>,
    /// The rule of a `rule_violated` flag.
    pub rule: Option<String>,
    /// The other agencies of an `identical_answers` flag, by id; absent on other kinds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agencies: Option<Vec<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// How far one agency's self-assessment in one cycle can be trusted.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assurance {
    pub confidence: Confidence,
    /// Unsupported claims / answered questions at or above `evidence_from` (0 without any).
    pub unsupported_share: f64,
    /// Ordered by kind as in [`FlagKind`], then by rule id or first cell.
    pub flags: Vec<Flag>,
}

impl Assurance {
    /// How many `rule_violated` flags name `rule`: 0 or 1.
    pub fn violates(&self, rule: &str) -> bool {
        self.flags
            .iter()
            .any(|f| f.kind == FlagKind::RuleViolated && f.rule.as_deref() == Some(rule))
    }

    fn set_confidence(&mut self) {
        self.confidence = confidence(self.unsupported_share, &self.flags);
    }
}

/// SPEC section 9, in its order: **low** if more than half the claims are unsupported, or
/// on a `straight_line` or `identical_answers` flag, or on three or more `rule_violated`;
/// **high** with no flag other than `unsupported_claim` and at most a tenth unsupported;
/// otherwise **medium**.
pub fn confidence(unsupported_share: f64, flags: &[Flag]) -> Confidence {
    let count = |kind: FlagKind| flags.iter().filter(|f| f.kind == kind).count();
    if unsupported_share > LOW_SHARE
        || count(FlagKind::StraightLine) > 0
        || count(FlagKind::IdenticalAnswers) > 0
        || count(FlagKind::RuleViolated) >= LOW_RULES
    {
        Confidence::Low
    } else if flags.iter().all(|f| f.kind == FlagKind::UnsupportedClaim)
        && unsupported_share <= HIGH_SHARE
    {
        Confidence::High
    } else {
        Confidence::Medium
    }
}

/// The questions `qs` in the order of their rows in the sheet (framework order where
/// the workbook's cells are unknown), so that cells read top to bottom.
fn sheet_order(at: &AnswerCells, qs: &mut [usize]) {
    qs.sort_by_key(|&q| (at.row(q).unwrap_or(u32::MAX), q));
}

fn flag(
    kind: FlagKind,
    message: String,
    framework: &Framework,
    questions: &[usize],
    cell: impl Fn(usize) -> Option<String>,
) -> Flag {
    Flag {
        kind,
        message,
        cells: questions.iter().filter_map(|&q| cell(q)).collect(),
        questions: questions
            .iter()
            .map(|&q| framework.questions[q].id.clone())
            .collect(),
        rule: None,
        agencies: None,
    }
}

/// The flags one workbook carries by itself (the first four kinds), with its unsupported
/// share; confidence is set once the batch flags are known. `category_scores` are the
/// scoring pass's, one per framework category.
pub(super) fn own(
    framework: &Framework,
    answers: &[AnswerRow],
    category_scores: &[Option<f64>],
    at: &AnswerCells,
) -> Assurance {
    let level_cell = |q: usize| at.level_cell(q);
    let mut flags = Vec::new();

    // unsupported_claim
    let from = framework.evidence_from;
    let mut claims = 0usize;
    let mut unsupported: Vec<usize> = Vec::new();
    // Level counts, for straight_line.
    let mut at_level = vec![0usize; usize::from(framework.max_level()) + 1];
    let mut answered = 0usize;
    for (q, row) in answers.iter().enumerate() {
        let Answer::Level(l) = row.answer else {
            continue;
        };
        answered += 1;
        if let Some(n) = at_level.get_mut(usize::from(l)) {
            *n += 1;
        }
        if l >= from {
            claims += 1;
            if row.evidence.as_deref().is_none_or(|e| e.trim().is_empty()) {
                unsupported.push(q);
            }
        }
    }
    let unsupported_share = if claims == 0 {
        0.0
    } else {
        unsupported.len() as f64 / claims as f64
    };
    if !unsupported.is_empty() {
        sheet_order(at, &mut unsupported);
        let message = format!(
            "{} of {claims} answers at level {from} or above have no evidence",
            unsupported.len()
        );
        flags.push(flag(
            FlagKind::UnsupportedClaim,
            message,
            framework,
            &unsupported,
            level_cell,
        ));
    }

    // rule_violated, by rule id
    let mut broken: Vec<(&Rule, String)> = framework
        .rules
        .iter()
        .filter_map(|rule| broken_rule(rule, answers, category_scores).map(|m| (rule, m)))
        .collect();
    broken.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    for (rule, detail) in broken {
        let mut questions = vec![rule.when.index];
        if rule.requires.subject == RuleSubject::Question {
            questions.push(rule.requires.index);
        }
        let message = format!("{} ({detail})", rule.text.en());
        let mut f = flag(
            FlagKind::RuleViolated,
            message,
            framework,
            &questions,
            level_cell,
        );
        f.rule = Some(rule.id.clone());
        flags.push(f);
    }

    // straight_line: m / answered >= 9/10, in whole numbers
    if answered >= MIN_ANSWERED {
        if let Some((level, &m)) = at_level
            .iter()
            .enumerate()
            .max_by_key(|&(l, m)| (*m, std::cmp::Reverse(l)))
        {
            if m * 10 >= answered * STRAIGHT_LINE_TENTHS {
                flags.push(Flag {
                    kind: FlagKind::StraightLine,
                    message: format!(
                        "{m} of {answered} answered questions ({:.0}%) are at level {level}",
                        100.0 * m as f64 / answered as f64
                    ),
                    cells: Vec::new(),
                    questions: Vec::new(),
                    rule: None,
                    agencies: None,
                });
            }
        }
    }

    // repeated_evidence: one flag per text (trimmed, case-folded), by first cell
    let mut texts: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (q, row) in answers.iter().enumerate() {
        if let Some(e) = row
            .evidence
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            texts.entry(e.to_lowercase()).or_default().push(q);
        }
    }
    let mut repeated: Vec<Vec<usize>> = texts
        .into_values()
        .filter(|qs| qs.len() >= REPEATED_EVIDENCE)
        .collect();
    for qs in &mut repeated {
        sheet_order(at, qs);
    }
    repeated.sort_by_key(|qs| (at.row(qs[0]).unwrap_or(u32::MAX), qs[0]));
    for qs in repeated {
        let text = answers[qs[0]].evidence.as_deref().unwrap_or("").trim();
        let shown: String = if text.chars().count() > 60 {
            text.chars().take(57).chain("...".chars()).collect()
        } else {
            text.to_string()
        };
        let message = format!(
            "the same evidence \"{shown}\" is given for {} questions",
            qs.len()
        );
        flags.push(flag(
            FlagKind::RepeatedEvidence,
            message,
            framework,
            &qs,
            |q| at.evidence_cell(q),
        ));
    }

    let mut a = Assurance {
        confidence: Confidence::High,
        unsupported_share,
        flags,
    };
    a.set_confidence();
    a
}

/// Why `rule` is broken by these answers, or `None` when it holds or does not apply: its
/// `when` question unanswered or N/A, or its required question N/A, or its required
/// category not applicable. An unanswered required question counts 0.
fn broken_rule(
    rule: &Rule,
    answers: &[AnswerRow],
    category_scores: &[Option<f64>],
) -> Option<String> {
    let answer = |q: usize| answers.get(q).map_or(Answer::Unanswered, |a| a.answer);
    let Answer::Level(when) = answer(rule.when.index) else {
        return None;
    };
    if f64::from(when) + TIER_EPSILON < rule.when.at_least {
        return None;
    }
    let (value, shown) = match rule.requires.subject {
        RuleSubject::Question => match answer(rule.requires.index) {
            Answer::Level(l) => (f64::from(l), format!("{} is at {l}", rule.requires.id)),
            Answer::Unanswered => (0.0, format!("{} is unanswered", rule.requires.id)),
            Answer::NotApplicable => return None,
        },
        RuleSubject::Category => {
            let score = category_scores
                .get(rule.requires.index)
                .copied()
                .flatten()?;
            (
                score,
                format!("category {} scores {}", rule.requires.id, round2(score)),
            )
        }
    };
    if value + TIER_EPSILON >= rule.requires.at_least {
        return None;
    }
    Some(format!("{} is at {when}; {shown}", rule.when.id))
}

/// A score for a message: two decimals, without trailing zeros (`2.5`, `1.33`, `3`).
fn round2(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The flags that compare agencies, added to `assurance` (one per score, same order):
/// `jump` against the agency's previous cycle (the latest earlier cycle in which it was
/// scored, SPEC section 5), and `identical_answers` within a cycle. `scores` are sorted by
/// agency, then cycle, as [`super::score_all`] sorts them.
pub(super) fn across_batch(scores: &[AgencyScore], assurance: &mut [Assurance]) {
    // jump
    for i in 0..scores.len() {
        let now = &scores[i];
        let previous = scores[..i]
            .iter()
            .rev()
            .take_while(|s| s.agency_id == now.agency_id)
            .find(|s| cycle_cmp(&s.cycle, &now.cycle).is_lt());
        if let Some(before) = previous {
            if let Some(message) = jump(before, now) {
                assurance[i].flags.push(Flag {
                    kind: FlagKind::Jump,
                    message,
                    cells: Vec::new(),
                    questions: Vec::new(),
                    rule: None,
                    agencies: None,
                });
            }
        }
    }

    // identical_answers: group by cycle and the whole answer vector
    let mut groups: BTreeMap<(&str, Vec<u8>), Vec<usize>> = BTreeMap::new();
    for (i, s) in scores.iter().enumerate() {
        let answered = s
            .answers
            .iter()
            .filter(|a| matches!(a.answer, Answer::Level(_)))
            .count();
        if answered < MIN_ANSWERED {
            continue;
        }
        let key: Vec<u8> = s
            .answers
            .iter()
            .map(|a| match a.answer {
                Answer::Level(l) => l,
                Answer::NotApplicable => u8::MAX - 1,
                Answer::Unanswered => u8::MAX,
            })
            .collect();
        groups.entry((s.cycle.as_str(), key)).or_default().push(i);
    }
    for members in groups.values().filter(|m| m.len() > 1) {
        for &i in members {
            let mut others: Vec<String> = members
                .iter()
                .filter(|&&j| scores[j].agency_id != scores[i].agency_id)
                .map(|&j| scores[j].agency_id.clone())
                .collect();
            others.sort();
            others.dedup();
            if others.is_empty() {
                continue;
            }
            assurance[i].flags.push(Flag {
                kind: FlagKind::IdenticalAnswers,
                message: format!(
                    "exactly the same answer to every question as {} in cycle {}",
                    others.join(", "),
                    scores[i].cycle
                ),
                cells: Vec::new(),
                questions: Vec::new(),
                rule: None,
                agencies: Some(others),
            });
        }
    }
    for a in assurance.iter_mut() {
        a.set_confidence();
    }
}

/// What rose too far between two cycles of one agency: the overall by 1.0 or more, or a
/// domain applicable in both by 2.0 or more (each with the section 5 tolerance).
fn jump(before: &AgencyScore, now: &AgencyScore) -> Option<String> {
    let mut parts = Vec::new();
    if let (Some(a), Some(b)) = (before.overall, now.overall) {
        if b - a + TIER_EPSILON >= JUMP_OVERALL {
            parts.push(format!(
                "overall rose by {} ({} to {})",
                round2(b - a),
                round2(a),
                round2(b)
            ));
        }
    }
    for (id, b) in &now.domains {
        let (Some(b), Some(a)) = (*b, before.domains.get(id).copied().flatten()) else {
            continue;
        };
        if b - a + TIER_EPSILON >= JUMP_DOMAIN {
            parts.push(format!(
                "domain {id} rose by {} ({} to {})",
                round2(b - a),
                round2(a),
                round2(b)
            ));
        }
    }
    (!parts.is_empty()).then(|| format!("since cycle {}: {}", before.cycle, parts.join("; ")))
}
