//! `cascade parse [--json] -- DEF...`: parse field definitions and print their meaning.
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
    after_help = "Definitions usually start with `-` or `~`; put them after `--`:\n  \
                        cascade parse --json -- '->User' 'Who buys it? ~>ICP(0.82)'"
)]
pub(crate) struct Args {
    /// Print one JSON object per line and definition instead of the canonical form
    #[arg(long)]
    json: bool,
    /// Field definitions, e.g. `~>ICP(0.82)`, `string[]?`, `['~>Company(0.85)']`
    #[arg(required = true, value_name = "DEF")]
    defs: Vec<String>,
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
    for (index, input) in args.defs.iter().enumerate() {
        let parsed = field::parse(input);
        all_ok &= parsed.is_ok();
        let written = if args.json {
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
                        diag::render(errors, input, &format!("<arg {}>", index + 1), style)
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
