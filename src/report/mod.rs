//! The PDF reports (SPEC section 8): the national posture report, the policymaker brief and
//! one gap analysis per scored agency, rendered from minijinja templates into Typst and
//! compiled by the `typst` CLI.
//!
//! Two steps, as typst's own `World` model: [`build`] is pure (scored data + [`Assets`] +
//! options → the files of a Typst project, in memory: sources and chart SVGs), and
//! [`compile`] is the only code that writes files or runs typst. The CLI loads the assets
//! and locates typst before either runs.

pub mod assets;
pub mod build;
mod charts;
pub mod compile;
pub mod context;
pub mod escape;
pub mod i18n;
#[doc(hidden)]
pub mod sample;
pub mod templates;
pub mod typst;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::aggregate::National;
use crate::cycle::Cycle;
use crate::framework::Framework;
use crate::lang::Lang;
use crate::plan::batch::Plans;
use crate::registry::Registry;
use crate::score::{AgencyScore, Assurance};
use crate::verify::Verified;
use crate::workbook::Submission;

pub use assets::{Assets, Fonts};
pub use build::{build, Build, Document};
pub use compile::compile;
pub use typst::{Typst, TypstError, TYPST_VERSION};

/// Everything the reports are made from.
pub struct ReportInput<'a> {
    pub framework: &'a Framework,
    pub registry: Option<&'a Registry>,
    pub submissions: &'a [Submission],
    pub scores: &'a [AgencyScore],
    /// The assurance of each score (SPEC section 9): `assurance[i]` belongs to `scores[i]`.
    /// Empty when not computed; the reports then leave the assurance sections out.
    pub assurance: &'a [Assurance],
    pub national: &'a National,
    /// The national CERT's spot checks (`--verification`, SPEC section 10); `None` when no
    /// verification folder was given.
    pub verification: Option<&'a Verified>,
    /// The returned action plans (`--plans`), judged against the report's cycle; `None`
    /// when none were read, and the reports then leave the progress out.
    pub plans: Option<&'a Plans>,
}

/// What to build.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    pub lang: Lang,
    /// The cycle to report on; the latest among the inputs when `None`.
    pub cycle: Option<Cycle>,
}

/// How to write a build out.
#[derive(Clone, Debug, Default)]
pub struct CompileOptions {
    /// Extra files to place in `--out` with the reports (e.g. `scores.json`), moved into
    /// place together with them.
    pub extra_files: Vec<(String, Vec<u8>)>,
    /// Keep the build folder (generated `.typ` files, charts) inside `--out` for debugging.
    pub keep_build: bool,
}

#[derive(Debug)]
pub enum ReportError {
    /// Bad options or templates: nothing was written.
    Config(String),
    /// A file could not be written. `written` lists what is already in `--out` (relative
    /// paths) and `not_written` what is not; `written` is empty when the failure came
    /// before anything was moved into `--out`.
    Io {
        path: PathBuf,
        source: std::io::Error,
        written: Vec<String>,
        not_written: Vec<String>,
    },
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportError::Config(m) => write!(f, "{m}"),
            ReportError::Io {
                path,
                source,
                written,
                not_written,
            } => {
                write!(
                    f,
                    "failed to write {} ({source}){}",
                    path.display(),
                    crate::atomic_file::partial_note(written, not_written)
                )
            }
        }
    }
}

impl std::error::Error for ReportError {}

/// What one run produced.
#[derive(Debug, Default)]
pub struct ReportOutcome {
    pub cycle: Cycle,
    /// Files written, relative to `--out`, sorted.
    pub written: Vec<String>,
    /// Documents that could not be produced: (document, reason).
    pub failed: Vec<(String, String)>,
    /// Wall-clock seconds of each document's typst compile (for timing, never written out).
    pub compile_seconds: BTreeMap<String, f64>,
    /// The build folder, when kept.
    pub build_dir: Option<PathBuf>,
}

/// [`build`] then [`compile`]: the reports of `input` into `out`.
pub fn render(
    input: &ReportInput,
    assets: &Assets,
    typst: &Typst,
    out: &Path,
    build_options: &BuildOptions,
    compile_options: &CompileOptions,
) -> Result<ReportOutcome, ReportError> {
    let built = build(input, assets, build_options)?;
    compile(&built, typst, &assets.fonts, out, compile_options)
}
