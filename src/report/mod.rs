//! The PDF reports (SPEC section 8): the national posture report, the policymaker brief and
//! one gap analysis per scored agency, rendered from minijinja templates into Typst and
//! compiled by the `typst` CLI.
//!
//! One run works in a build folder inside `--out`: the shared `styles.typ`, the chart SVGs
//! and every generated `.typ` file are written there, the documents are compiled in parallel
//! with `--root` confined to that folder, and each finished file is then renamed into place,
//! so a reader never sees a half-written PDF and nothing is written outside `--out`.
//! typst is located and version-checked before anything is written at all.

mod charts;
pub mod context;
pub mod escape;
pub mod i18n;
#[doc(hidden)]
pub mod sample;
pub mod templates;
pub mod typst;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::aggregate::National;
use crate::framework::Framework;
use crate::registry::Registry;
use crate::score::AgencyScore;
use crate::workbook::Submission;

pub use context::cycle_cmp;
pub use typst::{Typst, TypstError, TYPST_VERSION};

/// Everything the reports are made from.
pub struct ReportInput<'a> {
    pub framework: &'a Framework,
    pub registry: Option<&'a Registry>,
    pub submissions: &'a [Submission],
    pub scores: &'a [AgencyScore],
    pub national: &'a National,
}

#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// `en` or `km`.
    pub lang: String,
    /// The cycle to report on; the latest among the inputs when `None`.
    pub cycle: Option<String>,
    /// A folder whose files replace the embedded templates of the same name.
    pub templates: Option<PathBuf>,
    /// Extra files to place in `--out` with the reports (e.g. `scores.json`), written
    /// atomically together with them.
    pub extra_files: Vec<(String, Vec<u8>)>,
    /// The typst binary to use; when `None`, env `POSTURE_TYPST`, then PATH, then cargo's bin.
    pub typst: Option<PathBuf>,
    /// Keep the build folder (generated `.typ` files, charts) inside `--out` for debugging.
    pub keep_build: bool,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            lang: "en".into(),
            cycle: None,
            templates: None,
            extra_files: Vec::new(),
            typst: None,
            keep_build: false,
        }
    }
}

/// The languages the shipped strings cover.
pub const LANGUAGES: [&str; 2] = ["en", "km"];

#[derive(Debug)]
pub enum ReportError {
    /// typst missing or the wrong version: nothing was written.
    Typst(TypstError),
    /// Bad options or templates: nothing was written.
    Config(String),
    /// The output folder could not be written.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportError::Typst(e) => write!(f, "{e}"),
            ReportError::Config(m) => write!(f, "{m}"),
            ReportError::Io { path, source } => {
                write!(f, "failed to write {} ({source})", path.display())
            }
        }
    }
}

impl std::error::Error for ReportError {}

impl From<TypstError> for ReportError {
    fn from(e: TypstError) -> Self {
        ReportError::Typst(e)
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What one run produced.
#[derive(Debug, Default)]
pub struct ReportOutcome {
    pub cycle: String,
    /// Files written, relative to `--out`, sorted.
    pub written: Vec<String>,
    /// Documents that could not be produced: (document, reason).
    pub failed: Vec<(String, String)>,
    /// Wall-clock seconds of each document's typst compile (for timing, never written out).
    pub compile_seconds: BTreeMap<String, f64>,
    /// The build folder, when kept.
    pub build_dir: Option<PathBuf>,
}

/// An agency id made safe as a file name: `[A-Za-z0-9._-]` kept, anything else `_`; a name
/// of only dots (`.`, `..`) becomes underscores so it can never mean a folder.
pub fn sanitise_id(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.chars().all(|c| c == '.') {
        "_".repeat(s.len().max(1))
    } else {
        s
    }
}

/// File stems for agency ids: sanitised, and unique even on case-insensitive file systems
/// (a collision gets `-2`, `-3`, ... in id order).
pub fn agency_file_stems<'a>(ids: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, String> {
    let mut ids: Vec<&str> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut taken = BTreeSet::new();
    let mut out = BTreeMap::new();
    for id in ids {
        let base = sanitise_id(id);
        let mut stem = base.clone();
        let mut n = 1;
        while !taken.insert(stem.to_lowercase()) {
            n += 1;
            stem = format!("{base}-{n}");
        }
        out.insert(id.to_string(), stem);
    }
    out
}

/// Seconds since 1970 for 1 January of `cycle` when it is a year, else 0: a creation date
/// that depends only on the inputs.
pub fn creation_timestamp(cycle: &str) -> i64 {
    match cycle.trim().parse::<i64>() {
        Ok(year) if (1970..=9999).contains(&year) => {
            let days: i64 = (1970..year)
                .map(|y| {
                    if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                        366
                    } else {
                        365
                    }
                })
                .sum();
            days * 86_400
        }
        _ => 0,
    }
}

fn threat_words(strings: &i18n::Strings) -> context::ThreatWords {
    context::ThreatWords {
        names: strings.section("threat_names"),
        change_since: strings
            .labels
            .get("change_since_cycle")
            .cloned()
            .unwrap_or_default(),
    }
}

struct Job {
    /// Document name for messages, e.g. `agencies/MOH.pdf`.
    name: String,
    source: PathBuf,
    text: String,
}

/// Render every report into `out`. typst and the templates are checked before anything is
/// written; a document that fails is reported in [`ReportOutcome::failed`] and the others
/// are still produced.
pub fn render_reports(
    input: &ReportInput,
    out: &Path,
    options: &ReportOptions,
) -> Result<ReportOutcome, ReportError> {
    let typst = match &options.typst {
        Some(path) => Typst::locate_with(Some(path.clone()))?,
        None => Typst::locate()?,
    };
    render_with(&typst, input, out, options)
}

/// [`render_reports`] with an already located typst.
pub fn render_with(
    typst: &Typst,
    input: &ReportInput,
    out: &Path,
    options: &ReportOptions,
) -> Result<ReportOutcome, ReportError> {
    let lang = options.lang.as_str();
    if !LANGUAGES.contains(&lang) {
        return Err(ReportError::Config(format!(
            "failed to choose the report language (`{lang}` is not one of {})",
            LANGUAGES.join(", ")
        )));
    }
    let set =
        templates::TemplateSet::load(options.templates.as_deref()).map_err(ReportError::Config)?;
    let strings = i18n::load(set.get("strings.toml"), lang)
        .map_err(|e| ReportError::Config(format!("failed to read strings.toml ({e})")))?;
    let levels = input
        .framework
        .scale
        .iter()
        .map(|s| s.label.get(lang).to_string())
        .collect();
    let env = templates::environment(&set, levels).map_err(ReportError::Config)?;
    let cycle = match &options.cycle {
        Some(c) => {
            let known = input.scores.iter().any(|s| &s.cycle == c)
                || input
                    .submissions
                    .iter()
                    .any(|s| s.cycle() == Some(c.as_str()));
            if !known {
                return Err(ReportError::Config(format!(
                    "failed to select cycle `{c}` (no input belongs to it)"
                )));
            }
            c.clone()
        }
        None => context::latest_cycle(input).unwrap_or_else(|| "–".to_string()),
    };
    let prepared = context::Prepared::new(
        input,
        lang,
        cycle.clone(),
        strings.section("sector_names"),
        threat_words(&strings),
    );
    let t = strings.to_value();

    let stems = agency_file_stems(prepared.scores.iter().map(|s| s.agency_id.as_str()));
    let csf_names = strings.section("csf_names");
    let chart_files = match charts::build(&prepared, &stems, &csf_names) {
        Ok(files) => files,
        Err(e) => return Err(ReportError::Config(e.to_string())),
    };
    // Everything above can fail without touching the disk; from here on we write.
    std::fs::create_dir_all(out).map_err(io_err(out))?;
    let build = tempfile::Builder::new()
        .prefix(".posture-build-")
        .tempdir_in(out)
        .map_err(io_err(out))?;
    let root = build.path();
    for dir in ["charts", "agencies", "pdf", "pdf/agencies"] {
        let p = root.join(dir);
        std::fs::create_dir_all(&p).map_err(io_err(&p))?;
    }
    let typst = typst.with_report_fonts(root).map_err(io_err(root))?;
    let styles = root.join("styles.typ");
    std::fs::write(&styles, set.get("styles.typ")).map_err(io_err(&styles))?;

    let mut outcome = ReportOutcome {
        cycle: cycle.clone(),
        ..ReportOutcome::default()
    };
    let charts_dir = root.join("charts");
    charts::write(&chart_files, &charts_dir).map_err(io_err(&charts_dir))?;

    let mut jobs: Vec<Job> = Vec::new();
    let national = prepared.national(&csf_names, chart_files.national.clone());
    let brief = prepared.brief(chart_files.national.clone());
    let mut push = |name: String, source: &str, template: &str, ctx: minijinja::Value| {
        let ctx = minijinja::context! { t => t.clone(), ..ctx };
        match templates::render(&env, template, ctx) {
            Ok(text) => jobs.push(Job {
                name,
                source: PathBuf::from(source),
                text,
            }),
            Err(e) => outcome.failed.push((name, e)),
        }
    };
    push(
        "national-report.pdf".into(),
        "national.typ",
        "national.typ.j2",
        minijinja::Value::from(minijinja::value::Serde(&national)),
    );
    push(
        "brief.pdf".into(),
        "brief.typ",
        "brief.typ.j2",
        minijinja::Value::from(minijinja::value::Serde(&brief)),
    );
    for (stem, ctx) in agency_contexts(&prepared, &stems, &chart_files) {
        push(
            format!("agencies/{stem}.pdf"),
            &format!("agencies/{stem}.typ"),
            "agency.typ.j2",
            ctx,
        );
    }

    for job in &jobs {
        let path = root.join(&job.source);
        std::fs::write(&path, &job.text).map_err(io_err(&path))?;
    }
    let timestamp = creation_timestamp(&cycle);
    let results: Vec<(String, Result<(), TypstError>, f64)> = jobs
        .par_iter()
        .map(|job| {
            let pdf = root.join("pdf").join(&job.name);
            let start = std::time::Instant::now();
            let result = typst.compile(root, &job.source, &pdf, timestamp);
            (job.name.clone(), result, start.elapsed().as_secs_f64())
        })
        .collect();

    // Move the finished files into place: charts, PDFs, extra files.
    let mut moves: Vec<(PathBuf, String)> = Vec::new();
    for (name, _) in &chart_files.svgs {
        moves.push((charts_dir.join(name), format!("charts/{name}")));
    }
    for (name, result, seconds) in results {
        outcome.compile_seconds.insert(name.clone(), seconds);
        match result {
            Ok(()) => moves.push((root.join("pdf").join(&name), name)),
            Err(e) => outcome.failed.push((name, e.to_string())),
        }
    }
    for (name, bytes) in &options.extra_files {
        let safe = sanitise_id(name);
        let p = root.join(&safe);
        std::fs::write(&p, bytes).map_err(io_err(&p))?;
        moves.push((p, safe));
    }
    for (from, to) in moves {
        let dest = out.join(&to);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        std::fs::rename(&from, &dest).map_err(io_err(&dest))?;
        outcome.written.push(to);
    }
    outcome.written.sort();
    outcome.failed.sort();
    if options.keep_build {
        outcome.build_dir = Some(build.keep());
    } else {
        build.close().map_err(io_err(out))?;
    }
    Ok(outcome)
}

/// Render the Typst sources only (no typst needed): file name -> source text. Used by the
/// golden tests and by `--keep-typst`-style debugging.
pub fn typst_sources(
    input: &ReportInput,
    options: &ReportOptions,
) -> Result<BTreeMap<String, String>, ReportError> {
    let lang = options.lang.as_str();
    let set =
        templates::TemplateSet::load(options.templates.as_deref()).map_err(ReportError::Config)?;
    let strings = i18n::load(set.get("strings.toml"), lang).map_err(ReportError::Config)?;
    let levels = input
        .framework
        .scale
        .iter()
        .map(|s| s.label.get(lang).to_string())
        .collect();
    let env = templates::environment(&set, levels).map_err(ReportError::Config)?;
    let cycle = options
        .cycle
        .clone()
        .or_else(|| context::latest_cycle(input))
        .unwrap_or_else(|| "–".to_string());
    let prepared = context::Prepared::new(
        input,
        lang,
        cycle,
        strings.section("sector_names"),
        threat_words(&strings),
    );
    let stems = agency_file_stems(prepared.scores.iter().map(|s| s.agency_id.as_str()));
    let csf_names = strings.section("csf_names");
    let names = charts::build(&prepared, &stems, &csf_names)
        .map_err(|e| ReportError::Config(e.to_string()))?;
    let t = strings.to_value();
    let mut out = BTreeMap::new();
    let render = |template: &str, ctx: minijinja::Value| {
        templates::render(
            &env,
            template,
            minijinja::context! { t => t.clone(), ..ctx },
        )
        .map_err(ReportError::Config)
    };
    let national = prepared.national(&csf_names, names.national.clone());
    out.insert(
        "national.typ".to_string(),
        render(
            "national.typ.j2",
            minijinja::Value::from(minijinja::value::Serde(&national)),
        )?,
    );
    let brief = prepared.brief(names.national.clone());
    out.insert(
        "brief.typ".to_string(),
        render(
            "brief.typ.j2",
            minijinja::Value::from(minijinja::value::Serde(&brief)),
        )?,
    );
    for (stem, ctx) in agency_contexts(&prepared, &stems, &names) {
        out.insert(
            format!("agencies/{stem}.typ"),
            render("agency.typ.j2", ctx)?,
        );
    }
    Ok(out)
}

/// Each scored agency's file stem and template context, in score order: the PDF build and
/// [`typst_sources`] must render exactly the same agency reports.
fn agency_contexts<'a>(
    prepared: &'a context::Prepared<'a>,
    stems: &'a BTreeMap<String, String>,
    charts: &'a charts::ChartFiles,
) -> impl Iterator<Item = (&'a str, minijinja::Value)> + 'a {
    prepared.scores.iter().map(move |s| {
        let agency_charts = charts
            .agencies
            .get(&s.agency_id)
            .cloned()
            .unwrap_or_default();
        let ctx = prepared.agency(s, agency_charts);
        (
            stems[&s.agency_id].as_str(),
            minijinja::Value::from(minijinja::value::Serde(&ctx)),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agency_ids_become_safe_unique_file_names() {
        assert_eq!(sanitise_id("MOH"), "MOH");
        assert_eq!(sanitise_id("../../etc/passwd"), ".._.._etc_passwd");
        assert_eq!(sanitise_id(".."), "__");
        assert_eq!(sanitise_id("."), "_");
        assert_eq!(sanitise_id(""), "_");
        assert_eq!(sanitise_id("ក្រសួង A"), "_______A");
        let stems = agency_file_stems(["a/b", "a_b", "A_B", "x"]);
        assert_eq!(stems["A_B"], "A_B");
        assert_eq!(stems["a/b"], "a_b-2");
        assert_eq!(stems["a_b"], "a_b-3");
        assert_eq!(stems["x"], "x");
    }

    #[test]
    fn creation_time_comes_from_the_cycle() {
        assert_eq!(creation_timestamp("1970"), 0);
        assert_eq!(creation_timestamp("2026"), 1_767_225_600);
        assert_eq!(creation_timestamp("2026-Q1"), 0);
    }
}
