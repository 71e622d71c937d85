use cascade::Cascade;

// Above 1 by less than an f64 can tell: the written digits decide, as in a field string.
#[derive(Cascade)]
#[cascade(threshold = 1.0000000000000000001, fuzzy_threshold = 1.00000000000000000001)]
struct ICP;

fn main() {}
