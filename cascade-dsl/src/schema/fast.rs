//! A byte-level fast path for the object literal.
//!
//! The nom parser (`parser.rs`) is the grammar and the source of every syntax diagnostic; it
//! costs about 70 instructions per byte of input (`LocatedSpan` recounts lines at every split, and
//! the syntax tree is moved through nested `IResult`s). Schemas are almost always plain: ASCII
//! whitespace, comments, bare or quoted keys, strings with one-character escapes (`\'`, `\n`)
//! and `\uXXXX` / `\u{X…}` escapes, numbers. This scanner reads exactly that subset in one pass
//! over the bytes and returns `None` for anything else (`\x` escapes, UTF-16 surrogate pairs,
//! line continuations, non-ASCII whitespace, a bare key with non-ASCII letters, and every syntax
//! error), which then goes to the nom parser, so diagnostics are unchanged.
//!
//! Invariant: when [`file()`] returns `Some(tree)`, the nom parser returns `Ok(tree)` for the same
//! input, spans included. The property tests at the bottom of this file check it on generated
//! schemas and on mutations of them.

use std::borrow::Cow;

use super::{Array, Entry, File, MAX_DEPTH, Number, Object, Text, Value};
use crate::model::Escape;
use crate::span::Span;

/// The syntax tree of `src`, or `None` to defer to the nom parser.
pub(super) fn file(src: &str) -> Option<File<'_>> {
    let mut scanner = Scanner::at_start(src)?;
    let root = scanner.object(1)?;
    scanner.trivia()?;
    (scanner.at == scanner.bytes.len()).then_some(File { root })
}

/// The entries of the top-level object, read one at a time, so that a schema can be built
/// while it is read, without a tree of the whole file. Reads what [`file()`] reads, and gives the
/// same entries.
pub(crate) struct Entries<'a> {
    scanner: Scanner<'a>,
    /// The `}` of the top-level object was reached.
    closed: bool,
}

/// The top-level entries of `src`; `None` when the scanner cannot read its start.
pub(crate) fn entries(src: &str) -> Option<Entries<'_>> {
    let mut scanner = Scanner::at_start(src)?;
    if scanner.peek()? != b'{' {
        return None;
    }
    scanner.at += 1;
    Some(Entries {
        scanner,
        closed: false,
    })
}

/// An entry of the top-level object, as [`Entries::next`] reads it.
#[derive(Debug)]
pub(crate) enum Item<'a> {
    /// A whole entry: `$config: {...}`, or a type whose value is not an object.
    Entry(Entry<'a>),
    /// The key of a type whose value is an object; [`Entries::member`] then reads its entries.
    Type(Text<'a>),
}

impl<'a> Entries<'a> {
    /// The entries of the top-level object of `src` from byte `at` on, read as [`Entries::next`]
    /// reads them when an entry of that object starts at `at`. Whether one does is not checked
    /// here: the reader of the entries before `at` checks that it stops exactly there
    /// ([`Entries::next_start`]); until then what this reads is a guess.
    pub(crate) fn resume(src: &'a str, at: usize) -> Entries<'a> {
        Entries {
            scanner: Scanner::at(src, at),
            closed: false,
        }
    }

    /// The byte the reading is at.
    pub(crate) fn position(&self) -> usize {
        self.scanner.at
    }

    /// Where the next entry's key starts (past the trivia before it); `None` once the object is
    /// closed or when the scanner cannot read on.
    pub(crate) fn next_start(&mut self) -> Option<usize> {
        if self.closed {
            return None;
        }
        self.scanner.trivia()?;
        (self.scanner.peek()? != b'}').then_some(self.scanner.at)
    }

    /// `Some(Some(item))`, the next entry; `Some(None)` once the object is closed and nothing
    /// but trivia follows; `None` when the scanner cannot read on (the full parser must).
    /// After an [`Item::Type`], call [`Entries::member`] until it gives `Some(None)`.
    pub(crate) fn next(&mut self) -> Option<Option<Item<'a>>> {
        let scanner = &mut self.scanner;
        if !self.closed {
            scanner.trivia()?;
            if scanner.peek()? != b'}' {
                let key = scanner.key()?;
                if scanner.peek()? == b'{' && !key.value.starts_with('$') {
                    scanner.at += 1;
                    return Some(Some(Item::Type(key)));
                }
                let value = scanner.value(1)?;
                scanner.trivia()?;
                scanner.separator()?;
                return Some(Some(Item::Entry(Entry { key, value })));
            }
            self.closed = true;
            scanner.at += 1;
            scanner.trivia()?;
        }
        (scanner.at == scanner.bytes.len()).then_some(None)
    }

    /// `Some(Some(member))`, the next entry of the type object opened by the last
    /// [`Item::Type`]; `Some(None)` once that object is closed; `None` as for [`Entries::next`].
    #[inline(always)]
    pub(crate) fn member(&mut self) -> Option<Option<Member<'a>>> {
        let scanner = &mut self.scanner;
        scanner.trivia()?;
        if scanner.peek()? == b'}' {
            scanner.at += 1;
            scanner.trivia()?;
            scanner.separator()?;
            return Some(None);
        }
        let member = if scanner.peek() == Some(b'$') {
            match scanner.number_entry() {
                Some(entry) => Member::Number(entry),
                None => Member::Entry(Box::new(scanner.entry(2)?)),
            }
        } else {
            match scanner.plain_field() {
                Some(field) => Member::Field(field),
                None => Member::Entry(Box::new(scanner.entry(2)?)),
            }
        };
        scanner.separator()?;
        Some(Some(member))
    }
}

/// An entry of a type's object, as [`Entries::member`] reads it.
#[derive(Debug)]
pub(crate) enum Member<'a> {
    /// The common field entry, read without building its syntax tree.
    Field(PlainField<'a>),
    /// A `$` key written bare with a number: the metadata most types have (`$threshold: 0.8`),
    /// read without a boxed entry.
    Number(NumberEntry<'a>),
    /// Any other entry: metadata, escapes, values that are not a definition string. Boxed,
    /// so that the common member stays small to move.
    Entry(Box<Entry<'a>>),
}

/// `$key: 0.8`: a bare `$` key and a number.
#[derive(Clone, Debug)]
pub(crate) struct NumberEntry<'a> {
    pub(crate) key: &'a str,
    pub(crate) key_span: Span,
    pub(crate) value: Number,
}

impl<'a> NumberEntry<'a> {
    /// The entry as [`Scanner::entry`] reads it.
    pub(crate) fn entry(&self) -> Entry<'a> {
        Entry {
            key: Text {
                value: Cow::Borrowed(self.key),
                span: self.key_span,
                content_start: self.key_span.start(),
                escapes: Vec::new(),
                quoted: false,
            },
            value: Value::Number(self.value),
        }
    }
}

/// A field written plainly: `key: 'definition'` or `key: ['definition']`, where the key is
/// not a `$` key and neither string has an escape sequence.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PlainField<'a> {
    pub(crate) key: &'a str,
    pub(crate) key_span: Span,
    pub(crate) key_quoted: bool,
    /// The definition, between its quotes.
    pub(crate) def: &'a str,
    /// The definition string, quotes included.
    pub(crate) def_span: Span,
    /// The `[...]` around the string, in the array-literal form.
    pub(crate) array: Option<Span>,
}

impl<'a> PlainField<'a> {
    /// The entry as [`Scanner::entry`] reads it.
    pub(crate) fn entry(&self) -> Entry<'a> {
        let text = |value: &'a str, span: Span, quoted: bool| Text {
            value: Cow::Borrowed(value),
            span,
            content_start: span.start() + usize::from(quoted),
            escapes: Vec::new(),
            quoted,
        };
        let def = Value::String(text(self.def, self.def_span, true));
        Entry {
            key: text(self.key, self.key_span, self.key_quoted),
            value: match self.array {
                Some(span) => Value::Array(Array {
                    span,
                    items: vec![def],
                }),
                None => def,
            },
        }
    }
}

/// The input and the position; the entries and items of the objects and arrays being read,
/// innermost last (each object's entries move into one exactly sized `Vec` at its `}`).
struct Scanner<'a> {
    src: &'a str,
    bytes: &'a [u8],
    at: usize,
    entries: Vec<Entry<'a>>,
    items: Vec<Value<'a>>,
}

/// The ASCII bytes the nom parser reads as identifier characters (`char::is_alphanumeric`,
/// `_`, `$`). A non-ASCII byte is not one of them here: the scanner defers instead.
fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

impl<'a> Scanner<'a> {
    /// A scanner of `src` past its byte-order mark and leading trivia.
    fn at_start(src: &'a str) -> Option<Scanner<'a>> {
        let bom = if src.starts_with('\u{feff}') { 3 } else { 0 };
        let mut scanner = Scanner::at(src, bom);
        scanner.trivia()?;
        Some(scanner)
    }

    /// A scanner of `src` at byte `at`, outside any object or array.
    fn at(src: &'a str, at: usize) -> Scanner<'a> {
        Scanner {
            src,
            bytes: src.as_bytes(),
            at,
            entries: Vec::new(),
            items: Vec::new(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Skips ASCII whitespace (all of which `char::is_whitespace` accepts) and comments. `None`
    /// for an unterminated block comment or any non-ASCII byte where trivia may be.
    #[inline(always)]
    fn trivia(&mut self) -> Option<()> {
        // Most calls sit right before a token: answer those without a call.
        match self.peek() {
            Some(b) if b.is_ascii_graphic() && b != b'/' => Some(()),
            _ => self.trivia_loop(),
        }
    }

    fn trivia_loop(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0c') => self.at += 1,
                Some(b'/') => match self.bytes.get(self.at + 1) {
                    // A line comment ends at a line terminator, as the nom parser reads it;
                    // U+2028 and U+2029 (the only ones outside ASCII) are left to that parser.
                    Some(b'/') => {
                        let rest = self.bytes.get(self.at..)?;
                        let end = super::parser::line_comment_len(rest);
                        if rest.get(end).is_some_and(|&b| b >= 0x80) {
                            return None;
                        }
                        self.at += end;
                    }
                    Some(b'*') => {
                        let body = self.src.get(self.at + 2..)?;
                        self.at += 2 + body.find("*/")? + 2;
                    }
                    _ => return Some(()),
                },
                Some(b) if b >= 0x80 || b == b'\x0b' => return None,
                _ => return Some(()),
            }
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value<'a>> {
        match self.peek()? {
            b'{' => self.object(depth + 1).map(Value::Object),
            b'[' => self.array(depth + 1).map(Value::Array),
            q @ (b'"' | b'\'') => self.string(q).map(Value::String),
            b'-' | b'0'..=b'9' => self.number().map(Value::Number),
            _ => {
                let start = self.at;
                let word = self.ident()?;
                let span = Span::new(start, self.at);
                match word {
                    "true" => Some(Value::Bool(true, span)),
                    "false" => Some(Value::Bool(false, span)),
                    "null" => Some(Value::Null(span)),
                    _ => None,
                }
            }
        }
    }

    /// A run of identifier bytes, at least one, not followed by a non-ASCII byte (which the nom
    /// parser might read as part of the identifier).
    fn ident(&mut self) -> Option<&'a str> {
        let start = self.at;
        let rest = self.bytes.get(start..)?;
        let len = rest
            .iter()
            .position(|&b| !is_ident_byte(b))
            .unwrap_or(rest.len());
        if len == 0 || self.bytes.get(start + len).is_some_and(|&b| b >= 0x80) {
            return None;
        }
        self.at += len;
        self.src.get(start..self.at)
    }

    /// `key: value` and the trivia after it, in an object at `depth`.
    fn entry(&mut self, depth: usize) -> Option<Entry<'a>> {
        let key = self.key()?;
        let value = self.value(depth)?;
        self.trivia()?;
        Some(Entry { key, value })
    }

    /// What `read` reads, or `None` with nothing read (the position put back).
    #[inline(always)]
    fn or_rewind<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let start = self.at;
        let read = read(self);
        if read.is_none() {
            self.at = start;
        }
        read
    }

    /// A [`PlainField`] and the trivia after it, or `None` with nothing read.
    fn plain_field(&mut self) -> Option<PlainField<'a>> {
        self.or_rewind(Self::try_plain_field)
    }

    fn try_plain_field(&mut self) -> Option<PlainField<'a>> {
        let (key, key_span, key_quoted) = match self.peek()? {
            q @ (b'"' | b'\'') => {
                let (key, span) = self.plain_string(q)?;
                (key, span, true)
            }
            _ => {
                let start = self.at;
                let word = self.ident()?;
                (word, Span::new(start, self.at), false)
            }
        };
        if key.starts_with('$') {
            return None;
        }
        self.trivia()?;
        if self.peek()? != b':' {
            return None;
        }
        self.at += 1;
        self.trivia()?;
        let (def, def_span, array) = match self.peek()? {
            q @ (b'"' | b'\'') => {
                let (def, span) = self.plain_string(q)?;
                (def, span, None)
            }
            b'[' => {
                let open = self.at;
                self.at += 1;
                self.trivia()?;
                let quote = self.peek()?;
                if quote != b'"' && quote != b'\'' {
                    return None;
                }
                let (def, span) = self.plain_string(quote)?;
                self.trivia()?;
                if self.peek()? == b',' {
                    self.at += 1;
                    self.trivia()?;
                }
                if self.peek()? != b']' {
                    return None;
                }
                self.at += 1;
                (def, span, Some(Span::new(open, self.at)))
            }
            _ => return None,
        };
        self.trivia()?;
        Some(PlainField {
            key,
            key_span,
            key_quoted,
            def,
            def_span,
            array,
        })
    }

    /// A [`NumberEntry`] and the trivia after it, or `None` with nothing read.
    fn number_entry(&mut self) -> Option<NumberEntry<'a>> {
        self.or_rewind(Self::try_number_entry)
    }

    fn try_number_entry(&mut self) -> Option<NumberEntry<'a>> {
        let start = self.at;
        if self.peek()? != b'$' {
            return None;
        }
        // As `key` reads a bare key.
        let key = self.ident()?;
        let key_span = Span::new(start, self.at);
        self.trivia()?;
        if self.peek()? != b':' {
            return None;
        }
        self.at += 1;
        self.trivia()?;
        if !matches!(self.peek()?, b'-' | b'0'..=b'9') {
            return None;
        }
        let value = self.number()?;
        self.trivia()?;
        Some(NumberEntry {
            key,
            key_span,
            value,
        })
    }

    /// A string without escapes (nor line breaks), and its span.
    fn plain_string(&mut self, quote: u8) -> Option<(&'a str, Span)> {
        let start = self.at;
        let content = self.bytes.get(start + 1..)?;
        let len = content
            .iter()
            .position(|&b| b == quote || b == b'\\' || b == b'\n' || b == b'\r')?;
        if content[len] != quote {
            return None;
        }
        let text = self.src.get(start + 1..start + 1 + len)?;
        self.at = start + len + 2;
        Some((text, Span::new(start, self.at)))
    }

    /// After an entry of an object: past its `,`, or at its `}`.
    fn separator(&mut self) -> Option<()> {
        match self.peek()? {
            b',' => self.at += 1,
            b'}' => {}
            _ => return None,
        }
        Some(())
    }

    /// `key:` and the trivia after it.
    fn key(&mut self) -> Option<Text<'a>> {
        let key = match self.peek()? {
            q @ (b'"' | b'\'') => self.string(q)?,
            _ => {
                let start = self.at;
                let word = self.ident()?;
                Text {
                    value: Cow::Borrowed(word),
                    span: Span::new(start, self.at),
                    content_start: start,
                    escapes: Vec::new(),
                    quoted: false,
                }
            }
        };
        self.trivia()?;
        if self.peek()? != b':' {
            return None;
        }
        self.at += 1;
        self.trivia()?;
        Some(key)
    }

    fn object(&mut self, depth: usize) -> Option<Object<'a>> {
        if depth > MAX_DEPTH || self.peek() != Some(b'{') {
            return None;
        }
        let start = self.at;
        self.at += 1;
        let base = self.entries.len();
        loop {
            self.trivia()?;
            if self.peek()? == b'}' {
                break;
            }
            // Not `entry()`: built in the push, the entry is not moved once more.
            let key = self.key()?;
            let value = self.value(depth)?;
            self.trivia()?;
            self.entries.push(Entry { key, value });
            self.separator()?;
            if self.peek() == Some(b'}') {
                break;
            }
        }
        self.at += 1;
        Some(Object {
            span: Span::new(start, self.at),
            entries: self.entries.drain(base..).collect(),
        })
    }

    fn array(&mut self, depth: usize) -> Option<Array<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let start = self.at;
        self.at += 1;
        let base = self.items.len();
        loop {
            self.trivia()?;
            if self.peek()? == b']' {
                break;
            }
            let item = self.value(depth)?;
            self.items.push(item);
            self.trivia()?;
            match self.peek()? {
                b',' => self.at += 1,
                b']' => break,
                _ => return None,
            }
        }
        self.at += 1;
        Some(Array {
            span: Span::new(start, self.at),
            items: self.items.drain(base..).collect(),
        })
    }

    /// A string on one line. Of the escape sequences, the one-character ones (`\n`, `\'`, ...)
    /// and `\u` ones that name a character on their own are decoded here; `\x`, surrogate pairs
    /// and line continuations defer to the nom parser.
    fn string(&mut self, quote: u8) -> Option<Text<'a>> {
        let start = self.at;
        let content_start = start + 1;
        let stop = |b: u8| b == quote || b == b'\\' || b == b'\n' || b == b'\r';
        let mut end = content_start
            + self
                .bytes
                .get(content_start..)?
                .iter()
                .position(|&b| stop(b))?;
        if self.bytes.get(end) == Some(&quote) {
            self.at = end + 1;
            return Some(Text {
                value: Cow::Borrowed(self.src.get(content_start..end)?),
                span: Span::new(start, self.at),
                content_start,
                escapes: Vec::new(),
                quoted: true,
            });
        }
        let mut value = String::from(self.src.get(content_start..end)?);
        let mut escapes = Vec::new();
        loop {
            match self.bytes.get(end)? {
                &b if b == quote => break,
                b'\\' => {
                    let (decoded, written_len) = match self.bytes.get(end + 1)? {
                        b'n' => ('\n', 2),
                        b't' => ('\t', 2),
                        b'r' => ('\r', 2),
                        b'b' => ('\u{8}', 2),
                        b'f' => ('\u{c}', 2),
                        b'v' => ('\u{b}', 2),
                        b'0' => ('\0', 2),
                        &c @ (b'\'' | b'"' | b'\\' | b'/') => (char::from(c), 2),
                        b'u' => self.unicode_escape(end)?,
                        _ => return None,
                    };
                    escapes.push(Escape {
                        at: value.len(),
                        decoded_len: decoded.len_utf8(),
                        written_len,
                    });
                    value.push(decoded);
                    end += written_len;
                }
                b'\n' | b'\r' => return None,
                _ => {
                    let chunk = self.bytes.get(end..)?;
                    let len = chunk.iter().position(|&b| stop(b))?;
                    value.push_str(self.src.get(end..end + len)?);
                    end += len;
                }
            }
        }
        self.at = end + 1;
        Some(Text {
            value: Cow::Owned(value),
            span: Span::new(start, self.at),
            content_start,
            escapes,
            quoted: true,
        })
    }

    /// A JSON number: `-?digits(.digits)?([eE][+-]?digits)?`, not followed by `.` or an
    /// identifier character.
    /// The `\uXXXX` (not a UTF-16 surrogate) or `\u{X…}` escape at `at` (its backslash), and its
    /// length; `None` for anything else (surrogate pairs, errors), which the nom parser reads.
    fn unicode_escape(&self, at: usize) -> Option<(char, usize)> {
        let rest = self.bytes.get(at + 2..)?;
        let hex = |digits: &[u8]| {
            let text = std::str::from_utf8(digits).ok()?;
            u32::from_str_radix(text, 16).ok()
        };
        let (code, len) = if rest.first() == Some(&b'{') {
            let digits = rest
                .iter()
                .skip(1)
                .take(6)
                .take_while(|b| b.is_ascii_hexdigit())
                .count();
            if digits == 0 || rest.get(1 + digits) != Some(&b'}') {
                return None;
            }
            (hex(rest.get(1..1 + digits)?)?, 2 + 1 + digits + 1)
        } else {
            let digits = rest.get(..4)?;
            if !digits.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            (hex(digits)?, 2 + 4)
        };
        // `from_u32` refuses surrogates and values past U+10FFFF.
        Some((char::from_u32(code)?, len))
    }

    fn number(&mut self) -> Option<Number> {
        let start = self.at;
        let digits = |bytes: &[u8], from: usize| {
            bytes.get(from..).map_or(0, |rest| {
                rest.iter().take_while(|b| b.is_ascii_digit()).count()
            })
        };
        let mut end = start + usize::from(self.peek() == Some(b'-'));
        let whole = digits(self.bytes, end);
        // No digits, or a leading zero (`00.85`, `01`: neither JSON nor JavaScript has them).
        if whole == 0 || (whole > 1 && self.bytes.get(end) == Some(&b'0')) {
            return None;
        }
        end += whole;
        if self.bytes.get(end) == Some(&b'.') {
            let fraction = digits(self.bytes, end + 1);
            if fraction > 0 {
                end += 1 + fraction;
            }
        }
        if matches!(self.bytes.get(end), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(self.bytes.get(end + 1), Some(b'+' | b'-')));
            let exponent = digits(self.bytes, end + 1 + sign);
            if exponent > 0 {
                end += 1 + sign + exponent;
            }
        }
        if self
            .bytes
            .get(end)
            .is_some_and(|&b| b == b'.' || b >= 0x80 || is_ident_byte(b))
        {
            return None;
        }
        let text = self.src.get(start..end)?;
        self.at = end;
        Some(Number {
            value: decimal(text).unwrap_or_else(|| text.parse::<f64>().unwrap_or(f64::NAN)),
            span: Span::new(start, end),
        })
    }
}

/// The value of a short decimal such as `0.85` or `-12.5` without the general float parser
/// ([`cascade_runtime::short_decimal`]: at most 15 digits, no exponent); `None` for anything else.
fn decimal(text: &str) -> Option<f64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let value = cascade_runtime::short_decimal(whole, fraction)?;
    Some(if negative { -value } else { value })
}

/// Up to `parts - 1` increasing offsets that probably start an entry of the top-level object,
/// the `i`-th at or after `i * (src.len() / parts)` ([`split_points_from`]).
#[cfg(any(test, fuzzing))]
pub(crate) fn split_points(src: &str, parts: usize) -> Vec<usize> {
    let targets: Vec<usize> = (1..parts).map(|i| src.len() / parts * i).collect();
    split_points_from(src, &targets)
}

/// Up to `targets.len()` increasing offsets that probably start an entry of the top-level
/// object, the `i`-th at or after `targets[i]` (and after the one before), to read the parts
/// between them on separate threads. A guess from the look of the lines, not a parse: an offset
/// is taken where a line break, after `},` (the end of an entry whose value is an object), is
/// followed by an indented `Name: {` or `'Name': {` with a `Name` starting with an ASCII letter.
/// Inside a string, a comment or a nested object such a line may look the same; whoever reads up
/// to an offset must check that it is really an entry's start ([`Entries::next_start`]). Linear
/// in the length of `src`: each byte is looked at a bounded number of times.
pub(crate) fn split_points_from(src: &str, targets: &[usize]) -> Vec<usize> {
    let bytes = src.as_bytes();
    let mut points = Vec::with_capacity(targets.len());
    let mut from = 0;
    for &target in targets {
        let Some(at) = entry_start_after(bytes, target.max(from)) else {
            break;
        };
        points.push(at);
        from = at + 1;
    }
    points
}

/// The first offset at or after `from` that looks like an entry's start, as
/// [`split_points_from`] describes.
fn entry_start_after(bytes: &[u8], from: usize) -> Option<usize> {
    // Where the last byte that is not ASCII whitespace before the current line break is: found
    // once looking back, then kept up to date going forward (looking back at every line break
    // would be quadratic in a run of blank lines).
    let mut last = bytes
        .get(..from)?
        .iter()
        .rposition(|b| !b.is_ascii_whitespace());
    for (offset, &byte) in bytes.get(from..)?.iter().enumerate() {
        let at = from + offset;
        if byte != b'\n' {
            if !byte.is_ascii_whitespace() {
                last = Some(at);
            }
            continue;
        }
        let after_object = last.is_some_and(|l| l > 0 && bytes[l] == b',' && bytes[l - 1] == b'}');
        if after_object && let Some(start) = type_start(bytes, at + 1) {
            return Some(start);
        }
    }
    None
}

/// Where the line starting at `line` starts an entry `Name: {` or `'Name': {` after its
/// indentation, if it looks like one (all on that line).
fn type_start(bytes: &[u8], line: usize) -> Option<usize> {
    let line_bytes = bytes.get(line..)?;
    let indent = line_bytes
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(line_bytes.len());
    let rest = &line_bytes[indent..];
    let (name, after) = match rest.first() {
        Some(&q @ (b'\'' | b'"')) => {
            let end = rest[1..].iter().position(|&b| b == q || b == b'\n')?;
            if rest[1 + end] != q {
                return None;
            }
            (&rest[1..1 + end], &rest[end + 2..])
        }
        _ => {
            let end = rest
                .iter()
                .position(|&b| !is_ident_byte(b))
                .unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        }
    };
    if !name.first().is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    // Spaces and tabs only: the guess stays on its line.
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let colon = after.iter().position(|b| !blank(b))?;
    let brace = after[colon + 1..].iter().position(|b| !blank(b))?;
    (after[colon] == b':' && after[colon + 1 + brace] == b'{').then_some(line + indent)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The fast path agrees with the nom parser: same tree, or it defers.
    /// The entries read one at a time, or `None` where [`Entries`] gives up: each type's key
    /// with its entries, or a whole entry (with no type entries).
    #[allow(clippy::type_complexity)]
    fn streamed(src: &str) -> Option<Vec<(Text<'_>, Option<Value<'_>>, Vec<Entry<'_>>)>> {
        let mut entries = super::entries(src)?;
        let mut all = Vec::new();
        while let Some(item) = entries.next()? {
            match item {
                Item::Entry(entry) => all.push((entry.key, Some(entry.value), Vec::new())),
                Item::Type(key) => {
                    let mut members = Vec::new();
                    while let Some(member) = entries.member()? {
                        members.push(match member {
                            Member::Field(field) => field.entry(),
                            Member::Number(entry) => entry.entry(),
                            Member::Entry(entry) => *entry,
                        });
                    }
                    all.push((key, None, members));
                }
            }
        }
        Some(all)
    }

    /// The tree's top-level entries as [`streamed`] gives them.
    #[allow(clippy::type_complexity)]
    fn as_streamed<'t>(tree: &File<'t>) -> Vec<(Text<'t>, Option<Value<'t>>, Vec<Entry<'t>>)> {
        let entries = tree.root.entries.iter().cloned();
        entries
            .map(|entry| match entry.value {
                Value::Object(object) if !entry.key.value.starts_with('$') => {
                    (entry.key, None, object.entries)
                }
                value => (entry.key, Some(value), Vec::new()),
            })
            .collect()
    }

    fn agrees(src: &str) -> Result<(), TestCaseError> {
        let tree = file(src);
        if let Some(tree) = &tree {
            let slow = super::super::parser::file(src);
            prop_assert_eq!(Ok(tree), slow.as_ref(), "on {:?}", src);
        }
        // Streaming reads exactly the files the scanner reads, with the same entries.
        prop_assert_eq!(
            streamed(src),
            tree.as_ref().map(as_streamed),
            "streaming on {:?}",
            src
        );
        Ok(())
    }

    /// Every `.cascade` file shipped in the repository (examples and test fixtures, valid and
    /// invalid): the fast path agrees with the nom parser, and reads most of them.
    #[test]
    fn agrees_on_every_shipped_schema() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![
            root.join("../examples/schemas"),
            root.join("tests/fixtures/schemas"),
        ];
        let (mut files, mut fast) = (0, 0);
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path
                    .extension()
                    .is_some_and(|e| e == "cascade" || e == "json")
                {
                    let Ok(src) = std::fs::read_to_string(&path) else {
                        continue; // a fixture that is deliberately not UTF-8
                    };
                    files += 1;
                    fast += usize::from(file(&src).is_some());
                    agrees(&src).unwrap();
                }
            }
        }
        assert!(files >= 40, "found only {files} schema files");
        assert!(
            fast * 2 >= files,
            "the fast path read only {fast} of {files} files"
        );
    }

    #[test]
    fn split_points_are_guessed_at_type_starts() {
        let src = "{\n  A: { x: 'string' },\n  B: { y: 'string' },\n  'C' :\t{ z: 'string' },\n}";
        let at = |name: &str| src.find(name).expect("written");
        // 72 bytes: the guesses look for a line break from 36 on; or from 18, 36 and 54.
        assert_eq!(split_points(src, 2), [at("'C'")]);
        assert_eq!(split_points(src, 4), [at("B"), at("'C'")]);
        assert_eq!(split_points(src, 1), Vec::<usize>::new());
        // Not after `},`, not `Name: {` on one line, a name not starting with a letter: no guess.
        for src in [
            "{\n  A: 'string',\n  B: { y: 'string' }\n}",
            "{\n  A: {},\n  B:\n { y: 'string' }\n}",
            "{\n  A: {},\n  _B: { y: 'string' }\n}",
            "{\n  A: {},\n  'B: { y: 'string' }\n}",
        ] {
            assert_eq!(split_points(src, 2), Vec::<usize>::new(), "{src:?}");
        }
    }

    /// Guessing is linear: long runs of blank lines (after a `},`, or after a name) are walked
    /// once. A quadratic walk takes hours on these; the bound only catches that.
    #[test]
    fn split_points_are_linear_in_blank_lines() {
        let blank = "\n".repeat(2_000_000);
        let inputs = [
            format!("{{ A: {{ x: 'string' }} }},{blank}"),
            format!("{{ A: {{}},\nB{blank}: {{}} }}"),
            format!("{{ A: {{}},\n  B: {blank}{{}} }}"),
            format!("{{ A: {{}},{}", "\r\n \t".repeat(500_000)),
        ];
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for src in &inputs {
                split_points(src, 4);
            }
            send.send(()).expect("the test waits");
        });
        let done = receive.recv_timeout(std::time::Duration::from_secs(60));
        assert!(done.is_ok(), "split_points took over a minute");
    }

    #[test]
    fn reads_the_common_subset() {
        let src = "\u{feff}// head\n{ /* c */ A: { b: 'x', \"c\": [\"~>A\"], $threshold: 0.8, n: null, t: true, f: false, e: -1.5e-3, }, }\n";
        assert!(file(src).is_some());
        agrees(src).unwrap();
    }

    #[test]
    fn unicode_escapes_are_read() {
        for src in [
            r"{ a: '\u0041' }",
            r"{ a: 'caf\u00e9 \u00E9t\u00e9' }",
            r"{ a: '\u{41}\u{1F600}\u{10FFFF}\u{0}' }",
            r"{ a: '\u0041bc', b: '~>\u0041(0.8)' }",
            r"{ '\u0041': { 'na\u{6d}e': 'string', x: 'Who\u0020buys? ~>\u0041' } }",
            "{ a: '\\u{000041}' }",
        ] {
            assert!(file(src).is_some(), "{src:?}");
            agrees(src).unwrap();
        }
        let tree = file(r"{ a: '\u{1F600}x' }").unwrap();
        let Value::String(text) = &tree.root.entries[0].value else {
            panic!("a string");
        };
        assert_eq!(text.value, "\u{1F600}x");
        assert_eq!(
            text.escapes,
            [Escape {
                at: 0,
                decoded_len: 4,
                written_len: 9
            }]
        );
    }

    #[test]
    fn defers_on_escapes_errors_and_unicode() {
        for src in [
            r"{ a: '\uD83D\uDE00' }",
            r"{ a: '\ud83d' }",
            r"{ a: '\uDE00' }",
            r"{ a: '\u12' }",
            r"{ a: '\u12g4' }",
            r"{ a: '\u{}' }",
            r"{ a: '\u{110000}' }",
            r"{ a: '\u{D800}' }",
            r"{ a: '\u{1234567}' }",
            r"{ a: '\u{41' }",
            r"{ a: '\u' }",
            r"{ a: '\x41' }",
            r"{ a: '\q' }",
            "{ a: 'x\\\ny' }",
            "{ a: 'x }",
            "{ a 'x' }",
            "{ a: 0.8.1 }",
            "{ a: 1e }",
            "{ a: .5 }",
            "{ a: NaN }",
            "{ é: 'x' }",
            "{ aé: 'x' }",
            "{\u{a0}a: 'x' }",
            "{ a: 'x' } }",
            "{ /* x",
            "{ a: [1 2] }",
            "",
        ] {
            assert!(file(src).is_none(), "{src:?}");
        }
        let deep = format!("{{ a: {}{} }}", "[".repeat(100), "]".repeat(100));
        assert!(file(&deep).is_none());
    }

    #[test]
    fn one_character_escapes_are_read() {
        let src = r#"{ 'it\'s': "say \"hi\"\n\t\\ \/ \0 \b \f \v", b: 'Who\'s it? ~>ICP(0.8)' }"#;
        let tree = file(src).unwrap();
        assert_eq!(tree.root.entries[0].key.value, "it's");
        assert_eq!(tree.root.entries[0].key.escapes.len(), 1);
        agrees(src).unwrap();
    }

    #[test]
    fn short_decimals_are_exactly_what_str_parse_gives() {
        for text in [
            "0",
            "-0",
            "0.85",
            "0.1",
            "0.3",
            "-12.5",
            "123456789012345",
            "0.00000000000001",
            "9.99999999999999",
        ] {
            let fast = decimal(text).unwrap();
            assert_eq!(
                fast.to_bits(),
                text.parse::<f64>().unwrap().to_bits(),
                "{text}"
            );
        }
        assert_eq!(decimal("1e5"), None);
        assert_eq!(decimal("1234567890123456"), None);
    }

    #[test]
    fn quoted_non_ascii_text_is_read() {
        let src = "{ 'é': 'Qui achète ? ~>ICP(0.8)' }";
        assert!(file(src).is_some());
        agrees(src).unwrap();
    }

    /// Pieces schemas are made of, including ones the fast path defers on.
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
            "\t",
            "\r\n",
            "\u{a0}",
            "\u{b}",
            "// c\n",
            "/* c */",
            "/*",
            "'",
            "\"",
            "\\",
            "\\'",
            "\\n",
            "\\\\",
            "\\\"",
            "\\x4",
            "\\u{41}",
            "\\u00e9",
            "\\u{1F600}",
            "\\uD83D",
            "\\uDE00",
            "\\u{",
            "\\u12",
            "\\u{110000}",
            "'a\\'b'",
            "\"\\\"\"",
            "'~>T(0.8)'",
            "\"a b\"",
            "'é'",
            "'\\u0041'",
            "a",
            "T1",
            "$threshold",
            "é",
            "0",
            "-1",
            "0.85",
            "1e400",
            "1.",
            ".5",
            "-",
            "2e-3",
            "true",
            "false",
            "null",
            "NaN",
            "x",
            "'s'",
        ])
    }

    fn schema() -> impl Strategy<Value = String> {
        let value = prop::sample::select(vec![
            "'string'",
            "\"Who? ~>A(0.9)\"",
            "'Who\\'s it? \\\"q\\\" \\\\ ~>A'",
            "['->B']",
            "0.8",
            "-12.5e3",
            "true",
            "null",
            "{ threshold: 0.7 }",
            "[]",
            "{}",
        ]);
        let entry = (
            prop::sample::select(vec!["a", "'b c'", "\"d\"", "$threshold", "_x1"]),
            value,
        )
            .prop_map(|(k, v)| format!("{k}: {v}"));
        let ty = (
            prop::sample::select(vec!["A", "B", "'C'"]),
            prop::collection::vec(entry, 0..5),
            prop::bool::ANY,
        )
            .prop_map(|(name, entries, trailing)| {
                let comma = if trailing && !entries.is_empty() {
                    ","
                } else {
                    ""
                };
                format!("{name}: {{ {}{comma} }}", entries.join(",\n "))
            });
        prop::collection::vec(ty, 0..4)
            .prop_map(|types| format!("// schema\n{{\n{}\n}}\n", types.join(", /* t */\n")))
    }

    proptest! {
        #[test]
        fn agrees_on_generated_schemas(src in schema()) {
            prop_assert!(file(&src).is_some(), "a plain schema takes the fast path: {:?}", src);
            agrees(&src)?;
        }

        #[test]
        fn agrees_on_mutated_schemas(
            src in schema(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), 0..3usize, piece()), 1..4),
        ) {
            let mut src = src;
            for (at, kind, piece) in edits {
                let boundaries: Vec<usize> = (0..=src.len()).filter(|&i| src.is_char_boundary(i)).collect();
                let i = *at.get(&boundaries);
                match kind {
                    0 => src.insert_str(i, piece),
                    1 => {
                        let end = boundaries.iter().copied().find(|&j| j > i).unwrap_or(i);
                        src.replace_range(i..end, "");
                    }
                    _ => {
                        let end = boundaries.iter().copied().find(|&j| j > i).unwrap_or(i);
                        src.replace_range(i..end, piece);
                    }
                }
            }
            agrees(&src)?;
        }

        #[test]
        fn agrees_on_arbitrary_pieces(pieces in prop::collection::vec(piece(), 0..40)) {
            agrees(&pieces.concat())?;
        }

        #[test]
        fn decimals_match_str_parse(text in "-?[0-9]{1,9}(\\.[0-9]{1,9})?") {
            let parsed = text.parse::<f64>().unwrap();
            let digits = text.bytes().filter(u8::is_ascii_digit).count();
            let expected = (digits <= 15).then_some(parsed.to_bits());
            prop_assert_eq!(decimal(&text).map(f64::to_bits), expected);
        }

        #[test]
        fn never_panics_on_arbitrary_text(src in "\\PC{0,64}") {
            let _ = file(&src);
        }
    }
}
