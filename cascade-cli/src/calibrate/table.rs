//! The table for people: one row per type (ALL last), then the spike's grid next to the optimum,
//! then (with `--dims`) the threshold at each dimension.

use std::fmt::Write as _;

use cascade_runtime::calibrate::{ALL, Objective};

use super::Outcome;

/// Left-aligned first column, right-aligned others; columns separated by two spaces.
fn layout(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(&widths).enumerate() {
            if i == 0 {
                let _ = write!(line, "{cell:<w$}");
            } else {
                let _ = write!(line, "  {cell:>w$}");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A calibrated threshold, always to 6 decimals so the column lines up (the JSON document
/// keeps every digit).
fn threshold(t: f64) -> String {
    format!("{t:.6}")
}

/// The fewest decimals, from 2 to 6, that write every one of `values` exactly (or 6), so one
/// column shows them all alike: `0.90` next to `0.75`, `0.825` next to `0.900`.
fn decimals(values: impl IntoIterator<Item = f64>) -> usize {
    let exact = |t: f64, d: usize| format!("{t:.d$}").parse::<f64>() == Ok(t);
    values
        .into_iter()
        .map(|t| (2..6).find(|&d| exact(t, d)).unwrap_or(6))
        .max()
        .unwrap_or(2)
}

fn ratio(x: f64) -> String {
    format!("{x:.3}")
}

fn objective_label(objective: &Objective) -> String {
    match objective {
        Objective::F1 => "max F1".to_owned(),
        Objective::FBeta(beta) => format!("max F-beta (β = {beta})"),
        Objective::PrecisionFloor(p) => format!("max recall at precision >= {p}"),
        Objective::Cost(w) => format!(
            "min cost ({} per false positive, {} per false negative)",
            w.fp(),
            w.fn_()
        ),
    }
}

/// Renders the whole human output.
pub(crate) fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    let n: u64 = outcome.groups.last().map_or(0, |g| g.calibration.n);
    let types = outcome.groups.len().saturating_sub(1);
    let _ = writeln!(
        out,
        "Calibrated thresholds for {} ({n} pairs, {types} {})",
        outcome.pairs_path,
        if types == 1 { "type" } else { "types" }
    );
    let _ = writeln!(
        out,
        "objective: {}; rule: same if {} >= threshold{}\n",
        objective_label(&outcome.objective),
        outcome.score_field,
        match outcome.dims.iter().max() {
            Some(d) => format!(" (at {d} dims)"),
            None => String::new(),
        }
    );

    let first = outcome.groups.first().map(|g| &g.calibration);
    let ci_level = first.and_then(|c| c.ci.map(|ci| ci.level.get()));
    let folds = first.and_then(|c| c.cv.as_ref().map(|cv| cv.folds));
    let schema = outcome.schema.as_ref();
    let schema_decimals = decimals(schema.into_iter().flat_map(|s| {
        outcome
            .groups
            .iter()
            .filter_map(|g| s.compare_with(&g.name))
    }));

    let mut header = vec![
        "type".to_owned(),
        "n".into(),
        "same".into(),
        "threshold".into(),
    ];
    if let Some(level) = ci_level {
        header.push(format!("{:.0}% CI", level * 100.0));
    }
    header.extend(["precision".into(), "recall".into(), "F1".into()]);
    if let Some(k) = folds {
        header.push(format!("{k}-fold F1"));
    }
    if schema.is_some() {
        header.push("schema".into());
    }
    let mut rows = vec![header];
    let mut unmet = false;
    let mut not_calibrated = Vec::new();
    // The last column, with `--schema`: the schema's threshold for the type.
    let schema_cell = |name: &str| {
        schema.map(|schema| {
            schema
                .compare_with(name)
                .map_or_else(|| "-".to_owned(), |t| format!("{t:.schema_decimals$}"))
        })
    };
    for g in &outcome.groups {
        let c = &g.calibration;
        if let Some(warning) = g.warning() {
            // The numbers are defined but mean nothing: show none of them.
            let mut row = vec![g.name.clone(), c.n.to_string(), c.positives.to_string()];
            let dashes = 4 + usize::from(ci_level.is_some()) + usize::from(folds.is_some());
            row.extend(std::iter::repeat_n("-".to_owned(), dashes));
            row.extend(schema_cell(&g.name));
            rows.push(row);
            not_calibrated.push(format!("- {} {warning}", g.name));
            continue;
        }
        let mut threshold = threshold(c.best.threshold);
        if !c.best.objective_met {
            threshold.push('*');
            unmet = true;
        }
        let mut row = vec![
            g.name.clone(),
            c.n.to_string(),
            c.positives.to_string(),
            threshold,
        ];
        if ci_level.is_some() {
            row.push(c.ci.map_or_else(
                || "-".to_owned(),
                |ci| format!("{:.3} to {:.3}", ci.threshold[0], ci.threshold[1]),
            ));
        }
        row.extend([
            ratio(c.best.precision),
            ratio(c.best.recall),
            ratio(c.best.f1),
        ]);
        if folds.is_some() {
            row.push(c.cv.as_ref().map_or_else(
                || "-".to_owned(),
                |cv| format!("{:.3} ± {:.3}", cv.f1_mean, cv.f1_sd),
            ));
        }
        row.extend(schema_cell(&g.name));
        rows.push(row);
    }
    out.push_str(&layout(&rows));
    if !not_calibrated.is_empty() {
        let _ = writeln!(out, "Types without a threshold (left out of --write):");
        for line in &not_calibrated {
            let _ = writeln!(out, "{line}");
        }
    }
    if unmet {
        let _ = writeln!(
            out,
            "* no threshold reaches the precision floor: the most precise one is shown"
        );
    }
    if ci_level.is_some() {
        let resamples = first.and_then(|c| c.ci.map(|ci| ci.resamples)).unwrap_or(0);
        let _ = writeln!(
            out,
            "CI: bootstrap percentile interval of the threshold over {resamples} resamples"
        );
    }
    if let Some(k) = folds {
        let _ = writeln!(
            out,
            "{k}-fold F1: mean ± sd of held-out F1, choosing the threshold on the other folds (stratified)"
        );
    }

    let _ = writeln!(
        out,
        "\nF1 at the spike's fixed thresholds, next to the optimum:\n"
    );
    let grid: Vec<f64> = first
        .map(|c| c.grid.iter().map(|m| m.threshold).collect())
        .unwrap_or_default();
    let mut header = vec!["type".to_owned(), "optimum".into()];
    header.extend(grid.iter().map(|t| format!("{t:.2}")));
    if schema.is_some() {
        header.push("at schema".into());
    }
    let mut rows = vec![header];
    for g in &outcome.groups {
        let c = &g.calibration;
        let optimum = if g.warning().is_some() {
            "-".to_owned()
        } else {
            format!("{} @ {}", ratio(c.best.f1), threshold(c.best.threshold))
        };
        let mut row = vec![g.name.clone(), optimum];
        row.extend(c.grid.iter().map(|m| ratio(m.f1)));
        if let Some(schema) = schema {
            row.push(schema.compare_with(&g.name).map_or_else(
                || "-".to_owned(),
                |t| {
                    let at = g.curve.counts_at(t);
                    format!("{} (recall {})", ratio(at.f1()), ratio(at.recall()))
                },
            ));
        }
        rows.push(row);
    }
    out.push_str(&layout(&rows));

    if !outcome.dims.is_empty() {
        let _ = writeln!(
            out,
            "\nOptimal threshold by embedding dimensions (F1 in brackets):\n"
        );
        let mut header = vec!["type".to_owned()];
        header.extend(outcome.dims.iter().map(|d| format!("{d} dims")));
        let mut rows = vec![header];
        for g in &outcome.groups {
            let mut row = vec![g.name.clone()];
            let calibrated = g.warning().is_none();
            row.extend(g.dims.iter().map(|d| {
                if calibrated {
                    format!("{} ({})", threshold(d.best.threshold), ratio(d.best.f1))
                } else {
                    "-".to_owned()
                }
            }));
            rows.push(row);
        }
        out.push_str(&layout(&rows));
    }

    if let Some(schema) = schema {
        let _ = writeln!(out, "\nCompared with {}:", schema.path);
        out.push_str(&schema_summary(outcome, schema));
        let missing = outcome.types_without_data();
        if !missing.is_empty() {
            let _ = writeln!(
                out,
                "- schema types without pairs (not calibrated; they keep their thresholds): {}",
                missing.join(", ")
            );
        }
    }
    out
}

/// What the calibration says about the schema's thresholds, in a few sentences.
fn schema_summary(outcome: &Outcome, schema: &super::SchemaInfo) -> String {
    let mut below = Vec::new();
    let mut above = Vec::new();
    let mut recall_at_schema = Vec::new();
    // Types that could not be calibrated have no threshold to compare.
    for g in outcome
        .groups
        .iter()
        .filter(|g| g.name != ALL && g.warning().is_none())
    {
        let Some(t) = schema.threshold(&g.name) else {
            continue;
        };
        let delta = g.calibration.best.threshold - t;
        if delta < 0.0 {
            below.push(-delta);
        } else if delta > 0.0 {
            above.push(delta);
        }
        recall_at_schema.push(g.curve.counts_at(t).recall());
    }
    let range = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if (hi - lo).abs() < 5e-4 {
            format!("{lo:.2}")
        } else {
            format!("{lo:.2} to {hi:.2}")
        }
    };
    let n = recall_at_schema.len();
    let mut out = String::new();
    if !below.is_empty() {
        let _ = writeln!(
            out,
            "- {} of {n} types calibrate below the schema's threshold (by {})",
            below.len(),
            range(&below)
        );
    }
    if !above.is_empty() {
        let _ = writeln!(
            out,
            "- {} of {n} types calibrate above the schema's threshold (by {})",
            above.len(),
            range(&above)
        );
    }
    if n > 0 {
        let _ = writeln!(
            out,
            "- at the schema's thresholds, recall is {} (the share of same pairs that would match)",
            range(&recall_at_schema)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_columns_use_one_number_of_decimals() {
        assert_eq!(threshold(0.42571), "0.425710");
        assert_eq!(threshold(0.5), "0.500000");
        assert_eq!(decimals([0.9, 0.75]), 2);
        assert_eq!(decimals([0.825, 0.9]), 3);
        assert_eq!(decimals([0.1 + 0.2]), 6);
        assert_eq!(decimals([]), 2);
    }
}
