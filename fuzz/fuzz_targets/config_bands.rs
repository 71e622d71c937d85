//! The `adaptive` section, structured: arbitrary clamp bounds and candidate-count bands (small
//! numbers, so bands touch, overlap and leave gaps often) written as JSON and as TOML. Both
//! loaders accept the config exactly when an independent reading of config.rs's promise holds:
//! thresholds within `0..=1`, `minThreshold <= maxThreshold`, each band `min <= max` with an
//! adjustment within `-1..=1`, no count in two bands, and the adjustment as a function of the
//! candidate count (0 outside every band) never falling as the count rises.
#![no_main]

use arbitrary::Arbitrary;
use cascade_runtime::config::{ConfigError, SimilarityThresholdConfig};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

#[derive(Arbitrary, Debug)]
struct Band {
    min: u8,
    max: Option<u8>,
    /// Hundredths: -1.28..=1.27.
    adjustment: i8,
}

#[derive(Arbitrary, Debug)]
struct Input {
    /// Two-hundredths: 0..=1.275, so a few are out of range.
    min_threshold: u8,
    max_threshold: u8,
    enabled: bool,
    bands: Vec<Band>,
}

fn adjustment(b: &Band) -> f64 {
    f64::from(b.adjustment) / 100.0
}

fn contains(b: &Band, n: u32) -> bool {
    n >= u32::from(b.min) && b.max.is_none_or(|max| n <= u32::from(max))
}

/// Whether config.rs promises to accept the section, decided without its code.
fn valid(input: &Input) -> bool {
    let (lo, hi) = (input.min_threshold, input.max_threshold);
    if lo > 200 || hi > 200 || lo > hi {
        return false;
    }
    let bands = &input.bands;
    if bands
        .iter()
        .any(|b| b.max.is_some_and(|max| max < b.min) || !(-1.0..=1.0).contains(&adjustment(b)))
    {
        return false;
    }
    // The adjustment changes only where a band starts or ends.
    let mut points: Vec<u32> = vec![0];
    for b in bands {
        points.push(u32::from(b.min));
        if let Some(max) = b.max {
            points.push(u32::from(max) + 1);
        }
    }
    points.sort_unstable();
    points.dedup();
    let mut previous = f64::NEG_INFINITY;
    for &n in &points {
        let mut inside = bands.iter().filter(|b| contains(b, n));
        let here = inside.next().map_or(0.0, adjustment);
        if inside.next().is_some() || here < previous {
            return false;
        }
        previous = here;
    }
    true
}

fn json_of(input: &Input) -> Value {
    let bands: Vec<Value> = input
        .bands
        .iter()
        .map(|b| {
            let mut band = Map::new();
            band.insert("minCandidates".into(), json!(b.min));
            if let Some(max) = b.max {
                band.insert("maxCandidates".into(), json!(max));
            }
            band.insert("adjustment".into(), json!(adjustment(b)));
            Value::Object(band)
        })
        .collect();
    json!({ "adaptive": {
        "enabled": input.enabled,
        "minThreshold": f64::from(input.min_threshold) / 200.0,
        "maxThreshold": f64::from(input.max_threshold) / 200.0,
        "candidateCountBands": bands,
    }})
}

fn check(result: Result<SimilarityThresholdConfig, ConfigError>, valid: bool, text: &str) {
    match result {
        Ok(cfg) => {
            assert!(valid, "accepted, but the promise is broken: {text}");
            assert!(cfg.problems().is_empty());
        }
        Err(e) => {
            assert!(!valid, "rejected a valid config {text}: {e}");
            assert!(!e.to_string().trim().is_empty());
        }
    }
}

fuzz_target!(|input: Input| {
    let valid = valid(&input);
    let value = json_of(&input);
    let text = value.to_string();
    check(
        SimilarityThresholdConfig::from_json_str(&text),
        valid,
        &text,
    );
    let text = toml::to_string(&value).expect("a table without nulls is TOML");
    check(
        SimilarityThresholdConfig::from_toml_str(&text),
        valid,
        &text,
    );
});
