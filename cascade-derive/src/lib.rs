//! `#[derive(Cascade)]`. Use it through the `cascade` facade crate, whose docs show examples.
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

use proc_macro::TokenStream;

/// Derives `cascade::Cascade` (skeleton: filled in by the compile-time tables issue).
#[proc_macro_derive(Cascade, attributes(cascade))]
pub fn derive_cascade(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
