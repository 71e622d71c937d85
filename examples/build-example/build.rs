//! Compiles the spike's schema into `OUT_DIR/startup.rs` (and `schemas/keywords.cascade`, types
//! named by Rust keywords, into `OUT_DIR/keywords.rs` for a test). An invalid schema fails the
//! build with rustc-style diagnostics (`file:line:col`, a caret, a help line).

fn main() {
    cascade_dsl::build::compile(&["../schemas/startup.cascade", "schemas/keywords.cascade"]);
}
