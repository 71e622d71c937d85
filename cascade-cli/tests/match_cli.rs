//! `cascade match` on small fixtures: the table, the JSON contract, and every input error.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const DIR: &str = "cascade-cli/tests/fixtures/match";

/// Runs `cascade match` from the workspace root on the fixture files, with `args` appended;
/// `files` overrides the fixture names (`catalog`, `queries`, `embeddings`).
fn run(files: [&str; 3], args: &[&str]) -> Output {
    let [catalog, queries, embeddings] = files.map(|f| format!("{DIR}/{f}"));
    Command::new(env!("CARGO_BIN_EXE_cascade"))
        .args([
            "match",
            "--catalog",
            &catalog,
            "--queries",
            &queries,
            "--embeddings",
            &embeddings,
        ])
        .args(args)
        .current_dir(root())
        .output()
        .expect("the cascade binary runs")
}

const FILES: [&str; 3] = ["catalog.jsonl", "queries.jsonl", "embeddings.jsonl"];

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

fn ok(files: [&str; 3], args: &[&str]) -> String {
    let out = run(files, args);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    text(&out.stdout)
}

/// The exit code and stderr of a failing run.
fn fails(files: [&str; 3], args: &[&str]) -> (Option<i32>, String) {
    let out = run(files, args);
    assert!(
        out.stdout.is_empty(),
        "nothing is printed on stdout on error"
    );
    (out.status.code(), text(&out.stderr))
}

#[test]
fn a_dimension_adjustment_is_said_not_to_apply() {
    let config = format!("{DIR}/config-dims.json");
    let out = run(FILES, &["--config", &config]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(
            "`dimensionAdjustment` is not used: `cascade match` compares the embeddings as given"
        ),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn explanations_show_the_adjustment_steps_and_the_confidence_filter() {
    // Company is adaptive (one entity: 0.8 loosened to 0.7); Skill's 0.6 lets `golang` (0.6)
    // through the threshold, but its confidence is below the `high` the config requires.
    let config = format!("{DIR}/adaptive_high_config.json");
    let table = ok(FILES, &["--config", &config]);
    insta::assert_snapshot!(table);
    let out = ok(FILES, &["--config", &config, "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let explanations: Vec<&str> = doc["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["explanation"].as_str().expect("an explanation"))
        .collect();
    assert_eq!(
        explanations[1],
        "the most similar Skill, `skill:rust` (0.6), is at or above the threshold 0.6 (config-type), but its confidence `medium` is below the `high` that confidence.minimumConfidence requires: a new Skill is created"
    );
    assert_eq!(
        explanations[2],
        "`company:acme` is the most similar Company (0.9474997), at or above the threshold 0.7 (builtin 0.8, adjusted: 1 candidate falls in the band 0..=9: loosen by 0.1): reused"
    );
}

#[test]
fn table_with_schema_and_config() {
    let schema = format!("{DIR}/schema.cascade");
    let config = format!("{DIR}/config.json");
    insta::assert_snapshot!(ok(FILES, &["--schema", &schema, "--config", &config]));
}

#[test]
fn json_with_schema_and_config() {
    let schema = format!("{DIR}/schema.cascade");
    let config = format!("{DIR}/config.json");
    let out = ok(FILES, &["--schema", &schema, "--config", &config, "--json"]);
    assert_eq!(out.lines().count(), 1, "one JSON document on one line");
    let _: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    // The raw line: key order is part of the contract.
    insta::assert_snapshot!(out);
}

#[test]
fn json_backward_two_phase_builtin() {
    let out = ok(
        FILES,
        &[
            "--operator",
            "<~",
            "--index",
            "two-phase",
            "--hot-dims",
            "2",
            "--oversample",
            "1",
            "--json",
        ],
    );
    insta::assert_snapshot!(out);
}

#[test]
fn every_row_error_is_reported_with_file_and_line() {
    let (code, stderr) = fails(
        ["catalog.jsonl", "bad_queries.jsonl", "embeddings.jsonl"],
        &[],
    );
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(stderr);
}

#[test]
fn a_bad_embedding_row_is_not_also_a_missing_embedding() {
    // Each bad vector row is one error; the catalog rows and queries needing its text are not
    // also told to add a row for it.
    let (code, stderr) = fails(
        ["catalog.jsonl", "queries.jsonl", "bad_embeddings.jsonl"],
        &[],
    );
    assert_eq!(code, Some(1));
    assert!(!stderr.contains("no embedding"), "{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn an_unknown_gold_id_is_a_warning_and_the_query_unlabelled() {
    let files = [
        "catalog.jsonl",
        "stale_gold_queries.jsonl",
        "embeddings.jsonl",
    ];
    let (stdout, stderr) = ok_with_warnings(files, &["--json"]);
    insta::assert_snapshot!(stderr, @"warning: cascade-cli/tests/fixtures/match/stale_gold_queries.jsonl:1: field `gold_id`: `skill:rsut` is not a catalog id of type `Skill`; the query is matched but counted as unlabelled (not in the accuracy): fix the id (did you mean `skill:rust`?), or write null when it should match nothing");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(doc["results"][0]["correct"], serde_json::Value::Null);
    assert_eq!(doc["results"][0]["id"], "skill:rust");
    // Two labelled queries, both right.
    assert_eq!(doc["summary"]["accuracy"], 1.0);
}

#[test]
fn schema_errors_are_rendered() {
    let (code, stderr) = fails(FILES, &["--schema", &format!("{DIR}/bad_schema.cascade")]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(stderr);
}

#[test]
fn catalog_types_must_be_in_the_schema() {
    let (code, stderr) = fails(
        FILES,
        &["--schema", &format!("{DIR}/partial_schema.cascade")],
    );
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(stderr);
}

#[test]
fn config_errors_are_reported() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{ "types": { "Skill": 1.5 } }"#).expect("writable");
    let (code, stderr) = fails(FILES, &["--config", bad.to_str().expect("UTF-8")]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("bad.json") && stderr.contains("`1.5` must be within 0.0..=1.0"),
        "{stderr}"
    );
    std::fs::write(&bad, r#"{ "defualt": 0.8 }"#).expect("writable");
    let (code, stderr) = fails(FILES, &["--config", bad.to_str().expect("UTF-8")]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("defualt"), "{stderr}");
}

#[test]
fn missing_files_are_named() {
    let (code, stderr) = fails(["nope.jsonl", "queries.jsonl", "embeddings.jsonl"], &[]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("nope.jsonl: cannot open: "), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let (code, stderr) = fails(FILES, &["--operator", "->"]);
    assert_eq!(code, Some(2), "{stderr}");
    let (code, stderr) = fails(FILES, &["--operator=->"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("`->` is exact; `cascade match` takes a fuzzy operator"),
        "{stderr}"
    );
    let (code, stderr) = fails(FILES, &["--operator", "~~>"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("unknown operator `~~>`"), "{stderr}");
    let (code, _) = fails(FILES, &["--index", "hnsw"]);
    assert_eq!(code, Some(2));
}

#[test]
fn two_phase_settings_without_the_two_phase_index_are_usage_errors() {
    let (code, stderr) = fails(FILES, &["--hot-dims", "64"]);
    assert_eq!(code, Some(2), "{stderr}");
    insta::assert_snapshot!(stderr, @"error: --hot-dims only tunes the two-phase index, but `--index exact` is in use (the default); add `--index two-phase`, or drop it");
    let (code, stderr) = fails(
        FILES,
        &["--index", "exact", "--hot-dims", "64", "--oversample", "8"],
    );
    assert_eq!(code, Some(2), "{stderr}");
    insta::assert_snapshot!(stderr, @"error: --hot-dims and --oversample only tune the two-phase index, but `--index exact` is in use (the default); add `--index two-phase`, or drop them");
}

#[test]
fn zero_hot_dims_or_oversampling_are_usage_errors() {
    // Bad values of an option exit 2 with clap's message, as `--cv 1` does; only a
    // `--hot-dims` larger than the vectors (known once they are read) is a user error.
    for (flag, value) in [
        ("--hot-dims", "0"),
        ("--oversample", "0"),
        ("--hot-dims", "x"),
    ] {
        let (code, stderr) = fails(FILES, &["--index", "two-phase", flag, value]);
        assert_eq!(code, Some(2), "{flag} {value}: {stderr}");
        assert!(
            stderr.starts_with(&format!("error: invalid value '{value}' for '{flag} ")),
            "{stderr}"
        );
    }
    let (_, stderr) = fails(FILES, &["--index", "two-phase", "--oversample", "0"]);
    insta::assert_snapshot!(stderr, @r"
    error: invalid value '0' for '--oversample <K>': an oversampling factor of 0 reranks no candidate: use at least 1 (1 reranks exactly the wanted number)

    For more information, try '--help'.
    ");
    let (_, stderr) = fails(FILES, &["--index", "two-phase", "--hot-dims", "0"]);
    insta::assert_snapshot!(stderr, @r"
    error: invalid value '0' for '--hot-dims <D>': a hot tier of 0 dimensions cannot rank anything: use at least 1 (at most the vectors' dimension)

    For more information, try '--help'.
    ");
}

#[test]
fn bad_index_settings_are_one_clear_error() {
    let (code, stderr) = fails(FILES, &["--index", "two-phase", "--hot-dims", "4"]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(stderr);
    // Python's vector is [0, 1, 0]: nothing in the first dimension.
    let (_, stderr) = fails(FILES, &["--index", "two-phase", "--hot-dims", "1"]);
    insta::assert_snapshot!("zero_hot_prefix", stderr);
}

#[test]
fn unlabelled_queries_give_a_null_accuracy() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let queries = dir.path().join("q.jsonl");
    std::fs::write(
        &queries,
        "{\"query\": \"rust lang\", \"type\": \"Skill\"}\n\n",
    )
    .expect("writable");
    let out = Command::new(env!("CARGO_BIN_EXE_cascade"))
        .args([
            "match",
            "--catalog",
            &format!("{DIR}/catalog.jsonl"),
            "--embeddings",
            &format!("{DIR}/embeddings.jsonl"),
        ])
        .arg("--queries")
        .arg(&queries)
        .arg("--json")
        .current_dir(root())
        .output()
        .expect("the cascade binary runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_str(&text(&out.stdout)).expect("JSON");
    assert_eq!(doc["summary"]["accuracy"], serde_json::Value::Null);
    assert_eq!(doc["summary"]["matched"], 1);
}

/// The stdout and stderr of a successful run.
fn ok_with_warnings(files: [&str; 3], args: &[&str]) -> (String, String) {
    let out = run(files, args);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    (text(&out.stdout), text(&out.stderr))
}

const PEOPLE: &str = "cascade-cli/tests/fixtures/match/people_schema.cascade";

#[test]
fn the_config_is_checked_against_the_schema() {
    let config = format!("{DIR}/typo_config.json");
    // In the same run, the queries are still checked against the schema's types.
    let files = [
        "catalog.jsonl",
        "unknown_type_queries.jsonl",
        "embeddings.jsonl",
    ];
    let (code, stderr) = fails(files, &["--schema", PEOPLE, "--config", &config]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(stderr);
}

/// A config that does not load: each of its problems is one error, counted, at its place.
#[test]
fn every_config_error_is_one_counted_problem() {
    let config = "cascade-cli/tests/fixtures/runtime/every-error.json";
    let (code, stderr) = fails(FILES, &["--config", config]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(stderr);
}

/// A config with more errors than are listed: the cut is a note, and the count says "at least".
#[test]
fn a_cut_list_of_config_errors_is_counted_as_at_least() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let config = dir.path().join("many.json");
    let keys: Vec<String> = (0..150).map(|i| format!("\"k{i}\": 1")).collect();
    std::fs::write(&config, format!("{{{}}}", keys.join(", "))).expect("writing the config");
    let config = config.to_str().expect("a UTF-8 path");
    let (code, stderr) = fails(FILES, &["--config", config]);
    assert_eq!(code, Some(1));
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("note: config `") && l.contains("more errors not shown")),
        "{stderr}"
    );
    assert_eq!(
        lines.last().copied(),
        Some("error: at least 100 problems found; nothing was matched"),
        "{stderr}"
    );
}

#[test]
fn without_a_schema_unused_config_entries_are_warned_about() {
    let config = format!("{DIR}/fields_config.json");
    let (stdout, stderr) = ok_with_warnings(FILES, &["--config", &config, "--json"]);
    insta::assert_snapshot!(stderr);
    // The warned-about entries change nothing: the run is the one without the config.
    assert_eq!(stdout, ok(FILES, &["--json"]));
}

#[test]
fn with_a_schema_field_entries_point_at_the_types_entry() {
    let config = format!("{DIR}/fields_config.json");
    let dir = tempfile::tempdir().expect("a temp dir");
    // `fields_config.json` with the type typo fixed: it fits the schema, but `fields` still
    // does not apply to a query.
    let fixed = dir.path().join("fixed.json");
    let fixture = std::fs::read_to_string(root().join(&config)).expect("the fixture is readable");
    std::fs::write(&fixed, fixture.replace("Skil\"", "Skill\"")).expect("writable");
    let fixed = fixed.to_str().expect("UTF-8");
    let (_, stderr) = ok_with_warnings(FILES, &["--schema", PEOPLE, "--config", fixed]);
    let stderr = stderr.replace(fixed, "[fixed.json]");
    insta::assert_snapshot!(stderr, @"warning: config `[fixed.json]`: `fields` entries `Person.employer`, `Person.skills` are not used: a `cascade match` query is a reference to its type with no owner field, so only `types` and `default` set its threshold; set `types.Company` or `types.Skill` instead");
}

#[test]
fn a_schema_type_without_entities_has_no_candidates() {
    let files = [
        "catalog.jsonl",
        "new_type_queries.jsonl",
        "embeddings.jsonl",
    ];
    let (stdout, stderr) = ok_with_warnings(files, &["--schema", PEOPLE]);
    assert_eq!(stderr, "");
    insta::assert_snapshot!(stdout);
}

#[test]
fn an_empty_catalog_creates_every_query_or_links_nothing() {
    let files = ["empty.jsonl", "new_type_queries.jsonl", "embeddings.jsonl"];
    let dir = tempfile::tempdir().expect("a temp dir");
    // The fixture's labelled query points at a catalog id; with no catalog it is unlabelled.
    let queries = dir.path().join("q.jsonl");
    let fixture = std::fs::read_to_string(root().join(DIR).join(files[1])).expect("readable");
    std::fs::write(
        &queries,
        fixture.replace(r#", "gold_id": "skill:rust""#, ""),
    )
    .expect("ok");
    let run_with = |op: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_cascade"))
            .args(["match", "--catalog", &format!("{DIR}/{}", files[0])])
            .args(["--embeddings", &format!("{DIR}/{}", files[2])])
            .arg("--queries")
            .arg(&queries)
            .args(["--schema", PEOPLE, "--operator", op, "--json"])
            .current_dir(root())
            .output()
            .expect("the cascade binary runs");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        serde_json::from_str::<serde_json::Value>(&text(&out.stdout)).expect("JSON")
    };
    let created = run_with("~>");
    insta::assert_json_snapshot!("empty_catalog_creates", created["summary"]);
    let none = run_with("<~");
    insta::assert_json_snapshot!("empty_catalog_links_nothing", none["summary"]);
    for doc in [created, none] {
        let results = doc["results"].as_array().expect("an array of results");
        assert_eq!(results.len(), 4);
        for r in results {
            assert_eq!(r["id"], serde_json::Value::Null, "{r}");
            assert_eq!(r["similarity"], serde_json::Value::Null, "{r}");
        }
    }
}

#[test]
fn a_type_unknown_to_catalog_and_schema_is_an_error() {
    let files = [
        "catalog.jsonl",
        "unknown_type_queries.jsonl",
        "embeddings.jsonl",
    ];
    let (code, stderr) = fails(files, &["--schema", PEOPLE]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(stderr);
}

#[test]
fn printed_errors_are_capped_at_20() {
    let files = ["catalog.jsonl", "many_queries.jsonl", "embeddings.jsonl"];
    let (code, stderr) = fails(files, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr.lines().count(),
        22,
        "20 errors, the rest counted, a summary"
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn an_empty_catalog_without_a_schema_is_one_error() {
    // One error for the file, not one "no catalog entity has type" per query; with a schema
    // an empty catalog is fine (`an_empty_catalog_creates_every_query_or_links_nothing`).
    let files = ["empty.jsonl", "queries.jsonl", "embeddings.jsonl"];
    let (code, stderr) = fails(files, &[]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(stderr, @r#"
    error: cascade-cli/tests/fixtures/match/empty.jsonl: has no entities, so no query has candidates: add rows like {"id": "...", "type": "...", "name": "..."}, or pass --schema with the query types to start from an empty catalog (`~>` then creates every query)
    error: 1 problem found; nothing was matched
    "#);
}

#[test]
fn a_json_array_catalog_is_one_error() {
    // Not one error per line, nor an unknown-type error per query.
    let files = ["array_catalog.json", "queries.jsonl", "embeddings.jsonl"];
    let (code, stderr) = fails(files, &[]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(stderr, @r"
    error: cascade-cli/tests/fixtures/match/array_catalog.json:1: starts a JSON array, but JSONL needs one JSON object per line and no brackets: write each object on its own line (e.g. `jq -c '.[]' FILE.json > FILE.jsonl`)
    error: 1 problem found; nothing was matched
    ");
}

#[test]
fn an_empty_embeddings_file_is_one_error() {
    let files = ["catalog.jsonl", "queries.jsonl", "empty.jsonl"];
    let (code, stderr) = fails(files, &[]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(stderr, @r#"
    error: cascade-cli/tests/fixtures/match/empty.jsonl: is empty (no embedding rows): expected one JSON object per line, like {"text": "...", "vector": [numbers]}
    error: 1 problem found; nothing was matched
    "#);
    // An unreadable one is also one error, not one per text it should have held.
    let files = ["catalog.jsonl", "queries.jsonl", "nope.jsonl"];
    let (code, stderr) = fails(files, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    assert!(stderr.contains("nope.jsonl: cannot open: "), "{stderr}");
}

#[test]
fn an_empty_queries_file_is_one_error() {
    let files = ["catalog.jsonl", "empty.jsonl", "embeddings.jsonl"];
    let (code, stderr) = fails(files, &[]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(stderr, @r#"
    error: cascade-cli/tests/fixtures/match/empty.jsonl: is empty (no query rows): expected one JSON object per line, like {"query": "...", "type": "...", "gold_id": "..." | null}
    error: 1 problem found; nothing was matched
    "#);
}

#[test]
fn an_unreadable_catalog_is_one_error() {
    let (code, stderr) = fails(["nope.jsonl", "queries.jsonl", "embeddings.jsonl"], &[]);
    assert_eq!(code, Some(1));
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
}
