//! Reading returned action plans (`--plans DIR`, SPEC section 11) with the rigour of
//! SPEC section 4: a bad file is refused by the same guard as a submission, and every
//! problem is a located [`Diagnostic`]. A plan is checked against the plan posture wrote
//! for its agency (regenerated from that cycle's score): the agency and cycle must match,
//! every row must be a row of that plan with its `question_id`, `current` and `target`
//! unchanged, `due` must be a date and `status` one of the dropdown's choices.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use serde::Serialize;

use super::{ItemStatus, Plan, PLAN_SHEET, PROFILE_SHEET};
use crate::workbook::ingest::guard;
use crate::workbook::ingest::level::CellValue;
use crate::workbook::ingest::sheet::{header_row, question_rows, Book, Grid, SheetError};
use crate::workbook::ingest::{quietly, sheet_reason};
use crate::workbook::{Diagnostic, Kind, Limits, Returned, Severity};

/// The header row is the first of these rows with a `question_id` cell.
const HEADER_SEARCH_ROWS: u32 = 20;
/// Profile fields are looked for in the first 50 rows, as in a submission.
const PROFILE_ROWS: u32 = 50;

/// Columns a returned plan must keep; `owner`, `note` and the texts may go.
const REQUIRED: [&str; 5] = ["question_id", "current", "target", "due", "status"];

/// One returned plan file, judged.
#[derive(Clone, Debug, Serialize)]
pub struct ReturnedPlan {
    pub file: String,
    pub agency_id: Option<String>,
    pub cycle: Option<String>,
    /// The agency's plan with what the agency filled in; `None` when the file was
    /// refused before its rows could be matched (bad file, wrong agency or cycle).
    #[serde(skip)]
    pub plan: Option<Plan>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl ReturnedPlan {
    /// Whether the plan counts for `plan_progress` (no error).
    pub fn accepted(&self) -> bool {
        self.errors.is_empty() && self.plan.is_some()
    }
}

/// Read one returned plan. `expected` holds, by agency id, the plans posture wrote for
/// the previous cycle of the agencies scored in the report's cycle.
pub fn read_plan_bytes(
    display: &str,
    bytes: &[u8],
    limits: &Limits,
    expected: &BTreeMap<String, Plan>,
) -> ReturnedPlan {
    let mut out = ReturnedPlan {
        file: display.to_string(),
        agency_id: None,
        cycle: None,
        plan: None,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let mut diags = Vec::new();
    let result = quietly(|| {
        catch_unwind(AssertUnwindSafe(|| {
            read_checked(bytes, limits, expected, &mut out, &mut diags)
        }))
    });
    match result {
        Ok(Ok(())) => {}
        Ok(Err(kind)) => diags.push(Diagnostic::error(kind)),
        Err(_) => diags.push(Diagnostic::error(Kind::ParserFailed)),
    }
    for d in diags {
        match d.severity {
            Severity::Error => out.errors.push(d),
            Severity::Warning => out.warnings.push(d),
        }
    }
    if !out.errors.is_empty() {
        out.plan = None;
    }
    out
}

fn read_checked(
    bytes: &[u8],
    limits: &Limits,
    expected: &BTreeMap<String, Plan>,
    out: &mut ReturnedPlan,
    diags: &mut Vec<Diagnostic>,
) -> Result<(), Kind> {
    let checked = guard::check(bytes, limits).map_err(|r| r.0)?;
    let mut book = Book::open(checked, bytes)?;
    let (profile_name, plan_name) =
        match (book.find_sheet(PROFILE_SHEET), book.find_sheet(PLAN_SHEET)) {
            (Ok(p), Ok(q)) => (p, q),
            (Err(SheetError::Missing(sheets)), Err(SheetError::Missing(_))) => {
                return Err(Kind::NotAPostureWorkbook {
                    what: Returned::ActionPlan,
                    sheets,
                })
            }
            (Err(SheetError::Missing(present)), _) => {
                diags.push(
                    Diagnostic::error(Kind::MissingSheet { present }).in_sheet(PROFILE_SHEET),
                );
                return Ok(());
            }
            (_, Err(SheetError::Missing(present))) => {
                diags.push(Diagnostic::error(Kind::MissingSheet { present }).in_sheet(PLAN_SHEET));
                return Ok(());
            }
            (Err(e), _) | (_, Err(e)) => return Err(sheet_reason(PLAN_SHEET, e, limits)),
        };
    let profile = book
        .read(&profile_name, PROFILE_ROWS, true, None)
        .map_err(|e| sheet_reason(&profile_name, e, limits))?;
    let Some(plan) = check_profile(&profile, expected, out, diags) else {
        return Ok(());
    };
    let grid = book
        .read(&plan_name, limits.max_assessment_rows, false, None)
        .map_err(|e| sheet_reason(&plan_name, e, limits))?;
    out.plan = Some(check_rows(&grid, plan, diags));
    Ok(())
}

/// The agency and cycle of the Profile, checked against the plans expected; the plan
/// this file returns when both match.
fn check_profile<'p>(
    grid: &Grid,
    expected: &'p BTreeMap<String, Plan>,
    out: &mut ReturnedPlan,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'p Plan> {
    let sheet = grid.name.as_str();
    let mut field = |name: &'static str| -> Option<(String, u32)> {
        let row = (0..PROFILE_ROWS).find(|&r| {
            grid.get(r, 0)
                .as_text()
                .is_some_and(|t| t.eq_ignore_ascii_case(name))
        });
        match row {
            None => {
                diags.push(
                    Diagnostic::error(Kind::MissingProfileField {
                        field: name,
                        rows: PROFILE_ROWS,
                    })
                    .in_sheet(sheet),
                );
                None
            }
            Some(row) => match grid.get(row, 1).as_text() {
                Some(v) => Some((v, row)),
                None => {
                    diags.push(
                        Diagnostic::error(Kind::EmptyProfileField { field: name })
                            .in_sheet(sheet)
                            .at(row, 1),
                    );
                    None
                }
            },
        }
    };
    let agency = field("agency_id");
    let cycle = field("cycle");
    out.agency_id = agency.as_ref().map(|(v, _)| v.clone());
    out.cycle = cycle.as_ref().map(|(v, _)| v.clone());
    let (agency, agency_row) = agency?;
    let Some(plan) = expected.get(&agency) else {
        diags.push(
            Diagnostic::error(Kind::PlanWrongAgency {
                agencies: expected.len(),
            })
            .in_sheet(sheet)
            .at(agency_row, 1)
            .with_found(&agency),
        );
        return None;
    };
    let (cycle, cycle_row) = cycle?;
    if cycle != plan.cycle {
        diags.push(
            Diagnostic::error(Kind::PlanWrongCycle)
                .in_sheet(sheet)
                .at(cycle_row, 1)
                .with_found(&cycle)
                .with_expected(&plan.cycle),
        );
        return None;
    }
    Some(plan)
}

/// The plan's rows as returned: each checked against `plan`, and the agency's four cells
/// copied into a copy of it.
fn check_rows(grid: &Grid, plan: &Plan, diags: &mut Vec<Diagnostic>) -> Plan {
    let sheet = grid.name.as_str();
    let mut returned = plan.clone();
    let Some((header, columns)) = header_row(grid, HEADER_SEARCH_ROWS, &REQUIRED, diags) else {
        return returned;
    };
    let id_col = columns["question_id"];
    let col = |name: &str| columns.get(name).copied();
    let index: BTreeMap<&str, usize> = plan
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.question_id.as_str(), i))
        .collect();
    let rows = question_rows(
        grid,
        header,
        id_col,
        &[],
        |id| index.get(id).copied(),
        || Kind::PlanUnknownQuestion,
        diags,
    );
    for (row, i) in rows {
        let item = &mut returned.items[i];
        let written = &plan.items[i];
        for (column, want) in [
            ("current", written.current.map(|l| l.to_string())),
            ("target", Some(written.target.to_string())),
        ] {
            let c = columns[column];
            let found = grid.get(row, c).as_text();
            if found != want {
                diags.push(
                    Diagnostic::error(Kind::PlanChangedCell { column })
                        .in_sheet(sheet)
                        .at(row, c)
                        .with_found(found.as_deref().unwrap_or(""))
                        .with_expected(want.as_deref().unwrap_or("")),
                );
            }
        }
        let due_col = columns["due"];
        match due(grid.get(row, due_col)) {
            Ok(d) => item.due = d,
            Err(value) => {
                let (kind, found) = value.found();
                diags.push(
                    Diagnostic::error(Kind::PlanBadDue { value: kind })
                        .in_sheet(sheet)
                        .at(row, due_col)
                        .with_found(&found)
                        .with_expected("YYYY-MM-DD"),
                );
            }
        }
        let status_col = columns["status"];
        item.status = match grid.get(row, status_col).as_text() {
            None => None,
            Some(text) => match ItemStatus::parse(&text) {
                Some(s) => Some(s),
                None => {
                    diags.push(
                        Diagnostic::error(Kind::PlanBadStatus)
                            .in_sheet(sheet)
                            .at(row, status_col)
                            .with_found(&text)
                            .with_expected(&ItemStatus::choices()),
                    );
                    None
                }
            },
        };
        item.owner = col("owner").and_then(|c| grid.get(row, c).as_text());
        item.note = col("note").and_then(|c| grid.get(row, c).as_text());
    }
    returned
}

/// A `due` cell: empty, a date cell, or `YYYY-MM-DD` text naming a real date.
fn due(value: &CellValue) -> Result<Option<String>, &CellValue> {
    match value {
        CellValue::Empty => Ok(None),
        CellValue::Text(t) if t.trim().is_empty() => Ok(None),
        CellValue::Date(d) | CellValue::Text(d) if is_iso_date(d.trim()) => {
            Ok(Some(d.trim().to_string()))
        }
        other => Err(other),
    }
}

/// Whether `s` is `YYYY-MM-DD` and a date of the Gregorian calendar.
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        s.get(r.clone())
            .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))?
            .parse()
            .ok()
    };
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    crate::calendar::days_in_month(i64::from(y), m).is_some_and(|days| (1..=days).contains(&d))
}

#[cfg(test)]
mod tests {
    use rust_xlsxwriter::Workbook;

    use super::*;
    use crate::plan::{plan_bytes, plan_for, plan_progress, PlanProgress};
    use crate::score::score_submission;
    use crate::score::tests::{golden, submission};
    use crate::workbook::Answer::{Level as L, NotApplicable as NA, Unanswered as U};

    /// The 2025 plan of agency AG (energy, target 3) and the plans map a 2026 report expects.
    fn plan_2025() -> (crate::framework::Framework, Plan, BTreeMap<String, Plan>) {
        let fw = golden();
        let s = submission("AG", "energy", "2025", &[L(1), U, L(3), L(0), L(2), NA]);
        let plan = plan_for(&fw, &score_submission(&fw, &s, None).unwrap());
        let expected = BTreeMap::from([(plan.agency_id.clone(), plan.clone())]);
        (fw, plan, expected)
    }

    fn read(bytes: &[u8], expected: &BTreeMap<String, Plan>) -> ReturnedPlan {
        read_plan_bytes("AG.xlsx", bytes, &Limits::default(), expected)
    }

    /// A plan workbook written cell by cell, for the mistakes the writer cannot make.
    fn raw(profile: &[(&str, &str)], rows: &[Vec<&str>]) -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("Profile").unwrap();
        for (r, (k, v)) in profile.iter().enumerate() {
            ws.write_string(r as u32, 0, *k).unwrap();
            ws.write_string(r as u32, 1, *v).unwrap();
        }
        let ws = wb.add_worksheet().set_name("Plan").unwrap();
        for (c, h) in super::super::HEADER.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                match v.parse::<f64>() {
                    Ok(n) => ws.write_number(r as u32 + 1, c as u16, n).unwrap(),
                    Err(_) if v.is_empty() => ws,
                    Err(_) => ws.write_string(r as u32 + 1, c as u16, *v).unwrap(),
                };
            }
        }
        wb.save_to_buffer().unwrap()
    }

    const PROFILE: [(&str, &str); 2] = [("agency_id", "AG"), ("cycle", "2025")];

    /// The plan's rows as `raw` writes them, each row editable by the test.
    fn rows(plan: &Plan) -> Vec<Vec<String>> {
        plan.items
            .iter()
            .map(|i| {
                vec![
                    i.rank.to_string(),
                    i.question_id.clone(),
                    "q".into(),
                    i.current.map(|l| l.to_string()).unwrap_or_default(),
                    i.target.to_string(),
                    "step".into(),
                    "1".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]
            })
            .collect()
    }

    fn raw_rows(rows: &[Vec<String>]) -> Vec<u8> {
        let rows: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        raw(&PROFILE, &rows)
    }

    fn only_error(r: &ReturnedPlan) -> &Diagnostic {
        assert_eq!(r.errors.len(), 1, "{:#?}", r.errors);
        assert!(r.plan.is_none());
        &r.errors[0]
    }

    #[test]
    fn round_trip_returns_what_was_filled_in() {
        let (_, plan, expected) = plan_2025();
        let mut filled = plan.clone();
        filled.items[0].owner = Some("Sokha, IT office".into());
        filled.items[0].due = Some("2025-09-30".into());
        filled.items[0].status = Some(ItemStatus::Done);
        filled.items[1].status = Some(ItemStatus::InProgress);
        filled.items[1].note = Some("budget requested · បានស្នើថវិកា".into());
        let r = read(&plan_bytes(&filled).unwrap(), &expected);
        assert!(r.errors.is_empty(), "{:#?}", r.errors);
        assert!(r.accepted());
        assert_eq!(r.plan.as_ref(), Some(&filled));
        assert_eq!(r.agency_id.as_deref(), Some("AG"));
        assert_eq!(r.cycle.as_deref(), Some("2025"));
        // A blank plan reads back as the plan itself.
        assert_eq!(
            read(&plan_bytes(&plan).unwrap(), &expected).plan,
            Some(plan)
        );
    }

    #[test]
    fn due_text_and_status_spelling_are_accepted() {
        let (_, plan, expected) = plan_2025();
        let mut rs = rows(&plan);
        rs[0][8] = "2026-02-28".into();
        rs[0][9] = " In  Progress ".into();
        let r = read(&raw_rows(&rs), &expected);
        assert!(r.errors.is_empty(), "{:#?}", r.errors);
        let item = &r.plan.unwrap().items[0];
        assert_eq!(item.due.as_deref(), Some("2026-02-28"));
        assert_eq!(item.status, Some(ItemStatus::InProgress));
    }

    #[test]
    fn a_due_that_is_not_a_date_is_located() {
        let (_, plan, expected) = plan_2025();
        let mut rs = rows(&plan);
        rs[1][8] = "2026-02-30".into();
        let d = only_error(&read(&raw_rows(&rs), &expected)).clone();
        assert_eq!(d.kind.code(), "plan_bad_due");
        assert_eq!(d.location(), "Plan!I3");
        assert_eq!(d.found.as_deref(), Some("2026-02-30"));
        let mut rs = rows(&plan);
        rs[0][8] = "next month".into();
        assert_eq!(
            only_error(&read(&raw_rows(&rs), &expected)).location(),
            "Plan!I2"
        );
    }

    #[test]
    fn an_unknown_status_is_located() {
        let (_, plan, expected) = plan_2025();
        let mut rs = rows(&plan);
        rs[0][9] = "finished".into();
        let r = read(&raw_rows(&rs), &expected);
        let d = only_error(&r);
        assert_eq!(d.kind, Kind::PlanBadStatus);
        assert_eq!(d.location(), "Plan!J2");
        assert_eq!(
            d.expected.as_deref(),
            Some("planned, in progress, done, not planned")
        );
        assert!(d.message().contains("finished"), "{}", d.message());
    }

    #[test]
    fn a_question_not_in_the_plan_is_located() {
        let (_, plan, expected) = plan_2025();
        let mut rs = rows(&plan);
        rs[0][1] = "D9.Z-01".into();
        let d = only_error(&read(&raw_rows(&rs), &expected)).clone();
        assert_eq!(d.kind, Kind::PlanUnknownQuestion);
        assert_eq!(d.location(), "Plan!B2");
        // A question of the framework that is at target is not in the plan either.
        let mut rs = rows(&plan);
        rs[0][1] = "D1.B-01".into();
        assert!(!plan.items.iter().any(|i| i.question_id == "D1.B-01"));
        assert_eq!(
            only_error(&read(&raw_rows(&rs), &expected)).kind,
            Kind::PlanUnknownQuestion
        );
    }

    #[test]
    fn a_changed_current_or_target_is_located() {
        let (_, plan, expected) = plan_2025();
        let mut rs = rows(&plan);
        rs[0][3] = "2".into();
        let d = only_error(&read(&raw_rows(&rs), &expected)).clone();
        assert_eq!(d.kind, Kind::PlanChangedCell { column: "current" });
        assert_eq!(d.location(), "Plan!D2");
        assert_eq!(d.found.as_deref(), Some("2"));
        let mut rs = rows(&plan);
        rs[2][4] = "1".into();
        let d = only_error(&read(&raw_rows(&rs), &expected)).clone();
        assert_eq!(d.kind, Kind::PlanChangedCell { column: "target" });
        assert_eq!(d.location(), "Plan!E4");
        assert_eq!(d.expected.as_deref(), Some("3"));
    }

    #[test]
    fn the_wrong_agency_or_cycle_is_located() {
        let (_, _, expected) = plan_2025();
        let rs: Vec<Vec<&str>> = Vec::new();
        let d = only_error(&read(
            &raw(&[("agency_id", "OTHER"), ("cycle", "2025")], &rs),
            &expected,
        ))
        .clone();
        assert_eq!(d.kind, Kind::PlanWrongAgency { agencies: 1 });
        assert_eq!(d.location(), "Profile!B1");
        let d = only_error(&read(
            &raw(&[("agency_id", "AG"), ("cycle", "2024")], &rs),
            &expected,
        ))
        .clone();
        assert_eq!(d.kind, Kind::PlanWrongCycle);
        assert_eq!(d.location(), "Profile!B2");
        assert_eq!(d.expected.as_deref(), Some("2025"));
    }

    #[test]
    fn a_bad_file_is_refused_like_a_submission() {
        let (_, _, expected) = plan_2025();
        assert_eq!(only_error(&read(b"", &expected)).kind.code(), "empty_file");
        assert_eq!(
            only_error(&read(b"hello, not a workbook", &expected))
                .kind
                .code(),
            "not_a_spreadsheet"
        );
        let mut wb = Workbook::new();
        wb.add_worksheet().set_name("Notes").unwrap();
        let r = read(&wb.save_to_buffer().unwrap(), &expected);
        assert_eq!(only_error(&r).kind.code(), "not_a_posture_workbook");
        let mut wb = Workbook::new();
        wb.add_worksheet().set_name("Profile").unwrap();
        let r = read(&wb.save_to_buffer().unwrap(), &expected);
        let d = only_error(&r);
        assert_eq!(
            (d.kind.code(), d.location().as_str()),
            ("missing_sheet", "Plan")
        );
    }

    #[test]
    fn progress_on_a_crafted_pair_of_cycles() {
        let (fw, plan, expected) = plan_2025();
        // 2025 gaps (target 3): D1.A-01 at 1, D1.A-02 unanswered, D1.B-02 at 0, D2.C-01 at 2.
        let ids: Vec<&str> = plan.items.iter().map(|i| i.question_id.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(sorted, ["D1.A-01", "D1.A-02", "D1.B-02", "D2.C-01"]);
        let mut filled = plan.clone();
        let status = |id: &str| match id {
            "D1.A-01" | "D1.A-02" | "D1.B-02" => Some(ItemStatus::Done),
            _ => Some(ItemStatus::Planned),
        };
        for item in &mut filled.items {
            item.status = status(&item.question_id);
        }
        let returned = read(&plan_bytes(&filled).unwrap(), &expected);
        assert!(returned.accepted());
        // 2026: D1.A-01 1 -> 2 (one level up: improved), D1.A-02 unanswered -> 3 (reaches
        // target), D1.B-02 stays 0 (done, not improved), D2.C-01 2 -> 3 (improved, planned).
        let now = submission("AG", "energy", "2026", &[L(2), L(3), L(3), L(0), L(3), NA]);
        let now = score_submission(&fw, &now, None).unwrap();
        let p = plan_progress(&fw, returned.plan.as_ref().unwrap(), &now);
        assert_eq!(
            p,
            PlanProgress {
                items: 4,
                done: 3,
                improved: 3,
                done_not_improved: vec!["D1.B-02".into()],
            }
        );
        let (agencies, total) = PlanProgress::sum([&p, &p]);
        assert_eq!(agencies, 2);
        assert_eq!((total.items, total.done, total.improved), (8, 6, 6));
    }

    #[test]
    fn iso_dates() {
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2025-02-29"));
        assert!(!is_iso_date("2025-13-01"));
        assert!(!is_iso_date("2025-1-01"));
        assert!(!is_iso_date("+025-01-01"));
    }
}
