//! `posture report INPUTS... --out DIR`: read, score and aggregate the workbooks like
//! `posture score`, then render the national report, the brief and one gap analysis per
//! scored agency as PDF (SPEC sections 7 and 8), with the chart SVGs and `scores.json`.
//! typst is found and checked before anything is read or written.

use std::path::PathBuf;

use clap::Args;

use super::assets::{load_report_assets, locate_typst};
use super::inputs::{print_rejects, read_inputs, IngestArgs, IngestConfig, Returns};
use super::{CmdResult, ConfigError, Exit};
use crate::aggregate::aggregate_scored;
use crate::cycle::Cycle;
use crate::export;
use crate::lang::Lang;
use crate::report::{self, Assets, BuildOptions, CompileOptions, ReportInput, Typst};
use crate::score::score_batch;
use crate::workbook::ingest::Retain;
use crate::workbook::Status;

#[derive(Args, Debug)]
#[command(
    after_help = "Writes national-report.pdf, brief.pdf, agencies/<agency id>.pdf, \
action-plans/<agency id>.xlsx, charts/*.svg and scores.json into --out. Needs the typst CLI 0.15.1 (scripts/setup.sh); \
POSTURE_TYPST names the binary, POSTURE_FONT_PATH adds font folders.

Examples:
  posture report returned/ --registry data/agencies.csv --out reports/
  posture report data/submissions --registry data/agencies.csv --lang km --out reports-km/
  posture report data/submissions --registry data/agencies.csv --plans data/plans --out reports/
  posture report data/submissions --registry data/agencies.csv --verification data/verification --out reports/"
)]
pub struct ReportArgs {
    /// Workbooks, or folders searched recursively for .xlsx, .xls and .ods.
    #[arg(required = true, value_name = "INPUTS")]
    pub inputs: Vec<PathBuf>,
    /// The folder to write the reports into (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub common: IngestArgs,
    /// Report language: en or km.
    #[arg(long, default_value = "en")]
    pub lang: Lang,
    /// The cycle to report on (default: the latest among the inputs).
    #[arg(long, value_name = "CYCLE")]
    pub cycle: Option<Cycle>,
    /// A folder whose files replace the built-in templates of the same name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// A folder of returned action plans (action-plans/<agency>.xlsx from the previous
    /// cycle's report, filled in): their progress goes into the reports and scores.json.
    #[arg(long, value_name = "DIR")]
    pub plans: Option<PathBuf>,
    /// Keep the generated Typst sources in a `.posture-build-*` folder inside --out.
    #[arg(long)]
    pub keep_build: bool,
    /// Returned verification workbooks (SPEC section 10): a Verification section in the
    /// national report, verified overalls in the agency reports.
    #[arg(long, value_name = "DIR")]
    pub verification: Option<PathBuf>,
}

/// The arguments, checked: nothing here can fail once work starts.
struct ReportConfig {
    inputs: Vec<PathBuf>,
    out: PathBuf,
    verification: Option<PathBuf>,
    ingest: IngestConfig,
    typst: Typst,
    assets: Assets,
    plans: Option<PathBuf>,
    build: BuildOptions,
    compile: CompileOptions,
}

impl ReportConfig {
    fn new(args: ReportArgs) -> Result<Self, ConfigError> {
        // First, so that a missing typst is reported before anything is read or written.
        let typst = locate_typst()?;
        let assets = load_report_assets(args.templates.as_deref())?;
        let ingest = IngestConfig::new(&args.common)?;
        if args.out.exists() && !args.out.is_dir() {
            return Err(ConfigError::new(format!(
                "failed to use `{}` as the output folder (it is a file)",
                args.out.display()
            )));
        }
        Ok(ReportConfig {
            inputs: args.inputs,
            out: args.out,
            verification: args.verification,
            ingest,
            typst,
            assets,
            plans: args.plans,
            build: BuildOptions {
                lang: args.lang,
                cycle: args.cycle,
            },
            compile: CompileOptions {
                keep_build: args.keep_build,
                ..CompileOptions::default()
            },
        })
    }
}

pub fn run(args: ReportArgs) -> CmdResult {
    let mut config = ReportConfig::new(args)?;
    let batch = read_inputs(&config.inputs, &config.ingest, Retain::Everything)?;
    let (submissions, cells) = (batch.submissions, batch.cells);
    let registry = config.ingest.registry.as_ref();
    let framework = &config.ingest.framework;
    let scored = score_batch(framework, &submissions, &cells, registry);
    let national = aggregate_scored(framework, &scored, &submissions, registry);
    let mut doc = export::build_document(framework, registry, &submissions, &scored, &national);
    let cycle = config
        .build
        .cycle
        .clone()
        .or_else(|| crate::score::latest_cycle(&scored.scores, &submissions))
        .unwrap_or_default();
    let returns = Returns::read(
        config.plans.as_deref(),
        config.verification.as_deref(),
        &config.ingest,
        &scored.scores,
        &cycle,
    )?;
    returns.attach(&mut doc);
    config
        .compile
        .extra_files
        .push(("scores.json".into(), export::to_json(&doc)));

    let input = ReportInput {
        framework,
        registry,
        submissions: &submissions,
        scores: &scored.scores,
        assurance: &scored.assurance,
        national: &national,
        plans: returns.plans.as_ref(),
        verification: returns.verified.as_ref(),
    };
    let outcome = report::render(
        &input,
        &config.assets,
        &config.typst,
        &config.out,
        &config.build,
        &config.compile,
    )
    .map_err(|e| ConfigError::new(e.to_string()))?;

    print_rejects(&submissions);
    returns.print();
    for (document, reason) in &outcome.failed {
        eprintln!("error: failed to produce {document} ({reason})");
    }
    let count = |status: Status| submissions.iter().filter(|s| s.status == status).count();
    let rejected = count(Status::Rejected);
    let pdfs = outcome
        .written
        .iter()
        .filter(|w| w.ends_with(".pdf"))
        .count();
    eprintln!(
        "{} workbook(s): {} scored, {} duplicate, {rejected} rejected; cycle {}: wrote {pdfs} PDF(s) into {}",
        submissions.len(),
        count(Status::Scored),
        count(Status::Duplicate),
        outcome.cycle,
        config.out.display()
    );
    if let Some(dir) = &outcome.build_dir {
        eprintln!("kept the Typst sources in {}", dir.display());
    }
    Ok(
        if rejected > 0 || returns.rejected() > 0 || !outcome.failed.is_empty() {
            Exit::SomeRejected
        } else {
            Exit::Success
        },
    )
}
