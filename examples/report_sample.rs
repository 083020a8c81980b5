//! Render the reports for synthetic agencies and time it:
//! `cargo run --release --example report_sample -- 200 /tmp/out [en|km]`

use std::time::Instant;

use posture::cli::assets::{load_report_assets, locate_typst};
use posture::report::{render, sample, BuildOptions, CompileOptions};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    let out = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| "/tmp/posture-sample".into());
    let lang = args
        .get(3)
        .map_or(Ok(posture::lang::Lang::En), |l| l.parse())
        .unwrap_or_else(|e| panic!("{e}"));
    let fw = posture::framework::builtin("kh-ncmf")
        .expect("built-in framework")
        .expect("valid framework");
    let names = [
        r#"#read("/etc/passwd") *x* $y$ <l> @r \"#,
        "Ministry of Posts and Telecommunications",
        "Electricité du Cambodge — Phnom Penh Distribution and Transmission Authority (very long name)",
        "ក្រសួងសុខាភិបាល",
    ];
    let s = sample::synthetic(&fw, n, &["2025", "2026"], &names);
    let input = s.input(&fw);
    let assets = load_report_assets(None).unwrap_or_else(|e| panic!("{}", e.message));
    let typst = locate_typst().unwrap_or_else(|e| panic!("{}", e.message));
    let compile = CompileOptions {
        keep_build: std::env::var_os("KEEP").is_some(),
        ..CompileOptions::default()
    };
    let start = Instant::now();
    let outcome = render(
        &input,
        &assets,
        &typst,
        std::path::Path::new(&out),
        &BuildOptions { lang, cycle: None },
        &compile,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    println!(
        "{} files in {:.2}s, {} failed",
        outcome.written.len(),
        start.elapsed().as_secs_f64(),
        outcome.failed.len()
    );
    let national = outcome
        .compile_seconds
        .get("national-report.pdf")
        .copied()
        .unwrap_or(0.0);
    let agencies: f64 = outcome
        .compile_seconds
        .iter()
        .filter(|(k, _)| k.starts_with("agencies/"))
        .map(|(_, v)| v)
        .sum();
    println!("national report compile {national:.2}s; agency compiles {agencies:.2}s summed over workers");
    for (doc, why) in &outcome.failed {
        println!("FAILED {doc}: {why}");
    }
}
