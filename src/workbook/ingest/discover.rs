//! Finding the workbooks among the INPUTS: files as given, folders searched recursively
//! for `.xlsx`, `.xlsb`, `.xls` and `.ods` in any case, skipping the lock files that Excel
//! (`~$name.xlsx`) and LibreOffice (`.~lock.name.xlsx#`) leave beside open workbooks.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// One workbook to read. `display` is the path as reached from the INPUTS argument (the
/// argument joined with the path inside it): SPEC's `file`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    pub display: String,
}

/// An INPUTS argument that cannot be searched: a configuration error (exit 2).
#[derive(Debug)]
pub enum DiscoverError {
    Missing(PathBuf),
    Walk { path: PathBuf, cause: String },
}

impl fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiscoverError::Missing(p) => write!(
                f,
                "failed to find input `{}` (no such file or folder)",
                p.display()
            ),
            DiscoverError::Walk { path, cause } => {
                write!(f, "failed to search folder `{}` ({cause})", path.display())
            }
        }
    }
}

impl std::error::Error for DiscoverError {}

const EXTENSIONS: [&str; 4] = ["xlsx", "xlsb", "xls", "ods"];

/// Whether a file found inside a folder is a workbook to read.
pub fn is_workbook_name(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if name.starts_with("~$") || name.starts_with(".~lock.") {
        return false;
    }
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Every workbook under `inputs`, sorted by display path, each once. A file named
/// directly is always read (and rejected if it is not a workbook), so nothing the user
/// named is silently dropped.
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<InputFile>, DiscoverError> {
    let mut found: BTreeMap<String, PathBuf> = BTreeMap::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|_| DiscoverError::Missing(input.clone()))?;
        if !meta.is_dir() {
            found.insert(input.display().to_string(), input.clone());
            continue;
        }
        for entry in walkdir::WalkDir::new(input).follow_links(true) {
            let entry = entry.map_err(|e| DiscoverError::Walk {
                path: e.path().unwrap_or(input).to_path_buf(),
                cause: e
                    .io_error()
                    .map(|io| io.to_string())
                    .unwrap_or_else(|| e.to_string()),
            })?;
            if entry.file_type().is_file() && is_workbook_name(entry.path()) {
                found.insert(
                    entry.path().display().to_string(),
                    entry.path().to_path_buf(),
                );
            }
        }
    }
    Ok(found
        .into_iter()
        .map(|(display, path)| InputFile { path, display })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_workbooks_recursively_and_skips_lock_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/deep")).unwrap();
        for name in [
            "a.xlsx",
            "b/c.XLSX",
            "b/deep/d.Ods",
            "b/e.xls",
            "b/g.XLSB",
            "b/~$a.xlsx",
            "b/.~lock.c.XLSX#",
            "b/notes.txt",
            "b/f.xlsx.bak",
        ] {
            std::fs::write(root.join(name), b"x").unwrap();
        }
        let files = discover(&[root.to_path_buf()]).unwrap();
        let rel: Vec<String> = files
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(
            rel,
            ["a.xlsx", "b/c.XLSX", "b/deep/d.Ods", "b/e.xls", "b/g.XLSB"]
        );
        assert!(files[0].display.starts_with(&root.display().to_string()));

        // A file named directly is read whatever its name.
        let direct = discover(&[root.join("b/notes.txt"), root.join("a.xlsx")]).unwrap();
        assert_eq!(direct.len(), 2);

        let missing = discover(&[root.join("nope")]).unwrap_err();
        assert!(
            missing.to_string().starts_with("failed to find input"),
            "{missing}"
        );
    }
}
