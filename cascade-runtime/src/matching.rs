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
//! * Array fields ([`Resolver::resolve_array`]): elements are decided in order and an entity
//!   matched by an earlier element is not a candidate for later ones, so one entity is never
//!   linked twice.
//!
//! The thresholds come in already resolved (precedence) as [`Target`]s; the only adjustment that
//! needs the catalog is the adaptive one, which is fed the real candidate count (the number of
//! entities of the target type) through [`Resolver::with_adjustment`].
//!
//! `minimum_confidence` never loosens a threshold: a match is accepted only when the similarity
//! reaches the threshold *and* its confidence band is at least the minimum, so only
//! [`Confidence::High`] as a minimum changes decisions.

use std::collections::HashSet;
use std::fmt;

use serde::Serialize;

use crate::index::{Catalog, IndexError};
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

/// The confidence band of a similarity against a threshold (DESIGN §5).
///
/// TODO(matching): replace by `crate::confidence::Confidence` once the runtime's confidence
/// module lands; this stand-in implements only the default offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// More than 0.15 below the threshold.
    None,
    /// Within 0.15 below the threshold.
    Low,
    /// At or above the threshold.
    Medium,
    /// At least 0.10 above the threshold (or halfway to 1 when that is out of reach).
    High,
}

impl Confidence {
    /// The band of `similarity` against `threshold`.
    pub fn of(similarity: f64, threshold: f64) -> Confidence {
        let high = if threshold + 0.10 > 1.0 {
            (threshold + 1.0) / 2.0
        } else {
            threshold + 0.10
        };
        if similarity >= high {
            Confidence::High
        } else if similarity >= threshold {
            Confidence::Medium
        } else if similarity >= threshold - 0.15 {
            Confidence::Low
        } else {
            Confidence::None
        }
    }
}

/// One member of a reference: the target type and its resolved threshold.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// The entity type searched.
    pub entity_type: String,
    /// The resolved threshold, before the candidate-count adjustment.
    pub threshold: Threshold,
}

impl Target {
    /// A member searching `entity_type` with `threshold`.
    pub fn new(entity_type: impl Into<String>, threshold: Threshold) -> Target {
        Target {
            entity_type: entity_type.into(),
            threshold,
        }
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

/// What one member saw: its threshold after adjustment and its nearest candidates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberOutcome {
    /// The member's type.
    pub entity_type: String,
    /// The resolved threshold the member came with.
    pub base_threshold: f64,
    /// The threshold applied, after the candidate-count adjustment.
    pub threshold: f64,
    /// The number of entities of the type (what the adaptive adjustment was fed).
    pub candidate_count: usize,
    /// The nearest candidates not excluded by earlier array elements, best first.
    pub nearest: Vec<Candidate>,
    /// Whether the best candidate was accepted.
    pub accepted: bool,
}

/// The decision for one reference, with everything needed to explain it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Resolution {
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
    /// Every member that was searched, in order.
    pub members: Vec<MemberOutcome>,
}

/// Resolver settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ResolveOptions {
    /// Candidates kept per member for the explanation (at least 1 is always searched).
    pub nearest: usize,
    /// Matches below this band are not accepted (see the module docs).
    pub minimum_confidence: Confidence,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        ResolveOptions {
            nearest: 5,
            minimum_confidence: Confidence::Medium,
        }
    }
}

type Adjustment<'a> = Box<dyn Fn(&Target, usize) -> f64 + Send + Sync + 'a>;

/// Decides fuzzy references against a [`Catalog`].
///
/// ```
/// use cascade_runtime::index::{Catalog, IndexKind};
/// use cascade_runtime::matching::{Decision, Resolver, Target};
/// use cascade_runtime::similarity::UnitVector;
/// use cascade_runtime::{Operator, Threshold};
///
/// let mut catalog = Catalog::new(2, IndexKind::Exact);
/// catalog.add("Skill", "skill:rust", &UnitVector::new(vec![1.0, 0.0])?)?;
/// let resolver = Resolver::new(&catalog);
/// let skill = [Target::new("Skill", Threshold::new(0.9)?)];
///
/// let near = UnitVector::new(vec![1.0, 0.1])?; // cosine 0.995
/// let r = resolver.resolve(Operator::ForwardFuzzy, &skill, &near)?;
/// assert_eq!((r.decision, r.id.as_deref()), (Decision::Matched, Some("skill:rust")));
///
/// let far = UnitVector::new(vec![1.0, 1.0])?; // cosine 0.707
/// assert_eq!(resolver.resolve(Operator::ForwardFuzzy, &skill, &far)?.decision, Decision::Create);
/// assert_eq!(resolver.resolve(Operator::BackwardFuzzy, &skill, &far)?.decision, Decision::None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Resolver<'a> {
    catalog: &'a Catalog,
    options: ResolveOptions,
    adjust: Option<Adjustment<'a>>,
}

impl fmt::Debug for Resolver<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolver")
            .field("catalog", self.catalog)
            .field("options", &self.options)
            .field("adjust", &self.adjust.is_some())
            .finish()
    }
}

impl<'a> Resolver<'a> {
    /// A resolver over `catalog` with default options and no adjustment.
    pub fn new(catalog: &'a Catalog) -> Resolver<'a> {
        Resolver {
            catalog,
            options: ResolveOptions::default(),
            adjust: None,
        }
    }

    /// Replaces the options.
    pub fn with_options(mut self, options: ResolveOptions) -> Self {
        self.options = options;
        self
    }

    /// Adjusts each member's threshold given the number of entities of its type (the adaptive
    /// strategy of DESIGN §5). The function returns the threshold to apply.
    pub fn with_adjustment(
        mut self,
        adjust: impl Fn(&Target, usize) -> f64 + Send + Sync + 'a,
    ) -> Self {
        self.adjust = Some(Box::new(adjust));
        self
    }

    /// Decides one reference with operator `op` over the union `targets` (one member for a
    /// plain reference).
    pub fn resolve(
        &self,
        op: Operator,
        targets: &[Target],
        query: &UnitVector,
    ) -> Result<Resolution, MatchError> {
        self.resolve_excluding(op, targets, query, &HashSet::new())
    }

    /// Decides the elements of an array field in order; an entity matched by one element is
    /// not a candidate for the later ones.
    ///
    /// ```
    /// # use cascade_runtime::index::{Catalog, IndexKind};
    /// # use cascade_runtime::matching::{Decision, Resolver, Target};
    /// # use cascade_runtime::similarity::UnitVector;
    /// # use cascade_runtime::{Operator, Threshold};
    /// let mut catalog = Catalog::new(2, IndexKind::Exact);
    /// catalog.add("Tag", "tag:a", &UnitVector::new(vec![1.0, 0.0])?)?;
    /// catalog.add("Tag", "tag:b", &UnitVector::new(vec![1.0, 0.2])?)?;
    /// let q = UnitVector::new(vec![1.0, 0.05])?;
    /// let tags = [Target::new("Tag", Threshold::new(0.9)?)];
    /// let rs = Resolver::new(&catalog).resolve_array(Operator::ForwardFuzzy, &tags, &[q.clone(), q])?;
    /// assert_eq!(rs[0].id.as_deref(), Some("tag:a"));
    /// assert_eq!(rs[1].id.as_deref(), Some("tag:b"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve_array(
        &self,
        op: Operator,
        targets: &[Target],
        queries: &[UnitVector],
    ) -> Result<Vec<Resolution>, MatchError> {
        let mut used: HashSet<(String, String)> = HashSet::new();
        let mut out = Vec::with_capacity(queries.len());
        for query in queries {
            let r = self.resolve_excluding(op, targets, query, &used)?;
            if let (Decision::Matched, Some(ty), Some(id)) = (r.decision, &r.entity_type, &r.id) {
                used.insert((ty.clone(), id.clone()));
            }
            out.push(r);
        }
        Ok(out)
    }

    fn resolve_excluding(
        &self,
        op: Operator,
        targets: &[Target],
        query: &UnitVector,
        used: &HashSet<(String, String)>,
    ) -> Result<Resolution, MatchError> {
        if !op.is_fuzzy() {
            return Err(MatchError::NotFuzzy(op));
        }
        if targets.is_empty() {
            return Err(MatchError::NoTargets);
        }
        if query.len() != self.catalog.dims() {
            let mismatch = SimilarityError::DimensionMismatch {
                expected: self.catalog.dims(),
                found: query.len(),
            };
            return Err(MatchError::Index(IndexError::Vector(mismatch)));
        }
        let mut members = Vec::with_capacity(targets.len());
        for target in targets {
            let outcome = self.search_member(target, query, used)?;
            let stop = op == Operator::BackwardFuzzy && outcome.accepted;
            members.push(outcome);
            if stop {
                // `<~` is an ordered fallback: later members are not consulted.
                break;
            }
        }
        // `~>`: the accepted member with the highest similarity, ties to the earlier member
        // (strict `>` while scanning in order). `<~`: the loop stopped at the first accepted one.
        let mut winner: Option<usize> = None;
        for (i, m) in members.iter().enumerate() {
            if !m.accepted {
                continue;
            }
            let better = match winner {
                None => true,
                Some(w) => best_similarity(m) > best_similarity(&members[w]),
            };
            if better {
                winner = Some(i);
            }
        }
        let member = winner.unwrap_or(0);
        let decisive = &members[member];
        let similarity = decisive.nearest.first().map(|c| c.similarity);
        let confidence = similarity.map_or(Confidence::None, |s| {
            Confidence::of(f64::from(s), decisive.threshold)
        });
        let (decision, id) = match winner {
            Some(_) => (
                Decision::Matched,
                decisive.nearest.first().map(|c| c.id.clone()),
            ),
            None if op == Operator::ForwardFuzzy => (Decision::Create, None),
            None => (Decision::None, None),
        };
        let entity_type = match decision {
            Decision::None => None,
            _ => Some(decisive.entity_type.clone()),
        };
        Ok(Resolution {
            decision,
            id,
            entity_type,
            similarity,
            confidence,
            threshold: decisive.threshold,
            member,
            members,
        })
    }

    fn search_member(
        &self,
        target: &Target,
        query: &UnitVector,
        used: &HashSet<(String, String)>,
    ) -> Result<MemberOutcome, MatchError> {
        let candidate_count = self.catalog.candidate_count(&target.entity_type);
        let base = target.threshold.get();
        let threshold = match &self.adjust {
            Some(adjust) => adjust(target, candidate_count),
            None => base,
        };
        let mut nearest = Vec::new();
        if let Some(partition) = self.catalog.partition(&target.entity_type) {
            let excluded = used
                .iter()
                .filter(|(ty, _)| *ty == target.entity_type)
                .count();
            let want = self.options.nearest.max(1);
            let hits = partition.index().search(query, want + excluded)?;
            nearest = hits
                .into_iter()
                .filter_map(|h| partition.id(h.row).map(|id| (id, h.similarity)))
                .filter(|(id, _)| !used.contains(&(target.entity_type.clone(), (*id).to_owned())))
                .take(want)
                .map(|(id, similarity)| Candidate {
                    id: id.to_owned(),
                    similarity,
                })
                .collect();
        }
        let accepted = nearest.first().is_some_and(|best| {
            let s = f64::from(best.similarity);
            s >= threshold && Confidence::of(s, threshold) >= self.options.minimum_confidence
        });
        Ok(MemberOutcome {
            entity_type: target.entity_type.clone(),
            base_threshold: base,
            threshold,
            candidate_count,
            nearest,
            accepted,
        })
    }
}

fn best_similarity(m: &MemberOutcome) -> f32 {
    m.nearest
        .first()
        .map_or(f32::NEG_INFINITY, |c| c.similarity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::IndexKind;
    use std::sync::Mutex;

    fn uv(v: &[f32]) -> UnitVector {
        UnitVector::new(v.to_vec()).expect("test vectors are non-zero and finite")
    }

    fn t(ty: &str, threshold: f64) -> Target {
        Target::new(
            ty,
            Threshold::new(threshold).expect("test thresholds are valid"),
        )
    }

    /// A query at angle θ from `[1, 0]` has cosine cos θ with it; these helpers build vectors
    /// with a chosen cosine to the x axis.
    fn at_cosine(c: f32) -> UnitVector {
        uv(&[c, (1.0 - c * c).sqrt()])
    }

    fn catalog() -> Catalog {
        let mut c = Catalog::new(2, IndexKind::Exact);
        c.add("A", "a:x", &uv(&[1.0, 0.0])).unwrap();
        c.add("A", "a:y", &uv(&[0.0, 1.0])).unwrap();
        c.add("B", "b:x", &uv(&[1.0, 0.0])).unwrap();
        c
    }

    #[test]
    fn forward_matches_at_or_above_threshold_else_creates() {
        let c = catalog();
        let r = Resolver::new(&c);
        let q = at_cosine(0.85);
        let s = r
            .resolve(Operator::ForwardFuzzy, &[t("A", 0.8)], &q)
            .unwrap();
        assert_eq!(
            (s.decision, s.id.as_deref()),
            (Decision::Matched, Some("a:x"))
        );
        assert_eq!(s.entity_type.as_deref(), Some("A"));
        assert_eq!(s.confidence, Confidence::Medium);
        // The similarity itself decides the boundary: a threshold equal to it accepts.
        let sim = f64::from(s.similarity.unwrap());
        assert_eq!(
            r.resolve(Operator::ForwardFuzzy, &[t("A", sim)], &q)
                .unwrap()
                .decision,
            Decision::Matched
        );
        let above = sim + 1e-9;
        let s = r
            .resolve(Operator::ForwardFuzzy, &[t("A", above)], &q)
            .unwrap();
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
        let r = Resolver::new(&c);
        let s = r
            .resolve(Operator::BackwardFuzzy, &[t("A", 0.8)], &at_cosine(0.9))
            .unwrap();
        assert_eq!(
            (s.decision, s.id.as_deref()),
            (Decision::Matched, Some("a:x"))
        );
        let s = r
            .resolve(Operator::BackwardFuzzy, &[t("A", 0.95)], &at_cosine(0.9))
            .unwrap();
        assert_eq!(
            (s.decision, s.id, s.entity_type),
            (Decision::None, None, None)
        );
    }

    #[test]
    fn forward_union_takes_best_accepted_member() {
        let mut c = Catalog::new(2, IndexKind::Exact);
        c.add("A", "a", &at_cosine(0.80)).unwrap();
        c.add("B", "b", &at_cosine(0.95)).unwrap();
        let r = Resolver::new(&c);
        let q = uv(&[1.0, 0.0]);
        let s = r
            .resolve(Operator::ForwardFuzzy, &[t("A", 0.7), t("B", 0.7)], &q)
            .unwrap();
        assert_eq!((s.id.as_deref(), s.member), (Some("b"), 1));
        // B is more similar but not accepted by its own threshold: A wins.
        let s = r
            .resolve(Operator::ForwardFuzzy, &[t("A", 0.7), t("B", 0.99)], &q)
            .unwrap();
        assert_eq!((s.id.as_deref(), s.member), (Some("a"), 0));
        assert!(
            s.members.iter().all(|m| m.nearest.len() == 1),
            "every member was searched"
        );
        // None accepted: create the first member's type.
        let s = r
            .resolve(Operator::ForwardFuzzy, &[t("A", 0.99), t("B", 0.99)], &q)
            .unwrap();
        assert_eq!(
            (s.decision, s.entity_type.as_deref(), s.member),
            (Decision::Create, Some("A"), 0)
        );
    }

    #[test]
    fn forward_union_ties_go_to_the_earlier_member() {
        let mut c = Catalog::new(2, IndexKind::Exact);
        c.add("A", "a", &at_cosine(0.9)).unwrap();
        c.add("B", "b", &at_cosine(0.9)).unwrap();
        let r = Resolver::new(&c);
        let q = uv(&[1.0, 0.0]);
        let ab = r
            .resolve(Operator::ForwardFuzzy, &[t("A", 0.8), t("B", 0.8)], &q)
            .unwrap();
        assert_eq!(ab.id.as_deref(), Some("a"));
        let ba = r
            .resolve(Operator::ForwardFuzzy, &[t("B", 0.8), t("A", 0.8)], &q)
            .unwrap();
        assert_eq!(ba.id.as_deref(), Some("b"));
    }

    #[test]
    fn backward_union_is_an_ordered_fallback() {
        let mut c = Catalog::new(2, IndexKind::Exact);
        c.add("A", "a", &at_cosine(0.80)).unwrap();
        c.add("B", "b", &at_cosine(0.95)).unwrap();
        let r = Resolver::new(&c);
        let q = uv(&[1.0, 0.0]);
        // A accepts, so B (more similar) is never consulted.
        let s = r
            .resolve(Operator::BackwardFuzzy, &[t("A", 0.7), t("B", 0.7)], &q)
            .unwrap();
        assert_eq!((s.id.as_deref(), s.members.len()), (Some("a"), 1));
        // A rejects: fall back to B.
        let s = r
            .resolve(Operator::BackwardFuzzy, &[t("A", 0.9), t("B", 0.9)], &q)
            .unwrap();
        assert_eq!(
            (s.id.as_deref(), s.member, s.members.len()),
            (Some("b"), 1, 2)
        );
        let s = r
            .resolve(Operator::BackwardFuzzy, &[t("A", 0.99), t("B", 0.99)], &q)
            .unwrap();
        assert_eq!((s.decision, s.members.len()), (Decision::None, 2));
    }

    #[test]
    fn array_never_matches_one_entity_twice() {
        let mut c = Catalog::new(2, IndexKind::Exact);
        c.add("A", "a1", &at_cosine(0.99)).unwrap();
        c.add("A", "a2", &at_cosine(0.90)).unwrap();
        let r = Resolver::new(&c);
        let q = uv(&[1.0, 0.0]);
        let rs = r
            .resolve_array(
                Operator::ForwardFuzzy,
                &[t("A", 0.85)],
                &[q.clone(), q.clone(), q],
            )
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
        let r = Resolver::new(&c);
        let q = uv(&[1.0, 0.0]);
        let rs = r
            .resolve_array(
                Operator::ForwardFuzzy,
                &[t("A", 0.9), t("B", 0.9)],
                &[q.clone(), q],
            )
            .unwrap();
        assert_eq!(rs[0].id.as_deref(), Some("a:x"));
        // a:x is used; b:x (same vector, other type) is still available.
        assert_eq!((rs[1].id.as_deref(), rs[1].member), (Some("b:x"), 1));
    }

    #[test]
    fn adaptive_adjustment_sees_the_real_candidate_count() {
        let c = catalog();
        let seen = Mutex::new(Vec::new());
        let r = Resolver::new(&c).with_adjustment(|target, n| {
            seen.lock()
                .expect("no test thread panics while holding the lock")
                .push((target.entity_type.clone(), n));
            // Few candidates: loosen by 0.10, like the spike's band.
            if n < 10 {
                target.threshold.get() - 0.10
            } else {
                target.threshold.get()
            }
        });
        let s = r
            .resolve(
                Operator::ForwardFuzzy,
                &[t("A", 0.9), t("B", 0.9), t("C", 0.9)],
                &at_cosine(0.85),
            )
            .unwrap();
        assert_eq!(
            s.decision,
            Decision::Matched,
            "0.85 passes the loosened 0.80"
        );
        assert!((s.threshold - 0.8).abs() < 1e-12);
        assert!((s.members[0].base_threshold - 0.9).abs() < 1e-12);
        drop(r);
        assert_eq!(
            seen.into_inner().unwrap(),
            [("A".into(), 2), ("B".into(), 1), ("C".into(), 0)]
        );
    }

    #[test]
    fn minimum_confidence_only_tightens() {
        let c = catalog();
        let q = at_cosine(0.85);
        let strict = ResolveOptions {
            minimum_confidence: Confidence::High,
            ..ResolveOptions::default()
        };
        let s = Resolver::new(&c)
            .with_options(strict)
            .resolve(Operator::ForwardFuzzy, &[t("A", 0.8)], &q)
            .unwrap();
        assert_eq!(
            (s.decision, s.confidence),
            (Decision::Create, Confidence::Medium)
        );
        let s = Resolver::new(&c)
            .with_options(strict)
            .resolve(Operator::ForwardFuzzy, &[t("A", 0.7)], &q)
            .unwrap();
        assert_eq!(
            (s.decision, s.confidence),
            (Decision::Matched, Confidence::High)
        );
        let loose = ResolveOptions {
            minimum_confidence: Confidence::Low,
            ..ResolveOptions::default()
        };
        let s = Resolver::new(&c)
            .with_options(loose)
            .resolve(Operator::ForwardFuzzy, &[t("A", 0.9)], &q)
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
        let s = Resolver::new(&c)
            .resolve(Operator::ForwardFuzzy, &[t("Nope", 0.5)], &uv(&[1.0, 0.0]))
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
        let r = Resolver::new(&c);
        let q = uv(&[1.0, 0.0]);
        assert_eq!(
            r.resolve(Operator::ForwardExact, &[t("A", 0.5)], &q),
            Err(MatchError::NotFuzzy(Operator::ForwardExact))
        );
        assert_eq!(
            r.resolve(Operator::ForwardFuzzy, &[], &q),
            Err(MatchError::NoTargets)
        );
        let err = r
            .resolve(
                Operator::ForwardFuzzy,
                &[t("Nope", 0.5)],
                &uv(&[1.0, 0.0, 0.0]),
            )
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
    fn nearest_candidates_are_kept_for_the_explanation() {
        let mut c = Catalog::new(2, IndexKind::Exact);
        for (i, cos) in [0.5f32, 0.9, 0.7, 0.95].iter().enumerate() {
            c.add("A", &format!("a{i}"), &at_cosine(*cos)).unwrap();
        }
        let opts = ResolveOptions {
            nearest: 3,
            ..ResolveOptions::default()
        };
        let s = Resolver::new(&c)
            .with_options(opts)
            .resolve(Operator::ForwardFuzzy, &[t("A", 0.8)], &uv(&[1.0, 0.0]))
            .unwrap();
        let ids: Vec<_> = s.members[0].nearest.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["a3", "a1", "a2"]);
    }

    #[test]
    fn confidence_bands() {
        assert_eq!(Confidence::of(0.92, 0.82), Confidence::High);
        assert_eq!(Confidence::of(0.91, 0.82), Confidence::Medium);
        assert_eq!(Confidence::of(0.82, 0.82), Confidence::Medium);
        assert_eq!(Confidence::of(0.67, 0.82), Confidence::Low);
        assert_eq!(Confidence::of(0.66, 0.82), Confidence::None);
        // t + 0.10 > 1: high starts halfway to 1.
        assert_eq!(Confidence::of(0.975, 0.95), Confidence::High);
        assert_eq!(Confidence::of(0.97, 0.95), Confidence::Medium);
    }
}
