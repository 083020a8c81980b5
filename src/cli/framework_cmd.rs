//! `posture frameworks`, `posture framework check FILE [--require-lang LANG]`,
//! `posture framework show ID|FILE`. The translation coverage is computed in
//! `framework::coverage`; this module only prints it.

use std::io::Write;
use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

use super::{write_out, CmdResult, ConfigError, Exit};
use crate::framework::{self, Framework, LangCoverage, Source};

/// How many missing texts `framework check` lists per language before it says "and N more".
const MISSING_SHOWN: usize = 10;

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
                if !langs.contains(lang) && lang != "en" {
                    langs.push(lang.clone());
                }
            }
            let coverages: Vec<LangCoverage> = langs.iter().map(|l| coverage.of(l)).collect();
            write_out(std::io::stdout().lock(), |out| {
                writeln!(
                    out,
                    "{}: ok: framework {} {} with {} domains, {} categories, {} questions, scale 0-{}",
                    file.display(),
                    f.id,
                    f.version,
                    f.domains.len(),
                    f.categories.len(),
                    f.questions.len(),
                    f.max_level()
                )?;
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
    Ok(())
}
