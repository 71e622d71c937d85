//! TEMPORARY stand-in for `cascade_dsl::field::parse` until the field grammar lands in main;
//! deleted after merging (a copy of the one in `cascade_dsl::validate`).
#![allow(dead_code)]

use cascade_runtime::{Operator, Threshold};

use cascade_dsl::codes::Code;
use cascade_dsl::diag::Diagnostic;
use cascade_dsl::field::{FieldDef, Primitive, Target};
use cascade_dsl::span::{Span, Spanned};

pub(crate) fn parse(def: &str) -> Result<FieldDef, Vec<Diagnostic>> {
    let start = def.len() - def.trim_start().len();
    let body = def.trim();
    let span = Span::new(start, start + body.len());
    let mut d = FieldDef {
        span,
        prompt: None,
        operator: None,
        targets: vec![],
        primitive: None,
        backref: None,
        array: false,
        optional: false,
    };
    let ops = ["->", "~>", "<-", "<~"];
    let found = ops
        .iter()
        .filter_map(|op| body.find(op).map(|i| (i, *op)))
        .min();
    let mut rest_at = start;
    let mut rest = body;
    if let Some((i, op)) = found {
        if i > 0 {
            d.prompt = Some(Spanned::new(
                body[..i].trim().to_owned(),
                Span::new(start, start + i),
            ));
        }
        d.operator = Some(Spanned::new(
            op.parse().unwrap_or(Operator::ForwardFuzzy),
            Span::new(start + i, start + i + 2),
        ));
        rest_at = start + i + 2;
        rest = &body[i + 2..];
    } else if body.contains(' ') {
        d.prompt = Some(Spanned::new(body.to_owned(), span));
        d.primitive = Some(Spanned::new(Primitive::String, span));
        return Ok(d);
    }
    if let Some(r) = rest.strip_suffix('?') {
        d.optional = true;
        rest = r;
    }
    if let Some(r) = rest.strip_suffix("[]") {
        d.array = true;
        rest = r;
    }
    let prim = match rest {
        "string" => Some(Primitive::String),
        "number" => Some(Primitive::Number),
        "boolean" => Some(Primitive::Boolean),
        "date" => Some(Primitive::Date),
        "datetime" => Some(Primitive::Datetime),
        "json" => Some(Primitive::Json),
        "markdown" => Some(Primitive::Markdown),
        "url" => Some(Primitive::Url),
        _ => None,
    };
    if let (Some(p), None) = (prim, &d.operator) {
        d.primitive = Some(Spanned::new(p, Span::new(rest_at, rest_at + rest.len())));
        return Ok(d);
    }
    let (members, backref) = match rest.split_once('.') {
        Some((m, b)) => (m, Some(b)),
        None => (rest, None),
    };
    let mut at = rest_at;
    for m in members.split('|') {
        let (name, thr) = match m.split_once('(') {
            Some((n, t)) => (n, t.strip_suffix(')')),
            None => (m, None),
        };
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            return Err(vec![Diagnostic::error(
                Code::InvalidTypeName,
                format!("invalid type name `{name}`"),
                Span::new(at, at + m.len()),
            )]);
        }
        let threshold = match thr {
            Some(t) => match t.parse::<f64>().ok().and_then(|v| Threshold::new(v).ok()) {
                Some(v) => Some(Spanned::new(
                    v,
                    Span::new(at + name.len() + 1, at + m.len() - 1),
                )),
                None => {
                    return Err(vec![Diagnostic::error(
                        Code::ThresholdOutOfRange,
                        format!("threshold `{t}` must be within 0.0..=1.0"),
                        Span::new(at + name.len() + 1, at + name.len() + 1 + t.len()),
                    )]);
                }
            },
            None => None,
        };
        d.targets.push(Target {
            name: Spanned::new(name.to_owned(), Span::new(at, at + name.len())),
            threshold,
        });
        at += m.len() + 1;
    }
    if let Some(b) = backref {
        let bstart = rest_at + members.len() + 1;
        d.backref = Some(Spanned::new(
            b.to_owned(),
            Span::new(bstart, bstart + b.len()),
        ));
    }
    Ok(d)
}
