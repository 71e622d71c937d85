//! Field definitions (DESIGN §2): `'Who buys it? ~>ICP(0.82)'`, `'string?'`, `'Author.posts'`.
//!
//! Skeleton: the AST below is the shared contract between the field parser, the `.cascade` file
//! parser, the validator and the code generator. The grammar issue fills in `parse` and `Display`.

use cascade_runtime::{Operator, Threshold};

use crate::span::{Span, Spanned};

/// A primitive field type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Primitive {
    /// `string` (also the type of a prompt-only field).
    String,
    /// `number`.
    Number,
    /// `boolean`.
    Boolean,
    /// `date`.
    Date,
    /// `datetime`.
    Datetime,
    /// `json`.
    Json,
    /// `markdown`.
    Markdown,
    /// `url`.
    Url,
}

/// One member of a reference's target expression: `ICP` or `ICP(0.82)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// The target type's name.
    pub name: Spanned<String>,
    /// The threshold written on this member, if any.
    pub threshold: Option<Spanned<Threshold>>,
}

/// A parsed field definition. Spans are byte offsets into the definition string.
///
/// Invariants: `primitive.is_some()` ⇔ `targets.is_empty()`; `operator` is `None` for primitives,
/// prompt-only fields and operator-less relations (`Author.posts`).
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDef {
    /// The whole definition, surrounding whitespace excluded.
    pub span: Span,
    /// The prompt before the operator, or the whole text of a prompt-only field.
    pub prompt: Option<Spanned<String>>,
    /// `->`, `~>`, `<-` or `<~`.
    pub operator: Option<Spanned<Operator>>,
    /// The union members, in the order written.
    pub targets: Vec<Target>,
    /// The primitive type, for primitive and prompt-only fields.
    pub primitive: Option<Spanned<Primitive>>,
    /// `.backref`.
    pub backref: Option<Spanned<String>>,
    /// `[]` (or the array-literal form `['...']`).
    pub array: bool,
    /// `?`.
    pub optional: bool,
}
