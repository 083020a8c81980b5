//! The agency registry: who is expected to submit in a cycle (SPEC section 3). It sets each
//! agency's authoritative sector (and so its target) and lets reports name non-submitters.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agency {
    pub agency_id: String,
    pub name_en: String,
    pub name_km: Option<String>,
    pub sector: String,
}

impl Agency {
    /// The agency's name in `lang`, falling back to English.
    pub fn name(&self, lang: &str) -> &str {
        match (lang, &self.name_km) {
            ("km", Some(km)) => km,
            _ => &self.name_en,
        }
    }
}

/// Agencies keyed by id (sorted, so iteration order is deterministic).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Registry {
    pub agencies: BTreeMap<String, Agency>,
    /// sha256 of the registry file, for provenance.
    pub sha256: String,
}

impl Registry {
    pub fn get(&self, agency_id: &str) -> Option<&Agency> {
        self.agencies.get(agency_id)
    }

    pub fn len(&self) -> usize {
        self.agencies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.agencies.is_empty()
    }
}

/// A registry file that could not be loaded; located by line and column (1-based).
#[derive(Clone, Debug, PartialEq)]
pub struct RegistryError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for RegistryError {}

const HEADER: [&str; 4] = ["agency_id", "name_en", "name_km", "sector"];

pub fn load_registry(path: &Path) -> Result<Registry, RegistryError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| RegistryError {
        file: file.clone(),
        line: 1,
        column: 1,
        message: format!("failed to read registry ({e})"),
    })?;
    parse_registry(&bytes, &file)
}

/// Parse registry CSV bytes; `file` names the source in errors.
pub fn parse_registry(bytes: &[u8], file: &str) -> Result<Registry, RegistryError> {
    let err = |line: usize, column: usize, message: String| RegistryError {
        file: file.to_string(),
        line,
        column,
        message,
    };
    // A UTF-8 byte-order mark is common from spreadsheet exports; it is not part of the header.
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut agencies = BTreeMap::new();
    let mut first_seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut header_done = false;
    for record in reader.byte_records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize).unwrap_or(1);
            err(line, 1, format!("failed to parse registry CSV ({e})"))
        })?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(1);
        let mut fields = Vec::with_capacity(record.len());
        for (i, raw) in record.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(s) => fields.push(s.trim().to_string()),
                Err(_) => {
                    return Err(err(
                        line,
                        i + 1,
                        "field is not valid UTF-8 (save the registry as UTF-8 CSV)".into(),
                    ))
                }
            }
        }
        if !header_done {
            header_done = true;
            let found: Vec<String> = fields.iter().map(|f| f.to_lowercase()).collect();
            if found != HEADER {
                return Err(err(
                    line,
                    1,
                    format!(
                        "registry header is `{}`; expected `{}`",
                        fields.join(","),
                        HEADER.join(",")
                    ),
                ));
            }
            continue;
        }
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        if fields.len() != HEADER.len() {
            return Err(err(
                line,
                1,
                format!(
                    "row has {} fields; expected 4 ({})",
                    fields.len(),
                    HEADER.join(",")
                ),
            ));
        }
        let [agency_id, name_en, name_km, sector]: [String; 4] =
            fields.try_into().expect("length checked");
        if agency_id.is_empty() {
            return Err(err(line, 1, "agency_id is empty".into()));
        }
        if name_en.is_empty() {
            return Err(err(
                line,
                2,
                format!("agency `{agency_id}` has an empty name_en"),
            ));
        }
        if sector.is_empty() {
            return Err(err(
                line,
                4,
                format!("agency `{agency_id}` has an empty sector"),
            ));
        }
        if let Some(previous) = first_seen.get(&agency_id) {
            return Err(err(
                line,
                1,
                format!("agency `{agency_id}` is listed twice (first on line {previous})"),
            ));
        }
        first_seen.insert(agency_id.clone(), line as u64);
        agencies.insert(
            agency_id.clone(),
            Agency {
                agency_id,
                name_en,
                name_km: Some(name_km).filter(|n| !n.is_empty()),
                sector,
            },
        );
    }
    if !header_done {
        return Err(err(
            1,
            1,
            format!(
                "registry is empty; expected the header `{}`",
                HEADER.join(",")
            ),
        ));
    }
    Ok(Registry {
        agencies,
        sha256: crate::framework::sha256_hex(bytes),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bilingual_registry() {
        let csv = "agency_id,name_en,name_km,sector\nMOH,Ministry of Health,ក្រសួងសុខាភិបាល,ministry\nEDC,Electricity Co,,energy\n";
        let r = parse_registry(csv.as_bytes(), "agencies.csv").unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r.get("MOH").unwrap().name("km"), "ក្រសួងសុខាភិបាល");
        assert_eq!(r.get("EDC").unwrap().name("km"), "Electricity Co");
        assert_eq!(r.get("EDC").unwrap().sector, "energy");
    }

    #[test]
    fn locates_errors() {
        let bad_header = "id,name,sector\n";
        let e = parse_registry(bad_header.as_bytes(), "a.csv").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
        assert!(e
            .message
            .contains("expected `agency_id,name_en,name_km,sector`"));

        let dup = "agency_id,name_en,name_km,sector\nA,Alpha,,ministry\nB,Beta,,ministry\nA,Again,,ministry\n";
        let e = parse_registry(dup.as_bytes(), "a.csv").unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("first on line 2"), "{e}");

        let empty_sector = "agency_id,name_en,name_km,sector\nA,Alpha,,\n";
        let e = parse_registry(empty_sector.as_bytes(), "a.csv").unwrap_err();
        assert_eq!((e.line, e.column), (2, 4));
        assert_eq!(e.to_string(), "a.csv:2:4: agency `A` has an empty sector");
    }
}
