//! Reading labelled pairs (JSONL or CSV) and embeddings, streamed line by line.
//!
//! Every row is checked; every bad row becomes an [`RowError`] naming `file:line` and the field,
//! and reading goes on so that all bad rows are reported at once. Nothing is skipped silently:
//! the only lines without a pair are blank JSONL lines (whitespace only), which hold no data.

use cascade_runtime::config::suggest::did_you_mean;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use cascade_runtime::calibrate::{ALL, prefix_cosines};

use crate::rows::{Lines, RowError, first_line, json_array_error, opens_json_array, value_kind};

/// How many bad rows are kept in full; the rest are only counted.
const KEEP_ERRORS: usize = 1000;

/// The errors of a run: the first [`KEEP_ERRORS`] in full, how many there were, and how many
/// rows they are in (a row can have several errors; an unreadable or empty file, or a bad CSV
/// header, is no row).
#[derive(Debug, Default)]
pub(crate) struct Errors {
    pub(crate) kept: Vec<RowError>,
    /// Every error, file-level ones included.
    pub(crate) total: usize,
    /// Distinct rows with at least one error.
    pub(crate) rows: usize,
    /// The line of the last row error (errors arrive in line order).
    last_row: usize,
    /// Problems of the run rather than of a file (a `--dims` the vectors cannot give), printed
    /// before the rows' errors.
    pub(crate) notes: Vec<String>,
}

impl Errors {
    /// These errors followed by `other`'s (another file's), each kept up to [`KEEP_ERRORS`].
    pub(crate) fn append(&mut self, other: Errors) {
        self.total += other.total;
        self.rows += other.rows;
        self.notes.extend(other.notes);
        let room = KEEP_ERRORS.saturating_sub(self.kept.len());
        self.kept.extend(other.kept.into_iter().take(room));
    }

    /// An error of the row at `error.line` (line 0: of the file as a whole).
    fn push(&mut self, error: RowError) {
        if error.line != 0 && error.line != self.last_row {
            self.rows += 1;
            self.last_row = error.line;
        }
        self.push_file(error);
    }

    /// An error of the file as a whole (even when it names a line, like a CSV header's).
    fn push_file(&mut self, error: RowError) {
        self.total += 1;
        if self.kept.len() < KEEP_ERRORS {
            self.kept.push(error);
        }
    }

    /// One error of the file as a whole.
    fn of_file(error: RowError) -> Errors {
        let mut errors = Errors::default();
        errors.push_file(error);
        errors
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// These errors after `first`, an error of the file as a whole.
    fn after(self, first: RowError) -> Errors {
        let mut errors = Errors::of_file(first);
        errors.total += self.total;
        errors.rows = self.rows;
        errors.last_row = self.last_row;
        errors
            .kept
            .extend(self.kept.into_iter().take(KEEP_ERRORS.saturating_sub(1)));
        errors
    }
}

/// Where each pair's score comes from.
pub(crate) enum ScoreSource<'a> {
    /// A numeric column of the pairs file.
    Field(&'a str),
    /// The cosine of the `a` and `b` texts' vectors, at each of these prefix lengths.
    Embeddings {
        table: &'a Embeddings,
        dims: &'a [usize],
    },
}

/// The pairs of a file, column-wise.
#[derive(Debug, Default)]
pub(crate) struct Pairs {
    /// Type names in order of first appearance.
    pub(crate) types: Vec<String>,
    /// The line where each type first appears.
    pub(crate) first_lines: Vec<usize>,
    /// `type_of[row]` indexes `types`.
    pub(crate) type_of: Vec<u32>,
    pub(crate) same: Vec<bool>,
    /// `scores[k][row]`: one column per score (one field, or one per dimension).
    pub(crate) scores: Vec<Vec<f64>>,
    index: HashMap<String, u32>,
    /// Warnings about the rows (a pair labelled both ways, repeated pairs), to print.
    pub(crate) warnings: Vec<String>,
}

impl Pairs {
    fn new(columns: usize) -> Pairs {
        Pairs {
            scores: vec![Vec::new(); columns],
            ..Pairs::default()
        }
    }

    /// The id of type `name`, given on first sight; `None` past `u32::MAX` distinct types.
    /// `line` is the row's, kept for the first.
    fn type_id(&mut self, name: &str, line: usize) -> Option<u32> {
        self.type_id_below(name, line, u32::MAX)
    }

    /// [`Pairs::type_id`] with ids below `limit`.
    fn type_id_below(&mut self, name: &str, line: usize, limit: u32) -> Option<u32> {
        if let Some(&id) = self.index.get(name) {
            return Some(id);
        }
        let id = u32::try_from(self.types.len())
            .ok()
            .filter(|&id| id < limit)?;
        self.types.push(name.to_owned());
        self.first_lines.push(line);
        self.index.insert(name.to_owned(), id);
        Some(id)
    }

    pub(crate) fn len(&self) -> usize {
        self.same.len()
    }
}

/// Stored vectors by text.
#[derive(Debug, Default)]
pub(crate) struct Embeddings {
    /// Texts whose row is in the file but bad (already reported there): a pair needing one is
    /// not reported again as having no vector.
    unusable: HashSet<String>,
    index: HashMap<String, usize>,
    /// Row-major, `width` numbers per text.
    values: Vec<f64>,
    pub(crate) width: usize,
}

impl Embeddings {
    fn vector(&self, text: &str) -> Option<&[f64]> {
        let &i = self.index.get(text)?;
        self.values.get(i * self.width..(i + 1) * self.width)
    }

    pub(crate) fn len(&self) -> usize {
        self.index.len()
    }
}

/// Shows a user string in a message: quoted, cut at 60 characters.
fn shown(text: &str) -> String {
    let mut s: String = text.chars().take(60).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    format!("{s:?}")
}

/// A JSON value seen only as far as a message needs.
enum Loose<'de> {
    Str(Cow<'de, str>),
    Num(f64),
    Bool(bool),
    Other(&'static str),
}

impl Loose<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Loose::Str(_) => "a string",
            Loose::Num(_) => "a number",
            Loose::Bool(_) => "a boolean",
            Loose::Other(kind) => kind,
        }
    }
}

impl<'de> Deserialize<'de> for Loose<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Loose<'de>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Loose<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Loose<'de>, E> {
                Ok(Loose::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Loose<'de>, E> {
                Ok(Loose::Num(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Loose<'de>, E> {
                Ok(Loose::Num(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Loose<'de>, E> {
                Ok(Loose::Num(v))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Loose<'de>, E> {
                Ok(Loose::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Loose<'de>, E> {
                Ok(Loose::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_unit<E>(self) -> Result<Loose<'de>, E> {
                Ok(Loose::Other("null"))
            }
            fn visit_none<E>(self) -> Result<Loose<'de>, E> {
                Ok(Loose::Other("null"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Loose::Other("an array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Loose::Other("an object"))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Key {
    Type,
    Same,
    Score,
    A,
    B,
    Other,
}

struct KeySeed<'a> {
    score: Option<&'a str>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        let name = Cow::<'de, str>::deserialize(d)?;
        Ok(match &*name {
            "type" => Key::Type,
            "same" => Key::Same,
            n if Some(n) == self.score => Key::Score,
            "a" => Key::A,
            "b" => Key::B,
            _ => Key::Other,
        })
    }
}

/// The fields of one JSONL row that calibration reads, as found.
#[derive(Default)]
struct RawRow<'de> {
    ty: Option<Loose<'de>>,
    same: Option<Loose<'de>>,
    score: Option<Loose<'de>>,
    a: Option<Loose<'de>>,
    b: Option<Loose<'de>>,
    duplicate: Option<&'static str>,
}

struct RowSeed<'a> {
    score: Option<&'a str>,
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = RawRow<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<RawRow<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = RawRow<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object with the fields of one pair")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawRow<'de>, A::Error> {
        let mut row = RawRow::default();
        let seed = || KeySeed { score: self.score };
        while let Some(key) = map.next_key_seed(seed())? {
            let (slot, name) = match key {
                Key::Type => (&mut row.ty, "type"),
                Key::Same => (&mut row.same, "same"),
                Key::Score => (&mut row.score, "score"),
                Key::A => (&mut row.a, "a"),
                Key::B => (&mut row.b, "b"),
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            let value = map.next_value::<Loose<'de>>()?;
            if slot.is_some() {
                row.duplicate.get_or_insert(name);
            }
            *slot = Some(value);
        }
        Ok(row)
    }
}

/// One row's fields as text, from CSV.
struct CsvRow<'r> {
    ty: Option<&'r str>,
    same: Option<&'r str>,
    score: Option<&'r str>,
    a: Option<&'r str>,
    b: Option<&'r str>,
}

/// Shared row checks of both formats.
struct RowChecker<'a> {
    path: &'a Path,
    source: &'a ScoreSource<'a>,
    pairs: Pairs,
    errors: Errors,
    /// The errors without the rows' "score field is missing" ones: what is reported when no
    /// row has the score field (then the field name is wrong, not every row).
    without_missing_score: Errors,
    /// Columns the CSV header lacks: that is reported once, so their cells are not also
    /// reported as missing in every row.
    absent: Vec<String>,
    /// Errors left unreported because their column is absent.
    muted: usize,
    cosines: Vec<Option<f64>>,
    repeats: Repeats,
}

/// How many pairs labelled both ways are named one by one; the rest are counted.
const SHOW_CONFLICTS: usize = 20;

/// Pairs seen more than once: the same type and texts, `a` and `b` in either order.
///
/// Each row's pair is hashed as it is read, and the hashes are sorted once at the end: no hash
/// table of a million entries (which cost more than the rest of the reading) and 24 bytes a row
/// while reading. A collision of the 64-bit hashes (about 1 in 10^7 among a million pairs) could
/// only add a spurious warning.
#[derive(Default)]
struct Repeats {
    seen: Vec<Seen>,
}

/// One row's pair: its hash, `line << 1 | same`, and its row.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    hash: u64,
    line_same: u64,
    row: u32,
}

impl Seen {
    fn line(self) -> u64 {
        self.line_same >> 1
    }

    fn same(self) -> bool {
        self.line_same & 1 == 1
    }
}

/// A fast 64-bit hash of a pair's strings (folded multiplies over 8-byte words, as foldhash and
/// wyhash mix). Not for hash tables facing untrusted keys: here it only groups equal pairs.
struct PairHasher(u64);

impl PairHasher {
    const SEED: u64 = 0x243f_6a88_85a3_08d3;
    const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

    fn mix(&mut self, word: u64) {
        let product = u128::from(self.0 ^ word ^ Self::SEED) * u128::from(Self::MULTIPLIER);
        // Truncations on purpose: the low and high halves of the product, folded.
        #[allow(clippy::cast_possible_truncation)]
        let (low, high) = (product as u64, (product >> 64) as u64);
        self.0 = low ^ high;
    }
}

impl std::hash::Hasher for PairHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(word);
            self.mix(u64::from_le_bytes(buf));
        }
        let rest = words.remainder();
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        // The length tells `ab` from `ab\0`.
        self.mix(u64::from_le_bytes(buf) ^ ((rest.len() as u64) << 56));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Repeats {
    fn see(&mut self, line: usize, row: u32, ty: &str, a: &str, b: &str, same: bool) {
        use std::hash::Hash as _;
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let mut hasher = PairHasher(0);
        (ty, lo, hi).hash(&mut hasher);
        self.seen.push(Seen {
            hash: std::hash::Hasher::finish(&hasher),
            line_same: (line as u64) << 1 | u64::from(same),
            row,
        });
    }

    /// The warnings about `path`'s repeated pairs, naming types from `pairs`.
    fn warnings(mut self, path: &Path, pairs: &Pairs) -> Vec<String> {
        // By hash, then by line: each group of equal pairs starts with its first appearance.
        self.seen.sort_unstable();
        let mut conflicts: Vec<(Seen, Seen)> = Vec::new();
        let mut duplicates = 0usize;
        let mut first_duplicate: Option<(u64, u64)> = None;
        for group in self.seen.chunk_by(|x, y| x.hash == y.hash) {
            let Some((&first, rest)) = group.split_first() else {
                continue;
            };
            for &later in rest {
                if later.same() == first.same() {
                    duplicates += 1;
                    if first_duplicate.is_none_or(|(line, _)| later.line() < line) {
                        first_duplicate = Some((later.line(), first.line()));
                    }
                } else {
                    conflicts.push((later, first));
                }
            }
        }
        conflicts.sort_unstable_by_key(|(later, _)| later.line());
        let label = |same: bool| if same { "same" } else { "different" };
        let shown = path.display();
        let type_name = |row: u32| {
            pairs
                .type_of
                .get(row as usize)
                .and_then(|&id| pairs.types.get(id as usize))
                .map_or("?", String::as_str)
        };
        let mut out: Vec<String> = conflicts
            .iter()
            .take(SHOW_CONFLICTS)
            .map(|&(later, first)| {
                format!(
                    "{shown}:{}: this `{}` pair is labelled {} here but {} on line {} (the same texts, `a` and `b` in either order): one of the labels is wrong; fix it or remove one line (both are counted as given)",
                    later.line(),
                    type_name(later.row),
                    label(later.same()),
                    label(first.same()),
                    first.line(),
                )
            })
            .collect();
        if conflicts.len() > SHOW_CONFLICTS {
            let more = conflicts.len() - SHOW_CONFLICTS;
            out.push(format!(
                "{shown}: ... and {more} more {} labelled both same and different",
                crate::diagnostics::plural(more, "pair", "pairs")
            ));
        }
        if let Some((line, first)) = first_duplicate {
            let n = duplicates;
            out.push(format!(
                "{shown}: {n} {} an earlier pair with the same label (the first: line {line} repeats line {first}; `a` and `b` in either order); each is counted every time it appears, so remove the repeats unless they should weigh more",
                crate::diagnostics::plural(n, "pair repeats", "pairs repeat"),
            ));
        }
        out
    }
}

impl<'a> RowChecker<'a> {
    fn score_name(&self) -> &str {
        match self.source {
            ScoreSource::Field(name) => name,
            ScoreSource::Embeddings { .. } => "score",
        }
    }

    fn error(&mut self, line: usize, field: Option<&str>, message: String) {
        if let Some(field) = field
            && self.absent.iter().any(|a| a == field)
            && message == missing(field)
        {
            self.muted += 1;
            return;
        }
        let missing_score = matches!(self.source, ScoreSource::Field(name) if field == Some(*name) && message == missing(name));
        self.push(
            RowError::in_field(self.path, line, field, message),
            missing_score,
        );
    }

    /// An error at a known line and column (of the file's syntax, so no field's).
    fn error_at(&mut self, line: usize, column: usize, message: String) {
        let error = RowError {
            column: Some(column),
            ..RowError::new(self.path, line, message)
        };
        self.push(error, false);
    }

    /// An error of a row; `missing_score` if it says the row lacks the score field.
    fn push(&mut self, error: RowError, missing_score: bool) {
        if !missing_score {
            self.without_missing_score.push(error.clone());
        }
        self.errors.push(error);
    }

    /// A problem of the file as a whole (empty, a bad CSV header), not of a row.
    fn file_error(&mut self, line: usize, field: Option<&str>, message: String) {
        self.errors
            .push_file(RowError::in_field(self.path, line, field, message));
    }

    /// [`RowChecker::file_error`] at a known line and column.
    fn file_error_at(&mut self, line: usize, column: usize, message: String) {
        self.errors.push_file(RowError {
            column: Some(column),
            ..RowError::new(self.path, line, message)
        });
    }

    /// Checks the typed values of one row and stores it; reports every bad field.
    fn accept(
        &mut self,
        line: usize,
        ty: Result<&str, String>,
        same: Result<bool, String>,
        score: Result<f64, String>,
        a: Result<&str, String>,
        b: Result<&str, String>,
    ) {
        let before = (self.errors.total, self.muted);
        let texts = (a.as_ref().ok().copied(), b.as_ref().ok().copied());
        let ty = match ty {
            Ok(t) if t.trim().is_empty() => {
                self.error(
                    line,
                    Some("type"),
                    "is empty: write the entity type of the pair".into(),
                );
                None
            }
            Ok(t) if t == ALL => {
                self.error(
                    line,
                    Some("type"),
                    format!(
                        "`{ALL}` is reserved for the pooled result of all types: rename this type"
                    ),
                );
                None
            }
            Ok(t) => match type_name_problem(t) {
                Some(problem) => {
                    self.error(line, Some("type"), problem);
                    None
                }
                None => Some(t),
            },
            Err(m) => {
                self.error(line, Some("type"), m);
                None
            }
        };
        let same = same.map_err(|m| self.error(line, Some("same"), m)).ok();
        let mut scores = std::mem::take(&mut self.cosines);
        scores.clear();
        match self.source {
            ScoreSource::Field(name) => {
                // Not looked up, but they identify the pair: every pair needs both.
                for (field, text) in [("a", a), ("b", b)] {
                    match text {
                        Ok(t) if t.trim().is_empty() => self.error(
                            line,
                            Some(field),
                            format!("is empty: write the text of the pair's `{field}` side"),
                        ),
                        Ok(_) => {}
                        Err(m) => self.error(line, Some(field), m),
                    }
                }
                match score {
                    Ok(s) if s.is_nan() => self.error(
                        line,
                        Some(name),
                        "is NaN: every pair needs a similarity".into(),
                    ),
                    Ok(s) if !(-1.0..=1.0).contains(&s) => self.error(
                        line,
                        Some(name),
                        format!(
                            "{s} is outside [-1, 1]: a cosine similarity lies between -1 and 1"
                        ),
                    ),
                    Ok(s) => scores.push(Some(s)),
                    Err(m) => self.error(line, Some(name), m),
                }
            }
            ScoreSource::Embeddings { table, dims } => {
                let mut vectors = [None, None];
                for (slot, (field, text)) in vectors.iter_mut().zip([("a", a), ("b", b)]) {
                    match text {
                        Ok(t) => match table.vector(t) {
                            Some(v) => *slot = Some(v),
                            // Reported at its own row of the embeddings file.
                            None if table.unusable.contains(t) => self.muted += 1,
                            None => self.error(
                                line,
                                Some(field),
                                format!("text {} has no vector in the embeddings file", shown(t)),
                            ),
                        },
                        Err(m) => self.error(line, Some(field), m),
                    }
                }
                if let [Some(va), Some(vb)] = vectors {
                    if let Err(e) = prefix_cosines(va, vb, dims, &mut scores) {
                        self.error(line, None, e.to_string());
                    } else if let Some(k) = scores.iter().position(Option::is_none) {
                        self.error(
                            line,
                            None,
                            format!(
                                "the vectors of `a` and `b` give no cosine at {} dims: one of them is all zeros there",
                                dims[k]
                            ),
                        );
                    }
                }
            }
        }
        let clean =
            (self.errors.total, self.muted) == before && scores.len() == self.pairs.scores.len();
        let (Some(ty), Some(same), true) = (ty, same, clean) else {
            self.cosines = scores;
            return;
        };
        let Some(id) = self.pairs.type_id(ty, line) else {
            self.error(
                line,
                Some("type"),
                format!(
                    "is one type too many: a pairs file holds at most {} distinct types",
                    u32::MAX
                ),
            );
            self.cosines = scores;
            return;
        };
        self.pairs.type_of.push(id);
        self.pairs.same.push(same);
        if let (Some(a), Some(b)) = texts {
            // `type_of` was just pushed: its last index is this row's (at most `u32::MAX`
            // types, and rows are counted in `u32` as type ids are).
            let row = u32::try_from(self.pairs.type_of.len() - 1).unwrap_or(u32::MAX);
            self.repeats.see(line, row, ty, a, b, same);
        }
        for (column, s) in self.pairs.scores.iter_mut().zip(&scores) {
            // `+ 0.0`: a -0.0 score (read, or a cosine of orthogonal vectors) is 0.0, so no
            // threshold prints as `-0.0`.
            column.push(s.expect("a row with an undefined cosine was reported as an error") + 0.0);
        }
        self.cosines = scores;
    }
}

/// Why `name` cannot be a type (DESIGN §2: `[A-Za-z][A-Za-z0-9_]*`, at most 64 characters),
/// with the fix; `None` for a valid name. A pair's type is the type whose threshold is
/// calibrated and written to the config, so it must be a name a schema can declare.
fn type_name_problem(name: &str) -> Option<String> {
    let diagnostic = cascade_dsl::validate::check_entity_name(name, cascade_dsl::Span::new(0, 0))?;
    let trimmed = name.trim();
    let help = if trimmed != name
        && cascade_dsl::validate::check_entity_name(trimmed, cascade_dsl::Span::new(0, 0)).is_none()
    {
        format!("remove the spaces around it: `{trimmed}`")
    } else if name.chars().any(char::is_control) {
        // A name with a line break is rows run together (a quote opened in the type column),
        // which the CSV reading reports; a "fixed" name would mislead.
        "type names are ASCII letters, digits and `_`".to_owned()
    } else {
        diagnostic.help.unwrap_or_default()
    };
    Some(format!("{} is not a valid type name: {help}", shown(name)))
}

fn missing(what: &str) -> String {
    format!("is missing: every pair needs `{what}`")
}

fn json_str<'v>(v: &'v Option<Loose<'_>>, what: &str) -> Result<&'v str, String> {
    match v {
        None => Err(missing(what)),
        Some(Loose::Str(s)) => Ok(s),
        Some(other) => Err(format!("expected a string, found {}", other.kind())),
    }
}

fn json_bool(v: &Option<Loose<'_>>) -> Result<bool, String> {
    match v {
        None => Err(missing("same")),
        Some(Loose::Bool(b)) => Ok(*b),
        // As in CSV: 1 and 0 are labels too (exported from pandas or SQL, say).
        Some(Loose::Num(n)) if *n == 1.0 => Ok(true),
        Some(Loose::Num(n)) if *n == 0.0 => Ok(false),
        Some(Loose::Num(n)) => Err(format!(
            "`{n}` is not a label: write true or false (or 1 or 0)"
        )),
        Some(other) => Err(format!(
            "expected true or false (or 1 or 0), found {}",
            other.kind()
        )),
    }
}

fn json_num(v: &Option<Loose<'_>>, what: &str) -> Result<f64, String> {
    match v {
        None => Err(missing(what)),
        Some(Loose::Num(n)) => Ok(*n),
        Some(other) => Err(format!("expected a number, found {}", other.kind())),
    }
}

/// Counts bytes read, for the progress bar, and (for CSV) notes where lines start and follows
/// the quoting.
struct Counting<R> {
    inner: R,
    read: u64,
    lines: Option<LineStarts>,
}

impl<R> Counting<R> {
    fn new(inner: R) -> Counting<R> {
        Counting {
            inner,
            read: 0,
            lines: None,
        }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let (Some(lines), Some(bytes)) = (&mut self.lines, buf.get(..n)) {
            lines.scan(bytes, self.read);
        }
        self.read += n as u64;
        Ok(n)
    }
}

/// The 1-based line of each CSV record, from the byte offset the csv crate reports.
///
/// The csv crate's own line numbers are one short in a CRLF file and count the blank lines it
/// skips before a record into that record, and its byte offset points at the end of the
/// previous record (before those terminators). So a record's line is the line of the first
/// byte at or after that offset that is no line terminator.
///
/// The same pass over the bytes follows the CSV quoting ([`Quoting`]), since it is the one place
/// that sees every byte with its line and column: what the csv crate reads silently (text after
/// a closing quote, a quote never closed) becomes a [`QuoteProblem`].
#[derive(Debug)]
struct LineStarts {
    /// Offset and line of each byte that follows a `\n` or `\r` (or starts the input) and is
    /// neither, not yet passed by a query. Queries come in increasing order, so this holds only
    /// the lines read ahead of the current record.
    pending: VecDeque<(u64, usize)>,
    /// The line the next byte is on (1 + the `\n` bytes seen).
    line: usize,
    /// Whether the previous byte was a line terminator (or there was none).
    after_break: bool,
    /// The line of the last byte that is no line terminator (1 before there is one).
    last: usize,
    /// The column (in characters) of the next byte.
    column: usize,
    /// Where the scan is in the CSV syntax, to catch what the csv crate reads without an
    /// error: text after a field's closing quote, and a quote never closed.
    quoting: Quoting,
    /// The quoting problems found, in order, not yet reported.
    pub(super) quote_problems: VecDeque<QuoteProblem>,
    /// How many bytes of a byte-order mark start the input.
    bom: usize,
}

/// UTF-8's byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where [`LineStarts`] is in a CSV field.
#[derive(Clone, Copy, Debug)]
enum Quoting {
    /// At the start of a field.
    FieldStart,
    /// In a field that does not start with `"`.
    Unquoted,
    /// In a quoted field that opened at this line and column.
    Quoted(usize, usize),
    /// Just after a `"` inside a quoted field (the field's end, or half of a `""`).
    QuoteInQuoted(usize, usize),
}

/// A quote the csv crate reads past without an error, but which swallows or changes rows.
#[derive(Debug)]
pub(super) struct QuoteProblem {
    /// The byte offset of the problem, to report it with the record it is in.
    pub(super) offset: u64,
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) message: String,
}

impl LineStarts {
    fn new() -> LineStarts {
        LineStarts {
            pending: VecDeque::new(),
            line: 1,
            after_break: true,
            last: 1,
            column: 1,
            quoting: Quoting::FieldStart,
            quote_problems: VecDeque::new(),
            bom: 0,
        }
    }

    /// Follows the CSV syntax over byte `b` at `offset`, which is at `self.line` and
    /// `self.column` (before `b` moves them).
    fn quote(&mut self, b: u8, offset: u64) {
        let ends_field = matches!(b, b',' | b'\n' | b'\r');
        self.quoting = match (self.quoting, b) {
            (Quoting::FieldStart, b'"') => Quoting::Quoted(self.line, self.column),
            (Quoting::FieldStart | Quoting::Unquoted, _) if ends_field => Quoting::FieldStart,
            (Quoting::FieldStart | Quoting::Unquoted, _) => Quoting::Unquoted,
            (Quoting::Quoted(line, column), b'"') => Quoting::QuoteInQuoted(line, column),
            (quoted @ Quoting::Quoted(..), _) => quoted,
            (Quoting::QuoteInQuoted(line, column), b'"') => Quoting::Quoted(line, column),
            (Quoting::QuoteInQuoted(..), _) if ends_field => Quoting::FieldStart,
            (Quoting::QuoteInQuoted(line, column), _) => {
                let effect = if line == self.line {
                    format!(
                        "the quote opened at column {column}, and this text is added to the quoted value"
                    )
                } else {
                    format!(
                        "the quote opened at line {line}, column {column}, so the rows in between are read as one field"
                    )
                };
                self.quote_problems.push_back(QuoteProblem {
                    offset,
                    line: self.line,
                    column: self.column,
                    message: format!(
                        "invalid CSV: text after the closing quote of a field ({effect}): a field holding `\"` must be quoted whole, with each `\"` in it doubled (`\"\"`)"
                    ),
                });
                Quoting::Unquoted
            }
        };
        match b {
            b'\n' | b'\r' => self.column = 1,
            // A UTF-8 continuation byte is no new character.
            _ if b & 0xC0 == 0x80 => {}
            _ => self.column += 1,
        }
    }

    /// At the end of the input: a quoted field still open took the rest of the file.
    fn finish_quotes(&mut self, offset: u64) {
        if let Quoting::Quoted(line, column) = self.quoting {
            self.quote_problems.push_back(QuoteProblem {
                offset,
                line,
                column,
                message: "invalid CSV: this quote is never closed, so the rest of the file is read as one field: close it, or double a `\"` meant as text (`\"\"`) and quote the field whole".to_owned(),
            });
            self.quoting = Quoting::FieldStart;
        }
    }

    /// Notes the line starts of `bytes`, which begin at `offset` of the input.
    fn scan(&mut self, bytes: &[u8], offset: u64) {
        for (at, &b) in (offset..).zip(bytes) {
            // The csv crate skips a byte-order mark: it is no character of the first field.
            let bom = usize::try_from(at).is_ok_and(|i| i == self.bom && BOM.get(i) == Some(&b));
            if bom {
                self.bom += 1;
            } else {
                self.quote(b, at);
            }
            match b {
                b'\n' => {
                    self.line += 1;
                    self.after_break = true;
                }
                b'\r' => self.after_break = true,
                _ if self.after_break => {
                    self.pending.push_back((at, self.line));
                    self.after_break = false;
                    self.last = self.line;
                }
                _ => {}
            }
        }
    }

    /// The line of the first byte at or after `offset` that is no line terminator (the last
    /// line with such a byte when there is none after `offset`).
    fn line_at(&mut self, offset: u64) -> usize {
        while let Some(&(at, line)) = self.pending.front() {
            if at >= offset {
                return line;
            }
            self.pending.pop_front();
        }
        self.last
    }
}

/// A one-line progress display on stderr, shown only when stderr is a terminal.
pub(crate) struct Progress {
    label: String,
    total: u64,
    shown: u64,
    done: u64,
    unit: &'static str,
    enabled: bool,
}

impl Progress {
    pub(crate) fn new(label: &str, total: u64) -> Progress {
        Progress {
            label: label.to_owned(),
            total,
            shown: 0,
            done: 0,
            unit: "rows",
            enabled: io::stderr().is_terminal() && total > 4 << 20,
        }
    }

    /// Shows the display when stderr is a terminal and `worth_it` holds (whatever the total).
    pub(crate) fn when(mut self, worth_it: bool) -> Progress {
        self.enabled = io::stderr().is_terminal() && worth_it;
        self
    }

    /// What the count after the bar counts (default "rows").
    pub(crate) fn counting(mut self, unit: &'static str) -> Progress {
        self.unit = unit;
        self
    }

    /// One more unit of `total` done.
    pub(crate) fn step(&mut self) {
        self.done += 1;
        let rows = self.done as usize;
        self.update(self.done, rows);
    }

    fn update(&mut self, done: u64, rows: usize) {
        if !self.enabled || self.total == 0 {
            return;
        }
        let pct = done.saturating_mul(100) / self.total;
        if pct > self.shown {
            self.shown = pct;
            let width = 30;
            let filled = (pct as usize * width / 100).min(width);
            let _ = write!(
                io::stderr(),
                "\r{} [{}{}] {:>3}% {} {}",
                self.label,
                "#".repeat(filled),
                " ".repeat(width - filled),
                pct,
                rows,
                self.unit
            );
        }
    }

    pub(crate) fn finish(&mut self) {
        if self.enabled && self.shown > 0 {
            let _ = write!(io::stderr(), "\r{}\r", " ".repeat(self.label.len() + 60));
        }
    }
}

/// The input format of a pairs file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated with a header row.
    Csv,
}

impl Format {
    /// `.csv` is CSV; anything else is JSONL.
    pub(crate) fn of(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("csv") => Format::Csv,
            _ => Format::Jsonl,
        }
    }
}

fn open(path: &Path) -> Result<(File, u64), RowError> {
    let file = File::open(path).map_err(|e| RowError::new(path, 0, format!("cannot open: {e}")))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok((file, len))
}

/// Reads a pairs file. `Err` holds every bad row (and I/O errors).
pub(crate) fn read_pairs(
    path: &Path,
    format: Format,
    source: &ScoreSource<'_>,
) -> Result<Pairs, Errors> {
    let display = path.display().to_string();
    let columns = match source {
        ScoreSource::Field(_) => 1,
        ScoreSource::Embeddings { dims, .. } => dims.len(),
    };
    let mut checker = RowChecker {
        path,
        source,
        pairs: Pairs::new(columns),
        errors: Errors::default(),
        without_missing_score: Errors::default(),
        absent: Vec::new(),
        muted: 0,
        cosines: Vec::new(),
        repeats: Repeats::default(),
    };
    let (file, len) = open(path).map_err(Errors::of_file)?;
    if let Some(error) = wrong_format(path, format) {
        return Err(Errors::of_file(error));
    }
    let mut progress = Progress::new(&format!("reading {display}"), len);
    let mut reader = Counting::new(file);
    match format {
        Format::Jsonl => read_jsonl(Lines::new(reader), &mut checker, &mut progress),
        Format::Csv => {
            reader.lines = Some(LineStarts::new());
            read_csv(reader, &mut checker, &mut progress);
        }
    }
    progress.finish();
    if checker.errors.is_empty() {
        let repeats = std::mem::take(&mut checker.repeats);
        checker.pairs.warnings = repeats.warnings(path, &checker.pairs);
        Ok(checker.pairs)
    } else {
        Err(checker.errors)
    }
}

/// One error for a pairs file whose first line shows it is not in `format` (every line would
/// be an error otherwise): JSONL read as CSV, CSV read as JSONL, or a JSON array read as JSONL.
fn wrong_format(path: &Path, format: Format) -> Option<RowError> {
    let (line, text) = first_line(path)?;
    let text = text.trim();
    let message = match format {
        Format::Jsonl if opens_json_array(text) => return Some(json_array_error(path, line)),
        Format::Jsonl if !text.starts_with('{') && text.contains(',') && text.contains("type") => {
            "looks like CSV (its first line is a header, not a JSON object), but it is read as JSONL (a file not named `.csv` is, unless --format csv; see `Input` under Calibration in the README): rename it to `.csv`, or pass --format csv"
        }
        Format::Csv if text.starts_with('{') => {
            "looks like JSONL (its first line is a JSON object, not a header), but it is read as CSV (by its `.csv` extension or --format csv; see `Input` under Calibration in the README): rename it to `.jsonl`, or pass --format jsonl"
        }
        _ => return None,
    };
    Some(RowError::new(path, line, message.to_owned()))
}

fn read_jsonl<R: Read>(
    mut lines: Lines<Counting<R>>,
    checker: &mut RowChecker<'_>,
    progress: &mut Progress,
) {
    let score_field = match checker.source {
        ScoreSource::Field(name) => Some(*name),
        ScoreSource::Embeddings { .. } => None,
    };
    // Rows read, rows without the score field, and the numeric fields of the first of those:
    // when no row has the field, the flag is wrong, not every row.
    let (mut rows, mut rows_without_score) = (0usize, 0usize);
    let mut numeric_fields: Option<Vec<String>> = None;
    loop {
        if lines.lines_read().is_multiple_of(8192) {
            progress.update(lines.get_ref().read, checker.pairs.len());
        }
        let Some((line, text)) = lines.next_line() else {
            break;
        };
        let text = match text {
            Ok(text) => text,
            Err(e) => {
                checker.error(line, None, e.to_string());
                continue;
            }
        };
        let mut de = serde_json::Deserializer::from_str(text);
        let parsed = RowSeed { score: score_field }
            .deserialize(&mut de)
            .and_then(|row| de.end().map(|()| row));
        let row = match parsed {
            Ok(row) => row,
            Err(e) => {
                let error = RowError::invalid_json(
                    checker.path,
                    line,
                    text,
                    &e,
                    "each line must be one JSON object",
                );
                checker.push(error, false);
                continue;
            }
        };
        if let Some(name) = row.duplicate {
            let name = if name == "score" {
                checker.score_name().to_owned()
            } else {
                name.to_owned()
            };
            checker.error(line, Some(&name), "appears twice in the object".into());
            continue;
        }
        // `a` and `b` identify the pair (and with embeddings give its score), so every row needs
        // them; the score column only when the score comes from the file.
        let score = score_field.map_or(Ok(0.0), |name| json_num(&row.score, name));
        if score_field.is_some() && row.score.is_none() {
            rows_without_score += 1;
            if numeric_fields.is_none() {
                numeric_fields = Some(numeric_keys(text));
            }
        }
        rows += 1;
        checker.accept(
            line,
            json_str(&row.ty, "type"),
            json_bool(&row.same),
            score,
            json_str(&row.a, "a"),
            json_str(&row.b, "b"),
        );
    }
    if let Some(name) = score_field
        && rows > 0
        && rows_without_score == rows
    {
        let fields = numeric_fields.unwrap_or_default();
        let mut message = format!("no row has the field `{name}`");
        if fields.is_empty() {
            message.push_str(
                ": the rows have no numeric field; pass --embeddings to compute the similarities",
            );
        } else {
            let list = fields
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ");
            message.push_str(&format!(": the rows' numeric fields are {list}"));
            if let Some(similar) = suggest_field(name, &fields) {
                message.push_str(&format!("; did you mean `--score-field {similar}`?"));
            } else {
                message.push_str("; name one with --score-field");
            }
        }
        // Every row lacks it, so say so once, before the rows' other errors.
        let others = std::mem::take(&mut checker.without_missing_score);
        checker.errors = others.after(RowError::new(checker.path, 0, message));
        return;
    }
    // A file that could not be read at all is not also "empty"; blank lines hold no pairs.
    if checker.pairs.len() == 0 && checker.errors.is_empty() {
        checker.file_error(
            0,
            None,
            "is empty (no pairs): expected one JSON object per line".into(),
        );
    }
}

/// The keys of the JSON object `line` whose values are numbers, in the line's order (none if it
/// is not an object).
fn numeric_keys(line: &str) -> Vec<String> {
    struct NumericKeys(Vec<String>);
    impl<'de> Deserialize<'de> for NumericKeys {
        fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<NumericKeys, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = NumericKeys;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NumericKeys, A::Error> {
                    let mut keys = Vec::new();
                    while let Some((key, value)) = map.next_entry::<String, Loose<'de>>()? {
                        if matches!(value, Loose::Num(_)) && !keys.contains(&key) {
                            keys.push(key);
                        }
                    }
                    Ok(NumericKeys(keys))
                }
            }
            d.deserialize_map(V)
        }
    }
    serde_json::from_str::<NumericKeys>(line).map_or_else(|_| Vec::new(), |k| k.0)
}

/// The numeric field to suggest instead of `name`: the first (in the row's order) whose name
/// extends it (`similarity_256` for `similarity`: a variant of the same score), else the one
/// closest by edit distance (ties: the first alphabetically).
fn suggest_field<'a>(name: &str, fields: &'a [String]) -> Option<&'a str> {
    fields
        .iter()
        .find(|f| f.len() > name.len() && f.starts_with(name))
        .map(String::as_str)
        .or_else(|| did_you_mean(name, fields.iter().map(String::as_str)))
}

/// A non-empty CSV cell, or the "missing" message.
fn present<'r>(cell: Option<&'r str>, what: &str) -> Result<&'r str, String> {
    cell.filter(|t| !t.is_empty()).ok_or_else(|| missing(what))
}

fn parse_bool(text: &str) -> Result<bool, String> {
    match text.trim() {
        t if t.eq_ignore_ascii_case("true") || t == "1" => Ok(true),
        t if t.eq_ignore_ascii_case("false") || t == "0" => Ok(false),
        "" => Err(missing("same")),
        t => Err(format!(
            "`{t}` is not a label: write true or false (or 1 or 0)"
        )),
    }
}

fn parse_num(text: &str, what: &str) -> Result<f64, String> {
    match text.trim() {
        "" => Err(missing(what)),
        t => t
            .parse::<f64>()
            .map_err(|_| format!("`{t}` is not a number")),
    }
}

fn read_csv<R: Read>(reader: Counting<R>, checker: &mut RowChecker<'_>, progress: &mut Progress) {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(reader);
    // The line of a record or error at the csv crate's `position` (see `LineStarts`).
    let line_of = |csv: &mut csv::Reader<Counting<R>>, position: Option<&csv::Position>| {
        let (Some(p), Some(lines)) = (position, &mut csv.get_mut().lines) else {
            return 0;
        };
        lines.line_at(p.byte())
    };
    let headers = match csv.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            let line = line_of(&mut csv, e.position()).max(1);
            checker.file_error(
                line,
                None,
                format!("cannot read the CSV header: {}", csv_message(&e)),
            );
            return;
        }
    };
    // A quote in the header that the csv crate read past (never closed, or text after its
    // closing quote) runs lines into the header: say where, not which columns are missing.
    let header_end = csv.position().byte();
    let read = csv.get_ref().read;
    if let Some(lines) = &mut csv.get_mut().lines {
        // A header that took every byte read with a quote open took the whole file.
        if header_end >= read && matches!(lines.quoting, Quoting::Quoted(..)) {
            lines.finish_quotes(read);
        }
        let mut in_header = false;
        while lines
            .quote_problems
            .front()
            .is_some_and(|p| p.offset <= header_end)
        {
            if let Some(p) = lines.quote_problems.pop_front() {
                checker.file_error_at(p.line, p.column, format!("in the header: {}", p.message));
                in_header = true;
            }
        }
        if in_header {
            return;
        }
    }
    if headers.is_empty() {
        checker.file_error(
            0,
            None,
            format!(
                "is empty: expected a header line naming the columns (type, a, b, same{}) and one row per pair",
                match checker.source {
                    ScoreSource::Field(name) => format!(", {name}"),
                    ScoreSource::Embeddings { .. } => String::new(),
                }
            ),
        );
        return;
    }
    let header_line = line_of(&mut csv, headers.position()).max(1);
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let score_name = checker.score_name().to_owned();
    let mut wanted = vec![("type", col("type")), ("a", col("a")), ("b", col("b"))];
    wanted.push(("same", col("same")));
    if let ScoreSource::Field(name) = checker.source {
        wanted.push((name, col(name)));
    }
    // A header of one column holding the names split by another separator: every column is
    // "missing" for one reason, so say that reason once.
    if wanted.iter().any(|(_, at)| at.is_none())
        && let [only] = headers.iter().collect::<Vec<_>>()[..]
        && let Some(separator) = [';', '\t', '|'].into_iter().find(|&c| {
            let names: Vec<&str> = only.split(c).map(str::trim).collect();
            wanted.iter().all(|(name, _)| names.contains(name))
        })
    {
        let shown = if separator == '\t' {
            "a tab".to_owned()
        } else {
            format!("`{separator}`")
        };
        checker.file_error(
            header_line,
            None,
            format!(
                "the header is one column, `{only}`: its names are separated by {shown}, but the CSV separator is `,`: write `{}` (and separate the rows' cells with `,` too)",
                only.split(separator).map(str::trim).collect::<Vec<_>>().join(",")
            ),
        );
        return;
    }
    for (name, at) in &wanted {
        if at.is_none() {
            checker.absent.push((*name).to_owned());
            let have: Vec<&str> = headers.iter().collect();
            let case = headers
                .iter()
                .find(|h| h.trim().eq_ignore_ascii_case(name))
                .map(|h| {
                    format!(
                        "; column names are case-sensitive: rename `{}` to `{name}`",
                        h.trim()
                    )
                })
                .unwrap_or_default();
            checker.file_error(
                header_line,
                Some(name),
                format!(
                    "no such column in the header (columns: {}){case}",
                    have.join(", ")
                ),
            );
        }
    }
    // A column read twice is ambiguous (JSONL rejects a key given twice): which one holds the
    // value? Report it at the second one and read neither.
    let starts = field_starts(checker.path, header_line);
    let mut duplicated = Vec::new();
    for (name, _) in &wanted {
        let at: Vec<usize> = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| h.trim() == *name)
            .map(|(i, _)| i)
            .collect();
        if let [first, second, ..] = at[..] {
            let error = RowError {
                column: starts.get(second).copied(),
                ..RowError::in_field(
                    checker.path,
                    header_line,
                    Some(name),
                    format!(
                        "appears in columns {} and {} of the header: rename or remove one",
                        first + 1,
                        second + 1
                    ),
                )
            };
            checker.errors.push_file(error);
            checker.absent.push((*name).to_owned());
            duplicated.push((*name).to_owned());
        }
    }
    let col = |name: &str| {
        if duplicated.iter().any(|d| d == name) {
            None
        } else {
            col(name)
        }
    };
    // The rows are still read: their other errors are reported in the same run, and the
    // absent columns' cells are not reported missing in every row.
    let (ty, same, score, a, b) = (
        col("type"),
        col("same"),
        match checker.source {
            ScoreSource::Field(name) => col(name),
            ScoreSource::Embeddings { .. } => None,
        },
        col("a"),
        col("b"),
    );
    let mut record = csv::StringRecord::new();
    let mut rows = 0usize;
    // The quoting problems before `end` (the reader's position: after the last record read),
    // reported in the order of the rows.
    let report_quotes = |csv: &mut csv::Reader<Counting<R>>, checker: &mut RowChecker<'_>, end| {
        let Some(lines) = &mut csv.get_mut().lines else {
            return;
        };
        while lines.quote_problems.front().is_some_and(|p| p.offset < end) {
            if let Some(p) = lines.quote_problems.pop_front() {
                checker.error_at(p.line, p.column, p.message);
            }
        }
    };
    loop {
        // The problems of the record read last, after its other errors.
        let end = csv.position().byte();
        report_quotes(&mut csv, checker, end);
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = line_of(&mut csv, e.position());
                checker.error(line, None, csv_message(&e));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        rows += 1;
        if rows.is_multiple_of(8192) {
            progress.update(csv.get_ref().read, checker.pairs.len());
        }
        let line = line_of(&mut csv, record.position());
        let get = |i: Option<usize>| i.and_then(|i| record.get(i));
        let row = CsvRow {
            ty: get(ty),
            same: get(same),
            score: get(score),
            a: get(a),
            b: get(b),
        };
        let score = match checker.source {
            ScoreSource::Field(_) => row
                .score
                .map_or_else(|| Err(missing(&score_name)), |t| parse_num(t, &score_name)),
            ScoreSource::Embeddings { .. } => Ok(0.0),
        };
        let same = row.same.map_or_else(|| Err(missing("same")), parse_bool);
        checker.accept(
            line,
            present(row.ty, "type"),
            same,
            score,
            present(row.a, "a"),
            present(row.b, "b"),
        );
    }
    let read = csv.get_ref().read;
    if let Some(lines) = &mut csv.get_mut().lines {
        lines.finish_quotes(read);
    }
    report_quotes(&mut csv, checker, u64::MAX);
    if rows == 0 && checker.errors.is_empty() {
        checker.file_error(0, None, "has a header but no rows".into());
    }
}

/// The 1-based column (in characters) where each field of line `line` of the CSV file at `path`
/// starts; empty if the line cannot be read again.
fn field_starts(path: &Path, line: usize) -> Vec<usize> {
    // A pipe cannot be read again.
    if !crate::rows::is_regular_file(path) {
        return Vec::new();
    }
    let Ok(file) = File::open(path) else {
        return Vec::new();
    };
    let mut lines = Lines::new(file);
    let text = loop {
        match lines.next_line() {
            Some((n, Ok(text))) if n == line => break text.to_owned(),
            Some((n, _)) if n < line => {}
            _ => return Vec::new(),
        }
    };
    let mut starts = vec![1];
    let mut quoted = false;
    for (i, c) in text.chars().enumerate() {
        match c {
            // A doubled quote inside quotes toggles twice: it stays quoted.
            '"' => quoted = !quoted,
            ',' if !quoted => starts.push(i + 2),
            _ => {}
        }
    }
    starts
}

/// What a CSV error says, without the csv crate's `CSV error: record N (line: L, byte: B)`
/// prefix: the caller names the line.
fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "invalid CSV: this record has {len} {} but the header has {expected_len}",
            crate::diagnostics::plural(*len as usize, "field", "fields")
        ),
        csv::ErrorKind::Utf8 { err, .. } => format!(
            "invalid CSV: field {} is not valid UTF-8 (byte {} of the field)",
            err.field() + 1,
            err.valid_up_to() + 1
        ),
        csv::ErrorKind::Io(e) => format!("cannot read: {e}"),
        _ => format!("invalid CSV: {e}"),
    }
}

/// Below this magnitude (and above its inverse) squaring a vector's numbers may underflow (or
/// summing their squares overflow).
const SAFE_MAGNITUDE: f64 = 1e-150;

/// Divides a vector whose largest magnitude is outside `SAFE_MAGNITUDE..=1/SAFE_MAGNITUDE` by
/// that magnitude, so its cosines can be computed: a cosine does not change when a vector is
/// scaled, but `1e200` squared is infinite (the cosine became NaN) and `1e-200` squared is 0 (a
/// vector "all zeros"). Vectors in the safe range, every real embedding, are left bit for bit.
fn rescale(vector: &mut [f64]) {
    let largest = vector.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if largest > 0.0 && !(SAFE_MAGNITUDE..=1.0 / SAFE_MAGNITUDE).contains(&largest) {
        for v in vector {
            *v /= largest;
        }
    }
}

#[derive(Deserialize)]
struct EmbeddingRow {
    text: Option<serde_json::Value>,
    vector: Option<serde_json::Value>,
}

/// Reads `{text, vector}` JSONL. All vectors must have the same length; texts must be unique.
/// [`read_embeddings_all`] as one result, for the tests.
#[cfg(test)]
pub(crate) fn read_embeddings(path: &Path) -> Result<Embeddings, Errors> {
    let (table, errors) = read_embeddings_all(path);
    if errors.is_empty() {
        Ok(table)
    } else {
        Err(errors)
    }
}

/// Reads an embeddings file: the vectors of its good rows, and the errors of the others (the
/// texts of bad rows are noted as unusable, so the pairs needing them are not reported again).
pub(crate) fn read_embeddings_all(path: &Path) -> (Embeddings, Errors) {
    match read_embeddings_rows(path) {
        Ok(read) => read,
        Err(errors) => (Embeddings::default(), errors),
    }
}

fn read_embeddings_rows(path: &Path) -> Result<(Embeddings, Errors), Errors> {
    let display = path.display().to_string();
    let mut errors = Errors::default();
    let err = |errors: &mut Errors, line: usize, field: Option<&str>, message: String| {
        errors.push(RowError::in_field(path, line, field, message))
    };
    let (file, len) = open(path).map_err(Errors::of_file)?;
    if let Some((line, text)) = first_line(path)
        && opens_json_array(&text)
    {
        return Err(Errors::of_file(json_array_error(path, line)));
    }
    let mut progress = Progress::new(&format!("reading {display}"), len);
    let mut lines = Lines::new(Counting::new(file));
    let mut table = Embeddings::default();
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    let mut width_line = 0;
    loop {
        if lines.lines_read().is_multiple_of(4096) {
            progress.update(lines.get_ref().read, table.len());
        }
        let Some((line, text)) = lines.next_line() else {
            break;
        };
        let text = match text {
            Ok(text) => text,
            Err(e) => {
                err(&mut errors, line, None, e.to_string());
                continue;
            }
        };
        let row: EmbeddingRow = match serde_json::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError::invalid_json(
                    path,
                    line,
                    text,
                    &e,
                    "each line must be one `{\"text\", \"vector\"}` object",
                ));
                continue;
            }
        };
        let text = match row.text {
            Some(serde_json::Value::String(t)) => Some(t),
            Some(other) => {
                err(
                    &mut errors,
                    line,
                    Some("text"),
                    format!("expected a string, found {}", value_kind(&other)),
                );
                None
            }
            None => {
                err(&mut errors, line, Some("text"), "is missing".into());
                None
            }
        };
        let vector: Option<Vec<f64>> = match row.vector {
            Some(serde_json::Value::Array(items)) => {
                let nums: Option<Vec<f64>> = items.iter().map(serde_json::Value::as_f64).collect();
                if nums.is_none() {
                    err(
                        &mut errors,
                        line,
                        Some("vector"),
                        "must hold only numbers".into(),
                    );
                }
                nums
            }
            Some(_) => {
                err(
                    &mut errors,
                    line,
                    Some("vector"),
                    "expected an array of numbers".into(),
                );
                None
            }
            None => {
                err(&mut errors, line, Some("vector"), "is missing".into());
                None
            }
        };
        let Some(text) = text else {
            continue;
        };
        let Some(mut vector) = vector else {
            table.unusable.insert(text);
            continue;
        };
        rescale(&mut vector);
        if vector.is_empty() {
            err(&mut errors, line, Some("vector"), "is empty".into());
            table.unusable.insert(text);
            continue;
        }
        if table.width == 0 {
            table.width = vector.len();
            width_line = line;
        } else if vector.len() != table.width {
            err(
                &mut errors,
                line,
                Some("vector"),
                format!(
                    "has {} numbers but the vector on line {width_line} has {}: all vectors must have the same length",
                    vector.len(),
                    table.width
                ),
            );
            table.unusable.insert(text);
            continue;
        }
        if let Some(&first) = first_line_of.get(&text) {
            err(
                &mut errors,
                line,
                Some("text"),
                format!("{} already has a vector on line {first}", shown(&text)),
            );
            continue;
        }
        first_line_of.insert(text.clone(), line);
        table.index.insert(text, table.len());
        table.values.extend_from_slice(&vector);
    }
    progress.finish();
    if table.width == 0 && errors.is_empty() {
        errors.push_file(RowError::new(path, 0, "holds no vectors".into()));
    }
    Ok((table, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_ids_stop_at_their_limit_instead_of_wrapping() {
        let mut pairs = Pairs::new(1);
        assert_eq!(pairs.type_id_below("ICP", 1, 2), Some(0));
        assert_eq!(pairs.type_id_below("Company", 1, 2), Some(1));
        assert_eq!(pairs.type_id_below("ICP", 1, 2), Some(0));
        assert_eq!(pairs.type_id_below("Persona", 1, 2), None);
        assert_eq!(pairs.types, ["ICP", "Company"]);
    }

    fn file(ext: &str, text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(ext).tempfile().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    fn messages(errors: Errors) -> Vec<String> {
        errors
            .kept
            .iter()
            .map(|e| {
                let mut e = e.clone();
                e.path = "F".into();
                e.to_string()
            })
            .collect()
    }

    #[test]
    fn jsonl_reports_every_bad_row_with_line_and_field() {
        let f = file(
            ".jsonl",
            concat!(
                r#"{"a":"x","b":"y","type":"Skill","same":true,"similarity":0.5}"#,
                "\n",
                r#"{"a":"x","b":"y","type":"Skill","same":"yes","similarity":0.5}"#,
                "\n",
                r#"{"a":"x","b":"y","type":"Skill","same":true}"#,
                "\n",
                "\n",
                r#"{"a":"x","b":"y","type":3,"same":true,"similarity":1.5}"#,
                "\n",
                r#"{"a":"x","b":"y","type":"Skill","same":true,"similarity":0.5"#,
                "\n",
                r#"{"a":"x","b":"y","type":"ALL","same":false,"similarity":"0.5"}"#,
                "\n",
                r#"{"a":"x","b":"y","type":"Skill","same":false,"similarity":0.1,"similarity":0.2}"#,
                "\n",
            ),
        );
        let errors =
            read_pairs(f.path(), Format::Jsonl, &ScoreSource::Field("similarity")).unwrap_err();
        // Lines 2, 3, 5, 6, 7 and 8 are bad; 5 and 7 have two errors each.
        assert_eq!((errors.total, errors.rows), (8, 6));
        let m = messages(errors);
        assert_eq!(m.len(), 8, "{m:#?}");
        assert_eq!(
            m[0],
            "F:2: field `same`: expected true or false (or 1 or 0), found a string"
        );
        assert_eq!(
            m[1],
            "F:3: field `similarity`: is missing: every pair needs `similarity`"
        );
        assert_eq!(m[2], "F:5: field `type`: expected a string, found a number");
        assert_eq!(
            m[3],
            "F:5: field `similarity`: 1.5 is outside [-1, 1]: a cosine similarity lies between -1 and 1"
        );
        assert_eq!(
            m[4],
            "F:6:60: invalid JSON: EOF while parsing an object; each line must be one JSON object"
        );
        assert!(
            m[5].starts_with("F:7: field `type`: `ALL` is reserved"),
            "{}",
            m[5]
        );
        assert_eq!(
            m[6],
            "F:7: field `similarity`: expected a number, found a string"
        );
        assert_eq!(m[7], "F:8: field `similarity`: appears twice in the object");
    }

    #[test]
    fn jsonl_labels_may_be_1_and_0_as_in_csv() {
        let f = file(
            ".jsonl",
            concat!(
                "\u{feff}",
                r#"{"a":"x","b":"y","type":"Skill","same":1,"similarity":0.9}"#,
                "\n",
                r#"{"a":"x","b":"z","type":"Skill","same":0,"similarity":0.2}"#,
                "\n",
                r#"{"a":"x","b":"w","type":"Skill","same":2,"similarity":0.5}"#,
                "\n",
            ),
        );
        let errors =
            read_pairs(f.path(), Format::Jsonl, &ScoreSource::Field("similarity")).unwrap_err();
        // The byte-order mark is not content; 1 and 0 are labels; 2 is not.
        assert_eq!(
            messages(errors),
            ["F:3: field `same`: `2` is not a label: write true or false (or 1 or 0)"]
        );
    }

    #[test]
    fn a_score_field_no_row_has_is_one_error_with_a_suggestion() {
        let f = file(
            ".jsonl",
            concat!(
                r#"{"a":"x","b":"y","type":"Skill","same":true,"similarity":0.9,"n":3}"#,
                "\n",
                r#"{"a":"x","b":"z","type":"Skill","same":false,"similarity":0.2}"#,
                "\n",
            ),
        );
        let errors =
            read_pairs(f.path(), Format::Jsonl, &ScoreSource::Field("similarty")).unwrap_err();
        assert_eq!((errors.total, errors.rows), (1, 0));
        assert_eq!(
            messages(errors),
            [
                "F: no row has the field `similarty`: the rows' numeric fields are `similarity`, `n`; did you mean `--score-field similarity`?"
            ]
        );
        // Some rows have it: the others are bad rows, each reported.
        let g = file(
            ".jsonl",
            concat!(
                r#"{"a":"x","b":"y","type":"Skill","same":true,"similarity":0.9}"#,
                "\n",
                r#"{"a":"x","b":"z","type":"Skill","same":false}"#,
                "\n",
            ),
        );
        let errors =
            read_pairs(g.path(), Format::Jsonl, &ScoreSource::Field("similarity")).unwrap_err();
        assert_eq!((errors.total, errors.rows), (1, 1));
    }

    #[test]
    fn a_score_field_no_row_has_comes_with_the_other_errors_of_the_file() {
        // Line 1 is a Python dict, not JSON; no valid row has `similarity`; line 3 has a bad
        // label too. One run reports all of it.
        let f = file(
            ".jsonl",
            concat!(
                r#"{'type': 'Skill', 'a': 'x', 'b': 'y', 'same': True, 'similarity': 0.9}"#,
                "\n",
                r#"{"a":"x","b":"y","type":"Skill","same":true,"similarity_256":0.9,"similarity_128":0.8,"similarity_64":0.7,"n":3}"#,
                "\n",
                r#"{"a":"x","b":"z","type":"Skill","same":"no","similarity_256":0.2}"#,
                "\n",
            ),
        );
        let errors =
            read_pairs(f.path(), Format::Jsonl, &ScoreSource::Field("similarity")).unwrap_err();
        assert_eq!((errors.total, errors.rows), (3, 2));
        assert_eq!(
            messages(errors),
            [
                "F: no row has the field `similarity`: the rows' numeric fields are `similarity_256`, `similarity_128`, `similarity_64`, `n`; did you mean `--score-field similarity_256`?",
                "F:1:2: invalid JSON: key must be a string; each line must be one JSON object",
                "F:3: field `same`: expected true or false (or 1 or 0), found a string",
            ]
        );
    }

    #[test]
    fn the_suggested_score_field_extends_the_name_or_is_closest() {
        let fields = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        let f = fields(&["similarity_256", "similarity_128", "similarity_64"]);
        assert_eq!(suggest_field("similarity", &f), Some("similarity_256"));
        let f = fields(&["n", "similarity", "similarity_64"]);
        assert_eq!(suggest_field("similarty", &f), Some("similarity"));
        assert_eq!(suggest_field("cosine", &f), None);
    }

    #[test]
    fn missing_empty_and_headless_files_are_no_bad_rows() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.jsonl");
        let field = ScoreSource::Field("similarity");
        let errors = read_pairs(&missing, Format::Jsonl, &field).unwrap_err();
        assert_eq!((errors.total, errors.rows), (1, 0));
        assert!(messages(errors)[0].starts_with("F: cannot open: "));

        let empty = file(".jsonl", "\n\n");
        let errors = read_pairs(empty.path(), Format::Jsonl, &field).unwrap_err();
        assert_eq!((errors.total, errors.rows), (1, 0));
        assert_eq!(
            messages(errors),
            ["F: is empty (no pairs): expected one JSON object per line"]
        );

        let headless = file(".csv", "type,a,b,same,similarity\n");
        let errors = read_pairs(headless.path(), Format::Csv, &field).unwrap_err();
        assert_eq!((errors.total, errors.rows), (1, 0));

        for blank in ["", "\n", "\r\n\r\n"] {
            let empty = file(".csv", blank);
            let errors = read_pairs(empty.path(), Format::Csv, &field).unwrap_err();
            assert_eq!((errors.total, errors.rows), (1, 0));
            assert_eq!(
                messages(errors),
                [
                    "F: is empty: expected a header line naming the columns (type, a, b, same, similarity) and one row per pair"
                ]
            );
        }
    }

    #[test]
    fn every_pair_needs_a_and_b_even_when_the_score_is_a_column() {
        let field = ScoreSource::Field("s");
        let f = file(
            ".jsonl",
            concat!(
                r#"{"type":"A","a":"x","b":"y","same":true,"s":0.5}"#,
                "\n",
                r#"{"type":"A","b":"y","same":true,"s":0.5}"#,
                "\n",
                r#"{"type":"A","a":" ","b":3,"same":true,"s":0.5}"#,
                "\n",
            ),
        );
        let errors = read_pairs(f.path(), Format::Jsonl, &field).unwrap_err();
        assert_eq!((errors.total, errors.rows), (3, 2));
        assert_eq!(
            messages(errors),
            [
                "F:2: field `a`: is missing: every pair needs `a`",
                "F:3: field `a`: is empty: write the text of the pair's `a` side",
                "F:3: field `b`: expected a string, found a number",
            ]
        );

        let f = file(".csv", "type,same,s\nA,true,0.5\n");
        let m = messages(read_pairs(f.path(), Format::Csv, &field).unwrap_err());
        assert_eq!(
            m,
            [
                "F:1: field `a`: no such column in the header (columns: type, same, s)",
                "F:1: field `b`: no such column in the header (columns: type, same, s)",
            ]
        );
        let f = file(".csv", "type,a,b,same,s\nA,,y,true,0.5\n");
        let m = messages(read_pairs(f.path(), Format::Csv, &field).unwrap_err());
        assert_eq!(m, ["F:2: field `a`: is missing: every pair needs `a`"]);
    }

    #[test]
    fn jsonl_reads_types_in_order_of_appearance() {
        let f = file(
            ".jsonl",
            concat!(
                r#"{"type":"B","a":"x","b":"y","same":true,"s":0.5,"extra":[1,{"k":2}]}"#,
                "\n",
                r#"{"type":"A","a":"x","b":"y","same":false,"s":-0.25}"#,
                "\n",
                r#"{"type":"B","a":"x","b":"z","same":false,"s":1}"#,
                "\n",
            ),
        );
        let pairs = read_pairs(f.path(), Format::Jsonl, &ScoreSource::Field("s")).unwrap();
        assert_eq!(pairs.types, ["B", "A"]);
        assert_eq!(pairs.type_of, [0, 1, 0]);
        assert_eq!(pairs.same, [true, false, false]);
        assert_eq!(pairs.scores, [vec![0.5, -0.25, 1.0]]);
    }

    #[test]
    fn a_csv_column_given_twice_is_an_error_at_its_second_place() {
        let f = file(
            ".csv",
            "type,a,\"b\",same,similarity,similarity\nSkill,x,y,true,0.5,0.9\nSkill,x,z,maybe,0.4,0.1\n",
        );
        let errors =
            read_pairs(f.path(), Format::Csv, &ScoreSource::Field("similarity")).unwrap_err();
        assert_eq!((errors.total, errors.rows), (2, 1));
        assert_eq!(
            messages(errors),
            [
                "F:1:28: field `similarity`: appears in columns 5 and 6 of the header: rename or remove one",
                "F:3: field `same`: `maybe` is not a label: write true or false (or 1 or 0)",
            ]
        );
        assert_eq!(field_starts(f.path(), 1), [1, 6, 8, 12, 17, 28]);
        // Other columns may repeat: they are not read.
        let f = file(
            ".csv",
            "type,a,b,same,similarity,n,n\nSkill,x,y,true,0.5,1,2\n",
        );
        assert!(read_pairs(f.path(), Format::Csv, &ScoreSource::Field("similarity")).is_ok());
    }

    #[test]
    fn distinct_pairs_give_no_repeat_warning_and_conflicts_are_listed_by_line() {
        let mut repeats = Repeats::default();
        // 200,000 distinct pairs, some differing only in where the texts split.
        let mut pairs = Pairs::new(1);
        pairs.types.push("T".into());
        for i in 0..100_000u32 {
            let (a, b) = (format!("a{i}"), format!("{i}b"));
            repeats.see(2 * i as usize + 1, 2 * i, "T", &a, &b, i % 2 == 0);
            repeats.see(
                2 * i as usize + 2,
                2 * i + 1,
                "T",
                &format!("{a}{i}"),
                "b",
                true,
            );
            pairs.type_of.extend([0, 0]);
        }
        assert!(repeats.warnings(Path::new("F"), &pairs).is_empty());
        // 25 conflicts written in reverse: the first 20 by line, then a count.
        let mut repeats = Repeats::default();
        for i in 0..25u32 {
            repeats.see(100 - i as usize, i, "T", &format!("x{i}"), "y", true);
            repeats.see(200 - i as usize, 25 + i, "T", "y", &format!("x{i}"), false);
        }
        let w = repeats.warnings(Path::new("F"), &pairs);
        assert_eq!(w.len(), 21);
        assert!(
            w[0].starts_with("F:176: this `T` pair is labelled different here but same on line 76"),
            "{}",
            w[0]
        );
        assert!(w[19].starts_with("F:195:"), "{}", w[19]);
        assert_eq!(
            w[20],
            "F: ... and 5 more pairs labelled both same and different"
        );
    }

    #[test]
    fn a_pair_labelled_both_ways_and_repeats_are_warnings() {
        let f = file(
            ".jsonl",
            concat!(
                "{\"type\":\"T\",\"a\":\"x\",\"b\":\"y\",\"same\":true,\"similarity\":0.9}\n",
                "{\"type\":\"T\",\"a\":\"y\",\"b\":\"x\",\"same\":false,\"similarity\":0.9}\n",
                "{\"type\":\"U\",\"a\":\"x\",\"b\":\"y\",\"same\":false,\"similarity\":0.9}\n",
                "{\"type\":\"T\",\"a\":\"x\",\"b\":\"y\",\"same\":true,\"similarity\":0.9}\n",
                "{\"type\":\"T\",\"a\":\"x\",\"b\":\"y\",\"same\":true,\"similarity\":0.9}\n",
            ),
        );
        let pairs = read_pairs(f.path(), Format::Jsonl, &ScoreSource::Field("similarity")).unwrap();
        // Every row is still counted.
        assert_eq!(pairs.len(), 5);
        let w: Vec<String> = pairs
            .warnings
            .iter()
            .map(|w| w.replace(&f.path().display().to_string(), "F"))
            .collect();
        assert_eq!(
            w,
            [
                "F:2: this `T` pair is labelled different here but same on line 1 (the same texts, `a` and `b` in either order): one of the labels is wrong; fix it or remove one line (both are counted as given)",
                "F: 2 pairs repeat an earlier pair with the same label (the first: line 4 repeats line 1; `a` and `b` in either order); each is counted every time it appears, so remove the repeats unless they should weigh more",
            ]
        );
    }

    #[test]
    fn a_file_in_the_other_format_is_one_error_for_the_file() {
        let field = ScoreSource::Field("similarity");
        let row = r#"{"type": "T", "a": "x", "b": "y", "same": true, "similarity": 0.5}"#;
        let jsonl_as_csv = file(".csv", &format!("{row}\n{row}\n{row}\n"));
        let errors = read_pairs(jsonl_as_csv.path(), Format::Csv, &field).unwrap_err();
        assert_eq!((errors.total, errors.rows), (1, 0));
        assert!(
            messages(errors)[0].starts_with("F:1: looks like JSONL (its first line is a JSON object, not a header), but it is read as CSV"),
        );
        let csv_as_jsonl = file(".txt", "type,a,b,same,similarity\nT,x,y,true,0.5\n");
        let m = messages(read_pairs(csv_as_jsonl.path(), Format::Jsonl, &field).unwrap_err());
        assert_eq!(m.len(), 1);
        assert!(
            m[0].ends_with("rename it to `.csv`, or pass --format csv"),
            "{m:?}"
        );
        let array = file(".jsonl", &format!("\n[\n  {row},\n  {row}\n]\n"));
        let m = messages(read_pairs(array.path(), Format::Jsonl, &field).unwrap_err());
        assert_eq!(m.len(), 1);
        assert!(
            m[0].starts_with("F:2: starts a JSON array, but JSONL needs one JSON object per line"),
            "{m:?}"
        );
        let m = messages(read_embeddings(array.path()).unwrap_err());
        assert!(m[0].starts_with("F:2: starts a JSON array"), "{m:?}");
        // The right format reads as usual.
        assert!(read_pairs(jsonl_as_csv.path(), Format::Jsonl, &field).is_ok());
    }

    #[test]
    fn a_csv_header_with_other_case_or_separator_says_so() {
        let field = ScoreSource::Field("similarity");
        let f = file(".csv", "Type,a,b,same,similarity\nT,x,y,true,0.5\n");
        let m = messages(read_pairs(f.path(), Format::Csv, &field).unwrap_err());
        assert_eq!(
            m,
            [
                "F:1: field `type`: no such column in the header (columns: Type, a, b, same, similarity); column names are case-sensitive: rename `Type` to `type`"
            ]
        );
        let f = file(
            ".csv",
            "type;a;b;same;similarity\nT;x;y;true;0.5\nT;x;z;false;0.1\n",
        );
        let m = messages(read_pairs(f.path(), Format::Csv, &field).unwrap_err());
        assert_eq!(
            m,
            [
                "F:1: the header is one column, `type;a;b;same;similarity`: its names are separated by `;`, but the CSV separator is `,`: write `type,a,b,same,similarity` (and separate the rows' cells with `,` too)"
            ]
        );
    }

    #[test]
    fn csv_reports_missing_columns_and_bad_cells() {
        let f = file(".csv", "type,a,b,same\nSkill,x,y,true\n");
        let m = messages(
            read_pairs(f.path(), Format::Csv, &ScoreSource::Field("similarity")).unwrap_err(),
        );
        assert_eq!(
            m,
            ["F:1: field `similarity`: no such column in the header (columns: type, a, b, same)"]
        );
        // The rows are still checked, so their errors come in the same run (but not the absent
        // column, once per row).
        let f = file(".csv", "type,a,b,same\nSkill,x,y,true\nSkill,x,y,maybe\n");
        let errors =
            read_pairs(f.path(), Format::Csv, &ScoreSource::Field("similarity")).unwrap_err();
        assert_eq!((errors.total, errors.rows), (2, 1));
        assert_eq!(
            messages(errors),
            [
                "F:1: field `similarity`: no such column in the header (columns: type, a, b, same)",
                "F:3: field `same`: `maybe` is not a label: write true or false (or 1 or 0)",
            ]
        );

        let f = file(
            ".csv",
            "type,a,b,same,similarity\nSkill,x,y,true,0.5\nSkill,x,y,maybe,NaN\n,x,y,1,0.2\nSkill,x,y,0,x\nSkill,x,y,1\n",
        );
        let m = messages(
            read_pairs(f.path(), Format::Csv, &ScoreSource::Field("similarity")).unwrap_err(),
        );
        assert_eq!(
            m[0],
            "F:3: field `same`: `maybe` is not a label: write true or false (or 1 or 0)"
        );
        assert_eq!(
            m[1],
            "F:3: field `similarity`: is NaN: every pair needs a similarity"
        );
        assert_eq!(
            m[2],
            "F:4: field `type`: is missing: every pair needs `type`"
        );
        assert_eq!(m[3], "F:5: field `similarity`: `x` is not a number");
        assert_eq!(
            m[4],
            "F:6: invalid CSV: this record has 4 fields but the header has 5"
        );
        assert_eq!(m.len(), 5);

        let f = file(
            ".csv",
            "type,a,b,same,similarity\nSkill,x,y,true,0.5\nTag,x,z,0,-0.5\n",
        );
        let pairs = read_pairs(f.path(), Format::Csv, &ScoreSource::Field("similarity")).unwrap();
        assert_eq!(pairs.types, ["Skill", "Tag"]);
        assert_eq!(pairs.scores, [vec![0.5, -0.5]]);
    }

    #[test]
    fn embeddings_compute_cosines_and_report_bad_vectors() {
        let emb = file(
            ".jsonl",
            concat!(
                r#"{"text":"x","vector":[1,0,0,1]}"#,
                "\n",
                r#"{"text":"y","vector":[1,1,0,0]}"#,
                "\n",
                r#"{"text":"z","vector":[0,0,1,1]}"#,
                "\n",
            ),
        );
        let table = read_embeddings(emb.path()).unwrap();
        assert_eq!((table.len(), table.width), (3, 4));
        let pairs = file(
            ".jsonl",
            concat!(
                r#"{"type":"T","a":"x","b":"y","same":true}"#,
                "\n",
                r#"{"type":"T","a":"x","b":"nope","same":true}"#,
                "\n",
                r#"{"type":"T","a":"z","b":"y","same":true}"#,
                "\n",
            ),
        );
        let dims = [4, 2];
        let source = ScoreSource::Embeddings {
            table: &table,
            dims: &dims,
        };
        let m = messages(read_pairs(pairs.path(), Format::Jsonl, &source).unwrap_err());
        assert_eq!(
            m[0],
            "F:2: field `b`: text \"nope\" has no vector in the embeddings file"
        );
        assert_eq!(
            m[1],
            "F:3: the vectors of `a` and `b` give no cosine at 2 dims: one of them is all zeros there"
        );

        let ok = file(
            ".jsonl",
            concat!(r#"{"type":"T","a":"x","b":"y","same":true}"#, "\n"),
        );
        let got = read_pairs(ok.path(), Format::Jsonl, &source).unwrap();
        assert!((got.scores[0][0] - 0.5).abs() < 1e-15);
        assert!((got.scores[1][0] - 1.0 / 2f64.sqrt()).abs() < 1e-15);

        let bad = file(
            ".jsonl",
            concat!(
                r#"{"text":"x","vector":[1,0]}"#,
                "\n",
                r#"{"text":"x","vector":[1,0]}"#,
                "\n",
                r#"{"text":"y","vector":[1,0,0]}"#,
                "\n",
                r#"{"text":"w","vector":["a"]}"#,
                "\n",
                r#"{"vector":[1,0]}"#,
                "\n",
            ),
        );
        let m = messages(read_embeddings(bad.path()).unwrap_err());
        assert_eq!(
            m[0],
            "F:2: field `text`: \"x\" already has a vector on line 1"
        );
        assert_eq!(
            m[1],
            "F:3: field `vector`: has 3 numbers but the vector on line 1 has 2: all vectors must have the same length"
        );
        assert_eq!(m[2], "F:4: field `vector`: must hold only numbers");
        assert_eq!(m[3], "F:5: field `text`: is missing");
    }

    #[test]
    fn cosines_from_the_shipped_embeddings_match_the_similarity_columns() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data");
        let table = read_embeddings(&data.join("embeddings.jsonl")).unwrap();
        assert_eq!(table.width, 384);
        let dims = [384, 256, 128, 64];
        let source = ScoreSource::Embeddings {
            table: &table,
            dims: &dims,
        };
        let computed = read_pairs(&data.join("pairs.jsonl"), Format::Jsonl, &source).unwrap();
        assert_eq!(computed.len(), 2100);
        for (k, field) in [
            "similarity",
            "similarity_256",
            "similarity_128",
            "similarity_64",
        ]
        .into_iter()
        .enumerate()
        {
            let stored = read_pairs(
                &data.join("pairs.jsonl"),
                Format::Jsonl,
                &ScoreSource::Field(field),
            )
            .unwrap();
            assert_eq!(stored.type_of, computed.type_of);
            assert_eq!(stored.same, computed.same);
            let worst = stored.scores[0]
                .iter()
                .zip(&computed.scores[k])
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            // The stored column is the same cosine rounded to 6 decimals.
            assert!(worst <= 5e-7 + 1e-12, "{field}: worst difference {worst}");
        }
    }

    #[test]
    fn csv_errors_name_the_line_with_crlf_and_blank_lines() {
        // The csv crate's record positions count a CRLF file's lines one short and put the
        // blank lines before a record into it: these rows were reported as lines 1, 2, 5, 6, 8.
        let f = file(
            ".csv",
            concat!(
                "type,a,b,same,similarity\r\n",
                "Skill,x,y,maybe,0.5\r\n",
                "\r\n",
                "\r\n",
                "Skill,x,y,true,2\r\n",
                "Skill,x\r\n",
                "\"Skill\",\"x\r\ny\",z,true,0.5,9\r\n",
                "Skill,x,y,1,nope\n",
            ),
        );
        let errors =
            read_pairs(f.path(), Format::Csv, &ScoreSource::Field("similarity")).unwrap_err();
        assert_eq!((errors.total, errors.rows), (5, 5));
        assert_eq!(
            messages(errors),
            [
                "F:2: field `same`: `maybe` is not a label: write true or false (or 1 or 0)",
                "F:5: field `similarity`: 2 is outside [-1, 1]: a cosine similarity lies between -1 and 1",
                "F:6: invalid CSV: this record has 2 fields but the header has 5",
                "F:7: invalid CSV: this record has 6 fields but the header has 5",
                "F:9: field `similarity`: `nope` is not a number",
            ]
        );
        let f = file(".csv", "\n\r\ntype,a,b,similarity\nx,y,z,0.5\n");
        let m = messages(
            read_pairs(f.path(), Format::Csv, &ScoreSource::Field("similarity")).unwrap_err(),
        );
        assert_eq!(
            m,
            ["F:3: field `same`: no such column in the header (columns: type, a, b, similarity)"]
        );
    }

    #[test]
    fn a_stray_or_unclosed_quote_is_an_error_not_rows_run_together() {
        // The csv crate reads text after a closing quote on into the field, and an unclosed
        // quote to the end of the file, without an error: here rows 4 to 7 became one row whose
        // type held the others, and its five fields looked like a pair.
        let f = file(
            ".csv",
            concat!(
                "type,a,b,same,similarity\n",
                "T,x1,y1,true,0.9\n",
                "T,x0,y0,false,0.1\n",
                "\"T,x2,y2,true,0.8\n",
                "T,x3,y3,false,0.3\n",
                "T,x4,y4,false,0.2\n",
                "T,\"x5, inc\",y5,true,0.7\n",
                "T,\"a \"\"quoted\"\" word\",y6,true,0.7\n",
            ),
        );
        let errors =
            read_pairs(f.path(), Format::Csv, &ScoreSource::Field("similarity")).unwrap_err();
        assert_eq!(
            messages(errors),
            [
                "F:4: field `type`: \"T,x2,y2,true,0.8\\nT,x3,y3,false,0.3\\nT,x4,y4,false,0.2\\nT,x5\" is not a valid type name: type names are ASCII letters, digits and `_`",
                "F:7:4: invalid CSV: text after the closing quote of a field (the quote opened at line 4, column 1, so the rows in between are read as one field): a field holding `\"` must be quoted whole, with each `\"` in it doubled (`\"\"`)",
            ]
        );
        // On one line, and after a byte-order mark (no character): the text joins the value.
        let f = file(
            ".csv",
            "\u{feff}type,a,b,same,similarity\nT,\"x5\" inc,y,true,0.5\n\"T\"x,a,b,true,0.5\n",
        );
        let errors =
            read_pairs(f.path(), Format::Csv, &ScoreSource::Field("similarity")).unwrap_err();
        assert_eq!(
            messages(errors),
            [
                "F:2:7: invalid CSV: text after the closing quote of a field (the quote opened at column 3, and this text is added to the quoted value): a field holding `\"` must be quoted whole, with each `\"` in it doubled (`\"\"`)",
                "F:3:4: invalid CSV: text after the closing quote of a field (the quote opened at column 1, and this text is added to the quoted value): a field holding `\"` must be quoted whole, with each `\"` in it doubled (`\"\"`)",
            ]
        );
        let f = file(
            ".csv",
            "\u{feff}\"type\"x,a,b,same,similarity\nT,x,y,true,0.5\n",
        );
        let errors =
            read_pairs(f.path(), Format::Csv, &ScoreSource::Field("similarity")).unwrap_err();
        // Only the quote: the columns it garbled are not also reported missing.
        assert_eq!(
            messages(errors),
            [
                "F:1:7: in the header: invalid CSV: text after the closing quote of a field (the quote opened at column 1, and this text is added to the quoted value): a field holding `\"` must be quoted whole, with each `\"` in it doubled (`\"\"`)"
            ]
        );
        // A quote in the header never closed takes the whole file into the header.
        let f = file(".csv", "type,\"a,b,same,similarity\nT,x,y,true,0.5\n");
        let errors =
            read_pairs(f.path(), Format::Csv, &ScoreSource::Field("similarity")).unwrap_err();
        assert_eq!(
            messages(errors),
            [
                "F:1:6: in the header: invalid CSV: this quote is never closed, so the rest of the file is read as one field: close it, or double a `\"` meant as text (`\"\"`) and quote the field whole"
            ]
        );
        let f = file(
            ".csv",
            "type,a,b,same,similarity\nT,x,\"y,true,0.5\nT,x,y,false,0.1\n",
        );
        let errors =
            read_pairs(f.path(), Format::Csv, &ScoreSource::Field("similarity")).unwrap_err();
        assert_eq!(
            messages(errors),
            [
                "F:2: invalid CSV: this record has 3 fields but the header has 5",
                "F:2:5: invalid CSV: this quote is never closed, so the rest of the file is read as one field: close it, or double a `\"` meant as text (`\"\"`) and quote the field whole",
            ]
        );
    }

    #[test]
    fn a_type_must_be_a_name_a_schema_can_declare() {
        let f = file(
            ".jsonl",
            concat!(
                r#"{"type":"Skill ","a":"x","b":"y","same":true,"similarity":0.5}"#,
                "\n",
                r#"{"type":"Job Title","a":"x","b":"y","same":true,"similarity":0.5}"#,
                "\n",
                r#"{"type":"skill_2","a":"x","b":"y","same":true,"similarity":0.5}"#,
                "\n",
            ),
        );
        let errors =
            read_pairs(f.path(), Format::Jsonl, &ScoreSource::Field("similarity")).unwrap_err();
        assert_eq!(
            messages(errors),
            [
                "F:1: field `type`: \"Skill \" is not a valid type name: remove the spaces around it: `Skill`",
                "F:2: field `type`: \"Job Title\" is not a valid type name: type names are ASCII letters, digits and `_`, start with a letter, and have at most 64 characters: e.g. `Job_Title`",
            ]
        );
    }

    #[test]
    fn huge_and_tiny_vectors_give_their_cosines() {
        // Squaring 1e200 overflows and squaring 1e-200 underflows: the cosines were NaN (kept
        // as a pair's score) and "no cosine: all zeros" before vectors were rescaled on reading.
        let emb = file(
            ".jsonl",
            concat!(
                r#"{"text":"x","vector":[1e200,1e200]}"#,
                "\n",
                r#"{"text":"y","vector":[1e200,0]}"#,
                "\n",
                r#"{"text":"u","vector":[1e-200,1e-200]}"#,
                "\n",
                r#"{"text":"v","vector":[-3e-320,0]}"#,
                "\n",
            ),
        );
        let table = read_embeddings(emb.path()).unwrap();
        let pairs = file(
            ".jsonl",
            concat!(
                r#"{"type":"T","a":"x","b":"y","same":true}"#,
                "\n",
                r#"{"type":"T","a":"u","b":"v","same":false}"#,
                "\n",
                r#"{"type":"T","a":"x","b":"u","same":true}"#,
                "\n",
            ),
        );
        let dims = [2, 1];
        let source = ScoreSource::Embeddings {
            table: &table,
            dims: &dims,
        };
        let got = read_pairs(pairs.path(), Format::Jsonl, &source).unwrap();
        let half = 1.0 / 2f64.sqrt();
        let want = [[half, -half, 1.0], [1.0, -1.0, 1.0]];
        for (column, want) in got.scores.iter().zip(want) {
            for (g, w) in column.iter().zip(want) {
                assert!((g - w).abs() < 1e-15, "{:?}", got.scores);
            }
        }
    }

    /// Property tests: arbitrary bytes and mutated valid files through every reader.
    mod props {
        use super::*;
        use proptest::prelude::*;
        use std::collections::BTreeSet;

        const VALID_JSONL: &str = concat!(
            r#"{"type":"Skill","a":"x","b":"y","same":true,"similarity":0.5}"#,
            "\n",
            r#"{"type":"Tag","a":"y","b":"x","same":false,"similarity":-0.25}"#,
            "\r\n",
            "\n",
            r#"{"type":"Skill","a":"x","b":"x","same":false,"similarity":1}"#,
            "\n",
        );
        const VALID_CSV: &str = "type,a,b,same,similarity\nSkill,x,y,true,0.5\r\nTag,y,x,0,-0.25\n\"Skill\",\"x\",x,1,1\n";
        const VALID_EMBEDDINGS: &str = concat!(
            r#"{"text":"x","vector":[1,0,0.5]}"#,
            "\n",
            r#"{"text":"y","vector":[0,1,-2e-3]}"#,
            "\r\n",
            r#"{"text":"z","vector":[0,0,1]}"#,
            "\n",
        );

        const PAIRS_OF_XYZ: &str = concat!(
            r#"{"type":"T","a":"x","b":"y","same":true}"#,
            "\n",
            r#"{"type":"T","a":"y","b":"z","same":false}"#,
            "\n",
            r#"{"type":"T","a":"z","b":"x","same":false}"#,
            "\n",
        );

        /// Pieces that hit the readers' edges: terminators, NUL, BOM, bad UTF-8, deep nesting,
        /// huge and odd numbers, quotes, and fragments of valid rows.
        fn piece() -> impl Strategy<Value = Vec<u8>> {
            let fixed: Vec<&'static [u8]> = vec![
                b"\n",
                b"\r\n",
                b"\r",
                b"\0",
                b"\xEF\xBB\xBF",
                b"\xff",
                b"\xc3",
                b"\xed\xa0\x80",
                b"\"",
                b",",
                b"{",
                b"}",
                b"[",
                b"]",
                b":",
                b" ",
                b"\t",
                b"1e400",
                b"1e300",
                b"-1e-300",
                b"4.9e-324",
                b"-1e-400",
                b"18446744073709551616",
                b"-0",
                b"NaN",
                b"inf",
                b"0.5",
                b"true",
                b"null",
                b"\"type\":",
                b"\"same\":",
                b"\"similarity\":",
                b"\"a\":\"x\",",
                b"\"b\":\"y\",",
                b"\"text\":\"x\",",
                b"\"vector\":[1,2,3]",
                b"\"vector\":[1e300,1e300,1e300]",
                b"\"ALL\"",
                b"type,a,b,same,similarity",
                b"Skill,x,y,true,0.5",
                br#"{"type":"T","a":"x","b":"y","same":true,"similarity":0.1}"#,
            ];
            prop_oneof![
                proptest::sample::select(fixed).prop_map(<[u8]>::to_vec),
                proptest::collection::vec(any::<u8>(), 1..8),
                (1usize..300).prop_map(|n| "[".repeat(n).into_bytes()),
                (1usize..300).prop_map(|n| format!(
                    r#"{{"type":"T","a":"x","b":"y","same":true,"similarity":{}0{}}}"#,
                    "[".repeat(n),
                    "]".repeat(n)
                )
                .into_bytes()),
                "[ -~]{0,12}".prop_map(String::into_bytes),
            ]
        }

        fn arbitrary_file() -> impl Strategy<Value = Vec<u8>> {
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..256),
                proptest::collection::vec(piece(), 0..24).prop_map(|p| p.concat()),
            ]
        }

        #[derive(Clone, Debug)]
        enum Mutation {
            Drop(usize),
            Duplicate(usize),
            Replace(usize, u8),
            Insert(usize, Vec<u8>),
            /// Swaps two fields of a line (comma-separated segments).
            SwapFields(usize, usize, usize),
        }

        fn mutation() -> impl Strategy<Value = Mutation> {
            prop_oneof![
                any::<usize>().prop_map(Mutation::Drop),
                any::<usize>().prop_map(Mutation::Duplicate),
                (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Replace(i, b)),
                (any::<usize>(), piece()).prop_map(|(i, p)| Mutation::Insert(i, p)),
                (any::<usize>(), any::<usize>(), any::<usize>())
                    .prop_map(|(l, i, j)| Mutation::SwapFields(l, i, j)),
            ]
        }

        fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
            let len = bytes.len();
            match *m {
                Mutation::Drop(i) if len > 0 => {
                    bytes.remove(i % len);
                }
                Mutation::Duplicate(i) if len > 0 => {
                    let b = bytes[i % len];
                    bytes.insert(i % len, b);
                }
                Mutation::Replace(i, b) if len > 0 => bytes[i % len] = b,
                Mutation::Insert(i, ref p) => {
                    let at = i % (len + 1);
                    bytes.splice(at..at, p.iter().copied());
                }
                Mutation::SwapFields(l, i, j) => {
                    let mut lines: Vec<Vec<u8>> =
                        bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
                    let n = lines.len();
                    let line = &mut lines[l % n];
                    let mut fields: Vec<Vec<u8>> =
                        line.split(|&b| b == b',').map(<[u8]>::to_vec).collect();
                    let k = fields.len();
                    fields.swap(i % k, j % k);
                    *line = fields.join(&b","[..]);
                    *bytes = lines.join(&b"\n"[..]);
                }
                _ => {}
            }
        }

        fn mutated(valid: &'static str) -> impl Strategy<Value = Vec<u8>> {
            proptest::collection::vec(mutation(), 1..6).prop_map(move |ms| {
                let mut bytes = valid.as_bytes().to_vec();
                for m in &ms {
                    apply(&mut bytes, m);
                }
                bytes
            })
        }

        fn temp(ext: &str, bytes: &[u8]) -> tempfile::NamedTempFile {
            let mut f = tempfile::Builder::new().suffix(ext).tempfile().unwrap();
            f.write_all(bytes).unwrap();
            f
        }

        /// The lines `Lines` yields as rows: non-blank after the terminator is cut.
        fn jsonl_rows(bytes: &[u8]) -> usize {
            let mut lines = Lines::new(bytes);
            let mut n = 0;
            while lines.next_line().is_some() {
                n += 1;
            }
            n
        }

        /// The records the csv crate reads after the header (errors included).
        fn csv_records(bytes: &[u8]) -> usize {
            let mut csv = csv::ReaderBuilder::new()
                .has_headers(true)
                .from_reader(bytes);
            let mut record = csv::ByteRecord::new();
            let mut n = 0;
            while let Ok(true) | Err(_) = csv.read_byte_record(&mut record) {
                n += 1;
                // Every record takes a byte: more would be an error repeating without progress.
                if n > bytes.len() + 1 {
                    break;
                }
            }
            n
        }

        /// Whether an error is about the file as a whole: line 0, or (CSV) the header's.
        fn of_file(e: &RowError) -> bool {
            e.line == 0
                || e.message.starts_with("cannot read the CSV header")
                || e.message.starts_with("no such column in the header")
                || e.message.contains("of the header: rename or remove one")
                || e.message.starts_with("the header is one column")
                || e.message.starts_with("in the header: ")
                || e.message.starts_with("looks like ")
                || e.message.starts_with("starts a JSON array")
        }

        /// Every kept error names the file and a line (`F:`, `F:LINE:` or `F:LINE:COL:`) and
        /// says what is wrong; the counts agree with the errors kept: `rows` counts the
        /// distinct lines of the errors that are not the file's.
        fn check_errors(errors: &Errors, path: &Path) -> Result<(), TestCaseError> {
            prop_assert!(errors.total >= 1);
            prop_assert_eq!(errors.kept.len(), errors.total.min(KEEP_ERRORS));
            let name = path.display().to_string();
            let mut lines = BTreeSet::new();
            for e in &errors.kept {
                let text = e.to_string();
                let rest = text.strip_prefix(&format!("{name}:")).ok_or_else(|| {
                    TestCaseError::fail(format!("{text:?} does not start with the file name"))
                })?;
                let rest = match (e.line, e.column) {
                    (0, _) => rest.strip_prefix(' '),
                    (line, None) => rest.strip_prefix(&format!("{line}: ")),
                    (line, Some(col)) => {
                        prop_assert!(col >= 1);
                        rest.strip_prefix(&format!("{line}:{col}: "))
                    }
                };
                let rest = rest.ok_or_else(|| TestCaseError::fail(format!("{text:?}")))?;
                prop_assert!(!rest.trim().is_empty(), "no message: {text:?}");
                prop_assert!(!e.message.trim().is_empty(), "no message: {text:?}");
                if !of_file(e) {
                    lines.insert(e.line);
                }
            }
            if errors.total <= KEEP_ERRORS {
                prop_assert_eq!(errors.rows, lines.len(), "{:#?}", errors.kept);
            }
            prop_assert!(errors.rows <= errors.total);
            Ok(())
        }

        /// Pairs read are well formed: column lengths agree, type ids index the type names,
        /// scores are finite within [-1, 1].
        fn check_pairs(pairs: &Pairs, columns: usize) -> Result<(), TestCaseError> {
            prop_assert!(pairs.len() > 0);
            prop_assert_eq!(pairs.type_of.len(), pairs.len());
            prop_assert_eq!(pairs.scores.len(), columns);
            for column in &pairs.scores {
                prop_assert_eq!(column.len(), pairs.len());
                for &s in column {
                    prop_assert!(s.is_finite() && (-1.0..=1.0).contains(&s), "score {}", s);
                }
            }
            for &t in &pairs.type_of {
                prop_assert!((t as usize) < pairs.types.len());
            }
            for t in &pairs.types {
                prop_assert!(!t.trim().is_empty() && t != ALL);
            }
            Ok(())
        }

        fn table() -> Embeddings {
            Embeddings {
                index: HashMap::from([("x".to_owned(), 0), ("y".to_owned(), 1)]),
                values: vec![1.0, 0.0, 0.5, 0.0, 1.0, -2e-3],
                width: 3,
                unusable: HashSet::new(),
            }
        }

        /// Reads `bytes` as JSONL and CSV pairs (a score column, and cosines from embeddings)
        /// and as embeddings; checks every outcome.
        fn read_everything(bytes: &[u8]) -> Result<(), TestCaseError> {
            let field = ScoreSource::Field("similarity");
            let table = table();
            let dims = [3, 1];
            let cosines = ScoreSource::Embeddings {
                table: &table,
                dims: &dims,
            };
            let jsonl = temp(".jsonl", bytes);
            let csv = temp(".csv", bytes);
            for (source, columns) in [(&field, 1), (&cosines, 2)] {
                match read_pairs(jsonl.path(), Format::Jsonl, source) {
                    // Nothing dropped: every non-blank line is a pair.
                    Ok(p) => {
                        check_pairs(&p, columns)?;
                        prop_assert_eq!(p.len(), jsonl_rows(bytes));
                    }
                    Err(e) => check_errors(&e, jsonl.path())?,
                }
                match read_pairs(csv.path(), Format::Csv, source) {
                    Ok(p) => {
                        check_pairs(&p, columns)?;
                        prop_assert_eq!(p.len(), csv_records(bytes));
                    }
                    Err(e) => check_errors(&e, csv.path())?,
                }
            }
            match read_embeddings(jsonl.path()) {
                Ok(t) => {
                    prop_assert!(t.width > 0);
                    prop_assert_eq!(t.values.len(), t.len() * t.width);
                    prop_assert_eq!(t.len(), jsonl_rows(bytes));
                    prop_assert!(t.values.iter().all(|v| v.is_finite()));
                    // The vectors read give cosines, or an error naming the row.
                    let dims = [t.width, 1];
                    let source = ScoreSource::Embeddings {
                        table: &t,
                        dims: &dims,
                    };
                    let pairs = temp(".jsonl", PAIRS_OF_XYZ.as_bytes());
                    match read_pairs(pairs.path(), Format::Jsonl, &source) {
                        Ok(p) => check_pairs(&p, 2)?,
                        Err(e) => check_errors(&e, pairs.path())?,
                    }
                }
                Err(e) => check_errors(&e, jsonl.path())?,
            }
            Ok(())
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

            #[test]
            fn arbitrary_bytes_give_pairs_or_located_errors(bytes in arbitrary_file()) {
                read_everything(&bytes)?;
            }

            #[test]
            fn mutated_jsonl_pairs_give_pairs_or_located_errors(bytes in mutated(VALID_JSONL)) {
                read_everything(&bytes)?;
            }

            #[test]
            fn mutated_csv_pairs_give_pairs_or_located_errors(bytes in mutated(VALID_CSV)) {
                read_everything(&bytes)?;
            }

            #[test]
            fn mutated_embeddings_give_vectors_or_located_errors(bytes in mutated(VALID_EMBEDDINGS)) {
                read_everything(&bytes)?;
            }
        }

        /// Files of good and bad rows with LF or CRLF ends and blank lines between them; what
        /// the bad rows' errors must name.
        fn rows_with_bad_lines(csv: bool) -> impl Strategy<Value = (Vec<u8>, Vec<usize>)> {
            proptest::collection::vec((any::<bool>(), 0usize..3, any::<bool>()), 1..12).prop_map(
                move |rows| {
                    let mut text = String::new();
                    let mut line = 1;
                    if csv {
                        text.push_str("type,a,b,same,similarity\n");
                        line += 1;
                    }
                    let mut bad_lines = Vec::new();
                    for (crlf, blanks, bad) in rows {
                        let end = if crlf { "\r\n" } else { "\n" };
                        for _ in 0..blanks {
                            text.push_str(end);
                            line += 1;
                        }
                        let same = if bad { "\"maybe\"" } else { "true" };
                        if csv {
                            text.push_str(&format!("T,x,y,{same},0.5{end}"));
                        } else {
                            text.push_str(&format!(
                                r#"{{"type":"T","a":"x","b":"y","same":{same},"similarity":0.5}}{end}"#
                            ));
                        }
                        if bad {
                            bad_lines.push(line);
                        }
                        line += 1;
                    }
                    (text.into_bytes(), bad_lines)
                },
            )
        }

        fn error_lines(bytes: &[u8], format: Format) -> Vec<usize> {
            let ext = if format == Format::Csv {
                ".csv"
            } else {
                ".jsonl"
            };
            let f = temp(ext, bytes);
            match read_pairs(f.path(), format, &ScoreSource::Field("similarity")) {
                Ok(_) => Vec::new(),
                Err(e) => e.kept.iter().map(|e| e.line).collect(),
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

            #[test]
            fn csv_errors_name_the_line_of_their_row((bytes, bad) in rows_with_bad_lines(true)) {
                prop_assert_eq!(error_lines(&bytes, Format::Csv), bad);
            }

            #[test]
            fn jsonl_errors_name_the_line_of_their_row((bytes, bad) in rows_with_bad_lines(false)) {
                prop_assert_eq!(error_lines(&bytes, Format::Jsonl), bad);
            }
        }

        #[test]
        fn the_valid_files_read() {
            let field = ScoreSource::Field("similarity");
            let f = temp(".jsonl", VALID_JSONL.as_bytes());
            assert_eq!(
                read_pairs(f.path(), Format::Jsonl, &field).unwrap().len(),
                3
            );
            let f = temp(".csv", VALID_CSV.as_bytes());
            assert_eq!(read_pairs(f.path(), Format::Csv, &field).unwrap().len(), 3);
            let f = temp(".jsonl", VALID_EMBEDDINGS.as_bytes());
            assert_eq!(read_embeddings(f.path()).unwrap().len(), 3);
        }
    }
}
