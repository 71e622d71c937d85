//! `cascade parse [--json] [--] DEF...`: parse field definitions and print their meaning.
//!
//! One result per definition, in order. Human mode prints the canonical form on stdout, or the
//! rendered diagnostics on stderr (origin `<arg N>`). `--json` prints one line of DESIGN §10's
//! JSON per definition on stdout, errors included. Exit 0 when every definition is valid, 1 when
//! any is not, 2 on usage errors (clap).

use std::io::Write;

use cascade_dsl::diag::{self, Diagnostic};
use cascade_dsl::field::{self, FieldDef};
use serde::Serialize;

/// Arguments.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Definitions may start with `-`, as `->User` does: `cascade parse --json '->User'` \
                  reads it as a definition, and so does `cascade parse --json -- '->User'`."
)]
pub(crate) struct Args {
    /// Print one JSON object per line and definition instead of the canonical form
    #[arg(long)]
    json: bool,
    /// Field definitions, e.g. `~>ICP(0.82)`, `string[]?`, `['~>Company(0.85)']`
    // Definitions start with `-` (`->User`): read as values, not as unknown flags. Once a value
    // is read, clap passes a later `--json` or `--` on as one too; neither is a definition, so
    // `run` takes them for what they are.
    #[arg(required = true, value_name = "DEF", allow_hyphen_values = true)]
    defs: Vec<String>,
}

/// A definition and its 1-based place among the arguments.
type Numbered<'a> = (usize, &'a str);

impl Args {
    /// Whether `--json` was given (before or among the definitions), and the definitions with
    /// their 1-based place among the arguments after `parse`'s own flags.
    /// A word such as `--jsn` is a mistyped flag, not a definition: a usage error.
    fn split(&self) -> Result<(bool, Vec<Numbered<'_>>), String> {
        let mut json = self.json;
        let mut defs = Vec::with_capacity(self.defs.len());
        for (i, arg) in self.defs.iter().enumerate() {
            match arg.as_str() {
                "--json" => json = true,
                "--" => {}
                flag if flag.strip_prefix("--").is_some_and(|name| {
                    name.starts_with(|c: char| c.is_ascii_lowercase())
                        && name.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                }) =>
                {
                    let hint = if cascade_dsl::validate::did_you_mean(flag, ["--json"]).is_some() {
                        "; did you mean `--json`?"
                    } else {
                        ""
                    };
                    return Err(format!(
                        "unknown flag `{flag}`{hint} (`cascade parse` takes `--json` and definitions)"
                    ));
                }
                def => defs.push((i + 1, def)),
            }
        }
        Ok((json, defs))
    }
}

/// One line of `--json` output.
#[derive(Debug, Serialize)]
struct Output<'a> {
    input: &'a str,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<FieldJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Vec<ErrorJson<'a>>>,
}

#[derive(Debug, Serialize)]
struct FieldJson<'a> {
    prompt: Option<&'a str>,
    operator: Option<&'static str>,
    direction: Option<cascade_runtime::Direction>,
    #[serde(rename = "match")]
    match_mode: Option<cascade_runtime::MatchMode>,
    targets: Vec<TargetJson<'a>>,
    primitive: Option<&'static str>,
    backref: Option<&'a str>,
    array: bool,
    optional: bool,
}

#[derive(Debug, Serialize)]
struct TargetJson<'a> {
    #[serde(rename = "type")]
    type_name: &'a str,
    threshold: Option<f64>,
}

#[derive(Debug, Serialize)]
struct ErrorJson<'a> {
    code: &'static str,
    message: &'a str,
    start: usize,
    end: usize,
}

fn field_json(def: &FieldDef) -> FieldJson<'_> {
    let op = def.operator.as_ref().map(|op| op.value);
    FieldJson {
        prompt: def.prompt.as_ref().map(|p| p.value.as_str()),
        operator: op.map(|op| op.as_str()),
        direction: op.map(|op| op.direction()),
        match_mode: op.map(|op| op.match_mode()),
        targets: def
            .targets
            .iter()
            .map(|t| TargetJson {
                type_name: &t.name.value,
                threshold: t.threshold.as_ref().map(|th| th.value.get()),
            })
            .collect(),
        primitive: def.primitive.as_ref().map(|p| p.value.as_str()),
        backref: def.backref.as_ref().map(|b| b.value.as_str()),
        array: def.array,
        optional: def.optional,
    }
}

fn errors_json(errors: &[Diagnostic]) -> Vec<ErrorJson<'_>> {
    errors
        .iter()
        .map(|e| ErrorJson {
            code: e.code.as_str(),
            message: &e.message,
            start: e.span().start(),
            end: e.span().end(),
        })
        .collect()
}

pub(crate) fn run(args: Args) -> u8 {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let style = crate::diagnostics::stderr_style();
    let mut all_ok = true;
    let (json, defs) = match args.split() {
        Ok(split) => split,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if defs.is_empty() {
        eprintln!("error: no definition to parse: e.g. `cascade parse '->User'`");
        return 2;
    }
    for (place, input) in defs {
        let parsed = field::parse(input);
        all_ok &= parsed.is_ok();
        let written = if json {
            let line = match &parsed {
                Ok(def) => Output {
                    input,
                    ok: true,
                    field: Some(field_json(def)),
                    errors: None,
                },
                Err(errors) => Output {
                    input,
                    ok: false,
                    field: None,
                    errors: Some(errors_json(errors)),
                },
            };
            match serde_json::to_string(&line) {
                Ok(json) => writeln!(out, "{json}"),
                Err(e) => {
                    eprintln!("error: cannot encode the result for `{input}` as JSON: {e}");
                    return 1;
                }
            }
        } else {
            match &parsed {
                Ok(def) => writeln!(out, "{def}"),
                Err(errors) => {
                    // Keep stdout and stderr in input order when both go to one terminal.
                    let _ = out.flush();
                    // A blank line after each definition's diagnostics, as rustc separates them.
                    eprintln!(
                        "{}",
                        diag::render(errors, input, &format!("<arg {place}>"), style)
                    );
                    Ok(())
                }
            }
        };
        if let Err(e) = written.and_then(|()| out.flush()) {
            return crate::diagnostics::stdout_failed(&e);
        }
    }
    u8::from(!all_ok)
}
