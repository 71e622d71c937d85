use cascade::Cascade;

#[derive(Cascade)]
#[cascade(threshold = 0.82)]
struct ICP;

#[derive(Cascade)]
struct Startup {
    #[cascade("<->ICP")]
    customer: String,
}

fn main() {}
