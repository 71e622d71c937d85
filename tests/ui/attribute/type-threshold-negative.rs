use cascade::Cascade;

#[derive(Cascade)]
#[cascade(threshold = -0.1)]
struct ICP;

fn main() {}
