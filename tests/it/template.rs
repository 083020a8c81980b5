//! `posture template`: the workbook read back with calamine and as raw sheet XML.

use std::io::Read;
use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};

use super::util::*;

const REGISTRY: &str = "agency_id,name_en,name_km,sector\n\
MOH,Ministry of Health,ក្រសួងសុខាភិបាល,ministry\n\
MPD,Mekong Power Distribution,,energy\n\
../evil,Path Escape Test,,ministry\n";

fn registry(dir: &Path) -> String {
    let path = dir.join("agencies.csv");
    std::fs::write(&path, REGISTRY).unwrap();
    path.display().to_string()
}

fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Every sheet's XML, by sheet file name (`sheet1.xml` ...).
fn sheet_xml(path: &Path) -> Vec<(String, String)> {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        if let Some(sheet) = name.strip_prefix("xl/worksheets/") {
            let mut xml = String::new();
            entry.read_to_string(&mut xml).unwrap();
            out.push((sheet.to_string(), xml));
        }
    }
    out.sort();
    out
}

#[test]
fn agency_workbook_has_prefilled_profile_dropdowns_and_protection() {
    let dir = tempfile::tempdir().unwrap();
    let reg = registry(dir.path());
    let out = dir.path().join("MOH.xlsx");
    let o = run_in(
        dir.path(),
        &[
            "template",
            "--registry",
            &reg,
            "--agency",
            "MOH",
            "--cycle",
            "2026",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("MOH.xlsx"), "{}", stdout(&o));

    let framework = posture::framework::builtin("kh-ncmf").unwrap().unwrap();
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec!["Instructions", "Profile", "Assessment"]
    );

    let profile = wb.worksheet_range("Profile").unwrap();
    let fields: Vec<(String, String)> = (1..=8)
        .map(|r| (cell(&profile, r, 0), cell(&profile, r, 1)))
        .collect();
    let expected = [
        ("agency_id", "MOH"),
        ("agency_name", "Ministry of Health"),
        ("sector", "ministry"),
        ("cycle", "2026"),
        ("framework_id", "kh-ncmf"),
        ("framework_version", framework.version.as_str()),
        ("submitted_by", ""),
        ("submitted_on", ""),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(fields, expected);
    assert!(cell(&profile, 1, 2).contains("លេខកូដស្ថាប័ន"), "bilingual hint");

    let assessment = wb.worksheet_range("Assessment").unwrap();
    let header_row = (0..20)
        .find(|&r| (0..30).any(|c| cell(&assessment, r, c) == "question_id"))
        .expect("a header row within the first 20 rows");
    let header: Vec<String> = (0..assessment.width() as u32)
        .map(|c| cell(&assessment, header_row, c))
        .collect();
    for name in ["question_id", "level", "evidence", "comment"] {
        assert_eq!(
            header.iter().filter(|h| h.as_str() == name).count(),
            1,
            "header `{name}` exactly once in {header:?}"
        );
    }
    let id_col = header.iter().position(|h| h == "question_id").unwrap() as u32;
    let level_col = header.iter().position(|h| h == "level").unwrap() as u32;
    let ids: Vec<String> = (header_row + 1..assessment.height() as u32)
        .map(|r| cell(&assessment, r, id_col))
        .filter(|id| !id.is_empty())
        .collect();
    let framework_ids: Vec<String> = framework.questions.iter().map(|q| q.id.clone()).collect();
    assert_eq!(
        ids, framework_ids,
        "one row per question, in framework order"
    );
    for r in header_row + 1..assessment.height() as u32 {
        assert_eq!(
            cell(&assessment, r, level_col),
            "",
            "blank template has no answers"
        );
    }

    let sheets = sheet_xml(&out);
    assert_eq!(sheets.len(), 3);
    for (name, xml) in &sheets {
        assert!(xml.contains("<sheetProtection"), "{name} is protected");
    }
    let assessment_xml = &sheets[2].1;
    let validations = assessment_xml.matches("<dataValidation ").count();
    assert!(validations >= 2, "{validations} validations");
    // N/A is offered exactly on the rows whose question allows it.
    let na_rows: usize = assessment_xml
        .split("<dataValidation ")
        .skip(1)
        .filter(|v| v.contains("N/A"))
        .map(|v| {
            let sqref = v
                .split("sqref=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let (a, b) = sqref.split_once(':').unwrap_or((sqref, sqref));
            let row = |s: &str| {
                s.trim_start_matches(char::is_alphabetic)
                    .parse::<usize>()
                    .unwrap()
            };
            row(b) - row(a) + 1
        })
        .sum();
    let allow_na = framework.questions.iter().filter(|q| q.allow_na).count();
    assert!(allow_na > 0);
    assert_eq!(na_rows, allow_na);
    assert!(
        assessment_xml.contains("3 - Defined"),
        "dropdown offers the labels"
    );
}

#[test]
fn all_writes_one_workbook_per_agency_inside_out() {
    let dir = tempfile::tempdir().unwrap();
    let reg = registry(dir.path());
    let out = dir.path().join("templates");
    let o = run_in(
        dir.path(),
        &[
            "template",
            "--registry",
            &reg,
            "--all",
            "--out",
            "templates",
        ],
    );
    assert_exit(&o, 0);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["MOH.xlsx", "MPD.xlsx", "___evil.xlsx"]);
    assert!(!dir.path().join("evil.xlsx").exists());

    let mut wb: Xlsx<_> = open_workbook(out.join("MPD.xlsx")).unwrap();
    let profile = wb.worksheet_range("Profile").unwrap();
    assert_eq!(cell(&profile, 1, 1), "MPD");
    assert_eq!(cell(&profile, 3, 1), "energy");
    assert_eq!(cell(&profile, 4, 1), "", "no --cycle: left for the agency");
}

#[test]
fn same_arguments_give_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let reg = registry(dir.path());
    let mut outputs = Vec::new();
    for name in ["a.xlsx", "b.xlsx"] {
        let o = run_in(
            dir.path(),
            &[
                "template",
                "--registry",
                &reg,
                "--agency",
                "MOH",
                "--cycle",
                "2025",
                "--out",
                name,
            ],
        );
        assert_exit(&o, 0);
        outputs.push(std::fs::read(dir.path().join(name)).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn blank_template_for_another_framework() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(
        dir.path(),
        &[
            "template",
            "--framework",
            "nist-csf-2.0",
            "--out",
            "csf.xlsx",
        ],
    );
    assert_exit(&o, 0);
    let mut wb: Xlsx<_> = open_workbook(dir.path().join("csf.xlsx")).unwrap();
    let profile = wb.worksheet_range("Profile").unwrap();
    assert_eq!(cell(&profile, 1, 1), "", "no agency named");
    assert_eq!(cell(&profile, 5, 1), "nist-csf-2.0");
    let framework = posture::framework::builtin("nist-csf-2.0")
        .unwrap()
        .unwrap();
    let assessment = wb.worksheet_range("Assessment").unwrap();
    let rows = (0..assessment.height() as u32)
        .filter(|&r| framework.question(&cell(&assessment, r, 0)).is_some())
        .count();
    assert_eq!(rows, framework.questions.len());
}

#[test]
fn configuration_errors_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let reg = registry(dir.path());
    let cases: &[(&[&str], &str)] = &[
        (
            &["--agency", "MOH", "--out", "x.xlsx"],
            "--agency needs --registry",
        ),
        (&["--all", "--out", "x"], "--all needs --registry"),
        (
            &["--registry", &reg, "--agency", "NOPE", "--out", "x.xlsx"],
            "agency `NOPE` is not in the registry",
        ),
        (&["--out", "x.pdf"], "must name an .xlsx file"),
        (
            &["--registry", &reg, "--all", "--out", "x.xlsx"],
            "looks like a file",
        ),
        (&["--framework", "no-such", "--out", "x.xlsx"], "no-such"),
        (
            &["--registry", "missing.csv", "--all", "--out", "x"],
            "missing.csv",
        ),
    ];
    for (args, expected) in cases {
        let mut full = vec!["template"];
        full.extend_from_slice(args);
        let o = run_in(dir.path(), &full);
        assert_exit(&o, 2);
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("agencies.csv")]);
}

#[test]
fn help_has_an_example() {
    let o = run(&["template", "--help"]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains("posture template --registry"),
        "{}",
        stdout(&o)
    );
}

/// A template filled in every way an agency might fill it, read back by ingestion, gives
/// exactly the answers that were written.
#[test]
fn filled_template_round_trips_through_ingestion() {
    use posture::workbook::ingest::{read_submission, IngestOptions, InputFile};
    use posture::workbook::template::{template_profile, FilledRow, LevelCell, Template};
    use posture::workbook::{Answer, AnswerRow, Limits, Status};

    let framework = posture::framework::builtin("kh-ncmf").unwrap().unwrap();
    let registry = posture::registry::parse_registry(REGISTRY.as_bytes(), "agencies.csv").unwrap();
    let agency = registry.get("MOH").unwrap();
    let mut profile = template_profile(&framework, Some(agency), Some("2026"));
    profile.submitted_by = Some("សុខ ចាន់ថា, IT Director, chantha@moh.example".into());
    profile.submitted_on = Some("2026-03-14".into());

    let khmer_digits = ['០', '១', '២', '៣', '៤', '៥'];
    let mut rows = Vec::new();
    let mut expected = Vec::new();
    let mut ways = std::collections::BTreeSet::new();
    for (i, q) in framework.questions.iter().enumerate() {
        let level = (i % 6) as u8;
        let (cell, answer) = if q.allow_na && i % 2 == 0 {
            let na = ["N/A", "n/a", "not applicable", "NA"][i % 4];
            ways.insert(8);
            (LevelCell::Text(na.into()), Answer::NotApplicable)
        } else {
            ways.insert(i % 8);
            match i % 8 {
                0 => (LevelCell::Number(level as f64), Answer::Level(level)),
                1 => (
                    LevelCell::Text(framework.level_choice(level)),
                    Answer::Level(level),
                ),
                2 => (LevelCell::Text(format!(" {level} ")), Answer::Level(level)),
                3 => (
                    LevelCell::Text(khmer_digits[level as usize].to_string()),
                    Answer::Level(level),
                ),
                4 => (
                    LevelCell::Text(format!("{level} – {}", framework.level_label(level, "km"))),
                    Answer::Level(level),
                ),
                5 => (LevelCell::Text(format!("{level}.0")), Answer::Level(level)),
                6 => (LevelCell::Blank, Answer::Unanswered),
                _ => (LevelCell::Text("   ".into()), Answer::Unanswered),
            }
        };
        let evidence = match i % 3 {
            0 => Some(format!(
                "គោលនយោបាយសន្តិសុខព័ត៌មាន លេខ {i}/2025 (Information security policy)"
            )),
            1 => Some(format!("Audit report AR-{i:03}, 2025-11-02")),
            _ => None,
        };
        let comment = (i % 5 == 0).then(|| format!("កំពុងកែលម្អ — improving, row {i}"));
        rows.push(FilledRow {
            level: cell,
            evidence: evidence.clone(),
            comment: comment.clone(),
        });
        expected.push(AnswerRow {
            answer,
            evidence,
            comment,
        });
    }
    assert_eq!(ways.len(), 9, "every way of filling in is used: {ways:?}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("MOH-2026.xlsx");
    Template::new(&framework, profile.clone())
        .with_rows(rows)
        .unwrap()
        .write(&path)
        .unwrap();

    let opts = IngestOptions {
        framework: &framework,
        registry: Some(&registry),
        limits: Limits::default(),
    };
    let file = InputFile {
        path: path.clone(),
        display: "MOH-2026.xlsx".into(),
    };
    let sub = read_submission(&file, &opts);
    assert_eq!(sub.errors, vec![], "no errors");
    assert_eq!(sub.status, Status::Scored);
    assert_eq!(sub.profile, profile);
    assert_eq!(sub.answers.len(), expected.len());
    for (q, (got, want)) in framework
        .questions
        .iter()
        .zip(sub.answers.iter().zip(&expected))
    {
        assert_eq!(got, want, "question {}", q.id);
    }

    // Answers written the way the dropdown writes them come back identical too.
    let path = dir.path().join("dropdown.xlsx");
    posture::workbook::template::write_template(&framework, &profile, Some(&expected), &path)
        .unwrap();
    let sub = read_submission(
        &InputFile {
            path,
            display: "dropdown.xlsx".into(),
        },
        &opts,
    );
    assert_eq!(sub.status, Status::Scored, "{:?}", sub.errors);
    assert_eq!(sub.answers, expected);
}

/// A blank template sent back as it is must be rejected, not scored as zero.
#[test]
fn blank_template_is_rejected_by_ingestion() {
    use posture::workbook::ingest::{read_submission_bytes, IngestOptions};
    use posture::workbook::template::{template_bytes, template_profile};
    use posture::workbook::{Limits, Status};

    let framework = posture::framework::builtin("kh-ncmf").unwrap().unwrap();
    let registry = posture::registry::parse_registry(REGISTRY.as_bytes(), "agencies.csv").unwrap();
    let profile = template_profile(&framework, registry.get("MOH"), Some("2026"));
    let bytes = template_bytes(&framework, &profile, None).unwrap();
    let opts = IngestOptions {
        framework: &framework,
        registry: Some(&registry),
        limits: Limits::default(),
    };
    let sub = read_submission_bytes("blank.xlsx", &bytes, &opts);
    assert_eq!(sub.status, Status::Rejected);
    assert!(
        sub.errors
            .iter()
            .any(|e| e.message().contains("no answers")),
        "{:?}",
        sub.errors
    );
}

/// What a focal point does: generate the template, then check it with `posture validate`.
/// Sent back blank, it is rejected with the reason; the generated file itself is fine.
#[test]
fn validate_rejects_the_blank_template_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let reg = registry(dir.path());
    let o = run_in(
        dir.path(),
        &[
            "template",
            "--registry",
            &reg,
            "--agency",
            "MOH",
            "--cycle",
            "2026",
            "--out",
            "MOH.xlsx",
        ],
    );
    assert_exit(&o, 0);
    let o = run_in(dir.path(), &["validate", "MOH.xlsx", "--registry", &reg]);
    assert_exit(&o, 1);
    let out = stdout(&o) + &stderr(&o);
    assert!(out.contains("no answers"), "{out}");
    assert!(
        !out.contains("Profile!"),
        "the pre-filled Profile is valid: {out}"
    );
}
