//! How the commands show diagnostics: one decision on styling, and one way to read a schema file
//! and render its diagnostics.
//!
//! Every command that takes a schema (`check`, `thresholds`, `explain`, `calibrate --schema`,
//! `match --schema`) reads it through [`load_schema`], so a broken schema looks the same
//! everywhere: the rendered diagnostics, then one `error:` line that says how many and how to fix.

use std::fmt;
use std::io::{self, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use cascade_dsl::CheckError;
use cascade_dsl::diag::{Style, render};
use cascade_dsl::model::Schema as Model;

/// Styled diagnostics when stderr is a terminal and `NO_COLOR` is unset, plain otherwise.
pub(crate) fn stderr_style() -> Style {
    if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        Style::Styled
    } else {
        Style::Plain
    }
}

/// Why a schema file cannot be used. `Display` is the one-line summary (without `error: `).
#[derive(Debug)]
pub(crate) enum SchemaError {
    /// The file could not be read (missing, a directory, not UTF-8).
    Read {
        /// The file as given.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file was read but has errors.
    Invalid {
        /// The file as shown in the diagnostics.
        origin: String,
        /// Every diagnostic, rendered in [`stderr_style`], without a trailing newline.
        rendered: String,
        /// How many errors the file has.
        count: usize,
        /// How many of them `rendered` holds: fewer than `count` when the parser stopped
        /// listing syntax errors at [`MAX_ERRORS`](cascade_dsl::schema::MAX_ERRORS).
        shown: usize,
    },
}

impl SchemaError {
    /// Prints the rendered diagnostics (if any, followed by a blank line) and then
    /// `error: {prefix}{self}` to stderr.
    pub(crate) fn eprint(&self, prefix: &str) {
        if let SchemaError::Invalid { rendered, .. } = self {
            eprintln!("{rendered}\n");
        }
        eprintln!("error: {prefix}{self}");
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaError::Read { path, source } => {
                write!(f, "cannot read schema `{}`: {source}", path.display())
            }
            SchemaError::Invalid {
                origin,
                count,
                shown,
                ..
            } => write!(
                f,
                "`{origin}` has {}; fix {} first (`cascade check {origin}`)",
                error_count(*count, *shown),
                plural(*count, "it", "them"),
            ),
        }
    }
}

/// Reads and checks a schema file (`.cascade` or JSON): its text and its validated model, or
/// every diagnostic rendered for stderr.
pub(crate) fn load_schema(path: &Path) -> Result<(String, Model), SchemaError> {
    cascade_dsl::check_file(path).map_err(|e| match e {
        CheckError::Read { path, source } => SchemaError::Read { path, source },
        CheckError::Invalid {
            path,
            text,
            diagnostics,
        } => {
            let origin = path.display().to_string();
            let rendered = render(&diagnostics, &text, &origin, stderr_style())
                .trim_end()
                .to_owned();
            SchemaError::Invalid {
                origin,
                rendered,
                count: diagnostics.len() + cascade_dsl::schema::not_shown(&diagnostics),
                shown: diagnostics.len(),
            }
        }
    })
}

/// Writes `text` to stdout and flushes it. Every command prints through this (or ends a failed
/// write with [`stdout_failed`]), so all treat a closed pipe alike: `cascade parse ... | head -1`
/// stops quietly with exit 0, like most Unix tools. `Err` holds the exit code to return.
pub(crate) fn print_stdout(text: &str) -> Result<(), u8> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| stdout_failed(&e))
}

/// The exit code after writing to stdout failed: 0 and no message for a closed pipe (the reader
/// has all it wants), else 1 after saying why.
pub(crate) fn stdout_failed(e: &io::Error) -> u8 {
    if e.kind() == io::ErrorKind::BrokenPipe {
        0
    } else {
        eprintln!("error: cannot write the output: {e}");
        1
    }
}

/// `2 errors`, or `150 errors (100 shown)` when not all were shown.
pub(crate) fn error_count(count: usize, shown: usize) -> String {
    let errors = plural(count, "error", "errors");
    if shown < count {
        format!("{count} {errors} ({shown} shown)")
    } else {
        format!("{count} {errors}")
    }
}

/// `one` when `n` is 1, else `many`.
/// A command-line number that must be a whole number of `0..=T::MAX` (clap's own parser says
/// only "invalid digit found in string").
pub(crate) fn whole_number<T: std::str::FromStr + Into<u64>>(
    text: &str,
    what: &str,
) -> Result<T, String> {
    text.trim()
        .parse::<T>()
        .map_err(|_| format!("`{text}` is not {what}: write a whole number, e.g. `42`"))
}

pub(crate) fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pipe_ends_quietly_and_other_write_errors_fail() {
        assert_eq!(
            stdout_failed(&io::Error::from(io::ErrorKind::BrokenPipe)),
            0
        );
        assert_eq!(stdout_failed(&io::Error::other("disk full")), 1);
    }

    #[test]
    fn broken_schemas_say_how_many_errors_and_how_to_fix() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("s.cascade");
        std::fs::write(&path, "{ A: { $threshold: 1.5, x: '~>B' } }").expect("writable");
        let Err(e @ SchemaError::Invalid { .. }) = load_schema(&path) else {
            panic!("the schema has two errors");
        };
        let origin = path.display().to_string();
        assert_eq!(
            e.to_string(),
            format!("`{origin}` has 2 errors; fix them first (`cascade check {origin}`)")
        );

        // Past the parser's limit, the count is of every error, not of the ones shown.
        let entries: Vec<String> = (0..150).map(|i| format!("a{i}: .5")).collect();
        std::fs::write(&path, format!("{{ {} }}", entries.join(", "))).expect("writable");
        let Err(e @ SchemaError::Invalid { .. }) = load_schema(&path) else {
            panic!("the schema has 150 syntax errors");
        };
        assert_eq!(
            e.to_string(),
            format!(
                "`{origin}` has 150 errors (100 shown); fix them first (`cascade check {origin}`)"
            )
        );
        assert_eq!(error_count(1, 1), "1 error");

        let missing = dir.path().join("missing.cascade");
        let e = load_schema(&missing).expect_err("the file does not exist");
        assert!(
            e.to_string()
                .starts_with(&format!("cannot read schema `{}`: ", missing.display())),
            "{e}"
        );
    }
}

#[cfg(test)]
mod number_tests {
    #[test]
    fn whole_numbers_say_what_was_wrong() {
        assert_eq!(super::whole_number::<u64>(" 42 ", "a seed"), Ok(42));
        assert_eq!(
            super::whole_number::<u64>("1.5", "a seed"),
            Err("`1.5` is not a seed: write a whole number, e.g. `42`".to_owned())
        );
        assert!(super::whole_number::<u32>("99999999999", "a count").is_err());
    }
}
