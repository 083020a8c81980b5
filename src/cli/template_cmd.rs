//! `posture template`: blank self-assessment workbooks, one for a named agency, one per
//! registry agency (`--all`), or one with an empty Profile for anyone.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{write_out, CmdResult, ConfigError, Exit};
use crate::framework::{self, Framework};
use crate::registry::{self, Agency, Registry};
use crate::workbook::template::{template_profile, write_template};

#[derive(Args, Debug)]
#[command(after_help = "\
Examples:
  posture template --out assessment.xlsx
  posture template --registry data/agencies.csv --agency MOH --cycle 2026 --out MOH.xlsx
  posture template --registry data/agencies.csv --all --cycle 2026 --out templates/

With --all, one workbook per registry agency is written into the --out folder, named
after the agency id (e.g. templates/MOH.xlsx). Without --cycle the cycle cell is left
empty for the agency to fill in.")]
pub struct TemplateArgs {
    /// A built-in framework id or a path to a framework file.
    #[arg(long, default_value = "kh-ncmf")]
    framework: String,
    /// The agency registry (CSV: agency_id,name_en,name_km,sector), to pre-fill the Profile.
    #[arg(long)]
    registry: Option<PathBuf>,
    /// Write the workbook of this registry agency (needs --registry).
    #[arg(long, conflicts_with = "all")]
    agency: Option<String>,
    /// Write one workbook per registry agency into the --out folder (needs --registry).
    #[arg(long)]
    all: bool,
    /// Assessment cycle to pre-fill, e.g. 2026.
    #[arg(long)]
    cycle: Option<String>,
    /// Output .xlsx file, or the output folder with --all.
    #[arg(long)]
    out: PathBuf,
}

/// What to write, checked before anything is written.
enum Plan {
    One {
        agency: Option<Agency>,
        file: PathBuf,
    },
    All {
        agencies: Vec<Agency>,
        dir: PathBuf,
    },
}

pub fn run(args: TemplateArgs) -> CmdResult {
    let framework = framework::resolve(&args.framework)?;
    let cycle = args
        .cycle
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    match plan(&args)? {
        Plan::One { agency, file } => {
            write_one(&framework, agency.as_ref(), cycle, &file)?;
            write_out(std::io::stdout().lock(), |out| {
                writeln!(out, "wrote {}", file.display())
            })?;
        }
        Plan::All { agencies, dir } => {
            std::fs::create_dir_all(&dir).map_err(|e| {
                ConfigError::new(format!("failed to create folder {} ({e})", dir.display()))
            })?;
            for (agency, file) in file_names(&agencies, &dir) {
                write_one(&framework, Some(agency), cycle, &file)?;
            }
            write_out(std::io::stdout().lock(), |out| {
                writeln!(
                    out,
                    "wrote {} workbooks into {}",
                    agencies.len(),
                    dir.display()
                )
            })?;
        }
    }
    Ok(Exit::Success)
}

fn plan(args: &TemplateArgs) -> Result<Plan, ConfigError> {
    let registry = match &args.registry {
        Some(path) => Some(registry::load_registry(path)?),
        None => None,
    };
    let need_registry = |flag: &str| {
        ConfigError::new(format!("{flag} needs --registry")).with_hint(format!(
            "posture template --registry data/agencies.csv {flag} ..."
        ))
    };
    if args.all {
        let registry = registry.ok_or_else(|| need_registry("--all"))?;
        if registry.is_empty() {
            return Err(ConfigError::new(
                "the registry lists no agencies, so --all has nothing to write",
            ));
        }
        if args
            .out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
        {
            return Err(ConfigError::new(format!(
                "--out {} looks like a file, but --all writes one workbook per agency into a folder",
                args.out.display()
            ))
            .with_hint("--out templates/"));
        }
        return Ok(Plan::All {
            agencies: registry.agencies.into_values().collect(),
            dir: args.out.clone(),
        });
    }
    if !args
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        return Err(ConfigError::new(format!(
            "--out {} must name an .xlsx file",
            args.out.display()
        ))
        .with_hint("--out assessment.xlsx (or --all with a folder)"));
    }
    let agency = match &args.agency {
        Some(id) => {
            let registry = registry.ok_or_else(|| need_registry("--agency"))?;
            Some(find_agency(&registry, id)?.clone())
        }
        None => None,
    };
    Ok(Plan::One {
        agency,
        file: args.out.clone(),
    })
}

fn find_agency<'r>(registry: &'r Registry, id: &str) -> Result<&'r Agency, ConfigError> {
    registry.get(id.trim()).ok_or_else(|| {
        let known: Vec<&str> = registry
            .agencies
            .keys()
            .map(String::as_str)
            .take(10)
            .collect();
        let more = if registry.len() > known.len() {
            ", ..."
        } else {
            ""
        };
        ConfigError::new(format!("agency `{id}` is not in the registry"))
            .with_hint(format!("known agency ids: {}{more}", known.join(", ")))
    })
}

/// One file per agency, named by [`crate::file_name::unique_stems`], so no workbook
/// overwrites another.
fn file_names<'a>(agencies: &'a [Agency], dir: &Path) -> Vec<(&'a Agency, PathBuf)> {
    let stems = crate::file_name::unique_stems(agencies.iter().map(|a| a.agency_id.as_str()));
    agencies
        .iter()
        .map(|a| (a, dir.join(format!("{}.xlsx", stems[&a.agency_id]))))
        .collect()
}

fn write_one(
    framework: &Framework,
    agency: Option<&Agency>,
    cycle: Option<&str>,
    file: &Path,
) -> Result<(), ConfigError> {
    let profile = template_profile(framework, agency, cycle);
    write_template(framework, &profile, None, file)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agency(id: &str) -> Agency {
        Agency {
            agency_id: id.into(),
            name_en: id.into(),
            name_km: None,
            sector: "ministry".into(),
        }
    }

    #[test]
    fn colliding_ids_get_distinct_files_inside_out() {
        let agencies = vec![agency("A/B"), agency("A_B"), agency("a?b"), agency("../x")];
        let dir = Path::new("out");
        let names: Vec<PathBuf> = file_names(&agencies, dir)
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(
            names,
            vec![
                dir.join("A_B.xlsx"),
                dir.join("A_B-2.xlsx"),
                dir.join("a_b-3.xlsx"),
                dir.join("___x.xlsx"),
            ]
        );
        assert!(names.iter().all(|p| p.parent() == Some(dir)));
    }
}
