//! `posture validate INPUTS...`: located diagnostics for each workbook, grouped by file,
//! in colour on a terminal, plain when piped, or JSON. Nothing else is written.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anstyle::{AnsiColor, Style};
use clap::{Args, ValueEnum};
use serde_json::json;

use super::inputs::{read_inputs, IngestArgs, IngestConfig};
use super::{write_out, CmdResult, Exit};
use crate::framework::Framework;
use crate::lang::Lang;
use crate::report::i18n::{self, Strings};
use crate::report::templates::TemplateSet;
use crate::score::{score_batch, Flag};
use crate::workbook::ingest::{self, Retain};
use crate::workbook::{Diagnostic, Status, Submission};

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  posture validate returned/\n  posture validate moh-2026.xlsx --registry data/agencies.csv --format json\n  posture validate returned/ --lang km"
)]
pub struct ValidateArgs {
    /// Workbooks, or folders searched recursively for .xlsx, .xls and .ods.
    #[arg(required = true, value_name = "INPUTS")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub common: IngestArgs,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Language of the diagnostics: en or km.
    #[arg(long, default_value = "en")]
    pub lang: Lang,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(args: ValidateArgs) -> CmdResult {
    let config = IngestConfig::new(&args.common)?;
    // Levels and evidence are kept for the assurance notes (SPEC section 9).
    let batch = read_inputs(&args.inputs, &config, Retain::Levels)?;
    let subs = &batch.submissions;
    let notes = notes(&config, &batch);
    // The verdict stands even when the reader stops early (`| head`).
    write_out(anstream::stdout().lock(), |out| match args.format {
        Format::Text => write_text(out, subs, &config.framework, args.lang, &notes),
        Format::Json => {
            let mut doc = to_json(subs, &config.framework, args.lang);
            for (entry, flags) in doc["submissions"]
                .as_array_mut()
                .into_iter()
                .flatten()
                .zip(&notes)
            {
                entry["notes"] = json!(flags);
            }
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
    })?;
    Ok(exit_for(subs))
}

/// The assurance flags of each submission (empty unless scored), in `batch` order. They
/// are notes: they never change the exit status.
fn notes(config: &IngestConfig, batch: &ingest::Batch) -> Vec<Vec<Flag>> {
    let scored = score_batch(
        &config.framework,
        &batch.submissions,
        &batch.cells,
        config.registry.as_ref(),
    );
    let by_file: BTreeMap<&str, &Vec<Flag>> = scored
        .iter()
        .map(|(s, a)| (s.file.as_str(), &a.flags))
        .collect();
    batch
        .submissions
        .iter()
        .map(|s| match s.status {
            Status::Scored => by_file
                .get(s.file.as_str())
                .map_or_else(Vec::new, |f| f.to_vec()),
            _ => Vec::new(),
        })
        .collect()
}

/// `Assessment!E12, Assessment!E15: message (kind)`; a long list of cells is cut after
/// the first few (the JSON format lists them all). The message is the flag's own (English)
/// one; in another language it is the rule's text or the kind's wording from the report
/// strings, so a note reads as the agency's report words it.
fn note_for(f: &Flag, framework: &Framework, strings: &Strings, lang: Lang) -> String {
    const SHOWN: usize = 6;
    let mut cells = f
        .cells
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if f.cells.len() > SHOWN {
        let more = f.cells.len() - SHOWN;
        cells.push_str(&match lang {
            Lang::En => format!(" and {more} more"),
            Lang::Km => format!(" និង {more} ទៀត"),
        });
    }
    let kind = f.kind.as_str();
    let message = match lang {
        Lang::En => f.message.clone(),
        _ => {
            let word = |section: &str| {
                strings
                    .section(section)
                    .get(kind)
                    .cloned()
                    .unwrap_or_default()
            };
            let rule = f.rule.as_deref().and_then(|id| framework.rule(id));
            match (rule, &f.agencies) {
                (Some(rule), _) => rule.text.get(lang.code()).to_string(),
                (None, Some(others)) => format!("{} ({})", word("flag_kinds"), others.join(", ")),
                _ => format!("{}៖ {}", word("flag_kinds"), word("flag_details")),
            }
        }
    };
    match cells.as_str() {
        "" => format!("{message} ({kind})"),
        cells => format!("{cells}: {message} ({kind})"),
    }
}

/// 0 when every input is scored or counted once as a duplicate, 1 when any is rejected.
pub fn exit_for(subs: &[Submission]) -> Exit {
    if subs.iter().any(|s| s.status == Status::Rejected) {
        Exit::SomeRejected
    } else {
        Exit::Success
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The words of the text report around the diagnostics, in its language (the diagnostics
/// themselves are worded by `workbook::diagnostic`).
struct Words {
    error: &'static str,
    warning: &'static str,
    note: &'static str,
    rejected: &'static str,
    duplicate: &'static str,
    ok: &'static str,
    lang: Lang,
}

impl Words {
    fn of(lang: Lang) -> Words {
        match lang {
            Lang::En => Words {
                error: "error",
                warning: "warning",
                note: "note",
                rejected: "rejected",
                duplicate: "duplicate",
                ok: "ok",
                lang,
            },
            Lang::Km => Words {
                error: "កំហុស",
                warning: "ការព្រមាន",
                note: "កំណត់ចំណាំ",
                rejected: "ត្រូវបានបដិសេធ",
                duplicate: "ស្ទួន",
                ok: "ល្អ",
                lang,
            },
        }
    }

    fn counts(&self, errors: usize, warnings: usize) -> String {
        match self.lang {
            Lang::En => format!(
                "{}, {}",
                plural(errors, "error"),
                plural(warnings, "warning")
            ),
            Lang::Km => format!("កំហុស {errors}, ការព្រមាន {warnings}"),
        }
    }

    fn warnings(&self, n: usize) -> String {
        match self.lang {
            Lang::En => plural(n, "warning"),
            Lang::Km => format!("ការព្រមាន {n}"),
        }
    }

    fn scored(&self, agency: &str, cycle: &str, answered: usize, total: usize) -> String {
        match self.lang {
            Lang::En => format!("scored: {agency} {cycle}, {answered}/{total} answered"),
            Lang::Km => format!("បានដាក់ពិន្ទុ៖ {agency} វដ្ត {cycle}, បានឆ្លើយ {answered}/{total}"),
        }
    }

    fn summary(&self, files: usize, ok: usize, rejected: usize, duplicate: usize) -> String {
        match self.lang {
            Lang::En => format!(
                "{}: {ok} ok, {rejected} rejected, {duplicate} duplicate",
                plural(files, "file")
            ),
            Lang::Km => format!("ឯកសារ {files}៖ ល្អ {ok}, ត្រូវបានបដិសេធ {rejected}, ស្ទួន {duplicate}"),
        }
    }
}

/// The text report. `out` strips colour itself when it is not a terminal.
pub fn write_text(
    out: &mut impl Write,
    subs: &[Submission],
    framework: &Framework,
    lang: Lang,
    notes: &[Vec<Flag>],
) -> std::io::Result<()> {
    let words = Words::of(lang);
    // The flags' wording in `lang`: the report strings, embedded in the binary.
    let strings = i18n::load(TemplateSet::embedded().get("strings.toml"), lang)
        .map_err(std::io::Error::other)?;
    let bold = Style::new().bold();
    let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    let yellow = Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold();
    let green = Style::new().fg_color(Some(AnsiColor::Green.into())).bold();
    let cyan = Style::new().fg_color(Some(AnsiColor::Cyan.into())).bold();
    let total = framework.questions.len();
    for (i, s) in subs.iter().enumerate() {
        let head = match s.status {
            Status::Rejected => format!(
                "{red}{}{red:#} ({})",
                words.rejected,
                words.counts(s.errors.len(), s.warnings.len())
            ),
            Status::Duplicate => format!(
                "{yellow}{}{yellow:#} ({})",
                words.duplicate,
                words.warnings(s.warnings.len())
            ),
            Status::Scored => format!(
                "{green}{}{green:#} ({})",
                words.ok,
                words.scored(
                    s.agency_id().unwrap_or("?"),
                    s.cycle().unwrap_or("?"),
                    s.answered,
                    total
                )
            ),
        };
        writeln!(out, "{bold}{}{bold:#}: {head}", s.file)?;
        for e in &s.errors {
            writeln!(out, "  {red}{}{red:#}: {}", words.error, e.line(lang))?;
        }
        for w in &s.warnings {
            writeln!(
                out,
                "  {yellow}{}{yellow:#}: {}",
                words.warning,
                w.line(lang)
            )?;
        }
        for f in notes.get(i).into_iter().flatten() {
            writeln!(
                out,
                "  {cyan}{}{cyan:#}: {}",
                words.note,
                note_for(f, framework, &strings, lang)
            )?;
        }
    }
    let count = |st: Status| subs.iter().filter(|s| s.status == st).count();
    writeln!(
        out,
        "{}",
        words.summary(
            subs.len(),
            count(Status::Scored),
            count(Status::Rejected),
            count(Status::Duplicate)
        )
    )
}

/// The JSON report: the `submissions` entries of SPEC section 6, plus counts.
pub fn to_json(subs: &[Submission], framework: &Framework, lang: Lang) -> serde_json::Value {
    let diag = |d| Diagnostic::json(d, lang);
    let submissions: Vec<serde_json::Value> = subs
        .iter()
        .map(|s| {
            json!({
                "file": s.file,
                "sha256": s.sha256,
                "status": s.status,
                "agency_id": s.agency_id(),
                "cycle": s.cycle(),
                "errors": s.errors.iter().map(diag).collect::<Vec<_>>(),
                "warnings": s.warnings.iter().map(diag).collect::<Vec<_>>(),
            })
        })
        .collect();
    let count = |st: Status| subs.iter().filter(|s| s.status == st).count();
    json!({
        "tool": {"name": "posture", "version": crate::VERSION},
        "framework": {"id": framework.id, "version": framework.version, "sha256": framework.sha256},
        "submissions": submissions,
        "summary": {
            "files": subs.len(),
            "scored": count(Status::Scored),
            "rejected": count(Status::Rejected),
            "duplicate": count(Status::Duplicate),
        },
    })
}
