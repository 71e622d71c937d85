//! `cascade thresholds FILE [--config CFG] [--json]` through the binary.

mod common;

use common::{cascade, transcript};

const LAYERS: &str = "cascade-cli/tests/fixtures/runtime/layers.cascade";
const CONFIG: &str = "cascade-cli/tests/fixtures/runtime/layers.json";

#[test]
fn table_for_the_spike_schema() {
    let run = cascade(&["thresholds", "examples/schemas/startup.cascade"]);
    assert_eq!(run.0, 0, "{}", run.2);
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn table_with_every_layer_and_a_config() {
    let run = cascade(&["thresholds", LAYERS, "--config", CONFIG]);
    assert_eq!(run.0, 0, "{}", run.2);
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn json_without_config() {
    let run = cascade(&["thresholds", LAYERS, "--json"]);
    assert_eq!(run.0, 0, "{}", run.2);
    let value: serde_json::Value = serde_json::from_str(&run.1).unwrap();
    insta::assert_json_snapshot!(value);
}

#[test]
fn json_shape_is_designs() {
    let run = cascade(&["thresholds", LAYERS, "--config", CONFIG, "--json"]);
    assert_eq!(run.0, 0, "{}", run.2);
    let value: serde_json::Value = serde_json::from_str(&run.1).unwrap();
    let rows = value.as_array().unwrap();
    let find = |owner: &str, field: &str| {
        rows.iter()
            .find(|r| r["owner"] == owner && r["field"] == field)
            .unwrap_or_else(|| panic!("{owner}.{field} listed"))
    };
    let customer = find("Startup", "customer");
    assert_eq!(customer["operator"], "~>");
    assert_eq!(customer["targets"][0]["type"], "ICP");
    assert_eq!(customer["targets"][0]["threshold"], 0.85);
    assert_eq!(customer["targets"][0]["layer"], "schema-field");
    let founder = find("Startup", "founder");
    assert_eq!(founder["targets"][0]["threshold"], serde_json::Value::Null);
    assert_eq!(founder["targets"][0]["layer"], serde_json::Value::Null);
    assert_eq!(find("Startup", "topics")["array"], true);
    assert_eq!(find("Company", "headquarters")["optional"], true);
    let layers: Vec<&str> = find("Startup", "market")["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["layer"].as_str().unwrap())
        .collect();
    assert_eq!(layers, ["schema-type", "schema-field", "config-type"]);
    assert!(
        rows.iter().all(|r| r["field"] != "idea"),
        "primitives and prompts are not listed"
    );
}

#[test]
fn toml_and_json_configs_agree() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("layers.toml");
    std::fs::write(
        &toml,
        "default = 0.72\n[types]\nPersona = 0.66\n[fields]\n\"Startup.topics\" = 0.88\n",
    )
    .unwrap();
    let a = cascade(&[
        "thresholds",
        LAYERS,
        "--config",
        toml.to_str().unwrap(),
        "--json",
    ]);
    let b = cascade(&["thresholds", LAYERS, "--config", CONFIG, "--json"]);
    assert_eq!((a.0, &a.1), (0, &b.1));
}

#[test]
fn a_config_naming_unknown_types_and_fields_is_an_error() {
    let run = cascade(&[
        "thresholds",
        LAYERS,
        "--config",
        "cascade-cli/tests/fixtures/runtime/misfit.toml",
    ]);
    assert_eq!(run.0, 1);
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn invalid_configs_list_every_problem() {
    let run = cascade(&[
        "thresholds",
        LAYERS,
        "--config",
        "cascade-cli/tests/fixtures/runtime/invalid.json",
    ]);
    assert_eq!(run.0, 1);
    insta::assert_snapshot!(transcript(run));
}

/// The README's "Runtime config" example: wrong types, an out-of-range threshold, an unknown key
/// and a bad field key, all in one run, each at its line and column.
#[test]
fn every_config_error_is_listed_with_its_place() {
    let run = cascade(&[
        "thresholds",
        "examples/schemas/entities.cascade",
        "--config",
        "cascade-cli/tests/fixtures/runtime/every-error.json",
    ]);
    assert_eq!(run.0, 1);
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn unknown_config_keys_are_errors() {
    let run = cascade(&[
        "thresholds",
        LAYERS,
        "--config",
        "cascade-cli/tests/fixtures/runtime/unknown-key.json",
    ]);
    assert_eq!(run.0, 1);
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn missing_files_and_unknown_formats_are_errors() {
    let run = cascade(&["thresholds", "no/such.cascade"]);
    assert_eq!(run.0, 1);
    assert!(
        run.2
            .starts_with("error: cannot read schema `no/such.cascade`"),
        "{}",
        run.2
    );
    let run = cascade(&["thresholds", LAYERS, "--config", "thresholds.yaml"]);
    assert_eq!(run.0, 1);
    assert!(
        run.2.contains("expected a `.json` or `.toml` file"),
        "{}",
        run.2
    );
}

#[test]
fn schema_errors_are_rendered() {
    let run = cascade(&[
        "thresholds",
        "cascade-cli/tests/fixtures/runtime/broken.cascade",
    ]);
    assert_eq!(run.0, 1);
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn relations_and_exact_references_have_no_threshold() {
    let run = cascade(&[
        "thresholds",
        "cascade-cli/tests/fixtures/runtime/backrefs.cascade",
    ]);
    assert_eq!(run.0, 0, "{}", run.2);
    let json = cascade(&[
        "thresholds",
        "cascade-cli/tests/fixtures/runtime/backrefs.cascade",
        "--json",
    ]);
    insta::assert_snapshot!(format!("{}\n{}", transcript(run), json.1));
}
