//! cascade's front end: the field-definition grammar, `.cascade` files, the schema model, the
//! validator, rustc-style diagnostics, the one code generator, and the build.rs API.
//!
//! Pipeline: [`parse`](field::parse) (text → AST with spans) → `validate` (AST → model, every error
//! gathered) → `codegen` (model → tokens), shared by `#[derive(Cascade)]` and `build.rs`.
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

pub use span::{Span, Spanned};
pub use validate::{CheckError, check, check_file};
