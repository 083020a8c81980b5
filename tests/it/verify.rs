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

/// `score --verification` on the bundled sample: the six returned workbooks of 2026 are
/// used, and two bad ones beside them (a tampered claim, an agency the inputs do not
/// have) are rejected at their cells without stopping the rest.
#[test]
fn score_with_the_sample_verification_and_two_bad_workbooks() {
    use posture::score::score_batch;
    use posture::workbook::ingest::{discover, ingest_located, IngestOptions, Retain};
    use posture::workbook::template::verification::{returned_verification_bytes, VerifierInput};
    use posture::workbook::{Answer, Limits};

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let ver = dir.join("ver");
    std::fs::create_dir_all(&ver).unwrap();
    for entry in std::fs::read_dir(root().join("data/verification/2026")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, ver.join(path.file_name().unwrap())).unwrap();
    }
    // MPTC's workbook with its first claim raised by one level, and one for agency NOPE.
    let framework = posture::framework::builtin("kh-ncmf").unwrap().unwrap();
    let registry = posture::registry::load_registry(&root().join("data/agencies.csv")).unwrap();
    let opts = IngestOptions {
        framework: &framework,
        registry: Some(&registry),
        limits: Limits::default(),
    };
    let batch = ingest_located(
        &discover(&[root().join("data/submissions")]).unwrap(),
        &opts,
        false,
        Retain::Levels,
    );
    let scored = score_batch(
        &framework,
        &batch.submissions,
        &batch.cells,
        Some(&registry),
    );
    let mptc = scored
        .scores
        .iter()
        .find(|s| s.agency_id == "MPTC" && s.cycle == "2026")
        .unwrap();
    let sub = batch
        .submissions
        .iter()
        .find(|s| s.file == mptc.file)
        .unwrap();
    let mut tampered = mptc.answers.clone();
    let Answer::Level(first) = tampered[0].answer else {
        panic!("MPTC answered its first question");
    };
    tampered[0].answer = Answer::Level(first + 1);
    let filled = VerifierInput {
        levels: vec![Answer::Level(first)],
        ..VerifierInput::default()
    };
    let bytes = returned_verification_bytes(&framework, &sub.profile, &tampered, &filled).unwrap();
    std::fs::write(ver.join("MPTC-verify-edited.xlsx"), bytes).unwrap();
    let mut nope = sub.profile.clone();
    nope.agency_id = Some("NOPE".into());
    let bytes = returned_verification_bytes(&framework, &nope, &mptc.answers, &filled).unwrap();
    std::fs::write(ver.join("NOPE-verify.xlsx"), bytes).unwrap();

    let subs = root().join("data/submissions").display().to_string();
    let reg = root().join("data/agencies.csv").display().to_string();
    let o = run_in(
        dir,
        &[
            "score",
            &subs,
            "--registry",
            &reg,
            "--verification",
            "ver",
            "--out",
            "s.json",
        ],
    );
    assert_exit(&o, 1);
    let doc: Value = serde_json::from_slice(&std::fs::read(dir.join("s.json")).unwrap()).unwrap();
    let files = doc["verification_files"].as_array().unwrap();
    let status = |name: &str| {
        files
            .iter()
            .find(|f| f["file"] == format!("ver/{name}"))
            .unwrap_or_else(|| panic!("{name}"))
    };
    for id in ["EN-ASE", "MPTC", "PRV-BMC", "PRV-KDL", "PRV-SHV", "WAT-MRW"] {
        assert_eq!(
            status(&format!("{id}-verify.xlsx"))["status"],
            "used",
            "{id}"
        );
    }
    let edited = status("MPTC-verify-edited.xlsx");
    assert_eq!(edited["status"], "rejected");
    assert_eq!(edited["errors"].as_array().unwrap().len(), 1);
    assert_eq!(edited["errors"][0]["kind"], "claim_changed");
    assert_eq!(edited["errors"][0]["sheet"], "Verification");
    assert_eq!(edited["errors"][0]["cell"], "C3");
    let wrong = status("NOPE-verify.xlsx");
    assert_eq!(wrong["status"], "rejected");
    assert_eq!(wrong["errors"][0]["kind"], "verification_unknown_agency");
    assert_eq!(wrong["errors"][0]["cell"], "B2");
    assert_eq!(wrong["agency_id"], "NOPE");

    // The sample's agreement (docs/methodology.md quotes these figures).
    let n = &doc["national"]["2026"]["verification"];
    assert_eq!(n["agencies"], 6);
    assert_eq!(n["pairs"], 357);
    let close = |v: &Value, want: f64| {
        let got = v.as_f64().unwrap();
        assert!((got - want).abs() < 5e-4, "{got} != {want}");
    };
    close(&n["exact"], 0.650);
    close(&n["within_one"], 0.966);
    close(&n["inflation"], 0.361);
    close(&n["kappa"], 0.799);
    close(&n["verified_overall"], 1.907);
    close(&n["claimed_overall"], 2.163);
    let domains = n["domains"].as_object().unwrap();
    assert_eq!(
        domains.keys().collect::<Vec<_>>(),
        ["COL", "GOA", "PEO", "TEC"]
    );
    let mptc = doc["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency_id"] == "MPTC" && a["cycle"] == "2026")
        .unwrap();
    assert_eq!(mptc["verification"]["pairs"], 60);
}
