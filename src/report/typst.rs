//! The `typst` CLI: checking its pinned version, and compiling one document deterministically
//! as tagged PDF/A-2a and PDF/UA-1 (fixed creation timestamp, only the fonts of the run, the
//! project root confined to the build folder). Where to look for the binary is the CLI's
//! business ([`candidates`] takes the environment as arguments).
//!
//! posture drives the CLI rather than linking the compiler: the CLI is one well-tested
//! binary that `scripts/setup.sh` installs, and keeping it out of the crate keeps builds
//! small on the 2-core laptops this runs on.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The typst version posture's templates are written for (keep `scripts/setup.sh` in step).
pub const TYPST_VERSION: &str = "0.15.1";

/// How to install the pinned version: the hint of every "typst not usable" error.
pub const INSTALL_HINT: &str = "install it with `cargo install typst-cli --version 0.15.1 --locked` (or run `scripts/setup.sh`), or point POSTURE_TYPST at the binary";

#[derive(Debug)]
pub enum TypstError {
    /// No typst binary could be found.
    NotFound { tried: Vec<PathBuf> },
    /// A binary was found but could not be run or is the wrong version.
    Unusable { path: PathBuf, reason: String },
    /// The compiler rejected a document.
    Compile { document: String, stderr: String },
}

impl fmt::Display for TypstError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypstError::NotFound { tried } => {
                let tried: Vec<String> = tried.iter().map(|p| p.display().to_string()).collect();
                write!(
                    f,
                    "failed to find the typst CLI {TYPST_VERSION} (tried {})",
                    tried.join(", ")
                )
            }
            TypstError::Unusable { path, reason } => {
                write!(f, "failed to use typst at {} ({reason})", path.display())
            }
            TypstError::Compile { document, stderr } => {
                write!(
                    f,
                    "failed to compile {document} with typst ({})",
                    stderr.trim()
                )
            }
        }
    }
}

impl std::error::Error for TypstError {}

impl TypstError {
    /// What to do about it, printed after the error.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            TypstError::NotFound { .. } | TypstError::Unusable { .. } => Some(INSTALL_HINT),
            TypstError::Compile { .. } => None,
        }
    }
}

/// A located, version-checked typst binary.
#[derive(Clone, Debug)]
pub struct Typst {
    pub path: PathBuf,
}

impl Typst {
    /// The first of `candidates` that exists, checked to be the pinned version. An explicit
    /// choice (`POSTURE_TYPST`) should be the only candidate: silently using another binary
    /// would hide the mistake.
    pub fn find(candidates: Vec<PathBuf>) -> Result<Typst, TypstError> {
        let path = match candidates.iter().find(|p| p.is_file()) {
            Some(p) => p.clone(),
            None => return Err(TypstError::NotFound { tried: candidates }),
        };
        check_version(&path)?;
        Ok(Typst { path })
    }

    /// Compile `input` (relative to `root`) into `output`. `root` confines what the document
    /// may read, `fonts` is the only font folder; `timestamp` (seconds since 1970) is written
    /// as the creation date.
    pub fn compile(
        &self,
        root: &Path,
        fonts: &Path,
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
            .arg("short")
            // PDF/A-2a and PDF/UA-1: an archival file (fonts and colour profile embedded, so
            // it stays readable for decades) that is also tagged for accessibility (headings,
            // tables, reading order, alternative text for every chart). typst checks both
            // and refuses a document that breaks them, an image without `alt` for one.
            .arg("--pdf-standard")
            .arg("a-2a,ua-1");
        cmd.arg("--font-path").arg(fonts);
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

/// Where to look for typst, in order: `explicit` (`POSTURE_TYPST`) alone when given, else
/// `typst` in each folder of `path_var` (`PATH`), then `$CARGO_HOME/bin`, then
/// `~/.cargo/bin` (where `scripts/setup.sh` installs it).
pub fn candidates(
    explicit: Option<PathBuf>,
    path_var: Option<OsString>,
    cargo_home: Option<OsString>,
    home: Option<OsString>,
) -> Vec<PathBuf> {
    if let Some(p) = explicit.filter(|p| !p.as_os_str().is_empty()) {
        return vec![p];
    }
    let mut out = Vec::new();
    if let Some(path) = path_var {
        for dir in std::env::split_paths(&path) {
            out.push(dir.join(exe("typst")));
        }
    }
    if let Some(home) = cargo_home.filter(|p| !p.is_empty()) {
        out.push(PathBuf::from(home).join("bin").join(exe("typst")));
    }
    if let Some(home) = home.filter(|p| !p.is_empty()) {
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
            reason: format!("`--version` printed `{}`, not a typst version", text.trim()),
        }),
    }
}

/// `typst 0.15.1 (abc123)` -> `0.15.1`.
fn parse_version(text: &str) -> Option<&str> {
    let rest = text.trim().strip_prefix("typst ")?;
    rest.split_whitespace().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_version_lines() {
        assert_eq!(
            parse_version("typst 0.15.1 (unknown hash)\n"),
            Some("0.15.1")
        );
        assert_eq!(parse_version("typst 0.12.0"), Some("0.12.0"));
        assert_eq!(parse_version("something else"), None);
    }

    #[test]
    fn an_explicit_binary_is_the_only_candidate() {
        let tried = candidates(
            Some(PathBuf::from("/nonexistent/typst")),
            Some("/usr/bin".into()),
            None,
            Some("/home/me".into()),
        );
        assert_eq!(tried, vec![PathBuf::from("/nonexistent/typst")]);
        let e = Typst::find(tried).unwrap_err();
        assert!(
            matches!(&e, TypstError::NotFound { tried } if tried.len() == 1),
            "{e}"
        );
        let tried = candidates(
            None,
            Some("/a:/b".into()),
            Some("".into()),
            Some("/h".into()),
        );
        assert_eq!(
            tried,
            ["/a/typst", "/b/typst", "/h/.cargo/bin/typst"].map(PathBuf::from)
        );
    }

    #[test]
    fn errors_carry_the_install_hint() {
        let e = TypstError::NotFound {
            tried: vec![PathBuf::from("/nonexistent")],
        };
        let msg = e.to_string();
        assert!(msg.starts_with("failed to find the typst CLI 0.15.1 (tried /nonexistent)"));
        assert!(!msg.contains('\n'), "{msg}");
        assert!(e
            .hint()
            .is_some_and(|h| h.contains("cargo install typst-cli --version 0.15.1 --locked")));
    }
}
