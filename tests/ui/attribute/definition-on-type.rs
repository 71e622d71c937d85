use cascade::Cascade;

#[derive(Cascade)]
#[cascade("~>ICP")]
struct Startup;

fn main() {}
