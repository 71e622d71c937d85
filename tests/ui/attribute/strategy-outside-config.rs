use cascade::Cascade;

#[derive(Cascade)]
#[cascade(strategy = "adaptive")]
struct Industry;

fn main() {}
