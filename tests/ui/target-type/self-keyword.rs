use cascade::Cascade;

#[derive(Cascade)]
struct Person {
    #[cascade("~>Self")]
    friend: String,
}

fn main() {}
