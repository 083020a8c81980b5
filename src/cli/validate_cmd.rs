//! `posture validate INPUTS...`: located diagnostics for each workbook, grouped by file,
//! in colour on a terminal, plain when piped, or JSON. Nothing else is written.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anstyle::{AnsiColor, Style};
use clap::{Args, ValueEnum};
use serde_json::json;

use super::{CmdResult, ConfigError, Exit};
use crate::framework::{self, Framework};
use crate::registry::{self, Registry};
use crate::workbook::ingest::{self, IngestOptions};
use crate::workbook::{Diagnostic, Limits, Status, Submission};

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  posture validate returned/\n  posture validate moh-2026.xlsx --registry data/agencies.csv --format json"
)]
pub struct ValidateArgs {
    /// Workbooks, or folders searched recursively for .xlsx, .xls and .ods.
    #[arg(required = true, value_name = "INPUTS")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub common: IngestArgs,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
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
                return Err(ConfigError(format!("--{flag} must be at least 1")));
            }
            v.checked_mul(1024 * 1024)
                .ok_or_else(|| ConfigError(format!("--{flag} {v} is too large")))
        };
        let limits = Limits {
            max_file_bytes: mib("max-file-mib", args.max_file_mib)?,
            max_member_bytes: mib("max-member-mib", args.max_member_mib)?,
            max_total_inflated_bytes: mib("max-inflated-mib", args.max_inflated_mib)?,
            max_assessment_rows: if args.max_rows == 0 {
                return Err(ConfigError("--max-rows must be at least 1".into()));
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

/// Find and read the workbooks of INPUTS; a progress bar shows on a terminal.
pub fn read_inputs(
    inputs: &[PathBuf],
    config: &IngestConfig,
) -> Result<Vec<Submission>, ConfigError> {
    let files = ingest::discover(inputs)?;
    if files.is_empty() {
        return Err(ConfigError(format!(
            "failed to find workbooks in {} (no .xlsx, .xls or .ods files)",
            inputs
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let progress = files.len() > 1 && std::io::stderr().is_terminal();
    Ok(ingest::ingest(&files, &config.options(), progress))
}

pub fn run(args: ValidateArgs) -> CmdResult {
    let config = IngestConfig::new(&args.common)?;
    let subs = read_inputs(&args.inputs, &config)?;
    let mut out = anstream::stdout().lock();
    match args.format {
        Format::Text => write_text(&mut out, &subs, &config.framework)?,
        Format::Json => {
            let doc = to_json(&subs, &config.framework);
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(exit_for(&subs))
}

/// 0 when every input is scored or counted once as a duplicate, 1 when any is rejected.
pub fn exit_for(subs: &[Submission]) -> Exit {
    if subs.iter().any(|s| s.status == Status::Rejected) {
        Exit::SomeRejected
    } else {
        Exit::Success
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn line_for(d: &Diagnostic) -> String {
    let loc = d.location();
    if loc.is_empty() {
        d.message.clone()
    } else {
        format!("{loc}: {}", d.message)
    }
}

/// The text report. `out` strips colour itself when it is not a terminal.
pub fn write_text(
    out: &mut impl Write,
    subs: &[Submission],
    framework: &Framework,
) -> std::io::Result<()> {
    let bold = Style::new().bold();
    let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    let yellow = Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold();
    let green = Style::new().fg_color(Some(AnsiColor::Green.into())).bold();
    let total = framework.questions.len();
    for s in subs {
        let counts = format!(
            "{}, {}",
            plural(s.errors.len(), "error"),
            plural(s.warnings.len(), "warning")
        );
        let head = match s.status {
            Status::Rejected => format!("{red}rejected{red:#} ({counts})"),
            Status::Duplicate => format!(
                "{yellow}duplicate{yellow:#} ({})",
                plural(s.warnings.len(), "warning")
            ),
            Status::Scored => {
                let answered = s
                    .answers
                    .iter()
                    .filter(|a| a.answer != crate::workbook::Answer::Unanswered)
                    .count();
                format!(
                    "{green}ok{green:#} (scored: {} {}, {answered}/{total} answered)",
                    s.agency_id().unwrap_or("?"),
                    s.cycle().unwrap_or("?")
                )
            }
        };
        writeln!(out, "{bold}{}{bold:#}: {head}", s.file)?;
        for e in &s.errors {
            writeln!(out, "  {red}error{red:#}: {}", line_for(e))?;
        }
        for w in &s.warnings {
            writeln!(out, "  {yellow}warning{yellow:#}: {}", line_for(w))?;
        }
    }
    let count = |st: Status| subs.iter().filter(|s| s.status == st).count();
    writeln!(
        out,
        "{}: {} ok, {} rejected, {} duplicate",
        plural(subs.len(), "file"),
        count(Status::Scored),
        count(Status::Rejected),
        count(Status::Duplicate)
    )
}

/// The JSON report: the `submissions` entries of SPEC section 6, plus counts.
pub fn to_json(subs: &[Submission], framework: &Framework) -> serde_json::Value {
    let diag = |d: &Diagnostic| json!({"sheet": d.sheet, "cell": d.cell, "message": d.message});
    let submissions: Vec<serde_json::Value> = subs
        .iter()
        .map(|s| {
            json!({
                "file": s.file,
                "sha256": s.sha256,
                "status": s.status,
                "agency_id": s.agency_id(),
                "cycle": s.cycle(),
                "errors": s.errors.iter().map(diag).collect::<Vec<_>>(),
                "warnings": s.warnings.iter().map(diag).collect::<Vec<_>>(),
            })
        })
        .collect();
    let count = |st: Status| subs.iter().filter(|s| s.status == st).count();
    json!({
        "tool": {"name": "posture", "version": crate::VERSION},
        "framework": {"id": framework.id, "version": framework.version, "sha256": framework.sha256},
        "submissions": submissions,
        "summary": {
            "files": subs.len(),
            "scored": count(Status::Scored),
            "rejected": count(Status::Rejected),
            "duplicate": count(Status::Duplicate),
        },
    })
}
