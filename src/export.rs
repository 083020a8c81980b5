//! Exports of `posture score` (SPEC section 6): the JSON document with every input file,
//! every scored agency, the national aggregates, trends and crosswalk; and the long table
//! (one row per agency, cycle, level and id) as CSV or Parquet. Everything written here is
//! sorted, so the same inputs give the same bytes, and written atomically (a temporary
//! file in the target's folder, then a rename), so a reader never sees half a file.
//!
//! [`oscal`] holds the OSCAL documents of `posture export oscal` (SPEC section 11).

pub mod oscal;

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use polars::prelude::{Column, DataFrame, ParquetCompression, ParquetWriter};
use serde::Serialize;

use crate::aggregate::{Crosswalk, CycleSummary, National, Trend};
use crate::cycle::Cycle;
use crate::framework::Framework;
use crate::plan::batch::{PlanFile, Plans};
use crate::plan::PlanProgress;
use crate::registry::Registry;
use crate::score::{AgencyScore, Assurance, QuestionGap, Scored};
use crate::verify::{AgencyVerification, VerificationFile, Verified};
use crate::workbook::{Answer, Diagnostic, Status, Submission};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FrameworkInfo {
    pub id: String,
    pub version: String,
    /// sha256 of the framework file's bytes.
    pub sha256: String,
}

/// Provenance of the registry, when one was given.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegistryInfo {
    pub sha256: String,
    pub agencies: usize,
}

/// One input file and what became of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubmissionEntry {
    pub file: String,
    pub sha256: String,
    pub status: Status,
    pub agency_id: Option<String>,
    pub cycle: Option<String>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// An answer as exported: a level, `"na"`, or null when unanswered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerValue {
    Level(u8),
    NotApplicable,
    Unanswered,
}

impl From<Answer> for AnswerValue {
    fn from(a: Answer) -> Self {
        match a {
            Answer::Level(l) => AnswerValue::Level(l),
            Answer::NotApplicable => AnswerValue::NotApplicable,
            Answer::Unanswered => AnswerValue::Unanswered,
        }
    }
}

impl Serialize for AnswerValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AnswerValue::Level(l) => s.serialize_u8(*l),
            AnswerValue::NotApplicable => s.serialize_str("na"),
            AnswerValue::Unanswered => s.serialize_none(),
        }
    }
}

/// One scored agency in one cycle. The first fields are SPEC section 6's; the rest
/// (tier label, gaps, source file) are what reports and analysts need next.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AgencyEntry {
    pub agency_id: String,
    pub agency_name: String,
    pub sector: String,
    pub cycle: Cycle,
    pub overall: Option<f64>,
    pub index: Option<f64>,
    pub tier: Option<u8>,
    pub completeness: Option<f64>,
    pub target: u8,
    pub domains: BTreeMap<String, Option<f64>>,
    pub categories: BTreeMap<String, Option<f64>>,
    /// Question id -> answer, in framework order.
    pub answers: Answers,
    pub tier_label: Option<String>,
    pub file: String,
    /// target − score per domain and category; negative means above target.
    pub domain_gaps: BTreeMap<String, Option<f64>>,
    pub category_gaps: BTreeMap<String, Option<f64>>,
    /// Questions below target, highest priority first.
    pub gaps: Vec<QuestionGap>,
    /// Readiness per threat (`THREAT:` tags, the crosswalk rule); absent without tags.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub threats: BTreeMap<String, Option<f64>>,
    /// Confidence, unsupported share and flags (SPEC section 9).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assurance: Option<Assurance>,
    /// How the national CERT's spot check agreed with the agency (SPEC section 10); absent
    /// when the agency was not verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<AgencyVerification>,
    /// How far the plan returned from the agency's previous cycle was carried out (SPEC
    /// section 11); only on the report cycle's entry, only with an accepted plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_progress: Option<PlanProgress>,
}

/// Answers keyed by question id, serialised in framework order (not alphabetical), which
/// is the order of the workbook.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answers(pub Vec<(String, AnswerValue)>);

impl Serialize for Answers {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (id, v) in &self.0 {
            map.serialize_entry(id, v)?;
        }
        map.end()
    }
}

/// The JSON export of SPEC section 6, field order as there.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScoresDocument {
    pub tool: ToolInfo,
    pub framework: FrameworkInfo,
    pub registry: Option<RegistryInfo>,
    /// Every input file, sorted by path.
    pub submissions: Vec<SubmissionEntry>,
    /// Every returned verification workbook, sorted by path (SPEC section 10); absent
    /// without `--verification`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_files: Option<Vec<VerificationFile>>,
    /// Every scored agency, sorted by (agency id, cycle).
    pub agencies: Vec<AgencyEntry>,
    pub national: BTreeMap<Cycle, CycleSummary>,
    pub trends: BTreeMap<Cycle, Trend>,
    pub crosswalk: Crosswalk,
    /// Every returned action plan read with `--plans` (SPEC section 11); absent without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_files: Option<Vec<PlanFile>>,
}

impl ScoresDocument {
    /// Add the returned plans: `plan_files`, each counted agency's `plan_progress` on its
    /// entry of the plans' cycle, and the national sum on that cycle.
    pub fn attach_plans(&mut self, plans: &Plans) {
        for entry in self.agencies.iter_mut().filter(|a| a.cycle == plans.cycle) {
            entry.plan_progress = plans
                .counted
                .get(&entry.agency_id)
                .map(|c| c.progress.clone());
        }
        if let Some(summary) = self.national.get_mut(&plans.cycle) {
            summary.plan_progress = plans.national();
        }
        self.plan_files = Some(plans.files.clone());
    }
}

/// Assemble the document from the pipeline's results. Sorting happens here, so callers
/// may pass submissions and scores in any order.
pub fn build_document(
    framework: &Framework,
    registry: Option<&Registry>,
    submissions: &[Submission],
    scored: &Scored,
    national: &National,
) -> ScoresDocument {
    let mut subs: Vec<SubmissionEntry> = submissions
        .iter()
        .map(|s| SubmissionEntry {
            file: s.file.clone(),
            sha256: s.sha256.clone(),
            status: s.status,
            agency_id: s.profile.agency_id.clone(),
            cycle: s.profile.cycle.clone(),
            errors: s.errors.clone(),
            warnings: s.warnings.clone(),
        })
        .collect();
    subs.sort_by(|a, b| a.file.cmp(&b.file).then_with(|| a.sha256.cmp(&b.sha256)));

    let mut sorted: Vec<(&AgencyScore, Option<&Assurance>)> = scored
        .scores
        .iter()
        .enumerate()
        .map(|(i, s)| (s, scored.assurance.get(i)))
        .collect();
    sorted.sort_by(|(a, _), (b, _)| {
        a.agency_id
            .cmp(&b.agency_id)
            .then_with(|| a.cycle.cmp(&b.cycle))
            .then_with(|| a.file.cmp(&b.file))
    });
    let agencies = sorted
        .into_iter()
        .map(|(s, assurance)| AgencyEntry {
            agency_id: s.agency_id.clone(),
            agency_name: s.agency_name.clone(),
            sector: s.sector.clone(),
            cycle: s.cycle.clone(),
            overall: s.overall,
            index: s.index,
            tier: s.tier,
            completeness: s.completeness,
            target: s.target,
            domains: s.domains.clone(),
            categories: s.categories.clone(),
            answers: Answers(
                framework
                    .questions
                    .iter()
                    .enumerate()
                    .map(|(i, q)| {
                        let a = s.answers.get(i).map_or(Answer::Unanswered, |a| a.answer);
                        (q.id.clone(), a.into())
                    })
                    .collect(),
            ),
            tier_label: s.tier.map(|t| framework.level_label(t, "en").to_string()),
            file: s.file.clone(),
            domain_gaps: s.domain_gaps(),
            category_gaps: s.category_gaps(),
            gaps: s.gaps.clone(),
            threats: s.threats.clone(),
            assurance: assurance.cloned(),
            verification: None,
            plan_progress: None,
        })
        .collect();

    ScoresDocument {
        tool: ToolInfo {
            name: "posture".into(),
            version: crate::VERSION.into(),
        },
        framework: FrameworkInfo {
            id: framework.id.clone(),
            version: framework.version.clone(),
            sha256: framework.sha256.clone(),
        },
        registry: registry.map(|r| RegistryInfo {
            sha256: r.sha256.clone(),
            agencies: r.len(),
        }),
        submissions: subs,
        verification_files: None,
        agencies,
        national: national.cycles.clone(),
        trends: national.trends.clone(),
        crosswalk: national.crosswalk.clone(),
        plan_files: None,
    }
}

impl ScoresDocument {
    /// Add what `--verification` found (SPEC section 10): `verification_files`, each
    /// verified agency's block and each verified cycle's national block.
    pub fn attach_verification(&mut self, verified: &Verified) {
        self.verification_files = Some(verified.files.clone());
        for a in &mut self.agencies {
            a.verification = verified.agency(&a.agency_id, &a.cycle).cloned();
        }
        for (cycle, summary) in &mut self.national {
            summary.verification = verified.national.get(cycle).cloned();
        }
    }
}

/// An export that could not be written.
#[derive(Debug)]
pub struct ExportError {
    pub path: PathBuf,
    pub message: String,
    /// Files already written when a multi-file export failed, and those not written.
    pub written: Vec<PathBuf>,
    pub not_written: Vec<PathBuf>,
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = |paths: &[PathBuf]| -> Vec<String> {
            paths.iter().map(|p| p.display().to_string()).collect()
        };
        write!(
            f,
            "failed to write {} ({}){}",
            self.path.display(),
            self.message,
            crate::atomic_file::partial_note(&names(&self.written), &names(&self.not_written))
        )
    }
}

impl std::error::Error for ExportError {}

fn export_err(path: &Path, e: impl fmt::Display) -> ExportError {
    ExportError {
        path: path.to_path_buf(),
        message: e.to_string(),
        written: Vec::new(),
        not_written: Vec::new(),
    }
}

/// What `--out` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Parquet,
    /// A folder of Parquet files, one per cycle, hive style (`cycle=2026/part-0.parquet`).
    ParquetFolder,
}

impl Format {
    /// The format for an `--out` path: by extension (any case); a folder (an existing
    /// directory, a path ending in a separator, or a name without extension) means
    /// partitioned Parquet. `None` for an extension we do not write.
    pub fn for_path(path: &Path) -> Option<Format> {
        let ends_with_sep = path
            .as_os_str()
            .to_string_lossy()
            .ends_with(['/', std::path::MAIN_SEPARATOR]);
        if path.is_dir() || ends_with_sep {
            return Some(Format::ParquetFolder);
        }
        match path.extension().map(|e| e.to_string_lossy().to_lowercase()) {
            None => Some(Format::ParquetFolder),
            Some(e) if e == "json" => Some(Format::Json),
            Some(e) if e == "csv" => Some(Format::Csv),
            Some(e) if e == "parquet" => Some(Format::Parquet),
            Some(_) => None,
        }
    }
}

/// Write `bytes` to `path` atomically (see [`crate::atomic_file`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    crate::atomic_file::write(path, bytes).map_err(|e| export_err(path, e))
}

/// The JSON document, pretty-printed with a final newline.
pub fn to_json(doc: &ScoresDocument) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing plain structs with string keys into memory cannot fail.
    let _ = write_json(doc, &mut out);
    out
}

/// The JSON document written straight to `out`: for 10,000 agencies it is over 100 MiB,
/// which need not be held in memory as well.
fn write_json(doc: &ScoresDocument, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, doc)?;
    out.write_all(b"\n")
}

/// One row of the long table.
#[derive(Clone, Debug, PartialEq)]
pub struct LongRow {
    pub agency_id: String,
    pub agency_name: String,
    pub sector: String,
    pub cycle: String,
    /// `overall`, `domain`, `category`, `question` or `threat`.
    pub level: &'static str,
    /// `overall` for the overall row, else the domain, category, question or threat id.
    pub id: String,
    /// The score; for a question, the level counted (unanswered 0, N/A null).
    pub score: Option<f64>,
    /// For a question: the answer as given (`3`, `na`, or empty when unanswered).
    pub answer: Option<String>,
    pub target: u8,
    /// The agency's confidence (`high`, `medium`, `low`, SPEC section 9), on every row.
    pub confidence: Option<&'static str>,
    /// The agency's unsupported share, on every row.
    pub unsupported_share: Option<f64>,
}

/// The long table's columns. `framework_id` and `framework_version` lead every row, so
/// lakes of several frameworks, or several countries, can be unioned.
pub const LONG_COLUMNS: [&str; 13] = [
    "framework_id",
    "framework_version",
    "agency_id",
    "agency_name",
    "sector",
    "cycle",
    "level",
    "id",
    "score",
    "answer",
    "target",
    "confidence",
    "unsupported_share",
];

/// The long table of SPEC section 6, in document order (agency, cycle; then overall,
/// domains, categories and questions in framework order, then the readiness per threat,
/// level `threat`, by threat id).
pub fn long_rows(framework: &Framework, doc: &ScoresDocument) -> Vec<LongRow> {
    let mut rows = Vec::with_capacity(
        doc.agencies.len()
            * (1 + framework.domains.len()
                + framework.categories.len()
                + framework.questions.len()),
    );
    for a in &doc.agencies {
        let row =
            |level: &'static str, id: &str, score: Option<f64>, answer: Option<String>| LongRow {
                agency_id: a.agency_id.clone(),
                agency_name: a.agency_name.clone(),
                sector: a.sector.clone(),
                cycle: a.cycle.to_string(),
                level,
                id: id.to_string(),
                score,
                answer,
                target: a.target,
                confidence: a.assurance.as_ref().map(|x| x.confidence.as_str()),
                unsupported_share: a.assurance.as_ref().map(|x| x.unsupported_share),
            };
        rows.push(row("overall", "overall", a.overall, None));
        for d in &framework.domains {
            rows.push(row(
                "domain",
                &d.id,
                a.domains.get(&d.id).copied().flatten(),
                None,
            ));
        }
        for c in &framework.categories {
            let score = a.categories.get(&c.id).copied().flatten();
            rows.push(row("category", &c.id, score, None));
        }
        for (id, v) in &a.answers.0 {
            let (score, answer) = match v {
                AnswerValue::Level(l) => (Some(f64::from(*l)), Some(l.to_string())),
                AnswerValue::NotApplicable => (None, Some("na".to_string())),
                AnswerValue::Unanswered => (Some(0.0), None),
            };
            rows.push(row("question", id, score, answer));
        }
        for (id, score) in &a.threats {
            rows.push(row("threat", id, *score, None));
        }
    }
    rows
}

/// A text cell made safe for spreadsheets (OWASP CSV injection): a cell that begins with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so no spreadsheet
/// runs it as a formula.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The long table as CSV, with a header. Numbers keep full precision (shortest form that
/// reads back to the same f64); every text cell is neutralised.
pub fn to_csv(framework: &Framework, rows: &[LongRow]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(LONG_COLUMNS)?;
    let framework_id = neutralise(&framework.id);
    let framework_version = neutralise(&framework.version);
    for r in rows {
        let score = r.score.map(|s| s.to_string()).unwrap_or_default();
        let target = r.target.to_string();
        let share = r
            .unsupported_share
            .map(|s| s.to_string())
            .unwrap_or_default();
        w.write_record([
            framework_id.as_ref(),
            framework_version.as_ref(),
            neutralise(&r.agency_id).as_ref(),
            neutralise(&r.agency_name).as_ref(),
            neutralise(&r.sector).as_ref(),
            neutralise(&r.cycle).as_ref(),
            r.level,
            neutralise(&r.id).as_ref(),
            score.as_str(),
            r.answer.as_deref().unwrap_or(""),
            target.as_str(),
            r.confidence.unwrap_or(""),
            share.as_str(),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// The long table as a polars frame, with plain types every Parquet reader knows
/// (UTF-8 strings, f64, u8 as int32). `with_cycle` false leaves the cycle column out, for
/// hive partitions where the folder name carries it.
pub fn long_frame(
    framework: &Framework,
    rows: &[LongRow],
    with_cycle: bool,
) -> polars::prelude::PolarsResult<DataFrame> {
    let text = |name: &str, f: &dyn Fn(&LongRow) -> &str| {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<&str>>())
    };
    let constant = |name: &str, value: &str| {
        Column::new_scalar(
            name.into(),
            polars::prelude::Scalar::from(polars::prelude::PlSmallStr::from(value)),
            rows.len(),
        )
    };
    let mut columns = vec![
        constant("framework_id", &framework.id),
        constant("framework_version", &framework.version),
        text("agency_id", &|r| &r.agency_id),
        text("agency_name", &|r| &r.agency_name),
        text("sector", &|r| &r.sector),
    ];
    if with_cycle {
        columns.push(text("cycle", &|r| &r.cycle));
    }
    columns.extend([
        text("level", &|r| r.level),
        text("id", &|r| &r.id),
        Column::new(
            "score".into(),
            rows.iter().map(|r| r.score).collect::<Vec<Option<f64>>>(),
        ),
        Column::new(
            "answer".into(),
            rows.iter()
                .map(|r| r.answer.as_deref())
                .collect::<Vec<Option<&str>>>(),
        ),
        Column::new(
            "target".into(),
            rows.iter()
                .map(|r| i32::from(r.target))
                .collect::<Vec<i32>>(),
        ),
        Column::new(
            "confidence".into(),
            rows.iter()
                .map(|r| r.confidence)
                .collect::<Vec<Option<&str>>>(),
        ),
        Column::new(
            "unsupported_share".into(),
            rows.iter()
                .map(|r| r.unsupported_share)
                .collect::<Vec<Option<f64>>>(),
        ),
    ]);
    DataFrame::new(rows.len(), columns)
}

fn parquet_bytes(mut df: DataFrame) -> polars::prelude::PolarsResult<Vec<u8>> {
    let mut buf = Vec::new();
    // zstd: compact, and read by DuckDB, Spark, pandas and polars alike.
    ParquetWriter::new(&mut buf)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(polars::prelude::StatisticsOptions::full())
        .finish(&mut df)?;
    Ok(buf)
}

/// A cycle as a hive partition folder name: `cycle=2026`. Characters other than ASCII
/// letters, digits, `.`, `_` and `-` are percent-encoded (as Hive does), so a cycle typed
/// by an agency can never make a path that leaves `--out`.
pub fn partition_dir(cycle: &str) -> String {
    let mut out = String::from("cycle=");
    for b in cycle.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A dataset reader takes every `cycle=*/part-0.parquet` under the folder, so a partition
/// left by an earlier run for a cycle this run did not see would be read as current data.
/// Only posture's own part files are removed, and a partition folder only once empty.
fn remove_stale_partitions(out: &Path, written: &[PathBuf]) -> Result<(), ExportError> {
    let entries = std::fs::read_dir(out).map_err(|e| export_err(out, e))?;
    for entry in entries {
        let dir = entry.map_err(|e| export_err(out, e))?.path();
        let is_partition = dir.is_dir()
            && dir
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("cycle="));
        let part = dir.join("part-0.parquet");
        if !is_partition || written.contains(&part) || !part.is_file() {
            continue;
        }
        std::fs::remove_file(&part).map_err(|e| export_err(&part, e))?;
        // Not empty means someone else's files live there: leave the folder.
        let _ = std::fs::remove_dir(&dir);
    }
    Ok(())
}

/// Write the export `format` to `out`. Returns the files written (for the summary line).
pub fn write(
    framework: &Framework,
    doc: &ScoresDocument,
    format: Format,
    out: &Path,
) -> Result<Vec<PathBuf>, ExportError> {
    match format {
        Format::Json => {
            crate::atomic_file::write_with(out, |w| write_json(doc, w))
                .map_err(|e| export_err(out, e))?;
            Ok(vec![out.to_path_buf()])
        }
        Format::Csv => {
            let bytes =
                to_csv(framework, &long_rows(framework, doc)).map_err(|e| export_err(out, e))?;
            write_atomic(out, &bytes)?;
            Ok(vec![out.to_path_buf()])
        }
        Format::Parquet => {
            let rows = long_rows(framework, doc);
            let bytes = long_frame(framework, &rows, true)
                .and_then(parquet_bytes)
                .map_err(|e| export_err(out, e))?;
            write_atomic(out, &bytes)?;
            Ok(vec![out.to_path_buf()])
        }
        Format::ParquetFolder => {
            let rows = long_rows(framework, doc);
            let mut by_cycle: BTreeMap<&str, Vec<LongRow>> = BTreeMap::new();
            for r in &rows {
                by_cycle
                    .entry(r.cycle.as_str())
                    .or_default()
                    .push(r.clone());
            }
            let parts: Vec<(PathBuf, Vec<LongRow>)> = by_cycle
                .into_iter()
                .map(|(cycle, part)| (out.join(partition_dir(cycle)).join("part-0.parquet"), part))
                .collect();
            let mut written = Vec::new();
            for (i, (path, part)) in parts.iter().enumerate() {
                let result = long_frame(framework, part, false)
                    .and_then(parquet_bytes)
                    .map_err(|e| export_err(path, e))
                    .and_then(|bytes| write_atomic(path, &bytes));
                if let Err(e) = result {
                    return Err(ExportError {
                        written,
                        not_written: parts[i..].iter().map(|(p, _)| p.clone()).collect(),
                        ..e
                    });
                }
                written.push(path.clone());
            }
            if written.is_empty() {
                std::fs::create_dir_all(out).map_err(|e| export_err(out, e))?;
            }
            remove_stale_partitions(out, &written)?;
            Ok(written)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::aggregate_scored;
    use crate::score::score_batch;
    use crate::score::tests::{golden, submission};
    use Answer::{Level as L, NotApplicable as NA, Unanswered as U};

    fn sample() -> (Framework, Vec<Submission>) {
        let fw = golden();
        let mut rejected = submission("=EVIL", "ministry", "2026", &[]);
        rejected.status = Status::Rejected;
        rejected.file = "a/rejected.xlsx".into();
        rejected.errors = vec![
            Diagnostic::error(crate::workbook::Kind::BadLevel {
                value: crate::workbook::CellKind::Number,
                max: 5,
                allow_na: false,
            })
            .in_sheet("Assessment")
            .at(16, 3)
            .with_found("2.5"),
            Diagnostic::error(crate::workbook::Kind::MissingProfileField {
                field: "agency_name",
                rows: 50,
            })
            .in_sheet("Profile"),
        ];
        let mut evil = submission("+X", "@sector", "2026", &[L(4), L(2), L(1), U, L(3), NA]);
        evil.profile.agency_name = Some("=HYPERLINK(\"x\")".into());
        let subs = vec![
            submission("B", "energy", "2026", &[L(3); 6]),
            evil,
            submission("B", "energy", "2025", &[L(1), NA, NA, NA, U, U]),
            rejected,
        ];
        (fw, subs)
    }

    fn document(fw: &Framework, subs: &[Submission]) -> ScoresDocument {
        let scored = score_batch(fw, subs, &[], None);
        let national = aggregate_scored(fw, &scored, subs, None);
        build_document(fw, None, subs, &scored, &national)
    }

    #[test]
    fn json_has_the_spec_shape() {
        let (fw, subs) = sample();
        let doc = document(&fw, &subs);
        let v: serde_json::Value = serde_json::from_slice(&to_json(&doc)).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "tool",
                "framework",
                "registry",
                "submissions",
                "agencies",
                "national",
                "trends",
                "crosswalk"
            ]
        );
        assert_eq!(v["tool"]["name"], "posture");
        assert_eq!(v["framework"]["id"], "golden");
        assert_eq!(v["framework"]["sha256"].as_str().unwrap().len(), 64);
        let files: Vec<&str> = v["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["file"].as_str().unwrap())
            .collect();
        assert_eq!(
            files,
            [
                "2025/B.xlsx",
                "2026/+X.xlsx",
                "2026/B.xlsx",
                "a/rejected.xlsx"
            ]
        );
        let rejected = &v["submissions"][3];
        assert_eq!(rejected["status"], "rejected");
        assert_eq!(rejected["errors"].as_array().unwrap().len(), 2);
        assert_eq!(rejected["errors"][0]["cell"], "D17");
        assert_eq!(rejected["errors"][1]["cell"], serde_json::Value::Null);
        assert!(rejected["errors"][0].get("severity").is_none());

        let agencies = v["agencies"].as_array().unwrap();
        let ids: Vec<(&str, &str)> = agencies
            .iter()
            .map(|a| {
                (
                    a["agency_id"].as_str().unwrap(),
                    a["cycle"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(ids, [("+X", "2026"), ("B", "2025"), ("B", "2026")]);
        let x = &agencies[0];
        assert_eq!(x["overall"], 2.5);
        assert_eq!(x["index"], 62.5);
        assert_eq!(x["tier"], 2);
        assert_eq!(x["completeness"], 0.8);
        assert_eq!(x["answers"]["D1.A-01"], 4);
        assert_eq!(x["answers"]["D2.C-02"], "na");
        assert_eq!(x["answers"]["D1.B-02"], serde_json::Value::Null);
        let order: Vec<&str> = x["answers"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            order,
            ["D1.A-01", "D1.A-02", "D1.B-01", "D1.B-02", "D2.C-01", "D2.C-02"]
        );
        // B in 2025: D1.B all N/A -> null in the export, not 0.
        assert_eq!(agencies[1]["categories"]["D1.B"], serde_json::Value::Null);
        assert_eq!(v["national"]["2026"]["overall"]["count"], 2);
        assert_eq!(v["national"]["2026"]["missing"][0], "=EVIL");
        assert_eq!(v["trends"]["2026"]["from"], "2025");
        assert!(v["crosswalk"]["CSF"]["2026"]["GV"].is_number());
    }

    /// `--verification` adds `verification_files` after `submissions`, the block of the
    /// verified agency only, and the national block of the verified cycle only.
    #[test]
    fn verification_blocks_sit_where_spec_section_10_says() {
        use crate::verify::{FileStatus, Verification};
        let (fw, subs) = sample();
        let scored = score_batch(&fw, &subs, &[], None);
        let b = scored
            .scores
            .iter()
            .find(|s| s.agency_id == "B" && s.cycle == "2026")
            .unwrap();
        let file = VerificationFile {
            file: "v/B-verify.xlsx".into(),
            sha256: "1".repeat(64),
            status: FileStatus::Used,
            agency_id: Some("B".into()),
            cycle: Some("2026".into()),
            verification: Some(Verification {
                agency_id: "B".into(),
                cycle: "2026".into(),
                file: "v/B-verify.xlsx".into(),
                verified: vec![L(2), L(3), U, L(3), L(3), NA],
            }),
            errors: Vec::new(),
            warnings: Vec::new(),
        };
        let verified = Verified::of(&fw, &scored.scores, vec![file]);
        assert_eq!(verified.agency("B", &b.cycle).unwrap().agreement.pairs, 4);
        let mut doc = document(&fw, &subs);
        doc.attach_verification(&verified);
        let v: serde_json::Value = serde_json::from_slice(&to_json(&doc)).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(&keys[3..5], ["submissions", "verification_files"]);
        assert_eq!(v["verification_files"][0]["status"], "used");
        let agencies = v["agencies"].as_array().unwrap();
        let blocks: Vec<(&str, &str)> = agencies
            .iter()
            .filter(|a| a.get("verification").is_some())
            .map(|a| {
                (
                    a["agency_id"].as_str().unwrap(),
                    a["cycle"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(blocks, [("B", "2026")]);
        // B claimed 3 everywhere; verified 2, 3, 3, 3 on four questions.
        let block = &agencies[2]["verification"];
        assert_eq!(block["pairs"], 4);
        assert_eq!(block["exact"], 0.75);
        assert_eq!(block["inflation"], 0.25);
        assert_eq!(v["national"]["2026"]["verification"]["agencies"], 1);
        assert_eq!(
            v["national"]["2026"]["verification"]["claimed_overall"],
            3.0
        );
        assert!(v["national"]["2025"].get("verification").is_none());
        // The long table does not change.
        assert_eq!(long_rows(&fw, &doc), long_rows(&fw, &document(&fw, &subs)));
    }

    #[test]
    fn same_inputs_same_bytes_in_any_order() {
        let (fw, subs) = sample();
        let a = to_json(&document(&fw, &subs));
        let mut reversed = subs.clone();
        reversed.reverse();
        let b = to_json(&document(&fw, &reversed));
        assert_eq!(a, b);
        let rows_a = to_csv(&fw, &long_rows(&fw, &document(&fw, &subs))).unwrap();
        let rows_b = to_csv(&fw, &long_rows(&fw, &document(&fw, &reversed))).unwrap();
        assert_eq!(rows_a, rows_b);
    }

    #[test]
    fn csv_is_long_and_neutralised() {
        let (fw, subs) = sample();
        let bytes = to_csv(&fw, &long_rows(&fw, &document(&fw, &subs))).unwrap();
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        assert_eq!(r.headers().unwrap(), LONG_COLUMNS.as_slice());
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        // 3 agencies x (1 overall + 2 domains + 3 categories + 6 questions)
        assert_eq!(rows.len(), 3 * 12);
        let first = &rows[0];
        assert_eq!(
            (&first[0], &first[1]),
            (fw.id.as_str(), fw.version.as_str())
        );
        assert!(rows.iter().all(|r| r[0] == first[0] && r[1] == first[1]));
        assert_eq!(&first[2], "'+X");
        assert_eq!(&first[3], "'=HYPERLINK(\"x\")");
        assert_eq!(&first[4], "'@sector");
        assert_eq!(
            (&first[6], &first[7], &first[8]),
            ("overall", "overall", "2.5")
        );
        let na = rows
            .iter()
            .find(|r| &r[2] == "'+X" && &r[7] == "D2.C-02")
            .unwrap();
        assert_eq!((&na[8], &na[9]), ("", "na"));
        let unanswered = rows
            .iter()
            .find(|r| &r[2] == "'+X" && &r[7] == "D1.B-02")
            .unwrap();
        assert_eq!((&unanswered[8], &unanswered[9]), ("0", ""));
        for cell in rows.iter().flat_map(|r| r.iter()) {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell}"
            );
        }
        assert_eq!(neutralise("\tcmd"), "'\tcmd");
        assert_eq!(neutralise("-1+1"), "'-1+1");
        assert_eq!(neutralise("MOH"), "MOH");
    }

    /// Issue 18: threat readiness reaches the JSON (agencies, national, trends,
    /// crosswalk.THREAT) and the long table as rows of level `threat`.
    #[test]
    fn threats_reach_json_and_the_long_table() {
        let fw = crate::framework::load_str(
            include_str!("../tests/frameworks/golden-threats.toml"),
            crate::framework::Source::File("golden-threats.toml".into()),
        )
        .unwrap();
        let subs = vec![
            submission("A", "ministry", "2025", &[L(1); 6]),
            submission("A", "ministry", "2026", &[L(4), L(1), L(1), U, L(3), NA]),
        ];
        let doc = document(&fw, &subs);
        let v: serde_json::Value = serde_json::from_slice(&to_json(&doc)).unwrap();
        assert_eq!(v["agencies"][1]["threats"]["ransomware"], 1.0);
        assert_eq!(v["national"]["2026"]["threats"]["ransomware"]["count"], 1);
        assert_eq!(v["crosswalk"]["THREAT"]["2026"]["ransomware"], 1.0);
        assert_eq!(v["trends"]["2026"]["threats"]["ransomware"], 0.0);
        assert_eq!(
            v["trends"]["2026"]["agencies"]["A"]["threats"]["ransomware"],
            0.0
        );
        let bytes = to_csv(&fw, &long_rows(&fw, &doc)).unwrap();
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        // 2 rows x (1 + 2 domains + 3 categories + 6 questions + 2 threats)
        assert_eq!(rows.len(), 2 * 14);
        let threat: Vec<(&str, &str, &str)> = rows
            .iter()
            .filter(|r| &r[5] == "2026" && &r[6] == "threat")
            .map(|r| (&r[7], &r[8], &r[9]))
            .collect();
        assert_eq!(
            threat,
            [("ddos", "1.6666666666666667", ""), ("ransomware", "1", "")]
        );
        // Without threat tags, no threat key in the JSON at all.
        let (fw, subs) = sample();
        let v: serde_json::Value = serde_json::from_slice(&to_json(&document(&fw, &subs))).unwrap();
        assert!(v["agencies"][0].get("threats").is_none());
        assert!(v["national"]["2026"].get("threats").is_none());
    }

    #[test]
    fn parquet_reads_back_and_partitions_by_cycle() {
        use polars::prelude::{ParquetReader, SerReader};
        let (fw, subs) = sample();
        let doc = document(&fw, &subs);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("scores.parquet");
        write(&fw, &doc, Format::Parquet, &file).unwrap();
        let df = ParquetReader::new(std::fs::File::open(&file).unwrap())
            .finish()
            .unwrap();
        assert_eq!(df.height(), 36);
        let names: Vec<&str> = df.get_column_names().iter().map(|s| s.as_str()).collect();
        assert_eq!(names, LONG_COLUMNS);
        let version = df.column("framework_version").unwrap().str().unwrap();
        assert!((0..version.len()).all(|i| version.get(i) == Some(fw.version.as_str())));
        // Parquet keeps raw text: neutralising is for spreadsheets only.
        assert_eq!(
            df.column("agency_id").unwrap().str().unwrap().get(0),
            Some("+X")
        );
        assert_eq!(df.column("score").unwrap().f64().unwrap().get(0), Some(2.5));

        let folder = dir.path().join("parts");
        let written = write(&fw, &doc, Format::ParquetFolder, &folder).unwrap();
        assert_eq!(
            written,
            [
                folder.join("cycle=2025/part-0.parquet"),
                folder.join("cycle=2026/part-0.parquet")
            ]
        );
        let part = ParquetReader::new(std::fs::File::open(&written[1]).unwrap())
            .finish()
            .unwrap();
        assert_eq!(part.height(), 24);
        assert!(part.column("cycle").is_err());

        // Rewriting with one cycle fewer leaves no partition of the missing cycle behind,
        // and never touches files posture did not write.
        std::fs::write(folder.join("cycle=2025/notes.txt"), "mine").unwrap();
        let only_2026: Vec<Submission> = subs
            .iter()
            .filter(|s| s.cycle() != Some("2025"))
            .cloned()
            .collect();
        let doc = document(&fw, &only_2026);
        let written = write(&fw, &doc, Format::ParquetFolder, &folder).unwrap();
        assert_eq!(written, [folder.join("cycle=2026/part-0.parquet")]);
        assert!(!folder.join("cycle=2025/part-0.parquet").exists());
        assert!(folder.join("cycle=2025/notes.txt").exists());

        // A partition that cannot be written: the error says which files are there already
        // and which are not.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir_all(&blocked).unwrap();
        std::fs::write(blocked.join("cycle=2026"), "a file where a folder must go").unwrap();
        let doc = document(&fw, &subs);
        let err = write(&fw, &doc, Format::ParquetFolder, &blocked).unwrap_err();
        assert_eq!(err.written, [blocked.join("cycle=2025/part-0.parquet")]);
        assert_eq!(err.not_written, [blocked.join("cycle=2026/part-0.parquet")]);
        let msg = err.to_string();
        assert!(
            msg.contains("already written: ")
                && msg.contains("cycle=2025/part-0.parquet; not written: "),
            "{msg}"
        );
    }

    #[test]
    fn partition_names_cannot_escape() {
        assert_eq!(partition_dir("2026"), "cycle=2026");
        assert_eq!(partition_dir("../../etc"), "cycle=..%2F..%2Fetc");
        assert_eq!(partition_dir("a b\\c"), "cycle=a%20b%5Cc");
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::for_path(Path::new("x.JSON")), Some(Format::Json));
        assert_eq!(Format::for_path(Path::new("x.csv")), Some(Format::Csv));
        assert_eq!(
            Format::for_path(Path::new("x.parquet")),
            Some(Format::Parquet)
        );
        assert_eq!(
            Format::for_path(Path::new("out/")),
            Some(Format::ParquetFolder)
        );
        assert_eq!(
            Format::for_path(Path::new("out")),
            Some(Format::ParquetFolder)
        );
        assert_eq!(Format::for_path(Path::new("x.xlsx")), None);
    }
}
