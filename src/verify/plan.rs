//! The verification sample (SPEC section 10, `posture verify plan`): deterministic and
//! risk-based. Every scored agency of the cycle gets the key sha256("<seed>/<cycle>/<agency
//! id>") in hex. First the low-confidence agencies (SPEC section 9) with the smallest keys,
//! at most floor(N/2) of them; the remaining slots go to sectors by the largest-remainder
//! method on the number of not-yet-picked agencies per sector (ties: sector id), and within
//! a sector to the smallest keys. N larger than the number of agencies picks them all.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::cycle::Cycle;
use crate::score::{Confidence, Scored};

/// Why an agency was picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    LowConfidence,
    SectorDraw,
}

/// One picked agency, as listed in `plan.json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pick {
    pub agency_id: String,
    pub agency_name: String,
    pub sector: String,
    pub confidence: Confidence,
    pub key: String,
    pub reason: Reason,
    /// The submission the verification workbook is built from.
    pub file: String,
}

/// `plan.json`: what was drawn from what, and why each agency is in it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    pub cycle: Cycle,
    pub seed: u64,
    /// The N asked for.
    pub sample: usize,
    /// Scored agencies of the cycle, the population of the draw.
    pub agencies: usize,
    /// Slots per sector in the sector draw, every sector of the cycle listed (0 included).
    pub sector_slots: BTreeMap<String, usize>,
    /// Ordered by agency id.
    pub picked: Vec<Pick>,
}

/// The key of one agency: sha256("<seed>/<cycle>/<agency id>") in lower-case hex.
pub fn key(seed: u64, cycle: &Cycle, agency_id: &str) -> String {
    let digest = Sha256::digest(format!("{seed}/{}/{agency_id}", cycle.as_str()).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Slots per group by the largest-remainder method: `slots` shared in proportion to
/// `sizes` (which must sum to at least `slots`); ties of remainders go to the group listed
/// first. No group gets more than its size.
pub fn largest_remainder(sizes: &[usize], slots: usize) -> Vec<usize> {
    let total: usize = sizes.iter().sum();
    if total == 0 {
        return vec![0; sizes.len()];
    }
    let slots = slots.min(total);
    // Integer arithmetic, so that ties are exact: quota_i = sizes_i · slots / total.
    let mut given: Vec<usize> = sizes.iter().map(|&n| n * slots / total).collect();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    // Larger remainder first; the stable sort keeps the given order on ties.
    order.sort_by_key(|&i| std::cmp::Reverse(sizes[i] * slots % total));
    let left = slots - given.iter().sum::<usize>();
    for &i in order.iter().take(left) {
        given[i] += 1;
    }
    given
}

/// The sample of `cycle` (default: the latest), `sample` agencies, for `seed`. `None` when
/// no agency of that cycle was scored.
pub fn plan(scored: &Scored, cycle: Option<&Cycle>, sample: usize, seed: u64) -> Option<Plan> {
    let cycle = match cycle {
        Some(c) => c.clone(),
        // The latest cycle with a scored agency: a cycle of rejected workbooks only has
        // no one to verify.
        None => crate::score::latest_cycle(&scored.scores, &[])?,
    };
    // One candidate per agency: `Scored` is sorted by agency, cycle and file, so the first
    // of an agency's files in the cycle (ingestion marks the rest duplicates anyway).
    struct Candidate<'a> {
        key: String,
        pick: (&'a crate::score::AgencyScore, Confidence),
    }
    let mut candidates: Vec<Candidate> = Vec::new();
    for (score, assurance) in scored.iter().filter(|(s, _)| s.cycle == cycle) {
        if candidates
            .last()
            .is_some_and(|c| c.pick.0.agency_id == score.agency_id)
        {
            continue;
        }
        candidates.push(Candidate {
            key: key(seed, &cycle, &score.agency_id),
            pick: (score, assurance.confidence),
        });
    }
    if candidates.is_empty() {
        return None;
    }
    candidates.sort_by(|a, b| {
        a.key
            .cmp(&b.key)
            .then(a.pick.0.agency_id.cmp(&b.pick.0.agency_id))
    });

    let make = |c: &Candidate, reason| Pick {
        agency_id: c.pick.0.agency_id.clone(),
        agency_name: c.pick.0.agency_name.clone(),
        sector: c.pick.0.sector.clone(),
        confidence: c.pick.1,
        key: c.key.clone(),
        reason,
        file: c.pick.0.file.clone(),
    };
    let mut picked: Vec<Pick> = Vec::new();
    let mut taken = vec![false; candidates.len()];
    for (i, c) in candidates.iter().enumerate() {
        if picked.len() >= sample / 2 {
            break;
        }
        if c.pick.1 == Confidence::Low {
            picked.push(make(c, Reason::LowConfidence));
            taken[i] = true;
        }
    }

    // Not-yet-picked agencies per sector, each in key order.
    let mut sectors: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in candidates.iter().enumerate() {
        let entry = sectors.entry(c.pick.0.sector.as_str()).or_default();
        if !taken[i] {
            entry.push(i);
        }
    }
    let sizes: Vec<usize> = sectors.values().map(Vec::len).collect();
    let slots = largest_remainder(&sizes, sample - picked.len());
    for (members, &n) in sectors.values().zip(&slots) {
        for &i in members.iter().take(n) {
            picked.push(make(&candidates[i], Reason::SectorDraw));
        }
    }
    picked.sort_by(|a, b| a.agency_id.cmp(&b.agency_id));
    Some(Plan {
        cycle,
        seed,
        sample,
        agencies: candidates.len(),
        sector_slots: sectors
            .keys()
            .zip(slots)
            .map(|(s, n)| (s.to_string(), n))
            .collect(),
        picked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::score_batch;
    use crate::score::tests::{golden, submission};
    use crate::workbook::Answer::Level as L;
    use crate::workbook::Submission;
    use proptest::prelude::*;

    /// Agencies `(id, sector, low)`: a low one claims level 3 everywhere without evidence
    /// (unsupported share 1), the others level 1 (no claim to support: high).
    fn batch(agencies: &[(&str, &str, bool)]) -> Scored {
        let subs: Vec<Submission> = agencies
            .iter()
            .map(|&(id, sector, low)| {
                submission(id, sector, "2026", &[L(if low { 3 } else { 1 }); 6])
            })
            .collect();
        score_batch(&golden(), &subs, &[], None)
    }

    fn ids(plan: &Plan, reason: Reason) -> Vec<&str> {
        plan.picked
            .iter()
            .filter(|p| p.reason == reason)
            .map(|p| p.agency_id.as_str())
            .collect()
    }

    #[test]
    fn keys_are_the_hex_sha256_of_seed_cycle_and_agency() {
        // echo -n "0/2026/MOH" | sha256sum
        assert_eq!(
            key(0, &Cycle::new("2026"), "MOH"),
            "952085859221221c524f029dd5cdc8055cdb9b4fe602c7db7141ec2f812ee311"
        );
    }

    #[test]
    fn largest_remainder_by_hand() {
        // Quotas 2, 1.2, 0.8: floors 2, 1, 0, and the one slot left goes to 0.8.
        assert_eq!(largest_remainder(&[5, 3, 2], 4), [2, 1, 1]);
        // Equal remainders: the first group (the smaller sector id).
        assert_eq!(largest_remainder(&[1, 1], 1), [1, 0]);
        assert_eq!(largest_remainder(&[2, 1], 10), [2, 1]);
        assert_eq!(largest_remainder(&[], 3), Vec::<usize>::new());
        assert_eq!(largest_remainder(&[0, 0], 3), [0, 0]);
    }

    #[test]
    fn low_confidence_first_at_most_half() {
        let scored = batch(&[
            ("A", "energy", true),
            ("B", "energy", true),
            ("C", "energy", true),
            ("D", "finance", false),
            ("E", "finance", false),
            ("F", "health", false),
        ]);
        let p = plan(&scored, None, 5, 0).unwrap();
        assert_eq!(p.cycle, Cycle::new("2026"));
        assert_eq!(p.agencies, 6);
        assert_eq!(p.picked.len(), 5);
        let low = ids(&p, Reason::LowConfidence);
        assert_eq!(low.len(), 2, "floor(5/2)");
        // The two low ones with the smallest keys.
        let mut keys: Vec<(String, &str)> = ["A", "B", "C"]
            .iter()
            .map(|&a| (key(0, &p.cycle, a), a))
            .collect();
        keys.sort();
        let mut expected: Vec<&str> = keys[..2].iter().map(|(_, a)| *a).collect();
        expected.sort();
        assert_eq!(low, expected);
        // Three slots over energy 1, finance 2, health 1 left (4 agencies): quotas 0.75,
        // 1.5, 0.75, floors 0, 1, 0; two slots left by remainder 3/4 (energy, health).
        assert_eq!(
            p.sector_slots,
            BTreeMap::from([
                ("energy".to_string(), 1),
                ("finance".to_string(), 1),
                ("health".to_string(), 1)
            ])
        );
        assert!(p.picked.windows(2).all(|w| w[0].agency_id < w[1].agency_id));
        let json = serde_json::to_value(&p).unwrap();
        assert!(["low_confidence", "sector_draw"]
            .contains(&json["picked"][0]["reason"].as_str().unwrap()));
        assert_eq!(json["picked"][0]["confidence"], "low");
    }

    #[test]
    fn a_sample_larger_than_the_cycle_picks_everyone() {
        let scored = batch(&[("A", "energy", true), ("B", "finance", false)]);
        let p = plan(&scored, None, 10, 7).unwrap();
        let all: Vec<&str> = p.picked.iter().map(|p| p.agency_id.as_str()).collect();
        assert_eq!(all, ["A", "B"]);
        assert_eq!(ids(&p, Reason::LowConfidence), ["A"]);
        assert!(plan(&scored, Some(&Cycle::new("2025")), 3, 0).is_none());
        assert_eq!(plan(&scored, None, 0, 0).unwrap().picked, vec![]);
    }

    proptest! {
        #[test]
        fn the_plan_is_deterministic_and_well_formed(
            agencies in prop::collection::vec((0u8..4, any::<bool>()), 1..20),
            sample in 0usize..25,
            seed in any::<u64>(),
        ) {
            let rows: Vec<(String, String, bool)> = agencies
                .iter()
                .enumerate()
                .map(|(i, &(s, low))| (format!("AG{i:02}"), format!("s{s}"), low))
                .collect();
            let refs: Vec<(&str, &str, bool)> =
                rows.iter().map(|(a, s, l)| (a.as_str(), s.as_str(), *l)).collect();
            let scored = batch(&refs);
            let p = plan(&scored, None, sample, seed).unwrap();
            prop_assert_eq!(&p, &plan(&scored, None, sample, seed).unwrap());
            prop_assert_eq!(p.picked.len(), sample.min(rows.len()));
            let low = p.picked.iter().filter(|x| x.reason == Reason::LowConfidence).count();
            prop_assert!(low <= sample / 2);
            prop_assert!(p.picked.windows(2).all(|w| w[0].agency_id < w[1].agency_id));
            prop_assert_eq!(p.sector_slots.values().sum::<usize>() + low, p.picked.len());
            // The input order does not matter.
            let mut reversed = refs.clone();
            reversed.reverse();
            prop_assert_eq!(&p, &plan(&batch(&reversed), None, sample, seed).unwrap());
        }
    }
}
