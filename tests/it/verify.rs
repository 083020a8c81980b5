//! `posture verify plan` end to end on the bundled sample (SPEC section 10).

use serde_json::Value;

use super::util::{assert_exit, root, run_in};

#[test]
fn verify_plan_is_deterministic_and_writes_one_workbook_per_pick() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let subs = root().join("data/submissions");
    let registry = root().join("data/agencies.csv");
    let args = |out: &str| {
        vec![
            "verify".to_string(),
            "plan".into(),
            subs.display().to_string(),
            "--registry".into(),
            registry.display().to_string(),
            "--sample".into(),
            "6".into(),
            "--out".into(),
            out.into(),
        ]
    };
    let a: Vec<String> = args("a");
    let o = run_in(dir, &a.iter().map(String::as_str).collect::<Vec<_>>());
    // The sample data holds rejected workbooks on purpose.
    assert_exit(&o, 1);
    let b: Vec<String> = args("b");
    run_in(dir, &b.iter().map(String::as_str).collect::<Vec<_>>());
    let plan_a = std::fs::read(dir.join("a/plan.json")).unwrap();
    assert_eq!(plan_a, std::fs::read(dir.join("b/plan.json")).unwrap());
    let plan: Value = serde_json::from_slice(&plan_a).unwrap();
    let picked = plan["picked"].as_array().unwrap();
    assert_eq!(picked.len(), 6);
    for p in picked {
        let id = p["agency_id"].as_str().unwrap();
        assert!(dir.join(format!("a/{id}-verify.xlsx")).is_file(), "{id}");
        assert!(["low_confidence", "sector_draw"].contains(&p["reason"].as_str().unwrap()));
    }
}

/// The workbooks `verify plan` writes, sent back untouched, and a file that is not a
/// workbook: every picked agency gets `pairs: 0` and nulls, the bad file is rejected
/// (exit 1), and the export lists all of them.
#[test]
fn score_with_unfilled_verification_workbooks_gives_pairs_zero_and_nulls() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let subs = root().join("data/submissions").display().to_string();
    let registry = root().join("data/agencies.csv").display().to_string();
    let o = run_in(
        dir,
        &[
            "verify",
            "plan",
            &subs,
            "--registry",
            &registry,
            "--sample",
            "6",
            "--out",
            "v",
        ],
    );
    assert_exit(&o, 1);
    std::fs::remove_file(dir.join("v/plan.json")).unwrap();
    std::fs::write(dir.join("v/notes.xlsx"), b"meeting notes, not a workbook").unwrap();
    let o = run_in(
        dir,
        &[
            "score",
            &subs,
            "--registry",
            &registry,
            "--verification",
            "v",
            "--out",
            "s.json",
        ],
    );
    assert_exit(&o, 1);
    let err = super::util::stderr(&o);
    assert!(err.contains("rejected verification: v/notes.xlsx"), "{err}");
    assert!(
        err.contains("7 verification workbook(s): 6 used, 0 duplicate, 1 rejected"),
        "{err}"
    );
    let doc: Value = serde_json::from_slice(&std::fs::read(dir.join("s.json")).unwrap()).unwrap();
    let files = doc["verification_files"].as_array().unwrap();
    assert_eq!(files.len(), 7);
    assert_eq!(files[0]["file"], "v/EN-ASE-verify.xlsx");
    let notes = files.iter().find(|f| f["file"] == "v/notes.xlsx").unwrap();
    assert_eq!(notes["status"], "rejected");
    assert_eq!(notes["errors"][0]["cell"], Value::Null);
    assert_eq!(notes["sha256"].as_str().unwrap().len(), 64);
    let verified: Vec<&Value> = doc["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a.get("verification").is_some())
        .collect();
    assert_eq!(verified.len(), 6);
    for a in verified {
        assert_eq!(a["cycle"], "2026");
        assert_eq!(
            a["verification"],
            serde_json::json!({"pairs": 0, "exact": null, "within_one": null,
                "inflation": null, "kappa": null, "verified_overall": null})
        );
    }
    let national = &doc["national"]["2026"]["verification"];
    assert_eq!(national["agencies"], 6);
    assert_eq!(national["pairs"], 0);
    assert_eq!(national["kappa"], Value::Null);
    assert_eq!(national["domains"]["GOA"]["pairs"], 0);
    assert!(doc["national"]["2025"].get("verification").is_none());

    // Without --verification nothing of it is in the export.
    let o = run_in(
        dir,
        &[
            "score",
            &subs,
            "--registry",
            &registry,
            "--out",
            "plain.json",
        ],
    );
    assert_exit(&o, 1);
    let plain: Value =
        serde_json::from_slice(&std::fs::read(dir.join("plain.json")).unwrap()).unwrap();
    assert!(plain.get("verification_files").is_none());
    assert!(plain["national"]["2026"].get("verification").is_none());
}
