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

use serde::{Deserialize, Serialize};

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
/// # use cascade_runtime::feedback::{decide, FeedbackSettings, MatchFeedback};
/// let fp = MatchFeedback { match_id: "m".into(), correct: false, suggested_match: None, similarity: None };
/// let record = decide(0.8, &vec![fp; 20], &FeedbackSettings::default(), (0.65, 0.95)).unwrap();
/// assert_eq!((record.old, record.new, record.counts.false_positives), (0.8, 0.82, 20));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// The threshold before.
    pub old: f64,
    /// The threshold after.
    pub new: f64,
    /// Why it moved, for people.
    pub why: String,
    /// The counts that triggered it.
    pub counts: FeedbackCounts,
}

/// The decision for one batch of feedback: the new threshold and, if it moved, why.
///
/// ```
/// # use cascade_runtime::feedback::{decide, FeedbackSettings, MatchFeedback};
/// let fp = MatchFeedback { match_id: "m".into(), correct: false, suggested_match: None, similarity: None };
/// let batch = vec![fp; 20];
/// let change = decide(0.80, &batch, &FeedbackSettings::default(), (0.65, 0.95)).unwrap();
/// assert!((change.new - 0.82).abs() < 1e-9);
/// ```
pub fn decide(
    threshold: f64,
    items: &[MatchFeedback],
    settings: &FeedbackSettings,
    (min, max): (f64, f64),
) -> Option<AuditRecord> {
    let counts = FeedbackCounts::of(items);
    if counts.total < settings.min_sample {
        return None;
    }
    let fp = counts.rate(counts.false_positives);
    let fn_ = counts.rate(counts.false_negatives);
    let (target, why) = if fp > settings.max_error_rate {
        (
            threshold + settings.step,
            format!(
                "{} of {} matches were wrong with no better entity (false-positive rate {:.3} > {}): tighten by {}",
                counts.false_positives, counts.total, fp, settings.max_error_rate, settings.step
            ),
        )
    } else if fn_ > settings.max_error_rate {
        (
            threshold - settings.step,
            format!(
                "{} of {} matches missed the right entity (false-negative rate {:.3} > {}): loosen by {}",
                counts.false_negatives, counts.total, fn_, settings.max_error_rate, settings.step
            ),
        )
    } else {
        return None;
    };
    // Stay within the bounds, but never push a threshold that already lies outside them further out.
    let lo = min.min(threshold);
    let hi = max.max(threshold);
    let new = round6(target).clamp(lo, hi);
    if new == threshold {
        return None;
    }
    let why = if new != round6(target) {
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
/// # use cascade_runtime::feedback::{FeedbackSettings, FeedbackTuner, MatchFeedback};
/// let mut tuner = FeedbackTuner::new(0.80, FeedbackSettings::default(), (0.65, 0.95));
/// let missed = MatchFeedback { match_id: "m".into(), correct: false,
///                              suggested_match: Some("e".into()), similarity: Some(0.77) };
/// for _ in 0..20 {
///     tuner.record(missed.clone());
/// }
/// assert!((tuner.threshold() - 0.78).abs() < 1e-9);
/// assert_eq!(tuner.audit().len(), 1);
/// ```
#[derive(Clone, Debug)]
pub struct FeedbackTuner {
    threshold: f64,
    settings: FeedbackSettings,
    bounds: (f64, f64),
    pending: Vec<MatchFeedback>,
    audit: Vec<AuditRecord>,
}

impl FeedbackTuner {
    /// A tuner starting at `threshold`, keeping it within `bounds` (`(min, max)`).
    ///
    /// ```
    /// # use cascade_runtime::feedback::{FeedbackSettings, FeedbackTuner};
    /// let t = FeedbackTuner::new(0.8, FeedbackSettings::default(), (0.65, 0.95));
    /// assert_eq!(t.threshold(), 0.8);
    /// ```
    pub fn new(threshold: f64, settings: FeedbackSettings, bounds: (f64, f64)) -> FeedbackTuner {
        FeedbackTuner {
            threshold,
            settings,
            bounds,
            pending: Vec::new(),
            audit: Vec::new(),
        }
    }

    /// Adds one item; once `min_sample` items are pending they are evaluated as one batch
    /// (and cleared) and the change, if any, is returned and logged.
    ///
    /// ```
    /// # use cascade_runtime::feedback::{FeedbackSettings, FeedbackTuner, MatchFeedback};
    /// let mut t = FeedbackTuner::new(0.8, FeedbackSettings::default(), (0.65, 0.95));
    /// let ok = MatchFeedback { match_id: "m".into(), correct: true, suggested_match: None, similarity: None };
    /// assert!(t.record(ok).is_none());
    /// ```
    pub fn record(&mut self, item: MatchFeedback) -> Option<&AuditRecord> {
        self.pending.push(item);
        if self.pending.len() < self.settings.min_sample {
            return None;
        }
        let batch = std::mem::take(&mut self.pending);
        let change = decide(self.threshold, &batch, &self.settings, self.bounds)?;
        self.threshold = change.new;
        self.audit.push(change);
        self.audit.last()
    }

    /// The current threshold.
    ///
    /// ```
    /// # use cascade_runtime::feedback::{FeedbackSettings, FeedbackTuner};
    /// assert_eq!(FeedbackTuner::new(0.7, FeedbackSettings::default(), (0.65, 0.95)).threshold(), 0.7);
    /// ```
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Every change so far, oldest first.
    ///
    /// ```
    /// # use cascade_runtime::feedback::{FeedbackSettings, FeedbackTuner};
    /// assert!(FeedbackTuner::new(0.7, FeedbackSettings::default(), (0.65, 0.95)).audit().is_empty());
    /// ```
    pub fn audit(&self) -> &[AuditRecord] {
        &self.audit
    }

    /// Items waiting for the next evaluation.
    ///
    /// ```
    /// # use cascade_runtime::feedback::{FeedbackSettings, FeedbackTuner};
    /// assert_eq!(FeedbackTuner::new(0.7, FeedbackSettings::default(), (0.65, 0.95)).pending(), 0);
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

    const B: (f64, f64) = (0.65, 0.95);

    #[test]
    fn both_directions_move() {
        let s = FeedbackSettings::default();
        let up = decide(0.80, &batch(17, 3, 0), &s, B).unwrap();
        assert_eq!(up.new, 0.82);
        assert_eq!(up.counts.false_positives, 3);
        let down = decide(0.80, &batch(17, 0, 3), &s, B).unwrap();
        assert_eq!(down.new, 0.78);
        assert_eq!(down.counts.false_negatives, 3);
        assert!(up.why.contains("false-positive") && down.why.contains("false-negative"));
    }

    #[test]
    fn false_positives_win_over_false_negatives() {
        let rec = decide(0.80, &batch(10, 5, 5), &FeedbackSettings::default(), B).unwrap();
        assert_eq!(rec.new, 0.82);
    }

    #[test]
    fn rates_at_the_limit_do_not_move() {
        // 2 of 20 = 0.1, not above 0.1
        assert!(decide(0.80, &batch(18, 2, 0), &FeedbackSettings::default(), B).is_none());
    }

    #[test]
    fn minimum_sample_is_respected() {
        assert!(decide(0.80, &batch(0, 19, 0), &FeedbackSettings::default(), B).is_none());
        assert!(decide(0.80, &batch(0, 20, 0), &FeedbackSettings::default(), B).is_some());
    }

    #[test]
    fn bounds_hold_and_are_reported() {
        let rec = decide(0.94, &batch(0, 20, 0), &FeedbackSettings::default(), B).unwrap();
        assert_eq!(rec.new, 0.95);
        assert!(rec.why.contains("held at the bound"), "{}", rec.why);
        assert!(decide(0.95, &batch(0, 20, 0), &FeedbackSettings::default(), B).is_none());
    }

    #[test]
    fn tuner_audits_every_change_and_resets_batches() {
        let mut t = FeedbackTuner::new(0.80, FeedbackSettings::default(), B);
        for f in batch(17, 3, 0) {
            t.record(f);
        }
        for f in batch(17, 0, 3) {
            t.record(f);
        }
        for f in batch(20, 0, 0) {
            t.record(f);
        }
        let moves: Vec<(f64, f64)> = t.audit().iter().map(|r| (r.old, r.new)).collect();
        assert_eq!(moves, vec![(0.80, 0.82), (0.82, 0.80)]);
        assert_eq!(t.pending(), 0);
        assert_eq!(t.threshold(), 0.80);
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
        let rec = decide(0.80, &items, &FeedbackSettings::default(), B).unwrap();
        assert!(rec.new > 0.80);
    }

    proptest! {
        #[test]
        fn feedback_never_leaves_bounds(
            start in 0.65f64..=0.95,
            kinds in proptest::collection::vec(0u8..3, 0..400),
        ) {
            let mut t = FeedbackTuner::new(start, FeedbackSettings::default(), B);
            for k in kinds {
                t.record(match k { 0 => fb(true, None), 1 => fb(false, None), _ => fb(false, Some("e")) });
                prop_assert!((0.65..=0.95).contains(&t.threshold()), "{}", t.threshold());
            }
            for r in t.audit() {
                prop_assert!(r.counts.total >= 20);
                prop_assert!((r.new - r.old).abs() <= 0.02 + 1e-6);
            }
        }
    }
}
