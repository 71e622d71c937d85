//! `.cascade` files: `cascade_dsl::schema::parse` and the whole `validate::check` (parse, field
//! definitions, validation) on arbitrary UTF-8 never panic, and every diagnostic points inside the
//! input and renders.
#![no_main]

use cascade_dsl::diag::{Style, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Err(errors) = cascade_dsl::schema::parse(input) {
        assert!(!errors.is_empty());
    }
    if let Err(errors) = cascade_dsl::validate::check(input) {
        assert!(!errors.is_empty());
        for d in &errors {
            let span = d.span();
            assert!(
                span.start() <= span.end() && span.end() <= input.len(),
                "{span:?} outside the input"
            );
            assert!(input.is_char_boundary(span.start()) && input.is_char_boundary(span.end()));
        }
        let _ = render(&errors, input, "fuzz.cascade", Style::Plain);
    }
});
