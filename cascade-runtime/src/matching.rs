//! Applying thresholds: the decision of a fuzzy reference (DESIGN §8).
//!
//! Given the embedded reference text and the [`Catalog`] of existing entities:
//!
//! * `~>` (forward fuzzy): reuse the best entity whose similarity reaches the threshold
//!   ([`Decision::Matched`]), otherwise [`Decision::Create`] a new one.
//! * `<~` (backward fuzzy): link the best entity at or above the threshold, otherwise
//!   [`Decision::None`]; never create.
//! * Unions `~>A|B`: every member searches its own type with its own threshold; `~>` takes the
//!   accepted member with the highest similarity (ties go to the earlier member) and creates the
//!   *first* member's type when none is accepted; `<~` tries the members in order and links the
//!   first one that accepts.
//! * Array fields ([`Matcher::resolve_array`]): elements are decided in order and an entity
//!   matched by an earlier element is not a candidate for later ones, so one entity is never
//!   linked twice.
//!
//! Members come in as [`Resolved`] thresholds (precedence already applied by
//! [`crate::resolve()`]); the matcher then runs [`crate::adjust::adjust`] with the real candidate
//! count, the number of entities of the member's type, so an `adaptive` type loosens or
//! tightens as the spike's bands say. The similarity is computed on full vectors (a two-phase
//! index reranks on them), so no dimension adjustment applies.
//!
//! `minimumConfidence` (config `confidence`) never loosens a threshold: a match is accepted only
//! when the similarity reaches the threshold *and* its confidence band passes the minimum, so
//! only `high` as a minimum changes decisions; a `low` minimum does not turn near misses into
//! matches.
//!
//! Similarities are `f32` (the index kernels); they are widened to `f64` exactly before the
//! comparison `similarity >= threshold`.

use std::collections::HashSet;
use std::fmt;

use serde::Serialize;

use crate::adjust::{Adjusted, Conditions, adjust};
use crate::confidence::{Confidence, ConfidenceBands};
use crate::config::SimilarityThresholdConfig;
use crate::explain::Explanation;
use crate::feedback::MatchFeedback;
use crate::index::{Catalog, IndexError};
use crate::resolve::Resolved;
use crate::similarity::{SimilarityError, UnitVector};
use crate::{Operator, Threshold};

/// Why a reference could not be resolved.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MatchError {
    /// Exact operators (`->`, `<-`) link by identity, not by similarity.
    #[error("operator `{0}` is exact: only `~>` and `<~` are resolved by similarity")]
    NotFuzzy(Operator),
    /// A reference needs at least one target type.
    #[error("no target type: a fuzzy reference needs at least one member")]
    NoTargets,
    /// The index failed (e.g. the query has the wrong dimension).
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// The outcome of one reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// An existing entity is reused (`~>`) or linked (`<~`).
    Matched,
    /// No entity was accepted; `~>` creates a new one.
    Create,
    /// No entity was accepted; `<~` links nothing.
    None,
}

impl Decision {
    /// `matched`, `create` or `none`.
    ///
    /// ```
    /// # use cascade_runtime::matching::Decision;
    /// assert_eq!(Decision::Create.as_str(), "create");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Decision::Matched => "matched",
            Decision::Create => "create",
            Decision::None => "none",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An entity near the query, kept for the explanation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    /// The entity id.
    pub id: String,
    /// Its similarity with the query.
    pub similarity: f32,
}

/// What one union member saw: its threshold, how it was adjusted, and its nearest candidates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberOutcome<'a> {
    /// The member's resolved threshold and provenance.
    pub resolved: Resolved<'a>,
    /// The threshold after the adjustments (`adjusted.value` is the one applied).
    pub adjusted: Adjusted,
    /// The number of entities of the type: what the adaptive step was fed.
    pub candidate_count: usize,
    /// The nearest candidates not excluded by earlier array elements, best first.
    pub nearest: Vec<Candidate>,
    /// Whether the best candidate was accepted.
    pub accepted: bool,
}

impl MemberOutcome<'_> {
    /// The applied threshold.
    pub fn threshold(&self) -> f64 {
        self.adjusted.value
    }

    fn best(&self) -> Option<&Candidate> {
        self.nearest.first()
    }
}

/// The decision for one reference, with everything needed to explain it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Resolution<'a> {
    /// The decision.
    pub decision: Decision,
    /// The matched entity's id (only for [`Decision::Matched`]).
    pub id: Option<String>,
    /// The type matched, or the type to create (the first member) for [`Decision::Create`].
    pub entity_type: Option<String>,
    /// The similarity of the decisive member's best candidate (also when it was rejected).
    pub similarity: Option<f32>,
    /// Its confidence band against the decisive member's threshold.
    pub confidence: Confidence,
    /// The decisive member's applied threshold.
    pub threshold: f64,
    /// The index of the decisive member: the matched one, or else the first.
    pub member: usize,
    /// Every member that was searched, in order (`<~` stops at the first that accepts).
    pub members: Vec<MemberOutcome<'a>>,
}

impl Resolution<'_> {
    /// The explanation of every searched member (DESIGN §5), for the reference `owner.field`;
    /// the candidate counts are over the nearest candidates kept ([`MatchOptions::nearest`]).
    ///
    /// ```
    /// # use cascade_runtime::index::{Catalog, IndexKind};
    /// # use cascade_runtime::matching::Matcher;
    /// # use cascade_runtime::config::SimilarityThresholdConfig;
    /// # use cascade_runtime::resolve::Resolved;
    /// # use cascade_runtime::similarity::UnitVector;
    /// # use cascade_runtime::Operator;
    /// let mut catalog = Catalog::new(2, IndexKind::Exact);
    /// catalog.add("ICP", "icp:1", &UnitVector::new(vec![1.0, 0.0])?)?;
    /// let config = SimilarityThresholdConfig::default();
    /// let r = Matcher::new(&catalog, &config)
    ///     .resolve(Operator::ForwardFuzzy, &[Resolved::builtin("ICP")], &UnitVector::new(vec![1.0, 0.3])?)?;
    /// let e = &r.explain("Startup", "customer", Operator::ForwardFuzzy)[0];
    /// assert_eq!((e.threshold, e.above), (0.8, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn explain(&self, owner: &str, field: &str, operator: Operator) -> Vec<Explanation> {
        self.members
            .iter()
            .map(|m| {
                let scores: Vec<f64> = m.nearest.iter().map(|c| f64::from(c.similarity)).collect();
                Explanation::new(
                    owner,
                    field,
                    operator,
                    &m.resolved,
                    m.adjusted.clone(),
                    &scores,
                )
            })
            .collect()
    }

    /// Feedback on this decision, ready for [`crate::feedback::FeedbackTuner::record`].
    ///
    /// `correct: false` with no suggestion marks a false positive; with `suggested_match` a
    /// false negative, whose similarity is the suggested entity's when it was among the nearest
    /// candidates.
    ///
    /// ```
    /// # use cascade_runtime::index::{Catalog, IndexKind};
    /// # use cascade_runtime::matching::Matcher;
    /// # use cascade_runtime::config::SimilarityThresholdConfig;
    /// # use cascade_runtime::feedback::FeedbackTuner;
    /// # use cascade_runtime::resolve::Resolved;
    /// # use cascade_runtime::similarity::UnitVector;
    /// # use cascade_runtime::{Operator, Threshold};
    /// let mut catalog = Catalog::new(2, IndexKind::Exact);
    /// catalog.add("ICP", "icp:1", &UnitVector::new(vec![1.0, 0.0])?)?;
    /// let config = SimilarityThresholdConfig::default();
    /// let r = Matcher::new(&catalog, &config)
    ///     .resolve(Operator::ForwardFuzzy, &[Resolved::builtin("ICP")], &UnitVector::new(vec![1.0, 1.0])?)?;
    /// let missed = r.feedback("m-1", false, Some("icp:1".into()));
    /// assert!(missed.is_false_negative());
    /// assert!((missed.similarity.unwrap() - 0.7071).abs() < 1e-4);
    /// let mut tuner = FeedbackTuner::new(
    ///     Threshold::new(r.threshold)?,
    ///     config.feedback_settings(),
    ///     config.bounds().try_into()?,
    /// )?;
    /// tuner.record(missed);
    /// assert_eq!(tuner.pending(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn feedback(
        &self,
        match_id: impl Into<String>,
        correct: bool,
        suggested_match: Option<String>,
    ) -> MatchFeedback {
        let similarity = match (&suggested_match, correct) {
            (Some(s), false) => self
                .members
                .iter()
                .flat_map(|m| &m.nearest)
                .find(|c| &c.id == s)
                .map(|c| f64::from(c.similarity)),
            _ => self.similarity.map(f64::from),
        };
        MatchFeedback {
            match_id: match_id.into(),
            correct,
            suggested_match,
            similarity,
        }
    }
}

/// Matcher settings beyond the config.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatchOptions {
    /// Candidates kept per member for the explanation (at least 1 is always searched).
    pub nearest: usize,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions { nearest: 5 }
    }
}

/// Decides fuzzy references against a [`Catalog`] under a [`SimilarityThresholdConfig`]
/// (adjustment settings, confidence bands, `minimumConfidence`).
///
/// ```
/// use cascade_runtime::config::SimilarityThresholdConfig;
/// use cascade_runtime::index::{Catalog, IndexKind};
/// use cascade_runtime::matching::{Decision, Matcher};
/// use cascade_runtime::resolve::Resolved;
/// use cascade_runtime::similarity::UnitVector;
/// use cascade_runtime::Operator;
///
/// let mut catalog = Catalog::new(2, IndexKind::Exact);
/// catalog.add("Skill", "skill:rust", &UnitVector::new(vec![1.0, 0.0])?)?;
/// let config = SimilarityThresholdConfig::default();
/// let matcher = Matcher::new(&catalog, &config);
/// let skill = [Resolved::builtin("Skill")]; // 0.80
///
/// let near = UnitVector::new(vec![1.0, 0.1])?; // cosine 0.995
/// let r = matcher.resolve(Operator::ForwardFuzzy, &skill, &near)?;
/// assert_eq!((r.decision, r.id.as_deref()), (Decision::Matched, Some("skill:rust")));
///
/// let far = UnitVector::new(vec![1.0, 1.0])?; // cosine 0.707
/// assert_eq!(matcher.resolve(Operator::ForwardFuzzy, &skill, &far)?.decision, Decision::Create);
/// assert_eq!(matcher.resolve(Operator::BackwardFuzzy, &skill, &far)?.decision, Decision::None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Matcher<'c> {
    catalog: &'c Catalog,
    config: &'c SimilarityThresholdConfig,
    bands: ConfidenceBands,
    options: MatchOptions,
}

impl<'c> Matcher<'c> {
    /// A matcher over `catalog` with `config`'s adjustments and confidence bands.
    pub fn new(catalog: &'c Catalog, config: &'c SimilarityThresholdConfig) -> Matcher<'c> {
        Matcher {
            catalog,
            config,
            bands: config.confidence_bands(),
            options: MatchOptions::default(),
        }
    }

    /// Replaces the options.
    pub fn with_options(mut self, options: MatchOptions) -> Self {
        self.options = options;
        self
    }

    /// Decides one reference with operator `op` over the union `members` (one member for a
    /// plain reference), in the order written.
    pub fn resolve<'a>(
        &self,
        op: Operator,
        members: &[Resolved<'a>],
        query: &UnitVector,
    ) -> Result<Resolution<'a>, MatchError> {
        self.resolve_excluding(op, members, query, &HashSet::new())
    }

    /// Decides the elements of an array field in order; an entity matched by one element is
    /// not a candidate for the later ones.
    ///
    /// ```
    /// # use cascade_runtime::config::SimilarityThresholdConfig;
    /// # use cascade_runtime::index::{Catalog, IndexKind};
    /// # use cascade_runtime::matching::Matcher;
    /// # use cascade_runtime::resolve::Resolved;
    /// # use cascade_runtime::similarity::UnitVector;
    /// # use cascade_runtime::Operator;
    /// let mut catalog = Catalog::new(2, IndexKind::Exact);
    /// catalog.add("Tag", "tag:a", &UnitVector::new(vec![1.0, 0.0])?)?;
    /// catalog.add("Tag", "tag:b", &UnitVector::new(vec![1.0, 0.2])?)?;
    /// let q = UnitVector::new(vec![1.0, 0.05])?;
    /// let config = SimilarityThresholdConfig::default();
    /// let rs = Matcher::new(&catalog, &config)
    ///     .resolve_array(Operator::ForwardFuzzy, &[Resolved::builtin("Tag")], &[q.clone(), q])?;
    /// assert_eq!(rs[0].id.as_deref(), Some("tag:a"));
    /// assert_eq!(rs[1].id.as_deref(), Some("tag:b"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve_array<'a>(
        &self,
        op: Operator,
        members: &[Resolved<'a>],
        queries: &[UnitVector],
    ) -> Result<Vec<Resolution<'a>>, MatchError> {
        let mut used: HashSet<(String, String)> = HashSet::new();
        let mut out = Vec::with_capacity(queries.len());
        for query in queries {
            let r = self.resolve_excluding(op, members, query, &used)?;
            if let (Decision::Matched, Some(ty), Some(id)) = (r.decision, &r.entity_type, &r.id) {
                used.insert((ty.clone(), id.clone()));
            }
            out.push(r);
        }
        Ok(out)
    }

    fn resolve_excluding<'a>(
        &self,
        op: Operator,
        members: &[Resolved<'a>],
        query: &UnitVector,
        used: &HashSet<(String, String)>,
    ) -> Result<Resolution<'a>, MatchError> {
        if !op.is_fuzzy() {
            return Err(MatchError::NotFuzzy(op));
        }
        let Some(first) = members.first() else {
            return Err(MatchError::NoTargets);
        };
        if query.len() != self.catalog.dims() {
            let mismatch = SimilarityError::DimensionMismatch {
                expected: self.catalog.dims(),
                found: query.len(),
            };
            return Err(MatchError::Index(IndexError::Vector(mismatch)));
        }
        let mut outcomes = Vec::with_capacity(members.len());
        for resolved in members {
            let outcome = self.search_member(resolved, query, used)?;
            let stop = op == Operator::BackwardFuzzy && outcome.accepted;
            outcomes.push(outcome);
            if stop {
                // `<~` is an ordered fallback: later members are not consulted.
                break;
            }
        }
        // `~>`: the accepted member with the highest similarity, ties to the earlier member
        // (strict `>` while scanning in order). `<~`: the loop stopped at the first accepted.
        let mut winner: Option<(usize, f32)> = None;
        for (i, m) in outcomes.iter().enumerate() {
            if let (true, Some(best)) = (m.accepted, m.best())
                && winner.is_none_or(|(_, s)| best.similarity > s)
            {
                winner = Some((i, best.similarity));
            }
        }
        let member = winner.map_or(0, |(i, _)| i);
        let decisive = outcomes
            .get(member)
            .expect("at least one member was searched and `member` indexes it");
        let similarity = decisive.best().map(|c| c.similarity);
        let confidence = similarity.map_or(Confidence::None, |s| {
            self.classify(f64::from(s), decisive.threshold())
        });
        let (decision, id) = match winner {
            Some(_) => (Decision::Matched, decisive.best().map(|c| c.id.clone())),
            None if op == Operator::ForwardFuzzy => (Decision::Create, None),
            None => (Decision::None, None),
        };
        let entity_type = match decision {
            Decision::Matched => Some(decisive.resolved.target.to_owned()),
            Decision::Create => Some(first.target.to_owned()),
            Decision::None => None,
        };
        Ok(Resolution {
            decision,
            id,
            entity_type,
            similarity,
            confidence,
            threshold: decisive.threshold(),
            member,
            members: outcomes,
        })
    }

    /// The confidence of `similarity` against an adjusted threshold. Adjusting keeps a
    /// threshold within 0..=1, so the fallback `none` (no band for a non-threshold) is never hit.
    fn classify(&self, similarity: f64, threshold: f64) -> Confidence {
        Threshold::new(threshold).map_or(Confidence::None, |t| self.bands.classify(similarity, t))
    }

    fn search_member<'a>(
        &self,
        resolved: &Resolved<'a>,
        query: &UnitVector,
        used: &HashSet<(String, String)>,
    ) -> Result<MemberOutcome<'a>, MatchError> {
        let entity_type = resolved.target;
        let candidate_count = self.catalog.candidate_count(entity_type);
        let conditions = Conditions {
            candidates: Some(candidate_count as u64),
            dimensions: None,
        };
        let adjusted = adjust(resolved, &conditions, self.config);
        let mut nearest = Vec::new();
        if let Some(partition) = self.catalog.partition(entity_type) {
            let is_used = |id: &str| used.contains(&(entity_type.to_owned(), id.to_owned()));
            let excluded = used.iter().filter(|(ty, _)| ty == entity_type).count();
            let want = self.options.nearest.max(1);
            let hits = partition.index().search(query, want + excluded)?;
            nearest = hits
                .into_iter()
                .filter_map(|h| partition.id(h.row).map(|id| (id, h.similarity)))
                .filter(|(id, _)| !is_used(id))
                .take(want)
                .map(|(id, similarity)| Candidate {
                    id: id.to_owned(),
                    similarity,
                })
                .collect();
        }
        let accepted = nearest.first().is_some_and(|best| {
            let s = f64::from(best.similarity);
            s >= adjusted.value && self.bands.accepts(self.classify(s, adjusted.value))
        });
        Ok(MemberOutcome {
            resolved: *resolved,
            adjusted,
            candidate_count,
            nearest,
            accepted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adjust::StepKind;
    use crate::index::IndexKind;
    use crate::{Layer, Strategy, Threshold};

    fn uv(v: &[f32]) -> UnitVector {
        UnitVector::new(v.to_vec()).expect("test vectors are non-zero and finite")
    }

    fn t(ty: &'static str, value: f64) -> Resolved<'static> {
        Resolved {
            value,
            threshold: Threshold::new(value).expect("test thresholds are valid"),
            layer: Layer::ConfigType,
            at: ty,
            target: ty,
            strategy: Strategy::Static,
        }
    }

    /// A unit vector whose cosine with `[1, 0]` is `c`.
    fn at_cosine(c: f32) -> UnitVector {
        uv(&[c, (1.0 - c * c).sqrt()])
    }

    /// One `A` entity `a` and one `B` entity `b`, at the given cosines from the query `[1, 0]`.
    fn union_catalog(a: f32, b: f32) -> Catalog {
        let mut c = Catalog::new(2, IndexKind::Exact);
        c.add("A", "a", &at_cosine(a)).unwrap();
        c.add("B", "b", &at_cosine(b)).unwrap();
        c
    }

    fn catalog() -> Catalog {
        let mut c = Catalog::new(2, IndexKind::Exact);
        c.add("A", "a:x", &uv(&[1.0, 0.0])).unwrap();
        c.add("A", "a:y", &uv(&[0.0, 1.0])).unwrap();
        c.add("B", "b:x", &uv(&[1.0, 0.0])).unwrap();
        c
    }

    const FWD: Operator = Operator::ForwardFuzzy;
    const BWD: Operator = Operator::BackwardFuzzy;

    #[test]
    fn forward_matches_at_or_above_threshold_else_creates() {
        let c = catalog();
        let cfg = SimilarityThresholdConfig::default();
        let m = Matcher::new(&c, &cfg);
        let q = at_cosine(0.85);
        let s = m.resolve(FWD, &[t("A", 0.8)], &q).unwrap();
        assert_eq!(
            (s.decision, s.id.as_deref()),
            (Decision::Matched, Some("a:x"))
        );
        assert_eq!(s.entity_type.as_deref(), Some("A"));
        assert_eq!(s.confidence, Confidence::Medium);
        // The boundary is inclusive: a threshold equal to the similarity accepts.
        let sim = f64::from(s.similarity.unwrap());
        assert_eq!(
            m.resolve(FWD, &[t("A", sim)], &q).unwrap().decision,
            Decision::Matched
        );
        let s = m.resolve(FWD, &[t("A", sim + 1e-9)], &q).unwrap();
        assert_eq!(
            (s.decision, s.id, s.entity_type.as_deref()),
            (Decision::Create, None, Some("A"))
        );
        assert_eq!(
            s.similarity.map(f64::from),
            Some(sim),
            "the rejected best similarity is reported"
        );
        assert_eq!(s.confidence, Confidence::Low);
    }

    #[test]
    fn backward_matches_or_links_nothing() {
        let c = catalog();
        let cfg = SimilarityThresholdConfig::default();
        let m = Matcher::new(&c, &cfg);
        let s = m.resolve(BWD, &[t("A", 0.8)], &at_cosine(0.9)).unwrap();
        assert_eq!(
            (s.decision, s.id.as_deref()),
            (Decision::Matched, Some("a:x"))
        );
        let s = m.resolve(BWD, &[t("A", 0.95)], &at_cosine(0.9)).unwrap();
        assert_eq!(
            (s.decision, s.id, s.entity_type),
            (Decision::None, None, None)
        );
    }

    #[test]
    fn forward_union_takes_best_accepted_member() {
        let c = union_catalog(0.80, 0.95);
        let cfg = SimilarityThresholdConfig::default();
        let m = Matcher::new(&c, &cfg);
        let q = uv(&[1.0, 0.0]);
        let s = m.resolve(FWD, &[t("A", 0.7), t("B", 0.7)], &q).unwrap();
        assert_eq!((s.id.as_deref(), s.member), (Some("b"), 1));
        // B is more similar but rejected by its own threshold: A wins.
        let s = m.resolve(FWD, &[t("A", 0.7), t("B", 0.99)], &q).unwrap();
        assert_eq!((s.id.as_deref(), s.member), (Some("a"), 0));
        assert!(
            s.members.iter().all(|m| m.nearest.len() == 1),
            "every member was searched"
        );
        // None accepted: create the first member's type.
        let s = m.resolve(FWD, &[t("A", 0.99), t("B", 0.99)], &q).unwrap();
        assert_eq!(
            (s.decision, s.entity_type.as_deref(), s.member),
            (Decision::Create, Some("A"), 0)
        );
    }

    #[test]
    fn forward_union_ties_go_to_the_earlier_member() {
        let c = union_catalog(0.9, 0.9);
        let cfg = SimilarityThresholdConfig::default();
        let m = Matcher::new(&c, &cfg);
        let q = uv(&[1.0, 0.0]);
        assert_eq!(
            m.resolve(FWD, &[t("A", 0.8), t("B", 0.8)], &q)
                .unwrap()
                .id
                .as_deref(),
            Some("a")
        );
        assert_eq!(
            m.resolve(FWD, &[t("B", 0.8), t("A", 0.8)], &q)
                .unwrap()
                .id
                .as_deref(),
            Some("b")
        );
    }

    #[test]
    fn backward_union_is_an_ordered_fallback() {
        let c = union_catalog(0.80, 0.95);
        let cfg = SimilarityThresholdConfig::default();
        let m = Matcher::new(&c, &cfg);
        let q = uv(&[1.0, 0.0]);
        // A accepts, so B (more similar) is never consulted.
        let s = m.resolve(BWD, &[t("A", 0.7), t("B", 0.7)], &q).unwrap();
        assert_eq!((s.id.as_deref(), s.members.len()), (Some("a"), 1));
        // A rejects: fall back to B.
        let s = m.resolve(BWD, &[t("A", 0.9), t("B", 0.9)], &q).unwrap();
        assert_eq!(
            (s.id.as_deref(), s.member, s.members.len()),
            (Some("b"), 1, 2)
        );
        let s = m.resolve(BWD, &[t("A", 0.99), t("B", 0.99)], &q).unwrap();
        assert_eq!((s.decision, s.members.len()), (Decision::None, 2));
    }

    #[test]
    fn array_never_matches_one_entity_twice() {
        let mut c = Catalog::new(2, IndexKind::Exact);
        c.add("A", "a1", &at_cosine(0.99)).unwrap();
        c.add("A", "a2", &at_cosine(0.90)).unwrap();
        let cfg = SimilarityThresholdConfig::default();
        let q = uv(&[1.0, 0.0]);
        let rs = Matcher::new(&c, &cfg)
            .resolve_array(FWD, &[t("A", 0.85)], &[q.clone(), q.clone(), q])
            .unwrap();
        let got: Vec<_> = rs.iter().map(|r| (r.decision, r.id.as_deref())).collect();
        assert_eq!(
            got,
            [
                (Decision::Matched, Some("a1")),
                (Decision::Matched, Some("a2")),
                (Decision::Create, None)
            ]
        );
        assert!(
            rs[2].members[0].nearest.is_empty(),
            "both entities are used up"
        );
    }

    #[test]
    fn array_exclusion_is_per_type() {
        let c = catalog();
        let cfg = SimilarityThresholdConfig::default();
        let q = uv(&[1.0, 0.0]);
        let rs = Matcher::new(&c, &cfg)
            .resolve_array(FWD, &[t("A", 0.9), t("B", 0.9)], &[q.clone(), q])
            .unwrap();
        assert_eq!(rs[0].id.as_deref(), Some("a:x"));
        // a:x is used; b:x (same vector, other type) is still available.
        assert_eq!((rs[1].id.as_deref(), rs[1].member), (Some("b:x"), 1));
    }

    #[test]
    fn adaptive_threshold_is_fed_the_real_candidate_count() {
        let c = catalog();
        let cfg = SimilarityThresholdConfig::default();
        let adaptive = |ty, v| Resolved {
            strategy: Strategy::Adaptive,
            ..t(ty, v)
        };
        let q = at_cosine(0.85);
        let s = Matcher::new(&c, &cfg)
            .resolve(FWD, &[adaptive("A", 0.9)], &q)
            .unwrap();
        assert_eq!(
            s.decision,
            Decision::Matched,
            "0.85 passes 0.90 loosened to 0.80 (2 candidates < 10)"
        );
        let member = &s.members[0];
        assert_eq!(
            (member.candidate_count, member.adjusted.base, s.threshold),
            (2, 0.9, 0.8)
        );
        assert_eq!(member.adjusted.steps[0].step, StepKind::Adaptive);
        assert!(
            member.adjusted.steps[0].why.contains("2 candidates"),
            "{}",
            member.adjusted.steps[0].why
        );
        // The same threshold on a static type is not moved.
        let s = Matcher::new(&c, &cfg)
            .resolve(FWD, &[t("A", 0.9)], &q)
            .unwrap();
        assert_eq!((s.decision, s.threshold), (Decision::Create, 0.9));
        // More than 1000 candidates tighten by 0.05.
        let mut big = Catalog::new(2, IndexKind::Exact);
        for i in 0..1001 {
            big.add("A", &format!("a{i}"), &at_cosine(0.5)).unwrap();
        }
        let s = Matcher::new(&big, &cfg)
            .resolve(FWD, &[adaptive("A", 0.8)], &q)
            .unwrap();
        assert_eq!((s.members[0].candidate_count, s.threshold), (1001, 0.85));
    }

    #[test]
    fn minimum_confidence_only_tightens() {
        let c = catalog();
        let q = at_cosine(0.85);
        let strict = SimilarityThresholdConfig::from_json_str(
            r#"{"confidence":{"minimumConfidence":"high"}}"#,
        )
        .unwrap();
        let s = Matcher::new(&c, &strict)
            .resolve(FWD, &[t("A", 0.8)], &q)
            .unwrap();
        assert_eq!(
            (s.decision, s.confidence),
            (Decision::Create, Confidence::Medium)
        );
        let s = Matcher::new(&c, &strict)
            .resolve(FWD, &[t("A", 0.7)], &q)
            .unwrap();
        assert_eq!(
            (s.decision, s.confidence),
            (Decision::Matched, Confidence::High)
        );
        let loose = SimilarityThresholdConfig::from_json_str(
            r#"{"confidence":{"minimumConfidence":"low"}}"#,
        )
        .unwrap();
        let s = Matcher::new(&c, &loose)
            .resolve(FWD, &[t("A", 0.9)], &q)
            .unwrap();
        assert_eq!(
            (s.decision, s.confidence),
            (Decision::Create, Confidence::Low),
            "a low band never matches"
        );
    }

    #[test]
    fn unknown_or_empty_type_creates() {
        let c = catalog();
        let cfg = SimilarityThresholdConfig::default();
        let s = Matcher::new(&c, &cfg)
            .resolve(FWD, &[t("Nope", 0.5)], &uv(&[1.0, 0.0]))
            .unwrap();
        assert_eq!(
            (s.decision, s.similarity, s.confidence),
            (Decision::Create, None, Confidence::None)
        );
        assert_eq!(s.members[0].candidate_count, 0);
    }

    #[test]
    fn errors() {
        let c = catalog();
        let cfg = SimilarityThresholdConfig::default();
        let m = Matcher::new(&c, &cfg);
        let q = uv(&[1.0, 0.0]);
        assert_eq!(
            m.resolve(Operator::ForwardExact, &[t("A", 0.5)], &q),
            Err(MatchError::NotFuzzy(Operator::ForwardExact))
        );
        assert_eq!(m.resolve(FWD, &[], &q), Err(MatchError::NoTargets));
        let err = m
            .resolve(FWD, &[t("Nope", 0.5)], &uv(&[1.0, 0.0, 0.0]))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "dimension mismatch: expected 2 components, found 3"
        );
        assert_eq!(
            MatchError::NotFuzzy(Operator::BackwardExact).to_string(),
            "operator `<-` is exact: only `~>` and `<~` are resolved by similarity"
        );
    }

    #[test]
    fn explanation_and_feedback() {
        let mut c = Catalog::new(2, IndexKind::Exact);
        for (i, cos) in [0.5f32, 0.9, 0.77, 0.95].iter().enumerate() {
            c.add("A", &format!("a{i}"), &at_cosine(*cos)).unwrap();
        }
        let cfg = SimilarityThresholdConfig::default();
        let m = Matcher::new(&c, &cfg).with_options(MatchOptions { nearest: 3 });
        let s = m.resolve(FWD, &[t("A", 0.8)], &uv(&[1.0, 0.0])).unwrap();
        let ids: Vec<_> = s.members[0].nearest.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["a3", "a1", "a2"]);
        let e = &s.explain("Owner", "field", FWD)[0];
        assert_eq!(
            (e.threshold, e.above, e.near_below, e.layer),
            (0.8, 2, 1, Layer::ConfigType)
        );
        let ok = s.feedback("m", true, None);
        assert_eq!(
            (ok.correct, ok.similarity.map(|x| (x * 100.0).round())),
            (true, Some(95.0))
        );
        assert!(s.feedback("m", false, None).is_false_positive());
        let fn_ = s.feedback("m", false, Some("a2".into()));
        assert!(fn_.is_false_negative());
        assert_eq!(fn_.similarity.map(|x| (x * 100.0).round()), Some(77.0));
        assert_eq!(s.feedback("m", false, Some("zz".into())).similarity, None);
    }

    #[test]
    fn resolution_serializes_for_programs() {
        let c = union_catalog(0.75, 0.9);
        let cfg = SimilarityThresholdConfig::default();
        let adaptive = Resolved {
            strategy: Strategy::Adaptive,
            ..t("B", 0.9)
        };
        let r = Matcher::new(&c, &cfg)
            .resolve(FWD, &[t("A", 0.8), adaptive], &uv(&[1.0, 0.0]))
            .unwrap();
        insta::assert_json_snapshot!(r);
    }

    fn unit_vectors(
        n: std::ops::Range<usize>,
    ) -> impl proptest::strategy::Strategy<Value = Vec<UnitVector>> {
        use proptest::prelude::*;
        // Coarse components: exact ties between entities are likely.
        proptest::collection::vec(proptest::collection::vec(-2i8..=2, 3), n).prop_map(|rows| {
            rows.into_iter()
                .filter_map(|r| UnitVector::new(r.into_iter().map(f32::from).collect()).ok())
                .collect()
        })
    }

    proptest::proptest! {
        /// `~>` on one member equals brute force: the most similar entity (the first on a tie)
        /// if it reaches the threshold, else create.
        #[test]
        fn forward_equals_brute_force(
            entities in unit_vectors(0..12),
            queries in unit_vectors(1..6),
            threshold in 0.0f64..=1.0,
        ) {
            let mut c = Catalog::new(3, IndexKind::Exact);
            for (i, e) in entities.iter().enumerate() {
                c.add("A", &format!("e{i}"), e).unwrap();
            }
            let cfg = SimilarityThresholdConfig::default();
            let m = Matcher::new(&c, &cfg);
            for q in &queries {
                let r = m.resolve(FWD, &[t("A", threshold)], q).unwrap();
                let mut best: Option<(usize, f32)> = None;
                for (i, e) in entities.iter().enumerate() {
                    let s = e.cosine(q).unwrap();
                    if best.is_none_or(|(_, b)| s > b) {
                        best = Some((i, s));
                    }
                }
                let expected = best.filter(|(_, s)| f64::from(*s) >= threshold).map(|(i, _)| format!("e{i}"));
                proptest::prop_assert_eq!(&r.id, &expected);
                let decision = if expected.is_some() { Decision::Matched } else { Decision::Create };
                proptest::prop_assert_eq!(r.decision, decision);
            }
        }

        /// An array field never matches one entity twice, and every match reaches its threshold.
        #[test]
        fn array_matches_are_distinct(
            a in unit_vectors(0..8),
            b in unit_vectors(0..8),
            queries in unit_vectors(1..10),
            ta in 0.0f64..=1.0,
            tb in 0.0f64..=1.0,
            forward in proptest::bool::ANY,
        ) {
            let mut c = Catalog::new(3, IndexKind::Exact);
            for (i, v) in a.iter().enumerate() {
                c.add("A", &format!("x{i}"), v).unwrap();
            }
            for (i, v) in b.iter().enumerate() {
                c.add("B", &format!("x{i}"), v).unwrap();
            }
            let cfg = SimilarityThresholdConfig::default();
            let op = if forward { FWD } else { BWD };
            let rs = Matcher::new(&c, &cfg).resolve_array(op, &[t("A", ta), t("B", tb)], &queries).unwrap();
            let mut seen = HashSet::new();
            for r in &rs {
                if r.decision == Decision::Matched {
                    let key = (r.entity_type.clone(), r.id.clone());
                    proptest::prop_assert!(seen.insert(key), "matched twice: {:?}", r.id);
                    proptest::prop_assert!(f64::from(r.similarity.unwrap()) >= r.threshold);
                } else {
                    proptest::prop_assert_eq!(r.decision, if forward { Decision::Create } else { Decision::None });
                }
            }
        }
    }
}
