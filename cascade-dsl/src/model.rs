//! The validated schema model: what both front ends (`.cascade` files and `#[derive(Cascade)]`)
//! produce and what the code generator consumes.
//!
//! The model is front-end neutral: it holds names, thresholds and parsed field definitions, plus
//! spans so that the shared checks of [`validate`](crate::validate) can point at the source. A
//! `.cascade` file's spans are byte offsets into the file; a front end without a file (the derive)
//! may use any offsets it can map back itself.
//!
//! ```
//! let schema = cascade_dsl::check("{ Author: { name: 'string' }, Post: { author: 'Author.posts' } }").unwrap();
//! let author = schema.get("Author").unwrap();
//! // The backref `Author.posts` created the inverse field `Author.posts: Post.author[]`.
//! let posts = author.field("posts").unwrap();
//! assert!(posts.inverse);
//! assert_eq!(posts.def().targets[0].name.value, "Post");
//! assert_eq!(author.references().count(), 1);
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use cascade_runtime::{Strategy, Threshold};

use crate::CompactString;
use crate::field::{FieldDef, Target};
use crate::span::{Span, Spanned};

/// A whole validated schema.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    /// Top-level `$config.default` (precedence layer 7, `schema-default`).
    pub default: Option<Threshold>,
    /// Where `$config.default`'s value was written.
    pub default_span: Option<Span>,
    /// The types, in declaration order.
    pub types: Vec<EntityType>,
}

/// The metadata key a type's threshold was written with. Both mean the same; the key is kept so
/// that provenance ("written at `Industry.$config.threshold`") names what the user wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ThresholdKey {
    /// `$threshold: 0.82`.
    #[default]
    Threshold,
    /// `$config: { threshold: 0.82 }`.
    ConfigThreshold,
}

impl ThresholdKey {
    /// The key as written in a `.cascade` file.
    ///
    /// ```
    /// use cascade_dsl::model::ThresholdKey;
    /// assert_eq!(ThresholdKey::ConfigThreshold.as_str(), "$config.threshold");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            ThresholdKey::Threshold => "$threshold",
            ThresholdKey::ConfigThreshold => "$config.threshold",
        }
    }
}

/// One entity type of a schema.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityType {
    /// The type's name.
    pub name: CompactString,
    /// Where the name was written.
    pub span: Span,
    /// `$threshold` or `$config.threshold` (precedence layer 4, `schema-type`): the threshold of
    /// references *to* this type.
    pub threshold: Option<Threshold>,
    /// Where the threshold's value was written.
    pub threshold_span: Option<Span>,
    /// Which key the threshold was written with (provenance: `T.$threshold` or
    /// `T.$config.threshold`).
    pub threshold_key: ThresholdKey,
    /// `$config.thresholdStrategy`; `None` when not written (the runtime config then decides).
    pub strategy: Option<Strategy>,
    /// `$fuzzyThreshold` (precedence layer 5, `schema-owner`): the default of fuzzy fields
    /// declared *on* this type.
    pub fuzzy_threshold: Option<Threshold>,
    /// Where `$fuzzyThreshold`'s value was written.
    pub fuzzy_threshold_span: Option<Span>,
    /// `$instructions`, kept as written (decoded).
    pub instructions: Option<String>,
    /// The fields, in declaration order (generated inverse fields last).
    pub fields: Vec<Field>,
}

/// One field of an entity type.
///
/// A field keeps its definition as the text it was written as (decoded) and parses it again when
/// asked ([`Field::def`]): a schema holds one field per line of its file, and the text is a
/// fraction of the parsed form's size (a field is 64 bytes, where a parsed [`FieldDef`] alone is
/// 160), so a large schema takes some 40% of the memory it would (and of the time spent getting
/// that memory from the kernel).
///
/// ```
/// let schema = cascade_dsl::check("{ A: { b: 'Which A? ~>A(0.9)' } }").unwrap();
/// let field = &schema.types[0].fields[0];
/// assert_eq!(field.def().targets[0].threshold.as_ref().map(|t| t.value.get()), Some(0.9));
/// assert!(size_of::<cascade_dsl::model::Field>() <= 64);
/// ```
#[derive(Clone)]
pub struct Field {
    /// The field's name.
    pub name: CompactString,
    /// Where the name was written. For an inverse field: the backref that created it.
    pub span: Span,
    /// The definition: see [`Field::def`].
    def: Def,
    /// Where the definition string starts in the source (see [`Field::def_offset`]); with
    /// `names`, the length of the owner's name instead.
    offset: u32,
    /// Whether the field was created as the inverse of a backref. `Post.author: 'Author.posts'`
    /// creates `Author.posts`, defined as `Post.author[]` (an operator-less relation to every
    /// `Post` whose `author` is this one; an array, as ai-database makes it). Its spans all point
    /// at the backref that created it, with [`def_offset`](Field::def_offset) 0.
    pub inverse: bool,
    /// Whether the definition was written in the array-literal form of `.cascade` files,
    /// `['~>Company']`, whose brackets are not part of the definition string.
    array_literal: bool,
    /// Whether `def` holds an inverse field's owner type and field names, one after the other
    /// (the owner's is `offset` bytes long): the definition `Owner.field[]`, every span at the
    /// backref (the field's span). The names are kept apart by a length, not a separator, as a
    /// model built by hand may hold any name.
    names: bool,
}

/// How a [`Field`] keeps its definition: in the room of one `CompactString`.
#[derive(Clone, PartialEq)]
enum Def {
    /// A definition string that parses (it was parsed when the field was built), as written,
    /// with no escape sequence; or an inverse field's names (`Field::names`).
    Text(CompactString),
    /// A definition string with escape sequences (rare).
    Escaped(Box<Escaped>),
    /// A parsed definition given as such ([`Field::new`]).
    Parsed(Box<FieldDef>),
}

/// A definition string (decoded) and the escape sequences of its string literal.
#[derive(Clone, PartialEq)]
struct Escaped {
    text: CompactString,
    escapes: Box<[Escape]>,
}

/// `owner.field[]`, every span at `span`: the definition of an inverse field.
fn inverse_def(owner: &str, field: &str, span: Span) -> FieldDef {
    FieldDef {
        span,
        prompt: None,
        operator: None,
        targets: smallvec::smallvec![Target {
            name: Spanned::new(CompactString::from(owner), span),
            threshold: None,
        }],
        primitive: None,
        backref: Some(Spanned::new(CompactString::from(field), span)),
        array: true,
        optional: false,
    }
}

impl PartialEq for Field {
    /// Equal names, spans, places and definitions (however each is kept).
    fn eq(&self, other: &Field) -> bool {
        self.name == other.name
            && self.span == other.span
            && self.def_offset() == other.def_offset()
            && self.def_escapes() == other.def_escapes()
            && self.inverse == other.inverse
            && ((self.def == other.def
                && self.offset == other.offset
                && self.names == other.names
                && self.array_literal == other.array_literal)
                || self.def() == other.def())
    }
}

impl fmt::Debug for Field {
    /// The field with its parsed definition.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Field")
            .field("name", &self.name)
            .field("span", &self.span)
            .field("def", &self.def())
            .field("def_offset", &self.def_offset())
            .field("def_escapes", &self.def_escapes())
            .field("inverse", &self.inverse)
            .finish()
    }
}

/// One escape sequence in a string literal: `written_len` source bytes at decoded offset `at`
/// decode to `decoded_len` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Escape {
    /// Byte offset in the decoded text where the escape's decoded text starts.
    pub at: usize,
    /// Length of the decoded text (`\n` → 1, `\u00e9` → 2).
    pub decoded_len: usize,
    /// Length of the escape as written (`\n` → 2, `\u00e9` → 6).
    pub written_len: usize,
}

/// Maps `span` inside a decoded string whose text starts at `content_start` in the source and
/// which holds `escapes` (sorted by `at`) to source offsets. An end inside an escape widens to the
/// escape's end; a start inside one moves to its start.
pub(crate) fn place(content_start: usize, escapes: &[Escape], span: Span) -> Span {
    if escapes.is_empty() {
        return span.shift(content_start);
    }
    let map = |offset: usize, is_end: bool| {
        let mut extra = 0;
        for escape in escapes {
            if offset <= escape.at {
                break;
            }
            if offset < escape.at + escape.decoded_len {
                // Inside an escape's decoded text: snap to the escape's edge.
                let start = escape.at + extra;
                return content_start
                    + if is_end {
                        start + escape.written_len
                    } else {
                        start
                    };
            }
            extra += escape.written_len - escape.decoded_len;
        }
        content_start + offset + extra
    };
    let start = map(span.start(), false);
    Span::new(start, map(span.end(), true).max(start))
}

impl Schema {
    /// The type called `name`. Linear in the number of types; for many lookups build
    /// [`Schema::type_index`] once.
    ///
    /// ```
    /// let schema = cascade_dsl::check("{ ICP: { name: 'string' } }").unwrap();
    /// assert_eq!(schema.get("ICP").map(|t| t.fields.len()), Some(1));
    /// assert!(schema.get("Icp").is_none());
    /// ```
    pub fn get(&self, name: &str) -> Option<&EntityType> {
        self.types.iter().find(|t| t.name == name)
    }

    /// Every type's position in [`types`](Schema::types), by name (the first one, if a name is
    /// declared twice).
    ///
    /// ```
    /// let schema = cascade_dsl::check("{ A: {}, B: {} }").unwrap();
    /// assert_eq!(schema.type_index()["B"], 1);
    /// ```
    pub fn type_index(&self) -> HashMap<&str, usize> {
        let mut index = HashMap::with_capacity(self.types.len());
        for (i, t) in self.types.iter().enumerate() {
            index.entry(t.name.as_str()).or_insert(i);
        }
        index
    }

    /// Number of fields over all types, inverse fields included.
    pub fn field_count(&self) -> usize {
        self.types.iter().map(|t| t.fields.len()).sum()
    }
}

impl EntityType {
    /// A type with no fields and no metadata.
    ///
    /// ```
    /// let t = cascade_dsl::model::EntityType::new("ICP", cascade_dsl::Span::new(0, 3));
    /// assert!(t.fields.is_empty() && t.threshold.is_none());
    /// ```
    pub fn new(name: impl Into<CompactString>, span: Span) -> EntityType {
        EntityType {
            name: name.into(),
            span,
            threshold: None,
            threshold_span: None,
            threshold_key: ThresholdKey::Threshold,
            strategy: None,
            fuzzy_threshold: None,
            fuzzy_threshold_span: None,
            instructions: None,
            fields: Vec::new(),
        }
    }

    /// The field called `name`.
    ///
    /// ```
    /// let schema = cascade_dsl::check("{ ICP: { name: 'string' } }").unwrap();
    /// assert!(schema.types[0].field("name").is_some());
    /// ```
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The reference fields (those with target types), inverse fields included, in order.
    pub fn references(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.is_reference())
    }
}

impl Field {
    /// A field whose definition string starts at `def_offset` and holds no escape. An offset
    /// past [`MAX_SOURCE_LEN`](crate::span::MAX_SOURCE_LEN) is held at it.
    pub fn new(
        name: impl Into<CompactString>,
        span: Span,
        def: FieldDef,
        def_offset: usize,
    ) -> Field {
        Field {
            name: name.into(),
            span,
            def: Def::Parsed(Box::new(def)),
            offset: crate::span::offset(def_offset),
            inverse: false,
            array_literal: false,
            names: false,
        }
    }

    /// A field defined by `text`, a definition string that [`field::parse`](crate::field::parse)
    /// reads without error (`array_literal`: written as `['text']`), starting at `def_offset` in
    /// the source, with `escapes` (sorted by position).
    #[inline(always)]
    pub(crate) fn from_text(
        name: CompactString,
        span: Span,
        text: &str,
        array_literal: bool,
        def_offset: usize,
        escapes: &[Escape],
    ) -> Field {
        let text = CompactString::from(text);
        Field {
            name,
            span,
            def: if escapes.is_empty() {
                Def::Text(text)
            } else {
                Def::Escaped(Box::new(Escaped {
                    text,
                    escapes: escapes.into(),
                }))
            },
            offset: crate::span::offset(def_offset),
            inverse: false,
            array_literal,
            names: false,
        }
    }

    /// The inverse field `name` of the backref of `owner.field`, written at `span`: defined as
    /// `owner.field[]`, every span at the backref.
    pub(crate) fn inverse(name: &str, owner: &str, field: &str, span: Span) -> Field {
        let (def, offset, names) = match u32::try_from(owner.len()) {
            Ok(owner_len) => {
                let mut names = CompactString::with_capacity(owner.len() + field.len());
                names.push_str(owner);
                names.push_str(field);
                (Def::Text(names), owner_len, true)
            }
            // A name of 4 GiB or more: kept parsed.
            Err(_) => (
                Def::Parsed(Box::new(inverse_def(owner, field, span))),
                0,
                false,
            ),
        };
        Field {
            name: CompactString::from(name),
            span,
            def,
            offset,
            inverse: true,
            array_literal: false,
            names,
        }
    }

    /// The parsed definition. Its spans are relative to the (decoded) definition string; use
    /// [`Field::place`] to put them in the source. A field read from a `.cascade` file parses its
    /// text again here (some 100 ns for a common definition): a caller that needs it several
    /// times keeps it.
    ///
    /// ```
    /// let schema = cascade_dsl::check("{ A: { b: ['~>A'], c: 'string?' } }").unwrap();
    /// let [b, c] = &schema.types[0].fields[..] else { panic!() };
    /// assert!(b.def().array && c.def().optional);
    /// ```
    pub fn def(&self) -> Cow<'_, FieldDef> {
        let text = match &self.def {
            Def::Parsed(def) => return Cow::Borrowed(def),
            Def::Text(names) if self.names => {
                let (owner, field) = usize::try_from(self.offset)
                    .ok()
                    .and_then(|at| names.split_at_checked(at))
                    .unwrap_or((names, ""));
                return Cow::Owned(inverse_def(owner, field, self.span));
            }
            Def::Text(text) => text,
            Def::Escaped(escaped) => &escaped.text,
        };
        let mut def = crate::field::parse(text)
            .unwrap_or_else(|_| unreachable!("a field keeps only a text that parses"));
        def.array |= self.array_literal;
        Cow::Owned(def)
    }

    /// Whether the field references other types (has targets).
    pub fn is_reference(&self) -> bool {
        self.names || !self.def().targets.is_empty()
    }

    /// Where the definition string starts in the source (between the quotes). Adding it to
    /// [`def`](Field::def)'s spans is exact when [`def_escapes`](Field::def_escapes) is empty.
    /// 32 bits, as a [`Span`]'s offsets are; 0 for an inverse field.
    ///
    /// ```
    /// let schema = cascade_dsl::check("{ A: { b: '~>A' } }").unwrap();
    /// assert_eq!(schema.types[0].fields[0].def_offset(), 11);
    /// ```
    pub fn def_offset(&self) -> u32 {
        if self.names { 0 } else { self.offset }
    }

    /// The escape sequences of the definition's string literal (`\u0041`), sorted by position,
    /// so spans inside the decoded text map back exactly. Empty for most fields and for the
    /// derive front end.
    ///
    /// ```
    /// let schema = cascade_dsl::check(r"{ A: { b: '~>\u0041' } }").unwrap();
    /// let escape = schema.types[0].fields[0].def_escapes()[0];
    /// assert_eq!((escape.at, escape.decoded_len, escape.written_len), (2, 1, 6));
    /// ```
    pub fn def_escapes(&self) -> &[Escape] {
        match &self.def {
            Def::Escaped(escaped) => &escaped.escapes,
            _ => &[],
        }
    }

    /// Puts a span of [`def`](Field::def) in the source.
    ///
    /// ```
    /// let schema = cascade_dsl::check("{ A: { b: '~>A' } }").unwrap();
    /// let field = &schema.types[0].fields[0];
    /// assert_eq!(field.place(field.def().targets[0].name.span), cascade_dsl::Span::new(13, 14));
    /// ```
    pub fn place(&self, span: Span) -> Span {
        place(self.def_offset() as usize, self.def_escapes(), span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> FieldDef {
        crate::field::parse(text).expect("a valid definition")
    }

    #[test]
    fn a_field_kept_as_text_is_its_parsed_definition() {
        let span = Span::new(3, 4);
        for text in [
            "~>ICP(0.82)",
            "Who buys it? ~>ICP(0.82)|Persona[]?",
            "string",
            "A.b",
        ] {
            let kept = Field::from_text("f".into(), span, text, false, 10, &[]);
            let given = Field::new("f", span, parsed(text), 10);
            assert_eq!(*kept.def(), parsed(text));
            assert_eq!(kept, given);
            assert_eq!(format!("{kept:?}"), format!("{given:?}"));
            assert_eq!(kept.is_reference(), !parsed(text).targets.is_empty());
        }
        // The array-literal form `['~>A']` keeps `~>A` and the brackets apart.
        let kept = Field::from_text("f".into(), span, "~>A", true, 10, &[]);
        assert!(kept.def().array);
        let mut def = parsed("~>A");
        def.array = true;
        assert_eq!(kept, Field::new("f", span, def, 10));
        assert_ne!(kept, Field::new("f", span, parsed("~>A"), 10));
        // A definition written with escape sequences keeps them, to place its spans.
        let escapes = [Escape {
            at: 2,
            decoded_len: 1,
            written_len: 6,
        }];
        let kept = Field::from_text("f".into(), span, "~>A", false, 10, &escapes);
        assert_eq!((kept.def_escapes(), kept.def_offset()), (&escapes[..], 10));
        assert_eq!(*kept.def(), parsed("~>A"));
        assert_eq!(kept.place(Span::new(2, 3)), Span::new(12, 18));
        assert_ne!(
            kept,
            Field::from_text("f".into(), span, "~>A", false, 10, &[])
        );
    }

    #[test]
    fn an_inverse_field_is_owner_field_array_at_the_backref() {
        let span = Span::new(20, 31);
        let inverse = Field::inverse("posts", "Post", "author", span);
        let def = inverse.def();
        assert!(inverse.inverse && inverse.is_reference());
        assert_eq!(def.to_string(), "Post.author[]");
        assert_eq!(
            def.targets[0].name,
            Spanned::new(CompactString::from("Post"), span)
        );
        assert_eq!(
            def.backref,
            Some(Spanned::new(CompactString::from("author"), span))
        );
        assert_eq!((def.span, inverse.place(def.span)), (span, span));
        let mut given = Field::new("posts", span, def.into_owned(), 0);
        given.inverse = true;
        assert_eq!(inverse, given);
        assert_ne!(inverse, Field::inverse("posts", "Post", "writer", span));
        assert_eq!(inverse.def_offset(), 0);
        // The public `inverse` flag tells how the field came to be: setting it by hand does not
        // change the definition.
        let mut flipped = inverse.clone();
        flipped.inverse = false;
        assert_eq!(flipped.def().to_string(), "Post.author[]");
    }

    #[test]
    fn place_without_escapes_shifts() {
        assert_eq!(place(10, &[], Span::new(1, 3)), Span::new(11, 13));
    }

    #[test]
    fn place_maps_through_escapes() {
        // Source content `a\nb\u0041c`: decoded `a\nbAc`.
        let escapes = [
            Escape {
                at: 1,
                decoded_len: 1,
                written_len: 2,
            },
            Escape {
                at: 3,
                decoded_len: 1,
                written_len: 6,
            },
        ];
        // `b` is decoded 2..3, written 3..4.
        assert_eq!(place(0, &escapes, Span::new(2, 3)), Span::new(3, 4));
        // `A` is decoded 3..4, written 4..10.
        assert_eq!(place(0, &escapes, Span::new(3, 4)), Span::new(4, 10));
        // `c` is decoded 4..5, written 10..11.
        assert_eq!(place(0, &escapes, Span::new(4, 5)), Span::new(10, 11));
        // The whole text.
        assert_eq!(place(5, &escapes, Span::new(0, 5)), Span::new(5, 16));
    }

    #[test]
    fn place_inside_multibyte_escape_widens() {
        // `\u00e9` decodes to 2 bytes; a range over its second byte covers the whole escape.
        let escapes = [Escape {
            at: 0,
            decoded_len: 2,
            written_len: 6,
        }];
        assert_eq!(place(0, &escapes, Span::new(1, 2)), Span::new(0, 6));
    }
}
