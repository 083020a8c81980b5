//! The committed sample data: `posture-gen sample` reproduces it byte for byte, and
//! ingestion sees exactly the statuses the sample was designed to show.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use posture::workbook::ingest::{discover, ingest, IngestOptions, Retain};
use posture::workbook::{Answer, Limits, Status};

use super::util::*;

fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "xlsx" || x == "csv")
        })
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn generator_reproduces_the_committed_data() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_posture-gen"))
        .args(["sample", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_exit(&o, 0);
    let generated = files_under(dir.path());
    let committed = files_under(&root().join("data"));
    let names = |m: &BTreeMap<PathBuf, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&generated), names(&committed));
    for (name, bytes) in &generated {
        assert!(
            committed[name] == *bytes,
            "{} differs from data/ (regenerate with `cargo run --bin posture-gen -- sample --out data`)",
            name.display()
        );
    }
}

#[test]
fn sample_submissions_show_the_designed_mistakes() {
    let framework = posture::framework::builtin("kh-ncmf").unwrap().unwrap();
    let registry = posture::registry::load_registry(&root().join("data/agencies.csv")).unwrap();
    assert!((35..=45).contains(&registry.len()));
    let opts = IngestOptions {
        framework: &framework,
        registry: Some(&registry),
        limits: Limits::default(),
    };
    let files = discover(&[root().join("data/submissions")]).unwrap();
    let subs = ingest(&files, &opts, false, Retain::Everything);
    let status = |file: &str| {
        subs.iter()
            .find(|s| s.file.ends_with(file))
            .unwrap_or_else(|| panic!("{file} not found"))
    };

    let rejected: Vec<(&str, &str)> = vec![
        ("2025/PRV-KCM.xlsx", "N/A"),
        ("2025/MOT.xlsx", "2.5"),
        ("2026/PRV-BTB.xlsx", "2.5"),
        ("2026/MLVT.xlsx", "Assessment"),
        ("2026/WAT-TBW.xlsx", "0.9.0"),
        ("2026/PRV-KPT.xlsx", "no answers"),
    ];
    for (file, needle) in &rejected {
        let s = status(file);
        assert_eq!(s.status, Status::Rejected, "{file}: {:?}", s.warnings);
        assert!(
            s.errors.iter().any(|e| e.message().contains(needle)),
            "{file}: expected an error mentioning {needle}: {:?}",
            s.errors
        );
    }
    assert_eq!(status("2026/FIN-BCB_resent.xlsx").status, Status::Duplicate);
    assert_eq!(status("2026/FIN-BCB.xlsx").status, Status::Scored);
    for (file, needle) in [
        ("2026/EN-ASE.xlsx", "1.0.0"),
        ("2026/FIN-APY.xlsx", "fintech"),
    ] {
        let s = status(file);
        assert_eq!(s.status, Status::Scored, "{file}: {:?}", s.errors);
        assert!(
            s.warnings.iter().any(|w| w.message().contains(needle)),
            "{file}: {:?}",
            s.warnings
        );
    }
    let scored = subs.iter().filter(|s| s.status == Status::Scored).count();
    assert_eq!(scored, subs.len() - rejected.len() - 1);

    // What `validate` keeps: the same verdicts and counts, without the answer rows.
    let lean = ingest(&files, &opts, false, Retain::Diagnostics);
    assert_eq!(lean.len(), subs.len());
    for (full, lean) in subs.iter().zip(&lean) {
        assert_eq!(
            (&full.file, full.status, full.answered),
            (&lean.file, lean.status, lean.answered)
        );
        assert_eq!(full.errors, lean.errors, "{}", full.file);
        assert_eq!(full.warnings, lean.warnings, "{}", full.file);
        assert!(lean.answers.is_empty());
        if full.status == Status::Scored {
            assert!(full.answered > 0 && full.answered <= full.answers.len());
        }
    }
    // What `score` keeps: every level and evidence text (for the assurance flags), without
    // the comments.
    let levels_only = ingest(&files, &opts, false, Retain::Levels);
    assert!(subs
        .iter()
        .any(|s| s.answers.iter().any(|a| a.evidence.is_some())));
    for (full, lean) in subs.iter().zip(&levels_only) {
        assert_eq!((&full.file, full.status), (&lean.file, lean.status));
        let levels = |s: &posture::workbook::Submission| -> Vec<Answer> {
            s.answers.iter().map(|a| a.answer).collect()
        };
        assert_eq!(levels(full), levels(lean), "{}", full.file);
        let evidence = |s: &posture::workbook::Submission| -> Vec<Option<String>> {
            s.answers.iter().map(|a| a.evidence.clone()).collect()
        };
        assert_eq!(evidence(full), evidence(lean), "{}", full.file);
        assert!(lean.answers.iter().all(|a| a.comment.is_none()));
    }

    // Believable differences: per-sector mean level by domain, 2026.
    let mut by_sector: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
    for s in subs
        .iter()
        .filter(|s| s.status == Status::Scored && s.cycle() == Some("2026"))
    {
        let sector = &registry.get(s.agency_id().unwrap()).unwrap().sector;
        for (q, a) in framework.questions.iter().zip(&s.answers) {
            if let Answer::Level(l) = a.answer {
                let e = by_sector
                    .entry((sector.clone(), framework.domains[q.domain_index].id.clone()))
                    .or_default();
                e.0 += l as f64;
                e.1 += 1.0;
            }
        }
    }
    let mean = |sector: &str, domain: &str| {
        let (sum, n) = by_sector[&(sector.to_string(), domain.to_string())];
        sum / n
    };
    if std::env::var_os("POSTURE_SAMPLE_STATS").is_some() {
        for ((sector, domain), (sum, n)) in &by_sector {
            eprintln!("{sector:9} {domain} {:.2}", sum / n);
        }
    }
    assert!(mean("finance", "TEC") > mean("province", "TEC") + 1.0);
    assert!(mean("province", "PEO") < mean("province", "GOA"));
    assert!(mean("finance", "TEC") > mean("finance", "COL"));
    assert!(mean("finance", "TEC") > mean("finance", "GOA"));

    // Some agencies improve between the cycles and some slip.
    let mut means: BTreeMap<(String, String), f64> = BTreeMap::new();
    for s in subs.iter().filter(|s| s.status == Status::Scored) {
        let levels: Vec<f64> = s
            .answers
            .iter()
            .filter_map(|a| match a.answer {
                Answer::Level(l) => Some(l as f64),
                _ => None,
            })
            .collect();
        let key = (
            s.agency_id().unwrap().to_string(),
            s.cycle().unwrap().to_string(),
        );
        means.insert(key, levels.iter().sum::<f64>() / levels.len() as f64);
    }
    let changes: Vec<f64> = registry
        .agencies
        .keys()
        .filter_map(|id| {
            let a = means.get(&(id.clone(), "2025".into()))?;
            let b = means.get(&(id.clone(), "2026".into()))?;
            Some(b - a)
        })
        .collect();
    let improving = changes.iter().filter(|&&c| c > 0.2).count();
    let slipping = changes.iter().filter(|&&c| c < -0.2).count();
    assert!(improving >= 5 && slipping >= 3, "{changes:?}");
}

#[test]
fn corpus_workbooks_are_valid_and_deterministic() {
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    for dir in &dirs {
        let o = Command::new(env!("CARGO_BIN_EXE_posture-gen"))
            .args(["corpus", "--count", "12", "--out"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_exit(&o, 0);
    }
    let a = files_under(dirs[0].path());
    assert_eq!(a.len(), 13, "12 workbooks and agencies.csv");
    assert_eq!(a, files_under(dirs[1].path()));

    let framework = posture::framework::builtin("kh-ncmf").unwrap().unwrap();
    let registry = posture::registry::load_registry(&dirs[0].path().join("agencies.csv")).unwrap();
    let opts = IngestOptions {
        framework: &framework,
        registry: Some(&registry),
        limits: Limits::default(),
    };
    let subs = ingest(
        &discover(&[dirs[0].path().to_path_buf()]).unwrap(),
        &opts,
        false,
        Retain::Everything,
    );
    assert_eq!(subs.len(), 12);
    for s in &subs {
        assert_eq!(s.status, Status::Scored, "{}: {:?}", s.file, s.errors);
    }
}
