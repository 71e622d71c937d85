use cascade::Cascade;

// A syntax error in one key is reported, and every key after it is still read.
#[derive(Cascade)]
#[cascade(0.5, threshold = , config(strategy "static", threshold = 0.9 0.8), fuzzy_threshold = 1.5)]
#[cascade(instructions = 1,, thresold = 0.5)]
struct A;

fn main() {}
