//! `cascade match`: resolve queries against a catalog of entities with the thresholds the
//! config and schema give each type, and score the decisions against gold labels.
//!
//! A query is an isolated reference to its type (no owner field), so its threshold comes from the
//! type layers of DESIGN §4: config `types` > schema `$threshold` > config `default` > schema
//! default > built-in 0.80.

mod data;
mod report;
mod thresholds;

use std::path::PathBuf;

use cascade_runtime::Operator;
use cascade_runtime::index::{Catalog, IndexKind};
use cascade_runtime::matching::{Resolver, Target};

use data::{Gold, RowError};
use report::{Outcome, Report};

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
    #[arg(long, default_value = "~>", value_parser = parse_operator)]
    operator: Operator,
    /// The index searched per type
    #[arg(long, value_enum, default_value_t = IndexChoice::Exact)]
    index: IndexChoice,
    /// Two-phase index: dimensions of the hot tier
    #[arg(long, value_name = "D", default_value_t = 128)]
    hot_dims: usize,
    /// Two-phase index: candidates reranked per wanted match
    #[arg(long, value_name = "K", default_value_t = 4)]
    oversample: usize,
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

pub(crate) fn run(args: Args) -> u8 {
    match execute(&args) {
        Ok(report) => {
            if args.json {
                println!("{}", report.to_json());
            } else {
                print!("{}", report.to_table());
            }
            0
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            eprintln!(
                "error: {} problem(s) found; nothing was matched",
                errors.len()
            );
            1
        }
    }
}

/// Loads everything, reporting all input errors at once, then matches.
fn execute(args: &Args) -> Result<Report, Vec<String>> {
    let mut errors: Vec<RowError> = Vec::new();
    let levels = thresholds::load(args.schema.as_deref(), args.config.as_deref());
    let catalog_rows = data::load_catalog(&args.catalog, &mut errors);
    let queries = data::load_queries(&args.queries, &catalog_rows, &mut errors);
    let embeddings = data::load_embeddings(&args.embeddings, &mut errors);
    let levels = match levels {
        Ok(levels) => Some(levels),
        Err(mut more) => {
            errors.append(&mut more);
            None
        }
    };

    let kind = match args.index {
        IndexChoice::Exact => IndexKind::Exact,
        IndexChoice::TwoPhase => IndexKind::TwoPhase {
            hot_dims: args.hot_dims,
            oversampling: args.oversample,
        },
    };
    // Validate the index settings before any row, so a bad `--hot-dims` is one clear error.
    if embeddings.dims > 0
        && let Err(e) = kind.build(embeddings.dims)
    {
        return Err(vec![format!("--hot-dims/--oversample: {e}")]);
    }
    let mut catalog = Catalog::new(embeddings.dims, kind);
    for entity in &catalog_rows {
        let Some(v) = embeddings.get(
            &entity.name,
            &args.embeddings,
            (&args.catalog, entity.line, "name"),
            &mut errors,
        ) else {
            continue;
        };
        if let Err(e) = catalog.add(&entity.entity_type, &entity.id, v) {
            errors.push(RowError {
                file: args.catalog.clone(),
                line: entity.line,
                message: format!("field `name`: {e}"),
            });
        }
    }
    let mut vectors = Vec::with_capacity(queries.len());
    for q in &queries {
        vectors.push(embeddings.get(
            &q.text,
            &args.embeddings,
            (&args.queries, q.line, "query"),
            &mut errors,
        ));
    }
    let Some(levels) = levels else {
        return Err(render(errors));
    };
    if !errors.is_empty() {
        return Err(render(errors));
    }

    let resolver = Resolver::new(&catalog)
        .with_adjustment(|target, candidates| levels.adjust(target, candidates));
    let mut outcomes = Vec::with_capacity(queries.len());
    let mut failures = Vec::new();
    for (q, v) in queries.iter().zip(vectors) {
        let Some(v) = v else { continue };
        let applied = levels.for_type(&q.entity_type);
        let target = Target::new(q.entity_type.clone(), applied.value);
        match resolver.resolve(args.operator, std::slice::from_ref(&target), v) {
            Ok(resolution) => outcomes.push(Outcome {
                query: q.text.clone(),
                entity_type: q.entity_type.clone(),
                correct: correct(&q.gold, resolution.id.as_deref()),
                layer: applied.layer,
                resolution,
            }),
            Err(e) => failures.push(format!("{}:{}: {e}", args.queries.display(), q.line)),
        }
    }
    if !failures.is_empty() {
        return Err(failures);
    }
    Ok(Report::new(
        args.operator,
        catalog_index_name(&catalog),
        outcomes,
    ))
}

fn catalog_index_name(catalog: &Catalog) -> String {
    catalog
        .types()
        .next()
        .and_then(|t| catalog.partition(t))
        .map_or_else(|| "exact".to_owned(), |p| p.index().describe())
}

/// Whether a decision agrees with the gold label; `None` for unlabelled queries.
fn correct(gold: &Gold, matched: Option<&str>) -> Option<bool> {
    match gold {
        Gold::Unlabelled => None,
        Gold::NoMatch => Some(matched.is_none()),
        Gold::Id(id) => Some(matched == Some(id.as_str())),
    }
}

fn render(errors: Vec<RowError>) -> Vec<String> {
    errors.into_iter().map(|e| e.to_string()).collect()
}
