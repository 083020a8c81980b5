//! OSCAL 1.2 export (SPEC section 11): per scored agency of a cycle, an assessment-results
//! document and, when the agency has a question gap, a plan of action and milestones
//! (POA&M), as JSON that loads in the published OSCAL models (compliance-trestle's
//! `AssessmentResults` and `PlanOfActionAndMilestones`).
//!
//! Everything here is pure: framework, score and the input file's hash in, JSON out. The
//! same inputs give the same bytes: UUIDs are version 5 of a name made from the framework,
//! agency, cycle and item ([`uuid_name`]), timestamps are the start of the cycle, keys keep
//! the order they are written in, and items follow the framework's question order (the
//! POA&M, the §5 gap-list order). Which question is below target comes from the score's
//! gap list, never from a second comparison. `docs/oscal.md` has the mapping field by field.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::cycle::Cycle;
use crate::framework::{Framework, Question};
use crate::score::{AgencyScore, QuestionGap};
use crate::workbook::{Answer, AnswerRow, Submission};

/// The OSCAL version the documents declare (`metadata.oscal-version`).
pub const OSCAL_VERSION: &str = "1.2.1";

/// The namespace of posture's own props (`ns`). posture owns no domain, so this is a URN;
/// a deployment with its own namespace changes it here.
pub const NS: &str = "urn:posture:oscal";

/// How an observation was made. OSCAL allows EXAMINE, INTERVIEW, TEST and UNKNOWN; a
/// self-assessment answer is the agency's own statement, collected by questionnaire, which
/// is closest to an interview. posture examines no evidence itself.
pub const METHOD: &str = "INTERVIEW";

/// What a UUID names (the `<kind>` of [`uuid_name`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    AssessmentResults,
    Result,
    /// The back-matter resource that stands for the assessment plan (`import-ap`).
    Plan,
    Observation,
    Finding,
    Poam,
    PoamItem,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::AssessmentResults => "assessment-results",
            Kind::Result => "result",
            Kind::Plan => "plan",
            Kind::Observation => "observation",
            Kind::Finding => "finding",
            Kind::Poam => "poam",
            Kind::PoamItem => "poam-item",
        }
    }
}

/// The name a UUID is made from:
/// `posture:<framework id>/<agency id>/<cycle>/<kind>[/<question id>]`.
pub fn uuid_name(
    framework_id: &str,
    agency_id: &str,
    cycle: &str,
    kind: Kind,
    question: Option<&str>,
) -> String {
    let mut name = format!(
        "posture:{framework_id}/{agency_id}/{cycle}/{}",
        kind.as_str()
    );
    if let Some(q) = question {
        name.push('/');
        name.push_str(q);
    }
    name
}

/// The version 5 UUID (URL namespace) of [`uuid_name`], lower-case and hyphenated.
pub fn uuid_for(
    framework_id: &str,
    agency_id: &str,
    cycle: &str,
    kind: Kind,
    question: Option<&str>,
) -> String {
    let name = uuid_name(framework_id, agency_id, cycle, kind, question);
    Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes()).to_string()
}

/// The timestamp of everything written for a cycle (`last-modified`, `start`,
/// `collected`): 1 January of the cycle's first four-digit year, 00:00 UTC, or 1970
/// without one ([`Cycle::start_timestamp`]), as RFC 3339.
pub fn timestamp(cycle: &Cycle) -> String {
    let secs = cycle.start_timestamp();
    let (y, m, d) = crate::calendar::civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// An OSCAL token for a question: tokens must start with a letter, question ids need not.
pub fn token(question_id: &str) -> String {
    format!("q-{question_id}")
}

/// The one-line title of a question: its id, then the first line of its text (in the
/// framework's language).
pub fn question_title(framework: &Framework, q: &Question) -> String {
    let text = q.text.get(&framework.lang);
    let first = text.lines().map(str::trim).find(|l| !l.is_empty());
    match first {
        Some(line) => markup_line(&format!("{} {line}", q.id)),
        None => markup_line(&q.id),
    }
}

/// The documents of one agency in one cycle.
#[derive(Clone, Debug, PartialEq)]
pub struct AgencyDocuments {
    pub agency_id: String,
    pub cycle: Cycle,
    pub assessment_results: Value,
    /// `None` when the agency has no question gap: OSCAL needs at least one POA&M item.
    pub poam: Option<Value>,
}

/// The documents of every agency scored in `cycle`, in agency id order (the first score of
/// an agency when, against ingestion's rules, there are two). `submissions` give the hash
/// of each score's input file.
pub fn documents_for_cycle(
    framework: &Framework,
    scores: &[AgencyScore],
    submissions: &[Submission],
    cycle: &Cycle,
) -> Vec<AgencyDocuments> {
    let sha: BTreeMap<&str, &str> = submissions
        .iter()
        .map(|s| (s.file.as_str(), s.sha256.as_str()))
        .collect();
    let mut picked: BTreeMap<&str, &AgencyScore> = BTreeMap::new();
    for s in scores.iter().filter(|s| &s.cycle == cycle) {
        picked.entry(s.agency_id.as_str()).or_insert(s);
    }
    picked
        .into_values()
        .map(|score| {
            let sha256 = sha.get(score.file.as_str()).copied().unwrap_or("");
            AgencyDocuments {
                agency_id: score.agency_id.clone(),
                cycle: score.cycle.clone(),
                assessment_results: assessment_results(framework, score, sha256),
                poam: poam(framework, score, sha256),
            }
        })
        .collect()
}

/// A document as written: pretty-printed JSON with a final newline.
pub fn to_bytes(doc: &Value) -> Vec<u8> {
    // A `Value` has string keys only, so serialising it cannot fail.
    let mut out = serde_json::to_vec_pretty(doc).unwrap_or_default();
    out.push(b'\n');
    out
}

/// The UUIDs of one agency's documents.
struct Ids<'a> {
    framework: &'a str,
    agency: &'a str,
    cycle: &'a str,
}

impl Ids<'_> {
    fn of(&self, kind: Kind) -> String {
        uuid_for(self.framework, self.agency, self.cycle, kind, None)
    }

    fn item(&self, kind: Kind, question_id: &str) -> String {
        uuid_for(
            self.framework,
            self.agency,
            self.cycle,
            kind,
            Some(question_id),
        )
    }
}

fn ids<'a>(framework: &'a Framework, score: &'a AgencyScore) -> Ids<'a> {
    Ids {
        framework: &framework.id,
        agency: &score.agency_id,
        cycle: score.cycle.as_str(),
    }
}

/// The assessment-results document of one agency's score.
pub fn assessment_results(framework: &Framework, score: &AgencyScore, sha256: &str) -> Value {
    let ids = ids(framework, score);
    let time = timestamp(&score.cycle);
    let gaps: BTreeMap<&str, (usize, &QuestionGap)> = score
        .gaps
        .iter()
        .enumerate()
        .map(|(i, g)| (g.question_id.as_str(), (i + 1, g)))
        .collect();

    let objectives: Vec<Value> = framework
        .questions
        .iter()
        .map(|q| objective(framework, q))
        .collect();
    // Scoring aligns answers with the questions; a shorter vector reads as unanswered.
    let unanswered = AnswerRow::default();
    let rows = framework
        .questions
        .iter()
        .zip(score.answers.iter().chain(std::iter::repeat(&unanswered)));
    let mut observations = Vec::new();
    let mut findings = Vec::new();
    for (q, row) in rows {
        let observed = observation(framework, &ids, q, row, &time);
        let observation_uuid = observed.as_ref().map(|o| o["uuid"].clone());
        observations.extend(observed);
        findings.extend(finding(
            framework,
            &ids,
            score,
            q,
            row.answer,
            gaps.get(q.id.as_str()).copied(),
            observation_uuid,
        ));
    }
    let controls: Vec<Value> = framework
        .questions
        .iter()
        .map(|q| json!({"control-id": token(&q.id)}))
        .collect();
    let objective_ids: Vec<Value> = framework
        .questions
        .iter()
        .map(|q| json!({"objective-id": token(&q.id)}))
        .collect();

    let mut result = Map::new();
    result.insert("uuid".into(), ids.of(Kind::Result).into());
    result.insert(
        "title".into(),
        markup_line(&format!("Self-assessment, cycle {}", score.cycle)).into(),
    );
    result.insert(
        "description".into(),
        result_description(framework, score).into(),
    );
    result.insert("start".into(), time.clone().into());
    result.insert("props".into(), result_props(score).into());
    result.insert(
        "reviewed-controls".into(),
        json!({
            "control-selections": [{"include-controls": controls}],
            "control-objective-selections": [{"include-objectives": objective_ids}],
        }),
    );
    if !observations.is_empty() {
        result.insert("observations".into(), observations.into());
    }
    if !findings.is_empty() {
        result.insert("findings".into(), findings.into());
    }

    let plan_uuid = ids.of(Kind::Plan);
    json!({
        "assessment-results": {
            "uuid": ids.of(Kind::AssessmentResults),
            "metadata": metadata(
                framework,
                score,
                sha256,
                &format!("Self-assessment results: {}", agency_label(score)),
                &time,
            ),
            "import-ap": {
                "href": format!("#{plan_uuid}"),
                "remarks": "There is no OSCAL assessment plan or system security plan: the \
                            plan is the framework, described in the back-matter resource this \
                            points at, and its questions are the local objectives.",
            },
            "local-definitions": {
                "objectives-and-methods": objectives,
                "remarks": markup_multiline(&format!(
                    "The questions of the framework {} {} ({}), one objective per question.",
                    framework.id,
                    framework.version,
                    framework.title.get(&framework.lang)
                )),
            },
            "results": [Value::Object(result)],
            "back-matter": {"resources": [plan_resource(framework, &plan_uuid)]},
        }
    })
}

/// The POA&M of one agency's score: one item per question gap, in the gap list's order.
/// `None` when there is no gap.
pub fn poam(framework: &Framework, score: &AgencyScore, sha256: &str) -> Option<Value> {
    if score.gaps.is_empty() {
        return None;
    }
    let ids = ids(framework, score);
    let time = timestamp(&score.cycle);
    let items: Vec<Value> = score
        .gaps
        .iter()
        .enumerate()
        .map(|(i, gap)| {
            let title = framework
                .question(&gap.question_id)
                .map(|q| question_title(framework, q))
                .unwrap_or_else(|| markup_line(&gap.question_id));
            let next = crate::plan::next_step(framework, &gap.question_id, gap.level.unwrap_or(0));
            json!({
                "uuid": ids.item(Kind::PoamItem, &gap.question_id),
                "title": title,
                "description": markup_multiline(&next),
                "props": props(&[
                    ("question-id", gap.question_id.clone()),
                    ("rank", (i + 1).to_string()),
                    ("priority", gap.priority.to_string()),
                    ("level", level_value(gap.level)),
                    ("target", score.target.to_string()),
                    ("gap", gap.gap.to_string()),
                    ("finding-uuid", ids.item(Kind::Finding, &gap.question_id)),
                ]),
            })
        })
        .collect();
    Some(json!({
        "plan-of-action-and-milestones": {
            "uuid": ids.of(Kind::Poam),
            "metadata": metadata(
                framework,
                score,
                sha256,
                &format!("Plan of action and milestones: {}", agency_label(score)),
                &time,
            ),
            "system-id": {
                "identifier-type": format!("{NS}:agency-id"),
                "id": one_line(&score.agency_id),
            },
            "poam-items": items,
        }
    }))
}

/// `<agency name> (<agency id>), cycle <cycle>`, one line.
fn agency_label(score: &AgencyScore) -> String {
    format!(
        "{} ({}), cycle {}",
        score.agency_name, score.agency_id, score.cycle
    )
}

/// The metadata of both documents, with posture's provenance: tool, framework and the
/// input workbook, as in the JSON export (SPEC section 6).
fn metadata(
    framework: &Framework,
    score: &AgencyScore,
    sha256: &str,
    title: &str,
    time: &str,
) -> Value {
    json!({
        "title": markup_line(title),
        "last-modified": time,
        "version": non_empty(one_line(score.cycle.as_str())),
        "oscal-version": OSCAL_VERSION,
        "props": props(&[
            ("tool-name", "posture".into()),
            ("tool-version", crate::VERSION.into()),
            ("framework-id", framework.id.clone()),
            ("framework-version", framework.version.clone()),
            ("framework-sha256", framework.sha256.clone()),
            ("agency-id", score.agency_id.clone()),
            ("sector", score.sector.clone()),
            ("cycle", score.cycle.to_string()),
            ("submission-file", score.file.clone()),
            ("submission-sha256", sha256.into()),
        ]),
        "remarks": markup_multiline(&format!(
            "Written by posture {} from the workbook {} (sha256 {sha256}), scored against the \
             framework {} {} (sha256 {}). The answers are the agency's own self-assessment.",
            crate::VERSION,
            score.file,
            framework.id,
            framework.version,
            framework.sha256
        )),
    })
}

/// The back-matter resource that `import-ap` points at: the framework.
fn plan_resource(framework: &Framework, uuid: &str) -> Value {
    let mut fields = vec![
        ("framework-id", framework.id.clone()),
        ("framework-version", framework.version.clone()),
        ("framework-sha256", framework.sha256.clone()),
    ];
    if let Some(urn) = framework.origin.as_ref().and_then(|o| o.urn.clone()) {
        fields.push(("framework-source", urn));
    }
    json!({
        "uuid": uuid,
        "title": markup_line(&format!(
            "Assessment plan: {} {}",
            framework.title.get(&framework.lang),
            framework.version
        )),
        "description": markup_multiline(&format!(
            "The self-assessment framework {} {}, rated on a scale of 0 to {}. Each question \
             is an objective in local-definitions.",
            framework.id,
            framework.version,
            framework.max_level()
        )),
        "props": props(&fields),
    })
}

/// A question as a local objective: control and objective ids are its token.
fn objective(framework: &Framework, q: &Question) -> Value {
    let category = &framework.categories[q.category_index];
    let domain = &framework.domains[q.domain_index];
    let mut fields = vec![
        ("question-id", q.id.clone()),
        ("domain", domain.id.clone()),
        ("category", category.id.clone()),
        ("weight", q.weight.to_string()),
    ];
    fields.extend(q.refs.iter().map(|r| ("ref", r.clone())));
    json!({
        "control-id": token(&q.id),
        "description": markup_multiline(&format!(
            "{} / {}",
            domain.name.get(&framework.lang),
            category.name.get(&framework.lang)
        )),
        "props": props(&fields),
        "parts": [{
            "id": token(&q.id),
            "name": "objective",
            "title": question_title(framework, q),
            "prose": markup_multiline(&crate::workbook::template::text_both(&q.text)),
        }],
    })
}

/// `3 – Defined`, in the framework's language.
fn level_text(framework: &Framework, level: u8) -> String {
    format!(
        "{level} – {}",
        framework.level_label(level, &framework.lang)
    )
}

/// A level as a prop value: the number, or `unanswered`.
fn level_value(level: Option<u8>) -> String {
    level.map_or_else(|| "unanswered".into(), |l| l.to_string())
}

/// The observation of an answered question (a level or N/A): what the agency said and
/// the evidence it cited. `None` for an unanswered question.
fn observation(
    framework: &Framework,
    ids: &Ids,
    q: &Question,
    row: &AnswerRow,
    time: &str,
) -> Option<Value> {
    let (description, level) = match row.answer {
        Answer::Level(l) => (
            format!("Self-assessed at level {}.", level_text(framework, l)),
            l.to_string(),
        ),
        Answer::NotApplicable => (
            "Not applicable: the agency answered N/A.".to_string(),
            "na".to_string(),
        ),
        Answer::Unanswered => return None,
    };
    let mut o = Map::new();
    o.insert("uuid".into(), ids.item(Kind::Observation, &q.id).into());
    o.insert("title".into(), question_title(framework, q).into());
    o.insert("description".into(), markup_multiline(&description).into());
    o.insert(
        "props".into(),
        props(&[("question-id", q.id.clone()), ("level", level)]).into(),
    );
    o.insert("methods".into(), json!([METHOD]));
    o.insert("types".into(), json!(["control-objective"]));
    let evidence = row.evidence.as_deref().map(markup_multiline);
    if let Some(evidence) = evidence.filter(|e| !e.is_empty()) {
        o.insert(
            "relevant-evidence".into(),
            json!([{ "description": evidence }]),
        );
    }
    o.insert("collected".into(), time.into());
    Some(Value::Object(o))
}

/// The finding of a question: `not-satisfied` when it is in the gap list (`gap`: its rank
/// and entry), `satisfied` otherwise; `None` for N/A, which is neither.
fn finding(
    framework: &Framework,
    ids: &Ids,
    score: &AgencyScore,
    q: &Question,
    answer: Answer,
    gap: Option<(usize, &QuestionGap)>,
    observation_uuid: Option<Value>,
) -> Option<Value> {
    let target = level_text(framework, score.target);
    let (state, description, mut fields) = match (answer, gap) {
        (Answer::NotApplicable, _) => return None,
        (_, Some((rank, g))) => {
            let now = match g.level {
                Some(l) => format!("Level {}", level_text(framework, l)),
                None => format!("Unanswered, counted as level {}", level_text(framework, 0)),
            };
            (
                "not-satisfied",
                format!(
                    "{now}: {} below the target {target}. Priority {} (rank {rank} of {} in \
                     the gap list).",
                    plural(usize::from(g.gap), "level"),
                    round2(g.priority),
                    score.gaps.len()
                ),
                vec![
                    ("level", level_value(g.level)),
                    ("target", score.target.to_string()),
                    ("gap", g.gap.to_string()),
                    ("priority", g.priority.to_string()),
                    ("rank", rank.to_string()),
                ],
            )
        }
        (Answer::Level(l), None) => (
            "satisfied",
            format!(
                "Level {} reaches the target {target}.",
                level_text(framework, l)
            ),
            vec![
                ("level", l.to_string()),
                ("target", score.target.to_string()),
            ],
        ),
        // Unanswered counts 0; outside the gap list only when the target is 0.
        (Answer::Unanswered, None) => (
            "satisfied",
            format!(
                "Unanswered, counted as level {}, which reaches the target {target}.",
                level_text(framework, 0)
            ),
            vec![
                ("level", level_value(None)),
                ("target", score.target.to_string()),
            ],
        ),
    };
    fields.insert(0, ("question-id", q.id.clone()));
    let mut f = Map::new();
    f.insert("uuid".into(), ids.item(Kind::Finding, &q.id).into());
    f.insert("title".into(), question_title(framework, q).into());
    f.insert("description".into(), markup_multiline(&description).into());
    f.insert("props".into(), props(&fields).into());
    f.insert(
        "target".into(),
        json!({
            "type": "objective-id",
            "target-id": token(&q.id),
            "status": {"state": state},
        }),
    );
    if let Some(uuid) = observation_uuid {
        f.insert(
            "related-observations".into(),
            json!([{ "observation-uuid": uuid }]),
        );
    }
    Some(Value::Object(f))
}

fn result_description(framework: &Framework, score: &AgencyScore) -> String {
    let overall = match (score.overall, score.tier) {
        (Some(o), Some(t)) => format!(
            "overall {} of {} (tier {})",
            round2(o),
            framework.max_level(),
            level_text(framework, t)
        ),
        _ => "no overall score (nothing applicable)".to_string(),
    };
    markup_multiline(&format!(
        "{}, sector {}, self-assessed against {} {}: {overall}, target {}; {} below target.",
        score.agency_name,
        score.sector,
        framework.title.get(&framework.lang),
        framework.version,
        level_text(framework, score.target),
        plural(score.gaps.len(), "question"),
    ))
}

fn result_props(score: &AgencyScore) -> Vec<Value> {
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    props(&[
        ("overall", opt(score.overall)),
        ("index", opt(score.index)),
        (
            "tier",
            score.tier.map(|t| t.to_string()).unwrap_or_default(),
        ),
        ("target", score.target.to_string()),
        ("completeness", opt(score.completeness)),
        ("gaps", score.gaps.len().to_string()),
    ])
}

/// posture's props, in the given order; a prop whose value is empty is left out (OSCAL
/// prop values may not be empty).
fn props(fields: &[(&str, String)]) -> Vec<Value> {
    fields
        .iter()
        .filter_map(|(name, value)| {
            let value = one_line(value);
            (!value.is_empty()).then(|| json!({"name": name, "ns": NS, "value": value}))
        })
        .collect()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A score rounded for a sentence; props keep full precision.
fn round2(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Text on one line: every run of white space (line breaks included) becomes one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn non_empty(text: String) -> String {
    if text.is_empty() {
        "-".into()
    } else {
        text
    }
}

/// Characters that CommonMark (and its GFM extensions) may read as inline markup
/// anywhere in a line: code, emphasis, links and images, raw HTML and autolinks,
/// entities, strikethrough, table cells, and the escape character itself.
const INLINE_MARKUP: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '&', '~', '|'];

/// Text as an OSCAL `markup-line` (Markdown in JSON): one line, with every character that
/// Markdown could read as markup escaped, so that the text reads as typed and no agency
/// text can add a link, an image or HTML to a document.
pub fn markup_line(text: &str) -> String {
    escape_inline(&one_line(text))
}

/// Text as an OSCAL `markup-multiline`: each non-blank line a paragraph, escaped like
/// [`markup_line`], and a line that Markdown would read as a heading, a list item, a
/// quote or a rule starts with an escape.
pub fn markup_multiline(text: &str) -> String {
    text.lines()
        .map(one_line)
        .filter(|l| !l.is_empty())
        .map(|line| escape_block_start(&escape_inline(&line)))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if INLINE_MARKUP.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escape what makes a line a block in Markdown: `#`, `-`, `+`, `=` at its start (the
/// characters of inline markup are escaped already), and the `.` or `)` after leading
/// digits (an ordered list item).
fn escape_block_start(line: &str) -> String {
    if line.starts_with(['#', '-', '+', '=']) {
        return format!("\\{line}");
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && line[digits..].starts_with(['.', ')']) {
        return format!("{}\\{}", &line[..digits], &line[digits..]);
    }
    line.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::load_str;
    use crate::score::score_submission;
    use crate::score::tests::{golden, submission, GOLDEN};
    use crate::workbook::Answer::{Level as L, NotApplicable as NA, Unanswered as U};

    fn golden_score(answers: &[Answer]) -> (Framework, AgencyScore) {
        let fw = golden();
        let s = submission("AG", "ministry", "2026", answers);
        let score = score_submission(&fw, &s, None).unwrap();
        (fw, score)
    }

    fn ar_result(doc: &Value) -> &Value {
        &doc["assessment-results"]["results"][0]
    }

    fn by_state<'a>(doc: &'a Value, state: &str) -> Vec<&'a str> {
        ar_result(doc)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["target"]["status"]["state"] == state)
            .map(|f| f["target"]["target-id"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn uuids_are_version_5_of_the_documented_name() {
        assert_eq!(
            uuid_name("kh-ncmf", "MOH", "2026", Kind::AssessmentResults, None),
            "posture:kh-ncmf/MOH/2026/assessment-results"
        );
        assert_eq!(
            uuid_name("kh-ncmf", "MOH", "2026", Kind::Finding, Some("PEO.AW-01")),
            "posture:kh-ncmf/MOH/2026/finding/PEO.AW-01"
        );
        // Computed independently: python3 -c 'import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, NAME))'
        assert_eq!(
            uuid_for("kh-ncmf", "MOH", "2026", Kind::AssessmentResults, None),
            "84a6cadf-2f2b-512c-baf8-37da9b6ff4db"
        );
        assert_eq!(
            uuid_for("kh-ncmf", "MOH", "2026", Kind::Finding, Some("PEO.AW-01")),
            "61b623bd-f45d-532c-8fca-398716326156"
        );
        let kinds = [
            Kind::AssessmentResults,
            Kind::Result,
            Kind::Plan,
            Kind::Observation,
            Kind::Finding,
            Kind::Poam,
            Kind::PoamItem,
        ];
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "assessment-results",
                "result",
                "plan",
                "observation",
                "finding",
                "poam",
                "poam-item"
            ]
        );
    }

    #[test]
    fn documents_carry_the_uuids_of_their_names() {
        let (fw, score) = golden_score(&[L(4), L(2), L(1), U, L(3), NA]);
        let ar = assessment_results(&fw, &score, "ab");
        assert_eq!(
            ar["assessment-results"]["uuid"],
            uuid_for("golden", "AG", "2026", Kind::AssessmentResults, None)
        );
        let plan = uuid_for("golden", "AG", "2026", Kind::Plan, None);
        assert_eq!(
            ar["assessment-results"]["import-ap"]["href"],
            format!("#{plan}")
        );
        assert_eq!(
            ar["assessment-results"]["back-matter"]["resources"][0]["uuid"],
            plan
        );
        let poam = poam(&fw, &score, "ab").unwrap();
        let items = poam["plan-of-action-and-milestones"]["poam-items"]
            .as_array()
            .unwrap();
        // python3: uuid.uuid5(uuid.NAMESPACE_URL, "posture:golden/AG/2026/poam-item/D1.B-02")
        assert_eq!(items[0]["uuid"], "a05ea283-27ac-5c72-b1da-83f41d4f5d65");
        assert_eq!(
            poam["plan-of-action-and-milestones"]["uuid"],
            uuid_for("golden", "AG", "2026", Kind::Poam, None)
        );
    }

    #[test]
    fn findings_split_as_the_gap_list_does() {
        // Target 2. D1.A-01 at 4 and D1.A-02 at 2 and D2.C-01 at 3 reach it; D1.B-01 at 1
        // and D1.B-02 unanswered are the gap list; D2.C-02 is N/A: no finding.
        let (fw, score) = golden_score(&[L(4), L(2), L(1), U, L(3), NA]);
        let ar = assessment_results(&fw, &score, "ab");
        let mut not_satisfied = by_state(&ar, "not-satisfied");
        not_satisfied.sort_unstable();
        let mut gap_tokens: Vec<String> =
            score.gaps.iter().map(|g| token(&g.question_id)).collect();
        gap_tokens.sort_unstable();
        assert_eq!(not_satisfied, gap_tokens);
        assert_eq!(not_satisfied, ["q-D1.B-01", "q-D1.B-02"]);
        assert_eq!(
            by_state(&ar, "satisfied"),
            ["q-D1.A-01", "q-D1.A-02", "q-D2.C-01"]
        );
        let findings = ar_result(&ar)["findings"].as_array().unwrap();
        assert!(findings
            .iter()
            .all(|f| f["target"]["type"] == "objective-id"));
        // One observation per answered question (levels and N/A), none for unanswered.
        let observed: Vec<&str> = ar_result(&ar)["observations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["props"][0]["value"].as_str().unwrap())
            .collect();
        assert_eq!(
            observed,
            ["D1.A-01", "D1.A-02", "D1.B-01", "D2.C-01", "D2.C-02"]
        );
        // A finding points at the observation of its question, when there is one.
        let unanswered = findings
            .iter()
            .find(|f| f["target"]["target-id"] == "q-D1.B-02")
            .unwrap();
        assert!(unanswered.get("related-observations").is_none());
        let at_one = findings
            .iter()
            .find(|f| f["target"]["target-id"] == "q-D1.B-01")
            .unwrap();
        assert_eq!(
            at_one["related-observations"][0]["observation-uuid"],
            uuid_for("golden", "AG", "2026", Kind::Observation, Some("D1.B-01"))
        );
    }

    #[test]
    fn the_poam_follows_the_gap_list_with_the_next_step() {
        let (fw, score) = golden_score(&[L(4), L(2), L(1), U, L(3), NA]);
        let doc = poam(&fw, &score, "ab").unwrap();
        let items = doc["plan-of-action-and-milestones"]["poam-items"]
            .as_array()
            .unwrap();
        assert_eq!(items.len(), score.gaps.len());
        for (item, gap) in items.iter().zip(&score.gaps) {
            assert_eq!(item["props"][0]["value"], gap.question_id.as_str());
            let next = crate::plan::next_step(&fw, &gap.question_id, gap.level.unwrap_or(0));
            assert_eq!(item["description"], markup_multiline(&next));
        }
        assert_eq!(items[0]["title"], "D1.B-02 q4");
        assert_eq!(items[0]["description"], "reach level 1 – L1");
    }

    #[test]
    fn no_gap_means_no_poam() {
        let (fw, score) = golden_score(&[L(4); 6]);
        assert!(score.gaps.is_empty());
        assert_eq!(poam(&fw, &score, "ab"), None);
        assert_eq!(
            by_state(&assessment_results(&fw, &score, "ab"), "not-satisfied").len(),
            0
        );
        let subs = vec![submission("AG", "ministry", "2026", &[L(4); 6])];
        let docs = documents_for_cycle(&fw, &[score], &subs, &Cycle::from("2026"));
        assert_eq!(docs.len(), 1);
        assert!(docs[0].poam.is_none());
    }

    #[test]
    fn titles_are_the_id_and_the_first_line_of_the_text() {
        let fw = load_str(
            &GOLDEN.replace(
                "text.en = \"q1\"",
                "text.en = \"\"\"\n  Is *this* the first line?\nAnd this the second?\"\"\"",
            ),
            crate::framework::Source::File("g.toml".into()),
        )
        .unwrap();
        let q = fw.question("D1.A-01").unwrap();
        assert_eq!(
            question_title(&fw, q),
            "D1.A-01 Is \\*this\\* the first line?"
        );
        let s = submission("AG", "ministry", "2026", &[L(1); 6]);
        let score = score_submission(&fw, &s, None).unwrap();
        let ar = assessment_results(&fw, &score, "ab");
        let bytes = String::from_utf8(to_bytes(&ar)).unwrap();
        // Every title of both documents is one line.
        let doc: Value = serde_json::from_str(&bytes).unwrap();
        let poam = poam(&fw, &score, "ab").unwrap();
        for d in [&doc, &poam] {
            let mut titles = Vec::new();
            collect_titles(d, &mut titles);
            assert!(!titles.is_empty());
            assert!(
                titles.iter().all(|t| !t.contains('\n') && !t.is_empty()),
                "{titles:?}"
            );
        }
    }

    fn collect_titles(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if k == "title" {
                        out.push(v.as_str().unwrap().to_string());
                    } else {
                        collect_titles(v, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| collect_titles(v, out)),
            _ => {}
        }
    }

    #[test]
    fn timestamps_are_1_january_of_the_cycle_year() {
        assert_eq!(timestamp(&Cycle::from("2026")), "2026-01-01T00:00:00Z");
        assert_eq!(timestamp(&Cycle::from("FY2025-H1")), "2025-01-01T00:00:00Z");
        assert_eq!(timestamp(&Cycle::from("2024")), "2024-01-01T00:00:00Z");
        assert_eq!(timestamp(&Cycle::from("Q1")), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(&Cycle::from("1900")), "1970-01-01T00:00:00Z");

        let fw = golden();
        for (cycle, expected) in [
            ("2026", "2026-01-01T00:00:00Z"),
            ("H1", "1970-01-01T00:00:00Z"),
        ] {
            let s = submission("AG", "ministry", cycle, &[L(1); 6]);
            let score = score_submission(&fw, &s, None).unwrap();
            let ar = assessment_results(&fw, &score, "ab");
            let doc = &ar["assessment-results"];
            assert_eq!(doc["metadata"]["last-modified"], expected);
            assert_eq!(doc["results"][0]["start"], expected);
            let observations = doc["results"][0]["observations"].as_array().unwrap();
            assert!(observations.iter().all(|o| o["collected"] == expected));
            let poam = poam(&fw, &score, "ab").unwrap();
            assert_eq!(
                poam["plan-of-action-and-milestones"]["metadata"]["last-modified"],
                expected
            );
        }
    }

    #[test]
    fn the_same_score_gives_the_same_bytes_in_schema_order() {
        let (fw, score) = golden_score(&[L(4), L(2), L(1), U, L(3), NA]);
        let a = to_bytes(&assessment_results(&fw, &score, "ab"));
        let b = to_bytes(&assessment_results(&fw, &score.clone(), "ab"));
        assert_eq!(a, b);
        assert!(a.ends_with(b"}\n"));
        let text = String::from_utf8(a).unwrap();
        let keys: Vec<usize> = [
            "\"uuid\"",
            "\"metadata\"",
            "\"import-ap\"",
            "\"local-definitions\"",
            "\"results\"",
            "\"back-matter\"",
        ]
        .iter()
        .map(|k| text.find(k).unwrap())
        .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
        assert!(text.contains("\"oscal-version\": \"1.2.1\""));
    }

    #[test]
    fn provenance_is_in_the_metadata() {
        let (fw, score) = golden_score(&[L(4); 6]);
        let ar = assessment_results(&fw, &score, "feed");
        let props = ar["assessment-results"]["metadata"]["props"]
            .as_array()
            .unwrap();
        let get = |name: &str| {
            props
                .iter()
                .find(|p| p["name"] == name)
                .map(|p| p["value"].as_str().unwrap().to_string())
        };
        assert_eq!(get("tool-version").as_deref(), Some(crate::VERSION));
        assert_eq!(get("framework-sha256"), Some(fw.sha256.clone()));
        assert_eq!(get("submission-sha256").as_deref(), Some("feed"));
        assert_eq!(get("submission-file").as_deref(), Some("2026/AG.xlsx"));
        assert!(props.iter().all(|p| p["ns"] == NS));
    }

    #[test]
    fn only_the_cycle_asked_for_is_exported() {
        let fw = golden();
        let subs = vec![
            submission("B", "ministry", "2026", &[L(1); 6]),
            submission("A", "ministry", "2026", &[L(4); 6]),
            submission("A", "ministry", "2025", &[L(1); 6]),
        ];
        let scores = crate::score::score_all(&fw, &subs, None);
        let docs = documents_for_cycle(&fw, &scores, &subs, &Cycle::from("2026"));
        let ids: Vec<&str> = docs.iter().map(|d| d.agency_id.as_str()).collect();
        assert_eq!(ids, ["A", "B"]);
        assert!(docs[0].poam.is_none() && docs[1].poam.is_some());
        let sha = &docs[1].assessment_results["assessment-results"]["metadata"]["props"];
        assert!(sha
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "submission-sha256" && p["value"] == "0".repeat(64)));
    }

    #[test]
    fn agency_text_cannot_become_markup() {
        assert_eq!(
            markup_line("see <script>x</script> & [a](http://x) *b* `c`"),
            "see \\<script\\>x\\</script\\> \\& \\[a\\](http://x) \\*b\\* \\`c\\`"
        );
        assert_eq!(markup_line("two\nlines"), "two lines");
        assert_eq!(
            markup_multiline("# not a heading\n- not a list\n\n  1. nor this\nplain"),
            "\\# not a heading\n\n\\- not a list\n\n1\\. nor this\n\nplain"
        );
        assert_eq!(
            markup_multiline("PEO.AW-01 3 – Defined"),
            "PEO.AW-01 3 – Defined"
        );
        // Evidence is carried, escaped.
        let fw = golden();
        let mut s = submission("AG", "ministry", "2026", &[L(4); 6]);
        s.answers[0].evidence = Some("Policy_v2 *signed*\nsee <http://x>".into());
        let score = score_submission(&fw, &s, None).unwrap();
        let ar = assessment_results(&fw, &score, "ab");
        assert_eq!(
            ar_result(&ar)["observations"][0]["relevant-evidence"][0]["description"],
            "Policy\\_v2 \\*signed\\*\n\nsee \\<http://x\\>"
        );
        assert!(ar_result(&ar)["observations"][1]
            .get("relevant-evidence")
            .is_none());
    }
}
