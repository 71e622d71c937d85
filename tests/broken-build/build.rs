fn main() {
    cascade_dsl::build::compile(&["schemas/broken.cascade"]);
}
