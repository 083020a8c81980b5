//! Assurance end to end (SPEC section 9): crafted workbooks through the real `posture score`
//! and `posture validate`, with the exact cells of every flag, the national block, and the
//! rule that flags never change an exit status.

use std::path::Path;

use rust_xlsxwriter::Workbook;
use serde_json::Value;

use super::util::{assert_exit, root, run_in, stdout};

const Q: [&str; 12] = [
    "A.1-01", "A.1-02", "A.1-03", "A.1-04", "A.1-05", "A.1-06", "B.1-01", "B.1-02", "B.1-03",
    "B.1-04", "B.1-05", "B.1-06",
];

fn framework() -> String {
    root()
        .join("tests/frameworks/assurance.toml")
        .display()
        .to_string()
}

/// A workbook whose Assessment header sits on row 3 with the columns out of order:
/// question_id in B, evidence in D, level in E (so level cells are `E4`..`E15`). A `None`
/// level leaves the question without a row.
fn write(path: &Path, agency: &str, cycle: &str, rows: &[(Option<&str>, &str)]) {
    let mut wb = Workbook::new();
    let p = wb.add_worksheet();
    p.set_name("Profile").unwrap();
    let profile = [
        ("agency_id", agency),
        ("agency_name", agency),
        ("sector", "ministry"),
        ("cycle", cycle),
        ("framework_id", "assure"),
        ("framework_version", "1.0.0"),
    ];
    for (i, (k, v)) in profile.iter().enumerate() {
        p.write_string(i as u32, 0, *k).unwrap();
        p.write_string(i as u32, 1, *v).unwrap();
    }
    let a = wb.add_worksheet();
    a.set_name("Assessment").unwrap();
    a.write_string(0, 0, "Self-assessment").unwrap();
    for (c, h) in [
        (1, "question_id"),
        (2, "comment"),
        (3, "evidence"),
        (4, "level"),
    ] {
        a.write_string(2, c, h).unwrap();
    }
    let mut r = 3;
    for (q, (level, evidence)) in Q.iter().zip(rows) {
        let Some(level) = level else { continue };
        a.write_string(r, 1, *q).unwrap();
        a.write_string(r, 3, *evidence).unwrap();
        a.write_string(r, 4, *level).unwrap();
        r += 1;
    }
    wb.save(path).unwrap();
}

fn flat(level: &'static str) -> Vec<(Option<&'static str>, &'static str)> {
    let mut rows = vec![(Some(level), ""); 11];
    rows.push((Some("N/A"), ""));
    rows
}

fn inputs(dir: &Path) {
    let inp = dir.join("in");
    std::fs::create_dir_all(&inp).unwrap();
    // X: an unsupported claim, two broken rules (one on a category), pasted evidence.
    let x: Vec<(Option<&str>, &str)> = vec![
        (Some("4"), ""),
        (Some("1"), "doc"),
        (Some("3"), "same thing"),
        (Some("3"), " Same Thing "),
        (Some("3"), "same thing"),
        (Some("3"), "SAME THING"),
        (Some("3"), "same thing"),
        (Some("2"), ""),
        (Some("2"), ""),
        (Some("2"), ""),
        (Some("2"), ""),
        (Some("N/A"), ""),
    ];
    write(&inp.join("x.xlsx"), "X", "2026", &x);
    // Y rose from a flat 1 to a flat 2 (a jump of exactly 1.0, and a straight line); Z sent
    // the same answers.
    write(&inp.join("y-2025.xlsx"), "Y", "2025", &flat("1"));
    write(&inp.join("y-2026.xlsx"), "Y", "2026", &flat("2"));
    write(&inp.join("z.xlsx"), "Z", "2026", &flat("2"));
    // W: A.1-02 has no row (unanswered, counts 0), 9 of 10 answered at level 1.
    let mut w = vec![(Some("3"), ""), (None, "")];
    w.extend(vec![(Some("1"), ""); 9]);
    w.push((Some("N/A"), ""));
    write(&inp.join("w.xlsx"), "W", "2026", &w);
}

fn agency<'a>(doc: &'a Value, id: &str, cycle: &str) -> &'a Value {
    doc["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency_id"] == id && a["cycle"] == cycle)
        .unwrap_or_else(|| panic!("{id} {cycle} scored"))
}

fn kinds(a: &Value) -> Vec<&str> {
    a["assurance"]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect()
}

/// Run `posture score` on the crafted inputs into `out`; its text.
fn score_to(out: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    inputs(dir);
    let o = run_in(
        dir,
        &["score", "in", "--framework", &framework(), "--out", out],
    );
    assert_exit(&o, 0);
    std::fs::read_to_string(dir.join(out)).unwrap()
}

#[test]
fn every_flag_kind_with_its_exact_cells() {
    let doc: Value = serde_json::from_str(&score_to("scores.json")).unwrap();

    let x = agency(&doc, "X", "2026");
    assert_eq!(
        kinds(x),
        [
            "unsupported_claim",
            "rule_violated",
            "rule_violated",
            "repeated_evidence"
        ]
    );
    let flags = &x["assurance"]["flags"];
    assert_eq!(flags[0]["cells"], serde_json::json!(["Assessment!E4"]));
    assert_eq!(flags[0]["questions"], serde_json::json!(["A.1-01"]));
    assert_eq!(flags[0]["rule"], Value::Null);
    assert!(flags[0].get("agencies").is_none());
    assert_eq!(flags[1]["rule"], "cat-rule");
    assert_eq!(flags[1]["cells"], serde_json::json!(["Assessment!E6"]));
    assert_eq!(flags[2]["rule"], "q-rule");
    assert_eq!(
        flags[2]["cells"],
        serde_json::json!(["Assessment!E4", "Assessment!E5"])
    );
    assert_eq!(
        flags[3]["cells"],
        serde_json::json!([
            "Assessment!D6",
            "Assessment!D7",
            "Assessment!D8",
            "Assessment!D9",
            "Assessment!D10"
        ])
    );
    assert_eq!(x["assurance"]["confidence"], "medium");
    assert!((x["assurance"]["unsupported_share"].as_f64().unwrap() - 1.0 / 6.0).abs() < 1e-15);
    // A flag never changes a score: B.1 is still (3 + 2 + 2 + 2 + 2) / 5.
    assert!((x["categories"]["B.1"].as_f64().unwrap() - 2.2).abs() < 1e-12);

    let y = agency(&doc, "Y", "2026");
    assert_eq!(kinds(y), ["straight_line", "jump", "identical_answers"]);
    let yf = &y["assurance"]["flags"];
    assert_eq!(
        yf[1]["message"],
        "since cycle 2025: overall rose by 1 (1 to 2)"
    );
    assert_eq!(yf[2]["agencies"], serde_json::json!(["Z"]));
    for f in yf.as_array().unwrap() {
        assert_eq!(f["cells"], serde_json::json!([]));
        assert_eq!(f["questions"], serde_json::json!([]));
    }
    assert_eq!(y["assurance"]["confidence"], "low");
    assert_eq!(y["assurance"]["unsupported_share"], 0.0);
    let z = agency(&doc, "Z", "2026");
    assert_eq!(kinds(z), ["straight_line", "identical_answers"]);
    assert_eq!(
        z["assurance"]["flags"][1]["agencies"],
        serde_json::json!(["Y"])
    );
    assert_eq!(kinds(agency(&doc, "Y", "2025")), ["straight_line"]);

    // W: no evidence on its one claim, the required question has no row (no cell), and 9 of
    // 10 answered at one level is exactly the 90% of a straight line.
    let w = agency(&doc, "W", "2026");
    assert_eq!(
        kinds(w),
        ["unsupported_claim", "rule_violated", "straight_line"]
    );
    assert_eq!(
        w["assurance"]["flags"][1]["cells"],
        serde_json::json!(["Assessment!E4"])
    );
    assert_eq!(
        w["assurance"]["flags"][1]["questions"],
        serde_json::json!(["A.1-01", "A.1-02"])
    );
    assert_eq!(w["assurance"]["unsupported_share"], 1.0);

    // The national block of 2026 lists every rule, with the agencies violating it.
    let n = &doc["national"]["2026"]["assurance"];
    assert_eq!(
        n["confidence"],
        serde_json::json!({"high": 0, "medium": 1, "low": 3})
    );
    assert_eq!(n["rules"], serde_json::json!({"cat-rule": 1, "q-rule": 2}));
    let mean = (1.0 / 6.0 + 0.0 + 0.0 + 1.0) / 4.0;
    assert!((n["unsupported_share"].as_f64().unwrap() - mean).abs() < 1e-15);
    assert_eq!(
        doc["national"]["2025"]["assurance"]["rules"],
        serde_json::json!({"cat-rule": 0, "q-rule": 0})
    );
}

#[test]
fn validate_prints_flags_as_notes_without_changing_the_exit_status() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    inputs(dir);
    let o = run_in(dir, &["validate", "in", "--framework", &framework()]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(
        out.contains("in/w.xlsx: ok (scored: W 2026, 11/12 answered)\n  warning: Assessment: 1 of 12 questions have no row and count as unanswered: A.1-02\n  note: Assessment!E4: 1 of 1 answers at level 3 or above have no evidence (unsupported_claim)\n"),
        "{out}"
    );
    assert!(
        out.contains("  note: Assessment!D6, Assessment!D7, Assessment!D8, Assessment!D9, Assessment!D10: the same evidence \"same thing\" is given for 5 questions (repeated_evidence)\n"),
        "{out}"
    );
    assert!(out.contains("  note: exactly the same answer to every question as Z in cycle 2026 (identical_answers)\n"), "{out}");

    let o = run_in(
        dir,
        &[
            "validate",
            "in",
            "--framework",
            &framework(),
            "--format",
            "json",
        ],
    );
    assert_exit(&o, 0);
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let x = doc["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["file"] == "in/x.xlsx")
        .unwrap();
    assert_eq!(x["notes"].as_array().unwrap().len(), 4);
    assert_eq!(x["notes"][2]["rule"], "q-rule");
}

#[test]
fn csv_carries_confidence_and_unsupported_share() {
    let csv = score_to("scores.csv");
    assert!(csv
        .lines()
        .next()
        .unwrap()
        .ends_with(",target,confidence,unsupported_share"));
    assert!(
        csv.contains("assure,1.0.0,W,W,ministry,2026,overall,overall,"),
        "{csv}"
    );
    let w_rows: Vec<&str> = csv.lines().filter(|l| l.contains(",W,W,")).collect();
    assert!(!w_rows.is_empty());
    assert!(w_rows.iter().all(|l| l.ends_with(",2,low,1")), "{w_rows:?}");
    assert!(csv
        .lines()
        .filter(|l| l.contains(",X,X,"))
        .all(|l| l.ends_with(",medium,0.16666666666666666")));
}
