//! The radar (spider) chart: an agency's domain profile against its target and the
//! national median.

use super::canvas::{self, Align, Dash};
use super::{
    check_max, check_series, draw_legend, finite, fmt_tick, grouped_bars, legend_height, looks,
    no_data, text, ChartError, Key, Series, SeriesRole, Style, AXIS, GRID, INK, LABEL, MUTED, TICK,
    WIDTH,
};

const RADIUS: f64 = 105.0;
const LINE: f64 = 11.0;

/// One polygon per series over `axes`, rings at every scale level from 0 to `max`.
///
/// Each series has one value per axis; `None` (or a non-finite value) leaves a gap in that
/// series' outline and, for a primary series, marks the axis label with the "N/A" word.
/// With fewer than three axes a radar says nothing a bar chart does not, so the same data
/// is drawn by [`grouped_bars`].
pub fn radar(
    axes: &[String],
    series: &[Series],
    max: f64,
    style: &Style,
) -> Result<String, ChartError> {
    let (font, words) = (style.font, &style.words);
    check_max(max)?;
    if !check_series(series, axes.len(), "axes")? {
        return no_data(style);
    }
    if axes.len() < 3 {
        return grouped_bars(axes, series, max, style);
    }

    let n = axes.len();
    let looks = looks(series);
    // Axis labels, marked where a primary series has no value.
    let labels: Vec<Vec<String>> = axes
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let missing = series
                .iter()
                .any(|s| s.role == SeriesRole::Primary && finite(s.values[i]).is_none());
            let label = if missing {
                format!("{a} ({})", words.not_applicable)
            } else {
                a.clone()
            };
            let angle = angle(i, n);
            // Labels beside the circle have the side margin; those above or below get more.
            let room = if angle.cos().abs() < 0.3 {
                200.0
            } else {
                WIDTH / 2.0 - RADIUS - 22.0
            };
            text::wrap(font, &label, room, LABEL, 2)
        })
        .collect();
    let legend: Vec<(Key, String)> = series
        .iter()
        .zip(&looks)
        .map(|(s, l)| (Key::Line(l.color, l.dash, Some(l.marker)), s.name.clone()))
        .collect();

    let top = 8.0 + 2.0 * LINE + 6.0;
    let cy = top + RADIUS;
    let cx = WIDTH / 2.0;
    let legend_y = cy + RADIUS + 8.0 + 2.0 * LINE + 8.0;
    let height = legend_y + legend_height(font, &legend, WIDTH - 20.0) + 6.0;

    canvas::render(WIDTH, height, font, |c| {
        let point = |i: usize, v: f64| {
            let r = (v / max).clamp(0.0, 1.0) * RADIUS;
            let a = angle(i, n);
            (cx + r * a.cos(), cy + r * a.sin())
        };
        // Rings at each level and spokes.
        let ticks = super::ticks(max);
        for &t in &ticks {
            if t <= 0.0 {
                continue;
            }
            let mut ring: Vec<(f64, f64)> = (0..n).map(|i| point(i, t)).collect();
            ring.push(ring[0]);
            let color = if (t - max).abs() < 1e-9 { AXIS } else { GRID };
            c.line(&ring, color, 0.75, Dash::Solid)?;
        }
        for i in 0..n {
            c.line(&[(cx, cy), point(i, max)], GRID, 0.75, Dash::Solid)?;
        }
        // Level numbers up the first spoke, nudged right of it.
        for &t in &ticks {
            let (x, y) = point(0, t);
            c.text(x + 3.0, y - 4.0, &fmt_tick(t), TICK, Align::Start, MUTED)?;
        }

        // Target and reference underneath, primary series on top.
        let mut order: Vec<usize> = (0..series.len()).collect();
        order.sort_by_key(|&i| series[i].role == SeriesRole::Primary);
        for &si in &order {
            let s = &series[si];
            let look = looks[si];
            let vals: Vec<Option<f64>> = s.values.iter().map(|v| finite(*v)).collect();
            if s.role == SeriesRole::Primary && vals.iter().all(Option::is_some) {
                let poly: Vec<(f64, f64)> = vals
                    .iter()
                    .enumerate()
                    .map(|(i, v)| point(i, v.unwrap_or(0.0)))
                    .collect();
                c.polygon(&poly, look.color, 0.15)?;
            }
            let width = if s.role == SeriesRole::Primary {
                2.0
            } else {
                1.5
            };
            for i in 0..n {
                let j = (i + 1) % n;
                if let (Some(a), Some(b)) = (vals[i], vals[j]) {
                    c.line(&[point(i, a), point(j, b)], look.color, width, look.dash)?;
                }
            }
            for (i, v) in vals.iter().enumerate() {
                if let Some(v) = v {
                    let (x, y) = point(i, *v);
                    c.marker(look.marker, x, y, 2.8, look.color)?;
                }
            }
        }

        // Axis labels just outside the outer ring.
        for (i, lines) in labels.iter().enumerate() {
            let a = angle(i, n);
            let (ux, uy) = (a.cos(), a.sin());
            let (x, y) = (cx + ux * (RADIUS + 10.0), cy + uy * (RADIUS + 10.0));
            let align = if ux > 0.3 {
                Align::Start
            } else if ux < -0.3 {
                Align::End
            } else {
                Align::Middle
            };
            let block = lines.len() as f64 * LINE;
            // Above the circle the block sits on the point, below it hangs from it.
            let y0 = if uy < -0.3 {
                y - block + LINE / 2.0
            } else if uy > 0.3 {
                y + LINE / 2.0
            } else {
                y - block / 2.0 + LINE / 2.0
            };
            for (k, line) in lines.iter().enumerate() {
                c.text(x, y0 + k as f64 * LINE, line, LABEL, align, INK)?;
            }
        }
        draw_legend(c, &legend, 10.0, legend_y, WIDTH - 20.0)
    })
}

/// Angle of axis `i` of `n`, clockwise from the top.
fn angle(i: usize, n: usize) -> f64 {
    -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::TAU / n as f64
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    fn domains() -> Vec<String> {
        ["People", "Technology", "Collaboration", "Governance"]
            .map(String::from)
            .to_vec()
    }

    fn series() -> Vec<Series> {
        vec![
            Series {
                name: "Ministry of Health".into(),
                values: vec![Some(2.5), Some(3.1), None, Some(1.0)],
                role: SeriesRole::Primary,
            },
            Series {
                name: "Target".into(),
                values: vec![Some(3.0); 4],
                role: SeriesRole::Target,
            },
            Series {
                name: "National median".into(),
                values: vec![Some(2.0), Some(2.2), Some(2.8), Some(1.9)],
                role: SeriesRole::Reference,
            },
        ]
    }

    #[test]
    fn radar_has_labels_legend_and_markers() {
        let svg = radar(&domains(), &series(), 5.0, &en()).unwrap();
        assert_svg(&svg);
        let t = texts(&svg);
        for label in [
            "People",
            "Technology",
            "Governance",
            "Ministry of Health",
            "Target",
            "National median",
        ] {
            assert!(t.iter().any(|x| x == label), "missing {label} in {t:?}");
        }
        // The primary series' missing value marks its axis.
        assert!(t.iter().any(|x| x == "Collaboration (N/A)"), "{t:?}");
        // Level numbers 0..5.
        for l in ["0", "1", "2", "3", "4", "5"] {
            assert!(t.iter().any(|x| x == l), "missing tick {l}");
        }
        // With one value missing, the primary outline is not filled.
        assert_eq!(count(&svg, "opacity=\"0.15\""), 0);
    }

    #[test]
    fn radar_is_deterministic() {
        let a = radar(&domains(), &series(), 5.0, &en()).unwrap();
        let b = radar(&domains(), &series(), 5.0, &en()).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn radar_rejects_mismatched_series_and_bad_scale() {
        let mut s = series();
        s[0].values.pop();
        assert!(matches!(
            radar(&domains(), &s, 5.0, &en()),
            Err(ChartError::Shape(_))
        ));
        assert!(matches!(
            radar(&domains(), &series(), f64::NAN, &en()),
            Err(ChartError::BadScale(_))
        ));
    }

    #[test]
    fn radar_without_values_says_no_data() {
        let svg = radar(&[], &[], 5.0, &en()).unwrap();
        assert!(texts(&svg).contains(&"No data".to_string()));
    }

    #[test]
    fn radar_with_two_axes_falls_back_to_bars() {
        let axes = vec!["A".to_string(), "B".to_string()];
        let s = vec![Series {
            name: "X".into(),
            values: vec![Some(1.0), Some(2.0)],
            role: SeriesRole::Primary,
        }];
        let svg = radar(&axes, &s, 5.0, &en()).unwrap();
        assert_svg(&svg);
        assert!(texts(&svg).contains(&"A".to_string()));
    }
}
