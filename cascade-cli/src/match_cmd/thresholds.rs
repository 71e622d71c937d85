//! The threshold of each query type: the type layers of DESIGN §4, from `--config` and
//! `--schema`.
//!
//! TODO(matching): `--config` is read by a stand-in that understands `default` and `types`
//! only (and rejects every other key rather than ignoring it), and `--schema` is not read yet;
//! both move to `cascade_runtime::config::SimilarityThresholdConfig` and `cascade_dsl::check`
//! once those land.

use std::collections::BTreeMap;
use std::path::Path;

use cascade_runtime::matching::Target;
use cascade_runtime::{Layer, Threshold};

use super::data::RowError;

/// A threshold and the layer it came from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Applied {
    pub(crate) value: Threshold,
    pub(crate) layer: Layer,
}

/// The type-level thresholds in force.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Levels {
    config_types: BTreeMap<String, Threshold>,
    config_default: Option<Threshold>,
}

impl Levels {
    /// The threshold for a reference to `entity_type` with no field-level threshold.
    pub(crate) fn for_type(&self, entity_type: &str) -> Applied {
        if let Some(&value) = self.config_types.get(entity_type) {
            return Applied {
                value,
                layer: Layer::ConfigType,
            };
        }
        if let Some(value) = self.config_default {
            return Applied {
                value,
                layer: Layer::ConfigDefault,
            };
        }
        Applied {
            value: Threshold::BUILTIN,
            layer: Layer::Builtin,
        }
    }

    /// The threshold applied for `target` given its candidate count.
    pub(crate) fn adjust(&self, target: &Target, _candidates: usize) -> f64 {
        target.threshold.get()
    }
}

/// Reads the config and schema; every problem is reported.
pub(crate) fn load(schema: Option<&Path>, config: Option<&Path>) -> Result<Levels, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut levels = Levels {
        config_types: BTreeMap::new(),
        config_default: None,
    };
    if let Some(path) = schema {
        errors.push(RowError {
            file: path.to_owned(),
            line: 0,
            message: "`--schema` is not supported by this build yet; put the type thresholds in `--config` `types`".into(),
        });
    }
    if let Some(path) = config {
        let err = |message: String| RowError {
            file: path.to_owned(),
            line: 0,
            message,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => return Err(vec![err(format!("cannot read the file: {e}"))]),
        };
        let value: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => return Err(vec![err(format!("invalid JSON at line {}: {e}", e.line()))]),
        };
        let Some(object) = value.as_object() else {
            return Err(vec![err(
                "expected a JSON object like {\"default\": 0.8, \"types\": {\"Skill\": 0.72}}"
                    .into(),
            )]);
        };
        for (key, v) in object {
            match key.as_str() {
                "default" => match v.as_f64().map(Threshold::new) {
                    Some(Ok(t)) => levels.config_default = Some(t),
                    Some(Err(e)) => errors.push(err(format!("`default`: {e}"))),
                    None => {
                        errors.push(err("`default`: expected a number within 0.0..=1.0".into()))
                    }
                },
                "types" => match v.as_object() {
                    Some(types) => {
                        for (ty, t) in types {
                            match t.as_f64().map(Threshold::new) {
                                Some(Ok(t)) => {
                                    levels.config_types.insert(ty.clone(), t);
                                }
                                Some(Err(e)) => errors.push(err(format!("`types.{ty}`: {e}"))),
                                None => errors.push(err(format!(
                                    "`types.{ty}`: expected a number within 0.0..=1.0"
                                ))),
                            }
                        }
                    }
                    None => {
                        errors.push(err("`types`: expected an object of type thresholds".into()))
                    }
                },
                other => errors.push(err(format!(
                    "unsupported config key `{other}`: this build reads `default` and `types`"
                ))),
            }
        }
    }
    if errors.is_empty() {
        Ok(levels)
    } else {
        Err(errors)
    }
}
