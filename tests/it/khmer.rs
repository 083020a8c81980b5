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

use super::report::{pdftotext_with, render_input, sources};
use super::util::root;

/// Latin words a Khmer report may contain: acronyms and proper names (as the glossary's
/// style section lists them), the tool's name, and the Latin-script parts of ids and hashes
/// that `pdftotext` may give without their digits.
const ALLOWED: &[&str] = &[
    "CamCERT", "GDICT", "CERT", "CSIRT", "NIST", "CSF", "ISO", "IEC", "MFA", "VPN", "DDoS",
    "HTTPS", "DMARC", "SPF", "DKIM", "posture", "sha",
    // nist-csf-2.0 PR.AA-04 keeps the technical term in Latin script (the agency report's
    // verification section lists that question).
    "token",
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
    pdftotext_with(pdf, &["-raw", "-f", &n, "-l", &n])
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

/// Every Khmer text posture ships: the `km` texts of the built-in frameworks and the `[km]`
/// report strings (not the keep-together list), newlines made spaces (same byte offsets).
fn shipped_khmer_texts() -> Vec<String> {
    fn walk(v: &toml::Value, under_km: bool, out: &mut Vec<String>) {
        match v {
            toml::Value::String(s) if under_km => out.push(s.replace('\n', " ")),
            toml::Value::Table(t) => {
                for (k, x) in t.iter().filter(|(k, _)| *k != "keep_together") {
                    walk(x, under_km || k == "km", out);
                }
            }
            toml::Value::Array(a) => {
                for x in a {
                    walk(x, under_km, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(root().join("frameworks"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files.push(root().join("report-templates/strings.toml"));
    for f in files {
        let table: toml::Table = std::fs::read_to_string(&f).unwrap().parse().unwrap();
        walk(&toml::Value::Table(table), false, &mut out);
    }
    out.retain(|t| t.chars().any(is_khmer));
    out
}

fn is_khmer(c: char) -> bool {
    ('\u{1780}'..='\u{17FF}').contains(&c) || ('\u{19E0}'..='\u{19FF}').contains(&c)
}

/// A Khmer mark that belongs to the cluster before it (dependent vowels, signs, coeng).
fn is_khmer_mark(c: char) -> bool {
    ('\u{17B6}'..='\u{17D3}').contains(&c) || c == '\u{17DD}'
}

/// The line-break opportunities of `texts` as typst 0.15.1 finds them (`lstm`) and as the
/// ICU Khmer dictionary finds word boundaries (`dict`), from `tools/khmer-breaks`.
fn breaks(texts: &[String]) -> Vec<(Vec<usize>, Vec<usize>)> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
        .join("khmer-breaks");
    let mut child = super::util::cargo()
        .args(["run", "--quiet", "--locked", "--manifest-path"])
        .arg(root().join("tools/khmer-breaks/Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("cargo run tools/khmer-breaks");
    let mut stdin = child.stdin.take().unwrap();
    let input = texts.join("\n") + "\n";
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(input.as_bytes()).unwrap();
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success(), "tools/khmer-breaks failed");
    let text = String::from_utf8(out.stdout).unwrap();
    let nums = |l: &str, p: &str| -> Vec<usize> {
        l.strip_prefix(p)
            .unwrap_or_else(|| panic!("{l}"))
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect()
    };
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2 * texts.len());
    lines
        .chunks(2)
        .map(|c| (nums(c[0], "lstm"), nums(c[1], "dict")))
        .collect()
}

/// The `[km] keep_together` words of strings.toml.
fn keep_together() -> Vec<String> {
    let src = std::fs::read_to_string(root().join("report-templates/strings.toml")).unwrap();
    let table: toml::Table = src.parse().unwrap();
    table["km"]["keep_together"]
        .as_array()
        .expect("[km] keep_together is a list")
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// The one-word Khmer terms of the glossary's key concepts (docs/glossary-km.md).
fn glossary_terms() -> Vec<String> {
    let doc = std::fs::read_to_string(root().join("docs/glossary-km.md")).unwrap();
    let section = doc
        .split("## Key concepts")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("a Key concepts section");
    section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| English"))
        .filter_map(|l| l.split('|').nth(2))
        .flat_map(|cell| {
            cell.split('/')
                .map(|t| t.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|t| !t.is_empty() && !t.contains(' ') && t.chars().all(is_khmer))
        .collect()
}

/// Where the template's rule boxes listed words in `text`: the byte ranges it matches, as
/// typst's regex (leftmost, longest listed word first, then any signs and closing
/// punctuation after it) does.
fn kept_ranges(text: &str, words: &[String]) -> Vec<(usize, usize)> {
    let mut sorted: Vec<&String> = words.iter().collect();
    sorted.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let mut out = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let hit = sorted
            .iter()
            .filter_map(|w| text[at..].find(w.as_str()).map(|i| (at + i, w.len())))
            .min_by_key(|(start, _)| *start);
        let Some((start, len)) = hit else { break };
        let tail: usize = text[start + len..]
            .chars()
            .take_while(|c| NO_LINE_START.contains(c))
            .map(char::len_utf8)
            .sum();
        out.push((start, start + len + tail));
        at = start + len + tail;
    }
    out
}

/// Characters that must not start a line: Khmer sentence and repetition signs, closing
/// punctuation. The template's rule keeps them in the box of a listed word before them
/// (typst 0.15.1 gives a break at the end of every Khmer run, so before them).
const NO_LINE_START: &[char] = &['។', '៕', 'ៗ', '?', '!', ',', ';', ':', ')', '»', '”'];

/// `text` as typst's line breaker sees it with the keep-together rule: each boxed word
/// (with the punctuation after it, as the rule's regex takes it) is one object character.
fn as_typst_sees_it(text: &str, kept: &[(usize, usize)]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for &(s, e) in kept {
        out.push_str(&text[at..s]);
        out.push('\u{FFFC}');
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

/// Khmer writes no spaces between words, and typst's line segmenter (ICU4X LSTM) breaks
/// inside some words (ហា|និភ័យ). The test segments every shipped Khmer text as typst does
/// with the template's rule in place (each word of `keep_together` an unbreakable box, which
/// also changes the context the LSTM sees) and fails on
/// - a break inside a word: a word is what the ICU Khmer dictionary segments, a break inside
///   it is fine when its pieces are words too (ការ|គ្រប់គ្រង), and the dictionary's own
///   mistakes are left out by asking that the LSTM breaks before and after the word as well;
/// - a break inside one of the glossary's key terms (ឧប្បត្តិ|ហេតុ), even between words;
/// - a listed word that matches inside a letter cluster (បុគ្គល in បុគ្គលិក).
#[test]
fn shipped_khmer_texts_break_only_between_words() {
    let texts = shipped_khmer_texts();
    let keep = keep_together();
    for w in &keep {
        assert!(
            w.chars().all(is_khmer),
            "keep_together: {w:?} is not one Khmer word"
        );
    }
    let mut unaligned = BTreeSet::new();
    let mut seen: Vec<String> = Vec::new();
    for text in &texts {
        let kept = kept_ranges(text, &keep);
        for &(s, e) in &kept {
            let before = text[..s].chars().next_back();
            let after = text[e..].chars().next();
            if before == Some('\u{17D2}') || after.is_some_and(is_khmer_mark) {
                let from = text[..s].char_indices().rev().nth(5).map_or(0, |(i, _)| i);
                let to = text[e..]
                    .char_indices()
                    .nth(5)
                    .map_or(text.len(), |(i, _)| e + i);
                unaligned.insert(format!("{} in …{}…", &text[s..e], &text[from..to]));
            }
        }
        seen.push(as_typst_sees_it(text, &kept));
    }
    assert!(
        unaligned.is_empty(),
        "keep_together words that match inside a letter cluster:\n{}",
        unaligned.into_iter().collect::<Vec<_>>().join("\n")
    );
    let all = breaks(&seen);
    let mut words = BTreeSet::new();
    for (text, (_, dict)) in seen.iter().zip(&all) {
        for w in dict.windows(2) {
            words.insert(text[w[0]..w[1]].trim_end());
        }
    }
    let mut wrong: std::collections::BTreeMap<String, (usize, String)> = Default::default();
    let shown = |text: &str, cuts: &[usize]| -> String {
        cuts.windows(2)
            .map(|c| &text[c[0]..c[1]])
            .collect::<Vec<_>>()
            .join("|")
    };
    for (text, (lstm, dict)) in seen.iter().zip(&all) {
        for w in dict.windows(2) {
            let (a, b) = (w[0], w[0] + text[w[0]..w[1]].trim_end().len());
            if !(lstm.contains(&a) && lstm.contains(&w[1])) {
                continue;
            }
            let mut cuts = vec![a];
            cuts.extend(lstm.iter().copied().filter(|&p| p > a && p < b));
            cuts.push(b);
            if cuts.len() == 2 {
                continue;
            }
            if cuts.windows(2).all(|c| words.contains(&text[c[0]..c[1]])) {
                continue;
            }
            let word = text[a..b].trim_matches(|c: char| !is_khmer(c)).to_string();
            wrong.entry(word).or_insert((0, shown(text, &cuts))).0 += 1;
        }
        // The glossary's key terms stay whole even where the dictionary sees two words.
        for term in glossary_terms() {
            for (a, _) in text.match_indices(term.as_str()) {
                let b = a + term.len();
                let mut cuts = vec![a];
                cuts.extend(lstm.iter().copied().filter(|&p| p > a && p < b));
                cuts.push(b);
                if cuts.len() > 2 {
                    wrong
                        .entry(term.clone())
                        .or_insert((0, shown(text, &cuts)))
                        .0 += 1;
                }
            }
        }
    }
    let list: Vec<String> = wrong
        .iter()
        .map(|(w, (n, shown))| format!("  \"{w}\", # {shown} ×{n}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} Khmer words break inside; add them to [km] keep_together in \
         report-templates/strings.toml:\n{}",
        wrong.len(),
        list.join("\n")
    );
}
