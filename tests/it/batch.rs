//! No file can end a batch: a folder holding every hostile file the project knows plus
//! valid workbooks still scores the valid ones. This runs the **release** binary, because
//! release and debug builds differ exactly here: in a debug build an arithmetic overflow
//! panics and the panic is caught as a rejection, while a release build wraps, asks for an
//! impossible allocation and the process aborts with signal 6, taking the batch with it.

use std::path::PathBuf;
use std::process::Command;

use super::books::Book;
use super::books::V;
use super::util::root;

/// Build the release binary (quick when it is up to date) and return its path.
fn release_posture() -> PathBuf {
    let mut build = super::util::cargo();
    let status = build
        .current_dir(root())
        .args([
            "build",
            "--release",
            "--locked",
            "--quiet",
            "--bin",
            "posture",
        ])
        .status()
        .expect("failed to run cargo");
    assert!(status.success(), "cargo build --release failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    target.join("release").join("posture")
}

#[test]
fn a_release_batch_scores_its_valid_workbooks_whatever_else_the_folder_holds() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let mut hostile = Vec::new();
    for folder in ["tests/fixtures/fuzz", "tests/fixtures/writers"] {
        for entry in std::fs::read_dir(root().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".py") || name.ends_with(".md") {
                continue;
            }
            std::fs::copy(&path, inputs.join(&name)).unwrap();
            hostile.push(name);
        }
    }
    // The valid workbooks sort first and last, around everything else.
    for (file, agency) in [("0-first.xlsx", "MOA"), ("z-last.xlsx", "MOZ")] {
        let book = Book::valid().profile_field("agency_id", V::S(agency));
        std::fs::write(inputs.join(file), book.xlsx()).unwrap();
    }
    let out = Command::new(release_posture())
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["score", "in", "--framework"])
        .arg(root().join(super::books::FRAMEWORK))
        .args(["--out", "scores.json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the batch must end normally with some inputs rejected (a signal means it aborted)\n{stderr}"
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("scores.json")).unwrap()).unwrap();
    let scored: Vec<&str> = doc["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agency_id"].as_str().unwrap())
        .collect();
    assert_eq!(scored, ["MOA", "MOZ"], "{stderr}");
    // Every input is accounted for, once.
    let submissions = doc["submissions"].as_array().unwrap();
    assert_eq!(submissions.len(), hostile.len() + 2);
    for name in &hostile {
        let s = submissions
            .iter()
            .find(|s| s["file"].as_str().unwrap().ends_with(name.as_str()))
            .unwrap_or_else(|| panic!("{name} is missing from the submissions"));
        // Writers' workbooks for agency MOH conflict with one another, so none is scored.
        assert_ne!(s["status"], "scored", "{name}");
    }
}
