//! Verification: spot checks by the national CERT (SPEC section 10). The CERT re-rates a
//! sample of agencies' answers; this module holds the data model and the pure arithmetic
//! of how the two ratings agree (pairs, exact, within one, inflation, quadratic-weighted
//! kappa, the overall score with verified levels). Nothing here changes a score: the
//! verified overall sits beside the agency's own.
//!
//! `plan` picks the sample (`posture verify plan`); `read` reads the workbooks the
//! verifiers send back (`--verification DIR`); [`Verified::of`] turns them into the JSON
//! blocks of every verified agency and of every cycle.

pub mod plan;
pub mod read;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::cycle::Cycle;
use crate::framework::Framework;
use crate::score::{rollup, AgencyScore};
use crate::workbook::{Answer, AnswerRow};

pub use read::{read_verifications, FileStatus, VerificationFile, VerifyOptions};

/// One returned verification workbook, read and checked: the verifier's level per framework
/// question, in framework order. `Answer::Unanswered` means not checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Verification {
    pub agency_id: String,
    pub cycle: Cycle,
    pub file: String,
    pub verified: Vec<Answer>,
}

/// A question rated by both sides: its framework index, the claimed and the verified level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pair {
    pub question: usize,
    pub claimed: u8,
    pub verified: u8,
}

/// The pairs of one agency: the questions with a numeric level on both sides (N/A or empty
/// on either side: no pair), in framework order.
pub fn pairs(claimed: &[AnswerRow], verified: &[Answer]) -> Vec<Pair> {
    claimed
        .iter()
        .zip(verified)
        .enumerate()
        .filter_map(|(question, (c, v))| match (c.answer, *v) {
            (Answer::Level(claimed), Answer::Level(verified)) => Some(Pair {
                question,
                claimed,
                verified,
            }),
            _ => None,
        })
        .collect()
}

/// How two ratings of the same questions agree. Every share and mean is `None` without pairs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Agreement {
    pub pairs: usize,
    /// Share of pairs with claimed = verified.
    pub exact: Option<f64>,
    /// Share of pairs with |claimed − verified| ≤ 1.
    pub within_one: Option<f64>,
    /// mean(claimed − verified): positive when self-assessment runs high.
    pub inflation: Option<f64>,
    /// Quadratic-weighted Cohen's kappa over the levels 0..max, `None` when its
    /// denominator is 0.
    pub kappa: Option<f64>,
}

/// The agreement of `(claimed, verified)` pairs on the scale 0..`max_level`.
pub fn agreement(pairs: &[(u8, u8)], max_level: u8) -> Agreement {
    let n = pairs.len();
    if n == 0 {
        return Agreement::default();
    }
    let share = |count: usize| Some(count as f64 / n as f64);
    let exact = pairs.iter().filter(|(c, v)| c == v).count();
    let within = pairs.iter().filter(|(c, v)| c.abs_diff(*v) <= 1).count();
    let diff: f64 = pairs
        .iter()
        .map(|&(c, v)| f64::from(c) - f64::from(v))
        .sum();
    Agreement {
        pairs: n,
        exact: share(exact),
        within_one: share(within),
        inflation: Some(diff / n as f64),
        kappa: kappa(pairs, max_level),
    }
}

/// Quadratic-weighted Cohen's kappa (SPEC section 10): κ = 1 − Σ w_ij·O_ij / Σ w_ij·E_ij
/// with w_ij = (i − j)² / max², O the observed counts of (claimed i, verified j), E the
/// outer product of the two marginals divided by the number of pairs. `None` when the
/// denominator is 0 (no pairs, a one-level scale, or both raters using one level each).
///
/// Ingestion keeps levels within the scale; should a level above `max_level` reach this,
/// the scale is widened to it rather than indexing out of bounds.
pub fn kappa(pairs: &[(u8, u8)], max_level: u8) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    let max = pairs
        .iter()
        .map(|&(c, v)| c.max(v))
        .fold(max_level, u8::max);
    let k = usize::from(max) + 1;
    let mut observed = vec![0.0f64; k * k];
    let (mut rows, mut cols) = (vec![0.0f64; k], vec![0.0f64; k]);
    for &(c, v) in pairs {
        let (i, j) = (usize::from(c), usize::from(v));
        observed[i * k + j] += 1.0;
        rows[i] += 1.0;
        cols[j] += 1.0;
    }
    let n = pairs.len() as f64;
    let max_sq = f64::from(max) * f64::from(max);
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..k {
        for j in 0..k {
            let d = i as f64 - j as f64;
            let w = d * d / max_sq;
            num += w * observed[i * k + j];
            den += w * rows[i] * cols[j] / n;
        }
    }
    // A one-level scale gives 0/0 weights (NaN): no denominator either.
    (den > 0.0 && den.is_finite()).then(|| 1.0 - num / den)
}

/// An agency's answers with the verified level in place of the claimed one wherever a pair
/// exists; everything else (N/A, unanswered, unchecked) as the agency answered.
pub fn with_verified(claimed: &[AnswerRow], verified: &[Answer]) -> Vec<AnswerRow> {
    claimed
        .iter()
        .enumerate()
        .map(|(i, row)| match (row.answer, verified.get(i)) {
            (Answer::Level(_), Some(&Answer::Level(v))) => AnswerRow {
                answer: Answer::Level(v),
                ..row.clone()
            },
            _ => row.clone(),
        })
        .collect()
}

/// The JSON block `agencies[].verification`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AgencyVerification {
    #[serde(flatten)]
    pub agreement: Agreement,
    /// The §5 overall with verified levels where a pair exists; `None` without pairs.
    pub verified_overall: Option<f64>,
}

/// An agency's verification block. An agency picked but with no pair gets `pairs: 0` and
/// nulls (SPEC section 10).
pub fn agency(framework: &Framework, score: &AgencyScore, v: &Verification) -> AgencyVerification {
    let found = pairs(&score.answers, &v.verified);
    if found.is_empty() {
        return AgencyVerification::default();
    }
    let levels: Vec<(u8, u8)> = found.iter().map(|p| (p.claimed, p.verified)).collect();
    let (_, _, verified_overall) = rollup(framework, &with_verified(&score.answers, &v.verified));
    AgencyVerification {
        agreement: agreement(&levels, framework.max_level()),
        verified_overall,
    }
}

/// Pairs and inflation of one domain, nationally.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DomainInflation {
    pub pairs: usize,
    pub inflation: Option<f64>,
    /// The mean claimed and the mean verified level of the domain's pairs (their
    /// difference is `inflation`), for the reports' chart; not in the JSON, which SPEC
    /// section 10 fixes.
    #[serde(skip)]
    pub claimed: Option<f64>,
    #[serde(skip)]
    pub verified: Option<f64>,
}

/// The JSON block `national.<cycle>.verification`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NationalVerification {
    /// Over all pairs of the cycle.
    #[serde(flatten)]
    pub agreement: Agreement,
    /// Mean of the verified agencies' `verified_overall`.
    pub verified_overall: Option<f64>,
    /// Mean of the same agencies' own overall.
    pub claimed_overall: Option<f64>,
    /// Agencies with a verification workbook used in this cycle (with or without pairs).
    pub agencies: usize,
    /// Every framework domain, by id.
    pub domains: BTreeMap<String, DomainInflation>,
}

/// The national verification of one cycle, from its verified agencies (each score with its
/// verification; the caller matches them by agency and cycle).
pub fn national(
    framework: &Framework,
    verified: &[(&AgencyScore, &Verification)],
) -> NationalVerification {
    let mut all: Vec<(u8, u8)> = Vec::new();
    let mut by_domain: Vec<Vec<(u8, u8)>> = vec![Vec::new(); framework.domains.len()];
    let (mut own, mut checked) = (Vec::new(), Vec::new());
    for (score, v) in verified {
        for p in pairs(&score.answers, &v.verified) {
            all.push((p.claimed, p.verified));
            if let Some(q) = framework.questions.get(p.question) {
                by_domain[q.domain_index].push((p.claimed, p.verified));
            }
        }
        let block = agency(framework, score, v);
        // The same agencies on both sides: those with a verified overall and an own one.
        if let (Some(checked_overall), Some(own_overall)) = (block.verified_overall, score.overall)
        {
            checked.push(checked_overall);
            own.push(own_overall);
        }
    }
    let mean = |xs: &[f64]| (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64);
    NationalVerification {
        agreement: agreement(&all, framework.max_level()),
        verified_overall: mean(&checked),
        claimed_overall: mean(&own),
        agencies: verified.len(),
        domains: framework
            .domains
            .iter()
            .zip(by_domain)
            .map(|(d, ps)| {
                let a = agreement(&ps, framework.max_level());
                let side = |f: fn(&(u8, u8)) -> u8| {
                    (!ps.is_empty())
                        .then(|| ps.iter().map(|p| f64::from(f(p))).sum::<f64>() / ps.len() as f64)
                };
                (
                    d.id.clone(),
                    DomainInflation {
                        pairs: a.pairs,
                        inflation: a.inflation,
                        claimed: side(|p| p.0),
                        verified: side(|p| p.1),
                    },
                )
            })
            .collect(),
    }
}

/// Everything `--verification DIR` adds to a run: every returned workbook as judged
/// (`verification_files`), the block of every verified agency and the national block of
/// every cycle with a used workbook. Computed once; the exports and the reports only show it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Verified {
    /// Every file, sorted by file.
    pub files: Vec<VerificationFile>,
    /// (agency id, cycle) -> the agency's block, for every used workbook.
    pub agencies: BTreeMap<(String, Cycle), AgencyVerification>,
    /// Cycle -> `national.<cycle>.verification`, for every cycle with a used workbook.
    pub national: BTreeMap<Cycle, NationalVerification>,
}

impl Verified {
    /// The blocks of the used workbooks among `files` (read against `scores`, so each
    /// used one has its scored submission there).
    pub fn of(framework: &Framework, scores: &[AgencyScore], files: Vec<VerificationFile>) -> Self {
        let mut by_cycle: BTreeMap<Cycle, Vec<(&AgencyScore, &Verification)>> = BTreeMap::new();
        for v in files.iter().filter_map(|f| f.verification.as_ref()) {
            if let Some(score) = scores
                .iter()
                .find(|s| s.agency_id == v.agency_id && s.cycle == v.cycle)
            {
                by_cycle
                    .entry(v.cycle.clone())
                    .or_default()
                    .push((score, v));
            }
        }
        let mut agencies = BTreeMap::new();
        let mut national = BTreeMap::new();
        for (cycle, pairs) in &by_cycle {
            for (score, v) in pairs {
                agencies.insert(
                    (score.agency_id.clone(), cycle.clone()),
                    agency(framework, score, v),
                );
            }
            national.insert(cycle.clone(), self::national(framework, pairs));
        }
        Verified {
            files,
            agencies,
            national,
        }
    }

    /// The block of `agency` in `cycle`; `None` when it was not verified.
    pub fn agency(&self, agency: &str, cycle: &Cycle) -> Option<&AgencyVerification> {
        self.agencies.get(&(agency.to_string(), cycle.clone()))
    }

    /// How many files were rejected (each makes the exit status 1).
    pub fn rejected(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.status == FileStatus::Rejected)
            .count()
    }
}

/// How far a quadratic-weighted kappa goes, in the words of Landis and Koch (1977), which
/// most readers of agreement statistics know: below 0 poor, up to 0.20 slight, 0.40 fair,
/// 0.60 moderate, 0.80 substantial, above almost perfect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KappaBand {
    Poor,
    Slight,
    Fair,
    Moderate,
    Substantial,
    AlmostPerfect,
}

impl KappaBand {
    pub fn of(kappa: f64) -> KappaBand {
        // A band's upper bound belongs to it (0.20 is slight), within the one tolerance.
        let upto = |bound: f64| !crate::score::is_above(kappa, bound);
        if kappa < -crate::score::TOLERANCE {
            KappaBand::Poor
        } else if upto(0.2) {
            KappaBand::Slight
        } else if upto(0.4) {
            KappaBand::Fair
        } else if upto(0.6) {
            KappaBand::Moderate
        } else if upto(0.8) {
            KappaBand::Substantial
        } else {
            KappaBand::AlmostPerfect
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::score_submission;
    use crate::score::tests::{golden, submission};
    use proptest::prelude::*;
    use Answer::{Level as L, NotApplicable as NA, Unanswered as U};

    fn close(a: Option<f64>, b: f64) {
        let a = a.expect("a value");
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    fn verification(agency: &str, verified: &[Answer]) -> Verification {
        Verification {
            agency_id: agency.into(),
            cycle: Cycle::new("2026"),
            file: format!("{agency}-verify.xlsx"),
            verified: verified.to_vec(),
        }
    }

    #[test]
    fn perfect_agreement_gives_one() {
        close(kappa(&[(0, 0), (1, 1), (2, 2), (3, 3)], 4), 1.0);
        let a = agreement(&[(0, 0), (1, 1), (2, 2), (3, 3)], 4);
        assert_eq!(a.pairs, 4);
        close(a.exact, 1.0);
        close(a.within_one, 1.0);
        close(a.inflation, 0.0);
    }

    #[test]
    fn a_full_reversal_gives_minus_one() {
        // Σ w·O = 1 + 0 + 1 = 2 (the two corners, weight 4/4); marginals 1,1,1 on both
        // sides, so E_ij = 1/3: Σ w·E = (4·1/4 + 2·1)/3 = 1. κ = 1 − 2 = −1.
        close(kappa(&[(0, 2), (1, 1), (2, 0)], 2), -1.0);
        close(kappa(&[(0, 2), (2, 0)], 2), -1.0);
    }

    #[test]
    fn a_worked_three_by_three_example() {
        // Scale 0..2, six pairs. Three are one level apart (weight 1/4): Σ w·O = 3/4.
        // Claimed marginals 2,2,2; verified 2,3,1; E_ij = r_i·c_j/6.
        // One apart: E01 + E10 + E12 + E21 = 1 + 2/3 + 1/3 + 1 = 3, times 1/4 = 3/4.
        // Two apart: E02 + E20 = 1/3 + 2/3 = 1, times 1. Σ w·E = 7/4; κ = 1 − 3/7 = 4/7.
        let pairs = [(0, 0), (1, 1), (2, 1), (1, 0), (2, 2), (0, 1)];
        close(kappa(&pairs, 2), 4.0 / 7.0);
        let a = agreement(&pairs, 2);
        close(a.exact, 0.5);
        close(a.within_one, 1.0);
        close(a.inflation, 1.0 / 6.0);
    }

    #[test]
    fn a_zero_denominator_gives_null() {
        assert_eq!(kappa(&[], 4), None);
        // Both raters on the same single level: all expected counts sit on a cell of weight 0.
        assert_eq!(kappa(&[(2, 2), (2, 2)], 4), None);
        // A one-level scale.
        assert_eq!(kappa(&[(0, 0)], 0), None);
        assert_eq!(agreement(&[], 4), Agreement::default());
    }

    #[test]
    fn pairs_need_a_number_on_both_sides() {
        let claimed: Vec<AnswerRow> = [L(4), L(2), L(1), U, L(3), NA]
            .iter()
            .map(|&answer| AnswerRow {
                answer,
                ..Default::default()
            })
            .collect();
        let found = pairs(&claimed, &[L(2), L(2), U, L(3), L(1), L(2)]);
        assert_eq!(
            found,
            vec![
                Pair {
                    question: 0,
                    claimed: 4,
                    verified: 2
                },
                Pair {
                    question: 1,
                    claimed: 2,
                    verified: 2
                },
                Pair {
                    question: 4,
                    claimed: 3,
                    verified: 1
                },
            ]
        );
        // A shorter verification (never produced by the reader) pairs what it has.
        assert_eq!(pairs(&claimed, &[L(4)]).len(), 1);
    }

    #[test]
    fn an_agency_by_hand() {
        let fw = golden();
        // Claimed overall 2.5 (score::tests::golden_full_case).
        let s = submission("AG", "ministry", "2026", &[L(4), L(2), L(1), U, L(3), NA]);
        let score = score_submission(&fw, &s, None).unwrap();
        let v = verification("AG", &[L(2), L(2), U, L(3), L(1), L(2)]);
        let block = agency(&fw, &score, &v);
        // Pairs (4,2), (2,2), (3,1): exact 1/3, within one 1/3, inflation 4/3.
        // Kappa (max 4): Σ w·O = 4/16 + 4/16 = 1/2; Σ w·E = (1 + 4 + 2 + 9 + 8)/48 = 1/2: 0.
        assert_eq!(block.agreement.pairs, 3);
        close(block.agreement.exact, 1.0 / 3.0);
        close(block.agreement.within_one, 1.0 / 3.0);
        close(block.agreement.inflation, 4.0 / 3.0);
        close(block.agreement.kappa, 0.0);
        // Verified answers 2, 2, 1, U, 1, N/A: A = 2, B = 0.5, D1 = 0.875, D2 = 1,
        // overall = (0.875 + 3·1)/4 = 0.96875.
        close(block.verified_overall, 0.96875);

        // Picked, returned, nothing paired: pairs 0 and nulls.
        let none = agency(&fw, &score, &verification("AG", &[U; 6]));
        assert_eq!(none, AgencyVerification::default());
        let json = serde_json::to_value(&none).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"pairs": 0, "exact": null, "within_one": null,
                "inflation": null, "kappa": null, "verified_overall": null})
        );
    }

    #[test]
    fn nationally_by_hand() {
        let fw = golden();
        let a = score_submission(
            &fw,
            &submission("A", "ministry", "2026", &[L(4), L(2), L(1), U, L(3), NA]),
            None,
        )
        .unwrap();
        let b =
            score_submission(&fw, &submission("B", "ministry", "2026", &[L(1); 6]), None).unwrap();
        let c =
            score_submission(&fw, &submission("C", "ministry", "2026", &[L(3); 6]), None).unwrap();
        let (va, vb, vc) = (
            verification("A", &[L(2), L(2), U, L(3), L(1), L(2)]),
            verification("B", &[L(1), U, U, U, U, U]),
            verification("C", &[U; 6]),
        );
        let n = national(&fw, &[(&a, &va), (&b, &vb), (&c, &vc)]);
        // Pairs: A's three and B's (1,1).
        assert_eq!(n.agreement.pairs, 4);
        close(n.agreement.exact, 0.5);
        close(n.agreement.inflation, 1.0);
        close(n.agreement.kappa, 0.2);
        assert_eq!(n.agencies, 3);
        // C has no pair, so it is in neither mean: (0.96875 + 1)/2 and (2.5 + 1)/2.
        close(n.verified_overall, 0.984375);
        close(n.claimed_overall, 1.75);
        assert_eq!(n.domains.len(), 2);
        assert_eq!(n.domains["D1"].pairs, 3);
        close(n.domains["D1"].inflation, 2.0 / 3.0);
        assert_eq!(n.domains["D2"].pairs, 1);
        close(n.domains["D2"].inflation, 2.0);
        // D1's pairs (4,2), (2,2) and (1,1): claimed 7/3, verified 5/3.
        close(n.domains["D1"].claimed, 7.0 / 3.0);
        close(n.domains["D1"].verified, 5.0 / 3.0);
        close(n.domains["D2"].claimed, 3.0);
        let json = serde_json::to_value(&n).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "pairs",
                "exact",
                "within_one",
                "inflation",
                "kappa",
                "verified_overall",
                "claimed_overall",
                "agencies",
                "domains"
            ]
        );

        let empty = national(&fw, &[]);
        assert_eq!(empty.agencies, 0);
        assert_eq!(empty.agreement.pairs, 0);
        assert_eq!(empty.domains["D1"], DomainInflation::default());
    }

    /// docs/methodology.md, "A worked example of agreement": the pairs are read from the
    /// page's table, and every number printed in bold there is recomputed here, so the page
    /// cannot drift from the code.
    #[test]
    fn the_worked_example_of_the_methodology() {
        let doc = include_str!("../docs/methodology.md");
        let start = doc
            .find("### A worked example of agreement")
            .expect("the section");
        let section = &doc[start..];
        let section = &section[..section[4..].find("\n### ").map_or(section.len(), |i| i + 4)];
        let pairs: Vec<(u8, u8)> = section
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line
                    .trim()
                    .strip_prefix('|')?
                    .strip_suffix('|')?
                    .split('|')
                    .map(str::trim)
                    .collect();
                match cells.as_slice() {
                    [n, c, v] => {
                        n.parse::<u32>().ok()?;
                        Some((c.parse().ok()?, v.parse().ok()?))
                    }
                    _ => None,
                }
            })
            .collect();
        assert_eq!(pairs.len(), 8, "{pairs:?}");
        let a = agreement(&pairs, 3);
        // The weighted sums with weights (i − j)², as the page computes them (SPEC's
        // division by max² cancels out).
        let n = pairs.len() as f64;
        let (mut rows, mut cols) = ([0.0f64; 4], [0.0f64; 4]);
        for &(c, v) in &pairs {
            rows[usize::from(c)] += 1.0;
            cols[usize::from(v)] += 1.0;
        }
        let seen: f64 = pairs
            .iter()
            .map(|&(c, v)| f64::from(c.abs_diff(v)).powi(2))
            .sum();
        let mut expected = 0.0;
        for (i, r) in rows.iter().enumerate() {
            for (j, c) in cols.iter().enumerate() {
                expected += (i as f64 - j as f64).powi(2) * r * c / n;
            }
        }
        let bold = [
            format!("**{}%**", a.exact.unwrap() * 100.0),
            format!("**{}%**", a.within_one.unwrap() * 100.0),
            format!("**{}**", a.inflation.unwrap()),
            format!("**{seen}**"),
            format!("**{expected}**"),
            format!("**{:.3}**", a.kappa.unwrap()),
        ];
        for b in &bold {
            assert!(section.contains(b.as_str()), "the page does not say {b}");
        }
        close(a.kappa, 1.0 - seen / expected);
        close(a.kappa, 9.0 / 11.0);
        assert_eq!(KappaBand::of(a.kappa.unwrap()), KappaBand::AlmostPerfect);
        // The variant in the last paragraph: pair 1 verified two levels lower.
        let mut worse = pairs.clone();
        worse[0] = (3, 1);
        close(kappa(&worse, 3), 1.0 - 6.0 / 17.0);
        assert!(section.contains("1 − 6 ÷ 17 = 0.65"));
    }

    fn ratings() -> impl Strategy<Value = Vec<(u8, u8)>> {
        prop::collection::vec((0u8..=4, 0u8..=4), 0..40)
    }

    proptest! {
        #[test]
        fn kappa_is_one_for_identical_ratings(levels in prop::collection::vec(0u8..=4, 1..40)) {
            let pairs: Vec<(u8, u8)> = levels.iter().map(|&l| (l, l)).collect();
            match kappa(&pairs, 4) {
                Some(k) => prop_assert!((k - 1.0).abs() < 1e-12),
                // Only when a single level is used throughout.
                None => prop_assert!(levels.iter().all(|&l| l == levels[0])),
            }
        }

        #[test]
        fn kappa_is_symmetric_and_never_above_one(pairs in ratings()) {
            let swapped: Vec<(u8, u8)> = pairs.iter().map(|&(c, v)| (v, c)).collect();
            let (k, ks) = (kappa(&pairs, 4), kappa(&swapped, 4));
            prop_assert_eq!(k.is_some(), ks.is_some());
            if let (Some(k), Some(ks)) = (k, ks) {
                prop_assert!((k - ks).abs() < 1e-12);
                prop_assert!(k <= 1.0);
                // Quadratic κ = 2·cov / (var₁ + var₂ + (mean₁ − mean₂)²), so κ ≥ −1 too.
                prop_assert!(k >= -1.0 - 1e-12, "{}", k);
            }
        }

        #[test]
        fn inflation_has_the_sign_of_the_claims(pairs in ratings()) {
            let a = agreement(&pairs, 4);
            let swapped: Vec<(u8, u8)> = pairs.iter().map(|&(c, v)| (v, c)).collect();
            let b = agreement(&swapped, 4);
            match (a.inflation, b.inflation) {
                (Some(x), Some(y)) => prop_assert!((x + y).abs() < 1e-12),
                (None, None) => prop_assert!(pairs.is_empty()),
                _ => prop_assert!(false),
            }
            if pairs.iter().all(|(c, v)| c >= v) && !pairs.is_empty() {
                prop_assert!(a.inflation.unwrap() >= 0.0);
            }
            if pairs.iter().any(|(c, v)| c != v) && pairs.iter().all(|(c, v)| c >= v) {
                prop_assert!(a.inflation.unwrap() > 0.0);
            }
            for share in [a.exact, a.within_one].into_iter().flatten() {
                prop_assert!((0.0..=1.0).contains(&share));
            }
            prop_assert!(a.exact <= a.within_one);
        }
    }
}
