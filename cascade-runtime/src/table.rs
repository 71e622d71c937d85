//! The static threshold tables the code generator emits (`#[derive(Cascade)]` and build.rs).
//!
//! Everything here is `'static` and `const`-constructible, so reading a table never allocates and
//! every threshold in it was checked when the user's crate compiled. The tables hold exactly what
//! precedence (DESIGN §4) needs from the schema, already copied to where it is needed, so a
//! resolution is one name lookup plus a few `Option` checks:
//!
//! | layer | read from |
//! |---|---|
//! | `schema-field` | [`TargetTable::threshold`] (per union member) |
//! | `schema-type` | [`TargetTable::type_threshold`] (copied from the target's [`TypeTable::threshold`]) |
//! | `schema-owner` | the owner's [`TypeTable::fuzzy_threshold`] |
//! | `schema-default` | the owner's [`TypeTable::schema_default`] (copied from [`Schema::default`]) |
//! | `builtin` | [`Threshold::BUILTIN`] |
//!
//! Every threshold carries where it was written ([`Written::at`]), so a resolution can say why.
//!
//! A lookup by name ([`Schema::resolve`]) is bound by dependent memory reads, so the index is laid
//! out to need few: an [`IndexSlot`] holds all of a type name of up to 16 bytes (compared with two
//! word compares, never reading the name itself) and a copy of the type's fields, so one slot read
//! decides the type and leads straight to its fields; the target's table is the only other read.
//!
//! # What the code generator emits
//!
//! For a schema, in this order (all names sorted by byte order, `str::cmp`):
//!
//! 1. one `TargetTable` per union member, in the order written, with `type_threshold` and
//!    `strategy` copied from the target type;
//! 2. one `FieldTable` per field of each type, **sorted by field name**;
//! 3. one `TypeTable` per type, with `schema_default` copied from the schema;
//! 4. `Schema { default, types, index }` with `types` **sorted by type name** and
//!    `index: &build_index::<{ index_len(N) }>(TYPES)` (computed at compile time by a `const fn`;
//!    or `index: &[]`, which falls back to a binary search);
//! 5. for each type `T`, `impl Cascade for T { const TABLE: &'static TypeTable = &TYPES[i]; }`
//!    (or a `static` per type).
//!
//! The [`Written::at`] texts are `Owner.field` for a member threshold, `T.$threshold` or
//! `T.$config.threshold` for a type threshold, `Owner.$fuzzyThreshold` for an owner default and
//! `$config.default` for the schema default: the key as the user wrote it, no file paths, so the
//! output is deterministic. [`Schema::check`] verifies the ordering and the index (run it in tests).
//!
//! ```
//! use cascade_runtime::table::{build_index, index_len, FieldTable, Schema, TargetTable, TypeTable, Written};
//! use cascade_runtime::{Layer, Operator, Threshold};
//!
//! const ICP_T: Option<Written> = Some(Written::new(0.82, "ICP.$threshold"));
//! static TYPES: [TypeTable; 2] = [
//!     TypeTable { name: "ICP", threshold: ICP_T, strategy: None, fuzzy_threshold: None,
//!                 schema_default: None, fields: &[] },
//!     TypeTable {
//!         name: "Startup", threshold: None, strategy: None, fuzzy_threshold: None,
//!         schema_default: None,
//!         fields: &[FieldTable {
//!             name: "customer", operator: Some(Operator::ForwardFuzzy), array: false,
//!             optional: false,
//!             targets: &[TargetTable { type_name: "ICP", threshold: None,
//!                                      type_threshold: ICP_T, strategy: None }],
//!         }],
//!     },
//! ];
//! static SCHEMA: Schema = Schema {
//!     default: None,
//!     types: &TYPES,
//!     index: &build_index::<{ index_len(2) }>(&TYPES),
//! };
//! assert_eq!(SCHEMA.check(), Ok(()));
//! let r = SCHEMA.resolve("Startup", "customer").unwrap();
//! assert_eq!((r.value, r.layer, r.at), (0.82, Layer::SchemaType, "ICP.$threshold"));
//! ```

use std::fmt;

use crate::resolve::Resolved;
use crate::{Layer, Operator, Strategy, Threshold};

/// A threshold and where it was written (`ICP.$threshold`, `Startup.customer`).
///
/// ```
/// # use cascade_runtime::table::Written;
/// const W: Written = Written::new(0.82, "ICP.$threshold");
/// assert_eq!(W.value.get(), 0.82);
/// assert_eq!(W.to_string(), "0.82 (ICP.$threshold)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Written {
    /// The threshold.
    pub value: Threshold,
    /// Where it was written, as the user wrote the key (see the module docs).
    pub at: &'static str,
}

impl Written {
    /// A threshold written at `at`; an invalid `value` fails compilation in a `const`/`static`
    /// (see [`Threshold::new_const`]).
    ///
    /// ```
    /// # use cascade_runtime::table::Written;
    /// static D: Written = Written::new(0.8, "$config.default");
    /// assert_eq!(D.at, "$config.default");
    /// ```
    pub const fn new(value: f64, at: &'static str) -> Written {
        Written {
            value: Threshold::new_const(value),
            at,
        }
    }
}

impl fmt::Display for Written {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.value, self.at)
    }
}

/// One target of a reference field (a union has several, in the order written).
///
/// ```
/// # use cascade_runtime::table::{TargetTable, Written};
/// static T: TargetTable = TargetTable {
///     type_name: "Persona",
///     threshold: Some(Written::new(0.85, "ICP.persona")),
///     type_threshold: None,
///     strategy: None,
/// };
/// assert_eq!(T.type_name, "Persona");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TargetTable {
    /// The target type's name.
    pub type_name: &'static str,
    /// The threshold written on this member (`~>T(0.85)`), layer `schema-field`.
    pub threshold: Option<Written>,
    /// The target type's own threshold (`T.$threshold`), layer `schema-type`; a copy of the
    /// target's [`TypeTable::threshold`].
    pub type_threshold: Option<Written>,
    /// The target type's `$config.thresholdStrategy`, `None` when not written; a copy of the
    /// target's [`TypeTable::strategy`].
    pub strategy: Option<Strategy>,
}

/// One field of a schema type.
///
/// ```
/// # use cascade_runtime::table::FieldTable;
/// static NAME: FieldTable =
///     FieldTable { name: "name", operator: None, array: false, optional: false, targets: &[] };
/// assert!(!NAME.is_fuzzy());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FieldTable {
    /// The field's name.
    pub name: &'static str,
    /// The operator, `None` for primitives, prompts and operator-less relations.
    pub operator: Option<Operator>,
    /// `[]`.
    pub array: bool,
    /// `?`.
    pub optional: bool,
    /// The targets in the order written, empty for primitives and prompts.
    pub targets: &'static [TargetTable],
}

impl FieldTable {
    /// Whether a similarity threshold applies (`~>` or `<~`).
    ///
    /// ```
    /// # use cascade_runtime::{table::FieldTable, Operator};
    /// let f = FieldTable { name: "f", operator: Some(Operator::BackwardFuzzy), array: false,
    ///                      optional: false, targets: &[] };
    /// assert!(f.is_fuzzy());
    /// ```
    pub const fn is_fuzzy(&self) -> bool {
        match self.operator {
            Some(op) => op.is_fuzzy(),
            None => false,
        }
    }

    /// The union member whose target type is `type_name`.
    ///
    /// ```
    /// # use cascade_runtime::table::{FieldTable, TargetTable};
    /// static F: FieldTable = FieldTable { name: "f", operator: None, array: false, optional: false,
    ///     targets: &[TargetTable { type_name: "A", threshold: None, type_threshold: None, strategy: None }] };
    /// assert!(F.member("A").is_some());
    /// assert!(F.member("B").is_none());
    /// ```
    pub fn member(&self, type_name: &str) -> Option<&'static TargetTable> {
        self.targets.iter().find(|t| t.type_name == type_name)
    }
}

/// One schema type.
///
/// ```
/// # use cascade_runtime::table::{TypeTable, Written};
/// static ICP: TypeTable = TypeTable {
///     name: "ICP",
///     threshold: Some(Written::new(0.82, "ICP.$threshold")),
///     strategy: None,
///     fuzzy_threshold: None,
///     schema_default: None,
///     fields: &[],
/// };
/// assert!(ICP.field("name").is_none());
/// ```
// `repr(C)` keeps what a by-name lookup reads first (name, fields, then the owner layers)
// together at the start, so a lookup touches as few cache lines as possible.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C)]
pub struct TypeTable {
    /// The type's name.
    pub name: &'static str,
    /// The fields, sorted by name.
    pub fields: &'static [FieldTable],
    /// `$fuzzyThreshold`: the default for fuzzy fields declared *on* this type (`schema-owner`).
    pub fuzzy_threshold: Option<Written>,
    /// The schema-wide default (`$config.default`), copied here so a type resolves on its own.
    pub schema_default: Option<Written>,
    /// `$threshold` or `$config.threshold`: references *to* this type use it (`schema-type`).
    pub threshold: Option<Written>,
    /// `$config.thresholdStrategy`, `None` when not written.
    pub strategy: Option<Strategy>,
}

impl TypeTable {
    /// The field called `name` (binary search: the fields are sorted by name).
    ///
    /// ```
    /// # use cascade_runtime::table::{FieldTable, TypeTable};
    /// static T: TypeTable = TypeTable { name: "T", threshold: None, strategy: None,
    ///     fuzzy_threshold: None, schema_default: None,
    ///     fields: &[FieldTable { name: "a", operator: None, array: false, optional: false, targets: &[] }] };
    /// assert_eq!(T.field("a").map(|f| f.name), Some("a"));
    /// ```
    #[inline(always)]
    pub fn field(&self, name: &str) -> Option<&'static FieldTable> {
        field_in(self.fields, name)
    }

    /// Resolves the schema layers (2, 4, 5, 7, 8) for `field`'s first target; `None` when the
    /// field does not exist or is not fuzzy. See [`mod@crate::resolve`] for the runtime layers.
    ///
    /// ```
    /// # use cascade_runtime::table::TypeTable;
    /// static T: TypeTable = TypeTable { name: "T", threshold: None, strategy: None,
    ///     fuzzy_threshold: None, schema_default: None, fields: &[] };
    /// assert!(T.resolve("missing").is_none());
    /// ```
    #[inline(always)]
    pub fn resolve(&'static self, field: &str) -> Option<Resolved<'static>> {
        self.resolve_field(self.field(field)?)
    }

    /// [`TypeTable::resolve`] for a field already found.
    #[inline(always)]
    fn resolve_field(&'static self, f: &'static FieldTable) -> Option<Resolved<'static>> {
        if !f.is_fuzzy() {
            return None;
        }
        f.targets.first().map(|t| self.resolve_target(t))
    }

    /// Resolves the schema layers for one union member of a field declared on this type.
    ///
    /// ```
    /// # use cascade_runtime::table::{TargetTable, TypeTable, Written};
    /// # use cascade_runtime::Layer;
    /// static OWNER: TypeTable = TypeTable { name: "O", threshold: None, strategy: None,
    ///     fuzzy_threshold: Some(Written::new(0.7, "O.$fuzzyThreshold")), schema_default: None,
    ///     fields: &[] };
    /// static T: TargetTable = TargetTable { type_name: "X", threshold: None, type_threshold: None, strategy: None };
    /// let r = OWNER.resolve_target(&T);
    /// assert_eq!((r.value, r.layer), (0.7, Layer::SchemaOwner));
    /// ```
    #[inline(always)]
    pub fn resolve_target(&'static self, target: &'static TargetTable) -> Resolved<'static> {
        let (written, layer) = if let Some(w) = target.threshold {
            (w, Layer::SchemaField)
        } else if let Some(w) = target.type_threshold {
            (w, Layer::SchemaType)
        } else if let Some(w) = self.fuzzy_threshold {
            (w, Layer::SchemaOwner)
        } else if let Some(w) = self.schema_default {
            (w, Layer::SchemaDefault)
        } else {
            (BUILTIN, Layer::Builtin)
        };
        Resolved {
            value: written.value.get(),
            threshold: written.value,
            layer,
            at: written.at,
            target: target.type_name,
            strategy: target.strategy.unwrap_or_default(),
        }
    }
}

/// Where the built-in default is "written" (layer `builtin`).
///
/// ```
/// # use cascade_runtime::table::BUILTIN;
/// assert_eq!((BUILTIN.value.get(), BUILTIN.at), (0.8, "built-in"));
/// ```
pub const BUILTIN: Written = Written {
    value: Threshold::BUILTIN,
    at: "built-in",
};

/// A whole compiled schema: the types sorted by name plus a hash index over their names.
///
/// ```
/// # use cascade_runtime::table::Schema;
/// static EMPTY: Schema = Schema { default: None, types: &[], index: &[] };
/// assert!(EMPTY.find_type("ICP").is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schema {
    /// `$config.default`.
    pub default: Option<Written>,
    /// The types, sorted by name.
    pub types: &'static [TypeTable],
    /// Open-addressing hash index over `types` ([`build_index`]`(types)`: built from these very
    /// tables, since its slots hold copies of their fields; [`Schema::check`] verifies it), or
    /// empty for a binary search.
    pub index: &'static [IndexSlot],
}

impl Schema {
    /// The type called `name`: one hash, usually one slot read (see [`IndexSlot`]); a binary
    /// search if `index` is empty.
    ///
    /// ```
    /// # use cascade_runtime::table::{Schema, TypeTable};
    /// static TYPES: [TypeTable; 1] = [TypeTable { name: "ICP", threshold: None, strategy: None,
    ///     fuzzy_threshold: None, schema_default: None, fields: &[] }];
    /// static S: Schema = Schema { default: None, types: &TYPES, index: &[] };
    /// assert_eq!(S.find_type("ICP").map(|t| t.name), Some("ICP"));
    /// ```
    #[inline(always)]
    pub fn find_type(&self, name: &str) -> Option<&'static TypeTable> {
        self.lookup(name).map(|(ty, _)| ty)
    }

    /// The type called `name` and its fields, the fields read from the index slot (a copy of
    /// `ty.fields`) so a field lookup need not wait for the type's table to arrive from memory.
    #[inline(always)]
    fn lookup(&self, name: &str) -> Option<(&'static TypeTable, &'static [FieldTable])> {
        let types = self.types;
        let index = self.index;
        if index.len() < 2 || !index.len().is_power_of_two() {
            return types
                .binary_search_by(|t| t.name.cmp(name))
                .ok()
                .and_then(|i| types.get(i))
                .map(|ty| (ty, ty.fields));
        }
        // `build_index` makes the length a power of two, so the mask wraps the probe sequence;
        // the probe count is bounded so a hand-made index without an empty slot cannot loop.
        let mask = index.len() - 1;
        let key = NameKey::of(name);
        let mut slot = home_slot(key.hash(), index.len());
        for _ in 0..index.len() {
            let entry = *index.get(slot)?;
            if entry.is_empty() {
                return None;
            }
            if entry.has_key(key)
                && let Some(ty) = types.get(entry.position())
                && (key.is_whole() || ty.name == name)
            {
                return Some((ty, entry.fields));
            }
            slot = (slot + 1) & mask;
        }
        None
    }

    /// The type `owner` and its field `field`.
    ///
    /// ```
    /// # use cascade_runtime::table::Schema;
    /// static S: Schema = Schema { default: None, types: &[], index: &[] };
    /// assert!(S.find_field("Startup", "customer").is_none());
    /// ```
    #[inline(always)]
    pub fn find_field(
        &self,
        owner: &str,
        field: &str,
    ) -> Option<(&'static TypeTable, &'static FieldTable)> {
        let (ty, fields) = self.lookup(owner)?;
        Some((ty, field_in(fields, field)?))
    }

    /// Resolves the schema layers for the first target of `owner.field`; `None` when the type or
    /// field does not exist or the field is not fuzzy. Never allocates.
    ///
    /// ```
    /// # use cascade_runtime::table::Schema;
    /// static S: Schema = Schema { default: None, types: &[], index: &[] };
    /// assert!(S.resolve("Startup", "customer").is_none());
    /// ```
    #[inline(always)]
    pub fn resolve(&self, owner: &str, field: &str) -> Option<Resolved<'static>> {
        let (ty, f) = self.find_field(owner, field)?;
        ty.resolve_field(f)
    }

    /// Resolves the schema layers for the union member `member` of `owner.field`.
    ///
    /// ```
    /// # use cascade_runtime::table::Schema;
    /// static S: Schema = Schema { default: None, types: &[], index: &[] };
    /// assert!(S.resolve_member("A", "b", "C").is_none());
    /// ```
    pub fn resolve_member(
        &self,
        owner: &str,
        field: &str,
        member: &str,
    ) -> Option<Resolved<'static>> {
        let (ty, f) = self.find_field(owner, field)?;
        if !f.is_fuzzy() {
            return None;
        }
        Some(ty.resolve_target(f.member(member)?))
    }

    /// Verifies what the code generator promises: types and fields sorted by name without
    /// duplicates, copies consistent with their sources, and a correct index.
    ///
    /// ```
    /// # use cascade_runtime::table::{Schema, TableError, TypeTable};
    /// const T: TypeTable = TypeTable { name: "B", threshold: None, strategy: None,
    ///     fuzzy_threshold: None, schema_default: None, fields: &[] };
    /// static BAD: [TypeTable; 2] = [T, TypeTable { name: "A", ..T }];
    /// let s = Schema { default: None, types: &BAD, index: &[] };
    /// assert!(matches!(s.check(), Err(TableError::TypesNotSorted { .. })));
    /// ```
    pub fn check(&self) -> Result<(), TableError> {
        for pair in self.types.windows(2) {
            if let [a, b] = pair
                && a.name >= b.name
            {
                return Err(TableError::TypesNotSorted {
                    before: a.name,
                    after: b.name,
                });
            }
        }
        for ty in self.types {
            if ty.schema_default != self.default {
                return Err(TableError::StaleCopy {
                    type_name: ty.name,
                    what: "schema_default",
                });
            }
            for pair in ty.fields.windows(2) {
                if let [a, b] = pair
                    && a.name >= b.name
                {
                    return Err(TableError::FieldsNotSorted {
                        type_name: ty.name,
                        before: a.name,
                        after: b.name,
                    });
                }
            }
            for field in ty.fields {
                for target in field.targets {
                    // A target outside this schema (a derive referring to another crate's type)
                    // has nothing to compare with.
                    if let Some(tt) = self.find_type_sorted(target.type_name)
                        && (tt.threshold != target.type_threshold || tt.strategy != target.strategy)
                    {
                        return Err(TableError::StaleCopy {
                            type_name: ty.name,
                            what: "target type_threshold/strategy",
                        });
                    }
                }
            }
        }
        if !self.index.is_empty() {
            if !self.index.len().is_power_of_two() || self.index.len() < 2 * self.types.len() {
                return Err(TableError::BadIndex { name: "" });
            }
            for ty in self.types {
                // The slot's copy of the fields must be the type's own (same slice, not equal
                // contents), or a lookup would answer with another type's fields.
                if !self.lookup(ty.name).is_some_and(|(found, fields)| {
                    std::ptr::eq(found, ty) && std::ptr::eq(fields, ty.fields)
                }) {
                    return Err(TableError::BadIndex { name: ty.name });
                }
            }
            let filled = self.index.iter().filter(|s| !s.is_empty()).count();
            if filled != self.types.len() {
                return Err(TableError::BadIndex { name: "" });
            }
        }
        Ok(())
    }

    /// By binary search, which [`Schema::check`] may use once it has seen the order is right.
    fn find_type_sorted(&self, name: &str) -> Option<&'static TypeTable> {
        let types = self.types;
        types
            .binary_search_by(|t| t.name.cmp(name))
            .ok()
            .and_then(|i| types.get(i))
    }
}

/// A table that breaks what [`Schema::check`] verifies (a code generator bug, never user input).
///
/// ```
/// # use cascade_runtime::table::TableError;
/// let e = TableError::BadIndex { name: "ICP" };
/// assert_eq!(e.to_string(), "the type index does not find `ICP`");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// Types must be sorted by name, without duplicates.
    #[error("types not sorted by name: `{before}` comes before `{after}`")]
    TypesNotSorted {
        /// The earlier name.
        before: &'static str,
        /// The later name.
        after: &'static str,
    },
    /// Fields must be sorted by name, without duplicates.
    #[error("fields of `{type_name}` not sorted by name: `{before}` comes before `{after}`")]
    FieldsNotSorted {
        /// The type.
        type_name: &'static str,
        /// The earlier name.
        before: &'static str,
        /// The later name.
        after: &'static str,
    },
    /// A copied value differs from its source.
    #[error("`{type_name}`: the copy of {what} differs from its source")]
    StaleCopy {
        /// The type holding the stale copy.
        type_name: &'static str,
        /// Which copy.
        what: &'static str,
    },
    /// The index is not what [`build_index`] builds (empty name: its shape is wrong).
    #[error("the type index does not find `{name}`")]
    BadIndex {
        /// The type the index fails to find.
        name: &'static str,
    },
}

/// Implemented by every type `#[derive(Cascade)]` or a generated schema module declares.
///
/// ```
/// use cascade_runtime::table::{Cascade, TypeTable};
/// struct Persona;
/// impl Cascade for Persona {
///     const TABLE: &'static TypeTable = &TypeTable { name: "Persona", threshold: None,
///         strategy: None, fuzzy_threshold: None, schema_default: None, fields: &[] };
/// }
/// assert_eq!(Persona::TABLE.name, "Persona");
/// ```
pub trait Cascade {
    /// The type's threshold table.
    const TABLE: &'static TypeTable;
}

// The constants of wyhash (public domain): odd, with well-spread bits.
const P0: u64 = 0xa076_1d64_78bd_642f;
const P1: u64 = 0xe703_7ed1_a0b4_28db;

/// The hash [`build_index`] and [`Schema::find_type`] use, at compile time and at run time alike:
/// wyhash's folded 128-bit multiply over the name's length and two words (a name of up to 16
/// bytes is read with two overlapping loads, no loop; a longer one folds 16 bytes per round).
/// Not for untrusted keys at scale: it only indexes a fixed table.
///
/// ```
/// # use cascade_runtime::table::name_hash;
/// const H: u64 = name_hash("ICP");
/// assert_eq!(H, name_hash("ICP"));
/// assert_ne!(name_hash("ICP"), name_hash("ICQ"));
/// ```
#[inline(always)]
pub const fn name_hash(name: &str) -> u64 {
    NameKey::of(name).hash()
}

/// What the index hashes and compares of a name: its length and two words that hold all of a
/// name of at most 16 bytes (most type names), so for those equal keys mean equal names and a
/// probe needs no other read. A longer name keeps its last 16 bytes; the bytes before them are
/// folded into `seed`, and a probe compares the whole name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NameKey {
    words: [u64; 2],
    len: usize,
    seed: u64,
}

impl NameKey {
    /// The key of `name`: overlapping word loads, no loop, for up to 16 bytes.
    #[inline(always)]
    const fn of(name: &str) -> NameKey {
        let b = name.as_bytes();
        let len = b.len();
        let mut seed = P0 ^ len as u64;
        let words = if len <= 16 {
            if len >= 8 {
                [read_u64(b, 0), read_u64(b, len - 8)]
            } else if len >= 4 {
                [read_u32(b, 0) as u64, read_u32(b, len - 4) as u64]
            } else if len > 0 {
                // wyhash's 1..=3 bytes: first, middle and last cover them all.
                let (first, middle, last) = (byte(b, 0), byte(b, len / 2), byte(b, len - 1));
                [(first as u64) << 16 | (middle as u64) << 8 | last as u64, 0]
            } else {
                [0, 0]
            }
        } else {
            let mut i = 0;
            while i + 16 < len {
                seed = fold(read_u64(b, i) ^ P1, read_u64(b, i + 8) ^ seed);
                i += 16;
            }
            [read_u64(b, len - 16), read_u64(b, len - 8)]
        };
        NameKey { words, len, seed }
    }

    /// Whether the key holds the whole name (at most 16 bytes).
    #[inline(always)]
    const fn is_whole(self) -> bool {
        self.len <= 16
    }

    #[inline(always)]
    const fn hash(self) -> u64 {
        let [x, y] = self.words;
        fold(x ^ P1, y ^ self.seed)
    }
}

/// wyhash's `mix`: the two halves of the full product, xored.
#[inline(always)]
const fn fold(a: u64, b: u64) -> u64 {
    let product = (a as u128) * (b as u128);
    product as u64 ^ (product >> 64) as u64
}

/// `N` bytes of `b` from `at`; zeros past the end (the callers stay inside).
#[inline(always)]
const fn read<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    if let Some((_, rest)) = b.split_at_checked(at)
        && let Some(chunk) = rest.first_chunk::<N>()
    {
        *chunk
    } else {
        [0; N]
    }
}

#[inline(always)]
const fn read_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(read::<4>(b, at))
}

#[inline(always)]
const fn read_u64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(read::<8>(b, at))
}

#[inline(always)]
const fn byte(b: &[u8], at: usize) -> u8 {
    read::<1>(b, at)[0]
}

/// The field called `name` among `fields` (sorted by name).
#[inline(always)]
fn field_in(fields: &'static [FieldTable], name: &str) -> Option<&'static FieldTable> {
    // Few fields: a linear scan that rejects on length first beats a binary search.
    if fields.len() <= 8 {
        return fields.iter().find(|f| same(f.name, name));
    }
    fields
        .binary_search_by(|f| f.name.cmp(name))
        .ok()
        .and_then(|i| fields.get(i))
}

/// String equality without a `memcmp` call for the short names schemas use: two overlapping word
/// loads compare 8..=16 bytes, two half-word loads 4..8.
#[inline(always)]
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    fn word<const W: usize>(s: &[u8], at: usize) -> [u8; W] {
        s.get(at..at + W)
            .and_then(|w| w.try_into().ok())
            .expect("the caller reads whole words inside the name")
    }
    match n {
        8..=16 => word::<8>(a, 0) == word::<8>(b, 0) && word::<8>(a, n - 8) == word::<8>(b, n - 8),
        4..8 => word::<4>(a, 0) == word::<4>(b, 0) && word::<4>(a, n - 4) == word::<4>(b, n - 4),
        _ => a == b,
    }
}

/// The first slot to probe for hash `h` in an index of `len` slots.
#[inline(always)]
pub(crate) const fn home_slot(h: u64, len: usize) -> usize {
    // Fibonacci hashing: the top bits of a multiplicative hash depend on every input bit.
    // `len` is a power of two ≥ 2, so the shift is within 1..=63.
    (h >> (64 - len.trailing_zeros())) as usize
}

/// The length of the index for `types` types: the next power of two ≥ 2 × `types` (0 for 0).
///
/// ```
/// # use cascade_runtime::table::index_len;
/// assert_eq!(index_len(0), 0);
/// assert_eq!(index_len(3), 8);
/// assert_eq!(index_len(10_000), 32_768);
/// ```
pub const fn index_len(types: usize) -> usize {
    if types == 0 {
        0
    } else {
        (2 * types).next_power_of_two()
    }
}

/// One slot of a [`Schema`]'s hash index. It holds what a by-name resolution needs first, so
/// that one slot read decides the type: the name's length and words (all of a name of up to 16
/// bytes, compared without reading the name), the type's position in [`Schema::types`], and a
/// copy of its [`TypeTable::fields`], so the field lookup need not wait for the type's table.
/// [`build_index`] fills the slots from the same `types`; [`IndexSlot::EMPTY`] marks a free one.
///
/// ```
/// # use cascade_runtime::table::IndexSlot;
/// assert!(IndexSlot::EMPTY.is_empty());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IndexSlot {
    /// [`NameKey::words`] of the type's name.
    words: [u64; 2],
    /// A copy of the type's [`TypeTable::fields`].
    fields: &'static [FieldTable],
    /// The name's length in bytes.
    len: u32,
    /// The type's position + 1; 0 for an empty slot.
    entry: u32,
}

impl IndexSlot {
    /// A free slot.
    pub const EMPTY: IndexSlot = IndexSlot {
        words: [0; 2],
        fields: &[],
        len: 0,
        entry: 0,
    };

    /// The slot of `ty`, at `position` in its schema's types.
    const fn new(key: NameKey, position: usize, ty: &TypeTable) -> IndexSlot {
        assert!(
            position < u32::MAX as usize && key.len <= u32::MAX as usize,
            "cascade: too many types, or too long a name, for a u32 index"
        );
        IndexSlot {
            words: key.words,
            fields: ty.fields,
            len: key.len as u32,
            entry: position as u32 + 1,
        }
    }

    /// Whether no type occupies this slot.
    ///
    /// ```
    /// # use cascade_runtime::table::{build_index, index_len, TypeTable};
    /// const T: TypeTable = TypeTable { name: "A", threshold: None, strategy: None,
    ///     fuzzy_threshold: None, schema_default: None, fields: &[] };
    /// let index = build_index::<{ index_len(1) }>(&[T]);
    /// assert_eq!(index.iter().filter(|s| !s.is_empty()).count(), 1);
    /// ```
    #[inline(always)]
    pub const fn is_empty(self) -> bool {
        self.entry == 0
    }

    /// The type's position in [`Schema::types`] (`usize::MAX` for an empty slot, which no
    /// slice holds).
    #[inline(always)]
    const fn position(self) -> usize {
        (self.entry as usize).wrapping_sub(1)
    }

    /// Whether the slot's name has `key` (the whole name when [`NameKey::is_whole`]).
    #[inline(always)]
    fn has_key(self, key: NameKey) -> bool {
        self.len as usize == key.len && self.words == key.words
    }
}

/// Builds the hash index over `types` at compile time: home slot the top `log2(N)` bits of
/// [`name_hash`]`(name)`, linear probing, each slot an [`IndexSlot`] of one type. `N` must be
/// [`index_len`]`(types.len())`; anything else, or a duplicate name, fails compilation.
///
/// ```
/// # use cascade_runtime::table::{build_index, index_len, IndexSlot, TypeTable};
/// const T: TypeTable = TypeTable { name: "A", threshold: None, strategy: None,
///     fuzzy_threshold: None, schema_default: None, fields: &[] };
/// const TYPES: [TypeTable; 2] = [T, TypeTable { name: "B", ..T }];
/// const INDEX: [IndexSlot; index_len(2)] = build_index(&TYPES);
/// assert_eq!(INDEX.iter().filter(|s| !s.is_empty()).count(), 2);
/// ```
pub const fn build_index<const N: usize>(types: &[TypeTable]) -> [IndexSlot; N] {
    assert!(
        N == index_len(types.len()),
        "cascade: index length must be index_len(types.len())"
    );
    let mut index = [IndexSlot::EMPTY; N];
    let mut i = 0;
    while i < types.len() {
        let name = types[i].name;
        let key = NameKey::of(name);
        let mut slot = home_slot(key.hash(), N);
        while !index[slot].is_empty() {
            assert!(
                !str_eq(types[index[slot].position()].name, name),
                "cascade: duplicate type name in a schema table"
            );
            slot = (slot + 1) & (N - 1);
        }
        index[slot] = IndexSlot::new(key, i, &types[i]);
        i += 1;
    }
    index
}

/// [`build_index`] for tables built at run time (a schema read by the CLI, benchmarks).
///
/// ```
/// # use cascade_runtime::table::{build_index_vec, TypeTable};
/// const T: TypeTable = TypeTable { name: "A", threshold: None, strategy: None,
///     fuzzy_threshold: None, schema_default: None, fields: &[] };
/// assert_eq!(build_index_vec(&[T, TypeTable { name: "B", ..T }]).len(), 4);
/// ```
pub fn build_index_vec(types: &[TypeTable]) -> Vec<IndexSlot> {
    let len = index_len(types.len());
    let mut index = vec![IndexSlot::EMPTY; len];
    for (i, ty) in types.iter().enumerate() {
        let key = NameKey::of(ty.name);
        let mut slot = home_slot(key.hash(), len);
        while index.get(slot).is_some_and(|s| !s.is_empty()) {
            slot = (slot + 1) & (len - 1);
        }
        if let Some(s) = index.get_mut(slot) {
            *s = IndexSlot::new(key, i, ty);
        }
    }
    index
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: TypeTable = TypeTable {
        name: "",
        threshold: None,
        strategy: None,
        fuzzy_threshold: None,
        schema_default: None,
        fields: &[],
    };

    #[test]
    fn const_index_finds_every_type_and_rejects_others() {
        static TYPES: [TypeTable; 3] = [
            TypeTable {
                name: "Company",
                ..BASE
            },
            TypeTable {
                name: "ICP",
                ..BASE
            },
            TypeTable {
                name: "Industry",
                ..BASE
            },
        ];
        static S: Schema = Schema {
            default: None,
            types: &TYPES,
            index: &build_index::<{ index_len(3) }>(&TYPES),
        };
        assert_eq!(S.check(), Ok(()));
        for t in &TYPES {
            assert_eq!(S.find_type(t.name).map(|f| f.name), Some(t.name));
        }
        for missing in ["", "icp", "ICPX", "Persona", "Compan"] {
            assert!(S.find_type(missing).is_none(), "{missing}");
        }
    }

    fn leak_types(n: usize) -> &'static [TypeTable] {
        let mut names: Vec<String> = (0..n).map(|i| format!("Type{i:05}")).collect();
        names.sort();
        let types: Vec<TypeTable> = names
            .into_iter()
            .map(|n| TypeTable {
                name: Box::leak(n.into_boxed_str()),
                ..BASE
            })
            .collect();
        Box::leak(types.into_boxed_slice())
    }

    #[test]
    fn runtime_index_matches_const_shape_and_probes_little() {
        // Names that differ only in a few bytes (a counter at the end, in the middle, a prefix)
        // are where a weak hash clusters.
        let families: [fn(usize) -> String; 7] = [
            |i| format!("Type{i:05}"),
            |i| format!("T{i}"),
            |i| format!("Entity{i:04}Record"),
            |i| format!("{}Account", i * 7919),
            |i| format!("{}{i}", ["Account", "Person", "Company", "Skill"][i % 4]),
            |i| format!("t{i:x}"),
            |i| format!("com.example.schema.Entity{i}"),
        ];
        for family in families {
            let mut names: Vec<String> = (0..10_000).map(family).collect();
            names.sort();
            let types: Vec<TypeTable> = names
                .into_iter()
                .map(|n| TypeTable {
                    name: Box::leak(n.into_boxed_str()),
                    ..BASE
                })
                .collect();
            let types: &'static [TypeTable] = Box::leak(types.into_boxed_slice());
            let index: &'static [IndexSlot] = Box::leak(build_index_vec(types).into_boxed_slice());
            let s = Schema {
                default: None,
                types,
                index,
            };
            assert_eq!(s.check(), Ok(()));
            let mask = index.len() - 1;
            let mut position = vec![0usize; types.len()];
            for (slot, e) in index.iter().enumerate() {
                if !e.is_empty() {
                    position[e.position()] = slot;
                }
            }
            let probes: Vec<usize> = types
                .iter()
                .zip(&position)
                .map(|(t, &at)| {
                    ((at + index.len() - home_slot(name_hash(t.name), index.len())) & mask) + 1
                })
                .collect();
            let mean = probes.iter().sum::<usize>() as f64 / probes.len() as f64;
            let longest = probes.iter().max().copied().unwrap_or(0);
            // Linear probing at load 10 000 / 32 768 ≈ 0.31 expects ~1.2 probes per hit.
            assert!(
                mean < 1.5 && longest < 20,
                "{}: mean {mean}, longest {longest}",
                types[0].name
            );
        }
    }

    #[test]
    fn the_hash_is_the_same_at_compile_time_and_at_run_time() {
        const AT_COMPILE_TIME: [u64; 6] = [
            name_hash(""),
            name_hash("ICP"),
            name_hash("Startup"),
            name_hash("Entity0001Record"),
            name_hash("Entity0001RecordX"),
            name_hash("ÜberschriftÜberschriftÜberschriftÜberschrift"),
        ];
        let names = [
            "",
            "ICP",
            "Startup",
            "Entity0001Record",
            "Entity0001RecordX",
            "ÜberschriftÜberschriftÜberschriftÜberschrift",
        ];
        for (name, h) in names.iter().zip(AT_COMPILE_TIME) {
            assert_eq!(name_hash(std::hint::black_box(name)), h, "{name}");
        }
    }

    #[test]
    fn every_byte_of_every_length_changes_the_hash() {
        // Each length takes a different path (1..=3, 4..=7, 8..=16, rounds of 16 and a tail):
        // flipping any one byte must change the hash, so no byte is left out.
        for len in 0..70 {
            let base: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            let h = name_hash(std::str::from_utf8(&base).expect("ASCII"));
            for at in 0..len {
                let mut flipped = base.clone();
                flipped[at] = b'Z';
                let flipped = std::str::from_utf8(&flipped).expect("ASCII");
                assert_ne!(name_hash(flipped), h, "length {len}, byte {at}");
            }
        }
    }

    #[test]
    fn short_string_equality() {
        let words: Vec<String> = (0..20)
            .flat_map(|n| {
                let base: String = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
                let mut last = base.clone();
                if let Some(c) = last.pop() {
                    last.push(if c == 'z' { 'y' } else { 'z' });
                }
                let mut first = base.clone();
                if !first.is_empty() {
                    first.replace_range(0..1, "Q");
                }
                [base, last, first]
            })
            .collect();
        for a in &words {
            for b in &words {
                assert_eq!(same(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn a_full_hand_made_index_does_not_loop() {
        static TYPES: [TypeTable; 2] = [
            TypeTable { name: "A", ..BASE },
            TypeTable { name: "B", ..BASE },
        ];
        static FULL: [IndexSlot; 2] = [
            IndexSlot::new(NameKey::of("A"), 0, &TYPES[0]),
            IndexSlot::new(NameKey::of("B"), 1, &TYPES[1]),
        ];
        let s = Schema {
            default: None,
            types: &TYPES,
            index: &FULL,
        };
        assert!(s.find_type("C").is_none());
        assert!(s.check().is_err());
    }

    #[test]
    fn binary_search_fallback() {
        let types = leak_types(100);
        let s = Schema {
            default: None,
            types,
            index: &[],
        };
        assert_eq!(s.check(), Ok(()));
        assert!(types.iter().all(|t| s.find_type(t.name).is_some()));
        assert!(s.find_type("Type99999").is_none());
    }

    #[test]
    fn check_rejects_bad_index_and_stale_copies() {
        static TYPES: [TypeTable; 2] = [
            TypeTable { name: "A", ..BASE },
            TypeTable { name: "B", ..BASE },
        ];
        let bad = Schema {
            default: None,
            types: &TYPES,
            index: &[IndexSlot::EMPTY; 4],
        };
        assert!(matches!(bad.check(), Err(TableError::BadIndex { .. })));
        let stale = Schema {
            default: Some(Written::new(0.7, "$config.default")),
            ..bad
        };
        assert!(matches!(stale.check(), Err(TableError::StaleCopy { .. })));
    }

    #[test]
    fn an_index_built_from_other_tables_is_rejected() {
        // Same names and positions, other fields: only the slots' copies of `fields` differ.
        const F: FieldTable = FieldTable {
            name: "f",
            operator: None,
            array: false,
            optional: false,
            targets: &[],
        };
        static MINE: [TypeTable; 2] = [
            TypeTable {
                name: "A",
                fields: &[F],
                ..BASE
            },
            TypeTable { name: "B", ..BASE },
        ];
        static OTHER: [TypeTable; 2] = [
            TypeTable {
                name: "A",
                fields: &[F, FieldTable { name: "g", ..F }],
                ..BASE
            },
            TypeTable { name: "B", ..BASE },
        ];
        static OWN: [IndexSlot; index_len(2)] = build_index(&MINE);
        static BORROWED: [IndexSlot; index_len(2)] = build_index(&OTHER);
        let own = Schema {
            default: None,
            types: &MINE,
            index: &OWN,
        };
        assert_eq!(own.check(), Ok(()));
        let borrowed = Schema {
            index: &BORROWED,
            ..own
        };
        assert_eq!(borrowed.check(), Err(TableError::BadIndex { name: "A" }));
    }

    #[test]
    fn names_of_every_length_are_found_and_near_misses_are_not() {
        // Up to 16 bytes the slot holds the whole name; past that, only the last 16 bytes, so
        // names that share them (and the length) must still be told apart by the full compare.
        let mut names: Vec<String> = (0..=40)
            .map(|len| {
                (0..len)
                    .map(|i| char::from(b'a' + (i % 26) as u8))
                    .collect()
            })
            .collect();
        names.extend((17..=40).map(|len| {
            let mut other: String = (0..len)
                .map(|i| char::from(b'a' + (i % 26) as u8))
                .collect();
            other.replace_range(0..1, "Z");
            other
        }));
        names.sort();
        let types: Vec<TypeTable> = names
            .iter()
            .map(|n| TypeTable {
                name: Box::leak(n.clone().into_boxed_str()),
                ..BASE
            })
            .collect();
        let types: &'static [TypeTable] = Box::leak(types.into_boxed_slice());
        let s = Schema {
            default: None,
            types,
            index: Box::leak(build_index_vec(types).into_boxed_slice()),
        };
        assert_eq!(s.check(), Ok(()));
        for name in &names {
            assert_eq!(s.find_type(name).map(|t| t.name), Some(name.as_str()));
            for at in 0..name.len() {
                let mut miss = name.clone();
                miss.replace_range(at..=at, "#");
                assert!(s.find_type(&miss).is_none(), "{miss}");
            }
            assert!(s.find_type(&format!("{name}#")).is_none());
        }
    }

    proptest::proptest! {
        /// The index finds exactly the schema's names: every one of them (the same table a
        /// binary search finds) and nothing else, whatever the names' lengths and bytes.
        #[test]
        fn the_index_finds_exactly_the_schema_names(
            names in proptest::collection::btree_set("[a-zA-Z0-9_.é]{0,40}", 1..60),
            others in proptest::collection::vec("[a-zA-Z0-9_.é]{0,40}", 0..60),
        ) {
            let types: Vec<TypeTable> = names
                .iter()
                .map(|n| TypeTable { name: Box::leak(n.clone().into_boxed_str()), ..BASE })
                .collect();
            let types: &'static [TypeTable] = Box::leak(types.into_boxed_slice());
            let indexed = Schema {
                default: None,
                types,
                index: Box::leak(build_index_vec(types).into_boxed_slice()),
            };
            let searched = Schema { index: &[], ..indexed };
            proptest::prop_assert_eq!(indexed.check(), Ok(()));
            for name in names.iter().chain(&others) {
                let found = indexed.find_type(name);
                proptest::prop_assert_eq!(found.map(|t| t.name), names.get(name).map(String::as_str));
                proptest::prop_assert_eq!(found.map(|t| t as *const _), searched.find_type(name).map(|t| t as *const _));
            }
        }
    }

    #[test]
    fn field_lookup_linear_and_binary() {
        const F: FieldTable = FieldTable {
            name: "",
            operator: None,
            array: false,
            optional: false,
            targets: &[],
        };
        static NAMES: [&str; 12] = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
        static FIELDS: [FieldTable; 12] = {
            let mut out = [F; 12];
            let mut i = 0;
            while i < 12 {
                out[i] = FieldTable {
                    name: NAMES[i],
                    ..F
                };
                i += 1;
            }
            out
        };
        static BIG: TypeTable = TypeTable {
            name: "Big",
            fields: &FIELDS,
            ..BASE
        };
        static SMALL: TypeTable = TypeTable {
            name: "Small",
            fields: FIELDS.split_at(3).0,
            ..BASE
        };
        for n in NAMES {
            assert_eq!(BIG.field(n).map(|f| f.name), Some(n));
        }
        assert!(BIG.field("m").is_none());
        assert!(SMALL.field("c").is_some() && SMALL.field("d").is_none());
    }
}
