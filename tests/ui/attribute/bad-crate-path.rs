use cascade::Cascade;

#[derive(Cascade)]
#[cascade(crate = "my sdk::cascade")]
struct Icp;

#[derive(Cascade)]
#[cascade(crate = 3)]
struct Startup;

fn main() {}
