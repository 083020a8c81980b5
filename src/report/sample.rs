//! Synthetic report inputs for tests and timing: deterministic pseudo-random answers for
//! `n` agencies over one or two cycles, with plain (unweighted) scores and simple national
//! summaries. The numbers are plausible, not the scoring method: they exist to exercise
//! layout, escaping and speed without workbooks.

use std::collections::BTreeMap;

use crate::aggregate::{CycleSummary, National, NationalChange, SectorSummary, Stats, Trend};
use crate::cycle::Cycle;
use crate::framework::Framework;
use crate::plan::batch::{Counted, PlanFile, Plans};
use crate::plan::{plan_for, plan_progress, ItemStatus};
use crate::registry::{Agency, Registry};
use crate::score::assurance::confidence;
use crate::score::{
    AgencyScore, Assurance, Flag, FlagKind, QuestionGap, RefIndex, Scored, THREAT_SCHEME,
};
use crate::verify::{FileStatus, Verification, VerificationFile, Verified};
use crate::workbook::{Answer, AnswerRow, Diagnostic, Kind, Profile, Status, Submission};

const SECTORS: [&str; 5] = ["ministry", "province", "energy", "finance", "telecom"];

/// Everything a report run needs, owned.
pub struct Sample {
    pub registry: Registry,
    pub submissions: Vec<Submission>,
    pub scores: Vec<AgencyScore>,
    /// `assurance[i]` belongs to `scores[i]`: a few planted flags (see [`planted`]).
    pub assurance: Vec<Assurance>,
    pub national: National,
    /// Planted spot checks of the last cycle (see [`planted_verification`]).
    pub verification: Option<Verified>,
    /// With two cycles or more: the first agency's plan from the cycle before the last,
    /// returned with every status, and a second agency's plan rejected (see [`returned_plans`]).
    pub plans: Option<Plans>,
}

impl Sample {
    /// The sample as report input for `framework` (the one it was made with).
    pub fn input<'a>(&'a self, framework: &'a Framework) -> super::ReportInput<'a> {
        super::ReportInput {
            framework,
            registry: Some(&self.registry),
            submissions: &self.submissions,
            scores: &self.scores,
            assurance: &self.assurance,
            national: &self.national,
            verification: self.verification.as_ref(),
            plans: self.plans.as_ref(),
        }
    }
}

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn stats(values: &[f64], targets: &[f64]) -> Stats {
    if values.is_empty() {
        return Stats::default();
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| {
        let pos = p * (v.len() - 1) as f64;
        let lo = pos.floor() as usize;
        let hi = pos.ceil() as usize;
        v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
    };
    let at = values
        .iter()
        .zip(targets)
        .filter(|(x, t)| crate::score::reaches(**x, **t))
        .count();
    Stats {
        count: v.len(),
        mean: Some(v.iter().sum::<f64>() / v.len() as f64),
        median: Some(q(0.5)),
        p25: Some(q(0.25)),
        p75: Some(q(0.75)),
        min: v.first().copied(),
        max: v.last().copied(),
        at_or_above_target: Some(at as f64 / v.len() as f64),
    }
}

fn mean(v: impl Iterator<Item = f64>) -> Option<f64> {
    let (s, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| s / n as f64)
}

/// `n` agencies in `cycles` (e.g. `["2025", "2026"]`); agency names may carry `names` (one
/// per agency, cycling) to test hostile or long text.
pub fn synthetic(fw: &Framework, n: usize, cycles: &[&str], names: &[&str]) -> Sample {
    let mut rng = Lcg(42);
    let threat_index = RefIndex::new(fw, Some(THREAT_SCHEME));
    let mut registry = Registry::default();
    let mut submissions = Vec::new();
    let mut scores = Vec::new();
    for i in 0..n {
        let id = format!("AG{:03}", i + 1);
        let sector = SECTORS[i % SECTORS.len()].to_string();
        let name = names
            .get(i % names.len().max(1))
            .map(|s| s.to_string())
            .unwrap_or_else(|| format!("Agency number {}", i + 1));
        registry.agencies.insert(
            id.clone(),
            Agency {
                agency_id: id.clone(),
                name_en: name.clone(),
                name_km: (i % 2 == 0).then(|| format!("ស្ថាប័នលេខ {}", i + 1)),
                sector: sector.clone(),
            },
        );
        let skill = (rng.next() % 5) as i64;
        for (ci, cycle) in cycles.iter().enumerate() {
            let answers: Vec<AnswerRow> = fw
                .questions
                .iter()
                .map(|q| {
                    let r = rng.next() % 100;
                    let answer = if r < 4 {
                        Answer::Unanswered
                    } else if q.allow_na && r < 8 {
                        Answer::NotApplicable
                    } else {
                        let l = (skill + ci as i64 + (r % 3) as i64 - 1)
                            .clamp(0, i64::from(fw.max_level()));
                        Answer::Level(l as u8)
                    };
                    AnswerRow {
                        answer,
                        evidence: r
                            .is_multiple_of(17)
                            .then(|| format!("Policy document {} approved", r)),
                        comment: r
                            .is_multiple_of(23)
                            .then(|| "Budget requested for next year".into()),
                    }
                })
                .collect();
            let level = |a: &AnswerRow| match a.answer {
                Answer::Level(l) => Some(f64::from(l)),
                Answer::Unanswered => Some(0.0),
                Answer::NotApplicable => None,
            };
            let mut categories = BTreeMap::new();
            for c in &fw.categories {
                let m = mean(c.questions.iter().filter_map(|&qi| level(&answers[qi])));
                categories.insert(c.id.clone(), m);
            }
            let mut domains = BTreeMap::new();
            for d in &fw.domains {
                let m = mean(
                    d.categories
                        .iter()
                        .filter_map(|&ci| categories[&fw.categories[ci].id]),
                );
                domains.insert(d.id.clone(), m);
            }
            let overall = mean(domains.values().filter_map(|v| *v));
            let target = fw.target_for(&sector);
            let mut gaps: Vec<QuestionGap> = fw
                .questions
                .iter()
                .enumerate()
                .filter_map(|(qi, q)| {
                    let lv = match answers[qi].answer {
                        Answer::Level(l) => Some(l),
                        Answer::Unanswered => None,
                        Answer::NotApplicable => return None,
                    };
                    let gap = target.saturating_sub(lv.unwrap_or(0));
                    (gap > 0).then(|| QuestionGap {
                        question_id: q.id.clone(),
                        level: lv,
                        gap,
                        priority: f64::from(gap) * fw.compound_weight(qi),
                    })
                })
                .collect();
            gaps.sort_by(|a, b| {
                b.priority
                    .total_cmp(&a.priority)
                    .then(a.question_id.cmp(&b.question_id))
            });
            let file = format!("{cycle}/{id}.xlsx");
            submissions.push(Submission {
                file: file.clone(),
                path: file.clone().into(),
                sha256: crate::framework::sha256_hex(file.as_bytes()),
                status: Status::Scored,
                profile: Profile {
                    agency_id: Some(id.clone()),
                    agency_name: Some(name.clone()),
                    sector: Some(sector.clone()),
                    cycle: Some(cycle.to_string()),
                    framework_id: Some(fw.id.clone()),
                    framework_version: Some(fw.version.clone()),
                    submitted_by: None,
                    submitted_on: None,
                },
                answered: Submission::count_answered(&answers),
                answers: answers.clone(),
                errors: Vec::new(),
                warnings: Vec::new(),
            });
            let max = f64::from(fw.max_level());
            let answered = answers
                .iter()
                .filter(|a| matches!(a.answer, Answer::Level(_)))
                .count();
            let applicable = answers
                .iter()
                .filter(|a| a.answer != Answer::NotApplicable)
                .count();
            scores.push(AgencyScore {
                agency_id: id.clone(),
                agency_name: name.clone(),
                sector: sector.clone(),
                cycle: (*cycle).into(),
                file,
                overall,
                index: overall.map(|o| o / max * 100.0),
                tier: overall.map(|o| crate::score::tier_of(o, max as u8)),
                completeness: (applicable > 0).then(|| answered as f64 / applicable as f64),
                target,
                domains,
                categories,
                threats: threat_index.means_by_id(&answers),
                answers,
                gaps,
            });
        }
    }
    scores.sort_by(|a, b| a.agency_id.cmp(&b.agency_id).then(a.cycle.cmp(&b.cycle)));
    let assurance: Vec<Assurance> = scores
        .iter()
        .enumerate()
        .map(|(i, s)| planted(fw, i, s))
        .collect();
    let scored = Scored { scores, assurance };
    let scores = &scored.scores;
    let mut national = National::default();
    for cycle in cycles {
        let cs: Vec<&AgencyScore> = scores.iter().filter(|s| &s.cycle == cycle).collect();
        let targets: Vec<f64> = cs.iter().map(|s| f64::from(s.target)).collect();
        let col = |f: &dyn Fn(&AgencyScore) -> Option<f64>| -> (Vec<f64>, Vec<f64>) {
            cs.iter()
                .zip(&targets)
                .filter_map(|(s, t)| f(s).map(|v| (v, *t)))
                .unzip()
        };
        let (o, ot) = col(&|s| s.overall);
        let (ix, _) = col(&|s| s.index);
        let mut summary = CycleSummary {
            response_rate: Some(cs.len() as f64 / n.max(1) as f64),
            expected: n,
            scored: cs.len(),
            missing: Vec::new(),
            overall: stats(&o, &ot),
            index: stats(&ix, &vec![101.0; ix.len()]),
            ..CycleSummary::default()
        };
        for d in &fw.domains {
            let (v, t) = col(&|s| s.domains.get(&d.id).copied().flatten());
            summary.domains.insert(d.id.clone(), stats(&v, &t));
        }
        for c in &fw.categories {
            let (v, t) = col(&|s| s.categories.get(&c.id).copied().flatten());
            summary.categories.insert(c.id.clone(), stats(&v, &t));
        }
        for (qi, q) in fw.questions.iter().enumerate() {
            let (v, t) = col(&|s| match s.answers[qi].answer {
                Answer::Level(l) => Some(f64::from(l)),
                Answer::Unanswered => Some(0.0),
                Answer::NotApplicable => None,
            });
            summary.questions.insert(q.id.clone(), stats(&v, &t));
        }
        for (_, th) in &threat_index.refs {
            let (v, t) = col(&|s| s.threats.get(th).copied().flatten());
            summary.threats.insert(th.clone(), stats(&v, &t));
        }
        for sector in SECTORS {
            let (v, t) = col(&|s| if s.sector == sector { s.overall } else { None });
            if !v.is_empty() {
                let mut threats = BTreeMap::new();
                for (_, th) in &threat_index.refs {
                    let (v, t) = col(&|s| {
                        if s.sector == sector {
                            s.threats.get(th).copied().flatten()
                        } else {
                            None
                        }
                    });
                    threats.insert(th.clone(), stats(&v, &t));
                }
                summary.sectors.insert(
                    sector.to_string(),
                    SectorSummary {
                        overall: stats(&v, &t),
                        threats,
                        ..SectorSummary::default()
                    },
                );
            }
        }
        let threat_means: BTreeMap<String, f64> = summary
            .threats
            .iter()
            .filter_map(|(id, st)| Some((id.clone(), st.mean?)))
            .collect();
        if !threat_means.is_empty() {
            national
                .crosswalk
                .entry(THREAT_SCHEME.into())
                .or_default()
                .insert((*cycle).into(), threat_means);
        }
        summary.assurance = Some(crate::aggregate::national_assurance(
            fw,
            &scored,
            &Cycle::from(*cycle),
        ));
        national.cycles.insert((*cycle).into(), summary);
        let mut csf = BTreeMap::new();
        for (f, base) in ["GV", "ID", "PR", "DE", "RS", "RC"].iter().zip(0..) {
            csf.insert(f.to_string(), 1.5 + f64::from(base) * 0.2);
        }
        national
            .crosswalk
            .entry("CSF".into())
            .or_default()
            .insert((*cycle).into(), csf);
    }
    for w in cycles.windows(2) {
        let (from, to) = (w[0], w[1]);
        let m = |c: &str| national.cycles[&Cycle::from(c)].overall.mean;
        let md = |c: &str| national.cycles[&Cycle::from(c)].overall.median;
        let t = Trend {
            from: from.into(),
            national: NationalChange {
                mean: m(to).zip(m(from)).map(|(a, b)| a - b),
                median: md(to).zip(md(from)).map(|(a, b)| a - b),
            },
            agencies: BTreeMap::new(),
            threats: national.cycles[&Cycle::from(to)]
                .threats
                .iter()
                .map(|(id, st)| {
                    let was = national.cycles[&Cycle::from(from)]
                        .threats
                        .get(id)
                        .and_then(|b| b.mean);
                    (id.clone(), st.mean.zip(was).map(|(a, b)| a - b))
                })
                .collect(),
        };
        national.trends.insert(to.into(), t);
    }
    let verification = cycles
        .last()
        .map(|c| planted_verification(fw, &scored.scores, &Cycle::from(*c)));
    let plans = returned_plans(fw, &scored.scores, &registry, cycles);
    Sample {
        registry,
        submissions,
        scores: scored.scores,
        assurance: scored.assurance,
        national,
        verification,
        plans,
    }
}

/// Spot checks of `cycle`: every other agency (AG001, AG003, ...) verified, each checked
/// question rated its claim or one level lower (every seventh one level higher, every fifth
/// not checked), and one rejected file for an agency the inputs do not have.
fn planted_verification(fw: &Framework, scores: &[AgencyScore], cycle: &Cycle) -> Verified {
    let mut rng = Lcg(7);
    let mut files: Vec<VerificationFile> = scores
        .iter()
        .filter(|s| &s.cycle == cycle)
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, s)| {
            let verified = s
                .answers
                .iter()
                .enumerate()
                .map(|(qi, a)| match a.answer {
                    Answer::Level(_) if qi % 5 == 4 => Answer::Unanswered,
                    Answer::Level(l) => {
                        let r = rng.next() % 7;
                        Answer::Level(match r {
                            0 => l.saturating_add(1).min(fw.max_level()),
                            1..=3 => l.saturating_sub(1),
                            _ => l,
                        })
                    }
                    other => other,
                })
                .collect();
            let file = format!("verification/{}-verify.xlsx", s.agency_id);
            VerificationFile {
                sha256: crate::framework::sha256_hex(file.as_bytes()),
                status: FileStatus::Used,
                agency_id: Some(s.agency_id.clone()),
                cycle: Some(cycle.to_string()),
                verification: Some(Verification {
                    agency_id: s.agency_id.clone(),
                    cycle: cycle.clone(),
                    file: file.clone(),
                    verified,
                }),
                errors: Vec::new(),
                warnings: Vec::new(),
                file,
            }
        })
        .collect();
    let stray = "verification/ZZ9-verify.xlsx".to_string();
    files.push(VerificationFile {
        sha256: crate::framework::sha256_hex(stray.as_bytes()),
        status: FileStatus::Rejected,
        agency_id: Some("ZZ9".into()),
        cycle: Some(cycle.to_string()),
        verification: None,
        errors: vec![Diagnostic::error(Kind::VerificationUnknownAgency {
            agencies: scores.iter().filter(|s| &s.cycle == cycle).count(),
        })
        .in_sheet("Profile")
        .at(1, 1)
        .with_found("ZZ9")],
        warnings: Vec::new(),
        file: stray,
    });
    Verified::of(fw, scores, files)
}

/// The plans returned in the last of `cycles`: the first agency's plan from the cycle before,
/// its rows cycling through the statuses with the agency's name as owner (so hostile names
/// reach the plan table too), and the second agency's plan rejected for a status typed in
/// Khmer.
fn returned_plans(
    fw: &Framework,
    scores: &[AgencyScore],
    registry: &Registry,
    cycles: &[&str],
) -> Option<Plans> {
    let [.., before, now] = cycles else {
        return None;
    };
    let score = |id: &str, cycle: &str| {
        scores
            .iter()
            .find(|s| s.agency_id == id && s.cycle.as_str() == cycle)
    };
    let ids: Vec<&String> = registry.agencies.keys().collect();
    let first = ids.first()?;
    let mut plan = plan_for(fw, score(first, before)?);
    let owner = registry.agencies[*first].name_en.clone();
    for (i, item) in plan.items.iter_mut().enumerate() {
        item.status = Some(ItemStatus::ALL[i % ItemStatus::ALL.len()]);
        item.owner = Some(owner.clone());
        item.due = (i % 2 == 0).then(|| format!("{now}-06-30"));
    }
    let progress = plan_progress(fw, &plan, score(first, now)?);
    let used = PlanFile {
        file: format!("plans/{before}/{first}.xlsx"),
        sha256: crate::framework::sha256_hex(first.as_bytes()),
        status: FileStatus::Used,
        agency_id: Some(first.to_string()),
        cycle: Some(before.to_string()),
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let mut files = vec![used];
    let mut expected_from = BTreeMap::from([(first.to_string(), Cycle::from(*before))]);
    if let Some(second) = ids.get(1) {
        expected_from.insert(second.to_string(), Cycle::from(*before));
        files.push(PlanFile {
            file: format!("plans/{before}/{second}.xlsx"),
            sha256: crate::framework::sha256_hex(second.as_bytes()),
            status: FileStatus::Rejected,
            agency_id: Some(second.to_string()),
            cycle: Some(before.to_string()),
            errors: vec![Diagnostic::error(Kind::PlanBadStatus)
                .in_sheet("Plan")
                .at(3, 9)
                // Typed in Khmer ("finished") instead of picked from the dropdown.
                .with_found("រួចរាល់")
                .with_expected(&ItemStatus::choices())],
            warnings: Vec::new(),
        });
    }
    Some(Plans {
        cycle: Cycle::from(*now),
        files,
        expected_from,
        counted: BTreeMap::from([(first.to_string(), Counted { plan, progress })]),
    })
}

/// The assurance of the `i`-th score: every third agency breaks the framework's first rule,
/// every fifth answers in a straight line, and the unsupported share cycles through 0, 0.2,
/// 0.4 and 0.6, so each confidence level and both report sections have content.
fn planted(fw: &Framework, i: usize, s: &AgencyScore) -> Assurance {
    let mut flags = Vec::new();
    let unsupported_share = (i % 4) as f64 * 0.2;
    if unsupported_share > 0.0 {
        flags.push(Flag {
            kind: FlagKind::UnsupportedClaim,
            message: "answers at level 3 or above with no evidence".into(),
            cells: vec!["Assessment!E12".into(), "Assessment!E13".into()],
            questions: fw.questions.iter().take(2).map(|q| q.id.clone()).collect(),
            rule: None,
            agencies: None,
        });
    }
    if let Some(rule) = fw.rules.first().filter(|_| i % 3 == 1) {
        flags.push(Flag {
            kind: FlagKind::RuleViolated,
            message: rule.text.en().to_string(),
            cells: vec!["Assessment!E20".into(), "Assessment!E21".into()],
            questions: Vec::new(),
            rule: Some(rule.id.clone()),
            agencies: None,
        });
    }
    if i % 5 == 2 && !s.answers.is_empty() {
        flags.push(Flag {
            kind: FlagKind::StraightLine,
            message: "every answered question at one level".into(),
            cells: Vec::new(),
            questions: Vec::new(),
            rule: None,
            agencies: None,
        });
    }
    Assurance {
        confidence: confidence(unsupported_share, &flags),
        unsupported_share,
        flags,
    }
}
