//! Confidence bands (DESIGN §5): how far above or below its threshold a score lies.
//!
//! For a score `s` against a threshold `t`: `high` when `s ≥ t + high_offset`, `medium` when
//! `s ≥ t`, `low` when `s ≥ t − low_offset`, `none` below. Where `t + high_offset > 1` the `high`
//! band would be unreachable (no cosine similarity exceeds 1), so it starts halfway between the
//! threshold and 1 instead, at `(t + 1) / 2`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How confident a match is (lowest first, so `Confidence::Low < Confidence::High`).
///
/// ```
/// # use cascade_runtime::confidence::Confidence;
/// assert!(Confidence::Medium > Confidence::Low);
/// assert_eq!(serde_json::to_string(&Confidence::High).unwrap(), "\"high\"");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Below `t − low_offset`.
    None,
    /// Within `low_offset` below the threshold: not accepted, worth a look.
    Low,
    /// At or above the threshold.
    Medium,
    /// Well above the threshold.
    High,
}

impl Confidence {
    /// The lowercase name.
    ///
    /// ```
    /// # use cascade_runtime::confidence::Confidence;
    /// assert_eq!(Confidence::None.as_str(), "none");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Confidence::None => "none",
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The band offsets and the minimum confidence a result needs (config section `confidence`).
///
/// ```
/// # use cascade_runtime::confidence::{Confidence, ConfidenceBands};
/// let bands = ConfidenceBands::default();
/// assert_eq!(bands.classify(0.93, 0.82), Confidence::High);
/// assert_eq!(bands.classify(0.82, 0.82), Confidence::Medium);
/// assert_eq!(bands.classify(0.70, 0.82), Confidence::Low);
/// assert_eq!(bands.classify(0.60, 0.82), Confidence::None);
/// // t + 0.10 > 1: high starts at (0.95 + 1) / 2
/// assert_eq!(bands.classify(0.98, 0.95), Confidence::High);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfidenceBands {
    /// `high` starts this far above the threshold (default 0.10).
    #[serde(default = "default_high")]
    pub high_offset: f64,
    /// `low` starts this far below the threshold (default 0.15).
    #[serde(default = "default_low")]
    pub low_offset: f64,
    /// Results below this confidence are filtered out (default `medium`: what the threshold accepts).
    #[serde(default = "default_minimum")]
    pub minimum_confidence: Confidence,
}

fn default_high() -> f64 {
    0.10
}
fn default_low() -> f64 {
    0.15
}
fn default_minimum() -> Confidence {
    Confidence::Medium
}

impl Default for ConfidenceBands {
    fn default() -> Self {
        ConfidenceBands {
            high_offset: default_high(),
            low_offset: default_low(),
            minimum_confidence: default_minimum(),
        }
    }
}

impl ConfidenceBands {
    /// Where `high` starts for threshold `t`: `t + high_offset`, or `(t + 1) / 2` when that
    /// would exceed 1.
    ///
    /// ```
    /// # use cascade_runtime::confidence::ConfidenceBands;
    /// let b = ConfidenceBands::default();
    /// assert!((b.high_start(0.8) - 0.9).abs() < 1e-12);
    /// assert_eq!(b.high_start(0.96), 0.98);
    /// ```
    pub fn high_start(&self, t: f64) -> f64 {
        let start = t + self.high_offset;
        if start > 1.0 { (t + 1.0) / 2.0 } else { start }
    }

    /// Where `low` starts for threshold `t`: `t − low_offset`, not below 0.
    ///
    /// ```
    /// # use cascade_runtime::confidence::ConfidenceBands;
    /// assert_eq!(ConfidenceBands::default().low_start(0.1), 0.0);
    /// ```
    pub fn low_start(&self, t: f64) -> f64 {
        (t - self.low_offset).max(0.0)
    }

    /// The band of `score` against threshold `t`. A NaN score is `none`.
    ///
    /// ```
    /// # use cascade_runtime::confidence::{Confidence, ConfidenceBands};
    /// assert_eq!(ConfidenceBands::default().classify(f64::NAN, 0.8), Confidence::None);
    /// ```
    pub fn classify(&self, score: f64, t: f64) -> Confidence {
        if score >= self.high_start(t) {
            Confidence::High
        } else if score >= t {
            Confidence::Medium
        } else if score >= self.low_start(t) {
            Confidence::Low
        } else {
            Confidence::None
        }
    }

    /// Whether a result of confidence `c` passes `minimum_confidence`.
    ///
    /// ```
    /// # use cascade_runtime::confidence::{Confidence, ConfidenceBands};
    /// let b = ConfidenceBands { minimum_confidence: Confidence::Low, ..Default::default() };
    /// assert!(b.accepts(Confidence::Low));
    /// assert!(!b.accepts(Confidence::None));
    /// ```
    pub fn accepts(&self, c: Confidence) -> bool {
        c >= self.minimum_confidence
    }

    /// Classifies every score and keeps those that pass `minimum_confidence`, in order.
    ///
    /// ```
    /// # use cascade_runtime::confidence::{Confidence, ConfidenceBands};
    /// let kept = ConfidenceBands::default().filter(&[0.95, 0.81, 0.70], 0.8);
    /// assert_eq!(kept, vec![(0.95, Confidence::High), (0.81, Confidence::Medium)]);
    /// ```
    pub fn filter(&self, scores: &[f64], t: f64) -> Vec<(f64, Confidence)> {
        scores
            .iter()
            .map(|&s| (s, self.classify(s, t)))
            .filter(|&(_, c)| self.accepts(c))
            .collect()
    }

    /// Problems with the offsets (each must be finite and within `0.0..=1.0`), as
    /// `(key, message)` pairs.
    pub(crate) fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (key, v) in [
            ("highOffset", self.high_offset),
            ("lowOffset", self.low_offset),
        ] {
            if !v.is_finite() || !(0.0..=1.0).contains(&v) {
                out.push((
                    key,
                    format!("offset `{v}` must be a number within 0.0..=1.0"),
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn high_band_is_reachable_near_one() {
        let b = ConfidenceBands::default();
        for t in [0.9, 0.91, 0.95, 0.99, 1.0] {
            assert!(b.high_start(t) <= 1.0);
            assert_eq!(b.classify(1.0, t), Confidence::High);
        }
    }

    #[test]
    fn configured_offsets_move_bands() {
        let b = ConfidenceBands {
            high_offset: 0.05,
            low_offset: 0.02,
            ..Default::default()
        };
        assert_eq!(b.classify(0.86, 0.8), Confidence::High);
        assert_eq!(b.classify(0.77, 0.8), Confidence::None);
        assert_eq!(b.classify(0.785, 0.8), Confidence::Low);
    }

    #[test]
    fn deserializes_with_defaults_and_rejects_unknown_keys() {
        let b: ConfidenceBands = serde_json::from_str(r#"{"minimumConfidence":"low"}"#).unwrap();
        assert_eq!(b.minimum_confidence, Confidence::Low);
        assert_eq!(b.high_offset, 0.10);
        assert!(serde_json::from_str::<ConfidenceBands>(r#"{"highOfset":0.1}"#).is_err());
    }

    proptest! {
        #[test]
        fn bands_are_monotone_in_score(t in 0.0f64..=1.0, a in 0.0f64..=1.0, b in 0.0f64..=1.0) {
            let bands = ConfidenceBands::default();
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(bands.classify(lo, t) <= bands.classify(hi, t));
            prop_assert_eq!(bands.classify(hi, t) >= Confidence::Medium, hi >= t);
        }
    }
}
