//! Invalid field definitions: each asserts the code and span of its first diagnostic (in source
//! order) and how many diagnostics the definition produces, so "all errors at once" is pinned too.
//! The comment after each row is the text under the span.

use cascade_dsl::codes::Code::{self, *};
use cascade_dsl::field;

#[rustfmt::skip]
const CASES: &[(&str, Code, usize, usize, usize)] = &[
    ("~>T(1.5)", ThresholdOutOfRange, 4, 7, 1),  // '1.5'
    ("~>T(-0.1)", ThresholdOutOfRange, 4, 8, 1),  // '-0.1'
    ("~>T(abc)", InvalidThreshold, 4, 7, 1),  // 'abc'
    ("~>T(0.8.1)", InvalidThreshold, 4, 9, 1),  // '0.8.1'
    ("~>T(.5)", InvalidThreshold, 4, 6, 1),  // '.5'
    ("~>T(1e-1)", InvalidThreshold, 4, 8, 1),  // '1e-1'
    ("~>T(NaN)", InvalidThreshold, 4, 7, 1),  // 'NaN'
    ("~>T()", EmptyThreshold, 3, 5, 1),  // '()'
    ("~>T(0.8", UnclosedThreshold, 3, 7, 1),  // '(0.8'
    ("~>T(2)", ThresholdOutOfRange, 4, 5, 1),  // '2'
    ("~>T(1.0001)", ThresholdOutOfRange, 4, 10, 1),  // '1.0001'
    ("~>T(10)", ThresholdOutOfRange, 4, 6, 1),  // '10'
    ("~>T(1.000000000000000000001)", ThresholdOutOfRange, 4, 27, 1),  // rounds to 1.0 as f64: checked on the text
    ("~>T(1.0000000000000001)", ThresholdOutOfRange, 4, 22, 1),  // the nearest f64 is 1.0
    ("~>T(+0.5)", InvalidThreshold, 4, 8, 1),  // '+0.5'
    ("~>T(-0)", InvalidThreshold, 4, 6, 1),  // '-0'
    ("~>T(0,8)", InvalidThreshold, 4, 7, 1),  // '0,8'
    ("~>T(80%)", InvalidThreshold, 4, 7, 1),  // '80%'
    ("~>T(inf)", InvalidThreshold, 4, 7, 1),  // 'inf'
    ("~>T(1.)", InvalidThreshold, 4, 6, 1),  // '1.'
    ("~>T(0x1)", InvalidThreshold, 4, 7, 1),  // '0x1'
    ("~>T(\u{660}.\u{665})", InvalidThreshold, 4, 9, 1),  // '٠.٥'
    ("~>T(0.8e0)", InvalidThreshold, 4, 9, 1),  // '0.8e0'
    ("~>T(\u{ff11})", InvalidThreshold, 4, 7, 1),  // '１'
    ("<~T(1.5)", ThresholdOutOfRange, 4, 7, 1),  // '1.5'
    ("<~T(abc)", InvalidThreshold, 4, 7, 1),  // 'abc'
    ("<~T()", EmptyThreshold, 3, 5, 1),  // '()'
    ("<~T(0.9", UnclosedThreshold, 3, 7, 1),  // '(0.9'
    ("~>ICP(1.5)", ThresholdOutOfRange, 6, 9, 1),  // '1.5'
    ("Who buys it? ~>ICP(1.5)", ThresholdOutOfRange, 19, 22, 1),  // '1.5'
    ("~>A(0.9)|B(1.2)", ThresholdOutOfRange, 11, 14, 1),  // '1.2'
    ("~>A(2)|B(3)", ThresholdOutOfRange, 4, 5, 2),  // '2'
    ("~>T(0.8)(0.9)", DuplicateThreshold, 8, 13, 1),  // '(0.9)'
    ("~>T(0.8)[](0.9)", DuplicateThreshold, 10, 15, 1),  // '(0.9)'
    ("~>T(0.8)?(0.9)", DuplicateThreshold, 9, 14, 1),  // '(0.9)'
    ("~>T(0.8).x(0.9)", DuplicateThreshold, 10, 15, 1),  // '(0.9)'
    ("~>T[](0.8)(0.9)", DuplicateThreshold, 10, 15, 1),  // '(0.9)'
    ("->T(0.8)", ThresholdOnExactOperator, 3, 8, 1),  // '(0.8)'
    ("<-T(0.8)", ThresholdOnExactOperator, 3, 8, 1),  // '(0.8)'
    ("->A|B(0.8)", ThresholdOnExactOperator, 5, 10, 1),  // '(0.8)'
    ("Who? ->T(0.5)", ThresholdOnExactOperator, 8, 13, 1),  // '(0.5)'
    ("->T[](0.8)", ThresholdOnExactOperator, 5, 10, 1),  // '(0.8)'
    ("<-T.x(0.8)", ThresholdOnExactOperator, 5, 10, 1),  // '(0.8)'
    ("<->T", GluedOperator, 0, 3, 1),  // '<->'
    ("~~>T", GluedOperator, 0, 3, 1),  // '~~>'
    ("-->T", GluedOperator, 0, 3, 1),  // '-->'
    ("<~>T", GluedOperator, 0, 3, 1),  // '<~>'
    ("<<-T", GluedOperator, 0, 3, 1),  // '<<-'
    ("<~~T", GluedOperator, 0, 3, 1),  // '<~~'
    ("->>T", GluedOperator, 0, 3, 1),  // '->>'
    ("~>>T", GluedOperator, 0, 3, 1),  // '~>>'
    ("<--T", GluedOperator, 0, 3, 1),  // '<--'
    ("x <-> T", GluedOperator, 2, 5, 1),  // '<->'
    ("Who? ~~>T", GluedOperator, 5, 8, 1),  // '~~>'
    ("<-~T", GluedOperator, 0, 3, 1),  // '<-~'
    ("<~-T", GluedOperator, 0, 3, 1),  // '<~-'
    ("-~>T", GluedOperator, 0, 3, 1),  // '-~>'
    ("~>T (0.8)", WhitespaceInTarget, 3, 4, 1),  // ' '
    ("~>A | B", WhitespaceInTarget, 3, 4, 1),  // ' '
    ("~> T", WhitespaceInTarget, 2, 3, 1),  // ' '
    ("-> User", WhitespaceInTarget, 2, 3, 1),  // ' '
    ("~>T( 0.8)", WhitespaceInTarget, 4, 5, 1),  // ' '
    ("~>T(0.8 )", WhitespaceInTarget, 7, 8, 1),  // ' '
    ("~>T []", WhitespaceInTarget, 3, 4, 1),  // ' '
    ("~>T ?", WhitespaceInTarget, 3, 4, 1),  // ' '
    ("~>T .posts", WhitespaceInTarget, 3, 4, 1),  // ' '
    ("~>A |B", WhitespaceInTarget, 3, 4, 1),  // ' '
    ("~>A| B", WhitespaceInTarget, 4, 5, 1),  // ' '
    ("<~ Industry", WhitespaceInTarget, 2, 3, 1),  // ' '
    ("Who? ~> T", WhitespaceInTarget, 7, 8, 1),  // ' '
    ("~>A||B", EmptyUnionMember, 3, 4, 1),  // '|'
    ("~>A|", EmptyUnionMember, 3, 4, 1),  // '|'
    ("~>|A", EmptyUnionMember, 2, 3, 1),  // '|'
    ("->A|B|", EmptyUnionMember, 5, 6, 1),  // '|'
    ("~>A|A", DuplicateUnionMember, 4, 5, 1),  // 'A'
    ("~>A|B|A", DuplicateUnionMember, 6, 7, 1),  // 'A'
    ("<~A(0.9)|A(0.8)", DuplicateUnionMember, 9, 10, 1),  // 'A'
    ("->User|User|User", DuplicateUnionMember, 7, 11, 2),  // 'User'
    ("~>A|||B", EmptyUnionMember, 3, 4, 2),  // '|'
    ("x ~> y <~ Z", MultipleOperators, 7, 9, 1),  // '<~'
    ("~>A|<~B", MultipleOperators, 4, 6, 1),  // '<~'
    ("->A ->B", MultipleOperators, 4, 6, 1),  // '->'
    ("Who ->is ~>T", MultipleOperators, 9, 11, 1),  // '~>'
    ("a->b ~>T", MultipleOperators, 5, 7, 1),  // '~>'
    ("->", MissingTarget, 0, 2, 1),  // '->'
    ("~>", MissingTarget, 0, 2, 1),  // '~>'
    ("<-", MissingTarget, 0, 2, 1),  // '<-'
    ("<~", MissingTarget, 0, 2, 1),  // '<~'
    ("~>?", MissingTarget, 2, 3, 1),  // '?'
    ("~>[]", MissingTarget, 2, 3, 1),  // '['
    ("~>(0.8)", MissingTarget, 2, 3, 1),  // '('
    ("Who? ~>", MissingTarget, 5, 7, 1),  // '~>'
    ("~>.posts", MissingTarget, 2, 3, 1),  // '.'
    ("~>T?[]", OptionalBeforeArray, 3, 6, 1),  // '?[]'
    ("string?[]", OptionalBeforeArray, 6, 9, 1),  // '?[]'
    ("string??", DuplicateModifier, 7, 8, 1),  // '?'
    ("~>T[][]", DuplicateModifier, 5, 7, 1),  // '[]'
    ("~>T??", DuplicateModifier, 4, 5, 1),  // '?'
    ("number[][]", DuplicateModifier, 8, 10, 1),  // '[]'
    ("Author?[]", OptionalBeforeArray, 6, 9, 1),  // '?[]'
    ("~>T[]?[]", DuplicateModifier, 6, 8, 1),  // '[]'
    ("~>T[3]", UnexpectedInput, 3, 6, 1),  // '[3]'
    ("~>T[", UnexpectedInput, 3, 4, 1),  // '['
    ("~>T]", UnexpectedInput, 3, 4, 1),  // ']'
    ("~>icp", InvalidTypeName, 2, 5, 1),  // 'icp'
    ("~>123", InvalidTypeName, 2, 5, 1),  // '123'
    ("->user", InvalidTypeName, 2, 6, 1),  // 'user'
    ("~>_T", InvalidTypeName, 2, 4, 1),  // '_T'
    ("~>T\u{e4}", InvalidTypeName, 2, 5, 1),  // 'Tä'
    ("~>T-x", InvalidTypeName, 2, 5, 1),  // 'T-x'
    ("~>string", InvalidTypeName, 2, 8, 1),  // 'string'
    ("<-number", InvalidTypeName, 2, 8, 1),  // 'number'
    ("~>T$", InvalidTypeName, 2, 4, 1),  // 'T$'
    ("->Us\u{435}r", InvalidTypeName, 2, 7, 1),  // 'Usеr'
    ("~>A|b", InvalidTypeName, 4, 5, 1),  // 'b'
    ("~>A|1B", InvalidTypeName, 4, 6, 1),  // '1B'
    ("~>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NameTooLong, 2, 67, 1),  // 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
    ("->Author.ppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp", NameTooLong, 9, 74, 1),  // 'ppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp'
    ("->Author.123posts", InvalidBackref, 9, 17, 1),  // '123posts'
    ("->Author.", InvalidBackref, 8, 9, 1),  // '.'
    ("->Author.posts@all", InvalidBackref, 9, 18, 1),  // 'posts@all'
    ("->Author.posts.items", MultipleBackrefs, 14, 20, 1),  // '.items'
    ("Author.posts.more", MultipleBackrefs, 12, 17, 1),  // '.more'
    ("~>T[].posts", MisplacedBackref, 5, 11, 1),  // '.posts'
    ("~>T?.posts", MisplacedBackref, 4, 10, 1),  // '.posts'
    ("Author.\u{e9}", InvalidBackref, 7, 9, 1),  // 'é'
    ("string.foo", InvalidBackref, 7, 10, 1),  // 'foo'
    ("->Author.-x", InvalidBackref, 9, 11, 1),  // '-x'
    ("", EmptyDefinition, 0, 0, 1),  // ''
    ("   ", EmptyDefinition, 0, 3, 1),  // '   '
    ("\t\n", EmptyDefinition, 0, 2, 1),  // '\t\n'
    ("varchar", UnknownType, 0, 7, 1),  // 'varchar'
    ("integer", UnknownType, 0, 7, 1),  // 'integer'
    ("int", UnknownType, 0, 3, 1),  // 'int'
    ("text", UnknownType, 0, 4, 1),  // 'text'
    ("bool", UnknownType, 0, 4, 1),  // 'bool'
    ("some-value", UnknownType, 0, 10, 1),  // 'some-value'
    ("$.title", UnknownType, 0, 1, 1),  // '$'
    ("https://example.com", UnknownType, 0, 15, 1),  // 'https://example'
    ("Why's", UnknownType, 0, 5, 1),  // "Why's"
    ("\u{fc}n\u{ef}code", UnknownType, 0, 9, 1),  // 'ünïcode'
    ("object", UnknownType, 0, 6, 1),  // 'object'
    ("CEO|CTO", UnionWithoutOperator, 0, 7, 1),  // 'CEO|CTO'
    ("A|B|C", UnionWithoutOperator, 0, 5, 1),  // 'A|B|C'
    ("Company(0.8)", ThresholdWithoutOperator, 7, 12, 1),  // '(0.8)'
    ("Company(0.8)[]", ThresholdWithoutOperator, 7, 12, 1),  // '(0.8)'
    ("Who?~>Person", MissingSpaceBeforeOperator, 4, 6, 1),  // '~>'
    ("Who buys it?->ICP", MissingSpaceBeforeOperator, 12, 14, 1),  // '->'
    ("prompt<~T", MissingSpaceBeforeOperator, 6, 8, 1),  // '<~'
    ("->User Admin", UnexpectedInput, 7, 12, 1),  // 'Admin'
    ("~>T and more", UnexpectedInput, 4, 12, 1),  // 'and more'
    ("~>T(0.8) please", UnexpectedInput, 9, 15, 1),  // 'please'
    ("~>T[] x", UnexpectedInput, 6, 7, 1),  // 'x'
    ("~>T[]|B", UnexpectedInput, 5, 7, 1),  // '|B'
    ("~>T?|B", UnexpectedInput, 4, 6, 1),  // '|B'
    ("~>A|B[](0.8)", AmbiguousThreshold, 7, 12, 1),  // '(0.8)'
    ("~>A|B?(0.8)", AmbiguousThreshold, 6, 11, 1),  // '(0.8)'
    ("~>A|B.x(0.8)", AmbiguousThreshold, 7, 12, 1),  // '(0.8)'
    ("['a', 'b']", InvalidArrayLiteral, 6, 10, 1),  // "'b']"
    ("[<-Comment]", InvalidArrayLiteral, 1, 2, 1),  // '<'
    ("['x", InvalidArrayLiteral, 0, 3, 1),  // "['x"
    ("['~>T'", InvalidArrayLiteral, 0, 6, 1),  // "['~>T'"
    ("[]", MissingTarget, 0, 1, 1),  // '['   (`x[]` is an array marker, not a literal)
    ("['']", EmptyDefinition, 0, 4, 1),  // "['']"
    ("['~>T(1.5)']", ThresholdOutOfRange, 6, 9, 1),  // '1.5'
    ("[\"~>T(abc)\"]", InvalidThreshold, 6, 9, 1),  // 'abc'
    ("['~>T'] x", InvalidArrayLiteral, 8, 9, 1),  // 'x'
    ("['a\\'b']", InvalidArrayLiteral, 0, 8, 1),  // "['a\\'b']"
    ("[['~>T']]", InvalidArrayLiteral, 1, 2, 1),  // '['
    ("['string??']", DuplicateModifier, 9, 10, 1),  // '?'
    ("\u{e9} ~>T(2)", ThresholdOutOfRange, 7, 8, 1),  // '2'
    ("Qui ach\u{e8}te? ~>ICP(1.5)", ThresholdOutOfRange, 19, 22, 1),  // '1.5'
    ("\u{65e5}\u{672c}\u{8a9e} ~>T (0.8)", WhitespaceInTarget, 13, 14, 1),  // ' '
    ("O\u{f9}? ~>icp", InvalidTypeName, 7, 10, 1),  // 'icp'
    // Fixes that keep the whole reference (checked by `suggested_definitions_parse`).
    ("->A|B(0.9)", ThresholdOnExactOperator, 5, 10, 1),
    ("->T.items(0.8)?", ThresholdOnExactOperator, 9, 14, 1),
    ("daily|weekly", UnionWithoutOperator, 0, 12, 1),
    ("->User|  |Author", EmptyUnionMember, 6, 7, 2),
    ("~>A|B.x[]?(0.8)", AmbiguousThreshold, 10, 15, 1),
    ("~>T((0.8))", UnclosedThreshold, 3, 4, 1),
    ("->A|B.x(0.9)", AmbiguousThreshold, 7, 12, 1),
    ("->A | B(0.9)", WhitespaceInTarget, 3, 4, 2),
];

#[test]
fn invalid_definitions_report_code_and_span() {
    assert!(
        CASES.len() >= 150,
        "at least 150 invalid cases: {}",
        CASES.len()
    );
    let mut failures = Vec::new();
    for &(input, code, start, end, count) in CASES {
        match field::parse(input) {
            Ok(def) => failures.push(format!("{input:?}: accepted as `{def}`")),
            Err(errors) => {
                let first = &errors[0];
                let got = (
                    first.code,
                    first.span().start(),
                    first.span().end(),
                    errors.len(),
                );
                if got != (code, start, end, count) {
                    failures.push(format!(
                        "{input:?}: expected {:?}, got {got:?}",
                        (code, start, end, count)
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every diagnostic names the offending text, says how to fix it, and points inside the input.
#[test]
fn every_diagnostic_is_actionable() {
    for &(input, ..) in CASES {
        for d in field::parse(input).expect_err("invalid input") {
            assert!(
                d.message.contains('`') || d.code == EmptyDefinition,
                "{input:?}: {}",
                d.message
            );
            assert!(
                d.message.starts_with(|c: char| !c.is_uppercase()),
                "{input:?}: {}",
                d.message
            );
            assert!(!d.message.ends_with('.'), "{input:?}: {}", d.message);
            assert!(
                d.help.as_deref().is_some_and(|h| !h.is_empty()),
                "{input:?}: no help for {}",
                d.message
            );
            for span in std::iter::once(d.span()).chain(d.secondary.iter().map(|s| s.0)) {
                assert!(
                    span.start() <= span.end() && span.end() <= input.len(),
                    "{input:?}: {span:?}"
                );
                assert!(
                    input.is_char_boundary(span.start()) && input.is_char_boundary(span.end()),
                    "{input:?}"
                );
            }
        }
    }
}

/// Every field-definition code is exercised by at least one case.
#[test]
fn every_field_code_is_covered() {
    let field_codes = Code::ALL.iter().take_while(|c| **c != SyntaxError);
    let missing: Vec<&str> = field_codes
        .filter(|c| !CASES.iter().any(|case| case.1 == **c))
        .map(|c| c.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "codes without an invalid case: {missing:?}"
    );
}

/// A fix written out whole (a quoted definition after an operator) fixes its error and brings
/// no new one: what is left of it are the input's other errors.
#[test]
fn suggested_definitions_parse() {
    let mut failures = Vec::new();
    for &(input, ..) in CASES {
        let errors = field::parse(input).expect_err("invalid input");
        let codes: Vec<Code> = errors.iter().map(|d| d.code).collect();
        for d in errors {
            let help = d.help.unwrap_or_default();
            for (i, quoted) in help.split('`').enumerate() {
                // An operator alone (`use `~>` or `->``) names the operator, not a definition.
                let is_definition = i % 2 == 1
                    && quoted.len() > 2
                    && ["~>", "->", "<~", "<-"]
                        .iter()
                        .any(|op| quoted.starts_with(op));
                if !is_definition {
                    continue;
                }
                let left = field::parse(quoted).err().unwrap_or_default();
                if let Some(new) = left
                    .iter()
                    .find(|e| e.code == d.code || !codes.contains(&e.code))
                {
                    failures.push(format!(
                        "{input:?} [{}]: suggests `{quoted}`, which gives {}",
                        d.code.as_str(),
                        new.code.as_str()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
