//! cascade's front end: the field-definition grammar, `.cascade` files, the schema model, the
//! validator, rustc-style diagnostics, the one code generator, and the build.rs API.
//!
//! Pipeline: [`parse`](field::parse) (text → AST with spans) → `validate` (AST → model, every error
//! gathered) → `codegen` (model → tokens), shared by `#[derive(Cascade)]` and `build.rs`.
//!
//! # Field definitions
//!
//! A field is a string: a primitive (`string`, `number[]?`), a reference with an operator and
//! optional per-member thresholds (`~>ICP(0.82)`, `<~A(0.9)|B`, `->Author.posts[]`), optionally
//! after a prompt (`Who buys it? ~>ICP(0.82)`), or a prompt alone (a generated `string`). The full
//! grammar, examples and choices are in [`field`]; every error code is listed in [`codes`].
//!
//! ```
//! use cascade_dsl::diag::{render, Style};
//! use cascade_dsl::field;
//!
//! let def = field::parse("Who buys it? ~>ICP(0.82)")?;
//! assert_eq!(def.to_string(), "Who buys it? ~>ICP(0.82)");
//!
//! let source = "~>T (0.8)";
//! let errors = field::parse(source).unwrap_err();
//! assert_eq!(errors[0].help.as_deref(), Some("remove the space: `~>T(0.8)`"));
//! print!("{}", render(&errors, source, "<arg 1>", Style::Plain));
//! # Ok::<(), Vec<cascade_dsl::diag::Diagnostic>>(())
//! ```
//!
//! # `.cascade` files
//!
//! A schema file is the object literal of the TypeScript `DB({...})` call (JSON is valid too):
//! [`schema::parse`] reads its syntax, [`validate::validate`] builds the [`model::Schema`] and
//! gathers every error; [`check`] does both and [`check_file`] reads the file first. The model
//! checks shared with `#[derive(Cascade)]` are [`validate::check_model`] and its parts.
//!
//! ```
//! use cascade_dsl::diag::{render, Style};
//!
//! let schema = cascade_dsl::check("{ ICP: { $threshold: 0.82 }, Startup: { customer: '~>ICP' } }")?;
//! assert_eq!(schema.get("Startup").and_then(|t| t.field("customer")).map(|f| f.is_reference()), Some(true));
//!
//! let source = "{ Startup: { customer: '~>IPC' }, ICP: {} }";
//! let errors = cascade_dsl::check(source).unwrap_err();
//! assert_eq!(errors[0].help.as_deref(), Some("a type with a similar name exists: `ICP`"));
//! print!("{}", render(&errors, source, "startup.cascade", Style::Plain));
//! # Ok::<(), Vec<cascade_dsl::diag::Diagnostic>>(())
//! ```
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

pub mod build;
pub mod codegen;
pub mod codes;
pub mod diag;
pub mod field;
pub mod model;
pub mod schema;
pub mod span;
pub mod validate;

/// The string type of names, prompts and backrefs in the field AST and the schema model: a
/// `String` that keeps text of up to 24 bytes inline (every type and field name of a typical
/// schema), so building and dropping a model of 100,000 fields does not allocate per name. It
/// derefs to `str`, compares with `&str` and `String`, and converts from both.
///
/// ```
/// let def = cascade_dsl::field::parse("~>ICP(0.82)").unwrap();
/// assert_eq!(def.targets[0].name.value, "ICP");
/// let name: &str = &def.targets[0].name.value;
/// assert_eq!(name.len(), 3);
/// ```
pub use compact_str::CompactString;
pub use span::{Span, Spanned};
pub use validate::{CheckError, check, check_file, check_on_threads};
