//! Field definitions (DESIGN §2): `'Who buys it? ~>ICP(0.82)'`, `'string?'`, `'Author.posts'`.
//!
//! [`parse`] turns one definition string into a [`FieldDef`] whose nodes carry byte spans into that
//! string, or into every [`Diagnostic`] it can find. [`FieldDef`]'s `Display` prints the one
//! canonical form, and `parse(&def.to_string())` has the same meaning as `def`.
//!
//! # Grammar
//!
//! ```text
//! def        := reference | plain            (whitespace around the whole definition is ignored)
//! reference  := [prompt WS] op target-expr
//! op         := "->" | "~>" | "<-" | "<~"
//! target-expr:= member ("|" member)* ["." backref] ["[]"] ["?"]
//! member     := Type ["(" threshold ")"]
//! Type       := [A-Z][A-Za-z0-9_]*             (at most 64 characters)
//! threshold  := digits ["." digits]            (ASCII digits, value within 0.0..=1.0)
//! backref    := [A-Za-z_][A-Za-z0-9_]*         (at most 64 characters)
//! plain      := (primitive | Type ["." backref]) ["[]"] ["?"]  |  prompt
//! primitive  := string | number | boolean | date | datetime | json | markdown | url
//! prompt     := free text; before an operator it ends with whitespace
//! ```
//!
//! | written | meaning |
//! |---|---|
//! | `string`, `number[]`, `date?`, `url[]?` | a primitive field; `[]` array, `?` optional |
//! | `What is the startup idea?` | prompt-only: a generated `string` whose prompt is the text (the `?` is part of the question) |
//! | `->Founder[]` | exact forward reference: create new `Founder`s |
//! | `~>ICP(0.82)` | fuzzy forward: reuse an `ICP` with similarity ≥ 0.82, else create one |
//! | `<-Post` | exact backward: `Post`s link back to this entity |
//! | `<~Industry` | fuzzy backward: link the best `Industry` above its type's threshold; never create |
//! | `Who buys it? ~>ICP(0.82)` | a reference with a prompt |
//! | `~>A(0.9)\|B(0.7)` | a union; each member may carry its own threshold |
//! | `->Author.posts`, `Author.posts` | a backref (`posts` on `Author` points back); without an operator it is a relation |
//! | `['~>Company(0.85)']` | the array-literal form of `.cascade` files: an array field |
//!
//! Compatibility forms of the TypeScript `ai-database` parser are accepted with the same meaning and
//! print canonically: `~>T[](0.8)`, `~>T?(0.8)`, `~>T.items(0.8)` print as `~>T(0.8)[]`, `~>T(0.8)?`,
//! `~>T(0.8).items`.
//!
//! ```
//! use cascade_dsl::field::{self, Primitive};
//! use cascade_runtime::Operator;
//!
//! let def = field::parse("Who buys it? ~>ICP(0.82)").unwrap();
//! assert_eq!(def.prompt.as_ref().map(|p| p.value.as_str()), Some("Who buys it?"));
//! assert_eq!(def.operator.map(|op| op.value), Some(Operator::ForwardFuzzy));
//! assert_eq!(def.targets[0].name.value, "ICP");
//! assert_eq!(def.targets[0].threshold.as_ref().map(|t| t.value.get()), Some(0.82));
//!
//! let def = field::parse("['~>Company(0.85)']").unwrap();
//! assert!(def.array);
//! assert_eq!(def.to_string(), "~>Company(0.85)[]");
//!
//! let def = field::parse("What is the startup idea?").unwrap();
//! assert_eq!(def.primitive.map(|p| p.value), Some(Primitive::String));
//! assert!(!def.optional);
//!
//! let errors = field::parse("~>ICP(1.5)").unwrap_err();
//! assert_eq!(errors[0].code.as_str(), "threshold-out-of-range");
//! assert_eq!((errors[0].span().start(), errors[0].span().end()), (6, 9));
//! ```
//!
//! # Choices where DESIGN is silent
//!
//! - A single word that is neither a primitive nor a capitalized type name (`varchar`, `integer`,
//!   `some-value`) is an `unknown-type` error with a did-you-mean (`varchar` → `string`): it is not a
//!   prompt (a prompt has whitespace) and not a type. The TypeScript parser keeps such words as an
//!   unchecked type string, which its own schema validator then rejects.
//! - Whitespace is Unicode whitespace (`char::is_whitespace`), both for trimming and for prompts.
//! - An operator-less union (`CEO|CTO`) is an error (`union-without-operator`): DESIGN's `plain`
//!   has no union; write `->CEO|CTO`, or a prompt with spaces for free text.
//! - A compatibility threshold after the modifiers of a *union* (`~>A|B[](0.8)`) is an error
//!   (`ambiguous-threshold`): it does not say which member it is for.
//! - The bracketed form takes one single- or double-quoted string without escape sequences (a trailing
//!   comma is fine); `.cascade` files unescape their strings themselves.
//! - A text starting with `[` is an array literal when a quote follows the `[` or it ends with `]`
//!   (but not with `[]`);
//!   otherwise it is ordinary text (a prompt such as `[draft] What is it?`).

mod fast;
mod parser;

use std::fmt;

use cascade_runtime::{Operator, Threshold};

use crate::CompactString;
use crate::diag::Diagnostic;
use crate::span::{Span, Spanned};

/// A primitive field type.
///
/// ```
/// # use cascade_dsl::field::Primitive;
/// assert_eq!(Primitive::from_name("datetime"), Some(Primitive::Datetime));
/// assert_eq!(Primitive::Markdown.to_string(), "markdown");
/// ```
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
    pub name: Spanned<CompactString>,
    /// The threshold written on this member, if any.
    pub threshold: Option<Spanned<Threshold>>,
}

/// The union members of a reference: a `Vec` that holds one member without allocating. It
/// derefs to `[Target]`.
///
/// ```
/// let def = cascade_dsl::field::parse("~>A(0.9)|B").unwrap();
/// let names: Vec<&str> = def.targets.iter().map(|t| t.name.value.as_str()).collect();
/// assert_eq!(names, ["A", "B"]);
/// ```
pub type Targets = smallvec::SmallVec<[Target; 1]>;

/// A parsed field definition. Spans are byte offsets into the definition string.
///
/// Invariants: `primitive.is_some()` ⇔ `targets.is_empty()`; `operator` is `None` for primitives,
/// prompt-only fields and operator-less relations (`Author.posts`).
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDef {
    /// The whole definition, surrounding whitespace excluded.
    pub span: Span,
    /// The prompt before the operator, or the whole text of a prompt-only field.
    pub prompt: Option<Spanned<CompactString>>,
    /// `->`, `~>`, `<-` or `<~`.
    pub operator: Option<Spanned<Operator>>,
    /// The union members, in the order written (one member is kept inline: most references
    /// have one, and a schema of 100,000 fields then needs no allocation per reference).
    pub targets: Targets,
    /// The primitive type, for primitive and prompt-only fields.
    pub primitive: Option<Spanned<Primitive>>,
    /// `.backref`.
    pub backref: Option<Spanned<CompactString>>,
    /// `[]` (or the array-literal form `['...']`).
    pub array: bool,
    /// `?`.
    pub optional: bool,
}

impl Primitive {
    /// Every primitive, in the order of DESIGN §2.
    pub const ALL: [Primitive; 8] = [
        Primitive::String,
        Primitive::Number,
        Primitive::Boolean,
        Primitive::Date,
        Primitive::Datetime,
        Primitive::Json,
        Primitive::Markdown,
        Primitive::Url,
    ];

    /// The names as written, in the order of [`Primitive::ALL`].
    pub const NAMES: [&'static str; 8] = [
        "string", "number", "boolean", "date", "datetime", "json", "markdown", "url",
    ];

    /// The primitive spelled `name` (exact, lowercase), if any.
    pub fn from_name(name: &str) -> Option<Primitive> {
        Primitive::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// The name as written: `string`, `number`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            Primitive::String => "string",
            Primitive::Number => "number",
            Primitive::Boolean => "boolean",
            Primitive::Date => "date",
            Primitive::Datetime => "datetime",
            Primitive::Json => "json",
            Primitive::Markdown => "markdown",
            Primitive::Url => "url",
        }
    }
}

impl fmt::Display for Primitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses one field definition (DESIGN §2), reporting every error it can find at once.
///
/// Spans are byte offsets into `def`; whitespace around the whole definition is ignored. The
/// bracketed array-literal text `['~>Company(0.85)']` (or `["..."]`) is accepted and sets `array`.
///
/// ```
/// use cascade_dsl::field::parse;
///
/// let def = parse("  ~>Persona(0.85)?").unwrap();
/// assert_eq!(def.targets[0].name.span.start(), 4);
/// assert!(def.optional);
///
/// let errors = parse("~>icp(abc)|B|B").unwrap_err();
/// let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
/// assert_eq!(codes, ["invalid-type-name", "invalid-threshold", "duplicate-union-member"]);
/// ```
pub fn parse(def: &str) -> Result<FieldDef, Vec<Diagnostic>> {
    if def.len() > crate::span::MAX_SOURCE_LEN {
        return Err(vec![crate::span::too_large(def.len(), "field definition")]);
    }
    // The canonical common forms take a byte-level fast path; everything else, and every error,
    // goes through the nom parser (`fast.rs` documents and tests that both agree).
    match fast::parse(def) {
        Some(field) => Ok(field),
        None => parser::parse(def),
    }
}

/// [`parse`]'s reading of the common canonical forms, without building the definition: only
/// what [`fast::Refs`] holds. `None` for anything else and for every error, which [`parse`]
/// then reads.
#[inline(always)]
pub(crate) fn lex_common(def: &str) -> Option<fast::Refs<'_>> {
    if def.len() > crate::span::MAX_SOURCE_LEN {
        return None;
    }
    fast::lex::<fast::Names<'_>>(def)
}

impl FieldDef {
    /// Whether this is a reference (it has target types, with or without an operator).
    pub fn is_reference(&self) -> bool {
        !self.targets.is_empty()
    }

    /// Whether this is a prompt-only field (`'What is the startup idea?'`).
    pub fn is_prompt_only(&self) -> bool {
        self.prompt.is_some() && self.operator.is_none() && self.targets.is_empty()
    }

    /// The same definition with every span set to `Span::default()`, for span-free comparison.
    ///
    /// ```
    /// # use cascade_dsl::field::parse;
    /// let a = parse("~>T[](0.8)").unwrap();
    /// let b = parse("  ~>T(0.8)[]").unwrap();
    /// assert_ne!(a, b);
    /// assert_eq!(a.without_spans(), b.without_spans());
    /// ```
    pub fn without_spans(&self) -> FieldDef {
        let zero = Span::default();
        let strip = |s: &Spanned<CompactString>| Spanned::new(s.value.clone(), zero);
        FieldDef {
            span: zero,
            prompt: self.prompt.as_ref().map(strip),
            operator: self
                .operator
                .as_ref()
                .map(|op| Spanned::new(op.value, zero)),
            targets: self
                .targets
                .iter()
                .map(|t| Target {
                    name: strip(&t.name),
                    threshold: t.threshold.as_ref().map(|th| Spanned::new(th.value, zero)),
                })
                .collect(),
            primitive: self.primitive.as_ref().map(|p| Spanned::new(p.value, zero)),
            backref: self.backref.as_ref().map(strip),
            array: self.array,
            optional: self.optional,
        }
    }

    /// Whether `self` and `other` mean the same (equal but for spans).
    ///
    /// ```
    /// # use cascade_dsl::field::parse;
    /// let def = parse("['Who buys it? ~>ICP(0.82)']").unwrap();
    /// assert!(parse(&def.to_string()).unwrap().same_meaning(&def));
    /// ```
    pub fn same_meaning(&self, other: &FieldDef) -> bool {
        self.without_spans() == other.without_spans()
    }
}

/// The canonical form: `[prompt ]op member(threshold)|member.backref[]?`, members in written order.
///
/// A prompt-only array field has no suffix syntax (a `[]` would join the prompt), so it prints in
/// the array-literal form `['What is it?']` (`["..."]` when the prompt holds a `'`). The bracketed
/// form takes no escape sequences, so a prompt-only array whose prompt holds a backslash or both
/// quote characters has no field-string form: it prints, but does not parse back. Every other
/// definition satisfies `parse(&def.to_string())` ≡ `def` (checked by proptest and the fuzzer).
impl fmt::Display for FieldDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_prompt_only() {
            let prompt = self.prompt.as_ref().map_or("", |p| p.value.as_str());
            return if self.array {
                let quote = if prompt.contains('\'') { '"' } else { '\'' };
                write!(f, "[{quote}{prompt}{quote}]")
            } else {
                f.write_str(prompt)
            };
        }
        if let Some(prompt) = &self.prompt {
            write!(f, "{} ", prompt.value)?;
        }
        if let Some(op) = &self.operator {
            f.write_str(op.value.as_str())?;
        }
        if let Some(primitive) = &self.primitive {
            f.write_str(primitive.value.as_str())?;
        }
        for (index, target) in self.targets.iter().enumerate() {
            if index > 0 {
                f.write_str("|")?;
            }
            f.write_str(&target.name.value)?;
            if let Some(threshold) = &target.threshold {
                write!(f, "({})", threshold.value)?;
            }
        }
        if let Some(backref) = &self.backref {
            write!(f, ".{}", backref.value)?;
        }
        if self.array {
            f.write_str("[]")?;
        }
        if self.optional {
            f.write_str("?")?;
        }
        Ok(())
    }
}
