//! Field-definition parsing: 1,000,000 mixed, realistic definitions generated in code.
//!
//! Target (issue 2): at most 150 ns per definition. `copy_strings` is the baseline measured in the
//! same run: one `String` allocation and copy per definition, the least any owned AST costs.
//! The generated mix is canonical, as schemas mostly are, so it exercises the byte-level fast path
//! (`cascade-dsl/src/field/fast.rs`); `parse_single` also times two definitions that take the nom
//! parser.
//!
//! Run: `cargo bench --bench field_parse`.

use cascade_dsl::field;
use divan::counter::ItemsCount;
use divan::{Bencher, black_box};

fn main() {
    divan::main();
}

const COUNT: usize = 1_000_000;

/// A small deterministic generator (xorshift), so every run parses the same definitions.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let len = u64::try_from(items.len()).unwrap_or(1);
        let index = usize::try_from(self.next() % len).unwrap_or(0);
        items.get(index).copied().unwrap_or("")
    }
}

const TYPES: &[&str] = &[
    "ICP",
    "Company",
    "Industry",
    "Persona",
    "Skill",
    "Occupation",
    "Location",
    "Tag",
    "Topic",
];
const PROMPTS: &[&str] = &[
    "Who buys it?",
    "What industry is this in?",
    "Main competitor",
    "Which skills are needed?",
];
const PRIMITIVES: &[&str] = &[
    "string", "number", "boolean", "date", "datetime", "json", "markdown", "url",
];
const OPERATORS: &[&str] = &["->", "~>", "<-", "<~"];
const THRESHOLDS: &[&str] = &["0.7", "0.75", "0.8", "0.82", "0.85", "0.9"];

/// The mix of a realistic schema: primitives, references with and without thresholds, prompts,
/// unions, backrefs, modifiers, array literals, prompt-only fields.
fn definitions() -> Vec<String> {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    (0..COUNT)
        .map(|_| {
            let ty = rng.pick(TYPES);
            let op = rng.pick(OPERATORS);
            let fuzzy = op.starts_with('~') || op.ends_with('~');
            let th = if fuzzy {
                format!("({})", rng.pick(THRESHOLDS))
            } else {
                String::new()
            };
            let modifier = rng.pick(&["", "", "[]", "?", "[]?"]);
            match rng.next() % 10 {
                0..=2 => format!("{}{modifier}", rng.pick(PRIMITIVES)),
                3 | 4 => format!("{op}{ty}{th}{modifier}"),
                5 => format!("{} {op}{ty}{th}", rng.pick(PROMPTS)),
                6 => format!(
                    "{op}{ty}|{}{modifier}",
                    rng.pick(TYPES).replace(ty, "Other")
                ),
                7 => format!("{ty}.items{modifier}"),
                8 => format!("['{op}{ty}{th}']"),
                _ => "What is the startup idea?".to_owned(),
            }
        })
        .collect()
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn parse_one_million(bencher: Bencher<'_, '_>) {
    let defs = definitions();
    bencher.counter(ItemsCount::new(defs.len())).bench(|| {
        let mut ok = 0usize;
        for def in &defs {
            ok += usize::from(field::parse(black_box(def)).is_ok());
        }
        assert_eq!(ok, defs.len(), "every generated definition is valid");
        ok
    });
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn copy_strings(bencher: Bencher<'_, '_>) {
    let defs = definitions();
    bencher.counter(ItemsCount::new(defs.len())).bench(|| {
        let mut total = 0usize;
        for def in &defs {
            total += black_box(String::from(black_box(def.as_str()))).len();
        }
        total
    });
}

/// Single definitions of each kind, for where the time goes.
/// The last two take the full nom parser: a compatibility form and an invalid definition.
#[divan::bench(args = [
    "string",
    "~>ICP(0.82)",
    "Who buys it? ~>ICP(0.82)",
    "['~>Company(0.85)']",
    "<~A(0.9)|B(0.7)|C.items[]?",
    "What is the startup idea?",
    "~>Company[](0.85)",
    "~>ICP(1.5)",
])]
fn parse_single(def: &str) -> bool {
    field::parse(black_box(def)).is_ok()
}
