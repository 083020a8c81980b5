//! The languages posture writes in. Framework files may carry texts in any language
//! (`text.<code>`), but the reports, the charts and the report strings are written for
//! these, so a report language is a [`Lang`], never a free string.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// A language of the reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Km,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Km];

    /// The ISO 639-1 code, as used for framework texts (`text.km`) and `--lang`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Km => "km",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Lang, String> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code() == s)
            .ok_or_else(|| {
                let codes: Vec<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
                format!("`{s}` is not one of {}", codes.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(lang.code().parse::<Lang>(), Ok(lang));
        }
        assert!("fr".parse::<Lang>().unwrap_err().contains("en, km"));
    }
}
