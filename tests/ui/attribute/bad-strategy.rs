use cascade::Cascade;

#[derive(Cascade)]
#[cascade(config(threshold = 0.78, strategy = "adaptiv"))]
struct Industry;

fn main() {}
