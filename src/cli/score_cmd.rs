//! `posture score INPUTS... --out FILE`: read the workbooks, score every valid one,
//! aggregate nationally and write the export chosen by `--out`'s extension (SPEC
//! sections 5 to 7). Rejected workbooks are listed on stderr with every error, and in the
//! JSON export; the exit status says whether any were rejected.

use std::path::PathBuf;

use clap::Args;

use super::inputs::{print_rejects, read_inputs, IngestArgs, IngestConfig, Returns};
use super::{CmdResult, ConfigError, Exit};
use crate::aggregate::aggregate_scored;
use crate::export::{self, Format};
use crate::score::{latest_cycle, score_batch};
use crate::workbook::ingest::Retain;
use crate::workbook::Status;

#[derive(Args, Debug)]
#[command(
    after_help = "The export follows --out: .json (everything: submissions, agencies, \
national aggregates, trends, crosswalk), .csv or .parquet (one row per agency, cycle, level \
and id), or a folder (Parquet partitioned by cycle, cycle=2026/part-0.parquet).

Examples:
  posture score returned/ --out scores.json
  posture score returned/ --registry data/agencies.csv --out scores.parquet
  posture score 2025/ 2026/ --out lake/
  posture score returned/ --registry data/agencies.csv --verification verified/ --out scores.json

With --verification, the agreement of the national CERT's spot checks is in the JSON export \
(agencies[].verification, national.<cycle>.verification, verification_files); CSV and \
Parquet keep the long table of scores."
)]
pub struct ScoreArgs {
    /// Workbooks, or folders searched recursively for .xlsx, .xls and .ods.
    #[arg(required = true, value_name = "INPUTS")]
    pub inputs: Vec<PathBuf>,
    /// Where to write: FILE.json, FILE.csv, FILE.parquet, or a folder for partitioned Parquet.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Returned verification workbooks (SPEC section 10): their agreement with the
    /// self-assessments goes into the JSON export.
    #[arg(long, value_name = "DIR")]
    pub verification: Option<PathBuf>,
    #[command(flatten)]
    pub common: IngestArgs,
    /// A folder of returned action plans: their progress, judged by the latest cycle's
    /// scores, goes into the JSON (plan_files, plan_progress).
    #[arg(long, value_name = "DIR")]
    pub plans: Option<PathBuf>,
}

/// The arguments, checked: nothing here can fail once work starts.
struct ScoreConfig {
    inputs: Vec<PathBuf>,
    out: PathBuf,
    format: Format,
    verification: Option<PathBuf>,
    ingest: IngestConfig,
    plans: Option<PathBuf>,
}

impl ScoreConfig {
    fn new(args: ScoreArgs) -> Result<Self, ConfigError> {
        let format = Format::for_path(&args.out).ok_or_else(|| {
            ConfigError::new(format!(
                "failed to choose an export for `{}` (unknown extension)",
                args.out.display()
            ))
            .with_hint("use .json, .csv, .parquet, or a folder for Parquet partitioned by cycle")
        })?;
        let ingest = IngestConfig::new(&args.common)?;
        Ok(ScoreConfig {
            inputs: args.inputs,
            out: args.out,
            format,
            verification: args.verification,
            ingest,
            plans: args.plans,
        })
    }
}

pub fn run(args: ScoreArgs) -> CmdResult {
    let config = ScoreConfig::new(args)?;
    let batch = read_inputs(&config.inputs, &config.ingest, Retain::Levels)?;
    let (submissions, cells) = (&batch.submissions, &batch.cells);
    let framework = &config.ingest.framework;

    let registry = config.ingest.registry.as_ref();
    let scored = score_batch(framework, submissions, cells, registry);
    let national = aggregate_scored(framework, &scored, submissions, registry);
    let mut doc = export::build_document(framework, registry, submissions, &scored, &national);
    // `score` has no --cycle: plans are judged by the latest cycle.
    let cycle = latest_cycle(&scored.scores, submissions).unwrap_or_default();
    let returns = Returns::read(
        config.plans.as_deref(),
        config.verification.as_deref(),
        &config.ingest,
        &scored.scores,
        &cycle,
    )?;
    returns.attach(&mut doc);
    let written = export::write(framework, &doc, config.format, &config.out)
        .map_err(|e| ConfigError::new(e.to_string()))?;

    print_rejects(submissions);
    returns.print();
    let count = |status: Status| submissions.iter().filter(|s| s.status == status).count();
    let (scored, duplicate, rejected) = (
        count(Status::Scored),
        count(Status::Duplicate),
        count(Status::Rejected),
    );
    eprintln!(
        "{} workbook(s): {scored} scored, {duplicate} duplicate, {rejected} rejected; wrote {}",
        submissions.len(),
        match written.as_slice() {
            [one] => one.display().to_string(),
            _ => format!("{} file(s) under {}", written.len(), config.out.display()),
        }
    );
    Ok(if rejected > 0 || returns.rejected() > 0 {
        Exit::SomeRejected
    } else {
        Exit::Success
    })
}
