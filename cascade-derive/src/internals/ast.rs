//! The deriving struct, read into what the derive needs: its name, generics, type attributes and
//! the fields that carry a definition.

use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields, Ident, LitStr, Type};

use super::Ctxt;
use super::attr::{self, TypeAttrs};

/// The deriving struct.
pub(crate) struct Container<'a> {
    /// The Rust type's name, also the schema type's name.
    pub(crate) ident: &'a Ident,
    /// `ident` without `r#`.
    pub(crate) name: String,
    /// The generics, for `impl<..>`.
    pub(crate) generics: &'a syn::Generics,
    /// `#[cascade(..)]` on the type.
    pub(crate) attrs: TypeAttrs,
    /// The fields with a `#[cascade("..")]` definition, in declaration order.
    pub(crate) fields: Vec<Field<'a>>,
}

/// A field with a definition.
pub(crate) struct Field<'a> {
    /// The field's name (without `r#`).
    pub(crate) name: String,
    /// The field's identifier.
    pub(crate) ident: &'a Ident,
    /// The field's Rust type.
    pub(crate) ty: &'a Type,
    /// The definition string literal.
    pub(crate) definition: LitStr,
}

impl<'a> Container<'a> {
    /// Reads `input`, recording every problem in `cx`.
    pub(crate) fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Container<'a> {
        let attrs = TypeAttrs::from_ast(cx, &input.attrs);
        let name = input.ident.unraw().to_string();
        let fields = match &input.data {
            Data::Struct(data) => read_fields(cx, &data.fields),
            Data::Enum(data) => {
                cx.error_spanned_by(
                    data.enum_token,
                    "`#[derive(Cascade)]` works on structs only: a schema type is a struct",
                );
                Vec::new()
            }
            Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    "`#[derive(Cascade)]` works on structs only: a schema type is a struct",
                );
                Vec::new()
            }
        };
        Container {
            ident: &input.ident,
            name,
            generics: &input.generics,
            attrs,
            fields,
        }
    }
}

fn read_fields<'a>(cx: &Ctxt, fields: &'a Fields) -> Vec<Field<'a>> {
    let mut out = Vec::new();
    for field in fields {
        let Some(definition) = attr::field_definition(cx, &field.attrs) else {
            continue;
        };
        let Some(ident) = &field.ident else {
            cx.error_spanned_by(
                &definition,
                "a schema field needs a name: tuple struct fields cannot carry a definition",
            );
            continue;
        };
        let name = ident.unraw().to_string();
        out.push(Field {
            name,
            ident,
            ty: &field.ty,
            definition,
        });
    }
    out
}
