//! Text measurement and shortening for chart labels, without a font library at run time.
//!
//! SVG text is laid out by whoever renders the image (Typst here), so the charts must guess
//! how wide a label will be to place it. The guess uses the advance widths of
//! [`CHART_FONT`](super::CHART_FONT) ("Khmer OS System"), copied from the font's `hmtx`
//! table for Latin-1 and the Khmer block. Khmer subscript consonants (after the coeng sign
//! U+17D2) stack under their base and take no width, which a per-char table cannot know, so
//! that case is special-cased.
//!
//! Labels are shortened at cluster boundaries only: never inside an extended grapheme
//! cluster, and never between a coeng and the consonant it subscripts (Unicode's grapheme
//! rules allow that break for Khmer, but the result would show a dangling coeng).

use unicode_segmentation::UnicodeSegmentation;

/// Advance widths in thousandths of an em, U+0020..=U+00FF; `0xffff` marks a code point the
/// font lacks.
#[rustfmt::skip]
const LATIN: [u16; 224] = [
    293, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 208, 211, 500, 211, 806, 536, 536,
    556, 556, 356, 500, 278, 556, 500, 722, 500, 500, 500, 488, 220, 488, 586, 65535,
    65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535,
    65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535, 65535,
    293, 220, 513, 293, 537, 538, 220, 513, 0, 732, 513, 464, 489, 537, 732, 0,
    537, 610, 415, 415, 0, 537, 513, 293, 0, 195, 513, 464, 708, 757, 830, 537,
    537, 537, 537, 537, 537, 537, 684, 562, 512, 512, 512, 512, 317, 317, 317, 317,
    65535, 537, 635, 635, 635, 635, 635, 537, 635, 586, 586, 586, 586, 540, 513, 513,
    513, 513, 513, 513, 513, 513, 806, 513, 513, 513, 513, 513, 220, 220, 220, 220,
    537, 537, 537, 537, 537, 537, 537, 562, 537, 537, 537, 537, 537, 537, 513, 537,
];

/// Advance widths in thousandths of an em, U+1780..=U+17FF.
#[rustfmt::skip]
const KHMER: [u16; 128] = [
    757, 757, 757, 1135, 757, 757, 757, 757, 1514, 1135, 757, 757, 757, 1135, 1514, 757,
    757, 757, 757, 757, 757, 757, 757, 757, 757, 1135, 378, 1135, 378, 757, 757, 1135,
    1135, 1135, 757, 757, 1135, 757, 1135, 757, 757, 757, 757, 757, 757, 757, 757, 757,
    757, 757, 757, 757, 85, 85, 378, 0, 0, 0, 0, 0, 0, 0, 1135, 1514,
    1514, 378, 378, 378, 1514, 1514, 0, 513, 415, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 757, 903, 513, 757, 2649, 757, 1270, 378, 757, 0, 65535, 65535,
    757, 757, 806, 952, 757, 757, 757, 928, 757, 757, 65535, 65535, 65535, 65535, 65535, 65535,
    391, 391, 146, 633, 391, 391, 269, 513, 391, 439, 65535, 65535, 65535, 65535, 65535, 65535,
];

/// Width of a glyph the font lacks, or of any script outside the table: a full em, so
/// that an unknown label is over-estimated (shortened too much) rather than overflowing.
const UNKNOWN: u16 = 1000;
const COENG: char = '\u{17D2}';
/// The ellipsis appended to a shortened label; the chart font has it.
pub(crate) const ELLIPSIS: char = '\u{2026}';

fn advance(c: char) -> u16 {
    let cp = c as u32;
    let w = match cp {
        0x20..=0xff => LATIN[(cp - 0x20) as usize],
        0x1780..=0x17ff => KHMER[(cp - 0x1780) as usize],
        // Zero-width joiners, marks and selectors take no room.
        0x200b..=0x200f | 0x0300..=0x036f | 0xfe00..=0xfe0f => 0,
        0x2013 => 537,
        0x2014 => 879,
        0x2018..=0x201d => 300,
        0x2026 => 854,
        _ => UNKNOWN,
    };
    if w == 0xffff {
        UNKNOWN
    } else {
        w
    }
}

/// Width of `text` set at `size` points, in points: exact when the chart font file is
/// available (see [`super::glyphs`]), else estimated from the table above.
pub(crate) fn width(text: &str, size: f64) -> f64 {
    super::glyphs::width(text, size).unwrap_or_else(|| estimate(text, size))
}

/// Width of `text` from the advance table, without shaping.
pub(crate) fn estimate(text: &str, size: f64) -> f64 {
    let mut total = 0u32;
    let mut prev = None;
    for c in text.chars() {
        // A consonant after a coeng is drawn as a subscript under the previous consonant.
        if prev != Some(COENG) {
            total += u32::from(advance(c));
        }
        prev = Some(c);
    }
    f64::from(total) * size / 1000.0
}

/// Replaces characters that XML 1.0 forbids or that would break a one-line label (control
/// characters, line breaks) with spaces, collapses runs of white space and trims.
pub(crate) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// Byte offsets where `text` may be cut: extended grapheme cluster boundaries, except right
/// after a coeng (which must stay with the consonant it subscripts). Includes 0 and the length.
fn cut_points(text: &str) -> Vec<usize> {
    let mut points = vec![0];
    for (i, g) in text.grapheme_indices(true) {
        let end = i + g.len();
        if !g.ends_with(COENG) && !g.ends_with('\u{200d}') {
            points.push(end);
        }
    }
    if points.last() != Some(&text.len()) {
        points.push(text.len());
    }
    points
}

/// `text` cleaned, then shortened with an ellipsis so that it fits in `max_width` points at
/// `size` points. Cuts only at cluster boundaries (see the module doc) and prefers cutting
/// at a space when one is close to the limit.
pub(crate) fn fit(text: &str, max_width: f64, size: f64) -> String {
    let text = clean(text);
    if width(&text, size) <= max_width {
        return text;
    }
    let room = max_width - width(&ELLIPSIS.to_string(), size);
    let points = cut_points(&text);
    let mut best = 0;
    for &p in &points {
        if width(&text[..p], size) <= room {
            best = p;
        } else {
            break;
        }
    }
    // A word boundary within the last fifth of the room reads better than a cut mid-word.
    let head = &text[..best];
    if let Some(sp) = head.rfind(' ') {
        if width(&head[..sp], size) >= room * 0.8 {
            best = sp;
        }
    }
    let mut out = text[..best].trim_end().to_string();
    out.push(ELLIPSIS);
    out
}

/// `text` cleaned and broken into at most `max_lines` lines of at most `max_width` points;
/// breaks at spaces where there are any, else at cluster boundaries (Khmer is written
/// without spaces between words); the last line is shortened with an ellipsis if needed.
pub(crate) fn wrap(text: &str, max_width: f64, size: f64, max_lines: usize) -> Vec<String> {
    let text = clean(text);
    let max_lines = max_lines.max(1);
    let mut lines = Vec::new();
    let mut rest: &str = &text;
    while !rest.is_empty() {
        if lines.len() + 1 == max_lines || width(rest, size) <= max_width {
            lines.push(fit(rest, max_width, size));
            break;
        }
        let points = cut_points(rest);
        let mut last_fit = 0;
        let mut last_space = None;
        for &p in &points[1..] {
            if width(&rest[..p], size) > max_width {
                break;
            }
            last_fit = p;
            if rest[p..].starts_with(' ') {
                last_space = Some(p);
            }
        }
        let cut = match last_space {
            Some(p) if p > 0 => p,
            _ if last_fit > 0 => last_fit,
            // Not even one cluster fits: give the line that cluster anyway.
            _ => points.get(1).copied().unwrap_or(rest.len()),
        };
        lines.push(rest[..cut].trim_end().to_string());
        rest = rest[cut..].trim_start();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_width_follows_the_font_table() {
        // "A" is 667/1000 em in Khmer OS System; at 10 pt that is 6.67 pt.
        assert!((estimate("A", 10.0) - 6.67).abs() < 1e-9);
        assert!(estimate("WWW", 10.0) > estimate("iii", 10.0) * 3.0);
        // Shaped and estimated widths agree for plain Latin.
        assert!((width("Health 2.5", 10.0) - estimate("Health 2.5", 10.0)).abs() < 0.1);
    }

    #[test]
    fn khmer_subscripts_take_no_width() {
        // ក្រ: base ក, coeng, subscript រ -> only ក counts.
        assert!((estimate("ក្រ", 10.0) - estimate("ក", 10.0)).abs() < 1e-9);
    }

    #[test]
    fn short_text_is_kept() {
        assert_eq!(fit("Health", 100.0, 8.0), "Health");
    }

    #[test]
    fn long_latin_text_is_shortened_with_an_ellipsis() {
        let s = fit(
            "Ministry of Posts and Telecommunications of Cambodia",
            80.0,
            8.0,
        );
        assert!(s.ends_with(ELLIPSIS), "{s}");
        assert!(width(&s, 8.0) <= 80.0 + 1e-9, "{s}");
        assert!(s.starts_with("Ministry"), "{s}");
    }

    #[test]
    fn khmer_is_never_cut_inside_a_cluster() {
        let name = "ក្រសួងសុខាភិបាល និង ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍";
        for w in [5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 60.0, 80.0, 100.0] {
            let s = fit(name, w, 8.0);
            let body = s.trim_end_matches(ELLIPSIS);
            assert!(name.starts_with(body), "{s}");
            let next = name[body.len()..].chars().next();
            if let Some(c) = next {
                // The cut is never before a combining mark or after a coeng.
                assert!(
                    !matches!(c as u32, 0x17b4..=0x17d3 | 0x17dd),
                    "cut before mark in {s:?}"
                );
                assert!(!body.ends_with(COENG), "dangling coeng in {s:?}");
            }
        }
    }

    #[test]
    fn clean_removes_controls_and_newlines() {
        assert_eq!(clean(" a\u{0}b\n\tc  d "), "a b c d");
    }

    #[test]
    fn wrap_breaks_at_spaces_then_ellipsizes() {
        let lines = wrap(
            "Critical information infrastructure operators",
            70.0,
            8.0,
            2,
        );
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("Critical"), "{lines:?}");
        assert!(
            lines.iter().all(|l| width(l, 8.0) <= 70.0 + 1e-9),
            "{lines:?}"
        );
    }

    #[test]
    fn wrap_breaks_khmer_without_spaces() {
        let lines = wrap("ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍", 40.0, 8.0, 3);
        assert!(lines.len() >= 2, "{lines:?}");
        assert!(lines.iter().all(|l| !l.ends_with(COENG)), "{lines:?}");
    }
}
