//! `cascade_dsl::check` on arbitrary UTF-8 (`.cascade` files): never panics; every diagnostic
//! points inside the input on character boundaries and renders; an accepted schema is internally
//! consistent (every target type exists, every span lies inside the input).
#![no_main]

use cascade_dsl::diag::{Style, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let in_bounds = |start: usize, end: usize| {
        start <= end
            && end <= input.len()
            && input.is_char_boundary(start)
            && input.is_char_boundary(end)
    };
    match cascade_dsl::check(input) {
        Ok(schema) => {
            let index = schema.type_index();
            for ty in &schema.types {
                assert!(
                    in_bounds(ty.span.start(), ty.span.end()),
                    "type span {:?}",
                    ty.span
                );
                for field in &ty.fields {
                    assert!(in_bounds(field.span.start(), field.span.end()));
                    for target in &field.def().targets {
                        assert!(
                            index.contains_key(target.name.value.as_str()),
                            "unknown target accepted"
                        );
                        let span = field.place(target.name.span);
                        assert!(in_bounds(span.start(), span.end()), "target span {span:?}");
                    }
                }
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for d in &errors {
                let span = d.span();
                assert!(
                    in_bounds(span.start(), span.end()),
                    "{span:?} outside the input: {}",
                    d.message
                );
                for (span, _) in &d.secondary {
                    assert!(in_bounds(span.start(), span.end()));
                }
            }
            let _ = render(&errors, input, "fuzz.cascade", Style::Plain);
        }
    }
});
