//! Adjusting a resolved threshold (DESIGN §5), in this order, each step recorded:
//!
//! 1. **dimension**: embeddings truncated to `d` of `base` dimensions lower similarities, so the
//!    threshold moves down. Without a table, the spike's formula `t − (1 − d/base) × 0.05` (the
//!    default). With a table (`dimensionAdjustment.types[T]`, else `dimensionAdjustment.table`),
//!    `t + (table[d] − reference)`, where `reference` is the table's entry at `base` or 0.80 (the
//!    spike's table was written for a 0.80 base). The spike's own formula and table disagree at
//!    128 of 768 dimensions (0.758 vs 0.72); the formula is the default.
//!    A dimension between two table entries is interpolated linearly between them (`base` counts
//!    as an entry with no change); one below the smallest entry continues from it with the
//!    formula's slope. Table entries are used as measured: the formula never raises a threshold
//!    at fewer dimensions, but a calibrated table may (truncated embeddings can make unrelated
//!    texts look more alike; the shipped example data does this for `Company`), and then the
//!    step says `+`. The result is floored at `minThreshold` (but never raised by the floor).
//! 2. **adaptive**: for targets whose strategy is `adaptive` (see [`crate::config`]), the
//!    candidate-count band's adjustment (`< 10`: −0.10, `> 1000`: +0.05 by default).
//! 3. **clamp**: a value one of the steps above moved is clamped to
//!    `[minThreshold, maxThreshold]` (0.65, 0.95 by default). A threshold nothing moved is never
//!    clamped, and a clamp never moves a value past its unadjusted base: a threshold the user
//!    wrote at 0.50 and loosened to 0.45 ends at 0.50, not at 0.65.
//!
//! Float noise is removed after each step (a result within 1e-9 of a 6-decimal number becomes
//! that number), so `0.82 − 0.10` is `0.72`, not `0.7199999999999999`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Strategy;
use crate::config::{AdaptiveConfig, DimensionAdjustment, SimilarityThresholdConfig};
use crate::resolve::Resolved;

/// Which adjustment a [`Step`] made.
///
/// ```
/// # use cascade_runtime::adjust::StepKind;
/// assert_eq!(serde_json::to_string(&StepKind::Dimension).unwrap(), "\"dimension\"");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// Truncated embeddings.
    Dimension,
    /// Candidate count.
    Adaptive,
    /// Clamp to `[minThreshold, maxThreshold]`.
    Clamp,
}

impl StepKind {
    /// The lowercase name.
    ///
    /// ```
    /// # use cascade_runtime::adjust::StepKind;
    /// assert_eq!(StepKind::Clamp.as_str(), "clamp");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            StepKind::Dimension => "dimension",
            StepKind::Adaptive => "adaptive",
            StepKind::Clamp => "clamp",
        }
    }
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One recorded adjustment: `{"step":"adaptive","from":0.82,"to":0.72,"why":"..."}`.
///
/// ```
/// # use cascade_runtime::adjust::{Step, StepKind};
/// let s = Step { step: StepKind::Clamp, from: 0.6, to: 0.65, why: "below minThreshold".into() };
/// assert!(serde_json::to_string(&s).unwrap().starts_with(r#"{"step":"clamp","from":0.6"#));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Which adjustment.
    pub step: StepKind,
    /// The threshold before.
    pub from: f64,
    /// The threshold after.
    pub to: f64,
    /// Why, for people.
    pub why: String,
}

/// What is known about the search the threshold is applied to.
///
/// ```
/// # use cascade_runtime::adjust::Conditions;
/// let c = Conditions { candidates: Some(5), dimensions: Some(256) };
/// assert_eq!(Conditions::default().candidates, None);
/// # let _ = c;
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conditions {
    /// How many candidates the search holds (drives the adaptive step).
    pub candidates: Option<u64>,
    /// How many dimensions the compared embeddings have (drives the dimension step).
    pub dimensions: Option<u32>,
}

/// A resolved threshold after its adjustments.
///
/// ```
/// # use cascade_runtime::adjust::{adjust, Conditions};
/// # use cascade_runtime::{config::SimilarityThresholdConfig, resolve::Resolved};
/// let a = adjust(&Resolved::builtin("T"), &Conditions::default(), &SimilarityThresholdConfig::default());
/// assert_eq!((a.base, a.value, a.steps.len()), (0.8, 0.8, 0));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Adjusted {
    /// The resolved threshold before any step.
    pub base: f64,
    /// The final threshold.
    pub value: f64,
    /// The steps that moved it, in order (empty when nothing did).
    pub steps: Vec<Step>,
}

/// Applies the dimension, adaptive and clamp steps to `resolved` under `conditions`.
///
/// The dimension step runs when `conditions.dimensions` is set and the config's
/// `dimensionAdjustment` is absent (defaults: enabled, 768 base) or enabled.
///
/// ```
/// use cascade_runtime::adjust::{adjust, Conditions, StepKind};
/// use cascade_runtime::config::SimilarityThresholdConfig;
/// use cascade_runtime::resolve::Resolved;
/// use cascade_runtime::{Strategy, Threshold};
///
/// let mut r = Resolved::builtin("ICP");
/// r.strategy = Strategy::Adaptive;
/// let cfg = SimilarityThresholdConfig::default();
/// let a = adjust(&r, &Conditions { candidates: Some(5), dimensions: None }, &cfg);
/// assert_eq!((a.base, a.value), (0.8, 0.7));
/// assert_eq!(a.steps[0].step, StepKind::Adaptive);
/// ```
pub fn adjust(
    resolved: &Resolved<'_>,
    conditions: &Conditions,
    config: &SimilarityThresholdConfig,
) -> Adjusted {
    let base = resolved.value;
    let (min, max) = config.bounds();
    let mut value = base;
    let mut steps = Vec::new();

    if let Some(d) = conditions.dimensions {
        let default_dims;
        let dims = match &config.dimension_adjustment {
            Some(dims) => dims,
            None => {
                default_dims = DimensionAdjustment::default();
                &default_dims
            }
        };
        if dims.enabled
            && let Some((delta, how)) = dimension_delta(dims, resolved.target, d)
            && delta != 0.0
        {
            let floor = min.min(value);
            let moved = tidy(value + delta);
            let to = moved.max(floor);
            if to != value {
                let mut why = how;
                if to != moved {
                    why.push_str(&format!(", floored at minThreshold {min}"));
                }
                steps.push(Step {
                    step: StepKind::Dimension,
                    from: value,
                    to,
                    why,
                });
                value = to;
            }
        }
    }

    if resolved.strategy == Strategy::Adaptive
        && let Some(n) = conditions.candidates
    {
        let default_adaptive;
        let adaptive = match &config.adaptive {
            Some(a) => a,
            None => {
                default_adaptive = AdaptiveConfig::default();
                &default_adaptive
            }
        };
        if let Some(band) = adaptive.band_for(n)
            && band.adjustment != 0.0
        {
            let to = tidy(value + band.adjustment);
            let verb = if band.adjustment < 0.0 {
                "loosen"
            } else {
                "tighten"
            };
            let why = format!(
                "{n} candidates fall in the band {band}: {verb} by {}",
                round6(band.adjustment.abs())
            );
            if to != value {
                steps.push(Step {
                    step: StepKind::Adaptive,
                    from: value,
                    to,
                    why,
                });
                value = to;
            }
        }
    }

    if !steps.is_empty() {
        let lo = min.min(base);
        let hi = max.max(base);
        let to = value.clamp(lo, hi);
        if to != value {
            let shown = round6(value);
            let why = if value < lo {
                if lo == min {
                    format!("{shown} is below minThreshold {min}")
                } else {
                    format!(
                        "{value} is below the unadjusted {base}, itself below minThreshold {min}"
                    )
                }
            } else if hi == max {
                format!("{shown} is above maxThreshold {max}")
            } else {
                format!("{shown} is above the unadjusted {base}, itself above maxThreshold {max}")
            };
            steps.push(Step {
                step: StepKind::Clamp,
                from: value,
                to,
                why,
            });
            value = to;
        }
    }

    Adjusted { base, value, steps }
}

/// The spike's formula: `(1 − d/base) × 0.05`, as a (non-positive) change.
fn formula(d: f64, base: f64) -> f64 {
    -(1.0 - d / base) * 0.05
}

/// The change at `d` dimensions and how it was found; `None` when `d` is not below the base.
fn dimension_delta(cfg: &DimensionAdjustment, target: &str, d: u32) -> Option<(f64, String)> {
    let base = cfg.base_dimensions;
    if d == 0 || d >= base {
        return None;
    }
    let (table, which) = match cfg.types.get(target) {
        Some(t) if !t.is_empty() => (t, format!("the dimension table of {target}")),
        _ if !cfg.table.is_empty() => (&cfg.table, "the dimension table".to_owned()),
        _ => {
            let delta = formula(f64::from(d), f64::from(base));
            let how = format!(
                "{d} of {base} dimensions: −(1 − {d}/{base}) × 0.05 = {}",
                signed(delta)
            );
            return Some((delta, how));
        }
    };
    let reference = table.get(&base).map_or(0.80, |t| t.get());
    // Entries are used as measured: a calibrated table may rise at fewer dimensions (truncation
    // can make unrelated texts look more alike), and overriding it would discard the data.
    let points: Vec<(u32, f64)> = table
        .range(..base)
        .rev()
        .map(|(&dims, t)| (dims, t.get() - reference))
        .collect();
    let mut above = (base, 0.0f64);
    for &(dims, change) in &points {
        if dims == d {
            let how = format!(
                "{d} of {base} dimensions: {which} gives {} at {d} for {} at {base} ({})",
                round6(reference + change),
                round6(reference),
                signed(change)
            );
            return Some((change, how));
        }
        if dims < d {
            let (hi_d, hi_c) = above;
            let frac = f64::from(d - dims) / f64::from(hi_d - dims);
            let change = change + (hi_c - change) * frac;
            let how = format!(
                "{d} of {base} dimensions: interpolated in {which} between {dims} and {hi_d} ({})",
                signed(change)
            );
            return Some((change, how));
        }
        above = (dims, change);
    }
    // Below the smallest entry: continue with the formula's slope.
    let (lo_d, lo_c) = above;
    let change = lo_c - f64::from(lo_d - d) / f64::from(base) * 0.05;
    let how = format!(
        "{d} of {base} dimensions: below {which}'s smallest entry {lo_d}, continued with the formula's slope ({})",
        signed(change)
    );
    Some((change, how))
}

/// Removes float noise: `x` within 1e-9 of a 6-decimal number becomes that number. Monotone, so
/// it never breaks an ordering the steps guarantee.
pub(crate) fn tidy(x: f64) -> f64 {
    let r = (x * 1e6).round() / 1e6;
    if (r - x).abs() < 1e-9 { r } else { x }
}

/// For messages only.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn signed(x: f64) -> String {
    let x = round6(x);
    if x < 0.0 {
        format!("−{}", -x)
    } else {
        format!("+{x}")
    }
}

#[cfg(test)]
mod tests;
