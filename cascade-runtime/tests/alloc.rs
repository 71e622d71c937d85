//! Resolution never touches the heap: a counting global allocator watches this thread while
//! thresholds resolve through every entry point, on hits and misses.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use cascade_runtime::config::SimilarityThresholdConfig;
use cascade_runtime::resolve::Resolver;
use cascade_runtime::table::{
    Cascade, FieldTable, Schema, TargetTable, TypeTable, Written, build_index, index_len,
};
use cascade_runtime::{Operator, resolve, resolve_member};

struct Counting;

thread_local! {
    static WATCHING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

fn note() {
    // `try_with`: the allocator also runs while thread-locals are torn down.
    let _ = WATCHING.try_with(|w| {
        if w.get() {
            let _ = COUNT.try_with(|c| c.set(c.get() + 1));
        }
    });
}

// SAFETY: forwards every call to `System` unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns how many allocations it made on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    COUNT.with(|c| c.set(0));
    WATCHING.with(|w| w.set(true));
    f();
    WATCHING.with(|w| w.set(false));
    COUNT.with(Cell::get)
}

const T: TypeTable = TypeTable {
    name: "",
    threshold: None,
    strategy: None,
    fuzzy_threshold: None,
    schema_default: Some(Written::new(0.8, "$config.default")),
    fields: &[],
};
const ICP_T: Option<Written> = Some(Written::new(0.82, "ICP.$threshold"));
static TARGETS: [TargetTable; 2] = [
    TargetTable {
        type_name: "ICP",
        threshold: None,
        type_threshold: ICP_T,
        strategy: None,
    },
    TargetTable {
        type_name: "Persona",
        threshold: Some(Written::new(0.85, "Startup.customer")),
        type_threshold: None,
        strategy: None,
    },
];
static TYPES: [TypeTable; 3] = [
    TypeTable {
        name: "ICP",
        threshold: ICP_T,
        ..T
    },
    TypeTable {
        name: "Persona",
        ..T
    },
    TypeTable {
        name: "Startup",
        fields: &[FieldTable {
            name: "customer",
            operator: Some(Operator::ForwardFuzzy),
            array: false,
            optional: false,
            targets: &TARGETS,
        }],
        ..T
    },
];
static SCHEMA: Schema = Schema {
    default: Some(Written::new(0.8, "$config.default")),
    types: &TYPES,
    index: &build_index::<{ index_len(3) }>(&TYPES),
};

struct Startup;
impl Cascade for Startup {
    const TABLE: &'static TypeTable = &TYPES[2];
}

#[test]
fn resolution_never_allocates() {
    let config = SimilarityThresholdConfig::from_json_str(
        r#"{ "default": 0.7, "types": { "Persona": 0.75 }, "fields": { "Startup.customer": 0.9 } }"#,
    )
    .unwrap();
    let other =
        SimilarityThresholdConfig::from_json_str(r#"{ "fields": { "ICP.x": 0.9 } }"#).unwrap();
    let with_config = Resolver::new(&SCHEMA, &config);
    let other_config = Resolver::new(&SCHEMA, &other);
    let mut sum = 0.0;
    let n = allocations(|| {
        for _ in 0..1_000 {
            sum += resolve::<Startup>(black_box("customer")).map_or(0.0, |r| r.value);
            sum += resolve_member::<Startup>(black_box("customer"), "Persona")
                .map_or(0.0, |r| r.value);
            sum += SCHEMA
                .resolve(black_box("Startup"), black_box("customer"))
                .map_or(0.0, |r| r.value);
            sum += SCHEMA
                .resolve(black_box("Nope"), black_box("customer"))
                .map_or(0.0, |r| r.value);
            sum += SCHEMA
                .resolve(black_box("Startup"), black_box("nope"))
                .map_or(0.0, |r| r.value);
            sum += with_config
                .resolve(black_box("Startup"), "customer")
                .map_or(0.0, |r| r.value);
            sum += other_config
                .resolve(black_box("Startup"), "customer")
                .map_or(0.0, |r| r.value);
            sum += other_config
                .resolve_all(black_box("Startup"), "customer")
                .map_or(0.0, |it| it.map(|r| r.value).sum());
        }
    });
    assert_eq!(n, 0, "resolution allocated {n} times");
    assert!(sum > 0.0);
}

#[test]
fn the_counter_counts() {
    let n = allocations(|| {
        black_box(vec![1u8; 16]);
    });
    assert_eq!(n, 1);
}
