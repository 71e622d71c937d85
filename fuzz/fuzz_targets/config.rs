//! `SimilarityThresholdConfig::from_json_str` and `from_toml_str` on arbitrary UTF-8: never panic;
//! every accepted config satisfies the invariants config.rs documents (thresholds finite within
//! `0..=1`, `minThreshold <= maxThreshold`, bands well formed, not overlapping and with
//! adjustments that never fall as candidate counts rise, dimension keys within
//! `1..=baseDimensions`, field keys `Owner.field`, offsets/step/rate in range), `problems()` is
//! empty, and it round-trips through its serializer (JSON always; TOML whenever the TOML
//! serializer can write it); `check_against` a fixed schema reports exactly the unknown names;
//! every error renders to a non-empty message.
#![no_main]

use cascade_runtime::config::{AdaptiveConfig, ConfigError, SimilarityThresholdConfig};
use cascade_runtime::table::{FieldTable, Schema, TargetTable, TypeTable};
use cascade_runtime::{Operator, Threshold};
use libfuzzer_sys::fuzz_target;

static ICP_TARGET: [TargetTable; 1] = [TargetTable {
    type_name: "ICP",
    threshold: None,
    type_threshold: None,
    strategy: None,
}];

static TYPES: [TypeTable; 2] = [
    TypeTable {
        name: "ICP",
        fields: &[],
        fuzzy_threshold: None,
        schema_default: None,
        threshold: None,
        strategy: None,
    },
    TypeTable {
        name: "Startup",
        // Sorted by name.
        fields: &[
            FieldTable {
                name: "customer",
                operator: Some(Operator::ForwardFuzzy),
                array: false,
                optional: false,
                targets: &ICP_TARGET,
            },
            FieldTable {
                name: "name",
                operator: None,
                array: false,
                optional: false,
                targets: &[],
            },
        ],
        fuzzy_threshold: None,
        schema_default: None,
        threshold: None,
        strategy: None,
    },
];

static SCHEMA: Schema = Schema {
    default: None,
    types: &TYPES,
    index: &[],
};

fn in_unit(t: Threshold) -> bool {
    let v = t.get();
    v.is_finite() && (0.0..=1.0).contains(&v)
}

/// The documented guarantees of an accepted config, checked independently of `problems()`.
fn assert_invariants(cfg: &SimilarityThresholdConfig, input: &str) {
    assert!(
        cfg.problems().is_empty(),
        "accepted config has problems: {input:?}"
    );
    let thresholds = cfg
        .default
        .iter()
        .chain(cfg.types.values())
        .chain(cfg.fields.values());
    for t in thresholds {
        assert!(in_unit(*t), "threshold {t} out of range in {input:?}");
    }
    for key in cfg.fields.keys() {
        let (owner, field) = key.split_once('.').expect("field key has a dot");
        assert!(!owner.is_empty() && !field.is_empty() && !field.contains('.'));
    }
    if let Some(a) = &cfg.adaptive {
        assert_adaptive(a, input);
    }
    let (lo, hi) = cfg.bounds();
    assert!(lo <= hi);
    if let Some(d) = &cfg.dimension_adjustment {
        assert!(d.base_dimensions >= 1);
        for table in std::iter::once(&d.table).chain(d.types.values()) {
            for (&dims, &t) in table {
                assert!((1..=d.base_dimensions).contains(&dims));
                assert!(in_unit(t));
            }
        }
    }
    let c = cfg.confidence_bands();
    for v in [c.high_offset, c.low_offset] {
        assert!(v.is_finite() && (0.0..=1.0).contains(&v));
    }
    let f = cfg.feedback_settings();
    assert!(f.min_sample >= 1);
    assert!(f.step.is_finite() && f.step > 0.0 && f.step <= 1.0);
    assert!(f.max_error_rate.is_finite() && (0.0..=1.0).contains(&f.max_error_rate));
}

fn assert_adaptive(a: &AdaptiveConfig, input: &str) {
    assert!(in_unit(a.min_threshold) && in_unit(a.max_threshold));
    assert!(a.min_threshold <= a.max_threshold, "min > max in {input:?}");
    let mut bands: Vec<_> = a.bands().to_vec();
    bands.sort_by_key(|b| b.min_candidates);
    for b in &bands {
        assert!(b.max_candidates.is_none_or(|max| max >= b.min_candidates));
        assert!(b.adjustment.is_finite() && (-1.0..=1.0).contains(&b.adjustment));
    }
    for pair in bands.windows(2) {
        let [lower, upper] = pair else { continue };
        let max = lower
            .max_candidates
            .expect("only the last band is open-ended");
        assert!(max < upper.min_candidates, "bands overlap in {input:?}");
        // Counts in a gap adjust by 0, so adjustments never fall as counts rise.
        if max + 1 == upper.min_candidates {
            assert!(lower.adjustment <= upper.adjustment, "{input:?}");
        } else {
            assert!(
                lower.adjustment <= 0.0 && 0.0 <= upper.adjustment,
                "{input:?}"
            );
        }
    }
    // Counts below the first band and above the last adjust by 0: the first may not loosen
    // unless it starts at 0, the last may not tighten unless it is open-ended.
    if let (Some(first), Some(last)) = (bands.first(), bands.last()) {
        assert!(
            first.min_candidates == 0 || first.adjustment >= 0.0,
            "{input:?}"
        );
        assert!(
            last.max_candidates.is_none() || last.adjustment <= 0.0,
            "{input:?}"
        );
    }
    // band_for agrees with the bands: a count inside a band finds that band.
    for b in &bands {
        let found = a.band_for(b.min_candidates).expect("a band's own minimum");
        assert_eq!(found, b);
    }
}

/// `check_against` names exactly the types and fields the schema does not have (fields that are
/// not fuzzy count too), each once, under the section it was written in.
fn assert_check(cfg: &SimilarityThresholdConfig) {
    let known_type = |t: &str| TYPES.iter().any(|ty| ty.name == t);
    let mut expected = 0usize;
    expected += cfg.types.keys().filter(|t| !known_type(t)).count();
    expected += cfg.strategies.keys().filter(|t| !known_type(t)).count();
    if let Some(d) = &cfg.dimension_adjustment {
        expected += d.types.keys().filter(|t| !known_type(t)).count();
    }
    expected += cfg
        .fields
        .keys()
        .filter(|k| k.as_str() != "Startup.customer")
        .count();
    match cfg.check_against(&SCHEMA) {
        Ok(()) => assert_eq!(expected, 0),
        Err(ConfigError::Invalid { problems, .. }) => {
            assert_eq!(problems.len(), expected);
            for p in &problems {
                assert!(!p.message.is_empty());
                assert!(
                    [
                        "types.",
                        "strategies.",
                        "fields.",
                        "dimensionAdjustment.types."
                    ]
                    .iter()
                    .any(|s| p.key.starts_with(s)),
                    "problem key {:?}",
                    p.key
                );
            }
            assert!(
                !ConfigError::Invalid {
                    origin: None,
                    problems,
                    rest: None,
                }
                .to_string()
                .is_empty()
            );
        }
        Err(other) => panic!("check_against returned {other:?}"),
    }
}

fn assert_json_round_trip(cfg: &SimilarityThresholdConfig) {
    let text = serde_json::to_string(cfg).expect("a config serializes to JSON");
    let back = SimilarityThresholdConfig::from_json_str(&text)
        .unwrap_or_else(|e| panic!("JSON {text:?} of an accepted config fails: {e}"));
    assert_eq!(&back, cfg, "JSON round trip through {text:?}");
}

fn assert_toml_round_trip(cfg: &SimilarityThresholdConfig) {
    // TOML integers are i64: a JSON config with a count above i64::MAX has no TOML form.
    let Ok(text) = toml::to_string(cfg) else {
        return;
    };
    let back = SimilarityThresholdConfig::from_toml_str(&text)
        .unwrap_or_else(|e| panic!("TOML {text:?} of an accepted config fails: {e}"));
    assert_eq!(&back, cfg, "TOML round trip through {text:?}");
}

fn accepted(cfg: &SimilarityThresholdConfig, input: &str) {
    assert_invariants(cfg, input);
    assert_json_round_trip(cfg);
    assert_toml_round_trip(cfg);
    assert_check(cfg);
}

fn rejected(err: &ConfigError) {
    let message = err.to_string();
    assert!(!message.trim().is_empty());
    if let ConfigError::Invalid { problems, .. } = err {
        assert!(!problems.is_empty());
        for (i, p) in problems.iter().enumerate() {
            assert!(!p.message.is_empty());
            // Only the last line of a capped list ("more errors not shown") and an empty key
            // at the top level name no key.
            assert!(
                !p.key.is_empty()
                    || i + 1 == problems.len()
                    || p.message.starts_with("an empty key"),
                "{p:?}"
            );
            if let Some(at) = p.position {
                assert!(at.line >= 1 && at.column >= 1, "{p:?}");
            }
        }
        // In the order written: problems with a position first, sorted.
        let positions: Vec<_> = problems.iter().map(|p| p.position).collect();
        let placed = positions.iter().take_while(|p| p.is_some()).count();
        assert!(positions[placed..].iter().all(Option::is_none), "{positions:?}");
        assert!(positions[..placed].windows(2).all(|w| w[0] <= w[1]), "{positions:?}");
    }
}

fuzz_target!(|input: &str| {
    for result in [
        SimilarityThresholdConfig::from_json_str(input),
        SimilarityThresholdConfig::from_toml_str(input),
    ] {
        match result {
            Ok(cfg) => accepted(&cfg, input),
            Err(err) => rejected(&err),
        }
    }
});
