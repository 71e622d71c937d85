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
fn bad_index_settings_are_one_clear_error() {
    let (code, stderr) = fails(FILES, &["--index", "two-phase", "--hot-dims", "4"]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(stderr);
    let (_, stderr) = fails(
        FILES,
        &[
            "--index",
            "two-phase",
            "--hot-dims",
            "2",
            "--oversample",
            "0",
        ],
    );
    assert!(stderr.contains("oversampling factor 0"), "{stderr}");
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
