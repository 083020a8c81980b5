//! posture: national cyber-maturity assessment, offline, on one laptop.
//!
//! The modules follow the pipeline, and data flows one way through plain structs:
//!
//! ```text
//! framework ─┐
//! registry ──┼─> workbook (template, ingest) ─> score ─> aggregate ─> export
//!            │                                                   └──> chart ─> report
//!            └──────────────────────────────────────────────────────────────> cli
//! ```
//!
//! No module reaches back up the pipeline; `cli` is a thin shell over the rest.
//! `atomic_file` sits below them all: outputs are written through it; `lang` names the
//! languages the reports are written in, and `cycle` gives assessment cycles their one order.

#![warn(clippy::iter_over_hash_type)]

pub mod aggregate;
pub mod atomic_file;
pub mod calendar;
pub mod chart;
pub mod cli;
pub mod cycle;
pub mod export;
pub mod file_name;
pub mod framework;
pub mod lang;
pub mod plan;
pub mod registry;
pub mod report;
pub mod score;
pub mod verify;
pub mod workbook;

/// The tool's version, as written into every export and report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
