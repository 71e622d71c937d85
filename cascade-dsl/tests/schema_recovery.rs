//! Syntax-error recovery of `.cascade` files: every independent error is reported in one run,
//! one error per mistake, and no input makes the parser panic or point outside the text.

use std::fmt::Write;
use std::path::Path;

use cascade_dsl::diag::{Diagnostic, Style, render};
use cascade_dsl::schema::MAX_ERRORS;
use proptest::prelude::*;

/// Every span of `errors` lies inside `src` on character boundaries; the errors are sorted by
/// position, at most [`MAX_ERRORS`], and render.
fn well_formed(src: &str, errors: &[Diagnostic]) -> Result<(), TestCaseError> {
    prop_assert!(!errors.is_empty());
    prop_assert!(errors.len() <= MAX_ERRORS);
    let in_bounds = |start: usize, end: usize| {
        start <= end && end <= src.len() && src.is_char_boundary(start) && src.is_char_boundary(end)
    };
    for d in errors {
        let span = d.span();
        prop_assert!(
            in_bounds(span.start(), span.end()),
            "{:?} of {:?} outside {:?}",
            span,
            d.message,
            src
        );
        for (span, _) in &d.secondary {
            prop_assert!(in_bounds(span.start(), span.end()));
        }
    }
    prop_assert!(
        errors
            .windows(2)
            .all(|w| w[0].span().start() <= w[1].span().start())
    );
    let _ = render(errors, src, "fuzz.cascade", Style::Plain);
    Ok(())
}

/// Parsing and checking `src` never panic and give well-formed diagnostics; a file with syntax
/// errors is not validated (`check` returns exactly the syntax errors).
fn never_panics(src: &str) -> Result<(), TestCaseError> {
    let parsed = cascade_dsl::schema::parse(src);
    if let Err(errors) = &parsed {
        well_formed(src, errors)?;
    }
    match cascade_dsl::check(src) {
        Ok(_) => prop_assert!(parsed.is_ok()),
        Err(errors) => {
            well_formed(src, &errors)?;
            if let Err(syntax) = &parsed {
                prop_assert_eq!(&errors, syntax);
            }
        }
    }
    Ok(())
}

/// Tokens schemas are made of, broken ones included.
fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        " ",
        "\n",
        "\r\n",
        "\t",
        "\u{a0}",
        "// c\n",
        "/* c */",
        "/*",
        "*/",
        "'",
        "\"",
        "\\",
        "\\'",
        "\\q",
        "\\u{41}",
        "\\uD83D",
        "'a'",
        "'~>T(0.8)'",
        "\"b\"",
        "'é'",
        "é",
        "a",
        "T",
        "$threshold",
        "0",
        "-",
        "0.85",
        "0.8.1",
        ".5",
        "1e",
        "1e400",
        "NaN",
        "true",
        "null",
        "x",
        "'\\",
        "😀",
    ])
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,120}") {
        never_panics(&src)?;
    }

    #[test]
    fn arbitrary_pieces_never_panic(pieces in prop::collection::vec(piece(), 0..60)) {
        never_panics(&pieces.concat())?;
    }
}

/// A broken entry line (`{name}` stands for the field's name), each one mistake that gives
/// exactly one error on its line, whatever comes before or after it (but see
/// [`MISSING_COLON`] and [`MISCOUNTS`]).
const BROKEN_ENTRIES: [&str; 20] = [
    "{name} 'string',",
    "{name}: .5,",
    "{name}: +1,",
    "{name}: NaN,",
    "{name}: 0.8.1,",
    "{name}: 1e,",
    "{name}: 'a\\q',",
    "{name}: 'unterminated,",
    "{name}: 'x' 'y',",
    "{name}: ['a',, 'b'],",
    "{name}: [,],",
    "{name}: { x: 1 y: 2 },",
    "'{name}\\uD83D': 'string',",
    "{name}: ['a' },",
    "{name}: { x: 1 ],",
    "{name}: x: 1 },",
    "{name}: 'a', 'b'],",
    "{name}: ['a', 'b,",
    "{name}: { x: 'a },",
    "{name}: [{ x: ['a ] }],",
];

/// The entry with a forgotten `:`. Right after an unterminated string, a line that is not a
/// `key:` is read as the string's continuation (a prompt written over two lines), so its error
/// shows only once the string is fixed: the generator does not put it there.
const MISSING_COLON: usize = 0;
/// The entries with an unterminated string (the second one inside an array, its `]` lost; the
/// last two take the closers of the containers they are in).
const UNTERMINATED: [usize; 4] = [7, 17, 18, 19];
/// The entries with a closer of the wrong kind (`}` for `]`, `]` for `}`).
const WRONG_CLOSERS: [usize; 2] = [13, 14];
/// The entries with a closer too many or too few. Which bracket a closer belongs to is decided
/// by counting the brackets of the rest of the file, which such a mistake further on throws
/// off by one: the generator puts one only before any other bracket mistake.
const MISCOUNTS: [usize; 5] = [15, 16, 17, 18, 19];

/// A schema of one entry or type header per line, with mistakes on some lines; and the
/// (1-based) lines of the mistakes.
fn schema_with_mistakes() -> impl Strategy<Value = (String, Vec<usize>)> {
    let entry = prop::option::weighted(0.3, 0..BROKEN_ENTRIES.len());
    let ty = (
        prop::bool::weighted(0.15),
        prop::collection::vec(entry, 0..6),
    );
    prop::collection::vec(ty, 1..6).prop_map(|types| {
        let mut src = String::from("{\n");
        let mut lines = Vec::new();
        let mut line = 1;
        let mut bracket_mistakes = 0;
        for (t, (broken_header, entries)) in types.iter().enumerate() {
            line += 1;
            if *broken_header {
                // A forgotten `:` before the type's object.
                writeln!(src, "  T{t} {{").unwrap();
                lines.push(line);
            } else {
                writeln!(src, "  T{t}: {{").unwrap();
            }
            let mut previous = None;
            for (f, broken) in entries.iter().enumerate() {
                line += 1;
                let name = format!("f{f}");
                let mut broken = *broken;
                if previous.is_some_and(|k| UNTERMINATED.contains(&k))
                    && broken == Some(MISSING_COLON)
                {
                    broken = None;
                }
                if let Some(k) = broken {
                    if MISCOUNTS.contains(&k) && bracket_mistakes > 0 {
                        broken = None;
                    } else if MISCOUNTS.contains(&k) || WRONG_CLOSERS.contains(&k) {
                        bracket_mistakes += 1;
                    }
                }
                previous = broken;
                match broken {
                    Some(k) => {
                        let text = BROKEN_ENTRIES[k].replace("{name}", &name);
                        writeln!(src, "    {text}").unwrap();
                        lines.push(line);
                    }
                    None => writeln!(src, "    {name}: 'string',").unwrap(),
                }
            }
            line += 1;
            src.push_str("  },\n");
        }
        src.push_str("}\n");
        (src, lines)
    })
}

proptest! {
    /// Independent mistakes are all reported, each once, on its own line.
    #[test]
    fn every_mistake_is_reported_once((src, lines) in schema_with_mistakes()) {
        let line_of = |offset: usize| src[..offset].matches('\n').count() + 1;
        match cascade_dsl::schema::parse(&src) {
            Ok(_) => prop_assert!(lines.is_empty(), "no error in {}", src),
            Err(errors) => {
                well_formed(&src, &errors)?;
                let found: Vec<usize> = errors.iter().map(|d| line_of(d.span().start())).collect();
                prop_assert_eq!(&found, &lines, "in\n{}", src);
            }
        }
    }
}

/// The multi-error fixtures: every error of each, counted by line (the rendered text is in the
/// insta snapshots of `schema_fixtures.rs`).
#[test]
fn syntax_fixtures_report_every_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schemas/invalid");
    for (name, expected) in [
        (
            "syntax-several-errors.cascade",
            &[4, 5, 7, 8, 9, 12, 14][..],
        ),
        ("syntax-unterminated-strings.cascade", &[3, 4, 8]),
        ("syntax-wrong-closing-bracket.cascade", &[3, 4, 7]),
        ("syntax-missing-closing-bracket.cascade", &[5, 6, 8, 9]),
        ("syntax-missing-commas-between-types.cascade", &[3, 5, 7, 7]),
        ("syntax-missing-colon-before-object.cascade", &[2, 3, 5]),
        (
            "syntax-recovery-skips-strings-and-comments.cascade",
            &[3, 6, 9, 9],
        ),
        // The unclosed `[` (line 4) is found last, at the end of the file, and sorted in.
        ("syntax-unclosed-after-errors.cascade", &[3, 4, 4, 4]),
    ] {
        let src = std::fs::read_to_string(dir.join(name)).unwrap();
        let errors = cascade_dsl::check(&src).unwrap_err();
        let lines: Vec<usize> = errors
            .iter()
            .map(|d| src[..d.span().start()].matches('\n').count() + 1)
            .collect();
        assert_eq!(lines, expected, "{name}");
        assert!(errors.iter().all(|d| d.code.as_str() == "syntax-error"));
    }
}
