//! The reports' own words (headings, labels, methodology text) in English and Khmer, read
//! from `report-templates/strings.toml`. A language table holds plain keys and one level of
//! sub-tables (`[km.sector_names]`); a key missing in a language falls back to English, so a
//! partial translation still renders, and templates index the merged table as `t.key`.
//! A key may also hold a list of strings (`keep_together`, the Khmer words kept whole at
//! line ends).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::lang::Lang;

/// One language's strings after falling back to English.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Strings {
    /// key -> text
    pub labels: BTreeMap<String, String>,
    /// section -> key -> text (`sector_names`, `csf_names`)
    pub sections: BTreeMap<String, BTreeMap<String, String>>,
    /// key -> list of texts (`keep_together`)
    pub lists: BTreeMap<String, Vec<String>>,
}

impl Strings {
    pub fn section(&self, name: &str) -> BTreeMap<String, String> {
        self.sections.get(name).cloned().unwrap_or_default()
    }

    /// The template view: labels and sections in one table (`t.title`, `t.sector_names.energy`).
    pub fn to_value(&self) -> minijinja::Value {
        let mut map: BTreeMap<String, minijinja::Value> = self
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), minijinja::Value::from(v.as_str())))
            .collect();
        for (k, v) in &self.sections {
            map.insert(
                k.clone(),
                minijinja::Value::from(minijinja::value::Serde(v)),
            );
        }
        for (k, v) in &self.lists {
            map.insert(
                k.clone(),
                minijinja::Value::from(minijinja::value::Serde(v)),
            );
        }
        minijinja::Value::from(minijinja::value::Serde(&map))
    }
}

fn read_table(table: &toml::Table, lang: &str) -> Result<Strings, String> {
    let mut out = Strings::default();
    let Some(value) = table.get(lang) else {
        return Ok(out);
    };
    let lang_table = value
        .as_table()
        .ok_or_else(|| format!("`{lang}` must be a table"))?;
    for (key, value) in lang_table {
        match value {
            toml::Value::String(s) => {
                out.labels.insert(key.clone(), s.clone());
            }
            toml::Value::Table(sub) => {
                let mut section = BTreeMap::new();
                for (k, v) in sub {
                    let text = v
                        .as_str()
                        .ok_or_else(|| format!("`{lang}.{key}.{k}` must be a string"))?;
                    section.insert(k.clone(), text.to_string());
                }
                out.sections.insert(key.clone(), section);
            }
            toml::Value::Array(items) => {
                let list = items
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| format!("`{lang}.{key}` must be a list of strings"))?;
                out.lists.insert(key.clone(), list);
            }
            _ => {
                return Err(format!(
                    "`{lang}.{key}` must be a string, a list of strings or a table"
                ))
            }
        }
    }
    Ok(out)
}

/// Parse the strings file and return `lang`'s strings with English filling the gaps.
pub fn load(source: &str, lang: Lang) -> Result<Strings, String> {
    let lang = lang.code();
    let table: toml::Table = source.parse().map_err(|e: toml::de::Error| e.to_string())?;
    if !table.contains_key("en") {
        return Err("the `[en]` table is missing".into());
    }
    let mut merged = read_table(&table, "en")?;
    if lang != "en" {
        let translated = read_table(&table, lang)?;
        merged.labels.extend(translated.labels);
        merged.lists.extend(translated.lists);
        for (name, section) in translated.sections {
            merged.sections.entry(name).or_default().extend(section);
        }
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn khmer_falls_back_to_english_per_key() {
        let src = "[en]\na = \"A\"\nb = \"B\"\n[en.sector]\nx = \"X\"\n[km]\na = \"ក\"\n";
        let km = load(src, Lang::Km).unwrap();
        assert_eq!(km.labels["a"], "ក");
        assert_eq!(km.labels["b"], "B");
        assert_eq!(km.section("sector")["x"], "X");
    }

    #[test]
    fn shipped_strings_have_every_english_key_in_khmer() {
        let src = include_str!("../../report-templates/strings.toml");
        let table: toml::Table = src.parse().unwrap();
        let en = read_table(&table, "en").unwrap();
        let km = read_table(&table, "km").unwrap();
        let missing: Vec<&String> = en
            .labels
            .keys()
            .filter(|k| !km.labels.contains_key(*k))
            .collect();
        assert!(missing.is_empty(), "untranslated: {missing:?}");
        let extra: Vec<&String> = km
            .labels
            .keys()
            .filter(|k| !en.labels.contains_key(*k))
            .collect();
        assert!(extra.is_empty(), "Khmer keys with no English: {extra:?}");
        assert_eq!(
            en.lists.keys().collect::<Vec<_>>(),
            km.lists.keys().collect::<Vec<_>>()
        );
        for (name, section) in &en.sections {
            for key in section.keys() {
                assert!(
                    km.sections.get(name).is_some_and(|s| s.contains_key(key)),
                    "untranslated: {name}.{key}"
                );
            }
        }
    }
}
