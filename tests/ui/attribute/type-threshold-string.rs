use cascade::Cascade;

#[derive(Cascade)]
#[cascade(threshold = "0.82")]
struct ICP;

fn main() {}
