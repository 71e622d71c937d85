//! Reading the derive input: attributes, the container, and checks that need Rust types.

pub(crate) mod ast;
pub(crate) mod attr;
pub(crate) mod check;
pub(crate) mod ctxt;
pub(crate) mod symbol;

pub(crate) use ctxt::Ctxt;
