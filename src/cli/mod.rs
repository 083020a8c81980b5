//! The command line: clap types, turned into checked configuration, dispatched to one
//! module per subcommand. Exit codes follow SPEC section 7: 0 all inputs scored, 1 some
//! inputs rejected, 2 usage or configuration error (nothing produced).

pub mod assets;
mod demo_cmd;
mod framework_cmd;
mod inputs;
mod report_cmd;
mod score_cmd;
mod template_cmd;
pub mod validate_cmd;

use std::io::Write;

use clap::{Parser, Subcommand};

/// Process exit status (SPEC section 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    SomeRejected = 1,
    Config = 2,
}

/// A usage or configuration problem: printed as `error: ...`, exit 2.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl<E: std::fmt::Display> From<E> for ConfigError {
    fn from(e: E) -> Self {
        ConfigError(e.to_string())
    }
}

pub type CmdResult = Result<Exit, ConfigError>;

#[derive(Parser, Debug)]
#[command(
    name = "posture",
    version,
    about = "National cyber-maturity assessment: workbooks, validation, scoring and PDF reports",
    long_about = None,
    after_help = "Start with `posture demo` to run the whole pipeline on the bundled sample data."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the built-in frameworks.
    #[command(after_help = "Example:\n  posture frameworks")]
    Frameworks,
    /// Check or show a framework.
    #[command(subcommand)]
    Framework(framework_cmd::FrameworkCommand),
    /// Write blank self-assessment workbooks (xlsx) for agencies to fill in.
    Template(template_cmd::TemplateArgs),
    /// Check returned workbooks and list every problem with its sheet and cell.
    Validate(validate_cmd::ValidateArgs),
    /// Score workbooks, aggregate nationally and export JSON, CSV or Parquet.
    Score(score_cmd::ScoreArgs),
    /// Render the national report, the policymaker brief and one PDF per agency.
    Report(report_cmd::ReportArgs),
    /// Run the whole pipeline on the bundled sample data.
    Demo(demo_cmd::DemoArgs),
}

/// Parse the arguments, run the command and return the exit status.
pub fn main() -> i32 {
    run_args(std::env::args_os())
}

/// Run one command line (the first item is the program name) and return the exit status.
pub fn run_args<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::Config as i32
            } else {
                0
            };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Frameworks => framework_cmd::list(),
        Command::Framework(cmd) => framework_cmd::run(cmd),
        Command::Template(args) => template_cmd::run(args),
        Command::Validate(args) => validate_cmd::run(args),
        Command::Score(args) => score_cmd::run(args),
        Command::Report(args) => report_cmd::run(args),
        Command::Demo(args) => demo_cmd::run(args),
    };
    match result {
        Ok(exit) => exit as i32,
        Err(ConfigError(message)) => {
            let _ = std::io::stdout().flush();
            for line in message.lines() {
                if line.trim_start().starts_with("hint:") {
                    eprintln!("{line}");
                } else {
                    eprintln!("error: {line}");
                }
            }
            Exit::Config as i32
        }
    }
}
