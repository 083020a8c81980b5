//! End-to-end tests of `posture score`: real workbooks in a temporary folder, the real
//! binary, and the numbers of the worked example in docs/methodology.md.

use std::path::Path;

use rust_xlsxwriter::Workbook;
use serde_json::Value;

use super::util::{assert_exit, root, run_in, stderr};

/// A level cell as the agency typed it.
enum Cell<'a> {
    Number(f64),
    Text(&'a str),
    Empty,
}

fn write_workbook(path: &Path, profile: &[(&str, &str)], rows: &[(&str, Cell)]) {
    let mut wb = Workbook::new();
    let p = wb.add_worksheet();
    p.set_name("Profile").unwrap();
    for (i, (k, v)) in profile.iter().enumerate() {
        p.write_string(i as u32, 0, *k).unwrap();
        p.write_string(i as u32, 1, *v).unwrap();
    }
    let a = wb.add_worksheet();
    a.set_name("Assessment").unwrap();
    a.write_string(0, 0, "question_id").unwrap();
    a.write_string(0, 1, "level").unwrap();
    for (i, (q, level)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        a.write_string(r, 0, *q).unwrap();
        match level {
            Cell::Number(n) => drop(a.write_number(r, 1, *n).unwrap()),
            Cell::Text(t) => drop(a.write_string(r, 1, *t).unwrap()),
            Cell::Empty => {}
        }
    }
    wb.save(path).unwrap();
}

fn profile<'a>(agency: &'a str, name: &'a str, sector: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("agency_id", agency),
        ("agency_name", name),
        ("sector", sector),
        ("cycle", "2026"),
        ("framework_id", "worked-example"),
        ("framework_version", "1.0.0"),
    ]
}

/// The two agencies of the worked example plus one file that is not a workbook.
fn worked_example_inputs(dir: &Path) {
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    use Cell::*;
    write_workbook(
        &inputs.join("mop.xlsx"),
        &profile("MOP", "=HYPERLINK(\"http://x\")", "ministry"),
        &[
            ("PEO.AW-01", Number(2.0)),
            ("PEO.AW-02", Empty),
            ("TEC.PR-01", Text("4 - Managed")),
            ("TEC.PR-02", Text("N/A")),
            ("TEC.DE-01", Number(2.0)),
        ],
    );
    write_workbook(
        &inputs.join("edc.xlsx"),
        &profile("EDC", "Électricité du Cambodge", "energy"),
        &[
            ("PEO.AW-01", Number(4.0)),
            ("PEO.AW-02", Number(4.0)),
            ("TEC.PR-01", Number(3.0)),
            ("TEC.PR-02", Number(3.0)),
            ("TEC.DE-01", Number(5.0)),
        ],
    );
    std::fs::write(inputs.join("notes.xlsx"), b"this is not a spreadsheet").unwrap();
}

fn framework_arg() -> String {
    root()
        .join("tests/frameworks/worked-example.toml")
        .display()
        .to_string()
}

fn near(v: &Value, expected: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - expected).abs() < 1e-12)
}

#[test]
fn worked_example_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    worked_example_inputs(dir);
    let fw = framework_arg();
    let args = [
        "score",
        "in",
        "--framework",
        &fw,
        "--out",
        "out/scores.json",
    ];
    let o = run_in(dir, &args);
    // One input is rejected: exit 1, everything else still written.
    assert_exit(&o, 1);
    assert!(
        stderr(&o).contains("rejected: in/notes.xlsx"),
        "{}",
        stderr(&o)
    );
    let bytes = std::fs::read(dir.join("out/scores.json")).unwrap();
    let v: Value = serde_json::from_slice(&bytes).unwrap();

    let files: Vec<(&str, &str)> = v["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["file"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        files,
        [
            ("in/edc.xlsx", "scored"),
            ("in/mop.xlsx", "scored"),
            ("in/notes.xlsx", "rejected")
        ]
    );
    let rejected = &v["submissions"][2];
    assert!(!rejected["errors"].as_array().unwrap().is_empty());
    assert_eq!(rejected["errors"][0]["cell"], Value::Null);

    let agencies = v["agencies"].as_array().unwrap();
    let (edc, mop) = (&agencies[0], &agencies[1]);
    assert_eq!(mop["agency_id"], "MOP");
    assert!(near(&mop["overall"], 2.5) && near(&mop["index"], 50.0));
    assert_eq!(
        (&mop["tier"], &mop["target"]),
        (&Value::from(2), &Value::from(3))
    );
    assert!(near(&mop["completeness"], 0.75));
    assert!(near(&mop["categories"]["TEC.PR"], 4.0));
    assert!(near(&mop["domains"]["TEC"], 3.0));
    assert_eq!(mop["answers"]["TEC.PR-02"], "na");
    assert_eq!(mop["answers"]["PEO.AW-02"], Value::Null);
    assert_eq!(mop["answers"]["TEC.PR-01"], 4);
    let gap_ids: Vec<&str> = mop["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["question_id"].as_str().unwrap())
        .collect();
    assert_eq!(gap_ids, ["PEO.AW-02", "TEC.DE-01", "PEO.AW-01"]);
    assert!(near(&edc["overall"], 4.0) && near(&edc["index"], 80.0));

    let national = &v["national"]["2026"];
    let overall = &national["overall"];
    assert!(near(&overall["mean"], 3.25) && near(&overall["median"], 3.25));
    assert!(near(&overall["p25"], 2.875) && near(&overall["p75"], 3.625));
    assert!(near(&overall["at_or_above_target"], 0.5));
    assert!(near(&national["index"]["mean"], 65.0));
    assert!(near(&national["response_rate"], 1.0));
    assert!(near(&v["crosswalk"]["CSF"]["2026"]["PR"], 2.75));
    assert!(near(&v["crosswalk"]["CSF"]["2026"]["PR.PS"], 3.5));

    // Same inputs, same bytes.
    let o = run_in(dir, &args);
    assert_exit(&o, 1);
    assert_eq!(std::fs::read(dir.join("out/scores.json")).unwrap(), bytes);
}

#[test]
fn csv_and_parquet_exports() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    worked_example_inputs(dir);
    std::fs::remove_file(dir.join("in/notes.xlsx")).unwrap();
    let fw = framework_arg();

    let o = run_in(
        dir,
        &["score", "in", "--framework", &fw, "--out", "scores.csv"],
    );
    assert_exit(&o, 0);
    let csv = std::fs::read_to_string(dir.join("scores.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("framework_id,framework_version,agency_id,agency_name,sector,cycle,level,id,score,answer,target,confidence,unsupported_share")
    );
    // 2 agencies x (1 overall + 2 domains + 3 categories + 5 questions)
    assert_eq!(csv.lines().count(), 1 + 2 * 11);
    assert!(
        csv.contains("worked-example,1.0.0,MOP,\"'=HYPERLINK(\"\"http://x\"\")\",ministry,2026,overall,overall,2.5,,3,low,1")
    );
    assert!(csv
        .contains("worked-example,1.0.0,MOP,\"'=HYPERLINK(\"\"http://x\"\")\",ministry,2026,question,TEC.PR-02,,na,3,low,1"));
    // The worked example's workbooks have no evidence column: every answer at level 3
    // (its default target) or above is an unsupported claim.
    assert!(csv.contains("EDC,Électricité du Cambodge,energy,2026,overall,overall,4,,4,low,1"));

    let o = run_in(
        dir,
        &["score", "in", "--framework", &fw, "--out", "scores.parquet"],
    );
    assert_exit(&o, 0);
    let parquet = std::fs::read(dir.join("scores.parquet")).unwrap();
    assert_eq!(&parquet[..4], b"PAR1");

    let o = run_in(dir, &["score", "in", "--framework", &fw, "--out", "lake/"]);
    assert_exit(&o, 0);
    assert!(dir.join("lake/cycle=2026/part-0.parquet").is_file());
}

#[test]
fn unknown_export_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    worked_example_inputs(dir);
    let fw = framework_arg();
    let o = run_in(
        dir,
        &["score", "in", "--framework", &fw, "--out", "scores.xlsx"],
    );
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("unknown extension"), "{}", stderr(&o));
    assert!(!dir.join("scores.xlsx").exists());

    let o = run_in(dir, &["score", "nowhere", "--out", "scores.json"]);
    assert_exit(&o, 2);
    assert!(!dir.join("scores.json").exists());
}
