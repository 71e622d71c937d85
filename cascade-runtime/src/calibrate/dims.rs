//! Thresholds per embedding size: cosines of vector prefixes, and one optimum per prefix.
//!
//! Truncating an embedding to its first `d` components (Matryoshka-style) changes every cosine,
//! so a threshold calibrated at full size does not carry over. These helpers compute the cosine
//! of each prefix in f64 (truncate, then renormalise: `dot / (|a_d| |b_d|)`) and calibrate each
//! size separately; the results feed a `dimensionAdjustment` table.

use serde::Serialize;

use super::{Best, CalibrateError, Metrics, Options, SortedPairs};

/// The cosine of `a` and `b` over their first `d` components for each `d` in `dims`, written to
/// `out` (cleared first) in the order of `dims`. A slot is `None` when either prefix is all zeros
/// (no direction, no cosine). Values are clamped to [-1, 1] against rounding.
///
/// Errors when the vectors differ in length or a `d` is 0 or larger than them.
///
/// ```
/// use cascade_runtime::calibrate::prefix_cosines;
/// let mut out = Vec::new();
/// prefix_cosines(&[1.0, 0.0, 0.0, 1.0], &[1.0, 1.0, 0.0, 0.0], &[4, 2, 1], &mut out).unwrap();
/// assert!((out[0].unwrap() - 0.5).abs() < 1e-15);
/// assert!((out[1].unwrap() - 0.5f64.sqrt()).abs() < 1e-15);
/// assert_eq!(out[2], Some(1.0));
/// ```
pub fn prefix_cosines(
    a: &[f64],
    b: &[f64],
    dims: &[usize],
    out: &mut Vec<Option<f64>>,
) -> Result<(), CalibrateError> {
    if a.len() != b.len() {
        return Err(CalibrateError::VectorLengths {
            a: a.len(),
            b: b.len(),
        });
    }
    out.clear();
    for &d in dims {
        let (Some(pa), Some(pb)) = (a.get(..d), b.get(..d)) else {
            return Err(CalibrateError::Dims {
                dims: d,
                len: a.len(),
            });
        };
        if d == 0 {
            return Err(CalibrateError::Dims {
                dims: d,
                len: a.len(),
            });
        }
        let (mut dot, mut na, mut nb) = (0.0, 0.0, 0.0);
        for (x, y) in pa.iter().zip(pb) {
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        let den = na.sqrt() * nb.sqrt();
        out.push((den > 0.0).then(|| (dot / den).clamp(-1.0, 1.0)));
    }
    Ok(())
}

/// The optimum and grid at one embedding size.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DimCalibration {
    /// The number of leading components used.
    pub dims: usize,
    /// The optimum at that size.
    pub best: Best,
    /// The grid at that size.
    pub grid: Vec<Metrics>,
}

/// Calibrates each `(dims, scores)` column against the same labels (bootstrap and
/// cross-validation are not run per size). Results keep the order of `columns`.
///
/// ```
/// use cascade_runtime::calibrate::{calibrate_dims, Options};
/// let same = [true, false, true];
/// let full = [0.9, 0.5, 0.7];
/// let half = [0.8, 0.6, 0.65];
/// let by_dims = calibrate_dims(&[(384, &full[..]), (192, &half[..])], &same, &Options::default()).unwrap();
/// assert_eq!((by_dims[0].dims, by_dims[0].best.threshold), (384, 0.7));
/// assert_eq!((by_dims[1].dims, by_dims[1].best.threshold), (192, 0.65));
/// ```
pub fn calibrate_dims(
    columns: &[(usize, &[f64])],
    same: &[bool],
    options: &Options,
) -> Result<Vec<DimCalibration>, CalibrateError> {
    columns
        .iter()
        .map(|&(dims, scores)| {
            let curve = SortedPairs::new(scores, same)?.curve();
            let best = Best::choose(&curve, &options.objective).ok_or(CalibrateError::Empty)?;
            let grid = options
                .grid
                .iter()
                .map(|t| Metrics::new(t.get(), curve.counts_at(t.get())))
                .collect();
            Ok(DimCalibration { dims, best, grid })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_prefixes_have_no_cosine_and_bad_dims_are_errors() {
        let mut out = Vec::new();
        prefix_cosines(&[0.0, 1.0], &[1.0, 1.0], &[1, 2], &mut out).unwrap();
        assert_eq!(out[0], None);
        assert!(out[1].is_some());
        assert_eq!(
            prefix_cosines(&[1.0], &[1.0], &[2], &mut out),
            Err(CalibrateError::Dims { dims: 2, len: 1 })
        );
        assert!(prefix_cosines(&[1.0], &[1.0], &[0], &mut out).is_err());
        assert!(prefix_cosines(&[1.0], &[1.0, 0.0], &[1], &mut out).is_err());
    }
}
