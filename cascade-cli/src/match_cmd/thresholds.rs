//! The threshold of each query type: the type layers of DESIGN §4 (config `types` > schema
//! `$threshold` > config `default` > schema `$config.default` > built-in), resolved by
//! [`cascade_runtime::resolve::Resolver`] from `--config` and `--schema`.
//!
//! A query is an isolated reference with no owner field, so the field layers (`config-field`,
//! `schema-field`) and the owner layer (`schema-owner`) never apply.

use std::collections::BTreeMap;
use std::path::Path;

use cascade_runtime::config::SimilarityThresholdConfig;
use cascade_runtime::config::suggest::did_you_mean;
use cascade_runtime::resolve::{Resolved, Resolver};
use cascade_runtime::table::Schema;

use super::Problem;
use crate::diagnostics::{SchemaError, load_schema};
use crate::tables::{Isolated, leak, leak_schema};

/// The resolver's own tables: a query names no schema field, so it never looks one up.
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
) -> Result<Levels, Vec<Problem>> {
    let mut errors = Vec::new();
    let config = match config_path {
        Some(path) => SimilarityThresholdConfig::from_path(path).unwrap_or_else(|e| {
            errors.push(e.to_string().into());
            SimilarityThresholdConfig::default()
        }),
        None => SimilarityThresholdConfig::default(),
    };
    let model = match schema_path {
        Some(path) => match load_schema(path) {
            Ok((text, model)) => Some((text, model)),
            Err(SchemaError::Invalid { rendered, .. }) => {
                errors.push(Problem::Rendered(rendered));
                None
            }
            Err(e) => {
                errors.push(e.to_string().into());
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
    let isolated = Isolated::new(model.as_ref().map(|(_, model)| leak_schema(model)));
    let config = leak(config);
    let resolver = Resolver::new(&NO_TYPES, config);
    let mut resolved = BTreeMap::new();
    for name in types {
        let Some((field, target)) = isolated.reference(name) else {
            let known = model
                .iter()
                .flat_map(|(_, m)| m.types.iter().map(|t| t.name.as_str()));
            let hint = did_you_mean(name, known)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            errors.push(Problem::from(format!(
                "type `{name}` of the catalog/queries is not declared in `{}`{hint}",
                schema_path
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            )));
            continue;
        };
        resolved.insert(
            name.to_owned(),
            resolver.resolve_target(isolated.owner(), field, target),
        );
    }
    if errors.is_empty() {
        Ok(Levels { config, resolved })
    } else {
        Err(errors)
    }
}
