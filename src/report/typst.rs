//! The `typst` CLI: finding it, checking its pinned version, and compiling one document
//! deterministically as tagged PDF/A-2a and PDF/UA-1 (fixed creation timestamp, only the fonts posture ships
//! with, the project root confined to the build folder).
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

/// How to install the pinned version; shown in every "typst not usable" error.
pub const INSTALL_HINT: &str = "hint: install it with `cargo install typst-cli --version 0.15.1 --locked` (or run `scripts/setup.sh`), or point POSTURE_TYPST at the binary";

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
    Compile { document: String, stderr: String },
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

/// File-name prefixes of the fonts the templates and charts use (Noto Sans, Noto Sans
/// Khmer, Khmer OS System, DejaVu Sans and Sans Mono).
const REPORT_FONTS: [&str; 4] = ["NotoSans-", "NotoSansKhmer-", "KhmerOSsys", "DejaVuSans"];

/// A located, version-checked typst binary plus the fonts it may use.
#[derive(Clone, Debug)]
pub struct Typst {
    pub path: PathBuf,
    /// Folders passed to `--font-path`.
    pub font_dirs: Vec<PathBuf>,
}

impl Typst {
    /// Find typst (env `POSTURE_TYPST`, then `typst` on PATH, then `$CARGO_HOME/bin/typst`,
    /// then `~/.cargo/bin/typst`) and check that it is the pinned version.
    pub fn locate() -> Result<Typst, TypstError> {
        Typst::locate_with(std::env::var_os("POSTURE_TYPST").map(PathBuf::from))
    }

    /// [`Typst::locate`] with an explicit choice in place of `POSTURE_TYPST`: when given, it
    /// is the only candidate (silently using another binary would hide the mistake).
    pub fn locate_with(explicit: Option<PathBuf>) -> Result<Typst, TypstError> {
        let path = find_binary(explicit.filter(|p| !p.as_os_str().is_empty()))?;
        check_version(&path)?;
        Ok(Typst {
            path,
            font_dirs: font_dirs(),
        })
    }

    /// Narrow the system font folders to the fonts the reports use, linked into
    /// `root/fonts`. typst reads every font in every `--font-path` folder on each start, and
    /// Debian's Noto folder alone holds hundreds of files: narrowing it takes about 40% off
    /// each compile. Folders from `POSTURE_FONT_PATH` are kept whole; when a report font is
    /// not found in the system folders they are all kept whole too.
    pub fn with_report_fonts(&self, root: &Path) -> std::io::Result<Typst> {
        let system: Vec<&PathBuf> = self
            .font_dirs
            .iter()
            .filter(|d| SYSTEM_FONT_DIRS.iter().any(|s| Path::new(s) == d.as_path()))
            .collect();
        let mut picked: Vec<PathBuf> = Vec::new();
        for dir in &system {
            for entry in std::fs::read_dir(dir)? {
                let path = entry?.path();
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if REPORT_FONTS.iter().any(|p| name.starts_with(p)) {
                    picked.push(path);
                }
            }
        }
        picked.sort();
        let found = |prefix: &str| {
            picked.iter().any(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix))
            })
        };
        if !REPORT_FONTS.iter().all(|p| found(p)) {
            return Ok(self.clone());
        }
        let fonts = root.join("fonts");
        std::fs::create_dir_all(&fonts)?;
        for path in &picked {
            let Some(name) = path.file_name() else {
                continue;
            };
            link_or_copy(path, &fonts.join(name))?;
        }
        let mut font_dirs = vec![fonts];
        font_dirs.extend(
            self.font_dirs
                .iter()
                .filter(|d| !system.contains(d))
                .cloned(),
        );
        Ok(Typst {
            path: self.path.clone(),
            font_dirs,
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
            .arg("short")
            // PDF/A-2a and PDF/UA-1: an archival file (fonts and colour profile embedded, so
            // it stays readable for decades) that is also tagged for accessibility (headings,
            // tables, reading order, alternative text for every chart). typst checks both
            // and refuses a document that breaks them, an image without `alt` for one.
            .arg("--pdf-standard")
            .arg("a-2a,ua-1");
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

#[cfg(unix)]
fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(from, to)
}

#[cfg(not(unix))]
fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::copy(from, to).map(|_| ())
}

fn candidates(explicit: Option<PathBuf>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(p) = explicit {
        return vec![p];
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

fn find_binary(explicit: Option<PathBuf>) -> Result<PathBuf, TypstError> {
    let tried = candidates(explicit);
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
            reason: format!("`--version` printed `{}`, not a typst version", text.trim()),
        }),
    }
}

/// `typst 0.15.1 (abc123)` -> `0.15.1`.
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
        assert_eq!(
            parse_version("typst 0.15.1 (unknown hash)\n"),
            Some("0.15.1")
        );
        assert_eq!(parse_version("typst 0.12.0"), Some("0.12.0"));
        assert_eq!(parse_version("something else"), None);
    }

    #[test]
    fn an_explicit_binary_is_the_only_candidate() {
        let e = Typst::locate_with(Some(PathBuf::from("/nonexistent/typst"))).unwrap_err();
        assert!(
            matches!(&e, TypstError::NotFound { tried } if tried.len() == 1),
            "{e}"
        );
    }

    #[test]
    fn errors_carry_the_install_hint() {
        let e = TypstError::NotFound {
            tried: vec![PathBuf::from("/nonexistent")],
        };
        let msg = e.to_string();
        assert!(msg.starts_with("failed to find the typst CLI 0.15.1 (tried /nonexistent)"));
        assert!(msg.contains("cargo install typst-cli --version 0.15.1 --locked"));
    }
}
