//! Which threshold applies (DESIGN §4): eight layers, most specific first; at equal specificity a
//! runtime override beats the compiled schema.
//!
//! | # | layer | written as |
//! |---|---|---|
//! | 1 | `config-field` | config `fields: { "Owner.field": 0.88 }` |
//! | 2 | `schema-field` | `'~>T(0.85)'`, `'~>A|B(0.9)|C'` (per union member) |
//! | 3 | `config-type` | config `types: { T: 0.75 }` |
//! | 4 | `schema-type` | `T.$threshold` or `T.$config.threshold` |
//! | 5 | `schema-owner` | `Owner.$fuzzyThreshold` |
//! | 6 | `config-default` | config `default` |
//! | 7 | `schema-default` | top-level `$config.default` |
//! | 8 | `builtin` | 0.80 |
//!
//! `~>` and `<~` resolve alike; exact references (`->`, `<-`) have no threshold. Each union member
//! resolves on its own (`~>A|B(0.9)|C`: only `B` has a field threshold). A config field override
//! applies to every member of the field.
//!
//! Two entry points: [`resolve`] (and [`resolve_member`]) for a type that derives or is generated,
//! reading only the compiled schema, and [`Resolver`], which layers a
//! [`SimilarityThresholdConfig`] over a [`Schema`]. Neither allocates on success.

use std::fmt;

use serde::Serialize;

use crate::config::SimilarityThresholdConfig;
use crate::config::suggest::did_you_mean;
use crate::table::{
    BUILTIN, Cascade, FieldTable, Schema, TargetTable, TypeTable, Written, home_slot, index_len,
    name_hash,
};
use crate::{Layer, Operator, Strategy, Threshold};

/// A resolved threshold and its provenance.
///
/// ```
/// # use cascade_runtime::{resolve::Resolved, Layer, Threshold};
/// let r = Resolved::builtin("ICP");
/// assert_eq!((r.value, r.layer, r.at), (0.8, Layer::Builtin, "built-in"));
/// assert_eq!(r.to_string(), "0.8 for ICP (builtin: built-in)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Resolved<'a> {
    /// The threshold as a number.
    pub value: f64,
    /// The threshold.
    #[serde(skip)]
    pub threshold: Threshold,
    /// The layer it came from.
    pub layer: Layer,
    /// Where it was written: `Startup.customer`, `ICP.$threshold`, the config key
    /// (`Startup.customer` under `fields`, `ICP` under `types`, `default`), or `built-in`.
    pub at: &'a str,
    /// The target type (union member) it applies to.
    pub target: &'a str,
    /// The target type's effective strategy (schema only: as written, `static` when not written).
    pub strategy: Strategy,
}

impl<'a> Resolved<'a> {
    /// The built-in default for `target`.
    ///
    /// ```
    /// # use cascade_runtime::resolve::Resolved;
    /// assert_eq!(Resolved::builtin("T").target, "T");
    /// ```
    pub fn builtin(target: &'a str) -> Resolved<'a> {
        Resolved::from_written(
            BUILTIN.value,
            BUILTIN.at,
            Layer::Builtin,
            target,
            Strategy::Static,
        )
    }

    fn from_written(
        threshold: Threshold,
        at: &'a str,
        layer: Layer,
        target: &'a str,
        strategy: Strategy,
    ) -> Resolved<'a> {
        Resolved {
            value: threshold.get(),
            threshold,
            layer,
            at,
            target,
            strategy,
        }
    }

    /// Where the threshold was written, for people: `config fields."Startup.customer"`,
    /// `schema ICP.$threshold`, `built-in 0.80`.
    ///
    /// ```
    /// # use cascade_runtime::resolve::Resolved;
    /// assert_eq!(Resolved::builtin("T").source().to_string(), "the built-in default");
    /// ```
    pub fn source(&self) -> Source<'a> {
        Source {
            layer: self.layer,
            at: self.at,
        }
    }
}

impl fmt::Display for Resolved<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} for {} ({}: {})",
            self.threshold, self.target, self.layer, self.at
        )
    }
}

/// A layer and the place it was written, displayed for people (see [`Resolved::source`]).
///
/// ```
/// # use cascade_runtime::{resolve::Source, Layer};
/// let s = Source { layer: Layer::ConfigType, at: "ICP" };
/// assert_eq!(s.to_string(), "config types.ICP");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source<'a> {
    /// The layer.
    pub layer: Layer,
    /// The place.
    pub at: &'a str,
}

impl fmt::Display for Source<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.layer {
            Layer::ConfigField => write!(f, "config fields.\"{}\"", self.at),
            Layer::ConfigType => write!(f, "config types.{}", self.at),
            Layer::ConfigDefault => f.write_str("config default"),
            Layer::SchemaField => write!(f, "field {}", self.at),
            Layer::SchemaType | Layer::SchemaOwner | Layer::SchemaDefault => {
                write!(f, "schema {}", self.at)
            }
            Layer::Builtin => f.write_str("the built-in default"),
        }
    }
}

/// Resolves the schema layers for the first target of `T`'s field `field`; `None` when the field
/// does not exist or is not fuzzy. Never allocates.
///
/// ```
/// use cascade_runtime::table::{Cascade, FieldTable, TargetTable, TypeTable, Written};
/// use cascade_runtime::{Layer, Operator};
/// struct Startup;
/// impl Cascade for Startup {
///     const TABLE: &'static TypeTable = &TypeTable {
///         name: "Startup", threshold: None, strategy: None, fuzzy_threshold: None,
///         schema_default: None,
///         fields: &[FieldTable { name: "customer", operator: Some(Operator::ForwardFuzzy),
///             array: false, optional: false,
///             targets: &[TargetTable { type_name: "ICP",
///                 threshold: Some(Written::new(0.82, "Startup.customer")),
///                 type_threshold: None, strategy: None }] }],
///     };
/// }
/// let r = cascade_runtime::resolve::<Startup>("customer").unwrap();
/// assert_eq!((r.value, r.layer), (0.82, Layer::SchemaField));
/// assert!(cascade_runtime::resolve::<Startup>("missing").is_none());
/// ```
#[inline]
pub fn resolve<T: Cascade>(field: &str) -> Option<Resolved<'static>> {
    T::TABLE.resolve(field)
}

/// Like [`resolve`], for the union member whose target type is `member`.
///
/// ```
/// use cascade_runtime::table::{Cascade, FieldTable, TargetTable, TypeTable, Written};
/// use cascade_runtime::{Layer, Operator};
/// const M: TargetTable = TargetTable { type_name: "A", threshold: None, type_threshold: None, strategy: None };
/// struct Doc;
/// impl Cascade for Doc {
///     const TABLE: &'static TypeTable = &TypeTable {
///         name: "Doc", threshold: None, strategy: None, fuzzy_threshold: None, schema_default: None,
///         fields: &[FieldTable { name: "about", operator: Some(Operator::BackwardFuzzy),
///             array: false, optional: false,
///             targets: &[M, TargetTable { type_name: "B",
///                 threshold: Some(Written::new(0.9, "Doc.about")), ..M }] }],
///     };
/// }
/// let a = cascade_runtime::resolve_member::<Doc>("about", "A").unwrap();
/// let b = cascade_runtime::resolve_member::<Doc>("about", "B").unwrap();
/// assert_eq!((a.layer, b.layer), (Layer::Builtin, Layer::SchemaField));
/// ```
#[inline]
pub fn resolve_member<T: Cascade>(field: &str, member: &str) -> Option<Resolved<'static>> {
    let table = T::TABLE;
    let f = table.field(field)?;
    if !f.is_fuzzy() {
        return None;
    }
    Some(table.resolve_target(f.member(member)?))
}

/// Every union member of `T`'s field `field`, resolved in the order written (empty when the
/// field does not exist or is not fuzzy).
///
/// ```
/// # use cascade_runtime::table::{Cascade, TypeTable};
/// struct Empty;
/// impl Cascade for Empty {
///     const TABLE: &'static TypeTable = &TypeTable { name: "Empty", threshold: None,
///         strategy: None, fuzzy_threshold: None, schema_default: None, fields: &[] };
/// }
/// assert_eq!(cascade_runtime::resolve::resolve_all::<Empty>("x").count(), 0);
/// ```
pub fn resolve_all<T: Cascade>(field: &str) -> impl Iterator<Item = Resolved<'static>> {
    let table = T::TABLE;
    let targets = table
        .field(field)
        .filter(|f| f.is_fuzzy())
        .map_or(&[][..], |f| f.targets);
    targets.iter().map(move |t| table.resolve_target(t))
}

/// Why a by-name resolution failed.
///
/// ```
/// # use cascade_runtime::resolve::ResolveError;
/// let e = ResolveError::UnknownType { name: "IPC".into(), suggestion: Some("ICP".into()) };
/// assert_eq!(e.to_string(), "unknown type `IPC`; did you mean `ICP`?");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// `Owner.field` is not of that shape.
    #[error("`{0}` is not a field path: write `Owner.field`")]
    BadPath(String),
    /// No such type.
    #[error("unknown type `{name}`{}", hint(suggestion))]
    UnknownType {
        /// The name asked for.
        name: String,
        /// The closest known name.
        suggestion: Option<String>,
    },
    /// No such field on the type.
    #[error("type `{owner}` has no field `{field}`{}", hint(suggestion))]
    UnknownField {
        /// The type.
        owner: String,
        /// The name asked for.
        field: String,
        /// The closest known field name.
        suggestion: Option<String>,
    },
    /// The field is not a fuzzy reference.
    #[error("`{owner}.{field}` is {}, so no threshold applies (thresholds apply to `~>` and `<~`)",
        describe(*operator, *relation))]
    NotFuzzy {
        /// The type.
        owner: String,
        /// The field.
        field: String,
        /// Its operator (`None`: a primitive, prompt or operator-less relation).
        operator: Option<Operator>,
        /// Whether it has target types (an exact reference or an operator-less relation).
        relation: bool,
    },
    /// The field has no union member of that type.
    #[error("`{owner}.{field}` has no target `{member}`; its targets: {}", members.join(", "))]
    UnknownMember {
        /// The type.
        owner: String,
        /// The field.
        field: String,
        /// The member asked for.
        member: String,
        /// The members it has.
        members: Vec<String>,
    },
}

fn hint(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default()
}

fn describe(op: Option<Operator>, relation: bool) -> String {
    match (op, relation) {
        (Some(op), _) => format!("an exact reference (`{op}`)"),
        (None, true) => "a relation without an operator (`Type.backref`)".to_owned(),
        (None, false) => "not a reference".to_owned(),
    }
}

/// Resolves thresholds with a runtime [`SimilarityThresholdConfig`] layered over a compiled
/// [`Schema`] (all eight layers).
///
/// ```
/// use cascade_runtime::config::SimilarityThresholdConfig;
/// use cascade_runtime::resolve::Resolver;
/// use cascade_runtime::table::{FieldTable, Schema, TargetTable, TypeTable};
/// use cascade_runtime::{Layer, Operator};
/// const T: TypeTable = TypeTable { name: "ICP", threshold: None, strategy: None,
///     fuzzy_threshold: None, schema_default: None, fields: &[] };
/// static TYPES: [TypeTable; 2] = [T, TypeTable { name: "Startup", fields: &[FieldTable {
///     name: "customer", operator: Some(Operator::ForwardFuzzy), array: false, optional: false,
///     targets: &[TargetTable { type_name: "ICP", threshold: None, type_threshold: None, strategy: None }],
/// }], ..T }];
/// static SCHEMA: Schema = Schema { default: None, types: &TYPES, index: &[] };
///
/// let config = SimilarityThresholdConfig::from_json_str(r#"{ "types": { "ICP": 0.75 } }"#).unwrap();
/// let r = Resolver::new(&SCHEMA, &config).resolve("Startup", "customer").unwrap();
/// assert_eq!((r.value, r.layer, r.at), (0.75, Layer::ConfigType, "ICP"));
/// ```
#[derive(Clone, Debug)]
pub struct Resolver<'a> {
    schema: &'a Schema,
    config: &'a SimilarityThresholdConfig,
    /// `config.fields` as `(owner, field, key, threshold)`, found through `field_slots`.
    fields: Vec<(&'a str, &'a str, &'a str, Threshold)>,
    field_slots: Slots,
    /// `config.types` as `(name, threshold)`, found through `type_slots`.
    types: Vec<(&'a str, Threshold)>,
    type_slots: Slots,
}

/// An open-addressing hash index (as [`crate::table::build_index`] builds for types): a lookup
/// is one hash and usually one probe, where a `BTreeMap<String, _>` walks a chain of string
/// comparisons.
#[derive(Clone, Debug, Default)]
struct Slots(Vec<usize>);

impl Slots {
    fn build(hashes: impl ExactSizeIterator<Item = u64>) -> Slots {
        let len = index_len(hashes.len());
        let mut slots = vec![0usize; len];
        for (i, h) in hashes.enumerate() {
            let mut slot = home_slot(h, len);
            while slots.get(slot).is_some_and(|&e| e != 0) {
                slot = (slot + 1) & (len - 1);
            }
            if let Some(e) = slots.get_mut(slot) {
                // `i + 1` cannot overflow: `i` indexes a slice.
                *e = i + 1;
            }
        }
        Slots(slots)
    }

    /// The first position whose entry `is_it` accepts, probing from `h`'s home slot.
    #[inline]
    fn find(&self, h: u64, is_it: impl Fn(usize) -> bool) -> Option<usize> {
        let slots = &self.0;
        if slots.is_empty() {
            return None;
        }
        let mask = slots.len() - 1;
        let mut slot = home_slot(h, slots.len());
        for _ in 0..slots.len() {
            let entry = *slots.get(slot)?;
            if entry == 0 {
                return None;
            }
            let at = entry - 1;
            if is_it(at) {
                return Some(at);
            }
            slot = (slot + 1) & mask;
        }
        None
    }
}

/// The key of a `fields` override: the owner's and the field's hashes combined, so a lookup
/// never joins strings.
fn field_key(owner: &str, field: &str) -> u64 {
    (name_hash(owner).rotate_left(17) ^ name_hash(field)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

impl<'a> Resolver<'a> {
    /// A resolver for `schema` with `config` on top.
    ///
    /// ```
    /// # use cascade_runtime::{config::SimilarityThresholdConfig, resolve::Resolver, table::Schema};
    /// static S: Schema = Schema { default: None, types: &[], index: &[] };
    /// let cfg = SimilarityThresholdConfig::default();
    /// let _ = Resolver::new(&S, &cfg);
    /// ```
    pub fn new(schema: &'a Schema, config: &'a SimilarityThresholdConfig) -> Resolver<'a> {
        // Keys that are not `Owner.field` never match (`problems()` reports them).
        let fields: Vec<(&'a str, &'a str, &'a str, Threshold)> = config
            .fields
            .iter()
            .filter_map(|(key, t)| {
                let (owner, field) = key.split_once('.')?;
                Some((owner, field, key.as_str(), *t))
            })
            .collect();
        let field_slots = Slots::build(fields.iter().map(|e| field_key(e.0, e.1)));
        let types: Vec<(&'a str, Threshold)> = config
            .types
            .iter()
            .map(|(name, t)| (name.as_str(), *t))
            .collect();
        let type_slots = Slots::build(types.iter().map(|e| name_hash(e.0)));
        Resolver {
            schema,
            config,
            fields,
            field_slots,
            types,
            type_slots,
        }
    }

    /// The schema.
    ///
    /// ```
    /// # use cascade_runtime::{config::SimilarityThresholdConfig, resolve::Resolver, table::Schema};
    /// # static S: Schema = Schema { default: None, types: &[], index: &[] };
    /// # let cfg = SimilarityThresholdConfig::default();
    /// assert!(Resolver::new(&S, &cfg).schema().types.is_empty());
    /// ```
    pub fn schema(&self) -> &'a Schema {
        self.schema
    }

    /// The config.
    ///
    /// ```
    /// # use cascade_runtime::{config::SimilarityThresholdConfig, resolve::Resolver, table::Schema};
    /// # static S: Schema = Schema { default: None, types: &[], index: &[] };
    /// # let cfg = SimilarityThresholdConfig::default();
    /// assert!(Resolver::new(&S, &cfg).config().default.is_none());
    /// ```
    pub fn config(&self) -> &'a SimilarityThresholdConfig {
        self.config
    }

    /// Finds `owner.field`, which must be a fuzzy reference; errors name the closest match.
    ///
    /// ```
    /// # use cascade_runtime::{config::SimilarityThresholdConfig, resolve::{Resolver, ResolveError}, table::Schema};
    /// # static S: Schema = Schema { default: None, types: &[], index: &[] };
    /// # let cfg = SimilarityThresholdConfig::default();
    /// assert!(matches!(Resolver::new(&S, &cfg).field("A", "b"), Err(ResolveError::UnknownType { .. })));
    /// ```
    pub fn field(
        &self,
        owner: &str,
        field: &str,
    ) -> Result<(&'a TypeTable, &'a FieldTable), ResolveError> {
        find_fuzzy_field(self.schema, owner, field)
    }

    /// Resolves the first target of `owner.field`.
    ///
    /// ```
    /// # use cascade_runtime::{config::SimilarityThresholdConfig, resolve::Resolver, table::Schema};
    /// # static S: Schema = Schema { default: None, types: &[], index: &[] };
    /// # let cfg = SimilarityThresholdConfig::default();
    /// let err = Resolver::new(&S, &cfg).resolve("Startup", "customer").unwrap_err();
    /// assert_eq!(err.to_string(), "unknown type `Startup`");
    /// ```
    pub fn resolve(&self, owner: &str, field: &str) -> Result<Resolved<'a>, ResolveError> {
        let (ty, f) = self.field(owner, field)?;
        match f.targets.first() {
            Some(t) => Ok(self.resolve_target(ty, f, t)),
            None => Err(ResolveError::NotFuzzy {
                owner: owner.to_owned(),
                field: field.to_owned(),
                operator: f.operator,
                relation: false,
            }),
        }
    }

    /// Resolves the member `member` of `owner.field`.
    ///
    /// ```
    /// # use cascade_runtime::{config::SimilarityThresholdConfig, resolve::Resolver, table::Schema};
    /// # static S: Schema = Schema { default: None, types: &[], index: &[] };
    /// # let cfg = SimilarityThresholdConfig::default();
    /// assert!(Resolver::new(&S, &cfg).resolve_member("A", "b", "C").is_err());
    /// ```
    pub fn resolve_member(
        &self,
        owner: &str,
        field: &str,
        member: &str,
    ) -> Result<Resolved<'a>, ResolveError> {
        let (ty, f) = self.field(owner, field)?;
        match f.member(member) {
            Some(t) => Ok(self.resolve_target(ty, f, t)),
            None => Err(ResolveError::UnknownMember {
                owner: owner.to_owned(),
                field: field.to_owned(),
                member: member.to_owned(),
                members: f.targets.iter().map(|t| t.type_name.to_owned()).collect(),
            }),
        }
    }

    /// Every member of `owner.field`, resolved in the order written.
    ///
    /// ```
    /// # use cascade_runtime::{config::SimilarityThresholdConfig, resolve::Resolver, table::Schema};
    /// # static S: Schema = Schema { default: None, types: &[], index: &[] };
    /// # let cfg = SimilarityThresholdConfig::default();
    /// assert!(Resolver::new(&S, &cfg).resolve_all("A", "b").is_err());
    /// ```
    pub fn resolve_all(
        &self,
        owner: &str,
        field: &str,
    ) -> Result<impl Iterator<Item = Resolved<'a>> + use<'_, 'a>, ResolveError> {
        let (ty, f) = self.field(owner, field)?;
        Ok(f.targets.iter().map(move |t| self.resolve_target(ty, f, t)))
    }

    /// Resolves one member of a field already found, through all eight layers.
    ///
    /// ```
    /// # use cascade_runtime::{config::SimilarityThresholdConfig, resolve::Resolver, table::*, Layer};
    /// static OWNER: TypeTable = TypeTable { name: "O", threshold: None, strategy: None,
    ///     fuzzy_threshold: None, schema_default: None, fields: &[] };
    /// static F: FieldTable = FieldTable { name: "f", operator: None, array: false, optional: false, targets: &[] };
    /// static T: TargetTable = TargetTable { type_name: "X", threshold: None, type_threshold: None, strategy: None };
    /// # static S: Schema = Schema { default: None, types: &[], index: &[] };
    /// let cfg = SimilarityThresholdConfig::from_json_str(r#"{"default": 0.7}"#).unwrap();
    /// let r = Resolver::new(&S, &cfg).resolve_target(&OWNER, &F, &T);
    /// assert_eq!((r.value, r.layer), (0.7, Layer::ConfigDefault));
    /// ```
    pub fn resolve_target(
        &self,
        owner: &'a TypeTable,
        field: &'a FieldTable,
        target: &'a TargetTable,
    ) -> Resolved<'a> {
        let cfg = self.config;
        let strategy = cfg.strategy(target.type_name, target.strategy);
        let done = |t: Threshold, at: &'a str, layer| {
            Resolved::from_written(t, at, layer, target.type_name, strategy)
        };
        let written = |w: Written, layer| done(w.value, w.at, layer);
        if !self.fields.is_empty() {
            let hit = self
                .field_slots
                .find(field_key(owner.name, field.name), |at| {
                    self.fields
                        .get(at)
                        .is_some_and(|e| e.0 == owner.name && e.1 == field.name)
                });
            if let Some(&(_, _, key, t)) = hit.and_then(|at| self.fields.get(at)) {
                return done(t, key, Layer::ConfigField);
            }
        }
        if let Some(w) = target.threshold {
            return written(w, Layer::SchemaField);
        }
        if !self.types.is_empty() {
            let name = target.type_name;
            let hit = self.type_slots.find(name_hash(name), |at| {
                self.types.get(at).is_some_and(|e| e.0 == name)
            });
            if let Some(&(key, t)) = hit.and_then(|at| self.types.get(at)) {
                return done(t, key, Layer::ConfigType);
            }
        }
        if let Some(w) = target.type_threshold {
            return written(w, Layer::SchemaType);
        }
        if let Some(w) = owner.fuzzy_threshold {
            return written(w, Layer::SchemaOwner);
        }
        if let Some(t) = cfg.default {
            return done(t, "default", Layer::ConfigDefault);
        }
        if let Some(w) = owner.schema_default {
            return written(w, Layer::SchemaDefault);
        }
        written(BUILTIN, Layer::Builtin)
    }
}

fn find_fuzzy_field<'a>(
    schema: &'a Schema,
    owner: &str,
    field: &str,
) -> Result<(&'a TypeTable, &'a FieldTable), ResolveError> {
    let Some(ty) = schema.find_type(owner) else {
        return Err(ResolveError::UnknownType {
            name: owner.to_owned(),
            suggestion: did_you_mean(owner, schema.types.iter().map(|t| t.name)).map(str::to_owned),
        });
    };
    let Some(f) = ty.field(field) else {
        return Err(ResolveError::UnknownField {
            owner: owner.to_owned(),
            field: field.to_owned(),
            suggestion: did_you_mean(field, ty.fields.iter().map(|f| f.name)).map(str::to_owned),
        });
    };
    if !f.is_fuzzy() || f.targets.is_empty() {
        return Err(ResolveError::NotFuzzy {
            owner: owner.to_owned(),
            field: field.to_owned(),
            operator: f.operator,
            relation: !f.targets.is_empty(),
        });
    }
    Ok((ty, f))
}

/// Splits `Owner.field` for the by-path helpers and the CLI.
///
/// ```
/// # use cascade_runtime::resolve::split_path;
/// assert_eq!(split_path("Startup.customer"), Ok(("Startup", "customer")));
/// assert!(split_path("Startup").is_err());
/// ```
pub fn split_path(path: &str) -> Result<(&str, &str), ResolveError> {
    match path.split_once('.') {
        Some((o, f)) if !o.is_empty() && !f.is_empty() && !f.contains('.') => Ok((o, f)),
        _ => Err(ResolveError::BadPath(path.to_owned())),
    }
}

#[cfg(test)]
mod tests;
