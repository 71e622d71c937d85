//! Checks only the derive can make: the field's Rust type agrees with its definition
//! (`Vec<_>` ⇔ `[]`, `Option<_>` ⇔ `?`). References are looked through at every level, so
//! `&Vec<T>`, `&mut [T]`, `&Option<T>` and `Option<&[T]>` all count as what they refer to.

use cascade_dsl::field::FieldDef;
use syn::{GenericArgument, PathArguments, Type};

use super::Ctxt;
use super::ast::Field;

/// Reports a disagreement between `field`'s Rust type and its parsed definition, on the type.
pub(crate) fn rust_type(cx: &Ctxt, field: &Field<'_>, def: &FieldDef) {
    let (optional, inner) = match wrapped(field.ty, "Option") {
        Some(inner) => (true, inner),
        None => (false, field.ty),
    };
    let array = is_sequence(inner);
    let name = &field.name;
    let written = field.definition.value();
    let written = written.trim();
    if def.optional && !optional {
        cx.error_spanned_by(
            field.ty,
            format!(
                "field `{name}` is optional (`{written}`) but its type is not an `Option<_>`\n\
                 = help: make the type `Option<..>`, or drop the `?` from the definition"
            ),
        );
    } else if optional && !def.optional {
        // In a prompt-only definition a trailing `?` belongs to the question (DESIGN §2).
        let help = if def.operator.is_none() && def.prompt.is_some() && written.ends_with('?') {
            "a `?` ending a question is part of the question; write `string?` for an optional \
             text field, or make the type non-optional"
        } else {
            "add `?` to the definition, or make the type non-optional"
        };
        cx.error_spanned_by(
            field.ty,
            format!(
                "field `{name}` has an `Option<_>` type but its definition `{written}` is not optional\n= help: {help}"
            ),
        );
    }
    if def.array && !array {
        cx.error_spanned_by(
            field.ty,
            format!(
                "field `{name}` is an array (`{written}`) but its type is not a `Vec<_>`\n\
                 = help: make the type `Vec<..>`, or drop the `[]` from the definition"
            ),
        );
    } else if array && !def.array {
        cx.error_spanned_by(
            field.ty,
            format!(
                "field `{name}` has a `Vec<_>` type but its definition `{written}` is not an array\n\
                 = help: write `['{written}']` or `{written}[]`, or make the type a single value"
            ),
        );
    }
}

/// `T` if `ty` is `Wrapper<T>` (by the last path segment, so `std::option::Option<T>` counts).
fn wrapped<'t>(ty: &'t Type, wrapper: &str) -> Option<&'t Type> {
    let Type::Path(path) = strip(ty) else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let segment = path.path.segments.last()?;
    if segment.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    });
    let first = types.next()?;
    types.next().is_none().then_some(first)
}

/// `Vec<_>`, `[_; N]`, `[_]`, and references to them.
fn is_sequence(ty: &Type) -> bool {
    match strip(ty) {
        Type::Array(_) | Type::Slice(_) => true,
        other => wrapped(other, "Vec").is_some(),
    }
}

/// The type behind invisible groups, parentheses and references (`&T`, `&'a mut T`).
fn strip(ty: &Type) -> &Type {
    match ty {
        Type::Group(group) => strip(&group.elem),
        Type::Paren(paren) => strip(&paren.elem),
        Type::Reference(reference) => strip(&reference.elem),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let ty = |s: &str| syn::parse_str::<Type>(s).unwrap();
        assert!(wrapped(&ty("Option<String>"), "Option").is_some());
        assert!(wrapped(&ty("::core::option::Option<String>"), "Option").is_some());
        assert!(wrapped(&ty("String"), "Option").is_none());
        assert!(is_sequence(&ty("Vec<u8>")));
        assert!(is_sequence(&ty("&'static [u8]")));
        assert!(is_sequence(&ty("[u8; 4]")));
        assert!(!is_sequence(&ty("String")));
        assert!(!is_sequence(&ty("Option<Vec<u8>>")));
        assert!(!is_sequence(&ty("&str")));
        // References are looked through at every level, as `&[T]` always was.
        assert!(is_sequence(&ty("&'a Vec<String>")));
        assert!(is_sequence(&ty("&mut [u8; 4]")));
        assert!(is_sequence(&ty("&&(Vec<u8>)")));
        assert!(wrapped(&ty("&'a Option<String>"), "Option").is_some());
        assert!(wrapped(&ty("&mut Option<&[u8]>"), "Option").is_some_and(is_sequence));
        assert!(wrapped(&ty("&'a Vec<u8>"), "Option").is_none());
    }
}
