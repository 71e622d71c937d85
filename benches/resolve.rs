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

fn fixture() -> Fixture {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let words = [
        "Account", "Person", "Company", "Skill", "Topic", "Industry", "Location", "Product",
    ];
    let mut names: Vec<String> = (0..TYPES)
        .map(|i| format!("{}{i}", words[rng.below(words.len())]))
        .collect();
    names.sort();
    let names: Vec<&'static str> = names.into_iter().map(leak_str).collect();
    let type_thresholds: Vec<Option<Written>> = names
        .iter()
        .map(|n| {
            (rng.below(2) == 0).then(|| Written {
                value: rng.threshold(),
                at: leak_str(format!("{n}.$threshold")),
            })
        })
        .collect();
    let default = Some(Written::new(0.8, "$config.default"));
    let field_names = ["customer", "industry", "owner", "related"];
    let mut types = Vec::with_capacity(TYPES);
    for (i, name) in names.iter().enumerate() {
        let mut fields = Vec::with_capacity(FIELDS_PER_TYPE);
        for f in field_names.iter().take(FIELDS_PER_TYPE) {
            let target = rng.below(TYPES);
            let member = TargetTable {
                type_name: names[target],
                threshold: (rng.below(3) == 0).then(|| Written {
                    value: rng.threshold(),
                    at: leak_str(format!("{name}.{f}")),
                }),
                type_threshold: type_thresholds[target],
                strategy: None,
            };
            fields.push(FieldTable {
                name: f,
                operator: Some(Operator::ForwardFuzzy),
                array: false,
                optional: false,
                targets: leak(vec![member]),
            });
        }
        let fuzzy = (rng.below(5) == 0).then(|| Written {
            value: rng.threshold(),
            at: leak_str(format!("{name}.$fuzzyThreshold")),
        });
        types.push(TypeTable {
            name,
            threshold: type_thresholds[i],
            strategy: None,
            fuzzy_threshold: fuzzy,
            schema_default: default,
            fields: leak(fields),
        });
    }
    let types = leak(types);
    let schema = Schema {
        default,
        types,
        index: leak(build_index_vec(types)),
    };
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
    for (k, (o, f)) in queries.iter().enumerate() {
        let layered = layers.resolve(o, f, targets[k]);
        assert_eq!(
            Some(layered),
            schema.resolve(o, f).map(|r| r.value),
            "the baselines agree"
        );
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
