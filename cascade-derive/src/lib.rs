//! `#[derive(Cascade)]`. Use it through the `cascade` facade crate, whose docs show examples.
//!
//! The derive is thin: attributes become the same schema model a `.cascade` file becomes, the
//! same checks run, and `cascade_dsl::codegen` writes the same tables.
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

mod expand;
mod fallback;
mod internals;

/// Derives `cascade::Cascade`: a compile-time checked, `static` threshold table for the type.
///
/// See the `cascade` crate's documentation for the attributes and examples.
#[proc_macro_derive(Cascade, attributes(cascade))]
pub fn derive_cascade(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
