use super::*;

const SPIKE_JSON: &str = include_str!("../../tests/fixtures/spike_config.json");
const SPIKE_TOML: &str = include_str!("../../tests/fixtures/spike_config.toml");

fn problems_of(json: &str) -> Vec<String> {
    match SimilarityThresholdConfig::from_json_str(json) {
        Err(ConfigError::Invalid { problems, .. }) => {
            problems.iter().map(|p| p.to_string()).collect()
        }
        other => panic!("expected value problems, got {other:?}"),
    }
}

#[test]
fn spike_example_loads_from_json_and_toml_identically() {
    let json = SimilarityThresholdConfig::from_json_str(SPIKE_JSON).unwrap();
    let toml = SimilarityThresholdConfig::from_toml_str(SPIKE_TOML).unwrap();
    assert_eq!(json, toml);
    assert_eq!(json.default.map(Threshold::get), Some(0.80));
    assert_eq!(json.types.len(), 4);
    assert_eq!(json.fields["Company.industry"].get(), 0.78);
    let adaptive = json.adaptive.as_ref().unwrap();
    assert!(adaptive.enabled);
    assert_eq!(adaptive.bands(), &DEFAULT_BANDS);
    assert_eq!(
        json.dimension_adjustment.as_ref().unwrap().base_dimensions,
        768
    );
    assert_eq!(json.bounds(), (0.65, 0.95));
}

#[test]
fn serialization_round_trips() {
    let mut cfg = SimilarityThresholdConfig::from_json_str(SPIKE_JSON).unwrap();
    let dims = cfg.dimension_adjustment.as_mut().unwrap();
    dims.table.insert(256, Threshold::new_const(0.76));
    dims.types.insert(
        "Occupation".into(),
        [(384, Threshold::new_const(0.52))].into(),
    );
    let json = serde_json::to_string(&cfg).unwrap();
    assert!(json.contains(r#""table":{"256":0.76}"#), "{json}");
    assert_eq!(
        SimilarityThresholdConfig::from_json_str(&json).unwrap(),
        cfg
    );
    let toml = toml::to_string(&cfg).unwrap();
    assert_eq!(
        SimilarityThresholdConfig::from_toml_str(&toml).unwrap(),
        cfg
    );
}

#[test]
fn unknown_keys_are_errors_at_every_level() {
    for bad in [
        r#"{"defualt": 0.8}"#,
        r#"{"adaptive": {"enabled": true, "minThreshhold": 0.6}}"#,
        r#"{"dimensionAdjustment": {"enabled": true, "base": 768}}"#,
        r#"{"adaptive": {"enabled": true, "candidateCountBands": [{"minCandidates": 0, "adjustment": 0.1, "x": 1}]}}"#,
    ] {
        let err = SimilarityThresholdConfig::from_json_str(bad).unwrap_err();
        assert!(
            err.to_string().contains("unknown key; expected one of"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn out_of_range_and_nan_are_errors() {
    let err = SimilarityThresholdConfig::from_json_str(r#"{"types": {"ICP": 1.5}}"#).unwrap_err();
    assert!(err.to_string().contains("within 0.0..=1.0"), "{err}");
    let err = SimilarityThresholdConfig::from_toml_str("[fields]\n\"A.b\" = nan\n").unwrap_err();
    assert!(err.to_string().contains("not a finite number"), "{err}");
    let err = SimilarityThresholdConfig::from_toml_str(
        "[adaptive]\nenabled = true\ncandidateCountBands = [{ minCandidates = 0, maxCandidates = 9, adjustment = nan }]\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("adjustment `NaN`"), "{err}");
}

#[test]
fn json_errors_name_line_and_column() {
    let err =
        SimilarityThresholdConfig::from_json_str("{\n  \"default\": 0.8,\n  \"types\": {,}\n}")
            .unwrap_err();
    assert!(
        err.to_string().starts_with("invalid JSON config config:3:"),
        "{err}"
    );
}

#[test]
fn all_value_problems_are_reported_at_once() {
    let problems = problems_of(
        r#"{
          "fields": { "Startup": 0.8 },
          "adaptive": { "enabled": true, "minThreshold": 0.9, "maxThreshold": 0.7,
            "candidateCountBands": [
              { "minCandidates": 0, "maxCandidates": 20, "adjustment": -0.1 },
              { "minCandidates": 10, "maxCandidates": 5, "adjustment": 0.05 }
            ] },
          "dimensionAdjustment": { "enabled": true, "baseDimensions": 256, "table": { "512": 0.8 } },
          "confidence": { "highOffset": 2 },
          "feedback": { "minSample": 0 }
        }"#,
    );
    let joined = problems.join("\n");
    for needle in [
        "`fields.Startup`",
        "minThreshold `0.9` is greater than maxThreshold `0.7`",
        "minCandidates 10 is greater than maxCandidates 5",
        "overlaps",
        "dimension `512` must be within 1..=256",
        "confidence.highOffset",
        "feedback.minSample",
    ] {
        assert!(joined.contains(needle), "missing {needle:?} in\n{joined}");
    }
}

#[test]
fn bands_that_loosen_with_more_candidates_are_rejected() {
    let problems = problems_of(
        r#"{"adaptive": {"enabled": true, "candidateCountBands": [
            { "minCandidates": 0, "maxCandidates": 9, "adjustment": 0.05 },
            { "minCandidates": 1001, "adjustment": -0.1 } ]}}"#,
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("more candidates would loosen")),
        "{problems:?}"
    );
    // Adjacent bands rising are fine; so are the defaults written out.
    SimilarityThresholdConfig::from_json_str(
        r#"{"adaptive": {"enabled": true, "candidateCountBands": [
            { "minCandidates": 0, "maxCandidates": 4, "adjustment": -0.15 },
            { "minCandidates": 5, "maxCandidates": 9, "adjustment": -0.05 },
            { "minCandidates": 1001, "adjustment": 0.05 } ]}}"#,
    )
    .unwrap();
}

#[test]
fn dimension_keys_must_be_numbers() {
    let err = SimilarityThresholdConfig::from_json_str(
        r#"{"dimensionAdjustment": {"enabled": true, "table": {"big": 0.7}}}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("dimension key `big`"), "{err}");
}

#[test]
fn from_path_reads_both_formats_and_names_the_file() {
    let dir = std::env::temp_dir().join(format!("cascade-config-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("t.json");
    std::fs::write(&json, SPIKE_JSON).unwrap();
    let toml_path = dir.join("t.toml");
    std::fs::write(&toml_path, SPIKE_TOML).unwrap();
    assert_eq!(
        SimilarityThresholdConfig::from_path(&json).unwrap(),
        SimilarityThresholdConfig::from_path(&toml_path).unwrap()
    );
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"default": 0.9, "adaptive": {"enabled": true, "minThreshold": 0.99}}"#,
    )
    .unwrap();
    let err = SimilarityThresholdConfig::from_path(&bad).unwrap_err();
    assert!(err.to_string().contains("bad.json"), "{err}");
    let missing = SimilarityThresholdConfig::from_path(dir.join("missing.toml")).unwrap_err();
    assert!(matches!(missing, ConfigError::Read { .. }));
    std::fs::remove_dir_all(&dir).unwrap();
}

mod against_schema {
    use super::*;
    use crate::Operator;
    use crate::table::{FieldTable, TargetTable, TypeTable};

    const T: TypeTable = TypeTable {
        name: "",
        threshold: None,
        strategy: None,
        fuzzy_threshold: None,
        schema_default: None,
        fields: &[],
    };
    static ICP_TARGET: [TargetTable; 1] = [TargetTable {
        type_name: "ICP",
        threshold: None,
        type_threshold: None,
        strategy: None,
    }];
    static TYPES: [TypeTable; 2] = [
        TypeTable { name: "ICP", ..T },
        TypeTable {
            name: "Startup",
            fields: &[
                FieldTable {
                    name: "customer",
                    operator: Some(Operator::ForwardFuzzy),
                    array: false,
                    optional: false,
                    targets: &ICP_TARGET,
                },
                FieldTable {
                    name: "founder",
                    operator: Some(Operator::ForwardExact),
                    array: false,
                    optional: false,
                    targets: &ICP_TARGET,
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
    fn names_every_unknown_with_did_you_mean() {
        let cfg = SimilarityThresholdConfig::from_json_str(
            r#"{ "types": { "IPC": 0.8, "ICP": 0.8 }, "strategies": { "Startp": "adaptive" },
                 "fields": { "Startup.customr": 0.9, "Strtup.customer": 0.9,
                             "Startup.founder": 0.9, "Startup.customer": 0.9 } }"#,
        )
        .unwrap();
        let Err(ConfigError::Invalid { problems, .. }) = cfg.check_against(&SCHEMA) else {
            panic!("expected problems");
        };
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "`types.IPC`: unknown type `IPC` (help: did you mean `ICP`?)",
                "`strategies.Startp`: unknown type `Startp` (help: did you mean `Startup`?)",
                "`fields.Startup.customr`: type `Startup` has no field `customr` (help: did you mean `Startup.customer`?)",
                "`fields.Startup.founder`: `Startup.founder` is not a fuzzy reference, so no threshold applies (help: thresholds apply to `~>` and `<~` fields only)",
                "`fields.Strtup.customer`: unknown type `Strtup` (help: did you mean `Startup.customer`?)",
            ]
        );
    }

    #[test]
    fn a_matching_config_passes() {
        let cfg = SimilarityThresholdConfig::from_json_str(
            r#"{ "types": { "ICP": 0.8 }, "fields": { "Startup.customer": 0.9 } }"#,
        )
        .unwrap();
        assert!(cfg.check_against(&SCHEMA).is_ok());
    }
}

fn json_error(json: &str) -> String {
    match SimilarityThresholdConfig::from_json_str(json) {
        Err(e @ (ConfigError::Json { .. } | ConfigError::NotAnObject { .. })) => e.to_string(),
        other => panic!("expected a JSON error, got {other:?}"),
    }
}

/// The problems of an invalid config, each as `line:col: problem`.
fn invalid(result: Result<SimilarityThresholdConfig, ConfigError>) -> Vec<String> {
    match result {
        Err(ConfigError::Invalid { problems, .. }) => problems
            .iter()
            .map(|p| match p.position {
                Some(at) => format!("{at}: {p}"),
                None => format!("-: {p}"),
            })
            .collect(),
        other => panic!("expected an invalid config, got {other:?}"),
    }
}

fn json_problems(json: &str) -> Vec<String> {
    invalid(SimilarityThresholdConfig::from_json_str(json))
}

#[test]
fn a_json_config_is_an_object() {
    for text in ["[0.99, {\"A\": 0.5}]", "[]", "0.8", "\"x\""] {
        assert!(
            json_error(text).contains("is not a JSON object"),
            "{text}: {}",
            json_error(text)
        );
    }
    // Leading whitespace and a byte-order mark are fine.
    assert!(SimilarityThresholdConfig::from_json_str("\u{feff}\n  { \"default\": 0.8 }").is_ok());
}

#[test]
fn a_key_given_twice_is_an_error_at_the_second() {
    for (text, key, written) in [
        (r#"{"types": {"A": 0.8, "A": 0.9}}"#, "types.A", "A"),
        (
            r#"{"fields": {"A.b": 0.8, "A.b": 0.9}}"#,
            "fields.A.b",
            "A.b",
        ),
        (
            r#"{"strategies": {"A": "static", "A": "adaptive"}}"#,
            "strategies.A",
            "A",
        ),
        (r#"{"default": 0.8, "default": 0.9}"#, "default", "default"),
    ] {
        let problems = json_problems(text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        // The column (from 1) of the second key's opening quote.
        let second = text.rfind(&format!("\"{written}\"")).map_or(0, |i| i + 1);
        assert!(
            problems[0].starts_with(&format!("1:{second}: `{key}`: given twice (first at 1:")),
            "{problems:?}"
        );
        assert!(problems[0].ends_with("); keep one"), "{problems:?}");
    }
    let toml = SimilarityThresholdConfig::from_toml_str("[types]\nA = 0.8\nA = 0.9\n");
    assert!(matches!(toml, Err(ConfigError::Toml { .. })), "{toml:?}");
}

#[test]
fn toml_syntax_errors_say_where_as_the_other_errors_do() {
    let message = |text: &str| match SimilarityThresholdConfig::from_toml_str(text) {
        Err(e @ ConfigError::Toml { .. }) => e.to_string(),
        other => panic!("expected a TOML syntax error, got {other:?}"),
    };
    assert_eq!(
        message("default = 0.7\ndefault = 0.6\n"),
        "invalid TOML config config:2:1: duplicate key (help: a key is given once per table: keep one)"
    );
    // Columns count characters.
    assert!(
        message("# é\n[types\nA = 0.5\n")
            .starts_with("invalid TOML config config:2:7: unclosed table"),
        "{}",
        message("# é\n[types\nA = 0.5\n")
    );
}

#[test]
fn json_syntax_errors_say_where_and_how_to_fix() {
    let e = json_error("{\"default\": 0.8,,}");
    assert_eq!(
        e,
        "invalid JSON config config:1:17: key must be a string (help: a config is one JSON object; check the commas, quotes and brackets here)"
    );
    let e = json_error("{\"default\": 0.8} x");
    assert!(e.contains("trailing characters"), "{e}");
    // An empty file: column 1, not 0.
    assert!(
        json_error("").starts_with("invalid JSON config config:1:1: "),
        "{}",
        json_error("")
    );
    // A syntax error after a shape error: the syntax error alone, as the rest cannot be read.
    let e = json_error("{\"types\": {\"A\": \"x\"},\n \"default\": 0.8,,}");
    assert!(e.starts_with("invalid JSON config config:2:17: "), "{e}");
}

#[test]
fn shape_errors_say_where_which_key_and_how_to_fix() {
    assert_eq!(
        json_problems(r#"{"default": 0.8, "types": {"C": "0.8"}}"#),
        [
            "1:33: `types.C`: invalid type: string \"0.8\", expected f64 (help: write the number without quotes: `0.8`)"
        ]
    );
    let p = json_problems(r#"{"default": 1.2}"#);
    assert_eq!(
        p,
        ["1:13: `default`: threshold `1.2` must be within 0.0..=1.0"]
    );
    // Only a plain decimal in 0..=1 is offered as the unquoted fix.
    for quoted in ["NaN", "inf", "1e400", "1.5"] {
        let p = json_problems(&format!(r#"{{"default": "{quoted}"}}"#));
        assert!(!p[0].contains("without quotes"), "{p:?}");
    }
    // An unknown key is marked at the key, with the keys that are known and the likely one.
    let p = json_problems(r#"{"Default": 0.8}"#);
    assert_eq!(p.len(), 1);
    assert!(
        p[0].starts_with("1:2: `Default`: unknown key; expected one of `default`, "),
        "{p:?}"
    );
    assert!(p[0].ends_with("(help: did you mean `default`?)"), "{p:?}");
    let p = json_problems("{\"feedback\": {\n  \"minSamples\": 3}}");
    assert!(
        p[0].starts_with("2:3: `feedback.minSamples`: unknown key"),
        "{p:?}"
    );
    assert!(p[0].ends_with("(help: did you mean `minSample`?)"), "{p:?}");
}

#[test]
fn every_shape_and_value_problem_is_reported_at_once_in_order() {
    let text = r#"{
  "default": "0.8",
  "types": { "ICP": 1.5, "Persona": 0.8 },
  "adaptve": { "enabled": true },
  "strategies": { "ICP": "fast" },
  "confidence": { "highOffset": 2 },
  "feedback": { "step": "big", "minSample": 0 },
  "fields": { "Startup.customer": 0.9, "bad": 0.5 }
}"#;
    let err = SimilarityThresholdConfig::from_json_str(text).unwrap_err();
    insta::assert_snapshot!(err.to_string());
    // The same config in TOML gives the same problems, at TOML's places.
    let toml = r#"default = "0.8"
adaptve = { enabled = true }

[types]
ICP = 1.5
Persona = 0.8

[strategies]
ICP = "fast"

[confidence]
highOffset = 2

[feedback]
step = "big"
minSample = 0

[fields]
"Startup.customer" = 0.9
bad = 0.5
"#;
    let err = SimilarityThresholdConfig::from_toml_str(toml).unwrap_err();
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn a_wrong_required_value_is_reported_once() {
    // `enabled` is required: taking out the wrong one must not add "missing field `enabled`".
    assert_eq!(
        json_problems(r#"{"adaptive": {"enabled": "yes"}}"#),
        ["1:26: `adaptive.enabled`: invalid type: string \"yes\", expected a boolean"]
    );
    // A missing one is reported at the section.
    assert_eq!(
        json_problems(r#"{"adaptive": {"minThreshold": 0.7}}"#),
        ["1:14: `adaptive`: missing field `enabled`"]
    );
}

#[test]
fn array_items_keep_their_written_indices() {
    let p = json_problems(
        r#"{"adaptive": {"enabled": true, "candidateCountBands": [
  {"minCandidates": "x", "adjustment": -0.1},
  {"minCandidates": 5, "adjustment": "y"},
  {"minCandidates": 10, "adjustment": 0.1, "z": 1}
]}}"#,
    );
    assert_eq!(
        p,
        [
            "2:21: `adaptive.candidateCountBands[0].minCandidates`: invalid type: string \"x\", expected u64",
            "3:38: `adaptive.candidateCountBands[1].adjustment`: invalid type: string \"y\", expected f64",
            "4:44: `adaptive.candidateCountBands[2].z`: unknown key; expected one of `minCandidates`, `maxCandidates`, `adjustment`",
        ]
    );
}

#[test]
fn value_problems_of_a_well_formed_config_have_positions() {
    let p = json_problems(
        "{\n  \"adaptive\": { \"enabled\": true, \"minThreshold\": 0.9, \"maxThreshold\": 0.7 }\n}",
    );
    assert_eq!(p.len(), 1);
    assert!(
        p[0].starts_with("2:50: `adaptive.minThreshold`: minThreshold `0.9`"),
        "{p:?}"
    );
    let p = invalid(SimilarityThresholdConfig::from_toml_str(
        "[adaptive]\nenabled = true\nminThreshold = 0.9\nmaxThreshold = 0.7\n",
    ));
    assert!(p[0].starts_with("3:16: `adaptive.minThreshold`"), "{p:?}");
}

#[test]
fn at_most_a_hundred_problems_are_listed() {
    let keys: Vec<String> = (0..150).map(|i| format!("\"k{i}\": 1")).collect();
    let p = json_problems(&format!("{{{}}}", keys.join(", ")));
    assert_eq!(p.len(), 101);
    assert!(p[100].contains("more errors not shown"), "{}", p[100]);
}

#[test]
fn a_number_out_of_range_is_one_error() {
    let e = SimilarityThresholdConfig::from_json_str(r#"{"types": {"A": 1e400}}"#).unwrap_err();
    assert!(e.to_string().contains("number out of range"), "{e}");
    assert!(!e.to_string().contains("missing"), "{e}");
}

#[test]
fn deep_nesting_after_an_error_is_read_without_recursing_deeply() {
    for (open, close) in [("[", "]"), ("{\"a\": ", "}")] {
        let deep = format!("{}1{}", open.repeat(100_000), close.repeat(100_000));
        let text = format!("{{\"x\": 1, \"y\": {deep}}}");
        // serde_json refuses what is nested past its recursion limit: a syntax error.
        let e = SimilarityThresholdConfig::from_json_str(&text).unwrap_err();
        assert!(!e.to_string().is_empty());
        let deep = format!("{}1{}", open.repeat(100), close.repeat(100));
        let text = format!("{{\"x\": 1, \"y\": {deep}}}");
        let p = json_problems(&text);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].starts_with("1:2: `x`: unknown key"), "{p:?}");
    }
    let deep = format!("y = {}1{}\n", "[".repeat(1000), "]".repeat(1000));
    let e = SimilarityThresholdConfig::from_toml_str(&format!("x = 1\n{deep}")).unwrap_err();
    assert!(!e.to_string().is_empty());
}

#[test]
fn an_empty_key_is_named_as_such() {
    let p = json_problems("{\n  \"\": 0.8}");
    assert_eq!(p.len(), 1);
    assert!(
        p[0].starts_with("2:3: an empty key is not a config key; expected one of `default`"),
        "{p:?}"
    );
}

#[test]
fn each_bad_dimension_key_is_reported_at_its_key() {
    let p = json_problems(
        r#"{"dimensionAdjustment": {"enabled": true, "table": {"abc": 0.7, "xyz": 0.8, "900": 0.5},
  "types": {"A": {"q": 0.7}, "B": {"r": 0.8}}}}"#,
    );
    assert_eq!(p.len(), 5, "{p:?}");
    for (i, (at, key)) in [
        ("1:53", "table.abc"),
        ("1:65", "table.xyz"),
        ("1:77", "table.900"),
        ("2:19", "types.A.q"),
        ("2:36", "types.B.r"),
    ]
    .iter()
    .enumerate()
    {
        assert!(
            p[i].starts_with(&format!("{at}: `dimensionAdjustment.{key}`: dimension")),
            "{p:?}"
        );
    }
    // A dimension given twice is an error even when nothing else is wrong, in JSON and TOML.
    let p = json_problems(
        r#"{"dimensionAdjustment": {"enabled": true, "table": {"256": 0.7, "0256": 0.8}}}"#,
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("dimension `256` is given twice; keep one"),
        "{p:?}"
    );
    let p = invalid(SimilarityThresholdConfig::from_toml_str(
        "[dimensionAdjustment]\nenabled = true\n[dimensionAdjustment.table]\n256 = 0.7\n\"0256\" = 0.8\n",
    ));
    // (TOML tables are read in key order, so the one reported may be either.)
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("dimension `256` is given twice"), "{p:?}");
}

#[test]
fn an_unknown_key_does_not_hide_the_value_checks_of_its_section() {
    let p = json_problems(
        r#"{"adaptive": {"enabled": true, "minThreshold": 0.9, "maxThreshold": 0.7, "typo": 1},
  "confidence": {"highOffset": 2, "lowOfset": 0.1}, "feedback": {"minSample": 0, "step": "big"}}"#,
    );
    let joined = p.join("\n");
    for needle in [
        "`adaptive.minThreshold`: minThreshold `0.9` is greater",
        "`adaptive.typo`: unknown key",
        "`confidence.highOffset`: offset `2`",
        "`confidence.lowOfset`: unknown key",
        "`feedback.minSample`: must be at least 1",
        "`feedback.step`: invalid type",
    ] {
        assert!(joined.contains(needle), "missing {needle:?} in\n{joined}");
    }
    assert_eq!(p.len(), 6, "{joined}");
    // A wrong maxThreshold is not compared with minThreshold through its default.
    let p = json_problems(
        r#"{"adaptive": {"enabled": true, "minThreshold": 0.99, "maxThreshold": "x"}}"#,
    );
    assert_eq!(p.len(), 1, "{p:?}");
}

#[test]
fn a_number_out_of_range_is_reported_with_the_rest() {
    let p = json_problems(r#"{"types": {"A": 1e400, "B": "x"}, "x": 1}"#);
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(
        p[0].starts_with("1:17: `types.A`: number out of range (help: "),
        "{p:?}"
    );
    // In an array: left out, and the items after it keep their written indices.
    let p = json_problems(
        r#"{"adaptive": {"enabled": true, "candidateCountBands": [1e400, {"minCandidates": 0, "adjustment": "y"}]}}"#,
    );
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[1].contains("`adaptive.candidateCountBands[1].adjustment`"),
        "{p:?}"
    );
}

#[test]
fn the_list_is_capped_whatever_the_errors_are() {
    let dups: Vec<String> = (0..150).map(|_| "\"A\": 0.5".to_owned()).collect();
    let keys: Vec<String> = (0..150).map(|i| format!("\"k{i}\": 1")).collect();
    let p = json_problems(&format!(
        "{{\"types\": {{{}}}, {}}}",
        dups.join(", "),
        keys.join(", ")
    ));
    assert_eq!(p.len(), 101, "{}", p.len());
    assert!(p[100].contains("more errors not shown"));
    let fields: Vec<String> = (0..5000).map(|i| format!("\"bad{i}\": 0.5")).collect();
    let p = json_problems(&format!("{{\"fields\": {{{}}}}}", fields.join(", ")));
    assert_eq!(p.len(), 101);
    // Value problems about a key are marked at the key.
    assert!(p[0].starts_with("1:13: `fields.bad0`"), "{}", p[0]);
}

#[test]
fn nothing_inside_an_unknown_key_is_reported() {
    assert_eq!(json_problems(r#"{"typo": {"a": 1, "a": 2}}"#).len(), 1);
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let p = json_problems(&format!("{{\"x\": {deep}}}"));
    assert_eq!(p.len(), 1, "{p:?}");
}

#[test]
fn a_byte_order_mark_is_not_a_column_in_toml_either() {
    let p = invalid(SimilarityThresholdConfig::from_toml_str(
        "\u{feff}default = \"x\"\n",
    ));
    assert!(p[0].starts_with("1:11: `default`"), "{p:?}");
}

#[test]
fn an_unknown_strategy_gets_a_did_you_mean() {
    let p = json_problems(r#"{"strategies": {"A": "Static"}}"#);
    assert!(p[0].ends_with("(help: did you mean `static`?)"), "{p:?}");
}

#[test]
fn an_enum_given_a_number_is_a_shape_error_not_a_syntax_error() {
    // serde_json files these under syntax; the text is valid JSON, so every problem is listed.
    let p = json_problems(r#"{"strategies": {"Skill": 1}, "types": {"ICP": 1.5}}"#);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].ends_with("(help: write `\"static\"` or `\"adaptive\"`)"),
        "{p:?}"
    );
    // A real syntax error is still reported alone, at its place.
    let e = json_error(r#"{"strategies": {"A": 1}, "x": [1,]}"#);
    assert!(e.starts_with("invalid JSON config config:1:34: "), "{e}");
}

#[test]
fn a_missing_required_key_does_not_hide_the_rest_of_its_section() {
    let p = json_problems(r#"{"adaptive": {"minThreshold": 0.9, "maxThreshold": 0.7}}"#);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].contains("`adaptive`: missing field `enabled`"),
        "{p:?}"
    );
    assert!(
        p[1].contains("minThreshold `0.9` is greater than maxThreshold `0.7`"),
        "{p:?}"
    );
    // A band with one wrong and one missing key: both are named.
    let p = json_problems(
        r#"{"adaptive": {"enabled": true, "candidateCountBands": [{"minCandidates": "x"}]}}"#,
    );
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p[0].contains("missing field `adjustment`"), "{p:?}");
    assert!(
        p[1].contains("`adaptive.candidateCountBands[0].minCandidates`: invalid type"),
        "{p:?}"
    );
    // The same in TOML.
    let p = invalid(SimilarityThresholdConfig::from_toml_str(
        "[dimensionAdjustment]\n[dimensionAdjustment.table]\n900 = 0.5\n",
    ));
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[1].contains("dimension `900` must be within 1..=768"),
        "{p:?}"
    );
}

#[test]
fn nothing_inside_a_wrong_value_is_reported() {
    assert_eq!(
        json_problems(r#"{"default": {"x": 1, "x": 2, "y": 1e400}}"#),
        ["1:13: `default`: invalid type: map, expected f64"]
    );
    assert_eq!(json_problems(r#"{"types": [1e400]}"#).len(), 1);
    // An unknown key is named even when its value cannot be read.
    let p = json_problems(r#"{"foo": 1e400}"#);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with("1:2: `foo`: unknown key"), "{p:?}");
}

#[test]
fn a_bad_dimension_key_with_a_bad_value_says_both() {
    let p = json_problems(r#"{"dimensionAdjustment": {"enabled": true, "table": {"abc": 2.0}}}"#);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("dimension key `abc` must be a whole number"),
        "{p:?}"
    );
    assert!(
        p[0].contains("; and its value: threshold `2` must be within 0.0..=1.0"),
        "{p:?}"
    );
}

#[test]
fn the_first_hundred_errors_written_are_the_ones_listed() {
    // The map's entries are read in key order (T0, T1, T10, ...); the list is in file order.
    let entries: Vec<String> = (0..1000).map(|i| format!("\"T{i}\": \"x\"")).collect();
    let p = json_problems(&format!("{{\"types\": {{\n{}\n}}}}", entries.join(",\n")));
    assert_eq!(p.len(), 101);
    for (i, line) in p.iter().take(100).enumerate() {
        assert!(line.starts_with(&format!("{}:", i + 2)), "{line}");
    }
}

#[test]
fn located_problems_about_names_are_in_the_order_written() {
    let text = "{\n  \"types\": { \"B\": 0.8, \"A\": 0.8 }\n}";
    let mut problems = vec![
        ConfigProblem::new("types.A", "unknown type `A`"),
        ConfigProblem::new("types.B", "unknown type `B`"),
        ConfigProblem::new("types.C", "not written"),
    ];
    locate(&mut problems, text, ConfigFormat::Json);
    let at: Vec<String> = problems
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p.position.map_or_else(|| "-".to_owned(), |p| p.to_string()),
                p.key
            )
        })
        .collect();
    // A key that is not written is placed at the nearest enclosing one.
    assert_eq!(at, ["2:3 types.C", "2:14 types.B", "2:24 types.A"]);
}

#[test]
fn a_dotted_key_is_one_key_of_its_map() {
    // `fields.Startup.customer` is not inside `fields.Startup`: both errors are listed.
    let p = json_problems(r#"{"fields": {"Startup": "x", "Startup.customer": 1.5}}"#);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[1].contains("`fields.Startup.customer`: threshold `1.5`"),
        "{p:?}"
    );
    let p = invalid(SimilarityThresholdConfig::from_toml_str(
        "[types]\nA = \"x\"\n\"A.b\" = 2\n",
    ));
    assert_eq!(p.len(), 2, "{p:?}");
}

#[test]
fn errors_outside_the_maps_are_listed_in_order_with_theirs() {
    let entries: Vec<String> = (0..150).map(|i| format!("\"T{i}\": \"b\"")).collect();
    let p = json_problems(&format!(
        "{{\"default\": \"x\", \"types\": {{{}}}}}",
        entries.join(", ")
    ));
    assert_eq!(p.len(), 101);
    assert!(p[0].starts_with("1:13: `default`"), "{}", p[0]);
}

#[test]
fn an_unknown_key_given_twice_gets_both_errors() {
    let p = json_problems(r#"{"defualt": 0.5, "defualt": 0.6}"#);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p[0].contains("unknown key"), "{p:?}");
    assert!(p[1].contains("given twice (first at 1:2)"), "{p:?}");
}

#[test]
fn a_wrong_strategy_or_confidence_level_names_the_choices() {
    let p = invalid(SimilarityThresholdConfig::from_toml_str(
        "[strategies]\nPerson = 5\n[confidence]\nminimumConfidence = 3\n",
    ));
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].ends_with("(help: write `\"static\"` or `\"adaptive\"`)"),
        "{p:?}"
    );
    assert!(p[1].ends_with("`\"medium\"` or `\"high\"`)"), "{p:?}");
}

#[test]
fn a_bad_escape_is_a_syntax_error_at_its_place() {
    // `RawValue` reads strings without decoding them: the escape shows only when the key is
    // read. Found by the `config` fuzz target.
    for text in [
        "{\"default\": \"x\",\n \"a\\udadfb\": 0.1}",
        "{\"default\": \"x\",\n \"types\": {\"A\": \"\\udadf\"}}",
        "{\"x\": 1,\n \"a\\q\": 0.1}",
    ] {
        let e = json_error(text);
        assert!(
            e.starts_with("invalid JSON config config:2:"),
            "{text:?}: {e}"
        );
    }
}

#[test]
fn an_error_in_one_band_does_not_hide_the_values_of_the_others() {
    // Band 1 lacks `minCandidates`; band 0's own adjustment is still out of range. Only the
    // comparisons between bands (overlaps, order) wait for the fix.
    let p = json_problems(
        r#"{"adaptive": {"enabled": true, "candidateCountBands": [{"minCandidates": 0, "maxCandidates": 9, "adjustment": 5}, {"adjustment": 0.05}]}}"#,
    );
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].contains("`adaptive.candidateCountBands[0].adjustment`: adjustment `5`"),
        "{p:?}"
    );
    assert!(p[1].contains("missing field `minCandidates`"), "{p:?}");
    // A band taken out (a number out of range) moves no index: the error after it names the
    // band as written.
    let p = json_problems(
        r#"{"adaptive": {"enabled": true, "candidateCountBands": [1e400, {"minCandidates": 5, "maxCandidates": 2, "adjustment": 0}]}}"#,
    );
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[1].contains("`adaptive.candidateCountBands[1].minCandidates`: minCandidates 5 is greater than maxCandidates 2"),
        "{p:?}"
    );
}

#[test]
fn the_rest_of_an_invalid_config_keeps_its_names() {
    let Err(ConfigError::Invalid {
        rest: Some(rest), ..
    }) =
        SimilarityThresholdConfig::from_toml_str("default = 2\n[types]\nSkil = 0.7\nTag = \"x\"\n")
    else {
        panic!("an invalid config with a readable rest")
    };
    assert_eq!(rest.types.keys().collect::<Vec<_>>(), ["Skil"]);
    // A baseDimensions of 0 is the one error; the table's dimensions are not all "too large".
    let p = json_problems(
        r#"{"dimensionAdjustment": {"enabled": true, "baseDimensions": 0, "table": {"128": 0.7}}}"#,
    );
    assert_eq!(p.len(), 1, "{p:?}");
}
