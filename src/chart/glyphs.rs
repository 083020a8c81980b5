//! Chart text as glyph outlines, shaped with rustybuzz from the chart font file.
//!
//! Typst renders `<text>` inside an SVG image through its own SVG text layout, which (checked
//! again on typst 0.15.1; docs/reports.md has the smallest reproduction) mangles the Khmer
//! cluster that follows a pre-base vowel: "ប្រសើរ" comes out as "ប្រសី", "កម្រិត" as "កម្រិ".
//! Typst's own body text shapes Khmer
//! correctly, and so does rustybuzz, the same shaper. So when the chart font file can be
//! found, labels are shaped here and written as `<path>` outlines (with the text kept in a
//! `<title>` for accessibility and tests); the widths used for layout are then exact too.
//! Without the file, the charts fall back to `<text>` elements and estimated widths.
//!
//! The file `KhmerOSsys.ttf` is looked up in the directories of `POSTURE_FONT_PATH`
//! (colon-separated, as for the report's Typst fonts), then in the Debian `fonts-khmeros`
//! locations.

use std::fmt::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};
use rustybuzz::{Face, UnicodeBuffer};

const FILE: &str = "KhmerOSsys.ttf";
const DIRS: [&str; 3] = [
    "/usr/share/fonts/truetype/khmeros",
    "/usr/share/fonts/truetype/khmeros-core",
    "/usr/share/fonts/khmeros",
];

fn font_bytes() -> Option<&'static [u8]> {
    static BYTES: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    BYTES
        .get_or_init(|| {
            let mut dirs: Vec<PathBuf> = std::env::var_os("POSTURE_FONT_PATH")
                .map(|v| std::env::split_paths(&v).collect())
                .unwrap_or_default();
            dirs.extend(DIRS.iter().map(PathBuf::from));
            dirs.iter().find_map(|d| std::fs::read(d.join(FILE)).ok())
        })
        .as_deref()
}

/// The chart font, parsed once; `None` when the file is missing or unreadable.
pub(crate) fn face() -> Option<&'static Face<'static>> {
    static FACE: OnceLock<Option<Face<'static>>> = OnceLock::new();
    FACE.get_or_init(|| Face::from_slice(font_bytes()?, 0))
        .as_ref()
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

/// Width of `text` at `size` points, if the font is available.
pub(crate) fn width(text: &str, size: f64) -> Option<f64> {
    let face = face()?;
    let shaped = shape(face, text);
    Some(f64::from(shaped.advance) * size / f64::from(face.units_per_em()))
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

/// The outline of `text` as SVG path data, pen starting at (`x`, `baseline`), in the
/// units of the caller (`size` is the em size in those units); `None` without the font.
pub(crate) fn outline(text: &str, x: f64, baseline: f64, size: f64) -> Option<(String, f64)> {
    let face = face()?;
    let shaped = shape(face, text);
    let k = size / f64::from(face.units_per_em());
    let mut d = String::new();
    for (glyph, dx, dy) in shaped.glyphs {
        let mut w = PathWriter {
            d: &mut d,
            x: x + f64::from(dx) * k,
            y: baseline - f64::from(dy) * k,
            k,
        };
        face.outline_glyph(GlyphId(glyph), &mut w);
    }
    Some((d, f64::from(shaped.advance) * k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shaping_keeps_every_khmer_cluster() {
        let Some(face) = face() else {
            // Without fonts-khmeros the charts use <text>; nothing to check here.
            return;
        };
        // The word that Typst's SVG text drops a cluster of: ប្រសើរ has five visible
        // parts (ប, subscript រ, the split vowel's two halves, ស, រ), so at least 5 glyphs.
        let shaped = shape(face, "ប្រសើរ");
        assert!(shaped.glyphs.len() >= 5, "{}", shaped.glyphs.len());
        assert!(
            shaped.glyphs.iter().all(|g| g.0 != 0),
            "a glyph is missing from the font"
        );
        let (d, w) = outline("ប្រសើរ", 0.0, 10.0, 10.0).unwrap_or_default();
        assert!(d.starts_with('M') && w > 0.0);
    }
}
