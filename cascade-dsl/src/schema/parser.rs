//! The nom 8 parser of the object literal. `LocatedSpan` stays inside this module; the syntax tree
//! carries plain [`Span`]s.
//!
//! Every token is committed by its first character (`{`, `[`, a quote, a digit), so the parser
//! never backtracks: a key, a string or a number either parses or fails for good with a
//! [`SyntaxError`] that says what was expected at which offset.
//!
//! # Error recovery
//!
//! Objects and arrays do not give up at the first error: they record it and skip the broken
//! entry or item to a *sync point*, the next `,` or closing bracket at the same nesting depth
//! (strings and comments are skipped whole, so a `,` or `}` inside them does not count), then
//! read on. One run thus reports every independent error, at most [`MAX_ERRORS`] of them. The
//! rules that keep one mistake from turning into many errors:
//!
//! - an error inside an entry (key, `:`, value) skips from the entry's *start*, so a string is
//!   skipped as one token even when the error is inside it (an unknown escape);
//! - an unterminated string ends at its line break, as the tokenizer reads it, and its entry or
//!   item with it when the next line starts a new one (a `key:` after a string in an array ends
//!   the array too: its `]` went with the string); any other line is taken for the string's
//!   continuation (a prompt written over two lines) and skipped;
//! - an unterminated string that took the closers of the containers it is in (`{ x: 'a },`
//!   then the next type) ends them at its line break, without errors of their own, when the
//!   rest of the file does not close them: the container around them reads on (the top level's
//!   `}` taken: the end of the file is not reported), and the string's error notes the closers;
//! - the file's end is reported once: an unterminated comment, an unclosed `{`/`[` (the innermost)
//!   or a skip that runs to the end stops every enclosing container from adding "unclosed"; an
//!   entry or item cut off by the end points at the innermost bracket left open, and at the
//!   first bracket inside it whose closer starts a line indented less than the bracket's line
//!   (that closer likely belonged to an enclosing container: rustc's hint);
//! - a closer of the wrong kind is taken for the bracket that leaves the rest of the file
//!   balanced: a typo for the container's own closer (`['a' }`), the closer of an enclosing
//!   container whose inner ones were never closed (they end quietly after the one error), or
//!   one too many (skipped); when the top level's `}` is taken that way and the file goes on,
//!   the top level reads on. A closer of the right kind met while skipping is skipped too when
//!   the rest of the file still closes the container (`{ A: name: 'x' }, B: {} }`, the `{`
//!   after `A:` forgotten). The count is over the whole rest of the file, so a second bracket
//!   mistake further on can mislead it: both are still reported, possibly with a follow-on
//!   error;
//! - a `key:` inside an array ends it (its `]` was forgotten) and the enclosing object reads the
//!   entry;
//! - a missing `,` between two entries (a `key:` where `,` was expected) or two array items is
//!   reported and read past as if the `,` were there, and a missing `:` before `{` or `[` is
//!   reported and the object or array read anyway, so the errors inside them still show.
//!
//! After syntax errors the tree is incomplete, so [`file()`] returns only the errors.

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

/// How many syntax errors one run reports at most; the last one reported then notes how many
/// more were found.
pub const MAX_ERRORS: usize = 100;

/// One syntax error: what was expected at which byte.
#[derive(Debug)]
pub(super) struct SyntaxError {
    /// Where the error is; when `None`, the token found at `at`.
    span: Option<Span>,
    at: usize,
    expected: Cow<'static, str>,
    /// Replaces the usual `expected X, found Y` message.
    message: Option<String>,
    help: Option<String>,
    /// What few errors add (boxed: errors travel in `Result`s, and most have none).
    extra: Option<Box<Extra>>,
}

/// More places to point at (the bracket left open) and a note.
#[derive(Debug, Default)]
struct Extra {
    secondary: Vec<(Span, String)>,
    note: Option<String>,
}

impl SyntaxError {
    fn expected(at: usize, expected: impl Into<Cow<'static, str>>) -> SyntaxError {
        SyntaxError {
            span: None,
            at,
            expected: expected.into(),
            message: None,
            help: None,
            extra: None,
        }
    }

    fn message(span: Span, message: impl Into<String>, label: &'static str) -> SyntaxError {
        SyntaxError {
            span: Some(span),
            at: span.start(),
            expected: Cow::Borrowed(label),
            message: Some(message.into()),
            help: None,
            extra: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> SyntaxError {
        self.help = Some(help.into());
        self
    }

    fn secondary(mut self, span: Span, label: impl Into<String>) -> SyntaxError {
        self.extra
            .get_or_insert_default()
            .secondary
            .push((span, label.into()));
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
        let Extra { secondary, note } = self.extra.map(|extra| *extra).unwrap_or_default();
        let diagnostic = secondary
            .into_iter()
            .fold(diagnostic, |d, (span, label)| d.with_secondary(span, label));
        let diagnostic = match note {
            Some(note) => diagnostic.with_note(note),
            None => diagnostic,
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
        // A backtick in a code span is written with spaces inside double backticks.
        '`' => ("`` ` ``".to_owned(), 1),
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

/// Parses a whole file into its syntax tree, or every syntax error (sorted by position).
pub(super) fn file(src: &str) -> Result<File<'_>, Vec<Diagnostic>> {
    let mut state = State {
        src,
        ..State::default()
    };
    match root(In::new(src), &mut state) {
        Some(root) if state.errors.is_empty() => Ok(File { root }),
        _ => Err(state.into_diagnostics(src)),
    }
}

/// The top-level object and nothing after it. `None` only after recording an error.
fn root<'a>(input: In<'a>, state: &mut State<'a>) -> Option<Object<'a>> {
    let bom = if input.fragment().starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let i = state.trivia(input.take_from(bom));
    if peek(&i) != Some('{') {
        // Not an object: nothing to recover into. After an unterminated comment, that comment
        // is the one error.
        if !state.ended {
            state.record(
                SyntaxError::expected(offset(&i), "`{` to start the schema object").help(
                    "a `.cascade` file is one object literal: `{ Type: { field: 'string' } }`",
                ),
            );
        }
        return None;
    }
    let (i, root) = object(i, 1, state);
    let i = state.trivia(i);
    if !i.fragment().is_empty() {
        state.record(
            SyntaxError::expected(offset(&i), "the end of the file after the schema object")
                .help("everything must be inside the one top-level `{ ... }`"),
        );
    }
    Some(root)
}

/// The parser's working state: the entries and items of the objects and arrays being read,
/// the errors found so far, and what recovery needs to know about the open containers.
#[derive(Default)]
struct State<'a> {
    /// The entries of the objects being read, innermost last. Building every object's entries
    /// here and moving them into an exactly sized `Vec` at its `}` saves the reallocations of
    /// growing one `Vec` per object (a third of parsing time on large schemas).
    entries: Vec<Entry<'a>>,
    /// The same for the items of the arrays being read.
    items: Vec<Value<'a>>,
    /// The first [`MAX_ERRORS`] errors, in the order found.
    errors: Vec<SyntaxError>,
    /// How many errors were found beyond those.
    more: usize,
    /// The closers (`}` or `]`) of the open objects and arrays, innermost last.
    open: Vec<u8>,
    /// Where they were opened.
    starts: Vec<usize>,
    /// The brackets (their offsets, and their closers') whose closer starts a line indented
    /// less than the line of the bracket, in order.
    misindented: Vec<(usize, usize)>,
    /// An error took the rest of the file (an unterminated comment, a skip to the end, an
    /// unclosed bracket): the containers still open are not also reported as unclosed.
    ended: bool,
    /// Recovery stopped at the closer of an enclosing container, or at an entry (`key:`) inside
    /// an array: every container up to the one the closer or entry belongs to ends there
    /// without an error of its own.
    unwinding: bool,
    /// An unterminated string took the closers of the innermost containers: those deeper than
    /// this depth end where the string does, without errors of their own, and the container at
    /// this depth reads on.
    unwind_to: Option<usize>,
    /// The whole text.
    src: &'a str,
    /// Every bracket of the file (by offset) and how many more closers than openers follow it.
    /// Counted in one pass, the first time recovery needs to know.
    brackets: Option<Vec<Bracket>>,
}

/// Whether the containers inside one ended with an unterminated string (see
/// [`State::unwind_to`]).
enum Unwound<'a> {
    /// They did not.
    No,
    /// This container reads on from here (past a `,`: `true`).
    Here(In<'a>, bool),
    /// This container ended too.
    Out,
}

/// Where recovery stopped skipping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// At a `,` of the container being read: the next entry or item follows.
    Comma,
    /// At the container's own closer, or a closer of the other kind typed for it.
    Close,
    /// At the closer of an enclosing container: this one was never closed.
    Unwind,
    /// At the end of the file.
    End,
    /// At the next entry or item (after the line break that ended an unterminated string).
    Next,
}

impl<'a> State<'a> {
    fn record(&mut self, error: SyntaxError) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(error);
        } else {
            self.more += 1;
        }
    }

    /// Records `error` of the entry or item that starts at `from` and skips that entry or item
    /// to its sync point. Returns where it stopped (at the `,` or closer, not past it).
    ///
    /// Skipping from the start of the entry, not from the error, reads every token of it whole:
    /// an error inside a string (an unknown escape) does not make its closing quote look like
    /// the start of another string.
    fn recover(&mut self, error: SyntaxError, from: In<'a>) -> (In<'a>, Stop) {
        self.record(error);
        let own = self.open.last().copied().unwrap_or(b'}');
        let mut i = from;
        loop {
            let (len, point) = sync(i.fragment().as_bytes(), own);
            let skipped = i;
            i = i.take_from(len);
            let stop = match point {
                SyncPoint::Comma => Stop::Comma,
                // A closer too many (`{ A: name: 'x' }, B: {} }`, the `{` after `A:` forgotten)
                // would end this container early: skipped when the rest still closes it.
                SyncPoint::Own if self.closes_after(i) == Some(self.open.len()) => {
                    i = i.take_from(1);
                    continue;
                }
                SyncPoint::Own => Stop::Close,
                SyncPoint::End => {
                    self.ended = true;
                    Stop::End
                }
                SyncPoint::LineEnd(quote) => {
                    // An unterminated string ends at its line break, and most likely its entry
                    // or item too (the closing quote, and often the `,`, were forgotten): when
                    // the next line starts a new one, read on from there; else skip on.
                    let string = skipped.fragment().as_bytes().get(quote + 1..len);
                    let swallowed = self.swallowed(string.unwrap_or_default(), offset(&i));
                    let quote = offset(&skipped) + quote;
                    if swallowed > 0
                        && self.more == 0
                        && let Some(error) = self.errors.last_mut().filter(|e| e.at == quote)
                    {
                        // The error recorded above is the string's: say where the closers went.
                        let closers: Vec<String> = (self.open.iter().rev().take(swallowed))
                            .map(|&c| format!("`{}`", char::from(c)))
                            .collect();
                        error.extra.get_or_insert_default().note = Some(format!(
                            "the string runs to the end of the line and takes the {} with it",
                            closers.join(" and ")
                        ));
                    }
                    i = self.trivia(i);
                    if swallowed > 0 {
                        // The string took the closers of the innermost containers: they end
                        // here, and the one around them reads on.
                        let open = self.open.len();
                        if swallowed >= open {
                            // The top level's `}` too: the end of the file is explained.
                            self.ended = true;
                        }
                        let depth = open - swallowed.min(open - 1);
                        if depth < open {
                            self.unwind_to = Some(depth);
                            return (i, Stop::Unwind);
                        }
                    }
                    let entry = starts_entry(i);
                    if own == b']' && entry {
                        // The array's `]` went with the string: the entry is the object's.
                        self.unwinding = true;
                        return (i, Stop::Unwind);
                    }
                    let next = match own {
                        b']' => starts_value(i),
                        _ => entry,
                    };
                    if next {
                        return (i, Stop::Next);
                    }
                    continue;
                }
                SyncPoint::Foreign(closer) => match self.foreign(closer, i) {
                    Some(stop) => stop,
                    None => {
                        i = i.take_from(1);
                        continue;
                    }
                },
            };
            return (i, stop);
        }
    }

    /// Recovery found `closer` at `i`, the wrong kind for the container being read: which
    /// bracket was it meant for? `Close`: a typo for this container's closer (`['a' }`).
    /// `Unwind`: this container's closer is missing and `closer` closes the innermost enclosing
    /// container of its kind (`['a'` then the object's `}`). `None`: a closer too many, skipped.
    ///
    /// The guess that leaves the rest of the file balanced wins: after `closer`, the rest must
    /// close as many containers as the guess leaves open. When none does, an enclosing
    /// container of its kind takes it, else it is skipped.
    fn foreign(&mut self, closer: u8, i: In<'a>) -> Option<Stop> {
        let open = self.open.len();
        let owner = self
            .open
            .iter()
            .take(open.saturating_sub(1))
            .rposition(|&c| c == closer);
        if let Some(closes) = self.closes_after(i) {
            if closes + 1 == open {
                return Some(Stop::Close);
            }
            if owner == Some(closes) {
                self.unwinding = true;
                return Some(Stop::Unwind);
            }
            if closes == open {
                return None;
            }
        }
        owner.map(|_| {
            self.unwinding = true;
            Stop::Unwind
        })
    }

    /// How many containers the text after the closer at `i` closes (more closers than openers),
    /// if any. The closers the tokenizer finds from the start of the file are the ones recovery
    /// finds from where it started skipping, unless the text between was read differently (in
    /// garbage): then there is no count.
    fn closes_after(&mut self, i: In<'a>) -> Option<usize> {
        let at = offset(&i);
        let brackets = self.brackets();
        let index = brackets.binary_search_by_key(&at, |b| b.at).ok()?;
        let bracket = brackets.get(index).filter(|b| b.closer)?;
        usize::try_from(bracket.after).ok()
    }

    /// How many containers the text from `at` on closes (more closers than openers), if any.
    fn closes_from(&mut self, at: usize) -> Option<usize> {
        let brackets = self.brackets();
        let index = brackets.partition_point(|b| b.at < at);
        let closes = brackets.get(index).map_or(0, |b| match b.closer {
            true => b.after + 1,
            false => b.after - 1,
        });
        usize::try_from(closes).ok()
    }

    fn brackets(&mut self) -> &[Bracket] {
        let src = self.src;
        self.brackets.get_or_insert_with(|| brackets(src))
    }

    /// How many of the innermost open containers an unterminated `string` (its text, without
    /// the quote) took the closers of, the rest of the file being at `rest`: its closers, in
    /// order, must be those of the innermost containers, and the rest of the file must not
    /// close them (`{ A: { x: 'a },` then `B: ...` of the top level).
    fn swallowed(&mut self, string: &[u8], rest: usize) -> usize {
        let mut depth = 0usize;
        let mut closers = Vec::new();
        for &b in string {
            match b {
                b'{' | b'[' => depth += 1,
                b'}' | b']' if depth > 0 => depth -= 1,
                b'}' | b']' => closers.push(b),
                _ => {}
            }
        }
        let taken = closers
            .iter()
            .zip(self.open.iter().rev())
            .take_while(|(closer, open)| closer == open)
            .count();
        if taken == 0 {
            return 0;
        }
        // The rest closes some of the open containers; the string took the others'.
        let Some(closes) = self.closes_from(rest) else {
            return 0;
        };
        taken.min(self.open.len().saturating_sub(closes))
    }

    /// Whitespace and comments; an unterminated comment is recorded and takes the rest of the
    /// file.
    fn trivia(&mut self, i: In<'a>) -> In<'a> {
        match skip_trivia(i) {
            Ok((i, ())) => i,
            Err(error) => {
                self.record(into_error(error));
                self.ended = true;
                i.take_from(i.fragment().len())
            }
        }
    }

    /// The file ends inside the container opened at `start`: an error, unless an error already
    /// took the end of the file.
    fn unclosed(&mut self, start: usize, open: char, close: char) {
        if !self.ended {
            self.ended = true;
            let error = self.misindented(unclosed(start, open, close), start);
            self.record(error);
        }
    }

    /// The file ends where `expected` was: an error, unless an error already took the end of
    /// the file. The container opened at `start` with `open` is the innermost one left open.
    fn ends_early(
        &mut self,
        i: &In<'_>,
        expected: impl Into<Cow<'static, str>>,
        (start, open, close): (usize, char, char),
    ) {
        if !self.ended {
            self.ended = true;
            let error = SyntaxError::expected(offset(i), expected)
                .secondary(
                    Span::new(start, start + 1),
                    format!("this `{open}` is never closed"),
                )
                .help(format!("add the missing `{close}`"));
            let error = self.misindented(error, start);
            self.record(error);
        }
    }

    /// Adds to the error of the container opened at `start`, left open at the end of the file,
    /// the first bracket inside it whose closer is indented less than the line that opened it:
    /// the closer likely belongs to an enclosing container, and that bracket is the one left
    /// open (rustc's hint; the closers after it are off by one too).
    fn misindented(&self, error: SyntaxError, start: usize) -> SyntaxError {
        match self.misindented.iter().find(|&&(open, _)| open > start) {
            Some(&(open, close)) => {
                let bracket = self.src.get(open..=open).unwrap_or("{");
                let open = Span::new(open, open + 1);
                if close + 1 >= self.src.trim_end().len() {
                    // The closer is where the file ends, which the error points at already.
                    let closer = self.src.get(close..=close).unwrap_or("}");
                    return error.secondary(
                        open,
                        format!(
                            "this `{bracket}` might be the one not closed: \
                             the last `{closer}` is indented less"
                        ),
                    );
                }
                error
                    .secondary(
                        open,
                        format!("this `{bracket}` might be the one not closed..."),
                    )
                    .secondary(
                        Span::new(close, close + 1),
                        "...as it matches this closer, indented less",
                    )
            }
            _ => error,
        }
    }

    /// After a value that ends at `i`: whether an unterminated string took the closers of the
    /// containers inside this one, and if so, where this one reads on.
    fn unwound(&mut self, i: In<'a>) -> Unwound<'a> {
        match self.unwind_to {
            None => Unwound::No,
            Some(depth) if depth < self.open.len() => Unwound::Out,
            Some(_) => {
                self.unwind_to = None;
                let i = self.trivia(i);
                match peek(&i) {
                    Some(',') => Unwound::Here(i.take_from(1), true),
                    _ => Unwound::Here(i, false),
                }
            }
        }
    }

    /// The container's own closer at `i`: consumed; unwinding (if any) is over.
    fn close(&mut self, i: In<'a>) -> In<'a> {
        self.unwinding = false;
        if let Some(&start) = self.starts.last()
            && dedented(self.src, start, offset(&i))
        {
            self.misindented.push((start, offset(&i)));
        }
        i.take_from(1)
    }

    /// Continues a container after recovery stopped at `stop`: `true` to read the next entry or
    /// item (past the `,`), `false` when the container ends (past its closer if it has one).
    fn resume(&mut self, i: In<'a>, stop: Stop) -> (In<'a>, bool) {
        match stop {
            Stop::Comma => (i.take_from(1), true),
            Stop::Close => (self.close(i), false),
            Stop::Next => (i, true),
            Stop::Unwind | Stop::End => (i, false),
        }
    }

    /// The diagnostics, sorted by position (stable: errors at one offset keep the order found).
    fn into_diagnostics(self, src: &str) -> Vec<Diagnostic> {
        let mut diagnostics: Vec<Diagnostic> = self
            .errors
            .into_iter()
            .map(|error| error.into_diagnostic(src))
            .collect();
        diagnostics.sort_by_key(|d| d.span().start());
        if self.more > 0
            && let Some(last) = diagnostics.last_mut()
        {
            last.notes.push(more_note(self.more));
        }
        diagnostics
    }
}

/// The note on the last error shown when `more` errors are not shown.
fn more_note(more: usize) -> String {
    let s = if more == 1 { "" } else { "s" };
    format!("{more} {MORE_NOTE}{s}{MORE_NOTE_END}")
}

/// The note of [`more_note`] without its count and plural `s`.
const MORE_NOTE: &str = "more syntax error";
const MORE_NOTE_END: &str = " not shown: fix these and check again";

/// How many syntax errors [`parse`](super::parse) found beyond the [`MAX_ERRORS`] it returned:
/// the count that the note on the last one gives, else 0.
///
/// ```
/// let entries: Vec<String> = (0..150).map(|i| format!("a{i}: .5")).collect();
/// let src = format!("{{ {} }}", entries.join(", "));
/// let errors = cascade_dsl::schema::parse(&src).unwrap_err();
/// assert_eq!(errors.len(), cascade_dsl::schema::MAX_ERRORS);
/// assert_eq!(cascade_dsl::schema::not_shown(&errors), 50);
/// ```
pub fn not_shown(diagnostics: &[Diagnostic]) -> usize {
    let Some(last) = diagnostics.last() else {
        return 0;
    };
    last.notes
        .iter()
        .filter_map(|note| {
            let (count, rest) = note.split_once(' ')?;
            let rest = rest.strip_prefix(MORE_NOTE)?;
            let rest = rest.strip_prefix('s').unwrap_or(rest);
            (rest == MORE_NOTE_END).then(|| count.parse().ok())?
        })
        .next()
        .unwrap_or(0)
}

/// The error inside nom's wrapper.
fn into_error(error: nom::Err<SyntaxError>) -> SyntaxError {
    match error {
        nom::Err::Error(error) | nom::Err::Failure(error) => error,
        nom::Err::Incomplete(_) => unreachable!("complete parsers never return Incomplete"),
    }
}

/// What recovery's skip stopped at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SyncPoint {
    /// A `,`.
    Comma,
    /// The closer of the container being read.
    Own,
    /// A closer of the other kind.
    Foreign(u8),
    /// The line break that ends an unterminated string, and where the string's quote is.
    LineEnd(usize),
    /// The end of the file.
    End,
}

/// How many bytes of `rest` recovery skips, and what it stopped at: the first `,`, closer or
/// unterminated string's line break outside any bracket opened in `rest`, or the end. `own` is
/// the closer of the container being read.
fn sync(rest: &[u8], own: u8) -> (usize, SyncPoint) {
    let mut depth = 0usize;
    for (at, mark) in Marks::new(rest) {
        match mark {
            Mark::Open => depth += 1,
            Mark::Close(_) if depth > 0 => depth -= 1,
            Mark::Close(closer) if closer == own => return (at, SyncPoint::Own),
            Mark::Close(closer) => return (at, SyncPoint::Foreign(closer)),
            Mark::Comma if depth == 0 => return (at, SyncPoint::Comma),
            Mark::LineEnd(quote) if depth == 0 => return (at, SyncPoint::LineEnd(quote)),
            Mark::Comma | Mark::LineEnd(_) => {}
        }
    }
    (rest.len(), SyncPoint::End)
}

/// A bracket of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bracket {
    /// Its offset.
    at: usize,
    /// `}` or `]` (else `{` or `[`).
    closer: bool,
    /// How many more closers than openers follow it.
    after: isize,
}

/// Every bracket of `src` outside strings and comments, by offset.
fn brackets(src: &str) -> Vec<Bracket> {
    let mut brackets = Vec::new();
    let mut net = 0isize;
    for (at, mark) in Marks::new(src.as_bytes()) {
        let closer = match mark {
            Mark::Open => false,
            Mark::Close(_) => true,
            Mark::Comma | Mark::LineEnd(_) => continue,
        };
        net += if closer { 1 } else { -1 };
        brackets.push(Bracket {
            at,
            closer,
            after: net,
        });
    }
    // `net` counted each bracket and what came before it: subtracting that from the total
    // leaves what follows.
    for bracket in &mut brackets {
        bracket.after = net - bracket.after;
    }
    brackets
}

/// The length of the line comment at the start of `bytes`: up to its line terminator (`\n`,
/// `\r`, U+2028 or U+2029, as in JavaScript) or the end.
pub(super) fn line_comment_len(bytes: &[u8]) -> usize {
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'\n' | b'\r' => return at,
            0xE2 if matches!(bytes.get(at + 1..at + 3), Some([0x80, 0xA8 | 0xA9])) => return at,
            _ => at += 1,
        }
    }
    at
}

/// A byte of the text that recovery looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    /// `{` or `[`.
    Open,
    /// `}` or `]`.
    Close(u8),
    /// `,`.
    Comma,
    /// The line break that ends an unterminated string, and where the string's quote is.
    LineEnd(usize),
}

/// The marks of a text, with their offsets, outside strings and comments: strings are read to
/// their closing quote or line break and comments to their end, as the tokenizer reads them.
struct Marks<'s> {
    rest: &'s [u8],
    at: usize,
}

impl Marks<'_> {
    fn new(rest: &[u8]) -> Marks<'_> {
        Marks { rest, at: 0 }
    }
}

impl Iterator for Marks<'_> {
    type Item = (usize, Mark);

    fn next(&mut self) -> Option<(usize, Mark)> {
        let rest = self.rest;
        // Every byte matched below is ASCII, hence never inside a UTF-8 sequence: marks are on
        // character boundaries.
        while let Some(&b) = rest.get(self.at) {
            let at = self.at;
            self.at += 1;
            match b {
                b'\'' | b'"' => {
                    let (end, closed) = skip_string(rest, at, b);
                    self.at = end;
                    if !closed && end < rest.len() {
                        return Some((end, Mark::LineEnd(at)));
                    }
                }
                b'/' if rest.get(at + 1) == Some(&b'/') => {
                    // To the line terminator (`\n`, `\r`, U+2028 or U+2029), as `ws` reads it.
                    self.at = at + rest.get(at..).map_or(0, line_comment_len);
                }
                b'/' if rest.get(at + 1) == Some(&b'*') => {
                    self.at = rest
                        .get(at + 2..)
                        .and_then(|body| body.windows(2).position(|w| w == b"*/"))
                        .map_or(rest.len(), |len| at + 2 + len + 2);
                }
                b'{' | b'[' => return Some((at, Mark::Open)),
                b'}' | b']' => return Some((at, Mark::Close(b))),
                b',' => return Some((at, Mark::Comma)),
                _ => {}
            }
        }
        None
    }
}

/// Where the string whose `quote` is at `at` ends, and whether it is closed: after its closing
/// quote, or at the line break or end of file that leaves it unterminated.
fn skip_string(rest: &[u8], at: usize, quote: u8) -> (usize, bool) {
    let mut at = at + 1;
    while let Some(&b) = rest.get(at) {
        match b {
            _ if b == quote => return (at + 1, true),
            // An escape, or a line continuation (`\` and a line break, `\r\n` included).
            b'\\' if rest.get(at + 1..at + 3) == Some(b"\r\n") => at += 3,
            b'\\' => at += 2,
            b'\n' | b'\r' => return (at, false),
            _ => at += 1,
        }
    }
    (rest.len(), false)
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
            // JavaScript's line terminators: a lone `\r` (and U+2028, U+2029) ends the comment
            // too, so what follows one is read, as the TypeScript side reads it.
            (i, _) = take_till(|c| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')).parse(i)?;
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

fn value<'a>(i: In<'a>, depth: usize, state: &mut State<'a>) -> PResult<'a, Value<'a>> {
    match peek(&i) {
        Some('{' | '[') if depth >= MAX_DEPTH => failure(too_deep(&i)),
        Some('{') => {
            let (i, object) = object(i, depth + 1, state);
            Ok((i, Value::Object(object)))
        }
        Some('[') => {
            let (i, array) = array(i, depth + 1, state);
            Ok((i, Value::Array(array)))
        }
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
        found => {
            let help = match found {
                Some('`') => "template literals are not read: quote text with `'` or `\"`",
                Some(',') => "remove the extra `,`, or write the value before it",
                Some('}' | ']') => "write the value, such as `'string'`, or remove the entry",
                None => "write the value, then close every open `{` and `[`",
                _ => "write a string (`'string'`), a number (`0.85`), an object or an array",
            };
            failure(
                SyntaxError::expected(
                    offset(&i),
                    "a value (a string, number, object, array, `true`, `false` or `null`)",
                )
                .help(help),
            )
        }
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

/// Whether the closer at `close` starts its line indented less than the line where its
/// bracket, at `open`, is: then it likely closes an enclosing container (a closer indented more
/// is only a style). Looks at most [`HINT_LINE`] bytes back for the bracket's line: a longer
/// line gives no hint, so that closing stays linear in the file's size.
fn dedented(src: &str, open: usize, close: usize) -> bool {
    let bytes = src.as_bytes();
    let blank = |b: &&u8| **b == b' ' || **b == b'\t';
    let Some(before) = bytes.get(..close) else {
        return false;
    };
    let close_indent = before.iter().rev().take_while(blank).count();
    let close_line = close - close_indent;
    if close_line > 0 && bytes.get(close_line - 1) != Some(&b'\n') {
        return false;
    }
    let from = open.saturating_sub(HINT_LINE);
    let Some(window) = bytes.get(from..open) else {
        return false;
    };
    let open_line = match window.iter().rposition(|&b| b == b'\n') {
        Some(n) => from + n + 1,
        None if from == 0 => 0,
        None => return false,
    };
    let open_indent = bytes
        .get(open_line..)
        .map_or(0, |line| line.iter().take_while(blank).count());
    open_line != close_line && close_indent < open_indent
}

/// How far back [`dedented`] looks for the start of a bracket's line.
const HINT_LINE: usize = 1024;

/// The file ends inside the object or array opened at `start`.
fn unclosed(start: usize, open: char, close: char) -> SyntaxError {
    SyntaxError::message(
        Span::new(start, start + 1),
        format!("unclosed `{open}`: the file ends before its `{close}`"),
        "never closed",
    )
    .help(format!("add the missing `{close}`"))
}

/// `{ key: value, ... }` from its `{` (the caller checked the depth). Errors inside are
/// recorded and recovered from (see the module docs); the object holds the entries that parsed.
fn object<'a>(i: In<'a>, depth: usize, state: &mut State<'a>) -> (In<'a>, Object<'a>) {
    let start = offset(&i);
    let mut i = i.take_from(1);
    let base = state.entries.len();
    let mut after_comma = false;
    state.open.push(b'}');
    state.starts.push(start);
    loop {
        i = state.trivia(i);
        match peek(&i) {
            Some('}') => {
                i = state.close(i);
                break;
            }
            None => {
                state.unclosed(start, '{', '}');
                break;
            }
            Some(_) => {}
        }
        let from = i;
        match entry(i, depth, after_comma, state) {
            Ok((rest, entry)) => {
                state.entries.push(entry);
                i = rest;
                match state.unwound(i) {
                    Unwound::No => {}
                    Unwound::Here(rest, comma) => {
                        (i, after_comma) = (rest, comma);
                        continue;
                    }
                    Unwound::Out => break,
                }
            }
            Err(error) => {
                let (rest, stop) = state.recover(into_error(error), from);
                let more;
                (i, more) = state.resume(rest, stop);
                after_comma = true;
                if more {
                    continue;
                }
                break;
            }
        }
        i = state.trivia(i);
        match peek(&i) {
            Some(',') => {
                i = i.take_from(1);
                after_comma = true;
            }
            Some('}') => {
                let unwound = state.unwinding;
                i = state.close(i);
                if depth == 1 && unwound && !at_end(i) {
                    // Recovery ended an inner container at the top level's `}`, yet the file
                    // goes on: that `}` was the inner container's (written for a `]`), and the
                    // top level reads on instead of reporting the rest as trailing text.
                    i = state.trivia(i);
                    if peek(&i) == Some(',') {
                        i = i.take_from(1);
                    }
                    after_comma = true;
                    continue;
                }
                break;
            }
            Some(']') if state.unwinding => break,
            Some(_) if state.unwinding && starts_entry(i) => {
                // The entry that ended an array inside this object (whose `]` is missing).
                state.unwinding = false;
                after_comma = false;
            }
            found => {
                let name = state.entries.last().map_or("", |e| &*e.key.value);
                let expected = format!("`,` or `}}` after the value of `{name}`");
                if found.is_none() {
                    state.ends_early(&i, expected, (start, '{', '}'));
                    break;
                }
                let error = SyntaxError::expected(offset(&i), expected)
                    .help("separate entries with `,`; an unclosed `{` also ends up here");
                if starts_entry(i) {
                    // A forgotten `,`: read on as if it were there.
                    state.record(error);
                    after_comma = false;
                    continue;
                }
                let (rest, stop) = state.recover(error, i);
                let more;
                (i, more) = state.resume(rest, stop);
                after_comma = true;
                if !more {
                    break;
                }
            }
        }
    }
    state.open.pop();
    state.starts.pop();
    let entries = state.entries.drain(base..).collect();
    let object = Object {
        span: Span::new(start, offset(&i)),
        entries,
    };
    (i, object)
}

/// `key: value`. A missing `:` before `{` or `[` is recorded and the value read anyway.
fn entry<'a>(
    i: In<'a>,
    depth: usize,
    after_comma: bool,
    state: &mut State<'a>,
) -> PResult<'a, Entry<'a>> {
    let (i, key) = match peek(&i) {
        Some(q @ ('"' | '\'')) => string(i, q)?,
        Some(c) if is_ident_char(c) => bare_key(i)?,
        _ => {
            let expected = if after_comma {
                "a key or `}` after `,`"
            } else {
                "a key or `}`"
            };
            return failure(
                SyntaxError::expected(offset(&i), expected)
                    .help("keys are identifiers (`name`) or quoted (`'first name'`)"),
            );
        }
    };
    let (mut i, ()) = skip_trivia(i)?;
    let missing_colon = || {
        SyntaxError::expected(offset(&i), format!("`:` after the key `{}`", key.value)).help(
            format!("write the key, `:`, then the value: `{}: ...`", key.value),
        )
    };
    match peek(&i) {
        Some(':') => i = i.take_from(1),
        Some('{' | '[') => state.record(missing_colon()),
        _ => return failure(missing_colon()),
    }
    let (i, ()) = skip_trivia(i)?;
    let (i, value) = value(i, depth, state)?;
    Ok((i, Entry { key, value }))
}

/// Whether a value starts at `i` (where a `,` was expected: it was forgotten).
fn starts_value(i: In<'_>) -> bool {
    match peek(&i) {
        Some('{' | '[' | '"' | '\'' | '-' | '0'..='9') => true,
        Some(c) if is_ident_char(c) => {
            let word = i.fragment().split(|c| !is_ident_char(c)).next();
            matches!(word, Some("true" | "false" | "null"))
        }
        _ => false,
    }
}

/// Whether only whitespace and comments follow `i`.
fn at_end(i: In<'_>) -> bool {
    skip_trivia(i).is_ok_and(|(rest, ())| rest.fragment().is_empty())
}

/// Whether `key:` starts at `i`: where a `,` was expected (it was forgotten), or inside an
/// array (its `]` was forgotten). The key is read as a token, so a key with an error of its own
/// (an unknown escape) counts too.
fn starts_entry(i: In<'_>) -> bool {
    let text = i.fragment();
    let len = match text.as_bytes().first() {
        Some(&q @ (b'"' | b'\'')) => match skip_string(text.as_bytes(), 0, q) {
            (end, true) => end,
            (_, false) => return false,
        },
        _ => text.find(|c| !is_ident_char(c)).unwrap_or(text.len()),
    };
    len > 0 && skip_trivia(i.take_from(len)).is_ok_and(|(rest, ())| peek(&rest) == Some(':'))
}

/// The error of an array that holds an entry (`key:` at `i`): its `]` was likely forgotten.
/// Recorded; the array and any array around it end there, and the enclosing object reads the
/// entry on.
fn entry_in_array(error: SyntaxError, state: &mut State<'_>) {
    state
        .record(error.help("an array holds values, not `key: value` entries: is its `]` missing?"));
    state.unwinding = true;
}

/// `[ value, ... ]` from its `[` (the caller checked the depth), recovering like [`object`].
fn array<'a>(i: In<'a>, depth: usize, state: &mut State<'a>) -> (In<'a>, Array<'a>) {
    let start = offset(&i);
    let mut i = i.take_from(1);
    let base = state.items.len();
    state.open.push(b']');
    state.starts.push(start);
    loop {
        i = state.trivia(i);
        match peek(&i) {
            Some(']') => {
                i = state.close(i);
                break;
            }
            None => {
                state.unclosed(start, '[', ']');
                break;
            }
            Some(_) => {}
        }
        let from = i;
        match value(i, depth, state) {
            Ok((rest, item)) => {
                state.items.push(item);
                i = rest;
                match state.unwound(i) {
                    Unwound::No => {}
                    Unwound::Here(rest, _) => {
                        i = rest;
                        continue;
                    }
                    Unwound::Out => break,
                }
            }
            Err(error) if starts_entry(from) => {
                entry_in_array(into_error(error), state);
                break;
            }
            Err(error) => {
                let (rest, stop) = state.recover(into_error(error), from);
                let more;
                (i, more) = state.resume(rest, stop);
                if more {
                    continue;
                }
                break;
            }
        }
        i = state.trivia(i);
        match peek(&i) {
            Some(',') => i = i.take_from(1),
            Some(']') => {
                i = state.close(i);
                break;
            }
            // Ends with the container that recovery stopped for.
            Some(_) if state.unwinding => break,
            None => {
                state.ends_early(&i, "`,` or `]` in the array", (start, '[', ']'));
                break;
            }
            Some(_) => {
                let error = SyntaxError::expected(offset(&i), "`,` or `]` in the array")
                    .help("separate items with `,` and close the array with `]`");
                if starts_entry(i) {
                    entry_in_array(error, state);
                    break;
                }
                if starts_value(i) {
                    // A forgotten `,` between two values: read on as if it were there.
                    state.record(error);
                    continue;
                }
                let (rest, stop) = state.recover(error, i);
                let more;
                (i, more) = state.resume(rest, stop);
                if !more {
                    break;
                }
            }
        }
    }
    state.open.pop();
    state.starts.pop();
    let items = state.items.drain(base..).collect();
    let array = Array {
        span: Span::new(start, offset(&i)),
        items,
    };
    (i, array)
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
        Err(_) => {
            return failure(
                SyntaxError::expected(start + 1, "a digit after `-`")
                    .help("write a number such as `-1` or `0.85`, or quote text: `'-x'`"),
            );
        }
    };
    let digits = text.fragment().trim_start_matches('-');
    let whole = digits.split(['.', 'e', 'E']).next().unwrap_or(digits);
    if whole.len() > 1 && whole.starts_with('0') {
        let sign = &text.fragment()[..text.fragment().len() - digits.len()];
        let trimmed = whole.trim_start_matches('0');
        let fixed = format!(
            "{sign}{}{}",
            if trimmed.is_empty() { "0" } else { trimmed },
            &digits[whole.len()..]
        );
        return failure(
            SyntaxError::message(
                Span::new(start, offset(&text) + text.fragment().len()),
                format!("number `{}` has a leading zero", text.fragment()),
                "leading zero",
            )
            .help(format!(
                "JSON and JavaScript numbers have no leading zeros: write `{fixed}`"
            )),
        );
    }
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
    fn a_missing_value_says_what_to_write() {
        let cases = [
            ("{ A: { n: } }", "`}`", "remove the entry"),
            ("{ A: { n: `string` } }", "`` ` ``", "template literals"),
            ("{ A: { n: ['a' ,, 'b'] } }", "`,`", "remove the extra `,`"),
            ("{ A: { n: ", "end of file", "close every open"),
            ("{ A: { n: @ } }", "`@`", "a number (`0.85`)"),
            ("{ A: { n: -'x' } }", "`'`", "quote text: `'-x'`"),
        ];
        for (src, found, help) in cases {
            let e = err(src);
            assert!(
                e.message.ends_with(&format!("found {found}")),
                "{src}: {}",
                e.message
            );
            let text = e.help.unwrap_or_default();
            assert!(text.contains(help), "{src}: {text}");
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
        assert_eq!(&src[span.start()..span.end()], r"\u{41}\x42");
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
        let e = err("{ a: 00.85 }");
        assert_eq!(e.message, "number `00.85` has a leading zero");
        assert_eq!(
            e.help.as_deref(),
            Some("JSON and JavaScript numbers have no leading zeros: write `0.85`")
        );
        assert_eq!((e.primary.0.start(), e.primary.0.end()), (5, 10));
        assert_eq!(
            err("{ a: -012e1 }").help.as_deref(),
            Some("JSON and JavaScript numbers have no leading zeros: write `-12e1`")
        );
        assert!(parse("{ a: 0, b: -0.5, c: 0e1, d: 10 }").is_ok());
    }

    #[test]
    fn a_line_comment_ends_at_every_javascript_line_terminator() {
        assert_eq!(line_comment_len(b"// a\rb"), 4);
        assert_eq!(line_comment_len("// é\u{2029}b".as_bytes()), 5);
        assert_eq!(line_comment_len(b"// end"), 6);
        // Recovery skips comments the same way: the error after the `\r` is found.
        let errors = parse("{ A: { x: 1 y: 2 }, // c\r B: { z: 1 w: 2 } }").unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        // Other characters whose UTF-8 starts like U+2028 (`—`, `→`) are comment text, read by
        // the scanner too.
        let src = "{ A: {}, // a — b → c\n B: {} }";
        assert_eq!(super::super::fast::file(src), parse(src).ok());
        assert!(super::super::fast::file(src).is_some());
        for terminator in ["\r", "\u{2028}", "\u{2029}", "\r\n"] {
            let src = format!("{{ A: {{}}, // note{terminator} B: {{ x: 1 }} }}");
            let file = parse(&src).unwrap_or_else(|e| panic!("{terminator:?}: {e:?}"));
            let keys: Vec<&str> = file.root.entries.iter().map(|e| &*e.key.value).collect();
            assert_eq!(keys, ["A", "B"], "{terminator:?}");
            // The scanner reads `\r` and leaves U+2028/U+2029 to this parser.
            let fast = super::super::fast::file(&src);
            assert!(fast.is_none_or(|fast| fast == file), "{terminator:?}");
        }
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

    /// Every syntax error's message, in order.
    fn messages(src: &str) -> Vec<String> {
        match parse(src) {
            Ok(file) => panic!("expected syntax errors in {src:?}, got {file:?}"),
            Err(errors) => errors.into_iter().map(|d| d.message).collect(),
        }
    }

    #[test]
    fn every_independent_error_is_reported() {
        let src = "{\n  A: { x: .5, y: 'a\\q', z: NaN },\n  B: { w: 0.8.1, v 'string', u: '\\uD83D' },\n  C: { t: [1, +2, 3], s: 'ok' },\n}";
        assert_eq!(
            messages(src),
            [
                "expected a value, found `.`",
                r"unknown escape `\q`",
                "expected a value (a string, number, object, array, `true`, `false` or `null`), found `NaN`",
                "malformed number `0.8.`",
                "expected `:` after the key `v`, found `'`",
                r"`\ud83d` is a lone UTF-16 surrogate",
                "expected a value, found `+`",
            ]
        );
    }

    /// One mistake, one error: no follow-on errors from where recovery stopped.
    #[test]
    fn one_mistake_is_one_error() {
        let deep = format!("{{ a: {}{} }}", "[".repeat(1000), "]".repeat(1000));
        let deep_unclosed = format!("{{ a: {}", "{ x: ".repeat(1000));
        for (src, message) in [
            // An unterminated string ends at its line break, its entry with it.
            (
                "{\n  a: 'x,\n  b: 'y',\n}",
                "unterminated string: expected a closing `'`",
            ),
            (
                "{\n  a: 'x,\n}",
                "unterminated string: expected a closing `'`",
            ),
            ("{ a: 'x", "unterminated string: expected a closing `'`"),
            ("{ a: '\\q, b: 1 }", r"unknown escape `\q`"),
            // The end of the file is reported once, for the innermost container.
            ("{ A: { b: [", "unclosed `[`: the file ends before its `]`"),
            (
                "{ A: { b: { c: {",
                "unclosed `{`: the file ends before its `}`",
            ),
            (
                "{ A: { b: { c: [ { d: 'x'",
                "expected `,` or `}` after the value of `d`, found end of file",
            ),
            ("{ a: /* x", "unterminated block comment"),
            ("/* x", "unterminated block comment"),
            ("{ a: 1 } /* x", "unterminated block comment"),
            (
                &deep_unclosed,
                "objects and arrays nest deeper than 64 levels",
            ),
            (&deep, "objects and arrays nest deeper than 64 levels"),
            // A closer written for the wrong bracket.
            (
                "{ a: [1, 2 } }",
                "expected `,` or `]` in the array, found `}`",
            ),
            (
                "{ a: [1, 2 }, b: 1 }",
                "expected `,` or `]` in the array, found `}`",
            ),
            (
                "{ a: [ [1 }, b: 1 }",
                "expected `,` or `]` in the array, found `}`",
            ),
            (
                "{\n  A: { tags: ['a', 'b' },\n  B: { x: 1 },\n}",
                "expected `,` or `]` in the array, found `}`",
            ),
            (
                "{ a: [ { b: 1 ], c: 2 }",
                "expected `,` or `}` after the value of `b`, found `]`",
            ),
            (
                "{ a: 1 ] }",
                "expected `,` or `}` after the value of `a`, found `]`",
            ),
            ("{ a: 1, ] }", "expected a key or `}` after `,`, found `]`"),
            (
                "{ a: 1 }}",
                "expected the end of the file after the schema object, found `}`",
            ),
            // A forgotten `,` or `:` is read past.
            (
                "{ a: 1\n  b: 2 }",
                "expected `,` or `}` after the value of `a`, found `b`",
            ),
            (
                "{ a: ['x' 'y'] }",
                "expected `,` or `]` in the array, found `'`",
            ),
            (
                "{ A { b: 1 } }",
                "expected `:` after the key `A`, found `{`",
            ),
        ] {
            assert_eq!(messages(src), [message], "{src:?}");
        }
    }

    /// Recovery skips strings and comments whole, and reads on after them.
    #[test]
    fn recovery_skips_strings_and_comments() {
        let expected = [
            "expected a value (a string, number, object, array, `true`, `false` or `null`), found `nope`",
            "expected a value, found `.`",
        ];
        for src in [
            "{ a: nope 'x, }, ]', b: .5 }",
            "{ a: nope \"x, }, ]\", b: .5 }",
            "{ a: nope 'it\\', }', b: .5 }",
            "{ a: nope /* , } ] */ , b: .5 }",
            "{ a: nope // , } ]\n , b: .5 }",
            "{ a: nope { x: [1, 2], y: '}' } , b: .5 }",
            "{ a: nope 'x\\\n, }', b: .5 }",
        ] {
            assert_eq!(messages(src), expected, "{src:?}");
        }
    }

    #[test]
    fn forgotten_separators_are_read_past() {
        // The errors inside what follows a forgotten `,` or `:` are reported too.
        assert_eq!(
            messages("{\n  A: { x: 'a' }\n  B: { y: .5 },\n  C { z: .5 },\n}"),
            [
                "expected `,` or `}` after the value of `A`, found `B`",
                "expected a value, found `.`",
                "expected `:` after the key `C`, found `{`",
                "expected a value, found `.`",
            ]
        );
        assert_eq!(
            messages("{ a: [1 2, 'x' .5] }"),
            [
                "expected `,` or `]` in the array, found `2`",
                "expected `,` or `]` in the array, found `.`",
            ]
        );
        // After an unterminated string in an array, the next line's entry is the object's.
        assert_eq!(
            messages("{ A: {\n  tags: ['a', 'b,\n  name: .5,\n} }"),
            [
                "unterminated string: expected a closing `'`",
                "expected a value, found `.`",
            ]
        );
        assert_eq!(
            messages("{ A: {\n  tags: ['a, 'b'],\n  name: .5,\n} }"),
            [
                "expected `,` or `]` in the array, found `b`",
                "expected a value, found `.`",
            ]
        );
        // After an unterminated string, the next line's entry or item is read.
        assert_eq!(
            messages("{\n  a: 'x,\n  b: .5,\n  c: ['y,\n    '\\q'],\n}"),
            [
                "unterminated string: expected a closing `'`",
                "expected a value, found `.`",
                "unterminated string: expected a closing `'`",
                r"unknown escape `\q`",
            ]
        );
    }

    #[test]
    fn an_unterminated_string_takes_its_line_and_the_lines_that_continue_it() {
        // A prompt written over two lines: one error, and the next entry is read.
        let src = "{\n  a: 'Who buys\n    it? ~>ICP',\n  b: .5,\n}";
        let errors = parse(src).unwrap_err();
        let lines: Vec<_> = errors
            .iter()
            .map(|d| src[..d.span().start()].matches('\n').count() + 1)
            .collect();
        assert_eq!(lines, [2, 4]);
        // `\r\n` line breaks and a byte-order mark change nothing.
        assert_eq!(
            messages("\u{feff}{\r\n  a: 'x,\r\n  b: .5\r\n}\r\n"),
            [
                "unterminated string: expected a closing `'`",
                "expected a value, found `.`",
            ]
        );
    }

    /// An unterminated string that took the closers of the containers it is in: they end with
    /// it, and the rest of the file is read in the container around them.
    #[test]
    fn an_unterminated_string_that_takes_closers_ends_their_containers() {
        let unterminated = "unterminated string: expected a closing `'`";
        for src in [
            // The type's `}`, the array's `]`, both, and the top level's `}`.
            "{\n  B: { x: 'unterminated },\n  A: { y: 'string' },\n}\n",
            "{\n  B: ['unterminated ],\n  A: { y: 'string' },\n}\n",
            "{\n  B: { x: ['unterminated ] },\n  A: { y: 'string' },\n}\n",
            "{\n  B: { x: [{ y: ['unterminated ] }] },\n  A: { y: 'string' },\n}\n",
            "{\n  A: { y: 'string' },\n  B: 'x }\n",
            "{\n  A: { y: 'string' },\n  B: 'x }\n  C: 'y',\n",
            // `\r\n` line breaks, a `,` on the next line.
            "{\r\n  B: { x: 'unterminated }\r\n  , A: { y: 'string' },\r\n}\r\n",
        ] {
            let errors = parse(src).unwrap_err();
            let found: Vec<_> = errors.iter().map(|d| &*d.message).collect();
            assert_eq!(found, [unterminated], "{src:?}");
            assert_eq!(errors[0].notes.len(), 1, "{src:?}");
        }
        assert_eq!(
            parse("{\n  B: { x: ['unterminated ] },\n  A: { y: 'string' },\n}").unwrap_err()[0]
                .notes,
            ["the string runs to the end of the line and takes the `]` and `}` with it"]
        );
        // The next entry, read in the container around, reports its own errors.
        assert_eq!(
            messages("{\n  B: { x: 'a },\n  A: { y: .5 }\n  C: 1,\n}"),
            [
                unterminated,
                "expected a value, found `.`",
                "expected `,` or `}` after the value of `A`, found `C`",
            ]
        );
        // Closers the rest of the file still needs are not taken: the string is a prompt with
        // a `}` in it, and the next line continues the object.
        assert_eq!(
            messages("{\n  B: { x: 'a } b,\n  y: .5 },\n}"),
            [unterminated, "expected a value, found `.`"]
        );
        // A string whose brackets pair up takes no closer.
        let errors = parse("{\n  B: { x: 'a {b} c,\n  y: 1 },\n}").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].notes.is_empty());
        // The top level's `}` taken, and another one missing: both are reported.
        assert_eq!(
            messages("{\n  A: { y: 'string },\n"),
            ["unclosed `{`: the file ends before its `}`", unterminated]
        );
    }

    /// A container left open at the end of the file: one error, at the end, pointing at the
    /// innermost bracket left open.
    #[test]
    fn the_bracket_left_open_at_the_end_is_pointed_at() {
        for (src, open, message, help) in [
            (
                "{\n  A: { y: 'string',\n  B: { z: 'string' }\n",
                7,
                "expected `,` or `}` after the value of `B`, found end of file",
                "add the missing `}`",
            ),
            (
                "{\n  A: { y: 'string',\n  B: { z: 'string' }\n}\n",
                0,
                "expected `,` or `}` after the value of `A`, found end of file",
                "add the missing `}`",
            ),
            (
                "{\n  A: { tags: ['a', 'b'\n",
                15,
                "expected `,` or `]` in the array, found end of file",
                "add the missing `]`",
            ),
        ] {
            let errors = parse(src).unwrap_err();
            assert_eq!(errors.len(), 1, "{src:?}");
            let error = &errors[0];
            assert_eq!(error.message, message);
            assert_eq!(error.help.as_deref(), Some(help));
            let (span, label) = &error.secondary[0];
            assert_eq!(*span, Span::new(open, open + 1), "{src:?}");
            let bracket = &src[open..=open];
            assert_eq!(*label, format!("this `{bracket}` is never closed"));
            // At the end of what was written, not on an empty line below.
            assert_eq!(error.span().end(), src.trim_end().len());
        }
    }

    /// The first bracket whose closer is indented less than its line is pointed at as the one
    /// likely left open; a closer indented more is only a style.
    #[test]
    fn a_closer_indented_less_than_its_bracket_is_a_hint() {
        let labels = |src: &str| -> Vec<(usize, String)> {
            let errors = parse(src).unwrap_err();
            assert_eq!(errors.len(), 1, "{src:?}");
            (errors[0].secondary.iter())
                .map(|(span, label)| (span.start(), label.clone()))
                .collect()
        };
        let src = "{\n  A: {\n    B: {\n      y: 'string',\n  },\n  C: { w: 'string' },\n}\n";
        let b = src.find("B: {").unwrap() + 3;
        let closer = src.find("  },").unwrap() + 2;
        assert_eq!(
            labels(src),
            [
                (0, "this `{` is never closed".to_owned()),
                (b, "this `{` might be the one not closed...".to_owned()),
                (
                    closer,
                    "...as it matches this closer, indented less".to_owned()
                ),
            ]
        );
        // The closer is where the file ends: one label says it.
        let src = "{\n  A: { y: 'string',\n  B: { z: 'string' }\n}\n";
        assert_eq!(
            labels(src)[1],
            (
                7,
                "this `{` might be the one not closed: the last `}` is indented less".to_owned()
            )
        );
        // Indented more, or on the bracket's line: no hint.
        for src in [
            "{\n  A: { x: [1,\n    2,\n    ],\n  C: { z: 1 },\n",
            "{\n  A: { x: [1, 2], y: 1 }, B: { z: 1 }\n",
        ] {
            let labels = labels(src);
            assert!(labels.iter().all(|(_, l)| !l.contains("might")), "{src:?}");
        }
        assert!(dedented("{\n  a: [\n]", 7, 9));
        assert!(!dedented("{\n  a: [\n  ]", 7, 11));
        assert!(!dedented("{\n  a: [ ]", 7, 9));
        assert!(!dedented("{\n  a: [\n  x ]", 7, 13));
        // A bracket on a line longer than the look-back gives no hint.
        let long = format!("  {}[\n]", "x".repeat(HINT_LINE));
        assert!(!dedented(&long, HINT_LINE + 2, HINT_LINE + 4));
        let short = format!("  {}[\n]", "x".repeat(HINT_LINE - 10));
        assert!(dedented(&short, HINT_LINE - 8, HINT_LINE - 6));
    }

    #[test]
    fn errors_are_sorted_by_position() {
        // The unclosed `[` is found last but written first.
        let errors = parse("{ A: [ 1 2,").unwrap_err();
        let found: Vec<_> = errors
            .iter()
            .map(|d| (d.span().start(), &*d.message))
            .collect();
        assert_eq!(
            found,
            [
                (5, "unclosed `[`: the file ends before its `]`"),
                (9, "expected `,` or `]` in the array, found `2`"),
            ]
        );
    }

    #[test]
    fn errors_are_capped_with_a_count_of_the_rest() {
        let src = |n: usize| {
            let entries: Vec<String> = (0..n).map(|i| format!("a{i}: .5")).collect();
            format!("{{ {} }}", entries.join(", "))
        };
        let errors = parse(&src(MAX_ERRORS)).unwrap_err();
        assert_eq!(errors.len(), MAX_ERRORS);
        assert!(errors.iter().all(|d| d.notes.is_empty()));

        let errors = parse(&src(MAX_ERRORS + 1)).unwrap_err();
        assert_eq!(errors.len(), MAX_ERRORS);
        assert_eq!(
            errors[MAX_ERRORS - 1].notes,
            ["1 more syntax error not shown: fix these and check again"]
        );

        let errors = parse(&src(MAX_ERRORS + 30)).unwrap_err();
        assert_eq!(errors.len(), MAX_ERRORS);
        assert!(errors[..MAX_ERRORS - 1].iter().all(|d| d.notes.is_empty()));
        assert_eq!(
            errors[MAX_ERRORS - 1].notes,
            ["30 more syntax errors not shown: fix these and check again"]
        );
        assert_eq!(not_shown(&errors), 30);
        assert_eq!(not_shown(&parse(&src(MAX_ERRORS + 1)).unwrap_err()), 1);
        assert_eq!(not_shown(&parse(&src(MAX_ERRORS)).unwrap_err()), 0);
        assert_eq!(not_shown(&[]), 0);
        // The first ones found are the ones shown.
        assert_eq!(errors[0].span().start(), "{ a0: ".len());
    }

    #[test]
    fn sync_stops_at_the_next_comma_or_closer_at_its_depth() {
        use SyncPoint::{Comma, End, Foreign, LineEnd, Own};
        for (rest, own, expected) in [
            (&b"x, y"[..], b'}', (1, Comma)),
            (b"x } ", b'}', (2, Own)),
            (b"x } ", b']', (2, Foreign(b'}'))),
            (b"x ] ", b'}', (2, Foreign(b']'))),
            (b"[1, {2, 3}], x", b'}', (11, Comma)),
            (b"[1, {2, 3]], x", b'}', (11, Comma)),
            (b"'a,}' , ", b'}', (6, Comma)),
            (b"\"a',}\" , ", b'}', (7, Comma)),
            (b"'a\\', b', c", b'}', (8, Comma)),
            (b"'a\\\nb', c", b'}', (6, Comma)),
            (b"'a\\\r\nb', c", b'}', (7, Comma)),
            (b"// , }\n , ", b'}', (8, Comma)),
            (b"/* , } */ }", b'}', (10, Own)),
            (b"1/2, x", b'}', (3, Comma)),
            // An unterminated string stops at its line break, outside brackets only.
            (b"'x, }\n, ", b'}', (5, LineEnd(0))),
            (b"x 'y }\r\n, ", b'}', (6, LineEnd(2))),
            (b"['x\n], ", b'}', (5, Comma)),
            (b"x /* , }", b'}', (8, End)),
            (b"x // , }", b'}', (8, End)),
            (b"'x", b'}', (2, End)),
            (b"", b'}', (0, End)),
        ] {
            assert_eq!(
                sync(rest, own),
                expected,
                "{:?}",
                String::from_utf8_lossy(rest)
            );
        }
        // Non-ASCII text is skipped byte by byte; the stop is on a character boundary.
        let rest = "'é,' ü, x";
        let (at, stop) = sync(rest.as_bytes(), b'}');
        assert_eq!((&rest[..at], stop), ("'é,' ü", Comma));
    }

    #[test]
    fn brackets_are_counted_outside_strings_and_comments() {
        let found: Vec<_> = brackets("{ a: [1, {}] }, '}' /* ] */ // ]\n }")
            .into_iter()
            .map(|b| (b.at, b.closer, b.after))
            .collect();
        assert_eq!(
            found,
            [
                (0, false, 2),
                (5, false, 3),
                (9, false, 4),
                (10, true, 3),
                (11, true, 2),
                (13, true, 1),
                (34, true, 0)
            ]
        );
        assert_eq!(brackets(""), []);
    }

    /// A closer of the wrong kind is taken for the bracket that leaves the rest balanced.
    #[test]
    fn wrong_closers_are_matched_by_the_balance_of_the_rest() {
        for (src, message) in [
            // A typo: `}` for `]`, `]` for `}`.
            (
                "{ S: { c: ['x' }, name: 'string' }, C: { d: 1 } }",
                "expected `,` or `]` in the array, found `}`",
            ),
            (
                "{ S: { c: ['x', { y: 1 ] ], name: 'string' }, C: { d: 1 } }",
                "expected `,` or `}` after the value of `y`, found `]`",
            ),
            // A forgotten `]`: the `}` is the object's.
            (
                "{ S: { c: ['x' }, C: { d: 1 } }",
                "expected `,` or `]` in the array, found `}`",
            ),
            // A closer too many, of either kind (its opener was forgotten).
            (
                "{ a: 1 ] }",
                "expected `,` or `}` after the value of `a`, found `]`",
            ),
            (
                "{ a: 1 ]",
                "expected `,` or `}` after the value of `a`, found `]`",
            ),
            (
                "{ A: name: 'string' }, B: { x: 1 } }",
                "expected a value (a string, number, object, array, `true`, `false` or `null`), found `name`",
            ),
            (
                "{ A: { tags: 'a', 'b'], x: 1 } }",
                "expected `:` after the key `b`, found `]`",
            ),
        ] {
            assert_eq!(messages(src), [message], "{src:?}");
        }
        // Both ways, the rest of the file is read: its own errors are reported.
        assert_eq!(
            messages("{ S: { c: ['x' }, name: .5 }, C: { d: .5 } }").len(),
            3
        );
        assert_eq!(messages("{ S: { c: ['x' }, C: { d: .5 } }").len(), 2);
    }

    /// The brackets are counted once: a file full of wrong closers is read to its end, each
    /// wrong closer one error.
    #[test]
    fn every_wrong_closer_is_matched() {
        let types: Vec<String> = (0..5_000)
            .map(|i| format!("T{i}: {{ a: ['x' }} }}"))
            .collect();
        let src = format!("{{ {} }}", types.join(", "));
        let errors = parse(&src).unwrap_err();
        assert_eq!(errors.len(), MAX_ERRORS);
        assert!(
            errors[0]
                .message
                .starts_with("expected `,` or `]` in the array")
        );
        assert!(errors[MAX_ERRORS - 1].notes[0].ends_with("not shown: fix these and check again"));
    }

    /// A `key:` inside an array: its `]` was forgotten; the entry is read in the object.
    #[test]
    fn an_entry_inside_an_array_ends_it() {
        let src = "{\n  A: {\n    tags: ['a', 'b',\n    name: .5,\n  },\n  B: { c: 1 d: 2 },\n}";
        let errors = parse(src).unwrap_err();
        let found: Vec<_> = errors.iter().map(|d| &*d.message).collect();
        assert_eq!(
            found,
            [
                "expected a value (a string, number, object, array, `true`, `false` or `null`), found `name`",
                "expected a value, found `.`",
                "expected `,` or `}` after the value of `c`, found `d`",
            ]
        );
        assert_eq!(
            errors[0].help.as_deref(),
            Some("an array holds values, not `key: value` entries: is its `]` missing?")
        );
        assert_eq!(
            messages("{ A: { tags: ['a' name: 1, x: .5 } }"),
            [
                "expected `,` or `]` in the array, found `name`",
                "expected a value, found `.`",
            ]
        );
    }
}
