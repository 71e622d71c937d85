//! What "best threshold" means, and how the best point of a curve is chosen.
//!
//! Every objective scans the curve from the highest threshold down and replaces its choice only
//! on a *strict* improvement, so ties always go to the highest threshold. F1 is compared exactly
//! on the integer counts (`2tp / (2tp + fp + fn)` cross-multiplied in `u128`), never on rounded
//! floats, so two thresholds with the same F1 are recognised as tied.

use std::fmt;
use std::str::FromStr;

use super::{Counts, Curve};

/// The quantity a calibration optimises.
///
/// Parsed from the CLI syntax `f1`, `fbeta=0.5`, `precision>=0.95`, `cost=fp:1,fn:5`:
///
/// ```
/// use cascade_runtime::calibrate::Objective;
/// assert_eq!("f1".parse::<Objective>(), Ok(Objective::F1));
/// assert_eq!("fbeta=0.5".parse::<Objective>(), Ok(Objective::FBeta(0.5)));
/// assert_eq!("precision>=0.95".parse::<Objective>(), Ok(Objective::PrecisionFloor(0.95)));
/// assert_eq!(
///     "cost=fp:1,fn:5".parse::<Objective>(),
///     Ok(Objective::Cost { fp: 1.0, fn_: 5.0 })
/// );
/// assert_eq!(Objective::Cost { fp: 1.0, fn_: 5.0 }.to_string(), "cost=fp:1,fn:5");
/// assert!("precision>=1.5".parse::<Objective>().is_err());
/// assert!("fbeta=1e200".parse::<Objective>().is_err());
/// assert!("cost=fp:1e308,fn:1e308".parse::<Objective>().is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Objective {
    /// Maximise F1 (the default).
    #[default]
    F1,
    /// Maximise F-beta; β < 1 favours precision, β > 1 recall. Parsed β lies within
    /// `1e-6..=1e6`.
    FBeta(f64),
    /// Maximise recall among thresholds whose precision is at least the floor (within 0..=1).
    /// When no threshold reaches the floor, the most precise threshold is chosen and the choice
    /// is marked as not meeting the objective.
    PrecisionFloor(f64),
    /// Minimise `fp × false positives + fn_ × false negatives` (parsed weights within
    /// `0..=1e12`, not both 0; only their ratio matters).
    Cost {
        /// The cost of accepting a different pair.
        fp: f64,
        /// The cost of rejecting a same pair.
        fn_: f64,
    },
}

/// The range of β that `fbeta=` takes: F-beta at β = 10⁶ is recall to twelve digits, and β²
/// stays far inside f64.
const MIN_BETA: f64 = 1e-6;
const MAX_BETA: f64 = 1e6;
/// The largest cost weight: weights are relative, and a cost of this weight times every pair of
/// a large file stays finite.
const MAX_COST_WEIGHT: f64 = 1e12;

/// Why an objective string does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid objective `{input}`: {reason}; expected `f1`, `fbeta=0.5`, `precision>=0.95` or `cost=fp:1,fn:5`"
)]
pub struct ObjectiveParseError {
    input: String,
    reason: String,
}

fn number(input: &str, text: &str, what: &str) -> Result<f64, ObjectiveParseError> {
    let err = |reason: String| ObjectiveParseError {
        input: input.to_owned(),
        reason,
    };
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| err(format!("{what} `{text}` is not a number")))?;
    if !value.is_finite() {
        return Err(err(format!("{what} `{text}` is not a finite number")));
    }
    Ok(value)
}

impl FromStr for Objective {
    type Err = ObjectiveParseError;

    fn from_str(s: &str) -> Result<Objective, ObjectiveParseError> {
        let input = s.trim();
        let err = |reason: &str| ObjectiveParseError {
            input: s.to_owned(),
            reason: reason.to_owned(),
        };
        if input.eq_ignore_ascii_case("f1") {
            return Ok(Objective::F1);
        }
        if let Some(beta) = input.strip_prefix("fbeta=") {
            let beta = number(s, beta, "beta")?;
            if beta <= 0.0 {
                return Err(err("beta must be greater than 0"));
            }
            if !(MIN_BETA..=MAX_BETA).contains(&beta) {
                return Err(err(
                    "beta must be within 0.000001..=1000000 (beyond that F-beta is recall or \
                     precision alone, and beta² leaves the range of exact arithmetic)",
                ));
            }
            return Ok(Objective::FBeta(beta));
        }
        if let Some(floor) = input.strip_prefix("precision>=") {
            let floor = number(s, floor, "precision floor")?;
            if !(0.0..=1.0).contains(&floor) {
                return Err(err("the precision floor must be within 0..=1"));
            }
            return Ok(Objective::PrecisionFloor(floor));
        }
        if let Some(weights) = input.strip_prefix("cost=") {
            let (mut fp, mut fn_) = (None, None);
            for part in weights.split(',') {
                let Some((key, value)) = part.split_once(':') else {
                    return Err(err("each cost is `fp:<weight>` or `fn:<weight>`"));
                };
                let slot = match key.trim() {
                    "fp" => &mut fp,
                    "fn" => &mut fn_,
                    other => {
                        return Err(err(&format!("unknown cost `{other}` (known: fp, fn)")));
                    }
                };
                if slot.is_some() {
                    return Err(err(&format!("cost `{}` is given twice", key.trim())));
                }
                let w = number(s, value, "cost weight")?;
                if w < 0.0 {
                    return Err(err("cost weights must be >= 0"));
                }
                if w > MAX_COST_WEIGHT {
                    return Err(err(
                        "cost weights must be at most 1000000000000 (only their ratio matters: \
                         write `fp:1,fn:5`)",
                    ));
                }
                *slot = Some(w);
            }
            let (Some(fp), Some(fn_)) = (fp, fn_) else {
                return Err(err("both `fp:` and `fn:` weights are needed"));
            };
            if fp == 0.0 && fn_ == 0.0 {
                return Err(err("at least one cost weight must be > 0"));
            }
            return Ok(Objective::Cost { fp, fn_ });
        }
        Err(err("unknown objective"))
    }
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Objective::F1 => f.write_str("f1"),
            Objective::FBeta(beta) => write!(f, "fbeta={beta}"),
            Objective::PrecisionFloor(p) => write!(f, "precision>={p}"),
            Objective::Cost { fp, fn_ } => write!(f, "cost=fp:{fp},fn:{fn_}"),
        }
    }
}

/// The point of a curve an objective chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    /// Index into [`Curve::points`].
    pub index: usize,
    /// `false` only for [`Objective::PrecisionFloor`] when no threshold reaches the floor.
    pub met: bool,
}

/// `a/b > c/d` for non-negative integer fractions, a zero denominator meaning 0.
fn frac_gt(a: u64, b: u64, c: u64, d: u64) -> bool {
    let (a, b) = if b == 0 { (0, 1) } else { (a, b) };
    let (c, d) = if d == 0 { (0, 1) } else { (c, d) };
    u128::from(a) * u128::from(d) > u128::from(c) * u128::from(b)
}

fn f1_gt(x: &Counts, y: &Counts) -> bool {
    frac_gt(
        2 * x.tp,
        2 * x.tp + x.fp + x.fn_,
        2 * y.tp,
        2 * y.tp + y.fp + y.fn_,
    )
}

fn precision_gt(x: &Counts, y: &Counts) -> bool {
    frac_gt(x.tp, x.tp + x.fp, y.tp, y.tp + y.fp)
}

impl Objective {
    /// Chooses the best point of `curve`; `None` only when the curve has no points.
    ///
    /// ```
    /// use cascade_runtime::calibrate::{Objective, SortedPairs};
    /// let curve = SortedPairs::new(&[0.9, 0.8, 0.7, 0.6], &[true, true, false, true])
    ///     .unwrap()
    ///     .curve();
    /// // F1: 0.9 → 2/3, 0.8 → 4/5, 0.7 → 4/6, 0.6 → 6/7.
    /// assert_eq!(curve.points()[Objective::F1.choose(&curve).unwrap().index].threshold, 0.6);
    /// let strict = Objective::PrecisionFloor(1.0).choose(&curve).unwrap();
    /// assert_eq!(curve.points()[strict.index].threshold, 0.8);
    /// ```
    pub fn choose(&self, curve: &Curve) -> Option<Choice> {
        let n = curve.points().len();
        if n == 0 {
            return None;
        }
        let counts = |i: usize| curve.counts(i);
        let mut best = 0;
        match *self {
            Objective::F1 => {
                for i in 1..n {
                    if f1_gt(&counts(i), &counts(best)) {
                        best = i;
                    }
                }
            }
            Objective::FBeta(beta) => {
                let mut best_value = counts(0).f_beta(beta);
                for i in 1..n {
                    let value = counts(i).f_beta(beta);
                    if value > best_value {
                        (best, best_value) = (i, value);
                    }
                }
            }
            Objective::PrecisionFloor(floor) => {
                // Feasible: precision (as displayed) >= floor. Among those, the most same
                // pairs accepted; the first found is the highest threshold.
                let mut feasible: Option<usize> = None;
                for i in 0..n {
                    let c = counts(i);
                    if c.precision() >= floor && feasible.is_none_or(|f| c.tp > counts(f).tp) {
                        feasible = Some(i);
                    }
                }
                if let Some(index) = feasible {
                    return Some(Choice { index, met: true });
                }
                for i in 1..n {
                    if precision_gt(&counts(i), &counts(best)) {
                        best = i;
                    }
                }
                return Some(Choice {
                    index: best,
                    met: false,
                });
            }
            Objective::Cost { fp, fn_ } => {
                // Compared with the weights divided by a power of two that brings the larger
                // below 2: exact (the same sums, the same ties), and finite for any weights a
                // caller builds by hand (f64::MAX × a count would be infinite).
                let larger = fp.max(fn_);
                let scale = if larger > 1.0 {
                    // 2^⌊log2(larger)⌋ from the exponent bits (a normal number above 1).
                    2f64.powi(((larger.to_bits() >> 52) & 0x7ff) as i32 - 1023)
                } else {
                    1.0
                };
                let (fp, fn_) = (fp / scale, fn_ / scale);
                let cost = |c: Counts| fp * c.fp as f64 + fn_ * c.fn_ as f64;
                let mut best_cost = cost(counts(0));
                for i in 1..n {
                    let value = cost(counts(i));
                    if value < best_cost {
                        (best, best_cost) = (i, value);
                    }
                }
            }
        }
        Some(Choice {
            index: best,
            met: true,
        })
    }

    /// The value this objective gives `counts`: F1, F-beta, recall (precision floor) or the
    /// total cost (lower is better only for [`Objective::Cost`]).
    pub fn value(&self, counts: &Counts) -> f64 {
        match *self {
            Objective::F1 => counts.f1(),
            Objective::FBeta(beta) => counts.f_beta(beta),
            Objective::PrecisionFloor(_) => counts.recall(),
            Objective::Cost { fp, fn_ } => fp * counts.fp as f64 + fn_ * counts.fn_ as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::SortedPairs;

    fn curve(scores: &[f64], labels: &[bool]) -> Curve {
        SortedPairs::new(scores, labels).unwrap().curve()
    }

    #[test]
    fn huge_cost_weights_choose_as_their_ratio_does() {
        let c = curve(&[0.9, 0.8, 0.7, 0.6], &[true, false, true, true]);
        // Costs with equal weights: 0.9 → 2 (two same pairs left out), 0.8 → 3, 0.7 → 2,
        // 0.6 → 1 (one different pair accepted). Unscaled, f64::MAX weights make every cost
        // infinite and the first (highest) threshold would win.
        let huge = Objective::Cost {
            fp: f64::MAX,
            fn_: f64::MAX,
        };
        let plain = Objective::Cost { fp: 1.0, fn_: 1.0 };
        assert_eq!(huge.choose(&c), plain.choose(&c));
        assert_eq!(c.points()[plain.choose(&c).unwrap().index].threshold, 0.6);
    }

    #[test]
    fn beta_and_weights_outside_their_ranges_are_refused() {
        for text in [
            "fbeta=1e200",
            "fbeta=1e-7",
            "cost=fp:1e13,fn:1",
            "cost=fp:1,fn:inf",
        ] {
            assert!(text.parse::<Objective>().is_err(), "{text}");
        }
        for text in ["fbeta=1e6", "fbeta=0.000001", "cost=fp:1e12,fn:0"] {
            assert!(text.parse::<Objective>().is_ok(), "{text}");
        }
    }

    #[test]
    fn f1_ties_go_to_the_highest_threshold() {
        let c = curve(&[0.9, 0.8, 0.7, 0.6], &[true, false, false, true]);
        // F1 = 2tp/(2tp+fp+fn): 0.9 → 2/3, 0.8 → 2/4, 0.7 → 2/5, 0.6 → 4/6 (tied with 0.9).
        assert_eq!(c.counts(0).f1(), c.counts(3).f1());
        let choice = Objective::F1.choose(&c).unwrap();
        assert_eq!(c.points()[choice.index].threshold, 0.9);
    }

    #[test]
    fn no_positives_gives_the_highest_score_and_zero_metrics() {
        let c = curve(&[0.2, 0.7, 0.7], &[false, false, false]);
        let choice = Objective::F1.choose(&c).unwrap();
        assert_eq!(c.points()[choice.index].threshold, 0.7);
        let counts = c.counts(choice.index);
        assert_eq!(
            (counts.precision(), counts.recall(), counts.f1()),
            (0.0, 0.0, 0.0)
        );
    }

    #[test]
    fn unreachable_precision_floor_picks_the_most_precise_and_says_so() {
        let c = curve(&[0.9, 0.8, 0.7], &[false, true, false]);
        let choice = Objective::PrecisionFloor(0.9).choose(&c).unwrap();
        assert!(!choice.met);
        assert_eq!(c.points()[choice.index].threshold, 0.8);
    }

    #[test]
    fn cost_weights_move_the_threshold() {
        let c = curve(&[0.9, 0.8, 0.7, 0.6], &[true, false, true, false]);
        let cheap_fn = Objective::Cost { fp: 5.0, fn_: 1.0 }.choose(&c).unwrap();
        let cheap_fp = Objective::Cost { fp: 1.0, fn_: 5.0 }.choose(&c).unwrap();
        assert_eq!(c.points()[cheap_fn.index].threshold, 0.9);
        assert_eq!(c.points()[cheap_fp.index].threshold, 0.7);
    }

    #[test]
    fn empty_curve_has_no_choice() {
        assert_eq!(Objective::F1.choose(&curve(&[], &[])), None);
    }

    #[test]
    fn parse_errors_say_what_is_wrong() {
        for bad in [
            "f2",
            "fbeta=0",
            "fbeta=x",
            "precision>=NaN",
            "cost=fp:1",
            "cost=fp:1,fp:2,fn:1",
            "cost=fp:-1,fn:1",
            "cost=tp:1,fn:1",
        ] {
            let err = bad.parse::<Objective>().unwrap_err();
            assert!(err.to_string().contains(bad), "{err}");
        }
        for good in ["f1", "fbeta=2", "precision>=0.5", "cost=fp:0.5,fn:2"] {
            let o: Objective = good.parse().unwrap();
            assert_eq!(o.to_string().parse::<Objective>().unwrap(), o);
        }
    }
}
