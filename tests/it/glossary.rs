//! Issue 17, one terminology: the Khmer texts posture ships use the terms fixed in
//! `docs/glossary-km.md` and none of the variants it lists. The glossary is the only list:
//! the test reads its "variants to avoid" column, its two spelling lists (subscript ្ត or
//! ្ដ) and its tables of scale labels, CSF function names and threat names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::util::root;

const COENG_TA: &str = "\u{17d2}\u{178f}"; // ្ត
const COENG_DA: &str = "\u{17d2}\u{178a}"; // ្ដ

fn glossary() -> String {
    std::fs::read_to_string(root().join("docs/glossary-km.md")).unwrap()
}

/// The rows of the first table after `heading`, each keyed by its column header.
fn table(md: &str, heading: &str) -> Vec<BTreeMap<String, String>> {
    let at = md
        .find(heading)
        .unwrap_or_else(|| panic!("glossary has no `{heading}`"));
    let cells = |line: &str| -> Vec<String> {
        let line = line.trim().trim_start_matches('|').trim_end_matches('|');
        line.split('|').map(|c| c.trim().to_string()).collect()
    };
    let mut lines = md[at..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'));
    let header = cells(lines.next().expect("a table"));
    lines
        .filter(|l| !l.starts_with("|---"))
        .map(|l| header.iter().cloned().zip(cells(l)).collect())
        .collect()
}

/// The texts between backticks in a cell.
fn backticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn khmer_words(line: &str) -> Vec<String> {
    line.split(|c: char| !('\u{1780}'..='\u{17ff}').contains(&c))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A spelling to avoid, the term to use instead, and texts in which the variant is allowed.
#[derive(Debug)]
struct Variant {
    variant: String,
    fixed: String,
    except: Vec<String>,
}

/// Every variant the glossary names: its "variants to avoid" column, and every other
/// subscript spelling of the words in its two spelling lists.
fn variants(md: &str) -> Vec<Variant> {
    let mut out = Vec::new();
    for row in table(md, "## Key concepts") {
        let avoid = &row["variants to avoid"];
        for item in avoid.split(';').filter(|i| !i.trim().is_empty()) {
            // `variant`, then optionally `use `term`` or `except in `text`, `text``.
            let (head, except) = item.split_once("except in").unwrap_or((item, ""));
            let (head, instead) = head.split_once(" use ").unwrap_or((head, ""));
            let variant = backticked(head)
                .pop()
                .unwrap_or_else(|| panic!("`{item}`: no variant"));
            out.push(Variant {
                variant,
                fixed: backticked(instead)
                    .pop()
                    .unwrap_or_else(|| row["Khmer term"].clone()),
                except: backticked(except),
            });
        }
    }
    for (list, keep, swap) in [
        ("- with **្ត**:", COENG_TA, COENG_DA),
        ("- with **្ដ**:", COENG_DA, COENG_TA),
    ] {
        let line = md
            .lines()
            .find(|l| l.starts_with(list))
            .unwrap_or_else(|| panic!("glossary has no spelling list `{list}`"));
        for word in khmer_words(&line[list.len()..]) {
            let places: Vec<usize> = word.match_indices(keep).map(|(i, _)| i).collect();
            assert!(!places.is_empty(), "`{word}` in `{list}` has no {keep}");
            let mut spellings: Vec<String> = places
                .iter()
                .map(|&i| format!("{}{swap}{}", &word[..i], &word[i + keep.len()..]))
                .collect();
            spellings.push(word.replace(keep, swap));
            spellings.dedup();
            out.extend(spellings.into_iter().map(|variant| Variant {
                variant,
                fixed: word.clone(),
                except: Vec::new(),
            }));
        }
    }
    out
}

/// Every file whose Khmer the glossary governs.
fn governed_files() -> Vec<PathBuf> {
    let root = root();
    let mut files = Vec::new();
    let mut add = |dir: &str, ends: &[&str], recurse: bool| {
        let mut dirs = vec![root.join(dir)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                if path.is_dir() {
                    if recurse {
                        dirs.push(path);
                    }
                } else if ends.iter().any(|e| name.ends_with(e)) {
                    files.push(path);
                }
            }
        }
    };
    add("frameworks", &[".toml"], false);
    add("report-templates", &[".j2", "strings.toml"], false);
    add("src/chart", &[".rs"], true);
    files.push(root.join("src/workbook/template.rs"));
    files.sort();
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root()).unwrap().display().to_string()
}

#[test]
fn khmer_texts_use_the_glossary_terms_not_their_variants() {
    let md = glossary();
    let variants = variants(&md);
    // The glossary's lists are all read: its column and both spelling lists.
    assert!(
        variants.len() >= 40,
        "only {} variants read",
        variants.len()
    );
    for v in &variants {
        assert!(
            !v.fixed.contains(&v.variant) || !v.except.is_empty(),
            "the glossary fixes `{}` but also lists it as a variant",
            v.fixed
        );
    }
    let files = governed_files();
    for expected in [
        "frameworks/kh-ncmf.toml",
        "frameworks/nist-csf-2.0.toml",
        "frameworks/csirt-maturity.toml",
        "report-templates/strings.toml",
        "report-templates/national.typ.j2",
        "src/workbook/template.rs",
        "src/chart/mod.rs",
    ] {
        assert!(
            files.iter().any(|f| relative(f) == expected),
            "{expected} is not scanned: {files:?}"
        );
    }
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for v in &variants {
                let mut line = line.to_string();
                for allowed in &v.except {
                    line = line.replace(allowed.as_str(), "");
                }
                if line.contains(&v.variant) {
                    found.push(format!(
                        "{}:{}: `{}`, the glossary fixes `{}`",
                        relative(file),
                        n + 1,
                        v.variant,
                        v.fixed
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "variants of glossary terms (docs/glossary-km.md):\n{}",
        found.join("\n")
    );
}

fn load_toml(path: &str) -> toml::Table {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn khmer_of(entry: &toml::Value, key: &str) -> String {
    entry[key]["km"].as_str().unwrap_or_default().to_string()
}

#[test]
fn scale_labels_function_names_and_threat_names_are_the_glossary_terms() {
    let md = glossary();
    let scale: Vec<String> = table(&md, "## Maturity scale labels")
        .into_iter()
        .map(|row| row["Khmer"].clone())
        .collect();
    assert_eq!(scale.len(), 6);
    for path in ["frameworks/kh-ncmf.toml", "frameworks/nist-csf-2.0.toml"] {
        let f = load_toml(path);
        let labels: Vec<String> = f["scale"]
            .as_array()
            .unwrap()
            .iter()
            .map(|level| khmer_of(level, "label"))
            .collect();
        assert_eq!(labels, scale, "{path}: scale labels");
    }

    let sim3: Vec<String> = table(&md, "## SIM3 scale labels")
        .into_iter()
        .map(|row| row["Khmer"].clone())
        .collect();
    assert_eq!(sim3.len(), 5);
    let csirt = load_toml("frameworks/csirt-maturity.toml");
    let labels: Vec<String> = csirt["scale"]
        .as_array()
        .unwrap()
        .iter()
        .map(|level| khmer_of(level, "label"))
        .collect();
    assert_eq!(labels, sim3, "csirt-maturity: scale labels");
    let groups: BTreeMap<String, String> = table(&md, "## CSIRT maturity domains")
        .into_iter()
        .map(|row| (row["id"].clone(), row["Khmer"].clone()))
        .collect();
    let names: BTreeMap<String, String> = csirt["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["id"].as_str().unwrap().to_string(), khmer_of(d, "name")))
        .collect();
    assert_eq!(names, groups, "csirt-maturity domain names");

    let functions: BTreeMap<String, String> = table(&md, "## NIST CSF 2.0 functions")
        .into_iter()
        .map(|row| (row["id"].clone(), row["Khmer"].clone()))
        .collect();
    let csf = load_toml("frameworks/nist-csf-2.0.toml");
    let names: BTreeMap<String, String> = csf["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["id"].as_str().unwrap().to_string(), khmer_of(d, "name")))
        .collect();
    assert_eq!(names, functions, "nist-csf-2.0 function names");

    let threats: BTreeMap<String, String> = table(&md, "## Threats")
        .into_iter()
        .map(|row| (backticked(&row["threat id"]).concat(), row["Khmer"].clone()))
        .collect();
    let strings = load_toml("report-templates/strings.toml");
    let named: BTreeMap<String, String> = strings["km"]["threat_names"]
        .as_table()
        .unwrap()
        .iter()
        .map(|(id, name)| (id.clone(), name.as_str().unwrap().to_string()))
        .collect();
    assert_eq!(named, threats, "[km.threat_names]");
}
