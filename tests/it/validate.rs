//! `posture validate`: diagnostics grouped by file, JSON output, exit codes.

use std::path::Path;

use super::books::{Book, FRAMEWORK, V};
use super::util::*;

fn framework_arg() -> String {
    root().join(FRAMEWORK).display().to_string()
}

/// A folder with a valid workbook, an exact duplicate of it, a workbook with a bad level,
/// a lock file and a text file.
fn batch(dir: &Path) {
    std::fs::create_dir_all(dir.join("in/sub")).unwrap();
    let valid = Book::valid().xlsx();
    std::fs::write(dir.join("in/a-moh.xlsx"), &valid).unwrap();
    std::fs::write(dir.join("in/sub/b-moh-copy.XLSX"), &valid).unwrap();
    let bad = Book::valid()
        .profile_field("agency_id", V::S("EDC"))
        .level(0, V::N(2.5));
    std::fs::write(dir.join("in/c-edc.xlsx"), bad.xlsx()).unwrap();
    std::fs::write(dir.join("in/~$a-moh.xlsx"), b"lock").unwrap();
    std::fs::write(dir.join("in/notes.txt"), b"not a workbook").unwrap();
}

#[test]
fn text_output_groups_diagnostics_by_file() {
    let dir = tempfile::tempdir().unwrap();
    batch(dir.path());
    let o = run_in(
        dir.path(),
        &["validate", "in", "--framework", &framework_arg()],
    );
    assert_exit(&o, 1);
    let out = stdout(&o);
    let expected = "\
in/a-moh.xlsx: ok (scored: MOH 2026, 3/3 answered)
  note: Assessment!B4: 1 of 2 answers at level 2 or above have no evidence (unsupported_claim)
in/c-edc.xlsx: rejected (1 error, 0 warnings)
  error: Assessment!B2: found \"2.5\"; expected a whole level 0–3 or a label like \"3 - ...\" (this question does not allow N/A)
in/sub/b-moh-copy.XLSX: duplicate (1 warning)
  warning: duplicate of in/a-moh.xlsx (identical bytes); counted once, as in/a-moh.xlsx
3 files: 1 ok, 1 rejected, 1 duplicate
";
    assert_eq!(out, expected);
    assert!(!out.contains('\x1b'), "no colour when piped");
    assert!(
        stderr(&o).is_empty(),
        "no progress bar when not a terminal: {}",
        stderr(&o)
    );
}

#[test]
fn json_output_lists_every_submission() {
    let dir = tempfile::tempdir().unwrap();
    batch(dir.path());
    let o = run_in(
        dir.path(),
        &[
            "validate",
            "in",
            "--framework",
            &framework_arg(),
            "--format",
            "json",
        ],
    );
    assert_exit(&o, 1);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let subs = doc["submissions"].as_array().unwrap();
    let files: Vec<&str> = subs.iter().map(|s| s["file"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        ["in/a-moh.xlsx", "in/c-edc.xlsx", "in/sub/b-moh-copy.XLSX"]
    );
    let status: Vec<&str> = subs.iter().map(|s| s["status"].as_str().unwrap()).collect();
    assert_eq!(status, ["scored", "rejected", "duplicate"]);
    assert_eq!(subs[1]["agency_id"], "EDC");
    assert_eq!(subs[1]["cycle"], "2026");
    assert_eq!(subs[1]["errors"][0]["sheet"], "Assessment");
    assert_eq!(subs[1]["errors"][0]["cell"], "B2");
    assert_eq!(subs[0]["sha256"], subs[2]["sha256"]);
    assert_eq!(subs[0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(doc["summary"]["rejected"], 1);
    assert_eq!(doc["framework"]["id"], "small");
}

#[test]
fn all_valid_exits_zero_and_bad_files_get_one_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.xlsx"), Book::valid().xlsx()).unwrap();
    let fw = framework_arg();
    let o = run_in(dir.path(), &["validate", "ok.xlsx", "--framework", &fw]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).ends_with("1 file: 1 ok, 0 rejected, 0 duplicate\n"),
        "{}",
        stdout(&o)
    );

    std::fs::write(dir.path().join("empty.xlsx"), b"").unwrap();
    std::fs::write(dir.path().join("text.ods"), b"hello").unwrap();
    let o = run_in(
        dir.path(),
        &["validate", "empty.xlsx", "text.ods", "--framework", &fw],
    );
    assert_exit(&o, 1);
    assert_eq!(
        stdout(&o),
        "empty.xlsx: rejected (1 error, 0 warnings)\n  error: empty file (0 bytes)\n\
         text.ods: rejected (1 error, 0 warnings)\n  error: not a spreadsheet (not an .xlsx, .xlsb, .xls or .ods workbook)\n\
         2 files: 0 ok, 2 rejected, 0 duplicate\n"
    );
}

#[test]
fn limits_are_flags() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.xlsx"), Book::valid().xlsx()).unwrap();
    let fw = framework_arg();
    let o = run_in(
        dir.path(),
        &["validate", "ok.xlsx", "--framework", &fw, "--max-rows", "2"],
    );
    assert_exit(&o, 1);
    assert!(
        stdout(&o).contains(
            "error: sheet `Assessment` has more than 2 rows (a value at row 3; see --max-rows)"
        ),
        "{}",
        stdout(&o)
    );
    let o = run_in(
        dir.path(),
        &[
            "validate",
            "ok.xlsx",
            "--framework",
            &fw,
            "--max-member-mib",
            "0",
        ],
    );
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("--max-member-mib must be at least 1"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn configuration_errors_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.xlsx"), Book::valid().xlsx()).unwrap();
    let o = run_in(dir.path(), &["validate", "missing-folder"]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("failed to find input `missing-folder`"),
        "{}",
        stderr(&o)
    );

    let o = run_in(
        dir.path(),
        &["validate", "ok.xlsx", "--framework", "no-such-framework"],
    );
    assert_exit(&o, 2);

    std::fs::write(dir.path().join("agencies.csv"), "id,name\n").unwrap();
    let o = run_in(
        dir.path(),
        &[
            "validate",
            "ok.xlsx",
            "--framework",
            &framework_arg(),
            "--registry",
            "agencies.csv",
        ],
    );
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("agencies.csv:1:1: registry header"),
        "{}",
        stderr(&o)
    );

    std::fs::create_dir(dir.path().join("nothing")).unwrap();
    let o = run_in(dir.path(), &["validate", "nothing"]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("failed to find workbooks in `nothing`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn registry_rejects_unknown_agencies_and_sets_the_sector() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("moh.xlsx"), Book::valid().xlsx()).unwrap();
    let edc = Book::valid().profile_field("agency_id", V::S("EDC"));
    std::fs::write(dir.path().join("edc.xlsx"), edc.xlsx()).unwrap();
    std::fs::write(
        dir.path().join("agencies.csv"),
        "agency_id,name_en,name_km,sector\nMOH,Ministry of Health,,health\n",
    )
    .unwrap();
    let o = run_in(
        dir.path(),
        &[
            "validate",
            ".",
            "--framework",
            &framework_arg(),
            "--registry",
            "agencies.csv",
        ],
    );
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(out.contains("./edc.xlsx: rejected (1 error, 0 warnings)\n  error: Profile!B2: agency_id \"EDC\" is not in the registry"), "{out}");
    assert!(out.contains("./moh.xlsx: ok (scored: MOH 2026, 3/3 answered)\n  warning: Profile!B4: sector \"ministry\" differs from the registry's \"health\""), "{out}");
}

/// Issue 12: `posture validate dir/ | head -1` ends quietly, as in ripgrep. The reader takes
/// one line and goes away while posture still has far more than a pipe buffer (64 KiB on
/// Linux) to write, so posture's next write fails with a broken pipe.
#[test]
fn issue_12_a_broken_pipe_ends_quietly() {
    use std::io::BufRead;
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let name = "a-rather-long-file-name-so-that-each-diagnostic-takes-room";
    for i in 0..1500 {
        std::fs::write(dir.path().join(format!("{name}-{i:04}.xlsx")), b"junk").unwrap();
    }
    let mut child = posture()
        .arg("validate")
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("failed to start posture");
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains(name), "{first}");
    // The reader is dropped here, closing the pipe.
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("error:"), "{err}");
    // Every file is rejected: the verdict stands, whatever the reader took of it.
    assert_exit(&out, 1);
}

/// Issue 17: `--lang km` gives every diagnostic in Khmer, on the terminal and in JSON; the
/// locations, values and kinds are the same in every language.
#[test]
fn diagnostics_in_khmer() {
    let dir = tempfile::tempdir().unwrap();
    batch(dir.path());
    let fw = framework_arg();
    let o = run_in(
        dir.path(),
        &["validate", "in", "--framework", &fw, "--lang", "km"],
    );
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(
        out.contains("  កំហុស: Assessment!B2: បានរកឃើញ \"2.5\"។ ត្រូវការកម្រិតជាចំនួនគត់ 0–3"),
        "{out}"
    );
    assert!(
        out.contains("  ការព្រមាន: ស្ទួននឹង in/a-moh.xlsx (បៃដូចគ្នាទាំងអស់)។"),
        "{out}"
    );
    // The words around the diagnostics are Khmer too: no English label is left.
    for english in [" error:", " warning:", "rejected (", "duplicate (", " ok ("] {
        assert!(!out.contains(english), "`{english}` in {out}");
    }
    assert!(out.contains("ត្រូវបានបដិសេធ (កំហុស 1"), "{out}");
    let o = run_in(
        dir.path(),
        &[
            "validate",
            "in",
            "--framework",
            &fw,
            "--lang",
            "km",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let e = &doc["submissions"][1]["errors"][0];
    assert_eq!(e["cell"], "B2");
    assert_eq!(e["kind"], "bad_level");
    assert_eq!(e["found"], "2.5");
    assert_eq!(e["expected"], "0–3");
    assert!(
        e["message"].as_str().unwrap().starts_with("បានរកឃើញ"),
        "{e}"
    );
    let bad = run_in(dir.path(), &["validate", "in", "--lang", "fr"]);
    assert_exit(&bad, 2);
}

/// Issues 13 and 17: with `--lang km` the assurance notes read in Khmer too: a broken rule
/// by its Khmer text, the other kinds by the reports' Khmer wording.
#[test]
fn assurance_notes_in_khmer() {
    let o = super::util::run(&[
        "validate",
        "data/submissions/2026/MOH.xlsx",
        "data/submissions/2026/MOT.xlsx",
        "--registry",
        "data/agencies.csv",
        "--lang",
        "km",
    ]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    let notes: Vec<&str> = out.lines().filter(|l| l.contains("កំណត់ចំណាំ: ")).collect();
    assert!(
        notes.iter().any(|l| l.ends_with("(rule_violated)")),
        "{out}"
    );
    assert!(
        notes.iter().any(|l| l.contains("ចម្លើយស្ទើរតែដូចគ្នាទាំងអស់៖")),
        "{out}"
    );
    for note in &notes {
        assert!(
            !note.contains(" needs ") && !note.contains(" answers "),
            "English: {note}"
        );
    }
}
