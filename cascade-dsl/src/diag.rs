//! The one diagnostic type of cascade. Rendering (annotate-snippets, rustc style) lives here only.
//!
//! Skeleton: the grammar issue adds rendering (`error[code]: message`, `--> file:line:col`, caret,
//! `= help:`), plain for builds and tests, styled for the CLI.

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
