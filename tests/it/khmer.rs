//! Khmer reports (issue 17): every report says how far the framework's Khmer texts can be
//! trusted, and a Khmer report holds no English besides what agencies wrote themselves.
//!
//! The no-English test renders every Khmer report of both built-in frameworks for agencies
//! with Khmer names whose free text is empty (one agency carries Khmer evidence, so that the
//! evidence table and its answer column are drawn too), reads every page with `pdftotext`
//! and every chart's text (the `<title>` of each label), and fails on any Latin word of three
//! or more letters that is not an id, acronym, proper name, file name or hash. This is
//! stricter than "no English sentence": one English word in a Khmer label fails as well.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use posture::framework::{self, Framework, TranslationStatus};
use posture::lang::Lang;
use posture::report::sample;
use posture::workbook::Answer;

use super::report::{render_input, sources};

/// Latin words a Khmer report may contain: acronyms and proper names (as the glossary's
/// style section lists them), the tool's name, and the Latin-script parts of ids and hashes
/// that `pdftotext` may give without their digits.
const ALLOWED: &[&str] = &[
    "CamCERT", "GDICT", "CERT", "CSIRT", "NIST", "CSF", "ISO", "IEC", "MFA", "VPN", "DDoS",
    "HTTPS", "DMARC", "SPF", "DKIM", "posture", "sha",
];

/// Khmer names for the sample agencies (the registry's `name_en` is what the sample sets;
/// the report shows it where `name_km` is missing).
const KHMER_NAMES: &[&str] = &["ក្រសួងសុខាភិបាល", "រដ្ឋបាលខេត្តសៀមរាប", "អគ្គិសនីកម្ពុជា"];

const KHMER_EVIDENCE: &str = "ឯកសារគោលនយោបាយដែលបានអនុម័ត";

fn builtin(id: &str) -> Framework {
    framework::builtin(id).unwrap().unwrap()
}

/// The sample with its free text emptied, except for a Khmer evidence text on the first
/// answered, N/A and unanswered question of the first agency.
fn khmer_sample(fw: &Framework, n: usize, cycles: &[&str]) -> sample::Sample {
    let mut s = sample::synthetic(fw, n, cycles, KHMER_NAMES);
    let clear = |rows: &mut Vec<posture::workbook::AnswerRow>, first: bool| {
        let mut seen = BTreeSet::new();
        for row in rows.iter_mut() {
            row.comment = None;
            let kind = match row.answer {
                Answer::Level(_) => 0,
                Answer::NotApplicable => 1,
                Answer::Unanswered => 2,
            };
            row.evidence = (first && seen.insert(kind)).then(|| KHMER_EVIDENCE.to_string());
        }
    };
    for score in &mut s.scores {
        let first = score.agency_id == "AG001";
        clear(&mut score.answers, first);
    }
    for sub in &mut s.submissions {
        let first = sub.agency_id() == Some("AG001");
        clear(&mut sub.answers, first);
    }
    s
}

/// A whitespace-separated token that is an id, a number, a path, a file name or a hash.
fn is_id_like(token: &str) -> bool {
    token
        .chars()
        .any(|c| c.is_ascii_digit() || matches!(c, '/' | '.' | '_' | '-' | ':' | '@'))
        || (token.len() >= 4 && token.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The English words of one line of text: Latin words of 3+ letters that are not allowed.
fn english_words(line: &str) -> Vec<String> {
    let allowed: BTreeSet<&str> = ALLOWED.iter().copied().collect();
    let mut out = Vec::new();
    for token in line.split_whitespace() {
        let token = token.trim_matches(|c: char| !c.is_alphanumeric());
        if token.is_empty() || is_id_like(token) {
            continue;
        }
        for word in token
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 3)
        {
            if !allowed.contains(word) {
                out.push(word.to_string());
            }
        }
    }
    out
}

fn pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count for {}", pdf.display()))
}

fn page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    let out = Command::new("pdftotext")
        .args(["-raw", "-f", &n, "-l", &n])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed: run scripts/setup.sh");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every `<title>` text of an SVG (the charts keep each label's text there).
fn svg_titles(svg: &str) -> Vec<String> {
    svg.split("<title>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</title>").map(|(t, _)| t.to_string()))
        .collect()
}

/// English found in the Khmer reports of `fw` for `n` agencies in `cycles`: one line per
/// finding, naming the file, the page and the line.
fn english_in_khmer_reports(fw: &Framework, n: usize, cycles: &[&str]) -> Vec<String> {
    let s = khmer_sample(fw, n, cycles);
    let dir = tempfile::tempdir().unwrap();
    let outcome = render_input(&s.input(fw), dir.path(), Lang::Km);
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    let mut found = Vec::new();
    let mut checked = 0;
    for file in &outcome.written {
        let path = dir.path().join(file);
        if file.ends_with(".pdf") {
            for page in 1..=pages(&path) {
                for (i, line) in page_text(&path, page).lines().enumerate() {
                    let words = english_words(line);
                    if !words.is_empty() {
                        found.push(format!(
                            "{} {file} page {page} line {}: {words:?} in {line:?}",
                            fw.id,
                            i + 1
                        ));
                    }
                }
                checked += 1;
            }
        } else if file.ends_with(".svg") {
            let svg = std::fs::read_to_string(&path).unwrap();
            for title in svg_titles(&svg) {
                let words = english_words(&title);
                if !words.is_empty() {
                    found.push(format!("{} {file}: {words:?} in {title:?}", fw.id));
                }
            }
        }
    }
    assert!(
        checked > 5,
        "only {checked} pages read: {:?}",
        outcome.written
    );
    found
}

#[test]
fn the_english_word_finder_finds_english_and_passes_ids() {
    assert_eq!(
        english_words("ពិន្ទុ Tier 3 – Defined ok"),
        vec!["Tier".to_string(), "Defined".to_string()]
    );
    assert!(english_words("បង្កើតដោយ posture 0.1.0 · kh-ncmf 1.0.1").is_empty());
    assert!(english_words("2026/AG001.xlsx sha256 aadf350abafd NIST CSF 2.0 (CamCERT)").is_empty());
    assert_eq!(
        english_words("N/A – Not applicable"),
        vec!["Not", "applicable"]
    );
}

#[test]
fn khmer_reports_contain_no_english() {
    let mut found = english_in_khmer_reports(&builtin("kh-ncmf"), 3, &["2025", "2026"]);
    // One cycle: the baseline texts instead of the trend.
    found.extend(english_in_khmer_reports(
        &builtin("nist-csf-2.0"),
        2,
        &["2026"],
    ));
    assert!(
        found.is_empty(),
        "English in Khmer reports ({}):\n{}",
        found.len(),
        found.join("\n")
    );
}

/// The provenance row (national and agency reports) or line (brief) on the translation.
fn translation_lines(fw: &Framework, lang: Lang) -> Vec<(String, bool)> {
    let s = sample::synthetic(fw, 2, &["2026"], KHMER_NAMES);
    let src = sources(&s.input(fw), lang);
    let phrases = [
        "អត្ថបទភាសាខ្មែររបស់ក្របខ័ណ្ឌ",
        "ក្របខ័ណ្ឌមិនបានបញ្ជាក់ថា",
        "The framework's English texts",
        "The framework does not say",
    ];
    ["national.typ", "brief.typ", "agencies/AG001.typ"]
        .iter()
        .map(|doc| {
            let text = &src[*doc];
            let line = text
                .lines()
                .find(|l| phrases.iter().any(|p| l.contains(p)))
                .unwrap_or("")
                .to_string();
            let present = !line.is_empty();
            (line, present)
        })
        .collect()
}

#[test]
fn khmer_reports_say_whether_the_khmer_texts_were_reviewed() {
    let mut fw = builtin("kh-ncmf");
    assert!(
        !fw.translations["km"].reviewed,
        "the built-in texts are not reviewed yet"
    );
    for (line, present) in translation_lines(&fw, Lang::Km) {
        assert!(present, "no translation status");
        assert!(
            line.contains("មិនទាន់ត្រូវបានពិនិត្យដោយអ្នកពិនិត្យដែលមានភាសាខ្មែរជាភាសាកំណើត នៅឡើយទេ។"),
            "{line}"
        );
    }
    // English reports print nothing: their texts are the framework's own.
    for (line, present) in translation_lines(&fw, Lang::En) {
        assert!(!present, "{line}");
    }

    fw.translations.insert(
        "km".into(),
        TranslationStatus {
            reviewed: false,
            by: Some("GDICT".into()),
            on: None,
        },
    );
    for (line, _) in translation_lines(&fw, Lang::Km) {
        assert!(
            line.contains("មិនទាន់ត្រូវបានពិនិត្យ ដោយ GDICT នៅឡើយទេ។"),
            "{line}"
        );
    }
    fw.translations.insert(
        "km".into(),
        TranslationStatus {
            reviewed: true,
            by: Some("GDICT".into()),
            on: Some("2026-05-04".into()),
        },
    );
    for (line, _) in translation_lines(&fw, Lang::Km) {
        assert!(
            line.contains("ត្រូវបានពិនិត្យរួចហើយ ដោយ GDICT នៅថ្ងៃទី 2026-05-04។"),
            "{line}"
        );
    }
    fw.translations.remove("km");
    for (line, _) in translation_lines(&fw, Lang::Km) {
        assert!(line.contains("ក្របខ័ណ្ឌមិនបានបញ្ជាក់ថា"), "{line}");
    }
    // A framework that declares a status for English (one written in another language
    // first) gets it printed in English reports.
    fw.translations.insert(
        "en".into(),
        TranslationStatus {
            reviewed: true,
            by: None,
            on: None,
        },
    );
    for (line, _) in translation_lines(&fw, Lang::En) {
        assert!(
            line.contains("The framework's English texts were reviewed."),
            "{line}"
        );
    }
}

#[test]
fn answers_in_the_evidence_table_are_labelled_in_khmer() {
    let fw = builtin("kh-ncmf");
    let s = khmer_sample(&fw, 1, &["2026"]);
    let kinds: BTreeSet<_> = s.scores[0]
        .answers
        .iter()
        .filter(|a| a.evidence.is_some())
        .map(|a| match a.answer {
            Answer::Level(_) => "level",
            Answer::NotApplicable => "na",
            Answer::Unanswered => "unanswered",
        })
        .collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    let src = sources(&s.input(&fw), Lang::Km);
    let agency = &src["agencies/AG001.typ"];
    assert!(agency.contains("មិនពាក់ព័ន្ធ"), "N/A answer not labelled");
    assert!(
        agency.contains("មិនបានឆ្លើយ"),
        "unanswered answer not labelled"
    );
}
