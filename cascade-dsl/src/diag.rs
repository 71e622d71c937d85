//! The one diagnostic type of cascade. Rendering (annotate-snippets, rustc style) lives here only.
//!
//! Diagnostics carry byte spans; lines and columns are computed only here, when rendering. Columns
//! count characters (not bytes), so a caret lines up under non-ASCII text too.
//!
//! ```
//! use cascade_dsl::diag::{render, Style};
//!
//! let source = "~>ICP(1.5)";
//! let errors = cascade_dsl::field::parse(source).unwrap_err();
//! let text = render(&errors, source, "<arg 1>", Style::Plain);
//! assert!(text.starts_with("error[threshold-out-of-range]: threshold `1.5` must be within 0.0..=1.0"));
//! assert!(text.contains(" --> <arg 1>:1:7"));
//! assert!(text.contains("= help: "));
//! ```

use annotate_snippets::{Level, Renderer, Snippet};

use crate::codes::Code;
use crate::span::Span;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The input is rejected.
    Error,
    /// The input is accepted, but probably not what was meant.
    Warning,
}

/// One problem found in user input, with where it is and how to fix it.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable kebab-case code.
    pub code: Code,
    /// Lowercase, no trailing period, names the offending text in backticks.
    pub message: String,
    /// The main location and its label.
    pub primary: (Span, String),
    /// Related locations.
    pub secondary: Vec<(Span, String)>,
    /// `= note:` lines.
    pub notes: Vec<String>,
    /// `= help:` line: how to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with `code` and `message` at `span`.
    ///
    /// ```
    /// # use cascade_dsl::{diag::Diagnostic, codes::Code, Span};
    /// let d = Diagnostic::error(Code::ThresholdOutOfRange, "threshold `1.5` must be within 0.0..=1.0", Span::new(6, 9))
    ///     .with_help("write a number from 0.0 to 1.0, e.g. `0.85`");
    /// assert_eq!(d.code.as_str(), "threshold-out-of-range");
    /// ```
    pub fn error(code: Code, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            primary: (span, String::new()),
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// Sets the primary label.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.primary.1 = label.into();
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Adds a secondary location.
    pub fn with_secondary(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push((span, label.into()));
        self
    }

    /// The primary span.
    pub fn span(&self) -> Span {
        self.primary.0
    }

    /// Every span moved right by `offset` (a field string's diagnostics placed in its file).
    pub fn shift(mut self, offset: usize) -> Diagnostic {
        self.primary.0 = self.primary.0.shift(offset);
        for (span, _) in &mut self.secondary {
            *span = span.shift(offset);
        }
        self
    }
}

/// How [`render`] decorates its output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Style {
    /// Plain text: builds, tests, pipes.
    #[default]
    Plain,
    /// ANSI colors, for a terminal.
    Styled,
}

/// Renders `diagnostics` against `source` like rustc: `error[code]: message`, ` --> origin:line:col`,
/// the source line with a caret under the span, and `= help:` / `= note:` lines.
///
/// Diagnostics are separated by a blank line; the result ends with a newline (empty for no diagnostics).
/// Spans outside `source` or inside a UTF-8 character are clamped, never a panic.
///
/// ```
/// use cascade_dsl::{codes::Code, diag::{render, Diagnostic, Style}, Span};
///
/// let d = Diagnostic::error(Code::UnknownType, "unknown field type `varchar`", Span::new(5, 12))
///     .with_label("not a primitive or an entity type")
///     .with_help("did you mean `string`?");
/// let text = render(&[d], "name varchar", "schema.cascade", Style::Plain);
/// assert_eq!(text, "\
/// error[unknown-type]: unknown field type `varchar`
///  --> schema.cascade:1:6
///   |
/// 1 | name varchar
///   |      ^^^^^^^ not a primitive or an entity type
///   |
///   = help: did you mean `string`?
/// ");
/// ```
pub fn render(diagnostics: &[Diagnostic], source: &str, origin: &str, style: Style) -> String {
    let renderer = match style {
        Style::Plain => Renderer::plain(),
        Style::Styled => Renderer::styled(),
    };
    let mut out = String::new();
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        out.push_str(&render_one(&renderer, diagnostic, source, origin));
        out.push('\n');
    }
    out
}

fn render_one(renderer: &Renderer, d: &Diagnostic, source: &str, origin: &str) -> String {
    // A byte-order mark is not a character of the first line (editors and `JSON.parse` skip it,
    // as the parsers do): the source is shown from after it, so columns on line 1 count as theirs.
    if let Some(rest) = source.strip_prefix(BOM) {
        let back = |span: Span| {
            Span::new(
                span.start().saturating_sub(BOM.len_utf8()),
                span.end().saturating_sub(BOM.len_utf8()),
            )
        };
        let shifted = Diagnostic {
            primary: (back(d.primary.0), d.primary.1.clone()),
            secondary: d
                .secondary
                .iter()
                .map(|(span, label)| (back(*span), label.clone()))
                .collect(),
            ..d.clone()
        };
        return render_source(renderer, &shifted, rest, origin);
    }
    render_source(renderer, d, source, origin)
}

/// [`render_one`] for a source without its byte-order mark (one more mark, which the parsers
/// do not skip either, is shown as the character it is).
fn render_source(renderer: &Renderer, d: &Diagnostic, source: &str, origin: &str) -> String {
    // Messages and labels quote the user's text, which may hold control characters (a NUL, an
    // ANSI escape): they are shown escaped, never sent to the terminal.
    let owned;
    let d = if diagnostic_has_control(d) {
        owned = Diagnostic {
            message: visible(&d.message),
            primary: (d.primary.0, visible(&d.primary.1)),
            secondary: d
                .secondary
                .iter()
                .map(|(span, label)| (*span, visible(label)))
                .collect(),
            notes: d.notes.iter().map(|note| visible(note)).collect(),
            help: d.help.as_deref().map(visible),
            ..d.clone()
        };
        &owned
    } else {
        d
    };
    let level = match d.severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
    };
    let primary = clamp(d.primary.0, source);
    if source.trim().is_empty() {
        // Nothing to underline (an empty definition): annotate-snippets draws a blank source
        // misaligned, so print the title, the location, and the footers only.
        let mut message = level.title(&d.message).id(d.code.as_str());
        for note in &d.notes {
            message = message.footer(Level::Note.title(note));
        }
        if let Some(help) = &d.help {
            message = message.footer(Level::Help.title(help));
        }
        let rendered = renderer.render(message).to_string();
        let (line, column) = line_col(source, primary.start());
        let (title, rest) = rendered.split_once('\n').unwrap_or((rendered.as_str(), ""));
        let mut out = format!("{title}\n --> {origin}:{line}:{column}\n  |");
        for footer in rest.lines() {
            out.push_str("\n ");
            out.push_str(footer);
        }
        return out;
    }
    // annotate-snippets draws a tab as four spaces but places carets by character, so carets
    // drift right of the text on tab-indented lines. A tab becomes one space (one byte for one
    // byte: spans and columns stay valid), and carets land under the offending text. So does
    // the `\r` of a CRLF line end; a lone `\r` ends a line, as in JavaScript and editors. Other
    // control characters would reach the terminal raw: each becomes one visible character of its
    // own byte length (`?` for one byte, `¿` for two).
    let shown: std::borrow::Cow<'_, str> = if source.contains(|c: char| c.is_control() && c != '\n')
    {
        let mut chars = source.chars().peekable();
        let mut shown = String::with_capacity(source.len());
        while let Some(c) = chars.next() {
            shown.push(match c {
                '\r' if chars.peek() != Some(&'\n') => '\n',
                '\t' | '\r' => ' ',
                '\n' => '\n',
                c if c.is_control() && c.len_utf8() == 1 => '?',
                c if c.is_control() => '¿',
                c => c,
            });
        }
        std::borrow::Cow::Owned(shown)
    } else {
        std::borrow::Cow::Borrowed(source)
    };
    let mut snippet = Snippet::source(&shown)
        .line_start(1)
        .origin(origin)
        .fold(true);
    let mut annotation = level.span(marked(primary, source));
    if !d.primary.1.is_empty() {
        annotation = annotation.label(&d.primary.1);
    }
    snippet = snippet.annotation(annotation);
    // A label far from the primary one on the same long line (a minified JSON schema) would
    // make the whole line be printed: it becomes a note with its position instead.
    // The snippet is cut at the same columns on every line it shows, so labels far apart in
    // columns make every shown line print whole, whichever lines they are on.
    let (_, primary_column) = line_col(source, primary.start());
    let primary_long = line_len(source, primary.start()) > LONG_LINE;
    let mut far = Vec::new();
    for (span, label) in &d.secondary {
        let span = clamp(*span, source);
        let (line, column) = line_col(source, span.start());
        let long = primary_long || line_len(source, span.start()) > LONG_LINE;
        if long && column.abs_diff(primary_column) > NEAR {
            let label = if label.is_empty() { "see" } else { label };
            far.push(format!("{label}: {origin}:{line}:{column}"));
            continue;
        }
        // `Warning` draws `-` without a level prefix: the rustc look of a secondary label.
        let mut annotation = Level::Warning.span(marked(span, source));
        if !label.is_empty() {
            annotation = annotation.label(label);
        }
        snippet = snippet.annotation(annotation);
    }
    let mut message = level.title(&d.message).id(d.code.as_str()).snippet(snippet);
    for note in far.iter().chain(&d.notes) {
        message = message.footer(Level::Note.title(note));
    }
    if let Some(help) = &d.help {
        message = message.footer(Level::Help.title(help));
    }
    renderer.render(message).to_string()
}

/// The most characters marked under one span: a longer span (a name of 100,000 characters) is
/// marked from its start, as the line it is on is shown around it, not whole.
const MAX_MARK: usize = 80;

/// A line longer than this many characters is shown cut around its labels.
const LONG_LINE: usize = 200;

/// How many columns apart two labels on a long line may be and both be drawn.
const NEAR: usize = 100;

/// The byte range to mark for `span` (clamped into `source`): at most [`MAX_MARK`] characters.
fn marked(span: Span, source: &str) -> std::ops::Range<usize> {
    let text = source.get(span.range()).unwrap_or("");
    match text.char_indices().nth(MAX_MARK) {
        Some((cut, _)) => span.start()..span.start() + cut,
        None => span.range(),
    }
}

/// The length in characters of the line holding byte `at` of `source`.
fn line_len(source: &str, at: usize) -> usize {
    let is_end = |c: char| c == '\n' || c == '\r';
    let start = source
        .get(..at)
        .and_then(|s| s.rfind(is_end))
        .map_or(0, |n| n + 1);
    let end = source
        .get(at..)
        .and_then(|s| s.find(is_end))
        .map_or(source.len(), |n| at + n);
    source
        .get(start..end)
        .map_or(0, |line| line.chars().count())
}

fn diagnostic_has_control(d: &Diagnostic) -> bool {
    let control = |text: &str| text.contains(char::is_control);
    control(&d.message)
        || control(&d.primary.1)
        || d.secondary.iter().any(|(_, label)| control(label))
        || d.notes.iter().any(|note| control(note))
        || d.help.as_deref().is_some_and(control)
}

/// `text` with every control character escaped as Rust writes it (`\0`, `\n`, `\u{1b}`).
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A span moved inside `source` and onto char boundaries.
fn clamp(span: Span, source: &str) -> Span {
    let fix = |mut at: usize| {
        at = at.min(source.len());
        while !source.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = fix(span.start());
    Span::new(start, fix(span.end()).max(start))
}

/// The byte-order mark, which a source may start with and which is not part of its text.
const BOM: char = '\u{feff}';

/// The 1-based line and column of byte `offset` in `source`; the column counts characters.
///
/// Lines end at `\n`, `\r\n` or a lone `\r`; a byte-order mark at the start is not counted. An
/// offset past the end is treated as the end; one inside a character as that character.
///
/// ```
/// # use cascade_dsl::diag::line_col;
/// assert_eq!(line_col("ab\ncd", 4), (2, 2));
/// assert_eq!(line_col("é ~>T(2)", 8), (1, 8)); // `é` is 2 bytes, 1 column
/// assert_eq!(line_col("\u{feff}ab", 4), (1, 2)); // the byte-order mark is no column
/// assert_eq!(line_col("a\rb\r\nc", 5), (3, 1));
/// ```
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = clamp(Span::new(offset, offset), source).start();
    let first = if source.starts_with(BOM) {
        BOM.len_utf8().min(offset)
    } else {
        0
    };
    // A `\r` ends a line unless a `\n` follows it (the `\n` then does).
    let bytes = source.as_bytes();
    let mut line = 1;
    let mut line_start = first;
    for at in first..offset {
        let ends = match bytes.get(at) {
            Some(b'\n') => true,
            Some(b'\r') => bytes.get(at + 1) != Some(&b'\n'),
            _ => false,
        };
        if ends {
            line += 1;
            line_start = at + 1;
        }
    }
    let column = source.get(line_start..offset).unwrap_or("").chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_output() {
        let source = "{ \"User\u{0}Admin\u{1b}[31m\": { a: '~>Nope\u{85}' } }";
        let d = Diagnostic::error(
            Code::InvalidEntityName,
            "invalid type name `User\u{0}Admin\u{1b}[31m`",
            Span::new(2, 21),
        )
        .with_label("not \u{7} valid");
        let out = render(&[d], source, "ctl.cascade", Style::Plain);
        assert!(
            !out.contains(|c: char| c.is_control() && c != '\n'),
            "{out:?}"
        );
        assert!(out.contains("`User\\u{0}Admin\\u{1b}[31m`"), "{out}");
        assert!(out.contains("not \\u{7} valid"), "{out}");
    }

    #[test]
    fn crlf_line_ends_do_not_reach_the_output() {
        let source = "{\r\n  A: { b: '~>Nope' },\r\n}\r\n";
        let d = Diagnostic::error(
            Code::UnknownTargetType,
            "unknown type `Nope`",
            Span::new(16, 20),
        );
        let out = render(&[d], source, "crlf.cascade", Style::Plain);
        assert!(!out.contains('\r'), "{out:?}");
        assert!(out.contains("crlf.cascade:2:14"), "{out}");
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let plain = "{ A: { x: '~>T(1.5)' } }";
        let with_bom = format!("\u{feff}{plain}");
        let d = |shift: usize| {
            Diagnostic::error(
                Code::ThresholdOutOfRange,
                "threshold `1.5` must be within 0.0..=1.0",
                Span::new(15 + shift, 18 + shift),
            )
            .with_secondary(Span::new(2 + shift, 3 + shift), "type")
        };
        let without = render(&[d(0)], plain, "s.cascade", Style::Plain);
        let with = render(&[d(3)], &with_bom, "s.cascade", Style::Plain);
        assert!(without.contains("s.cascade:1:16"), "{without}");
        assert_eq!(with, without);
        assert!(!with.contains('\u{feff}'));
        assert_eq!(line_col(&with_bom, 18), (1, 16));
        // A span inside the mark itself is shown at the start.
        assert_eq!(line_col(&with_bom, 1), (1, 1));
        // Only one mark is skipped: a second one is a character of the text, and shown.
        let two = format!("\u{feff}\u{feff}{plain}");
        let d = Diagnostic::error(Code::SyntaxError, "expected `{`", Span::new(3, 6));
        let out = render(&[d], &two, "s.cascade", Style::Plain);
        assert!(out.contains("s.cascade:1:1"), "{out}");
        assert!(out.contains("1 | \u{feff}{ A:"), "{out}");
    }

    #[test]
    fn long_spans_and_far_labels_keep_the_output_short() {
        // A 100,000-character name: the line is cut and the mark is at most MAX_MARK long.
        let name = "A".repeat(100_000);
        let source = format!("{{ {name}: {{}} }}");
        let d = Diagnostic::error(
            Code::InvalidEntityName,
            "type name too long",
            Span::new(2, 100_002),
        )
        .with_label("100000 characters");
        let out = render(&[d], &source, "s.cascade", Style::Plain);
        assert!(out.len() < 1_000, "{} bytes", out.len());
        assert!(
            out.contains(&format!("{} 100000 characters", "^".repeat(MAX_MARK))),
            "{out}"
        );
        // Two labels 50,000 columns apart on one line: the far one becomes a note with its place.
        let line = format!("{{ \"T1\": {{}}, {} \"T1\": {{}} }}", " ".repeat(50_000));
        let second = line.rfind("\"T1\"").unwrap_or_default();
        let d = Diagnostic::error(
            Code::DuplicateType,
            "duplicate type `T1`",
            Span::new(second, second + 4),
        )
        .with_label("declared again here")
        .with_secondary(Span::new(2, 6), "first declared here");
        let out = render(&[d], &line, "s.json", Style::Plain);
        assert!(out.len() < 1_000, "{} bytes", out.len());
        assert!(
            out.contains("= note: first declared here: s.json:1:3"),
            "{out}"
        );
        // Far apart in columns on two lines, one of them long: the same.
        let two_lines = format!("{{\"T1\": {{}},\n{} \"T1\": {{}} }}", " ".repeat(50_000));
        let second = two_lines.rfind("\"T1\"").unwrap_or_default();
        let d = Diagnostic::error(
            Code::DuplicateType,
            "duplicate type `T1`",
            Span::new(second, second + 4),
        )
        .with_secondary(Span::new(1, 5), "first declared here");
        let out = render(&[d], &two_lines, "s.json", Style::Plain);
        assert!(out.len() < 1_000, "{} bytes", out.len());
        assert!(
            out.contains("= note: first declared here: s.json:1:2"),
            "{out}"
        );
        // Near each other, both are drawn as usual.
        let d = Diagnostic::error(
            Code::DuplicateType,
            "duplicate type `T1`",
            Span::new(14, 18),
        )
        .with_secondary(Span::new(2, 6), "first declared here");
        let out = render(&[d], "{ \"T1\": {}, \"T1\": {} }", "s.json", Style::Plain);
        assert!(
            out.contains("  first declared here") && out.contains("----"),
            "{out}"
        );
        assert!(!out.contains("note"), "{out}");
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let source = "{\r  A: { b: '~>Nope' },\r}";
        let d = Diagnostic::error(
            Code::UnknownTargetType,
            "unknown type `Nope`",
            Span::new(15, 19),
        );
        let out = render(&[d], source, "cr.cascade", Style::Plain);
        assert!(out.contains("cr.cascade:2:14"), "{out}");
        assert!(out.contains("2 |   A: { b: '~>Nope' },"), "{out}");
        assert!(!out.contains('\r'), "{out:?}");
        assert_eq!(line_col(source, 15), (2, 14));
        // A CRLF is one line end, wherever the offset falls in it.
        assert_eq!(line_col("ab\r\ncd", 2), (1, 3));
        assert_eq!(line_col("ab\r\ncd", 3), (1, 4));
        assert_eq!(line_col("ab\r\ncd", 4), (2, 1));
    }

    #[test]
    fn carets_line_up_on_tab_indented_lines() {
        let source = "{\n\t\"A\": {\n\t\t\"x\": \"~>B(1.5)\"\n\t}\n}\n";
        let start = source.find("1.5").expect("the threshold is in the source");
        let d = Diagnostic::error(
            Code::ThresholdOutOfRange,
            "threshold `1.5` must be within 0.0..=1.0",
            Span::new(start, start + 3),
        )
        .with_label("out of range");
        let out = render(&[d], source, "tab.cascade", Style::Plain);
        let lines: Vec<&str> = out.lines().collect();
        let text = lines
            .iter()
            .find(|l| l.contains("~>B(1.5)"))
            .expect("source line");
        let carets = lines
            .iter()
            .find(|l| l.contains("^^^"))
            .expect("caret line");
        assert_eq!(text.find("1.5"), carets.find("^^^"), "{out}");
        assert!(out.contains("tab.cascade:3:13"), "{out}");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        // `日本語` is 9 bytes and 3 characters (and 6 terminal cells: the caret accounts for that).
        assert_eq!(line_col("日本語 ~>T(2)", 14), (1, 9));
        let source = "Qui achète ? ~>T(2)";
        let offset = source.find('2').expect("the digit is in the source");
        assert_eq!(offset, 18);
        assert_eq!(line_col(source, offset), (1, 18));
        let d = Diagnostic::error(
            Code::ThresholdOutOfRange,
            "threshold `2` must be within 0.0..=1.0",
            Span::new(offset, offset + 1),
        );
        let text = render(&[d], source, "x", Style::Plain);
        assert!(text.contains(" --> x:1:18"), "{text}");
        let caret_line = text
            .lines()
            .find(|l| l.contains('^'))
            .expect("a caret line");
        let source_line = text
            .lines()
            .find(|l| l.contains("achète"))
            .expect("the source line");
        // The caret sits under the `2`, counted in characters after the gutter.
        let caret = caret_line.chars().position(|c| c == '^');
        let digit = source_line.chars().position(|c| c == '2');
        assert_eq!(caret, digit, "\n{text}");
    }

    #[test]
    fn line_col_on_later_lines_and_out_of_range_offsets() {
        assert_eq!(line_col("a\nbc\nd", 5), (3, 1));
        assert_eq!(line_col("abc", 99), (1, 4));
        assert_eq!(
            line_col("é", 1),
            (1, 1),
            "inside a character: that character"
        );
        assert_eq!(line_col("", 0), (1, 1));
    }

    #[test]
    fn impossible_spans_are_clamped_not_panics() {
        let d = Diagnostic::error(Code::UnexpectedInput, "unexpected `x`", Span::new(1, 40))
            .with_secondary(Span::new(50, 60), "far away");
        let text = render(&[d], "éx", "x", Style::Plain);
        assert!(
            text.starts_with("error[unexpected-input]: unexpected `x`"),
            "{text}"
        );
        assert_eq!(render(&[], "abc", "x", Style::Plain), "");
    }

    #[test]
    fn styled_output_has_ansi_colors() {
        let d = Diagnostic::error(
            Code::EmptyThreshold,
            "empty threshold `()`",
            Span::new(3, 5),
        )
        .with_help("remove `()`");
        let text = render(&[d], "~>T()", "x", Style::Styled);
        assert!(text.contains("\u{1b}["), "{text:?}");
    }
}
