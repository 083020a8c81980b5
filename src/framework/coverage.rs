//! Translation coverage: how many of a framework's texts exist in each language, and
//! where the first missing ones stand in the file (`line:column`), so a framework author
//! knows what is still untranslated and can require a language in CI
//! (`posture framework check --require-lang km`).
//!
//! The framework's `lang` (English unless `[framework] lang` says otherwise) is the base
//! language: every text has it (the loader refuses a file without), so every base text is
//! one text to translate. Each guidance entry counts as a text
//! of its own. A translation that is present but blank counts as missing.

use super::load::{line_col, load_with_sites};
use super::{Framework, LoadError, Problem, Source, TranslationStatus};
use std::collections::{BTreeMap, BTreeSet};

/// The kinds of translatable text in a framework file, in file order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TextKind {
    Title,
    Description,
    ScaleLabel,
    ScaleDescription,
    DomainName,
    DomainDescription,
    CategoryName,
    CategoryDescription,
    QuestionText,
    /// One entry of a question's per-level guidance.
    Guidance,
    /// The text of an assurance rule (SPEC section 9).
    RuleText,
}

impl TextKind {
    /// What the texts of this kind are called in a coverage report.
    pub fn label(self) -> &'static str {
        match self {
            TextKind::Title => "framework title",
            TextKind::Description => "framework description",
            TextKind::ScaleLabel => "scale labels",
            TextKind::ScaleDescription => "scale descriptions",
            TextKind::DomainName => "domain names",
            TextKind::DomainDescription => "domain descriptions",
            TextKind::CategoryName => "category names",
            TextKind::CategoryDescription => "category descriptions",
            TextKind::QuestionText => "question texts",
            TextKind::Guidance => "guidance (per level)",
            TextKind::RuleText => "assurance rule texts",
        }
    }

    /// The kind of the description that goes with a title, label or name.
    pub fn description(self) -> TextKind {
        match self {
            TextKind::Title => TextKind::Description,
            TextKind::ScaleLabel => TextKind::ScaleDescription,
            TextKind::DomainName => TextKind::DomainDescription,
            TextKind::CategoryName => TextKind::CategoryDescription,
            other => other,
        }
    }

    /// The TOML key that holds a text of this kind (`name` as in `name.km`).
    pub fn key(self) -> &'static str {
        match self {
            TextKind::Title => "title",
            TextKind::Description
            | TextKind::ScaleDescription
            | TextKind::DomainDescription
            | TextKind::CategoryDescription => "description",
            TextKind::ScaleLabel => "label",
            TextKind::DomainName | TextKind::CategoryName => "name",
            TextKind::QuestionText | TextKind::RuleText => "text",
            TextKind::Guidance => "guidance",
        }
    }
}

/// One translatable text of a file as written: what it is, the byte offset of its English
/// version, and for every other language given the offset and whether it is non-blank.
/// The loader collects these while it checks the file.
#[derive(Clone, Debug)]
pub(super) struct TextSite {
    pub kind: TextKind,
    /// e.g. "question `PEO.AW-01` guidance for level 2", as the loader's messages say it.
    pub what: String,
    /// The offset of its text in the base language (the framework's `lang`; the name is
    /// from when that was always English).
    pub english: usize,
    pub langs: BTreeMap<String, (usize, bool)>,
}

/// Translated out of total, for one kind of text in one language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count {
    pub translated: usize,
    pub total: usize,
}

/// The coverage of one language.
#[derive(Clone, Debug)]
pub struct LangCoverage {
    pub lang: String,
    /// Per kind of text that occurs in the file, in file order.
    pub counts: Vec<(TextKind, Count)>,
    /// Every missing text, in file order, located where the translation belongs: at the
    /// English text, or at the blank translation.
    pub missing: Vec<Problem>,
    /// What the framework says about the review of this language, if anything.
    pub status: Option<TranslationStatus>,
}

impl LangCoverage {
    pub fn total(&self) -> Count {
        self.counts
            .iter()
            .fold(Count::default(), |sum, (_, c)| Count {
                translated: sum.translated + c.translated,
                total: sum.total + c.total,
            })
    }

    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// The translatable texts of one framework file, ready to be counted per language.
#[derive(Clone, Debug)]
pub struct Coverage<'a> {
    /// The file, as load errors name it.
    pub file: String,
    source_text: &'a str,
    sites: Vec<TextSite>,
    translations: BTreeMap<String, TranslationStatus>,
    /// The framework's `lang`, the base every other language is counted against.
    base: String,
}

/// Load a framework (refused as [`super::load_str`] refuses it) together with its coverage.
pub fn load_with_coverage(
    source_text: &str,
    source: Source,
) -> Result<(Framework, Coverage<'_>), LoadError> {
    let file = source.to_string();
    let (framework, sites) = load_with_sites(source_text, source)?;
    let coverage = Coverage {
        file,
        source_text,
        sites,
        translations: framework.translations.clone(),
        base: framework.lang.clone(),
    };
    Ok((framework, coverage))
}

impl Coverage<'_> {
    /// Every language other than the framework's `lang` (English unless it says otherwise)
    /// that the file has a text in, or declares in `[framework] translations`, sorted.
    pub fn languages(&self) -> Vec<String> {
        let mut found: BTreeSet<&str> = self.translations.keys().map(String::as_str).collect();
        for site in &self.sites {
            found.extend(site.langs.keys().map(String::as_str));
        }
        found.remove(self.base.as_str());
        found.into_iter().map(str::to_string).collect()
    }

    /// The coverage of `lang`, which need not occur in the file (then nothing is translated).
    pub fn of(&self, lang: &str) -> LangCoverage {
        let mut counts: BTreeMap<TextKind, Count> = BTreeMap::new();
        let mut missing = Vec::new();
        for site in &self.sites {
            let count = counts.entry(site.kind).or_default();
            count.total += 1;
            let key = format!("{}.{lang}", site.kind.key());
            let (offset, message) = match site.langs.get(lang) {
                Some(&(_, true)) => {
                    count.translated += 1;
                    continue;
                }
                Some(&(offset, false)) => (offset, format!("{} has an empty `{key}`", site.what)),
                None => (
                    site.english,
                    format!(
                        "{} has no `{key}` (the {} text is here)",
                        site.what,
                        if self.base == "en" {
                            "English".to_string()
                        } else {
                            format!("`{}`", self.base)
                        }
                    ),
                ),
            };
            let (line, column) = line_col(self.source_text, offset);
            missing.push(Problem {
                line,
                column,
                message,
            });
        }
        // The loader notes a question's guidance before its text; report in file order.
        missing.sort_by_key(|p| (p.line, p.column));
        LangCoverage {
            lang: lang.to_string(),
            counts: counts.into_iter().collect(),
            missing,
            status: self.translations.get(lang).cloned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::BUILTINS;

    /// Issue 17: every built-in framework is fully translated into Khmer, down to each
    /// guidance entry, and says whether the Khmer was reviewed.
    #[test]
    fn every_builtin_framework_is_complete_in_khmer() {
        for (id, text) in BUILTINS {
            let (_, coverage) = load_with_coverage(text, Source::Builtin(id.to_string()))
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(coverage.languages().contains(&"km".to_string()), "{id}");
            let km = coverage.of("km");
            let first: Vec<String> = km
                .missing
                .iter()
                .take(10)
                .map(|p| format!("{}:{}:{}: {}", coverage.file, p.line, p.column, p.message))
                .collect();
            assert!(
                km.is_complete(),
                "{id}: {} km texts missing, the first:\n{}",
                km.missing.len(),
                first.join("\n")
            );
            let total = km.total();
            assert_eq!(total.translated, total.total, "{id}");
            assert!(km.status.is_some(), "{id} says nothing about its km review");
        }
    }

    const PARTLY: &str = r#"[framework]
id = "partly"
version = "0.1.0"
title.en = "Partly translated"
title.km = "បកប្រែខ្លះ"
description.en = "Only some texts have Khmer."
default_target = 1

[[scale]]
level = 0
label.en = "None"
label.km = "គ្មាន"

[[scale]]
level = 1
label.en = "Some"

[[domains]]
id = "A"
name.en = "Alpha"
name.km = "  "

[[categories]]
id = "A.1"
domain = "A"
name.en = "Alpha one"
name.km = "អាល់ហ្វាមួយ"

[[questions]]
id = "A.1-01"
category = "A.1"
text.en = "First question?"
text.km = "សំណួរទីមួយ?"
guidance.en = ["nothing", "something"]
guidance.km = ["គ្មានអ្វី", ""]

[[questions]]
id = "A.1-02"
category = "A.1"
text.en = "Second question?"
guidance.en = [
  "nothing",
  "something",
]
"#;

    fn located(c: &LangCoverage) -> Vec<String> {
        c.missing
            .iter()
            .map(|p| format!("{}:{}: {}", p.line, p.column, p.message))
            .collect()
    }

    #[test]
    fn missing_translations_are_listed_where_they_belong() {
        let (_, coverage) = load_with_coverage(PARTLY, Source::File("partly.toml".into())).unwrap();
        assert_eq!(coverage.languages(), ["km"]);
        let km = coverage.of("km");
        assert_eq!(
            located(&km),
            [
                "6:18: framework description has no `description.km` (the English text is here)",
                "16:12: scale level 1 label has no `label.km` (the English text is here)",
                "21:11: domain `A` name has an empty `name.km`",
                "35:29: question `A.1-01` guidance for level 1 has an empty `guidance.km`",
                "40:11: question `A.1-02` text has no `text.km` (the English text is here)",
                "42:3: question `A.1-02` guidance for level 0 has no `guidance.km` (the English text is here)",
                "43:3: question `A.1-02` guidance for level 1 has no `guidance.km` (the English text is here)",
            ]
        );
        let counts: Vec<(&str, usize, usize)> = km
            .counts
            .iter()
            .map(|(k, c)| (k.label(), c.translated, c.total))
            .collect();
        assert_eq!(
            counts,
            [
                ("framework title", 1, 1),
                ("framework description", 0, 1),
                ("scale labels", 1, 2),
                ("domain names", 0, 1),
                ("category names", 1, 1),
                ("question texts", 1, 2),
                ("guidance (per level)", 1, 4),
            ]
        );
        assert_eq!(
            km.total(),
            Count {
                translated: 5,
                total: 12
            }
        );
        assert!(km.status.is_none());
    }

    #[test]
    fn a_language_the_file_never_mentions_is_entirely_missing() {
        let (_, coverage) = load_with_coverage(PARTLY, Source::File("partly.toml".into())).unwrap();
        let fr = coverage.of("fr");
        assert_eq!(
            fr.total(),
            Count {
                translated: 0,
                total: 12
            }
        );
        assert_eq!(fr.missing.len(), 12);
        assert_eq!(
            located(&fr)[0],
            "4:12: framework title has no `title.fr` (the English text is here)"
        );
        assert!(coverage.of("en").is_complete());
    }
}
