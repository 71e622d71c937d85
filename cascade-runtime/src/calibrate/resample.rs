//! Seeded resampling: the bootstrap confidence interval and k-fold cross-validation.
//!
//! Randomness comes from [`SplitMix64`], written here rather than taken from a crate so that a
//! seed gives the same intervals and folds on every platform and with every dependency version.
//! Both procedures reuse the one sort of [`SortedPairs`]: a resample or a training split is a
//! weight per pair, so each repetition costs O(n), not O(n log n).

use std::fmt;

use serde::Serialize;

use super::{Objective, SortedPairs};

/// The central coverage of a bootstrap interval: a number strictly between 0 and 1 (`0.9` gives
/// the 5th to 95th percentile). At or outside the ends the percentiles would cross or collapse.
///
/// ```
/// use cascade_runtime::calibrate::ConfidenceLevel;
/// let level = ConfidenceLevel::new(0.95)?;
/// assert_eq!(level.get(), 0.95);
/// assert_eq!(ConfidenceLevel::default().get(), 0.9);
/// assert_eq!(
///     ConfidenceLevel::new(-1.0).unwrap_err().to_string(),
///     "confidence level `-1` must be a number strictly between 0 and 1, e.g. `0.9` for the 5th \
///      to 95th percentile"
/// );
/// assert!(ConfidenceLevel::new(f64::NAN).is_err());
/// # Ok::<(), cascade_runtime::calibrate::LevelError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct ConfidenceLevel(f64);

/// The number is not a [`ConfidenceLevel`].
///
/// ```
/// use cascade_runtime::calibrate::{ConfidenceLevel, LevelError};
/// assert_eq!(ConfidenceLevel::new(1.5), Err(LevelError(1.5)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
#[error(
    "confidence level `{0}` must be a number strictly between 0 and 1, e.g. `0.9` for the 5th to 95th percentile"
)]
pub struct LevelError(pub f64);

impl ConfidenceLevel {
    /// Checks `level`: finite and strictly between 0 and 1.
    ///
    /// ```
    /// # use cascade_runtime::calibrate::ConfidenceLevel;
    /// assert!(ConfidenceLevel::new(0.5).is_ok());
    /// assert!(ConfidenceLevel::new(1.0).is_err());
    /// ```
    pub fn new(level: f64) -> Result<ConfidenceLevel, LevelError> {
        if level > 0.0 && level < 1.0 {
            Ok(ConfidenceLevel(level))
        } else {
            Err(LevelError(level))
        }
    }

    /// The number.
    ///
    /// ```
    /// # use cascade_runtime::calibrate::ConfidenceLevel;
    /// assert_eq!(ConfidenceLevel::default().get() * 100.0, 90.0);
    /// ```
    pub fn get(self) -> f64 {
        self.0
    }
}

impl Default for ConfidenceLevel {
    /// 0.9: the 5th to 95th percentile.
    fn default() -> ConfidenceLevel {
        ConfidenceLevel(0.9)
    }
}

impl TryFrom<f64> for ConfidenceLevel {
    type Error = LevelError;
    fn try_from(level: f64) -> Result<ConfidenceLevel, LevelError> {
        ConfidenceLevel::new(level)
    }
}

impl fmt::Display for ConfidenceLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014; the seeding generator of xoshiro): 64 bits of state, a
/// full period of 2^64, and output that passes BigCrush. Enough for resampling, and tiny.
///
/// ```
/// use cascade_runtime::calibrate::SplitMix64;
/// let mut a = SplitMix64::new(7);
/// let mut b = SplitMix64::new(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// assert!(a.below(10) < 10);
/// ```
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform integer in `0..n` (Lemire's multiply-and-reject, unbiased); 0 when `n == 0`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }
}

/// The FNV-1a hash of `text`: derives a per-type seed from the user's seed, so adding or
/// removing a type never changes another type's intervals.
pub fn seed_for(seed: u64, text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h ^ seed
}

/// A bootstrap confidence interval (percentile method).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ConfidenceInterval {
    /// The central coverage, e.g. 0.9 for the 5th to 95th percentile.
    pub level: ConfidenceLevel,
    /// How many resamples were drawn.
    pub resamples: u32,
    /// Interval of the chosen threshold.
    pub threshold: [f64; 2],
    /// Interval of the chosen threshold's precision on each resample.
    pub precision: [f64; 2],
    /// Interval of the chosen threshold's recall on each resample.
    pub recall: [f64; 2],
    /// Interval of the chosen threshold's F1 on each resample.
    pub f1: [f64; 2],
}

/// The `q`-quantile of sorted `values` with linear interpolation between order statistics
/// (NumPy's default `linear` method). `values` is non-empty.
///
/// An interpolated value is rounded to 12 significant digits ([`super::round_significant`],
/// kept between the two order statistics), so `0.95` does not print as `0.9499999999999997`;
/// a value that is an order statistic is returned as is.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let Some(&last) = sorted.last() else {
        return 0.0;
    };
    let pos = q * (sorted.len() - 1) as f64;
    let i = pos.floor() as usize;
    match (sorted.get(i), sorted.get(i + 1)) {
        (Some(&lo), Some(&hi)) => {
            let frac = pos - i as f64;
            if frac == 0.0 || lo == hi {
                lo
            } else {
                super::round_significant(lo + frac * (hi - lo)).clamp(lo, hi)
            }
        }
        _ => last,
    }
}

/// The percentile interval at `level`: lower end first, as `level` lies strictly within 0..1.
fn interval(mut values: Vec<f64>, level: ConfidenceLevel) -> [f64; 2] {
    values.sort_unstable_by(f64::total_cmp);
    let tail = (1.0 - level.get()) / 2.0;
    [quantile(&values, tail), quantile(&values, 1.0 - tail)]
}

/// Draws `resamples` bootstrap samples (n pairs with replacement), runs `objective` on each and
/// returns the percentile interval at `level` of the chosen threshold and of its precision,
/// recall and F1 on that sample. `None` when `sorted` is empty or `resamples == 0`.
///
/// ```
/// use cascade_runtime::calibrate::{bootstrap, ConfidenceLevel, Objective, SortedPairs};
/// let sorted = SortedPairs::new(&[0.9, 0.8, 0.7, 0.6, 0.5], &[true, true, false, true, false])?;
/// let ci = bootstrap(&sorted, &Objective::F1, 100, ConfidenceLevel::default(), 7).unwrap();
/// assert!(ci.threshold[0] <= ci.threshold[1]);
/// # Ok::<(), cascade_runtime::calibrate::CalibrateError>(())
/// ```
pub fn bootstrap(
    sorted: &SortedPairs,
    objective: &Objective,
    resamples: u32,
    level: ConfidenceLevel,
    seed: u64,
) -> Option<ConfidenceInterval> {
    let n = sorted.len();
    if n == 0 || resamples == 0 {
        return None;
    }
    let mut rng = SplitMix64::new(seed);
    let mut weights = vec![0u32; n];
    // Grown as the samples come: a huge `resamples` runs long instead of failing to allocate
    // up front.
    let capacity = (resamples as usize).min(1 << 16);
    let (mut t, mut p, mut r, mut f) = (
        Vec::with_capacity(capacity),
        Vec::with_capacity(capacity),
        Vec::with_capacity(capacity),
        Vec::with_capacity(capacity),
    );
    for _ in 0..resamples {
        weights.fill(0);
        for _ in 0..n {
            weights[rng.below(n as u64) as usize] += 1;
        }
        let curve = sorted
            .weighted_curve(&weights)
            .expect("one weight per sorted pair");
        let (threshold, counts) = objective
            .choose(&curve)
            .and_then(|choice| Some((curve.interval(choice.index)?.1, curve.counts(choice.index)?)))
            .expect("a resample of a non-empty set is non-empty, and a choice indexes its curve");
        t.push(threshold);
        p.push(counts.precision());
        r.push(counts.recall());
        f.push(counts.f1());
    }
    Some(ConfidenceInterval {
        level,
        resamples,
        threshold: interval(t, level),
        precision: interval(p, level),
        recall: interval(r, level),
        f1: interval(f, level),
    })
}

/// The k-fold cross-validated F1 of the whole procedure (choose a threshold with the objective on
/// k−1 folds, measure F1 on the held-out fold).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CrossValidation {
    /// k.
    pub folds: u32,
    /// Mean held-out F1.
    pub f1_mean: f64,
    /// Sample standard deviation (k − 1 in the denominator) of the held-out F1.
    pub f1_sd: f64,
}

/// Stratified k-fold cross-validation: same and different pairs are each shuffled (seeded) and
/// dealt round-robin into `folds` folds, so every fold gets the same share of positives (±1).
/// A held-out fold without positives scores F1 = 0 (`zero_division=0`).
///
/// `None` when `folds < 2` or there are fewer pairs than folds.
pub fn cross_validate(
    sorted: &SortedPairs,
    objective: &Objective,
    folds: u32,
    seed: u64,
) -> Option<CrossValidation> {
    let n = sorted.len();
    let k = folds as usize;
    if folds < 2 || n < k {
        return None;
    }
    let mut rng = SplitMix64::new(seed);
    let mut fold_of = vec![0usize; n];
    for label in [true, false] {
        let mut members: Vec<usize> = sorted
            .pairs()
            .enumerate()
            .filter(|(_, (_, l))| *l == label)
            .map(|(i, _)| i)
            .collect();
        // Fisher–Yates.
        for i in (1..members.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            members.swap(i, j);
        }
        // Continue the round-robin where the positives stopped, so fold sizes differ by ≤ 1.
        let offset = if label {
            0
        } else {
            sorted.positives() as usize
        };
        for (pos, &i) in members.iter().enumerate() {
            fold_of[i] = (pos + offset) % k;
        }
    }
    let mut scores = Vec::with_capacity(k);
    let mut weights = vec![0u32; n];
    for fold in 0..k {
        for (w, &f) in weights.iter_mut().zip(&fold_of) {
            *w = u32::from(f != fold);
        }
        let train = sorted
            .weighted_curve(&weights)
            .expect("one weight per sorted pair");
        let Some(choice) = objective.choose(&train) else {
            // n >= k >= 2 leaves every training split non-empty.
            continue;
        };
        let threshold = train.points()[choice.index].threshold;
        let mut counts = super::Counts::default();
        for ((score, same), &f) in sorted.pairs().zip(&fold_of) {
            if f != fold {
                continue;
            }
            match (score >= threshold, same) {
                (true, true) => counts.tp += 1,
                (true, false) => counts.fp += 1,
                (false, true) => counts.fn_ += 1,
                (false, false) => counts.tn += 1,
            }
        }
        scores.push(counts.f1());
    }
    let m = scores.len() as f64;
    let mean = scores.iter().sum::<f64>() / m;
    let var = scores.iter().map(|s| (s - mean) * (s - mean)).sum::<f64>() / (m - 1.0).max(1.0);
    Some(CrossValidation {
        folds,
        f1_mean: mean,
        f1_sd: var.sqrt(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolated_quantiles_print_cleanly() {
        // 0.9 + 0.45 × (1.0 − 0.9) is 0.945 only up to float noise.
        let values = [0.9, 1.0];
        let raw: f64 = 0.9 + 0.45 * (1.0 - 0.9);
        assert_ne!(raw, 0.945, "the raw interpolation is noisy");
        assert_eq!(quantile(&values, 0.45), 0.945);
        assert_eq!(quantile(&values, 0.45).to_string(), "0.945");
        // Order statistics come back untouched, however long.
        let long = [0.1234567890123456, 0.2];
        assert_eq!(quantile(&long, 0.0), 0.1234567890123456);
        assert_eq!(quantile(&long, 1.0), 0.2);
    }

    #[test]
    fn splitmix_matches_the_reference_sequence() {
        // The first outputs for seed 0 of the reference C implementation (prng.di.unimi.it).
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 7960286522194355700);
        assert_eq!(rng.next_u64(), 487617019471545679);
    }

    #[test]
    fn quantile_interpolates_like_numpy() {
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.0), 1.0);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 1.0), 4.0);
        assert_eq!(quantile(&[5.0], 0.05), 5.0);
    }

    #[test]
    fn bootstrap_is_deterministic_and_brackets_the_estimate() {
        let scores: Vec<f64> = (0..200).map(|i| f64::from(i) / 200.0).collect();
        let labels: Vec<bool> = (0..200).map(|i| (i * 7919) % 200 > 80 + i / 4).collect();
        let sorted = SortedPairs::new(&scores, &labels).unwrap();
        let a = bootstrap(&sorted, &Objective::F1, 200, ConfidenceLevel::default(), 42).unwrap();
        let b = bootstrap(&sorted, &Objective::F1, 200, ConfidenceLevel::default(), 42).unwrap();
        assert_eq!(a, b);
        assert!(a.threshold[0] <= a.threshold[1]);
        assert!(a.f1[0] <= a.f1[1] && a.f1[1] <= 1.0);
        assert_ne!(
            a,
            bootstrap(&sorted, &Objective::F1, 200, ConfidenceLevel::default(), 43).unwrap()
        );
        assert!(bootstrap(&sorted, &Objective::F1, 0, ConfidenceLevel::default(), 42).is_none());
    }

    /// Reviewer: `level: -1.0` gave the reversed interval `[0.9, 0.6]`. A level is a
    /// `ConfidenceLevel` now; every level it admits gives a lower end first.
    #[test]
    fn levels_outside_0_and_1_are_refused_and_the_rest_give_ordered_intervals() {
        for bad in [-1.0, 0.0, 1.0, 1.5, f64::NAN, f64::INFINITY] {
            assert!(ConfidenceLevel::new(bad).is_err(), "{bad}");
        }
        let sorted = SortedPairs::new(&[0.9, 0.8, 0.7, 0.6], &[true, false, true, false]).unwrap();
        for level in [1e-12, 0.5, 0.9, 1.0 - 1e-12] {
            let level = ConfidenceLevel::new(level).unwrap();
            let ci = bootstrap(&sorted, &Objective::F1, 20, level, 3).unwrap();
            for [lo, hi] in [ci.threshold, ci.precision, ci.recall, ci.f1] {
                assert!(lo <= hi, "{level}: [{lo}, {hi}]");
            }
        }
    }

    #[test]
    fn cross_validation_is_deterministic_and_needs_enough_pairs() {
        let scores: Vec<f64> = (0..100).map(|i| f64::from(i) / 100.0).collect();
        let labels: Vec<bool> = (0..100).map(|i| i >= 60).collect();
        let sorted = SortedPairs::new(&scores, &labels).unwrap();
        let cv = cross_validate(&sorted, &Objective::F1, 5, 1).unwrap();
        // Perfectly separable: the training threshold is the lowest training positive, so at most
        // one held-out positive per fold falls just below it.
        assert!(cv.f1_mean > 0.95 && cv.f1_mean < 1.0, "{cv:?}");
        assert!(cv.f1_sd < 0.05, "{cv:?}");
        assert_eq!(cv, cross_validate(&sorted, &Objective::F1, 5, 1).unwrap());
        assert!(cross_validate(&sorted, &Objective::F1, 1, 1).is_none());
        let tiny = SortedPairs::new(&[0.5, 0.6], &[true, false]).unwrap();
        assert!(cross_validate(&tiny, &Objective::F1, 3, 1).is_none());
    }
}
