//! `posture frameworks`, `framework check` and `framework show`.

use super::util::*;

#[test]
fn small_valid_framework_checks_ok() {
    let o = run(&["framework", "check", "tests/frameworks/small-valid.toml"]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains(
            "ok: framework small 0.1.0 with 2 domains, 2 categories, 3 questions, scale 0-3"
        ),
        "{}",
        stdout(&o)
    );
}

/// Each broken file breaks the small framework exactly once; each must be refused with
/// exactly one located error naming what is wrong.
#[test]
fn broken_frameworks_get_one_located_error_each() {
    let cases: &[(&str, &str)] = &[
        ("01-unknown-key", ":34:1: unknown key `wieght`, expected one of `id`, `weight`, `name`, `description`"),
        ("02-syntax", ":60:28: invalid basic string"),
        ("03-duplicate-id", ":63:6: duplicate id `A.1-01`: already used by a question"),
        ("04-unknown-domain", ":44:10: category `B.1` refers to domain `C`, which is not defined (domains: A, B)"),
        ("05-unknown-category", ":64:12: question `B.1-01` refers to category `B.2`, which is not defined"),
        ("06-scale-gap", ":21:9: scale level 3 out of sequence: levels must be contiguous from 0 in order, so this entry must be level 2"),
        ("07-target-outside-scale", ":10:10: target for sector `energy` 4 is outside the scale (0 to 3)"),
        ("08-bad-weight", ":45:10: category `B.1` has weight 0; weights must be finite and greater than 0"),
        ("09-guidance-length", ":52:15: question `A.1-01` has 3 guidance.en entries but the scale has 4 levels"),
        ("10-missing-english", ":63:6: question `B.1-01` text has no English text"),
        ("11-empty-category", ":43:6: category `B.1` has no questions"),
        ("12-bad-version", ":4:11: framework version `1.0` is not semver"),
        ("13-nan-weight", ":45:10: category `B.1` has weight NaN; weights must be finite and greater than 0"),
        ("14-wrong-type", ":7:18: invalid type: string \"two\", expected a whole number"),
        // [assurance] and [[rules]] (SPEC section 9)
        ("15-rule-unknown-question", ":70:21: rule `a-needs-b` refers to question `A.1-09`, which is not defined"),
        ("16-rule-unknown-category", ":71:25: rule `a-needs-b` refers to category `B.9`, which is not defined"),
        ("17-rule-level-outside-scale", ":70:42: rule `a-needs-b`: `when` at_least 4 is outside the scale (0 to 3)"),
        ("18-rule-unknown-key", ":71:35: unknown key `at_leest`, expected one of `question`, `category`, `at_least`"),
        ("19-rule-duplicate-id", ":75:6: duplicate rule id `a-needs-b`; rule ids must be unique"),
        ("20-rule-bad-id", ":69:6: rule id `A_needs_B` may only contain lower-case letters, digits and `-`"),
        ("21-rule-fraction-on-question", ":71:46: rule `a-needs-b`: `requires` at_least 1.5 is not a level"),
        ("22-rule-when-category", ":70:8: rule `a-needs-b`: `when` names a category; it takes a question"),
        ("23-rule-question-and-category", ":71:12: rule `a-needs-b`: `requires` needs exactly one of `question` or `category`"),
        ("24-rule-missing-english", ":69:6: rule `a-needs-b` text has no English text"),
        ("25-evidence-from-outside-scale", ":69:17: [assurance] evidence_from 7 is outside the scale (0 to 3)"),
        ("26-assurance-unknown-key", ":69:1: unknown key `evidence_form`, expected `evidence_from`"),
    ];
    for (name, expected) in cases {
        let path = format!("tests/frameworks/broken/{name}.toml");
        let o = run(&["framework", "check", &path]);
        assert_exit(&o, 2);
        let err = stderr(&o);
        let errors: Vec<&str> = err.lines().filter(|l| l.contains(&path)).collect();
        assert_eq!(
            errors.len(),
            1,
            "{name}: expected one located error, got:\n{err}"
        );
        assert!(
            errors[0].starts_with(&format!("error: {path}")) && errors[0].contains(expected),
            "{name}: expected `{expected}` in:\n{err}"
        );
    }
}

#[test]
fn builtin_frameworks_are_listed_and_shown() {
    let o = run(&["frameworks"]);
    assert_exit(&o, 0);
    let listed = stdout(&o);
    assert!(listed.contains("kh-ncmf"), "{listed}");
    assert!(listed.contains("nist-csf-2.0"), "{listed}");
    assert!(listed.contains("csirt-maturity"), "{listed}");
    for id in ["kh-ncmf", "nist-csf-2.0", "csirt-maturity"] {
        let o = run(&["framework", "show", id]);
        assert_exit(&o, 0);
        assert!(stdout(&o).starts_with(id), "{}", stdout(&o));
        let o = run(&["framework", "show", id, "--format", "json"]);
        assert_exit(&o, 0);
        let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
        assert_eq!(json["id"], id);
    }
}

#[test]
fn built_in_framework_files_match_the_embedded_copies() {
    // The files under frameworks/ are what framework authors read and copy; they must be
    // exactly what the binary embeds.
    for id in ["kh-ncmf", "nist-csf-2.0", "csirt-maturity"] {
        let path = format!("frameworks/{id}.toml");
        let o = run(&["framework", "check", &path]);
        assert_exit(&o, 0);
        let from_file = run(&["framework", "show", &path, "--format", "json"]);
        let builtin = run(&["framework", "show", id, "--format", "json"]);
        let a: serde_json::Value = serde_json::from_slice(&from_file.stdout).unwrap();
        let b: serde_json::Value = serde_json::from_slice(&builtin.stdout).unwrap();
        assert_eq!(a["sha256"], b["sha256"], "{id}");
    }
}

#[test]
fn unknown_framework_is_a_configuration_error() {
    let o = run(&["framework", "show", "no-such-framework"]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("built-in: kh-ncmf, nist-csf-2.0, csirt-maturity"),
        "{}",
        stderr(&o)
    );
}

/// Issue 17: `framework check` reports the coverage of every language found, with the
/// first missing texts located; `--require-lang` turns a gap into an error (exit 2).
#[test]
fn require_lang_fails_on_missing_khmer_and_passes_when_complete() {
    let path = "tests/frameworks/small-valid.toml";
    let o = run(&["framework", "check", path]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(
        out.contains(&format!("{path}: translation km: 1 of 16 texts (6.2%)")),
        "{out}"
    );
    let located: Vec<&str> = out
        .lines()
        .filter_map(|l| l.trim().strip_prefix(&format!("{path}:")))
        .filter(|l| !l.starts_with(" ok:") && !l.starts_with(" translation"))
        .collect();
    assert_eq!(located.len(), 10, "the first ten only:\n{out}");
    assert_eq!(
        located[0],
        "14:12: scale level 0 label has no `label.km` (the English text is here)"
    );
    assert_eq!(
        located[9],
        "52:16: question `A.1-01` guidance for level 0 has no `guidance.km` (the English text is here)"
    );
    assert!(out.contains("... and 5 more missing km texts"), "{out}");

    let o = run(&["framework", "check", path, "--require-lang", "km"]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains(&format!(
            "error: {path}:14:12: the km translation is incomplete: 15 of 16 texts are missing (--require-lang km"
        )),
        "{}",
        stderr(&o)
    );

    for file in [
        "frameworks/kh-ncmf.toml",
        "frameworks/nist-csf-2.0.toml",
        "frameworks/csirt-maturity.toml",
    ] {
        let o = run(&["framework", "check", file, "--require-lang", "km"]);
        assert_exit(&o, 0);
        assert!(
            stdout(&o).contains("(100%), not yet reviewed"),
            "{}",
            stdout(&o)
        );
        // Repeatable: a language the file has no text in is entirely missing.
        let o = run(&[
            "framework",
            "check",
            file,
            "--require-lang",
            "km",
            "--require-lang",
            "fr",
        ]);
        assert_exit(&o, 2);
        let err = stderr(&o);
        assert!(err.contains("the fr translation is incomplete"), "{err}");
        assert!(!err.contains("the km translation"), "{err}");
    }
}

/// `framework check` counts the assurance rules and `framework show` lists them (SPEC §9).
#[test]
fn check_and_show_state_the_assurance_rules() {
    let o = run(&["framework", "check", "frameworks/kh-ncmf.toml"]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains("scale 0-5, 15 assurance rules (evidence from level 3)"),
        "{}",
        stdout(&o)
    );
    let o = run(&["framework", "show", "kh-ncmf"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(
        out.contains("assurance: evidence from level 3; 15 rules"),
        "{out}"
    );
    assert!(
        out.contains("  mfa-needs-accounts  when TEC.IA-01 >= 3 requires TEC.IA-03 >= 2"),
        "{out}"
    );
    assert!(out.contains("requires category TEC.LM >= 2"), "{out}");
}
