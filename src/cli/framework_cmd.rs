//! `posture frameworks`, `posture framework check FILE [--require-lang LANG]`,
//! `posture framework show ID|FILE`, `posture framework import FILE --out FILE.toml`. The
//! translation coverage is computed in `framework::coverage` and the conversion in
//! `framework::import`; this module only reads, writes and prints.

use std::io::Write;
use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

use super::{write_out, CmdResult, ConfigError, Exit};
use crate::framework::{self, Framework, LangCoverage, Source};

/// How many missing texts `framework check` lists per language before it says "and N more".
const MISSING_SHOWN: usize = 10;
/// How many import warnings of one kind are printed before "and N more".
const WARNINGS_SHOWN: usize = 10;

#[derive(Subcommand, Debug)]
pub enum FrameworkCommand {
    /// Check a framework file and report every problem with file:line:column, then the
    /// translation coverage of every language it has texts in.
    #[command(
        after_help = "Examples:\n  posture framework check frameworks/my-sector.toml\n  posture framework check frameworks/my-sector.toml --require-lang km"
    )]
    Check {
        /// The framework file (TOML).
        file: PathBuf,
        /// Make a missing translation into this language an error (exit 2); repeatable.
        #[arg(long = "require-lang", value_name = "LANG")]
        require_lang: Vec<String>,
    },
    /// Print a framework as an outline, or as JSON for other tools.
    #[command(
        after_help = "Examples:\n  posture framework show kh-ncmf\n  posture framework show frameworks/kh-ncmf.toml --format json"
    )]
    Show {
        /// A built-in framework id or a path to a framework file.
        framework: String,
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
        /// Language of the outline's texts (falls back to English).
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Convert a framework library in the YAML format of the CISO Assistant project into a
    /// framework file that `framework check` accepts (SPEC section 12).
    #[command(
        after_help = "Examples:\n  posture framework import nist-csf-2.0.yaml --out frameworks/csf.toml\n  posture framework import iso27001-2022.yaml --out iso.toml --id iso-27001\n\n\
What is mapped with a loss (ignored implementation groups, binned scores, synthesised ids) is a \
warning with its YAML line; what cannot be mapped is an error with line and column, and then \
nothing is written (exit 2)."
    )]
    Import {
        /// The library file (YAML).
        file: PathBuf,
        /// The framework file to write (TOML); replaced if it exists.
        #[arg(long, value_name = "FILE.toml")]
        out: PathBuf,
        /// The framework id (lower-case letters, digits, `-` and `.`); by default the
        /// library's ref_id, lower-cased, every other character made `-`.
        #[arg(long)]
        id: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ShowFormat {
    Text,
    Json,
}

pub fn list() -> CmdResult {
    let frameworks = framework::builtin_ids()
        .into_iter()
        .map(|id| framework::builtin(id).expect("listed built-in exists"))
        .collect::<Result<Vec<_>, _>>()?;
    write_out(std::io::stdout().lock(), |out| {
        for f in &frameworks {
            writeln!(
                out,
                "{:<14} {:<8} {:>3} questions  {}",
                f.id,
                f.version,
                f.questions.len(),
                f.title.en()
            )?;
        }
        Ok(())
    })?;
    Ok(Exit::Success)
}

pub fn run(cmd: FrameworkCommand) -> CmdResult {
    match cmd {
        FrameworkCommand::Check { file, require_lang } => {
            let text = framework::read_file(&file)?;
            let (f, coverage) = framework::load_with_coverage(&text, Source::File(file.clone()))?;
            let mut langs = coverage.languages();
            for lang in &require_lang {
                if !langs.contains(lang) && *lang != f.lang {
                    langs.push(lang.clone());
                }
            }
            let coverages: Vec<LangCoverage> = langs.iter().map(|l| coverage.of(l)).collect();
            write_out(std::io::stdout().lock(), |out| {
                writeln!(out, "{}: ok: {}", file.display(), shape(&f))?;
                for c in &coverages {
                    write_coverage(out, &coverage.file, c)?;
                }
                Ok(())
            })?;
            let incomplete: Vec<&LangCoverage> = coverages
                .iter()
                .filter(|c| require_lang.contains(&c.lang) && !c.is_complete())
                .collect();
            match incomplete.first() {
                None => Ok(Exit::Success),
                Some(_) => Err(ConfigError::new(
                    incomplete
                        .iter()
                        .map(|c| {
                            let first = &c.missing[0];
                            let total = c.total();
                            format!(
                                "{}:{}:{}: the {lang} translation is incomplete: {} of {} texts are missing (--require-lang {lang}; the first ones are listed above)",
                                coverage.file,
                                first.line,
                                first.column,
                                total.total - total.translated,
                                total.total,
                                lang = c.lang,
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                )),
            }
        }
        FrameworkCommand::Import { file, out, id } => import(&file, &out, id),
        FrameworkCommand::Show {
            framework,
            format,
            lang,
        } => {
            let f = framework::resolve(&framework)?;
            write_out(std::io::stdout().lock(), |out| match format {
                ShowFormat::Json => {
                    serde_json::to_writer_pretty(&mut *out, &f)?;
                    writeln!(out)
                }
                ShowFormat::Text => write_outline(out, &f, &lang),
            })?;
            Ok(Exit::Success)
        }
    }
}

/// `framework import`: read the library, convert it, check that the result loads, write it
/// atomically; warnings go to stderr with the library's line, at most ten of each kind.
fn import(file: &std::path::Path, out: &std::path::Path, id: Option<String>) -> CmdResult {
    use crate::framework::import::{import, ImportOptions};
    if let Some(id) = &id {
        let ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
        if !ok {
            return Err(ConfigError::new(format!(
                "--id `{id}` is not a framework id (lower-case letters, digits, `-` and `.`)"
            )));
        }
    }
    let shown = file.display();
    let bytes = std::fs::read(file)
        .map_err(|e| ConfigError::new(format!("failed to read {shown} ({e})")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| ConfigError::new(format!("failed to read {shown} (it is not UTF-8 text)")))?;
    let imported = import(&text, &ImportOptions { id })
        .map_err(|e| ConfigError::new(format!("{shown}:{e}")).with_hint("nothing was written"))?;
    // The converted file must load like any other; if it does not, that is a bug here,
    // and nothing is written either.
    let framework = framework::load_str(&imported.toml, Source::File(out.to_path_buf()))
        .map_err(|e| {
            ConfigError::new(format!(
                "failed to import {shown} (the converted framework does not load; please report this):\n{e}"
            ))
        })?;
    crate::atomic_file::write(out, imported.toml.as_bytes())
        .map_err(|e| ConfigError::new(format!("failed to write {} ({e})", out.display())))?;
    let _ = std::io::stdout().flush();
    let mut per_kind: std::collections::BTreeMap<_, usize> = std::collections::BTreeMap::new();
    for w in &imported.warnings {
        let n = per_kind.entry(w.kind).or_default();
        *n += 1;
        if *n <= WARNINGS_SHOWN {
            eprintln!("warning: {shown}:{}: {}", w.line, w.message);
        }
    }
    for n in per_kind.values().filter(|n| **n > WARNINGS_SHOWN) {
        eprintln!("warning: ... and {} more like this", n - WARNINGS_SHOWN);
    }
    write_out(std::io::stdout().lock(), |stdout| {
        writeln!(
            stdout,
            "{}: {}, from {shown} ({} warnings)",
            out.display(),
            shape(&framework),
            imported.warnings.len()
        )
    })?;
    Ok(Exit::Success)
}

/// `framework kh-ncmf 1.0.1 with 4 domains, 22 categories, 87 questions, scale 0-5`.
fn shape(f: &Framework) -> String {
    format!(
        "framework {} {} with {} domains, {} categories, {} questions, scale 0-{}, {} assurance rules (evidence from level {})",
        f.id,
        f.version,
        f.domains.len(),
        f.categories.len(),
        f.questions.len(),
        f.max_level(),
        f.rules.len(),
        f.evidence_from
    )
}

/// `km: 830 of 830 texts (100%), not yet reviewed`, the counts per kind of text, then the
/// first missing texts with file:line:column.
fn write_coverage(out: &mut impl Write, file: &str, c: &LangCoverage) -> std::io::Result<()> {
    let total = c.total();
    let review = match &c.status {
        None => String::new(),
        Some(s) if !s.reviewed => ", not yet reviewed".to_string(),
        Some(s) => {
            let mut said = ", reviewed".to_string();
            if let Some(by) = &s.by {
                said.push_str(&format!(" by {by}"));
            }
            if let Some(on) = &s.on {
                said.push_str(&format!(" on {on}"));
            }
            said
        }
    };
    writeln!(
        out,
        "{}: translation {}: {} of {} texts ({}){review}",
        file,
        c.lang,
        total.translated,
        total.total,
        percent(total.translated, total.total)
    )?;
    for (kind, count) in &c.counts {
        writeln!(
            out,
            "  {:<24} {:>4} of {}",
            kind.label(),
            count.translated,
            count.total
        )?;
    }
    for p in c.missing.iter().take(MISSING_SHOWN) {
        writeln!(out, "  {file}:{}:{}: {}", p.line, p.column, p.message)?;
    }
    if c.missing.len() > MISSING_SHOWN {
        writeln!(
            out,
            "  ... and {} more missing {} texts",
            c.missing.len() - MISSING_SHOWN,
            c.lang
        )?;
    }
    Ok(())
}

/// A share rounded down, so that "100%" is only said of a complete translation.
fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "100%".into();
    }
    let tenths = part * 1000 / whole;
    if tenths.is_multiple_of(10) {
        format!("{}%", tenths / 10)
    } else {
        format!("{}.{}%", tenths / 10, tenths % 10)
    }
}

fn write_outline(out: &mut impl Write, f: &Framework, lang: &str) -> std::io::Result<()> {
    writeln!(out, "{} {} — {}", f.id, f.version, f.title.get(lang))?;
    writeln!(out, "source: {}", f.source)?;
    writeln!(out, "sha256: {}", f.sha256)?;
    let scale: Vec<String> = f
        .scale
        .iter()
        .map(|s| format!("{} {}", s.level, s.label.get(lang)))
        .collect();
    writeln!(out, "scale:  {}", scale.join(" | "))?;
    let mut targets = format!("default {}", f.default_target);
    for (sector, t) in &f.targets {
        targets.push_str(&format!(", {sector} {t}"));
    }
    writeln!(out, "target: {targets}")?;
    for d in &f.domains {
        writeln!(out)?;
        writeln!(out, "{}  {}  (weight {})", d.id, d.name.get(lang), d.weight)?;
        for &ci in &d.categories {
            let c = &f.categories[ci];
            writeln!(
                out,
                "  {}  {}  (weight {})",
                c.id,
                c.name.get(lang),
                c.weight
            )?;
            for &qi in &c.questions {
                let q = &f.questions[qi];
                let mut flags = Vec::new();
                if q.weight != 1.0 {
                    flags.push(format!("weight {}", q.weight));
                }
                if q.allow_na {
                    flags.push("N/A allowed".to_string());
                }
                let flags = if flags.is_empty() {
                    String::new()
                } else {
                    format!("  [{}]", flags.join(", "))
                };
                writeln!(out, "    {}  {}{}", q.id, q.text.get(lang), flags)?;
                if !q.refs.is_empty() {
                    writeln!(out, "        refs: {}", q.refs.join(", "))?;
                }
            }
        }
    }
    if !f.rules.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "assurance: evidence from level {}; {} rules",
            f.evidence_from,
            f.rules.len()
        )?;
        let term = |t: &crate::framework::RuleTerm| {
            let what = match t.subject {
                crate::framework::RuleSubject::Question => "",
                crate::framework::RuleSubject::Category => "category ",
            };
            format!("{what}{} >= {}", t.id, t.at_least)
        };
        for r in &f.rules {
            writeln!(
                out,
                "  {}  when {} requires {}",
                r.id,
                term(&r.when),
                term(&r.requires)
            )?;
            writeln!(out, "      {}", r.text.get(lang))?;
        }
    }
    Ok(())
}
