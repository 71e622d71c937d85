//! TODO(skeleton): benchmark `calibrate`, filled in by its issue.

fn main() {
    divan::main();
}
