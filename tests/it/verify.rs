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
