//! National aggregation with polars (SPEC section 5): distributions per cycle, sectors,
//! response rate against the registry, trends across cycles and crosswalk views.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;
use serde::Serialize;

use crate::cycle::Cycle;
use crate::framework::Framework;
use crate::plan::batch::NationalPlanProgress;
use crate::registry::Registry;
use crate::score::{reaches, AgencyScore, Confidence, RefIndex, Scored};

pub use crate::score::ref_ancestors;
use crate::workbook::{Answer, Submission};

/// Distribution of one score over the scored agencies of a cycle.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    pub count: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub p25: Option<f64>,
    pub p75: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Share of agencies whose score + 1e-9 >= their target.
    pub at_or_above_target: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SectorSummary {
    pub overall: Stats,
    pub index: Stats,
    pub domains: BTreeMap<String, Stats>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub threats: BTreeMap<String, Stats>,
}

/// Everything national about one cycle.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CycleSummary {
    /// scored agencies / expected agencies; `None` when nothing was expected.
    pub response_rate: Option<f64>,
    pub expected: usize,
    pub scored: usize,
    /// Expected agencies with no scored submission in this cycle, sorted.
    pub missing: Vec<String>,
    pub overall: Stats,
    pub index: Stats,
    pub domains: BTreeMap<String, Stats>,
    pub categories: BTreeMap<String, Stats>,
    /// Per question: the distribution of levels (unanswered as 0, N/A left out); used for
    /// the weakest questions nationally.
    pub questions: BTreeMap<String, Stats>,
    pub sectors: BTreeMap<String, SectorSummary>,
    /// Per threat (`THREAT:` tags): the distribution of the agencies' readiness
    /// ([`AgencyScore::threats`]); its mean is `crosswalk.THREAT`. Absent without tags.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub threats: BTreeMap<String, Stats>,
    /// Assurance over the cycle's scored agencies (SPEC section 9); set by
    /// [`aggregate_scored`], absent from [`aggregate`] (which sees no flags).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assurance: Option<NationalAssurance>,
    /// The national CERT's spot checks of the cycle (SPEC section 10). Computed by
    /// [`crate::verify::Verified`] and set in the export
    /// ([`crate::export::ScoresDocument::attach_verification`]); the aggregation leaves it out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<crate::verify::NationalVerification>,
    /// The returned action plans' progress summed (SPEC section 11); set only on the report's
    /// cycle, and only when `--plans` counted a plan ([`ScoresDocument::attach_plans`]).
    ///
    /// [`ScoresDocument::attach_plans`]: crate::export::ScoresDocument::attach_plans
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_progress: Option<NationalPlanProgress>,
}

/// How many agencies of a cycle have each confidence.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConfidenceCounts {
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

/// `national.<cycle>.assurance` (SPEC section 9).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NationalAssurance {
    pub confidence: ConfidenceCounts,
    /// The mean of the agencies' unsupported shares; `None` without scored agencies.
    pub unsupported_share: Option<f64>,
    /// Every rule of the framework -> how many agencies violate it (0 included).
    pub rules: BTreeMap<String, usize>,
    /// The agencies of low confidence, by id (for reports; not in the JSON).
    #[serde(skip)]
    pub low_confidence: Vec<String>,
}

impl NationalAssurance {
    /// The rules violated by at least one agency, most often first (ties by rule id).
    pub fn most_violated(&self) -> Vec<(&str, usize)> {
        let mut rules: Vec<(&str, usize)> = self
            .rules
            .iter()
            .filter(|(_, &n)| n > 0)
            .map(|(id, &n)| (id.as_str(), n))
            .collect();
        rules.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        rules
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NationalChange {
    pub mean: Option<f64>,
    pub median: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AgencyChange {
    pub overall: Option<f64>,
    pub domains: BTreeMap<String, Option<f64>>,
    pub categories: BTreeMap<String, Option<f64>>,
    /// Change of the readiness per threat; absent without threat tags.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub threats: BTreeMap<String, Option<f64>>,
}

/// Change from the previous cycle to this one.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Trend {
    pub from: Cycle,
    pub national: NationalChange,
    pub agencies: BTreeMap<String, AgencyChange>,
    /// Change of the national readiness per threat (the mean over agencies, as in
    /// `crosswalk.THREAT`), from the previous cycle; absent without threat tags.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub threats: BTreeMap<String, Option<f64>>,
}

/// scheme (`CSF`, `GCI`, ...) -> cycle -> reference id (`GV`, `GV.OC`, `technical`) -> mean level.
pub type Crosswalk = BTreeMap<String, BTreeMap<Cycle, BTreeMap<String, f64>>>;

/// The national picture across all cycles in the inputs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct National {
    pub cycles: BTreeMap<Cycle, CycleSummary>,
    pub trends: BTreeMap<Cycle, Trend>,
    pub crosswalk: Crosswalk,
}

/// What a row of the long table measures. Keys are numbered in this order (overall, index,
/// domains, categories, questions, threats), so the rows that sector summaries need are the
/// keys below `2 + domains` and from the first threat on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Overall,
    Index,
    Domain,
    Category,
    Question,
    Threat,
}

/// The numbered keys of the long table: (kind, id).
struct Keys {
    keys: Vec<(Kind, String)>,
    first_category: usize,
    first_question: usize,
    first_threat: usize,
}

impl Keys {
    fn new(framework: &Framework, threats: &[String]) -> Self {
        let mut keys = vec![
            (Kind::Overall, "overall".to_string()),
            (Kind::Index, "index".to_string()),
        ];
        keys.extend(
            framework
                .domains
                .iter()
                .map(|d| (Kind::Domain, d.id.clone())),
        );
        let first_category = keys.len();
        keys.extend(
            framework
                .categories
                .iter()
                .map(|c| (Kind::Category, c.id.clone())),
        );
        let first_question = keys.len();
        keys.extend(
            framework
                .questions
                .iter()
                .map(|q| (Kind::Question, q.id.clone())),
        );
        let first_threat = keys.len();
        keys.extend(threats.iter().map(|t| (Kind::Threat, t.clone())));
        Keys {
            keys,
            first_category,
            first_question,
            first_threat,
        }
    }
}

/// The long table, column by column: one row per (agency, cycle, key). Strings are
/// numbered so the frame holds only integers and floats, which keeps 10,000 agencies
/// small and fast to group.
#[derive(Default)]
struct LongRows {
    cycle: Vec<u32>,
    sector: Vec<u32>,
    key: Vec<u32>,
    score: Vec<Option<f64>>,
    /// 1.0 when the score + 1e-9 reaches the target, 0.0 when not, null without a score.
    met: Vec<Option<f64>>,
}

impl LongRows {
    fn push(&mut self, cycle: u32, sector: u32, key: usize, score: Option<f64>, target: f64) {
        self.cycle.push(cycle);
        self.sector.push(sector);
        self.key.push(key as u32);
        self.score.push(score);
        self.met
            .push(score.map(|s| f64::from(u8::from(reaches(s, target)))));
    }

    fn into_frame(self) -> PolarsResult<DataFrame> {
        DataFrame::new(
            self.cycle.len(),
            vec![
                Column::new("cycle".into(), self.cycle),
                Column::new("sector".into(), self.sector),
                Column::new("key".into(), self.key),
                Column::new("score".into(), self.score),
                Column::new("met".into(), self.met),
            ],
        )
    }
}

/// The seven statistics of SPEC section 5 plus the share at target, as polars
/// expressions. Nulls (not applicable) are left out of every one of them.
fn stat_exprs() -> Vec<Expr> {
    let score = || col("score");
    vec![
        score().count().cast(DataType::UInt64).alias("count"),
        // The values themselves, for `ordered_mean`: polars 0.55 sums a group in the order
        // its group-by collected the rows, which varies from one run to the next (two
        // calls on the same frame in one process gave means one bit apart), and so would
        // the bytes of every export.
        score().drop_nulls().alias("values"),
        score().median().alias("median"),
        score()
            .quantile(lit(0.25), QuantileMethod::Linear)
            .alias("p25"),
        score()
            .quantile(lit(0.75), QuantileMethod::Linear)
            .alias("p75"),
        score().min().alias("min"),
        score().max().alias("max"),
        col("met").mean().alias("at_or_above_target"),
    ]
}

/// Read grouped statistics back: one [`Stats`] per row, keyed by the group columns.
fn read_stats(df: &DataFrame, group: &[&str]) -> PolarsResult<Vec<(Vec<u32>, Stats)>> {
    let groups = group
        .iter()
        .map(|g| df.column(g).and_then(|c| c.u32()))
        .collect::<PolarsResult<Vec<_>>>()?;
    let count = df.column("count")?.u64()?;
    let values = df.column("values")?.list()?;
    let f = |name: &str| df.column(name).and_then(|c| c.f64());
    let (median, p25, p75) = (f("median")?, f("p25")?, f("p75")?);
    let (min, max, met) = (f("min")?, f("max")?, f("at_or_above_target")?);
    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let key: Vec<u32> = groups.iter().map(|g| g.get(i).unwrap_or(0)).collect();
        let count = count.get(i).unwrap_or(0) as usize;
        // polars gives a mean of NaN or null for an all-null group depending on the
        // statistic; an empty group has no statistics at all.
        let stats = if count == 0 {
            Stats::default()
        } else {
            Stats {
                count,
                mean: ordered_mean(values.get_as_series(i))?,
                median: median.get(i),
                p25: p25.get(i),
                p75: p75.get(i),
                min: min.get(i),
                max: max.get(i),
                at_or_above_target: met.get(i),
            }
        };
        out.push((key, stats));
    }
    Ok(out)
}

/// The mean of a group's values (a list cell of a group-by), summed in ascending order, so
/// that it is the same on every run and whatever order the rows came in.
fn ordered_mean(values: Option<Series>) -> PolarsResult<Option<f64>> {
    let Some(values) = values else {
        return Ok(None);
    };
    let values = values.f64()?;
    let mut v: Vec<f64> = (0..values.len()).filter_map(|i| values.get(i)).collect();
    if v.is_empty() {
        return Ok(None);
    }
    v.sort_by(f64::total_cmp);
    Ok(Some(v.iter().sum::<f64>() / v.len() as f64))
}

/// Interns strings as dense u32 codes, in first-seen order.
#[derive(Default)]
struct Interner {
    codes: BTreeMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn code(&mut self, s: &str) -> u32 {
        if let Some(&c) = self.codes.get(s) {
            return c;
        }
        let c = self.names.len() as u32;
        self.codes.insert(s.to_string(), c);
        self.names.push(s.to_string());
        c
    }
}

/// National aggregates per cycle, trends between consecutive cycles and crosswalk views
/// (SPEC section 5). `scores` are the scored agencies (any order); `submissions` are all
/// ingested files, used for the response rate when there is no registry.
pub fn aggregate(
    framework: &Framework,
    scores: &[AgencyScore],
    submissions: &[Submission],
    registry: Option<&Registry>,
) -> National {
    // The frame is built here with a fixed schema from plain numbers; polars can only fail
    // on a bug in this function, never on agency data.
    try_aggregate(framework, scores, submissions, registry)
        .expect("polars aggregation over a well-formed frame")
}

/// [`aggregate`], plus the national assurance of every cycle (SPEC section 9) from the
/// flags [`crate::score::score_batch`] computed.
pub fn aggregate_scored(
    framework: &Framework,
    scored: &Scored,
    submissions: &[Submission],
    registry: Option<&Registry>,
) -> National {
    let mut national = aggregate(framework, &scored.scores, submissions, registry);
    for (cycle, summary) in national.cycles.iter_mut() {
        summary.assurance = Some(national_assurance(framework, scored, cycle));
    }
    national
}

/// Confidence counts, the mean unsupported share and the agencies violating each rule, over
/// the agencies scored in `cycle`. `scored` is sorted, so the mean is summed in a fixed order.
pub fn national_assurance(
    framework: &Framework,
    scored: &Scored,
    cycle: &Cycle,
) -> NationalAssurance {
    let mut out = NationalAssurance {
        rules: framework.rules.iter().map(|r| (r.id.clone(), 0)).collect(),
        ..NationalAssurance::default()
    };
    let (mut sum, mut n) = (0.0, 0usize);
    for (s, a) in scored.iter().filter(|(s, _)| &s.cycle == cycle) {
        match a.confidence {
            Confidence::High => out.confidence.high += 1,
            Confidence::Medium => out.confidence.medium += 1,
            Confidence::Low => {
                out.confidence.low += 1;
                out.low_confidence.push(s.agency_id.clone());
            }
        }
        sum += a.unsupported_share;
        n += 1;
        for (id, count) in out.rules.iter_mut() {
            *count += usize::from(a.violates(id));
        }
    }
    out.unsupported_share = (n > 0).then(|| sum / n as f64);
    out.low_confidence.sort();
    out.low_confidence.dedup();
    out
}

fn try_aggregate(
    framework: &Framework,
    scores: &[AgencyScore],
    submissions: &[Submission],
    registry: Option<&Registry>,
) -> PolarsResult<National> {
    // A fixed row order makes every float sum, and so every byte of output, independent of
    // the order the caller passes agencies in.
    let mut sorted: Vec<&AgencyScore> = scores.iter().collect();
    sorted.sort_by(|a, b| {
        a.cycle
            .cmp(&b.cycle)
            .then_with(|| a.agency_id.cmp(&b.agency_id))
            .then_with(|| a.file.cmp(&b.file))
    });

    // A set of cycles is in cycle order.
    let mut cycle_set: BTreeSet<Cycle> = sorted.iter().map(|s| s.cycle.clone()).collect();
    cycle_set.extend(
        submissions
            .iter()
            .filter_map(|s| s.cycle())
            .map(Cycle::from),
    );
    let cycles: Vec<Cycle> = cycle_set.into_iter().collect();
    let cycle_code = cycle_codes(&cycles);

    let threat_ids: Vec<String> = RefIndex::new(framework, Some(crate::score::THREAT_SCHEME))
        .refs
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    let keys = Keys::new(framework, &threat_ids);
    let max = f64::from(framework.max_level());
    let mut sectors = Interner::default();
    let mut rows = LongRows::default();
    for s in &sorted {
        let cycle = cycle_code[s.cycle.as_str()];
        let sector = sectors.code(&s.sector);
        let target = f64::from(s.target);
        rows.push(cycle, sector, 0, s.overall, target);
        // The index meets its target exactly when the overall does.
        let index_target = if max > 0.0 { target / max * 100.0 } else { 0.0 };
        let index_met = s.overall.map(|o| reaches(o, target));
        rows.push(cycle, sector, 1, s.index, index_target);
        if let (Some(m), Some(i)) = (rows.met.last_mut(), index_met) {
            *m = Some(f64::from(u8::from(i)));
        }
        for (k, d) in framework.domains.iter().enumerate() {
            let score = s.domains.get(&d.id).copied().flatten();
            rows.push(cycle, sector, 2 + k, score, target);
        }
        for (k, c) in framework.categories.iter().enumerate() {
            let score = s.categories.get(&c.id).copied().flatten();
            rows.push(cycle, sector, keys.first_category + k, score, target);
        }
        for k in 0..framework.questions.len() {
            let level = match s.answers.get(k).map(|a| a.answer) {
                Some(Answer::Level(l)) => Some(f64::from(l)),
                Some(Answer::NotApplicable) => None,
                Some(Answer::Unanswered) | None => Some(0.0),
            };
            rows.push(cycle, sector, keys.first_question + k, level, target);
        }
        for (k, t) in threat_ids.iter().enumerate() {
            let score = s.threats.get(t).copied().flatten();
            rows.push(cycle, sector, keys.first_threat + k, score, target);
        }
    }
    let frame = rows.into_frame()?;

    let national_stats = frame
        .clone()
        .lazy()
        .group_by([col("cycle"), col("key")])
        .agg(stat_exprs())
        .collect()?;
    let sector_keys = keys.first_category as u32;
    let first_threat = keys.first_threat as u32;
    let sector_stats = frame
        .lazy()
        .filter(
            col("key")
                .lt(lit(sector_keys))
                .or(col("key").gt_eq(lit(first_threat))),
        )
        .group_by([col("cycle"), col("sector"), col("key")])
        .agg(stat_exprs())
        .collect()?;

    let mut summaries: BTreeMap<Cycle, CycleSummary> = cycles
        .iter()
        .map(|c| (c.clone(), CycleSummary::default()))
        .collect();
    for (group, stats) in read_stats(&national_stats, &["cycle", "key"])? {
        let (Some(cycle), Some((kind, id))) = (
            cycles.get(group[0] as usize),
            keys.keys.get(group[1] as usize),
        ) else {
            continue;
        };
        let Some(summary) = summaries.get_mut(cycle) else {
            continue;
        };
        match kind {
            Kind::Overall => summary.overall = stats,
            Kind::Index => summary.index = stats,
            Kind::Domain => drop(summary.domains.insert(id.clone(), stats)),
            Kind::Category => drop(summary.categories.insert(id.clone(), stats)),
            Kind::Question => drop(summary.questions.insert(id.clone(), stats)),
            Kind::Threat => drop(summary.threats.insert(id.clone(), stats)),
        }
    }
    for (group, stats) in read_stats(&sector_stats, &["cycle", "sector", "key"])? {
        let (Some(cycle), Some(sector), Some((kind, id))) = (
            cycles.get(group[0] as usize),
            sectors.names.get(group[1] as usize),
            keys.keys.get(group[2] as usize),
        ) else {
            continue;
        };
        let Some(summary) = summaries.get_mut(cycle) else {
            continue;
        };
        let entry = summary.sectors.entry(sector.clone()).or_default();
        match kind {
            Kind::Overall => entry.overall = stats,
            Kind::Index => entry.index = stats,
            Kind::Domain => drop(entry.domains.insert(id.clone(), stats)),
            Kind::Threat => drop(entry.threats.insert(id.clone(), stats)),
            Kind::Category | Kind::Question => {}
        }
    }
    // Every domain and category appears in every cycle, with count 0 where no agency has a
    // score for it, so readers never meet a missing key.
    for summary in summaries.values_mut() {
        for d in &framework.domains {
            summary.domains.entry(d.id.clone()).or_default();
        }
        for c in &framework.categories {
            summary.categories.entry(c.id.clone()).or_default();
        }
        for q in &framework.questions {
            summary.questions.entry(q.id.clone()).or_default();
        }
        for t in &threat_ids {
            summary.threats.entry(t.clone()).or_default();
        }
        for sector in summary.sectors.values_mut() {
            for d in &framework.domains {
                sector.domains.entry(d.id.clone()).or_default();
            }
            for t in &threat_ids {
                sector.threats.entry(t.clone()).or_default();
            }
        }
    }

    response_rates(&mut summaries, &sorted, submissions, registry);
    let trends = trends(&cycles, &summaries, &sorted);
    let crosswalk = crosswalk(framework, &cycles, &sorted)?;
    Ok(National {
        cycles: summaries,
        trends,
        crosswalk,
    })
}

/// Response rate and missing agencies per cycle. With a registry, the expected set is the
/// registry; without one, every agency whose Profile gave an id in that cycle, whatever
/// became of its workbook (rejected ones included).
fn response_rates(
    summaries: &mut BTreeMap<Cycle, CycleSummary>,
    scores: &[&AgencyScore],
    submissions: &[Submission],
    registry: Option<&Registry>,
) {
    for (cycle, summary) in summaries.iter_mut() {
        let scored: BTreeSet<&str> = scores
            .iter()
            .filter(|s| &s.cycle == cycle)
            .map(|s| s.agency_id.as_str())
            .collect();
        let expected: BTreeSet<&str> = match registry {
            Some(r) => r.agencies.keys().map(String::as_str).collect(),
            None => submissions
                .iter()
                .filter(|s| s.cycle() == Some(cycle.as_str()))
                .filter_map(|s| s.agency_id())
                .chain(scored.iter().copied())
                .collect(),
        };
        let responded = expected.intersection(&scored).count();
        summary.scored = scored.len();
        summary.expected = expected.len();
        summary.response_rate =
            (!expected.is_empty()).then(|| responded as f64 / expected.len() as f64);
        summary.missing = expected
            .difference(&scored)
            .map(|s| s.to_string())
            .collect();
    }
}

fn diff(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    Some(now? - before?)
}

/// Changes between each cycle with scored agencies and the one before it (in
/// [`Cycle`] order, skipping cycles where nothing was scored).
fn trends(
    cycles: &[Cycle],
    summaries: &BTreeMap<Cycle, CycleSummary>,
    scores: &[&AgencyScore],
) -> BTreeMap<Cycle, Trend> {
    let scored_cycles: Vec<&Cycle> = cycles
        .iter()
        .filter(|c| scores.iter().any(|s| &s.cycle == *c))
        .collect();
    let by_key: BTreeMap<(&str, &str), &AgencyScore> = scores
        .iter()
        .map(|s| ((s.cycle.as_str(), s.agency_id.as_str()), *s))
        .collect();
    let mut out = BTreeMap::new();
    for pair in scored_cycles.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        let (from_key, to_key) = (from.as_str(), to.as_str());
        let (Some(before), Some(now)) = (summaries.get(from), summaries.get(to)) else {
            continue;
        };
        let mut agencies = BTreeMap::new();
        for ((_, agency), now) in by_key
            .range((to_key, "")..)
            .take_while(|((c, _), _)| *c == to_key)
        {
            let Some(before) = by_key.get(&(from_key, *agency)) else {
                continue;
            };
            let change = |a: &BTreeMap<String, Option<f64>>, b: &BTreeMap<String, Option<f64>>| {
                a.iter()
                    .map(|(id, v)| (id.clone(), diff(*v, b.get(id).copied().flatten())))
                    .collect()
            };
            agencies.insert(
                agency.to_string(),
                AgencyChange {
                    overall: diff(now.overall, before.overall),
                    domains: change(&now.domains, &before.domains),
                    categories: change(&now.categories, &before.categories),
                    threats: change(&now.threats, &before.threats),
                },
            );
        }
        out.insert(
            to.clone(),
            Trend {
                from: from.clone(),
                national: NationalChange {
                    mean: diff(now.overall.mean, before.overall.mean),
                    median: diff(now.overall.median, before.overall.median),
                },
                agencies,
                threats: now
                    .threats
                    .iter()
                    .map(|(id, st)| {
                        let was = before.threats.get(id).and_then(|b| b.mean);
                        (id.clone(), diff(st.mean, was))
                    })
                    .collect(),
            },
        );
    }
    out
}

/// Each cycle's number in the frames (its index in `cycles`), by cycle text.
fn cycle_codes(cycles: &[Cycle]) -> BTreeMap<&str, u32> {
    cycles
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i as u32))
        .collect()
}

/// Crosswalk views: per agency, the plain mean of the levels of the questions tagged with
/// a reference or one below it (unanswered 0, N/A left out); then the mean over agencies.
fn crosswalk(
    framework: &Framework,
    cycles: &[Cycle],
    scores: &[&AgencyScore],
) -> PolarsResult<Crosswalk> {
    let index = RefIndex::new(framework, None);
    let ref_names = &index.refs;
    let cycle_code = cycle_codes(cycles);

    // The per-agency mean is the one rule of every crosswalk view (`RefIndex::means`,
    // also behind `AgencyScore::threats`); the frame holds one row per agency and
    // reference.
    let (mut cycle_col, mut ref_col, mut mean_col) = (Vec::new(), Vec::new(), Vec::new());
    for s in scores {
        let cycle = cycle_code.get(s.cycle.as_str()).copied().unwrap_or(0);
        for (code, m) in index.means(&s.answers).into_iter().enumerate() {
            if let Some(m) = m {
                cycle_col.push(cycle);
                ref_col.push(code as u32);
                mean_col.push(m);
            }
        }
    }
    let frame = DataFrame::new(
        cycle_col.len(),
        vec![
            Column::new("cycle".into(), cycle_col),
            Column::new("ref".into(), ref_col),
            Column::new("level".into(), mean_col),
        ],
    )?;
    let means = frame
        .lazy()
        .group_by([col("cycle"), col("ref")])
        // The values, averaged by `ordered_mean` as in stat_exprs, so the mean is the same
        // on every run.
        .agg([col("level").alias("levels")])
        .collect()?;
    let (cycle_col, ref_col) = (means.column("cycle")?.u32()?, means.column("ref")?.u32()?);
    let levels = means.column("levels")?.list()?;
    let mut out = Crosswalk::new();
    for i in 0..means.height() {
        let (Some(c), Some(r), Some(m)) = (
            cycle_col.get(i),
            ref_col.get(i),
            ordered_mean(levels.get_as_series(i))?,
        ) else {
            continue;
        };
        let (Some(cycle), Some((scheme, id))) = (cycles.get(c as usize), ref_names.get(r as usize))
        else {
            continue;
        };
        out.entry(scheme.clone())
            .or_default()
            .entry(cycle.clone())
            .or_default()
            .insert(id.clone(), m);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::score_all;
    use crate::score::tests::{golden, submission};
    use crate::workbook::{Answer, Status};
    use proptest::prelude::*;
    use Answer::{Level as L, NotApplicable as NA, Unanswered as U};

    fn close(a: Option<f64>, b: f64) {
        let a = a.expect("a value");
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    #[test]
    fn ancestors_of_references() {
        assert_eq!(ref_ancestors("GV.OC-01"), ["GV", "GV.OC", "GV.OC-01"]);
        assert_eq!(ref_ancestors("GV"), ["GV"]);
        assert_eq!(ref_ancestors("D3.1"), ["D3", "D3.1"]);
        assert_eq!(
            ref_ancestors("capacity-development"),
            ["capacity-development"]
        );
    }

    #[test]
    fn national_statistics_by_hand() {
        let fw = golden();
        // Four agencies at a flat 1, 2, 3, 4 (overall = that level), target 2.
        let subs: Vec<_> = (1..=4u8)
            .map(|l| submission(&format!("A{l}"), "ministry", "2026", &[L(l); 6]))
            .collect();
        let scores = score_all(&fw, &subs, None);
        let n = aggregate(&fw, &scores, &subs, None);
        let c = &n.cycles[&Cycle::from("2026")];
        assert_eq!(c.overall.count, 4);
        close(c.overall.mean, 2.5);
        close(c.overall.median, 2.5);
        // linear: position 0.25 * 3 = 0.75 between 1 and 2
        close(c.overall.p25, 1.75);
        close(c.overall.p75, 3.25);
        close(c.overall.min, 1.0);
        close(c.overall.max, 4.0);
        close(c.overall.at_or_above_target, 0.75);
        close(c.index.mean, 62.5);
        close(c.index.p25, 43.75);
        close(c.index.at_or_above_target, 0.75);
        close(c.domains["D2"].median, 2.5);
        close(c.categories["D1.B"].max, 4.0);
        close(c.questions["D2.C-02"].mean, 2.5);
        close(c.sectors["ministry"].overall.mean, 2.5);
        assert_eq!(c.sectors["ministry"].domains["D1"].count, 4);
        close(c.response_rate, 1.0);
        assert!(c.missing.is_empty());
    }

    #[test]
    fn uneven_quantiles_and_na_counts() {
        let fw = golden();
        let subs = vec![
            submission("A", "ministry", "2026", &[L(0), L(0), NA, NA, L(0), L(0)]),
            submission("B", "energy", "2026", &[L(1), L(1), L(1), L(1), L(1), L(1)]),
            submission("C", "energy", "2026", &[L(4), L(4), L(4), L(4), L(4), L(4)]),
        ];
        let scores = score_all(&fw, &subs, None);
        let c = &aggregate(&fw, &scores, &subs, None).cycles[&Cycle::from("2026")];
        close(c.overall.p25, 0.5);
        close(c.overall.p75, 2.5);
        // A's D1.B is not applicable: left out of the count, not counted as 0.
        assert_eq!(c.categories["D1.B"].count, 2);
        close(c.categories["D1.B"].mean, 2.5);
        assert_eq!(c.questions["D1.B-01"].count, 2);
        // Targets: A (ministry, 2) at 0 misses, B (energy, 3) at 1 misses, C at 4 meets.
        close(c.overall.at_or_above_target, 1.0 / 3.0);
        close(c.sectors["energy"].overall.at_or_above_target, 0.5);
        assert_eq!(c.sectors["ministry"].overall.count, 1);
    }

    #[test]
    fn response_rate_with_and_without_registry() {
        let fw = golden();
        let mut rejected = submission("R", "ministry", "2026", &[]);
        rejected.status = Status::Rejected;
        let mut unreadable = submission("X", "ministry", "2026", &[]);
        unreadable.status = Status::Rejected;
        unreadable.profile.agency_id = None;
        let subs = vec![
            submission("A", "ministry", "2026", &[L(3); 6]),
            rejected,
            unreadable,
        ];
        let scores = score_all(&fw, &subs, None);
        let c = &aggregate(&fw, &scores, &subs, None).cycles[&Cycle::from("2026")];
        // Expected: A and R (readable Profiles); X had no readable agency id.
        assert_eq!((c.scored, c.expected), (1, 2));
        close(c.response_rate, 0.5);
        assert_eq!(c.missing, ["R"]);

        let reg = crate::registry::parse_registry(
            "agency_id,name_en,name_km,sector\nA,a,,ministry\nB,b,,ministry\nC,c,,ministry\nR,r,,ministry\n"
                .as_bytes(),
            "r.csv",
        )
        .unwrap();
        let scores = score_all(&fw, &subs, Some(&reg));
        let c = &aggregate(&fw, &scores, &subs, Some(&reg)).cycles[&Cycle::from("2026")];
        assert_eq!((c.scored, c.expected), (1, 4));
        close(c.response_rate, 0.25);
        assert_eq!(c.missing, ["B", "C", "R"]);
    }

    #[test]
    fn trends_compare_with_the_previous_cycle() {
        let fw = golden();
        let subs = vec![
            submission("A", "ministry", "9", &[L(1); 6]),
            submission("B", "ministry", "9", &[L(3); 6]),
            submission("A", "ministry", "10", &[L(2), L(2), NA, NA, L(2), L(2)]),
            submission("C", "ministry", "10", &[L(4); 6]),
            submission("A", "ministry", "11", &[L(4); 6]),
        ];
        let scores = score_all(&fw, &subs, None);
        let n = aggregate(&fw, &scores, &subs, None);
        assert!(!n.trends.contains_key(&Cycle::from("9")));
        let t = &n.trends[&Cycle::from("10")];
        assert_eq!(t.from, "9");
        // mean 2 -> 3, median 2 -> 3
        close(t.national.mean, 1.0);
        close(t.national.median, 1.0);
        assert_eq!(t.agencies.keys().collect::<Vec<_>>(), ["A"]);
        let a = &t.agencies["A"];
        close(a.overall, 1.0);
        close(a.domains["D1"], 1.0);
        // D1.B is N/A in cycle 10: no change can be stated.
        assert_eq!(a.categories["D1.B"], None);
        assert_eq!(n.trends[&Cycle::from("11")].from, "10");
        close(n.trends[&Cycle::from("11")].agencies["A"].overall, 2.0);
    }

    #[test]
    fn crosswalk_by_hand() {
        let fw = golden();
        let subs = vec![
            submission("A", "ministry", "2026", &[L(4), L(2), L(1), U, L(3), NA]),
            submission("B", "ministry", "2026", &[L(0), NA, NA, NA, NA, NA]),
        ];
        let scores = score_all(&fw, &subs, None);
        let x = &aggregate(&fw, &scores, &subs, None).crosswalk;
        let csf = &x["CSF"][&Cycle::from("2026")];
        // A: GV = q1, q2, q5 -> (4 + 2 + 3)/3 = 3; B: GV = q1 -> 0. Mean 1.5.
        close(csf.get("GV").copied(), 1.5);
        // A: GV.OC = q1, q5 -> 3.5; B: q1 -> 0.
        close(csf.get("GV.OC").copied(), 1.75);
        close(csf.get("GV.OC-01").copied(), 2.0);
        // GV.RR-02 is q2 only: B is N/A there, so only A counts.
        close(csf.get("GV.RR").copied(), 2.0);
        close(csf.get("PR").copied(), 1.0);
        close(csf.get("PR.AA-01").copied(), 1.0);
        let gci = &x["GCI"][&Cycle::from("2026")];
        close(gci.get("legal").copied(), 2.0);
        close(gci.get("technical").copied(), 3.0);
        assert_eq!(gci.len(), 2);
    }

    /// Issue 18: readiness per threat is the crosswalk rule (per agency the plain mean of
    /// the tagged questions, unanswered 0, N/A left out; then the mean over agencies), in
    /// `crosswalk.THREAT`, the national and sector statistics and the trend.
    #[test]
    fn threat_readiness_by_hand() {
        let toml = include_str!("../tests/frameworks/golden-threats.toml");
        let fw = crate::framework::load_str(
            toml,
            crate::framework::Source::File("golden-threats.toml".into()),
        )
        .unwrap();
        // ddos: q1, q2 (weight 3, ignored by the plain mean), q4; ransomware: q3, q6.
        let subs = vec![
            submission("A", "ministry", "2025", &[L(1); 6]),
            submission("C", "energy", "2025", &[L(2); 6]),
            submission("A", "ministry", "2026", &[L(4), L(1), L(1), U, L(3), NA]),
            submission("B", "ministry", "2026", &[L(0), NA, NA, NA, NA, NA]),
            submission("C", "energy", "2026", &[U, L(3), L(2), L(4), L(2), L(2)]),
        ];
        let scores = score_all(&fw, &subs, None);
        let a = scores
            .iter()
            .find(|s| s.agency_id == "A" && s.cycle == "2026")
            .unwrap();
        // A: ddos (4 + 1 + 0) / 3, not the weighted (4 + 3 + 0) / 5; ransomware q3 = 1, q6 N/A.
        close(a.threats["ddos"], 5.0 / 3.0);
        close(a.threats["ransomware"], 1.0);
        let b = scores.iter().find(|s| s.agency_id == "B").unwrap();
        close(b.threats["ddos"], 0.0);
        // Every ransomware question N/A: no readiness, and B is left out of the mean.
        assert_eq!(b.threats["ransomware"], None);

        let n = aggregate(&fw, &scores, &subs, None);
        let x = &n.crosswalk["THREAT"][&Cycle::from("2026")];
        // ddos: (5/3 + 0 + 7/3) / 3 = 4/3; ransomware: (1 + 2) / 2 = 1.5.
        close(x.get("ddos").copied(), 4.0 / 3.0);
        close(x.get("ransomware").copied(), 1.5);
        assert_eq!(x.len(), 2);
        let c = &n.cycles[&Cycle::from("2026")];
        close(c.threats["ddos"].mean, 4.0 / 3.0);
        assert_eq!(
            c.threats["ddos"].mean,
            x.get("ddos").copied(),
            "one mean, one rule"
        );
        close(c.threats["ddos"].median, 5.0 / 3.0);
        assert_eq!(c.threats["ransomware"].count, 2);
        // Targets 2 (ministry) and 3 (energy): nobody reaches them on ddos.
        close(c.threats["ddos"].at_or_above_target, 0.0);
        close(c.sectors["ministry"].threats["ddos"].mean, 5.0 / 6.0);
        close(c.sectors["energy"].threats["ddos"].mean, 7.0 / 3.0);
        assert_eq!(c.sectors["ministry"].threats["ransomware"].count, 1);
        // 2025: ddos and ransomware (1 + 2) / 2 = 1.5.
        close(
            n.crosswalk["THREAT"][&Cycle::from("2025")]
                .get("ddos")
                .copied(),
            1.5,
        );
        let t = &n.trends[&Cycle::from("2026")];
        close(t.threats["ddos"], 4.0 / 3.0 - 1.5);
        close(t.threats["ransomware"], 0.0);
        close(t.agencies["A"].threats["ddos"], 5.0 / 3.0 - 1.0);
        close(t.agencies["C"].threats["ransomware"], 0.0);
        assert!(!t.agencies.contains_key("B"));
    }

    /// A framework without threat tags has no threat statistics anywhere.
    #[test]
    fn no_threat_tags_no_threats() {
        let fw = golden();
        let subs = vec![submission("A", "ministry", "2026", &[L(3); 6])];
        let scores = score_all(&fw, &subs, None);
        assert!(scores[0].threats.is_empty());
        let n = aggregate(&fw, &scores, &subs, None);
        assert!(n.cycles[&Cycle::from("2026")].threats.is_empty());
        assert!(!n.crosswalk.contains_key("THREAT"));
    }

    /// docs/methodology.md, "A worked example": every number printed there.
    #[test]
    fn worked_example_of_the_methodology() {
        let fw = crate::framework::load_str(
            include_str!("../tests/frameworks/worked-example.toml"),
            crate::framework::Source::File("worked-example.toml".into()),
        )
        .unwrap();
        let subs = vec![
            submission("MOP", "ministry", "2026", &[L(2), U, L(4), NA, L(2)]),
            submission("EDC", "energy", "2026", &[L(4), L(4), L(3), L(3), L(5)]),
        ];
        let scores = score_all(&fw, &subs, None);
        let (edc, mop) = (&scores[0], &scores[1]);
        close(mop.categories["PEO.AW"], 1.0);
        close(mop.categories["TEC.PR"], 4.0);
        close(mop.categories["TEC.DE"], 2.0);
        close(mop.domains["PEO"], 1.0);
        close(mop.domains["TEC"], 3.0);
        close(mop.overall, 2.5);
        close(mop.index, 50.0);
        assert_eq!((mop.tier, mop.target), (Some(2), 3));
        close(mop.completeness, 0.75);
        close(mop.overall_gap(), 0.5);
        let gaps: Vec<(&str, u8, f64)> = mop
            .gaps
            .iter()
            .map(|g| (g.question_id.as_str(), g.gap, g.priority))
            .collect();
        assert_eq!(
            gaps,
            [
                ("PEO.AW-02", 3, 3.0),
                ("TEC.DE-01", 1, 3.0),
                ("PEO.AW-01", 1, 1.0)
            ]
        );
        close(edc.categories["TEC.PR"], 3.0);
        close(edc.domains["TEC"], 4.0);
        close(edc.overall, 4.0);
        close(edc.index, 80.0);
        assert_eq!((edc.tier, edc.target), (Some(4), 4));
        let gaps: Vec<(&str, f64)> = edc
            .gaps
            .iter()
            .map(|g| (g.question_id.as_str(), g.priority))
            .collect();
        assert_eq!(gaps, [("TEC.PR-01", 6.0), ("TEC.PR-02", 3.0)]);

        let n = aggregate(&fw, &scores, &subs, None);
        let c = &n.cycles[&Cycle::from("2026")];
        close(c.overall.mean, 3.25);
        close(c.overall.median, 3.25);
        close(c.overall.p25, 2.875);
        close(c.overall.p75, 3.625);
        close(c.overall.at_or_above_target, 0.5);
        close(c.index.mean, 65.0);
        close(c.domains["PEO"].mean, 2.5);
        close(c.domains["TEC"].mean, 3.5);
        let csf = &n.crosswalk["CSF"][&Cycle::from("2026")];
        close(csf.get("PR").copied(), 2.75);
        close(csf.get("PR.AT").copied(), 2.5);
        close(csf.get("PR.PS").copied(), 3.5);
        close(csf.get("DE").copied(), 3.5);
    }

    #[test]
    fn empty_input_gives_empty_national() {
        let fw = golden();
        let n = aggregate(&fw, &[], &[], None);
        assert!(n.cycles.is_empty() && n.trends.is_empty());
    }

    fn answer_strategy() -> impl Strategy<Value = Answer> {
        prop_oneof![
            (0u8..=4).prop_map(Answer::Level),
            Just(Answer::Unanswered),
            Just(Answer::NotApplicable),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn order_of_rows_changes_nothing(
            sets in prop::collection::vec(prop::collection::vec(answer_strategy(), 6), 1..10),
            rotate in 0usize..10,
        ) {
            let fw = golden();
            let subs: Vec<_> = sets.iter().enumerate()
                .map(|(i, a)| submission(&format!("A{}", i / 2), if i % 3 == 0 { "energy" } else { "ministry" }, if i % 2 == 0 { "2025" } else { "2026" }, a))
                .collect();
            let scores = score_all(&fw, &subs, None);
            let mut shuffled = scores.clone();
            shuffled.reverse();
            let k = rotate % shuffled.len();
            shuffled.rotate_left(k);
            let mut subs_shuffled = subs.clone();
            subs_shuffled.rotate_left(rotate % subs.len());
            let a = aggregate(&fw, &scores, &subs, None);
            let b = aggregate(&fw, &shuffled, &subs_shuffled, None);
            prop_assert_eq!(&a, &b);
            for c in a.cycles.values() {
                for s in [&c.overall].into_iter().chain(c.domains.values()).chain(c.categories.values()) {
                    for v in [s.mean, s.median, s.p25, s.p75, s.min, s.max].into_iter().flatten() {
                        prop_assert!((0.0..=4.0).contains(&v));
                    }
                    if s.count > 0 {
                        prop_assert!(s.min <= s.p25 && s.p25 <= s.median && s.median <= s.p75 && s.p75 <= s.max);
                    }
                }
            }
        }
    }
}
