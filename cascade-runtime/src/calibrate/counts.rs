//! Confusion counts and the metrics derived from them.
//!
//! Every ratio follows scikit-learn's `zero_division=0` convention: a ratio whose denominator is
//! zero is `0.0`, never NaN. Ratios are computed from the integer counts with a single division,
//! so each is the correctly rounded value of the exact rational.

use serde::Serialize;

use super::Beta;

/// The confusion counts of the rule `score >= threshold` on a set of labelled pairs.
///
/// ```
/// use cascade_runtime::calibrate::Counts;
/// let c = Counts { tp: 3, fp: 1, fn_: 1, tn: 5 };
/// assert_eq!(c.precision(), 0.75);
/// assert_eq!(c.recall(), 0.75);
/// assert_eq!(c.f1(), 0.75);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Counts {
    /// Same pairs accepted (true positives).
    pub tp: u64,
    /// Different pairs accepted (false positives).
    pub fp: u64,
    /// Same pairs rejected (false negatives).
    #[serde(rename = "fn")]
    pub fn_: u64,
    /// Different pairs rejected (true negatives).
    pub tn: u64,
}

/// `num / den`, or `0.0` when `den == 0` (scikit-learn's `zero_division=0`).
pub(crate) fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

impl Counts {
    /// `tp / (tp + fp)`; `0.0` when nothing is accepted.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// `tp / (tp + fn)`; `0.0` when there are no same pairs.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// `2tp / (2tp + fp + fn)` (equal to `2PR / (P + R)`); `0.0` when that denominator is zero.
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }

    /// `(1 + β²)tp / ((1 + β²)tp + β²fn + fp)`; `0.0` when that denominator is zero.
    ///
    /// ```
    /// # use cascade_runtime::calibrate::{Beta, Counts};
    /// let c = Counts { tp: 3, fp: 1, fn_: 2, tn: 5 };
    /// assert_eq!(c.f_beta(Beta::new(1.0)?), c.f1());
    /// assert!(c.f_beta(Beta::new(0.5)?) > c.f_beta(Beta::new(2.0)?)); // precision 0.75 > recall 0.6
    /// # Ok::<(), cascade_runtime::calibrate::ObjectiveError>(())
    /// ```
    pub fn f_beta(&self, beta: Beta) -> f64 {
        let b2 = beta.get() * beta.get();
        let num = (1.0 + b2) * self.tp as f64;
        let den = num + b2 * self.fn_ as f64 + self.fp as f64;
        if den == 0.0 { 0.0 } else { num / den }
    }

    /// The number of pairs counted.
    pub fn total(&self) -> u64 {
        self.tp + self.fp + self.fn_ + self.tn
    }
}

/// Precision, recall, F1 and the counts at one threshold: a row of the grid table.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Metrics {
    /// The threshold (rule `score >= threshold`).
    pub threshold: f64,
    /// See [`Counts::precision`].
    pub precision: f64,
    /// See [`Counts::recall`].
    pub recall: f64,
    /// See [`Counts::f1`].
    pub f1: f64,
    /// The counts behind the ratios.
    #[serde(flatten)]
    pub counts: Counts,
}

impl Metrics {
    /// The metrics of `counts` at `threshold`.
    pub fn new(threshold: f64, counts: Counts) -> Metrics {
        Metrics {
            threshold,
            precision: counts.precision(),
            recall: counts.recall(),
            f1: counts.f1(),
            counts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_division_gives_zero() {
        let none = Counts {
            tp: 0,
            fp: 0,
            fn_: 0,
            tn: 4,
        };
        assert_eq!(none.precision(), 0.0);
        assert_eq!(none.recall(), 0.0);
        assert_eq!(none.f1(), 0.0);
        assert_eq!(none.f_beta(Beta::new(0.5).unwrap()), 0.0);
    }

    #[test]
    fn f1_is_the_harmonic_mean() {
        let c = Counts {
            tp: 7,
            fp: 3,
            fn_: 5,
            tn: 1,
        };
        let (p, r) = (c.precision(), c.recall());
        assert!((c.f1() - 2.0 * p * r / (p + r)).abs() < 1e-15);
        assert_eq!(c.total(), 16);
    }
}
