//! Nearest-neighbour search over unit vectors, behind one trait ([`VectorIndex`]) so that a
//! vector database can replace the in-memory indexes later.
//!
//! * [`ExactIndex`] (the default) keeps every vector in one contiguous row-major `Vec<f32>` and
//!   scans it: the scan is memory-bound, so contiguity matters more than anything else.
//! * [`TwoPhaseIndex`] keeps a second, smaller copy of every vector cut to its first `d`
//!   dimensions and renormalised (the "hot tier"); a search scans the hot tier for
//!   `k × oversampling` candidates and reranks only those on the full vectors, as the spike's §6
//!   and Qdrant/pgvector's oversampling do. It reads `d / dims` of the bytes, at the price of
//!   possibly missing a neighbour whose truncated similarity ranks too low.
//!
//! [`Catalog`] partitions entities by type, so a reference to `Skill` only searches skills.
//!
//! Hits are ordered by similarity, highest first; equal similarities keep insertion order (the
//! earlier row wins), so results never depend on the index implementation's internal order.

use std::collections::{BTreeMap, HashSet};

use crate::similarity::{SimilarityError, UnitVector, dot_unit, truncate};

/// One search result: the row (insertion position in its index) and its similarity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    /// The insertion position of the vector in the index, from 0.
    pub row: usize,
    /// Cosine similarity with the query.
    pub similarity: f32,
}

/// Why an index operation failed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum IndexError {
    /// A vector does not fit the index.
    #[error(transparent)]
    Vector(#[from] SimilarityError),
    /// A two-phase index needs `1 <= hot_dims <= dims`.
    #[error(
        "hot tier of {hot_dims} dimensions for {dims}-dimensional vectors: expected 1..={dims}"
    )]
    HotDims {
        /// The requested hot-tier dimensions.
        hot_dims: usize,
        /// The full dimensions.
        dims: usize,
    },
    /// The vector's hot-tier prefix is all zeros, so it has no direction there.
    #[error(
        "the first {hot_dims} components are all zero, so the vector has no direction in the hot tier; use more hot dimensions"
    )]
    ZeroHotPrefix {
        /// The hot-tier dimensions.
        hot_dims: usize,
    },
    /// Oversampling must be at least 1.
    #[error("oversampling factor 0: expected at least 1 (1 retrieves exactly k candidates)")]
    ZeroOversampling,
    /// A custom index holds a different number of rows than ids were given for it.
    #[error("{ids} ids for an index of {rows} rows: give exactly one id per row")]
    RowCount {
        /// The ids given.
        ids: usize,
        /// The rows in the index.
        rows: usize,
    },
    /// The same entity id was added twice to one type.
    #[error("duplicate entity id `{id}` in type `{entity_type}`")]
    DuplicateId {
        /// The entity type.
        entity_type: String,
        /// The repeated id.
        id: String,
    },
}

/// A searchable set of unit vectors with one fixed dimension.
///
/// Implementations return at most `k` hits, by similarity descending, ties by ascending row.
pub trait VectorIndex: Send + Sync {
    /// The dimension every vector must have.
    fn dims(&self) -> usize;
    /// The number of vectors added so far.
    fn len(&self) -> usize;
    /// Whether no vector was added yet.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Adds `vector` as the next row and returns that row.
    fn add(&mut self, vector: &UnitVector) -> Result<usize, IndexError>;
    /// The `k` most similar rows to `query`.
    fn search(&self, query: &UnitVector, k: usize) -> Result<Vec<Hit>, IndexError>;
    /// A short name for reports, e.g. `exact` or `two-phase(128, x4)`.
    fn describe(&self) -> String;
}

/// Exact scan over contiguous row-major storage: the embedded default.
///
/// ```
/// use cascade_runtime::index::{ExactIndex, VectorIndex};
/// use cascade_runtime::similarity::UnitVector;
/// let mut index = ExactIndex::new(2);
/// index.add(&UnitVector::new(vec![1.0, 0.0])?)?;
/// index.add(&UnitVector::new(vec![0.6, 0.8])?)?;
/// let hits = index.search(&UnitVector::new(vec![0.0, 1.0])?, 1)?;
/// assert_eq!(hits[0].row, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct ExactIndex {
    dims: usize,
    data: Vec<f32>,
}

impl ExactIndex {
    /// An empty index for `dims`-dimensional vectors.
    pub fn new(dims: usize) -> ExactIndex {
        ExactIndex {
            dims,
            data: Vec::new(),
        }
    }

    /// An empty index with room for `rows` vectors.
    pub fn with_capacity(dims: usize, rows: usize) -> ExactIndex {
        ExactIndex {
            dims,
            data: Vec::with_capacity(dims.saturating_mul(rows)),
        }
    }

    /// The stored vectors, row-major: row `r` is `data[r * dims..(r + 1) * dims]`.
    pub fn as_flat(&self) -> &[f32] {
        &self.data
    }

    /// The similarity of `query` with one row, if the row exists.
    pub fn similarity(&self, query: &UnitVector, row: usize) -> Result<Option<f32>, IndexError> {
        self.check(query)?;
        Ok(self.row(row).map(|r| dot_unit(query.as_slice(), r)))
    }

    fn row(&self, row: usize) -> Option<&[f32]> {
        let start = row.checked_mul(self.dims)?;
        self.data.get(start..start.checked_add(self.dims)?)
    }

    fn check(&self, v: &UnitVector) -> Result<(), IndexError> {
        if v.len() == self.dims {
            Ok(())
        } else {
            Err(SimilarityError::DimensionMismatch {
                expected: self.dims,
                found: v.len(),
            }
            .into())
        }
    }

    /// The `k` best rows among `rows` (each scored exactly), for reranking.
    fn rerank(&self, query: &[f32], rows: impl Iterator<Item = usize>, k: usize) -> Vec<Hit> {
        let mut top = TopK::new(k);
        for row in rows {
            if let Some(r) = self.row(row) {
                top.push(row, dot_unit(query, r));
            }
        }
        top.into_sorted()
    }
}

impl VectorIndex for ExactIndex {
    fn dims(&self) -> usize {
        self.dims
    }

    fn len(&self) -> usize {
        self.data.len().checked_div(self.dims).unwrap_or(0)
    }

    fn add(&mut self, vector: &UnitVector) -> Result<usize, IndexError> {
        self.check(vector)?;
        let row = self.len();
        self.data.extend_from_slice(vector.as_slice());
        Ok(row)
    }

    fn search(&self, query: &UnitVector, k: usize) -> Result<Vec<Hit>, IndexError> {
        self.check(query)?;
        Ok(scan(&self.data, self.dims, query.as_slice(), k))
    }

    fn describe(&self) -> String {
        "exact".to_owned()
    }
}

/// A truncated hot tier with oversampling, then an exact rerank on the full vectors.
///
/// ```
/// use cascade_runtime::index::{TwoPhaseIndex, VectorIndex};
/// use cascade_runtime::similarity::UnitVector;
/// let mut index = TwoPhaseIndex::new(3, 2, 4)?;
/// index.add(&UnitVector::new(vec![1.0, 0.0, 0.0])?)?;
/// index.add(&UnitVector::new(vec![1.0, 0.0, 1.0])?)?;
/// let hits = index.search(&UnitVector::new(vec![1.0, 0.0, 1.0])?, 1)?;
/// assert_eq!(hits[0].row, 1); // the hot tier ties; the full vectors decide
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct TwoPhaseIndex {
    full: ExactIndex,
    hot: ExactIndex,
    oversampling: usize,
}

impl TwoPhaseIndex {
    /// An empty index for `dims`-dimensional vectors, with a hot tier of the first `hot_dims`
    /// dimensions and `oversampling` × k candidates reranked per search.
    pub fn new(dims: usize, hot_dims: usize, oversampling: usize) -> Result<Self, IndexError> {
        if hot_dims == 0 || hot_dims > dims {
            return Err(IndexError::HotDims { hot_dims, dims });
        }
        if oversampling == 0 {
            return Err(IndexError::ZeroOversampling);
        }
        Ok(TwoPhaseIndex {
            full: ExactIndex::new(dims),
            hot: ExactIndex::new(hot_dims),
            oversampling,
        })
    }

    /// The hot-tier dimensions.
    pub fn hot_dims(&self) -> usize {
        self.hot.dims
    }

    /// The oversampling factor.
    pub fn oversampling(&self) -> usize {
        self.oversampling
    }

    fn hot_prefix(&self, v: &UnitVector) -> Result<UnitVector, IndexError> {
        truncate(v.as_slice(), self.hot.dims).map_err(|e| match e {
            SimilarityError::ZeroVector => IndexError::ZeroHotPrefix {
                hot_dims: self.hot.dims,
            },
            other => other.into(),
        })
    }
}

impl VectorIndex for TwoPhaseIndex {
    fn dims(&self) -> usize {
        self.full.dims
    }

    fn len(&self) -> usize {
        self.full.len()
    }

    fn add(&mut self, vector: &UnitVector) -> Result<usize, IndexError> {
        self.full.check(vector)?;
        // Truncate first: a vector whose prefix is all zeros is rejected before either tier
        // changes, so the two tiers always hold the same rows.
        let hot = self.hot_prefix(vector)?;
        self.hot.add(&hot)?;
        self.full.add(vector)
    }

    fn search(&self, query: &UnitVector, k: usize) -> Result<Vec<Hit>, IndexError> {
        self.full.check(query)?;
        let hot_query = self.hot_prefix(query)?;
        let candidates = scan(
            &self.hot.data,
            self.hot.dims,
            hot_query.as_slice(),
            k.saturating_mul(self.oversampling),
        );
        Ok(self
            .full
            .rerank(query.as_slice(), candidates.iter().map(|h| h.row), k))
    }

    fn describe(&self) -> String {
        format!(
            "two-phase(hot {} of {} dims, x{})",
            self.hot.dims, self.full.dims, self.oversampling
        )
    }
}

/// Which index a [`Catalog`] builds for each type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IndexKind {
    /// [`ExactIndex`].
    #[default]
    Exact,
    /// [`TwoPhaseIndex`] with these settings.
    TwoPhase {
        /// Dimensions of the hot tier.
        hot_dims: usize,
        /// Candidates reranked per wanted hit.
        oversampling: usize,
    },
}

impl IndexKind {
    /// An empty index of this kind for `dims`-dimensional vectors.
    pub fn build(self, dims: usize) -> Result<Box<dyn VectorIndex>, IndexError> {
        Ok(match self {
            IndexKind::Exact => Box::new(ExactIndex::new(dims)),
            IndexKind::TwoPhase {
                hot_dims,
                oversampling,
            } => Box::new(TwoPhaseIndex::new(dims, hot_dims, oversampling)?),
        })
    }
}

/// The entities of one type: their ids (by row) and their index.
pub struct Partition {
    ids: Vec<String>,
    seen: HashSet<String>,
    index: Box<dyn VectorIndex>,
}

impl Partition {
    /// The id of a row.
    pub fn id(&self, row: usize) -> Option<&str> {
        self.ids.get(row).map(String::as_str)
    }

    /// The ids, by row.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// The index.
    pub fn index(&self) -> &dyn VectorIndex {
        self.index.as_ref()
    }

    /// The number of entities: the candidate count an adaptive threshold is fed.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the type has no entity.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

impl std::fmt::Debug for Partition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Partition")
            .field("len", &self.ids.len())
            .field("index", &self.index.describe())
            .finish()
    }
}

/// Existing entities partitioned by type, each type with its own index.
///
/// ```
/// use cascade_runtime::index::{Catalog, IndexKind};
/// use cascade_runtime::similarity::UnitVector;
/// let mut catalog = Catalog::new(2, IndexKind::Exact);
/// catalog.add("Skill", "skill:rust", &UnitVector::new(vec![1.0, 0.0])?)?;
/// catalog.add("Company", "company:acme", &UnitVector::new(vec![0.0, 1.0])?)?;
/// assert_eq!(catalog.candidate_count("Skill"), 1);
/// assert_eq!(catalog.candidate_count("Person"), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Catalog {
    dims: usize,
    kind: IndexKind,
    types: BTreeMap<String, Partition>,
}

impl Catalog {
    /// An empty catalog of `dims`-dimensional entities, building `kind` indexes per type.
    pub fn new(dims: usize, kind: IndexKind) -> Catalog {
        Catalog {
            dims,
            kind,
            types: BTreeMap::new(),
        }
    }

    /// The dimension of every entity vector.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Adds entity `id` of `entity_type`; ids are unique per type.
    pub fn add(
        &mut self,
        entity_type: &str,
        id: &str,
        vector: &UnitVector,
    ) -> Result<usize, IndexError> {
        let partition = match self.types.get_mut(entity_type) {
            Some(p) => p,
            None => {
                let index = self.kind.build(self.dims)?;
                self.types
                    .entry(entity_type.to_owned())
                    .or_insert(Partition {
                        ids: Vec::new(),
                        seen: HashSet::new(),
                        index,
                    })
            }
        };
        if partition.seen.contains(id) {
            return Err(IndexError::DuplicateId {
                entity_type: entity_type.to_owned(),
                id: id.to_owned(),
            });
        }
        let row = partition.index.add(vector)?;
        partition.seen.insert(id.to_owned());
        partition.ids.push(id.to_owned());
        Ok(row)
    }

    /// Replaces the index of `entity_type` by a custom one (e.g. a vector database client)
    /// holding `ids` by row: `ids[r]` is the entity at row `r`.
    ///
    /// ```
    /// use cascade_runtime::index::{Catalog, ExactIndex, IndexKind, VectorIndex};
    /// use cascade_runtime::similarity::UnitVector;
    /// let mut index = ExactIndex::new(2);
    /// index.add(&UnitVector::new(vec![1.0, 0.0])?)?;
    /// let mut catalog = Catalog::new(2, IndexKind::Exact);
    /// catalog.insert_index("Tag", vec!["tag:rust".into()], Box::new(index))?;
    /// assert_eq!(catalog.candidate_count("Tag"), 1);
    /// assert!(catalog.insert_index("Tag", vec![], Box::new(ExactIndex::new(3))).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn insert_index(
        &mut self,
        entity_type: &str,
        ids: Vec<String>,
        index: Box<dyn VectorIndex>,
    ) -> Result<(), IndexError> {
        if index.dims() != self.dims {
            let mismatch = SimilarityError::DimensionMismatch {
                expected: self.dims,
                found: index.dims(),
            };
            return Err(mismatch.into());
        }
        if ids.len() != index.len() {
            return Err(IndexError::RowCount {
                ids: ids.len(),
                rows: index.len(),
            });
        }
        let mut seen = HashSet::with_capacity(ids.len());
        for id in &ids {
            if !seen.insert(id.clone()) {
                return Err(IndexError::DuplicateId {
                    entity_type: entity_type.to_owned(),
                    id: id.clone(),
                });
            }
        }
        self.types
            .insert(entity_type.to_owned(), Partition { ids, seen, index });
        Ok(())
    }

    /// The entities of one type, if it has any.
    pub fn partition(&self, entity_type: &str) -> Option<&Partition> {
        self.types.get(entity_type)
    }

    /// The number of entities of `entity_type` (0 for an unknown type).
    pub fn candidate_count(&self, entity_type: &str) -> usize {
        self.types.get(entity_type).map_or(0, Partition::len)
    }

    /// The types present, sorted.
    pub fn types(&self) -> impl Iterator<Item = &str> {
        self.types.keys().map(String::as_str)
    }
}

/// Keeps the `k` best `(row, score)` pairs seen: higher score first, then lower row.
///
/// Rows arrive in ascending order during a scan, so a later row with an equal score never
/// displaces an earlier one; for reranking, ties are resolved explicitly by row.
struct TopK {
    k: usize,
    hits: Vec<Hit>,
}

impl TopK {
    fn new(k: usize) -> TopK {
        TopK {
            k,
            hits: Vec::with_capacity(k.min(1024) + 1),
        }
    }

    fn better(a: &Hit, b: &Hit) -> bool {
        a.similarity > b.similarity || (a.similarity == b.similarity && a.row < b.row)
    }

    /// The score a new row must beat to enter, or `None` while not full.
    #[inline]
    fn floor(&self) -> Option<f32> {
        if self.hits.len() < self.k {
            None
        } else {
            self.hits.last().map(|h| h.similarity)
        }
    }

    #[inline]
    fn push(&mut self, row: usize, similarity: f32) {
        if self.k == 0 {
            return;
        }
        if let Some(floor) = self.floor()
            && similarity < floor
        {
            return;
        }
        let hit = Hit { row, similarity };
        // Insertion into a sorted, short vector: k is small (tens), and most rows are rejected
        // by the floor check above without reaching here.
        let pos = self
            .hits
            .iter()
            .position(|h| TopK::better(&hit, h))
            .unwrap_or(self.hits.len());
        if pos < self.k {
            self.hits.insert(pos, hit);
            self.hits.truncate(self.k);
        }
    }

    fn into_sorted(self) -> Vec<Hit> {
        self.hits
    }
}

/// Scans row-major `data` for the `k` rows most similar to `query`.
fn scan(data: &[f32], dims: usize, query: &[f32], k: usize) -> Vec<Hit> {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU supports AVX2 and FMA, checked just above.
            return unsafe { scan_avx2_fma(data, dims, query, k) };
        }
    }
    scan_body(data, dims, query, k, crate::similarity::dot_portable)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn scan_avx2_fma(data: &[f32], dims: usize, query: &[f32], k: usize) -> Vec<Hit> {
    // SAFETY (of the call inside the closure): this function only runs where AVX2 and FMA exist.
    scan_body(data, dims, query, k, |a, b| unsafe {
        crate::similarity::dot_avx2_fma(a, b)
    })
}

#[inline(always)]
fn scan_body(
    data: &[f32],
    dims: usize,
    query: &[f32],
    k: usize,
    dot: impl Fn(&[f32], &[f32]) -> f32,
) -> Vec<Hit> {
    let mut top = TopK::new(k);
    if dims == 0 {
        return Vec::new();
    }
    for (row, r) in data.chunks_exact(dims).enumerate() {
        top.push(row, dot(query, r));
    }
    top.into_sorted()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn uv(v: &[f32]) -> UnitVector {
        UnitVector::new(v.to_vec()).expect("test vectors are non-zero and finite")
    }

    fn brute_force(rows: &[UnitVector], q: &UnitVector, k: usize) -> Vec<usize> {
        let mut scored: Vec<(usize, f32)> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (i, r.cosine(q).expect("same dims")))
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.into_iter().take(k).map(|(i, _)| i).collect()
    }

    #[test]
    fn exact_ties_keep_insertion_order() {
        let mut index = ExactIndex::new(2);
        for v in [[0.0, 1.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0]] {
            index.add(&uv(&v)).unwrap();
        }
        let hits = index.search(&uv(&[1.0, 0.0]), 2).unwrap();
        assert_eq!(hits.iter().map(|h| h.row).collect::<Vec<_>>(), [1, 2]);
        let all = index.search(&uv(&[1.0, 0.0]), 10).unwrap();
        assert_eq!(all.iter().map(|h| h.row).collect::<Vec<_>>(), [1, 2, 3, 0]);
        assert!(index.search(&uv(&[1.0, 0.0]), 0).unwrap().is_empty());
    }

    #[test]
    fn dimension_errors() {
        let mut index = ExactIndex::new(3);
        assert_eq!(
            index.add(&uv(&[1.0, 0.0])),
            Err(IndexError::Vector(SimilarityError::DimensionMismatch {
                expected: 3,
                found: 2
            }))
        );
        assert!(index.search(&uv(&[1.0]), 1).is_err());
        assert_eq!(
            TwoPhaseIndex::new(3, 4, 2).err(),
            Some(IndexError::HotDims {
                hot_dims: 4,
                dims: 3
            })
        );
        assert_eq!(
            TwoPhaseIndex::new(3, 0, 2).err(),
            Some(IndexError::HotDims {
                hot_dims: 0,
                dims: 3
            })
        );
        assert_eq!(
            TwoPhaseIndex::new(3, 2, 0).err(),
            Some(IndexError::ZeroOversampling)
        );
    }

    #[test]
    fn two_phase_rejects_zero_prefix_without_desync() {
        let mut index = TwoPhaseIndex::new(3, 1, 2).unwrap();
        assert_eq!(
            index.add(&uv(&[0.0, 1.0, 0.0])),
            Err(IndexError::ZeroHotPrefix { hot_dims: 1 })
        );
        assert_eq!(index.len(), 0);
        assert_eq!(
            index.search(&uv(&[0.0, 0.0, 1.0]), 1),
            Err(IndexError::ZeroHotPrefix { hot_dims: 1 })
        );
        assert_eq!(index.add(&uv(&[1.0, 1.0, 0.0])), Ok(0));
        assert_eq!(index.len(), 1);
    }

    #[test]
    fn two_phase_can_miss_when_undersampled() {
        // In the first dimension alone, row 0 looks best; on full vectors row 1 is best.
        let mut index = TwoPhaseIndex::new(2, 1, 1).unwrap();
        index.add(&uv(&[1.0, -1.0])).unwrap();
        index.add(&uv(&[1.0, 0.9])).unwrap();
        // Hot tier: both have prefix [1.0] → tie → row 0 kept with oversampling 1.
        let hits = index.search(&uv(&[1.0, 1.0]), 1).unwrap();
        assert_eq!(hits[0].row, 0);
        let mut wide = TwoPhaseIndex::new(2, 1, 2).unwrap();
        wide.add(&uv(&[1.0, -1.0])).unwrap();
        wide.add(&uv(&[1.0, 0.9])).unwrap();
        assert_eq!(wide.search(&uv(&[1.0, 1.0]), 1).unwrap()[0].row, 1);
    }

    #[test]
    fn catalog_partitions_and_rejects_duplicates() {
        let mut catalog = Catalog::new(2, IndexKind::Exact);
        catalog.add("Skill", "a", &uv(&[1.0, 0.0])).unwrap();
        catalog.add("Company", "a", &uv(&[1.0, 0.0])).unwrap();
        assert_eq!(
            catalog.add("Skill", "a", &uv(&[0.0, 1.0])),
            Err(IndexError::DuplicateId {
                entity_type: "Skill".into(),
                id: "a".into()
            })
        );
        assert_eq!(catalog.candidate_count("Skill"), 1);
        assert_eq!(catalog.types().collect::<Vec<_>>(), ["Company", "Skill"]);
        assert!(catalog.add("Tag", "t", &uv(&[1.0])).is_err());
        assert_eq!(catalog.candidate_count("Tag"), 0);
    }

    fn rows(n: usize, dims: usize) -> impl Strategy<Value = Vec<UnitVector>> {
        // Coarse components make exact ties likely, which exercises the tie rule.
        proptest::collection::vec(proptest::collection::vec(-2i8..=2, dims), n).prop_map(|rows| {
            rows.into_iter()
                .filter_map(|r| UnitVector::new(r.into_iter().map(f32::from).collect()).ok())
                .collect()
        })
    }

    proptest! {
        #[test]
        fn exact_equals_brute_force(rows in rows(40, 5), q in rows(1, 5), k in 0usize..12) {
            let Some(q) = q.first() else { return Ok(()) };
            let mut index = ExactIndex::new(5);
            for r in &rows { index.add(r).unwrap(); }
            let got: Vec<usize> = index.search(q, k).unwrap().iter().map(|h| h.row).collect();
            prop_assert_eq!(got, brute_force(&rows, q, k));
        }

        /// With oversampling covering every row, two-phase is exact.
        #[test]
        fn two_phase_with_full_oversampling_is_exact(rows in rows(30, 6), q in rows(1, 6), k in 1usize..5) {
            let Some(q) = q.first() else { return Ok(()) };
            let mut exact = ExactIndex::new(6);
            let mut two = TwoPhaseIndex::new(6, 3, 30).unwrap();
            for r in &rows {
                // A row with a zero prefix cannot enter the hot tier; skip it in both.
                if two.add(r).is_ok() { exact.add(r).unwrap(); }
            }
            if truncate(q.as_slice(), 3).is_err() { return Ok(()) }
            let a: Vec<usize> = exact.search(q, k).unwrap().iter().map(|h| h.row).collect();
            let b: Vec<usize> = two.search(q, k).unwrap().iter().map(|h| h.row).collect();
            prop_assert_eq!(a, b);
        }
    }
}
