//! Scoring and national aggregation at national scale: 10,000 synthetic agencies answering
//! the built-in kh-ncmf framework (87 questions), built in memory, then `score_batch`,
//! `aggregate` and the JSON document timed. For scale, it also times reading one real
//! workbook of the same framework, so the report can compare aggregation with ingestion
//! of the same batch in one run (ratios, not absolute thresholds).
//!
//! Run: `cargo bench --bench aggregate` (release), or `cargo bench --profile dev --bench
//! aggregate` on a machine without a warm release build. `POSTURE_BENCH_AGENCIES` changes
//! the number of agencies.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use posture::aggregate::aggregate_scored;
use posture::export::{build_document, long_rows, to_csv, to_json};
use posture::framework::{builtin, Framework};
use posture::plan::{plan_bytes, plan_for, read_plan_bytes};
use posture::score::score_batch;
use posture::workbook::ingest::{read_submission_bytes, IngestOptions};
use posture::workbook::{Answer, AnswerRow, Limits, Profile, Status, Submission};

/// xorshift64*: deterministic answers without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

const SECTORS: [&str; 5] = ["ministry", "province", "energy", "finance", "telecom"];

fn synthetic(framework: &Framework, n: usize) -> Vec<Submission> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..n)
        .map(|i| {
            let agency = format!("AG{i:05}");
            // Each agency has its own typical level, so the distribution is not flat.
            let base = (rng.next() % 6) as i64;
            let answers: Vec<AnswerRow> = framework
                .questions
                .iter()
                .map(|q| {
                    let r = rng.next() % 100;
                    let answer = if r < 5 {
                        Answer::Unanswered
                    } else if r < 10 && q.allow_na {
                        Answer::NotApplicable
                    } else {
                        let jitter = (rng.next() % 3) as i64 - 1;
                        Answer::Level((base + jitter).clamp(0, 5) as u8)
                    };
                    AnswerRow {
                        answer,
                        evidence: None,
                        comment: None,
                    }
                })
                .collect();
            Submission {
                file: format!("returned/{agency}.xlsx"),
                path: Default::default(),
                sha256: format!("{i:064x}"),
                status: Status::Scored,
                profile: Profile {
                    agency_id: Some(agency.clone()),
                    agency_name: Some(format!("Agency {i}")),
                    sector: Some(SECTORS[i % SECTORS.len()].to_string()),
                    cycle: Some(if i % 4 == 0 { "2025" } else { "2026" }.to_string()),
                    framework_id: Some(framework.id.clone()),
                    framework_version: Some(framework.version.clone()),
                    ..Default::default()
                },
                answered: Submission::count_answered(&answers),
                answers,
                errors: vec![],
                warnings: vec![],
            }
        })
        .collect()
}

/// One filled-in kh-ncmf workbook, as an agency would return it.
fn workbook_bytes(framework: &Framework) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let p = wb.add_worksheet();
    p.set_name("Profile").expect("sheet name");
    let fields = [
        ("agency_id", "AG00001"),
        ("agency_name", "Agency 1"),
        ("sector", "ministry"),
        ("cycle", "2026"),
        ("framework_id", framework.id.as_str()),
        ("framework_version", framework.version.as_str()),
    ];
    for (r, (k, v)) in fields.iter().enumerate() {
        p.write_string(r as u32, 0, *k).expect("cell");
        p.write_string(r as u32, 1, *v).expect("cell");
    }
    let a = wb.add_worksheet();
    a.set_name("Assessment").expect("sheet name");
    a.write_string(0, 0, "question_id").expect("cell");
    a.write_string(0, 1, "level").expect("cell");
    for (i, q) in framework.questions.iter().enumerate() {
        let r = i as u32 + 1;
        a.write_string(r, 0, &q.id).expect("cell");
        a.write_number(r, 1, (i % 6) as f64).expect("cell");
    }
    wb.save_to_buffer().expect("workbook")
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn time<T>(label: &str, f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    println!("{label:<32} {:>10.1} ms", took.as_secs_f64() * 1000.0);
    (out, took)
}

fn main() {
    let n: usize = std::env::var("POSTURE_BENCH_AGENCIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let framework = builtin("kh-ncmf")
        .expect("kh-ncmf is built in")
        .expect("built-in kh-ncmf loads");
    println!(
        "{n} agencies x {} questions (kh-ncmf), cycles 2025 and 2026",
        framework.questions.len()
    );

    let (subs, _) = time("build submissions in memory", || synthetic(&framework, n));
    let (scored, t_score) = time("score_batch (scores and assurance)", || {
        score_batch(&framework, &subs, &[], None)
    });
    let (national, t_agg) = time("aggregate (polars)", || {
        aggregate_scored(&framework, &scored, &subs, None)
    });
    let (doc, _) = time("build_document", || {
        build_document(&framework, None, &subs, &scored, &national)
    });
    let (json, _) = time("JSON bytes", || to_json(&doc));
    let (csv, _) = time("CSV long table", || {
        to_csv(&framework, &long_rows(&framework, &doc)).expect("csv")
    });
    println!(
        "JSON {:.1} MiB, CSV {:.1} MiB, {} cycles",
        json.len() as f64 / 1048576.0,
        csv.len() as f64 / 1048576.0,
        national.cycles.len()
    );

    // Ingestion of the same batch, estimated from reading one real workbook repeatedly.
    let bytes = workbook_bytes(&framework);
    let opts = IngestOptions {
        framework: &framework,
        registry: None,
        limits: Limits::default(),
    };
    let reps = 50;
    let start = Instant::now();
    for _ in 0..reps {
        let s = read_submission_bytes("bench.xlsx", &bytes, &opts);
        assert_eq!(s.status, Status::Scored, "{:?}", s.errors);
    }
    let per_file = start.elapsed() / reps;
    let ingest_all = per_file * n as u32;
    println!(
        "ingest one workbook ({} KiB)     {:>10.2} ms  -> {n} files single-threaded ~ {:.1} s",
        bytes.len() / 1024,
        per_file.as_secs_f64() * 1000.0,
        ingest_all.as_secs_f64()
    );
    println!(
        "score + aggregate / ingest       {:>10.2} %",
        (t_score + t_agg).as_secs_f64() / ingest_all.as_secs_f64() * 100.0
    );

    // Action plans (SPEC section 11): what `posture report` adds per agency, and reading a
    // returned plan back, against ingesting one submission of the same framework.
    let sample: Vec<_> = scored.scores.iter().take(200).collect();
    let start = Instant::now();
    let plans: Vec<Vec<u8>> = sample
        .iter()
        .map(|s| plan_bytes(&plan_for(&framework, s)).expect("plan"))
        .collect();
    let per_plan = start.elapsed() / sample.len() as u32;
    let (owner, biggest) = sample
        .iter()
        .zip(&plans)
        .max_by_key(|(s, _)| s.gaps.len())
        .expect("scores");
    let expected = BTreeMap::from([(owner.agency_id.clone(), plan_for(&framework, owner))]);
    let start = Instant::now();
    for _ in 0..reps {
        let r = read_plan_bytes("plan.xlsx", biggest, &Limits::default(), &expected);
        assert!(r.accepted(), "{:?}", r.errors);
    }
    let per_read = start.elapsed() / reps;
    println!(
        "write one action plan            {:>10.2} ms  -> {n} plans single-threaded ~ {:.1} s",
        per_plan.as_secs_f64() * 1000.0,
        (per_plan * n as u32).as_secs_f64()
    );
    println!(
        "read the largest plan ({} rows)  {:>10.2} ms  ({:.2}x one submission)",
        expected[&owner.agency_id].items.len(),
        per_read.as_secs_f64() * 1000.0,
        per_read.as_secs_f64() / per_file.as_secs_f64()
    );
    if let Some(rss) = peak_rss_mib() {
        println!("peak resident memory             {rss:>10.1} MiB");
    }
}
