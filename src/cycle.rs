//! Assessment cycles and their order (SPEC section 5). A cycle is the text an agency wrote
//! in its Profile (`2026`, `2026-H1`); [`Cycle`] gives it the one order every stage uses,
//! so that sorting, "the previous cycle" and the keys of the national maps agree.

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

/// One assessment cycle. Ordered numerically when both cycles are integers (`9` before
/// `10`), as text when neither is (`2025-H2` before `2026-H1`), and an integer cycle before
/// a text one. That last rule makes the order total (mixing numeric and text comparisons
/// otherwise loops: `9` < `10` < `1a` < `9`), which sorting needs. Two cycles are equal only
/// when their texts are, so `2026` and `02026` are two cycles, next to each other.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Cycle(String);

impl Cycle {
    pub fn new(text: impl Into<String>) -> Cycle {
        Cycle(text.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The cycle's first four-digit year (`2026-H1` → 2026), for dates derived from it.
    pub fn year(&self) -> Option<i64> {
        let bytes = self.0.as_bytes();
        (0..bytes.len().saturating_sub(3)).find_map(|i| {
            let run = &bytes[i..i + 4];
            let starts = i == 0 || !bytes[i - 1].is_ascii_digit();
            let ends = bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit());
            (starts && ends && run.iter().all(u8::is_ascii_digit))
                .then(|| self.0[i..i + 4].parse().ok())
                .flatten()
        })
    }
}

impl Cycle {
    /// Seconds since 1970 of 1 January, 00:00 UTC, of the cycle's first four-digit year
    /// (0 without one, or before 1970): the date of everything posture writes for a cycle
    /// (PDF creation dates, OSCAL timestamps), so it depends only on the inputs.
    pub fn start_timestamp(&self) -> i64 {
        match self.year() {
            Some(year) if year >= 1970 => {
                let days: i64 = (1970..year)
                    .map(|y| {
                        if crate::calendar::is_leap_year(y) {
                            366
                        } else {
                            365
                        }
                    })
                    .sum();
                days * 86_400
            }
            _ => 0,
        }
    }
}

impl Ord for Cycle {
    fn cmp(&self, other: &Cycle) -> Ordering {
        let (a, b) = (self.0.as_str(), other.0.as_str());
        match (a.trim().parse::<i64>(), b.trim().parse::<i64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Cycle {
    fn partial_cmp(&self, other: &Cycle) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Cycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Cycle {
    fn from(text: &str) -> Cycle {
        Cycle::new(text)
    }
}

impl From<String> for Cycle {
    fn from(text: String) -> Cycle {
        Cycle(text)
    }
}

impl std::str::FromStr for Cycle {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Cycle, Self::Err> {
        Ok(Cycle::new(text))
    }
}

impl PartialEq<str> for Cycle {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Cycle {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cycles_order_numerically_then_as_text() {
        let mut c: Vec<Cycle> = ["2026", "10", "2025-H2", "9", "2025-H1", "02026"]
            .into_iter()
            .map(Cycle::from)
            .collect();
        c.sort();
        let texts: Vec<&str> = c.iter().map(Cycle::as_str).collect();
        assert_eq!(texts, ["9", "10", "02026", "2026", "2025-H1", "2025-H2"]);
    }

    #[test]
    fn the_year_is_the_first_four_digit_run() {
        assert_eq!(Cycle::from("2026").year(), Some(2026));
        assert_eq!(Cycle::from("FY2025-H1").year(), Some(2025));
        assert_eq!(Cycle::from("12345").year(), None);
        assert_eq!(Cycle::from("Q1").year(), None);
    }

    #[test]
    fn the_start_of_a_cycle_is_1_january_of_its_year() {
        assert_eq!(Cycle::from("1970").start_timestamp(), 0);
        assert_eq!(Cycle::from("2026").start_timestamp(), 1_767_225_600);
        assert_eq!(Cycle::from("2026-H1").start_timestamp(), 1_767_225_600);
        assert_eq!(Cycle::from("Q1").start_timestamp(), 0);
        assert_eq!(Cycle::from("1900").start_timestamp(), 0);
    }

    proptest! {
        /// The order is total and agrees with equality, which sorting and map keys need.
        #[test]
        fn the_order_is_total(a in "[0-9a-c]{0,3}", b in "[0-9a-c]{0,3}", c in "[0-9a-c]{0,3}") {
            let (a, b, c) = (Cycle::from(a), Cycle::from(b), Cycle::from(c));
            prop_assert_eq!(a.cmp(&b) == Ordering::Equal, a == b);
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            if a <= b && b <= c {
                prop_assert!(a <= c);
            }
        }
    }
}
