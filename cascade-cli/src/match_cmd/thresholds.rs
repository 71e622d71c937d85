//! The threshold of each query type: the type layers of DESIGN §4 (config `types` > schema
//! `$threshold` > config `default` > schema `$config.default` > built-in), resolved by
//! [`cascade_runtime::resolve::Resolver`] from `--config` and `--schema`.
//!
//! A query is an isolated reference with no owner field, so the field layers (`config-field`,
//! `schema-field`) and the owner layer (`schema-owner`) never apply. A config's `fields` entries
//! are therefore never used by `cascade match`; they are still checked against `--schema` (as
//! `thresholds` and `explain` check them) and a warning says they are not used, so that nothing
//! in a config is dropped silently.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cascade_runtime::config::suggest::did_you_mean;
use cascade_runtime::config::{ConfigError, Position, SimilarityThresholdConfig};
use cascade_runtime::resolve::{Resolved, Resolver};
use cascade_runtime::table::Schema;

use super::Problem;
use crate::diagnostics::{SchemaError, load_schema, plural};
use crate::tables::{Isolated, leak, leak_schema};

/// The resolver's own tables: a query names no schema field, so it never looks one up.
static NO_TYPES: Schema = Schema {
    default: None,
    types: &[],
    index: &[],
};

/// The config and schema of a run, read, validated and checked against each other.
#[derive(Debug)]
pub(crate) struct Sources {
    config: SimilarityThresholdConfig,
    config_path: Option<PathBuf>,
    /// The schema's runtime tables and the file they came from.
    schema: Option<(&'static Schema, PathBuf)>,
    /// Config entries that name what the schema does not have.
    misfits: Vec<Problem>,
}

/// Reads `--config` and `--schema`; an error when either cannot be read or is invalid. Config
/// `types`, `strategies` and `fields` entries that name what the schema does not have are
/// checked here too (with a did-you-mean, as [`SimilarityThresholdConfig::check_against`] words
/// it) and reported by [`Sources::resolve`].
pub(crate) fn read(
    schema_path: Option<&Path>,
    config_path: Option<&Path>,
) -> Result<Sources, Vec<Problem>> {
    let mut errors = Vec::new();
    let config = match config_path {
        Some(path) => SimilarityThresholdConfig::from_path(path).unwrap_or_else(|e| {
            match e {
                // One problem each, so that they are counted and listed like the others.
                ConfigError::Invalid { problems, rest, .. } => {
                    errors.extend(problems.iter().map(|p| {
                        if p.key.is_empty() && p.position.is_none() {
                            // The line saying the list was cut.
                            Problem::Note(format!("config `{}`: {p}", path.display()))
                        } else {
                            Problem::from(format!("{}invalid config: {p}", at(path, p.position)))
                        }
                    }));
                    // Not applied (the run stops), but its names are checked with the rest.
                    if let Some(rest) = rest {
                        return *rest;
                    }
                }
                other => errors.push(other.to_string().into()),
            }
            SimilarityThresholdConfig::default()
        }),
        None => SimilarityThresholdConfig::default(),
    };
    let schema = match schema_path {
        Some(path) => match load_schema(path) {
            Ok((_, model)) => Some((leak_schema(&model), path.to_owned())),
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
    // A config that does not fit the schema still leaves the schema's types known, so the
    // queries are checked against them in the same run; `resolve` reports the misfits. (With
    // errors, the misfits of what reads of the config come with them.)
    let mut misfits = Vec::new();
    if let (Some(config_path), Some((tables, schema_path))) = (config_path, &schema)
        && let Err(e) = config.check_against(tables)
    {
        let problems = crate::thresholds::misfits(e, config_path);
        misfits.extend(problems.into_iter().map(|p| {
            // `cfg.json:3:5: config does not fit ...` names the file once.
            let config = match p.position {
                Some(_) => "config".to_owned(),
                None => format!("config `{}`", config_path.display()),
            };
            Problem::from(format!(
                "{}{config} does not fit schema `{}`: {p}",
                at(config_path, p.position),
                schema_path.display()
            ))
        }));
    }
    if !errors.is_empty() {
        errors.extend(misfits);
        return Err(errors);
    }
    Ok(Sources {
        config,
        config_path: config_path.map(Path::to_owned),
        schema,
        misfits,
    })
}

impl Sources {
    /// The types `--schema` declares, in name order; `None` without `--schema`.
    pub(crate) fn schema_types(&self) -> Option<Vec<&'static str>> {
        self.schema
            .as_ref()
            .map(|(tables, _)| tables.types.iter().map(|t| t.name).collect())
    }

    /// The `--schema` file, if one was given.
    pub(crate) fn schema_path(&self) -> Option<&Path> {
        self.schema.as_ref().map(|(_, path)| path.as_path())
    }

    /// Resolves every type in `types` (those of the catalog and the queries). Every type must be
    /// declared in `--schema` when one is given, and the config must fit the schema. Config
    /// entries that no type in `types` uses go to `warnings` (a shared config may cover more
    /// types), as do `fields` entries: a query has no owner field, so they never apply here.
    pub(crate) fn resolve(
        self,
        types: &BTreeSet<&str>,
        warnings: &mut Vec<String>,
    ) -> Result<Levels, Vec<Problem>> {
        // A config that does not fit the schema fails the run; "not used" would be noise then.
        if self.misfits.is_empty() {
            self.warn_unused(types, warnings);
        }
        let tables = self.schema.as_ref().map(|(tables, _)| *tables);
        let isolated = Isolated::new(tables);
        let config = leak(self.config);
        let resolver = Resolver::new(&NO_TYPES, config);
        let mut resolved = BTreeMap::new();
        let mut errors = self.misfits;
        for &name in types {
            let Some((field, target)) = isolated.reference(name) else {
                let known = tables.iter().flat_map(|t| t.types.iter().map(|t| t.name));
                let hint = did_you_mean(name, known)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                let schema_path = self
                    .schema
                    .as_ref()
                    .map(|(_, p)| p.display().to_string())
                    .unwrap_or_default();
                errors.push(Problem::from(format!(
                    "type `{name}` of the catalog/queries is not declared in `{schema_path}`{hint}"
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

    /// Warns about config entries that this run does not use.
    fn warn_unused(&self, types: &BTreeSet<&str>, warnings: &mut Vec<String>) {
        let Some(config_path) = &self.config_path else {
            return;
        };
        let config = &self.config;
        let sections: [(&str, Vec<&String>); 2] = [
            ("types", config.types.keys().collect()),
            ("strategies", config.strategies.keys().collect()),
        ];
        for (section, names) in sections {
            for name in names.into_iter().filter(|n| !types.contains(n.as_str())) {
                // With `--schema` the name is declared there (checked in `read`), so a typo
                // cannot be the reason; without it, the catalog and queries are all we know.
                let hint = match self.schema {
                    Some(_) => None,
                    None => did_you_mean(name, types.iter().copied()),
                }
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
                warnings.push(format!(
                    "config `{}`: `{section}.{name}`: no catalog entity or query has type `{name}`, so it is not used{hint}",
                    config_path.display()
                ));
            }
        }
        if config
            .dimension_adjustment
            .as_ref()
            .is_some_and(|dims| dims.enabled)
        {
            warnings.push(format!(
                "config `{}`: `dimensionAdjustment` is not used: `cascade match` compares the \
                 embeddings as given, untruncated, so no dimension step applies",
                config_path.display()
            ));
        }
        if !config.fields.is_empty() {
            let keys: Vec<String> = config.fields.keys().map(|k| format!("`{k}`")).collect();
            warnings.push(format!(
                "config `{}`: `fields` {} {} {} not used: a `cascade match` query is a reference to \
                 its type with no owner field, so only `types` and `default` set its threshold; {}",
                config_path.display(),
                plural(keys.len(), "entry", "entries"),
                keys.join(", "),
                plural(keys.len(), "is", "are"),
                self.fields_advice(),
            ));
        }
    }

    /// How to move a `fields` entry: to the `types` entry of the field's target (known only
    /// with `--schema`).
    fn fields_advice(&self) -> String {
        let targets: BTreeSet<&str> = self
            .schema
            .iter()
            .flat_map(|(tables, _)| {
                self.config.fields.keys().filter_map(|key| {
                    let (owner, field) = key.split_once('.')?;
                    tables.find_type(owner)?.field(field)
                })
            })
            .flat_map(|f| f.targets.iter().map(|t| t.type_name))
            .collect();
        if targets.is_empty() {
            "set `types.<target type>` instead".to_owned()
        } else {
            let keys: Vec<String> = targets.iter().map(|t| format!("`types.{t}`")).collect();
            format!("set {} instead", keys.join(" or "))
        }
    }
}

/// The config and schema in force, and each query type's resolved threshold.
#[derive(Debug)]
pub(crate) struct Levels {
    pub(crate) config: &'static SimilarityThresholdConfig,
    resolved: BTreeMap<String, Resolved<'static>>,
}

impl Levels {
    /// The resolved threshold of `entity_type` (one of the types given to [`Sources::resolve`]).
    pub(crate) fn resolved(&self, entity_type: &str) -> Option<Resolved<'static>> {
        self.resolved.get(entity_type).copied()
    }
}

/// `cfg.json:3:14: ` when the position is known, to go in front of a message.
fn at(path: &Path, position: Option<Position>) -> String {
    position
        .map(|at| format!("{}:{at}: ", path.display()))
        .unwrap_or_default()
}
