//! The validated schema model: what both front ends (`.cascade` files and `#[derive(Cascade)]`)
//! produce and what the code generator consumes.
//!
//! Skeleton: the grammar issue fills in construction and validation; fields may be added.

use cascade_runtime::{Strategy, Threshold};

use crate::field::FieldDef;
use crate::span::Span;

/// A whole validated schema.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    /// Top-level `$config.default`.
    pub default: Option<Threshold>,
    /// The types, in declaration order.
    pub types: Vec<EntityType>,
}

/// One entity type of a schema.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityType {
    /// The type's name.
    pub name: String,
    /// Where the name was written.
    pub span: Span,
    /// `$threshold` or `$config.threshold`.
    pub threshold: Option<Threshold>,
    /// `$config.thresholdStrategy`.
    pub strategy: Strategy,
    /// `$fuzzyThreshold`.
    pub fuzzy_threshold: Option<Threshold>,
    /// `$instructions`, kept as written.
    pub instructions: Option<String>,
    /// The fields, in declaration order (generated inverse fields last).
    pub fields: Vec<Field>,
}

/// One field of an entity type.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The field's name.
    pub name: String,
    /// Where the name was written.
    pub span: Span,
    /// The parsed definition. Its spans are relative to the definition string.
    pub def: FieldDef,
    /// Where the definition string starts in the file (add to `def`'s spans).
    pub def_offset: usize,
    /// Whether the field was created as the inverse of a backref (`Author.posts`).
    pub inverse: bool,
}
