//! `cascade match`: resolve queries against a catalog of entities with the thresholds the
//! config and schema give each type, and score the decisions against gold labels.
//!
//! A query is an isolated reference to its type (no owner field), so its threshold comes from the
//! type layers of DESIGN §4: config `types` > schema `$threshold` > config `default` > schema
//! default > built-in 0.80.
//!
//! A query type must be a catalog type or, with `--schema`, a type the schema declares: a declared
//! type with no catalog entity yet has no candidates, so `~>` creates and `<~` links nothing
//! (DESIGN §8). A type known to neither is an error with a did-you-mean. With `--schema`, the
//! config is checked against it as `thresholds` and `explain` check it. All problems are found in
//! one run; the first [`SHOW_ERRORS`] are printed and the rest counted.

mod data;
mod report;
mod thresholds;

use std::collections::BTreeSet;
use std::path::PathBuf;

use cascade_runtime::Operator;
use cascade_runtime::index::{Catalog, IndexKind};
use cascade_runtime::matching::Matcher;

use data::{Declared, Gold};
use report::{Outcome, Report};

use crate::diagnostics::plural;
use crate::rows::RowError;

/// Arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Existing entities, JSONL rows `{"id", "type", "name"}`
    #[arg(long, value_name = "FILE")]
    catalog: PathBuf,
    /// References to resolve, JSONL rows `{"query", "type", "gold_id"?}` (`gold_id` null: should create)
    #[arg(long, value_name = "FILE")]
    queries: PathBuf,
    /// Embeddings of every catalog name and query, JSONL rows `{"text", "vector"}`
    #[arg(long, value_name = "FILE")]
    embeddings: PathBuf,
    /// A `.cascade` schema whose type thresholds and defaults apply
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,
    /// A runtime config (JSON or TOML): `types` and `default` override the schema
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// `~>` reuses a match or creates; `<~` links a match or nothing
    #[arg(long, default_value = "~>", value_parser = parse_operator, allow_hyphen_values = true)]
    operator: Operator,
    /// The index searched per type
    #[arg(long, value_enum, default_value_t = IndexChoice::Exact)]
    index: IndexChoice,
    /// Two-phase index only: dimensions of the hot tier [default: 128]
    #[arg(long, value_name = "D", value_parser = parse_hot_dims)]
    hot_dims: Option<usize>,
    /// Two-phase index only: candidates reranked per wanted match [default: 4]
    #[arg(long, value_name = "K", value_parser = parse_oversample)]
    oversample: Option<usize>,
    /// Print the machine-readable JSON document instead of a table
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum IndexChoice {
    /// Scan every entity of the type
    Exact,
    /// Truncated hot tier with oversampling, then exact rerank
    TwoPhase,
}

fn parse_operator(s: &str) -> Result<Operator, String> {
    match s.parse::<Operator>() {
        Ok(op) if op.is_fuzzy() => Ok(op),
        Ok(op) => Err(format!(
            "`{op}` is exact; `cascade match` takes a fuzzy operator: `~>` or `<~`"
        )),
        Err(e) => Err(format!("{e}; `cascade match` takes `~>` or `<~`")),
    }
}

/// `--hot-dims`: at least 1 (the upper bound, the vectors' dimension, is known only once the
/// embeddings are read, so a larger value is a user error found then).
fn parse_hot_dims(text: &str) -> Result<usize, String> {
    at_least_one(
        text,
        "a number of dimensions",
        "a hot tier of 0 dimensions cannot rank anything: use at least 1 (at most the vectors' dimension)",
    )
}

/// `--oversample`: at least 1 (1 reranks exactly the wanted number of candidates).
fn parse_oversample(text: &str) -> Result<usize, String> {
    at_least_one(
        text,
        "an oversampling factor",
        "an oversampling factor of 0 reranks no candidate: use at least 1 (1 reranks exactly the wanted number)",
    )
}

/// A whole number of at least 1: `what` names it when `text` is none, `zero` says why 0 is wrong.
fn at_least_one(text: &str, what: &str, zero: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err(zero.to_owned()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("`{text}` is not {what}: {e}")),
    }
}

/// How many problems are printed in full (as `calibrate` does); the rest are counted.
const SHOW_ERRORS: usize = 20;
/// `--hot-dims` when the two-phase index does not say otherwise.
const HOT_DIMS: usize = 128;
/// `--oversample` when the two-phase index does not say otherwise.
const OVERSAMPLE: usize = 4;

/// A usage error: a two-phase setting given with the exact index would be ignored silently.
fn check_index_settings(args: &Args) -> Result<(), String> {
    let given: Vec<&str> = [
        ("--hot-dims", args.hot_dims.is_some()),
        ("--oversample", args.oversample.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, given)| given.then_some(name))
    .collect();
    if args.index == IndexChoice::TwoPhase || given.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} only {} the two-phase index, but `--index exact` is in use (the default); add `--index two-phase`, or drop {}",
        given.join(" and "),
        plural(given.len(), "tunes", "tune"),
        plural(given.len(), "it", "them"),
    ))
}

pub(crate) fn run(args: Args) -> u8 {
    if let Err(message) = check_index_settings(&args) {
        eprintln!("error: {message}");
        return 2;
    }
    match execute(&args) {
        Ok(report) => {
            let text = if args.json {
                report.to_json() + "\n"
            } else {
                report.to_table()
            };
            crate::diagnostics::print_stdout(&text).map_or_else(|code| code, |()| 0)
        }
        Err(errors) => {
            // Notes (a list cut short) are printed after the errors and not counted.
            let (notes, errors): (Vec<Problem>, Vec<Problem>) = errors
                .into_iter()
                .partition(|e| matches!(e, Problem::Note(_)));
            for e in errors.iter().take(SHOW_ERRORS) {
                eprintln!("{e}");
            }
            if errors.len() > SHOW_ERRORS {
                let more = errors.len() - SHOW_ERRORS;
                eprintln!("... and {more} more {}", plural(more, "error", "errors"));
            }
            for note in &notes {
                eprintln!("{note}");
            }
            let some = if notes.is_empty() { "" } else { "at least " };
            eprintln!(
                "error: {some}{} {} found; nothing was matched",
                errors.len(),
                plural(errors.len(), "problem", "problems")
            );
            1
        }
    }
}

/// One reason nothing was matched, as printed.
#[derive(Debug)]
enum Problem {
    /// A message, printed after `error: `.
    Message(String),
    /// A schema's diagnostics, rendered with their own `error[code]:` headers.
    Rendered(String),
    /// A remark about the problems (that a list was cut), printed after `note: ` and not
    /// counted as a problem.
    Note(String),
}

impl From<String> for Problem {
    fn from(message: String) -> Problem {
        Problem::Message(message)
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Message(m) => write!(f, "error: {m}"),
            Problem::Rendered(r) => f.write_str(r),
            Problem::Note(n) => write!(f, "note: {n}"),
        }
    }
}

/// Loads everything, reporting all input errors at once, then matches.
fn execute(args: &Args) -> Result<Report, Vec<Problem>> {
    let sources = thresholds::read(args.schema.as_deref(), args.config.as_deref());
    let mut errors: Vec<RowError> = Vec::new();
    let catalog_rows = data::load_catalog(&args.catalog, &mut errors);
    // Only the catalog has been read: a file-level error means it could not be, and with no
    // good row at all (a JSON array, say) checking the query types would only repeat that.
    let catalog_unreadable =
        errors.iter().any(|e| e.line == 0) || (catalog_rows.is_empty() && !errors.is_empty());
    // Without a schema, an empty catalog gives no query a known type: one error for the file,
    // not one per query (with a schema, its types have no candidates yet, which is fine).
    let catalog_empty = catalog_rows.is_empty() && errors.is_empty() && args.schema.is_none();
    if catalog_empty {
        errors.push(RowError::new(
            &args.catalog,
            0,
            "has no entities, so no query has candidates: add rows like {\"id\": \"...\", \"type\": \"...\", \"name\": \"...\"}, or pass --schema with the query types to start from an empty catalog (`~>` then creates every query)".to_owned(),
        ));
    }
    let declared = match &sources {
        _ if catalog_unreadable || catalog_empty => Declared::Unknown,
        Ok(s) => match (s.schema_path(), s.schema_types()) {
            (Some(path), Some(types)) => Declared::Types(path, types),
            _ => Declared::Nothing,
        },
        Err(_) if args.schema.is_some() => Declared::Unknown,
        Err(_) => Declared::Nothing,
    };
    let mut row_warnings: Vec<RowError> = Vec::new();
    let queries = data::load_queries(
        &args.queries,
        &catalog_rows,
        &declared,
        &mut errors,
        &mut row_warnings,
    );
    let embeddings = data::load_embeddings(&args.embeddings, &mut errors);

    let kind = match args.index {
        IndexChoice::Exact => IndexKind::Exact,
        IndexChoice::TwoPhase => IndexKind::TwoPhase {
            hot_dims: args.hot_dims.unwrap_or(HOT_DIMS),
            oversampling: args.oversample.unwrap_or(OVERSAMPLE),
        },
    };
    // Check the index settings once, up front: a bad `--hot-dims` is one error, not one per row
    // (the rows are then still checked, against an exact index).
    let mut setting_error = None;
    let kind = match kind.build(embeddings.dims.max(1)) {
        Err(e) if embeddings.dims > 0 => {
            // `--oversample` and a zero `--hot-dims` were checked as usage errors: what is left
            // depends on the vectors.
            setting_error = Some(format!(
                "--hot-dims: {e} (the vectors of {})",
                args.embeddings.display()
            ));
            IndexKind::Exact
        }
        _ => kind,
    };
    let mut catalog = Catalog::new(embeddings.dims, kind);
    let mut vectors = Vec::with_capacity(queries.len());
    // With no vector at all, the embeddings file has said why once; a "no embedding" error per
    // catalog row and query would bury that.
    if !embeddings.is_empty() {
        for entity in &catalog_rows {
            let needed_by = (args.catalog.as_path(), entity.line, "name");
            let Some(v) = embeddings.get(&entity.name, &args.embeddings, needed_by, &mut errors)
            else {
                continue;
            };
            if let Err(e) = catalog.add(&entity.entity_type, &entity.id, v) {
                errors.push(RowError::new(
                    &args.catalog,
                    entity.line,
                    format!("field `name`: {e}"),
                ));
            }
        }
        for q in &queries {
            vectors.push(embeddings.get(
                &q.text,
                &args.embeddings,
                (&args.queries, q.line, "query"),
                &mut errors,
            ));
        }
    }
    // Problems of the whole run first (they are few and explain the rest), then the rows in
    // file order, line by line, whichever step found the problem.
    let mut messages: Vec<Problem> = setting_error.into_iter().map(Problem::from).collect();
    let mut warnings = Vec::new();
    let levels = match sources {
        Ok(sources) => {
            let types: BTreeSet<&str> = catalog_rows
                .iter()
                .map(|e| e.entity_type.as_str())
                .chain(queries.iter().map(|q| q.entity_type.as_str()))
                .collect();
            sources
                .resolve(&types, &mut warnings)
                .map_err(|more| messages.extend(more))
                .ok()
        }
        Err(more) => {
            messages.extend(more);
            None
        }
    };
    for w in warnings {
        eprintln!("warning: {w}");
    }
    for w in row_warnings.iter().take(SHOW_ERRORS) {
        eprintln!("warning: {w}");
    }
    if row_warnings.len() > SHOW_ERRORS {
        let more = row_warnings.len() - SHOW_ERRORS;
        eprintln!(
            "warning: ... and {more} more {} like these",
            plural(more, "warning", "warnings")
        );
    }
    errors.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    messages.extend(errors.into_iter().map(|e| Problem::from(e.to_string())));
    let Some(levels) = levels.filter(|_| messages.is_empty()) else {
        return Err(messages);
    };

    let matcher = Matcher::new(&catalog, levels.config);
    let mut outcomes = Vec::with_capacity(queries.len());
    let minimum_confidence = levels.config.confidence_bands().minimum_confidence;
    for (q, v) in queries.iter().zip(vectors) {
        let (Some(v), Some(resolved)) = (v, levels.resolved(&q.entity_type)) else {
            unreachable!(
                "every query has an embedding and a resolved type once loading reported no error"
            )
        };
        match matcher.resolve(args.operator, &[resolved], v) {
            Ok(resolution) => {
                let decisive = resolution.members.get(resolution.member);
                outcomes.push(Outcome {
                    base: decisive.map_or(resolved.value, |m| m.adjusted.base),
                    adjustments: decisive
                        .map(|m| m.adjusted.steps.iter().map(|s| s.why.clone()).collect())
                        .unwrap_or_default(),
                    minimum_confidence,
                    nearest: decisive
                        .and_then(|m| m.nearest.first())
                        .map(|c| (c.id.clone(), c.similarity)),
                    query: q.text.clone(),
                    entity_type: q.entity_type.clone(),
                    correct: correct(&q.gold, resolution.id.as_deref()),
                    layer: resolved.layer,
                    decision: resolution.decision,
                    id: resolution.id,
                    similarity: resolution.similarity,
                    confidence: resolution.confidence,
                    threshold: resolution.threshold,
                });
            }
            Err(e) => messages.push(format!("{}:{}: {e}", args.queries.display(), q.line).into()),
        }
    }
    if !messages.is_empty() {
        return Err(messages);
    }
    Ok(Report::new(
        args.operator,
        index_name(kind, catalog.dims()),
        outcomes,
    ))
}

/// The index searched, as the report names it: an empty one of the same kind describes it even
/// when no type has entities.
fn index_name(kind: IndexKind, dims: usize) -> String {
    kind.build(dims.max(1))
        .map_or_else(|_| "exact".to_owned(), |index| index.describe())
}

/// Whether a decision agrees with the gold label; `None` for unlabelled queries.
fn correct(gold: &Gold, matched: Option<&str>) -> Option<bool> {
    match gold {
        Gold::Unlabelled => None,
        Gold::NoMatch => Some(matched.is_none()),
        Gold::Id(id) => Some(matched == Some(id.as_str())),
    }
}
