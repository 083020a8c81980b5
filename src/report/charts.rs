//! The charts of each report, drawn once per run with [`crate::chart`], in memory, as the
//! build's `charts/` files, and referenced from the templates by root-relative path
//! (`/charts/<name>.svg`). National charts are shared by the national report and the brief;
//! each agency gets its own radar. Long charts (heat map, ranking) come in page-sized parts,
//! so a role maps to a list of files.

use std::collections::BTreeMap;

use crate::chart::{self, ChartError, Series, SeriesRole, Style};

use super::context::{Charts, Prepared};

/// Rows per page-sized part of the heat map and the ranking: about 640 pt of an A4 page
/// with the report margins, less the heading and the chart's own header.
const ROWS_PER_PAGE: usize = 45;
/// Above this many agencies the trend chart shows sectors instead of agencies.
const SLOPE_AGENCIES: usize = 25;

/// The chart files of one run.
#[derive(Debug, Default)]
pub struct ChartFiles {
    /// Charts of the national report and the brief, by role.
    pub national: Charts,
    /// Agency id -> its charts by role.
    pub agencies: BTreeMap<String, Charts>,
    /// (file name in `charts/`, SVG text), sorted by name.
    pub svgs: Vec<(String, String)>,
}

impl ChartFiles {
    fn add(&mut self, charts: Option<&str>, role: &str, name: &str, svgs: Vec<String>) {
        let mut paths = Vec::new();
        for (i, svg) in svgs.into_iter().enumerate() {
            let file = if i == 0 {
                format!("{name}.svg")
            } else {
                format!("{name}-{}.svg", i + 1)
            };
            paths.push(format!("/charts/{file}"));
            self.svgs.push((file, svg));
        }
        let target = match charts {
            None => &mut self.national,
            Some(agency) => self.agencies.entry(agency.to_string()).or_default(),
        };
        target.insert(role.to_string(), paths);
    }
}

/// Draw every chart of the run (in memory).
pub fn build(
    p: &Prepared,
    stems: &BTreeMap<String, String>,
    csf_names: &BTreeMap<String, String>,
    style: &Style,
) -> Result<ChartFiles, ChartError> {
    let fw = p.input.framework;
    let max = f64::from(fw.max_level());
    let w = &style.words;
    let mut files = ChartFiles::default();
    let domains = p.domains();
    let domain_names: Vec<String> = domains.iter().map(|d| d.name.clone()).collect();
    let target = domains.first().and_then(|d| d.target);

    let profile: Vec<(String, f64)> = domains
        .iter()
        .filter_map(|d| Some((d.name.clone(), d.median?)))
        .collect();
    files.add(
        None,
        "profile",
        "national-profile",
        vec![chart::bars(&profile, max, target, style)?],
    );

    let groups: Vec<(String, Vec<f64>)> = fw
        .domains
        .iter()
        .zip(&domain_names)
        .map(|(d, name)| {
            let values = p
                .scores
                .iter()
                .filter_map(|s| s.domains.get(&d.id).copied().flatten())
                .collect();
            (name.clone(), values)
        })
        .collect();
    files.add(
        None,
        "distribution",
        "national-distribution",
        vec![chart::distribution(&groups, max, target, style)?],
    );

    let ranking = p.ranking();
    let by_id: BTreeMap<&str, _> = p
        .scores
        .iter()
        .map(|s| (s.agency_id.as_str(), *s))
        .collect();
    let rows: Vec<String> = ranking.iter().map(|r| r.name.clone()).collect();
    let values: Vec<Vec<Option<f64>>> = ranking
        .iter()
        .map(|r| {
            fw.domains
                .iter()
                .map(|d| by_id[r.id.as_str()].domains.get(&d.id).copied().flatten())
                .collect()
        })
        .collect();
    files.add(
        None,
        "heatmap",
        "national-heatmap",
        chart::heatmap_pages(&rows, &domain_names, &values, max, ROWS_PER_PAGE, style)?,
    );

    let items: Vec<chart::TargetBar> = ranking
        .iter()
        .filter(|r| r.overall.is_some())
        .map(|r| chart::TargetBar {
            label: r.name.clone(),
            value: r.overall,
            target: Some(f64::from(r.target)),
            at_target: r.at_target,
            change: None,
        })
        .collect();
    files.add(
        None,
        "ranking",
        "national-ranking",
        chart::ranking_pages(&items, max, ROWS_PER_PAGE, style)?,
    );

    let sectors = p.sectors();
    let sector_names: Vec<String> = sectors.iter().map(|s| s.name.clone()).collect();
    let series = vec![
        Series {
            name: w.median.clone(),
            values: sectors.iter().map(|s| s.median).collect(),
            role: SeriesRole::Primary,
        },
        Series {
            name: w.target.clone(),
            values: sectors.iter().map(|s| Some(f64::from(s.target))).collect(),
            role: SeriesRole::Target,
        },
    ];
    files.add(
        None,
        "sectors",
        "national-sectors",
        vec![chart::grouped_bars(&sector_names, &series, max, style)?],
    );

    if let Some(trend) = p.trend() {
        let items = trend_items(p, &trend, &w.national);
        files.add(
            None,
            "trend",
            "national-trend",
            vec![chart::slope(
                &items,
                trend.from.as_str(),
                p.cycle.as_str(),
                max,
                style,
            )?],
        );
    } else {
        files.national.insert("trend".into(), Vec::new());
    }

    let csf: Vec<(String, f64)> = p
        .csf(csf_names)
        .into_iter()
        .map(|r| (r.name, r.value))
        .collect();
    if csf.is_empty() {
        files.national.insert("csf".into(), Vec::new());
    } else {
        files.add(
            None,
            "csf",
            "national-csf",
            vec![chart::bars(&csf, max, None, style)?],
        );
    }

    let threats = p.threats();
    if threats.is_empty() {
        files.national.insert("threats".into(), Vec::new());
    } else {
        let items: Vec<chart::TargetBar> = threats
            .iter()
            .map(|t| chart::TargetBar {
                label: t.name.clone(),
                value: t.mean,
                target: t.target,
                at_target: t.mean_at_target,
                change: t.change,
            })
            .collect();
        let heading = p
            .common
            .previous_cycle
            .as_ref()
            .map(|c| format!("{} {c}", p.threat_words.change_since));
        files.add(
            None,
            "threats",
            "national-threats",
            vec![chart::threat_bars(&items, max, heading.as_deref(), style)?],
        );
    }

    // Spot checks (SPEC section 10): the mean claimed and verified level of each domain's
    // pairs, side by side; no chart without pairs.
    match p.verification_view() {
        Some(v) if v.agreement.pairs > 0 => {
            let names: Vec<String> = v.domains.iter().map(|d| d.name.clone()).collect();
            let series = vec![
                Series {
                    name: w.self_assessed.clone(),
                    values: v.domains.iter().map(|d| d.claimed).collect(),
                    role: SeriesRole::Primary,
                },
                Series {
                    name: w.verified.clone(),
                    values: v.domains.iter().map(|d| d.verified).collect(),
                    role: SeriesRole::Primary,
                },
            ];
            files.add(
                None,
                "verification",
                "national-verification",
                vec![chart::grouped_bars(&names, &series, max, style)?],
            );
        }
        _ => {
            files.national.insert("verification".into(), Vec::new());
        }
    }

    let medians: Vec<Option<f64>> = domains.iter().map(|d| d.median).collect();
    for s in &p.scores {
        let Some(stem) = stems.get(&s.agency_id) else {
            continue;
        };
        let series = vec![
            Series {
                name: p.agency_name(&s.agency_id, &s.agency_name),
                values: fw
                    .domains
                    .iter()
                    .map(|d| s.domains.get(&d.id).copied().flatten())
                    .collect(),
                role: SeriesRole::Primary,
            },
            Series {
                name: w.target.clone(),
                values: vec![Some(f64::from(s.target)); fw.domains.len()],
                role: SeriesRole::Target,
            },
            Series {
                name: w.national_median.clone(),
                values: medians.clone(),
                role: SeriesRole::Reference,
            },
        ];
        files.add(
            Some(&s.agency_id),
            "radar",
            &format!("agency-{stem}-radar"),
            vec![chart::radar(&domain_names, &series, max, style)?],
        );
    }
    files.svgs.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// Agencies when few enough to read, else the sectors' means and the nation's.
fn trend_items(
    p: &Prepared,
    trend: &super::context::TrendView,
    national: &str,
) -> Vec<chart::SlopeItem> {
    if trend.agencies.len() <= SLOPE_AGENCIES {
        return trend
            .agencies
            .iter()
            .filter_map(|r| Some(slope_item(r.name.clone(), r.from?, r.to?)))
            .collect();
    }
    let mut sums: BTreeMap<&str, (f64, f64, usize)> = BTreeMap::new();
    for s in &p.scores {
        let Some(prev) = p.previous.get(&s.agency_id) else {
            continue;
        };
        if let (Some(from), Some(to)) = (prev.overall, s.overall) {
            for key in [s.sector.as_str(), ""] {
                let e = sums.entry(key).or_insert((0.0, 0.0, 0));
                e.0 += from;
                e.1 += to;
                e.2 += 1;
            }
        }
    }
    sums.into_iter()
        .map(|(sector, (from, to, n))| {
            let name = if sector.is_empty() {
                national.to_string()
            } else {
                p.sector_names
                    .get(sector)
                    .cloned()
                    .unwrap_or_else(|| sector.to_string())
            };
            slope_item(name, from / n as f64, to / n as f64)
        })
        .collect()
}

fn slope_item(label: String, from: f64, to: f64) -> chart::SlopeItem {
    chart::SlopeItem {
        label,
        from,
        to,
        change: crate::score::Change::of(to - from),
    }
}
