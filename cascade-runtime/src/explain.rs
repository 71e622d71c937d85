//! Explaining a threshold decision (DESIGN §5): which threshold, from where, how it was adjusted,
//! what it means, and what the candidates at hand would do under it and its neighbours.
//!
//! Serialized (for `cascade explain --json`) with the keys of DESIGN §10: `threshold` (final),
//! `base`, `layer`, `steps`, `meaning`, `above`, `near_below`, `alternatives`, plus `owner`,
//! `field`, `operator`, `type` and `at` to say which member of which field it is about.
//! `Display` is the same for people.
//!
//! Counts are over the candidate scores given: `above` holds those `≥ threshold`, `near_below`
//! those within 0.05 below it (`threshold − 0.05 ≤ s < threshold`), and the alternatives are the
//! threshold ± 0.05 (those within `0.0..=1.0`) with how many scores each would accept. NaN
//! scores count nowhere.

use std::fmt;

use serde::Serialize;

use crate::adjust::{Adjusted, Conditions, Step, StepKind, adjust, tidy};
use crate::resolve::{ResolveError, Resolved, Resolver, Source};
use crate::{Layer, Operator, Strategy};

/// How far below the threshold `near_below` looks, and how far the alternatives lie.
///
/// ```
/// assert_eq!(cascade_runtime::explain::NEAR, 0.05);
/// ```
pub const NEAR: f64 = 0.05;

/// A threshold decision explained.
///
/// ```
/// use cascade_runtime::adjust::Adjusted;
/// use cascade_runtime::explain::Explanation;
/// use cascade_runtime::resolve::Resolved;
/// use cascade_runtime::Operator;
///
/// let r = Resolved::builtin("ICP");
/// let adjusted = Adjusted { base: 0.8, value: 0.8, steps: vec![] };
/// let e = Explanation::new("Startup", "customer", Operator::ForwardFuzzy, &r, adjusted, &[0.91, 0.78, 0.5]);
/// assert_eq!((e.above, e.near_below), (1, 1));
/// assert_eq!(e.meaning, "accepting matches with 80%+ similarity; below that a new ICP is created");
/// assert_eq!(e.alternatives[0].would_match, 2);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    /// The type declaring the field.
    pub owner: String,
    /// The field.
    pub field: String,
    /// `~>` or `<~`.
    pub operator: Operator,
    /// The union member (target type) this is about.
    #[serde(rename = "type")]
    pub target: String,
    /// The final threshold, after the adjustments.
    pub threshold: f64,
    /// The resolved threshold before the adjustments.
    pub base: f64,
    /// The layer the base came from.
    pub layer: Layer,
    /// Where the base was written.
    pub at: String,
    /// The target's effective strategy (`adaptive` uses the candidate count).
    pub strategy: Strategy,
    /// Each adjustment that ran, in order: those that moved the threshold, and a dimension step
    /// held by the `minThreshold` floor (its `why` says so).
    pub steps: Vec<Step>,
    /// One line: "accepting matches with 82%+ similarity; ...".
    pub meaning: String,
    /// How many candidate scores are at or above the threshold.
    pub above: usize,
    /// How many lie within 0.05 below it.
    pub near_below: usize,
    /// The threshold − 0.05 and + 0.05, with what each would accept.
    pub alternatives: Vec<Alternative>,
}

/// A neighbouring threshold and how many candidates it would accept.
///
/// ```
/// # use cascade_runtime::{adjust::Adjusted, explain::Explanation, resolve::Resolved, Operator};
/// let e = Explanation::new("O", "f", Operator::ForwardFuzzy, &Resolved::builtin("T"),
///     Adjusted { base: 0.8, value: 0.8, steps: vec![] }, &[0.86]);
/// assert_eq!((e.alternatives[1].threshold, e.alternatives[1].would_match), (0.85, 1));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Alternative {
    /// The alternative threshold.
    pub threshold: f64,
    /// How many of the scores are at or above it.
    pub would_match: usize,
    /// What choosing it means.
    pub description: String,
}

fn count_at_or_above(scores: &[f64], t: f64) -> usize {
    scores.iter().filter(|&&s| s >= t).count()
}

impl Explanation {
    /// Explains `resolved` after `adjusted`, counting `scores` (candidate similarities).
    ///
    /// ```
    /// # use cascade_runtime::{adjust::Adjusted, explain::Explanation, resolve::Resolved, Operator};
    /// let r = Resolved::builtin("Industry");
    /// let e = Explanation::new("Company", "industry", Operator::BackwardFuzzy, &r,
    ///     Adjusted { base: 0.8, value: 0.8, steps: vec![] }, &[]);
    /// assert!(e.meaning.ends_with("no Industry is linked"));
    /// ```
    pub fn new(
        owner: &str,
        field: &str,
        operator: Operator,
        resolved: &Resolved<'_>,
        adjusted: Adjusted,
        scores: &[f64],
    ) -> Explanation {
        let t = adjusted.value;
        let lower = tidy(t - NEAR);
        let upper = tidy(t + NEAR);
        let above = count_at_or_above(scores, t);
        let near_below = scores.iter().filter(|&&s| s >= lower && s < t).count();
        let mut alternatives = Vec::with_capacity(2);
        if lower >= 0.0 {
            alternatives.push(Alternative {
                threshold: lower,
                would_match: count_at_or_above(scores, lower),
                description: "looser matching (more results)".to_owned(),
            });
        }
        if upper <= 1.0 {
            alternatives.push(Alternative {
                threshold: upper,
                would_match: count_at_or_above(scores, upper),
                description: "stricter matching (fewer, higher quality)".to_owned(),
            });
        }
        let target = resolved.target;
        let meaning = meaning(operator, &[target], 0, t);
        Explanation {
            owner: owner.to_owned(),
            field: field.to_owned(),
            operator,
            target: target.to_owned(),
            threshold: t,
            base: adjusted.base,
            layer: resolved.layer,
            at: resolved.at.to_owned(),
            strategy: resolved.strategy,
            steps: adjusted.steps,
            meaning,
            above,
            near_below,
            alternatives,
        }
    }
}

/// Explains every union member of `owner.field`: resolution with `resolver`, the adjustments under
/// `conditions`, and the counts over `scores`.
///
/// ```
/// use cascade_runtime::adjust::Conditions;
/// use cascade_runtime::config::SimilarityThresholdConfig;
/// use cascade_runtime::explain::explain;
/// use cascade_runtime::resolve::Resolver;
/// use cascade_runtime::table::{FieldTable, Schema, TargetTable, TypeTable};
/// use cascade_runtime::Operator;
/// const T: TypeTable = TypeTable { name: "ICP", threshold: None, strategy: None,
///     fuzzy_threshold: None, schema_default: None, fields: &[] };
/// static TYPES: [TypeTable; 2] = [T, TypeTable { name: "Startup", fields: &[FieldTable {
///     name: "customer", operator: Some(Operator::ForwardFuzzy), array: false, optional: false,
///     targets: &[TargetTable { type_name: "ICP", threshold: None, type_threshold: None, strategy: None }],
/// }], ..T }];
/// static SCHEMA: Schema = Schema { default: None, types: &TYPES, index: &[] };
/// let cfg = SimilarityThresholdConfig::default();
/// let e = explain(&Resolver::new(&SCHEMA, &cfg), "Startup", "customer", &Conditions::default(), &[0.9]).unwrap();
/// assert_eq!(e[0].above, 1);
/// ```
pub fn explain(
    resolver: &Resolver<'_>,
    owner: &str,
    field: &str,
    conditions: &Conditions,
    scores: &[f64],
) -> Result<Vec<Explanation>, ResolveError> {
    let (_, f) = resolver.field(owner, field)?;
    let operator = f.operator.unwrap_or(Operator::ForwardFuzzy);
    let members: Vec<&str> = f.targets.iter().map(|t| t.type_name).collect();
    Ok(resolver
        .resolve_all(owner, field)?
        .enumerate()
        .map(|(i, r)| {
            let adjusted = adjust(&r, conditions, resolver.config());
            let mut e = Explanation::new(owner, field, operator, &r, adjusted, scores);
            e.meaning = meaning(operator, &members, i, e.threshold);
            e
        })
        .collect())
}

/// The one-line meaning of threshold `t` for member `index` of the union `members` (the target
/// types in the order written) under `operator` (DESIGN §8).
///
/// A single target: below the threshold `~>` creates a new one and `<~` links none. A `~>` union
/// takes the best accepted member (ties go to the earlier member) and creates the *first* member
/// only when no member accepts; a `<~` union is an ordered fallback: each member is tried only
/// when the ones before it accept none, and nothing is linked when none accepts.
///
/// ```
/// use cascade_runtime::Operator;
/// use cascade_runtime::explain::meaning;
/// assert_eq!(meaning(Operator::ForwardFuzzy, &["ICP"], 0, 0.82),
///     "accepting matches with 82%+ similarity; below that a new ICP is created");
/// assert_eq!(meaning(Operator::ForwardFuzzy, &["A", "B", "C"], 1, 0.91),
///     "accepting B matches with 91%+ similarity; the best accepted match of A|B|C wins \
///      (ties go to the earlier member), and only when no member accepts is a new A created");
/// assert_eq!(meaning(Operator::BackwardFuzzy, &["A", "B"], 1, 0.9),
///     "accepting B matches with 90%+ similarity; B is tried only when A accepts none, \
///      and below that nothing is linked");
/// ```
pub fn meaning(operator: Operator, members: &[&str], index: usize, t: f64) -> String {
    let forward = matches!(operator, Operator::ForwardFuzzy | Operator::ForwardExact);
    let pct = percent(t);
    let (Some(target), true) = (members.get(index), members.len() > 1) else {
        let target = members
            .get(index)
            .or(members.first())
            .copied()
            .unwrap_or("target");
        let otherwise = if forward {
            format!("a new {target} is created")
        } else {
            format!("no {target} is linked")
        };
        return format!("accepting matches with {pct}%+ similarity; below that {otherwise}");
    };
    let union = members.join("|");
    let head = format!("accepting {target} matches with {pct}%+ similarity");
    if forward {
        let first = members.first().copied().unwrap_or(target);
        return format!(
            "{head}; the best accepted match of {union} wins (ties go to the earlier member), \
             and only when no member accepts is a new {first} created"
        );
    }
    let before = members.get(..index).unwrap_or_default();
    let when = match before {
        [] => format!("{target} is tried first"),
        [only] => format!("{target} is tried only when {only} accepts none"),
        [init @ .., last] => format!(
            "{target} is tried only when {} and {last} accept none",
            init.join(", ")
        ),
    };
    let then = match members.get(index + 1) {
        Some(next) => format!("{next} is tried next"),
        None => "nothing is linked".to_owned(),
    };
    format!("{head}; {when}, and below that {then}")
}

fn strategy_name(s: Strategy) -> &'static str {
    match s {
        Strategy::Static => "static",
        Strategy::Adaptive => "adaptive",
    }
}

/// `0.82` → `82`, `0.786667` → `78.67`: two decimals at most, trailing zeros dropped.
fn percent(t: f64) -> String {
    let text = format!("{:.2}", t * 100.0);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A number as people read it: float noise removed, shortest form (`0.72`, `82.5`).
fn num(x: f64) -> String {
    let r = (x * 1e6).round() / 1e6;
    format!("{r}")
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = Source {
            layer: self.layer,
            at: &self.at,
        };
        writeln!(
            f,
            "{}.{} {} {}: threshold {}",
            self.owner,
            self.field,
            self.operator,
            self.target,
            num(self.threshold)
        )?;
        writeln!(
            f,
            "  resolved   {} from {source} ({}), strategy {}",
            num(self.base),
            self.layer,
            strategy_name(self.strategy)
        )?;
        for s in &self.steps {
            let label = match s.step {
                StepKind::Dimension => "dimension",
                StepKind::Adaptive => "adaptive ",
                StepKind::Clamp => "clamp    ",
            };
            writeln!(f, "  {label}  {} → {}: {}", num(s.from), num(s.to), s.why)?;
        }
        writeln!(f, "  meaning    {}", self.meaning)?;
        writeln!(
            f,
            "  candidates {} at or above {}, {} within {NEAR} below",
            self.above,
            num(self.threshold),
            self.near_below
        )?;
        for a in &self.alternatives {
            let label = if a.threshold < self.threshold {
                "looser   "
            } else {
                "stricter "
            };
            writeln!(
                f,
                "  {label}  {} would match {}: {}",
                num(a.threshold),
                a.would_match,
                a.description
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::{Just, prop_assert, prop_assert_eq, prop_oneof, proptest};
    use proptest::strategy::Strategy as _;

    use super::*;
    use crate::Threshold;

    fn resolved(t: f64) -> Resolved<'static> {
        Resolved {
            value: t,
            threshold: Threshold::new(t).unwrap(),
            layer: Layer::SchemaType,
            at: "T.$threshold",
            target: "T",
            strategy: crate::Strategy::Static,
        }
    }

    #[test]
    fn json_has_the_design_keys() {
        let e = Explanation::new(
            "O",
            "f",
            Operator::ForwardFuzzy,
            &resolved(0.82),
            Adjusted {
                base: 0.82,
                value: 0.82,
                steps: vec![],
            },
            &[0.9, 0.8, 0.7],
        );
        let v = serde_json::to_value(&e).unwrap();
        for key in [
            "threshold",
            "base",
            "layer",
            "steps",
            "meaning",
            "above",
            "near_below",
            "alternatives",
        ] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
        assert_eq!(v["layer"], "schema-type");
        assert_eq!(v["alternatives"][0]["threshold"], 0.77);
        assert_eq!(v["alternatives"][1]["threshold"], 0.87);
        assert_eq!(v["alternatives"][0]["would_match"], 2);
    }

    #[test]
    fn alternatives_outside_the_range_are_left_out() {
        let e = Explanation::new(
            "O",
            "f",
            Operator::ForwardFuzzy,
            &resolved(0.98),
            Adjusted {
                base: 0.98,
                value: 0.98,
                steps: vec![],
            },
            &[],
        );
        assert_eq!(e.alternatives.len(), 1);
        assert_eq!(e.alternatives[0].threshold, 0.93);
    }

    #[test]
    fn single_targets_keep_their_meaning() {
        assert_eq!(
            meaning(Operator::ForwardFuzzy, &["ICP"], 0, 0.82),
            "accepting matches with 82%+ similarity; below that a new ICP is created"
        );
        assert_eq!(
            meaning(Operator::BackwardFuzzy, &["Industry"], 0, 0.785),
            "accepting matches with 78.5%+ similarity; below that no Industry is linked"
        );
    }

    #[test]
    fn forward_union_members_name_the_best_match_rule_and_the_first_member() {
        // `~>A|B(0.91)|C`: no member is said to create its own type.
        for (i, t) in [(0, 0.8), (1, 0.91), (2, 0.8)] {
            let m = meaning(Operator::ForwardFuzzy, &["A", "B", "C"], i, t);
            let member = ["A", "B", "C"][i];
            assert!(
                m.starts_with(&format!("accepting {member} matches with")),
                "{m}"
            );
            assert!(m.contains("best accepted match of A|B|C wins"), "{m}");
            assert!(m.contains("ties go to the earlier member"), "{m}");
            assert!(
                m.ends_with("only when no member accepts is a new A created"),
                "{m}"
            );
            assert!(!m.contains("new B") && !m.contains("new C"), "{m}");
        }
    }

    #[test]
    fn backward_union_members_are_an_ordered_fallback() {
        let m = |i, t| meaning(Operator::BackwardFuzzy, &["A", "B", "C"], i, t);
        assert_eq!(
            m(0, 0.75),
            "accepting A matches with 75%+ similarity; A is tried first, and below that B is tried next"
        );
        assert_eq!(
            m(1, 0.9),
            "accepting B matches with 90%+ similarity; B is tried only when A accepts none, and below that C is tried next"
        );
        assert_eq!(
            m(2, 0.66),
            "accepting C matches with 66%+ similarity; C is tried only when A and B accept none, and below that nothing is linked"
        );
        let four = meaning(Operator::BackwardFuzzy, &["A", "B", "C", "D"], 3, 0.7);
        assert!(four.contains("only when A, B and C accept none"), "{four}");
    }

    proptest! {
        #[test]
        fn counts_equal_a_brute_force_count(
            t in 0.0f64..=1.0,
            scores in proptest::collection::vec(prop_oneof![0.0f64..=1.0, Just(f64::NAN), (0u32..=100).prop_map(|i| f64::from(i) / 100.0)], 0..60),
        ) {
            let e = Explanation::new("O", "f", Operator::ForwardFuzzy, &resolved(t),
                Adjusted { base: t, value: t, steps: vec![] }, &scores);
            let mut above = 0;
            let mut near = 0;
            for &s in &scores {
                if s.is_nan() { continue; }
                if s >= t { above += 1; } else if s >= tidy(t - 0.05) { near += 1; }
            }
            prop_assert_eq!(e.above, above);
            prop_assert_eq!(e.near_below, near);
            for a in &e.alternatives {
                let brute = scores.iter().filter(|s| !s.is_nan() && **s >= a.threshold).count();
                prop_assert_eq!(a.would_match, brute);
                prop_assert!((0.0..=1.0).contains(&a.threshold));
            }
            if let Some(looser) = e.alternatives.iter().find(|a| a.threshold < t) {
                prop_assert_eq!(looser.would_match, above + near);
            }
        }
    }
}
