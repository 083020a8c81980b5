//! File names made from agency ids and cycles: the one rule for every file posture names after
//! something an agency or analyst typed (workbooks, reports, plans, verification workbooks,
//! OSCAL documents). A stem can never leave its folder, never hides, and two ids never get
//! the same file, even on a case-insensitive file system.

use std::collections::{BTreeMap, BTreeSet};

/// Longer stems are cut: a file name must stay well under the usual 255-byte limit.
const MAX_STEM_CHARS: usize = 100;

/// A file stem from `id`: ASCII letters, digits, `-` and `_` are kept, everything else
/// (dots and slashes included) becomes `_`; a stem that would be empty or nothing but `_`
/// gets the prefix `agency`.
pub fn stem(id: &str) -> String {
    let mut stem: String = id
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(MAX_STEM_CHARS)
        .collect();
    if stem.chars().all(|c| c == '_') {
        stem = format!("agency{stem}");
    }
    stem
}

/// One [`stem`] per id, unique ignoring case: ids are taken in sorted order and a stem
/// already taken gets `-2`, `-3`, ... (`a/b` and `a_b` become `a_b` and `a_b-2`).
pub fn unique_stems<'a>(ids: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, String> {
    let ids: BTreeSet<&str> = ids.into_iter().collect();
    let mut taken = BTreeSet::new();
    let mut out = BTreeMap::new();
    for id in ids {
        let base = stem(id);
        let mut unique = base.clone();
        let mut n = 1;
        while !taken.insert(unique.to_lowercase()) {
            n += 1;
            unique = format!("{base}-{n}");
        }
        out.insert(id.to_string(), unique);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_never_leave_their_folder_or_hide() {
        assert_eq!(stem("MOH"), "MOH");
        assert_eq!(stem("PP-01 Phnom Penh"), "PP-01_Phnom_Penh");
        assert_eq!(stem("../../etc/passwd"), "______etc_passwd");
        assert_eq!(stem(".."), "agency__");
        assert_eq!(stem("."), "agency_");
        assert_eq!(stem(""), "agency");
        assert_eq!(stem("ក្រសួង"), "agency______");
        assert_eq!(stem("ក្រសួង A"), "_______A");
        assert_eq!(stem(&"x".repeat(500)).len(), MAX_STEM_CHARS);
        assert_eq!(stem("2026-H1"), "2026-H1");
    }

    #[test]
    fn stems_are_unique_ignoring_case() {
        let stems = unique_stems(["a/b", "a_b", "A_B", "x", "x"]);
        assert_eq!(stems.len(), 4);
        assert_eq!(stems["A_B"], "A_B");
        assert_eq!(stems["a/b"], "a_b-2");
        assert_eq!(stems["a_b"], "a_b-3");
        assert_eq!(stems["x"], "x");
    }
}
