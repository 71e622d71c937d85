//! `#[cascade(..)]` attributes on the type and on fields.
//!
//! As in serde_derive's attr.rs, parsing never stops at the first problem: every bad key, value
//! or duplicate is recorded in the [`Ctxt`] and parsing continues with the next key, so one
//! compile shows every error of a type. A value that cannot be read is skipped, never guessed.
//! syn's `parse_nested_meta` stops at the first syntax error (an empty `config()`, a literal where
//! a key belongs), so lists are read by [`each_key`], which resumes after the next comma.

use cascade_dsl::codes::Code;
use cascade_dsl::validate::did_you_mean;
use cascade_runtime::{DecimalError, Strategy, Threshold};
use proc_macro2::TokenTree;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, ExprUnary, Ident, Lit, LitStr, Path, PathSegment, Token, UnOp};

use super::Ctxt;
use super::symbol::{
    CASCADE, CONFIG, CONFIG_KEYS, CRATE, FUZZY_THRESHOLD, INSTRUCTIONS, STRATEGY, Symbol,
    THRESHOLD, TYPE_KEYS,
};

/// A value that may be set once; a second set is a "duplicate cascade attribute" error
/// (serde's `Attr<T>`).
struct Attr<'c, T> {
    cx: &'c Ctxt,
    duplicate: String,
    value: Option<T>,
}

impl<'c, T> Attr<'c, T> {
    fn none(cx: &'c Ctxt, name: &'static str) -> Self {
        Attr::with_duplicate_message(cx, format!("duplicate cascade attribute `{name}`"))
    }

    fn with_duplicate_message(cx: &'c Ctxt, duplicate: String) -> Self {
        Attr {
            cx,
            duplicate,
            value: None,
        }
    }

    fn set<A: ToTokens>(&mut self, obj: A, value: T) {
        if self.value.is_some() {
            self.cx.error_spanned_by(obj, &self.duplicate);
        } else {
            self.value = Some(value);
        }
    }

    fn get(self) -> Option<T> {
        self.value
    }
}

/// The `#[cascade(..)]` attributes of the deriving type.
pub(crate) struct TypeAttrs {
    /// `threshold = ..` or `config(threshold = ..)`.
    pub(crate) threshold: Option<Threshold>,
    /// Whether the threshold was written inside `config(..)` (provenance `T.$config.threshold`).
    pub(crate) threshold_in_config: bool,
    /// `config(strategy = "..")`.
    pub(crate) strategy: Option<Strategy>,
    /// `fuzzy_threshold = ..`.
    pub(crate) fuzzy_threshold: Option<Threshold>,
    /// `instructions = ".."`.
    pub(crate) instructions: Option<String>,
    /// `crate = "my_sdk::cascade"`: the path generated code names `cascade` by, for a crate
    /// that uses it through a re-export.
    pub(crate) cascade: Option<syn::Path>,
}

impl TypeAttrs {
    /// Reads every `#[cascade(..)]` on the type.
    pub(crate) fn from_ast(cx: &Ctxt, attrs: &[syn::Attribute]) -> TypeAttrs {
        let mut threshold = Attr::none(cx, "threshold");
        let mut config_threshold = Attr::none(cx, "config(threshold)");
        let mut strategy = Attr::none(cx, "config(strategy)");
        let mut fuzzy_threshold = Attr::none(cx, "fuzzy_threshold");
        let mut instructions = Attr::none(cx, "instructions");
        let mut cascade = Attr::none(cx, "crate");
        // The key of `config(threshold)`, where a conflict with `threshold` is reported.
        let mut config_threshold_key = None;

        for attr in attrs.iter().filter(|attr| attr.path() == CASCADE) {
            if let syn::Meta::List(list) = &attr.meta
                && let Ok(lit) = syn::parse2::<LitStr>(list.tokens.clone())
            {
                cx.error_spanned_by(
                    lit,
                    "a field definition belongs on a field, not on the type\n\
                     = help: type attributes are `threshold = 0.82`, `config(threshold = 0.82, strategy = \"adaptive\")`, `fuzzy_threshold = 0.6`",
                );
                continue;
            }
            let result = attr.parse_args_with(|input: ParseStream<'_>| {
                each_key(cx, input, |meta| {
                    if meta.path == THRESHOLD {
                        if let Some(value) = parse_threshold(cx, &meta)? {
                            threshold.set(&meta.path, value);
                        }
                    } else if meta.path == FUZZY_THRESHOLD {
                        if let Some(value) = parse_threshold(cx, &meta)? {
                            fuzzy_threshold.set(&meta.path, value);
                        }
                    } else if meta.path == INSTRUCTIONS {
                        if let Some(value) = parse_string(cx, &meta, "instructions = \"..\"")? {
                            instructions.set(&meta.path, value.value());
                        }
                    } else if meta.path == CRATE {
                        if let Some(value) = parse_string(cx, &meta, "crate = \"my_sdk::cascade\"")? {
                            match value.parse::<syn::Path>() {
                                Ok(path) => cascade.set(&meta.path, path),
                                Err(_) => cx.error_spanned_by(
                                    &value,
                                    format!(
                                        "`{}` is not a path\n= help: name the re-export of `cascade`: `crate = \"my_sdk::cascade\"`",
                                        value.value()
                                    ),
                                ),
                            }
                        }
                    } else if meta.path == CONFIG {
                        if !meta.input.peek(syn::token::Paren) {
                            cx.error_spanned_by(
                                &meta.path,
                                "expected `config(..)`: `#[cascade(config(threshold = 0.82, strategy = \"adaptive\"))]`",
                            );
                            skip_value(meta.input);
                            return Ok(());
                        }
                        let content;
                        syn::parenthesized!(content in meta.input);
                        // An empty `config()` sets nothing, as `$config: {}` in a `.cascade` file.
                        each_key(cx, &content, |inner| {
                            if inner.path == THRESHOLD {
                                if let Some(value) = parse_threshold(cx, &inner)? {
                                    if config_threshold_key.is_none() {
                                        config_threshold_key = Some(inner.path.clone());
                                    }
                                    config_threshold.set(&inner.path, value);
                                }
                            } else if inner.path == STRATEGY {
                                if let Some(value) = parse_strategy(cx, &inner)? {
                                    strategy.set(&inner.path, value);
                                }
                            } else {
                                unknown_key(cx, &inner, "cascade config", CONFIG_KEYS);
                                skip_value(inner.input);
                            }
                            Ok(())
                        });
                    } else if meta.path == STRATEGY {
                        cx.error_spanned_by(
                            &meta.path,
                            "`strategy` goes inside `config(..)`\n\
                             = help: write `#[cascade(config(strategy = \"adaptive\"))]`",
                        );
                        skip_value(meta.input);
                    } else {
                        unknown_key(cx, &meta, "cascade", TYPE_KEYS);
                        skip_value(meta.input);
                    }
                    Ok(())
                });
                Ok(())
            });
            if let Err(err) = result {
                cx.syn_error(err);
            }
        }

        let threshold_in_config = threshold.value.is_none() && config_threshold.value.is_some();
        let threshold = match (threshold.get(), config_threshold.get()) {
            (Some(_), Some(_)) => {
                if let Some(key) = &config_threshold_key {
                    cx.error_spanned_by(
                        key,
                        coded(
                            Code::ConflictingThreshold,
                            "`threshold` and `config(threshold)` both set the type's threshold",
                            Some("keep one of them"),
                        ),
                    );
                }
                None
            }
            (one, other) => one.or(other),
        };

        TypeAttrs {
            threshold,
            threshold_in_config,
            strategy: strategy.get(),
            fuzzy_threshold: fuzzy_threshold.get(),
            instructions: instructions.get(),
            cascade: cascade.get(),
        }
    }
}

/// The `#[cascade("..")]` definition of a field, if it has one.
pub(crate) fn field_definition(cx: &Ctxt, attrs: &[syn::Attribute]) -> Option<LitStr> {
    let mut definition = Attr::with_duplicate_message(
        cx,
        "duplicate cascade field definition: a field has one `#[cascade(\"..\")]`".to_owned(),
    );
    for attr in attrs.iter().filter(|attr| attr.path() == CASCADE) {
        let tokens = match &attr.meta {
            syn::Meta::List(list) => &list.tokens,
            _ => {
                cx.error_spanned_by(
                    attr,
                    "expected a field definition: `#[cascade(\"~>Target\")]`",
                );
                continue;
            }
        };
        match syn::parse2::<LitStr>(tokens.clone()) {
            Ok(lit) => definition.set(&lit, lit.clone()),
            // Empty tokens have no span of their own: point at the attribute.
            Err(_) if tokens.is_empty() => cx.error_spanned_by(
                attr,
                "empty `#[cascade()]` on a field: expected a field definition string\n\
                 = help: write the definition, e.g. `#[cascade(\"~>Target\")]` or \
                 `#[cascade(\"string\")]`, or remove the attribute",
            ),
            Err(_) => {
                let hint = if tokens.to_string().starts_with("threshold") {
                    "\n= help: a field's threshold is part of its definition: `#[cascade(\"~>Target(0.85)\")]`"
                } else {
                    ""
                };
                cx.error_spanned_by(
                    tokens,
                    format!(
                        "expected a field definition string, found `{tokens}`: `#[cascade(\"~>Target\")]`{hint}"
                    ),
                );
            }
        }
    }
    definition.get()
}

/// A message with the dsl's code and help, laid out as rustc lays out its own notes.
pub(crate) fn coded(code: Code, message: &str, help: Option<&str>) -> String {
    let mut out = message.to_owned();
    if let Some(help) = help {
        out.push_str("\n= help: ");
        out.push_str(help);
    }
    out.push_str("\n= note: error code `");
    out.push_str(code.as_str());
    out.push('`');
    out
}

/// One `key ..` of an attribute list: syn's `ParseNestedMeta`, which only syn can build.
struct Meta<'a> {
    /// The key.
    path: Path,
    /// What follows the key: `= value`, `(..)`, or the next `,`.
    input: ParseStream<'a>,
}

impl<'a> Meta<'a> {
    /// The stream after `=`, for `key = value`.
    fn value(&self) -> syn::Result<ParseStream<'a>> {
        self.input.parse::<Token![=]>()?;
        Ok(self.input)
    }
}

/// Runs `logic` on every `key ..` of the comma-separated `input`. Unlike syn's
/// `parse_nested_meta`, it never stops: a token where a key belongs, an error from `logic`, or
/// junk after a value is recorded in `cx`, and reading resumes after the next comma.
fn each_key<'a>(
    cx: &Ctxt,
    input: ParseStream<'a>,
    mut logic: impl FnMut(Meta<'a>) -> syn::Result<()>,
) {
    while !input.is_empty() {
        let read = key(input).and_then(|path| logic(Meta { path, input }));
        if let Err(err) = read {
            cx.syn_error(err);
            skip_value(input);
        }
        if !input.is_empty()
            && let Err(err) = input.parse::<Token![,]>()
        {
            cx.syn_error(err);
            skip_value(input);
            // The comma itself, if any: the loop ends at the end of input.
            let _ = input.parse::<Option<Token![,]>>();
        }
    }
}

/// A key: an identifier (keywords too: `crate`) or a path, as syn's attribute parser reads it.
fn key(input: ParseStream<'_>) -> syn::Result<Path> {
    let leading_colon = input.parse::<Option<Token![::]>>()?;
    if !input.peek(Ident::peek_any) {
        return Err(input.error("expected a cascade attribute key, e.g. `threshold = 0.82`"));
    }
    let mut segments = Punctuated::new();
    segments.push_value(PathSegment::from(input.call(Ident::parse_any)?));
    while input.peek(Token![::]) {
        segments.push_punct(input.parse()?);
        segments.push_value(PathSegment::from(input.call(Ident::parse_any)?));
    }
    Ok(Path {
        leading_colon,
        segments,
    })
}

fn unknown_key(cx: &Ctxt, meta: &Meta<'_>, what: &str, keys: &[Symbol]) {
    let key = meta.path.to_token_stream().to_string().replace(' ', "");
    let mut message = format!("unknown {what} attribute `{key}`");
    match did_you_mean(&key, keys.iter().map(|k| k.0)) {
        Some(suggestion) => message.push_str(&format!("\n= help: did you mean `{suggestion}`?")),
        None => {
            let expected: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            message.push_str(&format!(
                "\n= help: expected one of {}",
                expected.join(", ")
            ));
        }
    }
    cx.error_spanned_by(&meta.path, message);
}

/// Consumes whatever is left of the current `key ..` up to the next comma, so parsing continues
/// with the next key after an error. A value is read as an expression first, so the commas of
/// `threshold = foo::<A, B>` are not taken for the end of it.
fn skip_value(input: ParseStream<'_>) {
    if input.peek(Token![=]) && input.parse::<Token![=]>().is_ok() {
        // On failure the loop below skips whatever the parse left.
        let _ = input.parse::<Expr>();
    }
    while !input.is_empty() && !input.peek(Token![,]) {
        if input.parse::<TokenTree>().is_err() {
            break;
        }
    }
}

fn parse_string(cx: &Ctxt, meta: &Meta<'_>, form: &str) -> syn::Result<Option<LitStr>> {
    if !meta.input.peek(Token![=]) {
        cx.error_spanned_by(&meta.path, format!("expected a value: `{form}`"));
        skip_value(meta.input);
        return Ok(None);
    }
    let expr: Expr = meta.value()?.parse()?;
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => Ok(Some(lit)),
        other => {
            cx.error_spanned_by(&other, format!("expected a string: `{form}`"));
            Ok(None)
        }
    }
}

fn parse_strategy(cx: &Ctxt, meta: &Meta<'_>) -> syn::Result<Option<Strategy>> {
    let Some(lit) = parse_string(cx, meta, "strategy = \"adaptive\"")? else {
        return Ok(None);
    };
    match lit.value().as_str() {
        "static" => Ok(Some(Strategy::Static)),
        "adaptive" => Ok(Some(Strategy::Adaptive)),
        other => {
            let help = match did_you_mean(other, ["static", "adaptive"]) {
                Some(s) => format!("did you mean `\"{s}\"`?"),
                None => "write `strategy = \"static\"` or `strategy = \"adaptive\"`".to_owned(),
            };
            cx.error_spanned_by(
                &lit,
                coded(
                    Code::InvalidMetadataValue,
                    &format!("unknown strategy `{other}`: expected `static` or `adaptive`"),
                    Some(&help),
                ),
            );
            Ok(None)
        }
    }
}

// The same wording as the field grammar's, so both front ends read alike.
const THRESHOLD_HELP: &str = "write a similarity from 0.0 to 1.0, e.g. `0.85`";

/// `threshold = 0.82`: a plain decimal literal within `0.0..=1.0`, checked with
/// [`Threshold::new`], the one definition of a valid threshold.
fn parse_threshold(cx: &Ctxt, meta: &Meta<'_>) -> syn::Result<Option<Threshold>> {
    let key = meta.path.to_token_stream().to_string();
    if !meta.input.peek(Token![=]) {
        cx.error_spanned_by(&meta.path, format!("expected a value: `{key} = 0.82`"));
        skip_value(meta.input);
        return Ok(None);
    }
    let expr: Expr = meta.value()?.parse()?;
    let text = match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Float(lit),
            ..
        }) if lit.suffix().is_empty() => lit.base10_digits().to_owned(),
        Expr::Lit(ExprLit {
            lit: Lit::Int(lit), ..
        }) if lit.suffix().is_empty() => lit.base10_digits().to_owned(),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr: inner,
            ..
        }) if matches!(
            **inner,
            Expr::Lit(ExprLit {
                lit: Lit::Float(_) | Lit::Int(_),
                ..
            })
        ) =>
        {
            let written = expr.to_token_stream().to_string().replace(' ', "");
            cx.error_spanned_by(
                &expr,
                coded(
                    Code::ThresholdOutOfRange,
                    &format!("threshold `{written}` must be within 0.0..=1.0"),
                    Some(THRESHOLD_HELP),
                ),
            );
            return Ok(None);
        }
        other => {
            let written = other.to_token_stream().to_string().replace(' ', "");
            // A quoted number or one with a type suffix: say exactly what to write instead.
            let plain = match other {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(lit), ..
                }) => Some((lit.value(), "remove the quotes")),
                Expr::Lit(ExprLit {
                    lit: Lit::Float(lit),
                    ..
                }) => Some((lit.base10_digits().to_owned(), "remove the suffix")),
                Expr::Lit(ExprLit {
                    lit: Lit::Int(lit), ..
                }) => Some((lit.base10_digits().to_owned(), "remove the suffix")),
                _ => None,
            };
            let help = match plain {
                Some((text, fix))
                    if is_plain_decimal(&text) && Threshold::parse_decimal(&text).is_ok() =>
                {
                    format!("{fix}: `{text}`")
                }
                _ => THRESHOLD_HELP.to_owned(),
            };
            cx.error_spanned_by(
                other,
                coded(
                    Code::InvalidThreshold,
                    &format!("threshold `{written}` is not a plain decimal"),
                    Some(&help),
                ),
            );
            return Ok(None);
        }
    };
    // Rust accepts `1e-1`, `1.` and `0.8_5`; the grammar accepts `digits[.digits]` only, and
    // so does the derive, so a threshold reads the same in both front ends.
    let written = expr.to_token_stream().to_string();
    if !is_plain_decimal(&written) {
        // `1e-1` and `1.` mean a number; say which plain decimal to write instead.
        let help = match text
            .parse::<f64>()
            .ok()
            .and_then(|v| Threshold::new(v).ok())
        {
            Some(value) => format!("write `{:?}`", value.get()),
            None => THRESHOLD_HELP.to_owned(),
        };
        cx.error_spanned_by(
            &expr,
            coded(
                Code::InvalidThreshold,
                &format!("threshold `{written}` is not a plain decimal"),
                Some(&help),
            ),
        );
        return Ok(None);
    }
    // The written digits decide the range, as in the grammar: `1.0000000000000000001` is above
    // 1 even though the nearest f64 is 1.0.
    match Threshold::parse_decimal(&text) {
        Ok(threshold) => Ok(Some(threshold)),
        Err(DecimalError::NotDecimal(_)) => {
            cx.error_spanned_by(
                &expr,
                coded(
                    Code::InvalidThreshold,
                    &format!("invalid threshold `{written}`"),
                    Some(THRESHOLD_HELP),
                ),
            );
            Ok(None)
        }
        Err(DecimalError::OutOfRange(_)) => {
            cx.error_spanned_by(
                &expr,
                coded(
                    Code::ThresholdOutOfRange,
                    &format!("threshold `{written}` must be within 0.0..=1.0"),
                    Some(THRESHOLD_HELP),
                ),
            );
            Ok(None)
        }
    }
}

/// `digits ["." digits]`, ASCII only.
fn is_plain_decimal(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match text.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals_only() {
        for ok in ["0", "1", "0.82", "1.0", "00.5"] {
            assert!(is_plain_decimal(ok), "{ok}");
        }
        for bad in [
            "", ".5", "1.", "1e-1", "0.8.1", "0.8_5", "-0.1", "NaN", "0x1",
        ] {
            assert!(!is_plain_decimal(bad), "{bad}");
        }
    }

    fn type_errors(attrs: syn::DeriveInput) -> Vec<String> {
        let cx = Ctxt::new();
        TypeAttrs::from_ast(&cx, &attrs.attrs);
        match cx.check() {
            Ok(()) => Vec::new(),
            Err(err) => err.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn gathers_every_type_attribute_error() {
        let input: syn::DeriveInput = syn::parse_quote! {
            #[cascade(thresold = 0.8, threshold = 1.5, fuzzy_threshold = 1e-1)]
            #[cascade(config(strategy = "dynamic", threshold = 0.5), fuzzy_threshold = 0.6)]
            #[cascade(fuzzy_threshold = 0.7)]
            struct T;
        };
        let errors = type_errors(input);
        assert_eq!(errors.len(), 5, "{errors:#?}");
        assert!(errors[0].starts_with(
            "unknown cascade attribute `thresold`\n= help: did you mean `threshold`?"
        ));
        assert!(errors[1].starts_with("threshold `1.5` must be within 0.0..=1.0"));
        assert!(
            errors[2].starts_with("threshold `1e-1` is not a plain decimal\n= help: write `0.1`")
        );
        assert!(errors[3].starts_with("unknown strategy `dynamic`"));
        assert_eq!(errors[4], "duplicate cascade attribute `fuzzy_threshold`");
    }

    /// syn's own loop stops at an empty `config()` with "unexpected end of input": the keys
    /// after it were never checked.
    #[test]
    fn an_empty_config_sets_nothing_and_stops_nothing() {
        let input: syn::DeriveInput = syn::parse_quote! {
            #[cascade(config(), thresold = 0.9, fuzzy_threshold = 2)]
            struct A;
        };
        let errors = type_errors(input);
        assert_eq!(errors.len(), 2, "{errors:#?}");
        assert!(errors[0].starts_with("unknown cascade attribute `thresold`"));
        assert!(errors[1].starts_with("threshold `2` must be within 0.0..=1.0"));
    }

    #[test]
    fn syntax_errors_stop_nothing() {
        let input: syn::DeriveInput = syn::parse_quote! {
            #[cascade(0.5, threshold = , config(strategy "static", threshold = 0.9 0.8,), fuzzy_threshold = 1.5)]
            #[cascade(, instructions = 1,, crate = "a b")]
            #[cascade]
            struct A;
        };
        let errors = type_errors(input);
        let first_lines: Vec<&str> = errors.iter().filter_map(|e| e.lines().next()).collect();
        assert_eq!(
            first_lines,
            [
                "expected a cascade attribute key, e.g. `threshold = 0.82`",
                "expected an expression",
                "expected a value: `strategy = \"adaptive\"`",
                "expected `,`",
                "threshold `1.5` must be within 0.0..=1.0",
                "expected a cascade attribute key, e.g. `threshold = 0.82`",
                "expected a string: `instructions = \"..\"`",
                "expected a cascade attribute key, e.g. `threshold = 0.82`",
                "`a b` is not a path",
                "expected attribute arguments in parentheses: #[cascade(...)]",
            ]
        );
    }

    #[test]
    fn reads_valid_type_attributes() {
        let input: syn::DeriveInput = syn::parse_quote! {
            #[cascade(config(threshold = 0.78, strategy = "adaptive"), fuzzy_threshold = 0.6)]
            struct T;
        };
        let cx = Ctxt::new();
        let attrs = TypeAttrs::from_ast(&cx, &input.attrs);
        assert!(cx.check().is_ok());
        assert_eq!(attrs.threshold.map(Threshold::get), Some(0.78));
        assert_eq!(attrs.strategy, Some(Strategy::Adaptive));
        assert_eq!(attrs.fuzzy_threshold.map(Threshold::get), Some(0.6));
    }

    #[test]
    fn conflicting_thresholds() {
        let input: syn::DeriveInput = syn::parse_quote! {
            #[cascade(threshold = 0.8, config(threshold = 0.7))]
            struct T;
        };
        let errors = type_errors(input);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(errors[0].contains("conflicting-threshold"));
    }
}
