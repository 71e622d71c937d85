//! Property tests: generated valid definitions parse to what was generated and round-trip through
//! `Display`; arbitrary strings never panic and every diagnostic points inside the input.

use cascade_dsl::diag::{Style, render};
use cascade_dsl::field::{self, Primitive};
use cascade_runtime::Operator;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Member {
    name: String,
    threshold: Option<f64>,
}

#[derive(Debug, Clone)]
enum Spec {
    Reference {
        prompt: Option<String>,
        operator: Option<Operator>,
        members: Vec<Member>,
        backref: Option<String>,
        array: bool,
        optional: bool,
        /// Write a single member's threshold after the modifiers (`~>T[](0.8)`).
        compat: bool,
        /// Wrap in the array literal `['...']` instead of writing `[]`.
        literal: bool,
    },
    Primitive {
        primitive: Primitive,
        array: bool,
        optional: bool,
    },
    Prompt {
        text: String,
        literal: bool,
    },
}

fn type_name() -> impl Strategy<Value = String> {
    "[A-Z][A-Za-z0-9_]{0,12}"
}

fn prompt_text() -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Za-z0-9?,'éü日]{1,8}", 2..6).prop_map(|words| words.join(" "))
}

fn threshold() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u32..=100).prop_map(|n| f64::from(n) / 100.0),
        0.0f64..=1.0
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    let reference = (
        prop::option::of(prompt_text()),
        prop::option::of(prop::sample::select(Operator::ALL.to_vec())),
        prop::collection::vec((type_name(), prop::option::of(threshold())), 1..4),
        prop::option::of("[a-z_][A-Za-z0-9_]{0,10}"),
        any::<(bool, bool, bool, bool)>(),
    )
        .prop_filter_map(
            "valid combination",
            |(prompt, operator, members, backref, (array, optional, compat, literal))| {
                let mut seen = std::collections::HashSet::new();
                if !members.iter().all(|(n, _)| seen.insert(n.clone())) {
                    return None;
                }
                let fuzzy = operator.is_some_and(Operator::is_fuzzy);
                let members: Vec<Member> = members
                    .into_iter()
                    .map(|(name, threshold)| Member {
                        name,
                        threshold: threshold.filter(|_| fuzzy),
                    })
                    .collect();
                // No operator: one member, no prompt (DESIGN's `plain := Type ["." backref]`).
                if operator.is_none() && (members.len() > 1 || prompt.is_some()) {
                    return None;
                }
                let compat = compat && members.len() == 1 && members[0].threshold.is_some();
                Some(Spec::Reference {
                    prompt,
                    operator,
                    members,
                    backref,
                    array,
                    optional,
                    compat,
                    literal,
                })
            },
        );
    let primitive = (
        prop::sample::select(Primitive::ALL.to_vec()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(primitive, array, optional)| Spec::Primitive {
            primitive,
            array,
            optional,
        });
    let prompt =
        (prompt_text(), any::<bool>()).prop_map(|(text, literal)| Spec::Prompt { text, literal });
    prop_oneof![4 => reference, 1 => primitive, 1 => prompt]
}

fn write(spec: &Spec) -> String {
    match spec {
        Spec::Reference {
            prompt,
            operator,
            members,
            backref,
            array,
            optional,
            compat,
            literal,
        } => {
            let mut s = String::new();
            if let Some(p) = prompt {
                s.push_str(p);
                s.push(' ');
            }
            if let Some(op) = operator {
                s.push_str(op.as_str());
            }
            let names: Vec<String> = members
                .iter()
                .map(|m| match m.threshold {
                    Some(t) if !compat => format!("{}({t})", m.name),
                    _ => m.name.clone(),
                })
                .collect();
            s.push_str(&names.join("|"));
            if let Some(b) = backref {
                s.push('.');
                s.push_str(b);
            }
            if *array && !literal {
                s.push_str("[]");
            }
            if *optional {
                s.push('?');
            }
            if *compat && let Some(t) = members[0].threshold {
                s.push_str(&format!("({t})"));
            }
            if *array && *literal {
                let q = if s.contains('\'') { '"' } else { '\'' };
                s = format!("[{q}{s}{q}]");
            }
            s
        }
        Spec::Primitive {
            primitive,
            array,
            optional,
        } => {
            format!(
                "{primitive}{}{}",
                if *array { "[]" } else { "" },
                if *optional { "?" } else { "" }
            )
        }
        Spec::Prompt { text, literal } => {
            if *literal {
                let q = if text.contains('\'') { '"' } else { '\'' };
                format!("[{q}{text}{q}]")
            } else {
                text.clone()
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn generated_definitions_parse_to_their_spec_and_round_trip(spec in spec()) {
        let text = write(&spec);
        let def = field::parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e:#?}")))?;
        match &spec {
            Spec::Reference { prompt, operator, members, backref, array, optional, .. } => {
                prop_assert_eq!(def.prompt.as_ref().map(|p| p.value.to_string()), prompt.clone());
                prop_assert_eq!(def.operator.as_ref().map(|o| o.value), *operator);
                let got: Vec<(String, Option<f64>)> = def.targets.iter()
                    .map(|t| (t.name.value.to_string(), t.threshold.as_ref().map(|th| th.value.get()))).collect();
                let want: Vec<(String, Option<f64>)> = members.iter().map(|m| (m.name.clone(), m.threshold)).collect();
                prop_assert_eq!(got, want);
                prop_assert_eq!(def.backref.as_ref().map(|b| b.value.to_string()), backref.clone());
                prop_assert_eq!((def.array, def.optional), (*array, *optional));
            }
            Spec::Primitive { primitive, array, optional } => {
                prop_assert_eq!(def.primitive.as_ref().map(|p| p.value), Some(*primitive));
                prop_assert_eq!((def.array, def.optional), (*array, *optional));
            }
            Spec::Prompt { text: prompt, literal } => {
                prop_assert!(def.is_prompt_only());
                prop_assert_eq!(def.prompt.as_ref().map(|p| p.value.as_str()), Some(prompt.as_str()));
                prop_assert_eq!(def.array, *literal);
            }
        }
        let printed = def.to_string();
        let again = field::parse(&printed).map_err(|e| TestCaseError::fail(format!("{printed:?}: {e:#?}")))?;
        prop_assert!(again.same_meaning(&def), "{} -> {}", text, printed);
        prop_assert_eq!(again.to_string(), printed);
    }

    #[test]
    fn arbitrary_strings_never_panic(input in any::<String>()) {
        check_total(&input)?;
    }

    #[test]
    fn grammar_like_strings_never_panic(input in "[-<>~|()\\[\\]?.,'\" a-zA-Z0-9_é日\t\n]{0,40}") {
        check_total(&input)?;
    }
}

/// `parse` returns, and on failure every span lies on char boundaries inside the input.
fn check_total(input: &str) -> Result<(), TestCaseError> {
    match field::parse(input) {
        Ok(def) => {
            let printed = def.to_string();
            if !(def.is_prompt_only() && def.array) {
                let again = field::parse(&printed)
                    .map_err(|e| TestCaseError::fail(format!("{printed:?}: {e:?}")))?;
                prop_assert!(again.same_meaning(&def), "{:?} -> {:?}", input, printed);
            }
        }
        Err(errors) => {
            prop_assert!(!errors.is_empty());
            for d in &errors {
                let s = d.span();
                prop_assert!(
                    s.start() <= s.end() && s.end() <= input.len(),
                    "{:?}: {:?}",
                    input,
                    s
                );
                prop_assert!(input.is_char_boundary(s.start()) && input.is_char_boundary(s.end()));
            }
            let rendered = render(&errors, input, "<prop>", Style::Plain);
            prop_assert!(rendered.starts_with("error["));
        }
    }
    Ok(())
}
