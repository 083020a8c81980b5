//! Frameworks as data: the model every later stage reads, the TOML loader that refuses
//! a broken file with `file:line:column`, and the built-in frameworks compiled into the
//! binary, and the translation coverage of a framework file (`coverage`).
//!
//! A framework never contains code. Its questions, weights, scale and sector targets are
//! all that scoring needs, and its crosswalk tags (`CSF:PR.AA-01`, `GCI:technical`) are
//! all that the crosswalk views need.

mod builtin;
pub mod coverage;
pub mod import;
mod load;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::Serialize;

pub use builtin::{builtin, builtin_ids, BUILTINS};
pub use coverage::{load_with_coverage, Coverage, LangCoverage};
pub use load::{load_file, load_str, read_file, resolve, LoadError, Problem};

/// A human text in several languages. The framework's `lang` (usually `en`) is always
/// present (the loader checks it).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Text(pub BTreeMap<String, String>);

impl Text {
    /// The text in `lang`, falling back to English when there is no translation, and to
    /// the first language it has when it has no English either (a framework whose `lang`
    /// is not `en`, such as an imported French library).
    pub fn get(&self, lang: &str) -> &str {
        self.0
            .get(lang)
            .or_else(|| self.0.get("en"))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn en(&self) -> &str {
        self.get("en")
    }

    /// Whether a real translation exists (not the English fallback).
    pub fn has(&self, lang: &str) -> bool {
        self.0.get(lang).is_some_and(|t| !t.trim().is_empty())
    }
}

/// Where a framework came from; shown in provenance and error messages.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "name")]
pub enum Source {
    Builtin(String),
    File(PathBuf),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Builtin(id) => write!(f, "frameworks/{id}.toml (built-in)"),
            Source::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Where an imported framework came from (`[framework] source`, SPEC section 12): the
/// urn, provider and version of the library it was converted from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub urn: Option<String>,
    pub provider: Option<String>,
    pub version: Option<String>,
}

/// How far the texts of one language can be trusted: a framework says whether a
/// native-speaking reviewer has read them, and if so who and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TranslationStatus {
    pub reviewed: bool,
    pub by: Option<String>,
    pub on: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ScaleLevel {
    pub level: u8,
    pub label: Text,
    pub description: Option<Text>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Domain {
    pub id: String,
    pub weight: f64,
    pub name: Text,
    pub description: Option<Text>,
    /// Indices into [`Framework::categories`], in file order.
    pub categories: Vec<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Category {
    pub id: String,
    pub domain: String,
    pub domain_index: usize,
    pub weight: f64,
    pub name: Text,
    pub description: Option<Text>,
    /// Indices into [`Framework::questions`], in file order.
    pub questions: Vec<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Question {
    pub id: String,
    pub category: String,
    pub category_index: usize,
    pub domain_index: usize,
    pub weight: f64,
    pub allow_na: bool,
    pub text: Text,
    /// Language -> one entry per scale level (the loader checks the length).
    pub guidance: BTreeMap<String, Vec<String>>,
    pub refs: Vec<String>,
    /// The id of this question in the framework it was imported from (an urn).
    pub source: Option<String>,
}

/// What a consistency rule looks at: a question's level or a category's score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSubject {
    Question,
    Category,
}

/// One side of a rule: `{ question = "TEC.IA-01", at_least = 3 }`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleTerm {
    pub subject: RuleSubject,
    pub id: String,
    /// Index into [`Framework::questions`] or [`Framework::categories`], by `subject`.
    #[serde(skip)]
    pub index: usize,
    /// Inside the scale; a whole level for a question (the loader checks both).
    pub at_least: f64,
}

/// A claim that only makes sense together with another (`[[rules]]`, SPEC section 9):
/// when `when` holds, `requires` should too. A broken rule is flagged, never scored.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rule {
    pub id: String,
    /// Always a question (the loader refuses a category here).
    pub when: RuleTerm,
    pub requires: RuleTerm,
    pub text: Text,
}

impl Question {
    /// What `level` looks like for this question, in `lang` or else English.
    pub fn guidance_at(&self, level: u8, lang: &str) -> Option<&str> {
        let entries = self
            .guidance
            .get(lang)
            .or_else(|| self.guidance.get("en"))
            .or_else(|| self.guidance.values().next())?;
        entries.get(level as usize).map(String::as_str)
    }
}

/// A loaded, checked framework. Every index field is consistent with the vectors.
#[derive(Clone, Debug, Serialize)]
pub struct Framework {
    pub id: String,
    pub version: String,
    /// The language every text has (`[framework] lang`, default `en`).
    pub lang: String,
    pub title: Text,
    pub description: Option<Text>,
    pub default_target: u8,
    pub targets: BTreeMap<String, u8>,
    pub scale: Vec<ScaleLevel>,
    pub domains: Vec<Domain>,
    pub categories: Vec<Category>,
    pub questions: Vec<Question>,
    /// `[assurance] evidence_from`: an answer at or above this level with no evidence is
    /// an unsupported claim; `default_target` when the file does not say.
    pub evidence_from: u8,
    /// `[[rules]]`, in file order.
    pub rules: Vec<Rule>,
    /// Language -> whether its texts were reviewed (`[framework] translations`).
    pub translations: BTreeMap<String, TranslationStatus>,
    /// Where an imported framework came from (`[framework] source`).
    pub origin: Option<Origin>,
    /// sha256 of the framework file's bytes, lower-case hex.
    pub sha256: String,
    pub source: Source,
    #[serde(skip)]
    question_index: HashMap<String, usize>,
}

impl Framework {
    /// The highest level of the scale (the scale always starts at 0).
    pub fn max_level(&self) -> u8 {
        self.scale.last().map(|s| s.level).unwrap_or(0)
    }

    /// The target level of an agency in `sector`.
    pub fn target_for(&self, sector: &str) -> u8 {
        self.targets
            .get(sector)
            .copied()
            .unwrap_or(self.default_target)
    }

    pub fn question_index(&self, id: &str) -> Option<usize> {
        self.question_index.get(id).copied()
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.question_index(id).map(|i| &self.questions[i])
    }

    /// The assurance rule `id` (SPEC section 9).
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn domain(&self, id: &str) -> Option<&Domain> {
        self.domains.iter().find(|d| d.id == id)
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The label of a level, e.g. "Defined", in `lang` or else English.
    pub fn level_label(&self, level: u8, lang: &str) -> &str {
        self.scale
            .get(level as usize)
            .map(|s| s.label.get(lang))
            .unwrap_or("")
    }

    /// The dropdown form of a level, as the template writes it: `3 - Defined`.
    pub fn level_choice(&self, level: u8) -> String {
        format!("{level} - {}", self.level_label(level, "en"))
    }

    /// Every distinct crosswalk tag prefix (`CSF`, `GCI`, `CMM`), sorted.
    pub fn ref_schemes(&self) -> Vec<String> {
        let mut schemes: Vec<String> = self
            .questions
            .iter()
            .flat_map(|q| q.refs.iter())
            .filter_map(|r| r.split_once(':').map(|(s, _)| s.to_string()))
            .collect();
        schemes.sort();
        schemes.dedup();
        schemes
    }

    /// The product of question, category and domain weight: how much one level on this
    /// question moves the overall score, up to a constant. Used for gap priority.
    pub fn compound_weight(&self, question: usize) -> f64 {
        let q = &self.questions[question];
        let c = &self.categories[q.category_index];
        let d = &self.domains[q.domain_index];
        q.weight * c.weight * d.weight
    }

    pub(crate) fn rebuild_index(&mut self) {
        self.question_index = self
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id.clone(), i))
            .collect();
    }
}

/// sha256 of some bytes as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        use std::fmt::Write;
        let _ = write!(out, "{b:02x}");
    }
    out
}
