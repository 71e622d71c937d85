//! The spike's schema (seed-spike.md §4), every type derived.
#![allow(dead_code)]

use cascade::{Cascade, Layer};

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
struct Startup {
    #[cascade("What is the startup idea?")]
    idea: String,
    #[cascade("Who buys it? ~>ICP(0.82)")]
    customer: String,
    #[cascade("~>Industry")]
    industry: String,
    #[cascade("['~>Company(0.85)']")]
    competitors: Vec<String>,
}

#[derive(Cascade)]
struct Company {
    #[cascade("string")]
    name: String,
    #[cascade("<~Industry")]
    industry: String,
}

fn main() {
    let r = cascade::resolve::<Occupation>("skills").unwrap();
    assert_eq!((r.value, r.layer), (0.72, Layer::SchemaType));
    assert_eq!(Startup::TABLE.fields.len(), 4);
}
