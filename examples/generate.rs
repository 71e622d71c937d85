//! The build.rs path, run by hand: compile a `.cascade` file the way `build.rs` does and print
//! the generated module, or the rendered errors.
//!
//! ```sh
//! cargo run --example generate                      # examples/schemas/startup.cascade
//! cargo run --example generate -- path/to/app.cascade
//! ```
//!
//! In a real crate, `build.rs` calls `cascade_dsl::build::compile(&["schemas/app.cascade"])` and
//! the crate includes the result with `cascade::include_schema!("app")`; see
//! `examples/build-example`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let input = std::env::args_os().nth(1).map_or_else(
        || PathBuf::from("examples/schemas/startup.cascade"),
        PathBuf::from,
    );
    let out = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(error) => {
            eprintln!("error: cannot create a temporary directory: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut cargo_lines = Vec::new();
    let result = cascade_dsl::build::Config::new()
        .out_dir(out.path())
        .compile_with(&[&input], &mut cargo_lines);
    if let Err(error) = result {
        eprintln!("{}", error.report());
        return ExitCode::FAILURE;
    }
    let Some(stem) = input.file_stem() else {
        eprintln!("error: `{}` has no file name", input.display());
        return ExitCode::FAILURE;
    };
    let generated = out.path().join(stem).with_extension("rs");
    match std::fs::read_to_string(&generated) {
        Ok(code) => {
            print!("{}", String::from_utf8_lossy(&cargo_lines));
            println!(
                "// ---- {} ----",
                generated
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            );
            print!("{code}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: cannot read `{}`: {error}", generated.display());
            ExitCode::FAILURE
        }
    }
}
