use cascade::Cascade;

#[derive(Cascade)]
#[cascade(thresold = 0.82)]
struct ICP;

fn main() {}
