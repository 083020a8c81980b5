//! The slope chart: each agency's score in the previous and the current cycle.

use super::canvas::{self, Align, Dash, Marker, Rgb};
use super::{
    check_max, draw_legend, fmt_change, fmt_tick, fmt_value, legend_height, no_data, text,
    ChartError, Key, Style, AXIS, BLUE, GRID, INK, LABEL, MUTED, ORANGE, TICK, WIDTH,
};
use crate::score::Change;

const LABEL_SIZE: f64 = 7.75;
/// Minimum distance between two label centres, in points.
const GAP: f64 = 10.0;
const MIN_PLOT_H: f64 = 220.0;
const UNCHANGED: Rgb = Rgb(120, 120, 120);
/// One line of [`slope`]: a label, its score in the previous and the current cycle, and
/// the direction of the change as the scoring decides it ([`Change::of`]).
#[derive(Clone, Debug, PartialEq)]
pub struct SlopeItem {
    pub label: String,
    pub from: f64,
    pub to: f64,
    pub change: Change,
}

/// Colour, line style and marker: the three directions differ in all three.
fn look(change: Change) -> (Rgb, Dash, Marker) {
    match change {
        Change::Improved => (BLUE, Dash::Solid, Marker::TriangleUp),
        Change::Declined => (ORANGE, Dash::Dashed(3.5, 2.0), Marker::TriangleDown),
        Change::Unchanged => (UNCHANGED, Dash::Dashed(1.0, 1.5), Marker::Circle),
    }
}

/// A line per item from the `from_label` axis to the `to_label` axis on a 0..`max`
/// scale. Improved items are blue, solid, with an upward triangle; declined ones orange,
/// dashed, with a downward triangle; unchanged ones grey, dotted, with a circle. Labels sit beside each axis ("name 2.3" on the left,
/// "2.7 +0.4 name" on the right) and are pushed apart where they would overlap, with a
/// thin leader to their point; the plot grows taller when more labels must fit, so this
/// chart suits up to a few dozen items (e.g. the largest movers). Items with a
/// non-finite value are left out.
pub fn slope(
    items: &[SlopeItem],
    from_label: &str,
    to_label: &str,
    max: f64,
    style: &Style,
) -> Result<String, ChartError> {
    let (font, words) = (style.font, &style.words);
    check_max(max)?;
    let items: Vec<&SlopeItem> = items
        .iter()
        .filter(|i| i.from.is_finite() && i.to.is_finite())
        .collect();
    if items.is_empty() {
        return no_data(style);
    }
    let legend = vec![
        (
            Key::Line(BLUE, Dash::Solid, Some(Marker::TriangleUp)),
            words.improved.clone(),
        ),
        (
            Key::Line(ORANGE, Dash::Dashed(3.5, 2.0), Some(Marker::TriangleDown)),
            words.declined.clone(),
        ),
        (
            Key::Line(UNCHANGED, Dash::Dashed(1.0, 1.5), Some(Marker::Circle)),
            words.unchanged.clone(),
        ),
    ];
    let label_w = 150.0;
    let xa = label_w + 12.0;
    let xb = WIDTH - label_w - 12.0;
    let legend_h = legend_height(font, &legend, WIDTH - 20.0);
    let top = 4.0 + legend_h + 8.0 + 14.0 + 8.0;
    let plot_h = MIN_PLOT_H.max(items.len() as f64 * GAP + GAP);
    let bottom = top + plot_h;
    let height = bottom + 12.0;
    let y = |v: f64| bottom - (v / max).clamp(0.0, 1.0) * plot_h;

    let left: Vec<f64> = spread(
        &items.iter().map(|i| y(i.from)).collect::<Vec<_>>(),
        top - 4.0,
        bottom + 4.0,
    );
    let right: Vec<f64> = spread(
        &items.iter().map(|i| y(i.to)).collect::<Vec<_>>(),
        top - 4.0,
        bottom + 4.0,
    );

    canvas::render(WIDTH, height, font, |c| {
        draw_legend(c, &legend, 10.0, 4.0, WIDTH - 20.0)?;
        let head_y = 4.0 + legend_h + 8.0 + 7.0;
        c.text(
            xa,
            head_y,
            &text::fit(font, from_label, 140.0, LABEL),
            LABEL,
            Align::Middle,
            INK,
        )?;
        c.text(
            xb,
            head_y,
            &text::fit(font, to_label, 140.0, LABEL),
            LABEL,
            Align::Middle,
            INK,
        )?;
        let mid = (xa + xb) / 2.0;
        for t in super::ticks(max) {
            c.line(&[(xa, y(t)), (xb, y(t))], GRID, 0.5, Dash::Solid)?;
            c.text(mid, y(t) - 4.0, &fmt_tick(t), TICK, Align::Middle, MUTED)?;
        }
        c.line(&[(xa, top), (xa, bottom)], AXIS, 1.0, Dash::Solid)?;
        c.line(&[(xb, top), (xb, bottom)], AXIS, 1.0, Dash::Solid)?;
        // Unchanged lines first so the movers are drawn over them.
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by_key(|&i| items[i].change != Change::Unchanged);
        for &i in &order {
            let SlopeItem { from: a, to: b, .. } = items[i];
            let (color, dash, _) = look(items[i].change);
            c.line(&[(xa, y(*a)), (xb, y(*b))], color, 1.4, dash)?;
        }
        for &i in &order {
            let SlopeItem {
                label: name,
                from: a,
                to: b,
                change: trend,
            } = items[i];
            let (color, _, marker) = look(*trend);
            c.dot(xa, y(*a), 2.0, color, 1.0)?;
            c.marker(marker, xb, y(*b), 2.8, color)?;
            // Leaders from the point to a label that had to move.
            if (left[i] - y(*a)).abs() > 1.0 {
                c.line(
                    &[(xa - 3.0, y(*a)), (xa - 8.0, left[i])],
                    GRID,
                    0.5,
                    Dash::Solid,
                )?;
            }
            if (right[i] - y(*b)).abs() > 1.0 {
                c.line(
                    &[(xb + 4.0, y(*b)), (xb + 8.0, right[i])],
                    GRID,
                    0.5,
                    Dash::Solid,
                )?;
            }
            let value_a = fmt_value(*a);
            let room_a = label_w - font.width(&value_a, LABEL_SIZE) - 8.0;
            let left_text = format!("{} {value_a}", text::fit(font, name, room_a, LABEL_SIZE));
            c.text(xa - 9.0, left[i], &left_text, LABEL_SIZE, Align::End, INK)?;
            let numbers = format!("{} {}", fmt_value(*b), fmt_change(b - a));
            let room_b = label_w - font.width(&numbers, LABEL_SIZE) - 8.0;
            let right_text = format!("{numbers} {}", text::fit(font, name, room_b, LABEL_SIZE));
            c.text(
                xb + 9.0,
                right[i],
                &right_text,
                LABEL_SIZE,
                Align::Start,
                if *trend == Change::Unchanged {
                    MUTED
                } else {
                    INK
                },
            )?;
        }
        Ok(())
    })
}

/// Label positions near `wanted` (one per label), at least [`GAP`] apart and within
/// `lo..hi` when there is room: sort by the wanted position, push down what overlaps, then
/// push back up from the bottom limit, keeping the original order.
fn spread(wanted: &[f64], lo: f64, hi: f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    // Ties keep input order, so the layout is stable.
    order.sort_by(|&a, &b| wanted[a].total_cmp(&wanted[b]).then(a.cmp(&b)));
    let mut pos: Vec<f64> = order.iter().map(|&i| wanted[i]).collect();
    for k in 0..pos.len() {
        let floor = if k == 0 { lo } else { pos[k - 1] + GAP };
        pos[k] = pos[k].max(floor);
    }
    for k in (0..pos.len()).rev() {
        let ceil = if k + 1 == pos.len() {
            hi
        } else {
            pos[k + 1] - GAP
        };
        pos[k] = pos[k].min(ceil);
    }
    let mut out = vec![0.0; wanted.len()];
    for (k, &i) in order.iter().enumerate() {
        out[i] = pos[k];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn spread_separates_overlapping_labels() {
        let wanted = [100.0, 100.0, 101.0, 50.0, 300.0];
        let got = spread(&wanted, 0.0, 300.0);
        let mut sorted = got.clone();
        sorted.sort_by(f64::total_cmp);
        assert!(
            sorted.windows(2).all(|w| w[1] - w[0] >= GAP - 1e-9),
            "{got:?}"
        );
        assert_eq!(got[3], 50.0);
        assert!(got.iter().all(|&v| (0.0..=300.0).contains(&v)), "{got:?}");
        // Order is kept: the first of two equal wishes stays above.
        assert!(got[0] < got[1]);
    }

    #[test]
    fn slope_labels_never_overlap_with_40_items() {
        let items: Vec<SlopeItem> = (0..40)
            .map(|i| {
                let (from, to) = ((i % 6) as f64 * 0.5, (i % 7) as f64 * 0.5);
                SlopeItem {
                    label: format!("Agency {i}"),
                    from,
                    to,
                    change: Change::of(to - from),
                }
            })
            .collect();
        let svg = slope(&items, "2025", "2026", 5.0, &en()).unwrap();
        assert_svg(&svg);
        let t = texts(&svg);
        assert!(t.contains(&"Agency 7 0.5".to_string()), "{t:?}");
        assert!(t.contains(&"0.0 -0.50 Agency 7".to_string()), "{t:?}");
        // The label rows the chart uses are at least GAP apart and inside the plot.
        let (top, bottom) = (0.0, MIN_PLOT_H.max(40.0 * GAP + GAP));
        let y = |v: f64| bottom - v / 5.0 * (bottom - top);
        for side in [1, 2] {
            let wanted: Vec<f64> = items
                .iter()
                .map(|i| y(if side == 1 { i.from } else { i.to }))
                .collect();
            let mut got = spread(&wanted, top - 4.0, bottom + 4.0);
            got.sort_by(f64::total_cmp);
            assert!(got.windows(2).all(|w| w[1] - w[0] >= GAP - 1e-9), "{got:?}");
            assert!(
                got.iter().all(|&v| v >= top - 4.0 && v <= bottom + 4.0),
                "{got:?}"
            );
        }
    }

    #[test]
    fn trends_differ_by_style_not_only_colour() {
        let items = vec![
            ("Up", 1.0, 2.0),
            ("Down", 3.0, 2.0),
            ("Same", 2.0, 2.0),
            ("Barely", 2.0, 2.02),
        ]
        .into_iter()
        .map(|(label, from, to)| SlopeItem {
            label: label.to_string(),
            from,
            to,
            change: Change::of(to - from),
        })
        .collect::<Vec<_>>();
        let svg = slope(&items, "2025", "2026", 5.0, &en()).unwrap();
        let t = texts(&svg);
        assert!(t.contains(&"2.0 +1.00 Up".to_string()), "{t:?}");
        assert!(t.contains(&"2.0 -1.00 Down".to_string()), "{t:?}");
        assert!(t.contains(&"2.0 0.00 Same".to_string()), "{t:?}");
        // A small rise is a rise: it shows, and it is drawn as improved.
        assert!(t.contains(&"2.0 +0.02 Barely".to_string()), "{t:?}");
        assert_ne!(look(Change::Improved).1, look(Change::Declined).1);
        assert_ne!(look(Change::Improved).2, look(Change::Declined).2);
    }

    #[test]
    fn empty_slope_says_no_data() {
        let item = SlopeItem {
            label: "x".into(),
            from: f64::NAN,
            to: 1.0,
            change: Change::Unchanged,
        };
        let svg = slope(&[item], "a", "b", 5.0, &en()).unwrap();
        assert!(texts(&svg).contains(&"No data".to_string()));
    }
}
