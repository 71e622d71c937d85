use cascade::Cascade;

/// Not a cascade type: it does not derive `Cascade`.
struct ICP;

#[derive(Cascade)]
struct Startup {
    #[cascade("~>ICP")]
    customer: String,
}

fn main() {}
