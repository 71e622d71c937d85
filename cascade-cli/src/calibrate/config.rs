//! `--write`: the calibrated thresholds as a runtime config (`SimilarityThresholdConfig`).
//!
//! The shape is the spike's camelCase config: `default` is the pooled (`ALL`) threshold, `types`
//! the per-type thresholds, and with `--dims` a `dimensionAdjustment` whose `table` and `types`
//! hold the calibrated threshold at every dimension, the base (largest) dimension included; the
//! runtime applies `t + (table[d] − table[base])`. A config threshold must lie in 0..=1, so a
//! calibrated cosine below 0 is written as 0 (with a warning): it accepts the same pairs as long
//! as no pair scores below 0. A type that could not be calibrated (all its pairs same, or all
//! different) is left out, with a warning, so references to it use `default`.

use std::path::Path;

use anyhow::Context as _;
use serde::Serialize;
use serde::ser::SerializeMap;

use cascade_runtime::calibrate::ALL;
use cascade_runtime::config::SimilarityThresholdConfig;

use super::Outcome;

/// A map that keeps insertion order (types in order of appearance).
struct Ordered<V>(Vec<(String, V)>);

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Config {
    default: f64,
    types: Ordered<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dimension_adjustment: Option<DimensionAdjustment>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DimensionAdjustment {
    enabled: bool,
    base_dimensions: usize,
    table: Ordered<f64>,
    types: Ordered<Ordered<f64>>,
}

/// The two formats `SimilarityThresholdConfig` loads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ConfigFormat {
    Json,
    Toml,
}

/// The format of `path` by its extension; other extensions are an error (the runtime could not
/// load them).
pub(crate) fn format_of(path: &Path) -> anyhow::Result<ConfigFormat> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("json") => Ok(ConfigFormat::Json),
        Some("toml") => Ok(ConfigFormat::Toml),
        _ => anyhow::bail!(
            "--write {}: the runtime config must end in `.json` or `.toml`",
            path.display()
        ),
    }
}

/// The config text for `path` and any warnings. The text is loaded back with the runtime's
/// `SimilarityThresholdConfig` before it is returned, so a written config always loads.
pub(crate) fn render(outcome: &Outcome, path: &Path) -> anyhow::Result<(String, Vec<String>)> {
    let mut warnings = Vec::new();
    let mut value = |what: &str, t: f64| -> f64 {
        if t < 0.0 {
            warnings.push(format!(
                "{what}: the calibrated threshold {t} is below 0; the config holds 0 (config thresholds lie in 0..=1)"
            ));
            0.0
        } else {
            // `+ 0.0` turns a -0.0 score into 0.0: a config never says `-0.0`.
            t.min(1.0) + 0.0
        }
    };
    let mut default = None;
    let mut types = Vec::new();
    let mut left_out = Vec::new();
    for g in &outcome.groups {
        if g.name != ALL && g.calibration.missing_label().is_some() {
            left_out.push(g.name.as_str());
            continue;
        }
        let t = value(&g.name, g.calibration.best.threshold);
        if g.name == ALL {
            default = Some(t);
        } else {
            types.push((g.name.clone(), t));
        }
    }
    let default = default.context("the pooled ALL result is always computed")?;
    let dimension_adjustment = match outcome.dims.iter().max() {
        None => None,
        Some(&base) => {
            let mut table = Vec::new();
            let mut per_type = Vec::new();
            for g in outcome
                .groups
                .iter()
                .filter(|g| !left_out.contains(&g.name.as_str()))
            {
                let row: Vec<(String, f64)> = g
                    .dims
                    .iter()
                    .map(|d| {
                        (
                            d.dims.to_string(),
                            value(&format!("{} at {} dims", g.name, d.dims), d.best.threshold),
                        )
                    })
                    .collect();
                if g.name == ALL {
                    table = row;
                } else {
                    per_type.push((g.name.clone(), Ordered(row)));
                }
            }
            Some(DimensionAdjustment {
                enabled: true,
                base_dimensions: base,
                table: Ordered(table),
                types: Ordered(per_type),
            })
        }
    };
    for name in left_out {
        warnings.push(format!(
            "{name} is left out of the config: it cannot be calibrated (its pairs are all same or all different), so references to it use the config's default"
        ));
    }
    let config = Config {
        default,
        types: Ordered(types),
        dimension_adjustment,
    };
    let (text, loaded) = match format_of(path)? {
        ConfigFormat::Toml => {
            let mut text = toml::to_string(&config).context("serialising the config as TOML")?;
            if !text.ends_with('\n') {
                text.push('\n');
            }
            let loaded = SimilarityThresholdConfig::from_toml_str(&text);
            (text, loaded)
        }
        ConfigFormat::Json => {
            let mut text =
                serde_json::to_string_pretty(&config).context("serialising the config as JSON")?;
            text.push('\n');
            let loaded = SimilarityThresholdConfig::from_json_str(&text);
            (text, loaded)
        }
    };
    loaded.context("the calibrated config does not load as a runtime config (a bug in cascade)")?;
    Ok((text, warnings))
}
