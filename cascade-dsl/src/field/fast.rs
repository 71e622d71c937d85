//! A fast path for the definitions schemas are mostly made of.
//!
//! The nom parser (`parser.rs`) is the grammar: it is lenient so it can report every error at once,
//! and that costs a few hundred nanoseconds per definition. Most definitions are short and canonical
//! (`string?`, `~>ICP(0.82)`, `Who buys it? ~>ICP(0.82)`, `['~>Skill']`), so this byte-level scanner
//! accepts exactly that canonical subset and returns `None` for anything else (compatibility forms,
//! whitespace in targets, non-ASCII outside prompts, any error), which then goes to the nom parser.
//!
//! Invariant: when `parse` returns `Some(def)`, the nom parser returns `Ok(def)` for the same input,
//! spans included. A schema being checked reads its fields with the same scanner but builds only
//! their target names ([`Refs`]); it accepts exactly what `parse` accepts. Property tests at the
//! bottom of this file check both.

use cascade_runtime::{Operator, Threshold};
use smallvec::SmallVec;

use super::parser::MAX_NAME_LEN;
use super::{FieldDef, Primitive, Target, Targets};
use crate::CompactString;
use crate::span::{Span, Spanned};

/// The canonical-subset parse of `def`, or `None` to defer to the full parser.
#[inline]
pub(super) fn parse(def: &str) -> Option<FieldDef> {
    lex::<Targets>(def)
}

/// A definition of the canonical subset as [`lex`] reads it: its prompt and backref borrowed
/// from the input, its union members in `M`, which makes it what the caller needs
/// ([`Members::finish`]).
pub(crate) struct Parts<'d, M> {
    span: Span,
    prompt: Option<(&'d str, Span)>,
    operator: Option<Spanned<Operator>>,
    targets: M,
    primitive: Option<Spanned<Primitive>>,
    backref: Option<(&'d str, Span)>,
    array: bool,
    optional: bool,
}

impl<'d, M: Members<'d>> Parts<'d, M> {
    #[inline(always)]
    fn finish(self) -> M::Out {
        M::finish(self)
    }
}

/// Where [`lex`] puts the union members of a definition, and what it makes of the definition:
/// with [`Targets`], the [`FieldDef`]; with [`Names`], only the target names (a schema being
/// checked keeps each definition's text, and needs only the types it names).
pub(crate) trait Members<'d>: Sized {
    /// What [`lex`] gives.
    type Out;
    /// No members.
    fn new() -> Self;
    /// How many so far.
    fn count(&self) -> usize;
    /// Whether one is named `name`.
    fn has(&self, name: &str) -> bool;
    /// Adds one; `union` is the target expression, for the room a union needs.
    fn add(
        &mut self,
        name: &'d str,
        span: Span,
        threshold: Option<Spanned<Threshold>>,
        union: &[u8],
    );
    /// What the definition read is.
    fn finish(parts: Parts<'d, Self>) -> Self::Out;
}

impl<'d> Members<'d> for Targets {
    type Out = FieldDef;

    fn new() -> Self {
        Targets::new()
    }

    fn count(&self) -> usize {
        self.len()
    }

    fn has(&self, name: &str) -> bool {
        self.iter().any(|t| t.name.value == name)
    }

    fn add(
        &mut self,
        name: &'d str,
        span: Span,
        threshold: Option<Spanned<Threshold>>,
        union: &[u8],
    ) {
        if self.is_empty() {
            // One member is inline; a union gets its exact capacity at once.
            let members = union.iter().filter(|&&b| b == b'|').count() + 1;
            self.reserve_exact(members);
        }
        self.push(Target {
            name: Spanned::new(CompactString::from(name), span),
            threshold,
        });
    }

    #[inline(always)]
    fn finish(parts: Parts<'d, Self>) -> FieldDef {
        let text = |(value, span): (&str, Span)| Spanned::new(CompactString::from(value), span);
        FieldDef {
            span: parts.span,
            prompt: parts.prompt.map(text),
            operator: parts.operator,
            targets: parts.targets,
            primitive: parts.primitive,
            backref: parts.backref.map(text),
            array: parts.array,
            optional: parts.optional,
        }
    }
}

/// The target names of a definition, borrowed from it.
pub(crate) type Names<'d> = SmallVec<[&'d str; 2]>;

/// What a schema being checked needs of a definition that it keeps as text.
pub(crate) struct Refs<'d> {
    /// The target type names, in order.
    pub(crate) targets: Names<'d>,
    /// The backref (`posts` of `Author.posts`), and where it is in the definition.
    pub(crate) backref: Option<(&'d str, Span)>,
}

impl<'d> Members<'d> for Names<'d> {
    type Out = Refs<'d>;

    fn new() -> Self {
        SmallVec::new()
    }

    fn count(&self) -> usize {
        self.len()
    }

    fn has(&self, name: &str) -> bool {
        self.contains(&name)
    }

    fn add(&mut self, name: &'d str, _: Span, _: Option<Spanned<Threshold>>, _: &[u8]) {
        self.push(name);
    }

    #[inline(always)]
    fn finish(parts: Parts<'d, Self>) -> Refs<'d> {
        Refs {
            targets: parts.targets,
            backref: parts.backref,
        }
    }
}

/// `def` read as the canonical subset, or `None` to defer to the full parser.
#[inline(always)]
pub(crate) fn lex<'d, M: Members<'d>>(def: &'d str) -> Option<M::Out> {
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
        let mut parts = definition::<M>(inner, start + 2)?;
        parts.span = Span::new(start, start + body.len());
        parts.array = true;
        return Some(parts.finish());
    }
    if body.starts_with('[') {
        return None;
    }
    definition::<M>(body, start).map(Parts::finish)
}

/// `body` is trimmed and starts at byte `base` of the input.
#[inline(always)]
fn definition<'d, M: Members<'d>>(body: &'d str, base: usize) -> Option<Parts<'d, M>> {
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
            return Some(Parts {
                span,
                prompt: Some((body, span)),
                operator: None,
                targets: M::new(),
                primitive: Some(Spanned::new(Primitive::String, span)),
                backref: None,
                array: false,
                optional: false,
            });
        }
        if !body.is_ascii() {
            return None;
        }
        return plain(body, base, span);
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
        Some((trimmed, Span::new(base, base + trimmed.len())))
    };
    let expr = target_expr(target, base + at + 2, op.is_fuzzy(), false)?;
    Some(Parts {
        span,
        prompt,
        operator: Some(Spanned::new(op, Span::new(base + at, base + at + 2))),
        targets: expr.targets,
        primitive: None,
        backref: expr.backref,
        array: expr.array,
        optional: expr.optional,
    })
}

/// `primitive` or `Type[.backref]`, with `[]` and `?`; ASCII, no whitespace, no operator.
#[inline(always)]
fn plain<'d, M: Members<'d>>(body: &'d str, base: usize, span: Span) -> Option<Parts<'d, M>> {
    let expr = target_expr::<M>(body, base, false, true)?;
    // A primitive has no targets: `expr.targets` is empty then, and moves as it is.
    let primitive = match (expr.word, expr.targets.count()) {
        (Some(word), 0) if expr.backref.is_none() => {
            let primitive =
                Primitive::from_name(body.get(word.start() - base..word.end() - base)?)?;
            Some(Spanned::new(primitive, word))
        }
        (None, 1) => None,
        _ => return None,
    };
    Some(Parts {
        span,
        prompt: None,
        operator: None,
        targets: expr.targets,
        primitive,
        backref: expr.backref,
        array: expr.array,
        optional: expr.optional,
    })
}

/// A lexed target expression.
struct Expr<'d, M> {
    targets: M,
    /// A lowercase first word: a primitive candidate of a `plain` definition.
    word: Option<Span>,
    backref: Option<(&'d str, Span)>,
    array: bool,
    optional: bool,
}

/// `member ("|" member)* ["." backref] ["[]"] ["?"]` over ASCII; `base` is the offset of `text` in
/// the input. Thresholds only when `fuzzy`. Every member is a `Type`, except that the single word
/// of a `plain` definition may be a lowercase primitive name (checked by `plain`).
fn target_expr<'d, M: Members<'d>>(
    text: &'d str,
    base: usize,
    fuzzy: bool,
    plain: bool,
) -> Option<Expr<'d, M>> {
    let bytes = text.as_bytes();
    let mut expr = Expr {
        targets: M::new(),
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
            plain && first.is_ascii_lowercase() && expr.targets.count() == 0 && expr.word.is_none();
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
            if expr.targets.has(name_text) {
                return None;
            }
            expr.targets.add(name_text, name, threshold, bytes);
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
        expr.backref = Some((text.get(start..i)?, Span::new(base + start, base + i)));
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

    /// The invariant of this module: where the fast path answers, the nom parser agrees exactly;
    /// and reading only the names ([`Refs`]) accepts exactly what parsing does, with the same
    /// target names and backref.
    fn agrees(input: &str) -> Result<(), TestCaseError> {
        let refs = lex::<Names<'_>>(input);
        let def = parse(input);
        prop_assert_eq!(refs.is_some(), def.is_some(), "input {:?}", input);
        if let (Some(refs), Some(def)) = (refs, &def) {
            let names: Vec<&str> = def.targets.iter().map(|t| t.name.value.as_str()).collect();
            prop_assert_eq!(&refs.targets[..], &names[..], "input {:?}", input);
            let backref = def.backref.as_ref().map(|b| (b.value.as_str(), b.span));
            prop_assert_eq!(refs.backref, backref, "input {:?}", input);
        }
        if let Some(fast) = def {
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
