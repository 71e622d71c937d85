//! TODO(skeleton): benchmark `field_parse`, filled in by its issue.

fn main() {
    divan::main();
}
