use cascade::Cascade;

#[derive(Cascade)]
#[cascade(threshold = 0.82, config(threshold = 0.85))]
struct ICP;

fn main() {}
