//! `.cascade` files: `cascade_dsl::schema::parse` and the whole `validate::check` (parse, field
//! definitions, validation) on arbitrary UTF-8 never panic, and every diagnostic points inside the
//! input and renders. `check` (which builds the schema while it reads the file, when its scanner can)
//! gives exactly what parsing the file and validating its tree gives, and so does its reading of a
//! file in parts on several threads (which `check` keeps for files of half a megabyte or more,
//! here forced on any input).
#![no_main]

use cascade_dsl::diag::{Style, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let tree = cascade_dsl::schema::parse(input);
    if let Err(errors) = &tree {
        assert!(!errors.is_empty());
    }
    let checked = cascade_dsl::validate::check(input);
    let validated = tree.and_then(|file| cascade_dsl::validate::validate(&file, input));
    assert_eq!(checked, validated, "check differs from parse + validate");
    for parts in 2..=3 {
        if let Some(in_parts) = cascade_dsl::validate::check_in_parts_for_fuzzing(input, parts) {
            assert_eq!(in_parts, checked, "reading in {parts} parts differs");
        }
    }
    if let Err(errors) = checked {
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
