//! One insta snapshot per `.cascade` fixture: the plain rendered diagnostics of every invalid
//! fixture, the model (`Debug`) of every valid one.

use std::path::Path;

use cascade_dsl::diag::{Style, render};

/// The fixture's path relative to this crate, with `/`: what the rendered `-->` line shows.
fn origin(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn invalid_fixtures() {
    insta::glob!("fixtures/schemas/invalid/*.cascade", |path| {
        let src = std::fs::read_to_string(path).unwrap();
        let errors = match cascade_dsl::check(&src) {
            Ok(schema) => panic!("{} checks clean: {schema:?}", path.display()),
            Err(errors) => errors,
        };
        assert!(!errors.is_empty());
        let rendered = render(&errors, &src, &origin(path), Style::Plain);
        insta::assert_snapshot!(rendered);
    });
}

#[test]
fn valid_fixtures() {
    insta::glob!("fixtures/schemas/valid/*.cascade", |path| {
        let src = std::fs::read_to_string(path).unwrap();
        match cascade_dsl::check(&src) {
            Ok(schema) => insta::assert_debug_snapshot!(schema),
            Err(errors) => panic!(
                "{}:\n{}",
                path.display(),
                render(&errors, &src, &origin(path), Style::Plain)
            ),
        }
    });
}

#[test]
fn there_are_at_least_40_invalid_fixtures() {
    let count = std::fs::read_dir(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schemas/invalid"),
    )
    .unwrap()
    .filter(|e| {
        e.as_ref()
            .unwrap()
            .path()
            .extension()
            .is_some_and(|x| x == "cascade")
    })
    .count();
    assert!(count >= 40, "only {count} invalid fixtures");
}

/// One run reports errors of several kinds in several types.
#[test]
fn many_errors_are_all_reported_at_once() {
    let src =
        std::fs::read_to_string("tests/fixtures/schemas/invalid/many-errors.cascade").unwrap();
    let errors = cascade_dsl::check(&src).unwrap_err();
    let mut codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "unknown-config-key",
            "invalid-metadata-value",
            "duplicate-field",
            "conflicting-threshold",
            "unknown-metadata-key",
            "unknown-target-type",
            "invalid-array-literal",
            "invalid-field-name",
            "invalid-entity-name",
            "duplicate-type",
        ]
    );
    codes.sort_unstable();
    codes.dedup();
    assert!(codes.len() >= 8);
    // Sorted by position.
    assert!(
        errors
            .windows(2)
            .all(|w| w[0].span().start() <= w[1].span().start())
    );
}

/// A field-definition error is reported at its position in the file, also after escapes.
#[test]
fn field_errors_are_placed_in_the_file() {
    let src =
        std::fs::read_to_string("tests/fixtures/schemas/invalid/field-error-after-escape.cascade")
            .unwrap();
    let errors = cascade_dsl::check(&src).unwrap_err();
    let span = errors[0].span();
    assert_eq!(&src[span.start()..span.end()], "1.5");
}
