use cascade::Cascade;

#[derive(Cascade)]
#[cascade(threshold = 1.5)]
struct ICP;

fn main() {}
