use cascade::Cascade;

#[derive(Cascade)]
struct Café {
    #[cascade("string")]
    name: String,
}

fn main() {}
