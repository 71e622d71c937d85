use cascade::Cascade;

#[derive(Cascade)]
#[cascade(threshold = 0.8f32)]
struct ICP;

fn main() {}
