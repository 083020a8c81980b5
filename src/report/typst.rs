//! The `typst` CLI: finding it, checking its pinned version, and compiling one document
//! deterministically (fixed creation timestamp, only the fonts posture ships with, the
//! project root confined to the build folder).
//!
//! posture drives the CLI rather than linking the compiler: the CLI is one well-tested
//! binary that `scripts/setup.sh` installs, and keeping it out of the crate keeps builds
//! small on the 2-core laptops this runs on.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The typst version posture's templates are written for (keep `scripts/setup.sh` in step).
pub const TYPST_VERSION: &str = "0.13.1";

/// How to install the pinned version; shown in every "typst not usable" error.
pub const INSTALL_HINT: &str = "hint: install it with `cargo install typst-cli --version 0.13.1 --locked` (or run `scripts/setup.sh`), or point POSTURE_TYPST at the binary";

/// Font folders installed by `scripts/setup.sh` (Debian packages fonts-noto-core,
/// fonts-khmeros, fonts-dejavu-core); only those that exist are passed to typst.
pub const SYSTEM_FONT_DIRS: [&str; 3] = [
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/truetype/khmeros",
    "/usr/share/fonts/truetype/dejavu",
];

#[derive(Debug)]
pub enum TypstError {
    /// No typst binary could be found.
    NotFound { tried: Vec<PathBuf> },
    /// A binary was found but could not be run or is the wrong version.
    Unusable { path: PathBuf, reason: String },
    /// The compiler rejected a document.
    Compile {
        document: String,
        stderr: String,
    },
}

impl fmt::Display for TypstError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypstError::NotFound { tried } => {
                let tried: Vec<String> = tried.iter().map(|p| p.display().to_string()).collect();
                write!(
                    f,
                    "failed to find the typst CLI {TYPST_VERSION} (tried {})\n{INSTALL_HINT}",
                    tried.join(", ")
                )
            }
            TypstError::Unusable { path, reason } => write!(
                f,
                "failed to use typst at {} ({reason})\n{INSTALL_HINT}",
                path.display()
            ),
            TypstError::Compile { document, stderr } => {
                write!(f, "failed to compile {document} with typst ({})", stderr.trim())
            }
        }
    }
}

impl std::error::Error for TypstError {}

/// A located, version-checked typst binary plus the fonts it may use.
#[derive(Clone, Debug)]
pub struct Typst {
    pub path: PathBuf,
    pub font_dirs: Vec<PathBuf>,
}

impl Typst {
    /// Find typst (env `POSTURE_TYPST`, then `typst` on PATH, then `$CARGO_HOME/bin/typst`,
    /// then `~/.cargo/bin/typst`) and check that it is the pinned version.
    pub fn locate() -> Result<Typst, TypstError> {
        let path = find_binary()?;
        check_version(&path)?;
        Ok(Typst {
            path,
            font_dirs: font_dirs(),
        })
    }

    /// Compile `input` (relative to `root`) into `output`. `root` confines what the document
    /// may read; `timestamp` (seconds since 1970) is written as the creation date.
    pub fn compile(
        &self,
        root: &Path,
        input: &Path,
        output: &Path,
        timestamp: i64,
    ) -> Result<(), TypstError> {
        let mut cmd = Command::new(&self.path);
        cmd.arg("compile")
            .arg("--root")
            .arg(root)
            .arg("--ignore-system-fonts")
            .arg("--creation-timestamp")
            .arg(timestamp.to_string())
            .arg("--diagnostic-format")
            .arg("short");
        for dir in &self.font_dirs {
            cmd.arg("--font-path").arg(dir);
        }
        // Keep the child's environment from changing the bytes.
        cmd.env_remove("SOURCE_DATE_EPOCH")
            .env_remove("TYPST_FONT_PATHS")
            .env_remove("TYPST_ROOT")
            .current_dir(root)
            .arg(input)
            .arg(output);
        let result = cmd.output().map_err(|e| TypstError::Unusable {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        if result.status.success() {
            Ok(())
        } else {
            Err(TypstError::Compile {
                document: input.display().to_string(),
                stderr: String::from_utf8_lossy(&result.stderr).into_owned(),
            })
        }
    }
}

fn candidates() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(p) = std::env::var_os("POSTURE_TYPST").filter(|p| !p.is_empty()) {
        // An explicit choice is the only candidate: silently using another binary would hide
        // the misconfiguration.
        return vec![PathBuf::from(p)];
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            out.push(dir.join(exe("typst")));
        }
    }
    if let Some(home) = std::env::var_os("CARGO_HOME").filter(|p| !p.is_empty()) {
        out.push(PathBuf::from(home).join("bin").join(exe("typst")));
    }
    if let Some(home) = std::env::var_os("HOME").filter(|p| !p.is_empty()) {
        out.push(
            PathBuf::from(home)
                .join(".cargo")
                .join("bin")
                .join(exe("typst")),
        );
    }
    out
}

fn exe(name: &str) -> OsString {
    let mut s = OsString::from(name);
    s.push(std::env::consts::EXE_SUFFIX);
    s
}

fn find_binary() -> Result<PathBuf, TypstError> {
    let tried = candidates();
    match tried.iter().find(|p| p.is_file()) {
        Some(p) => Ok(p.clone()),
        None => Err(TypstError::NotFound { tried }),
    }
}

fn check_version(path: &Path) -> Result<(), TypstError> {
    let out = Command::new(path)
        .arg("--version")
        .output()
        .map_err(|e| TypstError::Unusable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    match parse_version(&text) {
        Some(v) if v == TYPST_VERSION => Ok(()),
        Some(v) => Err(TypstError::Unusable {
            path: path.to_path_buf(),
            reason: format!("found version {v}, posture needs {TYPST_VERSION}"),
        }),
        None => Err(TypstError::Unusable {
            path: path.to_path_buf(),
            reason: format!(
                "`--version` printed `{}`, not a typst version",
                text.trim()
            ),
        }),
    }
}

/// `typst 0.13.1 (abc123)` -> `0.13.1`.
fn parse_version(text: &str) -> Option<&str> {
    let rest = text.trim().strip_prefix("typst ")?;
    rest.split_whitespace().next()
}

/// The Debian font folders that exist, then every folder in `POSTURE_FONT_PATH`.
fn font_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = SYSTEM_FONT_DIRS
        .iter()
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .collect();
    if let Some(extra) = std::env::var_os("POSTURE_FONT_PATH") {
        dirs.extend(std::env::split_paths(&extra).filter(|p| !p.as_os_str().is_empty()));
    }
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_version_lines() {
        assert_eq!(parse_version("typst 0.13.1 (unknown hash)\n"), Some("0.13.1"));
        assert_eq!(parse_version("typst 0.12.0"), Some("0.12.0"));
        assert_eq!(parse_version("something else"), None);
    }

    #[test]
    fn errors_carry_the_install_hint() {
        let e = TypstError::NotFound {
            tried: vec![PathBuf::from("/nonexistent")],
        };
        let msg = e.to_string();
        assert!(msg.starts_with("failed to find the typst CLI 0.13.1 (tried /nonexistent)"));
        assert!(msg.contains("cargo install typst-cli --version 0.13.1 --locked"));
    }
}
