//! Every diagnostic code cascade emits, in one place. Codes are stable: tools match on them
//! (`cascade parse --json` prints them, DESIGN §10), so a code is never renamed or reused.
//!
//! Every code has a primary span on the offending text, a message naming that text in backticks,
//! and a `help` line with the fix. A test checks that every code is listed below.
//!
//! # Field definitions (DESIGN §2)
//!
//! | code | example | fix |
//! |---|---|---|
//! | `threshold-out-of-range` | `~>T(1.5)`, `~>T(-0.1)` | a similarity from 0.0 to 1.0 |
//! | `invalid-threshold` | `~>T(abc)`, `(.5)`, `(1e-1)`, `(0.8.1)`, `(NaN)`, `(+0.5)` | a plain decimal `digits[.digits]`; the help spells it (`0.5`, `0.1`) when it can |
//! | `empty-threshold` | `~>T()` | a number, or no parentheses |
//! | `unclosed-threshold` | `~>T(0.8` | `~>T(0.8)` |
//! | `duplicate-threshold` | `~>T(0.8)(0.9)`, `~>T(0.8)[](0.9)` | one threshold per member |
//! | `threshold-on-exact-operator` | `->T(0.8)` | `~>T(0.8)`, or `->T` |
//! | `threshold-without-operator` | `Company(0.8)` | `~>Company(0.8)` |
//! | `ambiguous-threshold` | `~>A\|B[](0.8)` | on the member: `~>A\|B(0.8)[]` |
//! | `glued-operator` | `<->T`, `~~>T`, `-->T`, `<~>T` | one of `->` `~>` `<-` `<~` |
//! | `multiple-operators` | `x ~> y <~ Z` | one operator; a prompt holds none |
//! | `missing-space-before-operator` | `Who?~>Person` | `Who? ~>Person` |
//! | `missing-target` | `~>`, `~>(0.8)`, `?` | a type: `~>Type` |
//! | `whitespace-in-target` | `~>T (0.8)`, `~>A \| B`, `~> T` | remove the spaces: `~>T(0.8)` |
//! | `empty-union-member` | `~>A\|\|B`, `~>A\|`, `~>\|A` | remove the extra `\|` |
//! | `duplicate-union-member` | `~>A\|A` | list each member once |
//! | `union-without-operator` | `CEO\|CTO` | `->CEO\|CTO` or `~>CEO\|CTO` |
//! | `optional-before-array` | `~>T?[]` | `~>T[]?` |
//! | `duplicate-modifier` | `string??`, `~>T[][]` | one `[]`, one `?` |
//! | `invalid-type-name` | `~>icp`, `~>123`, `~>string`, `->Usеr` (Cyrillic `е`) | `[A-Z][A-Za-z0-9_]*`, ASCII |
//! | `unknown-type` | `varchar`, `integer`, `some-value` | a primitive (did-you-mean), a `Type`, or a prompt with spaces |
//! | `invalid-backref` | `->Author.123posts`, `->Author.`, `string.foo` | `[A-Za-z_][A-Za-z0-9_]*` on an entity type |
//! | `multiple-backrefs` | `->Author.posts.items` | one backref |
//! | `misplaced-backref` | `~>T[].posts` | `~>T.posts[]` |
//! | `name-too-long` | a type or backref of 65+ characters | at most 64 characters |
//! | `empty-definition` | `''`, `'   '`, `['']` | a type, a reference or a prompt |
//! | `unexpected-input` | `~>T and more`, `~>T[3]`, `~>T[]\|B` | a definition ends with its target |
//! | `invalid-array-literal` | `['a', 'b']`, `[<-Comment]`, `['x` | `['one definition']` |
//!
//! # `.cascade` files (DESIGN §3)
//!
//! | code | example |
//! |---|---|
//! | `syntax-error` | the file is not a valid object literal |
//! | `unknown-target-type` | `'~>Persona'` with no `Persona` type |
//! | `duplicate-type` | a type declared twice |
//! | `duplicate-field` | a field declared twice in one type |
//! | `conflicting-threshold` | `$threshold` and `$config.threshold` both set |
//! | `unknown-metadata-key` | `$treshold` (with a did-you-mean) |
//! | `invalid-metadata-value` | `$threshold: 'high'`, `thresholdStrategy: 'fast'` |
//! | `invalid-entity-name` | a type key that is not `[A-Za-z][A-Za-z0-9_]*` (≤ 64) |
//! | `invalid-field-name` | a field key that is not `[A-Za-z_][A-Za-z0-9_]*` (≤ 64) |
//! | `invalid-field-value` | a field value that is neither a string nor a one-string array |
//! | `invalid-entity-value` | a type whose value is not an object of fields (`ICP: 'string'`) |
//! | `duplicate-metadata-key` | a `$` key written twice in one object |
//! | `unknown-config-key` | an unknown key inside a `$config` object |
//! | `conflicting-backref` | two backrefs that would create the same inverse field on one type |
//! | `source-too-large` | a file (or a field definition) of 4 GiB or more, past what a [`Span`](crate::Span) can point into |

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
    /// The file is not a valid object literal: a missing `:` or `,`, an unterminated string or
    /// comment, an unclosed `{`, a bad escape (`\q`), a bare word (`NaN`), text after the object.
    SyntaxError = "syntax-error",
    /// A text longer than [`MAX_SOURCE_LEN`](crate::span::MAX_SOURCE_LEN) bytes (4 GiB or
    /// more): spans could not point into it, so it is refused before it is read.
    SourceTooLarge = "source-too-large",
    /// `'~>Compnay'`: a reference names a type the schema does not declare (did-you-mean).
    UnknownTargetType = "unknown-target-type",
    /// `{ ICP: {...}, ICP: {...} }`: a type declared twice.
    DuplicateType = "duplicate-type",
    /// `{ name: 'string', name: 'url' }`: a field declared twice in one type.
    DuplicateField = "duplicate-field",
    /// `$threshold` and `$config.threshold` both set on one type.
    ConflictingThreshold = "conflicting-threshold",
    /// `$treshold`, `$id`: an unknown `$` key (did-you-mean).
    UnknownMetadataKey = "unknown-metadata-key",
    /// `$threshold: 1.5`, `$threshold: '0.8'`, `thresholdStrategy: 'fast'`: a metadata value of the
    /// wrong kind or out of range.
    InvalidMetadataValue = "invalid-metadata-value",
    /// A type name that is not `[A-Za-z][A-Za-z0-9_]*` (≤ 64 chars).
    InvalidEntityName = "invalid-entity-name",
    /// A field name that is not `[A-Za-z_][A-Za-z0-9_]*` (≤ 64 chars).
    InvalidFieldName = "invalid-field-name",
    /// `employees: 42`, `address: { ... }`: a field value that is not a definition string.
    InvalidFieldValue = "invalid-field-value",
    /// A type whose value is not an object of fields (`ICP: 'string'`).
    InvalidEntityValue = "invalid-entity-value",
    /// A `$` key written twice in one object.
    DuplicateMetadataKey = "duplicate-metadata-key",
    /// `$config: { thresold: 0.8 }`: an unknown key inside a `$config` object (the top level takes
    /// `default`; a type takes `threshold`, `thresholdStrategy`).
    UnknownConfigKey = "unknown-config-key",
    /// `Post.tags: 'Tag.items'` and `Video.tags: 'Tag.items'`: two backrefs that would create the
    /// same inverse field.
    ConflictingBackref = "conflicting-backref",
}

#[cfg(test)]
mod tests {
    use super::Code;

    /// The module docs are "the one place" the codes are listed: each must appear there.
    #[test]
    fn every_code_is_documented_in_the_module_docs() {
        let docs: String = include_str!("codes.rs")
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        let missing: Vec<&str> = Code::ALL
            .iter()
            .map(|c| c.as_str())
            .filter(|name| !docs.contains(&format!("| `{name}` |")))
            .collect();
        assert!(
            missing.is_empty(),
            "codes missing from the module docs table: {missing:?}"
        );
    }

    #[test]
    fn codes_are_unique_kebab_case() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
        );
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
    }
}
