//! The nom 8 parser of the object literal. `LocatedSpan` stays inside this module; the syntax tree
//! carries plain [`Span`]s.
//!
//! Every construct is committed by its first character (`{`, `[`, a quote, a digit), so the
//! parser never backtracks: each function either succeeds or fails for good with a
//! [`SyntaxError`] that says what was expected at which offset.

use std::borrow::Cow;

use nom::bytes::complete::{tag, take_till, take_until, take_while, take_while1};
use nom::character::complete::{char, digit1, one_of};
use nom::combinator::{opt, recognize};
use nom::error::{ContextError, ErrorKind, ParseError};
use nom::{IResult, Input, Parser};
use nom_locate::LocatedSpan;

use super::{Array, Entry, File, MAX_DEPTH, Number, Object, Text, Value};
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::model::Escape;
use crate::span::Span;

type In<'a> = LocatedSpan<&'a str>;
type PResult<'a, T> = IResult<In<'a>, T, SyntaxError>;

/// Why parsing stopped: what was expected at which byte.
#[derive(Debug)]
pub(super) struct SyntaxError {
    /// Where the error is; when `None`, the token found at `at`.
    span: Option<Span>,
    at: usize,
    expected: Cow<'static, str>,
    /// Replaces the usual `expected X, found Y` message.
    message: Option<String>,
    help: Option<String>,
}

impl SyntaxError {
    fn expected(at: usize, expected: impl Into<Cow<'static, str>>) -> SyntaxError {
        SyntaxError {
            span: None,
            at,
            expected: expected.into(),
            message: None,
            help: None,
        }
    }

    fn message(span: Span, message: impl Into<String>, label: &'static str) -> SyntaxError {
        SyntaxError {
            span: Some(span),
            at: span.start,
            expected: Cow::Borrowed(label),
            message: Some(message.into()),
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> SyntaxError {
        self.help = Some(help.into());
        self
    }

    fn into_diagnostic(self, src: &str) -> Diagnostic {
        let rest = src.get(self.at..).unwrap_or("");
        let (found, found_len) = describe(rest);
        let mut span = self.span.unwrap_or(Span::new(self.at, self.at + found_len));
        let mut label = format!("expected {}", self.expected);
        if self.span.is_none() && rest.trim().is_empty() {
            // At the end of the file: point just after the last thing written, where the missing
            // text belongs, not at an empty line below it.
            let end = src.trim_end().len();
            let start = src[..end].char_indices().next_back().map_or(0, |(i, _)| i);
            span = Span::new(start, end);
            label = "the file ends here".to_owned();
        }
        let diagnostic = match self.message {
            Some(message) => {
                Diagnostic::error(Code::SyntaxError, message, span).with_label(self.expected)
            }
            None => Diagnostic::error(
                Code::SyntaxError,
                format!("expected {}, found {found}", self.expected),
                span,
            )
            .with_label(label),
        };
        match self.help {
            Some(help) => diagnostic.with_help(help),
            None => diagnostic,
        }
    }
}

impl<'a> ParseError<In<'a>> for SyntaxError {
    fn from_error_kind(input: In<'a>, kind: ErrorKind) -> SyntaxError {
        SyntaxError::expected(input.location_offset(), kind.description().to_lowercase())
    }

    fn append(_: In<'a>, _: ErrorKind, other: SyntaxError) -> SyntaxError {
        other
    }
}

impl<'a> ContextError<In<'a>> for SyntaxError {}

/// The token at the start of `rest`, for `found ...`, and its length in bytes.
fn describe(rest: &str) -> (String, usize) {
    let Some(c) = rest.chars().next() else {
        return ("end of file".to_owned(), 0);
    };
    match c {
        '\n' | '\r' => ("end of line".to_owned(), 0),
        c if is_ident_char(c) => {
            let word: String = rest
                .chars()
                .take_while(|&c| is_ident_char(c))
                .take(40)
                .collect();
            (format!("`{word}`"), word.len())
        }
        c if c.is_whitespace() => ("whitespace".to_owned(), c.len_utf8()),
        c => (format!("`{c}`"), c.len_utf8()),
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

fn failure<T>(error: SyntaxError) -> PResult<'static, T> {
    Err(nom::Err::Failure(error))
}

fn offset(i: &In<'_>) -> usize {
    i.location_offset()
}

fn peek(i: &In<'_>) -> Option<char> {
    i.fragment().chars().next()
}

/// Parses a whole file into its syntax tree, or the first syntax error as the one diagnostic.
pub(super) fn file(src: &str) -> Result<File<'_>, Vec<Diagnostic>> {
    let input = In::new(src);
    let parsed = (|| {
        let (i, _) = opt(char('\u{feff}')).parse(input)?;
        let (i, ()) = skip_trivia(i)?;
        if peek(&i) != Some('{') {
            return failure(
                SyntaxError::expected(offset(&i), "`{` to start the schema object").help(
                    "a `.cascade` file is one object literal: `{ Type: { field: 'string' } }`",
                ),
            );
        }
        let mut scratch = Scratch::default();
        let (i, root) = object(i, 1, &mut scratch)?;
        let (i, ()) = skip_trivia(i)?;
        if !i.fragment().is_empty() {
            return failure(
                SyntaxError::expected(offset(&i), "the end of the file after the schema object")
                    .help("everything must be inside the one top-level `{ ... }`"),
            );
        }
        Ok((i, File { root }))
    })();
    match parsed {
        Ok((_, file)) => Ok(file),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(vec![e.into_diagnostic(src)]),
        Err(nom::Err::Incomplete(_)) => {
            unreachable!("complete parsers never return Incomplete")
        }
    }
}

/// Whitespace, `// line` and `/* block */` comments.
fn skip_trivia(mut i: In<'_>) -> PResult<'_, ()> {
    // Fast path: most gaps are a few ASCII spaces and newlines before the next token.
    let ascii = i
        .fragment()
        .bytes()
        .take_while(u8::is_ascii_whitespace)
        .count();
    if ascii > 0 {
        i = i.take_from(ascii);
    }
    if !i
        .fragment()
        .starts_with(|c: char| c == '/' || (!c.is_ascii() && c.is_whitespace()))
    {
        return Ok((i, ()));
    }
    loop {
        (i, _) = take_while(char::is_whitespace).parse(i)?;
        if i.fragment().starts_with("//") {
            (i, _) = take_till(|c| c == '\n').parse(i)?;
        } else if i.fragment().starts_with("/*") {
            let start = offset(&i);
            let (rest, _) = tag("/*").parse(i)?;
            match take_until::<_, _, SyntaxError>("*/").parse(rest) {
                Ok((rest, _)) => (i, _) = tag("*/").parse(rest)?,
                Err(_) => {
                    return failure(
                        SyntaxError::message(
                            Span::new(start, start + 2),
                            "unterminated block comment",
                            "comment starts here",
                        )
                        .help("close the comment with `*/`"),
                    );
                }
            }
        } else {
            return Ok((i, ()));
        }
    }
}

fn value<'a>(i: In<'a>, depth: usize, scratch: &mut Scratch<'a>) -> PResult<'a, Value<'a>> {
    match peek(&i) {
        Some('{') => object(i, depth + 1, scratch).map(|(i, o)| (i, Value::Object(o))),
        Some('[') => array(i, depth + 1, scratch).map(|(i, a)| (i, Value::Array(a))),
        Some(q @ ('"' | '\'')) => string(i, q).map(|(i, s)| (i, Value::String(s))),
        Some('-' | '0'..='9') => number(i).map(|(i, n)| (i, Value::Number(n))),
        Some('.' | '+') => failure(
            SyntaxError::expected(offset(&i), "a value")
                .help("numbers start with a digit or `-`: write `0.5`, not `.5` or `+0.5`"),
        ),
        Some(c) if is_ident_char(c) => {
            let start = offset(&i);
            let (rest, word) = take_while1(is_ident_char).parse(i)?;
            let span = Span::new(start, offset(&rest));
            match *word.fragment() {
                "true" => Ok((rest, Value::Bool(true, span))),
                "false" => Ok((rest, Value::Bool(false, span))),
                "null" => Ok((rest, Value::Null(span))),
                word => {
                    let help = match word {
                        "NaN" | "Infinity" | "undefined" => {
                            "`NaN`, `Infinity` and `undefined` are not values here: write a number such as `0.85`"
                        }
                        _ => "quote text: `'string'`",
                    };
                    failure(
                        SyntaxError::expected(
                            start,
                            "a value (a string, number, object, array, `true`, `false` or `null`)",
                        )
                        .help(help),
                    )
                }
            }
        }
        _ => failure(SyntaxError::expected(
            offset(&i),
            "a value (a string, number, object, array, `true`, `false` or `null`)",
        )),
    }
}

fn too_deep(i: &In<'_>) -> SyntaxError {
    SyntaxError::message(
        Span::new(offset(i), offset(i) + 1),
        format!("objects and arrays nest deeper than {MAX_DEPTH} levels"),
        "too deep",
    )
    .help("a schema needs at most 4 levels: schema, type, `$config`, value")
}

/// The entries and items of the objects and arrays being parsed, innermost last. Building every
/// object's entries here and moving them into an exactly sized `Vec` at its `}` saves the
/// reallocations of growing one `Vec` per object (a third of parsing time on large schemas).
#[derive(Default)]
struct Scratch<'a> {
    entries: Vec<Entry<'a>>,
    items: Vec<Value<'a>>,
}

/// The file ends inside the object or array opened at `start`.
fn unclosed(start: usize, open: char, close: char) -> SyntaxError {
    SyntaxError::message(
        Span::new(start, start + 1),
        format!("unclosed `{open}`: the file ends before its `{close}`"),
        "never closed",
    )
    .help(format!("add the missing `{close}`"))
}

fn object<'a>(i: In<'a>, depth: usize, scratch: &mut Scratch<'a>) -> PResult<'a, Object<'a>> {
    if depth > MAX_DEPTH {
        return failure(too_deep(&i));
    }
    let start = offset(&i);
    let (mut i, _) = char('{').parse(i)?;
    // Entries collect on the shared scratch stack and move into one exactly sized `Vec` at `}`.
    let base = scratch.entries.len();
    loop {
        (i, ()) = skip_trivia(i)?;
        if peek(&i) == Some('}') {
            break;
        }
        if i.fragment().is_empty() {
            return failure(unclosed(start, '{', '}'));
        }
        let key;
        (i, key) = match peek(&i) {
            Some(q @ ('"' | '\'')) => string(i, q)?,
            Some(c) if is_ident_char(c) => bare_key(i)?,
            _ => {
                let expected = if scratch.entries.len() == base {
                    "a key or `}`"
                } else {
                    "a key or `}` after `,`"
                };
                return failure(
                    SyntaxError::expected(offset(&i), expected)
                        .help("keys are identifiers (`name`) or quoted (`'first name'`)"),
                );
            }
        };
        (i, ()) = skip_trivia(i)?;
        if peek(&i) != Some(':') {
            let expected = format!("`:` after the key `{}`", key.value);
            return failure(SyntaxError::expected(offset(&i), expected));
        }
        (i, _) = char(':').parse(i)?;
        (i, ()) = skip_trivia(i)?;
        let value;
        (i, value) = self::value(i, depth, scratch)?;
        (i, ()) = skip_trivia(i)?;
        scratch.entries.push(Entry { key, value });
        match peek(&i) {
            Some(',') => (i, _) = char(',').parse(i)?,
            Some('}') => break,
            _ => {
                let name = scratch.entries.last().map_or("", |e| &*e.key.value);
                let expected = format!("`,` or `}}` after the value of `{name}`");
                return failure(
                    SyntaxError::expected(offset(&i), expected)
                        .help("separate entries with `,`; an unclosed `{` also ends up here"),
                );
            }
        }
    }
    let (i, _) = char('}').parse(i)?;
    let entries = scratch.entries.drain(base..).collect();
    Ok((
        i,
        Object {
            span: Span::new(start, offset(&i)),
            entries,
        },
    ))
}

fn array<'a>(i: In<'a>, depth: usize, scratch: &mut Scratch<'a>) -> PResult<'a, Array<'a>> {
    if depth > MAX_DEPTH {
        return failure(too_deep(&i));
    }
    let start = offset(&i);
    let (mut i, _) = char('[').parse(i)?;
    let base = scratch.items.len();
    loop {
        (i, ()) = skip_trivia(i)?;
        if peek(&i) == Some(']') {
            break;
        }
        if i.fragment().is_empty() {
            return failure(unclosed(start, '[', ']'));
        }
        let item;
        (i, item) = value(i, depth, scratch)?;
        scratch.items.push(item);
        (i, ()) = skip_trivia(i)?;
        match peek(&i) {
            Some(',') => (i, _) = char(',').parse(i)?,
            Some(']') => break,
            _ => {
                return failure(SyntaxError::expected(offset(&i), "`,` or `]` in the array"));
            }
        }
    }
    let (i, _) = char(']').parse(i)?;
    let items = scratch.items.drain(base..).collect();
    Ok((
        i,
        Array {
            span: Span::new(start, offset(&i)),
            items,
        },
    ))
}

fn bare_key(i: In<'_>) -> PResult<'_, Text<'_>> {
    let start = offset(&i);
    let (rest, word) = take_while1(is_ident_char).parse(i)?;
    let text = Text {
        value: Cow::Borrowed(*word.fragment()),
        span: Span::new(start, offset(&rest)),
        content_start: start,
        escapes: Vec::new(),
        quoted: false,
    };
    Ok((rest, text))
}

/// A JSON number: `-?digits(.digits)?([eE][+-]?digits)?`.
fn number(i: In<'_>) -> PResult<'_, Number> {
    let start = offset(&i);
    let parsed: PResult<'_, In<'_>> = recognize((
        opt(char('-')),
        digit1,
        opt((char('.'), digit1)),
        opt((one_of("eE"), opt(one_of("+-")), digit1)),
    ))
    .parse(i);
    let (rest, text) = match parsed {
        Ok(ok) => ok,
        Err(_) => return failure(SyntaxError::expected(start + 1, "a digit after `-`")),
    };
    if let Some(c) = peek(&rest).filter(|&c| c == '.' || is_ident_char(c)) {
        let end = offset(&rest) + c.len_utf8();
        return failure(
            SyntaxError::message(
                Span::new(start, end),
                format!("malformed number `{}{c}`", text.fragment()),
                "not a number",
            )
            .help("write a plain decimal such as `0.85`"),
        );
    }
    // The text matches the JSON number grammar, which `f64::from_str` accepts (as `inf` when huge).
    let value = text.fragment().parse::<f64>().unwrap_or(f64::NAN);
    Ok((
        rest,
        Number {
            value,
            span: Span::new(start, offset(&text) + text.fragment().len()),
        },
    ))
}

/// A single- or double-quoted string (also a quoted key). Borrowed when it holds no escape.
fn string(i: In<'_>, quote: char) -> PResult<'_, Text<'_>> {
    let start = offset(&i);
    let (i, _) = char(quote).parse(i)?;
    let content_start = offset(&i);
    let stop = |c: char| c == quote || c == '\\' || c == '\n' || c == '\r';
    let (mut i, plain) = take_till(stop).parse(i)?;
    if peek(&i) == Some(quote) {
        let (i, _) = char(quote).parse(i)?;
        let text = Text {
            value: Cow::Borrowed(*plain.fragment()),
            span: Span::new(start, offset(&i)),
            content_start,
            escapes: Vec::new(),
            quoted: true,
        };
        return Ok((i, text));
    }
    let mut value = String::from(*plain.fragment());
    let mut escapes = Vec::new();
    loop {
        match peek(&i) {
            Some(c) if c == quote => break,
            Some('\\') => {
                let escape_start = offset(&i);
                let at = value.len();
                i = escape(i, &mut value)?;
                escapes.push(Escape {
                    at,
                    decoded_len: value.len() - at,
                    written_len: offset(&i) - escape_start,
                });
            }
            None | Some('\n' | '\r') => {
                let here = offset(&i);
                return failure(
                    SyntaxError::message(
                        Span::new(start, here),
                        format!("unterminated string: expected a closing `{quote}`"),
                        "string starts here",
                    )
                    .help(format!("close the string with `{quote}` on the same line; write a line break as `\\n`")),
                );
            }
            Some(_) => {
                let chunk;
                (i, chunk) = take_till(stop).parse(i)?;
                value.push_str(chunk.fragment());
            }
        }
    }
    let (i, _) = char(quote).parse(i)?;
    let text = Text {
        value: Cow::Owned(value),
        span: Span::new(start, offset(&i)),
        content_start,
        escapes,
        quoted: true,
    };
    Ok((i, text))
}

/// One escape sequence starting at `\`: decoded into `out`.
fn escape<'a>(i: In<'a>, out: &mut String) -> Result<In<'a>, nom::Err<SyntaxError>> {
    let start = offset(&i);
    let (i, _) = char('\\').parse(i)?;
    let Some(c) = peek(&i) else {
        return Err(nom::Err::Failure(SyntaxError::expected(
            offset(&i),
            "an escape after `\\`",
        )));
    };
    let (i, _) = i.take_split(c.len_utf8());
    let simple = match c {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'v' => Some('\u{b}'),
        '0' => Some('\0'),
        '\'' | '"' | '\\' | '/' => Some(c),
        _ => None,
    };
    if let Some(decoded) = simple {
        out.push(decoded);
        return Ok(i);
    }
    let bad = |end: usize, what: String| {
        nom::Err::Failure(
            SyntaxError::message(Span::new(start, end), what, "invalid escape").help(
                "valid escapes: \\n \\t \\r \\b \\f \\v \\0 \\' \\\" \\\\ \\/ \\uXXXX \\u{X} \\xXX",
            ),
        )
    };
    match c {
        // A line continuation: backslash-newline decodes to nothing, as in JavaScript.
        '\n' => Ok(i),
        '\r' => Ok(if peek(&i) == Some('\n') {
            i.take_split(1).0
        } else {
            i
        }),
        'x' => {
            let (i, code) =
                hex_digits(i, 2, 2).map_err(|at| bad(at, "`\\x` needs two hex digits".into()))?;
            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            Ok(i)
        }
        'u' if peek(&i) == Some('{') => {
            let (i, _) = char('{').parse(i)?;
            let (i, code) = hex_digits(i, 1, 6)
                .map_err(|at| bad(at, "`\\u{...}` needs 1 to 6 hex digits".into()))?;
            if peek(&i) != Some('}') {
                return Err(bad(offset(&i), "`\\u{...}` needs a closing `}`".into()));
            }
            let (i, _) = char('}').parse(i)?;
            let Some(decoded) = char::from_u32(code) else {
                return Err(bad(
                    offset(&i),
                    format!("`\\u{{{code:x}}}` is not a Unicode scalar value"),
                ));
            };
            out.push(decoded);
            Ok(i)
        }
        'u' => {
            let (i, unit) =
                hex_digits(i, 4, 4).map_err(|at| bad(at, "`\\u` needs four hex digits".into()))?;
            if let Some(decoded) = char::from_u32(unit) {
                out.push(decoded);
                return Ok(i);
            }
            // A UTF-16 surrogate: only a high one followed by `\u` + a low one is a character.
            let lone = |end| bad(end, format!("`\\u{unit:04x}` is a lone UTF-16 surrogate"));
            if !(0xD800..0xDC00).contains(&unit) || !i.fragment().starts_with("\\u") {
                return Err(lone(offset(&i)));
            }
            let (j, _) = tag("\\u").parse(i)?;
            let (j, low) = hex_digits(j, 4, 4).map_err(|_| lone(offset(&i)))?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(lone(offset(&i)));
            }
            let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            Ok(j)
        }
        other => Err(bad(offset(&i), format!("unknown escape `\\{other}`"))),
    }
}

/// `min..=max` hex digits as a number, or the offset where the digits end.
fn hex_digits(i: In<'_>, min: usize, max: usize) -> Result<(In<'_>, u32), usize> {
    let count = i
        .fragment()
        .chars()
        .take(max)
        .take_while(char::is_ascii_hexdigit)
        .count();
    if count < min {
        return Err(offset(&i) + count);
    }
    let (rest, digits) = i.take_split(count);
    u32::from_str_radix(digits.fragment(), 16)
        .map(|code| (rest, code))
        .map_err(|_| offset(&i))
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn err(src: &str) -> Diagnostic {
        match parse(src) {
            Ok(file) => panic!("expected a syntax error, got {file:?}"),
            Err(mut errors) => errors.remove(0),
        }
    }

    #[test]
    fn json_is_accepted() {
        let file = parse(
            r#"{"A": {"b": "string", "c": ["~>A"], "$threshold": 0.8, "n": null, "t": true}}"#,
        )
        .unwrap();
        let Value::Object(a) = &file.root.entries[0].value else {
            panic!()
        };
        assert_eq!(a.entries.len(), 5);
        assert!(matches!(a.entries[3].value, Value::Null(_)));
    }

    #[test]
    fn comments_and_trailing_commas() {
        let src = "// head\n{ /* a */ A: { b: 'x', }, // tail\n }\n/* end */";
        let file = parse(src).unwrap();
        assert_eq!(file.root.entries[0].key.value, "A");
    }

    #[test]
    fn escapes_decode_and_map() {
        let src = r#"{ a: 'it\'s \u00e9 \uD83D\uDE00 \u{41}\x42' }"#;
        let file = parse(src).unwrap();
        let Value::String(text) = &file.root.entries[0].value else {
            panic!()
        };
        assert_eq!(text.value, "it's é 😀 AB");
        // `AB` decoded is written `\u{41}\x42`.
        let decoded = text.value.find('A').unwrap();
        let span = text.source_span(Span::new(decoded, decoded + 2));
        assert_eq!(&src[span.start..span.end], r"\u{41}\x42");
        assert_eq!(text.content_span(), Span::new(6, src.len() - 3));
    }

    #[test]
    fn numbers() {
        let file = parse("{ a: -0.5, b: 1e400, c: 12 }").unwrap();
        let values: Vec<f64> = file
            .root
            .entries
            .iter()
            .map(|e| match e.value {
                Value::Number(n) => n.value,
                _ => panic!(),
            })
            .collect();
        assert_eq!(values[0], -0.5);
        assert!(values[1].is_infinite());
        assert_eq!(values[2], 12.0);
        assert_eq!(err("{ a: 0.8.1 }").message, "malformed number `0.8.`");
        assert_eq!(err("{ a: .5 }").message, "expected a value, found `.`");
    }

    #[test]
    fn syntax_errors_say_what_was_expected() {
        assert_eq!(
            err("").message,
            "expected `{` to start the schema object, found end of file"
        );
        assert_eq!(
            err("{ a: 'x' b: 'y' }").message,
            "expected `,` or `}` after the value of `a`, found `b`"
        );
        assert_eq!(
            err("{ a: 'x', , }").message,
            "expected a key or `}` after `,`, found `,`"
        );
        assert_eq!(err("{ a 'x' }").span(), Span::new(4, 5));
        assert_eq!(
            err("{ a: 'x }").message,
            "unterminated string: expected a closing `'`"
        );
        assert_eq!(
            err("{ a: {} } }").message,
            "expected the end of the file after the schema object, found `}`"
        );
        assert_eq!(err("{ /* x").message, "unterminated block comment");
        assert_eq!(
            err("{ a: NaN }").message.split(',').next(),
            Some("expected a value (a string")
        );
        assert_eq!(err(r"{ a: '\q' }").message, r"unknown escape `\q`");
        assert_eq!(
            err(r"{ a: '\uD83D' }").message,
            r"`\ud83d` is a lone UTF-16 surrogate"
        );
        assert_eq!(
            err("{ a: [1 2] }").message,
            "expected `,` or `]` in the array, found `2`"
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = format!("{{ a: {}{} }}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(err(&src).message.contains("nest deeper than 64"));
    }
}
