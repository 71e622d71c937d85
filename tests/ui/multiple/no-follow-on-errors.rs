use cascade::Cascade;

#[derive(Cascade)]
#[cascade(threshold = 0.82)]
struct ICP;

#[derive(Cascade)]
struct Startup {
    #[cascade("~>ICP(1.5)")]
    customer: String,
}

// The stub impl emitted after the error keeps these from failing too.
fn uses_the_table() -> Option<cascade::resolve::Resolved<'static>> {
    cascade::resolve::<Startup>("customer")
}

#[derive(Cascade)]
struct Investor {
    #[cascade("~>Startup")]
    portfolio: String,
}

fn main() {
    let _ = uses_the_table();
}
