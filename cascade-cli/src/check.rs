//! `cascade check FILE...`: parse and validate schema files and report every error of every file.
//!
//! Each clean file gets one summary line on stdout; each broken file gets all its diagnostics on
//! stderr (styled when stderr is a terminal and `NO_COLOR` is unset, plain otherwise). Every file
//! is checked even after a failure. Exit code 1 when any file failed.

use std::io::IsTerminal;
use std::path::PathBuf;

use cascade_dsl::CheckError;
use cascade_dsl::diag::{Style, render};

/// Arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Schema files to check (`.cascade` or JSON; the name does not matter)
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

pub(crate) fn run(args: Args) -> u8 {
    let styled = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let style = if styled { Style::Styled } else { Style::Plain };
    let mut failed = 0;
    for path in &args.files {
        match cascade_dsl::check_file(path) {
            Ok((_, schema)) => {
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
                println!(
                    "{}: ok ({} {}, {fields} {}{inverse})",
                    path.display(),
                    schema.types.len(),
                    plural(schema.types.len(), "type", "types"),
                    plural(fields, "field", "fields"),
                );
            }
            Err(error @ CheckError::Read { .. }) => {
                failed += 1;
                eprintln!("error: {error}");
            }
            Err(CheckError::Invalid {
                path,
                text,
                diagnostics,
            }) => {
                failed += 1;
                let origin = path.display().to_string();
                let rendered = render(&diagnostics, &text, &origin, style);
                eprintln!("{}\n", rendered.trim_end());
                let n = diagnostics.len();
                eprintln!(
                    "error: `{origin}` has {n} {}\n",
                    plural(n, "error", "errors")
                );
            }
        }
    }
    u8::from(failed > 0)
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
