use cascade::Cascade;

#[derive(Cascade)]
#[cascade(threshold = 0.82)]
struct ICP;

#[derive(Cascade)]
struct Startup {
    #[cascade("~>ICP")]
    #[cascade("~>ICP(0.9)")]
    customer: String,
}

fn main() {}
