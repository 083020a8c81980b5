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

use super::{reaches, AgencyScore};
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
    if !reaches(f64::from(when), rule.when.at_least) {
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
    if reaches(value, rule.requires.at_least) {
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
            .find(|s| s.cycle < now.cycle);
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
        if reaches(b - a, JUMP_OVERALL) {
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
        if reaches(b - a, JUMP_DOMAIN) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::{load_str, Source};
    use crate::score::tests::submission;
    use crate::score::{score_batch, score_submission};
    use crate::workbook::Submission;
    use proptest::prelude::*;
    use Answer::{Level as L, NotApplicable as NA, Unanswered as U};

    /// Twelve questions in two categories of one domain each, 0-4 scale, evidence from 3;
    /// A.1-01, A.1-02 and B.1-06 allow N/A. A rule on a question and one on a category.
    const FRAMEWORK: &str = include_str!("../../tests/frameworks/assurance.toml");

    fn fw() -> Framework {
        load_str(FRAMEWORK, Source::File("assure.toml".into())).expect("test framework loads")
    }

    /// A submission with these answers; `evidence[i]` on question i where given.
    fn sub(agency: &str, cycle: &str, answers: &[Answer], evidence: &[&str]) -> Submission {
        let mut s = submission(agency, "ministry", cycle, answers);
        for (row, e) in s.answers.iter_mut().zip(evidence) {
            row.evidence = (!e.is_empty()).then(|| e.to_string());
        }
        s
    }

    /// Rows 2 to 13 of a sheet `Assessment` with levels in B and evidence in C.
    fn cells(n: usize) -> AnswerCells {
        AnswerCells {
            sheet: "Assessment".into(),
            level_col: 1,
            evidence_col: Some(2),
            rows: (0..n as u32).map(|r| Some(r + 1)).collect(),
        }
    }

    fn assess(subs: &[Submission]) -> Vec<Assurance> {
        let fw = fw();
        let at: Vec<AnswerCells> = subs.iter().map(|_| cells(12)).collect();
        score_batch(&fw, subs, &at, None).assurance
    }

    fn kinds(a: &Assurance) -> Vec<FlagKind> {
        a.flags.iter().map(|f| f.kind).collect()
    }

    const E: &str = "doc";

    #[test]
    fn every_own_flag_with_its_cells_in_the_order_of_the_table() {
        // A.1-01 = 4 without evidence (unsupported) and A.1-02 = 1 breaks q-rule; A.1-03 = 3
        // with B.1 = (3 + 2 + 2 + 2 + 2) / 5 = 2.2 < 2.5 breaks cat-rule; the same evidence
        // on five questions, trimmed and case-folded.
        let answers = [
            L(4),
            L(1),
            L(3),
            L(3),
            L(3),
            L(3),
            L(3),
            L(2),
            L(2),
            L(2),
            L(2),
            NA,
        ];
        let evidence = [
            "",
            E,
            "same thing",
            " Same Thing ",
            "same thing",
            "SAME THING",
            "same thing",
            "",
        ];
        let a = &assess(&[sub("X", "2026", &answers, &evidence)])[0];
        assert_eq!(
            kinds(a),
            [
                FlagKind::UnsupportedClaim,
                FlagKind::RuleViolated,
                FlagKind::RuleViolated,
                FlagKind::RepeatedEvidence
            ]
        );
        assert_eq!(a.flags[0].cells, ["Assessment!B2"]);
        assert_eq!(a.flags[0].questions, ["A.1-01"]);
        assert_eq!(
            a.flags[0].message,
            "1 of 6 answers at level 3 or above have no evidence"
        );
        // By rule id: cat-rule before q-rule. A category adds no cell.
        assert_eq!(a.flags[1].rule.as_deref(), Some("cat-rule"));
        assert_eq!(a.flags[1].cells, ["Assessment!B4"]);
        assert_eq!(a.flags[1].questions, ["A.1-03"]);
        assert!(
            a.flags[1].message.contains("category B.1 scores 2.2"),
            "{}",
            a.flags[1].message
        );
        assert_eq!(a.flags[2].rule.as_deref(), Some("q-rule"));
        assert_eq!(a.flags[2].cells, ["Assessment!B2", "Assessment!B3"]);
        assert_eq!(a.flags[2].questions, ["A.1-01", "A.1-02"]);
        assert_eq!(
            a.flags[3].cells,
            [
                "Assessment!C4",
                "Assessment!C5",
                "Assessment!C6",
                "Assessment!C7",
                "Assessment!C8"
            ]
        );
        assert_eq!(
            a.flags[3].questions,
            ["A.1-03", "A.1-04", "A.1-05", "A.1-06", "B.1-01"]
        );
        assert!(a.flags.iter().all(|f| f.agencies.is_none()));
        assert!((a.unsupported_share - 1.0 / 6.0).abs() < 1e-15);
        assert_eq!(a.confidence, Confidence::Medium);
    }

    #[test]
    fn a_question_without_a_row_adds_no_cell() {
        let fw = fw();
        let mut answers = [L(1); 12];
        (answers[0], answers[1]) = (L(4), U);
        let s = sub("X", "2026", &answers, &[E]);
        let mut at = cells(12);
        at.rows[1] = None; // A.1-02 has no row: unanswered, counts 0
        let a = &score_batch(&fw, &[s], &[at], None).assurance[0];
        let rule = a
            .flags
            .iter()
            .find(|f| f.kind == FlagKind::RuleViolated)
            .unwrap();
        assert_eq!(rule.cells, ["Assessment!B2"]);
        assert_eq!(rule.questions, ["A.1-01", "A.1-02"]);
        assert!(
            rule.message
                .ends_with("(A.1-01 is at 4; A.1-02 is unanswered)"),
            "{}",
            rule.message
        );
    }

    #[test]
    fn rules_whose_questions_are_unanswered_or_na() {
        let mut base = [L(1); 12];
        base[0] = L(4);
        let rules = |answers: [Answer; 12]| -> Vec<String> {
            assess(&[sub("X", "2026", &answers, &[E; 12])])[0]
                .flags
                .iter()
                .filter_map(|f| f.rule.clone())
                .collect()
        };
        assert_eq!(rules(base), ["q-rule"]);
        // `when` unanswered or N/A: the rule does not apply.
        let mut a = base;
        a[0] = U;
        assert!(rules(a).is_empty());
        a[0] = NA;
        assert!(rules(a).is_empty());
        // `when` just below its level: does not apply.
        a[0] = L(2);
        assert!(rules(a).is_empty());
        // required question unanswered counts 0: broken; N/A: the rule does not apply.
        let mut a = base;
        a[1] = U;
        assert_eq!(rules(a), ["q-rule"]);
        a[1] = NA;
        assert!(rules(a).is_empty());
        // required question at exactly its level: holds.
        a[1] = L(2);
        assert!(rules(a).is_empty());
    }

    #[test]
    fn a_category_requirement_compares_the_category_score_with_the_tolerance() {
        let fw = fw();
        let rule = fw.rules.iter().find(|r| r.id == "cat-rule").unwrap();
        let mut answers = vec![AnswerRow::default(); 12];
        answers[2].answer = L(3);
        let broken = |score: Option<f64>| {
            let mut scores = vec![None, score];
            scores[0] = Some(1.0);
            broken_rule(rule, &answers, &scores).is_some()
        };
        assert!(broken(Some(2.4)));
        assert!(broken(Some(2.5 - 1e-6)));
        assert!(!broken(Some(2.5 - 1e-12)), "within the tolerance");
        assert!(!broken(Some(2.5)));
        assert!(
            !broken(None),
            "a category that is not applicable: the rule does not apply"
        );
        // Through scoring: B.1 = (3 + 3 + 2 + 2 + 2) / 5 = 2.4 breaks, (3 + 3 + 3 + 2 + 2) / 5 = 2.6 holds.
        let with = |b: [u8; 5]| {
            let mut a = vec![L(0), L(0), L(3), L(0), L(0), L(0)];
            a.extend(b.iter().map(|&l| L(l)));
            a.push(NA);
            assess(&[sub("X", "2026", &a, &[E; 12])])[0]
                .flags
                .iter()
                .any(|f| f.rule.as_deref() == Some("cat-rule"))
        };
        assert!(with([3, 3, 2, 2, 2]));
        assert!(!with([3, 3, 3, 2, 2]));
    }

    fn own_of(answers: &[Answer], evidence: &[&str]) -> Assurance {
        let fw = fw();
        let s = sub("X", "2026", answers, evidence);
        let scores = vec![None; fw.categories.len()];
        own(&fw, &s.answers, &scores, &cells(12))
    }

    #[test]
    fn unsupported_share_thresholds() {
        let fw = fw();
        // Ten claims (level 3) and two questions N/A or unanswered; `k` without evidence.
        let share = |k: usize| {
            let answers: Vec<Answer> = (0..12).map(|i| if i < 10 { L(3) } else { U }).collect();
            let evidence: Vec<&str> = (0..12).map(|i| if i < k { "" } else { E }).collect();
            let s = sub("X", "2026", &answers, &evidence);
            own(&fw, &s.answers, &[Some(3.0), Some(3.0)], &cells(12))
        };
        // 10 answered, all at 3: a straight line too, so read the share and judge
        // confidence without that flag.
        let judge = |k: usize| {
            let a = share(k);
            let others: Vec<Flag> = a
                .flags
                .iter()
                .filter(|f| f.kind == FlagKind::UnsupportedClaim)
                .cloned()
                .collect();
            (
                a.unsupported_share,
                confidence(a.unsupported_share, &others),
            )
        };
        assert_eq!(judge(0), (0.0, Confidence::High));
        assert_eq!(judge(1), (0.1, Confidence::High), "0.1 is still high");
        assert_eq!(judge(2), (0.2, Confidence::Medium));
        assert_eq!(judge(5), (0.5, Confidence::Medium), "0.5 is not yet low");
        assert_eq!(judge(6), (0.6, Confidence::Low));
        // No claims at all: share 0.
        let a = own_of(&[L(2); 12], &[]);
        assert_eq!(a.unsupported_share, 0.0);
        assert!(a.flags.iter().all(|f| f.kind != FlagKind::UnsupportedClaim));
        // N/A and blank are not claims, whatever the evidence.
        let a = own_of(&[NA, U, L(3)], &["", "", ""]);
        assert_eq!(a.unsupported_share, 1.0);
        assert_eq!(a.flags[0].questions, ["A.1-03"]);
        // White space is no evidence.
        let a = own_of(&[L(4)], &[" \t "]);
        assert_eq!(a.unsupported_share, 1.0);
    }

    #[test]
    fn straight_line_needs_ten_answered_and_ninety_percent() {
        let straight = |answers: Vec<Answer>| {
            kinds(&own_of(&answers, &[E; 12])).contains(&FlagKind::StraightLine)
        };
        let mut ten = vec![L(2); 9];
        ten.push(L(1));
        ten.extend([NA, U]);
        assert!(straight(ten.clone()), "9 of 10 is 90%");
        let mut nine = vec![L(2); 9];
        nine.extend([NA, U, U]);
        assert!(!straight(nine), "only 9 answered");
        let mut eleven = vec![L(2); 9];
        eleven.extend([L(1), L(0), NA]);
        assert!(!straight(eleven), "9 of 11 is 82%");
        let mut twelve = vec![L(2); 11];
        twelve.push(L(0));
        assert!(straight(twelve), "11 of 12");
        // N/A is not a level: ten N/A and two answers are no straight line.
        assert!(!straight(vec![NA; 12]));
    }

    #[test]
    fn repeated_evidence_needs_five_questions() {
        let repeated = |n: usize| {
            let evidence: Vec<&str> = (0..12).map(|i| if i < n { "Policy" } else { "" }).collect();
            own_of(&[L(1); 12], &evidence)
                .flags
                .iter()
                .filter(|f| f.kind == FlagKind::RepeatedEvidence)
                .count()
        };
        assert_eq!(repeated(4), 0);
        assert_eq!(repeated(5), 1);
        assert_eq!(repeated(12), 1);
        // Two texts on five questions each: two flags, by first cell.
        let evidence = ["b", "a", "b", "a", "b", "a", "b", "a", "b", "a", "", ""];
        let a = own_of(&[L(1); 12], &evidence);
        let repeated: Vec<&Flag> = a
            .flags
            .iter()
            .filter(|f| f.kind == FlagKind::RepeatedEvidence)
            .collect();
        let firsts: Vec<&str> = repeated.iter().map(|f| f.cells[0].as_str()).collect();
        assert_eq!(firsts, ["Assessment!C2", "Assessment!C3"]);
        assert!(
            repeated[0].message.contains("\"b\""),
            "{}",
            repeated[0].message
        );
    }

    /// Two cycles of one agency whose overall and domain A are set by hand.
    fn jump_between(before: (f64, Option<f64>), now: (f64, Option<f64>)) -> bool {
        let fw = fw();
        let s1 = sub("J", "2025", &[L(1); 12], &[]);
        let s2 = sub("J", "2026", &[L(1); 12], &[]);
        let mut scores: Vec<AgencyScore> = [s1, s2]
            .iter()
            .map(|s| score_submission(&fw, s, None).unwrap())
            .collect();
        for (s, (overall, a)) in scores.iter_mut().zip([before, now]) {
            s.overall = Some(overall);
            s.domains.insert("A".into(), a);
            s.domains.insert("B".into(), Some(overall));
        }
        let mut assurance = vec![own_of(&[], &[]), own_of(&[], &[])];
        across_batch(&scores, &mut assurance);
        assert!(kinds(&assurance[0]).iter().all(|k| *k != FlagKind::Jump));
        kinds(&assurance[1]).contains(&FlagKind::Jump)
    }

    #[test]
    fn jump_thresholds_with_the_tolerance() {
        assert!(
            jump_between((1.0, Some(1.0)), (2.0, Some(1.0))),
            "overall +1.0"
        );
        assert!(
            jump_between((1.2, Some(1.0)), (2.2 - 1e-12, Some(1.0))),
            "+1.0 up to rounding"
        );
        assert!(!jump_between((1.0, Some(1.0)), (1.99, Some(1.0))));
        assert!(
            jump_between((1.0, Some(1.0)), (1.5, Some(3.0))),
            "domain +2.0"
        );
        assert!(
            jump_between((1.0, Some(0.1)), (1.5, Some(2.1 - 1e-12))),
            "domain +2.0 up to rounding"
        );
        assert!(!jump_between((1.0, Some(1.0)), (1.5, Some(2.99))));
        assert!(
            !jump_between((1.0, None), (1.5, Some(4.0))),
            "domain not applicable before"
        );
        assert!(
            !jump_between((3.0, Some(3.0)), (1.0, Some(1.0))),
            "a fall is no jump"
        );
    }

    #[test]
    fn jump_compares_with_the_agencys_previous_scored_cycle() {
        // J scored in 2024 and 2026 (not 2025): 2026 compares with 2024, as SPEC section 5
        // defines an agency's previous cycle. K's 2025 does not count for J.
        let subs = [
            sub("J", "2024", &[L(0); 12], &[]),
            sub("J", "2026", &[L(2); 12], &[]),
            sub("K", "2025", &[L(1); 12], &[]),
        ];
        let fw = fw();
        let scored = score_batch(&fw, &subs, &[], None);
        let j = scored.assurance_of("J", "2026").unwrap();
        let jump = j.flags.iter().find(|f| f.kind == FlagKind::Jump).unwrap();
        assert!(
            jump.message
                .starts_with("since cycle 2024: overall rose by 2"),
            "{}",
            jump.message
        );
        assert!(jump.cells.is_empty() && jump.questions.is_empty());
    }

    #[test]
    fn identical_answers_name_the_other_agencies() {
        // Levels 1, 2, 3 in turn: ten answered, then N/A and blank.
        let cycle_of = |answered: usize| -> Vec<Answer> {
            (0..12)
                .map(|i| match i {
                    _ if i < answered => L(1 + (i % 3) as u8),
                    11 => U,
                    _ => NA,
                })
                .collect()
        };
        let same = cycle_of(10);
        let subs = [
            sub("C", "2026", &same, &[]),
            sub("A", "2026", &same, &["other evidence"]),
            sub("B", "2026", &same, &[]),
            sub("D", "2025", &same, &[]),
            sub("E", "2026", &[L(1); 12], &[]),
        ];
        let fw = fw();
        let scored = score_batch(&fw, &subs, &[], None);
        let others = |agency: &str, cycle: &str| -> Option<Vec<String>> {
            scored
                .assurance_of(agency, cycle)
                .unwrap()
                .flags
                .iter()
                .find(|f| f.kind == FlagKind::IdenticalAnswers)
                .and_then(|f| f.agencies.clone())
        };
        assert_eq!(others("A", "2026"), Some(vec!["B".into(), "C".into()]));
        assert_eq!(others("B", "2026"), Some(vec!["A".into(), "C".into()]));
        assert_eq!(others("C", "2026"), Some(vec!["A".into(), "B".into()]));
        assert_eq!(others("D", "2025"), None, "another cycle");
        assert_eq!(others("E", "2026"), None);
        let a = scored.assurance_of("A", "2026").unwrap();
        assert_eq!(a.confidence, Confidence::Low);
        let f = a.flags.last().unwrap();
        assert_eq!(
            f.message,
            "exactly the same answer to every question as B, C in cycle 2026"
        );

        // Ten answered is enough; nine is not.
        let nine = cycle_of(9);
        let pair = score_batch(
            &fw,
            &[sub("A", "2026", &nine, &[]), sub("B", "2026", &nine, &[])],
            &[],
            None,
        );
        assert!(pair
            .assurance
            .iter()
            .all(|a| !kinds(a).contains(&FlagKind::IdenticalAnswers)));
    }

    #[test]
    fn three_broken_rules_make_confidence_low() {
        let flag = |kind| Flag {
            kind,
            message: String::new(),
            cells: vec![],
            questions: vec![],
            rule: None,
            agencies: None,
        };
        let rules = |n: usize| vec![flag(FlagKind::RuleViolated); n];
        assert_eq!(confidence(0.0, &rules(2)), Confidence::Medium);
        assert_eq!(confidence(0.0, &rules(3)), Confidence::Low);
        assert_eq!(confidence(0.0, &[flag(FlagKind::Jump)]), Confidence::Medium);
        assert_eq!(
            confidence(0.0, &[flag(FlagKind::RepeatedEvidence)]),
            Confidence::Medium
        );
        assert_eq!(
            confidence(0.0, &[flag(FlagKind::StraightLine)]),
            Confidence::Low
        );
        assert_eq!(
            confidence(0.05, &[flag(FlagKind::UnsupportedClaim)]),
            Confidence::High
        );
    }

    fn answer() -> impl Strategy<Value = Answer> {
        prop_oneof![(0u8..=4).prop_map(Answer::Level), Just(U), Just(NA)]
    }

    fn kind() -> impl Strategy<Value = FlagKind> {
        prop_oneof![
            Just(FlagKind::UnsupportedClaim),
            Just(FlagKind::RuleViolated),
            Just(FlagKind::StraightLine),
            Just(FlagKind::RepeatedEvidence),
            Just(FlagKind::Jump),
            Just(FlagKind::IdenticalAnswers),
        ]
    }

    proptest! {
        /// Flags never change a score: the same answers score the same with the rules, the
        /// evidence threshold and the evidence texts, or without any of them.
        #[test]
        fn a_flag_never_changes_a_score(
            sets in prop::collection::vec(
                (prop::collection::vec(answer(), 12), prop::collection::vec(prop_oneof![Just(""), Just("doc"), Just("same")], 12)),
                1..5,
            ),
        ) {
            let with = fw();
            let mut without = fw();
            without.rules.clear();
            without.evidence_from = 0;
            let subs: Vec<Submission> = sets.iter().enumerate()
                .map(|(i, (a, e))| sub(&format!("A{}", i % 3), if i < 3 { "2026" } else { "2025" }, a, e))
                .collect();
            let bare: Vec<Submission> = subs.iter().cloned().map(|mut s| {
                s.answers.iter_mut().for_each(|r| r.evidence = None);
                s
            }).collect();
            let flagged = score_batch(&with, &subs, &[], None);
            let plain = score_batch(&without, &bare, &[], None);
            let strip = |mut s: AgencyScore| { s.answers.iter_mut().for_each(|r| r.evidence = None); s };
            prop_assert_eq!(
                flagged.scores.into_iter().map(strip).collect::<Vec<_>>(),
                plain.scores
            );
        }

        /// Confidence never rises as the unsupported share grows, whatever the other flags.
        #[test]
        fn confidence_is_monotone_in_unsupported_share(
            a in 0.0f64..=1.0,
            b in 0.0f64..=1.0,
            kinds in prop::collection::vec(kind(), 0..5),
        ) {
            let flags: Vec<Flag> = kinds.into_iter().map(|kind| Flag {
                kind, message: String::new(), cells: vec![], questions: vec![], rule: None, agencies: None,
            }).collect();
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(confidence(lo, &flags) >= confidence(hi, &flags));
        }

        /// Through the whole pass: giving evidence to one more claim never lowers confidence.
        #[test]
        fn more_evidence_never_lowers_confidence(
            answers in prop::collection::vec(answer(), 12),
            evidence in prop::collection::vec(prop_oneof![Just(""), Just("a"), Just("b")], 12),
            which in 0usize..12,
        ) {
            let before = &assess(&[sub("X", "2026", &answers, &evidence)])[0];
            let mut more = evidence.clone();
            // A text of its own, so it cannot start a repeated-evidence flag.
            let own = format!("unique {which}");
            more[which] = &own;
            let after = &assess(&[sub("X", "2026", &answers, &more)])[0];
            prop_assert!(after.unsupported_share <= before.unsupported_share);
            if evidence[which].is_empty() {
                prop_assert!(after.confidence >= before.confidence);
            }
        }
    }
}
