use cascade::Cascade;

#[derive(Cascade)]
#[cascade(fuzzy_threshold = 1e-1)]
struct ICP;

fn main() {}
