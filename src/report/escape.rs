//! Escaping for Typst: the minijinja auto-escape mode `typst` and its formatter.
//!
//! Every value a template prints is written as a Typst string literal in markup, `#"…";`,
//! so agency text can never become markup, code, math, a label or a reference: inside a
//! string literal only `\` and `"` are special, and both are escaped (as are control
//! characters). The trailing `;` ends the expression so that text following the value in the
//! template (such as `.len()`) can never chain onto it. Numbers and booleans are written
//! plainly because they cannot carry markup and templates use them in code (widths, colours).
//! A template opts out only by marking a value `safe` deliberately, or by using the `lit`
//! filter, which yields a bare string literal `"…"` for use in Typst code positions.

use std::fmt::Write as _;

use minijinja::value::{Value, ValueKind};
use minijinja::{AutoEscape, Error, ErrorKind, Output, State};

/// The name of the custom auto-escape mode.
pub const TYPST: &str = "typst";

/// `s` as a Typst string literal, quotes included: `"a \"b\" \\ c"`.
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `s` as Typst markup that shows it literally: `#"…";`.
pub fn markup(s: &str) -> String {
    format!("#{};", string_literal(s))
}

/// The minijinja formatter: Typst escaping when the template's auto-escape is `typst`,
/// minijinja's default behaviour otherwise.
pub fn formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    if !matches!(state.auto_escape(), AutoEscape::Custom(name) if name == TYPST) {
        return minijinja::escape_formatter(out, state, value);
    }
    if value.is_safe() {
        return out
            .write_str(value.as_str().unwrap_or_default())
            .map_err(Error::from);
    }
    let text = match value.kind() {
        ValueKind::Number => {
            let plain = value.to_string();
            // inf/NaN are not Typst numbers; show them as text rather than break the code.
            if plain
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
            {
                plain
            } else {
                markup(&plain)
            }
        }
        ValueKind::Bool => (if value.is_true() { "true" } else { "false" }).to_string(),
        ValueKind::None => "#none;".to_string(),
        ValueKind::Undefined => {
            return Err(Error::new(
                ErrorKind::UndefinedError,
                "undefined value printed in a Typst template",
            ))
        }
        ValueKind::String => markup(value.as_str().unwrap_or_default()),
        _ => markup(&value.to_string()),
    };
    out.write_str(&text).map_err(Error::from)
}

/// Filter `lit`: the value as a bare Typst string literal for code positions, e.g.
/// `#image({{ path | lit }})`. Marked safe because it is already escaped.
pub fn lit(value: Value) -> Value {
    let s = match value.as_str() {
        Some(s) => s.to_string(),
        None => value.to_string(),
    };
    Value::from_safe_string(string_literal(&s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_escapes_quotes_backslashes_and_controls() {
        assert_eq!(string_literal(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(string_literal("x\ny\t\u{7}"), r#""x\ny\t\u{7}""#);
        assert_eq!(string_literal("ក្រសួង"), "\"ក្រសួង\"");
        assert_eq!(markup("*x*"), "#\"*x*\";");
    }

    fn render(src: &str, ctx: Value) -> String {
        let mut env = minijinja::Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Custom(TYPST.into()));
        env.set_formatter(formatter);
        env.add_filter("lit", lit);
        env.add_template("t", src).unwrap();
        env.get_template("t").unwrap().render(ctx).unwrap()
    }

    #[test]
    fn formatter_escapes_strings_but_not_numbers_or_safe_values() {
        let evil = r#"#read("/etc/passwd") *x* $y$ <l> @r \"#;
        let out = render(
            "{{ a }}|{{ n }}|{{ f }}|{{ b }}|{{ s|safe }}|{{ a|lit }}|{{ z }}",
            minijinja::context! { a => evil, n => 3, f => 2.5, b => true, s => "*bold*", z => () },
        );
        assert_eq!(
            out,
            r##"#"#read(\"/etc/passwd\") *x* $y$ <l> @r \\";|3|2.5|true|*bold*|"#read(\"/etc/passwd\") *x* $y$ <l> @r \\"|#none;"##
        );
    }
}
