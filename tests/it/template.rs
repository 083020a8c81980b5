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
        let name = entry.name().to_string();
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
