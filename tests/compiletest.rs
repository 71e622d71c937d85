//! UI tests of `#[derive(Cascade)]`: every rejected input and its exact compile error
//! (`tests/ui/<category>/*.stderr`), and the accepted forms (`tests/ui/pass`).
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test --test compiletest` and
//! review the diff. trybuild builds every case in one shared target directory.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/[!p]*/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
