//! The value types every cascade crate shares. "What is a valid threshold" is defined here once,
//! so the parser, the derive macro, generated code and the runtime can never disagree about it.

use std::cmp::Ordering;
use std::fmt;
use std::num::NonZeroU64;

use serde::{Deserialize, Serialize};

/// A similarity threshold: a finite number within `0.0..=1.0`.
///
/// The constructor is a `const fn`, so generated tables check their thresholds at compile time.
///
/// ```
/// use cascade_runtime::Threshold;
/// const ICP: Threshold = Threshold::new_const(0.82);
/// assert_eq!(ICP.get(), 0.82);
/// assert!(Threshold::new(1.5).is_err());
/// assert!(Threshold::new(f64::NAN).is_err());
/// ```
///
/// A threshold is 8 bytes, and so is an `Option<Threshold>`: the value is kept as the complement
/// of its bits, which is never zero for a number within `0.0..=1.0`, so `None` needs no room of
/// its own (a schema holds one per reference).
///
/// ```
/// # use cascade_runtime::Threshold;
/// assert_eq!(size_of::<Option<Threshold>>(), 8);
/// ```
#[derive(Clone, Copy, PartialEq)]
pub struct Threshold(NonZeroU64);

/// Why a number is not a [`Threshold`].
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum ThresholdError {
    /// The number is NaN or infinite.
    #[error("threshold `{0}` is not a finite number")]
    NotFinite(f64),
    /// The number lies outside `0.0..=1.0`.
    #[error("threshold `{0}` must be within 0.0..=1.0")]
    OutOfRange(f64),
}

/// Why a text is not a threshold written as a decimal ([`Threshold::parse_decimal`]).
///
/// ```
/// # use cascade_runtime::Threshold;
/// let e = Threshold::parse_decimal("1.5").unwrap_err();
/// assert_eq!(e.to_string(), "threshold `1.5` is out of range: it must be within 0..=1 (e.g. `0.82`)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// Not `digits ["." digits]` with ASCII digits (a sign, exponent, blank, missing digit, ...).
    #[error(
        "threshold `{0}` is not a plain decimal number: write digits with an optional `.` and more digits, e.g. `0.82`"
    )]
    NotDecimal(String),
    /// A plain decimal above 1 (by any amount, however small).
    #[error("threshold `{0}` is out of range: it must be within 0..=1 (e.g. `0.82`)")]
    OutOfRange(String),
}

impl Threshold {
    /// The lowest threshold, `0.0`.
    pub const MIN: Threshold = Threshold::new_const(0.0);
    /// The highest threshold, `1.0`.
    pub const MAX: Threshold = Threshold::new_const(1.0);
    /// The built-in default, `0.80` (layer [`Layer::Builtin`]).
    pub const BUILTIN: Threshold = Threshold::new_const(0.80);

    /// `value`, known to be within `0.0..=1.0` and not `-0.0`.
    const fn within_range(value: f64) -> Threshold {
        // The largest such number, 1.0, has the bits 0x3FF0_0000_0000_0000: the complement
        // of any of them has its top bit set.
        match NonZeroU64::new(!value.to_bits()) {
            Some(bits) => Threshold(bits),
            None => panic!("the complement of a number within 0.0..=1.0 is never zero"),
        }
    }

    /// Validates `value`: it must be finite and within `0.0..=1.0`. `-0.0` is accepted as `0.0`
    /// (normalized, so it never prints as `-0`).
    ///
    /// ```
    /// # use cascade_runtime::{Threshold, ThresholdError};
    /// assert_eq!(Threshold::new(0.5).map(Threshold::get), Ok(0.5));
    /// assert_eq!(Threshold::new(-0.1), Err(ThresholdError::OutOfRange(-0.1)));
    /// assert_eq!(Threshold::new(-0.0).unwrap().to_string(), "0");
    /// ```
    pub const fn new(value: f64) -> Result<Threshold, ThresholdError> {
        if !value.is_finite() {
            Err(ThresholdError::NotFinite(value))
        } else if value < 0.0 || value > 1.0 {
            Err(ThresholdError::OutOfRange(value))
        } else if value == 0.0 {
            // Both zeros compare equal; keep the positive one.
            Ok(Threshold::within_range(0.0))
        } else {
            Ok(Threshold::within_range(value))
        }
    }

    /// Parses a threshold written as decimal text, strictly: the one entry point for every
    /// parser of threshold text (field strings, `.cascade` metadata, attributes, CLI values).
    ///
    /// The grammar is `digits ["." digits]` with ASCII digits only (no sign, exponent, blanks or
    /// leading/trailing `.`). The range is checked on the *text*, before any rounding: the
    /// integer part must be 0, or 1 with only zero fractional digits. So `1.000000000000000000001`
    /// is out of range even though it rounds to the `f64` 1.0. The value is then the `f64`
    /// nearest to the text (`str::parse`).
    ///
    /// ```
    /// use cascade_runtime::{DecimalError, Threshold};
    /// assert_eq!(Threshold::parse_decimal("0.82").map(Threshold::get), Ok(0.82));
    /// assert_eq!(Threshold::parse_decimal("1.000").map(Threshold::get), Ok(1.0));
    /// assert!(matches!(
    ///     Threshold::parse_decimal("1.0000000000000001"),
    ///     Err(DecimalError::OutOfRange(_))
    /// ));
    /// assert!(matches!(Threshold::parse_decimal("8e-1"), Err(DecimalError::NotDecimal(_))));
    /// ```
    pub fn parse_decimal(text: &str) -> Result<Threshold, DecimalError> {
        let not_decimal = || DecimalError::NotDecimal(text.to_owned());
        let (int, frac) = match text.split_once('.') {
            Some((int, frac)) => (int, Some(frac)),
            None => (text, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int) || !frac.is_none_or(all_digits) {
            return Err(not_decimal());
        }
        let int_value = int.trim_start_matches('0');
        let frac_is_zero = frac.is_none_or(|f| f.bytes().all(|b| b == b'0'));
        let in_range = int_value.is_empty() || (int_value == "1" && frac_is_zero);
        if !in_range {
            return Err(DecimalError::OutOfRange(text.to_owned()));
        }
        let value = match short_decimal(int_value, frac.unwrap_or("")) {
            Some(value) => value,
            None => text.parse().map_err(|_| not_decimal())?,
        };
        // The text is within 0..=1, so the nearest f64 is too.
        Threshold::new(value).map_err(|_| DecimalError::OutOfRange(text.to_owned()))
    }

    /// Like [`Threshold::new`], for constants: an invalid value fails compilation when used in a
    /// `const` or `static` (and panics at run time otherwise).
    ///
    /// ```
    /// # use cascade_runtime::Threshold;
    /// const T: Threshold = Threshold::new_const(0.75);
    /// assert_eq!(T.get(), 0.75);
    /// ```
    ///
    /// ```compile_fail
    /// # use cascade_runtime::Threshold;
    /// const T: Threshold = Threshold::new_const(1.5);
    /// ```
    pub const fn new_const(value: f64) -> Threshold {
        match Threshold::new(value) {
            Ok(t) => t,
            Err(_) => panic!("cascade: a threshold must be a finite number within 0.0..=1.0"),
        }
    }

    /// The number.
    ///
    /// ```
    /// # use cascade_runtime::Threshold;
    /// assert_eq!(Threshold::BUILTIN.get(), 0.8);
    /// ```
    pub const fn get(self) -> f64 {
        f64::from_bits(!self.0.get())
    }
}

/// The value of the unsigned decimal `whole.fraction` (ASCII digits, either part may be empty)
/// when it has at most 15 digits, without the general float parser: the digits as an integer
/// (below 2^53) and `10^k` are both exact in f64, so one IEEE division gives the correctly rounded
/// value, exactly what `str::parse` gives (Clinger's fast path). `None` for more digits or a
/// non-digit. [`Threshold::parse_decimal`] and cascade-dsl's `.cascade` scanner use it.
///
/// ```
/// use cascade_runtime::short_decimal;
/// assert_eq!(short_decimal("0", "85"), Some(0.85));
/// assert_eq!(short_decimal("12", ""), Some(12.0));
/// assert_eq!(short_decimal("1", "234567890123456"), None); // 16 digits
/// assert_eq!(short_decimal("1e", "5"), None);
/// ```
pub fn short_decimal(whole: &str, fraction: &str) -> Option<f64> {
    /// `10^k` for `k` in `0..=15`, each exact in f64.
    const POWERS_OF_TEN: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    if whole.len() + fraction.len() > 15 {
        return None;
    }
    let mut mantissa: u64 = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa * 10 + u64::from(b - b'0');
    }
    // At most 15 digits: below 2^53, so the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    let value = mantissa as f64 / POWERS_OF_TEN[fraction.len()];
    Some(value)
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `{}` on f64 prints the shortest text that parses back to the same value.
        write!(f, "{}", self.get())
    }
}

impl fmt::Debug for Threshold {
    /// `Threshold(0.82)`, as a tuple struct of the number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Threshold").field(&self.get()).finish()
    }
}

impl PartialOrd for Threshold {
    /// The order of the numbers.
    fn partial_cmp(&self, other: &Threshold) -> Option<Ordering> {
        self.get().partial_cmp(&other.get())
    }
}

impl Serialize for Threshold {
    /// The number.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Threshold::new(value).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<f64> for Threshold {
    type Error = ThresholdError;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Threshold::new(value)
    }
}

/// Whether a reference points from the owner to the target or back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// `->` and `~>`: the owner points at the target.
    Forward,
    /// `<-` and `<~`: the target points back at the owner.
    Backward,
}

/// Whether a reference is resolved by identity or by similarity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchMode {
    /// `->` and `<-`: no threshold applies.
    Exact,
    /// `~>` and `<~`: a similarity threshold applies.
    Fuzzy,
}

/// One of the four reference operators.
///
/// ```
/// # use cascade_runtime::{Direction, MatchMode, Operator};
/// let op: Operator = "<~".parse().unwrap();
/// assert_eq!(op, Operator::BackwardFuzzy);
/// assert_eq!((op.direction(), op.match_mode()), (Direction::Backward, MatchMode::Fuzzy));
/// assert_eq!(op.to_string(), "<~");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operator {
    /// `->`: create a new target entity.
    ForwardExact,
    /// `~>`: reuse the best target at or above the threshold, else create one.
    ForwardFuzzy,
    /// `<-`: the target links back to this entity.
    BackwardExact,
    /// `<~`: link the best target at or above the threshold; never create.
    BackwardFuzzy,
}

impl Operator {
    /// All operators, in the order of DESIGN §2.
    pub const ALL: [Operator; 4] = [
        Operator::ForwardExact,
        Operator::ForwardFuzzy,
        Operator::BackwardExact,
        Operator::BackwardFuzzy,
    ];

    /// The operator as written: `->`, `~>`, `<-` or `<~`.
    ///
    /// ```
    /// # use cascade_runtime::Operator;
    /// assert_eq!(Operator::ForwardFuzzy.as_str(), "~>");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Operator::ForwardExact => "->",
            Operator::ForwardFuzzy => "~>",
            Operator::BackwardExact => "<-",
            Operator::BackwardFuzzy => "<~",
        }
    }

    /// Forward (`->`, `~>`) or backward (`<-`, `<~`).
    ///
    /// ```
    /// # use cascade_runtime::{Direction, Operator};
    /// assert_eq!(Operator::BackwardExact.direction(), Direction::Backward);
    /// ```
    pub const fn direction(self) -> Direction {
        match self {
            Operator::ForwardExact | Operator::ForwardFuzzy => Direction::Forward,
            Operator::BackwardExact | Operator::BackwardFuzzy => Direction::Backward,
        }
    }

    /// Exact (`->`, `<-`) or fuzzy (`~>`, `<~`).
    ///
    /// ```
    /// # use cascade_runtime::{MatchMode, Operator};
    /// assert_eq!(Operator::ForwardFuzzy.match_mode(), MatchMode::Fuzzy);
    /// ```
    pub const fn match_mode(self) -> MatchMode {
        match self {
            Operator::ForwardExact | Operator::BackwardExact => MatchMode::Exact,
            Operator::ForwardFuzzy | Operator::BackwardFuzzy => MatchMode::Fuzzy,
        }
    }

    /// Whether a similarity threshold applies (`~>`, `<~`).
    ///
    /// ```
    /// # use cascade_runtime::Operator;
    /// assert!(!Operator::ForwardExact.is_fuzzy());
    /// ```
    pub const fn is_fuzzy(self) -> bool {
        matches!(self.match_mode(), MatchMode::Fuzzy)
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not one of `->`, `~>`, `<-`, `<~`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown operator `{0}`: expected one of `->`, `~>`, `<-`, `<~`")]
pub struct UnknownOperator(pub String);

impl std::str::FromStr for Operator {
    type Err = UnknownOperator;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Operator::ALL
            .into_iter()
            .find(|op| op.as_str() == s)
            .ok_or_else(|| UnknownOperator(s.to_owned()))
    }
}

impl Serialize for Operator {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Operator {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// How a type's threshold moves at run time (`$config.thresholdStrategy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// The resolved threshold is used as is (after a dimension adjustment, if enabled).
    #[default]
    Static,
    /// The threshold also moves with the candidate count (DESIGN §5).
    Adaptive,
}

/// The precedence layer a threshold came from, most specific first (DESIGN §4).
///
/// ```
/// # use cascade_runtime::Layer;
/// assert!(Layer::ConfigField < Layer::Builtin);
/// assert_eq!(serde_json::to_string(&Layer::SchemaOwner).unwrap(), "\"schema-owner\"");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    /// 1. runtime field override: config `fields: { "Owner.field": 0.88 }`.
    ConfigField,
    /// 2. schema field or union member: `'~>T(0.85)'`.
    SchemaField,
    /// 3. runtime type override: config `types: { T: 0.75 }`.
    ConfigType,
    /// 4. schema target type: `T.$threshold` or `T.$config.threshold`.
    SchemaType,
    /// 5. schema owner default: `Owner.$fuzzyThreshold`.
    SchemaOwner,
    /// 6. runtime default: config `default`.
    ConfigDefault,
    /// 7. schema default: top-level `$config.default`.
    SchemaDefault,
    /// 8. built-in: 0.80.
    Builtin,
}

impl Layer {
    /// All layers, most specific first.
    pub const ALL: [Layer; 8] = [
        Layer::ConfigField,
        Layer::SchemaField,
        Layer::ConfigType,
        Layer::SchemaType,
        Layer::SchemaOwner,
        Layer::ConfigDefault,
        Layer::SchemaDefault,
        Layer::Builtin,
    ];

    /// The kebab-case name used in JSON output.
    ///
    /// ```
    /// # use cascade_runtime::Layer;
    /// assert_eq!(Layer::ConfigDefault.as_str(), "config-default");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Layer::ConfigField => "config-field",
            Layer::SchemaField => "schema-field",
            Layer::ConfigType => "config-type",
            Layer::SchemaType => "schema-type",
            Layer::SchemaOwner => "schema-owner",
            Layer::ConfigDefault => "config-default",
            Layer::SchemaDefault => "schema-default",
            Layer::Builtin => "builtin",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// The packed representation keeps the number, its order, its text and its `Debug` form
        /// exactly as the number's own.
        #[test]
        fn a_threshold_is_its_number(a in 0.0f64..=1.0, b in 0.0f64..=1.0) {
            let (x, y) = (Threshold::new(a).expect("in range"), Threshold::new(b).expect("in range"));
            prop_assert_eq!(x.get().to_bits(), a.to_bits());
            prop_assert_eq!(x.partial_cmp(&y), a.partial_cmp(&b));
            prop_assert_eq!(x == y, a == b);
            prop_assert_eq!(x.to_string(), a.to_string());
            prop_assert_eq!(format!("{x:?}"), format!("Threshold({a:?})"));
            prop_assert_eq!(serde_json::to_string(&x).ok(), serde_json::to_string(&a).ok());
        }

        /// The fast path of `parse_decimal` gives exactly what `str::parse` gives.
        #[test]
        fn parse_decimal_equals_str_parse(text in "0{1,3}\\.[0-9]{1,20}|(0|00|1)(\\.0{1,20})?") {
            let expected: f64 = text.parse().expect("a decimal");
            let parsed = Threshold::parse_decimal(&text).map(Threshold::get).map(f64::to_bits);
            prop_assert_eq!(parsed, Ok(expected.to_bits()), "{}", text);
        }
    }

    #[test]
    fn threshold_bounds() {
        assert!(Threshold::new(0.0).is_ok());
        assert!(Threshold::new(1.0).is_ok());
        assert_eq!(Threshold::MIN.get(), 0.0);
        assert_eq!(Threshold::MAX.get(), 1.0);
        assert_eq!(Threshold::BUILTIN.get(), 0.8);
        assert!(Threshold::MIN < Threshold::BUILTIN && Threshold::BUILTIN < Threshold::MAX);
        assert!(Threshold::new(1.000_000_1).is_err());
        assert!(Threshold::new(-0.0).is_ok());
        assert!(matches!(
            Threshold::new(f64::INFINITY),
            Err(ThresholdError::NotFinite(_))
        ));
    }

    #[test]
    fn threshold_deserialize_checks_range() {
        assert!(serde_json::from_str::<Threshold>("0.82").is_ok());
        assert!(serde_json::from_str::<Threshold>("1.5").is_err());
    }

    #[test]
    fn operator_round_trip() {
        for op in Operator::ALL {
            assert_eq!(op.as_str().parse::<Operator>(), Ok(op));
        }
        assert!("<->".parse::<Operator>().is_err());
    }

    #[test]
    fn layer_order_is_precedence() {
        let mut sorted = Layer::ALL;
        sorted.sort();
        assert_eq!(sorted, Layer::ALL);
    }

    #[test]
    fn negative_zero_is_normalized() {
        const Z: Threshold = Threshold::new_const(-0.0);
        assert!(Z.get().is_sign_positive());
        let t = Threshold::new(-0.0).unwrap();
        assert!(t.get().is_sign_positive());
        assert_eq!(t.to_string(), "0");
        assert_eq!(serde_json::to_string(&t).unwrap(), "0.0");
        let back: Threshold = serde_json::from_str("-0.0").unwrap();
        assert!(back.get().is_sign_positive());
        assert_eq!(serde_json::to_string(&back).unwrap(), "0.0");
        assert_eq!(
            Threshold::try_from(-0.0).map(|t| t.to_string()),
            Ok("0".to_owned())
        );
    }

    #[test]
    fn parse_decimal_accepts_plain_decimals_within_0_and_1() {
        for (text, want) in [
            ("0", 0.0),
            ("0.0", 0.0),
            ("00.5", 0.5),
            ("0.82", 0.82),
            ("1", 1.0),
            ("1.0", 1.0),
            ("01.000000000000000000000000", 1.0),
            ("0.99999999999999999999", 1.0),
            ("0.000000000000000000001", 1e-21),
        ] {
            assert_eq!(
                Threshold::parse_decimal(text).map(Threshold::get),
                Ok(want),
                "{text}"
            );
        }
    }

    #[test]
    fn parse_decimal_rejects_text_above_1_however_close() {
        for text in [
            "1.000000000000000000001",
            "1.0000000000000001",
            "1.5",
            "2",
            "10",
            "10.0",
            "001.01",
        ] {
            assert_eq!(
                Threshold::parse_decimal(text),
                Err(DecimalError::OutOfRange(text.to_owned())),
                "{text}"
            );
        }
    }

    #[test]
    fn parse_decimal_rejects_anything_but_digits_dot_digits() {
        for text in [
            "",
            ".",
            ".5",
            "5.",
            "-0",
            "-0.5",
            "+0.5",
            "0.5 ",
            " 0.5",
            "8e-1",
            "0.8e0",
            "0x1",
            "NaN",
            "inf",
            "0..5",
            "0.5.1",
            "0,5",
            "\u{ff10}.5",
            "٠.5",
            "0_5",
        ] {
            assert_eq!(
                Threshold::parse_decimal(text),
                Err(DecimalError::NotDecimal(text.to_owned())),
                "{text:?}"
            );
        }
    }

    #[test]
    fn decimal_errors_name_the_text() {
        let e = Threshold::parse_decimal("1.0000000000000001").unwrap_err();
        assert!(e.to_string().contains("`1.0000000000000001`"), "{e}");
        let e = Threshold::parse_decimal("-0.5").unwrap_err();
        assert!(e.to_string().contains("`-0.5`"), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn any_threshold_printed_parses_back_to_itself(x in 0.0f64..=1.0) {
            let text = format!("{x}");
            proptest::prop_assert_eq!(Threshold::parse_decimal(&text).map(Threshold::get), Ok(x));
        }

        #[test]
        fn text_above_1_by_any_amount_is_out_of_range(
            zeros in 0usize..40,
            digit in 1u8..=9,
            tail in "[0-9]{0,5}",
            int in "[1-9][0-9]{0,3}",
        ) {
            let tiny = format!("1.{}{digit}{tail}", "0".repeat(zeros));
            proptest::prop_assert!(matches!(
                Threshold::parse_decimal(&tiny),
                Err(DecimalError::OutOfRange(_))
            ), "{}", tiny);
            if int != "1" {
                let big = format!("{int}.{tail}0");
                proptest::prop_assert!(matches!(
                    Threshold::parse_decimal(&big),
                    Err(DecimalError::OutOfRange(_))
                ), "{}", big);
            }
        }
    }
}
