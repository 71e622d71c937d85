//! Calibration: the thresholds labelled pairs support (DESIGN §7).
//!
//! Given scores (cosine similarities) of pairs labelled same / different, find the threshold `t`
//! for the rule `score >= t` that optimises an [`Objective`]:
//!
//! * **Exact.** Pairs are sorted once ([`SortedPairs`]); cumulative counts over the *distinct*
//!   scores give every achievable confusion matrix ([`Curve`]), ties going in or out together.
//!   The candidate thresholds are the observed scores, as with scikit-learn's
//!   `precision_recall_curve`, and the search is O(n log n).
//! * **Deterministic ties.** Equal objective values go to the highest threshold; F1 is compared on
//!   the integer counts, never on rounded floats.
//! * **Defined everywhere.** Ratios with a zero denominator are `0.0` (scikit-learn's
//!   `zero_division=0`): with no same pairs, precision, recall and F1 are 0 and the threshold is
//!   the highest score. No NaN reaches the output. An empty input is an error. Such a result
//!   is defined but meaningless: [`Calibration::missing_label`] says when a group lacks same or
//!   different pairs, so callers can refuse to use its threshold.
//! * **Per embedding size.** [`prefix_cosines`] and [`calibrate_dims`] give a threshold for
//!   each truncated dimension.
//! * **How sure.** A seeded bootstrap gives a percentile interval of the threshold and of its
//!   P/R/F1 ([`bootstrap`]); stratified k-fold cross-validation measures the F1 of the whole
//!   procedure on pairs it did not see ([`cross_validate`]).
//!
//! ```
//! use cascade_runtime::calibrate::{calibrate, Options};
//! let scores = [0.91, 0.84, 0.79, 0.62, 0.55, 0.40];
//! let same = [true, true, false, true, false, false];
//! let result = calibrate(&scores, &same, &Options::default()).unwrap();
//! assert_eq!(result.best.threshold, 0.62);
//! assert_eq!((result.best.counts.tp, result.best.counts.fp), (3, 1));
//! assert_eq!(result.best.interval, (Some(0.55), 0.62));
//! assert_eq!(result.grid.len(), 6); // 0.65, 0.70, ..., 0.90
//! ```

mod counts;
mod curve;
mod dims;
mod objective;
mod resample;

use serde::Serialize;

pub use counts::{Counts, Metrics};
pub use curve::{Curve, CurvePoint, SortedPairs};
pub use dims::{DimCalibration, calibrate_dims, prefix_cosines};
pub use objective::{
    Beta, Choice, CostWeights, MinPrecision, Objective, ObjectiveError, ObjectiveParseError,
};
pub use resample::{
    ConfidenceInterval, ConfidenceLevel, CrossValidation, LevelError, SplitMix64, bootstrap,
    cross_validate, seed_for,
};

use crate::Threshold;

/// The spike's grid of fixed thresholds, reported next to the optimum for comparison.
pub const SPIKE_GRID: [Threshold; 6] = [
    Threshold::new_const(0.65),
    Threshold::new_const(0.70),
    Threshold::new_const(0.75),
    Threshold::new_const(0.80),
    Threshold::new_const(0.85),
    Threshold::new_const(0.90),
];

/// The name of the pooled group (all types together) in calibration output.
pub const ALL: &str = "ALL";

/// Why a calibration cannot run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CalibrateError {
    /// Scores and labels differ in length.
    #[error("{scores} scores but {labels} labels: each pair needs one score and one label")]
    LengthMismatch {
        /// Number of scores.
        scores: usize,
        /// Number of labels (or weights).
        labels: usize,
    },
    /// A score is NaN or infinite.
    #[error("score #{index} is `{score}`: scores must be finite numbers")]
    NonFinite {
        /// Position of the score in the input.
        index: usize,
        /// The score.
        score: f64,
    },
    /// There are no pairs.
    #[error("no labelled pairs: calibration needs at least one")]
    Empty,
    /// Two vectors of different lengths.
    #[error("vectors of {a} and {b} numbers: a cosine needs vectors of one length")]
    VectorLengths {
        /// Length of the first vector.
        a: usize,
        /// Length of the second vector.
        b: usize,
    },
    /// `Options::folds` is 1: a single fold holds nothing out.
    #[error(
        "cross-validation with 1 fold holds no pairs out: set `folds` to 0 (no cross-validation) or to 2 or more"
    )]
    OneFold,
    /// A prefix length of 0 or longer than the vectors.
    #[error(
        "cannot take the first {dims} of {len} numbers: dimensions run from 1 to the vector length"
    )]
    Dims {
        /// The requested prefix length.
        dims: usize,
        /// The vector length.
        len: usize,
    },
}

/// Settings of [`calibrate`]. Every number that must be checked has a checked type
/// ([`Objective`]'s values, [`Threshold`], [`ConfidenceLevel`]), so any `Options` value is valid.
///
/// ```
/// use cascade_runtime::calibrate::{calibrate, ConfidenceLevel, Objective, Options};
/// let options = Options {
///     objective: "fbeta=0.5".parse()?,
///     bootstrap: 200,
///     level: ConfidenceLevel::new(0.8)?,
///     ..Options::default()
/// };
/// let c = calibrate(&[0.9, 0.8, 0.7, 0.6], &[true, false, true, false], &options)?;
/// let ci = c.ci.expect("200 resamples");
/// assert_eq!(ci.level.get(), 0.8);
/// assert!(ci.threshold[0] <= ci.threshold[1]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// What to optimise.
    pub objective: Objective,
    /// Fixed thresholds to report next to the optimum (default [`SPIKE_GRID`]).
    pub grid: Vec<Threshold>,
    /// Bootstrap resamples; 0 = no confidence interval.
    pub bootstrap: u32,
    /// Coverage of the confidence interval (default 0.9).
    pub level: ConfidenceLevel,
    /// Cross-validation folds; 0 = none, otherwise at least 2 (1 is
    /// [`CalibrateError::OneFold`]). A group with fewer pairs than folds gets no `cv`.
    pub folds: u32,
    /// Seed of the bootstrap and the fold assignment.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            objective: Objective::F1,
            grid: SPIKE_GRID.to_vec(),
            bootstrap: 0,
            level: ConfidenceLevel::default(),
            folds: 0,
            seed: 0,
        }
    }
}

/// The optimal threshold with its metrics (DESIGN §10 `best`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Best {
    /// The chosen threshold: an observed score.
    pub threshold: f64,
    /// Precision at the threshold.
    pub precision: f64,
    /// Recall at the threshold.
    pub recall: f64,
    /// F1 at the threshold, `2PR / (P + R)` as on scikit-learn's precision–recall curve.
    pub f1: f64,
    /// The value of the objective that was optimised, at the threshold ([`Objective::value`]):
    /// F-beta for `fbeta=β`, recall for `precision>=p` (the quantity maximised among the
    /// thresholds that reach the floor), the total weighted cost for `cost=fp:a,fn:b` (lower is
    /// better). `None` for the default F1 objective, whose value is `f1`; serialized as `"score"`
    /// only when set, so the default DESIGN §10 document is unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Counts at the threshold.
    #[serde(flatten)]
    pub counts: Counts,
    /// `(next lower distinct score, threshold]`: every threshold in it gives the same counts.
    /// The lower end is `null` when the threshold is the lowest score.
    pub interval: (Option<f64>, f64),
    /// The middle of `interval` (the threshold itself when the interval has no lower end): the
    /// choice with the widest margin on both sides. Rounded to 12 significant digits so it prints
    /// cleanly (`[0.632904, 0.633211]` → `0.6330575`, not `0.6330575000000001`), unless that
    /// would leave the interval.
    pub midpoint: f64,
    /// `false` only when a precision floor cannot be met (then the most precise threshold is
    /// given). Serialized only when `false`.
    #[serde(skip_serializing_if = "is_true")]
    pub objective_met: bool,
}

/// F1 of a point on the precision–recall curve as scikit-learn computes it there: `2PR / (P + R)`
/// on the floating-point P and R (`0.0` when both are zero). It can differ from the correctly
/// rounded `2tp / (2tp + fp + fn)` of [`Counts::f1`] by a few ulp; reporting this form makes the
/// best F1 equal a scikit-learn `precision_recall_curve` + argmax result bit for bit. The *choice*
/// of the best threshold never uses it: it compares exact integer ratios.
fn curve_f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

/// `x` rounded to 12 significant decimal digits: the `f64` nearest that decimal, which `{}`
/// prints as the short decimal (`0.5313680000000001` → `0.531368`). Used for derived numbers
/// (midpoints, interpolated percentiles) whose last bits are float noise; never for thresholds,
/// counts or the best P/R/F1.
///
/// ```
/// # use cascade_runtime::calibrate::round_significant;
/// assert_eq!(round_significant(0.5313680000000001), 0.531368);
/// assert_eq!(round_significant(0.9499999999999997), 0.95);
/// assert_eq!(round_significant(-0.25), -0.25);
/// ```
pub fn round_significant(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// The middle of `(lo, hi]`, rounded by [`round_significant`] when the rounded value stays
/// strictly above `lo` and at most `hi` (so it gives the same counts as `hi`).
fn midpoint(lo: f64, hi: f64) -> f64 {
    let raw = lo + (hi - lo) / 2.0;
    let rounded = round_significant(raw);
    if lo < rounded && rounded <= hi {
        rounded
    } else {
        raw
    }
}

fn is_true(b: &bool) -> bool {
    *b
}

impl Best {
    /// The best point of `curve` under `objective`; `None` when the curve is empty.
    ///
    /// ```
    /// use cascade_runtime::calibrate::{Best, Objective, SortedPairs};
    /// let curve = SortedPairs::new(&[0.9, 0.8, 0.3], &[true, true, false])?.curve();
    /// let best = Best::choose(&curve, &Objective::F1).expect("a non-empty curve");
    /// assert_eq!((best.threshold, best.f1, best.interval), (0.8, 1.0, (Some(0.3), 0.8)));
    /// assert!(Best::choose(&SortedPairs::new(&[], &[])?.curve(), &Objective::F1).is_none());
    /// # Ok::<(), cascade_runtime::calibrate::CalibrateError>(())
    /// ```
    pub fn choose(curve: &Curve, objective: &Objective) -> Option<Best> {
        let choice = objective.choose(curve)?;
        let counts = curve.counts(choice.index)?;
        let interval = curve.interval(choice.index)?;
        let threshold = interval.1;
        let (precision, recall) = (counts.precision(), counts.recall());
        Some(Best {
            threshold,
            precision,
            recall,
            f1: curve_f1(precision, recall),
            score: match objective {
                Objective::F1 => None,
                other => Some(other.value(&counts)),
            },
            counts,
            interval,
            midpoint: interval.0.map_or(threshold, |lo| midpoint(lo, threshold)),
            objective_met: choice.met,
        })
    }
}

/// The calibration of one group of pairs (a type, or all pooled).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Calibration {
    /// Number of pairs.
    pub n: u64,
    /// Number of pairs labelled same.
    pub positives: u64,
    /// The optimum.
    pub best: Best,
    /// Metrics at each grid threshold.
    pub grid: Vec<Metrics>,
    /// Bootstrap interval, when requested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci: Option<ConfidenceInterval>,
    /// Cross-validated F1, when requested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cv: Option<CrossValidation>,
}

impl Calibration {
    /// Calibrates already sorted pairs. `seed` is used as given: derive a per-group seed with
    /// [`seed_for`] when calibrating several groups.
    ///
    /// ```
    /// use cascade_runtime::calibrate::{seed_for, Calibration, Options, SortedPairs};
    /// let sorted = SortedPairs::new(&[0.9, 0.8, 0.3, 0.2], &[true, true, false, false])?;
    /// let options = Options { folds: 2, seed: seed_for(7, "ICP"), ..Options::default() };
    /// let c = Calibration::of_sorted(&sorted, &options)?;
    /// assert_eq!((c.n, c.positives, c.best.threshold), (4, 2, 0.8));
    /// assert!(c.cv.is_some());
    /// # Ok::<(), cascade_runtime::calibrate::CalibrateError>(())
    /// ```
    pub fn of_sorted(
        sorted: &SortedPairs,
        options: &Options,
    ) -> Result<Calibration, CalibrateError> {
        if options.folds == 1 {
            return Err(CalibrateError::OneFold);
        }
        let curve = sorted.curve();
        let best = Best::choose(&curve, &options.objective).ok_or(CalibrateError::Empty)?;
        let grid = options
            .grid
            .iter()
            .map(|t| Metrics::new(t.get(), curve.counts_at(t.get())))
            .collect();
        Ok(Calibration {
            n: sorted.len() as u64,
            positives: sorted.positives(),
            best,
            grid,
            ci: bootstrap(
                sorted,
                &options.objective,
                options.bootstrap,
                options.level,
                options.seed,
            ),
            cv: if options.folds == 0 {
                None
            } else {
                cross_validate(sorted, &options.objective, options.folds, options.seed)
            },
        })
    }
}

/// The label a group has no pair of. A threshold separates same pairs from different ones, so
/// a group without one of the two kinds has no meaningful threshold: with no same pairs every
/// threshold has recall 0, and with only same pairs the lowest score accepts them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MissingLabel {
    /// No pair is labelled same.
    Same,
    /// Every pair is labelled same (none different).
    Different,
}

impl Calibration {
    /// Which label the group lacks, if any: then its `best` is defined but means nothing.
    ///
    /// ```
    /// use cascade_runtime::calibrate::{calibrate, MissingLabel, Options};
    /// let c = calibrate(&[0.2, 0.4], &[false, false], &Options::default()).unwrap();
    /// assert_eq!(c.missing_label(), Some(MissingLabel::Same));
    /// ```
    pub fn missing_label(&self) -> Option<MissingLabel> {
        if self.positives == 0 {
            Some(MissingLabel::Same)
        } else if self.positives >= self.n {
            Some(MissingLabel::Different)
        } else {
            None
        }
    }
}

/// Calibrates one group of pairs: `scores[i]` is the similarity of pair `i`, `same[i]` its label.
///
/// Errors when the slices differ in length, a score is not finite, there are no pairs, or
/// `options.folds` is 1.
///
/// ```
/// use cascade_runtime::calibrate::{calibrate, CalibrateError, Options};
/// let c = calibrate(&[0.9, 0.4], &[true, false], &Options::default())?;
/// assert_eq!(c.best.threshold, 0.9);
/// assert!(matches!(
///     calibrate(&[0.9, f64::NAN], &[true, false], &Options::default()),
///     Err(CalibrateError::NonFinite { index: 1, .. })
/// ));
/// let one_fold = Options { folds: 1, ..Options::default() };
/// assert_eq!(calibrate(&[0.9, 0.4], &[true, false], &one_fold), Err(CalibrateError::OneFold));
/// # Ok::<(), CalibrateError>(())
/// ```
pub fn calibrate(
    scores: &[f64],
    same: &[bool],
    options: &Options,
) -> Result<Calibration, CalibrateError> {
    let sorted = SortedPairs::new(scores, same)?;
    Calibration::of_sorted(&sorted, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_is_an_error() {
        assert_eq!(
            calibrate(&[], &[], &Options::default()),
            Err(CalibrateError::Empty)
        );
    }

    #[test]
    fn one_fold_is_an_error_not_a_silently_missing_cv() {
        let options = Options {
            folds: 1,
            ..Options::default()
        };
        let e = calibrate(&[0.9, 0.1], &[true, false], &options).unwrap_err();
        assert_eq!(e, CalibrateError::OneFold);
        assert!(e.to_string().contains("set `folds` to 0"), "{e}");
    }

    #[test]
    fn a_single_score_gives_a_threshold_without_lower_end() {
        let c = calibrate(&[0.5, 0.5, 0.5], &[true, false, true], &Options::default()).unwrap();
        assert_eq!(c.best.threshold, 0.5);
        assert_eq!(c.best.interval, (None, 0.5));
        assert_eq!(c.best.midpoint, 0.5);
        let json = serde_json::to_string(&c.best).unwrap();
        assert!(json.contains(r#""interval":[null,0.5]"#), "{json}");
        assert!(!json.contains("objective_met"), "{json}");
    }

    #[test]
    fn a_group_with_one_label_says_which_it_lacks() {
        let options = Options::default();
        let lacks = |same: &[bool]| {
            calibrate(&[0.1, 0.5, 0.9][..same.len()], same, &options)
                .unwrap()
                .missing_label()
        };
        assert_eq!(lacks(&[false, false, false]), Some(MissingLabel::Same));
        assert_eq!(lacks(&[true, true, true]), Some(MissingLabel::Different));
        assert_eq!(lacks(&[true]), Some(MissingLabel::Different));
        assert_eq!(lacks(&[false, true]), None);
    }

    #[test]
    fn no_nan_in_degenerate_json() {
        let options = Options {
            bootstrap: 50,
            folds: 2,
            ..Options::default()
        };
        for (scores, same) in [
            (vec![0.3, 0.3], vec![false, false]),
            (vec![0.3, 0.9], vec![true, true]),
            (vec![-1.0, 1.0], vec![false, true]),
        ] {
            let c = calibrate(&scores, &same, &options).unwrap();
            let json = serde_json::to_string(&c).unwrap();
            assert!(
                !json.contains("null,") || json.contains("interval"),
                "{json}"
            );
            assert!(!json.to_lowercase().contains("nan"), "{json}");
        }
    }

    #[test]
    fn best_reports_the_optimised_value_except_for_f1() {
        let scores = [0.9, 0.8, 0.7, 0.6, 0.5];
        let same = [true, false, true, true, false];
        let run = |objective: &str| {
            let objective = objective.parse().unwrap();
            calibrate(
                &scores,
                &same,
                &Options {
                    objective,
                    ..Options::default()
                },
            )
            .unwrap()
            .best
        };
        let f1 = run("f1");
        assert_eq!(f1.score, None);
        let json = serde_json::to_string(&f1).unwrap();
        assert!(!json.contains("score"), "{json}");

        // Thresholds 0.9, 0.8, 0.7, 0.6, 0.5 accept (tp, fp) = (1,0), (1,1), (2,1), (3,1), (3,2);
        // 3 same pairs in all.
        let cost = run("cost=fp:1,fn:5");
        assert_eq!(cost.threshold, 0.6);
        assert_eq!(cost.score, Some(1.0)); // 1 false positive, no false negative
        let json = serde_json::to_string(&cost).unwrap();
        assert!(
            json.contains(r#""f1":0.8571428571428571,"score":1.0,"tp":3"#),
            "{json}"
        );

        let floor = run("precision>=1");
        assert_eq!(floor.threshold, 0.9);
        assert_eq!(floor.score, Some(1.0 / 3.0)); // recall, the quantity maximised

        // F0.5 at 0.6: (1.25 × P × R) / (0.25 × P + R) with P = 3/4, R = 1.
        let fbeta = run("fbeta=0.5");
        let want = Counts {
            tp: 3,
            fp: 1,
            fn_: 0,
            tn: 1,
        }
        .f_beta(Beta::new(0.5).unwrap());
        assert_eq!((fbeta.threshold, fbeta.score), (0.6, Some(want)));
        assert!((want - 0.789473).abs() < 1e-6, "{want}");
    }

    #[test]
    fn midpoint_prints_cleanly_when_the_ends_are_short_decimals() {
        // DESIGN §10's example.
        assert_eq!(midpoint(0.632904, 0.633211), 0.6330575);
        assert_eq!(midpoint(0.632904, 0.633211).to_string(), "0.6330575");
        // The reviewer's noise: 0.531368 came out as 0.5313680000000001.
        let (lo, hi) = (0.531295, 0.531441);
        assert_ne!(lo + (hi - lo) / 2.0, 0.531368, "the raw midpoint is noisy");
        assert_eq!(midpoint(lo, hi), 0.531368);
        // Ends closer than 12 significant digits resolve: the raw midpoint, still inside.
        let lo = 0.5f64;
        let hi = f64::from_bits(lo.to_bits() + 4);
        let m = midpoint(lo, hi);
        assert!(lo < m && m <= hi, "{m}");
    }

    #[test]
    fn midpoint_sits_inside_the_interval() {
        let c = calibrate(&[0.2, 0.4, 0.8], &[false, true, true], &Options::default()).unwrap();
        assert_eq!(c.best.interval, (Some(0.2), 0.4));
        assert!((c.best.midpoint - 0.3).abs() < 1e-15);
    }
}
