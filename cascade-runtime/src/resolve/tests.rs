use proptest::prelude::{Just, any, prop_assert_eq, prop_oneof, proptest};
use proptest::strategy::Strategy as _;

use super::*;
use crate::table::{build_index_vec, index_len};

/// One scenario: owner `Owner` with fuzzy field `f` → target `T`; each layer present or not,
/// each with its own value.
#[derive(Clone, Debug)]
struct Scenario {
    present: [bool; 8],
    values: [f64; 8],
    operator: Operator,
}

fn leak<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

fn w(present: bool, value: f64, at: &'static str) -> Option<Written> {
    present.then(|| Written {
        value: Threshold::new(value).unwrap(),
        at,
    })
}

impl Scenario {
    fn layer(&self, l: Layer) -> (bool, f64) {
        let i = Layer::ALL.iter().position(|&x| x == l).unwrap();
        (self.present[i], self.values[i])
    }

    fn build(&self) -> (Schema, SimilarityThresholdConfig) {
        let (p2, v2) = self.layer(Layer::SchemaField);
        let (p4, v4) = self.layer(Layer::SchemaType);
        let (p5, v5) = self.layer(Layer::SchemaOwner);
        let (p7, v7) = self.layer(Layer::SchemaDefault);
        let default = w(p7, v7, "$config.default");
        let target_threshold = w(p4, v4, "T.$threshold");
        let targets = leak(vec![TargetTable {
            type_name: "T",
            threshold: w(p2, v2, "Owner.f"),
            type_threshold: target_threshold,
            strategy: None,
        }]);
        let fields = leak(vec![FieldTable {
            name: "f",
            operator: Some(self.operator),
            array: false,
            optional: false,
            targets,
        }]);
        let base = TypeTable {
            name: "",
            threshold: None,
            strategy: None,
            fuzzy_threshold: None,
            schema_default: default,
            fields: &[],
        };
        let types = leak(vec![
            TypeTable {
                name: "Owner",
                fuzzy_threshold: w(p5, v5, "Owner.$fuzzyThreshold"),
                fields,
                ..base
            },
            TypeTable {
                name: "T",
                threshold: target_threshold,
                ..base
            },
        ]);
        let index = leak(build_index_vec(types));
        assert_eq!(index.len(), index_len(2));
        let schema = Schema {
            default,
            types,
            index,
        };
        assert_eq!(schema.check(), Ok(()));

        let mut cfg = SimilarityThresholdConfig::default();
        let t = |v: f64| Threshold::new(v).unwrap();
        let (p1, v1) = self.layer(Layer::ConfigField);
        let (p3, v3) = self.layer(Layer::ConfigType);
        let (p6, v6) = self.layer(Layer::ConfigDefault);
        if p1 {
            cfg.fields.insert("Owner.f".into(), t(v1));
        }
        if p3 {
            cfg.types.insert("T".into(), t(v3));
        }
        if p6 {
            cfg.default = Some(t(v6));
        }
        (schema, cfg)
    }

    fn expected(&self) -> (Layer, f64) {
        for (i, l) in Layer::ALL.iter().enumerate() {
            if l == &Layer::Builtin || self.present[i] {
                let v = if l == &Layer::Builtin {
                    0.80
                } else {
                    self.values[i]
                };
                return (*l, v);
            }
        }
        unreachable!("builtin is always present")
    }
}

const VALUES: [f64; 8] = [0.91, 0.62, 0.73, 0.84, 0.55, 0.66, 0.77, 0.80];

fn scenario(layers: &[Layer]) -> Scenario {
    let mut present = [false; 8];
    for l in layers {
        present[Layer::ALL.iter().position(|x| x == l).unwrap()] = true;
    }
    Scenario {
        present,
        values: VALUES,
        operator: Operator::ForwardFuzzy,
    }
}

#[test]
fn each_layer_beats_each_layer_below_it() {
    for (i, &upper) in Layer::ALL.iter().enumerate() {
        for &lower in &Layer::ALL[i + 1..] {
            for operator in [Operator::ForwardFuzzy, Operator::BackwardFuzzy] {
                let s = Scenario {
                    operator,
                    ..scenario(&[upper, lower])
                };
                let (schema, cfg) = s.build();
                let r = Resolver::new(&schema, &cfg).resolve("Owner", "f").unwrap();
                let want = if upper == Layer::Builtin {
                    0.80
                } else {
                    VALUES[i]
                };
                assert_eq!(
                    (r.layer, r.value),
                    (upper, want),
                    "{upper} over {lower} ({operator})"
                );
            }
        }
    }
}

#[test]
fn every_subset_resolves_to_its_most_specific_layer() {
    for mask in 0u32..256 {
        let layers: Vec<Layer> = Layer::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, l)| *l)
            .collect();
        let s = scenario(&layers);
        let (schema, cfg) = s.build();
        let r = Resolver::new(&schema, &cfg).resolve("Owner", "f").unwrap();
        assert_eq!((r.layer, r.value), s.expected(), "layers {layers:?}");
    }
}

#[test]
fn schema_only_resolution_agrees_with_an_empty_config() {
    for mask in 0u32..256 {
        let layers: Vec<Layer> = Layer::ALL
            .iter()
            .enumerate()
            .filter(|(i, l)| {
                mask & (1 << i) != 0
                    && !matches!(
                        l,
                        Layer::ConfigField | Layer::ConfigType | Layer::ConfigDefault
                    )
            })
            .map(|(_, l)| *l)
            .collect();
        let (schema, _) = scenario(&layers).build();
        let empty = SimilarityThresholdConfig::default();
        let with = Resolver::new(&schema, &empty)
            .resolve("Owner", "f")
            .unwrap();
        assert_eq!(
            schema.resolve("Owner", "f"),
            Some(with),
            "layers {layers:?}"
        );
    }
}

#[test]
fn provenance_names_where_it_was_written() {
    let cases = [
        (Layer::ConfigField, "Owner.f", "config fields.\"Owner.f\""),
        (Layer::SchemaField, "Owner.f", "field Owner.f"),
        (Layer::ConfigType, "T", "config types.T"),
        (Layer::SchemaType, "T.$threshold", "schema T.$threshold"),
        (
            Layer::SchemaOwner,
            "Owner.$fuzzyThreshold",
            "schema Owner.$fuzzyThreshold",
        ),
        (Layer::ConfigDefault, "default", "config default"),
        (
            Layer::SchemaDefault,
            "$config.default",
            "schema $config.default",
        ),
        (Layer::Builtin, "built-in", "the built-in default"),
    ];
    for (layer, at, source) in cases {
        let (schema, cfg) = scenario(&[layer]).build();
        let r = Resolver::new(&schema, &cfg).resolve("Owner", "f").unwrap();
        assert_eq!((r.layer, r.at, r.target), (layer, at, "T"));
        assert_eq!(r.source().to_string(), source);
    }
}

mod unions {
    use super::*;

    // Doc.about: '<~A|B(0.9)|C', with A.$threshold = 0.7, config types C = 0.6.
    static TARGETS: [TargetTable; 3] = [
        TargetTable {
            type_name: "A",
            threshold: None,
            type_threshold: Some(Written::new(0.7, "A.$threshold")),
            strategy: None,
        },
        TargetTable {
            type_name: "B",
            threshold: Some(Written::new(0.9, "Doc.about")),
            type_threshold: None,
            strategy: Some(Strategy::Adaptive),
        },
        TargetTable {
            type_name: "C",
            threshold: None,
            type_threshold: None,
            strategy: None,
        },
    ];
    const T: TypeTable = TypeTable {
        name: "",
        threshold: None,
        strategy: None,
        fuzzy_threshold: None,
        schema_default: None,
        fields: &[],
    };
    static TYPES: [TypeTable; 4] = [
        TypeTable {
            name: "A",
            threshold: Some(Written::new(0.7, "A.$threshold")),
            ..T
        },
        TypeTable {
            name: "B",
            strategy: Some(Strategy::Adaptive),
            ..T
        },
        TypeTable { name: "C", ..T },
        TypeTable {
            name: "Doc",
            fields: &[
                FieldTable {
                    name: "about",
                    operator: Some(Operator::BackwardFuzzy),
                    array: false,
                    optional: false,
                    targets: &TARGETS,
                },
                FieldTable {
                    name: "author",
                    operator: Some(Operator::ForwardExact),
                    array: false,
                    optional: false,
                    targets: &[],
                },
                FieldTable {
                    name: "cites",
                    operator: None,
                    array: true,
                    optional: false,
                    targets: &TARGETS,
                },
                FieldTable {
                    name: "title",
                    operator: None,
                    array: false,
                    optional: false,
                    targets: &[],
                },
            ],
            ..T
        },
    ];
    static SCHEMA: Schema = Schema {
        default: None,
        types: &TYPES,
        index: &[],
    };

    #[test]
    fn each_member_resolves_on_its_own() {
        let cfg = SimilarityThresholdConfig::from_json_str(r#"{"types": {"C": 0.6}}"#).unwrap();
        let r = Resolver::new(&SCHEMA, &cfg);
        let got: Vec<(&str, f64, Layer, Strategy)> = r
            .resolve_all("Doc", "about")
            .unwrap()
            .map(|x| (x.target, x.value, x.layer, x.strategy))
            .collect();
        assert_eq!(
            got,
            [
                ("A", 0.7, Layer::SchemaType, Strategy::Static),
                ("B", 0.9, Layer::SchemaField, Strategy::Adaptive),
                ("C", 0.6, Layer::ConfigType, Strategy::Static),
            ]
        );
        assert_eq!(r.resolve("Doc", "about").unwrap().target, "A");
        assert_eq!(r.resolve_member("Doc", "about", "C").unwrap().value, 0.6);
    }

    #[test]
    fn a_config_field_override_covers_every_member() {
        let cfg =
            SimilarityThresholdConfig::from_json_str(r#"{"fields": {"Doc.about": 0.85}}"#).unwrap();
        let r = Resolver::new(&SCHEMA, &cfg);
        assert!(
            r.resolve_all("Doc", "about")
                .unwrap()
                .all(|x| x.layer == Layer::ConfigField)
        );
    }

    #[test]
    fn errors_say_what_and_suggest() {
        let cfg = SimilarityThresholdConfig::default();
        let r = Resolver::new(&SCHEMA, &cfg);
        let msg = |o: &str, f: &str| r.resolve(o, f).unwrap_err().to_string();
        assert_eq!(
            msg("Dco", "about"),
            "unknown type `Dco`; did you mean `Doc`?"
        );
        assert_eq!(
            msg("Doc", "abuot"),
            "type `Doc` has no field `abuot`; did you mean `about`?"
        );
        assert_eq!(
            msg("Doc", "author"),
            "`Doc.author` is an exact reference (`->`), so no threshold applies (thresholds apply to `~>` and `<~`)"
        );
        assert_eq!(
            r.resolve_member("Doc", "about", "D")
                .unwrap_err()
                .to_string(),
            "`Doc.about` has no target `D`; its targets: A, B, C"
        );
        assert_eq!(
            msg("Doc", "cites"),
            "`Doc.cites` is a relation without an operator (`Type.backref`), so no threshold applies (thresholds apply to `~>` and `<~`)"
        );
        assert_eq!(
            msg("Doc", "title"),
            "`Doc.title` is not a reference, so no threshold applies (thresholds apply to `~>` and `<~`)"
        );
        assert!(split_path("Doc.about.x").is_err());
    }

    #[test]
    fn strategy_overrides_and_adaptive_default() {
        let cfg = SimilarityThresholdConfig::from_json_str(
            r#"{"strategies": {"B": "static"}, "adaptive": {"enabled": true}}"#,
        )
        .unwrap();
        let r = Resolver::new(&SCHEMA, &cfg);
        let s: Vec<Strategy> = r
            .resolve_all("Doc", "about")
            .unwrap()
            .map(|x| x.strategy)
            .collect();
        assert_eq!(
            s,
            [Strategy::Adaptive, Strategy::Static, Strategy::Adaptive]
        );
    }

    #[test]
    fn long_names_and_malformed_keys() {
        let long = "x".repeat(200);
        let mut cfg = SimilarityThresholdConfig::default();
        cfg.fields
            .insert(format!("{long}.{long}"), Threshold::new_const(0.5));
        cfg.fields.insert("Doc".into(), Threshold::new_const(0.6));
        cfg.fields
            .insert("Doc.about".into(), Threshold::new_const(0.7));
        let r = Resolver::new(&SCHEMA, &cfg);
        assert_eq!(r.fields.len(), 2);
        let got = r.resolve("Doc", "about").unwrap();
        assert_eq!((got.value, got.at), (0.7, "Doc.about"));
    }
}

fn arb_scenario() -> impl proptest::strategy::Strategy<Value = Scenario> {
    (
        proptest::array::uniform8(any::<bool>()),
        proptest::array::uniform8(0.0f64..=1.0),
        prop_oneof![Just(Operator::ForwardFuzzy), Just(Operator::BackwardFuzzy)],
    )
        .prop_map(|(present, values, operator)| Scenario {
            present,
            values,
            operator,
        })
}

proptest! {
    #[test]
    fn the_most_specific_layer_present_always_wins(s in arb_scenario()) {
        let (schema, cfg) = s.build();
        let r = Resolver::new(&schema, &cfg).resolve("Owner", "f").unwrap();
        prop_assert_eq!((r.layer, r.value), s.expected());
    }
}

#[test]
fn many_config_overrides_are_each_found_and_nothing_else() {
    let mut cfg = SimilarityThresholdConfig::default();
    for i in 0..500 {
        let t = Threshold::new(f64::from(i % 100) / 100.0).unwrap();
        cfg.fields.insert(format!("Owner{i}.field{}", i % 7), t);
        cfg.types.insert(format!("Type{i}"), t);
    }
    static EMPTY: Schema = Schema {
        default: None,
        types: &[],
        index: &[],
    };
    let r = Resolver::new(&EMPTY, &cfg);
    for i in 0..600 {
        let owner = TypeTable {
            name: leak_str(format!("Owner{i}")),
            threshold: None,
            strategy: None,
            fuzzy_threshold: None,
            schema_default: None,
            fields: &[],
        };
        let owner: &'static TypeTable = Box::leak(Box::new(owner));
        let field: &'static FieldTable = Box::leak(Box::new(FieldTable {
            name: leak_str(format!("field{}", i % 7)),
            operator: Some(Operator::ForwardFuzzy),
            array: false,
            optional: false,
            targets: &[],
        }));
        let target: &'static TargetTable = Box::leak(Box::new(TargetTable {
            type_name: leak_str(format!("Type{i}")),
            threshold: None,
            type_threshold: None,
            strategy: None,
        }));
        let got = r.resolve_target(owner, field, target);
        let want = f64::from(i % 100) / 100.0;
        if i < 500 {
            assert_eq!((got.layer, got.value), (Layer::ConfigField, want), "{i}");
            let no_field: &'static FieldTable = Box::leak(Box::new(FieldTable {
                name: "other",
                ..*field
            }));
            let got = r.resolve_target(owner, no_field, target);
            assert_eq!((got.layer, got.value), (Layer::ConfigType, want), "{i}");
        } else {
            assert_eq!(got.layer, Layer::Builtin, "{i}");
        }
    }
}

fn leak_str(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}
