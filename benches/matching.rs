//! TODO(skeleton): benchmark `matching`, filled in by its issue.

fn main() {
    divan::main();
}
