//! The report templates: embedded in the binary, each replaceable by a file of the same name
//! in a `--templates` folder, and the minijinja environment that renders them to Typst with
//! the `typst` auto-escape, strict undefined values and the display filters.
//!
//! Filters: `fmt(digits)` rounds for display (`–` for no value), `pct(digits)` shows a share
//! 0..1 as a percentage, `signed(digits)` shows a change with its sign, `level` shows a
//! scale level with its label in the report language, `num` gives a number (or `none`)
//! for Typst code, `lit` gives a Typst string literal
//! for code positions (see [`super::escape`]).

use std::collections::BTreeMap;

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use super::escape;

/// Every template file, with its embedded content. `styles.typ` is copied as it is; the
/// `.j2` files are minijinja templates that render Typst; `strings.toml` holds the labels.
pub const EMBEDDED: [(&str, &str); 6] = [
    (
        "styles.typ",
        include_str!("../../report-templates/styles.typ"),
    ),
    (
        "national.typ.j2",
        include_str!("../../report-templates/national.typ.j2"),
    ),
    (
        "agency.typ.j2",
        include_str!("../../report-templates/agency.typ.j2"),
    ),
    (
        "brief.typ.j2",
        include_str!("../../report-templates/brief.typ.j2"),
    ),
    (
        "macros.typ.j2",
        include_str!("../../report-templates/macros.typ.j2"),
    ),
    (
        "strings.toml",
        include_str!("../../report-templates/strings.toml"),
    ),
];

/// The template files in effect: embedded, with any same-named file from `dir` replacing them.
#[derive(Clone, Debug)]
pub struct TemplateSet {
    pub files: BTreeMap<&'static str, String>,
}

impl TemplateSet {
    /// The templates built into the binary.
    pub fn embedded() -> TemplateSet {
        TemplateSet {
            files: EMBEDDED
                .iter()
                .map(|(name, text)| (*name, text.to_string()))
                .collect(),
        }
    }

    /// Replaces the template `name` (one of [`EMBEDDED`]) with `text`; the CLI does this for
    /// each same-named file of a `--templates` folder. An unknown name is refused, so that a
    /// misspelt file cannot be ignored silently.
    pub fn replace(&mut self, name: &str, text: String) -> Result<(), String> {
        let (known, _) = EMBEDDED
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| format!("`{name}` is not a report template"))?;
        self.files.insert(known, text);
        Ok(())
    }

    pub fn get(&self, name: &str) -> &str {
        self.files.get(name).map(String::as_str).unwrap_or_default()
    }
}

fn number(v: &Value) -> Option<f64> {
    if v.is_none() || v.is_undefined() {
        return None;
    }
    f64::try_from(v.clone()).ok().filter(|f| f.is_finite())
}

fn round(x: f64, digits: usize) -> String {
    let s = format!("{x:.digits$}");
    // "-0.0" reads as a decline that never happened.
    match s.strip_prefix('-') {
        Some(abs) if abs.chars().all(|c| c == '0' || c == '.') => abs.to_string(),
        _ => s,
    }
}

/// Build the environment for one report language. `levels` are the scale labels in that
/// language, for the `level` filter.
pub fn environment(set: &TemplateSet, levels: Vec<String>) -> Result<Environment<'static>, String> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::Custom(escape::TYPST.into()));
    env.set_formatter(escape::formatter);
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| e.to_string())?;
    env.set_syntax(syntax);
    env.add_filter("lit", escape::lit);
    env.add_filter("fmt", |v: Value, digits: Option<usize>| -> String {
        match number(&v) {
            Some(x) => round(x, digits.unwrap_or(1)),
            None => "–".to_string(),
        }
    });
    env.add_filter("pct", |v: Value, digits: Option<usize>| -> String {
        match number(&v) {
            Some(x) => format!("{}%", round(x * 100.0, digits.unwrap_or(0))),
            None => "–".to_string(),
        }
    });
    env.add_filter("signed", |v: Value, digits: Option<usize>| -> String {
        match number(&v) {
            Some(x) => {
                let s = round(x, digits.unwrap_or(2));
                if let Some(abs) = s.strip_prefix('-') {
                    format!("−{abs}")
                } else if s.chars().any(|c| c.is_ascii_digit() && c != '0') {
                    format!("+{s}")
                } else {
                    s
                }
            }
            None => "–".to_string(),
        }
    });
    env.add_filter("num", |v: Value| -> Value {
        match number(&v) {
            Some(x) => Value::from_safe_string(x.to_string()),
            None => Value::from_safe_string("none".to_string()),
        }
    });
    // Only whole levels: a score is turned into its tier by the scoring (SPEC section 5),
    // never here, so a template cannot floor 2.9999999999999996 to the wrong tier.
    env.add_filter(
        "level",
        move |v: Value| -> Result<String, minijinja::Error> {
            if v.is_none() || v.is_undefined() {
                return Ok("–".to_string());
            }
            let level = u8::try_from(v.clone()).map_err(|_| {
                minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!("`level` takes a whole scale level, not {v}"),
                )
            })?;
            Ok(match levels.get(usize::from(level)) {
                Some(label) => format!("{level} – {label}"),
                None => level.to_string(),
            })
        },
    );
    for (name, _) in EMBEDDED {
        if name.ends_with(".j2") {
            env.add_template_owned(name.to_string(), set.get(name).to_string())
                .map_err(|e| format!("failed to load template {name} ({e})"))?;
        }
    }
    Ok(env)
}

/// Render one template with `ctx`; errors name the template and line.
pub fn render(env: &Environment, name: &str, ctx: Value) -> Result<String, String> {
    let tmpl = env
        .get_template(name)
        .map_err(|e| format!("failed to load template {name} ({e})"))?;
    tmpl.render(ctx).map_err(|e| {
        let mut msg = format!("failed to render template {name} ({e}");
        if let Some(line) = e.line() {
            msg.push_str(&format!(", line {line}"));
        }
        msg.push(')');
        msg
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_with(src: &str) -> Environment<'static> {
        let mut set = TemplateSet::embedded();
        set.replace("brief.typ.j2", src.to_string()).unwrap();
        environment(&set, vec!["Not performed".into(), "Initial".into()]).unwrap()
    }

    #[test]
    fn filters_round_for_display() {
        let env = env_with(
            "{{ a|fmt(2) }} {{ n|fmt }} {{ s|pct }} {{ c|signed }} {{ z|signed }} {{ l|level }} {{ m|fmt(1) }}",
        );
        let out = render(
            &env,
            "brief.typ.j2",
            minijinja::context! { a => 2.734, n => (), s => 0.8333, c => -0.304, z => -0.0001, l => 1, m => -0.01 },
        )
        .unwrap();
        assert_eq!(
            out,
            "#\"2.73\"; #\"–\"; #\"83%\"; #\"−0.30\"; #\"0.00\"; #\"1 – Initial\"; #\"0.0\";"
        );
    }

    #[test]
    fn level_takes_only_whole_levels() {
        // A score is never floored into a tier by a template (the tier comes from scoring).
        let env = env_with("{{ x|level }}");
        let err = render(
            &env,
            "brief.typ.j2",
            minijinja::context! { x => 2.9999999999999996 },
        )
        .unwrap_err();
        assert!(err.contains("whole scale level"), "{err}");
    }

    #[test]
    fn a_typo_in_a_template_fails() {
        let env = env_with("{{ summary.indx }}");
        let err = render(
            &env,
            "brief.typ.j2",
            minijinja::context! { summary => minijinja::context!{ index => 1 } },
        )
        .unwrap_err();
        assert!(
            err.starts_with("failed to render template brief.typ.j2"),
            "{err}"
        );
    }

    #[test]
    fn a_replaced_template_is_used_and_unknown_names_are_refused() {
        let mut set = TemplateSet::embedded();
        set.replace("brief.typ.j2", "custom".into()).unwrap();
        assert_eq!(set.get("brief.typ.j2"), "custom");
        assert_eq!(set.get("styles.typ"), EMBEDDED[0].1);
        assert!(set.replace("brief.typ", "x".into()).is_err());
    }
}
