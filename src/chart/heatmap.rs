//! The heat map: agencies × domains, one coloured cell per score with the value printed.

use super::canvas::{self, Align, Canvas, Rgb};
use super::{
    check_max, finite, fmt_tick, fmt_value, hatch, no_data, text, ChartError, Style, INK, LABEL,
    LEGEND, MUTED, TICK, WHITE, WIDTH,
};

/// Height of one heat-map row, in points; a chart is about this × rows + 90 points tall.
pub const HEATMAP_ROW: f64 = 12.0;
const CELL_TEXT: f64 = 7.75;
const HEADER_LINE: f64 = 10.5;

/// ColorBrewer YlGnBu (9 classes), a sequential scheme readable with the common
/// colour-vision deficiencies and in grey scale: light is low, dark is high.
const SCALE: [Rgb; 9] = [
    Rgb(255, 255, 217),
    Rgb(237, 248, 177),
    Rgb(199, 233, 180),
    Rgb(127, 205, 187),
    Rgb(65, 182, 196),
    Rgb(29, 145, 192),
    Rgb(34, 94, 168),
    Rgb(37, 52, 148),
    Rgb(8, 29, 88),
];

fn color(v: f64, max: f64) -> Rgb {
    let t = (v / max).clamp(0.0, 1.0) * (SCALE.len() - 1) as f64;
    let i = (t.floor() as usize).min(SCALE.len() - 2);
    SCALE[i].blend(SCALE[i + 1], t - i as f64)
}

/// A grid of `rows` × `cols` cells coloured by `values[row][col]` on 0..`max`, each with its
/// value printed; a missing (or non-finite) value is a grey hatched cell. Row labels are
/// shortened with an ellipsis to fit; column headers wrap onto up to three lines.
///
/// The chart grows with the rows ([`HEATMAP_ROW`] points each, so 50 rows fill about an
/// A4 page); use [`heatmap_pages`] to split 40–200 agencies over several pages.
pub fn heatmap(
    rows: &[String],
    cols: &[String],
    values: &[Vec<Option<f64>>],
    max: f64,
    style: &Style,
) -> Result<String, ChartError> {
    let font = style.font;
    check_max(max)?;
    if values.len() != rows.len() {
        return Err(ChartError::Shape(format!(
            "{} rows of values for {} row labels",
            values.len(),
            rows.len()
        )));
    }
    if let Some((i, r)) = values
        .iter()
        .enumerate()
        .find(|(_, r)| r.len() != cols.len())
    {
        return Err(ChartError::Shape(format!(
            "row {} has {} values for {} columns",
            i + 1,
            r.len(),
            cols.len()
        )));
    }
    if rows.is_empty() || cols.is_empty() {
        return no_data(style);
    }

    let longest = rows
        .iter()
        .map(|l| font.width(&text::clean(l), LABEL))
        .fold(0.0, f64::max);
    let label_w = longest.clamp(WIDTH * 0.22, WIDTH * 0.42);
    let x0 = label_w + 8.0;
    let x1 = WIDTH - 4.0;
    let col_w = (x1 - x0) / cols.len() as f64;
    let headers: Vec<Vec<String>> = cols
        .iter()
        .map(|h| text::wrap(font, h, col_w - 4.0, LABEL, 3))
        .collect();
    let header_lines = headers.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let top = 4.0 + header_lines * HEADER_LINE + 4.0;
    let bottom = top + rows.len() as f64 * HEATMAP_ROW;
    let legend_y = bottom + 12.0;
    let height = legend_y + 30.0;
    let print_values = col_w >= 16.0;

    canvas::render(WIDTH, height, font, |c| {
        for (j, lines) in headers.iter().enumerate() {
            let mid = x0 + (j as f64 + 0.5) * col_w;
            // Headers sit on the grid: the last line is just above the first row.
            let first = top - 4.0 - (lines.len() as f64 - 0.5) * HEADER_LINE;
            for (k, line) in lines.iter().enumerate() {
                c.text(
                    mid,
                    first + k as f64 * HEADER_LINE,
                    line,
                    LABEL,
                    Align::Middle,
                    INK,
                )?;
            }
        }
        for (i, (label, row)) in rows.iter().zip(values).enumerate() {
            let y0 = top + i as f64 * HEATMAP_ROW;
            let ym = y0 + HEATMAP_ROW / 2.0;
            c.text(
                label_w + 2.0,
                ym,
                &text::fit(font, label, label_w, LABEL),
                LABEL,
                Align::End,
                INK,
            )?;
            for (j, v) in row.iter().enumerate() {
                let cx0 = x0 + j as f64 * col_w;
                let (a, b) = (cx0 + 0.5, cx0 + col_w - 0.5);
                let (ya, yb) = (y0 + 0.5, y0 + HEATMAP_ROW - 0.5);
                match finite(*v) {
                    Some(v) => {
                        let fill = color(v, max);
                        c.rect(a, ya, b, yb, fill)?;
                        if print_values {
                            let ink = if fill.luminance() < 0.3 { WHITE } else { INK };
                            c.text(
                                (a + b) / 2.0,
                                ym,
                                &fmt_value(v),
                                CELL_TEXT,
                                Align::Middle,
                                ink,
                            )?;
                        }
                    }
                    None => hatch(c, a, ya, b, yb)?,
                }
            }
        }
        legend(c, legend_y, max, style)
    })
}

/// The colour key: a gradient with a tick per scale level, and the "N/A" swatch.
fn legend(c: &mut Canvas, y: f64, max: f64, style: &Style) -> Result<(), ChartError> {
    let (font, words) = (style.font, &style.words);
    let (lx0, lx1) = (WIDTH / 2.0 - 150.0, WIDTH / 2.0 + 70.0);
    let steps = 88;
    let w = (lx1 - lx0) / f64::from(steps);
    for k in 0..steps {
        let v = (f64::from(k) + 0.5) / f64::from(steps) * max;
        let x = lx0 + f64::from(k) * w;
        // Overlap neighbours slightly so no hairline gaps show between the steps.
        c.rect(x, y, x + w + 0.3, y + 8.0, color(v, max))?;
    }
    for t in super::ticks(max) {
        let x = lx0 + t / max * (lx1 - lx0);
        c.line(
            &[(x, y + 8.0), (x, y + 11.0)],
            MUTED,
            0.75,
            canvas::Dash::Solid,
        )?;
        c.text(x, y + 16.0, &fmt_tick(t), TICK, Align::Middle, MUTED)?;
    }
    let nx = lx1 + 24.0;
    hatch(c, nx, y, nx + 16.0, y + 8.0)?;
    let label = text::fit(font, &words.not_applicable, WIDTH - nx - 24.0, LEGEND);
    c.text(nx + 20.0, y + 4.0, &label, LEGEND, Align::Start, INK)
}

/// [`heatmap`] split into parts of at most `rows_per_page` rows (at least 1), each with
/// the column headers and the colour key.
pub fn heatmap_pages(
    rows: &[String],
    cols: &[String],
    values: &[Vec<Option<f64>>],
    max: f64,
    rows_per_page: usize,
    style: &Style,
) -> Result<Vec<String>, ChartError> {
    if values.len() != rows.len() {
        return Err(ChartError::Shape(format!(
            "{} rows of values for {} row labels",
            values.len(),
            rows.len()
        )));
    }
    if rows.is_empty() {
        return Ok(vec![heatmap(rows, cols, values, max, style)?]);
    }
    let n = rows_per_page.max(1);
    rows.chunks(n)
        .zip(values.chunks(n))
        .map(|(r, v)| heatmap(r, cols, v, max, style))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    fn data(n: usize) -> (Vec<String>, Vec<String>, Vec<Vec<Option<f64>>>) {
        let rows = (0..n).map(|i| format!("Agency {i:03}")).collect();
        let cols = ["People", "Technology", "Collaboration", "Governance"]
            .map(String::from)
            .to_vec();
        let values = (0..n)
            .map(|i| {
                (0..4)
                    .map(|j| {
                        if (i + j) % 9 == 0 {
                            None
                        } else {
                            Some(((i * 3 + j * 7) % 51) as f64 / 10.0)
                        }
                    })
                    .collect()
            })
            .collect();
        (rows, cols, values)
    }

    #[test]
    fn every_cell_is_drawn_and_labelled() {
        let (rows, cols, values) = data(40);
        let svg = heatmap(&rows, &cols, &values, 5.0, &en()).unwrap();
        assert_svg(&svg);
        let t = texts(&svg);
        let present = values.iter().flatten().filter(|v| v.is_some()).count();
        let missing = values.iter().flatten().filter(|v| v.is_none()).count();
        assert!(missing > 0);
        // Printed values: one per present cell; the legend ticks add 0..5.
        let numeric = t
            .iter()
            .filter(|x| x.contains('.') && x.parse::<f64>().is_ok())
            .count();
        assert_eq!(numeric, present);
        for r in &rows {
            assert!(t.contains(r), "missing {r}");
        }
        assert!(t.contains(&"Collaboration".to_string()) && t.contains(&"N/A".to_string()));
    }

    #[test]
    fn colours_run_from_light_to_dark() {
        assert_eq!(color(0.0, 5.0), SCALE[0]);
        assert_eq!(color(5.0, 5.0), SCALE[8]);
        assert!(color(1.0, 5.0).luminance() > color(4.0, 5.0).luminance());
    }

    #[test]
    fn pages_split_200_rows() {
        let (rows, cols, values) = data(200);
        let pages = heatmap_pages(&rows, &cols, &values, 5.0, 50, &en()).unwrap();
        assert_eq!(pages.len(), 4);
        assert!(texts(&pages[0]).contains(&"Agency 000".to_string()));
        assert!(!texts(&pages[0]).contains(&"Agency 050".to_string()));
        let single = heatmap(&rows, &cols, &values, 5.0, &en()).unwrap();
        assert!(texts(&single).contains(&"Agency 199".to_string()));
    }

    #[test]
    fn shape_errors_and_empty_input() {
        let (rows, cols, mut values) = data(3);
        values[1].pop();
        assert!(matches!(
            heatmap(&rows, &cols, &values, 5.0, &en()),
            Err(ChartError::Shape(_))
        ));
        let svg = heatmap(&[], &cols, &[], 5.0, &en()).unwrap();
        assert!(texts(&svg).contains(&"No data".to_string()));
    }
}
