//! `cascade thresholds FILE [--config CFG] [--json]`: every reference field of a schema with the
//! threshold that applies to each union member and where it comes from (DESIGN §4, §10).
//!
//! Also home of [`load`], the schema + config loading `explain` shares.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cascade_dsl::model::Schema as Model;
use cascade_runtime::config::{
    ConfigError, ConfigFormat, ConfigProblem, SimilarityThresholdConfig, locate,
};
use cascade_runtime::resolve::Resolver;
use cascade_runtime::table::Schema;
use cascade_runtime::{Layer, Operator};
use serde::Serialize;

use crate::diagnostics::load_schema;
use crate::tables::leak_schema;

/// Arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The schema (`.cascade` or JSON)
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// A runtime config (`.json` or `.toml`) layered over the schema
    #[arg(long, value_name = "CFG")]
    config: Option<PathBuf>,
    /// Print JSON (DESIGN §10) instead of a table
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: Args) -> u8 {
    let Some(loaded) = load(&args.file, args.config.as_deref()) else {
        return 1;
    };
    let resolver = Resolver::new(loaded.tables, &loaded.config);
    let rows = rows(&loaded.model, &resolver);
    let text = if args.json {
        match serde_json::to_string(&rows) {
            Ok(json) => json + "\n",
            Err(e) => {
                eprintln!("error: cannot write JSON: {e}");
                return 1;
            }
        }
    } else {
        table(&rows)
    };
    crate::diagnostics::print_stdout(&text).map_or_else(|code| code, |()| 0)
}

/// A schema read from a file, its runtime tables, and the config to layer over them.
pub(crate) struct Loaded {
    /// The validated model, in declaration order.
    pub(crate) model: Model,
    /// The same schema as runtime tables.
    pub(crate) tables: &'static Schema,
    /// The config (empty when none was given).
    pub(crate) config: SimilarityThresholdConfig,
}

/// Reads and checks the schema and the config; on failure prints every error to stderr and
/// returns `None` (exit code 1).
pub(crate) fn load(file: &Path, config: Option<&Path>) -> Option<Loaded> {
    let (_, model) = match load_schema(file) {
        Ok(loaded) => loaded,
        Err(e) => {
            e.eprint("");
            return None;
        }
    };
    let tables = leak_schema(&model);
    let config_path = config;
    // A config with errors is not applied, but what reads of it is still checked against the
    // schema: its unknown names come in the same run.
    let (config, invalid) = match config {
        None => (SimilarityThresholdConfig::default(), false),
        Some(path) => match SimilarityThresholdConfig::from_path(path) {
            Ok(cfg) => (cfg, false),
            Err(e) => {
                eprintln!("error: {e}");
                match e {
                    ConfigError::Invalid {
                        rest: Some(rest), ..
                    } => (*rest, true),
                    _ => return None,
                }
            }
        },
    };
    if let (Err(e), Some(path)) = (config.check_against(tables), config_path) {
        eprintln!(
            "error: config `{}` names what schema `{}` does not have:",
            path.display(),
            file.display()
        );
        let problems = misfits(e, path);
        for p in problems.iter().take(SHOW_MISFITS) {
            match p.position {
                Some(at) => eprintln!("  - {}:{at}: {p}", path.display()),
                None => eprintln!("  - {p}"),
            }
        }
        if problems.len() > SHOW_MISFITS {
            eprintln!("  - and {} more", problems.len() - SHOW_MISFITS);
        }
        return None;
    }
    if invalid {
        return None;
    }
    Some(Loaded {
        model,
        tables,
        config,
    })
}

/// How many misfits of a config `thresholds` and `explain` list.
const SHOW_MISFITS: usize = 100;

/// The problems of a config that does not fit its schema, each placed in the config file (read
/// again: `check_against` sees only the loaded values) when its key is there.
pub(crate) fn misfits(error: ConfigError, path: &Path) -> Vec<ConfigProblem> {
    let mut problems = match error {
        ConfigError::Invalid { problems, .. } => problems,
        other => vec![ConfigProblem::new("", other.to_string())],
    };
    if let (Some(format), Ok(text)) = (ConfigFormat::of(path), std::fs::read_to_string(path)) {
        locate(&mut problems, &text, format);
    }
    problems
}

/// One reference field in `--json` output.
#[derive(Debug, Serialize)]
pub(crate) struct Row {
    owner: String,
    field: String,
    operator: Option<Operator>,
    array: bool,
    optional: bool,
    targets: Vec<TargetRow>,
}

/// One union member in `--json` output: `threshold` and `layer` are null for exact references.
#[derive(Debug, Serialize)]
pub(crate) struct TargetRow {
    #[serde(rename = "type")]
    type_name: String,
    threshold: Option<f64>,
    layer: Option<Layer>,
    /// Where the threshold was written (not in DESIGN §10's example; an addition).
    at: Option<String>,
    /// The same for people: `config types.Persona`, `schema ICP.$threshold`.
    #[serde(skip)]
    source: Option<String>,
}

/// Every reference field (a field with targets: fuzzy, exact and operator-less), in declaration
/// order, with each member resolved.
fn rows(model: &Model, resolver: &Resolver<'_>) -> Vec<Row> {
    let mut out = Vec::new();
    for ty in &model.types {
        for field in &ty.fields {
            let def = field.def();
            if def.targets.is_empty() {
                continue;
            }
            let operator = def.operator.as_ref().map(|op| op.value);
            let fuzzy = operator.is_some_and(Operator::is_fuzzy);
            let targets = def
                .targets
                .iter()
                .map(|t| {
                    let resolved = fuzzy
                        .then(|| {
                            resolver
                                .resolve_member(&ty.name, &field.name, &t.name.value)
                                .ok()
                        })
                        .flatten();
                    TargetRow {
                        type_name: t.name.value.to_string(),
                        threshold: resolved.map(|r| r.value),
                        layer: resolved.map(|r| r.layer),
                        at: resolved.map(|r| r.at.to_owned()),
                        source: resolved.map(|r| r.source().to_string()),
                    }
                })
                .collect();
            out.push(Row {
                owner: ty.name.to_string(),
                field: field.name.to_string(),
                operator,
                array: def.array,
                optional: def.optional,
                targets,
            });
        }
    }
    out
}

/// The table for people: one line per union member.
fn table(rows: &[Row]) -> String {
    let mut lines: Vec<[String; 5]> =
        vec![["FIELD", "OP", "TARGET", "THRESHOLD", "LAYER"].map(str::to_owned)];
    let mut wheres = vec!["WRITTEN AT".to_owned()];
    for row in rows {
        let mut modifiers = String::new();
        if row.array {
            modifiers.push_str("[]");
        }
        if row.optional {
            modifiers.push('?');
        }
        for (i, t) in row.targets.iter().enumerate() {
            let name = if i == 0 {
                format!("{}.{}{modifiers}", row.owner, row.field)
            } else {
                String::new()
            };
            let op = match (i, row.operator) {
                (0, Some(op)) => op.to_string(),
                (0, None) => "(relation)".to_owned(),
                _ => "|".to_owned(),
            };
            let (threshold, layer, at) = match (t.threshold, t.layer, &t.source) {
                (Some(v), Some(l), Some(at)) => {
                    // For people: 6 decimals at most (`--json` keeps every digit).
                    let v = (v * 1e6).round() / 1e6;
                    (v.to_string(), l.to_string(), at.clone())
                }
                _ => {
                    let why = if row.operator.is_some() {
                        "exact"
                    } else {
                        "relation"
                    };
                    (
                        "-".to_owned(),
                        "-".to_owned(),
                        format!("{why}: no threshold"),
                    )
                }
            };
            lines.push([name, op, t.type_name.clone(), threshold, layer]);
            wheres.push(at);
        }
    }
    let mut widths = [0usize; 5];
    for line in &lines {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for (line, at) in lines.iter().zip(&wheres) {
        for (cell, w) in line.iter().zip(widths) {
            let _ = write!(out, "{cell:<w$}  ");
        }
        let _ = writeln!(out, "{at}");
    }
    if rows.is_empty() {
        out.push_str("(no reference fields)\n");
    }
    out
}
