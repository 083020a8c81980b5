//! Cell values as posture sees them, independent of the file format, and the parsing of a
//! `level` cell into an [`Answer`] (SPEC section 4). Every accepted and rejected form lives
//! here, so the rules can be read and tested in one place.

use crate::workbook::{Answer, CellKind, Diagnostic, Kind};

/// One cell's content after reading, whatever the file format. Odd contents are values,
/// never failures: the validator judges them.
#[derive(Clone, Debug, PartialEq)]
pub enum CellValue {
    Empty,
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
    /// A date- or time-formatted cell, shown as the workbook would show it.
    Date(String),
    /// An error value such as `#REF!`.
    Error(String),
    /// A formula whose result was never computed or saved (no cached value).
    FormulaNoValue(String),
}

impl CellValue {
    /// The cell as free text (Profile values, evidence, question ids): numbers without a
    /// spurious `.0`, text trimmed; `None` when empty or blank.
    pub fn as_text(&self) -> Option<String> {
        let s = match self {
            CellValue::Empty | CellValue::FormulaNoValue(_) => return None,
            CellValue::Int(i) => i.to_string(),
            CellValue::Float(f) => format_number(*f),
            CellValue::Text(t) => t.trim().to_string(),
            CellValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            CellValue::Date(d) => d.clone(),
            CellValue::Error(e) => e.clone(),
        };
        Some(s).filter(|s| !s.is_empty())
    }

    /// What the cell holds and its value as a diagnostic shows it (a formula with its `=`).
    pub fn found(&self) -> (CellKind, String) {
        match self {
            CellValue::Empty => (CellKind::Empty, String::new()),
            CellValue::Int(i) => (CellKind::Number, i.to_string()),
            CellValue::Float(f) => (CellKind::Number, format_number(*f)),
            CellValue::Text(t) => (CellKind::Text, t.clone()),
            CellValue::Bool(b) => (
                CellKind::Boolean,
                if *b { "TRUE" } else { "FALSE" }.to_string(),
            ),
            CellValue::Date(d) => (CellKind::Date, d.clone()),
            CellValue::Error(e) => (CellKind::ErrorValue, e.clone()),
            CellValue::FormulaNoValue(f) => (
                CellKind::FormulaNoValue,
                format!("={}", f.trim_start_matches('=')),
            ),
        }
    }
}

/// A number as a person would write it: `3`, `2.5`, `2026`.
pub fn format_number(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Parse a `level` cell. `Ok(Answer::Unanswered)` for an empty or blank cell.
/// A refused cell is a [`Kind::BadLevel`] diagnostic without its location.
pub fn parse_level(value: &CellValue, max: u8, allow_na: bool) -> Result<Answer, Box<Diagnostic>> {
    let refuse = || {
        let (kind, found) = value.found();
        let na = if allow_na { ", N/A" } else { "" };
        Box::new(
            Diagnostic::error(Kind::BadLevel {
                value: kind,
                max,
                allow_na,
            })
            .with_found(&found)
            .with_expected(&format!("0–{max}{na}")),
        )
    };
    match value {
        CellValue::Empty => Ok(Answer::Unanswered),
        CellValue::Int(i) => level_in_scale(*i as f64, max).ok_or_else(refuse),
        CellValue::Float(f) => level_in_scale(*f, max).ok_or_else(refuse),
        CellValue::Text(t) => match parse_level_text(t, max) {
            TextLevel::Blank => Ok(Answer::Unanswered),
            TextLevel::Level(l) => Ok(Answer::Level(l)),
            TextLevel::NotApplicable if allow_na => Ok(Answer::NotApplicable),
            TextLevel::NotApplicable | TextLevel::Invalid => Err(refuse()),
        },
        CellValue::Bool(_)
        | CellValue::Date(_)
        | CellValue::Error(_)
        | CellValue::FormulaNoValue(_) => Err(refuse()),
    }
}

fn level_in_scale(f: f64, max: u8) -> Option<Answer> {
    (f.is_finite() && f.fract() == 0.0 && (0.0..=f64::from(max)).contains(&f))
        .then_some(Answer::Level(f as u8))
}

enum TextLevel {
    Blank,
    Level(u8),
    NotApplicable,
    Invalid,
}

/// Khmer digits (U+17E0..U+17E9) count as digits.
fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{17E0}'..='\u{17E9}' => char::from(b'0' + (u32::from(c) - 0x17E0) as u8),
            c => c,
        })
        .collect()
}

fn parse_level_text(raw: &str, max: u8) -> TextLevel {
    let text = ascii_digits(raw.trim());
    if text.is_empty() {
        return TextLevel::Blank;
    }
    let lower = text.to_lowercase();
    if matches!(lower.as_str(), "n/a" | "na" | "not applicable") {
        return TextLevel::NotApplicable;
    }
    // A plain number: "3", "3.0" (but not "2.5", "-1", "7", "1e0").
    if is_plain_decimal(&text) {
        return match text
            .parse::<f64>()
            .ok()
            .and_then(|f| level_in_scale(f, max))
        {
            Some(Answer::Level(l)) => TextLevel::Level(l),
            _ => TextLevel::Invalid,
        };
    }
    // A dropdown label: digits, optional spaces, a dash of any width, then anything.
    let digits_end = text
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    if digits_end == 0 {
        return TextLevel::Invalid;
    }
    let rest = text[digits_end..].trim_start();
    if !rest.starts_with(['-', '–', '—']) {
        return TextLevel::Invalid;
    }
    match text[..digits_end].parse::<u32>() {
        Ok(n) if n <= u32::from(max) => TextLevel::Level(n as u8),
        _ => TextLevel::Invalid,
    }
}

/// `3`, `3.0`, `03` — digits with an optional fractional part, nothing else.
fn is_plain_decimal(s: &str) -> bool {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(v: CellValue, allow_na: bool) -> Answer {
        parse_level(&v, 5, allow_na).unwrap_or_else(|e| panic!("{v:?}: {}", e.message()))
    }

    fn err(v: CellValue, allow_na: bool) -> String {
        match parse_level(&v, 5, allow_na) {
            Ok(a) => panic!("{v:?} was accepted as {a:?}"),
            Err(e) => e.message(),
        }
    }

    fn text(s: &str) -> CellValue {
        CellValue::Text(s.to_string())
    }

    #[test]
    fn accepts_every_documented_form() {
        use Answer::*;
        assert_eq!(ok(CellValue::Int(3), false), Level(3));
        assert_eq!(ok(CellValue::Int(0), false), Level(0));
        assert_eq!(ok(CellValue::Int(5), false), Level(5));
        assert_eq!(ok(CellValue::Float(3.0), false), Level(3));
        for s in ["3", " 3 ", "3.0", "03", "\u{a0}3\t", "៣", " ៣ "] {
            assert_eq!(ok(text(s), false), Level(3), "{s:?}");
        }
        for s in [
            "3 - Defined",
            "3 – Defined",
            "3 — Defined",
            "3-Defined",
            "3 -",
            "  3   -   Defined  ",
            "៣ - កំណត់",
        ] {
            assert_eq!(ok(text(s), false), Level(3), "{s:?}");
        }
        for s in [
            "N/A",
            "NA",
            "n/a",
            "na",
            "Not Applicable",
            " not applicable ",
        ] {
            assert_eq!(ok(text(s), true), NotApplicable, "{s:?}");
        }
        assert_eq!(ok(CellValue::Empty, false), Unanswered);
        assert_eq!(ok(text(""), false), Unanswered);
        assert_eq!(ok(text("   "), false), Unanswered);
    }

    #[test]
    fn refuses_everything_else_with_value_and_expectation() {
        let e = err(text("2.5"), false);
        assert_eq!(
            e,
            "found \"2.5\"; expected a whole level 0–5 or a label like \"3 - ...\" (this question does not allow N/A)"
        );
        assert_eq!(
            err(CellValue::Float(2.5), true),
            "found \"2.5\"; expected a whole level 0–5, a label like \"3 - ...\", or N/A"
        );
        assert!(err(CellValue::Int(7), false).starts_with("found \"7\";"));
        assert!(err(CellValue::Int(-1), false).starts_with("found \"-1\";"));
        assert!(err(CellValue::Float(6.0), false).starts_with("found \"6\";"));
        assert!(err(CellValue::Float(f64::NAN), false).starts_with("found \"NaN\";"));
        assert!(err(CellValue::Bool(true), false).starts_with("found TRUE (a boolean);"));
        assert!(err(CellValue::Date("2026-01-03".into()), false)
            .starts_with("found \"2026-01-03\" (a date-formatted cell);"));
        assert!(err(CellValue::Error("#REF!".into()), false)
            .starts_with("found the error value #REF!;"));
        assert!(err(CellValue::FormulaNoValue("=B2+1".into()), false)
            .starts_with("found a formula with no cached value (=B2+1);"));
        assert!(err(text("N/A"), false).starts_with("found \"N/A\";"));
        for s in [
            "-1",
            "7",
            "2.5",
            "3.",
            ".3",
            "1e0",
            "+3",
            "3 Defined",
            "Defined",
            "three",
            "3/5",
            "6 - Too high",
            "- 3",
            "3.0 - Defined",
            "99999999999 - x",
            "N / A",
        ] {
            assert!(
                err(text(s), true).starts_with(&format!("found \"{s}\";")),
                "{s:?}"
            );
        }
    }

    #[test]
    fn small_scales_use_a_valid_example() {
        assert_eq!(
            parse_level(&text("3"), 2, true).unwrap_err().message(),
            "found \"3\"; expected a whole level 0–2, a label like \"2 - ...\", or N/A"
        );
        assert_eq!(parse_level(&text("3"), 2, false).map_err(|_| ()), Err(()));
    }

    #[test]
    fn long_text_is_clipped_to_one_line() {
        let long = format!("line one\nline two {}", "x".repeat(200));
        let e = err(text(&long), false);
        assert!(!e.contains('\n'));
        assert!(e.len() < 250, "{e}");
    }
}
