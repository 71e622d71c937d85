//! `cascade_dsl::field::parse` on arbitrary UTF-8: never panics; every accepted definition prints
//! canonically and parses back to the same meaning; every diagnostic points inside the input and
//! renders.
#![no_main]

use cascade_dsl::diag::{Style, render};
use cascade_dsl::field;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    match field::parse(input) {
        Ok(def) => {
            let printed = def.to_string();
            // A prompt-only *array* whose prompt holds a backslash or both quote characters has no
            // field-string form (the bracketed form takes no escapes); documented on `Display`.
            let unprintable = def.is_prompt_only()
                && def.array
                && def.prompt.as_ref().is_some_and(|p| {
                    p.value.contains('\\') || (p.value.contains('\'') && p.value.contains('"'))
                });
            if !unprintable {
                let again = field::parse(&printed).unwrap_or_else(|e| {
                    panic!("canonical form {printed:?} of {input:?} fails: {e:?}")
                });
                assert!(
                    again.same_meaning(&def),
                    "{input:?} -> {printed:?} changes meaning"
                );
                assert_eq!(again.to_string(), printed, "Display is idempotent");
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for d in &errors {
                let span = d.span();
                assert!(span.start() <= span.end() && span.end() <= input.len());
                assert!(input.is_char_boundary(span.start()) && input.is_char_boundary(span.end()));
            }
            let _ = render(&errors, input, "fuzz", Style::Plain);
        }
    }
});
