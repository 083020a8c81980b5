//! The drawing surface of every chart: a small SVG writer in points.
//!
//! The charts are laid out in fractional points; the document is drawn at [`UNIT`] user
//! units per point on whole-number coordinates and declares its size in points
//! (`width="480pt"` with a 4× `viewBox`), which keeps quarter-point precision with short
//! numbers. Every shape is written opaque: a translucent fill is blended over the white
//! page here, because typst gives each translucent SVG element its own PDF object, listed
//! in hash-map order (typst issue #6783), which would make the PDF bytes differ between
//! runs. Text is shaped with the chart [`Font`] and written as glyph outlines with the
//! text in a `<title>`, never as `<text>` (see [`super::font`] for why).
//!
//! docs/architecture.md says why this replaced plotters' SVG backend.

use std::fmt::Write;

use super::font::Font;
use super::ChartError;

/// SVG user units per point.
const UNIT: f64 = 4.0;

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#RRGGBB`.
    fn hex(self) -> String {
        format!("#{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }

    /// The colour at `alpha` opacity over white, as an opaque colour.
    fn over_white(self, alpha: f64) -> Rgb {
        if alpha >= 1.0 {
            return self;
        }
        let mix = |c: u8| (f64::from(c) * alpha + 255.0 * (1.0 - alpha)).round() as u8;
        Rgb(mix(self.0), mix(self.1), mix(self.2))
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

impl Align {
    /// Left edge of a text `width` wide anchored at `x`.
    fn left(self, x: f64, width: f64) -> f64 {
        match self {
            Align::Start => x,
            Align::Middle => x - width / 2.0,
            Align::End => x - width,
        }
    }
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
    svg: String,
    font: &'a Font<'a>,
    /// Text outlines, written after the shapes so that text is on top.
    text: String,
}

/// Draws a `width` × `height` point chart with `draw` and returns the SVG document.
pub(crate) fn render(
    width: f64,
    height: f64,
    font: &Font,
    draw: impl FnOnce(&mut Canvas) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    let (w, h) = (u(width).max(1), u(height).max(1));
    let mut canvas = Canvas {
        svg: format!(
            "<svg width=\"{}pt\" height=\"{}pt\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\">\n",
            fmt_pt(width),
            fmt_pt(height)
        ),
        font,
        text: String::new(),
    };
    canvas.rect_units(0, 0, w, h, Rgb(255, 255, 255));
    draw(&mut canvas)?;
    let mut svg = canvas.svg;
    svg.push_str(&canvas.text);
    svg.push_str("</svg>\n");
    Ok(svg)
}

fn fmt_pt(v: f64) -> String {
    format!("{}", (v * UNIT).round() / UNIT)
}

/// `x,y x,y ` as SVG `points`.
fn points(pts: &[(f64, f64)]) -> String {
    let mut out = String::new();
    for &(x, y) in pts {
        let _ = write!(out, "{},{} ", u(x), u(y));
    }
    out
}

impl<'a> Canvas<'a> {
    /// The chart font, for measuring text while drawing.
    pub(crate) fn font(&self) -> &'a Font<'a> {
        self.font
    }

    fn rect_units(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, fill: Rgb) {
        let _ = writeln!(
            self.svg,
            "<rect x=\"{x0}\" y=\"{y0}\" width=\"{}\" height=\"{}\" opacity=\"1\" fill=\"{}\" stroke=\"none\"/>",
            x1 - x0,
            y1 - y0,
            fill.hex()
        );
    }

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
        self.rect_units(u(x0), u(y0), u(x1), u(y1), fill);
        Ok(())
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
        match dash {
            Dash::Solid => self.polyline(points, color, w),
            Dash::Dashed(on, off) => {
                for seg in dashes(points, on.max(0.1), off.max(0.1)) {
                    self.polyline(&seg, color, w);
                }
            }
        }
        Ok(())
    }

    fn polyline(&mut self, pts: &[(f64, f64)], color: Rgb, w: f64) {
        let _ = writeln!(
            self.svg,
            "<polyline fill=\"none\" opacity=\"1\" stroke=\"{}\" stroke-width=\"{}\" points=\"{}\"/>",
            color.hex(),
            stroke(w),
            points(pts)
        );
    }

    /// A filled polygon, with `alpha` opacity (blended over white).
    pub(crate) fn polygon(
        &mut self,
        pts: &[(f64, f64)],
        fill: Rgb,
        alpha: f64,
    ) -> Result<(), ChartError> {
        let _ = writeln!(
            self.svg,
            "<polygon opacity=\"1\" fill=\"{}\" points=\"{}\"/>",
            fill.over_white(alpha).hex(),
            points(pts)
        );
        Ok(())
    }

    /// A filled circle of radius `r`, with `alpha` opacity (blended over white).
    pub(crate) fn dot(
        &mut self,
        x: f64,
        y: f64,
        r: f64,
        fill: Rgb,
        alpha: f64,
    ) -> Result<(), ChartError> {
        let _ = writeln!(
            self.svg,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" opacity=\"1\" fill=\"{}\" stroke=\"none\" stroke-width=\"1\"/>",
            u(x),
            u(y),
            u(r).max(1),
            fill.over_white(alpha).hex()
        );
        Ok(())
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
        let w = self.font.width(text, em);
        let x0 = align.left(x * UNIT, w);
        // Centre Latin capitals and the Khmer consonant body on y.
        let baseline = y * UNIT + 0.36 * em;
        let d = self.font.outline(text, x0, baseline, em);
        let _ = writeln!(
            self.text,
            "<path d=\"{d}\" fill=\"{}\"><title>{}</title></path>",
            color.hex(),
            xml_escape(text)
        );
        Ok(())
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
        let w = self.font.width(text, size);
        let x0 = align.left(x, w);
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
    fn header_declares_points() {
        let font = super::super::testutil::font();
        let svg = render(100.0, 50.5, &font, |_| Ok(())).unwrap();
        assert!(
            svg.starts_with("<svg width=\"100pt\" height=\"50.5pt\" viewBox=\"0 0 400 202\""),
            "{svg}"
        );
    }
}
