//! Threshold resolution by name in a generated 10,000-type schema, against `HashMap<String, f64>`
//! resolvers measured in the same run.
//!
//! Run: `cargo bench --bench resolve`. Every benchmark resolves the same random `(owner, field)`
//! queries in turn (a mix of field, type, owner and default layers): the argument is how many,
//! 16 (hot: everything stays in cache) or 1,024 (spread over the schema: cache misses dominate).
//!
//! - `table_by_name`: `Schema::resolve(owner, field)`: schema precedence with provenance.
//! - `table_with_config`: `Resolver::resolve` with a runtime config layered on top.
//! - `hashmap_resolver`: the same precedence resolved with `HashMap<String, f64>`s, the spike's
//!   way (`fields["Owner.field"] ?? types[target] ?? owners[owner] ?? default`, key built with
//!   `format!`); it is even handed the target type, which the tables find themselves.
//! - `hashmap_format`: `format!("{owner}.{field}")`, then one `HashMap<String, f64>` lookup of
//!   the precomputed *final* threshold (no precedence at run time).
//! - `hashmap_prejoined`: the same map, the key already joined by the caller: one SipHash
//!   lookup and nothing else (no precedence, no provenance): the strongest baseline.
//!
//! The tables are built at run time but laid out as the code generator's statics are (see
//! `tables`), and before anything is timed every variant is checked to give the table's answer
//! to every query.

use std::cell::Cell;
use std::collections::HashMap;
use std::hint::black_box;

use cascade::config::SimilarityThresholdConfig;
use cascade::resolve::Resolver;
use cascade::table::{FieldTable, Schema, TargetTable, TypeTable, Written, build_index_vec};
use cascade::{Operator, Threshold};

const TYPES: usize = 10_000;
const FIELDS_PER_TYPE: usize = 4;
const QUERIES: usize = 1_024;

fn main() {
    divan::main();
}

/// A small deterministic generator (xorshift), so every run builds the same schema.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn threshold(&mut self) -> Threshold {
        Threshold::new(0.6 + (self.next() % 350) as f64 / 1000.0).expect("0.6..0.95 is a threshold")
    }
}

fn leak<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

fn leak_str(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

struct Fixture {
    schema: Schema,
    config: SimilarityThresholdConfig,
    queries: Vec<(&'static str, &'static str)>,
    targets: Vec<&'static str>,
    joined: Vec<String>,
    map: HashMap<String, f64>,
    layers: Layers,
}

/// Precedence in `HashMap<String, f64>`s, the spike's shape.
struct Layers {
    fields: HashMap<String, f64>,
    types: HashMap<String, f64>,
    owners: HashMap<String, f64>,
    default: f64,
}

impl Layers {
    fn resolve(&self, owner: &str, field: &str, target: &str) -> f64 {
        if let Some(t) = self.fields.get(&format!("{owner}.{field}")) {
            return *t;
        }
        if let Some(t) = self.types.get(target) {
            return *t;
        }
        self.owners.get(owner).copied().unwrap_or(self.default)
    }
}

/// A threshold and the key it was written at, before the strings are packed.
type Draft = Option<(Threshold, String)>;

/// Packs strings back to back in one buffer, as a compiled crate's string literals lie in
/// `.rodata` (no allocator header between them).
#[derive(Default)]
struct Strings(String);

impl Strings {
    fn push(&mut self, s: &str) -> std::ops::Range<usize> {
        let start = self.0.len();
        self.0.push_str(s);
        start..self.0.len()
    }
}

/// The schema's tables laid out like the code generator's statics: in a compiled schema the
/// type array is one static, each type's fields and each field's members are small arrays lying
/// back to back in `.data.rel.ro` (fields and members interleaved), and the string literals are
/// packed in `.rodata`. Here the types are one array, all fields one array and all members
/// another (back to back, no allocator headers), and the strings are packed per type in the
/// order a type's literals are emitted (name, then the keys its thresholds were written at). The
/// field names are shared literals, as identical literals are in a compiled crate.
fn tables(
    names: &[String],
    type_thresholds: &[Draft],
    members: &[Vec<(usize, Draft)>],
    fuzzies: &[Draft],
    field_names: &[&'static str],
) -> Schema {
    let mut strings = Strings::default();
    let mut packed = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let name = strings.push(name);
        let mut at = |d: &Draft| d.as_ref().map(|(t, key)| (*t, strings.push(key)));
        let threshold = at(&type_thresholds[i]);
        let members: Vec<_> = members[i]
            .iter()
            .map(|(target, d)| (*target, at(d)))
            .collect();
        let fuzzy = at(&fuzzies[i]);
        packed.push((name, threshold, members, fuzzy));
    }
    let buffer: &'static str = leak_str(strings.0);
    let text = |range: std::ops::Range<usize>| &buffer[range];
    let written = |d: Option<(Threshold, std::ops::Range<usize>)>| {
        d.map(|(value, range)| Written {
            value,
            at: text(range),
        })
    };
    let type_names: Vec<&'static str> = packed.iter().map(|p| text(p.0.clone())).collect();
    let type_written: Vec<Option<Written>> = packed.iter().map(|p| written(p.1.clone())).collect();
    let targets: &'static [TargetTable] = leak(
        packed
            .iter()
            .flat_map(|p| &p.2)
            .map(|(target, d)| TargetTable {
                type_name: type_names[*target],
                threshold: written(d.clone()),
                type_threshold: type_written[*target],
                strategy: None,
            })
            .collect(),
    );
    let fields: &'static [FieldTable] = leak(
        targets
            .chunks(1)
            .zip(field_names.iter().cycle())
            .map(|(targets, name)| FieldTable {
                name,
                operator: Some(Operator::ForwardFuzzy),
                array: false,
                optional: false,
                targets,
            })
            .collect(),
    );
    let default = Some(Written::new(0.8, "$config.default"));
    let types: &'static [TypeTable] = leak(
        packed
            .iter()
            .zip(fields.chunks(field_names.len()))
            .enumerate()
            .map(|(i, (p, fields))| TypeTable {
                name: type_names[i],
                threshold: type_written[i],
                strategy: None,
                fuzzy_threshold: written(p.3.clone()),
                schema_default: default,
                fields,
            })
            .collect(),
    );
    Schema {
        default,
        types,
        index: leak(build_index_vec(types)),
    }
}

fn fixture() -> Fixture {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let words = [
        "Account", "Person", "Company", "Skill", "Topic", "Industry", "Location", "Product",
    ];
    let mut names: Vec<String> = (0..TYPES)
        .map(|i| format!("{}{i}", words[rng.below(words.len())]))
        .collect();
    names.sort();
    let type_thresholds: Vec<Draft> = names
        .iter()
        .map(|n| (rng.below(2) == 0).then(|| (rng.threshold(), format!("{n}.$threshold"))))
        .collect();
    let field_names = ["customer", "industry", "owner", "related"];
    let mut members = Vec::with_capacity(TYPES);
    let mut fuzzies = Vec::with_capacity(TYPES);
    for name in &names {
        let mut own = Vec::with_capacity(FIELDS_PER_TYPE);
        for f in field_names.iter().take(FIELDS_PER_TYPE) {
            let target = rng.below(TYPES);
            let threshold = (rng.below(3) == 0).then(|| (rng.threshold(), format!("{name}.{f}")));
            own.push((target, threshold));
        }
        members.push(own);
        fuzzies.push(
            (rng.below(5) == 0).then(|| (rng.threshold(), format!("{name}.$fuzzyThreshold"))),
        );
    }
    let schema = tables(
        &names,
        &type_thresholds,
        &members,
        &fuzzies,
        &field_names[..FIELDS_PER_TYPE],
    );
    let types = schema.types;
    let names: Vec<&'static str> = types.iter().map(|t| t.name).collect();
    assert_eq!(schema.check(), Ok(()));

    let mut map = HashMap::new();
    let mut layers = Layers {
        fields: HashMap::new(),
        types: HashMap::new(),
        owners: HashMap::new(),
        default: 0.8,
    };
    for t in types {
        if let Some(w) = t.threshold {
            layers.types.insert(t.name.to_owned(), w.value.get());
        }
        if let Some(w) = t.fuzzy_threshold {
            layers.owners.insert(t.name.to_owned(), w.value.get());
        }
        for f in t.fields {
            let r = schema
                .resolve(t.name, f.name)
                .expect("every generated field is fuzzy");
            map.insert(format!("{}.{}", t.name, f.name), r.value);
            if let Some(w) = f.targets.first().and_then(|m| m.threshold) {
                layers
                    .fields
                    .insert(format!("{}.{}", t.name, f.name), w.value.get());
            }
        }
    }
    let queries: Vec<(&'static str, &'static str)> = (0..QUERIES)
        .map(|_| {
            (
                names[rng.below(TYPES)],
                field_names[rng.below(FIELDS_PER_TYPE)],
            )
        })
        .collect();
    let joined = queries.iter().map(|(o, f)| format!("{o}.{f}")).collect();
    let targets: Vec<&'static str> = queries
        .iter()
        .map(|(o, f)| {
            schema
                .find_field(o, f)
                .and_then(|(_, f)| f.targets.first())
                .map_or("", |t| t.type_name)
        })
        .collect();
    // Every variant answers every query the same before anything is timed.
    for (k, (o, f)) in queries.iter().enumerate() {
        let table = schema.resolve(o, f).map(|r| r.value);
        assert!(table.is_some(), "every query names a fuzzy field");
        assert_eq!(
            Some(layers.resolve(o, f, targets[k])),
            table,
            "hashmap_resolver"
        );
        assert_eq!(
            map.get(&format!("{o}.{f}")).copied(),
            table,
            "hashmap_format"
        );
        let known = schema.find_type(o).and_then(|t| t.resolve(f));
        assert_eq!(known.map(|r| r.value), table, "table_known_type");
    }

    let mut config = SimilarityThresholdConfig::default();
    for (o, f) in queries.iter().step_by(7) {
        config.fields.insert(format!("{o}.{f}"), rng.threshold());
    }
    for _ in 0..100 {
        config
            .types
            .insert(names[rng.below(TYPES)].to_owned(), rng.threshold());
    }
    Fixture {
        schema,
        config,
        queries,
        targets,
        joined,
        map,
        layers,
    }
}

thread_local! {
    static FIXTURE: &'static Fixture = Box::leak(Box::new(fixture()));
}

fn with_fixture(f: impl FnOnce(&'static Fixture)) {
    FIXTURE.with(|fx| f(fx));
}

#[divan::bench(args = [16, QUERIES], sample_size = 1000, sample_count = 200)]
fn table_by_name(bencher: divan::Bencher<'_, '_>, n: usize) {
    with_fixture(|fx| {
        let i = Cell::new(0usize);
        bencher.bench_local(|| {
            let k = i.get();
            i.set(if k + 1 == n { 0 } else { k + 1 });
            let (o, f) = fx.queries[k];
            fx.schema
                .resolve(black_box(o), black_box(f))
                .map(|r| r.value)
        });
    });
}

#[divan::bench(args = [16, QUERIES], sample_size = 1000, sample_count = 200)]
fn table_known_type(bencher: divan::Bencher<'_, '_>, n: usize) {
    // What `cascade::resolve::<T>("field")` does: the type's table is known at compile time.
    with_fixture(|fx| {
        let owners: Vec<&'static TypeTable> = fx
            .queries
            .iter()
            .map(|(o, _)| fx.schema.find_type(o).expect("queried types exist"))
            .collect();
        let i = Cell::new(0usize);
        bencher.bench_local(|| {
            let k = i.get();
            i.set(if k + 1 == n { 0 } else { k + 1 });
            owners[k]
                .resolve(black_box(fx.queries[k].1))
                .map(|r| r.value)
        });
    });
}

#[divan::bench(args = [16, QUERIES], sample_size = 1000, sample_count = 200)]
fn table_with_config(bencher: divan::Bencher<'_, '_>, n: usize) {
    with_fixture(|fx| {
        let resolver = Resolver::new(&fx.schema, &fx.config);
        let i = Cell::new(0usize);
        bencher.bench_local(|| {
            let k = i.get();
            i.set(if k + 1 == n { 0 } else { k + 1 });
            let (o, f) = fx.queries[k];
            resolver
                .resolve(black_box(o), black_box(f))
                .map(|r| r.value)
                .ok()
        });
    });
}

#[divan::bench(args = [16, QUERIES], sample_size = 1000, sample_count = 200)]
fn hashmap_resolver(bencher: divan::Bencher<'_, '_>, n: usize) {
    with_fixture(|fx| {
        let i = Cell::new(0usize);
        bencher.bench_local(|| {
            let k = i.get();
            i.set(if k + 1 == n { 0 } else { k + 1 });
            let (o, f) = fx.queries[k];
            fx.layers
                .resolve(black_box(o), black_box(f), black_box(fx.targets[k]))
        });
    });
}

#[divan::bench(args = [16, QUERIES], sample_size = 1000, sample_count = 200)]
fn hashmap_format(bencher: divan::Bencher<'_, '_>, n: usize) {
    with_fixture(|fx| {
        let i = Cell::new(0usize);
        bencher.bench_local(|| {
            let k = i.get();
            i.set(if k + 1 == n { 0 } else { k + 1 });
            let (o, f) = fx.queries[k];
            let key = format!("{}.{}", black_box(o), black_box(f));
            fx.map.get(&key).copied()
        });
    });
}

#[divan::bench(args = [16, QUERIES], sample_size = 1000, sample_count = 200)]
fn hashmap_prejoined(bencher: divan::Bencher<'_, '_>, n: usize) {
    with_fixture(|fx| {
        let i = Cell::new(0usize);
        bencher.bench_local(|| {
            let k = i.get();
            i.set(if k + 1 == n { 0 } else { k + 1 });
            fx.map.get(black_box(fx.joined[k].as_str())).copied()
        });
    });
}
