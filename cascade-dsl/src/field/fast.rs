//! A fast path for the definitions schemas are mostly made of.
//!
//! The nom parser (`parser.rs`) is the grammar: it is lenient so it can report every error at once,
//! and that costs a few hundred nanoseconds per definition. Most definitions are short and canonical
//! (`string?`, `~>ICP(0.82)`, `Who buys it? ~>ICP(0.82)`, `['~>Skill']`), so this byte-level scanner
//! accepts exactly that canonical subset and returns `None` for anything else (compatibility forms,
//! whitespace in targets, non-ASCII outside prompts, any error), which then goes to the nom parser.
//!
//! Invariant: when `parse` returns `Some(def)`, the nom parser returns `Ok(def)` for the same input,
//! spans included. A property test at the bottom of this file checks it.

use cascade_runtime::{Operator, Threshold};

use super::parser::MAX_NAME_LEN;
use super::{FieldDef, Primitive, Target, Targets};
use crate::CompactString;
use crate::span::{Span, Spanned};

/// The canonical-subset parse of `def`, or `None` to defer to the full parser.
pub(super) fn parse(def: &str) -> Option<FieldDef> {
    deliver(def, |field| field)
}

/// [`parse`] into `out` (the field of a schema being built: the definition is written where it
/// stays), which it leaves untouched when it returns `None`.
pub(crate) fn parse_into(def: &str, out: &mut FieldDef) -> Option<()> {
    deliver(def, |field| *out = field)
}

/// The canonical-subset parse of `def`, handed to `emit` where it is built (so that neither
/// caller moves it once more), or `None` to defer to the full parser.
#[inline(always)]
fn deliver<R>(def: &str, emit: impl FnOnce(FieldDef) -> R) -> Option<R> {
    let start = def.len() - def.trim_start().len();
    let body = def.trim();
    if body.is_empty() {
        return None;
    }
    // `['...']`: the inner text with no quote or backslash inside; spans stay offsets into `def`.
    if let Some(inner) = body.strip_prefix("['").and_then(|b| b.strip_suffix("']")) {
        if inner.is_empty() || inner.contains(['\'', '\\']) || inner.trim().len() != inner.len() {
            return None;
        }
        return definition(inner, start + 2, |mut field| {
            field.span = Span::new(start, start + body.len());
            field.array = true;
            emit(field)
        });
    }
    if body.starts_with('[') {
        return None;
    }
    definition(body, start, emit)
}

/// `body` is trimmed and starts at byte `base` of the input.
#[inline(always)]
fn definition<R>(body: &str, base: usize, emit: impl FnOnce(FieldDef) -> R) -> Option<R> {
    let bytes = body.as_bytes();
    let span = Span::new(base, base + body.len());
    let first_op = bytes
        .iter()
        .position(|b| matches!(b, b'<' | b'-' | b'~' | b'>'));
    let Some(at) = first_op else {
        if bytes
            .iter()
            .any(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            // Text with whitespace and no operator character at all: a prompt-only field.
            return Some(emit(FieldDef {
                span,
                prompt: Some(Spanned::new(CompactString::from(body), span)),
                operator: None,
                targets: Targets::new(),
                primitive: Some(Spanned::new(Primitive::String, span)),
                backref: None,
                array: false,
                optional: false,
            }));
        }
        if !body.is_ascii() {
            return None;
        }
        return plain(body, base, span, emit);
    };
    let op_text = body.get(at..at + 2)?;
    let op = Operator::ALL
        .into_iter()
        .find(|op| op.as_str() == op_text)?;
    let target = body.get(at + 2..)?;
    // Exactly one operator run, and it is the operator itself.
    if target
        .bytes()
        .any(|b| matches!(b, b'<' | b'-' | b'~' | b'>'))
    {
        return None;
    }
    let prompt = if at == 0 {
        None
    } else {
        let raw = body.get(..at)?;
        let trimmed = raw.trim_end_matches([' ', '\t', '\n', '\r']);
        if trimmed.len() == raw.len() || trimmed.trim_end().len() != trimmed.len() {
            return None;
        }
        Some(Spanned::new(
            CompactString::from(trimmed),
            Span::new(base, base + trimmed.len()),
        ))
    };
    let expr = target_expr(target, base + at + 2, op.is_fuzzy(), false)?;
    let backref = match expr.backref {
        Some(s) => Some(Spanned::new(
            CompactString::from(body.get(s.start() - base..s.end() - base)?),
            s,
        )),
        None => None,
    };
    Some(emit(FieldDef {
        span,
        prompt,
        operator: Some(Spanned::new(op, Span::new(base + at, base + at + 2))),
        targets: expr.targets,
        primitive: None,
        backref,
        array: expr.array,
        optional: expr.optional,
    }))
}

/// `primitive` or `Type[.backref]`, with `[]` and `?`; ASCII, no whitespace, no operator.
#[inline(always)]
fn plain<R>(body: &str, base: usize, span: Span, emit: impl FnOnce(FieldDef) -> R) -> Option<R> {
    let expr = target_expr(body, base, false, true)?;
    let backref = match expr.backref {
        Some(s) => Some(Spanned::new(
            CompactString::from(body.get(s.start() - base..s.end() - base)?),
            s,
        )),
        None => None,
    };
    // A primitive has no targets: `expr.targets` is empty then, and moves as it is.
    let primitive = match (expr.word, expr.targets.len()) {
        (Some(word), 0) if backref.is_none() => {
            let primitive =
                Primitive::from_name(body.get(word.start() - base..word.end() - base)?)?;
            Some(Spanned::new(primitive, word))
        }
        (None, 1) => None,
        _ => return None,
    };
    Some(emit(FieldDef {
        span,
        prompt: None,
        operator: None,
        targets: expr.targets,
        primitive,
        backref,
        array: expr.array,
        optional: expr.optional,
    }))
}

/// A lexed target expression. The targets are built directly (no intermediate member list: the
/// fast path is the hot path of `benches/field_parse.rs`).
struct Expr {
    targets: Targets,
    /// A lowercase first word: a primitive candidate of a `plain` definition.
    word: Option<Span>,
    backref: Option<Span>,
    array: bool,
    optional: bool,
}

/// `member ("|" member)* ["." backref] ["[]"] ["?"]` over ASCII; `base` is the offset of `text` in
/// the input. Thresholds only when `fuzzy`. Every member is a `Type`, except that the single word
/// of a `plain` definition may be a lowercase primitive name (checked by `plain`).
fn target_expr(text: &str, base: usize, fuzzy: bool, plain: bool) -> Option<Expr> {
    let bytes = text.as_bytes();
    let mut expr = Expr {
        targets: Targets::new(),
        word: None,
        backref: None,
        array: false,
        optional: false,
    };
    let mut i = 0;
    loop {
        let name_start = i;
        i = ident_end(bytes, i);
        let first = *bytes.get(name_start)?;
        let name = Span::new(base + name_start, base + i);
        let word =
            plain && first.is_ascii_lowercase() && expr.targets.is_empty() && expr.word.is_none();
        if !(first.is_ascii_uppercase() || word) || name.len() > MAX_NAME_LEN {
            return None;
        }
        let mut threshold = None;
        if bytes.get(i) == Some(&b'(') {
            if !fuzzy {
                return None;
            }
            let digits_start = i + 1;
            let mut j = digits_start;
            while bytes.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            if j == digits_start {
                return None;
            }
            if bytes.get(j) == Some(&b'.') {
                let frac = j + 1;
                j = frac;
                while bytes.get(j).is_some_and(u8::is_ascii_digit) {
                    j += 1;
                }
                if j == frac {
                    return None;
                }
            }
            if bytes.get(j) != Some(&b')') {
                return None;
            }
            let value = Threshold::parse_decimal(text.get(digits_start..j)?).ok()?;
            threshold = Some(Spanned::new(
                value,
                Span::new(base + digits_start, base + j),
            ));
            i = j + 1;
        }
        let name_text = text.get(name_start..name_start + name.len())?;
        if word {
            expr.word = Some(name);
        } else {
            // Union members are distinct.
            if expr.targets.iter().any(|t| t.name.value == name_text) {
                return None;
            }
            if expr.targets.is_empty() {
                // One member is inline; a union gets its exact capacity at once.
                let members = bytes.iter().filter(|&&b| b == b'|').count() + 1;
                expr.targets.reserve_exact(members);
            }
            expr.targets.push(Target {
                name: Spanned::new(CompactString::from(name_text), name),
                threshold,
            });
        }
        if bytes.get(i) == Some(&b'|') {
            i += 1;
            continue;
        }
        break;
    }
    if bytes.get(i) == Some(&b'.') {
        let start = i + 1;
        let first = *bytes.get(start)?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        i = ident_end(bytes, start);
        if i - start > MAX_NAME_LEN {
            return None;
        }
        expr.backref = Some(Span::new(base + start, base + i));
    }
    if bytes.get(i..i + 2) == Some(b"[]") {
        expr.array = true;
        i += 2;
    }
    if bytes.get(i) == Some(&b'?') {
        expr.optional = true;
        i += 1;
    }
    (i == bytes.len()).then_some(expr)
}

/// The end of `[A-Za-z0-9_]*` starting at `i`.
fn ident_end(bytes: &[u8], mut i: usize) -> usize {
    while bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The invariant of this module: where the fast path answers, the nom parser agrees exactly.
    fn agrees(input: &str) -> Result<(), TestCaseError> {
        if let Some(fast) = parse(input) {
            let full = super::super::parser::parse(input);
            prop_assert_eq!(Ok(fast), full, "input {:?}", input);
        }
        Ok(())
    }

    #[test]
    fn agrees_on_examples() {
        for input in [
            "string",
            "number[]?",
            "~>ICP(0.82)",
            "  Who buys it? ~>ICP(0.82)  ",
            "['~>Company(0.85)']",
            "['What is it?']",
            "<~A(0.9)|B(0.7)|C.items[]?",
            "Author.posts",
            "What is the startup idea?",
            "->Author.posts[]",
            "Line one\nLine two ->Entity",
        ] {
            assert!(parse(input).is_some(), "{input} takes the fast path");
            agrees(input).unwrap_or_else(|e| panic!("{e}"));
        }
        for input in [
            "~>T[](0.8)",
            "~>T (0.8)",
            "->T(0.8)",
            "varchar",
            "~>A|A",
            "~>T(1.5)",
            "<->T",
            "x ~> y <~ Z",
        ] {
            assert!(parse(input).is_none(), "{input} defers to the full parser");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn agrees_on_grammar_like_strings(input in "( ?[A-Za-zé ?]{0,6} )?(->|~>|<-|<~)?[A-Za-z][a-z0-9_]{0,3}(\\((0|1|0\\.[0-9]{1,3}|[0-9]\\.[0-9])\\))?(\\|[A-Za-z]{1,3}(\\(0\\.[0-9]\\))?){0,2}(\\.[a-z_]{0,3})?(\\[\\])?\\??") {
            agrees(&input)?;
        }

        #[test]
        fn agrees_on_arbitrary_strings(input in "[-<>~|()\\[\\]?.,'\" a-zA-Z0-9_é\t\n]{0,24}") {
            agrees(&input)?;
        }
    }
}
