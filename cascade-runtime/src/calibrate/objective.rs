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
/// Parsed from the CLI syntax `f1`, `fbeta=0.5`, `precision>=0.95`, `cost=fp:1,fn:5`, or built
/// from checked values ([`Beta`], [`MinPrecision`], [`CostWeights`]), so an objective never holds
/// a NaN or a number outside its range:
///
/// ```
/// use cascade_runtime::calibrate::{Beta, CostWeights, MinPrecision, Objective};
/// assert_eq!("f1".parse::<Objective>(), Ok(Objective::F1));
/// assert_eq!("fbeta=0.5".parse::<Objective>(), Ok(Objective::FBeta(Beta::new(0.5)?)));
/// assert_eq!(
///     "precision>=0.95".parse::<Objective>(),
///     Ok(Objective::PrecisionFloor(MinPrecision::new(0.95)?))
/// );
/// let cost = Objective::Cost(CostWeights::new(1.0, 5.0)?);
/// assert_eq!("cost=fp:1,fn:5".parse::<Objective>(), Ok(cost));
/// assert_eq!(cost.to_string(), "cost=fp:1,fn:5");
/// assert!("precision>=1.5".parse::<Objective>().is_err());
/// assert!("fbeta=1e200".parse::<Objective>().is_err());
/// assert!("cost=fp:1e308,fn:1e308".parse::<Objective>().is_err());
/// assert!(Beta::new(f64::NAN).is_err());
/// # Ok::<(), cascade_runtime::calibrate::ObjectiveError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Objective {
    /// Maximise F1 (the default).
    #[default]
    F1,
    /// Maximise F-beta; β < 1 favours precision, β > 1 recall.
    FBeta(Beta),
    /// Maximise recall among thresholds whose precision is at least the floor.
    /// When no threshold reaches the floor, the most precise threshold is chosen and the choice
    /// is marked as not meeting the objective.
    PrecisionFloor(MinPrecision),
    /// Minimise `fp × false positives + fn × false negatives`.
    Cost(CostWeights),
}

/// The range of β: F-beta at β = 10⁶ is recall to twelve digits, and β² stays far inside f64.
const MIN_BETA: f64 = 1e-6;
const MAX_BETA: f64 = 1e6;
/// The largest cost weight: weights are relative, and a cost of this weight times every pair of
/// a large file stays finite.
const MAX_COST_WEIGHT: f64 = 1e12;

/// Why a number cannot be part of an [`Objective`]. Each message names the number, the range
/// and an example.
///
/// ```
/// use cascade_runtime::calibrate::{MinPrecision, ObjectiveError};
/// let e = MinPrecision::new(1.5).unwrap_err();
/// assert_eq!(e, ObjectiveError::PrecisionFloor(1.5));
/// assert_eq!(e.to_string(), "the precision floor `1.5` must be a number within 0..=1, e.g. `0.95`");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum ObjectiveError {
    /// β is NaN, infinite or outside `0.000001..=1000000`.
    #[error(
        "beta `{0}` must be a number within 0.000001..=1000000 (beta < 1 favours precision, \
         beta > 1 recall; beyond that range F-beta is precision or recall alone), e.g. `0.5`"
    )]
    Beta(f64),
    /// The precision floor is NaN, infinite or outside `0..=1`.
    #[error("the precision floor `{0}` must be a number within 0..=1, e.g. `0.95`")]
    PrecisionFloor(f64),
    /// A cost weight is NaN, infinite, negative or above 10¹².
    #[error(
        "cost weight `{name}:{weight}` must be a number within 0..=1000000000000 (only the ratio \
         of the weights matters), e.g. `fp:1,fn:5`"
    )]
    CostWeight {
        /// `fp` or `fn`.
        name: &'static str,
        /// The weight given.
        weight: f64,
    },
    /// Both cost weights are 0: every threshold would cost nothing.
    #[error("cost weights `fp:0,fn:0` are both 0: at least one must be above 0, e.g. `fp:1,fn:5`")]
    CostAllZero,
}

/// The β of F-beta: a finite number within `0.000001..=1000000`.
///
/// ```
/// use cascade_runtime::calibrate::{Beta, ObjectiveError};
/// assert_eq!(Beta::new(2.0)?.get(), 2.0);
/// assert_eq!(Beta::new(0.0), Err(ObjectiveError::Beta(0.0)));
/// # Ok::<(), ObjectiveError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Beta(f64);

impl Beta {
    /// Checks `beta`: finite, within `0.000001..=1000000`.
    ///
    /// ```
    /// # use cascade_runtime::calibrate::Beta;
    /// assert!(Beta::new(f64::NAN).is_err() && Beta::new(-1.0).is_err() && Beta::new(1e7).is_err());
    /// ```
    pub fn new(beta: f64) -> Result<Beta, ObjectiveError> {
        if (MIN_BETA..=MAX_BETA).contains(&beta) {
            Ok(Beta(beta))
        } else {
            Err(ObjectiveError::Beta(beta))
        }
    }

    /// The number.
    ///
    /// ```
    /// # use cascade_runtime::calibrate::Beta;
    /// assert_eq!(Beta::new(0.5)?.get(), 0.5);
    /// # Ok::<(), cascade_runtime::calibrate::ObjectiveError>(())
    /// ```
    pub fn get(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Beta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The precision floor of [`Objective::PrecisionFloor`]: a finite number within `0..=1`.
///
/// ```
/// use cascade_runtime::calibrate::MinPrecision;
/// assert_eq!(MinPrecision::new(0.95)?.get(), 0.95);
/// assert!(MinPrecision::new(f64::NAN).is_err());
/// # Ok::<(), cascade_runtime::calibrate::ObjectiveError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct MinPrecision(f64);

impl MinPrecision {
    /// Checks `floor`: finite, within `0..=1`.
    ///
    /// ```
    /// # use cascade_runtime::calibrate::MinPrecision;
    /// assert!(MinPrecision::new(1.0).is_ok() && MinPrecision::new(1.01).is_err());
    /// ```
    pub fn new(floor: f64) -> Result<MinPrecision, ObjectiveError> {
        if (0.0..=1.0).contains(&floor) {
            // `-0.0` is `0.0`: it prints as `0`, so `precision>=-0` never appears.
            Ok(MinPrecision(floor + 0.0))
        } else {
            Err(ObjectiveError::PrecisionFloor(floor))
        }
    }

    /// The number.
    ///
    /// ```
    /// # use cascade_runtime::calibrate::MinPrecision;
    /// assert_eq!(MinPrecision::new(0.5)?.get(), 0.5);
    /// # Ok::<(), cascade_runtime::calibrate::ObjectiveError>(())
    /// ```
    pub fn get(self) -> f64 {
        self.0
    }
}

impl fmt::Display for MinPrecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The weights of [`Objective::Cost`]: each a finite number within `0..=1e12`, not both 0.
///
/// ```
/// use cascade_runtime::calibrate::{CostWeights, ObjectiveError};
/// let w = CostWeights::new(1.0, 5.0)?;
/// assert_eq!((w.fp(), w.fn_()), (1.0, 5.0));
/// assert_eq!(CostWeights::new(0.0, 0.0), Err(ObjectiveError::CostAllZero));
/// assert!(matches!(CostWeights::new(f64::NAN, 1.0), Err(ObjectiveError::CostWeight { name: "fp", .. })));
/// # Ok::<(), ObjectiveError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CostWeights {
    fp: f64,
    fn_: f64,
}

impl CostWeights {
    /// Checks the cost of a false positive (`fp`) and of a false negative (`fn_`).
    ///
    /// ```
    /// # use cascade_runtime::calibrate::CostWeights;
    /// assert!(CostWeights::new(0.0, 1.0).is_ok());
    /// assert!(CostWeights::new(-1.0, 1.0).is_err());
    /// ```
    pub fn new(fp: f64, fn_: f64) -> Result<CostWeights, ObjectiveError> {
        for (name, weight) in [("fp", fp), ("fn", fn_)] {
            if !(0.0..=MAX_COST_WEIGHT).contains(&weight) {
                return Err(ObjectiveError::CostWeight { name, weight });
            }
        }
        if fp == 0.0 && fn_ == 0.0 {
            return Err(ObjectiveError::CostAllZero);
        }
        // `-0.0` is `0.0`, as for the precision floor.
        Ok(CostWeights {
            fp: fp + 0.0,
            fn_: fn_ + 0.0,
        })
    }

    /// The cost of accepting a different pair.
    ///
    /// ```
    /// # use cascade_runtime::calibrate::CostWeights;
    /// assert_eq!(CostWeights::new(2.0, 1.0)?.fp(), 2.0);
    /// # Ok::<(), cascade_runtime::calibrate::ObjectiveError>(())
    /// ```
    pub fn fp(self) -> f64 {
        self.fp
    }

    /// The cost of rejecting a same pair.
    ///
    /// ```
    /// # use cascade_runtime::calibrate::CostWeights;
    /// assert_eq!(CostWeights::new(2.0, 1.0)?.fn_(), 1.0);
    /// # Ok::<(), cascade_runtime::calibrate::ObjectiveError>(())
    /// ```
    pub fn fn_(self) -> f64 {
        self.fn_
    }

    /// The total cost of `counts`.
    ///
    /// ```
    /// # use cascade_runtime::calibrate::{CostWeights, Counts};
    /// let c = Counts { tp: 5, fp: 2, fn_: 1, tn: 9 };
    /// assert_eq!(CostWeights::new(1.0, 5.0)?.cost(&c), 7.0);
    /// # Ok::<(), cascade_runtime::calibrate::ObjectiveError>(())
    /// ```
    pub fn cost(self, counts: &Counts) -> f64 {
        self.fp * counts.fp as f64 + self.fn_ * counts.fn_ as f64
    }
}

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
    let value: f64 = text.trim().parse().map_err(|_| ObjectiveParseError {
        input: input.to_owned(),
        reason: format!("{what} `{text}` is not a number"),
    })?;
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
        let invalid = |e: ObjectiveError| err(&e.to_string());
        if input.eq_ignore_ascii_case("f1") {
            return Ok(Objective::F1);
        }
        if let Some(beta) = input.strip_prefix("fbeta=") {
            let beta = number(s, beta, "beta")?;
            return Beta::new(beta).map(Objective::FBeta).map_err(invalid);
        }
        if let Some(floor) = input.strip_prefix("precision>=") {
            let floor = number(s, floor, "precision floor")?;
            return MinPrecision::new(floor)
                .map(Objective::PrecisionFloor)
                .map_err(invalid);
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
                *slot = Some(number(s, value, "cost weight")?);
            }
            let (Some(fp), Some(fn_)) = (fp, fn_) else {
                return Err(err("both `fp:` and `fn:` weights are needed"));
            };
            return CostWeights::new(fp, fn_)
                .map(Objective::Cost)
                .map_err(invalid);
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
            Objective::Cost(w) => write!(f, "cost=fp:{},fn:{}", w.fp, w.fn_),
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
    /// use cascade_runtime::calibrate::{MinPrecision, Objective, SortedPairs};
    /// let curve = SortedPairs::new(&[0.9, 0.8, 0.7, 0.6], &[true, true, false, true])?.curve();
    /// // F1: 0.9 → 2/3, 0.8 → 4/5, 0.7 → 4/6, 0.6 → 6/7.
    /// assert_eq!(curve.points()[Objective::F1.choose(&curve).unwrap().index].threshold, 0.6);
    /// let strict = Objective::PrecisionFloor(MinPrecision::new(1.0)?).choose(&curve).unwrap();
    /// assert_eq!(curve.points()[strict.index].threshold, 0.8);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn choose(&self, curve: &Curve) -> Option<Choice> {
        let n = curve.points().len();
        if n == 0 {
            return None;
        }
        // Every index below is in `0..n`.
        let counts = |i: usize| curve.counts_of(&curve.points()[i]);
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
                let floor = floor.get();
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
            Objective::Cost(weights) => {
                // Weights of at most 1e12 times counts below 2^64 stay finite, so costs compare
                // exactly as their sums do.
                let mut best_cost = weights.cost(&counts(0));
                for i in 1..n {
                    let value = weights.cost(&counts(i));
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
    /// total cost (lower is better only for [`Objective::Cost`]). Always finite.
    ///
    /// ```
    /// # use cascade_runtime::calibrate::{Counts, Objective};
    /// let c = Counts { tp: 3, fp: 1, fn_: 1, tn: 5 };
    /// assert_eq!(Objective::F1.value(&c), 0.75);
    /// assert_eq!("cost=fp:1,fn:5".parse::<Objective>()?.value(&c), 6.0);
    /// # Ok::<(), cascade_runtime::calibrate::ObjectiveParseError>(())
    /// ```
    pub fn value(&self, counts: &Counts) -> f64 {
        match *self {
            Objective::F1 => counts.f1(),
            Objective::FBeta(beta) => counts.f_beta(beta),
            Objective::PrecisionFloor(_) => counts.recall(),
            Objective::Cost(weights) => weights.cost(counts),
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

    fn cost(fp: f64, fn_: f64) -> Objective {
        Objective::Cost(CostWeights::new(fp, fn_).unwrap())
    }

    #[test]
    fn huge_cost_weights_choose_as_their_ratio_does() {
        let c = curve(&[0.9, 0.8, 0.7, 0.6], &[true, false, true, true]);
        // Costs with equal weights: 0.9 → 2 (two same pairs left out), 0.8 → 3, 0.7 → 2,
        // 0.6 → 1 (one different pair accepted).
        let huge = cost(MAX_COST_WEIGHT, MAX_COST_WEIGHT);
        let plain = cost(1.0, 1.0);
        assert_eq!(huge.choose(&c), plain.choose(&c));
        assert_eq!(c.points()[plain.choose(&c).unwrap().index].threshold, 0.6);
    }

    /// Reviewer: `Objective::FBeta(NaN)` built directly was accepted silently (and scored NaN).
    /// Objectives hold checked values now, so no NaN or out-of-range number can be built in.
    #[test]
    fn objective_values_are_checked_when_built() {
        for beta in [f64::NAN, f64::INFINITY, 0.0, -0.5, 1e-7, 1e7] {
            assert!(
                matches!(Beta::new(beta), Err(ObjectiveError::Beta(_))),
                "{beta}"
            );
        }
        assert!(matches!(Beta::new(f64::NAN), Err(ObjectiveError::Beta(b)) if b.is_nan()));
        for floor in [f64::NAN, -0.1, 1.5, f64::NEG_INFINITY] {
            assert!(MinPrecision::new(floor).is_err(), "{floor}");
        }
        for (fp, fn_) in [
            (f64::NAN, 1.0),
            (1.0, f64::INFINITY),
            (-1.0, 1.0),
            (1.0, 1e13),
        ] {
            assert!(
                matches!(
                    CostWeights::new(fp, fn_),
                    Err(ObjectiveError::CostWeight { .. })
                ),
                "{fp} {fn_}"
            );
        }
        assert_eq!(
            CostWeights::new(0.0, -0.0),
            Err(ObjectiveError::CostAllZero)
        );
        assert_eq!(
            Beta::new(f64::NAN).unwrap_err().to_string(),
            "beta `NaN` must be a number within 0.000001..=1000000 (beta < 1 favours precision, \
             beta > 1 recall; beyond that range F-beta is precision or recall alone), e.g. `0.5`"
        );
        assert_eq!(
            CostWeights::new(1.0, -2.0).unwrap_err().to_string(),
            "cost weight `fn:-2` must be a number within 0..=1000000000000 (only the ratio of \
             the weights matters), e.g. `fp:1,fn:5`"
        );
        // Negative zeros print as `0`, so the text parses back to the same objective.
        let o = Objective::PrecisionFloor(MinPrecision::new(-0.0).unwrap());
        assert_eq!(o.to_string(), "precision>=0");
    }

    #[test]
    fn every_built_objective_scores_finite_values() {
        let c = curve(&[0.9, 0.8, 0.7], &[true, false, true]);
        for o in [
            Objective::F1,
            Objective::FBeta(Beta::new(1e-6).unwrap()),
            Objective::FBeta(Beta::new(1e6).unwrap()),
            Objective::PrecisionFloor(MinPrecision::new(0.0).unwrap()),
            cost(MAX_COST_WEIGHT, 0.0),
        ] {
            for p in 0..c.points().len() {
                assert!(o.value(&c.counts(p).unwrap()).is_finite(), "{o}");
            }
        }
    }

    #[test]
    fn beta_and_weights_outside_their_ranges_are_refused() {
        for text in [
            "fbeta=1e200",
            "fbeta=1e-7",
            "fbeta=NaN",
            "cost=fp:1e13,fn:1",
            "cost=fp:1,fn:inf",
            "cost=fp:0,fn:0",
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
        assert_eq!(c.counts(0).unwrap().f1(), c.counts(3).unwrap().f1());
        let choice = Objective::F1.choose(&c).unwrap();
        assert_eq!(c.points()[choice.index].threshold, 0.9);
    }

    #[test]
    fn no_positives_gives_the_highest_score_and_zero_metrics() {
        let c = curve(&[0.2, 0.7, 0.7], &[false, false, false]);
        let choice = Objective::F1.choose(&c).unwrap();
        assert_eq!(c.points()[choice.index].threshold, 0.7);
        let counts = c.counts(choice.index).unwrap();
        assert_eq!(
            (counts.precision(), counts.recall(), counts.f1()),
            (0.0, 0.0, 0.0)
        );
    }

    #[test]
    fn unreachable_precision_floor_picks_the_most_precise_and_says_so() {
        let c = curve(&[0.9, 0.8, 0.7], &[false, true, false]);
        let choice = Objective::PrecisionFloor(MinPrecision::new(0.9).unwrap())
            .choose(&c)
            .unwrap();
        assert!(!choice.met);
        assert_eq!(c.points()[choice.index].threshold, 0.8);
    }

    #[test]
    fn cost_weights_move_the_threshold() {
        let c = curve(&[0.9, 0.8, 0.7, 0.6], &[true, false, true, false]);
        let cheap_fn = cost(5.0, 1.0).choose(&c).unwrap();
        let cheap_fp = cost(1.0, 5.0).choose(&c).unwrap();
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
