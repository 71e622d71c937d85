//! The two front ends agree: the tables `build.rs` generated from `startup.cascade` equal the
//! tables `#[derive(Cascade)]` builds from the same schema written as Rust structs.

use cascade::{Cascade, TypeTable};

mod startup {
    ::cascade::include_schema!("startup");
}

/// `examples/schemas/startup.cascade`, as derive attributes.
#[allow(dead_code, clippy::upper_case_acronyms)]
mod derived {
    use cascade::Cascade;

    #[derive(Cascade)]
    #[cascade(threshold = 0.82)]
    pub struct ICP {
        #[cascade("string")]
        name: String,
        #[cascade("~>Industry")]
        industry: String,
        #[cascade("~>Persona(0.85)")]
        persona: String,
    }

    #[derive(Cascade)]
    #[cascade(config(threshold = 0.78, strategy = "static"))]
    pub struct Industry {
        #[cascade("string")]
        name: String,
    }

    #[derive(Cascade)]
    pub struct Persona {
        #[cascade("string")]
        title: String,
    }

    #[derive(Cascade)]
    #[cascade(threshold = 0.75)]
    pub struct Occupation {
        #[cascade("string")]
        title: String,
        #[cascade("['~>Skill']")]
        skills: Vec<String>,
    }

    #[derive(Cascade)]
    #[cascade(threshold = 0.72)]
    pub struct Skill {
        #[cascade("string")]
        name: String,
    }

    #[derive(Cascade)]
    pub struct Startup {
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
    pub struct Company {
        #[cascade("string")]
        name: String,
        #[cascade("<~Industry")]
        industry: String,
    }
}

/// A derived type has no schema around it, so it carries no schema default (`$config.default`);
/// everything else must be identical.
fn without_schema_default(table: &TypeTable) -> TypeTable {
    TypeTable {
        schema_default: None,
        ..*table
    }
}

#[test]
fn derive_and_build_rs_yield_identical_tables() {
    let pairs: [(&TypeTable, &TypeTable); 7] = [
        (startup::ICP::TABLE, derived::ICP::TABLE),
        (startup::Industry::TABLE, derived::Industry::TABLE),
        (startup::Persona::TABLE, derived::Persona::TABLE),
        (startup::Occupation::TABLE, derived::Occupation::TABLE),
        (startup::Skill::TABLE, derived::Skill::TABLE),
        (startup::Startup::TABLE, derived::Startup::TABLE),
        (startup::Company::TABLE, derived::Company::TABLE),
    ];
    for (built, derived) in pairs {
        assert_eq!(without_schema_default(built), *derived, "{}", built.name);
        assert_eq!(built.schema_default.map(|w| w.value.get()), Some(0.80));
    }
    assert_eq!(startup::SCHEMA.types.len(), pairs.len());
}

#[test]
fn generated_schema_is_well_formed_and_resolves() {
    assert_eq!(startup::SCHEMA.check(), Ok(()));
    for ty in startup::SCHEMA.types {
        assert_eq!(startup::SCHEMA.find_type(ty.name), Some(ty));
    }
    let r = startup::SCHEMA
        .resolve("Occupation", "skills")
        .expect("a fuzzy field");
    assert_eq!((r.value, r.at), (0.72, "Skill.$threshold"));
    let r = cascade::resolve::<startup::ICP>("persona").expect("a fuzzy field");
    assert_eq!((r.value, r.at), (0.85, "ICP.persona"));
}
