//! Every diagnostic code cascade emits, in one place. Codes are stable: tools match on them.
//!
//! Skeleton list; the grammar issue completes it and documents each code in this module's docs.

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*) => {
        /// A stable, kebab-case diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The kebab-case name, e.g. `threshold-out-of-range`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }
        }
    };
}

codes! {
    // ---- field definitions (DESIGN §2) ----
    /// `~>T(1.5)`, `~>T(-0.1)`: a threshold outside `0.0..=1.0`.
    ThresholdOutOfRange = "threshold-out-of-range",
    /// `~>T(abc)`, `~>T(.5)`, `~>T(1e-1)`, `~>T(0.8.1)`, `~>T(NaN)`: not a plain decimal.
    InvalidThreshold = "invalid-threshold",
    /// `~>T()`: nothing between the parentheses.
    EmptyThreshold = "empty-threshold",
    /// `~>T(0.8`: the parenthesis is never closed.
    UnclosedThreshold = "unclosed-threshold",
    /// `~>T(0.8)(0.9)`, `~>T(0.8)[](0.9)`: two thresholds on one member.
    DuplicateThreshold = "duplicate-threshold",
    /// `->T(0.8)`: thresholds apply to `~>` and `<~` only.
    ThresholdOnExactOperator = "threshold-on-exact-operator",
    /// `<->`, `~~>`, `-->`, `<~>`: operators glued to each other or to `<`, `-`, `~`, `>`.
    GluedOperator = "glued-operator",
    /// `~>T (0.8)`, `~>A | B`: whitespace inside a target expression.
    WhitespaceInTarget = "whitespace-in-target",
    /// `~>A||B`, `~>A|`: an empty union member.
    EmptyUnionMember = "empty-union-member",
    /// `~>A|A`: a union member written twice.
    DuplicateUnionMember = "duplicate-union-member",
    /// `x ~> y <~ Z`: more than one operator.
    MultipleOperators = "multiple-operators",
    /// `~>`: an operator with no target.
    MissingTarget = "missing-target",
    /// `~>T?[]`: write `[]?`.
    OptionalBeforeArray = "optional-before-array",
    /// `string??`, `~>T[][]`: a modifier written twice.
    DuplicateModifier = "duplicate-modifier",
    /// `~>icp`, `~>123`: not a valid entity type name.
    InvalidTypeName = "invalid-type-name",
    /// `->Author.123posts`: not a valid backref name.
    InvalidBackref = "invalid-backref",
    /// A name longer than 64 characters.
    NameTooLong = "name-too-long",
    /// `''`: an empty definition.
    EmptyDefinition = "empty-definition",
    /// Text left over after a complete definition.
    UnexpectedInput = "unexpected-input",
    /// `['a', 'b']`: an array literal must hold exactly one string.
    InvalidArrayLiteral = "invalid-array-literal",
    /// `varchar`, `integer`: a single word that is neither a primitive nor an entity type.
    UnknownType = "unknown-type",
    /// `CEO|CTO`: a union without an operator.
    UnionWithoutOperator = "union-without-operator",
    /// `Company(0.8)`: a threshold without a fuzzy operator.
    ThresholdWithoutOperator = "threshold-without-operator",
    /// `Who?~>Person`: the prompt must end with whitespace before the operator.
    MissingSpaceBeforeOperator = "missing-space-before-operator",
    /// `->Author.posts.items`: more than one backref.
    MultipleBackrefs = "multiple-backrefs",
    /// `->Author[].posts`: the backref must come before `[]` and `?`.
    MisplacedBackref = "misplaced-backref",
    /// `~>A|B[](0.8)`: a trailing threshold after a union does not say which member it is for.
    AmbiguousThreshold = "ambiguous-threshold",
    // ---- .cascade files (DESIGN §3) ----
    /// The file is not a valid object literal.
    SyntaxError = "syntax-error",
    /// A reference names a type the schema does not declare.
    UnknownTargetType = "unknown-target-type",
    /// A type declared twice.
    DuplicateType = "duplicate-type",
    /// A field declared twice in one type.
    DuplicateField = "duplicate-field",
    /// `$threshold` and `$config.threshold` both set.
    ConflictingThreshold = "conflicting-threshold",
    /// An unknown `$` key.
    UnknownMetadataKey = "unknown-metadata-key",
    /// A metadata value of the wrong kind or out of range.
    InvalidMetadataValue = "invalid-metadata-value",
    /// A type name that is not `[A-Za-z][A-Za-z0-9_]*` (≤ 64 chars).
    InvalidEntityName = "invalid-entity-name",
    /// A field name that is not `[A-Za-z_][A-Za-z0-9_]*` (≤ 64 chars).
    InvalidFieldName = "invalid-field-name",
    /// A field value that is neither a string nor a one-string array.
    InvalidFieldValue = "invalid-field-value",
    /// A type whose value is not an object of fields (`ICP: 'string'`).
    InvalidEntityValue = "invalid-entity-value",
    /// A `$` key written twice in one object.
    DuplicateMetadataKey = "duplicate-metadata-key",
    /// An unknown key inside a `$config` object.
    UnknownConfigKey = "unknown-config-key",
    /// Two backrefs that would create the same inverse field on one type.
    ConflictingBackref = "conflicting-backref",
}
