//! Which threshold applies (DESIGN §4): eight layers, most specific first; at equal specificity a
//! runtime override beats the compiled schema.

use std::fmt;

use serde::Serialize;

use crate::table::Cascade;
use crate::{Layer, Strategy, Threshold};

/// A resolved threshold and its provenance.
///
/// ```
/// # use cascade_runtime::{resolve::Resolved, Layer, Threshold};
/// let r = Resolved::builtin("ICP");
/// assert_eq!((r.value, r.layer, r.at), (0.8, Layer::Builtin, "built-in"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Resolved<'a> {
    /// The threshold as a number.
    pub value: f64,
    /// The threshold.
    #[serde(skip)]
    pub threshold: Threshold,
    /// The layer it came from.
    pub layer: Layer,
    /// Where it was written: `Startup.customer`, `ICP.$threshold`, a config key, `built-in`.
    pub at: &'a str,
    /// The target type (union member) it applies to.
    pub target: &'a str,
    /// The target type's strategy as the schema wrote it (`None`: not written).
    pub strategy: Option<Strategy>,
}

impl Resolved<'_> {
    /// The built-in default for `target`.
    ///
    /// ```
    /// # use cascade_runtime::resolve::Resolved;
    /// assert_eq!(Resolved::builtin("T").target, "T");
    /// ```
    pub fn builtin(target: &str) -> Resolved<'_> {
        Resolved {
            value: Threshold::BUILTIN.get(),
            threshold: Threshold::BUILTIN,
            layer: Layer::Builtin,
            at: crate::table::BUILTIN.at,
            target,
            strategy: None,
        }
    }
}

impl fmt::Display for Resolved<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}: {})", self.threshold, self.layer, self.at)
    }
}

/// Resolves the schema layers for the first target of `T`'s field `field`; `None` when the field
/// does not exist or is not fuzzy. Never allocates.
///
/// ```
/// use cascade_runtime::table::{Cascade, TypeTable};
/// struct Persona;
/// impl Cascade for Persona {
///     const TABLE: &'static TypeTable = &TypeTable { name: "Persona", threshold: None,
///         strategy: None, fuzzy_threshold: None, schema_default: None, fields: &[] };
/// }
/// assert!(cascade_runtime::resolve::<Persona>("title").is_none());
/// ```
#[inline]
pub fn resolve<T: Cascade>(field: &str) -> Option<Resolved<'static>> {
    T::TABLE.resolve(field)
}
