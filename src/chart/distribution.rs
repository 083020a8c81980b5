//! The distribution chart: a box plot per domain with every agency drawn as a dot.

use super::canvas::Rgb;
use super::canvas::{self, Align, Dash, Marker};
use super::{
    check_max, fmt_value, no_data, ChartError, Columns, Key, Style, AXIS, INK, MUTED, PRIMARY,
    TARGET, TARGET_DASH, VALUE, WIDTH,
};

const PLOT_H: f64 = 200.0;
const BOX_FILL: Rgb = Rgb(214, 232, 245);

/// One box plot per `(label, values)` group on a common 0..`max` scale: the box spans the
/// 25th to 75th percentile (linear interpolation, as in the national statistics), the thick
/// line is the median, whiskers reach the minimum and maximum, and each value is a dot
/// spread sideways by a fixed sequence (no random numbers, so the output is reproducible).
/// `target` adds a dashed target line. Non-finite values are left out.
pub fn distribution(
    groups: &[(String, Vec<f64>)],
    max: f64,
    target: Option<f64>,
    style: &Style,
) -> Result<String, ChartError> {
    let (font, words) = (style.font, &style.words);
    check_max(max)?;
    let data: Vec<(String, Vec<f64>)> = groups
        .iter()
        .map(|(l, v)| {
            (
                l.clone(),
                v.iter().copied().filter(|x| x.is_finite()).collect(),
            )
        })
        .collect();
    if data.iter().all(|(_, v)| v.is_empty()) {
        return no_data(style);
    }
    let target = target.filter(|t| t.is_finite());
    let mut legend = vec![
        (Key::Box(BOX_FILL), words.middle_half.clone()),
        (Key::Line(INK, Dash::Solid, None), words.median.clone()),
        (Key::Point(Marker::Circle, PRIMARY), words.agency.clone()),
    ];
    if target.is_some() {
        legend.push((Key::Line(TARGET, TARGET_DASH, None), words.target.clone()));
    }

    let cols = Columns::new(
        font,
        data.iter().map(|(g, _)| g.as_str()),
        2,
        &legend,
        PLOT_H,
        max,
    );
    let (left, right, group_w) = (cols.left, cols.right, cols.group_w);
    let y = |v: f64| cols.y(v);

    canvas::render(WIDTH, cols.height, font, |c| {
        cols.frame(c, &legend)?;
        // Median labels go on top of everything (the target line and the dots of the next
        // group, which come close with ten domains), so they are drawn last.
        let mut medians = Vec::new();
        for (g, (_, values)) in data.iter().enumerate() {
            let mid = left + (g as f64 + 0.5) * group_w;
            cols.label(c, g, mid)?;
            if values.is_empty() {
                c.text(
                    mid,
                    y(max / 2.0),
                    &words.no_data,
                    VALUE,
                    Align::Middle,
                    MUTED,
                )?;
                continue;
            }
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let q = |p: f64| quantile(&sorted, p);
            let half = (group_w * 0.22).min(40.0);
            let (lo, hi) = (sorted[0], sorted[sorted.len() - 1]);
            // Whiskers, box, median.
            c.line(&[(mid, y(lo)), (mid, y(q(0.25)))], AXIS, 1.0, Dash::Solid)?;
            c.line(&[(mid, y(q(0.75))), (mid, y(hi))], AXIS, 1.0, Dash::Solid)?;
            c.line(
                &[(mid - half / 2.0, y(lo)), (mid + half / 2.0, y(lo))],
                AXIS,
                1.0,
                Dash::Solid,
            )?;
            c.line(
                &[(mid - half / 2.0, y(hi)), (mid + half / 2.0, y(hi))],
                AXIS,
                1.0,
                Dash::Solid,
            )?;
            c.rect(mid - half, y(q(0.75)), mid + half, y(q(0.25)), BOX_FILL)?;
            c.frame(mid - half, y(q(0.75)), mid + half, y(q(0.25)), AXIS, 0.75)?;
            // Dots over the box, spread over a band wider than the box.
            let r = if values.len() > 100 {
                1.5
            } else if values.len() > 40 {
                1.9
            } else {
                2.4
            };
            let spread = (group_w * 0.32).min(60.0);
            for (i, v) in values.iter().enumerate() {
                c.dot(mid + jitter(i) * spread, y(*v), r, PRIMARY, 0.6)?;
            }
            let med = q(0.5);
            c.line(
                &[(mid - half, y(med)), (mid + half, y(med))],
                INK,
                2.0,
                Dash::Solid,
            )?;
            medians.push((mid + half + 4.0, y(med), fmt_value(med)));
        }
        if let Some(t) = target {
            c.line(&[(left, y(t)), (right, y(t))], TARGET, 1.5, TARGET_DASH)?;
        }
        for (x, y, label) in &medians {
            c.text_on_white(*x, *y, label, VALUE, Align::Start, INK)?;
        }
        Ok(())
    })
}

/// Linear-interpolation quantile of sorted values (polars' `linear`).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.len() == 1 {
        return sorted[0];
    }
    let pos = p * (sorted.len() - 1) as f64;
    let i = pos.floor() as usize;
    let frac = pos - i as f64;
    match sorted.get(i + 1) {
        Some(next) => sorted[i] + (next - sorted[i]) * frac,
        None => sorted[i],
    }
}

/// A fixed low-discrepancy sequence in -1..1 (golden-ratio steps), so dots spread evenly
/// and the same index always lands at the same place.
fn jitter(i: usize) -> f64 {
    let golden = 0.618_033_988_749_895;
    ((i as f64 + 1.0) * golden).fract() * 2.0 - 1.0
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    fn groups(n: usize) -> Vec<(String, Vec<f64>)> {
        ["People", "Technology", "Collaboration", "Governance"]
            .iter()
            .enumerate()
            .map(|(g, name)| {
                (
                    name.to_string(),
                    (0..n)
                        .map(|i| ((i * 7 + g * 3) % 51) as f64 / 10.0)
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn quantiles_interpolate_linearly() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 2.5);
        assert_eq!(quantile(&v, 0.25), 1.75);
        assert_eq!(quantile(&[3.0], 0.75), 3.0);
    }

    #[test]
    fn jitter_stays_in_range() {
        assert!((0..1000).map(jitter).all(|j| (-1.0..1.0).contains(&j)));
    }

    #[test]
    fn one_dot_per_agency_per_domain() {
        let g = groups(40);
        let svg = distribution(&g, 5.0, Some(3.0), &en()).unwrap();
        assert_svg(&svg);
        // One dot per value, plus the legend's marker (a white outline and a fill).
        assert_eq!(count(&svg, "<circle"), 4 * 40 + 2);
        let t = texts(&svg);
        for name in ["People", "Governance", "Target", "Median"] {
            assert!(t.contains(&name.to_string()), "missing {name}");
        }
    }

    #[test]
    fn distribution_is_deterministic_and_handles_empty_groups() {
        let mut g = groups(200);
        g.push(("Empty".to_string(), vec![f64::NAN]));
        let a = distribution(&g, 5.0, None, &en()).unwrap();
        assert_eq!(a, distribution(&g, 5.0, None, &en()).unwrap());
        assert!(texts(&a).contains(&"No data".to_string()));
        let none = distribution(&[], 5.0, None, &en()).unwrap();
        assert!(texts(&none).contains(&"No data".to_string()));
    }
}
