//! `.cascade` files (DESIGN §3): the object literal that the TypeScript `DB({...})` call takes.
//!
//! This module is only the *syntax*: comments (`//`, `/* */`), identifier or quoted keys, single- or
//! double-quoted strings with escapes (`\n \t \r \b \f \v \0 \' \" \\ \/ \uXXXX \u{X…}`), trailing
//! commas, numbers, `true`/`false`/`null`, nested objects and arrays. JSON is a valid input. What
//! the keys and values *mean* (types, fields, `$`-metadata) is decided by
//! [`validate`](crate::validate), which gathers every meaning error of a syntactically valid file.
//!
//! # Syntax errors
//!
//! Every syntax error of a file is reported in one run (at most [`MAX_ERRORS`]; the last one
//! then notes how many more there are, a count [`not_shown`] reads back), sorted by position. The parser recovers like a
//! hand-written one: a broken entry or array item is recorded and skipped to the next `,` or
//! closing bracket at its nesting depth (strings and comments are skipped whole), and parsing
//! goes on. One mistake gives one error: an unterminated string ends at its line break (with
//! the containers whose closers it took, when the rest of the file does not close them), an
//! unclosed `{` or `[` (or an unterminated comment) is reported once, at the end of the file
//! with a label on the innermost bracket left open, a closer typed for the
//! wrong bracket is matched by the brackets of the rest of the file, a `key:` inside an array
//! ends the array (its `]` was forgotten), and a forgotten `,` or `:` is reported and read past.
//! The rules are in the parser's source (`schema/parser.rs`).
//!
//! A file with syntax errors is **not validated**: [`parse`] returns only the syntax errors, and
//! [`check`](crate::check) stops there. Validating the entries that did parse would report false
//! errors about the ones that did not (an `unknown-target-type` for a type whose declaration was
//! skipped, a `conflicting-backref` where the field that settles it was skipped), so the
//! meaning errors come in the next run, once the syntax is fixed. The output is deterministic:
//! the same text always gives the same diagnostics in the same order.
//!
//! Strings keep the source offset of every escape sequence, so a span inside the *decoded* text
//! (say, the `1.5` of `'~>T(1.5)'`) maps back to the exact bytes of the file
//! ([`Text::source_span`]).
//!
//! ```
//! let file = cascade_dsl::schema::parse("{ ICP: { name: 'string' }, }").unwrap();
//! assert_eq!(file.root.entries[0].key.value, "ICP");
//! ```

use std::borrow::Cow;

use crate::diag::Diagnostic;
use crate::model::Escape;
use crate::span::Span;

mod fast;
mod parser;

#[cfg(any(test, fuzzing))]
pub(crate) use fast::split_points;
pub(crate) use fast::{Entries, Item, Member, PlainField, entries, split_points_from};
pub use parser::{MAX_ERRORS, not_shown};

/// How deeply objects and arrays may nest. A schema needs 4 levels; the limit keeps hostile input
/// from overflowing the stack.
pub const MAX_DEPTH: usize = 64;

/// A parsed `.cascade` file: one object literal.
#[derive(Clone, Debug, PartialEq)]
pub struct File<'a> {
    /// The top-level object.
    pub root: Object<'a>,
}

/// `{ key: value, ... }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Object<'a> {
    /// From `{` to `}` inclusive.
    pub span: Span,
    /// The entries in the order written (duplicates kept; the validator reports them).
    pub entries: Vec<Entry<'a>>,
}

/// One `key: value` pair of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry<'a> {
    /// The key, bare or quoted.
    pub key: Text<'a>,
    /// The value.
    pub value: Value<'a>,
}

/// A value of the object literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// A single- or double-quoted string.
    String(Text<'a>),
    /// A JSON number (`-12.5e3`). The text is `src[span]`.
    Number(Number),
    /// `true` or `false`.
    Bool(bool, Span),
    /// `null`.
    Null(Span),
    /// `[ ... ]`.
    Array(Array<'a>),
    /// `{ ... }`.
    Object(Object<'a>),
}

/// `[ value, ... ]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Array<'a> {
    /// From `[` to `]` inclusive.
    pub span: Span,
    /// The items in order.
    pub items: Vec<Value<'a>>,
}

/// A number as written. `value` may be infinite (`1e400`); the validator rejects that.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number {
    /// The parsed value.
    pub value: f64,
    /// The number's text in the file.
    pub span: Span,
}

/// A key or a string: its decoded text and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Text<'a> {
    /// The decoded text (borrowed from the file when it holds no escape).
    pub value: Cow<'a, str>,
    /// The whole token, quotes included.
    pub span: Span,
    /// Where the text between the quotes starts (`span.start()` for a bare key).
    pub content_start: usize,
    /// Every escape sequence, in order (empty for most strings).
    pub escapes: Vec<Escape>,
    /// Whether the key or string was quoted.
    pub quoted: bool,
}

impl Text<'_> {
    /// Maps a byte range of the decoded [`value`](Text::value) to the file. A range starting or
    /// ending inside an escape's decoded text widens to the whole escape sequence.
    ///
    /// ```
    /// // `\u0041` decodes to `A`: the decoded range 1..2 (`A`) is the 6 bytes of the escape.
    /// let file = cascade_dsl::schema::parse(r"{ x: '~\u0041' }").unwrap();
    /// let cascade_dsl::schema::Value::String(text) = &file.root.entries[0].value else { panic!() };
    /// assert_eq!(text.value, "~A");
    /// assert_eq!(text.source_span(cascade_dsl::Span::new(1, 2)), cascade_dsl::Span::new(7, 13));
    /// ```
    pub fn source_span(&self, span: Span) -> Span {
        crate::model::place(self.content_start, &self.escapes, span)
    }

    /// The decoded text's span in the file: between the quotes.
    pub fn content_span(&self) -> Span {
        let end = self
            .source_span(Span::new(self.value.len(), self.value.len()))
            .end();
        Span::new(self.content_start, end)
    }
}

impl Value<'_> {
    /// Where the value was written.
    pub fn span(&self) -> Span {
        match self {
            Value::String(text) => text.span,
            Value::Number(number) => number.span,
            Value::Bool(_, span) | Value::Null(span) => *span,
            Value::Array(array) => array.span,
            Value::Object(object) => object.span,
        }
    }

    /// What kind of value this is, for messages: `a string`, `a number`, ...
    pub fn kind(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(..) => "a boolean",
            Value::Null(_) => "`null`",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// Parses the text of a `.cascade` file into its syntax tree. Spans are byte offsets into `src`.
///
/// On syntax errors, returns every one of them (see [the module docs](self#syntax-errors)), each
/// a [`Code::SyntaxError`] diagnostic that says what was expected and what was found, sorted by
/// position.
///
/// Plain files (ASCII whitespace, comments, strings whose escapes are one-character ones such
/// as `\'` or `\u` ones such as `\u00e9`) are read by a byte-level scanner in one pass; any other file, and every file with a
/// syntax error, goes to the nom parser, which returns the same tree or the diagnostics.
///
/// ```
/// use cascade_dsl::schema::{parse, Value};
/// let file = parse(r#"{ "Startup": { customer: 'Who buys it? ~>ICP(0.82)' } }"#).unwrap();
/// let Value::Object(startup) = &file.root.entries[0].value else { panic!() };
/// assert_eq!(startup.entries[0].key.value, "customer");
///
/// let err = parse("{ ICP: { name 'string' } }").unwrap_err();
/// assert_eq!(err[0].message, "expected `:` after the key `name`, found `'`");
///
/// // Every independent error, in one run.
/// let errors = parse("{ A: { x: .5, y: 'a\\q' }, B: { z: 1 w: 2 } }").unwrap_err();
/// let messages: Vec<_> = errors.iter().map(|d| d.message.as_str()).collect();
/// assert_eq!(messages, [
///     "expected a value, found `.`",
///     "unknown escape `\\q`",
///     "expected `,` or `}` after the value of `z`, found `w`",
/// ]);
/// ```
///
/// [`Code::SyntaxError`]: crate::codes::Code::SyntaxError
pub fn parse(src: &str) -> Result<File<'_>, Vec<Diagnostic>> {
    if src.len() > crate::span::MAX_SOURCE_LEN {
        return Err(vec![crate::span::too_large(src.len(), "file")]);
    }
    // The byte-level scanner reads plain files; anything else (escapes, errors) goes to the nom
    // parser, which gives the same tree or every syntax error.
    match fast::file(src) {
        Some(file) => Ok(file),
        None => parser::file(src),
    }
}
