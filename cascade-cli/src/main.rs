//! The `cascade` command line (DESIGN §9). Each subcommand lives in its own module with its
//! `Args` and a `run` that returns the process exit code: 0 success, 1 user errors (diagnostics
//! on stderr), 2 usage errors (clap).

#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod calibrate;
mod check;
mod diagnostics;
mod explain;
mod match_cmd;
mod parse;
mod rows;
mod tables;
mod thresholds;

/// Declare, check, calibrate and apply similarity thresholds of fuzzy references.
#[derive(Debug, Parser)]
#[command(name = "cascade", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse field definitions and print their meaning
    Parse(parse::Args),
    /// Check `.cascade` schema files and report every error
    Check(check::Args),
    /// List every reference field with the threshold that applies and where it comes from
    Thresholds(thresholds::Args),
    /// Explain the threshold of one field: precedence, adjustments, candidates
    Explain(explain::Args),
    /// Find the thresholds your labelled pairs support
    Calibrate(Box<calibrate::Args>),
    /// Match queries against a catalog of entities with the resolved thresholds
    Match(match_cmd::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Parse(args) => parse::run(args),
        Command::Check(args) => check::run(args),
        Command::Thresholds(args) => thresholds::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Calibrate(args) => calibrate::run(*args),
        Command::Match(args) => match_cmd::run(args),
    };
    ExitCode::from(code)
}
