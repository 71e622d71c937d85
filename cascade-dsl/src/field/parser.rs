//! The field-definition parser (nom 8 over `nom_locate::LocatedSpan`).
//!
//! The grammar has two layers. The *prompt* is free text, so the top level is a scan: trim, unwrap an
//! array literal, find the operator runs (maximal runs of `<`, `-`, `~`, `>`). Everything after the
//! operator is a small formal language (the target expression) parsed with nom.
//!
//! The target-expression parser is deliberately *lenient*: it lexes a superset of the grammar (any
//! name-like token, any text in parentheses, modifiers in any order) and checks each piece
//! afterwards, so one definition reports every independent mistake at once (`~>icp(1.5)|B|B` gives
//! three errors). Only structural breaks that leave nothing sensible to continue with (`[` not
//! followed by `]`, text after the target) stop the parse; those go through nom's error type with
//! `cut()` after the committed prefix.
//!
//! Parser types (`LocatedSpan`, [`PError`]) never leave this module: the output is a
//! [`FieldDef`] or a list of [`Diagnostic`]s with byte spans into the input.

use std::collections::HashMap;

use cascade_runtime::{DecimalError, Operator, Threshold};
use nom::bytes::complete::{tag, take_till, take_while};
use nom::character::complete::{char, digit1, one_of};
use nom::combinator::{all_consuming, cut, opt, recognize};
use nom::error::{ContextError, ErrorKind, ParseError, context};
use nom::{IResult, Input, Parser as _};
use nom_locate::LocatedSpan;

use super::{FieldDef, Primitive, Target, Targets};
use crate::CompactString;
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::span::{Span, Spanned};

/// Input type of every nom parser here.
type In<'a> = LocatedSpan<&'a str>;
type PResult<'a, O> = IResult<In<'a>, O, PError>;

/// The longest entity, field or backref name (DESIGN §2).
pub(crate) const MAX_NAME_LEN: usize = crate::validate::MAX_NAME_LEN;

/// nom's error type here: where it failed and what was expected there.
#[derive(Debug, Clone, PartialEq)]
struct PError {
    span: Span,
    expected: &'static str,
}

impl<'a> ParseError<In<'a>> for PError {
    fn from_error_kind(input: In<'a>, kind: ErrorKind) -> Self {
        PError {
            span: point(&input),
            expected: kind_expected(kind),
        }
    }

    fn append(_input: In<'a>, _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

impl<'a> ContextError<In<'a>> for PError {
    fn add_context(_input: In<'a>, ctx: &'static str, mut other: Self) -> Self {
        other.expected = ctx;
        other
    }
}

fn kind_expected(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Eof => "the end of the definition",
        ErrorKind::Digit => "a digit",
        ErrorKind::Char | ErrorKind::OneOf | ErrorKind::Tag => "a specific character",
        _ => "valid input",
    }
}

/// The zero-width span at the start of `input`, widened to its first character if there is one.
fn point(input: &In<'_>) -> Span {
    let start = input.location_offset();
    let width = input.fragment().chars().next().map_or(0, char::len_utf8);
    Span::new(start, start + width)
}

fn span_of(input: &In<'_>) -> Span {
    let start = input.location_offset();
    Span::new(start, start + input.fragment().len())
}

fn is_op_char(c: char) -> bool {
    matches!(c, '<' | '-' | '~' | '>')
}

/// Characters that end a name token inside a target expression.
fn is_token_char(c: char) -> bool {
    !matches!(c, '|' | '(' | ')' | '[' | ']' | '?' | '.') && !c.is_whitespace()
}

/// Characters of threshold text between the parentheses (lenient: checked afterwards).
fn is_threshold_char(c: char) -> bool {
    !matches!(c, '(' | ')' | '|' | '[' | ']') && !c.is_whitespace()
}

fn threshold_token(i: In<'_>) -> PResult<'_, In<'_>> {
    take_while(is_threshold_char).parse(i)
}

fn lit<'a>(text: &'static str, i: In<'a>) -> PResult<'a, In<'a>> {
    tag(text).parse(i)
}

fn ws(i: In<'_>) -> PResult<'_, In<'_>> {
    take_while(char::is_whitespace).parse(i)
}

fn name_token(i: In<'_>) -> PResult<'_, In<'_>> {
    take_while(is_token_char).parse(i)
}

/// `digits ["." digits]`, ASCII digits only (DESIGN §2). Signs, exponents, `NaN` are not numbers here.
fn decimal(i: In<'_>) -> PResult<'_, In<'_>> {
    recognize((digit1, opt((char('.'), digit1)))).parse(i)
}

/// Parses one field definition; see [`super::parse`].
pub(super) fn parse(def: &str) -> Result<FieldDef, Vec<Diagnostic>> {
    let mut parser = Parser {
        src: def,
        errors: Vec::new(),
    };
    let parsed = parser.top();
    match parsed {
        Some(field) if parser.errors.is_empty() => Ok(field),
        _ => {
            let mut errors = parser.errors;
            if errors.is_empty() {
                // Every path that returns `None` records why; this is the safety net for that rule.
                errors.push(Diagnostic::error(
                    Code::UnexpectedInput,
                    format!("cannot parse `{}`", def.trim()),
                    Span::new(0, def.len()),
                ));
            }
            errors.sort_by_key(|d| (d.primary.0.start(), d.primary.0.end()));
            Err(capped(errors))
        }
    }
}

/// How many errors of one definition are returned, as for the syntax errors of a file; the last
/// one then says how many more there are.
const MAX_DEFINITION_ERRORS: usize = crate::schema::MAX_ERRORS;

/// The first [`MAX_DEFINITION_ERRORS`] of `errors` (sorted), the last saying how many more
/// there were.
fn capped(mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let more = errors.len().saturating_sub(MAX_DEFINITION_ERRORS);
    if more > 0 {
        errors.truncate(MAX_DEFINITION_ERRORS);
        if let Some(last) = errors.last_mut() {
            let s = if more == 1 { "" } else { "s" };
            last.notes.push(format!(
                "{more} more error{s} in this definition not shown: fix these and check again"
            ));
        }
    }
    errors
}

/// How many places of the same mistake get their own label; the rest are counted in a note, so
/// a definition with thousands of them renders in time and space linear in its length.
const MAX_MORE_LABELS: usize = 3;

/// `d` with a `label` at each span of `more`, up to [`MAX_MORE_LABELS`], and a note counting the
/// rest as `what` (`"more operators"`).
fn with_more_labels(mut d: Diagnostic, more: &[Span], label: &str, what: &str) -> Diagnostic {
    for span in more.iter().take(MAX_MORE_LABELS) {
        d = d.with_secondary(*span, label);
    }
    let rest = more.len().saturating_sub(MAX_MORE_LABELS);
    if rest > 0 {
        d = d.with_note(format!("and {rest} {what}, not marked here"));
    }
    d
}

/// A lexed member of a target expression, before checks.
struct Member {
    name: Span,
    threshold: Option<Spanned<Threshold>>,
    /// The threshold's parentheses, for diagnostics about the whole `(0.8)`.
    threshold_parens: Span,
}

/// The members of a target expression. The first is stored inline, so the common single-member
/// definition costs no allocation here (the parser's hot path, see `benches/field_parse.rs`).
#[derive(Default)]
struct Members {
    first: Option<Member>,
    rest: Vec<Member>,
}

impl Members {
    fn push(&mut self, member: Member) {
        if self.first.is_none() {
            self.first = Some(member);
        } else {
            self.rest.push(member);
        }
    }

    fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.len()
    }

    fn iter(&self) -> impl Iterator<Item = &Member> {
        self.first.iter().chain(&self.rest)
    }

    fn first(&self) -> Option<&Member> {
        self.first.as_ref()
    }

    fn first_mut(&mut self) -> Option<&mut Member> {
        self.first.as_mut()
    }

    fn last(&self) -> Option<&Member> {
        self.rest.last().or(self.first.as_ref())
    }
}

/// A lexed target expression.
struct TargetExpr {
    members: Members,
    backref: Option<Spanned<CompactString>>,
    array: bool,
    optional: bool,
    /// Whether a member name was missing or empty (already reported).
    broken: bool,
}

struct Parser<'s> {
    src: &'s str,
    errors: Vec<Diagnostic>,
}

impl<'s> Parser<'s> {
    /// The source text at `span`. Spans are made from nom offsets and `char_indices`, so they always
    /// fall on char boundaries; an impossible span yields `""` rather than a panic.
    fn text(&self, span: Span) -> &'s str {
        self.src.get(span.start()..span.end()).unwrap_or("")
    }

    fn located(&self, span: Span) -> In<'s> {
        let full = In::new(self.src);
        let from = full.take_from(span.start().min(self.src.len()));
        from.take(span.len().min(from.fragment().len()))
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.errors.push(diagnostic);
    }

    fn top(&mut self) -> Option<FieldDef> {
        let start = self.src.len() - self.src.trim_start().len();
        let end = self.src.trim_end().len().max(start);
        let span = Span::new(start, end);
        if span.is_empty() {
            self.error(
                Diagnostic::error(
                    Code::EmptyDefinition,
                    "empty field definition",
                    Span::new(0, self.src.len()),
                )
                .with_label("nothing here")
                .with_help(
                    "write a type such as `string`, a reference such as `~>Company`, or a prompt",
                ),
            );
            return None;
        }
        let body = self.text(span);
        if body.starts_with('[') && self.is_array_literal(span) {
            let (inner, _) = self.array_literal(span)?;
            let mut field = self.definition(inner)?;
            field.span = span;
            field.array = true;
            return Some(field);
        }
        self.definition(span)
    }

    /// `[` then a quote, or `[ ... ]` (but not `... []`): the array-literal form. A prompt may start with `[` otherwise.
    fn is_array_literal(&self, span: Span) -> bool {
        let body = self.text(span);
        let after = body.get(1..).unwrap_or("").trim_start();
        // `[x] ~>T[]` is a prompt followed by an array marker, not an array literal.
        after.starts_with(['\'', '"']) || (body.ends_with(']') && !body.ends_with("[]"))
    }

    /// Unwraps `['...']` / `["..."]`; returns the span of the trimmed inner text.
    fn array_literal(&mut self, span: Span) -> Option<(Span, char)> {
        let input = self.located(span);
        let result: PResult<'_, (In<'_>, char)> = (|i| {
            let (i, _) = char('[').parse(i)?;
            let (i, _) = ws(i)?;
            let (i, quote) = context("a quoted definition", one_of("'\"")).parse(i)?;
            let (i, body) = cut(take_till(move |c| c == quote)).parse(i)?;
            let (i, _) = cut(context("closing quote", char(quote))).parse(i)?;
            let (i, _) = ws(i)?;
            let (i, _) = opt(char(',')).parse(i)?;
            let (i, _) = ws(i)?;
            let (i, _) = cut(context("`]`", char(']'))).parse(i)?;
            let (i, _) = ws(i)?;
            let (i, _) =
                cut(context("the end of the definition", nom::combinator::eof)).parse(i)?;
            Ok((i, (body, quote)))
        })(input);
        match result {
            Ok((_, (body, quote))) => {
                let raw = span_of(&body);
                let text = self.text(raw);
                if let Some(pos) = text.find('\\') {
                    let at = Span::new(raw.start() + pos, raw.start() + pos + 1);
                    self.error(
                        Diagnostic::error(
                            Code::InvalidArrayLiteral,
                            format!("escape sequence `{}` is not supported in a bracketed definition", text.get(pos..).unwrap_or("").chars().take(2).collect::<String>()),
                            at,
                        )
                        .with_label("escape")
                        .with_help("use the other quote character around the definition instead of escaping"),
                    );
                    return None;
                }
                let lead = text.len() - text.trim_start().len();
                let inner = Span::new(
                    raw.start() + lead,
                    raw.start() + text.trim_end().len().max(lead),
                );
                if inner.is_empty() {
                    self.error(
                        Diagnostic::error(
                            Code::EmptyDefinition,
                            "empty field definition in array literal",
                            span,
                        )
                        .with_label("nothing between the quotes")
                        .with_help("write a definition inside the quotes, e.g. `['~>Company']`"),
                    );
                    return None;
                }
                Some((inner, quote))
            }
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                self.array_literal_error(span, e);
                None
            }
            Err(nom::Err::Incomplete(_)) => {
                self.array_literal_error(
                    span,
                    PError {
                        span,
                        expected: "valid input",
                    },
                );
                None
            }
        }
    }

    fn array_literal_error(&mut self, whole: Span, e: PError) {
        let body = self.text(whole);
        // Zero-width (end of input) and trailing-text errors point at everything from there on.
        let rest = Span::new(e.span.start(), whole.end());
        let expected_label = format!("expected {}", e.expected);
        let (message, at, help, label) = match e.expected {
            _ if body.contains("\\'") || body.contains("\\\"") => (
                format!("escape sequences are not supported in the bracketed definition `{body}`"),
                whole,
                "use the other quote character around the definition instead of escaping".to_owned(),
                "escape sequence".to_owned(),
            ),
            "the end of the definition" => (
                format!("unexpected `{}` after the array literal", self.text(rest)),
                rest,
                format!("remove `{}`", self.text(rest)),
                expected_label.clone(),
            ),
            _ if e.span.is_empty() => (
                format!("expected {} in the array literal `{body}`", e.expected),
                whole,
                format!("close the array literal: `{}`", array_fix(body)),
                expected_label.clone(),
            ),
            "a quoted definition" => (
                format!("expected a quoted definition in the array literal `{body}`"),
                e.span,
                format!("quote the definition: `['{}']`", body.trim_start_matches('[').trim_end_matches(']').trim()),
                expected_label.clone(),
            ),
            "closing quote" => (
                format!("unterminated string in the array literal `{body}`"),
                whole,
                "close the string with the quote it starts with".to_owned(),
                expected_label.clone(),
            ),
            "`]`" if self.text(e.span).starts_with(['\'', '"']) => (
                format!("array literal `{body}` holds more than one string"),
                Span::new(e.span.start(), whole.end()),
                "declare one definition, e.g. `['~>Company']`; for several targets use a union: `~>A|B`".to_owned(),
                "a second string".to_owned(),
            ),
            _ => (
                format!("expected {} in the array literal `{body}`", e.expected),
                e.span,
                "write the array literal as `['definition']`".to_owned(),
                expected_label.clone(),
            ),
        };
        self.error(
            Diagnostic::error(Code::InvalidArrayLiteral, message, at)
                .with_label(label)
                .with_help(help),
        );
    }

    /// A definition without the array-literal wrapper: prompt, operator, target expression.
    fn definition(&mut self, span: Span) -> Option<FieldDef> {
        let body = self.text(span);
        // Operator runs: maximal runs of `<`, `-`, `~`, `>`. A run that is exactly an operator is one;
        // a run that merely contains one is a glued operator; any other run is prompt text.
        let mut first_op: Option<(Span, Operator)> = None;
        let mut extra_ops: Vec<Span> = Vec::new();
        let mut glued = false;
        // The operator characters are ASCII, so every run starts and ends on a char boundary.
        let mut rest = body;
        let mut base = span.start();
        while let Some(run_at) = rest.find(is_op_char) {
            let from_run = rest.get(run_at..).unwrap_or("");
            let run_len = from_run.find(|c| !is_op_char(c)).unwrap_or(from_run.len());
            let run = Span::new(base + run_at, base + run_at + run_len);
            let text = self.text(run);
            if let Some(op) = operator(text) {
                if first_op.is_none() {
                    first_op = Some((run, op));
                } else {
                    extra_ops.push(run);
                }
            } else if let Some(inside) = contained_operators(text) {
                glued = true;
                self.glued_operator(run, text, &inside);
            }
            rest = from_run.get(run_len..).unwrap_or("");
            base = run.end();
        }
        if glued {
            return None;
        }
        if let (Some((op_span, op)), Some(second)) = (first_op, extra_ops.first().copied()) {
            let mut d = Diagnostic::error(
                Code::MultipleOperators,
                format!("a field definition has one operator, found `{}` and `{}`", op, self.text(second)),
                second,
            )
            .with_label("second operator")
            .with_secondary(op_span, "first operator")
            .with_help("a prompt may not contain `->`, `~>`, `<-` or `<~`; keep one operator before the target type");
            d = with_more_labels(d, &extra_ops[1..], "another operator", "more operators");
            self.error(d);
            return None;
        }

        match first_op {
            Some((op_span, op)) => self.reference(span, op_span, op),
            None if body.contains(char::is_whitespace) => {
                // A prompt-only field: a generated string whose prompt is the whole text.
                let text = CompactString::from(self.text(span));
                Some(FieldDef {
                    span,
                    prompt: Some(Spanned::new(text, span)),
                    operator: None,
                    targets: Targets::new(),
                    primitive: Some(Spanned::new(Primitive::String, span)),
                    backref: None,
                    array: false,
                    optional: false,
                })
            }
            None => self.plain(span),
        }
    }

    fn glued_operator(&mut self, run: Span, text: &str, inside: &[Operator]) {
        let help = match inside {
            [one] => format!("write the operator alone: `{one}`"),
            _ => {
                let list: Vec<String> = inside.iter().map(|op| format!("`{op}`")).collect();
                format!("write one operator: {}", list.join(" or "))
            }
        };
        self.error(
            Diagnostic::error(
                Code::GluedOperator,
                format!("`{text}` is not an operator"),
                run,
            )
            .with_label("glued operator")
            .with_help(help)
            .with_note("the operators are `->`, `~>`, `<-` and `<~`"),
        );
    }

    /// `[prompt WS] op target-expr`.
    fn reference(&mut self, span: Span, op_span: Span, op: Operator) -> Option<FieldDef> {
        let prompt_span = Span::new(span.start(), op_span.start());
        let prompt_raw = self.text(prompt_span);
        let prompt = if prompt_raw.is_empty() {
            None
        } else {
            let trimmed = prompt_raw.trim_end();
            if trimmed.len() == prompt_raw.len() {
                let target_text = self.text(Span::new(op_span.start(), span.end()));
                self.error(
                    Diagnostic::error(
                        Code::MissingSpaceBeforeOperator,
                        format!("operator `{op}` is glued to the prompt `{prompt_raw}`"),
                        op_span,
                    )
                    .with_label("no space before the operator")
                    .with_help(format!("put a space between the prompt and the operator: `{prompt_raw} {target_text}`")),
                );
            }
            let ps = Span::new(prompt_span.start(), prompt_span.start() + trimmed.len());
            Some(Spanned::new(CompactString::from(trimmed), ps))
        };

        let target_span = Span::new(op_span.end(), span.end());
        if target_span.is_empty() {
            self.error(
                Diagnostic::error(
                    Code::MissingTarget,
                    format!("operator `{op}` has no target type"),
                    op_span,
                )
                .with_label("expected a type after this")
                .with_help(format!("name the target type: `{op}Type`")),
            );
            return None;
        }
        let expr = self.target_expr(target_span, Some((op, op_span)))?;
        if !op.is_fuzzy() {
            // The fixes rewrite the whole reference (union members, backref, `[]`, `?` kept):
            // the fuzzy operator, or the text without any threshold.
            // Whitespace inside the target is its own error: the fixes leave it out.
            let written = compact(self.text(target_span));
            let mut unthresholded = String::with_capacity(written.len());
            let mut from = target_span.start();
            for member in expr.members.iter().filter(|m| m.threshold.is_some()) {
                let parens = member.threshold_parens;
                unthresholded.push_str(&compact(self.text(Span::new(from, parens.start()))));
                from = parens.end();
            }
            unthresholded.push_str(&compact(self.text(Span::new(from, target_span.end()))));
            for member in expr.members.iter() {
                if member.threshold.is_some() {
                    let fuzzy = fuzzy_counterpart(op);
                    self.error(
                        Diagnostic::error(
                            Code::ThresholdOnExactOperator,
                            format!(
                                "threshold `{}` on the exact operator `{op}`",
                                self.text(member.threshold_parens)
                            ),
                            member.threshold_parens,
                        )
                        .with_label("thresholds apply to `~>` and `<~` only")
                        .with_help(format!(
                            "use `{fuzzy}{}` for a fuzzy reference, or drop the threshold: `{op}{}`",
                            written.trim_end(),
                            unthresholded.trim_end()
                        )),
                    );
                }
            }
        }
        // Names and duplicates are checked even when something else is wrong: all errors at once.
        let targets = self.targets(&expr, true);
        if expr.broken {
            return None;
        }
        let targets = targets?;
        Some(FieldDef {
            span,
            prompt,
            operator: Some(Spanned::new(op, op_span)),
            targets,
            primitive: None,
            backref: expr.backref,
            array: expr.array,
            optional: expr.optional,
        })
    }

    /// Checks member names (entity `Type` rule after an operator) and duplicates.
    fn targets(&mut self, expr: &TargetExpr, after_operator: bool) -> Option<Targets> {
        let mut targets = Targets::with_capacity(expr.members.len());
        let mut ok = true;
        // Each name's first member: linear in the number of members, however many are written.
        let mut first: HashMap<&str, &Member> = HashMap::with_capacity(expr.members.len());
        for member in expr.members.iter() {
            let name = self.text(member.name);
            ok &= self.check_type_name(name, member.name, after_operator);
            if let Some(previous) = first.get(name).copied() {
                ok = false;
                self.error(
                    Diagnostic::error(
                        Code::DuplicateUnionMember,
                        format!("union member `{name}` is listed twice"),
                        member.name,
                    )
                    .with_label("repeated here")
                    .with_secondary(previous.name, "first listed here")
                    .with_help(format!("remove the second `{name}`")),
                );
            } else {
                first.insert(name, member);
            }
            targets.push(Target {
                name: Spanned::new(CompactString::from(name), member.name),
                threshold: member.threshold.clone(),
            });
        }
        ok.then_some(targets)
    }

    fn check_type_name(&mut self, name: &str, span: Span, after_operator: bool) -> bool {
        let valid_chars = name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let first = name.chars().next();
        if valid_chars && first.is_some_and(|c| c.is_ascii_uppercase()) {
            if name.len() > MAX_NAME_LEN {
                self.name_too_long("type", name, span);
                return false;
            }
            return true;
        }
        let (label, help) = if let Some(p) = Primitive::from_name(name) {
            (
                "a primitive, not an entity type".to_owned(),
                format!("a primitive field has no operator: write `{p}`"),
            )
        } else if valid_chars && first.is_some_and(|c| c.is_ascii_lowercase()) {
            (
                "type names start with an uppercase letter".to_owned(),
                format!("capitalize it: `{}`", capitalize(name)),
            )
        } else {
            (
                "not a type name".to_owned(),
                "a type name is an uppercase ASCII letter followed by ASCII letters, digits or `_`, e.g. `Company`"
                    .to_owned(),
            )
        };
        let what = if after_operator {
            "target type"
        } else {
            "type"
        };
        self.error(
            Diagnostic::error(
                Code::InvalidTypeName,
                format!("invalid {what} name `{name}`"),
                span,
            )
            .with_label(label)
            .with_help(help),
        );
        false
    }

    fn name_too_long(&mut self, what: &str, name: &str, span: Span) {
        let shown = crate::validate::quoted_name(name);
        self.error(
            Diagnostic::error(
                Code::NameTooLong,
                format!(
                    "{what} name `{shown}` is {} characters long",
                    name.chars().count()
                ),
                span,
            )
            .with_label(format!("longer than {MAX_NAME_LEN} characters"))
            .with_help(format!("use a name of at most {MAX_NAME_LEN} characters")),
        );
    }

    /// `plain := (primitive | Type ["." backref]) ["[]"] ["?"]` (no whitespace, no operator).
    fn plain(&mut self, span: Span) -> Option<FieldDef> {
        let expr = self.target_expr(span, None)?;
        let mut failed = expr.broken;
        for member in expr.members.iter() {
            if member.threshold_parens != Span::default() {
                failed = true;
                let name = self.text(member.name);
                self.error(
                    Diagnostic::error(
                        Code::ThresholdWithoutOperator,
                        format!(
                            "threshold `{}` without a fuzzy operator",
                            self.text(member.threshold_parens)
                        ),
                        member.threshold_parens,
                    )
                    .with_label("a threshold needs `~>` or `<~`")
                    .with_help(format!(
                        "write `~>{name}{}`",
                        self.text(member.threshold_parens)
                    )),
                );
            }
        }
        if expr.members.len() > 1 {
            let first = expr.members.first().map_or(span, |m| m.name);
            let last = expr.members.last().map_or(span, |m| m.name);
            let union = Span::new(first.start(), last.end());
            let text = self.text(union);
            // Type names start with an uppercase letter: `daily|weekly` becomes `Daily|Weekly`.
            let names: Vec<String> = expr
                .members
                .iter()
                .map(|m| capitalize(self.text(m.name)))
                .collect();
            let help = if names
                .iter()
                .all(|n| crate::validate::check_entity_name(n, Span::default()).is_none())
            {
                // The whole expression (thresholds, backref, `[]`, `?`), names capitalized.
                let mut fixed = String::new();
                let mut from = union.start();
                for (member, name) in expr.members.iter().zip(&names) {
                    fixed.push_str(self.text(Span::new(from, member.name.start())));
                    fixed.push_str(name);
                    from = member.name.end();
                }
                fixed.push_str(self.text(Span::new(from, span.end())).trim_end());
                format!(
                    "write `~>{fixed}` (fuzzy) or `->{fixed}` (exact); for free text, write a prompt with spaces"
                )
            } else {
                "a union joins type names after an operator, e.g. `~>Company|Person`; for free text, write a prompt with spaces".to_owned()
            };
            self.error(
                Diagnostic::error(
                    Code::UnionWithoutOperator,
                    format!("union `{text}` without an operator"),
                    union,
                )
                .with_label("a union needs an operator")
                .with_help(help),
            );
            return None;
        }
        let member = expr.members.first()?;
        let name = self.text(member.name);
        if let Some(primitive) = Primitive::from_name(name) {
            if let Some(backref) = &expr.backref {
                self.error(
                    Diagnostic::error(
                        Code::InvalidBackref,
                        format!("primitive `{name}` has no backref `.{}`", backref.value),
                        backref.span,
                    )
                    .with_label("backrefs belong to entity types")
                    .with_help(format!(
                        "drop `.{}`, or reference an entity type: `Type.{}`",
                        backref.value, backref.value
                    )),
                );
                return None;
            }
            if failed {
                return None;
            }
            return Some(FieldDef {
                span,
                prompt: None,
                operator: None,
                targets: Targets::new(),
                primitive: Some(Spanned::new(primitive, member.name)),
                backref: None,
                array: expr.array,
                optional: expr.optional,
            });
        }
        let valid_chars = name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !(valid_chars && name.starts_with(|c: char| c.is_ascii_uppercase())) {
            let help = match suggest_primitive(name) {
                Some(p) => format!("did you mean `{p}`?"),
                None if valid_chars && name.starts_with(|c: char| c.is_ascii_lowercase()) => {
                    format!(
                        "use a primitive ({}), an entity type starting with an uppercase letter (`{}`), or a prompt with spaces",
                        Primitive::NAMES.join(", "),
                        capitalize(name)
                    )
                }
                None => format!(
                    "use a primitive ({}), an entity type such as `Company`, or a prompt with spaces",
                    Primitive::NAMES.join(", ")
                ),
            };
            self.error(
                Diagnostic::error(
                    Code::UnknownType,
                    format!("unknown field type `{name}`"),
                    member.name,
                )
                .with_label("not a primitive or an entity type")
                .with_help(help),
            );
            return None;
        }
        let targets = self.targets(&expr, false)?;
        if failed {
            return None;
        }
        Some(FieldDef {
            span,
            prompt: None,
            operator: None,
            targets,
            primitive: None,
            backref: expr.backref,
            array: expr.array,
            optional: expr.optional,
        })
    }

    /// Lexes `member ("|" member)* postfix*` leniently, recording every independent error.
    /// Returns `None` only when the rest of the text cannot be read at all (already reported).
    fn target_expr(&mut self, span: Span, op: Option<(Operator, Span)>) -> Option<TargetExpr> {
        let mut i = self.located(span);
        let full = Span::new(op.map_or(span.start(), |(_, s)| s.start()), span.end());
        let mut expr = TargetExpr {
            members: Members::default(),
            backref: None,
            array: false,
            optional: false,
            broken: false,
        };
        let mut spaces: Vec<Span> = Vec::new();
        let mut bar: Option<Span> = None;
        let mut stopped = false;

        // Members.
        loop {
            let (rest, gap) = ws(i).ok()?;
            if !gap.fragment().is_empty() {
                spaces.push(span_of(&gap));
            }
            i = rest;
            let (rest, name) = name_token(i).ok()?;
            i = rest;
            let name_span = span_of(&name);
            let mut member = Member {
                name: name_span,
                threshold: None,
                threshold_parens: Span::default(),
            };
            if name.fragment().is_empty() {
                expr.broken = true;
                let next = point(&i);
                match bar {
                    Some(bar_span) => self.error(
                        Diagnostic::error(
                            Code::EmptyUnionMember,
                            format!("empty union member in `{}`", self.text(full)),
                            bar_span,
                        )
                        .with_label("no type after this `|`")
                        .with_help("remove the extra `|`, or name a type after it"),
                    ),
                    None if i.fragment().starts_with('|') => self.error(
                        Diagnostic::error(
                            Code::EmptyUnionMember,
                            format!("empty union member in `{}`", self.text(full)),
                            next,
                        )
                        .with_label("no type before this `|`")
                        .with_help("remove the leading `|`"),
                    ),
                    None => {
                        let (at, prefix) = match op {
                            Some((op, op_span)) if i.fragment().is_empty() => {
                                (op_span, op.as_str())
                            }
                            Some((op, _)) => (next, op.as_str()),
                            None => (next, ""),
                        };
                        self.error(
                            Diagnostic::error(
                                Code::MissingTarget,
                                format!("expected a type name before `{}`", i.fragment()),
                                at,
                            )
                            .with_label("expected a type name")
                            .with_help(format!(
                                "name the type first: `{prefix}Type{}`",
                                i.fragment()
                            )),
                        );
                    }
                }
            }
            // Member thresholds (the canonical place: right after the name).
            loop {
                let (after_gap, gap) = ws(i).ok()?;
                if after_gap.fragment().starts_with('(') {
                    if !gap.fragment().is_empty() {
                        spaces.push(span_of(&gap));
                    }
                    i = self.threshold(after_gap, &mut member, &mut spaces, &mut expr.broken)?;
                } else {
                    break;
                }
            }
            if !name.fragment().is_empty() {
                expr.members.push(member);
            }
            let (after_gap, gap) = ws(i).ok()?;
            if after_gap.fragment().starts_with('|') {
                if !gap.fragment().is_empty() {
                    spaces.push(span_of(&gap));
                }
                let (rest, b) = lit("|", after_gap).ok()?;
                bar = Some(span_of(&b));
                i = rest;
                continue;
            }
            break;
        }

        // Postfixes: `.backref`, `[]`, `?`, a compatibility threshold; checked for order.
        let mut backref_seen: Option<Span> = None;
        let mut array_seen: Option<Span> = None;
        let mut optional_seen: Option<Span> = None;
        loop {
            let (after_gap, gap) = ws(i).ok()?;
            if after_gap.fragment().is_empty() {
                break;
            }
            if !gap.fragment().is_empty() {
                if after_gap
                    .fragment()
                    .starts_with(['(', ')', '[', ']', '?', '.', '|'])
                {
                    spaces.push(span_of(&gap));
                } else {
                    self.trailing_text(span, &after_gap, op);
                    stopped = true;
                    break;
                }
            }
            i = after_gap;
            let c = i.fragment().chars().next().unwrap_or(' ');
            match c {
                '.' => {
                    let (rest, dot) = lit(".", i).ok()?;
                    let (rest, name) = name_token(rest).ok()?;
                    i = rest;
                    let whole = Span::new(span_of(&dot).start(), span_of(&name).end());
                    let name_text = *name.fragment();
                    if let Some(first) = backref_seen {
                        self.error(
                            Diagnostic::error(
                                Code::MultipleBackrefs,
                                format!(
                                    "a target has at most one backref, found another `{}`",
                                    self.text(whole)
                                ),
                                whole,
                            )
                            .with_label("second backref")
                            .with_secondary(first, "first backref")
                            .with_help(
                                "keep one backref: the field on the target type that points back",
                            ),
                        );
                        expr.broken = true;
                        continue;
                    }
                    backref_seen = Some(whole);
                    if let Some(modifier) = array_seen.or(optional_seen) {
                        self.error(
                            Diagnostic::error(
                                Code::MisplacedBackref,
                                format!(
                                    "backref `{}` after `{}`",
                                    self.text(whole),
                                    self.text(modifier)
                                ),
                                whole,
                            )
                            .with_label("the backref belongs right after the type")
                            .with_help(
                                "write the backref before `[]` and `?`, e.g. `->Author.posts[]?`",
                            ),
                        );
                        expr.broken = true;
                    }
                    if self.check_backref(name_text, span_of(&name), whole) {
                        expr.backref =
                            Some(Spanned::new(CompactString::from(name_text), span_of(&name)));
                    } else {
                        expr.broken = true;
                    }
                }
                '[' => {
                    let open = point(&i);
                    let parsed: PResult<'_, In<'_>> =
                        recognize((char('['), cut(context("`]`", char(']'))))).parse(i);
                    match parsed {
                        Ok((rest, brackets)) => {
                            i = rest;
                            let here = span_of(&brackets);
                            if let Some(first) = array_seen {
                                self.error(
                                    Diagnostic::error(
                                        Code::DuplicateModifier,
                                        "`[]` written twice",
                                        here,
                                    )
                                    .with_label("second `[]`")
                                    .with_secondary(first, "first `[]`")
                                    .with_help("remove the second `[]`"),
                                );
                                expr.broken = true;
                            } else if let Some(q) = optional_seen {
                                let both = Span::new(q.start(), here.end());
                                self.error(
                                    Diagnostic::error(
                                        Code::OptionalBeforeArray,
                                        format!("`{}`: the optional marker comes after the array marker", self.text(both)),
                                        both,
                                    )
                                    .with_label("write `[]?`")
                                    .with_help("write `[]?`: an optional array"),
                                );
                                expr.broken = true;
                            }
                            array_seen.get_or_insert(here);
                            expr.array = true;
                        }
                        Err(_) => {
                            let rest = self.text(Span::new(open.start(), span.end()));
                            self.error(
                                Diagnostic::error(
                                    Code::UnexpectedInput,
                                    format!("expected `[]`, found `{rest}`"),
                                    Span::new(open.start(), span.end()),
                                )
                                .with_label("`[` must be followed by `]`")
                                .with_help("write `[]` for an array field"),
                            );
                            stopped = true;
                            break;
                        }
                    }
                }
                '?' => {
                    let (rest, q) = lit("?", i).ok()?;
                    i = rest;
                    let here = span_of(&q);
                    if let Some(first) = optional_seen {
                        self.error(
                            Diagnostic::error(Code::DuplicateModifier, "`?` written twice", here)
                                .with_label("second `?`")
                                .with_secondary(first, "first `?`")
                                .with_help("remove the extra `?`"),
                        );
                        expr.broken = true;
                    }
                    optional_seen.get_or_insert(here);
                    expr.optional = true;
                }
                '(' => {
                    // Compatibility: `~>T[](0.8)`, `~>T?(0.8)`, `~>T.items(0.8)`.
                    let mut member = Member {
                        name: Span::default(),
                        threshold: None,
                        threshold_parens: Span::default(),
                    };
                    i = self.threshold(i, &mut member, &mut spaces, &mut expr.broken)?;
                    let Some(threshold) = member.threshold else {
                        continue;
                    };
                    let parens = member.threshold_parens;
                    if expr.members.len() > 1 {
                        // The threshold moved onto the last member; the rest (backref, `[]`,
                        // `?`) kept where it is.
                        let last = expr.members.last().map_or(span.start(), |m| m.name.end());
                        let moved = format!(
                            "{}{}{}{}",
                            self.text(Span::new(span.start(), last)),
                            self.text(parens),
                            self.text(Span::new(last, parens.start())),
                            self.text(Span::new(parens.end(), span.end()))
                        );
                        self.error(
                            Diagnostic::error(
                                Code::AmbiguousThreshold,
                                format!("threshold `{}` after a union does not say which member it is for", self.text(parens)),
                                parens,
                            )
                            .with_label("which member?")
                            .with_help(format!(
                                "write it on the member it belongs to, e.g. `{}{}`",
                                // A threshold needs a fuzzy operator (that `->` has none is
                                // its own error).
                                op.map_or("", |(op, _)| fuzzy_counterpart(op).as_str()),
                                compact(&moved)
                            )),
                        );
                        expr.broken = true;
                    } else if let Some(target) = expr.members.first_mut() {
                        if target.threshold_parens != Span::default() {
                            let first = target.threshold_parens;
                            self.duplicate_threshold(parens, first);
                            expr.broken = true;
                        } else {
                            target.threshold = Some(threshold);
                            target.threshold_parens = parens;
                        }
                    }
                }
                '|' => {
                    let rest = self.text(Span::new(i.location_offset(), span.end()));
                    let modifier = array_seen
                        .or(optional_seen)
                        .or(backref_seen)
                        .map_or("", |s| self.text(s));
                    self.error(
                        Diagnostic::error(
                            Code::UnexpectedInput,
                            format!("union member after `{modifier}`: `{rest}`"),
                            Span::new(i.location_offset(), span.end()),
                        )
                        .with_label("modifiers apply to the whole union")
                        .with_help(
                            "list every member first, then `.backref`, `[]` and `?`: `~>A|B[]?`",
                        ),
                    );
                    stopped = true;
                    break;
                }
                _ => {
                    self.trailing_text(span, &i, op);
                    stopped = true;
                    break;
                }
            }
        }

        if !spaces.is_empty() {
            self.whitespace_in_target(span, op, &spaces);
            expr.broken = true;
        }
        if stopped {
            expr.broken = true;
        }
        Some(expr)
    }

    fn whitespace_in_target(&mut self, span: Span, op: Option<(Operator, Span)>, spaces: &[Span]) {
        let mut fixed = compact(self.text(span));
        // A member that was only spaces is gone: no `||` (nor a `|` at an end) in the fix.
        while fixed.contains("||") {
            fixed = fixed.replace("||", "|");
        }
        let fixed = fixed.trim_matches('|');
        let prefix = op.map_or("", |(op, _)| op.as_str());
        let Some((first, rest)) = spaces.split_first() else {
            return;
        };
        let full = Span::new(op.map_or(span.start(), |(_, s)| s.start()), span.end());
        let mut d = Diagnostic::error(
            Code::WhitespaceInTarget,
            format!(
                "whitespace inside the target expression `{}`",
                self.text(full)
            ),
            *first,
        )
        .with_label("remove this space")
        .with_help(format!(
            "remove the space{}: `{prefix}{fixed}`",
            if spaces.len() > 1 { "s" } else { "" }
        ));
        d = with_more_labels(d, rest, "and this one", "more spaces");
        self.error(d);
    }

    fn trailing_text(&mut self, span: Span, at: &In<'_>, op: Option<(Operator, Span)>) {
        let from = at.location_offset();
        let extra = Span::new(from, span.end());
        let target = self
            .text(Span::new(op.map_or(span.start(), |(_, s)| s.start()), from))
            .trim_end();
        let text = self.text(extra);
        // The `)` of a doubled `((0.8))`: the unclosed threshold already said to remove it.
        if text.trim().chars().all(|c| c == ')')
            && self
                .errors
                .last()
                .is_some_and(|d| d.code == Code::UnclosedThreshold)
        {
            return;
        }
        // Words may be a prompt written after the target; punctuation alone is a typo.
        let help = if op.is_some() && text.chars().any(char::is_alphanumeric) {
            format!(
                "a definition ends with its target; put descriptive text before the operator as a prompt: `{text} {target}`"
            )
        } else {
            format!("remove `{text}`")
        };
        self.error(
            Diagnostic::error(
                Code::UnexpectedInput,
                format!("unexpected `{text}` after `{target}`"),
                extra,
            )
            .with_label("not part of the target")
            .with_help(help),
        );
    }

    fn duplicate_threshold(&mut self, here: Span, first: Span) {
        self.error(
            Diagnostic::error(
                Code::DuplicateThreshold,
                format!("second threshold `{}` on one member", self.text(here)),
                here,
            )
            .with_label("second threshold")
            .with_secondary(first, "first threshold")
            .with_help(format!("keep one threshold: remove `{}`", self.text(here))),
        );
    }

    /// `"(" threshold ")"` at `i` (which starts with `(`); records errors; returns the rest.
    fn threshold(
        &mut self,
        i: In<'s>,
        member: &mut Member,
        spaces: &mut Vec<Span>,
        broken: &mut bool,
    ) -> Option<In<'s>> {
        let (i, open) = lit("(", i).ok()?;
        let (i, gap1) = ws(i).ok()?;
        let (i, content) = threshold_token(i).ok()?;
        let after_content = i;
        let (i, gap2) = ws(i).ok()?;
        let close: PResult<'_, In<'_>> = lit(")", i);
        let (rest, parens) = match close {
            Ok((rest, close)) => {
                for gap in [gap1, gap2] {
                    if !gap.fragment().is_empty() {
                        spaces.push(span_of(&gap));
                    }
                }
                (
                    rest,
                    Span::new(span_of(&open).start(), span_of(&close).end()),
                )
            }
            Err(_) => {
                let upto = Span::new(span_of(&open).start(), span_of(&content).end());
                let shown = self.text(upto);
                let c = content.fragment();
                let after = self.src.get(upto.end()..).unwrap_or("");
                let help = if c.is_empty() && after.trim_start().starts_with('(') {
                    "one pair of parentheses holds a threshold, e.g. `(0.85)`: remove the extra `(`"
                        .to_owned()
                } else if c.is_empty() {
                    "write a threshold from 0.0 to 1.0 and close the parenthesis, e.g. `(0.85)`"
                        .to_owned()
                } else {
                    format!("close the parenthesis: `({c})`")
                };
                self.error(
                    Diagnostic::error(
                        Code::UnclosedThreshold,
                        format!("unclosed threshold `{shown}`"),
                        upto,
                    )
                    .with_label("expected `)`")
                    .with_help(help),
                );
                *broken = true;
                // Continue after the content so later errors are still found; the whitespace stays.
                return Some(after_content);
            }
        };
        let content_span = span_of(&content);
        if member.threshold_parens != Span::default() {
            let first = member.threshold_parens;
            self.duplicate_threshold(parens, first);
            *broken = true;
            return Some(rest);
        }
        member.threshold_parens = parens;
        match self.threshold_value(content, parens) {
            Some(value) => member.threshold = Some(Spanned::new(value, content_span)),
            None => *broken = true,
        }
        Some(rest)
    }

    fn threshold_value(&mut self, content: In<'_>, parens: Span) -> Option<Threshold> {
        let text = *content.fragment();
        let span = span_of(&content);
        if text.is_empty() {
            self.error(
                Diagnostic::error(Code::EmptyThreshold, "empty threshold `()`", parens)
                    .with_label("no number between the parentheses")
                    .with_help("write a threshold from 0.0 to 1.0, e.g. `(0.85)`, or remove the parentheses"),
            );
            return None;
        }
        let strict: PResult<'_, In<'_>> = all_consuming(decimal).parse(content);
        if strict.is_ok() {
            // The range is checked on the text (the runtime's one definition), so a value
            // written a hair above 1 (`1.000000000000000000001`) is out of range even though
            // it rounds to 1.0 as an f64.
            return match Threshold::parse_decimal(text) {
                Ok(t) => Some(t),
                Err(DecimalError::OutOfRange(_) | DecimalError::NotDecimal(_)) => {
                    self.out_of_range(text, span);
                    None
                }
            };
        }
        // A signed decimal is a plain number outside the range (`-0.1`), not a syntax error.
        let signed: PResult<'_, (char, In<'_>)> =
            all_consuming((one_of("+-"), decimal)).parse(content);
        if let Ok((_, (sign, digits))) = signed {
            let magnitude = digits.fragment().parse::<f64>().unwrap_or(f64::NAN);
            if sign == '-' && magnitude > 0.0 {
                self.out_of_range(text, span);
            } else {
                self.error(
                    Diagnostic::error(
                        Code::InvalidThreshold,
                        format!("threshold `{text}` has a sign"),
                        span,
                    )
                    .with_label("not a plain decimal")
                    .with_help(format!("remove the sign: `{}`", digits.fragment())),
                );
            }
            return None;
        }
        let help = threshold_fix(text).map_or_else(
            || "write a plain decimal from 0.0 to 1.0, e.g. `0.85`".to_owned(),
            |fix| format!("write `{fix}`"),
        );
        self.error(
            Diagnostic::error(
                Code::InvalidThreshold,
                format!("threshold `{text}` is not a plain decimal"),
                span,
            )
            .with_label("expected digits, optionally with one `.` and more digits")
            .with_help(help),
        );
        None
    }

    fn out_of_range(&mut self, text: &str, span: Span) {
        self.error(
            Diagnostic::error(
                Code::ThresholdOutOfRange,
                format!("threshold `{text}` must be within 0.0..=1.0"),
                span,
            )
            .with_label("out of range")
            .with_help("write a similarity from 0.0 to 1.0, e.g. `0.85`"),
        );
    }

    /// Checks a backref name; `whole` covers the `.` too.
    fn check_backref(&mut self, name: &str, span: Span, whole: Span) -> bool {
        if name.is_empty() {
            self.error(
                Diagnostic::error(
                    Code::InvalidBackref,
                    "expected a backref name after `.`",
                    whole,
                )
                .with_label("no name after the dot")
                .with_help(
                    "name the field on the target type that points back, e.g. `Author.posts`",
                ),
            );
            return false;
        }
        let valid = name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
        if !valid {
            self.error(
                Diagnostic::error(Code::InvalidBackref, format!("invalid backref name `{name}`"), span)
                    .with_label("not a field name")
                    .with_help("a backref is a field name: an ASCII letter or `_`, then letters, digits or `_`"),
            );
            return false;
        }
        if name.len() > MAX_NAME_LEN {
            self.name_too_long("backref", name, span);
            return false;
        }
        true
    }
}

/// `['~>T'` → `['~>T']`: the array literal with its missing closing parts added.
fn array_fix(body: &str) -> String {
    let quote = if body.get(1..).unwrap_or("").trim_start().starts_with('"') {
        '"'
    } else {
        '\''
    };
    let mut fixed = body.trim_end().to_owned();
    if fixed.matches(quote).count() < 2 {
        fixed.push(quote);
    }
    fixed.push(']');
    fixed
}

/// The operator spelled exactly `text` (no allocation on failure, unlike `str::parse`).
fn operator(text: &str) -> Option<Operator> {
    Operator::ALL.into_iter().find(|op| op.as_str() == text)
}

/// The operators inside a run of operator characters that is not itself an operator.
fn contained_operators(run: &str) -> Option<Vec<Operator>> {
    let mut found: Vec<Operator> = Vec::new();
    for op in Operator::ALL {
        if run.contains(op.as_str()) && !found.contains(&op) {
            found.push(op);
        }
    }
    (!found.is_empty()).then_some(found)
}

const fn fuzzy_counterpart(op: Operator) -> Operator {
    match op {
        Operator::ForwardExact | Operator::ForwardFuzzy => Operator::ForwardFuzzy,
        Operator::BackwardExact | Operator::BackwardFuzzy => Operator::BackwardFuzzy,
    }
}

/// `text` without its whitespace: a fix-it never copies the spaces `whitespace-in-target`
/// reports on its own.
fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn capitalize(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

/// A plain-decimal spelling of a threshold written another way (`.5`, `1e-1`, `0,8`, `80%`).
fn threshold_fix(text: &str) -> Option<String> {
    let candidate = if let Some(percent) = text.strip_suffix('%') {
        percent.parse::<f64>().ok().map(|v| v / 100.0)
    } else if text.bytes().all(|b| b.is_ascii_digit() || b == b',')
        && text.matches(',').count() == 1
    {
        text.replace(',', ".").parse::<f64>().ok()
    } else if text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
    {
        text.parse::<f64>().ok()
    } else {
        None
    }?;
    let t = Threshold::new(candidate).ok()?;
    let shown = t.to_string();
    (shown != text).then_some(shown)
}

/// Did-you-mean for common non-cascade type words (`varchar` → `string`).
fn suggest_primitive(word: &str) -> Option<Primitive> {
    let lower = word.to_ascii_lowercase();
    if let Some(p) = Primitive::from_name(&lower) {
        return Some(p);
    }
    Some(match lower.as_str() {
        "str" | "text" | "varchar" | "char" | "character" | "uuid" | "email" => Primitive::String,
        "int" | "integer" | "float" | "double" | "real" | "decimal" | "bigint" | "numeric"
        | "long" | "i32" | "i64" | "f32" | "f64" | "u32" | "u64" | "usize" => Primitive::Number,
        "bool" => Primitive::Boolean,
        "timestamp" | "timestamptz" | "time" | "instant" => Primitive::Datetime,
        "object" | "jsonb" | "map" | "dict" | "record" | "any" => Primitive::Json,
        "md" => Primitive::Markdown,
        "uri" | "link" | "href" => Primitive::Url,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_mistakes_get_a_few_labels_and_a_count() {
        // 1,000 extra operators: one error, the first two and three more labelled, the rest counted.
        let def = format!("{}T", "x ~>".repeat(1002));
        let errors = parse(&def).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, Code::MultipleOperators);
        assert_eq!(errors[0].secondary.len(), 1 + MAX_MORE_LABELS);
        assert_eq!(
            errors[0].notes,
            [format!(
                "and {} more operators, not marked here",
                1000 - MAX_MORE_LABELS
            )]
        );
        // Spaces inside a target expression (100 here): the same.
        let members: Vec<String> = (0..50).map(|i| format!("B{i}")).collect();
        let errors = parse(&format!("~>A | {}", members.join(" | "))).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, Code::WhitespaceInTarget);
        assert_eq!(errors[0].secondary.len(), MAX_MORE_LABELS);
        assert_eq!(errors[0].notes, ["and 96 more spaces, not marked here"]);
        // Few enough: every place labelled, no note.
        let errors = parse("a ~> b ~> c ~> T").unwrap_err();
        assert_eq!(errors[0].secondary.len(), 2);
        assert!(errors[0].notes.is_empty());
    }

    #[test]
    fn errors_of_one_definition_are_capped() {
        let errors = parse(&format!("string{}", "?".repeat(3000))).unwrap_err();
        assert_eq!(errors.len(), MAX_DEFINITION_ERRORS);
        assert!(errors.iter().all(|d| d.code == Code::DuplicateModifier));
        let more = 2999 - MAX_DEFINITION_ERRORS;
        assert_eq!(
            errors[MAX_DEFINITION_ERRORS - 1].notes,
            [format!(
                "{more} more errors in this definition not shown: fix these and check again"
            )]
        );
        assert!(
            errors[..MAX_DEFINITION_ERRORS - 1]
                .iter()
                .all(|d| d.notes.is_empty())
        );
        // Exactly at the cap: no note.
        let errors =
            parse(&format!("string{}", "?".repeat(MAX_DEFINITION_ERRORS + 1))).unwrap_err();
        assert_eq!(errors.len(), MAX_DEFINITION_ERRORS);
        assert!(errors.iter().all(|d| d.notes.is_empty()));
    }

    #[test]
    fn many_distinct_union_members_are_checked_in_linear_time() {
        // 20,000 members, the last repeating the first: one error, pointing at both.
        let mut members: Vec<String> = (0..20_000).map(|i| format!("T{i}")).collect();
        members.push("T0".to_owned());
        let errors = parse(&format!("~>{}", members.join("|"))).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, Code::DuplicateUnionMember);
        assert_eq!(errors[0].secondary[0].0, Span::new(2, 4));
    }

    #[test]
    fn operator_runs_find_glued_operators() {
        assert_eq!(
            contained_operators("<->"),
            Some(vec![Operator::ForwardExact, Operator::BackwardExact])
        );
        assert_eq!(
            contained_operators("~~>"),
            Some(vec![Operator::ForwardFuzzy])
        );
        assert_eq!(contained_operators("<>"), None);
    }

    #[test]
    fn threshold_fixes() {
        assert_eq!(threshold_fix(".5").as_deref(), Some("0.5"));
        assert_eq!(threshold_fix("1e-1").as_deref(), Some("0.1"));
        assert_eq!(threshold_fix("0,8").as_deref(), Some("0.8"));
        assert_eq!(threshold_fix("80%").as_deref(), Some("0.8"));
        assert_eq!(threshold_fix("NaN"), None);
        assert_eq!(threshold_fix("0.8.1"), None);
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest_primitive("varchar"), Some(Primitive::String));
        assert_eq!(suggest_primitive("integer"), Some(Primitive::Number));
        assert_eq!(suggest_primitive("Str"), Some(Primitive::String));
        assert_eq!(suggest_primitive("frobnicate"), None);
    }

    #[test]
    fn decimal_is_strict() {
        let ok = |s: &str| all_consuming(decimal).parse(In::new(s)).is_ok();
        assert!(ok("0.85") && ok("1") && ok("00.5"));
        assert!(!ok(".5") && !ok("1.") && !ok("1e-1") && !ok("0.8.1") && !ok("NaN") && !ok("٠.٥"));
    }
}
