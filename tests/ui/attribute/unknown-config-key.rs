use cascade::Cascade;

#[derive(Cascade)]
#[cascade(config(threshold = 0.78, stratgy = "static"))]
struct Industry;

fn main() {}
