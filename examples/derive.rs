//! The derive path on the spike's schema: `#[derive(Cascade)]` structs, their compile-time
//! tables, and which threshold applies to each fuzzy reference.
//!
//! Run it with `cargo run --example derive`.
// `ICP` is the spike's type name.
#![allow(dead_code, clippy::upper_case_acronyms)]

use cascade::{Cascade, TypeTable};

#[derive(Cascade)]
#[cascade(threshold = 0.82)]
struct ICP {
    #[cascade("string")]
    name: String,
    #[cascade("~>Industry")]
    industry: String,
    #[cascade("~>Persona(0.85)")]
    persona: String,
}

#[derive(Cascade)]
#[cascade(config(threshold = 0.78, strategy = "static"))]
struct Industry {
    #[cascade("string")]
    name: String,
}

#[derive(Cascade)]
struct Persona {
    #[cascade("string")]
    title: String,
}

#[derive(Cascade)]
#[cascade(threshold = 0.75)]
struct Occupation {
    #[cascade("string")]
    title: String,
    #[cascade("['~>Skill']")]
    skills: Vec<String>,
}

#[derive(Cascade)]
#[cascade(threshold = 0.72)]
struct Skill {
    #[cascade("string")]
    name: String,
}

#[derive(Cascade)]
#[cascade(fuzzy_threshold = 0.7)]
struct Startup {
    #[cascade("What is the startup idea?")]
    idea: String,
    #[cascade("Who buys it? ~>ICP(0.82)")]
    customer: String,
    #[cascade("~>Industry")]
    industry: String,
    #[cascade("['~>Company(0.85)']")]
    competitors: Vec<String>,
    /// Not in the schema: no definition.
    founded: u16,
}

#[derive(Cascade)]
#[cascade(config(threshold = 0.85, strategy = "adaptive"))]
struct Company {
    #[cascade("string")]
    name: String,
    #[cascade("<~Industry")]
    industry: String,
}

/// Prints every fuzzy reference of a table with the threshold that applies and why.
fn show(table: &'static TypeTable) {
    for field in table.fields.iter().filter(|f| f.is_fuzzy()) {
        for target in field.targets {
            let r = table.resolve_target(target);
            let reference = format!(
                "{}{}{}",
                field.operator.map_or("", |op| op.as_str()),
                target.type_name,
                if field.array { "[]" } else { "" },
            );
            println!(
                "{:<20} {reference:<13} {:.2}  {:<13} {}",
                format!("{}.{}", table.name, field.name),
                r.value,
                r.layer.as_str(),
                r.at,
            );
        }
    }
}

fn main() {
    println!(
        "{:<20} {:<13} {:<5} {:<13} written at",
        "field", "reference", "value", "layer"
    );
    for table in [
        ICP::TABLE,
        Occupation::TABLE,
        Startup::TABLE,
        Company::TABLE,
    ] {
        show(table);
    }

    // One field, by type: no allocation, no lookup beyond the field name.
    if let Some(r) = cascade::resolve::<Startup>("customer") {
        println!("\nStartup.customer → {r}");
    }
}
