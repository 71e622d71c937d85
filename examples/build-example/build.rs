//! Compiles the spike's schema into `OUT_DIR/startup.rs`. An invalid schema fails the build with
//! rustc-style diagnostics (`file:line:col`, a caret, a help line).

fn main() {
    cascade_dsl::build::compile(&["../schemas/startup.cascade"]);
}
