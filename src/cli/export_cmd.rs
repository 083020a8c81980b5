//! `posture export oscal INPUTS... --out DIR`: read and score the workbooks like `posture
//! score`, then write per scored agency of the cycle its OSCAL assessment results and, when
//! it has a question gap, its POA&M (SPEC section 11). The documents themselves come from
//! [`crate::export::oscal`]; this module picks the cycle, names the files and writes them.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::inputs::{print_rejects, read_inputs, IngestArgs, IngestConfig};
use super::{CmdResult, ConfigError, Exit};
use crate::cycle::Cycle;
use crate::export::oscal;
use crate::file_name::{stem, unique_stems};
use crate::score::score_batch;
use crate::workbook::ingest::Retain;
use crate::workbook::Status;

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Write OSCAL 1.2 assessment results and POA&Ms, one of each per scored agency.
    #[command(
        after_help = "Writes DIR/<agency id>-<cycle>-assessment-results.json for every agency \
scored in the cycle, and DIR/<agency id>-<cycle>-poam.json for every one of them with a \
question below target (one POA&M item per gap, in priority order). OSCAL version 1.2.1; the \
same inputs give the same bytes. docs/oscal.md has the mapping and how to check the files \
with compliance-trestle.

Examples:
  posture export oscal returned/ --registry data/agencies.csv --out oscal/
  posture export oscal 2025/ 2026/ --cycle 2025 --out oscal-2025/"
    )]
    Oscal(OscalArgs),
}

#[derive(Args, Debug)]
pub struct OscalArgs {
    /// Workbooks, or folders searched recursively for .xlsx, .xlsb, .xls and .ods.
    #[arg(required = true, value_name = "INPUTS")]
    pub inputs: Vec<PathBuf>,
    /// The cycle to export (default: the latest with a scored agency).
    #[arg(long, value_name = "C")]
    pub cycle: Option<Cycle>,
    /// The folder to write the OSCAL files into (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub common: IngestArgs,
}

pub fn run(cmd: ExportCommand) -> CmdResult {
    match cmd {
        ExportCommand::Oscal(args) => run_oscal(args),
    }
}

fn run_oscal(args: OscalArgs) -> CmdResult {
    let ingest = IngestConfig::new(&args.common)?;
    if args.out.exists() && !args.out.is_dir() {
        return Err(ConfigError::new(format!(
            "failed to use `{}` as the output folder (it is a file)",
            args.out.display()
        )));
    }
    let batch = read_inputs(&args.inputs, &ingest, Retain::Levels)?;
    let submissions = &batch.submissions;
    let framework = &ingest.framework;
    let scored = score_batch(
        framework,
        submissions,
        &batch.cells,
        ingest.registry.as_ref(),
    );
    let cycle = match args.cycle {
        Some(c) => {
            let known = scored.scores.iter().any(|s| s.cycle == c)
                || submissions.iter().any(|s| s.cycle() == Some(c.as_str()));
            if !known {
                return Err(ConfigError::new(format!(
                    "failed to select cycle `{c}` (no input belongs to it)"
                )));
            }
            Some(c)
        }
        // The latest cycle with a scored agency: OSCAL results need an assessed agency.
        None => crate::score::latest_cycle(&scored.scores, &[]),
    };
    let docs = match &cycle {
        Some(c) => oscal::documents_for_cycle(framework, &scored.scores, submissions, c),
        None => Vec::new(),
    };

    std::fs::create_dir_all(&args.out).map_err(|e| {
        ConfigError::new(format!(
            "failed to create folder {} ({e})",
            args.out.display()
        ))
    })?;
    // What to write (`Some`) and which stale POA&M to remove (`None`): a POA&M left by an
    // earlier run for an agency that now has no gap would read as a current plan.
    let stems = unique_stems(docs.iter().map(|d| d.agency_id.as_str()));
    let mut planned: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
    for doc in &docs {
        let stem = format!(
            "{}-{}",
            stems.get(&doc.agency_id).map_or("_", String::as_str),
            stem(doc.cycle.as_str())
        );
        planned.push((
            args.out.join(format!("{stem}-assessment-results.json")),
            Some(oscal::to_bytes(&doc.assessment_results)),
        ));
        planned.push((
            args.out.join(format!("{stem}-poam.json")),
            doc.poam.as_ref().map(oscal::to_bytes),
        ));
    }
    let (results, poams) = (docs.len(), docs.iter().filter(|d| d.poam.is_some()).count());
    let mut written: Vec<String> = Vec::new();
    for (i, (path, bytes)) in planned.iter().enumerate() {
        let failed = |what: &str, e: std::io::Error, written: &[String]| {
            let not_written: Vec<String> = planned[i..]
                .iter()
                .filter(|(_, b)| b.is_some())
                .map(|(p, _)| p.display().to_string())
                .collect();
            ConfigError::new(format!(
                "failed to {what} {} ({e}){}",
                path.display(),
                crate::atomic_file::partial_note(written, &not_written)
            ))
        };
        match bytes {
            Some(bytes) => {
                crate::atomic_file::write(path, bytes).map_err(|e| failed("write", e, &written))?;
                written.push(path.display().to_string());
            }
            None if path.is_file() => {
                std::fs::remove_file(path).map_err(|e| failed("remove", e, &written))?;
            }
            None => {}
        }
    }

    print_rejects(submissions);
    let count = |status: Status| submissions.iter().filter(|s| s.status == status).count();
    let rejected = count(Status::Rejected);
    eprintln!(
        "{} workbook(s): {} scored, {} duplicate, {rejected} rejected; {}: wrote {results} \
         assessment result(s) and {poams} POA&M(s) into {}",
        submissions.len(),
        count(Status::Scored),
        count(Status::Duplicate),
        cycle
            .as_ref()
            .map_or_else(|| "no agency scored".to_string(), |c| format!("cycle {c}")),
        args.out.display()
    );
    Ok(if rejected > 0 {
        Exit::SomeRejected
    } else {
        Exit::Success
    })
}
