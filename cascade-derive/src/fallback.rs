//! After errors, still implement `Cascade` with an empty table, so the user sees the real errors
//! and not also "`Startup: Cascade` is not satisfied" wherever the type is used
//! (thiserror/impl/src/fallback.rs).

use cascade_dsl::codegen::{self, TypeImpl};
use cascade_dsl::model::EntityType;
use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;
use syn::ext::IdentExt;

/// The compile errors plus stub impls of `Cascade` and `Target`, naming the crate by `cascade`.
pub(crate) fn expand(input: &DeriveInput, errors: syn::Error, cascade: TokenStream) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let stub = EntityType::new(ident.unraw().to_string(), cascade_dsl::Span::default());
    let imp = TypeImpl {
        self_ty: quote!(#ident #ty_generics),
        impl_generics: quote!(#impl_generics),
        where_clause: quote!(#where_clause),
        schema_default: None,
        field_span: &|_| proc_macro2::Span::call_site(),
        cascade,
    };
    let errors = errors.into_compile_error();
    let impls = codegen::wrap_in_const(codegen::impl_type(&stub, &imp));
    quote! {
        #errors
        #impls
    }
}
