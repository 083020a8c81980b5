//! The data the templates see: plain serialisable structs built from the pipeline's types
//! (framework, registry, submissions, scores, national aggregates), already translated into
//! the report language and sorted, so templates only lay things out.
//!
//! Numbers stay full-precision f64 here; rounding happens in the templates' display filters.
//! Optional values stay `None` (never a sentinel) so a template cannot mistake "no data"
//! for zero.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::aggregate::{CycleSummary, Stats};
use crate::cycle::Cycle;
use crate::framework::Framework;
use crate::lang::Lang;
pub use crate::score::latest_cycle;
use crate::score::{
    is_above, reaches, tier_of, AgencyScore, Assurance, Change, FlagKind, RefIndex, THREAT_SCHEME,
};
use crate::verify::FileStatus;
pub use crate::verify::KappaBand;
use crate::workbook::{Answer, Status, Submission};

use super::ReportInput;

mod plans;
pub use plans::{AgencyPlans, NationalPlanRow, NationalPlans, ProgressRow, ProgressView};

/// How many questions the national report lists as weakest, and the brief as priorities.
const WEAKEST_QUESTIONS: usize = 10;
const BRIEF_PRIORITIES: usize = 5;
/// How many agencies the national report names as least ready for each threat.
const LEAST_READY: usize = 3;
/// How many rules the national report lists as most often violated.
pub const MOST_VIOLATED: usize = 5;

#[derive(Clone, Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct FrameworkInfo {
    pub id: String,
    pub version: String,
    pub sha256: String,
    pub title: String,
    pub source: String,
    pub max_level: u8,
    pub default_target: u8,
    pub questions: usize,
    pub domains: usize,
    pub categories: usize,
    /// Whether any question carries a `CSF:` tag; without, the national report has no
    /// CSF view (an imported framework, csirt-maturity).
    pub has_csf: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ScaleEntry {
    pub level: u8,
    pub label: String,
    pub description: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct InputFile {
    pub file: String,
    pub sha256: String,
    /// A submission's status (`scored`, `duplicate`, `rejected`), a returned plan's
    /// (`used`, `duplicate`, `rejected`) or a returned verification workbook's (`verified`
    /// for a used one, `duplicate`, `rejected`); the templates word it (`t.status_<status>`).
    pub status: &'static str,
    pub agency_id: Option<String>,
    pub cycle: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Provenance {
    pub inputs: Vec<InputFile>,
    /// sha256 over the sorted `sha256  file` lines of every input: one value that pins the
    /// whole input set, printed where the full list would not fit (agency reports, brief).
    pub inputs_digest: String,
    pub registry_sha256: Option<String>,
    /// How far the framework's texts in the report language can be trusted; printed in the
    /// provenance. `None` in an English report whose framework declares nothing for English
    /// (English is the language the frameworks are written in).
    pub translation: Option<Translation>,
}

/// The framework's `[framework] translations.<lang>` for the report language.
#[derive(Clone, Debug, Serialize)]
pub struct Translation {
    pub lang: String,
    /// Whether the framework declares a status for the language at all.
    pub declared: bool,
    pub reviewed: bool,
    pub by: Option<String>,
    pub on: Option<String>,
}

impl Translation {
    /// The status of `fw`'s texts in `lang`, when a report in `lang` should print it.
    pub fn of(fw: &Framework, lang: Lang) -> Option<Translation> {
        let code = lang.code();
        let status = fw.translations.get(code);
        if status.is_none() && lang == Lang::En {
            return None;
        }
        Some(Translation {
            lang: code.to_string(),
            declared: status.is_some(),
            reviewed: status.is_some_and(|s| s.reviewed),
            by: status
                .and_then(|s| s.by.clone())
                .filter(|b| !b.trim().is_empty()),
            on: status
                .and_then(|s| s.on.clone())
                .filter(|o| !o.trim().is_empty()),
        })
    }
}

/// What every report shares.
#[derive(Clone, Debug, Serialize)]
pub struct Common {
    pub lang: Lang,
    pub tool: Tool,
    pub framework: FrameworkInfo,
    pub scale: Vec<ScaleEntry>,
    pub cycle: Cycle,
    pub previous_cycle: Option<Cycle>,
    pub provenance: Provenance,
}

#[derive(Clone, Debug, Serialize)]
pub struct NamedAgency {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub scored: usize,
    pub expected: usize,
    pub response_rate: Option<f64>,
    pub missing: Vec<NamedAgency>,
    pub index: Option<f64>,
    pub overall_mean: Option<f64>,
    pub overall_median: Option<f64>,
    pub tier: Option<u8>,
    pub tier_label: Option<String>,
    pub at_target: Option<f64>,
    pub rejected: usize,
    pub duplicates: usize,
    pub change_mean: Option<f64>,
    pub change_median: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DomainRow {
    pub id: String,
    pub name: String,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub p25: Option<f64>,
    pub p75: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Mean target of the scored agencies (targets differ by sector).
    pub target: Option<f64>,
    pub at_target: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RankRow {
    pub rank: usize,
    pub id: String,
    pub name: String,
    pub sector: String,
    pub overall: Option<f64>,
    pub index: Option<f64>,
    pub tier_label: Option<String>,
    pub target: u8,
    pub at_target: bool,
    pub change: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SectorRow {
    pub id: String,
    pub name: String,
    pub count: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub target: u8,
    pub at_target: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TrendRow {
    pub id: String,
    pub name: String,
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub change: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TrendView {
    pub from: Cycle,
    pub mean_change: Option<f64>,
    pub median_change: Option<f64>,
    pub improved: usize,
    pub declined: usize,
    pub unchanged: usize,
    pub agencies: Vec<TrendRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct QuestionRow {
    pub id: String,
    pub text: String,
    pub domain: String,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub below_target: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RefRow {
    pub id: String,
    pub name: String,
    pub value: f64,
}

/// An agency named in a threat's least-ready list.
#[derive(Clone, Debug, Serialize)]
pub struct ThreatAgency {
    pub id: String,
    pub name: String,
    pub sector: String,
    pub score: f64,
}

/// One threat nationally: readiness (the crosswalk mean over agencies), its distribution,
/// its change since the previous cycle, the weakest question behind it, the readiness per
/// sector (in the order of [`NationalContext::sectors`]) and the least ready agencies.
#[derive(Clone, Debug, Serialize)]
pub struct ThreatRow {
    pub id: String,
    pub name: String,
    /// Number of questions tagged with the threat.
    pub questions: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub at_target: Option<f64>,
    /// Mean target of the scored agencies, as for the domains.
    pub target: Option<f64>,
    pub change: Option<f64>,
    /// Whether the mean reaches the mean target (the chart's bar colour).
    pub mean_at_target: bool,
    /// The tagged question with the lowest national mean level (ties by question id).
    pub weakest: Option<QuestionRow>,
    pub sectors: Vec<Option<f64>>,
    pub least_ready: Vec<ThreatAgency>,
}

/// One threat in an agency report: the agency's readiness against the national median,
/// with the same fields as a domain (gap = target − score; negative means above target).
pub type AgencyThreat = AgencyDomain;

/// Threat names in the report language (`threat_names` in strings.toml) and the heading
/// of the chart's change column.
#[derive(Clone, Debug, Default)]
pub struct ThreatWords {
    pub names: BTreeMap<String, String>,
    pub change_since: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct DiagnosticRow {
    pub location: String,
    pub message: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RejectRow {
    pub file: String,
    pub agency_id: Option<String>,
    pub cycle: Option<String>,
    pub errors: Vec<DiagnosticRow>,
}

/// The national "Data quality and assurance" section (SPEC section 9).
#[derive(Clone, Debug, Serialize)]
pub struct AssuranceView {
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    /// The mean of the agencies' unsupported shares.
    pub unsupported_share: Option<f64>,
    /// Rules violated by at least one agency, most often first, at most [`MOST_VIOLATED`].
    pub rules: Vec<RuleRow>,
    /// Every rule of the framework, so the section can say there are none.
    pub rule_count: usize,
    /// The agencies of low confidence, by name.
    pub low_confidence: Vec<LowConfidence>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RuleRow {
    pub id: String,
    pub text: String,
    pub agencies: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct LowConfidence {
    pub id: String,
    pub name: String,
    pub sector: String,
    pub unsupported_share: f64,
    /// The kinds of its flags other than `unsupported_claim`, in SPEC order (`straight_line`).
    pub kinds: Vec<FlagKind>,
}

/// An agency's assurance in its report: what a reviewer would check, cell by cell.
#[derive(Clone, Debug, Serialize)]
pub struct AgencyAssurance {
    /// `high`, `medium` or `low`; templates word it (`t.confidence_names`).
    pub confidence: crate::score::Confidence,
    pub unsupported_share: f64,
    /// The level from which an answer needs evidence.
    pub evidence_from: u8,
    pub flags: Vec<FlagRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FlagRow {
    pub kind: FlagKind,
    /// What is specific to this flag in the report language: the rule's text, the other
    /// agencies' names, or (English reports) the flag's message; `None` where the kind's
    /// general explanation (`t.flag_details`) says it all.
    pub detail: Option<String>,
    pub questions: Vec<String>,
    pub cells: Vec<String>,
}

/// Role (`radar`, `heatmap`) -> root-relative paths of the chart's SVG parts (`/charts/x.svg`);
/// empty when the report has no such chart.
pub type Charts = BTreeMap<String, Vec<String>>;

#[derive(Clone, Debug, Serialize)]
pub struct NationalContext {
    #[serde(flatten)]
    pub common: Common,
    pub summary: Summary,
    pub domains: Vec<DomainRow>,
    pub ranking: Vec<RankRow>,
    pub sectors: Vec<SectorRow>,
    pub trend: Option<TrendView>,
    pub weakest: Vec<QuestionRow>,
    pub csf: Vec<RefRow>,
    /// Readiness by threat; empty when the framework has no `THREAT:` tags.
    pub threats: Vec<ThreatRow>,
    /// `None` when assurance was not computed.
    pub assurance: Option<AssuranceView>,
    /// `None` without `--verification`.
    pub verification: Option<VerificationView>,
    /// `None` when no returned plans were read.
    pub plans: Option<NationalPlans>,
    pub rejected: Vec<RejectRow>,
    pub charts: Charts,
}

/// Which way self-assessment ran against verification (the sign of `inflation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Claimed levels above verified ones.
    Above,
    Below,
    Same,
}

impl Direction {
    pub fn of(inflation: f64) -> Direction {
        match Change::of(inflation) {
            Change::Improved => Direction::Above,
            Change::Declined => Direction::Below,
            Change::Unchanged => Direction::Same,
        }
    }
}

/// The agreement figures shared by the national section and the agency report.
#[derive(Clone, Debug, Serialize)]
pub struct AgreementView {
    pub pairs: usize,
    pub exact: Option<f64>,
    pub within_one: Option<f64>,
    pub inflation: Option<f64>,
    pub kappa: Option<f64>,
    pub kappa_band: Option<KappaBand>,
    pub direction: Option<Direction>,
}

impl AgreementView {
    fn of(a: &crate::verify::Agreement) -> AgreementView {
        AgreementView {
            pairs: a.pairs,
            exact: a.exact,
            within_one: a.within_one,
            inflation: a.inflation,
            kappa: a.kappa,
            kappa_band: a.kappa.map(KappaBand::of),
            direction: a.inflation.map(Direction::of),
        }
    }
}

/// The national "Verification" section (SPEC section 10).
#[derive(Clone, Debug, Serialize)]
pub struct VerificationView {
    /// Agencies of the cycle with a used verification workbook (with or without pairs).
    pub agencies: usize,
    #[serde(flatten)]
    pub agreement: AgreementView,
    /// The mean of the verified agencies' overall with verified levels, and of their own.
    pub verified_overall: Option<f64>,
    pub claimed_overall: Option<f64>,
    /// verified_overall − claimed_overall.
    pub overall_change: Option<f64>,
    pub domains: Vec<VerificationDomain>,
    /// The verified agencies, by name.
    pub verified: Vec<VerifiedAgency>,
    /// Rejected verification workbooks, for the annex.
    pub rejected: Vec<RejectRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct VerificationDomain {
    pub id: String,
    pub name: String,
    pub pairs: usize,
    pub claimed: Option<f64>,
    pub verified: Option<f64>,
    pub inflation: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct VerifiedAgency {
    pub id: String,
    pub name: String,
    pub sector: String,
    pub pairs: usize,
    pub exact: Option<f64>,
    pub kappa: Option<f64>,
    pub overall: Option<f64>,
    pub verified_overall: Option<f64>,
}

/// A verified agency's own report: its verified overall beside its own, the agreement,
/// and the questions whose verified level differs from the claim.
#[derive(Clone, Debug, Serialize)]
pub struct AgencyVerificationView {
    #[serde(flatten)]
    pub agreement: AgreementView,
    pub verified_overall: Option<f64>,
    pub verified_tier: Option<u8>,
    /// verified_overall − the agency's own overall.
    pub overall_change: Option<f64>,
    pub differences: Vec<PairRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PairRow {
    pub id: String,
    pub text: String,
    pub claimed: u8,
    pub verified: u8,
}

#[derive(Clone, Debug, Serialize)]
pub struct AgencyDomain {
    pub id: String,
    pub name: String,
    pub score: Option<f64>,
    pub median: Option<f64>,
    pub gap: Option<f64>,
    pub change: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AgencyCategory {
    pub id: String,
    pub name: String,
    pub domain: String,
    pub score: Option<f64>,
    pub median: Option<f64>,
    pub gap: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct GapRow {
    pub rank: usize,
    pub id: String,
    pub text: String,
    pub level: Option<u8>,
    pub gap: u8,
    pub priority: f64,
    pub next_level: u8,
    pub next_label: String,
    pub guidance: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct EvidenceRow {
    pub id: String,
    /// The level answered; `None` for N/A (`not_applicable`) and unanswered questions.
    pub level: Option<u8>,
    pub not_applicable: bool,
    pub evidence: Option<String>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AgencyInfo {
    pub id: String,
    pub name: String,
    pub sector: String,
    pub sector_name: String,
    pub overall: Option<f64>,
    pub index: Option<f64>,
    /// The score's tier (SPEC section 5), as in scores.json.
    pub tier: Option<u8>,
    pub tier_label: Option<String>,
    pub target: u8,
    pub target_label: String,
    pub at_target: bool,
    pub completeness: Option<f64>,
    pub sector_rank: Option<usize>,
    pub sector_size: usize,
    pub national_median: Option<f64>,
    pub file: String,
    pub sha256: Option<String>,
    pub change: Option<f64>,
    pub previous_overall: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AgencyContext {
    #[serde(flatten)]
    pub common: Common,
    pub agency: AgencyInfo,
    pub domains: Vec<AgencyDomain>,
    pub categories: Vec<AgencyCategory>,
    /// The highest-priority gaps, at most [`AGENCY_GAP_LIMIT`].
    pub gaps: Vec<GapRow>,
    /// How many further questions are below target (listed in full in scores.json).
    pub gaps_more: usize,
    pub evidence: Vec<EvidenceRow>,
    pub threats: Vec<AgencyThreat>,
    /// `None` when assurance was not computed.
    pub assurance: Option<AgencyAssurance>,
    /// `None` when the agency was not verified in the report's cycle.
    pub verification: Option<AgencyVerificationView>,
    pub plans: AgencyPlans,
    pub charts: Charts,
}

/// A weak agency can be below target on most of the framework; a gap list of 80 rows buries
/// the priorities, so the report shows the first ones and counts the rest.
pub const AGENCY_GAP_LIMIT: usize = 20;

#[derive(Clone, Debug, Serialize)]
pub struct BriefContext {
    #[serde(flatten)]
    pub common: Common,
    pub summary: Summary,
    pub domains: Vec<DomainRow>,
    pub priorities: Vec<QuestionRow>,
    pub threats: Vec<ThreatRow>,
    pub charts: Charts,
}

/// Everything computed once per run and shared by the three kinds of report.
pub struct Prepared<'a> {
    pub input: &'a ReportInput<'a>,
    pub lang: Lang,
    pub common: Common,
    pub cycle: Cycle,
    pub summary: Option<&'a CycleSummary>,
    /// Scores of the report cycle, sorted by agency id.
    pub scores: Vec<&'a AgencyScore>,
    pub previous: BTreeMap<String, &'a AgencyScore>,
    /// Sector id -> display name in the report language.
    pub sector_names: BTreeMap<String, String>,
    /// The framework's `THREAT:` tags (the same index the scores were computed with).
    pub threat_index: RefIndex,
    /// Each scored agency's assurance in the report cycle, by agency id.
    pub assurance: BTreeMap<String, &'a Assurance>,
    pub threat_words: ThreatWords,
}

fn sector_name(sectors: &BTreeMap<String, String>, id: &str) -> String {
    sectors.get(id).cloned().unwrap_or_else(|| id.to_string())
}

impl<'a> Prepared<'a> {
    pub fn new(
        input: &'a ReportInput<'a>,
        lang: Lang,
        cycle: Cycle,
        sector_names: BTreeMap<String, String>,
        threat_words: ThreatWords,
    ) -> Prepared<'a> {
        let fw = input.framework;
        let previous_cycle = input
            .national
            .trends
            .get(&cycle)
            .map(|t| t.from.clone())
            .or_else(|| {
                input
                    .scores
                    .iter()
                    .map(|s| &s.cycle)
                    .filter(|c| **c < cycle)
                    .max()
                    .cloned()
            });
        let mut scores: Vec<&AgencyScore> =
            input.scores.iter().filter(|s| s.cycle == cycle).collect();
        scores.sort_by(|a, b| a.agency_id.cmp(&b.agency_id));
        let previous = match &previous_cycle {
            Some(p) => input
                .scores
                .iter()
                .filter(|s| &s.cycle == p)
                .map(|s| (s.agency_id.clone(), s))
                .collect(),
            None => BTreeMap::new(),
        };
        let mut inputs: Vec<InputFile> = input
            .submissions
            .iter()
            .map(|s| InputFile {
                file: s.file.clone(),
                sha256: s.sha256.clone(),
                status: s.status.as_str(),
                agency_id: s.agency_id().map(str::to_string),
                cycle: s.cycle().map(str::to_string),
            })
            .collect();
        let plan_files = input.plans.map_or(&[][..], |p| &p.files);
        inputs.extend(plan_files.iter().map(|f| InputFile {
            file: f.file.clone(),
            sha256: f.sha256.clone(),
            status: f.status.as_str(),
            agency_id: f.agency_id.clone(),
            cycle: f.cycle.clone(),
        }));
        let verification_files = input.verification.map_or(&[][..], |v| &v.files);
        inputs.extend(verification_files.iter().map(|f| InputFile {
            file: f.file.clone(),
            sha256: f.sha256.clone(),
            status: match f.status {
                FileStatus::Used => "verified",
                FileStatus::Duplicate => "duplicate",
                FileStatus::Rejected => "rejected",
            },
            agency_id: f.agency_id.clone(),
            cycle: f.cycle.clone(),
        }));
        inputs.sort_by(|a, b| a.file.cmp(&b.file));
        let listing: String = inputs
            .iter()
            .map(|i| format!("{}  {}\n", i.sha256, i.file))
            .collect();
        let common = Common {
            lang,
            tool: Tool {
                name: "posture",
                version: crate::VERSION,
            },
            framework: FrameworkInfo {
                id: fw.id.clone(),
                version: fw.version.clone(),
                sha256: fw.sha256.clone(),
                title: fw.title.get(lang.code()).to_string(),
                source: fw.source.to_string(),
                max_level: fw.max_level(),
                default_target: fw.default_target,
                questions: fw.questions.len(),
                domains: fw.domains.len(),
                categories: fw.categories.len(),
                has_csf: fw.ref_schemes().iter().any(|s| s == "CSF"),
            },
            scale: fw
                .scale
                .iter()
                .map(|s| ScaleEntry {
                    level: s.level,
                    label: s.label.get(lang.code()).to_string(),
                    description: s
                        .description
                        .as_ref()
                        .map(|d| d.get(lang.code()).to_string()),
                })
                .collect(),
            cycle: cycle.clone(),
            previous_cycle,
            provenance: Provenance {
                inputs,
                inputs_digest: crate::framework::sha256_hex(listing.as_bytes()),
                registry_sha256: input.registry.map(|r| r.sha256.clone()),
                translation: Translation::of(fw, lang),
            },
        };
        let assurance = input
            .scores
            .iter()
            .zip(input.assurance)
            .filter(|(s, _)| s.cycle == cycle)
            .map(|(s, a)| (s.agency_id.clone(), a))
            .collect();
        Prepared {
            input,
            lang,
            common,
            summary: input.national.cycles.get(&cycle),
            cycle,
            scores,
            previous,
            sector_names,
            threat_index: RefIndex::new(fw, Some(THREAT_SCHEME)),
            assurance,
            threat_words,
        }
    }

    /// The report cycle's score of agency `id` (`scores` is sorted by agency id).
    pub fn score_of(&self, id: &str) -> Option<&'a AgencyScore> {
        let i = self
            .scores
            .binary_search_by(|s| s.agency_id.as_str().cmp(id))
            .ok()?;
        Some(self.scores[i])
    }

    fn fw(&self) -> &'a Framework {
        self.input.framework
    }

    /// The agency's display name: the registry's in the report language, else the Profile's.
    pub fn agency_name(&self, id: &str, fallback: &str) -> String {
        match self.input.registry.and_then(|r| r.get(id)) {
            Some(a) => a.name(self.lang.code()).to_string(),
            None if fallback.is_empty() => id.to_string(),
            None => fallback.to_string(),
        }
    }

    fn tier_label(&self, tier: Option<u8>) -> Option<String> {
        tier.map(|t| self.fw().level_label(t, self.lang.code()).to_string())
    }

    pub fn summary(&self) -> Summary {
        let empty = CycleSummary::default();
        let cs = self.summary.unwrap_or(&empty);
        let missing = cs
            .missing
            .iter()
            .map(|id| NamedAgency {
                id: id.clone(),
                name: self.agency_name(id, ""),
            })
            .collect();
        let in_cycle = |s: &&Submission| s.cycle() == Some(self.cycle.as_str());
        let trend = self.input.national.trends.get(&self.cycle);
        let national_tier = cs.overall.mean.map(|o| tier_of(o, self.fw().max_level()));
        Summary {
            scored: self.scores.len(),
            expected: cs.expected,
            response_rate: cs.response_rate,
            missing,
            index: cs.index.mean,
            overall_mean: cs.overall.mean,
            overall_median: cs.overall.median,
            tier: national_tier,
            tier_label: self.tier_label(national_tier),
            at_target: cs.overall.at_or_above_target,
            rejected: self
                .input
                .submissions
                .iter()
                .filter(|s| s.status == Status::Rejected)
                .count(),
            duplicates: self
                .input
                .submissions
                .iter()
                .filter(in_cycle)
                .filter(|s| s.status == Status::Duplicate)
                .count(),
            change_mean: trend.and_then(|t| t.national.mean),
            change_median: trend.and_then(|t| t.national.median),
        }
    }

    fn mean_target(&self) -> Option<f64> {
        if self.scores.is_empty() {
            None
        } else {
            let sum: f64 = self.scores.iter().map(|s| f64::from(s.target)).sum();
            Some(sum / self.scores.len() as f64)
        }
    }

    pub fn domains(&self) -> Vec<DomainRow> {
        let target = self.mean_target();
        self.fw()
            .domains
            .iter()
            .map(|d| {
                let st = self
                    .summary
                    .and_then(|cs| cs.domains.get(&d.id))
                    .cloned()
                    .unwrap_or_default();
                DomainRow {
                    id: d.id.clone(),
                    name: d.name.get(self.lang.code()).to_string(),
                    mean: st.mean,
                    median: st.median,
                    p25: st.p25,
                    p75: st.p75,
                    min: st.min,
                    max: st.max,
                    target,
                    at_target: st.at_or_above_target,
                }
            })
            .collect()
    }

    fn change_of(&self, s: &AgencyScore) -> Option<f64> {
        let prev = self.previous.get(&s.agency_id)?;
        Some(s.overall? - prev.overall?)
    }

    /// Every scored agency, best first (ties by id); agencies with no overall score last.
    pub fn ranking(&self) -> Vec<RankRow> {
        let mut order: Vec<&AgencyScore> = self.scores.clone();
        order.sort_by(|a, b| desc_score(a.overall, b.overall).then(a.agency_id.cmp(&b.agency_id)));
        let mut rows = Vec::with_capacity(order.len());
        let mut rank = 0;
        let mut last: Option<Option<f64>> = None;
        for (i, s) in order.iter().enumerate() {
            // Scores closer than the tolerance share a rank, as in the sector rank.
            let tied = match (last, s.overall) {
                (Some(Some(prev)), Some(cur)) => !is_above(prev, cur),
                (Some(None), None) => true,
                _ => false,
            };
            if !tied {
                rank = i + 1;
            }
            last = Some(s.overall);
            rows.push(RankRow {
                rank,
                id: s.agency_id.clone(),
                name: self.agency_name(&s.agency_id, &s.agency_name),
                sector: sector_label(self, &s.sector),
                overall: s.overall,
                index: s.index,
                tier_label: self.tier_label(s.tier),
                target: s.target,
                at_target: s.meets_target().unwrap_or(false),
                change: self.change_of(s),
            });
        }
        rows
    }

    pub fn sectors(&self) -> Vec<SectorRow> {
        let Some(cs) = self.summary else {
            return Vec::new();
        };
        cs.sectors
            .iter()
            .map(|(id, sec)| SectorRow {
                id: id.clone(),
                name: sector_label(self, id),
                count: sec.overall.count,
                mean: sec.overall.mean,
                median: sec.overall.median,
                target: self.fw().target_for(id),
                at_target: sec.overall.at_or_above_target,
            })
            .collect()
    }

    pub fn trend(&self) -> Option<TrendView> {
        let from = self.common.previous_cycle.clone()?;
        let national = self.input.national.trends.get(&self.cycle);
        let mut agencies: Vec<TrendRow> = self
            .scores
            .iter()
            .filter_map(|s| {
                let prev = self.previous.get(&s.agency_id)?;
                Some(TrendRow {
                    id: s.agency_id.clone(),
                    name: self.agency_name(&s.agency_id, &s.agency_name),
                    from: prev.overall,
                    to: s.overall,
                    change: self.change_of(s),
                })
            })
            .collect();
        agencies.sort_by(|a, b| desc_score(a.change, b.change).then(a.id.cmp(&b.id)));
        let count =
            |f: &dyn Fn(f64) -> bool| agencies.iter().filter(|r| r.change.is_some_and(f)).count();
        Some(TrendView {
            mean_change: national.and_then(|t| t.national.mean),
            median_change: national.and_then(|t| t.national.median),
            improved: count(&|c| Change::of(c) == Change::Improved),
            declined: count(&|c| Change::of(c) == Change::Declined),
            unchanged: count(&|c| Change::of(c) == Change::Unchanged),
            from,
            agencies,
        })
    }

    fn question_row(&self, qi: usize, st: &Stats) -> QuestionRow {
        let q = &self.fw().questions[qi];
        QuestionRow {
            id: q.id.clone(),
            text: q.text.get(self.lang.code()).to_string(),
            domain: self.fw().domains[q.domain_index]
                .name
                .get(self.lang.code())
                .to_string(),
            mean: st.mean,
            median: st.median,
            below_target: st.at_or_above_target.map(|s| 1.0 - s),
        }
    }

    /// The threats of the framework in display order ([`crate::score::KNOWN_THREATS`], then by id), as
    /// (code in [`Prepared::threat_index`], id).
    fn threat_codes(&self) -> Vec<(usize, &str)> {
        let mut codes: Vec<(usize, &str)> = self
            .threat_index
            .refs
            .iter()
            .enumerate()
            .map(|(i, (_, id))| (i, id.as_str()))
            .collect();
        let rank = |id: &str| {
            crate::score::KNOWN_THREATS
                .iter()
                .position(|t| *t == id)
                .unwrap_or(usize::MAX)
        };
        codes.sort_by(|a, b| rank(a.1).cmp(&rank(b.1)).then(a.1.cmp(b.1)));
        codes
    }

    fn threat_name(&self, id: &str) -> String {
        self.threat_words
            .names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// Readiness by threat for the cycle (issue 18); empty without `THREAT:` tags. The
    /// numbers are the aggregate's (`CycleSummary::threats`, the crosswalk rule); this only
    /// picks the weakest question and the least ready agencies.
    pub fn threats(&self) -> Vec<ThreatRow> {
        let target = self.mean_target();
        let trend = self.input.national.trends.get(&self.cycle);
        let sectors: Vec<String> = self
            .summary
            .map(|cs| cs.sectors.keys().cloned().collect())
            .unwrap_or_default();
        self.threat_codes()
            .into_iter()
            .map(|(code, id)| {
                let st = self
                    .summary
                    .and_then(|cs| cs.threats.get(id))
                    .cloned()
                    .unwrap_or_default();
                let tagged = self.threat_index.questions(code);
                let weakest = self.summary.and_then(|cs| {
                    tagged
                        .iter()
                        .filter_map(|&qi| {
                            let q = &self.fw().questions[qi];
                            let st = cs.questions.get(&q.id)?;
                            Some((st.mean?, q.id.as_str(), qi, st))
                        })
                        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)))
                        .map(|(_, _, qi, st)| self.question_row(qi, st))
                });
                let mut least: Vec<(f64, &AgencyScore)> = self
                    .scores
                    .iter()
                    .filter_map(|s| Some((s.threats.get(id).copied().flatten()?, *s)))
                    .collect();
                least.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.agency_id.cmp(&b.1.agency_id)));
                ThreatRow {
                    id: id.to_string(),
                    name: self.threat_name(id),
                    questions: tagged.len(),
                    mean: st.mean,
                    median: st.median,
                    at_target: st.at_or_above_target,
                    target,
                    change: trend.and_then(|t| t.threats.get(id).copied().flatten()),
                    mean_at_target: st.mean.zip(target).is_some_and(|(m, t)| reaches(m, t)),
                    weakest,
                    sectors: sectors
                        .iter()
                        .map(|sec| {
                            self.summary
                                .and_then(|cs| cs.sectors.get(sec))
                                .and_then(|ss| ss.threats.get(id))
                                .and_then(|st| st.mean)
                        })
                        .collect(),
                    least_ready: least
                        .into_iter()
                        .take(LEAST_READY)
                        .map(|(score, s)| ThreatAgency {
                            id: s.agency_id.clone(),
                            name: self.agency_name(&s.agency_id, &s.agency_name),
                            sector: sector_label(self, &s.sector),
                            score,
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// Questions with the lowest national mean level (ties by framework order).
    pub fn weakest(&self, n: usize) -> Vec<QuestionRow> {
        let Some(cs) = self.summary else {
            return Vec::new();
        };
        let mut rows: Vec<(usize, QuestionRow)> = self
            .fw()
            .questions
            .iter()
            .enumerate()
            .filter_map(|(i, q)| {
                let st: &Stats = cs.questions.get(&q.id)?;
                st.mean?;
                Some((i, self.question_row(i, st)))
            })
            .collect();
        rows.sort_by(|(ia, a), (ib, b)| {
            a.mean
                .partial_cmp(&b.mean)
                .unwrap_or(Ordering::Equal)
                .then(ia.cmp(ib))
        });
        rows.into_iter().take(n).map(|(_, r)| r).collect()
    }

    /// The CSF functions through the crosswalk, in the CSF's own order.
    pub fn csf(&self, names: &BTreeMap<String, String>) -> Vec<RefRow> {
        const ORDER: [&str; 6] = ["GV", "ID", "PR", "DE", "RS", "RC"];
        let Some(view) = self
            .input
            .national
            .crosswalk
            .get("CSF")
            .and_then(|c| c.get(&self.cycle))
        else {
            return Vec::new();
        };
        let mut rows: Vec<RefRow> = ORDER
            .iter()
            .filter_map(|f| {
                view.get(*f).map(|v| RefRow {
                    id: f.to_string(),
                    name: names.get(*f).cloned().unwrap_or_else(|| f.to_string()),
                    value: *v,
                })
            })
            .collect();
        // Functions outside the six (a future CSF revision) still show, after them.
        for (id, v) in view {
            if !id.contains(['.', '-']) && !ORDER.contains(&id.as_str()) {
                rows.push(RefRow {
                    id: id.clone(),
                    name: names.get(id).cloned().unwrap_or_else(|| id.clone()),
                    value: *v,
                });
            }
        }
        rows
    }

    pub fn rejected(&self) -> Vec<RejectRow> {
        let mut rows: Vec<RejectRow> = self
            .input
            .submissions
            .iter()
            .filter(|s| s.status == Status::Rejected)
            .map(|s| RejectRow {
                file: s.file.clone(),
                agency_id: s.agency_id().map(str::to_string),
                cycle: s.cycle().map(str::to_string),
                errors: self.diagnostic_rows(&s.errors),
            })
            .collect();
        rows.extend(self.rejected_plans());
        rows.sort_by(|a, b| a.file.cmp(&b.file));
        rows
    }

    fn diagnostic_rows(&self, diagnostics: &[crate::workbook::Diagnostic]) -> Vec<DiagnosticRow> {
        diagnostics
            .iter()
            .map(|d| DiagnosticRow {
                location: d.location(),
                message: d.render(self.lang).message,
            })
            .collect()
    }

    pub fn national(
        &self,
        csf_names: &BTreeMap<String, String>,
        charts: Charts,
    ) -> NationalContext {
        NationalContext {
            common: self.common.clone(),
            summary: self.summary(),
            domains: self.domains(),
            ranking: self.ranking(),
            sectors: self.sectors(),
            trend: self.trend(),
            weakest: self.weakest(WEAKEST_QUESTIONS),
            csf: self.csf(csf_names),
            threats: self.threats(),
            assurance: self.assurance_view(),
            verification: self.verification_view(),
            plans: self.national_plans(),
            rejected: self.rejected(),
            charts,
        }
    }

    pub fn brief(&self, charts: Charts) -> BriefContext {
        BriefContext {
            common: self.common.clone(),
            summary: self.summary(),
            domains: self.domains(),
            priorities: self.weakest(BRIEF_PRIORITIES),
            threats: self.threats(),
            charts,
        }
    }

    /// `plan_file`: where this run writes the agency's action plan.
    pub fn agency(&self, s: &AgencyScore, charts: Charts, plan_file: String) -> AgencyContext {
        let fw = self.fw();
        let lang = self.lang.code();
        let target = f64::from(s.target);
        let prev = self.previous.get(&s.agency_id);
        let same_sector: Vec<&&AgencyScore> = self
            .scores
            .iter()
            .filter(|o| o.sector == s.sector)
            .collect();
        let sector_rank = s.overall.map(|mine| {
            1 + same_sector
                .iter()
                .filter(|o| o.overall.is_some_and(|x| is_above(x, mine)))
                .count()
        });
        let sha256 = self
            .input
            .submissions
            .iter()
            .find(|sub| sub.file == s.file)
            .map(|sub| sub.sha256.clone());
        let domains = fw
            .domains
            .iter()
            .map(|d| {
                let score = s.domains.get(&d.id).copied().flatten();
                AgencyDomain {
                    id: d.id.clone(),
                    name: d.name.get(lang).to_string(),
                    score,
                    median: self
                        .summary
                        .and_then(|cs| cs.domains.get(&d.id))
                        .and_then(|st| st.median),
                    gap: score.map(|v| target - v),
                    change: prev
                        .and_then(|p| Some(score? - p.domains.get(&d.id).copied().flatten()?)),
                }
            })
            .collect();
        let categories = fw
            .categories
            .iter()
            .map(|c| {
                let score = s.categories.get(&c.id).copied().flatten();
                AgencyCategory {
                    id: c.id.clone(),
                    name: c.name.get(lang).to_string(),
                    domain: fw.domains[c.domain_index].name.get(lang).to_string(),
                    score,
                    median: self
                        .summary
                        .and_then(|cs| cs.categories.get(&c.id))
                        .and_then(|st| st.median),
                    gap: score.map(|v| target - v),
                }
            })
            .collect();
        let gaps_more = s.gaps.len().saturating_sub(AGENCY_GAP_LIMIT);
        let gaps = s
            .gaps
            .iter()
            .take(AGENCY_GAP_LIMIT)
            .enumerate()
            .filter_map(|(i, g)| {
                let q = fw.question(&g.question_id)?;
                let next = g.level.unwrap_or(0).saturating_add(1).min(fw.max_level());
                Some(GapRow {
                    rank: i + 1,
                    id: g.question_id.clone(),
                    text: q.text.get(lang).to_string(),
                    level: g.level,
                    gap: g.gap,
                    priority: g.priority,
                    next_level: next,
                    next_label: fw.level_label(next, lang).to_string(),
                    // Without per-question guidance (imported frameworks, csirt-maturity),
                    // what the next level means on the scale is the next step.
                    guidance: q
                        .guidance_at(next, lang)
                        .or_else(|| {
                            let level = fw.scale.get(next as usize)?;
                            level.description.as_ref().map(|d| d.get(lang))
                        })
                        .map(str::to_string),
                })
            })
            .collect();
        let evidence = fw
            .questions
            .iter()
            .zip(&s.answers)
            .filter(|(_, a)| a.evidence.is_some() || a.comment.is_some())
            .map(|(q, a)| EvidenceRow {
                id: q.id.clone(),
                level: match a.answer {
                    Answer::Level(l) => Some(l),
                    Answer::NotApplicable | Answer::Unanswered => None,
                },
                not_applicable: a.answer == Answer::NotApplicable,
                evidence: a.evidence.clone(),
                comment: a.comment.clone(),
            })
            .collect();
        let threats = self
            .threat_codes()
            .into_iter()
            .map(|(_, id)| {
                let score = s.threats.get(id).copied().flatten();
                AgencyThreat {
                    id: id.to_string(),
                    name: self.threat_name(id),
                    score,
                    median: self
                        .summary
                        .and_then(|cs| cs.threats.get(id))
                        .and_then(|st| st.median),
                    gap: score.map(|v| target - v),
                    change: prev.and_then(|p| Some(score? - p.threats.get(id).copied().flatten()?)),
                }
            })
            .collect();
        AgencyContext {
            common: self.common.clone(),
            agency: AgencyInfo {
                id: s.agency_id.clone(),
                name: self.agency_name(&s.agency_id, &s.agency_name),
                sector: s.sector.clone(),
                sector_name: sector_label(self, &s.sector),
                overall: s.overall,
                index: s.index,
                tier: s.tier,
                tier_label: self.tier_label(s.tier),
                target: s.target,
                target_label: fw.level_label(s.target, lang).to_string(),
                at_target: s.meets_target().unwrap_or(false),
                completeness: s.completeness,
                sector_rank,
                sector_size: same_sector.len(),
                national_median: self.summary.and_then(|cs| cs.overall.median),
                file: s.file.clone(),
                sha256,
                change: self.change_of(s),
                previous_overall: prev.and_then(|p| p.overall),
            },
            domains,
            categories,
            gaps,
            gaps_more,
            evidence,
            threats,
            assurance: self.agency_assurance(s),
            verification: self.agency_verification(s),
            plans: self.agency_plans(s, plan_file),
            charts,
        }
    }

    /// The national "Verification" section; `None` without `--verification`.
    pub fn verification_view(&self) -> Option<VerificationView> {
        let v = self.input.verification?;
        let empty = crate::verify::NationalVerification::default();
        let nv = v.national.get(&self.cycle).unwrap_or(&empty);
        let lang = self.lang.code();
        let domains = self
            .fw()
            .domains
            .iter()
            .map(|d| {
                let di = nv.domains.get(&d.id).cloned().unwrap_or_default();
                VerificationDomain {
                    id: d.id.clone(),
                    name: d.name.get(lang).to_string(),
                    pairs: di.pairs,
                    claimed: di.claimed,
                    verified: di.verified,
                    inflation: di.inflation,
                }
            })
            .collect();
        let verified = self
            .scores
            .iter()
            .filter_map(|s| {
                let block = v.agency(&s.agency_id, &self.cycle)?;
                Some(VerifiedAgency {
                    id: s.agency_id.clone(),
                    name: self.agency_name(&s.agency_id, &s.agency_name),
                    sector: sector_label(self, &s.sector),
                    pairs: block.agreement.pairs,
                    exact: block.agreement.exact,
                    kappa: block.agreement.kappa,
                    overall: s.overall,
                    verified_overall: block.verified_overall,
                })
            })
            .collect();
        let rejected = v
            .files
            .iter()
            .filter(|f| f.status == FileStatus::Rejected)
            .map(|f| RejectRow {
                file: f.file.clone(),
                agency_id: f.agency_id.clone(),
                cycle: f.cycle.clone(),
                errors: f
                    .errors
                    .iter()
                    .map(|d| DiagnosticRow {
                        location: d.location(),
                        message: d.render(self.lang).message,
                    })
                    .collect(),
            })
            .collect();
        Some(VerificationView {
            agencies: nv.agencies,
            agreement: AgreementView::of(&nv.agreement),
            verified_overall: nv.verified_overall,
            claimed_overall: nv.claimed_overall,
            overall_change: nv
                .verified_overall
                .zip(nv.claimed_overall)
                .map(|(v, c)| v - c),
            domains,
            verified,
            rejected,
        })
    }

    /// A verified agency's block in its report; `None` when it was not verified.
    pub fn agency_verification(&self, s: &AgencyScore) -> Option<AgencyVerificationView> {
        let v = self.input.verification?;
        let block = v.agency(&s.agency_id, &s.cycle)?;
        let fw = self.fw();
        let differences = v
            .files
            .iter()
            .filter_map(|f| f.verification.as_ref())
            .find(|x| x.agency_id == s.agency_id && x.cycle == s.cycle)
            .map(|x| {
                crate::verify::pairs(&s.answers, &x.verified)
                    .into_iter()
                    .filter(|p| p.claimed != p.verified)
                    .map(|p| {
                        let q = &fw.questions[p.question];
                        PairRow {
                            id: q.id.clone(),
                            text: q.text.get(self.lang.code()).to_string(),
                            claimed: p.claimed,
                            verified: p.verified,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(AgencyVerificationView {
            agreement: AgreementView::of(&block.agreement),
            verified_overall: block.verified_overall,
            verified_tier: block.verified_overall.map(|o| tier_of(o, fw.max_level())),
            overall_change: block
                .verified_overall
                .zip(s.overall)
                .map(|(v, own)| v - own),
            differences,
        })
    }

    /// A rule's text in the report language; its id when the framework lacks it.
    fn rule_text(&self, id: &str) -> String {
        self.fw().rule(id).map_or_else(
            || id.to_string(),
            |r| r.text.get(self.lang.code()).to_string(),
        )
    }

    /// The national assurance of the cycle; `None` when it was not computed.
    pub fn assurance_view(&self) -> Option<AssuranceView> {
        if self.input.assurance.is_empty() {
            return None;
        }
        let na = self.summary?.assurance.as_ref()?;
        let low_confidence = na
            .low_confidence
            .iter()
            .filter_map(|id| {
                let s = self.score_of(id)?;
                let a = self.assurance.get(id)?;
                let mut kinds: Vec<FlagKind> = a
                    .flags
                    .iter()
                    .map(|f| f.kind)
                    .filter(|k| *k != FlagKind::UnsupportedClaim)
                    .collect();
                kinds.dedup();
                Some(LowConfidence {
                    id: id.clone(),
                    name: self.agency_name(id, &s.agency_name),
                    sector: sector_label(self, &s.sector),
                    unsupported_share: a.unsupported_share,
                    kinds,
                })
            })
            .collect();
        Some(AssuranceView {
            high: na.confidence.high,
            medium: na.confidence.medium,
            low: na.confidence.low,
            unsupported_share: na.unsupported_share,
            rules: na
                .most_violated()
                .into_iter()
                .take(MOST_VIOLATED)
                .map(|(id, agencies)| RuleRow {
                    id: id.to_string(),
                    text: self.rule_text(id),
                    agencies,
                })
                .collect(),
            rule_count: self.fw().rules.len(),
            low_confidence,
        })
    }

    /// One agency's flags with their cells; `None` when assurance was not computed.
    pub fn agency_assurance(&self, s: &AgencyScore) -> Option<AgencyAssurance> {
        let a = self.assurance.get(&s.agency_id)?;
        let flags = a
            .flags
            .iter()
            .map(|f| {
                let detail = match f.kind {
                    FlagKind::RuleViolated => f.rule.as_deref().map(|id| self.rule_text(id)),
                    FlagKind::IdenticalAnswers => f.agencies.as_ref().map(|ids| {
                        ids.iter()
                            .map(|id| self.agency_name(id, ""))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }),
                    _ if self.lang == Lang::En => Some(f.message.clone()),
                    _ => None,
                };
                FlagRow {
                    kind: f.kind,
                    detail,
                    questions: f.questions.clone(),
                    cells: f.cells.clone(),
                }
            })
            .collect();
        Some(AgencyAssurance {
            confidence: a.confidence,
            unsupported_share: a.unsupported_share,
            evidence_from: self.fw().evidence_from,
            flags,
        })
    }
}

/// Sector names come from the strings file (`sector.<id>`), falling back to the id.
fn sector_label(p: &Prepared, id: &str) -> String {
    sector_name(&p.sector_names, id)
}

/// Descending by score, `None` last.
fn desc_score(a: Option<f64>, b: Option<f64>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => y.partial_cmp(&x).unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kappa_bands_and_directions_use_the_one_tolerance() {
        use KappaBand::*;
        let bands: Vec<KappaBand> = [
            -0.3,
            -1e-12,
            0.0,
            0.2,
            0.2 + 1e-12,
            0.21,
            0.4,
            0.59,
            0.8,
            0.81,
            1.0,
        ]
        .iter()
        .map(|&k| KappaBand::of(k))
        .collect();
        assert_eq!(
            bands,
            [
                Poor,
                Slight,
                Slight,
                Slight,
                Slight,
                Fair,
                Fair,
                Moderate,
                Substantial,
                AlmostPerfect,
                AlmostPerfect
            ]
        );
        assert_eq!(Direction::of(0.6), Direction::Above);
        assert_eq!(Direction::of(-0.1), Direction::Below);
        assert_eq!(Direction::of(1e-12), Direction::Same);
    }

    #[test]
    fn none_scores_rank_last() {
        let mut v = vec![None, Some(1.0), Some(3.0)];
        v.sort_by(|a, b| desc_score(*a, *b));
        assert_eq!(v, vec![Some(3.0), Some(1.0), None]);
    }
}
