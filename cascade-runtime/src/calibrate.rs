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
//!   the highest score. No NaN reaches the output. An empty input is an error.
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
pub use objective::{Choice, Objective, ObjectiveParseError};
pub use resample::{
    ConfidenceInterval, CrossValidation, SplitMix64, bootstrap, cross_validate, seed_for,
};

/// The spike's grid of fixed thresholds, reported next to the optimum for comparison.
pub const SPIKE_GRID: [f64; 6] = [0.65, 0.70, 0.75, 0.80, 0.85, 0.90];

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

/// Settings of [`calibrate`].
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// What to optimise.
    pub objective: Objective,
    /// Fixed thresholds to report next to the optimum (default [`SPIKE_GRID`]).
    pub grid: Vec<f64>,
    /// Bootstrap resamples; 0 = no confidence interval.
    pub bootstrap: u32,
    /// Coverage of the confidence interval (default 0.9).
    pub level: f64,
    /// Cross-validation folds; 0 = none (otherwise at least 2).
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
            level: 0.9,
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
    /// Counts at the threshold.
    #[serde(flatten)]
    pub counts: Counts,
    /// `(next lower distinct score, threshold]`: every threshold in it gives the same counts.
    /// The lower end is `null` when the threshold is the lowest score.
    pub interval: (Option<f64>, f64),
    /// The middle of `interval` (the threshold itself when the interval has no lower end): the
    /// choice with the widest margin on both sides.
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

fn is_true(b: &bool) -> bool {
    *b
}

impl Best {
    /// The best point of `curve` under `objective`; `None` when the curve is empty.
    pub fn choose(curve: &Curve, objective: &Objective) -> Option<Best> {
        let choice = objective.choose(curve)?;
        let counts = curve.counts(choice.index);
        let interval = curve.interval(choice.index);
        let threshold = interval.1;
        let (precision, recall) = (counts.precision(), counts.recall());
        Some(Best {
            threshold,
            precision,
            recall,
            f1: curve_f1(precision, recall),
            counts,
            interval,
            midpoint: interval
                .0
                .map_or(threshold, |lo| lo + (threshold - lo) / 2.0),
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
    pub fn of_sorted(
        sorted: &SortedPairs,
        options: &Options,
    ) -> Result<Calibration, CalibrateError> {
        let curve = sorted.curve();
        let best = Best::choose(&curve, &options.objective).ok_or(CalibrateError::Empty)?;
        let grid = options
            .grid
            .iter()
            .map(|&t| Metrics::new(t, curve.counts_at(t)))
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

/// Calibrates one group of pairs: `scores[i]` is the similarity of pair `i`, `same[i]` its label.
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
    fn midpoint_sits_inside_the_interval() {
        let c = calibrate(&[0.2, 0.4, 0.8], &[false, true, true], &Options::default()).unwrap();
        assert_eq!(c.best.interval, (Some(0.2), 0.4));
        assert!((c.best.midpoint - 0.3).abs() < 1e-15);
    }
}
