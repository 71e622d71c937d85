use cascade::Cascade;

#[derive(Cascade)]
#[cascade(threshold = f64::NAN)]
struct ICP;

fn main() {}
