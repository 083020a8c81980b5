//! Shortening and wrapping chart labels to the room they have, measured with the chart
//! [`Font`] (shaped, so Khmer subscripts and ligatures take their real width).
//!
//! Labels are shortened at cluster boundaries only: never inside an extended grapheme
//! cluster, and never between a coeng and the consonant it subscripts (Unicode's grapheme
//! rules allow that break for Khmer, but the result would show a dangling coeng).

use unicode_segmentation::UnicodeSegmentation;

use super::font::Font;

const COENG: char = '\u{17D2}';
/// The ellipsis appended to a shortened label; the chart font has it.
pub(crate) const ELLIPSIS: char = '\u{2026}';

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
pub(crate) fn fit(font: &Font, text: &str, max_width: f64, size: f64) -> String {
    let width = |t: &str| font.width(t, size);
    let text = clean(text);
    if width(&text) <= max_width {
        return text;
    }
    let room = max_width - width(&ELLIPSIS.to_string());
    let points = cut_points(&text);
    let mut best = 0;
    for &p in &points {
        if width(&text[..p]) <= room {
            best = p;
        } else {
            break;
        }
    }
    // A word boundary within the last fifth of the room reads better than a cut mid-word.
    let head = &text[..best];
    if let Some(sp) = head.rfind(' ') {
        if width(&head[..sp]) >= room * 0.8 {
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
pub(crate) fn wrap(
    font: &Font,
    text: &str,
    max_width: f64,
    size: f64,
    max_lines: usize,
) -> Vec<String> {
    let width = |t: &str| font.width(t, size);
    let text = clean(text);
    let max_lines = max_lines.max(1);
    let mut lines = Vec::new();
    let mut rest: &str = &text;
    while !rest.is_empty() {
        if lines.len() + 1 == max_lines || width(rest) <= max_width {
            lines.push(fit(font, rest, max_width, size));
            break;
        }
        let points = cut_points(rest);
        let mut last_fit = 0;
        let mut last_space = None;
        for &p in &points[1..] {
            if width(&rest[..p]) > max_width {
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
    use crate::chart::testutil::font;

    #[test]
    fn widths_come_from_the_shaped_font() {
        // The old per-character table assumed a subscript takes no width; shaped, the
        // coeng-ro of ក្រ is drawn before the consonant and takes the room of a រ.
        let font = font();
        assert_eq!(font.width("ក្រ", 10.0), font.width("ករ", 10.0));
        assert!(font.width("ក្រ", 10.0) > font.width("ក", 10.0));
        assert!(font.width("WWW", 10.0) > font.width("iii", 10.0) * 3.0);
    }

    #[test]
    fn short_text_is_kept() {
        assert_eq!(fit(&font(), "Health", 100.0, 8.0), "Health");
    }

    #[test]
    fn long_latin_text_is_shortened_with_an_ellipsis() {
        let font = font();
        let s = fit(
            &font,
            "Ministry of Posts and Telecommunications of Cambodia",
            80.0,
            8.0,
        );
        assert!(s.ends_with(ELLIPSIS), "{s}");
        assert!(font.width(&s, 8.0) <= 80.0 + 1e-9, "{s}");
        assert!(s.starts_with("Ministry"), "{s}");
    }

    #[test]
    fn khmer_is_never_cut_inside_a_cluster() {
        let name = "ក្រសួងសុខាភិបាល និង ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍";
        let font = font();
        for w in [5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 60.0, 80.0, 100.0] {
            let s = fit(&font, name, w, 8.0);
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
        let font = font();
        let lines = wrap(
            &font,
            "Critical information infrastructure operators",
            70.0,
            8.0,
            2,
        );
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("Critical"), "{lines:?}");
        assert!(
            lines.iter().all(|l| font.width(l, 8.0) <= 70.0 + 1e-9),
            "{lines:?}"
        );
    }

    #[test]
    fn wrap_breaks_khmer_without_spaces() {
        let lines = wrap(&font(), "ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍", 40.0, 8.0, 3);
        assert!(lines.len() >= 2, "{lines:?}");
        assert!(lines.iter().all(|l| !l.ends_with(COENG)), "{lines:?}");
    }
}
