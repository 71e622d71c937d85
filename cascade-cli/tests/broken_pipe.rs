//! A closed stdout pipe (`cascade ... | head -1`) ends a command quietly with exit 0.

use std::process::{Command, Stdio};

#[test]
fn parse_stops_quietly_when_the_reader_goes_away() {
    // More output than a pipe buffers (64 KiB on Linux), so the writer must meet the closed end.
    let defs: Vec<String> = (0..8000).map(|i| format!("~>Customer{i}(0.82)")).collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cascade"))
        .arg("parse")
        .arg("--")
        .args(&defs)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the cascade binary runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("the cascade binary ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert_eq!(stderr, "");
}
