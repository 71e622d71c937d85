//! Snapshots of explanations as people read them (`Display`), one per situation.

use cascade_runtime::Operator;
use cascade_runtime::Strategy;
use cascade_runtime::adjust::Conditions;
use cascade_runtime::config::SimilarityThresholdConfig;
use cascade_runtime::explain::explain;
use cascade_runtime::resolve::Resolver;
use cascade_runtime::table::{
    FieldTable, Schema, TargetTable, TypeTable, Written, build_index, index_len,
};

const ICP_T: Option<Written> = Some(Written::new(0.82, "ICP.$threshold"));
const INDUSTRY_T: Option<Written> = Some(Written::new(0.78, "Industry.$config.threshold"));
const DEFAULT: Option<Written> = Some(Written::new(0.80, "$config.default"));

const TYPE: TypeTable = TypeTable {
    name: "",
    threshold: None,
    strategy: None,
    fuzzy_threshold: None,
    schema_default: DEFAULT,
    fields: &[],
};
const FIELD: FieldTable = FieldTable {
    name: "",
    operator: Some(Operator::ForwardFuzzy),
    array: false,
    optional: false,
    targets: &[],
};
const TARGET: TargetTable = TargetTable {
    type_name: "",
    threshold: None,
    type_threshold: None,
    strategy: None,
};

static TYPES: [TypeTable; 7] = [
    TypeTable {
        name: "Company",
        fields: &[
            FieldTable {
                name: "industry",
                operator: Some(Operator::BackwardFuzzy),
                targets: &[TargetTable {
                    type_name: "Industry",
                    type_threshold: INDUSTRY_T,
                    strategy: Some(Strategy::Static),
                    ..TARGET
                }],
                ..FIELD
            },
            FieldTable {
                name: "segment",
                operator: Some(Operator::BackwardFuzzy),
                targets: &[
                    TargetTable {
                        type_name: "ICP",
                        type_threshold: ICP_T,
                        ..TARGET
                    },
                    TargetTable {
                        type_name: "Industry",
                        type_threshold: INDUSTRY_T,
                        strategy: Some(Strategy::Static),
                        ..TARGET
                    },
                ],
                ..FIELD
            },
            FieldTable {
                name: "topics",
                array: true,
                targets: &[TargetTable {
                    type_name: "Topic",
                    ..TARGET
                }],
                ..FIELD
            },
        ],
        fuzzy_threshold: Some(Written::new(0.77, "Company.$fuzzyThreshold")),
        ..TYPE
    },
    TypeTable {
        name: "ICP",
        threshold: ICP_T,
        ..TYPE
    },
    TypeTable {
        name: "Industry",
        threshold: INDUSTRY_T,
        strategy: Some(Strategy::Static),
        ..TYPE
    },
    TypeTable {
        name: "Occupation",
        fields: &[FieldTable {
            name: "skills",
            array: true,
            targets: &[TargetTable {
                type_name: "Skill",
                strategy: Some(Strategy::Adaptive),
                ..TARGET
            }],
            ..FIELD
        }],
        ..TYPE
    },
    TypeTable {
        name: "Skill",
        strategy: Some(Strategy::Adaptive),
        ..TYPE
    },
    TypeTable {
        name: "Startup",
        fields: &[
            FieldTable {
                name: "customer",
                targets: &[TargetTable {
                    type_name: "ICP",
                    threshold: Some(Written::new(0.82, "Startup.customer")),
                    type_threshold: ICP_T,
                    ..TARGET
                }],
                ..FIELD
            },
            FieldTable {
                name: "market",
                targets: &[
                    TargetTable {
                        type_name: "ICP",
                        type_threshold: ICP_T,
                        ..TARGET
                    },
                    TargetTable {
                        type_name: "Industry",
                        threshold: Some(Written::new(0.9, "Startup.market")),
                        type_threshold: INDUSTRY_T,
                        strategy: Some(Strategy::Static),
                    },
                ],
                ..FIELD
            },
        ],
        ..TYPE
    },
    TypeTable {
        name: "Topic",
        ..TYPE
    },
];

static SCHEMA: Schema = Schema {
    default: DEFAULT,
    types: &TYPES,
    index: &build_index::<{ index_len(7) }>(&TYPES),
};

fn render(config: &str, path: &str, conditions: Conditions, scores: &[f64]) -> String {
    assert_eq!(SCHEMA.check(), Ok(()));
    let cfg = SimilarityThresholdConfig::from_json_str(config).unwrap();
    cfg.check_against(&SCHEMA).unwrap();
    let (owner, field) = path.split_once('.').unwrap();
    let resolver = Resolver::new(&SCHEMA, &cfg);
    explain(&resolver, owner, field, &conditions, scores)
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

const NONE: Conditions = Conditions {
    candidates: None,
    dimensions: None,
};

#[test]
fn config_field_layer() {
    insta::assert_snapshot!(render(
        r#"{"fields": {"Startup.customer": 0.88}}"#,
        "Startup.customer",
        NONE,
        &[0.91, 0.87, 0.84, 0.6],
    ));
}

#[test]
fn schema_field_layer() {
    insta::assert_snapshot!(render("{}", "Startup.customer", NONE, &[0.91, 0.84, 0.79]));
}

#[test]
fn config_and_schema_type_layers_per_union_member() {
    insta::assert_snapshot!(render(
        r#"{"types": {"ICP": 0.75}}"#,
        "Startup.market",
        NONE,
        &[0.93, 0.8, 0.72]
    ));
}

#[test]
fn schema_owner_layer() {
    insta::assert_snapshot!(render("{}", "Company.topics", NONE, &[]));
}

#[test]
fn default_layers() {
    insta::assert_snapshot!(render(
        r#"{"default": 0.7}"#,
        "Occupation.skills",
        NONE,
        &[0.7]
    ));
}

#[test]
fn adaptive_with_few_candidates() {
    insta::assert_snapshot!(render(
        "{}",
        "Occupation.skills",
        Conditions {
            candidates: Some(5),
            dimensions: None
        },
        &[0.75, 0.71, 0.69, 0.66],
    ));
}

#[test]
fn adaptive_with_many_candidates_and_a_static_type() {
    insta::assert_snapshot!(render(
        r#"{"adaptive": {"enabled": true}}"#,
        "Company.industry",
        Conditions {
            candidates: Some(5000),
            dimensions: None
        },
        &[0.8],
    ));
}

#[test]
fn dimension_formula_and_table() {
    let formula = render(
        "{}",
        "Startup.customer",
        Conditions {
            candidates: None,
            dimensions: Some(256),
        },
        &[],
    );
    let table = render(
        r#"{"dimensionAdjustment": {"enabled": true, "baseDimensions": 768, "table": {"512": 0.78, "256": 0.76, "128": 0.72}}}"#,
        "Startup.customer",
        Conditions {
            candidates: None,
            dimensions: Some(128),
        },
        &[],
    );
    insta::assert_snapshot!(format!("{formula}\n{table}"));
}

#[test]
fn clamp_after_dimension_and_adaptive() {
    insta::assert_snapshot!(render(
        r#"{"default": 0.7, "adaptive": {"enabled": true, "minThreshold": 0.65}}"#,
        "Occupation.skills",
        Conditions {
            candidates: Some(3),
            dimensions: Some(128)
        },
        &[0.66, 0.64, 0.6],
    ));
}

#[test]
fn near_threshold_candidates() {
    insta::assert_snapshot!(render(
        "{}",
        "Startup.customer",
        NONE,
        &[0.83, 0.82, 0.819, 0.8, 0.78, 0.77, 0.769, 0.5],
    ));
}

#[test]
fn backward_union_members_are_an_ordered_fallback() {
    insta::assert_snapshot!(render("{}", "Company.segment", NONE, &[0.85, 0.79]));
}

#[test]
fn dimension_formula_held_at_the_floor_is_still_listed() {
    insta::assert_snapshot!(render(
        r#"{"types": {"Topic": 0.6}}"#,
        "Company.topics",
        Conditions {
            candidates: None,
            dimensions: Some(256),
        },
        &[0.61, 0.58],
    ));
}
