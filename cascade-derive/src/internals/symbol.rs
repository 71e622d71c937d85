//! Every attribute key the derive accepts (serde_derive/src/internals/symbol.rs).

use std::fmt::{self, Display};

use syn::{Ident, Path};

/// An attribute key.
#[derive(Copy, Clone)]
pub(crate) struct Symbol(pub(crate) &'static str);

/// `#[cascade(..)]`.
pub(crate) const CASCADE: Symbol = Symbol("cascade");
/// `#[cascade(threshold = 0.82)]`, also inside `config(..)`.
pub(crate) const THRESHOLD: Symbol = Symbol("threshold");
/// `#[cascade(config(threshold = 0.82, strategy = "adaptive"))]`.
pub(crate) const CONFIG: Symbol = Symbol("config");
/// `strategy = "static" | "adaptive"` inside `config(..)`.
pub(crate) const STRATEGY: Symbol = Symbol("strategy");
/// `#[cascade(fuzzy_threshold = 0.6)]`.
pub(crate) const FUZZY_THRESHOLD: Symbol = Symbol("fuzzy_threshold");
/// `#[cascade(instructions = "..")]`.
pub(crate) const INSTRUCTIONS: Symbol = Symbol("instructions");

/// `#[cascade(crate = "my_sdk::cascade")]`: the path of a re-export of `cascade`.
pub(crate) const CRATE: Symbol = Symbol("crate");
/// The keys of `#[cascade(..)]` on a type.
pub(crate) const TYPE_KEYS: &[Symbol] = &[THRESHOLD, CONFIG, FUZZY_THRESHOLD, INSTRUCTIONS, CRATE];
/// The keys of `config(..)`.
pub(crate) const CONFIG_KEYS: &[Symbol] = &[THRESHOLD, STRATEGY];

impl PartialEq<Symbol> for Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for &Ident {
    fn eq(&self, word: &Symbol) -> bool {
        *self == word.0
    }
}

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl PartialEq<Symbol> for &Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl Display for Symbol {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.0)
    }
}
