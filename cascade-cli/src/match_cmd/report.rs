//! The output of `cascade match`: the JSON contract and the table for people.

use std::fmt::Write as _;

use cascade_runtime::confidence::Confidence;
use cascade_runtime::matching::Decision;
use cascade_runtime::{Layer, Operator};

use crate::diagnostics::plural;
use serde::Serialize;

/// One decided query.
#[derive(Clone, Debug)]
pub(crate) struct Outcome {
    pub(crate) query: String,
    pub(crate) entity_type: String,
    /// `None` for an unlabelled query.
    pub(crate) correct: Option<bool>,
    pub(crate) layer: Layer,
    pub(crate) decision: Decision,
    pub(crate) id: Option<String>,
    pub(crate) similarity: Option<f32>,
    pub(crate) confidence: Confidence,
    pub(crate) threshold: f64,
    /// The threshold the layer gave, before the adjustment steps.
    pub(crate) base: f64,
    /// Why each adjustment step moved the threshold from `base` (empty when none did).
    pub(crate) adjustments: Vec<String>,
    /// The confidence a match needs (`confidence.minimumConfidence` of the config).
    pub(crate) minimum_confidence: Confidence,
    /// The most similar entity of the type (id, similarity), also when it was not accepted.
    pub(crate) nearest: Option<(String, f32)>,
}

impl Outcome {
    /// Whether the nearest entity was at or above the threshold but not accepted (the
    /// confidence filter rejected it): the matcher's acceptance rule, similarity first.
    fn filtered(&self) -> bool {
        self.decision != Decision::Matched
            && self
                .nearest
                .as_ref()
                .is_some_and(|(_, similarity)| f64::from(*similarity) >= self.threshold)
    }

    /// Why the decision was taken, in one sentence: the nearest entity, its similarity, the
    /// threshold, the layer it came from and the steps that adjusted it, and the confidence
    /// filter when it is what rejected a similarity at or above the threshold. Both numbers are
    /// printed in full (as in the JSON), so a similarity just below the threshold never reads as
    /// equal to it.
    pub(crate) fn explanation(&self, operator: Operator) -> String {
        let (t, layer, ty) = (self.threshold, self.layer, &self.entity_type);
        let layer = if self.adjustments.is_empty() {
            layer.to_string()
        } else {
            format!(
                "{layer} {}, adjusted: {}",
                self.base,
                self.adjustments.join("; ")
            )
        };
        let reused = if operator == Operator::BackwardFuzzy {
            "linked"
        } else {
            "reused"
        };
        let otherwise = match self.decision {
            Decision::None => "nothing is linked".to_owned(),
            _ => format!("a new {ty} is created"),
        };
        match (&self.nearest, self.decision) {
            (Some((id, similarity)), Decision::Matched) => format!(
                "`{id}` is the most similar {ty} ({similarity}), at or above the threshold {t} ({layer}): {reused}"
            ),
            // The acceptance rule of the matcher: at or above the threshold, then the filter.
            (Some((id, similarity)), _) if self.filtered() => format!(
                "the most similar {ty}, `{id}` ({similarity}), is at or above the threshold {t} ({layer}), but its confidence `{}` is below the `{}` that confidence.minimumConfidence requires: {otherwise}",
                self.confidence, self.minimum_confidence
            ),
            (Some((id, similarity)), _) => format!(
                "the most similar {ty}, `{id}` ({similarity}), is below the threshold {t} ({layer}): {otherwise}"
            ),
            (None, _) => format!("no {ty} exists to compare with: {otherwise}"),
        }
    }
}

/// Every decision and the totals.
#[derive(Clone, Debug)]
pub(crate) struct Report {
    operator: Operator,
    index: String,
    outcomes: Vec<Outcome>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    summary: Summary,
    results: Vec<JsonResult<'a>>,
}

#[derive(Serialize)]
struct Summary {
    queries: usize,
    matched: usize,
    created: usize,
    none: usize,
    /// Correct / labelled; null when no query is labelled.
    accuracy: Option<f64>,
}

#[derive(Serialize)]
struct JsonResult<'a> {
    query: &'a str,
    #[serde(rename = "type")]
    entity_type: &'a str,
    decision: Decision,
    id: Option<&'a str>,
    similarity: Option<f32>,
    confidence: Confidence,
    threshold: f64,
    /// The precedence layer the threshold came from.
    layer: Layer,
    /// Whether the decision agrees with the query's `gold_id`; null when unlabelled.
    correct: Option<bool>,
    /// The most similar entity of the type, also when it was not accepted; null when none exists.
    nearest: Option<JsonCandidate<'a>>,
    /// Why: the nearest entity, its similarity, the threshold and its layer, and the decision.
    explanation: String,
}

#[derive(Serialize)]
struct JsonCandidate<'a> {
    id: &'a str,
    similarity: f32,
}

impl Report {
    pub(crate) fn new(operator: Operator, index: String, outcomes: Vec<Outcome>) -> Report {
        Report {
            operator,
            index,
            outcomes,
        }
    }

    fn summary(&self) -> Summary {
        let count = |d: Decision| self.outcomes.iter().filter(|o| o.decision == d).count();
        let labelled: Vec<bool> = self.outcomes.iter().filter_map(|o| o.correct).collect();
        let right = labelled.iter().filter(|&&c| c).count();
        Summary {
            queries: self.outcomes.len(),
            matched: count(Decision::Matched),
            created: count(Decision::Create),
            none: count(Decision::None),
            accuracy: (!labelled.is_empty()).then(|| right as f64 / labelled.len() as f64),
        }
    }

    /// The `--json` document (DESIGN's `cascade match` contract).
    pub(crate) fn to_json(&self) -> String {
        let doc = JsonReport {
            summary: self.summary(),
            results: self
                .outcomes
                .iter()
                .map(|o| JsonResult {
                    query: &o.query,
                    entity_type: &o.entity_type,
                    decision: o.decision,
                    id: o.id.as_deref(),
                    similarity: o.similarity,
                    confidence: o.confidence,
                    threshold: o.threshold,
                    layer: o.layer,
                    correct: o.correct,
                    nearest: o.nearest.as_ref().map(|(id, similarity)| JsonCandidate {
                        id,
                        similarity: *similarity,
                    }),
                    explanation: o.explanation(self.operator),
                })
                .collect(),
        };
        serde_json::to_string(&doc)
            .expect("the report has no maps and no fallible Serialize impls (a non-finite float is written as null)")
    }

    /// A table for people, then the totals.
    pub(crate) fn to_table(&self) -> String {
        let header = [
            "query",
            "type",
            "decision",
            "id",
            "similarity",
            "confidence",
            "threshold",
            "layer",
            "gold",
        ];
        let rows: Vec<[String; 9]> = self
            .outcomes
            .iter()
            .map(|o| {
                let r = o;
                [
                    shorten(&o.query, QUERY_WIDTH),
                    o.entity_type.clone(),
                    r.decision.to_string(),
                    r.id.clone().unwrap_or_else(|| "-".into()),
                    r.similarity
                        .map_or_else(|| "-".into(), |s| format!("{s:.4}")),
                    r.confidence.to_string(),
                    format!("{:.4}", r.threshold),
                    o.layer.to_string(),
                    match o.correct {
                        Some(true) => "ok".into(),
                        Some(false) => "WRONG".into(),
                        None => "-".into(),
                    },
                ]
            })
            .collect();
        let mut widths = header.map(|h| h.chars().count());
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let line = |out: &mut String, cells: &[&str]| {
            let mut s = String::new();
            for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
                if i > 0 {
                    s.push_str("  ");
                }
                let pad = w.saturating_sub(cell.chars().count());
                s.push_str(cell);
                s.extend(std::iter::repeat_n(' ', pad));
            }
            out.push_str(s.trim_end());
            out.push('\n');
        };
        line(&mut out, &header);
        for row in &rows {
            line(&mut out, &row.each_ref().map(String::as_str));
        }
        let s = self.summary();
        let _ = writeln!(
            out,
            "\n{} queries with `{}` on the {} index: {} matched, {} created, {} none",
            s.queries, self.operator, self.index, s.matched, s.created, s.none
        );
        let labelled = self.outcomes.iter().filter(|o| o.correct.is_some()).count();
        let right = self
            .outcomes
            .iter()
            .filter(|o| o.correct == Some(true))
            .count();
        match s.accuracy {
            Some(a) => {
                let _ = writeln!(
                    out,
                    "accuracy: {right}/{labelled} labelled queries right ({:.1}%)",
                    a * 100.0
                );
            }
            None => {
                let _ = writeln!(out, "accuracy: no query has a `gold_id`, nothing to score");
            }
        }
        // What the table's columns do not show: a similarity at or above the threshold that was
        // still not accepted, and thresholds the adjustment steps moved from their layer's value.
        let filtered = self.outcomes.iter().filter(|o| o.filtered()).count();
        if filtered > 0 {
            let minimum = self.outcomes[0].minimum_confidence;
            let _ = writeln!(
                out,
                "{filtered} {} at or above the threshold not accepted: confidence below the `{minimum}` that confidence.minimumConfidence requires",
                plural(filtered, "query", "queries"),
            );
        }
        let adjusted = self
            .outcomes
            .iter()
            .filter(|o| !o.adjustments.is_empty())
            .count();
        if adjusted > 0 {
            let _ = writeln!(
                out,
                "{adjusted} {} adjusted from the layer's value (dimension, adaptive or clamp step): `--json` explains each",
                plural(adjusted, "threshold", "thresholds"),
            );
        }
        out
    }
}

/// Longer queries are cut in the table (the JSON keeps them whole).
const QUERY_WIDTH: usize = 48;

/// `text`, cut to `width` characters with a trailing `…` when longer.
fn shorten(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(decision: Decision, nearest: Option<(&str, f32)>) -> Outcome {
        Outcome {
            query: "acme inc".into(),
            entity_type: "Company".into(),
            correct: None,
            layer: Layer::ConfigType,
            decision,
            id: (decision == Decision::Matched).then(|| "c:1".into()),
            similarity: nearest.map(|(_, s)| s),
            confidence: Confidence::None,
            threshold: 0.85,
            base: 0.85,
            adjustments: Vec::new(),
            minimum_confidence: Confidence::Low,
            nearest: nearest.map(|(id, s)| (id.to_owned(), s)),
        }
    }

    #[test]
    fn explanations_name_the_adjustments_and_the_confidence_filter() {
        let fwd = Operator::ForwardFuzzy;
        let adjusted = Outcome {
            layer: Layer::Builtin,
            threshold: 0.7,
            base: 0.8,
            adjustments: vec!["5 candidates fall in the band 0..=9: loosen by 0.1".into()],
            ..outcome(Decision::Create, Some(("c:2", 0.61)))
        };
        assert_eq!(
            adjusted.explanation(fwd),
            "the most similar Company, `c:2` (0.61), is below the threshold 0.7 (builtin 0.8, adjusted: 5 candidates fall in the band 0..=9: loosen by 0.1): a new Company is created"
        );
        let filtered = Outcome {
            confidence: Confidence::Medium,
            minimum_confidence: Confidence::High,
            ..outcome(Decision::Create, Some(("c:2", 0.86)))
        };
        assert_eq!(
            filtered.explanation(fwd),
            "the most similar Company, `c:2` (0.86), is at or above the threshold 0.85 (config-type), but its confidence `medium` is below the `high` that confidence.minimumConfidence requires: a new Company is created"
        );
    }

    #[test]
    fn explanations_name_the_nearest_entity_the_threshold_and_its_layer() {
        let fwd = Operator::ForwardFuzzy;
        assert_eq!(
            outcome(Decision::Matched, Some(("c:1", 0.91))).explanation(fwd),
            "`c:1` is the most similar Company (0.91), at or above the threshold 0.85 (config-type): reused"
        );
        assert_eq!(
            outcome(Decision::Create, Some(("c:2", 0.79996))).explanation(fwd),
            "the most similar Company, `c:2` (0.79996), is below the threshold 0.85 (config-type): a new Company is created"
        );
        let back = Operator::BackwardFuzzy;
        assert_eq!(
            outcome(Decision::Matched, Some(("c:1", 0.91))).explanation(back),
            "`c:1` is the most similar Company (0.91), at or above the threshold 0.85 (config-type): linked"
        );
        assert_eq!(
            outcome(Decision::None, None).explanation(back),
            "no Company exists to compare with: nothing is linked"
        );
    }

    #[test]
    fn long_queries_are_cut_on_char_boundaries() {
        assert_eq!(shorten("short", 8), "short");
        assert_eq!(shorten("exactly8", 8), "exactly8");
        assert_eq!(shorten("Zürich–Genève", 8), "Zürich–…");
    }
}
