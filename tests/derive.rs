//! `#[derive(Cascade)]` on the spike's schema: the tables the compiler built, and resolution.
// `ICP` is the spike's type name.
#![allow(clippy::upper_case_acronyms)]

use cascade::{Cascade, Layer, Operator, Strategy};

#[derive(Cascade)]
#[cascade(threshold = 0.82)]
#[allow(dead_code)]
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
struct Industry;

#[derive(Cascade)]
struct Persona;

#[derive(Cascade)]
#[cascade(config(threshold = 0.85, strategy = "adaptive"))]
struct Company;

#[derive(Cascade)]
#[cascade(fuzzy_threshold = 0.6)]
#[allow(dead_code)]
struct Startup {
    #[cascade("What is the startup idea?")]
    idea: String,
    #[cascade("Who buys it? ~>ICP(0.82)")]
    customer: String,
    #[cascade("~>Industry?")]
    industry: Option<String>,
    #[cascade("['~>Company(0.85)']")]
    competitors: Vec<String>,
    #[cascade("~>Startup")]
    parent: String,
    not_in_schema: u32,
}

#[test]
fn type_level_attributes() {
    assert_eq!(ICP::TABLE.name, "ICP");
    assert_eq!(
        ICP::TABLE.threshold.map(|w| (w.value.get(), w.at)),
        Some((0.82, "ICP.$threshold"))
    );
    assert_eq!(Company::TABLE.strategy, Some(Strategy::Adaptive));
    assert_eq!(
        Startup::TABLE.fuzzy_threshold.map(|w| w.value.get()),
        Some(0.6)
    );
}

#[test]
fn fields_are_sorted_and_complete() {
    let names: Vec<_> = Startup::TABLE.fields.iter().map(|f| f.name).collect();
    assert_eq!(
        names,
        ["competitors", "customer", "idea", "industry", "parent"]
    );
    let competitors = Startup::TABLE.field("competitors").unwrap();
    assert!(competitors.array && !competitors.optional);
    assert_eq!(competitors.operator, Some(Operator::ForwardFuzzy));
    let target = competitors.targets[0];
    assert_eq!(target.type_name, "Company");
    assert_eq!(target.strategy, Some(Strategy::Adaptive));
}

#[test]
fn target_type_thresholds_are_read_at_compile_time() {
    let industry = ICP::TABLE.field("industry").unwrap().targets[0];
    assert_eq!(industry.type_threshold.map(|w| w.value.get()), Some(0.78));
    // A self-reference compiles: thresholds are read through their own consts, not the table.
    let parent = Startup::TABLE.field("parent").unwrap().targets[0];
    assert_eq!(parent.type_threshold, None);
}

#[test]
fn resolve_on_derived_types() {
    let r = cascade::resolve::<Startup>("customer").unwrap();
    assert_eq!(
        (r.value, r.layer, r.at),
        (0.82, Layer::SchemaField, "Startup.customer")
    );
    let r = cascade::resolve::<ICP>("industry").unwrap();
    assert_eq!(
        (r.value, r.layer, r.at),
        (0.78, Layer::SchemaType, "Industry.$config.threshold")
    );
    let r = cascade::resolve::<Startup>("parent").unwrap();
    assert_eq!((r.value, r.layer), (0.6, Layer::SchemaOwner));
    assert!(cascade::resolve::<Startup>("idea").is_none());
    assert!(cascade::resolve::<Startup>("not_in_schema").is_none());
}
