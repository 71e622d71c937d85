//! The O(n log n) sweep against a brute-force O(n²) search on random data with many ties, for
//! every objective.

use cascade_runtime::calibrate::{
    Beta, CostWeights, Counts, MinPrecision, Objective, Options, SortedPairs, calibrate,
};
use proptest::prelude::*;

/// Counts of `score >= t` by scanning every pair.
fn brute_counts(pairs: &[(f64, bool)], t: f64) -> Counts {
    let mut c = Counts::default();
    for &(s, same) in pairs {
        match (s >= t, same) {
            (true, true) => c.tp += 1,
            (true, false) => c.fp += 1,
            (false, true) => c.fn_ += 1,
            (false, false) => c.tn += 1,
        }
    }
    c
}

/// Objective value as an exact rational (num, den) compared by cross-multiplication, or a float.
fn better(objective: &Objective, a: &Counts, b: &Counts) -> bool {
    match *objective {
        Objective::F1 => {
            let (na, da) = (2 * a.tp, 2 * a.tp + a.fp + a.fn_);
            let (nb, db) = (2 * b.tp, 2 * b.tp + b.fp + b.fn_);
            let (na, da) = if da == 0 { (0, 1) } else { (na, da) };
            let (nb, db) = if db == 0 { (0, 1) } else { (nb, db) };
            u128::from(na) * u128::from(db) > u128::from(nb) * u128::from(da)
        }
        Objective::FBeta(beta) => a.f_beta(beta) > b.f_beta(beta),
        Objective::Cost(weights) => {
            let cost = |c: &Counts| weights.fp() * c.fp as f64 + weights.fn_() * c.fn_ as f64;
            cost(a) < cost(b)
        }
        Objective::PrecisionFloor(floor) => {
            let floor = floor.get();
            let (fa, fb) = (a.precision() >= floor, b.precision() >= floor);
            match (fa, fb) {
                (true, false) => true,
                (false, true) => false,
                (true, true) => a.tp > b.tp,
                // Neither feasible: the more precise one.
                (false, false) => {
                    u128::from(a.tp) * u128::from(b.tp + b.fp)
                        > u128::from(b.tp) * u128::from(a.tp + a.fp)
                }
            }
        }
    }
}

/// Every distinct observed score as a candidate, highest first; strict improvement only, so ties
/// keep the highest threshold.
fn brute_best(pairs: &[(f64, bool)], objective: &Objective) -> (f64, Counts) {
    let mut candidates: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    candidates.sort_by(|a, b| b.total_cmp(a));
    candidates.dedup_by(|a, b| a == b);
    let mut best = (candidates[0], brute_counts(pairs, candidates[0]));
    for &t in &candidates[1..] {
        let c = brute_counts(pairs, t);
        if better(objective, &c, &best.1) {
            best = (t, c);
        }
    }
    best
}

fn objective() -> impl Strategy<Value = Objective> {
    prop_oneof![
        Just(Objective::F1),
        (1u32..=40).prop_map(|b| Objective::FBeta(
            Beta::new(f64::from(b) / 10.0).expect("0.1..=4 is a valid beta")
        )),
        (0u32..=20).prop_map(|p| Objective::PrecisionFloor(
            MinPrecision::new(f64::from(p) / 20.0).expect("0..=1 is a valid floor")
        )),
        (0u32..=5, 1u32..=5).prop_map(|(fp, fn_)| Objective::Cost(
            CostWeights::new(f64::from(fp), f64::from(fn_)).expect("fn > 0")
        )),
    ]
}

/// Scores from a small set of levels (many ties, including -0.0 and 0.0) and random labels.
fn pairs() -> impl Strategy<Value = Vec<(f64, bool)>> {
    let score = prop_oneof![
        (-8i32..=8).prop_map(|k| f64::from(k) / 8.0),
        Just(-0.0),
        (-1000i32..=1000).prop_map(|k| f64::from(k) / 1000.0),
    ];
    prop::collection::vec((score, any::<bool>()), 1..120)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sweep_equals_brute_force(pairs in pairs(), objective in objective()) {
        let scores: Vec<f64> = pairs.iter().map(|p| p.0).collect();
        let labels: Vec<bool> = pairs.iter().map(|p| p.1).collect();
        let options = Options { objective, ..Options::default() };
        let got = calibrate(&scores, &labels, &options).unwrap();
        let (t, counts) = brute_best(&pairs, &objective);
        prop_assert_eq!(got.best.threshold, t);
        prop_assert_eq!(got.best.counts, counts);
        for row in &got.grid {
            prop_assert_eq!(row.counts, brute_counts(&pairs, row.threshold));
        }
        // Every threshold in the optimal interval gives the same counts.
        let (lo, hi) = got.best.interval;
        prop_assert_eq!(brute_counts(&pairs, got.best.midpoint), counts);
        prop_assert_eq!(brute_counts(&pairs, hi), counts);
        if let Some(lo) = lo {
            prop_assert!(lo < hi);
            prop_assert_ne!(brute_counts(&pairs, lo), counts);
        } else {
            prop_assert_eq!(counts.fn_ + counts.tn, 0);
        }
        for v in [got.best.precision, got.best.recall, got.best.f1, got.best.midpoint] {
            prop_assert!(v.is_finite());
        }
    }

    #[test]
    fn curve_lists_every_distinct_score_with_its_counts(pairs in pairs()) {
        let scores: Vec<f64> = pairs.iter().map(|p| p.0).collect();
        let labels: Vec<bool> = pairs.iter().map(|p| p.1).collect();
        let curve = SortedPairs::new(&scores, &labels).unwrap().curve();
        let mut distinct = scores.clone();
        distinct.sort_by(|a, b| b.total_cmp(a));
        distinct.dedup_by(|a, b| a == b);
        prop_assert_eq!(curve.points().len(), distinct.len());
        for (i, p) in curve.points().iter().enumerate() {
            prop_assert_eq!(p.threshold, distinct[i]);
            prop_assert_eq!(curve.counts(i), Some(brute_counts(&pairs, p.threshold)));
        }
    }

    #[test]
    fn weighted_curve_equals_the_curve_of_the_repeated_pairs(
        pairs in pairs(),
        weights in prop::collection::vec(0u32..4, 120),
    ) {
        let scores: Vec<f64> = pairs.iter().map(|p| p.0).collect();
        let labels: Vec<bool> = pairs.iter().map(|p| p.1).collect();
        let sorted = SortedPairs::new(&scores, &labels).unwrap();
        let weights = &weights[..sorted.len()];
        let mut repeated = Vec::new();
        for ((s, l), &w) in sorted.pairs().zip(weights) {
            for _ in 0..w {
                repeated.push((s, l));
            }
        }
        let got = sorted.weighted_curve(weights).unwrap();
        let (rs, rl): (Vec<f64>, Vec<bool>) = repeated.into_iter().unzip();
        let want = SortedPairs::new(&rs, &rl).unwrap().curve();
        prop_assert_eq!(got, want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn large_inputs_sort_like_total_cmp(
        // Above the radix sort's cut-over, with ties, signed zeros and tiny magnitudes.
        pairs in prop::collection::vec(
            (prop_oneof![
                (-2000i32..=2000).prop_map(|k| f64::from(k) / 2000.0),
                Just(-0.0),
                (-5i32..=5).prop_map(|k| f64::from(k) * 1e-300),
            ], any::<bool>()),
            2048..6000,
        ),
    ) {
        let scores: Vec<f64> = pairs.iter().map(|p| p.0).collect();
        let labels: Vec<bool> = pairs.iter().map(|p| p.1).collect();
        let curve = SortedPairs::new(&scores, &labels).unwrap().curve();
        // Reference: a comparison sort, then one point per distinct score.
        let mut sorted = pairs.clone();
        sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut want: Vec<(f64, u64, u64)> = Vec::new();
        let (mut tp, mut fp) = (0, 0);
        for (s, same) in sorted {
            if same { tp += 1 } else { fp += 1 }
            match want.last_mut() {
                Some(last) if last.0 == s => *last = (last.0, tp, fp),
                _ => want.push((s, tp, fp)),
            }
        }
        let got: Vec<(f64, u64, u64)> = curve.points().iter().map(|p| (p.threshold, p.tp, p.fp)).collect();
        prop_assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            prop_assert_eq!((g.0 == w.0, g.1, g.2), (true, w.1, w.2));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn bootstrap_and_cross_validation_stay_in_range(
        pairs in pairs(),
        objective in objective(),
        seed in any::<u64>(),
    ) {
        let scores: Vec<f64> = pairs.iter().map(|p| p.0).collect();
        let labels: Vec<bool> = pairs.iter().map(|p| p.1).collect();
        let options = Options { objective, bootstrap: 50, folds: 3, seed, ..Options::default() };
        let got = calibrate(&scores, &labels, &options).unwrap();
        let ci = got.ci.expect("bootstrap requested on non-empty data");
        let (lo, hi) = scores.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &s| (a.min(s), b.max(s)));
        prop_assert!(lo <= ci.threshold[0] && ci.threshold[0] <= ci.threshold[1] && ci.threshold[1] <= hi);
        for [a, b] in [ci.precision, ci.recall, ci.f1] {
            prop_assert!((0.0..=1.0).contains(&a) && a <= b && b <= 1.0);
        }
        match &got.cv {
            Some(cv) => {
                prop_assert!(scores.len() >= 3);
                prop_assert!((0.0..=1.0).contains(&cv.f1_mean) && cv.f1_sd.is_finite() && cv.f1_sd >= 0.0);
            }
            None => prop_assert!(scores.len() < 3),
        }
        // Same seed, same answer.
        prop_assert_eq!(calibrate(&scores, &labels, &options).unwrap(), got);
    }
}
