//! `posture score INPUTS... --out FILE`: read the workbooks, score every valid one,
//! aggregate nationally and write the export chosen by `--out`'s extension (SPEC
//! sections 5 to 7). Rejected workbooks are listed on stderr with every error, and in the
//! JSON export; the exit status says whether any were rejected.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use super::{CmdResult, ConfigError, Exit};
use crate::aggregate::aggregate;
use crate::export::{self, Format};
use crate::framework::{self, Framework};
use crate::registry::{self, Registry};
use crate::score::score_all;
use crate::workbook::ingest::{self, IngestOptions};
use crate::workbook::{Limits, Status, Submission};

#[derive(Args, Debug)]
#[command(
    after_help = "The export follows --out: .json (everything: submissions, agencies, \
national aggregates, trends, crosswalk), .csv or .parquet (one row per agency, cycle, level \
and id), or a folder (Parquet partitioned by cycle, cycle=2026/part-0.parquet).

Examples:
  posture score returned/ --out scores.json
  posture score returned/ --registry data/agencies.csv --out scores.parquet
  posture score 2025/ 2026/ --out lake/"
)]
pub struct ScoreArgs {
    /// Workbooks, or folders searched recursively for .xlsx, .xls and .ods.
    #[arg(required = true, value_name = "INPUTS")]
    pub inputs: Vec<PathBuf>,
    /// Where to write: FILE.json, FILE.csv, FILE.parquet, or a folder for partitioned Parquet.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// A built-in framework id or a framework file.
    #[arg(long, default_value = "kh-ncmf", value_name = "ID|FILE")]
    pub framework: String,
    /// The agency registry (CSV: agency_id,name_en,name_km,sector).
    #[arg(long, value_name = "CSV")]
    pub registry: Option<PathBuf>,
    /// Refuse workbook files larger than this.
    #[arg(long, value_name = "MIB", default_value_t = 200)]
    pub max_file_mib: u64,
    /// Refuse a zip member that inflates past this (compression bombs).
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    pub max_member_mib: u64,
    /// Refuse a workbook whose zip members inflate past this in all.
    #[arg(long, value_name = "MIB", default_value_t = 128)]
    pub max_inflated_mib: u64,
    /// Refuse an Assessment sheet with more rows than this.
    #[arg(long, value_name = "ROWS", default_value_t = 100_000)]
    pub max_rows: u32,
}

/// The arguments, checked: nothing here can fail once work starts.
struct ScoreConfig {
    inputs: Vec<PathBuf>,
    out: PathBuf,
    format: Format,
    framework: Framework,
    registry: Option<Registry>,
    limits: Limits,
}

impl ScoreConfig {
    fn new(args: ScoreArgs) -> Result<Self, ConfigError> {
        let format = Format::for_path(&args.out).ok_or_else(|| {
            ConfigError(format!(
                "failed to choose an export for `{}` (unknown extension)\nhint: use .json, .csv, .parquet, or a folder for Parquet partitioned by cycle",
                args.out.display()
            ))
        })?;
        let mib = |flag: &str, v: u64| -> Result<u64, ConfigError> {
            if v == 0 {
                return Err(ConfigError(format!("--{flag} must be at least 1")));
            }
            v.checked_mul(1024 * 1024)
                .ok_or_else(|| ConfigError(format!("--{flag} {v} is too large")))
        };
        if args.max_rows == 0 {
            return Err(ConfigError("--max-rows must be at least 1".into()));
        }
        let limits = Limits {
            max_file_bytes: mib("max-file-mib", args.max_file_mib)?,
            max_member_bytes: mib("max-member-mib", args.max_member_mib)?,
            max_total_inflated_bytes: mib("max-inflated-mib", args.max_inflated_mib)?,
            max_assessment_rows: args.max_rows,
        };
        let framework = framework::resolve(&args.framework)?;
        let registry = match &args.registry {
            Some(path) => Some(registry::load_registry(path)?),
            None => None,
        };
        Ok(ScoreConfig {
            inputs: args.inputs,
            out: args.out,
            format,
            framework,
            registry,
            limits,
        })
    }
}

pub fn run(args: ScoreArgs) -> CmdResult {
    let config = ScoreConfig::new(args)?;
    let files = ingest::discover(&config.inputs)?;
    if files.is_empty() {
        return Err(ConfigError(format!(
            "failed to find workbooks in {} (no .xlsx, .xls or .ods files)",
            config
                .inputs
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let options = IngestOptions {
        framework: &config.framework,
        registry: config.registry.as_ref(),
        limits: config.limits,
    };
    let progress = files.len() > 1 && std::io::stderr().is_terminal();
    let submissions = ingest::ingest(&files, &options, progress);

    let registry = config.registry.as_ref();
    let scores = score_all(&config.framework, &submissions, registry);
    let national = aggregate(&config.framework, &scores, &submissions, registry);
    let doc = export::build_document(
        &config.framework,
        registry,
        &submissions,
        &scores,
        &national,
    );
    let written = export::write(&config.framework, &doc, config.format, &config.out)
        .map_err(|e| ConfigError(e.to_string()))?;

    report_rejects(&submissions);
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
    Ok(if rejected > 0 {
        Exit::SomeRejected
    } else {
        Exit::Success
    })
}

/// Every rejected file with every error, so that CSV and Parquet users (whose exports
/// hold scored agencies only) still see what was left out and why.
fn report_rejects(submissions: &[Submission]) {
    for s in submissions.iter().filter(|s| s.status == Status::Rejected) {
        eprintln!("rejected: {}", s.file);
        for e in &s.errors {
            let at = e.location();
            if at.is_empty() {
                eprintln!("  {}", e.message);
            } else {
                eprintln!("  {at}: {}", e.message);
            }
        }
    }
}
