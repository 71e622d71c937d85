//! `cascade check FILE...` through the binary: exit codes, stdout summaries, stderr diagnostics.

mod common;

use common::transcript;

#[test]
fn clean_files_print_one_summary_each() {
    let run = check(&[
        "examples/schemas/startup.cascade",
        "examples/schemas/entities.cascade",
    ]);
    assert_eq!(run.0, 0);
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn names_build_rs_would_refuse_are_warnings() {
    let run = check(&["cascade-cli/tests/fixtures/check/unbuildable.cascade"]);
    assert_eq!(run.0, 0, "a valid schema: warnings only");
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn json_files_are_schemas_too() {
    let run = check(&["cascade-cli/tests/fixtures/check/schema.json"]);
    assert_eq!(run.0, 0);
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn errors_go_to_stderr_plain_when_not_a_terminal() {
    let run = check(&["cascade-cli/tests/fixtures/check/broken.cascade"]);
    assert_eq!(run.0, 1);
    assert!(run.1.is_empty());
    assert!(
        !run.2.contains('\u{1b}'),
        "no colour codes when stderr is not a terminal"
    );
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn every_file_is_checked_even_after_a_failure() {
    let run = check(&[
        "cascade-cli/tests/fixtures/check/broken.cascade",
        "does/not/exist.cascade",
        "cascade-cli/tests/fixtures",
        "examples/schemas/startup.cascade",
    ]);
    assert_eq!(run.0, 1);
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn many_errors_in_one_run() {
    let run = check(&["cascade-dsl/tests/fixtures/schemas/invalid/many-errors.cascade"]);
    assert_eq!(run.0, 1);
    assert_eq!(run.2.matches("error[").count(), 10);
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn every_syntax_error_in_one_run() {
    let run = check(&["cascade-dsl/tests/fixtures/schemas/invalid/syntax-several-errors.cascade"]);
    assert_eq!(run.0, 1);
    assert_eq!(run.2.matches("error[syntax-error]").count(), 7, "{}", run.2);
    insta::assert_snapshot!(transcript(run));
}

#[test]
fn the_summary_counts_the_errors_not_shown() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("s.cascade");
    let entries: Vec<String> = (0..150).map(|i| format!("a{i}: .5")).collect();
    std::fs::write(&path, format!("{{ {} }}", entries.join(", "))).expect("writable");
    let path = path.display().to_string();
    let run = check(&[&path]);
    assert_eq!(run.0, 1);
    assert_eq!(run.2.matches("error[syntax-error]").count(), 100);
    assert!(run.2.contains("= note: 50 more syntax errors not shown"));
    assert_eq!(
        run.2.trim_end().lines().last(),
        Some(&*format!("error: `{path}` has 150 errors (100 shown)"))
    );
}

#[test]
fn no_file_is_a_usage_error() {
    let run = check(&[]);
    assert_eq!(run.0, 2);
    assert!(run.2.contains("<FILE>..."), "{}", run.2);
}

#[test]
fn a_file_that_is_not_utf8_is_a_clear_error() {
    let run = check(&["cascade-cli/tests/fixtures/check/latin1.cascade"]);
    assert_eq!(run.0, 1);
    insta::assert_snapshot!(transcript(run));
}

/// Runs `cascade check ARGS` from the workspace root.
fn check(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    common::cascade(&all)
}
