//! Rows of the input files (`calibrate`'s pairs and embeddings, `match`'s catalog, queries and
//! embeddings): one error type naming `file:line` and the field, and one streamed JSONL line
//! reader, so every command numbers lines, skips blank ones and reports bytes that are not UTF-8
//! the same way. What a row must hold, and the wording of its errors, stay with each command;
//! [`value_kind`] words what a row held instead.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// One problem in one row of an input file: `file:line: field `x`: message`, or
/// `file:line:column: message` when the column is known (JSON syntax errors).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RowError {
    pub(crate) path: PathBuf,
    /// 1-based; 0 for errors about the file as a whole.
    pub(crate) line: usize,
    /// 1-based column within the line, when known.
    pub(crate) column: Option<usize>,
    /// The field at fault, when the message does not name it itself.
    pub(crate) field: Option<String>,
    pub(crate) message: String,
}

impl RowError {
    /// A problem of `path` at `line` whose message names the field, if any, itself.
    pub(crate) fn new(path: &Path, line: usize, message: String) -> RowError {
        RowError {
            path: path.to_owned(),
            line,
            column: None,
            field: None,
            message,
        }
    }

    /// A JSON syntax error of `text`, the line at `line`: `file:line:column: invalid JSON: ...;
    /// {hint}` (the line is parsed on its own, so serde_json's column is the column within the
    /// line). When the bad token is `NaN` or `Infinity` (as Python's `json.dumps` writes them),
    /// the hint says JSON has neither instead.
    pub(crate) fn invalid_json(
        path: &Path,
        line: usize,
        text: &str,
        error: &serde_json::Error,
        hint: &str,
    ) -> RowError {
        let message = error.to_string();
        let suffix = format!(" at line {} column {}", error.line(), error.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        // Only where serde wanted a value or a number: inside a string (cut off, say) the
        // letters before the error are text, not a token.
        // (`expected ident`: a word starting like `null`, `true` or `false`, such as `nan`.)
        let wanted_value = ["expected value", "invalid number", "expected ident"]
            .iter()
            .any(|start| message.starts_with(start));
        let token = non_finite_token(text, error.column()).filter(|_| wanted_value);
        let message = match token {
            Some(token) => format!(
                "invalid JSON: {message}: `{token}`: JSON has no NaN or Infinity; remove the row or give a number"
            ),
            None => format!("invalid JSON: {message}; {hint}"),
        };
        RowError {
            column: Some(error.column()).filter(|&c| c > 0),
            ..RowError::new(path, line, message)
        }
    }

    /// A problem with `field` of the row at `line` of `path` (`None`: the row or file).
    pub(crate) fn in_field(
        path: &Path,
        line: usize,
        field: Option<&str>,
        message: String,
    ) -> RowError {
        RowError {
            field: field.map(str::to_owned),
            ..RowError::new(path, line, message)
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: ", self.path.display())?,
            (line, None) => write!(f, "{}:{line}: ", self.path.display())?,
            (line, Some(column)) => write!(f, "{}:{line}:{column}: ", self.path.display())?,
        }
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Why a line could not be read.
#[derive(Debug)]
pub(crate) enum LineError {
    /// The reader failed; no line follows this one.
    Read(io::Error),
    /// The line is not UTF-8 text; `byte` (1-based, within the line) is the first bad byte.
    NotUtf8 {
        /// 1-based offset of the first bad byte in the line.
        byte: usize,
    },
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineError::Read(e) => write!(f, "cannot read: {e}"),
            LineError::NotUtf8 { byte } => write!(f, "is not valid UTF-8 (byte {byte})"),
        }
    }
}

/// The `NaN`, `Infinity` or `-Infinity` (any case, or `inf`) around the 1-based byte `column`
/// of `text`, where serde_json stopped: JSON has no such numbers.
fn non_finite_token(text: &str, column: usize) -> Option<&str> {
    let at = column.checked_sub(1)?.min(text.len());
    let is_token = |c: char| c.is_ascii_alphabetic() || c == '-' || c == '+';
    let start = text.get(..at)?.trim_end_matches(is_token).len();
    let rest = text.get(start..)?;
    let token = &rest[..rest.find(|c: char| !is_token(c)).unwrap_or(rest.len())];
    let word = token.trim_start_matches(['-', '+']).to_ascii_lowercase();
    matches!(word.as_str(), "nan" | "infinity" | "inf").then_some(token)
}

/// How a message names the kind of a JSON value that was not the one expected: `a string`.
pub(crate) fn value_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// The first non-blank line of the file at `path` and its number (`None` if there is none or it
/// cannot be read: reading the file for real reports that). Only a regular file is read ahead:
/// a pipe (`/dev/stdin`, `<(...)`) would lose what is read here before the real read.
pub(crate) fn first_line(path: &Path) -> Option<(usize, String)> {
    if !is_regular_file(path) {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut lines = Lines::new(file);
    match lines.next_line()? {
        (n, Ok(text)) => Some((n, text.to_owned())),
        (_, Err(_)) => None,
    }
}

/// Whether `path` is a regular file, which can be read twice (a pipe cannot).
pub(crate) fn is_regular_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// Whether `line`, the first of a JSONL file, opens a JSON array spread over lines (a
/// pretty-printed `[ {...}, ... ]`, or one cut after its first object) rather than holding a
/// row: then every line after it is an error too, so one error for the file says why.
pub(crate) fn opens_json_array(line: &str) -> bool {
    let line = line.trim();
    line.starts_with('[')
        && match serde_json::from_str::<serde_json::Value>(line) {
            Err(_) => true,
            Ok(serde_json::Value::Array(items)) => items.iter().any(|v| v.is_object()),
            Ok(_) => false,
        }
}

/// The error for a JSONL file whose first line (`line`) opens a JSON array.
pub(crate) fn json_array_error(path: &Path, line: usize) -> RowError {
    RowError::new(
        path,
        line,
        "starts a JSON array, but JSONL needs one JSON object per line and no brackets: write each object on its own line (e.g. `jq -c '.[]' FILE.json > FILE.jsonl`)".to_owned(),
    )
}

/// The UTF-8 encoding of U+FEFF, the byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The non-blank lines of a reader with their 1-based numbers, without line terminators.
pub(crate) struct Lines<R> {
    reader: BufReader<R>,
    /// The current line (its buffer is reused for the next one).
    text: String,
    /// Lines read so far, blank ones included.
    line: usize,
    failed: bool,
}

impl<R: Read> Lines<R> {
    /// The lines of `reader`.
    pub(crate) fn new(reader: R) -> Lines<R> {
        Lines {
            reader: BufReader::with_capacity(1 << 16, reader),
            text: String::new(),
            line: 0,
            failed: false,
        }
    }

    /// The next non-blank line and its number; `None` at the end or after a read error. A read
    /// error is returned once, numbered as the line that could not be read, or 0 (the file as a
    /// whole) when not even the first line could be (a directory, say).
    pub(crate) fn next_line(&mut self) -> Option<(usize, Result<&str, LineError>)> {
        loop {
            if self.failed {
                return None;
            }
            let mut bytes = std::mem::take(&mut self.text).into_bytes();
            bytes.clear();
            match self.reader.read_until(b'\n', &mut bytes) {
                Ok(0) => return None,
                Ok(_) => self.line += 1,
                Err(e) => {
                    self.failed = true;
                    let line = if self.line == 0 { 0 } else { self.line + 1 };
                    return Some((line, Err(LineError::Read(e))));
                }
            }
            // A UTF-8 byte order mark (as Windows tools write) starts the file, not its data;
            // the csv crate skips it too.
            if self.line == 1 && bytes.starts_with(BOM) {
                bytes.drain(..BOM.len());
            }
            if bytes.last() == Some(&b'\n') {
                bytes.pop();
                if bytes.last() == Some(&b'\r') {
                    bytes.pop();
                }
            }
            match String::from_utf8(bytes) {
                Ok(text) => self.text = text,
                Err(e) => {
                    let byte = e.utf8_error().valid_up_to() + 1;
                    return Some((self.line, Err(LineError::NotUtf8 { byte })));
                }
            }
            if !self.text.trim().is_empty() {
                return Some((self.line, Ok(&self.text)));
            }
        }
    }

    /// How many lines were read so far, blank ones included.
    pub(crate) fn lines_read(&self) -> usize {
        self.line
    }

    /// The underlying reader (e.g. to ask how many bytes it has read).
    pub(crate) fn get_ref(&self) -> &R {
        self.reader.get_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8]) -> Vec<(usize, String)> {
        let mut lines = Lines::new(input);
        let mut out = Vec::new();
        while let Some((n, text)) = lines.next_line() {
            out.push((
                n,
                text.map_or_else(|e| format!("error: {e}"), str::to_owned),
            ));
        }
        out
    }

    #[test]
    fn blank_lines_are_skipped_and_numbers_kept() {
        let got = all(b"{\"a\":1}\r\n\n   \n{\"b\":2}\n\xff\xfe\n{\"c\":3}");
        assert_eq!(
            got,
            [
                (1, "{\"a\":1}".to_owned()),
                (4, "{\"b\":2}".to_owned()),
                (5, "error: is not valid UTF-8 (byte 1)".to_owned()),
                (6, "{\"c\":3}".to_owned()),
            ]
        );
        let mut lines = Lines::new(&b"\n\n"[..]);
        assert!(lines.next_line().is_none());
        assert_eq!(lines.lines_read(), 2);
    }

    #[test]
    fn a_byte_order_mark_starts_the_file_not_its_first_line() {
        let got = all(b"\xEF\xBB\xBF{\"a\":1}\n\xEF\xBB\xBF{\"b\":2}\n");
        assert_eq!(
            got,
            [
                (1, "{\"a\":1}".to_owned()),
                // Only the file's first bytes are a byte order mark; later it is data.
                (2, "\u{feff}{\"b\":2}".to_owned()),
            ]
        );
        assert_eq!(all(b"\xEF\xBB\xBF\n\n"), []);
    }

    #[test]
    fn json_errors_name_the_column_within_the_line() {
        let text = r#"{"type": "ICP", "same": tru}"#;
        let e = serde_json::from_str::<serde_json::Value>(text).expect_err("bad JSON");
        let row = RowError::invalid_json(Path::new("p.jsonl"), 5, text, &e, "one object per line");
        assert_eq!(
            row.to_string(),
            "p.jsonl:5:28: invalid JSON: expected ident; one object per line"
        );
    }

    #[test]
    fn nan_and_infinity_say_json_has_neither() {
        for (text, token, column) in [
            (r#"{"similarity": NaN, "a": "x"}"#, "NaN", 16),
            (r#"{"vector": [1, Infinity]}"#, "Infinity", 16),
            (r#"{"similarity": -Infinity}"#, "-Infinity", 17),
            (r#"{"similarity": nan}"#, "nan", 17),
        ] {
            let e = serde_json::from_str::<serde_json::Value>(text).expect_err("bad JSON");
            let row = RowError::invalid_json(Path::new("p.jsonl"), 2, text, &e, "one object");
            let got = row.to_string();
            assert!(
                got.starts_with(&format!("p.jsonl:2:{column}: invalid JSON: ")),
                "{got}"
            );
            assert!(
                got.ends_with(&format!(
                    ": `{token}`: JSON has no NaN or Infinity; remove the row or give a number"
                )),
                "{got}"
            );
        }
        // Other bad words keep the usual hint.
        let text = r#"{"same": yes}"#;
        let e = serde_json::from_str::<serde_json::Value>(text).expect_err("bad JSON");
        let row = RowError::invalid_json(Path::new("p.jsonl"), 1, text, &e, "one object");
        assert!(row.to_string().ends_with("; one object"), "{row}");
        // Letters inside a string cut off at the end are text, not a token.
        let text = r#"{"type":"T","a":"Nan"#;
        let e = serde_json::from_str::<serde_json::Value>(text).expect_err("bad JSON");
        let row = RowError::invalid_json(Path::new("p.jsonl"), 1, text, &e, "one object");
        assert!(row.to_string().ends_with("; one object"), "{row}");
    }

    #[test]
    fn a_json_array_is_told_apart_from_rows() {
        assert!(opens_json_array("["));
        assert!(opens_json_array("  [  "));
        assert!(opens_json_array(r#"[{"a": 1},"#));
        assert!(opens_json_array(r#"[{"a": 1}, {"a": 2}]"#));
        assert!(!opens_json_array("[1]"));
        assert!(!opens_json_array(r#"{"a": [1]}"#));
        let dir = tempfile::tempdir().expect("a temp dir");
        let p = dir.path().join("x.jsonl");
        std::fs::write(&p, "\n  \n[\n{}\n").expect("writable");
        assert_eq!(first_line(&p), Some((3, "[".to_owned())));
        assert_eq!(
            json_array_error(Path::new("x.jsonl"), 3).to_string(),
            "x.jsonl:3: starts a JSON array, but JSONL needs one JSON object per line and no brackets: write each object on its own line (e.g. `jq -c '.[]' FILE.json > FILE.jsonl`)"
        );
    }

    #[test]
    fn a_read_error_ends_the_lines() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk on fire"))
            }
        }
        let mut lines = Lines::new(Broken);
        let (n, e) = lines.next_line().expect("the error is one item");
        assert_eq!(
            (n, e.unwrap_err().to_string()),
            (0, "cannot read: disk on fire".to_owned())
        );
        assert!(lines.next_line().is_none());
    }
}
