//! Everything a report build reads besides the scored data: the templates and strings, and
//! the fonts. The CLI loads them once (`cli::assets`) and passes them down, as typst's
//! `World` owns every file a document may read; nothing below the CLI reads the file system
//! or the environment for them, and there is no global cache.
//!
//! Fonts follow one rule ([`pick_fonts`]), shared by the charts and typst: the chart font is
//! one of the very files typst is given, so a label is measured with the file the PDF
//! embeds, and a machine without it is told so instead of getting other charts.

use std::path::PathBuf;

use super::templates::TemplateSet;

/// The font families the templates and charts use, as (file-name prefix, family). Every one
/// is required: typst would otherwise fall back to another font and change the pages.
pub const REPORT_FONTS: [(&str, &str); 4] = [
    ("NotoSans-", "Noto Sans"),
    ("NotoSansKhmer-", "Noto Sans Khmer"),
    ("KhmerOSsys", "Khmer OS System"),
    ("DejaVuSans", "DejaVu Sans"),
];

/// The family the charts shape their labels in (it covers Latin and Khmer): the first file
/// of this prefix is the chart font.
pub const CHART_FONT_PREFIX: &str = "KhmerOSsys";

/// The report assets, loaded once per run.
#[derive(Clone, Debug)]
pub struct Assets {
    pub templates: TemplateSet,
    pub fonts: Fonts,
}

/// The font files of a run.
#[derive(Clone, Debug)]
pub struct Fonts {
    /// Every font file typst may use, in the order [`pick_fonts`] chose them.
    pub files: Vec<PathBuf>,
    /// The bytes of the chart font (one of `files`).
    pub chart: Vec<u8>,
}

/// One folder searched for fonts, with the names of the files in it.
#[derive(Clone, Debug)]
pub struct FontFolder {
    pub path: PathBuf,
    pub files: Vec<String>,
    /// A folder the user added (`POSTURE_FONT_PATH`): its other fonts are offered to typst
    /// too, for templates that use them.
    pub user: bool,
}

/// What [`pick_fonts`] chose.
#[derive(Clone, Debug, PartialEq)]
pub struct FontChoice {
    pub files: Vec<PathBuf>,
    /// The chart font's file (also in `files`).
    pub chart: PathBuf,
}

fn is_font(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".ttf", ".otf", ".ttc", ".otc"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// The font lookup rule. Folders are searched in the order given (the CLI puts the user's
/// folders first, then the Debian ones); each family of [`REPORT_FONTS`] comes whole from
/// the first folder that has a file of it, so two copies of a family never meet. Other fonts
/// in user folders are added after. Fails with the families that no folder has.
pub fn pick_fonts(folders: &[FontFolder]) -> Result<FontChoice, Vec<&'static str>> {
    let mut files = Vec::new();
    let mut missing = Vec::new();
    let mut chart = None;
    let family_of = |name: &str| REPORT_FONTS.iter().find(|(p, _)| name.starts_with(p));
    for (prefix, family) in REPORT_FONTS {
        let Some(folder) = folders
            .iter()
            .find(|f| f.files.iter().any(|n| n.starts_with(prefix) && is_font(n)))
        else {
            missing.push(family);
            continue;
        };
        let mut names: Vec<&String> = folder
            .files
            .iter()
            .filter(|n| family_of(n).is_some_and(|(p, _)| *p == prefix) && is_font(n))
            .collect();
        names.sort();
        if prefix == CHART_FONT_PREFIX {
            chart = names.first().map(|n| folder.path.join(n));
        }
        files.extend(names.into_iter().map(|n| folder.path.join(n)));
    }
    for folder in folders.iter().filter(|f| f.user) {
        let mut names: Vec<&String> = folder
            .files
            .iter()
            .filter(|n| is_font(n) && family_of(n).is_none())
            .collect();
        names.sort();
        files.extend(names.into_iter().map(|n| folder.path.join(n)));
    }
    match chart {
        Some(chart) if missing.is_empty() => Ok(FontChoice { files, chart }),
        _ => Err(missing),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(path: &str, files: &[&str], user: bool) -> FontFolder {
        FontFolder {
            path: PathBuf::from(path),
            files: files.iter().map(|f| f.to_string()).collect(),
            user,
        }
    }

    #[test]
    fn each_family_comes_whole_from_the_first_folder_that_has_it() {
        let folders = [
            folder(
                "/mine",
                &["KhmerOSsys.ttf", "Custom.otf", "notes.txt"],
                true,
            ),
            folder(
                "/noto",
                &[
                    "NotoSans-Bold.ttf",
                    "NotoSans-Regular.ttf",
                    "NotoSansKhmer-Regular.ttf",
                ],
                false,
            ),
            folder("/khmeros", &["KhmerOSsys.ttf", "KhmerOS.ttf"], false),
            folder("/dejavu", &["DejaVuSans.ttf", "DejaVuSansMono.ttf"], false),
        ];
        let choice = pick_fonts(&folders).unwrap();
        assert_eq!(choice.chart, PathBuf::from("/mine/KhmerOSsys.ttf"));
        let files: Vec<&str> = choice.files.iter().map(|p| p.to_str().unwrap()).collect();
        assert_eq!(
            files,
            [
                "/noto/NotoSans-Bold.ttf",
                "/noto/NotoSans-Regular.ttf",
                "/noto/NotoSansKhmer-Regular.ttf",
                "/mine/KhmerOSsys.ttf",
                "/dejavu/DejaVuSans.ttf",
                "/dejavu/DejaVuSansMono.ttf",
                "/mine/Custom.otf",
            ]
        );
    }

    #[test]
    fn a_missing_family_is_named() {
        let folders = [folder("/noto", &["NotoSans-Regular.ttf"], false)];
        assert_eq!(
            pick_fonts(&folders).unwrap_err(),
            vec!["Noto Sans Khmer", "Khmer OS System", "DejaVu Sans"]
        );
    }
}
