//! `check` (parse + validate) of generated `.cascade` schemas: 1,000, 10,000 and 100,000 types of
//! 8 fields each, using every operator, prompts, field thresholds, unions, arrays, optionals,
//! backrefs, `$threshold` and `$fuzzyThreshold`. Target: 10,000 types ≤ 15 ms, and linear growth
//! (100,000 types ≤ 12× the 10,000 time). `check` reads a file of half a megabyte or more on one
//! thread per core (in parts that shrink as the file goes, taken in turn by the threads);
//! `check_one_thread` is the same check on one thread (`check_on_threads(src, 1)`), the baseline.
//! Both return the model, so (as divan does with what a benchmark returns) it is dropped after
//! the timing; `check_and_drop` is `check` with the model dropped inside it.
//! `check_cold` (Linux with glibc) first gives the free heap back to the kernel, so that every
//! page of the model is faulted in again, as in a fresh process such as `cascade check`: the
//! worst case of `check`, which otherwise reuses what the previous run freed when the allocator
//! kept it.
//! `parse_only` is the syntax alone; `check_hub` is a
//! schema whose every type backrefs one `Hub` (which then receives one inverse field per type), to
//! show that linking inverse fields stays linear.
//!
//! ```sh
//! cargo bench --bench schema_check
//! ```

use std::fmt::Write;

use divan::counter::BytesCount;
use divan::{Bencher, black_box};

fn main() {
    divan::main();
}

/// A schema of `types` types `T0..`, 8 written fields each (plus one inverse field each).
fn generate(types: usize) -> String {
    let mut src = String::with_capacity(types * 400);
    src.push_str("{\n  $config: { default: 0.80 },\n");
    for i in 0..types {
        let next = (i + 1) % types;
        let prev = (i + types - 1) % types;
        let threshold = 70 + i % 25;
        writeln!(
            src,
            "  T{i}: {{\n    $threshold: 0.{threshold},\n    $fuzzyThreshold: 0.75,\n    \
             name: 'string',\n    summary: 'What does T{i} do?',\n    \
             a: '~>T{next}(0.85)',\n    b: 'Which one is closest? ~>T{prev}|T{next}(0.9)',\n    \
             c: ['->T{next}'],\n    d: '<~T{prev}(0.7)?',\n    e: '<-T{next}[]',\n    \
             f: 'T{prev}.back{i}',\n  }},"
        )
        .expect("writing to a String cannot fail");
    }
    src.push_str("}\n");
    src
}

#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 20)]
fn check(bencher: Bencher<'_, '_>, types: usize) {
    let src = generate(types);
    let schema = match cascade_dsl::check(&src) {
        Ok(schema) => schema,
        Err(errors) => panic!(
            "the generated schema has {} errors, first: {}",
            errors.len(),
            errors[0].message
        ),
    };
    assert_eq!(schema.types.len(), types);
    assert_eq!(schema.field_count(), types * 9);
    bencher
        .counter(BytesCount::of_str(&src))
        .bench(|| cascade_dsl::check(black_box(&src)));
}

#[divan::bench(args = [10_000, 100_000], sample_count = 20)]
fn check_and_drop(bencher: Bencher<'_, '_>, types: usize) {
    let src = generate(types);
    bencher
        .counter(BytesCount::of_str(&src))
        .bench(|| cascade_dsl::check(black_box(&src)).map(|schema| schema.types.len()));
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[divan::bench(args = [10_000, 100_000], sample_count = 20)]
fn check_cold(bencher: Bencher<'_, '_>, types: usize) {
    let src = generate(types);
    bencher
        .counter(BytesCount::of_str(&src))
        .with_inputs(|| {
            // SAFETY: `malloc_trim` only returns free memory to the kernel; it is safe to call
            // at any time, from any thread.
            unsafe { libc::malloc_trim(0) };
        })
        .bench_values(|()| cascade_dsl::check(black_box(&src)));
}

#[divan::bench(args = [10_000, 100_000], sample_count = 20)]
fn check_one_thread(bencher: Bencher<'_, '_>, types: usize) {
    let src = generate(types);
    let one = std::num::NonZeroUsize::MIN;
    assert_eq!(
        cascade_dsl::check_on_threads(&src, one),
        cascade_dsl::check(&src)
    );
    bencher
        .counter(BytesCount::of_str(&src))
        .bench(|| cascade_dsl::check_on_threads(black_box(&src), one));
}

/// `types` types `S0..` with one backref each to `Hub`, which receives `types` inverse fields.
fn generate_hub(types: usize) -> String {
    let mut src = String::with_capacity(types * 40);
    src.push_str("{\n  Hub: { name: 'string' },\n");
    for i in 0..types {
        writeln!(src, "  S{i}: {{ hub: 'Hub.s{i}' }},").expect("writing to a String cannot fail");
    }
    src.push_str("}\n");
    src
}

#[divan::bench(args = [10_000, 100_000], sample_count = 10)]
fn check_hub(bencher: Bencher<'_, '_>, types: usize) {
    let src = generate_hub(types);
    let schema = cascade_dsl::check(&src).map_err(|errors| errors.len());
    assert_eq!(schema.map(|s| s.types[0].fields.len()), Ok(types + 1));
    bencher
        .counter(BytesCount::of_str(&src))
        .bench(|| cascade_dsl::check(black_box(&src)).map(|schema| schema.types.len()));
}

#[divan::bench(args = [10_000, 100_000], sample_count = 20)]
fn parse_only(bencher: Bencher<'_, '_>, types: usize) {
    let src = generate(types);
    bencher
        .counter(BytesCount::of_str(&src))
        .bench(|| cascade_dsl::schema::parse(black_box(&src)).map(|file| file.root.entries.len()));
}
