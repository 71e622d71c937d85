//! The build.rs path end to end: `build.rs` compiles `examples/schemas/startup.cascade`, this
//! program includes the generated module and reads its tables. Run it with
//! `cargo run -p build-example`.

/// The generated schema module: one unit struct per type, and `SCHEMA`.
mod startup {
    ::cascade::include_schema!("startup");
}

use cascade::Cascade;

fn main() {
    // Typed access: the table of a generated type, checked and built at compile time.
    let icp = startup::ICP::TABLE;
    println!(
        "ICP's own threshold: {:?}",
        icp.threshold.map(|w| w.to_string())
    );

    // Lookups by name, for code that gets type and field names at run time.
    for ty in startup::SCHEMA.types {
        for field in ty.fields.iter().filter(|f| f.is_fuzzy()) {
            for target in field.targets {
                let resolved = ty.resolve_target(target);
                println!(
                    "{}.{} {}{}: {} ({}, written at {})",
                    ty.name,
                    field.name,
                    field.operator.map_or("", |op| op.as_str()),
                    target.type_name,
                    resolved.threshold,
                    resolved.layer,
                    resolved.at,
                );
            }
        }
    }
    match startup::SCHEMA.resolve("Startup", "customer") {
        Some(r) => println!("Startup.customer resolves to {r}"),
        None => println!("Startup.customer is not a fuzzy reference"),
    }
}
