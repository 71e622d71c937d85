//! Validation: a `.cascade` syntax tree → the [`Schema`] model, with every error of the file
//! gathered at once (DESIGN §2, §3).
//!
//! Two layers, so that both front ends share one validator:
//! - [`validate`] reads the `.cascade` syntax tree: which keys are types, fields or metadata, the
//!   metadata values, the field definitions (their errors placed at their exact file position,
//!   through escape sequences), and then runs the model checks below.
//! - The model checks take model pieces and know nothing about files: [`check_type`] (names,
//!   duplicate fields), [`check_schema`] (duplicate types, every type, unknown target types) and
//!   [`link_backrefs`] (inverse fields); [`check_model`] runs them all. The derive front end builds
//!   the same model from Rust attributes and calls [`check_model`].
//!
//! Choices where DESIGN is silent:
//! - The top-level `$config` accepts only `default` (precedence layer 7). Runtime settings
//!   (`adaptive`, `dimensionAdjustment`, per-type or per-field overrides) belong in the runtime
//!   configuration file (DESIGN §6), so writing them here is an `unknown-config-key` error that
//!   says so. No other top-level `$` key is known.
//! - A backref creates the inverse field `Owner.field[]` on each target member that lacks a field
//!   of that name (an array, as ai-database does); a user-declared field of that name is kept as
//!   written. Two backrefs that would create the same inverse field are a `conflicting-backref`.
//! - Duplicate keys are errors (JavaScript would silently keep the last one).
//! - Diagnostics come out sorted by position.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use cascade_runtime::{Strategy, Threshold, ThresholdError};

use crate::CompactString;
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::field::{FieldDef, Target};
use crate::model::{EntityType, Field, Schema, ThresholdKey};
use crate::schema::{Entry, File, Item, Member, Object, PlainField, Text, Value};
use crate::span::Span;

/// A hash map keyed by names from the user's own schema. SipHash's protection against
/// adversarial keys buys nothing there and costs a third of `check`'s time on large schemas, so
/// the keys are hashed with FxHash (rustc's hasher: a multiply and a rotate per word).
type NameMap<K, V> = HashMap<K, V, BuildHasherDefault<NameHasher>>;

/// Every type's position by name (the first one, if a name is declared twice). The names are
/// held in the table, not borrowed from the source: a lookup then compares with a name next to
/// the entry instead of reading a random place of the source text.
type TypeIndex = NameMap<CompactString, usize>;

#[derive(Default)]
struct NameHasher(u64);

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().expect("chunks_exact yields 8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
        }
        for &byte in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(byte)).wrapping_mul(SEED);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The longest entity or field name.
pub const MAX_NAME_LEN: usize = 64;

/// The `$` keys a type accepts.
pub const TYPE_METADATA: [&str; 4] = ["$threshold", "$config", "$fuzzyThreshold", "$instructions"];
/// The keys of a type's `$config`.
pub const TYPE_CONFIG_KEYS: [&str; 2] = ["threshold", "thresholdStrategy"];
/// The `$` keys the top level accepts.
pub const SCHEMA_METADATA: [&str; 1] = ["$config"];
/// The keys of the top-level `$config`.
pub const SCHEMA_CONFIG_KEYS: [&str; 1] = ["default"];

/// Builds the model from a parsed `.cascade` file, or returns every error found.
///
/// `src` is the text `file` was parsed from (messages quote numbers as written).
///
/// ```
/// let src = "{ ICP: { $threshold: 1.5, name: 'string' }, Startup: { customer: '~>IPC' } }";
/// let file = cascade_dsl::schema::parse(src).unwrap();
/// let errors = cascade_dsl::validate::validate(&file, src).unwrap_err();
/// let codes: Vec<_> = errors.iter().map(|d| d.code.as_str()).collect();
/// assert_eq!(codes, ["invalid-metadata-value", "unknown-target-type"]);
/// ```
pub fn validate(file: &File<'_>, src: &str) -> Result<Schema, Vec<Diagnostic>> {
    let mut builder = Builder::new(src);
    let schema = builder.schema(file, true);
    builder.finish(schema)
}

/// [`check`]'s fast path: the schema built while the file is read, entry by entry, without a
/// syntax tree of the whole file (the large part of the work for a large schema). `None` when
/// the byte-level scanner cannot read the file (an escape it does not know, anything unusual, any
/// syntax error): the full parser then reads it, and gives the same result.
///
/// A large file is read in parts on several threads ([`read_in_parts`]) when the machine has
/// the cores; the result is the same.
fn check_streaming(
    src: &str,
    threads: Option<NonZeroUsize>,
) -> Option<Result<Schema, Vec<Diagnostic>>> {
    if src.len() > crate::span::MAX_SOURCE_LEN {
        return None;
    }
    let threads = parts_for(src.len(), threads);
    if threads > 1 {
        let starts = crate::schema::split_points_from(src, &chunk_targets(src.len(), threads));
        match read_in_parts(src, threads, &starts) {
            InParts::Checked(checked) => return Some(checked),
            InParts::Unreadable => return None,
            InParts::OneReading => {}
        }
    }
    check_in_one_part(src)
}

/// [`check_streaming`] on one thread.
fn check_in_one_part(src: &str) -> Option<Result<Schema, Vec<Diagnostic>>> {
    let part = read_part(src, crate::schema::entries(src)?, None, None, src.len()).ok()?;
    Some(part.builder.finish(part.schema))
}

/// The least number of bytes of a file per thread reading it: below about a quarter of a
/// megabyte (some 900 types of a few fields), starting a thread costs more than it saves.
const MIN_PART_LEN: usize = 256 * 1024;

/// The least number of bytes of a part ([`chunk_targets`]).
const MIN_CHUNK_LEN: usize = 64 * 1024;

/// On how many threads [`check_streaming`] reads a file of `len` bytes: one for each of
/// `threads` (by default, each core: `std::thread::available_parallelism`), but no more than
/// `len / MIN_PART_LEN`.
fn parts_for(len: usize, threads: Option<NonZeroUsize>) -> usize {
    let most = len / MIN_PART_LEN;
    if most < 2 {
        return 1;
    }
    let threads = threads.or_else(cores);
    threads.map_or(1, |threads| threads.get().min(most))
}

/// Where [`check_streaming`] would have the parts of a file of `len` bytes read on `threads`
/// threads start (each at the first entry at or after it): parts that shrink as the file goes,
/// each a `2 * threads`-th of what is left, down to a thirty-second of the file (and no less
/// than [`MIN_CHUNK_LEN`]), taken in turn by the threads ([`in_parallel_queue`]). The cores of
/// a shared machine do not run at one speed: a thread on a slower core reads fewer parts, and
/// the last parts are small, so that the threads end at nearly the same time.
fn chunk_targets(len: usize, threads: usize) -> Vec<usize> {
    let smallest = (len / 32).max(MIN_CHUNK_LEN);
    let mut targets = Vec::new();
    let mut at = 0;
    loop {
        at += ((len - at) / (2 * threads.max(1))).max(smallest);
        if len.saturating_sub(at) < smallest {
            return targets;
        }
        targets.push(at);
    }
}

/// `std::thread::available_parallelism`, asked once: it reads several files (cgroup quotas).
fn cores() -> Option<NonZeroUsize> {
    static CORES: std::sync::OnceLock<Option<NonZeroUsize>> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().ok())
}

/// What reading a run of top-level entries built: its types (positions counted from the run's
/// first type), its `$config`, and the builder's state.
struct Part<'s> {
    builder: Builder<'s>,
    schema: Schema,
    metadata: MetadataKeys,
}

/// Why [`read_part`] gave no part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// The scanner cannot read the text there (an escape it leaves to the nom parser, a syntax
    /// error): reading from the start of the file would stop at the same place, if not before.
    Unreadable,
    /// The part cannot be joined: it has an error, or it did not stop at its `stop`.
    Unjoinable,
    /// Told to stop: the part is not needed.
    Aborted,
}

/// How many names [`Builder::declared`] remembers.
const RECENT: usize = 4;

/// How many types a part reads before it makes room for the rest ([`read_part`]).
const SAMPLE_TYPES: usize = 64;

/// Reads top-level entries from `entries` on, building each into a [`Part`]: to the end of the
/// object, or with `stop`, exactly up to the entry starting at byte `stop`.
///
/// With `abort` (this part's number among parts read beside each other, and the number of the
/// first part that need not go on), the reading also stops as soon as this part has an error,
/// or once `abort` reaches this part.
///
/// The part's types end up in a vector that holds the types written up to byte `room_to` (the
/// part's end, or the file's end for the part that the others are joined to): once the first
/// [`SAMPLE_TYPES`] types are read, the vector and the name index make room for as many more as
/// the bytes left to `room_to` hold at the rate read so far, so that they grow once instead of
/// doubling (each doubling copies what was read, and faults fresh pages in). A guess that is
/// short is grown as usual; one that fails to allocate is skipped.
fn read_part<'s>(
    src: &'s str,
    mut entries: crate::schema::Entries<'s>,
    stop: Option<usize>,
    abort: Option<(usize, &AtomicUsize)>,
    room_to: usize,
) -> Result<Part<'s>, Stop> {
    let mut builder = Builder::new(src);
    let mut schema = Schema::default();
    let mut metadata = MetadataKeys::default();
    let mut fields = Vec::new();
    let start = entries.position();
    // What a type's object has set, reused from type to type (its `$` keys allocate).
    let mut state = TypeState::default();
    loop {
        if schema.types.len() == SAMPLE_TYPES {
            let at = entries.position();
            let per_type = ((at - start) / SAMPLE_TYPES).max(1);
            let more = room_to.saturating_sub(at) / per_type;
            // A sixteenth more, for types a little shorter than the first ones.
            let more = more + more / 16;
            if schema.types.try_reserve_exact(more).is_ok() {
                // The index may have to grow past this anyway (its capacity is rounded).
                let _ = builder.index.try_reserve(more);
            }
            // The inverse fields made while reading, at their rate so far, up to the part's end.
            let here = stop.unwrap_or(src.len()).saturating_sub(at) / per_type;
            let inverses = builder.inverses.len().saturating_mul(here) / SAMPLE_TYPES;
            let _ = builder.inverses.try_reserve_exact(inverses + inverses / 16);
        }
        if let Some(stop) = stop {
            // `None` here: the object closed (or could not be read) before `stop`.
            let at = entries.next_start().ok_or(Stop::Unjoinable)?;
            if at == stop {
                break;
            }
            // Past `stop`: no entry starts there. (Reading on would end at the object's `}`
            // with the same answer.)
            if at > stop {
                return Err(Stop::Unjoinable);
            }
        }
        if let Some((part, abort)) = abort {
            if !builder.is_clean() {
                return Err(Stop::Unjoinable);
            }
            if abort.load(Ordering::Relaxed) <= part {
                return Err(Stop::Aborted);
            }
        }
        let Some(item) = entries.next().ok_or(Stop::Unreadable)? else {
            break;
        };
        match item {
            Item::Entry(entry) => {
                builder.root_entry(&mut schema, &mut metadata, &entry, true);
            }
            // A type's fields are built as they are read, into `fields` (reused from type to
            // type), then moved to a vector of their number plus one spare place.
            Item::Type(key) => {
                let name: &str = &key.value;
                let position = schema.types.len();
                let mut ty = EntityType::new(name, key.span);
                state.clear();
                while let Some(member) = entries.member().ok_or(Stop::Unreadable)? {
                    match member {
                        Member::Field(plain) => {
                            builder.plain_field(position, &mut ty, &mut fields, &mut state, &plain);
                        }
                        Member::Number(number) => {
                            let entry = number.entry();
                            builder.type_entry(position, &mut ty, &mut fields, &mut state, &entry);
                        }
                        Member::Entry(entry) => {
                            builder.type_entry(position, &mut ty, &mut fields, &mut state, &entry);
                        }
                    }
                }
                // The spare place: a type commonly receives one inverse field.
                ty.fields = Vec::with_capacity(fields.len() + 1);
                ty.fields.append(&mut fields);
                builder.push_type(&mut schema, name, ty, true);
            }
        }
    }
    // The names this part declares after a reference to them.
    builder.resolve_missing();
    Ok(Part {
        builder,
        schema,
        metadata,
    })
}

/// [`check_streaming`] in parts starting at `starts` (and at the file's start), read on `threads`
/// threads, each taking the next part when done with one.
///
/// The parts start at guessed entry starts ([`split_points_from`](crate::schema::split_points_from)); a
/// part is kept only if the part before it stopped exactly at its start, which proves the guess.
/// The parts are then joined, and the checks that need every type (unknown targets, inverse
/// fields) run on the whole, also shared among the threads where they can (an unknown target
/// hands the joined model to the one-thread checks, which report it). Only a clean read is
/// joined: when a part meets anything that would give an error (it then stops the other parts),
/// or something another part must know of (a type or `$` key declared in two parts), or a guess
/// was wrong, the file is read again on one thread, so that the errors and their order are
/// exactly those of one reading. A part the scanner cannot read, starting where an entry is
/// proven to start, makes the whole file [`InParts::Unreadable`] (the parts after it stop, the
/// parts before it go on to prove its start).
fn read_in_parts(src: &str, threads: usize, starts: &[usize]) -> InParts {
    if starts.is_empty() {
        return InParts::OneReading;
    }
    // The first part that need not go on. A part that cannot be joined stops every part; one
    // that cannot be read stops the parts after it, while the parts before it go on, since the
    // one before it proves where it starts.
    let abort = AtomicUsize::new(usize::MAX);
    // Each part is joined to the ones before it as soon as they are all read, by the thread that
    // read the last of them, while the other threads read on.
    let joining = std::sync::Mutex::new(Joining::new(starts.len() + 1));
    let read = in_parallel_queue(starts.len() + 1, threads, |i| {
        let entries = match i {
            0 => crate::schema::entries(src).ok_or(Stop::Unreadable),
            _ => Ok(crate::schema::Entries::resume(src, starts[i - 1])),
        };
        // The first part's vector receives every part's types when they are joined.
        let room_to = match (i, starts.get(i)) {
            (0, _) | (_, None) => src.len(),
            (_, Some(&stop)) => stop,
        };
        let part = entries.and_then(|entries| {
            read_part(
                src,
                entries,
                starts.get(i).copied(),
                Some((i, &abort)),
                room_to,
            )
        });
        let first_not_needed = match part {
            Err(Stop::Unreadable) => i + 1,
            Err(Stop::Unjoinable) => 0,
            Ok(_) | Err(Stop::Aborted) => usize::MAX,
        };
        abort.fetch_min(first_not_needed, Ordering::Relaxed);
        let read = part.as_ref().map(|_| ()).map_err(|&stop| stop);
        joining
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .add(i, part);
        read
    });
    let Some(read) = read else {
        return InParts::OneReading;
    };
    // A part that the scanner cannot read, starting where an entry is known to start (the file's
    // start, or where the part before it stopped): one reading would stop there too.
    let proven_unreadable = read
        .iter()
        .enumerate()
        .any(|(i, part)| matches!(part, Err(Stop::Unreadable)) && (i == 0 || read[i - 1].is_ok()));
    if proven_unreadable {
        return InParts::Unreadable;
    }
    if read.iter().any(Result::is_err) {
        return InParts::OneReading;
    }
    let joined = joining
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .joined();
    match joined {
        Some(joined) => InParts::Checked(joined.builder.finish_in_parts(
            joined.schema,
            &joined.bounds,
            joined.inverses,
            threads,
        )),
        None => InParts::OneReading,
    }
}

/// What [`read_in_parts`] made of a file.
#[derive(Debug, PartialEq)]
enum InParts {
    /// The parts were joined: the result.
    Checked(Result<Schema, Vec<Diagnostic>>),
    /// The byte-level scanner cannot read the file: the nom parser must.
    Unreadable,
    /// The parts could not be joined: read the file on one thread.
    OneReading,
}

/// [`read_in_parts`] of any file, however small, in `parts` parts of about one size, on two
/// threads (or one, for one part): for the tests and fuzz targets, which so also have more
/// parts than threads.
#[cfg(any(test, fuzzing))]
fn check_in_parts(src: &str, parts: usize) -> InParts {
    read_in_parts(src, parts.min(2), &crate::schema::split_points(src, parts))
}

/// For the fuzz targets (built with `--cfg fuzzing`): [`check`]'s reading in `parts` parts of
/// any file, however small; `None` where it leaves the file to one reading.
#[cfg(fuzzing)]
#[doc(hidden)]
pub fn check_in_parts_for_fuzzing(
    src: &str,
    parts: usize,
) -> Option<Result<Schema, Vec<Diagnostic>>> {
    match check_in_parts(src, parts) {
        InParts::Checked(checked) => Some(checked),
        // What `check` then does: the nom parser, and the tree validated.
        InParts::Unreadable => {
            Some(crate::schema::parse(src).and_then(|file| validate(&file, src)))
        }
        InParts::OneReading => None,
    }
}

/// How many backrefs to types of later parts make [`Builder::finish_in_parts`] look for their
/// inverse fields on several threads: below that, one is quicker than starting them.
const PENDING_ON_THREADS: usize = 4096;

/// `work(0)`, …, `work(n - 1)` at once, each on a thread of its own, while this thread waits.
/// `None` when a thread cannot be started (a platform without threads).
///
/// The caller does none of the work, so that what the parts allocate (the model's fields) comes
/// from the allocator's per-thread arenas. That is measurably faster for a process that checks
/// again and again: once a large model is freed, glibc gives the top of the calling thread's heap
/// back to the kernel, and the next check faults all of it in again (about 5,700 page faults for
/// the benchmark's 10,000 types), while the arena of a finished thread, handed to the next thread
/// as it is, usually keeps its memory (0 to 2,900 faults a check, measured).
fn in_parallel<T: Send>(n: usize, work: impl Fn(usize) -> T + Sync) -> Option<Vec<T>> {
    std::thread::scope(|scope| {
        let work = &work;
        let mut workers = Vec::with_capacity(n);
        for i in 0..n {
            let worker = std::thread::Builder::new()
                .name(format!("cascade-check-{i}"))
                .spawn_scoped(scope, move || work(i));
            workers.push(worker.ok()?);
        }
        let mut done = Vec::with_capacity(n);
        for worker in workers {
            match worker.join() {
                Ok(result) => done.push(result),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Some(done)
    })
}

/// `work(0)`, …, `work(n - 1)` on `threads` threads, each taking the next `i` when done with
/// one (so that a thread on a faster core does more), while this thread waits; the results in
/// order. `None` when no thread can be started.
fn in_parallel_queue<T: Send>(
    n: usize,
    threads: usize,
    work: impl Fn(usize) -> T + Sync,
) -> Option<Vec<T>> {
    use std::sync::{Mutex, PoisonError};
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<T>>> = (0..n).map(|_| Mutex::new(None)).collect();
    // A thread that could not be started leaves its share to the others.
    let _ = in_parallel(threads.min(n), |_| {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(slot) = slots.get(i) else {
                break;
            };
            let done = work(i);
            *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(done);
        }
    });
    slots
        .into_iter()
        .map(|slot| slot.into_inner().unwrap_or_else(PoisonError::into_inner))
        .collect()
}

/// `work(item)` for each item of `items`, each on a thread of its own while this thread waits;
/// the results in the order of `items`. When no thread can be started, all on this thread.
fn in_parallel_each<W: Send, R: Send>(items: Vec<W>, work: impl Fn(W) -> R + Sync) -> Vec<R> {
    use std::sync::{Mutex, PoisonError};
    let n = items.len();
    let items: Vec<Mutex<Option<W>>> = items
        .into_iter()
        .map(|item| Mutex::new(Some(item)))
        .collect();
    // Each item is taken once: by its thread, or here when no thread started.
    let take = |i: usize| {
        let item = items[i]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        item.map(&work)
    };
    let done = in_parallel_queue(n, n, take).unwrap_or_else(|| (0..n).map(take).collect());
    done.into_iter().flatten().collect()
}

/// The parts of a file, read cleanly, joined one by one in order as they are read: positions
/// shifted, names merged, and where each part's types end. Nothing when a part has an error, or
/// a name (type or top-level `$` key) is in two parts.
struct Joining<'s> {
    /// The parts read but not joined yet (a part before them is still being read).
    waiting: Vec<Option<Part<'s>>>,
    /// How many parts are joined.
    next: usize,
    /// The parts joined so far and the top-level `$` keys they set; `None` before the first,
    /// and for good once a part cannot be joined.
    joined: Option<(Joined<'s>, MetadataKeys)>,
    /// A part could not be joined (or read).
    failed: bool,
}

impl<'s> Joining<'s> {
    fn new(parts: usize) -> Self {
        Joining {
            waiting: (0..parts).map(|_| None).collect(),
            next: 0,
            joined: None,
            failed: false,
        }
    }

    /// Part `i`, read: joined with every part after it that waited for it.
    fn add(&mut self, i: usize, part: Result<Part<'s>, Stop>) {
        let (Ok(part), false) = (part, self.failed) else {
            self.fail();
            return;
        };
        if let Some(slot) = self.waiting.get_mut(i) {
            *slot = Some(part);
        }
        while let Some(part) = self.waiting.get_mut(self.next).and_then(Option::take) {
            self.next += 1;
            let joined = match self.joined.take() {
                None => first_part(part),
                Some((joined, metadata)) => join_part(joined, metadata, part),
            };
            match joined {
                Some(joined) => self.joined = Some(joined),
                None => return self.fail(),
            }
        }
    }

    fn fail(&mut self) {
        self.failed = true;
        self.joined = None;
        self.waiting.clear();
    }

    /// Every part, joined; `None` when one could not be.
    fn joined(self) -> Option<Joined<'s>> {
        let all = !self.failed && self.next == self.waiting.len();
        self.joined.filter(|_| all).map(|(joined, _)| joined)
    }
}

/// The first part, to join the others to; `None` when it has an error.
fn first_part(part: Part<'_>) -> Option<(Joined<'_>, MetadataKeys)> {
    let Part {
        mut builder,
        schema,
        metadata,
    } = part;
    if !builder.is_clean() {
        return None;
    }
    // The first part's vector holds all the types (it made room for them, see `read_part`).
    let bounds = vec![schema.types.len()];
    let inverses = vec![std::mem::take(&mut builder.inverses)];
    let joined = Joined {
        builder,
        schema,
        bounds,
        inverses,
    };
    Some((joined, metadata))
}

/// `part` joined to the parts before it; `None` when it has an error or a name (type or
/// top-level `$` key) that one of them has.
fn join_part<'s>(
    mut joined: Joined<'s>,
    mut metadata: MetadataKeys,
    part: Part<'s>,
) -> Option<(Joined<'s>, MetadataKeys)> {
    let Joined {
        builder, schema, ..
    } = &mut joined;
    let Part {
        builder: part_builder,
        schema: mut part_schema,
        metadata: part_metadata,
    } = part;
    if !part_builder.is_clean() || !(metadata.seen.is_empty() || part_metadata.seen.is_empty()) {
        return None;
    }
    let offset = schema.types.len();
    builder.index.reserve(part_builder.index.len());
    for (name, position) in part_builder.index {
        // A name in two parts (the join is then dropped).
        if builder.index.insert(name, position + offset).is_some() {
            return None;
        }
    }
    // Positions of types and orders of backrefs from the part's own to the file's.
    let backrefs = builder.backrefs;
    builder.backrefs += part_builder.backrefs;
    let mut part_inverses = part_builder.inverses;
    for inverse in &mut part_inverses {
        inverse.target += offset;
        inverse.order.0 += backrefs;
    }
    builder
        .pending
        .extend(part_builder.pending.into_iter().map(|pending| Pending {
            order: (pending.order.0 + backrefs, pending.order.1),
            owner: pending.owner + offset,
            position: pending.position,
        }));
    builder.missing.extend(part_builder.missing);
    if part_schema.default.is_some() {
        schema.default = part_schema.default;
        schema.default_span = part_schema.default_span;
    }
    if metadata.seen.is_empty() {
        metadata = part_metadata;
    }
    schema.types.append(&mut part_schema.types);
    joined.bounds.push(joined.schema.types.len());
    joined.inverses.push(part_inverses);
    Some((joined, metadata))
}

/// The parts of a file as one ([`Joining`]).
struct Joined<'s> {
    builder: Builder<'s>,
    schema: Schema,
    /// Where each part's types end.
    bounds: Vec<usize>,
    /// Each part's [`Builder::inverses`], positions and orders counted in the whole file.
    inverses: Vec<Vec<Inverse>>,
}

/// Adds the inverse fields `inverses` (one list per part of the types, each in order) to the
/// types of `schema` (the parts ending at `bounds`), in `threads` runs of parts of about as
/// many types each, each run on a thread of its own.
fn add_in_parts(
    mut schema: Schema,
    bounds: &[usize],
    inverses: Vec<Vec<Inverse>>,
    threads: usize,
) -> Result<Schema, Vec<Diagnostic>> {
    let total = schema.types.len();
    let mut work = Vec::with_capacity(threads);
    let mut rest = &mut schema.types[..];
    let (mut start, mut run) = (0, Vec::new());
    for (i, (&end, inverses)) in bounds.iter().zip(inverses).enumerate() {
        run.push(inverses);
        // A run ends with the part that reaches its share of the types; the last run takes the
        // rest, so that there are no more runs than threads.
        let share = total.saturating_mul(work.len() + 1) / threads.max(1);
        if (work.len() + 1 < threads && end >= share) || i + 1 == bounds.len() {
            let (types, tail) = std::mem::take(&mut rest).split_at_mut(end - start);
            work.push((start, types, std::mem::take(&mut run)));
            (rest, start) = (tail, end);
        }
    }
    let added = in_parallel_each(work, |(first, types, inverses)| {
        add_inverses_to(types, first, inverses)
    });
    let mut diagnostics: Vec<_> = added.into_iter().flatten().collect();
    // In the order of one thread's `add_inverses`.
    diagnostics.sort_by_key(|&(order, _)| order);
    outcome(schema, diagnostics.into_iter().map(|(_, d)| d).collect())
}

/// A reference to a lowercase name (`->author`) is an `invalid-type-name`; when the file declares
/// a type of exactly that name, the error points at the declaration and says to rename the type,
/// not just to capitalize the reference (which would name a type that does not exist).
fn point_at_lowercase_declarations(diagnostics: &mut [Diagnostic], schema: &Schema, src: &str) {
    if !diagnostics.iter().any(|d| d.code == Code::InvalidTypeName) {
        return;
    }
    let index = schema.type_index();
    for d in diagnostics
        .iter_mut()
        .filter(|d| d.code == Code::InvalidTypeName)
    {
        let Some(name) = src.get(d.primary.0.start()..d.primary.0.end()) else {
            continue;
        };
        let Some(&i) = index.get(name) else {
            continue;
        };
        let fixed = capitalized(name);
        d.secondary.push((
            schema.types[i].span,
            format!("`{name}` is declared here, with a lowercase name"),
        ));
        d.help = Some(format!(
            "references name types that start with an uppercase letter: rename the type `{name}` to `{fixed}` and write `{fixed}` here"
        ));
    }
}

fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by_key(|d| d.primary.0.start());
    diagnostics
}

/// The schema, or its errors sorted by position.
fn outcome(schema: Schema, diagnostics: Vec<Diagnostic>) -> Result<Schema, Vec<Diagnostic>> {
    if diagnostics.is_empty() {
        Ok(schema)
    } else {
        Err(sorted(diagnostics))
    }
}

/// Parses and validates the text of a `.cascade` file: every error at once. A file with syntax
/// errors gets all of them (up to [`MAX_ERRORS`](crate::schema::MAX_ERRORS)) and is not
/// validated, since what could not be read would give false errors; a file that parses gets
/// every schema error.
///
/// The result is always that of [`schema::parse`](crate::schema::parse) then [`validate`]. A
/// plain file (what the byte-level scanner reads: no `\x` escape or surrogate pair, no syntax
/// error) is checked while it is read, without a syntax tree: each field definition is parsed
/// for the checks, and the field keeps its text ([`Field::def`] parses it again). Anything else
/// takes the two steps. A plain file of half a
/// megabyte or more (some 1,800 types of eight fields) is read in parts, as many as there are
/// cores but no more than one for each 256 KiB, each on a thread of its own
/// ([`check_on_threads`] sets how many threads). Whenever a part meets an error, or a part
/// boundary it guessed was wrong, the file is read again on one thread, and the errors of the
/// joined model (unknown targets, backrefs) come from the one-thread checks, so the result and
/// the errors (and their order) are always those of one reading.
///
/// ```
/// let schema = cascade_dsl::check("{ ICP: { $threshold: 0.82, name: 'string' }, Startup: { customer: '~>ICP' } }").unwrap();
/// assert_eq!(schema.get("ICP").and_then(|t| t.threshold).map(|t| t.get()), Some(0.82));
/// assert!(cascade_dsl::check("{ Startup: { customer: '~>ICP' } }").is_err());
/// ```
pub fn check(src: &str) -> Result<Schema, Vec<Diagnostic>> {
    check_with(src, None)
}

/// [`check`] on at most `threads` threads (the calling thread waits for them): `1` reads every
/// file on the calling thread. [`check`] uses one thread per core
/// (`std::thread::available_parallelism`). Either way a file under half a megabyte is read on the
/// calling thread (threads cost more than they save there), and the result is the same.
///
/// With glibc, the memory of a model built on worker threads usually stays with the process
/// after the model is dropped (the next check's workers reuse it, which is what makes repeated
/// checks of a large file fast); a long-running process that would rather give it back to the
/// system checks on one thread.
///
/// ```
/// use std::num::NonZeroUsize;
/// let src = "{ ICP: { name: 'string' }, Startup: { customer: '~>ICP(0.82)' } }";
/// let one = cascade_dsl::validate::check_on_threads(src, NonZeroUsize::MIN);
/// assert_eq!(one, cascade_dsl::check(src));
/// ```
pub fn check_on_threads(src: &str, threads: NonZeroUsize) -> Result<Schema, Vec<Diagnostic>> {
    check_with(src, Some(threads))
}

fn check_with(src: &str, threads: Option<NonZeroUsize>) -> Result<Schema, Vec<Diagnostic>> {
    if let Some(checked) = check_streaming(src, threads) {
        return checked;
    }
    let file = crate::schema::parse(src)?;
    validate(&file, src)
}

/// Why [`check_file`] failed.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The file could not be read (missing, a directory, no permission) or is not UTF-8 text
    /// (`source` is then an `InvalidData` error giving the line and column of the first bad byte).
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file was read but has errors.
    #[error("`{}` has {} error(s)", path.display(), diagnostics.len())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Its text, to render the diagnostics against.
        text: String,
        /// Every error, sorted by position.
        diagnostics: Vec<Diagnostic>,
    },
}

/// Reads and checks a `.cascade` (or `.json`) file; returns its text and its model.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # let path = dir.path().join("icp.cascade");
/// std::fs::write(&path, "{ ICP: { name: 'string' } }").unwrap();
/// let (text, schema) = cascade_dsl::check_file(&path).unwrap();
/// assert_eq!((text.len(), schema.types.len()), (27, 1));
/// ```
pub fn check_file(path: impl AsRef<Path>) -> Result<(String, Schema), CheckError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| CheckError::Read {
        path: path.to_owned(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let valid = std::str::from_utf8(valid).expect("bytes up to `valid_up_to` are UTF-8");
        let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
        let line = valid.matches('\n').count() + 1;
        let column = valid[line_start..].chars().count() + 1;
        let message = format!(
            "not UTF-8 text: invalid byte at line {line}, column {column}; save the file as UTF-8"
        );
        CheckError::Read {
            path: path.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, message),
        }
    })?;
    match check(&text) {
        Ok(schema) => Ok((text, schema)),
        Err(diagnostics) => Err(CheckError::Invalid {
            path: path.to_owned(),
            text,
            diagnostics,
        }),
    }
}

/// Runs every model check ([`check_schema`], then [`link_backrefs`]) and returns the schema with
/// its inverse fields, or every error.
///
/// ```
/// use cascade_dsl::model::{EntityType, Schema};
/// let schema = Schema { types: vec![EntityType::new("9Lives", cascade_dsl::Span::new(0, 6))], ..Schema::default() };
/// let errors = cascade_dsl::validate::check_model(schema).unwrap_err();
/// assert_eq!(errors[0].code.as_str(), "invalid-entity-name");
/// ```
pub fn check_model(mut schema: Schema) -> Result<Schema, Vec<Diagnostic>> {
    // One name index serves both passes: it is built while looking for duplicate types, then
    // used to find targets and the types that receive inverse fields.
    let (index, diagnostics) = check_schema_indexed(&schema);
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let inverses = collect_inverses(&schema, &index);
    drop(index);
    let diagnostics = add_inverses(&mut schema, inverses);
    if diagnostics.is_empty() {
        Ok(schema)
    } else {
        Err(diagnostics)
    }
}

/// Checks the whole model: duplicate type names, every type ([`check_type`]) and unknown target
/// types (with a did-you-mean).
pub fn check_schema(schema: &Schema) -> Vec<Diagnostic> {
    check_schema_indexed(schema).1
}

/// [`check_schema`], also returning every type's position by name (the first one, if a name is
/// declared twice).
fn check_schema_indexed(schema: &Schema) -> (TypeIndex, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut index = TypeIndex::default();
    index.reserve(schema.types.len());
    for (i, ty) in schema.types.iter().enumerate() {
        if let Some(&first) = index.get(ty.name.as_str()) {
            diagnostics.push(duplicate_type(ty, &schema.types[first]));
        } else {
            index.insert(ty.name.clone(), i);
        }
        diagnostics.extend(check_type(ty));
    }
    unknown_targets(schema, &index, &mut diagnostics);
    (index, diagnostics)
}

/// An `unknown-target-type` error for every reference to a type not in `index`, in the order
/// written (a did-you-mean for the first 64 of them: past that, a schema pasted without its types,
/// the suggestions stop so that checking stays linear).
fn unknown_targets(schema: &Schema, index: &TypeIndex, diagnostics: &mut Vec<Diagnostic>) {
    let mut suggestions_left = 64;
    for ty in &schema.types {
        for field in ty.fields.iter().filter(|f| !f.inverse) {
            for target in &field.def().targets {
                if !index.contains_key(target.name.value.as_str()) {
                    let suggest = suggestions_left > 0;
                    suggestions_left -= usize::from(suggest);
                    diagnostics.push(unknown_target(schema, index, ty, field, target, suggest));
                }
            }
        }
    }
}

/// A backref whose inverse field is made once every type is known: member `order.1` of the
/// union of field `position` of the type at `owner`, whose backref is the `order.0`-th of the
/// schema's backrefs.
#[derive(Clone, Copy, Debug)]
struct Pending {
    order: (usize, usize),
    owner: usize,
    position: usize,
}

/// The inverse field of each of `pending` whose target type exists, handed to `put` in order.
fn pending_inverses(
    schema: &Schema,
    index: &TypeIndex,
    pending: &[Pending],
    mut put: impl FnMut(Inverse),
) {
    // The members of one union come one after the other: their field is parsed once.
    let mut parsed: Option<((usize, usize), std::borrow::Cow<'_, FieldDef>)> = None;
    for &Pending {
        order,
        owner,
        position,
    } in pending
    {
        let owner = &schema.types[owner];
        let field = &owner.fields[position];
        let def = match &parsed {
            Some((at, def)) if *at == (order.0, position) => def,
            _ => &parsed.insert(((order.0, position), field.def())).1,
        };
        let (Some(backref), Some(target)) = (&def.backref, def.targets.get(order.1)) else {
            continue;
        };
        if let Some(&target) = index.get(target.name.value.as_str()) {
            put(Inverse {
                target,
                order,
                field: Field::inverse(
                    &backref.value,
                    &owner.name,
                    &field.name,
                    field.place(backref.span),
                ),
            });
        }
    }
}

fn duplicate_type(again: &EntityType, first: &EntityType) -> Diagnostic {
    Diagnostic::error(
        Code::DuplicateType,
        format!("duplicate type `{}`", again.name),
        again.span,
    )
    .with_label("declared again here")
    .with_secondary(first.span, "first declared here")
    .with_help("merge the two declarations or rename one")
}

fn unknown_target(
    schema: &Schema,
    index: &TypeIndex,
    owner: &EntityType,
    field: &Field,
    target: &Target,
    suggest: bool,
) -> Diagnostic {
    let name = &target.name.value;
    let span = field.place(target.name.span);
    let diagnostic = Diagnostic::error(
        Code::UnknownTargetType,
        format!("unknown type `{name}` in `{}.{}`", owner.name, field.name),
        span,
    )
    .with_label("no type of this name in the schema");
    let names = schema.types.iter().map(|t| t.name.as_str());
    match did_you_mean(name, names.filter(|_| suggest)) {
        Some(similar) => {
            let declared = schema.types[index[similar]].span;
            diagnostic
                .with_help(format!("a type with a similar name exists: `{similar}`"))
                .with_secondary(declared, format!("`{similar}` declared here"))
        }
        None => diagnostic.with_help(format!("declare the type: `{name}: {{ name: 'string' }}`")),
    }
}

/// Checks one type on its own: its name, its fields' names, and duplicate fields.
///
/// ```
/// use cascade_dsl::model::EntityType;
/// assert!(cascade_dsl::validate::check_type(&EntityType::new("ICP", cascade_dsl::Span::new(0, 3))).is_empty());
/// ```
pub fn check_type(ty: &EntityType) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    if !is_entity_name(&ty.name) {
        diagnostics.extend(check_entity_name(&ty.name, ty.span));
    }
    for field in &ty.fields {
        if !is_field_name(&field.name) {
            diagnostics.extend(check_field_name(&field.name, field.span));
        }
    }
    let mut report = |first: &Field, again: &Field| {
        diagnostics.push(
            Diagnostic::error(
                Code::DuplicateField,
                format!("duplicate field `{}` in type `{}`", again.name, ty.name),
                again.span,
            )
            .with_label("declared again here")
            .with_secondary(first.span, "first declared here")
            .with_help("remove one of them or rename it"),
        );
    };
    // Most types have a handful of fields: a quadratic scan beats hashing there.
    if ty.fields.len() <= 16 {
        let mut names = [""; 16];
        for (name, field) in names.iter_mut().zip(&ty.fields) {
            *name = field.name.as_str();
        }
        for (i, field) in ty.fields.iter().enumerate() {
            if let Some(first) = names[..i].iter().position(|&n| same_name(n, names[i])) {
                report(&ty.fields[first], field);
            }
        }
    } else {
        let mut seen: NameMap<&str, &Field> = NameMap::default();
        seen.reserve(ty.fields.len());
        for field in &ty.fields {
            match seen.get(field.name.as_str()) {
                Some(first) => report(first, field),
                None => {
                    seen.insert(&field.name, field);
                }
            }
        }
    }
    diagnostics
}

/// `a == b`, answering most unequal names (another length or first byte) without a call.
#[inline]
fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// Checks an entity type name: ASCII `[A-Za-z][A-Za-z0-9_]*`, at most 64 characters.
///
/// ```
/// use cascade_dsl::{validate::check_entity_name, Span};
/// assert!(check_entity_name("Startup_2", Span::new(0, 9)).is_none());
/// assert!(check_entity_name("_Startup", Span::new(0, 8)).is_some());
/// ```
pub fn check_entity_name(name: &str, span: Span) -> Option<Diagnostic> {
    let valid_start = name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic());
    check_name(
        name,
        span,
        valid_start,
        "type",
        Code::InvalidEntityName,
        "a letter",
    )
}

/// Checks a field name: ASCII `[A-Za-z_][A-Za-z0-9_]*`, at most 64 characters.
///
/// ```
/// use cascade_dsl::{validate::check_field_name, Span};
/// assert!(check_field_name("_id", Span::new(0, 3)).is_none());
/// assert!(check_field_name("first name", Span::new(0, 10)).is_some());
/// ```
pub fn check_field_name(name: &str, span: Span) -> Option<Diagnostic> {
    let valid_start = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    check_name(
        name,
        span,
        valid_start,
        "field",
        Code::InvalidFieldName,
        "a letter or `_`",
    )
}

/// Whether `name` is a valid type name (the rule of [`check_entity_name`], without building a
/// diagnostic: the hot path of checking a large schema).
fn is_entity_name(name: &str) -> bool {
    name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) && is_name_rest(name)
}

/// Whether `name` is a valid field name (the rule of [`check_field_name`]).
fn is_field_name(name: &str) -> bool {
    name.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && is_name_rest(name)
}

fn is_name_rest(name: &str) -> bool {
    name.len() <= MAX_NAME_LEN && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cold]
/// `name` as a message quotes it: whole, or by its first 16 characters and `…` when it is past
/// [`MAX_NAME_LEN`], so a name of 100,000 characters makes a message of a line.
pub(crate) fn quoted_name(name: &str) -> std::borrow::Cow<'_, str> {
    if name.len() > MAX_NAME_LEN {
        let start: String = name.chars().take(16).collect();
        format!("{start}…").into()
    } else {
        name.into()
    }
}

fn check_name(
    name: &str,
    span: Span,
    valid_start: bool,
    what: &str,
    code: Code,
    start: &str,
) -> Option<Diagnostic> {
    let valid_rest = name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if valid_start && valid_rest && name.len() <= MAX_NAME_LEN {
        return None;
    }
    let rule = format!(
        "{what} names are ASCII letters, digits and `_`, start with {start}, and have at most {MAX_NAME_LEN} characters"
    );
    if name.is_empty() {
        return Some(
            Diagnostic::error(code, format!("empty {what} name"), span)
                .with_label("empty name")
                .with_help(rule),
        );
    }
    let shown = quoted_name(name);
    if name.len() > MAX_NAME_LEN && valid_start && valid_rest {
        return Some(
            Diagnostic::error(
                code,
                format!("{what} name `{shown}` is longer than {MAX_NAME_LEN} characters"),
                span,
            )
            .with_label(format!("{} characters", name.chars().count()))
            .with_help(rule),
        );
    }
    if valid_start && valid_rest {
        return None;
    }
    let diagnostic = Diagnostic::error(code, format!("invalid {what} name `{shown}`"), span)
        .with_label(format!("not a valid {what} name"));
    if let Some(c) = name.chars().find(|c| !c.is_ascii()) {
        return Some(diagnostic.with_help(format!("{rule}; `{c}` is not ASCII")));
    }
    let suggestion = sanitize(name, what == "type").filter(|fixed| fixed.len() <= MAX_NAME_LEN);
    Some(match suggestion {
        Some(fixed) => diagnostic.with_help(format!("{rule}: e.g. `{fixed}`")),
        None => diagnostic.with_help(rule),
    })
}

/// A valid name close to `name`, if one is easy to find: other characters become `_`.
fn sanitize(name: &str, entity: bool) -> Option<String> {
    let mut fixed = String::with_capacity(name.len());
    for c in name.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '_' };
        if !(c == '_' && fixed.ends_with('_')) {
            fixed.push(c);
        }
    }
    let fixed = fixed.trim_matches('_');
    let fixed = if fixed.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{}{fixed}", if entity { "T" } else { "_" })
    } else {
        fixed.to_owned()
    };
    (!fixed.is_empty() && fixed.len() <= MAX_NAME_LEN).then_some(fixed)
}

/// Creates the inverse field of every backref (`Post.author: 'Author.posts'` creates
/// `Author.posts: Post.author[]`) on each target that lacks a field of that name. Unknown target
/// types are skipped ([`check_schema`] reports them).
///
/// ```
/// let schema = cascade_dsl::check("{ Node: { parent: 'Node.children?' } }").unwrap();
/// let children = schema.types[0].field("children").unwrap();
/// assert_eq!((children.inverse, children.def().array), (true, true));
/// ```
pub fn link_backrefs(schema: &mut Schema) -> Vec<Diagnostic> {
    let mut index = TypeIndex::default();
    index.reserve(schema.types.len());
    for (i, ty) in schema.types.iter().enumerate() {
        index.entry(ty.name.clone()).or_insert(i);
    }
    let inverses = collect_inverses(schema, &index);
    drop(index);
    add_inverses(schema, inverses)
}

/// The inverse field of a backref, to add to the type at position `target`. `order` is where
/// the backref is among the schema's backrefs, and the target among its union members: the
/// order in which inverse fields are added and their errors reported.
struct Inverse {
    target: usize,
    order: (usize, usize),
    field: Field,
}

/// Every backref's inverse field, with the position of the type that receives it, in the order
/// the backrefs were written.
fn collect_inverses(schema: &Schema, index: &TypeIndex) -> Vec<Inverse> {
    let mut pending = Vec::new();
    let mut backrefs = 0;
    for (owner, ty) in schema.types.iter().enumerate() {
        for (position, field) in ty.fields.iter().enumerate().filter(|(_, f)| !f.inverse) {
            let def = field.def();
            if def.backref.is_some() {
                pending.extend((0..def.targets.len()).map(|member| Pending {
                    order: (backrefs, member),
                    owner,
                    position,
                }));
                backrefs += 1;
            }
        }
    }
    let mut inverses = Vec::with_capacity(pending.len());
    pending_inverses(schema, index, &pending, |inverse| inverses.push(inverse));
    inverses
}

/// Adds each inverse field to its type unless the type has a field of that name; two different
/// inverse fields of one name are a `conflicting-backref`. Linear: a type that receives many
/// inverse fields (every type backrefs one hub) finds names through a map, not a scan.
fn add_inverses(schema: &mut Schema, inverses: Vec<Inverse>) -> Vec<Diagnostic> {
    add_inverses_to(&mut schema.types, 0, vec![inverses])
        .into_iter()
        .map(|(_, diagnostic)| diagnostic)
        .collect()
}

/// [`add_inverses`] to the types `types`, the schema's types from position `first` on, of
/// `inverses` (lists, one after the other, in order), whose targets are all among `types`;
/// each error with the [`Inverse::order`] of the inverse field it is about.
fn add_inverses_to(
    types: &mut [EntityType],
    first: usize,
    inverses: Vec<Vec<Inverse>>,
) -> Vec<((usize, usize), Diagnostic)> {
    let mut diagnostics = Vec::new();
    // Room for every type's inverse fields, made once: pushing them one by one would grow (and
    // copy) a type's fields for each.
    let mut received = vec![0_usize; types.len()];
    for inverse in inverses.iter().flatten() {
        received[inverse.target - first] += 1;
    }
    for (ty, count) in types.iter_mut().zip(received) {
        ty.fields.reserve_exact(count);
    }
    // Per type with many fields: each field's position by name (the first one of a name).
    let mut positions: NameMap<usize, NameMap<CompactString, usize>> = NameMap::default();
    for Inverse {
        target: target_index,
        order,
        field: inverse,
    } in inverses.into_iter().flatten()
    {
        let target_index = target_index - first;
        let target = &mut types[target_index];
        let existing = if target.fields.len() <= 16 {
            target
                .fields
                .iter()
                .position(|f| same_name(&f.name, &inverse.name))
        } else {
            let map = positions.entry(target_index).or_insert_with(|| {
                let mut map = NameMap::default();
                for (i, field) in target.fields.iter().enumerate() {
                    map.entry(field.name.clone()).or_insert(i);
                }
                map
            });
            let found = map.get(inverse.name.as_str()).copied();
            if found.is_none() {
                map.insert(inverse.name.clone(), target.fields.len());
            }
            found
        };
        match existing.map(|i| &target.fields[i]) {
            None => target.fields.push(inverse),
            Some(existing) if existing.inverse && *existing.def() != *inverse.def() => {
                let existing_def = existing.def();
                let [first] = &existing_def.targets[..] else {
                    continue;
                };
                let first_field = existing_def
                    .backref
                    .as_ref()
                    .map_or("?", |b| b.value.as_str());
                diagnostics.push((
                    order,
                    Diagnostic::error(
                        Code::ConflictingBackref,
                        format!(
                            "backref `{}.{}` is claimed by both `{}.{}` and `{}`",
                            target.name,
                            inverse.name,
                            first.name.value,
                            first_field,
                            inverse_owner(&inverse),
                        ),
                        inverse.span,
                    )
                    .with_label("second backref of this name")
                    .with_secondary(existing.span, "first claimed here")
                    .with_help(format!(
                        "declare `{}.{}` yourself, or give one of the backrefs another name",
                        target.name, inverse.name
                    )),
                ));
            }
            // A field the user declared answers the backref only if it refers to the owner.
            Some(existing)
                if !existing.inverse
                    && !existing.def().targets.iter().any(|t| {
                        inverse
                            .def()
                            .targets
                            .iter()
                            .any(|o| o.name.value == t.name.value)
                    }) =>
            {
                let owner = inverse_owner(&inverse);
                let inverse_def = inverse.def();
                let back_to = inverse_def
                    .targets
                    .first()
                    .map_or("?", |o| o.name.value.as_str());
                diagnostics.push((
                    order,
                    Diagnostic::error(
                        Code::ConflictingBackref,
                        format!(
                            "backref `{}.{}` of `{owner}` names a field that does not refer to `{back_to}`",
                            target.name, inverse.name,
                        ),
                        inverse.span,
                    )
                    .with_label("this backref")
                    .with_secondary(existing.span, format!("`{}` is declared here", inverse.name))
                    .with_help(format!(
                        "make `{}.{}` a reference to `{back_to}` (e.g. `'{back_to}[]'`), or name another field in the backref",
                        target.name, inverse.name
                    )),
                ));
            }
            Some(_) => {}
        }
    }
    diagnostics
}

fn inverse_owner(inverse: &Field) -> String {
    let def = inverse.def();
    match (&def.targets[..], &def.backref) {
        ([owner], Some(field)) => format!("{}.{}", owner.name.value, field.value),
        _ => inverse.name.to_string(),
    }
}

/// The candidate closest to `name`, if it is close enough to be a likely typo.
///
/// ```
/// let names = ["Company", "Industry"];
/// assert_eq!(cascade_dsl::validate::did_you_mean("Compnay", names), Some("Company"));
/// assert_eq!(cascade_dsl::validate::did_you_mean("Zebra", names), None);
/// ```
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    let lower = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .filter(|c| c.len().abs_diff(name.len()) <= limit)
        .map(|c| {
            let distance = if c.eq_ignore_ascii_case(name) {
                0
            } else {
                strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase()).max(1)
            };
            (distance, c)
        })
        .filter(|&(distance, _)| distance <= limit)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, c)| c)
}

/// Which `$` keys an object already had (for duplicate errors). A scan while there are few; a
/// map once there are many, so an object of thousands of (unknown) `$` keys stays linear.
#[derive(Default)]
struct MetadataKeys {
    seen: Vec<(CompactString, Span)>,
    /// Each key's position in `seen`, once it holds more than [`MetadataKeys::SCAN`] keys.
    index: NameMap<CompactString, usize>,
}

impl MetadataKeys {
    const SCAN: usize = 8;

    /// Forgets every key, keeping the room made for them.
    fn clear(&mut self) {
        self.seen.clear();
        self.index.clear();
    }

    /// Where `name` was first set.
    fn get(&self, name: &str) -> Option<Span> {
        if self.seen.len() <= Self::SCAN {
            self.seen.iter().find(|(k, _)| *k == name).map(|&(_, s)| s)
        } else {
            self.index.get(name).map(|&i| self.seen[i].1)
        }
    }

    fn insert(&mut self, name: &str, span: Span) {
        self.seen.push((CompactString::from(name), span));
        if self.seen.len() == Self::SCAN + 1 {
            self.index = self
                .seen
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.clone(), i))
                .collect();
        } else if self.seen.len() > Self::SCAN {
            self.index
                .insert(CompactString::from(name), self.seen.len() - 1);
        }
    }
}

/// What a type's object has set so far, while its entries are built.
#[derive(Default)]
struct TypeState {
    /// Its `$` keys, for duplicate errors.
    seen: MetadataKeys,
    /// Where its threshold was set, to report `$threshold` with `$config.threshold`.
    threshold_key: Option<(Span, &'static str)>,
}

impl TypeState {
    /// The state of an object with nothing set, keeping the room made for its keys.
    fn clear(&mut self) {
        self.seen.clear();
        self.threshold_key = None;
    }
}

struct Builder<'s> {
    src: &'s str,
    /// Errors of the file's syntax-level meaning (values, metadata, field definitions).
    diagnostics: Vec<Diagnostic>,
    /// Errors of the model checks (`check_model`'s): names, duplicates, unknown targets.
    model: Vec<Diagnostic>,
    /// Every type's position by name (the first one, if a name is declared twice).
    index: TypeIndex,
    /// How many fields with a backref were built.
    backrefs: usize,
    /// The inverse fields of the backrefs built so far to types declared before them, in the
    /// order of [`Inverse::order`] (target positions counted as [`Builder::index`]'s).
    inverses: Vec<Inverse>,
    /// The backrefs to types not declared before them: their inverse fields are made once every
    /// type is known. In order.
    pending: Vec<Pending>,
    /// The target names that were not in `index` when a field naming them was built (a type
    /// declared later, in another part of the file, or nowhere): once every type is known, the
    /// names still missing say whether there is an unknown target, without parsing every field
    /// again.
    /// A list, not a set: appending is cheap where inserting into a large set misses the cache,
    /// and a name is listed once for each type whose fields name it before it is declared.
    missing: Vec<CompactString>,
    /// The names looked up last in `index` (at most [`RECENT`]) and what was found: a type's
    /// fields mostly name the same few types, and a lookup in a large index misses the cache.
    /// Emptied whenever `index` changes.
    recent: Vec<(CompactString, Option<usize>)>,
}

impl<'s> Builder<'s> {
    fn new(src: &'s str) -> Self {
        Builder {
            src,
            diagnostics: Vec::new(),
            model: Vec::new(),
            index: NameMap::default(),
            backrefs: 0,
            inverses: Vec::new(),
            pending: Vec::new(),
            missing: Vec::new(),
            recent: Vec::with_capacity(RECENT),
        }
    }

    /// Forgets the missing target names that `index` now has.
    fn resolve_missing(&mut self) {
        let index = &self.index;
        self.missing
            .retain(|name| !index.contains_key(name.as_str()));
    }

    /// The model of `file`. With `checked`, each type also gets `check_model`'s checks of one
    /// type as it is built (its data still in cache) and its references are recorded.
    fn schema(&mut self, file: &File<'_>, checked: bool) -> Schema {
        self.index.reserve(file.root.entries.len());
        let mut schema = Schema {
            types: Vec::with_capacity(file.root.entries.len()),
            ..Schema::default()
        };
        let mut metadata = MetadataKeys::default();
        for entry in &file.root.entries {
            self.root_entry(&mut schema, &mut metadata, entry, checked);
        }
        schema
    }

    /// Builds one entry of the top-level object into `schema`: a type, or top-level metadata
    /// (`metadata` holds the top-level `$` keys seen, for duplicate errors).
    fn root_entry(
        &mut self,
        schema: &mut Schema,
        metadata: &mut MetadataKeys,
        entry: &Entry<'_>,
        checked: bool,
    ) {
        let name: &str = &entry.key.value;
        if name.starts_with('$') {
            if !self.first_metadata(metadata, &entry.key) {
                return;
            }
            if name == "$config" {
                self.schema_config(schema, &entry.value);
            } else {
                self.unknown_metadata(&entry.key, &SCHEMA_METADATA, "at the top level");
            }
        } else {
            let ty = self.entity(schema.types.len(), &entry.key, &entry.value);
            self.push_type(schema, name, ty, checked);
        }
    }

    /// Adds the built type `ty` (declared as `name`) to `schema`, checking it with `checked`.
    fn push_type(&mut self, schema: &mut Schema, name: &str, ty: EntityType, checked: bool) {
        if checked {
            self.check_type(&schema.types, &ty, name);
        }
        schema.types.push(ty);
    }

    /// The checks of `check_model` that need every type (unknown targets, then the inverse
    /// fields of backrefs), after [`Builder::schema`] with `checked`; the schema, or every error.
    fn finish(mut self, mut schema: Schema) -> Result<Schema, Vec<Diagnostic>> {
        self.resolve_missing();
        let Builder {
            src,
            mut diagnostics,
            model: mut model_diagnostics,
            index,
            backrefs: _,
            mut inverses,
            pending,
            missing,
            recent: _,
        } = self;
        point_at_lowercase_declarations(&mut diagnostics, &schema, src);
        // The names and duplicates were checked while each type was built (its data still in
        // cache); the rest here, in `check_model`'s order and with the same results. A target
        // name still missing is an unknown target: the walk over every field reports them all.
        if !missing.is_empty() {
            unknown_targets(&schema, &index, &mut model_diagnostics);
        }
        if model_diagnostics.is_empty() {
            if !pending.is_empty() {
                pending_inverses(&schema, &index, &pending, |inverse| inverses.push(inverse));
                inverses.sort_by_key(|inverse| inverse.order);
            }
            drop(index);
            model_diagnostics = add_inverses(&mut schema, inverses);
        }
        diagnostics.append(&mut model_diagnostics);
        outcome(schema, diagnostics)
    }

    /// [`Builder::finish`] of a clean read in parts whose types end at `bounds`, with each
    /// part's [`Builder::inverses`]: the target names the parts still miss are looked up among
    /// all the types (any unknown target: [`Builder::finish`] itself, for its errors in its
    /// order), the inverse fields of the backrefs to types of later parts are made (on the parts'
    /// threads when there are many), then each part's types receive theirs on a thread of their
    /// own.
    fn finish_in_parts(
        mut self,
        schema: Schema,
        bounds: &[usize],
        mut inverses: Vec<Vec<Inverse>>,
        threads: usize,
    ) -> Result<Schema, Vec<Diagnostic>> {
        debug_assert!(self.is_clean());
        self.resolve_missing();
        if !self.missing.is_empty() {
            // An unknown target: no inverse field is made.
            return self.finish(schema);
        }
        let receiver = |inverse: &Inverse| bounds.partition_point(|&end| end <= inverse.target);
        let parts = bounds.len();
        let pending = std::mem::take(&mut self.pending);
        if !pending.is_empty() {
            // Sorted by the part of the type that receives them.
            let find = |pending: &[Pending]| {
                let mut by_receiver: Vec<Vec<Inverse>> = (0..parts).map(|_| Vec::new()).collect();
                pending_inverses(&schema, &self.index, pending, |inverse| {
                    by_receiver[receiver(&inverse)].push(inverse);
                });
                by_receiver
            };
            let chunk = pending.len().div_ceil(threads);
            let found = if pending.len() < PENDING_ON_THREADS {
                None
            } else {
                in_parallel(threads, |i| {
                    find(pending.chunks(chunk).nth(i).unwrap_or(&[]))
                })
            };
            let found = found.unwrap_or_else(|| vec![find(&pending)]);
            for by_receiver in found {
                for (part, found) in inverses.iter_mut().zip(by_receiver) {
                    part.extend(found);
                }
            }
            for part in &mut inverses {
                // Two sorted runs, merged (a stable sort finds them).
                part.sort_by_key(|inverse| inverse.order);
            }
        }
        drop(self);
        add_in_parts(schema, bounds, inverses, threads)
    }

    /// No error so far.
    fn is_clean(&self) -> bool {
        self.diagnostics.is_empty() && self.model.is_empty()
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Records `key`; false (with an error) when the object already had it.
    fn first_metadata(&mut self, seen: &mut MetadataKeys, key: &Text<'_>) -> bool {
        let (name, span): (&str, Span) = (&key.value, key.span);
        if let Some(first) = seen.get(name) {
            self.error(
                Diagnostic::error(
                    Code::DuplicateMetadataKey,
                    format!("duplicate `{name}`"),
                    span,
                )
                .with_label("set again here")
                .with_secondary(first, "first set here")
                .with_help("keep one of them"),
            );
            return false;
        }
        seen.insert(name, span);
        true
    }

    fn unknown_metadata(&mut self, key: &Text<'_>, known: &[&str], place: &str) {
        let name = &key.value;
        let list = known
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let diagnostic = Diagnostic::error(
            Code::UnknownMetadataKey,
            format!("unknown metadata key `{name}` {place}"),
            key.span,
        )
        .with_label("unknown `$` key");
        let diagnostic = match did_you_mean(name, known.iter().copied()) {
            Some(similar) => diagnostic.with_help(format!("did you mean `{similar}`?")),
            None => diagnostic.with_help(format!("known keys {place}: {list}")),
        };
        self.error(diagnostic);
    }

    fn unknown_config_key(
        &mut self,
        key: &Text<'_>,
        known: &[&str],
        place: &str,
        extra: Option<&str>,
    ) {
        let name = &key.value;
        let list = known
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut diagnostic = Diagnostic::error(
            Code::UnknownConfigKey,
            format!("unknown key `{name}` in {place}"),
            key.span,
        )
        .with_label("unknown key");
        diagnostic = match did_you_mean(name, known.iter().copied()) {
            Some(similar) => diagnostic.with_help(format!("did you mean `{similar}`?")),
            None => diagnostic.with_help(format!("{place} accepts {list}")),
        };
        if let Some(note) = extra {
            diagnostic = diagnostic.with_note(note);
        }
        self.error(diagnostic);
    }

    /// The top-level `$config: { default: 0.80 }`.
    fn schema_config(&mut self, schema: &mut Schema, value: &Value<'_>) {
        let Some(config) =
            self.config_object(value, "the top-level `$config`", "{ default: 0.80 }")
        else {
            return;
        };
        let mut seen = MetadataKeys::default();
        for entry in &config.entries {
            if !self.first_metadata(&mut seen, &entry.key) {
                continue;
            }
            match &*entry.key.value {
                "default" => {
                    if let Some((threshold, span)) = self.threshold(&entry.value, "`$config.default`") {
                        schema.default = Some(threshold);
                        schema.default_span = Some(span);
                    }
                }
                "threshold" => self.unknown_config_key(
                    &entry.key,
                    &SCHEMA_CONFIG_KEYS,
                    "the top-level `$config`",
                    Some("a type's own threshold goes in that type: `ICP: { $threshold: 0.82 }`; the schema-wide one is `default`"),
                ),
                "types" | "fields" | "adaptive" | "dimensionAdjustment" => self.unknown_config_key(
                    &entry.key,
                    &SCHEMA_CONFIG_KEYS,
                    "the top-level `$config`",
                    Some("runtime settings belong in the runtime configuration file (`cascade thresholds --config`), not in the schema"),
                ),
                _ => self.unknown_config_key(&entry.key, &SCHEMA_CONFIG_KEYS, "the top-level `$config`", None),
            }
        }
    }

    fn config_object<'v, 'a>(
        &mut self,
        value: &'v Value<'a>,
        what: &str,
        example: &str,
    ) -> Option<&'v Object<'a>> {
        match value {
            Value::Object(object) => Some(object),
            other => {
                self.error(
                    Diagnostic::error(
                        Code::InvalidMetadataValue,
                        format!("{what} must be an object, found {}", other.kind()),
                        other.span(),
                    )
                    .with_label("expected an object")
                    .with_help(format!("write `$config: {example}`")),
                );
                None
            }
        }
    }

    /// A threshold-valued metadata entry: a number within 0.0..=1.0.
    fn threshold(&mut self, value: &Value<'_>, what: &str) -> Option<(Threshold, Span)> {
        let help = "write a number from 0.0 to 1.0, e.g. `0.85`";
        let number = match value {
            Value::Number(number) => number,
            Value::String(text) => {
                let looks_numeric = text.value.trim().parse::<f64>().is_ok();
                let mut diagnostic = Diagnostic::error(
                    Code::InvalidMetadataValue,
                    format!("{what} must be a number, found the string `{}`", text.value),
                    text.span,
                )
                .with_label("expected a number");
                diagnostic = if looks_numeric {
                    diagnostic.with_help(format!("remove the quotes: `{}`", text.value.trim()))
                } else {
                    diagnostic.with_help(help)
                };
                self.error(diagnostic);
                return None;
            }
            other => {
                self.error(
                    Diagnostic::error(
                        Code::InvalidMetadataValue,
                        format!("{what} must be a number, found {}", other.kind()),
                        other.span(),
                    )
                    .with_label("expected a number")
                    .with_help(help),
                );
                return None;
            }
        };
        let written = self
            .src
            .get(number.span.start()..number.span.end())
            .unwrap_or("?");
        // A plain decimal is range-checked on its text: `1.0000000000000001` is above 1 even
        // though its nearest f64 is 1.0. Other number forms (`1e-1`) are checked on the value.
        let above_one = matches!(
            Threshold::parse_decimal(written),
            Err(cascade_runtime::DecimalError::OutOfRange(_))
        );
        let checked = if above_one {
            Err(ThresholdError::OutOfRange(number.value))
        } else {
            Threshold::new(number.value)
        };
        match checked {
            Ok(threshold) => Some((threshold, number.span)),
            Err(error) => {
                let message = match error {
                    ThresholdError::NotFinite(_) => {
                        format!("{what} `{written}` is not a finite number")
                    }
                    ThresholdError::OutOfRange(_) => {
                        format!("{what} `{written}` must be within 0.0..=1.0")
                    }
                };
                self.error(
                    Diagnostic::error(Code::InvalidMetadataValue, message, number.span)
                        .with_label("out of range")
                        .with_help(help),
                );
                None
            }
        }
    }

    /// `check_model`'s checks of one type, in its order: a duplicate type name, then
    /// [`check_type`]. Records the type's position by name.
    fn check_type(&mut self, types: &[EntityType], ty: &EntityType, name: &str) {
        match self.index.get(name) {
            Some(&first) => self.model.push(duplicate_type(ty, &types[first])),
            None => {
                self.index.insert(CompactString::from(name), types.len());
                self.recent.clear();
            }
        }
        self.model.extend(check_type(ty));
    }

    /// Records the field just built, `field` of type `owner` (its position), defined as `def`:
    /// the target names of `def` not declared so far, and its backref's inverse fields.
    fn record(&mut self, owner: usize, owner_name: &str, field: (usize, &Field), def: &FieldDef) {
        self.record_names(
            owner,
            owner_name,
            field,
            def.backref.as_ref().map(|b| (b.value.as_str(), b.span)),
            def.targets.iter().map(|t| t.name.value.as_str()),
        );
    }

    /// [`Builder::record`] of a definition with `backref` (its name and span in the
    /// definition) or none, naming `targets`. `field` is the last of its type's fields so far.
    fn record_names<'n>(
        &mut self,
        owner: usize,
        owner_name: &str,
        field: (usize, &Field),
        backref: Option<(&str, Span)>,
        targets: impl Iterator<Item = &'n str>,
    ) {
        let (position, field) = field;
        let backref = backref.map(|backref| {
            self.backrefs += 1;
            (self.backrefs - 1, backref)
        });
        for (member, name) in targets.enumerate() {
            let (declared, seen) = self.declared(name);
            match (declared, backref) {
                (Some(target), Some((order, (backref, span)))) => {
                    self.inverses.push(Inverse {
                        target,
                        order: (order, member),
                        field: Field::inverse(backref, owner_name, &field.name, field.place(span)),
                    });
                }
                (Some(_), None) => {}
                (None, backref) => {
                    // Noted when first looked up.
                    if !seen {
                        self.missing.push(CompactString::from(name));
                    }
                    if let Some((order, _)) = backref {
                        self.pending.push(Pending {
                            order: (order, member),
                            owner,
                            position,
                        });
                    }
                }
            }
        }
    }

    /// The position of the type called `name` if it is declared so far, and whether `name` was
    /// one of the names looked up last (`recent`).
    fn declared(&mut self, name: &str) -> (Option<usize>, bool) {
        if let Some(&(_, found)) = self.recent.iter().find(|(recent, _)| *recent == name) {
            return (found, true);
        }
        let found = self.index.get(name).copied();
        if self.recent.len() == RECENT {
            self.recent.remove(0);
        }
        self.recent.push((CompactString::from(name), found));
        (found, false)
    }

    fn entity(&mut self, position: usize, key: &Text<'_>, value: &Value<'_>) -> EntityType {
        let mut ty = EntityType::new(key.value.as_ref(), key.span);
        let Value::Object(object) = value else {
            let mut diagnostic = Diagnostic::error(
                Code::InvalidEntityValue,
                format!(
                    "type `{}` must be an object of fields, found {}",
                    key.value,
                    value.kind()
                ),
                value.span(),
            )
            .with_label("expected `{ field: 'definition', ... }`")
            .with_help(format!("write `{}: {{ name: 'string' }}`", key.value));
            if let Value::String(_) = value {
                diagnostic = diagnostic.with_note(
                    "a string is a field definition; fields live inside a type's object",
                );
            }
            self.error(diagnostic);
            return ty;
        };
        let mut fields = Vec::with_capacity(object.entries.len());
        let mut state = TypeState::default();
        for entry in &object.entries {
            self.type_entry(position, &mut ty, &mut fields, &mut state, entry);
        }
        ty.fields = fields;
        ty
    }

    /// [`Builder::type_entry`] for a field entry read as a [`PlainField`]: the same field,
    /// without the entry's syntax tree (unless the definition has errors).
    fn plain_field(
        &mut self,
        position: usize,
        ty: &mut EntityType,
        fields: &mut Vec<Field>,
        state: &mut TypeState,
        plain: &PlainField<'_>,
    ) {
        // The common forms are read without building their definition (the field keeps the
        // text): what the checks need is the target names.
        if let Some(refs) = crate::field::lex_common(plain.def) {
            fields.push(Field::from_text(
                CompactString::from(plain.key),
                plain.key_span,
                plain.def,
                plain.array.is_some(),
                plain.def_span.start() + 1,
                &[],
            ));
            if let Some(field) = fields.last() {
                self.record_names(
                    position,
                    &ty.name,
                    (fields.len() - 1, field),
                    refs.backref,
                    refs.targets.iter().copied(),
                );
            }
            return;
        }
        // Anything else (and every error) goes through the general path.
        self.type_entry(position, ty, fields, state, &plain.entry());
    }

    /// Builds one entry of a type's object (`position` in the schema) into `ty`: a field, pushed
    /// to `fields`, or the type's metadata.
    fn type_entry(
        &mut self,
        position: usize,
        ty: &mut EntityType,
        fields: &mut Vec<Field>,
        state: &mut TypeState,
        entry: &Entry<'_>,
    ) {
        let name: &str = &entry.key.value;
        if !name.starts_with('$') {
            if let Some(def) = self.field(&entry.key, &entry.value, fields)
                && let Some(field) = fields.last()
            {
                self.record(position, &ty.name, (fields.len() - 1, field), &def);
            }
            return;
        }
        if !self.first_metadata(&mut state.seen, &entry.key) {
            return;
        }
        match name {
            "$threshold" => {
                let set = self.threshold(&entry.value, "`$threshold`");
                self.set_type_threshold(
                    ty,
                    &mut state.threshold_key,
                    set,
                    entry.key.span,
                    "$threshold",
                );
            }
            "$fuzzyThreshold" => {
                if let Some((t, span)) = self.threshold(&entry.value, "`$fuzzyThreshold`") {
                    ty.fuzzy_threshold = Some(t);
                    ty.fuzzy_threshold_span = Some(span);
                }
            }
            "$instructions" => match &entry.value {
                Value::String(text) => ty.instructions = Some(text.value.to_string()),
                other => self.error(
                    Diagnostic::error(
                        Code::InvalidMetadataValue,
                        format!("`$instructions` must be a string, found {}", other.kind()),
                        other.span(),
                    )
                    .with_label("expected a string")
                    .with_help("write `$instructions: 'how to generate this type'`"),
                ),
            },
            "$config" => self.type_config(ty, &mut state.threshold_key, &entry.value),
            _ => self.unknown_metadata(&entry.key, &TYPE_METADATA, "in a type"),
        }
    }

    fn set_type_threshold(
        &mut self,
        ty: &mut EntityType,
        threshold_key: &mut Option<(Span, &'static str)>,
        set: Option<(Threshold, Span)>,
        key_span: Span,
        written_as: &'static str,
    ) {
        if let Some((first_span, first_name)) = *threshold_key {
            self.error(
                Diagnostic::error(
                    Code::ConflictingThreshold,
                    format!(
                        "type `{}` sets its threshold twice: `{first_name}` and `{written_as}`",
                        ty.name
                    ),
                    key_span,
                )
                .with_label("second threshold")
                .with_secondary(first_span, "first set here")
                .with_help(
                    "keep one: `$threshold: 0.8` and `$config: { threshold: 0.8 }` mean the same",
                ),
            );
            return;
        }
        *threshold_key = Some((key_span, written_as));
        if let Some((threshold, span)) = set {
            ty.threshold = Some(threshold);
            ty.threshold_span = Some(span);
            ty.threshold_key = if written_as == ThresholdKey::ConfigThreshold.as_str() {
                ThresholdKey::ConfigThreshold
            } else {
                ThresholdKey::Threshold
            };
        }
    }

    /// A type's `$config: { threshold, thresholdStrategy }`.
    fn type_config(
        &mut self,
        ty: &mut EntityType,
        threshold_key: &mut Option<(Span, &'static str)>,
        value: &Value<'_>,
    ) {
        let example = "{ threshold: 0.8, thresholdStrategy: 'static' }";
        let Some(config) = self.config_object(value, "a type's `$config`", example) else {
            return;
        };
        let mut seen = MetadataKeys::default();
        for entry in &config.entries {
            if !self.first_metadata(&mut seen, &entry.key) {
                continue;
            }
            match &*entry.key.value {
                "threshold" => {
                    let set = self.threshold(&entry.value, "`$config.threshold`");
                    self.set_type_threshold(
                        ty,
                        threshold_key,
                        set,
                        entry.key.span,
                        "$config.threshold",
                    );
                }
                "thresholdStrategy" => {
                    if let Some(strategy) = self.strategy(&entry.value) {
                        ty.strategy = Some(strategy);
                    }
                }
                "default" => self.unknown_config_key(
                    &entry.key,
                    &TYPE_CONFIG_KEYS,
                    "a type's `$config`",
                    Some("`default` belongs in the top-level `$config`"),
                ),
                _ => self.unknown_config_key(
                    &entry.key,
                    &TYPE_CONFIG_KEYS,
                    "a type's `$config`",
                    None,
                ),
            }
        }
    }

    fn strategy(&mut self, value: &Value<'_>) -> Option<Strategy> {
        let help = "write `'static'` or `'adaptive'`";
        match value {
            Value::String(text) if text.value == "static" => Some(Strategy::Static),
            Value::String(text) if text.value == "adaptive" => Some(Strategy::Adaptive),
            Value::String(text) => {
                let help = match did_you_mean(&text.value, ["static", "adaptive"]) {
                    Some(similar) => format!("did you mean `'{similar}'`?"),
                    None => help.to_owned(),
                };
                self.error(
                    Diagnostic::error(
                        Code::InvalidMetadataValue,
                        format!("unknown `thresholdStrategy` `{}`", text.value),
                        text.span,
                    )
                    .with_label("expected `'static'` or `'adaptive'`")
                    .with_help(help),
                );
                None
            }
            other => {
                self.error(
                    Diagnostic::error(
                        Code::InvalidMetadataValue,
                        format!(
                            "`thresholdStrategy` must be a string, found {}",
                            other.kind()
                        ),
                        other.span(),
                    )
                    .with_label("expected `'static'` or `'adaptive'`")
                    .with_help(help),
                );
                None
            }
        }
    }

    /// Builds the field `key: value` into `fields` and returns its parsed definition; `None`
    /// (with errors) when it has errors. A field that is not built is not checked with its type,
    /// so its name is checked here.
    fn field(
        &mut self,
        key: &Text<'_>,
        value: &Value<'_>,
        fields: &mut Vec<Field>,
    ) -> Option<FieldDef> {
        let built = self.field_value(key, value, fields);
        if built.is_none()
            && let Some(error) = check_field_name(&key.value, key.span)
        {
            self.error(error);
        }
        built
    }

    /// [`Builder::field`] but for the name.
    fn field_value(
        &mut self,
        key: &Text<'_>,
        value: &Value<'_>,
        fields: &mut Vec<Field>,
    ) -> Option<FieldDef> {
        let (text, array) = match value {
            Value::String(text) => (text, false),
            Value::Array(array) => match &array.items[..] {
                [Value::String(text)] => (text, true),
                items => {
                    let found = match items {
                        [] => "an empty array".to_owned(),
                        [other] => format!("an array holding {}", other.kind()),
                        _ => format!("an array of {} items", items.len()),
                    };
                    self.error(
                        Diagnostic::error(
                            Code::InvalidArrayLiteral,
                            format!("field `{}` must be an array holding exactly one definition string, found {found}", key.value),
                            array.span,
                        )
                        .with_label("expected `['definition']`")
                        .with_help("write one definition: `['~>Company']`; a union is `['~>A|B']`"),
                    );
                    return None;
                }
            },
            other => {
                let help = match other {
                    Value::Object(_) => format!(
                        "declare a separate type and reference it: `{}: '->{}'`",
                        key.value,
                        capitalized(&key.value)
                    ),
                    Value::Number(_) => "write the field's type as a string: `'number'`".to_owned(),
                    Value::Bool(..) => "write the field's type as a string: `'boolean'`".to_owned(),
                    _ => "write a definition string such as `'string'` or `'~>Company'`".to_owned(),
                };
                self.error(
                    Diagnostic::error(
                        Code::InvalidFieldValue,
                        format!(
                            "field `{}` must be a definition string, found {}",
                            key.value,
                            other.kind()
                        ),
                        other.span(),
                    )
                    .with_label("expected a string")
                    .with_help(help),
                );
                return None;
            }
        };
        match parse_definition(&text.value) {
            Ok(mut def) => {
                def.array |= array;
                fields.push(Field::from_text(
                    CompactString::from(&*key.value),
                    key.span,
                    &text.value,
                    array,
                    text.content_start,
                    &text.escapes,
                ));
                Some(def)
            }
            Err(errors) => {
                for error in errors {
                    self.error(place_diagnostic(error, text));
                }
                None
            }
        }
    }
}

fn capitalized(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// A field-definition diagnostic (spans in the decoded string) placed in the file.
fn place_diagnostic(mut diagnostic: Diagnostic, text: &Text<'_>) -> Diagnostic {
    diagnostic.primary.0 = text.source_span(diagnostic.primary.0);
    for (span, _) in &mut diagnostic.secondary {
        *span = text.source_span(*span);
    }
    diagnostic
}

use crate::field::parse as parse_definition;

#[cfg(test)]
mod tests {
    use super::*;

    /// Schemas of a few types whose entries are drawn from plain fields, fields with errors,
    /// escapes, array literals, metadata (valid, duplicated, unknown) and odd values, so that
    /// the streaming path meets every kind of entry, and falls back where it must.
    fn generated_schema() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let key = prop::sample::select(vec![
            "a",
            "b",
            "'c'",
            "\"d\"",
            "a",
            "'it\\'s'",
            "bad-name",
            "_x",
            "$threshold",
            "$fuzzyThreshold",
            "$config",
            "$treshold",
            "$instructions",
        ]);
        let value = prop::sample::select(vec![
            "'string'",
            "'~>A(0.8)'",
            "\"Who? ~>B|A(0.9)\"",
            "['->B']",
            "[ '<~A' , ]",
            "'A.back'",
            "'B.back'",
            "'->A|C.back'",
            "'<~C|B.items[]'",
            "'~>Nope'",
            "'~>A(1.5)'",
            "'~>a'",
            "'x\\'y'",
            "'\\u0041.items'",
            "['a', 'b']",
            "[]",
            "0.8",
            "2",
            "'0.7'",
            "{ threshold: 0.7 }",
            "{ thresholdStrategy: 'adaptive', threshold: 0.6 }",
            "null",
            "true",
        ]);
        let entry = (key, value).prop_map(|(k, v)| format!("{k}: {v}"));
        let ty_name =
            prop::sample::select(vec!["A", "B", "'A'", "C", "lower", "$config", "'\\u0042'"]);
        let ty_value = prop_oneof![
            prop::collection::vec(entry, 0..6).prop_map(|e| format!("{{ {} }}", e.join(", "))),
            Just("'string'".to_owned()),
            Just("{ default: 0.8 }".to_owned()),
            Just("[]".to_owned()),
        ];
        prop::collection::vec((ty_name, ty_value), 0..5).prop_map(|types| {
            let types: Vec<String> = types.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!("{{ {} }}", types.join(",\n"))
        })
    }

    proptest::proptest! {
        /// Whenever `check` streams a file, it gives what parsing it and validating the tree
        /// gives: the same model, or the same diagnostics in the same order.
        #[test]
        fn streaming_equals_validating_the_tree(src in generated_schema()) {
            let tree = crate::schema::parse(&src);
            match (check_streaming(&src, None), tree) {
                (Some(streamed), Ok(file)) => {
                    proptest::prop_assert_eq!(streamed, validate(&file, &src), "{}", src);
                }
                (Some(_), Err(errors)) => proptest::prop_assert!(false, "streamed a file with syntax errors {:?}: {}", errors, src),
                (None, _) => {}
            }
        }

        /// The hot-path name checks say "valid" exactly when the full checks find no error.
        #[test]
        fn quick_name_checks_agree(name in "[A-Za-z0-9_][A-Za-z0-9_]{0,70}|[A-Za-z0-9_ $é-]{0,70}") {
            let span = Span::new(0, name.len());
            proptest::prop_assert_eq!(is_entity_name(&name), check_entity_name(&name, span).is_none());
            proptest::prop_assert_eq!(is_field_name(&name), check_field_name(&name, span).is_none());
        }
    }

    /// The pipeline before `validate` fused the model checks into building: build every type,
    /// then run [`check_model`] on the whole model.
    fn validate_unfused(file: &File<'_>, src: &str) -> Result<Schema, Vec<Diagnostic>> {
        let mut builder = Builder::new(src);
        let schema = builder.schema(file, false);
        point_at_lowercase_declarations(&mut builder.diagnostics, &schema, src);
        let mut diagnostics = builder.diagnostics;
        match check_model(schema) {
            Ok(schema) if diagnostics.is_empty() => Ok(schema),
            Ok(_) => Err(sorted(diagnostics)),
            Err(more) => {
                diagnostics.extend(more);
                Err(sorted(diagnostics))
            }
        }
    }

    /// Every schema fixture and peer schema gives the same model or the same diagnostics, in
    /// the same order, through `validate` as through `check_model` (what the derive runs), and
    /// through `check`'s streaming path whenever it reads the file.
    /// Every schema fixture, every peer schema (as one line of JSON and pretty-printed, one entry
    /// a line), and a schema with errors of every model check.
    fn shipped_sources() -> Vec<String> {
        let mut sources = Vec::new();
        for dir in [
            "tests/fixtures/schemas/invalid",
            "tests/fixtures/schemas/valid",
        ] {
            for entry in std::fs::read_dir(dir).expect("the fixture directory exists") {
                let path = entry.expect("a directory entry").path();
                sources.push(std::fs::read_to_string(&path).expect("a UTF-8 fixture"));
            }
        }
        let peer: Vec<serde_json::Value> = serde_json::from_str(
            &std::fs::read_to_string("tests/fixtures/peer/schemas.json").expect("peer schemas"),
        )
        .expect("peer schemas are JSON");
        sources.extend(peer.iter().map(|case| case["schema"].to_string()));
        sources.extend(
            peer.iter()
                .map(|case| serde_json::to_string_pretty(&case["schema"]).expect("JSON prints")),
        );
        sources.push(
            "{ A: { b: 'B.as', c: '~>Nope|A', d: 'A.ds' }, A: { x: '~>Ab' }, B: { as: 'string' } }"
                .to_owned(),
        );
        sources
    }

    #[test]
    fn fused_checks_equal_check_model() {
        let sources = shipped_sources();
        let (mut compared, mut streamed) = (0, 0);
        for src in &sources {
            let streaming = check_streaming(src, None);
            let Ok(file) = crate::schema::parse(src) else {
                assert!(
                    streaming.is_none(),
                    "a file with syntax errors was streamed: {src}"
                );
                continue;
            };
            let checked = validate(&file, src);
            assert_eq!(checked, validate_unfused(&file, src), "{src}");
            if let Some(streamed_result) = streaming {
                assert_eq!(streamed_result, checked, "{src}");
                streamed += 1;
            }
            compared += 1;
        }
        assert!(compared > 1400, "only {compared} schemas compared");
        assert!(
            streamed * 10 > compared * 9,
            "only {streamed} schemas streamed"
        );
    }

    fn codes(src: &str) -> Vec<&'static str> {
        match check(src) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.iter().map(|e| e.code.as_str()).collect(),
        }
    }

    #[test]
    fn did_you_mean_prefers_close_names() {
        assert_eq!(did_you_mean("icp", ["ICP", "Icon"]), Some("ICP"));
        assert_eq!(
            did_you_mean("Compnay", ["Company", "Comp"]),
            Some("Company")
        );
        assert_eq!(did_you_mean("X", ["Company"]), None);
        assert_eq!(did_you_mean("$treshold", TYPE_METADATA), Some("$threshold"));
    }

    #[test]
    fn sanitize_suggests_valid_names() {
        assert_eq!(sanitize("first name", false).as_deref(), Some("first_name"));
        assert_eq!(sanitize("2fa", false).as_deref(), Some("_2fa"));
        assert_eq!(sanitize("9Lives", true).as_deref(), Some("T9Lives"));
        assert_eq!(sanitize("--", true), None);
    }

    #[test]
    fn suggestions_stop_after_64_unknown_targets() {
        let fields: String = (0..100).map(|i| format!("f{i}: '~>Compan', ")).collect();
        let src = format!("{{ Company: {{}}, A: {{ {fields} }} }}");
        let errors = check(&src).unwrap_err();
        assert_eq!(errors.len(), 100);
        let suggested = errors
            .iter()
            .filter(|e| e.help.as_deref().is_some_and(|h| h.contains("similar")))
            .count();
        assert_eq!(suggested, 64);
    }

    #[test]
    fn every_error_of_a_file_is_reported() {
        let src = "{ A: { $threshold: 2, b: '~>B', c: 1 }, A: {}, $x: 1 }";
        assert_eq!(
            codes(src),
            [
                "invalid-metadata-value",
                "unknown-target-type",
                "invalid-field-value",
                "duplicate-type",
                "unknown-metadata-key"
            ]
        );
    }

    #[test]
    fn metadata_is_read_into_the_model() {
        let src = "{ $config: { default: 0.7 }, A: { $config: { threshold: 0.9, thresholdStrategy: 'adaptive' }, \
                   $fuzzyThreshold: 0.6, $instructions: 'be \\'nice\\'' } }";
        let schema = check(src).unwrap();
        let a = &schema.types[0];
        assert_eq!(schema.default.map(Threshold::get), Some(0.7));
        assert_eq!(a.threshold.map(Threshold::get), Some(0.9));
        assert_eq!(a.strategy, Some(Strategy::Adaptive));
        assert_eq!(a.fuzzy_threshold.map(Threshold::get), Some(0.6));
        assert_eq!(a.instructions.as_deref(), Some("be 'nice'"));
        let span = a.threshold_span.unwrap();
        assert_eq!(&src[span.start()..span.end()], "0.9");
    }

    #[test]
    fn many_duplicate_metadata_keys_are_each_reported() {
        let keys: String = (0..20).map(|i| format!("$k{}: 1, ", i % 10)).collect();
        let errors = check(&format!("{{ A: {{ {keys} }} }}")).unwrap_err();
        let count = |code: &str| errors.iter().filter(|e| e.code.as_str() == code).count();
        assert_eq!(count("unknown-metadata-key"), 10);
        assert_eq!(count("duplicate-metadata-key"), 10);
        // The second `$k0` points back at the first.
        let first = errors
            .iter()
            .find(|e| e.code.as_str() == "duplicate-metadata-key")
            .unwrap();
        assert_eq!(first.secondary[0].0, Span::new(7, 10));
    }

    #[test]
    fn a_type_receiving_many_inverse_fields_keeps_the_rules() {
        // `Hub` has 20 declared fields (past the scan limit), one of them `taken`.
        let declared: String = (0..19).map(|i| format!("d{i}: 'string', ")).collect();
        let mut src = format!("{{ Hub: {{ {declared}taken: 'K[]' }}, ");
        for i in 0..30 {
            src.push_str(&format!("S{i}: {{ hub: 'Hub.s{i}' }}, "));
        }
        // Kept as declared (it refers back to `K`), not replaced.
        src.push_str("K: { hub: 'Hub.taken' }, ");
        // Two different backrefs of one name.
        src.push_str("X: { hub: 'Hub.same' }, Y: { hub: 'Hub.same' } }");
        let errors = check(&src).unwrap_err();
        let got: Vec<_> = errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(got, ["conflicting-backref"]);
        assert_eq!(
            errors[0].message,
            "backref `Hub.same` is claimed by both `X.hub` and `Y.hub`"
        );

        let ok = src.replace("Y: { hub: 'Hub.same' }", "Y: {}");
        let schema = check(&ok).unwrap();
        let hub = schema.get("Hub").unwrap();
        assert_eq!(hub.fields.len(), 20 + 30 + 1);
        assert!(!hub.field("taken").unwrap().inverse);
        assert!(hub.field("s29").unwrap().inverse);
        assert!(hub.field("same").unwrap().inverse);
    }

    #[test]
    fn an_existing_field_is_not_replaced_by_an_inverse() {
        let schema = check("{ A: { bs: '<-B' }, B: { a: 'A.bs' } }").unwrap();
        assert_eq!(schema.types[0].fields.len(), 1);
        assert!(!schema.types[0].fields[0].inverse);
    }

    #[test]
    fn one_backref_to_a_union_creates_an_inverse_on_each_member() {
        let schema = check("{ A: {}, B: {}, C: { x: '~>A|B.cs' } }").unwrap();
        assert!(schema.get("A").unwrap().field("cs").unwrap().inverse);
        assert!(schema.get("B").unwrap().field("cs").unwrap().inverse);
    }

    #[test]
    fn the_model_checks_serve_a_front_end_without_files() {
        // What the derive front end does: build the model from its own input, then check it.
        let def = crate::field::parse("~>Missing(0.8)").unwrap();
        let mut ty = EntityType::new("Startup", Span::new(0, 7));
        ty.fields
            .push(Field::new("customer", Span::new(10, 18), def.clone(), 100));
        ty.fields
            .push(Field::new("customer", Span::new(20, 28), def, 200));
        let schema = Schema {
            types: vec![ty],
            ..Schema::default()
        };
        let errors = check_model(schema).unwrap_err();
        let got: Vec<_> = errors.iter().map(|e| (e.code.as_str(), e.span())).collect();
        assert_eq!(
            got,
            [
                ("duplicate-field", Span::new(20, 28)),
                ("unknown-target-type", Span::new(102, 109)),
                ("unknown-target-type", Span::new(202, 209)),
            ]
        );
    }

    /// `link_backrefs` on a model built by hand may meet any name, dots included: the inverse
    /// field keeps its owner and field apart (a review found them split at the first dot).
    #[test]
    fn inverse_fields_keep_names_with_dots_apart() {
        let field = |name: &str, def: &str| {
            Field::new(name, Span::new(0, 1), crate::field::parse(def).unwrap(), 0)
        };
        let mut dotted = EntityType::new("A.b", Span::new(0, 3));
        dotted.fields.push(field("c", "B.back"));
        let mut plain = EntityType::new("A", Span::new(0, 1));
        plain.fields.push(field("b.c", "B.back"));
        let b = EntityType::new("B", Span::new(0, 1));

        let mut schema = Schema {
            types: vec![dotted.clone(), b.clone()],
            ..Schema::default()
        };
        assert!(link_backrefs(&mut schema).is_empty());
        let def = schema.types[1].fields[0].def();
        assert_eq!(def.targets[0].name.value, "A.b");
        assert_eq!(def.backref.as_ref().map(|b| b.value.as_str()), Some("c"));

        // `A.b`'s `c` and `A`'s `b.c` both claim `B.back`: two different backrefs.
        let mut schema = Schema {
            types: vec![dotted, plain, b],
            ..Schema::default()
        };
        let codes: Vec<_> = link_backrefs(&mut schema)
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(codes, ["conflicting-backref"]);
    }

    /// A schema of `types` types `T0..` in the benchmark's form (every operator, prompts,
    /// thresholds, unions, backrefs), one type of a few lines after another, with `extra` entries
    /// of the top-level object written after the type at position `types / 2 + 1`, and `tail`
    /// after the last one.
    fn large_schema(types: usize, extra: &str, tail: &str) -> String {
        use std::fmt::Write;
        let mut src = String::from("{\n  $config: { default: 0.80 },\n");
        for i in 0..types {
            let next = (i + 1) % types;
            let prev = (i + types - 1) % types;
            writeln!(
                src,
                "  T{i}: {{\n    $threshold: 0.{},\n    name: 'string',\n    \
                 a: 'Which one? ~>T{next}(0.85)',\n    b: ['<~T{prev}|T{next}(0.9)'],\n    \
                 f: 'T{prev}.back{i}',\n  }},",
                70 + i % 25
            )
            .expect("writing to a String cannot fail");
            if i == types / 2 + 1 {
                src.push_str(extra);
            }
        }
        src.push_str(tail);
        src.push_str("}\n");
        src
    }

    /// Reading in parts gives what one reading gives, or says, rightly, that the scanner cannot
    /// read the file, or leaves it to one reading. The joined result, if any.
    fn parts_agree(src: &str, parts: usize) -> Option<Result<Schema, Vec<Diagnostic>>> {
        match check_in_parts(src, parts) {
            InParts::Checked(in_parts) => {
                let one = check_in_one_part(src);
                assert_eq!(Some(&in_parts), one.as_ref(), "{parts} parts of {src}");
                Some(in_parts)
            }
            InParts::Unreadable => {
                assert_eq!(check_in_one_part(src), None, "{parts} parts of {src}");
                None
            }
            InParts::OneReading => None,
        }
    }

    /// Every shipped schema read in 2, 3 and 4 parts (what a file of a few megabytes gets on a
    /// machine of that many cores): the same model, or the same errors in the same order, as one
    /// reading.
    #[test]
    fn reading_in_parts_equals_one_reading() {
        let mut joined = 0;
        for src in shipped_sources() {
            for parts in 2..=4 {
                joined += usize::from(parts_agree(&src, parts).is_some_and(|r| r.is_ok()));
            }
        }
        // Most pretty-printed peer schemas of two or more types are split and joined.
        assert!(joined > 500, "only {joined} readings in parts were joined");
    }

    /// A large file really is read in parts, and `check` on all cores, on one thread and in the
    /// two steps (tree, then validation) agree.
    #[test]
    fn a_large_file_is_read_in_parts() {
        let src = large_schema(4_000, "", "");
        assert!(src.len() >= 2 * MIN_PART_LEN, "{} bytes", src.len());
        let schema = parts_agree(&src, 2)
            .expect("split at a type")
            .expect("valid");
        assert_eq!(
            (schema.types.len(), schema.field_count()),
            (4_000, 4_000 * 5)
        );
        assert_eq!(parts_for(src.len(), NonZeroUsize::new(8)), 2);
        assert_eq!(parts_for(src.len(), Some(NonZeroUsize::MIN)), 1);
        assert_eq!(parts_for(10 * MIN_PART_LEN, NonZeroUsize::new(3)), 3);
        assert_eq!(parts_for(2 * MIN_PART_LEN - 1, NonZeroUsize::new(8)), 1);
        let one = check_on_threads(&src, NonZeroUsize::MIN);
        assert_eq!(check(&src), one);
        let file = crate::schema::parse(&src).expect("valid syntax");
        assert_eq!(validate(&file, &src), one);
    }

    /// The parts of a large file shrink as the file goes, none below the smallest, and a
    /// small file is one part.
    #[test]
    fn parts_shrink_to_even_out_the_threads() {
        let len = 3_300_000;
        let targets = chunk_targets(len, 2);
        let mut sizes: Vec<usize> = targets.windows(2).map(|w| w[1] - w[0]).collect();
        sizes.insert(0, targets[0]);
        sizes.push(len - targets[targets.len() - 1]);
        assert_eq!(sizes[0], len / 4);
        assert!(sizes.iter().all(|&size| size >= len / 32), "{sizes:?}");
        assert!(sizes.windows(2).take(7).all(|w| w[1] < w[0]), "{sizes:?}");
        assert!((8..=14).contains(&sizes.len()), "{sizes:?}");
        assert!(chunk_targets(2 * MIN_CHUNK_LEN - 1, 2).is_empty());
        assert_eq!(chunk_targets(4 * MIN_CHUNK_LEN, 2).len(), 3);
    }

    /// Work taken in turn by fewer threads than items: every item once, results in order.
    #[test]
    fn a_queue_of_work_gives_every_result_in_order() {
        let calls = AtomicUsize::new(0);
        let done = in_parallel_queue(25, 3, |i| {
            calls.fetch_add(1, Ordering::Relaxed);
            i * i
        });
        assert_eq!(done, Some((0..25).map(|i| i * i).collect()));
        assert_eq!(calls.load(Ordering::Relaxed), 25);
        assert_eq!(in_parallel_queue(2, 8, |i| i), Some(vec![0, 1]));
        let owned: Vec<String> = ["c", "a", "b"].map(String::from).into();
        assert_eq!(in_parallel_each(owned, |s| s + "!"), ["c!", "a!", "b!"]);
    }

    /// Whatever one part must know of another (a name declared twice, a `$config` set twice, a
    /// reference to a type declared nowhere) and any error make one reading decide, with the
    /// same errors as ever.
    #[test]
    fn what_crosses_parts_is_read_once() {
        for (extra, tail, code) in [
            ("  T3: { name: 'string' },\n", "", "duplicate-type"),
            ("", "  T0: { name: 'string' },\n", "duplicate-type"),
            (
                "",
                "  $config: { default: 0.7 },\n",
                "duplicate-metadata-key",
            ),
            ("  Late: { x: '~>Nowhere' },\n", "", "unknown-target-type"),
            ("", "  Last: { x: '~>Nowhere' },\n", "unknown-target-type"),
            ("  Bad: { x: '~>T1(1.5)' },\n", "", "threshold-out-of-range"),
            ("", "  T1: { back0: 'string' },\n", "duplicate-type"),
            (
                "  Odd: { y: 'string' },\n",
                "  Ref: { x: 'Odd.y' },\n",
                "conflicting-backref",
            ),
        ] {
            let src = large_schema(300, extra, tail);
            for parts in 2..=4 {
                let checked = parts_agree(&src, parts)
                    .unwrap_or_else(|| check_in_one_part(&src).expect("streamed"));
                let codes: Vec<_> = checked
                    .err()
                    .iter()
                    .flatten()
                    .map(|e| e.code.as_str())
                    .collect();
                assert!(codes.contains(&code), "{code}: {codes:?}");
            }
        }
        // Conflicting backrefs found in every part, landing on types of every part: the errors
        // come in the order of one reading (the parts add their inverse fields each on a thread
        // of its own).
        let src = large_schema(
            3_000,
            "  Y: { a: 'T2999.back0', b: 'T1.back2', c: 'T1500.name' },\n",
            "  X: { a: 'T5.back6', b: 'T2900.back2901', c: 'T10.name', d: 'T1600.back1601' },\n",
        );
        for parts in 2..=4 {
            let errors = parts_agree(&src, parts)
                .expect("joined")
                .expect_err("conflicting backrefs");
            assert_eq!(errors.len(), 7, "{parts} parts: {errors:?}");
            assert!(errors.iter().all(|e| e.code == Code::ConflictingBackref));
        }
        // Backrefs to types declared later (their inverse fields are made once every type is
        // known: on the parts' threads when there are many), unions whose members are
        // declared before and after, and a conflict among them: as one reading.
        let mut src = String::from("{\n");
        for i in 0..6_000 {
            let (next, prev) = ((i + 1) % 6_000, (i + 5_999) % 6_000);
            src.push_str(&format!(
                "  T{i}: {{ name: 'string', f: 'T{next}.fwd{i}', g: '<-T{next}|T{prev}.both{i}' }},\n"
            ));
        }
        src.push_str("  Z: { x: 'T7.fwd6', y: '->Z|T1.z' },\n}\n");
        for parts in 2..=4 {
            let errors = parts_agree(&src, parts)
                .expect("joined")
                .expect_err("a conflicting backref");
            assert_eq!(errors.len(), 1, "{parts} parts: {errors:?}");
        }
        let src = src.replace("x: 'T7.fwd6'", "x: 'T7.fwd7'");
        let schema = parts_agree(&src, 3).expect("joined").expect("valid");
        assert_eq!(schema.field_count(), 6_000 * 3 + 2 + 6_000 * 3 + 3);
        let t1 = schema.get("T1").expect("declared");
        let inverse: Vec<_> = t1
            .fields
            .iter()
            .filter(|f| f.inverse)
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(inverse, ["fwd0", "both0", "both2", "z"]);
        // Backrefs to earlier types, then a run of backrefs each to the type declared next, a
        // backref from the middle to a later part, conflicts on both sides: as one reading, and
        // each type's inverse fields in the order of their backrefs.
        let mut tail = String::new();
        for i in 0..1_500 {
            tail.push_str(&format!("  F{i}: {{ to: 'F{}.from{i}' }},\n", i + 1));
        }
        tail.push_str("  F1500: { name: 'string' },\n");
        tail.push_str("  Z: { a: 'T5.back6', b: 'F1400.from1399', c: 'F3.z', d: 'T1999.z' },\n");
        let src = large_schema(2_000, "  W: { p: 'T1500.w' },\n", &tail);
        for parts in 2..=6 {
            let errors = parts_agree(&src, parts)
                .expect("joined")
                .expect_err("conflicting backrefs");
            let codes: Vec<_> = errors.iter().map(|e| e.code).collect();
            assert_eq!(codes, [Code::ConflictingBackref; 2], "{parts} parts");
        }
        let src = src.replace("a: 'T5.back6', b: 'F1400.from1399', ", "");
        let schema = parts_agree(&src, 5).expect("joined").expect("valid");
        let f3 = schema.get("F3").expect("declared");
        let inverse: Vec<_> = f3
            .fields
            .iter()
            .filter(|f| f.inverse)
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(inverse, ["from2", "z"]);
        // `W.p` comes before `T1501.f`: so do their inverse fields on `T1500`.
        let t1500 = schema.get("T1500").expect("declared");
        let inverse: Vec<_> = t1500
            .fields
            .iter()
            .filter(|f| f.inverse)
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(inverse, ["w", "back1501"]);
        // A backref's inverse field lands on a type of another part.
        let src = large_schema(
            300,
            "  Hub: { name: 'string' },\n",
            "  Spoke: { hub: 'Hub.spokes' },\n",
        );
        let schema = parts_agree(&src, 3).expect("joined").expect("valid");
        let hub = schema.get("Hub").expect("declared");
        assert!(hub.field("spokes").is_some_and(|f| f.inverse));
    }

    /// A guessed part start inside a comment (or anywhere but at an entry) is caught by the
    /// part before it, which does not stop there: the file is then read once.
    #[test]
    fn a_wrong_guess_is_caught() {
        let comment = "  /* not a type, whatever this line looks like once read alone:\n  },\n  Fake: {\n  */\n";
        let mut src = large_schema(300, "", "");
        // The comment's line starts at or just before the middle of the whole file.
        let middle = (src.len() + comment.len()) / 2;
        let at = src[..middle].rfind('\n').expect("lines") + 1;
        src.insert_str(at, comment);
        let guessed = crate::schema::split_points(&src, 2);
        let fake = src.find("Fake").expect("written");
        assert_eq!(guessed, [fake], "the guess lands in the comment");
        assert_eq!(check_in_parts(&src, 2), InParts::OneReading);
        assert_eq!(check(&src), check_in_one_part(&src).expect("streamed"));
    }

    /// A part the scanner cannot read, at a proven start, sends the file straight to the nom
    /// parser (one reading would stop there too); anywhere else it is read once.
    #[test]
    fn an_unreadable_part_goes_to_the_full_parser() {
        for (extra, tail, unreadable) in [
            ("", "  Late: { x: '\\x41' },\n", true),
            ("", "  Late: { x: 'string' ,, },\n", true),
            ("  Early: { x: '\\x41' },\n", "", true),
        ] {
            let src = large_schema(300, extra, tail);
            let in_parts = check_in_parts(&src, 2);
            assert_eq!(in_parts == InParts::Unreadable, unreadable, "{in_parts:?}");
            assert_eq!(check_in_one_part(&src), None);
            let two_steps = crate::schema::parse(&src).and_then(|file| validate(&file, &src));
            assert_eq!(check(&src), two_steps);
        }
        // The first part cannot be read: nothing else is needed to know it.
        let src = large_schema(300, "", "").replacen("name: 'string'", "name: '\\x41'", 1);
        assert_eq!(check_in_parts(&src, 3), InParts::Unreadable);
    }

    /// A wrong guess whose part reads cleanly: the part before it reads past it (through the
    /// comment), so the parts are not joined.
    #[test]
    fn a_wrong_guess_that_reads_cleanly_is_caught() {
        let mut src = large_schema(150, "", "");
        src.truncate(src.len() - 2);
        src.push_str("  Big: {\n");
        for i in 0..3_000 {
            src.push_str(&format!("    f{i}: 'What is it? ~>T{}',\n", i % 150));
        }
        src.push_str("  },\n  /* the end\n  },\n  Ghost: {}, /* */\n}\n");
        let ghost = src.find("Ghost").expect("written");
        assert_eq!(crate::schema::split_points(&src, 2), [ghost]);
        assert_eq!(check_in_parts(&src, 2), InParts::OneReading);
        let schema = check(&src).expect("valid");
        assert!(schema.get("Ghost").is_none());
    }

    /// A `$config` read in a later part sets the default.
    #[test]
    fn a_later_part_sets_the_default() {
        let src = large_schema(300, "", "  $config: { default: 0.7 },\n");
        let src = src.replacen("  $config: { default: 0.80 },\n", "", 1);
        let schema = parts_agree(&src, 2).expect("joined").expect("valid");
        assert_eq!(schema.default.map(Threshold::get), Some(0.7));
    }

    proptest::proptest! {
        /// Generated schemas (valid and not) read in parts: what one reading gives.
        #[test]
        fn generated_schemas_in_parts_equal_one_reading(src in generated_schema(), parts in 2_usize..5) {
            parts_agree(&src, parts);
        }
    }
}
