//! `posture verify plan`: the national CERT's spot-check sample (SPEC section 10).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::inputs::{print_rejects, read_inputs, IngestArgs, IngestConfig};
use super::{write_out, CmdResult, ConfigError, Exit};
use crate::cycle::Cycle;
use crate::score::score_batch;
use crate::verify::plan::plan;
use crate::workbook::ingest::Retain;
use crate::workbook::template::verification::verification_bytes;
use crate::workbook::Status;

#[derive(Subcommand, Debug)]
pub enum VerifyCommand {
    /// Pick the agencies to verify and write DIR/plan.json with the reason for each pick.
    #[command(
        after_help = "The sample is deterministic for the same inputs and seed: \
low-confidence agencies first (at most half of N), the rest drawn by sector.

The verifiers fill in verified_level (and note) and send the workbooks back; read them with \
`posture score` or `posture report` and `--verification DIR`.

Example:
  posture verify plan returned/ --registry data/agencies.csv --sample 6 --out verify/
  posture report returned/ --registry data/agencies.csv --verification verify/ --out reports/"
    )]
    Plan(PlanArgs),
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// Workbooks, or folders searched recursively for .xlsx, .xls and .ods.
    #[arg(required = true, value_name = "INPUTS")]
    pub inputs: Vec<PathBuf>,
    /// How many agencies to pick.
    #[arg(long, value_name = "N")]
    pub sample: usize,
    /// The seed of the draw.
    #[arg(long, default_value_t = 0, value_name = "S")]
    pub seed: u64,
    /// The cycle to sample (default: the latest among the inputs).
    #[arg(long, value_name = "C")]
    pub cycle: Option<String>,
    /// The folder for plan.json and the verification workbooks.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub common: IngestArgs,
}

pub fn run(cmd: VerifyCommand) -> CmdResult {
    match cmd {
        VerifyCommand::Plan(args) => run_plan(args),
    }
}

fn run_plan(args: PlanArgs) -> CmdResult {
    if args.common.registry.is_none() {
        return Err(ConfigError::new("verify plan needs --registry")
            .with_hint("the registry's sectors drive the sector draw"));
    }
    if args.sample == 0 {
        return Err(ConfigError::new("--sample must be at least 1"));
    }
    let ingest = IngestConfig::new(&args.common)?;
    let cycle = args
        .cycle
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(Cycle::new);
    let batch = read_inputs(&args.inputs, &ingest, Retain::Levels)?;
    let scored = score_batch(
        &ingest.framework,
        &batch.submissions,
        &batch.cells,
        ingest.registry.as_ref(),
    );
    let plan = plan(&scored, cycle.as_ref(), args.sample, args.seed).ok_or_else(|| {
        ConfigError::new(match &cycle {
            Some(c) => format!("no agency of cycle {} was scored", c.as_str()),
            None => "no agency was scored".to_string(),
        })
    })?;
    std::fs::create_dir_all(&args.out).map_err(|e| {
        ConfigError::new(format!(
            "failed to create folder {} ({e})",
            args.out.display()
        ))
    })?;
    let stems = crate::file_name::unique_stems(plan.picked.iter().map(|p| p.agency_id.as_str()));
    for pick in &plan.picked {
        let (Some(score), Some(sub)) = (
            scored
                .scores
                .iter()
                .find(|s| s.agency_id == pick.agency_id && s.cycle == plan.cycle),
            batch.submissions.iter().find(|s| s.file == pick.file),
        ) else {
            continue;
        };
        let bytes = verification_bytes(&ingest.framework, &sub.profile, &score.answers)
            .map_err(|e| ConfigError::new(e.to_string()))?;
        let file = args
            .out
            .join(format!("{}-verify.xlsx", stems[&pick.agency_id]));
        crate::atomic_file::write(&file, &bytes)
            .map_err(|e| ConfigError::new(format!("failed to write {} ({e})", file.display())))?;
    }
    let path = args.out.join("plan.json");
    let mut json = serde_json::to_vec_pretty(&plan)?;
    json.push(b'\n');
    crate::atomic_file::write(&path, &json)
        .map_err(|e| ConfigError::new(format!("failed to write {} ({e})", path.display())))?;

    print_rejects(&batch.submissions);
    write_out(std::io::stdout().lock(), |out| {
        for p in &plan.picked {
            let reason = serde_json::to_value(p.reason).unwrap_or_default();
            writeln!(
                out,
                "{}\t{}\t{}",
                p.agency_id,
                p.sector,
                reason.as_str().unwrap_or_default()
            )?;
        }
        writeln!(
            out,
            "picked {} of {} agencies of cycle {}; wrote {}",
            plan.picked.len(),
            plan.agencies,
            plan.cycle.as_str(),
            path.display()
        )
    })?;
    let rejected = batch
        .submissions
        .iter()
        .any(|s| s.status == Status::Rejected);
    Ok(if rejected {
        Exit::SomeRejected
    } else {
        Exit::Success
    })
}
