//! National aggregation with polars (SPEC section 5): distributions per cycle, sectors,
//! response rate against the registry, trends across cycles and crosswalk views.

use std::collections::BTreeMap;

use serde::Serialize;

/// Distribution of one score over the scored agencies of a cycle.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    pub count: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub p25: Option<f64>,
    pub p75: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Share of agencies whose score + 1e-9 >= their target.
    pub at_or_above_target: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SectorSummary {
    pub overall: Stats,
    pub index: Stats,
    pub domains: BTreeMap<String, Stats>,
}

/// Everything national about one cycle.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CycleSummary {
    /// scored agencies / expected agencies; `None` when nothing was expected.
    pub response_rate: Option<f64>,
    pub expected: usize,
    pub scored: usize,
    /// Expected agencies with no scored submission in this cycle, sorted.
    pub missing: Vec<String>,
    pub overall: Stats,
    pub index: Stats,
    pub domains: BTreeMap<String, Stats>,
    pub categories: BTreeMap<String, Stats>,
    /// Per question: the distribution of levels (unanswered as 0, N/A left out); used for
    /// the weakest questions nationally.
    pub questions: BTreeMap<String, Stats>,
    pub sectors: BTreeMap<String, SectorSummary>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NationalChange {
    pub mean: Option<f64>,
    pub median: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AgencyChange {
    pub overall: Option<f64>,
    pub domains: BTreeMap<String, Option<f64>>,
    pub categories: BTreeMap<String, Option<f64>>,
}

/// Change from the previous cycle to this one.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Trend {
    pub from: String,
    pub national: NationalChange,
    pub agencies: BTreeMap<String, AgencyChange>,
}

/// scheme (`CSF`, `GCI`, ...) -> cycle -> reference id (`GV`, `GV.OC`, `technical`) -> mean level.
pub type Crosswalk = BTreeMap<String, BTreeMap<String, BTreeMap<String, f64>>>;

/// The national picture across all cycles in the inputs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct National {
    pub cycles: BTreeMap<String, CycleSummary>,
    pub trends: BTreeMap<String, Trend>,
    pub crosswalk: Crosswalk,
}

/// The order of cycles: numerically when both parse as integers (`9` before `10`), as
/// strings when neither does (`2025-H2` before `2026-H1`), and an integer cycle before a
/// text one. That last rule is what makes the order total (mixing numeric and string
/// comparisons otherwise loops: `9` < `10` < `1a` < `9`), which sorting needs.
/// "The previous cycle" of a trend is the one just before in this order.
pub fn cycle_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.trim().parse::<i64>(), b.trim().parse::<i64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}
