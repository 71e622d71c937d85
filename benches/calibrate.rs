//! The calibration sweep (DESIGN §7): sort + cumulative counts over distinct scores.
//!
//! Inputs are generated in code (seeded, scores rounded to 6 decimals like real cosines, so there
//! are many ties). Set `CASCADE_BENCH_PAIRS=file.jsonl` to sweep the `similarity` column of a
//! file instead: `benches/python/compare.sh` does that to time this sweep and scikit-learn's
//! `precision_recall_curve` + argmax on the same pairs in the same run.
//!
//! ```sh
//! cargo bench --bench calibrate
//! ```

use std::sync::OnceLock;

use cascade_runtime::calibrate::{
    Best, Calibration, ConfidenceLevel, Objective, Options, SortedPairs, SplitMix64, bootstrap,
};

fn main() {
    divan::main();
}

/// `n` pairs: 40% same, scores ~ N(0.72, 0.15) for same and N(0.45, 0.15) otherwise, clamped to
/// [-1, 1] and rounded to 6 decimals.
fn generate(n: usize, seed: u64) -> (Vec<f64>, Vec<bool>) {
    let mut rng = SplitMix64::new(seed);
    let mut uniform = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let mut scores = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let same = uniform() < 0.4;
        // Box–Muller.
        let (u1, u2) = (uniform().max(f64::MIN_POSITIVE), uniform());
        let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        let mean = if same { 0.72 } else { 0.45 };
        let s = (mean + 0.15 * z).clamp(-1.0, 1.0);
        scores.push((s * 1e6).round() / 1e6);
        labels.push(same);
    }
    (scores, labels)
}

/// The `similarity` and `same` columns of a JSONL file (not timed). The file is the user's
/// (`CASCADE_BENCH_PAIRS`): a problem is reported with its line, and the bench exits with 2.
fn load(path: &str) -> (Vec<f64>, Vec<bool>) {
    let fail = |what: String| -> ! {
        eprintln!("error: CASCADE_BENCH_PAIRS={path}: {what}");
        std::process::exit(2)
    };
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| fail(format!("cannot read it: {e}")));
    let mut scores = Vec::new();
    let mut labels = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let row: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| fail(format!("line {}: not JSON: {e}", i + 1)));
        let (Some(similarity), Some(same)) = (
            row["similarity"].as_f64().filter(|s| s.is_finite()),
            row["same"].as_bool(),
        ) else {
            fail(format!(
                "line {}: needs a finite number `similarity` and a boolean `same`",
                i + 1
            ))
        };
        scores.push(similarity);
        labels.push(same);
    }
    if scores.is_empty() {
        fail("no pairs".to_owned());
    }
    (scores, labels)
}

fn million() -> &'static (Vec<f64>, Vec<bool>) {
    static DATA: OnceLock<(Vec<f64>, Vec<bool>)> = OnceLock::new();
    DATA.get_or_init(|| match std::env::var("CASCADE_BENCH_PAIRS") {
        Ok(path) => load(&path),
        Err(_) => generate(1_000_000, 7),
    })
}

/// The sweep on 1,000,000 pairs: sort, cumulative counts, F1 argmax (ties → highest), interval.
/// The unit compared with scikit-learn's `precision_recall_curve` + argmax.
#[divan::bench(sample_count = 20)]
fn sweep_1m(bencher: divan::Bencher<'_, '_>) {
    let (scores, labels) = million();
    bencher.bench(|| {
        let sorted = SortedPairs::new(divan::black_box(scores), divan::black_box(labels))
            .expect("finite scores");
        Best::choose(&sorted.curve(), &Objective::F1)
    });
}

/// Just the sort, to see what the sweep spends on it.
#[divan::bench(sample_count = 20)]
fn sort_1m(bencher: divan::Bencher<'_, '_>) {
    let (scores, labels) = million();
    bencher.bench(|| SortedPairs::new(divan::black_box(scores), divan::black_box(labels)));
}

/// Everything but the bootstrap and CV on pairs of realistic per-type sizes.
#[divan::bench(args = [300, 10_000, 100_000])]
fn calibrate_grid(bencher: divan::Bencher<'_, '_>, n: usize) {
    let (scores, labels) = generate(n, 11);
    bencher.bench(|| {
        cascade_runtime::calibrate::calibrate(&scores, &labels, &Options::default())
            .expect("non-empty input")
    });
}

/// 1000 bootstrap resamples (each O(n) thanks to the single sort).
#[divan::bench(args = [300, 2_100])]
fn bootstrap_1000(bencher: divan::Bencher<'_, '_>, n: usize) {
    let (scores, labels) = generate(n, 13);
    let sorted = SortedPairs::new(&scores, &labels).expect("finite scores");
    bencher.bench(|| {
        bootstrap(
            &sorted,
            &Objective::F1,
            1000,
            ConfidenceLevel::default(),
            42,
        )
    });
}

/// Bootstrap and 5-fold CV together, as `cascade calibrate` runs them by default.
#[divan::bench]
fn calibrate_with_ci_and_cv_2100(bencher: divan::Bencher<'_, '_>) {
    let (scores, labels) = generate(2_100, 17);
    let sorted = SortedPairs::new(&scores, &labels).expect("finite scores");
    let options = Options {
        bootstrap: 1000,
        folds: 5,
        ..Options::default()
    };
    bencher.bench(|| Calibration::of_sorted(&sorted, &options));
}
