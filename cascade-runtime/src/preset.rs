//! The spike's domain thresholds (seed-spike.md Appendix B) as named presets a user can opt into.
//!
//! They are starting points, not truth: the spike's numbers come from intuition and mock
//! embeddings. Calibrate on your own labelled pairs (`cascade calibrate`) before relying on them.
//!
//! | domain | type name | default | strict | loose |
//! |---|---|---|---|---|
//! | General | (config `default`) | 0.80 | 0.85 | 0.75 |
//! | Person/Name | `Person` | 0.88 | 0.92 | 0.85 |
//! | Company | `Company` | 0.85 | 0.90 | 0.80 |
//! | Occupation | `Occupation` | 0.75 | 0.80 | 0.70 |
//! | Skill | `Skill` | 0.72 | 0.78 | 0.65 |
//! | Industry | `Industry` | 0.78 | 0.82 | 0.72 |
//! | Location | `Location` | 0.90 | 0.95 | 0.85 |
//! | Tag/Category | `Tag` | 0.85 | 0.90 | 0.80 |
//! | Topic | `Topic` | 0.75 | 0.80 | 0.70 |
//! | ICP | `ICP` | 0.82 | 0.87 | 0.77 |
//!
//! A preset becomes a [`SimilarityThresholdConfig`] with `default` and `types` set (layers
//! `config-default` and `config-type`), so schema field thresholds still win over it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Threshold;
use crate::config::SimilarityThresholdConfig;

/// One of the three named presets.
///
/// ```
/// use cascade_runtime::preset::Preset;
/// let cfg = Preset::Strict.config();
/// assert_eq!(cfg.types["Location"].get(), 0.95);
/// assert_eq!(cfg.default.unwrap().get(), 0.85);
/// assert_eq!("loose".parse::<Preset>(), Ok(Preset::Loose));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// The spike's recommended thresholds.
    Default,
    /// Higher thresholds: fewer, surer matches.
    Strict,
    /// Lower thresholds: more matches.
    Loose,
}

/// One row of Appendix B: a type name and its default, strict and loose thresholds.
///
/// ```
/// # use cascade_runtime::preset::DOMAINS;
/// let icp = DOMAINS.iter().find(|d| d.type_name == Some("ICP")).unwrap();
/// assert_eq!(icp.thresholds.map(|t| t.get()), [0.82, 0.87, 0.77]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Domain {
    /// The entity type name the threshold is for (`None`: the general default).
    pub type_name: Option<&'static str>,
    /// The domain as the spike names it.
    pub domain: &'static str,
    /// Default, strict, loose.
    pub thresholds: [Threshold; 3],
}

const fn row(type_name: Option<&'static str>, domain: &'static str, t: [f64; 3]) -> Domain {
    Domain {
        type_name,
        domain,
        thresholds: [
            Threshold::new_const(t[0]),
            Threshold::new_const(t[1]),
            Threshold::new_const(t[2]),
        ],
    }
}

/// Appendix B, row by row.
///
/// ```
/// # use cascade_runtime::preset::DOMAINS;
/// assert_eq!(DOMAINS.len(), 10);
/// assert_eq!(DOMAINS[0].domain, "General");
/// ```
pub const DOMAINS: [Domain; 10] = [
    row(None, "General", [0.80, 0.85, 0.75]),
    row(Some("Person"), "Person/Name", [0.88, 0.92, 0.85]),
    row(Some("Company"), "Company", [0.85, 0.90, 0.80]),
    row(Some("Occupation"), "Occupation", [0.75, 0.80, 0.70]),
    row(Some("Skill"), "Skill", [0.72, 0.78, 0.65]),
    row(Some("Industry"), "Industry", [0.78, 0.82, 0.72]),
    row(Some("Location"), "Location", [0.90, 0.95, 0.85]),
    row(Some("Tag"), "Tag/Category", [0.85, 0.90, 0.80]),
    row(Some("Topic"), "Topic", [0.75, 0.80, 0.70]),
    row(Some("ICP"), "ICP", [0.82, 0.87, 0.77]),
];

impl Preset {
    /// All presets.
    pub const ALL: [Preset; 3] = [Preset::Default, Preset::Strict, Preset::Loose];

    /// The lowercase name.
    ///
    /// ```
    /// # use cascade_runtime::preset::Preset;
    /// assert_eq!(Preset::Strict.as_str(), "strict");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Preset::Default => "default",
            Preset::Strict => "strict",
            Preset::Loose => "loose",
        }
    }

    const fn column(self) -> usize {
        match self {
            Preset::Default => 0,
            Preset::Strict => 1,
            Preset::Loose => 2,
        }
    }

    /// The preset's threshold for `type_name`, if Appendix B has one.
    ///
    /// ```
    /// # use cascade_runtime::preset::Preset;
    /// assert_eq!(Preset::Loose.threshold("Skill").map(|t| t.get()), Some(0.65));
    /// assert!(Preset::Loose.threshold("Widget").is_none());
    /// ```
    pub fn threshold(self, type_name: &str) -> Option<Threshold> {
        DOMAINS
            .iter()
            .find(|d| d.type_name == Some(type_name))
            .map(|d| d.thresholds[self.column()])
    }

    /// The preset as a config: `default` (General) plus `types` for every named domain.
    ///
    /// ```
    /// # use cascade_runtime::preset::Preset;
    /// let cfg = Preset::Default.config();
    /// assert_eq!(cfg.types.len(), 9);
    /// assert!(cfg.problems().is_empty());
    /// ```
    pub fn config(self) -> SimilarityThresholdConfig {
        let col = self.column();
        let mut cfg = SimilarityThresholdConfig::default();
        for d in &DOMAINS {
            match d.type_name {
                None => cfg.default = Some(d.thresholds[col]),
                Some(name) => {
                    cfg.types.insert(name.to_owned(), d.thresholds[col]);
                }
            }
        }
        cfg
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name is not one of `default`, `strict`, `loose`.
///
/// ```
/// # use cascade_runtime::preset::Preset;
/// assert!("medium".parse::<Preset>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown preset `{0}`: expected `default`, `strict` or `loose`")]
pub struct UnknownPreset(pub String);

impl FromStr for Preset {
    type Err = UnknownPreset;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Preset::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownPreset(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_is_stricter_and_loose_looser_everywhere() {
        for d in &DOMAINS {
            let [def, strict, loose] = d.thresholds;
            assert!(loose < def && def < strict, "{}", d.domain);
        }
    }

    #[test]
    fn configs_carry_every_row() {
        for p in Preset::ALL {
            let cfg = p.config();
            assert_eq!(cfg.default, Some(DOMAINS[0].thresholds[p.column()]));
            for d in &DOMAINS[1..] {
                let name = d.type_name.unwrap();
                assert_eq!(cfg.types.get(name).copied(), p.threshold(name));
            }
        }
    }

    #[test]
    fn unknown_names_are_errors() {
        assert_eq!(
            "medium".parse::<Preset>().unwrap_err().to_string(),
            "unknown preset `medium`: expected `default`, `strict` or `loose`"
        );
    }
}
