//! A crate whose build.rs compiles a broken `.cascade` file fails to build, and cargo shows the
//! rendered diagnostics: `error[code]`, `--> file:line:col`, the line with a caret, `= help:`.
//!
//! The crate (`tests/broken-build`) is copied to a temporary directory with the workspace's
//! `Cargo.lock`, so the build resolves the same dependency versions offline, and is built in the
//! workspace's target directory, so the dependencies compiled for the workspace are reused.

use std::path::{Path, PathBuf};
use std::process::Command;

fn copy(from: &Path, to: &Path) {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).expect("the temporary directory is writable");
    }
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
}

/// The workspace's target directory: the test binary lives in `<target>/<profile>/deps`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    exe.ancestors()
        .nth(3)
        .expect("the test binary lives in <target>/<profile>/deps")
        .to_owned()
}

#[test]
fn broken_schema_fails_the_build_with_rendered_diagnostics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = root.join("tests/broken-build");
    let crate_dir = tempfile::tempdir().expect("a temporary directory can be created");
    let dir = crate_dir.path();

    let manifest = std::fs::read_to_string(source.join("Cargo.toml")).expect("manifest exists");
    let relative = r#"path = "../../cascade-dsl""#;
    assert!(
        manifest.contains(relative),
        "the manifest points at cascade-dsl"
    );
    let absolute = format!(
        "path = {:?}",
        root.join("cascade-dsl").display().to_string()
    );
    std::fs::write(
        dir.join("Cargo.toml"),
        manifest.replace(relative, &absolute),
    )
    .expect("the temporary directory is writable");
    for file in ["build.rs", "src/lib.rs", "schemas/broken.cascade"] {
        copy(&source.join(file), &dir.join(file));
    }
    copy(&root.join("Cargo.lock"), &dir.join("Cargo.lock"));

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["build", "--quiet", "--offline", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir())
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the build must fail:\n{stderr}");
    assert!(stderr.contains("(exit status: 1)"), "{stderr}");
    assert!(
        stderr.contains("cargo::rerun-if-changed=schemas/broken.cascade"),
        "{stderr}"
    );

    // One `cargo::error=` line per diagnostic: cargo lists them first, with file:line:col.
    let summary: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("error: broken-build@"))
        .collect();
    insta::assert_snapshot!(summary.join("\n"), @r"
    error: broken-build@0.0.0: schemas/broken.cascade:5:35: threshold `1.5` must be within 0.0..=1.0
    error: broken-build@0.0.0: schemas/broken.cascade:6:22: unknown type `Compnay` in `Startup.competitors`
    error: broken-build@0.0.0: schemas/broken.cascade:8:14: unknown metadata key `$treshold` in a type
    ");

    // Cargo shows the build script's stderr after `--- stderr`, indented by two spaces.
    let (_, script_stderr) = stderr
        .split_once("--- stderr\n")
        .unwrap_or_else(|| panic!("cargo shows the build script's stderr:\n{stderr}"));
    let rendered: String = script_stderr
        .lines()
        .map(|line| line.strip_prefix("  ").unwrap_or(line).trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("rendered_diagnostics", rendered.trim_end());
}
