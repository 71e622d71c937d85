//! `cascade match` end to end on `examples/data`: the spike's preset thresholds and the
//! thresholds `cascade calibrate --write` finds on the DEV pairs, each checked against a
//! brute-force reference computed here (f64 cosine over every catalog entity of the query's type).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cascade_runtime::preset::Preset;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn cascade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cascade"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the cascade binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = cascade(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "cascade {args:?} failed: {stderr}"
    );
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

fn jsonl(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("examples/data").join(name))
        .expect("the shipped data is readable");
    text.lines()
        .map(|l| serde_json::from_str(l).expect("shipped rows are JSON"))
        .collect()
}

fn s<'v>(v: &'v Value, key: &str) -> &'v str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is a string in {v}"))
}

/// The reference decision of every query: `(matched id or None, best similarity)`.
struct Reference {
    embeddings: HashMap<String, Vec<f64>>,
    catalog: Vec<Value>,
    queries: Vec<Value>,
}

impl Reference {
    fn load() -> Reference {
        let embeddings = jsonl("embeddings.jsonl")
            .into_iter()
            .map(|e| {
                let v = e["vector"]
                    .as_array()
                    .expect("vector is an array")
                    .iter()
                    .map(|x| x.as_f64().expect("numbers"))
                    .collect();
                (s(&e, "text").to_owned(), v)
            })
            .collect();
        Reference {
            embeddings,
            catalog: jsonl("catalog.jsonl"),
            queries: jsonl("queries.jsonl"),
        }
    }

    fn cosine(&self, a: &str, b: &str) -> f64 {
        let (a, b) = (&self.embeddings[a], &self.embeddings[b]);
        let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
        dot / (norm(a) * norm(b))
    }

    /// Brute force: the most similar catalog entity of the query's type (the first one on a
    /// tie), accepted iff its similarity reaches the type's threshold.
    fn decide(&self, threshold: impl Fn(&str) -> f64) -> Vec<(Option<String>, f64)> {
        self.queries
            .iter()
            .map(|q| {
                let mut best: Option<(f64, &str)> = None;
                for e in self.catalog.iter().filter(|e| s(e, "type") == s(q, "type")) {
                    let sim = self.cosine(s(q, "query"), s(e, "name"));
                    if best.is_none_or(|(b, _)| sim > b) {
                        best = Some((sim, s(e, "id")));
                    }
                }
                let (sim, id) = best.expect("every query type has catalog entities");
                ((sim >= threshold(s(q, "type"))).then(|| id.to_owned()), sim)
            })
            .collect()
    }

    fn accuracy(&self, decisions: &[(Option<String>, f64)]) -> f64 {
        let right = self
            .queries
            .iter()
            .zip(decisions)
            .filter(|(q, (id, _))| q["gold_id"].as_str() == id.as_deref())
            .count();
        right as f64 / self.queries.len() as f64
    }
}

fn run_match(config: &Path) -> Value {
    let config = config.to_str().expect("temp paths are UTF-8");
    let out = ok(&[
        "match",
        "--catalog",
        "examples/data/catalog.jsonl",
        "--queries",
        "examples/data/queries.jsonl",
        "--embeddings",
        "examples/data/embeddings.jsonl",
        "--config",
        config,
        "--json",
    ]);
    serde_json::from_str(&out).expect("--json prints one JSON document")
}

/// Compares the CLI's decisions with the reference, query by query, and returns the accuracy.
fn check_against_reference(
    doc: &Value,
    reference: &Reference,
    threshold: impl Fn(&str) -> f64,
) -> f64 {
    let expected = reference.decide(&threshold);
    let results = doc["results"].as_array().expect("results is an array");
    assert_eq!(results.len(), reference.queries.len());
    for ((r, (id, sim)), q) in results.iter().zip(&expected).zip(&reference.queries) {
        assert_eq!(s(r, "query"), s(q, "query"));
        assert_eq!(r["id"].as_str(), id.as_deref(), "query {}", s(q, "query"));
        let decision = if id.is_some() { "matched" } else { "create" };
        assert_eq!(s(r, "decision"), decision);
        let got = r["similarity"].as_f64().expect("a similarity");
        assert!(
            (got - sim).abs() < 1e-5,
            "{}: {got} vs {sim}",
            s(q, "query")
        );
        assert_eq!(r["threshold"].as_f64(), Some(threshold(s(q, "type"))));
    }
    let accuracy = reference.accuracy(&expected);
    assert_eq!(doc["summary"]["accuracy"].as_f64(), Some(accuracy));
    let matched = expected.iter().filter(|(id, _)| id.is_some()).count() as u64;
    assert_eq!(doc["summary"]["matched"].as_u64(), Some(matched));
    assert_eq!(
        doc["summary"]["created"].as_u64(),
        Some(reference.queries.len() as u64 - matched)
    );
    assert_eq!(doc["summary"]["none"].as_u64(), Some(0));
    accuracy
}

#[test]
fn presets_and_calibrated_thresholds_match_the_brute_force_reference() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let reference = Reference::load();

    // The spike's Appendix B defaults, as the runtime ships them.
    let preset = Preset::Default.config();
    let preset_path = dir.path().join("spike.json");
    std::fs::write(
        &preset_path,
        serde_json::to_string(&preset).expect("configs serialize"),
    )
    .expect("writable");
    let spike_threshold = |t: &str| {
        preset
            .types
            .get(t)
            .or(preset.default.as_ref())
            .expect("a default")
            .get()
    };
    let spike = check_against_reference(&run_match(&preset_path), &reference, spike_threshold);

    // Calibrated on the DEV pairs by `cascade calibrate --write`.
    let cal_path = dir.path().join("calibrated.json");
    ok(&[
        "calibrate",
        "examples/data/pairs.jsonl",
        "--write",
        cal_path.to_str().expect("UTF-8"),
        "--bootstrap",
        "0",
        "--cv",
        "0",
    ]);
    let cal: Value =
        serde_json::from_str(&std::fs::read_to_string(&cal_path).expect("written")).expect("JSON");
    let cal_threshold = |t: &str| {
        cal["types"][t]
            .as_f64()
            .or(cal["default"].as_f64())
            .expect("a threshold")
    };
    let calibrated = check_against_reference(&run_match(&cal_path), &reference, cal_threshold);

    println!(
        "accuracy with the spike's presets: {spike:.4}; with calibrated thresholds: {calibrated:.4}"
    );
    // The README reports these two numbers; the calibrated thresholds must win.
    assert!(
        calibrated > spike,
        "calibrated {calibrated} vs spike {spike}"
    );
}

#[test]
fn backward_operator_links_or_links_nothing() {
    let out = ok(&[
        "match",
        "--catalog",
        "examples/data/catalog.jsonl",
        "--queries",
        "examples/data/queries.jsonl",
        "--embeddings",
        "examples/data/embeddings.jsonl",
        "--operator",
        "<~",
        "--json",
    ]);
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    let results = doc["results"].as_array().expect("results");
    assert!(
        results
            .iter()
            .all(|r| matches!(s(r, "decision"), "matched" | "none"))
    );
    assert_eq!(doc["summary"]["created"].as_u64(), Some(0));
    let reference = Reference::load();
    let expected = reference.decide(|_| 0.8);
    for (r, (id, _)) in results.iter().zip(&expected) {
        assert_eq!(r["id"].as_str(), id.as_deref());
        assert_eq!(
            s(r, "decision"),
            if id.is_some() { "matched" } else { "none" }
        );
    }
}

#[test]
fn two_phase_with_wide_oversampling_equals_exact() {
    let args = |index: &'static [&'static str]| {
        let mut a = vec![
            "match",
            "--catalog",
            "examples/data/catalog.jsonl",
            "--queries",
            "examples/data/queries.jsonl",
            "--embeddings",
            "examples/data/embeddings.jsonl",
            "--json",
        ];
        a.extend_from_slice(index);
        a
    };
    let exact = ok(&args(&[]));
    // 30 entities per type: oversampling 30 reranks all of them.
    let two = ok(&args(&[
        "--index",
        "two-phase",
        "--hot-dims",
        "64",
        "--oversample",
        "30",
    ]));
    assert_eq!(exact, two);
}

#[test]
fn the_example_schema_gives_the_preset_decisions() {
    // examples/schemas/entities.cascade writes the spike's thresholds as `$threshold`s.
    let dir = tempfile::tempdir().expect("a temp dir");
    let preset_path = dir.path().join("spike.json");
    std::fs::write(
        &preset_path,
        serde_json::to_string(&Preset::Default.config()).expect("serializes"),
    )
    .expect("writable");
    let base = [
        "match",
        "--catalog",
        "examples/data/catalog.jsonl",
        "--queries",
        "examples/data/queries.jsonl",
        "--embeddings",
        "examples/data/embeddings.jsonl",
        "--json",
    ];
    let with_schema = ok(&[
        &base[..],
        &["--schema", "examples/schemas/entities.cascade"],
    ]
    .concat());
    let with_config = ok(&[
        &base[..],
        &["--config", preset_path.to_str().expect("UTF-8")],
    ]
    .concat());
    // The same decisions; only where the thresholds were written differs (`layer`, and the
    // explanation that names it).
    let decisions = |json: &str| {
        let mut doc: serde_json::Value = serde_json::from_str(json).expect("JSON");
        for result in doc["results"].as_array_mut().expect("results") {
            let result = result.as_object_mut().expect("an object");
            assert!(result.remove("layer").is_some());
            assert!(result.remove("explanation").is_some());
        }
        doc
    };
    assert_eq!(decisions(&with_schema), decisions(&with_config));
    assert!(with_schema.contains(r#""layer":"schema-type""#));
    assert!(with_config.contains(r#""layer":"config-type""#));
}
