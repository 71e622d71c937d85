//! The engine against scikit-learn on the shipped DEV pairs (`examples/data`):
//! `reference_sklearn.json` was produced by scikit-learn 1.9.1 from the same `pairs.jsonl`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use cascade_runtime::calibrate::{ALL, Options, calibrate};
use serde_json::Value;

fn data(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/data")
        .join(file)
}

/// type → (scores per field, labels)
fn load_pairs(field: &str) -> BTreeMap<String, (Vec<f64>, Vec<bool>)> {
    let text =
        std::fs::read_to_string(data("pairs.jsonl")).expect("shipped pairs.jsonl is readable");
    let mut groups: BTreeMap<String, (Vec<f64>, Vec<bool>)> = BTreeMap::new();
    for line in text.lines() {
        let row: Value = serde_json::from_str(line).expect("shipped pairs are valid JSON");
        let ty = row["type"].as_str().expect("type is a string").to_owned();
        let score = row[field].as_f64().expect("score is a number");
        let same = row["same"].as_bool().expect("same is a bool");
        for key in [ty, ALL.to_owned()] {
            let g = groups.entry(key).or_default();
            g.0.push(score);
            g.1.push(same);
        }
    }
    groups
}

fn reference() -> Value {
    let text =
        std::fs::read_to_string(data("reference_sklearn.json")).expect("reference is readable");
    serde_json::from_str(&text).expect("reference is valid JSON")
}

fn u(v: &Value) -> u64 {
    v.as_u64().expect("count is an integer")
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("value is a number")
}

#[test]
fn best_thresholds_and_grid_equal_scikit_learn_at_every_dimension() {
    let reference = reference();
    let domains = reference["domains"]
        .as_object()
        .expect("domains is an object");
    let mut checked = 0;
    for (dim, field) in [
        ("full", "similarity"),
        ("256", "similarity_256"),
        ("128", "similarity_128"),
        ("64", "similarity_64"),
    ] {
        let groups = load_pairs(field);
        assert_eq!(groups.len(), domains.len(), "same types as the reference");
        for (ty, expected) in domains {
            let (scores, labels) = &groups[ty];
            let got = calibrate(scores, labels, &Options::default()).expect("non-empty group");
            let want = &expected["dims"][dim];
            assert_eq!(want["field"], field);
            let ctx = format!("{ty} at {dim}");
            assert_eq!(got.n, u(&expected["n"]), "{ctx}");
            assert_eq!(got.positives, u(&expected["positives"]), "{ctx}");

            let best = &want["best_f1"];
            assert_eq!(
                best["n_tied_at_max"], 1,
                "{ctx}: the reference has no ties here"
            );
            assert_eq!(got.best.threshold, f(&best["threshold"]), "{ctx}");
            let c = got.best.counts;
            assert_eq!(
                [c.tp, c.fp, c.fn_, c.tn],
                [
                    u(&best["tp"]),
                    u(&best["fp"]),
                    u(&best["fn"]),
                    u(&best["tn"])
                ],
                "{ctx}"
            );
            assert_eq!(got.best.precision, f(&best["precision"]), "{ctx}");
            assert_eq!(got.best.recall, f(&best["recall"]), "{ctx}");
            // The best F1 is 2PR/(P+R) on float P and R, as on scikit-learn's curve: bit for bit.
            assert_eq!(got.best.f1, f(&best["f1"]), "{ctx}");

            let grid = want["grid"].as_object().expect("grid is an object");
            assert_eq!(got.grid.len(), grid.len(), "{ctx}");
            for (row, (key, g)) in got.grid.iter().zip(grid) {
                let ctx = format!("{ctx}, grid {key}");
                assert_eq!(row.threshold, f(&g["threshold"]), "{ctx}");
                let c = row.counts;
                assert_eq!(
                    [c.tp, c.fp, c.fn_, c.tn],
                    [u(&g["tp"]), u(&g["fp"]), u(&g["fn"]), u(&g["tn"])],
                    "{ctx}"
                );
                // scikit-learn's precision_score / recall_score / f1_score: bit for bit.
                assert_eq!(row.precision, f(&g["precision"]), "{ctx}");
                assert_eq!(row.recall, f(&g["recall"]), "{ctx}");
                assert_eq!(row.f1, f(&g["f1"]), "{ctx}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 32, "8 groups × 4 dimensions");
}

#[test]
fn interval_is_the_gap_below_the_threshold() {
    let groups = load_pairs("similarity");
    for (ty, (scores, labels)) in &groups {
        let got = calibrate(scores, labels, &Options::default()).expect("non-empty group");
        let (lo, hi) = got.best.interval;
        let lo = lo.expect("the optimum is never the lowest score on this data");
        assert_eq!(hi, got.best.threshold, "{ty}");
        // No observed score lies strictly inside (lo, hi), and lo is observed.
        assert!(scores.iter().all(|&s| s <= lo || s >= hi), "{ty}");
        assert!(scores.contains(&lo), "{ty}");
        assert!(lo < got.best.midpoint && got.best.midpoint < hi, "{ty}");
    }
}
