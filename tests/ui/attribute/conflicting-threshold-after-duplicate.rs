use cascade::Cascade;

// The conflict is reported on `config(threshold)`, not on a duplicate `threshold`, in either
// order.
#[derive(Cascade)]
#[cascade(threshold = 0.7, threshold = 0.6, config(threshold = 0.5))]
struct A;

#[derive(Cascade)]
#[cascade(config(threshold = 0.5))]
#[cascade(threshold = 0.7)]
struct B;

fn main() {}
