//! Properties of `.cascade` checking: arbitrary input never panics; generated valid schemas check
//! clean and keep their meaning.

use std::fmt::Write;

use proptest::prelude::*;

/// A generated valid schema: its text and what it declares.
#[derive(Debug, Clone)]
struct Generated {
    src: String,
    types: usize,
    fields: usize,
    inverse: usize,
}

fn name(prefix: &'static str) -> impl Strategy<Value = String> {
    "[A-Za-z0-9_]{0,12}".prop_map(move |s| format!("{prefix}{s}"))
}

fn threshold() -> impl Strategy<Value = String> {
    (0u32..=100).prop_map(|n| format!("{}", f64::from(n) / 100.0))
}

/// A definition for a field of type `owner` among `n` types `T0..`.
fn definition(n: usize) -> impl Strategy<Value = (String, bool)> {
    let target = 0..n;
    prop_oneof![
        prop::sample::select(vec![
            "string",
            "number?",
            "boolean",
            "date",
            "datetime[]",
            "json",
            "markdown",
            "url?"
        ])
        .prop_map(|p| (format!("'{p}'"), false)),
        Just(("'What is it about?'".to_owned(), false)),
        (target.clone(), threshold(), any::<bool>(), any::<bool>()).prop_map(
            |(t, th, array, optional)| {
                let modifiers = format!(
                    "{}{}",
                    if array { "[]" } else { "" },
                    if optional { "?" } else { "" }
                );
                (format!("'Which one? ~>T{t}({th}){modifiers}'"), false)
            }
        ),
        (target.clone(), target.clone(), threshold()).prop_map(move |(a, d, th)| {
            // Union members are distinct: a second member exists only with two types or more.
            if n < 2 {
                return (format!("['<~T{a}({th})']"), false);
            }
            let b = (a + 1 + d % (n - 1)) % n;
            (format!("['<~T{a}|T{b}({th})']"), false)
        }),
        (target.clone(), prop::sample::select(vec!["->", "<-"]))
            .prop_map(|(t, op)| (format!("\"{op}T{t}\""), false)),
        target.prop_map(|t| (format!("'T{t}.back'"), true)),
    ]
}

fn schema() -> impl Strategy<Value = Generated> {
    (1usize..6)
        .prop_flat_map(|n| {
            let ty = (
                prop::option::of(threshold()),
                prop::option::of(threshold()),
                prop::collection::vec((name("f"), definition(n)), 0..6),
            );
            (prop::option::of(threshold()), prop::collection::vec(ty, n))
        })
        .prop_map(|(default, types)| {
            let mut src = String::from("{\n");
            if let Some(d) = default {
                writeln!(src, "  $config: {{ default: {d} }},").unwrap();
            }
            let mut fields = 0;
            let mut inverse = 0;
            for (i, (threshold, fuzzy, defs)) in types.iter().enumerate() {
                writeln!(src, "  // type {i}\n  T{i}: {{").unwrap();
                if let Some(t) = threshold {
                    writeln!(
                        src,
                        "    $config: {{ threshold: {t}, thresholdStrategy: 'adaptive' }},"
                    )
                    .unwrap();
                }
                if let Some(t) = fuzzy {
                    writeln!(src, "    \"$fuzzyThreshold\": {t},").unwrap();
                }
                let mut seen = std::collections::BTreeSet::new();
                let mut has_backref = false;
                for (field, (def, backref)) in defs {
                    // One backref per type at most, and unique field names (`back…` is left to inverses).
                    if !seen.insert(field.clone()) || (*backref && has_backref) {
                        continue;
                    }
                    let def = if *backref {
                        has_backref = true;
                        inverse += 1;
                        // Backref names are unique per owner, so no two backrefs claim one inverse.
                        def.replace(".back'", &format!(".back{i}'"))
                    } else {
                        def.clone()
                    };
                    writeln!(src, "    {field}: {def},").unwrap();
                    fields += 1;
                }
                writeln!(src, "  }},").unwrap();
            }
            src.push('}');
            Generated {
                src,
                types: types.len(),
                fields,
                inverse,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,200}") {
        let _ = cascade_dsl::check(&src);
    }

    #[test]
    fn object_like_text_never_panics(src in "[{}\\[\\]:,'\"$a-zA-Z0-9_ .\\\\/*\\n-]{0,120}") {
        let _ = cascade_dsl::check(&src);
    }

    #[test]
    fn generated_schemas_check_clean(generated in schema()) {
        let schema = match cascade_dsl::check(&generated.src) {
            Ok(schema) => schema,
            Err(errors) => {
                let rendered = cascade_dsl::diag::render(&errors, &generated.src, "generated", cascade_dsl::diag::Style::Plain);
                return Err(TestCaseError::fail(format!("{}\n{rendered}", generated.src)));
            }
        };
        prop_assert_eq!(schema.types.len(), generated.types);
        // Every backref creates its inverse field (no type declares it).
        prop_assert_eq!(schema.field_count(), generated.fields + generated.inverse);
    }

    #[test]
    fn every_mutation_of_a_valid_schema_is_handled(generated in schema(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = generated.src.into_bytes();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        if let Ok(src) = String::from_utf8(bytes) {
            let _ = cascade_dsl::check(&src);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any string written as a JSON string decodes back to itself, and every decoded character maps
    /// back to the text that wrote it (itself, or an escape sequence).
    #[test]
    fn json_strings_decode_and_map_back(text in "\\PC{0,40}", controls in "[\\n\\t\"\\\\\u{1}\u{7f}é😀]{0,6}") {
        let value = format!("{text}{controls}");
        let src = format!("{{ \"A\": {{ \"x\": {} }} }}", serde_json::to_string(&value).unwrap());
        let file = cascade_dsl::schema::parse(&src).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let cascade_dsl::schema::Value::Object(a) = &file.root.entries[0].value else {
            return Err(TestCaseError::fail("not an object"));
        };
        let cascade_dsl::schema::Value::String(x) = &a.entries[0].value else {
            return Err(TestCaseError::fail("not a string"));
        };
        prop_assert_eq!(&*x.value, value.as_str());
        let content = x.content_span();
        prop_assert_eq!(content.end() + 1, x.span.end());
        for (at, c) in value.char_indices() {
            let span = x.source_span(cascade_dsl::Span::new(at, at + c.len_utf8()));
            let written = &src[span.start()..span.end()];
            prop_assert!(written == c.to_string() || written.starts_with('\\'), "{:?} written as {:?}", c, written);
        }
    }
}
