//! `posture demo`: the whole pipeline on the embedded sample, from an unrelated directory.

use std::process::Command;

use super::util::*;

#[test]
fn demo_runs_from_any_directory_and_writes_every_output() {
    let cwd = tempfile::tempdir().unwrap();
    let o = run_in(cwd.path(), &["demo"]);
    assert_exit(&o, 0);
    let out = cwd.path().join("demo-output");
    for file in [
        "national-report.pdf",
        "brief.pdf",
        "agencies/MOH.pdf",
        "scores.json",
        "scores.csv",
        "scores.parquet",
        "km/national-report.pdf",
        "km/brief.pdf",
        "action-plans/MOH.xlsx",
        "oscal/MOH-2026-assessment-results.json",
        "oscal/MOH-2026-poam.json",
        "sample-data/agencies.csv",
        "sample-data/submissions/2026/MOH.xlsx",
        "csirt/national-report.pdf",
        "csirt/brief.pdf",
        "csirt/agencies/CAMCERT.pdf",
        "csirt/scores.json",
        "sample-data/csirt/teams.csv",
        "sample-data/csirt/submissions/2026/CAMCERT.xlsx",
    ] {
        assert!(out.join(file).is_file(), "missing {file}\n{}", stderr(&o));
    }
    let printed = stdout(&o);
    assert!(
        printed.contains("national report   demo-output/national-report.pdf"),
        "{printed}"
    );

    // The sample's 73 workbooks: 66 scored, 6 rejected on purpose, 1 duplicate.
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("scores.json")).unwrap()).unwrap();
    let statuses: Vec<&str> = doc["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.len(), 73);
    assert_eq!(statuses.iter().filter(|s| **s == "scored").count(), 66);
    assert_eq!(statuses.iter().filter(|s| **s == "rejected").count(), 6);
    assert_eq!(statuses.iter().filter(|s| **s == "duplicate").count(), 1);

    let text = Command::new("pdftotext")
        .arg(out.join("national-report.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils): run scripts/setup.sh");
    let text = String::from_utf8_lossy(&text.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("National Cyber Posture Report"), "{text}");
    assert!(
        text.contains("MLVT"),
        "a rejected submission is named in the annex"
    );
    assert!(text.contains("Assessment cycle 2026"));

    // The national CERT's spot checks of six agencies (sample-data/verification/2026).
    let used: Vec<&str> = doc["verification_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["status"].as_str().unwrap())
        .collect();
    assert_eq!(used, ["used"; 6]);
    assert_eq!(doc["national"]["2026"]["verification"]["agencies"], 6);
    assert!(text.contains("Verification by the national CERT"), "{text}");
    assert!(
        text.contains("In the verified sample, self-assessed levels ran 0.36 above verified ones; with verified levels the sample's mean overall is 1.91 instead of 2.16."),
        "{text}"
    );

    // The CSIRT network's report: its own framework, its 7 teams (one new in 2026).
    let csirt: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("csirt/scores.json")).unwrap()).unwrap();
    assert_eq!(
        csirt["framework"]["id"], "csirt-maturity",
        "{}",
        csirt["framework"]
    );
    assert_eq!(csirt["submissions"].as_array().unwrap().len(), 13);
    let text = Command::new("pdftotext")
        .arg(out.join("csirt/national-report.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("CSIRT Maturity Framework"), "{text}");
    assert!(text.contains("CamCERT"), "{text}");

    // A weak province is below target almost everywhere: its report lists the first gaps
    // and counts the rest instead of running to ten pages.
    let agency = Command::new("pdftotext")
        .arg(out.join("agencies/PRV-BMC.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let agency = String::from_utf8_lossy(&agency.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        agency.contains("more questions are below the target"),
        "{agency}"
    );

    // Every PDF, in both languages, is tagged for accessibility and declares PDF/A-2.
    let pdfs: Vec<std::path::PathBuf> = walk(&out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    assert!(pdfs.len() > 40, "{} PDFs", pdfs.len());
    for pdf in &pdfs {
        let info = Command::new("pdfinfo").arg(pdf).output().unwrap();
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(
            info.lines()
                .any(|l| l.starts_with("Tagged:") && l.ends_with("yes")),
            "{} is not tagged:\n{info}",
            pdf.display()
        );
        let meta = Command::new("pdfinfo")
            .arg("-meta")
            .arg(pdf)
            .output()
            .unwrap();
        let meta = String::from_utf8_lossy(&meta.stdout);
        assert!(
            meta.contains("<pdfaid:part>2</pdfaid:part>")
                && meta.contains("<pdfaid:conformance>A</pdfaid:conformance>")
                && meta.contains("<pdfuaid:part>1</pdfuaid:part>"),
            "{} does not declare PDF/A-2a and PDF/UA-1:\n{meta}",
            pdf.display()
        );
    }
}

/// Every file below `dir`, sorted.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}
