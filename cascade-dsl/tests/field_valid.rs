//! Valid field definitions: every example of DESIGN §2/§3 and of the spike, with the meaning each
//! states; the canonical form of each; AST snapshots.

use cascade_dsl::field::{self, FieldDef, Primitive};
use cascade_runtime::Operator::{self, *};

fn parse(def: &str) -> FieldDef {
    field::parse(def).unwrap_or_else(|errors| panic!("`{def}` should parse: {errors:#?}"))
}

/// `(type, threshold)` of every target.
fn targets(def: &FieldDef) -> Vec<(&str, Option<f64>)> {
    def.targets
        .iter()
        .map(|t| {
            (
                t.name.value.as_str(),
                t.threshold.as_ref().map(|th| th.value.get()),
            )
        })
        .collect()
}

fn op(def: &FieldDef) -> Option<Operator> {
    def.operator.as_ref().map(|op| op.value)
}

/// `(input, operator, targets, array, optional, canonical form)`.
type Case<'a> = (
    &'a str,
    Option<Operator>,
    &'a [(&'a str, Option<f64>)],
    bool,
    bool,
    &'a str,
);

#[test]
fn design_and_spike_examples_mean_what_they_say() {
    #[rustfmt::skip]
    let cases: &[Case<'_>] = &[
        ("~>ICP(0.82)", Some(ForwardFuzzy), &[("ICP", Some(0.82))], false, false, "~>ICP(0.82)"),
        ("~>Industry", Some(ForwardFuzzy), &[("Industry", None)], false, false, "~>Industry"),
        ("['~>Company(0.85)']", Some(ForwardFuzzy), &[("Company", Some(0.85))], true, false, "~>Company(0.85)[]"),
        ("~>Persona(0.85)", Some(ForwardFuzzy), &[("Persona", Some(0.85))], false, false, "~>Persona(0.85)"),
        ("['~>Skill']", Some(ForwardFuzzy), &[("Skill", None)], true, false, "~>Skill[]"),
        ("<~Industry", Some(BackwardFuzzy), &[("Industry", None)], false, false, "<~Industry"),
        ("->T", Some(ForwardExact), &[("T", None)], false, false, "->T"),
        ("<-T", Some(BackwardExact), &[("T", None)], false, false, "<-T"),
        ("~>A(0.9)|B(0.7)", Some(ForwardFuzzy), &[("A", Some(0.9)), ("B", Some(0.7))], false, false, "~>A(0.9)|B(0.7)"),
        ("~>A|B(0.9)|C", Some(ForwardFuzzy), &[("A", None), ("B", Some(0.9)), ("C", None)], false, false, "~>A|B(0.9)|C"),
        ("~>T(0.85)", Some(ForwardFuzzy), &[("T", Some(0.85))], false, false, "~>T(0.85)"),
        ("~>T(0.8).items[]?", Some(ForwardFuzzy), &[("T", Some(0.8))], true, true, "~>T(0.8).items[]?"),
        // DESIGN's compatibility forms: the threshold after the modifiers.
        ("~>T[](0.8)", Some(ForwardFuzzy), &[("T", Some(0.8))], true, false, "~>T(0.8)[]"),
        ("~>T?(0.8)", Some(ForwardFuzzy), &[("T", Some(0.8))], false, true, "~>T(0.8)?"),
        ("~>T.items(0.8)", Some(ForwardFuzzy), &[("T", Some(0.8))], false, false, "~>T(0.8).items"),
        ("['~>T[]']", Some(ForwardFuzzy), &[("T", None)], true, false, "~>T[]"),
        ("Author.posts", None, &[("Author", None)], false, false, "Author.posts"),
        ("Author", None, &[("Author", None)], false, false, "Author"),
        ("['Post.author']", None, &[("Post", None)], true, false, "Post.author[]"),
        ("->Author.posts", Some(ForwardExact), &[("Author", None)], false, false, "->Author.posts"),
        ("~>T(1)", Some(ForwardFuzzy), &[("T", Some(1.0))], false, false, "~>T(1)"),
        ("~>T(0)", Some(ForwardFuzzy), &[("T", Some(0.0))], false, false, "~>T(0)"),
        ("~>T(0.80)", Some(ForwardFuzzy), &[("T", Some(0.8))], false, false, "~>T(0.8)"),
        ("~>T(1.000)", Some(ForwardFuzzy), &[("T", Some(1.0))], false, false, "~>T(1)"),
        ("  ~>T  ", Some(ForwardFuzzy), &[("T", None)], false, false, "~>T"),
        ("[ \"~>T\" , ]", Some(ForwardFuzzy), &[("T", None)], true, false, "~>T[]"),
        ("~>String", Some(ForwardFuzzy), &[("String", None)], false, false, "~>String"),
        ("~>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", Some(ForwardFuzzy),
            &[("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", None)], false, false,
            "~>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    ];
    for &(input, operator, expected, array, optional, canonical) in cases {
        let def = parse(input);
        assert_eq!(op(&def), operator, "{input}");
        assert_eq!(targets(&def), expected, "{input}");
        assert_eq!((def.array, def.optional), (array, optional), "{input}");
        assert_eq!(def.primitive, None, "{input}");
        assert_eq!(def.to_string(), canonical, "{input}");
    }
}

#[test]
fn design_schema_example_fields() {
    // The `.cascade` example of DESIGN §3, field by field.
    let customer = parse("Who buys it? ~>ICP(0.82)");
    assert_eq!(
        customer.prompt.as_ref().map(|p| p.value.as_str()),
        Some("Who buys it?")
    );
    assert_eq!(targets(&customer), [("ICP", Some(0.82))]);
    let competitors = parse("['~>Company(0.85)']");
    assert!(competitors.array);
    let industry = parse("<~Industry");
    assert_eq!(op(&industry), Some(BackwardFuzzy));
    let name = parse("string");
    assert_eq!(name.primitive.map(|p| p.value), Some(Primitive::String));
}

#[test]
fn primitives_with_modifiers() {
    for primitive in Primitive::ALL {
        for (suffix, array, optional) in [
            ("", false, false),
            ("[]", true, false),
            ("?", false, true),
            ("[]?", true, true),
        ] {
            let input = format!("{primitive}{suffix}");
            let def = parse(&input);
            assert_eq!(
                def.primitive.as_ref().map(|p| p.value),
                Some(primitive),
                "{input}"
            );
            assert_eq!(
                (def.array, def.optional, def.prompt.is_none()),
                (array, optional, true),
                "{input}"
            );
            assert!(def.targets.is_empty() && def.operator.is_none(), "{input}");
            assert_eq!(def.to_string(), input);
        }
    }
}

#[test]
fn prompt_only_fields_are_strings_and_keep_their_question_mark() {
    for input in [
        "What is the startup idea?",
        "Describe this product",
        "What is the severity? (low/medium/high)",
        "todo | doing | done",
        "Use > and < for comparison",
        "About ~100 items",
        "string (30 chars)",
        "Qu'est-ce que c'est ? — réponse",
        "Line one\nline two",
        "[draft] What is it?",
    ] {
        let def = parse(input);
        assert!(def.is_prompt_only(), "{input}");
        assert_eq!(def.prompt.as_ref().map(|p| p.value.as_str()), Some(input));
        assert_eq!(
            def.primitive.as_ref().map(|p| p.value),
            Some(Primitive::String)
        );
        assert!(!def.optional && !def.array, "{input}");
        assert_eq!(def.to_string(), input);
    }
    let array = parse("['What do AI agents need?']");
    assert!(array.is_prompt_only() && array.array);
    assert_eq!(array.to_string(), "['What do AI agents need?']");
    assert_eq!(
        parse("[\"What's next?\"]").to_string(),
        "[\"What's next?\"]"
    );
}

#[test]
fn prompts_before_operators() {
    let def = parse("   Who?   ->Person");
    assert_eq!(
        def.prompt
            .as_ref()
            .map(|p| (p.value.as_str(), p.span.start(), p.span.end())),
        Some(("Who?", 3, 7))
    );
    assert_eq!(def.to_string(), "Who? ->Person");
    let def = parse("Line one\nLine two ->Entity");
    assert_eq!(
        def.prompt.as_ref().map(|p| p.value.as_str()),
        Some("Line one\nLine two")
    );
    let def = parse("Optional parent? <-Parent?");
    assert_eq!(
        def.prompt.as_ref().map(|p| p.value.as_str()),
        Some("Optional parent?")
    );
    assert!(def.optional);
}

#[test]
fn spans_are_byte_offsets_into_the_input() {
    let input = "  Qui achète ? ~>Entreprise(0.85).clients[]?  ";
    let def = parse(input);
    let text = |s: cascade_dsl::Span| &input[s.start()..s.end()];
    assert_eq!(text(def.span), "Qui achète ? ~>Entreprise(0.85).clients[]?");
    assert_eq!(
        def.prompt.as_ref().map(|p| text(p.span)),
        Some("Qui achète ?")
    );
    assert_eq!(def.operator.as_ref().map(|o| text(o.span)), Some("~>"));
    assert_eq!(text(def.targets[0].name.span), "Entreprise");
    assert_eq!(
        def.targets[0].threshold.as_ref().map(|t| text(t.span)),
        Some("0.85")
    );
    assert_eq!(def.backref.as_ref().map(|b| text(b.span)), Some("clients"));
    let def = parse("['~>Company(0.85)']");
    assert_eq!(
        text_of("['~>Company(0.85)']", def.targets[0].name.span),
        "Company"
    );
    assert_eq!(def.span, cascade_dsl::Span::new(0, 19));
}

fn text_of(input: &str, span: cascade_dsl::Span) -> &str {
    &input[span.start()..span.end()]
}

#[test]
fn canonical_form_round_trips() {
    for input in [
        "~>T[](0.8)",
        "Who buys it? ~>ICP(0.82)",
        "['Who? ~>A(0.9)|B.back']",
        "<~A|B|C?",
        "number[]?",
        "What is it?",
        "Author.posts?",
        "['What?']",
    ] {
        let def = parse(input);
        let printed = def.to_string();
        let again = parse(&printed);
        assert!(again.same_meaning(&def), "{input} -> {printed}");
        assert_eq!(again.to_string(), printed, "Display is idempotent");
    }
}

#[test]
fn ast_snapshots() {
    for (name, input) in [
        ("fuzzy_threshold", "~>ICP(0.82)"),
        ("prompt_reference", "Who buys it? ~>ICP(0.82)"),
        ("array_literal", "['~>Company(0.85)']"),
        ("union_per_member", "<~A(0.9)|B(0.7)|C"),
        ("backref_modifiers", "->Author.posts[]?"),
        ("relation_without_operator", "Author.posts"),
        ("primitive", "datetime[]?"),
        ("prompt_only", "What is the startup idea?"),
        ("compat_threshold", "~>T.items(0.8)"),
        ("unicode_prompt", "Qui achète ? <-Entreprise"),
    ] {
        insta::assert_debug_snapshot!(format!("ast_{name}"), parse(input), input);
    }
}

#[test]
fn diagnostic_snapshots() {
    use cascade_dsl::diag::{Style, render};
    for (name, input) in [
        ("out_of_range", "~>ICP(1.5)"),
        ("space_before_threshold", "~>T (0.8)"),
        ("spaces_in_union", "~>A | B"),
        ("glued", "<->T"),
        ("two_operators", "x ~> y <~ Z"),
        ("exact_threshold", "->T(0.8)"),
        ("optional_before_array", "~>T?[]"),
        ("double_optional", "string??"),
        ("unknown_type", "varchar"),
        ("several_errors", "~>icp(abc)|B|B"),
        ("unclosed", "~>T(0.8"),
        ("prompt_glued", "Who?~>Person"),
        ("non_ascii_before_error", "Qui achète ? ~>Entreprise(1.5)"),
        ("multiline_prompt", "Line one\nLine two ~>T(.5)"),
        ("array_literal_two_strings", "['~>A', '~>B']"),
        ("empty", "   "),
        ("trailing_text", "~>ICP and more"),
        ("ambiguous", "~>A|B[](0.8)"),
    ] {
        let errors = field::parse(input).expect_err(input);
        insta::assert_snapshot!(
            format!("diag_{name}"),
            render(&errors, input, "<arg 1>", Style::Plain),
            input
        );
    }
}
