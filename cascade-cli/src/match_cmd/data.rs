//! Loading the JSONL inputs of `cascade match`: catalog, queries and embeddings.
//!
//! Every bad row is reported as `file:line: field `x`: what is wrong`, and loading carries on so
//! that all errors of a file are reported at once. Blank lines are allowed (they hold no row).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use cascade_runtime::similarity::UnitVector;
use serde::Deserialize;

/// One problem in one input row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RowError {
    pub(crate) file: PathBuf,
    /// 1-based; 0 for errors about a whole file.
    pub(crate) line: usize,
    pub(crate) message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
        }
    }
}

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

#[derive(Deserialize)]
struct EntityRow {
    id: String,
    #[serde(rename = "type")]
    entity_type: String,
    name: String,
}

#[derive(Deserialize)]
struct QueryRow {
    query: String,
    #[serde(rename = "type")]
    entity_type: String,
    // `Some(None)` is an explicit null; `None` a missing key.
    #[serde(default, deserialize_with = "explicit_null")]
    gold_id: Option<Option<String>>,
}

fn explicit_null<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[derive(Deserialize)]
struct EmbeddingRow {
    text: String,
    vector: Vec<f32>,
}

/// Reads `path` and yields `(line number, line)` for every non-blank line.
fn read_lines(path: &Path, errors: &mut Vec<RowError>) -> Vec<(usize, String)> {
    match std::fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| (i + 1, l.to_owned()))
            .collect(),
        Err(e) => {
            errors.push(RowError {
                file: path.to_owned(),
                line: 0,
                message: format!("cannot read the file: {e}"),
            });
            Vec::new()
        }
    }
}

fn parse_row<T: for<'de> Deserialize<'de>>(
    path: &Path,
    line: usize,
    text: &str,
    what: &str,
    errors: &mut Vec<RowError>,
) -> Option<T> {
    match serde_json::from_str::<T>(text) {
        Ok(row) => Some(row),
        Err(e) => {
            // serde_json names the missing or mistyped field; its own "line 1 column N" refers to
            // the row, so it is replaced by the column alone.
            let message = e.to_string();
            let message = match message.rsplit_once(" at line ") {
                Some((head, _)) => format!("{head} (column {})", e.column()),
                None => message,
            };
            errors.push(RowError {
                file: path.to_owned(),
                line,
                message: format!(
                    "invalid {what} row: {message}; expected {}",
                    expected_shape(what)
                ),
            });
            None
        }
    }
}

fn expected_shape(what: &str) -> &'static str {
    match what {
        "catalog" => r#"{"id": "...", "type": "...", "name": "..."}"#,
        "query" => r#"{"query": "...", "type": "...", "gold_id": "..." | null}"#,
        _ => r#"{"text": "...", "vector": [numbers]}"#,
    }
}

fn non_empty(
    path: &Path,
    line: usize,
    field: &str,
    value: &str,
    errors: &mut Vec<RowError>,
) -> bool {
    if value.trim().is_empty() {
        errors.push(RowError {
            file: path.to_owned(),
            line,
            message: format!("field `{field}` is empty"),
        });
        false
    } else {
        true
    }
}

/// Loads the catalog; ids are unique per type.
pub(crate) fn load_catalog(path: &Path, errors: &mut Vec<RowError>) -> Vec<Entity> {
    let mut out = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for (line, text) in read_lines(path, errors) {
        let Some(row) = parse_row::<EntityRow>(path, line, &text, "catalog", errors) else {
            continue;
        };
        let ok = [
            ("id", &row.id),
            ("type", &row.entity_type),
            ("name", &row.name),
        ]
        .into_iter()
        .fold(true, |ok, (field, value)| {
            non_empty(path, line, field, value, errors) && ok
        });
        if !ok {
            continue;
        }
        if let Some(first) = seen.insert((row.entity_type.clone(), row.id.clone()), line) {
            errors.push(RowError {
                file: path.to_owned(),
                line,
                message: format!(
                    "field `id`: duplicate id `{}` of type `{}` (first on line {first}); ids must be unique per type",
                    row.id, row.entity_type
                ),
            });
            continue;
        }
        out.push(Entity {
            line,
            id: row.id,
            entity_type: row.entity_type,
            name: row.name,
        });
    }
    out
}

/// Loads the queries and checks each names a catalog type and, when labelled, a catalog id of
/// that type.
pub(crate) fn load_queries(
    path: &Path,
    catalog: &[Entity],
    errors: &mut Vec<RowError>,
) -> Vec<Query> {
    let mut ids: BTreeMap<&str, HashSet<&str>> = BTreeMap::new();
    for e in catalog {
        ids.entry(e.entity_type.as_str())
            .or_default()
            .insert(e.id.as_str());
    }
    let mut out = Vec::new();
    for (line, text) in read_lines(path, errors) {
        let Some(row) = parse_row::<QueryRow>(path, line, &text, "query", errors) else {
            continue;
        };
        let ok = non_empty(path, line, "query", &row.query, errors);
        if !non_empty(path, line, "type", &row.entity_type, errors) || !ok {
            continue;
        }
        let Some(type_ids) = ids.get(row.entity_type.as_str()) else {
            let known: Vec<&str> = ids.keys().copied().collect();
            errors.push(RowError {
                file: path.to_owned(),
                line,
                message: format!(
                    "field `type`: no catalog entity has type `{}`; catalog types: {}",
                    row.entity_type,
                    if known.is_empty() {
                        "(none)".to_owned()
                    } else {
                        known.join(", ")
                    }
                ),
            });
            continue;
        };
        let gold = match row.gold_id {
            None => Gold::Unlabelled,
            Some(None) => Gold::NoMatch,
            Some(Some(id)) if type_ids.contains(id.as_str()) => Gold::Id(id),
            Some(Some(id)) => {
                errors.push(RowError {
                    file: path.to_owned(),
                    line,
                    message: format!(
                        "field `gold_id`: `{id}` is not a catalog id of type `{}`; use null when the query should match nothing",
                        row.entity_type
                    ),
                });
                continue;
            }
        };
        out.push(Query {
            line,
            text: row.query,
            entity_type: row.entity_type,
            gold,
        });
    }
    out
}

/// Embeddings by exact text, all of one dimension.
#[derive(Debug, Default)]
pub(crate) struct Embeddings {
    pub(crate) dims: usize,
    vectors: HashMap<String, UnitVector>,
}

impl Embeddings {
    /// The vector of `text`, or an error naming the row that needs it.
    pub(crate) fn get(
        &self,
        text: &str,
        embeddings_path: &Path,
        needed_by: (&Path, usize, &str),
        errors: &mut Vec<RowError>,
    ) -> Option<&UnitVector> {
        let found = self.vectors.get(text);
        if found.is_none() {
            let (file, line, field) = needed_by;
            errors.push(RowError {
                file: file.to_owned(),
                line,
                message: format!(
                    "field `{field}`: no embedding for the text `{text}` in {}; add a row {{\"text\": \"{text}\", \"vector\": [...]}} (texts match exactly)",
                    embeddings_path.display()
                ),
            });
        }
        found
    }
}

/// Loads the embeddings: every vector finite, non-zero and of the first row's dimension; texts
/// unique.
pub(crate) fn load_embeddings(path: &Path, errors: &mut Vec<RowError>) -> Embeddings {
    let mut out = Embeddings::default();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for (line, text) in read_lines(path, errors) {
        let Some(row) = parse_row::<EmbeddingRow>(path, line, &text, "embedding", errors) else {
            continue;
        };
        let err = |message: String| RowError {
            file: path.to_owned(),
            line,
            message,
        };
        if out.dims == 0 {
            out.dims = row.vector.len();
        }
        if row.vector.len() != out.dims {
            errors.push(err(format!(
                "field `vector`: {} components, but the first row has {}; all embeddings need one dimension",
                row.vector.len(),
                out.dims
            )));
            continue;
        }
        if let Some(first) = first_line.get(&row.text) {
            errors.push(err(format!(
                "field `text`: duplicate text `{}` (first on line {first})",
                row.text
            )));
            continue;
        }
        match UnitVector::new(row.vector) {
            Ok(v) => {
                first_line.insert(row.text.clone(), line);
                out.vectors.insert(row.text, v);
            }
            Err(e) => errors.push(err(format!("field `vector`: {e}"))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, text).expect("the temp dir is writable");
        p
    }

    fn messages(errors: &[RowError]) -> Vec<String> {
        errors
            .iter()
            .map(|e| format!("{}: {}", e.line, e.message))
            .collect()
    }

    #[test]
    fn catalog_errors_are_all_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            &dir,
            "c.jsonl",
            "{\"id\":\"a\",\"type\":\"T\",\"name\":\"A\"}\n\n{\"id\":\"a\",\"type\":\"T\",\"name\":\"B\"}\n{\"id\":\"b\",\"type\":\"\",\"name\":\"\"}\n{\"id\":1}\nnot json\n",
        );
        let mut errors = Vec::new();
        let c = load_catalog(&p, &mut errors);
        assert_eq!(c.len(), 1);
        insta::assert_debug_snapshot!(messages(&errors));
    }

    #[test]
    fn query_errors_are_all_reported() {
        let dir = tempfile::tempdir().unwrap();
        let c = write(
            &dir,
            "c.jsonl",
            "{\"id\":\"a\",\"type\":\"T\",\"name\":\"A\"}\n",
        );
        let q = write(
            &dir,
            "q.jsonl",
            "{\"query\":\"x\",\"type\":\"T\",\"gold_id\":\"a\"}\n{\"query\":\"x\",\"type\":\"T\",\"gold_id\":null}\n{\"query\":\"x\",\"type\":\"T\"}\n{\"query\":\"x\",\"type\":\"U\"}\n{\"query\":\"x\",\"type\":\"T\",\"gold_id\":\"zz\"}\n{\"query\":\"\",\"type\":\"T\"}\n",
        );
        let mut errors = Vec::new();
        let catalog = load_catalog(&c, &mut errors);
        let queries = load_queries(&q, &catalog, &mut errors);
        let golds: Vec<_> = queries.iter().map(|q| q.gold.clone()).collect();
        assert_eq!(
            golds,
            [Gold::Id("a".into()), Gold::NoMatch, Gold::Unlabelled]
        );
        insta::assert_debug_snapshot!(messages(&errors));
    }

    #[test]
    fn embedding_errors_are_all_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            &dir,
            "e.jsonl",
            "{\"text\":\"a\",\"vector\":[1,0]}\n{\"text\":\"b\",\"vector\":[1,0,0]}\n{\"text\":\"a\",\"vector\":[0,1]}\n{\"text\":\"c\",\"vector\":[0,0]}\n{\"text\":\"d\",\"vector\":[1e39,0]}\n{\"text\":\"e\"}\n",
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
