//! The report assets and the typst binary, loaded once per run from the file system and the
//! environment: the only place that reads `POSTURE_TYPST`, `POSTURE_FONT_PATH`, `PATH` and
//! the font folders. Everything below the CLI gets them as values.

use std::path::{Path, PathBuf};

use super::ConfigError;
use crate::report::assets::{pick_fonts, Assets, FontFolder, Fonts};
use crate::report::templates::{TemplateSet, EMBEDDED};
use crate::report::typst::{candidates, Typst};

/// Font folders installed by `scripts/setup.sh` (Debian packages fonts-noto-core,
/// fonts-khmeros, fonts-dejavu-core), searched after the `POSTURE_FONT_PATH` folders.
pub const SYSTEM_FONT_DIRS: [&str; 3] = [
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/truetype/khmeros",
    "/usr/share/fonts/truetype/dejavu",
];

/// The typst binary: `POSTURE_TYPST` alone when set, else `PATH`, `$CARGO_HOME/bin`,
/// `~/.cargo/bin`; checked to be the pinned version.
pub fn locate_typst() -> Result<Typst, ConfigError> {
    let explicit = std::env::var_os("POSTURE_TYPST").map(PathBuf::from);
    let tried = candidates(
        explicit,
        std::env::var_os("PATH"),
        std::env::var_os("CARGO_HOME"),
        std::env::var_os("HOME"),
    );
    Typst::find(tried).map_err(ConfigError::typst)
}

/// The templates (embedded, each replaced by a same-named file of `dir`) and the fonts.
pub fn load_report_assets(templates: Option<&Path>) -> Result<Assets, ConfigError> {
    Ok(Assets {
        templates: load_templates(templates)?,
        fonts: load_fonts()?,
    })
}

fn load_templates(dir: Option<&Path>) -> Result<TemplateSet, ConfigError> {
    let mut set = TemplateSet::embedded();
    let Some(dir) = dir else {
        return Ok(set);
    };
    if !dir.is_dir() {
        return Err(ConfigError::new(format!(
            "failed to read templates folder {} (not a folder)",
            dir.display()
        )));
    }
    for (name, _) in EMBEDDED {
        let path = dir.join(name);
        if path.is_file() {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                ConfigError::new(format!("failed to read template {} ({e})", path.display()))
            })?;
            set.replace(name, text).map_err(ConfigError::new)?;
        }
    }
    Ok(set)
}

/// The font folders in search order: `POSTURE_FONT_PATH`, then [`SYSTEM_FONT_DIRS`]; a
/// folder that cannot be listed has no fonts.
fn font_folders() -> Vec<FontFolder> {
    let user: Vec<PathBuf> = std::env::var_os("POSTURE_FONT_PATH")
        .map(|v| {
            std::env::split_paths(&v)
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default();
    let system = SYSTEM_FONT_DIRS.iter().map(PathBuf::from);
    let tagged = user
        .into_iter()
        .map(|p| (p, true))
        .chain(system.map(|p| (p, false)));
    tagged
        .map(|(path, user)| {
            let mut files: Vec<String> = std::fs::read_dir(&path)
                .map(|entries| {
                    entries
                        .filter_map(|e| e.ok()?.file_name().into_string().ok())
                        .collect()
                })
                .unwrap_or_default();
            files.sort();
            FontFolder { path, files, user }
        })
        .collect()
}

fn load_fonts() -> Result<Fonts, ConfigError> {
    let folders = font_folders();
    let choice = pick_fonts(&folders).map_err(|missing| {
        let searched: Vec<String> = folders.iter().map(|f| f.path.display().to_string()).collect();
        ConfigError::new(format!(
            "failed to find the report fonts {} (searched {})",
            missing.join(", "),
            searched.join(", ")
        ))
        .with_hint("run scripts/setup.sh (Debian packages fonts-noto-core, fonts-khmeros, fonts-dejavu-core), or add a folder holding them to POSTURE_FONT_PATH")
    })?;
    let chart = std::fs::read(&choice.chart).map_err(|e| {
        ConfigError::new(format!(
            "failed to read the chart font {} ({e})",
            choice.chart.display()
        ))
    })?;
    Ok(Fonts {
        files: choice.files,
        chart,
    })
}
