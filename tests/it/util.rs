//! Helpers shared by the end-to-end tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (where Cargo.toml is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A `posture` command ready to run, with a clean environment for colours.
pub fn posture() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_posture"));
    cmd.env_remove("CLICOLOR_FORCE").env("NO_COLOR", "1");
    cmd
}

/// Run `posture` with `args` in `dir` and return its output.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    posture()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("failed to start posture")
}

pub fn run(args: &[&str]) -> Output {
    run_in(&root(), args)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Assert an exit code and show both streams when it differs.
#[track_caller]
pub fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
        stdout(o),
        stderr(o)
    );
}

/// A `cargo` command for a nested build, without what `cargo test` adds to a test's
/// environment (the package's CARGO_* variables, OUT_DIR, a longer LD_LIBRARY_PATH), so
/// that it sees what a plain `cargo build` sees and reuses its artifacts. With them, cargo
/// rebuilt every dependency of the release binary: 14 minutes for nothing.
pub fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        let added_by_cargo_test = (key.starts_with("CARGO_")
            && !matches!(key.as_str(), "CARGO_HOME" | "CARGO_TARGET_DIR"))
            || matches!(
                key.as_str(),
                "OUT_DIR" | "LD_LIBRARY_PATH" | "RUST_RECURSION_COUNT"
            );
        if added_by_cargo_test {
            command.env_remove(&key);
        }
    }
    command
}
