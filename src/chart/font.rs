//! The chart font: text is shaped with rustybuzz and written as glyph outlines.
//!
//! Typst renders `<text>` inside an SVG image through its own SVG text layout, which (checked
//! again on typst 0.15.1; docs/reports.md has the smallest reproduction) mangles the Khmer
//! cluster that follows a pre-base vowel: "ប្រសើរ" comes out as "ប្រសី", "កម្រិត" as "កម្រិ".
//! Typst's own body text shapes Khmer correctly, and so does rustybuzz, the same shaper. So
//! every label is shaped here and written as `<path>` outlines (with the text kept in a
//! `<title>` for accessibility and tests), and the widths used for layout are exact.
//!
//! The font file is an asset: the CLI finds it by the same rule as the report fonts typst
//! embeds (`report::assets`), reads it once and passes its bytes down, so a chart is
//! measured with the very file the PDF uses, and the same inputs give the same SVG.

use std::fmt::Write;

use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};
use rustybuzz::{Face, UnicodeBuffer};

use super::ChartError;

/// A parsed chart font, borrowing the font file's bytes.
pub struct Font<'a> {
    face: Face<'a>,
}

impl<'a> Font<'a> {
    /// Parses the first face of a TrueType or OpenType file.
    pub fn parse(bytes: &'a [u8]) -> Result<Font<'a>, ChartError> {
        Face::from_slice(bytes, 0)
            .map(|face| Font { face })
            .ok_or_else(|| ChartError::Font("not a TrueType or OpenType font".to_string()))
    }

    /// Width of `text` at `size` (in any unit; the result is in the same unit).
    pub(crate) fn width(&self, text: &str, size: f64) -> f64 {
        let shaped = shape(&self.face, text);
        f64::from(shaped.advance) * size / f64::from(self.face.units_per_em())
    }

    /// The outline of `text` as SVG path data, pen starting at (`x`, `baseline`), in the
    /// units of the caller (`size` is the em size in those units).
    pub(crate) fn outline(&self, text: &str, x: f64, baseline: f64, size: f64) -> String {
        let shaped = shape(&self.face, text);
        let k = size / f64::from(self.face.units_per_em());
        let mut d = String::new();
        for (glyph, dx, dy) in shaped.glyphs {
            let mut w = PathWriter {
                d: &mut d,
                x: x + f64::from(dx) * k,
                y: baseline - f64::from(dy) * k,
                k,
            };
            self.face.outline_glyph(GlyphId(glyph), &mut w);
        }
        d
    }
}

struct Shaped {
    /// (glyph, x offset from the pen start, y offset), in font units.
    glyphs: Vec<(u16, i32, i32)>,
    advance: i32,
}

fn shape(face: &Face, text: &str) -> Shaped {
    let mut buf = UnicodeBuffer::new();
    buf.push_str(text);
    let out = rustybuzz::shape(face, &[], buf);
    let mut pen = 0;
    let mut glyphs = Vec::with_capacity(out.len());
    for (info, pos) in out.glyph_infos().iter().zip(out.glyph_positions()) {
        glyphs.push((
            u16::try_from(info.glyph_id).unwrap_or(0),
            pen + pos.x_offset,
            pos.y_offset,
        ));
        pen += pos.x_advance;
    }
    Shaped {
        glyphs,
        advance: pen,
    }
}

struct PathWriter<'a> {
    d: &'a mut String,
    x: f64,
    y: f64,
    k: f64,
}

impl PathWriter<'_> {
    fn pt(&mut self, x: f32, y: f32) {
        let _ = write!(
            self.d,
            "{} {}",
            num(self.x + f64::from(x) * self.k),
            num(self.y - f64::from(y) * self.k)
        );
    }
}

/// A coordinate with one decimal and no trailing ".0", to keep paths short.
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

impl OutlineBuilder for PathWriter<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        self.d.push('M');
        self.pt(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.d.push('L');
        self.pt(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.d.push('Q');
        self.pt(x1, y1);
        self.d.push(' ');
        self.pt(x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.d.push('C');
        self.pt(x1, y1);
        self.d.push(' ');
        self.pt(x2, y2);
        self.d.push(' ');
        self.pt(x, y);
    }
    fn close(&mut self) {
        self.d.push('Z');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shaping_keeps_every_khmer_cluster() {
        let font = crate::chart::testutil::font();
        let face = &font.face;
        // The word that Typst's SVG text drops a cluster of: ប្រសើរ has five visible
        // parts (ប, subscript រ, the split vowel's two halves, ស, រ), so at least 5 glyphs.
        let shaped = shape(face, "ប្រសើរ");
        assert!(shaped.glyphs.len() >= 5, "{}", shaped.glyphs.len());
        assert!(
            shaped.glyphs.iter().all(|g| g.0 != 0),
            "a glyph is missing from the font"
        );
        let d = font.outline("ប្រសើរ", 0.0, 10.0, 10.0);
        assert!(d.starts_with('M') && font.width("ប្រសើរ", 10.0) > 0.0);
    }
}
