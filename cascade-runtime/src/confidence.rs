//! Confidence bands (DESIGN §5): how far above or below its threshold a score lies.
//!
//! For a score `s` against a threshold `t`: `high` when `s ≥ t + high_offset`, `medium` when
//! `s ≥ t`, `low` when `s ≥ t − low_offset`, `none` below. Where `t + high_offset > 1` the `high`
//! band would be unreachable (no cosine similarity exceeds 1), so it starts halfway between the
//! threshold and 1 instead, at `(t + 1) / 2`.
//!
//! The threshold is a [`Threshold`], so a NaN threshold cannot reach a band. The offsets are
//! plain numbers (a config holds them); [`ConfidenceBands::new`] and a loaded config check them,
//! and whatever a hand-built value holds, `high` starts within `t..=1` and `low` within `0..=t`,
//! so the bands stay ordered: a NaN or too-large offset acts as the largest one, a negative one
//! as 0.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Threshold;

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
/// # use cascade_runtime::Threshold;
/// let bands = ConfidenceBands::default();
/// let t = Threshold::new(0.82)?;
/// assert_eq!(bands.classify(0.93, t), Confidence::High);
/// assert_eq!(bands.classify(0.82, t), Confidence::Medium);
/// assert_eq!(bands.classify(0.70, t), Confidence::Low);
/// assert_eq!(bands.classify(0.60, t), Confidence::None);
/// // t + 0.10 > 1: high starts at (0.95 + 1) / 2
/// assert_eq!(bands.classify(0.98, Threshold::new(0.95)?), Confidence::High);
/// # Ok::<(), cascade_runtime::ThresholdError>(())
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

/// Why offsets cannot make [`ConfidenceBands`]: every problem, each with its config key.
///
/// ```
/// # use cascade_runtime::confidence::{Confidence, ConfidenceBands};
/// let e = ConfidenceBands::new(f64::NAN, 0.15, Confidence::Medium).unwrap_err();
/// assert_eq!(e.problems()[0].0, "highOffset");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid confidence bands: {} (the defaults are highOffset 0.1, lowOffset 0.15)",
    crate::config::render_key_problems(problems)
)]
pub struct ConfidenceBandsError {
    problems: Vec<(&'static str, String)>,
}

impl ConfidenceBandsError {
    /// Each problem as `(config key, message)`.
    ///
    /// ```
    /// # use cascade_runtime::confidence::{Confidence, ConfidenceBands};
    /// let e = ConfidenceBands::new(-1.0, 2.0, Confidence::Medium).unwrap_err();
    /// assert_eq!(e.problems().len(), 2);
    /// ```
    pub fn problems(&self) -> &[(&'static str, String)] {
        &self.problems
    }
}

impl ConfidenceBands {
    /// Checked bands: each offset a finite number within `0.0..=1.0` (every problem is reported
    /// at once).
    ///
    /// ```
    /// # use cascade_runtime::confidence::{Confidence, ConfidenceBands};
    /// let b = ConfidenceBands::new(0.05, 0.1, Confidence::Low)?;
    /// assert_eq!(b.high_offset, 0.05);
    /// let e = ConfidenceBands::new(1.5, 0.1, Confidence::Low).unwrap_err();
    /// assert_eq!(
    ///     e.to_string(),
    ///     "invalid confidence bands: `highOffset`: offset `1.5` must be a number within 0.0..=1.0 \
    ///      (the defaults are highOffset 0.1, lowOffset 0.15)"
    /// );
    /// # Ok::<(), cascade_runtime::confidence::ConfidenceBandsError>(())
    /// ```
    pub fn new(
        high_offset: f64,
        low_offset: f64,
        minimum_confidence: Confidence,
    ) -> Result<ConfidenceBands, ConfidenceBandsError> {
        let bands = ConfidenceBands {
            high_offset,
            low_offset,
            minimum_confidence,
        };
        bands.validate()?;
        Ok(bands)
    }

    /// Checks bands built as a struct literal: the same rules as [`ConfidenceBands::new`].
    ///
    /// ```
    /// # use cascade_runtime::confidence::ConfidenceBands;
    /// assert!(ConfidenceBands::default().validate().is_ok());
    /// assert!(ConfidenceBands { low_offset: f64::NAN, ..Default::default() }.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), ConfidenceBandsError> {
        let problems = self.problems();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfidenceBandsError { problems })
        }
    }

    /// Where `high` starts for threshold `t`: `t + high_offset`, or `(t + 1) / 2` when that
    /// would exceed 1. Always within `t..=1` (see the module docs for unchecked offsets).
    ///
    /// ```
    /// # use cascade_runtime::confidence::ConfidenceBands;
    /// # use cascade_runtime::Threshold;
    /// let b = ConfidenceBands::default();
    /// assert!((b.high_start(Threshold::new(0.8)?) - 0.9).abs() < 1e-12);
    /// assert_eq!(b.high_start(Threshold::new(0.96)?), 0.98);
    /// assert_eq!(b.high_start(Threshold::MAX), 1.0);
    /// # Ok::<(), cascade_runtime::ThresholdError>(())
    /// ```
    pub fn high_start(&self, t: Threshold) -> f64 {
        let t = t.get();
        let start = t + self.high_offset;
        // NaN (a NaN offset) and anything past 1 take the reachable start.
        if start.is_nan() || start > 1.0 {
            (t + 1.0) / 2.0
        } else {
            start.max(t)
        }
    }

    /// Where `low` starts for threshold `t`: `t − low_offset`, not below 0. Always within `0..=t`
    /// (see the module docs for unchecked offsets).
    ///
    /// ```
    /// # use cascade_runtime::confidence::ConfidenceBands;
    /// # use cascade_runtime::Threshold;
    /// assert_eq!(ConfidenceBands::default().low_start(Threshold::new(0.1)?), 0.0);
    /// # Ok::<(), cascade_runtime::ThresholdError>(())
    /// ```
    pub fn low_start(&self, t: Threshold) -> f64 {
        let t = t.get();
        let start = t - self.low_offset;
        // NaN (a NaN offset) and anything below 0 take 0.
        if start.is_nan() || start < 0.0 {
            0.0
        } else {
            start.min(t)
        }
    }

    /// The band of `score` against threshold `t`. A NaN score is `none`.
    ///
    /// ```
    /// # use cascade_runtime::confidence::{Confidence, ConfidenceBands};
    /// # use cascade_runtime::Threshold;
    /// let t = Threshold::new(0.8)?;
    /// assert_eq!(ConfidenceBands::default().classify(f64::NAN, t), Confidence::None);
    /// assert_eq!(ConfidenceBands::default().classify(0.9, t), Confidence::High);
    /// # Ok::<(), cascade_runtime::ThresholdError>(())
    /// ```
    pub fn classify(&self, score: f64, t: Threshold) -> Confidence {
        if score >= self.high_start(t) {
            Confidence::High
        } else if score >= t.get() {
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
    /// # use cascade_runtime::Threshold;
    /// let kept = ConfidenceBands::default().filter(&[0.95, 0.81, 0.70], Threshold::new(0.8)?);
    /// assert_eq!(kept, vec![(0.95, Confidence::High), (0.81, Confidence::Medium)]);
    /// # Ok::<(), cascade_runtime::ThresholdError>(())
    /// ```
    pub fn filter(&self, scores: &[f64], t: Threshold) -> Vec<(f64, Confidence)> {
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

    fn th(x: f64) -> Threshold {
        Threshold::new(x).expect("a test threshold within 0..=1")
    }

    #[test]
    fn high_band_is_reachable_near_one() {
        let b = ConfidenceBands::default();
        for t in [0.9, 0.91, 0.95, 0.99, 1.0] {
            assert!(b.high_start(th(t)) <= 1.0);
            assert_eq!(b.classify(1.0, th(t)), Confidence::High);
        }
    }

    #[test]
    fn configured_offsets_move_bands() {
        let b = ConfidenceBands {
            high_offset: 0.05,
            low_offset: 0.02,
            ..Default::default()
        };
        assert_eq!(b.classify(0.86, th(0.8)), Confidence::High);
        assert_eq!(b.classify(0.77, th(0.8)), Confidence::None);
        assert_eq!(b.classify(0.785, th(0.8)), Confidence::Low);
    }

    #[test]
    fn deserializes_with_defaults_and_rejects_unknown_keys() {
        let b: ConfidenceBands = serde_json::from_str(r#"{"minimumConfidence":"low"}"#).unwrap();
        assert_eq!(b.minimum_confidence, Confidence::Low);
        assert_eq!(b.high_offset, 0.10);
        assert!(serde_json::from_str::<ConfidenceBands>(r#"{"highOfset":0.1}"#).is_err());
    }

    /// Reviewer: `classify(0.9, NaN)` was `low` and `high_start(NaN)` NaN. The threshold is a
    /// `Threshold` now: NaN is refused where the number comes in, and every valid threshold,
    /// the ends included, gives finite, ordered band starts.
    #[test]
    fn a_nan_threshold_cannot_reach_the_bands() {
        assert!(Threshold::new(f64::NAN).is_err());
        let b = ConfidenceBands::default();
        for t in [Threshold::MIN, Threshold::MAX] {
            let (low, high) = (b.low_start(t), b.high_start(t));
            assert!(low.is_finite() && high.is_finite(), "{t}: {low} {high}");
            assert!(0.0 <= low && low <= t.get() && t.get() <= high && high <= 1.0);
        }
        assert_eq!(b.classify(0.9, Threshold::MIN), Confidence::High);
        assert_eq!(b.classify(0.9, Threshold::MAX), Confidence::Low);
    }

    #[test]
    fn unchecked_offsets_keep_the_bands_ordered() {
        let t = th(0.8);
        let nan = ConfidenceBands {
            high_offset: f64::NAN,
            low_offset: f64::NAN,
            ..Default::default()
        };
        // NaN acts as the largest offset: high at (t + 1) / 2, low from 0.
        assert_eq!(nan.high_start(t), 0.9);
        assert_eq!(nan.low_start(t), 0.0);
        assert_eq!(nan.classify(0.1, t), Confidence::Low);
        let negative = ConfidenceBands {
            high_offset: -0.5,
            low_offset: -0.5,
            ..Default::default()
        };
        // A negative offset acts as 0: nothing below the threshold is high, nothing above low.
        assert_eq!(negative.high_start(t), 0.8);
        assert_eq!(negative.low_start(t), 0.8);
        assert_eq!(negative.classify(0.5, t), Confidence::None);
        assert_eq!(negative.classify(0.8, t), Confidence::High);
        assert!(nan.validate().is_err() && negative.validate().is_err());
    }

    #[test]
    fn new_reports_every_bad_offset_with_its_key() {
        let e = ConfidenceBands::new(f64::INFINITY, -0.1, Confidence::Medium).unwrap_err();
        let keys: Vec<&str> = e.problems().iter().map(|p| p.0).collect();
        assert_eq!(keys, ["highOffset", "lowOffset"]);
        assert!(e.to_string().contains("`lowOffset`: offset `-0.1`"), "{e}");
        assert_eq!(
            ConfidenceBands::new(0.1, 0.15, Confidence::Medium),
            Ok(ConfidenceBands::default())
        );
    }

    proptest! {
        #[test]
        fn bands_are_monotone_in_score(t in 0.0f64..=1.0, a in 0.0f64..=1.0, b in 0.0f64..=1.0) {
            let bands = ConfidenceBands::default();
            let t = th(t);
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(bands.classify(lo, t) <= bands.classify(hi, t));
            prop_assert_eq!(bands.classify(hi, t) >= Confidence::Medium, hi >= t.get());
        }

        /// Any offsets, any score: the starts are ordered within 0..=1 and `medium` or better
        /// means exactly `score >= t`.
        #[test]
        fn any_offsets_give_ordered_bands(
            t in 0.0f64..=1.0,
            high_offset in any::<f64>(),
            low_offset in any::<f64>(),
            score in any::<f64>(),
        ) {
            let bands = ConfidenceBands { high_offset, low_offset, ..Default::default() };
            let t = th(t);
            let (low, high) = (bands.low_start(t), bands.high_start(t));
            prop_assert!(0.0 <= low && low <= t.get() && t.get() <= high && high <= 1.0);
            prop_assert_eq!(bands.classify(score, t) >= Confidence::Medium, score >= t.get());
        }
    }
}
