//! Running the built `cascade` binary, shared by the CLI tests.
//!
//! Each test file uses a subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root: commands run there so paths in their output are relative.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cascade-cli lives in the workspace")
        .to_path_buf()
}

/// Runs `cascade ARGS` from the workspace root: `(exit code, stdout, stderr)`. `NO_COLOR` is
/// removed, so plain output proves the commands notice that stderr is not a terminal.
pub fn cascade(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cascade"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .expect("the cascade binary runs");
    let code = output.status.code().expect("the process exited normally");
    (
        code,
        String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    )
}

/// A run as one text for a snapshot: the exit code, then stdout, then stderr.
pub fn transcript((code, stdout, stderr): (i32, String, String)) -> String {
    format!("exit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}")
}
