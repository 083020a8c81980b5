//! The Profile sheet (SPEC section 4): field names in column A, values in column B,
//! anywhere in the first 50 rows; checked against the framework and the registry.

use super::sheet::Grid;
use crate::framework::Framework;
use crate::registry::Registry;
use crate::workbook::{Diagnostic, Kind, Profile, PROFILE_FIELDS, PROFILE_REQUIRED};

pub const SHEET: &str = "Profile";
/// Profile fields are looked for in rows 1 to 50.
pub const ROWS: u32 = 50;

/// A field's value and the zero-based row of its cell (in column B).
struct Field {
    value: String,
    row: u32,
}

const VALUE_COL: u32 = 1;

/// Read the Profile fields from the sheet. Later occurrences of a field do not replace
/// the first one.
pub fn parse(
    grid: &Grid,
    framework: &Framework,
    registry: Option<&Registry>,
    diags: &mut Vec<Diagnostic>,
) -> Profile {
    let sheet = grid.name.as_str();
    let mut fields: Vec<(&str, Option<Field>)> =
        PROFILE_FIELDS.iter().map(|&n| (n, None)).collect();
    let mut present = vec![false; fields.len()];
    for row in 0..ROWS {
        let Some(name) = grid.get(row, 0).as_text() else {
            continue;
        };
        let name = name.to_lowercase();
        let Some(i) = fields.iter().position(|(n, _)| *n == name) else {
            continue;
        };
        if present[i] {
            continue;
        }
        present[i] = true;
        fields[i].1 = grid.get(row, 1).as_text().map(|value| Field { value, row });
    }
    for (i, &(field, ref value)) in fields.iter().enumerate().take(PROFILE_REQUIRED) {
        if value.is_some() {
            continue;
        }
        // The SPEC points at the value cell when the row exists, at the sheet when not.
        let d = if present[i] {
            let d = Diagnostic::error(Kind::EmptyProfileField { field }).in_sheet(sheet);
            match row_of(grid, field) {
                Some(row) => d.at(row, VALUE_COL),
                None => d,
            }
        } else {
            Diagnostic::error(Kind::MissingProfileField { field, rows: ROWS }).in_sheet(sheet)
        };
        diags.push(d);
    }
    let get = |name: &str| -> Option<&Field> {
        fields
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, f)| f.as_ref())
    };
    if let Some(f) = get("framework_id") {
        if f.value != framework.id {
            diags.push(
                Diagnostic::error(Kind::FrameworkMismatch)
                    .in_sheet(sheet)
                    .at(f.row, VALUE_COL)
                    .with_found(&f.value)
                    .with_expected(&framework.id),
            );
        }
    }
    if let Some(f) = get("framework_version") {
        if let Some(d) = version_check(&f.value, framework) {
            diags.push(
                d.in_sheet(sheet)
                    .at(f.row, VALUE_COL)
                    .with_found(&f.value)
                    .with_expected(&framework.version),
            );
        }
    }
    let mut sector = get("sector").map(|f| f.value.clone());
    if let (Some(registry), Some(id)) = (registry, get("agency_id")) {
        match registry.get(&id.value) {
            None => diags.push(
                Diagnostic::error(Kind::UnknownAgency {
                    registry_agencies: registry.len(),
                })
                .in_sheet(sheet)
                .at(id.row, VALUE_COL)
                .with_found(&id.value),
            ),
            Some(agency) => {
                if let Some(s) = get("sector") {
                    if s.value != agency.sector {
                        diags.push(
                            Diagnostic::warning(Kind::SectorDiffers {
                                agency: agency.agency_id.clone(),
                            })
                            .in_sheet(sheet)
                            .at(s.row, VALUE_COL)
                            .with_found(&s.value)
                            .with_expected(&agency.sector),
                        );
                    }
                }
                sector = Some(agency.sector.clone());
            }
        }
    }
    let value = |name: &str| get(name).map(|f| f.value.clone());
    Profile {
        agency_id: value("agency_id"),
        agency_name: value("agency_name"),
        sector,
        cycle: value("cycle"),
        framework_id: value("framework_id"),
        framework_version: value("framework_version"),
        submitted_by: value("submitted_by"),
        submitted_on: value("submitted_on"),
    }
}

fn row_of(grid: &Grid, name: &str) -> Option<u32> {
    (0..ROWS).find(|&r| {
        grid.get(r, 0)
            .as_text()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    })
}

fn semver(v: &str) -> Option<(u64, u64, u64)> {
    let mut parts = v.trim().trim_start_matches(['v', 'V']).split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    let patch = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((major, minor, patch))
}

/// A framework_version that is not the framework's own is an error, or a warning when
/// only the patch number differs (SPEC section 4); `None` when it is the same.
fn version_check(found: &str, framework: &Framework) -> Option<Diagnostic> {
    if found == framework.version {
        return None;
    }
    let framework_id = framework.id.clone();
    Some(match (semver(found), semver(&framework.version)) {
        (Some((a, b, _)), Some((x, y, _))) if (a, b) == (x, y) => {
            Diagnostic::warning(Kind::FrameworkPatchDiffers {
                framework: framework_id,
            })
        }
        _ => Diagnostic::error(Kind::FrameworkVersionMismatch {
            framework: framework_id,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::super::level::CellValue;
    use super::*;
    use crate::workbook::Severity;

    fn grid(rows: &[(u32, &str, CellValue)]) -> Grid {
        let mut g = Grid {
            name: "Profile".into(),
            ..Grid::default()
        };
        for (r, name, value) in rows {
            g.cells.insert((*r, 0), CellValue::Text(name.to_string()));
            g.cells.insert((*r, 1), value.clone());
        }
        g
    }

    fn t(s: &str) -> CellValue {
        CellValue::Text(s.into())
    }

    fn kh() -> Framework {
        crate::framework::builtin("kh-ncmf").unwrap().unwrap()
    }

    fn full(version: &str) -> Vec<(u32, &'static str, CellValue)> {
        vec![
            (2, "Agency_ID", t(" MOH ")),
            (3, "agency_name", t("ក្រសួងសុខាភិបាល")),
            (4, "SECTOR", t("ministry")),
            (5, "cycle", CellValue::Float(2026.0)),
            (6, "framework_id", t("kh-ncmf")),
            (7, "framework_version", CellValue::Text(version.to_string())),
            (30, "submitted_on", CellValue::Date("2026-03-01".into())),
        ]
    }

    #[test]
    fn reads_fields_anywhere_case_insensitively_and_trims() {
        let f = kh();
        let mut d = Vec::new();
        let p = parse(&grid(&full(&f.version)), &f, None, &mut d);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(p.agency_id.as_deref(), Some("MOH"));
        assert_eq!(p.agency_name.as_deref(), Some("ក្រសួងសុខាភិបាល"));
        assert_eq!(p.cycle.as_deref(), Some("2026"));
        assert_eq!(p.submitted_on.as_deref(), Some("2026-03-01"));
        assert_eq!(p.submitted_by, None);
    }

    #[test]
    fn missing_and_empty_fields_are_located() {
        let f = kh();
        let mut rows = full(&f.version);
        rows.retain(|r| r.1 != "cycle");
        rows[0].2 = t("   ");
        let mut d = Vec::new();
        parse(&grid(&rows), &f, None, &mut d);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].location(), "Profile!B3");
        assert_eq!(d[0].message(), "required field `agency_id` is empty");
        assert_eq!(
            (d[1].sheet.as_deref(), d[1].cell()),
            (Some("Profile"), None)
        );
        assert!(d[1].message().starts_with("missing required field `cycle`"));
    }

    #[test]
    fn framework_id_and_version_rules() {
        let f = kh();
        let (maj, min, patch) = semver(&f.version).unwrap();
        let mut d = Vec::new();
        parse(
            &grid(&full(&format!("{maj}.{min}.{}", patch + 1))),
            &f,
            None,
            &mut d,
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(d[0].location(), "Profile!B8");

        let mut d = Vec::new();
        parse(&grid(&full(&format!("{}.0.0", maj + 1))), &f, None, &mut d);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Error);
        assert!(d[0].message().starts_with("found framework_version"));

        let mut rows = full(&f.version);
        rows[4].2 = t("nist-csf-2.0");
        let mut d = Vec::new();
        parse(&grid(&rows), &f, None, &mut d);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location(), "Profile!B7");
        assert!(d[0]
            .message()
            .starts_with("found framework_id \"nist-csf-2.0\"; expected \"kh-ncmf\""));
    }

    #[test]
    fn registry_rules() {
        let f = kh();
        let reg = crate::registry::parse_registry(
            b"agency_id,name_en,name_km,sector\nMOH,Health,,critical-infrastructure\n",
            "r.csv",
        )
        .unwrap();
        let mut d = Vec::new();
        let p = parse(&grid(&full(&f.version)), &f, Some(&reg), &mut d);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(d[0].location(), "Profile!B5");
        assert_eq!(p.sector.as_deref(), Some("critical-infrastructure"));

        let mut rows = full(&f.version);
        rows[0].2 = t("XYZ");
        let mut d = Vec::new();
        parse(&grid(&rows), &f, Some(&reg), &mut d);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(d[0].location(), "Profile!B3");
        assert!(d[0].message().contains("not in the registry"));
    }
}
