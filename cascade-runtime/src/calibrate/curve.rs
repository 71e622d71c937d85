//! The exact sweep: sort once, then cumulative counts over distinct scores.
//!
//! Pairs are sorted by score, highest first, and grouped by equal score (`==`, so `-0.0` and
//! `0.0` are one group). Lowering the threshold past a group accepts the whole group: ties go in
//! or out together, exactly as the rule `score >= threshold` does. Each group's score is a
//! candidate threshold, as in scikit-learn's `precision_recall_curve`, so sorting is the only
//! O(n log n) step and every later pass (objectives, grid, resamples) is linear.

use super::{CalibrateError, Counts};

/// Labelled scores sorted by score (highest first) and grouped into distinct scores.
///
/// ```
/// use cascade_runtime::calibrate::SortedPairs;
/// let sorted = SortedPairs::new(&[0.9, 0.4, 0.9, 0.7], &[true, false, false, true]).unwrap();
/// assert_eq!(sorted.len(), 4);
/// assert_eq!(sorted.distinct(), 3);
/// assert_eq!(sorted.positives(), 2);
/// ```
#[derive(Clone, Debug)]
pub struct SortedPairs {
    /// Scores, highest first.
    scores: Vec<f64>,
    /// `labels[i]` belongs to `scores[i]`.
    labels: Vec<bool>,
    /// The number of distinct scores.
    distinct: usize,
    positives: u64,
}

/// Whether sorted position `i` is the last of its group of equal scores.
fn ends_group(scores: &[f64], i: usize) -> bool {
    scores.get(i + 1).is_none_or(|next| *next != scores[i])
}

impl SortedPairs {
    /// Sorts `scores` (each labelled by `labels`: `true` = same entity).
    ///
    /// Errors when the slices differ in length or a score is NaN or infinite. An empty input is
    /// allowed here (it has no thresholds); [`SortedPairs::curve`] then has no points.
    pub fn new(scores: &[f64], labels: &[bool]) -> Result<SortedPairs, CalibrateError> {
        if scores.len() != labels.len() {
            return Err(CalibrateError::LengthMismatch {
                scores: scores.len(),
                labels: labels.len(),
            });
        }
        if let Some(index) = scores.iter().position(|s| !s.is_finite()) {
            return Err(CalibrateError::NonFinite {
                index,
                score: scores[index],
            });
        }
        let (scores, labels) = sort_descending(scores, labels);
        let positives = labels.iter().map(|&l| u64::from(l)).sum();
        let distinct = (0..scores.len())
            .filter(|&i| ends_group(&scores, i))
            .count();
        Ok(SortedPairs {
            scores,
            labels,
            distinct,
            positives,
        })
    }

    /// The number of pairs.
    pub fn len(&self) -> usize {
        self.scores.len()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }

    /// The number of distinct scores (candidate thresholds).
    pub fn distinct(&self) -> usize {
        self.distinct
    }

    /// The number of pairs labelled same.
    pub fn positives(&self) -> u64 {
        self.positives
    }

    /// The sorted scores (highest first) and their labels.
    pub fn pairs(&self) -> impl ExactSizeIterator<Item = (f64, bool)> + '_ {
        self.scores.iter().copied().zip(self.labels.iter().copied())
    }

    /// The precision–recall curve of all pairs: one point per distinct score, highest first.
    pub fn curve(&self) -> Curve {
        let mut points = Vec::with_capacity(self.distinct);
        let (mut tp, mut fp) = (0, 0);
        for (i, &label) in self.labels.iter().enumerate() {
            tp += u64::from(label);
            fp += u64::from(!label);
            if ends_group(&self.scores, i) {
                points.push(CurvePoint {
                    threshold: self.scores[i],
                    tp,
                    fp,
                });
            }
        }
        Curve {
            points,
            positives: self.positives,
            negatives: self.len() as u64 - self.positives,
        }
    }

    /// The curve of a weighted multiset of the pairs: pair `i` (in sorted order, see
    /// [`SortedPairs::pairs`]) counts `weights[i]` times. Distinct scores whose pairs all have
    /// weight 0 are not thresholds of the multiset and are left out. Used by the bootstrap
    /// (weights = how often each pair was drawn) and cross-validation (0 = held out).
    ///
    /// Errors when `weights.len() != self.len()`.
    pub fn weighted_curve(&self, weights: &[u32]) -> Result<Curve, CalibrateError> {
        if weights.len() != self.len() {
            return Err(CalibrateError::LengthMismatch {
                scores: self.len(),
                labels: weights.len(),
            });
        }
        let mut points = Vec::new();
        let (mut tp, mut fp) = (0u64, 0u64);
        let mut weight_in_group = 0u64;
        for (i, (&w, &label)) in weights.iter().zip(&self.labels).enumerate() {
            let w = u64::from(w);
            if label {
                tp += w;
            } else {
                fp += w;
            }
            weight_in_group += w;
            if ends_group(&self.scores, i) {
                if weight_in_group > 0 {
                    points.push(CurvePoint {
                        threshold: self.scores[i],
                        tp,
                        fp,
                    });
                }
                weight_in_group = 0;
            }
        }
        let negatives = fp;
        Ok(Curve {
            points,
            positives: tp,
            negatives,
        })
    }
}

/// Maps a finite f64 to a u64 whose unsigned order is the float's total order.
fn key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

fn unkey(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// Below this many keys a comparison sort beats the radix sort's fixed cost.
const RADIX_MIN: usize = 2048;

/// Bits per radix digit: 6 passes cover 64 bits, and 2^11 counters stay in the L1 cache.
const DIGIT: u32 = 11;
const BUCKETS: usize = 1 << DIGIT;
const PASSES: usize = 64_usize.div_ceil(DIGIT as usize);

/// Sorts `keys` ascending: LSD radix sort in 11-bit digits, skipping passes in which every key
/// has the same digit (the sign and exponent bits of similarity scores rarely differ).
fn radix_sort(keys: &mut Vec<u64>) {
    if keys.len() < RADIX_MIN {
        keys.sort_unstable();
        return;
    }
    let digit = |k: u64, pass: usize| (k >> (pass as u32 * DIGIT)) as usize & (BUCKETS - 1);
    let mut counts = vec![[0usize; BUCKETS]; PASSES];
    for &k in keys.iter() {
        for (pass, c) in counts.iter_mut().enumerate() {
            c[digit(k, pass)] += 1;
        }
    }
    let mut buf = vec![0u64; keys.len()];
    for (pass, c) in counts.iter_mut().enumerate() {
        if c.contains(&keys.len()) {
            continue;
        }
        // Counts become start offsets in place.
        let mut sum = 0;
        for slot in c.iter_mut() {
            let n = *slot;
            *slot = sum;
            sum += n;
        }
        for &k in keys.iter() {
            let d = digit(k, pass);
            buf[c[d]] = k;
            c[d] += 1;
        }
        std::mem::swap(keys, &mut buf);
    }
}

/// Sorts pairs by score, highest first. Same and different pairs are sorted separately as plain
/// integer keys (half the bytes of `(f64, bool)` and no comparator), then merged. Within equal
/// scores the different pairs come first; groups are formed over equal scores, so the order
/// inside a group never matters.
fn sort_descending(scores: &[f64], labels: &[bool]) -> (Vec<f64>, Vec<bool>) {
    let positives = labels.iter().filter(|&&l| l).count();
    let mut pos = Vec::with_capacity(positives);
    let mut neg = Vec::with_capacity(scores.len() - positives);
    for (&s, &l) in scores.iter().zip(labels) {
        if l {
            pos.push(key(s))
        } else {
            neg.push(key(s))
        }
    }
    radix_sort(&mut pos);
    radix_sort(&mut neg);
    let mut out_scores = Vec::with_capacity(scores.len());
    let mut out_labels = Vec::with_capacity(scores.len());
    let (mut p, mut n) = (pos.len(), neg.len());
    while p > 0 && n > 0 {
        if pos[p - 1] > neg[n - 1] {
            p -= 1;
            out_scores.push(unkey(pos[p]));
            out_labels.push(true);
        } else {
            n -= 1;
            out_scores.push(unkey(neg[n]));
            out_labels.push(false);
        }
    }
    for &k in pos[..p].iter().rev() {
        out_scores.push(unkey(k));
        out_labels.push(true);
    }
    for &k in neg[..n].iter().rev() {
        out_scores.push(unkey(k));
        out_labels.push(false);
    }
    (out_scores, out_labels)
}

/// One point of a [`Curve`]: the cumulative counts of pairs scoring `>= threshold`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurvePoint {
    /// An observed score.
    pub threshold: f64,
    /// Same pairs scoring at least `threshold`.
    pub tp: u64,
    /// Different pairs scoring at least `threshold`.
    pub fp: u64,
}

/// Every candidate threshold of a data set with its counts, highest threshold first.
///
/// ```
/// use cascade_runtime::calibrate::SortedPairs;
/// let sorted = SortedPairs::new(&[0.9, 0.4, 0.9, 0.7], &[true, false, false, true]).unwrap();
/// let curve = sorted.curve();
/// let thresholds: Vec<f64> = curve.points().iter().map(|p| p.threshold).collect();
/// assert_eq!(thresholds, [0.9, 0.7, 0.4]);
/// let at = curve.counts_at(0.7);
/// assert_eq!((at.tp, at.fp, at.fn_, at.tn), (2, 1, 0, 1));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    points: Vec<CurvePoint>,
    positives: u64,
    negatives: u64,
}

impl Curve {
    /// The points, highest threshold first.
    pub fn points(&self) -> &[CurvePoint] {
        &self.points
    }

    /// The number of same pairs.
    pub fn positives(&self) -> u64 {
        self.positives
    }

    /// The number of different pairs.
    pub fn negatives(&self) -> u64 {
        self.negatives
    }

    /// The counts of point `i` (an index into [`Curve::points`]); `None` past the last point.
    ///
    /// ```
    /// use cascade_runtime::calibrate::SortedPairs;
    /// let curve = SortedPairs::new(&[0.9, 0.4], &[true, false])?.curve();
    /// assert_eq!(curve.counts(0).map(|c| (c.tp, c.fp, c.fn_, c.tn)), Some((1, 0, 0, 1)));
    /// assert_eq!(curve.counts(2), None);
    /// # Ok::<(), cascade_runtime::calibrate::CalibrateError>(())
    /// ```
    pub fn counts(&self, i: usize) -> Option<Counts> {
        self.points.get(i).map(|p| self.counts_of(p))
    }

    pub(crate) fn counts_of(&self, p: &CurvePoint) -> Counts {
        Counts {
            tp: p.tp,
            fp: p.fp,
            fn_: self.positives - p.tp,
            tn: self.negatives - p.fp,
        }
    }

    /// The counts of the rule `score >= threshold` for any threshold (not only observed ones).
    /// A NaN threshold accepts nothing, as the rule says: no score is `>= NaN`.
    pub fn counts_at(&self, threshold: f64) -> Counts {
        // Points are sorted by decreasing threshold: those `>= threshold` form a prefix, and the
        // last point of the prefix holds the cumulative counts.
        let accepted = self.points.partition_point(|p| p.threshold >= threshold);
        match accepted.checked_sub(1).and_then(|i| self.points.get(i)) {
            Some(p) => self.counts_of(p),
            None => Counts {
                tp: 0,
                fp: 0,
                fn_: self.positives,
                tn: self.negatives,
            },
        }
    }

    /// The optimal interval of point `i`: `(next lower distinct score, threshold]`. Every
    /// threshold in it gives the same counts. The lower end is `None` for the lowest score (every
    /// threshold below it accepts everything too). `None` past the last point.
    ///
    /// ```
    /// use cascade_runtime::calibrate::SortedPairs;
    /// let curve = SortedPairs::new(&[0.9, 0.4], &[true, false])?.curve();
    /// assert_eq!(curve.interval(0), Some((Some(0.4), 0.9)));
    /// assert_eq!(curve.interval(1), Some((None, 0.4)));
    /// assert_eq!(curve.interval(2), None);
    /// # Ok::<(), cascade_runtime::calibrate::CalibrateError>(())
    /// ```
    pub fn interval(&self, i: usize) -> Option<(Option<f64>, f64)> {
        let upper = self.points.get(i)?.threshold;
        Some((self.points.get(i + 1).map(|p| p.threshold), upper))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_go_in_together_and_signed_zeros_are_one_score() {
        let sorted = SortedPairs::new(
            &[0.0, -0.0, 0.5, 0.5, -0.5],
            &[true, false, true, false, true],
        )
        .unwrap();
        let curve = sorted.curve();
        let pts: Vec<(f64, u64, u64)> = curve
            .points()
            .iter()
            .map(|p| (p.threshold, p.tp, p.fp))
            .collect();
        assert_eq!(pts.len(), 3);
        assert_eq!((pts[0].1, pts[0].2), (1, 1));
        assert_eq!((pts[1].1, pts[1].2), (2, 2));
        assert_eq!((pts[2].0, pts[2].1, pts[2].2), (-0.5, 3, 2));
        assert_eq!(curve.interval(0), Some((Some(0.0), 0.5)));
        assert_eq!(curve.interval(2), Some((None, -0.5)));
        assert_eq!((curve.interval(3), curve.counts(3)), (None, None));
    }

    #[test]
    fn radix_sort_orders_floats_like_total_cmp() {
        let mut values: Vec<f64> = (0..5000)
            .map(|i| {
                ((i * 7919 % 5000) as f64 / 2500.0 - 1.0) * if i % 7 == 0 { 1e-300 } else { 1.0 }
            })
            .chain([0.0, -0.0, 1.0, -1.0, f64::MIN_POSITIVE, -f64::MIN_POSITIVE])
            .collect();
        let mut keys: Vec<u64> = values.iter().map(|&v| key(v)).collect();
        radix_sort(&mut keys);
        values.sort_by(f64::total_cmp);
        let back: Vec<u64> = keys.iter().map(|&k| unkey(k).to_bits()).collect();
        let want: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
        assert_eq!(back, want);
    }

    #[test]
    fn counts_at_handles_thresholds_above_and_below_all_scores() {
        let curve = SortedPairs::new(&[0.2, 0.8], &[false, true])
            .unwrap()
            .curve();
        assert_eq!(
            curve.counts_at(0.9),
            Counts {
                tp: 0,
                fp: 0,
                fn_: 1,
                tn: 1
            }
        );
        assert_eq!(
            curve.counts_at(-1.0),
            Counts {
                tp: 1,
                fp: 1,
                fn_: 0,
                tn: 0
            }
        );
        assert_eq!(
            curve.counts_at(0.8),
            Counts {
                tp: 1,
                fp: 0,
                fn_: 0,
                tn: 1
            }
        );
    }

    #[test]
    fn rejects_nan_and_mismatched_lengths() {
        assert!(matches!(
            SortedPairs::new(&[0.1, f64::NAN], &[true, false]),
            Err(CalibrateError::NonFinite { index: 1, .. })
        ));
        assert!(matches!(
            SortedPairs::new(&[0.1], &[true, false]),
            Err(CalibrateError::LengthMismatch { .. })
        ));
    }

    #[test]
    fn weighted_curve_drops_unweighted_scores() {
        let sorted = SortedPairs::new(&[0.9, 0.5, 0.1], &[true, false, true]).unwrap();
        let curve = sorted.weighted_curve(&[2, 0, 1]).unwrap();
        let pts: Vec<(f64, u64, u64)> = curve
            .points()
            .iter()
            .map(|p| (p.threshold, p.tp, p.fp))
            .collect();
        assert_eq!(pts, [(0.9, 2, 0), (0.1, 3, 0)]);
        assert_eq!((curve.positives(), curve.negatives()), (3, 0));
        assert!(sorted.weighted_curve(&[1]).is_err());
    }
}
