//! `cascade explain FILE Owner.field [--config CFG] [--scores 0.91,0.84] [--candidates N]
//! [--dims D] [--json]`: why a field's threshold is what it is (DESIGN §5, §10), for each union
//! member: the layer it came from, each adjustment, what it means and what the given candidate
//! scores would do under it and its neighbours.
//!
//! `--dims` applies the dimension step with the config's `dimensionAdjustment` (or, without one,
//! the formula with 768 base dimensions); `--candidates` drives the adaptive step of targets whose
//! strategy is `adaptive`.

use std::path::PathBuf;

use cascade_runtime::Strategy;
use cascade_runtime::adjust::Conditions;
use cascade_runtime::config::{DimensionAdjustment, SimilarityThresholdConfig};
use cascade_runtime::explain::{Explanation, explain};
use cascade_runtime::resolve::{Resolver, split_path};

use crate::thresholds::load;

/// Arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The schema (`.cascade` or JSON)
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The field to explain, as `Owner.field`
    #[arg(value_name = "Owner.field")]
    field: String,
    /// A runtime config (`.json` or `.toml`) layered over the schema
    #[arg(long, value_name = "CFG")]
    config: Option<PathBuf>,
    /// Candidate similarity scores to count against the threshold, comma-separated
    #[arg(long, value_name = "S,S,...", value_delimiter = ',', value_parser = parse_score, allow_hyphen_values = true)]
    scores: Vec<f64>,
    /// How many candidates the search holds (drives the adaptive step)
    #[arg(long, value_name = "N", value_parser = |s: &str| crate::diagnostics::whole_number::<u64>(s, "a candidate count"))]
    candidates: Option<u64>,
    /// How many dimensions the compared embeddings have (drives the dimension step)
    #[arg(long, value_name = "D", value_parser = parse_dims)]
    dims: Option<u32>,
    /// Print JSON (DESIGN §10) instead of text
    #[arg(long)]
    json: bool,
}

/// A similarity score: a finite number within `-1.0..=1.0` (cosine similarity).
fn parse_score(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number; write scores like `0.91,0.84`"))?;
    if !value.is_finite() || !(-1.0..=1.0).contains(&value) {
        return Err(format!(
            "score `{text}` must be a similarity within -1.0..=1.0"
        ));
    }
    Ok(value)
}

pub(crate) fn run(args: Args) -> u8 {
    let (owner, field) = match split_path(&args.field) {
        Ok(parts) => parts,
        Err(e) => {
            // A malformed argument is a usage error (exit 2), like clap's own.
            eprintln!("error: {e}");
            return 2;
        }
    };
    let Some(loaded) = load(&args.file, args.config.as_deref()) else {
        return 1;
    };
    let base = loaded
        .config
        .dimension_adjustment
        .as_ref()
        .map_or(DimensionAdjustment::default().base_dimensions, |d| {
            d.base_dimensions
        });
    if let Some(d) = args.dims
        && d > base
    {
        let whose = if loaded.config.dimension_adjustment.is_some() {
            "the config's"
        } else {
            "the default"
        };
        eprintln!("error: `--dims {d}` is more than {whose} baseDimensions {base}");
        eprintln!("  = help: pass the truncated size, at most the full embedding size");
        return 1;
    }
    let resolver = Resolver::new(loaded.tables, &loaded.config);
    let conditions = Conditions {
        candidates: args.candidates,
        dimensions: args.dims,
    };
    let explanations = match explain(&resolver, owner, field, &conditions, &args.scores) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!(
                "  = help: `cascade thresholds {}` lists every reference field",
                args.file.display()
            );
            return 1;
        }
    };
    let text = if args.json {
        match serde_json::to_string(&explanations) {
            Ok(json) => json + "\n",
            Err(e) => {
                eprintln!("error: cannot write JSON: {e}");
                return 1;
            }
        }
    } else {
        let text: Vec<String> = explanations.iter().map(ToString::to_string).collect();
        let mut text = text.join("\n");
        if args.scores.is_empty() {
            text.push_str(
                "\n(no candidate scores given: pass `--scores 0.91,0.84` to count them)\n",
            );
        }
        for note in skipped_steps(&explanations, &args, &loaded.config) {
            text.push_str(&format!("({note})\n"));
        }
        text
    };
    crate::diagnostics::print_stdout(&text).map_or_else(|code| code, |()| 0)
}

/// What the conditions given did not drive, so a step missing from the explanation is not
/// mistaken for a step that found nothing to do.
fn skipped_steps(
    explanations: &[Explanation],
    args: &Args,
    config: &SimilarityThresholdConfig,
) -> Vec<String> {
    let mut notes = Vec::new();
    let adaptive: Vec<&str> = explanations
        .iter()
        .filter(|e| e.strategy == Strategy::Adaptive)
        .map(|e| e.target.as_str())
        .collect();
    match args.candidates {
        None if !adaptive.is_empty() => notes.push(format!(
            "{} {} the adaptive strategy: pass `--candidates N` to apply the candidate-count step",
            adaptive.join(", "),
            if adaptive.len() == 1 { "uses" } else { "use" }
        )),
        Some(n) if adaptive.is_empty() => notes.push(format!(
            "`--candidates {n}` changes nothing here: the strategy is static, so the threshold does not adapt to the candidate count"
        )),
        _ => {}
    }
    if let Some(d) = args.dims
        && config
            .dimension_adjustment
            .as_ref()
            .is_some_and(|dims| !dims.enabled)
    {
        notes.push(format!(
            "`--dims {d}` changes nothing here: the config's dimensionAdjustment is disabled"
        ));
    }
    notes
}

/// `--dims`: a number of dimensions, at least 1.
fn parse_dims(text: &str) -> Result<u32, String> {
    match crate::diagnostics::whole_number::<u32>(text, "a number of dimensions")? {
        0 => Err("0 is not a number of dimensions: give 1 or more, e.g. 256".to_owned()),
        d => Ok(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_checked() {
        assert_eq!(parse_score(" 0.5"), Ok(0.5));
        assert!(parse_score("x").unwrap_err().contains("not a number"));
        assert!(
            parse_score("1.5")
                .unwrap_err()
                .contains("within -1.0..=1.0")
        );
        assert!(parse_score("NaN").is_err());
    }
}
