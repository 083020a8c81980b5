//! `posture framework import` (issue 16, SPEC section 12): libraries in the CISO Assistant
//! YAML format, written for these tests in `tests/fixtures/import/`, give the TOML files in
//! `tests/ref/import/` (with the warnings printed, in `*.warnings`), which then load and
//! pass `framework check`; each kind of bad input is one located error with nothing
//! written; and an imported framework goes through template, score and report.
//! POSTURE_UPDATE_REFS=1 rewrites the references after an intended change.

use std::path::{Path, PathBuf};

use super::util::*;

const FIXTURES: &str = "tests/fixtures/import";

fn update_refs() -> bool {
    std::env::var_os("POSTURE_UPDATE_REFS").is_some_and(|v| v == "1")
}

/// Compare `actual` with the reference file `tests/ref/import/<name>`, or rewrite it.
#[track_caller]
fn check_ref(name: &str, actual: &str) {
    let path = root().join("tests/ref/import").join(name);
    if update_refs() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing {}; run with POSTURE_UPDATE_REFS=1", path.display()));
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map_or(
                expected.lines().count().min(actual.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "{name} differs from {} at line {line}; run with POSTURE_UPDATE_REFS=1 if intended\n--- actual\n{actual}",
            path.display()
        );
    }
}

/// Import a fixture into `dir` and return the written TOML and the command's output.
fn import(name: &str, dir: &Path, extra: &[&str]) -> (String, std::process::Output) {
    let out = dir.join(format!("{name}.toml"));
    let input = format!("{FIXTURES}/{name}.yaml");
    let mut args = vec![
        "framework",
        "import",
        &input,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_exit(&o, 0);
    (std::fs::read_to_string(&out).unwrap(), o)
}

/// Every shape of library the issue names: flat, depth 9, nodes without ref_id or
/// description, translation blocks, no scores_definition (binned, small range, neither),
/// implementation groups, a French locale.
#[test]
fn libraries_of_every_shape_give_the_expected_toml() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str)] = &[
        ("flat", "1 domains, 1 categories, 4 questions, scale 0-3"),
        ("deep", "3 domains, 6 categories, 9 questions, scale 0-5"),
        ("sparse", "2 domains, 2 categories, 7 questions, scale 0-2"),
        (
            "translations",
            "2 domains, 2 categories, 3 questions, scale 0-2",
        ),
        (
            "implementation-groups",
            "2 domains, 2 categories, 3 questions, scale 0-5",
        ),
        ("french", "1 domains, 1 categories, 2 questions, scale 0-2"),
    ];
    for (name, shape) in cases {
        let (toml, o) = import(name, dir.path(), &[]);
        assert!(stdout(&o).contains(shape), "{name}: {}", stdout(&o));
        check_ref(&format!("{name}.toml"), &toml);
        check_ref(&format!("{name}.warnings"), &stderr(&o));
        // The written file is a framework like any other.
        let path = dir.path().join(format!("{name}.toml"));
        let check = run(&["framework", "check", path.to_str().unwrap()]);
        assert_exit(&check, 0);
        assert!(stdout(&check).contains(shape), "{name}: {}", stdout(&check));
    }
}

/// What each shape must do, said directly rather than only through the references.
#[test]
fn the_mapping_follows_spec_section_12() {
    use posture::framework::{load_str, Source};
    let dir = tempfile::tempdir().unwrap();
    let load = |name: &str| {
        let (toml, o) = import(name, dir.path(), &[]);
        let f = load_str(&toml, Source::File(format!("{name}.toml").into()))
            .unwrap_or_else(|e| panic!("{e}"));
        (f, stderr(&o))
    };

    // Flat: every question in `general`, scores renumbered by rank, labels kept; the
    // library's version 2 is 2.0.0, its ref_id lower-cased; the urn is the source.
    let (f, warnings) = load("flat");
    assert_eq!(
        (f.id.as_str(), f.version.as_str()),
        ("flat-basics", "2.0.0")
    );
    assert_eq!(f.domains[0].id, "general");
    assert_eq!(f.categories[0].id, "general-all");
    assert_eq!(f.level_label(0, "en"), "Not started");
    assert_eq!(f.default_target, 1);
    assert_eq!(
        f.question("1.10").unwrap().source.as_deref(),
        Some("urn:example:risk:req_node:flat-basics:b-4"),
        "a ref_id written as 1.10 stays 1.10"
    );
    assert!(f.question("1.10").unwrap().refs.is_empty());
    let origin = f.origin.clone().unwrap();
    assert_eq!(origin.version.as_deref(), Some("2"));
    assert_eq!(origin.provider.as_deref(), Some("Example Provider"));
    assert!(
        warnings.contains("flat.yaml:19: scores 1, 2, 3, 4 become levels 0 to 3"),
        "{warnings}"
    );

    // Depth 9: the category of a question is its nearest non-assessable ancestor below
    // depth 1; assessable nodes with children are questions too; empty branches drop.
    let (f, warnings) = load("deep");
    let category = |q: &str| f.question(q).unwrap().category.clone();
    assert_eq!(category("GOV.1.2.1.1.a.i.x.1"), "GOV.1.2.1.1.a.i.x");
    assert_eq!(category("GOV.1.2.1.1.a"), "GOV.1.2.1");
    assert_eq!(category("GOV-Q"), "GOV-all");
    assert_eq!(category("OPS.2.1"), "OPS-all");
    assert_eq!(
        category("RES-2"),
        "RES-all",
        "the domain RES is also a question"
    );
    assert!(f.domain("EMPTY").is_none() && f.category("OPS.1").is_none());
    assert_eq!(f.scale.len(), 6);
    assert_eq!(f.level_label(0, "en"), "Score 0–16");
    assert_eq!(f.level_label(5, "en"), "Score 84–100");
    assert_eq!(f.default_target, 2);
    assert!(warnings.contains("binned into 6 levels"), "{warnings}");
    assert!(warnings.contains("question id `RES` is already the id of the domain at line 113: this question gets `RES-2`"), "{warnings}");

    // Sparse: ids from urns, made safe and unique in document order, texts from the
    // first field present; the default scale.
    let (f, warnings) = load("sparse");
    assert_eq!(f.id, "iso-iec-sparse-2022");
    let ids: Vec<&str> = f.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(
        ids,
        ["q-one", "q-two", "q-three", "X.1", "X.1-2", "A-1-b", "X.1-2-2"]
    );
    let text = |q: &str| f.question(q).unwrap().text.en().to_string();
    assert_eq!(text("q-one"), "Access is reviewed");
    assert_eq!(text("q-two"), "Only an annotation says what this asks.");
    assert_eq!(text("q-three"), "q-three");
    assert_eq!(
        f.scale.iter().map(|s| s.label.en()).collect::<Vec<_>>(),
        ["Not implemented", "Partially implemented", "Implemented"]
    );
    assert_eq!(
        f.categories[1].id, "B-2",
        "a category named like its domain"
    );
    assert_eq!(
        warnings.matches("is made from its urn").count(),
        4,
        "{warnings}"
    );

    // Translations: every block becomes text.<lang>; a block without the field used
    // adds nothing.
    let (f, _) = load("translations");
    assert_eq!(f.title.get("fr"), "Référentiel traduit");
    assert_eq!(f.title.get("km"), "ក្របខ័ណ្ឌដែលបានបកប្រែ");
    assert_eq!(f.level_label(1, "fr"), "En partie");
    assert_eq!(f.domain("ID").unwrap().name.get("km"), "កំណត់អត្តសញ្ញាណ");
    let q = f.question("ID.AM-01").unwrap();
    assert_eq!(q.text.get("fr"), "Le matériel est inventorié.");
    assert!(!f.question("ID.AM-02").unwrap().text.has("fr"));
    assert_eq!(f.category("PR-all").map(|c| c.id.as_str()), None);

    // Implementation groups are ignored, once, and said so.
    let (f, warnings) = load("implementation-groups");
    assert_eq!(f.questions.len(), 3);
    assert_eq!(
        warnings
            .matches("implementation groups are ignored")
            .count(),
        1
    );
    assert_eq!(f.level_label(5, "en"), "Score 5");

    // A French library: lang fr, English where the library translated.
    let (f, warnings) = load("french");
    assert_eq!(f.lang, "fr");
    assert_eq!(f.title.get("en"), "Security baseline");
    assert_eq!(
        f.question("GOUV.2").unwrap().text.get("en"),
        "Les rôles de sécurité sont attribués."
    );
    assert!(warnings.contains("are in English"), "{warnings}");
}

#[test]
fn id_option_names_the_framework() {
    let dir = tempfile::tempdir().unwrap();
    let (toml, _) = import("flat", dir.path(), &["--id", "my-basics"]);
    assert!(toml.contains("\nid = \"my-basics\"\n"), "{toml}");
    let out = dir.path().join("x.toml");
    let o = run(&[
        "framework",
        "import",
        &format!("{FIXTURES}/flat.yaml"),
        "--out",
        out.to_str().unwrap(),
        "--id",
        "Not An Id",
    ]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("--id `Not An Id` is not a framework id"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
}

/// One bad-input test per error: a located error, exit 2, and nothing written (an older
/// file at --out stays as it was).
#[test]
fn bad_libraries_get_one_located_error_and_nothing_is_written() {
    let cases: &[(&str, &str)] = &[
        ("syntax", ":4:11: failed to parse YAML (invalid indentation in quoted scalar)"),
        ("no-framework", ":3:1: no framework object: `objects` has no `framework` (it holds risk_matrix"),
        ("no-assessable", ":7:5: no assessable node: none of the 2 requirement nodes has `assessable: true`"),
        ("duplicate", ":13:7: duplicate node (ref_id `A`): its urn `urn:example:dup:a` is also the urn of the node at line 8"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, expected) in cases {
        let input = format!("{FIXTURES}/bad/{name}.yaml");
        let out = dir.path().join(format!("{name}.toml"));
        std::fs::write(&out, "old").unwrap();
        let o = run(&[
            "framework",
            "import",
            &input,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_exit(&o, 2);
        let err = stderr(&o);
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{name}: {err}");
        assert!(
            errors[0].starts_with(&format!("error: {input}{expected}")),
            "{name}: expected `{input}{expected}` in\n{err}"
        );
        assert!(err.contains("hint: nothing was written"), "{err}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old", "{name}");
        assert!(stdout(&o).is_empty(), "{name}: {}", stdout(&o));
    }
    // A missing file is a configuration error too.
    let o = run(&["framework", "import", "no/such.yaml", "--out", "x.toml"]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("failed to read no/such.yaml"),
        "{}",
        stderr(&o)
    );
}

/// An imported framework goes the whole way: `posture template` writes its workbook, the
/// agencies' filled workbooks are scored and reported on, in English and Khmer.
#[test]
fn an_imported_framework_goes_through_template_score_and_report() {
    use posture::framework::{load_file, Framework};
    use posture::registry::Agency;
    use posture::workbook::template::{template_profile, write_template};
    use posture::workbook::{Answer, AnswerRow};

    let dir = tempfile::tempdir().unwrap();
    let (_, _) = import("deep", dir.path(), &[]);
    let fw_path = dir.path().join("deep.toml");
    let fw_arg = fw_path.to_str().unwrap();
    let registry = dir.path().join("agencies.csv");
    std::fs::write(
        &registry,
        "agency_id,name_en,name_km,sector\nAAA,Alpha Agency,,ministry\nBBB,Beta Bureau,,ministry\nCCC,Gamma Council,,province\n",
    )
    .unwrap();
    let reg = registry.to_str().unwrap();

    // The blank template, from the command line.
    let blank = dir.path().join("blank");
    let o = run(&[
        "template",
        "--framework",
        fw_arg,
        "--registry",
        reg,
        "--all",
        "--out",
        blank.to_str().unwrap(),
    ]);
    assert_exit(&o, 0);
    assert!(blank.join("AAA.xlsx").is_file(), "{}", stdout(&o));

    // Filled in, by the template writer, as an agency would.
    let f: Framework = load_file(&fw_path).unwrap();
    let submissions = dir.path().join("submissions");
    for (n, id) in ["AAA", "BBB", "CCC"].into_iter().enumerate() {
        let agency = Agency {
            agency_id: id.into(),
            name_en: format!("Agency {id}"),
            name_km: None,
            sector: "ministry".into(),
        };
        let mut profile = template_profile(&f, Some(&agency), Some("2026"));
        profile.submitted_by = Some("focal point".into());
        profile.submitted_on = Some("2026-03-01".into());
        let answers: Vec<AnswerRow> = (0..f.questions.len())
            .map(|i| AnswerRow {
                answer: Answer::Level(((i + 2 * n) % (f.max_level() as usize + 1)) as u8),
                evidence: None,
                comment: None,
            })
            .collect();
        write_template(
            &f,
            &profile,
            Some(&answers),
            &submissions.join(format!("{id}.xlsx")),
        )
        .unwrap();
    }
    let subs = submissions.to_str().unwrap();
    let scores = dir.path().join("scores.json");
    let o = run(&[
        "score",
        subs,
        "--framework",
        fw_arg,
        "--registry",
        reg,
        "--out",
        scores.to_str().unwrap(),
    ]);
    assert_exit(&o, 0);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&scores).unwrap()).unwrap();
    let scored = doc["submissions"].as_array().unwrap();
    assert_eq!(scored.len(), 3);
    assert!(scored.iter().all(|s| s["status"] == "scored"), "{doc}");

    for lang in ["en", "km"] {
        let out = dir.path().join(format!("report-{lang}"));
        let o = run(&[
            "report",
            subs,
            "--framework",
            fw_arg,
            "--registry",
            reg,
            "--lang",
            lang,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_exit(&o, 0);
        for file in [
            "national-report.pdf",
            "brief.pdf",
            "agencies/AAA.pdf",
            "scores.json",
        ] {
            assert!(
                out.join(file).is_file(),
                "{lang}: missing {file}\n{}",
                stderr(&o)
            );
        }
        let text = pdftotext(&out.join("national-report.pdf"));
        assert!(text.contains("A deeply nested framework"), "{lang}: {text}");
        // A framework without CSF tags gets no CSF view.
        if lang == "en" {
            assert!(!text.contains("NIST CSF"), "{text}");
        }
    }
}

fn pdftotext(path: &PathBuf) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils): run scripts/setup.sh");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
