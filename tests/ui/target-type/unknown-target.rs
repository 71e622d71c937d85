use cascade::Cascade;

#[derive(Cascade)]
struct Startup {
    #[cascade("Who buys it? ~>IPC(0.82)")]
    customer: String,
}

fn main() {}
