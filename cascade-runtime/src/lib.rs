//! The runtime of cascade: the shared value types ([`Threshold`], [`Operator`], ...), the static
//! threshold tables the code generator emits, precedence, adjustments, confidence bands,
//! explanations, feedback, calibration and matching.
//!
//! This crate is what user code links, so it stays small: no syn, no nom.
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

pub mod adjust;
pub mod calibrate;
pub mod confidence;
pub mod config;
pub mod explain;
pub mod feedback;
pub mod index;
pub mod matching;
pub mod preset;
pub mod resolve;
pub mod similarity;
pub mod table;
mod value;

pub use resolve::{Resolved, Resolver, resolve, resolve_member};
pub use value::{
    DecimalError, Direction, Layer, MatchMode, Operator, Strategy, Threshold, ThresholdError,
    short_decimal,
};
