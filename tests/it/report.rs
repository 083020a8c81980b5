//! The PDF reports, through the library on synthetic inputs: text that must appear (and
//! injected markup that must appear literally), byte-identical re-renders, the missing-typst
//! error, a baseline cycle with one agency, rejected submissions, and golden Typst sources.
//! These need the pinned typst CLI and poppler's pdftotext (`scripts/setup.sh`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use posture::cli::assets::{load_report_assets, locate_typst};
use posture::framework::{self, Framework};
use posture::lang::Lang;
use posture::report::{build, sample, Assets, BuildOptions, CompileOptions, ReportInput, Typst};
use posture::workbook::{CellKind, Diagnostic, Kind, Profile, Status, Submission};

use super::util::root;

const EVIL: &str = r#"#read("/etc/passwd") *x* $y$ <l> @r \"#;

fn kh_ncmf() -> Framework {
    framework::builtin("kh-ncmf").unwrap().unwrap()
}

pub(super) fn pdftotext(path: &Path) -> String {
    pdftotext_with(path, &["-raw"])
}

/// `pdftotext ARGS PATH -`: the text of a PDF (ARGS choose the layout and pages).
pub(super) fn pdftotext_with(path: &Path, args: &[&str]) -> String {
    let out = Command::new("pdftotext")
        .args(args)
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed: run scripts/setup.sh");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// pdftotext breaks lines where the PDF does; compare on single spaces.
pub(super) fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The report assets and typst, found as the CLI finds them.
pub(super) fn assets() -> &'static (Assets, Typst) {
    static ASSETS: OnceLock<(Assets, Typst)> = OnceLock::new();
    ASSETS.get_or_init(|| {
        let assets = load_report_assets(None).unwrap_or_else(|e| panic!("{}", e.message));
        let typst = locate_typst().unwrap_or_else(|e| panic!("{}", e.message));
        (assets, typst)
    })
}

fn options(lang: Lang) -> BuildOptions {
    BuildOptions { lang, cycle: None }
}

/// The Typst project of a build, in memory: sources and charts by path.
pub(super) fn sources(input: &ReportInput, lang: Lang) -> BTreeMap<String, String> {
    build(input, &assets().0, &options(lang))
        .unwrap_or_else(|e| panic!("{e}"))
        .files
}

pub(super) fn render_input(
    input: &ReportInput,
    out: &Path,
    lang: Lang,
) -> posture::report::ReportOutcome {
    let (assets, typst) = assets();
    posture::report::render(
        input,
        assets,
        typst,
        out,
        &options(lang),
        &CompileOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn render(
    fw: &Framework,
    s: &sample::Sample,
    out: &Path,
    lang: Lang,
) -> posture::report::ReportOutcome {
    render_input(&s.input(fw), out, lang)
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn reports_show_names_and_numbers_and_injected_markup_literally() {
    let fw = kh_ncmf();
    let s = sample::synthetic(&fw, 3, &["2025", "2026"], &[EVIL, "Ministry of Health"]);
    let dir = tempfile::tempdir().unwrap();
    let outcome = render(&fw, &s, dir.path(), Lang::En);
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    for f in [
        "national-report.pdf",
        "brief.pdf",
        "agencies/AG001.pdf",
        "agencies/AG003.pdf",
    ] {
        assert!(
            outcome.written.iter().any(|w| w == f),
            "{f} missing: {:?}",
            outcome.written
        );
    }
    assert!(outcome
        .written
        .iter()
        .any(|w| w.starts_with("charts/") && w.ends_with(".svg")));

    let national = squash(&pdftotext(&dir.path().join("national-report.pdf")));
    assert!(
        national.contains("National Cyber Posture Report"),
        "{national}"
    );
    assert!(
        national.contains(EVIL),
        "injected markup must show literally:\n{national}"
    );
    assert!(national.contains("Ministry of Health"));
    let index = s.national.cycles[&posture::cycle::Cycle::from("2026")]
        .index
        .mean
        .unwrap();
    assert!(
        national.contains(&format!("{index:.1}")),
        "index {index:.1} missing"
    );
    assert!(national.contains("Change of the national mean since 2025"));
    // Provenance: framework hash and every input's hash.
    assert!(national.contains(&fw.sha256));
    for sub in &s.submissions {
        assert!(national.contains(&sub.sha256), "{} missing", sub.file);
    }

    let agency = squash(&pdftotext(&dir.path().join("agencies/AG001.pdf")));
    assert!(agency.contains(EVIL), "{agency}");
    let a = s
        .scores
        .iter()
        .find(|x| x.agency_id == "AG001" && x.cycle == "2026")
        .unwrap();
    assert!(agency.contains(&format!("{:.2}", a.overall.unwrap())));
    assert!(agency.contains("Prioritised gaps"));

    let brief = dir.path().join("brief.pdf");
    let pages = Command::new("pdfinfo").arg(&brief).output().unwrap();
    assert!(
        String::from_utf8_lossy(&pages.stdout).contains("Pages:           2"),
        "the brief must be two pages"
    );
    // Nothing but the outputs is left in --out (the build folder is gone).
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let fw = kh_ncmf();
    let s = sample::synthetic(&fw, 2, &["2025", "2026"], &["ក្រសួងសុខាភិបាល", EVIL]);
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    render(&fw, &s, a.path(), Lang::Km);
    render(&fw, &s, b.path(), Lang::Km);
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs between two renders");
    }
}

#[test]
fn khmer_reports_use_khmer_labels_and_fonts() {
    let fw = kh_ncmf();
    let s = sample::synthetic(&fw, 2, &["2026"], &["Agency"]);
    let input = s.input(&fw);
    // pdftotext cannot give Khmer clusters back reliably, so check the Typst source for
    // the words and the PDF for the Khmer font.
    let sources = sources(&input, Lang::Km);
    let national = &sources["national.typ"];
    assert!(national.contains("វិធីសាស្ត្រ"), "Khmer heading missing");
    assert!(national.contains("មនុស្ស"), "Khmer domain name missing");
    assert!(national.contains("ស្ថាប័នលេខ 1"), "registry name_km missing");
    let dir = tempfile::tempdir().unwrap();
    render_input(&input, dir.path(), Lang::Km);
    let fonts = Command::new("pdffonts")
        .arg(dir.path().join("national-report.pdf"))
        .output()
        .unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(fonts.contains("NotoSansKhmer"), "{fonts}");
}

#[test]
fn a_missing_typst_is_a_clear_error() {
    // That nothing is written then is the CLI's order of work, checked by
    // `cli_without_typst_exits_2_and_writes_nothing`.
    let err = Typst::find(vec![PathBuf::from("/nonexistent/typst")]).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("/nonexistent/typst"), "{msg}");
    // The hint is data beside the message; the CLI prints it as `hint: ...`.
    let hint = err.hint().unwrap_or_default();
    assert!(
        hint.contains("cargo install typst-cli --version 0.15.1 --locked"),
        "{hint}"
    );
}

#[test]
fn one_agency_in_a_baseline_cycle_with_rejects() {
    let fw = kh_ncmf();
    let mut s = sample::synthetic(&fw, 1, &["2026"], &["Solo Agency"]);
    s.submissions.push(Submission {
        file: "in/bad <b>.xlsx".into(),
        path: "in/bad <b>.xlsx".into(),
        sha256: "ab".repeat(32),
        status: Status::Rejected,
        profile: Profile {
            agency_id: Some("AG009".into()),
            cycle: Some("2026".into()),
            ..Profile::default()
        },
        answers: Vec::new(),
        answered: 0,
        errors: vec![
            Diagnostic::error(Kind::BadLevel {
                value: CellKind::Number,
                max: 5,
                allow_na: true,
            })
            .in_sheet("Assessment")
            .at(16, 3)
            .with_found("2.5"),
            Diagnostic::error(Kind::NotASpreadsheet { what: None }),
        ],
        warnings: Vec::new(),
    });
    let dir = tempfile::tempdir().unwrap();
    let outcome = render(&fw, &s, dir.path(), Lang::En);
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    assert!(dir.path().join("agencies/AG001.pdf").is_file());
    let national = squash(&pdftotext(&dir.path().join("national-report.pdf")));
    assert!(national.contains("Baseline cycle"), "{national}");
    assert!(national.contains("in/bad <b>.xlsx"));
    assert!(national.contains("Assessment!D17"));
    assert!(national.contains("found \"2.5\"; expected a whole level 0–5"));
    assert!(national.contains("not a spreadsheet (not an .xlsx"));
    let agency = squash(&pdftotext(&dir.path().join("agencies/AG001.pdf")));
    assert!(agency.contains("Solo Agency"));
    assert!(agency.contains("no score in a previous cycle"), "{agency}");
    // Issue 17: the Khmer report's annex gives the same diagnostics in Khmer.
    let km = &sources(&s.input(&fw), Lang::Km)["national.typ"];
    assert!(km.contains("Assessment!D17"), "{km}");
    assert!(km.contains("បានរកឃើញ"), "the annex is not in Khmer");
    assert!(
        !km.contains("expected a whole level"),
        "English left in the Khmer annex"
    );
}

/// The generated Typst and chart SVGs for a tiny input, compared with tests/ref/report/; set
/// POSTURE_UPDATE_REFS=1 to rewrite the references after an intended change.
#[test]
fn generated_typst_and_charts_match_the_references() {
    let fw = framework::load_file(&root().join("tests/frameworks/small-valid.toml")).unwrap();
    let s = sample::synthetic(&fw, 2, &["2025", "2026"], &[EVIL, "Beta Office"]);
    let input = s.input(&fw);
    let mut sources = sources(&input, Lang::En);
    // The stylesheet is the template file itself.
    sources.remove("styles.typ");
    assert!(sources.contains_key("national.typ") && sources.contains_key("agencies/AG002.typ"));
    assert!(sources.contains_key("charts/national-trend.svg"));
    let ref_dir = root().join("tests/ref/report");
    let update = std::env::var_os("POSTURE_UPDATE_REFS").is_some_and(|v| v == "1");
    for (name, text) in &sources {
        let path = ref_dir.join(name);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!("missing {}; run with POSTURE_UPDATE_REFS=1", path.display())
        });
        if &expected != text {
            let line = expected
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .map(|i| i + 1)
                .unwrap_or(0);
            panic!(
                "{name} differs from {} at line {line}; run with POSTURE_UPDATE_REFS=1 if intended",
                path.display()
            );
        }
    }
    // The hostile name only ever appears inside a string literal.
    let national = &sources["national.typ"];
    assert!(national.contains(r##"#"#read(\"/etc/passwd\") *x* $y$ <l> @r \\";"##));
}

/// `posture report` on the bundled sample data: every scored agency gets a PDF, rejects
/// make exit 1 and appear in the annex, and scores.json sits beside the PDFs.
#[test]
fn cli_renders_the_sample_data() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let o = super::util::run(&[
        "report",
        "data/submissions",
        "--registry",
        "data/agencies.csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    super::util::assert_exit(&o, 1);
    let err = super::util::stderr(&o);
    assert!(
        err.contains("rejected: data/submissions/2025/MOT.xlsx"),
        "{err}"
    );
    for f in [
        "national-report.pdf",
        "brief.pdf",
        "scores.json",
        "agencies/MOH.pdf",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let scores: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("scores.json")).unwrap()).unwrap();
    let scored_2026 = scores["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["cycle"] == "2026")
        .count();
    let pdfs = std::fs::read_dir(out.join("agencies")).unwrap().count();
    assert_eq!(
        pdfs, scored_2026,
        "one PDF per agency scored in the report cycle"
    );
    let national = squash(&pdftotext(&out.join("national-report.pdf")));
    assert!(national.contains("Ministry of Health"));
    assert!(national.contains("data/submissions/2025/MOT.xlsx"));
    assert!(national.contains("Assessment!E75"));
}

#[test]
fn cli_without_typst_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let o = super::util::posture()
        .current_dir(root())
        .env("POSTURE_TYPST", "/nonexistent")
        .args(["report", "data/submissions", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    super::util::assert_exit(&o, 2);
    let err = super::util::stderr(&o);
    assert!(err.contains("failed to find the typst CLI 0.15.1"), "{err}");
    assert!(
        err.contains("\nhint: install it with `cargo install typst-cli --version 0.15.1 --locked`"),
        "{err}"
    );
    assert!(!out.exists(), "nothing may be written without typst");
}

/// Issue 18: with the threat chart and one sentence per threat, the brief stays at two
/// pages in English and in Khmer; the national report and the agency reports carry their
/// threat sections, and the sentences come from the strings file's template.
#[test]
fn brief_with_threats_stays_two_pages_in_both_languages() {
    let fw = kh_ncmf();
    let s = sample::synthetic(
        &fw,
        12,
        &["2025", "2026"],
        &["Ministry of Health", "ក្រសួងសុខាភិបាល"],
    );
    assert!(s.national.crosswalk.contains_key("THREAT"));
    for lang in Lang::ALL {
        let input = s.input(&fw);
        let sources = sources(&input, lang);
        let brief = &sources["brief.typ"];
        let (heading, sentence_mark) = match lang {
            Lang::Km => ("ការត្រៀមខ្លួនតាមការគំរាមកំហែង", "សំណួរខ្សោយបំផុត៖"),
            Lang::En => ("Readiness by threat", "weakest:"),
        };
        assert!(brief.contains(heading), "{lang}: threat heading missing");
        assert!(brief.contains("/charts/national-threats.svg"));
        assert!(brief.contains("alt: "), "{lang}: the chart needs alt text");
        assert_eq!(
            brief.matches(sentence_mark).count(),
            6,
            "{lang}: one sentence per threat"
        );
        assert!(sources["national.typ"].contains(heading));
        assert!(sources["agencies/AG001.typ"].contains(heading));

        let dir = tempfile::tempdir().unwrap();
        let outcome = render(&fw, &s, dir.path(), lang);
        assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
        let pages = Command::new("pdfinfo")
            .arg(dir.path().join("brief.pdf"))
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&pages.stdout).contains("Pages:           2"),
            "{lang}: the brief must be two pages"
        );
    }
}

/// Issue 12: an I/O error after some outputs were moved into `--out` names what is there
/// and what is not.
#[test]
fn a_write_error_after_some_outputs_names_both_sides() {
    let fw = kh_ncmf();
    let mut s = sample::synthetic(&fw, 2, &["2026"], &["Agency"]);
    // Without the verification chart, the ten files the message names in full include the
    // national report.
    s.verification = None;
    let dir = tempfile::tempdir().unwrap();
    // A folder (with something in it) where the brief must go: renaming onto it fails.
    std::fs::create_dir_all(dir.path().join("brief.pdf/keep")).unwrap();
    let (assets, typst) = assets();
    let err = posture::report::render(
        &s.input(&fw),
        assets,
        typst,
        dir.path(),
        &options(Lang::En),
        &CompileOptions::default(),
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("failed to write "), "{msg}");
    assert!(msg.contains("brief.pdf ("), "{msg}");
    let (written, not_written) = msg
        .split_once("; not written: ")
        .unwrap_or_else(|| panic!("{msg}"));
    assert!(written.contains("already written: charts/"), "{msg}");
    assert!(written.contains("national-report.pdf"), "{msg}");
    assert!(
        not_written.starts_with("brief.pdf, agencies/AG001.pdf"),
        "{msg}"
    );
    assert!(dir.path().join("national-report.pdf").is_file());
    assert!(!dir.path().join("agencies/AG001.pdf").exists());
}

/// Issue 13: the national report's "Data quality and assurance" section counts confidence,
/// lists the rules broken most often and names the agencies of low confidence; each agency
/// report lists its own flags with their cells. Both in English and Khmer.
#[test]
fn assurance_sections_show_confidence_rules_and_cells() {
    let fw = kh_ncmf();
    let s = sample::synthetic(&fw, 6, &["2025", "2026"], &["Agency"]);
    let na = s.national.cycles[&posture::cycle::Cycle::from("2026")]
        .assurance
        .clone()
        .unwrap();
    let (high, medium, low) = (na.confidence.high, na.confidence.medium, na.confidence.low);
    assert_eq!(high + medium + low, 6);
    assert!(low > 0, "the sample plants low confidence");
    let rule = &fw.rules[0];

    let en = sources(&s.input(&fw), Lang::En);
    let national = &en["national.typ"];
    assert!(
        national.contains("= #\"Data quality and assurance\";"),
        "{national}"
    );
    assert!(national.contains(&format!("kpi([{low}], [#\"Confidence\";: #\"Low\";])")));
    assert!(
        national.contains(&format!("[#raw(\"{}\")]", rule.id)),
        "rule missing"
    );
    // An agency that breaks the first rule: its report names the rule and its cells.
    let breaker = s
        .scores
        .iter()
        .zip(&s.assurance)
        .find(|(sc, a)| sc.cycle == "2026" && a.flags.iter().any(|f| f.rule.is_some()))
        .map(|(sc, _)| sc.agency_id.clone())
        .expect("the sample plants a broken rule");
    let agency = &en[&format!("agencies/{breaker}.typ")];
    assert!(agency.contains("#\"Consistency rule broken\";"), "{agency}");
    assert!(agency.contains("#raw(\"Assessment!E20\")"));

    let km = sources(&s.input(&fw), Lang::Km);
    assert!(km["national.typ"].contains("គុណភាពទិន្នន័យ និងការធានា"));
    assert!(km[&format!("agencies/{breaker}.typ")].contains(rule.text.get("km")));

    // And in the PDF.
    let dir = tempfile::tempdir().unwrap();
    let outcome = render(&fw, &s, dir.path(), Lang::En);
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    let text = squash(&pdftotext(&dir.path().join("national-report.pdf")));
    assert!(text.contains("Agencies of low confidence"), "{text}");
    let text = squash(&pdftotext(
        &dir.path().join(format!("agencies/{breaker}.pdf")),
    ));
    assert!(text.contains("Evidence and consistency"), "{text}");
    assert!(text.contains("Assessment!E20"), "{text}");
}
