//! The one step of the reports that writes files and runs typst: a [`Build`] is written into
//! a build folder inside `--out`, its documents are compiled in parallel with `--root`
//! confined to that folder and only the run's fonts, and each finished file is then renamed
//! into place, so a reader never sees a half-written PDF and nothing is written outside
//! `--out`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::assets::Fonts;
use super::build::Build;
use super::typst::{Typst, TypstError};
use super::{CompileOptions, ReportError, ReportOutcome};

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
        written: Vec::new(),
        not_written: Vec::new(),
    }
}

/// Writes `build` into `out` as PDFs (plus the charts and `options.extra_files`). A
/// document typst rejects is reported in [`ReportOutcome::failed`] and the others are still
/// produced; an I/O error while moving the results into place names what was and was not
/// written.
pub fn compile(
    build: &Build,
    typst: &Typst,
    fonts: &Fonts,
    out: &Path,
    options: &CompileOptions,
) -> Result<ReportOutcome, ReportError> {
    // The caller names these (`scores.json`); a name with a folder in it could leave `out`.
    if let Some((name, _)) = options
        .extra_files
        .iter()
        .find(|(name, _)| !is_plain_file_name(name))
    {
        return Err(ReportError::Config(format!(
            "failed to write extra file `{name}` (not a plain file name)"
        )));
    }
    std::fs::create_dir_all(out).map_err(io_err(out))?;
    let dir = tempfile::Builder::new()
        .prefix(".posture-build-")
        .tempdir_in(out)
        .map_err(io_err(out))?;
    let root = dir.path();
    for (name, text) in &build.files {
        let path = root.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        std::fs::write(&path, text).map_err(io_err(&path))?;
    }
    let font_dir = root.join("fonts");
    link_fonts(fonts, &font_dir).map_err(io_err(&font_dir))?;
    let pdf_dir = root.join("pdf");
    std::fs::create_dir_all(pdf_dir.join("agencies")).map_err(io_err(&pdf_dir))?;

    // Every PDF's creation date is the cycle's, so the bytes depend only on the inputs.
    let timestamp = build.cycle.start_timestamp();
    let results: Vec<(String, Result<(), TypstError>, f64)> = build
        .documents
        .par_iter()
        .map(|doc| {
            let pdf = pdf_dir.join(&doc.pdf);
            let start = std::time::Instant::now();
            let result = typst.compile(root, &font_dir, Path::new(&doc.source), &pdf, timestamp);
            (doc.pdf.clone(), result, start.elapsed().as_secs_f64())
        })
        .collect();

    let mut outcome = ReportOutcome {
        cycle: build.cycle.clone(),
        failed: build.failed.clone(),
        ..ReportOutcome::default()
    };
    // What goes into `out`: (file in the build folder, name in `out`).
    let mut moves: Vec<(PathBuf, String)> = build
        .charts()
        .map(|name| (root.join(name), name.to_string()))
        .collect();
    for (name, result, seconds) in results {
        outcome.compile_seconds.insert(name.clone(), seconds);
        match result {
            Ok(()) => moves.push((pdf_dir.join(&name), name)),
            Err(e) => outcome.failed.push((name, e.to_string())),
        }
    }
    for (name, bytes) in &build.workbooks {
        // Built from sanitised stems under a fixed folder, so never outside `out`.
        let p = root.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        std::fs::write(&p, bytes).map_err(io_err(&p))?;
        moves.push((p, name.clone()));
    }
    for (name, bytes) in &options.extra_files {
        let p = root.join(name);
        std::fs::write(&p, bytes).map_err(io_err(&p))?;
        moves.push((p, name.clone()));
    }
    for (i, (from, to)) in moves.iter().enumerate() {
        let dest = out.join(to);
        let moved = match dest.parent() {
            Some(parent) => {
                std::fs::create_dir_all(parent).and_then(|()| std::fs::rename(from, &dest))
            }
            None => std::fs::rename(from, &dest),
        };
        if let Err(source) = moved {
            let mut written = outcome.written.clone();
            written.sort();
            return Err(ReportError::Io {
                path: dest,
                source,
                written,
                not_written: moves[i..].iter().map(|(_, to)| to.clone()).collect(),
            });
        }
        outcome.written.push(to.clone());
    }
    outcome.written.sort();
    outcome.failed.sort();
    if options.keep_build {
        outcome.build_dir = Some(dir.keep());
    } else {
        dir.close().map_err(io_err(out))?;
    }
    Ok(outcome)
}

/// One normal path component: no folder, no `..`, no root.
fn is_plain_file_name(name: &str) -> bool {
    let mut parts = Path::new(name).components();
    matches!(
        (parts.next(), parts.next()),
        (Some(std::path::Component::Normal(_)), None)
    )
}

/// Links (or copies) the run's font files into `dir`, typst's only font folder. A name seen
/// twice keeps its first file, the one [`super::assets::pick_fonts`] ranked first.
fn link_fonts(fonts: &Fonts, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut seen = BTreeSet::new();
    for path in &fonts.files {
        let Some(name) = path.file_name() else {
            continue;
        };
        if seen.insert(name.to_os_string()) {
            link_or_copy(path, &dir.join(name))?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(from, to)
}

#[cfg(not(unix))]
fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::copy(from, to).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_files_must_be_plain_file_names() {
        assert!(is_plain_file_name("scores.json"));
        for bad in ["../x.json", "a/b.json", "/etc/passwd", "..", ".", ""] {
            assert!(!is_plain_file_name(bad), "{bad}");
        }
    }
}
