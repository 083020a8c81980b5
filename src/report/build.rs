//! The pure half of the reports: (scored data, assets, options) → the files of a Typst
//! project, in memory. Nothing here touches the file system or runs a program; the golden
//! tests compare its output, and [`super::compile`] is the only step that writes files and
//! runs typst.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::assets::Assets;
use super::context::{self, Prepared};
use super::{charts, i18n, templates, ReportError};
use super::{BuildOptions, ReportInput};
use crate::chart::{self, Font};
use crate::cycle::Cycle;

/// One PDF to produce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// Where the PDF goes, relative to `--out` (`agencies/MOH.pdf`); also its name in messages.
    pub pdf: String,
    /// Its Typst source in [`Build::files`] (`agencies/MOH.typ`).
    pub source: String,
}

/// Everything [`super::compile`] needs: a Typst project and the documents to compile in it.
#[derive(Clone, Debug, Default)]
pub struct Build {
    /// The cycle the reports cover.
    pub cycle: Cycle,
    /// The project's files by path relative to its root: `styles.typ`, every document's
    /// `.typ` source and the `charts/*.svg` they include.
    pub files: BTreeMap<String, String>,
    pub documents: Vec<Document>,
    /// Documents whose template failed to render, and action plans that could not be
    /// written: (name in `--out`, reason). The others build.
    pub failed: Vec<(String, String)>,
    /// Files that go into `--out` as they are, by path relative to it: the action-plan
    /// workbooks (`action-plans/<agency>.xlsx`, SPEC section 11).
    pub workbooks: BTreeMap<String, Vec<u8>>,
}

/// Where the action plans go inside `--out`.
pub const PLANS_DIR: &str = "action-plans";

impl Build {
    /// The path of every chart, for copying the SVGs next to the reports.
    pub fn charts(&self) -> impl Iterator<Item = &str> {
        self.files
            .keys()
            .map(String::as_str)
            .filter(|p| p.starts_with("charts/"))
    }
}

/// Build every report of `options.cycle` (or the latest cycle) in `options.lang`. Fails
/// without a partial result when the options or the templates are unusable.
pub fn build(
    input: &ReportInput,
    assets: &Assets,
    options: &BuildOptions,
) -> Result<Build, ReportError> {
    let lang = options.lang;
    let set = &assets.templates;
    let strings = i18n::load(set.get("strings.toml"), lang)
        .map_err(|e| ReportError::Config(format!("failed to read strings.toml ({e})")))?;
    let levels = input
        .framework
        .scale
        .iter()
        .map(|s| s.label.get(lang.code()).to_string())
        .collect();
    let env = templates::environment(set, levels).map_err(ReportError::Config)?;
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
        None => context::latest_cycle(input.scores, input.submissions)
            .unwrap_or_else(|| Cycle::from("–")),
    };
    let prepared = Prepared::new(
        input,
        lang,
        cycle.clone(),
        strings.section("sector_names"),
        context::ThreatWords {
            names: strings.section("threat_names"),
            change_since: strings
                .labels
                .get("change_since_cycle")
                .cloned()
                .unwrap_or_default(),
        },
    );
    let font = Font::parse(&assets.fonts.chart).map_err(|e| ReportError::Config(e.to_string()))?;
    let style = chart::Style {
        font: &font,
        words: chart::Words::for_lang(lang),
    };
    let stems =
        crate::file_name::unique_stems(prepared.scores.iter().map(|s| s.agency_id.as_str()));
    let csf_names = strings.section("csf_names");
    let chart_files = charts::build(&prepared, &stems, &csf_names, &style)
        .map_err(|e| ReportError::Config(e.to_string()))?;

    let mut out = Build {
        cycle,
        ..Build::default()
    };
    out.files
        .insert("styles.typ".to_string(), set.get("styles.typ").to_string());
    for (name, svg) in &chart_files.svgs {
        out.files.insert(format!("charts/{name}"), svg.clone());
    }
    let t = strings.to_value();
    let mut add = |pdf: String, source: String, template: &str, ctx: minijinja::Value| {
        let ctx = minijinja::context! { t => t.clone(), ..ctx };
        match templates::render(&env, template, ctx) {
            Ok(text) => {
                out.files.insert(source.clone(), text);
                out.documents.push(Document { pdf, source });
            }
            Err(e) => out.failed.push((pdf, e)),
        }
    };
    add(
        "national-report.pdf".into(),
        "national.typ".into(),
        "national.typ.j2",
        value(&prepared.national(&csf_names, chart_files.national.clone())),
    );
    add(
        "brief.pdf".into(),
        "brief.typ".into(),
        "brief.typ.j2",
        value(&prepared.brief(chart_files.national.clone())),
    );
    let mut plan_files = Vec::with_capacity(prepared.scores.len());
    for s in &prepared.scores {
        let charts = chart_files
            .agencies
            .get(&s.agency_id)
            .cloned()
            .unwrap_or_default();
        let stem = &stems[&s.agency_id];
        let plan_file = format!("{PLANS_DIR}/{stem}.xlsx");
        add(
            format!("agencies/{stem}.pdf"),
            format!("agencies/{stem}.typ"),
            "agency.typ.j2",
            value(&prepared.agency(s, charts, plan_file.clone())),
        );
        plan_files.push(plan_file);
    }
    // The workbooks are independent and, at a few milliseconds each, worth spreading over
    // the cores for a country's worth of agencies.
    let plans: Vec<_> = prepared
        .scores
        .par_iter()
        .map(|s| crate::plan::plan_bytes(&crate::plan::plan_for(input.framework, s)))
        .collect();
    for (file, bytes) in plan_files.into_iter().zip(plans) {
        match bytes {
            Ok(bytes) => {
                out.workbooks.insert(file, bytes);
            }
            Err(e) => out.failed.push((file, e.to_string())),
        }
    }
    Ok(out)
}

/// A template context from one of the context structs.
fn value<T: serde::Serialize>(context: &T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(context))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::aggregate_scored;
    use crate::score::score_batch;

    /// Issue 12: an overall of 2.9999999999999996 is tier 3 in scores.json and in every
    /// report (the agency PDF used to floor it to tier 2).
    #[test]
    fn an_overall_a_hair_under_a_whole_level_has_that_tier_everywhere() {
        let (fw, mut submission) = crate::score::tests::hair_under_three();
        submission.status = crate::workbook::Status::Scored;
        let submissions = vec![submission];
        let scored = score_batch(&fw, &submissions, &[], None);
        assert_eq!(scored.scores[0].overall, Some(2.9999999999999996));
        let national = aggregate_scored(&fw, &scored, &submissions, None);
        let doc = crate::export::build_document(&fw, None, &submissions, &scored, &national);
        let json: serde_json::Value =
            serde_json::from_slice(&crate::export::to_json(&doc)).unwrap();
        assert_eq!(json["agencies"][0]["tier"], 3, "{json}");

        let assets = crate::cli::assets::load_report_assets(None)
            .unwrap_or_else(|e| panic!("{}", e.message));
        let input = ReportInput {
            framework: &fw,
            registry: None,
            submissions: &submissions,
            scores: &scored.scores,
            assurance: &scored.assurance,
            national: &national,
            verification: None,
            plans: None,
        };
        let built = build(&input, &assets, &BuildOptions::default()).unwrap();
        let agency = &built.files["agencies/AG.typ"];
        assert!(
            agency.contains(r#"kpi([#"3 – L3";], [#"Tier";])"#),
            "{agency}"
        );
        for doc in ["national.typ", "brief.typ"] {
            assert!(built.files[doc].contains(r#"#"3 – L3";"#), "{doc}");
        }
    }
}
