//! Byte ranges into the source text. Line and column are computed only when rendering.

/// A byte range `start..end` into the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    ///
    /// ```
    /// # use cascade_dsl::Span;
    /// assert_eq!(Span::new(2, 5).len(), 3);
    /// ```
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// Number of bytes covered.
    ///
    /// ```
    /// # use cascade_dsl::Span;
    /// assert!(Span::new(4, 4).is_empty());
    /// ```
    pub const fn len(self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers no byte.
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The span moved right by `offset` bytes (a span inside a string literal, placed in its file).
    ///
    /// ```
    /// # use cascade_dsl::Span;
    /// assert_eq!(Span::new(1, 3).shift(10), Span::new(11, 13));
    /// ```
    pub const fn shift(self, offset: usize) -> Span {
        Span {
            start: self.start + offset,
            end: self.end + offset,
        }
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
