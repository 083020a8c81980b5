//! A thin drawing surface over plotters' SVG backend, in points.
//!
//! plotters' backend works in whole pixels; the charts are laid out in fractional points, so
//! the canvas draws at [`UNIT`] user units per point and the SVG header then declares its
//! size in points (`width="480pt"`), which keeps quarter-point precision. All text goes
//! through [`Canvas::text`], which sets [`CHART_FONT`] and relies on plotters' own XML
//! escaping (checked by the escaping tests in `mod.rs`).

use std::fmt::Write;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{ChartError, CHART_FONT};

/// SVG user units per point.
const UNIT: f64 = 4.0;

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    fn plot(self) -> RGBColor {
        RGBColor(self.0, self.1, self.2)
    }

    /// Perceived lightness (0..1), to choose dark or light text over a fill.
    pub(crate) fn luminance(self) -> f64 {
        let lin = |v: u8| {
            let c = f64::from(v) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    /// Linear blend from `self` (t = 0) to `other` (t = 1).
    pub(crate) fn blend(self, other: Rgb, t: f64) -> Rgb {
        let t = t.clamp(0.0, 1.0);
        let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        Rgb(
            mix(self.0, other.0),
            mix(self.1, other.1),
            mix(self.2, other.2),
        )
    }
}

/// Horizontal anchor of a text.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Align {
    Start,
    Middle,
    End,
}

/// Stroke pattern of a line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Dash {
    Solid,
    /// Dash length and gap, in points.
    Dashed(f64, f64),
}

/// Shape of a point marker; series differ by shape as well as colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Marker {
    Circle,
    Square,
    Diamond,
    TriangleUp,
    TriangleDown,
}

fn u(v: f64) -> i32 {
    // Non-finite values never reach here in practice (callers filter them); clamp anyway so a
    // stray NaN becomes 0 instead of an undefined cast.
    if v.is_finite() {
        (v * UNIT).round().clamp(-1e7, 1e7) as i32
    } else {
        0
    }
}

fn stroke(w: f64) -> u32 {
    (w * UNIT).round().max(1.0) as u32
}

pub(crate) struct Canvas<'a> {
    area: DrawingArea<SVGBackend<'a>, Shift>,
    /// Text drawn as glyph outlines, appended after plotters' elements so that it is on top.
    paths: String,
}

/// Draws a `width` × `height` point chart with `draw` and returns the SVG document.
pub(crate) fn render(
    width: f64,
    height: f64,
    draw: impl FnOnce(&mut Canvas) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    let (w, h) = (u(width).max(1) as u32, u(height).max(1) as u32);
    let mut buf = String::new();
    let paths;
    {
        let area = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        area.fill(&WHITE).map_err(draw_error)?;
        let mut canvas = Canvas {
            area,
            paths: String::new(),
        };
        draw(&mut canvas)?;
        canvas.area.present().map_err(draw_error)?;
        paths = canvas.paths;
    }
    // Declare the physical size in points; the viewBox keeps the fine user units.
    let old = format!("<svg width=\"{w}\" height=\"{h}\"");
    let new = format!(
        "<svg width=\"{}pt\" height=\"{}pt\"",
        fmt_pt(width),
        fmt_pt(height)
    );
    if !buf.starts_with(&old) {
        return Err(ChartError::Draw(
            "unexpected SVG header from plotters".to_string(),
        ));
    }
    buf.replace_range(..old.len(), &new);
    if !paths.is_empty() {
        let end = buf
            .rfind("</svg>")
            .ok_or_else(|| ChartError::Draw("unterminated SVG from plotters".to_string()))?;
        buf.insert_str(end, &paths);
    }
    Ok(buf)
}

fn fmt_pt(v: f64) -> String {
    format!("{}", (v * UNIT).round() / UNIT)
}

fn draw_error<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// The text size to hand plotters so that the SVG says `size`: its SVG backend writes
/// `font-size` as the given size divided by 1.24.
fn plotters_font_size(size: f64) -> f64 {
    let want = size * UNIT;
    let guess = want * 1.24;
    // Division rounds, so a neighbour of the plain product may be needed to land exactly.
    (-8i64..=8)
        .map(|k| f64::from_bits(guess.to_bits().wrapping_add_signed(k)))
        .find(|x| x / 1.24 == want)
        .unwrap_or(guess)
}

impl Canvas<'_> {
    /// A filled rectangle between two corners.
    pub(crate) fn rect(
        &mut self,
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        fill: Rgb,
    ) -> Result<(), ChartError> {
        let (x0, x1) = (x0.min(x1), x0.max(x1));
        let (y0, y1) = (y0.min(y1), y0.max(y1));
        self.area
            .draw(&Rectangle::new(
                [(u(x0), u(y0)), (u(x1), u(y1))],
                fill.plot().filled(),
            ))
            .map_err(draw_error)
    }

    /// A rectangle outline.
    pub(crate) fn frame(
        &mut self,
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        color: Rgb,
        w: f64,
    ) -> Result<(), ChartError> {
        self.line(
            &[(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)],
            color,
            w,
            Dash::Solid,
        )
    }

    /// A polyline through `points`, solid or dashed.
    pub(crate) fn line(
        &mut self,
        points: &[(f64, f64)],
        color: Rgb,
        w: f64,
        dash: Dash,
    ) -> Result<(), ChartError> {
        if points.len() < 2 {
            return Ok(());
        }
        let style = color.plot().stroke_width(stroke(w));
        match dash {
            Dash::Solid => {
                let pts: Vec<(i32, i32)> = points.iter().map(|&(x, y)| (u(x), u(y))).collect();
                self.area
                    .draw(&PathElement::new(pts, style))
                    .map_err(draw_error)
            }
            Dash::Dashed(on, off) => {
                for seg in dashes(points, on.max(0.1), off.max(0.1)) {
                    let pts: Vec<(i32, i32)> = seg.iter().map(|&(x, y)| (u(x), u(y))).collect();
                    self.area
                        .draw(&PathElement::new(pts, style))
                        .map_err(draw_error)?;
                }
                Ok(())
            }
        }
    }

    /// A filled polygon, with `alpha` opacity.
    pub(crate) fn polygon(
        &mut self,
        points: &[(f64, f64)],
        fill: Rgb,
        alpha: f64,
    ) -> Result<(), ChartError> {
        let pts: Vec<(i32, i32)> = points.iter().map(|&(x, y)| (u(x), u(y))).collect();
        self.area
            .draw(&Polygon::new(pts, fill.plot().mix(alpha).filled()))
            .map_err(draw_error)
    }

    /// A filled circle of radius `r`, with `alpha` opacity.
    pub(crate) fn dot(
        &mut self,
        x: f64,
        y: f64,
        r: f64,
        fill: Rgb,
        alpha: f64,
    ) -> Result<(), ChartError> {
        let r = u(r).max(1) as u32;
        self.area
            .draw(&Circle::new(
                (u(x), u(y)),
                r,
                fill.plot().mix(alpha).filled(),
            ))
            .map_err(draw_error)
    }

    /// A point marker of the given shape, filled, with a white outline so that overlapping
    /// markers stay distinct.
    pub(crate) fn marker(
        &mut self,
        shape: Marker,
        x: f64,
        y: f64,
        r: f64,
        fill: Rgb,
    ) -> Result<(), ChartError> {
        let outline = Rgb(255, 255, 255);
        match shape {
            Marker::Circle => {
                self.dot(x, y, r + 0.6, outline, 1.0)?;
                self.dot(x, y, r, fill, 1.0)
            }
            _ => {
                let pts = marker_points(shape, x, y, r);
                self.line(&closed(&pts), outline, 1.0, Dash::Solid)?;
                self.polygon(&pts, fill, 1.0)
            }
        }
    }

    /// One line of text at (`x`, `y`), vertically centred on `y`.
    pub(crate) fn text(
        &mut self,
        x: f64,
        y: f64,
        text: &str,
        size: f64,
        align: Align,
        color: Rgb,
    ) -> Result<(), ChartError> {
        if text.is_empty() {
            return Ok(());
        }
        let em = size * UNIT;
        if let Some(w) = super::glyphs::width(text, em) {
            let x0 = match align {
                Align::Start => x * UNIT,
                Align::Middle => x * UNIT - w / 2.0,
                Align::End => x * UNIT - w,
            };
            // Centre Latin capitals and the Khmer consonant body on y.
            let baseline = y * UNIT + 0.36 * em;
            if let Some((d, _)) = super::glyphs::outline(text, x0, baseline, em) {
                let fill = format!("#{:02X}{:02X}{:02X}", color.0, color.1, color.2);
                let _ = writeln!(
                    self.paths,
                    "<path d=\"{d}\" fill=\"{fill}\"><title>{}</title></path>",
                    xml_escape(text)
                );
                return Ok(());
            }
        }
        let h = match align {
            Align::Start => HPos::Left,
            Align::Middle => HPos::Center,
            Align::End => HPos::Right,
        };
        let ink = color.plot();
        let style = TextStyle::from((FontFamily::Name(CHART_FONT), plotters_font_size(size)))
            .color(&ink)
            .pos(Pos::new(h, VPos::Center));
        self.area
            .draw(&Text::new(text, (u(x), u(y)), style))
            .map_err(draw_error)
    }
}

impl Canvas<'_> {
    /// Text on a white patch, so that it stays legible over lines and dots.
    pub(crate) fn text_on_white(
        &mut self,
        x: f64,
        y: f64,
        text: &str,
        size: f64,
        align: Align,
        color: Rgb,
    ) -> Result<(), ChartError> {
        let w = super::text::width(text, size);
        let x0 = match align {
            Align::Start => x,
            Align::Middle => x - w / 2.0,
            Align::End => x - w,
        };
        self.rect(
            x0 - 1.5,
            y - size * 0.55,
            x0 + w + 1.5,
            y + size * 0.55,
            Rgb(255, 255, 255),
        )?;
        self.text(x, y, text, size, align, color)
    }
}

/// Escapes text for XML character data and attribute values.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn marker_points(shape: Marker, x: f64, y: f64, r: f64) -> Vec<(f64, f64)> {
    match shape {
        Marker::Circle | Marker::Square => {
            let s = r * 0.9;
            vec![
                (x - s, y - s),
                (x + s, y - s),
                (x + s, y + s),
                (x - s, y + s),
            ]
        }
        Marker::Diamond => {
            let s = r * 1.25;
            vec![(x, y - s), (x + s, y), (x, y + s), (x - s, y)]
        }
        Marker::TriangleUp => {
            let s = r * 1.3;
            vec![(x, y - s), (x + s, y + s * 0.75), (x - s, y + s * 0.75)]
        }
        Marker::TriangleDown => {
            let s = r * 1.3;
            vec![(x, y + s), (x + s, y - s * 0.75), (x - s, y - s * 0.75)]
        }
    }
}

fn closed(pts: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut v = pts.to_vec();
    if let Some(&first) = pts.first() {
        v.push(first);
    }
    v
}

/// Splits a polyline into dash segments of `on` points separated by `off` points.
fn dashes(points: &[(f64, f64)], on: f64, off: f64) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let mut current: Vec<(f64, f64)> = vec![points[0]];
    let mut drawing = true;
    let mut left = on;
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let mut pos = 0.0;
        while len - pos > left {
            pos += left;
            let t = pos / len;
            let p = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
            if drawing {
                current.push(p);
                out.push(std::mem::take(&mut current));
            } else {
                current = vec![p];
            }
            drawing = !drawing;
            left = if drawing { on } else { off };
        }
        left -= len - pos;
        if drawing {
            current.push(b);
        }
    }
    if drawing && current.len() > 1 {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_cover_the_line_in_on_off_steps() {
        let segs = dashes(&[(0.0, 0.0), (10.0, 0.0)], 2.0, 1.0);
        // 0-2, 3-5, 6-8, 9-10
        assert_eq!(segs.len(), 4);
        assert_eq!(segs[0], vec![(0.0, 0.0), (2.0, 0.0)]);
        assert_eq!(segs[3], vec![(9.0, 0.0), (10.0, 0.0)]);
    }

    #[test]
    fn font_size_is_written_exactly() {
        // Every size the charts use (some, like 7.5, cannot be written exactly).
        for size in [7.25, 7.75, 8.0, 8.5, 10.0] {
            assert_eq!(plotters_font_size(size) / 1.24, size * UNIT);
        }
    }

    #[test]
    fn header_declares_points() {
        let svg = render(100.0, 50.5, |_| Ok(())).unwrap();
        assert!(
            svg.starts_with("<svg width=\"100pt\" height=\"50.5pt\" viewBox=\"0 0 400 202\""),
            "{svg}"
        );
    }
}
