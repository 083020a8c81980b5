//! `posture demo [--out DIR]`: the whole pipeline on the bundled sample data, as a new user
//! would run it by hand. The sample (registry and two cycles of workbooks, and the CSIRT
//! network's teams and self-assessments under `csirt/`) is embedded in the binary by
//! `build.rs`, so the command works from any directory.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use clap::Args;

use super::{write_out, CmdResult, ConfigError, Exit};
use crate::workbook::template::write_atomic;

include!(concat!(env!("OUT_DIR"), "/sample_data.rs"));

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  posture demo\n  posture demo --out /tmp/posture-demo\n\n\
Writes the sample inputs to DIR/sample-data/, then validates, scores (JSON, CSV, Parquet) and \
renders every report in English (DIR/) and Khmer (DIR/km/), with each agency's action plan and \
the progress of the 2025 plans sent back, and the national CERT's spot checks of six agencies \
(sample-data/verification/), exports OSCAL assessment results and POA&Ms (DIR/oscal/), then \
the CSIRT network's reports \
against the csirt-maturity framework (DIR/csirt/). The sample contains a few \
deliberate mistakes, so some workbooks are rejected and listed in the reports' annex."
)]
pub struct DemoArgs {
    /// The folder to write everything into (created when missing).
    #[arg(long, value_name = "DIR", default_value = "demo-output")]
    pub out: PathBuf,
}

pub fn run(args: DemoArgs) -> CmdResult {
    // Checked first, so a missing typst or font stops the demo before anything is written.
    super::assets::locate_typst()?;
    super::assets::load_report_assets(None)?;
    let out = args.out;
    let data = out.join("sample-data");
    extract_sample(&data)?;
    let registry = data.join("agencies.csv");
    let submissions = data.join("submissions");
    let plans = data.join("plans");
    let verification = data.join("verification");
    let teams = data.join("csirt").join("teams.csv");
    let csirt_submissions = data.join("csirt").join("submissions");
    let path = |p: &Path| p.display().to_string();
    let mut csirt_report = report_args(&csirt_submissions, &teams, &out.join("csirt"), "en");
    csirt_report.extend(["--framework".into(), "csirt-maturity".into()]);

    let steps: Vec<(&str, Vec<String>)> =
        vec![
        (
            "validate the returned workbooks",
            vec![
                "validate".into(),
                path(&submissions),
                "--registry".into(),
                path(&registry),
            ],
        ),
        (
            "score and export (CSV)",
            score_args(&submissions, &registry, &out.join("scores.csv")),
        ),
        (
            "score and export (Parquet, for DuckDB or Spark)",
            score_args(&submissions, &registry, &out.join("scores.parquet")),
        ),
        (
            "render the reports in English (with scores.json, the action plans, the 2025 plans' progress and the national CERT's spot checks)",
            with_verification(
                with_plans(report_args(&submissions, &registry, &out, "en"), &plans),
                &verification,
            ),
        ),
        (
            "render the reports in Khmer",
            with_verification(
                with_plans(
                    report_args(&submissions, &registry, &out.join("km"), "km"),
                    &plans,
                ),
                &verification,
            ),
        ),
        (
            "export OSCAL 1.2.1 assessment results and POA&Ms (one each per agency of 2026)",
            vec![
                "export".into(),
                "oscal".into(),
                path(&submissions),
                "--registry".into(),
                path(&registry),
                "--out".into(),
                path(&out.join("oscal")),
            ],
        ),
        (
            "render the CSIRT network's reports (framework csirt-maturity)",
            csirt_report,
        ),
    ];
    let total = steps.len();
    for (number, (what, argv)) in steps.into_iter().enumerate() {
        eprintln!("\n== step {}/{total}: {what}", number + 1);
        eprintln!("$ posture {}", argv.join(" "));
        let code = super::run_args(std::iter::once("posture".to_string()).chain(argv));
        // The sample rejects a few workbooks on purpose; exit 1 means "produced, with rejects".
        if code != Exit::Success as i32 && code != Exit::SomeRejected as i32 {
            return Err(ConfigError::new(format!(
                "demo step `{what}` failed (exit {code})"
            )));
        }
    }

    let outputs = [
        ("national report", out.join("national-report.pdf")),
        ("policymaker brief", out.join("brief.pdf")),
        ("agency reports", out.join("agencies")),
        ("action plans", out.join("action-plans")),
        ("charts", out.join("charts")),
        ("scores (JSON)", out.join("scores.json")),
        ("scores (CSV)", out.join("scores.csv")),
        ("scores (Parquet)", out.join("scores.parquet")),
        ("Khmer reports", out.join("km")),
        ("OSCAL", out.join("oscal")),
        ("CSIRT network", out.join("csirt")),
    ];
    write_out(std::io::stdout().lock(), |stdout| {
        writeln!(stdout)?;
        writeln!(stdout, "posture demo: done. The sample's deliberate mistakes are listed above and in the reports' annex.")?;
        writeln!(stdout, "  inputs            {}", path(&data))?;
        for (label, file) in outputs {
            writeln!(stdout, "  {label:<17} {}", path(&file))?;
        }
        Ok(())
    })?;
    Ok(Exit::Success)
}

fn score_args(submissions: &Path, registry: &Path, out: &Path) -> Vec<String> {
    vec![
        "score".into(),
        submissions.display().to_string(),
        "--registry".into(),
        registry.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ]
}

fn report_args(submissions: &Path, registry: &Path, out: &Path, lang: &str) -> Vec<String> {
    vec![
        "report".into(),
        submissions.display().to_string(),
        "--registry".into(),
        registry.display().to_string(),
        "--lang".into(),
        lang.into(),
        "--out".into(),
        out.display().to_string(),
    ]
}

fn with_plans(mut args: Vec<String>, plans: &Path) -> Vec<String> {
    args.extend(["--plans".into(), plans.display().to_string()]);
    args
}

/// `args` with the returned verification workbooks of the sample (SPEC section 10).
fn with_verification(mut args: Vec<String>, verification: &Path) -> Vec<String> {
    args.extend(["--verification".into(), verification.display().to_string()]);
    args
}

/// Write the embedded sample files under `dir`, replacing what a previous run left there.
fn extract_sample(dir: &Path) -> Result<(), ConfigError> {
    for (relative, bytes) in SAMPLE_FILES {
        let relative = Path::new(relative);
        // The list is generated from our own data/ folder; still, never write outside `dir`.
        if !relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        {
            return Err(ConfigError::new(format!(
                "bad sample path {}",
                relative.display()
            )));
        }
        let target = dir.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                ConfigError::new(format!("failed to create {} ({e})", parent.display()))
            })?;
        }
        write_atomic(&target, bytes)?;
    }
    Ok(())
}
