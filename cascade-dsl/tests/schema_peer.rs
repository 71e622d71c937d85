//! The TypeScript peer's own schema test inputs (`ai-database@2.1.3` and `dotdo`, copied from the
//! shared peer cases into `tests/fixtures/peer/`), checked against cascade.
//!
//! Every schema is classified, none is skipped:
//! - `agree`: both accept it with the same meaning (entities, fields, relations, backrefs and
//!   their inverse fields, operators, thresholds, prompts, `[]`, `?`), or both reject it;
//! - `stricter`: the peer accepts it, cascade rejects it on purpose (DESIGN §2/§3), with a code;
//! - `looser`: the peer rejects it, cascade accepts it on purpose (DESIGN lets us);
//! - `mangled`: the peer accepts it but its result is wrong (a name holding `(` or whitespace),
//!   and cascade rejects it with a code.
//!
//! Anything else fails the test. The full classification is an insta snapshot to review.

use std::collections::BTreeMap;
use std::fmt::Write;

use cascade_dsl::model::{EntityType, Field, Schema};
use serde_json::Value as Json;

/// Codes for which rejecting what the peer accepts is DESIGN's rule, with the rule.
fn stricter_reason(code: &str) -> Option<&'static str> {
    Some(match code {
        "unknown-metadata-key" => "DESIGN §3: an unknown `$` key is an error (the peer ignores it)",
        "threshold-on-exact-operator" => "DESIGN §2: a threshold on `->`/`<-` is an error",
        "whitespace-in-target" => "DESIGN §2: no whitespace inside a target expression",
        "invalid-threshold"
        | "threshold-out-of-range"
        | "empty-threshold"
        | "unclosed-threshold"
        | "duplicate-threshold" => {
            "DESIGN §2: a malformed threshold is an error (the peer drops it)"
        }
        "glued-operator" | "multiple-operators" => "DESIGN §2: one operator, never glued",
        "optional-before-array" | "duplicate-modifier" => "DESIGN §2: `[]?` only, once",
        "invalid-type-name" | "invalid-backref" | "name-too-long" => {
            "DESIGN §2: names are ASCII identifiers"
        }
        "invalid-entity-name" | "invalid-field-name" => "DESIGN §2: names are ASCII identifiers",
        "unknown-target-type" => "DESIGN §3: a reference to an undeclared type is an error",
        "invalid-entity-value" | "invalid-field-value" | "invalid-array-literal" => {
            "DESIGN §3: a type is an object of definition strings"
        }
        "empty-definition"
        | "unexpected-input"
        | "missing-target"
        | "empty-union-member"
        | "duplicate-union-member" => "DESIGN §2: a definition follows the grammar",
        _ => return None,
    })
}

/// Peer rejections cascade overrides on purpose; `ours` is what cascade made of the schema.
fn looser_reason(peer_error: &str, ours: &Schema) -> Option<&'static str> {
    if peer_error.contains("SQL keywords") {
        return Some("DESIGN §2: SQL keywords are valid names (`Select`, `Drop`)");
    }
    // `Invalid field type 'What is the problem' for 'Problem.description': ...`
    let field = peer_error
        .strip_prefix("Invalid field type '")?
        .split("' for '")
        .nth(1)?
        .split('\'')
        .next()?;
    let (owner, name) = field.split_once('.')?;
    let def = ours.get(owner)?.field(name)?.def();
    def.is_prompt_only()
        .then_some("DESIGN §2: free text with whitespace is a prompt-only `string` field")
}

/// A peer field, normalized to compare with ours.
#[derive(Debug, PartialEq)]
struct Meaning {
    kind: String,
    targets: Vec<String>,
    threshold: Option<String>,
    operator: Option<String>,
    backref: Option<String>,
    prompt: Option<String>,
    array: bool,
    optional: bool,
}

fn peer_meaning(f: &Json) -> Meaning {
    let relation = f["isRelation"].as_bool().unwrap_or(false);
    let targets = if !relation {
        Vec::new()
    } else if let Some(union) = f["unionTypes"].as_array() {
        union
            .iter()
            .map(|t| t.as_str().unwrap_or("?").to_owned())
            .collect()
    } else {
        vec![f["relatedType"].as_str().unwrap_or("?").to_owned()]
    };
    Meaning {
        kind: if relation {
            "relation".into()
        } else {
            f["type"].as_str().unwrap_or("?").to_owned()
        },
        targets,
        threshold: f["threshold"].as_f64().map(|t| t.to_string()),
        operator: f["operator"].as_str().map(str::to_owned),
        backref: f["backref"].as_str().map(str::to_owned),
        prompt: f["prompt"].as_str().map(str::to_owned),
        array: f["isArray"].as_bool().unwrap_or(false),
        optional: f["isOptional"].as_bool().unwrap_or(false),
    }
}

fn our_meaning(f: &Field) -> Meaning {
    let def = f.def();
    Meaning {
        kind: match &def.primitive {
            Some(p) => format!("{:?}", p.value).to_lowercase(),
            None => "relation".into(),
        },
        targets: def
            .targets
            .iter()
            .map(|t| t.name.value.to_string())
            .collect(),
        // The peer has one threshold per field: compare with the first member's.
        threshold: def
            .targets
            .first()
            .and_then(|t| t.threshold.as_ref())
            .map(|t| t.value.to_string()),
        operator: def.operator.as_ref().map(|o| o.value.to_string()),
        backref: def.backref.as_ref().map(|b| b.value.to_string()),
        prompt: def.prompt.as_ref().map(|p| p.value.to_string()),
        array: def.array,
        optional: def.optional,
    }
}

/// The first difference between the peer's result and our model, if any.
fn difference(peer: &Json, ours: &Schema) -> Option<String> {
    let entities = peer["entities"].as_object()?;
    if entities.len() != ours.types.len() {
        return Some(format!(
            "{} entities vs our {}",
            entities.len(),
            ours.types.len()
        ));
    }
    for (name, entity) in entities {
        let Some(ty) = ours.get(name) else {
            return Some(format!("no type `{name}`"));
        };
        let fields = entity["fields"].as_object()?;
        if fields.len() != ty.fields.len() {
            return Some(format!(
                "`{name}`: {} fields vs our {}",
                fields.len(),
                ty.fields.len()
            ));
        }
        if let Some(diff) = field_difference(name, fields, ty) {
            return Some(diff);
        }
    }
    None
}

fn field_difference(
    name: &str,
    fields: &serde_json::Map<String, Json>,
    ty: &EntityType,
) -> Option<String> {
    for (field_name, field) in fields {
        let Some(ours) = ty.field(field_name) else {
            return Some(format!("no field `{name}.{field_name}`"));
        };
        let (theirs, ours) = (peer_meaning(field), our_meaning(ours));
        if theirs != ours {
            return Some(format!(
                "`{name}.{field_name}`: peer {theirs:?} vs ours {ours:?}"
            ));
        }
    }
    None
}

/// Whether the peer's result holds a name no grammar would produce (`T(1`, `A | B`).
fn peer_mangled(peer: &Json) -> bool {
    let bad = |s: &str| !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let Some(entities) = peer["entities"].as_object() else {
        return false;
    };
    entities.values().any(|e| {
        e["fields"].as_object().is_some_and(|fields| {
            fields.values().any(|f| {
                f["isRelation"].as_bool() == Some(true)
                    && (["relatedType", "backref"]
                        .iter()
                        .any(|k| f[*k].as_str().is_some_and(bad))
                        || f["unionTypes"]
                            .as_array()
                            .is_some_and(|u| u.iter().any(|t| t.as_str().is_some_and(bad))))
            })
        })
    })
}

#[test]
fn peer_schemas_are_classified() {
    let inputs: Vec<Json> =
        serde_json::from_str(&std::fs::read_to_string("tests/fixtures/peer/schemas.json").unwrap())
            .unwrap();
    let expected: Vec<Json> = std::fs::read_to_string("tests/fixtures/peer/schemas.expected.jsonl")
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(inputs.len(), expected.len());
    assert!(inputs.len() >= 700, "the peer ships 721 schemas");

    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut report = String::new();
    let mut unexplained = Vec::new();
    for (i, (input, peer)) in inputs.iter().zip(&expected).enumerate() {
        assert_eq!(&peer["input"], input, "case {i} is out of step");
        let src = serde_json::to_string_pretty(&input["schema"]).unwrap();
        let note = input["note"].as_str().unwrap_or("");
        let ours = cascade_dsl::check(&src);
        let peer_ok = peer["ok"].as_bool() == Some(true);
        let class = match (peer_ok, &ours) {
            (true, Ok(schema)) => match difference(&peer["result"], schema) {
                None => "agree (same meaning)".to_owned(),
                Some(diff) => {
                    unexplained.push(format!(
                        "#{i} {note}: accepted with another meaning: {diff}"
                    ));
                    continue;
                }
            },
            (false, Err(errors)) => {
                let codes = codes(errors);
                format!("agree (both reject): {codes}")
            }
            (true, Err(errors)) => {
                let codes = codes(errors);
                let mangled = peer_mangled(&peer["result"]);
                let reasons: Vec<_> = errors
                    .iter()
                    .map(|e| stricter_reason(e.code.as_str()))
                    .collect();
                if reasons.iter().any(Option::is_none) {
                    unexplained.push(format!(
                        "#{i} {note}: peer accepts, we reject: {codes}: {}",
                        errors[0].message
                    ));
                    continue;
                }
                let reason = reasons[0].unwrap_or_default();
                if mangled {
                    format!("mangled (by the peer; we reject): {codes}: {reason}")
                } else {
                    format!("stricter: {codes}: {reason}")
                }
            }
            (false, Ok(schema)) => {
                let error = peer["error"].as_str().unwrap_or("");
                match looser_reason(error, schema) {
                    Some(reason) => format!("looser: {reason}"),
                    None => {
                        unexplained.push(format!("#{i} {note}: peer rejects ({error}), we accept"));
                        continue;
                    }
                }
            }
        };
        *counts
            .entry(class.split(':').next().unwrap().to_owned())
            .or_default() += 1;
        if class != "agree (same meaning)" {
            writeln!(report, "#{i} {note}\n    {class}").unwrap();
        }
    }
    assert!(
        unexplained.is_empty(),
        "{} unexplained peer cases:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    let summary: String = counts.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
    insta::assert_snapshot!("peer_schema_classification", format!("{summary}\n{report}"));
}

fn codes(errors: &[cascade_dsl::diag::Diagnostic]) -> String {
    let mut codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
    codes.dedup();
    codes.join(", ")
}
