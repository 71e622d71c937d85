//! Cosine similarity on L2-normalised `f32` embeddings.
//!
//! Every vector that enters an index is checked once ([`UnitVector::new`]: finite, non-zero, then
//! normalised), so the hot loop is a plain dot product with no checks and no division. The kernel
//! is written for the auto-vectoriser rather than with intrinsics: sixteen independent
//! accumulators over `chunks_exact(16)` break the floating-point dependency chain, which lets LLVM
//! keep four SSE registers (default x86-64 target features) busy with packed `mulps`/`addps`.
//! On x86-64 machines with AVX2 and FMA, detected at run time, the same body is compiled a second
//! time under `#[target_feature(enable = "avx2,fma")]` and uses `vfmadd231ps` on `ymm`
//! registers. Checked with
//! `cargo rustc --release -p cascade-runtime --lib -- --emit asm` (`dot_portable` shows packed
//! `mulps`/`addps` on `xmm`, `dot_avx2_fma` shows `vfmadd231ps` on `ymm`).
//!
//! The two paths sum in the same order but the FMA path rounds once per multiply-add instead of
//! twice, so they may differ in the last bits (tested below to agree within 1e-6 per unit
//! vector); a single process always uses one path, so rankings within a run are consistent.

use std::fmt;

/// Why a vector cannot be compared.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SimilarityError {
    /// The two vectors have different lengths.
    #[error("dimension mismatch: expected {expected} components, found {found}")]
    DimensionMismatch {
        /// The length the index or the other vector has.
        expected: usize,
        /// The length of the offending vector.
        found: usize,
    },
    /// The vector has no components.
    #[error("empty vector: an embedding needs at least one component")]
    Empty,
    /// The vector's norm is zero, so it has no direction to compare.
    #[error("zero vector: its norm is 0, so cosine similarity is undefined")]
    ZeroVector,
    /// A component is NaN or infinite.
    #[error("component {index} is `{value}`: every component must be a finite number")]
    NotFinite {
        /// The position of the first bad component.
        index: usize,
        /// Its value.
        value: f32,
    },
    /// Truncation to more dimensions than the vector has, or to zero.
    #[error("cannot truncate a {len}-dimensional vector to {dims} dimensions: expected 1..={len}")]
    BadTruncation {
        /// The requested dimensions.
        dims: usize,
        /// The vector's length.
        len: usize,
    },
}

/// An L2-normalised vector of finite `f32`s: the only thing indexes store and search with.
///
/// ```
/// use cascade_runtime::similarity::UnitVector;
/// let a = UnitVector::new(vec![3.0, 4.0])?;
/// assert_eq!(a.as_slice(), &[0.6, 0.8]);
/// let b = UnitVector::new(vec![4.0, 3.0])?;
/// assert!((a.cosine(&b)? - 0.96).abs() < 1e-6);
/// assert!(UnitVector::new(vec![0.0, 0.0]).is_err());
/// # Ok::<(), cascade_runtime::similarity::SimilarityError>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct UnitVector(Vec<f32>);

impl UnitVector {
    /// Checks `components` (non-empty, finite, non-zero norm) and scales them to unit length.
    pub fn new(mut components: Vec<f32>) -> Result<UnitVector, SimilarityError> {
        normalize(&mut components)?;
        Ok(UnitVector(components))
    }

    /// The components, with a Euclidean norm of 1 (up to rounding).
    pub fn as_slice(&self) -> &[f32] {
        &self.0
    }

    /// The number of dimensions.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: a unit vector has at least one component. Present for clippy's sake.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Cosine similarity with `other`, i.e. their dot product.
    ///
    /// ```
    /// # use cascade_runtime::similarity::UnitVector;
    /// let a = UnitVector::new(vec![1.0, 0.0])?;
    /// assert_eq!(a.cosine(&a)?, 1.0);
    /// assert!(a.cosine(&UnitVector::new(vec![1.0, 0.0, 0.0])?).is_err());
    /// # Ok::<(), cascade_runtime::similarity::SimilarityError>(())
    /// ```
    pub fn cosine(&self, other: &UnitVector) -> Result<f32, SimilarityError> {
        check_dims(self.len(), other.len())?;
        Ok(dot_unit(&self.0, &other.0))
    }

    /// The first `dims` components, renormalised (the hot tier of a two-phase index; what a
    /// Matryoshka-truncated embedding is).
    ///
    /// ```
    /// # use cascade_runtime::similarity::UnitVector;
    /// let v = UnitVector::new(vec![3.0, 4.0, 12.0])?;
    /// let t = v.truncated(2)?;
    /// assert!((t.as_slice()[0] - 0.6).abs() < 1e-6 && (t.as_slice()[1] - 0.8).abs() < 1e-6);
    /// # Ok::<(), cascade_runtime::similarity::SimilarityError>(())
    /// ```
    pub fn truncated(&self, dims: usize) -> Result<UnitVector, SimilarityError> {
        truncate(&self.0, dims)
    }

    /// Gives back the components.
    pub fn into_inner(self) -> Vec<f32> {
        self.0
    }
}

impl fmt::Debug for UnitVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnitVector({} dims)", self.0.len())
    }
}

fn check_dims(expected: usize, found: usize) -> Result<(), SimilarityError> {
    if expected == found {
        Ok(())
    } else {
        Err(SimilarityError::DimensionMismatch { expected, found })
    }
}

fn check_finite(v: &[f32]) -> Result<(), SimilarityError> {
    if v.is_empty() {
        return Err(SimilarityError::Empty);
    }
    match v.iter().position(|x| !x.is_finite()) {
        Some(index) => Err(SimilarityError::NotFinite {
            index,
            value: v[index],
        }),
        None => Ok(()),
    }
}

/// Scales `v` to unit length in place, after checking it is non-empty, finite and non-zero.
///
/// The norm is accumulated in `f64`, so vectors of tiny or huge magnitude normalise without
/// underflow or overflow.
///
/// ```
/// # use cascade_runtime::similarity::{normalize, SimilarityError};
/// let mut v = vec![0.0, 2.0];
/// normalize(&mut v)?;
/// assert_eq!(v, [0.0, 1.0]);
/// assert!(matches!(normalize(&mut [0.0, f32::NAN]), Err(SimilarityError::NotFinite { index: 1, .. })));
/// assert_eq!(normalize(&mut [0.0, 0.0]), Err(SimilarityError::ZeroVector));
/// # Ok::<(), SimilarityError>(())
/// ```
pub fn normalize(v: &mut [f32]) -> Result<(), SimilarityError> {
    check_finite(v)?;
    let norm = v
        .iter()
        .map(|&x| f64::from(x) * f64::from(x))
        .sum::<f64>()
        .sqrt();
    if norm == 0.0 || !norm.is_finite() {
        return Err(SimilarityError::ZeroVector);
    }
    for x in v.iter_mut() {
        *x = (f64::from(*x) / norm) as f32;
    }
    Ok(())
}

/// The first `dims` components of `v`, renormalised to unit length.
///
/// ```
/// # use cascade_runtime::similarity::truncate;
/// assert_eq!(truncate(&[0.0, 1.0, 1.0], 2)?.as_slice(), &[0.0, 1.0]);
/// assert!(truncate(&[0.0, 1.0], 3).is_err());
/// assert!(truncate(&[0.0, 0.0, 1.0], 2).is_err()); // the prefix is a zero vector
/// # Ok::<(), cascade_runtime::similarity::SimilarityError>(())
/// ```
pub fn truncate(v: &[f32], dims: usize) -> Result<UnitVector, SimilarityError> {
    match v.get(..dims) {
        Some(prefix) if dims > 0 => UnitVector::new(prefix.to_vec()),
        _ => Err(SimilarityError::BadTruncation { dims, len: v.len() }),
    }
}

/// Cosine similarity of two arbitrary vectors: `a·b / (|a| |b|)`, computed in `f64`.
///
/// This is the reference formula (the one `examples/data` uses); indexes normalise once and use
/// [`dot_unit`] instead.
///
/// ```
/// # use cascade_runtime::similarity::cosine;
/// assert!((cosine(&[1.0, 0.0], &[1.0, 1.0])? - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-12);
/// assert!(cosine(&[0.0, 0.0], &[1.0, 1.0]).is_err());
/// # Ok::<(), cascade_runtime::similarity::SimilarityError>(())
/// ```
pub fn cosine(a: &[f32], b: &[f32]) -> Result<f64, SimilarityError> {
    check_dims(a.len(), b.len())?;
    check_finite(a)?;
    check_finite(b)?;
    let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (f64::from(x), f64::from(y));
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa == 0.0 || bb == 0.0 {
        return Err(SimilarityError::ZeroVector);
    }
    Ok(ab / (aa.sqrt() * bb.sqrt()))
}

/// Dot product of two equally long slices; for unit vectors this is their cosine similarity.
///
/// Dispatches once per call to the AVX2+FMA kernel when the CPU has it (cached by std's feature
/// detection), else to the portable kernel. Panics-free: if the lengths differ, the extra
/// components of the longer slice are ignored (callers check dimensions once, up front; see
/// [`UnitVector::cosine`]).
///
/// ```
/// # use cascade_runtime::similarity::dot_unit;
/// let a: Vec<f32> = (0..100).map(|i| i as f32).collect();
/// assert_eq!(dot_unit(&a, &a), (0..100).map(|i| (i * i) as f32).sum::<f32>());
/// ```
#[inline]
pub fn dot_unit(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx2_fma() {
            // SAFETY: the CPU supports AVX2 and FMA, checked just above.
            return unsafe { dot_avx2_fma(a, b) };
        }
    }
    dot_portable(a, b)
}

/// Whether the AVX2+FMA kernel is used on this machine.
///
/// ```
/// # use cascade_runtime::similarity::kernel_name;
/// assert!(["avx2+fma", "portable"].contains(&kernel_name()));
/// ```
pub fn kernel_name() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx2_fma() {
            return "avx2+fma";
        }
    }
    "portable"
}

#[cfg(target_arch = "x86_64")]
#[inline]
fn has_avx2_fma() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

/// The number of independent accumulators: four SSE or two AVX registers.
const LANES: usize = 16;

/// The shared kernel body. `FUSED` selects `mul_add`, which only compiles to one instruction
/// where FMA is enabled (elsewhere it would call the slow `fmaf` routine).
#[inline(always)]
fn dot_body<const FUSED: bool>(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for i in 0..LANES {
            acc[i] = if FUSED {
                x[i].mul_add(y[i], acc[i])
            } else {
                acc[i] + x[i] * y[i]
            };
        }
    }
    for (i, (x, y)) in ra.iter().zip(rb).enumerate() {
        acc[i] = if FUSED {
            x.mul_add(*y, acc[i])
        } else {
            acc[i] + x * y
        };
    }
    // Pairwise reduction, the same tree in both kernels.
    let mut width = LANES / 2;
    while width > 0 {
        for i in 0..width {
            acc[i] += acc[i + width];
        }
        width /= 2;
    }
    acc[0]
}

/// The kernel for default target features (SSE2 on x86-64): packed `mulps` + `addps`.
/// [`dot_unit`] uses it where AVX2+FMA is missing; public for comparisons and benchmarks.
///
/// ```
/// # use cascade_runtime::similarity::{dot_portable, dot_unit};
/// let a = [0.6f32, 0.8];
/// assert!((dot_portable(&a, &a) - dot_unit(&a, &a)).abs() < 1e-6);
/// ```
#[inline(never)]
pub fn dot_portable(a: &[f32], b: &[f32]) -> f32 {
    dot_body::<false>(a, b)
}

/// The AVX2+FMA kernel: packed `vfmadd231ps` on `ymm` registers.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline(never)]
pub(crate) unsafe fn dot_avx2_fma(a: &[f32], b: &[f32]) -> f32 {
    dot_body::<true>(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive(a: &[f32], b: &[f32]) -> f64 {
        a.iter()
            .zip(b)
            .map(|(&x, &y)| f64::from(x) * f64::from(y))
            .sum()
    }

    #[test]
    fn errors() {
        assert_eq!(UnitVector::new(vec![]), Err(SimilarityError::Empty));
        assert_eq!(
            UnitVector::new(vec![0.0; 4]),
            Err(SimilarityError::ZeroVector)
        );
        assert!(matches!(
            UnitVector::new(vec![1.0, f32::INFINITY]),
            Err(SimilarityError::NotFinite { index: 1, .. })
        ));
        assert!(matches!(
            UnitVector::new(vec![f32::NAN, 1.0]),
            Err(SimilarityError::NotFinite { index: 0, .. })
        ));
        let a = UnitVector::new(vec![1.0, 0.0]).unwrap();
        let b = UnitVector::new(vec![1.0, 0.0, 0.0]).unwrap();
        assert_eq!(
            a.cosine(&b),
            Err(SimilarityError::DimensionMismatch {
                expected: 2,
                found: 3
            })
        );
        assert_eq!(
            a.truncated(0),
            Err(SimilarityError::BadTruncation { dims: 0, len: 2 })
        );
        assert_eq!(
            a.truncated(3),
            Err(SimilarityError::BadTruncation { dims: 3, len: 2 })
        );
        assert!(matches!(
            cosine(&[1.0], &[f32::NAN]),
            Err(SimilarityError::NotFinite { index: 0, .. })
        ));
        assert_eq!(cosine(&[0.0], &[1.0]), Err(SimilarityError::ZeroVector));
        assert_eq!(
            cosine(&[1.0], &[1.0, 2.0]),
            Err(SimilarityError::DimensionMismatch {
                expected: 1,
                found: 2
            })
        );
    }

    #[test]
    fn tiny_and_huge_vectors_normalise() {
        let tiny = UnitVector::new(vec![1e-30, 1e-30]).unwrap();
        let huge = UnitVector::new(vec![3e38, 3e38]).unwrap();
        assert!((tiny.cosine(&huge).unwrap() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            SimilarityError::DimensionMismatch {
                expected: 384,
                found: 256
            }
            .to_string(),
            "dimension mismatch: expected 384 components, found 256"
        );
        assert_eq!(
            SimilarityError::NotFinite {
                index: 3,
                value: f32::NAN
            }
            .to_string(),
            "component 3 is `NaN`: every component must be a finite number"
        );
    }

    fn unit(len: usize) -> impl Strategy<Value = Vec<f32>> {
        proptest::collection::vec(-1.0f32..1.0, len).prop_filter_map("non-zero", |v| {
            UnitVector::new(v).ok().map(UnitVector::into_inner)
        })
    }

    proptest! {
        /// Both kernels agree with an f64 reference on unit vectors of any length (remainders
        /// included), and so with each other.
        #[test]
        fn kernels_agree((a, b) in (1usize..200).prop_flat_map(|n| (unit(n), unit(n)))) {
            let reference = naive(&a, &b);
            let portable = f64::from(dot_portable(&a, &b));
            prop_assert!((portable - reference).abs() < 1e-6, "{portable} vs {reference}");
            #[cfg(target_arch = "x86_64")]
            if has_avx2_fma() {
                // SAFETY: checked just above.
                let fused = f64::from(unsafe { dot_avx2_fma(&a, &b) });
                prop_assert!((fused - reference).abs() < 1e-6, "{fused} vs {reference}");
                prop_assert!((fused - portable).abs() < 1e-6);
            }
            let dispatched = f64::from(dot_unit(&a, &b));
            prop_assert!((dispatched - reference).abs() < 1e-6);
        }

        /// Cosine is symmetric, within [-1, 1] up to rounding, and 1 with itself.
        #[test]
        fn cosine_invariants(a in unit(37), b in unit(37)) {
            let (a, b) = (UnitVector::new(a).unwrap(), UnitVector::new(b).unwrap());
            let ab = a.cosine(&b).unwrap();
            prop_assert_eq!(ab, b.cosine(&a).unwrap());
            prop_assert!((-1.0 - 1e-5..=1.0 + 1e-5).contains(&ab));
            prop_assert!((a.cosine(&a).unwrap() - 1.0).abs() < 1e-5);
        }

        /// The unit-vector path equals the f64 reference formula on raw vectors.
        #[test]
        fn unit_path_matches_reference(a in proptest::collection::vec(-10.0f32..10.0, 1..64)) {
            let b: Vec<f32> = a.iter().rev().map(|x| x + 1.0).collect();
            if let (Ok(ua), Ok(ub), Ok(reference)) =
                (UnitVector::new(a.clone()), UnitVector::new(b.clone()), cosine(&a, &b))
            {
                prop_assert!((f64::from(ua.cosine(&ub).unwrap()) - reference).abs() < 1e-5);
            }
        }

        /// Truncation equals the cosine formula on the prefixes.
        #[test]
        fn truncation_matches_prefix_cosine(a in unit(48), b in unit(48), d in 1usize..=48) {
            if let (Ok(ta), Ok(tb), Ok(reference)) =
                (truncate(&a, d), truncate(&b, d), cosine(&a[..d], &b[..d]))
            {
                prop_assert!((f64::from(ta.cosine(&tb).unwrap()) - reference).abs() < 1e-5);
            }
        }
    }
}
