//! Types named by Rust keywords compile: the generator writes them as raw identifiers.

use cascade::Cascade;

#[allow(non_camel_case_types)]
mod keywords {
    ::cascade::include_schema!("keywords");
}

#[test]
fn keyword_type_names_compile_and_resolve() {
    assert_eq!(keywords::r#match::TABLE.name, "match");
    assert_eq!(keywords::r#gen::TABLE.name, "gen");
    assert_eq!(keywords::r#type::TABLE.name, "type");
    let resolve = |owner: &str, field: &str| {
        keywords::SCHEMA
            .resolve(owner, field)
            .map(|r| r.value)
            .expect("a fuzzy reference")
    };
    assert_eq!(resolve("match", "gen"), 0.9);
    assert_eq!(resolve("gen", "match"), 0.7);
    assert_eq!(resolve("type", "type"), 0.9);
    assert_eq!(keywords::cascade::TABLE.name, "cascade");
    // The backref created `Icp.types`.
    assert!(keywords::Icp::TABLE.field("types").is_some());
}
