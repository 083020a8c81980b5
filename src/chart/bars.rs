//! Bar charts: the ranking of agencies, plain horizontal bars (crosswalk views) and grouped
//! vertical bars (sector comparisons).

use super::canvas::{self, Align, Canvas, Dash};
use super::font::Font;
use super::{
    check_max, check_series, draw_legend, finite, fmt_change, fmt_tick, fmt_value, hatch,
    legend_height, looks, no_data, text, ChartError, Columns, Key, Series, SeriesRole, Style, AXIS,
    BLUE, GRID, INK, LABEL, MUTED, ORANGE, PRIMARY, TARGET, TARGET_DASH, TICK, VALUE, WIDTH,
};

/// Height of one row of [`ranking`] and [`bars`], in points.
pub const RANKING_ROW: f64 = 13.0;
const BAR: f64 = 8.5;
const AXIS_ROW: f64 = 14.0;

/// Horizontal layout shared by the horizontal bar charts.
struct HLayout {
    label_w: f64,
    x0: f64,
    x1: f64,
    max: f64,
}

impl HLayout {
    fn new(font: &Font, labels: &[String], max: f64) -> Self {
        // The label column takes what the longest label needs, between a fifth and 40 %
        // of the width; longer labels are shortened.
        let longest = labels
            .iter()
            .map(|l| font.width(&text::clean(l), LABEL))
            .fold(0.0, f64::max);
        let label_w = longest.clamp(WIDTH * 0.2, WIDTH * 0.4);
        let x0 = label_w + 10.0;
        HLayout {
            label_w,
            x0,
            x1: WIDTH - 26.0,
            max,
        }
    }

    fn x(&self, v: f64) -> f64 {
        self.x0 + (v / self.max).clamp(0.0, 1.0) * (self.x1 - self.x0)
    }

    /// Grid lines over `y0..y1` and tick numbers above and below.
    fn axis(&self, c: &mut Canvas, y0: f64, y1: f64) -> Result<(), ChartError> {
        for t in super::ticks(self.max) {
            let x = self.x(t);
            let color = if t == 0.0 { AXIS } else { GRID };
            c.line(&[(x, y0), (x, y1)], color, 0.75, Dash::Solid)?;
            c.text(
                x,
                y0 - AXIS_ROW / 2.0,
                &fmt_tick(t),
                TICK,
                Align::Middle,
                MUTED,
            )?;
            c.text(
                x,
                y1 + AXIS_ROW / 2.0,
                &fmt_tick(t),
                TICK,
                Align::Middle,
                MUTED,
            )?;
        }
        Ok(())
    }

    fn label(&self, c: &mut Canvas, y: f64, label: &str) -> Result<(), ChartError> {
        let shown = text::fit(c.font(), label, self.label_w, LABEL);
        c.text(self.label_w + 2.0, y, &shown, LABEL, Align::End, INK)
    }

    /// One row of [`ranking`] or [`threat_bars`]: the label, the bar (blue at or above
    /// target, orange below) and a vermillion target tick reaching `tick_reach` points past
    /// the bar on either side.
    fn target_row(
        &self,
        c: &mut Canvas,
        y: f64,
        item: &TargetBar,
        tick_reach: f64,
        style: &Style,
    ) -> Result<(), ChartError> {
        self.label(c, y, &item.label)?;
        let mark = finite(item.target).map(|t| self.x(t));
        let color = if item.at_target { BLUE } else { ORANGE };
        self.bar(c, y, finite(item.value), color, mark, style)?;
        match mark {
            Some(x) => c.line(
                &[
                    (x, y - BAR / 2.0 - tick_reach),
                    (x, y + BAR / 2.0 + tick_reach),
                ],
                TARGET,
                2.0,
                Dash::Solid,
            ),
            None => Ok(()),
        }
    }

    /// A bar from 0 to `v` with its value printed after it, or a hatched stub and the
    /// "N/A" word for a missing value; `mark` is the x of a tick across the row that the
    /// value must not cover.
    fn bar(
        &self,
        c: &mut Canvas,
        y: f64,
        v: Option<f64>,
        color: super::Rgb,
        mark: Option<f64>,
        style: &Style,
    ) -> Result<(), ChartError> {
        let (font, words) = (style.font, &style.words);
        match v {
            Some(v) => {
                c.rect(self.x0, y - BAR / 2.0, self.x(v), y + BAR / 2.0, color)?;
                let label = fmt_value(v);
                let mut x = self.x(v) + 3.0;
                let w = font.width(&label, VALUE);
                // Step over a target tick rather than print across it.
                if let Some(m) = mark {
                    if m > x - 2.5 && m < x + w + 2.5 {
                        x = m + 3.5;
                    }
                }
                c.text(x, y, &label, VALUE, Align::Start, INK)
            }
            None => {
                hatch(c, self.x0, y - BAR / 2.0, self.x0 + 10.0, y + BAR / 2.0)?;
                c.text(
                    self.x0 + 13.0,
                    y,
                    &words.not_applicable,
                    VALUE,
                    Align::Start,
                    MUTED,
                )
            }
        }
    }
}

/// Overall scores as horizontal bars, one row per `(label, score, target)`, in the given
/// order (the caller sorts). A bar is blue when the score reaches its target and orange
/// below it, and each row has a vermillion tick at its own target (targets differ by sector).
/// The height grows with the rows, [`RANKING_ROW`] points each; see [`ranking_pages`].
pub fn ranking(items: &[TargetBar], max: f64, style: &Style) -> Result<String, ChartError> {
    let (font, words) = (style.font, &style.words);
    check_max(max)?;
    if items.is_empty() {
        return no_data(style);
    }
    let labels: Vec<String> = items.iter().map(|i| i.label.clone()).collect();
    let layout = HLayout::new(font, &labels, max);
    let legend = vec![
        (Key::Box(BLUE), words.at_or_above_target.clone()),
        (Key::Box(ORANGE), words.below_target.clone()),
        (Key::Tick(TARGET), words.target.clone()),
    ];
    let legend_h = legend_height(font, &legend, WIDTH - 20.0);
    let top = 4.0 + legend_h + 4.0 + AXIS_ROW;
    let bottom = top + items.len() as f64 * RANKING_ROW;
    let height = bottom + AXIS_ROW + 4.0;
    canvas::render(WIDTH, height, font, |c| {
        draw_legend(c, &legend, 10.0, 4.0, WIDTH - 20.0)?;
        layout.axis(c, top, bottom)?;
        for (i, item) in items.iter().enumerate() {
            let y = top + (i as f64 + 0.5) * RANKING_ROW;
            layout.target_row(c, y, item, 2.0, style)?;
        }
        Ok(())
    })
}

/// [`ranking`] split into parts of at most `rows_per_page` rows (at least 1), each a full
/// chart with its own legend and axes, for lists longer than a page (about 50 rows fit
/// an A4 page).
pub fn ranking_pages(
    items: &[TargetBar],
    max: f64,
    rows_per_page: usize,
    style: &Style,
) -> Result<Vec<String>, ChartError> {
    if items.is_empty() {
        return Ok(vec![ranking(items, max, style)?]);
    }
    items
        .chunks(rows_per_page.max(1))
        .map(|part| ranking(part, max, style))
        .collect()
}

/// Horizontal bars, one row per `(label, value)`, e.g. the CSF functions through the
/// crosswalk, with an optional dashed target line at `reference`.
pub fn bars(
    items: &[(String, f64)],
    max: f64,
    reference: Option<f64>,
    style: &Style,
) -> Result<String, ChartError> {
    let (font, words) = (style.font, &style.words);
    check_max(max)?;
    if items.is_empty() {
        return no_data(style);
    }
    let labels: Vec<String> = items.iter().map(|i| i.0.clone()).collect();
    let layout = HLayout::new(font, &labels, max);
    let reference = finite(reference);
    let legend = match reference {
        Some(_) => vec![(Key::Line(TARGET, TARGET_DASH, None), words.target.clone())],
        None => Vec::new(),
    };
    let legend_h = legend_height(font, &legend, WIDTH - 20.0);
    let row = RANKING_ROW + 5.0;
    let top = 4.0 + legend_h + 4.0 + AXIS_ROW;
    let bottom = top + items.len() as f64 * row;
    let height = bottom + AXIS_ROW + 4.0;
    canvas::render(WIDTH, height, font, |c| {
        draw_legend(c, &legend, 10.0, 4.0, WIDTH - 20.0)?;
        layout.axis(c, top, bottom)?;
        for (i, (label, value)) in items.iter().enumerate() {
            let y = top + (i as f64 + 0.5) * row;
            layout.label(c, y, label)?;
            layout.bar(
                c,
                y,
                finite(Some(*value)),
                PRIMARY,
                reference.map(|r| layout.x(r)),
                style,
            )?;
        }
        if let Some(r) = reference {
            let x = layout.x(r);
            c.line(
                &[(x, top - 2.0), (x, bottom + 2.0)],
                TARGET,
                1.5,
                TARGET_DASH,
            )?;
        }
        Ok(())
    })
}

/// One row of [`ranking`] or [`threat_bars`]: a score, the target it is read against,
/// whether it reaches it (decided by the caller, with the scoring's tolerance) and, for
/// [`threat_bars`], its change since the previous cycle.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetBar {
    pub label: String,
    /// `None` when there is no score (for a threat: no applicable question).
    pub value: Option<f64>,
    pub target: Option<f64>,
    /// Coloured as at or above target; `false` is drawn as below.
    pub at_target: bool,
    /// `None` without a previous cycle (or no value in it).
    pub change: Option<f64>,
}

/// Width of the change column of [`threat_bars`], in points.
const CHANGE_COL: f64 = 96.0;

/// Readiness per threat: one horizontal bar per row, blue when it reaches its target and
/// orange below it (as in [`ranking`]), a vermillion tick at the target, and the change
/// since the previous cycle in a column on the right headed `change_heading` (no column
/// when `None`).
pub fn threat_bars(
    items: &[TargetBar],
    max: f64,
    change_heading: Option<&str>,
    style: &Style,
) -> Result<String, ChartError> {
    let (font, words) = (style.font, &style.words);
    check_max(max)?;
    if items.iter().all(|i| finite(i.value).is_none()) {
        return no_data(style);
    }
    let labels: Vec<String> = items.iter().map(|i| i.label.clone()).collect();
    let mut layout = HLayout::new(font, &labels, max);
    if change_heading.is_some() {
        layout.x1 -= CHANGE_COL;
    }
    let legend = vec![
        (Key::Box(BLUE), words.at_or_above_target.clone()),
        (Key::Box(ORANGE), words.below_target.clone()),
        (Key::Tick(TARGET), words.target.clone()),
    ];
    let legend_h = legend_height(font, &legend, WIDTH - 20.0);
    let row = RANKING_ROW + 3.0;
    let top = 4.0 + legend_h + 4.0 + AXIS_ROW;
    let bottom = top + items.len() as f64 * row;
    let height = bottom + AXIS_ROW + 4.0;
    let change_x = WIDTH - 6.0;
    canvas::render(WIDTH, height, font, |c| {
        draw_legend(c, &legend, 10.0, 4.0, WIDTH - 20.0)?;
        layout.axis(c, top, bottom)?;
        if let Some(h) = change_heading {
            let shown = text::fit(font, h, CHANGE_COL - 8.0, TICK);
            c.text(
                change_x,
                top - AXIS_ROW / 2.0,
                &shown,
                TICK,
                Align::End,
                MUTED,
            )?;
        }
        for (i, item) in items.iter().enumerate() {
            let y = top + (i as f64 + 0.5) * row;
            layout.target_row(c, y, item, 2.5, style)?;
            if change_heading.is_some() {
                let shown = finite(item.change).map_or_else(|| "–".to_string(), fmt_change);
                c.text(change_x, y, &shown, VALUE, Align::End, INK)?;
            }
        }
        Ok(())
    })
}

const PLOT_H: f64 = 190.0;

/// Vertical bars: one cluster per group, one bar per primary series. A target series is
/// drawn as a dashed vermillion mark across its group, a reference series as a dotted
/// bluish-green one, so that "sector mean against target" reads at a glance. Group labels
/// are wrapped under their cluster (up to three lines).
pub fn grouped_bars(
    groups: &[String],
    series: &[Series],
    max: f64,
    style: &Style,
) -> Result<String, ChartError> {
    let (font, words) = (style.font, &style.words);
    check_max(max)?;
    if !check_series(series, groups.len(), "groups")? {
        return no_data(style);
    }
    let looks = looks(series);
    let primary: Vec<usize> = (0..series.len())
        .filter(|&i| series[i].role == SeriesRole::Primary)
        .collect();
    let legend: Vec<(Key, String)> = series
        .iter()
        .zip(&looks)
        .map(|(s, l)| {
            let key = match s.role {
                SeriesRole::Primary => Key::Box(l.color),
                _ => Key::Line(l.color, l.dash, None),
            };
            (key, s.name.clone())
        })
        .collect();

    let cols = Columns::new(
        font,
        groups.iter().map(String::as_str),
        3,
        &legend,
        PLOT_H,
        max,
    );
    let (left, group_w, base) = (cols.left, cols.group_w, cols.base);
    let n_bars = primary.len().max(1) as f64;
    let bar_w = ((group_w * 0.78) / n_bars).min(26.0);
    let y = |v: f64| cols.y(v);

    canvas::render(WIDTH, cols.height, font, |c| {
        cols.frame(c, &legend)?;
        let mut values: Vec<(f64, f64, String)> = Vec::new();
        for g in 0..groups.len() {
            let gx = left + g as f64 * group_w;
            let mid = gx + group_w / 2.0;
            let cluster = bar_w * n_bars;
            let start = mid - cluster / 2.0;
            for (k, &si) in primary.iter().enumerate() {
                let x0 = start + k as f64 * bar_w + 0.75;
                let x1 = start + (k + 1) as f64 * bar_w - 0.75;
                match finite(series[si].values[g]) {
                    Some(v) => {
                        c.rect(x0, y(v), x1, base, looks[si].color)?;
                        if bar_w >= 14.0 {
                            values.push(((x0 + x1) / 2.0, y(v) - 5.0, fmt_value(v)));
                        }
                    }
                    None => {
                        hatch(c, x0, base - 10.0, x1, base)?;
                        if bar_w >= 14.0 {
                            c.text(
                                (x0 + x1) / 2.0,
                                base - 15.0,
                                &words.not_applicable,
                                VALUE,
                                Align::Middle,
                                MUTED,
                            )?;
                        }
                    }
                }
            }
            for (si, s) in series.iter().enumerate() {
                if s.role == SeriesRole::Primary {
                    continue;
                }
                if let Some(v) = finite(s.values[g]) {
                    let half = (cluster / 2.0 + 4.0).min(group_w / 2.0 - 1.0);
                    c.line(
                        &[(mid - half, y(v)), (mid + half, y(v))],
                        looks[si].color,
                        2.0,
                        looks[si].dash,
                    )?;
                }
            }
            // Values last, on white, so target marks never run through them.
            for (x, vy, label) in values.drain(..) {
                c.text_on_white(x, vy, &label, VALUE, Align::Middle, INK)?;
            }
            cols.label(c, g, mid)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    fn bar(label: &str, value: f64, target: f64) -> TargetBar {
        TargetBar {
            label: label.to_string(),
            value: Some(value),
            target: Some(target),
            at_target: value >= target,
            change: None,
        }
    }

    fn agencies(n: usize) -> Vec<TargetBar> {
        (0..n)
            .map(|i| {
                bar(
                    &format!("Agency {i:03}"),
                    (i % 11) as f64 * 0.5,
                    if i % 3 == 0 { 4.0 } else { 3.0 },
                )
            })
            .collect()
    }

    #[test]
    fn ranking_draws_one_bar_and_one_target_tick_per_agency() {
        let items = agencies(40);
        let svg = ranking(&items, 5.0, &en()).unwrap();
        assert_svg(&svg);
        let t = texts(&svg);
        for item in &items {
            assert!(t.contains(&item.label), "missing {}", item.label);
        }
        // Bars: one <rect> per agency with a non-zero score, plus two legend boxes and the
        // background.
        let nonzero = items.iter().filter(|i| i.value > Some(0.0)).count();
        assert_eq!(
            count(&svg, "<rect"),
            nonzero + items.iter().filter(|i| i.value == Some(0.0)).count() + 3
        );
        // Target ticks are vermillion polylines: one per agency, one in the legend.
        assert_eq!(count(&svg, "stroke=\"#D55E00\""), items.len() + 1);
    }

    #[test]
    fn ranking_colours_bars_by_target() {
        let items = vec![bar("Above", 4.0, 3.0), bar("Below", 2.0, 3.0)];
        let svg = ranking(&items, 5.0, &en()).unwrap();
        // One blue and one orange bar, plus one legend box each.
        assert_eq!(count(&svg, "fill=\"#0072B2\""), 2);
        assert_eq!(count(&svg, "fill=\"#E69F00\""), 2);
    }

    #[test]
    fn ranking_pages_split_long_lists() {
        let pages = ranking_pages(&agencies(200), 5.0, 50, &en()).unwrap();
        assert_eq!(pages.len(), 4);
        assert!(texts(&pages[3]).contains(&"Agency 199".to_string()));
    }

    #[test]
    fn long_names_are_shortened() {
        let long = "Ministry of Posts and Telecommunications, General Department of ICT, National Cybersecurity Operations Centre".to_string();
        let svg = ranking(&[bar(&long, 2.0, 3.0)], 5.0, &en()).unwrap();
        let t = texts(&svg);
        assert!(!t.contains(&long));
        assert!(
            t.iter()
                .any(|x| x.starts_with("Ministry of") && x.ends_with('…')),
            "{t:?}"
        );
    }

    #[test]
    fn bars_draw_values_and_reference() {
        let items: Vec<(String, f64)> = [
            "Govern", "Identify", "Protect", "Detect", "Respond", "Recover",
        ]
        .iter()
        .enumerate()
        .map(|(i, n)| (n.to_string(), 1.0 + i as f64 * 0.5))
        .collect();
        let svg = bars(&items, 5.0, Some(3.0), &en()).unwrap();
        assert_svg(&svg);
        let t = texts(&svg);
        assert!(
            t.contains(&"Protect".to_string())
                && t.contains(&"2.0".to_string())
                && t.contains(&"Target".to_string())
        );
        assert_eq!(count(&svg, "fill=\"#0072B2\""), items.len());
    }

    #[test]
    fn grouped_bars_count_and_missing() {
        let groups = vec![
            "Government".to_string(),
            "Critical infrastructure operators".to_string(),
            "Provinces".to_string(),
        ];
        let series = vec![
            Series {
                name: "People".into(),
                values: vec![Some(2.0), Some(3.0), None],
                role: SeriesRole::Primary,
            },
            Series {
                name: "Technology".into(),
                values: vec![Some(1.5), Some(2.5), Some(1.0)],
                role: SeriesRole::Primary,
            },
            Series {
                name: "Target".into(),
                values: vec![Some(3.0), Some(4.0), Some(3.0)],
                role: SeriesRole::Target,
            },
        ];
        let svg = grouped_bars(&groups, &series, 5.0, &en()).unwrap();
        assert_svg(&svg);
        // 5 blue/orange bars + legend boxes.
        assert_eq!(count(&svg, "fill=\"#0072B2\""), 2 + 1);
        assert_eq!(count(&svg, "fill=\"#E69F00\""), 3 + 1);
        assert!(texts(&svg).contains(&"N/A".to_string()));
    }

    #[test]
    fn threat_bars_mark_target_and_change() {
        let items = vec![
            TargetBar {
                change: Some(0.26),
                ..bar("DDoS", 1.8, 3.0)
            },
            TargetBar {
                change: Some(-0.04),
                ..bar("Ransomware and recovery", 3.2, 3.0)
            },
            TargetBar {
                value: None,
                at_target: false,
                ..bar("Insider", 0.0, 3.0)
            },
        ];
        let svg = threat_bars(&items, 5.0, Some("Change since 2025"), &en()).unwrap();
        assert_svg(&svg);
        let t = texts(&svg);
        for want in [
            "DDoS",
            "1.8",
            "+0.26",
            "3.2",
            "-0.04",
            "N/A",
            "–",
            "Change since 2025",
        ] {
            assert!(t.contains(&want.to_string()), "{want} missing: {t:?}");
        }
        // One orange bar below target, one blue at it, plus a legend box each.
        assert_eq!(count(&svg, "fill=\"#E69F00\""), 2);
        assert_eq!(count(&svg, "fill=\"#0072B2\""), 2);
        // A target tick per row, and one in the legend.
        assert_eq!(count(&svg, "stroke=\"#D55E00\""), items.len() + 1);
        // Without a previous cycle: no change column.
        let svg = threat_bars(&items, 5.0, None, &en()).unwrap();
        assert!(!texts(&svg).contains(&"+0.26".to_string()));
    }

    #[test]
    fn empty_inputs_say_no_data() {
        for svg in [
            ranking(&[], 5.0, &en()).unwrap(),
            bars(&[], 5.0, None, &en()).unwrap(),
            grouped_bars(&[], &[], 5.0, &en()).unwrap(),
            threat_bars(&[], 5.0, None, &en()).unwrap(),
        ] {
            assert_svg(&svg);
            assert!(texts(&svg).contains(&"No data".to_string()));
        }
    }
}
