//! `posture export oscal` end to end on the bundled sample (SPEC section 11): the files of
//! the latest cycle, byte-identical across runs, each loaded in compliance-trestle's OSCAL
//! models by `tools/oscal-check/check.py`. The check needs the venv `scripts/setup.sh`
//! makes; without it the test fails and says so, as the PDF tests do without pdftotext.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::util::{assert_exit, root, run_in, stderr, stdout};

/// The Python of the venv that holds compliance-trestle (see scripts/setup.sh).
fn trestle_python() -> PathBuf {
    let venv = std::env::var_os("POSTURE_OSCAL_VENV")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/posture-oscal-venv"))
        })
        .expect("HOME or POSTURE_OSCAL_VENV must be set to find the compliance-trestle venv");
    let python = venv.join("bin/python");
    assert!(
        python.is_file(),
        "compliance-trestle is not installed: no {} (run scripts/setup.sh)",
        python.display()
    );
    python
}

fn file_names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn export(dir: &Path, out: &str) -> std::process::Output {
    let subs = root().join("data/submissions");
    let registry = root().join("data/agencies.csv");
    run_in(
        dir,
        &[
            "export",
            "oscal",
            subs.to_str().unwrap(),
            "--registry",
            registry.to_str().unwrap(),
            "--out",
            out,
        ],
    )
}

#[test]
fn export_oscal_writes_loadable_identical_files_per_agency() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let subs = root().join("data/submissions");
    let registry = root().join("data/agencies.csv");

    // What the export must hold, from `posture score`: one assessment result per agency
    // scored in 2026 (the latest cycle), one POA&M per such agency with a gap.
    let o = run_in(
        dir,
        &[
            "score",
            subs.to_str().unwrap(),
            "--registry",
            registry.to_str().unwrap(),
            "--out",
            "scores.json",
        ],
    );
    assert_exit(&o, 1);
    let scores: Value =
        serde_json::from_slice(&std::fs::read(dir.join("scores.json")).unwrap()).unwrap();
    let agencies: Vec<&Value> = scores["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["cycle"] == "2026")
        .collect();
    let mut expected = BTreeSet::new();
    let mut without_gap = Vec::new();
    for a in &agencies {
        let id = a["agency_id"].as_str().unwrap();
        expected.insert(format!("{id}-2026-assessment-results.json"));
        if a["gaps"].as_array().unwrap().is_empty() {
            without_gap.push(id.to_string());
        } else {
            expected.insert(format!("{id}-2026-poam.json"));
        }
    }
    assert!(
        agencies.len() > 10,
        "the sample scores {} agencies",
        agencies.len()
    );
    assert!(
        !without_gap.is_empty(),
        "the sample has an agency without a gap"
    );

    // A POA&M left by an earlier run for an agency that now has no gap is removed.
    std::fs::create_dir_all(dir.join("a")).unwrap();
    let stale = dir.join(format!("a/{}-2026-poam.json", without_gap[0]));
    std::fs::write(&stale, "{}").unwrap();

    let started = std::time::Instant::now();
    let a = export(dir, "a");
    let took = started.elapsed();
    // The sample data holds rejected workbooks on purpose: listed, exit 1, the rest written.
    assert_exit(&a, 1);
    assert!(stderr(&a).contains("rejected: "), "{}", stderr(&a));
    assert!(
        stderr(&a).contains(&format!(
            "cycle 2026: wrote {} assessment result(s) and {} POA&M(s)",
            agencies.len(),
            agencies.len() - without_gap.len()
        )),
        "{}",
        stderr(&a)
    );
    assert!(!stale.exists(), "the stale POA&M is still there");
    assert_eq!(file_names(&dir.join("a")), expected);

    let b = export(dir, "b");
    assert_exit(&b, 1);
    assert_eq!(file_names(&dir.join("b")), expected);
    for name in &expected {
        let (x, y) = (
            std::fs::read(dir.join("a").join(name)).unwrap(),
            std::fs::read(dir.join("b").join(name)).unwrap(),
        );
        assert!(x == y, "{name} differs between two runs");
        assert!(x.ends_with(b"}\n"), "{name} does not end with a newline");
    }

    // Every file loads in the OSCAL models.
    let python = trestle_python();
    let started_check = std::time::Instant::now();
    let check = Command::new(&python)
        .arg(root().join("tools/oscal-check/check.py"))
        .arg(dir.join("a"))
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "failed to run {} ({e}); run scripts/setup.sh",
                python.display()
            )
        });
    assert!(
        check.status.success(),
        "compliance-trestle refused the export\n--- stdout\n{}\n--- stderr\n{}",
        stdout(&check),
        stderr(&check)
    );
    assert!(
        stdout(&check).contains(&format!("{n} of {n} file(s) load", n = expected.len())),
        "{}",
        stdout(&check)
    );
    eprintln!(
        "export oscal: {} files in {:.2?}; trestle check in {:.2?}",
        expected.len(),
        took,
        started_check.elapsed()
    );
}

#[test]
fn an_unknown_cycle_is_a_usage_error_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let subs = root().join("data/submissions");
    let o = run_in(
        tmp.path(),
        &[
            "export",
            "oscal",
            subs.to_str().unwrap(),
            "--cycle",
            "1999",
            "--out",
            "out",
        ],
    );
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("failed to select cycle `1999`"),
        "{}",
        stderr(&o)
    );
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn help_has_an_example() {
    let o = super::util::run(&["export", "oscal", "--help"]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains("posture export oscal returned/ --registry"),
        "{}",
        stdout(&o)
    );
}
