//! cascade: declare, check, calibrate and apply the similarity thresholds of fuzzy references
//! between entity types.
//!
//! This facade re-exports [`cascade_runtime`] and `#[derive(Cascade)]`.
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

pub use cascade_derive::Cascade;
pub use cascade_runtime::*;
