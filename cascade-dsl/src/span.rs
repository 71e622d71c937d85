//! Byte ranges into the source text. Line and column are computed only when rendering.
//!
//! A span holds two 32-bit offsets: every parsed node carries spans, and half-size spans keep the
//! model of a large schema compact. Sources are therefore limited to [`MAX_SOURCE_LEN`] bytes;
//! [`check`](crate::check) and [`field::parse`](crate::field::parse) reject a longer text with an
//! error instead of reading it.

/// The longest source text (in bytes) whose offsets a [`Span`] can hold: 4 GiB − 1.
pub const MAX_SOURCE_LEN: usize = u32::MAX as usize;

/// The error for a text of `len` bytes, past [`MAX_SOURCE_LEN`].
pub(crate) fn too_large(len: usize, what: &str) -> crate::diag::Diagnostic {
    crate::diag::Diagnostic::error(
        crate::codes::Code::SourceTooLarge,
        format!("the {what} is {len} bytes long; cascade reads at most {MAX_SOURCE_LEN} bytes"),
        Span::new(0, 0),
    )
    .with_label("too large to read")
    .with_help("split the schema into several files")
}

/// A byte range `start..end` into the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    start: u32,
    end: u32,
}

/// `offset` as a span offset; offsets past [`MAX_SOURCE_LEN`] (a text the parsers refuse before
/// reading) are held at it rather than wrapped.
pub(crate) const fn offset(offset: usize) -> u32 {
    if offset > MAX_SOURCE_LEN {
        u32::MAX
    } else {
        offset as u32
    }
}

impl Span {
    /// A span from `start` to `end`.
    ///
    /// ```
    /// # use cascade_dsl::Span;
    /// let span = Span::new(2, 5);
    /// assert_eq!((span.start(), span.end(), span.len()), (2, 5, 3));
    /// ```
    pub const fn new(start: usize, end: usize) -> Span {
        Span {
            start: offset(start),
            end: offset(end),
        }
    }

    /// The first byte.
    pub const fn start(self) -> usize {
        self.start as usize
    }

    /// One past the last byte.
    pub const fn end(self) -> usize {
        self.end as usize
    }

    /// The byte range, to index the source with.
    ///
    /// ```
    /// # use cascade_dsl::Span;
    /// assert_eq!(&"Who buys it?"[Span::new(4, 8).range()], "buys");
    /// ```
    pub const fn range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    /// Number of bytes covered.
    ///
    /// ```
    /// # use cascade_dsl::Span;
    /// assert!(Span::new(4, 4).is_empty());
    /// ```
    pub const fn len(self) -> usize {
        // A span built backwards (`Span::new(5, 2)`) covers nothing.
        self.end.saturating_sub(self.start) as usize
    }

    /// Whether the span covers no byte.
    pub const fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// The span moved right by `offset` bytes (a span inside a string literal, placed in its file).
    ///
    /// ```
    /// # use cascade_dsl::Span;
    /// assert_eq!(Span::new(1, 3).shift(10), Span::new(11, 13));
    /// ```
    pub const fn shift(self, offset: usize) -> Span {
        Span::new(self.start() + offset, self.end() + offset)
    }
}

/// A value with the span it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs `value` with `span`.
    pub const fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_past_the_limit_are_held_at_it() {
        let span = Span::new(MAX_SOURCE_LEN - 1, MAX_SOURCE_LEN + 10);
        assert_eq!(
            (span.start(), span.end()),
            (MAX_SOURCE_LEN - 1, MAX_SOURCE_LEN)
        );
        assert_eq!(span.len(), 1);
        assert_eq!(
            Span::new(3, 5).shift(MAX_SOURCE_LEN).start(),
            MAX_SOURCE_LEN
        );
    }

    #[test]
    fn a_text_too_large_for_spans_is_an_error() {
        let error = too_large(MAX_SOURCE_LEN + 1, "file");
        assert_eq!(error.code.as_str(), "source-too-large");
        assert!(
            error.message.contains("4294967296 bytes"),
            "{}",
            error.message
        );
        assert!(error.help.is_some());
    }
}
