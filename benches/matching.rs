//! Matching benchmarks: exact scan against a memory-bandwidth baseline, and the two-phase index
//! against the exact scan.
//!
//! Run: `cargo bench --bench matching`. Before divan's table, the run prints the recall of the
//! two-phase settings against exact's accepted matches on the same generated data, and on the real
//! MiniLM vectors of `examples/data` (the `real_*` benchmarks).
//!
//! Data (generated in code, deterministic): 100,000 unit vectors of 384 dimensions in clusters
//! of 50 (cosine ≈ 0.89 between siblings); each query is a noisy copy of one row (cosine ≈ 0.96
//! with it, ≈ 0.85 with its siblings), so at threshold 0.80 exact accepts the source row and a
//! truncated hot tier can confuse it with one of its 49 siblings.

use std::hint::black_box;
use std::sync::LazyLock;

use cascade_runtime::index::{ExactIndex, TwoPhaseIndex, VectorIndex};
use cascade_runtime::similarity::{UnitVector, dot_portable, dot_unit, kernel_name};
use divan::Bencher;
use divan::counter::BytesCount;

const ROWS: usize = 100_000;
const DIMS: usize = 384;
const CLUSTER: usize = 50;
const QUERIES: usize = 500;
const THRESHOLD: f32 = 0.80;
/// Hits wanted per search: the one best match a reference decides on.
const K: usize = 1;
const SETTINGS: [(usize, usize); 8] = [
    (32, 4),
    (32, 16),
    (64, 2),
    (64, 8),
    (64, 32),
    (128, 2),
    (128, 8),
    (192, 4),
];

/// SplitMix64 with Box–Muller: a few lines, deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn gaussian(&mut self) -> f32 {
        let (u, v) = (self.uniform(), self.uniform());
        ((-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()) as f32
    }

    /// A random unit vector.
    fn direction(&mut self) -> Vec<f32> {
        let v: Vec<f32> = (0..DIMS).map(|_| self.gaussian()).collect();
        UnitVector::new(v)
            .expect("a Gaussian vector is non-zero")
            .into_inner()
    }
}

fn mix(a: &[f32], b: &[f32], weight: f32) -> UnitVector {
    let v = a.iter().zip(b).map(|(x, y)| x + weight * y).collect();
    UnitVector::new(v).expect("a mix of independent directions is non-zero")
}

struct Data {
    rows: Vec<UnitVector>,
    queries: Vec<UnitVector>,
    exact: ExactIndex,
}

static DATA: LazyLock<Data> = LazyLock::new(|| {
    let mut rng = Rng(7);
    let mut rows = Vec::with_capacity(ROWS);
    let mut center = rng.direction();
    for i in 0..ROWS {
        if i % CLUSTER == 0 {
            center = rng.direction();
        }
        rows.push(mix(&center, &rng.direction(), 0.35));
    }
    let queries = (0..QUERIES)
        .map(|_| {
            let source = (rng.next_u64() % ROWS as u64) as usize;
            mix(rows[source].as_slice(), &rng.direction(), 0.3)
        })
        .collect();
    let mut exact = ExactIndex::with_capacity(DIMS, ROWS);
    for r in &rows {
        exact.add(r).expect("generated rows have 384 dims");
    }
    Data {
        rows,
        queries,
        exact,
    }
});

fn two_phase(hot_dims: usize, oversampling: usize) -> TwoPhaseIndex {
    let mut index =
        TwoPhaseIndex::new(DIMS, hot_dims, oversampling).expect("settings are within range");
    for r in &DATA.rows {
        index
            .add(r)
            .expect("generated rows have 384 dims and a non-zero prefix");
    }
    index
}

/// The accepted match of a search: the best hit if it reaches the threshold.
fn accepted(index: &dyn VectorIndex, q: &UnitVector) -> Option<usize> {
    let hits = index.search(q, K).expect("queries have 384 dims");
    hits.first()
        .filter(|h| h.similarity >= THRESHOLD)
        .map(|h| h.row)
}

fn print_recall() {
    let exact: Vec<Option<usize>> = DATA
        .queries
        .iter()
        .map(|q| accepted(&DATA.exact, q))
        .collect();
    let wanted = exact.iter().flatten().count();
    eprintln!(
        "{ROWS} x {DIMS} vectors, {QUERIES} queries, threshold {THRESHOLD}: exact accepts {wanted}"
    );
    eprintln!("hot dims | oversampling | recall of exact's accepted matches");
    for (hot, over) in SETTINGS {
        let index = two_phase(hot, over);
        let kept = DATA
            .queries
            .iter()
            .zip(&exact)
            .filter(|(q, e)| e.is_some() && accepted(&index, q) == **e)
            .count();
        eprintln!(
            "{hot:>8} | {over:>12} | {:.4} ({kept}/{wanted})",
            kept as f64 / wanted.max(1) as f64
        );
    }
}

fn main() {
    eprintln!("dot kernel: {}", kernel_name());
    print_recall();
    print_real_recall();
    divan::main();
}

/// The baseline: read the same number of bytes as one exact scan, summing with independent
/// accumulators so the loop is bound by memory, not by the add latency.
#[divan::bench]
fn memory_read_baseline(bencher: Bencher<'_, '_>) {
    let data = DATA.exact.as_flat();
    bencher.counter(BytesCount::of_slice(data)).bench(|| {
        let mut acc = [0.0f32; 16];
        for chunk in black_box(data).chunks_exact(16) {
            for (a, x) in acc.iter_mut().zip(chunk) {
                *a += x;
            }
        }
        black_box(acc.iter().sum::<f32>())
    });
}

/// One top-k search over all 100,000 rows.
#[divan::bench]
fn exact_scan(bencher: Bencher<'_, '_>) {
    let data = &*DATA;
    let q = &data.queries[0];
    bencher
        .counter(BytesCount::of_slice(data.exact.as_flat()))
        .bench(|| black_box(data.exact.search(black_box(q), K)));
}

/// One top-k search with the two-phase index; the byte counter is the full data size, so the
/// GB/s column reads as "equivalent exact-scan throughput".
#[divan::bench(args = SETTINGS)]
fn two_phase_search(bencher: Bencher<'_, '_>, (hot, over): (usize, usize)) {
    let index = two_phase(hot, over);
    let q = &DATA.queries[0];
    bencher
        .counter(BytesCount::of_slice(DATA.exact.as_flat()))
        .bench(|| black_box(index.search(black_box(q), K)));
}

/// The kernels alone, on 1,000 rows that stay in cache: the dispatched kernel (AVX2+FMA where
/// the CPU has it) against the portable SSE2 one.
#[divan::bench(args = ["dispatched", "portable"])]
fn dot_kernel_in_cache(bencher: Bencher<'_, '_>, kernel: &str) {
    let rows = &DATA.exact.as_flat()[..1000 * DIMS];
    let q = DATA.queries[0].as_slice();
    let dot: fn(&[f32], &[f32]) -> f32 = if kernel == "portable" {
        dot_portable
    } else {
        dot_unit
    };
    bencher.counter(BytesCount::of_slice(rows)).bench(|| {
        let mut best = f32::MIN;
        for r in black_box(rows).chunks_exact(DIMS) {
            best = best.max(dot(q, r));
        }
        black_box(best)
    });
}

/// Real vectors: every embedded text of `examples/data` that is not the `a` side of a pair
/// (2,146 texts, all types pooled in one index) is an entity; the 2,029 distinct `a` texts are
/// the queries, accepted at 0.60.
struct Real {
    pool: ExactIndex,
    queries: Vec<UnitVector>,
}

const REAL_THRESHOLD: f32 = 0.60;
const REAL_SETTINGS: [(usize, usize); 5] = [(64, 4), (64, 8), (128, 4), (128, 8), (256, 2)];
/// Queries searched per benchmark iteration.
const REAL_BATCH: usize = 64;

static REAL: LazyLock<Real> = LazyLock::new(|| {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");
    let read = |name: &str| {
        std::fs::read_to_string(format!("{data}/{name}")).expect("the shipped data is readable")
    };
    let rows = |text: String| -> Vec<serde_json::Value> {
        text.lines()
            .map(|l| serde_json::from_str(l).expect("shipped rows are JSON"))
            .collect()
    };
    let mut a_texts = std::collections::BTreeSet::new();
    for pair in rows(read("pairs.jsonl")) {
        a_texts.insert(pair["a"].as_str().expect("`a` is a string").to_owned());
    }
    let mut pool = ExactIndex::new(DIMS);
    let mut queries = Vec::new();
    for e in rows(read("embeddings.jsonl")) {
        let text = e["text"].as_str().expect("`text` is a string");
        let vector = e["vector"].as_array().expect("`vector` is an array");
        let v: Vec<f32> = vector
            .iter()
            .map(|x| x.as_f64().expect("numbers") as f32)
            .collect();
        let v = UnitVector::new(v).expect("shipped embeddings are unit vectors");
        if a_texts.contains(text) {
            queries.push(v);
        } else {
            pool.add(&v).expect("384 dims");
        }
    }
    Real { pool, queries }
});

fn real_two_phase(hot_dims: usize, oversampling: usize) -> TwoPhaseIndex {
    let mut index = TwoPhaseIndex::new(DIMS, hot_dims, oversampling).expect("valid settings");
    for row in REAL.pool.as_flat().chunks_exact(DIMS) {
        let v = UnitVector::new(row.to_vec()).expect("stored rows are unit vectors");
        index.add(&v).expect("384 dims and a non-zero prefix");
    }
    index
}

fn real_accepted(index: &dyn VectorIndex, q: &UnitVector) -> Option<usize> {
    let hits = index.search(q, K).expect("queries have 384 dims");
    hits.first()
        .filter(|h| h.similarity >= REAL_THRESHOLD)
        .map(|h| h.row)
}

fn print_real_recall() {
    let exact: Vec<Option<usize>> = REAL
        .queries
        .iter()
        .map(|q| real_accepted(&REAL.pool, q))
        .collect();
    let wanted = exact.iter().flatten().count();
    eprintln!(
        "real vectors: {} entities, {} queries, threshold {REAL_THRESHOLD}: exact accepts {wanted}",
        REAL.pool.len(),
        REAL.queries.len()
    );
    eprintln!("hot dims | oversampling | recall of exact's accepted matches");
    for (hot, over) in REAL_SETTINGS {
        let index = real_two_phase(hot, over);
        let kept = REAL
            .queries
            .iter()
            .zip(&exact)
            .filter(|(q, e)| e.is_some() && real_accepted(&index, q) == **e)
            .count();
        eprintln!(
            "{hot:>8} | {over:>12} | {:.4} ({kept}/{wanted})",
            kept as f64 / wanted.max(1) as f64
        );
    }
}

/// 64 real queries against the pooled real entities, exact.
#[divan::bench]
fn real_exact_scan(bencher: Bencher<'_, '_>) {
    let real = &*REAL;
    let batch = &real.queries[..REAL_BATCH];
    bencher.bench(|| {
        for q in batch {
            black_box(real.pool.search(black_box(q), K).expect("384 dims"));
        }
    });
}

/// 64 real queries against the pooled real entities, two-phase.
#[divan::bench(args = REAL_SETTINGS)]
fn real_two_phase_search(bencher: Bencher<'_, '_>, (hot, over): (usize, usize)) {
    let index = real_two_phase(hot, over);
    let batch = &REAL.queries[..REAL_BATCH];
    bencher.bench(|| {
        for q in batch {
            black_box(index.search(black_box(q), K).expect("384 dims"));
        }
    });
}
