//! Charts for the reports, written as standalone SVG documents by the `canvas` module.
//!
//! This module owns how every chart looks; the report module decides which charts to draw
//! and feeds them plain data: labels already translated into the report language, values as
//! `f64` (or `Option<f64>` where a value may be missing), and the scale maximum. Every
//! function returns the SVG text or a [`ChartError`]; the same input gives byte-identical
//! SVG. Sizes are in points, [`WIDTH`] wide, to be placed on an A4 page at `width: 100%`.
//!
//! | function | draws |
//! |---|---|
//! | [`radar`]`(axes, series, max, style)` | one polygon per series over the domains (agency, target, national median); fewer than 3 axes fall back to [`grouped_bars`] |
//! | [`distribution`]`(groups, max, target, style)` | a box plot per group (p25–p75 box, median, min–max whiskers) with each agency as a deterministically jittered dot |
//! | [`heatmap`]`(rows, cols, values, max, style)` | rows × columns of coloured cells with the value printed; missing cells grey and hatched; a colour legend. Height grows with the rows ([`HEATMAP_ROW`] pt each); [`heatmap_pages`] splits it into page-sized parts |
//! | [`ranking`]`(items, max, style)` | horizontal bars `(label, score, target)` in the caller's order, coloured by at/below target, with a target tick per bar; [`ranking_pages`] splits long lists |
//! | [`grouped_bars`]`(groups, series, max, style)` | vertical bars, one cluster per group, one bar per series |
//! | [`slope`]`(items, from_label, to_label, max, style)` | a line per item from the previous to the current cycle; improved / declined / unchanged differ by colour, line style and marker; labels on both sides are nudged apart |
//! | [`bars`]`(items, max, reference, style)` | horizontal bars `(label, value)`, e.g. CSF functions through the crosswalk, with an optional target line |
//! | [`threat_bars`]`(items, max, change_heading, style)` | readiness per threat: horizontal bars coloured by at/below target, a target tick per row, and the change since the previous cycle in a right-hand column |
//!
//! Looks shared by all charts: the Okabe–Ito colour-blind-safe palette with one colour per
//! role ([`SeriesRole::Primary`] blue, [`SeriesRole::Target`] vermillion and dashed,
//! [`SeriesRole::Reference`] bluish green and dotted), roles told apart by line style and
//! marker too; value axes with a tick at every scale level from 0 to `max` (a rounder step
//! above 10 levels); labels too long for their room shortened with an ellipsis at a
//! cluster boundary (never inside a Khmer cluster) or wrapped.
//!
//! All text is shaped in the one chart [`Font`] of a [`Style`] (Khmer OS System, which covers
//! Latin and Khmer; the CLI loads it by the report font rule) and written as glyph outlines,
//! with the text in an XML-escaped `<title>` and stripped of control characters, so agency
//! names cannot alter the document (tested here).
//!
//! The few fixed words a chart needs itself (legend entries, "no data") come from
//! [`Words`]; [`Words::en`] and [`Words::km`] are provided and the report may override any
//! field. With nothing to draw, a chart says so in a small "no data" image instead of
//! returning an empty one.

mod bars;
mod canvas;
mod distribution;
mod font;
mod heatmap;
mod radar;
mod slope;
mod text;

pub use font::Font;

pub use bars::{bars, grouped_bars, ranking, ranking_pages, threat_bars, TargetBar, RANKING_ROW};
pub use distribution::distribution;
pub use heatmap::{heatmap, heatmap_pages, HEATMAP_ROW};
pub use radar::radar;
pub use slope::{slope, SlopeItem};

use canvas::{Align, Canvas, Dash, Marker, Rgb};

/// Width of every chart, in points (A4 text width with 2 cm margins is about 482 pt).
pub const WIDTH: f64 = 480.0;

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The scale maximum must be finite and above zero.
    #[error("failed to draw chart (scale maximum {0} is not a finite number above 0)")]
    BadScale(f64),
    /// The values do not match the labels (e.g. a heat-map row of the wrong length).
    #[error("failed to draw chart ({0})")]
    Shape(String),
    /// The chart font could not be read.
    #[error("failed to read the chart font ({0})")]
    Font(String),
}

/// What a series stands for; it sets the colour, line style and marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesRole {
    /// The thing being assessed (an agency, the nation, a sector).
    Primary,
    /// The target level.
    Target,
    /// A point of comparison, such as the national median.
    Reference,
}

/// A named row of values, one per axis or group; `None` where the value is missing.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
    pub role: SeriesRole,
}

/// What every chart is drawn with: the font its text is shaped in and the fixed words it
/// prints, in the report's language.
pub struct Style<'a> {
    pub font: &'a Font<'a>,
    pub words: Words,
}

/// The fixed words charts print, in the report's language.
#[derive(Clone, Debug, PartialEq)]
pub struct Words {
    pub no_data: String,
    pub not_applicable: String,
    pub target: String,
    pub at_or_above_target: String,
    pub below_target: String,
    pub improved: String,
    pub declined: String,
    pub unchanged: String,
    pub median: String,
    pub middle_half: String,
    pub agency: String,
    /// The reference series of an agency's radar.
    pub national_median: String,
    /// The whole nation, as a line of the trend chart.
    pub national: String,
    /// The two sides of a spot check (SPEC section 10): the agency's own level and the
    /// national CERT's.
    pub self_assessed: String,
    pub verified: String,
}

impl Words {
    pub fn for_lang(lang: crate::lang::Lang) -> Self {
        match lang {
            crate::lang::Lang::En => Words::en(),
            crate::lang::Lang::Km => Words::km(),
        }
    }

    pub fn en() -> Self {
        Words {
            no_data: "No data".into(),
            not_applicable: "N/A".into(),
            target: "Target".into(),
            at_or_above_target: "At or above target".into(),
            below_target: "Below target".into(),
            improved: "Improved".into(),
            declined: "Declined".into(),
            unchanged: "Unchanged".into(),
            median: "Median".into(),
            middle_half: "Middle half (25th–75th percentile)".into(),
            agency: "One agency".into(),
            national_median: "National median".into(),
            national: "National".into(),
            self_assessed: "Self-assessed".into(),
            verified: "Verified".into(),
        }
    }

    pub fn km() -> Self {
        Words {
            no_data: "គ្មានទិន្នន័យ".into(),
            not_applicable: "N/A".into(),
            target: "គោលដៅ".into(),
            at_or_above_target: "ស្មើ ឬលើសគោលដៅ".into(),
            below_target: "ក្រោមគោលដៅ".into(),
            improved: "ប្រសើរឡើង".into(),
            declined: "ធ្លាក់ចុះ".into(),
            unchanged: "មិនប្រែប្រួល".into(),
            median: "មេដ្យាន".into(),
            middle_half: "ពាក់កណ្ដាលកណ្ដាល (ភាគរយទី២៥–៧៥)".into(),
            agency: "ស្ថាប័នមួយ".into(),
            national_median: "មេដ្យានជាតិ".into(),
            national: "ជាតិ".into(),
            self_assessed: "វាយតម្លៃដោយខ្លួនឯង".into(),
            verified: "បានផ្ទៀងផ្ទាត់".into(),
        }
    }
}

impl Default for Words {
    fn default() -> Self {
        Words::en()
    }
}

// Okabe–Ito palette (Okabe & Ito 2008), safe for the common colour-vision deficiencies.
const BLUE: Rgb = Rgb(0, 114, 178);
const VERMILLION: Rgb = Rgb(213, 94, 0);
const BLUISH_GREEN: Rgb = Rgb(0, 158, 115);
const ORANGE: Rgb = Rgb(230, 159, 0);
const SKY_BLUE: Rgb = Rgb(86, 180, 233);
const REDDISH_PURPLE: Rgb = Rgb(204, 121, 167);
const YELLOW: Rgb = Rgb(240, 228, 66);
const BLACK: Rgb = Rgb(0, 0, 0);

const INK: Rgb = Rgb(38, 38, 38);
const MUTED: Rgb = Rgb(96, 96, 96);
const GRID: Rgb = Rgb(224, 224, 224);
const AXIS: Rgb = Rgb(140, 140, 140);
const WHITE: Rgb = Rgb(255, 255, 255);
const NA_FILL: Rgb = Rgb(235, 235, 235);
const NA_HATCH: Rgb = Rgb(175, 175, 175);

const PRIMARY: Rgb = BLUE;
const TARGET: Rgb = VERMILLION;
const REFERENCE: Rgb = BLUISH_GREEN;
/// Colours of successive primary series; the role colours are left out so a role keeps its
/// meaning on every chart.
const CATEGORICAL: [Rgb; 6] = [BLUE, ORANGE, SKY_BLUE, REDDISH_PURPLE, YELLOW, BLACK];
const MARKERS: [Marker; 4] = [
    Marker::Circle,
    Marker::Square,
    Marker::Diamond,
    Marker::TriangleUp,
];
const TARGET_DASH: Dash = Dash::Dashed(4.0, 2.5);
const REFERENCE_DASH: Dash = Dash::Dashed(1.2, 1.8);

// Text sizes, in points.
const LABEL: f64 = 8.5;
const TICK: f64 = 7.25;
const VALUE: f64 = 7.75;
const LEGEND: f64 = 8.0;

/// How a series is drawn: colour, line style and marker.
#[derive(Clone, Copy, Debug)]
struct Look {
    color: Rgb,
    dash: Dash,
    marker: Marker,
}

fn looks(series: &[Series]) -> Vec<Look> {
    let mut primary = 0;
    series
        .iter()
        .map(|s| match s.role {
            SeriesRole::Primary => {
                let look = Look {
                    color: CATEGORICAL[primary % CATEGORICAL.len()],
                    dash: Dash::Solid,
                    marker: MARKERS[primary % MARKERS.len()],
                };
                primary += 1;
                look
            }
            SeriesRole::Target => Look {
                color: TARGET,
                dash: TARGET_DASH,
                marker: Marker::TriangleUp,
            },
            SeriesRole::Reference => Look {
                color: REFERENCE,
                dash: REFERENCE_DASH,
                marker: Marker::Diamond,
            },
        })
        .collect()
}

fn check_max(max: f64) -> Result<(), ChartError> {
    if max.is_finite() && max > 0.0 {
        Ok(())
    } else {
        Err(ChartError::BadScale(max))
    }
}

/// Checks that every series has one value per `slot` (`slot_word` names them in the error:
/// "groups", "axes") and says whether there is anything to draw at all: at least one slot
/// and one finite value.
fn check_series(series: &[Series], slots: usize, slot_word: &str) -> Result<bool, ChartError> {
    for s in series {
        if s.values.len() != slots {
            return Err(ChartError::Shape(format!(
                "series {:?} has {} values for {} {slot_word}",
                s.name,
                s.values.len(),
                slots
            )));
        }
    }
    let drawable = series
        .iter()
        .any(|s| s.values.iter().any(|v| finite(*v).is_some()));
    Ok(slots > 0 && drawable)
}

/// A value that can be drawn: finite, else treated as missing.
fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// Tick values from 0 to `max`: every level up to 10 levels, else a round step.
fn ticks(max: f64) -> Vec<f64> {
    let step = if max <= 10.0 {
        1.0
    } else {
        let raw = max / 5.0;
        let mag = 10f64.powf(raw.log10().floor());
        let norm = raw / mag;
        let nice = if norm <= 1.0 {
            1.0
        } else if norm <= 2.0 {
            2.0
        } else if norm <= 5.0 {
            5.0
        } else {
            10.0
        };
        nice * mag
    };
    let mut out = Vec::new();
    let mut i = 0.0;
    while i * step <= max + 1e-9 {
        out.push(i * step);
        i += 1.0;
    }
    // A fractional maximum (e.g. 4.5) still gets its end marked.
    if out.last().is_some_and(|&t| (max - t).abs() > 1e-9) {
        out.push(max);
    }
    out
}

fn fmt_tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// `v` with `digits` decimals and a hyphen-minus (the chart font has no U+2212 minus
/// sign); a value that rounds to zero prints without a sign.
fn fmt_fixed(v: f64, digits: usize) -> String {
    let s = format!("{v:.digits$}");
    match s.strip_prefix('-') {
        Some(abs) if abs.chars().all(|c| c == '0' || c == '.') => abs.to_string(),
        _ => s,
    }
}

/// A value as printed on a chart: one decimal.
fn fmt_value(v: f64) -> String {
    fmt_fixed(v, 1)
}

/// A signed change, e.g. "+0.04": two decimals, as the report tables print changes, so
/// that a change small enough to print as 0.0 still shows the rise or fall its colour marks.
fn fmt_change(v: f64) -> String {
    let s = fmt_fixed(v, 2);
    if s.starts_with('-') || s.chars().all(|c| c == '0' || c == '.') {
        s
    } else {
        format!("+{s}")
    }
}

/// The key of one legend entry.
#[derive(Clone, Copy, Debug)]
enum Key {
    Box(Rgb),
    Line(Rgb, Dash, Option<Marker>),
    Point(Marker, Rgb),
    Tick(Rgb),
}

const KEY_W: f64 = 18.0;
const LEGEND_ROW: f64 = 13.0;

/// Places legend entries left to right, wrapping to new rows within `width`; returns each
/// entry's (x, row) and the number of rows.
fn legend_layout(font: &Font, entries: &[(Key, String)], width: f64) -> (Vec<(f64, usize)>, usize) {
    let mut out = Vec::new();
    let (mut x, mut row) = (0.0, 0);
    for (_, label) in entries {
        let w = KEY_W + 4.0 + font.width(label, LEGEND).min(width - KEY_W - 4.0) + 14.0;
        if x > 0.0 && x + w > width {
            x = 0.0;
            row += 1;
        }
        out.push((x, row));
        x += w;
    }
    (out, if entries.is_empty() { 0 } else { row + 1 })
}

fn legend_height(font: &Font, entries: &[(Key, String)], width: f64) -> f64 {
    legend_layout(font, entries, width).1 as f64 * LEGEND_ROW
}

/// Draws the legend with its top-left corner at (`x0`, `y0`), centred rows.
fn draw_legend(
    c: &mut Canvas,
    entries: &[(Key, String)],
    x0: f64,
    y0: f64,
    width: f64,
) -> Result<(), ChartError> {
    let font = c.font();
    let (pos, rows) = legend_layout(font, entries, width);
    for row in 0..rows {
        let in_row: Vec<usize> = (0..entries.len()).filter(|&i| pos[i].1 == row).collect();
        let Some(&last) = in_row.last() else { continue };
        let label_w = font
            .width(&entries[last].1, LEGEND)
            .min(width - KEY_W - 4.0);
        let row_w = pos[last].0 + KEY_W + 4.0 + label_w;
        let shift = x0 + ((width - row_w) / 2.0).max(0.0);
        for &i in &in_row {
            let (key, label) = &entries[i];
            let x = shift + pos[i].0;
            let y = y0 + row as f64 * LEGEND_ROW + LEGEND_ROW / 2.0;
            draw_key(c, *key, x, y)?;
            let label = text::fit(font, label, width - KEY_W - 4.0, LEGEND);
            c.text(x + KEY_W + 4.0, y, &label, LEGEND, Align::Start, INK)?;
        }
    }
    Ok(())
}

fn draw_key(c: &mut Canvas, key: Key, x: f64, y: f64) -> Result<(), ChartError> {
    match key {
        Key::Box(color) => c.rect(x + 3.0, y - 4.5, x + KEY_W - 3.0, y + 4.5, color),
        Key::Line(color, dash, marker) => {
            c.line(&[(x, y), (x + KEY_W, y)], color, 1.5, dash)?;
            match marker {
                Some(m) => c.marker(m, x + KEY_W / 2.0, y, 2.6, color),
                None => Ok(()),
            }
        }
        Key::Point(m, color) => c.marker(m, x + KEY_W / 2.0, y, 2.6, color),
        Key::Tick(color) => c.line(
            &[(x + KEY_W / 2.0, y - 5.5), (x + KEY_W / 2.0, y + 5.5)],
            color,
            2.0,
            Dash::Solid,
        ),
    }
}

/// A grey cell with diagonal hatching: the mark for "no value" on every chart.
fn hatch(c: &mut Canvas, x0: f64, y0: f64, x1: f64, y1: f64) -> Result<(), ChartError> {
    c.rect(x0, y0, x1, y1, NA_FILL)?;
    let (w, h) = (x1 - x0, y1 - y0);
    let step = 3.5;
    // Lines of slope +1 (in screen space, going up to the right), clipped to the cell.
    let mut k = step;
    while k < w + h {
        let (mut ax, mut ay) = (x0 + k, y1);
        if k > w {
            ax = x1;
            ay = y1 - (k - w);
        }
        let (mut bx, mut by) = (x0, y1 - k);
        if k > h {
            bx = x0 + (k - h);
            by = y0;
        }
        c.line(&[(ax, ay), (bx, by)], NA_HATCH, 0.5, Dash::Solid)?;
        k += step;
    }
    Ok(())
}

/// Layout of the charts with one column of marks per group over a vertical 0..`max` scale
/// ([`grouped_bars`], [`distribution`]): legend on top, value grid with ticks on the left,
/// group labels wrapped under their column.
struct Columns {
    left: f64,
    right: f64,
    group_w: f64,
    /// Each group's label, wrapped to at most the `label_lines` given to [`Columns::new`].
    labels: Vec<Vec<String>>,
    base: f64,
    height: f64,
    plot_h: f64,
    max: f64,
}

impl Columns {
    fn new<'a>(
        font: &Font,
        groups: impl ExactSizeIterator<Item = &'a str>,
        label_lines: usize,
        legend: &[(Key, String)],
        plot_h: f64,
        max: f64,
    ) -> Columns {
        let left = 28.0;
        let right = WIDTH - 8.0;
        let group_w = (right - left) / groups.len() as f64;
        let labels: Vec<Vec<String>> = groups
            .map(|g| text::wrap(font, g, group_w - 6.0, LABEL, label_lines))
            .collect();
        let lines = labels.iter().map(Vec::len).max().unwrap_or(1) as f64;
        let legend_h = legend_height(font, legend, WIDTH - 20.0);
        let top = 4.0 + legend_h + 10.0;
        let base = top + plot_h;
        let height = base + 6.0 + lines * 11.0 + 6.0;
        Columns {
            left,
            right,
            group_w,
            labels,
            base,
            height,
            plot_h,
            max,
        }
    }

    /// Vertical position of value `v`, clamped to the plot.
    fn y(&self, v: f64) -> f64 {
        self.base - (v / self.max).clamp(0.0, 1.0) * self.plot_h
    }

    /// Draws the legend and the value grid with its tick labels.
    fn frame(&self, c: &mut Canvas, legend: &[(Key, String)]) -> Result<(), ChartError> {
        draw_legend(c, legend, 10.0, 4.0, WIDTH - 20.0)?;
        for t in ticks(self.max) {
            let y = self.y(t);
            let color = if t == 0.0 { AXIS } else { GRID };
            c.line(&[(self.left, y), (self.right, y)], color, 0.75, Dash::Solid)?;
            c.text(self.left - 5.0, y, &fmt_tick(t), TICK, Align::End, MUTED)?;
        }
        Ok(())
    }

    /// Draws the label of group `g` centred on `mid`.
    fn label(&self, c: &mut Canvas, g: usize, mid: f64) -> Result<(), ChartError> {
        for (k, line) in self.labels[g].iter().enumerate() {
            c.text(
                mid,
                self.base + 11.0 + k as f64 * 11.0,
                line,
                LABEL,
                Align::Middle,
                INK,
            )?;
        }
        Ok(())
    }
}

/// The image for a chart with nothing to show.
fn no_data(style: &Style) -> Result<String, ChartError> {
    let (font, words) = (style.font, &style.words);
    let h = 60.0;
    canvas::render(WIDTH, h, font, |c| {
        c.frame(0.5, 0.5, WIDTH - 0.5, h - 0.5, GRID, 0.75)?;
        let msg = text::fit(font, &words.no_data, WIDTH - 20.0, 10.0);
        c.text(WIDTH / 2.0, h / 2.0, &msg, 10.0, Align::Middle, MUTED)
    })
}

#[cfg(test)]
pub(crate) mod testutil {
    //! The chart font and styles for tests, and minimal checks on generated SVG.

    use super::{Font, Style, Words};

    /// Where `scripts/setup.sh` installs the chart font (Debian fonts-khmeros).
    const CHART_FONT_FILE: &str = "/usr/share/fonts/truetype/khmeros/KhmerOSsys.ttf";

    /// The chart font, read once per test process. The tests need it: without it they
    /// fail here, instead of passing without checking what they check.
    pub fn font() -> Font<'static> {
        static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        let bytes = BYTES.get_or_init(|| {
            std::fs::read(CHART_FONT_FILE).unwrap_or_else(|e| {
                panic!("the chart tests need {CHART_FONT_FILE} ({e}); run scripts/setup.sh")
            })
        });
        Font::parse(bytes).expect("the chart font parses")
    }

    fn style(words: Words) -> Style<'static> {
        Style {
            font: Box::leak(Box::new(font())),
            words,
        }
    }

    /// English chart words with the chart font.
    pub fn en() -> Style<'static> {
        style(Words::en())
    }

    /// Khmer chart words with the chart font.
    pub fn km() -> Style<'static> {
        style(Words::km())
    }

    /// Asserts the document is one `<svg>` element whose tags are balanced.
    pub fn assert_svg(svg: &str) {
        assert!(
            svg.starts_with("<svg "),
            "not an SVG: {}",
            &svg[..svg.len().min(80)]
        );
        assert!(svg.trim_end().ends_with("</svg>"), "unterminated SVG");
        let mut depth: i64 = 0;
        let mut rest = svg;
        while let Some(i) = rest.find('<') {
            let tail = &rest[i..];
            let end = tail.find('>').expect("unclosed tag");
            let tag = &tail[..=end];
            if tag.starts_with("</") {
                depth -= 1;
            } else if !tag.ends_with("/>") {
                depth += 1;
            }
            assert!(depth >= 0, "more closing than opening tags");
            rest = &tail[end + 1..];
        }
        assert_eq!(depth, 0, "unbalanced tags");
    }

    /// Number of occurrences of `needle`.
    pub fn count(svg: &str, needle: &str) -> usize {
        svg.matches(needle).count()
    }

    /// The label texts, whether drawn as `<text>` elements or as outlines with a `<title>`,
    /// in document order per kind, with XML escapes resolved.
    pub fn texts(svg: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (open, close) in [("<text", "</text>"), ("<title", "</title>")] {
            let mut rest = svg;
            while let Some(i) = rest.find(open) {
                let tail = &rest[i..];
                let Some(open_end) = tail.find('>') else {
                    break;
                };
                let Some(end) = tail.find(close) else { break };
                out.push(unescape(tail[open_end + 1..end].trim()));
                rest = &tail[end..];
            }
        }
        out
    }

    fn unescape(s: &str) -> String {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&")
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::*;
    use super::*;

    #[test]
    fn ticks_cover_every_level() {
        assert_eq!(ticks(5.0), vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(ticks(100.0), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(ticks(4.5), vec![0.0, 1.0, 2.0, 3.0, 4.0, 4.5]);
    }

    #[test]
    fn values_print_with_one_decimal_and_ascii_minus() {
        assert_eq!(fmt_value(2.734), "2.7");
        assert_eq!(fmt_value(-0.04), "0.0");
        assert_eq!(fmt_change(0.444), "+0.44");
        assert_eq!(fmt_change(-0.444), "-0.44");
        assert_eq!(fmt_change(0.021), "+0.02");
        assert_eq!(fmt_change(-0.001), "0.00");
    }

    #[test]
    fn no_data_chart_says_so() {
        let svg = no_data(&km()).unwrap();
        assert_svg(&svg);
        assert!(texts(&svg).contains(&"គ្មានទិន្នន័យ".to_string()));
    }

    #[test]
    fn roles_keep_their_colour() {
        let s = |role| Series {
            name: String::new(),
            values: vec![],
            role,
        };
        let l = looks(&[
            s(SeriesRole::Target),
            s(SeriesRole::Primary),
            s(SeriesRole::Reference),
            s(SeriesRole::Primary),
        ]);
        assert_eq!(l[0].color, TARGET);
        assert_eq!(l[1].color, PRIMARY);
        assert_eq!(l[2].color, REFERENCE);
        assert_ne!(l[3].color, TARGET);
        assert_ne!(l[3].color, REFERENCE);
        assert_ne!(l[3].marker, l[1].marker);
    }

    fn every_chart(name: &str, style: &Style) -> Vec<String> {
        let labels = vec![name.to_string(), "Other".to_string(), "Third".to_string()];
        let series = vec![Series {
            name: name.to_string(),
            values: vec![Some(1.0), Some(2.0), Some(3.0)],
            role: SeriesRole::Primary,
        }];
        let values = vec![vec![Some(1.0), None, Some(3.0)]; 3];
        vec![
            radar(&labels, &series, 5.0, style).unwrap(),
            distribution(&[(name.to_string(), vec![1.0, 2.0])], 5.0, Some(3.0), style).unwrap(),
            heatmap(&labels, &labels, &values, 5.0, style).unwrap(),
            ranking(
                &[TargetBar {
                    label: name.to_string(),
                    value: Some(2.0),
                    target: Some(3.0),
                    at_target: false,
                    change: None,
                }],
                5.0,
                style,
            )
            .unwrap(),
            grouped_bars(&labels, &series, 5.0, style).unwrap(),
            slope(
                &[SlopeItem {
                    label: name.to_string(),
                    from: 2.0,
                    to: 3.0,
                    change: crate::score::Change::Improved,
                }],
                name,
                name,
                5.0,
                style,
            )
            .unwrap(),
            bars(&[(name.to_string(), 2.0)], 5.0, Some(3.0), style).unwrap(),
        ]
    }

    #[test]
    fn agency_text_stays_literal() {
        let evil = "<b>&\"x\"</script>";
        for svg in every_chart(evil, &en()) {
            assert_svg(&svg);
            assert!(
                !svg.contains("<b>") && !svg.contains("</script>"),
                "unescaped text in {svg}"
            );
            assert!(
                svg.contains("&lt;b&gt;&amp;&quot;x&quot;"),
                "escaped text missing"
            );
            assert!(
                texts(&svg).iter().any(|t| t.starts_with("<b>&\"x\"")),
                "{:?}",
                texts(&svg)
            );
        }
    }

    #[test]
    fn control_characters_never_reach_the_svg() {
        for svg in every_chart("bad\u{1}\u{8}name\nhere", &en()) {
            assert!(
                !svg.chars().any(|c| c.is_control() && c != '\n'),
                "control character in SVG"
            );
            assert!(
                texts(&svg).iter().any(|t| t == "bad name here"),
                "{:?}",
                texts(&svg)
            );
        }
    }

    #[test]
    fn every_chart_is_deterministic_in_both_languages() {
        for style in [en(), km()] {
            assert_eq!(
                every_chart("ក្រសួងសុខាភិបាល", &style),
                every_chart("ក្រសួងសុខាភិបាល", &style)
            );
        }
    }
}
