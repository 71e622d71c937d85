use cascade::Cascade;

#[derive(Cascade)]
#[cascade(threshold = 0.82)]
struct ICP;

#[derive(Cascade)]
#[cascade(thresold = 0.9, fuzzy_threshold = 1.2)]
#[cascade(config(strategy = "dynamic"))]
struct Startup {
    #[cascade("Who buys it? ~>ICP(1.5)")]
    customer: String,
    #[cascade("['~>Company(0.85)']")]
    competitors: String,
    #[cascade("->ICP(0.8)")]
    founder: String,
}

fn main() {}
