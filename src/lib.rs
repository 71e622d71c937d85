//! cascade: declare, check, calibrate and apply the similarity thresholds of fuzzy references
//! between entity types.
//!
//! A schema says that `Startup.customer` is `'~>ICP(0.82)'`: search the existing `ICP` entities
//! and reuse the best one whose similarity is at least 0.82, otherwise create a new one. cascade
//! turns such schemas into `static` threshold tables that were checked when your crate compiled,
//! so reading a threshold at run time costs a field access.
//!
//! There are two ways to declare a schema; both go through the same validator and the same code
//! generator in `cascade-dsl`, so they produce identical tables.
//!
//! # 1. `#[derive(Cascade)]`
//!
//! The schema type name is the Rust type's name. Only fields with a definition are part of the
//! schema; other fields are plain Rust data.
//!
//! | attribute | on | `.cascade` equivalent |
//! |---|---|---|
//! | `#[cascade(threshold = 0.82)]` | type | `$threshold: 0.82` |
//! | `#[cascade(config(threshold = 0.82, strategy = "adaptive"))]` | type | `$config: { threshold: 0.82, thresholdStrategy: 'adaptive' }` |
//! | `#[cascade(fuzzy_threshold = 0.6)]` | type | `$fuzzyThreshold: 0.6` |
//! | `#[cascade(instructions = "..")]` | type | `$instructions: '..'` |
//! | `#[cascade(crate = "my_sdk::cascade")]` | type | — (the path the generated code names `cascade` by, for a crate that uses it through a re-export; `build.rs`: `Config::cascade_path`) |
//! | `#[cascade("Who buys it? ~>ICP(0.82)")]` | field | `customer: 'Who buys it? ~>ICP(0.82)'` |
//! | `#[cascade("['~>Company(0.85)']")]` | field (`Vec<_>`) | `competitors: ['~>Company(0.85)']` |
//!
//! Thresholds are plain decimals (`0.85`, not `.85` or `85e-2`) within `0.0..=1.0`. A target type
//! in a definition is resolved by name where the struct is declared, and its own threshold is read
//! at compile time from the constants its own `#[derive(Cascade)]` generated, so every table is a
//! constant. A derived type has no
//! surrounding schema, hence no schema default (`$config.default`); backrefs (`Author.posts`)
//! do not add the inverse field to the other type as a `.cascade` file does.
//!
//! ```
//! use cascade::Cascade;
//!
//! #[derive(Cascade)]
//! #[cascade(threshold = 0.82)]
//! struct ICP {
//!     #[cascade("string")]
//!     name: String,
//! }
//!
//! #[derive(Cascade)]
//! #[cascade(config(threshold = 0.85, strategy = "adaptive"))]
//! struct Company {
//!     #[cascade("string")]
//!     name: String,
//! }
//!
//! #[derive(Cascade)]
//! struct Startup {
//!     #[cascade("Who buys it? ~>ICP")]
//!     customer: String,
//!     #[cascade("['~>Company(0.9)']")]
//!     competitors: Vec<String>,
//! }
//!
//! // Everything below was computed by the compiler: `Startup::TABLE` is a `static`.
//! let customer = Startup::TABLE.field("customer").unwrap();
//! assert_eq!(customer.targets[0].type_name, "ICP");
//! // ICP's own threshold, read from ICP's `Cascade` impl at compile time.
//! assert_eq!(customer.targets[0].type_threshold.map(|w| w.value.get()), Some(0.82));
//! let competitors = Startup::TABLE.field("competitors").unwrap();
//! assert!(competitors.array);
//! assert_eq!(competitors.targets[0].threshold.map(|w| w.value.get()), Some(0.9));
//!
//! // Which threshold applies, and where it was written.
//! let r = cascade::resolve::<Startup>("customer").unwrap();
//! assert_eq!((r.value, r.at), (0.82, "ICP.$threshold"));
//! ```
//!
//! A threshold outside `0.0..=1.0`, a malformed definition, a target type that does not exist or
//! does not derive `Cascade`, or a field whose Rust type disagrees with its definition (`Vec<_>` ⇔
//! `[]`, `Option<_>` ⇔ `?`) is a compile error on the attribute:
//!
//! ```compile_fail
//! use cascade::Cascade;
//!
//! #[derive(Cascade)]
//! struct Startup {
//!     #[cascade("~>ICP(1.5)")] // error: threshold `1.5` must be within 0.0..=1.0
//!     customer: String,
//! }
//! # #[derive(Cascade)] struct ICP;
//! ```
//!
//! # 2. `.cascade` files compiled by `build.rs`
//!
//! A `.cascade` file holds the object literal the TypeScript `DB({...})` call takes. Compile it in
//! `build.rs` with [`cascade_dsl::build`](https://docs.rs/cascade-dsl) (add `cascade-dsl` to
//! `[build-dependencies]`):
//!
//! ```no_run
//! // build.rs, in `fn main()`:
//! cascade_dsl::build::compile(&["schemas/startup.cascade"]);
//! ```
//!
//! and include the generated module with [`include_schema!`]. It holds one unit struct per schema
//! type, each implementing [`Cascade`], and `pub static SCHEMA` for lookups by name:
//!
//! ```ignore
//! mod startup {
//!     ::cascade::include_schema!("startup");
//! }
//!
//! use cascade::Cascade;
//! assert_eq!(startup::ICP::TABLE.threshold.map(|w| w.value.get()), Some(0.82));
//! let r = startup::SCHEMA.resolve("Startup", "customer").unwrap();
//! assert_eq!((r.value, r.at), (0.82, "Startup.customer"));
//! ```
//!
//! (Marked `ignore` because a doc test has no build script; `examples/build-example` runs exactly
//! this in CI, and its tests check that both paths produce identical tables.)
//!
//! The crate `examples/build-example` in the repository is a complete, runnable build.rs setup;
//! invalid schemas fail the build with rustc-style diagnostics (`file:line:col`, a caret and a
//! help line).
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

pub use cascade_derive::Cascade;
pub use cascade_runtime::table::{Cascade, FieldTable, Schema, TargetTable, TypeTable, Written};
pub use cascade_runtime::*;

/// Includes the module a `build.rs` generated from `<stem>.cascade` with
/// `cascade_dsl::build::compile`: `include_schema!("app")` expands to
/// `include!(concat!(env!("OUT_DIR"), "/app.rs"))`.
///
/// Put it in a module of its own: the generated code declares one unit struct per schema type
/// and a `pub static SCHEMA`.
///
/// ```ignore
/// mod app {
///     ::cascade::include_schema!("app");
/// }
/// ```
#[macro_export]
macro_rules! include_schema {
    ($stem:literal) => {
        ::core::include!(::core::concat!(::core::env!("OUT_DIR"), "/", $stem, ".rs"));
    };
}

/// What generated code names, re-exported at one stable path. Not public API: its contents
/// change whenever the code generator changes.
#[doc(hidden)]
pub mod __private {
    pub use cascade_runtime::table::{
        Cascade, FieldTable, Schema, TargetTable, TypeTable, Written, build_index, index_len,
    };
    pub use cascade_runtime::{Operator, Strategy};
    pub use core::option::Option::{self, None, Some};

    /// The type-level threshold of a schema type, readable in a `const` context.
    ///
    /// Generated tables read a target type's threshold through this trait, not through
    /// `Cascade::TABLE`: a type's table may refer to itself or to a type that refers back to it,
    /// and reading another table while it is being evaluated is a const-evaluation cycle.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a cascade type: it does not derive `Cascade`",
        label = "referred to by a cascade field definition",
        note = "add `#[derive(cascade::Cascade)]` to `{Self}`, or refer to a type that derives it"
    )]
    pub trait Target {
        /// `$threshold` / `#[cascade(threshold = ..)]`.
        const THRESHOLD: Option<Written>;
        /// `$config.thresholdStrategy` / `#[cascade(config(strategy = ".."))]`.
        const STRATEGY: Option<Strategy>;
    }
}
