//! `cascade calibrate` end to end: the binary on the shipped data and on small fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `cascade calibrate ARGS` from the workspace root, so paths in the output are relative.
fn calibrate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cascade"))
        .arg("calibrate")
        .args(args)
        .current_dir(root())
        .output()
        .expect("the cascade binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

fn ok(args: &[&str]) -> String {
    let out = calibrate(args);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    stdout(&out)
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    serde_json::from_str(&ok(&all)).expect("--json prints one JSON document")
}

const PAIRS: &str = "examples/data/pairs.jsonl";

#[test]
fn table_on_the_shipped_pairs() {
    insta::assert_snapshot!(ok(&[PAIRS]));
}

/// Indents JSON text without reordering its keys (a `Value` would sort them).
fn indent(json: &str) -> String {
    let mut out = String::new();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for c in json.trim().chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                depth += 1;
                out.push(c);
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
            }
            '}' | ']' => {
                depth -= 1;
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
                out.push(c);
            }
            ',' => {
                out.push_str(",\n");
                out.push_str(&"  ".repeat(depth));
            }
            ':' => out.push_str(": "),
            c => out.push(c),
        }
    }
    out
}

#[test]
fn json_on_the_shipped_pairs() {
    let text = ok(&[PAIRS, "--json"]);
    assert_eq!(text.lines().count(), 1, "one document on one line");
    insta::assert_snapshot!(indent(&text));
}

#[test]
fn json_has_exactly_the_design_shape() {
    let doc = json(&[PAIRS, "--bootstrap", "0", "--cv", "0"]);
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&doc), ["objective", "rule", "score_field", "types"]);
    assert_eq!(doc["objective"], "f1");
    assert_eq!(doc["rule"], "score >= threshold");
    assert_eq!(doc["score_field"], "similarity");
    let types = doc["types"].as_array().expect("types is an array");
    let names: Vec<&str> = types
        .iter()
        .map(|t| t["type"].as_str().expect("a name"))
        .collect();
    assert_eq!(
        names,
        [
            "Occupation",
            "Skill",
            "Industry",
            "Location",
            "Company",
            "Person",
            "Tag",
            "ALL"
        ]
    );
    for t in types {
        assert_eq!(keys(t), ["best", "grid", "n", "positives", "type"]);
        assert_eq!(
            keys(&t["best"]),
            [
                "f1",
                "fn",
                "fp",
                "interval",
                "midpoint",
                "precision",
                "recall",
                "threshold",
                "tn",
                "tp"
            ]
        );
        for row in t["grid"].as_array().expect("grid is an array") {
            assert_eq!(
                keys(row),
                [
                    "f1",
                    "fn",
                    "fp",
                    "precision",
                    "recall",
                    "threshold",
                    "tn",
                    "tp"
                ]
            );
        }
    }
    let with = json(&[PAIRS, "--bootstrap", "50", "--cv", "3"]);
    let first = &with["types"][0];
    assert_eq!(first["cv"]["folds"], 3);
    assert_eq!(first["ci"]["level"], 0.9);
    assert_eq!(first["ci"]["resamples"], 50);
    for key in ["threshold", "precision", "recall", "f1"] {
        assert_eq!(first["ci"][key].as_array().map(Vec::len), Some(2), "{key}");
    }
}

/// The reference's `best_f1` and grid for one type at one dimension.
fn assert_matches_reference(got: &Value, want: &Value, ctx: &str) {
    let best = &want["best_f1"];
    assert_eq!(got["best"]["threshold"], best["threshold"], "{ctx}");
    for k in ["tp", "fp", "fn", "tn", "precision", "recall", "f1"] {
        assert_eq!(got["best"][k], best[k], "{ctx}: {k}");
    }
    let grid = want["grid"].as_object().expect("grid");
    for (row, (_, g)) in got["grid"].as_array().expect("grid").iter().zip(grid) {
        for k in [
            "threshold",
            "tp",
            "fp",
            "fn",
            "tn",
            "precision",
            "recall",
            "f1",
        ] {
            assert_eq!(row[k], g[k], "{ctx}: grid {k}");
        }
    }
}

fn reference() -> Value {
    let text = std::fs::read_to_string(root().join("examples/data/reference_sklearn.json"))
        .expect("reference");
    serde_json::from_str(&text).expect("reference is JSON")
}

#[test]
fn every_score_field_matches_scikit_learn() {
    let reference = reference();
    for (dim, field) in [
        ("full", "similarity"),
        ("256", "similarity_256"),
        ("128", "similarity_128"),
        ("64", "similarity_64"),
    ] {
        let doc = json(&[
            PAIRS,
            "--score-field",
            field,
            "--bootstrap",
            "0",
            "--cv",
            "0",
        ]);
        assert_eq!(doc["score_field"], field);
        for t in doc["types"].as_array().expect("types") {
            let ty = t["type"].as_str().expect("type");
            assert_matches_reference(
                t,
                &reference["domains"][ty]["dims"][dim],
                &format!("{ty} {field}"),
            );
        }
    }
}

#[test]
fn embeddings_at_truncated_dims_give_the_reference_counts() {
    let reference = reference();
    let doc = json(&[
        PAIRS,
        "--embeddings",
        "examples/data/embeddings.jsonl",
        "--dims",
        "384,256,128,64",
        "--bootstrap",
        "0",
        "--cv",
        "0",
    ]);
    assert_eq!(doc["score_field"], "cosine");
    for t in doc["types"].as_array().expect("types") {
        let ty = t["type"].as_str().expect("type");
        let dims = t["dims"].as_array().expect("dims with --dims");
        assert_eq!(
            t["best"], dims[0]["best"],
            "{ty}: top level is the base dimension"
        );
        for (entry, (d, key)) in
            dims.iter()
                .zip([(384, "full"), (256, "256"), (128, "128"), (64, "64")])
        {
            assert_eq!(entry["dims"], d);
            let want = &reference["domains"][ty]["dims"][key]["best_f1"];
            // Computed cosines differ from the stored 6-decimal ones by < 5e-7: same counts.
            for k in ["tp", "fp", "fn", "tn"] {
                assert_eq!(entry["best"][k], want[k], "{ty} at {d}: {k}");
            }
            let t = entry["best"]["threshold"].as_f64().expect("threshold");
            assert!(
                (t - want["threshold"].as_f64().expect("threshold")).abs() < 1e-6,
                "{ty} at {d}"
            );
        }
    }
}

#[test]
fn csv_input_gives_the_same_document_as_jsonl() {
    let text = std::fs::read_to_string(root().join(PAIRS)).expect("pairs");
    let dir = tempfile::tempdir().expect("a temp dir");
    let csv = dir.path().join("pairs.csv");
    let mut w = csv::Writer::from_path(&csv).expect("a CSV file");
    w.write_record(["type", "a", "b", "same", "similarity"])
        .expect("header");
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("JSON");
        let s = |k: &str| v[k].as_str().expect("a string").to_owned();
        w.write_record([
            s("type"),
            s("a"),
            s("b"),
            v["same"].to_string(),
            v["similarity"].to_string(),
        ])
        .expect("row");
    }
    w.flush().expect("flush");
    let from_csv = json(&[
        csv.to_str().expect("UTF-8 path"),
        "--cv",
        "0",
        "--bootstrap",
        "20",
    ]);
    let from_jsonl = json(&[PAIRS, "--cv", "0", "--bootstrap", "20"]);
    assert_eq!(from_csv, from_jsonl);
    // Any extension, with --format.
    let txt = dir.path().join("pairs.txt");
    std::fs::copy(&csv, &txt).expect("copy");
    let txt = txt.to_str().expect("UTF-8 path");
    let named = json(&[txt, "--format", "csv", "--cv", "0", "--bootstrap", "20"]);
    assert_eq!(named, from_jsonl);
    assert_eq!(
        calibrate(&[txt]).status.code(),
        Some(1),
        "read as JSONL by default"
    );
}

#[test]
fn bad_rows_are_all_reported_with_line_and_field() {
    let out = calibrate(&["cascade-cli/tests/fixtures/calibrate/bad.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    insta::assert_snapshot!(stderr(&out));
}

#[test]
fn rows_and_errors_are_counted_apart_and_csv_errors_name_the_line() {
    let out = calibrate(&["cascade-cli/tests/fixtures/calibrate/bad.csv"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&out), @r"
    error: cascade-cli/tests/fixtures/calibrate/bad.csv:3: invalid CSV: this record has 4 fields but the header has 5
    error: cascade-cli/tests/fixtures/calibrate/bad.csv:4: field `same`: `maybe` is not a label: write true or false (or 1 or 0)
    error: cascade-cli/tests/fixtures/calibrate/bad.csv:4: field `similarity`: 2 is outside [-1, 1]: a cosine similarity lies between -1 and 1
    error: 2 bad rows (3 errors) in the input; nothing was calibrated (fix them and run again)
    ");
}

#[test]
fn unreadable_and_empty_inputs_are_no_bad_rows() {
    let out = calibrate(&["cascade-cli/tests/fixtures/calibrate/missing.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: cascade-cli/tests/fixtures/calibrate/missing.jsonl: cannot open: "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let out = calibrate(&["cascade-cli/tests/fixtures/calibrate/empty.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&out), @"error: cascade-cli/tests/fixtures/calibrate/empty.jsonl: is empty (no pairs): expected one JSON object per line");
}

#[test]
fn usage_errors_exit_2_and_bad_values_exit_1() {
    assert_eq!(
        calibrate(&[PAIRS, "--dims", "64"]).status.code(),
        Some(2),
        "--dims needs --embeddings"
    );
    assert_eq!(
        calibrate(&[PAIRS, "--objective", "f2"]).status.code(),
        Some(2)
    );
    let out = calibrate(&[
        PAIRS,
        "--embeddings",
        "examples/data/embeddings.jsonl",
        "--dims",
        "512",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--dims: 512 is larger than the vectors in examples/data/embeddings.jsonl, which have 384 numbers"),
        "{}",
        stderr(&out)
    );
    // Bad `--dims` values are usage errors, said in words, before any work.
    for (dims, message) in [
        (
            "abc",
            "`abc` is not a dimension: give whole numbers of 1 or more",
        ),
        (
            "0",
            "0 is not a dimension: give prefix lengths of 1 or more",
        ),
        (
            "64,64",
            "--dims: 64 is given twice: give each prefix length once",
        ),
    ] {
        let out = calibrate(&[
            PAIRS,
            "--embeddings",
            "examples/data/embeddings.jsonl",
            "--dims",
            dims,
        ]);
        assert_eq!(out.status.code(), Some(2), "--dims {dims}");
        assert!(stderr(&out).contains(message), "{}", stderr(&out));
    }
    // An output over another output or over an input: every such error at once, exit 2.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let same = dir.path().join("same.json");
    let same_again = dir.path().join(".").join("same.json");
    let out = calibrate(&[
        PAIRS,
        "--write",
        same.to_str().expect("UTF-8 path"),
        "--report",
        same_again.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the report would replace the config"),
        "{}",
        stderr(&out)
    );
    assert!(!same.exists(), "nothing was written");
    let out = calibrate(&[PAIRS, "--report", &format!("./{PAIRS}")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is the pairs file, which it would overwrite"),
        "{}",
        stderr(&out)
    );
    let out = calibrate(&[PAIRS, "--score-field", "same"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--score-field same: that column holds the pair itself"),
        "{}",
        stderr(&out)
    );
    let out = calibrate(&["no/such/file.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no/such/file.jsonl: cannot open"),
        "{}",
        stderr(&out)
    );
    // A field no row has: one error naming the fields there are, not 2100 bad rows.
    let out = calibrate(&[PAIRS, "--score-field", "similarity_32"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no row has the field `similarity_32`: the rows' numeric fields are `similarity`, `similarity_256`, `similarity_128`, `similarity_64`; did you mean `--score-field similarity_128`?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_vectors_or_dims_come_with_the_pairs_errors() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("writable");
        path.to_str().expect("UTF-8 path").to_owned()
    };
    let pairs = write(
        "pairs.jsonl",
        concat!(
            "{\"type\":\"T\",\"a\":\"a\",\"b\":\"c\",\"same\":true}\n",
            "{\"type\":\"T\",\"a\":\"a\",\"b\":\"b\",\"same\":false}\n",
            "{\"type\":\"T\",\"a\":\"a\",\"b\":\"q\",\"same\":true}\n",
            "{\"type\":\"T\",\"a\":\"a\",\"b\":\"c\"}\n",
        ),
    );
    let bad = write(
        "bad.jsonl",
        "{\"text\":\"a\",\"vector\":[1,0,0]}\n{\"text\":\"b\",\"vector\":[1,0]}\n{\"text\":\"c\",\"vector\":[0,1,0]}\n",
    );
    let out = calibrate(&[&pairs, "--embeddings", &bad]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    // `b`'s bad row is reported once, at its row, not again at the pair needing it (line 2).
    assert!(
        err.contains("bad.jsonl:2: field `vector`: has 2 numbers"),
        "{err}"
    );
    assert!(!err.contains("pairs.jsonl:2:"), "{err}");
    assert!(
        err.contains("pairs.jsonl:3: field `b`: text \"q\" has no vector"),
        "{err}"
    );
    assert!(
        err.contains("pairs.jsonl:4: field `same`: is missing"),
        "{err}"
    );
    let good = write(
        "good.jsonl",
        "{\"text\":\"a\",\"vector\":[1,0,0]}\n{\"text\":\"b\",\"vector\":[1,1,0]}\n{\"text\":\"c\",\"vector\":[0,1,0]}\n",
    );
    let out = calibrate(&[&pairs, "--embeddings", &good, "--dims", "8"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("--dims: 8 is larger than the vectors"),
        "{err}"
    );
    assert!(
        err.contains("pairs.jsonl:4: field `same`: is missing"),
        "{err}"
    );
}

#[test]
fn objectives_move_the_threshold() {
    let f1 = json(&[PAIRS, "--bootstrap", "0", "--cv", "0"]);
    let strict = json(&[
        PAIRS,
        "--objective",
        "precision>=0.9",
        "--bootstrap",
        "0",
        "--cv",
        "0",
    ]);
    let cost = json(&[
        PAIRS,
        "--objective",
        "cost=fp:1,fn:5",
        "--bootstrap",
        "0",
        "--cv",
        "0",
    ]);
    assert_eq!(strict["objective"], "precision>=0.9");
    assert_eq!(cost["objective"], "cost=fp:1,fn:5");
    for i in 0..8 {
        let t = |d: &Value| {
            d["types"][i]["best"]["threshold"]
                .as_f64()
                .expect("threshold")
        };
        let ty = &f1["types"][i]["type"];
        let p = strict["types"][i]["best"]["precision"]
            .as_f64()
            .expect("precision");
        let met = strict["types"][i]["best"].get("objective_met").is_none();
        assert!(!met || p >= 0.9, "{ty}");
        assert!(
            t(&strict) >= t(&f1),
            "{ty}: a precision floor never lowers the F1 threshold here"
        );
        assert!(
            t(&cost) <= t(&f1),
            "{ty}: expensive misses lower the threshold"
        );
    }
}

#[test]
fn small_report_snapshot() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let report = dir.path().join("report.html");
    let out = calibrate(&[
        "cascade-cli/tests/fixtures/calibrate/small.jsonl",
        "--bootstrap",
        "200",
        "--cv",
        "0",
        "--report",
        report.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let html = std::fs::read_to_string(&report).expect("the report was written");
    insta::assert_snapshot!(html);
}

#[test]
fn report_on_the_shipped_pairs_has_two_charts_per_type() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let report = dir.path().join("report.html");
    ok(&[PAIRS, "--report", report.to_str().expect("UTF-8 path")]);
    let html = std::fs::read_to_string(&report).expect("the report was written");
    assert_eq!(html.matches("<svg ").count(), 16);
    assert_eq!(html.matches("<section ").count(), 8);
    assert_eq!(html.matches("class=\"ci\"").count(), 8);
    assert!(!html.contains("NaN") && !html.contains("inf"));
    // Self-contained: no scripts, no external resources (the only URL is the SVG namespace).
    assert!(!html.contains("<script") && !html.contains("src="));
    assert_eq!(
        html.matches("http").count(),
        html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
}

#[test]
fn written_config_has_the_runtime_shape() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let out_json = dir.path().join("thresholds.json");
    let out_toml = dir.path().join("thresholds.toml");
    for out in [&out_json, &out_toml] {
        ok(&[
            PAIRS,
            "--embeddings",
            "examples/data/embeddings.jsonl",
            "--dims",
            "384,128",
            "--bootstrap",
            "0",
            "--cv",
            "0",
            "--write",
            out.to_str().expect("UTF-8 path"),
        ]);
    }
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(&out_json).expect("written")).expect("JSON");
    let doc = json(&[
        PAIRS,
        "--embeddings",
        "examples/data/embeddings.jsonl",
        "--dims",
        "384,128",
        "--bootstrap",
        "0",
        "--cv",
        "0",
    ]);
    let all = &doc["types"][7];
    assert_eq!(all["type"], "ALL");
    assert_eq!(config["default"], all["best"]["threshold"]);
    assert_eq!(
        config["types"]["Occupation"],
        doc["types"][0]["best"]["threshold"]
    );
    assert_eq!(config["types"].as_object().map(|m| m.len()), Some(7));
    let adj = &config["dimensionAdjustment"];
    assert_eq!(adj["enabled"], true);
    assert_eq!(adj["baseDimensions"], 384);
    assert_eq!(adj["table"]["384"], config["default"]);
    assert_eq!(adj["table"]["128"], all["dims"][1]["best"]["threshold"]);
    assert_eq!(
        adj["types"]["Tag"]["128"],
        doc["types"][6]["dims"][1]["best"]["threshold"]
    );
    let toml_text = std::fs::read_to_string(&out_toml).expect("written");
    assert!(toml_text.ends_with('\n'), "a text file ends with a newline");
    let from_toml: toml::Value = toml::from_str(&toml_text).expect("valid TOML");
    let as_json: Value = serde_json::to_value(&from_toml).expect("TOML converts");
    assert_eq!(as_json, config, "the TOML holds the same config");
}

#[test]
fn table_with_the_schema_is_the_readme_command() {
    insta::assert_snapshot!(ok(&[
        PAIRS,
        "--schema",
        "examples/schemas/entities.cascade"
    ]));
}

#[test]
fn schema_types_must_exist_and_types_without_pairs_are_reported() {
    let small = "cascade-cli/tests/fixtures/calibrate/small.jsonl";
    let out = calibrate(&[
        small,
        "--schema",
        "cascade-cli/tests/fixtures/calibrate/typo.cascade",
    ]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("schema_typo", stderr(&out));

    let table = ok(&[
        small,
        "--schema",
        "cascade-cli/tests/fixtures/calibrate/extra.cascade",
        "--bootstrap",
        "0",
        "--cv",
        "0",
    ]);
    insta::assert_snapshot!("schema_extra", table);

    let out = calibrate(&[
        small,
        "--schema",
        "cascade-cli/tests/fixtures/calibrate/broken.cascade",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "--schema: `cascade-cli/tests/fixtures/calibrate/broken.cascade` has 1 error"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn written_configs_load_as_runtime_configs() {
    use cascade_runtime::config::SimilarityThresholdConfig;
    let dir = tempfile::tempdir().expect("a temp dir");
    for name in ["t.json", "t.toml"] {
        let path = dir.path().join(name);
        ok(&[
            PAIRS,
            "--embeddings",
            "examples/data/embeddings.jsonl",
            "--dims",
            "384,256,128,64",
            "--bootstrap",
            "0",
            "--cv",
            "0",
            "--write",
            path.to_str().expect("UTF-8 path"),
        ]);
        let config = SimilarityThresholdConfig::from_path(&path).expect("the written config loads");
        assert_eq!(config.types.len(), 7, "{name}");
        let adj = config
            .dimension_adjustment
            .expect("a dimension table with --dims");
        assert!(adj.enabled);
        assert_eq!(adj.base_dimensions, 384);
        assert_eq!(adj.table.len(), 4);
        assert_eq!(adj.types.len(), 7);
        // The base entry is the calibrated threshold itself, so the adjustment at 384 is zero.
        assert_eq!(
            adj.table[&384],
            config.default.expect("default = the pooled threshold")
        );
        assert_eq!(adj.types["Tag"][&384], config.types["Tag"]);
    }
    let out = calibrate(&[PAIRS, "--write", "t.yaml"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(
        stderr(&out).contains("must end in `.json` or `.toml`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unwritable_output_paths_fail_before_any_work() {
    let out = calibrate(&[
        PAIRS,
        "--write",
        "no/such/dir/t.toml",
        "--report",
        "no/such/dir/r.html",
    ]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(stdout(&out).is_empty(), "nothing is calibrated or printed");
    insta::assert_snapshot!(stderr(&out), @r"
    error: --write no/such/dir/t.toml: the directory no/such/dir does not exist; create it first (mkdir -p no/such/dir) or write elsewhere
    error: --report no/such/dir/r.html: the directory no/such/dir does not exist; create it first (mkdir -p no/such/dir) or write elsewhere
    ");
}

#[test]
fn repeated_pairs_are_warnings() {
    let out = calibrate(&[
        "cascade-cli/tests/fixtures/calibrate/repeated.jsonl",
        "--bootstrap",
        "0",
        "--cv",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!(stderr(&out));
}

#[test]
fn a_negative_zero_score_is_zero() {
    let text = ok(&[
        "cascade-cli/tests/fixtures/calibrate/negative-zero.jsonl",
        "--json",
        "--bootstrap",
        "0",
        "--cv",
        "0",
    ]);
    assert!(!text.contains("-0.0"), "{text}");
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(doc["types"][0]["best"]["threshold"], 0.0);
}

#[test]
fn degenerate_groups_give_defined_numbers() {
    let text = ok(&[
        "cascade-cli/tests/fixtures/calibrate/degenerate.jsonl",
        "--json",
        "--cv",
        "2",
        "--bootstrap",
        "100",
    ]);
    assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    let ty = |i: usize| &doc["types"][i];
    // All one score: the only threshold, no lower end, midpoint = threshold.
    assert_eq!(ty(0)["best"]["threshold"], 0.5);
    assert_eq!(ty(0)["best"]["interval"], serde_json::json!([null, 0.5]));
    assert_eq!(ty(0)["best"]["midpoint"], 0.5);
    // No same pairs: zero_division = 0, the highest score.
    assert_eq!(ty(1)["best"]["threshold"], 0.9);
    for k in ["precision", "recall", "f1"] {
        assert_eq!(ty(1)["best"][k], 0.0, "{k}");
    }
    // One pair: too few for 2 folds, so `"cv": null` (the key is there whenever `--cv` is),
    // and a warning says so.
    assert_eq!(ty(2)["n"], 1);
    assert_eq!(ty(2).get("cv"), Some(&Value::Null));
    let out = calibrate(&[
        "cascade-cli/tests/fixtures/calibrate/degenerate.jsonl",
        "--cv",
        "2",
    ]);
    assert!(
        stderr(&out).contains("warning: fewer pairs than --cv 2 folds for Single"),
        "{}",
        stderr(&out)
    );

    let dir = tempfile::tempdir().expect("a temp dir");
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "").expect("write");
    let out = calibrate(&[empty.to_str().expect("UTF-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is empty (no pairs): expected one JSON object per line"),
        "{}",
        stderr(&out)
    );
    assert_eq!(calibrate(&[PAIRS, "--cv", "1"]).status.code(), Some(2));
}

const ONE_LABEL: &str = "cascade-cli/tests/fixtures/calibrate/one-label.jsonl";

#[test]
fn a_type_with_one_label_only_is_not_calibrated_and_says_how_to_fix_it() {
    // N: all different; P: all same; Q: both. Q and ALL calibrate, so the run succeeds.
    let out = calibrate(&[ONE_LABEL, "--bootstrap", "0", "--cv", "0"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("one_label_table", stdout(&out));
    insta::assert_snapshot!("one_label_stderr", stderr(&out));

    let doc = json(&[ONE_LABEL, "--bootstrap", "0", "--cv", "0"]);
    let types = doc["types"].as_array().expect("types");
    let warning = |i: usize| types[i].get("warning").and_then(Value::as_str);
    assert!(
        warning(0).is_some_and(|w| w.contains("no pair is labelled same")),
        "{doc}"
    );
    assert!(
        warning(1).is_some_and(|w| w.contains("every pair is labelled same")),
        "{doc}"
    );
    assert_eq!(warning(2), None, "Q has both labels");
    assert_eq!(types[3]["type"], "ALL");
    assert_eq!(warning(3), None, "ALL has both labels");
    // Additive: every DESIGN §10 key is still there.
    for t in types {
        for key in ["type", "n", "positives", "best", "grid"] {
            assert!(t.get(key).is_some(), "{key} in {t}");
        }
    }

    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("t.json");
    let out = calibrate(&[
        ONE_LABEL,
        "--bootstrap",
        "0",
        "--cv",
        "0",
        "--write",
        path.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: N is left out of the config"),
        "{err}"
    );
    assert!(
        err.contains("warning: P is left out of the config"),
        "{err}"
    );
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("written")).expect("JSON");
    let written: Vec<&String> = config["types"].as_object().expect("types").keys().collect();
    assert_eq!(written, ["Q"]);
    assert_eq!(config["default"], types[3]["best"]["threshold"]);
}

#[test]
fn a_file_without_same_pairs_calibrates_nothing() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("t.json");
    let out = calibrate(&[
        "cascade-cli/tests/fixtures/calibrate/no-same.jsonl",
        "--write",
        path.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert!(!path.exists(), "no config is written");
    insta::assert_snapshot!(stderr(&out));
}

#[test]
fn a_score_field_no_row_has_is_reported_with_every_bad_line() {
    let out = calibrate(&["cascade-cli/tests/fixtures/calibrate/no-score-field.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&out));
}

#[test]
fn a_duplicated_csv_column_is_an_error_at_the_header() {
    let out = calibrate(&["cascade-cli/tests/fixtures/calibrate/duplicate-column.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    insta::assert_snapshot!(stderr(&out));
}

/// Pairs can come from a pipe (`/dev/stdin`, `<(...)`): nothing reads ahead in a file that
/// cannot be read twice. Linux names the pipe `/dev/stdin`.
#[cfg(target_os = "linux")]
#[test]
fn pairs_are_read_from_a_pipe() {
    use std::io::Write as _;
    let pairs = std::fs::read(root().join("examples/data/pairs.jsonl")).expect("shipped pairs");
    for format in [None, Some("jsonl")] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cascade"));
        command.args([
            "calibrate",
            "/dev/stdin",
            "--json",
            "--bootstrap",
            "0",
            "--cv",
            "0",
        ]);
        if let Some(format) = format {
            command.args(["--format", format]);
        }
        let mut child = command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the cascade binary runs");
        let mut stdin = child.stdin.take().expect("a piped stdin");
        let bytes = pairs.clone();
        let writer = std::thread::spawn(move || stdin.write_all(&bytes));
        let out = child.wait_with_output().expect("the process ends");
        writer
            .join()
            .expect("the writer ends")
            .expect("the pipe takes the pairs");
        assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
        let doc: Value = serde_json::from_str(&stdout(&out)).expect("one JSON document");
        let all = doc["types"]
            .as_array()
            .and_then(|types| types.iter().find(|t| t["type"] == "ALL"))
            .expect("an ALL entry");
        assert_eq!(all["n"], 2100);
    }
}
