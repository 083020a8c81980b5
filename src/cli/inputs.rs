//! The flags and set-up every command that reads workbooks shares (`validate`, `score`,
//! `report`): framework, registry and the limits for hostile files, checked before any work.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args;

use super::ConfigError;
use crate::cycle::Cycle;
use crate::export::ScoresDocument;
use crate::framework::{self, Framework};
use crate::lang::Lang;
use crate::plan::batch::{read_plans, Plans};
use crate::registry::{self, Registry};
use crate::score::AgencyScore;
use crate::verify::{read_verifications, FileStatus, Verified, VerifyOptions};
use crate::workbook::ingest::{self, IngestOptions, Retain};
use crate::workbook::{Diagnostic, Limits, Status, Submission};

/// The flags every command that reads workbooks shares.
#[derive(Args, Debug)]
pub struct IngestArgs {
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

/// What `IngestArgs` become once checked: nothing here can fail later.
pub struct IngestConfig {
    pub framework: Framework,
    pub registry: Option<Registry>,
    pub limits: Limits,
}

impl IngestConfig {
    pub fn new(args: &IngestArgs) -> Result<Self, ConfigError> {
        let mib = |flag: &str, v: u64| -> Result<u64, ConfigError> {
            if v == 0 {
                return Err(ConfigError::new(format!("--{flag} must be at least 1")));
            }
            v.checked_mul(1024 * 1024)
                .ok_or_else(|| ConfigError::new(format!("--{flag} {v} is too large")))
        };
        let limits = Limits {
            max_file_bytes: mib("max-file-mib", args.max_file_mib)?,
            max_member_bytes: mib("max-member-mib", args.max_member_mib)?,
            max_total_inflated_bytes: mib("max-inflated-mib", args.max_inflated_mib)?,
            max_assessment_rows: if args.max_rows == 0 {
                return Err(ConfigError::new("--max-rows must be at least 1"));
            } else {
                args.max_rows
            },
        };
        let framework = framework::resolve(&args.framework)?;
        let registry = match &args.registry {
            Some(path) => Some(registry::load_registry(path)?),
            None => None,
        };
        Ok(IngestConfig {
            framework,
            registry,
            limits,
        })
    }

    pub fn options(&self) -> IngestOptions<'_> {
        IngestOptions {
            framework: &self.framework,
            registry: self.registry.as_ref(),
            limits: self.limits,
        }
    }
}

/// Find and read the workbooks of INPUTS; a progress bar shows on a terminal. The batch
/// keeps where each workbook's answers sit, for the assurance flags.
pub fn read_inputs(
    inputs: &[PathBuf],
    config: &IngestConfig,
    retain: Retain,
) -> Result<ingest::Batch, ConfigError> {
    let files = ingest::discover(inputs)?;
    if files.is_empty() {
        return Err(ConfigError::new(format!(
            "failed to find workbooks in {} (no .xlsx, .xls or .ods files)",
            inputs
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let progress = files.len() > 1 && std::io::stderr().is_terminal();
    Ok(ingest::ingest_located(
        &files,
        &config.options(),
        progress,
        retain,
    ))
}

/// Every rejected file with every error on stderr, so that users of the exports and
/// reports (which hold scored agencies only) still see what was left out and why.
pub fn print_rejects(submissions: &[Submission]) {
    for s in submissions.iter().filter(|s| s.status == Status::Rejected) {
        eprintln!("rejected: {}", s.file);
        for e in &s.errors {
            eprintln!("  {}", e.line(Lang::En));
        }
    }
}

/// Find and read the returned action plans under `dir` (`--plans`), judged against the
/// scores of `cycle` (SPEC section 11). A folder that cannot be searched is a configuration
/// error; a bad plan file is a rejected entry.
fn read_returned_plans(
    dir: &Path,
    config: &IngestConfig,
    scores: &[AgencyScore],
    cycle: &Cycle,
) -> Result<Plans, ConfigError> {
    let files = ingest::discover(&[dir.to_path_buf()])?;
    if files.is_empty() {
        eprintln!(
            "warning: no returned action plans (.xlsx, .xls, .ods) found in `{}`",
            dir.display()
        );
    }
    Ok(read_plans(
        &config.framework,
        scores,
        cycle,
        &files,
        &config.limits,
    ))
}

/// Find and read the returned verification workbooks under `dir` (`--verification`, SPEC
/// section 10) against the scored agencies, and compute what they say. A folder without
/// workbooks is not an error: nothing was verified yet, and `verification_files` is empty.
fn read_verification(
    dir: &Path,
    config: &IngestConfig,
    scores: &[AgencyScore],
) -> Result<Verified, ConfigError> {
    let files = ingest::discover(&[dir.to_path_buf()])?;
    if files.is_empty() {
        eprintln!(
            "warning: no verification workbooks in `{}` (no .xlsx, .xlsb, .xls or .ods files)",
            dir.display()
        );
    }
    let opts = VerifyOptions {
        framework: &config.framework,
        scores,
        limits: config.limits,
    };
    let read = read_verifications(&files, &opts);
    Ok(Verified::of(&config.framework, scores, read))
}

/// What came back beside the submissions: the returned action plans (`--plans`) and
/// verification workbooks (`--verification`), each read only when its folder was given.
pub struct Returns {
    pub plans: Option<Plans>,
    pub verified: Option<Verified>,
}

impl Returns {
    /// Read both folders; plans are judged against the scores of `cycle`.
    pub fn read(
        plans: Option<&Path>,
        verification: Option<&Path>,
        config: &IngestConfig,
        scores: &[AgencyScore],
        cycle: &Cycle,
    ) -> Result<Returns, ConfigError> {
        Ok(Returns {
            plans: plans
                .map(|dir| read_returned_plans(dir, config, scores, cycle))
                .transpose()?,
            verified: verification
                .map(|dir| read_verification(dir, config, scores))
                .transpose()?,
        })
    }

    /// `plan_files`, `plan_progress`, `verification_files` and the verification blocks.
    pub fn attach(&self, doc: &mut ScoresDocument) {
        if let Some(plans) = &self.plans {
            doc.attach_plans(plans);
        }
        if let Some(verified) = &self.verified {
            doc.attach_verification(verified);
        }
    }

    /// Returned files that were rejected: each makes the exit status 1.
    pub fn rejected(&self) -> usize {
        self.plans.as_ref().map_or(0, Plans::rejected)
            + self.verified.as_ref().map_or(0, Verified::rejected)
    }

    /// Every rejected file with every error on stderr, then one count line per kind.
    pub fn print(&self) {
        if let Some(plans) = &self.plans {
            let counts = print_files(
                "plan",
                plans
                    .files
                    .iter()
                    .map(|f| (f.file.as_str(), f.status, &f.errors[..])),
            );
            eprintln!(
                "{} action plan(s): {counts}; progress counted for {} of {} agencies of cycle {} with a plan to return",
                plans.files.len(),
                plans.counted.len(),
                plans.expected_from.len(),
                plans.cycle,
            );
        }
        if let Some(verified) = &self.verified {
            let counts = print_files(
                "verification",
                verified
                    .files
                    .iter()
                    .map(|f| (f.file.as_str(), f.status, &f.errors[..])),
            );
            eprintln!(
                "{} verification workbook(s): {counts}",
                verified.files.len()
            );
        }
    }
}

/// Print every rejected file of one kind (`rejected <what>: <file>`, then its errors) and
/// return the counts by status (`8 used, 0 duplicate, 1 rejected`).
fn print_files<'a>(
    what: &str,
    files: impl Iterator<Item = (&'a str, FileStatus, &'a [Diagnostic])>,
) -> String {
    let (mut used, mut duplicate, mut rejected) = (0, 0, 0);
    for (file, status, errors) in files {
        match status {
            FileStatus::Used => used += 1,
            FileStatus::Duplicate => duplicate += 1,
            FileStatus::Rejected => rejected += 1,
        }
        if status == FileStatus::Rejected {
            eprintln!("rejected {what}: {file}");
            for e in errors {
                eprintln!("  {}", e.line(Lang::En));
            }
        }
    }
    format!("{used} used, {duplicate} duplicate, {rejected} rejected")
}
