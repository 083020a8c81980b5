//! Per-agency scoring (SPEC section 5): category, domain and overall scores, index, tier,
//! completeness, target, gaps and the prioritised gap list. Pure arithmetic on f64.
//!
//! The rules, in the order the code applies them: N/A questions are left out of every sum;
//! unanswered questions count as level 0 ("no evidence, no credit") and lower completeness;
//! a category with no applicable question is not applicable (`None`), and so is a domain
//! with no applicable category; an agency with nothing applicable has no overall score.
//! `docs/methodology.md` explains the same method in plain words, with a worked example
//! that the tests below recompute.

pub mod assurance;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::cycle::Cycle;
use crate::framework::Framework;
use crate::registry::Registry;
use crate::workbook::{Answer, AnswerCells, AnswerRow, Status, Submission};

pub use assurance::{Assurance, Confidence, Flag, FlagKind};

/// The tolerance of every score comparison (SPEC section 5): a score that is a whole level
/// or a target up to f64 rounding (2.9999999999999996) counts as reaching it. Every rule
/// that compares scores goes through [`reaches`], [`tier_of`], [`Change::of`] or
/// [`is_above`], so the reports, the exports and the aggregates cannot disagree.
pub const TOLERANCE: f64 = 1e-9;

/// Whether `score` is at or above `target` (score + 1e-9 >= target).
pub fn reaches(score: f64, target: f64) -> bool {
    score + TOLERANCE >= target
}

/// Whether `a` is a higher score than `b` beyond rounding; scores closer than the
/// tolerance rank as tied.
pub fn is_above(a: f64, b: f64) -> bool {
    a > b + TOLERANCE
}

/// The tier of an overall score: the scale level floor(overall + 1e-9), within 0..=max.
pub fn tier_of(overall: f64, max_level: u8) -> u8 {
    (overall + TOLERANCE)
        .floor()
        .clamp(0.0, f64::from(max_level)) as u8
}

/// The direction of a change between two cycles; a change within the tolerance of 0 is
/// no change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Improved,
    Declined,
    Unchanged,
}

impl Change {
    pub fn of(change: f64) -> Change {
        if change > TOLERANCE {
            Change::Improved
        } else if change < -TOLERANCE {
            Change::Declined
        } else {
            Change::Unchanged
        }
    }
}

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
    pub cycle: Cycle,
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
    /// Threat id (`ddos`, from the tag `THREAT:ddos`) -> readiness: the crosswalk rule of
    /// SPEC section 5 ([`RefIndex::means`]); `None` when every tagged question is N/A.
    /// Empty for a framework without threat tags.
    pub threats: BTreeMap<String, Option<f64>>,
}

impl AgencyScore {
    /// target − overall; negative means above target. `None` without an overall score.
    pub fn overall_gap(&self) -> Option<f64> {
        self.overall.map(|s| f64::from(self.target) - s)
    }

    /// target − domain score; `None` when the domain is unknown or not applicable.
    pub fn domain_gap(&self, domain: &str) -> Option<f64> {
        self.domains
            .get(domain)
            .copied()
            .flatten()
            .map(|s| f64::from(self.target) - s)
    }

    /// target − category score; `None` when the category is unknown or not applicable.
    pub fn category_gap(&self, category: &str) -> Option<f64> {
        self.categories
            .get(category)
            .copied()
            .flatten()
            .map(|s| f64::from(self.target) - s)
    }

    /// Domain id -> target − score, for every domain (`None` when not applicable).
    pub fn domain_gaps(&self) -> BTreeMap<String, Option<f64>> {
        self.domains
            .iter()
            .map(|(id, s)| (id.clone(), s.map(|s| f64::from(self.target) - s)))
            .collect()
    }

    /// Category id -> target − score, for every category (`None` when not applicable).
    pub fn category_gaps(&self) -> BTreeMap<String, Option<f64>> {
        self.categories
            .iter()
            .map(|(id, s)| (id.clone(), s.map(|s| f64::from(self.target) - s)))
            .collect()
    }

    /// Whether the agency is at or above its target (overall + 1e-9 >= target).
    pub fn meets_target(&self) -> Option<bool> {
        self.overall.map(|s| reaches(s, f64::from(self.target)))
    }
}

/// Weighted mean of `(weight, value)` pairs; `None` when there are none.
fn weighted_mean(items: impl IntoIterator<Item = (f64, f64)>) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for (w, v) in items {
        num += w * v;
        den += w;
    }
    (den > 0.0).then(|| num / den)
}

/// The level a question contributes to sums: `None` for N/A (left out), 0 for unanswered.
fn counted_level(answer: Answer) -> Option<u8> {
    match answer {
        Answer::Level(l) => Some(l),
        Answer::Unanswered => Some(0),
        Answer::NotApplicable => None,
    }
}

/// The crosswalk scheme of threat tags: `THREAT:ddos` counts a question towards the
/// readiness against DDoS.
pub const THREAT_SCHEME: &str = "THREAT";

/// The threats the built-in frameworks tag, in the order reports show them (issue 18 lists
/// them so); a framework's other threat ids follow, by id.
pub const KNOWN_THREATS: [&str; 6] = [
    "ddos",
    "phishing-bec",
    "supply-chain",
    "ransomware",
    "election",
    "insider",
];

/// The ids a crosswalk tag counts towards: itself and every id above it. A tag splits at
/// each `.`, and at a `-` followed only by digits (a CSF subcategory number), so
/// `GV.OC-01` counts towards `GV`, `GV.OC` and `GV.OC-01`, `D3.1` towards `D3` and `D3.1`,
/// while a GCI pillar such as `capacity-development` (or a threat such as `phishing-bec`)
/// stays whole.
pub fn ref_ancestors(id: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (i, ch) in id.char_indices() {
        let cut = match ch {
            '.' => true,
            '-' => {
                let rest = &id[i + 1..];
                !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())
            }
            _ => false,
        };
        if cut && i > 0 {
            out.push(&id[..i]);
        }
    }
    out.push(id);
    out
}

/// Which questions count towards which crosswalk reference, built once per framework. It
/// holds the one per-agency rule of every crosswalk view (CSF functions, GCI pillars,
/// threats), [`RefIndex::means`]; the national views average its results over agencies.
#[derive(Clone, Debug, Default)]
pub struct RefIndex {
    /// (scheme, id) of each reference, in first-seen order of the framework's tags.
    pub refs: Vec<(String, String)>,
    /// Per question (framework order): the distinct reference codes it counts towards, so
    /// a question tagged GV.OC-01 and GV.OC-02 counts once towards GV.
    covered: Vec<Vec<u32>>,
}

impl RefIndex {
    /// Every reference of the framework's `refs`, or only those of `scheme`.
    pub fn new(framework: &Framework, scheme: Option<&str>) -> Self {
        let mut codes: BTreeMap<(String, String), u32> = BTreeMap::new();
        let mut refs: Vec<(String, String)> = Vec::new();
        let covered = framework
            .questions
            .iter()
            .map(|q| {
                let mut mine: Vec<u32> = Vec::new();
                for tag in &q.refs {
                    let Some((sch, id)) = tag.split_once(':') else {
                        continue;
                    };
                    if scheme.is_some_and(|s| s != sch) {
                        continue;
                    }
                    for up in ref_ancestors(id) {
                        let key = (sch.to_string(), up.to_string());
                        let code = *codes.entry(key.clone()).or_insert_with(|| {
                            refs.push(key);
                            (refs.len() - 1) as u32
                        });
                        mine.push(code);
                    }
                }
                mine.sort_unstable();
                mine.dedup();
                mine
            })
            .collect();
        RefIndex { refs, covered }
    }

    /// Indices of the questions that count towards reference `code`, in framework order.
    pub fn questions(&self, code: usize) -> Vec<usize> {
        let code = code as u32;
        (0..self.covered.len())
            .filter(|&qi| self.covered[qi].contains(&code))
            .collect()
    }

    /// The crosswalk rule of SPEC section 5 for one agency: per reference, the plain mean
    /// of the levels of the questions tagged with it or with one below it (unanswered
    /// counts 0, N/A is left out); `None` where every such question is N/A. One entry per
    /// [`RefIndex::refs`].
    pub fn means(&self, answers: &[AnswerRow]) -> Vec<Option<f64>> {
        let mut sums = vec![(0.0f64, 0u32); self.refs.len()];
        for (qi, codes) in self.covered.iter().enumerate() {
            let Some(level) =
                counted_level(answers.get(qi).map_or(Answer::Unanswered, |a| a.answer))
            else {
                continue;
            };
            for &c in codes {
                let slot = &mut sums[c as usize];
                slot.0 += f64::from(level);
                slot.1 += 1;
            }
        }
        sums.into_iter()
            .map(|(sum, n)| (n > 0).then(|| sum / f64::from(n)))
            .collect()
    }

    /// [`RefIndex::means`] keyed by reference id (the part after the scheme).
    pub fn means_by_id(&self, answers: &[AnswerRow]) -> BTreeMap<String, Option<f64>> {
        self.refs
            .iter()
            .zip(self.means(answers))
            .map(|((_, id), m)| (id.clone(), m))
            .collect()
    }
}

/// The §5 roll-up of aligned answers: category scores, domain scores (framework order)
/// and the overall score. Verification (SPEC section 10) reuses it with verified levels.
pub fn rollup(
    framework: &Framework,
    answers: &[AnswerRow],
) -> (Vec<Option<f64>>, Vec<Option<f64>>, Option<f64>) {
    let category_scores: Vec<Option<f64>> = framework
        .categories
        .iter()
        .map(|c| {
            weighted_mean(c.questions.iter().filter_map(|&qi| {
                let q = &framework.questions[qi];
                let answer = answers.get(qi).map_or(Answer::Unanswered, |a| a.answer);
                counted_level(answer).map(|l| (q.weight, f64::from(l)))
            }))
        })
        .collect();
    let domain_scores: Vec<Option<f64>> = framework
        .domains
        .iter()
        .map(|d| {
            weighted_mean(d.categories.iter().filter_map(|&ci| {
                category_scores[ci].map(|s| (framework.categories[ci].weight, s))
            }))
        })
        .collect();
    let overall = weighted_mean(
        framework
            .domains
            .iter()
            .zip(&domain_scores)
            .filter_map(|(d, s)| s.map(|s| (d.weight, s))),
    );
    (category_scores, domain_scores, overall)
}

/// Score one submission. `None` unless it was scored by ingestion (status `Scored`) and
/// its Profile gave an agency id and a cycle.
pub fn score_submission(
    framework: &Framework,
    submission: &Submission,
    registry: Option<&Registry>,
) -> Option<AgencyScore> {
    score_with(
        framework,
        &RefIndex::new(framework, Some(THREAT_SCHEME)),
        submission,
        &AnswerCells::default(),
        registry,
    )
    .map(|(score, _)| score)
}

/// One pass over a submission's answers: its scores, and the assurance flags that need
/// only this workbook (SPEC section 9), from the same category scores.
fn score_with(
    framework: &Framework,
    threat_index: &RefIndex,
    submission: &Submission,
    cells: &AnswerCells,
    registry: Option<&Registry>,
) -> Option<(AgencyScore, Assurance)> {
    if submission.status != Status::Scored {
        return None;
    }
    let agency_id = submission.agency_id()?.to_string();
    let cycle = submission.cycle()?.to_string();
    let registered = registry.and_then(|r| r.get(&agency_id));
    let agency_name = submission
        .profile
        .agency_name
        .clone()
        .or_else(|| registered.map(|a| a.name_en.clone()))
        .unwrap_or_else(|| agency_id.clone());
    // The registry's sector is authoritative: it sets the target, so no agency can lower
    // its own target by writing another sector in its Profile.
    let sector = registered
        .map(|a| a.sector.clone())
        .or_else(|| submission.profile.sector.clone())
        .unwrap_or_default();
    let target = framework.target_for(&sector);

    // Ingestion aligns answers with the framework's questions; a shorter vector (never
    // produced by ingestion) is read as unanswered rather than trusted blindly.
    let answers: Vec<AnswerRow> = (0..framework.questions.len())
        .map(|i| submission.answers.get(i).cloned().unwrap_or_default())
        .collect();

    let (category_scores, domain_scores, overall) = rollup(framework, &answers);

    let max_level = framework.max_level();
    let index = overall
        .filter(|_| max_level > 0)
        .map(|o| o / f64::from(max_level) * 100.0);
    let tier = overall.map(|o| tier_of(o, max_level));

    let applicable = answers
        .iter()
        .filter(|a| a.answer != Answer::NotApplicable)
        .count();
    let answered = answers
        .iter()
        .filter(|a| matches!(a.answer, Answer::Level(_)))
        .count();
    let completeness = (applicable > 0).then(|| answered as f64 / applicable as f64);

    let mut gaps: Vec<QuestionGap> = framework
        .questions
        .iter()
        .enumerate()
        .filter_map(|(qi, q)| {
            let level = match answers[qi].answer {
                Answer::Level(l) => Some(l),
                Answer::Unanswered => None,
                Answer::NotApplicable => return None,
            };
            let gap = target.saturating_sub(level.unwrap_or(0));
            (gap > 0).then(|| QuestionGap {
                question_id: q.id.clone(),
                level,
                gap,
                priority: f64::from(gap) * framework.compound_weight(qi),
            })
        })
        .collect();
    gaps.sort_by(|a, b| {
        b.priority
            .total_cmp(&a.priority)
            .then_with(|| a.question_id.cmp(&b.question_id))
    });

    let assurance = assurance::own(framework, &answers, &category_scores, cells);
    let score = AgencyScore {
        agency_id,
        agency_name,
        sector,
        cycle: cycle.into(),
        file: submission.file.clone(),
        overall,
        index,
        tier,
        completeness,
        target,
        domains: framework
            .domains
            .iter()
            .zip(domain_scores)
            .map(|(d, s)| (d.id.clone(), s))
            .collect(),
        categories: framework
            .categories
            .iter()
            .zip(category_scores)
            .map(|(c, s)| (c.id.clone(), s))
            .collect(),
        threats: threat_index.means_by_id(&answers),
        answers,
        gaps,
    };
    Some((score, assurance))
}

/// Every scored agency of a batch with its assurance: `assurance[i]` belongs to
/// `scores[i]`. Sorted by (agency id, cycle — see [`Cycle`], then file).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scored {
    pub scores: Vec<AgencyScore>,
    pub assurance: Vec<Assurance>,
}

impl Scored {
    /// Each score with its assurance.
    pub fn iter(&self) -> impl Iterator<Item = (&AgencyScore, &Assurance)> {
        self.scores.iter().zip(&self.assurance)
    }

    /// The assurance of `agency` in `cycle`.
    pub fn assurance_of(&self, agency: &str, cycle: &str) -> Option<&Assurance> {
        self.iter()
            .find(|(s, _)| s.agency_id == agency && s.cycle == cycle)
            .map(|(_, a)| a)
    }
}

/// Score every scored submission, sorted by (agency id, cycle — see
/// [`crate::cycle::Cycle`] order, then file) so that output order never depends on
/// input order.
pub fn score_all(
    framework: &Framework,
    submissions: &[Submission],
    registry: Option<&Registry>,
) -> Vec<AgencyScore> {
    score_batch(framework, submissions, &[], registry).scores
}

/// [`score_all`] with the assurance of SPEC section 9, computed in the same pass.
/// `cells[i]` says where `submissions[i]`'s answers sit, for the cells of the flags
/// (`ingest::Batch`); a submission without one gets flags without cells.
pub fn score_batch(
    framework: &Framework,
    submissions: &[Submission],
    cells: &[AnswerCells],
    registry: Option<&Registry>,
) -> Scored {
    // Agencies are independent; the sort below restores a fixed order.
    let threat_index = RefIndex::new(framework, Some(THREAT_SCHEME));
    let none = AnswerCells::default();
    let mut scored: Vec<(AgencyScore, Assurance)> = submissions
        .par_iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let cells = cells.get(i).unwrap_or(&none);
            score_with(framework, &threat_index, s, cells, registry)
        })
        .collect();
    scored.sort_by(|(a, _), (b, _)| {
        a.agency_id
            .cmp(&b.agency_id)
            .then_with(|| a.cycle.cmp(&b.cycle))
            .then_with(|| a.file.cmp(&b.file))
    });
    let (scores, mut assurance): (Vec<AgencyScore>, Vec<Assurance>) = scored.into_iter().unzip();
    assurance::across_batch(&scores, &mut assurance);
    Scored { scores, assurance }
}

/// The latest cycle among the inputs (scores and readable submissions): the cycle a report
/// covers unless `--cycle` names another (SPEC section 5).
pub fn latest_cycle(scores: &[AgencyScore], submissions: &[Submission]) -> Option<Cycle> {
    scores
        .iter()
        .map(|s| s.cycle.clone())
        .chain(
            submissions
                .iter()
                .filter_map(|s| s.cycle())
                .map(Cycle::from),
        )
        .max()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::framework::load_str;
    use crate::workbook::Profile;
    use proptest::prelude::*;

    /// Two domains (D1 weight 1, D2 weight 3), three categories, six questions, 0-4 scale.
    /// Weights are chosen so that every sum is easy to check by hand.
    pub(crate) const GOLDEN: &str = r#"
[framework]
id = "golden"
version = "1.0.0"
title.en = "Golden"
default_target = 2

[targets]
energy = 3

[[scale]]
level = 0
label.en = "L0"
[[scale]]
level = 1
label.en = "L1"
[[scale]]
level = 2
label.en = "L2"
[[scale]]
level = 3
label.en = "L3"
[[scale]]
level = 4
label.en = "L4"

[[domains]]
id = "D1"
name.en = "One"
[[domains]]
id = "D2"
weight = 3.0
name.en = "Two"

[[categories]]
id = "D1.A"
domain = "D1"
name.en = "A"
[[categories]]
id = "D1.B"
domain = "D1"
weight = 3.0
name.en = "B"
[[categories]]
id = "D2.C"
domain = "D2"
name.en = "C"

[[questions]]
id = "D1.A-01"
category = "D1.A"
text.en = "q1"
refs = ["CSF:GV.OC-01", "GCI:legal"]
[[questions]]
id = "D1.A-02"
category = "D1.A"
weight = 3.0
allow_na = true
text.en = "q2"
refs = ["CSF:GV.RR-02"]
[[questions]]
id = "D1.B-01"
category = "D1.B"
allow_na = true
text.en = "q3"
refs = ["CSF:PR.AA-01"]
[[questions]]
id = "D1.B-02"
category = "D1.B"
allow_na = true
text.en = "q4"
[[questions]]
id = "D2.C-01"
category = "D2.C"
allow_na = true
text.en = "q5"
refs = ["CSF:GV.OC-02", "GCI:technical"]
[[questions]]
id = "D2.C-02"
category = "D2.C"
allow_na = true
text.en = "q6"
"#;

    pub(crate) fn golden() -> Framework {
        load_str(GOLDEN, crate::framework::Source::File("golden.toml".into()))
            .expect("golden framework loads")
    }

    /// A framework and a submission whose weighted overall is 2.9999999999999996 in f64:
    /// A = (0.1·3 + 0.3·3)/(0.1 + 0.3), every other question N/A. Its tier is 3.
    pub(crate) fn hair_under_three() -> (Framework, Submission) {
        let fw = load_str(
            &GOLDEN
                .replace(
                    "weight = 3.0\nallow_na = true\ntext.en = \"q2\"",
                    "weight = 0.3\nallow_na = true\ntext.en = \"q2\"",
                )
                .replace(
                    "id = \"D1.A-01\"\ncategory = \"D1.A\"",
                    "id = \"D1.A-01\"\ncategory = \"D1.A\"\nweight = 0.1",
                ),
            crate::framework::Source::File("g2.toml".into()),
        )
        .unwrap();
        let s = submission("AG", "ministry", "2026", &[L(3), L(3), NA, NA, NA, NA]);
        assert_eq!(
            score_submission(&fw, &s, None).unwrap().overall,
            Some(2.9999999999999996)
        );
        (fw, s)
    }

    pub(crate) fn submission(
        agency: &str,
        sector: &str,
        cycle: &str,
        answers: &[Answer],
    ) -> Submission {
        let answers: Vec<AnswerRow> = answers
            .iter()
            .map(|&answer| AnswerRow {
                answer,
                ..Default::default()
            })
            .collect();
        Submission {
            file: format!("{cycle}/{agency}.xlsx"),
            path: Default::default(),
            sha256: "0".repeat(64),
            status: Status::Scored,
            profile: Profile {
                agency_id: Some(agency.into()),
                agency_name: Some(format!("{agency} name")),
                sector: Some(sector.into()),
                cycle: Some(cycle.into()),
                framework_id: Some("golden".into()),
                framework_version: Some("1.0.0".into()),
                ..Default::default()
            },
            answered: Submission::count_answered(&answers),
            answers,
            errors: vec![],
            warnings: vec![],
        }
    }

    use Answer::{Level as L, NotApplicable as NA, Unanswered as U};

    fn close(a: Option<f64>, b: f64) {
        let a = a.expect("a score");
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    #[test]
    fn golden_full_case() {
        let fw = golden();
        // q1=4, q2=2 -> A = (4 + 3*2)/4 = 2.5; q3=1, q4 unanswered -> B = (1+0)/2 = 0.5
        // D1 = (1*2.5 + 3*0.5)/4 = 1.0; q5=3, q6=N/A -> C = 3 -> D2 = 3
        // overall = (1*1 + 3*3)/4 = 2.5; index = 2.5/4*100 = 62.5; tier 2
        // completeness: applicable 5 (q6 N/A), answered 4 -> 0.8
        let s = submission("AG", "ministry", "2026", &[L(4), L(2), L(1), U, L(3), NA]);
        let r = score_submission(&fw, &s, None).unwrap();
        close(r.categories["D1.A"], 2.5);
        close(r.categories["D1.B"], 0.5);
        close(r.categories["D2.C"], 3.0);
        close(r.domains["D1"], 1.0);
        close(r.domains["D2"], 3.0);
        close(r.overall, 2.5);
        close(r.index, 62.5);
        assert_eq!(r.tier, Some(2));
        close(r.completeness, 0.8);
        assert_eq!(r.target, 2);
        close(r.overall_gap(), -0.5);
        close(r.domain_gap("D1"), 1.0);
        close(r.category_gap("D1.B"), 1.5);
        assert_eq!(r.meets_target(), Some(true));
        // gaps: q3 gap 1 x 1 x 3 x 1 = 3; q4 unanswered gap 2 x 1 x 3 x 1 = 6
        assert_eq!(
            r.gaps,
            vec![
                QuestionGap {
                    question_id: "D1.B-02".into(),
                    level: None,
                    gap: 2,
                    priority: 6.0
                },
                QuestionGap {
                    question_id: "D1.B-01".into(),
                    level: Some(1),
                    gap: 1,
                    priority: 3.0
                },
            ]
        );
    }

    #[test]
    fn na_category_and_domain_are_null() {
        let fw = golden();
        // D1.B all N/A -> null, D1 = A only; D2.C all N/A -> D2 null; overall = D1 only.
        let s = submission("AG", "ministry", "2026", &[L(1), L(3), NA, NA, NA, NA]);
        let r = score_submission(&fw, &s, None).unwrap();
        assert_eq!(r.categories["D1.B"], None);
        assert_eq!(r.categories["D2.C"], None);
        assert_eq!(r.domains["D2"], None);
        close(r.categories["D1.A"], 2.5);
        close(r.domains["D1"], 2.5);
        close(r.overall, 2.5);
        close(r.completeness, 1.0);
        assert_eq!(r.domain_gap("D2"), None);
        assert_eq!(r.category_gap("D1.B"), None);
        assert_eq!(r.category_gaps()["D1.B"], None);
        // q1 at 1 under target 2: gap 1 x 1 x 1 x 1.
        assert_eq!(r.gaps.len(), 1);
        assert_eq!(r.gaps[0].question_id, "D1.A-01");
    }

    #[test]
    fn na_question_does_not_dilute_category() {
        let fw = golden();
        // q2 (weight 3) N/A: A = q1 alone = 4, not (4 + 0)/4.
        let s = submission(
            "AG",
            "ministry",
            "2026",
            &[L(4), NA, L(2), L(2), L(2), L(2)],
        );
        let r = score_submission(&fw, &s, None).unwrap();
        close(r.categories["D1.A"], 4.0);
        // D1 = (4 + 3*2)/4 = 2.5, D2 = 2, overall = (2.5 + 6)/4 = 2.125
        close(r.overall, 2.125);
        assert_eq!(r.tier, Some(2));
    }

    #[test]
    fn nothing_applicable_means_no_overall() {
        let fw = golden();
        let mut s = submission("AG", "ministry", "2026", &[NA, NA, NA, NA, NA, NA]);
        // q1 cannot be N/A in the framework, but scoring must still not divide by zero.
        s.answers[0].answer = NA;
        let r = score_submission(&fw, &s, None).unwrap();
        assert_eq!(r.overall, None);
        assert_eq!(r.index, None);
        assert_eq!(r.tier, None);
        assert_eq!(r.completeness, None);
        assert!(r.domains.values().all(Option::is_none));
        assert!(r.gaps.is_empty());
        assert_eq!(r.meets_target(), None);
    }

    #[test]
    fn unanswered_counts_zero_and_lowers_completeness() {
        let fw = golden();
        let s = submission("AG", "ministry", "2026", &[L(4), U, U, U, U, U]);
        let r = score_submission(&fw, &s, None).unwrap();
        // A = 4/4 = 1, B = 0, D1 = (1 + 0)/4 = 0.25, D2 = 0, overall = 0.25/4
        close(r.categories["D1.A"], 1.0);
        close(r.domains["D1"], 0.25);
        close(r.overall, 0.0625);
        close(r.completeness, 1.0 / 6.0);
        assert_eq!(r.tier, Some(0));
    }

    #[test]
    fn tier_floor_tolerates_rounding() {
        let fw = golden();
        // Everything at 3 -> overall exactly 3 -> tier 3; the 1e-9 tolerance must also
        // lift a value a hair under 3.
        let s = submission("AG", "ministry", "2026", &[L(3); 6]);
        let r = score_submission(&fw, &s, None).unwrap();
        close(r.overall, 3.0);
        assert_eq!(r.tier, Some(3));
        assert_eq!(tier_of(3.0 - 1e-12, 5), 3);
        assert_eq!(tier_of(3.0 - 1e-6, 5), 2);
        assert_eq!(tier_of(-0.5, 5), 0);
        assert_eq!(tier_of(7.0, 5), 5);
        assert!(reaches(3.0 - 1e-12, 3.0) && !reaches(3.0 - 1e-6, 3.0));
        assert_eq!(Change::of(1e-12), Change::Unchanged);
        assert_eq!(Change::of(-1e-6), Change::Declined);
        assert!(!is_above(3.0, 3.0 - 1e-12) && is_above(3.0, 3.0 - 1e-6));
        // A real score that lands a hair under a whole number.
        let (fw2, s) = hair_under_three();
        let r = score_submission(&fw2, &s, None).unwrap();
        assert!(r.overall.unwrap() < 3.0, "{:?}", r.overall);
        assert_eq!(r.tier, Some(3));
    }

    #[test]
    fn sector_target_and_registry_authority() {
        let fw = golden();
        let s = submission("AG", "energy", "2026", &[L(3); 6]);
        let r = score_submission(&fw, &s, None).unwrap();
        assert_eq!(r.target, 3);
        assert_eq!(r.sector, "energy");
        assert_eq!(r.agency_name, "AG name");
        // The registry says ministry: target falls back to the default 2 and wins over
        // the Profile's sector.
        let reg = crate::registry::parse_registry(
            "agency_id,name_en,name_km,sector\nAG,Agency,,ministry\n".as_bytes(),
            "r.csv",
        )
        .unwrap();
        let r = score_submission(&fw, &s, Some(&reg)).unwrap();
        assert_eq!(r.sector, "ministry");
        assert_eq!(r.target, 2);
        assert_eq!(r.agency_name, "AG name");
    }

    #[test]
    fn gap_ties_are_ordered_by_id() {
        let fw = golden();
        // q5 and q6 both unanswered in D2.C (w_d 3): equal priority 2*1*1*3 = 6.
        // q3, q4 at 0 in D1.B: 2*1*3*1 = 6 as well. All four tie: id order.
        let s = submission("AG", "ministry", "2026", &[L(4), L(4), L(0), L(0), U, U]);
        let r = score_submission(&fw, &s, None).unwrap();
        let ids: Vec<&str> = r.gaps.iter().map(|g| g.question_id.as_str()).collect();
        assert_eq!(ids, ["D1.B-01", "D1.B-02", "D2.C-01", "D2.C-02"]);
        assert!(r.gaps.iter().all(|g| g.priority == 6.0));
    }

    #[test]
    fn only_scored_submissions_score() {
        let fw = golden();
        let mut s = submission("AG", "ministry", "2026", &[L(3); 6]);
        s.status = Status::Rejected;
        assert!(score_submission(&fw, &s, None).is_none());
        s.status = Status::Duplicate;
        assert!(score_submission(&fw, &s, None).is_none());
    }

    #[test]
    fn score_all_sorts_by_agency_then_cycle() {
        let fw = golden();
        let subs = vec![
            submission("B", "ministry", "2026", &[L(1); 6]),
            submission("A", "ministry", "10", &[L(1); 6]),
            submission("A", "ministry", "9", &[L(1); 6]),
        ];
        let keys: Vec<(String, String)> = score_all(&fw, &subs, None)
            .into_iter()
            .map(|s| (s.agency_id, s.cycle.to_string()))
            .collect();
        assert_eq!(
            keys,
            [("A", "9"), ("A", "10"), ("B", "2026")].map(|(a, c)| (a.to_string(), c.to_string()))
        );
    }

    fn answer_strategy() -> impl Strategy<Value = Answer> {
        prop_oneof![
            (0u8..=4).prop_map(Answer::Level),
            Just(Answer::Unanswered),
            Just(Answer::NotApplicable),
        ]
    }

    /// The golden framework with every weight multiplied by `k`.
    fn scaled(k: f64) -> Framework {
        let mut fw = golden();
        fw.domains.iter_mut().for_each(|d| d.weight *= k);
        fw.categories.iter_mut().for_each(|c| c.weight *= k);
        fw.questions.iter_mut().for_each(|q| q.weight *= k);
        fw
    }

    proptest! {
        #[test]
        fn scores_stay_inside_the_scale(answers in prop::collection::vec(answer_strategy(), 6)) {
            let fw = golden();
            let r = score_submission(&fw, &submission("X", "energy", "1", &answers), None).unwrap();
            let all = r.categories.values().chain(r.domains.values()).chain([&r.overall]);
            for s in all.flatten() {
                prop_assert!((0.0..=4.0).contains(s), "{s}");
            }
            if let Some(i) = r.index { prop_assert!((0.0..=100.0).contains(&i)); }
            if let Some(t) = r.tier { prop_assert!(t <= 4); }
            if let Some(c) = r.completeness { prop_assert!((0.0..=1.0).contains(&c)); }
            prop_assert_eq!(r.overall.is_some(), answers.iter().any(|a| *a != Answer::NotApplicable));
        }

        #[test]
        fn scaling_every_weight_changes_nothing(
            answers in prop::collection::vec(answer_strategy(), 6),
            k in prop_oneof![Just(0.5), Just(2.0), Just(10.0), 0.01f64..100.0],
        ) {
            let s = submission("X", "ministry", "1", &answers);
            let a = score_submission(&golden(), &s, None).unwrap();
            let b = score_submission(&scaled(k), &s, None).unwrap();
            let near = |x: Option<f64>, y: Option<f64>| match (x, y) {
                (Some(x), Some(y)) => (x - y).abs() < 1e-9,
                (None, None) => true,
                _ => false,
            };
            prop_assert!(near(a.overall, b.overall));
            for (id, v) in &a.categories { prop_assert!(near(*v, b.categories[id])); }
            for (id, v) in &a.domains { prop_assert!(near(*v, b.domains[id])); }
            prop_assert_eq!(a.tier, b.tier);
            prop_assert_eq!(a.completeness, b.completeness);
            // Priorities scale by k^3 but the order of the gap list does not change,
            // except where floating point reorders exact ties; compare as sets then.
            let mut ga: Vec<_> = a.gaps.iter().map(|g| (&g.question_id, g.gap)).collect();
            let mut gb: Vec<_> = b.gaps.iter().map(|g| (&g.question_id, g.gap)).collect();
            ga.sort(); gb.sort();
            prop_assert_eq!(ga, gb);
        }

        #[test]
        fn na_is_left_out_of_denominators(
            answers in prop::collection::vec(answer_strategy(), 6),
            which in 0usize..6,
        ) {
            // Marking a question N/A must give exactly the scores of a framework without
            // that question: its weight leaves the denominator, nothing else moves.
            let fw = golden();
            let mut with_na = answers.clone();
            with_na[which] = Answer::NotApplicable;
            let r = score_submission(&fw, &submission("X", "ministry", "1", &with_na), None).unwrap();
            let cat = &fw.categories[fw.questions[which].category_index];
            let expected = {
                let pairs: Vec<(f64, f64)> = cat.questions.iter()
                    .filter(|&&qi| qi != which)
                    .filter_map(|&qi| counted_level(with_na[qi]).map(|l| (fw.questions[qi].weight, f64::from(l))))
                    .collect();
                let den: f64 = pairs.iter().map(|p| p.0).sum();
                (den > 0.0).then(|| pairs.iter().map(|p| p.0 * p.1).sum::<f64>() / den)
            };
            match (r.categories[&cat.id], expected) {
                (Some(a), Some(b)) => prop_assert!((a - b).abs() < 1e-12),
                (a, b) => prop_assert_eq!(a, b),
            }
        }

        #[test]
        fn order_of_files_changes_nothing(
            sets in prop::collection::vec(prop::collection::vec(answer_strategy(), 6), 1..6),
            seed in any::<u64>(),
        ) {
            let fw = golden();
            let subs: Vec<Submission> = sets.iter().enumerate()
                .map(|(i, a)| submission(&format!("A{i}"), "ministry", if i % 2 == 0 { "2025" } else { "2026" }, a))
                .collect();
            let mut shuffled = subs.clone();
            // A cheap deterministic shuffle driven by the seed.
            let n = shuffled.len();
            for i in (1..n).rev() {
                let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
                shuffled.swap(i, j);
            }
            prop_assert_eq!(score_all(&fw, &subs, None), score_all(&fw, &shuffled, None));
        }
    }
}
