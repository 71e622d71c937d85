//! `cascade explain FILE Owner.field [...]` through the binary.

mod common;

use common::transcript;

const LAYERS: &str = "cascade-cli/tests/fixtures/runtime/layers.cascade";
const CONFIG: &str = "cascade-cli/tests/fixtures/runtime/layers.json";

#[test]
fn spike_field_with_scores() {
    let run = explain(&[
        "examples/schemas/startup.cascade",
        "Startup.customer",
        "--scores",
        "0.91,0.84,0.79",
    ]);
    assert_eq!(run.0, 0, "{}", run.2);
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn union_members_each_explained() {
    let run = explain(&[
        LAYERS,
        "Startup.market",
        "--config",
        CONFIG,
        "--scores",
        "0.95,0.83,0.8,0.64",
    ]);
    assert_eq!(run.0, 0, "{}", run.2);
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn no_scores_says_how_to_give_them() {
    let run = explain(&[LAYERS, "Company.headquarters"]);
    assert_eq!(run.0, 0, "{}", run.2);
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn adaptive_and_dimension_steps_with_a_table() {
    let run = explain(&[
        LAYERS,
        "Company.skills",
        "--config",
        CONFIG,
        "--candidates",
        "5",
        "--dims",
        "256",
        "--scores",
        "0.7,0.66,0.61",
    ]);
    assert_eq!(run.0, 0, "{}", run.2);
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn json_shape_is_designs() {
    let run = explain(&[
        LAYERS,
        "Company.skills",
        "--candidates",
        "5",
        "--dims",
        "128",
        "--scores",
        "0.7,0.66,0.61,0.5",
        "--json",
    ]);
    assert_eq!(run.0, 0, "{}", run.2);
    let value: serde_json::Value = serde_json::from_str(&run.1).unwrap();
    let e = &value[0];
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
        assert!(e.get(key).is_some(), "missing `{key}` in {e}");
    }
    let steps: Vec<&str> = e["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["dimension", "adaptive", "clamp"]);
    for s in e["steps"].as_array().unwrap() {
        for key in ["from", "to", "why"] {
            assert!(s.get(key).is_some(), "missing `{key}` in {s}");
        }
    }
    for a in e["alternatives"].as_array().unwrap() {
        for key in ["threshold", "would_match", "description"] {
            assert!(a.get(key).is_some(), "missing `{key}` in {a}");
        }
    }
    insta::assert_json_snapshot!(value);
}

#[test]
fn static_targets_ignore_the_candidate_count() {
    let run = explain(&[LAYERS, "Company.industry", "--candidates", "3", "--json"]);
    assert_eq!(run.0, 0, "{}", run.2);
    let value: serde_json::Value = serde_json::from_str(&run.1).unwrap();
    assert_eq!(value[0]["steps"], serde_json::json!([]));
    assert_eq!(value[0]["strategy"], "static");
    assert_eq!(value[0]["threshold"], 0.78);
}

#[test]
fn conditions_that_drive_no_step_say_so() {
    let run = explain(&[LAYERS, "Company.industry", "--candidates", "3"]);
    assert_eq!(run.0, 0, "{}", run.2);
    assert!(
        run.1
            .contains("(`--candidates 3` changes nothing here: the strategy is static"),
        "{}",
        run.1
    );
    let run = explain(&[LAYERS, "Company.skills", "--scores", "0.9"]);
    assert_eq!(run.0, 0, "{}", run.2);
    assert!(
        run.1.contains(
            "(Skill uses the adaptive strategy: pass `--candidates N` to apply the candidate-count step)"
        ),
        "{}",
        run.1
    );
    let run = explain(&[
        LAYERS,
        "Company.skills",
        "--scores",
        "0.9",
        "--candidates",
        "500",
    ]);
    assert!(!run.1.contains("--candidates N"), "{}", run.1);
}

#[test]
fn user_errors_exit_1_with_a_fix() {
    let cases: &[&[&str]] = &[
        &[LAYERS, "Startup.custmer"],
        &[LAYERS, "Startp.customer"],
        &[LAYERS, "Startup.idea"],
        &[LAYERS, "Startup.founder"],
        &[
            LAYERS,
            "Startup.market",
            "--config",
            CONFIG,
            "--dims",
            "1024",
        ],
        &[LAYERS, "Startup.market", "--dims", "769"],
    ];
    let mut out = String::new();
    for args in cases {
        let run = explain(args);
        assert_eq!(run.0, 1, "{args:?}");
        assert!(run.1.is_empty());
        out.push_str(&format!(
            "$ cascade explain {}\n{}\n",
            args.join(" "),
            run.2
        ));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn bad_arguments_are_usage_errors() {
    let run = explain(&[LAYERS, "Startup.market", "--scores", "0.9,abc"]);
    assert_eq!(run.0, 2);
    assert!(run.2.contains("`abc` is not a number"), "{}", run.2);
    let run = explain(&[LAYERS, "Startup.market", "--scores", "1.5"]);
    assert_eq!(run.0, 2);
    assert!(run.2.contains("within -1.0..=1.0"), "{}", run.2);
    let run = explain(&[LAYERS, "Startup.market", "--dims", "0"]);
    assert_eq!(run.0, 2);
    assert!(
        run.2.contains("0 is not a number of dimensions"),
        "{}",
        run.2
    );
    let run = explain(&[LAYERS, "Startup.market", "--candidates", "many"]);
    assert_eq!(run.0, 2);
    assert!(
        run.2.contains("`many` is not a candidate count"),
        "{}",
        run.2
    );
    // A negative score is a score, not a flag.
    let run = explain(&[LAYERS, "Startup.market", "--scores", "-0.1,0.9"]);
    assert_eq!(run.0, 0, "{}", run.2);
    let run = explain(&[LAYERS, "Startup"]);
    assert_eq!(run.0, 2);
    assert!(run.2.contains("write `Owner.field`"), "{}", run.2);
}

/// `calibrated.json` is what `cascade calibrate examples/data/pairs.jsonl --embeddings
/// examples/data/embeddings.jsonl --dims 384,256,128,64 --write calibrated.json` wrote: its
/// per-type dimension table is used as measured, even where it rises at fewer dimensions.
#[test]
fn a_calibrated_config_with_a_dimension_table() {
    let run = explain(&[
        "examples/schemas/entities.cascade",
        "Person.employer",
        "--config",
        "cascade-cli/tests/fixtures/runtime/calibrated.json",
        "--dims",
        "128",
        "--scores",
        "0.7,0.65,0.6",
    ]);
    assert_eq!(run.0, 0, "{}", run.2);
    insta::assert_snapshot!(transcript(run));
}

/// Runs `cascade explain ARGS` from the workspace root.
fn explain(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["explain"];
    all.extend_from_slice(args);
    common::cascade(&all)
}
