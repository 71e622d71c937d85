use std::collections::BTreeMap;

use proptest::prelude::{any, prop_assert, prop_assert_eq, proptest};

use super::*;
use crate::config::CandidateBand;
use crate::{Layer, Threshold};

fn resolved(value: f64, strategy: Strategy) -> Resolved<'static> {
    Resolved {
        value,
        threshold: Threshold::new(value).unwrap(),
        layer: Layer::SchemaType,
        at: "T.$threshold",
        target: "T",
        strategy,
    }
}

fn cfg(json: &str) -> SimilarityThresholdConfig {
    SimilarityThresholdConfig::from_json_str(json).unwrap()
}

fn dims(d: u32) -> Conditions {
    Conditions {
        candidates: None,
        dimensions: Some(d),
    }
}

fn candidates(n: u64) -> Conditions {
    Conditions {
        candidates: Some(n),
        dimensions: None,
    }
}

const SPIKE_TABLE: &str = r#"{"dimensionAdjustment": {"enabled": true, "baseDimensions": 768,
    "table": {"512": 0.78, "256": 0.76, "128": 0.72}}}"#;

#[test]
fn formula_is_the_default_and_disagrees_with_the_spike_table_at_128() {
    let r = resolved(0.80, Strategy::Static);
    let by_formula = adjust(&r, &dims(128), &SimilarityThresholdConfig::default());
    assert!(
        (by_formula.value - 0.758333).abs() < 1e-6,
        "{}",
        by_formula.value
    );
    assert_eq!(by_formula.steps[0].step, StepKind::Dimension);
    let by_table = adjust(&r, &dims(128), &cfg(SPIKE_TABLE));
    assert_eq!(by_table.value, 0.72);
}

#[test]
fn table_steps_are_relative_to_the_reference() {
    // 0.82 at 256 dims with the spike table (reference 0.80): 0.82 + (0.76 − 0.80) = 0.78
    let a = adjust(
        &resolved(0.82, Strategy::Static),
        &dims(256),
        &cfg(SPIKE_TABLE),
    );
    assert_eq!(a.value, 0.78);
    // An entry at baseDimensions is the reference.
    let c = cfg(
        r#"{"dimensionAdjustment": {"enabled": true, "baseDimensions": 384,
        "table": {"384": 0.60, "128": 0.55}}}"#,
    );
    assert_eq!(
        adjust(&resolved(0.70, Strategy::Static), &dims(128), &c).value,
        0.65
    );
}

#[test]
fn per_type_tables_come_first() {
    let c = cfg(
        r#"{"dimensionAdjustment": {"enabled": true, "baseDimensions": 768,
        "table": {"256": 0.76}, "types": {"T": {"256": 0.70}}}}"#,
    );
    assert_eq!(
        adjust(&resolved(0.80, Strategy::Static), &dims(256), &c).value,
        0.70
    );
    let mut other = resolved(0.80, Strategy::Static);
    other.target = "U";
    assert_eq!(adjust(&other, &dims(256), &c).value, 0.76);
}

#[test]
fn dimensions_between_entries_are_interpolated_and_below_continue_with_the_slope() {
    let c = cfg(SPIKE_TABLE);
    let r = resolved(0.80, Strategy::Static);
    assert_eq!(adjust(&r, &dims(384), &c).value, 0.77);
    assert_eq!(adjust(&r, &dims(640), &c).value, 0.79);
    // 64 dims: 0.72 − (128 − 64)/768 × 0.05
    assert!((adjust(&r, &dims(64), &c).value - 0.715833).abs() < 1e-6);
}

#[test]
fn a_calibrated_table_that_rises_is_used_as_measured() {
    // From `cascade calibrate --dims` on the shipped data: Company's threshold rises as
    // dimensions fall.
    let c = cfg(
        r#"{"dimensionAdjustment": {"enabled": true, "baseDimensions": 384,
        "types": {"T": {"384": 0.58, "256": 0.64, "128": 0.68}}}}"#,
    );
    let a = adjust(&resolved(0.58, Strategy::Static), &dims(128), &c);
    assert!((a.value - 0.68).abs() < 1e-9, "{}", a.value);
    assert!(a.steps[0].why.contains("(+0.1)"), "{}", a.steps[0].why);
    // Interpolated between 256 and 128.
    let b = adjust(&resolved(0.58, Strategy::Static), &dims(192), &c);
    assert!((b.value - 0.66).abs() < 1e-9, "{}", b.value);
}

#[test]
fn full_dimensions_or_disabled_do_nothing() {
    let r = resolved(0.80, Strategy::Static);
    assert!(
        adjust(&r, &dims(768), &SimilarityThresholdConfig::default())
            .steps
            .is_empty()
    );
    assert!(
        adjust(&r, &dims(1024), &SimilarityThresholdConfig::default())
            .steps
            .is_empty()
    );
    let off = cfg(r#"{"dimensionAdjustment": {"enabled": false}}"#);
    assert!(adjust(&r, &dims(128), &off).steps.is_empty());
}

#[test]
fn a_table_is_not_floored_at_min_threshold() {
    let a = adjust(
        &resolved(0.66, Strategy::Static),
        &dims(128),
        &cfg(SPIKE_TABLE),
    );
    assert_eq!(a.value, 0.58);
    assert!(!a.steps[0].why.contains("floored"));
    let low = adjust(
        &resolved(0.50, Strategy::Static),
        &dims(128),
        &cfg(SPIKE_TABLE),
    );
    // The spike table is measured data: applied as is, not floored.
    assert_eq!(low.value, 0.42);
    assert_eq!(low.steps.len(), 1);
}

#[test]
fn formula_floor_holds_a_threshold_already_below_it_and_says_so() {
    let none = SimilarityThresholdConfig::default();
    let a = adjust(&resolved(0.50, Strategy::Static), &dims(128), &none);
    assert_eq!(a.value, 0.50);
    assert_eq!(a.steps.len(), 1, "a held step is still recorded");
    let s = &a.steps[0];
    assert_eq!((s.step, s.from, s.to), (StepKind::Dimension, 0.50, 0.50));
    assert!(s.why.contains("held"), "{}", s.why);
    assert!(s.why.contains("minThreshold 0.65"), "{}", s.why);
    // Exactly at the floor: held too.
    let at = adjust(&resolved(0.65, Strategy::Static), &dims(128), &none);
    assert_eq!((at.value, at.steps.len()), (0.65, 1));
    // Above it: moved down to it, not past it.
    let above = adjust(&resolved(0.66, Strategy::Static), &dims(128), &none);
    assert_eq!(above.value, 0.65);
    assert!(
        above.steps[0].why.contains("floored"),
        "{}",
        above.steps[0].why
    );
}

/// The reviewer's case: `cascade calibrate examples/data/pairs.jsonl --embeddings
/// examples/data/embeddings.jsonl --dims 384,128 --write cfg.toml` writes these numbers for
/// `Occupation`, all below minThreshold; explaining at 128 dims must give the calibrated value.
#[test]
fn a_calibrated_table_below_min_threshold_is_applied_as_measured() {
    let c = cfg(r#"{"types": {"T": 0.5328453748927946},
        "dimensionAdjustment": {"enabled": true, "baseDimensions": 384,
        "table": {"384": 0.5414179069397583, "128": 0.6209898453627184},
        "types": {"T": {"384": 0.5328453748927946, "128": 0.5031612119401947}}}}"#);
    let r = resolved(0.5328453748927946, Strategy::Static);
    let a = adjust(&r, &dims(128), &c);
    assert_eq!(a.value, 0.5031612119401947);
    assert_eq!(a.steps.len(), 1);
    assert_eq!(a.steps[0].to, 0.5031612119401947);
    // Adaptive loosening below the table's value is clamped back to the table's value, not up
    // to minThreshold or the unadjusted base.
    let mut adaptive = r;
    adaptive.strategy = Strategy::Adaptive;
    let b = adjust(
        &adaptive,
        &Conditions {
            candidates: Some(3),
            dimensions: Some(128),
        },
        &c,
    );
    assert_eq!(b.value, 0.5031612119401947);
    let clamp = b.steps.last().unwrap();
    assert_eq!(clamp.step, StepKind::Clamp);
    assert!(clamp.why.contains("128-dimension"), "{}", clamp.why);
}

#[test]
fn a_table_result_is_kept_within_0_and_1() {
    let c = cfg(
        r#"{"dimensionAdjustment": {"enabled": true, "baseDimensions": 384,
        "table": {"384": 0.5, "128": 0.1}}}"#,
    );
    let a = adjust(&resolved(0.2, Strategy::Static), &dims(128), &c);
    assert_eq!(a.value, 0.0);
    assert!(a.steps[0].why.contains("0..=1"), "{}", a.steps[0].why);
    let up = cfg(
        r#"{"dimensionAdjustment": {"enabled": true, "baseDimensions": 384,
        "table": {"384": 0.5, "128": 0.9}}}"#,
    );
    assert_eq!(
        adjust(&resolved(0.7, Strategy::Static), &dims(128), &up).value,
        1.0
    );
}

#[test]
fn a_table_that_changes_nothing_is_still_recorded() {
    let c = cfg(
        r#"{"dimensionAdjustment": {"enabled": true, "baseDimensions": 384,
        "table": {"384": 0.6, "128": 0.6}}}"#,
    );
    let a = adjust(&resolved(0.6, Strategy::Static), &dims(128), &c);
    assert_eq!(a.value, 0.6);
    assert_eq!(a.steps.len(), 1);
    assert!(a.steps[0].why.contains("(+0)"), "{}", a.steps[0].why);
}

#[test]
fn adaptive_uses_the_spike_bands_for_adaptive_targets_only() {
    let none = SimilarityThresholdConfig::default();
    let a = resolved(0.82, Strategy::Adaptive);
    assert_eq!(adjust(&a, &candidates(5), &none).value, 0.72);
    assert_eq!(adjust(&a, &candidates(10), &none).value, 0.82);
    assert_eq!(adjust(&a, &candidates(1000), &none).value, 0.82);
    assert_eq!(adjust(&a, &candidates(1001), &none).value, 0.87);
    let s = resolved(0.82, Strategy::Static);
    assert!(adjust(&s, &candidates(5), &none).steps.is_empty());
}

#[test]
fn configured_bands_replace_the_defaults() {
    let c = cfg(r#"{"adaptive": {"enabled": true, "candidateCountBands": [
        {"minCandidates": 0, "maxCandidates": 99, "adjustment": -0.03}]}}"#);
    let a = adjust(&resolved(0.80, Strategy::Adaptive), &candidates(50), &c);
    assert_eq!(a.value, 0.77);
    assert!(a.steps[0].why.contains("0..=99"), "{}", a.steps[0].why);
}

#[test]
fn clamp_only_adapted_values() {
    let none = SimilarityThresholdConfig::default();
    // Written at 0.98, nothing moved it: kept.
    let kept = adjust(&resolved(0.98, Strategy::Adaptive), &candidates(100), &none);
    assert_eq!((kept.value, kept.steps.len()), (0.98, 0));
    // 0.70 − 0.10 = 0.60 → clamped to 0.65.
    let low = adjust(&resolved(0.70, Strategy::Adaptive), &candidates(3), &none);
    assert_eq!(low.value, 0.65);
    assert_eq!(
        low.steps.iter().map(|s| s.step).collect::<Vec<_>>(),
        [StepKind::Adaptive, StepKind::Clamp]
    );
    // 0.93 + 0.05 → 0.95.
    assert_eq!(
        adjust(
            &resolved(0.93, Strategy::Adaptive),
            &candidates(5000),
            &none
        )
        .value,
        0.95
    );
    // Written at 0.50 and loosened: held at 0.50, never raised to 0.65.
    let written_low = adjust(&resolved(0.50, Strategy::Adaptive), &candidates(3), &none);
    assert_eq!(written_low.value, 0.50);
    assert!(written_low.steps.last().unwrap().why.contains("unadjusted"));
}

#[test]
fn steps_serialize_as_designed() {
    let a = adjust(
        &resolved(0.82, Strategy::Adaptive),
        &Conditions {
            candidates: Some(5),
            dimensions: Some(256),
        },
        &SimilarityThresholdConfig::default(),
    );
    let json = serde_json::to_value(&a.steps).unwrap();
    assert_eq!(json[0]["step"], "dimension");
    assert_eq!(json[1]["step"], "adaptive");
    assert_eq!(json[0]["to"], json[1]["from"]);
    assert_eq!(a.steps.len(), 2);
}

fn arb_config() -> impl proptest::strategy::Strategy<Value = SimilarityThresholdConfig> {
    use proptest::collection::btree_map;
    use proptest::strategy::Strategy as _;
    (
        0.0f64..0.5,
        0.5f64..=1.0,
        btree_map(1u32..1024, 0.0f64..=1.0, 0..5),
        btree_map(1u32..1024, 0.0f64..=1.0, 0..3),
        any::<bool>(),
        -0.3f64..=0.0,
        0.0f64..=0.3,
    )
        .prop_map(|(min, max, table, per_type, with_bands, loosen, tighten)| {
            // "Fewer dimensions never tighten" holds for the formula and for tables that do not
            // rise as dimensions fall (tables are used as measured): sort the values so they
            // rise with the dimensions, below the 0.80 reference unless the base has an entry.
            let th = |m: BTreeMap<u32, f64>| -> BTreeMap<u32, Threshold> {
                let mut values: Vec<f64> = m.values().copied().collect();
                values.sort_by(f64::total_cmp);
                let has_base = m.contains_key(&1024);
                m.keys()
                    .zip(values)
                    .map(|(&d, v)| {
                        let v = if has_base { v } else { v.min(0.80) };
                        (d, Threshold::new(v).unwrap())
                    })
                    .collect()
            };
            let mut d = DimensionAdjustment {
                base_dimensions: 1024,
                ..Default::default()
            };
            d.table = th(table);
            if !per_type.is_empty() {
                d.types.insert("T".into(), th(per_type));
            }
            let c = SimilarityThresholdConfig {
                adaptive: Some(AdaptiveConfig {
                    enabled: true,
                    min_threshold: Threshold::new(min).unwrap(),
                    max_threshold: Threshold::new(max).unwrap(),
                    candidate_count_bands: with_bands.then(|| {
                        vec![
                            CandidateBand {
                                min_candidates: 0,
                                max_candidates: Some(19),
                                adjustment: loosen,
                            },
                            CandidateBand {
                                min_candidates: 20,
                                max_candidates: Some(99),
                                adjustment: loosen / 2.0,
                            },
                            CandidateBand {
                                min_candidates: 500,
                                max_candidates: None,
                                adjustment: tighten,
                            },
                        ]
                    }),
                }),
                dimension_adjustment: Some(d),
                ..Default::default()
            };
            assert!(c.problems().is_empty(), "{:?}", c.problems());
            c
        })
}

proptest! {
    #[test]
    fn adapted_values_stay_within_bounds(
        c in arb_config(), t in 0.0f64..=1.0, n in 0u64..5000, d in 1u32..=1024, adaptive in any::<bool>(),
    ) {
        let s = if adaptive { Strategy::Adaptive } else { Strategy::Static };
        let (min, max) = c.bounds();
        let a = adjust(&resolved(t, s), &Conditions { candidates: Some(n), dimensions: Some(d) }, &c);
        if a.steps.is_empty() {
            prop_assert!(a.value == t);
        } else {
            // The clamp keeps adapted values within the bounds, widened to take in the written
            // threshold and the value a (measured) dimension table gave, which nothing overrides.
            let measured = a.steps.iter().find(|s| s.step == StepKind::Dimension).map_or(t, |s| s.to);
            let lo = min.min(t).min(measured);
            let hi = max.max(t).max(measured);
            prop_assert!(a.value >= lo && a.value <= hi, "{} not in {}..={}", a.value, lo, hi);
            if (min..=max).contains(&t) && (min..=max).contains(&measured) {
                prop_assert!((min..=max).contains(&a.value));
            }
        }
        for w in a.steps.windows(2) {
            prop_assert!(w[0].to == w[1].from);
        }
    }

    #[test]
    fn more_candidates_never_loosen(
        c in arb_config(), t in 0.0f64..=1.0, n1 in 0u64..5000, n2 in 0u64..5000, d in 1u32..=1024,
    ) {
        let (lo, hi) = (n1.min(n2), n1.max(n2));
        let r = resolved(t, Strategy::Adaptive);
        let a = adjust(&r, &Conditions { candidates: Some(lo), dimensions: Some(d) }, &c);
        let b = adjust(&r, &Conditions { candidates: Some(hi), dimensions: Some(d) }, &c);
        prop_assert!(b.value >= a.value, "{} candidates: {}, {} candidates: {}", lo, a.value, hi, b.value);
    }

    #[test]
    fn a_table_whose_reference_is_the_threshold_gives_its_entries_exactly(
        entries in proptest::collection::btree_map(1u32..384, 0.0f64..=1.0, 1..5),
        reference in 0.0f64..=1.0,
        pick in any::<proptest::sample::Index>(),
    ) {
        let mut table: BTreeMap<u32, Threshold> =
            entries.iter().map(|(&d, &v)| (d, Threshold::new(v).unwrap())).collect();
        table.insert(384, Threshold::new(reference).unwrap());
        let c = SimilarityThresholdConfig {
            dimension_adjustment: Some(DimensionAdjustment {
                base_dimensions: 384,
                table,
                ..Default::default()
            }),
            ..Default::default()
        };
        let (&d, &want) = entries.iter().nth(pick.index(entries.len())).unwrap();
        let a = adjust(&resolved(reference, Strategy::Static), &dims(d), &c);
        prop_assert_eq!(a.value, want);
        prop_assert_eq!(a.steps.len(), 1);
    }

    #[test]
    fn below_the_base_a_dimension_step_is_always_recorded(
        c in arb_config(), t in 0.0f64..=1.0, d in 1u32..1024,
    ) {
        let a = adjust(&resolved(t, Strategy::Static), &dims(d), &c);
        prop_assert!(a.steps.first().is_some_and(|s| s.step == StepKind::Dimension));
    }

    // Holds for the formula (floored, never raised) and for tables whose thresholds do not rise
    // as dimensions fall (`arb_config` sorts them so); a table that rises is used as measured and
    // may tighten, as `a_calibrated_table_that_rises_is_used_as_measured` shows.
    #[test]
    fn fewer_dimensions_never_tighten(
        c in arb_config(), t in 0.0f64..=1.0, d1 in 1u32..=1400, d2 in 1u32..=1400, n in 0u64..5000,
        adaptive in any::<bool>(),
    ) {
        let (lo, hi) = (d1.min(d2), d1.max(d2));
        let s = if adaptive { Strategy::Adaptive } else { Strategy::Static };
        let r = resolved(t, s);
        let a = adjust(&r, &Conditions { candidates: Some(n), dimensions: Some(lo) }, &c);
        let b = adjust(&r, &Conditions { candidates: Some(n), dimensions: Some(hi) }, &c);
        prop_assert!(a.value <= b.value, "{} dims: {}, {} dims: {}", lo, a.value, hi, b.value);
        let full = adjust(&r, &Conditions { candidates: Some(n), dimensions: None }, &c);
        prop_assert!(b.value <= full.value);
    }
}
