//! Two-phase recall on the real MiniLM vectors of `examples/data`: for several (hot dims,
//! oversampling) settings, the share of exact's accepted matches that the two-phase index
//! accepts too (same entity).
//!
//! Print the tables with
//! `cargo test --release -p cascade-runtime --test index_recall -- --nocapture`.
//!
//! Two workloads:
//! * `catalog`: the 102 demo queries against the 30 catalog entities of their type, each type
//!   with the spike's threshold (Appendix B);
//! * `pairs`: a larger pool: every `b` text of `pairs.jsonl` of one type (≈ 280 distinct texts per
//!   type, ≈ 2,000 overall pooled) searched with every `a` text, threshold 0.60.

use std::collections::{BTreeMap, HashMap};

use cascade_runtime::index::{ExactIndex, IndexKind, TwoPhaseIndex, VectorIndex};
use cascade_runtime::similarity::UnitVector;
use serde::Deserialize;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/data");
const SETTINGS: [(usize, usize); 12] = [
    (32, 1),
    (32, 4),
    (64, 1),
    (64, 2),
    (64, 4),
    (64, 8),
    (128, 1),
    (128, 2),
    (128, 4),
    (128, 8),
    (256, 1),
    (256, 2),
];

#[derive(Deserialize)]
struct Embedding {
    text: String,
    vector: Vec<f32>,
}

#[derive(Deserialize)]
struct Entity {
    #[serde(rename = "type")]
    entity_type: String,
    name: String,
}

#[derive(Deserialize)]
struct Query {
    query: String,
    #[serde(rename = "type")]
    entity_type: String,
}

#[derive(Deserialize)]
struct Pair {
    #[serde(rename = "type")]
    entity_type: String,
    a: String,
    b: String,
}

fn jsonl<T: for<'de> Deserialize<'de>>(name: &str) -> Vec<T> {
    let path = format!("{DATA}/{name}");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the shipped data file {path} is readable: {e}"));
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{path}:{}: shipped rows are valid: {e}", i + 1))
        })
        .collect()
}

fn embeddings() -> HashMap<String, UnitVector> {
    jsonl::<Embedding>("embeddings.jsonl")
        .into_iter()
        .map(|e| {
            (
                e.text,
                UnitVector::new(e.vector).expect("shipped embeddings are unit vectors"),
            )
        })
        .collect()
}

/// One search workload: per type, the pool of entity vectors, the queries, and the threshold.
struct Workload {
    types: BTreeMap<String, (Vec<UnitVector>, Vec<UnitVector>, f32)>,
}

impl Workload {
    /// The share of exact's accepted top-1 matches that `kind` also accepts, and their count.
    fn recall(&self, kind: IndexKind) -> (f64, usize, usize) {
        let (mut wanted, mut kept) = (0, 0);
        for (pool, queries, threshold) in self.types.values() {
            let mut exact = ExactIndex::new(384);
            let mut other = kind.build(384).expect("settings are within range");
            for v in pool {
                exact.add(v).expect("384 dims");
                other.add(v).expect("384 dims, non-zero prefix");
            }
            for q in queries {
                let accept = |index: &dyn VectorIndex| {
                    index
                        .search(q, 1)
                        .expect("384 dims")
                        .first()
                        .filter(|h| h.similarity >= *threshold)
                        .map(|h| h.row)
                };
                if let Some(row) = accept(&exact) {
                    wanted += 1;
                    kept += usize::from(accept(other.as_ref()) == Some(row));
                }
            }
        }
        (kept as f64 / wanted.max(1) as f64, kept, wanted)
    }
}

fn spike_threshold(entity_type: &str) -> f32 {
    match entity_type {
        "Occupation" => 0.75,
        "Skill" => 0.72,
        "Industry" => 0.78,
        "Location" => 0.90,
        "Company" => 0.85,
        "Person" => 0.88,
        "Tag" => 0.85,
        _ => 0.80,
    }
}

fn catalog_workload(emb: &HashMap<String, UnitVector>) -> Workload {
    let mut types: BTreeMap<String, (Vec<UnitVector>, Vec<UnitVector>, f32)> = BTreeMap::new();
    for e in jsonl::<Entity>("catalog.jsonl") {
        let t = spike_threshold(&e.entity_type);
        types
            .entry(e.entity_type)
            .or_insert_with(|| (Vec::new(), Vec::new(), t))
            .0
            .push(emb[&e.name].clone());
    }
    for q in jsonl::<Query>("queries.jsonl") {
        types
            .get_mut(&q.entity_type)
            .expect("every query type is in the catalog")
            .1
            .push(emb[&q.query].clone());
    }
    Workload { types }
}

fn pairs_workload(emb: &HashMap<String, UnitVector>) -> Workload {
    let mut types: BTreeMap<String, (Vec<UnitVector>, Vec<UnitVector>, f32)> = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    for p in jsonl::<Pair>("pairs.jsonl") {
        let entry = types
            .entry(p.entity_type.clone())
            .or_insert_with(|| (Vec::new(), Vec::new(), 0.60));
        if seen.insert((p.entity_type, p.b.clone())) {
            entry.0.push(emb[&p.b].clone());
        }
        entry.1.push(emb[&p.a].clone());
    }
    Workload { types }
}

fn table(name: &str, w: &Workload) -> Vec<(usize, usize, f64)> {
    let pool: usize = w.types.values().map(|t| t.0.len()).sum();
    let queries: usize = w.types.values().map(|t| t.1.len()).sum();
    println!(
        "\n{name}: {queries} queries, {pool} entities in {} types",
        w.types.len()
    );
    println!("| hot dims | oversampling | recall of exact's accepted matches |");
    println!("|---:|---:|---|");
    let mut out = Vec::new();
    for (hot, over) in SETTINGS {
        let (recall, kept, wanted) = w.recall(IndexKind::TwoPhase {
            hot_dims: hot,
            oversampling: over,
        });
        println!("| {hot} | {over} | {recall:.4} ({kept}/{wanted}) |");
        out.push((hot, over, recall));
    }
    out
}

#[test]
fn two_phase_recall_on_the_catalog() {
    check_table("catalog", &catalog_workload(&embeddings()));
}

// About 2,000 entities x 2,100 queries x 12 settings: seconds optimised, minutes without.
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "slow without optimisations: run with --release"
)]
fn two_phase_recall_on_the_pairs_pool() {
    check_table("pairs", &pairs_workload(&embeddings()));
}

fn check_table(name: &str, w: &Workload) {
    let rows = table(name, w);
    // More oversampling at the same hot dims never loses a match (a superset is reranked).
    for a in &rows {
        for b in &rows {
            if a.0 == b.0 && a.1 < b.1 {
                assert!(
                    a.2 <= b.2,
                    "{name}: oversampling {} -> {} lowered recall at {} dims",
                    a.1,
                    b.1,
                    a.0
                );
            }
        }
    }
    // Full-width hot tier: the two-phase index is the exact index.
    let full = IndexKind::TwoPhase {
        hot_dims: 384,
        oversampling: 1,
    };
    assert_eq!(w.recall(full).0, 1.0, "{name}");
}

#[test]
fn exact_index_kind_has_recall_one() {
    let emb = embeddings();
    assert_eq!(catalog_workload(&emb).recall(IndexKind::Exact).0, 1.0);
    // And the two-phase type can be used directly, not only through IndexKind.
    let mut index = TwoPhaseIndex::new(384, 64, 2).expect("valid settings");
    index.add(&emb["3com"]).expect("384 dims");
    assert_eq!(index.search(&emb["3com"], 1).expect("384 dims")[0].row, 0);
}
