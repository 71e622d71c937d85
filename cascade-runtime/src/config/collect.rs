//! Every error of a config at once, each with its line and column.
//!
//! serde stops at the first error it meets. To report them all, the text is read into a tree
//! (`serde_json::Value` or `toml::Value`) along with the place of every key and value; then the
//! config is deserialized from the tree again and again, each time recording the error and taking
//! out the entry it is about, until what is left deserializes. The value problems of what is left
//! ([`SimilarityThresholdConfig::problems`]) are added, except those that compare an entry taken
//! out with others ([`Collector::cover`]), which could only echo its error. A required key that
//! is missing (or was taken out) is filled in with a stand-in of the right type, so the rest of
//! its section is still read. The entries of the maps (`types`, `fields`, `strategies`) are read
//! one by one first, so a map of thousands of entries costs one reading, not one per error. The
//! work is bounded: each round takes one entry out, the rounds stop at [`MAX_PROBLEMS`] errors,
//! and positions are computed in one pass over the text; a config without errors is read once,
//! by serde alone.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::Value as JsonValue;
use serde_json::value::RawValue;
use serde_path_to_error::Segment;
use toml::{Table as TomlTable, Value as TomlValue};

use super::{ConfigProblem, Position, SimilarityThresholdConfig, suggest};
use crate::Threshold;

/// At most this many errors are collected from one config; a last line then says there are more.
const MAX_PROBLEMS: usize = 100;

/// Keys and values nested deeper than this get no place of their own: a config has 4 levels, and
/// each level of the JSON reader reads its part of the text once more.
const MAX_DEPTH: usize = 8;

/// The top-level sections that are maps of independent entries.
const MAP_SECTIONS: [&str; 3] = ["types", "fields", "strategies"];

/// One step of a key path: an object key or an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// `a.b[2].c`, as `serde_path_to_error` writes a path (and as [`ConfigProblem::key`] holds it).
fn render(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The path of key `key` of the table at `path` (`""` for the top).
fn key_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Where a key and its value start, as byte offsets into the text.
#[derive(Clone, Copy, Debug)]
struct Place {
    key: usize,
    value: usize,
}

/// The text and the place of every key path in it.
pub(super) struct Places<'t> {
    text: &'t str,
    by_path: HashMap<String, Place>,
}

/// The line and column of byte `offset` of `text` (as [`Places`] counts them).
pub(super) fn position(text: &str, offset: usize) -> Position {
    let places = Places {
        text,
        by_path: HashMap::new(),
    };
    places
        .positions([offset])
        .into_values()
        .next()
        .unwrap_or(Position { line: 1, column: 1 })
}

impl Places<'_> {
    /// The line and column of each byte offset in `offsets`, in one pass over the text: lines
    /// count from 1 and end at `\n`, columns count characters from 1 (a byte-order mark at the
    /// start is not one).
    fn positions(&self, offsets: impl IntoIterator<Item = usize>) -> HashMap<usize, Position> {
        let mut sorted: Vec<usize> = offsets.into_iter().collect();
        sorted.sort_unstable();
        sorted.dedup();
        let bom = if self.text.starts_with('\u{feff}') {
            3
        } else {
            0
        };
        let (mut at, mut line, mut column) = (bom, 1, 1);
        let mut out = HashMap::with_capacity(sorted.len());
        for offset in sorted {
            let offset = offset.clamp(at, self.text.len());
            for c in self.text.get(at..offset).unwrap_or("").chars() {
                if c == '\n' {
                    line += 1;
                    column = 1;
                } else {
                    column += 1;
                }
            }
            at = offset;
            out.insert(offset, Position { line, column });
        }
        out
    }

    /// The byte offset of the problem about `path`: its key when `at_key`, else its value; the
    /// nearest enclosing entry when the path itself was not written.
    fn find(&self, path: &str, at_key: bool) -> Option<usize> {
        let mut path = path;
        loop {
            if let Some(place) = self.by_path.get(path) {
                return Some(if at_key { place.key } else { place.value });
            }
            path = parent(path)?;
        }
    }
}

/// Whether a value problem at `path` is about the key rather than the value: a field key
/// (`fields.Startup`) or a dimension (`dimensionAdjustment.table.512`).
fn about_key(path: &str) -> bool {
    path.starts_with("fields.")
        || path.starts_with("dimensionAdjustment.table.")
        || path
            .strip_prefix("dimensionAdjustment.types.")
            .is_some_and(|rest| rest.contains('.'))
}

/// `a.b[2]` → `a.b`, `a.b` → `a`, `a` → none.
fn parent(path: &str) -> Option<&str> {
    // An entry of a map section is one key, dots and all (`fields.Startup.customer`).
    for section in MAP_SECTIONS {
        if path
            .strip_prefix(section)
            .is_some_and(|rest| rest.starts_with('.'))
        {
            return Some(section);
        }
    }
    let cut = path.rfind(['.', '['])?;
    Some(&path[..cut])
}

/// `path`, then the paths that contain it, outermost last: `a.b[1]`, `a.b`, `a`.
fn self_and_parents(path: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(path), |path| parent(path))
}

/// The bands of the adaptive step, compared with each other by the value checks.
const BANDS: &str = "adaptive.candidateCountBands";

/// What [`Collector::cover`] notes when a band is in error: the comparisons between bands
/// would only echo it.
const ACROSS_BANDS: &str = "adaptive.candidateCountBands[*]";

/// Whether a value problem at `key` compares bands (an overlap, an order, the first or last
/// band), rather than checking one band's own values (`...[i].adjustment`).
fn compares_bands(key: &str) -> bool {
    key == BANDS
        || key
            .strip_prefix(BANDS)
            .and_then(|rest| rest.strip_prefix('['))
            .is_some_and(|rest| rest.ends_with(']') && !rest.contains('.'))
}

/// Whether `path` is `ancestor` or inside it.
fn within(path: &str, ancestor: &str) -> bool {
    path.strip_prefix(ancestor)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// A tree a config can be deserialized from, and entries taken out of.
trait Tree: Sized {
    /// Deserializes the config, or gives the first error's path and message.
    fn config(&self) -> Result<SimilarityThresholdConfig, (Vec<Step>, String)>;
    /// The node at `steps`.
    fn node_mut(&mut self, steps: &[Step]) -> Option<&mut Self>;
    /// Takes out the entry at `steps`; whether there was one.
    fn remove(&mut self, steps: &[Step]) -> bool;
    /// Sets key `key` of the table at `steps` to stand-in number `kind`; whether it is a table.
    fn fill(&mut self, steps: &[Step], key: &str, kind: usize) -> bool;
    /// The keys of the top-level table `section`, if it is one.
    fn keys(&self, section: &str) -> Vec<String>;
    /// A tree holding only `{section: {key: value}}`.
    fn only(&self, section: &str, key: &str) -> Option<Self>;
    /// Takes the top-level table `section` out, if it is one.
    fn take(&mut self, section: &str) -> Option<Self>;
    /// Puts `value` back as the top-level `section`.
    fn put(&mut self, section: &str, value: Self);
}

/// How many kinds of stand-in [`Tree::fill`] has: false, 0, "", [] and {}.
const STAND_INS: usize = 5;

fn steps(path: &serde_path_to_error::Path) -> Vec<Step> {
    path.iter()
        .map_while(|segment| match segment {
            Segment::Seq { index } => Some(Step::Index(*index)),
            Segment::Map { key } => Some(Step::Key(key.clone())),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

/// The two trees differ in their names only; one macro writes both.
macro_rules! tree {
    ($value:ident, $object:ident, $array:ident, $map:ident, [$($stand_in:expr),*], |$tree:ident| $config:expr) => {
        impl Tree for $value {
            fn config(&self) -> Result<SimilarityThresholdConfig, (Vec<Step>, String)> {
                let $tree = self;
                $config
            }

            fn node_mut(&mut self, steps: &[Step]) -> Option<&mut Self> {
                let mut node = self;
                for step in steps {
                    node = match (step, node) {
                        (Step::Key(key), $value::$object(map)) => map.get_mut(key)?,
                        (Step::Index(i), $value::$array(items)) => items.get_mut(*i)?,
                        _ => return None,
                    };
                }
                Some(node)
            }

            fn remove(&mut self, steps: &[Step]) -> bool {
                let Some((last, parents)) = steps.split_last() else {
                    return false;
                };
                match (last, self.node_mut(parents)) {
                    (Step::Key(key), Some($value::$object(map))) => map.remove(key).is_some(),
                    (Step::Index(i), Some($value::$array(items))) if *i < items.len() => {
                        items.remove(*i);
                        true
                    }
                    _ => false,
                }
            }

            fn fill(&mut self, steps: &[Step], key: &str, kind: usize) -> bool {
                let stand_ins: [fn() -> $value; STAND_INS] = [$(|| $stand_in),*];
                match (self.node_mut(steps), stand_ins.get(kind)) {
                    (Some($value::$object(map)), Some(stand_in)) => {
                        map.insert(key.to_owned(), stand_in());
                        true
                    }
                    _ => false,
                }
            }

            fn keys(&self, section: &str) -> Vec<String> {
                match self {
                    $value::$object(map) => match map.get(section) {
                        Some($value::$object(entries)) => entries.keys().cloned().collect(),
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                }
            }

            fn take(&mut self, section: &str) -> Option<Self> {
                let $value::$object(map) = self else { return None };
                if !matches!(map.get(section), Some($value::$object(_))) {
                    return None;
                }
                map.remove(section)
            }

            fn put(&mut self, section: &str, value: Self) {
                if let $value::$object(map) = self {
                    map.insert(section.to_owned(), value);
                }
            }

            fn only(&self, section: &str, key: &str) -> Option<Self> {
                let $value::$object(map) = self else { return None };
                let $value::$object(entries) = map.get(section)? else { return None };
                let mut inner = $map::new();
                inner.insert(key.to_owned(), entries.get(key)?.clone());
                let mut outer = $map::new();
                outer.insert(section.to_owned(), $value::$object(inner));
                Some($value::$object(outer))
            }
        }
    };
}

type JsonMap = serde_json::Map<String, JsonValue>;

tree!(
    JsonValue,
    Object,
    Array,
    JsonMap,
    [
        serde_json::Value::Bool(false),
        serde_json::Value::from(0),
        serde_json::Value::from(""),
        serde_json::Value::Array(Vec::new()),
        serde_json::Value::Object(serde_json::Map::new())
    ],
    |tree| serde_path_to_error::deserialize(tree)
        .map_err(|e| (steps(e.path()), e.into_inner().to_string()))
);

tree!(
    TomlValue,
    Table,
    Array,
    TomlTable,
    [
        toml::Value::Boolean(false),
        toml::Value::Integer(0),
        toml::Value::String(String::new()),
        toml::Value::Array(Vec::new()),
        toml::Value::Table(toml::Table::new())
    ],
    |tree| serde_path_to_error::deserialize(tree.clone())
        .map_err(|e| (steps(e.path()), e.inner().message().to_owned()))
);

/// The problem for a deserialization error `message` about the entry at `path`.
fn shape_problem(path: String, message: &str) -> ConfigProblem {
    // `unknown field `Default`, expected one of `default`, ...`: the path ends with the key.
    if let Some((unknown, rest)) = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once("`, "))
    {
        let known = rest.split('`').skip(1).step_by(2);
        let what = if unknown.is_empty() {
            "an empty key is not a config key"
        } else {
            "unknown key"
        };
        let mut problem = ConfigProblem::new(path, format!("{what}; {rest}"));
        if let Some(name) = suggest::did_you_mean(unknown, known) {
            problem = problem.help(format!("did you mean `{name}`?"));
        }
        return problem;
    }
    let mut problem = ConfigProblem::new(path, message);
    // `unknown variant `Static`, expected `static` or `adaptive``.
    if let Some((unknown, expected)) = message
        .strip_prefix("unknown variant `")
        .and_then(|rest| rest.split_once("`, expected "))
    {
        let known = expected.split('`').skip(1).step_by(2);
        if let Some(name) = suggest::did_you_mean(unknown, known) {
            return problem.help(format!("did you mean `{name}`?"));
        }
    }
    // A strategy or a confidence level given something other than one of its names.
    if problem.key.starts_with("strategies.") {
        return problem.help("write `\"static\"` or `\"adaptive\"`");
    }
    if problem.key == "confidence.minimumConfidence" {
        return problem.help("write `\"none\"`, `\"low\"`, `\"medium\"` or `\"high\"`");
    }
    if let Some(quoted) = message
        .strip_prefix("invalid type: string \"")
        .and_then(|rest| rest.split_once('"'))
        .map(|(text, _)| text)
        .filter(|text| Threshold::parse_decimal(text).is_ok())
    {
        problem = problem.help(format!("write the number without quotes: `{quoted}`"));
    }
    problem
}

/// The field a `missing field `x`` message names.
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
}

/// The stand-in ([`Tree::fill`]) of the type an `invalid type: ..., expected X` message names.
fn expected_kind(message: &str) -> Option<usize> {
    let expected = message.rsplit_once("expected ")?.1;
    if expected.starts_with("a boolean") {
        Some(0)
    } else if [
        "u64",
        "u32",
        "i64",
        "f64",
        "usize",
        "a number",
        "an integer",
        "a float",
    ]
    .iter()
    .any(|t| expected.starts_with(t))
    {
        Some(1)
    } else if expected.starts_with("a string") || expected.starts_with("string") {
        Some(2)
    } else if expected.starts_with("a sequence") {
        Some(3)
    } else if expected.starts_with("a map") || expected.starts_with("struct") {
        Some(4)
    } else {
        None
    }
}

/// What kind of error a [`Found`] is, for telling knock-on errors apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A key the config does not have: nothing inside it matters.
    Unknown,
    /// A value of the wrong type: nothing inside it matters either.
    WrongType,
    /// Anything else.
    Other,
}

/// A problem and the byte offset it is about, if known.
struct Found {
    problem: ConfigProblem,
    at: Option<usize>,
    kind: Kind,
    /// For a key given twice: where the first one is.
    first: Option<usize>,
}

/// What was wrong with a config, and where.
struct Collector<'p, 't> {
    places: &'p Places<'t>,
    found: Vec<Found>,
    /// Paths (with the indices as written) of the entries taken out or left out.
    removed: HashSet<String>,
    /// The paths whose value problems would only echo an error already reported (see
    /// [`Collector::cover`]).
    covered: HashSet<String>,
    /// Per array path (as written), the sorted indices taken out of it, so that the indices of
    /// later errors, counted in what is left, map back to what was written.
    removed_items: HashMap<String, Vec<usize>>,
    /// Whether errors were left unread (the reading stopped at the limit).
    more: bool,
}

impl Collector<'_, '_> {
    /// `steps` with every index counted in the text as written.
    fn as_written(&self, steps: &[Step]) -> Vec<Step> {
        let mut out = Vec::with_capacity(steps.len());
        for step in steps {
            let step = match step {
                Step::Index(i) => {
                    let mut written = *i;
                    if let Some(taken) = self.removed_items.get(&render(&out)) {
                        // `taken` is sorted: each index taken out at or before the one sought
                        // moves it one further.
                        for &t in taken {
                            if t <= written {
                                written += 1;
                            }
                        }
                    }
                    Step::Index(written)
                }
                key => key.clone(),
            };
            out.push(step);
        }
        out
    }

    fn push(&mut self, problem: ConfigProblem, at_key: bool, kind: Kind) {
        let at = self.places.find(&problem.key, at_key);
        self.found.push(Found {
            problem,
            at,
            kind,
            first: None,
        });
    }

    /// Notes that the entry at `path` (as written) was taken out, or left out of the tree.
    fn take_out(&mut self, path: &str) {
        if let Some(i) = path
            .strip_suffix(']')
            .and_then(|p| p.rsplit_once('['))
            .and_then(|(_, i)| i.parse::<usize>().ok())
            && let Some(array) = parent(path)
        {
            let taken = self.removed_items.entry(array.to_owned()).or_default();
            let at = taken.partition_point(|&t| t < i);
            taken.insert(at, i);
        }
        self.removed.insert(path.to_owned());
    }

    /// Notes that the values around `path`, which was taken out for a wrong value (or filled in
    /// with a stand-in), were checked against a default in its place: the value checks that
    /// compare it with others would only echo the error. `minThreshold` and `maxThreshold` are
    /// compared with each other, `baseDimensions` with every dimension, and the bands with each
    /// other; every other value stands alone.
    fn cover(&mut self, path: &str) {
        let section = match path {
            "adaptive.minThreshold" | "adaptive.maxThreshold" => "adaptive.minThreshold",
            "dimensionAdjustment.baseDimensions" => "dimensionAdjustment",
            // A band in error: its own values, and every comparison between bands; the other
            // bands' own values (an adjustment out of range) are still checked.
            _ if path != BANDS && within(path, BANDS) => {
                let band = path
                    .find(']')
                    .and_then(|end| path.get(..=end))
                    .unwrap_or(path);
                self.covered.insert(band.to_owned());
                self.covered.insert(ACROSS_BANDS.to_owned());
                return;
            }
            _ => path,
        };
        self.covered.insert(section.to_owned());
    }

    /// A key of [`SimilarityThresholdConfig::problems`], counted in the bands left, with its
    /// band index as written (bands taken out for an error are not in the config checked).
    fn band_as_written(&self, key: &str) -> String {
        let Some(rest) = key.strip_prefix(BANDS).and_then(|r| r.strip_prefix('[')) else {
            return key.to_owned();
        };
        let Some((index, after)) = rest
            .split_once(']')
            .and_then(|(i, after)| Some((i.parse::<usize>().ok()?, after)))
        else {
            return key.to_owned();
        };
        let written = self.as_written(&[
            Step::Key("adaptive".to_owned()),
            Step::Key("candidateCountBands".to_owned()),
            Step::Index(index),
        ]);
        format!("{}{after}", render(&written))
    }

    /// Records the error `message` at `path` (as written), unless it only repeats one already
    /// recorded; whether it did.
    fn record(&mut self, path: &str, message: &str) {
        let unknown = message.starts_with("unknown field `");
        // An entry already reported (a number out of range) would only repeat that error; an
        // unknown key is always worth naming.
        if !unknown && self.removed.contains(path) {
            self.cover(path);
            return;
        }
        // An unknown key, or a dimension key that is not a number or repeats one.
        let at_key = unknown || message.starts_with("dimension");
        let kind = if unknown {
            Kind::Unknown
        } else if message.starts_with("invalid type: ") {
            Kind::WrongType
        } else {
            Kind::Other
        };
        self.push(shape_problem(path.to_owned(), message), at_key, kind);
        if !unknown {
            self.cover(path);
        }
    }

    /// Reads the entries of the map sections one by one, taking out those in error; what is
    /// left of those maps then reads without error.
    fn map_entries<T: Tree>(&mut self, tree: &mut T) {
        for section in MAP_SECTIONS {
            for key in tree.keys(section) {
                let Some(only) = tree.only(section, &key) else {
                    continue;
                };
                if let Err((steps, message)) = only.config() {
                    let path = render(&steps);
                    self.record(&path, &message);
                    let entry = [Step::Key(section.to_owned()), Step::Key(key)];
                    tree.remove(&entry);
                    self.take_out(&render(&entry));
                }
            }
        }
    }

    /// Deserializes `tree` until what is left deserializes, recording each error.
    fn run<T: Tree>(&mut self, tree: &mut T) -> Option<SimilarityThresholdConfig> {
        self.map_entries(tree);
        // What is left of the maps reads without error: they are set aside while the rest is
        // read again and again, and put back for the last reading.
        let mut aside: Vec<(&str, T)> = MAP_SECTIONS
            .iter()
            .filter_map(|&section| tree.take(section).map(|map| (section, map)))
            .collect();
        // Each round takes one entry out or fills one in; this bounds the work however many
        // entries are wrong.
        let mut rounds = 0;
        let mut recorded = 0;
        let mut next = tree.config();
        loop {
            let (steps, message) = match next {
                Ok(config) if aside.is_empty() => return Some(config),
                Ok(_) => {
                    for (section, map) in aside.drain(..) {
                        tree.put(section, map);
                    }
                    next = tree.config();
                    continue;
                }
                Err(error) => error,
            };
            if rounds >= 4 * MAX_PROBLEMS || recorded >= MAX_PROBLEMS {
                break;
            }
            rounds += 1;
            recorded += 1;
            let written = self.as_written(&steps);
            let path = render(&written);
            if let Some(field) = missing_field(&message) {
                let field_path = key_path(&path, field);
                // Missing because its wrong value was taken out: already reported.
                if !self.removed.contains(&field_path) {
                    self.push(shape_problem(path.clone(), &message), false, Kind::Other);
                }
                self.cover(&field_path);
                // A stand-in of the right type lets the rest of the section be read: `false`
                // first, then the type serde says it expected, then the others.
                let mut tried = [false; STAND_INS];
                let mut kind = 0;
                let filled = loop {
                    tried[kind] = true;
                    if !tree.fill(&steps, field, kind) {
                        break None;
                    }
                    rounds += 1;
                    match tree.config() {
                        Err((at, message))
                            if at.len() == steps.len() + 1
                                && at.starts_with(&steps)
                                && at.last() == Some(&Step::Key(field.to_owned())) =>
                        {
                            let guess = expected_kind(&message).filter(|&k| !tried[k]);
                            match guess.or_else(|| (0..STAND_INS).find(|&k| !tried[k])) {
                                Some(k) => kind = k,
                                None => break None,
                            }
                        }
                        other => break Some(other),
                    }
                };
                match filled {
                    Some(after) => {
                        next = after;
                        continue;
                    }
                    // No stand-in fits: the section goes.
                    None => {
                        if !tree.remove(&steps) {
                            break;
                        }
                        self.take_out(&path);
                    }
                }
            } else {
                self.record(&path, &message);
                if !tree.remove(&steps) {
                    break;
                }
                self.take_out(&path);
            }
            next = tree.config();
        }
        self.more = true;
        None
    }

    /// The value problems of `config`, but for those an error already reported covers.
    fn value_problems(&mut self, config: &SimilarityThresholdConfig) {
        let across_covered = self.covered.contains(ACROSS_BANDS);
        let problems: Vec<ConfigProblem> = config
            .problems()
            .into_iter()
            .map(|mut p| {
                p.key = self.band_as_written(&p.key);
                p
            })
            .filter(|p| !self_and_parents(&p.key).any(|path| self.covered.contains(path)))
            .filter(|p| !(across_covered && compares_bands(&p.key)))
            .collect();
        for problem in problems {
            let at_key = about_key(&problem.key);
            self.push(problem, at_key, Kind::Other);
        }
    }

    /// The problems in the order written, each with its position: at most [`MAX_PROBLEMS`], and
    /// then a last line saying there are more.
    fn finish(self) -> Vec<ConfigProblem> {
        let Collector {
            places,
            mut found,
            more,
            ..
        } = self;
        // Nothing inside an unknown key or a value of the wrong type is reported (a key given
        // twice there, a number out of range), nor a value of an unknown key.
        let mut holders: HashMap<String, Kind> = HashMap::new();
        for f in found.iter().filter(|f| f.kind != Kind::Other) {
            holders.entry(f.problem.key.clone()).or_insert(f.kind);
        }
        found.retain(|f| {
            let key = f.problem.key.as_str();
            // The value of an unknown key does not matter; that the key is given twice does.
            let value_of_unknown = f.kind != Kind::Unknown
                && f.first.is_none()
                && holders.get(key) == Some(&Kind::Unknown);
            let inside = self_and_parents(key)
                .skip(1)
                .any(|parent| holders.contains_key(parent));
            !(value_of_unknown || inside)
        });
        found.sort_by_key(|f| f.at.unwrap_or(usize::MAX));
        let more = more || found.len() > MAX_PROBLEMS;
        found.truncate(MAX_PROBLEMS);
        let positions =
            places.positions(found.iter().flat_map(|f| f.at.into_iter().chain(f.first)));
        let mut problems: Vec<ConfigProblem> = found
            .into_iter()
            .map(|f| {
                let mut problem = f.problem;
                if let Some(first) = f.first.and_then(|at| positions.get(&at)) {
                    problem.message = format!("given twice (first at {first}); keep one");
                }
                problem.position = f.at.and_then(|at| positions.get(&at).copied());
                problem
            })
            .collect();
        if more {
            problems.push(more_line());
        }
        problems
    }
}

/// The last line of a list cut at [`MAX_PROBLEMS`].
fn more_line() -> ConfigProblem {
    ConfigProblem::new(
        "",
        format!("more errors not shown (at most {MAX_PROBLEMS} are); fix these first"),
    )
}

/// A problem found while reading a text into a tree, at a byte offset: a key given twice (the
/// first one is kept; `first` is where) or a number out of range (the entry stands in as null,
/// so it is `dropped`).
struct Early {
    problem: ConfigProblem,
    at: usize,
    first: Option<usize>,
    dropped: bool,
}

/// Every problem of a config whose tree is `tree`, with their positions in `places`, plus the
/// `early` ones.
/// The second part is what reads without error once the entries in error are taken out.
fn collect<T: Tree>(
    mut tree: T,
    places: &Places<'_>,
    early: Vec<Early>,
) -> (Vec<ConfigProblem>, Option<SimilarityThresholdConfig>) {
    let mut collector = Collector {
        places,
        found: Vec::new(),
        removed: HashSet::new(),
        covered: HashSet::new(),
        removed_items: HashMap::new(),
        more: false,
    };
    for Early {
        problem,
        at,
        first,
        dropped,
    } in early
    {
        if dropped {
            collector.take_out(&problem.key);
            collector.cover(&problem.key);
        }
        collector.found.push(Found {
            problem,
            at: Some(at),
            kind: Kind::Other,
            first,
        });
    }
    let rest = collector.run(&mut tree);
    if let Some(config) = &rest {
        collector.value_problems(config);
    }
    (collector.finish(), rest)
}

/// Positions for the value problems of a config that deserialized, in the order written; at
/// most [`MAX_PROBLEMS`], then a line saying there are more.
pub(super) fn locate(problems: &mut Vec<ConfigProblem>, places: &Places<'_>) {
    locate_at(problems, places, about_key, true);
}

/// Positions for problems about names (unknown types and fields): each at its key, in the order
/// written. All of them are kept.
pub(super) fn locate_keys(problems: &mut Vec<ConfigProblem>, places: &Places<'_>) {
    locate_at(problems, places, |_| true, false);
}

fn locate_at(
    problems: &mut Vec<ConfigProblem>,
    places: &Places<'_>,
    at_key: fn(&str) -> bool,
    cap: bool,
) {
    let mut found: Vec<(Option<usize>, ConfigProblem)> = problems
        .drain(..)
        .map(|problem| (places.find(&problem.key, at_key(&problem.key)), problem))
        .collect();
    found.sort_by_key(|(at, _)| at.unwrap_or(usize::MAX));
    let more = cap && found.len() > MAX_PROBLEMS;
    if cap {
        found.truncate(MAX_PROBLEMS);
    }
    let positions = places.positions(found.iter().filter_map(|(at, _)| *at));
    problems.extend(found.into_iter().map(|(at, mut problem)| {
        problem.position = at.and_then(|at| positions.get(&at).copied());
        problem
    }));
    if more {
        problems.push(more_line());
    }
}

/// The entries of a JSON object in order, repeated keys included, each value as its text.
struct Entries<'t>(Vec<(String, &'t RawValue)>);

impl<'de: 't, 't> Deserialize<'de> for Entries<'t> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<'t>(std::marker::PhantomData<&'t ()>);
        impl<'de: 't, 't> serde::de::Visitor<'de> for Visitor<'t> {
            type Value = Entries<'t>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    out.push((key, map.next_value::<&'de RawValue>()?));
                }
                Ok(Entries(out))
            }
        }
        deserializer.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

/// Reads JSON text (known to be one object, without syntax errors) into a tree and the places
/// of its keys and values.
struct JsonReader<'t> {
    places: Places<'t>,
    early: Vec<Early>,
    /// Whether a part of the text is not JSON after all (`RawValue` does not decode strings, so
    /// a bad escape shows only when a key or a string is read).
    syntax: bool,
}

impl<'t> JsonReader<'t> {
    fn new(text: &'t str) -> JsonReader<'t> {
        JsonReader {
            places: Places {
                text,
                by_path: HashMap::new(),
            },
            early: Vec::new(),
            syntax: false,
        }
    }

    fn offset(&self, part: &str) -> usize {
        (part.as_ptr() as usize).saturating_sub(self.places.text.as_ptr() as usize)
    }

    /// Where the key of the value at `value` starts: back over `:` and whitespace to the key's
    /// closing quote, then to its opening quote (one not escaped by a backslash).
    fn key_start(&self, value: usize) -> usize {
        let bytes = self.places.text.as_bytes();
        let mut i = value;
        let skip_space = |i: &mut usize| {
            while *i > 0 && bytes[*i - 1].is_ascii_whitespace() {
                *i -= 1;
            }
        };
        skip_space(&mut i);
        if i == 0 || bytes[i - 1] != b':' {
            return value;
        }
        i -= 1;
        skip_space(&mut i);
        if i == 0 || bytes[i - 1] != b'"' {
            return value;
        }
        let close = i - 1;
        let mut j = close;
        while j > 0 {
            j -= 1;
            if bytes[j] == b'"' {
                let backslashes = bytes[..j].iter().rev().take_while(|&&b| b == b'\\').count();
                if backslashes % 2 == 0 {
                    return j;
                }
            }
        }
        value
    }

    fn value(&mut self, raw: &'t RawValue, path: &str, depth: usize) -> Option<serde_json::Value> {
        use serde_json::Value;
        let text = raw.get();
        // Deeper than any config goes, serde_json reads the rest (and refuses what is nested
        // past its own recursion limit) rather than this reader recursing without end.
        let open = if depth < MAX_DEPTH {
            text.as_bytes().first()
        } else {
            None
        };
        let result = match open {
            Some(b'{') => serde_json::from_str::<Entries<'t>>(text).map(|Entries(entries)| {
                let mut map = serde_json::Map::new();
                for (key, raw) in entries {
                    let child = key_path(path, &key);
                    let value_at = self.offset(raw.get());
                    let key_at = self.key_start(value_at);
                    if map.contains_key(&key) {
                        let first = self.places.by_path.get(&child).map(|p| p.key);
                        self.early.push(Early {
                            problem: ConfigProblem::new(child, "given twice; keep one"),
                            at: key_at,
                            first,
                            dropped: false,
                        });
                        continue;
                    }
                    self.places.by_path.insert(
                        child.clone(),
                        Place {
                            key: key_at,
                            value: value_at,
                        },
                    );
                    // A value that cannot be read (reported) stands in as null, so that an
                    // unknown key is still named.
                    let value = self.value(raw, &child, depth + 1);
                    map.insert(key, value.unwrap_or(Value::Null));
                }
                Value::Object(map)
            }),
            Some(b'[') => serde_json::from_str::<Vec<&'t RawValue>>(text).map(|items| {
                let mut out = Vec::with_capacity(items.len());
                for (i, raw) in items.into_iter().enumerate() {
                    let child = format!("{path}[{i}]");
                    let at = self.offset(raw.get());
                    self.places
                        .by_path
                        .insert(child.clone(), Place { key: at, value: at });
                    // An item that cannot be read is left out (and reported); the indices of
                    // the next ones are mapped back to those written.
                    if let Some(value) = self.value(raw, &child, depth + 1) {
                        out.push(value);
                    }
                }
                Value::Array(out)
            }),
            _ => serde_json::from_str::<Value>(text),
        };
        match result {
            Ok(value) => Some(value),
            // Nested past serde_json's recursion limit: nothing a config holds, so it stands in
            // as null, which the config's shape then refuses where it matters.
            Err(error) if error.to_string().starts_with("recursion limit exceeded") => {
                Some(Value::Null)
            }
            Err(error) if !error.to_string().starts_with("number out of range") => {
                self.syntax = true;
                None
            }
            Err(error) => {
                // A number out of f64's range.
                let message = error.to_string();
                let suffix = format!(" at line {} column {}", error.line(), error.column());
                let message = message.strip_suffix(&suffix).unwrap_or(&message);
                let problem = ConfigProblem::new(path, message)
                    .help("no config value is this large; thresholds lie within 0.0..=1.0");
                self.early.push(Early {
                    problem,
                    at: self.offset(text),
                    first: None,
                    dropped: true,
                });
                None
            }
        }
    }
}

/// Every problem of JSON `text` (a BOM already removed), which does not deserialize. `Err` is a
/// syntax error, which the first reading may not have reached.
pub(super) fn json_problems(
    text: &str,
) -> Result<(Vec<ConfigProblem>, Option<SimilarityThresholdConfig>), serde_json::Error> {
    let root: &RawValue = serde_json::from_str(text)?;
    let mut reader = JsonReader::new(text);
    let tree = reader.value(root, "", 0).unwrap_or(serde_json::Value::Null);
    if reader.syntax {
        // Read whole, the text gives the syntax error with its place in the file.
        serde_json::from_str::<JsonValue>(text)?;
    }
    let JsonReader { places, early, .. } = reader;
    Ok(collect(tree, &places, early))
}

/// The places of every key and value of JSON `text` (a BOM already removed), which parses.
pub(super) fn json_places(text: &str) -> Places<'_> {
    let mut reader = JsonReader::new(text);
    if let Ok(root) = serde_json::from_str::<&RawValue>(text) {
        reader.value(root, "", 0);
    }
    reader.places
}

/// The places of every key and value of TOML `text`.
pub(super) fn toml_places(text: &str) -> Result<Places<'_>, toml::de::Error> {
    fn walk(
        table: &toml::de::DeTable<'_>,
        path: &str,
        out: &mut HashMap<String, Place>,
        depth: usize,
    ) {
        if depth == MAX_DEPTH {
            return;
        }
        for (key, value) in table.iter() {
            let child = key_path(path, key.get_ref());
            out.insert(
                child.clone(),
                Place {
                    key: key.span().start,
                    value: value.span().start,
                },
            );
            walk_value(value.get_ref(), &child, out, depth + 1);
        }
    }
    fn walk_value(
        value: &toml::de::DeValue<'_>,
        path: &str,
        out: &mut HashMap<String, Place>,
        depth: usize,
    ) {
        if depth == MAX_DEPTH {
            return;
        }
        match value {
            toml::de::DeValue::Table(table) => walk(table, path, out, depth),
            toml::de::DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let child = format!("{path}[{i}]");
                    let at = item.span().start;
                    out.insert(child.clone(), Place { key: at, value: at });
                    walk_value(item.get_ref(), &child, out, depth + 1);
                }
            }
            _ => {}
        }
    }
    let root = toml::de::DeTable::parse(text)?;
    let mut by_path = HashMap::new();
    walk(root.get_ref(), "", &mut by_path, 0);
    Ok(Places { text, by_path })
}

/// Every problem of TOML `text`, which does not deserialize. `Err` is a syntax error.
pub(super) fn toml_problems(
    text: &str,
) -> Result<(Vec<ConfigProblem>, Option<SimilarityThresholdConfig>), toml::de::Error> {
    let places = toml_places(text)?;
    let table: toml::Table = toml::from_str(text)?;
    Ok(collect(toml::Value::Table(table), &places, Vec::new()))
}
