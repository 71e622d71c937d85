//! Attributes → the shared schema model → the shared checks → the shared code generator.

use cascade_dsl::codegen::{self, TypeImpl};
use cascade_dsl::diag::Diagnostic;
use cascade_dsl::model::{EntityType, Field};
use cascade_dsl::validate;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{DeriveInput, LitStr};

use crate::fallback;
use crate::internals::ast::Container;
use crate::internals::{Ctxt, attr, check};

/// Expands `#[derive(Cascade)]`: the impls, or every error plus a stub impl.
pub(crate) fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::new();
    let container = Container::from_ast(&cx, input);

    // The model has no file, so its spans are keys that the `check_type` loop below maps back
    // to tokens: the type at 0, the field at position `i` at `i + 1`.
    let mut ty = EntityType::new(container.name.clone(), cascade_dsl::Span::new(0, 0));
    ty.threshold = container.attrs.threshold;
    if container.attrs.threshold_in_config {
        ty.threshold_key = cascade_dsl::model::ThresholdKey::ConfigThreshold;
    }
    ty.strategy = container.attrs.strategy;
    ty.fuzzy_threshold = container.attrs.fuzzy_threshold;
    ty.instructions = container.attrs.instructions.clone();
    for (i, field) in container.fields.iter().enumerate() {
        let text = field.definition.value();
        match parse_definition(&text) {
            Ok(def) => {
                check::rust_type(&cx, field, &def);
                if def.targets.iter().any(|t| t.name.value == "Self") {
                    // Schema types are looked up by name, and `Self` names no schema type.
                    cx.error_spanned_by(
                        &field.definition,
                        format!(
                            "`Self` in a definition: write the type's name\n= help: `~>{}` refers to this type",
                            container.name
                        ),
                    );
                }
                ty.fields.push(Field::new(
                    field.name.clone(),
                    cascade_dsl::Span::new(i + 1, i + 1),
                    def,
                    0,
                ));
            }
            Err(diagnostics) => {
                for diagnostic in &diagnostics {
                    cx.syn_error(definition_error(&field.definition, &text, diagnostic));
                }
            }
        }
    }
    for diagnostic in validate::check_type(&ty) {
        let span = match diagnostic.span().start().checked_sub(1) {
            Some(i) => container.fields.get(i).map(|f| f.ident.span()),
            None => Some(container.ident.span()),
        };
        cx.syn_error(syn::Error::new(
            span.unwrap_or_else(Span::call_site),
            attr::coded(
                diagnostic.code,
                &diagnostic.message,
                diagnostic.help.as_deref(),
            ),
        ));
    }
    // The path generated code names `cascade` by: `::cascade`, or a re-export.
    let cascade = match &container.attrs.cascade {
        Some(path) => quote!(#path),
        None => quote!(::cascade),
    };
    if let Err(errors) = cx.check() {
        return Ok(fallback::expand(input, errors, cascade));
    }

    let ident = container.ident;
    let (impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
    // Target types are named in generated code with the definition literal's span, so an
    // unknown target or one that does not derive `Cascade` is reported on the attribute.
    let field_span = |field: &Field| {
        container
            .fields
            .iter()
            .find(|f| f.name == field.name)
            .map_or_else(Span::call_site, |f| f.definition.span())
    };
    let imp = TypeImpl {
        self_ty: quote!(#ident #ty_generics),
        impl_generics: quote!(#impl_generics),
        where_clause: quote!(#where_clause),
        schema_default: None,
        field_span: &field_span,
        cascade,
    };
    Ok(codegen::wrap_in_const(codegen::impl_type(&ty, &imp)))
}

fn parse_definition(text: &str) -> Result<cascade_dsl::field::FieldDef, Vec<Diagnostic>> {
    cascade_dsl::field::parse(text)
}

/// A dsl diagnostic as a compile error on the definition literal: inside it where the compiler
/// can point there (nightly), else on the whole literal with the bad piece underlined in the
/// message, so the error is precise on stable too.
fn definition_error(lit: &LitStr, text: &str, diagnostic: &Diagnostic) -> syn::Error {
    let (span, label) = &diagnostic.primary;
    let mut message = diagnostic.message.clone();
    if !text.contains('\n') && span.start() <= span.end() && span.end() <= text.len() {
        // Columns count chars, so the caret lines up under non-ASCII text too.
        let column = text.get(..span.start()).map_or(0, |s| s.chars().count());
        let width = text
            .get(span.start()..span.end())
            .map_or(1, |s| s.chars().count().max(1));
        message.push_str(&format!(
            "\n  {text}\n  {}{}",
            " ".repeat(column),
            "^".repeat(width)
        ));
        if !label.is_empty() {
            message.push(' ');
            message.push_str(label);
        }
    }
    for note in &diagnostic.notes {
        message.push_str("\n= note: ");
        message.push_str(note);
    }
    let message = attr::coded(diagnostic.code, &message, diagnostic.help.as_deref());
    let span = literal_subspan(lit, text, *span).unwrap_or_else(|| lit.span());
    syn::Error::new(span, message)
}

/// The span of `range` of the literal's value, when the literal has no escapes (so value offsets
/// are source offsets) and the compiler supports sub-spans (nightly only today).
fn literal_subspan(lit: &LitStr, text: &str, span: cascade_dsl::Span) -> Option<Span> {
    let token = lit.token();
    let source = token.to_string();
    let inner = source.strip_prefix('"')?.strip_suffix('"')?;
    if inner != text {
        return None;
    }
    token.subspan(span.start() + 1..span.end() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(input: DeriveInput) -> String {
        let tokens = derive(&input).unwrap_or_else(syn::Error::into_compile_error);
        let file: syn::File = syn::parse2(tokens).expect("the derive emits items");
        prettyplease::unparse(&file)
    }

    #[test]
    fn expansion() {
        insta::assert_snapshot!(expand(syn::parse_quote! {
            #[cascade(fuzzy_threshold = 0.7, config(threshold = 0.9, strategy = "adaptive"))]
            struct Startup<'a, T: Clone> {
                #[cascade("Who buys it? ~>ICP(0.82)")]
                customer: &'a str,
                #[cascade("['~>Company(0.85)|Startup']")]
                competitors: Vec<T>,
                #[cascade("string")]
                r#type: String,
                plain: u8,
            }
        }));
    }

    /// `#[cascade(crate = "..")]`: every path to the runtime goes through the re-export, in the
    /// impls and in the stub impls after errors alike.
    #[test]
    fn a_reexported_crate_is_named_by_its_path() {
        for input in [
            syn::parse_quote! {
                #[cascade(crate = "sdk::cascade", threshold = 0.8)]
                struct Startup {
                    #[cascade("~>ICP(0.82)")]
                    customer: String,
                }
            },
            syn::parse_quote! {
                #[cascade(crate = "sdk::cascade", threshold = 1.5)]
                struct Startup;
            },
        ] {
            let code = expand(input);
            assert!(
                code.contains("impl sdk::cascade::__private::Cascade for Startup"),
                "{code}"
            );
            let all = code.matches("cascade::__private").count();
            assert_eq!(
                code.matches("sdk::cascade::__private").count(),
                all,
                "{code}"
            );
        }
    }

    #[test]
    fn expansion_after_errors_is_the_errors_plus_a_stub() {
        insta::assert_snapshot!(expand(syn::parse_quote! {
            #[cascade(threshold = 1.5)]
            struct Startup {
                #[cascade("~>ICP(")]
                customer: String,
            }
        }));
    }
}
