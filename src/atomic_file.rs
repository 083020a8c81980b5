//! Writing a file so that a reader never sees half of it: the content goes to a temporary
//! file in the same folder, which is then renamed over the target. Workbooks, exports and
//! sample data are written through here; reports are compiled in a build folder inside
//! `--out` and renamed into place the same way.

use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Write `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, |w| w.write_all(bytes))
}

/// Write whatever `fill` writes to `path` atomically, streaming it through a buffer
/// rather than building it in memory first. Parent folders are created.
///
/// No fsync: every output can be produced again from its inputs, and syncing each file
/// made 10,000-workbook corpora I/O-bound.
pub fn write_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let tmp = tempfile::NamedTempFile::new_in(dir)?;
    // A temporary file is private (0600); what posture writes is meant to be shared.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    let mut writer = BufWriter::new(tmp);
    fill(&mut writer)?;
    let tmp = writer.into_inner().map_err(|e| e.into_error())?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// What a run that wrote several files and then failed had already written, for its error
/// message: `; already written: a, b; not written: c` (at most 10 names each, then a count).
/// Empty when nothing was written and nothing else was pending, so a plain failure reads
/// as before.
pub fn partial_note(written: &[String], not_written: &[String]) -> String {
    if written.is_empty() {
        return String::new();
    }
    let list = |names: &[String]| {
        let mut out = names
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if names.len() > 10 {
            out.push_str(&format!(" and {} more", names.len() - 10));
        }
        if out.is_empty() {
            out.push_str("nothing");
        }
        out
    };
    format!(
        "; already written: {}; not written: {}",
        list(written),
        list(not_written)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/out.json");
        write(&path, b"first, longer content").unwrap();
        write(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.json"]);
    }

    #[test]
    fn a_failed_fill_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write(&path, b"old").unwrap();
        let failed = write_with(&path, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn outputs_are_readable_by_others() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scores.json");
        write(&path, b"{}").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
    }

    #[test]
    fn a_partial_write_names_both_sides() {
        assert_eq!(partial_note(&[], &["a".into()]), "");
        let written: Vec<String> = (1..=12).map(|i| format!("f{i}")).collect();
        let note = partial_note(&written, &["g".into()]);
        assert_eq!(
            note,
            "; already written: f1, f2, f3, f4, f5, f6, f7, f8, f9, f10 and 2 more; not written: g"
        );
    }
}
