//! Runtime configuration (DESIGN §6): [`SimilarityThresholdConfig`], loaded from JSON or TOML.
//!
//! The shape is the spike's camelCase `thresholdConfig` (seed-spike.md §8), accepted exactly as
//! written, plus a few optional sections:
//!
//! ```json
//! {
//!   "default": 0.80,                                  // layer config-default
//!   "types": { "ICP": 0.82 },                         // layer config-type
//!   "fields": { "Startup.customer": 0.88 },           // layer config-field
//!   "strategies": { "Skill": "adaptive" },            // per-type strategy override
//!   "adaptive": { "enabled": true, "minThreshold": 0.65, "maxThreshold": 0.95,
//!                 "candidateCountBands": [{ "minCandidates": 0, "maxCandidates": 9, "adjustment": -0.10 }] },
//!   "dimensionAdjustment": { "enabled": true, "baseDimensions": 768,
//!                            "table": { "256": 0.76 }, "types": { "Occupation": { "384": 0.52 } } },
//!   "confidence": { "highOffset": 0.10, "lowOffset": 0.15, "minimumConfidence": "medium" },
//!   "feedback": { "minSample": 20, "step": 0.02, "maxErrorRate": 0.1 }
//! }
//! ```
//!
//! **Strategy.** The adaptive step applies to a target type whose effective strategy is
//! `adaptive`: `strategies[T]` if set, else the schema's `$config.thresholdStrategy` if written,
//! else `adaptive` when `adaptive.enabled` is true, else `static`. So `adaptive.enabled` turns the
//! step on for every type that did not choose, and a type that wrote `static` stays static.
//!
//! **Errors.** Unknown keys, keys given twice, NaN, thresholds outside `0.0..=1.0`,
//! `minThreshold > maxThreshold`, bands with `minCandidates > maxCandidates`, overlapping bands,
//! band adjustments that would make more candidates loosen the threshold, and bad dimension keys
//! are all errors. A syntax error is reported alone ([`ConfigError::Json`], [`ConfigError::Toml`]);
//! otherwise every error of the text is, at once ([`ConfigError::Invalid`]), each with its key
//! path, its [`Position`] and a fix when one is known: wrong types and unknown keys (serde would
//! stop at the first) as well as the value checks, at most 100 (a last line then says there are
//! more). A required key that is missing is reported once and filled in with a stand-in, so the
//! rest of its section is still checked. A value check that would compare an entry taken out for
//! a wrong value with others (`minThreshold` with `maxThreshold`, `baseDimensions` with the
//! dimensions, the bands with each other) waits for the next run, as it would compare against a
//! default.
//! [`SimilarityThresholdConfig::check_against`] also names unknown types and fields of a compiled
//! schema, with a did-you-mean.
//!
//! ```
//! use cascade_runtime::config::{ConfigError, SimilarityThresholdConfig};
//! let text = "{\n  \"default\": \"0.8\",\n  \"types\": { \"ICP\": 1.5 }\n}";
//! let Err(ConfigError::Invalid { problems, .. }) = SimilarityThresholdConfig::from_json_str(text) else {
//!     panic!("two problems expected");
//! };
//! let found: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.position.unwrap(), p.key)).collect();
//! assert_eq!(found, ["2:14: default", "3:21: types.ICP"]);
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::confidence::ConfidenceBands;
use crate::feedback::FeedbackSettings;
use crate::table::Schema;
use crate::{Strategy, Threshold};

mod collect;
mod dims;
pub mod suggest;

/// The runtime threshold configuration (the spike's `SimilarityThresholdConfig`).
///
/// ```
/// # use cascade_runtime::config::SimilarityThresholdConfig;
/// let cfg = SimilarityThresholdConfig::from_json_str(
///     r#"{ "default": 0.8, "types": { "ICP": 0.82 }, "fields": { "Startup.customer": 0.88 } }"#,
/// ).unwrap();
/// assert_eq!(cfg.types["ICP"].get(), 0.82);
/// assert!(SimilarityThresholdConfig::from_json_str(r#"{ "defualt": 0.8 }"#).is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SimilarityThresholdConfig {
    /// Global default (layer `config-default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Threshold>,
    /// Per-target-type overrides (layer `config-type`).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "unique_keys"
    )]
    pub types: BTreeMap<String, Threshold>,
    /// Per-field overrides keyed `Owner.field` (layer `config-field`), for every union member.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "unique_keys"
    )]
    pub fields: BTreeMap<String, Threshold>,
    /// Per-target-type strategy overrides (see the module docs).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "unique_keys"
    )]
    pub strategies: BTreeMap<String, Strategy>,
    /// Adaptive-by-candidate-count settings and the clamp bounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adaptive: Option<AdaptiveConfig>,
    /// Dimension adjustment for truncated (Matryoshka) embeddings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension_adjustment: Option<DimensionAdjustment>,
    /// Confidence band offsets and `minimumConfidence`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<ConfidenceBands>,
    /// How feedback moves thresholds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<FeedbackSettings>,
}

/// The `adaptive` section: candidate-count bands and the clamp bounds of adapted values.
///
/// ```
/// # use cascade_runtime::config::AdaptiveConfig;
/// let a: AdaptiveConfig = serde_json::from_str(r#"{ "enabled": true }"#).unwrap();
/// assert_eq!((a.min_threshold.get(), a.max_threshold.get()), (0.65, 0.95));
/// assert_eq!(a.bands().len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdaptiveConfig {
    /// Whether types that did not choose a strategy are adaptive.
    pub enabled: bool,
    /// Lower clamp bound for adapted values (default 0.65).
    #[serde(default = "default_min")]
    pub min_threshold: Threshold,
    /// Upper clamp bound for adapted values (default 0.95).
    #[serde(default = "default_max")]
    pub max_threshold: Threshold,
    /// The bands; `None` means the spike's (`< 10`: −0.10, `> 1000`: +0.05).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate_count_bands: Option<Vec<CandidateBand>>,
}

fn default_min() -> Threshold {
    Threshold::new_const(0.65)
}
fn default_max() -> Threshold {
    Threshold::new_const(0.95)
}

impl Default for AdaptiveConfig {
    fn default() -> Self {
        AdaptiveConfig {
            enabled: false,
            min_threshold: default_min(),
            max_threshold: default_max(),
            candidate_count_bands: None,
        }
    }
}

/// The spike's bands: fewer than 10 candidates loosen by 0.10, more than 1000 tighten by 0.05.
///
/// ```
/// # use cascade_runtime::config::DEFAULT_BANDS;
/// assert!(DEFAULT_BANDS[0].contains(9) && DEFAULT_BANDS[1].contains(1001));
/// ```
pub const DEFAULT_BANDS: [CandidateBand; 2] = [
    CandidateBand {
        min_candidates: 0,
        max_candidates: Some(9),
        adjustment: -0.10,
    },
    CandidateBand {
        min_candidates: 1001,
        max_candidates: None,
        adjustment: 0.05,
    },
];

impl AdaptiveConfig {
    /// The bands in effect (configured or [`DEFAULT_BANDS`]).
    ///
    /// ```
    /// # use cascade_runtime::config::{AdaptiveConfig, DEFAULT_BANDS};
    /// assert_eq!(AdaptiveConfig::default().bands(), &DEFAULT_BANDS);
    /// ```
    pub fn bands(&self) -> &[CandidateBand] {
        self.candidate_count_bands
            .as_deref()
            .unwrap_or(&DEFAULT_BANDS)
    }

    /// The band containing `candidates`, if any.
    ///
    /// ```
    /// # use cascade_runtime::config::AdaptiveConfig;
    /// let a = AdaptiveConfig::default();
    /// assert_eq!(a.band_for(5).map(|b| b.adjustment), Some(-0.10));
    /// assert!(a.band_for(500).is_none());
    /// ```
    pub fn band_for(&self, candidates: u64) -> Option<&CandidateBand> {
        self.bands().iter().find(|b| b.contains(candidates))
    }
}

/// One candidate-count band: counts in `minCandidates..=maxCandidates` move the threshold by
/// `adjustment`.
///
/// ```
/// # use cascade_runtime::config::CandidateBand;
/// let b = CandidateBand { min_candidates: 0, max_candidates: Some(9), adjustment: -0.1 };
/// assert!(b.contains(9) && !b.contains(10));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CandidateBand {
    /// The smallest count in the band (inclusive).
    pub min_candidates: u64,
    /// The largest count in the band (inclusive); absent means no upper end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_candidates: Option<u64>,
    /// Added to the threshold (negative loosens).
    pub adjustment: f64,
}

impl CandidateBand {
    /// Whether `n` lies in the band.
    ///
    /// ```
    /// # use cascade_runtime::config::CandidateBand;
    /// assert!(CandidateBand { min_candidates: 1001, max_candidates: None, adjustment: 0.05 }.contains(5000));
    /// ```
    pub fn contains(&self, n: u64) -> bool {
        n >= self.min_candidates && self.max_candidates.is_none_or(|max| n <= max)
    }
}

impl fmt::Display for CandidateBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.max_candidates {
            Some(max) => write!(f, "{}..={}", self.min_candidates, max),
            None => write!(f, "{}..", self.min_candidates),
        }
    }
}

/// The `dimensionAdjustment` section.
///
/// A table maps dimensions to the threshold measured there for one *reference* threshold: the
/// table's own entry at `baseDimensions` if present, else 0.80 (the spike's table was written for
/// a 0.80 base). A resolved threshold `t` at `d` dimensions becomes `t + (table[d] − reference)`,
/// using `types[T]` if `T` has a table, else `table`. A dimension the chosen table lacks is
/// interpolated between its neighbours (below the smallest entry: the formula's slope); with no
/// table at all, the formula `t − (1 − d/base) × 0.05` applies (the default). The formula's result
/// is floored at `minThreshold` (a threshold already below the floor is held, never raised); a
/// table is measured data and is applied as measured, kept only within `0..=1`. The spike's formula and its table disagree at 128 of 768 dimensions (0.758
/// vs 0.72); the formula is the default. See [`crate::adjust`] for the details, including how a
/// table that rises at fewer dimensions is read.
///
/// ```
/// # use cascade_runtime::config::DimensionAdjustment;
/// let d: DimensionAdjustment = serde_json::from_str(
///     r#"{ "enabled": true, "baseDimensions": 768, "table": { "256": 0.76 } }"#).unwrap();
/// assert_eq!(d.table[&256].get(), 0.76);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DimensionAdjustment {
    /// Whether to adjust.
    pub enabled: bool,
    /// The full embedding size (default 768).
    #[serde(default = "default_base")]
    pub base_dimensions: u32,
    /// Thresholds measured at each dimension (keys are dimension counts written as strings).
    #[serde(
        default,
        with = "dims::map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub table: BTreeMap<u32, Threshold>,
    /// Per-target-type tables, consulted before `table`.
    #[serde(
        default,
        with = "dims::nested",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub types: BTreeMap<String, BTreeMap<u32, Threshold>>,
}

fn default_base() -> u32 {
    768
}

impl Default for DimensionAdjustment {
    fn default() -> Self {
        DimensionAdjustment {
            enabled: true,
            base_dimensions: default_base(),
            table: BTreeMap::new(),
            types: BTreeMap::new(),
        }
    }
}

/// One thing wrong in a configuration, with the key it is about.
///
/// ```
/// # use cascade_runtime::config::ConfigProblem;
/// let p = ConfigProblem::new("types.IPC", "unknown type `IPC`").help("did you mean `ICP`?");
/// assert_eq!(p.to_string(), "`types.IPC`: unknown type `IPC` (help: did you mean `ICP`?)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigProblem {
    /// The key path, e.g. `adaptive.minThreshold` or `fields.Startup.customr`; empty for a
    /// problem of the whole config.
    pub key: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it, if known.
    pub help: Option<String>,
    /// Where in the config text the key (for an unknown or repeated key) or its value is, when
    /// the problem was found in a text; `None` for a config built in code.
    pub position: Option<Position>,
}

/// A line and column in a config text, both counted from 1; columns count characters.
///
/// ```
/// # use cascade_runtime::config::Position;
/// assert_eq!(Position { line: 3, column: 14 }.to_string(), "3:14");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

impl ConfigProblem {
    /// A problem at `key`.
    ///
    /// ```
    /// # use cascade_runtime::config::ConfigProblem;
    /// assert!(ConfigProblem::new("default", "bad").help.is_none());
    /// ```
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> ConfigProblem {
        ConfigProblem {
            key: key.into(),
            message: message.into(),
            help: None,
            position: None,
        }
    }

    /// Adds a help line.
    ///
    /// ```
    /// # use cascade_runtime::config::ConfigProblem;
    /// assert!(ConfigProblem::new("k", "m").help("h").help.is_some());
    /// ```
    pub fn help(mut self, help: impl Into<String>) -> ConfigProblem {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.key.is_empty() {
            write!(f, "`{}`: ", self.key)?;
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// Why a configuration could not be loaded or does not fit a schema.
///
/// ```
/// # use cascade_runtime::config::{ConfigError, SimilarityThresholdConfig};
/// let err = SimilarityThresholdConfig::from_json_str(r#"{"types": {"ICP": 2}, "defualt": 0.8}"#).unwrap_err();
/// let ConfigError::Invalid { problems, .. } = &err else { panic!("{err}") };
/// assert_eq!(problems.len(), 2); // every problem at once, in the order written
/// assert_eq!(problems[1].help.as_deref(), Some("did you mean `default`?"));
/// assert_eq!(problems[1].position.map(|p| p.to_string()).as_deref(), Some("1:23"));
///
/// let err = SimilarityThresholdConfig::from_json_str(r#"{"default": 0.8,,}"#).unwrap_err();
/// assert!(matches!(err, ConfigError::Json { .. })); // a syntax error
/// ```
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The extension is neither `.json` nor `.toml`.
    #[error("config `{}`: unknown format, expected a `.json` or `.toml` file", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// Not valid JSON (a syntax error, or text after the object): where (`file:line:col`) and
    /// what. A config that is JSON but not the expected shape is [`ConfigError::Invalid`].
    #[error("{}", json_message(origin, source))]
    Json {
        /// The file, if read from one.
        origin: Option<PathBuf>,
        /// The parse error.
        source: serde_json::Error,
    },
    /// The JSON text is not an object (an array, a number, ...).
    #[error(
        "config{} is not a JSON object: a config is `{{ \"default\": 0.8, \"types\": {{ ... }} }}`",
        at(origin)
    )]
    NotAnObject {
        /// The file, if read from one.
        origin: Option<PathBuf>,
    },
    /// Not valid TOML (a syntax error, a key given twice): where (`file:line:col`) and what.
    /// A config that is TOML but not the expected shape is [`ConfigError::Invalid`].
    #[error("{}", toml_message(origin, position, source))]
    Toml {
        /// The file, if read from one.
        origin: Option<PathBuf>,
        /// Where the error is, when the parser says.
        position: Option<Position>,
        /// The parse error (boxed: it is large, and `ConfigError` is returned by value).
        source: Box<toml::de::Error>,
    },
    /// Parsed, but some values are wrong (all of them are listed).
    #[error("invalid config{}:{}", at(origin), list(origin, problems))]
    Invalid {
        /// The file, if read from one.
        origin: Option<PathBuf>,
        /// Every problem found.
        problems: Vec<ConfigProblem>,
        /// What reads without error once the entries in error are left out (`None` when
        /// nothing does, and for [`check_against`](SimilarityThresholdConfig::check_against)'s
        /// errors): never to be applied, but its names can still be checked against a schema,
        /// so that a run reports those errors too.
        ///
        /// ```
        /// # use cascade_runtime::config::{ConfigError, SimilarityThresholdConfig};
        /// let err = SimilarityThresholdConfig::from_json_str(r#"{"types": {"Skil": 0.7, "Tag": 1.5}}"#).unwrap_err();
        /// let ConfigError::Invalid { rest: Some(rest), .. } = err else { panic!() };
        /// assert!(rest.types.contains_key("Skil"));
        /// ```
        rest: Option<Box<SimilarityThresholdConfig>>,
    },
}

/// Problems of a config section as `(key, message)` pairs, on one line: `` `step`: ...; `minSample`: ... ``
/// (the errors of [`ConfidenceBands::new`](crate::confidence::ConfidenceBands::new) and
/// [`FeedbackSettings::new`](crate::feedback::FeedbackSettings::new)).
pub(crate) fn render_key_problems(problems: &[(&'static str, String)]) -> String {
    problems
        .iter()
        .map(|(key, message)| format!("`{key}`: {message}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The file a config was read from, or `config` for a text given directly.
fn file_name(origin: &Option<PathBuf>) -> String {
    origin
        .as_ref()
        .map_or_else(|| "config".to_owned(), |p| p.display().to_string())
}

/// `config.json:1:18: expected value (help: ...)`.
fn json_message(origin: &Option<PathBuf>, source: &serde_json::Error) -> String {
    let file = file_name(origin);
    let full = source.to_string();
    // serde_json ends its message with ` at line L column C`; the place goes in front instead.
    let suffix = format!(" at line {} column {}", source.line(), source.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    // serde_json gives column 0 at the very start of a line (an empty file): columns count from 1.
    let column = source.column().max(1);
    format!(
        "invalid JSON config {file}:{}:{column}: {message} (help: a config is one JSON object; check the commas, quotes and brackets here)",
        source.line()
    )
}

/// `config.toml:2:1: duplicate key (help: ...)`, or the parser's own message when it gives no
/// place.
fn toml_message(
    origin: &Option<PathBuf>,
    position: &Option<Position>,
    source: &toml::de::Error,
) -> String {
    let Some(position) = position else {
        return format!("invalid TOML config{}: {source}", at(origin));
    };
    let message = source.message().trim_end();
    let help = if message.contains("duplicate key") {
        "a key is given once per table: keep one"
    } else if message.contains("carriage return") {
        "end lines with `\\n` or `\\r\\n`, not `\\r` alone"
    } else {
        "check the quotes, brackets and `key = value` lines here"
    };
    format!(
        "invalid TOML config {}:{position}: {message} (help: {help})",
        file_name(origin),
    )
}

/// A TOML syntax error of `text`, placed in it.
fn toml_syntax(text: &str, origin: Option<PathBuf>, source: toml::de::Error) -> ConfigError {
    let position = source
        .span()
        .map(|span| collect::position(text, span.start));
    ConfigError::Toml {
        origin,
        position,
        source: Box::new(source),
    }
}

/// A map that refuses a key given twice (serde's maps keep the last one silently), so
/// `{"types": {"A": 0.8, "A": 0.9}}` is an error, as a repeated top-level key is.
fn unique_keys<'de, D, V>(deserializer: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Unique<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Unique<V> {
        type Value = BTreeMap<String, V>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map of names to values")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                if out.contains_key(&key) {
                    return Err(serde::de::Error::custom(format!(
                        "`{key}` is given twice; keep one"
                    )));
                }
                let value = map.next_value()?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    deserializer.deserialize_map(Unique(std::marker::PhantomData))
}

/// Reads and validates a JSON config: an object (not an array, which serde would take as the
/// fields in order). A syntax error is reported alone; otherwise every problem is, each with its
/// line and column.
fn load_json(
    text: &str,
    origin: Option<PathBuf>,
) -> Result<SimilarityThresholdConfig, ConfigError> {
    // A byte-order mark is not JSON, but editors write one: it is skipped.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .chars()
        .next();
    if first.is_some_and(|c| c != '{') {
        return Err(ConfigError::NotAnObject { origin });
    }
    let syntax = |source: serde_json::Error, origin| ConfigError::Json { origin, source };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let read = SimilarityThresholdConfig::deserialize(&mut deserializer)
        // Text after the object.
        .and_then(|cfg| deserializer.end().map(|()| cfg));
    match read {
        Ok(cfg) => {
            let mut problems = cfg.problems();
            if problems.is_empty() {
                return Ok(cfg);
            }
            collect::locate(&mut problems, &collect::json_places(text));
            Err(ConfigError::Invalid {
                origin,
                problems,
                rest: Some(Box::new(cfg)),
            })
        }
        // serde_json's error categories cannot tell a syntax error from a shape error (a number
        // out of f64's range, or an enum given a number, is filed under syntax): the text is
        // read again as JSON alone, which finds the syntax error if there is one.
        Err(_) => match collect::json_problems(text) {
            Ok((problems, rest)) => Err(ConfigError::Invalid {
                origin,
                problems,
                rest: rest.map(Box::new),
            }),
            Err(source) => Err(syntax(source, origin)),
        },
    }
}

/// Reads and validates a TOML config, like [`load_json`].
fn load_toml(
    text: &str,
    origin: Option<PathBuf>,
) -> Result<SimilarityThresholdConfig, ConfigError> {
    // A byte-order mark is not TOML's either, and would count as a column.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match toml::from_str::<SimilarityThresholdConfig>(text) {
        Ok(cfg) => {
            let mut problems = cfg.problems();
            if problems.is_empty() {
                return Ok(cfg);
            }
            if let Ok(places) = collect::toml_places(text) {
                collect::locate(&mut problems, &places);
            }
            Err(ConfigError::Invalid {
                origin,
                problems,
                rest: Some(Box::new(cfg)),
            })
        }
        Err(first) => match collect::toml_problems(text) {
            Ok((problems, rest)) if !problems.is_empty() => Err(ConfigError::Invalid {
                origin,
                problems,
                rest: rest.map(Box::new),
            }),
            // A syntax error, or (never seen) an error the second reading does not find.
            Ok(_) => Err(toml_syntax(text, origin, first)),
            Err(source) => Err(toml_syntax(text, origin, source)),
        },
    }
}

/// The two formats a config is written in.
///
/// ```
/// # use cascade_runtime::config::ConfigFormat;
/// assert_eq!(ConfigFormat::of("thresholds.TOML".as_ref()), Some(ConfigFormat::Toml));
/// assert_eq!(ConfigFormat::of("thresholds.yaml".as_ref()), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigFormat {
    /// `.json`.
    Json,
    /// `.toml`.
    Toml,
}

impl ConfigFormat {
    /// The format a file's extension names (`.json` or `.toml`, any case).
    pub fn of(path: &Path) -> Option<ConfigFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(ConfigFormat::Json),
            "toml" => Some(ConfigFormat::Toml),
            _ => None,
        }
    }
}

/// Fills in the [`position`](ConfigProblem::position) of problems found after loading, such as
/// those of [`SimilarityThresholdConfig::check_against`], from the config's `text`: each at the
/// key its path names (`types.IPC`), sorted by position. A problem whose key is not in the text
/// keeps `None`, and so does every problem when the text does not parse.
///
/// ```
/// # use cascade_runtime::config::{locate, ConfigFormat, ConfigProblem};
/// let mut problems = vec![ConfigProblem::new("types.IPC", "unknown type `IPC`")];
/// locate(&mut problems, "[types]\nIPC = 0.8\n", ConfigFormat::Toml);
/// assert_eq!(problems[0].position.map(|p| p.to_string()).as_deref(), Some("2:1"));
/// ```
pub fn locate(problems: &mut Vec<ConfigProblem>, text: &str, format: ConfigFormat) {
    match format {
        ConfigFormat::Json => {
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            collect::locate_keys(problems, &collect::json_places(text));
        }
        ConfigFormat::Toml => {
            if let Ok(places) = collect::toml_places(text) {
                collect::locate_keys(problems, &places);
            }
        }
    }
}

fn at(origin: &Option<PathBuf>) -> String {
    origin
        .as_ref()
        .map(|p| format!(" `{}`", p.display()))
        .unwrap_or_default()
}

/// One line per problem: `  - config.json:3:14: `types.ICP`: ...`.
fn list(origin: &Option<PathBuf>, problems: &[ConfigProblem]) -> String {
    let file = file_name(origin);
    problems
        .iter()
        .map(|p| match p.position {
            Some(position) => format!("\n  - {file}:{position}: {p}"),
            None => format!("\n  - {p}"),
        })
        .collect()
}

impl SimilarityThresholdConfig {
    /// Parses and validates a JSON config.
    ///
    /// ```
    /// # use cascade_runtime::config::SimilarityThresholdConfig;
    /// let err = SimilarityThresholdConfig::from_json_str(
    ///     r#"{ "adaptive": { "enabled": true, "minThreshold": 0.9, "maxThreshold": 0.7 } }"#,
    /// ).unwrap_err();
    /// assert!(err.to_string().contains("minThreshold"));
    /// ```
    pub fn from_json_str(text: &str) -> Result<SimilarityThresholdConfig, ConfigError> {
        load_json(text, None)
    }

    /// Parses and validates a TOML config.
    ///
    /// ```
    /// # use cascade_runtime::config::SimilarityThresholdConfig;
    /// let cfg = SimilarityThresholdConfig::from_toml_str("default = 0.8\n[types]\nICP = 0.82\n").unwrap();
    /// assert_eq!(cfg.default.map(|t| t.get()), Some(0.8));
    /// assert!(SimilarityThresholdConfig::from_toml_str("default = nan").is_err());
    /// ```
    pub fn from_toml_str(text: &str) -> Result<SimilarityThresholdConfig, ConfigError> {
        load_toml(text, None)
    }

    /// Reads a `.json` or `.toml` file and validates it.
    ///
    /// ```
    /// # use cascade_runtime::config::{ConfigError, SimilarityThresholdConfig};
    /// let err = SimilarityThresholdConfig::from_path("thresholds.yaml").unwrap_err();
    /// assert!(matches!(err, ConfigError::UnknownFormat { .. }));
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Result<SimilarityThresholdConfig, ConfigError> {
        let path = path.as_ref();
        let Some(format) = ConfigFormat::of(path) else {
            return Err(ConfigError::UnknownFormat {
                path: path.to_owned(),
            });
        };
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let origin = Some(path.to_owned());
        match format {
            ConfigFormat::Json => load_json(&text, origin),
            ConfigFormat::Toml => load_toml(&text, origin),
        }
    }

    /// Every value problem a parsed config has (empty when it is valid). The `from_*` loaders
    /// call this; call it yourself for a config built in code.
    ///
    /// ```
    /// # use cascade_runtime::config::{SimilarityThresholdConfig, AdaptiveConfig, CandidateBand};
    /// let cfg = SimilarityThresholdConfig {
    ///     adaptive: Some(AdaptiveConfig { enabled: true, candidate_count_bands: Some(vec![
    ///         CandidateBand { min_candidates: 0, max_candidates: Some(20), adjustment: -0.1 },
    ///         CandidateBand { min_candidates: 10, max_candidates: None, adjustment: 0.05 },
    ///     ]), ..Default::default() }),
    ///     ..Default::default()
    /// };
    /// assert!(cfg.problems().iter().any(|p| p.message.contains("overlap")));
    /// ```
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut out = Vec::new();
        for key in self.fields.keys() {
            if split_field_key(key).is_none() {
                out.push(
                    ConfigProblem::new(
                        format!("fields.{key}"),
                        format!("`{key}` is not a field key"),
                    )
                    .help("write the owner type and the field name as `Owner.field`"),
                );
            }
        }
        if let Some(a) = &self.adaptive {
            adaptive_problems(a, &mut out);
        }
        if let Some(d) = &self.dimension_adjustment {
            dimension_problems(d, &mut out);
        }
        if let Some(c) = &self.confidence {
            for (key, message) in c.problems() {
                out.push(ConfigProblem::new(format!("confidence.{key}"), message));
            }
        }
        if let Some(f) = &self.feedback {
            for (key, message) in f.problems() {
                out.push(ConfigProblem::new(format!("feedback.{key}"), message));
            }
        }
        out
    }

    /// Checks the config's type and field names against a compiled schema: unknown types,
    /// unknown fields and fields that are not fuzzy references, each with a did-you-mean.
    ///
    /// ```
    /// # use cascade_runtime::config::SimilarityThresholdConfig;
    /// # use cascade_runtime::table::{Schema, TypeTable};
    /// static TYPES: [TypeTable; 1] = [TypeTable { name: "ICP", threshold: None, strategy: None,
    ///     fuzzy_threshold: None, schema_default: None, fields: &[] }];
    /// static SCHEMA: Schema = Schema { default: None, types: &TYPES, index: &[] };
    /// let cfg = SimilarityThresholdConfig::from_json_str(r#"{ "types": { "IPC": 0.8 } }"#).unwrap();
    /// let err = cfg.check_against(&SCHEMA).unwrap_err();
    /// assert!(err.to_string().contains("did you mean `ICP`?"));
    /// ```
    pub fn check_against(&self, schema: &Schema) -> Result<(), ConfigError> {
        let type_names = || schema.types.iter().map(|t| t.name);
        let mut out = Vec::new();
        let check_type = |section: &str, name: &str, out: &mut Vec<ConfigProblem>| {
            if schema.find_type(name).is_none() {
                let mut p = ConfigProblem::new(
                    format!("{section}.{name}"),
                    format!("unknown type `{name}`"),
                );
                if let Some(s) = suggest::did_you_mean(name, type_names()) {
                    p = p.help(format!("did you mean `{s}`?"));
                }
                out.push(p);
            }
        };
        for name in self.types.keys() {
            check_type("types", name, &mut out);
        }
        for name in self.strategies.keys() {
            check_type("strategies", name, &mut out);
        }
        if let Some(d) = &self.dimension_adjustment {
            for name in d.types.keys() {
                check_type("dimensionAdjustment.types", name, &mut out);
            }
        }
        for key in self.fields.keys() {
            let Some((owner, field)) = split_field_key(key) else {
                continue;
            };
            let path = format!("fields.{key}");
            let Some(ty) = schema.find_type(owner) else {
                let mut p = ConfigProblem::new(path, format!("unknown type `{owner}`"));
                if let Some(s) = suggest::did_you_mean(owner, type_names()) {
                    p = p.help(format!("did you mean `{s}.{field}`?"));
                }
                out.push(p);
                continue;
            };
            match ty.field(field) {
                None => {
                    let mut p =
                        ConfigProblem::new(path, format!("type `{owner}` has no field `{field}`"));
                    let fuzzy = ty.fields.iter().filter(|f| f.is_fuzzy()).map(|f| f.name);
                    if let Some(s) = suggest::did_you_mean(field, fuzzy) {
                        p = p.help(format!("did you mean `{owner}.{s}`?"));
                    }
                    out.push(p);
                }
                Some(f) if !f.is_fuzzy() => out.push(
                    ConfigProblem::new(
                        path,
                        format!(
                            "`{owner}.{field}` is not a fuzzy reference, so no threshold applies"
                        ),
                    )
                    .help("thresholds apply to `~>` and `<~` fields only"),
                ),
                Some(_) => {}
            }
        }
        if out.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::Invalid {
                origin: None,
                problems: out,
                rest: None,
            })
        }
    }

    /// The clamp bounds of adapted values: `adaptive.minThreshold`/`maxThreshold` or 0.65/0.95.
    ///
    /// ```
    /// # use cascade_runtime::config::SimilarityThresholdConfig;
    /// assert_eq!(SimilarityThresholdConfig::default().bounds(), (0.65, 0.95));
    /// ```
    pub fn bounds(&self) -> (f64, f64) {
        match &self.adaptive {
            Some(a) => (a.min_threshold.get(), a.max_threshold.get()),
            None => (default_min().get(), default_max().get()),
        }
    }

    /// The confidence bands: the `confidence` section or the defaults.
    ///
    /// ```
    /// # use cascade_runtime::config::SimilarityThresholdConfig;
    /// assert_eq!(SimilarityThresholdConfig::default().confidence_bands().high_offset, 0.10);
    /// ```
    pub fn confidence_bands(&self) -> ConfidenceBands {
        self.confidence.unwrap_or_default()
    }

    /// The feedback settings: the `feedback` section or the defaults.
    ///
    /// ```
    /// # use cascade_runtime::config::SimilarityThresholdConfig;
    /// assert_eq!(SimilarityThresholdConfig::default().feedback_settings().min_sample, 20);
    /// ```
    pub fn feedback_settings(&self) -> FeedbackSettings {
        self.feedback.unwrap_or_default()
    }

    /// The effective strategy of target type `type_name` whose schema wrote `schema` (see the
    /// module docs).
    ///
    /// ```
    /// # use cascade_runtime::config::SimilarityThresholdConfig;
    /// # use cascade_runtime::Strategy;
    /// let cfg = SimilarityThresholdConfig::from_json_str(r#"{ "adaptive": { "enabled": true } }"#).unwrap();
    /// assert_eq!(cfg.strategy("Skill", None), Strategy::Adaptive);
    /// assert_eq!(cfg.strategy("Industry", Some(Strategy::Static)), Strategy::Static);
    /// ```
    pub fn strategy(&self, type_name: &str, schema: Option<Strategy>) -> Strategy {
        if let Some(s) = self.strategies.get(type_name) {
            return *s;
        }
        if let Some(s) = schema {
            return s;
        }
        match &self.adaptive {
            Some(a) if a.enabled => Strategy::Adaptive,
            _ => Strategy::Static,
        }
    }
}

/// Splits `Owner.field` (exactly one dot, both parts non-empty).
fn split_field_key(key: &str) -> Option<(&str, &str)> {
    let (owner, field) = key.split_once('.')?;
    (!owner.is_empty() && !field.is_empty() && !field.contains('.')).then_some((owner, field))
}

fn adaptive_problems(a: &AdaptiveConfig, out: &mut Vec<ConfigProblem>) {
    if a.min_threshold > a.max_threshold {
        out.push(
            ConfigProblem::new(
                "adaptive.minThreshold",
                format!(
                    "minThreshold `{}` is greater than maxThreshold `{}`",
                    a.min_threshold, a.max_threshold
                ),
            )
            .help("swap them or lower minThreshold"),
        );
    }
    let Some(bands) = &a.candidate_count_bands else {
        return;
    };
    for (i, b) in bands.iter().enumerate() {
        // A band's own values are keyed by the value (the comparisons between bands by the
        // band), so that the error points at it.
        let key = format!("adaptive.candidateCountBands[{i}]");
        if b.max_candidates.is_some_and(|max| max < b.min_candidates) {
            out.push(ConfigProblem::new(
                format!("{key}.minCandidates"),
                format!(
                    "minCandidates {} is greater than maxCandidates {}",
                    b.min_candidates,
                    b.max_candidates.unwrap_or_default()
                ),
            ));
        }
        if !b.adjustment.is_finite() || !(-1.0..=1.0).contains(&b.adjustment) {
            out.push(ConfigProblem::new(
                format!("{key}.adjustment"),
                format!(
                    "adjustment `{}` must be a number within -1.0..=1.0",
                    b.adjustment
                ),
            ));
        }
    }
    let mut sorted: Vec<(usize, &CandidateBand)> = bands.iter().enumerate().collect();
    sorted.sort_by_key(|(_, b)| b.min_candidates);
    for pair in sorted.windows(2) {
        let [(ia, a), (ib, b)] = pair else { continue };
        if a.max_candidates.is_none_or(|max| max >= b.min_candidates) {
            out.push(
                ConfigProblem::new(
                    format!("adaptive.candidateCountBands[{ib}]"),
                    format!("band {b} overlaps band {a} (candidateCountBands[{ia}])"),
                )
                .help("every candidate count may fall into one band at most"),
            );
        } else if !adjustments_rise(a, b) {
            out.push(
                ConfigProblem::new(
                    format!("adaptive.candidateCountBands[{ib}]"),
                    format!(
                        "band {b} adjusts by {} after band {a} adjusts by {}: more candidates would loosen the threshold",
                        b.adjustment, a.adjustment
                    ),
                )
                .help("adjustments must not fall as candidate counts rise (counts between bands adjust by 0)"),
            );
        }
    }
    if let (Some((_, first)), Some((_, last))) = (sorted.first(), sorted.last()) {
        if first.min_candidates > 0 && first.adjustment < 0.0 {
            out.push(ConfigProblem::new(
                "adaptive.candidateCountBands",
                format!("band {first} loosens, but fewer candidates (below {}) do not move the threshold", first.min_candidates),
            ).help("start the loosening band at minCandidates 0"));
        }
        if last.max_candidates.is_some() && last.adjustment > 0.0 {
            out.push(ConfigProblem::new(
                "adaptive.candidateCountBands",
                format!("band {last} tightens, but more candidates (above it) do not move the threshold"),
            ).help("leave maxCandidates out on the last tightening band"));
        }
    }
}

/// With the gap between two bands adjusting by 0: `a ≤ gap ≤ b`, or `a ≤ b` when adjacent.
fn adjustments_rise(a: &CandidateBand, b: &CandidateBand) -> bool {
    let adjacent = a
        .max_candidates
        .is_some_and(|max| max + 1 == b.min_candidates);
    if adjacent {
        a.adjustment <= b.adjustment
    } else {
        a.adjustment <= 0.0 && 0.0 <= b.adjustment
    }
}

fn dimension_problems(d: &DimensionAdjustment, out: &mut Vec<ConfigProblem>) {
    if d.base_dimensions == 0 {
        out.push(ConfigProblem::new(
            "dimensionAdjustment.baseDimensions",
            "must be at least 1",
        ));
    }
    let tables = std::iter::once(("dimensionAdjustment.table".to_owned(), &d.table)).chain(
        d.types
            .iter()
            .map(|(t, table)| (format!("dimensionAdjustment.types.{t}"), table)),
    );
    for (key, table) in tables {
        for &dims in table.keys() {
            // Against a baseDimensions of 0 (itself an error) every dimension would be "too
            // large": only that one error is said.
            if dims == 0 || (d.base_dimensions > 0 && dims > d.base_dimensions) {
                let range = if d.base_dimensions > 0 {
                    format!("be within 1..={} (baseDimensions)", d.base_dimensions)
                } else {
                    "be at least 1".to_owned()
                };
                out.push(ConfigProblem::new(
                    format!("{key}.{dims}"),
                    format!("dimension `{dims}` must {range}"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests;
