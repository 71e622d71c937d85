//! TODO(skeleton): benchmark `schema_check`, filled in by its issue.

fn main() {
    divan::main();
}
