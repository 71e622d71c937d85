//! TODO(skeleton): benchmark `resolve`, filled in by its issue.

fn main() {
    divan::main();
}
