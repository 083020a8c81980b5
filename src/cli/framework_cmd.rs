//! `posture frameworks`, `posture framework check FILE`, `posture framework show ID|FILE`.

use std::io::Write;
use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

use super::{CmdResult, ConfigError, Exit};
use crate::framework::{self, Framework};

#[derive(Subcommand, Debug)]
pub enum FrameworkCommand {
    /// Check a framework file and report every problem with file:line:column.
    #[command(after_help = "Example:\n  posture framework check frameworks/my-sector.toml")]
    Check {
        /// The framework file (TOML).
        file: PathBuf,
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
    let mut out = std::io::stdout().lock();
    for id in framework::builtin_ids() {
        let f = framework::builtin(id).expect("listed built-in exists")?;
        writeln!(
            out,
            "{:<14} {:<8} {:>3} questions  {}",
            f.id,
            f.version,
            f.questions.len(),
            f.title.en()
        )?;
    }
    Ok(Exit::Success)
}

pub fn run(cmd: FrameworkCommand) -> CmdResult {
    match cmd {
        FrameworkCommand::Check { file } => {
            let f = framework::load_file(&file)?;
            println!(
                "{}: ok: framework {} {} with {} domains, {} categories, {} questions, scale 0-{}",
                file.display(),
                f.id,
                f.version,
                f.domains.len(),
                f.categories.len(),
                f.questions.len(),
                f.max_level()
            );
            Ok(Exit::Success)
        }
        FrameworkCommand::Show {
            framework,
            format,
            lang,
        } => {
            let f = framework::resolve(&framework)?;
            let mut out = std::io::stdout().lock();
            match format {
                ShowFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &f)?;
                    writeln!(out)?;
                }
                ShowFormat::Text => write_outline(&mut out, &f, &lang)?,
            }
            Ok(Exit::Success)
        }
    }
}

fn write_outline(out: &mut impl Write, f: &Framework, lang: &str) -> Result<(), ConfigError> {
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
