//! Action plans end to end (SPEC section 11): `posture report` writes one plan per scored
//! agency, the plans come back with `--plans`, and their progress reaches scores.json and
//! the PDFs, with a rejected plan located at its cell.

use std::path::Path;

use serde_json::Value;

use super::report::{pdftotext, squash};
use super::util::{assert_exit, run, stderr};

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The sample's 2025 plans, returned with the 2026 workbooks: eight counted, MOEYS's
/// rejected for a due date typed as words.
#[test]
fn report_writes_plans_and_shows_the_progress_of_the_returned_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let o = run(&[
        "report",
        "data/submissions",
        "--registry",
        "data/agencies.csv",
        "--plans",
        "data/plans",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_exit(&o, 1);
    let err = stderr(&o);
    assert!(
        err.contains(
            "rejected plan: data/plans/2025/MOEYS.xlsx\n  Plan!I5: due is \"end of June\""
        ),
        "{err}"
    );
    assert!(
        err.contains("9 action plan(s): 8 used, 0 duplicate, 1 rejected"),
        "{err}"
    );

    let scores = json(&out.join("scores.json"));
    let agencies_2026: Vec<&Value> = scores["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["cycle"] == "2026")
        .collect();
    let plans = std::fs::read_dir(out.join("action-plans")).unwrap().count();
    assert_eq!(
        plans,
        agencies_2026.len(),
        "one plan per agency of the cycle"
    );
    assert!(out.join("action-plans/MOH.xlsx").is_file());

    let files = scores["plan_files"].as_array().unwrap();
    assert_eq!(files.len(), 9);
    let moeys = files
        .iter()
        .find(|f| f["file"] == "data/plans/2025/MOEYS.xlsx")
        .unwrap();
    assert_eq!(moeys["status"], "rejected");
    assert_eq!(moeys["errors"][0]["kind"], "plan_bad_due", "{moeys}");
    assert_eq!(moeys["errors"][0]["sheet"], "Plan");

    // The national sum is the sum of the agencies' progress.
    let national = &scores["national"]["2026"]["plan_progress"];
    assert_eq!(national["agencies"], 8);
    let progress: Vec<&Value> = agencies_2026
        .iter()
        .filter_map(|a| a.get("plan_progress"))
        .collect();
    assert_eq!(progress.len(), 8);
    for field in ["items", "done", "improved"] {
        let sum: u64 = progress.iter().map(|p| p[field].as_u64().unwrap()).sum();
        assert_eq!(national[field].as_u64(), Some(sum), "{field}");
    }
    let done_not_improved: usize = progress
        .iter()
        .map(|p| p["done_not_improved"].as_array().unwrap().len())
        .sum();
    assert!(
        done_not_improved > 0,
        "the sample plants items done but not improved"
    );
    assert_eq!(
        national["done_not_improved"].as_array().unwrap().len(),
        done_not_improved
    );
    // No progress on 2025 entries: plans are judged by the report's cycle.
    assert!(scores["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["cycle"] == "2025")
        .all(|a| a.get("plan_progress").is_none()));

    let national_pdf = squash(&pdftotext(&out.join("national-report.pdf")));
    assert!(national_pdf.contains("Action plans"), "{national_pdf}");
    assert!(
        national_pdf.contains("8 / 28 Plans counted"),
        "{national_pdf}"
    );
    assert!(national_pdf.contains("data/plans/2025/MOEYS.xlsx"));
    let moh = squash(&pdftotext(&out.join("agencies/MOH.pdf")));
    assert!(moh.contains("Progress on the 2025 action plan"), "{moh}");
    assert!(moh.contains("action-plans/MOH.xlsx"), "{moh}");
    let moeys_pdf = squash(&pdftotext(&out.join("agencies/MOEYS.pdf")));
    assert!(moeys_pdf.contains("Plan!I5"), "{moeys_pdf}");
    let moi_pdf = squash(&pdftotext(&out.join("agencies/MOI.pdf")));
    assert!(
        moi_pdf.contains("No action plan from 2025 came back"),
        "{moi_pdf}"
    );
}

/// The plan `posture report` writes in one cycle is accepted in the next, as written.
#[test]
fn a_plan_written_by_report_is_accepted_the_next_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let before = dir.path().join("2025");
    let o = run(&[
        "report",
        "data/submissions/2025/MOH.xlsx",
        "--out",
        before.to_str().unwrap(),
    ]);
    assert_exit(&o, 0);
    let returned = dir.path().join("returned");
    std::fs::create_dir(&returned).unwrap();
    std::fs::copy(
        before.join("action-plans/MOH.xlsx"),
        returned.join("MOH.xlsx"),
    )
    .unwrap();
    let json_out = dir.path().join("scores.json");
    let o = run(&[
        "score",
        "data/submissions/2025/MOH.xlsx",
        "data/submissions/2026/MOH.xlsx",
        "--plans",
        returned.to_str().unwrap(),
        "--out",
        json_out.to_str().unwrap(),
    ]);
    assert_exit(&o, 0);
    let scores = json(&json_out);
    assert_eq!(
        scores["plan_files"][0]["status"], "used",
        "{}",
        scores["plan_files"]
    );
    let moh_2025 = &scores["agencies"][0];
    let moh_2026 = &scores["agencies"][1];
    assert_eq!(moh_2025["cycle"], "2025");
    let progress = &moh_2026["plan_progress"];
    assert_eq!(
        progress["items"].as_u64().unwrap() as usize,
        moh_2025["gaps"].as_array().unwrap().len()
    );
    assert_eq!(progress["done"], 0, "nothing was filled in");
    assert_eq!(scores["national"]["2026"]["plan_progress"]["agencies"], 1);

    // Judged by 2025 itself, the 2025 plan is of the wrong cycle (no earlier cycle).
    let o = run(&[
        "score",
        "data/submissions/2025/MOH.xlsx",
        "--plans",
        returned.to_str().unwrap(),
        "--out",
        json_out.to_str().unwrap(),
    ]);
    assert_exit(&o, 1);
    let err = stderr(&o);
    assert!(err.contains("rejected plan:"), "{err}");
}
