use cascade::Cascade;

// An empty `config()` sets nothing, as `$config: {}` does; the keys after it are still checked.
#[derive(Cascade)]
#[cascade(config(), thresold = 0.9, fuzzy_threshold = 2)]
struct A;

fn main() {}
