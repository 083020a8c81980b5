//! The command line: clap types, turned into checked configuration, dispatched to one
//! module per subcommand. Exit codes follow SPEC section 7: 0 all inputs scored, 1 some
//! inputs rejected, 2 usage or configuration error (nothing produced).

pub mod assets;
mod demo_cmd;
mod export_cmd;
mod framework_cmd;
mod inputs;
mod report_cmd;
mod score_cmd;
mod template_cmd;
pub mod validate_cmd;
mod verify_cmd;

use std::io::Write;

use clap::{Parser, Subcommand};

use crate::report::TypstError;

/// Process exit status (SPEC section 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    SomeRejected = 1,
    Config = 2,
}

/// A usage or configuration problem: printed as `error: ...` (each line of `message`),
/// then `hint: ...` when there is a hint; exit 2.
#[derive(Debug)]
pub struct ConfigError {
    pub message: String,
    pub hint: Option<String>,
}

impl ConfigError {
    pub fn new(message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// typst missing or unusable, with how to install it.
    pub fn typst(e: TypstError) -> Self {
        let hint = e.hint();
        ConfigError {
            message: e.to_string(),
            hint: hint.map(str::to_string),
        }
    }

    /// `error: ` before each line of the message, then `hint: ...`.
    fn lines(&self) -> Vec<String> {
        let errors = self.message.lines().map(|line| format!("error: {line}"));
        let hint = self.hint.iter().map(|hint| format!("hint: {hint}"));
        errors.chain(hint).collect()
    }

    /// Print to stderr, after whatever stdout holds.
    fn print(&self) {
        let _ = std::io::stdout().flush();
        for line in self.lines() {
            eprintln!("{line}");
        }
    }
}

impl<E: std::fmt::Display> From<E> for ConfigError {
    fn from(e: E) -> Self {
        ConfigError::new(e.to_string())
    }
}

pub type CmdResult = Result<Exit, ConfigError>;

/// Write a command's output to `out` (standard output, locked once) and flush it. A reader
/// that has gone away (`posture validate dir/ | head -1`) ends the output quietly, as in
/// ripgrep: a broken pipe is not an error, and nothing panics. Other write errors are
/// configuration errors like any other.
pub fn write_out<W: Write>(
    mut out: W,
    write: impl FnOnce(&mut W) -> std::io::Result<()>,
) -> Result<(), ConfigError> {
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => result
            .map_err(|e| ConfigError::new(format!("failed to write to standard output ({e})"))),
    }
}

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
    /// Spot checks by the national CERT: pick the sample to verify.
    #[command(subcommand)]
    Verify(verify_cmd::VerifyCommand),
    /// Export scored agencies in other formats: OSCAL assessment results and POA&Ms.
    #[command(
        subcommand,
        after_help = "Example:\n  posture export oscal returned/ --registry data/agencies.csv --out oscal/"
    )]
    Export(export_cmd::ExportCommand),
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
        Command::Verify(cmd) => verify_cmd::run(cmd),
        Command::Export(cmd) => export_cmd::run(cmd),
    };
    match result {
        Ok(exit) => exit as i32,
        Err(e) => {
            e.print();
            Exit::Config as i32
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that went away after `room` bytes.
    struct Pipe {
        room: usize,
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_broken_pipe_ends_the_output_quietly() {
        let mut lines = 0;
        let result = write_out(Pipe { room: 10 }, |out| {
            for _ in 0..100 {
                writeln!(out, "line")?;
                lines += 1;
            }
            Ok(())
        });
        assert!(result.is_ok());
        assert_eq!(lines, 2, "writing stops at the broken pipe");
        let full = write_out(Pipe { room: 10 }, |_| {
            Err(std::io::Error::other("disk on fire"))
        });
        assert_eq!(
            full.unwrap_err().message,
            "failed to write to standard output (disk on fire)"
        );
    }

    #[test]
    fn a_hint_prints_after_every_line_of_the_error() {
        let e = ConfigError::new("a.toml:1:1: bad\na.toml:2:1: worse").with_hint("fix it");
        assert_eq!(
            e.lines(),
            [
                "error: a.toml:1:1: bad",
                "error: a.toml:2:1: worse",
                "hint: fix it"
            ]
        );
        let typst = ConfigError::typst(TypstError::NotFound { tried: Vec::new() });
        assert_eq!(typst.lines().len(), 2);
        assert!(typst.lines()[1].starts_with("hint: install it with `cargo install typst-cli"));
        // A message that happens to hold "hint:" is not taken apart any more.
        let e = ConfigError::new("value `hint: x` is odd");
        assert_eq!(e.lines(), ["error: value `hint: x` is odd"]);
    }
}
