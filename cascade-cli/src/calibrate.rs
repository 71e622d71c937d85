//! `cascade calibrate`: the thresholds your labelled pairs support (DESIGN §7, §10).
//!
//! Reads labelled pairs (streamed), calibrates each type and all types pooled (`ALL`, last) with
//! the engine in `cascade_runtime::calibrate`, and prints a table for people or, with `--json`,
//! the DESIGN §10 document. `--write` saves a runtime config, `--report` an HTML report.
//!
//! Choices the design leaves open:
//! * Types appear in order of first appearance in the pairs file, `ALL` last.
//! * The bootstrap (1000 resamples, 90% interval) and 5-fold cross-validation run by default;
//!   `--bootstrap 0` / `--cv 0` turn them off. Each type's seed is `--seed` mixed with the type
//!   name, so adding a type never changes another type's intervals.
//! * With `--dims`, every type also gets `"dims":[{"dims":384,"best":..,"grid":..}, ...]` (one
//!   entry per requested dimension, in the order given); the type's top-level `best`, `grid`,
//!   `ci` and `cv` are at the largest dimension, and `score_field` is `"cosine"`. Without
//!   `--dims` there is no `dims` key, so the default document keeps the §10 shape exactly.
//! * A type whose pairs are all same or all different has no meaningful threshold: it is still
//!   listed (its numbers are defined), but marked as not calibrated in the table, the report and
//!   on stderr, with `"warning"` in JSON (an added key), and left out of `--write` (references to
//!   it use the config's default). That is a warning, not an error: the run exits 0 when the
//!   pooled `ALL` calibrates. When `ALL` itself lacks one label, no type has both, so nothing is
//!   calibrated and the run fails.

mod config;
pub(crate) mod input;
mod report;
mod table;

use std::collections::HashSet;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use cascade_runtime::calibrate::{
    ALL, Calibration, Curve, DimCalibration, MissingLabel, Objective, Options, SortedPairs,
    calibrate_dims, seed_for,
};
use cascade_runtime::config::suggest::did_you_mean;
use cascade_runtime::table::BUILTIN;
use serde::Serialize;

use crate::diagnostics::{SchemaError, load_schema, plural};
use crate::tables::{Isolated, leak_schema};

use input::{Errors, Format, Pairs, ScoreSource};

/// How many bad input rows are printed before "and N more".
const SHOW_ERRORS: usize = 20;

/// Arguments of `cascade calibrate`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    cascade calibrate examples/data/pairs.jsonl --schema examples/schemas/entities.cascade\n  \
    cascade calibrate pairs.csv --objective 'precision>=0.95' --json\n  \
    cascade calibrate pairs.jsonl --embeddings vectors.jsonl --dims 384,256,128 --write thresholds.toml")]
pub(crate) struct Args {
    /// Labelled pairs: JSONL `{type, a, b, same, similarity}` one object per line, or CSV with a
    /// header row (chosen by the `.csv` extension unless `--format` says otherwise)
    pub(crate) pairs: PathBuf,
    /// A `.cascade` schema: every type in the pairs must exist in it; its current thresholds are
    /// shown next to the calibrated ones
    #[arg(long, value_name = "FILE")]
    pub(crate) schema: Option<PathBuf>,
    /// What to optimise: `f1`, `fbeta=<β>`, `precision>=<floor>` (max recall at that
    /// precision) or `cost=fp:<w>,fn:<w>` (min weighted errors)
    #[arg(long, default_value = "f1", value_name = "OBJECTIVE")]
    pub(crate) objective: Objective,
    /// The column holding each pair's similarity
    #[arg(
        long,
        default_value = "similarity",
        value_name = "FIELD",
        conflicts_with = "embeddings"
    )]
    pub(crate) score_field: String,
    /// JSONL `{text, vector}`: compute each pair's cosine from the vectors of its `a` and `b`
    #[arg(long, value_name = "FILE")]
    pub(crate) embeddings: Option<PathBuf>,
    /// Calibrate at these vector prefixes (truncate, renormalise), e.g. `384,256,128,64`
    #[arg(
        long,
        value_delimiter = ',',
        requires = "embeddings",
        value_name = "D,...",
        value_parser = parse_dim
    )]
    pub(crate) dims: Vec<usize>,
    /// Bootstrap resamples for the 90% confidence interval (0 = none, at most 100000; 1000 take
    /// seconds per million pairs)
    #[arg(
        long,
        default_value_t = 1000,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(0..=MAX_BOOTSTRAP)
    )]
    pub(crate) bootstrap: u32,
    /// Folds of the cross-validated F1 (0 = none, else at least 2)
    #[arg(long, default_value_t = 5, value_name = "K", value_parser = parse_folds)]
    pub(crate) cv: u32,
    /// Seed of the bootstrap and of the fold assignment
    #[arg(long, default_value_t = 0, value_name = "S", value_parser = |s: &str| crate::diagnostics::whole_number::<u64>(s, "a seed"))]
    pub(crate) seed: u64,
    /// Print one JSON document for programs instead of the table (a stable shape)
    #[arg(long)]
    pub(crate) json: bool,
    /// Write the thresholds as a runtime config (`.json` or `.toml`)
    #[arg(long, value_name = "OUT")]
    pub(crate) write: Option<PathBuf>,
    /// Write an HTML report with precision–recall and F1 curves
    #[arg(long, value_name = "OUT.html")]
    pub(crate) report: Option<PathBuf>,
    /// Input format of PAIRS (default: by extension; `.csv` is CSV, anything else JSONL)
    #[arg(long, value_enum)]
    pub(crate) format: Option<Format>,
}

/// The most bootstrap resamples `--bootstrap` takes: far past where the interval stops moving
/// (it is stable to the third decimal by a few thousand), and small enough to keep in memory.
const MAX_BOOTSTRAP: i64 = 100_000;

/// `--cv`: 0 (off) or at least 2 folds.
fn parse_folds(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(1) => Err("1 fold cannot cross-validate: use at least 2, or 0 for none".to_owned()),
        Ok(k) => Ok(k),
        Err(e) => Err(format!("`{text}` is not a number of folds: {e}")),
    }
}

/// One type's (or the pool's) results.
pub(crate) struct Group {
    pub(crate) name: String,
    pub(crate) calibration: Calibration,
    /// The curve at the base dimension, for the report.
    pub(crate) curve: Curve,
    /// Per requested dimension (only with `--dims`).
    pub(crate) dims: Vec<DimCalibration>,
}

impl Group {
    /// Why this group's threshold means nothing (its pairs are all same or all different) and
    /// how to fix that; `None` when it has both kinds of pairs.
    pub(crate) fn warning(&self) -> Option<String> {
        let c = &self.calibration;
        let missing = c.missing_label()?;
        let lacks = match missing {
            MissingLabel::Same => format!("no pair is labelled same ({} different)", c.n),
            MissingLabel::Different => format!("every pair is labelled same ({} same)", c.n),
        };
        let add = pairs_to_label(missing);
        Some(format!(
            "cannot be calibrated: {lacks}, so no threshold can tell same from different; label some pairs of `{}` {add} and run again",
            self.name
        ))
    }
}

/// The pairs to label when a group lacks `missing`: the fix its messages give.
fn pairs_to_label(missing: MissingLabel) -> &'static str {
    match missing {
        MissingLabel::Same => "that are the same entity (`same: true`)",
        MissingLabel::Different => "that are different entities (`same: false`)",
    }
}

/// Everything a run computed.
pub(crate) struct Outcome {
    pub(crate) pairs_path: String,
    pub(crate) objective: Objective,
    pub(crate) score_field: String,
    pub(crate) groups: Vec<Group>,
    /// Requested dimensions (empty without `--dims`).
    pub(crate) dims: Vec<usize>,
    /// `--cv` (0: no cross-validation asked for).
    pub(crate) cv_folds: u32,
    /// Threshold of each type in the schema, when `--schema` was given.
    pub(crate) schema: Option<SchemaInfo>,
}

/// What `--schema` contributes to the output.
pub(crate) struct SchemaInfo {
    pub(crate) path: String,
    /// `(type, threshold that applies to references to it)`, in declaration order.
    pub(crate) types: Vec<(String, f64)>,
    /// The schema default (`$config.default`, else the built-in 0.80).
    pub(crate) default: f64,
}

impl SchemaInfo {
    /// The threshold of a declared type.
    pub(crate) fn threshold(&self, ty: &str) -> Option<f64> {
        self.types.iter().find(|(n, _)| n == ty).map(|(_, t)| *t)
    }

    /// What to compare a result row with: the type's threshold, or the default for `ALL`.
    pub(crate) fn compare_with(&self, group: &str) -> Option<f64> {
        if group == ALL {
            Some(self.default)
        } else {
            self.threshold(group)
        }
    }
}

impl Outcome {
    /// Schema types that have no pairs.
    pub(crate) fn types_without_data(&self) -> Vec<&str> {
        let Some(schema) = &self.schema else {
            return Vec::new();
        };
        let seen: HashSet<&str> = self.groups.iter().map(|g| g.name.as_str()).collect();
        schema
            .types
            .iter()
            .map(|(n, _)| n.as_str())
            .filter(|n| !seen.contains(n))
            .collect()
    }
}

#[derive(Serialize)]
struct Document<'a> {
    objective: String,
    rule: &'static str,
    score_field: &'a str,
    types: Vec<TypeDocument<'a>>,
}

#[derive(Serialize)]
struct TypeDocument<'a> {
    #[serde(rename = "type")]
    ty: &'a str,
    #[serde(flatten)]
    calibration: &'a Calibration,
    /// `"cv": null` when `--cv` was asked for but the group has fewer pairs than folds (the
    /// calibration's own `cv` key is then absent), so the key is there whenever `--cv` is.
    #[serde(
        rename = "cv",
        skip_serializing_if = "std::ops::Not::not",
        serialize_with = "null"
    )]
    cv_unavailable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    dims: Option<&'a [DimCalibration]>,
    /// Why the type could not be calibrated (an added key, only on such types).
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<String>,
}

fn null<S: serde::Serializer>(_: &bool, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_none()
}

/// The DESIGN §10 document of `outcome` (serialised directly, so keys keep the documented order).
fn document(outcome: &Outcome) -> Document<'_> {
    Document {
        objective: outcome.objective.to_string(),
        rule: "score >= threshold",
        score_field: &outcome.score_field,
        types: outcome
            .groups
            .iter()
            .map(|g| TypeDocument {
                ty: &g.name,
                calibration: &g.calibration,
                cv_unavailable: outcome.cv_folds > 0 && g.calibration.cv.is_none(),
                dims: (!outcome.dims.is_empty()).then_some(g.dims.as_slice()),
                warning: g.warning(),
            })
            .collect(),
    }
}

pub(crate) fn run(args: Args) -> u8 {
    let usage = usage_errors(&args);
    if !usage.is_empty() {
        for e in usage {
            eprintln!("error: {e}");
        }
        return 2;
    }
    match calibrate(&args) {
        Ok(outcome) => {
            let text = if args.json {
                match serde_json::to_string(&document(&outcome)) {
                    Ok(json) => json + "\n",
                    Err(e) => {
                        eprintln!("error: cannot write the JSON document: {e}");
                        return 1;
                    }
                }
            } else {
                table::render(&outcome)
            };
            // A closed pipe stops the output quietly; the files asked for are still written.
            if let Err(code) = crate::diagnostics::print_stdout(&text)
                && code != 0
            {
                return code;
            }
            match write_files(&args, &outcome) {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    1
                }
            }
        }
        Err(Failure::Input(errors)) => {
            print_errors(&errors);
            1
        }
        Err(Failure::Messages { messages, summary }) => {
            for m in &messages {
                eprintln!("error: {m}");
            }
            eprintln!("error: {summary}");
            1
        }
        Err(Failure::Other(e)) => {
            eprintln!("error: {e:#}");
            1
        }
    }
}

/// The usage errors clap cannot find, all found before any work (not after printing the
/// results): a `--dims` value given twice, a `--write` path the runtime could not load back, a path that cannot be created (a
/// missing directory), and an output written over another output or over an input.
fn usage_errors(args: &Args) -> Vec<String> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for d in &args.dims {
        if !seen.insert(d) {
            errors.push(format!(
                "--dims: {d} is given twice: give each prefix length once"
            ));
        }
    }
    if let Some(path) = &args.write
        && let Err(e) = config::format_of(path)
    {
        errors.push(format!("{e:#}"));
    }
    let outputs = [("--write", &args.write), ("--report", &args.report)];
    errors.extend(
        outputs
            .into_iter()
            .filter_map(|(flag, path)| check_output_path(flag, path.as_deref()?).err()),
    );
    if let (Some(write), Some(report)) = (&args.write, &args.report)
        && same_file(write, report)
    {
        errors.push(format!(
            "--write and --report are both {}: the report would replace the config; give them different names",
            write.display()
        ));
    }
    let inputs = [
        ("the pairs file", Some(&args.pairs)),
        ("the --schema file", args.schema.as_ref()),
        ("the --embeddings file", args.embeddings.as_ref()),
    ];
    for (flag, output) in outputs {
        let Some(output) = output else { continue };
        for (what, input) in inputs {
            if input.is_some_and(|input| same_file(output, input)) {
                errors.push(format!(
                    "{flag} {} is {what}, which it would overwrite: write elsewhere",
                    output.display()
                ));
            }
        }
    }
    errors
}

/// One `--dims` value: a prefix length of 1 or more.
fn parse_dim(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err(
            "0 is not a dimension: give prefix lengths of 1 or more, e.g. 384,256,128,64".into(),
        ),
        Ok(d) => Ok(d),
        Err(_) => Err(format!(
            "`{text}` is not a dimension: give whole numbers of 1 or more, e.g. 384,256,128,64"
        )),
    }
}

/// Whether `a` and `b` name the same file: the same path once their directories are resolved
/// (`./x.json` and `x.json`, or through a symlinked directory), whether or not it exists yet.
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    let resolved = |p: &std::path::Path| {
        if let Ok(p) = p.canonicalize() {
            return Some(p);
        }
        let dir = match p.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => std::path::Path::new("."),
        };
        Some(dir.canonicalize().ok()?.join(p.file_name()?))
    };
    a == b || matches!((resolved(a), resolved(b)), (Some(x), Some(y)) if x == y)
}

/// Whether `path` (given to `flag`) can be created: its directory exists and it is not itself
/// a directory. Permissions are left to the write, which names the path too.
fn check_output_path(flag: &str, path: &std::path::Path) -> Result<(), String> {
    let shown = path.display();
    if path.is_dir() {
        return Err(format!(
            "{flag} {shown}: is a directory; give a file name, e.g. {}",
            path.join(if flag == "--write" {
                "thresholds.json"
            } else {
                "report.html"
            })
            .display()
        ));
    }
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => {
            let what = if dir.exists() {
                "is not a directory"
            } else {
                "does not exist"
            };
            Err(format!(
                "{flag} {shown}: the directory {} {what}; create it first (mkdir -p {}) or write elsewhere",
                dir.display(),
                dir.display()
            ))
        }
        _ => Ok(()),
    }
}

/// Why a run stopped.
pub(crate) enum Failure {
    /// Bad rows in an input file.
    Input(Errors),
    /// Several problems, each printed as an `error:` line, then a summary.
    Messages {
        messages: Vec<String>,
        summary: String,
    },
    /// Anything else, with context.
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::Other(e)
    }
}

fn print_errors(errors: &Errors) {
    let mut err = std::io::stderr().lock();
    for note in &errors.notes {
        let _ = writeln!(err, "error: {note}");
    }
    for e in errors.kept.iter().take(SHOW_ERRORS) {
        let _ = writeln!(err, "error: {e}");
    }
    if errors.total > SHOW_ERRORS {
        let more = errors.total - SHOW_ERRORS;
        let _ = writeln!(
            err,
            "... and {more} more {}",
            plural(more, "error", "errors")
        );
    }
    // An unreadable or empty file says so itself; only bad rows get a summary.
    if errors.rows == 0 {
        return;
    }
    let also = if errors.total == errors.rows {
        String::new()
    } else {
        format!(" ({} errors)", errors.total)
    };
    let _ = writeln!(
        err,
        "error: {} bad {}{also} in the input; nothing was calibrated (fix them and run again)",
        errors.rows,
        plural(errors.rows, "row", "rows"),
    );
}

fn check_dims(dims: &[usize], width: usize, path: &str) -> anyhow::Result<()> {
    let mut seen = HashSet::new();
    for &d in dims {
        if d == 0 {
            anyhow::bail!("--dims: 0 is not a dimension: give prefix lengths from 1 to {width}");
        }
        if d > width {
            anyhow::bail!(
                "--dims: {d} is larger than the vectors in {path}, which have {width} numbers"
            );
        }
        if !seen.insert(d) {
            anyhow::bail!("--dims: {d} is given twice");
        }
    }
    Ok(())
}

/// Reads the inputs and calibrates every group (`run` has checked `--write`'s format already).
pub(crate) fn calibrate(args: &Args) -> Result<Outcome, Failure> {
    if args.embeddings.is_none() && ["type", "same", "a", "b"].contains(&args.score_field.as_str())
    {
        return Err(anyhow::anyhow!(
            "--score-field {}: that column holds the pair itself, not its similarity; name a numeric column such as `similarity`",
            args.score_field
        )
        .into());
    }
    let schema = args.schema.as_ref().map(|p| read_schema(p)).transpose()?;
    let format = args.format.unwrap_or_else(|| Format::of(&args.pairs));
    let embeddings;
    let dims: Vec<usize>;
    let (pairs, score_field) = match &args.embeddings {
        Some(path) => {
            let (table, mut errors) = input::read_embeddings_all(path);
            embeddings = table;
            if embeddings.len() == 0 && !errors.is_empty() {
                // No vector at all: every pair would only say it has none.
                return Err(Failure::Input(errors));
            }
            let shown = path.display().to_string();
            dims = if args.dims.is_empty() {
                vec![embeddings.width]
            } else {
                args.dims.clone()
            };
            if let Err(e) = check_dims(&dims, embeddings.width, &shown) {
                errors.notes.push(e.to_string());
            }
            // With bad vectors or dimensions, the pairs are still read (their own errors come
            // in the same run), but no cosine is computed.
            let usable = errors.is_empty() && errors.notes.is_empty();
            let source = ScoreSource::Embeddings {
                table: &embeddings,
                dims: if usable { &dims } else { &[] },
            };
            let pairs = input::read_pairs(&args.pairs, format, &source);
            if !usable {
                if let Err(pair_errors) = pairs {
                    errors.append(pair_errors);
                }
                return Err(Failure::Input(errors));
            }
            (pairs.map_err(Failure::Input)?, "cosine".to_owned())
        }
        None => {
            dims = Vec::new();
            let source = ScoreSource::Field(&args.score_field);
            (
                input::read_pairs(&args.pairs, format, &source).map_err(Failure::Input)?,
                args.score_field.clone(),
            )
        }
    };
    for w in &pairs.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(schema) = &schema {
        check_types_against_schema(&pairs, schema, &args.pairs.display().to_string())?;
    }
    let base = dims
        .iter()
        .enumerate()
        .max_by_key(|(_, d)| **d)
        .map_or(0, |(k, _)| k);
    let options = Options {
        objective: args.objective,
        bootstrap: args.bootstrap,
        folds: args.cv,
        seed: args.seed,
        ..Options::default()
    };
    // Row indices per type, in one pass.
    let mut rows_of: Vec<Vec<usize>> = vec![Vec::new(); pairs.types.len()];
    for (row, &ty) in pairs.type_of.iter().enumerate() {
        if let Some(rows) = rows_of.get_mut(ty as usize) {
            rows.push(row);
        }
    }
    // Groups are independent (each has its own seed), so a few worker threads take them in
    // turn; the results do not depend on scheduling.
    let mut jobs: Vec<(Option<&[usize]>, &str)> = pairs
        .types
        .iter()
        .zip(&rows_of)
        .map(|(name, rows)| (Some(rows.as_slice()), name.as_str()))
        .collect();
    jobs.push((None, ALL));
    let progress = input::Progress::new("calibrating", jobs.len() as u64)
        .counting("groups")
        .when(pairs.len() >= 100_000 && (args.bootstrap > 0 || args.cv > 0));
    let done = std::sync::Mutex::new(progress);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<anyhow::Result<Group>>>> =
        jobs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let (Some(&(rows, name)), Some(slot)) = (jobs.get(i), slots.get(i)) else {
                        break;
                    };
                    let group = calibrate_group(&pairs, rows, name, &options, base, &dims);
                    if let Ok(mut slot) = slot.lock() {
                        *slot = Some(group);
                    }
                    if let Ok(mut progress) = done.lock() {
                        progress.step();
                    }
                }
            });
        }
    });
    let results: Vec<anyhow::Result<Group>> = slots
        .into_iter()
        .map(|slot| {
            slot.into_inner().ok().flatten().unwrap_or_else(|| {
                Err(anyhow::anyhow!(
                    "a calibration worker stopped early (a bug in cascade)"
                ))
            })
        })
        .collect();
    if let Ok(mut progress) = done.lock() {
        progress.finish();
    }
    let groups = results
        .into_iter()
        .collect::<anyhow::Result<Vec<Group>>>()?;
    if let Some(all) = groups.last().filter(|g| g.name == ALL)
        && let Some(lacks) = all.calibration.missing_label()
    {
        let path = args.pairs.display();
        let n = all.calibration.n;
        let message = match lacks {
            MissingLabel::Same => {
                format!("{path}: no pair is labelled same (all {n} are `same: false`)")
            }
            MissingLabel::Different => {
                format!("{path}: every pair is labelled same (all {n} are `same: true`)")
            }
        };
        let add = pairs_to_label(lacks);
        return Err(Failure::Messages {
            messages: vec![message],
            summary: format!(
                "nothing was calibrated: a threshold tells same pairs from different ones, so it needs both; label some pairs {add} and run again"
            ),
        });
    }
    for g in groups.iter().filter(|g| g.name != ALL) {
        if let Some(warning) = g.warning() {
            eprintln!("warning: {} {warning}", g.name);
        }
    }
    if args.cv > 0 {
        let small: Vec<&str> = groups
            .iter()
            .filter(|g| g.calibration.cv.is_none())
            .map(|g| g.name.as_str())
            .collect();
        if !small.is_empty() {
            eprintln!(
                "warning: fewer pairs than --cv {} folds for {}: no cross-validation there",
                args.cv,
                small.join(", ")
            );
        }
    }
    Ok(Outcome {
        pairs_path: args.pairs.display().to_string(),
        objective: args.objective,
        score_field,
        groups,
        dims,
        cv_folds: args.cv,
        schema,
    })
}

/// Calibrates the pairs at `rows` (all pairs when `None`).
fn calibrate_group(
    pairs: &Pairs,
    rows: Option<&[usize]>,
    name: &str,
    options: &Options,
    base: usize,
    dims: &[usize],
) -> anyhow::Result<Group> {
    let labels: Vec<bool> = match rows {
        Some(rows) => rows.iter().map(|&r| pairs.same[r]).collect(),
        None => pairs.same.clone(),
    };
    let column = |k: usize| -> Vec<f64> {
        match rows {
            Some(rows) => rows.iter().map(|&r| pairs.scores[k][r]).collect(),
            None => pairs.scores[k].clone(),
        }
    };
    let options = Options {
        seed: seed_for(options.seed, name),
        ..options.clone()
    };
    let sorted =
        SortedPairs::new(&column(base), &labels).with_context(|| format!("calibrating {name}"))?;
    let calibration =
        Calibration::of_sorted(&sorted, &options).with_context(|| format!("calibrating {name}"))?;
    let curve = sorted.curve();
    // The base size is already calibrated (with its interval and CV); the others get their
    // optimum and grid.
    let columns: Vec<(usize, Vec<f64>)> = dims
        .iter()
        .enumerate()
        .filter(|&(k, _)| k != base)
        .map(|(k, &d)| (d, column(k)))
        .collect();
    let borrowed: Vec<(usize, &[f64])> = columns.iter().map(|(d, c)| (*d, c.as_slice())).collect();
    let mut others = calibrate_dims(&borrowed, &labels, &options)
        .with_context(|| format!("calibrating {name} per dimension"))?
        .into_iter();
    let mut per_dim = Vec::with_capacity(dims.len());
    for (k, &d) in dims.iter().enumerate() {
        if k == base {
            per_dim.push(DimCalibration {
                dims: d,
                best: calibration.best,
                grid: calibration.grid.clone(),
            });
        } else if let Some(other) = others.next() {
            per_dim.push(other);
        }
    }
    Ok(Group {
        name: name.to_owned(),
        calibration,
        curve,
        dims: per_dim,
    })
}

/// Reads and checks the schema; its diagnostics are printed here, like `cascade check` does.
fn read_schema(path: &std::path::Path) -> Result<SchemaInfo, Failure> {
    match load_schema(path) {
        Ok((_, model)) => {
            // What references to each type use (DESIGN §4), as the runtime resolves a reference
            // with no field of its own: the type's own threshold, else the schema default, else
            // the built-in 0.80. Field-level thresholds can still differ.
            let isolated = Isolated::new(Some(leak_schema(&model)));
            let types = model
                .types
                .iter()
                .map(|t| {
                    let (_, target) = isolated
                        .reference(&t.name)
                        .expect("tables built from a model hold every type of it");
                    (
                        t.name.to_string(),
                        isolated.owner().resolve_target(target).value,
                    )
                })
                .collect();
            let default = isolated.owner().schema_default.unwrap_or(BUILTIN);
            Ok(SchemaInfo {
                path: path.display().to_string(),
                types,
                default: default.value.get(),
            })
        }
        Err(e) => {
            if let SchemaError::Invalid { rendered, .. } = &e {
                eprintln!("{rendered}\n");
            }
            Err(Failure::Other(anyhow::anyhow!("--schema: {e}")))
        }
    }
}

/// Every type of the pairs must be declared in the schema: a calibrated threshold for a type the
/// schema does not know could never apply.
fn check_types_against_schema(
    pairs: &Pairs,
    schema: &SchemaInfo,
    path: &str,
) -> Result<(), Failure> {
    let problems: Vec<String> = pairs
        .types
        .iter()
        .zip(&pairs.first_lines)
        .filter(|(ty, _)| schema.threshold(ty).is_none())
        .map(|(ty, line)| {
            let hint = did_you_mean(ty, schema.types.iter().map(|(n, _)| n.as_str()))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            format!(
                "{path}:{line}: field `type`: `{ty}`, the type of this row and any later ones, is not declared in {}{hint}",
                schema.path
            )
        })
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    Err(Failure::Messages {
        messages: problems,
        summary: "every type in the pairs must be a type of the schema: fix the type names in the pairs, or declare the types in the schema".to_owned(),
    })
}

/// Writes the `--write` config and the `--report` page, if asked for.
fn write_files(args: &Args, outcome: &Outcome) -> anyhow::Result<()> {
    if let Some(path) = &args.write {
        let (text, warnings) = config::render(outcome, path)?;
        for w in warnings {
            eprintln!("warning: {w}");
        }
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("wrote the runtime config {}", path.display());
    }
    if let Some(path) = &args.report {
        std::fs::write(path, report::render(outcome))
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("wrote the report {}", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_need_an_existing_directory() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let ok = dir.path().join("t.json");
        assert_eq!(check_output_path("--write", &ok), Ok(()));
        assert_eq!(
            check_output_path("--write", std::path::Path::new("t.json")),
            Ok(())
        );
        let missing = dir.path().join("no").join("t.json");
        let e = check_output_path("--write", &missing).unwrap_err();
        assert!(
            e.contains("does not exist; create it first (mkdir -p "),
            "{e}"
        );
        let e = check_output_path("--report", dir.path()).unwrap_err();
        assert!(e.contains("is a directory; give a file name"), "{e}");
        std::fs::write(&ok, "").expect("writable");
        let e = check_output_path("--report", &ok.join("r.html")).unwrap_err();
        assert!(e.contains("is not a directory"), "{e}");
    }

    #[test]
    fn dims_are_checked_against_the_vectors() {
        assert!(check_dims(&[384, 64], 384, "E").is_ok());
        let e = check_dims(&[512], 384, "E").unwrap_err().to_string();
        assert_eq!(
            e,
            "--dims: 512 is larger than the vectors in E, which have 384 numbers"
        );
        assert!(check_dims(&[0], 384, "E").is_err());
        assert!(check_dims(&[64, 64], 384, "E").is_err());
    }
}
