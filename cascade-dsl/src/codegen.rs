//! The one code generator: a validated [`model`](crate::model) → Rust tokens.
//!
//! `#[derive(Cascade)]` returns [`impl_type`]'s tokens for the deriving struct; `build.rs`
//! ([`crate::build`]) pretty-prints [`generate`]'s module for a whole `.cascade` file. Both emit
//! the same `impl Cascade` per type, so a schema yields the same tables either way.
//!
//! Generated code names the runtime only through `::cascade::__private` (or `PATH::__private`
//! when the crate is re-exported: `#[cascade(crate = "PATH")]`, [`generate_in`],
//! [`Config::cascade_path`](crate::build::Config::cascade_path)), uses fully qualified
//! paths, and is wrapped in `const _: () = { .. };` ([`wrap_in_const`]). A target type's
//! threshold is read through `<Target as ::cascade::__private::Target>::THRESHOLD` — a `const` of
//! its own, because reading another type's `TABLE` would be a const-evaluation cycle for
//! self-references and types that refer to each other. A self-reference reads `<Self as ..>`, so
//! a generic type can refer to itself by its bare name (`~>Node` in `struct Node<T>`).

use cascade_runtime::{Operator, Strategy, Threshold};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use crate::model::{EntityType, Field, Schema};

/// How [`impl_type`] names the implementing type and where it puts spans.
pub struct TypeImpl<'a> {
    /// The type the impls are for: `Startup`, or `Page<T>` with its generics.
    pub self_ty: TokenStream,
    /// `<T: Bound>` for `impl<..>`, empty without generics.
    pub impl_generics: TokenStream,
    /// `where ..`, empty without a where clause.
    pub where_clause: TokenStream,
    /// The schema-wide default (`$config.default`), copied into the type's table.
    pub schema_default: Option<Threshold>,
    /// Where a field's generated target paths point, so "cannot find type" and "does not derive
    /// `Cascade`" errors land on the field's definition.
    pub field_span: &'a dyn Fn(&Field) -> Span,
    /// The path generated code names the `cascade` crate by: `::cascade`, or the path of a
    /// re-export (`my_sdk::cascade`) for crates that do not depend on `cascade` themselves.
    pub cascade: TokenStream,
}

/// The path generated code names the `cascade` crate by, unless told otherwise.
fn default_cascade() -> TokenStream {
    quote!(::cascade)
}

impl<'a> TypeImpl<'a> {
    /// A non-generic type named `ident`, with call-site spans (the build.rs path).
    pub fn named(ident: &Ident, schema_default: Option<Threshold>) -> TypeImpl<'a> {
        TypeImpl {
            self_ty: quote!(#ident),
            impl_generics: TokenStream::new(),
            where_clause: TokenStream::new(),
            schema_default,
            field_span: &|_| Span::call_site(),
            cascade: default_cascade(),
        }
    }
}

/// The `impl Cascade` and `impl Target` of one entity type, not yet wrapped in a `const _`.
///
/// ```
/// use cascade_dsl::{codegen, model::EntityType, Span};
/// use cascade_runtime::Threshold;
///
/// let mut icp = EntityType::new("ICP", Span::new(0, 3));
/// icp.threshold = Some(Threshold::new_const(0.82));
/// let ident = proc_macro2::Ident::new("ICP", proc_macro2::Span::call_site());
/// let tokens = codegen::impl_type(&icp, &codegen::TypeImpl::named(&ident, None)).to_string();
/// assert!(tokens.contains(r#"Written :: new (0.82 , "ICP.$threshold")"#));
/// ```
pub fn impl_type(ty: &EntityType, imp: &TypeImpl<'_>) -> TokenStream {
    let TypeImpl {
        self_ty,
        impl_generics,
        where_clause,
        schema_default,
        field_span,
        cascade,
    } = imp;
    let private = private(cascade);
    let name = ty.name.as_str();
    let threshold = written(
        ty.threshold,
        &format!("{name}.{}", ty.threshold_key.as_str()),
        &private,
    );
    let strategy = strategy(ty.strategy, &private);
    let fuzzy_threshold = written(
        ty.fuzzy_threshold,
        &format!("{name}.$fuzzyThreshold"),
        &private,
    );
    let schema_default = written(*schema_default, "$config.default", &private);

    // Sorted by name: the runtime looks fields up by binary search, and the output must not
    // depend on declaration order.
    let mut fields: Vec<&Field> = ty.fields.iter().collect();
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    let fields = fields
        .into_iter()
        .map(|field| field_table(ty, field, field_span(field), &private));

    quote! {
        #[automatically_derived]
        impl #impl_generics #private::Cascade for #self_ty #where_clause {
            const TABLE: &'static #private::TypeTable = &#private::TypeTable {
                name: #name,
                threshold: <Self as #private::Target>::THRESHOLD,
                strategy: <Self as #private::Target>::STRATEGY,
                fuzzy_threshold: #fuzzy_threshold,
                schema_default: #schema_default,
                fields: &[#(#fields),*],
            };
        }

        #[automatically_derived]
        impl #impl_generics #private::Target for #self_ty #where_clause {
            const THRESHOLD: #private::Option<#private::Written> = #threshold;
            const STRATEGY: #private::Option<#private::Strategy> = #strategy;
        }
    }
}

/// The module `build.rs` writes for a whole schema: one unit struct per type (sorted by name),
/// their impls (the same [`impl_type`] the derive uses), and `pub static SCHEMA`.
///
/// The model must be valid (see [`check_names`]); a name that cannot be a Rust identifier becomes
/// a `compile_error!` in the output rather than a panic.
///
/// ```
/// use cascade_dsl::{codegen, model::Schema};
/// let tokens = codegen::generate(&Schema::default()).to_string();
/// assert!(tokens.contains("pub static SCHEMA"));
/// ```
pub fn generate(schema: &Schema) -> TokenStream {
    generate_in(schema, &default_cascade())
}

/// [`generate`] for code that names the `cascade` crate by the path `cascade` (a re-export such
/// as `my_sdk::cascade`) instead of `::cascade`.
///
/// ```
/// use cascade_dsl::codegen;
/// let schema = cascade_dsl::check("{ ICP: { name: 'string' } }").unwrap();
/// let tokens = codegen::generate_in(&schema, &quote::quote!(my_sdk::cascade)).to_string();
/// assert!(tokens.contains("impl my_sdk :: cascade :: __private :: Cascade for ICP"));
/// // Every path to the runtime goes through the re-export.
/// let all = tokens.matches("cascade :: __private").count();
/// assert_eq!(tokens.matches("my_sdk :: cascade :: __private").count(), all);
/// ```
pub fn generate_in(schema: &Schema, cascade: &TokenStream) -> TokenStream {
    let private = private(cascade);
    let mut types: Vec<&EntityType> = schema.types.iter().collect();
    types.sort_by(|a, b| a.name.cmp(&b.name));

    let mut structs = Vec::new();
    let mut impls = Vec::new();
    let mut tables = Vec::new();
    for ty in types {
        let ident = match type_ident(&ty.name) {
            Ok(ident) => ident,
            Err(message) => {
                structs.push(quote!(::core::compile_error!(#message);));
                continue;
            }
        };
        let doc = type_doc(ty);
        // The names are the schema's, not Rust's conventions: `ICP`, `match`.
        let allow = quote!(#[allow(non_camel_case_types, clippy::upper_case_acronyms)]);
        structs.push(quote! {
            #(#[doc = #doc])*
            #allow
            #[derive(
                ::core::clone::Clone,
                ::core::marker::Copy,
                ::core::fmt::Debug,
                ::core::default::Default,
                ::core::cmp::PartialEq,
                ::core::cmp::Eq,
                ::core::hash::Hash,
            )]
            pub struct #ident;
        });
        let imp = TypeImpl {
            cascade: cascade.clone(),
            ..TypeImpl::named(&ident, schema.default)
        };
        impls.push(impl_type(ty, &imp));
        tables.push(quote!(*<#ident as #private::Cascade>::TABLE));
    }
    let default = written(schema.default, "$config.default", &private);
    let count = Literal::usize_unsuffixed(tables.len());
    let impls = wrap_in_const(quote!(#(#impls)*));

    quote! {
        #(#structs)*

        #impls

        /// The whole schema, for lookups by type name.
        pub static SCHEMA: #private::Schema = {
            static __CASCADE_TYPES: [#private::TypeTable; #count] = [#(#tables),*];
            #private::Schema {
                default: #default,
                types: &__CASCADE_TYPES,
                index: &#private::build_index::<{ #private::index_len(#count) }>(&__CASCADE_TYPES),
            }
        };
    }
}

/// Checks that every type name of `schema` can be a generated Rust item: not `Self`, `self`,
/// `super` or `crate` (other keywords become raw identifiers), and not `SCHEMA`.
///
/// ```
/// use cascade_dsl::{codegen, model::Schema};
/// assert!(codegen::check_names(&Schema::default()).is_empty());
/// ```
pub fn check_names(schema: &Schema) -> Vec<crate::diag::Diagnostic> {
    use crate::{codes::Code, diag::Diagnostic};
    schema
        .types
        .iter()
        .filter_map(|ty| {
            let problem = if ty.name == "SCHEMA" {
                format!(
                    "type name `{}` is reserved: the generated module declares `pub static SCHEMA`",
                    ty.name
                )
            } else {
                type_ident(&ty.name).err()?
            };
            Some(
                Diagnostic::error(Code::InvalidEntityName, problem, ty.span)
                    .with_label("not usable as a Rust type name")
                    .with_help("rename the type"),
            )
        })
        .collect()
}

/// Wraps generated items in `const _: () = { .. };`, so helper items never collide with the
/// user's and lints about the user's naming stay quiet (serde_derive's `wrap_in_const`).
pub fn wrap_in_const(items: TokenStream) -> TokenStream {
    quote! {
        #[doc(hidden)]
        #[allow(unused_qualifications, non_upper_case_globals)]
        const _: () = {
            #items
        };
    }
}

/// Keywords that edition 2024 reserves and syn 2 still reads as identifiers.
const RESERVED_SINCE_2024: &[&str] = &["gen"];

/// The identifier of a generated type: a raw identifier for keywords such as `type`.
///
/// ```
/// use cascade_dsl::codegen::type_ident;
/// assert_eq!(type_ident("ICP").unwrap().to_string(), "ICP");
/// assert_eq!(type_ident("match").unwrap().to_string(), "r#match");
/// assert_eq!(type_ident("gen").unwrap().to_string(), "r#gen");
/// assert!(type_ident("Self").is_err());
/// assert!(type_ident("9lives").is_err());
/// ```
pub fn type_ident(name: &str) -> Result<Ident, String> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_";
    if !valid {
        return Err(format!("type name `{name}` is not a Rust identifier"));
    }
    if matches!(name, "Self" | "self" | "super" | "crate") {
        return Err(format!(
            "type name `{name}` is a Rust keyword that cannot name a type"
        ));
    }
    // A keyword parses as an `Ident` token but not as a path segment; `r#` fixes that. syn's
    // list predates `gen`, which edition 2024 reserves: it needs `r#` as well.
    if syn::parse_str::<syn::Ident>(name).is_err() || RESERVED_SINCE_2024.contains(&name) {
        return Ok(Ident::new_raw(name, Span::call_site()));
    }
    Ok(format_ident!("{}", name))
}

fn field_table(
    owner: &EntityType,
    field: &Field,
    span: Span,
    private: &TokenStream,
) -> TokenStream {
    let name = field.name.as_str();
    let at = format!("{}.{}", owner.name, field.name);
    let def = field.def();
    let operator = match def.operator.as_ref().map(|op| op.value) {
        Some(op) => {
            let variant = operator_variant(op);
            quote!(#private::Some(#private::Operator::#variant))
        }
        None => quote!(#private::None),
    };
    let array = def.array;
    let optional = def.optional;
    let targets = def.targets.iter().map(|target| {
        let type_name = target.name.value.as_str();
        let threshold = written(target.threshold.as_ref().map(|t| t.value), &at, private);
        // Spanned on the definition: an unknown target or one that does not derive `Cascade`
        // is reported there.
        let (type_threshold, strategy) = match type_ident(type_name) {
            // A self-reference names the type as `Self`: its name alone is no type when it has
            // generics (`Node` of `struct Node<T>`), while `Self` is `Node<T>` in its own impl.
            Ok(_) if type_name == owner.name => (
                quote_spanned!(span=> <Self as #private::Target>::THRESHOLD),
                quote_spanned!(span=> <Self as #private::Target>::STRATEGY),
            ),
            Ok(mut ident) => {
                ident.set_span(span);
                (
                    quote_spanned!(span=> <#ident as #private::Target>::THRESHOLD),
                    quote_spanned!(span=> <#ident as #private::Target>::STRATEGY),
                )
            }
            Err(message) => {
                let error = quote_spanned!(span=> ::core::compile_error!(#message));
                (error.clone(), error)
            }
        };
        quote! {
            #private::TargetTable {
                type_name: #type_name,
                threshold: #threshold,
                type_threshold: #type_threshold,
                strategy: #strategy,
            }
        }
    });
    quote! {
        #private::FieldTable {
            name: #name,
            operator: #operator,
            array: #array,
            optional: #optional,
            targets: &[#(#targets),*],
        }
    }
}

/// `PATH::__private`, where generated code finds the runtime.
fn private(cascade: &TokenStream) -> TokenStream {
    quote!(#cascade::__private)
}

/// `Some(Written::new(0.82, "ICP.$threshold"))`: the value and where it was written, in the
/// key syntax of `.cascade` files for both front ends, so their tables are identical.
fn written(threshold: Option<Threshold>, at: &str, private: &TokenStream) -> TokenStream {
    match threshold {
        Some(threshold) => {
            let value = threshold_literal(threshold);
            quote!(#private::Some(#private::Written::new(#value, #at)))
        }
        None => quote!(#private::None),
    }
}

/// `0.82`, never `0.82f64`. A [`Threshold`] is finite by construction, which is what
/// `Literal::f64_unsuffixed` requires; `-0.0` is written as `0.0` so no minus sign is emitted.
fn threshold_literal(threshold: Threshold) -> Literal {
    let value = threshold.get();
    Literal::f64_unsuffixed(if value == 0.0 { 0.0 } else { value })
}

/// The strategy as written; `None` (not written) leaves the choice to the runtime config.
fn strategy(strategy: Option<Strategy>, private: &TokenStream) -> TokenStream {
    match strategy {
        None => quote!(#private::None),
        Some(Strategy::Static) => quote!(#private::Some(#private::Strategy::Static)),
        Some(Strategy::Adaptive) => quote!(#private::Some(#private::Strategy::Adaptive)),
    }
}

fn operator_variant(op: Operator) -> Ident {
    let name = match op {
        Operator::ForwardExact => "ForwardExact",
        Operator::ForwardFuzzy => "ForwardFuzzy",
        Operator::BackwardExact => "BackwardExact",
        Operator::BackwardFuzzy => "BackwardFuzzy",
    };
    Ident::new(name, Span::call_site())
}

/// One `#[doc]` line each, so the output reads as `///` comments.
///
/// `$instructions` are a prompt, not documentation: as Markdown, a ```` ``` ```` fence or an
/// indented line in them would become a doctest that fails the user's `cargo test`, and `[Nope]`
/// or `<b>` a rustdoc warning. So they go verbatim into a `text` code block, which rustdoc
/// neither parses nor tests, fenced with more backticks than any run of backticks in them, so
/// nothing inside can close it.
fn type_doc(ty: &EntityType) -> Vec<String> {
    let mut lines = vec![format!(" The `{}` type of the schema.", ty.name)];
    if let Some(instructions) = &ty.instructions {
        let fence = "`".repeat(longest_backtick_run(instructions).max(2) + 1);
        lines.push(String::new());
        lines.push(" Its `$instructions`:".to_owned());
        lines.push(String::new());
        lines.push(format!(" {fence}text"));
        lines.extend(instructions.lines().map(|line| match line {
            "" => String::new(),
            line => format!(" {line}"),
        }));
        lines.push(format!(" {fence}"));
    }
    lines
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntityType, Schema};

    fn schema(src: &str) -> Schema {
        crate::check(src).expect("the test schema is valid")
    }

    #[test]
    fn threshold_literals_are_unsuffixed_and_never_negative() {
        let literal = |v: f64| threshold_literal(Threshold::new_const(v)).to_string();
        assert_eq!(literal(0.82), "0.82");
        assert_eq!(literal(1.0), "1.0");
        assert_eq!(literal(0.0), "0.0");
        assert_eq!(literal(-0.0), "0.0");
    }

    #[test]
    fn identifiers() {
        assert_eq!(
            type_ident("type").map(|i| i.to_string()),
            Ok("r#type".into())
        );
        assert_eq!(
            type_ident("Startup_2").map(|i| i.to_string()),
            Ok("Startup_2".into())
        );
        for bad in ["Self", "self", "super", "crate", "", "_", "a-b", "Café"] {
            assert!(type_ident(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reserved_names_are_diagnostics() {
        let codes: Vec<_> = check_names(&schema("{ SCHEMA: {}, Self: {}, type: {}, Ok: {} }"))
            .iter()
            .map(|d| (d.code.as_str(), d.span()))
            .collect();
        assert_eq!(
            codes,
            [
                ("invalid-entity-name", crate::Span::new(2, 8)),
                ("invalid-entity-name", crate::Span::new(14, 18)),
            ]
        );
    }

    #[test]
    fn output_does_not_depend_on_declaration_order() {
        let a = generate(&schema(
            "{ B: { y: '~>A', x: 'string' }, A: { $threshold: 0.7 } }",
        ));
        let b = generate(&schema(
            "{ A: { $threshold: 0.7 }, B: { x: 'string', y: '~>A' } }",
        ));
        assert_eq!(a.to_string(), b.to_string());
    }

    #[test]
    fn a_name_that_is_no_identifier_becomes_a_compile_error_not_a_panic() {
        let mut bad = EntityType::new("Self", crate::Span::new(0, 4));
        bad.threshold = Some(Threshold::new_const(0.5));
        let tokens = generate(&Schema {
            types: vec![bad],
            ..Schema::default()
        })
        .to_string();
        assert!(tokens.contains("compile_error"), "{tokens}");
    }

    /// The code blocks CommonMark (so rustdoc) finds in `doc`, as (info string, lines), and the
    /// lines outside them. Enough of the spec to see every way text becomes a doctest: backtick
    /// and tilde fences (closed only by a fence of the same kind at least as long) and indented
    /// blocks after a blank line.
    fn code_blocks(doc: &[String]) -> (Vec<(String, Vec<String>)>, Vec<String>) {
        let mut blocks: Vec<(String, Vec<String>)> = Vec::new();
        let mut outside = Vec::new();
        let mut open: Option<(char, usize)> = None;
        let mut after_blank = true;
        for line in doc {
            // rustdoc removes the indentation common to all lines: the one space after `///`.
            let line = line.strip_prefix(' ').unwrap_or(line);
            let trimmed = line.trim_start_matches(' ');
            let indent = line.len() - trimmed.len();
            let fence = trimmed
                .chars()
                .next()
                .filter(|c| *c == '`' || *c == '~')
                .map(|c| (c, trimmed.len() - trimmed.trim_start_matches(c).len()));
            match (open, fence) {
                (Some((c, len)), Some((d, n)))
                    if indent < 4 && c == d && n >= len && trimmed[n..].trim().is_empty() =>
                {
                    open = None;
                }
                (Some(_), _) => blocks.last_mut().unwrap().1.push(line.to_owned()),
                (None, Some((c, n))) if indent < 4 && n >= 3 => {
                    open = Some((c, n));
                    blocks.push((trimmed[n..].trim().to_owned(), Vec::new()));
                }
                (None, _) if indent >= 4 && after_blank && !trimmed.is_empty() => {
                    blocks.push((String::new(), vec![line.to_owned()]));
                }
                (None, _) => outside.push(line.to_owned()),
            }
            after_blank = line.trim().is_empty();
        }
        (blocks, outside)
    }

    #[test]
    fn instructions_are_shown_verbatim_and_never_tested() {
        for instructions in [
            "Reply with JSON:\n```\n{ \"name\": \"Acme\" }\n```",
            "See [Nope] and <b>this\n\n    let indented = code;\n~~~\n`````json\n``",
            "```",
            "",
        ] {
            let mut ty = EntityType::new("ICP", crate::Span::new(0, 3));
            ty.instructions = Some(instructions.to_owned());
            let (blocks, outside) = code_blocks(&type_doc(&ty));
            let lines: Vec<&str> = instructions.lines().collect();
            assert_eq!(blocks.len(), 1, "{instructions:?}: {blocks:?}");
            assert_eq!(blocks[0].0, "text", "{instructions:?}");
            assert_eq!(blocks[0].1, lines, "{instructions:?}");
            assert_eq!(
                outside,
                [
                    "The `ICP` type of the schema.",
                    "",
                    "Its `$instructions`:",
                    ""
                ]
            );
        }
    }

    #[test]
    fn derive_and_build_share_the_type_impl() {
        let schema = schema("{ ICP: { $threshold: 0.82, persona: '~>ICP(0.85)' } }");
        let ident = Ident::new("ICP", Span::call_site());
        let one = impl_type(&schema.types[0], &TypeImpl::named(&ident, None)).to_string();
        assert!(generate(&schema).to_string().contains(&one));
        assert!(
            one.contains(r#"Written :: new (0.85 , "ICP.persona")"#),
            "{one}"
        );
    }

    proptest::proptest! {
        /// Any valid schema generates a file that parses, names only valid identifiers, and
        /// comes out the same whatever the declaration order.
        #[test]
        fn every_valid_schema_generates_parsable_deterministic_code(
            types in proptest::collection::btree_map(
                "[A-Za-z][A-Za-z0-9_]{0,6}",
                (
                    proptest::option::of(0u32..=100),
                    proptest::collection::vec(("[a-z_][a-z0-9_]{0,5}", 0usize..4, proptest::option::of(0u32..=100), 0usize..4), 0..4),
                ),
                1..5,
            )
        ) {
            let names: Vec<&String> = types.keys().collect();
            let mut entries = Vec::new();
            for (name, (threshold, fields)) in &types {
                let mut body = Vec::new();
                if let Some(t) = threshold {
                    body.push(format!("$threshold: {}", f64::from(*t) / 100.0));
                }
                let mut seen = std::collections::BTreeSet::new();
                for (field, target, member, op) in fields {
                    if !seen.insert(field.clone()) {
                        continue;
                    }
                    let target = names[target % names.len()];
                    // Target names in definitions start uppercase; others are primitives.
                    let def = if target.starts_with(|c: char| c.is_ascii_uppercase()) && target != "Self" {
                        let op = ["->", "~>", "<-", "<~"][op % 4];
                        match member {
                            Some(m) if op.starts_with('~') || op.ends_with('~') => {
                                format!("{op}{target}({})", f64::from(*m) / 100.0)
                            }
                            _ => format!("{op}{target}"),
                        }
                    } else {
                        "string".to_owned()
                    };
                    body.push(format!("{field}: '{def}'"));
                }
                entries.push(format!("{name}: {{ {} }}", body.join(", ")));
            }
            let forward = format!("{{ {} }}", entries.join(", "));
            entries.reverse();
            let backward = format!("{{ {} }}", entries.join(", "));
            let (Ok(a), Ok(b)) = (crate::check(&forward), crate::check(&backward)) else {
                // Rejected by the validator (e.g. a keyword-like name): not codegen's input.
                return Ok(());
            };
            if !check_names(&a).is_empty() {
                return Ok(());
            }
            let tokens = generate(&a);
            proptest::prop_assert!(syn::parse2::<syn::File>(tokens.clone()).is_ok(), "{}", tokens);
            proptest::prop_assert_eq!(tokens.to_string(), generate(&b).to_string());
        }
    }
}
