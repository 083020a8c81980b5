//! `posture framework import`: a framework library in the YAML format of the CISO Assistant
//! project (`objects.framework` with `requirement_nodes`, `scores_definition`, `min_score`,
//! `max_score`) converted into a framework file of SPEC section 2, following SPEC section 12
//! rule by rule. Pure: YAML text in, TOML text and warnings out, or one error located by
//! YAML line and column. Reading and writing files is the CLI's job.
//!
//! The YAML is read with `saphyr` with scalar parsing switched off, so every scalar keeps
//! the text it was written as: a `ref_id: 1.10` stays `1.10` and never becomes the float
//! 1.1. What a value means (a whole number, a boolean, a null) is decided here, per key.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::{self, Write as _};

use saphyr::{AnnotatedMapping, MarkedYaml, ScalarStyle, YamlData, YamlLoader};

use super::load::is_lang_tag;

/// The most levels a scale may have (SPEC section 2).
const MAX_LEVELS: usize = 11;
/// Into how many levels a long numeric range is binned (SPEC section 12).
const BINS: i64 = 6;

/// What `--id` and the caller ask of an import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The framework id (`--id`); by default made from the library's ref_id.
    pub id: Option<String>,
}

/// A framework converted from a library: the TOML text to write, and what was lost on the
/// way, each located by its YAML line.
#[derive(Clone, Debug)]
pub struct Imported {
    pub toml: String,
    pub id: String,
    pub warnings: Vec<ImportWarning>,
}

/// Something mapped with a loss, at a YAML line (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportWarning {
    pub line: usize,
    pub kind: WarningKind,
    pub message: String,
}

/// The kinds of loss, so a caller can summarise many warnings of one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum WarningKind {
    /// An id made from an urn, made safe or made unique.
    SynthesisedId,
    /// Implementation groups, which posture has no place for.
    ImplementationGroups,
    /// Scores renumbered or binned into levels.
    Scale,
    /// Anything else the library says that posture does not keep.
    Other,
}

/// A library that cannot be converted at all, at a YAML line and column (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ImportError {}

type Node<'a> = MarkedYaml<'a>;
type Map<'a> = AnnotatedMapping<'a, Node<'a>>;

/// 1-based line and column of a node.
fn pos(node: &Node<'_>) -> (usize, usize) {
    (node.span.start.line(), node.span.start.col() + 1)
}

fn error_at(node: &Node<'_>, message: impl Into<String>) -> ImportError {
    let (line, column) = pos(node);
    ImportError {
        line,
        column,
        message: message.into(),
    }
}

/// Convert a CISO Assistant framework library into a posture framework file.
pub fn import(yaml: &str, options: &ImportOptions) -> Result<Imported, ImportError> {
    let docs = parse(yaml)?;
    let Some(root) = docs.first() else {
        return Err(ImportError {
            line: 1,
            column: 1,
            message: "no framework object: the file holds no YAML document".into(),
        });
    };
    let lib = mapping(root).ok_or_else(|| {
        error_at(
            root,
            format!(
                "no framework object: the top level is {}, not a library (a mapping with `objects.framework`)",
                kind_of(root)
            ),
        )
    })?;
    let Some((objects_key, objects)) = get(lib, "objects") else {
        return Err(error_at(
            root,
            "no framework object: the library has no `objects` (a CISO Assistant library keeps its framework under `objects.framework`)",
        ));
    };
    let objects = mapping(objects).ok_or_else(|| {
        error_at(
            objects,
            format!(
                "no framework object: `objects` is {}, not a mapping",
                kind_of(objects)
            ),
        )
    })?;
    let Some((_, framework)) = get(objects, "framework") else {
        let keys: Vec<&str> = objects
            .keys()
            .filter_map(|k| scalar(k).map(|s| s.0))
            .collect();
        return Err(error_at(
            objects_key,
            format!(
                "no framework object: `objects` has no `framework`{}",
                if keys.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (it holds {}; only a framework library can be imported)",
                        keys.join(", ")
                    )
                }
            ),
        ));
    };
    let fw = mapping(framework).ok_or_else(|| {
        error_at(
            framework,
            format!(
                "`objects.framework` is {}, not a mapping",
                kind_of(framework)
            ),
        )
    })?;
    Importer::new(lib, fw, framework, options)?.run()
}

/// Parse the YAML into marked nodes, scalars kept as written.
fn parse(yaml: &str) -> Result<Vec<Node<'_>>, ImportError> {
    let mut parser = saphyr_parser::Parser::new_from_str(yaml);
    let mut loader: YamlLoader<'_, Node<'_>> = YamlLoader::default();
    loader.early_parse(false);
    let scan_error = |e: &saphyr::ScanError| ImportError {
        line: e.marker().line(),
        column: e.marker().col() + 1,
        message: format!("failed to parse YAML ({})", e.info()),
    };
    parser.load(&mut loader, true).map_err(|e| scan_error(&e))?;
    if let Some(e) = loader.error() {
        return Err(scan_error(e));
    }
    Ok(loader.into_documents())
}

// ---------------------------------------------------------------------------------------
// Reading values

fn mapping<'b, 'a>(node: &'b Node<'a>) -> Option<&'b Map<'a>> {
    match &node.data {
        YamlData::Mapping(m) => Some(m),
        YamlData::Tagged(_, inner) => mapping(inner),
        _ => None,
    }
}

fn sequence<'b, 'a>(node: &'b Node<'a>) -> Option<&'b Vec<Node<'a>>> {
    match &node.data {
        YamlData::Sequence(s) => Some(s),
        YamlData::Tagged(_, inner) => sequence(inner),
        _ => None,
    }
}

/// A scalar as written, with its style.
fn scalar<'b>(node: &'b Node<'_>) -> Option<(&'b str, ScalarStyle)> {
    match &node.data {
        YamlData::Representation(text, style, _) => Some((text.as_ref(), *style)),
        YamlData::Tagged(_, inner) => scalar(inner),
        _ => None,
    }
}

fn is_null(node: &Node<'_>) -> bool {
    match scalar(node) {
        Some((text, ScalarStyle::Plain)) => matches!(text, "" | "~" | "null" | "Null" | "NULL"),
        _ => false,
    }
}

fn kind_of(node: &Node<'_>) -> &'static str {
    if mapping(node).is_some() {
        "a mapping"
    } else if sequence(node).is_some() {
        "a list"
    } else if is_null(node) {
        "empty"
    } else {
        "a single value"
    }
}

/// The entry `key` of a mapping: (key node, value node).
fn get<'b, 'a>(map: &'b Map<'a>, key: &str) -> Option<(&'b Node<'a>, &'b Node<'a>)> {
    map.iter()
        .find(|(k, _)| scalar(k).is_some_and(|(text, _)| text == key))
}

/// A text value: trimmed, line ends made `\n`; absent when null or blank.
fn text_value(node: &Node<'_>, key: &str) -> Result<Option<String>, ImportError> {
    if is_null(node) {
        return Ok(None);
    }
    let Some((text, _)) = scalar(node) else {
        return Err(error_at(
            node,
            format!("`{key}` is {}; expected a text", kind_of(node)),
        ));
    };
    let text = text.replace("\r\n", "\n");
    let text = text.trim();
    Ok((!text.is_empty()).then(|| text.to_string()))
}

fn text_of(map: &Map<'_>, key: &str) -> Result<Option<String>, ImportError> {
    match get(map, key) {
        None => Ok(None),
        Some((_, value)) => text_value(value, key),
    }
}

fn int_of(map: &Map<'_>, key: &str) -> Result<Option<(i64, usize)>, ImportError> {
    let Some((_, value)) = get(map, key) else {
        return Ok(None);
    };
    if is_null(value) {
        return Ok(None);
    }
    let text = scalar(value).map(|(t, _)| t.trim()).unwrap_or("");
    let parsed = text.parse::<i64>().ok().or_else(|| {
        text.parse::<f64>()
            .ok()
            .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
            .map(|f| f as i64)
    });
    match parsed {
        Some(n) => Ok(Some((n, pos(value).0))),
        None => Err(error_at(
            value,
            format!("`{key}` is `{text}`; expected a whole number"),
        )),
    }
}

fn bool_of(map: &Map<'_>, key: &str) -> Result<bool, ImportError> {
    let Some((_, value)) = get(map, key) else {
        return Ok(false);
    };
    if is_null(value) {
        return Ok(false);
    }
    match scalar(value).map(|(t, _)| t.trim()) {
        Some("true" | "True" | "TRUE") => Ok(true),
        Some("false" | "False" | "FALSE") => Ok(false),
        other => Err(error_at(
            value,
            format!(
                "`{key}` is `{}`; expected true or false",
                other.unwrap_or(kind_of(value))
            ),
        )),
    }
}

/// `translations: { fr: { name: ..., description: ... } }`: language -> field -> text.
fn translations_of(
    map: &Map<'_>,
) -> Result<BTreeMap<String, BTreeMap<String, String>>, ImportError> {
    let mut out = BTreeMap::new();
    let Some((_, value)) = get(map, "translations") else {
        return Ok(out);
    };
    if is_null(value) {
        return Ok(out);
    }
    let langs = mapping(value).ok_or_else(|| {
        error_at(
            value,
            format!(
                "`translations` is {}; expected a mapping of languages",
                kind_of(value)
            ),
        )
    })?;
    for (lang_key, fields) in langs {
        let lang = scalar(lang_key)
            .map(|(t, _)| t.trim().replace('_', "-"))
            .unwrap_or_default();
        if !is_lang_tag(&lang) {
            return Err(error_at(
                lang_key,
                format!("`translations` has `{lang}`, which is not a language code (expected e.g. `fr`, `km`)"),
            ));
        }
        let Some(fields) = mapping(fields) else {
            if is_null(fields) {
                continue;
            }
            return Err(error_at(
                fields,
                format!(
                    "`translations.{lang}` is {}; expected a mapping of texts",
                    kind_of(fields)
                ),
            ));
        };
        let mut texts = BTreeMap::new();
        for (field, value) in fields {
            let Some((field, _)) = scalar(field) else {
                continue;
            };
            if mapping(value).is_some() || sequence(value).is_some() {
                continue;
            }
            if let Some(text) = text_value(value, field)? {
                texts.insert(field.to_string(), text);
            }
        }
        out.insert(lang, texts);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Ids

/// SPEC section 2 ids: every character other than a letter, digit, `.` or `-` becomes `-`.
fn safe_id(raw: &str) -> String {
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The framework id: lower-cased, every character other than `a-z`, `0-9` and `-` made `-`.
fn framework_id(raw: &str) -> String {
    raw.to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The last segment of an urn (`urn:...:gv.oc-01` -> `gv.oc-01`).
fn urn_segment(urn: &str) -> &str {
    urn.rsplit(':').next().unwrap_or(urn)
}

/// The library's version as semver: `2` -> `2.0.0`, `1.2` -> `1.2.0`.
fn semver_of(version: &str) -> Option<String> {
    let version = version.trim().trim_start_matches(['v', 'V']);
    let parts: Vec<&str> = version.split('.').collect();
    if parts.is_empty()
        || parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let mut numbers: Vec<String> = parts
        .iter()
        .map(|p| p.trim_start_matches('0'))
        .map(|p| {
            if p.is_empty() {
                "0".to_string()
            } else {
                p.to_string()
            }
        })
        .collect();
    while numbers.len() < 3 {
        numbers.push("0".into());
    }
    Some(numbers.join("."))
}

/// Ids in use across the whole file, and the next free `-2`, `-3`, … of a taken one.
#[derive(Default)]
struct Ids {
    used: HashSet<String>,
    /// Where each id was taken (YAML line) and by what, for the warning.
    first: HashMap<String, (usize, String)>,
}

impl Ids {
    /// `base` if free, else the first free `base-2`, `base-3`, …; and where and by what
    /// `base` was taken before, when it was.
    fn take(&mut self, base: &str, line: usize, what: &str) -> (String, Option<(usize, String)>) {
        let before = self.first.get(base).cloned();
        let mut candidate = base.to_string();
        let mut n = 2;
        while !self.used.insert(candidate.clone()) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        self.first
            .insert(candidate.clone(), (line, what.to_string()));
        (candidate, before)
    }
}

// ---------------------------------------------------------------------------------------
// The conversion

/// One requirement node as read.
struct RawNode {
    /// Line and column of the node's first key.
    line: usize,
    column: usize,
    urn: Option<String>,
    parent_urn: Option<(String, usize, usize)>,
    depth: Option<(i64, usize)>,
    assessable: bool,
    ref_id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    annotation: Option<String>,
    translations: BTreeMap<String, BTreeMap<String, String>>,
    implementation_groups: usize,
}

impl RawNode {
    fn read(node: &Node<'_>) -> Result<RawNode, ImportError> {
        let map = mapping(node).ok_or_else(|| {
            error_at(
                node,
                format!(
                    "a requirement node is {}; expected a mapping",
                    kind_of(node)
                ),
            )
        })?;
        let (line, column) = pos(node);
        let parent_urn = match get(map, "parent_urn") {
            Some((_, value)) => {
                text_value(value, "parent_urn")?.map(|urn| (urn, pos(value).0, pos(value).1))
            }
            None => None,
        };
        let implementation_groups = match get(map, "implementation_groups") {
            Some((_, value)) => match sequence(value) {
                Some(groups) => groups.len(),
                None if is_null(value) => 0,
                None => 1,
            },
            None => 0,
        };
        Ok(RawNode {
            line,
            column,
            urn: text_of(map, "urn")?,
            parent_urn,
            depth: int_of(map, "depth")?,
            assessable: bool_of(map, "assessable")?,
            ref_id: text_of(map, "ref_id")?,
            name: text_of(map, "name")?,
            description: text_of(map, "description")?,
            annotation: text_of(map, "annotation")?,
            translations: translations_of(map)?,
            implementation_groups,
        })
    }

    /// The base of the node's id: its ref_id, or the last segment of its urn; and whether
    /// it came from the urn.
    fn id_base(&self) -> Option<(String, bool)> {
        match (&self.ref_id, &self.urn) {
            (Some(r), _) => Some((r.clone(), false)),
            (None, Some(urn)) => Some((urn_segment(urn).to_string(), true)),
            (None, None) => None,
        }
    }

    /// A heading's name (domain, category): its name, else ref_id, description, urn segment.
    fn heading(&self) -> Text {
        let field = ["name", "ref_id", "description"]
            .into_iter()
            .find(|f| self.field(f).is_some());
        self.text_by(field)
    }

    /// A question's text: the first present of description, name, annotation, ref_id and
    /// the last segment of its urn (SPEC section 12).
    fn question_text(&self) -> Text {
        let field = ["description", "name", "annotation", "ref_id"]
            .into_iter()
            .find(|f| self.field(f).is_some());
        self.text_by(field)
    }

    fn field(&self, field: &str) -> Option<&String> {
        match field {
            "name" => self.name.as_ref(),
            "description" => self.description.as_ref(),
            "annotation" => self.annotation.as_ref(),
            "ref_id" => self.ref_id.as_ref(),
            _ => None,
        }
    }

    /// The text of `field` (or of the urn segment when `None`), with the same field of
    /// every translation block that has it.
    fn text_by(&self, field: Option<&str>) -> Text {
        let base = match field {
            Some(f) => self.field(f).cloned().unwrap_or_default(),
            None => self
                .urn
                .as_deref()
                .map(urn_segment)
                .unwrap_or("")
                .to_string(),
        };
        let translated = field
            .map(|f| {
                self.translations
                    .iter()
                    .filter_map(|(lang, texts)| Some((lang.clone(), texts.get(f)?.clone())))
                    .collect()
            })
            .unwrap_or_default();
        Text {
            base,
            translated,
            made_up: false,
        }
    }

    /// The description of a heading, unless it already serves as its name.
    fn heading_description(&self) -> Option<Text> {
        let name_field = ["name", "ref_id", "description"]
            .into_iter()
            .find(|f| self.field(f).is_some());
        (self.description.is_some() && name_field != Some("description"))
            .then(|| self.text_by(Some("description")))
    }
}

/// A text in the library's locale and its translations.
#[derive(Clone, Debug, Default)]
struct Text {
    base: String,
    translated: BTreeMap<String, String>,
    /// Made up by posture (English), not taken from the library.
    made_up: bool,
}

impl Text {
    /// A text posture makes up (a scale label, the `general` domain), which is English.
    /// `write_text` also writes it as the `en` text when the library's locale is not `en`.
    fn english(text: impl Into<String>) -> Text {
        let text = text.into();
        Text {
            translated: BTreeMap::from([("en".to_string(), text.clone())]),
            base: text,
            made_up: true,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum DomainKey {
    Node(usize),
    General,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum CategoryKey {
    Node(usize),
    /// The category named after its domain (`<domain id>-all`).
    All(DomainKey),
}

struct Level {
    label: Text,
    description: Option<Text>,
}

struct Importer<'b, 'a> {
    lib: &'b Map<'a>,
    fw: &'b Map<'a>,
    fw_node: &'b Node<'a>,
    options: &'b ImportOptions,
    lang: String,
    warnings: Vec<ImportWarning>,
    /// Whether a text posture made up (English) was written.
    made_up_english: bool,
}

impl<'b, 'a> Importer<'b, 'a> {
    fn new(
        lib: &'b Map<'a>,
        fw: &'b Map<'a>,
        fw_node: &'b Node<'a>,
        options: &'b ImportOptions,
    ) -> Result<Self, ImportError> {
        let lang = match get(lib, "locale") {
            Some((_, value)) => match text_value(value, "locale")? {
                Some(locale) => {
                    let lang = locale.replace('_', "-");
                    if !is_lang_tag(&lang) {
                        return Err(error_at(
                            value,
                            format!("`locale` is `{locale}`, which is not a language code (expected e.g. `en`, `fr`)"),
                        ));
                    }
                    lang
                }
                None => "en".into(),
            },
            None => "en".into(),
        };
        Ok(Importer {
            lib,
            fw,
            fw_node,
            options,
            lang,
            warnings: Vec::new(),
            made_up_english: false,
        })
    }

    fn warn(&mut self, line: usize, kind: WarningKind, message: impl Into<String>) {
        self.warnings.push(ImportWarning {
            line,
            kind,
            message: message.into(),
        });
    }

    fn run(mut self) -> Result<Imported, ImportError> {
        let nodes = self.nodes()?;
        let scale = self.scale()?;
        let header = self.header(&scale)?;

        // The tree: parents, depths, children (SPEC section 12, "Tree").
        let mut by_urn: HashMap<&str, usize> = HashMap::new();
        for (i, n) in nodes.iter().enumerate() {
            if let Some(urn) = &n.urn {
                if let Some(&first) = by_urn.get(urn.as_str()) {
                    let what = n
                        .ref_id
                        .as_ref()
                        .map_or(String::new(), |r| format!(" (ref_id `{r}`)"));
                    return Err(ImportError {
                        line: n.line,
                        column: n.column,
                        message: format!(
                            "duplicate node{what}: its urn `{urn}` is also the urn of the node at line {}; ids can be made unique with -2, -3, … only for nodes with distinct urns, since a question keeps its urn as its source",
                            nodes[first].line
                        ),
                    });
                }
                by_urn.insert(urn, i);
            }
            if n.ref_id.is_none() && n.urn.is_none() && n.assessable {
                return Err(ImportError {
                    line: n.line,
                    column: n.column,
                    message: "an assessable requirement node has neither a ref_id nor an urn, so no id can be made for it".into(),
                });
            }
        }
        let mut parent: Vec<Option<usize>> = Vec::with_capacity(nodes.len());
        for n in &nodes {
            parent.push(match &n.parent_urn {
                None => None,
                Some((urn, line, column)) => match by_urn.get(urn.as_str()) {
                    Some(&p) => Some(p),
                    None => {
                        return Err(ImportError {
                            line: *line,
                            column: *column,
                            message: format!(
                                "parent_urn `{urn}` is not the urn of any requirement node of this framework"
                            ),
                        })
                    }
                },
            });
        }
        let mut depth = vec![0usize; nodes.len()];
        let mut root = vec![0usize; nodes.len()];
        for i in 0..nodes.len() {
            let (mut d, mut at) = (1, i);
            while let Some(p) = parent[at] {
                d += 1;
                at = p;
                if d > nodes.len() {
                    return Err(ImportError {
                        line: nodes[i].line,
                        column: nodes[i].column,
                        message: "the parent_urn links of this node go round in a circle".into(),
                    });
                }
            }
            depth[i] = d;
            root[i] = at;
            if let Some((given, line)) = nodes[i].depth {
                if given != d as i64 {
                    self.warn(
                        line,
                        WarningKind::Other,
                        format!("depth {given} is given, but the node's parent_urn links put it at depth {d}; the links are followed"),
                    );
                }
            }
        }
        let mut has_children = vec![false; nodes.len()];
        for p in parent.iter().flatten() {
            has_children[*p] = true;
        }

        // Questions, with their domain and category.
        let domain_of = |i: usize| {
            if has_children[root[i]] {
                DomainKey::Node(root[i])
            } else {
                DomainKey::General
            }
        };
        let category_of = |i: usize| {
            let mut at = parent[i];
            while let Some(p) = at {
                if depth[p] < 2 {
                    break;
                }
                if !nodes[p].assessable {
                    return CategoryKey::Node(p);
                }
                at = parent[p];
            }
            CategoryKey::All(domain_of(i))
        };
        let questions: Vec<usize> = (0..nodes.len()).filter(|&i| nodes[i].assessable).collect();
        if questions.is_empty() {
            let (key, _) = get(self.fw, "requirement_nodes").expect("checked in nodes()");
            return Err(error_at(
                key,
                format!(
                    "no assessable node: none of the {} requirement nodes has `assessable: true`, so there is nothing to ask",
                    nodes.len()
                ),
            ));
        }
        let kept_domains: HashSet<DomainKey> = questions.iter().map(|&q| domain_of(q)).collect();
        let kept_categories: HashSet<CategoryKey> =
            questions.iter().map(|&q| category_of(q)).collect();

        // Ids, in document order, unique across the file.
        let mut ids = Ids::default();
        let mut domain_ids: Vec<(DomainKey, String)> = Vec::new();
        let mut category_ids: Vec<(CategoryKey, String)> = Vec::new();
        let mut question_ids: HashMap<usize, String> = HashMap::new();
        for i in 0..nodes.len() {
            let n = &nodes[i];
            let key = DomainKey::Node(i);
            if depth[i] == 1 && kept_domains.contains(&key) {
                let id = self.node_id(&mut ids, n, "domain");
                domain_ids.push((key, id));
            }
            if n.assessable
                && domain_of(i) == DomainKey::General
                && !domain_ids.iter().any(|(k, _)| *k == DomainKey::General)
            {
                let (id, _) = ids.take("general", n.line, "domain");
                domain_ids.push((DomainKey::General, id));
            }
            let key = CategoryKey::Node(i);
            if kept_categories.contains(&key) {
                let id = self.node_id(&mut ids, n, "category");
                category_ids.push((key, id));
            }
            if n.assessable {
                let category = category_of(i);
                if let CategoryKey::All(domain) = category {
                    if !category_ids.iter().any(|(k, _)| *k == category) {
                        let domain_id = &domain_ids
                            .iter()
                            .find(|(k, _)| *k == domain)
                            .expect("domain before its questions")
                            .1;
                        let (id, _) = ids.take(&format!("{domain_id}-all"), n.line, "category");
                        category_ids.push((category, id));
                    }
                }
                let id = self.node_id(&mut ids, n, "question");
                question_ids.insert(i, id);
            }
        }

        // The file.
        let mut out = header;
        for (level, l) in scale.iter().enumerate() {
            out.push_str("\n[[scale]]\n");
            let _ = writeln!(out, "level = {level}");
            self.write_text(&mut out, "label", &l.label);
            if let Some(d) = &l.description {
                self.write_text(&mut out, "description", d);
            }
        }
        let general = Text::english("General");
        for (key, id) in &domain_ids {
            out.push_str("\n[[domains]]\n");
            let _ = writeln!(out, "id = {}", quote(id));
            match key {
                DomainKey::Node(i) => {
                    self.write_text(&mut out, "name", &nodes[*i].heading());
                    if let Some(d) = nodes[*i].heading_description() {
                        self.write_text(&mut out, "description", &d);
                    }
                }
                DomainKey::General => {
                    self.write_text(&mut out, "name", &general);
                    let description = Text::english(
                        "The assessable requirements at the top level of the library, outside any section.",
                    );
                    self.write_text(&mut out, "description", &description);
                }
            }
        }
        let domain_id =
            |key: DomainKey| &domain_ids.iter().find(|(k, _)| *k == key).expect("kept").1;
        let domain_name = |key: DomainKey| match key {
            DomainKey::Node(i) => nodes[i].heading(),
            DomainKey::General => general.clone(),
        };
        // Categories grouped by domain, each in document order.
        let mut categories: Vec<(DomainKey, CategoryKey, String)> = Vec::new();
        for (d, _) in &domain_ids {
            for (c, id) in &category_ids {
                let owner = match c {
                    CategoryKey::Node(i) => domain_of(*i),
                    CategoryKey::All(d) => *d,
                };
                if owner == *d {
                    categories.push((*d, *c, id.clone()));
                }
            }
        }
        for (d, c, id) in &categories {
            out.push_str("\n[[categories]]\n");
            let _ = writeln!(out, "id = {}", quote(id));
            let _ = writeln!(out, "domain = {}", quote(domain_id(*d)));
            match c {
                CategoryKey::Node(i) => {
                    self.write_text(&mut out, "name", &nodes[*i].heading());
                    if let Some(desc) = nodes[*i].heading_description() {
                        self.write_text(&mut out, "description", &desc);
                    }
                }
                CategoryKey::All(d) => self.write_text(&mut out, "name", &domain_name(*d)),
            }
        }
        for (_, c, category_id) in &categories {
            for &q in questions.iter().filter(|&&q| category_of(q) == *c) {
                let n = &nodes[q];
                out.push_str("\n[[questions]]\n");
                let _ = writeln!(out, "id = {}", quote(&question_ids[&q]));
                let _ = writeln!(out, "category = {}", quote(category_id));
                self.write_text(&mut out, "text", &n.question_text());
                if let Some(urn) = &n.urn {
                    let _ = writeln!(out, "source = {}", quote(urn));
                }
            }
        }

        if self.lang != "en" && self.made_up_english {
            self.warn(
                1,
                WarningKind::Other,
                format!("texts that posture makes up (scale labels, the `general` domain) are in English, under `{}` and `en`; translate the `{}` ones", self.lang, self.lang),
            );
        }
        // One warning for every ignored implementation group, at the first place they show.
        let grouped: Vec<&RawNode> = nodes
            .iter()
            .filter(|n| n.implementation_groups > 0)
            .collect();
        if let Some(first) = grouped.first() {
            let line = get(self.fw, "implementation_groups_definition")
                .map_or(first.line, |(k, _)| pos(k).0);
            self.warn(
                line,
                WarningKind::ImplementationGroups,
                format!(
                    "implementation groups are ignored ({} of {} nodes name one): posture asks every question of a framework; to assess one group only, delete the other questions from the TOML file",
                    grouped.len(),
                    nodes.len()
                ),
            );
        }
        self.warnings.sort_by_key(|w| w.line);
        Ok(Imported {
            toml: out,
            id: self.framework_id()?,
            warnings: self.warnings,
        })
    }

    /// The requirement nodes as read.
    fn nodes(&mut self) -> Result<Vec<RawNode>, ImportError> {
        let Some((key, value)) = get(self.fw, "requirement_nodes") else {
            return Err(error_at(
                self.fw_node,
                "no assessable node: the framework has no `requirement_nodes`",
            ));
        };
        let items = match sequence(value) {
            Some(items) => items,
            None if is_null(value) => {
                return Err(error_at(
                    key,
                    "no assessable node: `requirement_nodes` is empty",
                ))
            }
            None => {
                return Err(error_at(
                    value,
                    format!(
                        "`requirement_nodes` is {}; expected a list of nodes",
                        kind_of(value)
                    ),
                ))
            }
        };
        if items.is_empty() {
            return Err(error_at(
                key,
                "no assessable node: `requirement_nodes` is empty",
            ));
        }
        items.iter().map(RawNode::read).collect()
    }

    /// An id for a node: its ref_id or urn segment, made safe and unique, with a warning
    /// for each change.
    fn node_id(&mut self, ids: &mut Ids, n: &RawNode, what: &str) -> String {
        let (base, from_urn) = n
            .id_base()
            .expect("checked: every node has a ref_id or an urn");
        let safe = safe_id(&base);
        if from_urn {
            self.warn(
                n.line,
                WarningKind::SynthesisedId,
                format!("{what} has no ref_id: its id `{safe}` is made from its urn"),
            );
        } else if safe != base {
            self.warn(
                n.line,
                WarningKind::SynthesisedId,
                format!("{what} ref_id `{base}` becomes id `{safe}` (ids hold only letters, digits, `.` and `-`)"),
            );
        }
        let (id, before) = ids.take(&safe, n.line, what);
        if id != safe {
            self.warn(
                n.line,
                WarningKind::SynthesisedId,
                format!(
                    "{what} id `{safe}` is already the id of {}: this {what} gets `{id}`",
                    before.map_or("another item".into(), |(line, by)| format!(
                        "the {by} at line {line}"
                    ))
                ),
            );
        }
        id
    }

    fn framework_id(&self) -> Result<String, ImportError> {
        if let Some(id) = &self.options.id {
            return Ok(id.clone());
        }
        match text_of(self.lib, "ref_id")? {
            Some(r) => Ok(framework_id(&r)),
            None => Err(ImportError {
                line: 1,
                column: 1,
                message:
                    "the library has no ref_id to make the framework id from; give one with --id"
                        .into(),
            }),
        }
    }

    /// The scale (SPEC section 12, "Scale").
    fn scale(&mut self) -> Result<Vec<Level>, ImportError> {
        if let Some((key, value)) = get(self.fw, "scores_definition") {
            if !is_null(value) {
                let entries = sequence(value).ok_or_else(|| {
                    error_at(
                        value,
                        format!(
                            "`scores_definition` is {}; expected a list of scores",
                            kind_of(value)
                        ),
                    )
                })?;
                if !entries.is_empty() {
                    return self.defined_scale(key, entries);
                }
            }
        }
        let min = int_of(self.fw, "min_score")?;
        let max = int_of(self.fw, "max_score")?;
        match (min, max) {
            (Some((min, line)), Some((max, _))) => self.numeric_scale(min, max, line),
            (None, None) => {
                self.warn(
                    pos(self.fw_node).0,
                    WarningKind::Scale,
                    "the framework has no scores_definition, min_score or max_score: the scale is 0 Not implemented, 1 Partially implemented, 2 Implemented",
                );
                Ok(default_scale())
            }
            (Some((_, line)), None) | (None, Some((_, line))) => {
                self.warn(
                    line,
                    WarningKind::Scale,
                    "only one of min_score and max_score is given: the scale is 0 Not implemented, 1 Partially implemented, 2 Implemented",
                );
                Ok(default_scale())
            }
        }
    }

    /// One level per `scores_definition` entry, by rank of score.
    fn defined_scale(
        &mut self,
        key: &Node<'_>,
        entries: &[Node<'_>],
    ) -> Result<Vec<Level>, ImportError> {
        let mut scores: Vec<(i64, Level, usize)> = Vec::new();
        for entry in entries {
            let map = mapping(entry).ok_or_else(|| {
                error_at(
                    entry,
                    format!("a scores_definition entry is {}; expected a mapping with `score` and `name`", kind_of(entry)),
                )
            })?;
            let Some((score, line)) = int_of(map, "score")? else {
                return Err(error_at(entry, "a scores_definition entry has no `score`"));
            };
            if let Some((_, earlier, _)) = scores.iter().find(|(s, _, _)| *s == score) {
                return Err(error_at(
                    entry,
                    format!(
                        "score {score} is defined twice in scores_definition (also as `{}`); each level needs its own score",
                        earlier.label.base
                    ),
                ));
            }
            let translations = translations_of(map)?;
            let field = |name: &str| -> Result<Option<Text>, ImportError> {
                Ok(text_of(map, name)?.map(|base| Text {
                    made_up: false,
                    base,
                    translated: translations
                        .iter()
                        .filter_map(|(lang, t)| Some((lang.clone(), t.get(name)?.clone())))
                        .collect(),
                }))
            };
            let label = field("name")?.unwrap_or_else(|| Text::english(format!("Score {score}")));
            scores.push((
                score,
                Level {
                    label,
                    description: field("description")?,
                },
                line,
            ));
        }
        if !(2..=MAX_LEVELS).contains(&scores.len()) {
            return Err(error_at(
                key,
                format!(
                    "scores_definition has {} score(s), but a scale has 2 to {MAX_LEVELS} levels",
                    scores.len()
                ),
            ));
        }
        scores.sort_by_key(|(s, _, _)| *s);
        let numbers: Vec<i64> = scores.iter().map(|(s, _, _)| *s).collect();
        if numbers.iter().enumerate().any(|(i, s)| *s != i as i64) {
            self.warn(
                pos(key).0,
                WarningKind::Scale,
                format!(
                    "scores {} become levels 0 to {} by rank; the levels keep the score names, not their numbers",
                    numbers.iter().map(i64::to_string).collect::<Vec<_>>().join(", "),
                    numbers.len() - 1
                ),
            );
        }
        Ok(scores.into_iter().map(|(_, level, _)| level).collect())
    }

    /// The numbers min..max, one level each, or binned into 6 levels when there are more
    /// than 11.
    fn numeric_scale(
        &mut self,
        min: i64,
        max: i64,
        line: usize,
    ) -> Result<Vec<Level>, ImportError> {
        let (key, _) = get(self.fw, "min_score").expect("read above");
        if max <= min {
            return Err(error_at(
                key,
                format!(
                    "min_score {min} and max_score {max} leave fewer than two scores for a scale"
                ),
            ));
        }
        let count = max - min + 1;
        let plain = Text::english;
        if count as usize <= MAX_LEVELS {
            if min != 0 {
                self.warn(
                    line,
                    WarningKind::Scale,
                    format!(
                        "scores {min} to {max} become levels 0 to {}; each label names its score",
                        count - 1
                    ),
                );
            }
            return Ok((min..=max)
                .map(|s| Level {
                    label: plain(format!("Score {s}")),
                    description: None,
                })
                .collect());
        }
        self.warn(
            line,
            WarningKind::Scale,
            format!("scores {min} to {max} ({count} values) are binned into {BINS} levels of equal width; each label names the scores it covers"),
        );
        // Score s falls in bin floor((s - min) * 6 / (max - min)), the top score in the last.
        let bin = |s: i64| (((s - min) * BINS) / (max - min)).min(BINS - 1);
        Ok((0..BINS)
            .map(|b| {
                let low = (min..=max)
                    .find(|&s| bin(s) == b)
                    .expect("every bin holds a score");
                let high = (min..=max)
                    .rev()
                    .find(|&s| bin(s) == b)
                    .expect("every bin holds a score");
                Level {
                    label: plain(format!("Score {low}–{high}")),
                    description: Some(plain(format!(
                        "A score from {low} to {high} on the library's scale of {min} to {max}."
                    ))),
                }
            })
            .collect())
    }

    /// `[framework]`, with a comment saying where the file came from.
    fn header(&mut self, scale: &[Level]) -> Result<String, ImportError> {
        let lib_translations = translations_of(self.lib)?;
        let fw_translations = translations_of(self.fw)?;
        let field = |this: &Self, name: &str| -> Result<Option<Text>, ImportError> {
            let (base, from_fw) = match text_of(this.fw, name)? {
                Some(t) => (t, true),
                None => match text_of(this.lib, name)? {
                    Some(t) => (t, false),
                    None => return Ok(None),
                },
            };
            let blocks = if from_fw {
                &fw_translations
            } else {
                &lib_translations
            };
            Ok(Some(Text {
                made_up: false,
                base,
                translated: blocks
                    .iter()
                    .filter_map(|(lang, t)| Some((lang.clone(), t.get(name)?.clone())))
                    .collect(),
            }))
        };
        let title = match field(self, "name")? {
            Some(t) => t,
            None => Text {
                made_up: false,
                base: text_of(self.fw, "ref_id")?
                    .or(text_of(self.lib, "ref_id")?)
                    .unwrap_or_else(|| "Imported framework".into()),
                translated: BTreeMap::new(),
            },
        };
        let description = field(self, "description")?;
        let urn = text_of(self.lib, "urn")?;
        let provider = text_of(self.lib, "provider")?;
        let lib_version = match get(self.lib, "version") {
            Some((_, v)) => text_value(v, "version")?.map(|t| (t, pos(v).0)),
            None => None,
        };
        let version = match &lib_version {
            None => {
                self.warn(1, WarningKind::Other, "the library has no version: the framework is version 1.0.0");
                "1.0.0".to_string()
            }
            Some((v, line)) => semver_of(v).unwrap_or_else(|| {
                self.warn(*line, WarningKind::Other, format!("library version `{v}` is not a number like 2 or 1.2: the framework is version 1.0.0"));
                "1.0.0".to_string()
            }),
        };
        let id = self.framework_id()?;

        let mut out = String::new();
        let _ = writeln!(out, "# {}", one_line(&title.base));
        out.push_str("#\n# Converted from a CISO Assistant framework library by `posture framework import`\n");
        out.push_str("# (SPEC section 12). The texts are the library's own.\n");
        if let Some(urn) = &urn {
            let _ = writeln!(out, "# Library: {}", one_line(urn));
        }
        out.push_str("\n[framework]\n");
        let _ = writeln!(out, "id = {}", quote(&id));
        let _ = writeln!(out, "version = {}", quote(&version));
        let _ = writeln!(out, "lang = {}", quote(&self.lang));
        self.write_text(&mut out, "title", &title);
        if let Some(d) = &description {
            self.write_text(&mut out, "description", d);
        }
        let mut source = Vec::new();
        if let Some(urn) = &urn {
            source.push(format!("urn = {}", quote(urn)));
        }
        if let Some(p) = &provider {
            source.push(format!("provider = {}", quote(p)));
        }
        if let Some((v, _)) = &lib_version {
            source.push(format!("version = {}", quote(v)));
        }
        if !source.is_empty() {
            let _ = writeln!(out, "source = {{ {} }}", source.join(", "));
        }
        let _ = writeln!(out, "default_target = {}", (scale.len() - 1) / 2);
        Ok(out)
    }

    /// `key.<lang> = "..."` for the base text, then every translation in language order.
    fn write_text(&mut self, out: &mut String, key: &str, text: &Text) {
        if text.made_up {
            self.made_up_english = true;
        }
        let _ = writeln!(out, "{key}.{} = {}", self.lang, quote(&text.base));
        for (lang, t) in &text.translated {
            if *lang != self.lang {
                let _ = writeln!(out, "{key}.{lang} = {}", quote(t));
            }
        }
    }
}

fn default_scale() -> Vec<Level> {
    ["Not implemented", "Partially implemented", "Implemented"]
        .into_iter()
        .map(|label| Level {
            label: Text::english(label),
            description: None,
        })
        .collect()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A TOML basic string. (`report::escape::string_literal` looks alike but writes Typst's
/// `\u{..}` escapes; TOML needs `\uXXXX`.)
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imported(yaml: &str) -> Imported {
        import(yaml, &ImportOptions::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn library(framework: &str) -> String {
        format!("urn: urn:x:library:t\nref_id: T\nversion: 1\nobjects:\n  framework:\n    name: T\n{framework}    requirement_nodes:\n    - urn: urn:x:a\n      assessable: true\n      ref_id: A\n      name: Ask\n")
    }

    #[test]
    fn versions_become_semver() {
        assert_eq!(semver_of("2").as_deref(), Some("2.0.0"));
        assert_eq!(semver_of("1.2").as_deref(), Some("1.2.0"));
        assert_eq!(semver_of("v1.02.3").as_deref(), Some("1.2.3"));
        assert_eq!(semver_of("2022a"), None);
        assert_eq!(semver_of("1.2.3.4"), None);
    }

    #[test]
    fn ids_are_made_safe_and_unique() {
        assert_eq!(framework_id("NIST-CSF-2.0"), "nist-csf-2-0");
        assert_eq!(safe_id("A 5.1/x"), "A-5.1-x");
        assert_eq!(urn_segment("urn:a:b:gv.oc-01"), "gv.oc-01");
        let mut ids = Ids::default();
        assert_eq!(ids.take("A", 1, "domain").0, "A");
        assert_eq!(ids.take("A-2", 2, "question").0, "A-2");
        let (id, before) = ids.take("A", 3, "question");
        assert_eq!(id, "A-3");
        assert_eq!(before, Some((1, "domain".to_string())));
    }

    /// Ranges of up to 11 scores keep one level per score; longer ones are binned into 6
    /// levels that cover the range without gaps or overlaps.
    #[test]
    fn scores_are_binned_only_beyond_eleven() {
        let labels = |min: i64, max: i64| -> Vec<String> {
            let yaml = library(&format!("    min_score: {min}\n    max_score: {max}\n"));
            let out = imported(&yaml).toml;
            out.lines()
                .filter_map(|l| l.strip_prefix("label.en = \""))
                .map(|l| l.trim_end_matches('"').to_string())
                .collect()
        };
        assert_eq!(labels(1, 11).len(), 11);
        assert_eq!(
            labels(0, 11),
            [
                "Score 0–1",
                "Score 2–3",
                "Score 4–5",
                "Score 6–7",
                "Score 8–9",
                "Score 10–11"
            ]
        );
        assert_eq!(
            labels(0, 100),
            [
                "Score 0–16",
                "Score 17–33",
                "Score 34–49",
                "Score 50–66",
                "Score 67–83",
                "Score 84–100"
            ]
        );
        assert_eq!(labels(1, 13).len(), 6);
        let e = import(
            &library("    min_score: 3\n    max_score: 3\n"),
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert!(e.message.contains("fewer than two scores"), "{e}");
    }

    #[test]
    fn a_scale_needs_two_to_eleven_scores() {
        let one = library("    scores_definition:\n    - score: 0\n      name: Only\n");
        let e = import(&one, &ImportOptions::default()).unwrap_err();
        assert_eq!((e.line, e.column), (7, 5));
        assert!(e.message.contains("has 1 score(s)"), "{e}");
        let twice = library("    scores_definition:\n    - score: 0\n      name: A\n    - score: 0\n      name: B\n");
        let e = import(&twice, &ImportOptions::default()).unwrap_err();
        assert!(e.message.contains("score 0 is defined twice"), "{e}");
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(
            quote("a \"b\" \\ c\nd\u{7}"),
            "\"a \\\"b\\\" \\\\ c\\nd\\u0007\""
        );
    }

    #[test]
    fn wrong_types_and_dangling_parents_are_located() {
        let yaml = library("").replace("assessable: true", "assessable: maybe");
        let e = import(&yaml, &ImportOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "9:19: `assessable` is `maybe`; expected true or false"
        );
        let yaml = library("").replace("ref_id: A", "ref_id: A\n      parent_urn: urn:x:nowhere");
        let e = import(&yaml, &ImportOptions::default()).unwrap_err();
        assert_eq!(e.line, 11);
        assert!(
            e.message
                .contains("parent_urn `urn:x:nowhere` is not the urn"),
            "{e}"
        );
    }
}
