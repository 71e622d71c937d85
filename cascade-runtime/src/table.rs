//! The static threshold tables the code generator emits (`#[derive(Cascade)]` and build.rs).
//!
//! Everything here is `'static` and `const`-constructible, so reading a table never allocates and
//! every threshold in it was checked when the user's crate compiled.
//!
//! Skeleton: the runtime issue owns these types and may extend them (provenance, lookup indexes).

use crate::{Operator, Strategy, Threshold};

/// One target of a reference field (a union has several).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TargetTable {
    /// The target type's name.
    pub type_name: &'static str,
    /// The threshold written on this member (`~>T(0.85)`), layer `schema-field`.
    pub threshold: Option<Threshold>,
    /// The target type's own threshold (`T.$threshold`), layer `schema-type`.
    pub type_threshold: Option<Threshold>,
}

/// One field of a schema type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FieldTable {
    /// The field's name.
    pub name: &'static str,
    /// The operator, `None` for primitives, prompts and operator-less relations.
    pub operator: Option<Operator>,
    /// `[]`.
    pub array: bool,
    /// `?`.
    pub optional: bool,
    /// The targets, empty for primitives and prompts.
    pub targets: &'static [TargetTable],
}

/// One schema type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TypeTable {
    /// The type's name.
    pub name: &'static str,
    /// `$threshold` or `$config.threshold`.
    pub threshold: Option<Threshold>,
    /// `$config.thresholdStrategy`.
    pub strategy: Strategy,
    /// `$fuzzyThreshold`: the default for fuzzy fields declared on this type.
    pub fuzzy_threshold: Option<Threshold>,
    /// The schema-wide default (`$config.default`), copied here so a type resolves on its own.
    pub schema_default: Option<Threshold>,
    /// The fields, sorted by name.
    pub fields: &'static [FieldTable],
}

/// A whole compiled schema.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schema {
    /// `$config.default`.
    pub default: Option<Threshold>,
    /// The types, sorted by name.
    pub types: &'static [TypeTable],
}

/// Implemented by every type `#[derive(Cascade)]` or a generated schema module declares.
pub trait Cascade {
    /// The type's threshold table.
    const TABLE: &'static TypeTable;
}
