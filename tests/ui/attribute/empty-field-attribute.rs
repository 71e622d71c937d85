use cascade::Cascade;

#[derive(Cascade)]
struct T {
    #[cascade()]
    a: String,
}

fn main() {}
