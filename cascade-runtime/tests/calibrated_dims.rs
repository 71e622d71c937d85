//! End to end in the runtime: calibrate the shipped pairs at full (384) and truncated (128)
//! dimensions, build the config `cascade calibrate --write` would write, and check that
//! explaining `Person.occupation` at 128 dimensions gives exactly the calibrated 128-dimension
//! threshold of `Occupation` (every calibrated threshold on the shipped data is below the default
//! minThreshold 0.65, which once made this step a silent no-op).

use std::collections::BTreeMap;
use std::path::PathBuf;

use cascade_runtime::Operator;
use cascade_runtime::Threshold;
use cascade_runtime::adjust::{Conditions, StepKind};
use cascade_runtime::calibrate::{Options, calibrate};
use cascade_runtime::config::{DimensionAdjustment, SimilarityThresholdConfig};
use cascade_runtime::explain::explain;
use cascade_runtime::resolve::Resolver;
use cascade_runtime::table::{FieldTable, Schema, TargetTable, TypeTable, build_index, index_len};
use serde_json::Value;

static TYPES: [TypeTable; 2] = [
    TypeTable {
        name: "Occupation",
        threshold: None,
        strategy: None,
        fuzzy_threshold: None,
        schema_default: None,
        fields: &[],
    },
    TypeTable {
        name: "Person",
        threshold: None,
        strategy: None,
        fuzzy_threshold: None,
        schema_default: None,
        fields: &[FieldTable {
            name: "occupation",
            operator: Some(Operator::ForwardFuzzy),
            array: false,
            optional: false,
            targets: &[TargetTable {
                type_name: "Occupation",
                threshold: None,
                type_threshold: None,
                strategy: None,
            }],
        }],
    },
];

static SCHEMA: Schema = Schema {
    default: None,
    types: &TYPES,
    index: &build_index::<{ index_len(2) }>(&TYPES),
};

/// The calibrated `Occupation` threshold using the pairs' `field` score.
fn calibrated(field: &str) -> f64 {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/data/pairs.jsonl");
    let text = std::fs::read_to_string(path).expect("shipped pairs.jsonl is readable");
    let (mut scores, mut same) = (Vec::new(), Vec::new());
    for line in text.lines() {
        let row: Value = serde_json::from_str(line).expect("shipped pairs are valid JSON");
        if row["type"] == "Occupation" {
            scores.push(row[field].as_f64().expect("score is a number"));
            same.push(row["same"].as_bool().expect("same is a bool"));
        }
    }
    calibrate(&scores, &same, &Options::default())
        .expect("Occupation has pairs")
        .best
        .threshold
}

#[test]
fn explain_at_128_dims_gives_the_calibrated_128_dim_threshold() {
    let full = calibrated("similarity");
    let at_128 = calibrated("similarity_128");
    let (min, _) = SimilarityThresholdConfig::default().bounds();
    assert!(
        full < min && at_128 < min && at_128 < full,
        "{full} {at_128}"
    );

    let threshold = |t: f64| Threshold::new(t).expect("a calibrated cosine within 0..=1");
    let mut config = SimilarityThresholdConfig::default();
    config.types.insert("Occupation".into(), threshold(full));
    config.dimension_adjustment = Some(DimensionAdjustment {
        enabled: true,
        base_dimensions: 384,
        table: BTreeMap::new(),
        types: BTreeMap::from([(
            "Occupation".into(),
            BTreeMap::from([(384, threshold(full)), (128, threshold(at_128))]),
        )]),
    });
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    config.check_against(&SCHEMA).expect("names in the schema");

    let resolver = Resolver::new(&SCHEMA, &config);
    let dims = |d| Conditions {
        candidates: None,
        dimensions: Some(d),
    };
    let e = explain(&resolver, "Person", "occupation", &dims(128), &[])
        .expect("Person.occupation exists");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].base, full);
    assert_eq!(e[0].threshold, at_128);
    assert_eq!(e[0].steps.len(), 1);
    assert_eq!(e[0].steps[0].step, StepKind::Dimension);
    assert_eq!((e[0].steps[0].from, e[0].steps[0].to), (full, at_128));

    // At the base dimension nothing runs.
    let base = explain(&resolver, "Person", "occupation", &dims(384), &[])
        .expect("Person.occupation exists");
    assert_eq!((base[0].threshold, base[0].steps.len()), (full, 0));
}
