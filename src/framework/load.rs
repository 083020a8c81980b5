//! Parsing and checking a framework file. Every refusal carries `file:line:column`.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use serde_spanned::Spanned;

use super::coverage::{TextKind, TextSite};
use super::{
    Category, Domain, Framework, Origin, Question, Rule, RuleSubject, RuleTerm, ScaleLevel, Source,
    Text,
};

/// One thing wrong with a framework file, located by line and column (1-based).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A framework file that could not be loaded, with every problem found in it.
#[derive(Clone, Debug)]
pub struct LoadError {
    pub file: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}:{}:{}: {}", self.file, p.line, p.column, p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// Load a framework from a file path.
pub fn load_file(path: &Path) -> Result<Framework, LoadError> {
    let text = read_file(path)?;
    load_str(&text, Source::File(path.to_path_buf()))
}

/// The text of a framework file; a file that cannot be read or is not UTF-8 is refused
/// with its location, as a broken framework is.
pub fn read_file(path: &Path) -> Result<String, LoadError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| LoadError {
        file: file.clone(),
        problems: vec![Problem {
            line: 1,
            column: 1,
            message: format!("failed to read framework file ({e})"),
        }],
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col_bytes(e.as_bytes(), e.utf8_error().valid_up_to());
        LoadError {
            file,
            problems: vec![Problem {
                line,
                column,
                message: "framework file is not valid UTF-8".into(),
            }],
        }
    })
}

/// Resolve `--framework`: an existing file path, or else a built-in id.
pub fn resolve(id_or_path: &str) -> Result<Framework, LoadError> {
    let path = Path::new(id_or_path);
    let looks_like_path = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
        || path.is_file();
    if looks_like_path {
        return load_file(path);
    }
    match super::builtin(id_or_path) {
        Some(result) => result,
        None => Err(LoadError {
            file: id_or_path.to_string(),
            problems: vec![Problem {
                line: 1,
                column: 1,
                message: format!(
                    "no built-in framework or file named `{id_or_path}` (built-in: {})",
                    super::builtin_ids().join(", ")
                ),
            }],
        }),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    framework: Spanned<RawHeader>,
    #[serde(default)]
    targets: BTreeMap<Spanned<String>, Spanned<i64>>,
    #[serde(default)]
    scale: Vec<Spanned<RawLevel>>,
    #[serde(default)]
    domains: Vec<Spanned<RawDomain>>,
    #[serde(default)]
    categories: Vec<Spanned<RawCategory>>,
    #[serde(default)]
    questions: Vec<Spanned<RawQuestion>>,
    assurance: Option<Spanned<RawAssurance>>,
    #[serde(default)]
    rules: Vec<Spanned<RawRule>>,
}

/// `[assurance]` (SPEC section 9).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssurance {
    evidence_from: Option<Spanned<i64>>,
}

/// One `[[rules]]` entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    when: Spanned<RawTerm>,
    requires: Spanned<RawTerm>,
    text: RawText,
}

/// `{ question = "...", at_least = 3 }` or `{ category = "...", at_least = 2.5 }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    question: Option<Spanned<String>>,
    category: Option<Spanned<String>>,
    at_least: Spanned<f64>,
}

// Dotted keys (`title.en`) cannot be wrapped in Spanned as a whole table by toml, so the
// span of a missing language is the owning entry's.
type RawText = BTreeMap<String, Spanned<String>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: Spanned<String>,
    version: Spanned<String>,
    lang: Option<Spanned<String>>,
    title: RawText,
    description: Option<RawText>,
    #[serde(default)]
    translations: BTreeMap<String, RawTranslation>,
    source: Option<RawOrigin>,
    default_target: Spanned<i64>,
}

/// `source = { urn = "...", provider = "...", version = "..." }`: where an imported
/// framework came from.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrigin {
    urn: Option<String>,
    provider: Option<String>,
    version: Option<String>,
}

/// `translations.<lang> = { reviewed = false }`, or `{ reviewed = true, by = "...", on = "..." }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTranslation {
    reviewed: bool,
    by: Option<String>,
    on: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    level: Spanned<i64>,
    label: RawText,
    description: Option<RawText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDomain {
    id: Spanned<String>,
    weight: Option<Spanned<f64>>,
    name: RawText,
    description: Option<RawText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    id: Spanned<String>,
    domain: Spanned<String>,
    weight: Option<Spanned<f64>>,
    name: RawText,
    description: Option<RawText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    category: Spanned<String>,
    weight: Option<Spanned<f64>>,
    #[serde(default)]
    allow_na: bool,
    text: RawText,
    guidance: Option<BTreeMap<String, Spanned<Vec<Spanned<String>>>>>,
    #[serde(default)]
    refs: Vec<Spanned<String>>,
    source: Option<String>,
}

/// Collects problems with their byte spans, then turns them into lines and columns; and
/// notes where every translatable text stands, for the translation coverage.
struct Checker<'a> {
    source: &'a str,
    /// The language every text must have (`[framework] lang`).
    lang: String,
    problems: Vec<(usize, String)>,
    sites: Vec<TextSite>,
}

impl Checker<'_> {
    fn at(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.problems.push((span.start, message.into()));
    }

    fn text(&mut self, raw: &RawText, owner: Range<usize>, kind: TextKind, what: &str) -> Text {
        self.sites.push(TextSite {
            kind,
            what: what.to_string(),
            english: raw.get(&self.lang).map_or(owner.start, |t| t.span().start),
            langs: raw
                .iter()
                .map(|(lang, value)| (lang.clone(), site_of(value)))
                .collect(),
        });
        let mut out = BTreeMap::new();
        for (lang, value) in raw {
            if !is_lang_tag(lang) {
                self.at(
                    value.span(),
                    format!("{what}: `{lang}` is not a language code (expected e.g. `en`, `km`)"),
                );
            }
            out.insert(lang.clone(), value.get_ref().clone());
        }
        let lang = self.lang.clone();
        match raw.get(&lang) {
            None if lang == "en" => self.at(
                owner,
                format!("{what} has no English text (add `.en = \"...\"`; every text needs `en`)"),
            ),
            None => self.at(
                owner,
                format!("{what} has no `{lang}` text (add `.{lang} = \"...\"`; every text needs the framework's `lang`, `{lang}`)"),
            ),
            Some(t) if t.get_ref().trim().is_empty() => {
                self.at(t.span(), format!("{what} has an empty {} text", lang_name(&lang)))
            }
            Some(_) => {}
        }
        Text(out)
    }

    /// An entry's title, label or name (`kind`) and its optional description, as
    /// "`owner` name" and "`owner` description".
    fn described(
        &mut self,
        name: &RawText,
        description: &Option<RawText>,
        owner: Range<usize>,
        kind: TextKind,
        what: &str,
    ) -> (Text, Option<Text>) {
        let name = self.text(name, owner.clone(), kind, &format!("{what} {}", kind.key()));
        let description = description.as_ref().map(|d| {
            let what = format!("{what} description");
            self.text(d, owner, kind.description(), &what)
        });
        (name, description)
    }

    /// One site per level of a question's guidance: each entry is a text of its own.
    fn guidance_sites(
        &mut self,
        qid: &str,
        english: &[Spanned<String>],
        all: &BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    ) {
        for (level, en) in english.iter().enumerate() {
            self.sites.push(TextSite {
                kind: TextKind::Guidance,
                what: format!("question `{qid}` guidance for level {level}"),
                english: en.span().start,
                langs: all
                    .iter()
                    .filter_map(|(lang, entries)| {
                        let entry = entries.get_ref().get(level)?;
                        Some((lang.clone(), site_of(entry)))
                    })
                    .collect(),
            });
        }
    }

    fn weight(&mut self, raw: &Option<Spanned<f64>>, what: &str) -> f64 {
        match raw {
            None => 1.0,
            Some(w) => {
                let value = *w.get_ref();
                if !value.is_finite() || value <= 0.0 {
                    self.at(
                        w.span(),
                        format!(
                            "{what} has weight {value}; weights must be finite and greater than 0"
                        ),
                    );
                }
                value
            }
        }
    }

    fn id(&mut self, raw: &Spanned<String>, what: &str, seen: &mut HashMap<String, String>) {
        let id = raw.get_ref();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            self.at(
                raw.span(),
                format!("{what} id `{id}` may only contain letters, digits, `.` and `-`"),
            );
        }
        if let Some(previous) = seen.insert(id.clone(), what.to_string()) {
            self.at(
                raw.span(),
                format!("duplicate id `{id}`: already used by a {previous}; ids must be unique across the whole file"),
            );
        }
    }
}

/// "English" for `en`, else "`fr`": how messages name the framework's language.
fn lang_name(lang: &str) -> String {
    if lang == "en" {
        "English".into()
    } else {
        format!("`{lang}`")
    }
}

/// Where a text stands, and whether it says anything.
fn site_of(value: &Spanned<String>) -> (usize, bool) {
    (value.span().start, !value.get_ref().trim().is_empty())
}

pub(super) fn is_lang_tag(tag: &str) -> bool {
    !tag.is_empty() && tag.len() <= 12 && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn is_semver(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// Parse and check a framework from its text.
pub fn load_str(source_text: &str, source: Source) -> Result<Framework, LoadError> {
    load_with_sites(source_text, source).map(|(framework, _)| framework)
}

/// [`load_str`], also returning where every translatable text of the file stands.
pub(super) fn load_with_sites(
    source_text: &str,
    source: Source,
) -> Result<(Framework, Vec<TextSite>), LoadError> {
    let file = source.to_string();
    let fail = |problems: Vec<Problem>| LoadError {
        file: file.clone(),
        problems,
    };
    let raw: RawFile = toml::from_str(source_text).map_err(|e| {
        let offset = error_offset(source_text, &e);
        let (line, column) = line_col(source_text, offset);
        fail(vec![Problem {
            line,
            column,
            message: describe_toml_error(&e),
        }])
    })?;

    let lang = raw
        .framework
        .get_ref()
        .lang
        .as_ref()
        .map_or_else(|| "en".to_string(), |l| l.get_ref().clone());
    let mut check = Checker {
        source: source_text,
        lang,
        problems: Vec::new(),
        sites: Vec::new(),
    };
    let framework = build(&raw, &mut check, source_text, source);
    if check.problems.is_empty() {
        Ok((framework, check.sites))
    } else {
        let mut problems: Vec<Problem> = check
            .problems
            .iter()
            .map(|(offset, message)| {
                let (line, column) = line_col(check.source, *offset);
                Problem {
                    line,
                    column,
                    message: message.clone(),
                }
            })
            .collect();
        problems.sort_by_key(|p| (p.line, p.column));
        Err(fail(problems))
    }
}

fn build(raw: &RawFile, check: &mut Checker<'_>, source_text: &str, source: Source) -> Framework {
    let header = raw.framework.get_ref();
    let id = header.id.get_ref().clone();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
    {
        // SPEC says [a-z0-9-]+; the dot is allowed too because the built-in CSF framework is
        // named `nist-csf-2.0` (documented in docs/frameworks.md).
        check.at(
            header.id.span(),
            format!("framework id `{id}` may only contain lower-case letters, digits, `-` and `.`"),
        );
    }
    let version = header.version.get_ref().clone();
    if !is_semver(&version) {
        check.at(
            header.version.span(),
            format!("framework version `{version}` is not semver (expected MAJOR.MINOR.PATCH, e.g. `1.0.0`)"),
        );
    }
    if let Some(lang) = &header.lang {
        if !is_lang_tag(lang.get_ref()) {
            check.at(
                lang.span(),
                format!(
                    "framework lang `{}` is not a language code (expected e.g. `en`, `km`)",
                    lang.get_ref()
                ),
            );
        }
    }
    let (title, description) = check.described(
        &header.title,
        &header.description,
        raw.framework.span(),
        TextKind::Title,
        "framework",
    );

    // The scale: contiguous from 0, in order.
    let mut scale = Vec::new();
    if raw.scale.len() < 2 {
        check.at(
            raw.framework.span(),
            format!(
                "the scale has {} level(s); add at least two [[scale]] entries, numbered from 0",
                raw.scale.len()
            ),
        );
    }
    for (position, level) in raw.scale.iter().enumerate() {
        let l = level.get_ref();
        let value = *l.level.get_ref();
        if value != position as i64 {
            check.at(
                l.level.span(),
                format!(
                    "scale level {value} out of sequence: levels must be contiguous from 0 in order, so this entry must be level {position}"
                ),
            );
        }
        let (label, description) = check.described(
            &l.label,
            &l.description,
            l.level.span(),
            TextKind::ScaleLabel,
            &format!("scale level {value}"),
        );
        scale.push(ScaleLevel {
            level: position.min(u8::MAX as usize) as u8,
            label,
            description,
        });
    }
    let levels = scale.len();
    let max_level = levels.saturating_sub(1) as i64;
    let target = |check: &mut Checker<'_>, value: &Spanned<i64>, what: &str| -> u8 {
        let v = *value.get_ref();
        if v < 0 || v > max_level {
            check.at(
                value.span(),
                format!("{what} {v} is outside the scale (0 to {max_level})"),
            );
            0
        } else {
            v as u8
        }
    };
    let default_target = target(check, &header.default_target, "default_target");
    let mut targets = BTreeMap::new();
    for (sector, value) in &raw.targets {
        let v = target(
            check,
            value,
            &format!("target for sector `{}`", sector.get_ref()),
        );
        targets.insert(sector.get_ref().clone(), v);
    }

    let mut seen: HashMap<String, String> = HashMap::new();
    let mut domains: Vec<Domain> = Vec::new();
    for d in &raw.domains {
        let d = d.get_ref();
        check.id(&d.id, "domain", &mut seen);
        let what = format!("domain `{}`", d.id.get_ref());
        let (name, description) = check.described(
            &d.name,
            &d.description,
            d.id.span(),
            TextKind::DomainName,
            &what,
        );
        domains.push(Domain {
            id: d.id.get_ref().clone(),
            weight: check.weight(&d.weight, &what),
            name,
            description,
            categories: Vec::new(),
        });
    }
    let domain_index: HashMap<String, usize> = domains
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.clone(), i))
        .collect();

    let mut categories: Vec<Category> = Vec::new();
    for c in &raw.categories {
        let c = c.get_ref();
        let cid = c.id.get_ref().clone();
        check.id(&c.id, "category", &mut seen);
        let parent = match domain_index.get(c.domain.get_ref()) {
            Some(&i) => i,
            None => {
                check.at(
                    c.domain.span(),
                    format!(
                        "category `{cid}` refers to domain `{}`, which is not defined (domains: {})",
                        c.domain.get_ref(),
                        list_ids(domains.iter().map(|d| d.id.as_str()))
                    ),
                );
                usize::MAX
            }
        };
        if parent != usize::MAX {
            domains[parent].categories.push(categories.len());
        }
        let what = format!("category `{cid}`");
        let (name, description) = check.described(
            &c.name,
            &c.description,
            c.id.span(),
            TextKind::CategoryName,
            &what,
        );
        categories.push(Category {
            id: cid.clone(),
            domain: c.domain.get_ref().clone(),
            domain_index: parent,
            weight: check.weight(&c.weight, &what),
            name,
            description,
            questions: Vec::new(),
        });
    }
    let category_index: HashMap<String, usize> = categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.clone(), i))
        .collect();

    let mut questions: Vec<Question> = Vec::new();
    for q in &raw.questions {
        let q = q.get_ref();
        let qid = q.id.get_ref().clone();
        check.id(&q.id, "question", &mut seen);
        let parent = match category_index.get(q.category.get_ref()) {
            Some(&i) => i,
            None => {
                check.at(
                    q.category.span(),
                    format!(
                        "question `{qid}` refers to category `{}`, which is not defined",
                        q.category.get_ref()
                    ),
                );
                usize::MAX
            }
        };
        let mut guidance = BTreeMap::new();
        if let Some(g) = &q.guidance {
            for (lang, entries) in g {
                if entries.get_ref().len() != levels {
                    check.at(
                        entries.span(),
                        format!(
                            "question `{qid}` has {} guidance.{lang} entries but the scale has {levels} levels; give one entry per level, from level 0",
                            entries.get_ref().len()
                        ),
                    );
                }
                let texts = entries.get_ref().iter().map(|e| e.get_ref().clone());
                guidance.insert(lang.clone(), texts.collect());
            }
            match g.get(&check.lang) {
                None => check.at(
                    q.id.span(),
                    format!(
                        "question `{qid}` has guidance without {} (`guidance.{}`)",
                        lang_name(&check.lang),
                        check.lang
                    ),
                ),
                Some(en) => check.guidance_sites(&qid, en.get_ref(), g),
            }
        }
        let mut refs = Vec::new();
        for r in &q.refs {
            let tag = r.get_ref();
            match tag.split_once(':') {
                Some((scheme, value))
                    if !scheme.is_empty()
                        && scheme.chars().all(|c| c.is_ascii_alphanumeric())
                        && !value.trim().is_empty()
                        && value.trim() == value => {}
                _ => check.at(
                    r.span(),
                    format!(
                        "question `{qid}` has crosswalk tag `{tag}`; tags are SCHEME:ID, e.g. `CSF:PR.AA-01` or `GCI:technical`"
                    ),
                ),
            }
            refs.push(tag.clone());
        }
        let (domain_index, category_weight_ok) = if parent == usize::MAX {
            (usize::MAX, false)
        } else {
            (categories[parent].domain_index, true)
        };
        if category_weight_ok {
            categories[parent].questions.push(questions.len());
        }
        questions.push(Question {
            id: qid.clone(),
            category: q.category.get_ref().clone(),
            category_index: parent,
            domain_index,
            weight: check.weight(&q.weight, &format!("question `{qid}`")),
            allow_na: q.allow_na,
            text: check.text(
                &q.text,
                q.id.span(),
                TextKind::QuestionText,
                &format!("question `{qid}` text"),
            ),
            guidance,
            refs,
            source: q.source.clone(),
        });
    }

    if domains.is_empty() {
        check.at(raw.framework.span(), "the framework has no [[domains]]");
    }
    // A dangling reference usually also leaves its intended parent empty; report the cause
    // only, not the echo.
    let dangling = categories.iter().any(|c| c.domain_index == usize::MAX)
        || questions.iter().any(|q| q.category_index == usize::MAX);
    for (d, raw_d) in domains.iter().zip(&raw.domains) {
        if d.categories.is_empty() && !dangling {
            check.at(
                raw_d.get_ref().id.span(),
                format!(
                    "domain `{}` has no categories; every domain needs at least one",
                    d.id
                ),
            );
        }
    }
    for (c, raw_c) in categories.iter().zip(&raw.categories) {
        if c.questions.is_empty() && !dangling {
            check.at(
                raw_c.get_ref().id.span(),
                format!(
                    "category `{}` has no questions; every category needs at least one",
                    c.id
                ),
            );
        }
    }

    let evidence_from = match raw
        .assurance
        .as_ref()
        .and_then(|a| a.get_ref().evidence_from.as_ref())
    {
        Some(value) => target(check, value, "[assurance] evidence_from"),
        None => default_target,
    };
    let rules = rules(raw, check, &questions, &categories, max_level);

    let mut framework = Framework {
        id,
        version,
        lang: check.lang.clone(),
        title,
        description,
        default_target,
        targets,
        scale,
        domains,
        categories,
        questions,
        evidence_from,
        rules,
        translations: header
            .translations
            .iter()
            .map(|(lang, t)| {
                let status = super::TranslationStatus {
                    reviewed: t.reviewed,
                    by: t.by.clone(),
                    on: t.on.clone(),
                };
                (lang.clone(), status)
            })
            .collect(),
        origin: header.source.as_ref().map(|o| Origin {
            urn: o.urn.clone(),
            provider: o.provider.clone(),
            version: o.version.clone(),
        }),
        sha256: super::sha256_hex(source_text.as_bytes()),
        source,
        question_index: HashMap::new(),
    };
    framework.rebuild_index();
    framework
}

/// The `[[rules]]`: ids `[a-z0-9-]+` and unique, every question or category defined, every
/// `at_least` inside the scale (and a whole level for a question).
fn rules(
    raw: &RawFile,
    check: &mut Checker<'_>,
    questions: &[Question],
    categories: &[Category],
    max_level: i64,
) -> Vec<Rule> {
    let mut seen: std::collections::HashSet<String> = Default::default();
    let mut out = Vec::new();
    for r in &raw.rules {
        let r = r.get_ref();
        let id = r.id.get_ref().clone();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            check.at(
                r.id.span(),
                format!("rule id `{id}` may only contain lower-case letters, digits and `-`"),
            );
        }
        if !seen.insert(id.clone()) {
            check.at(
                r.id.span(),
                format!("duplicate rule id `{id}`; rule ids must be unique"),
            );
        }
        let what = format!("rule `{id}`");
        let when = rule_term(
            check, &r.when, &what, "when", questions, categories, max_level,
        );
        let requires = rule_term(
            check,
            &r.requires,
            &what,
            "requires",
            questions,
            categories,
            max_level,
        );
        if let Some(when) = &when {
            if when.subject == RuleSubject::Category {
                check.at(
                    r.when.span(),
                    format!("{what}: `when` names a category; it takes a question (`when = {{ question = \"...\", at_least = 3 }}`)"),
                );
            }
        }
        let text = check.text(
            &r.text,
            r.id.span(),
            TextKind::RuleText,
            &format!("{what} text"),
        );
        if let (Some(when), Some(requires)) = (when, requires) {
            out.push(Rule {
                id,
                when,
                requires,
                text,
            });
        }
    }
    out
}

/// One side of a rule, checked; `None` (with a problem recorded) when it names nothing
/// the file defines.
fn rule_term(
    check: &mut Checker<'_>,
    raw: &Spanned<RawTerm>,
    what: &str,
    side: &str,
    questions: &[Question],
    categories: &[Category],
    max_level: i64,
) -> Option<RuleTerm> {
    let term = raw.get_ref();
    let (subject, id) = match (&term.question, &term.category) {
        (Some(q), None) => (RuleSubject::Question, q),
        (None, Some(c)) => (RuleSubject::Category, c),
        _ => {
            check.at(
                raw.span(),
                format!("{what}: `{side}` needs exactly one of `question` or `category`"),
            );
            return None;
        }
    };
    let index = match subject {
        RuleSubject::Question => questions.iter().position(|q| &q.id == id.get_ref()),
        RuleSubject::Category => categories.iter().position(|c| &c.id == id.get_ref()),
    };
    let noun = match subject {
        RuleSubject::Question => "question",
        RuleSubject::Category => "category",
    };
    let Some(index) = index else {
        check.at(
            id.span(),
            format!(
                "{what} refers to {noun} `{}`, which is not defined",
                id.get_ref()
            ),
        );
        return None;
    };
    let at_least = *term.at_least.get_ref();
    if !(0.0..=max_level as f64).contains(&at_least) {
        check.at(
            term.at_least.span(),
            format!("{what}: `{side}` at_least {at_least} is outside the scale (0 to {max_level})"),
        );
    } else if subject == RuleSubject::Question && at_least.fract() != 0.0 {
        check.at(
            term.at_least.span(),
            format!("{what}: `{side}` at_least {at_least} is not a level; a question's at_least is a whole level (a category's may be a fraction)"),
        );
    }
    Some(RuleTerm {
        subject,
        id: id.get_ref().clone(),
        index,
        at_least,
    })
}

fn list_ids<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let ids: Vec<&str> = ids.collect();
    if ids.is_empty() {
        "none defined".into()
    } else {
        ids.join(", ")
    }
}

/// toml's messages are good but carry their own multi-line snippet; keep the first line
/// and name unknown keys the way a framework author thinks of them.
fn describe_toml_error(e: &toml::de::Error) -> String {
    let message = e.message().trim().to_string();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return format!("unknown key {rest}");
    }
    message
        .replace("expected i64", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("expected a boolean", "expected true or false")
}

/// toml locates an unknown key at the start of its table; point at the key's own line.
fn error_offset(text: &str, e: &toml::de::Error) -> usize {
    let span = e.span().unwrap_or(0..0);
    let key = e
        .message()
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next());
    if let Some(key) = key {
        let end = span.end.min(text.len());
        let mut offset = span.start.min(end);
        for line in text.get(offset..end).unwrap_or("").split_inclusive('\n') {
            let trimmed = line.trim_start();
            if let Some(after) = trimmed.strip_prefix(key) {
                if after.trim_start().starts_with(['=', '.']) {
                    return offset + (line.len() - trimmed.len());
                }
            }
            offset += line.len();
        }
    }
    span.start
}

/// The 1-based line and column (in characters) of a byte offset: the one way posture
/// locates a place in a framework file.
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    line_col_bytes(text.as_bytes(), offset)
}

fn line_col_bytes(bytes: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(bytes.len());
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map(|p| p + 1)
        .unwrap_or(0);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}
