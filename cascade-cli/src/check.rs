//! `cascade check FILE...`: parse and validate schema files and report every error of every file.
//!
//! Each clean file gets one summary line on stdout; each broken file gets all its diagnostics on
//! stderr (styled when stderr is a terminal and `NO_COLOR` is unset, plain otherwise). Every file
//! is checked even after a failure. Exit code 1 when any file failed. A valid schema whose type
//! names cannot become Rust types (`SCHEMA`, `Self`) gets warnings, as build.rs would refuse it.

use std::path::PathBuf;

use crate::diagnostics::{SchemaError, error_count, load_schema, plural};

/// Arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Schema files to check (`.cascade` or JSON; the name does not matter)
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

pub(crate) fn run(args: Args) -> u8 {
    let mut failed = 0;
    for path in &args.files {
        match load_schema(path) {
            Ok((text, schema)) => {
                // Valid, but some names cannot become Rust types: say so before build.rs does.
                let mut unbuildable = cascade_dsl::codegen::check_names(&schema);
                for d in &mut unbuildable {
                    d.severity = cascade_dsl::diag::Severity::Warning;
                    d.notes.push(
                        "the schema is valid, but build.rs generates a Rust type per schema type and will refuse it"
                            .to_owned(),
                    );
                }
                if !unbuildable.is_empty() {
                    eprintln!(
                        "{}
",
                        cascade_dsl::diag::render(
                            &unbuildable,
                            &text,
                            &path.display().to_string(),
                            crate::diagnostics::stderr_style(),
                        )
                        .trim_end()
                    );
                }
                let inverse = schema
                    .types
                    .iter()
                    .flat_map(|t| &t.fields)
                    .filter(|f| f.inverse)
                    .count();
                let fields = schema.field_count() - inverse;
                let inverse = match inverse {
                    0 => String::new(),
                    n => format!(", {n} inverse {}", plural(n, "field", "fields")),
                };
                let summary = format!(
                    "{}: ok ({} {}, {fields} {}{inverse})\n",
                    path.display(),
                    schema.types.len(),
                    plural(schema.types.len(), "type", "types"),
                    plural(fields, "field", "fields"),
                );
                if let Err(code) = crate::diagnostics::print_stdout(&summary) {
                    return code;
                }
            }
            // `check` is the fix the other commands point to, so its summaries name no command.
            Err(SchemaError::Read { path, source }) => {
                failed += 1;
                eprintln!("error: cannot read `{}`: {source}", path.display());
            }
            Err(SchemaError::Invalid {
                origin,
                rendered,
                count,
                shown,
            }) => {
                failed += 1;
                eprintln!("{rendered}\n");
                eprintln!("error: `{origin}` has {}\n", error_count(count, shown));
            }
        }
    }
    u8::from(failed > 0)
}
