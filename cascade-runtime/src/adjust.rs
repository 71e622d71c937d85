//! Adjusting a resolved threshold (DESIGN §5), in this order, each step recorded:
//!
//! 1. **dimension**: embeddings truncated to `d` of `base` dimensions lower similarities, so the
//!    threshold moves down. Without a table, the spike's formula `t − (1 − d/base) × 0.05` (the
//!    default), floored at `minThreshold`: the formula never takes a threshold below the floor,
//!    and a threshold already at or below the floor is held where it is (the floor never raises
//!    it). With a table (`dimensionAdjustment.types[T]`, else `dimensionAdjustment.table`), the
//!    table is measured data and is applied as measured: `table[d] + (t − reference)`, where
//!    `reference` is the table's entry at `base` or 0.80 (the spike's table was written for a
//!    0.80 base), kept within `0..=1` and nothing else. So a calibrated config (whose type
//!    threshold is the table's entry at `base`) gives exactly the calibrated value at `d`. The
//!    spike's own formula and table disagree at 128 of 768 dimensions (0.758 vs 0.72); the
//!    formula is the default.
//!    A dimension between two table entries is interpolated linearly between them (`base` counts
//!    as an entry at `reference`); one below the smallest entry continues from it with the
//!    formula's slope. A calibrated table may raise a threshold at fewer dimensions (truncated
//!    embeddings can make unrelated texts look more alike; the shipped example data does this
//!    for `Company`), and then the step says `+`. Whenever `d < base` and the adjustment is
//!    enabled, the step is recorded, even when it changes nothing (its `why` says why).
//! 2. **adaptive**: for targets whose strategy is `adaptive` (see [`crate::config`]), the
//!    candidate-count band's adjustment (`< 10`: −0.10, `> 1000`: +0.05 by default).
//! 3. **clamp**: a value one of the steps above moved is clamped to
//!    `[minThreshold, maxThreshold]` (0.65, 0.95 by default). A threshold nothing moved is never
//!    clamped, and a clamp never moves a value past its unadjusted base, or past the value a
//!    dimension table gave: a threshold the user wrote at 0.50 and loosened to 0.45 ends at 0.50,
//!    not at 0.65.
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
    /// The steps, in order: each one that moved it, and a dimension step that ran but was held
    /// (empty when no step ran).
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

    // What the clamp may not move a value past: the written threshold, or the value a measured
    // table gave (data, like a written threshold, is never moved silently).
    let mut anchor = (base, "the unadjusted".to_owned());
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
            && let Some(found) = dimension_change(dims, resolved.target, d)
        {
            let (to, why) = match found {
                DimensionChange::Formula { change, mut how } => {
                    let moved = shift(value, change);
                    let to = if moved >= min {
                        moved
                    } else if value > min {
                        how.push_str(&format!(", floored at minThreshold {min}"));
                        min
                    } else {
                        how.push_str(&format!(
                            ", which would give {}; held at {value}: it is already at or below \
                             minThreshold {min}, where the formula stops (the floor never raises \
                             a threshold)",
                            round6(moved)
                        ));
                        value
                    };
                    (to, how)
                }
                DimensionChange::Table {
                    measured,
                    reference,
                    mut how,
                } => {
                    // `t + (measured − reference)`: exactly the measured value when the resolved
                    // threshold is the table's reference (a calibrated config), and exactly `t`
                    // when the table measured no change.
                    let moved = if value == reference {
                        measured
                    } else {
                        shift(value, measured - reference)
                    };
                    let to = moved.clamp(0.0, 1.0);
                    if to != moved {
                        how.push_str(&format!(", kept within 0..=1 (from {})", round6(moved)));
                    }
                    anchor = (to, format!("the table's {d}-dimension"));
                    (to, how)
                }
            };
            steps.push(Step {
                step: StepKind::Dimension,
                from: value,
                to,
                why,
            });
            value = to;
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
            let to = shift(value, band.adjustment);
            let verb = if band.adjustment < 0.0 {
                "loosen"
            } else {
                "tighten"
            };
            let why = format!(
                "{n} {} in the band {band}: {verb} by {}",
                if n == 1 {
                    "candidate falls"
                } else {
                    "candidates fall"
                },
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
        let (anchor, anchor_name) = anchor;
        let lo = min.min(anchor);
        let hi = max.max(anchor);
        let to = value.clamp(lo, hi);
        if to != value {
            let shown = round6(value);
            let why = if value < lo {
                if lo == min {
                    format!("{shown} is below minThreshold {min}")
                } else {
                    format!(
                        "{shown} is below {anchor_name} {anchor}, itself below minThreshold {min}"
                    )
                }
            } else if hi == max {
                format!("{shown} is above maxThreshold {max}")
            } else {
                format!("{shown} is above {anchor_name} {anchor}, itself above maxThreshold {max}")
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

/// What the dimension step found.
enum DimensionChange {
    /// The spike's formula: a (negative) change, floored at `minThreshold`.
    Formula { change: f64, how: String },
    /// A table: the value it gives at `d` for its `reference` (its entry at the base, else 0.80).
    Table {
        measured: f64,
        reference: f64,
        how: String,
    },
}

/// The change at `d` dimensions and how it was found; `None` when `d` is not below the base.
fn dimension_change(cfg: &DimensionAdjustment, target: &str, d: u32) -> Option<DimensionChange> {
    let base = cfg.base_dimensions;
    if d == 0 || d >= base {
        return None;
    }
    let (table, which) = match cfg.types.get(target) {
        Some(t) if !t.is_empty() => (t, format!("the dimension table of {target}")),
        _ if !cfg.table.is_empty() => (&cfg.table, "the dimension table".to_owned()),
        _ => {
            let change = formula(f64::from(d), f64::from(base));
            let how = format!(
                "{d} of {base} dimensions: −(1 − {d}/{base}) × 0.05 = {}",
                signed(change)
            );
            return Some(DimensionChange::Formula { change, how });
        }
    };
    let reference = table.get(&base).map_or(0.80, |t| t.get());
    let table_change = |measured: f64, how: String| DimensionChange::Table {
        measured,
        reference,
        how,
    };
    // Entries are used as measured: a calibrated table may rise at fewer dimensions (truncation
    // can make unrelated texts look more alike), and overriding it would discard the data.
    let mut above = (base, reference);
    for (&dims, t) in table.range(..base).rev() {
        let measured = t.get();
        if dims == d {
            let how = format!(
                "{d} of {base} dimensions: {which} gives {} at {d} for {} at {base} ({})",
                round6(measured),
                round6(reference),
                signed(measured - reference)
            );
            return Some(table_change(measured, how));
        }
        if dims < d {
            let (hi_d, hi_t) = above;
            let frac = f64::from(d - dims) / f64::from(hi_d - dims);
            let measured = tidy(measured + (hi_t - measured) * frac);
            let how = format!(
                "{d} of {base} dimensions: interpolated in {which} between {dims} and {hi_d} ({})",
                signed(measured - reference)
            );
            return Some(table_change(measured, how));
        }
        above = (dims, measured);
    }
    // Below the smallest entry: continue with the formula's slope.
    let (lo_d, lo_t) = above;
    let measured = tidy(lo_t - f64::from(lo_d - d) / f64::from(base) * 0.05);
    let how = format!(
        "{d} of {base} dimensions: below {which}'s smallest entry {lo_d}, continued with the formula's slope ({})",
        signed(measured - reference)
    );
    Some(table_change(measured, how))
}

/// Removes float noise: `x` within 1e-9 of a 6-decimal number becomes that number. Monotone, so
/// it never breaks an ordering the steps guarantee.
pub(crate) fn tidy(x: f64) -> f64 {
    let r = (x * 1e6).round() / 1e6;
    if (r - x).abs() < 1e-9 { r } else { x }
}

/// `value + change` with float noise removed ([`tidy`]), never moved against the change's sign:
/// a change of zero keeps `value` exactly, and rounding never turns a step down into a step up.
fn shift(value: f64, change: f64) -> f64 {
    let moved = tidy(value + change);
    if change < 0.0 {
        moved.min(value)
    } else if change > 0.0 {
        moved.max(value)
    } else {
        value
    }
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
