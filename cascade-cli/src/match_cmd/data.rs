//! Loading the JSONL inputs of `cascade match`: catalog, queries and embeddings.
//!
//! Every bad row is reported as `file:line: field `x`: what is wrong`, and loading carries on so
//! that all errors of a file are reported at once. Blank lines are allowed (they hold no row); a
//! queries or embeddings file with no row at all is one error (an empty catalog is fine: with
//! `--schema`, every query type then simply has no candidates).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use cascade_runtime::config::suggest::did_you_mean;
use cascade_runtime::similarity::UnitVector;
use serde_json::Value;

use crate::rows::{Lines, RowError, json_array_error, opens_json_array, value_kind};

/// A catalog row: an existing entity.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entity {
    pub(crate) line: usize,
    pub(crate) id: String,
    pub(crate) entity_type: String,
    pub(crate) name: String,
}

/// What a query is expected to resolve to.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Gold {
    /// No `gold_id` key: the query is not labelled and does not count towards accuracy.
    Unlabelled,
    /// `"gold_id": null`: nothing should match.
    NoMatch,
    /// `"gold_id": "..."`: this entity should match.
    Id(String),
}

/// A query row.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Query {
    pub(crate) line: usize,
    pub(crate) text: String,
    pub(crate) entity_type: String,
    pub(crate) gold: Gold,
}

/// A JSON object row.
type Row = serde_json::Map<String, Value>;

/// Calls `each` with the fields of every non-blank line of `path`, a JSON object, in file order.
/// An unreadable file and every line that is not a JSON object go to `errors` (`what` names the
/// row kind in the hint); [`Fields`] then reads the fields one by one so that each problem names
/// its field.
fn each_row(path: &Path, what: &str, errors: &mut Vec<RowError>, each: impl FnMut(Fields<'_>)) {
    each_row_or_broken(path, what, errors, each, |_| {});
}

/// [`each_row`], also calling `broken` with the text of every line that is not a JSON object.
fn each_row_or_broken(
    path: &Path,
    what: &str,
    errors: &mut Vec<RowError>,
    mut each: impl FnMut(Fields<'_>),
    mut broken: impl FnMut(&str),
) {
    let mut lines = match std::fs::File::open(path) {
        Ok(file) => Lines::new(file),
        Err(e) => {
            errors.push(RowError::new(path, 0, format!("cannot open: {e}")));
            return;
        }
    };
    let mut first = true;
    while let Some((line, text)) = lines.next_line() {
        let line_text = match text {
            Ok(text) => text,
            Err(e) => {
                errors.push(RowError::new(path, line, e.to_string()));
                continue;
            }
        };
        if std::mem::take(&mut first) && opens_json_array(line_text) {
            errors.push(json_array_error(path, line));
            return;
        }
        let hint = || {
            format!(
                "{} row looks like {}",
                with_article(what),
                expected_shape(what)
            )
        };
        match serde_json::from_str::<Value>(line_text) {
            Ok(Value::Object(row)) => each(Fields::new(&row, path, line, errors)),
            Ok(other) => {
                broken(line_text);
                errors.push(RowError::new(
                    path,
                    line,
                    format!(
                        "expected a JSON object, found {}; {}",
                        value_kind(&other),
                        hint()
                    ),
                ));
            }
            Err(e) => {
                broken(line_text);
                errors.push(RowError::invalid_json(path, line, line_text, &e, &hint()));
            }
        }
    }
}

/// Reads the fields of one row, recording a problem per bad field.
struct Fields<'r> {
    row: &'r Row,
    path: &'r Path,
    line: usize,
    errors: &'r mut Vec<RowError>,
    ok: bool,
}

impl<'r> Fields<'r> {
    fn new(row: &'r Row, path: &'r Path, line: usize, errors: &'r mut Vec<RowError>) -> Fields<'r> {
        Fields {
            row,
            path,
            line,
            errors,
            ok: true,
        }
    }

    /// Records a problem of this row.
    fn fail(&mut self, message: String) {
        self.ok = false;
        self.errors
            .push(RowError::new(self.path, self.line, message));
    }

    /// A required, non-empty string.
    fn text(&mut self, name: &str) -> String {
        match self.row.get(name) {
            Some(Value::String(s)) if !s.trim().is_empty() => return s.clone(),
            Some(Value::String(_)) => self.fail(format!("field `{name}`: is empty")),
            Some(other) => self.fail(format!(
                "field `{name}`: expected a string, found {}",
                value_kind(other)
            )),
            None => self.fail(format!("field `{name}`: is missing")),
        }
        String::new()
    }

    /// An optional string that may be null: `None` when absent, `Some(None)` when null.
    fn nullable_text(&mut self, name: &str) -> Option<Option<String>> {
        match self.row.get(name) {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::String(s)) if !s.trim().is_empty() => Some(Some(s.clone())),
            Some(Value::String(_)) => {
                self.fail(format!(
                    "field `{name}`: is empty; write null when nothing should match"
                ));
                None
            }
            Some(other) => {
                self.fail(format!(
                    "field `{name}`: expected a string or null, found {}",
                    value_kind(other)
                ));
                None
            }
        }
    }

    /// A required array of numbers that fit an `f32`.
    fn vector(&mut self, name: &str) -> Vec<f32> {
        let items = match self.row.get(name) {
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.fail(format!(
                    "field `{name}`: expected an array of numbers, found {}",
                    value_kind(other)
                ));
                return Vec::new();
            }
            None => {
                self.fail(format!("field `{name}`: is missing"));
                return Vec::new();
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item.as_f64() {
                Some(x) if x.is_finite() && (x as f32).is_finite() => out.push(x as f32),
                Some(x) => {
                    self.fail(format!(
                        "field `{name}`: component {i} is `{x:e}`, outside the f32 range"
                    ));
                    return Vec::new();
                }
                None => {
                    self.fail(format!(
                        "field `{name}`: component {i} is {}, expected a number",
                        value_kind(item)
                    ));
                    return Vec::new();
                }
            }
        }
        out
    }
}

/// `what` with its indefinite article: `a query`, `an embedding`.
fn with_article(what: &str) -> String {
    let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {what}")
}

fn expected_shape(what: &str) -> &'static str {
    match what {
        "catalog" => r#"{"id": "...", "type": "...", "name": "..."}"#,
        "query" => r#"{"query": "...", "type": "...", "gold_id": "..." | null}"#,
        _ => r#"{"text": "...", "vector": [numbers]}"#,
    }
}

/// Loads the catalog; ids are unique per type.
pub(crate) fn load_catalog(path: &Path, errors: &mut Vec<RowError>) -> Vec<Entity> {
    let mut out = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    each_row(path, "catalog", errors, |mut fields| {
        let id = fields.text("id");
        let entity_type = fields.text("type");
        let name = fields.text("name");
        if !fields.ok {
            return;
        }
        if let Some(first) = seen.insert((entity_type.clone(), id.clone()), fields.line) {
            fields.fail(format!(
                "field `id`: duplicate id `{id}` of type `{entity_type}` (first on line {first}); ids must be unique per type"
            ));
            return;
        }
        out.push(Entity {
            line: fields.line,
            id,
            entity_type,
            name,
        });
    });
    out
}

/// The types a query may have beyond the catalog's: a type `--schema` declares but no catalog
/// entity has is a type with no candidates yet (`~>` creates, `<~` links nothing; DESIGN §8).
#[derive(Clone, Debug)]
pub(crate) enum Declared<'s> {
    /// No `--schema`: a query type must be a catalog type.
    Nothing,
    /// `--schema` or the catalog could not be read (its error stops the run): a query's type and
    /// `gold_id` are not checked, as every row would only repeat that error.
    Unknown,
    /// The types of `--schema` (the file, for messages).
    Types(&'s Path, Vec<&'s str>),
}

/// How many unknown `gold_id`s get a did-you-mean (each is a scan of the type's ids): the
/// warnings printed in full.
const SUGGEST_GOLD_IDS: usize = 20;

/// Loads the queries and checks each names a catalog type or a type `declared` in the schema.
/// A `gold_id` that is not a catalog id of the query's type is a warning (in `warnings`), not an
/// error: it is only an evaluation label, so the query is matched and counted as unlabelled.
pub(crate) fn load_queries(
    path: &Path,
    catalog: &[Entity],
    declared: &Declared<'_>,
    errors: &mut Vec<RowError>,
    warnings: &mut Vec<RowError>,
) -> Vec<Query> {
    let mut ids: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in catalog {
        ids.entry(e.entity_type.as_str())
            .or_default()
            .insert(e.id.as_str());
    }
    let no_ids = BTreeSet::new();
    let before = errors.len();
    let mut rows = 0;
    let mut out = Vec::new();
    each_row(path, "query", errors, |mut fields| {
        rows += 1;
        let query = fields.text("query");
        let entity_type = fields.text("type");
        let gold_id = fields.nullable_text("gold_id");
        if !fields.ok {
            return;
        }
        // `None`: not checked (see `Declared::Unknown`).
        let type_ids = match (ids.get(entity_type.as_str()), declared) {
            (Some(type_ids), _) => Some(type_ids),
            (None, Declared::Unknown) => None,
            (None, Declared::Types(_, types)) if types.contains(&entity_type.as_str()) => {
                Some(&no_ids)
            }
            (None, _) => {
                fields.fail(unknown_type(&entity_type, &ids, declared));
                return;
            }
        };
        let gold = match gold_id {
            None => Gold::Unlabelled,
            Some(None) => Gold::NoMatch,
            Some(Some(id)) if type_ids.is_none_or(|ids| ids.contains(id.as_str())) => Gold::Id(id),
            Some(Some(id)) => {
                let (why, suggestion) = match type_ids {
                    Some(type_ids) if type_ids.is_empty() => (
                        format!(" (the catalog has no entity of type `{entity_type}`)"),
                        None,
                    ),
                    Some(_) if warnings.len() >= SUGGEST_GOLD_IDS => (String::new(), None),
                    Some(type_ids) => {
                        let other = ids
                            .iter()
                            .find(|(_, of_type)| of_type.contains(id.as_str()))
                            .map(|(other, _)| *other);
                        match other {
                            Some(other) => (format!(" (it is an id of type `{other}`)"), None),
                            None => (String::new(), did_you_mean(&id, type_ids.iter().copied())),
                        }
                    }
                    None => (String::new(), None),
                };
                let fix = suggestion.map_or_else(
                    || "fix the id".to_owned(),
                    |s| format!("fix the id (did you mean `{s}`?)"),
                );
                warnings.push(RowError::new(
                    path,
                    fields.line,
                    format!(
                        "field `gold_id`: `{id}` is not a catalog id of type `{entity_type}`{why}; the query is matched but counted as unlabelled (not in the accuracy): {fix}, or write null when it should match nothing"
                    ),
                ));
                Gold::Unlabelled
            }
        };
        out.push(Query {
            line: fields.line,
            text: query,
            entity_type,
            gold,
        });
    });
    if rows == 0 && errors.len() == before {
        errors.push(empty_file(path, "query"));
    }
    out
}

/// A file with no rows (blank lines at most): one error for the file, not one per row that
/// needed it.
fn empty_file(path: &Path, what: &str) -> RowError {
    RowError::new(
        path,
        0,
        format!(
            "is empty (no {what} rows): expected one JSON object per line, like {}",
            expected_shape(what)
        ),
    )
}

/// Why a query type is neither a catalog type nor declared, with a did-you-mean against both.
fn unknown_type(
    entity_type: &str,
    catalog: &BTreeMap<&str, BTreeSet<&str>>,
    declared: &Declared<'_>,
) -> String {
    let schema_types = match declared {
        Declared::Types(_, types) => types.as_slice(),
        Declared::Nothing | Declared::Unknown => &[],
    };
    let known: BTreeSet<&str> = catalog.keys().chain(schema_types).copied().collect();
    let hint = did_you_mean(entity_type, known.iter().copied())
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    let catalog_types = if catalog.is_empty() {
        "none".to_owned()
    } else {
        catalog.keys().copied().collect::<Vec<_>>().join(", ")
    };
    match declared {
        Declared::Types(schema, _) => format!(
            "field `type`: unknown type `{entity_type}`: no catalog entity has it and `{}` does not declare it; {hint}catalog types: {catalog_types}",
            schema.display()
        ),
        Declared::Nothing | Declared::Unknown => format!(
            "field `type`: no catalog entity has type `{entity_type}`; {hint}catalog types: {catalog_types}; a type with no entities yet needs a `--schema` that declares it"
        ),
    }
}

/// Embeddings by exact text, all of one dimension.
#[derive(Debug, Default)]
pub(crate) struct Embeddings {
    pub(crate) dims: usize,
    vectors: HashMap<String, UnitVector>,
    /// Texts whose only rows were reported as bad: a row needing one is not also told to add
    /// a row, since it has one (its own error says what to fix).
    rejected: HashSet<String>,
}

impl Embeddings {
    /// Whether no vector was loaded (the file is empty, unreadable or has only bad rows, and
    /// says so itself): looking texts up would only repeat that once per text.
    pub(crate) fn is_empty(&self) -> bool {
        self.vectors.is_empty()
    }

    /// The vector of `text`, or an error naming the row that needs it.
    pub(crate) fn get(
        &self,
        text: &str,
        embeddings_path: &Path,
        needed_by: (&Path, usize, &str),
        errors: &mut Vec<RowError>,
    ) -> Option<&UnitVector> {
        let found = self.vectors.get(text);
        if found.is_none() && !self.rejected.contains(text) {
            let (file, line, field) = needed_by;
            errors.push(RowError::new(
                file,
                line,
                format!(
                    "field `{field}`: no embedding for the text `{text}` in {}; add a row {{\"text\": \"{text}\", \"vector\": [...]}} (texts match exactly)",
                    embeddings_path.display()
                ),
            ));
        }
        found
    }
}

/// Loads the embeddings: every vector finite, non-zero and of the first row's dimension; texts
/// unique.
pub(crate) fn load_embeddings(path: &Path, errors: &mut Vec<RowError>) -> Embeddings {
    let mut out = Embeddings::default();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let before = errors.len();
    let mut rows = 0;
    let mut rejected = HashSet::new();
    let each = |mut fields: Fields<'_>| {
        rows += 1;
        let text = fields.text("text");
        let text_ok = fields.ok;
        let vector = fields.vector("vector");
        if !fields.ok {
            if text_ok {
                rejected.insert(text);
            }
            return;
        }
        if out.dims == 0 {
            out.dims = vector.len();
        }
        if vector.len() != out.dims {
            fields.fail(format!(
                "field `vector`: {} components, but the first row has {}; all embeddings need one dimension",
                vector.len(),
                out.dims
            ));
            rejected.insert(text);
            return;
        }
        if let Some(first) = first_line.get(&text) {
            fields.fail(format!(
                "field `text`: duplicate text `{text}` (first on line {first})"
            ));
            return;
        }
        match UnitVector::new(vector) {
            Ok(v) => {
                first_line.insert(text.clone(), fields.line);
                out.vectors.insert(text, v);
            }
            Err(e) => {
                fields.fail(format!("field `vector`: {e}"));
                rejected.insert(text);
            }
        }
    };
    let mut broken_texts = Vec::new();
    each_row_or_broken(path, "embedding", errors, each, |line| {
        broken_texts.extend(text_of_broken_row(line));
    });
    if rows == 0 && errors.len() == before {
        errors.push(empty_file(path, "embedding"));
    }
    rejected.extend(broken_texts);
    rejected.retain(|text| !out.vectors.contains_key(text));
    out.rejected = rejected;
    out
}

/// The `text` of an embedding row that is not valid JSON (`[NaN, ...]`, a cut line), when its
/// `"text": "..."` can still be read: so the row's own error is not followed by one "no
/// embedding" error per row needing that text.
fn text_of_broken_row(line: &str) -> Option<String> {
    let (_, after) = line.split_once("\"text\"")?;
    let value = after.trim_start().strip_prefix(':')?;
    let mut de = serde_json::Deserializer::from_str(value);
    serde::Deserialize::deserialize(&mut de).ok()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, text).expect("the temp dir is writable");
        p
    }

    /// Writes `catalog` and `queries` to a temporary directory and loads both, with no schema:
    /// the queries kept, the errors and the warnings.
    fn load(catalog: &str, queries: &str) -> (Vec<Query>, Vec<RowError>, Vec<RowError>) {
        let dir = tempfile::tempdir().expect("a temp dir");
        let c = write(&dir, "c.jsonl", catalog);
        let q = write(&dir, "q.jsonl", queries);
        let (mut errors, mut warnings) = (Vec::new(), Vec::new());
        let catalog = load_catalog(&c, &mut errors);
        let queries = load_queries(&q, &catalog, &Declared::Nothing, &mut errors, &mut warnings);
        (queries, errors, warnings)
    }

    fn messages(errors: &[RowError]) -> Vec<String> {
        errors
            .iter()
            .map(|e| match e.column {
                Some(column) => format!("{}:{column}: {}", e.line, e.message),
                None => format!("{}: {}", e.line, e.message),
            })
            .collect()
    }

    #[test]
    fn catalog_errors_are_all_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            &dir,
            "c.jsonl",
            "{\"id\":\"a\",\"type\":\"T\",\"name\":\"A\"}\n\n{\"id\":\"a\",\"type\":\"T\",\"name\":\"B\"}\n{\"id\":\"b\",\"type\":\"\",\"name\":\"\"}\n{\"id\":1}\nnot json\n[1, 2]\n",
        );
        let mut errors = Vec::new();
        let c = load_catalog(&p, &mut errors);
        assert_eq!(c.len(), 1);
        insta::assert_debug_snapshot!(messages(&errors));
    }

    #[test]
    fn query_errors_are_all_reported() {
        let (queries, errors, warnings) = load(
            "{\"id\":\"a\",\"type\":\"T\",\"name\":\"A\"}\n",
            "{\"query\":\"x\",\"type\":\"T\",\"gold_id\":\"a\"}\n{\"query\":\"x\",\"type\":\"T\",\"gold_id\":null}\n{\"query\":\"x\",\"type\":\"T\"}\n{\"query\":\"x\",\"type\":\"U\"}\n{\"query\":\"x\",\"type\":\"T\",\"gold_id\":\"zz\"}\n{\"query\":\"\",\"type\":\"T\"}\n{\"query\":\"x\",\"type\":\"T\",\"gold_id\":\"\"}\n{\"query\":\"x\",\"type\":\"T\",\"gold_id\":7}\n",
        );
        let golds: Vec<_> = queries.iter().map(|q| (q.line, q.gold.clone())).collect();
        // An unknown gold id is a warning: the query is kept, unlabelled.
        assert_eq!(
            golds,
            [
                (1, Gold::Id("a".into())),
                (2, Gold::NoMatch),
                (3, Gold::Unlabelled),
                (5, Gold::Unlabelled)
            ]
        );
        insta::assert_debug_snapshot!(messages(&errors));
        assert_eq!(
            messages(&warnings),
            [
                "5: field `gold_id`: `zz` is not a catalog id of type `T`; the query is matched but counted as unlabelled (not in the accuracy): fix the id, or write null when it should match nothing"
            ]
        );
    }

    #[test]
    fn an_unknown_gold_id_gets_a_did_you_mean_or_its_type() {
        let (queries, errors, warnings) = load(
            "{\"id\":\"skill:rust\",\"type\":\"Skill\",\"name\":\"Rust\"}\n{\"id\":\"company:acme\",\"type\":\"Company\",\"name\":\"Acme\"}\n",
            "{\"query\":\"x\",\"type\":\"Skill\",\"gold_id\":\"skill:rsut\"}\n{\"query\":\"x\",\"type\":\"Skill\",\"gold_id\":\"company:acme\"}\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(queries.len(), 2);
        let w = messages(&warnings);
        assert!(
            w[0].ends_with("(not in the accuracy): fix the id (did you mean `skill:rust`?), or write null when it should match nothing"),
            "{w:?}"
        );
        assert!(
            w[1].starts_with("2: field `gold_id`: `company:acme` is not a catalog id of type `Skill` (it is an id of type `Company`);"),
            "{w:?}"
        );
    }

    #[test]
    fn a_declared_type_without_entities_has_no_candidates() {
        let dir = tempfile::tempdir().unwrap();
        let c = write(
            &dir,
            "c.jsonl",
            "{\"id\":\"a\",\"type\":\"T\",\"name\":\"A\"}\n",
        );
        let q = write(
            &dir,
            "q.jsonl",
            "{\"query\":\"x\",\"type\":\"U\",\"gold_id\":null}\n{\"query\":\"x\",\"type\":\"U\"}\n{\"query\":\"x\",\"type\":\"U\",\"gold_id\":\"a\"}\n{\"query\":\"x\",\"type\":\"Uu\"}\n{\"query\":\"x\",\"type\":\"T\",\"gold_id\":\"a\"}\n",
        );
        let (mut errors, mut warnings) = (Vec::new(), Vec::new());
        let catalog = load_catalog(&c, &mut errors);
        let schema = Path::new("s.cascade");
        let declared = Declared::Types(schema, vec!["T", "U"]);
        let queries = load_queries(&q, &catalog, &declared, &mut errors, &mut warnings);
        let kept: Vec<_> = queries
            .iter()
            .map(|q| (q.line, q.entity_type.as_str(), q.gold.clone()))
            .collect();
        assert_eq!(
            kept,
            [
                (1, "U", Gold::NoMatch),
                (2, "U", Gold::Unlabelled),
                (3, "U", Gold::Unlabelled),
                (5, "T", Gold::Id("a".into()))
            ]
        );
        assert_eq!(
            messages(&errors),
            [
                "4: field `type`: unknown type `Uu`: no catalog entity has it and `s.cascade` does not declare it; did you mean `U`? catalog types: T",
            ]
        );
        assert_eq!(
            messages(&warnings),
            [
                "3: field `gold_id`: `a` is not a catalog id of type `U` (the catalog has no entity of type `U`); the query is matched but counted as unlabelled (not in the accuracy): fix the id, or write null when it should match nothing",
            ]
        );
        // Without a schema the same type is unknown; with an unreadable schema or catalog
        // neither types nor gold ids are checked.
        let mut errors = Vec::new();
        assert_eq!(
            load_queries(&q, &catalog, &Declared::Nothing, &mut errors, &mut warnings).len(),
            1
        );
        assert_eq!(errors.len(), 4, "{errors:?}");
        let mut errors = Vec::new();
        assert_eq!(
            load_queries(&q, &catalog, &Declared::Unknown, &mut errors, &mut warnings).len(),
            5
        );
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn an_empty_file_is_one_error() {
        let dir = tempfile::tempdir().unwrap();
        let empty = write(&dir, "e.jsonl", "\n  \n");
        let mut errors = Vec::new();
        let e = load_embeddings(&empty, &mut errors);
        assert!(e.is_empty());
        assert_eq!(
            messages(&errors),
            [
                "0: is empty (no embedding rows): expected one JSON object per line, like {\"text\": \"...\", \"vector\": [numbers]}"
            ]
        );
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        assert!(
            load_queries(&empty, &[], &Declared::Nothing, &mut errors, &mut warnings).is_empty()
        );
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.starts_with("is empty (no query rows)"));
        // A file whose rows are all bad says so row by row, and is not also "empty".
        let bad = write(&dir, "b.jsonl", "[1]\n");
        let mut errors = Vec::new();
        let e = load_embeddings(&bad, &mut errors);
        assert!(e.is_empty());
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.starts_with("expected a JSON object"),
            "{errors:?}"
        );
        // An empty catalog is no error: with `--schema`, every query type has no candidates.
        let mut errors = Vec::new();
        assert!(load_catalog(&empty, &mut errors).is_empty());
        assert!(errors.is_empty());
    }

    #[test]
    fn a_text_whose_row_is_bad_is_not_also_missing() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            &dir,
            "e.jsonl",
            "{\"text\":\"a\",\"vector\":[1,0]}\n{\"text\":\"b\",\"vector\":[1,0,0]}\n{\"text\":\"c\",\"vector\":[0,0]}\n{\"text\":\"d\",\"vector\":\"x\"}\n{\"text\": \"e\", \"vector\": [NaN, 1]}\n{\"text\":\"f\",\"vector\":[0,0]}\n{\"text\":\"f\",\"vector\":[0,1]}\n",
        );
        let mut errors = Vec::new();
        let e = load_embeddings(&p, &mut errors);
        assert_eq!(errors.len(), 5, "{errors:?}");
        let mut errors = Vec::new();
        let needed_by = (Path::new("q.jsonl"), 1, "query");
        for text in ["b", "c", "d", "e"] {
            assert!(e.get(text, &p, needed_by, &mut errors).is_none());
        }
        assert!(errors.is_empty(), "{errors:?}");
        // A text with a bad row and a good one has its vector; one with no row is missing.
        assert!(e.get("f", &p, needed_by, &mut errors).is_some());
        assert!(e.get("zz", &p, needed_by, &mut errors).is_none());
        assert_eq!(errors.len(), 1);
        assert_eq!(
            text_of_broken_row(r#"{"vector": [1, 2}, "text" : "x\"y""#),
            Some("x\"y".to_owned())
        );
        assert_eq!(text_of_broken_row(r#"{"text": 1, "vector": [NaN]}"#), None);
    }

    #[test]
    fn embedding_errors_are_all_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            &dir,
            "e.jsonl",
            "{\"text\":\"a\",\"vector\":[1,0]}\n{\"text\":\"b\",\"vector\":[1,0,0]}\n{\"text\":\"a\",\"vector\":[0,1]}\n{\"text\":\"c\",\"vector\":[0,0]}\n{\"text\":\"d\",\"vector\":[1e39,0]}\n{\"text\":\"e\"}\n{\"text\":\"f\",\"vector\":[1,\"x\"]}\n{\"text\":\"g\",\"vector\":[]}\n{\"text\":\"h\",\"vector\":{}}\n",
        );
        let mut errors = Vec::new();
        let e = load_embeddings(&p, &mut errors);
        assert_eq!(e.dims, 2);
        insta::assert_debug_snapshot!(messages(&errors));
        let mut errors = Vec::new();
        assert!(
            e.get("zz", &p, (Path::new("q.jsonl"), 7, "query"), &mut errors)
                .is_none()
        );
        assert_eq!(
            errors[0].to_string(),
            format!(
                "q.jsonl:7: field `query`: no embedding for the text `zz` in {}; add a row {{\"text\": \"zz\", \"vector\": [...]}} (texts match exactly)",
                p.display()
            )
        );
    }
}
