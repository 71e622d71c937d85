//! `cascade parse` through the built binary: JSON lines, human output, exit codes, `--`.

use std::process::{Command, Output};

fn cascade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cascade"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the cascade binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

#[test]
fn json_after_double_dash() {
    let out = cascade(&["parse", "--json", "--", "->User"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!(stdout(&out), @r#"{"input":"->User","ok":true,"field":{"prompt":null,"operator":"->","direction":"forward","match":"exact","targets":[{"type":"User","threshold":null}],"primitive":null,"backref":null,"array":false,"optional":false}}"#);
}

#[test]
fn design_section_10_example() {
    let out = cascade(&["parse", "--json", "--", "~>ICP(0.82)", "~>ICP(1.5)"]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(
        lines[0],
        serde_json::json!({"input":"~>ICP(0.82)","ok":true,"field":{"prompt":null,"operator":"~>",
            "direction":"forward","match":"fuzzy","targets":[{"type":"ICP","threshold":0.82}],
            "primitive":null,"backref":null,"array":false,"optional":false}})
    );
    assert_eq!(lines[1]["ok"], false);
    assert_eq!(lines[1]["errors"][0]["code"], "threshold-out-of-range");
    assert_eq!(
        (
            lines[1]["errors"][0]["start"].as_u64(),
            lines[1]["errors"][0]["end"].as_u64()
        ),
        (Some(6), Some(9))
    );
    assert!(
        stderr(&out).is_empty(),
        "--json reports errors in the JSON only"
    );
}

#[test]
fn json_lines_in_order() {
    let defs = [
        "Who buys it? ~>ICP(0.82)",
        "['~>Company(0.85)']",
        "What is the startup idea?",
        "Author.posts",
        "string[]?",
        "<~A(0.9)|B",
        "~>T (0.8)",
        "x ~> y <~ Z",
        "Qui achète ? ~>icp(2)",
    ];
    let mut args = vec!["parse", "--json", "--"];
    args.extend(defs);
    let out = cascade(&args);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), defs.len());
    for (line, def) in text.lines().zip(defs) {
        let value: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        assert_eq!(value["input"], def);
    }
    insta::assert_snapshot!("json_lines", text);
}

#[test]
fn human_output() {
    let out = cascade(&[
        "parse",
        "--",
        "~>T[](0.80)",
        "Who buys it?   ~>ICP(0.82)",
        "['~>Skill']",
        "date?",
    ]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&out), @r"
    ~>T(0.8)[]
    Who buys it? ~>ICP(0.82)
    ~>Skill[]
    date?
    ");
}

#[test]
fn human_diagnostics_on_stderr() {
    let out = cascade(&["parse", "--", "string", "~>A | B", "->T(0.8)"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "string\n");
    insta::assert_snapshot!("human_diagnostics", stderr(&out));
}

#[test]
fn usage_errors_exit_2() {
    let none = cascade(&["parse"]);
    assert_eq!(
        none.status.code(),
        Some(2),
        "no definitions is a usage error"
    );
    let typo = cascade(&["parse", "->User", "--jsn"]);
    assert_eq!(typo.status.code(), Some(2), "a mistyped flag");
    assert!(
        stderr(&typo).contains("unknown flag `--jsn`; did you mean `--json`?"),
        "{}",
        stderr(&typo)
    );
}

#[test]
fn definitions_may_start_with_a_dash_without_double_dash() {
    // DESIGN §10: `cascade parse --json DEF...`; `--` is accepted too, and `--json` may come after
    // the definitions.
    for args in [
        &["parse", "--json", "->User"][..],
        &["parse", "->User", "--json"],
        &["parse", "--json", "--", "->User"],
        &["parse", "->User", "--", "--json"],
    ] {
        let out = cascade(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            stdout(&out).starts_with(r#"{"input":"->User","ok":true"#),
            "{args:?}: {}",
            stdout(&out)
        );
    }
    // A glued operator is still a definition, with its own diagnostic.
    let glued = cascade(&["parse", "-->T"]);
    assert_eq!(glued.status.code(), Some(1));
    assert!(
        stderr(&glued).contains("glued-operator"),
        "{}",
        stderr(&glued)
    );
}
