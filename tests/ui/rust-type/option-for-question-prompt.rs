use cascade::Cascade;

#[derive(Cascade)]
struct Startup {
    #[cascade("What is the startup idea?")]
    idea: Option<String>,
}

fn main() {}
