//! Tuning a threshold from user feedback on matches (DESIGN §5).
//!
//! A wrong match with no suggestion is a *false positive* (the threshold let a wrong entity
//! through); a wrong match with a suggestion is a *false negative* (the right entity was missed,
//! so the threshold was too strict). The spike compared the suggestion with `=== null` while an
//! absent one was `undefined`, so every wrong match counted as a false negative and its threshold
//! only ever went down; here the suggestion is an [`Option`] and both directions move.
//!
//! Rule, once at least `min_sample` feedback items are in: false-positive rate > `max_error_rate`
//! → `+step`, else false-negative rate > `max_error_rate` → `−step`; the result stays within
//! `[min, max]` (never pushed further out than it already was). Every evaluation that moves the
//! threshold is written to an audit log with the old and new value, the reason and the counts.
//!
//! Invalid inputs cannot reach the arithmetic: the threshold is a [`Threshold`], the bounds a
//! [`Bounds`] (two thresholds, `min <= max`), and settings built by hand are checked
//! ([`FeedbackSettings::validate`]) before they are used, so a NaN, a reversed pair of bounds or a
//! step of `inf` is an error up front, never a NaN threshold or a panic later.

use serde::{Deserialize, Serialize};

use crate::{Threshold, ThresholdError};

/// One piece of feedback on a match.
///
/// Deserializes from the spike's camelCase (`matchId`, `suggestedMatch`) or snake_case.
///
/// ```
/// # use cascade_runtime::feedback::MatchFeedback;
/// let f: MatchFeedback = serde_json::from_str(
///     r#"{"matchId":"m1","correct":false,"suggestedMatch":"icp-7","similarity":0.79}"#).unwrap();
/// assert!(f.is_false_negative());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchFeedback {
    /// The match this is about.
    #[serde(alias = "matchId")]
    pub match_id: String,
    /// Whether the match was right.
    pub correct: bool,
    /// For a wrong match: the entity it should have matched, if any.
    #[serde(default, alias = "suggestedMatch")]
    pub suggested_match: Option<String>,
    /// The similarity of the match that was made (for a false negative: of the suggested
    /// entity, when known).
    #[serde(default)]
    pub similarity: Option<f64>,
}

impl MatchFeedback {
    /// Wrong, with no suggestion: the threshold accepted something it should not have.
    ///
    /// ```
    /// # use cascade_runtime::feedback::MatchFeedback;
    /// let f = MatchFeedback { match_id: "m".into(), correct: false, suggested_match: None, similarity: None };
    /// assert!(f.is_false_positive() && !f.is_false_negative());
    /// ```
    pub fn is_false_positive(&self) -> bool {
        !self.correct && self.suggested_match.is_none()
    }

    /// Wrong, with a suggestion: the threshold missed the right entity.
    ///
    /// ```
    /// # use cascade_runtime::feedback::MatchFeedback;
    /// let f = MatchFeedback { match_id: "m".into(), correct: false,
    ///                         suggested_match: Some("e2".into()), similarity: None };
    /// assert!(f.is_false_negative());
    /// ```
    pub fn is_false_negative(&self) -> bool {
        !self.correct && self.suggested_match.is_some()
    }

    /// This feedback as a labelled score for calibration, `(similarity, same)`: a correct match
    /// and a false negative's suggested entity are the same entity, a false positive is not.
    /// `None` without a finite similarity.
    ///
    /// ```
    /// # use cascade_runtime::feedback::MatchFeedback;
    /// let f = MatchFeedback { match_id: "m".into(), correct: true, suggested_match: None, similarity: Some(0.9) };
    /// assert_eq!(f.labelled(), Some((0.9, true)));
    /// ```
    pub fn labelled(&self) -> Option<(f64, bool)> {
        let s = self.similarity.filter(|s| s.is_finite())?;
        Some((s, !self.is_false_positive()))
    }
}

/// How feedback moves a threshold (config section `feedback`).
///
/// ```
/// # use cascade_runtime::feedback::FeedbackSettings;
/// let s = FeedbackSettings::default();
/// assert_eq!((s.min_sample, s.step, s.max_error_rate), (20, 0.02, 0.1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeedbackSettings {
    /// No change before this many feedback items (default 20).
    #[serde(default = "default_min_sample")]
    pub min_sample: usize,
    /// How far one evaluation moves the threshold (default 0.02).
    #[serde(default = "default_step")]
    pub step: f64,
    /// An error rate above this moves the threshold (default 0.1).
    #[serde(default = "default_rate")]
    pub max_error_rate: f64,
}

fn default_min_sample() -> usize {
    20
}
fn default_step() -> f64 {
    0.02
}
fn default_rate() -> f64 {
    0.1
}

impl Default for FeedbackSettings {
    fn default() -> Self {
        FeedbackSettings {
            min_sample: default_min_sample(),
            step: default_step(),
            max_error_rate: default_rate(),
        }
    }
}

impl FeedbackSettings {
    /// Checked settings: `min_sample` at least 1, `step` within `0.0 (exclusive) ..= 1.0`,
    /// `max_error_rate` within `0.0..=1.0` (every problem is reported at once).
    ///
    /// ```
    /// # use cascade_runtime::feedback::FeedbackSettings;
    /// let s = FeedbackSettings::new(50, 0.01, 0.05)?;
    /// assert_eq!(s.step, 0.01);
    /// let e = FeedbackSettings::new(0, f64::NAN, 0.1).unwrap_err();
    /// assert_eq!(
    ///     e.to_string(),
    ///     "invalid feedback settings: `minSample`: must be at least 1; `step`: step `NaN` must be \
    ///      within 0.0 (exclusive) ..= 1.0 (the defaults are minSample 20, step 0.02, maxErrorRate 0.1)"
    /// );
    /// # Ok::<(), cascade_runtime::feedback::FeedbackSettingsError>(())
    /// ```
    pub fn new(
        min_sample: usize,
        step: f64,
        max_error_rate: f64,
    ) -> Result<FeedbackSettings, FeedbackSettingsError> {
        let settings = FeedbackSettings {
            min_sample,
            step,
            max_error_rate,
        };
        settings.validate()?;
        Ok(settings)
    }

    /// Checks settings built as a struct literal (the fields are public so a config can hold
    /// them): the same rules as [`FeedbackSettings::new`]. [`decide`] and [`FeedbackTuner::new`]
    /// call it, so unchecked settings never move a threshold.
    ///
    /// ```
    /// # use cascade_runtime::feedback::FeedbackSettings;
    /// assert!(FeedbackSettings::default().validate().is_ok());
    /// let bad = FeedbackSettings { step: -0.02, ..FeedbackSettings::default() };
    /// assert!(bad.validate().unwrap_err().to_string().contains("`step`: step `-0.02`"));
    /// ```
    pub fn validate(&self) -> Result<(), FeedbackSettingsError> {
        let problems = self.problems();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(FeedbackSettingsError { problems })
        }
    }

    pub(crate) fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.min_sample == 0 {
            out.push(("minSample", "must be at least 1".to_owned()));
        }
        if !self.step.is_finite() || self.step <= 0.0 || self.step > 1.0 {
            out.push((
                "step",
                format!(
                    "step `{}` must be within 0.0 (exclusive) ..= 1.0",
                    self.step
                ),
            ));
        }
        if !self.max_error_rate.is_finite() || !(0.0..=1.0).contains(&self.max_error_rate) {
            out.push((
                "maxErrorRate",
                format!("rate `{}` must be within 0.0..=1.0", self.max_error_rate),
            ));
        }
        out
    }
}

/// Why [`FeedbackSettings`] cannot move a threshold: every problem, each with its config key.
///
/// ```
/// # use cascade_runtime::feedback::FeedbackSettings;
/// let e = FeedbackSettings::new(20, 0.02, 1.5).unwrap_err();
/// assert_eq!(e.problems()[0].0, "maxErrorRate");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid feedback settings: {} (the defaults are minSample 20, step 0.02, maxErrorRate 0.1)",
    crate::config::render_key_problems(problems)
)]
pub struct FeedbackSettingsError {
    problems: Vec<(&'static str, String)>,
}

impl FeedbackSettingsError {
    /// Each problem as `(config key, message)`, e.g. `("step", "step `NaN` must be ...")`.
    ///
    /// ```
    /// # use cascade_runtime::feedback::FeedbackSettings;
    /// assert_eq!(FeedbackSettings::new(0, 0.02, 0.1).unwrap_err().problems().len(), 1);
    /// ```
    pub fn problems(&self) -> &[(&'static str, String)] {
        &self.problems
    }
}

/// The range feedback keeps a threshold in: `min <= max`, both valid thresholds.
///
/// The default is the runtime's clamp range, 0.65..=0.95 (`adaptive.minThreshold`/`maxThreshold`);
/// a config's own is `config.bounds().try_into()`.
///
/// ```
/// use cascade_runtime::feedback::{Bounds, BoundsError};
/// use cascade_runtime::Threshold;
/// let b = Bounds::new(Threshold::new(0.6)?, Threshold::new(0.9)?)?;
/// assert_eq!((b.min().get(), b.max().get()), (0.6, 0.9));
/// assert_eq!(Bounds::try_from((0.65, 0.95))?, Bounds::default());
/// assert!(matches!(Bounds::try_from((0.95, 0.65)), Err(BoundsError::Reversed { .. })));
/// assert!(matches!(Bounds::try_from((f64::NAN, 0.95)), Err(BoundsError::Min(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    min: Threshold,
    max: Threshold,
}

/// Why a pair of numbers is not [`Bounds`].
///
/// ```
/// use cascade_runtime::feedback::{Bounds, BoundsError};
/// let e = Bounds::try_from((f64::NAN, 0.95)).unwrap_err();
/// assert!(matches!(e, BoundsError::Min(_)));
/// assert_eq!(e.to_string(), "lower bound (min) of the feedback bounds: threshold `NaN` is not a finite number");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum BoundsError {
    /// The lower bound is not a threshold.
    #[error("lower bound (min) of the feedback bounds: {0}")]
    Min(ThresholdError),
    /// The upper bound is not a threshold.
    #[error("upper bound (max) of the feedback bounds: {0}")]
    Max(ThresholdError),
    /// `min > max`.
    #[error(
        "feedback bounds ({min}, {max}) are reversed: min must not exceed max; write ({max}, {min})"
    )]
    Reversed {
        /// The given lower bound.
        min: Threshold,
        /// The given upper bound.
        max: Threshold,
    },
}

impl Bounds {
    /// The bounds `min..=max`; an error when `min > max`.
    ///
    /// ```
    /// # use cascade_runtime::{feedback::Bounds, Threshold};
    /// let e = Bounds::new(Threshold::new(0.9)?, Threshold::new(0.6)?).unwrap_err();
    /// assert_eq!(
    ///     e.to_string(),
    ///     "feedback bounds (0.9, 0.6) are reversed: min must not exceed max; write (0.6, 0.9)"
    /// );
    /// # Ok::<(), cascade_runtime::ThresholdError>(())
    /// ```
    pub fn new(min: Threshold, max: Threshold) -> Result<Bounds, BoundsError> {
        if min > max {
            Err(BoundsError::Reversed { min, max })
        } else {
            Ok(Bounds { min, max })
        }
    }

    /// The lower bound.
    ///
    /// ```
    /// # use cascade_runtime::feedback::Bounds;
    /// assert_eq!(Bounds::default().min().get(), 0.65);
    /// ```
    pub fn min(self) -> Threshold {
        self.min
    }

    /// The upper bound.
    ///
    /// ```
    /// # use cascade_runtime::feedback::Bounds;
    /// assert_eq!(Bounds::default().max().get(), 0.95);
    /// ```
    pub fn max(self) -> Threshold {
        self.max
    }

    /// Whether `t` lies within `min..=max`.
    ///
    /// ```
    /// # use cascade_runtime::{feedback::Bounds, Threshold};
    /// assert!(Bounds::default().contains(Threshold::BUILTIN));
    /// assert!(!Bounds::default().contains(Threshold::MAX));
    /// ```
    pub fn contains(self, t: Threshold) -> bool {
        self.min <= t && t <= self.max
    }
}

impl Default for Bounds {
    fn default() -> Bounds {
        Bounds {
            min: Threshold::new_const(0.65),
            max: Threshold::new_const(0.95),
        }
    }
}

impl TryFrom<(f64, f64)> for Bounds {
    type Error = BoundsError;

    /// Checks `(min, max)`: each a threshold, `min <= max`.
    fn try_from((min, max): (f64, f64)) -> Result<Bounds, BoundsError> {
        let min = Threshold::new(min).map_err(BoundsError::Min)?;
        let max = Threshold::new(max).map_err(BoundsError::Max)?;
        Bounds::new(min, max)
    }
}

/// Counts of one evaluated batch of feedback.
///
/// ```
/// # use cascade_runtime::feedback::FeedbackCounts;
/// assert_eq!(FeedbackCounts::default().total, 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackCounts {
    /// All items.
    pub total: usize,
    /// Correct matches.
    pub correct: usize,
    /// Wrong matches without a suggestion.
    pub false_positives: usize,
    /// Wrong matches with a suggestion.
    pub false_negatives: usize,
}

impl FeedbackCounts {
    /// Counts `items`.
    ///
    /// ```
    /// # use cascade_runtime::feedback::{FeedbackCounts, MatchFeedback};
    /// let ok = MatchFeedback { match_id: "a".into(), correct: true, suggested_match: None, similarity: None };
    /// assert_eq!(FeedbackCounts::of(&[ok]).correct, 1);
    /// ```
    pub fn of(items: &[MatchFeedback]) -> FeedbackCounts {
        let mut c = FeedbackCounts::default();
        for f in items {
            c.add(f);
        }
        c
    }

    fn add(&mut self, f: &MatchFeedback) {
        self.total += 1;
        if f.correct {
            self.correct += 1;
        } else if f.suggested_match.is_some() {
            self.false_negatives += 1;
        } else {
            self.false_positives += 1;
        }
    }

    fn rate(&self, n: usize) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            n as f64 / self.total as f64
        }
    }
}

/// One change of a threshold, kept for audit.
///
/// ```
/// # use cascade_runtime::feedback::{decide, Bounds, FeedbackSettings, MatchFeedback};
/// # use cascade_runtime::Threshold;
/// let fp = MatchFeedback { match_id: "m".into(), correct: false, suggested_match: None, similarity: None };
/// let t = Threshold::new(0.8)?;
/// let record = decide(t, &vec![fp; 20], &FeedbackSettings::default(), Bounds::default())?
///     .expect("20 false positives tighten");
/// assert_eq!((record.old.get(), record.new.get(), record.counts.false_positives), (0.8, 0.82, 20));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// The threshold before.
    pub old: Threshold,
    /// The threshold after.
    pub new: Threshold,
    /// Why it moved, for people.
    pub why: String,
    /// The counts that triggered it.
    pub counts: FeedbackCounts,
}

/// The decision for one batch of feedback: the new threshold and why, or `None` when it stays.
///
/// `settings` built by hand are checked first ([`FeedbackSettings::validate`]): invalid ones are
/// an error, whatever the batch.
///
/// ```
/// # use cascade_runtime::feedback::{decide, Bounds, FeedbackSettings, MatchFeedback};
/// # use cascade_runtime::Threshold;
/// let fp = MatchFeedback { match_id: "m".into(), correct: false, suggested_match: None, similarity: None };
/// let batch = vec![fp; 20];
/// let settings = FeedbackSettings::default();
/// let change = decide(Threshold::new(0.80)?, &batch, &settings, Bounds::default())?;
/// assert_eq!(change.map(|c| c.new.get()), Some(0.82));
/// // Already at the upper bound: it stays.
/// assert_eq!(decide(Threshold::new(0.95)?, &batch, &settings, Bounds::default())?, None);
/// // A step of NaN is refused, not turned into a NaN threshold.
/// let nan = FeedbackSettings { step: f64::NAN, ..settings };
/// assert!(decide(Threshold::new(0.80)?, &batch, &nan, Bounds::default()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decide(
    threshold: Threshold,
    items: &[MatchFeedback],
    settings: &FeedbackSettings,
    bounds: Bounds,
) -> Result<Option<AuditRecord>, FeedbackSettingsError> {
    settings.validate()?;
    Ok(evaluate(threshold, items, settings, bounds))
}

/// [`decide`] for settings already validated.
fn evaluate(
    threshold: Threshold,
    items: &[MatchFeedback],
    settings: &FeedbackSettings,
    bounds: Bounds,
) -> Option<AuditRecord> {
    let counts = FeedbackCounts::of(items);
    if counts.total < settings.min_sample {
        return None;
    }
    let fp = counts.rate(counts.false_positives);
    let fn_ = counts.rate(counts.false_negatives);
    let t = threshold.get();
    let (target, why) = if fp > settings.max_error_rate {
        (
            t + settings.step,
            format!(
                "{} of {} matches were wrong with no better entity (false-positive rate {:.3} > {}): tighten by {}",
                counts.false_positives, counts.total, fp, settings.max_error_rate, settings.step
            ),
        )
    } else if fn_ > settings.max_error_rate {
        (
            t - settings.step,
            format!(
                "{} of {} matches missed the right entity (false-negative rate {:.3} > {}): loosen by {}",
                counts.false_negatives, counts.total, fn_, settings.max_error_rate, settings.step
            ),
        )
    } else {
        return None;
    };
    // Stay within the bounds, but never push a threshold that already lies outside them further
    // out. `lo <= hi` (bounds are ordered) and both lie in 0..=1, and `target` is finite (a
    // validated step is), so the clamp neither panics nor leaves 0..=1.
    let lo = bounds.min.get().min(t);
    let hi = bounds.max.get().max(t);
    let rounded = round6(target);
    let Ok(new) = Threshold::new(rounded.clamp(lo, hi)) else {
        return None;
    };
    if new == threshold {
        return None;
    }
    let why = if new.get() != rounded {
        format!("{why}, held at the bound {new}")
    } else {
        why
    };
    Some(AuditRecord {
        old: threshold,
        new,
        why,
        counts,
    })
}

/// Rounds to 6 decimals so `0.80 + 0.02` is `0.82`, not `0.8200000000000001`.
pub(crate) fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Collects feedback for one threshold and moves it batch by batch, keeping an audit log.
///
/// ```
/// # use cascade_runtime::feedback::{Bounds, FeedbackSettings, FeedbackTuner, MatchFeedback};
/// # use cascade_runtime::Threshold;
/// let mut tuner = FeedbackTuner::new(Threshold::new(0.80)?, FeedbackSettings::default(), Bounds::default())?;
/// let missed = MatchFeedback { match_id: "m".into(), correct: false,
///                              suggested_match: Some("e".into()), similarity: Some(0.77) };
/// for _ in 0..20 {
///     tuner.record(missed.clone());
/// }
/// assert_eq!(tuner.threshold().get(), 0.78);
/// assert_eq!(tuner.audit().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct FeedbackTuner {
    threshold: Threshold,
    /// Validated in [`FeedbackTuner::new`] and private, so it stays valid.
    settings: FeedbackSettings,
    bounds: Bounds,
    pending: Vec<MatchFeedback>,
    audit: Vec<AuditRecord>,
}

impl FeedbackTuner {
    /// A tuner starting at `threshold`, keeping it within `bounds`; an error when `settings` are
    /// invalid ([`FeedbackSettings::validate`]).
    ///
    /// A starting threshold outside `bounds` is allowed (a threshold the user wrote is never
    /// moved silently): feedback moves it toward the bounds, never further out.
    ///
    /// ```
    /// # use cascade_runtime::feedback::{Bounds, FeedbackSettings, FeedbackTuner};
    /// # use cascade_runtime::Threshold;
    /// let t = FeedbackTuner::new(Threshold::new(0.8)?, FeedbackSettings::default(), Bounds::default())?;
    /// assert_eq!(t.threshold().get(), 0.8);
    /// let zero = FeedbackSettings { min_sample: 0, ..FeedbackSettings::default() };
    /// assert!(FeedbackTuner::new(Threshold::new(0.8)?, zero, Bounds::default()).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        threshold: Threshold,
        settings: FeedbackSettings,
        bounds: Bounds,
    ) -> Result<FeedbackTuner, FeedbackSettingsError> {
        settings.validate()?;
        Ok(FeedbackTuner {
            threshold,
            settings,
            bounds,
            pending: Vec::new(),
            audit: Vec::new(),
        })
    }

    /// Adds one item; once `min_sample` items are pending they are evaluated as one batch
    /// (and cleared) and the change, if any, is returned and logged.
    ///
    /// ```
    /// # use cascade_runtime::feedback::{Bounds, FeedbackSettings, FeedbackTuner, MatchFeedback};
    /// # use cascade_runtime::Threshold;
    /// let mut t = FeedbackTuner::new(Threshold::BUILTIN, FeedbackSettings::default(), Bounds::default())?;
    /// let ok = MatchFeedback { match_id: "m".into(), correct: true, suggested_match: None, similarity: None };
    /// assert!(t.record(ok).is_none());
    /// # Ok::<(), cascade_runtime::feedback::FeedbackSettingsError>(())
    /// ```
    pub fn record(&mut self, item: MatchFeedback) -> Option<&AuditRecord> {
        self.pending.push(item);
        if self.pending.len() < self.settings.min_sample {
            return None;
        }
        let batch = std::mem::take(&mut self.pending);
        let change = evaluate(self.threshold, &batch, &self.settings, self.bounds)?;
        self.threshold = change.new;
        self.audit.push(change);
        self.audit.last()
    }

    /// The current threshold.
    ///
    /// ```
    /// # use cascade_runtime::feedback::{Bounds, FeedbackSettings, FeedbackTuner};
    /// # use cascade_runtime::Threshold;
    /// let t = FeedbackTuner::new(Threshold::new(0.7)?, FeedbackSettings::default(), Bounds::default())?;
    /// assert_eq!(t.threshold().get(), 0.7);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn threshold(&self) -> Threshold {
        self.threshold
    }

    /// The bounds it keeps the threshold in.
    ///
    /// ```
    /// # use cascade_runtime::feedback::{Bounds, FeedbackSettings, FeedbackTuner};
    /// # use cascade_runtime::Threshold;
    /// let t = FeedbackTuner::new(Threshold::BUILTIN, FeedbackSettings::default(), Bounds::default())?;
    /// assert_eq!(t.bounds(), Bounds::default());
    /// # Ok::<(), cascade_runtime::feedback::FeedbackSettingsError>(())
    /// ```
    pub fn bounds(&self) -> Bounds {
        self.bounds
    }

    /// Every change so far, oldest first.
    ///
    /// ```
    /// # use cascade_runtime::feedback::{Bounds, FeedbackSettings, FeedbackTuner};
    /// # use cascade_runtime::Threshold;
    /// let t = FeedbackTuner::new(Threshold::BUILTIN, FeedbackSettings::default(), Bounds::default())?;
    /// assert!(t.audit().is_empty());
    /// # Ok::<(), cascade_runtime::feedback::FeedbackSettingsError>(())
    /// ```
    pub fn audit(&self) -> &[AuditRecord] {
        &self.audit
    }

    /// Items waiting for the next evaluation.
    ///
    /// ```
    /// # use cascade_runtime::feedback::{Bounds, FeedbackSettings, FeedbackTuner};
    /// # use cascade_runtime::Threshold;
    /// let t = FeedbackTuner::new(Threshold::BUILTIN, FeedbackSettings::default(), Bounds::default())?;
    /// assert_eq!(t.pending(), 0);
    /// # Ok::<(), cascade_runtime::feedback::FeedbackSettingsError>(())
    /// ```
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fb(correct: bool, suggestion: Option<&str>) -> MatchFeedback {
        MatchFeedback {
            match_id: "m".into(),
            correct,
            suggested_match: suggestion.map(str::to_owned),
            similarity: Some(0.8),
        }
    }

    fn batch(correct: usize, fp: usize, fn_: usize) -> Vec<MatchFeedback> {
        let mut v = vec![fb(true, None); correct];
        v.extend(vec![fb(false, None); fp]);
        v.extend(vec![fb(false, Some("e")); fn_]);
        v
    }

    fn th(x: f64) -> Threshold {
        Threshold::new(x).expect("a test threshold within 0..=1")
    }

    /// `decide` with the default settings and bounds: the new value and why, if it moved.
    fn moved(start: f64, items: &[MatchFeedback]) -> Option<(f64, String)> {
        decide(
            th(start),
            items,
            &FeedbackSettings::default(),
            Bounds::default(),
        )
        .expect("default settings are valid")
        .map(|r| (r.new.get(), r.why))
    }

    #[test]
    fn both_directions_move() {
        let s = FeedbackSettings::default();
        let b = Bounds::default();
        let up = decide(th(0.80), &batch(17, 3, 0), &s, b).unwrap().unwrap();
        assert_eq!(up.new.get(), 0.82);
        assert_eq!(up.counts.false_positives, 3);
        let down = decide(th(0.80), &batch(17, 0, 3), &s, b).unwrap().unwrap();
        assert_eq!(down.new.get(), 0.78);
        assert_eq!(down.counts.false_negatives, 3);
        assert!(up.why.contains("false-positive") && down.why.contains("false-negative"));
    }

    #[test]
    fn false_positives_win_over_false_negatives() {
        assert_eq!(moved(0.80, &batch(10, 5, 5)).map(|m| m.0), Some(0.82));
    }

    #[test]
    fn rates_at_the_limit_do_not_move() {
        // 2 of 20 = 0.1, not above 0.1
        assert_eq!(moved(0.80, &batch(18, 2, 0)), None);
    }

    #[test]
    fn minimum_sample_is_respected() {
        assert_eq!(moved(0.80, &batch(0, 19, 0)), None);
        assert!(moved(0.80, &batch(0, 20, 0)).is_some());
    }

    #[test]
    fn bounds_hold_and_are_reported() {
        let (new, why) = moved(0.94, &batch(0, 20, 0)).unwrap();
        assert_eq!(new, 0.95);
        assert!(why.contains("held at the bound 0.95"), "{why}");
        assert_eq!(moved(0.95, &batch(0, 20, 0)), None);
    }

    #[test]
    fn tuner_audits_every_change_and_resets_batches() {
        let mut t =
            FeedbackTuner::new(th(0.80), FeedbackSettings::default(), Bounds::default()).unwrap();
        for f in batch(17, 3, 0) {
            t.record(f);
        }
        for f in batch(17, 0, 3) {
            t.record(f);
        }
        for f in batch(20, 0, 0) {
            t.record(f);
        }
        let moves: Vec<(f64, f64)> = t
            .audit()
            .iter()
            .map(|r| (r.old.get(), r.new.get()))
            .collect();
        assert_eq!(moves, vec![(0.80, 0.82), (0.82, 0.80)]);
        assert_eq!(t.pending(), 0);
        assert_eq!(t.threshold().get(), 0.80);
    }

    #[test]
    fn labelled_pairs() {
        assert_eq!(fb(false, None).labelled(), Some((0.8, false)));
        assert_eq!(fb(false, Some("e")).labelled(), Some((0.8, true)));
        let mut nan = fb(true, None);
        nan.similarity = Some(f64::NAN);
        assert_eq!(nan.labelled(), None);
    }

    #[test]
    fn spike_null_versus_undefined_mistake_is_gone() {
        // An absent suggestion deserializes to None: a false positive, so the threshold rises.
        let items: Vec<MatchFeedback> = (0..20)
            .map(|i| {
                serde_json::from_str(&format!(r#"{{"matchId":"m{i}","correct":false}}"#)).unwrap()
            })
            .collect();
        assert!(moved(0.80, &items).is_some_and(|(new, _)| new > 0.80));
    }

    /// Reviewer: `FeedbackTuner::new(NaN, ..)` took 20 false positives to a NaN threshold. A
    /// threshold is now a `Threshold`, so NaN is refused where the number comes in.
    #[test]
    fn a_nan_threshold_is_refused_where_it_comes_in() {
        assert_eq!(
            Threshold::new(f64::NAN).unwrap_err().to_string(),
            "threshold `NaN` is not a finite number"
        );
        // The extremes a `Threshold` allows stay finite and move toward the bounds.
        for (start, want) in [(0.0, 0.02), (1.0, 1.0)] {
            let mut t =
                FeedbackTuner::new(th(start), FeedbackSettings::default(), Bounds::default())
                    .unwrap();
            for f in batch(0, 20, 0) {
                t.record(f);
            }
            assert_eq!(t.threshold().get(), want, "from {start}");
        }
    }

    /// Reviewer: bounds `(0.95, 0.65)` were accepted and the tuner moved 1.5 to 1.48.
    #[test]
    fn reversed_bounds_are_an_error_that_says_how_to_fix_them() {
        let e = Bounds::try_from((0.95, 0.65)).unwrap_err();
        assert_eq!(
            e,
            BoundsError::Reversed {
                min: th(0.95),
                max: th(0.65)
            }
        );
        assert_eq!(
            e.to_string(),
            "feedback bounds (0.95, 0.65) are reversed: min must not exceed max; write (0.65, 0.95)"
        );
        assert!(Bounds::try_from((0.8, 0.8)).is_ok());
        assert_eq!(
            Bounds::try_from((0.65, 1.5)).unwrap_err().to_string(),
            "upper bound (max) of the feedback bounds: threshold `1.5` must be within 0.0..=1.0"
        );
    }

    /// Reviewer: `decide(NaN, .., (NaN, NaN))` panicked in `f64::clamp`. NaN bounds cannot be
    /// built, and every bound that can is ordered, so the clamp cannot panic.
    #[test]
    fn nan_bounds_are_refused_instead_of_panicking() {
        assert!(matches!(
            Bounds::try_from((f64::NAN, f64::NAN)),
            Err(BoundsError::Min(ThresholdError::NotFinite(_)))
        ));
        assert!(matches!(
            Bounds::try_from((0.65, f64::INFINITY)),
            Err(BoundsError::Max(ThresholdError::NotFinite(_)))
        ));
        // The tightest bounds and a threshold at either end of 0..=1 do not panic.
        let point = Bounds::try_from((0.5, 0.5)).unwrap();
        for start in [0.0, 0.5, 1.0] {
            for items in [batch(0, 20, 0), batch(0, 0, 20)] {
                let settings = FeedbackSettings::default();
                let r = decide(th(start), &items, &settings, point).unwrap();
                let new = r.map_or(start, |r| r.new.get());
                assert!(
                    (start.min(0.5)..=start.max(0.5)).contains(&new),
                    "{start} → {new}"
                );
            }
        }
    }

    #[test]
    fn a_threshold_outside_the_bounds_moves_toward_them_never_further_out() {
        let s = FeedbackSettings::default();
        let b = Bounds::default();
        let down = decide(th(1.0), &batch(0, 0, 20), &s, b).unwrap().unwrap();
        assert_eq!(down.new.get(), 0.98);
        assert_eq!(decide(th(1.0), &batch(0, 20, 0), &s, b).unwrap(), None);
        assert_eq!(decide(th(0.3), &batch(0, 0, 20), &s, b).unwrap(), None);
    }

    #[test]
    fn invalid_settings_are_an_error_not_a_nan_threshold() {
        let base = FeedbackSettings::default();
        for (settings, key) in [
            (
                FeedbackSettings {
                    step: f64::NAN,
                    ..base
                },
                "step",
            ),
            (
                FeedbackSettings {
                    step: f64::INFINITY,
                    ..base
                },
                "step",
            ),
            (
                FeedbackSettings {
                    step: -0.02,
                    ..base
                },
                "step",
            ),
            (FeedbackSettings { step: 0.0, ..base }, "step"),
            (
                FeedbackSettings {
                    max_error_rate: f64::NAN,
                    ..base
                },
                "maxErrorRate",
            ),
            (
                FeedbackSettings {
                    max_error_rate: -0.1,
                    ..base
                },
                "maxErrorRate",
            ),
            (
                FeedbackSettings {
                    min_sample: 0,
                    ..base
                },
                "minSample",
            ),
        ] {
            let e = decide(th(0.8), &batch(0, 20, 0), &settings, Bounds::default()).unwrap_err();
            assert_eq!(e.problems().len(), 1, "{e}");
            assert_eq!(e.problems()[0].0, key, "{e}");
            assert!(e.to_string().contains(&format!("`{key}`: ")), "{e}");
            assert_eq!(
                FeedbackTuner::new(th(0.8), settings, Bounds::default()).unwrap_err(),
                e
            );
            assert_eq!(
                FeedbackSettings::new(settings.min_sample, settings.step, settings.max_error_rate)
                    .unwrap_err(),
                e
            );
        }
        let all = FeedbackSettings::new(0, f64::NAN, 2.0).unwrap_err();
        assert_eq!(all.problems().len(), 3, "{all}");
    }

    #[test]
    fn audit_records_serialize_thresholds_as_numbers_and_check_them_back() {
        let r = decide(
            th(0.8),
            &batch(0, 20, 0),
            &FeedbackSettings::default(),
            Bounds::default(),
        )
        .unwrap()
        .unwrap();
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.starts_with(r#"{"old":0.8,"new":0.82,"#), "{json}");
        assert_eq!(serde_json::from_str::<AuditRecord>(&json).unwrap(), r);
        let bad = json.replace(r#""new":0.82"#, r#""new":1.5"#);
        assert!(serde_json::from_str::<AuditRecord>(&bad).is_err());
    }

    /// Any number, with the special values and `0..=1` well represented.
    fn number() -> impl Strategy<Value = f64> {
        prop_oneof![
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(-0.0),
            Just(0.0),
            Just(1.0),
            Just(0.02),
            Just(0.1),
            0.0f64..=1.0,
            0.0f64..=1.0,
            0.0f64..=1.0,
            any::<f64>(),
        ]
    }

    fn feedback_item() -> impl Strategy<Value = MatchFeedback> {
        (0u8..3, proptest::option::of(number())).prop_map(|(kind, similarity)| MatchFeedback {
            match_id: "m".into(),
            correct: kind == 0,
            suggested_match: (kind == 2).then(|| "e".to_owned()),
            similarity,
        })
    }

    /// `new` lies within the bounds widened to include `start`, and within the bounds whenever
    /// `start` was.
    fn held(start: Threshold, new: Threshold, bounds: Bounds) -> bool {
        let (start_v, new_v) = (start.get(), new.get());
        let (lo, hi) = (
            bounds.min().get().min(start_v),
            bounds.max().get().max(start_v),
        );
        let widened = lo <= new_v && new_v <= hi;
        widened && (!bounds.contains(start) || bounds.contains(new))
    }

    proptest! {
        #[test]
        fn feedback_never_leaves_bounds(
            start in 0.65f64..=0.95,
            kinds in proptest::collection::vec(0u8..3, 0..400),
        ) {
            let mut t = FeedbackTuner::new(th(start), FeedbackSettings::default(), Bounds::default()).unwrap();
            for k in kinds {
                t.record(match k { 0 => fb(true, None), 1 => fb(false, None), _ => fb(false, Some("e")) });
                prop_assert!((0.65..=0.95).contains(&t.threshold().get()), "{}", t.threshold());
            }
            for r in t.audit() {
                prop_assert!(r.counts.total >= 20);
                prop_assert!((r.new.get() - r.old.get()).abs() <= 0.02 + 1e-6);
            }
        }

        /// Whatever numbers come in (NaN, infinities, reversed or out-of-range bounds, any
        /// settings), nothing panics: a bad number is an error where it enters, and otherwise
        /// the threshold stays a valid threshold within its bounds (never further out than it
        /// started).
        #[test]
        fn decide_and_tuner_never_panic_and_hold_the_bounds(
            start in number(),
            (lo, hi) in (number(), number()),
            (min_sample, step, max_error_rate) in (0usize..30, number(), number()),
            items in proptest::collection::vec(feedback_item(), 0..120),
        ) {
            let settings = FeedbackSettings { min_sample, step, max_error_rate };
            let valid_settings = min_sample >= 1
                && step.is_finite() && step > 0.0 && step <= 1.0
                && (0.0..=1.0).contains(&max_error_rate);
            prop_assert_eq!(settings.validate().is_ok(), valid_settings);
            let start = match Threshold::new(start) {
                Ok(t) => t,
                Err(_) => {
                    prop_assert!(!(0.0..=1.0).contains(&start));
                    return Ok(());
                }
            };
            let bounds = match Bounds::try_from((lo, hi)) {
                Ok(b) => b,
                Err(_) => {
                    prop_assert!(!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi) && lo <= hi));
                    return Ok(());
                }
            };
            match decide(start, &items, &settings, bounds) {
                Err(_) => prop_assert!(!valid_settings),
                Ok(record) => {
                    prop_assert!(valid_settings);
                    if let Some(r) = record {
                        prop_assert_eq!(r.old, start);
                        prop_assert!(r.new != start && held(start, r.new, bounds), "{:?}", r);
                    }
                }
            }
            match FeedbackTuner::new(start, settings, bounds) {
                Err(_) => prop_assert!(!valid_settings),
                Ok(mut tuner) => {
                    for item in items {
                        let before = tuner.threshold();
                        tuner.record(item);
                        prop_assert!(held(before, tuner.threshold(), bounds), "{} → {}", before, tuner.threshold());
                        prop_assert!(held(start, tuner.threshold(), bounds));
                    }
                }
            }
        }
    }
}
