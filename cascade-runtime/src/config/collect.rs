//! Every error of a config at once, each with its line and column.
//!
//! serde stops at the first error it meets. To report them all, the text is read into a tree
//! (`serde_json::Value` or `toml::Value`) along with the place of every key and value; then the
//! config is deserialized from the tree again and again, each time recording the error and taking
//! out the entry it is about, until what is left deserializes. The value problems of what is left
//! ([`SimilarityThresholdConfig::problems`]) are added, except those that compare an entry taken
//! out with others ([`Collector::cover`]), which could only echo its error. The work is bounded:
//! each round takes one entry out, and the rounds stop at [`MAX_PROBLEMS`] errors; a config
//! without errors is read once, by serde alone.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_path_to_error::Segment;

use super::{ConfigProblem, Position, SimilarityThresholdConfig, suggest};
use crate::Threshold;

/// At most this many errors are collected from one config; a last line then says there are more.
const MAX_PROBLEMS: usize = 100;

/// Keys and values nested deeper than this get no place of their own (a config has 4 levels).
const MAX_DEPTH: usize = 64;

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

impl Places<'_> {
    /// The line and column of byte `offset`: lines count from 1 and end at `\n`, columns count
    /// characters from 1 (a byte-order mark at the start is not one).
    fn position(&self, offset: usize) -> Position {
        let before = self.text.get(..offset).unwrap_or(self.text);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = &before[line_start..];
        let line = if line_start == 0 {
            line.strip_prefix('\u{feff}').unwrap_or(line)
        } else {
            line
        };
        Position {
            line: memchr_count(before) + 1,
            column: line.chars().count() + 1,
        }
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

/// The number of line breaks in `text`.
fn memchr_count(text: &str) -> usize {
    text.bytes().filter(|&b| b == b'\n').count()
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
    let cut = path.rfind(['.', '['])?;
    Some(&path[..cut])
}

/// Whether `path` is `ancestor` or inside it.
fn within(path: &str, ancestor: &str) -> bool {
    path.strip_prefix(ancestor)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// A tree a config can be deserialized from, and entries taken out of.
trait Tree {
    /// Deserializes the config, or gives the first error's path and message.
    fn config(&self) -> Result<SimilarityThresholdConfig, (Vec<Step>, String)>;
    /// Takes out the entry at `steps`; whether there was one.
    fn remove(&mut self, steps: &[Step]) -> bool;
}

fn steps(path: &serde_path_to_error::Path) -> Vec<Step> {
    path.iter()
        .map_while(|segment| match segment {
            Segment::Seq { index } => Some(Step::Index(*index)),
            Segment::Map { key } => Some(Step::Key(key.clone())),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

impl Tree for serde_json::Value {
    fn config(&self) -> Result<SimilarityThresholdConfig, (Vec<Step>, String)> {
        serde_path_to_error::deserialize(self)
            .map_err(|e| (steps(e.path()), e.into_inner().to_string()))
    }

    fn remove(&mut self, steps: &[Step]) -> bool {
        use serde_json::Value;
        let Some((last, parents)) = steps.split_last() else {
            return false;
        };
        let mut node = self;
        for step in parents {
            let next = match (step, node) {
                (Step::Key(key), Value::Object(map)) => map.get_mut(key),
                (Step::Index(i), Value::Array(items)) => items.get_mut(*i),
                _ => None,
            };
            let Some(next) = next else { return false };
            node = next;
        }
        match (last, node) {
            (Step::Key(key), Value::Object(map)) => map.remove(key).is_some(),
            (Step::Index(i), Value::Array(items)) if *i < items.len() => {
                items.remove(*i);
                true
            }
            _ => false,
        }
    }
}

impl Tree for toml::Value {
    fn config(&self) -> Result<SimilarityThresholdConfig, (Vec<Step>, String)> {
        serde_path_to_error::deserialize(self.clone())
            .map_err(|e| (steps(e.path()), e.inner().message().to_owned()))
    }

    fn remove(&mut self, steps: &[Step]) -> bool {
        use toml::Value;
        let Some((last, parents)) = steps.split_last() else {
            return false;
        };
        let mut node = self;
        for step in parents {
            let next = match (step, node) {
                (Step::Key(key), Value::Table(table)) => table.get_mut(key),
                (Step::Index(i), Value::Array(items)) => items.get_mut(*i),
                _ => None,
            };
            let Some(next) = next else { return false };
            node = next;
        }
        match (last, node) {
            (Step::Key(key), Value::Table(table)) => table.remove(key).is_some(),
            (Step::Index(i), Value::Array(items)) if *i < items.len() => {
                items.remove(*i);
                true
            }
            _ => false,
        }
    }
}

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

/// A problem and the byte offset it is about, if known.
struct Found {
    problem: ConfigProblem,
    at: Option<usize>,
}

/// What was wrong with a config, and where.
struct Collector<'p, 't> {
    places: &'p Places<'t>,
    found: Vec<Found>,
    /// Paths (with the indices as written) of the entries taken out or left out.
    removed: HashSet<String>,
    /// The paths whose value problems would only echo an error already reported (see
    /// [`Collector::cover`]).
    covered: Vec<String>,
    /// Paths of unknown keys: what is inside them is not reported.
    unknown: Vec<String>,
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

    fn push(&mut self, problem: ConfigProblem, at_key: bool) {
        let at = self.places.find(&problem.key, at_key);
        self.found.push(Found { problem, at });
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

    /// Notes that the values around `path`, which was taken out for a wrong value, were checked
    /// against a default in its place: the value checks that compare it with others would
    /// only echo the error. `minThreshold` and `maxThreshold` are compared with each other,
    /// `baseDimensions` with every dimension, and the bands with each other; every other value
    /// stands alone.
    fn cover(&mut self, path: &str) {
        let section = match path {
            "adaptive.minThreshold" | "adaptive.maxThreshold" => "adaptive.minThreshold",
            "dimensionAdjustment.baseDimensions" => "dimensionAdjustment",
            _ if within(path, "adaptive.candidateCountBands") => "adaptive.candidateCountBands",
            _ => path,
        };
        self.covered.push(section.to_owned());
    }

    /// Deserializes `tree` until what is left deserializes, recording each error.
    fn run<T: Tree>(&mut self, tree: &mut T) -> Option<SimilarityThresholdConfig> {
        // Each round takes one entry out; a round that reports nothing follows one that did, so
        // this bounds the work however many entries are wrong.
        for _ in 0..3 * MAX_PROBLEMS {
            let (steps, message) = match tree.config() {
                Ok(config) => return Some(config),
                Err(error) => error,
            };
            let written = self.as_written(&steps);
            let path = render(&written);
            // An entry already reported (a number out of range) or a required one taken out
            // (`missing field`) would only repeat that error.
            let knock_on = self.removed.contains(&path)
                || missing_field(&message).is_some_and(|field| {
                    let field = if path.is_empty() {
                        field.to_owned()
                    } else {
                        format!("{path}.{field}")
                    };
                    self.removed.contains(&field)
                });
            if !knock_on {
                if self.found.len() >= MAX_PROBLEMS {
                    break;
                }
                let unknown = message.starts_with("unknown field `");
                // An unknown key, or a dimension key that is not a number or repeats one.
                let at_key = unknown || message.starts_with("dimension");
                self.push(shape_problem(path.clone(), &message), at_key);
                if unknown {
                    self.unknown.push(path.clone());
                } else {
                    self.cover(&path);
                }
            } else {
                self.cover(&path);
            }
            if !tree.remove(&steps) {
                break;
            }
            self.take_out(&path);
        }
        self.more = true;
        None
    }

    /// The value problems of `config`, but for those an error already reported covers.
    fn value_problems(&mut self, config: &SimilarityThresholdConfig) {
        let problems: Vec<ConfigProblem> = config
            .problems()
            .into_iter()
            .filter(|p| !self.covered.iter().any(|c| within(&p.key, c)))
            .collect();
        for problem in problems {
            let at_key = about_key(&problem.key);
            self.push(problem, at_key);
        }
    }

    /// The problems in the order written, each with its position: at most [`MAX_PROBLEMS`], and
    /// then a last line saying there are more.
    fn finish(self) -> Vec<ConfigProblem> {
        let Collector {
            places,
            mut found,
            unknown,
            more,
            ..
        } = self;
        // What is inside an unknown key (a key given twice there) is not reported.
        found.retain(|f| {
            !unknown
                .iter()
                .any(|u| f.problem.key != *u && within(&f.problem.key, u))
        });
        found.sort_by_key(|f| f.at.unwrap_or(usize::MAX));
        let more = more || found.len() > MAX_PROBLEMS;
        found.truncate(MAX_PROBLEMS);
        let mut problems: Vec<ConfigProblem> = found
            .into_iter()
            .map(|Found { mut problem, at }| {
                problem.position = at.map(|at| places.position(at));
                problem
            })
            .collect();
        if more {
            problems.push(ConfigProblem::new(
                "",
                format!("more errors not shown (at most {MAX_PROBLEMS} are); fix these first"),
            ));
        }
        problems
    }
}

/// A problem found while reading a text into a tree, at a byte offset: a key given twice (the
/// first one is kept) or a number out of range (the entry is left out, so it is `dropped`).
struct Early {
    problem: ConfigProblem,
    at: usize,
    dropped: bool,
}

/// Every problem of a config whose tree is `tree`, with their positions in `places`, plus the
/// `early` ones.
fn collect<T: Tree>(mut tree: T, places: &Places<'_>, early: Vec<Early>) -> Vec<ConfigProblem> {
    let mut collector = Collector {
        places,
        found: Vec::new(),
        removed: HashSet::new(),
        covered: Vec::new(),
        unknown: Vec::new(),
        removed_items: HashMap::new(),
        more: false,
    };
    for Early {
        problem,
        at,
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
        });
    }
    if let Some(config) = collector.run(&mut tree) {
        collector.value_problems(&config);
    }
    collector.finish()
}

/// Positions for the value problems of a config that deserialized, in the order written.
pub(super) fn locate(problems: &mut Vec<ConfigProblem>, places: &Places<'_>) {
    let mut found: Vec<Found> = problems
        .drain(..)
        .map(|problem| {
            let at = places.find(&problem.key, about_key(&problem.key));
            Found { problem, at }
        })
        .collect();
    found.sort_by_key(|f| f.at.unwrap_or(usize::MAX));
    let more = found.len() > MAX_PROBLEMS;
    found.truncate(MAX_PROBLEMS);
    problems.extend(found.into_iter().map(|Found { mut problem, at }| {
        problem.position = at.map(|at| places.position(at));
        problem
    }));
    if more {
        problems.push(ConfigProblem::new(
            "",
            format!("more errors not shown (at most {MAX_PROBLEMS} are); fix these first"),
        ));
    }
}

/// Positions for problems about names (unknown types and fields): each at its key, in the order
/// written.
pub(super) fn locate_keys(problems: &mut [ConfigProblem], places: &Places<'_>) {
    for problem in problems.iter_mut() {
        problem.position = places
            .find(&problem.key, true)
            .map(|at| places.position(at));
    }
    problems.sort_by_key(|p| p.position.map_or((usize::MAX, 0), |p| (p.line, p.column)));
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
}

impl<'t> JsonReader<'t> {
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
                    let child = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    let value_at = self.offset(raw.get());
                    let key_at = self.key_start(value_at);
                    if map.contains_key(&key) {
                        let first = self.places.by_path.get(&child).map(|p| p.key);
                        let mut problem = ConfigProblem::new(child, "given twice; keep one");
                        if let Some(first) = first {
                            let first = self.places.position(first);
                            problem.message = format!("given twice (first at {first}); keep one");
                        }
                        self.early.push(Early {
                            problem,
                            at: key_at,
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
                    if let Some(value) = self.value(raw, &child, depth + 1) {
                        map.insert(key, value);
                    }
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
            Err(error) => {
                // A number out of f64's range (the text parsed as JSON already).
                let message = error.to_string();
                let suffix = format!(" at line {} column {}", error.line(), error.column());
                let message = message.strip_suffix(&suffix).unwrap_or(&message);
                let problem = ConfigProblem::new(path, message)
                    .help("no config value is this large; thresholds lie within 0.0..=1.0");
                self.early.push(Early {
                    problem,
                    at: self.offset(text),
                    dropped: true,
                });
                None
            }
        }
    }
}

/// Every problem of JSON `text` (a BOM already removed), which has no syntax error but does not
/// deserialize. `Err` is a syntax error after the first deserialization error, which the first
/// reading did not reach.
pub(super) fn json_problems(text: &str) -> Result<Vec<ConfigProblem>, serde_json::Error> {
    let root: &RawValue = serde_json::from_str(text)?;
    let mut reader = JsonReader {
        places: Places {
            text,
            by_path: HashMap::new(),
        },
        early: Vec::new(),
    };
    let tree = reader.value(root, "", 0).unwrap_or(serde_json::Value::Null);
    let JsonReader { places, early } = reader;
    Ok(collect(tree, &places, early))
}

/// The places of every key and value of JSON `text` (a BOM already removed), which parses.
pub(super) fn json_places(text: &str) -> Places<'_> {
    let mut reader = JsonReader {
        places: Places {
            text,
            by_path: HashMap::new(),
        },
        early: Vec::new(),
    };
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
            let child = if path.is_empty() {
                key.get_ref().to_string()
            } else {
                format!("{path}.{}", key.get_ref())
            };
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
pub(super) fn toml_problems(text: &str) -> Result<Vec<ConfigProblem>, toml::de::Error> {
    let places = toml_places(text)?;
    let table: toml::Table = toml::from_str(text)?;
    Ok(collect(toml::Value::Table(table), &places, Vec::new()))
}
