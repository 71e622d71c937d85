//! The threshold of each query type: the type layers of DESIGN §4 (config `types` > schema
//! `$threshold` > config `default` > schema `$config.default` > built-in), resolved by
//! [`cascade_runtime::resolve::Resolver`] from `--config` and `--schema`.
//!
//! A query is an isolated reference with no owner field, so the field layers (`config-field`,
//! `schema-field`) and the owner layer (`schema-owner`) never apply.

use std::collections::BTreeMap;
use std::path::Path;

use cascade_dsl::model::Schema as Model;
use cascade_runtime::Strategy;
use cascade_runtime::config::SimilarityThresholdConfig;
use cascade_runtime::config::suggest::did_you_mean;
use cascade_runtime::resolve::{Resolved, Resolver};
use cascade_runtime::table::{FieldTable, Schema, TargetTable, TypeTable, Written};

use crate::diagnostics::{SchemaError, load_schema};

/// The schema's top-level default (read through the synthetic owner below).
const QUERY_OWNER: &str = "<query>";
const QUERY_FIELD: &str = "<reference>";
static NO_TYPES: Schema = Schema {
    default: None,
    types: &[],
    index: &[],
};

/// The config and schema in force, and each query type's resolved threshold.
#[derive(Debug)]
pub(crate) struct Levels {
    pub(crate) config: &'static SimilarityThresholdConfig,
    resolved: BTreeMap<String, Resolved<'static>>,
}

impl Levels {
    /// The resolved threshold of `entity_type` (one of the types given to [`load`]).
    pub(crate) fn resolved(&self, entity_type: &str) -> Option<Resolved<'static>> {
        self.resolved.get(entity_type).copied()
    }
}

/// Reads the config and schema and resolves every type in `types`; every problem is reported.
/// Config types that `types` lacks go to `warnings` (a shared config may cover more types).
pub(crate) fn load<'t>(
    schema_path: Option<&Path>,
    config_path: Option<&Path>,
    types: impl IntoIterator<Item = &'t str>,
    warnings: &mut Vec<String>,
) -> Result<Levels, Vec<String>> {
    let mut errors = Vec::new();
    let config = match config_path {
        Some(path) => SimilarityThresholdConfig::from_path(path).unwrap_or_else(|e| {
            errors.push(e.to_string());
            SimilarityThresholdConfig::default()
        }),
        None => SimilarityThresholdConfig::default(),
    };
    let model = match schema_path {
        Some(path) => match load_schema(path) {
            Ok((_, model)) => Some(model),
            // Rendered diagnostics carry their own `error[code]:` headers; `run` prints them as
            // they are.
            Err(SchemaError::Invalid { rendered, .. }) => {
                errors.push(rendered);
                None
            }
            Err(e) => {
                errors.push(e.to_string());
                None
            }
        },
        None => None,
    };
    if !errors.is_empty() {
        return Err(errors);
    }

    let types: Vec<&str> = types.into_iter().collect();
    for name in config.types.keys() {
        if !types.contains(&name.as_str()) {
            warnings.push(format!(
                "config `types.{name}`: no catalog entity has type `{name}`, so it is not used"
            ));
        }
    }
    let owner = leak_owner(model.as_ref());
    let config = leak(config);
    let resolver = Resolver::new(&NO_TYPES, config);
    let mut resolved = BTreeMap::new();
    for name in types {
        let declared = model.as_ref().map(|m| m.get(name));
        if let Some(None) = declared {
            let known = model
                .iter()
                .flat_map(|m| m.types.iter().map(|t| t.name.as_str()));
            let hint = did_you_mean(name, known)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            errors.push(format!(
                "type `{name}` of the catalog/queries is not declared in `{}`{hint}",
                schema_path
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            ));
            continue;
        }
        let target = leak_target(name, declared.flatten());
        let field = leak(FieldTable {
            name: QUERY_FIELD,
            operator: None,
            array: false,
            optional: false,
            targets: std::slice::from_ref(target),
        });
        resolved.insert(
            name.to_owned(),
            resolver.resolve_target(owner, field, target),
        );
    }
    if errors.is_empty() {
        Ok(Levels { config, resolved })
    } else {
        Err(errors)
    }
}

// The runtime's tables borrow `'static` strings because generated code owns them as literals.
// Here they come from files read at run time, so they are leaked on purpose: a handful of small
// values per type, once per process, freed when `cascade match` exits.
fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

fn leak_str(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn leak_owner(model: Option<&Model>) -> &'static TypeTable {
    let schema_default = model.and_then(|m| m.default).map(|value| Written {
        value,
        at: "$config.default",
    });
    leak(TypeTable {
        name: QUERY_OWNER,
        threshold: None,
        strategy: None,
        fuzzy_threshold: None,
        schema_default,
        fields: &[],
    })
}

fn leak_target(
    name: &str,
    declared: Option<&cascade_dsl::model::EntityType>,
) -> &'static TargetTable {
    let type_threshold = declared
        .and_then(|t| t.threshold.map(|value| (t, value)))
        .map(|(t, value)| Written {
            value,
            at: leak_str(format!("{}.$threshold", t.name)),
        });
    // The model records `static` both when written and when absent; only `adaptive` is known to
    // be written, so `static` is left to the config's `adaptive.enabled`.
    let strategy = declared
        .map(|t| t.strategy)
        .filter(|s| *s == Strategy::Adaptive);
    leak(TargetTable {
        type_name: leak_str(name.to_owned()),
        threshold: None,
        type_threshold,
        strategy,
    })
}
