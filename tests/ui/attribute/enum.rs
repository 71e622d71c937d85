use cascade::Cascade;

#[derive(Cascade)]
enum Startup {
    Seed,
}

fn main() {}
